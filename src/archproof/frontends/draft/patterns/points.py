"""Loyalty points (miles, credits, rewards): what members earn and redeem is an append-only
ledger with each member's balance beside it, the payments block's discipline for money
(`payments`: rows never updated, the balance moved in the same transaction) applied to a
currency of our own.

Earning is keyed by the source's id (the till's purchase, the flight), so a resent earn adds
nothing; redeeming is a conditional decrement of the balance (never below zero) keyed by the
client's redemption id, fail closed: a point is never spent twice. Expiry is a nightly job
that appends expire rows. Balance reads are point lookups of one row.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import WRITES, primary_rates
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.model import Principle

# Assumed when the task gives no redemption rate: one redemption per 20 earns (a reward
# costs many earns' points).
EARNS_PER_REDEEM = 20


def points(ctx: Ctx) -> None:
    writes, reads, wnote, rnote = primary_rates(ctx, "points")
    ctx.entity("PointsEntry")
    ctx.entity("PointsBalance")
    earn = ctx.op(
        OpSpec(
            id="earn_points",
            description="POST /members/{id}/earn: credit the points a purchase earns",
            pattern="points",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="the source's id (the till's purchase id), unique in the ledger: "
            "a resent earn adds nothing",
            calls=ctx.front(
                "earn_points",
                [
                    ctx.db(
                        "write",
                        "append the earn row under the source's id and add its points to the "
                        "member's balance, in one transaction (a duplicate id is a no-op)",
                        on_failure="fail_closed",
                    )
                ],
            ),
            keywords=("earn", "purchase", "accrue", "award", "collect"),
        )
    )
    redeems, redeem_note = ctx.rate(
        frozenset({"redeem", "redemption", "redeeming", "spend", "reward"}),
        WRITES,
        writes / EARNS_PER_REDEEM,
        "redemptions",
        f"one redemption per {EARNS_PER_REDEEM} earns",
        "points-redeem",
        "How many redemptions a day (and at the peak)?",
    )
    redeem = ctx.op(
        OpSpec(
            id="redeem_points",
            description="POST /members/{id}/redeem: spend points for a reward",
            pattern="points",
            rate=redeems,
            rate_note=redeem_note,
            critical=True,
            reads=False,
            idempotency_key="the client's redemption id, unique in the ledger: a retry returns "
            "the first result",
            calls=ctx.front(
                "redeem_points",
                [
                    ctx.db(
                        "write",
                        "decrement the balance only where it covers the points (UPDATE … "
                        "WHERE points >= n) and append the redeem row, in one transaction; no "
                        "row updated is a refusal",
                        on_failure="fail_closed",
                    )
                ],
            ),
            rationale="points are a currency: a redemption that cannot be recorded is "
            "refused, never granted on an uncertain balance",
            keywords=("redeem", "redeeming", "redemption", "spend", "reward"),
        )
    )
    balance = ctx.op(
        OpSpec(
            id="get_balance",
            description="GET /members/{id}/balance: the member's points",
            pattern="points",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front("get_balance", [ctx.db("read", "the member's balance row")]),
            keywords=("balance", "check", "read", "view"),
        )
    )
    _expire(ctx)
    ctx.access("PointsBalance", "balance_by_member", "lookup", ("member_id",), None, balance.id)
    ctx.access("PointsEntry", "entry_by_source", "lookup", ("source_id",), None, earn.id)
    ctx.access("PointsEntry", "entries_by_member", "range", ("member_id",), "created_at", None)
    ctx.lookups.append((balance.id, "PointsBalance"))
    ctx.primary_write = ctx.primary_write or earn.id
    ctx.primary_read = ctx.primary_read or balance.id
    ctx.decide(
        "points-ledger",
        "Points as an append-only ledger with a balance per member",
        "earn, redeem and expire append PointsEntry rows; PointsBalance moves in the same "
        "transaction; a redemption is a conditional decrement (never below zero)",
        Principle.DB,
        "a balance that is only a sum can be spent twice by two concurrent redemptions; one "
        "row per member, decremented only where it covers the points, cannot",
        redeem.id,
    )
    ctx.decide(
        "points-idempotent",
        "Earn and redeem are idempotent",
        "earns keyed by the source's id, redemptions by the client's id, both unique",
        Principle.FH,
        "a till or an app retries on a timeout: the retry must not credit or spend twice",
        earn.id,
    )
    ctx.use_cases += [
        "Earn points for a purchase, exactly once",
        "Redeem points, never below zero and never twice",
        "See a member's balance",
        "Expire points past their validity",
    ]
    ctx.ledger.ask("How many points does a reward cost, and can a redemption be reversed?")


def _expire(ctx: Ctx) -> None:
    ctx.comp("worker")
    ctx.entity("JobRun")
    ctx.op(
        OpSpec(
            id="expire_points",
            description="Nightly: append expire rows for points past their validity",
            pattern="batch",
            rate=Fraction(1, DAY),
            rate_note="once a day",
            sync=False,
            reads=False,
            idempotency_key="the run date (an expired entry is marked and never expired twice)",
            calls=[
                CallSpec(
                    "worker.expire",
                    time={"lognormal": {"p50": "1min", "p99": "10min"}},
                    calls=[
                        ctx.db("read", "earn rows past their expiry not yet spent, by expiry"),
                        ctx.db("write", "append the expire rows and lower the balances"),
                    ],
                )
            ],
            rationale="a scheduled batch job off the request path",
        )
    )
