"""Transactional payments: idempotent, fail-closed money movement and reconciliation."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import PATTERN_SUBJECTS
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.booking import sale_op
from archproof.frontends.draft.patterns.common import WRITES
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.model import Principle


def payments(ctx: Ctx) -> None:
    primary = ctx.classification.primary == "payments"
    if primary:
        writes, reads = ctx.load.writes, ctx.load.reads
        wnote, rnote = "the main write load", "the main read load"
    else:
        ride = ctx.find_op("request_ride") or sale_op(ctx)
        ride_rate = ride.rate if ride is not None else None

        def fallback() -> Fraction:
            return ride_rate if ride_rate else ctx.dau() / 20 / DAY

        rule = (
            f"one payment per {'ride' if ride.id == 'request_ride' else f'sale ({ride.id})'}"
            if ride is not None
            else "5% of daily active users pay once a day"
        )
        writes, wnote = ctx.rate(
            PATTERN_SUBJECTS["payments"],
            WRITES,
            fallback,
            "payments",
            rule,
            "payment-rate",
            "How many payments per day (and the peak, e.g. sales events)?",
        )
        reads, rnote = writes * 2, "2 status reads per payment (assumed)"
    psp = ctx.external("psp", "payment service provider (cards, wallets)")
    events = ctx.queue("provider_events", "provider events (captures, refunds, disputes)")
    ctx.entity("Payment")
    ctx.entity("LedgerEntry")
    create = ctx.op(
        OpSpec(
            id="create_payment",
            description="POST /payments: authorize and record a payment, exactly once",
            pattern="payments",
            rate=writes,
            rate_note=wnote,
            critical=True,
            idempotency_key="Idempotency-Key header from the client, stored in "
            "payment.idempotency_key (unique): a retry returns the first result",
            reads=False,
            calls=ctx.front(
                "create_payment",
                [
                    ctx.db(
                        "write",
                        "insert the payment as pending with its idempotency key; "
                        "a duplicate key returns the stored payment instead",
                        on_failure="fail_closed",
                    ),
                    CallSpec(
                        f"{psp}.charge",
                        idempotent=True,
                        breaker=True,
                        on_failure="fail_closed",
                        rationale="the provider gets our "
                        "idempotency key, so retries cannot charge twice; the breaker stops a "
                        "provider outage from holding every API worker",
                    ),
                    ctx.db(
                        "write",
                        "status → authorized or failed, and the balanced ledger "
                        "entries, in one transaction",
                        on_failure="fail_closed",
                    ),
                ],
            ),
            rationale="money: critical, idempotent, fails closed "
            "— an error is shown rather than an uncertain charge",
            keywords=("pay", "payment", "checkout", "charge", "authoriz"),
        )
    )
    get = ctx.op(
        OpSpec(
            id="get_payment",
            description="GET /payments/{id}: payment status",
            pattern="payments",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front("get_payment", [ctx.db("read", "point lookup by primary key")]),
            keywords=("status",),
        )
    )
    webhook = ctx.op(
        OpSpec(
            id="provider_webhook",
            description="POST /webhooks/psp: the provider reports captures, refunds, disputes",
            pattern="payments",
            rate=writes,
            rate_note="one provider event per payment (assumed)",
            critical=True,
            idempotency_key="the provider's event id (stored; a redelivered event is a no-op)",
            reads=False,
            calls=ctx.front(
                "provider_webhook",
                [
                    ctx.db(
                        "write",
                        "insert the raw provider event under its event id (a redelivery is "
                        "a no-op), then answer 2xx",
                        on_failure="fail_closed",
                    ),
                    ctx.enqueue(
                        events,
                        "applying the event is not the provider's wait: it only needs the "
                        "event stored",
                        on_failure="fail_open",
                        fallback="a sweep re-enqueues stored events not applied after a minute",
                    ),
                ],
            ),
            keywords=("webhook", "capture", "refund"),
        )
    )
    ctx.job(
        "apply_provider_event",
        events,
        "apply_event",
        [
            ctx.db(
                "write",
                "apply the state transition only if it is allowed (pending → authorized → "
                "captured → refunded), with its ledger entries, in one transaction",
                on_failure="fail_closed",
            )
        ],
        description="Apply one stored provider event to the payment and the ledger",
        pattern="payments",
        idempotency_key="the provider's event id (marked applied in the same transaction)",
    )
    ctx.decide(
        "payments-webhook-queue",
        "Provider events stored, then applied by a worker",
        "the webhook stores the event and answers at once; a worker applies it",
        Principle.OP,
        "providers time out and redeliver slow webhooks; storing first and applying in the "
        "background keeps the answer fast and the application retryable",
        "apply_provider_event",
    )
    ctx.access("Payment", "payment_by_id", "lookup", ("id",), None, get.id)
    ctx.access(
        "Payment", "payment_by_idempotency_key", "lookup", ("idempotency_key",), None, create.id
    )
    ctx.access("LedgerEntry", "entries_by_payment", "lookup", ("payment_id",), None, webhook.id)
    _reconcile(ctx, psp)
    ctx.notify_sources.append(create.id)
    if primary:
        ctx.primary_write = ctx.primary_write or create.id
        ctx.primary_read = ctx.primary_read or get.id
    ctx.decide(
        "payments-exactly-once",
        "Payments are idempotent and fail closed",
        "idempotency key + fail_closed on create_payment and the provider webhook",
        Principle.FH,
        "a retried or duplicated request must never charge twice, and an unknown outcome is "
        "an error to the user, never a silent success",
        create.id,
    )
    ctx.decide(
        "payments-state-in-db",
        "Payment state machine and ledger in the primary database",
        "Payment.status moves only along its transitions; double-entry LedgerEntry rows are "
        "written in the same transaction",
        Principle.DB,
        "one transactional store keeps money consistent; no second store to reconcile",
        "db",
    )
    ctx.use_cases += [
        "Pay (authorize a payment) exactly once",
        "See a payment's status",
        "Apply provider events (capture, refund, dispute)",
    ]
    ctx.ledger.ask("Which payment provider? Does it accept idempotency keys and send webhooks?")
    ctx.ledger.ask("Are card details tokenized by the provider (keeps PCI scope small)?")
    ctx.ledger.ask("Which currencies; are refunds, partial captures or payouts needed?")


def _reconcile(ctx: Ctx, psp: str) -> None:
    ctx.comp("worker")
    ctx.entity("JobRun")
    ctx.op(
        OpSpec(
            id="reconcile_payments",
            description="Nightly: compare our payments with the provider's settlement report",
            pattern="batch",
            rate=Fraction(1, DAY),
            rate_note="once a day",
            sync=False,
            reads=False,
            idempotency_key="the settlement date (a rerun overwrites the same JobRun)",
            calls=[
                CallSpec(
                    "worker.reconcile",
                    time={"lognormal": {"p50": "2min", "p99": "10min"}},
                    calls=[
                        CallSpec(
                            f"{psp}.report",
                            idempotent=True,
                            breaker=True,
                            rationale="download the settlement report (read-only)",
                        ),
                        ctx.db("read", "the day's payments, streamed"),
                        ctx.db("write", "record mismatches and the JobRun"),
                    ],
                )
            ],
            rationale="a scheduled batch job off the request path",
        )
    )
