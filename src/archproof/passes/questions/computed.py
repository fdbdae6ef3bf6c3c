"""Answers computed from other passes' results (capacity today; simulation can plug in).

Each function takes the design and the earlier passes' results and returns the answer's
lines and sources, or None when the pass did not run or has nothing to say. A new
computed answer is one function here plus one entry in `COMPUTERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from archproof.model import Design
from archproof.numbers import factor as fmt_factor
from archproof.numbers import percent
from archproof.passes.base import Results
from archproof.passes.questions.derive import Found

if TYPE_CHECKING:
    from archproof.passes.capacity.figure import Figure
    from archproof.passes.capacity.result import CapacityResult

Computer = Callable[[Design, Results], Found | None]


def _capacity(results: Results) -> CapacityResult | None:
    # Imported here, not at the top, so loading the questions never loads capacity's internals.
    from archproof.passes.capacity.result import CapacityResult

    return results.get(CapacityResult)


def _pct(fig: Figure) -> str:
    return percent(fig.value) if fig.value is not None else fig.status


def peak_load(design: Design, results: Results) -> Found | None:
    capacity = _capacity(results)
    if capacity is None or not capacity.components:
        return None
    lines = []
    for op in capacity.operations:
        if op.rate_peak.value is not None:
            lines.append(f"{op.id}: {op.rate_peak.value:,.1f}/s at peak")
    ranked = sorted(capacity.components, key=lambda c: -(c.utilization.value or 0.0))
    for c in ranked:
        rate = c.arrival_rate.value
        shown = f"{rate:,.1f} calls/s" if rate is not None else "? calls/s"
        lines.append(f"{c.id}: {shown}, utilization {_pct(c.utilization)} ({c.status})")
    b = capacity.bottleneck
    if b.component is not None:
        factor = b.saturation_factor.value
        # the report's summary prints the same figure through the same formatter
        at = f" at {fmt_factor(factor)} the peak load" if factor is not None else ""
        lines.append(f"Bottleneck: {b.component} ({b.pool}) saturates first{at}")
    return lines, ["capacity.components", "capacity.bottleneck"]


def caching(design: Design, results: Results) -> Found | None:
    """Each cache's effect on its store, or — without caches — how busy the stores are."""
    capacity = _capacity(results)
    if capacity is None:
        return None
    lines = [
        f"{c.cache} shields {c.store} on {c.operation}: the store runs at "
        f"{_pct(c.store_utilization)} with it, {_pct(c.store_utilization_without_cache)} "
        "without it"
        for c in capacity.caches
    ]
    if not capacity.caches:
        stores = [
            c for c in capacity.components if c.kind in ("database", "search_index", "object_store")
        ]
        if not stores:
            return None
        busiest = max(stores, key=lambda c: c.utilization.value or 0.0)
        lines.append(
            f"No cache: the busiest store, {busiest.id}, runs at {_pct(busiest.utilization)} "
            "at peak"
        )
    return lines, ["capacity.caches", "capacity.components"]


def growth(design: Design, results: Results) -> Found | None:
    capacity = _capacity(results)
    if capacity is None or not capacity.growth:
        return None
    lines = []
    if design.requirements.load.growth_per_year is not None:
        lines.append(f"Load grows {design.requirements.load.growth_per_year} per year.")
    for step in capacity.growth:
        needs = [n.summary() for n in step.needs]  # the growth table's text, one source
        lines.append(f"{step.label}: {'; '.join(needs) if needs else 'no change needed'}")
    return lines, ["capacity.growth"]


def failures(design: Design, results: Results) -> Found | None:
    capacity = _capacity(results)
    if capacity is None or not capacity.failures:
        return None
    lines = []
    for f in capacity.failures:
        parts = [f"{_pct(f.blast_radius)} of incoming requests fail"]
        if f.fails:
            parts.append(f"fails {', '.join(f.fails)}")
        if f.degrades:
            parts.append(f"degrades {', '.join(f.degrades)}")
        if f.spof:
            parts.append("single point of failure")
        lines.append(f"{f.component} down: {'; '.join(parts)}")
    return lines, ["capacity.failures"]


def assumption_checks(design: Design, results: Results) -> Found | None:
    capacity = _capacity(results)
    if capacity is None or not capacity.assumptions:
        return None
    lines = [f"{a.id}: {a.status} — {a.detail}" for a in capacity.assumptions]
    return lines, ["capacity.assumptions"]


COMPUTERS: dict[str, Computer] = {
    "Q4.1": peak_load,
    "Q4.3": caching,
    "Q4.4": growth,
    "Q5.1": failures,
    "Q6.3": assumption_checks,
}
