"""The lowered design: a typed queueing model every later stage reads.

`lower(design)` builds it once. Capacity solves it, the simulator flattens it into its
arrays, rules and reports read its figures. Every figure carries where it came from, so
two outputs that print the same quantity print the same number.

- A **pool** is a set of identical servers (instances × concurrency) with one FIFO queue;
  a component is one pool (`role` ALL), or two for a kind with read replicas (PRIMARY
  takes writes and its share of reads, REPLICAS the rest). An infinite pool is a delay
  station: no queueing (someone else sizes it).
- A **call** is one node of an operation's call tree with its service time, policy and
  load multipliers; its `children` are typed steps (`Call`, `Choice` or `Parallel`),
  never tuples. A `Parallel` group's members are made at once: every member carries the
  full rate of its parent (load = the sum), the caller waits for the slowest (latency =
  the max).
- An operation's **rate** is stated once: average and peak (average × peak factor) with
  the derivation as text. A global `rate_limit` caps it (the admitted rate; `offered` is
  what arrives), and a consumer's rate counts every redelivery of a failed message.
- A call's typed **fallback** (`fallback: {call: ...}` on a fail-open edge) is a `Call`
  of its own, made by the same caller for the share of executions whose edge failed
  (`Call.fallback`, numbered after the primary's subtree); it is not one of the steps (the
  latency walk leaves it out), but its load counts like any call's.
- **Admission**, **redelivery** and **hot keys** are stated here once each (see `Admission`,
  `RedeliveryFlow`, `HotKey`): the capacity pass and the rules read them, nobody recomputes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cached_property

from archproof.catalog.resolve import ResolvedComponent
from archproof.model import CallNode, ComponentKind, Design, Distribution


class PoolRole(StrEnum):
    """Which servers of a component a pool is."""

    ALL = "all"  # every instance (a component without read replicas)
    PRIMARY = "primary"  # the primaries: every write and their share of reads
    REPLICAS = "replicas"  # read replicas: the rest of the reads


@dataclass(frozen=True, slots=True)
class Pool:
    """Servers of one component (or of its primaries / its read replicas)."""

    index: int
    component: str
    kind: ComponentKind
    role: PoolRole
    instances: int  # replicas (or read replicas) in this pool
    concurrency: int  # requests one instance serves at once
    infinite: bool  # a delay station: every request is served at once
    servers_source: str  # where instances × concurrency (or infinity) came from
    queue_limit: int | None  # bounded wait queue (None: unbounded)
    availability: float  # of one instance, 1.0 when unknown
    availability_source: str
    # hot standbys that take a lost instance's place (the primaries' pool only), and after
    # how long (seconds; None: no figure in the design or the catalog)
    standby: int = 0
    failover: float | None = None
    failover_source: str = ""

    @property
    def servers(self) -> int:
        return self.instances * self.concurrency

    @property
    def name(self) -> str:
        return self.role.value

    @property
    def label(self) -> str:
        return self.component if self.role is PoolRole.ALL else f"{self.component}:{self.role}"


@dataclass(frozen=True, slots=True)
class ServiceTime:
    """Service time of one call: the distribution, its moments and where it came from."""

    dist: Distribution
    mean: float  # seconds
    cv2: float  # squared coefficient of variation
    source: str  # "design (call)", "design", "catalog:postgresql.read", ...

    @property
    def var(self) -> float:
        return self.cv2 * self.mean * self.mean


@dataclass(frozen=True, slots=True)
class CallPolicy:
    """What the caller does around a call: timeout, retries, breaker, failure mode."""

    async_: bool
    timeout: float | None  # seconds
    retries: int
    backoff: float  # first backoff, seconds
    backoff_multiplier: float
    jitter: float  # 0..1
    # consecutive failures that open the breaker (0: no breaker): the design states a
    # failure rate over a window of calls; ceil(rate × window) trips at the same call
    # when a dependency fails outright, the case breakers are for.
    breaker_threshold: int
    breaker_open_for: float  # seconds
    fail_open: bool  # on_failure: fail_open (default fail_closed)
    idempotent: bool  # the call's flag or the operation's idempotency key


@dataclass(frozen=True, slots=True)
class Call:
    """One call node of one operation's call tree, with its load multipliers.

    `per_request` is the expected executions per request of the operation:
    parent.per_request × Π(branch p) × p × times × E[attempts]; the arrival rate at the
    call is rate(operation) × per_request.
    """

    index: int
    op: str
    node: CallNode
    path: str  # "api.handle>db.read", branches as "[label]"
    parent: int | None
    component: str
    work: str
    is_write: bool
    service: ServiceTime
    policy: CallPolicy
    p: float  # probability the call is made (within its branch)
    times: int  # repetitions per execution of its parent's steps
    per_request: float
    p_timeout: float  # P(service time > timeout) for one attempt
    p_fail: float  # an attempt fails: timeout or a down instance
    attempts: float  # E[attempts]
    backoff_expected: float  # E[seconds in backoff]
    route: tuple[tuple[int, float], ...]  # (pool, share of executions) at design sizes
    spawns: tuple[str, ...]  # operations started by this call (consumers of its queue)
    children: Steps
    # P(the edge fails after its last attempt) = q^(r+1) (retry.py); on a fail-open edge
    # with a `fallback: {call: ...}` that is the share of executions making the fallback
    p_exhausted: float = 0.0
    # the fallback call, made by the same caller when this fail-open edge fails; its
    # per_request counts p_exhausted (normal operation: timeouts; faults: fallback.py)
    fallback: Call | None = None
    # the call puts a message on a hub: async (a hand-off), or a write to a queue or event
    # hub that waits for the broker's ack; only such calls start the hub's consumers
    enqueues: bool = False

    # Names the capacity solver has always used (kept so formulas read the same).
    @property
    def s_mean(self) -> float:
        return self.service.mean

    @property
    def s_var(self) -> float:
        return self.service.var

    @property
    def s_cv2(self) -> float:
        return self.service.cv2

    @property
    def s_source(self) -> str:
        return self.service.source

    @property
    def timeout(self) -> float | None:
        return self.policy.timeout

    @property
    def backoff(self) -> float:
        return self.backoff_expected

    @property
    def async_(self) -> bool:
        return self.policy.async_


@dataclass(frozen=True, slots=True)
class Branch:
    """One alternative of a choice: taken with probability `p`."""

    p: float
    label: str
    steps: Steps


@dataclass(frozen=True, slots=True)
class Choice:
    """Exactly one branch is taken (cache hit / miss)."""

    branches: tuple[Branch, ...]


@dataclass(frozen=True, slots=True)
class Parallel:
    """Members made at once (fork-join): the caller waits for the slowest, every member
    is made. Each member is the steps of one call item (a call or a choice)."""

    members: tuple[Steps, ...]


Step = Call | Choice | Parallel
Steps = tuple[Step, ...]


def substeps(step: Choice | Parallel) -> Iterator[Steps]:
    """The step sequences inside a choice (its branches) or a parallel group (its members)."""
    if isinstance(step, Choice):
        return (b.steps for b in step.branches)
    return iter(step.members)


@dataclass(frozen=True, slots=True)
class OperationRate:
    """An operation's arrival rate, stated once (req/s), with its derivation."""

    average: float
    peak: float  # average × peak factor: the load the design is sized for (admitted)
    derivation: str
    # What arrives before the operation's own rate limit (= peak without one).
    offered: float | None = None


@dataclass(frozen=True, slots=True)
class Admission:
    """A rate limit in front of an operation or a component: what arrives, what gets in.

    A global limit caps the admitted rate at `limit`: above it arrivals are rejected
    (`over: reject`, the `rejected_share` of what arrives) or wait (`over: queue`: nothing
    is rejected, the excess is a backlog that grows for as long as the peak lasts). The
    pools behind see at most the limit. A per-tenant / user / IP / API-key quota caps each
    key, not the total, so it admits everything the model knows of.
    """

    target: str  # operation or component id
    scope: str  # "operation" | "component"
    limit: float  # req/s
    per: str
    over: str
    offered: float  # peak req/s arriving
    admitted: float  # peak req/s let through
    excess_share: float  # share of arrivals above the limit (0..1)
    rejected_share: float  # share of arrivals rejected: the excess when over = reject
    derivation: str


@dataclass(frozen=True, slots=True)
class RedeliveryFlow:
    """A queue consumer's redeliveries (`events[].redelivery`), see retry.py for the formulas:
    E[deliveries] per message and the rate moved to the dead-letter queue."""

    operation: str  # the consumer
    queue: str
    event: str
    failure: float  # f = P(one delivery fails)
    max_deliveries: int | None  # None: unbounded
    deliveries: float  # E[deliveries per message]
    messages: float  # peak messages/s arriving on the queue for this consumer
    dead_letter: str | None
    dead_lettered: float  # peak messages/s moved to dead_letter = f^max_deliveries × messages
    derivation: str


@dataclass(frozen=True, slots=True)
class HotKey:
    """The busiest key of an entity (or of one access pattern) and where it lands.

    A key lives on one instance of a store whose instances hold different data (a stateful
    component: shards, partitions, cache nodes); reads may also be served by that shard's
    read replicas (1 + read_replicas // primaries copies, unless the reads go to the
    primary). On a stateless component every instance can serve it. `capacity` is what
    those copies serve: copies × concurrency / mean service time. The key's writes
    (`writes`) go to its primary alone, and guarded writes serialize on the key
    (`lower/hot_keys.py` states the capacity).
    """

    entity: str
    pattern: str | None  # access pattern id; None: the entity's traffic as a whole
    share: float  # share of the traffic on the busiest key
    traffic: float | None  # peak req/s of the pattern (or entity)
    rate: float | None  # peak req/s on the busiest key = share × traffic
    component: str | None  # where the entity is stored
    pool: int | None  # the pool whose instance holds the key
    copies: int | None  # instances able to serve the key (None: a delay station)
    service_mean: float | None  # seconds per request on that key
    capacity: float | None  # req/s the copies serve (None: unknown or infinite)
    derivation: str
    writes: bool = False  # the key's writes (on its primary, serialized when guarded)


@dataclass(frozen=True, slots=True)
class LoweredOperation:
    """An operation: its rate, its top-level steps and what it consumes."""

    id: str
    rate: OperationRate
    steps: Steps
    consumes: str | None
    calls: tuple[int, ...]  # indexes of every call in its tree, in pre-order


@dataclass(frozen=True)
class QueueingModel:
    """The design lowered once: pools, calls, operations with rates."""

    design: Design
    peak_factor: float
    pools: tuple[Pool, ...]
    pools_of: Mapping[str, tuple[int, ...]]  # component → its pools (primary first)
    resolved: Mapping[str, ResolvedComponent]  # design figures merged with the catalog's
    calls: tuple[Call, ...]
    operations: tuple[LoweredOperation, ...]
    enqueued: Mapping[str, float]  # messages/s enqueued per queue component at peak
    notes: tuple[str, ...]
    admission: tuple[Admission, ...] = ()  # rate limits: offered, admitted, rejected
    redelivery: tuple[RedeliveryFlow, ...] = ()  # queue consumers with redelivery
    hot_keys: tuple[HotKey, ...] = ()  # busiest keys and the instance each lands on

    @cached_property
    def _operation_by_id(self) -> dict[str, LoweredOperation]:
        return {o.id: o for o in self.operations}

    def operation(self, op_id: str) -> LoweredOperation:
        return self._operation_by_id[op_id]

    def rate(self, op_id: str) -> OperationRate:
        return self.operation(op_id).rate

    def serving_pools(self, component: str) -> tuple[Pool, ...]:
        """The component's pools that have servers: a replicas pool with no read replicas
        is kept for the growth plan (it may add some) but serves nothing today."""
        pools = (self.pools[i] for i in self.pools_of[component])
        return tuple(p for p in pools if p.role is not PoolRole.REPLICAS or p.instances > 0)

    def calls_of_component(self, component: str) -> Iterator[Call]:
        return (c for c in self.calls if c.component == component)

    def to_json(self) -> dict[str, object]:
        """The lowered figures a reader checks: servers per pool and rates, with sources."""
        return {
            "peak_factor": self.peak_factor,
            "pools": [
                {
                    "pool": p.label,
                    "role": p.role.value,
                    "servers": None if p.infinite else p.servers,
                    "infinite": p.infinite,
                    "source": p.servers_source,
                }
                for p in self.pools
            ],
            "operations": [
                {
                    "operation": o.id,
                    "rate_average": o.rate.average,
                    "rate_peak": o.rate.peak,
                    "derivation": o.rate.derivation,
                }
                for o in self.operations
            ],
            "admission": [_fields_of(a) for a in self.admission],
            "redelivery": [_fields_of(r) for r in self.redelivery],
            "hot_keys": [
                {**_fields_of(h), "pool": None if h.pool is None else self.pools[h.pool].label}
                for h in self.hot_keys
            ],
        }


def _fields_of(item: Admission | RedeliveryFlow | HotKey) -> dict[str, object]:
    return {f.name: getattr(item, f.name) for f in fields(item)}


def walk_steps(steps: Steps) -> Iterator[Call]:
    """Every call in `steps`, pre-order, through choices, parallel groups, nested calls and
    fallback calls (after the subtree of the call they back)."""
    for step in steps:
        if isinstance(step, Call):
            yield step
            yield from walk_steps(step.children)
            if step.fallback is not None:
                yield from walk_steps((step.fallback,))
        else:
            for sub in substeps(step):
                yield from walk_steps(sub)


def direct_calls(steps: Steps) -> Iterator[Call]:
    """The calls made directly by `steps` (through choices and parallel groups, not into
    nested calls)."""
    for step in steps:
        if isinstance(step, Call):
            yield step
        else:
            for sub in substeps(step):
                yield from direct_calls(sub)
