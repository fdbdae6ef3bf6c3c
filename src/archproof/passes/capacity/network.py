"""Compile a design into a flat queueing network: pools of servers and call visits.

A **pool** is a set of identical servers (replicas × concurrency) with one FIFO queue.
Most components are one pool. A database or search index with read replicas is two:
`primary` (writes, plus its share of reads) and `replicas` (the rest of the reads);
reads are spread evenly over all instances, so the primary takes P/(P+R) of them.
A client, and a cdn or external API whose concurrency nobody stated, is a delay pool
(infinite servers: no queueing, we do not size someone else's system).

A **visit** is one call node of one operation's call tree. Its `per_request` is the
expected number of executions per request of the operation:

    per_request = parent.per_request × Π(branch p) × p × times × E[attempts]

so the arrival rate at a visit is `rate(operation) × per_request` (load propagation).
Children are kept as a small expression (sequence / one_of) for latency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archproof.catalog import load_catalog, resolve, service_time
from archproof.catalog.resolve import ResolvedComponent
from archproof.model import CallNode, ComponentKind, Design, Distribution, OneOf, Operation
from archproof.model.components import REPLICABLE_KINDS
from archproof.model.operations import CallItem
from archproof.passes.capacity.retry import (
    expected_attempts,
    expected_backoff,
    failure_probability,
    timeout_probability,
)

# Kinds sized by someone else: infinite servers unless the design states a concurrency.
_DELAY_KINDS = frozenset({ComponentKind.CLIENT, ComponentKind.CDN, ComponentKind.EXTERNAL})


@dataclass
class Pool:
    """Servers of one component (or of its primary / its read replicas)."""

    index: int
    component: str
    name: str  # "all", "primary" or "replicas"
    instances: int  # replicas (or read replicas) in this pool
    concurrency: int
    infinite: bool
    visits: list[tuple[int, float]] = field(default_factory=list)  # (visit, fraction)

    @property
    def servers(self) -> int:
        return self.instances * self.concurrency

    @property
    def label(self) -> str:
        return self.component if self.name == "all" else f"{self.component}:{self.name}"


# A call-tree expression: ("seq", [items]) of ("call", visit) / ("one_of", [(p, seq)]).
Seq = list["Item"]
Item = tuple[str, object]


@dataclass
class Visit:
    """One call node in one operation's call tree, with its load multipliers."""

    index: int
    op: str
    node: CallNode
    path: str
    parent: int | None
    component: str
    work: str
    is_write: bool
    s_mean: float
    s_var: float
    s_cv2: float
    s_source: str
    per_request: float
    p_timeout: float
    p_fail: float
    attempts: float
    backoff: float
    timeout: float | None
    children: Seq
    p: float = 1.0
    times: int = 1
    pools: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class Network:
    """The compiled design: pools, visits, per-operation top-level sequences and rates."""

    design: Design
    resolved: dict[str, ResolvedComponent]
    pools: list[Pool]
    pools_of: dict[str, list[int]]
    visits: list[Visit]
    top: dict[str, Seq]
    op_rate_avg: dict[str, float]  # external ops: average rate; consumers: from producers
    op_rate: dict[str, float]  # at peak (the design load), req/s
    op_rate_source: dict[str, str]
    enqueued: dict[str, float]  # messages/s enqueued per queue at peak
    notes: list[str]
    visits_of_op: dict[str, list[int]] = field(default_factory=dict)
    visits_of_component: dict[str, list[int]] = field(default_factory=dict)
    order: tuple[list[int], bool] | None = None  # pool order, cached by the solver
    callees: dict[int, set[int]] | None = None  # pool → pools it calls, cached


def _availability(rc: ResolvedComponent) -> float:
    return float(rc.availability.fraction()) if rc.availability is not None else 1.0


def compile_network(design: Design) -> Network:
    """Build pools and visits for `design` at its peak load (rate × peak factor)."""
    catalog = load_catalog()
    resolved = {c.id: resolve(c, catalog.get(c.tech)) for c in design.components}
    pools: list[Pool] = []
    pools_of: dict[str, list[int]] = {}
    for c in design.components:
        rc = resolved[c.id]
        infinite = c.kind in _DELAY_KINDS and c.concurrency is None and rc.entry is None
        if c.kind in REPLICABLE_KINDS:
            names = [("primary", rc.replicas), ("replicas", c.read_replicas)]
        else:
            names = [("all", rc.replicas)]
        pools_of[c.id] = []
        for name, instances in names:
            pools.append(Pool(len(pools), c.id, name, instances, rc.concurrency, infinite))
            pools_of[c.id].append(pools[-1].index)

    visits: list[Visit] = []
    top: dict[str, Seq] = {}
    # Distribution figures are pure functions of the (frozen) distribution: compute once.
    stats: dict[int, tuple[float, float]] = {}
    found_cache: dict[tuple[str, str], tuple[Distribution, str]] = {}
    avail_cache: dict[str, float] = {}

    def compile_items(
        op: str, items: tuple[CallItem, ...], parent: Visit | None, scale: float, prefix: str
    ) -> Seq:
        seq: Seq = []
        for item in items:
            if isinstance(item, OneOf):
                branches: list[tuple[float, Seq]] = []
                for i, branch in enumerate(item.one_of):
                    p = float(branch.p)
                    label = branch.label or f"branch{i + 1}"
                    sub = compile_items(op, branch.calls, parent, scale * p, f"{prefix}[{label}]")
                    branches.append((p, sub))
                seq.append(("one_of", branches))
            else:
                v = compile_node(op, item, parent, scale, prefix)
                seq.append(("call", v.index))
        return seq

    def compile_node(
        op: str, node: CallNode, parent: Visit | None, scale: float, prefix: str
    ) -> Visit:
        comp = design.component(node.component)
        rc = resolved[comp.id]
        if node.time is not None:
            dist, source = node.time, "design (call)"
        else:
            key = (comp.id, node.work)
            if key not in found_cache:
                found = service_time(comp, rc.entry, node.work)
                if found is None:  # the loader rejects this; keep the pass total anyway
                    raise ValueError(f"no service time for {node.call}")
                found_cache[key] = found
            dist, source = found_cache[key]
        if id(dist) not in stats:
            stats[id(dist)] = (dist.mean_s(), dist.cv2())
        mean, cv2 = stats[id(dist)]
        timeout = float(node.timeout.seconds) if node.timeout is not None else None
        p_to = timeout_probability(dist, timeout) if timeout is not None else 0.0
        if comp.id not in avail_cache:
            avail_cache[comp.id] = _availability(rc)
        q = failure_probability(p_to, avail_cache[comp.id])
        retries = node.retries.count if node.retries is not None else 0
        attempts = expected_attempts(q, retries)
        per_request = scale * float(node.p) * node.times * attempts
        path = f"{prefix}>{node.call}" if prefix else node.call
        v = Visit(
            index=len(visits),
            op=op,
            node=node,
            path=path,
            parent=parent.index if parent is not None else None,
            component=comp.id,
            work=node.work,
            is_write=node.is_write,
            s_mean=mean,
            s_var=cv2 * mean * mean,
            s_cv2=cv2,
            s_source=source,
            per_request=per_request,
            p_timeout=p_to,
            p_fail=q,
            attempts=attempts,
            backoff=expected_backoff(q, node.retries),
            timeout=timeout,
            children=[],
            p=float(node.p),
            times=node.times,
        )
        visits.append(v)
        v.children = compile_items(op, node.calls, v, per_request, path)
        return v

    for op in design.operations:
        top[op.id] = compile_items(op.id, op.calls, None, 1.0, "")

    notes: list[str] = []
    op_rate_avg, op_rate, source, enqueued = _operation_rates(design, visits, notes)
    _assign_pools(design, pools, pools_of, visits, op_rate)
    net = Network(
        design,
        resolved,
        pools,
        pools_of,
        visits,
        top,
        op_rate_avg,
        op_rate,
        source,
        enqueued,
        notes,
    )
    for v in visits:
        net.visits_of_op.setdefault(v.op, []).append(v.index)
        net.visits_of_component.setdefault(v.component, []).append(v.index)
    return net


def read_split(primaries: int, read_replicas: int) -> float:
    """Share of reads served by the primary: reads are spread over all P + R instances."""
    return primaries / (primaries + read_replicas) if primaries + read_replicas else 1.0


def _assign_pools(
    design: Design,
    pools: list[Pool],
    pools_of: dict[str, list[int]],
    visits: list[Visit],
    op_rate: dict[str, float],
) -> None:
    for p in pools:
        p.visits = []
    for v in visits:
        ids = pools_of[v.component]
        if len(ids) == 1:
            v.pools = [(ids[0], 1.0)]
        else:
            primary, replicas = pools[ids[0]], pools[ids[1]]
            if v.is_write or replicas.instances == 0:
                v.pools = [(primary.index, 1.0)]
            else:
                f = read_split(primary.instances, replicas.instances)
                v.pools = [(primary.index, f), (replicas.index, 1.0 - f)]
        for pool_index, frac in v.pools:
            pools[pool_index].visits.append((v.index, frac))


def reassign(net: Network) -> None:
    """Recompute the read split after instance counts changed (growth planning)."""
    _assign_pools(net.design, net.pools, net.pools_of, net.visits, net.op_rate)


def _operation_rates(
    design: Design, visits: list[Visit], notes: list[str]
) -> tuple[dict[str, float], dict[str, float], dict[str, str], dict[str, float]]:
    """Peak rates: external ops rate × peak factor; consumers get the messages enqueued.

    Every operation consuming a queue receives every message put on it (a consumer
    group per operation, as on Kafka or SNS→SQS fan-out).
    """
    load = design.requirements.load
    peak = float(load.peak_factor)
    avg: dict[str, float] = {}
    rate: dict[str, float] = {}
    source: dict[str, str] = {}
    for op in design.operations:
        if op.rate is not None:
            avg[op.id] = float(op.rate.per_second)
            source[op.id] = f"rate {op.rate} × peak factor {peak:g}"
        elif op.share is not None and load.requests is not None:
            avg[op.id] = float(op.share.fraction * load.requests.per_second)
            source[op.id] = f"share {op.share} of {load.requests} × peak factor {peak:g}"
        if op.id in avg:
            rate[op.id] = avg[op.id] * peak
    async_by_op: dict[str, list[Visit]] = {}
    for v in visits:
        if v.node.async_:
            async_by_op.setdefault(v.op, []).append(v)
    consumers = [op for op in design.operations if op.consumes is not None]
    # Resolve consumers in dependency order (the loader rejects message loops).
    pending = list(consumers)
    enqueued: dict[str, float] = {}
    for _ in range(len(consumers) + 1):
        still: list[Operation] = []
        for op in pending:
            producers = [
                v for ops in async_by_op.values() for v in ops if v.component == op.consumes
            ]
            if any(v.op not in rate for v in producers):
                still.append(op)
                continue
            total = sum(rate[v.op] * v.per_request for v in producers)
            total_avg = sum(avg.get(v.op, 0.0) * v.per_request for v in producers)
            rate[op.id] = total
            avg[op.id] = total_avg
            names = sorted({v.op for v in producers})
            source[op.id] = (
                f"messages enqueued on {op.consumes} by {', '.join(names)}"
                if names
                else f"nothing enqueues on {op.consumes}: rate 0"
            )
            if not names:
                notes.append(f"operation '{op.id}' consumes '{op.consumes}', but no call enqueues")
        if not still:
            break
        pending = still
    for op in design.operations:
        rate.setdefault(op.id, 0.0)
        avg.setdefault(op.id, 0.0)
        source.setdefault(op.id, "no rate")
    for v in visits:
        if v.node.async_:
            enqueued[v.component] = enqueued.get(v.component, 0.0) + rate[v.op] * v.per_request
    return avg, rate, source, enqueued
