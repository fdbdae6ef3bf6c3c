"""Social-graph search: how two people are connected (shortest path, "people you may
know"). Adjacency lists — one row per person with the packed ids of their friends — are
sharded by person id; a search runs a bidirectional breadth-first search, reading the
frontier's adjacency lists level by level, so one search reads about 2 × (1 + friends)
lists. Hot lists (people with many friends, recent searchers) are what a cache is for;
compose decides it by the read load those list reads put on the store.
"""

from __future__ import annotations

import math
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import stated_count
from archproof.frontends.draft.plan import OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle
from archproof.numbers import plain, rounded, sig
from archproof.units import Size

DEFAULT_FRIENDS = Fraction(100)
ID_BYTES = 8
ROW_OVERHEAD = 64
NODE_BYTES = 10**12  # what one store node holds comfortably (1 TB)


def graph(ctx: Ctx) -> None:
    counted = [f.value for f in ctx.load.extracted.all("people")]
    # "the follower graph of 500 million accounts": the people are the graph's nodes
    nodes = stated_count(ctx, frozenset({"account", "member", "profile", "person", "user"}))
    if nodes is not None:
        counted.append(nodes.value)
    people = max(counted) if counted else ctx.dau()
    degree_item = stated_count(
        ctx, frozenset({"friend", "connection", "follower", "contact", "follow", "following"})
    )
    if degree_item is not None:
        degree = degree_item.value
    else:
        degree = DEFAULT_FRIENDS
        ctx.ledger.assumed(
            "friends per person",
            "100",
            "a typical social network",
            "friends",
            "How many friends (connections) does a person have on average, and at most?",
        )
    lists = int(2 * (1 + degree))
    # "up to 3 hops": the depth the search stops at
    hops = stated_count(ctx, frozenset({"hop", "step", "degree", "level"}))
    depth = int(hops.value) if hops is not None and 1 <= hops.value <= 10 else 6
    searches, note = ctx.rate(
        frozenset({"search", "read", "query"}),
        ("search", "read", "requests"),
        lambda: ctx.dau() / 86_400,
        "path searches",
        "one search per daily active user per day",
        "graph-searches",
    )
    adjacency = ctx.entity("Adjacency")
    row = int(degree) * ID_BYTES + ROW_OVERHEAD
    adjacency.row_size = str(Size(Fraction(row)))
    db = ctx.comp("db")
    db.work["read_lists"] = {"lognormal": {"p50": "1ms", "p99": "10ms"}}
    db.work_notes["read_lists"] = "a batched read of 2 rows (assumed: 1 ms + 20 µs a row)"
    frontier_ms = 1 + 2 * float(degree) * 0.02
    db.work["read_frontier"] = {
        "lognormal": {"p50": f"{plain(frontier_ms, 3)}ms", "p99": f"{plain(frontier_ms * 10, 3)}ms"}
    }
    db.work_notes["read_frontier"] = (
        f"a batched read of {2 * int(degree)} rows (assumed: 1 ms + 20 µs a row)"
    )
    db.rationale = (
        "adjacency lists: one row per person with the packed ids of their friends, sharded "
        "by person id (the graph does not fit on one machine)"
    )
    search = ctx.op(
        OpSpec(
            id="find_connection",
            description="GET /path?from&to: the shortest chain of friends between two people "
            "(bidirectional BFS, depth-capped)",
            pattern="graph",
            rate=searches,
            rate_note=note,
            calls=ctx.front(
                "find_connection",
                [
                    ctx.db(
                        "read_lists",
                        "level 1: both people's adjacency lists (one batched read)",
                        idempotent=True,
                    ),
                    ctx.db(
                        "read_frontier",
                        f"level 2: their friends' lists from both ends, {2 * int(degree)} rows "
                        "in one batched read per shard (IN list), shards in parallel",
                        idempotent=True,
                    ),
                ],
            ),
            keywords=("path", "connect", "search", "find", "answer", "quer"),
        )
    )
    ctx.op(
        OpSpec(
            id="add_friend",
            description="POST /friends: a new friendship, written to both people's lists",
            pattern="graph",
            rate=people / 30 / 86_400,
            rate_note="one new friendship per person a month (assumed)",
            reads=False,
            idempotency_key="(person, friend) pair: adding twice is a no-op",
            calls=ctx.front(
                "add_friend",
                [ctx.db("write", "append to both adjacency lists (one transaction per shard)")],
            ),
            keywords=("friend", "add", "write"),
        )
    )
    ctx.access("Adjacency", "adjacency_by_person", "lookup", ("person_id",), None, search.id)
    ctx.lookups.append((search.id, "Adjacency"))
    ctx.primary_read = ctx.primary_read or search.id
    ctx.primary_write = ctx.primary_write or "add_friend"
    stored = people * row
    ctx.entity("Adjacency").rows = people
    stored_text = Size(rounded(float(stored)))
    ctx.stock = (
        f"{float(people):,.0f} people × ({sig(float(degree), 6)} ids × {ID_BYTES} B + "
        f"{ROW_OVERHEAD} B) = {stored_text}",
        stored,
    )
    stated = ctx.constrained("storage_scale")
    ctx.handled.add("storage_scale")
    shards = math.ceil(stored / NODE_BYTES)
    if stated is not None:
        shards = max(2, shards)
    if shards > 1:
        db.replicas = shards
        db.notes.append(
            f"replicas = {shards} primaries, one per shard of the adjacency lists (by person id)"
        )
    why = (
        f'the task says "{stated.statement}", so the lists are partitioned from the start'
        if stated is not None
        else f"{'more' if shards > 1 else 'less'} than the {Size(Fraction(NODE_BYTES))} one "
        "node holds comfortably"
    )
    ctx.decide(
        "graph-shards",
        "Adjacency lists by person id",
        f"{shards} shards by hash(person id); a lookup table maps a person to a shard so "
        "shards can be split without rehashing everyone"
        if shards > 1
        else "one store node now, keyed by person id so it can be sharded later",
        Principle.DB,
        f"{ctx.stock[0]}: {why}",
        "db",
    )
    ctx.decide(
        "graph-bfs",
        "Bidirectional breadth-first search",
        "expand the smaller frontier one level at a time from both ends, batching each "
        f"level's list reads per shard; stop at depth {depth} or a visited-node cap",
        Principle.DS,
        f"one-sided BFS reads {sig(float(degree), 6)}^k lists at depth k; meeting in the middle "
        f"keeps a typical search near {lists} lists ({per_s(float(searches * lists))} list "
        "reads on average)",
        "find_connection",
    )
    ctx.use_cases += ["Find how two people are connected", "Add a friendship"]
    if hops is None:
        ctx.ledger.ask("How deep may a search go (degrees of separation), and may it give up?")
    # add_friend is sized from the people, not by the generic read:write split
    ctx.ledger.withdraw("writes", "writes-derived")
    ctx.ledger.withdraw("reads per write", "read-write-ratio", "What is the read:write ratio?")
    ctx.ledger.ask("Must the path respect privacy (hidden friend lists, blocked people)?")
