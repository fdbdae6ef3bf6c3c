"""The design: the root of the model and the single source of truth for every pass."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

from pydantic import Field

from archproof.model.base import Node, located
from archproof.model.components import Component
from archproof.model.decisions import Decision
from archproof.model.entities import Entity
from archproof.model.events import Event, Observability, Scenario
from archproof.model.frozen import FrozenDict
from archproof.model.operations import CallItem, CallNode, OneOf, Operation, Parallel
from archproof.model.requirements import Requirements
from archproof.span import span_of

SCHEMA_VERSION = "1"


class Meta(Node):
    """What the design is about."""

    name: str = Field(description="Short name of the system.")
    task: str | None = Field(default=None, description="The design task in plain words.")
    kind: Literal["system", "coding"] = Field(
        default="system", description="A system design or a coding task."
    )
    owners: tuple[str, ...] = Field(default=(), description="Owning people or teams.")
    version: str = Field(default=SCHEMA_VERSION, description="Design file format version.")
    drafted_by: str | None = Field(
        default=None,
        description="The language model that drafted the file (`provider:model`, written "
        "by `archproof design --llm`); archproof checked every figure.",
    )


# Top-level sections written as mappings keyed by id; the model keeps tuples with `id`.
_KEYED_SECTIONS = ("components", "operations", "entities", "events", "scenarios")


def _keyed_to_tuple(value: Any) -> Any:
    """`{api: {...}}` → `({id: api, ...},)`, keeping the spans of keys and values."""
    if not isinstance(value, dict):
        return value
    items = []
    key_spans = getattr(value, "key_spans", {})
    for key, body in value.items():
        entry = dict(body) if isinstance(body, dict) else {} if body is None else body
        if isinstance(entry, dict):
            entry = {"id": key, **entry}
            span = span_of(body) or key_spans.get(key)
            if span is not None:
                entry["span"] = span
        items.append(entry)
    return tuple(items)


class Design(Node):
    """A system (or coding-task) design: requirements, components, operations, data."""

    meta: Meta = Field(description="Name, task text and kind.")
    requirements: Requirements = Field(
        default_factory=Requirements, description="Use cases, load, SLOs, assumptions."
    )
    components: tuple[Component, ...] = Field(default=(), description="Components by id.")
    operations: tuple[Operation, ...] = Field(default=(), description="Operations by id.")
    entities: tuple[Entity, ...] = Field(default=(), description="Entities by name.")
    events: tuple[Event, ...] = Field(default=(), description="Events by name.")
    observability: Observability = Field(
        default_factory=Observability, description="Metrics, logs, alerts, tracing."
    )
    scenarios: tuple[Scenario, ...] = Field(default=(), description="Named fault scenarios.")
    decisions: tuple[Decision, ...] = Field(
        default=(), description="Key decisions: choice, reason, principle and evidence."
    )
    answers: FrozenDict[str, str] = Field(
        default_factory=FrozenDict,
        description="Author's answers to the 24 questions, by id (Q2.3).",
    )
    accept: FrozenDict[str, str] = Field(
        default_factory=FrozenDict, description="Design-wide accepted findings: code → reason."
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for section in _KEYED_SECTIONS:
            if section in out:
                out[section] = _keyed_to_tuple(out[section])
        return located(data, out)

    # Lookups. cached_property is safe on frozen pydantic models (it writes __dict__).
    @cached_property
    def component_map(self) -> dict[str, Component]:
        return {c.id: c for c in self.components}

    @cached_property
    def operation_map(self) -> dict[str, Operation]:
        return {o.id: o for o in self.operations}

    @cached_property
    def entity_map(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def component(self, component_id: str) -> Component:
        return self.component_map[component_id]

    def operation(self, operation_id: str) -> Operation:
        return self.operation_map[operation_id]


def walk_calls(items: tuple[CallItem, ...]) -> list[CallNode]:
    """Every call node in a call tree, depth first, including those inside one_of and
    parallel groups."""
    out: list[CallNode] = []
    for item in items:
        if isinstance(item, OneOf):
            for branch in item.one_of:
                out.extend(walk_calls(branch.calls))
        elif isinstance(item, Parallel):
            out.extend(walk_calls(item.parallel))
        else:
            out.append(item)
            out.extend(walk_calls(item.calls))
    return out
