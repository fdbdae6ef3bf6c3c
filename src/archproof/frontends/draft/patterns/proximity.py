"""Proximity search (Yelp, "places near me"): places indexed by geohash, a nearby search
reads the cells around the searcher, places change rarely.

A geohash cell at the search radius's precision, plus its 8 neighbours, covers the circle;
one query reads the 9 cells by an index on the geohash prefix. Places are read far more
than written, so read replicas (or a cache, when the numbers call for one) carry the
searches; a new or moved place is visible after the replicas' lag.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import stated_average, stated_count, stated_rate
from archproof.frontends.draft.plan import OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle
from archproof.model.requirements import at_peak
from archproof.numbers import rounded
from archproof.units import Size

PLACE_BYTES = 1000
CHANGES_PER_PLACE_DAY = Fraction(1, 100)


def proximity(ctx: Ctx) -> None:
    places = stated_count(
        ctx, frozenset({"business", "place", "restaurant", "shop", "store", "location", "poi"})
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
    edited = stated_rate(ctx, frozenset({"place", "edit", "update", "change", "listing"}))
    if edited is not None and edited.per_second is not None and edited is not stated:
        edits, edit_note = stated_average(ctx, edited)
    else:
        edits = count * CHANGES_PER_PLACE_DAY / 86_400
        edit_note = "1% of places change a day (assumed)"
    ctx.entity("Place")
    ctx.op(
        OpSpec(
            id="search_nearby",
            description="GET /places?lat&lon&radius: places in the 9 geohash cells around "
            "the searcher, filtered by distance",
            pattern="proximity",
            rate=searches,
            rate_note=note,
            calls=ctx.front(
                "search_nearby",
                [
                    ctx.db(
                        "read",
                        "one query: geohash IN (the cell and its 8 neighbours), by the "
                        "geohash index; distance filter and ranking in the API",
                    )
                ],
            ),
            keywords=("nearby", "search", "find", "places", "query"),
        )
    )
    ctx.op(
        OpSpec(
            id="upsert_place",
            description="PUT /places/{id}: add or move a place (its geohash is recomputed)",
            pattern="proximity",
            rate=edits,
            rate_note=edit_note,
            reads=False,
            idempotency_key="place id (PUT overwrites)",
            calls=ctx.front("upsert_place", [ctx.db("write", "the place with its geohash")]),
            keywords=("add", "update", "write"),
        )
    )
    ctx.access("Place", "places_by_geohash", "range", ("geohash",), None, "search_nearby")
    ctx.lookups.append(("search_nearby", "Place"))
    ctx.primary_read = ctx.primary_read or "search_nearby"
    ctx.primary_write = ctx.primary_write or "upsert_place"
    stored = count * PLACE_BYTES
    place = ctx.entity("Place")
    place.rows, place.row_size = count, f"{PLACE_BYTES}B"
    ctx.stock = (f"{float(count):,.0f} places × {PLACE_BYTES} B", stored)
    ctx.decide(
        "proximity-geohash",
        "Places indexed by geohash",
        "a geohash column (precision by the search radius) with a B-tree index; a search "
        "reads the searcher's cell and its 8 neighbours in one query",
        Principle.DS,
        f"{float(count):,.0f} places ({Size(rounded(float(stored)))}) fit one "
        f"node; {per_s(float(at_peak(searches, ctx.load.peak_factor)))} searches at peak are "
        "prefix-range reads; places rarely change, so replicas or a cache carry them",
        "db",
    )
    ctx.use_cases += ["Find places near a point", "Add or update a place"]
    ctx.ledger.ask("Which radius and how many results; ranked by distance, rating or both?")
    ctx.ledger.ask("How soon must a new or moved place appear in searches (minutes assumed)?")
