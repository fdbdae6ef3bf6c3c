"""Hot keys: the busiest key of an entity, its rate and the instance it lands on.

For an access pattern with a `hot_key_share` (or its entity's), the busiest key takes

    rate = share × the pattern's peak traffic

where the traffic is the pattern's own `rate` at peak, else its operation's reads of the
entity's store (peak × executions per request), else the operation's peak. An entity with a
share and no access patterns takes it of every read of its store.

Where it lands (the traits say whether a kind holds state; `resolve` settles it per
component): a stateful store partitions its data over its instances (database primaries,
cache nodes, queue partitions), so the key lives on ONE instance of its primary pool;
reads not pinned to the primary (`consistency: primary`) may also go to that shard's read
replicas, 1 + read_replicas // primaries copies in all. A stateless component serves any
key on any instance. An infinite pool (a delay station) has no per-instance limit.

    capacity = copies × concurrency / mean service time of those calls

(without such calls: the store's `read` work, from the design or its catalog entry).

Writes. An entity's own `hot_key_share` (not an access pattern's: patterns are reads) also
applies to its writes: the busiest key takes that share of every write to its store (which
may hold other entities too). Writes go to the ONE primary holding the key, whatever the
read replicas, and writes that guard the key (`update: conditional`, `locked`,
`serializable`, or `atomic` — a row lock held until commit) serialize on it: one at a time.
So two things fill up, and the busier one decides:

    ρ_lock     = key rate of guarded writes × their mean service time
    ρ_instance = key rate of all writes × their mean service time / concurrency
    capacity   = key write rate / max(ρ_lock, ρ_instance)

(a conditional write that loses the race is retried; the lock figure counts the winners
only, so it is a lower bound).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from archproof.catalog import service_time
from archproof.catalog.resolve import ResolvedComponent
from archproof.model import AccessPattern, Design, Entity
from archproof.model.requirements import at_peak
from archproof.numbers import sig
from archproof.passes.lower.queueing_model import Call, HotKey, OperationRate, Pool, PoolRole

# Writes that hold the key until they commit: two of them on one key run one after the other.
SERIALIZING_UPDATES = frozenset({"conditional", "locked", "serializable", "atomic"})


def hot_keys(
    design: Design,
    calls: Sequence[Call],
    rates: Mapping[str, OperationRate],
    pools: Sequence[Pool],
    pools_of: Mapping[str, tuple[int, ...]],
    resolved: Mapping[str, ResolvedComponent],
) -> tuple[HotKey, ...]:
    """Every hot key the design states, with its rate, pool, copies and capacity."""
    out: list[HotKey] = []
    for entity in design.entities:
        store = entity.stored_in if entity.stored_in in pools_of else None
        to_store = [c for c in calls if c.component == store] if store else []
        read = (
            service_time(resolved[store].component, resolved[store].entry, "read")
            if store
            else None
        )
        read_mean = read[0].mean_s() if read is not None else None
        for pattern in entity.access_patterns:
            share = pattern.hot_key_share or entity.hot_key_share
            if share is None:
                continue
            traffic, used, how = _pattern_traffic(design, pattern, to_store, rates)
            out.append(
                _place(
                    entity,
                    pattern.id,
                    float(share.fraction),
                    traffic,
                    used,
                    how,
                    store,
                    pools,
                    pools_of,
                    resolved,
                    read_mean,
                )
            )
        if entity.hot_key_share is not None and store is not None:
            written = _writes_key(entity, store, to_store, rates, pools, pools_of, resolved)
            if written is not None:
                out.append(written)
        if entity.hot_key_share is not None and not entity.access_patterns:
            used = [c for c in to_store if not c.is_write]
            if not used and to_store:
                continue  # only writes: the key above
            traffic = sum(rates[c.op].peak * c.per_request for c in used) if used else None
            how = f"every read of {store} (which may hold other entities too)"
            out.append(
                _place(
                    entity,
                    None,
                    float(entity.hot_key_share.fraction),
                    traffic,
                    used,
                    how,
                    store,
                    pools,
                    pools_of,
                    resolved,
                    read_mean,
                )
            )
    return tuple(out)


def _pattern_traffic(
    design: Design,
    pattern: AccessPattern,
    to_store: Sequence[Call],
    rates: Mapping[str, OperationRate],
) -> tuple[float | None, list[Call], str]:
    reads = [c for c in to_store if c.op == pattern.operation and not c.is_write]
    if pattern.rate is not None:
        traffic = float(at_peak(pattern.rate.per_second, design.requirements.load.peak_factor))
        return traffic, reads, f"pattern rate {pattern.rate} × peak factor"
    if pattern.operation is None or pattern.operation not in rates:
        return None, reads, "no rate and no operation: traffic unknown"
    peak = rates[pattern.operation].peak
    if reads:
        traffic = peak * sum(c.per_request for c in reads)
        return traffic, reads, f"reads of the store by {pattern.operation} at peak"
    return peak, reads, f"{pattern.operation}'s peak rate"


def _place(
    entity: Entity,
    pattern: str | None,
    share: float,
    traffic: float | None,
    used: Sequence[Call],
    how: str,
    store: str | None,
    pools: Sequence[Pool],
    pools_of: Mapping[str, tuple[int, ...]],
    resolved: Mapping[str, ResolvedComponent],
    read_mean: float | None,
) -> HotKey:
    rate = share * traffic if traffic is not None else None
    weight = sum(c.per_request for c in used)
    mean = sum(c.per_request * c.service.mean for c in used) / weight if weight > 0 else read_mean
    derivation = f"{sig(share, 3)} of {how}"
    if store is None:
        return HotKey(
            entity.id,
            pattern,
            share,
            traffic,
            rate,
            None,
            None,
            None,
            mean,
            None,
            derivation + "; the entity names no store",
        )
    home = pools[pools_of[store][0]]  # primary (or the only pool)
    replicas = next((pools[i] for i in pools_of[store] if pools[i].role is PoolRole.REPLICAS), None)
    if home.infinite:
        return HotKey(
            entity.id,
            pattern,
            share,
            traffic,
            rate,
            store,
            home.index,
            None,
            mean,
            None,
            derivation + f"; {store} has infinite servers: no per-key limit",
        )
    if not resolved[store].stateful:
        copies = home.instances
        where = f"stateless {store}: any of its {copies} instances serves it"
    else:
        pinned = any(c.is_write or c.node.consistency == "primary" for c in used)
        followers = replicas.instances // home.instances if replicas and not pinned else 0
        copies = 1 + followers
        where = f"stateful {store}: one instance of {home.label} holds it" + (
            f", plus {followers} read replica(s) of its shard" if followers else ""
        )
    capacity = copies * home.concurrency / mean if mean is not None and mean > 0 else None
    if capacity is not None and mean is not None:
        where += f"; capacity {copies} × {home.concurrency} / {sig(mean, 3)}s"
    return HotKey(
        entity.id,
        pattern,
        share,
        traffic,
        rate,
        store,
        home.index,
        copies,
        mean,
        capacity,
        f"{derivation}; {where}",
    )


def _writes_key(
    entity: Entity,
    store: str,
    to_store: Sequence[Call],
    rates: Mapping[str, OperationRate],
    pools: Sequence[Pool],
    pools_of: Mapping[str, tuple[int, ...]],
    resolved: Mapping[str, ResolvedComponent],
) -> HotKey | None:
    """The busiest key's writes on the one primary holding it (module docstring)."""
    share = entity.hot_key_share
    written = [c for c in to_store if c.is_write]
    home = pools[pools_of[store][0]]
    if share is None or not written or not resolved[store].stateful or home.infinite:
        return None
    fraction = float(share.fraction)

    def load(used: Sequence[Call]) -> tuple[float, float]:
        rate = sum(rates[c.op].peak * c.per_request for c in used)
        busy = sum(rates[c.op].peak * c.per_request * c.service.mean for c in used)
        return rate, busy

    traffic, busy = load(written)
    guarded = [c for c in written if c.node.update in SERIALIZING_UPDATES]
    _, guarded_busy = load(guarded)
    rate = fraction * traffic
    mean = busy / traffic if traffic > 0 else None
    rho_lock = fraction * guarded_busy
    rho_instance = fraction * busy / home.concurrency
    rho = max(rho_lock, rho_instance)
    capacity = rate / rho if rho > 0 else None
    how = f"every write to {store} (which may hold other entities too)"
    where = f"writes go to the one instance of {home.label} holding it"
    if guarded:
        kinds = sorted({str(c.node.update) for c in guarded})
        where += (
            f"; {', '.join(kinds)} writes serialize on the key: "
            f"ρ_lock = {sig(fraction, 3)} × {sig(guarded_busy, 4)} erlangs = {sig(rho_lock, 3)}"
        )
    where += (
        f"; ρ_instance = {sig(fraction, 3)} × {sig(busy, 4)} erlangs / {home.concurrency} "
        f"= {sig(rho_instance, 3)}"
    )
    return HotKey(
        entity.id,
        None,
        fraction,
        traffic,
        rate,
        store,
        home.index,
        1,
        mean,
        capacity,
        f"{sig(fraction, 3)} of {how}; {where}",
        writes=True,
    )
