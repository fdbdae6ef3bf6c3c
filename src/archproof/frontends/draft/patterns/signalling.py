"""Real-time call signalling (WebRTC video and voice calls, meetings): signalling servers
hold each participant's connection and relay the offers, answers and ICE candidates of a
call; the calls and who is in them are kept in the database, the one store the servers
share; the media itself goes through an SFU/TURN (a provider's, when the task says so).

The load balancer hashes the call id, so every participant of a call lands on the same
signalling server and a relay is a hop in memory; the server a call lived on can die, and
its participants reconnect to another, which reads who is in the call from the database.
Rates come from the task: calls started a day, and joins per call times the calls.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.lexicon import stated_as_ceiling
from archproof.frontends.draft.patterns.common import (
    no_generic_reads,
    rate_about,
    stated_average,
)
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import per_s, rate_text
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.model.requirements import at_peak
from archproof.numbers import sig
from archproof.units import Duration

_CALL_HEADS = frozenset({"call", "meeting", "conference", "room", "session"})
_CALL_VERBS = r"start|host|plac|hold"
_JOIN_HEADS = frozenset(
    {"join", "joiner", "participant", "attendee", "member", "person", "people", "user"}
)
# Media through someone else's SFU/TURN: a provider, a vendor, or one by name.
_PROVIDER = (
    r"\b(?:sfu|turn|media)\b[^.]{0,60}?\b(?:providers?|vendors?|external|third[- ]party|saas"
    r"|cloud\s+service)\b|\b(?:external|third[- ]party|managed|hosted)\s+(?:\w+\s+){0,2}"
    r"(?:sfu|turn|media\s+servers?)\b|\b(?:twilio|agora|vonage|xirsys|daily\.co|livekit\s+cloud)\b"
)
# The participants of one call when the task gives none (assumed): most calls are small.
DEFAULT_JOINS = Fraction(3)
# How long a participant stays in a call when the task gives no concurrent calls (assumed).
CALL_LENGTH = Fraction(600)
# Offers, answers and ICE candidates one join exchanges through the server (assumed).
MESSAGES_PER_JOIN = Fraction(10)


def _maximum(ctx: Ctx, q: Quantity) -> bool:
    return stated_as_ceiling(ctx.text, q.start)


def joins_per_call(ctx: Ctx) -> Quantity | None:
    """How many join each call on average ("avg 4 joins per call"): a count of joins or
    participants per call, not the cap ("max 50 participants")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or not q.subject or _maximum(ctx, q):
            continue
        per = singular(q.per.split()[-1].lower()) if q.per else None
        if singular(q.subject.split()[-1].lower()) in _JOIN_HEADS and per in _CALL_HEADS:
            return q
    return None


def participant_cap(ctx: Ctx) -> Quantity | None:
    """The most participants a call may have ("max 50 participants", "up to 300")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or not q.subject or not _maximum(ctx, q):
            continue
        if singular(q.subject.split()[-1].lower()) in _JOIN_HEADS:
            return q
    return None


def concurrent_calls(ctx: Ctx) -> Quantity | None:
    """Calls in progress at once ("120k concurrent calls at peak")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or q.period is not None or not q.subject:
            continue
        words = q.subject.lower().split()
        if singular(words[-1]) in _CALL_HEADS and re.search(
            r"concurrent|simultaneous|at\s+once|live|active", f"{q.subject} {q.sentence}", re.I
        ):
            return q
    return None


def signalling(ctx: Ctx) -> None:
    said = rate_about(ctx, _CALL_HEADS, _CALL_VERBS)
    if said is not None:
        starts, start_note = stated_average(ctx, said)
        ctx.ledger.extracted("calls started", rate_text(starts), said.describe())
    else:
        starts = ctx.dau() / 86_400
        start_note = "assumed: one call a day per daily active user"
        ctx.ledger.assumed("calls started", rate_text(starts), "one a day per DAU", "calls")
    no_generic_reads(ctx, "signalling")
    each = joins_per_call(ctx)
    joins_each = each.value if each is not None else DEFAULT_JOINS
    if each is None:
        ctx.ledger.assumed(
            "joins per call",
            sig(float(joins_each)),
            "small calls",
            "joins-per-call",
            "How many participants join a call on average? Joins and connections scale by it.",
        )
    joins = starts * joins_each
    join_note = f"calls started × {sig(float(joins_each))} joins per call" + (
        f' (from the task: "{each.describe()}")' if each is not None else " (assumed)"
    )
    ctx.ledger.derived("joins", rate_text(joins), join_note)
    cap = participant_cap(ctx)
    provider = ctx.mentions(_PROVIDER)
    live = concurrent_calls(ctx)
    if live is not None and ctx.load.concurrent is None:
        # every participant of a live call holds one connection to a signalling server
        ctx.load.concurrent = live.value * joins_each
        ctx.ledger.derived(
            "concurrent connections",
            f"{float(ctx.load.concurrent):,.0f}",
            f'"{live.describe()}" × {sig(float(joins_each))} participants each',
        )
    elif ctx.load.concurrent is None:
        # Little's law: participants connected at once = joins a second × how long each stays
        peak_joins = at_peak(joins, ctx.load.peak_factor)
        ctx.load.concurrent = peak_joins * CALL_LENGTH
        ctx.ledger.derived(
            "concurrent connections",
            f"{float(ctx.load.concurrent):,.0f}",
            f"peak joins {per_s(float(peak_joins))} × {Duration(CALL_LENGTH)} in a call (assumed)",
            "call-length",
        )

    ctx.entity("Call")
    ctx.entity("CallParticipant")
    server = ctx.comp(
        "gateway",
        "signalling",
        "signalling servers: hold each participant's connection (WebSocket) and relay the "
        "offers, answers and ICE candidates of the calls the load balancer hashes to them",
    )
    server.work["relay"] = {"lognormal": {"p50": "100us", "p99": "1ms"}}
    server.work_notes["relay"] = "forward one message to the call's other participants, in memory"
    ctx.comp("lb")
    media = (
        ctx.external("media_provider", "the SFU/TURN provider carrying the calls' media")
        if provider
        else None
    )
    if media is not None:
        ctx.comps[media].notes.append(
            "the clients send their media to it directly (WebRTC); our servers only sign its "
            "tokens, so no operation of ours calls it"
        )
    cap_text = f" (at most {cap.describe()})" if cap is not None else ""
    start_calls: list[CallSpec] = [
        ctx.db("write", "insert the Call and its host's CallParticipant", on_failure="fail_closed")
    ]
    join_calls: list[CallSpec] = [
        ctx.db(
            "write",
            "insert the CallParticipant if the call is active and not full"
            + cap_text
            + " (a conditional update of Call.participants)",
            on_failure="fail_closed",
        )
    ]
    if media is not None:
        # the media token is signed here with the provider's key (no call on the join path)
        server.work["join"] = {"lognormal": {"p50": "200us", "p99": "2ms"}}
        server.work_notes["join"] = "sign the participant's media token with the provider's key"
    ctx.op(
        OpSpec(
            id="start_call",
            description="Start a call: record it and its host, open the host's connection",
            pattern="signalling",
            rate=starts,
            rate_note=start_note,
            reads=False,
            idempotency_key="client request id: a retried start opens one call",
            calls=[
                CallSpec("lb.route", calls=[CallSpec("signalling.start", calls=[*start_calls])])
            ],
            keywords=("start", "create", "host", "place"),
        )
    )
    ctx.op(
        OpSpec(
            id="join_call",
            description="Join a call: record the participant, connect them to the call's "
            "signalling server",
            pattern="signalling",
            rate=joins,
            rate_note=join_note,
            reads=False,
            idempotency_key="(call id, user id): a retried join is the same participant",
            calls=[CallSpec("lb.route", calls=[CallSpec("signalling.join", calls=[*join_calls])])],
            keywords=("join",),
        )
    )
    ctx.ledger.assume_entry(
        "signals-per-join",
        f"{sig(float(MESSAGES_PER_JOIN))} signalling messages per join",
        "assumed: an offer, an answer and a few ICE candidates each way",
    )
    ctx.op(
        OpSpec(
            id="relay_signal",
            description="Relay an offer, answer or ICE candidate to the call's other participants",
            pattern="signalling",
            rate=joins * MESSAGES_PER_JOIN,
            rate_note=f"joins × {sig(float(MESSAGES_PER_JOIN))} messages each (assumed)",
            reads=False,
            idempotency_key="(participant, message sequence): a resent message is dropped",
            calls=[CallSpec("lb.route", calls=[CallSpec("signalling.relay")])],
            keywords=("relay", "signal", "offer", "answer"),
        )
    )
    ctx.op(
        OpSpec(
            id="leave_call",
            description="Leave a call (or drop): mark the participant gone; the last one ends "
            "the call",
            pattern="signalling",
            rate=joins,
            rate_note="one leave per join",
            reads=False,
            idempotency_key="(call id, user id): leaving twice leaves once",
            calls=[
                CallSpec(
                    "lb.route",
                    calls=[
                        CallSpec(
                            "signalling.leave",
                            calls=[ctx.db("write", "CallParticipant.left_at; the call ends")],
                        )
                    ],
                )
            ],
            keywords=("leave", "end", "hang"),
        )
    )
    ctx.access("CallParticipant", "participants_of_call", "range", ("call_id",), None, "join_call")
    ctx.primary_write = ctx.primary_write or "join_call"
    ctx.decide(
        "signalling-sticky-calls",
        "One signalling server per call",
        "the load balancer hashes the call id to a signalling server; it relays the call's "
        "offers, answers and ICE candidates in memory",
        Principle.ST,
        "relaying is the servers' hot path: with every participant of a call on one server "
        "it needs no shared bus; who is in which call is in the database, so a lost server "
        "costs its calls a reconnect, not their state",
        "signalling",
    )
    if media is not None:
        ctx.decide(
            "signalling-media",
            "Media through the provider's SFU",
            "the servers only set calls up; audio and video flow through the provider",
            Principle.OP,
            "the task puts media on an external SFU: it is the bandwidth-heavy part; the "
            "servers sign each participant's media token with the provider's key, so neither "
            "a start nor a join waits on the provider: the clients reach it directly",
            media,
        )
    elif ctx.mentions(r"\bsfus?\b|\bturn\b|\bmedia\s+servers?\b"):
        # the task runs its own media servers: sized by bandwidth, not by these requests
        ctx.ledger.ask(
            "How much media bandwidth does a participant send and receive? The task's own "
            "SFU/TURN servers are sized by it, outside this signalling draft."
        )
    else:
        ctx.ledger.ask(
            "Who carries the media: peer to peer with a TURN relay, or an SFU (ours or a "
            "provider's)? It is the bandwidth-heavy part, outside this signalling draft."
        )
    ctx.use_cases += ["Start a call", "Join a call", "Relay call setup", "Leave a call"]
    ctx.ledger.ask("Must a call survive its signalling server's loss without the users noticing?")
    ctx.ledger.ask("Are calls recorded? Recordings would need an object store and a pipeline.")
