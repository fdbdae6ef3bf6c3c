"""Growth plan: the replicas each component needs to keep ρ ≤ 0.7 as load grows.

For each load level (`--load 1x,2x,...`, or `growth_per_year` compounded over
`--years`): solve the layered network at that load, raise the instances of every pool
above the target to ⌈instances × ρ / 0.7⌉, re-solve (a faster callee shortens its
callers' holding times), and repeat until no pool is above the target. Databases:
writes go to the primary only, reads are spread over primary + read replicas, so
read replicas are sized from P + R ≥ a_reads·P / (0.7·P·c − a_writes) and
P + R ≥ a_reads / (0.7·c); when writes alone push the primary over the target,
replicas cannot help and the plan says to shard by key (or batch writes).

Each need then gets the move that fits its limit (`GrowthAction`): an external API gets
a quota (the concurrent calls and calls/s to ask the provider for), never replicas; read
replicas past `policy.MAX_READ_REPLICAS` become "offload the reads" (a cache, shards or
a store built for the read path), with the read replicas that ρ ≤ 0.7 would take as the
measure of how much read capacity must move; writes beyond one primary are partitioned.
"""

from __future__ import annotations

import math

import archproof.numbers as numbers
from archproof.model import Design
from archproof.model.replication import read_replicas_needed
from archproof.model.traits import traits
from archproof.numbers import sig
from archproof.passes.capacity.figure import SATURATED, Figure, figure
from archproof.passes.capacity.network import Network, reassign
from archproof.passes.capacity.quantile import lognormal_quantile
from archproof.passes.capacity.result import ComponentNeed, GrowthStep
from archproof.passes.capacity.solve import Solution, callee_pools, solve
from archproof.passes.capacity.status import GrowthAction, SloStatus
from archproof.policy import MAX_READ_REPLICAS, TARGET_UTILIZATION

TARGET = TARGET_UTILIZATION
_MAX_ROUNDS = 12


def load_levels(design: Design, factors: tuple[float, ...], years: int) -> list[tuple[str, float]]:
    levels = [(f"{sig(f, 6)}x", float(f)) for f in factors]
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


def _quota(offered: float) -> int:
    """Concurrent calls that keep an external API's ρ at the target: ⌈a / 0.7⌉."""
    return max(1, math.ceil(offered / TARGET - 1e-9))


def _classify(
    net: Network,
    component: str,
    sizes: tuple[int, int, int, int],
    rate: float,
    offered: float | None,
    writes_limited: bool,
) -> tuple[GrowthAction, str, str | None, str | None]:
    """The move that fits the component's limit: (action, change, limit, move).

    `sizes` is (instances now, needed, read replicas now, needed)."""
    now_r, new_r, now_rr, new_rr = sizes
    rc = net.resolved[component]
    kt = traits(rc.component.kind)
    pool = net.pools[net.pools_of[component][0]]
    if kt.third_party:
        # Sized in concurrent calls, not in instances: ⌈a / 0.7⌉ with a the offered load.
        quota = new_r * pool.concurrency if offered is None else _quota(offered)
        return (
            GrowthAction.QUOTA,
            f"quota {now_r * pool.concurrency:,}→{quota:,} concurrent calls "
            f"({numbers.rate(rate)} at this load, ρ ≤ {TARGET:.0%})",
            "an external API is not yours to scale",
            "ask the provider for the higher quota (or cache, batch or rate-limit the calls)",
        )
    reads = f"read replicas {now_rr}→{new_rr}" if new_rr != now_rr else ""
    if writes_limited:
        change = f"write shards (primaries) {now_r}→{new_r}" + (f", {reads}" if reads else "")
        return (
            GrowthAction.PARTITION_WRITES,
            change,
            "writes go to the single primary: read replicas cannot take them",
            "shard (partition) writes by key across primaries, or batch writes",
        )
    if new_rr != now_rr and new_rr > MAX_READ_REPLICAS:
        return (
            GrowthAction.OFFLOAD_READS,
            f"reads need the capacity of {new_rr} read replicas (now {now_rr}; "
            f"policy stops at {MAX_READ_REPLICAS})",
            f"past {MAX_READ_REPLICAS} read replicas, replication lag and the write stream's "
            "fan-out grow with each one",
            "cache the hot reads, shard by key, or serve the read path from a store built for it",
        )
    if new_rr != now_rr and new_r == now_r:
        return GrowthAction.READ_REPLICAS, reads, None, None
    change = f"replicas {now_r}→{new_r}" + (f", {reads}" if reads else "")
    if kt.scale_limit is not None:
        return GrowthAction.SHARD, change, kt.scale_limit, kt.scale_move
    if rc.stateful and kt.compute:
        return (
            GrowthAction.SHARD,
            change,
            "stateful: new replicas need the state partitioned",
            "partition the state by key, or move it to a database",
        )
    return GrowthAction.REPLICAS, change, None, None


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
        if (new_r, new_rr) == (now_r, now_rr):
            continue
        worst_now = max(ids, key=lambda i: _rank(before, i))
        worst_new = max(ids, key=lambda i: _rank(sol, i))
        rate = sum(sol.pools[i].lam for i in ids)
        offered = sol.pools[ids[0]].offered if len(ids) == 1 else None
        action, change, limit, move = _classify(
            net, comp.id, (now_r, new_r, now_rr, new_rr), rate, offered, comp.id in writes_limited
        )
        rho_planned = _util(sol, worst_new)
        if action is GrowthAction.QUOTA and offered is not None:
            rho_planned = figure(
                offered / _quota(offered),
                "",
                "ρ = a / quota",
                offered=offered,
                quota=_quota(offered),
            )
        needs.append(
            ComponentNeed(
                component=comp.id,
                pool=net.pools[worst_now].name,
                replicas_now=now_r,
                replicas_needed=new_r,
                read_replicas_now=now_rr,
                read_replicas_needed=new_rr,
                utilization_now=_util_now(net, before, worst_now),
                utilization_planned=rho_planned,
                limit=limit,
                move=move,
                action=action,
                change=change,
                arrival_rate=figure(rate, "1/s", "Σ λ into its pools at this load"),
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
        r = read_replicas_needed(a_r / c, a_w / c, TARGET, p)
        if r is not None and r > replicas.instances:
            replicas.instances = r
            changed = True
    return changed


def _util_now(net: Network, sol: Solution, pool_index: int) -> Figure:
    """ρ at this load with nothing changed; none for a saturated pool that waits on saturated
    callees: its holding time is their queues and timeouts, so its ρ measures them (chat's
    api read "7,515%" at 10× while doubling it was its whole need)."""
    st = sol.pools[pool_index]
    callees = net.callees if net.callees is not None else callee_pools(net)
    waits_on = sorted(
        {net.pools[i].component for i in callees[pool_index] if sol.pools[i].saturated}
    )
    if st.saturated and not st.held_by and waits_on:
        return Figure(
            None, "", f"saturated: waits on saturated {', '.join(waits_on)}", {}, SATURATED
        )
    return _util(sol, pool_index)


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
