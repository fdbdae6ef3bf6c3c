"""CA rules: strategic caching.

Cache sparingly and only with a reason; the cache is never the source of truth; every
cached entry has a way to expire or be invalidated; large caches live on persistent
storage.
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import CallNode, Component, Design
from archproof.model.traits import kinds_where, traits
from archproof.passes.capacity import CapacityResult
from archproof.passes.review.calltree import execution_paths
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.policy import PREMATURE_CACHE_BELOW

# Above this, an in-memory cache is a memory-sized node of its own and a cold restart
# refills it from the database for a long time: keep it on persistent storage.
LARGE_CACHE_BYTES = 64 * 10**9
# Where cached data comes from when it changes.
_STORE_KINDS = kinds_where(lambda t: t.read_source)


def caches(design: Design) -> list[Component]:
    """Cache components, and other components that declare an (in-process) cache."""
    return [c for c in design.components if traits(c.kind).cache or c.cache]


def _is_cache(design: Design, component_id: str | None) -> bool:
    component = design.component_map.get(component_id or "")
    return component is not None and traits(component.kind).cache


def writes_to_cached_data(ctx: RuleContext, cache: Component) -> list[tuple[str, CallNode]]:
    """(operation, call) pairs that change the data `cache` holds.

    The data is the entities the cache lists in `state` (written where they are stored);
    with none listed, any write to a database, object store or search index counts.
    """
    design = ctx.design
    sources = {
        e.stored_in for e in design.entities if e.id in cache.state and e.stored_in is not None
    }
    listed = any(e.id in cache.state for e in design.entities)
    out: list[tuple[str, CallNode]] = []
    for op, node in ctx.all_calls():
        if not node.is_write or node.component == cache.id:
            continue
        target = design.component_map.get(node.component)
        if target is None:
            continue
        if (listed and node.component in sources) or (not listed and target.kind in _STORE_KINDS):
            out.append((op.id, node))
    return out


@rule(code="CA001", name="cache-without-justification", severity=Severity.WARNING)
def cache_without_justification(ctx: RuleContext) -> Iterator[Hit]:
    """A cache has no stated justification.

    What it checks:
        Cache components (and components with in-process `cache:` settings) without
        `cache.justification`.

    Why it matters:
        Strategic caching: cache sparingly, and not before trying to optimize. A cache
        adds a stateful component, a second copy that can be stale, invalidation code,
        and a cold-start failure mode (an empty cache sends all traffic to the store at
        once). It earns that with a measured reason: the store cannot serve the read rate
        at the latency needed even with indexes and replicas.

    Example:
        # a cache added "for speed", with no measurement behind it
        components:
          cache: {kind: cache, tech: redis, cache: {ttl: 5m}}

    Use instead:
        # the need is measured and written down
        components:
          cache:
            kind: cache
            tech: redis
            cache:
              ttl: 5m
              justification: 40k product reads/s at peak; 2 PostgreSQL replicas top out at 15k/s

    Evidence:
        The absence of `cache.justification` on the component.
    """
    for c in caches(ctx.design):
        if c.cache is not None and c.cache.justification:
            continue
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"cache '{c.id}' states no justification",
            span=c.span,
            fix="add `cache.justification` with the measured need (read rate, latency the "
            "store cannot meet), or remove the cache and index or replicate the store",
            evidence="no cache.justification",
        )


def refill(ctx: RuleContext, cache_id: str) -> tuple[str, CallNode] | None:
    """An (operation, store read) that rebuilds `cache_id`: a read of a store followed,
    on the same execution path, by a write to the cache. None if no operation does."""
    design = ctx.design
    for op in design.operations:
        for path in execution_paths(op.calls):
            source: CallNode | None = None
            for node in path:
                target = design.component_map.get(node.component)
                if target is None:
                    continue
                if target.kind in _STORE_KINDS and not node.is_write:
                    source = source or node
                elif node.component == cache_id and node.is_write and source is not None:
                    return op.id, source
    return None


@rule(code="CA002", name="cache-as-source-of-truth", severity=Severity.WARNING)
def cache_as_source_of_truth(ctx: RuleContext) -> Iterator[Hit]:
    """An entity's only home is a cache that nothing rebuilds from a store.

    What it checks:
        Entities whose `stored_in` is a cache component, or that have no `stored_in` and
        are held (in `state`) only by caches — unless some operation refills that cache
        from a store (reads a database, object store or search index, then writes the
        cache on the same path), which makes the entity derived data.

    Why it matters:
        Strategic caching: a cache holds copies. It evicts under memory pressure, loses
        what it has not persisted on a crash, and is usually run without backups; data
        whose only copy is there disappears. Either the cache is rebuilt from the source
        of truth on a miss, or the data really lives there — then say so: make it a
        database component with persistence and recovery.

    Example:
        components:
          cache: {kind: cache, tech: redis, cache: {justification: hot carts, ttl: 1h}}
        entities:
          Cart: {stored_in: cache, key: id, fields: {id: uuid}}

    Use instead:
        components:
          cache: {kind: cache, tech: redis, cache: {justification: hot carts, ttl: 1h}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Cart: {stored_in: db, key: id, fields: {id: uuid}}

    Evidence:
        The entity's `stored_in` (or the `state` lists holding it) and the component kind.
    """
    design = ctx.design
    for entity in design.entities:
        if entity.stored_in is not None:
            if not _is_cache(design, entity.stored_in):
                continue
            where = [entity.stored_in]
        else:
            where = [c.id for c in design.components if entity.id in c.state]
            if not where or not all(_is_cache(design, w) for w in where):
                continue
        if any(refill(ctx, w) is not None for w in where):
            continue
        yield Hit(
            element=ElementRef.entity(entity.id),
            message=f"entity '{entity.id}' lives only in cache {', '.join(where)}",
            span=entity.span,
            fix=f"store '{entity.id}' in a database and refill the cache from it on a miss, "
            "or declare the component a database with persistence and `recovery:`",
            evidence=f"held by: {', '.join(where)} (kind cache); no operation reads a store "
            "and then writes it back into the cache",
        )


@rule(code="CA003", name="cache-without-expiry-or-invalidation", severity=Severity.WARNING)
def cache_without_expiry_or_invalidation(ctx: RuleContext) -> Iterator[Hit]:
    """A cache of data that is written has neither a TTL nor an invalidation path.

    What it checks:
        Caches with no `cache.ttl` and no `cache.invalidation`, when some operation writes
        the data they cache: the entities listed in the cache's `state` (writes to where
        they are stored), or any store if the cache lists none. A cache that nothing
        refills from a store and that operations write straight into (live data such as
        positions or presence) needs a TTL whatever its invalidation: an overwrite never
        comes for an entry whose writer went away.

    Why it matters:
        Strategic caching: a cached copy goes stale the moment the source changes. With no
        expiry and no invalidation, readers see the old value until the entry happens to
        be evicted — possibly forever for a hot key.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: 30k reads/s at peak}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          rename:
            rate: 5/s
            calls:
              - api.handle:
                  calls:
                    - db.update: {timeout: 200ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          cache:
            kind: cache
            tech: redis
            cache:
              justification: 30k reads/s at peak
              ttl: 10m
              invalidation: delete the key after the update commits
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          rename:
            rate: 5/s
            calls:
              - api.handle:
                  calls:
                    - db.update: {timeout: 200ms}
                    - cache.delete: {timeout: 20ms, on_failure: fail_open}

    Evidence:
        The missing `cache.ttl` and `cache.invalidation`, and the write calls that change
        the cached data.
    """
    for c in caches(ctx.design):
        if c.cache is not None and c.cache.ttl is not None:
            continue
        copies = any(
            e.id in c.state and e.stored_in not in (None, c.id) for e in ctx.design.entities
        )
        live = traits(c.kind).cache and not copies and refill(ctx, c.id) is None
        if c.cache is not None and c.cache.invalidation and not live:
            continue
        # live data written straight into the cache (positions, presence): with no TTL an
        # entry whose writer went away stays forever, whatever invalidates or overwrites it
        direct = [(op.id, n) for op, n in ctx.all_calls() if n.component == c.id and n.is_write]
        writes = direct if live and direct else writes_to_cached_data(ctx, c)
        if not writes:
            continue
        shown = ", ".join(f"{op}: {node.call}" for op, node in writes[:3])
        more = f" and {len(writes) - 3} more" if len(writes) > 3 else ""
        said = "an invalidation" if c.cache is not None and c.cache.invalidation else "none"
        yield Hit(
            element=ElementRef.component(c.id),
            message=(
                f"cache '{c.id}' has no TTL and its entries are written straight into it "
                f"({shown}{more}), with {said}: an entry whose writer went away (a crashed "
                "client or node) is never removed"
                if live and direct
                else f"cache '{c.id}' has no TTL and no invalidation, but its data is written "
                f"({shown}{more})"
            ),
            span=c.span,
            fix="set `cache.ttl` to the staleness readers can tolerate, and/or delete the "
            "key after each write (`cache.invalidation`)",
            evidence=f"no cache.ttl; cache.invalidation: {said}; writes: {shown}{more}",
        )


@rule(code="CA004", name="large-cache-in-memory", severity=Severity.WARNING)
def large_cache_in_memory(ctx: RuleContext) -> Iterator[Hit]:
    """A large cache is kept in memory only.

    What it checks:
        Caches whose `cache.size` exceeds 64 GB and that are not `persistent`.

    Why it matters:
        Strategic caching: use persistent storage for large caches. A data set larger
        than a commodity node's memory needs a cluster of memory nodes, and after a
        restart or failover it starts empty: refilling tens of gigabytes sends the full
        read load to the database for minutes to hours. A disk-backed cache (or a read
        replica / key-value store on SSD) survives restarts at a fraction of the cost.

    Example:
        # 500 GB of feeds in RAM, empty after every restart
        components:
          cache:
            kind: cache
            tech: redis
            cache: {justification: feed fan-out, ttl: 1d, size: 500GB}

    Use instead:
        # the same data set on a disk-backed cache that survives restarts
        components:
          cache:
            kind: cache
            tech: redis
            cache: {justification: feed fan-out, ttl: 1d, size: 500GB, persistent: true}

    Evidence:
        The declared `cache.size` against 64 GB (the memory of a commodity node) and
        `cache.persistent`.
    """
    for c in caches(ctx.design):
        settings = c.cache
        if settings is None or settings.size is None or settings.persistent:
            continue
        if settings.size.bytes <= LARGE_CACHE_BYTES:
            continue
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"cache '{c.id}' holds {settings.size} in memory only",
            span=settings.span or c.span,
            fix="put it on persistent storage (`persistent: true`, disk-backed), or cache "
            "only the hot subset",
            evidence=f"cache.size {settings.size} > 64GB; persistent: false",
        )


@rule(code="CA005", name="cache-never-read", severity=Severity.WARNING)
def cache_never_read(ctx: RuleContext) -> Iterator[Hit]:
    """A cache component is never read by any operation.

    What it checks:
        In designs with operations, cache components that no call reads (every call on
        them, if any, is a write such as set or delete).

    Why it matters:
        Strategic caching: cache sparingly. A cache nobody reads from saves nothing and
        still costs a stateful component, memory, and writes on every update. Either the
        read path is missing from the model or the cache is not needed.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: hot products, ttl: 5m}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          product:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 100ms}
                    - cache.set: {timeout: 20ms, on_failure: fail_open}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: hot products, ttl: 5m}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          product:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - one_of:
                        - {p: 90%, calls: [cache.get]}
                        - p: 10%
                          calls:
                            - cache.get
                            - db.read: {timeout: 100ms}
                            - cache.set: {timeout: 20ms, on_failure: fail_open}

    Evidence:
        Every call on the cache across all operations (none of them a read).
    """
    design = ctx.design
    if not design.operations:
        return
    reads = {n.component for _, n in ctx.all_calls() if not n.is_write}
    for c in design.components:
        if not traits(c.kind).cache or c.id in reads:
            continue
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"no operation reads from cache '{c.id}'",
            span=c.span,
            fix="add the read (cache.get with a miss branch) to the operations it serves, "
            "or remove the cache",
            evidence=f"{len(design.operations)} operations, no read call on '{c.id}'",
        )


@rule(code="CA006", name="in-process-cache-on-replicated-service", severity=Severity.WARNING)
def in_process_cache_on_replicated_service(ctx: RuleContext) -> Iterator[Hit]:
    """A service with several replicas keeps its own in-process cache of data that changes.

    What it checks:
        Components other than caches that declare `cache:` settings, have more than one
        replica, and whose cached data is written by some operation — unless the cache is
        `write_policy: ttl_only` and says in `invalidation` why expiry is enough (nothing
        is invalidated, so nothing reaches only one replica).

    Why it matters:
        Strategic caching and minimize state: each replica holds its own copy, so an
        invalidation on write reaches only the replica that handled the write; the others
        serve the old value until their TTL runs out, and two requests from one user can
        see different data. A shared cache (or none) keeps one copy to invalidate.

    Example:
        components:
          api:
            kind: service
            tech: stateless-service
            replicas: 4
            cache: {justification: config lookups, invalidation: clear on update}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          update_config:
            rate: 1/s
            calls:
              - api.handle:
                  calls:
                    - db.update: {timeout: 200ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          cache:
            kind: cache
            tech: redis
            cache: {justification: config lookups, invalidation: delete key on update}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          update_config:
            rate: 1/s
            calls:
              - api.handle:
                  calls:
                    - db.update: {timeout: 200ms}
                    - cache.delete: {timeout: 20ms}

    Evidence:
        The component's resolved replica count, its `cache:` settings and the writes to
        the data it caches.
    """
    for c in caches(ctx.design):
        if traits(c.kind).cache:
            continue
        settings = c.cache
        if settings is not None and settings.write_policy == "ttl_only" and settings.invalidation:
            continue  # no invalidation to miss: staleness up to the TTL is stated and agreed
        replicas = ctx.resolved[c.id].replicas
        writes = writes_to_cached_data(ctx, c)
        if replicas <= 1 or not writes:
            continue
        op, node = writes[0]
        yield Hit(
            element=ElementRef.component(c.id),
            message=(
                f"'{c.id}' caches in process on {replicas} replicas; a write ({op}: "
                f"{node.call}) invalidates at most one of them"
            ),
            span=c.span,
            fix="use one shared cache component, or keep the in-process cache only for "
            "data that never changes while the process runs",
            evidence=f"replicas: {replicas}; cache settings on a {c.kind.value}",
        )


# A store that would stay below this utilization without the cache does not need it.
PREMATURE_BELOW = PREMATURE_CACHE_BELOW


def _without_cache(capacity: CapacityResult, cache_id: str) -> dict[tuple[str, str], float]:
    """(store, pool) → the pool's utilization if `cache_id` were removed.

    The capacity pass reports one `CacheHeadroom` per operation; the load each one adds
    back is summed on top of the store's current utilization.
    """
    base: dict[tuple[str, str], float] = {}
    added: dict[tuple[str, str], float] = {}
    for h in capacity.caches:
        now, without = h.store_utilization.value, h.store_utilization_without_cache.value
        if h.cache != cache_id or now is None or without is None:
            continue
        key = (h.store, h.store_pool)
        base[key] = now
        added[key] = added.get(key, 0.0) + (without - now)
    return {key: base[key] + added[key] for key in base}


@rule(code="CA007", name="premature-cache", severity=Severity.WARNING, needs=("capacity",))
def premature_cache(ctx: RuleContext) -> Iterator[Hit]:
    """The store behind a cache would be far from busy without it.

    What it checks:
        For each cache in front of a store (a `one_of` whose hit branch only reads the
        cache and whose miss branch reads the store), the store's utilization at peak if
        the hits went to it instead — from the capacity pass. The rule fires when every
        pool of the store would stay below 50%.

    Why it matters:
        Strategic caching: cache sparingly, and not before trying to optimize. If the
        store can serve the full read load with room to spare, the cache buys little and
        costs a stateful component, stale reads, invalidation code and a cold-start
        stampede. Keep it only for a reason the numbers here do not show (a latency SLO
        the store cannot meet) — and accept this finding saying so.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: feels faster, ttl: 5m}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          product:
            rate: 50/s
            calls:
              - api.handle:
                  calls:
                    - one_of:
                        - {p: 90%, calls: [cache.get]}
                        - {p: 10%, calls: [cache.get, db.read, cache.set]}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          product:
            rate: 50/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 100ms}

    Evidence:
        The capacity pass's store utilization with and without the cache
        (ρ_without = ρ_store + λ_hit × E[H] / servers), at the design's peak load.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    for c in ctx.design.components:
        if not traits(c.kind).cache:
            continue
        without = _without_cache(capacity, c.id)
        if not without or max(without.values()) >= PREMATURE_BELOW:
            continue
        (store, _pool), rho = max(without.items(), key=lambda item: item[1])
        shown = ", ".join(f"{s} ({p}) {u:.1%}" for (s, p), u in sorted(without.items()))
        yield Hit(
            element=ElementRef.component(c.id),
            message=(
                f"without cache '{c.id}', '{store}' would run at only {rho:.1%} "
                "utilization at peak: the cache looks premature"
            ),
            span=c.span,
            fix=f"drop the cache and read '{store}' directly (index, replicas first); keep it "
            "only for a latency need, and accept this finding with the measured figure",
            evidence=f"store utilization without the cache: {shown} (< {PREMATURE_BELOW:.0%})",
        )
