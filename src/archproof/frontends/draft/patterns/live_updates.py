"""Live updates pushed to the followers of a thing (a game's goals, a flight's positions, a
district's tallies): a source sends an update for each live thing on a period; a service
takes it in, keeps it (the play-by-play) and its thing's current state, and a queue hands
it to fan-out workers, which publish it once per connection gateway subscribed to the
thing; each gateway pushes it to the followers it holds open connections for. People who
open the app read the current state of the live things, not the history.

Sized from the things live at once and the period of their updates: updates = things ÷
period (a count stated at a peak or at the busiest moment is the peak).
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.classify import FOLLOWED
from archproof.frontends.draft.entities import Template
from archproof.frontends.draft.lexicon import stated_as_ceiling
from archproof.frontends.draft.patterns.common import no_generic_reads, rate_about
from archproof.frontends.draft.plan import CallSpec, EntitySpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import rate_text
from archproof.frontends.draft.text import camel, singular
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Count, Duration

_AT_ONCE = re.compile(
    r"\b(?:at\s+(?:the\s+same\s+time|once)|concurrent\w*|simultaneous\w*|live\s+now)\b",
    re.IGNORECASE,
)
# The reads of the live state: opening a screen, a page or the app to look at it.
_READ_HEADS = frozenset({"screen", "open", "view", "page", "check", "refresh", "look"})
_READ_VERBS = r"open|view|check|look|refresh|load"


def followed_thing(ctx: Ctx) -> str:
    """The thing people follow (singular), "update" when the task names none."""
    for match in re.finditer(FOLLOWED, ctx.text, re.IGNORECASE):
        return singular(match.group(1).lower())
    return "item"


def _words(q: Quantity) -> set[str]:
    return {singular(w) for w in re.findall(r"[a-z]+", (q.subject or "").lower())}


def live_at_once(ctx: Ctx, thing: str) -> Quantity | None:
    """How many of the things are live at once ("around 3,000 games going on at the same
    time"): a standing count of the thing, stated at a peak or at once."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or q.period is not None or thing not in _words(q):
            continue
        if q.peak or _AT_ONCE.search(q.sentence):
            return q
    return None


def update_period(ctx: Ctx, near: Quantity) -> Quantity | None:
    """How often each live thing sends an update: a stated interval, the one nearest the
    count of live things."""
    found = [q for q in ctx.load.extracted.reading.placed if q.role == "interval"]
    return min(found, key=lambda q: abs(q.start - near.start), default=None)


def delivery_target(ctx: Ctx) -> Quantity | None:
    """How soon an update must reach the followers ("reach the phones of everybody ... in
    under 2 seconds"): a delay or latency stated in a sentence about reaching them."""
    for q in ctx.load.extracted.reading.placed:
        if (
            q.unit == "seconds"
            and q.role in ("delay", "latency")
            and re.search(r"\b(?:reach|push|deliver|sent|arriv)\w*", q.sentence, re.I)
        ):
            return q
    return None


def _entities(ctx: Ctx, thing: str) -> tuple[EntitySpec, EntitySpec, EntitySpec]:
    """The thing, its updates (the history, kept) and who follows it."""
    name = camel(thing)
    entity = ctx.entity(
        name,
        Template(
            {
                "id": "uuid",
                "status": "enum(scheduled|live|ended)",
                "state": "json",
                "updated_at": "datetime",
            },
            states=("scheduled", "live", "ended"),
            transitions={"scheduled": ("live",), "live": ("ended",)},
            note=f"a {thing} and its current state: the live part, read by every open",
        ),
    )
    update = ctx.entity(
        f"{name}Update",
        Template(
            {
                f"{thing}_id": f"ref({name})",
                "seq": "bigint",
                "payload": "json",
                "created_at": "datetime",
            },
            key=(f"{thing}_id", "seq"),
            note=f"every update of a {thing}, in order: its history, kept",
        ),
    )
    follow = ctx.entity(
        f"{name}Follower",
        Template(
            {f"{thing}_id": f"ref({name})", "user_id": "ref(User)", "created_at": "datetime"},
            key=(f"{thing}_id", "user_id"),
            note=f"who follows a {thing}: the gateways subscribe to the {thing}s their "
            "connections follow",
        ),
    )
    # the updates are the rows that grow (the main write's): the data volume is theirs, and
    # compose sizes the first entity of the block
    ctx.entities = {update.id: update, **ctx.entities}
    return entity, update, follow


def live_updates(ctx: Ctx) -> None:
    no_generic_reads(ctx, "live_updates")
    thing = followed_thing(ctx)
    entity, update, follow = _entities(ctx, thing)
    live = live_at_once(ctx, thing)
    period = update_period(ctx, live) if live is not None else None
    if live is None or period is None:
        updates = Fraction(1)
        update_note = "assumed: one update a second"
        ctx.ledger.assumed(
            "updates",
            rate_text(updates),
            "one a second",
            "live-updates",
            f"How many {thing}s are live at once, and how often does each send an update?",
        )
    else:
        peak = live.peak or stated_as_ceiling(ctx.text, live.start)
        # a peak's count is the peak: the average is it ÷ the peak factor (lowering × back)
        scale = ctx.load.peak_factor if peak else Fraction(1)
        update_note = f'"{live.describe()}" ÷ one update every {Duration(period.value)}' + (
            f" (a peak) ÷ peak factor {sig(float(ctx.load.peak_factor), 6)}" if peak else ""
        )
        updates = live.value / period.value / scale
        ctx.ledger.extracted(f"{thing}s live at once", str(Count(live.value)), live.describe())
        ctx.ledger.derived("updates", rate_text(updates), update_note)
    queue = ctx.queue("update_fanout", f"{thing} updates to push to their followers")
    gateway = ctx.comp(
        "gateway",
        "gateway",
        "connection gateway: holds the followers' persistent connections (WebSocket) and "
        f"pushes each {thing}'s updates to the ones following it",
    )
    gateway.notes.append(
        "open connections are not durable state: a client reconnects to any node, "
        f"resubscribes to its {thing}s and reads their current state"
    )
    intake = ctx.op(
        OpSpec(
            id="ingest_update",
            description=f"POST /{thing}s/{{id}}/updates: the source's update for a live "
            f"{thing}: kept, its {thing}'s current state set, fan-out queued",
            pattern="live_updates",
            rate=updates,
            rate_note=update_note,
            reads=False,
            idempotency_key=f"(source, {thing} id, sequence): a resent update is stored once",
            calls=ctx.front(
                "ingest_update",
                [
                    ctx.db(
                        "write",
                        f"append the {update.id} (the history, kept) and set the {entity.id}'s "
                        "current state, in one transaction",
                    ),
                    ctx.enqueue(
                        queue,
                        "pushing to up to millions of followers is slow work; the source "
                        "waits only for the store",
                    ),
                ],
            ),
            keywords=("update", "ingest", "receive", "event", thing),
        )
    )
    worker = ctx.comp("worker")
    worker.work.setdefault("fan_out_update", {"lognormal": {"p50": "1ms", "p99": "10ms"}})
    worker.work_notes.setdefault(
        "fan_out_update", f"publish the update on its {thing}'s channel (in memory)"
    )
    ctx.job(
        "fan_out_update",
        queue,
        "fan_out_update",
        [
            CallSpec(
                "gateway.push",
                rationale=f"one publish per gateway subscribed to the {thing}; each pushes "
                "to the followers it holds connections for",
            )
        ],
        description=f"Push a {thing}'s update to everybody following it",
        pattern="live_updates",
        idempotency_key="update sequence: clients drop an update they already have",
    )
    reads_q = rate_about(ctx, _READ_HEADS, _READ_VERBS)
    if reads_q is not None and reads_q.per_second is not None:
        reads = reads_q.per_second / (ctx.load.peak_factor if reads_q.peak else 1)
        read_note = f'from the task: "{reads_q.describe()}"'
    else:
        reads = updates * ctx.load.ratio
        read_note = f"assumed: updates × {ctx.load.ratio} opens per update"
        ctx.ledger.assumed(
            f"{thing} screen opens",
            rate_text(reads),
            f"updates × {ctx.load.ratio}",
            "live-reads",
            f"How often do people open the {thing}s' screen?",
        )
    view = ctx.op(
        OpSpec(
            id=f"view_{thing}s",
            description=f"GET /{thing}s/live: the current state of the live {thing}s",
            pattern="live_updates",
            rate=reads,
            rate_note=read_note,
            calls=ctx.front(
                f"view_{thing}s",
                [ctx.db("read", f"the live {entity.id} rows' current state")],
            ),
            keywords=("view", "screen", "open", "score", thing),
        )
    )
    ctx.access(update.id, f"updates_of_{thing}", "range", (f"{thing}_id",), "seq", None)
    ctx.access(follow.id, f"followers_of_{thing}", "lookup", (f"{thing}_id",), None, None)
    ctx.access(entity.id, f"{thing}s_by_status", "lookup", ("status",), None, view.id)
    # the live state is the hot read: compose puts it behind a cache when the reads call
    # for one (cache sparingly), like any hot lookup
    ctx.lookups.append((view.id, entity.id))
    ctx.primary_write = intake.id
    ctx.primary_read = view.id
    target = delivery_target(ctx)
    within = f" within {Duration(target.value)} (the task's target)" if target else ""
    ctx.decide(
        "live-updates-pushed",
        "Updates pushed over open connections by fan-out workers",
        f"ingest_update stores the update and queues it; workers publish it once per gateway "
        f"subscribed to the {thing}, and each gateway pushes it to its followers{within}",
        Principle.EV,
        f"{update_note}: {rate_text(updates)}; a popular {thing}'s followers are far too many "
        "to push to from the source's request, and polling by every follower would be "
        "a read storm",
        "fan_out_update",
    )
    ctx.use_cases += [
        f"Take in the updates of live {thing}s",
        f"Push each update to the {thing}'s followers",
        f"View the live {thing}s",
    ]
