"""Hot keys and rate-limit admission as plain tables, for the terminal and Markdown.

Both read figures computed elsewhere, never recompute them: hot keys from the capacity
pass (`CapacityResult.hot_keys`: the busiest key's rate against the one instance that
holds it, with its status), admission from the lowering (`QueueingModel.admission`:
offered, admitted and rejected peak rates per rate limit).
"""

from __future__ import annotations

from collections.abc import Sequence

import archproof.numbers as numbers
from archproof.backends.capacity_tables import Rows, Table, marked, percent, rate, tables
from archproof.passes.capacity import CapacityResult
from archproof.passes.lower.queueing_model import Admission


def hot_key_table(result: CapacityResult) -> Table | None:
    """The busiest key of each entity / access pattern with a `hot_key_share`."""
    if not result.hot_keys:
        return None
    rows = Rows()
    for h in result.hot_keys:
        where = h.pool or h.component or "—"
        rows.add(
            h.entity + (f".{h.pattern}" if h.pattern else ""),
            where,
            numbers.percent(h.share),
            marked(rate(h.rate), h.rate),
            marked(percent(h.utilization), h.utilization),
            (h.status, h.status),
        )
    return rows.table(
        "Hot keys (the busiest key on the one instance that holds it)",
        ("key of", "held by", "share", "key rate", "ρ of its copies", "status"),
        "ρ from that key alone (a lower bound); saturated: one shard cannot take the key, "
        "and adding replicas does not help",
        drop=(1,),
    )


def admission_table(admission: Sequence[Admission]) -> Table | None:
    """Each rate limit: what arrives at peak, what gets in, the share turned away."""
    if not admission:
        return None
    rows = Rows()
    for a in admission:
        per = "in all" if a.per == "global" else f"per {a.per.replace('_', ' ')}"
        rows.add(
            a.target,
            f"{numbers.rate(a.limit)} {per}, {a.over}",
            numbers.rate(a.offered),
            numbers.rate(a.admitted),
            numbers.percent(a.rejected_share) if a.rejected_share else "0",
            a.derivation,
        )
    return rows.table(
        "Rate limits at peak (admission)",
        ("limit on", "limit", "arriving", "admitted", "rejected", "how"),
        "a per-user, IP, tenant or key quota caps each caller, not the total",
        fold=(5,),
    )


def capacity_tables(result: CapacityResult, admission: Sequence[Admission] = ()) -> list[Table]:
    """The capacity tables with the rate limits and hot keys after the load table: where
    the load is admitted, and where one key concentrates it."""
    out = tables(result)
    extra = [t for t in (admission_table(admission), hot_key_table(result)) if t is not None]
    return [*out[:1], *extra, *out[1:]]
