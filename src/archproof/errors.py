"""The error tree.

    ArchproofError            root of everything archproof raises on purpose
    ├── DesignError           the user's input is wrong: one or more located Diagnostics
    └── InternalError         a bug in archproof (a rule or pass crashed); names the culprit

User-input errors are collected (not raised one by one), capped, printed with their
location first, and end the process with exit status 2. Internal errors are never
blamed on the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from archproof.span import Span

MAX_REPORTED_ERRORS = 20


@dataclass(frozen=True)
class Diagnostic:
    """One problem in the user's input, with the place it was written."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None

    def headline(self) -> str:
        where = f"{self.span}: " if self.span else ""
        return f"{where}{self.code} {self.message}"


class ArchproofError(Exception):
    """Root of every error archproof raises deliberately."""


class DesignError(ArchproofError):
    """The design (or another user input) is invalid; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = self.diagnostics[0].headline() if self.diagnostics else "invalid design"
        more = len(self.diagnostics) - 1
        super().__init__(first + (f" (and {more} more)" if more > 0 else ""))


class InternalError(ArchproofError):
    """A bug inside archproof, e.g. a review rule or a pass that crashed."""

    def __init__(self, culprit: str, detail: str) -> None:
        self.culprit = culprit
        self.detail = detail
        super().__init__(f"internal error in {culprit}: {detail}")
