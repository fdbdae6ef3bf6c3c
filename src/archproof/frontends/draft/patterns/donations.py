"""Donations (a charity's donation page, a fundraiser, pledges during a telethon): the
payments block's discipline (`payments`: an idempotency key, the provider charged once, fail
closed) on the thing people give, plus the running total the campaign shows.

The donation is the payment, named for it: a Donation row keyed by the page's idempotency key
(a second click or a timed-out page retried is the same donation), the provider charged with
that key. The total is not a sum over every donation on each look: each paid donation is
handed to a queue and a worker adds it to one total row, so viewers read one row, and the
total lags by the queue's wait, seconds.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.entities import Template
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.text import singular
from archproof.model import Principle

# Words a task calls the gift by, first one used: the operation and the row are named for it.
_GIFT = ("donation", "pledge", "gift")


def donations(ctx: Ctx) -> None:
    text = ctx.text.lower()
    found = [(text.find(w), w) for w in _GIFT if w in text]
    noun = min(found)[1] if found else "donation"
    thing = noun.capitalize()
    psp = ctx.external("psp", "card payment provider (charges the donor's card)")
    totals = ctx.queue("totals", f"paid {noun}s on their way into the running total")
    ctx.entity(
        thing,
        Template(
            {
                "id": "uuid",
                "donor_id": "ref(User)",
                "amount": "decimal",
                "currency": "str(3)",
                "status": "enum(pending|paid|failed|refunded)",
                "idempotency_key": {"type": "str", "size": 64, "unique": True},
                "created_at": "datetime",
            },
            states=("pending", "paid", "failed", "refunded"),
            transitions={"pending": ("paid", "failed"), "paid": ("refunded",)},
            note=f"one {noun}, the payment itself: keyed by the page's idempotency key, so a "
            "retried click is the same row and the same charge",
        ),
    )
    ctx.entity(
        "RunningTotal",
        Template(
            {"campaign_id": "uuid", "amount": "decimal", "count": "int", "updated_at": "datetime"},
            key=("campaign_id",),
            note=f"one row per campaign: the sum of its paid {noun}s, moved by the total worker",
        ),
    )
    load = ctx.load
    peak, peak_note = _stated_peak(ctx)
    give = ctx.op(
        OpSpec(
            id=f"create_{noun}",
            description=f"POST /{noun}s: charge the donor's card and record the {noun}, "
            "exactly once",
            pattern="donations",
            rate=load.writes,
            rate_note="the main write load",
            peak=peak,
            peak_note=peak_note,
            critical=True,
            reads=False,
            idempotency_key="Idempotency-Key from the page (unique in "
            f"{thing}.idempotency_key): a second click or a retried page returns the first "
            "result and charges nothing more",
            calls=ctx.front(
                f"create_{noun}",
                [
                    ctx.db(
                        "write",
                        f"insert the {noun} as pending with its idempotency key; a duplicate "
                        "key returns the stored one instead",
                        on_failure="fail_closed",
                    ),
                    CallSpec(
                        f"{psp}.charge",
                        idempotent=True,
                        breaker=True,
                        on_failure="fail_closed",
                        rationale="the provider gets our idempotency key, so a retry cannot "
                        "charge twice; the breaker keeps a provider outage from holding every "
                        "API worker",
                    ),
                    ctx.db("write", "status → paid or failed", on_failure="fail_closed"),
                    ctx.enqueue(
                        totals,
                        "the total is shown, not waited on: the donor's answer does not wait "
                        "for it",
                        on_failure="fail_open",
                        fallback=f"a sweep re-enqueues paid {noun}s not yet counted",
                    ),
                ],
            ),
            rationale="money: critical, idempotent, fails closed — an error is shown rather "
            "than an uncertain charge",
            keywords=("donat", "give", "gift", "pledge", "pay", "charge", "button"),
        )
    )
    ctx.job(
        "add_to_total",
        totals,
        "add_to_total",
        [
            ctx.db(
                "write",
                f"add the {noun}'s amount to the running total (UPDATE … SET amount = amount + "
                "x) and mark it counted, in one transaction",
            )
        ],
        description=f"Add paid {noun}s to the campaign's running total",
        pattern="donations",
        idempotency_key=f"the {noun}'s counted flag, set in the same transaction: a "
        "redelivered one is not added twice",
    )
    total = ctx.op(
        OpSpec(
            id="get_total",
            description="GET /campaigns/{id}/total: the running total shown to viewers",
            pattern="donations",
            rate=load.reads,
            rate_note="the main read load",
            calls=ctx.front("get_total", [ctx.db("read", "the campaign's total row")]),
            keywords=("total", "raised", "running", "shown", "show"),
        )
    )
    ctx.access(thing, f"{noun}_by_idempotency_key", "lookup", ("idempotency_key",), None, give.id)
    ctx.access("RunningTotal", "total_by_campaign", "lookup", ("campaign_id",), None, total.id)
    ctx.notify_sources.append(give.id)  # the receipt, when the task asks for one
    ctx.primary_write = ctx.primary_write or give.id
    ctx.primary_read = ctx.primary_read or total.id
    ctx.decide(
        "donations-exactly-once",
        f"A {noun} is charged once",
        f"the page's idempotency key on the {noun} row (unique) and on the provider's charge; "
        "fail closed",
        Principle.FH,
        "donors click again and pages time out: the retry must find the first donation, never "
        "charge a second time",
        give.id,
    )
    ctx.decide(
        "donations-running-total",
        "The running total is one row moved by a worker",
        f"paid {noun}s queued; a worker adds each to the campaign's total row; viewers read "
        "that row",
        Principle.ST,
        f"summing every {noun} on each look grows with the campaign; one row read is constant, "
        "and the queue keeps it seconds behind without slowing the donor's answer",
        "add_to_total",
    )
    ctx.use_cases += [
        f"Give: charge the card and record the {noun}, exactly once",
        "See the running total",
    ]
    ctx.ledger.ask("Which payment provider? Does it accept idempotency keys and send webhooks?")
    ctx.ledger.ask(f"May a {noun} be refunded, and does a refund lower the running total?")


def _stated_peak(ctx: Ctx) -> tuple[Fraction | None, str | None]:
    """The highest peak the task states for the gifts ("last year we hit 90 donations a second
    at the top ... plan for 150 a second this time"): a telethon's rush is its own, far above
    any diurnal factor of a quiet year's average, so the gift operation is sized for it."""
    peaks = [
        q
        for q in ctx.load.extracted.reading.placed
        if q.peak
        and q.unit == "count"
        and q.per_second is not None
        and q.subject
        and singular(q.subject.split()[-1].lower()) in _GIFT
    ]
    if not peaks:
        return None, None
    top = max(peaks, key=lambda q: q.per_second or 0)
    return top.per_second, f'from the task: "{top.describe()}"'
