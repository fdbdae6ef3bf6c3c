"""Order matching (an exchange): an in-memory matching engine per instrument partition.

Orders arrive over persistent sessions at an order gateway (risk checks, no load
balancer hop: a session stays on its gateway), which hands them to the engine that owns
the instrument. The engine is single-threaded per order book (price-time priority needs
one order of events), journals every order to its local log replicated to a hot standby
before it answers, and publishes fills; a worker copies orders and trades into the
database for history, clearing and reports, off the matching path.
"""

from __future__ import annotations

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import any_rate, stated_count
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle
from archproof.model.requirements import at_peak

MATCH_P50_US = 20
MATCH_P99_US = 200
TRADE_BATCH = 100


def matching(ctx: Ctx) -> None:
    stated = any_rate(ctx)
    if stated is not None:
        rate, note, _ = stated
    else:
        rate, note = ctx.load.writes, "the main write load"
    ctx.entity("Order")
    ctx.entity("Trade")
    gateway = ctx.comp(
        "api",
        "gateway",
        "order gateways: hold client sessions, check risk limits in memory, route each order "
        "to the engine that owns its instrument",
    )
    gateway.work["place_order"] = {"lognormal": {"p50": "50us", "p99": "300us"}}
    gateway.work_notes["place_order"] = "in memory: session, validation, risk limits"
    engine = ctx.comp(
        "api",
        "matching_engine",
        "the matching engine: order books in memory, one thread per instrument partition "
        "(price-time priority), every order journaled to a local log replicated to a hot "
        "standby before it is answered",
    )
    engine.stateful = True
    engine.state.append("Order")
    engine.concurrency = 1
    engine.recovery = (
        "the hot standby has applied the same journal and takes over; a cold start replays "
        "the journal from the last snapshot"
    )
    engine.work["match"] = {"lognormal": {"p50": f"{MATCH_P50_US}us", "p99": f"{MATCH_P99_US}us"}}
    engine.work_notes["match"] = "book update and journal append (batched fsync) in memory"
    queue = ctx.queue("trade_queue", "orders and fills on their way to the database")
    worker = ctx.comp("worker")
    worker.work["record_trades"] = {"lognormal": {"p50": "100us", "p99": "1ms"}}
    worker.work_notes["record_trades"] = "per order, batched: decode and buffer"
    engine.accept["ST002"] = (
        "the replicas are partitions, not copies: each instrument's book lives on exactly "
        "one partition and the gateway routes every order by instrument"
    )
    peak = float(at_peak(rate, ctx.load.peak_factor))
    pairs = stated_count(ctx, frozenset({"pair", "instrument", "symbol", "stock", "market"}))
    ctx.op(
        OpSpec(
            id="place_order",
            description="New order over a client session: risk check, match, acknowledge "
            "with any fills",
            pattern="matching",
            rate=rate,
            rate_note=note,
            critical=True,
            reads=False,
            idempotency_key="client order id per session (the engine rejects a repeat)",
            calls=[
                CallSpec(
                    "gateway.place_order",
                    timeout="10ms",
                    calls=[
                        CallSpec(
                            "matching_engine.match",
                            timeout="2ms",
                            idempotent=True,
                            rationale="the client order id makes a resend a no-op; one attempt "
                            "fits the gateway's 10 ms",
                        ),
                        ctx.enqueue(
                            queue,
                            "history and clearing copy the journal, off the matching path",
                            on_failure="fail_open",
                            fallback="the journal keeps every order; the copier resumes "
                            "from its last position",
                        ),
                    ],
                )
            ],
            keywords=("order", "match", "place"),
        )
    )
    ctx.job(
        "record_trades",
        queue,
        "record_trades",
        [
            ctx.db(
                "write",
                f"insert orders and trades in batches of about {TRADE_BATCH}",
                p=f"1/{TRADE_BATCH}",
                idempotent=True,
            )
        ],
        description="Copy orders and fills from the journal into the database",
        pattern="matching",
        idempotency_key="the journal sequence number (unique): a replayed batch is a no-op",
    )
    ctx.access("Trade", "trades_by_account", "range", ("account_id",), "executed_at", None)
    ctx.primary_write = ctx.primary_write or "place_order"
    spread = (
        f" ({pairs.describe()} spread over them, each book on exactly one)"
        if pairs is not None
        else ""
    )
    engine.notes.append(
        "replicas are engine partitions (instruments hashed over them), each with a hot "
        "standby not counted here: a standby adds no matching capacity"
    )
    ctx.decide(
        "matching-engine",
        "In-memory matching engine per instrument partition",
        f"single-threaded engine partitions{spread}, as many as the replicas decision sizes",
        Principle.ST,
        f"{per_s(peak)} orders at peak, tens of µs each in memory; one thread per book "
        "keeps price-time order without locks, and a database round trip (ms) per order "
        "could not meet a sub-millisecond match",
        "matching_engine",
    )
    ctx.decide(
        "matching-journal",
        "Journal before acknowledging",
        "each order is appended to the engine's journal and replicated to its hot standby "
        "before the answer; the database is a copy for history and clearing",
        Principle.FH,
        "a crash must never lose an acknowledged order or fill anyone twice: the standby "
        "replays the same journal and continues from the same state",
        "matching_engine",
    )
    ctx.ledger.assume_entry(
        "engine-standby",
        "every engine partition has a hot standby that applies the same journal",
        "derived: the model counts replicas as capacity, so the standbys are stated here and "
        "in the engine's notes, not as replicas",
    )
    ctx.handled.update({"ordering"})
    ctx.use_cases += ["Place and match orders", "Record trades for clearing"]
    ctx.ledger.ask("Which order types (limit, market, stop, IOC) and how is a halt handled?")
    ctx.ledger.ask("Is the matching latency measured at the engine or end to end at the gateway?")
