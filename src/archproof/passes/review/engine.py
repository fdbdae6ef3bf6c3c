"""Run every registered rule over a design: acceptances applied, crashes reported."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from archproof.errors import InternalError
from archproof.model import Design, ElementRef
from archproof.passes.base import Results
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import Finding, Principle, Severity
from archproof.passes.review.rule import Rule


@dataclass(frozen=True)
class ReviewResult:
    """Findings of the review pass, accepted ones included (marked), sorted by location."""

    findings: tuple[Finding, ...]
    rules_run: tuple[str, ...]

    def active(self) -> tuple[Finding, ...]:
        """Findings not accepted by the author."""
        return tuple(f for f in self.findings if not f.is_accepted)

    def at_or_above(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.active() if f.severity.rank >= severity.rank)


def _accept_map(design: Design, element: ElementRef) -> dict[str, str]:
    return {**design.accept, **element.accept(design)}


def review(design: Design, rules: Iterable[Rule], results: Results | None = None) -> ReviewResult:
    """Run `rules`; findings matching an `accept:` entry are kept, marked accepted."""
    ctx = RuleContext(design=design, results=results if results is not None else Results())
    findings: list[Finding] = []
    used: set[tuple[ElementRef, str]] = set()  # (element or design, code) acceptances matched
    ran: list[str] = []
    for r in rules:
        ran.append(r.code)
        try:
            hits = list(r.check(ctx))
        except Exception as exc:  # a crashing rule is our bug: say which one
            raise InternalError(
                f"rule {r.code} ({r.name})", f"{type(exc).__name__}: {exc}"
            ) from exc
        for hit in hits:
            accepts = _accept_map(design, hit.element)
            reason = accepts.get(r.code)
            if reason is not None:
                own = hit.element.element if r.code in hit.element.accept(design) else _DESIGN
                used.add((own, r.code))
            findings.append(
                Finding(
                    code=r.code,
                    name=r.name,
                    principle=r.principle,
                    severity=r.severity,
                    element=hit.element,
                    message=hit.message,
                    span=hit.span if hit.span is not None else hit.element.span(design),
                    fix=hit.fix,
                    evidence=hit.evidence,
                    accepted=reason,
                )
            )
    findings.extend(_stale_acceptances(design, used, set(ran)))
    findings.sort(
        key=lambda f: (
            f.span.line if f.span else 0,
            f.span.column if f.span else 0,
            f.code,
            str(f.element),
        )
    )
    return ReviewResult(findings=tuple(findings), rules_run=tuple(ran))


_DESIGN = ElementRef.design()


def _stale_acceptances(
    design: Design, used: set[tuple[ElementRef, str]], ran: set[str]
) -> list[Finding]:
    """An `accept:` entry that matches no finding is itself reported (AP040)."""
    out: list[Finding] = []
    elements: list[tuple[ElementRef, Mapping[str, str], object]] = [
        (_DESIGN, design.accept, design)
    ]
    for c in design.components:
        elements.append((ElementRef.component(c.id), c.accept, c))
    for o in design.operations:
        elements.append((ElementRef.operation(o.id), o.accept, o))
    for e in design.entities:
        elements.append((ElementRef.entity(e.id), e.accept, e))
    for ev in design.events:
        elements.append((ElementRef.event(ev.id), ev.accept, ev))
    for element, accepts, node in elements:
        for code in accepts:
            if (element, code) in used:
                continue
            why = "no such rule ran" if code not in ran else "the rule found nothing here"
            out.append(
                Finding(
                    code="AP040",
                    name="stale-acceptance",
                    principle=Principle.AP,
                    severity=Severity.WARNING,
                    element=element,
                    message=f"acceptance of {code} matches no finding ({why})",
                    span=getattr(node, "span", None),
                    fix=f"remove `{code}` from `accept:`",
                )
            )
    return out
