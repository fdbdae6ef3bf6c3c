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
from archproof.frontends.draft.placement import HUB_THRESHOLD
from archproof.frontends.draft.plan import OpSpec
from archproof.frontends.draft.sizing import per_s
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
    if rate >= HUB_THRESHOLD:  # flat: the average is the peak
        stream = ctx.comp(
            "events",
            "readings",
            f"event hub: the {noun}s' readings, partitioned by device id so one writer sees "
            "a device's readings in order",
        ).id
    else:
        stream = ctx.queue("readings", f"the {noun}s' readings on their way to the writers")
    ctx.op(
        OpSpec(
            id="ingest_reading",
            description=f"Ingest service: accept a {noun}'s report and append it to the "
            "readings stream",
            pattern="telemetry",
            rate=rate,
            rate_note=note,
            flat=True,  # each device reports on its timer all day: no diurnal peak
            reads=False,
            idempotency_key=f"{noun} id + measured_at: a report sent twice is one row",
            calls=ctx.front(
                "ingest_reading",
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
            keywords=("ingest", "report", "reading", noun),
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
    ctx.primary_write = "ingest_reading"
    _reads(ctx, fleet)
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


def _reads(ctx: Ctx, fleet: Fleet) -> None:
    """The reads the task names: a device's latest value, and its history (charts)."""
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
                description=f"GET /{noun}s/{{id}}: a {noun}'s latest reading",
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
        ctx.op(
            OpSpec(
                id="get_reading_history",
                description=f"GET /{noun}s/{{id}}/readings: a {noun}'s readings over a time "
                "range (the charts)",
                pattern="telemetry",
                rate=ctx.load.reads * share[1],
                rate_note="the main read load" + notes[1],
                calls=ctx.front(
                    "get_reading_history",
                    [ctx.db("read", "Reading rows by device and time (index range)")],
                ),
                keywords=("history", "chart", "reading", noun),
            )
        )
        ctx.primary_read = ctx.primary_read or "get_reading_history"
        ctx.access(
            "Reading",
            "readings_by_device",
            "range",
            ("device_id",),
            "measured_at",
            "get_reading_history",
        )
