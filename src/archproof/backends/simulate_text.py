"""The simulate result as tables, rendered for a terminal (rich) or as Markdown.

Every simulated figure sits beside the analytic one from the capacity pass
("sim / analytic"); intervals are 95 % confidence intervals.
"""

from __future__ import annotations

import io
import math

from rich.console import Console
from rich.text import Text

import archproof.numbers as numbers
from archproof.backends.capacity_tables import Mark, Rows, Table
from archproof.backends.capacity_terminal import fit
from archproof.passes.simulate.faults import describe
from archproof.passes.simulate.pass_ import ComponentFigures, SimulateResult
from archproof.passes.simulate.stats import Interval, Verdict

# Colour by the verdict a cell carries, never by its text; the worst verdict of a cell wins.
_STYLE: dict[Mark, str] = {
    Verdict.MISSED: "red",
    Verdict.INCONCLUSIVE: "yellow",
    Verdict.MET: "green",
}
_WORST = (Verdict.MISSED, Verdict.INCONCLUSIVE, Verdict.MET)


def ms(v: float | None) -> str:
    """Seconds as a short human duration (archproof/numbers.py)."""
    if v is None or math.isnan(v):
        return "—"
    return numbers.seconds(v)


def ci(i: Interval) -> str:
    if math.isnan(i.low) or math.isnan(i.high):
        return ms(i.value)
    return f"{ms(i.value)} ±{ms(i.half_width)}"


def pct(v: float | None) -> str:
    if v is None or math.isnan(v):
        return "—"
    return numbers.percent(v)


def _count(n: float) -> str:
    return numbers.count(n)


def header(result: SimulateResult) -> list[str]:
    sim = result.simulation
    run = sim.runs[0]
    size = f"{sim.n_requests:,} requests" if sim.n_requests else f"{numbers.sig(sim.duration_s)} s"
    lines = [
        f"{len(sim.runs)} replication(s) of {size} at {numbers.sig(result.load)}× peak load, "
        f"seed {result.seed}, {run.backend} backend ({run.kernel} kernel), "
        f"{sum(r.events for r in sim.runs):,} events"
    ]
    if result.scenario:
        lines.append(f"scenario: {result.scenario}")
    if result.faults:
        lines.append("faults: " + ", ".join(describe(f) for f in result.faults))
    return lines


def tables(result: SimulateResult) -> list[Table]:
    out: list[Table] = []
    rows = []
    for o in result.operations:
        rows.append(
            (
                o.name,
                f"{o.throughput_per_s:,.1f}",
                f"{o.ok:,}",
                f"{o.degraded:,}",
                f"{o.errors:,} ({pct(o.error_rate)})",
                f"{o.timeouts:,}",
                f"{o.rejections:,}",
            )
        )
    out.append(
        Table(
            "Requests per operation",
            ("operation", "throughput/s", "ok", "degraded", "errors", "timeouts", "rejections"),
            tuple(rows),
            "counts summed over replications; timeouts and rejections are calls inside requests",
        )
    )
    latency = Rows()
    for o in result.operations:
        slo = ", ".join(f"{s.metric} {ms(s.target_s)} {s.verdict}" for s in o.slo) or "—"
        verdicts = [s.verdict for s in o.slo]
        latency.add(
            o.name,
            f"{ci(o.mean_s)} / {ms(o.analytic_mean_s)}",
            ms(o.p50_s),
            f"{ms(o.p95_s)} / {ms(o.analytic_p95_s)}",
            f"{ci(o.p99_s)} / {ms(o.analytic_p99_s)}",
            ms(o.p999_s),
            (slo, next((v for v in _WORST if v in verdicts), None)),
        )
    out.append(
        latency.table(
            "Latency (simulated / analytic)",
            ("operation", "mean", "p50", "p95", "p99", "p99.9", "SLO"),
            "± is the 95% confidence interval; the analytic figure is the capacity pass's",
            fold=(6, 4, 1),
        )
    )
    rows = []
    for c in result.components:
        rows.append(
            (
                c.name,
                str(c.servers) if c.servers else "∞",
                _utilization(c),
                f"{c.mean_queue:.2f}",
                ms(c.wait_p99_s),
                ms(c.wasted_work_s),
                f"{c.rejections:,}",
            )
        )
    out.append(
        Table(
            "Components (simulated / analytic utilization)",
            ("component", "servers", "utilization", "mean queue", "wait p99", "wasted", "rejected"),
            tuple(rows),
            "a database with read replicas has a row per pool (primary, replicas)",
        )
    )
    during = [
        c
        for c in result.components
        if c.fault_utilization is not None
        and not (c.servers == 0 and c.analytic_utilization is None)
    ]
    if during:
        out.append(
            Table(
                "During the faults (simulated / analytic utilization)",
                ("component", "before: analytic", "during: simulated / analytic"),
                tuple(
                    (
                        c.name,
                        pct(c.analytic_utilization),
                        f"{pct(c.fault_utilization)} / "
                        + (pct(c.analytic_fault_utilization) if c.fault_comparable else "n/c"),
                    )
                    for c in during
                ),
                "from the first fault's start to the last one's end; the analytic figure "
                "adds the load fallback calls take on (the failed share × rate × their time) "
                "over the servers left; n/c: not comparable, the fault changes this pool's "
                "service or holding time (slow, erroring, or waiting on a faulted pool)",
            )
        )
    if result.windows:
        out.append(
            Table(
                "Around the faults (all operations)",
                ("window", "from", "to", "ok/s", "error rate", "mean latency"),
                tuple(
                    (
                        w.label,
                        f"{numbers.sig(w.start_s)}s",
                        f"{numbers.sig(w.end_s)}s",
                        _count(w.ok_per_s),
                        pct(w.error_rate),
                        ms(w.mean_latency_s),
                    )
                    for w in result.windows
                ),
                "from the first replication's per-second timeline (--format json has it all)",
            )
        )
    return out


def _utilization(c: ComponentFigures) -> str:
    """Simulated / analytic ρ; an unbounded pool (∞ servers, none in the analysis either)
    has no share to print, only how many calls it held on average (analyze: unbounded).
    It printed 473,343% for a webhook draft's endpoints."""
    if c.servers == 0 and c.analytic_utilization is None:
        return f"unbounded ({numbers.sig(c.utilization)} in flight on average)"
    return f"{pct(c.utilization)} / {pct(c.analytic_utilization)}"


def render_terminal(
    result: SimulateResult, *, title: str = "", color: bool = False, width: int = 100
) -> str:
    """The simulate tables at `width` columns (the CLI passes the terminal's width); a
    table wider than that folds its long text into notes (capacity_terminal.fit)."""
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width, emoji=False)
    if title:
        console.print(Text(title, style="bold"))
    for line in header(result):
        console.print(Text(line, style="dim"))
    for t in tables(result):
        fitted = fit(t, console, _style)
        console.print(fitted.table)
        for n, note in enumerate(fitted.notes, start=1):
            console.print(Text(f"  [{n}] {note}"))
    console.print(Text(f"duplicate side effects (non-idempotent retries): {result.duplicates}"))
    for note in result.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    return buf.getvalue()


def _style(mark: Mark | None) -> str:
    return _STYLE.get(mark, "") if mark is not None else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(result: SimulateResult, *, title: str = "") -> str:
    lines: list[str] = []
    if title:
        lines += [f"# {_cell(title)}", ""]
    lines += [f"_{_cell(line)}_  " for line in header(result)]
    lines.append("")
    for t in tables(result):
        lines += [f"## {_cell(t.title)}", ""]
        lines.append("| " + " | ".join(_cell(h) for h in t.headers) + " |")
        lines.append("|" + "---|" * len(t.headers))
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
        if t.note:
            lines += ["", f"_{_cell(t.note)}_"]
        lines.append("")
    lines.append(f"Duplicate side effects (non-idempotent retries): {result.duplicates}")
    lines += [f"- note: {_cell(n)}" for n in result.notes]
    return "\n".join(lines) + "\n"


__all__ = ["render_markdown", "render_terminal", "tables"]
