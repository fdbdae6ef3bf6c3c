"""The capacity result as plain tables (title, headers, rows of strings).

Both the terminal and the Markdown renderers draw these, so they show the same figures.
Cells are plain text; renderers escape them for their format.
"""

from __future__ import annotations

from dataclasses import dataclass

from archproof.passes.capacity import CapacityResult, Figure


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


def seconds(f: Figure) -> str:
    if f.value is None:
        return f.status
    v = f.value
    if v >= 1:
        return f"{v:.2f}s"
    if v >= 1e-3:
        return f"{v * 1e3:.1f}ms"
    if v >= 1e-6:
        return f"{v * 1e6:.0f}µs"
    return "0"


def rate(f: Figure) -> str:
    if f.value is None:
        return f.status
    v = f.value
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:.3g}{suffix}/s"
    return f"{v:.3g}/s"


def percent(f: Figure, digits: int = 1) -> str:
    if f.value is None:
        return f.status
    return f"{f.value * 100:.{digits}f}%"


def size(f: Figure) -> str:
    if f.value is None:
        return f.status
    v = f.value
    for div, suffix in ((1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if v >= div:
            return f"{v / div:.3g}{suffix}"
    return f"{v:.0f}B"


def factor(f: Figure) -> str:
    return f.status if f.value is None else f"{f.value:.3g}×"


def bar(f: Figure, width: int = 10) -> str:
    """A text utilization bar: `███████░░░ 70.0%`."""
    if f.value is None:
        return f"{'!' * width} {f.status}"
    filled = min(width, round(min(f.value, 1.0) * width))
    return f"{'█' * filled}{'░' * (width - filled)} {f.value * 100:5.1f}%"


def tables(result: CapacityResult) -> list[Table]:
    out: list[Table] = []
    rows: list[tuple[str, ...]] = []
    for c in result.components:
        for p in c.pools:
            name = c.id if p.name == "all" else f"{c.id}:{p.name}"
            servers = "∞" if p.infinite else f"{p.instances}×{p.concurrency}={p.servers}"
            rows.append(
                (
                    name,
                    c.kind,
                    servers,
                    rate(p.arrival_rate),
                    seconds(p.mean_holding_time),
                    bar(p.utilization),
                    seconds(p.mean_wait),
                    p.status + (f" (held by {', '.join(p.held_by)})" if p.held_by else ""),
                )
            )
    out.append(
        Table(
            f"Load and utilization at peak (peak factor {result.peak_factor:g})",
            (
                "component",
                "kind",
                "servers",
                "arrivals",
                "E[holding]",
                "utilization ρ",
                "wait (A–C)",
                "status",
            ),
            tuple(rows),
            "holding = own service + nested synchronous calls; wait: Erlang C with the "
            "Allen–Cunneen correction",
        )
    )
    rows = []
    for o in result.operations:
        slo = (
            ", ".join(
                f"{c.metric} {c.target * 1000:g}ms {c.status}"
                if c.metric != "availability"
                else f"avail {c.target * 100:g}% {c.status}"
                for c in o.slo
            )
            or "—"
        )
        rows.append(
            (
                o.id,
                rate(o.rate_peak),
                seconds(o.mean_latency),
                seconds(o.p95_latency),
                seconds(o.p99_latency),
                slo,
            )
        )
    out.append(
        Table(
            "Latency vs SLO",
            ("operation", "peak rate", "mean", "p95", "p99", "SLO"),
            tuple(rows),
            "p95/p99: lognormal fitted to the mean and variance",
        )
    )
    b = result.bottleneck
    rows = [
        (o.id, rate(o.rate_peak), rate(o.max_rate_mix), rate(o.max_rate_alone))
        for o in result.operations
    ]
    neck = f"{b.component}:{b.pool}" if b.component else "none"
    out.append(
        Table(
            f"Bottleneck: {neck} saturates at {factor(b.saturation_factor)} today's peak",
            ("operation", "peak rate", "max (all grow)", "max (alone)"),
            tuple(rows),
        )
    )
    rows = [
        (
            f"{h.component}" + ("" if h.pool == "all" else f":{h.pool}"),
            percent(h.utilization),
            factor(h.to_70),
            factor(h.to_80),
            factor(h.to_100),
        )
        for h in result.headroom
    ]
    out.append(
        Table(
            "Headroom (load factor to reach ρ)",
            ("component", "ρ now", "to 70%", "to 80%", "to 100%"),
            tuple(rows),
        )
    )
    rows = []
    for step in result.growth:
        if not step.needs:
            rows.append((step.label, "—", "no change", "", ""))
        for n in step.needs:
            word = "primaries" if n.pool in ("primary", "replicas") else "replicas"
            change = f"{word} {n.replicas_now}→{n.replicas_needed}"
            if n.read_replicas_needed != n.read_replicas_now:
                change += f", read replicas {n.read_replicas_now}→{n.read_replicas_needed}"
            rows.append(
                (
                    step.label,
                    n.component,
                    change,
                    f"{percent(n.utilization_now)} → {percent(n.utilization_planned)}",
                    f"{n.limit}: {n.move}" if n.limit else "",
                )
            )
        for note in step.notes:
            rows.append((step.label, "", note, "", ""))
    out.append(
        Table(
            "Growth plan (keep ρ ≤ 70%)",
            ("load", "component", "change", "ρ now → planned", "limit / move"),
            tuple(rows),
        )
    )
    rows = []
    for e in result.storage.entities:
        rows.append(
            (
                e.id,
                f"{(e.rows.value or 0):,.0f}",
                size(e.row_bytes),
                size(e.data_bytes),
                size(e.index_bytes),
                size(e.total_bytes),
                size(e.ingress_per_day),
            )
        )
    out.append(
        Table(
            f"Storage over retention (total {size(result.storage.total_bytes)}, ingress "
            f"{size(result.storage.ingress_per_day)}/day, egress "
            f"{size(result.storage.egress_per_day)}/day)",
            ("entity", "rows", "row", "data", "indexes", "total", "ingress/day"),
            tuple(rows),
            "; ".join(result.storage.assumptions),
        )
    )
    rows = []
    for f in result.failures:
        rows.append(
            (
                f.component,
                ", ".join(f.fails) or "—",
                ", ".join(f.degrades) or "—",
                percent(f.blast_radius),
                "SPOF" if f.spof else "",
                f.note or "",
            )
        )
    out.append(
        Table(
            "Failure modes (component down)",
            ("component", "fails", "degrades", "blast radius", "", "note"),
            tuple(rows),
        )
    )
    rows = [
        (
            o.id,
            f"{(o.availability.value or 0) * 100:.4f}%",
            f"{o.downtime_per_year.value:.0f} min"
            if o.downtime_per_year.value is not None
            else "unknown",
            next((c.status for c in o.slo if c.metric == "availability"), "—"),
        )
        for o in result.operations
    ]
    out.append(
        Table(
            "Availability per operation",
            ("operation", "availability", "downtime/year", "SLO"),
            tuple(rows),
        )
    )
    rows = [(a.id, a.status, a.bound or "", a.detail, a.statement) for a in result.assumptions]
    if rows:
        out.append(
            Table("Assumptions", ("id", "verdict", "bound", "figure", "statement"), tuple(rows))
        )
    return out
