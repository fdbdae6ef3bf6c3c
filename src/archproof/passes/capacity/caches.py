"""Cache vs backing store: how busy the store would be if the cache were removed.

In a `one_of` whose hit branch calls only caches and whose miss branch calls a store
(a non-cache component), removing the cache sends the hit traffic to the store:

    ρ_without = ρ_store + λ_hit × E[H of the store call] × share of its pool / servers

(holding times at today's load). A store that stays well below 0.7 without the cache
suggests the cache is premature.
"""

from __future__ import annotations

from archproof.model.traits import traits
from archproof.passes.capacity.figure import figure
from archproof.passes.capacity.network import Network, Seq
from archproof.passes.capacity.result import CacheHeadroom
from archproof.passes.capacity.solve import Solution
from archproof.passes.lower import Call, Parallel


def _calls(seq: Seq) -> list[int]:
    """The calls a branch makes at its top level (not inside nested choices)."""
    return [step.index for step in seq if isinstance(step, Call)]


def cache_headroom(net: Network, sol: Solution) -> tuple[CacheHeadroom, ...]:
    kinds = {c.id: c.kind for c in net.design.components}
    out: list[CacheHeadroom] = []

    def visit_seq(seq: Seq) -> None:
        for step in seq:
            if isinstance(step, Call):
                visit_seq(step.children)
                continue
            if isinstance(step, Parallel):
                for member in step.members:
                    visit_seq(member)
                continue
            hits: list[tuple[float, list[int]]] = []
            misses: list[list[int]] = []
            for _p, sub in ((b.p, b.steps) for b in step.branches):
                calls = _calls(sub)
                if calls and all(traits(kinds[net.visits[i].component]).cache for i in calls):
                    hits.append((_p, calls))
                elif any(traits(kinds[net.visits[i].component]).cache for i in calls):
                    misses.append(calls)
                visit_seq(sub)
            for miss in misses:
                cache_ids = {
                    net.visits[i].component
                    for i in miss
                    if traits(kinds[net.visits[i].component]).cache
                }
                for i in miss:
                    store = net.visits[i]
                    if traits(kinds[store.component]).cache or store.node.async_:
                        continue
                    for h_calls in hits:
                        hit_visit = net.visits[h_calls[1][0]]
                        if hit_visit.component not in cache_ids:
                            continue
                        hit_rate = sol.lam[hit_visit.index] / max(hit_visit.attempts, 1e-12)
                        for pool_index, frac in net.routes[store.index]:
                            pool = net.pools[pool_index]
                            st = sol.pools[pool_index]
                            h = sol.h_mean[store.index]
                            if pool.infinite or h is None or st.rho is None or pool.servers == 0:
                                continue
                            added = hit_rate * frac * h * store.attempts / pool.servers
                            out.append(
                                CacheHeadroom(
                                    cache=hit_visit.component,
                                    store=store.component,
                                    store_pool=pool.name,
                                    operation=store.op,
                                    redirected_rate=figure(
                                        hit_rate,
                                        "1/s",
                                        "rate of the hit branch's cache call",
                                    ),
                                    store_utilization=figure(st.rho, "", "ρ = a / c"),
                                    store_utilization_without_cache=figure(
                                        st.rho + added,
                                        "",
                                        "ρ + λ_hit × share × E[H] × E[attempts] / servers",
                                        rho=st.rho,
                                        hit_rate=hit_rate,
                                        holding=h,
                                        share=frac,
                                        servers=float(pool.servers),
                                    ),
                                )
                            )

    for op in net.design.operations:
        visit_seq(net.top(op.id))
    return tuple(out)
