"""Q — Design questions: every design answers the framework's 24 questions; the ones that
neither the author, the passes nor the model answer are reported (info level)."""

from __future__ import annotations

from collections.abc import Iterator

from archproof.passes.questions import answer_questions
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule


@rule(code="Q001", name="open-design-question", severity=Severity.INFO)
def open_question(ctx: RuleContext) -> Iterator[Hit]:
    """One of the 24 design questions is answered neither by the author nor by the model.

    What it checks:
        Answers the 24 questions the way the questions pass does (author answers under
        `answers:`, figures of passes that already ran, facts derived from the model) and
        reports each question left open.

    Why it matters:
        Every design answers six sections of four questions: problem understanding,
        architecture, data, scalability, failure modes and implementation strategy. An open
        question is a decision nobody has made yet, or one made but not written down.

    Example:
        meta: {name: tiny}
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          ping:
            rate: 1/s
            calls: [api.handle]

    Use instead:
        meta: {name: tiny}
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          ping:
            rate: 1/s
            calls: [api.handle]
        answers:
          Q1.1: A health endpoint for the platform team's uptime checks.
          Q1.2: Answer ping with 200 OK.
          Q1.3: One request per second, no latency target.
          Q1.4: None beyond the shared platform.
          Q2.1: One stateless service.
          Q2.2: Nowhere; the service is stateless.
          Q2.3: Synchronous HTTP from the checker.
          Q2.4: The standard stateless service template.
          Q3.1: None.
          Q3.2: None.
          Q3.3: None.
          Q3.4: None.
          Q4.1: 1/s on two replicas; nothing is near saturation.
          Q4.2: None are slow.
          Q4.3: No; there is nothing to cache.
          Q4.4: It does not grow.
          Q5.1: The checker reports the service down, which is its purpose.
          Q5.2: The checker times out after 1 s.
          Q5.3: Fails closed; there is nothing to fall back on.
          Q5.4: ping has no side effects.
          Q6.1: The endpoint itself.
          Q6.2: The checker's success rate.
          Q6.3: None.
          Q6.4: Deployed with the service template's canary rollout.

    Evidence:
        The question's id and text, and the absence of an author answer, a computed figure
        and the model facts that would answer it.
    """
    for answer in answer_questions(ctx.design, ctx.results).open():
        q = answer.question
        yield Hit(
            element=ElementRef.design(),
            message=f"{q.id} open ({q.section}): {q.text}",
            span=ctx.design.span,
            fix=f"answer it under `answers: {{{q.id}: ...}}`, or add the model facts it needs",
            evidence="no author answer, no computed figure, nothing in the model answers it",
        )
