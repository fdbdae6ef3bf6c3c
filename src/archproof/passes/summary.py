"""A one-screen summary of a design: counts and the peak request rate it implies."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from archproof.model import Design, Operation
from archproof.numbers import rate, sig
from archproof.passes.lower.lower import average_rate, peak_rate


def operation_rate(design: Design, op: Operation) -> Fraction | None:
    """Average arrival rate of an operation in requests/s (None for queue consumers)."""
    return average_rate(op, design.requirements.load)


@dataclass(frozen=True)
class Summary:
    """Counts of the design's elements and its peak external request rate."""

    name: str
    kind: str
    components: int
    stateful: int
    operations: int
    entities: int
    events: int
    average_rps: Fraction
    peak_rps: Fraction
    peak_factor: Fraction

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("kind", self.kind),
            ("components", f"{self.components} ({self.stateful} stateful)"),
            ("operations", str(self.operations)),
            ("entities", str(self.entities)),
            ("events", str(self.events)),
            (
                "peak requests/s",
                # both sides per second, to the same significant digits: the exact form
                # (`536430001/day`) is for YAML, and one decimal read 0.764/s as 0.8/s and
                # 0.255/s as 0.3/s, whose product is not 0.8
                f"{rate(float(self.peak_rps))} = {rate(float(self.average_rps))}"
                " average "
                f"× peak factor {sig(float(self.peak_factor))}",
            ),
        ]


def summarize(design: Design) -> Summary:
    from archproof.catalog import load_catalog, resolve

    catalog = load_catalog()
    stateful = sum(1 for c in design.components if resolve(c, catalog.get(c.tech)).stateful)
    load = design.requirements.load
    rates = [(op, operation_rate(design, op)) for op in design.operations]
    average = sum((r for _, r in rates if r is not None), Fraction(0))
    # each at its own peak: work that arrives flat (`arrivals: flat`) is not multiplied, a
    # stated burst (`peak`) is as stated
    peak = sum(
        (
            peak_rate(r, load, op.arrivals, op.peak.per_second if op.peak is not None else None)
            for op, r in rates
            if r is not None
        ),
        Fraction(0),
    )
    factor = design.requirements.load.peak_factor
    return Summary(
        name=design.meta.name,
        kind=design.meta.kind,
        components=len(design.components),
        stateful=stateful,
        operations=len(design.operations),
        entities=len(design.entities),
        events=len(design.events),
        average_rps=average,
        peak_rps=peak,
        peak_factor=factor,
    )
