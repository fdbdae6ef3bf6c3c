"""A bill run: once a period (monthly bills, a weekly invoice run) a scheduled job prices
every account's usage for the period (usage × its tariff) and writes its bill, all within
the window the task gives ("the bill run over all meters must finish in < 6 h").

It is batch work, not a payment flow: nothing here moves money, and nobody waits on a
bill while it is made. Sized from the task: the accounts billed a period on average, and
the accounts ÷ the window while the run goes (its own peak, `Operation.peak`): the
workers are sized for the run, not for the month.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.classify import PATTERNS
from archproof.frontends.draft.lexicon import _ADVERB_PERIOD
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.units import Count, Duration

# The words that name a run of bills (the classifier's trigger), and its period.
BILL_RUN = PATTERNS["bill_run"][1]
_PERIOD = re.compile(r"\b(hourly|daily|weekly|monthly|yearly|annually|annual)\b", re.IGNORECASE)
# "over all meters", "for every account", "for each customer": what one run bills.
_OVER = re.compile(r"\b(?:over|for|across)\s+(?:all|every|each)(?:\s+(?:the|our))?\s+([a-z]+)")
# "must finish in < 6 h", "within 10 hours", "complete in 4 hours"
_WITHIN = re.compile(r"\b(?:in|within|under)\s*(?:<\s*|less\s+than\s+)?$", re.IGNORECASE)
# How long a run may take when the task gives no window (assumed): overnight.
DEFAULT_WINDOW = Fraction(8 * 3600)


def _sentence_of(ctx: Ctx) -> str:
    match = re.search(BILL_RUN, ctx.text, re.IGNORECASE)
    if match is None:
        return ""
    start = max(ctx.text.rfind(".", 0, match.start()), ctx.text.rfind("\n", 0, match.start()))
    end = ctx.text.find(".", match.end())
    return ctx.text[start + 1 : end if end >= 0 else len(ctx.text)]


def _accounts(ctx: Ctx, sentence: str) -> Quantity | None:
    """What one run bills: the stated count of the thing the run goes over ("over all
    meters"), else of accounts, customers or subscribers."""
    over = _OVER.search(sentence.lower())
    heads = {singular(over.group(1))} if over else set()
    heads |= {"account", "customer", "subscriber", "meter", "household", "member"}
    counts = [
        q
        for q in ctx.load.extracted.reading.placed
        if q.unit == "count" and q.period is None and q.per is None and q.subject and not q.peak
    ]
    for want in ([singular(over.group(1))] if over else []) + sorted(heads):
        for q in counts:
            if singular(q.subject.split()[-1].lower()) == want:
                return q
    return None


def _window(ctx: Ctx, sentence: str) -> Quantity | None:
    """The time the run must finish in, stated in its sentence ("must finish in < 6 h")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "seconds" or q.text not in sentence:
            continue
        if _WITHIN.search(ctx.text[max(0, q.start - 20) : q.start]):
            return q
    return None


def bill_run(ctx: Ctx) -> None:
    sentence = _sentence_of(ctx)
    said = _PERIOD.search(sentence) or _PERIOD.search(ctx.text)
    period = Fraction(_ADVERB_PERIOD[said.group(1).lower()] if said else 30 * 86_400)
    if said is None:
        ctx.ledger.assumed("bill period", "a month", "monthly bills", "bill-period")
    accounts = _accounts(ctx, sentence)
    if accounts is not None:
        count, count_note = accounts.value, f'"{accounts.describe()}"'
    else:
        count = ctx.dau()
        count_note = f"{Count(count)} accounts (assumed: the daily active users)"
        ctx.ledger.ask("How many accounts does one bill run price?")
    window_q = _window(ctx, sentence)
    window = window_q.value if window_q is not None else DEFAULT_WINDOW
    if window_q is None:
        ctx.ledger.assumed(
            "bill run window",
            str(Duration(window)),
            "overnight",
            "bill-run-window",
            "How long may the bill run take? Its workers are sized by it.",
        )
    average = count / period
    while_running = count / window
    average_note = f"{count_note} billed once every {Duration(period)}"
    within = f'"{window_q.text}"' if window_q is not None else f"{Duration(window)} (assumed)"
    peak_note = (
        f"{count_note} within {within} while the run goes ({Count(count)} ÷ "
        f"{Duration(window)} = {per_s(float(while_running))})"
    )
    ctx.ledger.derived("bills priced while the run goes", per_s(float(while_running)), peak_note)
    ctx.entity("Bill")
    ctx.entity("JobRun")
    worker = ctx.comp("worker")
    worker.work["price_bill"] = {"lognormal": {"p50": "5ms", "p99": "50ms"}}
    worker.work_notes["price_bill"] = (
        "price one account's usage for the period by its tariff (assumed: in memory, after "
        "the read)"
    )
    ctx.op(
        OpSpec(
            id="run_bills",
            description="The bill run: for every account, read its usage for the period, price "
            "it by its tariff and write its bill",
            pattern="bill_run",
            rate=average,
            rate_note=average_note,
            peak=while_running,
            peak_note=peak_note,
            sync=False,
            reads=False,
            idempotency_key="(account, period): a rerun overwrites the same Bill",
            calls=[
                CallSpec(
                    "worker.price_bill",
                    calls=[
                        ctx.db("read", "the account's usage for the period (an index range)"),
                        ctx.db("write", "the account's Bill for the period", idempotent=True),
                    ],
                )
            ],
            keywords=("bill", "invoice", "tariff", "run"),
            rationale="a bill is made once a period by a scheduled job, never on a request",
        )
    )
    ctx.access("Bill", "bills_of_account", "range", ("account_id",), "period_start", None)
    ctx.decide(
        "bill-run",
        "Bills made by a scheduled run, sized by its window",
        "once a period a scheduler starts the run; workers price every account's usage by "
        "its tariff and write its bill, keyed by (account, period)",
        Principle.OP,
        f"{peak_note}: the workers are sized for the run, not the month's average "
        f"({per_s(float(average))}); a rerun after a crash overwrites the same bills",
        "worker",
    )
    ctx.use_cases += ["Run the bills for a period"]
    ctx.ledger.ask("Which tariff applies when it changes mid-period, and are bills ever reissued?")
