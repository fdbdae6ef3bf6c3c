"""The capacity result as plain tables (title, headers, rows of strings).

Both the terminal and the Markdown renderers draw these, so they show the same figures.
Cells are plain text; renderers escape them for their format. A cell showing a status
carries it as a mark (a status enum member), so the terminal colours by the status, not
by the words in the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import archproof.numbers as numbers
from archproof.numbers import sig
from archproof.passes.capacity import CapacityResult, Figure, SloStatus
from archproof.passes.capacity.failure import TIMEOUT_SHOWN, left_out

Mark = StrEnum  # the status a cell shows (Status, SloStatus, AssumptionStatus, Verdict, Flag)


class Flag(StrEnum):
    """A marker cell that is not a status word of a result."""

    SPOF = "SPOF"


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""
    # per row, per cell: the status the cell shows, or None; empty = no marks
    marks: tuple[tuple[Mark | None, ...], ...] = ()
    # How a narrow terminal fits the table, in order: long text of these columns moves
    # to numbered notes under the table ...
    fold: tuple[int, ...] = ()
    # ... then these columns are left out (the JSON and Markdown outputs keep them).
    drop: tuple[int, ...] = ()

    def mark(self, row: int, column: int) -> Mark | None:
        if row >= len(self.marks) or column >= len(self.marks[row]):
            return None
        return self.marks[row][column]


Cell = str | tuple[str, Mark | None]


class Rows:
    """Rows under construction; a cell is text, or (text, the status it shows)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.marks: list[tuple[Mark | None, ...]] = []

    def add(self, *cells: Cell) -> None:
        self.rows.append(tuple(c if isinstance(c, str) else c[0] for c in cells))
        self.marks.append(tuple(None if isinstance(c, str) else c[1] for c in cells))

    def table(
        self,
        title: str,
        headers: tuple[str, ...],
        note: str = "",
        *,
        fold: tuple[int, ...] = (),
        drop: tuple[int, ...] = (),
    ) -> Table:
        return Table(title, headers, tuple(self.rows), note, tuple(self.marks), fold, drop)


def marked(text: str, *figs: Figure) -> Cell:
    """A cell made of figures, marked with the first status shown in place of a value."""
    return text, next((f.status for f in figs if f.value is None), None)


# The order in which several statuses in one cell are judged: the worst is shown.
_WORST_SLO = (
    SloStatus.SATURATED,
    SloStatus.VIOLATED,
    SloStatus.AT_RISK,
    SloStatus.UNKNOWN,
    SloStatus.MET,
)


def worst_slo(statuses: list[SloStatus]) -> SloStatus | None:
    return next((s for s in _WORST_SLO if s in statuses), None)


def _banded(f: Figure, text: str, unit: str) -> str:
    """`text` and, near the knee, the band its inputs' uncertainty spans in the same unit:
    `114 ms (69.4–328)`; an upper end that saturates is ∞."""
    if f.band is None or f.band.low is None or f.value is None:
        return text
    return f"{text} {numbers.band(f.band.low, f.band.high, like=f.value, unit=unit)}"


def seconds(f: Figure) -> str:
    if f.value is None:
        return f.status
    return _banded(f, numbers.seconds(f.value), "s")


def rate(f: Figure) -> str:
    return f.status if f.value is None else numbers.rate(f.value)


def percent(f: Figure) -> str:
    if f.value is None:
        return f.status
    return _banded(f, numbers.percent(f.value), "%")


def size(f: Figure) -> str:
    return f.status if f.value is None else numbers.size(f.value)


def factor(f: Figure) -> str:
    return f.status if f.value is None else numbers.factor(f.value)


def bar(f: Figure, width: int = 10) -> str:
    """A text utilization bar: `███████░░░ 70.0%`."""
    if f.value is None:
        return f"{'!' * width} {f.status}"
    filled = min(width, round(min(f.value, 1.0) * width))
    shown = _banded(f, f"{numbers.percent(f.value):>6}", "%")
    return f"{'█' * filled}{'░' * (width - filled)} {shown}"


def _band_note(result: CapacityResult) -> str:
    """What a figure's (low–high) means, when some figure carries one."""
    sens = result.sensitivity
    if sens is None or not sens.re_solves:
        return ""
    return (
        f"; (low–high): the figure with service times or rates "
        f"±{numbers.percent(sens.uncertainty)}, where a pool is at ρ ≥ "
        f"{numbers.percent(sens.sensitive_from)}"
    )


def tables(result: CapacityResult) -> list[Table]:
    out: list[Table] = []
    rows = Rows()
    for c in result.components:
        for p in c.pools:
            name = c.id if p.name == "all" else f"{c.id}:{p.name}"
            servers = (
                "∞"
                if p.infinite
                else f"{p.instances}×{p.concurrency:,}={p.servers:,}"
                if p.instances > 1
                else f"{p.servers:,}"
            )
            held = f" (held by {', '.join(p.held_by)})" if p.held_by else ""
            rows.add(
                name,
                c.kind,
                servers,
                marked(rate(p.arrival_rate), p.arrival_rate),
                marked(seconds(p.mean_holding_time), p.mean_holding_time),
                marked(bar(p.utilization), p.utilization),
                marked(seconds(p.mean_wait), p.mean_wait),
                (p.status + held, p.status),
            )
    out.append(
        rows.table(
            f"Load and utilization at peak (peak factor {sig(result.peak_factor)})",
            (
                "component",
                "kind",
                "servers",
                "arrivals",
                "holding",
                "ρ",
                "wait",
                "status",
            ),
            "servers = instances × concurrency; holding = mean of own service + nested "
            "synchronous calls; ρ = utilization; wait: Erlang C with the Allen–Cunneen "
            "correction" + _band_note(result),
            fold=(7,),
            drop=(1,),
        )
    )
    rows = Rows()
    for o in result.operations:
        slo = (
            ", ".join(
                f"{c.metric} {numbers.seconds(c.target)} {c.status}"
                if c.metric != "availability"
                else f"avail {numbers.nines(c.target)} {c.status}"
                + (f" ({parts}: availability not given)" if (parts := left_out(c.figure)) else "")
                for c in o.slo
            )
            or "—"
        )
        rows.add(
            o.id,
            marked(rate(o.rate_peak), o.rate_peak),
            marked(seconds(o.mean_latency), o.mean_latency),
            marked(seconds(o.p95_latency), o.p95_latency),
            marked(seconds(o.p99_latency), o.p99_latency),
            (slo, worst_slo([c.status for c in o.slo])),
        )
    out.append(
        rows.table(
            "Latency vs SLO",
            ("operation", "peak rate", "mean", "p95", "p99", "SLO"),
            "p95/p99: lognormal fitted to the mean and variance" + _band_note(result),
            fold=(5,),
        )
    )
    b = result.bottleneck
    rows = Rows()
    for o in result.operations:
        rows.add(
            o.id,
            marked(rate(o.rate_peak), o.rate_peak),
            marked(rate(o.max_rate_mix), o.max_rate_mix),
            marked(rate(o.max_rate_alone), o.max_rate_alone),
        )
    neck = f"{b.component}:{b.pool}" if b.component else "none"
    out.append(
        rows.table(
            f"Bottleneck: {neck} saturates at {factor(b.saturation_factor)} today's peak",
            ("operation", "peak rate", "max (all grow)", "max (alone)"),
        )
    )
    rows = Rows()
    for h in result.headroom:
        rows.add(
            f"{h.component}" + ("" if h.pool == "all" else f":{h.pool}"),
            marked(percent(h.utilization), h.utilization),
            marked(factor(h.to_70), h.to_70),
            marked(factor(h.to_80), h.to_80),
            marked(factor(h.to_100), h.to_100),
        )
    out.append(
        rows.table(
            "Headroom (load factor to reach ρ)",
            ("component", "ρ now", "to 70%", "to 80%", "to 100%"),
            "each pool's own ρ scaled linearly (target / ρ); the bottleneck above re-solves "
            "the whole system as every operation grows, so a pool whose workers wait on "
            "queueing callees saturates sooner than its own to-100% factor",
        )
    )
    rows = Rows()
    for step in result.growth:
        if not step.needs:
            rows.add(step.label, "—", "no change", "", "")
        for n in step.needs:
            rows.add(
                step.label,
                n.component,
                n.change,
                marked(
                    f"{percent(n.utilization_now)} → {percent(n.utilization_planned)}",
                    n.utilization_now,
                    n.utilization_planned,
                ),
                f"{n.limit}: {n.move}" if n.limit else "",
            )
        for note in step.notes:
            rows.add(step.label, "", note, "", "")
    out.append(
        rows.table(
            "Growth plan (keep ρ ≤ 70%)",
            ("load", "component", "change", "ρ now → planned", "limit / move"),
            fold=(4, 2),
        )
    )
    rows = Rows()
    for e in result.storage.entities:
        rows.add(
            e.id,
            numbers.count(e.rows.value or 0.0),
            marked(size(e.row_bytes), e.row_bytes),
            marked(size(e.data_bytes), e.data_bytes),
            marked(size(e.index_bytes), e.index_bytes),
            marked(size(e.total_bytes), e.total_bytes),
            marked(size(e.ingress_per_day), e.ingress_per_day),
        )
    out.append(
        rows.table(
            f"Storage over retention (total {size(result.storage.total_bytes)}, ingress "
            f"{size(result.storage.ingress_per_day)}/day, egress "
            f"{size(result.storage.egress_per_day)}/day)",
            ("entity", "rows", "row", "data", "indexes", "total", "ingress/day"),
            "; ".join(result.storage.assumptions),
        )
    )
    rows = Rows()
    for f in result.failures:
        rows.add(
            f.component,
            ", ".join(f.fails) or "—",
            ", ".join(f.degrades) or "—",
            marked(percent(f.blast_radius), f.blast_radius),
            ("SPOF", Flag.SPOF) if f.spof else "",
            f.note or "",
        )
    out.append(
        rows.table(
            "Failure modes (component down)",
            ("component", "fails", "degrades", "blast radius", "", "note"),
            fold=(5, 1, 2),
        )
    )
    rows = Rows()
    # requests failed by timeouts with everything up: a column once any operation has some
    timed = any((o.timeout_failures.value or 0.0) >= TIMEOUT_SHOWN for o in result.operations)
    for o in result.operations:
        avail = next((c.status for c in o.slo if c.metric == "availability"), None)
        cells: list[Cell] = [
            o.id,
            numbers.nines(o.availability.value) if o.availability.value is not None else "unknown",
            numbers.minutes(o.downtime_per_year.value)
            if o.downtime_per_year.value is not None
            else "unknown",
        ]
        if timed:
            cells.append(percent(o.timeout_failures))
        cells.append((avail, avail) if avail is not None else "—")
        rows.add(*cells)
    out.append(
        rows.table(
            "Availability per operation",
            ("operation", "availability", "downtime/year")
            + (("failed by timeouts",) if timed else ())
            + ("SLO",),
        )
    )
    rows = Rows()
    for a in result.assumptions:
        rows.add(a.id, (a.status, a.status), a.bound or "", a.detail, a.statement)
    if rows.rows:
        out.append(
            rows.table(
                "Assumptions", ("id", "verdict", "bound", "figure", "statement"), fold=(4, 3)
            )
        )
    return out
