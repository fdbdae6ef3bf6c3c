"""Device telemetry: a fleet of devices (sensors, meters, thermostats, trackers) each
reporting a reading on a period. An ingest service appends the readings to a stream (high
volume, and nobody waits on a reading: events), writer workers batch them into a store of
readings keyed by device and time, and the reads the task names (latest value, history,
charts) are ranges on that key.

Composed from the task's numbers (`fleet.reporting_fleet`): N devices each reporting every
T is N / T readings a second, all day (reports fall due on a timer: no diurnal peak).
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.fleet import Fleet, reporting_fleet
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import stated_average, stated_peak, stated_rate
from archproof.frontends.draft.patterns.rollup import add_rollup
from archproof.frontends.draft.placement import HUB_THRESHOLD
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import share_within
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import article, singular
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Count, Duration

WRITE_BATCH = 500  # readings per multi-row insert (assumed; a writer flushes every second)

_LATEST = re.compile(r"\b(?:latest|current|live|now|dashboards?)\b", re.IGNORECASE)
_HISTORY = re.compile(
    r"\b(?:history|histories|charts?|graphs?|trends?|dashboards?|over\s+time|past)\b",
    re.IGNORECASE,
)


def telemetry(ctx: Ctx) -> None:
    # the load's fleet when its readings are the main writes (derive), so the requirements
    # and this block print one figure
    fleet = ctx.load.fleet or reporting_fleet(ctx.load.extracted.reading)
    if fleet is None:  # classified from the same reading: never, but say so rather than guess
        return
    rate = fleet.rate
    noun = fleet.noun
    note = (
        f'from the task: "{fleet.devices.describe()}", each reporting "{fleet.said.describe()}" '
        f"({Count(fleet.devices.value)} ÷ {Duration(fleet.interval)} = {per_s(float(rate))})"
    )
    ctx.entity("Device")
    ctx.entity("Reading")
    burst = _burst(ctx, fleet)
    if burst is not None:
        ctx.ledger.derived(f"peak {noun} reports", per_s(float(burst[0])), burst[1])
    if rate >= HUB_THRESHOLD:  # flat: the average is the peak
        stream = ctx.comp(
            "events",
            "readings",
            f"event hub: the {noun}s' readings, partitioned by device id so one writer sees "
            "a device's readings in order",
        ).id
    else:
        stream = ctx.queue("readings", f"the {noun}s' readings on their way to the writers")
    # a heartbeat or ping says the device is alive (no measurement): its ingest is named for it
    beats = re.search(r"\b(?:heartbeats?|pings?)\b", fleet.said.sentence, re.IGNORECASE)
    ingest = "ingest_heartbeat" if beats else "ingest_reading"
    ctx.op(
        OpSpec(
            id=ingest,
            description=f"Ingest service: accept {article(noun)}'s report and append it to the "
            "readings stream",
            pattern="telemetry",
            rate=rate,
            rate_note=note,
            flat=True,  # each device reports on its timer all day: no diurnal peak
            peak=burst[0] if burst is not None else None,
            peak_note=burst[1] if burst is not None else None,
            reads=False,
            idempotency_key=f"{noun} id + measured_at: a report sent twice is one row",
            calls=ctx.front(
                ingest,
                [
                    ctx.enqueue(
                        stream,
                        "nobody waits for a reading to be stored: append and ack",
                        # the reading exists only in this request: no row for a sweep to
                        # re-enqueue, so the device must keep it and send it again
                        on_failure="fail_closed",
                        fallback=f"answer 503; the {noun} keeps the reading and resends it "
                        "(the same id + measured_at: stored once)",
                    )
                ],
            ),
            keywords=("ingest", "report", "reading", "heartbeat", noun),
        )
    )
    worker = ctx.comp("worker")
    worker.work["batch_readings"] = {"lognormal": {"p50": "50us", "p99": "500us"}}
    worker.work_notes["batch_readings"] = (
        "per reading: decode it and add it to the batch being written"
    )
    ctx.job(
        "write_readings",
        stream,
        "batch_readings",
        [
            ctx.db(
                "write",
                f"insert Reading rows in batches of about {WRITE_BATCH} (one multi-row "
                "insert) and set each Device's last reading",
                p=f"1/{WRITE_BATCH}",
                idempotent=True,
            )
        ],
        description=f"Writer: take the {noun}s' readings off the stream and write them to "
        "the store of readings in batches",
        pattern="telemetry",
        idempotency_key=f"{noun} id + measured_at (the Reading key): a redelivered batch "
        "overwrites itself",
    )
    ctx.primary_write = ingest
    rollup = _rollup(ctx, fleet)
    _reads(ctx, fleet, rollup)
    _setpoint(ctx, fleet)
    ctx.decide(
        "telemetry-ingest-stream",
        "An ingest service, a stream of readings, and writers batching into the store",
        f"the ingest service appends each report to a stream partitioned by {noun}; writer "
        "workers insert the readings in batches keyed by device and time",
        Principle.EV,
        f"{note}: about {sig(float(rate), 3)} readings a second all day, none of which a "
        "person waits on: batched inserts cost a fraction of one write per reading, and "
        f"the stream absorbs a writer or database pause; about {WRITE_BATCH} readings a "
        "batch (assumed)",
        "write_readings",
    )
    ctx.use_cases += [f"Ingest every {noun}'s reports", "Store the readings for their retention"]
    ctx.ledger.ask(f"Do {noun}s buffer readings while offline and send them late (out of order)?")


def _burst(ctx: Ctx, fleet: Fleet) -> tuple[Fraction, str] | None:
    """A burst the task states ("80% land in the first 2 minutes after each quarter
    hour"): a share of the fleet's reports within a window shorter than its period. That
    share of the devices in the window is the readings' peak (devices × share ÷ window),
    above the flat average; no assumed factor stands in for it."""
    placed = ctx.load.extracted.reading.placed
    for sentence in dict.fromkeys(q.sentence for q in placed if q.unit == "percent"):
        found = share_within(placed, sentence, -1, fleet.interval)
        if found is None:
            continue
        share, window = found
        peak = fleet.devices.value * share.value / 100 / window.value
        if peak <= fleet.rate:
            continue
        return peak, (
            f'from the task: "{share.text}" of "{fleet.devices.describe()}" in "{window.text}" '
            f"({Count(fleet.devices.value)} × {sig(float(share.value))}% ÷ "
            f"{Duration(window.value)} = {per_s(float(peak))})"
        )
    return None


# "Readings are rolled up hourly", "hourly averages", "downsampled to daily rollups".
_ROLLUP = re.compile(
    r"\b(?:roll(?:s|ed)?\s+up|rollups?|downsampl\w*|aggregated)\b[^.;]{0,40}?\b(hourly|daily|"
    r"every\s+hour|each\s+hour|per\s+hour|every\s+day|each\s+day|per\s+day)\b|"
    r"\b(hourly|daily)\s+(?:averages?|rollups?|aggregates?|summar\w+|charts?|graphs?)",
    re.IGNORECASE,
)
# A change people make that is sent down to the devices: "the setpoint, which is pushed to the
# device", "a change should reach the thermostat within five seconds".
_COMMAND = re.compile(r"\b(?:set\s?points?|target\s+temperatures?|commands?)\b", re.IGNORECASE)
_TO_DEVICE = re.compile(
    r"\b(?:push\w*|sen[dt]|deliver\w*|reach\w*|forward\w*)\b[^.;]{0,30}?\b(?:to\s+)?"
    r"(?:the|each|every|its|their)\s+(\w+)",
    re.IGNORECASE,
)
# An action people take that must get to the device, named as a noun: "an unlock must reach
# the lock and open it in under 2 s", "an open must reach the barrier". The noun names it.
_REACHES = re.compile(
    r"\b(?:an?|the|each|every)\s+([a-z]+)\s+(?:must|should|has\s+to|needs\s+to|will)\s+"
    r"(?:\w+\s+){0,2}?(?:reach|get\s+to|arrive\s+at)\s+(?:the|its|their)\s+(\w+)",
    re.IGNORECASE,
)
SETPOINTS_PER_OWNER_DAY = 1  # changes per active owner a day, when the task gives none


def _rollup(ctx: Ctx, fleet: Fleet) -> str | None:
    """A rollup of the readings the task states ("readings are rolled up hourly", "owners
    see hourly charts"): a scheduled job the history reads from. Returns its id."""
    match = _ROLLUP.search(ctx.text)
    if match is None:
        return None
    word = (match.group(1) or match.group(2)).lower()
    period = Fraction(86_400) if "da" in word else Fraction(3600)
    return add_rollup(
        ctx,
        period,
        f"{word} rollups of the {fleet.noun}s' readings",
        f'the task: "{match.group(0)}"',
        f'the task reads the readings in {word} aggregates ("{match.group(0)}")',
        rows="the period's Reading rows, streamed in pages (an index range on measured_at); "
        "per device: min, max, average",
    )


def _setpoint(ctx: Ctx, fleet: Fleet) -> None:
    """A setting people change that is pushed to the device (a thermostat's setpoint): the
    device's desired state, written first (a device offline now gets it when it reconnects),
    then pushed down the device's open connection; no device polls for it."""
    noun = fleet.noun
    sentence = next(
        (
            s
            for s in re.split(r"(?<=[.;!?])\s+", ctx.text)
            if _COMMAND.search(s)
            and any(
                singular(m.group(1).lower()) in (noun, "device") for m in _TO_DEVICE.finditer(s)
            )
        ),
        None,
    )
    if sentence is None:
        _command(ctx, fleet)
        return
    command = _COMMAND.search(sentence)
    assert command is not None
    what = command.group(0).lower()
    stated = stated_rate(ctx, frozenset({"change", "setpoint", "command", "update"}))
    if stated is not None and stated.per_second is not None:
        rate, note = stated_average(ctx, stated)
        if stated.per is not None and stated.per != noun:
            rate, note = rate * ctx.dau(), f"{note} × the DAU"
    else:
        rate = ctx.dau() * SETPOINTS_PER_OWNER_DAY / DAY
        note = f"assumed: {SETPOINTS_PER_OWNER_DAY} change per daily active user a day"
    gateway = ctx.comp(
        "gateway",
        "gateway",
        f"connection gateway: holds the {noun}s' open connections (MQTT or WebSocket) and "
        "pushes commands down them",
    )
    gateway.notes.append(
        "open connections are not durable state: a device reconnects to any node and reads "
        "its desired state"
    )
    device = ctx.entity("Device")
    device.fields.setdefault("setpoint", "float?")
    ctx.op(
        OpSpec(
            id="change_setpoint",
            description=f"PUT /{noun}s/{{id}}/{what.replace(' ', '')}: store the {noun}'s new "
            f"{what}, then push it to the {noun}",
            pattern="telemetry",
            rate=rate,
            rate_note=note,
            reads=False,
            idempotency_key=f"PUT of the desired {what}: a resend writes the same value",
            calls=ctx.front(
                "change_setpoint",
                [
                    ctx.db("write", f"the Device row's desired {what} (primary key)"),
                    CallSpec(
                        "gateway.push",
                        rationale=f"down the {noun}'s open connection",
                        on_failure="fail_open",
                        fallback=f"the {noun} is offline: it reads its desired {what} from "
                        "its Device row when it reconnects",
                    ),
                ],
            ),
            keywords=("setpoint", "change", "push", "command", noun),
        )
    )
    ctx.decide(
        "telemetry-command-push",
        f"The {what} is stored, then pushed to the {noun}",
        f"change_setpoint writes the Device's desired {what} and the gateway pushes it down "
        f"the {noun}'s open connection",
        Principle.EV,
        f'the task: "{sentence.strip().rstrip(".;!?")}": a push over a connection the '
        f"{noun} holds open reaches it in well under a second, where polling would cost a "
        "request per device per "
        f"interval; the stored desired state covers {article(noun)} that is offline",
        "change_setpoint",
    )
    ctx.use_cases.append(f"Change {article(noun)}'s {what} and push it to the {noun}")


def _command(ctx: Ctx, fleet: Fleet) -> None:
    """An action people send to a device that must reach it within a bound ("an unlock must
    reach the lock ... in under 2 s"): checked against the person's access, pushed down the
    device's open connection and answered by the device's ack. A device offline cannot act on
    it, so the action fails and the person is told; it is never queued to happen later."""
    noun = fleet.noun
    found = next(
        (
            m
            for m in _REACHES.finditer(ctx.text)
            if singular(m.group(2).lower()) in (noun, "device")
        ),
        None,
    )
    if found is None:
        return
    what = singular(found.group(1).lower())
    stated = stated_rate(ctx, frozenset({what}))
    peak: Fraction | None = None
    peak_note: str | None = None
    if stated is not None and stated.per_second is not None:
        rate, note = stated_average(ctx, stated)
        top = stated if stated.peak else stated_peak(ctx, stated)
        if top is not None and top.per_second is not None and not stated.peak:
            peak, peak_note = top.per_second, f'from the task: "{top.describe()}"'
    else:
        rate = ctx.dau() * SETPOINTS_PER_OWNER_DAY / DAY
        note = f"assumed: {SETPOINTS_PER_OWNER_DAY} {what} per daily active user a day"
        ctx.ledger.ask(f"How many {what}s a day are sent to the {noun}s?")
    gateway = ctx.comp(
        "gateway",
        "gateway",
        f"connection gateway: holds the {noun}s' open connections (MQTT or WebSocket) and "
        "pushes commands down them",
    )
    gateway.notes.append(
        "open connections are not durable state: a device reconnects to any node and is "
        "reachable through it again"
    )
    ctx.entity("Device")
    op_id = f"send_{what}"
    ctx.op(
        OpSpec(
            id=op_id,
            description=f"POST /{noun}s/{{id}}/{what}: check the person may {what} the {noun}, "
            f"push the {what} down its open connection and wait for its ack",
            pattern="telemetry",
            rate=rate,
            rate_note=note,
            peak=peak,
            peak_note=peak_note,
            reads=False,
            idempotency_key=f"the {what}'s request id: the {noun} acts on a resent one once",
            calls=ctx.front(
                op_id,
                [
                    ctx.db("read", f"the person's access to the {noun} (primary key)"),
                    CallSpec(
                        "gateway.push",
                        rationale=f"down the {noun}'s open connection; the {noun} acks",
                        on_failure="fail_closed",
                    ),
                ],
            ),
            keywords=(what, noun, "reach", "command"),
        )
    )
    ctx.decide(
        "telemetry-command-push",
        f"The {what} is pushed to the {noun} over its open connection",
        f"{op_id} checks the person's access and the gateway pushes the {what} down the "
        f"{noun}'s open connection, answering when the {noun} acks",
        Principle.EV,
        f'the task: "{found.group(0)}": a push over a connection the {noun} holds open '
        "reaches it in well under a second, where polling would cost a request per device "
        f"per interval; {article(noun)} offline cannot act, so the {what} fails at once",
        op_id,
    )
    ctx.use_cases.append(f"Send {article(what)} to {article(noun)}")


# What a stated read of the history is of, when the task names it: "view usage charts".
_SHOWN = frozenset({"chart", "graph", "trend", "dashboard"})


def _history_op(ctx: Ctx, noun: str) -> str:
    """The history read's name: for what the task's stated reads are of ("Customers view
    usage charts ~300k times/day": get_meter_charts), else get_reading_history."""
    said = ctx.load.read_figure
    shown = singular(said.subject) if said is not None and said.subject else ""
    return f"get_{noun}_{shown}s" if shown in _SHOWN else "get_reading_history"


def _reads(ctx: Ctx, fleet: Fleet, rollup: str | None = None) -> None:
    """The reads the task names: a device's latest value, and its history (charts); the
    history reads the rollups when the readings are rolled up."""
    latest = bool(_LATEST.search(ctx.text))
    history = bool(_HISTORY.search(ctx.text)) or not latest
    noun = fleet.noun
    # both named: they share the read load (each took all of it, so the draft's reads were
    # twice its own read figure); a dashboard's current value is the common read
    both = latest and history
    share = (Fraction(4, 5), Fraction(1, 5)) if both else (Fraction(1), Fraction(1))
    notes = ("; 80% latest values (assumed)", "; 20% history (assumed)") if both else ("", "")
    if latest:
        ctx.op(
            OpSpec(
                id="get_latest_reading",
                description=f"GET /{noun}s/{{id}}: {article(noun)}'s latest reading",
                pattern="telemetry",
                rate=ctx.load.reads * share[0],
                rate_note="the main read load" + notes[0],
                calls=ctx.front(
                    "get_latest_reading",
                    [ctx.db("read", "the Device row, with its last reading (primary key)")],
                ),
                keywords=("latest", "current", noun),
            )
        )
        ctx.primary_read = ctx.primary_read or "get_latest_reading"
    if history:
        history_op = _history_op(ctx, noun)
        ctx.op(
            OpSpec(
                id=history_op,
                description=f"GET /{noun}s/{{id}}/readings: {article(noun)}'s readings over a time "
                "range (the charts)",
                pattern="telemetry",
                rate=ctx.load.reads * share[1],
                rate_note="the main read load" + notes[1],
                calls=ctx.front(
                    history_op,
                    [
                        ctx.db(
                            "read",
                            "the device's Rollup rows over the range (index range), and the "
                            "Reading rows not rolled up yet"
                            if rollup
                            else "Reading rows by device and time (index range)",
                        )
                    ],
                ),
                keywords=("history", "chart", "reading", noun),
            )
        )
        ctx.primary_read = ctx.primary_read or history_op
        ctx.access(
            "Reading",
            "readings_by_device",
            "range",
            ("device_id",),
            "measured_at",
            history_op,
        )
        if rollup:
            ctx.access(
                "Rollup",
                "rollups_of_device",
                "range",
                ("rollup_key",),
                "period_start",
                history_op,
            )
