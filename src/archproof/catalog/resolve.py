"""Effective figures of a component: the design's value, else the catalog's, with provenance."""

from __future__ import annotations

from dataclasses import dataclass

from archproof.catalog.entry import CatalogEntry
from archproof.model.common import Availability, Distribution
from archproof.model.components import Component
from archproof.model.traits import traits
from archproof.units import Duration

# Kinds that hold state when neither the design nor the catalog says otherwise.


@dataclass(frozen=True)
class ResolvedComponent:
    """A component with every figure filled in; `source` says where each came from."""

    component: Component
    entry: CatalogEntry | None
    replicas: int
    concurrency: int
    stateful: bool
    availability: Availability | None
    failover: Duration | None  # a standby serving in a lost instance's place after this
    source: dict[str, str]

    @property
    def id(self) -> str:
        return self.component.id

    @property
    def instances(self) -> int:
        """Instances that serve: the replicas, plus read replicas where the kind has them
        (the lowering's pools; what a `lose_replicas` fault can take)."""
        extra = self.component.read_replicas if traits(self.component.kind).read_replicas else 0
        return self.replicas + extra

    @property
    def provider_replicated(self) -> bool:
        """Replicated by its provider, not by the design: a kind that always is (an S3-style
        object store) or a managed technology of any kind (an SQS queue, DynamoDB)."""
        entry_says = self.entry is not None and self.entry.provider_replicated
        return entry_says or traits(self.component.kind).provider_replicated

    @property
    def servers(self) -> int:
        """Servers serving reads and writes: (replicas + read replicas) × concurrency."""
        return (self.replicas + self.component.read_replicas) * self.concurrency


def resolve(component: Component, entry: CatalogEntry | None) -> ResolvedComponent:
    """Merge a component with its catalog entry; the design wins, the source is recorded."""
    origin = f"catalog:{entry.id}" if entry else "default"
    source: dict[str, str] = {}

    def pick(name: str, own: object, fallback: object) -> object:
        source[name] = "design" if own is not None else origin
        return own if own is not None else fallback

    replicas = pick("replicas", component.replicas, entry.replicas if entry else 1)
    concurrency = pick("concurrency", component.concurrency, entry.concurrency if entry else 1)
    default_state = entry.stateful if entry else traits(component.kind).stateful
    stateful = pick("stateful", component.stateful, default_state)
    availability = pick(
        "availability", component.availability, entry.availability if entry else None
    )
    failover = pick("failover", component.failover, entry.failover if entry else None)
    assert isinstance(replicas, int) and isinstance(concurrency, int)
    assert isinstance(stateful, bool)
    assert availability is None or isinstance(availability, Availability)
    assert failover is None or isinstance(failover, Duration)
    return ResolvedComponent(
        component=component,
        entry=entry,
        replicas=replicas,
        concurrency=concurrency,
        stateful=stateful,
        availability=availability,
        failover=failover,
        source=source,
    )


def service_time(
    component: Component, entry: CatalogEntry | None, work: str
) -> tuple[Distribution, str] | None:
    """Service time of `work` on `component` and where it came from, or None if unknown."""
    if work in component.work:
        return component.work[work], "design"
    if entry is not None:
        if work in entry.work:
            return entry.work[work], f"catalog:{entry.id}.{work}"
        if "default" in entry.work:
            return entry.work["default"], f"catalog:{entry.id}.default"
    if "default" in component.work:
        return component.work["default"], "design"
    return None
