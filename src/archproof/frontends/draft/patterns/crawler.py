"""Web crawler: a URL frontier, fetch workers that keep to each site's politeness delay,
page bodies in an object store, de-duplication by content hash, an index build job."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import (
    object_storage,
    primary_rates,
    stated_count,
    stock,
)
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.model import Principle
from archproof.units import Size


def crawler(ctx: Ctx) -> None:
    pages, _, note, _ = primary_rates(ctx, "crawler")
    _page_storage(ctx, pages)
    ctx.entity("CrawlUrl")
    ctx.entity("CrawledPage")
    ctx.entity("PageBody").stored_in = "blobs"
    ctx.comp("blobs")
    sites = ctx.external("websites", "the crawled web sites")
    frontier = ctx.queue(
        "frontier",
        "URLs due for fetching, partitioned by host so one host is fetched by one "
        "worker at a time (politeness)",
    )
    worker = ctx.comp("worker")
    worker.work["fetch_page"] = {"lognormal": {"p50": "20ms", "p99": "200ms"}}
    worker.work_notes["fetch_page"] = (
        "parse links and hash the body (the fetch itself is the site's)"
    )
    ctx.op(
        OpSpec(
            id="schedule_fetches",
            description="Scheduler: every few seconds, enqueue the URLs whose next fetch is due "
            "(robots.txt delay per host respected)",
            pattern="crawler",
            rate=pages,
            rate_note=note,
            sync=False,
            flat=True,  # the scheduler releases due URLs at the crawl rate all day
            reads=False,
            idempotency_key="url hash + due time: a URL enqueued twice is fetched once "
            "(the fetch checks last_fetched_at)",
            calls=[
                CallSpec(
                    "worker.schedule",
                    time="1ms",
                    calls=[
                        ctx.db("read", "due URLs by next_fetch_at (index range)"),
                        ctx.enqueue(frontier, "fetching is slow and external: a background job"),
                    ],
                )
            ],
            rationale="the frontier is a queue, so fetchers scale by replicas and a crashed "
            "fetcher's URLs are redelivered",
        )
    )
    ctx.job(
        "fetch_page",
        frontier,
        "fetch_page",
        [
            CallSpec(
                f"{sites}.get",
                time={"lognormal": {"p50": "300ms", "p99": "3s"}},
                idempotent=True,
                breaker=True,
                on_failure="fail_open",
                fallback="mark the URL failed with a back-off; a host that keeps failing is "
                "paused (the breaker is per host)",
                rationale="a GET is safe to repeat",
            ),
            CallSpec(
                "blobs.put",
                idempotent=True,
                rationale="page bodies under their content hash: a refetch of the same page "
                "overwrites nothing new",
            ),
            ctx.db(
                "write",
                "upsert CrawledPage by content hash (a duplicate body is stored once) and set "
                "the URL's next_fetch_at",
            ),
        ],
        description="Fetch one page, store its body, record it, schedule the next visit",
        pattern="crawler",
        idempotency_key="url hash: the upsert and the content-addressed body make a retry safe",
    )
    ctx.op(
        OpSpec(
            id="build_index",
            description="Batch job: read the new page bodies and build the search index "
            "segments for the search team",
            pattern="crawler",
            rate=Fraction(1, DAY),
            rate_note="once a day (assumed)",
            sync=False,
            reads=False,
            idempotency_key="the batch's time range: a rerun rebuilds the same segments",
            calls=[
                CallSpec(
                    "worker.build_index",
                    time={"lognormal": {"p50": "10min", "p99": "1h"}},
                    calls=[
                        ctx.db("read", "pages fetched since the last build (index range)"),
                        CallSpec("blobs.get", idempotent=True),
                        CallSpec("blobs.put", idempotent=True, rationale="index segments"),
                    ],
                )
            ],
        )
    )
    ctx.access("CrawlUrl", "urls_due", "range", ("next_fetch_at",), None, "schedule_fetches")
    ctx.access("CrawledPage", "page_by_hash", "lookup", ("content_hash",), None, "fetch_page")
    ctx.primary_write = ctx.primary_write or "fetch_page"
    ctx.decide(
        "crawler-frontier",
        "A URL frontier queue and fetch workers",
        "the scheduler enqueues due URLs; stateless fetch workers fetch, store and record",
        Principle.OP,
        "fetching is slow and external (p99 in seconds): it is background work that scales by "
        "adding workers",
        "fetch_page",
    )
    ctx.decide(
        "crawler-bodies-in-object-store",
        "Page bodies in the object store",
        "content-addressed page bodies in the object store; the database keeps URL state",
        Principle.DB,
        "page bodies are large blobs read in bulk by the index build, not rows to query",
        "blobs",
    )
    ctx.use_cases += [
        "Fetch pages from the frontier, politely",
        "Store page bodies once per content hash",
        "Build the search index from fetched pages",
    ]
    ctx.ledger.ask("Politeness: the default delay per host, and is robots.txt crawl-delay obeyed?")
    ctx.ledger.ask(
        "Which sites are in scope (seeds, domains), and how are traps (infinite URL "
        "spaces) cut off?"
    )
    ctx.ledger.ask(
        "How is freshness decided: a fixed revisit period, or by how often a page changes?"
    )


def _page_storage(ctx: Ctx, fetches: Fraction) -> None:
    """Page bodies in the object store: the known pages × the page size when only the
    latest copy is kept, else every fetch over the retention."""
    size = ctx.load.item_size
    if size is None:
        size = Fraction(100_000)
        ctx.ledger.assumed("page size", "100KB", "a typical HTML page", "page-size")
    known = stated_count(ctx, frozenset({"link", "url", "page", "site", "document"}))
    if known is not None and ctx.mentions(r"latest|only\s+the\s+(?:last|newest|current)"):
        stock(
            ctx,
            known.value * size,
            f"{known.describe()} × {Size(size)} (only the latest copy of each page)",
        )
        return
    object_storage(ctx, fetches, size, "pages fetched")
