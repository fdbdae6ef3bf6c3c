"""Hot keys against one instance: does the busiest key fit on the instance that holds it?

The lowering states each hot key once (`QueueingModel.hot_keys`: its rate, the pool whose
one instance holds it, the copies that can serve it, their capacity). Here:

    ρ_key = rate / capacity = rate × E[S] / (copies × concurrency)

(for a key's writes, the capacity the lowering derived: one primary, guarded writes one at
a time)

with the pool's status words: saturated at ρ ≥ 1 (adding replicas does not help: the key
stays on one shard), warning at the policy's target utilization, unbounded on a delay
station, unknown without a rate or a service time. It is a lower bound: that instance
also serves its share of every other key.
"""

from __future__ import annotations

from archproof.passes.capacity.figure import figure
from archproof.passes.capacity.result import HotKeyLoad
from archproof.passes.capacity.status import Status
from archproof.passes.lower import QueueingModel
from archproof.policy import TARGET_UTILIZATION


def hot_key_loads(model: QueueingModel) -> tuple[HotKeyLoad, ...]:
    """One `HotKeyLoad` per hot key the lowering found."""
    out: list[HotKeyLoad] = []
    for h in model.hot_keys:
        pool = model.pools[h.pool].label if h.pool is not None else None
        if h.pool is not None and h.copies is None:
            util = figure(None, "", h.derivation, status=Status.UNBOUNDED)
            status = Status.UNBOUNDED
        elif h.rate is None or h.capacity is None or h.capacity <= 0:
            util = figure(None, "", h.derivation)
            status = Status.UNKNOWN
        else:
            value = h.rate / h.capacity
            if value >= 1.0:
                status = Status.SATURATED
            elif value >= TARGET_UTILIZATION:
                status = Status.WARNING
            elif value == 0:
                status = Status.IDLE
            else:
                status = Status.OK
            util = figure(
                value,
                "",
                (
                    "ρ_key = share × writes / capacity (one primary; guarded writes one at a "
                    "time); a lower bound: the instance serves other keys too"
                    if h.writes
                    else "ρ_key = share × traffic / (copies × concurrency / E[S]) (one key, "
                    "one shard; a lower bound: the instance serves other keys too)"
                ),
                status=status,
                rate=h.rate,
                capacity=h.capacity,
                copies=float(h.copies) if h.copies is not None else None,
            )
        out.append(
            HotKeyLoad(
                entity=h.entity,
                pattern=h.pattern,
                component=h.component,
                pool=pool,
                share=h.share,
                rate=figure(h.rate, "1/s", h.derivation, share=h.share, traffic=h.traffic),
                utilization=util,
                status=status,
                writes=h.writes,
            )
        )
    return tuple(out)
