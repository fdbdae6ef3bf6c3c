"""Section 4's rate limits and hot keys: figures the lowering and the capacity pass computed.

Rate limits from `QueueingModel.admission` (offered, admitted and rejected at peak), hot
keys from `CapacityResult.hot_keys` (the busiest key's rate and the utilization of the
copies that can serve it, with its status). Nothing is recomputed here.
"""

from __future__ import annotations

from archproof.backends.report import fmt
from archproof.backends.report.document import Badge, Block, Cell, Note, Section, Table
from archproof.backends.report.evidence import badge, capacity
from archproof.passes.lower import QueueingModel
from archproof.report import Report


def limit_sections(report: Report) -> tuple[Section, ...]:
    """'Rate limits' and 'Hot keys' subsections, each only when the design states one."""
    out: list[Section] = []
    model = report.get(QueueingModel)
    if model is not None and model.admission:
        out.append(Section("rate-limits", "Rate limits", _admission(model)))
    cap = capacity(report)
    if cap is not None and cap.hot_keys:
        rows: list[tuple[Cell, ...]] = [
            (
                h.entity + (f" ({h.pattern})" if h.pattern else " (writes)" if h.writes else ""),
                h.pool or h.component or "—",
                fmt.percent(h.share),
                fmt.figure(h.rate),
                fmt.figure(h.utilization, "pct"),
                badge(h.status),
            )
            for h in cap.hot_keys
        ]
        hot: tuple[Block, ...] = (
            Table(
                ("Busiest key of", "Held by", "Share", "Key rate", "ρ of its copies", "Status"),
                tuple(rows),
                numeric=(2, 3, 4),
                caption="The busiest key lands on one instance (plus that shard's read "
                "replicas for reads): ρ from that key alone, a lower bound. Saturated means "
                "one shard cannot take the key, whatever the replica count",
            ),
        )
        out.append(Section("hot-keys", "Hot keys", hot))
    return tuple(out)


def _admission(model: QueueingModel) -> tuple[Block, ...]:
    rows: list[tuple[Cell, ...]] = []
    for a in model.admission:
        per = "in all" if a.per == "global" else f"per {a.per.replace('_', ' ')}"
        rejected: Cell = (
            Badge(fmt.percent(a.rejected_share), "warn") if a.rejected_share > 0 else "0"
        )
        rows.append(
            (
                f"{a.target} ({a.scope})",
                f"{fmt.rate(a.limit)} {per}, {a.over} above",
                fmt.rate(a.offered),
                fmt.rate(a.admitted),
                rejected,
                a.derivation,
            )
        )
    blocks: list[Block] = [
        Table(
            ("Limit on", "Limit", "Arriving at peak", "Admitted", "Rejected", "How"),
            tuple(rows),
            numeric=(2, 3, 4),
            caption="The pools behind a global limit see at most the admitted rate; a "
            "per-user, IP, tenant or key quota caps each caller, not the total",
        )
    ]
    if any(a.over == "queue" and a.excess_share > 0 for a in model.admission):
        blocks.append(
            Note(
                "A limit that queues above its rate grows a backlog for as long as the peak "
                "lasts: nothing is rejected, but the excess waits.",
                "warn",
            )
        )
    return tuple(blocks)
