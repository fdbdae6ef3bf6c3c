"""Proximity search (Yelp, "places near me"): places live in the database, a geo index (a
search index holding each place's location) answers the nearby searches, and a background
job copies each edit into the index within the freshness the task allows.

The index answers a search with one geo query (the geohash cells around the searcher at the
radius's precision, the searcher's cell and its 8 neighbours, then a distance filter), so
the searches never touch the database; places are read far more than written, and the
index is derived data: it can be dropped and rebuilt from the database.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import stated_average, stated_count, stated_rate
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle
from archproof.model.requirements import at_peak
from archproof.numbers import rounded
from archproof.units import Duration, Size

PLACE_BYTES = 1000
CHANGES_PER_PLACE_DAY = Fraction(1, 100)


def proximity(ctx: Ctx) -> None:
    places = stated_count(
        ctx,
        # "20 million points of interest": the reader counts "points" (of interest)
        frozenset({"business", "place", "restaurant", "shop", "store", "location", "poi", "point"}),
    )
    count = places.value if places is not None else Fraction(10_000_000)
    if places is None:
        ctx.ledger.assumed(
            "places",
            "10M",
            "a city-to-country scale directory",
            "places",
            "How many places (businesses) are listed?",
        )
    stated = stated_rate(ctx, frozenset({"search", "query", "request", "lookup"}))
    if stated is not None and stated.per_second is not None:
        searches = stated.per_second / (ctx.load.peak_factor if stated.peak else 1)
        note = f'from the task: "{stated.describe()}"'
    else:
        searches, note = ctx.load.reads, "the main read load"
    # "Owners edit ~50k places/day": the stated edits, else a share of the places assumed
    edited = stated_rate(
        ctx, frozenset({"place", "edit", "update", "change", "listing", "page", "profile"})
    )
    if edited is not None and edited.per_second is not None and edited is not stated:
        edits, edit_note = stated_average(ctx, edited)
    else:
        edits = count * CHANGES_PER_PLACE_DAY / 86_400
        edit_note = "1% of places change a day (assumed)"
    ctx.entity("Place")
    index = ctx.comp(
        "search",
        "search",
        "geo index: every place's location (geo point and geohash cells), a derived copy of "
        "the Place rows, rebuildable from the database",
    )
    index.recovery = "rebuild from the Place rows with the indexing job"
    index.state.append("Place locations (derived; rebuilt from the database)")
    queue = ctx.queue("index_queue", "edited places to copy into the geo index")
    search = ctx.op(
        OpSpec(
            id="search_nearby",
            description="GET /places?lat&lon&radius: places in the geohash cell around the "
            "searcher and its 8 neighbours, filtered by distance",
            pattern="proximity",
            rate=searches,
            rate_note=note,
            calls=ctx.front(
                "search_nearby",
                [
                    CallSpec(
                        "search.search",
                        idempotent=True,
                        on_failure="fail_closed",
                        rationale="one geo query on the index (the searcher's cell and its "
                        "8 neighbours, then a distance filter); ranking in the API",
                    )
                ],
            ),
            keywords=("nearby", "search", "find", "places", "query"),
        )
    )
    edit = ctx.op(
        OpSpec(
            id="update_place",
            description="PUT /places/{id}: add, edit or move a place, then queue its reindexing",
            pattern="proximity",
            rate=edits,
            rate_note=edit_note,
            reads=False,
            idempotency_key="place id (PUT overwrites)",
            calls=ctx.front(
                "update_place",
                [
                    ctx.db("write", "the place, the one source of truth"),
                    ctx.enqueue(queue, "the geo index takes the edit in the background"),
                ],
            ),
            keywords=("add", "update", "edit", "write"),
        )
    )
    ctx.job(
        "index_place",
        queue,
        "index",
        [
            ctx.db("read", "the place's current row (primary key)"),
            CallSpec("search.index", idempotent=True, rationale="upsert by place id"),
        ],
        description="Copy an edited place (its location) into the geo index",
        pattern="proximity",
        idempotency_key="place id + version (indexing is an upsert)",
    )
    ctx.access("Place", "places_near_point", "search", (), None, search.id)
    ctx.access("Place", "place_by_id", "lookup", ("id",), None, "index_place")
    ctx.primary_read = ctx.primary_read or search.id
    ctx.primary_write = ctx.primary_write or edit.id
    stored = count * PLACE_BYTES
    place = ctx.entity("Place")
    place.rows, place.row_size = count, f"{PLACE_BYTES}B"
    ctx.stock = (f"{float(count):,.0f} places × {PLACE_BYTES} B", stored)
    fresh = ctx.constrained("freshness")
    if fresh is not None and fresh.within is not None:
        lag = f'within {Duration(fresh.within)}, as the task allows ("{fresh.statement}")'
        ctx.handled.add("freshness")
    else:
        lag = "within minutes (assumed)"
        ctx.ledger.ask("How soon must a new or moved place appear in searches (minutes assumed)?")
    ctx.decide(
        "proximity-geo-index",
        "Places indexed by location in a geo index",
        "places in the database; a job copies each edit into a search index of their "
        "locations; a search is one geo query there (the searcher's geohash cell and its "
        "8 neighbours, filtered by distance)",
        Principle.ST,
        f"{float(count):,.0f} places ({Size(rounded(float(stored)))}); "
        f"{per_s(float(at_peak(searches, ctx.load.peak_factor)))} searches at peak read the "
        "index, never the database; an edit reaches the index " + lag + "; the index is "
        "derived, so losing it loses no place",
        "search",
    )
    ctx.use_cases += ["Find places near a point", "Add or update a place"]
    ctx.ledger.ask("Which radius and how many results; ranked by distance, rating or both?")
