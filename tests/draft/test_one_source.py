"""One source for every figure (issue 13, item 4): the summary of `archproof design`, the
drafted YAML and the report print the same figures for the same quantity, and rates read
as rates (`11.6k/s`), never as raw fractions (`(3125000/2727)/s`)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from archproof.backends.report import render_markdown as render
from archproof.cli.design_cmd import summary_figures
from archproof.frontends.draft import draft
from archproof.frontends.draft.sizing import per_s
from archproof.passes.lower import QueueingModel
from archproof.pipeline import run

TASKS = (
    "Design the Twitter timeline and search. 100 million active users, 500 million tweets a "
    "day, 250 billion timeline reads a month, 10 billion searches a month.",
    "Design Uber. Riders request trips at 2k per second peak, 300k drivers online at peak, each "
    "driver sends its location every 4 seconds.",
    "Design Pastebin: 1M new pastes per day, average paste is 10 KB, reads outnumber writes 5 "
    "to 1, delete expired pastes.",
    "Amazon wants sales rank by category. 1 billion sales transactions a month, 100 billion "
    "ranking reads a month. Rankings can be refreshed hourly.",
    # a fleet: readings (flat, on a timer) and people's reads (diurnal) in one draft
    "Design a backend for 50,000 thermostats. Each thermostat sends a temperature and humidity "
    "reading every 30 seconds. Homeowners check the latest value and a 7-day chart in an app.",
    "Design the cloud service for a smart thermostat company. 300,000 thermostats each send a "
    "temperature reading every 60 seconds. Users can change the setpoint from the mobile app, "
    "which is pushed to the device within 2 seconds; there are about 50,000 setpoint changes a "
    "day. Readings are rolled up hourly, and the app shows the last 24 hours and 30 days of "
    "hourly averages. Raw readings are kept for 14 days.",
    # stated rates of the main action (issue 13): a peak beside a monthly average, an
    # average and a peak under a heading, scans per parcel
    "Design a restaurant reservation system like OpenTable. 20,000 restaurants list their "
    "tables; diners search by city, date and party size and book a table. There are about 1 "
    "million reservations a month, with a spike on Friday and Saturday evenings of 200 bookings "
    "per second. A table must never be booked twice for the same time slot.",
    "Online auction site\n\n- 5 million registered users, 300k auctions live at any time\n\n"
    "- bids: around 50 per second, up to 2,000 per second in the last minute of popular "
    "auctions\n\n- the highest bid must be correct, two bidders can not both win",
    "Parcel tracking for a courier. 3M parcels/day, each scanned ~6 times (pickup, hubs, out "
    "for delivery, delivered). Customers track by tracking number, ~20M lookups/day.",
)
_RAW_FRACTION = re.compile(r"\(\d+/\d+\)|\b\d{4,}/\d{2,}\b")


@pytest.mark.parametrize("task", TASKS)
def test_summary_yaml_and_report_print_the_same_figures(task: str) -> None:
    drafted = draft(task)
    report = run(drafted.design)
    model = report.get(QueueingModel)
    assert model is not None
    figures = dict(summary_figures(drafted, report))
    markdown = render(report)
    peak_factor = float(drafted.design.requirements.load.peak_factor)
    for op in drafted.design.operations:
        if op.rate is None or not op.sync:
            continue
        # the YAML's rate × its peak factor; work on a timer (arrivals: flat) peaks at its rate
        factor = 1.0 if op.arrivals == "flat" else peak_factor
        stated = per_s(op.rate.per_s_float * factor)
        lowered = per_s(model.rate(op.id).peak)
        assert stated == lowered, op.id
        if f"peak {op.id}" in figures:
            assert figures[f"peak {op.id}"] == lowered, op.id
        row = next((line for line in markdown.splitlines() if f"| {op.id} | sync |" in line), "")
        assert lowered in row, f"{op.id}: the report's rate row does not show {lowered}: {row}"
    storage = figures.get("row data (5 years)")
    total = drafted.design.requirements.data.total
    if storage is not None and total is not None:
        assert storage == str(total)
    for text in (drafted.yaml, markdown, " ".join(v for _, v in figures.items())):
        assert not _RAW_FRACTION.search(text), _RAW_FRACTION.search(text)


# ---------------------------------------------------------------- derived figures (one source)

# The outsider exercise of the brief: its YAML said the primary served peak reads at 4% and
# writes at 5% of one node ("together 9%") while `archproof analyze` printed db:primary 6.98%
# and db:replicas 2.18%.
FINANCE = (
    "Design a personal finance aggregator like Mint. 10 million users link 30 million bank "
    "accounts. About 5 billion transactions a month are pulled from the banks and categorized "
    "automatically; users read their budgets 500 million times a month and get an email when "
    "they exceed one. A transaction is about 50 bytes; keep 3 years."
)
_FIGURE = r"<?\d[\d,]*(?:\.\d+)?"
# A utilization as a figure of the design: "ρ = 3.31%", "9% of one node", "at 4% of",
# "utilization 7%", "runs at 12%". A threshold ("under 50%", "above 70%", "≤ 50%") is a rule
# the drafter sized by, not a figure, and is not matched.
_UTILIZATION = re.compile(
    rf"(?:ρ\s*=\s*|utili[sz]ation(?: of| =| is)?\s+|\b(?:at|runs at|uses?|use|fill|fills|"
    rf"=|together)\s+)({_FIGURE}%)|({_FIGURE}%)\s+(?:of one|of a|utili[sz]ation)"
)
_THRESHOLD = re.compile(r"(?:more than|under|above|below|over|exceeds?|≤|≥|<|>)\s*$")
# The volume of rows over the retention: the decision's "≈ 9.12TB", the summary's row data.
_ROW_DATA = re.compile(rf"(?:≈ |row data \((?:[^)]+)\): )({_FIGURE}\s?[KMGTP]?i?B)\b")
# Calls in flight and held times are the capacity pass's too (offered load, holding).
_IN_FLIGHT = re.compile(rf"({_FIGURE}) calls in flight\b")
_HELD = re.compile(rf"({_FIGURE}\s?(?:ms|µs|s)) (?:held|mean held)")
# A rate the draft states at peak for a component or an operation.
_PEAK_RATE = re.compile(rf"(?:\bpeak (?:\w+ )?|\bgets )({_FIGURE}k?/s)|({_FIGURE}k?/s) at peak")


def _analyze_text(drafted_design: object) -> str:
    """What `archproof analyze` prints for the design (its markdown form: the same figures
    as the terminal table, one formatter)."""
    from archproof.backends import capacity_markdown
    from archproof.passes.capacity import CapacityResult

    report = run(drafted_design)  # type: ignore[arg-type]
    result = report.get(CapacityResult)
    model = report.get(QueueingModel)
    assert result is not None and model is not None
    return capacity_markdown.render(result, title="draft", admission=model.admission)


def analyze_columns(markdown: str) -> dict[str, list[tuple[str, str]]]:
    """(row name, cell) of every column of every table `analyze` prints, by column title:
    `ρ` of the load table, `arrivals`, `peak rate`, `holding`, `servers`, `data`."""
    columns: dict[str, list[tuple[str, str]]] = {}
    header: list[str] = []
    for line in markdown.splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header:
            header = cells
        elif not all(set(c) <= {"-"} for c in cells):
            for title, cell in zip(header, cells, strict=False):
                columns.setdefault(title, []).append((cells[0], _plain(cell)))
    return columns


def _plain(cell: str) -> str:
    """A cell as its figure: no spaces, no HTML escapes, no bar drawn before a ρ."""
    return re.sub(r"[\u2580-\u259f\s]", "", html.unescape(cell))


def _printed(drafted: object, report: object) -> str:
    """Everything the draft prints: the YAML (comments, decisions, assumptions, requirement
    sources, open questions) and the `design` command's summary figures."""
    figures = summary_figures(drafted, report)  # type: ignore[arg-type]
    lines = [f"{k}: {v}" for k, v in figures]
    return drafted.yaml + "\n" + "\n".join(lines)  # type: ignore[attr-defined]


# Which of analyze's columns hold each kind of figure the draft may print.
_SAME_QUANTITY = {
    "utilization": ("ρ",),
    "held time": ("holding",),
    "peak rate": ("arrivals", "peak rate"),
    "row data": ("data",),
    "calls in flight": ("servers",),
}
# "replicas = 164, the fewest that keep worker under 70% at peak": a claim about the pool's
# ρ, which the analysis must bear out.
_KEEPS = re.compile(r"the fewest that keep (\w+) under (\d+)% at peak")


def derived_mismatches(task: str) -> list[str]:
    """Every utilization, held-time, peak-rate, row-data and calls-in-flight figure the
    draft prints that `archproof analyze` does not print, as printed, in the column of the
    same quantity; and every sizing rule ("the fewest that keep api under 70% at peak") the
    analysed ρ of that pool contradicts."""
    drafted = draft(task)
    report = run(drafted.design)
    columns = analyze_columns(_analyze_text(drafted.design))
    flat = " ".join(
        line.strip().lstrip("#").strip() for line in _printed(drafted, report).splitlines()
    )
    wrong = []
    for pattern, kind in (
        (_UTILIZATION, "utilization"),
        (_HELD, "held time"),
        (_PEAK_RATE, "peak rate"),
        (_ROW_DATA, "row data"),
        (_IN_FLIGHT, "calls in flight"),
    ):
        shown = {
            cell.replace(",", "") if kind == "calls in flight" else cell
            for title in _SAME_QUANTITY[kind]
            for _, cell in columns.get(title, [])
        }
        for match in pattern.finditer(flat):
            figure = next(g for g in match.groups() if g)
            at = next(match.start(i + 1) for i, g in enumerate(match.groups()) if g)
            if _THRESHOLD.search(flat[max(0, at - 20) : at]):
                continue  # a rule the drafter sized by ("more than 25% of one node")
            printed = figure.replace(" ", "")
            if kind == "calls in flight":
                # the design's concurrency: analyze prints it inside `servers` (2×32=64)
                number = printed.replace(",", "")
                hit = any(re.search(rf"(?<![\d.]){number}(?![\d.])", c) for c in shown)
            else:
                hit = printed in shown
            if not hit:
                context = flat[max(0, match.start() - 60) : match.end() + 20]
                wrong.append(f"{kind} {figure}: {context}")
    rho = dict(columns.get("ρ", []))
    components = {c.id for c in drafted.design.components}
    for name, limit in _KEEPS.findall(flat):
        if name not in components:
            continue  # "keep it under 70%": the decision names its pool by its element
        value = rho.get(name)
        assert value is not None, f"{name}: the draft sizes it, analyze prints no ρ"
        if value.startswith("<"):
            continue
        if float(value.rstrip("%").replace(",", "")) > float(limit):
            wrong.append(f"{name} sized to stay under {limit}%, analyzed at {value}")
    return wrong


def _corpus_ids() -> list[object]:
    from test_corpus import CORPUS

    return [t["id"] for t in CORPUS]


@pytest.mark.parametrize("task_id", _corpus_ids())
def test_every_derived_figure_a_draft_prints_is_the_one_analyze_prints(task_id: str) -> None:
    """Issue 13, "it contradicts itself": the drafter sized each tier with its own estimate
    (held times without the waits and retries the capacity pass adds) and printed it:
    218 stated ρ matched `analyze`, 78 differed by up to 2%, one more (matching-plain's
    gateway 15.6% vs 16.8%). The draft now states the rule it sized by ("the fewest that keep
    it under 70% at peak") and leaves the figures to the analysis; any utilization, held
    time, calls in flight or peak rate it prints must be the one `analyze` prints."""
    from test_corpus import _BY_ID

    assert derived_mismatches(_BY_ID[task_id]["task"]) == []


def test_the_finance_aggregator_prints_no_second_figure() -> None:
    assert derived_mismatches(FINANCE) == []


def test_flat_requests_are_not_said_to_be_multiplied_by_the_peak_factor() -> None:
    """3M meters reporting every 15 minutes: 3,333 reports/s at every hour, written
    `arrivals: flat`. The summary read 'peak requests: 3.4k/s (average 3.4k/s × peak
    factor 3)', a product that is not its own total; it splits the flat work out."""
    drafted = draft(
        "A utility company: 3 million smart electricity meters, each meter sends a reading "
        "every 15 minutes. Readings are kept for 2 years and customers see their usage history."
    )
    report = run(drafted.design)
    model = report.get(QueueingModel)
    assert model is not None
    sync = [o for o in model.operations if o.consumes is None]
    figure = dict(summary_figures(drafted, report))["peak requests"]
    assert figure.startswith(per_s(sum(o.rate.peak for o in sync)) + " ")
    assert "+ 3,333/s flat, on a timer)" in figure
    assert dict(drafted.figures)["peak requests"] == figure


# Fresh tasks whose drafted peak figures still disagree with the lowered model, each with the
# gap; strict, so a fix shows as XPASS and the entry goes.
XFAIL_PEAK_FIGURES: dict[str, str] = {
    # fresh11's first run (keys in 00b8e98); standings-terse's passes since the drafter's
    # peaks multiply by the factor the YAML writes (3.33333), as the lowering does, not 10/3
}


def _fresh_ids() -> list[Any]:
    from test_fresh import FRESH

    return [
        pytest.param(
            t["id"],
            marks=pytest.mark.xfail(reason=XFAIL_PEAK_FIGURES[t["id"]], strict=True),
        )
        if t["id"] in XFAIL_PEAK_FIGURES
        else t["id"]
        for t in FRESH
    ]


@pytest.mark.parametrize("task_id", _fresh_ids())
def test_each_peak_figure_is_the_lowered_models(task_id: str) -> None:
    """fresh8 signalling: 'peak get_media: 68.8/s' (the unrounded 22.92/s × 3) beside the
    lowered model's 68.7/s (the YAML's 22.9/s × 3). The drafter now reads each operation's
    rate as the YAML writes it."""
    from test_fresh import _BY_ID

    from archproof.frontends.draft.sizing import per_s
    from archproof.passes.lower import lower

    drafted = draft(_BY_ID[task_id]["task"])
    model = lower(drafted.design)
    ops = {op.id for op in drafted.design.operations}
    for name, value in drafted.figures:
        op_id = name.removeprefix("peak ").removeprefix("jobs ")
        if op_id in ops and name != op_id:
            shown = value.removesuffix(" at peak")
            assert shown == per_s(float(model.rate(op_id).peak)), (name, value)


def test_the_data_total_counts_the_objects_too() -> None:
    """`requirements.data.total` is "expected total stored size": a video site stores 50,000
    × 300 MB a day in its object store (27.4 PB over the 5-year sizing horizon), and its
    total said 35.2 GB, the metadata rows alone, which the questions pass then answered as
    "35.2GB stored". Expected figures written before the fix: rows 0.579/s × 5 years × 386 B
    ≈ 35.2 GB, objects 0.579/s × 300 MB × 5 years ≈ 27.4 PB; their sum is 27.4 PB."""
    drafted = draft(
        "Design a video sharing site like YouTube. 50,000 videos are uploaded a day, 300 MB "
        "each on average. Viewers watch 20 million videos a day."
    )
    total = drafted.design.requirements.data.total
    assert total is not None and str(total) == "27.4PB"
    line = next(ln for ln in drafted.yaml.splitlines() if ln.strip().startswith("total:"))
    assert "35.2GB" in line and "27.4PB" in line, line


def test_per_person_reads_and_writes_are_told_apart() -> None:
    """One person's 50 photo views a day and 1 upload every 10 days were both "media rate",
    under one assumption id (the upload was also read as a stock of 1 photo, so the writes
    came from an assumed 100:1 ratio: 250M a day, not the 50M stated)."""
    drafted = draft(
        "Design Instagram. 500M daily active users, each views 50 photos a day and uploads 1 "
        "photo every 10 days. Photos are 2 MB."
    )
    ids = [a.id for a in drafted.design.requirements.assumptions]
    assert len(ids) == len(set(ids)), ids
    assert "media-reads-per-user" in ids and "media-writes-per-user" in ids
    upload = drafted.design.operations[0]
    assert upload.rate is not None
    assert upload.rate.per_s_float == pytest.approx(500e6 / 864_000, rel=0.01)


def test_a_rate_stated_per_person_is_labelled_so_and_a_cap_is_no_user_count() -> None:
    """An outsider's Google Docs: the requirements said "users 50" and "daily active users 5"
    (from "up to 50 people editing one document at once", a cap per document) and "edit
    writes 2/s" (one editor's rate) beside apply_edit at 200k/s. Written first: no user
    count, and the 2/s is labelled per editor."""
    d = draft(
        "Design a collaborative document editor like Google Docs: 10M documents, up to 50 "
        "people editing one document at once, each editor sends about 2 edits per second "
        "while typing, edits must appear for others within 200 ms."
    )
    rows = {r.name: r.value for r in d.requirements}
    assert "users" not in rows and "daily active users" not in rows, rows
    assert rows.get("edit writes per editor") == "2/s", rows


@pytest.mark.parametrize(
    "task",
    [
        # outsiders' tries: each printed "reads 2M/s derived ... 10:1 assumed" and asked for
        # the read:write ratio, though no operation of the draft reads by it
        "We need a service that hands out unique 64-bit IDs to our other services, 200k IDs "
        "per second in total, peaking at 1M per second.",
        "Design a stock exchange order matching engine: traders submit 50,000 orders per "
        "second on average; matching under 1 ms at p99.",
        "Build a job scheduler: about 2 million jobs in total, each runs once an hour.",
    ],
)
def test_no_read_figure_when_no_operation_reads_by_it(task: str) -> None:
    drafted = draft(task)
    names = {r.name for r in drafted.requirements}
    assert "reads" not in names and "reads per write" not in names, names
    assert not any("read:write" in q for q in drafted.open_questions)


def test_a_typical_size_sizes_storage_not_the_ceiling() -> None:
    # the key-value try: "Values are up to 10 KB, typically 1 KB; 2 billion keys" sized
    # 20TB (the ceiling x the keys), not the 2TB the typical value gives
    drafted = draft(
        "Design a distributed key-value store. Values are up to 10 KB, typically 1 KB; we "
        "expect 2 billion keys. Clients do 300k gets per second and 50k puts per second."
    )
    listed = {(r.name, r.value) for r in drafted.requirements}
    assert ("item size", "1KB") in listed and ("largest item size", "10KB") in listed, listed
    assert "2TB" in drafted.yaml and "20TB" not in drafted.yaml


def test_metrics_are_taken_in_once_and_dashboards_read_at_the_stated_rate() -> None:
    # the monitoring try: the 500 dashboard queries a second were the alert matcher's
    # "events" (ingest_event), the dashboards were read at an assumed 1/s; counting the
    # metrics as events instead, they were taken in twice (track_event and ingest_event)
    drafted = draft(
        "Our monitoring system ingests metrics from 50,000 hosts; each host sends 200 "
        "metrics every 10 seconds. Dashboards query the last hour of data at about 500 "
        "queries per second. Alerts must fire within 1 minute of a threshold breach."
    )
    model = run(drafted.design, passes=("lower",)).get(QueueingModel)
    assert model is not None
    sync = {op.id: model.rate(op.id).average for op in drafted.design.operations if op.sync}
    intake = [op for op, rate in sync.items() if rate == pytest.approx(1_000_000)]
    assert len(intake) == 1, sync
    assert sync["get_stats"] == pytest.approx(500), sync
    jobs = {op.id: op.consumes for op in drafted.design.operations if op.consumes}
    assert jobs.get("match_event") == jobs.get("aggregate_events") is not None, jobs
    listed = {(r.name, r.value) for r in drafted.requirements}
    assert ("dashboard queries", "500/s") in listed and "reads" not in dict(listed), listed


def test_a_rollup_grows_by_its_upserts_not_by_every_event() -> None:
    # "16.7k/s new SingerCountRollup rows ≈ 263TB", "182TB" of ad rollups: one rollup row
    # per counted event, though the aggregator upserts one row per key and minute for about
    # 100 events (its own db write, p = 1/100); the raw events are the archive's
    drafted = draft(
        "Design an ad click aggregator: 10 billion clicks a day, advertisers read reports of "
        "clicks per campaign per minute, 1M report reads a day. Keep 2 years."
    )
    (growth,) = [e.growth for e in drafted.design.entities if e.id == "AdCountRollup"]
    assert growth is not None
    assert float(growth.per_second) == pytest.approx(1e10 / 86400 / 100, rel=0.01)
    assert "7.3TB" in drafted.yaml and "182TB" not in drafted.yaml


def test_no_user_count_below_the_daily_users() -> None:
    # the group-chat try printed "users 500" ("groups up to 500 people") beside "daily
    # active users 50M"
    drafted = draft(
        "i need a backend for a group chat app. 50M daily users, each sends like 40 messages "
        "per day, groups up to 500 people. keep history 1 year."
    )
    listed = dict((r.name, r.value) for r in drafted.requirements)
    assert listed.get("daily active users") == "50M", listed
    assert "users" not in listed, listed
    assert any("500 people" in q for q in drafted.open_questions), drafted.open_questions
