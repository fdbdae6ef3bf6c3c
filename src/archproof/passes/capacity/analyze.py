"""The capacity analysis: design → `CapacityResult` (every figure with its formula)."""

from __future__ import annotations

import gc

from archproof.model import Design
from archproof.numbers import sig
from archproof.passes.capacity.assumptions import check_assumptions
from archproof.passes.capacity.caches import cache_headroom
from archproof.passes.capacity.failure import (
    availability_check,
    downtime,
    failure_modes,
    timeout_failures,
)
from archproof.passes.capacity.figure import SATURATED, Figure, figure
from archproof.passes.capacity.growth import growth_plan, load_levels
from archproof.passes.capacity.headroom import bottleneck, headroom, max_rates_alone
from archproof.passes.capacity.hot_keys import hot_key_loads
from archproof.passes.capacity.latency import edges, operation_latency
from archproof.passes.capacity.network import compile_network
from archproof.passes.capacity.queueing import component_loads
from archproof.passes.capacity.result import CapacityResult, OperationResult, SloCheck
from archproof.passes.capacity.sensitivity import METHOD as SENSITIVITY_METHOD
from archproof.passes.capacity.sensitivity import banded_latency, perturb, sensitivity
from archproof.passes.capacity.solve import solve
from archproof.passes.capacity.status import SloStatus, Status
from archproof.passes.capacity.storage import storage
from archproof.passes.lower import QueueingModel, lower
from archproof.policy import TARGET_UTILIZATION

METHODS = {
    "load": "peak rate = rate × peak factor (or share × requests × peak factor); down the call "
    "tree × branch p × p × times × E[attempts]; async hand-offs feed the queue's consumers",
    "retries": "q = 1 − (1 − P(S > timeout))·a; E[attempts] = (1 − q^(r+1)) / (1 − q)",
    "utilization": "ρ = λ·E[H] / (instances × concurrency); H = own service + nested "
    "synchronous calls (the caller holds its server while it waits)",
    "wait": "Erlang C P(wait); M/M/c Wq = P(wait)·E[H]/(c − a); Allen–Cunneen "
    "Wq × (1 + cs²)/2 is the figure used",
    "latency": "means and variances add along the call tree; p50/p95/p99 from a lognormal "
    "fitted to mean and variance",
    "bottleneck": "bisection on a common load factor over the full layered solution",
    "headroom": "target ρ / ρ (linear)",
    "growth": f"raise instances to ⌈n·ρ/{sig(TARGET_UTILIZATION)}⌉ and re-solve until every pool "
    f"≤ {sig(TARGET_UTILIZATION)}",
    "availability": "Π (1 − U_X·f_X), U_X = (1 − a_X)^n_X",
    "storage": "Σ field sizes + 28 B per row; index = rows × (columns + 16 B)/0.7",
    "finite callers": "a pool whose only callers are one bounded pool's servers (no "
    "timeout, no parallel group) is solved with them: M/M/c//n at the callee per n busy "
    "callers, the callers' backlog birth–death on its throughput (flow-equivalent server)",
    "sensitivity": SENSITIVITY_METHOD,
}


def analyze(
    design: Design | QueueingModel,
    *,
    load_factors: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0),
    years: int = 3,
    factor: float = 1.0,
) -> CapacityResult:
    """Run every capacity analysis on `design` (or its lowered model) at its peak load
    (× `factor`: the simulator's --load, so its analytic columns match the run)."""
    model = design if isinstance(design, QueueingModel) else lower(design)
    # The analysis allocates many short-lived, acyclic objects (figures, solutions);
    # reference counting frees them, and the cyclic collector would only rescan the
    # whole design again and again (~15% of the time on large designs).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze(model, load_factors=load_factors, years=years, factor=factor)
    finally:
        if enabled:
            gc.enable()


def _analyze(
    model: QueueingModel, *, load_factors: tuple[float, ...], years: int, factor: float
) -> CapacityResult:
    design = model.design
    net = compile_network(model)
    base = solve(net, factor)
    perturbed = perturb(net, base)
    comps = component_loads(net, base, perturbed)
    neck, k_star = bottleneck(net, base)
    modes, availability = failure_modes(net)
    ops: list[OperationResult] = []
    alone = max_rates_alone(net, base)
    for op in design.operations:
        lat = banded_latency(net, perturbed, op, operation_latency(net, base, op))
        checks = list(lat.checks)
        avail = availability[op.id]
        avail_check = availability_check(design, op.id, avail)
        if avail_check is not None:
            checks.append(avail_check)
        if any(c.status == SloStatus.SATURATED for c in checks) or lat.mean.value is None:
            status = SATURATED
        elif any(c.status == SloStatus.VIOLATED for c in checks):
            status = Status.VIOLATED
        else:
            status = Status.OK
        rates = model.rate(op.id)
        rate = rates.peak
        mix: Figure
        if k_star is None:
            mix = figure(None, "1/s", "no finite pool carries load")
        else:
            mix = figure(
                rate * k_star,
                "1/s",
                "peak rate × saturation factor k*",
                rate=rate,
                k=k_star,
                status=SATURATED if k_star < 1 else None,
            )
        ops.append(
            OperationResult(
                id=op.id,
                sync=op.sync,
                consumes=op.consumes,
                rate_average=figure(rates.average, "1/s", rates.derivation),
                rate_peak=figure(
                    rate,
                    "1/s",
                    rates.derivation,
                    peak_factor=float(design.requirements.load.peak_factor),
                ),
                mean_latency=lat.mean,
                p50_latency=lat.p50,
                p95_latency=lat.p95,
                p99_latency=lat.p99,
                slo=tuple(checks),
                max_rate_mix=mix,
                max_rate_alone=alone[op.id],
                availability=avail,
                downtime_per_year=downtime(avail),
                status=status,
                timeout_failures=timeout_failures(net, op.id),
            )
        )
    store = storage(design)
    assumptions = check_assumptions(
        design.requirements.assumptions,
        {c.id: c for c in comps},
        {o.id: o for o in ops},
        {e.id: e for e in store.entities},
    )
    return CapacityResult(
        peak_factor=float(design.requirements.load.peak_factor),
        components=comps,
        operations=tuple(ops),
        edges=edges(net, base),
        bottleneck=neck,
        headroom=headroom(net, base),
        growth=growth_plan(net, load_levels(design, load_factors, years)),
        storage=store,
        failures=modes,
        assumptions=assumptions,
        caches=cache_headroom(net, base),
        methods=dict(METHODS),
        notes=net.model.notes,
        system_availability=system_availability(design, ops),
        hot_keys=hot_key_loads(model),
        sensitivity=sensitivity(net, base, perturbed, {o.id: o.p99_latency for o in ops}),
    )


def system_availability(design: Design, ops: list[OperationResult]) -> SloCheck | None:
    """The design-wide availability target against the share of user-facing requests
    that succeed (each operation's availability weighted by its peak rate; background
    jobs when there is no user-facing operation)."""
    target = design.requirements.slos.availability
    if target is None:
        return None
    facing = [o for o in ops if o.sync and o.consumes is None] or ops
    pairs = [(o.rate_peak.value, o.availability.value) for o in facing]
    known = [(r, a) for r, a in pairs if r is not None and a is not None and r > 0]
    total = sum(r for r, _ in known)
    if not known or total <= 0 or len(known) < len(pairs):
        fig = figure(None, "", "an operation's rate or availability is unknown")
        return SloCheck("availability", float(target.fraction), fig, SloStatus.UNKNOWN)
    value = sum(r * a for r, a in known) / total
    fig = figure(
        value,
        "",
        "Σ λ·A / Σ λ over user-facing operations (share of requests that succeed)",
        operations=float(len(known)),
        requests_per_s=total,
    )
    ok = value >= float(target.fraction)
    return SloCheck(
        "availability", float(target.fraction), fig, SloStatus.MET if ok else SloStatus.VIOLATED
    )
