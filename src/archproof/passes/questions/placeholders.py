"""Figures cited in an author's answer by placeholder, filled from the analysis.

An answer may write `the bottleneck is {{bottleneck}} at {{saturation_factor}} the peak` or
`{{peak_rate:redirect}}` instead of a number (the vocabulary is `model.questions.
PLACEHOLDERS`; the loader rejects unknown names, AP034). The figures come from the
capacity result through the shared number formatter, so an answer reads the same figure as
the report's tables and can never contradict them. Without the capacity pass a placeholder
reads "(not computed)".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from archproof.model.questions import PLACEHOLDER_PATTERN
from archproof.numbers import factor, percent, rate, seconds
from archproof.passes.base import Results

if TYPE_CHECKING:
    from archproof.passes.capacity.result import CapacityResult

NOT_COMPUTED = "(not computed)"
_PATTERN = re.compile(PLACEHOLDER_PATTERN)


def fill(text: str, results: Results) -> tuple[str, tuple[str, ...]]:
    """`text` with every placeholder replaced by its figure, and the results it read."""
    from archproof.passes.capacity.result import CapacityResult

    capacity = results.get(CapacityResult)
    used: list[str] = []

    def one(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        used.append(f"capacity.{name}" + (f":{arg}" if arg else ""))
        return _figure(capacity, name, arg) if capacity is not None else NOT_COMPUTED

    filled = _PATTERN.sub(one, text)
    return filled, tuple(dict.fromkeys(used))


def _figure(capacity: CapacityResult, name: str, arg: str | None) -> str:
    ops = {o.id: o for o in capacity.operations}
    if name in ("peak_rate", "average_rate", "p99", "p95"):
        op = ops.get(arg or "")
        if op is None:
            return NOT_COMPUTED
        if name == "peak_rate":
            return rate(op.rate_peak.value)
        if name == "average_rate":
            return rate(op.rate_average.value)
        latency = op.p99_latency if name == "p99" else op.p95_latency
        return seconds(latency.value) if latency.value is not None else NOT_COMPUTED
    if name == "utilization":
        comp = next((c for c in capacity.components if c.id == arg), None)
        if comp is None or comp.utilization.value is None:
            return NOT_COMPUTED
        return percent(comp.utilization.value)
    bottleneck = capacity.bottleneck
    if name == "bottleneck":
        if bottleneck.component is None:
            return "no pool saturates"
        pool = f" ({bottleneck.pool})" if bottleneck.pool not in (None, "all") else ""
        return bottleneck.component + pool
    if name == "saturation_factor":
        value = bottleneck.saturation_factor.value
        return factor(value) if value is not None else NOT_COMPUTED
    if name == "peak_requests":
        total = sum(
            o.rate_peak.value or 0.0 for o in capacity.operations if o.sync and o.consumes is None
        )
        return rate(total)
    return NOT_COMPUTED
