"""Scaling and resilience decisions by the numbers: CDN, search capacity, stateless
replicas, queue capacity, standbys for availability, p99 risks (see compose)."""

from __future__ import annotations

import math
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.flows import (
    at_peak,
    explain,
    flows,
    iter_calls,
    node_util,
    p99_estimate,
)
from archproof.frontends.draft.plan import CallSpec, CompSpec, OneOfSpec
from archproof.frontends.draft.sizing import (
    TARGET_STATEFUL,
    TARGET_STATELESS,
    entry_of,
    max_throughput,
    ms,
    nodes_for,
    pct,
    per_s,
    replicas_of,
)
from archproof.units import Size

CDN_HIT = Fraction(9, 10)
EGRESS_THRESHOLD = 1e9 / 8  # 1 Gbit/s in bytes/s
CONNECTIONS_PER_GATEWAY = 50_000


def media_delivery(ctx: Ctx) -> None:
    op = ctx.find_op("download_media")
    if op is None or op.rate is None:
        return
    video = ctx.mentions(r"video|stream")
    size = ctx.load.item_size
    if size is None:
        size = Fraction(50 * 10**6) if video else Fraction(2 * 10**6)
        ctx.ledger.assumed(
            "file size",
            str(Size(size)),
            "average " + ("video" if video else "photo") + " size",
            "file-size",
        )
    peak = at_peak(ctx, op.rate)
    egress = peak * float(size)
    blobs = ctx.comp("blobs")
    get_util = node_util(blobs, 0.0, peak)
    gbit = egress * 8 / 1e9
    if egress >= EGRESS_THRESHOLD or get_util > float(TARGET_STATEFUL):
        ctx.comp("cdn", "cdn", "[P4 strategic caching] edge cache for immutable media bytes")
        op.calls = [
            CallSpec(
                "cdn.serve",
                calls=[
                    CallSpec(
                        "blobs.get",
                        p=f"{int((1 - CDN_HIT) * 100)}%",
                        idempotent=True,
                        rationale="edge misses go to the object store",
                    )
                ],
            )
        ]
        ctx.ledger.assume_entry(
            "cdn-hit-ratio",
            "the CDN serves 90% of downloads",
            "assumed: media is immutable (new versions get new keys)",
        )
        ctx.decide(
            "cdn",
            "Media delivery",
            "through a CDN",
            "P4",
            f"peak egress {per_s(peak)} × {Size(size)} = {gbit:.3g} Gbit/s; object "
            f"store GETs at {pct(get_util)} of its limit (thresholds 1 Gbit/s, 50%)",
            "cdn",
        )
    else:
        ctx.decide(
            "cdn",
            "Media delivery",
            "straight from the object store, no CDN",
            "P4",
            f"peak egress {gbit:.3g} Gbit/s < 1 Gbit/s and GETs at {pct(get_util)} of "
            "the store's limit",
            "blobs",
        )


def search_index(ctx: Ctx) -> None:
    index = ctx.comps.get("search")
    if index is None:
        return
    flow = flows(ctx)["search"]
    util = node_util(index, at_peak(ctx, flow.read_busy), at_peak(ctx, flow.read_rate))
    base = replicas_of(index.tech, index.replicas)
    needed = nodes_for(util, TARGET_STATEFUL)
    text = explain(index, at_peak(ctx, flow.read_rate), at_peak(ctx, flow.read_busy), "searches")
    if needed > base:
        index.read_replicas = needed - base
        ctx.decide(
            "search-replicas",
            "Search capacity",
            f"{index.read_replicas} extra replica(s)",
            "P2",
            f"{text}; nodes = ⌈{pct(util)} ÷ 50%⌉ = {needed}",
            index.id,
        )


def stateless(ctx: Ctx) -> None:
    flow = flows(ctx)
    for comp in ctx.comps.values():
        if comp.kind not in ("service", "worker", "load_balancer"):
            continue
        f = flow.get(comp.id)
        if f is None or f.rate == 0:
            continue
        peak_busy, peak_rate = at_peak(ctx, f.busy), at_peak(ctx, f.rate)
        util = node_util(comp, peak_busy, peak_rate)
        replicas = max(2, nodes_for(util, TARGET_STATELESS))
        because = (
            explain(comp, peak_rate, peak_busy, "requests")
            + f"; replicas = max(2, ⌈{pct(util)} ÷ 70%⌉) = {replicas}"
        )
        if comp.id == "gateway":
            concurrent = ctx.load.concurrent
            if concurrent is None:
                concurrent = ctx.dau() / 10
                ctx.ledger.assumed(
                    "concurrent connections",
                    f"{float(concurrent):,.0f}",
                    "10% of daily active users online at peak",
                    "concurrent",
                )
            by_conn = math.ceil(float(concurrent) / CONNECTIONS_PER_GATEWAY)
            if by_conn > replicas:
                replicas = by_conn
                because += (
                    f"; connections: {float(concurrent):,.0f} ÷ "
                    f"{CONNECTIONS_PER_GATEWAY:,} per node (assumed) = {by_conn}"
                )
        comp.replicas = replicas
        if replicas > 2:
            ctx.decide(
                f"{comp.id}-replicas",
                f"{comp.id} replicas",
                f"{replicas} replicas",
                "P1",
                because,
                comp.id,
            )
        else:
            comp.notes.append(because)
    ctx.decide(
        "stateless-tiers",
        "Stateless tiers",
        "API and workers keep no state; they scale by replicas (2+ for availability)",
        "P1",
        "all durable state is in the primary store (and queues for jobs in flight)",
        "api" if "api" in ctx.comps else None,
    )


def queues_and_externals(ctx: Ctx) -> None:
    flow = flows(ctx)
    for comp in ctx.comps.values():
        f = flow.get(comp.id)
        if f is None or f.rate == 0:
            continue
        peak = at_peak(ctx, f.rate)
        ceiling = max_throughput(comp.tech)
        if comp.kind == "queue" and ceiling:
            util = peak / ceiling
            base = replicas_of(comp.tech, None)
            needed = nodes_for(util, TARGET_STATELESS)
            if needed > base:
                comp.replicas = needed
                ctx.decide(
                    f"{comp.id}-capacity",
                    f"{comp.id} capacity",
                    f"{needed} nodes/partitions",
                    "P3",
                    f"peak {per_s(peak)} vs {per_s(ceiling)} per "
                    f"node = {pct(util)}; ⌈÷ 70%⌉ = {needed}",
                    comp.id,
                )
        if comp.kind == "external" and ceiling and peak > ceiling * float(TARGET_STATELESS):
            ctx.ledger.ask(
                f"'{comp.id}' gets {per_s(peak)} at peak but a typical provider "
                f"limit is {per_s(ceiling)}: what is the contracted rate limit?"
            )


_HA_KINDS = frozenset({"database", "queue", "search_index"})


def _path_availability(ctx: Ctx, op_calls: list[CallSpec | OneOfSpec]) -> tuple[float, list[str]]:
    """Availability of an operation's required calls: Π (1 − (1 − a)^n) over components."""
    required: list[str] = []
    for call in iter_calls(op_calls):
        if call.async_ or call.on_failure == "fail_open" or call.component in required:
            continue
        required.append(call.component)
    total = 1.0
    for cid in required:
        total *= _component_availability(ctx.comps[cid])
    return total, required


def _component_availability(comp: CompSpec) -> float:
    entry = entry_of(comp.tech)
    if entry is None:
        return 1.0
    a = float(entry.availability.fraction())
    return 1.0 - (1.0 - a) ** replicas_of(comp.tech, comp.replicas)


def high_availability(ctx: Ctx) -> None:
    """Add a standby to single-instance stores on paths that cannot meet the target."""
    target = float(ctx.load.availability)
    for op in ctx.ops:
        avail, required = _path_availability(ctx, op.calls)
        candidates = sorted(
            (
                ctx.comps[c]
                for c in required
                if ctx.comps[c].kind in _HA_KINDS
                and replicas_of(ctx.comps[c].tech, ctx.comps[c].replicas) == 1
            ),
            key=_component_availability,
        )
        for comp in candidates:
            if avail >= target:
                break
            before = _component_availability(comp)
            comp.replicas = 2
            after = _component_availability(comp)
            role = (
                "primary + hot standby (automatic failover; the standby adds no write capacity)"
                if comp.kind == "database"
                else "2 nodes (mirrored)"
            )
            ctx.decide(
                f"{comp.id}-ha",
                f"{comp.id} high availability",
                role,
                "P7",
                f"'{op.id}' needs {_pct(target)} but one {comp.tech} node gives "
                f"{_pct(before)} on its path; with a standby {_pct(after)}",
                comp.id,
            )
            avail, _ = _path_availability(ctx, op.calls)
        if avail < target:
            weakest = min(required, key=lambda c: _component_availability(ctx.comps[c]))
            ctx.ledger.ask(
                f"{op.id} can reach about {_pct(avail)} (weakest: '{weakest}' at "
                f"{_pct(_component_availability(ctx.comps[weakest]))}) but the target "
                f"is {_pct(target)}: add a fallback for '{weakest}', or relax it?"
            )


def _pct(value: float) -> str:
    return f"{value * 100:.3f}".rstrip("0").rstrip(".") + "%"


def latency_risks(ctx: Ctx) -> None:
    for op in ctx.ops:
        target = op.slo.get("p99")
        if target is None or not op.sync:
            continue
        estimate = p99_estimate(ctx, op)
        if estimate > float(target):
            ctx.decide(
                f"slo-risk-{op.id}",
                f"p99 target of {op.id} at risk",
                "keep the target, measure early",
                "P6",
                f"Σ p99 of its calls ≈ {ms(estimate)} > target {ms(float(target))}; a "
                "cache would not fix a p99 (misses exceed 1%), a faster path would",
                op.id,
            )
            ctx.ledger.ask(
                f"{op.id}: p99 target {ms(float(target))} is below the sum of its "
                f"calls' p99 (≈ {ms(estimate)}). Relax it, or which step can go?"
            )
