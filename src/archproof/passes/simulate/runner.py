"""Driver around the kernels: buffers, backend and fast-path choice, overflow reruns.

Ordinary typed Python; the hot loops live in :mod:`.kernel` (both backends) and
:mod:`.sweep` (the plain-Python fast path).
"""

from __future__ import annotations

import importlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from archproof.passes.lower.retry import exhausted, expected_attempts
from archproof.passes.simulate import kernel as K
from archproof.passes.simulate.kernel import (
    HAVE_NUMBA,
    KERNEL_ARGS,
    N_BATCH,
    N_CNT,
    N_OUT,
    N_RS,
    NBUCK,
    OUT_DUPS,
    OUT_EVENTS,
    OUT_PEAK_CALLS,
    OUT_PEAK_HEAP,
    OUT_STATUS,
    OUT_T_CUT,
    OUT_T_END,
    OUT_T_WARM,
    RS_SLICE,
    ST_CALL_OVERFLOW,
    ST_GROW,
    ST_HEAP_OVERFLOW,
    ST_SLICE,
    ST_STACK_OVERFLOW,
    ST_TIME_LIMIT,
    TS_MAX,
)
from archproof.passes.simulate.network import DistKind, Network
from archproof.passes.simulate.pykernel import is_compiled, python_kernel
from archproof.passes.simulate.rows import FIELDS, ROWS, view_key
from archproof.passes.simulate.sweep import run_sweep, station_order

Backend = Literal["auto", "numba", "python"]
Path = Literal["auto", "general", "tandem", "sweep"]
F64Arr = NDArray[np.float64]


def is_tandem(net: Network) -> bool:
    """Can the fast path run this network with results identical to the general kernel?"""
    if len(net.fw_station) or len(net.prof_t) or np.any(net.st_err > 0):
        return False
    if np.any(net.op_rate <= 0) or np.any(net.nd_fork):
        return False  # fork-join (parallel groups) runs on the general kernel
    # a fallback (nd_fb) needs a failed call: the fast path has no failures (no faults,
    # errors, timeouts, breakers or bounded queues), so a fallback never runs there
    for r in net.op_root:
        r = int(r)
        if net.st_servers[net.nd_station[r]] != 0:
            return False
        if net.nd_dist[r] != DistKind.FIXED or net.nd_p1[r] != 0.0 or net.nd_spawn[r] >= 0:
            return False
        for pos in range(int(net.nd_coff[r]), int(net.nd_coff[r + 1])):
            ch = int(net.cl_node[pos])
            if net.nd_coff[ch + 1] != net.nd_coff[ch]:  # a leaf
                return False
            if net.nd_dist[ch] == DistKind.FIXED and net.nd_p1[ch] == 0.0:
                return False
            if (
                net.nd_async[ch]
                or net.nd_spawn[ch] >= 0
                or net.nd_timeout[ch] > 0
                or net.nd_retries[ch] > 0
                or net.nd_cbth[ch] > 0
                or net.st_qcap[net.nd_station[ch]] >= 0
            ):
                return False
    return True


def is_sweepable(net: Network) -> bool:
    """Can the plain-Python sweep run this network: a fast-path network whose stations
    every route visits in one order (see :mod:`.sweep`)?"""
    return is_tandem(net) and (
        station_order(net.op_root, net.nd_coff, net.cl_node, net.nd_station) is not None
    )


@dataclass(frozen=True)
class RawRun:
    """Kernel output arrays, reshaped; :func:`.stats.summarize` turns them into results."""

    network: Network
    backend: str
    path: str
    seed: int
    n_requests: int
    duration: float
    t_warm: float
    t_end: float
    t_cut: float  # end of the measurement window (the last external arrival)
    events: int
    duplicates: int
    status: int
    peak_calls: int
    peak_heap: int
    ts_width: float
    op_cnt: NDArray[np.int64]  # [op, N_CNT]
    op_lsum: NDArray[np.float64]
    op_hist: NDArray[np.int64]  # [op, NBUCK]
    op_bn: NDArray[np.int64]  # [op, N_BATCH]
    op_bs: NDArray[np.float64]  # [op, N_BATCH]
    op_bh: NDArray[np.int64]  # [op, N_BATCH, NBUCK]
    s_barea: NDArray[np.float64]
    s_farea: NDArray[np.float64]  # busy server-seconds during the faults (general kernel)
    s_qarea: NDArray[np.float64]
    s_waste: NDArray[np.float64]
    s_wsum: NDArray[np.float64]
    s_starts: NDArray[np.int64]
    s_rej: NDArray[np.int64]
    s_whist: NDArray[np.int64]  # [station, NBUCK]
    ts_ok: NDArray[np.int64]  # [op, bins]
    ts_err: NDArray[np.int64]
    ts_lat: NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    """What a run will cost, before running it (so a pass can refuse or cap it)."""

    requests: float
    calls_per_request: float
    events: float
    memory_bytes: int
    seconds_numba: float
    seconds_python: float
    replications: int = 1  # the run's replications (a drill may run fewer than asked)
    workers: int = 1  # local processes running them


def _p_over(net: Network, n: int, t: float) -> float:
    """P(node n's own service time > t): a lower bound on its timeout firing (queueing
    and its callees only add to the time), which is what an unloaded estimate can see.
    `lower.retry.timeout_probability` on the flattened parameters (mu, sigma for lognormal)
    the network keeps instead of the design's Distribution."""
    kind, a, b = int(net.nd_dist[n]), float(net.nd_p1[n]), float(net.nd_p2[n])
    if kind == DistKind.EXPONENTIAL:
        return math.exp(-t / a) if a > 0 else 0.0
    if kind == DistKind.LOGNORMAL and b > 0:
        return 0.5 * math.erfc((math.log(t) - a) / (b * math.sqrt(2.0)))
    value = math.exp(a) if kind == DistKind.LOGNORMAL else a
    return 1.0 if value > t else 0.0


def _calls_per_request(net: Network) -> tuple[F64Arr, float]:
    """Expected timed calls (service time > 0, i.e. one heap event each) per request of
    each operation; walks the trees and follows spawns. A call with a timeout its service
    time can exceed also counts its retries, their backoffs, the timeouts that fire and its
    fallback (a 1 µs timeout on 9,999 looped calls made a run 10× longer than this
    estimate said)."""
    memo: dict[int, float] = {}

    def node_calls(n: int, depth: int) -> float:
        if depth > 50:
            return 0.0
        if n in memo:
            return memo[n]
        total = 1.0 if net.node_means[n] > 0 else 0.0
        for pos in range(int(net.nd_coff[n]), int(net.nd_coff[n + 1])):
            ch = int(net.cl_node[pos])
            total += float(net.nd_prob[ch]) * node_calls(ch, depth + 1)
        sp = int(net.nd_spawn[n])
        if sp >= 0:
            total += node_calls(int(net.op_root[sp]), depth + 1)
        t = float(net.nd_timeout[n])
        p = _p_over(net, n, t) if t > 0 else 0.0
        if p > 0:
            retries = int(net.nd_retries[n])
            attempts = expected_attempts(p, retries)  # the lowering's retry formulas
            total = attempts * (total + p)  # each attempt's work goes on; its timeout fires
            if float(net.nd_bo[n]) > 0:
                total += attempts - 1  # a retry waits its backoff: one event
            fb = int(net.nd_fb[n])
            if fb >= 0:
                total += exhausted(p, retries) * node_calls(fb, depth + 1)
        memo[n] = total
        return total

    per_op = np.array([node_calls(int(r), 0) for r in net.op_root], dtype=np.float64)
    rates = net.op_rate
    tot = float(rates.sum())
    mean = float((per_op * rates).sum() / tot) if tot > 0 else float(per_op.mean())
    return per_op, mean


# CPU ns per estimated event, measured on a quiet 2-core dev VM (load average < 1,
# 2026-12-07 22:07, `simulate()` in-process, kernel loaded, seed 1). They are what one
# process costs on a free core; the CLI divides by the share of a core the machine's load
# leaves (simulate_cmd._wall_estimate), so a busy machine must not be baked in here as well
# (the earlier figures, measured at load ≈ 3, were divided by the share again: the README
# drill was estimated at 26 s and took 9.4 s on a quiet machine).
# The compiled fast path: the reference network, 1M requests, 0.37 s for 3.1M events.
_NS_PER_EVENT_NUMBA = 120.0
# The general kernel on each example's first scenario and the README's drill, one 70 s
# replication each (tests/simulate/test_feedback.py's runs, load average 1.7-1.9):
# media_pipeline 195, news_feed 196, url_shortener 207, the chat drill 278, payments 348,
# chat's presence_down 672 (200 over its first 20 s: the calls that pile up in flight make
# every event touch colder memory, which no count of events sees). 360, the geometric
# middle of the extremes, puts each within 1.9×.
_NS_PER_EVENT_GENERAL = 360.0
# Plain Python, general kernel (its per-network compile included): media_pipeline 7,105,
# url_shortener 4,849, 5 s each.
_NS_PER_EVENT_PYTHON = 6_000.0
# The plain-Python sweep on the reference network: 965 (300k requests, 0.93M events).
_NS_PER_EVENT_SWEEP = 1_000.0


def arrival_horizon(net: Network, n_requests: int, duration: float) -> float:
    """Simulated seconds of arrivals: ``duration``, or ``n_requests`` at the total rate."""
    if n_requests > 0:
        rate = float(net.op_rate.sum())
        return n_requests / rate if rate > 0 else 0.0
    return duration


def _ts_layout(horizon: float) -> tuple[int, float]:
    """Time-series bins: 1 s wide, widened so at most TS_MAX bins cover the run."""
    n_ts = min(TS_MAX, max(1, math.ceil(horizon * 1.05) + 1))
    ts_w = max(1.0, horizon * 1.05 / n_ts) if horizon > 0 else 1.0
    return n_ts, ts_w


def _fixed_bytes(net: Network, n_ts: int) -> int:
    n_ops, n_st = net.n_ops, net.n_stations
    return 8 * (n_ops * (N_CNT + 2 + NBUCK + 2 * N_BATCH + N_BATCH * NBUCK + 3 * n_ts)) + 8 * (
        n_st * (16 + NBUCK)
    )


def estimate(net: Network, *, n_requests: int = 0, duration: float = 0.0) -> Estimate:
    """Expected requests, events, memory and run time, from rates and tree shape.

    Events ≈ requests × (1 + calls with service time); a timeout is an event only when it
    fires (the kernel keeps pending ones in per-node FIFOs, off the heap); memory is the
    fixed statistics arrays plus the initial call pool and heap (they only grow if the
    model piles up in-flight calls, e.g. an overloaded station with unbounded queue).
    """
    horizon = arrival_horizon(net, n_requests, duration)
    ext = n_requests if n_requests > 0 else float(net.op_rate.sum()) * duration
    _, cpr = _calls_per_request(net)
    events = ext * (1.0 + cpr)
    n_ts, _ = _ts_layout(horizon)
    # call pool (128-byte rows) + heap (2 × cap entries of 32 bytes) + timeout FIFOs (2 ×
    # cap entries of 32) + work stack (24 bytes an entry), in 8-byte words
    mem = _fixed_bytes(net, n_ts) + 8 * (
        _INITIAL_CAP * (16 + 2 * 4 + 2 * 4) + 3 * _work_cap(_INITIAL_CAP)
    )
    return Estimate(
        requests=ext,
        calls_per_request=cpr,
        events=events,
        memory_bytes=mem,
        seconds_numba=events
        * (_NS_PER_EVENT_NUMBA if is_tandem(net) else _NS_PER_EVENT_GENERAL)
        * 1e-9,
        seconds_python=events
        * (_NS_PER_EVENT_SWEEP if is_sweepable(net) else _NS_PER_EVENT_PYTHON)
        * 1e-9,
    )


def prepare(
    net: Network, backend: Backend = "auto", on_compile: Callable[[], None] | None = None
) -> float:
    """Make the compiled kernel this network runs on ready: loaded from numba's cache, or
    compiled (once after install or upgrade, tens of seconds), calling ``on_compile()``
    as compilation starts so a person is told why nothing moves. Returns the seconds it
    took. A run calls it before starting worker processes, so that they load the kernel
    from the cache instead of each compiling it at once."""
    if backend == "python" or not HAVE_NUMBA:
        return 0.0
    t0 = time.perf_counter()
    # numba's compile events fire on a real compilation only, not on a cache load
    event: Any = importlib.import_module("numba.core.event")
    told: list[bool] = []

    def on_start(_self: Any, _ev: Any) -> None:
        if not told and on_compile is not None:
            told.append(True)
            on_compile()

    listener = type(
        "_CompileNotice", (event.Listener,), {"on_start": on_start, "on_end": lambda *_: None}
    )()
    with event.install_listener("numba:compile", listener):
        run_kernel(net, n_requests=1, backend="numba")  # a one-request run: types, not work
    return time.perf_counter() - t0


_INITIAL_CAP = 1 << 14
_MAX_CAP = 1 << 24  # 16M in-flight calls ≈ 3 GB: beyond this the model is diverging


class SimulationOverflow(RuntimeError):
    """The model piles up more in-flight calls than the memory budget allows."""


# A run is cut into slices of simulated time so the runner regains control every
# SLICE_CPU_S or so: it reports progress and a Ctrl-C (raised by Python only between two
# bytecodes, i.e. when a compiled slice returns) acts within about that long. Slicing
# changes no output: the kernel stops between two events and resumes with the same stream.
SLICE_CPU_S = 0.3

# on_slice(simulated seconds reached, events so far), called between slices
OnSlice = Callable[[float, int], None]


class _Slicer:
    """Picks the next slice end so each slice takes about SLICE_CPU_S of wall time,
    starting from the estimate's cost per simulated second and then from measurements."""

    def __init__(
        self,
        first_s: float,
        on_slice: OnSlice | None,
        clock: Callable[[], float] = time.perf_counter,
        deadline: float | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.length = max(first_s, 1e-3)
        self.on_slice = on_slice
        self.clock = clock  # a parameter so tests can drive it without timing a machine
        self.t0 = clock()
        # the epoch time (time.time: the same in every worker process) to stop at
        self.deadline = deadline
        self.wall = wall

    def past_deadline(self) -> bool:
        return self.deadline is not None and self.wall() >= self.deadline

    def first_end(self) -> float:
        return self.length

    def next_end(self, now: float, events: int) -> float:
        """After a slice that stopped at simulated time ``now``: report, time the next."""
        took = self.clock() - self.t0
        if self.on_slice is not None:
            self.on_slice(now, events)
        # at most 4× longer or shorter per step: the first slice carries compile time
        scale = SLICE_CPU_S / took if took > 0 else 4.0
        self.length *= min(4.0, max(0.25, scale))
        self.t0 = self.clock()
        return now + self.length


def _first_slice_s(net: Network, backend: str, path: str) -> float:
    """Simulated seconds of the first slice, from the estimated cost of one second."""
    est = estimate(net, duration=1.0)
    if backend == "numba":
        per_s = est.seconds_numba
    elif path == "sweep":
        per_s = est.seconds_python
    else:
        per_s = est.events * _NS_PER_EVENT_PYTHON * 1e-9
    return SLICE_CPU_S / per_s if per_s > 0 else 1.0


def run_kernel(
    net: Network,
    *,
    n_requests: int = 0,
    duration: float = 0.0,
    seed: int = 0,
    warmup_fraction: float = 0.1,
    backend: Backend = "auto",
    max_events: int = 2**62,
    max_calls: int = _MAX_CAP,
    path: Path = "auto",
    on_slice: OnSlice | None = None,
    initial_calls: int | None = None,
    deadline: float | None = None,
) -> RawRun:
    """Simulate ``n_requests`` external arrivals (then drain) or ``duration`` seconds.

    ``initial_calls`` sizes the call pool a run starts with (default ``_INITIAL_CAP``; it
    grows as needed; tests make a short run grow with a small one).

    ``on_slice(t, events)`` is called every :data:`SLICE_CPU_S` or so with the simulated
    time reached (progress); a KeyboardInterrupt raised there, or by Ctrl-C, stops the run.

    ``deadline`` (a ``time.time()`` value) stops the run at the first slice boundary past
    it, with status :data:`ST_TIME_LIMIT`: the result holds what finished by then, and the
    calls still in flight are left out. The plain-Python station sweep has no slices; it
    checks it between rounds of about a thousand arrivals.

    Warm-up: statistics of requests arriving in the first ``warmup_fraction`` of the
    requests (``n_requests`` mode) or of the time (``duration`` mode) are discarded, and
    station integrals start when warm-up ends. ``backend="auto"`` uses numba when it is
    installed and ``ARCHPROOF_NO_NUMBA`` is not set.
    """
    if (n_requests > 0) == (duration > 0):
        raise ValueError("give exactly one of n_requests > 0 or duration > 0")
    if not 0.0 <= warmup_fraction < 1.0:
        raise ValueError("warmup_fraction must be in [0, 1)")
    if backend == "auto":
        backend = "numba" if HAVE_NUMBA else "python"
    if backend == "numba" and not HAVE_NUMBA:
        raise RuntimeError("numba backend requested but numba is unavailable or disabled")
    if path == "auto":
        if backend == "python" and is_sweepable(net):
            path = "sweep"
        else:
            path = "tandem" if is_tandem(net) else "general"
    elif path == "tandem" and not is_tandem(net):
        raise ValueError("this network needs the general kernel (see is_tandem)")
    elif path == "sweep" and (backend != "python" or not is_sweepable(net)):
        raise ValueError("the sweep runs plain Python on feed-forward fast-path networks")
    if seed < 0 or seed >= 2**32:
        raise ValueError("seed must be in [0, 2**32)")
    horizon = arrival_horizon(net, n_requests, duration)
    warm_n = int(n_requests * warmup_fraction) if n_requests > 0 else 0
    warm_t = duration * warmup_fraction if n_requests <= 0 else 0.0
    n_ts, ts_w = _ts_layout(horizon)
    if initial_calls is None:
        initial_calls = _INITIAL_CAP  # read at call time: tests and benchmarks shrink it
    if initial_calls < 1:
        raise ValueError("initial_calls must be at least 1")
    cap = min(initial_calls, max_calls)
    while True:
        res = _run_once(
            net,
            backend,
            path,
            seed,
            n_requests,
            duration,
            warm_n,
            warm_t,
            horizon,
            ts_w,
            n_ts,
            max_events,
            cap,
            max_calls,
            on_slice,
            deadline,
        )
        if res.status in (ST_CALL_OVERFLOW, ST_HEAP_OVERFLOW, ST_STACK_OVERFLOW):
            # one event's work overflowed a pool (the general kernel grows its pools
            # between events, so this is rare): rerun from the start with 4× buffers
            if cap >= max_calls:
                raise _overflow(cap)
            cap *= 4
            continue
        return res


def _overflow(cap: int) -> SimulationOverflow:
    return SimulationOverflow(
        f"more than {cap} calls in flight: the model is overloaded "
        "(a station receives more work than it can serve); "
        "bound its queue or lower the load"
    )


def _heap_rows(a: dict[str, Any], n: int) -> None:
    """The heap's rows for ``n`` entries, in both layouts one contiguous buffer of
    ``kernel.HW`` words a row (see kernel._arr_hpop): ``hT`` its float64 view, ``hS`` (and
    ``hC``, ``hA``) its int64 view. H0 rows before the root align the 4-ary heap's sibling
    blocks, and rows past the last entry are sentinels; a grow copies the rows held."""
    rows = n + K.H0 + 4
    raw = np.zeros(rows * K.HW * 8 + 128, dtype=np.uint8)
    off = -raw.ctypes.data % 128  # rows start on a pair of cache lines
    buf = raw[off : off + rows * K.HW * 8]
    f8, i8 = buf.view(np.float64), buf.view(np.int64)
    f8[0 :: K.HW] = np.inf
    i8[1 :: K.HW] = K.H_SENTINEL
    old = a.get("hS")
    if old is not None:
        i8[: len(old)] = old
    a["hT"], a["hS"], a["hC"], a["hA"] = f8, i8, i8, i8


def _rows(a: dict[str, Any], group: str, n: int, packed: bool) -> None:
    """Allocate ``n`` zeroed rows for ``group`` and put its field views in ``a``, copying
    what ``a`` held for them before (a grow keeps slot indices). ``packed=True`` (numba's
    general kernel, see :mod:`.rows`) also puts the whole block in ``a`` under
    ``group:dtype``, one C-contiguous view per dtype, which is what kernel "general-rows"
    indexes; ``packed=False`` gives each field its own contiguous array (the fast path,
    and plain Python before its lists are made)."""
    dt = np.dtype(list(ROWS[group]))
    raw = np.zeros(n * dt.itemsize + 128, dtype=np.uint8)
    off = -raw.ctypes.data % 128  # rows start on a pair of cache lines (the 4-ary heap's)
    buf = raw[off : off + n * dt.itemsize]
    blk = buf.view(dt)
    old_buf = a.get(f"{group}:u1") if packed else None
    if packed:
        if old_buf is not None:
            # a grow: the rows held, copied as one block (field by field through strided
            # views was ~3 % of the chat drill)
            buf[: len(old_buf)] = old_buf
        a[f"{group}:u1"] = buf
        # what kernel "general-rows" reads: the whole pool in each of the group's dtypes
        for code in {c for _, c in ROWS[group]}:
            a[f"{group}:{code}"] = buf.view(np.dtype(code))
    for name, _ in ROWS[group]:
        if name.startswith("_"):
            continue
        col = blk[name] if packed else np.zeros(n, dtype=blk[name].dtype)
        old = a.get(name)
        if old is not None and old_buf is None:
            col[: len(old)] = old
        a[name] = col


# pools the general kernel indexes by call slot, heap entry or timeout entry; grown 4× and
# resumed when it stops with ST_GROW (see _grow)
_CALL_POOL = ("c_", "free_stk")
_HEAP_POOL = ("hT", "hS", "hC", "hA", "te_t", "te_s", "te_k", "te_next", "te_prev", "te_free")


def _grow(a: dict[str, Any], old_cap: int, new_cap: int, python: bool) -> None:
    """Grow the call pool, heap and timeout pool in place of ``a``, keeping their contents:
    slots keep their indices, new slots go under the free ones (so the same slots are
    reused first), and the work stack is empty at a ST_GROW stop."""
    rs = a["rs"]

    def grow(name: str, new_len: int) -> None:
        v = a[name]
        v.extend([0.0 if isinstance(v[0], float) else 0] * (new_len - len(v)))

    def grow_free(name: str, new_len: int, rs_i: int) -> None:
        v = a[name]
        old_len = len(v)
        n_free = int(rs[rs_i])
        if python:
            fresh = list(range(new_len - 1, old_len - 1, -1))
            v[:] = fresh + v[:n_free] + [0] * (old_len - n_free)
        else:
            fresh_a = np.arange(new_len - 1, old_len - 1, -1, dtype=v.dtype)
            a[name] = np.concatenate([fresh_a, v[:n_free], np.zeros(old_len - n_free, v.dtype)])
        rs[rs_i] = n_free + new_len - old_len

    new_h = _heap_cap(new_cap, a)
    if python:
        for name in list(a):
            if name.startswith("c_"):
                grow(name, new_cap)
        for name in _HEAP_POOL:
            if name not in ("te_free", "hT", "hS", "hC", "hA"):
                grow(name, new_h)
    else:
        _rows(a, "call", new_cap, True)
        _heap_rows(a, new_h)
        _rows(a, "tmo", new_h, True)
    grow_free("free_stk", new_cap, 10)
    grow_free("te_free", new_h, 11)
    a["hN"][2] = new_h if not python else 2**62
    for name, _ in ROWS["work"]:
        a.pop(name)
    if python:
        for name, _ in ROWS["work"]:
            a[name] = [0] * _work_cap(new_cap)
    else:
        _rows(a, "work", _work_cap(new_cap), True)


def _work_cap(cap: int) -> int:
    """The same-instant work stack holds one event's pending actions (a few per call of a
    tree), not one per call in flight; an overflow still falls back to a rerun."""
    return max(4096, cap // 4)


def _heap_cap(cap: int, a: dict[str, Any]) -> int:
    return 2 * cap + 2 * len(a["op_rate"]) + 2 * len(a["fw_station"]) + 16


# plain Python runs of at least this many estimated events use the kernel specialized for
# their network (pykernel.py): ~1.5x faster an event, after a compile of 0.1-0.5 s
_SPECIALIZE_EVENTS = 150_000


def _run_once(
    net: Network,
    backend: str,
    path: str,
    seed: int,
    n_requests: int,
    duration: float,
    warm_n: int,
    warm_t: float,
    horizon: float,
    ts_w: float,
    n_ts: int,
    max_events: int,
    cap: int,
    max_calls: int,
    on_slice: OnSlice | None,
    deadline: float | None,
) -> RawRun:
    n_ops, n_st, n_nd = net.n_ops, net.n_stations, net.n_nodes
    if np.signbit(net.fw_start).any() or np.signbit(net.fw_end).any():
        # the array heap compares event times as their bit patterns (kernel._arr_hpop),
        # which order as the numbers only from +0.0 up
        raise ValueError("fault windows start and end at times >= +0.0")
    i64, f64 = np.int64, np.float64
    a: dict[str, Any] = {
        name: getattr(net, name)
        for name in KERNEL_ARGS
        if name.startswith(
            ("st_", "op_rate", "op_root", "op_poff", "op_rd", "op_dlq", "prof_", "nd_", "cl_")
        )
        or name.startswith("fw_")
    }
    a.update(
        seed=seed,
        n_req=n_requests,
        duration=float(duration),
        warm_n=warm_n,
        warm_t=float(warm_t),
        horizon=float(horizon),
        ts_w=float(ts_w),
        n_ts=n_ts,
        max_events=int(min(max_events, 2**62)),
    )
    hcap = _heap_cap(cap, a)
    # numba runs the general kernel over rows (kernel "general-rows", see rows.py); plain
    # Python gets lists, and the fast path one array per field
    packed = backend == "numba" and path == "general"
    _rows(a, "call", cap, packed)
    a["free_stk"] = np.arange(cap - 1, -1, -1, dtype=i64)
    for name in ("s_busy", "s_qlen", "s_qh", "s_qt", "s_down", "s_lost", "s_starts", "s_rej"):
        a[name] = np.zeros(n_st, dtype=i64)
    for name in ("s_ferr", "s_barea", "s_farea", "s_qarea", "s_waste", "s_wsum"):
        a[name] = np.zeros(n_st, dtype=f64)
    a["s_slow"] = np.ones(n_st, dtype=f64)
    a["s_whist"] = np.zeros(n_st * NBUCK, dtype=i64)
    a["cb_state"] = np.zeros(n_nd, dtype=i64)
    a["cb_fails"] = np.zeros(n_nd, dtype=i64)
    a["cb_until"] = np.zeros(n_nd, dtype=f64)
    _heap_rows(a, hcap)
    a["hN"] = np.array([0, 0, hcap], dtype=i64)  # size, last sequence number, capacity
    _rows(a, "work", _work_cap(cap), packed)
    a["tq_head"] = np.full(n_nd, -1, dtype=i64)
    a["tq_tail"] = np.full(n_nd, -1, dtype=i64)
    _rows(a, "tmo", hcap, packed)
    a["te_free"] = np.arange(hcap - 1, -1, -1, dtype=i64)
    a["rs"] = np.zeros(N_RS, dtype=f64)
    a["op_cnt"] = np.zeros(n_ops * N_CNT, dtype=i64)
    a["op_bs"] = np.zeros(n_ops * N_BATCH, dtype=f64)
    a["op_bh"] = np.zeros(n_ops * N_BATCH * NBUCK, dtype=i64)
    a["ts_ok"] = np.zeros(n_ops * n_ts, dtype=i64)
    a["ts_err"] = np.zeros(n_ops * n_ts, dtype=i64)
    a["ts_lat"] = np.zeros(n_ops * n_ts, dtype=f64)
    a["out"] = np.zeros(N_OUT, dtype=f64)
    missing = [n for n in KERNEL_ARGS if n not in a]
    if missing:  # pragma: no cover - guards the hand-kept argument list
        raise AssertionError(f"kernel arguments not provided: {missing}")

    slicer = _Slicer(_first_slice_s(net, backend, path), on_slice, deadline=deadline)
    a["rs"][RS_SLICE] = slicer.first_end()
    if backend == "numba":
        kern = K.numba_kernel("general-rows" if packed else path)

        def kernel_args() -> list[Any]:
            return [a[view_key(FIELDS[n])] if packed and n in FIELDS else a[n] for n in KERNEL_ARGS]

        args = kernel_args()
        while True:
            kern(*args)
            status = a["out"][OUT_STATUS]
            if status == ST_SLICE and slicer.past_deadline():
                a["out"][OUT_STATUS] = ST_TIME_LIMIT
                break
            if status == ST_SLICE:
                rs = a["rs"]
                rs[RS_SLICE] = slicer.next_end(float(rs[1]), int(rs[3]))
            elif status == ST_GROW:
                if cap >= max_calls:
                    raise _overflow(cap)
                args.clear()  # the old pools go as soon as their grown copies exist
                _grow(a, cap, cap * 4, python=False)
                cap *= 4
                args = kernel_args()
            else:
                break
            a["rs"][0] = 1.0
        arr = a
    else:
        lists = {n: (v.tolist() if isinstance(v, np.ndarray) else v) for n, v in a.items()}
        if path == "sweep":
            run_sweep(**lists, deadline=deadline)  # plain Python: Ctrl-C acts at once
        else:
            lists["hT"] = []  # the Python backend's heap is a heapq list of tuples
            lists["hN"][2] = 2**62  # … that never fills
            # the specialized kernel costs 0.1-0.5 s to compile per network (once a process),
            # so short runs keep the kernel as written (see _SPECIALIZE_EVENTS)
            big = estimate(net, n_requests=n_requests, duration=duration).events
            if big >= _SPECIALIZE_EVENTS or is_compiled(path, lists):
                pykern = python_kernel(path, seed, lists)  # holds the stream: resumes go on
            else:
                pykern = K.python_kernel(path, seed)
            while True:
                pykern(*[lists[n] for n in KERNEL_ARGS])
                status = lists["out"][OUT_STATUS]
                if status == ST_SLICE and slicer.past_deadline():
                    lists["out"][OUT_STATUS] = ST_TIME_LIMIT
                    break
                if status == ST_SLICE:
                    rs = lists["rs"]
                    rs[RS_SLICE] = slicer.next_end(float(rs[1]), int(rs[3]))
                elif status == ST_GROW:
                    if cap >= max_calls:
                        raise _overflow(cap)
                    _grow(lists, cap, cap * 4, python=True)
                    cap *= 4
                else:
                    break
                lists["rs"][0] = 1.0
        arr = {
            n: (np.asarray(lists[n], dtype=a[n].dtype) if isinstance(a[n], np.ndarray) else a[n])
            for n in a
            if n != "hT"
        }
    op_bs = arr["op_bs"].reshape(n_ops, N_BATCH)
    op_bh = arr["op_bh"].reshape(n_ops, N_BATCH, NBUCK)
    out = arr["out"]
    return RawRun(
        network=net,
        backend=backend,
        path=path,
        seed=seed,
        n_requests=n_requests,
        duration=float(duration),
        t_warm=float(out[OUT_T_WARM]),
        t_end=float(out[OUT_T_END]),
        t_cut=float(out[OUT_T_CUT]),
        events=int(out[OUT_EVENTS]),
        duplicates=int(out[OUT_DUPS]),
        status=int(out[OUT_STATUS]),
        peak_calls=int(out[OUT_PEAK_CALLS]),
        peak_heap=int(out[OUT_PEAK_HEAP]),
        ts_width=float(ts_w),
        op_cnt=arr["op_cnt"].reshape(n_ops, N_CNT),
        # per-operation totals are sums of the per-batch ones (less work per request)
        op_lsum=op_bs.sum(axis=1),
        op_hist=op_bh.sum(axis=1),
        op_bn=op_bh.sum(axis=2),
        op_bs=op_bs,
        op_bh=op_bh,
        s_barea=arr["s_barea"],
        s_farea=arr["s_farea"],
        s_qarea=arr["s_qarea"],
        s_waste=arr["s_waste"],
        s_wsum=arr["s_wsum"],
        s_starts=arr["s_starts"],
        s_rej=arr["s_rej"],
        s_whist=arr["s_whist"].reshape(n_st, NBUCK),
        ts_ok=arr["ts_ok"].reshape(n_ops, n_ts),
        ts_err=arr["ts_err"].reshape(n_ops, n_ts),
        ts_lat=arr["ts_lat"].reshape(n_ops, n_ts),
    )
