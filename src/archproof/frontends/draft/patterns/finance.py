"""Personal finance aggregation: linked bank accounts synced on a schedule, transactions
categorized, budgets checked, users alerted.

The sync is the main job: a scheduler enqueues each linked account when its sync falls
due; sync workers pull new transactions from the bank's API (slow, rate-limited, failing
outside our control), upsert them by the bank's transaction id, categorize them and check
the owner's budgets. Reads (budgets, transactions) come from our database, never from
the banks.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import stated_average, stated_count, stated_rate
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle
from archproof.numbers import sig

DEFAULT_ACCOUNTS_PER_USER = Fraction(2)
TRANSACTIONS_PER_ACCOUNT_DAY = Fraction(1)


def _accounts(text: str) -> str:
    """The stated count as the task wrote it ('30 million bank accounts'), with the noun
    added only where the number stood alone."""
    return text if "account" in text.lower() else f"{text} accounts"


def finance(ctx: Ctx) -> None:
    users = Fraction(round(ctx.load.users or ctx.load.dau or ctx.dau()))
    per_user = stated_count(ctx, frozenset({"account"}))
    if per_user is not None and per_user.per is not None:
        accounts = users * per_user.value
        how = f"{_n(users)} users × {_accounts(per_user.text)} each"
    elif per_user is not None:
        accounts, how = per_user.value, f"the task's {_accounts(per_user.text)}"
    else:
        accounts = users * DEFAULT_ACCOUNTS_PER_USER
        how = f"{_n(users)} users × 2 linked accounts each (assumed)"
        ctx.ledger.assumed(
            "accounts per user",
            "2",
            "a typical user links a current and a card account",
            "accounts-per-user",
            "How many bank accounts does a user link?",
        )
    daily = stated_rate(ctx, frozenset({"bank", "sync", "pull", "pulled", "synced", "imported"}))
    syncs_per_day = (
        Fraction(1) if daily is None or daily.per_second is None else daily.per_second * DAY
    )
    accounts = Fraction(round(accounts))
    sync_rate = accounts * syncs_per_day / DAY
    sync_note = f"{how} = {_n(accounts)} accounts × {sig(float(syncs_per_day), 6)} sync(s) a day"
    txn = stated_rate(ctx, frozenset({"transaction", "payment"}))
    if txn is not None and txn.per_second is not None:
        per = users if txn.per else Fraction(1)
        txn_rate, txn_note = stated_average(ctx, txn)
        txn_rate *= per
        if txn.per:
            txn_note += f" × {_n(users)} users"
    else:
        txn_rate = accounts * TRANSACTIONS_PER_ACCOUNT_DAY / DAY
        txn_note = "one new transaction per account a day (assumed)"
    per_sync = max(Fraction(1), txn_rate / sync_rate) if sync_rate else Fraction(1)
    banks = ctx.external("banks", "bank APIs (or an aggregator such as Plaid)")
    queue = ctx.queue("sync_queue", "linked accounts whose sync is due")
    for name in ("BankAccount", "Transaction", "Budget"):
        ctx.entity(name)
    ctx.op(
        OpSpec(
            id="link_account",
            description="POST /accounts: link a bank account (the token from the bank's "
            "consent flow), then its first sync",
            pattern="finance",
            rate=accounts / (365 * DAY),
            rate_note="every account linked once over a year (assumed)",
            reads=False,
            idempotency_key="(user, bank account id) unique: linking twice is a no-op",
            calls=ctx.front(
                "link_account",
                [
                    ctx.db("write", "insert BankAccount with the encrypted access token"),
                    ctx.enqueue(queue, "the first sync is slow and external"),
                ],
            ),
            keywords=("link", "account"),
        )
    )
    ctx.op(
        OpSpec(
            id="schedule_syncs",
            description="Scheduler: enqueue the accounts whose next sync is due, spread "
            "over the day",
            pattern="finance",
            rate=sync_rate,
            rate_note=sync_note,
            sync=False,
            reads=False,
            idempotency_key="account id + due time: an account enqueued twice syncs once",
            calls=[
                CallSpec(
                    "worker.schedule",
                    time="1ms",
                    calls=[
                        ctx.db("read", "accounts by next_sync_at (index range)"),
                        ctx.enqueue(queue, "each sync is a job"),
                    ],
                )
            ],
        )
    )
    worker = ctx.comp("worker")
    worker.work["sync_account"] = {"lognormal": {"p50": "20ms", "p99": "200ms"}}
    worker.work_notes["sync_account"] = "parse, categorize (rules, then a model) and diff"
    ctx.job(
        "sync_account",
        queue,
        "sync_account",
        [
            CallSpec(
                f"{banks}.get",
                time={"lognormal": {"p50": "500ms", "p99": "5s"}},
                idempotent=True,
                breaker=True,
                on_failure="fail_open",
                fallback="keep the account's last data, retry with back-off; after repeated "
                "failures mark it 'needs attention' and tell the user",
                rationale="new transactions since the last cursor",
            ),
            ctx.db("read", "the owner's budgets for this month"),
            ctx.db(
                "write",
                f"upsert about {sig(float(per_sync), 3)} transactions by the bank's transaction "
                "id, "
                "with their category; advance the cursor",
            ),
        ],
        description="Pull one account's new transactions, categorize them, check budgets",
        pattern="finance",
        idempotency_key="the bank's transaction id (unique): a repeated pull inserts nothing",
    )
    reads, rnote = ctx.rate(
        frozenset({"budget", "read", "view"}),
        ("read", "requests"),
        lambda: users / 10 * 5 / DAY,
        "budget and transaction reads",
        "10% of users open the app 5 times a day",
        "finance-reads",
    )
    ctx.op(
        OpSpec(
            id="get_budget",
            description="GET /budgets: this month's budgets with spending per category",
            pattern="finance",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front("get_budget", [ctx.db("read", "budgets and monthly sums by user")]),
            keywords=("budget", "read", "view", "transaction"),
        )
    )
    ctx.access("BankAccount", "accounts_due", "range", ("next_sync_at",), None, "schedule_syncs")
    ctx.access(
        "Transaction", "transactions_by_account", "range", ("account_id",), "posted_at", None
    )
    ctx.access("Budget", "budgets_by_user", "range", ("user_id",), "month", "get_budget")
    ctx.notify_sources.append("sync_account")
    ctx.notify_share["sync_account"] = "1%"  # a sync that takes a budget over its limit
    ctx.ledger.assume_entry(
        "budget-alerts",
        "1% of syncs take a budget over its limit (an email each)",
        "assumed: alerts are rare next to syncs; measure",
    )
    ctx.primary_write = ctx.primary_write or "sync_account"
    ctx.primary_read = ctx.primary_read or "get_budget"
    ctx.figures.append(("transactions imported", per_s(float(txn_rate)) + f" ({txn_note})"))
    ctx.load.writes = txn_rate
    ctx.decide(
        "finance-sync",
        "Scheduled sync through a queue",
        "a scheduler enqueues due accounts; sync workers pull from the banks, upsert by the "
        "bank's transaction id, categorize and check budgets",
        Principle.OP,
        f"{per_s(float(sync_rate))} account syncs on average ({sync_note}); each waits on a "
        "bank for up to seconds, so none of it is on a user's request path",
        "sync_account",
    )
    quota = stated_rate(ctx, frozenset({"request"}))
    if quota is not None and quota.per is not None and quota.per_second is not None:
        ctx.decide(
            "finance-bank-quota",
            "Pacing per bank integration",
            f"a token bucket per {quota.per} at the stated {per_s(float(quota.per_second))}; "
            "syncs for one bank are spread over the day instead of starting at midnight",
            Principle.FH,
            f"the task allows {quota.describe()} per {quota.per}: a burst beyond it is "
            "refused (429) and wastes the retries",
            banks,
        )
    ctx.use_cases += [
        "Link bank accounts",
        "Sync and categorize transactions",
        "Track budgets and alert on overspending",
    ]
    ctx.ledger.ask("Which banks or aggregators (Plaid, open banking), and their rate limits?")
    ctx.ledger.ask("How fresh must balances be: daily syncs, or on demand when the app opens?")


def _n(value: Fraction) -> str:
    return f"{float(value):,.0f}"
