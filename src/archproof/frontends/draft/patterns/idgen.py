"""Unique ID generation: stateless generators that never coordinate per ID.

Time-ordered IDs (Snowflake): 41 bits of milliseconds, 10 bits of worker id (datacenter +
worker), 12 bits of sequence — 4,096 IDs per millisecond per worker, no network call per
ID. Each generator leases its worker id from the database at start-up, so two live
generators never share one. IDs that must not be guessable are a leased counter block
passed through a keyed permutation (format-preserving encryption): unique because the
counter is, unpredictable because the key is secret, still one lease per block.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import any_rate, no_generic_reads, times_per
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle

PER_WORKER_PER_S = 4096 * 1000  # Snowflake's 12-bit sequence per millisecond
LEASE_BLOCK = 10_000  # IDs per counter block (opaque IDs)


def id_generator(ctx: Ctx) -> None:
    opaque = ctx.mentions(r"guess|predict|random|secret|opaque|enumerat")
    stated = any_rate(ctx)
    if stated is not None:
        rate, note, item = stated
        factor, how = times_per(ctx, item)
        rate, note = rate * factor, note + how
    else:
        rate, note = Fraction(1000), "assumed: 1,000 IDs a second"
        ctx.ledger.assumed(
            "IDs per second", "1,000/s", "no rate in the task", "id-rate", "How many IDs a second?"
        )
    # an ID is minted, not read back: the generic read:write split describes nothing here
    no_generic_reads(ctx, "id_generator")
    ctx.entity("WorkerLease")
    gen = ctx.comp(
        "api",
        "idgen",
        "ID generators: stateless, each holding a leased worker id (or counter block) and "
        "minting IDs in memory; no network call per ID",
    )
    gen.work["next_id"] = {"lognormal": {"p50": "20us", "p99": "200us"}}
    gen.work_notes["next_id"] = "in memory: clock read, sequence increment, bit packing"
    ctx.comp("lb")
    ctx.op(
        OpSpec(
            id="next_id",
            description="GET /ids (or a client library call): the next unique ID",
            pattern="id_generator",
            rate=rate,
            rate_note=note,
            calls=[CallSpec("lb.route", calls=[CallSpec("idgen.next_id")])],
            keywords=("id", "number", "generat"),
        )
    )
    lease_rate = rate / LEASE_BLOCK if opaque else Fraction(1, 60)
    ctx.op(
        OpSpec(
            id="lease_worker_id",
            description="A generator leases its worker id at start-up and renews it"
            if not opaque
            else f"A generator leases the next block of {LEASE_BLOCK:,} counter values",
            pattern="id_generator",
            rate=lease_rate,
            rate_note="renewals about once a minute (assumed)"
            if not opaque
            else f"one lease per {LEASE_BLOCK:,} IDs",
            reads=False,
            sync=False,
            idempotency_key="the generator's instance id: a retried lease returns the same one",
            calls=[
                CallSpec(
                    "idgen.lease",
                    time="100us",
                    timeout="1s",
                    calls=[
                        ctx.db(
                            "write",
                            "claim a free WorkerLease row (unique key: datacenter, worker id)"
                            if not opaque
                            else "advance the block counter (one row, UPDATE … RETURNING)",
                        )
                    ],
                )
            ],
        )
    )
    ctx.primary_read = ctx.primary_read or "next_id"
    ctx.primary_write = ctx.primary_write or "lease_worker_id"
    per_worker = per_s(PER_WORKER_PER_S)
    if opaque:
        ctx.decide(
            "id-scheme",
            "IDs that cannot be guessed",
            "a leased counter block, each value passed through a keyed 60-bit permutation "
            "(format-preserving encryption) and written as 12 base32 characters",
            Principle.DS,
            "a counter is unique without a lookup; the secret permutation makes neighbours "
            "unrelated, so IDs cannot be enumerated; random IDs would need a uniqueness check "
            f"per ID ({per_s(float(rate))} inserts) instead of one lease per {LEASE_BLOCK:,}",
            "idgen",
        )
    else:
        ctx.decide(
            "id-scheme",
            "Time-ordered 64-bit IDs (Snowflake)",
            "41 bits of milliseconds, 10 bits of worker id (datacenter + worker), 12 bits of "
            "sequence",
            Principle.DS,
            f"{per_s(float(rate))} in total against {per_worker} per worker: generators never "
            "coordinate per ID, IDs sort by time, and the leased worker id keeps two live "
            "generators from minting the same one",
            "idgen",
        )
    ctx.decide(
        "id-clock",
        "Clock going backwards",
        "a generator whose clock steps back waits (or refuses) until it passes its last timestamp",
        Principle.FH,
        "reusing a millisecond with a reset sequence would mint duplicates",
        "idgen",
    )
    ctx.use_cases += ["Hand out unique IDs", "Lease worker ids to generators"]
    ctx.ledger.ask("Must IDs sort by creation time, and how far may generators' clocks drift?")
    ctx.ledger.ask("Is an ID ever reused after a failure acceptable (no), and for how many years?")
