"""The plain-Python fast path: a station-by-station sweep for feed-forward networks.

An event list pays for every event twice over in CPython: a heap push and pop of a tuple
and a dispatch on the event kind. For the networks the fast path accepts
(:func:`.runner.is_tandem`: sequences of plain steps, unbounded FIFO queues, no faults)
a c-server FIFO station needs no events at all (Kiefer–Wolfowitz): taking the requests
that reach it in arrival order, each starts at ``max(arrival, earliest free server)``
and finishes ``service`` later. A heap of ``c`` free-at times is the whole station.

So when the stations can be ordered so that every route only moves forward
(:func:`station_order`), the run is a loop over rounds:

1. draw the next :data:`CHUNK` external arrivals (in time order, over all operations);
2. for each station in that order, serve the requests that reach it before ``T`` (the
   next external arrival not yet drawn: no later request can reach any station before
   it), in (time, request) order, and hand each to the station of its next step;
3. record the requests that finished.

Requests reaching a station at ``T`` or later wait for the next round. The results are
exact for the model, like the event list's; they are a different draw of it: random
numbers are drawn per round and per station, not in event order, so for one seed this
path and the event kernels (numba's among them) give different, statistically
equivalent figures. Same seed → identical output still holds for this path.

Statistics are the kernels' (see :mod:`.kernel`): the same output arrays, histograms and
batches. Station integrals are clipped to the measurement window ``[t_warm, t_cut]``; an
interval that ends after ``T`` may cross a window edge not known yet (``t_cut`` is the
last arrival), so it is set aside and counted in a later round.
"""

from __future__ import annotations

import heapq
import math
import time
from bisect import bisect_left
from typing import Any

from archproof.passes.simulate.kernel import (
    CNT_ALL,
    CNT_ARRIVED,
    CNT_OK,
    HIST_INV_LOG,
    HIST_MIN,
    INF,
    N_BATCH,
    N_CNT,
    NBUCK,
    OUT_DUPS,
    OUT_EVENTS,
    OUT_PEAK_CALLS,
    OUT_PEAK_HEAP,
    OUT_STATUS,
    OUT_T_CUT,
    OUT_T_END,
    OUT_T_WARM,
    ST_CALL_OVERFLOW,
    ST_EVENT_CAP,
    ST_TIME_LIMIT,
    python_rng,
)

CHUNK = 1024  # external arrivals per round; part of the draw order, so a constant


def station_order(op_root: Any, nd_coff: Any, cl_node: Any, nd_station: Any) -> list[int] | None:
    """Stations of the steps, ordered so every route moves forward; ``None`` if there is
    no such order (a route visits a station twice, or two routes cross).

    Any later step of a list may follow a step (optional steps can be skipped), so each
    step station must come before every step station after it in the same list.
    """
    after: dict[int, set[int]] = {}
    for r in op_root:
        stations = [int(nd_station[cl_node[p]]) for p in range(nd_coff[r], nd_coff[r + 1])]
        for i, s in enumerate(stations):
            after.setdefault(s, set())
            for t in stations[i + 1 :]:
                if t == s:
                    return None
                after[s].add(t)
    indeg = dict.fromkeys(after, 0)
    for succ in after.values():
        for t in succ:
            indeg[t] += 1
    ready = sorted(s for s, d in indeg.items() if d == 0)  # sorted: one fixed order
    order: list[int] = []
    while ready:
        s = heapq.heappop(ready)
        order.append(s)
        for t in after[s]:
            indeg[t] -= 1
            if indeg[t] == 0:
                heapq.heappush(ready, t)
    return order if len(order) == len(after) else None


Late = list[tuple[list[float], int, float, float]]  # (area list, station, start, end)


def _settle(late: Late, T: float, tw: float, tc: float) -> Late:
    """Add to their areas the set-aside intervals that end by ``T``, clipped to the
    window ``[tw, tc]``; return the others. (The hot loops inline the same rule.)"""
    keep: Late = []
    for area, s, x, y in late:
        if y <= T:
            d = min(y, tc) - max(x, tw)
            if d > 0.0:
                area[s] += d
        else:
            keep.append((area, s, x, y))
    return keep


def run_sweep(
    *,
    st_servers: Any,
    op_rate: Any,
    op_root: Any,
    nd_station: Any,
    nd_dist: Any,
    nd_p1: Any,
    nd_p2: Any,
    nd_prob: Any,
    nd_coff: Any,
    cl_node: Any,
    cl_gend: Any,
    seed: int,
    n_req: int,
    duration: float,
    warm_n: int,
    warm_t: float,
    horizon: float,
    ts_w: float,
    n_ts: int,
    max_events: int,
    c_node: Any,
    op_cnt: Any,
    op_bs: Any,
    op_bh: Any,
    s_barea: Any,
    s_qarea: Any,
    s_wsum: Any,
    s_starts: Any,
    s_whist: Any,
    ts_ok: Any,
    ts_lat: Any,
    out: Any,
    deadline: float | None = None,
    **_unused: Any,
) -> None:
    """Run the sweep over Python lists; takes the kernels' arguments by name and fills the
    same output arrays (see :func:`.runner.run_kernel`); ``deadline`` as there."""
    order = station_order(op_root, nd_coff, cl_node, nd_station)
    if order is None:
        raise ValueError("the sweep needs stations that every route visits in one order")
    rand = python_rng(seed).random
    log = math.log
    replace = heapq.heapreplace
    hmin = HIST_MIN
    inv_log = HIST_INV_LOG
    top_b = NBUCK - 1
    n_ops = len(op_rate)
    n_st = len(st_servers)
    n_pos = len(cl_node)
    cap = len(c_node)  # in-flight requests allowed (the runner grows it and reruns)

    # ---- tables built once
    # how the step at a position is taken: 1.0 always, p in [0, 1) with probability p,
    # -1.0 a choice group starts here; `after[p]`: where the list goes on after p
    pos_prob = [nd_prob[ch] for ch in cl_node]
    pos_take = [-1.0 if cl_gend[p] >= 0 else pos_prob[p] for p in range(n_pos)]
    after = list(range(1, n_pos + 1))
    for p in range(n_pos):
        if cl_gend[p] >= 0:
            for i in range(p, cl_gend[p]):
                after[i] = cl_gend[p]
    list_end = [0] * n_pos
    pos_op = [0] * n_pos
    for o, r in enumerate(op_root):
        for p in range(nd_coff[r], nd_coff[r + 1]):
            list_end[p] = nd_coff[r + 1]
            pos_op[p] = o

    def _next(pos: int, end: int) -> int:
        """The step taken at `pos` when no draw is needed; -1 list done, -2 draws needed."""
        if pos >= end:
            return -1
        return pos if pos_take[pos] >= 1.0 else -2

    # per position: distribution (kind, p1, p2), where its list goes on, where it ends,
    # and the next step if no draw is needed
    step = [
        (
            nd_dist[cl_node[p]],
            nd_p1[cl_node[p]],
            nd_p2[cl_node[p]],
            after[p],
            list_end[p],
            _next(after[p], list_end[p]),
        )
        for p in range(n_pos)
    ]
    # per operation: first position, list end, first step, root station
    op_info = [
        (nd_coff[r], nd_coff[r + 1], _next(nd_coff[r], nd_coff[r + 1]), nd_station[r])
        for r in op_root
    ]
    # requests waiting to reach each station: (time, request number, position, t0, batch)
    pend: list[list[tuple[float, int, int, float, int]]] = [[] for _ in range(n_st)]
    pos_pend = [pend[nd_station[ch]] for ch in cl_node]
    # per station: its servers' free-at times (a heap)
    free_at = [[0.0] * c for c in st_servers]  # [] for infinite servers

    def route(pos: int, end: int) -> int:
        """Draw the step taken from `pos` on (probabilities, choice groups); -1: done."""
        while pos < end:
            pr = pos_take[pos]
            if pr >= 1.0:  # always taken, no draw
                return pos
            if pr >= 0.0:  # taken with probability pr: one draw
                if rand() < pr:
                    return pos
                pos += 1
                continue
            g = cl_gend[pos]  # an exclusive choice group: one draw picks at most one
            u = rand()
            acc = 0.0
            for i in range(pos, g):
                acc += pos_prob[i]
                if u < acc:
                    return i
            pos = g
        return -1

    # ---- run state
    # next arrival of each operation: a small heap of (time, operation)
    arr: list[tuple[float, int]] = []
    for o in range(n_ops):
        if op_rate[o] > 0.0:
            t = -log(1.0 - rand()) / op_rate[o]
            if n_req > 0 or t < duration:
                arr.append((t, o))
    heapq.heapify(arr)
    n_lim = n_req if n_req > 0 else 1 << 62
    arrivals = 0
    n_meas = [0] * n_ops  # arrivals after warm-up
    n_warm = [0] * n_ops
    n_ok = [0] * n_ops  # measured requests done
    n_imm = [0] * n_st  # measured starts without a wait
    warm = True
    t_warm = 0.0
    tw = INF  # lower edge of the window for clipping: none while warming up
    tc = duration if n_req <= 0 else INF  # upper edge, once known
    batch_w = 1.0
    bt = 0  # batch of the latest arrival, recomputed when it passes bt_next
    bt_next = -1.0
    events = 0
    done_n = 0
    status = 0
    t_last = 0.0
    peak_calls = 0
    peak_pend = 0
    # intervals (area list, station, start, end) that end past the round's horizon
    late: Late = []
    done: list[tuple[float, int, float, int]] = []  # (time, operation, t0, batch)
    T = 0.0

    while True:
        if events >= max_events:
            status = ST_EVENT_CAP
            tc = min(tc, T)  # everything before T was served: the window ends there
            break
        if deadline is not None and time.time() >= deadline:  # a round is ~1k arrivals
            status = ST_TIME_LIMIT
            tc = min(tc, T)
            break
        # ---- 1. the next chunk of external arrivals
        m = 0
        while arr and m < CHUNK:
            t, o = arr[0]
            if warm and (arrivals < warm_n or t < warm_t):
                n_warm[o] += 1
                j = -1
            else:
                if warm:  # warm-up over (for good: both conditions only move one way)
                    warm = False
                    t_warm = tw = t
                    batch_w = (horizon - t) / N_BATCH
                    if batch_w <= 0.0:
                        batch_w = 1.0
                if t >= bt_next:
                    bt = int((t - t_warm) / batch_w)
                    if bt >= N_BATCH - 1:
                        bt = N_BATCH - 1
                        bt_next = INF
                    else:
                        bt_next = t_warm + (bt + 1) * batch_w * (1.0 - 1e-9)
                j = o * N_BATCH + bt
                n_meas[o] += 1
            arrivals += 1
            m += 1
            t_next = t - log(1.0 - rand()) / op_rate[o]
            if arrivals >= n_lim:
                tc = t  # the last arrival closes the window
                arr.clear()
            elif n_req > 0 or t_next < duration:
                replace(arr, (t_next, o))
            else:
                heapq.heappop(arr)
            pos, end, cp, _root = op_info[o]
            if cp == -2:
                cp = route(pos, end)
            if cp >= 0:
                pos_pend[cp].append((t, arrivals, cp, t, j))
            else:
                done.append((t, o, t, j))
        events += m
        # no request can reach any station before the next arrival not yet drawn
        T = arr[0][0] if arr else INF
        lim = min(T, tc)
        # intervals set aside in earlier rounds whose window edges are now known
        if late:
            late = _settle(late, T, tw, tc)
        # what the run holds: requests on their way and intervals still open at T (an
        # overloaded station piles them up, as calls pile up in the event kernels' pool)
        in_flight = arrivals - done_n + len(late)
        if in_flight > peak_calls:
            peak_calls = in_flight
            if in_flight > cap:
                status = ST_CALL_OVERFLOW
                break

        # ---- 2. the stations, upstream first
        for s in order:
            arriving = pend[s]
            if not arriving:
                continue
            fh = free_at[s]
            fin = len(fh) > 0
            arriving.sort()
            if len(arriving) > peak_pend:
                peak_pend = len(arriving)
            if T < INF:
                i = bisect_left(arriving, (T,))  # requests reaching s before T
                items = arriving[:i]
                del arriving[:i]
            else:
                items = arriving[:]
                arriving.clear()
            events += len(items)
            hb0 = s * NBUCK
            ba = 0.0  # busy time, queue time and waits of this station in this round
            qa = 0.0
            ws = 0.0
            nw = 0
            ni = 0
            for a, q, pos, t0, j in items:
                dk, p1, p2, aft, end, cp = step[pos]
                if dk == 1:
                    sv = -log(1.0 - rand()) * p1
                elif dk == 0:
                    sv = p1
                else:
                    u1 = 1.0 - rand()
                    u2 = rand()
                    z = math.sqrt(-2.0 * log(u1)) * math.cos(2.0 * math.pi * u2)
                    sv = math.exp(p1 + p2 * z)
                if not fin or fh[0] <= a:
                    # a server is free on arrival
                    x = a
                    if j >= 0:
                        ni += 1
                else:
                    # wait for the earliest free server (FIFO: everyone earlier is placed)
                    x = fh[0]
                    if a >= tw and x <= lim:
                        qa += x - a
                    elif x <= T:
                        d = min(x, tc) - max(a, tw)
                        if d > 0.0:
                            qa += d
                    else:
                        late.append((s_qarea, s, a, x))
                    if j >= 0:
                        w = x - a
                        ws += w
                        nw += 1
                        if w < hmin:
                            b = 0
                        else:
                            b = 1 + int(log(w / hmin) * inv_log)
                            if b > top_b:
                                b = top_b
                        s_whist[hb0 + b] += 1
                y = x + sv
                if fin:
                    replace(fh, y)
                if x >= tw and y <= lim:
                    ba += sv
                elif y <= T:
                    d = min(y, tc) - max(x, tw)
                    if d > 0.0:
                        ba += d
                else:
                    late.append((s_barea, s, x, y))
                # on to the next step, or done
                if cp == -2:
                    pr = pos_take[aft]  # the common case inline: one optional step
                    if pr < 0.0:
                        cp = route(aft, end)
                    elif rand() < pr:
                        cp = aft
                    else:
                        cp = route(aft + 1, end)
                if cp >= 0:
                    pos_pend[cp].append((y, q, cp, t0, j))
                else:
                    done.append((y, pos_op[pos], t0, j))
            s_barea[s] += ba
            s_qarea[s] += qa
            s_wsum[s] += ws
            s_starts[s] += nw
            n_imm[s] += ni

        # ---- 3. finished requests: latency, time series, the root station's integral
        for y, o, t0, j in done:
            lat = y - t0
            if y > t_last:
                t_last = y
            s = op_info[o][3]
            if t0 >= tw and y <= lim:
                s_barea[s] += lat
            elif y <= T:
                d = min(y, tc) - max(t0, tw)
                if d > 0.0:
                    s_barea[s] += d
            else:
                late.append((s_barea, s, t0, y))
            tb = int(y / ts_w)
            if tb >= n_ts:
                tb = n_ts - 1
            b = o * n_ts + tb
            ts_ok[b] += 1
            ts_lat[b] += lat
            if j >= 0:
                n_ok[o] += 1
                if lat < hmin:
                    hb = 0
                else:
                    hb = 1 + int(log(lat / hmin) * inv_log)
                    if hb > top_b:
                        hb = top_b
                op_bs[j] += lat
                op_bh[j * NBUCK + hb] += 1
        done_n += len(done)
        done.clear()
        if T == INF:
            break

    # a run stopped early leaves intervals set aside; the window ends at its last T
    _settle(late, INF, tw, tc)
    for o in range(n_ops):
        op_cnt[o * N_CNT + CNT_ALL] += n_meas[o] + n_warm[o]
        op_cnt[o * N_CNT + CNT_ARRIVED] += n_meas[o]
        op_cnt[o * N_CNT + CNT_OK] += n_ok[o]
        n_imm[op_info[o][3]] += n_meas[o]  # every request starts at once on its root
    for s in range(n_st):
        s_whist[s * NBUCK] += n_imm[s]
        s_starts[s] += n_imm[s]
    out[OUT_T_WARM] = t_warm
    out[OUT_T_END] = t_last
    out[OUT_T_CUT] = min(tc, t_last)
    out[OUT_EVENTS] = events
    out[OUT_DUPS] = 0
    out[OUT_STATUS] = status
    out[OUT_PEAK_CALLS] = peak_calls
    out[OUT_PEAK_HEAP] = peak_pend
