"""Sensitivity bands: how far a figure near the knee moves when the inputs are a bit off.

Near saturation a small input error is a large latency error: at ρ = 0.85 an M/M/1 wait
of S / (1 − ρ) grows 2.5× when the service time is 10% longer. A design's service times
and rates are estimates, so a single figure there is not evidence. Every latency and
utilization figure near the knee (a pool at ρ ≥ `policy.SENSITIVE_FROM`, and the latency
of every operation that waits on one) carries a `Band`: the lowest and highest value over
four re-solves of the whole layered model, each with one input moved by
u = `policy.INPUT_UNCERTAINTY`:

    every service time × (1 − u), × (1 + u);  every rate × (1 − u), × (1 + u)

A design whose pools all sit below the knee costs no re-solve; otherwise exactly four.
A pool at ρ ≥ `policy.FRAGILE_FROM` makes the design's latency prediction fragile, and
`Sensitivity.statement` says so in one sentence every backend prints.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from archproof.model import Operation
from archproof.numbers import percent, seconds, sig
from archproof.passes.capacity.figure import Band, Figure
from archproof.passes.capacity.latency import OperationLatency, operation_latency
from archproof.passes.capacity.network import Network
from archproof.passes.capacity.result import Sensitivity, SloCheck
from archproof.passes.capacity.solve import Solution, solve
from archproof.passes.capacity.status import SloStatus
from archproof.policy import FRAGILE_FROM, INPUT_UNCERTAINTY, SENSITIVE_FROM

UNCERTAINTY = float(INPUT_UNCERTAINTY)

METHOD = (
    f"figures near the knee (a pool at ρ ≥ {sig(SENSITIVE_FROM, 6)}) carry a band: the lowest and "
    f"highest value over re-solves with every service time, then every rate, × (1 ± "
    f"{sig(UNCERTAINTY, 6)}); four re-solves, none when no pool is near the knee"
)


@dataclass(frozen=True)
class Perturbed:
    """The four re-solved solutions and the pools near the knee at the design's inputs."""

    solutions: tuple[Solution, ...]
    near: frozenset[int]  # pool indexes with ρ ≥ SENSITIVE_FROM (or saturated)


def perturb(net: Network, base: Solution) -> Perturbed | None:
    """Re-solve at ±u service times and ±u rates, if any pool is near the knee."""
    near = frozenset(
        i
        for i, st in enumerate(base.pools)
        if not net.pools[i].infinite
        and st.lam > 0
        and (st.saturated or (st.rho is not None and st.rho >= SENSITIVE_FROM))
    )
    if not near:
        return None
    f = base.factor
    u = UNCERTAINTY
    sols = (
        solve(net, f, service_scale=1.0 - u),
        solve(net, f, service_scale=1.0 + u),
        solve(net, f * (1.0 - u)),
        solve(net, f * (1.0 + u)),
    )
    return Perturbed(sols, near)


def band(values: list[float | None]) -> Band:
    """The band over perturbed values; a missing one (saturated) is an open upper end."""
    known = [v for v in values if v is not None]
    low = min(known) if known else None
    high = None if len(known) < len(values) else max(known)
    return Band(low, high, UNCERTAINTY)


def with_band(fig: Figure, values: list[float | None]) -> Figure:
    """`fig` with the band of `values` (a figure with no value gets none)."""
    if fig.value is None:
        return fig
    b = band(values)
    # the design's own figure lies inside its band (monotone in every input)
    low = min(b.low, fig.value) if b.low is not None else None
    high = max(b.high, fig.value) if b.high is not None else None
    return replace(fig, band=Band(low, high, b.uncertainty))


def operation_near(net: Network, perturbed: Perturbed, op: str) -> bool:
    """An operation's latency is near the knee if one of its visits uses a pool that is."""
    return any(
        p in perturbed.near for vi in net.visits_of_op.get(op, ()) for p, _ in net.routes[vi]
    )


def sensitivity(
    net: Network, base: Solution, perturbed: Perturbed | None, p99: dict[str, Figure]
) -> Sensitivity:
    """The analysis' statement on its own fragility (`p99`: each operation's p99 figure,
    banded where near the knee)."""
    fragile = tuple(
        sorted(
            (
                (net.pools[i].label, st.rho)
                for i, st in enumerate(base.pools)
                if st.rho is not None and not net.pools[i].infinite and st.rho >= FRAGILE_FROM
            ),
            key=lambda pair: -pair[1],
        )
    )
    statement = None
    if fragile:
        pools = ", ".join(f"{label} at {percent(rho)}" for label, rho in fragile[:3])
        more = f" and {len(fragile) - 3} more" if len(fragile) > 3 else ""
        widest = _widest(p99)
        statement = (
            f"Latency prediction is fragile: {pools}{more} utilization (above "
            f"{percent(FRAGILE_FROM)}), where a {percent(UNCERTAINTY)} error in service "
            f"times or rates moves latency by several times that{widest}. Load-test it, or "
            f"add capacity until no pool is above {percent(FRAGILE_FROM)}."
        )
    return Sensitivity(
        uncertainty=UNCERTAINTY,
        sensitive_from=SENSITIVE_FROM,
        fragile_from=FRAGILE_FROM,
        re_solves=len(perturbed.solutions) if perturbed is not None else 0,
        fragile=fragile,
        statement=statement,
    )


def _widest(p99: dict[str, Figure]) -> str:
    """'; p99 of X spans a–b' for the operation whose band is widest relative to its value."""
    best: tuple[float, str, Figure] | None = None
    for op, fig in p99.items():
        if fig.band is None or fig.value is None or fig.value <= 0:
            continue
        high = fig.band.high
        spread = float("inf") if high is None else high / fig.value
        if best is None or spread > best[0]:
            best = (spread, op, fig)
    if best is None:
        return ""
    _, op, fig = best
    assert fig.band is not None and fig.value is not None
    lowest = seconds(fig.band.low)
    highest = "saturation" if fig.band.high is None else seconds(fig.band.high)
    return f" (p99 of {op}: {seconds(fig.value)}, from {lowest} to {highest})"


def banded_latency(
    net: Network, perturbed: Perturbed | None, op: Operation, lat: OperationLatency
) -> OperationLatency:
    """`lat` with bands on its mean and percentiles (and the SLO checks that read them),
    when the operation waits on a pool near the knee."""
    if perturbed is None or not operation_near(net, perturbed, op.id):
        return lat
    others = [operation_latency(net, s, op) for s in perturbed.solutions]
    mean = with_band(lat.mean, [o.mean.value for o in others])
    p50 = with_band(lat.p50, [o.p50.value for o in others])
    p95 = with_band(lat.p95, [o.p95.value for o in others])
    p99 = with_band(lat.p99, [o.p99.value for o in others])
    by_metric = {"p50": p50, "p95": p95, "p99": p99}
    checks = tuple(
        _judged(c, by_metric[c.metric]) if c.metric in by_metric else c for c in lat.checks
    )
    return OperationLatency(mean, p50, p95, p99, checks)


def _judged(check: SloCheck, fig: Figure) -> SloCheck:
    """`check` reading the banded `fig`: an objective met at the design's inputs but missed
    at the band's top (an open top saturates) is at risk, not met. The one place a latency
    objective's verdict looks at the band."""
    band = fig.band
    missed_at_top = band is not None and (band.high is None or band.high > check.target)
    status = SloStatus.AT_RISK if check.status is SloStatus.MET and missed_at_top else check.status
    return replace(check, figure=fig, status=status)
