"""Webhook delivery: events sent to the HTTP endpoints subscribers (merchants, apps) have
registered, at least once, off every request path.

The producer's event is accepted onto a durable queue; a fan-out job stores it and one
delivery row per subscribed endpoint, and enqueues one delivery job each; delivery workers
POST the signed event to the endpoint (an external: someone else's server) with the task's
answer timeout and a breaker per endpoint. A failed delivery is redelivered by the broker
with exponential backoff over the task's retry horizon, then dead-lettered and marked
failed. Rates come from the task's numbers: deliveries = events × endpoints per event, and
the lowering derives them from the enqueue calls (`times` × `p`), so the printed figures
are the lowered model's.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import primary_rates
from archproof.frontends.draft.plan import CallSpec, EventSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Duration

# What a subscriber registers to receive events.
_ENDPOINT_WORDS = frozenset(
    {"endpoint", "url", "callback", "webhook", "hook", "subscriber", "subscription", "receiver"}
)
# Who an event is delivered to, for the count per event.
_RECEIVERS = _ENDPOINT_WORDS | frozenset(
    {"partner", "merchant", "customer", "client", "consumer", "app", "integration", "tenant"}
)
_EVENT_WORDS = frozenset({"event", "message", "notification", "update", "change", "delivery"})
_GOES_TO = re.compile(
    r"\b(?:each|every)\b[^.;]*\b(?:goes|go|is\s+sent|are\s+sent|is\s+delivered|fans?\s+out)"
    r"\s+to\s+(?:about\s+|around\s+|roughly\s+|~\s*)?$",
    re.IGNORECASE,
)
# "order does not matter", "in any order", "no ordering guarantee"
_ORDER_FREE = (
    r"\border(?:ing)?\s+(?:does\s+not|doesn't|do\s+not|don't|is\s+not|isn't)\s+(?:matter|"
    r"important|needed|required|guaranteed)|\bin\s+any\s+order\b|\bno\s+ordering\b"
    r"|\bunordered\b"
)
# "gets 10 seconds to answer", "a 5 s timeout", "must respond within 3 seconds"
_ANSWER_AFTER = re.compile(
    r"^\s*(?:to\s+(?:answer|respond|reply|acknowledge|ack)|(?:response\s+)?time\s?out)\b",
    re.IGNORECASE,
)
_ANSWER_BEFORE = re.compile(
    r"(?:time\s?out(?:\s+(?:of|is|after))?|times\s+out\s+after|(?:answer|respond|reply|"
    r"acknowledge)\w*\s+(?:with)?in)\s*(?:about\s+|~)?$",
    re.IGNORECASE,
)
# "retry with backoff for up to 3 days", "retried over 72 hours"
_RETRY_BEFORE = re.compile(r"\bretr(?:y|ies|ied|ying)\b[^.;:,]*$", re.IGNORECASE)

DEFAULT_TIMEOUT = Fraction(10)
DEFAULT_HORIZON = Fraction(3 * DAY)
DEFAULT_LOG_RETENTION = Fraction(30 * DAY)
FIRST_BACKOFF = Fraction(60)  # the first redelivery waits a minute
MAX_BACKOFF = Fraction(6 * 3600)  # the wait doubles up to 6 h, then stays there
# An async HTTP client keeps this many deliveries in flight per worker process: the
# wait is the endpoint's, not CPU (assumed; sizing the pool by replicas of this).
IN_FLIGHT_PER_WORKER = 200
# Merchants' servers (assumed): most answer in a few hundred ms, a slow tail in seconds.
ENDPOINT_TIME: dict[str, object] = {"lognormal": {"p50": "200ms", "p99": "3s"}}


def backoff_schedule(horizon: Fraction) -> tuple[int, Fraction]:
    """Deliveries in all (the first included) whose retries start within `horizon`, with
    waits of 1 min doubling up to 6 h, and the last retry's start (seconds after the first
    try)."""
    waited, wait, deliveries = Fraction(0), FIRST_BACKOFF, 1
    while waited + wait <= horizon:
        waited += wait
        deliveries += 1
        wait = min(wait * 2, MAX_BACKOFF)
    return deliveries, waited


def _near(
    ctx: Ctx, item: Quantity, before: re.Pattern[str] | None, after: re.Pattern[str] | None
) -> bool:
    """`before` matches the 60 characters before the duration, or `after` the 30 after it."""
    head = ctx.text[max(0, item.start - 60) : item.start]
    tail = ctx.text[item.end : item.end + 30]
    return bool(before and before.search(head)) or bool(after and after.search(tail))


def _durations(ctx: Ctx) -> list[Quantity]:
    return [q for q in ctx.load.extracted.reading.placed if q.unit == "seconds" and q.value > 0]


def answer_timeout(ctx: Ctx) -> Quantity | None:
    """The time an endpoint gets to answer: a duration the reader takes for a timeout, or
    one beside 'to answer' / 'timeout'."""
    return next(
        (
            q
            for q in _durations(ctx)
            if q.role == "timeout" or _near(ctx, q, _ANSWER_BEFORE, _ANSWER_AFTER)
        ),
        None,
    )


def retry_horizon(ctx: Ctx, timeout: Quantity | None) -> Quantity | None:
    """How long a failed delivery is retried: the longest duration after 'retry' in its
    clause (not the answer timeout), a minute or more."""
    found = [
        q
        for q in _durations(ctx)
        if q is not timeout
        and q.value >= 60
        and (q.subject == "retry window" or _near(ctx, q, _RETRY_BEFORE, None))
    ]
    return max(found, key=lambda q: q.value, default=None)


def _is_endpoint(subject: str, words: frozenset[str] = _ENDPOINT_WORDS) -> bool:
    return any(singular(w.lower()) in words for w in subject.split())


def fan_out(ctx: Ctx) -> Quantity | None:
    """Endpoints per event: a count of endpoints (or of those who own them) per event ("each
    event goes to 2 endpoints on average", "fans out to 3 subscribed URLs"), or after 'each
    … goes to' ("each goes to about 1.5 partners")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or q.period is not None or not _is_endpoint(q.subject, _RECEIVERS):
            continue
        per = singular(q.per.split()[-1].lower()) if q.per else ""
        if per in _EVENT_WORDS or _near(ctx, q, _GOES_TO, None):
            return q
    return None


def endpoint_count(ctx: Ctx) -> Quantity | None:
    """How many endpoints are registered ("about 40,000 endpoints today")."""
    return next(
        (
            q
            for q in ctx.load.extracted.reading.placed
            if q.unit == "count" and q.period is None and q.per is None and _is_endpoint(q.subject)
        ),
        None,
    )


def _times_p(per_event: Fraction) -> tuple[int, str | None]:
    """`times` and `p` of one enqueue call so that times × p = endpoints per event."""
    times = max(1, math.ceil(per_event))
    share = per_event / times
    return times, None if share == 1 else str(sig(float(share), 6))


def webhooks(ctx: Ctx) -> None:
    events, reads, enote, rnote = primary_rates(ctx, "webhooks")
    timeout_q = answer_timeout(ctx)
    horizon_q = retry_horizon(ctx, timeout_q)
    per_q, count_q = fan_out(ctx), endpoint_count(ctx)
    timeout = timeout_q.value if timeout_q is not None else DEFAULT_TIMEOUT
    horizon = horizon_q.value if horizon_q is not None else DEFAULT_HORIZON
    per_event = per_q.value if per_q is not None and per_q.value > 0 else Fraction(1)
    # an assumed log outlives the retries it records
    retention = ctx.load.retention_s or max(DEFAULT_LOG_RETENTION, horizon)
    stated_retention = ctx.load.retention_s is not None
    if timeout_q is not None:
        ctx.ledger.extracted("endpoint answer timeout", str(Duration(timeout)), timeout_q.text)
        # "receivers must respond within 5 seconds" bounds their servers, not our answers:
        # the call's timeout, never a latency target of our operations
        found = ctx.load.extracted
        found.figures = [
            f
            for f in found.figures
            if not (f.kind == "latency" and f.start <= timeout_q.start < f.start + len(f.quote))
        ]
    else:
        ctx.ledger.assumed(
            "endpoint answer timeout",
            str(Duration(timeout)),
            "a common webhook timeout when the task gives none",
            "webhook-timeout",
            "How long does an endpoint get to answer before the attempt counts as failed? "
            f"(assumed {Duration(timeout)})",
        )
    if horizon_q is not None:
        ctx.ledger.extracted("retry horizon", str(Duration(horizon)), horizon_q.text)
    else:
        ctx.ledger.assumed(
            "retry horizon",
            str(Duration(horizon)),
            "a common webhook retry horizon when the task gives none",
            "webhook-retry-horizon",
            f"How long are failed deliveries retried? (assumed {Duration(horizon)})",
        )
    if per_q is not None:
        ctx.ledger.extracted("endpoints per event", sig(float(per_event), 6), per_q.describe())
    else:
        ctx.ledger.assumed(
            "endpoints per event",
            "1",
            "each event goes to one endpoint when the task does not say",
            "webhook-fan-out",
            "How many endpoints subscribe to one event on average? (assumed 1)",
        )
    if not stated_retention:
        ctx.load.retention_s = retention  # the log's retention sizes its storage, once
        ctx.ledger.assumed(
            "delivery log retention",
            str(Duration(retention)),
            "a common retention for a delivery log merchants can read",
            "webhook-log-retention",
            f"How long is the delivery log kept? (assumed {Duration(retention)})",
        )
    deliveries, last_retry = backoff_schedule(horizon)

    for name in ("WebhookEndpoint", "WebhookEvent", "WebhookDelivery"):
        ctx.entity(name)
    if count_q is not None:
        ctx.entities["WebhookEndpoint"].rows = count_q.value
    endpoints = ctx.external(
        "endpoints", "subscribers' HTTP endpoints (their servers: slow or down at any time)"
    )
    # Thousands of servers, each its owner's: no one quota to size against, so no catalog
    # technology (the model treats it as a delay station: every call waits its own time).
    ep = ctx.comps[endpoints]
    ep.tech = None
    ep.failure_domain = "per_endpoint"
    ep.notes.append(
        (f"{count_q.describe()}: " if count_q is not None else "")
        + "each its owner's server; the breaker and the calls in flight are per endpoint"
    )
    inbox = ctx.queue("webhook_events", "accepted events waiting to be fanned out to endpoints")
    outbox = ctx.queue("deliveries", "one message per (event, endpoint) delivery")
    dead = ctx.queue("deliveries_dlq", "deliveries that failed for the whole retry horizon")
    worker = ctx.comp(
        "worker",
        "delivery_worker",
        "delivery workers: POST each event to its endpoint; the wait is the endpoint's, so "
        "each process keeps many requests in flight (async HTTP client)",
    )
    worker.concurrency = IN_FLIGHT_PER_WORKER
    worker.notes.append(
        f"concurrency = {IN_FLIGHT_PER_WORKER} deliveries in flight per process (an async "
        "HTTP client; assumed): a delivery holds a slot while the endpoint answers"
    )
    ctx.ledger.assume_entry(
        "delivery-concurrency",
        f"a delivery worker keeps {IN_FLIGHT_PER_WORKER} deliveries in flight",
        "assumed: an async HTTP client; the worker waits on the endpoint, not on CPU",
    )
    ctx.ledger.assume_entry(
        "endpoint-time",
        "subscribers' endpoints answer in 200 ms at the median, 3 s at p99",
        "assumed: typical webhook receivers; it sizes the delivery workers (calls in flight "
        "= deliveries a second × the time each waits)",
    )
    worker.work["sign"] = {"lognormal": {"p50": "1ms", "p99": "5ms"}}
    worker.work_notes["sign"] = "serialize and HMAC-sign the payload with the endpoint's secret"

    publish = ctx.op(
        OpSpec(
            id="publish_event",
            description="POST /events (from our own services): accept an event for delivery "
            "to the endpoints subscribed to it",
            pattern="webhooks",
            rate=events,
            rate_note=enote,
            reads=False,
            idempotency_key="event id from the producer: the fan-out stores an event id once, "
            "so a retried publish delivers nothing twice",
            calls=ctx.front(
                "publish_event",
                [
                    ctx.enqueue(
                        inbox,
                        "fan-out and delivery wait on subscribers' servers (seconds, retried "
                        "for days): never on the producer's request path",
                        on_failure="fail_closed",
                    )
                ],
            ),
            keywords=("event", "emit", "publish"),
        )
    )
    times, share = _times_p(per_event)
    ctx.comp("worker").work.setdefault("fan_out", {"lognormal": {"p50": "1ms", "p99": "10ms"}})
    ctx.comp("worker").work_notes.setdefault("fan_out", "match the event to its subscriptions")
    ctx.job(
        "fan_out_event",
        inbox,
        "fan_out",
        [
            ctx.db(
                "read",
                "the endpoints subscribed to the event's type for its merchant "
                "(WebhookEndpoint by merchant_id, enabled)",
            ),
            ctx.db(
                "write",
                "insert the WebhookEvent (a repeat of its id is a no-op) and one "
                "WebhookDelivery(status=pending) per endpoint, in one transaction",
            ),
            CallSpec(
                f"{outbox}.enqueue",
                async_=True,
                times=times,
                p=share,
                on_failure="fail_open",
                fallback="the delivery row stays pending; a sweeper re-enqueues pending "
                "deliveries older than a minute",
                rationale="one message per (event, endpoint): a slow endpoint delays only "
                "its own deliveries",
            ),
        ],
        description="Store an event and enqueue one delivery per subscribed endpoint",
        pattern="webhooks",
        idempotency_key="event id (unique) and (event id, endpoint id) per delivery: a "
        "redelivered event inserts and enqueues nothing new",
    )
    schedule = (
        f"waits of {Duration(FIRST_BACKOFF)} doubling up to {Duration(MAX_BACKOFF)}: "
        f"{deliveries} deliveries in all, the last {horizon_text(last_retry)} after the first"
    )
    ctx.op(
        OpSpec(
            id="deliver_webhook",
            description="POST one event to one endpoint, signed, and log the attempt",
            pattern="webhooks",
            consumes=outbox,
            sync=False,
            reads=False,
            idempotency_key="the event id, sent in a Webhook-Id header: the endpoint drops a "
            "repeat (delivery is at least once)",
            calls=[
                CallSpec(
                    f"{worker.id}.sign",
                    calls=[
                        ctx.db(
                            "read",
                            "the delivery's event payload and its endpoint's URL and secret "
                            "(by primary keys)",
                        ),
                        CallSpec(
                            f"{endpoints}.post",
                            time=dict(ENDPOINT_TIME),
                            timeout=str(Duration(timeout)),
                            retries={"count": 0},
                            breaker=True,
                            breaker_key="endpoint",
                            on_failure="fail_closed",
                            idempotent=True,
                            rationale="signed with the endpoint's secret (HMAC-SHA256 of the "
                            "body and a timestamp in a header); the breaker is per endpoint, "
                            "so one receiver's outage holds no worker; a failed attempt "
                            "returns the message to the queue for a delayed redelivery, not "
                            "an in-process retry",
                        ),
                        ctx.db(
                            "write",
                            "append the attempt (status code, latency) to the delivery log; "
                            "status → delivered",
                        ),
                    ],
                )
            ],
            rationale=f"redelivered by the broker with exponential backoff ({schedule}), "
            "then dead-lettered",
        )
    )
    ctx.job(
        "fail_delivery",
        dead,
        "fail_delivery",
        [
            ctx.db(
                "write",
                "status → failed, and count the endpoint's consecutive failures (a disabled "
                "endpoint gets no new deliveries; its merchant is told)",
            )
        ],
        description="Mark a delivery failed after its retry horizon",
        pattern="webhooks",
        idempotency_key="delivery id: marking a failed delivery failed again changes nothing",
    )
    ctx.events.append(
        EventSpec(
            id="delivery",
            hub=outbox,
            producers=("worker",),
            consumers=(worker.id,),
            volume=events * per_event,
            rationale="one message per (event, endpoint), so each endpoint's retries and "
            "slowness are its own; redelivered with backoff over the retry horizon",
            redelivery={
                "delay": str(Duration(FIRST_BACKOFF)),
                "max_deliveries": deliveries,
                "dead_letter": dead,
            },
        )
    )
    log = ctx.op(
        OpSpec(
            id="list_deliveries",
            description="GET /endpoints/{id}/deliveries: a merchant's delivery log, newest "
            "first (one page)",
            pattern="webhooks",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front(
                "list_deliveries",
                [
                    ctx.db(
                        "read",
                        "WebhookDelivery range by (merchant_id, endpoint_id), newest first",
                    )
                ],
            ),
            keywords=("log", "deliveries", "list", "view"),
        )
    )
    ctx.op(
        OpSpec(
            id="register_endpoint",
            description="POST /endpoints: a merchant registers a URL and the event types it "
            "wants; the response carries the signing secret",
            pattern="webhooks",
            rate=_registrations(ctx, count_q),
            rate_note="assumed: each endpoint registered or changed once a month",
            reads=False,
            idempotency_key="(merchant id, URL) is unique: a retried registration is one row",
            calls=ctx.front("register_endpoint", [ctx.db("write", "insert WebhookEndpoint")]),
            keywords=("register", "endpoint", "subscribe"),
        )
    )
    ctx.access(
        "WebhookEndpoint",
        "endpoints_of_merchant",
        "lookup",
        ("merchant_id",),
        None,
        "fan_out_event",
    )
    ctx.access(
        "WebhookDelivery",
        "deliveries_of_endpoint",
        "range",
        ("merchant_id", "endpoint_id"),
        "created_at",
        log.id,
    )
    ctx.access(
        "WebhookDelivery",
        "delivery_of_event_endpoint",
        "lookup",
        ("event_id", "endpoint_id"),
        None,
        "fan_out_event",
    )
    ctx.access("WebhookEvent", "event_by_id", "lookup", ("id",), None, "deliver_webhook")
    delivery = ctx.entities["WebhookDelivery"]
    delivery.growth = events * per_event
    delivery.growth_note = (
        f"new rows: one per delivery, {sig(float(per_event), 6)} per event (the events' rate "
        f"× endpoints per event)"
    )
    delivery.retention = str(Duration(retention))
    delivery.retention_note = "from the task" if stated_retention else "assumed"
    ctx.primary_write = ctx.primary_write or publish.id
    ctx.primary_read = ctx.primary_read or log.id
    _decisions(ctx, timeout, horizon, schedule, per_event, per_q)
    ctx.use_cases += [
        "Register an endpoint for event types",
        "Deliver every event to each subscribed endpoint at least once",
        "Show a merchant the delivery log",
    ]
    if ctx.mentions(_ORDER_FREE):
        ctx.ledger.extracted(
            "ordering", "none per endpoint", "order does not matter (deliveries independent)"
        )
    else:
        ctx.ledger.ask(
            "Must an endpoint receive its events in order? (assumed not: deliveries are "
            "independent; per-endpoint order would need one partition and one consumer each)"
        )
    ctx.ledger.ask(
        "When is an endpoint that keeps failing disabled (after how many days), and how is "
        "its merchant told?"
    )
    if ctx.load.item_size is None:
        ctx.ledger.ask("How large is an event's payload (bytes), and may it carry personal data?")
    ctx.ledger.ask(
        "Do the producing services publish from a transactional outbox, so every committed "
        "change yields its event (and a rolled-back one none)?"
    )
    ctx.ledger.ask(
        "Is there a per-merchant cap on deliveries in flight or per second, so one merchant's "
        "burst or slow server cannot take the whole worker pool?"
    )
    ctx.ledger.ask(
        "What share of deliveries fail today (endpoints down or answering errors)? Each "
        "failure is retried, so it adds delivery load spread over the retry horizon"
    )


def _registrations(ctx: Ctx, count: Quantity | None) -> Fraction:
    """Endpoint registrations and changes a second: each endpoint once a month (assumed)."""
    if count is not None:
        return count.value / (30 * DAY)
    ctx.ledger.assumed(
        "registered endpoints",
        "1k",
        "a small platform when the task does not say",
        "webhook-endpoints",
        "How many endpoints are registered, and how many merchants own them? (assumed 1k)",
    )
    return Fraction(1000) / (30 * DAY)


def horizon_text(seconds: Fraction) -> str:
    """A wait as people say it: `2.85 days`, `8.5h`, `15min`."""
    if seconds >= DAY:
        return f"{sig(float(seconds / DAY), 3)} days"
    if seconds >= 3600:
        return f"{sig(float(seconds / 3600), 3)}h"
    return str(Duration(seconds))


def _decisions(
    ctx: Ctx,
    timeout: Fraction,
    horizon: Fraction,
    schedule: str,
    per_event: Fraction,
    per_q: Quantity | None,
) -> None:
    fan = f'"{per_q.describe()}"' if per_q is not None else "assumed 1"
    ctx.decide(
        "webhooks-background",
        "Webhooks are delivered by background workers, one message per (event, endpoint)",
        "publish enqueues the event; a fan-out job enqueues one delivery per subscribed "
        "endpoint; delivery workers POST them",
        Principle.OP,
        f"an endpoint is someone else's server that may take {Duration(timeout)} or be down "
        f"for days: it never sits on a producer's request path; deliveries = events × "
        f"{sig(float(per_event), 6)} endpoints per event ({fan}), the delivery rate "
        "`archproof analyze` prints",
        "deliver_webhook",
    )
    ctx.decide(
        "webhooks-retries",
        "Failed deliveries are redelivered with exponential backoff, then dead-lettered",
        f"the endpoint call times out after {Duration(timeout)}; the broker redelivers a "
        f"failed delivery after {schedule}; then the delivery is marked failed",
        Principle.FH,
        f"retries spread over {Duration(horizon)} survive a receiver's outage of hours without "
        "hammering it; delayed redelivery frees the worker at once (an in-process retry "
        "would hold it for hours); a breaker per endpoint stops calls to one that is down",
        "deliver_webhook",
    )
    ctx.decide(
        "webhooks-idempotency",
        "At-least-once delivery with the event id as the idempotency key",
        "every attempt carries the event id (Webhook-Id header) and an HMAC signature with "
        "the endpoint's secret",
        Principle.FH,
        "a delivery whose answer was lost is sent again; the receiver drops a repeat by the "
        "event id, and the signature proves the event is ours",
        "deliver_webhook",
    )
