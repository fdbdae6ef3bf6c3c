"""Search: precomputed autocomplete, or full text over a derived index."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import average
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import per_s, rate_text
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.model.requirements import at_peak
from archproof.numbers import sig


def search(ctx: Ctx) -> None:
    if ctx.mentions(
        r"autocomplete|auto-complete|typeahead|type-ahead|suggest|\bcompletions?\b"
        r"|\b(?:as|while)\s+(?:a|the|they|you|users?|people|\w+)\s+\w*\s*types?\b"
    ):
        _autocomplete(ctx)
    else:
        _full_text(ctx)


def _search_rate(ctx: Ctx) -> tuple[Fraction, str]:
    if ctx.classification.primary == "search":
        fig = ctx.load.rate_for(frozenset({"search", "read"}), ("search", "read"))
        if fig is not None:
            return ctx.load.reads, "the main read load"
        return ctx.load.reads, "the main read load"
    return ctx.rate(
        frozenset({"search"}),
        ("search",),
        ctx.load.reads / 5,
        "searches",
        "one search per 5 reads",
        "search-rate",
    )


# Suggestion requests per submitted search when the task does not say how much is typed.
KEYSTROKES_PER_SEARCH = Fraction(5)


def _typed_per_search(ctx: Ctx) -> Quantity | None:
    """ "each search types about 8 characters": the suggestion requests per search."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit != "count" or item.period is not None or not item.subject:
            continue
        # "8 characters", "8 keystrokes", "8 keystroke requests", "6 suggestion requests"
        # per search (any word of the subject)
        words = {singular(w) for w in item.subject.lower().split()}
        if words & {"character", "keystroke", "letter", "suggestion"}:
            return item
    return None


def _autocomplete_rates(ctx: Ctx) -> tuple[Fraction, str, Fraction, str]:
    """(suggest rate, note, submit rate, note). A stated rate of searches with the
    characters typed per search stated and a suggestion per keystroke ("20 million searches
    a day, each search types about 8 characters and we suggest after every keystroke") is
    the submitted searches: suggestion requests are that × the characters. Otherwise the
    stated rate is the suggestion requests (keystrokes, queries), a fifth of them submitted."""
    rate, note = _search_rate(ctx)
    typed = _typed_per_search(ctx)
    fig = ctx.load.rate_for(frozenset({"search"}), ("search", "read"))
    if typed is not None and fig is not None and ctx.mentions(r"\bkeystroke|\btyp(?:e|es|ing)\b"):
        per = typed.value
        suggest = rate * per
        ctx.ledger.withdraw("writes", "writes-derived")
        ctx.ledger.withdraw("reads per write", "read-write-ratio", "What is the read:write ratio?")
        ctx.ledger.derived(
            "suggestion requests",
            rate_text(suggest),
            f"{rate_text(rate)} searches × {sig(float(per))} suggestion requests per search "
            f'("{typed.text}")',
        )
        return (
            suggest,
            f'{note} × {sig(float(per))} keystrokes a search ("{typed.text}")',
            rate,
            f"{note}: each search is submitted once",
        )
    per = typed.value if typed is not None else KEYSTROKES_PER_SEARCH
    how = f'"{typed.text}"' if typed is not None else "assumed keystrokes"
    total = ctx.load.rate_for(frozenset({"request", "search", "read"}), ("requests",))
    if ctx.load.read_figure is None and total is not None:
        # "Hint requests ~40M/day": every request of a typeahead is a lookup of completions,
        # not a share of reads split from writes by a typical ratio
        rate, note = average(total, ctx.load.peak_factor), f'from the task: "{total.quote}"'
        ctx.ledger.withdraw("reads", "reads-derived")
        ctx.ledger.withdraw("writes", "writes-derived")
        ctx.ledger.withdraw("reads per write", "read-write-ratio", "What is the read:write ratio?")
    return (
        rate,
        note,
        rate / per,
        f"one submitted search per {sig(float(per))} suggestion requests ({how})",
    )


def _autocomplete(ctx: Ctx) -> None:
    rate, note, submitted, submit_note = _autocomplete_rates(ctx)
    ctx.entity("Suggestion")
    ctx.entity("QueryCount")
    cache = ctx.comp("cache", "cache", None)
    cache.rationale = (
        "the prefix table: each prefix's top completions (suggest), in memory; the main job"
    )
    cache.cache = {
        "justification": "every keystroke reads it; the table is derived data the rebuild "
        "job replaces wholesale, so there is nothing to invalidate",
        "ttl": "2d",
        "invalidation": "replaced by each rebuild (versioned keys)",
    }
    cache.recovery = "reloaded from the Suggestion rows in the database"
    worker = ctx.comp("worker")
    worker.work["count_queries"] = {"lognormal": {"p50": "100us", "p99": "1ms"}}
    worker.work_notes["count_queries"] = "per query, in memory: normalize, add to the batch"
    queue = ctx.queue("query_queue", "submitted searches to count")
    suggest = ctx.op(
        OpSpec(
            id="suggest",
            description="GET /suggest?q=prefix: top completions for a prefix (each keystroke)",
            pattern="search",
            rate=rate,
            rate_note=note,
            calls=ctx.front(
                "suggest",
                [
                    CallSpec(
                        "cache.get",
                        idempotent=True,
                        on_failure="fail_open",
                        fallback="answer with no suggestions (the search box still works)",
                        rationale="one key per prefix: its precomputed top completions",
                    )
                ],
            ),
            keywords=("suggest", "autocomplete", "typeahead", "keystroke", "prefix", "search"),
        )
    )
    submit = ctx.op(
        OpSpec(
            id="submit_search",
            description="A submitted search is counted for future suggestions",
            pattern="search",
            rate=submitted,
            rate_note=submit_note,
            reads=False,
            calls=ctx.front(
                "submit_search",
                [
                    ctx.enqueue(
                        queue,
                        "counting is not on the user's path",
                        on_failure="fail_open",
                        fallback="drop the count (suggestions are statistics)",
                    )
                ],
            ),
        )
    )
    ctx.job(
        "count_queries",
        queue,
        "count_queries",
        [
            CallSpec(
                "db.write",
                p="1/10",
                idempotent=True,
                rationale="batched upsert of QueryCount: one write per "
                "10 queries (the worker aggregates in memory)",
            )
        ],
        description="Aggregate submitted searches into daily counts",
        pattern="search",
        idempotency_key="query id (a redelivered query is counted at most once per batch)",
    )
    ctx.op(
        OpSpec(
            id="rebuild_suggestions",
            description="Nightly: recompute the top completions of every prefix",
            pattern="batch",
            rate=Fraction(1, DAY),
            rate_note="once a day",
            sync=False,
            reads=False,
            idempotency_key="the day (a rerun rewrites the same rows)",
            calls=[
                CallSpec(
                    "worker.rebuild",
                    time={"lognormal": {"p50": "5min", "p99": "30min"}},
                    calls=[
                        ctx.db("read", "scan the last 30 days of QueryCount"),
                        ctx.db("write", "upsert Suggestion rows"),
                        CallSpec(
                            "cache.set",
                            time={"lognormal": {"p50": "1min", "p99": "10min"}},
                            idempotent=True,
                            rationale="load the new prefix table under a new version, then "
                            "switch the version key (readers never see half a table)",
                        ),
                    ],
                )
            ],
            rationale="suggestions are precomputed so each keystroke is one key lookup",
        )
    )
    ctx.access("Suggestion", "suggestion_by_prefix", "lookup", ("prefix",), None, suggest.id)
    ctx.access("QueryCount", "counts_by_day", "range", ("day",), "count", "rebuild_suggestions")
    ctx.primary_read = ctx.primary_read or suggest.id
    ctx.primary_write = ctx.primary_write or submit.id
    ctx.decide(
        "autocomplete-precomputed",
        "Suggestions are precomputed per prefix",
        "a nightly job computes the top-k completions of each prefix into the database and "
        "loads them into an in-memory prefix table; a keystroke is one key lookup",
        Principle.DB,
        "push the heavy work (ranking) into a batch job and keep the hot path a key lookup",
        suggest.id,
    )
    ctx.use_cases += ["Suggest completions while the user types", "Learn from submitted searches"]
    ctx.ledger.ask("How many suggestions per prefix, and per-user personalization?")
    if not ctx.mentions(r"\bdaily\b|\bnightly\b|once\s+a\s+day|every\s+(?:day|night)\b"):
        ctx.ledger.ask("How fresh must suggestions be (nightly rebuild assumed)?")


def _full_text(ctx: Ctx) -> None:
    rate, note = _search_rate(ctx)
    primary = ctx.classification.primary == "search"
    index = ctx.comp(
        "search",
        "search",
        "search index: a derived copy of the documents, rebuildable from the primary store",
    )
    index.recovery = "rebuild from the primary database with the indexing job"
    queue = ctx.queue("index_queue", "changed documents to (re)index")
    entity = "Document"
    source_op = ctx.find_op(ctx.primary_write) if ctx.primary_write else None
    writes = ctx.load.writes if primary else rate / 10
    if primary or source_op is None:
        ctx.entity(entity)
        save = ctx.op(
            OpSpec(
                id="save_document",
                description="PUT /documents/{id}: store a document and queue its indexing",
                pattern="search",
                rate=writes,
                rate_note="the main write load"
                if primary
                else "one write per 10 searches (assumed)",
                reads=False,
                idempotency_key="document id (PUT overwrites)",
                calls=ctx.front(
                    "save_document",
                    [
                        ctx.db("write", "the document in the primary store"),
                        ctx.enqueue(
                            queue,
                            "indexing runs in the background; results lag by seconds",
                        ),
                    ],
                ),
                keywords=("save", "index", "write", "upload"),
            )
        )
        ctx.primary_write = ctx.primary_write or save.id
    else:
        entity = next(iter(ctx.entities))
        api = ctx.api_call(source_op.id)
        if api is not None:
            api.calls.append(
                ctx.enqueue(
                    queue,
                    "reindex in the background",
                    on_failure="fail_open",
                    fallback="the nightly reindex picks it up",
                )
            )
    fed = writes if (primary or source_op is None) else (source_op.rate or Fraction(0))
    if at_peak(fed, ctx.load.peak_factor) >= BULK_THRESHOLD:
        _bulk_index(ctx, queue, fed)
    else:
        ctx.job(
            "index_document",
            queue,
            "index",
            [
                ctx.db("read", "the current version of the document"),
                CallSpec("search.index", idempotent=True, rationale="upsert by document id"),
            ],
            description="Copy a changed document into the search index",
            pattern="search",
            idempotency_key="document id + version (indexing is an upsert)",
        )
    op = ctx.op(
        OpSpec(
            id="search_documents",
            description="GET /search?q=...: ranked full-text results",
            pattern="search",
            rate=rate,
            rate_note=note,
            calls=ctx.front(
                "search",
                [
                    CallSpec(
                        "search.search",
                        idempotent=True,
                        on_failure="fail_closed" if primary else "fail_open",
                        fallback=None
                        if primary
                        else "show the page without results and a retry hint",
                        breaker=not primary,
                    )
                ],
            ),
            keywords=("search", "query", "find", "results"),
        )
    )
    ctx.access(entity, "full_text", "search", (), None, op.id)
    # What the index holds (a derived copy), so it is not a store holding nothing (ST005).
    index.state.append(f"{entity} search documents (derived; rebuilt from the primary store)")
    ctx.primary_read = ctx.primary_read or op.id
    ctx.decide(
        "search-derived-index",
        "The search index is derived state",
        "documents live in the primary store; a background job copies them to the index",
        Principle.ST,
        "one source of truth; the index can be dropped and rebuilt, so losing it loses no data",
        "search",
    )
    ctx.use_cases += ["Search documents by text, ranked"]
    ctx.ledger.ask("Which fields are searched, and how fresh must results be (seconds assumed)?")


BULK_THRESHOLD = 1000  # documents a second at peak before indexing goes in bulk requests
BULK_SIZE = 1000  # documents per bulk request


def _bulk_index(ctx: Ctx, queue: str, fed: Fraction) -> None:
    """High-volume documents (log lines, events) are indexed in bulk requests straight from
    the stream: the message carries the document, so there is no read back from the
    database, and one bulk request of 1,000 documents replaces 1,000 index calls."""
    worker = ctx.comp("worker")
    worker.work["index"] = {"lognormal": {"p50": "20us", "p99": "200us"}}
    worker.work_notes["index"] = "per document, in memory: parse and add to the bulk buffer"
    index = ctx.comps["search"]
    index.work["bulk_index"] = {"lognormal": {"p50": "100ms", "p99": "1s"}}
    index.work_notes["bulk_index"] = f"one bulk request of {BULK_SIZE:,} documents (assumed)"
    ctx.job(
        "index_document",
        queue,
        "index",
        [
            CallSpec(
                "search.bulk_index",
                p=f"1/{BULK_SIZE}",
                idempotent=True,
                write=True,
                rationale=f"a bulk request per {BULK_SIZE:,} documents, ids from the stream "
                "offsets (a retried bulk overwrites the same documents)",
            )
        ],
        description="Index documents in bulk requests, straight from the stream",
        pattern="search",
        idempotency_key="stream offset → document id (indexing is an upsert)",
    )
    ctx.decide(
        "search-bulk-index",
        "Bulk indexing from the stream",
        f"workers buffer documents and send one bulk request per {BULK_SIZE:,}; time-based "
        "indices, the oldest dropped at the retention",
        Principle.OP,
        f"{per_s(float(at_peak(fed, ctx.load.peak_factor)))} documents at peak: one index "
        "call each "
        f"would need as many round trips; bulk requests cut them {BULK_SIZE:,}-fold",
        "search",
    )
