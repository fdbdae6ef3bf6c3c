"""Machine-checkable assumptions (`requirements.assumptions[*].check`) against the figures."""

from __future__ import annotations

from collections.abc import Callable

import archproof.numbers as numbers
from archproof.model import Assumption
from archproof.passes.capacity.figure import Figure
from archproof.passes.capacity.result import (
    AssumptionResult,
    ComponentLoad,
    EntityStorage,
    OperationResult,
)
from archproof.passes.capacity.status import AssumptionStatus, Status
from archproof.units import UnitError, parse_duration, parse_percent, parse_rate, parse_size


def _fraction(text: str) -> float:
    text = text.strip()
    if text.endswith("%"):
        return float(parse_percent(text).fraction)
    return float(text)


_PARSERS: dict[str, Callable[[str], float]] = {
    "utilization": _fraction,
    "availability": _fraction,
    "p95": lambda t: float(parse_duration(t).seconds),
    "p99": lambda t: float(parse_duration(t).seconds),
    "mean_latency": lambda t: float(parse_duration(t).seconds),
    "queue_wait": lambda t: float(parse_duration(t).seconds),
    "peak_rate": lambda t: float(parse_rate(t).per_second),
    "storage": lambda t: float(parse_size(t).bytes),
}


# How a checked figure reads, in its metric's unit (one formatter: archproof/numbers.py).
_SHOWN: dict[str, Callable[[float], str]] = {
    "utilization": numbers.percent,
    "availability": numbers.nines,
    "p95": numbers.seconds,
    "p99": numbers.seconds,
    "mean_latency": numbers.seconds,
    "queue_wait": numbers.seconds,
    "peak_rate": numbers.rate,
    "storage": numbers.size,
}


def _shown(metric: str, value: float) -> str:
    return _SHOWN.get(metric, numbers.sig)(value)


def _figure(
    metric: str,
    component: ComponentLoad | None,
    operation: OperationResult | None,
    entity: EntityStorage | None,
) -> Figure | None:
    if metric == "utilization" and component is not None:
        return component.utilization
    if metric == "queue_wait" and component is not None:
        waits = [p.mean_wait for p in component.pools]
        return max(waits, key=lambda f: -1.0 if f.value is None else f.value, default=None)
    if metric == "peak_rate":
        if operation is not None:
            return operation.rate_peak
        if component is not None:
            return component.arrival_rate
    if operation is not None:
        if metric == "p95":
            return operation.p95_latency
        if metric == "p99":
            return operation.p99_latency
        if metric == "mean_latency":
            return operation.mean_latency
        if metric == "availability":
            return operation.availability
    if metric == "storage" and entity is not None:
        return entity.total_bytes
    return None


def check_assumptions(
    assumptions: tuple[Assumption, ...],
    components: dict[str, ComponentLoad],
    operations: dict[str, OperationResult],
    entities: dict[str, EntityStorage],
) -> tuple[AssumptionResult, ...]:
    out: list[AssumptionResult] = []
    for a in assumptions:
        check = a.check
        if check is None:
            out.append(
                AssumptionResult(
                    a.id,
                    a.statement,
                    AssumptionStatus.UNCHECKED,
                    None,
                    None,
                    "no machine-checkable form (add `check:`)",
                )
            )
            continue
        bound = " ".join(f"{k} {v}" for k, v in (("max", check.max), ("min", check.min)) if v)
        fig = _figure(
            check.metric,
            components.get(check.component or ""),
            operations.get(check.operation or ""),
            entities.get(check.entity or ""),
        )
        if fig is None:
            out.append(
                AssumptionResult(
                    a.id,
                    a.statement,
                    AssumptionStatus.UNKNOWN,
                    None,
                    bound,
                    f"no '{check.metric}' figure for this target",
                )
            )
            continue
        parse = _PARSERS[check.metric]
        try:
            hi = parse(check.max) if check.max else None
            lo = parse(check.min) if check.min else None
        except (UnitError, ValueError) as exc:
            out.append(
                AssumptionResult(
                    a.id,
                    a.statement,
                    AssumptionStatus.UNKNOWN,
                    fig,
                    bound,
                    f"cannot read the bound: {exc}",
                )
            )
            continue
        if fig.value is None:
            status = (
                AssumptionStatus.REFUTED
                if fig.status == Status.SATURATED and hi is not None
                else AssumptionStatus.UNKNOWN
            )
            out.append(
                AssumptionResult(a.id, a.statement, status, fig, bound, f"figure is {fig.status}")
            )
            continue
        bad = (hi is not None and fig.value > hi) or (lo is not None and fig.value < lo)
        detail = f"{check.metric} = {_shown(check.metric, fig.value)}"
        out.append(
            AssumptionResult(
                a.id,
                a.statement,
                AssumptionStatus.REFUTED if bad else AssumptionStatus.CONFIRMED,
                fig,
                bound,
                detail,
            )
        )
    return tuple(out)
