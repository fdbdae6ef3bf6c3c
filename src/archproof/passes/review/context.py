"""What a rule sees: the design, the catalog, resolved components and earlier results."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from archproof.catalog import CatalogEntry, ResolvedComponent, load_catalog, resolve
from archproof.model import CallNode, Component, Design, Operation, walk_calls
from archproof.passes.base import Results

T = TypeVar("T")


@dataclass
class RuleContext:
    """The design plus helpers rules share, so each rule stays a few lines."""

    design: Design
    results: Results = field(default_factory=Results)

    def result(self, kind: type[T]) -> T | None:
        """The result of an earlier pass by its type (e.g. `CapacityResult`), if it ran."""
        return self.results.get(kind)

    def entry(self, component: Component) -> CatalogEntry | None:
        return load_catalog().get(component.tech)

    @cached_property
    def resolved(self) -> dict[str, ResolvedComponent]:
        catalog = load_catalog()
        return {c.id: resolve(c, catalog.get(c.tech)) for c in self.design.components}

    def calls(self, op: Operation) -> list[CallNode]:
        """Every call node of an operation (depth first, one_of branches included)."""
        return walk_calls(op.calls)

    def all_calls(self) -> list[tuple[Operation, CallNode]]:
        return [(op, node) for op in self.design.operations for node in self.calls(op)]
