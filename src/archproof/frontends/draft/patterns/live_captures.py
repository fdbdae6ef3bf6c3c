"""Live sessions whose clients send captures on a timer (an exam proctored by webcam
snapshots, a remote shift checked by screenshots): while a session runs, each client puts
a capture every T to an object store and a queue hands it to workers that check it (a
second face, a phone), flagging the session for a person; the client's own work is saved
every T' (autosave) as a row.

Sized from the clients in sessions at once: captures = clients ÷ T, saves = clients ÷ T'
(a concurrency stated as a maximum, "up to 60,000 at the same time", is the peak of
both); sessions started come from the stated count a period.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.flows import written_rate
from archproof.frontends.draft.lexicon import stated_as_ceiling
from archproof.frontends.draft.patterns.common import no_generic_reads
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import rate_text
from archproof.frontends.draft.text import camel, singular
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Count, Duration, Size

# What a client captures on a timer, and the words that say a figure is a maximum.
_CAPTURES = frozenset({"snapshot", "screenshot", "frame", "photo", "image", "capture"})
_SAVES = re.compile(r"\bauto-?saves?\b", re.IGNORECASE)
_AT_ONCE = re.compile(
    r"\b(?:at\s+(?:the\s+same\s+time|once)|concurrent\w*|simultaneous\w*)\b", re.IGNORECASE
)
# A capture checked by a model or a rule, in memory after the fetch (assumed).
CHECK_P50 = "50ms"
CHECK_P99 = "300ms"


def _words(q: Quantity) -> list[str]:
    return [singular(w) for w in re.findall(r"[a-z]+", (q.subject or "").lower())]


def clients_at_once(ctx: Ctx) -> Quantity | None:
    """Clients in sessions at the same time ("up to 60,000 students sit an exam at the
    same time"): a standing count in a sentence that says at once."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit == "count" and q.period is None and _AT_ONCE.search(q.sentence):
            return q
    return None


def _interval(ctx: Ctx, heads: frozenset[str] | None, saves: bool = False) -> Quantity | None:
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "seconds" or "interval" not in (q.subject or ""):
            continue
        if heads is not None and set(_words(q)) & heads:
            return q
        if saves and _SAVES.search(q.subject or ""):
            return q
    return None


def _size(ctx: Ctx, interval: Quantity) -> Quantity | None:
    """The capture's size, stated in the sentence that gives its interval."""
    return next(
        (
            q
            for q in ctx.load.extracted.reading.placed
            if q.unit == "bytes" and q.sentence == interval.sentence
        ),
        None,
    )


def _kept(ctx: Ctx, capture: str) -> Quantity | None:
    """How long the captures are kept ("keep snapshots for 90 days")."""
    return next(
        (
            q
            for q in ctx.load.extracted.reading.placed
            if q.unit == "seconds" and q.role == "retention" and capture in _words(q)
        ),
        None,
    )


def _sessions_started(ctx: Ctx) -> Quantity | None:
    """Sessions started a period ("about 2 million exams taken a year")."""
    return next(
        (
            q
            for q in ctx.load.extracted.reading.placed
            if q.unit == "count" and q.per_second is not None and q.per is None and q.subject
        ),
        None,
    )


def live_captures(ctx: Ctx) -> None:
    no_generic_reads(ctx, "live_captures")
    clients_q = clients_at_once(ctx)
    capture_q = _interval(ctx, _CAPTURES)
    if clients_q is None or capture_q is None:
        ctx.ledger.ask(
            "How many clients are in sessions at the same time, and how often does each "
            "send a capture? The captures' store, queue and checkers are sized by them."
        )
        return
    capture = next(w for w in _words(capture_q) if w in _CAPTURES)
    clients = clients_q.value
    peak_stated = clients_q.peak or stated_as_ceiling(ctx.text, clients_q.start)
    # a maximum is the peak: the average is it ÷ the peak factor (the lowering × it back)
    scale = ctx.load.peak_factor if peak_stated else Fraction(1)
    how = f'"{clients_q.describe()}"' + (
        f" (a maximum: the peak) ÷ peak factor {sig(float(ctx.load.peak_factor), 6)}"
        if peak_stated
        else ""
    )
    ctx.ledger.extracted("clients at once", str(Count(clients)), clients_q.describe())
    captures = clients / capture_q.value / scale
    capture_note = f"{how} ÷ one {capture} every {Duration(capture_q.value)}"
    ctx.ledger.derived(f"{capture}s", rate_text(captures), capture_note)

    started = _sessions_started(ctx)
    session = _words(started)[0] if started is not None else "session"
    session_entity = ctx.entity(camel(session))
    shot = ctx.entity(camel(capture))
    shot.stored_in = "blobs"
    size_q = _size(ctx, capture_q)
    if size_q is not None:
        shot.row_size = str(Size(size_q.value))
        if ctx.load.item_size == size_q.value:
            # the stated size is a capture's object, not a row of the sessions
            ctx.load.item_size = None
    # one object per capture: the object store grows with the captures, not the sessions
    shot.growth = written_rate(captures)
    shot.growth_note = f"one object per {capture} uploaded"
    kept = _kept(ctx, capture)
    if kept is not None:
        shot.retention = str(Duration(kept.value))
        shot.retention_note = f'from the task: "{kept.describe()}"'
    shot.note = f"the {capture} bytes, one object each; the check's verdict is on the {session}"
    ctx.comp("blobs", rationale=f"{capture}s in an object store, apart from the rows")
    checks = ctx.queue(f"{capture}_checks", f"{capture}s waiting for their check")
    worker = ctx.comp("worker")
    worker.work[f"check_{capture}"] = {"lognormal": {"p50": CHECK_P50, "p99": CHECK_P99}}
    worker.work_notes[f"check_{capture}"] = (
        f"look at one {capture} for what the task names (assumed time: a vision model)"
    )
    if started is not None:
        ctx.op(
            OpSpec(
                id=f"start_{session}",
                description=f"Start {session}: record it and its client",
                pattern="live_captures",
                rate=started.per_second,
                rate_note=f'from the task: "{started.describe()}"',
                reads=False,
                idempotency_key=f"client request id: a retried start opens one {session}",
                calls=ctx.front(
                    f"start_{session}", [ctx.db("write", f"insert the {session_entity.id}")]
                ),
                keywords=("start", "begin", session),
            )
        )
    ctx.op(
        OpSpec(
            id=f"upload_{capture}",
            description=f"A client's {capture}: put to the object store, queued for its check",
            pattern="live_captures",
            rate=captures,
            rate_note=capture_note,
            reads=False,
            idempotency_key=f"({session} id, taken_at): a resent {capture} overwrites itself",
            calls=ctx.front(
                f"upload_{capture}",
                [
                    CallSpec(
                        "blobs.put",
                        idempotent=True,
                        rationale=f"the {capture} under ({session} id, taken_at)",
                    ),
                    ctx.enqueue(
                        checks,
                        f"nobody waits for the check: the {capture} is stored, the check follows",
                    ),
                ],
            ),
            keywords=(capture, "upload", "webcam"),
        )
    )
    ctx.job(
        f"check_{capture}",
        checks,
        f"check_{capture}",
        [
            CallSpec("blobs.get", idempotent=True, rationale=f"the {capture} bytes"),
            ctx.db(
                "write",
                f"flag the {session} for a reviewer when the check finds something",
                p="1/100",
                idempotent=True,
            ),
        ],
        description=f"Check one {capture} and flag its {session} for a reviewer",
        pattern="live_captures",
        idempotency_key=f"({session} id, taken_at): a redelivered check flags once",
    )
    save_q = _interval(ctx, None, saves=True)
    if save_q is not None:
        saves = clients / save_q.value / scale
        save_note = f"{how} ÷ one autosave every {Duration(save_q.value)}"
        ctx.ledger.derived("autosaves", rate_text(saves), save_note)
        ctx.op(
            OpSpec(
                id="autosave",
                description=f"Autosave a client's work in its {session} (last write wins)",
                pattern="live_captures",
                rate=saves,
                rate_note=save_note,
                reads=False,
                idempotency_key=f"({session} id, sequence): an older save never overwrites "
                "a newer one",
                calls=ctx.front(
                    "autosave",
                    [ctx.db("write", f"upsert the client's answers on the {session_entity.id}")],
                ),
                keywords=("autosave", "save", "answer"),
            )
        )
    # the sessions' rows grow with the sessions started; captures are objects, saves upserts
    ctx.primary_write = f"start_{session}" if started is not None else f"upload_{capture}"
    ctx.decide(
        "live-captures-checked-off-path",
        f"{camel(capture)}s to the object store, checked by workers",
        f"each {capture} is put to the object store and queued; workers check it and flag "
        f"the {session} for a person",
        Principle.EV,
        f"{capture_note}: {rate_text(captures)} on average, none of which a client waits "
        "on; the check is slow work, so the queue holds a burst while the workers catch up",
        "worker",
    )
    ctx.use_cases += [f"Upload {capture}s", f"Check {capture}s", "Autosave"]
