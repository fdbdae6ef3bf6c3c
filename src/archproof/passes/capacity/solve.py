"""Solve the queueing network at a load factor: waits per pool, response time per visit.

Layered (holding) model. A visit holds one server of its pool for its *holding time*

    H = S_own + Σ over nested synchronous calls of their expected time

and a nested call's time is the callee's response time R = W_q(callee pool) + H_callee,
per attempt capped by the call's timeout, times E[attempts], plus expected backoff.
So the caller's utilization ρ = λ·E[H] / servers includes the time it waits on its
callees — which is why a slow database exhausts the thread pool of the service above it.

Pools are solved callees first (a topological order of the "holds a server while
calling" graph); a cycle across operations is solved by repeated sweeps to a fixed point.

Per pool (FIFO, c servers, Poisson arrivals, ca² = 1):
    a = Σ λ_v·H_v (erlangs), ρ = a / c, E[H] = a / λ, cs² = E[H²] / E[H]² − 1
    P(wait) = ErlangC(c, a), Wq(M/M/c) = P(wait)·E[H] / (c − a)
    Wq = Wq(M/M/c)·(1 + cs²) / 2   (Allen–Cunneen)
A pool whose only callers are the servers of one bounded pool, holding them while they
wait (no timeout, not from a parallel group), has finite callers: at most N of them (the
caller's servers) are ever there. The caller and such callees are then solved together
when the caller is (`finite_source.py`): the callee's wait and the caller's from one
flow-equivalent server, Allen–Cunneen-scaled as above.
A pool with ρ ≥ 1 is saturated: its wait does not exist (None), and so do the response
times of its visits. A caller with a timeout on the call is held at most `timeout` per
attempt; without one it is held indefinitely and saturates too ("held by" the callee).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from archproof.passes.capacity.erlang_c import erlang_c, wait_variance
from archproof.passes.capacity.finite_source import MAX_SOURCES
from archproof.passes.capacity.finite_source import finite_callers as solve_finite
from archproof.passes.capacity.fork_join import max_moments
from archproof.passes.capacity.network import Network, Seq, Visit
from archproof.passes.capacity.quantile import lognormal_fit
from archproof.passes.lower import Call, Parallel, direct_calls, substeps
from archproof.utilization import rho

_MAX_SWEEPS = 60
_TOLERANCE = 1e-9


@dataclass
class PoolState:
    """Queueing figures of one pool at one load factor (internal, mutable)."""

    lam: float = 0.0
    offered: float | None = 0.0  # erlangs; None when held by a saturated callee
    offered_known: float = 0.0  # erlangs from visits with a finite holding time
    mean_h: float | None = None
    cs2: float | None = None
    rho: float | None = 0.0
    p_wait: float | None = 0.0
    wq_mmc: float | None = 0.0
    wq: float | None = 0.0
    wq_var: float | None = 0.0
    saturated: bool = False
    held_by: tuple[str, ...] = ()
    sources: int | None = None  # finite callers' servers (solved with them); None: M/M/c
    lq: float | None = None  # mean in queue of the finite-callers model (Allen–Cunneen-scaled)


@dataclass
class Solution:
    """Everything the solver computed at one load factor."""

    factor: float
    pools: list[PoolState]
    lam: list[float]  # per visit arrivals/s
    h_mean: list[float | None]
    h_var: list[float | None]
    r_mean: list[float | None]
    r_var: list[float | None]
    op_mean: dict[str, float | None]
    op_var: dict[str, float | None]
    # operations that are one parallel group: its members' (mean, variance), so the
    # percentiles come from the product of the members' CDFs (latency.py)
    op_fork: dict[str, tuple[tuple[float, float, float], ...]] = field(default_factory=dict)
    # service times × this (the sensitivity bands re-solve with it ≠ 1)
    service_scale: float = 1.0


def callee_pools(net: Network) -> dict[int, set[int]]:
    """For each pool, the pools its visits call synchronously (while holding a server)."""
    deps: dict[int, set[int]] = {p.index: set() for p in net.pools}
    for v in net.visits:
        kids = sync_children(net, v)
        for pool_index, _ in net.routes[v.index]:
            for child in kids:
                for child_pool, _ in net.routes[child]:
                    if child_pool != pool_index:
                        deps[pool_index].add(child_pool)
    return deps


def finite_callers(net: Network) -> dict[int, list[int]]:
    """Callers whose callees have finite callers: caller pool → those callee pools.

    A callee qualifies when every visit routed to it is a synchronous call without a
    timeout, not from inside a parallel group, made by visits of one other, finite pool:
    each of that pool's servers then waits there for one call at a time, so at most its
    servers are there at once. A call from the client or a queue (an operation's top step),
    a timeout (the caller leaves its work behind), a parallel group (one caller, several
    calls at once) or a second calling pool leaves the callee layered (M/M/c).
    """
    in_parallel: set[int] = set()
    for v in net.visits:
        for step in v.children:
            if isinstance(step, Parallel):
                for member in step.members:
                    in_parallel.update(c.index for c in direct_calls(member))
    out: dict[int, list[int]] = {}
    for pool in net.pools:
        if pool.infinite:
            continue
        callers: set[int] = set()
        ok = bool(pool.visits)
        for vi, share in pool.visits:
            v = net.visits[vi]
            if share <= 0:
                continue
            if v.parent is None or v.async_ or v.timeout is not None or vi in in_parallel:
                ok = False
                break
            callers.update(caller for caller, s in net.routes[v.parent] if s > 0)
        if not ok or len(callers) != 1:
            continue
        (caller,) = callers
        if caller != pool.index and not net.pools[caller].infinite:
            out.setdefault(caller, []).append(pool.index)
    return out


def pool_order(net: Network) -> tuple[list[int], bool]:
    """Pools with callees before callers; the flag says whether a cycle was found."""
    deps = callee_pools(net)
    order: list[int] = []
    state: dict[int, int] = {}
    cyclic = False
    for start in deps:
        if start in state:
            continue
        stack: list[tuple[int, list[int]]] = [(start, sorted(deps[start]))]
        state[start] = 1
        while stack:
            node, rest = stack[-1]
            if rest:
                nxt = rest.pop()
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, sorted(deps[nxt])))
                elif state[nxt] == 1:
                    cyclic = True
            else:
                stack.pop()
                state[node] = 2
                order.append(node)
    return order, cyclic


def sync_children(net: Network, v: Visit) -> list[int]:
    out: list[int] = []

    def walk(seq: Seq) -> None:
        for step in seq:
            if isinstance(step, Call):
                if not step.async_:
                    out.append(step.index)
            else:
                for sub in substeps(step):
                    walk(sub)

    walk(v.children)
    return out


def truncated(r: float, vr: float, timeout: float) -> tuple[float, float]:
    """Mean and variance of min(X, T) (one attempt, given up at the timeout T) for X the
    lognormal with mean r and variance vr: the fit the percentiles read (quantile.py).

        E[min(X, T)]  = e^(μ+σ²/2)·Φ(d − σ) + T·(1 − Φ(d))
        E[min(X, T)²] = e^(2μ+2σ²)·Φ(d − 2σ) + T²·(1 − Φ(d)),   d = (ln T − μ)/σ

    X was taken as exponential (variance r²): a 1 s timeout over a log-in of 89 ms mean and
    23 ms deviation gave the caller 89 ms of deviation, a p99 of 437 ms where the simulator
    measured 159 ms."""
    if r <= 0.0:
        return 0.0, 0.0
    if vr <= 0.0:
        return min(r, timeout), 0.0
    mu, s = lognormal_fit(r, vr)
    s2 = s * s
    d = (math.log(timeout) - mu) / s
    over = _phi(-d)  # P(X > T)
    mean = r * _phi(d - s) + timeout * over
    second = math.exp(2.0 * mu + 2.0 * s2) * _phi(d - 2.0 * s) + timeout * timeout * over
    return mean, max(0.0, second - mean * mean)


def _phi(z: float) -> float:
    """The standard normal CDF."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def solve(net: Network, factor: float = 1.0, service_scale: float = 1.0) -> Solution:
    """Waits and response times at `factor` × the design's peak load (and every service
    time × `service_scale`: the sensitivity bands' perturbed inputs)."""
    n = len(net.visits)
    lam = [factor * net.op_rate[v.op] * v.per_request for v in net.visits]
    sol = Solution(
        factor=factor,
        pools=[PoolState() for _ in net.pools],
        lam=lam,
        h_mean=[None] * n,
        h_var=[None] * n,
        r_mean=[None] * n,
        r_var=[None] * n,
        op_mean={},
        op_var={},
        service_scale=service_scale,
    )
    if net.order is None:
        net.order = pool_order(net)
    if net.callers is None:
        net.callers = finite_callers(net)
    order, cyclic = net.order
    if cyclic:
        # Start a cycle from the no-wait estimate: R = own service time.
        for v in net.visits:
            sol.r_mean[v.index] = v.s_mean * service_scale
            sol.r_var[v.index] = v.s_var * service_scale**2
    sweeps = _MAX_SWEEPS if cyclic else 1
    for _ in range(sweeps):
        before = list(sol.r_mean)
        for pool_index in order:
            _solve_pool(net, sol, pool_index)
        if not cyclic or _converged(before, sol.r_mean):
            break
    for op in net.design.operations:
        moments = seq_moments(net, sol, net.top(op.id))
        blocked = _op_blocked(net, sol, op.id)
        if moments is None or blocked:
            sol.op_mean[op.id] = None
            sol.op_var[op.id] = None
        else:
            sol.op_mean[op.id], sol.op_var[op.id] = moments
            top = net.top(op.id)
            if len(top) == 1 and isinstance(top[0], Parallel):
                members = parallel_members(net, sol, top[0])
                if members is not None:
                    sol.op_fork[op.id] = tuple(members)
    return sol


def _converged(before: list[float | None], after: list[float | None]) -> bool:
    for x, y in zip(before, after, strict=True):
        if (x is None) != (y is None):
            return False
        if x is not None and y is not None and abs(x - y) > _TOLERANCE * max(1.0, abs(y)):
            return False
    return True


def _op_blocked(net: Network, sol: Solution, op: str) -> bool:
    """An operation has no finite latency if a synchronous visit sits on a saturated pool."""
    for vi in net.visits_of_op.get(op, ()):
        v = net.visits[vi]
        if v.node.async_:
            continue
        if any(sol.pools[p].saturated for p, _ in net.routes[vi]):
            return True
    return False


def _holding(net: Network, sol: Solution, pool_index: int) -> tuple[float, float, float]:
    """Holding-time moments of the pool's visits from their callees' responses; sets the
    pool's λ and held_by, returns (λ, a = Σ λ·E[H], Σ λ·E[H²])."""
    pool = net.pools[pool_index]
    st = sol.pools[pool_index]
    lam = a = second = 0.0
    held_by: set[str] = set()
    scale = sol.service_scale
    for visit_index, frac in pool.visits:
        v = net.visits[visit_index]
        moments = seq_moments(net, sol, v.children)
        rate = sol.lam[visit_index] * frac
        lam += rate
        if moments is None:
            sol.h_mean[visit_index] = sol.h_var[visit_index] = None
            if rate > 0:
                held_by.update(_saturated_callees(net, sol, v))
            continue
        h = v.s_mean * scale + moments[0]
        hv = v.s_var * scale * scale + moments[1]
        sol.h_mean[visit_index], sol.h_var[visit_index] = h, hv
        a += rate * h
        second += rate * (hv + h * h)
    st.lam, st.offered_known, st.held_by = lam, a, tuple(sorted(held_by))
    return lam, a, second


def _solve_pool(net: Network, sol: Solution, pool_index: int) -> None:
    pool = net.pools[pool_index]
    st = sol.pools[pool_index]
    lam, a, second = _holding(net, sol, pool_index)
    c = pool.servers
    st.sources = st.lq = None
    finite = (net.callers or {}).get(pool_index)
    if finite and not st.held_by and lam > 0 and not pool.infinite and 0 < c <= MAX_SOURCES:
        if _solve_finite(net, sol, pool_index, finite, lam, a):
            return
        lam, a, second = _holding(net, sol, pool_index)
    if st.held_by:
        _saturate(st, None)
    elif lam <= 0:
        st.offered, st.rho, st.p_wait, st.wq, st.wq_mmc, st.wq_var = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
        st.mean_h = st.cs2 = None
        st.saturated = False
    else:
        mean_h = a / lam
        cs2 = max(0.0, second / (lam * mean_h * mean_h) - 1.0)
        st.offered, st.mean_h, st.cs2 = a, mean_h, cs2
        if pool.infinite:
            st.rho, st.p_wait, st.wq, st.wq_mmc, st.wq_var = None, 0.0, 0.0, 0.0, 0.0
            st.saturated = False
        elif c <= 0 or a >= c:
            _saturate(st, a / c if c > 0 else None)
        else:
            p_wait = erlang_c(c, a)
            st.rho, st.p_wait = rho(a, pool.instances, pool.concurrency), p_wait
            st.wq_mmc = p_wait * mean_h / (c - a)
            st.wq = st.wq_mmc * (1.0 + cs2) / 2.0
            st.wq_var = wait_variance(c, a, mean_h, cs2, p_wait)
            st.saturated = False
    # Response times of the pool's visits: expected wait over the pools they use.
    for visit_index, _ in pool.visits:
        _respond(net, sol, net.visits[visit_index])


def _solve_finite(
    net: Network, sol: Solution, pool_index: int, callees: list[int], lam: float, a: float
) -> bool:
    """Solve the pool with its finite-caller callees (`finite_source.py`), one callee at a
    time (the others' responses count as time away). False: no callee to solve with, and
    the layered solution stands for the pool."""
    pool = net.pools[pool_index]
    st = sol.pools[pool_index]
    solved = None
    ac = 1.0
    for callee_index in callees:
        dst = sol.pools[callee_index]
        callee = net.pools[callee_index]
        if dst.saturated or dst.wq is None or not dst.lam or not dst.mean_h:
            continue
        visits = dst.lam / lam
        # time away from the callee per caller visit: the holding time less the calls
        away = max(0.0, a / lam - visits * (dst.wq + dst.mean_h))
        got = solve_finite(pool.servers, callee.servers, lam, visits, away, dst.mean_h)
        if isinstance(got, float):  # the callers cannot keep up: ρ is their intensity
            st.offered, st.mean_h, st.cs2 = a, a / lam, None
            _saturate(st, got)
            for visit_index, _ in pool.visits:
                _respond(net, sol, net.visits[visit_index])
            return True
        ac = (1.0 + (dst.cs2 or 0.0)) / 2.0  # the callee's Allen–Cunneen factor
        dst.sources = pool.servers
        dst.p_wait = got.callee_p_wait
        dst.wq_mmc = got.callee_wait
        dst.wq = got.callee_wait * ac
        dst.wq_var = max(0.0, got.callee_wait_second - got.callee_wait**2) * ac * ac
        dst.lq = got.callee_in_queue * ac
        for visit_index, _ in callee.visits:
            _respond(net, sol, net.visits[visit_index])
        lam, a, second = _holding(net, sol, pool_index)
        solved = got
    if solved is None:
        return False
    mean_h = a / lam
    cs2 = max(0.0, second / (lam * mean_h * mean_h) - 1.0)
    # The backlog is served at the subsystem's rate X(N)/V, set by the callee: its
    # variability, not that of the callers' holding time, scales the wait (with no time
    # away the pair is the callee's M/M/c, and Allen–Cunneen scales that by the callee's cs²).
    st.offered, st.mean_h, st.cs2 = a, mean_h, cs2
    st.rho, st.p_wait = a / pool.servers, solved.caller_p_wait
    st.wq_mmc = solved.caller_wait
    st.wq = solved.caller_wait * ac
    st.wq_var = max(0.0, solved.caller_wait_second - solved.caller_wait**2) * ac * ac
    st.lq = solved.caller_in_queue * ac
    st.saturated = False
    for visit_index, _ in pool.visits:
        _respond(net, sol, net.visits[visit_index])
    return True


def _saturate(st: PoolState, rho: float | None) -> None:
    st.saturated = True
    st.rho = rho
    st.p_wait = st.wq = st.wq_mmc = st.wq_var = None
    if rho is None:
        st.offered = None


def _respond(net: Network, sol: Solution, v: Visit) -> None:
    h = sol.h_mean[v.index]
    hv = sol.h_var[v.index]
    if h is None or hv is None:
        sol.r_mean[v.index] = sol.r_var[v.index] = None
        return
    e_w = e_w2 = 0.0
    for pool_index, frac in net.routes[v.index]:
        st = sol.pools[pool_index]
        if st.saturated or st.wq is None or st.wq_var is None:
            sol.r_mean[v.index] = sol.r_var[v.index] = None
            return
        e_w += frac * st.wq
        e_w2 += frac * (st.wq_var + st.wq * st.wq)
    sol.r_mean[v.index] = e_w + h
    sol.r_var[v.index] = max(0.0, e_w2 - e_w * e_w) + hv


def _saturated_callees(net: Network, sol: Solution, v: Visit) -> set[str]:
    out: set[str] = set()
    for child in sync_children(net, v):
        c = net.visits[child]
        if sol.r_mean[child] is None and c.timeout is None:
            out.add(c.component)
    return out


def call_moments(net: Network, sol: Solution, c: Visit) -> tuple[float, float] | None:
    """Expected time and variance a parent spends on call `c` per execution of its steps.

    One attempt: X = R (or min(R, timeout), R the lognormal fitted to its moments).
    One execution: E = E[attempts]·E[X] + E[backoff], Var ≈ E[attempts]·Var[X].
    The call happens `times` times with probability p: mean p·n·E, and
    Var = p·n·Var_e + (p·n² − (p·n)²)·E².
    """
    got = execution_moments(sol, c)
    if got is None:
        return None
    m_e, v_e = got
    p, times = c.p, c.times
    mean = p * times * m_e
    var = p * times * v_e + (p * times * times - (p * times) ** 2) * m_e * m_e
    return mean, max(0.0, var)


def execution_moments(sol: Solution, c: Visit) -> tuple[float, float] | None:
    """Mean and variance of one execution of call `c` (its attempts and backoff), given
    that it is made (see `call_moments`)."""
    r, vr = sol.r_mean[c.index], sol.r_var[c.index]
    if c.timeout is not None:
        if r is None:
            x, vx = c.timeout, 0.0  # the callee never answers in time: held to the timeout
        else:
            x, vx = truncated(r, vr or 0.0, c.timeout)
    elif r is None or vr is None:
        return None
    else:
        x, vx = r, vr
    return c.attempts * x + c.backoff, c.attempts * vx


def parallel_members(
    net: Network, sol: Solution, step: Parallel
) -> list[tuple[float, float, float]] | None:
    """(mean, variance, p) of each member of a parallel group (None: one never answers).

    A member that is one synchronous call made once with probability p < 1 is its time
    when made, with that p (`fork_join.py`); any other member is its moments, p = 1.
    """
    out: list[tuple[float, float, float]] = []
    for member in step.members:
        only = member[0] if len(member) == 1 else None
        if isinstance(only, Call) and not only.async_ and only.times == 1 and 0 < only.p < 1:
            made = execution_moments(sol, only)
            if made is None:
                return None
            out.append((made[0], made[1], only.p))
            continue
        got = seq_moments(net, sol, member)
        if got is None:
            return None
        out.append((got[0], got[1], 1.0))
    return out


def seq_moments(net: Network, sol: Solution, seq: Seq) -> tuple[float, float] | None:
    """Mean and variance of a sequence of calls (independent steps add; one_of mixes; a
    parallel group is the max of its members, `fork_join.py`)."""
    mean = var = 0.0
    for step in seq:
        if isinstance(step, Call):
            if step.async_:
                continue  # fire and forget: the caller does not wait
            res = call_moments(net, sol, step)
            if res is None:
                return None
            mean += res[0]
            var += res[1]
        elif isinstance(step, Parallel):
            members = parallel_members(net, sol, step)
            if members is None:
                return None
            m, v = max_moments(members)
            mean += m
            var += v
        else:
            e1 = e2 = 0.0
            for branch in step.branches:
                p = branch.p
                if p <= 0:
                    continue
                got = seq_moments(net, sol, branch.steps)
                if got is None:
                    return None
                e1 += p * got[0]
                e2 += p * (got[1] + got[0] * got[0])
            mean += e1
            var += max(0.0, e2 - e1 * e1)
    return mean, var
