"""The capacity solver's working view of the lowered queueing model.

Everything semantic — pools, servers, service times, call trees, rates, the read split —
comes from `passes/lower` (`lower(design)`). This adds only the solver's mutable state:
instance counts per pool (the growth plan tries larger ones) and the routing that
follows from them, plus indexes for fast lookups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from archproof.catalog.resolve import ResolvedComponent
from archproof.model import Design
from archproof.passes.lower import Call, QueueingModel, Steps, lower, route
from archproof.passes.lower import Pool as LoweredPool

# Kept as names the solver modules use: a visit is a lowered call, a sequence its steps.
Visit = Call
Seq = Steps


@dataclass
class Pool:
    """A lowered pool with the solver's instance count (the growth plan changes it)."""

    lowered: LoweredPool
    instances: int
    visits: list[tuple[int, float]] = field(default_factory=list)  # (visit, share)

    @property
    def index(self) -> int:
        return self.lowered.index

    @property
    def component(self) -> str:
        return self.lowered.component

    @property
    def name(self) -> str:
        return self.lowered.name

    @property
    def concurrency(self) -> int:
        return self.lowered.concurrency

    @property
    def infinite(self) -> bool:
        return self.lowered.infinite

    @property
    def servers(self) -> int:
        return self.instances * self.concurrency

    @property
    def label(self) -> str:
        return self.lowered.label


@dataclass
class Network:
    """The lowered model plus the solver's state: instances, routes, lookups, caches."""

    model: QueueingModel
    resolved: dict[str, ResolvedComponent]
    pools: list[Pool]
    routes: list[tuple[tuple[int, float], ...]]  # per visit: (pool, share) at current sizes
    op_rate: dict[str, float]  # at peak (the design load), req/s
    visits_of_op: dict[str, list[int]] = field(default_factory=dict)
    visits_of_component: dict[str, list[int]] = field(default_factory=dict)
    order: tuple[list[int], bool] | None = None  # pool order, cached by the solver
    callees: dict[int, set[int]] | None = None  # pool → pools it calls, cached
    callers: dict[int, list[int]] | None = None  # caller → callees it bounds, cached

    @property
    def design(self) -> Design:
        return self.model.design

    @property
    def visits(self) -> tuple[Call, ...]:
        return self.model.calls

    @property
    def pools_of(self) -> Mapping[str, tuple[int, ...]]:
        return self.model.pools_of

    def top(self, op: str) -> Steps:
        return self.model.operation(op).steps


def compile_network(design: Design | QueueingModel) -> Network:
    """The solver's network for a design (lowered here if it was not already)."""
    model = design if isinstance(design, QueueingModel) else lower(design)
    pools = [Pool(p, p.instances) for p in model.pools]
    net = Network(
        model=model,
        resolved=dict(model.resolved),
        pools=pools,
        routes=[c.route for c in model.calls],
        op_rate={o.id: o.rate.peak for o in model.operations},
    )
    _index_pools(net)
    for v in model.calls:
        net.visits_of_op.setdefault(v.op, []).append(v.index)
        net.visits_of_component.setdefault(v.component, []).append(v.index)
    return net


def _index_pools(net: Network) -> None:
    for p in net.pools:
        p.visits = []
    for v in net.visits:
        for pool_index, share in net.routes[v.index]:
            net.pools[pool_index].visits.append((v.index, share))


def reassign(net: Network) -> None:
    """Re-route reads after instance counts changed (growth planning)."""
    for v in net.visits:
        net.routes[v.index] = route(
            v.is_write, [net.pools[i] for i in net.model.pools_of[v.component]]
        )
    _index_pools(net)
    net.callers = None  # which pools call which follows the routes
