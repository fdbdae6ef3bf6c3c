"""The task's stated numbers, as facts for the model and as a check on its design.

The offline drafter's requirements reader (`draft.quantities.read_quantities`) places every
number of the task: what it measures, its unit, its period, whether it is a peak. Those
become the facts each request lists ("use each one"), and after each round the design is
checked against them: a stated rate that no operation, event or load figure carries, a
stated latency no SLO uses, a stated availability or retention the requirements drop, is
a problem sent back to the model. Rates are compared with the lowered model's figures (the
capacity result's average and peak per operation), so "used" means "what archproof
analyses", not what the model said it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from archproof.frontends.draft.lexicon import NOUNS
from archproof.frontends.draft.quantities import Quantity, Reading, read_quantities
from archproof.frontends.draft.text import normalize, singular
from archproof.model import Design
from archproof.numbers import sig

_TOLERANCE = Fraction(2, 100)  # "100M/month" written as "38.6/s" is the same number


@dataclass(frozen=True)
class Stated:
    """One number of the task the design must use, and what kind of figure carries it."""

    quantity: Quantity
    kind: str  # rate, people, latency, retention, availability, peak_factor

    def fact(self) -> str:
        q = self.quantity
        words = f'"{q.describe()}"'
        if self.kind == "rate":
            per = q.per_second or Fraction(0)
            peak = "a peak rate" if q.peak else "an average rate"
            return f"{words}: {peak} of {_num(per)}/s ({q.subject})"
        if self.kind == "latency":
            return f"{words}: a latency target of {_num(q.value * 1000)}ms ({q.subject})"
        if self.kind == "retention":
            return f"{words}: data kept for {_num(q.value / 86400)} days"
        if self.kind == "availability":
            return f"{words}: an availability target of {_num(q.value)}%"
        if self.kind == "peak_factor":
            return f"{words}: peak = {_num(q.value)}× the average"
        return f"{words}: {_num(q.value)} {q.subject}"


def read_task(task: str) -> tuple[Reading, tuple[Stated, ...]]:
    """Every number of the task, and those a design is expected to carry."""
    reading = read_quantities(normalize(task))
    stated = tuple(s for q in reading.placed if (s := _stated(q)) is not None)
    return reading, stated


def _stated(q: Quantity) -> Stated | None:
    if q.unit == "count" and q.period is not None and q.per is None:
        return Stated(q, "rate")
    if q.unit == "count" and q.period is None and q.per is None and q.subject:
        head = singular(q.subject.split()[-1].lower())
        known = NOUNS.get(head)
        if known and known[0] == "people":
            return Stated(q, "people")
        return None
    if q.unit == "seconds" and q.role == "latency":
        return Stated(q, "latency")
    if q.unit == "seconds" and q.role == "retention":
        return Stated(q, "retention")
    if q.unit == "percent" and Fraction(90) <= q.value < 100:
        return Stated(q, "availability")
    if q.unit == "factor" and "peak" in q.subject.lower():
        return Stated(q, "peak_factor")
    return None


def unused(
    stated: tuple[Stated, ...], design: Design, rates: dict[str, tuple[float, float]]
) -> list[Stated]:
    """The stated numbers the design does not carry. `rates`: operation id → (average,
    peak) per second from the analysis."""
    return [s for s in stated if not _used(s, design, rates)]


def _used(s: Stated, design: Design, rates: dict[str, tuple[float, float]]) -> bool:
    q = s.quantity
    req = design.requirements
    if any(q.text in a.statement for a in req.assumptions):
        return True  # addressed in words: an assumption says why it does not apply
    if s.kind == "rate":
        target = float(q.per_second or 0)
        found = [v for pair in rates.values() for v in pair]
        sync = [pair for op, pair in rates.items() if design.operation_map[op].sync]
        found += [sum(p[0] for p in sync), sum(p[1] for p in sync)]
        if req.load.requests is not None:
            found.append(req.load.requests.per_s_float)
        found += [e.volume.per_s_float for e in design.events if e.volume is not None]
        found += [e.growth.per_s_float for e in design.entities if e.growth is not None]
        return any(_close(target, v) for v in found)
    if s.kind == "people":
        found_people = [req.load.users, req.load.daily_active_users]
        return any(c is not None and _close(float(q.value), c.float) for c in found_people)
    if s.kind == "latency":
        slos = [o.slo for o in design.operations if o.slo is not None]
        values = [d for slo in slos for d in (slo.p50, slo.p95, slo.p99) if d is not None]
        return any(_close(float(q.value), d.s_float) for d in values)
    if s.kind == "retention":
        kept = req.data.retention
        return kept is not None and _close(float(q.value), kept.s_float)
    if s.kind == "availability":
        targets = [req.slos.availability] + [
            o.slo.availability for o in design.operations if o.slo is not None
        ]
        return any(t is not None and _close(float(q.value), float(t.percent)) for t in targets)
    if s.kind == "peak_factor":
        return _close(float(q.value), float(req.load.peak_factor))
    return True


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= float(_TOLERANCE) * max(abs(a), abs(b), 1e-12)


def _num(value: Fraction) -> str:
    number = float(value)
    return sig(number, 6) if number < 1e6 else f"{number:,.0f}"
