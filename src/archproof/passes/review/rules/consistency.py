"""DB rules on consistency under concurrency and skew: reads that must see the caller's own
writes, writes that must not lose a concurrent update, keys that one instance must serve.

DB013 a read-your-writes operation reading a lagging replica; DB014 a read-modify-write
update (lost updates); DB016 a hot key busier than the one instance holding it.
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.passes.capacity import CapacityResult, Status
from archproof.passes.review.calltree import edges, writes
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.policy import NEAR_SATURATION


@rule(code="DB013", name="read-your-writes-from-replica", severity=Severity.WARNING)
def read_your_writes_from_replica(ctx: RuleContext) -> Iterator[Hit]:
    """An operation whose users must see their own writes reads from a lagging replica.

    What it checks:
        Operations with `read_your_writes: true` that read a store with read replicas
        with `consistency: replica` or no `consistency` (which means replica there).

    Why it matters:
        Database design: distribute reads to replicas — the ones that tolerate lag.
        Asynchronous replicas are milliseconds behind normally and seconds under load; the
        page shown right after "save" or "book" then misses what the user just did, and
        they do it again. Route those reads to the primary or to a copy known to have the
        session's writes (`consistency: read_your_writes`, e.g. by LSN or a short pin).

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, read_replicas: 2, recovery: PITR backups}
        operations:
          my_bookings:
            rate: 50/s
            read_your_writes: true
            calls:
              - api.handle:
                  calls: [db.read: {timeout: 100ms, on_failure: fail_closed}]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, read_replicas: 2, recovery: PITR backups}
        operations:
          my_bookings:
            rate: 50/s
            read_your_writes: true
            calls:
              - api.handle:
                  calls:
                    - db.read: {consistency: primary, timeout: 100ms, on_failure: fail_closed}

    Evidence:
        The operation's `read_your_writes`, the read's `consistency` and the store's
        `read_replicas`.
    """
    design = ctx.design
    for op in design.operations:
        if not op.read_your_writes:
            continue
        for edge in edges(op):
            node = edge.node
            store = design.component_map.get(node.component)
            if store is None or store.read_replicas == 0 or writes(node):
                continue
            if node.consistency in ("primary", "read_your_writes"):
                continue
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{op.id}' must show users their own writes but '{node.call}' reads "
                    f"any of {store.read_replicas} lagging replica(s)"
                ),
                span=node.span,
                fix="read from the primary (`consistency: primary`) or from a copy that has "
                "the session's writes (`consistency: read_your_writes`)",
                evidence=f"read_your_writes: true; consistency {node.consistency or 'unset'} "
                f"(replica); read_replicas {store.read_replicas}",
            )


@rule(code="DB014", name="read-modify-write-lost-update", severity=Severity.WARNING)
def read_modify_write_lost_update(ctx: RuleContext) -> Iterator[Hit]:
    """A write reads, changes in the application and writes back with nothing guarding it.

    What it checks:
        Write calls with `update: read_modify_write`.

    Why it matters:
        Database design: push the invariant into the database. Two requests that read the
        same balance (or seat, or trip) both compute from the old value and both write:
        one update is lost — money appears or vanishes, two drivers get one ride. One
        atomic statement (`SET balance = balance - :x WHERE balance >= :x`), a version
        column (compare-and-set), `SELECT … FOR UPDATE` or serializable isolation makes
        concurrent updates see each other.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          transfer:
            rate: 20/s
            calls:
              - api.handle:
                  calls:
                    - db.update: {update: read_modify_write, timeout: 200ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          transfer:
            rate: 20/s
            calls:
              - api.handle:
                  calls:
                    - db.update: {update: conditional, timeout: 200ms}

    Evidence:
        The call's `update`.
    """
    for op in ctx.design.operations:
        for edge in edges(op):
            node = edge.node
            if node.update != "read_modify_write":
                continue
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{node.call}' in '{op.id}' reads, changes in the application and "
                    "writes back unguarded: two concurrent requests lose one update"
                ),
                span=node.span,
                fix="make it one atomic statement (`update: atomic`), a compare-and-set on a "
                "version (`conditional`), a row lock (`locked`) or `serializable`",
                evidence="update: read_modify_write",
            )


@rule(
    code="DB016",
    name="hot-key-exceeds-one-instance",
    severity=Severity.WARNING,
    needs=("capacity",),
)
def hot_key_exceeds_one_instance(ctx: RuleContext) -> Iterator[Hit]:
    """The busiest key alone keeps the one instance holding it near or above saturation.

    What it checks:
        Every hot key the capacity pass places (an entity's or access pattern's
        `hot_key_share` × its peak traffic, on the one shard or node that holds the key,
        plus that shard's read replicas when the reads may use them) whose utilization
        from that key alone is at least 85%. An entity's own share also applies to its
        writes: they reach the one primary holding the key, and writes that guard it
        (`update: conditional`, `locked`, `serializable`, `atomic`) run one at a time.

    Why it matters:
        Database design: sharding spreads keys, not the traffic of one key. A celebrity, a
        flash-sale item or one huge document lands on one instance however many there
        are; adding shards does not help it, and every other key on that shard suffers.
        Split the key (sub-keys, write sharding with a merge), cache or replicate it
        for reads, or batch its writes.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 8}
          db: {kind: database, tech: postgresql, replicas: 4, concurrency: 8, recovery: PITR}
        operations:
          apply_op:
            rate: 5k/s
            calls:
              - api.handle:
                  calls: [db.write: {time: 5ms, timeout: 200ms}]
        entities:
          Op:
            stored_in: db
            key: id
            fields: {id: uuid, doc_id: uuid}
            hot_key_share: 30%

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 8}
          db: {kind: database, tech: postgresql, replicas: 4, concurrency: 8, recovery: PITR}
        operations:
          apply_op:
            rate: 5k/s
            calls:
              - api.handle:
                  calls: [db.write: {time: 5ms, timeout: 200ms}]
        entities:
          Op:
            stored_in: db
            key: id
            fields: {id: uuid, doc_id: uuid}
            hot_key_share: 1%

    Evidence:
        The capacity pass's hot-key figures: the key's peak rate and the utilization of
        the copies that serve it.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    for hot in capacity.hot_keys:
        rho = hot.utilization.value
        saturated = hot.status == Status.SATURATED
        if not saturated and (rho is None or rho < NEAR_SATURATION):
            continue
        entity = ctx.design.entity_map.get(hot.entity)
        if entity is None:
            continue
        where = f"access pattern '{hot.pattern}' of " if hot.pattern else ""
        rate = hot.rate.value
        load = "more than it can serve" if saturated else f"{rho:.0%} of it"
        traffic = "writes" if hot.writes else "traffic"
        lands = "one primary" if hot.writes else "one instance"
        yield Hit(
            element=ElementRef.entity(hot.entity),
            message=(
                f"the busiest key of {where}'{hot.entity}' ({hot.share:.0%} of its {traffic}"
                + (f", {rate:,.0f}/s at peak" if rate is not None else "")
                + f") lands on {lands} of '{hot.component}' and takes {load}"
            ),
            span=entity.span,
            fix=(
                "split the hot key (sub-keys or write sharding with a merge), batch its "
                "writes (one write for many changes), or drop the per-key lock or version "
                "check where order does not matter; more shards and read replicas do not "
                "help one key's writes"
                if hot.writes
                else "split the hot key (sub-keys or write sharding), cache or replicate it "
                "for reads, or batch its writes; more shards do not help one key"
            ),
            evidence=f"{hot.rate.formula}; utilization {hot.utilization.formula}",
        )
