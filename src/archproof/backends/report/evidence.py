"""The sections built from pass results: capacity, simulation, questions.

Each function reads the result of a pass if it ran and formats its figures; when the
pass did not run (or has not computed a figure) it says so. Nothing is computed here.
"""

from __future__ import annotations

from archproof.backends.report import fmt
from archproof.backends.report.document import (
    Answer,
    Answers,
    Badge,
    Bar,
    BarChart,
    Block,
    Bullets,
    Cell,
    KeyValues,
    LineChart,
    Note,
    Para,
    Section,
    Series,
    Table,
    Tone,
)
from archproof.model import QUESTIONS
from archproof.model.objectives import user_facing
from archproof.model.questions import SECTIONS
from archproof.model.traits import traits
from archproof.numbers import sig
from archproof.passes.capacity.failure import TIMEOUT_SHOWN, left_out
from archproof.passes.capacity.figure import Figure
from archproof.passes.capacity.result import CapacityResult, OperationResult
from archproof.passes.capacity.status import AssumptionStatus, SloStatus, Status
from archproof.passes.questions import QuestionsResult
from archproof.passes.simulate.pass_ import SimulateResult
from archproof.passes.simulate.stats import Verdict
from archproof.policy import TARGET_UTILIZATION, VALIDATE_EARLY_FROM
from archproof.report import Report

NOT_RUN_CAPACITY = "Capacity analysis not run: no computed load, utilization or latency."
NOT_RUN_SIMULATION = (
    "Simulation not run: latencies are analytic only. Run archproof report --simulate to "
    "compare them with a discrete-event simulation."
)

StatusWord = Status | SloStatus | AssumptionStatus | Verdict

# A badge's tone follows the status it shows (members with one value share a tone).
_TONES: dict[StatusWord, Tone] = {
    AssumptionStatus.CONFIRMED: "good",
    SloStatus.MET: "good",
    Status.OK: "good",
    Status.IDLE: "muted",
    AssumptionStatus.REFUTED: "bad",
    SloStatus.VIOLATED: "bad",
    Verdict.MISSED: "bad",
    Status.SATURATED: "bad",
    Status.WARNING: "warn",
    SloStatus.AT_RISK: "warn",
    Verdict.INCONCLUSIVE: "warn",
    Status.UNKNOWN: "muted",
    AssumptionStatus.UNCHECKED: "muted",
    Status.UNBOUNDED: "muted",
}


def badge(status: StatusWord) -> Badge:
    return Badge(status.value, _TONES.get(status, ""))


def capacity(report: Report) -> CapacityResult | None:
    return report.get(CapacityResult)


# --------------------------------------------------------------------------- summary


def verdict_rows(report: Report) -> list[tuple[str, Cell]]:
    rows: list[tuple[str, Cell]] = []
    design = report.design
    cap = capacity(report)
    if cap is None:
        n = len(design.requirements.assumptions)
        rows.append(("Assumptions", Badge(f"{n} unchecked (capacity not run)", "muted")))
        rows.append(("SLOs", Badge("not computed (capacity not run)", "muted")))
        return rows
    counts: dict[AssumptionStatus, int] = {}
    for a in cap.assumptions:
        counts[a.status] = counts.get(a.status, 0) + 1
    text = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none written"
    refuted = counts.get(AssumptionStatus.REFUTED)
    worst: Tone = "bad" if refuted else "warn" if len(counts) > 1 else "good"
    rows.append(("Assumptions", Badge(text, worst if counts else "muted")))
    met = violated = at_risk = other = 0
    for op in cap.operations:
        for check in op.slo:
            if check.status == SloStatus.MET:
                met += 1
            elif check.status in (SloStatus.VIOLATED, SloStatus.SATURATED):
                violated += 1
            elif check.status == SloStatus.AT_RISK:
                at_risk += 1
            else:
                other += 1
    slo_text = f"{met} met, {violated} violated" + (f", {at_risk} at risk" if at_risk else "")
    slo_text += f", {other} unknown" if other else ""
    tone: Tone = "bad" if violated else "warn" if at_risk else "good"
    rows.append(("SLOs (analytic)", Badge(slo_text, tone)))
    b = cap.bottleneck
    if b.component:
        where = b.component + (f" ({b.pool})" if b.pool and b.pool != "all" else "")
        rows.append(
            ("Bottleneck", f"{where} saturates at {fmt.figure(b.saturation_factor)} today's peak")
        )
    return rows


# --------------------------------------------------------------------------- assumptions


def assumptions(report: Report) -> tuple[Block, ...]:
    design = report.design
    if not design.requirements.assumptions:
        return (Note("No assumptions written.", "warn"),)
    cap = capacity(report)
    results = {a.id: a for a in cap.assumptions} if cap else {}
    rows: list[tuple[Cell, ...]] = []
    for a in design.requirements.assumptions:
        r = results.get(a.id)
        check = "—"
        if a.check is not None:
            target = a.check.component or a.check.operation or a.check.entity or ""
            bound = " ".join(
                part
                for part in (
                    f"≤ {a.check.max}" if a.check.max else "",
                    f"≥ {a.check.min}" if a.check.min else "",
                )
                if part
            )
            check = f"{a.check.metric} of {target} {bound}".strip()
        if r is not None:
            status = badge(r.status)
            shown = _assumption_figure(r.figure, a.check.metric if a.check else "")
            detail = r.detail or "—"
        else:
            status = badge(AssumptionStatus.UNCHECKED)
            shown = "—"
            detail = "capacity not run" if a.check is not None and cap is None else "no check"
        rows.append((a.id, a.statement, check, status, shown, detail, a.source or "—"))
    blocks: list[Block] = [
        Table(
            ("Id", "Assumption", "Check", "Status", "Figure", "Evidence", "Source"),
            tuple(rows),
        )
    ]
    if cap is None:
        blocks.append(Note(NOT_RUN_CAPACITY))
    return tuple(blocks)


def _assumption_figure(fig: Figure | None, metric: str) -> str:
    kind = {
        "utilization": "pct",
        "availability": "nines",
        "storage": "size",
        "peak_rate": "rate",
    }.get(metric, "")
    return fmt.figure(fig, kind) if fig is not None else "—"


# --------------------------------------------------------------------------- 4 scalability


def scalability(report: Report) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    cap = capacity(report)
    if cap is None:
        return (Note(NOT_RUN_CAPACITY),), ()
    intro = Para(
        f"All figures at the design's peak load (peak factor {sig(cap.peak_factor)}× the "
        "average); each traces to a formula: archproof analyze --format json shows it."
    )
    children: tuple[Section, ...] = (
        Section("load", "Load", (_load_table(cap),)),
        Section("utilization", "Utilization", _utilization(cap)),
        Section("bottleneck", "Bottleneck and headroom", _bottleneck(cap)),
        Section("latency", "Latency vs SLO", _latency(report, cap)),
        Section("growth", "Growth plan", _growth(cap)),
        Section("storage", "Storage", _storage(cap)),
    )
    if cap.caches:
        children = (*children, Section("caching", "Caching", (_caches(cap),)))
    if cap.methods:
        methods = KeyValues(tuple(sorted(cap.methods.items())))
        children = (*children, Section("methods", "Methods", (methods,)))
    return (intro,), children


def _load_table(cap: CapacityResult) -> Table:
    rows = tuple(
        (
            op.id,
            "sync" if op.sync else f"background ({op.consumes})" if op.consumes else "background",
            fmt.figure(op.rate_average),
            fmt.figure(op.rate_peak),
            fmt.figure(op.max_rate_mix),
            fmt.figure(op.max_rate_alone),
        )
        for op in cap.operations
    )
    return Table(
        ("Operation", "Kind", "Average", "Peak", "Max (mix)", "Max (alone)"),
        rows,
        numeric=(2, 3, 4, 5),
        caption="Request rates; max = the rate at which the first pool saturates",
    )


def _utilization(cap: CapacityResult) -> tuple[Block, ...]:
    bars: list[Bar] = []
    rows: list[tuple[Cell, ...]] = []
    for c in cap.components:
        u = c.utilization
        rows.append(
            (
                c.id,
                fmt.figure(c.arrival_rate),
                fmt.figure(c.arrival_rate_per_replica),
                str(c.servers) if c.servers else "∞",
                fmt.figure(u, "pct") if u.value is not None else u.status,
                badge(c.status),
            )
        )
        if u.value is not None:
            tone: Tone = (
                "bad"
                if c.status == Status.SATURATED
                else "warn"
                if c.status == Status.WARNING
                else "good"
            )
            for pool in c.pools:
                if len(c.pools) > 1 and pool.utilization.value is not None:
                    bars.append(
                        Bar(
                            f"{c.id} ({pool.name})",
                            pool.utilization.value,
                            _util_tone(pool.utilization.value, pool.status),
                        )
                    )
            if len(c.pools) <= 1:
                bars.append(Bar(c.id, u.value, tone))
    blocks: list[Block] = []
    if bars:
        blocks.append(BarChart("Utilization at peak (ρ)", tuple(bars)))
    blocks.append(
        Table(
            ("Component", "Calls at peak", "Per replica", "Servers", "Utilization", "Status"),
            tuple(rows),
            numeric=(1, 2, 3, 4),
        )
    )
    return tuple(blocks)


def _util_tone(value: float, status: Status) -> Tone:
    if status == Status.SATURATED or value >= 1:
        return "bad"
    return "warn" if value >= TARGET_UTILIZATION else "good"


def _bottleneck(cap: CapacityResult) -> tuple[Block, ...]:
    b = cap.bottleneck
    blocks: list[Block] = []
    if b.component:
        where = b.component + (f" ({b.pool} pool)" if b.pool and b.pool != "all" else "")
        blocks.append(
            Para(
                f"{where} saturates first: at {fmt.figure(b.saturation_factor)} today's peak "
                "load, with every operation growing together.",
                lead="Bottleneck.",
            )
        )
    else:
        blocks.append(Note("No finite pool carries load: no bottleneck computed."))
    if cap.headroom:
        rows = tuple(
            (
                h.component + (f" ({h.pool})" if h.pool != "all" else ""),
                fmt.figure(h.utilization, "pct"),
                fmt.figure(h.to_70),
                fmt.figure(h.to_80),
                fmt.figure(h.to_100),
            )
            for h in cap.headroom
        )
        blocks.append(
            Table(
                ("Pool", "ρ now", "Load × to 70%", "to 80%", "to 100%"),
                rows,
                numeric=(1, 2, 3, 4),
                caption="Headroom: how far the load can grow",
            )
        )
        blocks.extend(_bottleneck_vs_headroom(cap))
    return tuple(blocks)


def _bottleneck_vs_headroom(cap: CapacityResult) -> tuple[Block, ...]:
    """Why the bottleneck's factor and its pool's headroom to 100% differ, where they do."""
    b = cap.bottleneck
    k = b.saturation_factor.value
    row = next((h for h in cap.headroom if (h.component, h.pool) == (b.component, b.pool)), None)
    alone = row.to_100.value if row is not None else None
    if b.component is None or k is None or alone is None or abs(alone - k) <= 0.05 * k:
        return ()
    where = b.component + (f" ({b.pool})" if b.pool and b.pool != "all" else "")
    return (
        Note(
            f"Two figures, two questions. Headroom scales each pool's own utilization "
            f"linearly (target ρ / ρ, holding times fixed): {where} alone reaches 100% at "
            f"{fmt.factor(alone)}. The bottleneck re-solves the whole system as every "
            f"operation grows together: a pool whose workers wait on callees that queue "
            f"under load holds each request longer, so {where} saturates at "
            f"{fmt.factor(k)}. Plan by the bottleneck."
        ),
    )


def _latency(report: Report, cap: CapacityResult) -> tuple[Block, ...]:
    rows: list[tuple[Cell, ...]] = []
    sim = simulated_latency(report)
    for op in cap.operations:
        figures = {"p50": op.p50_latency, "p95": op.p95_latency, "p99": op.p99_latency}
        checks = {c.metric: c for c in op.slo if c.metric in figures}
        for metric in ("p50", "p95", "p99"):
            check = checks.get(metric)
            if check is None and metric != "p99":
                continue
            target = fmt.seconds(check.target) if check else "—"
            analytic = fmt.figure(figures[metric])
            simulated = sim.get((op.id, metric), "not run" if not sim else "—")
            status = badge(check.status) if check else Badge("no SLO", "muted")
            rows.append((op.id, metric, target, analytic, simulated, status))
    blocks: list[Block] = [
        Table(
            ("Operation", "Metric", "SLO", "Analytic", "Simulated", "Status"),
            tuple(rows),
            numeric=(2, 3, 4),
            caption="Latency at peak load: queueing analytics beside the simulation",
        )
    ]
    if cap.sensitivity is not None and cap.sensitivity.statement:
        blocks.append(Note(cap.sensitivity.statement))
    curve = latency_curve(report, cap)
    if curve is not None:
        blocks.append(curve)
    if not sim:
        blocks.append(Note(NOT_RUN_SIMULATION))
    slow = sorted(
        (e for e in cap.edges if e.share_of_slo.value is not None and e.share_of_slo.value > 0.3),
        key=lambda e: -(e.share_of_slo.value or 0.0),
    )
    if slow:
        blocks.append(
            Table(
                ("Operation", "Call", "p99 of the call", "Share of SLO"),
                tuple(
                    (
                        e.operation,
                        f"{e.callee}.{e.work}",
                        fmt.figure(e.p99_response),
                        fmt.figure(e.share_of_slo, "pct"),
                    )
                    for e in slow
                ),
                numeric=(2, 3),
                caption="Calls that take more than 30% of their operation's latency SLO",
            )
        )
    return tuple(blocks)


def latency_curve(report: Report, cap: CapacityResult) -> LineChart | None:
    """p99 latency of each operation against the load factor, when the pass computed it."""
    del report, cap
    return None


def simulated_latency(report: Report) -> dict[tuple[str, str], str]:
    """Simulated percentiles by (operation, metric), when the simulation ran."""
    sim = report.get(SimulateResult)
    if sim is None:
        return {}
    out: dict[tuple[str, str], str] = {}
    for o in sim.operations:
        p99 = fmt.seconds(o.p99_s.value) if o.p99_s.value == o.p99_s.value else "—"
        if o.p99_s.high == o.p99_s.high:
            p99 += f" ±{fmt.seconds(o.p99_s.half_width)}"
        for metric, value in (("p50", o.p50_s), ("p95", o.p95_s)):
            out[(o.name, metric)] = fmt.seconds(value) if value == value else "—"
        out[(o.name, "p99")] = p99
    return out


def _growth(cap: CapacityResult) -> tuple[Block, ...]:
    if not cap.growth:
        return (Note("No growth plan computed (no load factors or growth rate)."),)
    rows: list[tuple[Cell, ...]] = []
    for step in cap.growth:
        changes = [n.summary() for n in step.needs]
        slo_bad = [f"{op} {metric} {s}" for op, metric, s in step.slo if s != SloStatus.MET]
        rows.append(
            (
                step.label,
                fmt.factor(step.factor),
                "; ".join(changes) or "no change",
                "; ".join(slo_bad) or Badge("all met", "good"),
                "; ".join(step.notes) or "—",
            )
        )
    return (
        Table(
            ("Step", "Load", "Scaling needed", "SLOs", "Notes"),
            tuple(rows),
            numeric=(1,),
        ),
    )


def _storage(cap: CapacityResult) -> tuple[Block, ...]:
    st = cap.storage
    if not st.entities:
        return (Note("No entities with row counts: storage not computed."),)
    rows = tuple(
        (
            e.id,
            e.stored_in or "—",
            fmt.figure(e.rows, "count"),
            fmt.figure(e.row_bytes, "size"),
            fmt.figure(e.data_bytes, "size"),
            fmt.figure(e.index_bytes, "size"),
            fmt.figure(e.total_bytes, "size"),
            fmt.figure(e.ingress_per_day, "size"),
        )
        for e in st.entities
    )
    blocks: list[Block] = [
        Table(
            ("Entity", "Store", "Rows", "Row", "Data", "Indexes", "Total", "Written/day"),
            rows,
            numeric=(2, 3, 4, 5, 6, 7),
            caption="Over the retention period",
        ),
        KeyValues(
            (
                ("Total", fmt.figure(st.total_bytes, "size")),
                ("Ingress per day", fmt.figure(st.ingress_per_day, "size")),
                ("Egress per day", fmt.figure(st.egress_per_day, "size")),
            )
        ),
    ]
    if st.assumptions:
        blocks.append(Bullets(tuple(("", a) for a in st.assumptions)))
    return tuple(blocks)


def _caches(cap: CapacityResult) -> Table:
    rows = tuple(
        (
            c.cache,
            c.store + (f" ({c.store_pool})" if c.store_pool != "all" else ""),
            c.operation,
            fmt.figure(c.redirected_rate),
            fmt.figure(c.store_utilization, "pct"),
            fmt.figure(c.store_utilization_without_cache, "pct"),
        )
        for c in cap.caches
    )
    return Table(
        ("Cache", "Shields", "Operation", "Hits/s", "Store ρ with", "Store ρ without"),
        rows,
        numeric=(3, 4, 5),
        caption="What each cache saves its store",
    )


# --------------------------------------------------------------------------- 5 failure


def failure(report: Report) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    cap = capacity(report)
    if cap is None:
        return (Note(NOT_RUN_CAPACITY),), ()
    rows: list[tuple[Cell, ...]] = []
    for f in cap.failures:
        rows.append(
            (
                f.component,
                ", ".join(f.fails) or "—",
                ", ".join(f.degrades) or "—",
                ", ".join(f.survives) or "—",
                fmt.figure(f.blast_radius, "pct"),
                Badge("SPOF", "bad") if f.spof else "—",
                fmt.figure(f.availability, "nines"),
            )
        )
    table = Table(
        ("Component down", "Fails", "Degrades", "Survives", "Blast radius", "SPOF", "Availability"),
        tuple(rows),
        numeric=(4, 6),
        caption=(
            "Blast radius = share of the requests entering the system (not queue consumers' "
            "work) that fail while the component is down"
        ),
    )
    spofs = [f for f in cap.failures if f.spof]
    spof_blocks: tuple[Block, ...] = (
        (Bullets(tuple((f"{f.component}:", f.note or "one instance") for f in spofs)),)
        if spofs
        else (Note("No single points of failure.", "good"),)
    )
    children: tuple[Section, ...] = (
        Section("spof", "Single points of failure", spof_blocks),
        Section("availability", "Availability vs SLO", (_availability(report, cap),)),
    )
    outage = outage_series(report)
    if outage:
        children = (*children, Section("outages", "Simulated outages", outage))
    return (table,), children


def _availability(report: Report, cap: CapacityResult) -> Table:
    system = report.design.requirements.slos.availability
    # requests failed by timeouts with everything up: a column once any operation has some
    timed = any((op.timeout_failures.value or 0.0) >= TIMEOUT_SHOWN for op in cap.operations)
    rows: list[tuple[Cell, ...]] = []
    for op in cap.operations:
        check = op.check("availability")
        if check is not None:
            target = fmt.nines(check.target)
        elif system is None:
            target = "—"
        elif user_facing(report.design.operation(op.id)):
            target = f"{system} (system)"
        else:  # model.objectives: the design's target is for requests; a job is re-run
            target = "— (a job: judged by its own target only)"
        status: Cell = badge(check.status) if check else "—"
        shown = fmt.figure(op.availability, "nines")
        down = fmt.figure(op.downtime_per_year, "min")
        if parts := left_out(op.availability):  # bounds: the parts left out only add downtime
            shown, down = f"≤ {shown} ({parts}: availability not given)", f"≥ {down}"
        timeouts: tuple[Cell, ...] = (
            (f"{sig((op.timeout_failures.value or 0.0) * 100, 3)}%",) if timed else ()
        )
        rows.append((op.id, shown, down, *timeouts, target, status))
    return Table(
        ("Operation", "Availability", "Downtime / year")
        + (("Failed by timeouts",) if timed else ())
        + ("SLO", "Status"),
        tuple(rows),
        numeric=(1, 2, 3) if timed else (1, 2),
    )


def outage_series(report: Report) -> tuple[Block, ...]:
    """Time series of simulated fault scenarios, when the simulation ran them."""
    sim = report.get(SimulateResult)
    if sim is None:
        return ()
    shown = sim if sim.faults else sim.outage
    if shown is None or not shown.faults:
        return ()
    run = shown.runs[0]
    ts = run.series
    ok = ts.ok.sum(axis=0)
    err = ts.errors.sum(axis=0)
    width = float(ts.width_s)
    # Whole bins only: the bin the run ends in is partly empty and would fake a drop.
    full = min(int((run.t_cut or run.t_end) / width), len(ok))  # arrivals end at t_cut
    ok_pts = tuple((i * width, float(ok[i]) / width) for i in range(full))
    err_pts = tuple((i * width, float(err[i]) / width) for i in range(full))
    end = full * width
    spans = tuple(
        (
            f"{f.component} {f.kind}",
            float(f.at.seconds),
            min(end, float(f.at.seconds + f.duration.seconds) if f.duration else end),
        )
        for f in shown.faults
        if float(f.at.seconds) < end
    )
    cut = [
        f"{f.component} {f.kind} until {sig(float(f.at.seconds + f.duration.seconds), 6)} s"
        for f in shown.faults
        if f.duration is not None and float(f.at.seconds + f.duration.seconds) > end
    ]
    what = f"scenario {shown.scenario}" if shown.scenario else "the injected faults"
    rows = tuple(
        (
            w.label,
            f"{sig(w.start_s, 6)}–{sig(w.end_s, 6)} s",
            f"{w.ok_per_s:,.0f}",
            f"{w.error_rate * 100:.1f}%",
            fmt.seconds(w.mean_latency_s) if w.mean_latency_s == w.mean_latency_s else "—",
        )
        for w in shown.windows
    )
    first = min(float(f.at.seconds) for f in shown.faults)
    if first >= end:
        return (
            Note(
                f"The simulated run of {what} ends at {sig(end, 6)} s, before its first fault "
                f"starts "
                f"({sig(first, 6)} s): no outage was simulated ("
                + "; ".join(shown.notes or ("run length",))
                + f"). Run `archproof simulate --scenario {shown.scenario or 'NAME'}` with a "
                "longer --duration to see it.",
                "warn",
            ),
        )
    blocks: list[Block] = [
        Para(f"Simulated timeline of {what}: successful and failed requests per second."),
        *(
            [
                Note(
                    f"The simulated run ends at {sig(end, 6)} s (the event budget caps it; "
                    + "; ".join(shown.notes or ("run length",))
                    + f"), before the fault window ends ({', '.join(cut)}): the chart shows "
                    "the outage as far as it was simulated, not the recovery."
                )
            ]
            if cut
            else []
        ),
        LineChart(
            title=f"Outage and recovery: {what}",
            x_label="time",
            y_label="requests/s",
            series=(Series("ok", ok_pts), Series("errors", err_pts)),
            spans=spans,
            x_unit="s",
        ),
    ]
    if rows:
        blocks.append(
            Table(
                ("Window", "Time", "OK/s", "Error rate", "Mean latency"),
                rows,
                numeric=(2, 3, 4),
                caption="Before, during and after the fault",
            )
        )
    return tuple(blocks)


# --------------------------------------------------------------------------- 6 implementation


def validate_early(report: Report) -> tuple[Block, ...]:
    design = report.design
    cap = capacity(report)
    items: list[tuple[str, str]] = []
    results = {a.id: a for a in cap.assumptions} if cap else {}
    for a in design.requirements.assumptions:
        r = results.get(a.id)
        status = r.status if r else AssumptionStatus.UNCHECKED
        if status == AssumptionStatus.CONFIRMED:
            continue
        how = a.source or ("measure it" if a.check is None else "check it with a load test")
        figure = f" (figure: {_assumption_figure(r.figure, '')})" if r and r.figure else ""
        items.append((f"{a.id} {status}:", f"{a.statement}{figure} — {how}"))
    if cap is not None:
        items.extend(_limits_to_validate(report, cap))
    blocks: list[Block] = []
    if items:
        blocks.append(Bullets(tuple(items)))
    else:
        blocks.append(Note("Every assumption is confirmed.", "good"))
    if cap is None:
        blocks.append(Note("Capacity analysis not run: saturation not known."))
    return tuple(blocks)


def _limits_to_validate(report: Report, cap: CapacityResult) -> list[tuple[str, str]]:
    """The limits worth testing before launch: the bottleneck (what saturates first as
    load grows) and every pool at VALIDATE_EARLY_FROM or more at peak. Someone else's
    API is not load-tested: its limit is a quota to confirm with the provider."""
    b = cap.bottleneck
    k = b.saturation_factor.value
    items: list[tuple[str, str]] = []
    ranked = sorted(
        (c for c in cap.components if c.utilization.value is not None),
        key=lambda c: -(c.utilization.value or 0.0),
    )
    for c in ranked:
        rho = c.utilization.value or 0.0
        first = c.id == b.component and k is not None
        if not first and rho < VALIDATE_EARLY_FROM:
            continue
        busy = f"{fmt.figure(c.utilization, 'pct')} busy at peak"
        why = (
            f"saturates first, at {fmt.factor(k)} today's peak ({busy})"
            if first
            else f"{busy}: saturates near {fmt.factor(1 / rho)} the peak (1 / ρ)"
        )
        kind = report.design.component(c.id).kind
        if traits(kind).third_party:
            pool = c.servers
            items.append(
                (
                    f"{c.id}:",
                    f"{why}; the limit is the provider's quota ({pool:,} concurrent calls "
                    "written): confirm it in the contract, or test against their sandbox",
                )
            )
        else:
            items.append((f"{c.id}:", f"{why}; load-test it to that point before launch"))
    return items


# --------------------------------------------------------------------------- questions


def questions(report: Report) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    """The 24 questions with answers and provenance from the questions pass.

    Without the pass, the author's answers from the design are shown and the rest open.
    """
    design = report.design
    result = report.get(QuestionsResult)
    found: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {}
    blocks: list[Block] = []
    if result is not None:
        for a in result.answers:
            lines = tuple(line for line in a.text.splitlines() if line.strip())
            found[a.id] = (lines, a.provenance, a.sources)
        counts = result.counts()
        blocks.append(
            KeyValues(
                tuple(
                    (f"{word}: {meaning}", _provenance(word, counts.get(word, 0)))
                    for word, meaning in PROVENANCE_MEANING
                )
            )
        )
    else:
        for qid, text in design.answers.items():
            found[qid] = (tuple(t for t in text.splitlines() if t.strip()), "author", ())
        blocks.append(
            Note("Questions pass not run: only the author's answers are shown; the rest are open.")
        )
    children: list[Section] = []
    for n, title in enumerate(SECTIONS, start=1):
        items = []
        for q in QUESTIONS:
            if q.section != title:
                continue
            lines, provenance, sources = found.get(q.id, ((), "open", ()))
            items.append(Answer(q.id, q.text, lines, provenance, sources))
        children.append(Section(f"q{n}", f"{n} {title}", (Answers(tuple(items)),)))
    return tuple(blocks), tuple(children)


def _provenance(word: str, count: int) -> Badge:
    return Badge(str(count), PROVENANCE_TONE.get(word, "muted"))


PROVENANCE_MEANING = (
    ("author", "written in the design"),
    ("computed", "from figures of a pass"),
    ("derived", "from facts of the model"),
    ("open", "nobody answered it yet"),
)
PROVENANCE_TONE: dict[str, Tone] = {
    "derived": "info",
    "computed": "good",
    "author": "",
    "open": "warn",
}


# --------------------------------------------------------------------------- risks


def risk_items(report: Report) -> list[tuple[str, str]]:
    cap = capacity(report)
    items: list[tuple[str, str]] = []
    if cap is None:
        for a in report.design.requirements.assumptions:
            items.append((f"{a.id} unchecked:", a.statement))
        return items
    for r in cap.assumptions:
        if r.status != AssumptionStatus.CONFIRMED:
            figure = f" (figure: {fmt.figure(r.figure)})" if r.figure else ""
            items.append((f"{r.id} {r.status}:", f"{r.statement}{figure}"))
    for op in cap.operations:
        for check in op.slo:
            if check.status in (SloStatus.VIOLATED, SloStatus.SATURATED):
                items.append(
                    (f"{op.id} {check.metric}:", f"{check.status}: {_slo_line(op, check.metric)}")
                )
    for c in cap.components:
        if c.status in (Status.WARNING, Status.SATURATED):
            items.append(
                (f"{c.id}:", f"{c.status} at {fmt.figure(c.utilization, 'pct')} utilization")
            )
    for f in cap.failures:
        if f.spof:
            items.append((f"{f.component}:", "single point of failure"))
    return items


def _slo_line(op: OperationResult, metric: str) -> str:
    check = op.check(metric)
    if check is None:
        return ""
    if metric == "availability":
        return f"{fmt.figure(check.figure, 'nines')} vs target {fmt.nines(check.target)}"
    return f"{fmt.figure(check.figure)} vs target {fmt.seconds(check.target)}"


def success_metrics(report: Report) -> tuple[Block, ...]:
    design = report.design
    cap = capacity(report)
    sim = simulated_latency(report)
    rows: list[tuple[Cell, ...]] = []
    for op in design.operations:
        if op.slo is None:
            continue
        result = cap.operation(op.id) if cap else None
        for metric, target in (
            ("p50", op.slo.p50),
            ("p95", op.slo.p95),
            ("p99", op.slo.p99),
            ("availability", op.slo.availability),
        ):
            if target is None:
                continue
            check = result.check(metric) if result else None
            shown = (
                (
                    fmt.figure(check.figure, "nines")
                    if metric == "availability"
                    else fmt.figure(check.figure)
                )
                if check
                else fmt.NOT_COMPUTED
            )
            simulated = sim.get((op.id, metric), "—")
            status = badge(check.status if check else SloStatus.UNKNOWN)
            rows.append((op.id, metric, str(target), shown, simulated, status))
    slos = design.requirements.slos
    system = cap.system_availability if cap else None
    if slos.availability is not None and system is not None:
        rows.append(
            (
                "system (requests that succeed)",
                "availability",
                str(slos.availability),
                fmt.figure(system.figure, "nines"),
                "—",
                badge(system.status),
            )
        )
    elif slos.availability is not None:
        rows.append(
            ("system", "availability", str(slos.availability), "—", "—", badge(SloStatus.UNKNOWN))
        )
    if slos.durability is not None:  # no pass models durability: say so, not "met"
        rows.append(
            (
                "system",
                "durability",
                str(slos.durability),
                "not modelled",
                "—",
                badge(AssumptionStatus.UNCHECKED),
            )
        )
    if not rows:
        return (Note("No SLOs written: there is nothing to show the design works.", "warn"),)
    return (
        Table(
            ("Scope", "Metric", "Target", "Computed", "Simulated", "Status"),
            tuple(rows),
            numeric=(2, 3, 4),
            caption="The SLOs and the figures that show them met",
        ),
    )
