"""Event aggregation (ad clicks, impressions): events on a hub, counted per window by
aggregation workers, rollups in the database, raw events archived in the object store.

Counts that bill someone must be exact: every event carries an id, the aggregator
de-duplicates within the window and commits its consumer offset with the rollup it
wrote, and a daily reconciliation recounts the window from the raw archive. Windows are
one minute; the freshness the task allows bounds how late a window may close.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import retention_for_sizing
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import any_rate, carries_main_load
from archproof.frontends.draft.placement import HUB_THRESHOLD
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import article, camel, singular
from archproof.model import Principle
from archproof.model.requirements import at_peak
from archproof.numbers import rounded, sig
from archproof.units import Duration, Size

EVENTS_PER_FILE = 1000  # raw events per archived file (batched writes)
ROLLUP_BATCH = 100  # events folded into one rollup upsert (per ad and minute)
DEFAULT_EVENT_SIZE = Fraction(500)
# What an ad server's counted events are called: the recording operation is record_event.
_EVENT_WORDS = frozenset({"event", "click", "impression"})


def aggregation(ctx: Ctx) -> None:
    stated = any_rate(ctx)
    if stated is not None:
        rate, note, item = stated
        noun = item.subject.split()[-1].lower() if item.subject else "events"
    else:
        rate, note, noun = ctx.load.writes, "the main write load", "events"
    key = counted_key(ctx)
    source = "ad servers" if key == "ad" else "clients"
    reader = "advertiser report" if key == "ad" else "count"
    peak = float(at_peak(rate, ctx.load.peak_factor))
    if peak >= HUB_THRESHOLD:
        hub = ctx.comp(
            "events",
            "event_stream",
            f"event hub: {noun} partitioned by {key} id, replayable for recounts",
        ).id
    else:
        hub = ctx.queue("event_stream", f"{noun} on their way to the aggregators")
    rollup = _rollup_entity(ctx, key, noun)
    if carries_main_load(ctx, "aggregation"):
        # the rollup gains at most one row per upsert, not one per event: the raw events
        # are the archive's (object store), sized on their own
        ctx.rows_per_write = Fraction(1, ROLLUP_BATCH)
        ctx.rows_per_write_note = (
            f"at most one row per upsert of about {ROLLUP_BATCH} {noun}: {article(key)} and minute"
        )
    # named for what is counted ("50k votes per second" → record_vote), an ad's events and
    # clicks are events
    thing = singular(noun)
    record = (
        f"record_{thing}"
        if key != "ad" and thing.isalpha() and thing not in _EVENT_WORDS
        else "record_event"
    )
    ctx.entity("RawArchive").stored_in = "blobs"
    ctx.comp("blobs")
    ctx.op(
        OpSpec(
            id=record,
            description=f"POST /events: accept one of the {noun} (from the {source})",
            pattern="aggregation",
            rate=rate,
            rate_note=note,
            reads=False,
            idempotency_key=f"the event id from the {source} (the aggregator drops duplicates)",
            calls=ctx.front(
                record,
                [
                    ctx.enqueue(
                        hub,
                        "nobody waits for the count: append to the stream and answer",
                        on_failure="fail_closed",
                    )
                ],
            ),
            keywords=("click", "impression", "event", "record", thing),
        )
    )
    worker = ctx.comp("worker")
    worker.work["aggregate"] = {"lognormal": {"p50": "50us", "p99": "500us"}}
    worker.work_notes["aggregate"] = "per event, in memory: de-duplicate, add to the window"
    ctx.job(
        "aggregate_counts",
        hub,
        "aggregate",
        [
            ctx.db(
                "write",
                f"one upsert per {key} and minute for about {ROLLUP_BATCH} events, with the "
                "consumer offset in the same transaction (exactly-once effect)",
                p=f"1/{ROLLUP_BATCH}",
                idempotent=True,
            ),
            CallSpec(
                "blobs.put",
                p=f"1/{EVENTS_PER_FILE}",
                idempotent=True,
                rationale=f"raw events in compressed files of {EVENTS_PER_FILE:,}, under "
                "their partition and offset range (a retry overwrites its own file)",
            ),
        ],
        description=f"Count events per {key} and one-minute window; archive the raw events",
        pattern="aggregation",
        idempotency_key="event id (de-duplicated within the window) and the partition offset "
        "committed with the rollup",
    )
    # the reads the requirements list (stated, or the events × the typical ratio): one
    # figure, one row; a second ledger entry listed "report reads" beside "reads" with it
    if carries_main_load(ctx, "aggregation"):
        reads, rnote = ctx.load.reads, "the main read load"
    else:
        reads, rnote = ctx.rate(
            frozenset({"count", "report", "dashboard"}),
            ("read", "search"),
            ctx.load.reads,
            "report reads",
            f"{reader} reads: the requirements' reads",
            "report-reads",
        )
    ctx.op(
        OpSpec(
            id="get_counts",
            description=f"GET /{key}s/{{id}}/counts?from&to: per-minute counts of one {key}",
            pattern="aggregation",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front("get_counts", [ctx.db("read", f"rollups by ({key} id, minute) range")]),
            keywords=("count", "report", "dashboard", "read"),
        )
    )
    # distinct counts the task lets be approximate: sketches, and no exact recount
    distinct = ctx.mentions(r"\b(?:unique|distinct)\s+[a-z]+")
    said_approximate = _APPROXIMATE.search(ctx.text) if distinct else None
    if said_approximate is None:
        ctx.op(
            OpSpec(
                id="reconcile_counts",
                description="Daily batch: recount yesterday from the raw archive and correct "
                "any rollup that differs"
                + (" (the numbers advertisers are billed on)" if key == "ad" else ""),
                pattern="aggregation",
                rate=Fraction(1, DAY),
                rate_note="daily",
                sync=False,
                reads=False,
                idempotency_key="the day it covers: a rerun writes the same totals",
                calls=[
                    CallSpec(
                        "worker.reconcile",
                        time={"lognormal": {"p50": "20min", "p99": "2h"}},
                        calls=[
                            CallSpec("blobs.get", idempotent=True, rationale="the day's raw files"),
                            ctx.db("write", "corrected daily totals"),
                        ],
                    )
                ],
            )
        )
    ctx.access(rollup, f"counts_by_{key}", "range", (f"{key}_id", "minute"), None, "get_counts")
    ctx.primary_write = ctx.primary_write or record
    ctx.primary_read = ctx.primary_read or "get_counts"
    _archive_size(ctx, rate)
    ctx.decide(
        "aggregation-stream",
        "Windowed counts by stream workers",
        f"events on a partitioned stream; workers keep per-{key} counts for one-minute windows "
        "and upsert them when the window closes",
        Principle.EV,
        f"{per_s(peak)} {noun} at peak: one database write per event would be "
        f"{per_s(peak)} writes; folding about {ROLLUP_BATCH} events per upsert leaves "
        f"{per_s(peak / ROLLUP_BATCH)}",
        "aggregate_counts",
    )
    approximate = said_approximate is not None
    if distinct:
        # "counts unique visitors per page": a set per key and window, or a sketch of it
        ctx.decide(
            "aggregation-distinct",
            "Distinct counts",
            f"a HyperLogLog sketch per {key} and window (16,384 registers, 12 KB): standard "
            f"error 1.04/√16384 ≈ {sig(1.04 / 16384**0.5 * 100, 2)}%"
            if approximate
            else f"the set of distinct ids per {key} and window, kept until the window closes",
            Principle.DS,
            "the task accepts an error in the counts: a fixed-size sketch per window, merged "
            "across workers, instead of every id"
            if approximate
            else "exact distinct counts hold every id seen in the window; a sketch (about 1% "
            "error in 12 KB) would be far smaller if an error were acceptable",
            "aggregate_counts",
        )
        if not approximate:
            ctx.ledger.ask("May distinct counts be approximate (a sketch, about 1% error)?")
    if said_approximate is not None:
        ctx.decide(
            "aggregation-approximate",
            "Approximate counts",
            "counted once per window by the sketches; a redelivered event adds nothing to a "
            "distinct count",
            Principle.DS,
            f'the task accepts an error ("{said_approximate.group(0)}"): the sketches are the '
            "counts, so no daily recount from the archive",
            "aggregate_counts",
        )
    else:
        ctx.decide(
            "aggregation-exact",
            "Exact counts for billing" if key == "ad" else "Exact counts",
            "event ids de-duplicated per window, offsets committed with the rollups, and a daily "
            "recount from the raw archive",
            Principle.FH,
            "at-least-once delivery repeats events after a crash; "
            + ("billing needs" if key == "ad" else "the counts need")
            + " each counted once",
            "reconcile_counts",
        )
    ctx.use_cases += [f"Record {noun}", "Show per-minute counts"]
    if not approximate:
        ctx.use_cases.append("Recount exactly from the archive")
    ctx.ledger.ask("How late may an event arrive and still count in its minute?")
    ctx.ledger.ask("Are bot or duplicate clicks filtered before counting, and by which rules?")


# a task that accepts an error in its counts ("2% error is fine", "exact counts are not
# needed", "approximate")
_APPROXIMATE = re.compile(
    r"\bapproximat\w*|\berror\s+is\s+(?:fine|ok(?:ay)?|acceptable)|\bnot\s+(?:need\s+to\s+"
    r"be\s+)?exact\b|\bexact\s+counts?\s+(?:are|is)\s+not\s+(?:needed|required)",
    re.IGNORECASE,
)
_ADS = re.compile(r"\bads?\b|\badvertis|\bimpressions?\b|\bclick", re.IGNORECASE)
# "counts per video", "views on one viral video", "vote for a singer": the noun a count is
# kept for
_PER_KEY = re.compile(
    r"\bcounts?\s+per\s+([a-z]+)|\bper\s+([a-z]+)\b|\bon\s+(?:one|a|each)\s+(?:[a-z]+\s+)?([a-z]+)"
    r"|\bvot(?:e|es|ing)\s+for\s+(?:a|an|the|one|their|your)\s+([a-z]+)",
    re.IGNORECASE,
)
_NOT_KEYS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "year", "user", "s", "sec", "min"}
)


def counted_key(ctx: Ctx) -> str:
    """What the counts are kept per: `ad` for ad events, else the task's own noun ("daily
    counts per video" → `video`), else `key`."""
    if _ADS.search(ctx.text):
        return "ad"
    for match in _PER_KEY.finditer(ctx.text):
        word = singular(next(g for g in match.groups() if g).lower())
        if word not in _NOT_KEYS and word.isalpha():
            return word
    return "key"


def _rollup_entity(ctx: Ctx, key: str, noun: str) -> str:
    """The rollup table: per key and minute, with the consumer offset of the last batch."""
    if key == "ad":
        ctx.entity("AdCountRollup")
        return "AdCountRollup"
    name = f"{camel(key)}CountRollup"
    spec = ctx.entity(name)
    column = re.sub(r"[^a-z0-9_]", "_", noun.lower()) or "events"
    spec.fields = {
        f"{key}_id": "str(64)",
        "minute": "datetime",
        column: "bigint",
        "last_offset": "bigint",
    }
    spec.key = (f"{key}_id", "minute")
    spec.relations = []
    spec.row_size = "100B"
    spec.note = (
        f"one row per {key} and minute; a hot {key} is one row per minute, not one write "
        "per event; last_offset makes a replayed batch a no-op"
    )
    return name


def _archive_size(ctx: Ctx, rate: Fraction) -> None:
    size = ctx.load.item_size
    if size is None:
        size = DEFAULT_EVENT_SIZE
        ctx.ledger.assumed("event size", str(Size(size)), "a typical JSON event", "event-size")
    retention = retention_for_sizing(ctx.load, ctx.ledger)
    total = rate * retention * size
    # The archive in the model as the storage table sizes it: one file a minute of that
    # minute's events (the figure below was only in the requirements, and analyze printed
    # the archive at 0 B)
    archive = ctx.entity("RawArchive")
    archive.growth = Fraction(1, 60)
    archive.row_size = str(Size(Fraction(round(rate * 60 * size))))
    archive.retention = str(Duration(retention))
    archive.retention_note = (
        "from the task" if ctx.load.retention_s is not None else "assumed: the sizing horizon"
    )
    ctx.ledger.derived(
        "object storage",
        str(Size(rounded(float(total)))),
        f"{per_s(float(rate))} events × {Size(size)} × {sig(float(retention / DAY), 6)} days "
        "(raw archive, before compression)",
    )
