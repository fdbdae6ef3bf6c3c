"""ST rules on how many stateful systems a design runs, and which state lives where.

ST006 a second database for one low-rate feature; ST007 data of record kept only in a
component run as a cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from archproof.model.objectives import user_facing
from archproof.model.traits import traits
from archproof.passes.review.calltree import edges
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.caching import refill
from archproof.passes.review.rules.failure import peak_rate, per_second
from archproof.policy import SMALL_FEATURE_RATE

# Stores that hold "one more table" for a small feature without a second thought.
_GENERAL_PURPOSE = frozenset({"postgresql", "mysql"})


@rule(code="ST006", name="second-database-for-small-feature", severity=Severity.WARNING)
def second_database_for_small_feature(ctx: RuleContext) -> Iterator[Hit]:
    """A design runs another database for a feature that makes a few calls a second.

    What it checks:
        Designs with two or more databases (queried stores of record): a database that
        user-facing operations call at less than `policy.SMALL_FEATURE_RATE` (50/s) at
        peak in all (and no background job uses), while the design's busiest database is
        a general-purpose SQL store (PostgreSQL, MySQL) that could hold its tables.

    Why it matters:
        Minimize stateful components: every database is one more system to provision,
        patch, back up, monitor, fail over and be paged for — and a second home for data
        that no transaction spans. A feature at a few requests a second fits in a table
        of the database the design already runs.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          prefs_db: {kind: database, tech: mysql, recovery: nightly dump}
        operations:
          pay:
            rate: 200/s
            calls:
              - api.handle:
                  calls: [db.write: {timeout: 200ms}]
          set_prefs:
            rate: 3/s
            calls:
              - api.handle:
                  calls: [prefs_db.write: {timeout: 200ms}]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          pay:
            rate: 200/s
            calls:
              - api.handle:
                  calls: [db.write: {timeout: 200ms}]
          set_prefs:
            rate: 3/s
            calls:
              - api.handle:
                  calls: [db.write: {timeout: 200ms}]

    Evidence:
        Peak calls per second into each database from user-facing operations.
    """
    design = ctx.design
    databases = [
        c.id for c in design.components if traits(c.kind).store_of_record and traits(c.kind).queried
    ]
    if len(databases) < 2:
        return
    load: dict[str, Fraction] = {d: Fraction(0) for d in databases}
    users: dict[str, set[str]] = {d: set() for d in databases}
    background: set[str] = set()
    for op in design.operations:
        rate = peak_rate(design, op)
        for edge in edges(op):
            target = edge.node.component
            if target not in load:
                continue
            if not user_facing(op):
                background.add(target)
                continue
            users[target].add(op.id)
            if rate is not None:
                load[target] += rate * edge.per_op
    busiest = max(load.values())
    main = max(databases, key=lambda d: load[d])
    if design.component_map[main].tech not in _GENERAL_PURPOSE:
        return  # the busy store is specialised (counters, wide rows): a table there is no home
    for db in databases:
        if not users[db] or db in background or load[db] >= SMALL_FEATURE_RATE:
            continue
        if load[db] >= busiest:
            continue
        ops = ", ".join(sorted(users[db]))
        yield Hit(
            element=ElementRef.component(db),
            message=f"database '{db}' serves only {ops} at {per_second(load[db])} at peak: "
            "one more stateful system to run for a feature the main database holds easily",
            span=design.component_map[db].span,
            fix="keep the feature's tables in the database the design already runs",
            evidence=f"peak calls into '{db}' {per_second(load[db])} < "
            f"{per_second(SMALL_FEATURE_RATE)}; busiest database {per_second(busiest)}",
        )


@rule(code="ST007", name="data-of-record-in-a-cache", severity=Severity.WARNING)
def data_of_record_in_a_cache(ctx: RuleContext) -> Iterator[Hit]:
    """An entity lives only in a component that behaves as a cache of other data.

    What it checks:
        Entities whose `stored_in` is a cache component that some operation refills from
        a store (it is run as a cache: entries evicted under memory pressure, rebuilt on
        misses) — unless the entity holds nothing but references to other entities (a
        feed of post ids, an index), which can be rebuilt from what they point at.

    Why it matters:
        Minimize stateful components, and know which state is which: a cache is allowed
        to forget. Carts, drafts or sessions kept only there vanish on an eviction, a
        failover or a flush meant for the cached copies beside them. Data of record goes to
        the store of record (a table is cheap), or to a component run as a database, with
        persistence and `recovery:`.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          cache:
            kind: cache
            tech: redis
            state: [Cart]
            cache: {justification: hot products, ttl: 10m}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          view_product:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - cache.get: {timeout: 20ms, on_failure: fail_open}
                    - one_of:
                        - {p: 5%, calls: [db.read: {timeout: 100ms}, cache.set]}
        entities:
          Cart: {stored_in: cache, key: customer_id, fields: {customer_id: uuid, items: json}}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis, cache: {justification: hot products, ttl: 10m}}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          view_product:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - cache.get: {timeout: 20ms, on_failure: fail_open}
                    - one_of:
                        - {p: 5%, calls: [db.read: {timeout: 100ms}, cache.set]}
        entities:
          Cart: {stored_in: db, key: customer_id, fields: {customer_id: uuid, items: json}}

    Evidence:
        The entity's `stored_in`, the component's kind, and the operation that refills it
        from a store.
    """
    design = ctx.design
    for entity in design.entities:
        home = design.component_map.get(entity.stored_in or "")
        if home is None or not traits(home.kind).cache:
            continue
        source = refill(ctx, home.id)
        if source is None:
            continue  # nothing treats it as a copy: CA002 judges a cache as a store
        if entity.fields and all(f.type == "ref" for f in entity.fields.values()):
            continue  # only references (a feed of post ids): rebuilt from what they point at
        op, read = source
        yield Hit(
            element=ElementRef.entity(entity.id),
            message=f"'{entity.id}' lives only in '{home.id}', which is run as a cache "
            f"('{op}' refills it from {read.call}): an eviction or failover loses it",
            span=entity.span,
            fix=f"store '{entity.id}' in the store of record (and cache it if needed), or "
            "run the component as a database with persistence and `recovery:`",
            evidence=f"stored_in {home.id} ({home.kind.value}); refilled by {op} from {read.call}",
        )
