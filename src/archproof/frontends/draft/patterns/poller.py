"""Periodic poller: many external sources (feeds, endpoints, sites) each polled every T.
A scheduler enqueues the sources that fall due, fetch workers poll them (conditional GETs,
so an unchanged source costs a 304), parse what is new and store it de-duplicated.

Composed from the task's numbers, not from what the sources are: N sources polled every T
is N / T fetches a second, which sizes the queue and the workers.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.text import article, singular
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Duration

# A sentence that says something is polled on a period ("each feed should be polled every
# 15 minutes", "check every endpoint every 30 s").
POLL_VERBS = re.compile(
    r"\b(?:poll\w*|fetch\w*|check\w*|refetch\w*|re-?crawl\w*|scrap\w*|ping\w*|prob\w*)\b",
    re.IGNORECASE,
)
_DEFAULT_INTERVAL = Fraction(900)


def poll_interval(ctx: Ctx) -> Quantity | None:
    """The period a source is polled on: an interval in a sentence that polls."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit == "seconds" and item.role == "interval" and POLL_VERBS.search(item.sentence):
            return item
    return None


def _sources(ctx: Ctx, interval: Quantity | None) -> tuple[Quantity | None, str]:
    """How many sources are polled, and what they are called: the biggest count (not per
    anyone) whose noun is named in the polling sentence, else the biggest count of a
    non-person thing the task states."""
    words = set()
    if interval is not None:
        words = {singular(w.lower()) for w in re.findall(r"[A-Za-z]+", interval.sentence)}
    counts = [
        item
        for item in ctx.load.extracted.reading.placed
        if item.unit == "count" and item.period is None and item.per is None and item.subject
    ]
    named = [c for c in counts if singular(c.subject.split()[-1].lower()) in words]
    if named:
        best = max(named, key=lambda c: c.value)
        return best, singular(best.subject.split()[-1].lower())
    return None, next(
        (w for w in ("feed", "endpoint", "site", "source", "url") if w in words), "source"
    )


def poller(ctx: Ctx) -> None:
    interval_q = poll_interval(ctx)
    interval = interval_q.value if interval_q is not None else _DEFAULT_INTERVAL
    if interval_q is None:
        ctx.ledger.assumed(
            "poll interval",
            "15min",
            "a common polling period, when the task gives none",
            "poll-interval",
            "How often must each source be polled?",
        )
    count, noun = _sources(ctx, interval_q)
    if count is not None:
        sources = count.value
        note = (
            f'from the task: "{count.describe()}" polled every {Duration(interval)} '
            f"({count.value} / {Duration(interval)})"
        )
    else:
        sources = max(Fraction(1000), (ctx.load.users or Fraction(0)) / 10)
        note = f"assumed: {sources} {noun}s polled every {Duration(interval)}"
        ctx.ledger.ask(f"How many distinct {noun}s are polled?")
    rate = sources / interval
    source_entity = "PolledSource"
    item_entity = "PolledEntry"
    ctx.entity(source_entity)
    ctx.entity(item_entity)
    remote = ctx.external("sources", f"the polled {noun}s (third-party servers)")
    due = ctx.queue(
        "due_sources",
        f"{noun}s due for polling, partitioned by host so one host is polled politely",
    )
    worker = ctx.comp("worker")
    worker.work["poll_parse"] = {"lognormal": {"p50": "5ms", "p99": "50ms"}}
    worker.work_notes["poll_parse"] = (
        f"parse the {noun} and hash its entries (the fetch itself is the remote server's)"
    )
    ctx.op(
        OpSpec(
            id="schedule_polls",
            description=f"Scheduler: every few seconds, enqueue the {noun}s whose next poll is due",
            pattern="poller",
            rate=rate,
            rate_note=note,
            sync=False,
            flat=True,  # polls fall due on their period all day: no diurnal peak
            reads=False,
            idempotency_key=f"{noun} id + due time: {article(noun)} enqueued twice is polled once "
            "(the poll checks last_polled_at)",
            calls=[
                CallSpec(
                    "worker.schedule",
                    time="1ms",
                    calls=[
                        ctx.db("read", f"due {noun}s by next_poll_at (index range, a batch)"),
                        ctx.enqueue(due, "polling is slow and external: a background job"),
                    ],
                )
            ],
            rationale="the due queue lets poll workers scale by replicas and redelivers a "
            "crashed worker's polls",
        )
    )
    ctx.job(
        f"poll_{noun}",
        due,
        "poll_parse",
        [
            CallSpec(
                f"{remote}.get",
                time={"lognormal": {"p50": "300ms", "p99": "3s"}},
                idempotent=True,
                breaker=True,
                on_failure="fail_open",
                fallback=f"keep the {noun}'s last entries and back off its next poll; a host "
                "that keeps failing is paused (the breaker is per host)",
                rationale="a conditional GET (ETag / If-Modified-Since) is safe to repeat and "
                "costs a 304 when nothing changed",
            ),
            ctx.db(
                "write",
                f"upsert new {item_entity} rows by entry hash (a duplicate is stored once) and "
                f"set the {noun}'s next_poll_at",
            ),
        ],
        description=f"Poll one {noun} (fetch worker): fetch it conditionally, store its new "
        f"entries, schedule its next poll",
        pattern="poller",
        idempotency_key=f"{noun} id + entry hash: the upsert makes a retried poll safe",
    )
    if ctx.load.users is not None:
        _readers(ctx, noun, item_entity)
    ctx.access(source_entity, f"{noun}s_due", "range", ("next_poll_at",), None, "schedule_polls")
    ctx.primary_write = ctx.primary_write or f"poll_{noun}"
    ctx.decide(
        "poller-due-queue",
        f"A scheduler and a queue of due {noun}s, polled by fetch workers",
        f"the scheduler enqueues the {noun}s due now; stateless fetch workers poll them "
        "with conditional GETs and upsert new entries",
        Principle.OP,
        f"{note}: about {sig(float(rate), 3)} polls a second, each waiting on a remote server "
        "for up to seconds, is background work that scales by adding workers",
        f"poll_{noun}",
    )
    ctx.use_cases += [
        f"Poll every {noun} on its period",
        f"Store each new entry of {article(noun)} once",
    ]
    ctx.ledger.ask(f"Do {noun}s that rarely change get polled less often (adaptive period)?")


def _readers(ctx: Ctx, noun: str, item_entity: str) -> None:
    """People follow sources and read the new entries: a subscribe write and a read of the
    newest entries of the sources one person follows (their unread list)."""
    ctx.entity("SourceSubscription")
    ctx.op(
        OpSpec(
            id=f"subscribe_{noun}",
            description=f"POST /subscriptions: follow {article(noun)} (registered for polling "
            "once, however many people follow it)",
            pattern="poller",
            rate=ctx.load.writes,
            rate_note="the main write load",
            reads=False,
            idempotency_key=f"user id + {noun} id (unique): a retried follow is one row",
            calls=ctx.front(
                "subscribe",
                [ctx.db("write", "upsert PolledSource by URL, insert the SourceSubscription")],
            ),
            keywords=("subscribe", "follow", noun),
        )
    )
    ctx.op(
        OpSpec(
            id="list_unread",
            description=f"GET /unread: the newest entries of the {noun}s a person follows, "
            "after what they have read",
            pattern="poller",
            rate=ctx.load.reads,
            rate_note="the main read load",
            calls=ctx.front(
                "list_unread",
                [
                    ctx.db(
                        "read",
                        f"the person's subscriptions, then {item_entity} rows by source and "
                        "published_at after read_up_to (index range)",
                    )
                ],
            ),
            keywords=("unread", "read", "list", noun),
        )
    )
    ctx.access(
        "SourceSubscription", "subscriptions_by_user", "lookup", ("user_id",), None, "list_unread"
    )
    ctx.access(
        item_entity,
        "entries_by_source",
        "range",
        ("source_id",),
        "published_at",
        "list_unread",
    )
    ctx.primary_read = ctx.primary_read or "list_unread"
    ctx.use_cases += [f"Follow {article(noun)}", "Read the new entries of followed sources"]
