"""The capacity pass's result types: frozen dataclasses of `Figure`s, JSON-able.

Other passes (the numeric review rules) and backends query these; the lookups on
`CapacityResult` (`component()`, `operation()`, `edges_of()`, ...) are the stable API.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from archproof.passes.capacity.figure import Figure, to_jsonable
from archproof.passes.capacity.status import AssumptionStatus, GrowthAction, SloStatus, Status

_FIELDS: dict[type, tuple[str, ...]] = {}


class _Json:
    """`to_json()` for dataclasses: every field, recursively."""

    def to_json(self) -> dict[str, Any]:
        names = _FIELDS.get(type(self))
        if names is None:
            names = _FIELDS[type(self)] = tuple(f.name for f in fields(self))  # type: ignore[arg-type]
        return {name: to_jsonable(getattr(self, name)) for name in names}


@dataclass(frozen=True, eq=False)
class WorkLoad(_Json):
    """One kind of work arriving at a component (e.g. `db.read`), summed over operations."""

    work: str
    is_write: bool
    pools: tuple[str, ...]  # pools serving it ("all", "primary", "replicas")
    arrival_rate: Figure  # calls/s (all attempts)
    service_time: Figure  # own mean service time, s
    holding_time: Figure  # own service + nested synchronous calls, s
    offered_load: Figure  # erlangs = arrival_rate × holding_time
    operations: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class PoolLoad(_Json):
    """Queueing figures of one pool of servers (a component, or its primary / replicas)."""

    name: str  # "all", "primary", "replicas"
    instances: int
    concurrency: int
    servers: int  # instances × concurrency; 0 with `infinite`
    infinite: bool
    arrival_rate: Figure  # calls/s into the pool
    arrival_rate_per_instance: Figure
    offered_load: Figure  # erlangs
    mean_holding_time: Figure  # s
    service_cv2: Figure  # squared coefficient of variation of the holding time
    utilization: Figure  # ρ = offered / servers
    utilization_reads: Figure  # ρ from reads only
    utilization_writes: Figure  # ρ from writes only
    p_wait: Figure  # Erlang C
    mean_wait_mmc: Figure  # M/M/c
    mean_wait: Figure  # Allen–Cunneen
    mean_response: Figure  # wait + holding
    mean_in_queue: Figure  # Lq (Little: λ·Wq)
    mean_in_system: Figure  # L (Little: λ·W)
    status: Status  # ok / saturated / idle / unbounded
    held_by: tuple[str, ...]  # saturated callees holding its servers


@dataclass(frozen=True, eq=False)
class ComponentLoad(_Json):
    """Load and utilization of one component at the design's peak load."""

    id: str
    kind: str
    tech: str | None
    replicas: int
    read_replicas: int
    standby: int  # hot standbys: in the availability figures, not in `servers`
    concurrency: int
    servers: int
    arrival_rate: Figure  # calls/s
    arrival_rate_per_replica: Figure
    utilization: Figure  # the highest ρ over its pools
    work: tuple[WorkLoad, ...]
    pools: tuple[PoolLoad, ...]
    status: Status  # ok / warning (ρ ≥ 0.7) / saturated / idle
    source: dict[str, str]  # where replicas / concurrency / availability came from

    def pool(self, name: str) -> PoolLoad | None:
        return next((p for p in self.pools if p.name == name), None)


@dataclass(frozen=True, eq=False)
class EdgeLoad(_Json):
    """One call edge of one operation (caller → callee.work), with its figures."""

    operation: str
    path: str  # e.g. "api.resolve[miss]>db.read"
    caller: str | None  # component holding a server while it waits; None = the client
    callee: str
    work: str
    is_write: bool
    sync: bool
    on_failure: str | None
    fallback: str | None
    calls_per_request: Figure  # expected executions per operation request (with retries)
    rate: Figure  # calls/s at peak
    timeout_probability: Figure
    failure_probability: Figure  # per attempt
    retry_amplification: Figure  # E[attempts]
    mean_response: Figure  # one attempt's response time (wait + holding), s
    p99_response: Figure  # lognormal fit, s
    share_of_slo: Figure  # p99_response / the operation's p99 (or p95) SLO


@dataclass(frozen=True, eq=False)
class SloCheck(_Json):
    """A latency or availability objective against the computed figure."""

    metric: str  # p95 / p99 / availability
    target: float  # seconds, or a fraction for availability
    figure: Figure
    status: SloStatus


@dataclass(frozen=True, eq=False)
class OperationResult(_Json):
    """Rates, latency, SLO verdicts, limits and availability of one operation."""

    id: str
    sync: bool
    consumes: str | None
    rate_average: Figure  # req/s
    rate_peak: Figure  # req/s (the design load)
    mean_latency: Figure
    p50_latency: Figure
    p95_latency: Figure
    p99_latency: Figure
    slo: tuple[SloCheck, ...]
    max_rate_mix: Figure  # req/s when every operation grows together until a pool saturates
    max_rate_alone: Figure  # req/s when only this operation grows (linear estimate)
    availability: Figure
    downtime_per_year: Figure  # minutes
    status: Status  # ok / violated / saturated
    # share of requests failed by fail-closed calls timing out on every attempt, with every
    # component up (an error rate at any load, beside the availability's outages)
    timeout_failures: Figure

    def check(self, metric: str) -> SloCheck | None:
        return next((c for c in self.slo if c.metric == metric), None)


@dataclass(frozen=True, eq=False)
class Headroom(_Json):
    """How far a pool's load can grow before ρ reaches 0.7, 0.8 and 1.0."""

    component: str
    pool: str
    utilization: Figure
    to_70: Figure  # load factor
    to_80: Figure
    to_100: Figure


@dataclass(frozen=True, eq=False)
class Bottleneck(_Json):
    """The pool that saturates first when every operation's rate grows together."""

    component: str | None
    pool: str | None
    saturation_factor: Figure  # × the design peak load


@dataclass(frozen=True, eq=False)
class ComponentNeed(_Json):
    """What one component needs at one step of the growth plan.

    `action` says which kind of move fits the limit, `change` says it with its figures
    (the one text every backend and Q4.4 show), `move` what to do when adding instances
    is not the answer.
    """

    component: str
    pool: str
    replicas_now: int
    replicas_needed: int
    read_replicas_now: int
    read_replicas_needed: int
    utilization_now: Figure  # at this load with today's replicas
    utilization_planned: Figure  # at this load with the planned capacity
    limit: str | None  # why replicas alone cannot help
    move: str | None  # the standard move when they cannot
    action: GrowthAction = GrowthAction.REPLICAS
    change: str = ""  # e.g. "replicas 3→5", "quota 100→154 concurrent calls (237/s ...)"
    arrival_rate: Figure | None = None  # calls/s into its pools at this load

    def summary(self) -> str:
        """`component (pool): change — move`: the need in one line (report, Q4.4)."""
        where = self.component + (f" ({self.pool})" if self.pool != "all" else "")
        return f"{where}: {self.change}" + (f" — {self.move}" if self.move else "")


@dataclass(frozen=True, eq=False)
class GrowthStep(_Json):
    """One load level of the growth plan."""

    label: str  # "2x" or "year 2"
    factor: float  # × today's peak load
    needs: tuple[ComponentNeed, ...]  # components whose replicas must change, or are limited
    slo: tuple[tuple[str, str, SloStatus], ...]  # (operation, metric, status)
    notes: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class IndexSize(_Json):
    name: str
    columns: tuple[str, ...]
    size: Figure  # bytes


@dataclass(frozen=True, eq=False)
class EntityStorage(_Json):
    """Rows and bytes of one entity over the retention period."""

    id: str
    stored_in: str | None
    rows: Figure
    row_bytes: Figure
    data_bytes: Figure
    indexes: tuple[IndexSize, ...]
    index_bytes: Figure
    total_bytes: Figure
    ingress_per_day: Figure  # bytes/day written
    egress_per_day: Figure  # bytes/day read


@dataclass(frozen=True, eq=False)
class StorageResult(_Json):
    entities: tuple[EntityStorage, ...]
    total_bytes: Figure
    ingress_per_day: Figure
    egress_per_day: Figure
    assumptions: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class FailureMode(_Json):
    """What happens to every operation while one component is down."""

    component: str
    fails: tuple[str, ...]  # operations that fail (on some or all requests)
    degrades: tuple[str, ...]  # continue without it (fail_open / fallback / async)
    survives: tuple[str, ...]  # call it, yet neither fail nor degrade
    unaffected: int  # operations that never reach it
    fail_share: dict[str, float]  # operation → share of its requests that fail
    blast_radius: Figure  # share of the requests entering the system that fail
    degraded_share: Figure  # share of the requests entering the system that degrade
    spof: bool  # one instance, and some operation fails without it
    availability: Figure  # of the component (parallel replicas)
    note: str | None


@dataclass(frozen=True, eq=False)
class AssumptionResult(_Json):
    id: str
    statement: str
    status: AssumptionStatus
    figure: Figure | None
    bound: str | None  # "max 30%" / "min 2k/s"
    detail: str


@dataclass(frozen=True, eq=False)
class CacheHeadroom(_Json):
    """A cache and the store it shields: the store's utilization with and without it."""

    cache: str
    store: str
    store_pool: str
    operation: str
    redirected_rate: Figure  # calls/s the store would take without the cache (hits)
    store_utilization: Figure
    store_utilization_without_cache: Figure


@dataclass(frozen=True, eq=False)
class HotKeyLoad(_Json):
    """The busiest key of an entity (or access pattern) against the instance holding it."""

    entity: str
    pattern: str | None
    component: str | None
    pool: str | None  # label of the pool whose one instance holds the key
    share: float
    rate: Figure  # peak req/s on the key
    utilization: Figure  # ρ of the copies serving it, from this key alone
    status: Status  # ok / warning / saturated (one shard cannot take it) / unbounded / unknown
    writes: bool = False  # the key's writes on its primary (serialized when guarded)


@dataclass(frozen=True, eq=False)
class Sensitivity(_Json):
    """How the analysis treated input uncertainty, and whether its latencies are fragile."""

    uncertainty: float  # ±, on service times and on rates
    sensitive_from: float  # ρ from which figures carry a band
    fragile_from: float  # ρ above which the latency prediction is fragile
    re_solves: int  # extra solutions of the layered model the bands cost (0 or 4)
    fragile: tuple[tuple[str, float], ...]  # (pool label, ρ) at or above fragile_from
    statement: str | None  # the plain sentence; None when nothing is fragile

    def to_json(self) -> dict[str, Any]:
        return {
            "uncertainty": self.uncertainty,
            "sensitive_from": self.sensitive_from,
            "fragile_from": self.fragile_from,
            "re_solves": self.re_solves,
            "fragile": [{"pool": label, "utilization": rho} for label, rho in self.fragile],
            "statement": self.statement,
        }


@dataclass(frozen=True, eq=False)
class CapacityResult(_Json):
    """Everything the capacity pass computed, at the design's peak load."""

    peak_factor: float
    components: tuple[ComponentLoad, ...]
    operations: tuple[OperationResult, ...]
    edges: tuple[EdgeLoad, ...]
    bottleneck: Bottleneck
    headroom: tuple[Headroom, ...]
    growth: tuple[GrowthStep, ...]
    storage: StorageResult
    failures: tuple[FailureMode, ...]
    assumptions: tuple[AssumptionResult, ...]
    caches: tuple[CacheHeadroom, ...]
    methods: dict[str, str]  # figure family → method, for the report
    notes: tuple[str, ...]
    # The design-wide availability target (requirements.slos.availability) against the
    # share of user-facing requests that succeed: Σ λ·A / Σ λ over those operations.
    system_availability: SloCheck | None = None
    # The busiest keys (entities' and access patterns' hot_key_share) against the one
    # instance that holds each: saturated when a single shard cannot take its key.
    hot_keys: tuple[HotKeyLoad, ...] = ()
    # Input uncertainty near the knee: the bands' inputs and cost, and the plain statement
    # that the latency prediction is fragile when a pool is above policy.FRAGILE_FROM.
    sensitivity: Sensitivity | None = None

    def component(self, component_id: str) -> ComponentLoad | None:
        return next((c for c in self.components if c.id == component_id), None)

    def operation(self, operation_id: str) -> OperationResult | None:
        return next((o for o in self.operations if o.id == operation_id), None)

    def edges_of(self, operation_id: str) -> tuple[EdgeLoad, ...]:
        return tuple(e for e in self.edges if e.operation == operation_id)

    def edges_to(self, component_id: str) -> tuple[EdgeLoad, ...]:
        return tuple(e for e in self.edges if e.callee == component_id)

    def failure(self, component_id: str) -> FailureMode | None:
        return next((f for f in self.failures if f.component == component_id), None)

    def utilization(self, component_id: str) -> float | None:
        c = self.component(component_id)
        return c.utilization.value if c is not None else None
