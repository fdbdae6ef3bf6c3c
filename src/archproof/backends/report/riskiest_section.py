"""Section 6: the riskiest assumption and the test that would refute it (issue 20, item 6).

The assumptions are ranked by what the capacity pass found, read from its result: refuted
first, then those it could not check (unknown, unchecked), then confirmed ones; within a
rank, an assumption about the bottleneck first, then by the utilization of the component
it is about (the busier, the nearer to failing). The first is the riskiest; the test
that would refute it follows from its check's metric, target and bound (a load test at
the operation's peak rate, a fault drill, a row count) or, without a check, from stating
one. Nothing is computed here.
"""

from __future__ import annotations

from archproof.backends.report import fmt
from archproof.backends.report.document import Block, Cell, Note, Para, Table
from archproof.backends.report.evidence import badge, capacity
from archproof.model import Assumption, Design
from archproof.model.traits import traits
from archproof.passes.capacity import AssumptionStatus, CapacityResult
from archproof.passes.capacity.result import AssumptionResult
from archproof.report import Report

_RANK = {
    AssumptionStatus.REFUTED: 0,
    AssumptionStatus.UNKNOWN: 1,
    AssumptionStatus.UNCHECKED: 2,
    AssumptionStatus.CONFIRMED: 3,
}


def _target(a: Assumption) -> str:
    if a.check is None:
        return ""
    return a.check.component or a.check.operation or a.check.entity or ""


def _rank(a: Assumption, r: AssumptionResult, cap: CapacityResult) -> tuple[int, int, float]:
    target = _target(a)
    load = cap.component(target) if target else None
    busy = load.utilization.value if load is not None and load.utilization.value else 0.0
    return (_RANK.get(r.status, 1), 0 if target == cap.bottleneck.component else 1, -busy)


def _bound(a: Assumption) -> str:
    if a.check is None:
        return ""
    parts = [
        f"above {a.check.max}" if a.check.max else "",
        f"below {a.check.min}" if a.check.min else "",
    ]
    return " or ".join(p for p in parts if p)


def refuting_test(design: Design, a: Assumption, cap: CapacityResult) -> str:
    """The test whose result would show the assumption false, in the design's own terms."""
    check = a.check
    if check is None:
        source = f" (its source: {a.source})" if a.source else ""
        return (
            "none can be run yet: it has no `check:`; state it as a metric of a component, "
            f"operation or entity with a bound, and the analysis says whether it holds{source}"
        )
    target, metric, bound = _target(a), check.metric.replace("_", " "), _bound(a)
    op = cap.operation(check.operation) if check.operation else None
    peak = f" at its peak of {fmt.figure(op.rate_peak)}" if op is not None else " at peak"
    if metric in ("p95", "p99", "mean latency"):
        return f"load-test {target}{peak} and measure its {metric}: refuted {bound}"
    if metric == "availability":
        return (
            f"drill the faults {target} depends on (archproof simulate --scenario ...) and "
            f"measure the share of its requests that succeed: refuted {bound}"
        )
    if metric == "storage":
        return (
            f"load the projected rows of {target} (archproof dbcheck) and measure: refuted {bound}"
        )
    if metric == "peak rate":
        return (
            f"measure {target}'s peak rate in production or from the launch plan: refuted {bound}"
        )
    component = design.component_map.get(target)
    if component is not None and traits(component.kind).third_party:
        return (
            f"ask the provider for {target}'s quota and test against their sandbox{peak}: "
            f"its {metric} is refuted {bound}"
        )
    return f"load-test {target}{peak} and measure its {metric}: refuted {bound}"


def riskiest_assumption(report: Report) -> tuple[Block, ...]:
    design = report.design
    if not design.requirements.assumptions:
        return (
            Note("No assumptions written: nothing the design takes for granted is named.", "warn"),
        )
    cap = capacity(report)
    if cap is None:
        return (Note("Capacity analysis not run: the assumptions are not ranked."),)
    results = {r.id: r for r in cap.assumptions}
    ranked = sorted(
        ((a, results[a.id]) for a in design.requirements.assumptions if a.id in results),
        key=lambda pair: _rank(pair[0], pair[1], cap),
    )
    if not ranked:
        return (Note("No assumption was checked by the capacity pass."),)
    first, result = ranked[0]
    blocks: list[Block] = [
        Para(first.statement, lead=f"{first.id} is the riskiest ({result.status}):"),
    ]
    if result.detail:
        against = f" against {result.bound}" if result.bound else ""
        blocks.append(Para(f"{result.detail}{against}.", lead="The analysis:"))
    blocks.append(Para(refuting_test(design, first, cap), lead="The test that would refute it:"))
    rows: list[tuple[Cell, ...]] = [
        (a.id, badge(r.status), _target(a) or "—", r.detail or "—", refuting_test(design, a, cap))
        for a, r in ranked[1:]
    ]
    if rows:
        blocks.append(
            Table(
                ("Assumption", "Status", "About", "Analysis", "Test that would refute it"),
                tuple(rows),
                caption="The others, riskiest first: refuted, then unchecked, then confirmed "
                "ones on the bottleneck and the busiest components",
            )
        )
    return tuple(blocks)
