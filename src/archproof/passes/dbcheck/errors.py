"""The one error dbcheck raises on purpose: the database cannot be used (or was left)."""

from __future__ import annotations

from archproof.errors import ArchproofError
from archproof.span import Span


class DbcheckError(ArchproofError):
    """An unusable database, a refused statement or an interrupted run: one clear message.

    `span` locates it in the design when an entity caused it (DDL the engine rejects);
    `hint` says what to do. The CLI prints it and exits with status 2.
    """

    def __init__(self, message: str, hint: str | None = None, span: Span | None = None) -> None:
        self.message = message
        self.hint = hint
        self.span = span
        super().__init__(f"{span}: {message}" if span is not None else message)
