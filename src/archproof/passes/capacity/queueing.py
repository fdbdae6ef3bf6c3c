"""Per-component queueing figures (utilization, Erlang C, waits, Little's law) as Figures."""

from __future__ import annotations

from archproof.passes.capacity.figure import OK, SATURATED, Figure, figure, unknown
from archproof.passes.capacity.finite_source import FORMULA as FINITE_FORMULA
from archproof.passes.capacity.network import Network, Pool
from archproof.passes.capacity.result import ComponentLoad, PoolLoad, WorkLoad
from archproof.passes.capacity.sensitivity import Perturbed, with_band
from archproof.passes.capacity.solve import PoolState, Solution
from archproof.passes.capacity.status import Status
from archproof.policy import TARGET_UTILIZATION
from archproof.utilization import F_RHO

WARN_AT = TARGET_UTILIZATION

F_LAMBDA = "λ = Σ rate(operation) × calls per request × share of this pool"
F_OFFERED = "a = Σ λ_w × E[H_w]  (H = own service + nested synchronous calls)"
F_ERLANG_C = "Erlang C: P(wait) = c·B / (c − a·(1 − B)), B = Erlang B(c, a)"
F_MMC = "M/M/c: Wq = P(wait) × E[H] / (c − a)"
F_AC = "Allen–Cunneen: Wq = Wq(M/M/c) × (ca² + cs²) / 2, ca² = 1 (Poisson arrivals)"
F_CS2 = "cs² = E[H²] / E[H]² − 1 over the work mix"
F_FINITE = FINITE_FORMULA + " (× (1 + cs²) / 2 of the callee)"


def component_loads(
    net: Network, sol: Solution, perturbed: Perturbed | None = None
) -> tuple[ComponentLoad, ...]:
    """Figures for every component from a solution at the design load (pools near the knee
    with the bands of `perturbed`)."""
    out: list[ComponentLoad] = []
    for comp in net.design.components:
        rc = net.resolved[comp.id]
        pools = [net.pools[i] for i in net.pools_of[comp.id]]
        pool_loads = [
            pool_load(net, sol, p, perturbed)
            for p in pools
            if p.instances > 0 or sol.pools[p.index].lam > 0
        ]
        lam = sum(sol.pools[p.index].lam for p in pools)
        instances = rc.replicas + comp.read_replicas
        util = _max_util(pool_loads)
        status = util.status
        if status == OK and util.value is not None and util.value >= WARN_AT:
            status = Status.WARNING
        if lam == 0:
            status = Status.IDLE
        out.append(
            ComponentLoad(
                id=comp.id,
                kind=comp.kind.value,
                tech=comp.tech,
                replicas=rc.replicas,
                read_replicas=comp.read_replicas,
                standby=comp.standby,
                concurrency=rc.concurrency,
                servers=sum(p.servers for p in pools),
                arrival_rate=figure(lam, "1/s", "Σ over pools of λ", pools=len(pools)),
                arrival_rate_per_replica=figure(
                    lam / instances if instances else None,
                    "1/s",
                    "λ / (replicas + read replicas)",
                    arrival_rate=lam,
                    instances=instances,
                ),
                utilization=util,
                work=_work_loads(net, sol, comp.id),
                pools=tuple(pool_loads),
                status=status,
                source=dict(rc.source),
            )
        )
    return tuple(out)


def _max_util(pools: list[PoolLoad]) -> Figure:
    saturated = [p for p in pools if p.status == SATURATED]
    if saturated:
        return saturated[0].utilization
    finite = [p for p in pools if p.utilization.value is not None]
    if not finite:
        if pools and pools[0].infinite:
            return Figure(None, "", "infinite servers: no utilization", {}, Status.UNBOUNDED)
        return Figure(0.0, "", "no load", {}, OK)
    best = max(finite, key=lambda p: p.utilization.value or 0.0)
    u = best.utilization
    formula = f"max over pools ({best.name}): {u.formula}"
    return Figure(u.value, u.unit, formula, u.inputs, u.status, u.band)


def pool_load(
    net: Network, sol: Solution, pool: Pool, perturbed: Perturbed | None = None
) -> PoolLoad:
    st: PoolState = sol.pools[pool.index]
    c = pool.servers
    lam = st.lam
    status = Status.IDLE if lam == 0 else SATURATED if st.saturated else OK
    if pool.infinite and lam > 0:
        status = Status.UNBOUNDED
    reads = writes = 0.0
    for vi, frac in pool.visits:
        v = net.visits[vi]
        h = sol.h_mean[vi]
        if h is None:
            continue
        load = sol.lam[vi] * frac * h
        if v.is_write:
            writes += load
        else:
            reads += load
    held = ", ".join(st.held_by)
    if st.saturated:
        why = (
            f"held by saturated callee(s) {held}: callers wait forever without a timeout"
            if st.held_by
            else f"ρ = a / c ≥ 1: arrivals exceed capacity ({F_RHO})"
        )
        rho_fig = Figure(st.rho, "", why, {"lambda": lam, "servers": float(c)}, SATURATED)
    elif pool.infinite:
        rho_fig = Figure(
            None, "", "infinite servers (delay station): no utilization", {}, Status.UNBOUNDED
        )
    else:
        rho_fig = figure(
            st.rho,
            "",
            F_RHO,
            offered=st.offered,
            servers=float(c),
            instances=float(pool.instances),
            concurrency=float(pool.concurrency),
        )

    def per_rho(x: float, what: str) -> Figure:
        if pool.infinite or c == 0:
            return unknown("", "no finite servers")
        return figure(x / c, "", f"ρ_{what} = Σ λ·E[H] of {what} / c", offered=x, servers=float(c))

    if st.saturated:
        sat = "saturated: no finite wait"
        p_wait = Figure(None, "", sat, {}, SATURATED)
        wq_mmc = Figure(None, "s", sat, {}, SATURATED)
        wq = Figure(None, "s", sat, {}, SATURATED)
        resp = Figure(None, "s", sat, {}, SATURATED)
        lq = Figure(None, "", sat, {}, SATURATED)
        l_sys = Figure(None, "", sat, {}, SATURATED)
    else:
        infinite = "infinite servers: no wait" if pool.infinite else None
        finite = F_FINITE if st.lq is not None else None  # solved with finite callers
        p_wait = figure(
            st.p_wait, "", infinite or finite or F_ERLANG_C, servers=float(c), offered=st.offered
        )
        wq_mmc = figure(
            st.wq_mmc,
            "s",
            infinite or finite or F_MMC,
            p_wait=st.p_wait,
            servers=float(c),
            offered=st.offered,
            mean_holding=st.mean_h,
        )
        wq = figure(st.wq, "s", infinite or F_AC, wq_mmc=st.wq_mmc, cs2=st.cs2)
        mean_h = st.mean_h or 0.0
        resp = figure((st.wq or 0.0) + mean_h, "s", "W = Wq + E[H]", wq=st.wq, mean_holding=mean_h)
        # Lq from the queue-length form of the formula, independent of λ·Wq (Little checks it).
        if pool.infinite or lam == 0 or st.rho is None or st.p_wait is None:
            lq_value = 0.0
        elif st.lq is not None:
            lq_value = st.lq  # Σ max(j − c, 0)·q_j of the finite-callers model
        else:
            lq_value = st.p_wait * st.rho / (1.0 - st.rho) * (1.0 + (st.cs2 or 0.0)) / 2.0
        lq = figure(
            lq_value,
            "",
            "Lq = Σ max(j − c, 0)·q_j × (1 + cs²) / 2 (finite callers)"
            if st.lq is not None
            else "Lq = P(wait) × ρ / (1 − ρ) × (1 + cs²) / 2",
            p_wait=st.p_wait,
            rho=st.rho,
            cs2=st.cs2,
        )
        l_sys = figure(
            lq_value + (st.offered or 0.0),
            "",
            "L = Lq + a (busy servers)",
            lq=lq_value,
            offered=st.offered,
        )
    if perturbed is not None and pool.index in perturbed.near:
        others = [o.pools[pool.index] for o in perturbed.solutions]
        rho_fig = with_band(rho_fig, [None if o.saturated else o.rho for o in others])
        wq = with_band(wq, [o.wq for o in others])
        resp = with_band(resp, [None if o.wq is None else o.wq + (o.mean_h or 0.0) for o in others])
    return PoolLoad(
        name=pool.name,
        instances=pool.instances,
        concurrency=pool.concurrency,
        servers=0 if pool.infinite else c,
        infinite=pool.infinite,
        arrival_rate=figure(lam, "1/s", F_LAMBDA),
        arrival_rate_per_instance=figure(
            lam / pool.instances if pool.instances else None,
            "1/s",
            "λ / instances",
            arrival_rate=lam,
            instances=float(pool.instances),
        ),
        offered_load=Figure(
            st.offered,
            "erlang",
            F_OFFERED,
            {"lambda": lam},
            SATURATED if st.offered is None else OK,
        ),
        mean_holding_time=figure(st.mean_h, "s", "E[H] = a / λ", offered=st.offered, arrival=lam),
        service_cv2=figure(st.cs2, "", F_CS2),
        utilization=rho_fig,
        utilization_reads=per_rho(reads, "reads"),
        utilization_writes=per_rho(writes, "writes"),
        p_wait=p_wait,
        mean_wait_mmc=wq_mmc,
        mean_wait=wq,
        mean_response=resp,
        mean_in_queue=lq,
        mean_in_system=l_sys,
        status=status,
        held_by=st.held_by,
    )


def _work_loads(net: Network, sol: Solution, component: str) -> tuple[WorkLoad, ...]:
    by_work: dict[str, list[int]] = {}
    for vi in net.visits_of_component.get(component, ()):
        by_work.setdefault(net.visits[vi].work, []).append(vi)
    out: list[WorkLoad] = []
    for work, idx in by_work.items():
        vs = [net.visits[i] for i in idx]
        lam = sum(sol.lam[i] for i in idx)
        s = sum(sol.lam[i] * net.visits[i].s_mean for i in idx) / lam if lam else vs[0].s_mean
        hs = [sol.h_mean[i] for i in idx]
        if any(h is None for h in hs):
            h_fig = Figure(None, "s", "held by a saturated callee", {}, SATURATED)
            offered = Figure(None, "erlang", "held by a saturated callee", {}, SATURATED)
        else:
            h = sum(sol.lam[i] * (sol.h_mean[i] or 0.0) for i in idx) / lam if lam else 0.0
            h_fig = figure(h, "s", "E[H] = S + Σ nested call times (rate-weighted)", service=s)
            offered = figure(lam * h, "erlang", "a = λ × E[H]", arrival=lam, holding=h)
        pools = sorted({net.pools[p].name for v in vs for p, _ in net.routes[v.index]})
        sources = sorted({v.s_source for v in vs})
        out.append(
            WorkLoad(
                work=work,
                is_write=vs[0].is_write,
                pools=tuple(pools),
                arrival_rate=figure(lam, "1/s", "Σ rate(op) × calls per request (× attempts)"),
                service_time=figure(
                    s,
                    "s",
                    "mean of the service-time distribution",
                    source="; ".join(sources),
                    dist=vs[0].node.time.describe() if vs[0].node.time else None,
                ),
                holding_time=h_fig,
                offered_load=offered,
                operations=tuple(sorted({v.op for v in vs})),
            )
        )
    return tuple(out)
