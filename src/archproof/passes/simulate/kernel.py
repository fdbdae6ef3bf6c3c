"""THE hot loop: an event-scheduling simulator over plain arrays.

Two kernels with one signature:

- :func:`_kernel` is the general engine. It handles layered calls that hold servers,
  timeouts, retries, breakers, fault windows, async hand-offs, spawns and fork-join
  (parallel groups).
- :func:`_kernel_tandem` is a fast path for networks of plain sequential steps (see
  ``runner.is_tandem``). It gives bit-identical results to the general engine.

Each kernel is the one source of the semantics for both backends. It uses only array
indexing, arithmetic, ``math`` and six helpers looked up as globals (``_rand``, ``_seed``,
``_hpush``, ``_hpush_at``, ``_hpop``, ``_bucket``). For numba the module's globals hold
compiled helpers over array heaps (and numba runs the general kernel over pools packed as
rows: :mod:`.rows` generates ``_kernel_rows`` from this source). Plain Python runs it over
Python lists (indexing a list is ~3× faster than a numpy array from CPython): short runs
as written, the code object rebound (``types.FunctionType``, :func:`python_kernel`) to
``random.Random.random`` and ``heapq``; runs of ``runner._SPECIALIZE_EVENTS`` or more as
:mod:`.pykernel` rewrites this source (helpers in line, constants as literals) and
:mod:`.specialize` folds the network into it. Every way gives bit-identical output.

The plain-Python backend has a faster fast path of its own, :mod:`.sweep`, a different
algorithm for feed-forward networks (different draw order, so different figures for a
seed); :func:`_kernel_tandem` still runs as plain Python when the sweep can't.

Determinism: both backends draw every random number from one MT19937 stream of 53-bit
uniforms seeded with ``init_genrand(seed)`` (numba's ``np.random.seed``; for Python the
same state is loaded into ``random.Random``). Events are ordered by (time, push
sequence), so ties resolve identically. Hence same seed → bit-identical output, in
either backend.

Memory does not grow with the number of requests: calls live in a fixed pool with a
free list, queues are linked lists through the pool, statistics are histograms and
running sums. If a pool or the heap overflows, the kernel stops with a status code and
:func:`.runner.run_kernel` reruns with 4× buffers (deterministic, so nothing changes but
the capacity), up to a memory budget. Both kernels also stop between two events once the
clock reaches ``rs[RS_SLICE]`` (status ST_SLICE) and resume from ``rs`` with the same
stream, so the runner can report progress and honour Ctrl-C during a long run without
changing a bit of the output.
"""

from __future__ import annotations

import heapq
import importlib.util
import math
import os
import random
import types
from collections.abc import Callable
from typing import Any

import numpy as np

# numba is an optional extra ("fast"); plain Python is always available. It is imported on
# the first compile (numba_kernel), not here: importing it costs ~0.5 s of CPU, which
# `design`, `review` and `analyze` would pay through the pass registry without ever
# simulating (tests/test_startup.py).
HAVE_NUMBA = importlib.util.find_spec("numba") is not None and os.environ.get(
    "ARCHPROOF_NO_NUMBA", ""
) not in ("1", "true", "yes")

# ---- histogram layout: log buckets of ratio 1.005 from 1 µs to 1000 s --------------
# Bucket 0 holds values < 1 µs; bucket b >= 1 holds [1e-6·R^(b-1), 1e-6·R^b). A value
# read back at its bucket's geometric middle is within 0.25 % of the truth.
HIST_MIN = 1e-6
HIST_RATIO = 1.005
HIST_INV_LOG = 1.0 / math.log(HIST_RATIO)
NBUCK = math.ceil(math.log(1e3 / HIST_MIN) * HIST_INV_LOG) + 2

N_BATCH = 20  # batch means for confidence intervals (t_{0.975,19} = 2.093)
TS_MAX = 2000  # cap on per-operation time-series bins

# ---- per-operation counter columns (op_cnt[o * N_CNT + col]) -----------------------
CNT_ARRIVED = 0  # requests counted (arrived after warm-up)
CNT_OK = 1
CNT_DEGRADED = 2  # succeeded, but some fail-open call failed
CNT_ERROR = 3  # the root call failed
CNT_TIMEOUT = 4  # call attempts abandoned by their caller (attempt level)
CNT_REJECT = 5  # call attempts rejected by a full queue
CNT_SHORT = 6  # call attempts failed fast by an open breaker
CNT_UNAVAIL = 7  # call attempts to a station that is down
CNT_CALLERR = 8  # call attempts that returned an error (error probability)
CNT_RETRY = 9  # retries issued
CNT_ALL = 10  # requests including warm-up
CNT_REDELIVER = 11  # failed deliveries of a consumer's message put back for redelivery
CNT_DEAD = 12  # messages moved to the dead-letter queue after their last delivery
N_CNT = 13

# ---- scalar outputs ----------------------------------------------------------------
OUT_T_WARM = 0
OUT_T_END = 1
OUT_EVENTS = 2
OUT_DUPS = 3
OUT_STATUS = 4
OUT_PEAK_CALLS = 5
OUT_PEAK_HEAP = 6
OUT_T_CUT = 7  # end of the measurement window: the last external arrival
N_OUT = 8

ST_OK = 0
ST_CALL_OVERFLOW = 1
ST_HEAP_OVERFLOW = 2
ST_STACK_OVERFLOW = 3
ST_EVENT_CAP = 4
ST_GROW = 5  # pools nearly full between two events: grow them and resume (rs holds the state)
ST_SLICE = 6  # the clock reached rs[RS_SLICE] between two events: resume to go on (progress)
# set by the runner (and the sweep), not the kernels: the run's wall-clock deadline passed
# between two slices and it stopped there (the arrays hold everything finished so far)
ST_TIME_LIMIT = 7

# ---- resume state (rs[...]): a kernel's scalars at a ST_GROW or ST_SLICE stop ------
N_RS = 16
RS_SLICE = 14  # stop once the clock reaches this time (0: no slices), set by the runner

# ---- event kinds (heap code = entity * 8 + kind) -----------------------------------
E_ARR = 0  # external arrival of operation `entity`
E_SVC = 1  # call `entity` finished its own service time
E_TMO = 2  # the head of node `entity`'s timeout FIFO is due (see _kernel)
E_RETRY = 3  # call `entity` retries its current child (aux = its generation)
E_FON = 4  # fault window `entity` starts
E_FOFF = 5  # fault window `entity` ends
E_RDL = 6  # consumer `entity`'s failed message is delivered again (aux: deliveries so far)

# ---- actions done at the current instant (no time passes) --------------------------
A_NONE = 0
A_ISSUE = 1  # call arrives at its station: start, queue or reject
A_SVC = 2  # own work done: draw error, then children
A_NEXT = 3  # pick and issue the next child (or finish)
A_ATTEMPT = 4  # one attempt of the current child edge (breaker, timeout)
A_RESULT = 5  # result of the current child edge arrives at the caller
A_FINISH = 6  # call completes: release server, return to caller / record request

# ---- call outcomes ------------------------------------------------------------------
R_OK = 0
R_DEGRADED = 1
R_ERROR = 2
R_TIMEOUT = 3
R_REJECT = 4
R_UNAVAIL = 5
R_BREAKER = 6
R_CHILD = 7  # a fail-closed child failed

CB_CLOSED = 0
CB_OPEN = 1
CB_HALF = 2

INF = 1e300


# ---- helpers: plain versions (rebound for the Python backend) -----------------------
def _bucket_py(v: float) -> int:
    """Histogram bucket of a duration in seconds."""
    if v < HIST_MIN:
        return 0
    b = 1 + int(math.log(v / HIST_MIN) * HIST_INV_LOG)
    if b >= NBUCK:
        return NBUCK - 1
    return b


def _py_heap() -> tuple[Any, Any, Any]:
    """heapq-based push/pop with the array heap's signature; ties broken by push order
    (the sequence number lives in ``hN[1]``, as for the array heap)."""
    push = heapq.heappush
    pop = heapq.heappop

    def hpush(hT: Any, hS: Any, hC: Any, hA: Any, hN: Any, t: float, code: int, aux: int) -> bool:
        hN[0] += 1
        s = hN[1] + 1
        hN[1] = s
        push(hT, (t, s, code, aux))
        return True

    def hpush_at(
        hT: Any, hS: Any, hC: Any, hA: Any, hN: Any, t: float, s: int, code: int, aux: int
    ) -> bool:
        hN[0] += 1
        push(hT, (t, s, code, aux))
        return True

    def hpop(hT: Any, hS: Any, hC: Any, hA: Any, hN: Any) -> tuple[float, int, int]:
        hN[0] -= 1
        t, _, code, aux = pop(hT)
        return t, code, aux

    return hpush, hpush_at, hpop


_py_hpush, _py_hpush_at, _py_hpop = _py_heap()


def _py_seed(seed: int) -> None:
    """The Python backend's stream is seeded before the call (see python_rng)."""


# ---- helpers: array-heap versions (compiled for numba) ------------------------------
# A 4-ary min-heap on (time, sequence): half the levels of a binary heap, and a node's four
# children are one 128-byte block (a heap entry is a 32-byte row, heap index i lives at
# row i + H0), so a level costs one memory round trip instead of two. Keys are unique (the
# sequence), so any valid heap pops the same order as heapq does for the Python backend.
#
# The rows are one contiguous buffer of four 8-byte words per entry (time, sequence, code,
# aux), seen through two C-contiguous views of it: ``hT`` as float64 (the time is word 0
# of a row) and ``hS`` as int64 (words 1-3, and word 0 as the time's bit pattern, which
# the pop compares: event times are >= +0.0). ``hC`` and ``hA`` are the same int64 view,
# passed only so both backends share one signature. A row is then a fixed offset from one
# base pointer: with a strided view per field, numba reloaded each field's base and stride
# from the stack and multiplied on every access of the pop's inner loop (perf, chat drill).
H0 = 3
H_SENTINEL = 1 << 62  # sequence of the sentinel rows past the heap's end (time +inf)
HW = 4  # 8-byte words per heap row


def _arr_hpush(hT: Any, hS: Any, hC: Any, hA: Any, hN: Any, t: float, code: int, aux: int) -> bool:
    """Push with the next sequence number; False when full."""
    seq = hN[1] + 1
    hN[1] = seq
    ok: bool = _hpush_at(hT, hS, hC, hA, hN, t, seq, code, aux)
    return ok


def _arr_hpush_at(
    hT: Any, hS: Any, hC: Any, hA: Any, hN: Any, t: float, seq: int, code: int, aux: int
) -> bool:
    """Push with a sequence number drawn earlier (a timeout FIFO's new head)."""
    n = hN[0]
    if (n + H0 + 4) * HW >= hT.shape[0]:  # keep four sentinel rows past the end
        return False
    i = n
    while i > 0:
        p = (i - 1) >> 2
        r = (p + H0) * HW
        tp = hT[r]
        if tp < t or (tp == t and hS[r + 1] < seq):
            break
        w = (i + H0) * HW
        hT[w] = tp
        hS[w + 1] = hS[r + 1]
        hS[w + 2] = hS[r + 2]
        hS[w + 3] = hS[r + 3]
        i = p
    w = (i + H0) * HW
    hT[w] = t
    hS[w + 1] = seq
    hS[w + 2] = code
    hS[w + 3] = aux
    hN[0] = n + 1
    return True


def _arr_hpop(hT: Any, hS: Any, hC: Any, hA: Any, hN: Any) -> tuple[float, int, int]:
    """Pop the least (time, sequence). Bottom-up: the hole at the root goes down along the
    least children to a leaf, then the last entry goes up from there (it belongs near the
    bottom, so mostly zero or one step). The least of four children is picked without
    branches (two pairs, then their winners: a comparison of random times is a coin flip
    the branch predictor loses half the time); rows past the last entry hold sentinels
    (time +inf, sequence H_SENTINEL), so a node with fewer than four children needs no test.

    The times are compared and moved as their int64 bit patterns (``hS`` at a row's word
    0): for the non-negative doubles an event time is (and +inf), the patterns order as
    the numbers do and are equal when they are. LLVM picks between two doubles with a
    branch, between two integers with a conditional move: compared as doubles, each of the
    pop's three comparisons a level was a branch mispredicted half the time (numba asm)."""
    r0 = H0 * HW
    t0 = hT[r0]
    c0 = hS[r0 + 2]
    a0 = hS[r0 + 3]
    n = hN[0] - 1
    hN[0] = n
    if n > 0:
        i = 0
        c = 1
        while c < n:
            w = (c + H0) * HW
            ta = hS[w]
            sa = hS[w + 1]
            tb = hS[w + HW]
            sb = hS[w + HW + 1]
            b1 = (tb < ta) | ((tb == ta) & (sb < sa))
            m1 = c + 1 if b1 else c
            t1 = tb if b1 else ta
            s1 = sb if b1 else sa
            ta = hS[w + 2 * HW]
            sa = hS[w + 2 * HW + 1]
            tb = hS[w + 3 * HW]
            sb = hS[w + 3 * HW + 1]
            b2 = (tb < ta) | ((tb == ta) & (sb < sa))
            m2 = c + 3 if b2 else c + 2
            t2 = tb if b2 else ta
            s2 = sb if b2 else sa
            b3 = (t2 < t1) | ((t2 == t1) & (s2 < s1))
            m = m2 if b3 else m1
            d = (i + H0) * HW
            r = (m + H0) * HW
            hS[d] = t2 if b3 else t1
            hS[d + 1] = s2 if b3 else s1
            hS[d + 2] = hS[r + 2]
            hS[d + 3] = hS[r + 3]
            i = m
            c = 4 * i + 1
        e = (n + H0) * HW
        t = hS[e]
        s = hS[e + 1]
        while i > 0:
            p = (i - 1) >> 2
            r = (p + H0) * HW
            tp = hS[r]
            if tp < t or (tp == t and hS[r + 1] < s):
                break
            d = (i + H0) * HW
            hS[d] = tp
            hS[d + 1] = hS[r + 1]
            hS[d + 2] = hS[r + 2]
            hS[d + 3] = hS[r + 3]
            i = p
        d = (i + H0) * HW
        hS[d] = t
        hS[d + 1] = s
        hS[d + 2] = hS[e + 2]
        hS[d + 3] = hS[e + 3]
    e = (n + H0) * HW
    hT[e] = math.inf  # the vacated row becomes a sentinel again
    hS[e + 1] = H_SENTINEL
    return t0, c0, a0


def _nb_rand() -> float:
    return float(np.random.random())


def _nb_seed(seed: int) -> None:
    np.random.seed(seed)


def _py_prefetch(a: Any, i: int) -> None:
    """Plain Python has no use for it; the kernel skips the calls (``_PF`` is False)."""


def _make_prefetch() -> Any:
    """``_prefetch(arr, i)``: ask the CPU to bring ``arr[i]``'s cache line in (a hint: no
    fault, no effect on results). The general kernel uses it for the rows the next events
    will touch — with hundreds of thousands of calls in flight most rows are in DRAM."""
    import importlib

    from numba.core import types
    from numba.extending import intrinsic

    # untyped modules (no stubs): reached as Any
    ir: Any = importlib.import_module("llvmlite.ir")
    cgutils: Any = importlib.import_module("numba.core.cgutils")

    @intrinsic
    def prefetch(typingctx: Any, arr: Any, idx: Any) -> Any:
        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            aryty = signature.args[0]
            ary = context.make_array(aryty)(context, builder, args[0])
            ptr = cgutils.get_item_pointer(
                context, builder, aryty, ary, [args[1]], wraparound=False, boundscheck=False
            )
            i8p = ir.IntType(8).as_pointer()
            i32 = ir.IntType(32)
            fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
            fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
            # read, high temporal locality, data cache
            builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
            return context.get_dummy_value()

        return types.void(arr, idx), codegen

    return prefetch


# The module-level names only matter to numba (it reads the kernels' globals when it
# compiles them); Python rebinds them per run (python_kernel). _use_numba binds the
# compiled helpers before the first compile.
_bucket: Any = _bucket_py
_hpush: Any = _py_hpush
_hpush_at: Any = _py_hpush_at
_hpop: Any = _py_hpop
_rand: Any = random.random
_seed: Any = _py_seed
_prefetch: Any = _py_prefetch
_PF = False  # prefetch hints on: a compile-time constant for numba, False for Python
_njit: Any = None  # numba types njit results as Dispatcher; the kernel treats them as opaque


def _use_numba() -> Any:
    """numba's `njit` for the kernels, the helpers bound compiled (once, on first use)."""
    global _njit, _bucket, _hpush_at, _hpush, _hpop, _rand, _seed, _prefetch, _PF
    if _njit is None:
        import numba

        njit = numba.njit(cache=True, nogil=True, error_model="numpy")
        # helpers are inlined into the kernel at numba-IR level, so the heap arrays are not
        # passed (and reference-counted) per call
        inline = numba.njit(cache=True, inline="always", error_model="numpy")
        _bucket = inline(_bucket_py)
        _hpush_at = inline(_arr_hpush_at)
        _hpush = inline(_arr_hpush)
        _hpop = inline(_arr_hpop)
        _rand = inline(_nb_rand)
        _seed = njit(_nb_seed)
        _prefetch = _make_prefetch()
        _PF = True
        _njit = njit
    return _njit


def _kernel(
    # ---- network (read-only)
    st_servers: Any,
    st_qcap: Any,
    st_err: Any,
    op_rate: Any,
    op_root: Any,
    op_poff: Any,
    op_rdmax: Any,
    op_rddelay: Any,
    op_dlq: Any,
    prof_t: Any,
    prof_r: Any,
    nd_station: Any,
    nd_dist: Any,
    nd_p1: Any,
    nd_p2: Any,
    nd_prob: Any,
    nd_coff: Any,
    nd_async: Any,
    nd_spawn: Any,
    nd_timeout: Any,
    nd_retries: Any,
    nd_bo: Any,
    nd_bom: Any,
    nd_jit: Any,
    nd_cbth: Any,
    nd_cbopen: Any,
    nd_failopen: Any,
    nd_idem: Any,
    nd_write: Any,
    nd_fork: Any,
    nd_fb: Any,
    cl_node: Any,
    cl_gend: Any,
    fw_station: Any,
    fw_kind: Any,
    fw_start: Any,
    fw_end: Any,
    fw_value: Any,
    # ---- run parameters
    seed: int,
    n_req: int,
    duration: float,
    warm_n: int,
    warm_t: float,
    horizon: float,
    ts_w: float,
    n_ts: int,
    max_events: int,
    # ---- call pool (one slot per in-flight call attempt)
    c_node: Any,
    c_par: Any,
    c_pgen: Any,
    c_gen: Any,
    c_op: Any,
    c_warm: Any,
    c_t0: Any,
    c_qt: Any,
    c_svc: Any,
    c_st: Any,
    c_pos: Any,
    c_stat: Any,
    c_cur: Any,
    c_att: Any,
    c_child: Any,
    c_cgen: Any,
    c_ab: Any,
    c_sup: Any,
    c_late: Any,
    c_edge: Any,
    c_pedge: Any,
    c_hold: Any,
    c_next: Any,
    c_dlv: Any,
    c_te: Any,
    free_stk: Any,
    # ---- station state
    s_busy: Any,
    s_qlen: Any,
    s_qh: Any,
    s_qt: Any,
    s_down: Any,
    s_lost: Any,
    s_slow: Any,
    s_ferr: Any,
    # ---- breaker state per node
    cb_state: Any,
    cb_fails: Any,
    cb_until: Any,
    # ---- event heap and the same-instant work stack
    hT: Any,
    hS: Any,
    hC: Any,
    hA: Any,
    hN: Any,
    wA: Any,
    wC: Any,
    wR: Any,
    # ---- timeout FIFOs: one per node, linked through a pool of entries
    tq_head: Any,
    tq_tail: Any,
    te_t: Any,
    te_s: Any,
    te_k: Any,
    te_prev: Any,
    te_next: Any,
    te_free: Any,
    # ---- outputs
    op_cnt: Any,
    op_bs: Any,
    op_bh: Any,
    s_barea: Any,
    s_farea: Any,
    s_qarea: Any,
    s_waste: Any,
    s_wsum: Any,
    s_starts: Any,
    s_rej: Any,
    s_whist: Any,
    ts_ok: Any,
    ts_err: Any,
    ts_lat: Any,
    rs: Any,
    out: Any,
) -> None:
    """Run the simulation; every argument is an array (or list) filled in place."""
    n_ops = len(op_rate)
    n_st = len(st_servers)
    n_fw = len(fw_station)
    # busy time during the faults, from the first window's start to the last one's end
    f_lo = INF
    f_hi = 0.0
    for f in range(n_fw):
        f_lo = min(f_lo, fw_start[f])
        f_hi = max(f_hi, fw_end[f])
    cap = len(c_node)
    wcap = len(wA)
    now = 0.0
    t_last = 0.0  # last event that was work, not a fault-window edge
    status = 0
    events = 0
    dups = 0
    arrivals = 0
    warm_done = 0
    t_warm = 0.0
    # measurement window ends with the arrivals: integrals are clipped to [t_warm, t_cut]
    t_cut = duration if n_req <= 0 else INF
    batch_w = 1.0
    fn = cap  # free slots: free_stk[0:fn]
    wn = 0  # work stack depth
    te_fn = len(te_free)  # free timeout entries: te_free[0:te_fn]
    peak_heap = 0
    peak_calls = 0
    grow_at = 64 + (cap >> 4)  # free slots kept for one event's same-instant work
    t_slice = rs[RS_SLICE] if rs[RS_SLICE] > 0.0 else INF
    if rs[0] != 0.0:
        # resume after a ST_GROW or ST_SLICE stop: the pools may have grown, the stream
        # continues
        now = rs[1]
        t_last = rs[2]
        events = int(rs[3])
        dups = int(rs[4])
        arrivals = int(rs[5])
        warm_done = int(rs[6])
        t_warm = rs[7]
        t_cut = rs[8]
        batch_w = rs[9]
        fn = int(rs[10])
        te_fn = int(rs[11])
        peak_heap = int(rs[12])
        peak_calls = int(rs[13])
    else:
        _seed(seed)
        # -- schedule first arrivals and fault windows
        for o in range(n_ops):
            t = 0.0
            while True:  # piecewise-constant Poisson: redraw at each segment boundary
                r = op_rate[o]
                nxt = INF
                for j in range(op_poff[o], op_poff[o + 1]):
                    if prof_t[j] <= t:
                        r = prof_r[j]
                    else:
                        nxt = prof_t[j]
                        break
                if r > 0.0:
                    t2 = t - math.log(1.0 - _rand()) / r
                    if t2 < nxt:
                        t = t2
                        break
                if nxt >= INF:
                    t = INF
                    break
                t = nxt
            if t < INF and (n_req > 0 or t < duration):
                _hpush(hT, hS, hC, hA, hN, t, o * 8 + E_ARR, 0)
        for f in range(n_fw):
            _hpush(hT, hS, hC, hA, hN, fw_start[f], f * 8 + E_FON, 0)
            _hpush(hT, hS, hC, hA, hN, fw_end[f], f * 8 + E_FOFF, 0)

    act = A_NONE
    cid = 0
    arg = 0
    while True:
        # ---- next thing to do: same-instant work first, then the next event
        if wn > 0:
            wn -= 1
            act = wA[wn]
            cid = wC[wn]
            arg = wR[wn]
        else:
            if hN[0] == 0:
                break
            if fn < grow_at or te_fn < grow_at or hN[0] + grow_at > hN[2]:
                # nothing is half done between two events: stop, let the runner grow the
                # pools, resume from here (rather than rerun from the start)
                status = ST_GROW
                break
            if now >= t_slice:
                # a time slice is done: let the runner report progress, then resume
                status = ST_SLICE
                break
            if hN[0] > peak_heap:
                peak_heap = hN[0]
            events += 1
            if events > max_events:
                status = ST_EVENT_CAP
                break
            now, code, aux = _hpop(hT, hS, hC, hA, hN)
            if _PF and hN[0] > 0:
                # the next event's call row and its caller's (an E_SVC carries the caller
                # in aux), likely cold with many calls in flight: fetch them while this
                # event runs
                nc = hC[H0 * HW + 2]  # the root row's code and aux (see _arr_hpop)
                if nc & 7 == E_SVC:
                    _prefetch(c_gen, nc >> 3)
                    _prefetch(c_svc, nc >> 3)
                    na = hA[H0 * HW + 3]
                    if na >= 0:
                        _prefetch(c_gen, na)
                        _prefetch(c_svc, na)
            kind = code & 7
            ent = code >> 3
            if kind == E_SVC:
                # own service time over
                t_last = now
                act = A_SVC
                cid = ent
            elif kind == E_ARR:
                # external arrival: count it, start its root call, draw the next one
                o = ent
                if n_req > 0 and arrivals >= n_req:
                    continue
                warm = 1 if (arrivals < warm_n or now < warm_t) else 0
                arrivals += 1
                t_last = now
                if n_req > 0 and arrivals >= n_req:
                    t_cut = now
                if warm == 0 and warm_done == 0:
                    # warm-up over: station integrals start now
                    warm_done = 1
                    t_warm = now
                    batch_w = (horizon - now) / N_BATCH
                    if batch_w <= 0.0:
                        batch_w = 1.0
                    for s in range(n_st):
                        s_barea[s] = 0.0
                        s_qarea[s] = 0.0
                op_cnt[o * N_CNT + CNT_ALL] += 1
                if warm == 0:
                    op_cnt[o * N_CNT + CNT_ARRIVED] += 1
                if fn == 0:
                    status = ST_CALL_OVERFLOW
                    break
                if cap - fn > peak_calls:
                    peak_calls = cap - fn
                fn -= 1
                k = free_stk[fn]
                c_gen[k] += 1
                c_node[k] = op_root[o]
                c_par[k] = -1
                c_op[k] = o
                c_warm[k] = warm
                c_t0[k] = now
                c_stat[k] = 0
                c_ab[k] = 0
                c_hold[k] = 0
                c_edge[k] = 0
                c_child[k] = -1
                c_dlv[k] = 0
                act = A_ISSUE
                cid = k
                # next arrival of this operation
                t = now
                while True:
                    r = op_rate[o]
                    nxt = INF
                    for j in range(op_poff[o], op_poff[o + 1]):
                        if prof_t[j] <= t:
                            r = prof_r[j]
                        else:
                            nxt = prof_t[j]
                            break
                    if r > 0.0:
                        t2 = t - math.log(1.0 - _rand()) / r
                        if t2 < nxt:
                            t = t2
                            break
                    if nxt >= INF:
                        t = INF
                        break
                    t = nxt
                more = (n_req > 0 and arrivals < n_req) or (n_req <= 0 and t < duration)
                if t < INF and more and not _hpush(hT, hS, hC, hA, hN, t, o * 8 + E_ARR, 0):
                    status = ST_HEAP_OVERFLOW
                    break
            elif kind == E_TMO:
                # the head of node `ent`'s timeout FIFO is due: take it off and put the
                # next head on the heap. Entries whose call finished first were unlinked
                # by A_FINISH (or, for the head, marked with te_k = -1), so the next one
                # is live. An entry is the only way its call gets abandoned.
                e = tq_head[ent]
                k = te_k[e]
                nx = te_next[e]
                te_free[te_fn] = e
                te_fn += 1
                tq_head[ent] = nx
                if nx >= 0:
                    te_prev[nx] = -1
                    _hpush_at(hT, hS, hC, hA, hN, te_t[nx], te_s[nx], ent * 8 + E_TMO, 0)
                if k < 0:
                    continue  # its call finished while this entry sat on the heap
                # caller stops waiting; the callee keeps working (wasted if it finishes)
                c_ab[k] = 1
                c_te[k] = 0  # its entry is free now
                t_last = now
                if c_warm[k] == 0:
                    op_cnt[c_op[k] * N_CNT + CNT_TIMEOUT] += 1
                act = A_RESULT
                cid = c_par[k]
                arg = R_TIMEOUT
            elif kind == E_RETRY:
                # backoff over: next attempt of the current child edge
                if c_gen[ent] != aux:
                    continue
                t_last = now
                act = A_ATTEMPT
                cid = ent
            elif kind == E_RDL:
                # the broker delivers a failed message again: a new request of the consumer
                o = ent
                if fn == 0:
                    status = ST_CALL_OVERFLOW
                    break
                t_last = now
                fn -= 1
                k = free_stk[fn]
                c_gen[k] += 1
                c_node[k] = op_root[o]
                c_par[k] = -1
                c_op[k] = o
                c_warm[k] = 1 - warm_done
                c_t0[k] = now
                c_stat[k] = 0
                c_ab[k] = 0
                c_hold[k] = 0
                c_edge[k] = 0
                c_child[k] = -1
                c_dlv[k] = aux
                op_cnt[o * N_CNT + CNT_ALL] += 1
                if warm_done != 0:
                    op_cnt[o * N_CNT + CNT_ARRIVED] += 1
                act = A_ISSUE
                cid = k
            else:
                # fault window starts (E_FON) or ends (E_FOFF)
                f = ent
                s = fw_station[f]
                fk = fw_kind[f]
                v = fw_value[f]
                on = kind == E_FON
                if fk == 0:
                    s_down[s] += 1 if on else -1
                elif fk == 1:
                    s_slow[s] = s_slow[s] * v if on else s_slow[s] / v
                elif fk == 2:
                    s_lost[s] += int(v) if on else -int(v)
                    # servers came back: start waiting calls
                    while (
                        s_qlen[s] > 0
                        and st_servers[s] > 0
                        and s_busy[s] < st_servers[s] - s_lost[s]
                    ):
                        h = s_qh[s]
                        c_st[h] = now
                        s_qarea[s] += max(0.0, min(now, t_cut) - max(c_qt[h], t_warm))
                        s_qh[s] = c_next[h]
                        s_qlen[s] -= 1
                        s_busy[s] += 1
                        c_hold[h] = 1
                        if c_warm[h] == 0:
                            w = now - c_qt[h]
                            s_wsum[s] += w
                            s_whist[s * NBUCK + _bucket(w)] += 1
                            s_starts[s] += 1
                        n = c_node[h]
                        dk = nd_dist[n]
                        if dk == 1:
                            sv = -math.log(1.0 - _rand()) * nd_p1[n]
                        elif dk == 0:
                            sv = nd_p1[n]
                        else:
                            u1 = 1.0 - _rand()
                            u2 = _rand()
                            z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
                            sv = math.exp(nd_p1[n] + nd_p2[n] * z)
                        sv *= s_slow[s]
                        c_svc[h] = sv
                        if not _hpush(hT, hS, hC, hA, hN, now + sv, h * 8 + E_SVC, c_par[h]):
                            status = ST_HEAP_OVERFLOW
                            break
                    if status != 0:
                        break
                else:
                    s_ferr[s] = v if on else 0.0
                continue

        # ---- same-instant actions; each sets the next action (a tail call) or A_NONE
        while act != A_NONE:
            if act == A_ISSUE:
                # call arrives at its station: down → fail; free server → serve; else queue
                n = c_node[cid]
                s = nd_station[n]
                if s_down[s] > 0:
                    if c_warm[cid] == 0:
                        op_cnt[c_op[cid] * N_CNT + CNT_UNAVAIL] += 1
                    act = A_FINISH
                    arg = R_UNAVAIL
                    continue
                cs = st_servers[s]
                if cs == 0 or s_busy[s] < cs - s_lost[s]:
                    c_st[cid] = now
                    s_busy[s] += 1
                    c_hold[cid] = 1
                    if c_warm[cid] == 0:
                        s_whist[s * NBUCK] += 1
                        s_starts[s] += 1
                    dk = nd_dist[n]
                    if dk == 1:
                        sv = -math.log(1.0 - _rand()) * nd_p1[n]
                    elif dk == 0:
                        sv = nd_p1[n]
                    else:
                        u1 = 1.0 - _rand()
                        u2 = _rand()
                        z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
                        sv = math.exp(nd_p1[n] + nd_p2[n] * z)
                    sv *= s_slow[s]
                    c_svc[cid] = sv
                    if sv > 0.0:
                        if not _hpush(hT, hS, hC, hA, hN, now + sv, cid * 8 + E_SVC, c_par[cid]):
                            status = ST_HEAP_OVERFLOW
                            break
                        act = A_NONE
                    else:
                        act = A_SVC
                elif st_qcap[s] >= 0 and s_qlen[s] >= st_qcap[s]:
                    s_rej[s] += 1
                    if c_warm[cid] == 0:
                        op_cnt[c_op[cid] * N_CNT + CNT_REJECT] += 1
                    act = A_FINISH
                    arg = R_REJECT
                else:
                    if s_qlen[s] == 0:
                        s_qh[s] = cid
                    else:
                        c_next[s_qt[s]] = cid
                    s_qt[s] = cid
                    s_qlen[s] += 1
                    c_qt[cid] = now
                    act = A_NONE

            elif act == A_SVC:
                # own work done: maybe an error (station or fault error rate), else children
                n = c_node[cid]
                s = nd_station[n]
                pe = st_err[s]
                if s_ferr[s] > 0.0:
                    pe = 1.0 - (1.0 - pe) * (1.0 - s_ferr[s])
                if pe > 0.0 and _rand() < pe:
                    if c_warm[cid] == 0:
                        op_cnt[c_op[cid] * N_CNT + CNT_CALLERR] += 1
                    act = A_FINISH
                    arg = R_ERROR
                else:
                    c_pos[cid] = nd_coff[n]
                    act = A_NEXT

            elif act == A_NEXT:
                n = c_node[cid]
                if nd_fork[n] != 0:
                    # fork-join: issue every child at once (the first written on top of the
                    # work stack) and wait; A_RESULT counts them back in c_att
                    start = nd_coff[n]
                    end = nd_coff[n + 1]
                    if end == start:
                        act = A_FINISH
                        arg = c_stat[cid]
                        continue
                    if fn < end - start:
                        status = ST_CALL_OVERFLOW
                        break
                    if wn + (end - start) > wcap:
                        status = ST_STACK_OVERFLOW
                        break
                    c_att[cid] = end - start
                    for q in range(end - 1, start - 1, -1):
                        fn -= 1
                        k = free_stk[fn]
                        c_gen[k] += 1
                        c_node[k] = cl_node[q]
                        c_par[k] = cid
                        c_pgen[k] = c_gen[cid]
                        c_pedge[k] = c_edge[cid]
                        c_op[k] = c_op[cid]
                        c_warm[k] = c_warm[cid]
                        c_t0[k] = c_t0[cid]
                        c_stat[k] = 0
                        c_ab[k] = 0
                        c_sup[k] = 0
                        c_hold[k] = 0
                        c_edge[k] = 0
                        c_child[k] = -1
                        wA[wn] = A_ISSUE
                        wC[wn] = k
                        wR[wn] = 0
                        wn += 1
                    act = A_NONE
                    continue
                # next child in order: probability / choice group; async ones run detached
                pos = c_pos[cid]
                end = nd_coff[n + 1]
                chosen = -1
                while pos < end:
                    ch = cl_node[pos]
                    g = cl_gend[pos]
                    if g >= 0:
                        u = _rand()
                        acc = 0.0
                        pick = -1
                        for q in range(pos, g):
                            acc += nd_prob[cl_node[q]]
                            if u < acc:
                                pick = cl_node[q]
                                break
                        pos = g
                        if pick < 0:
                            continue
                        ch = pick
                    else:
                        pos += 1
                        pr = nd_prob[ch]
                        if pr < 1.0 and _rand() >= pr:
                            continue
                    if nd_async[ch] != 0:
                        if fn == 0:
                            status = ST_CALL_OVERFLOW
                            break
                        if wn >= wcap:
                            status = ST_STACK_OVERFLOW
                            break
                        fn -= 1
                        k = free_stk[fn]
                        c_gen[k] += 1
                        c_node[k] = ch
                        c_par[k] = -2
                        c_op[k] = c_op[cid]
                        c_warm[k] = c_warm[cid]
                        c_t0[k] = now
                        c_stat[k] = 0
                        c_ab[k] = 0
                        c_hold[k] = 0
                        c_edge[k] = 0
                        c_child[k] = -1
                        wA[wn] = A_ISSUE
                        wC[wn] = k
                        wR[wn] = 0
                        wn += 1
                        continue
                    chosen = ch
                    break
                if status != 0:
                    break
                c_pos[cid] = pos
                if chosen < 0:
                    act = A_FINISH
                    arg = c_stat[cid]
                else:
                    c_cur[cid] = chosen
                    c_att[cid] = 0
                    c_edge[cid] += 1
                    c_late[cid] = 0
                    c_child[cid] = -1
                    act = A_ATTEMPT

            elif act == A_ATTEMPT:
                # one attempt on the current child edge: breaker, then a new child call
                p = cid
                ch = c_cur[p]
                th = nd_cbth[ch]
                if th > 0:
                    cst = cb_state[ch]
                    if cst == CB_OPEN and now >= cb_until[ch]:
                        cb_state[ch] = CB_HALF  # this attempt is the probe
                    elif cst != CB_CLOSED:
                        if c_warm[p] == 0:
                            op_cnt[c_op[p] * N_CNT + CNT_SHORT] += 1
                        c_att[p] += 1
                        act = A_RESULT
                        arg = R_BREAKER
                        continue
                if c_att[p] > 0 and nd_write[ch] != 0 and nd_idem[ch] == 0:
                    # this is a retry of a write: earlier timed-out attempts that did (or
                    # will) complete at the callee are duplicate side effects
                    if c_warm[p] == 0:
                        dups += c_late[p]
                    c_late[p] = 0
                    prev = c_child[p]
                    if prev >= 0 and c_gen[prev] == c_cgen[p]:
                        c_sup[prev] = 1
                if fn == 0:
                    status = ST_CALL_OVERFLOW
                    break
                fn -= 1
                k = free_stk[fn]
                c_gen[k] += 1
                c_node[k] = ch
                c_par[k] = p
                c_pgen[k] = c_gen[p]
                c_pedge[k] = c_edge[p]
                c_op[k] = c_op[p]
                c_warm[k] = c_warm[p]
                c_t0[k] = c_t0[p]
                c_stat[k] = 0
                c_ab[k] = 0
                c_sup[k] = 0
                c_hold[k] = 0
                c_edge[k] = 0
                c_child[k] = -1
                c_child[p] = k
                c_cgen[p] = c_gen[k]
                c_att[p] += 1
                to = nd_timeout[ch]
                if to > 0.0:
                    # timeouts of one node fall due in the order they are set (now only
                    # grows, the timeout is the node's): a FIFO per node, only its head
                    # on the heap. Its sequence number is drawn now, so events pop in
                    # the same (time, sequence) order as if each timeout were on the heap.
                    if te_fn == 0:
                        status = ST_HEAP_OVERFLOW
                        break
                    te_fn -= 1
                    e = te_free[te_fn]
                    sq = hN[1] + 1
                    hN[1] = sq
                    te_t[e] = now + to
                    te_s[e] = sq
                    te_k[e] = k
                    te_next[e] = -1
                    c_te[k] = e + 1  # 0: no pending timeout (fresh slots are zeroed)
                    if tq_head[ch] < 0:
                        tq_head[ch] = e
                        te_prev[e] = -1
                        if not _hpush_at(hT, hS, hC, hA, hN, now + to, sq, ch * 8 + E_TMO, 0):
                            status = ST_HEAP_OVERFLOW
                            break
                    else:
                        te_next[tq_tail[ch]] = e
                        te_prev[e] = tq_tail[ch]
                    tq_tail[ch] = e
                cid = k
                act = A_ISSUE

            elif act == A_RESULT:
                p = cid
                if nd_fork[c_node[p]] != 0:
                    # one child of a fork returned: the group fails if any child failed
                    # (a fail-open member already returned degraded), and finishes with the
                    # last one
                    if arg > R_DEGRADED:
                        c_stat[p] = R_CHILD
                    elif arg == R_DEGRADED and c_stat[p] == R_OK:
                        c_stat[p] = R_DEGRADED
                    c_att[p] -= 1
                    if c_att[p] > 0:
                        act = A_NONE
                    else:
                        act = A_FINISH
                        arg = c_stat[p]
                    continue
                # the current child edge of `cid` returned `arg`: breaker, retry, fail open/closed
                ch = c_cur[p]
                th = nd_cbth[ch]
                if th > 0 and arg != R_BREAKER:
                    cst = cb_state[ch]
                    if arg <= R_DEGRADED:
                        if cst != CB_OPEN:
                            cb_state[ch] = CB_CLOSED
                            cb_fails[ch] = 0
                    elif cst == CB_HALF:
                        cb_state[ch] = CB_OPEN
                        cb_until[ch] = now + nd_cbopen[ch]
                    elif cst == CB_CLOSED:
                        cb_fails[ch] += 1
                        if cb_fails[ch] >= th:
                            cb_state[ch] = CB_OPEN
                            cb_until[ch] = now + nd_cbopen[ch]
                            cb_fails[ch] = 0
                if arg <= R_DEGRADED:
                    if arg == R_DEGRADED:
                        c_stat[p] = R_DEGRADED
                    act = A_NEXT
                elif c_att[p] <= nd_retries[ch]:
                    if c_warm[p] == 0:
                        op_cnt[c_op[p] * N_CNT + CNT_RETRY] += 1
                    d = nd_bo[ch] * nd_bom[ch] ** (c_att[p] - 1)
                    if nd_jit[ch] > 0.0:
                        d *= 1.0 + nd_jit[ch] * (2.0 * _rand() - 1.0)
                    if d > 0.0:
                        if not _hpush(hT, hS, hC, hA, hN, now + d, p * 8 + E_RETRY, c_gen[p]):
                            status = ST_HEAP_OVERFLOW
                            break
                        act = A_NONE
                    else:
                        act = A_ATTEMPT
                elif nd_failopen[ch] != 0:
                    c_stat[p] = R_DEGRADED
                    fb = nd_fb[ch]
                    if fb >= 0:
                        # the fallback call: a new edge of the same caller, with its own
                        # policy; the caller goes on with its next step when it returns
                        c_cur[p] = fb
                        c_att[p] = 0
                        c_edge[p] += 1
                        c_late[p] = 0
                        c_child[p] = -1
                        act = A_ATTEMPT
                    else:
                        act = A_NEXT
                else:
                    act = A_FINISH
                    arg = R_CHILD

            else:
                # A_FINISH: release the server (start the next waiting call), then return
                n = c_node[cid]
                s = nd_station[n]
                served = c_hold[cid]
                if served != 0:
                    c_hold[cid] = 0
                    s_barea[s] += max(0.0, min(now, t_cut) - max(c_st[cid], t_warm))
                    if n_fw > 0:
                        s_farea[s] += max(0.0, min(now, f_hi) - max(c_st[cid], f_lo))
                    s_busy[s] -= 1
                    cs = st_servers[s]
                    if s_qlen[s] > 0 and (cs == 0 or s_busy[s] < cs - s_lost[s]):
                        h = s_qh[s]
                        c_st[h] = now
                        s_qarea[s] += max(0.0, min(now, t_cut) - max(c_qt[h], t_warm))
                        s_qh[s] = c_next[h]
                        s_qlen[s] -= 1
                        if _PF and s_qlen[s] > 0:
                            # the new head has waited about as long as h: its row is cold,
                            # and it starts at this station's next release
                            _prefetch(c_gen, s_qh[s])
                        s_busy[s] += 1
                        c_hold[h] = 1
                        if c_warm[h] == 0:
                            w = now - c_qt[h]
                            s_wsum[s] += w
                            s_whist[s * NBUCK + _bucket(w)] += 1
                            s_starts[s] += 1
                        hn = c_node[h]
                        dk = nd_dist[hn]
                        if dk == 1:
                            sv = -math.log(1.0 - _rand()) * nd_p1[hn]
                        elif dk == 0:
                            sv = nd_p1[hn]
                        else:
                            u1 = 1.0 - _rand()
                            u2 = _rand()
                            z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
                            sv = math.exp(nd_p1[hn] + nd_p2[hn] * z)
                        sv *= s_slow[s]
                        c_svc[h] = sv
                        if sv > 0.0:
                            if not _hpush(hT, hS, hC, hA, hN, now + sv, h * 8 + E_SVC, c_par[h]):
                                status = ST_HEAP_OVERFLOW
                                break
                        else:
                            if wn >= wcap:
                                status = ST_STACK_OVERFLOW
                                break
                            wA[wn] = A_SVC
                            wC[wn] = h
                            wR[wn] = 0
                            wn += 1
                ok = arg <= R_DEGRADED
                if ok and nd_spawn[n] >= 0:
                    # a successful enqueue starts a request of the consumer operation
                    o = nd_spawn[n]
                    if fn == 0:
                        status = ST_CALL_OVERFLOW
                        break
                    if wn >= wcap:
                        status = ST_STACK_OVERFLOW
                        break
                    fn -= 1
                    k = free_stk[fn]
                    c_gen[k] += 1
                    c_node[k] = op_root[o]
                    c_par[k] = -1
                    c_op[k] = o
                    c_warm[k] = 1 - warm_done
                    c_t0[k] = now
                    c_stat[k] = 0
                    c_ab[k] = 0
                    c_hold[k] = 0
                    c_edge[k] = 0
                    c_child[k] = -1
                    c_dlv[k] = 0
                    op_cnt[o * N_CNT + CNT_ALL] += 1
                    if warm_done != 0:
                        op_cnt[o * N_CNT + CNT_ARRIVED] += 1
                    wA[wn] = A_ISSUE
                    wC[wn] = k
                    wR[wn] = 0
                    wn += 1
                par = c_par[cid]
                c_gen[cid] += 1  # invalidates stale references (retries, late results)
                if c_te[cid] != 0:
                    # its timeout will not fire: unlink it from the node's FIFO now, while
                    # the entry and its neighbours are likely in cache (not when it would
                    # reach the head). The head is on the heap with its sequence number: it
                    # stays, marked, and is dropped when it pops (the event order is kept).
                    e = c_te[cid] - 1
                    c_te[cid] = 0
                    if tq_head[n] == e:
                        te_k[e] = -1
                    else:
                        pv = te_prev[e]
                        nx = te_next[e]
                        te_next[pv] = nx
                        if nx >= 0:
                            te_prev[nx] = pv
                        else:
                            tq_tail[n] = pv
                        te_free[te_fn] = e
                        te_fn += 1
                free_stk[fn] = cid
                fn += 1
                # wasted work: nobody waits for this result any more, because this call
                # or one of its callers was abandoned by a timed-out caller (callers
                # outlive their callees, so the chain of slots is still valid)
                if c_warm[cid] == 0 and served != 0:
                    anc = cid
                    while anc >= 0:  # -1 a request, -2 a detached async call
                        if c_ab[anc] != 0:
                            s_waste[s] += c_svc[cid]
                            break
                        anc = c_par[anc]
                if c_ab[cid] != 0:
                    if ok and nd_write[n] != 0 and nd_idem[n] == 0:
                        if c_sup[cid] != 0:
                            if c_warm[cid] == 0:
                                dups += 1
                        elif c_gen[par] == c_pgen[cid] and c_edge[par] == c_pedge[cid]:
                            c_late[par] += 1
                    act = A_NONE
                elif par == -1:
                    # request done: latency, histogram, batch, time series
                    o = c_op[cid]
                    lat = now - c_t0[cid]
                    b = int(now / ts_w)
                    if b >= n_ts:
                        b = n_ts - 1
                    if ok:
                        ts_ok[o * n_ts + b] += 1
                        ts_lat[o * n_ts + b] += lat
                    else:
                        ts_err[o * n_ts + b] += 1
                    if c_warm[cid] == 0:
                        if ok:
                            op_cnt[o * N_CNT + CNT_OK + arg] += 1
                            hb = _bucket(lat)
                            bi = int((c_t0[cid] - t_warm) / batch_w)
                            if bi >= N_BATCH:
                                bi = N_BATCH - 1
                            op_bs[o * N_BATCH + bi] += lat
                            op_bh[(o * N_BATCH + bi) * NBUCK + hb] += 1
                        else:
                            op_cnt[o * N_CNT + CNT_ERROR] += 1
                    act = A_NONE
                    if not ok and op_rdmax[o] > 0:
                        # a consumer's delivery failed: the broker redelivers it after the
                        # delay, or after the last delivery moves it to the dead-letter queue
                        d = c_dlv[cid] + 1
                        if d < op_rdmax[o]:
                            if c_warm[cid] == 0:
                                op_cnt[o * N_CNT + CNT_REDELIVER] += 1
                            if not _hpush(
                                hT, hS, hC, hA, hN, now + op_rddelay[o], o * 8 + E_RDL, d
                            ):
                                status = ST_HEAP_OVERFLOW
                                break
                        else:
                            if c_warm[cid] == 0:
                                op_cnt[o * N_CNT + CNT_DEAD] += 1
                            dq = op_dlq[o]
                            if dq >= 0:
                                if fn == 0:
                                    status = ST_CALL_OVERFLOW
                                    break
                                if wn >= wcap:
                                    status = ST_STACK_OVERFLOW
                                    break
                                fn -= 1
                                k = free_stk[fn]
                                c_gen[k] += 1
                                c_node[k] = dq
                                c_par[k] = -2
                                c_op[k] = o
                                c_warm[k] = c_warm[cid]
                                c_t0[k] = now
                                c_stat[k] = 0
                                c_ab[k] = 0
                                c_hold[k] = 0
                                c_edge[k] = 0
                                c_child[k] = -1
                                c_dlv[k] = 0
                                wA[wn] = A_ISSUE
                                wC[wn] = k
                                wR[wn] = 0
                                wn += 1
                elif par == -2:
                    act = A_NONE  # detached async call: nobody waits for it
                else:
                    cid = par
                    if not ok:
                        arg = R_CHILD
                    act = A_RESULT
        if status != 0:
            break

    rs[1] = now
    rs[2] = t_last
    rs[3] = events
    rs[4] = dups
    rs[5] = arrivals
    rs[6] = warm_done
    rs[7] = t_warm
    rs[8] = t_cut
    rs[9] = batch_w
    rs[10] = fn
    rs[11] = te_fn
    rs[12] = peak_heap
    rs[13] = peak_calls
    # ---- close the time integrals at the end of the run
    out[OUT_T_WARM] = t_warm
    out[OUT_T_END] = t_last
    out[OUT_T_CUT] = min(t_cut, t_last)
    out[OUT_EVENTS] = events
    out[OUT_DUPS] = dups
    out[OUT_STATUS] = status
    out[OUT_PEAK_CALLS] = peak_calls
    out[OUT_PEAK_HEAP] = peak_heap


def _kernel_tandem(
    # ---- network (read-only)
    st_servers: Any,
    st_qcap: Any,
    st_err: Any,
    op_rate: Any,
    op_root: Any,
    op_poff: Any,
    op_rdmax: Any,
    op_rddelay: Any,
    op_dlq: Any,
    prof_t: Any,
    prof_r: Any,
    nd_station: Any,
    nd_dist: Any,
    nd_p1: Any,
    nd_p2: Any,
    nd_prob: Any,
    nd_coff: Any,
    nd_async: Any,
    nd_spawn: Any,
    nd_timeout: Any,
    nd_retries: Any,
    nd_bo: Any,
    nd_bom: Any,
    nd_jit: Any,
    nd_cbth: Any,
    nd_cbopen: Any,
    nd_failopen: Any,
    nd_idem: Any,
    nd_write: Any,
    nd_fork: Any,
    nd_fb: Any,
    cl_node: Any,
    cl_gend: Any,
    fw_station: Any,
    fw_kind: Any,
    fw_start: Any,
    fw_end: Any,
    fw_value: Any,
    # ---- run parameters
    seed: int,
    n_req: int,
    duration: float,
    warm_n: int,
    warm_t: float,
    horizon: float,
    ts_w: float,
    n_ts: int,
    max_events: int,
    # ---- call pool (one slot per in-flight call attempt)
    c_node: Any,
    c_par: Any,
    c_pgen: Any,
    c_gen: Any,
    c_op: Any,
    c_warm: Any,
    c_t0: Any,
    c_qt: Any,
    c_svc: Any,
    c_st: Any,
    c_pos: Any,
    c_stat: Any,
    c_cur: Any,
    c_att: Any,
    c_child: Any,
    c_cgen: Any,
    c_ab: Any,
    c_sup: Any,
    c_late: Any,
    c_edge: Any,
    c_pedge: Any,
    c_hold: Any,
    c_next: Any,
    c_dlv: Any,
    c_te: Any,
    free_stk: Any,
    # ---- station state
    s_busy: Any,
    s_qlen: Any,
    s_qh: Any,
    s_qt: Any,
    s_down: Any,
    s_lost: Any,
    s_slow: Any,
    s_ferr: Any,
    # ---- breaker state per node
    cb_state: Any,
    cb_fails: Any,
    cb_until: Any,
    # ---- event heap and the same-instant work stack
    hT: Any,
    hS: Any,
    hC: Any,
    hA: Any,
    hN: Any,
    wA: Any,
    wC: Any,
    wR: Any,
    # ---- timeout FIFOs: one per node, linked through a pool of entries
    tq_head: Any,
    tq_tail: Any,
    te_t: Any,
    te_s: Any,
    te_k: Any,
    te_prev: Any,
    te_next: Any,
    te_free: Any,
    # ---- outputs
    op_cnt: Any,
    op_bs: Any,
    op_bh: Any,
    s_barea: Any,
    s_farea: Any,
    s_qarea: Any,
    s_waste: Any,
    s_wsum: Any,
    s_starts: Any,
    s_rej: Any,
    s_whist: Any,
    ts_ok: Any,
    ts_err: Any,
    ts_lat: Any,
    rs: Any,
    out: Any,
) -> None:
    """Fast path, same arguments and bit-identical output as :func:`_kernel`.

    Applies when every operation is a sequence of plain steps: the root sits on an
    infinite-server station with zero service, its children are leaves with no call
    policy (no timeout, retry, breaker, async, spawn), queues are unbounded, and there
    are no errors, faults or rate profiles (:func:`is_tandem`). One pool slot per
    request instead of one per call, two event kinds, no action dispatch. It draws
    random numbers and pushes events in the same order as the general kernel, so both
    give the same results for a seed — which the tests check.
    """
    n_ops = len(op_rate)
    n_st = len(st_servers)
    cap = len(c_node)
    now = 0.0
    t_last = 0.0  # last event that was work, not a fault-window edge
    status = 0
    events = 0
    arrivals = 0
    warm_done = 0
    t_warm = 0.0
    # measurement window ends with the arrivals: integrals are clipped to [t_warm, t_cut]
    t_cut = duration if n_req <= 0 else INF
    batch_w = 1.0
    fn = cap
    peak_heap = 0
    peak_calls = 0
    t_slice = rs[RS_SLICE] if rs[RS_SLICE] > 0.0 else INF
    if rs[0] != 0.0:
        # resume after a ST_SLICE stop (the same scalars as the general kernel's)
        now = rs[1]
        t_last = rs[2]
        events = int(rs[3])
        arrivals = int(rs[5])
        warm_done = int(rs[6])
        t_warm = rs[7]
        t_cut = rs[8]
        batch_w = rs[9]
        fn = int(rs[10])
        peak_heap = int(rs[12])
        peak_calls = int(rs[13])
    else:
        _seed(seed)
        for o in range(n_ops):
            if op_rate[o] > 0.0:
                t = -math.log(1.0 - _rand()) / op_rate[o]
                if n_req > 0 or t < duration:
                    _hpush(hT, hS, hC, hA, hN, t, o * 8 + E_ARR, 0)
    # per-event bookkeeping kept minimal: the event cap and the heap peak are checked
    # once per arrival, not once per event
    while hN[0] > 0:
        if now >= t_slice:
            # a time slice is done: let the runner report progress, then resume
            status = ST_SLICE
            break
        events += 1
        now, code, _aux = _hpop(hT, hS, hC, hA, hN)
        k = code >> 3
        if code & 7 == E_SVC:
            # step done: release the server, start the next waiting request
            s = nd_station[c_node[k]]
            s_barea[s] += max(0.0, min(now, t_cut) - max(c_st[k], t_warm))
            s_busy[s] -= 1
            if s_qlen[s] > 0:
                h = s_qh[s]
                c_st[h] = now
                s_qarea[s] += max(0.0, min(now, t_cut) - max(c_qt[h], t_warm))
                s_qh[s] = c_next[h]
                s_qlen[s] -= 1
                s_busy[s] += 1
                if c_warm[h] == 0:
                    w = now - c_qt[h]
                    s_wsum[s] += w
                    s_whist[s * NBUCK + _bucket(w)] += 1
                    s_starts[s] += 1
                hn = c_node[h]
                dk = nd_dist[hn]
                if dk == 1:
                    sv = -math.log(1.0 - _rand()) * nd_p1[hn]
                elif dk == 0:
                    sv = nd_p1[hn]
                else:
                    u1 = 1.0 - _rand()
                    u2 = _rand()
                    z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
                    sv = math.exp(nd_p1[hn] + nd_p2[hn] * z)
                if not _hpush(hT, hS, hC, hA, hN, now + sv, h * 8 + E_SVC, 0):
                    status = ST_HEAP_OVERFLOW
                    break
        else:
            # external arrival: count, take a slot, draw the next arrival
            o = k
            if n_req > 0 and arrivals >= n_req:
                continue
            if events > max_events:
                status = ST_EVENT_CAP
                break
            if hN[0] >= peak_heap:
                peak_heap = hN[0] + 1
            warm = 1 if (arrivals < warm_n or now < warm_t) else 0
            arrivals += 1
            t_last = now
            if n_req > 0 and arrivals >= n_req:
                t_cut = now
            if warm == 0 and warm_done == 0:
                warm_done = 1
                t_warm = now
                batch_w = (horizon - now) / N_BATCH
                if batch_w <= 0.0:
                    batch_w = 1.0
                for s in range(n_st):
                    s_barea[s] = 0.0
                    s_qarea[s] = 0.0
            op_cnt[o * N_CNT + CNT_ALL] += 1
            if warm == 0:
                op_cnt[o * N_CNT + CNT_ARRIVED] += 1
            if fn == 0:
                status = ST_CALL_OVERFLOW
                break
            if cap - fn > peak_calls:
                peak_calls = cap - fn
            fn -= 1
            k = free_stk[fn]
            rn = op_root[o]
            c_node[k] = rn
            c_op[k] = o
            c_warm[k] = warm
            c_t0[k] = now
            c_pos[k] = nd_coff[rn]
            t = now - math.log(1.0 - _rand()) / op_rate[o]
            more = (n_req > 0 and arrivals < n_req) or (n_req <= 0 and t < duration)
            if more and not _hpush(hT, hS, hC, hA, hN, t, o * 8 + E_ARR, 0):
                status = ST_HEAP_OVERFLOW
                break
            # the request occupies its (infinite) root station while it is in the system
            s = nd_station[rn]
            s_busy[s] += 1
            if warm == 0:
                s_whist[s * NBUCK] += 1
                s_starts[s] += 1
        # advance request k to its next step (probability / choice group) or finish it
        rn = op_root[c_op[k]]
        pos = c_pos[k]
        end = nd_coff[rn + 1]
        chosen = -1
        while pos < end:
            ch = cl_node[pos]
            g = cl_gend[pos]
            if g >= 0:
                u = _rand()
                acc = 0.0
                pick = -1
                for q in range(pos, g):
                    acc += nd_prob[cl_node[q]]
                    if u < acc:
                        pick = cl_node[q]
                        break
                pos = g
                if pick < 0:
                    continue
                ch = pick
            else:
                pos += 1
                pr = nd_prob[ch]
                if pr < 1.0 and _rand() >= pr:
                    continue
            chosen = ch
            break
        c_pos[k] = pos
        if chosen >= 0:
            # issue the step: serve now or join the FIFO queue
            c_node[k] = chosen
            s = nd_station[chosen]
            cs = st_servers[s]
            if cs == 0 or s_busy[s] < cs:
                s_busy[s] += 1
                c_st[k] = now
                if c_warm[k] == 0:
                    s_whist[s * NBUCK] += 1
                    s_starts[s] += 1
                dk = nd_dist[chosen]
                if dk == 1:
                    sv = -math.log(1.0 - _rand()) * nd_p1[chosen]
                elif dk == 0:
                    sv = nd_p1[chosen]
                else:
                    u1 = 1.0 - _rand()
                    u2 = _rand()
                    z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
                    sv = math.exp(nd_p1[chosen] + nd_p2[chosen] * z)
                if not _hpush(hT, hS, hC, hA, hN, now + sv, k * 8 + E_SVC, 0):
                    status = ST_HEAP_OVERFLOW
                    break
            else:
                if s_qlen[s] == 0:
                    s_qh[s] = k
                else:
                    c_next[s_qt[s]] = k
                s_qt[s] = k
                s_qlen[s] += 1
                c_qt[k] = now
        else:
            # request done: leave the root station, record latency
            t_last = now
            o = c_op[k]
            s = nd_station[rn]
            # = the general kernel's hold time of the root
            s_barea[s] += max(0.0, min(now, t_cut) - max(c_t0[k], t_warm))
            s_busy[s] -= 1
            free_stk[fn] = k
            fn += 1
            lat = now - c_t0[k]
            b = int(now / ts_w)
            if b >= n_ts:
                b = n_ts - 1
            ts_ok[o * n_ts + b] += 1
            ts_lat[o * n_ts + b] += lat
            if c_warm[k] == 0:
                op_cnt[o * N_CNT + CNT_OK] += 1
                hb = _bucket(lat)
                bi = int((c_t0[k] - t_warm) / batch_w)
                if bi >= N_BATCH:
                    bi = N_BATCH - 1
                op_bs[o * N_BATCH + bi] += lat
                op_bh[(o * N_BATCH + bi) * NBUCK + hb] += 1

    rs[1] = now
    rs[2] = t_last
    rs[3] = events
    rs[5] = arrivals
    rs[6] = warm_done
    rs[7] = t_warm
    rs[8] = t_cut
    rs[9] = batch_w
    rs[10] = fn
    rs[12] = peak_heap
    rs[13] = peak_calls
    out[OUT_T_WARM] = t_warm
    out[OUT_T_END] = t_last
    out[OUT_T_CUT] = min(t_cut, t_last)
    out[OUT_EVENTS] = events
    out[OUT_DUPS] = 0
    out[OUT_STATUS] = status
    out[OUT_PEAK_CALLS] = peak_calls
    out[OUT_PEAK_HEAP] = peak_heap


KERNEL_ARGS: tuple[str, ...] = _kernel.__code__.co_varnames[: _kernel.__code__.co_argcount]
assert _kernel_tandem.__code__.co_varnames[: _kernel_tandem.__code__.co_argcount] == KERNEL_ARGS

_KERNELS = {"general": _kernel, "tandem": _kernel_tandem}
_COMPILED: dict[str, Callable[..., None]] = {}


def numba_kernel(which: str) -> Callable[..., None]:
    """The compiled kernel, compiled on first use: ``"general"``, ``"tandem"``, or
    ``"general-rows"`` (the general kernel over pools packed as rows, generated from it:
    see :mod:`.rows`)."""
    if not HAVE_NUMBA:
        raise RuntimeError("numba backend requested but numba is unavailable or disabled")
    if which not in _COMPILED:
        njit = _use_numba()
        if which == "general-rows":
            mod = importlib.import_module("archproof.passes.simulate._kernel_rows")
            # its helpers bound as the kernel's are (numba reads them when it compiles)
            for name in ("_bucket", "_hpush_at", "_hpush", "_hpop", "_rand", "_seed", "_prefetch"):
                setattr(mod, name, globals()[name])
            setattr(mod, "_PF", _PF)  # noqa: B010 - a module's global, as _use_numba sets
            _COMPILED[which] = njit(mod._kernel_rows)
        else:
            _COMPILED[which] = njit(_KERNELS[which])
    return _COMPILED[which]


def python_rng(seed: int) -> random.Random:
    """A ``random.Random`` in exactly the state numba's ``np.random.seed(seed)`` leaves."""
    state: Any = np.random.RandomState(seed).get_state()
    key = state[1]
    rng = random.Random()
    rng.setstate((3, (*(int(x) for x in key), 624), None))
    return rng


def python_kernel(which: str, seed: int) -> Callable[..., None]:
    """The kernel rebound to plain-Python helpers and a seeded stream."""
    fn = _KERNELS[which]
    g = dict(fn.__globals__)
    hpush, hpush_at, hpop = _py_heap()
    g.update(
        _rand=python_rng(seed).random,
        _seed=_py_seed,
        _hpush=hpush,
        _hpush_at=hpush_at,
        _hpop=hpop,
        _bucket=_bucket_py,
        _prefetch=_py_prefetch,
        _PF=False,
    )
    return types.FunctionType(fn.__code__, g, f"{fn.__name__}_python")
