"""CA rules on how a cache meets writes and failures: invalidated, not just left to expire;
never a hard dependency; no stampede when hot entries expire; no racy update order.

CA008 a long TTL on written data with no invalidation; CA009 a cache read that fails
closed; CA010 a busy cache with neither coalescing nor TTL jitter; CA011 a write policy
that races with readers; CA012 a cache that rarely hits.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from archproof.model import CallItem, CallNode, Component, OneOf, Parallel
from archproof.model.traits import traits
from archproof.numbers import sig
from archproof.passes.review.calltree import edges, writes
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.caching import caches, refill, writes_to_cached_data
from archproof.passes.review.rules.failure import peak_rate, per_second
from archproof.policy import LONG_CACHE_TTL, MIN_HIT_RATIO, STAMPEDE_READ_RATE


def _invalidated(cache: Component) -> bool:
    settings = cache.cache
    if settings is None:
        return False
    if settings.write_policy is not None:
        return settings.write_policy != "ttl_only"
    return bool(settings.invalidation)


@rule(code="CA008", name="long-ttl-on-written-data", severity=Severity.WARNING)
def long_ttl_on_written_data(ctx: RuleContext) -> Iterator[Hit]:
    """A cache keeps written data for hours with nothing to invalidate it.

    What it checks:
        Caches whose `cache.ttl` is longer than `policy.LONG_CACHE_TTL` (1 h), whose data
        some operation writes, with `write_policy: ttl_only` or no write policy and no
        `invalidation`.

    Why it matters:
        Strategic caching: a cached copy is stale from the moment its source changes. With
        only a long TTL, a price change, a renamed product or a revoked permission is
        served for up to a day after the write — users see their own edits vanish. Delete
        (or update) the entry when the data is written, and keep the TTL as a safety net.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: 30k reads/s, ttl: 24h}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          rename:
            rate: 5/s
            calls:
              - api.handle:
                  calls: [db.update: {timeout: 200ms}]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          cache:
            kind: cache
            tech: redis
            cache:
              justification: 30k reads/s
              ttl: 24h
              write_policy: invalidate_after_write
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
        The cache's TTL and write policy, and the writes that change its data.
    """
    for c in caches(ctx.design):
        settings = c.cache
        if settings is None or settings.ttl is None or _invalidated(c):
            continue
        if settings.ttl.seconds <= LONG_CACHE_TTL:
            continue
        changed = writes_to_cached_data(ctx, c)
        if not changed:
            continue
        shown = ", ".join(f"{op}: {node.call}" for op, node in changed[:3])
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"cache '{c.id}' keeps entries for {settings.ttl} and nothing invalidates "
            f"them, but their data is written ({shown}): readers see stale data for hours",
            span=settings.span or c.span,
            fix="delete the entry after each write (`write_policy: invalidate_after_write`) "
            "or update it in the write path (`write_through`); keep the TTL as a backstop",
            evidence=f"ttl {settings.ttl} > {sig(float(LONG_CACHE_TTL), 6)} s; write_policy "
            f"{settings.write_policy or 'unset'}; no invalidation",
        )


def _holds_copies(ctx: RuleContext, cache: Component) -> bool:
    """The cache holds copies of a store's data: an operation refills it from a store, or
    the entities it lists live elsewhere. A cache that is where its data lives (positions,
    sessions) is a store; failing closed on it is CA002's and ST's business."""
    if any(e.stored_in == cache.id for e in ctx.design.entities):
        return False
    if refill(ctx, cache.id) is not None:
        return True
    return any(e.id in cache.state and e.stored_in for e in ctx.design.entities)


@rule(code="CA009", name="cache-read-fails-closed", severity=Severity.WARNING)
def cache_read_fails_closed(ctx: RuleContext) -> Iterator[Hit]:
    """A request fails when its cache read fails: the cache became a hard dependency.

    What it checks:
        Reads of a cache component (calls that do not write) with `on_failure:
        fail_closed`, when the cache holds copies of a store's data (an operation refills
        it from a store, or the entities it lists in `state` are stored elsewhere).

    Why it matters:
        Strategic caching: a cache is an optimisation; the source of truth can answer
        without it. Failing closed on a cache read turns a cache restart, an eviction
        storm or a network blip into an outage of everything behind it — availability
        becomes the cache's. Fail open: treat an error like a miss and read the store
        (with a breaker so a dead cache costs nothing).

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: 20k reads/s, ttl: 5m}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          get_item:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - cache.get: {timeout: 20ms, on_failure: fail_closed}
                    - one_of:
                        - {p: 10%, label: miss, calls: [db.read: {timeout: 100ms}, cache.set]}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: 20k reads/s, ttl: 5m}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          get_item:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - cache.get:
                        timeout: 20ms
                        breaker: true
                        on_failure: fail_open
                        fallback: read the database
                    - one_of:
                        - {p: 10%, label: miss, calls: [db.read: {timeout: 100ms}, cache.set]}

    Evidence:
        The read call's `on_failure` and the cache's kind.
    """
    design = ctx.design
    for op in design.operations:
        for edge in edges(op):
            node = edge.node
            target = design.component_map.get(node.component)
            if target is None or not traits(target.kind).cache or writes(node):
                continue
            if node.on_failure != "fail_closed" or not _holds_copies(ctx, target):
                continue
            yield Hit(
                element=ElementRef.operation(op.id),
                message=f"'{op.id}' fails when its read '{node.call}' fails: cache "
                f"'{node.component}' is a hard dependency, not an optimisation",
                span=node.span,
                fix="fail open on the cache read (treat an error as a miss and read the "
                "store), with a breaker so a dead cache costs nothing",
                evidence=f"{node.call}: read, on_failure fail_closed",
            )


def _read_rate(ctx: RuleContext, cache: Component) -> Fraction:
    total = Fraction(0)
    for op in ctx.design.operations:
        rate = peak_rate(ctx.design, op)
        if rate is None:
            continue
        for edge in edges(op):
            if edge.node.component == cache.id and not writes(edge.node):
                total += rate * edge.per_op
    return total


@rule(code="CA010", name="cache-stampede-unguarded", severity=Severity.WARNING)
def cache_stampede_unguarded(ctx: RuleContext) -> Iterator[Hit]:
    """A busy cache's entries expire with neither miss coalescing nor TTL jitter.

    What it checks:
        Cache components with a `cache.ttl` of at most `policy.LONG_CACHE_TTL` (1 h: entries
        expire often), read at `policy.STAMPEDE_READ_RATE` (1,000/s) or more at peak, with
        `coalescing` false and no `ttl_jitter`.

    Why it matters:
        Strategic caching: when a hot entry expires, every request that misses it at
        that moment goes to the store at once (a stampede, the thundering herd); entries
        written together (a warm-up, a deploy) also expire together. The store behind the
        cache is sized for the misses, not for the herd. Coalesce misses (one request
        refills, the others wait for it: single-flight, request collapsing) and add jitter
        to TTLs.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          cache: {kind: cache, tech: redis, cache: {justification: 5k reads/s, ttl: 1m}}
        operations:
          get_item:
            rate: 5k/s
            calls:
              - api.handle:
                  calls: [cache.get: {timeout: 20ms, on_failure: fail_open}]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          cache:
            kind: cache
            tech: redis
            cache: {justification: 5k reads/s, ttl: 1m, coalescing: true, ttl_jitter: 10%}
        operations:
          get_item:
            rate: 5k/s
            calls:
              - api.handle:
                  calls: [cache.get: {timeout: 20ms, on_failure: fail_open}]

    Evidence:
        The cache's peak read rate (Σ operation peak rate × reads per request), its TTL,
        `coalescing` and `ttl_jitter`.
    """
    for c in ctx.design.components:
        settings = c.cache
        if not traits(c.kind).cache or settings is None or settings.ttl is None:
            continue
        if settings.coalescing or settings.ttl_jitter is not None:
            continue
        if settings.ttl.seconds > LONG_CACHE_TTL:
            continue  # entries that live for days do not expire in herds every hour
        reads = _read_rate(ctx, c)
        if reads < STAMPEDE_READ_RATE:
            continue
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"cache '{c.id}' serves {per_second(reads)} at peak and its entries "
            f"expire ({settings.ttl}) with no miss coalescing and no TTL jitter: a hot "
            "key's expiry sends every concurrent miss to the store",
            span=settings.span or c.span,
            fix="set `coalescing: true` (single-flight refill) and `ttl_jitter:` (e.g. 10%)",
            evidence=f"peak reads {per_second(reads)} ≥ {per_second(STAMPEDE_READ_RATE)}; "
            "coalescing false; ttl_jitter unset",
        )


@rule(code="CA011", name="racy-cache-write-policy", severity=Severity.WARNING)
def racy_cache_write_policy(ctx: RuleContext) -> Iterator[Hit]:
    """The cache is invalidated before the write, or updated after it: both race readers.

    What it checks:
        Caches with `write_policy: invalidate_before_write` or `update_after_write`.

    Why it matters:
        Strategic caching: with invalidate-before-write, a read between the delete and the
        commit refills the cache with the old value, which then stays for a whole TTL.
        With update-after-write, two concurrent writers can set the cache in the opposite
        order of their commits. Cache-aside does it the other way: commit, then delete the
        entry (`invalidate_after_write`), so the next read refills from the new data.

    Example:
        components:
          cache:
            kind: cache
            tech: redis
            cache: {justification: 20k reads/s, ttl: 10m, write_policy: invalidate_before_write}

    Use instead:
        components:
          cache:
            kind: cache
            tech: redis
            cache: {justification: 20k reads/s, ttl: 10m, write_policy: invalidate_after_write}

    Evidence:
        The cache's `write_policy`.
    """
    for c in caches(ctx.design):
        settings = c.cache
        if settings is None:
            continue
        policy = settings.write_policy
        if policy not in ("invalidate_before_write", "update_after_write"):
            continue
        race = (
            "a read between the delete and the commit puts the old value back"
            if policy == "invalidate_before_write"
            else "concurrent writers can leave the older value in the cache"
        )
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"cache '{c.id}' uses {policy}: {race}, stale until the TTL",
            span=settings.span or c.span,
            fix="commit first, then delete the entry (`write_policy: invalidate_after_write`)",
            evidence=f"write_policy {policy}",
        )


def _hit_ratios(ctx: RuleContext, items: tuple[CallItem, ...]) -> Iterator[tuple[str, Fraction]]:
    """(cache, share of requests answered by it) for every one_of in front of a cache: the
    branches that read only that cache are its hits."""
    design = ctx.design
    for item in items:
        if isinstance(item, OneOf):
            caches_read: dict[str, Fraction] = {}
            asked: set[str] = set()
            for branch in item.one_of:
                nodes = [n for n in branch.calls if isinstance(n, CallNode)]
                targets = {n.component for n in nodes}
                for n in nodes:
                    found = design.component_map.get(n.component)
                    if found is not None and traits(found.kind).cache and not writes(n):
                        asked.add(n.component)
                if len(targets) == 1 and len(nodes) == len(branch.calls):
                    (only,) = targets
                    caches_read[only] = caches_read.get(only, Fraction(0)) + branch.p
            for cache_id in asked:
                yield cache_id, caches_read.get(cache_id, Fraction(0))
            for branch in item.one_of:
                yield from _hit_ratios(ctx, branch.calls)
        elif isinstance(item, Parallel):
            yield from _hit_ratios(ctx, item.parallel)
        else:
            yield from _hit_ratios(ctx, item.calls)


@rule(code="CA012", name="cache-rarely-hits", severity=Severity.WARNING)
def cache_rarely_hits(ctx: RuleContext) -> Iterator[Hit]:
    """A cache answers too few of the requests that ask it to be worth asking.

    What it checks:
        `one_of` branches in front of a cache (some branches read only the cache: its
        hits; the others ask it and then go elsewhere: its misses) whose hits take less
        than `policy.MIN_HIT_RATIO` (20%) of the requests.

    Why it matters:
        Strategic caching: cache sparingly, where it pays. At a 5% hit ratio, 95% of
        requests pay the cache's round trip and still do the full work; the store is
        spared almost nothing, and the cache adds a stateful component, staleness and a
        failure mode. Key the cache by what repeats (the prefix, not the user and the
        prefix), or remove it.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: 17k reads/s, ttl: 5m}}
          search: {kind: search_index, tech: opensearch, recovery: rebuilt nightly}
        operations:
          suggest:
            rate: 1k/s
            calls:
              - api.handle:
                  calls:
                    - one_of:
                        - {p: 5%, label: hit, calls: [cache.get]}
                        - {p: 95%, label: miss, calls: [cache.get, search.search, cache.set]}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: 17k reads/s, ttl: 5m}}
          search: {kind: search_index, tech: opensearch, recovery: rebuilt nightly}
        operations:
          suggest:
            rate: 1k/s
            calls:
              - api.handle:
                  calls:
                    - one_of:
                        - {p: 80%, label: hit, calls: [cache.get]}
                        - {p: 20%, label: miss, calls: [cache.get, search.search, cache.set]}

    Evidence:
        The probabilities of the branches that read only the cache.
    """
    for op in ctx.design.operations:
        seen: set[str] = set()
        for cache_id, hit in _hit_ratios(ctx, op.calls):
            if cache_id in seen or hit >= MIN_HIT_RATIO:
                continue
            seen.add(cache_id)
            yield Hit(
                element=ElementRef.operation(op.id),
                message=f"cache '{cache_id}' answers only {float(hit):.0%} of '{op.id}': "
                "the other requests pay its round trip and still do the full work",
                span=op.span,
                fix="key the cache by what repeats across requests, or remove it and serve "
                "from the store",
                evidence=f"hit branches {float(hit):.0%} < {float(MIN_HIT_RATIO):.0%}",
            )
