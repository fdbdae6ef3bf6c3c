"""Session-state servers (a multiplayer game's match servers, live rooms): each server owns
whole sessions and holds their state in memory; every client of a session sends its inputs
to the server that owns it, which simulates the session and answers at the same tick.

A session lives on exactly one server (sticky by session id, assigned when it starts), so
an input is a step in memory, never a database round trip; the servers are partitions, not
copies. Their load is sized by the sessions in progress × the clients in each × the rate
each sends; what outlives a session (its result, the players' stats) is written once, when
it ends, and sessions end at (sessions in progress ÷ how long one lasts), Little's law.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import no_generic_reads
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import rate_text
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Duration

_SESSION_HEADS = frozenset({"match", "game", "room", "session", "round", "lobby", "instance"})
_CLIENT_HEADS = frozenset({"player", "client", "user", "participant", "member", "gamer"})
_IN_PROGRESS = re.compile(
    r"\b(?:concurrent\w*|simultaneous\w*|at\s+(?:once|the\s+same\s+time)|going|running|live"
    r"|active|in\s+progress|online)\b",
    re.IGNORECASE,
)
_LENGTH = re.compile(r"\b(?:duration|length|lasts?|long)\b", re.IGNORECASE)
# Assumed when the task gives none: clients per session, inputs each sends, session length.
DEFAULT_CLIENTS = Fraction(10)
DEFAULT_TICK = Fraction(20)
SESSION_LENGTH = Fraction(1800)
# One input applied to the session's world in memory (assumed; the tick's simulation is
# spread over the inputs it consumes).
INPUT_P50 = "20us"
INPUT_P99 = "200us"


def _words(q: Quantity) -> set[str]:
    return {singular(w) for w in re.findall(r"[a-z]+", (q.subject or "").lower())}


def clients_per_session(ctx: Ctx) -> Quantity | None:
    """Clients in one session ("Each match has 16 players", "4 pilots per session"):
    whoever takes part, a count per session."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or q.period is not None or not q.per or not q.subject:
            continue
        if singular(q.per.split()[-1].lower()) in _SESSION_HEADS:
            return q
    return None


def client_rate(ctx: Ctx, clients: Quantity | None) -> Quantity | None:
    """What each client sends a second ("every client sends its inputs ... 30 times a
    second", "60 times a second per pilot"): a rate per client, player, or whoever the
    task says takes part in a session."""
    heads = set(_CLIENT_HEADS)
    if clients is not None and clients.subject:
        heads.add(singular(clients.subject.split()[-1].lower()))
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or q.per_second is None or not q.per:
            continue
        if singular(q.per.split()[-1].lower()) in heads:
            return q
    return None


def sessions_in_progress(ctx: Ctx) -> tuple[Quantity | None, Quantity | None]:
    """Sessions in progress at once on average and at peak ("around 40,000 matches going at
    once, and at the evening peak it's more like 100,000"): counts with no period about a
    session, said to be at once; a peak count in the same sentence is the peak of them."""
    placed = ctx.load.extracted.reading.placed
    counts = [q for q in placed if q.unit == "count" and q.period is None and not q.per]
    live = [
        q
        for q in counts
        if _words(q) & _SESSION_HEADS and _IN_PROGRESS.search(f"{q.subject} {q.sentence}")
    ]
    average = next((q for q in live if not q.peak), None)
    peak = next((q for q in live if q.peak), None)
    if peak is None and average is not None:
        peak = next(
            (
                q
                for q in counts
                if q.peak and q.sentence == average.sentence and q.value > average.value
            ),
            None,
        )
    return average, peak


def session_length(ctx: Ctx) -> Quantity | None:
    """How long a session lasts ("A match lasts about 12 minutes")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit == "seconds" and _words(q) & _SESSION_HEADS and _LENGTH.search(q.subject or ""):
            return q
    return None


def match_state(ctx: Ctx) -> None:
    no_generic_reads(ctx, "match_state")
    each = clients_per_session(ctx)
    clients = each.value if each is not None else DEFAULT_CLIENTS
    if each is None:
        ctx.ledger.assumed(
            "clients per session",
            sig(float(clients)),
            "a small session",
            "clients-per-session",
            "How many clients (players) share one session? The input rate scales by it.",
        )
    sends = client_rate(ctx, each)
    tick = sends.per_second if sends is not None and sends.per_second else DEFAULT_TICK
    if sends is None:
        ctx.ledger.assumed(
            "inputs per client",
            rate_text(tick),
            "a typical tick rate",
            "tick-rate",
            "How often does each client send its inputs (the tick rate)?",
        )
    average, peak = sessions_in_progress(ctx)
    length_q = session_length(ctx)
    length = length_q.value if length_q is not None else SESSION_LENGTH
    if length_q is None:
        ctx.ledger.assumed(
            "session length",
            str(Duration(length)),
            "half an hour",
            "session-length",
            "How long does a session (a match) last? Results are written as often as sessions end.",
        )
    if average is not None:
        live = average.value
        ctx.ledger.extracted("sessions in progress", f"{float(live):,.0f}", average.describe())
    else:
        # Little's law from the people online: each sits in one session
        live = ctx.dau() / 86_400 * length / clients
        ctx.ledger.assumed(
            "sessions in progress",
            f"{float(live):,.0f}",
            f"each daily active user plays one session a day of {Duration(length)}, "
            f"{sig(float(clients))} to a session (Little's law)",
            "sessions-in-progress",
            "How many sessions (matches) are in progress at once, on average and at peak? "
            "The servers are sized by them.",
        )
    if average is not None and peak is not None:
        # the peak of the sessions in progress is the peak of every flow they carry
        ctx.ledger.withdraw("peak factor", "peak-factor", "How spiky is traffic")
        ctx.load.peak_factor = peak.value / average.value
        ctx.ledger.derived(
            "peak factor",
            f"{sig(float(ctx.load.peak_factor))}×",
            f'the sessions in progress at peak "{peak.describe()}" ÷ on average '
            f'"{average.describe()}"',
        )
    ctx.load.concurrent = ctx.load.concurrent or live * clients
    inputs = live * clients * tick
    input_note = (
        f"{float(live):,.0f} sessions in progress × {sig(float(clients))} clients each × "
        f"{rate_text(tick)} each"
    )
    ctx.ledger.derived("inputs", rate_text(inputs), input_note)
    ends = live / length
    end_note = f"sessions in progress ÷ {Duration(length)} each (Little's law)" + (
        f' (from the task: "{length_q.describe()}")' if length_q is not None else " (assumed)"
    )
    ctx.ledger.derived("sessions ended", rate_text(ends), end_note)

    ctx.entity("MatchResult")
    ctx.entity("PlayerStats")
    server = ctx.comp(
        "api",
        "match_servers",
        "match servers: each owns whole matches, their world state in memory; every client "
        "of a match sends its inputs to the server that owns it, which simulates a tick and "
        "sends the state back",
    )
    server.stateful = True
    server.state.append("match world state (in memory)")
    server.recovery = (
        "a lost server ends the matches it owned: their state is in its memory only, and "
        "no match is moved mid-play"
    )
    server.work["apply_input"] = {"lognormal": {"p50": INPUT_P50, "p99": INPUT_P99}}
    server.work_notes["apply_input"] = (
        "apply one client's input to its match's world in memory (assumed)"
    )
    server.accept["ST002"] = (
        "the replicas are partitions, not copies: each match lives on exactly one server, "
        "assigned when it starts, and its clients send to that server only"
    )
    ctx.op(
        OpSpec(
            id="send_input",
            description="A client's input to the server that owns its match: applied to the "
            "match's world in memory, the next tick's state sent back",
            pattern="match_state",
            rate=inputs,
            rate_note=input_note,
            reads=False,
            idempotency_key="(client, input sequence number): a resent input is dropped",
            calls=[CallSpec("match_servers.apply_input")],
            keywords=("input", "tick", "round", "trip", "simulat", "move"),
        )
    )
    ctx.op(
        OpSpec(
            id="end_match",
            description="A match ends: its server saves the result and every player's stats",
            pattern="match_state",
            rate=ends,
            rate_note=end_note,
            reads=False,
            idempotency_key="the match id: a result saved twice is saved once",
            calls=ctx.front(
                "save_result",
                [ctx.db("write", "insert the MatchResult and each player's PlayerStats")],
            ),
            keywords=("result", "end", "finish", "save", "stats"),
        )
    )
    ctx.primary_write = ctx.primary_write or "end_match"
    ctx.decide(
        "match-servers-own-matches",
        "Each match on one server, in memory",
        "a match is assigned to one match server when it starts; its clients send their "
        "inputs to that server, which holds the match's state in memory",
        Principle.ST,
        f"{rate_text(inputs)} inputs on average, each a step of one match's simulation: in "
        "memory on the match's own server it is microseconds, through a shared store it "
        "would be a round trip per input; a server lost ends its matches, and only the "
        "results outlive a match",
        "match_servers",
    )
    ctx.use_cases += ["Send a match input", "End a match and save its result"]
    ctx.ledger.ask(
        "Must a match survive its server's loss? Holding its state in memory only ends it."
    )
