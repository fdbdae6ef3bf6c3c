"""Answers to the 24 design questions, and where each came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from archproof.model import Question
from archproof.passes.questions.first_slice import FirstSlice

Provenance = Literal["derived", "computed", "author", "open"]


@dataclass(frozen=True)
class Answer:
    """One question's answer.

    `provenance` says where it came from: `author` (the design's `answers:`), `computed`
    (figures of another pass, e.g. capacity), `derived` (facts of the model) or `open`
    (nobody answered it; `text` is empty). `sources` name the model elements or results
    the answer rests on (`component:db`, `requirements.use_cases`, `capacity.bottleneck`).
    """

    question: Question
    text: str
    provenance: Provenance
    sources: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def is_open(self) -> bool:
        return self.provenance == "open"


@dataclass(frozen=True)
class QuestionsResult:
    """The answers to all 24 questions, in question order, and the first slice (Q6.1's
    figures), which the report's section 6 and summary read instead of recomputing it."""

    answers: tuple[Answer, ...]
    first_slice: FirstSlice | None = None

    def open(self) -> tuple[Answer, ...]:
        """The questions nobody answered."""
        return tuple(a for a in self.answers if a.is_open)

    def get(self, question_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == question_id), None)

    def counts(self) -> dict[str, int]:
        """How many answers of each provenance."""
        out = {"author": 0, "computed": 0, "derived": 0, "open": 0}
        for a in self.answers:
            out[a.provenance] += 1
        return out
