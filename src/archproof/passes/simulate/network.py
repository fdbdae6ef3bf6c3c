"""What to simulate: stations, operations, call trees and fault windows as flat arrays.

Why arrays: the event loop in :mod:`.kernel` is compiled with numba, which wants plain
numpy arrays, and read as plain Python, which wants flat lists. A :class:`Network` is
that flat form; :class:`NetworkBuilder` is the readable way to make one.

Semantics (the kernel implements them):

- A **station** is a pool of ``servers`` (replicas × concurrency; ``None`` = infinite,
  a pure delay) with a FIFO wait queue, optionally bounded (a full queue rejects).
- A **node** is one piece of work in a call tree: it runs at a station, holds one of
  its servers for its own service time, then performs its synchronous children in
  order *while still holding the server* (layered queueing), then releases it and
  returns to its caller. Children of a node at an infinite station with zero service
  time therefore behave as sequential, non-holding (tandem) steps.
- Each node carries the policy of the **call edge into it** (caller → this node):
  sync/async, timeout, retries with backoff and jitter, circuit breaker, fail-open or
  fail-closed, idempotency key and whether the call writes (has a side effect).
- Children of a node are visited in order. A child with ``group < 0`` is taken
  independently with probability ``prob``. Consecutive children sharing a
  ``group >= 0`` form an exclusive choice (cache hit 0.9 / miss 0.1): one uniform draw
  picks at most one of them.
- A **fork** node (``fork=True``) performs its children at once instead of in order
  (a parallel group, fork-join): it issues every child, waits until all have returned,
  and fails if any failed (a child's failure is already fail-open or not inside the
  child). Its children carry the plain SYNC policy and probability 1: a member's own
  policy sits on the edge below a zero-cost wrapper node (``compile.py``).
- An **async** child is fire-and-forget: the caller continues at once; the child runs
  on its own. A node with ``spawns`` set starts a new request of that operation when it
  completes successfully (an enqueue hands a message to a worker operation).
- An **operation** has Poisson arrivals (``rate`` per second, optionally a
  piecewise-constant profile) and a root node. Worker operations have rate 0 and are
  started only by ``spawns``.
- A node may name a **fallback** node: when the edge into it fails for good (after its
  retries) and is fail-open, the caller calls the fallback node instead (its own edge
  policy), then goes on with its next step; a fallback that fails fails the caller unless
  its own edge is fail-open.
- A worker operation may have **redelivery**: a request (one delivery of a message) that
  fails is started again after ``delay`` seconds, up to ``max_deliveries`` in all; after
  the last one the message goes to the dead-letter node (a detached call, typically one
  that spawns the dead-letter queue's consumers), if any.
- **Fault windows** act on one station for ``[start, end)``: ``DOWN`` (calls fail at
  once, "unavailable"), ``SLOW`` (service × value), ``LOSE_SERVERS`` (servers − value),
  ``ERROR_RATE`` (calls fail with probability value after their service).

Circuit breaker (per call edge, shared by all callers of that node): **consecutive
failures**. Closed → after ``breaker_threshold`` consecutive failed attempts it opens;
open → calls fail fast without touching the callee for ``breaker_open_s``; then
half-open → the next call is a probe (others fail fast while it runs); probe success
closes, probe failure re-opens. Chosen over a rolling window because it needs O(1)
state per edge and is what most client libraries (e.g. pybreaker) default to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

# z of the 99th percentile of the standard normal, for p50/p99 → lognormal sigma.
_Z99 = 2.3263478740408408


class DistKind(IntEnum):
    """Service-time distribution codes understood by the kernel."""

    FIXED = 0
    EXPONENTIAL = 1
    LOGNORMAL = 2


class FaultKind(IntEnum):
    """Fault window kinds understood by the kernel."""

    DOWN = 0
    SLOW = 1
    LOSE_SERVERS = 2
    ERROR_RATE = 3


@dataclass(frozen=True, slots=True)
class Dist:
    """A service-time distribution in seconds.

    ``FIXED``: ``a`` is the value. ``EXPONENTIAL``: ``a`` is the mean.
    ``LOGNORMAL``: ``a`` = mu, ``b`` = sigma of the underlying normal (of ln seconds).
    """

    kind: DistKind
    a: float
    b: float = 0.0

    @property
    def mean(self) -> float:
        """Mean service time in seconds (used by estimates and oracles)."""
        if self.kind is DistKind.LOGNORMAL:
            return math.exp(self.a + self.b * self.b / 2.0)
        return self.a


def fixed(seconds: float) -> Dist:
    """A deterministic service time (0 for pure routing steps)."""
    if seconds < 0:
        raise ValueError(f"service time must be >= 0, got {seconds}")
    return Dist(DistKind.FIXED, seconds)


def exponential(mean: float) -> Dist:
    """An exponential service time with the given mean (seconds)."""
    if mean <= 0:
        raise ValueError(f"exponential mean must be > 0, got {mean}")
    return Dist(DistKind.EXPONENTIAL, mean)


def lognormal_p50_p99(p50: float, p99: float) -> Dist:
    """A lognormal fitted to a median and a 99th percentile (how latencies are quoted)."""
    if not 0 < p50 < p99:
        raise ValueError(f"need 0 < p50 < p99, got p50={p50} p99={p99}")
    mu = math.log(p50)
    sigma = (math.log(p99) - mu) / _Z99
    return Dist(DistKind.LOGNORMAL, mu, sigma)


def lognormal_mean_cv(mean: float, cv: float) -> Dist:
    """A lognormal with the given mean and coefficient of variation (sd / mean)."""
    if mean <= 0 or cv <= 0:
        raise ValueError(f"need mean > 0 and cv > 0, got mean={mean} cv={cv}")
    s2 = math.log1p(cv * cv)
    return Dist(DistKind.LOGNORMAL, math.log(mean) - s2 / 2.0, math.sqrt(s2))


@dataclass(frozen=True, slots=True)
class CallPolicy:
    """How a caller calls a node (the edge caller → node).

    ``timeout_s`` 0 means wait forever. Attempt k (1-based) after a failure waits
    ``backoff_s * backoff_mult**(k-1) * (1 ± jitter)`` before retrying. A breaker with
    ``breaker_threshold`` 0 is off. ``fail_open``: after the final failure the caller
    proceeds as if the call succeeded (the request counts as degraded); otherwise the
    failure propagates. ``write`` without ``idempotent``: a retry after a timed-out
    attempt that still completed at the callee is a duplicate side effect.
    """

    sync: bool = True
    timeout_s: float = 0.0
    retries: int = 0
    backoff_s: float = 0.0
    backoff_mult: float = 2.0
    jitter: float = 0.0
    breaker_threshold: int = 0
    breaker_open_s: float = 5.0
    fail_open: bool = False
    idempotent: bool = False
    write: bool = False

    def __post_init__(self) -> None:
        if self.timeout_s < 0 or self.retries < 0 or self.backoff_s < 0:
            raise ValueError("timeout, retries and backoff must be >= 0")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"jitter must be in [0, 1], got {self.jitter}")
        if self.breaker_threshold < 0 or self.breaker_open_s < 0:
            raise ValueError("breaker threshold and open duration must be >= 0")


SYNC = CallPolicy()


@dataclass(frozen=True)
class Network:
    """The flat, array form of a model; field groups are prefixed by what they index.

    ``st_*`` per station, ``op_*`` per operation, ``nd_*`` per node, ``cl_*`` per
    child-list slot (``nd_coff[n]:nd_coff[n+1]`` are node n's children), ``prof_*`` per
    rate-profile segment (``op_poff`` offsets), ``fw_*`` per fault window.
    """

    st_names: tuple[str, ...]
    st_servers: I64  # 0 = infinite servers
    st_qcap: I64  # -1 = unbounded queue
    st_err: F64
    op_names: tuple[str, ...]
    op_rate: F64
    op_root: I64
    op_poff: I64
    op_rdmax: I64  # deliveries of a failed message in all (0: no redelivery)
    op_rddelay: F64  # seconds before a failed message is delivered again
    op_dlq: I64  # node issued (detached) when a message is dead-lettered, -1 none
    prof_t: F64
    prof_r: F64
    nd_station: I64
    nd_dist: I64
    nd_p1: F64
    nd_p2: F64
    nd_prob: F64
    nd_coff: I64
    nd_async: I64
    nd_spawn: I64  # operation started on success, -1 none
    nd_timeout: F64
    nd_retries: I64
    nd_bo: F64
    nd_bom: F64
    nd_jit: F64
    nd_cbth: I64
    nd_cbopen: F64
    nd_failopen: I64
    nd_idem: I64
    nd_write: I64
    nd_fork: I64  # 1: the node's children run at once (fork-join), see the module docstring
    nd_fb: I64  # fallback node called when the edge into this node fails open, -1 none
    cl_node: I64
    cl_gend: I64  # at the first slot of a choice group: slot after its last member; else -1
    fw_station: I64
    fw_kind: I64
    fw_start: F64
    fw_end: F64
    fw_value: F64
    node_means: F64 = field(repr=False)

    @property
    def n_stations(self) -> int:
        return len(self.st_names)

    @property
    def n_ops(self) -> int:
        return len(self.op_names)

    @property
    def n_nodes(self) -> int:
        return int(self.nd_station.shape[0])

    def station(self, name: str) -> int:
        """Index of a station by name."""
        return self.st_names.index(name)

    def op(self, name: str) -> int:
        """Index of an operation by name."""
        return self.op_names.index(name)


@dataclass
class _Node:
    station: int
    dist: Dist
    prob: float
    group: int
    children: tuple[int, ...]
    policy: CallPolicy
    spawns: str | None
    fork: bool = False
    fallback: int = -1


@dataclass
class _Station:
    name: str
    servers: int
    qcap: int
    err: float


@dataclass
class _Op:
    name: str
    rate: float
    root: int
    profile: tuple[tuple[float, float], ...]
    max_deliveries: int = 0
    redelivery_delay: float = 0.0
    dead_letter: int = -1


class NetworkBuilder:
    """Builds a :class:`Network` bottom-up: stations, then nodes (children first), then ops.

    Example, the tandem reference network (λ=800/s → A → B → 10 % C)::

        b = NetworkBuilder()
        client = b.station("client")            # infinite servers: pure routing
        a, bb, c = b.station("A", 4), b.station("B", 16), b.station("C", 8)
        root = b.node(client, fixed(0.0), children=(
            b.node(a, exponential(0.004)),
            b.node(bb, exponential(0.015)),
            b.node(c, exponential(0.050), prob=0.1),
        ))
        b.operation("req", 800.0, root)
        net = b.build()
    """

    def __init__(self) -> None:
        self._stations: list[_Station] = []
        self._nodes: list[_Node] = []
        self._ops: list[_Op] = []
        self._faults: list[tuple[int, FaultKind, float, float, float]] = []

    def station(
        self,
        name: str,
        servers: int | None = None,
        *,
        queue_capacity: int | None = None,
        error_prob: float = 0.0,
    ) -> int:
        """Add a station; ``servers=None`` is infinite, ``queue_capacity=None`` unbounded."""
        if any(s.name == name for s in self._stations):
            raise ValueError(f"duplicate station {name!r}")
        if servers is not None and servers < 1:
            raise ValueError(f"station {name!r}: servers must be >= 1 (or None), got {servers}")
        if queue_capacity is not None and queue_capacity < 0:
            raise ValueError(f"station {name!r}: queue capacity must be >= 0")
        if not 0.0 <= error_prob <= 1.0:
            raise ValueError(f"station {name!r}: error_prob must be in [0, 1]")
        self._stations.append(
            _Station(
                name,
                0 if servers is None else servers,
                -1 if queue_capacity is None else queue_capacity,
                error_prob,
            )
        )
        return len(self._stations) - 1

    def node(
        self,
        station: int,
        service: Dist,
        *,
        children: tuple[int, ...] = (),
        prob: float = 1.0,
        group: int = -1,
        call: CallPolicy = SYNC,
        spawns: str | None = None,
        fork: bool = False,
        fallback: int = -1,
    ) -> int:
        """Add a call-tree node; ``call`` is the policy of the edge from its caller.

        ``fallback``: a node (created before, in no child list) called instead when the
        edge into this node fails open (see the module docstring).

        ``fork``: the children run at once and the node waits for all (fork-join); each
        child must be a plain SYNC edge taken with probability 1, outside choice groups.
        """
        if not 0 <= station < len(self._stations):
            raise ValueError(f"unknown station index {station}")
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f"prob must be in [0, 1], got {prob}")
        for ch in children:
            if not 0 <= ch < len(self._nodes):
                raise ValueError(f"child {ch} must be created before its parent")
            kid = self._nodes[ch]
            if fork and (kid.prob != 1.0 or kid.group >= 0 or kid.policy != SYNC):
                raise ValueError(
                    f"child {ch} of a fork node must be a plain SYNC edge with probability 1 "
                    "outside choice groups (wrap it in a zero-cost node)"
                )
        if fallback >= len(self._nodes) or fallback < -1:
            raise ValueError(f"fallback {fallback} must be created before the node it backs")
        self._nodes.append(
            _Node(station, service, prob, group, tuple(children), call, spawns, fork, fallback)
        )
        return len(self._nodes) - 1

    def operation(
        self,
        name: str,
        rate: float,
        root: int,
        *,
        profile: tuple[tuple[float, float], ...] = (),
    ) -> int:
        """Add an operation: Poisson ``rate``/s, or ``profile`` ((start_s, rate), ...) from
        each start on (before the first start, ``rate``). Rate 0 = started only by spawns."""
        if rate < 0 or any(r < 0 for _, r in profile):
            raise ValueError(f"operation {name!r}: rates must be >= 0")
        starts = [t for t, _ in profile]
        if starts != sorted(starts):
            raise ValueError(f"operation {name!r}: profile must be sorted by start time")
        if not 0 <= root < len(self._nodes):
            raise ValueError(f"operation {name!r}: unknown root node {root}")
        self._ops.append(_Op(name, rate, root, tuple(profile)))
        return len(self._ops) - 1

    def redelivery(self, op: int, max_deliveries: int, delay: float, dead_letter: int = -1) -> None:
        """Redeliver operation ``op``'s failed requests after ``delay`` s, ``max_deliveries``
        in all, then issue ``dead_letter`` (a node, -1 none) detached."""
        if not 0 <= op < len(self._ops):
            raise ValueError(f"unknown operation index {op}")
        if max_deliveries < 1 or delay < 0:
            raise ValueError("max_deliveries must be >= 1 and delay >= 0")
        if not -1 <= dead_letter < len(self._nodes):
            raise ValueError(f"unknown dead-letter node {dead_letter}")
        o = self._ops[op]
        o.max_deliveries, o.redelivery_delay, o.dead_letter = max_deliveries, delay, dead_letter

    def fault(self, station: int, start: float, end: float, kind: FaultKind, value: float) -> None:
        """Add a fault window ``[start, end)`` on a station."""
        if not 0 <= station < len(self._stations):
            raise ValueError(f"unknown station index {station}")
        if not 0 <= start < end:
            raise ValueError(f"fault window needs 0 <= start < end, got {start}, {end}")
        if kind is FaultKind.SLOW and value <= 0:
            raise ValueError("slow factor must be > 0")
        if kind is FaultKind.ERROR_RATE and not 0 <= value <= 1:
            raise ValueError("error rate must be in [0, 1]")
        self._faults.append((station, kind, start, end, value))

    def build(self) -> Network:
        """Freeze into arrays; checks choice groups and spawn targets."""
        if not self._ops:
            raise ValueError("a network needs at least one operation")
        op_index = {o.name: i for i, o in enumerate(self._ops)}
        nodes = self._nodes
        cl_node: list[int] = []
        cl_gend: list[int] = []
        coff = [0]
        for i, nd in enumerate(nodes):
            kids = nd.children
            j = 0
            while j < len(kids):
                g = nodes[kids[j]].group
                k = j + 1
                if g >= 0:
                    while k < len(kids) and nodes[kids[k]].group == g:
                        k += 1
                    if sum(nodes[kids[m]].prob for m in range(j, k)) > 1.0 + 1e-9:
                        raise ValueError(f"node {i}: choice group {g} probabilities exceed 1")
                base = len(cl_node)
                for m in range(j, k):
                    cl_node.append(kids[m])
                    cl_gend.append(-1)
                if g >= 0:
                    cl_gend[base] = base + (k - j)
                j = k
            coff.append(len(cl_node))
        spawn = []
        for nd in nodes:
            if nd.spawns is None:
                spawn.append(-1)
            elif nd.spawns in op_index:
                spawn.append(op_index[nd.spawns])
            else:
                raise ValueError(f"spawns unknown operation {nd.spawns!r}")
        poff = [0]
        prof_t: list[float] = []
        prof_r: list[float] = []
        for o in self._ops:
            for t, r in o.profile:
                prof_t.append(t)
                prof_r.append(r)
            poff.append(len(prof_t))

        def f(xs: list[float]) -> F64:
            return np.asarray(xs, dtype=np.float64)

        def ii(xs: list[int]) -> I64:
            return np.asarray(xs, dtype=np.int64)

        pol = [nd.policy for nd in nodes]
        fl = self._faults
        return Network(
            st_names=tuple(s.name for s in self._stations),
            st_servers=ii([s.servers for s in self._stations]),
            st_qcap=ii([s.qcap for s in self._stations]),
            st_err=f([s.err for s in self._stations]),
            op_names=tuple(o.name for o in self._ops),
            op_rate=f([o.rate for o in self._ops]),
            op_root=ii([o.root for o in self._ops]),
            op_poff=ii(poff),
            op_rdmax=ii([o.max_deliveries for o in self._ops]),
            op_rddelay=f([o.redelivery_delay for o in self._ops]),
            op_dlq=ii([o.dead_letter for o in self._ops]),
            prof_t=f(prof_t),
            prof_r=f(prof_r),
            nd_station=ii([nd.station for nd in nodes]),
            nd_dist=ii([int(nd.dist.kind) for nd in nodes]),
            nd_p1=f([nd.dist.a for nd in nodes]),
            nd_p2=f([nd.dist.b for nd in nodes]),
            nd_prob=f([nd.prob for nd in nodes]),
            nd_coff=ii(coff),
            nd_async=ii([0 if p.sync else 1 for p in pol]),
            nd_spawn=ii(spawn),
            nd_timeout=f([p.timeout_s for p in pol]),
            nd_retries=ii([p.retries for p in pol]),
            nd_bo=f([p.backoff_s for p in pol]),
            nd_bom=f([p.backoff_mult for p in pol]),
            nd_jit=f([p.jitter for p in pol]),
            nd_cbth=ii([p.breaker_threshold for p in pol]),
            nd_cbopen=f([p.breaker_open_s for p in pol]),
            nd_failopen=ii([int(p.fail_open) for p in pol]),
            nd_idem=ii([int(p.idempotent) for p in pol]),
            nd_write=ii([int(p.write) for p in pol]),
            nd_fork=ii([int(nd.fork) for nd in nodes]),
            nd_fb=ii([nd.fallback for nd in nodes]),
            cl_node=ii(cl_node),
            cl_gend=ii(cl_gend),
            fw_station=ii([x[0] for x in fl]),
            fw_kind=ii([int(x[1]) for x in fl]),
            fw_start=f([x[2] for x in fl]),
            fw_end=f([x[3] for x in fl]),
            fw_value=f([x[4] for x in fl]),
            node_means=f([nd.dist.mean for nd in nodes]),
        )
