"""Key-value stores and distributed caches: keys spread over nodes by consistent hashing,
reached through a thin stateless API (or a client library).

A store whose values must survive is partitioned and replicated (Cassandra-style: every key
on three nodes, quorum reads and writes). Ephemeral values with an expiry (sessions) live
in memory with a TTL. A cache of another system's results (query results) is an LRU in
memory with a TTL and a memory budget; a miss goes to the system it caches.
"""

from __future__ import annotations

import math
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.entities import make_entity
from archproof.frontends.draft.patterns.common import stated_count, stated_rate, stated_size
from archproof.frontends.draft.plan import CallSpec, EntitySpec, OpSpec
from archproof.frontends.draft.sizing import entry_of, per_s
from archproof.frontends.draft.text import article
from archproof.model import Principle
from archproof.model.requirements import at_peak
from archproof.numbers import rounded
from archproof.units import Duration, Size

DEFAULT_VALUE = Fraction(1000)
NODE_MEMORY = 64 * 10**9  # usable memory per cache node
NODE_DISK = 2 * 10**12  # data per store node
CACHE_HIT = Fraction(9, 10)


def kv_store(ctx: Ctx) -> None:
    ephemeral = ctx.mentions(r"session|expire|ttl|inactiv|temporar")
    noun = "session" if ctx.mentions(r"\bsessions?\b") else "value"
    entity_name = "SessionData" if noun == "session" else "KeyValue"
    reads, writes, note_r, note_w = _rates(ctx, noun)
    store = ctx.comp(
        "kv",
        "store",
        f"the key-value store: {noun}s by key over nodes by consistent hashing"
        + (", in memory with a TTL" if ephemeral else ", each key on three nodes (quorum)"),
    )
    if not ephemeral and entry_of("cassandra") is not None:
        store.tech = "cassandra"
    store.state.append(entity_name)
    store.recovery = (
        "sessions are re-created by logging in again; append-only file persistence keeps "
        "them across a restart"
        if ephemeral
        else "three replicas per key; a lost node is rebuilt from the other two"
    )
    entity = make_entity(entity_name, store.id)
    ctx.entities[entity_name] = entity
    size = ctx.load.item_size or stated_size(ctx, below=10**8) or DEFAULT_VALUE
    entity.row_size = str(Size(size))
    _stock(ctx, noun, size, ephemeral, entity=entity)
    ctx.op(
        OpSpec(
            id=f"get_{noun}",
            description=f"GET /{noun}s/{{key}}: one value by key",
            pattern="kv_store",
            rate=reads,
            rate_note=note_r,
            calls=ctx.front(f"get_{noun}", [CallSpec(f"{store.id}.get", idempotent=True)]),
            keywords=("get", "read", "lookup"),
        )
    )
    ctx.op(
        OpSpec(
            id=f"put_{noun}",
            description=f"PUT /{noun}s/{{key}}: write a value"
            + (" (and reset its expiry)" if ephemeral else ""),
            pattern="kv_store",
            rate=writes,
            rate_note=note_w,
            reads=False,
            idempotency_key="the key: a PUT overwrites, so a retry is harmless",
            calls=ctx.front(f"put_{noun}", [CallSpec(f"{store.id}.set", write=True)]),
            keywords=("put", "write", "set"),
        )
    )
    ctx.access(entity_name, f"{noun}_by_key", "lookup", ("key",), None, f"get_{noun}")
    ctx.primary_read = ctx.primary_read or f"get_{noun}"
    ctx.primary_write = ctx.primary_write or f"put_{noun}"
    ctx.decide(
        "kv-partitioning",
        "Keys spread by consistent hashing",
        "a hash ring with virtual nodes; adding a node moves about 1/N of the keys",
        Principle.DB,
        "one node holds neither the data nor the request rate for long; consistent hashing "
        "lets the cluster grow without rehashing every key",
        store.id,
    )
    expiry = next((q for q in ctx.load.extracted.reading.placed if q.role == "expiry"), None)
    if ephemeral:
        ctx.handled.add("expiry")
        ctx.decide(
            "kv-expiry",
            "Expiry in the store",
            f"every write sets a TTL{f' of {Duration(expiry.value)}' if expiry else ''}, "
            "reset on each use (sliding expiry); no sweep job",
            Principle.ST,
            "the store drops expired keys itself, so nothing else has to delete them",
            store.id,
        )
    ctx.use_cases += [f"Read {article(noun)} by key", f"Write {article(noun)}"]
    ctx.ledger.ask("Which consistency per operation: must a read see the latest write?")


def cache_service(ctx: Ctx) -> None:
    """A distributed cache in front of a slower system (query results, pages)."""
    lookups, note = ctx.rate(
        frozenset({"search", "read", "get", "query", "lookup"}),
        ("search", "read", "requests"),
        lambda: ctx.load.reads,
        "lookups",
        "the main read load",
        "cache-lookups",
    )
    size = ctx.load.item_size or stated_size(ctx, below=10**8) or DEFAULT_VALUE
    cache = ctx.comp("cache", "cache", None)
    cache.rationale = (
        "the distributed cache: LRU in memory on each node, keys spread by consistent "
        "hashing; the main job"
    )
    cache.cache = {
        "justification": "the results are expensive to recompute and read again soon",
        "ttl": "1h",
        "invalidation": "TTL and LRU eviction; the source's updates overwrite the key",
        "hit_ratio": f"{int(CACHE_HIT * 100)}% assumed for repeated queries; measure it",
    }
    api = ctx.comp("api")
    for work in ("lookup", "store_result"):
        api.work[work] = {"lognormal": {"p50": "200us", "p99": "1ms"}}
        api.work_notes[work] = "a thin proxy: hash the key to its node, forward"
    ctx.op(
        OpSpec(
            id="lookup",
            description="GET /cache/{key}: the cached result, or a miss",
            pattern="cache_service",
            rate=lookups,
            rate_note=note,
            calls=ctx.front(
                "lookup",
                [CallSpec("cache.get", rationale="the node the key hashes to")],
            ),
            keywords=("lookup", "get", "read", "quer", "serve"),
        )
    )
    miss = 1 - CACHE_HIT
    ctx.op(
        OpSpec(
            id="store_result",
            description="PUT /cache/{key}: the caller computed a missed result and stores it",
            pattern="cache_service",
            rate=lookups * miss,
            rate_note=f"one per miss: {int(miss * 100)}% of lookups (assumed hit ratio)",
            reads=False,
            idempotency_key="the key: a repeated set overwrites",
            calls=ctx.front("store_result", [CallSpec("cache.set", write=True)]),
            keywords=("set", "store", "write"),
        )
    )
    ctx.ledger.assume_entry(
        "cache-hit-ratio",
        f"{int(CACHE_HIT * 100)}% of lookups hit",
        "assumed: repeated queries; the caller computes a miss from its source and stores it",
    )
    _stock(ctx, "result", size, True, memory=True)
    ctx.primary_read = ctx.primary_read or "lookup"
    ctx.decide(
        "cache-eviction",
        "LRU with a TTL and a memory budget",
        "each node evicts its least recently used keys when full (allkeys-lru); a TTL bounds "
        "staleness",
        Principle.CA,
        f"{per_s(float(at_peak(lookups, ctx.load.peak_factor)))} lookups at peak; recent "
        "results are "
        "the ones asked again",
        "cache",
    )
    ctx.handled.add("expiry")
    ctx.use_cases += ["Serve repeated queries from memory"]
    ctx.ledger.ask("How stale may a cached result be (the TTL), and who invalidates it?")
    ctx.ledger.ask("What memory budget per node, and how many distinct keys are hot?")


def _rates(ctx: Ctx, noun: str) -> tuple[Fraction, Fraction, str, str]:
    load = ctx.load
    read = stated_rate(ctx, frozenset({"read", "get", "lookup"}))
    write = stated_rate(ctx, frozenset({"write", "set", "put", "update"}))
    if read is not None and write is not None and read.per_second and write.per_second:
        return (
            _average(ctx, read.per_second, read.peak),
            _average(ctx, write.per_second, write.peak),
            f'from the task: "{read.describe()}"',
            f'from the task: "{write.describe()}"',
        )
    if ctx.load.extracted.all("rate"):
        return load.reads, load.writes, "the main read load", "the main write load"
    sessions = stated_count(ctx, frozenset({noun, "key", "session"}))
    if sessions is not None:
        live = sessions.value
        reads, writes = live / 60, live / 600
        for aid, what, value, rule in (
            ("kv-reads", "reads", reads, "each live session used once a minute"),
            ("kv-writes", "writes", writes, "each live session refreshed every 10 minutes"),
        ):
            ctx.ledger.assumed(f"{noun} {what}", per_s(float(value)), rule, aid)
        return (
            reads,
            writes,
            "each live session used once a minute (assumed)",
            ("each live session refreshed every 10 minutes (assumed)"),
        )
    return load.reads, load.writes, "the main read load", "the main write load"


def _average(ctx: Ctx, rate: Fraction, peak: bool) -> Fraction:
    return rate / ctx.load.peak_factor if peak else rate


def _stock(
    ctx: Ctx,
    noun: str,
    size: Fraction,
    ephemeral: bool,
    *,
    memory: bool = False,
    entity: EntitySpec | None = None,
) -> None:
    """The standing volume: stated storage, or a stated count of keys × value size."""
    stored = ctx.load.storage or stated_size(ctx, at_least=10**9)
    how = f"the task's {Size(stored)}" if stored is not None else ""
    if stored is None:
        count = stated_count(ctx, frozenset({noun, "key", "session", "entry", "product"}))
        if count is None:
            return
        stored = count.value * size
        how = f"{count.describe()} × {Size(size)}"
    ctx.stock = (how, stored)
    if entity is not None and size:
        # the keys that volume holds, so the storage table sizes the same volume
        entity.rows = Fraction(round(stored / size))
    per_node = NODE_MEMORY if (ephemeral or memory) else NODE_DISK
    nodes = max(1, math.ceil(stored / per_node))
    where = "memory" if (ephemeral or memory) else "disk"
    holder = ctx.comps["store" if "store" in ctx.comps else "cache"]
    if nodes > 1:
        holder.replicas = max(nodes, holder.replicas or 0)
    ctx.decide(
        "kv-volume",
        "Data volume",
        f"at least {nodes} node(s) by {where} (the request rate may need more)",
        Principle.DB,
        f"{how} = {Size(rounded(float(stored)))} against about "
        f"{Size(Fraction(per_node))} of {where} per node",
        holder.id,
    )
