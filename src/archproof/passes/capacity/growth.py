"""Growth plan: the replicas each component needs to keep ρ ≤ 0.7 as load grows.

For each load level (`--load 1x,2x,...`, or `growth_per_year` compounded over
`--years`): solve the layered network at that load, raise the instances of every pool
above the target to ⌈instances × ρ / 0.7⌉, re-solve (a faster callee shortens its
callers' holding times), and repeat until no pool is above the target. Databases:
writes go to the primary only, reads are spread over primary + read replicas, so
read replicas are sized from P + R ≥ a_reads·P / (0.7·P·c − a_writes) and
P + R ≥ a_reads / (0.7·c); when writes alone push the primary over the target,
replicas cannot help and the plan says to shard by key (or batch writes).
"""

from __future__ import annotations

import math

from archproof.model import Design
from archproof.model.traits import traits
from archproof.passes.capacity.figure import SATURATED, Figure, figure
from archproof.passes.capacity.network import Network, reassign
from archproof.passes.capacity.quantile import lognormal_quantile
from archproof.passes.capacity.result import ComponentNeed, GrowthStep
from archproof.passes.capacity.solve import Solution, callee_pools, solve
from archproof.passes.capacity.status import SloStatus
from archproof.policy import TARGET_UTILIZATION

TARGET = TARGET_UTILIZATION
_MAX_ROUNDS = 12


def load_levels(design: Design, factors: tuple[float, ...], years: int) -> list[tuple[str, float]]:
    levels = [(f"{f:g}x", float(f)) for f in factors]
    growth = design.requirements.load.growth_per_year
    if growth is not None:
        g = float(growth.fraction)
        levels += [(f"year {y}", (1.0 + g) ** y) for y in range(1, years + 1)]
    return levels


def _util(sol: Solution, pool_index: int) -> Figure:
    st = sol.pools[pool_index]
    if st.saturated:
        return Figure(
            st.rho,
            "",
            "saturated" + (f" (held by {', '.join(st.held_by)})" if st.held_by else ""),
            {},
            SATURATED,
        )
    return figure(st.rho, "", "ρ = a / c", offered=st.offered)


def _limits(net: Network, component: str, writes_limited: bool) -> tuple[str | None, str | None]:
    rc = net.resolved[component]
    kind = rc.component.kind
    if writes_limited:
        return (
            "writes go to the single primary: read replicas cannot take them",
            "shard (partition) writes by key across primaries, or batch writes",
        )
    kt = traits(kind)
    if kt.scale_limit is not None:
        return kt.scale_limit, kt.scale_move
    if rc.stateful and kt.compute:
        return (
            "stateful: new replicas need the state partitioned",
            "partition the state by key, or move it to a database",
        )
    return None, None


def plan_step(
    net: Network, label: str, factor: float, start: dict[int, int] | None = None
) -> tuple[GrowthStep, dict[int, int]]:
    """Plan one load level; `start` (a smaller level's plan) is a warm start: needs only
    grow with load, so sizing can begin there. Returns the step and the planned sizes."""
    original = {p.index: p.instances for p in net.pools}
    before = solve(net, factor)
    writes_limited: set[str] = set()
    sol = before
    if start is not None and start != original:
        for p in net.pools:
            p.instances = max(p.instances, start[p.index])
        reassign(net)
        sol = solve(net, factor)
    if net.callees is None:
        net.callees = callee_pools(net)
    callees = net.callees
    for _ in range(_MAX_ROUNDS * 2):
        changed = False
        # A caller waiting on an overloaded callee looks overloaded too: size callees first.
        hot = {i for i, st in enumerate(sol.pools) if st.saturated or (st.rho or 0.0) > TARGET}
        for comp in net.design.components:
            ids = net.pools_of[comp.id]
            pools = [net.pools[i] for i in ids]
            if pools[0].infinite:
                continue
            if len(ids) == 2:
                changed |= _size_database(net, sol, ids, writes_limited)
                continue
            pool, st = pools[0], sol.pools[ids[0]]
            if st.held_by or st.rho is None or callees[ids[0]] & hot:
                continue  # fix the callee first; its callers follow next round
            if st.rho > TARGET:
                need = math.ceil(pool.instances * st.rho / TARGET - 1e-9)
                if need > pool.instances:
                    pool.instances = need
                    changed = True
        if not changed:
            break
        reassign(net)
        sol = solve(net, factor)
    needs: list[ComponentNeed] = []
    for comp in net.design.components:
        ids = net.pools_of[comp.id]
        first = net.pools[ids[0]]
        now_r = original[ids[0]]
        now_rr = original[ids[1]] if len(ids) == 2 else 0
        new_r = first.instances
        new_rr = net.pools[ids[1]].instances if len(ids) == 2 else 0
        limit, move = _limits(net, comp.id, comp.id in writes_limited)
        if (new_r, new_rr) == (now_r, now_rr):
            continue
        worst_now = max(ids, key=lambda i: _rank(before, i))
        worst_new = max(ids, key=lambda i: _rank(sol, i))
        needs.append(
            ComponentNeed(
                component=comp.id,
                pool=net.pools[worst_now].name,
                replicas_now=now_r,
                replicas_needed=new_r,
                read_replicas_now=now_rr,
                read_replicas_needed=new_rr,
                utilization_now=_util(before, worst_now),
                utilization_planned=_util(sol, worst_new),
                limit=limit,
                move=move,
            )
        )
    slo: list[tuple[str, str, SloStatus]] = []
    notes: list[str] = []
    for op in net.design.operations:
        if op.slo is None:
            continue
        mean, var = sol.op_mean.get(op.id), sol.op_var.get(op.id)
        for metric, q, target in (("p95", 0.95, op.slo.p95), ("p99", 0.99, op.slo.p99)):
            if target is None:
                continue
            if mean is None or var is None:
                slo.append((op.id, metric, SloStatus.SATURATED))
                continue
            value = lognormal_quantile(mean, var, q)
            ok = value <= float(target.seconds)
            slo.append((op.id, metric, SloStatus.MET if ok else SloStatus.VIOLATED))
            if not ok:
                notes.append(
                    f"{op.id} {metric} {value * 1000:.1f}ms > {target} with every pool at "
                    f"ρ ≤ {TARGET}: replicas cannot fix it — shorten the path (faster steps, "
                    "a cache, or move work async)"
                )
    planned = {p.index: p.instances for p in net.pools}
    for p in net.pools:
        p.instances = original[p.index]
    reassign(net)
    return GrowthStep(label, factor, tuple(needs), tuple(slo), tuple(notes)), planned


def _rank(sol: Solution, i: int) -> float:
    st = sol.pools[i]
    return math.inf if st.saturated else (st.rho or 0.0)


def _size_database(net: Network, sol: Solution, ids: tuple[int, ...], limited: set[str]) -> bool:
    primary, replicas = net.pools[ids[0]], net.pools[ids[1]]
    c = primary.concurrency
    a_w = a_r = 0.0
    for pool in (primary, replicas):
        for vi, frac in pool.visits:
            v = net.visits[vi]
            h = sol.h_mean[vi]
            h = v.s_mean if h is None else h
            load = sol.lam[vi] * frac * h
            if v.is_write:
                a_w += load
            else:
                a_r += load
    changed = False
    p = primary.instances
    if a_w / (p * c) > TARGET:
        limited.add(primary.component)
        shards = math.ceil(a_w / (TARGET * c) - 1e-9)
        if shards > p:
            primary.instances = p = shards
            changed = True
    if a_r > 0:
        room = TARGET * p * c - a_w
        total = a_r * p / room if room > 0 else math.inf
        total = max(total, a_r / (TARGET * c))
        if math.isfinite(total):
            r = max(0, math.ceil(total - p - 1e-9))
            if r > replicas.instances:
                replicas.instances = r
                changed = True
    return changed


def growth_plan(net: Network, levels: list[tuple[str, float]]) -> tuple[GrowthStep, ...]:
    """A step per level, in the order given; smaller levels warm-start larger ones."""
    steps: dict[int, GrowthStep] = {}
    plans: list[tuple[float, dict[int, int]]] = []
    for i in sorted(range(len(levels)), key=lambda j: levels[j][1]):
        label, factor = levels[i]
        start = max((p for p in plans if p[0] <= factor), key=lambda p: p[0], default=None)
        step, planned = plan_step(net, label, factor, start[1] if start else None)
        steps[i] = step
        plans.append((factor, planned))
    return tuple(steps[i] for i in range(len(levels)))
