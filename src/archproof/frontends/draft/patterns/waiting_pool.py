"""Waiting pool / matchmaker: requests wait in a pool until a group of K compatible ones
forms (players of similar skill, riders going the same way, people for a table). A queue
partitioned by band holds the waiting requests; a matchmaker worker per band forms the
groups and records them; clients poll their ticket.

Composed from the task's numbers: the stated request rate sizes the pool and the workers,
the stated group size (K per match) how many requests one group consumes, and a stated
longest wait how fast a band widens.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import any_rate
from archproof.frontends.draft.plan import OpSpec
from archproof.frontends.draft.text import article, singular
from archproof.model import Principle
from archproof.units import Duration

_GROUPS = frozenset({"match", "game", "group", "team", "party", "lobby", "table", "session"})
_POLL_EVERY = 2  # seconds between a waiting client's ticket polls (assumed)
_TYPICAL_WAIT = 10  # seconds a request typically waits for its group (assumed)


def _group_size(ctx: Ctx) -> tuple[Fraction, str, str]:
    """K per group: a stated count per match/game/group, and what the group is called."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit == "count" and item.period is None and item.per is not None:
            group = singular(item.per.split()[-1].lower())
            if group in _GROUPS and item.value >= 2:
                return item.value, item.describe(), group
    return Fraction(2), "", "match"


def _longest_wait(ctx: Ctx) -> Fraction | None:
    for item in ctx.load.extracted.reading.placed:
        if item.unit == "seconds" and "wait" in item.subject.lower():
            return item.value
    return None


def waiting_pool(ctx: Ctx) -> None:
    stated = any_rate(ctx)
    if stated is not None:
        rate, note, _ = stated
    else:
        rate, note = ctx.dau() / 86_400 * 5, "assumed: five requests per active user a day"
    size, size_how, group = _group_size(ctx)
    if not size_how:
        ctx.ledger.assumed(
            "group size",
            "2",
            "pairs, when the task gives no group size",
            "group-size",
            "How many requests make one group (players per match)?",
        )
    wait = _longest_wait(ctx)
    ctx.entity("MatchTicket")
    ctx.entity("MatchGroup")
    pool = ctx.queue(
        "waiting_pool",
        "requests waiting for a group, partitioned by band (skill, region) so one matchmaker "
        "sees a whole band",
    )
    ctx.op(
        OpSpec(
            id="request_match",
            description=f"POST /tickets: ask for {article(group)}; the request waits in the pool",
            pattern="waiting_pool",
            rate=rate,
            rate_note=note,
            reads=False,
            idempotency_key="client request id (unique): a retried request is one ticket",
            calls=ctx.front(
                "request_match",
                [
                    ctx.db("write", "insert the MatchTicket (status waiting, band)"),
                    ctx.enqueue(pool, "nobody can be grouped alone: the request waits"),
                ],
            ),
            keywords=("request", "match", "join", "queue"),
        )
    )
    worker = ctx.comp("worker")
    worker.work["form_groups"] = {"lognormal": {"p50": "50us", "p99": "1ms"}}
    worker.work_notes["form_groups"] = (
        "per request, in memory: add it to its band, take a group when enough are close"
    )
    ctx.job(
        f"form_{group}es" if group.endswith("ch") else f"form_{group}s",
        pool,
        "form_groups",
        [
            ctx.db(
                "write",
                f"one MatchGroup and its {size} tickets (status matched) per {size} requests",
                p=str(1 / size),
            )
        ],
        description=f"Matchmaker: hold the waiting requests of a band in memory and form a "
        f"{group} of {size} close ones; widen the band as a request's wait grows",
        pattern="waiting_pool",
        idempotency_key="ticket id: a ticket already matched is skipped on redelivery",
    )
    ctx.op(
        OpSpec(
            id="get_ticket",
            description="GET /tickets/{id}: the client polls until its request is grouped",
            pattern="waiting_pool",
            rate=rate * Fraction(_TYPICAL_WAIT, _POLL_EVERY),
            rate_note=f"assumed: a client polls every {_POLL_EVERY}s over about "
            f"{_TYPICAL_WAIT}s of waiting",
            calls=ctx.front("get_ticket", [ctx.db("read", "the MatchTicket by id")]),
            keywords=("ticket", "status", "poll"),
        )
    )
    ctx.access("MatchTicket", "ticket_by_id", "lookup", ("id",), None, "get_ticket")
    ctx.primary_write = ctx.primary_write or "request_match"
    ctx.primary_read = ctx.primary_read or "get_ticket"
    bound = f"; the band widens so nobody waits past {Duration(wait)}" if wait is not None else ""
    ctx.decide(
        "waiting-pool",
        "A waiting pool per band and a matchmaker worker",
        f"requests wait on a queue partitioned by band; the band's matchmaker holds them in "
        f"memory and forms a {group} of {size}{f' (the task: {size_how})' if size_how else ''}"
        f"{bound}",
        Principle.OP,
        f"{note}: a request cannot be answered until {size} compatible ones have arrived, so "
        "it waits off the request path and the client polls its ticket",
        "waiting_pool",
    )
    if wait is None:
        ctx.ledger.ask(f"How long may a request wait for {article(group)} before the band widens?")
    ctx.use_cases += [
        f"Ask for {article(group)}",
        f"Form {group}es of {size} from waiting requests",
    ]
