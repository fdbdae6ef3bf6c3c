"""A Report: the design plus every pass result, which backends render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from archproof.model import Design

T = TypeVar("T")


@dataclass(frozen=True)
class Report:
    """Everything archproof knows about one design after running passes."""

    design: Design
    results: dict[str, object] = field(default_factory=dict)
    source_file: str | None = None

    def get(self, name: str, kind: type[T]) -> T | None:
        """The result of pass `name`, if it ran."""
        result = self.results.get(name)
        return result if isinstance(result, kind) else None
