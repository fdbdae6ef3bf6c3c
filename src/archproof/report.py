"""A Report: the design plus every pass result, which backends render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, overload

from archproof.model import Design
from archproof.passes.base import Results

T = TypeVar("T")


@dataclass(frozen=True)
class Report:
    """Everything archproof knows about one design after running passes.

    `results` holds each pass's result keyed by its type: `report.get(CapacityResult)`.
    """

    design: Design
    results: Results = field(default_factory=Results)
    source_file: str | None = None

    @overload
    def get(self, kind: type[T], /) -> T | None: ...
    @overload
    def get(self, name: str, kind: type[T], /) -> T | None: ...
    def get(self, first: type[T] | str, kind: type[T] | None = None, /) -> T | None:
        """The result of type `kind`, if its pass ran.

        `get(CapacityResult)`; the older `get("capacity", CapacityResult)` still works and
        also checks that the result came from the pass of that name.
        """
        if isinstance(first, str):
            if kind is None:
                raise TypeError("get(name, kind) needs the result type")
            return self.results.get(kind) if self.results.name_of(kind) == first else None
        return self.results.get(first)
