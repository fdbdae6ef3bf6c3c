"""The questions pass: the framework's 24 design questions, each answered by the author,
computed by a pass, derived from the model, or left open (in that order of preference)."""

from __future__ import annotations

from archproof.model import QUESTIONS, Design
from archproof.passes.base import Context, Pass, Results
from archproof.passes.questions.answer import Answer, Provenance, QuestionsResult
from archproof.passes.questions.computed import COMPUTERS
from archproof.passes.questions.derive import DERIVERS
from archproof.passes.questions.first_slice import (
    Deferred,
    FirstSlice,
    SliceOperation,
    first_slice_answer,
    plan_first_slice,
)
from archproof.passes.questions.placeholders import fill

__all__ = [
    "PASS",
    "Answer",
    "Deferred",
    "FirstSlice",
    "Provenance",
    "QuestionsResult",
    "SliceOperation",
    "answer_questions",
]


def answer_questions(design: Design, results: Results | None = None) -> QuestionsResult:
    """Answer all 24 questions. Pure: reads the design and earlier results only."""
    earlier = results if results is not None else Results()
    first = plan_first_slice(design)
    answers: list[Answer] = []
    for question in QUESTIONS:
        own = design.answers.get(question.id)
        if own is not None and own.strip():
            text, cited = fill(own.strip(), earlier)
            answers.append(Answer(question, text, "author", (f"answers.{question.id}", *cited)))
            continue
        compute = COMPUTERS.get(question.id)
        found = compute(design, earlier) if compute else None
        if found is not None:
            answers.append(Answer(question, "\n".join(found[0]), "computed", tuple(found[1])))
            continue
        if question.id == "Q6.1":
            found = first_slice_answer(design, first)
        else:
            derive = DERIVERS.get(question.id)
            found = derive(design) if derive else None
        if found is not None:
            answers.append(Answer(question, "\n".join(found[0]), "derived", tuple(found[1])))
            continue
        answers.append(Answer(question, "", "open"))
    return QuestionsResult(answers=tuple(answers), first_slice=first)


def _run(context: Context) -> QuestionsResult:
    return answer_questions(context.design, context.results)


PASS = Pass(
    name="questions",
    run=_run,
    result=QuestionsResult,
    requires=(),
    description="Answer the 24 design questions (author, computed, derived, or open).",
)
