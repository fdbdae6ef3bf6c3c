"""Bottleneck, headroom and the maximum sustainable rate of each operation.

- Bottleneck: the smallest factor k (× every operation's peak rate) at which some pool
  saturates, found by bisection on the full layered solution (waits grow with load, so
  holding times do too). Since ρ(k) ≥ k·ρ(1), k ≤ 1 / max ρ(1), which brackets the search.
- Headroom of a pool to a target ρ*: k = ρ* / ρ, linear — holding times kept at today's
  values (optimistic where callees' waits grow).
- Max rate of an operation alone: λ_o + min over pools of (1 − ρ_P) / D_oP with
  D_oP = Σ share × calls per request × E[H] / servers (linear, same caveat).
"""

from __future__ import annotations

import math

from archproof.numbers import sig
from archproof.passes.capacity.figure import SATURATED, UNKNOWN, Figure, figure
from archproof.passes.capacity.network import Network
from archproof.passes.capacity.result import Bottleneck, Headroom
from archproof.passes.capacity.solve import Solution, solve, sync_children
from archproof.policy import TARGET_UTILIZATION

_BISECT_STEPS = 40
_REL_TOL = 1e-3


_PAST = 1.001  # relative step past the saturation point


def _any_saturated(sol: Solution) -> bool:
    return any(p.saturated for p in sol.pools)


def _root(net: Network, sol: Solution) -> int | None:
    """The saturated pool that saturated on its own (not held by a callee), busiest first."""
    saturated = [i for i, p in enumerate(sol.pools) if p.saturated and not p.held_by]
    busy = {net.pools[i].component for i, p in enumerate(sol.pools) if p.saturated}

    def waits_on_busy(i: int) -> bool:
        # A caller whose timeouts fill its pool while a callee saturates is a victim.
        own = net.pools[i].component
        return any(
            net.visits[child].component in busy and net.visits[child].component != own
            for visit, _ in net.pools[i].visits
            for child in sync_children(net, net.visits[visit])
        )

    roots = [i for i in saturated if not waits_on_busy(i)] or saturated
    if not roots:
        return None
    return max(roots, key=lambda i: sol.pools[i].rho or math.inf)


def _max_rho(net: Network, sol: Solution) -> float:
    values = [
        p.rho
        for i, p in enumerate(sol.pools)
        if p.rho is not None and not p.saturated and not net.pools[i].infinite
    ]
    return max(values, default=0.0)


def saturation_factor(net: Network, base: Solution) -> tuple[float | None, int | None]:
    """(k*, pool) where pool saturates first as every rate is multiplied by k."""
    if _any_saturated(base):
        lo, hi = 0.0, 1.0
    else:
        rho = _max_rho(net, base)
        if rho <= 0:
            return None, None
        hi = 1.0 / rho
        probe = solve(net, hi * (1 - 1e-7))
        if not _any_saturated(probe):
            return hi, _culprit(net, hi)
        lo = 1.0
    for _ in range(_BISECT_STEPS):
        if hi - lo <= _REL_TOL * hi:
            break
        mid = (lo + hi) / 2
        if _any_saturated(solve(net, mid)):
            hi = mid
        else:
            lo = mid
    return lo, _culprit(net, hi)


def _culprit(net: Network, k: float) -> int | None:
    """The pool to blame at the saturation point k.

    Just below k a callee's wait explodes, which can fill its caller's pool first (a
    load balancer holding connections to a saturating API). Looking a hair past k,
    the callee is saturated too and the caller is marked as held by it, so the root
    cause is named rather than its victim.
    """
    return _root(net, solve(net, k * _PAST)) or _root(net, solve(net, k))


def bottleneck(net: Network, base: Solution) -> tuple[Bottleneck, float | None]:
    k, pool = saturation_factor(net, base)
    if k is None:
        fig = Figure(None, "×", "no finite pool carries load", {}, UNKNOWN)
        return Bottleneck(None, None, fig), None
    p = net.pools[pool] if pool is not None else None
    fig = figure(
        k,
        "×",
        "smallest k with some ρ ≥ 1 when every operation rate × k (bisection on the "
        "layered solution; waits and holding times recomputed at each k)",
        status=SATURATED if k < 1 else None,
        pool=p.label if p else None,
    )
    return Bottleneck(p.component if p else None, p.name if p else None, fig), k


def headroom(net: Network, base: Solution) -> tuple[Headroom, ...]:
    out: list[Headroom] = []
    for pool in net.pools:
        st = base.pools[pool.index]
        if pool.infinite or st.lam == 0:
            continue
        if st.saturated:
            sat = Figure(None, "×", "already saturated", {}, SATURATED)
            util = Figure(st.rho, "", "saturated", {}, SATURATED)
            out.append(Headroom(pool.component, pool.name, util, sat, sat, sat))
            continue
        rho = st.rho or 0.0
        util = figure(rho, "", "ρ = a / c", offered=st.offered, servers=float(pool.servers))

        def to(target: float, rho: float = rho) -> Figure:
            value = target / rho if rho > 0 else None
            return figure(
                value,
                "×",
                f"{sig(target, 6)} / ρ (linear: holding times at today's load)",
                rho=rho,
                target=target,
            )

        out.append(
            Headroom(pool.component, pool.name, util, to(TARGET_UTILIZATION), to(0.8), to(1.0))
        )
    return tuple(out)


def max_rates_alone(net: Network, base: Solution) -> dict[str, Figure]:
    """Per operation: λ_o + min over pools (1 − ρ_P) / D_oP (linear, today's holding times)."""
    demand: dict[str, dict[int, float]] = {}
    blocked: dict[str, str] = {}
    for pool in net.pools:
        st = base.pools[pool.index]
        if pool.infinite or pool.servers == 0:
            continue
        for vi, frac in pool.visits:
            v = net.visits[vi]
            h = base.h_mean[vi]
            if h is None or st.saturated:
                blocked.setdefault(v.op, pool.label)
                continue
            per_op = demand.setdefault(v.op, {})
            per_op[pool.index] = per_op.get(pool.index, 0.0) + frac * v.per_request * h / (
                pool.servers
            )
    out: dict[str, Figure] = {}
    for op in net.design.operations:
        if op.id in blocked:
            out[op.id] = Figure(None, "1/s", f"{blocked[op.id]} is saturated", {}, SATURATED)
            continue
        rate = net.op_rate[op.id] * base.factor
        best: float | None = None
        limit = ""
        for pool_index, d in demand.get(op.id, {}).items():
            if d <= 0:
                continue
            room = (1.0 - (base.pools[pool_index].rho or 0.0)) / d
            if best is None or room < best:
                best, limit = room, net.pools[pool_index].label
        if best is None:
            out[op.id] = figure(None, "1/s", "the operation uses no finite pool")
            continue
        out[op.id] = figure(
            rate + best,
            "1/s",
            "λ + min over pools (1 − ρ) / D, D = Σ share × calls per request × E[H] / servers "
            "(linear: holding times at today's load)",
            rate=rate,
            limited_by=limit,
        )
    return out
