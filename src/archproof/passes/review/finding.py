"""Findings: what a review rule reports, located on the design element that causes it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from archproof.model.principles import Principle
from archproof.model.ref import ElementKind, ElementRef
from archproof.span import Span

# `Principle` and `ElementRef` live in the model; re-exported here for the rules.
__all__ = ["ElementKind", "ElementRef", "Finding", "Hit", "Principle", "Severity"]


class Severity(StrEnum):
    """How serious a finding is; `--fail-on` compares against this order."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]


@dataclass(frozen=True)
class Hit:
    """What a rule function yields: a message about one element of the design.

    `element` points at the element (`ElementRef.component("db")`), so acceptances on
    that element apply; `span` is where to show it, by default the element's own span.
    """

    element: ElementRef
    message: str
    span: Span | None = None
    fix: str | None = None
    evidence: str | None = None

    def __post_init__(self) -> None:
        # A rule still written with a "kind:id" string keeps working (mypy flags it).
        if isinstance(self.element, str):
            object.__setattr__(self, "element", ElementRef.parse(self.element))


@dataclass(frozen=True)
class Finding:
    """A located review finding, with the rule's metadata and its acceptance if any."""

    code: str
    name: str
    principle: Principle
    severity: Severity
    element: ElementRef
    message: str
    span: Span | None = None
    fix: str | None = None
    evidence: str | None = None
    accepted: str | None = None  # the author's reason, when accepted in the design

    @property
    def is_accepted(self) -> bool:
        return self.accepted is not None

    def fingerprint(self) -> str:
        """Stable identity across runs and line moves: code + element + message shape.

        Figures are masked so a finding keeps its identity when the load changes
        ("~867 workers" and "~912 workers" are the same finding).
        """
        import hashlib
        import re

        shape = re.sub(r"\d[\d,.]*", "#", self.message)
        raw = f"{self.code}|{self.element}|{shape}".encode()
        return hashlib.sha256(raw).hexdigest()[:16]
