"""Scaling a web app in stages: the generic create/read app, its static content in an
object store behind a CDN, and the stages it goes through as load grows — each stage's
trigger computed from the catalog figures the capacity pass uses, so the draft says at
which load the next step is needed, not only what the stated load needs today.

Stages: (1) the database on its own node; (2) a load balancer and two or more stateless
web servers (sessions out of process); (3) static content from an object store through a
CDN; (4) read replicas when reads fill half the primary; (5) a cache when replicas would
pass the policy's limit; (6) shards when writes fill a primary.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.flows import service_time
from archproof.frontends.draft.patterns.lookup import crud
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import (
    TARGET_STATEFUL,
    concurrency_of,
    per_s,
)
from archproof.model import Principle
from archproof.model.requirements import at_peak
from archproof.numbers import sig
from archproof.policy import MAX_READ_REPLICAS, SHARD_WRITE_SHARE

ASSETS_PER_PAGE = 10  # static files a page view loads (scripts, styles, images), assumed
EDGE_HIT = Fraction(9, 10)


def webapp(ctx: Ctx) -> None:
    crud(ctx)
    if ctx.mentions(r"\bmysql\b"):
        db = ctx.comp("db")
        db.tech = "mysql"
    reads = ctx.load.reads
    ctx.comp("blobs")
    ctx.entity("StaticAsset").stored_in = "blobs"
    ctx.comp("cdn", "cdn", "edge cache for static content (scripts, styles, images)")
    ctx.op(
        OpSpec(
            id="get_static",
            description="GET /static/…: scripts, styles and images, versioned file names",
            pattern="webapp",
            rate=reads * ASSETS_PER_PAGE,
            rate_note=f"{ASSETS_PER_PAGE} static files per page view (assumed)",
            calls=[
                CallSpec(
                    "cdn.serve",
                    calls=[
                        CallSpec(
                            "blobs.get",
                            p=f"{int((1 - EDGE_HIT) * 100)}%",
                            idempotent=True,
                            on_failure="fail_open",
                            fallback="the edge serves its stale copy (stale-if-error)",
                            rationale="edge misses go to the object store",
                        )
                    ],
                )
            ],
            keywords=("static", "asset", "image"),
        )
    )
    ctx.ledger.assume_entry(
        "static-per-page",
        f"a page view loads {ASSETS_PER_PAGE} static files, {int(EDGE_HIT * 100)}% from the edge",
        "assumed: versioned (immutable) file names, so the CDN keeps them",
    )
    _stages(ctx)
    ctx.use_cases += ["Serve pages", "Serve static content from the edge"]
    ctx.ledger.ask(
        "Where does a slow page spend its time today (database queries, rendering, assets)? "
        "Measure before scaling out."
    )
    ctx.ledger.ask("Are sessions kept in the web server's memory (they must move out first)?")


def _stages(ctx: Ctx) -> None:
    db = ctx.comp("db")
    read_s = service_time(ctx, CallSpec("db.read")).mean_s()
    write_s = service_time(ctx, CallSpec("db.write")).mean_s()
    conc = concurrency_of(db.tech, db.kind, db.concurrency)
    half = float(TARGET_STATEFUL)
    replicas_at = half * conc / read_s  # reads/s at peak that fill half of one primary
    cache_at = replicas_at * (1 + MAX_READ_REPLICAS)
    shard_at = half * float(SHARD_WRITE_SHARE) * conc / write_s
    peak_reads = float(at_peak(ctx.load.reads, ctx.load.peak_factor))
    peak_writes = float(at_peak(ctx.load.writes, ctx.load.peak_factor))

    def now(value: float, at: float) -> str:
        return "needed now" if value >= at else f"at {per_s(at)} (now {per_s(value)})"

    ctx.decide(
        "scaling-stages",
        "Stages as load grows",
        "1) the database on its own node; 2) a load balancer and 2+ stateless web servers, "
        "sessions out of process; 3) static content from an object store through a CDN; "
        f"4) read replicas {now(peak_reads, replicas_at)} peak reads; 5) a cache "
        f"{now(peak_reads, cache_at)} peak reads; 6) shards {now(peak_writes, shard_at)} "
        "peak writes",
        Principle.ST,
        f"one {db.tech} node serves reads of {sig(read_s * 1000, 3)} ms with {conc} in flight: "
        f"half of it is {per_s(replicas_at)} reads; {MAX_READ_REPLICAS} followers carry "
        f"{per_s(cache_at)}; writes of {sig(write_s * 1000, 3)} ms reach the 35% shard threshold "
        f"of a primary at {per_s(shard_at)}",
        "db",
    )
