"""Top-k and rankings: sales ranks, most played, trending, leaderboards.

Freshness decides the shape. A real-time ranking (a leaderboard, "refreshed every 30 s")
keeps a sorted set in the cache, updated on each write. A ranking that may lag (hourly,
daily, "need not be real time") appends the events to logs in the object store and a
batch job aggregates them; readers get the precomputed top-k from the cache.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import (
    object_storage,
    primary_rates,
    rate_about,
    stated_average,
    stated_peak,
)
from archproof.frontends.draft.placement import HUB_THRESHOLD
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle
from archproof.model.requirements import at_peak
from archproof.units import Duration

# "daily" counts people as often as it sets a schedule: "10 million daily players" says
# nothing about how fresh the ranking is
_PEOPLE_AFTER = (
    r"(?!\s+(?:active\s+)?(?:users?|players?|visitors?|customers?|members?|people|actives?|"
    r"riders?|drivers?|readers?|viewers?)\b)"
)
# ... nor does the period of the contest ranked ("a quiz app's weekly contest", "a daily
# puzzle challenge", "a weekly leaderboard"): that board is live for its week
_CONTEST_AFTER = (
    r"(?!\s+(?:\w+\s+)?(?:contests?|tournaments?|leagues?|competitions?|challenges?|seasons?"
    r"|leader\s?boards?|standings)\b)"
)
_LAGGING = re.compile(
    r"\bhourly\b|\bdaily\b"
    + _PEOPLE_AFTER
    + _CONTEST_AFTER
    + r"|\bnightly\b|\bweekly\b"
    + _PEOPLE_AFTER
    + _CONTEST_AFTER
    + r"|every\s+(?:hour|day|night)|need\s+not\s+be\s+"
    r"real[- ]?time|not\s+(?:need\s+to\s+be\s+)?real[- ]?time|\bbatch\b|of\s+the\s+last\s+day",
    re.IGNORECASE,
)


# What a live board's writes are called, by the head of a stated rate's subject or its verb.
_SCORES = frozenset({"score", "update", "result", "submission", "point"})
_SCORE_VERBS = r"score|submit|post"


def ranking(ctx: Ctx) -> None:
    writes, reads, wnote, rnote = primary_rates(ctx, "ranking")
    lagging = bool(_LAGGING.search(ctx.text))
    ctx.entity("Ranking")
    cache = ctx.comp("cache", "cache", None)
    cache.rationale = (
        "the precomputed rankings (top-k per category), read on every ranking view"
        if lagging
        else "the live ranking: a sorted set per board, updated on every score (ZINCRBY)"
    )
    cache.cache = {
        "justification": "every ranking read would otherwise aggregate over all events",
        "ttl": "1h" if lagging else "1d",
        "invalidation": "replaced by each aggregation run"
        if lagging
        else "updated in place on each write; rebuilt from the database after a loss",
    }
    cache.recovery = (
        "recomputed by the next aggregation run"
        if lagging
        else "rebuilt from the scores in the database"
    )
    window = None if lagging else _refresh_window(ctx)
    if lagging:
        _batch(ctx, writes, wnote)
    elif window is not None:
        cache.rationale = "the published top-k per category, replaced every window"
        cache.cache["invalidation"] = "replaced by each window's publication"
        cache.recovery = "republished by the next window"
        _stream(ctx, writes, wnote, window)
    else:
        _live(ctx, writes, wnote)
    ctx.op(
        OpSpec(
            id="get_ranking",
            description="GET /rankings/{category}: the top-k, precomputed",
            pattern="ranking",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front(
                "get_ranking",
                [
                    CallSpec(
                        "cache.get",
                        idempotent=True,
                        on_failure="fail_open",
                        fallback="the last published ranking from the database",
                        rationale="top-k per category",
                    )
                ],
            ),
            keywords=("rank", "top", "view", "read", "list"),
        )
    )
    ctx.access("Ranking", "ranking_by_category", "range", ("category",), "rank", None)
    ctx.primary_read = ctx.primary_read or "get_ranking"
    ctx.use_cases += ["Record the events that are ranked", "Show the top-k"]
    ctx.ledger.ask("Ranked over which window (last hour, day, all time), and per which category?")
    ctx.ledger.ask("How many entries does a ranking show (k), and may ties break arbitrarily?")


def _batch(ctx: Ctx, writes: Fraction, note: str) -> None:
    ctx.comp("blobs")
    size = ctx.load.item_size
    if size is None:
        size = Fraction(100)
        ctx.ledger.assumed("event size", "100B", "a compact log line", "event-size")
    object_storage(ctx, writes, size, "events logged")
    ctx.entity("EventLog").stored_in = "blobs"
    queue = ctx.queue("event_queue", "ranked events on their way to the log files")
    ctx.op(
        OpSpec(
            id="record_event",
            description="POST /events: accept one ranked event (a sale, a play)",
            pattern="ranking",
            rate=writes,
            rate_note=note,
            reads=False,
            idempotency_key="the event id from the source (the log job drops duplicates)",
            calls=ctx.front(
                "record_event",
                [ctx.enqueue(queue, "nobody waits for the ranking: append in the background")],
            ),
            keywords=("sale", "event", "record", "play", "write"),
        )
    )
    ctx.job(
        "append_log",
        queue,
        "append_log",
        [CallSpec("blobs.put", idempotent=True, rationale="batched log files under time keys")],
        description="Write events in batches to log files in the object store",
        pattern="ranking",
        idempotency_key="the batch's first and last event id (a retried batch overwrites "
        "its own file)",
    )
    ctx.op(
        OpSpec(
            id="aggregate_rankings",
            description="Batch job (hourly): count the window's events per item and category "
            "from the logs, keep the top-k",
            pattern="ranking",
            rate=Fraction(1, 3600),
            rate_note="hourly (the task's freshness)",
            sync=False,
            reads=False,
            idempotency_key="the window it covers: a rerun rewrites the same rankings",
            calls=[
                CallSpec(
                    "worker.aggregate_rankings",
                    time={"lognormal": {"p50": "5min", "p99": "30min"}},
                    calls=[
                        CallSpec("blobs.get", idempotent=True, rationale="the window's logs"),
                        ctx.db("write", "the new Ranking rows"),
                        CallSpec("cache.set", idempotent=True, rationale="publish the top-k"),
                    ],
                )
            ],
        )
    )
    ctx.primary_write = ctx.primary_write or "record_event"
    ctx.decide(
        "ranking-batch",
        "Rankings from a batch job over event logs",
        "events appended to log files in the object store; an hourly job aggregates the top-k",
        Principle.EV,
        "the ranking may lag (the task's freshness), so counting in batches beats updating a "
        "counter on every event",
        "aggregate_rankings",
    )


def _live(ctx: Ctx, writes: Fraction, note: str) -> None:
    ctx.entity("Score")
    peak: Fraction | None = None
    peak_note: str | None = None
    # the scores the task counts are the writes ("Score updates ~12k/s avg, 40k/s peak"),
    # though their words read as generic requests for the load
    said = rate_about(ctx, _SCORES, _SCORE_VERBS)
    if said is not None and said.per is None:
        writes, note = stated_average(ctx, said)
        top = said if said.peak else stated_peak(ctx, said)
        if top is not None and top.per_second is not None:
            peak, peak_note = top.per_second, f'from the task: "{top.describe()}"'
    ctx.op(
        OpSpec(
            id="submit_score",
            description="POST /scores: record a score and update the live ranking",
            pattern="ranking",
            rate=writes,
            rate_note=note,
            peak=peak,
            peak_note=peak_note,
            reads=False,
            idempotency_key="the score's id from the client (the insert is a no-op on retry)",
            calls=ctx.front(
                "submit_score",
                [
                    ctx.db("write", "insert the Score (the source of truth)"),
                    CallSpec(
                        "cache.zincrby",
                        time="1ms",
                        idempotent=False,
                        on_failure="fail_open",
                        fallback="the sorted set is rebuilt from the database",
                        rationale="O(log n) sorted-set update; rank lookups are O(log n) too",
                    ),
                ],
            ),
            keywords=("score", "submit", "write"),
        )
    )
    ctx.access("Score", "scores_by_player", "range", ("player_id",), "created_at", None)
    ctx.primary_write = ctx.primary_write or "submit_score"
    ctx.decide(
        "ranking-sorted-set",
        "A live ranking in a sorted set",
        "a Redis sorted set per board, updated on each score; the database keeps every score",
        Principle.CA,
        "ranks must be current on every read; a sorted set answers rank and top-k in O(log n)",
        "cache",
    )


def _refresh_window(ctx: Ctx) -> Fraction | None:
    """A refresh period the task states ("refreshed every 30 s"), under an hour: the
    ranking is recomputed per window from a stream, not updated per event."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit == "seconds" and item.role == "interval" and item.value < 3600:
            return item.value
    return None


def _stream(ctx: Ctx, writes: Fraction, note: str, window: Fraction) -> None:
    peak = float(at_peak(writes, ctx.load.peak_factor))
    hub = (
        ctx.comp("events", "event_stream", "event hub: ranked events partitioned by key").id
        if peak >= HUB_THRESHOLD
        else ctx.queue("event_stream", "ranked events on their way to the counters")
    )
    worker = ctx.comp("worker")
    worker.work["count"] = {"lognormal": {"p50": "20us", "p99": "200us"}}
    worker.work_notes["count"] = "per event, in memory: extract keys, add to the window's counts"
    ctx.op(
        OpSpec(
            id="record_event",
            description="POST /events: one ranked event (a post, a play, a sale)",
            pattern="ranking",
            rate=writes,
            rate_note=note,
            reads=False,
            idempotency_key="the event id (counters tolerate a rare duplicate: trends are "
            "approximate)",
            calls=ctx.front(
                "record_event",
                [ctx.enqueue(hub, "nobody waits for the ranking: append to the stream")],
            ),
            keywords=("event", "record", "post", "tweet", "write"),
        )
    )
    ctx.job(
        "count_events",
        hub,
        "count",
        [
            ctx.db(
                "write",
                "checkpoint the window's partial counts with the stream offset",
                p="1/10000",
                idempotent=True,
            )
        ],
        description="Count events per key and category for the current window (a heap of "
        "the top-k per category, count-min sketch for the tail)",
        pattern="ranking",
        idempotency_key="partition offset: a restarted counter resumes from its last commit",
    )
    ctx.op(
        OpSpec(
            id="publish_top_k",
            description=f"Every {Duration(window)}: merge the counters' partial top-k and "
            "publish the ranking per category",
            pattern="ranking",
            rate=1 / window,
            rate_note=f"once per window ({Duration(window)}, the task's refresh)",
            sync=False,
            reads=False,
            idempotency_key="the window's end time: a republish overwrites the same key",
            calls=[
                CallSpec(
                    "worker.publish",
                    time={"lognormal": {"p50": "50ms", "p99": "500ms"}},
                    calls=[CallSpec("cache.set", idempotent=True, rationale="top-k per category")],
                )
            ],
        )
    )
    ctx.primary_write = ctx.primary_write or "record_event"
    ctx.decide(
        "ranking-stream",
        "Rankings from stream counters, published per window",
        f"events on a partitioned stream; counter workers keep per-window counts in memory; "
        f"every {Duration(window)} the partial top-k lists are merged and published",
        Principle.EV,
        f"{per_s(peak)} events at peak and a {Duration(window)} refresh: updating a sorted "
        "set per event would cost a remote write each, counting in memory costs none",
        "count_events",
    )
