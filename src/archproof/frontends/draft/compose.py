"""Composition: run the building blocks, then make the decisions the numbers must decide.

Thresholds (each decision's rationale shows the figures it used):

- **read replicas** (P2): primary utilization at peak
  `u = max(Σ rate × held / concurrency, rate / max_throughput)` (catalog figures).
  Over 50%: `read_replicas = ⌈u_reads / 50%⌉` (followers take the reads).
- **cache** (P4): only when reads would need more than 3 read replicas; then a cache in
  front of the hot key lookups with an assumed 80% hit ratio, and replicas recomputed on
  the misses. A cache never fixes a p99 target (misses still happen > 1% of the time),
  so a tight SLO is reported as a risk and a question instead.
- **event hub** (P5): analytics events go to Kafka only at ≥ 1,000 events/s at peak;
  below that a plain job queue (one less thing to run).
- **rate-limit counters** (P1): in the primary database while the counter writes stay
  under 25% of one node at peak; above that in Redis (in-memory, 100k ops/s a node).
- **location store** (P1): drivers' latest positions in the database while the upserts
  stay under 50% of one node at peak; above that in Redis (ephemeral, TTL).
- **CDN** (P4): media downloads through a CDN only when peak egress ≥ 1 Gbit/s or object
  store GETs exceed 50% of its per-prefix limit.
- **replicas of stateless tiers** (P1): `max(2, ⌈busy / (concurrency × 70%)⌉)`.
- **storage** (P2): rows × row size over the retention; over 2 TB → partition/archive.
"""

from __future__ import annotations

import math
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.classify import Classification
from archproof.frontends.draft.derive import Ledger, derive, retention_for_sizing
from archproof.frontends.draft.entities import plan_indexes
from archproof.frontends.draft.extract import DAY, Extracted
from archproof.frontends.draft.flows import Flow, flows, op_rates, p99_estimate, service_time
from archproof.frontends.draft.guards import add_guards, fill_work, set_slos
from archproof.frontends.draft.patterns import BLOCKS, LATE
from archproof.frontends.draft.plan import BranchSpec, CallSpec, CompSpec, EventSpec, OneOfSpec
from archproof.frontends.draft.sizing import (
    MAX_READ_REPLICAS,
    TARGET_STATEFUL,
    TARGET_STATELESS,
    concurrency_of,
    entry_of,
    max_throughput,
    ms,
    nodes_for,
    pct,
    per_s,
    replicas_of,
    utilization,
)
from archproof.units import Size

HUB_THRESHOLD = 1000  # events/s at peak before an event hub pays for itself
CACHE_HIT = Fraction(4, 5)
CDN_HIT = Fraction(9, 10)
EGRESS_THRESHOLD = 1e9 / 8  # 1 Gbit/s in bytes/s
STORAGE_THRESHOLD = 2 * 10**12
CONNECTIONS_PER_GATEWAY = 50_000

MAIN_ENTITY: dict[str, tuple[str, ...]] = {
    "shortener": ("Link", "Paste"),
    "payments": ("Payment",),
    "messaging": ("Message",),
    "feed": ("Post",),
    "media": ("Media",),
    "search": ("Document", "Suggestion"),
    "rides": ("Ride",),
    "notifications": ("Notification",),
    "analytics": ("EventRollup",),
    "auth": ("User",),
    "rate_limit": ("RateLimitBucket",),
    "batch": ("JobRun",),
}


def compose(text: str, classification: Classification, found: Extracted) -> Ctx:
    """Blocks for every detected pattern, then the numeric decisions, guards and SLOs."""
    ledger = Ledger()
    load = derive(found, classification.primary, ledger)
    ctx = Ctx(text=text, classification=classification, load=load, ledger=ledger)
    order = [p.id for p in classification.patterns]
    if not order or order[0] == "batch":
        order.insert(0, "crud")
    first, rest = order[0], order[1:]
    run = [first, *[p for p in rest if p not in LATE], *[p for p in rest if p in LATE]]
    for pattern in run:
        BLOCKS[pattern](ctx)
    _event_hub(ctx)
    _rate_limit_guard(ctx)
    set_slos(ctx)
    _location_store(ctx)
    _database(ctx)
    _media_delivery(ctx)
    _search_index(ctx)
    _stateless(ctx)
    _queues_and_externals(ctx)
    _storage(ctx)
    add_guards(ctx)
    fill_work(ctx)
    _high_availability(ctx)
    _latency_risks(ctx)
    for entity in ctx.entities.values():
        plan_indexes(entity)
    return ctx


# --------------------------------------------------------------------------- helpers


def _peak(ctx: Ctx, value: Fraction | float) -> float:
    return float(value) * float(ctx.load.peak_factor)


def _node_util(comp: CompSpec, busy: float, rate: float) -> float:
    """Utilization of one node of `comp` at the given busy time and rate."""
    return utilization(
        busy,
        rate,
        concurrency_of(comp.tech, comp.kind, comp.concurrency),
        max_throughput(comp.tech),
    )


def _explain(comp: CompSpec, flow_rate: float, busy: float, label: str) -> str:
    c = concurrency_of(comp.tech, comp.kind, comp.concurrency)
    ceiling = max_throughput(comp.tech)
    mean = busy / flow_rate if flow_rate else 0.0
    text = (
        f"peak {label} {per_s(flow_rate)} × {ms(mean)} held ÷ {c} concurrent "
        f"= {pct(busy / c)} of one {comp.tech or comp.kind} node"
    )
    if ceiling:
        text += f" (throughput ceiling {per_s(ceiling)}: {pct(flow_rate / ceiling)})"
    return text


# --------------------------------------------------------------------------- events


def _event_hub(ctx: Ctx) -> None:
    if ctx.event_rate is None:
        return
    peak = _peak(ctx, ctx.event_rate)
    kafka = peak >= HUB_THRESHOLD
    if kafka:
        hub = ctx.comp(
            "events",
            "events",
            "event hub: a replayable log for high-volume, non-time-sensitive analytics events",
        )
        choice = "analytics events on an event hub (Kafka)"
        because = (
            f"{per_s(peak)} events at peak ≥ {HUB_THRESHOLD}/s; consumers batch them, "
            "nobody waits for them, and the log can be replayed"
        )
    else:
        hub = ctx.comp("queue", "events", "job queue carrying analytics events")
        choice = "analytics events on a plain job queue, no event hub"
        because = (
            f"{per_s(peak)} events at peak < {HUB_THRESHOLD}/s: a queue and a worker "
            "are enough; an event hub would be one more stateful system to run"
        )
    ctx.decide("events-hub", "Analytics events transport", choice, "P5", because, hub.id)
    publish = CallSpec(
        f"{hub.id}.enqueue",
        async_=True,
        on_failure="fail_open",
        fallback="drop the event and count the drop in a metric (analytics can lose a few)",
        rationale="[P5 event management] fire-and-forget: high volume, not time-sensitive",
    )
    target = ctx.find_op("track_event") or ctx.find_op(ctx.primary_read)
    call = ctx.api_call(target.id) if target is not None else None
    if target is not None and call is not None:
        call.calls.append(publish)
        if target.id != "track_event":
            ratio = ctx.event_rate / (target.rate or ctx.event_rate)
            if ratio != 1:
                publish.p = str(min(Fraction(1), ratio))
    ctx.job(
        "aggregate_events",
        hub.id,
        "aggregate",
        [
            CallSpec(
                "db.write",
                p="1/100",
                idempotent=True,
                rationale="[P2 database design] one batched upsert "
                "of per-minute rollups per 100 events",
            )
        ],
        description="Fold events into per-minute rollups",
        pattern="analytics",
        idempotency_key="event id (the rollup batch records the last offset it applied)",
    )
    ctx.events.append(
        EventSpec(
            id="analytics_event",
            hub=hub.id,
            producers=("api",),
            consumers=("worker",),
            volume=ctx.event_rate,
            rationale=f"[P5 event management] {because}",
        )
    )


# --------------------------------------------------------------------------- rate limiting


def _rate_limit_guard(ctx: Ctx) -> None:
    if not ctx.classification.has("rate_limit"):
        return
    guarded = [
        op
        for op in ctx.ops
        if op.sync and op.calls and ctx.api_call(op.id) is not None and op.id != "update_limits"
    ]
    rates = op_rates(ctx)
    checks = sum((rates[op.id] for op in guarded), Fraction(0))
    peak = _peak(ctx, checks)
    db = ctx.comp("db")
    write_mean = service_time(ctx, CallSpec("db.write")).mean_s()
    util = _node_util(db, peak * write_mean, peak)
    entity = ctx.entity("RateLimitBucket")
    if util <= 0.25:
        target, work = "db.write", "write"
        where = "db"
        choice = "counters in the primary database (an upsert per request)"
        because = (
            f"{per_s(peak)} checks at peak use {pct(util)} of one database node "
            "(threshold 25%): no new stateful component needed"
        )
    else:
        kv = ctx.comp(
            "kv",
            "limiter",
            "rate-limit counters: in memory, each expiring at the "
            f"end of its window; {per_s(peak)} updates at peak would use {pct(util)} "
            "of one node of the primary database",
        )
        kv.state.append("RateLimitBucket")
        kv.recovery = "none needed: counters restart at zero after a loss (a brief burst)"
        flow_util = utilization(0.0, peak, 1, max_throughput(kv.tech))
        kv.replicas = nodes_for(flow_util, TARGET_STATEFUL)
        entity.stored_in = kv.id
        target, work, where = f"{kv.id}.incr", "incr", kv.id
        choice = "counters in Redis (INCR with expiry), not the database"
        because = (
            f"{per_s(peak)} checks at peak would use {pct(util)} of one database node "
            f"(threshold 25%); Redis nodes needed: {kv.replicas}"
        )
    del work
    gate = (
        "the limiter's answer decides whether the request is served, so the caller must "
        "wait for it; failing open only covers a limiter outage"
    )
    for op in guarded:
        op.accept.setdefault("OP002", gate)
        op.accept.setdefault("EV003", gate)
        call = ctx.api_call(op.id)
        assert call is not None
        call.calls.insert(
            0,
            CallSpec(
                target,
                write=True,
                on_failure="fail_open",
                fallback="allow the request and count the bypass (limits protect capacity; "
                "they are not a correctness check)",
                breaker=where != "db",
                rationale="[P7 robust failure handling] check and count in one atomic step",
            ),
        )
    ctx.decide("rate-limit-store", "Where rate-limit counters live", choice, "P1", because, where)
    ctx.decide(
        "rate-limit-fail-open",
        "Rate limiter fails open",
        "fail_open with a logged bypass",
        "P7",
        "a limiter outage must not take the whole API down; it is a "
        "protective, non-critical feature",
        where,
    )


# --------------------------------------------------------------------------- locations


def _location_store(ctx: Ctx) -> None:
    op = ctx.find_op("update_location")
    if op is None or op.rate is None:
        return
    peak = _peak(ctx, op.rate)
    db = ctx.comp("db")
    write_mean = service_time(ctx, CallSpec("db.write")).mean_s()
    util = _node_util(db, peak * write_mean, peak)
    if util <= float(TARGET_STATEFUL):
        ctx.decide(
            "location-store",
            "Where driver positions live",
            "in the primary database",
            "P1",
            f"{per_s(peak)} location upserts at peak use {pct(util)} of one "
            "database node (threshold 50%)",
            "db",
        )
        return
    kv = ctx.comp(
        "kv",
        "locations",
        "latest driver positions in memory with a geo index, "
        f"expiring after 30 s of silence; {per_s(peak)} upserts at peak would use "
        f"{pct(util)} of one node of the primary database",
    )
    kv.state.append("DriverLocation")
    kv.recovery = "none needed: drivers resend their position within seconds"
    kv.replicas = nodes_for(utilization(0.0, peak, 1, max_throughput(kv.tech)), TARGET_STATEFUL)
    ctx.entity("DriverLocation").stored_in = kv.id
    for item in ctx.ops:
        for call in _iter_calls(item.calls):
            if (
                call.component == "db"
                and call.rationale
                and ("DriverLocation" in call.rationale or "geohash" in call.rationale)
            ):
                call.target = f"{kv.id}.{'set' if call.work == 'write' else 'get'}"
    ctx.decide(
        "location-store",
        "Where driver positions live",
        f"in Redis ({kv.replicas} node(s)), not the database",
        "P1",
        f"{per_s(peak)} location upserts at peak "
        f"would use {pct(util)} of one database node (threshold 50%); positions are "
        "ephemeral, so losing them costs one update interval",
        kv.id,
    )


def _iter_calls(items: list[CallSpec | OneOfSpec]) -> list[CallSpec]:
    out: list[CallSpec] = []
    for item in items:
        if isinstance(item, OneOfSpec):
            for branch in item.branches:
                out.extend(_iter_calls(branch.calls))
        else:
            out.append(item)
            out.extend(_iter_calls(item.calls))
    return out


# --------------------------------------------------------------------------- database


def _database(ctx: Ctx) -> None:
    db = ctx.comps.get("db")
    if db is None:
        return
    flow = flows(ctx)["db"]
    u_read, u_write = _db_utils(ctx, db, flow)
    reads_text = _explain(db, _peak(ctx, flow.read_rate), _peak(ctx, flow.read_busy), "reads")
    writes_text = _explain(db, _peak(ctx, flow.write_rate), _peak(ctx, flow.write_busy), "writes")
    total = u_read + u_write
    target = float(TARGET_STATEFUL)
    if total <= target:
        ctx.decide(
            "db-replicas",
            "Read replicas",
            "none: one primary serves reads and writes",
            "P2",
            f"{reads_text}; {writes_text}; together {pct(total)} ≤ 50% of one "
            "node, so followers would add lag and cost for nothing",
            "db",
        )
        ctx.decide(
            "cache",
            "Caching",
            "no cache",
            "P4",
            f"the primary serves peak reads at "
            f"{pct(u_read)} of one node; a cache is another stateful component with "
            "invalidation bugs, justified only by numbers that need it",
            "db",
        )
        _headroom(ctx, db)
        return
    needed = nodes_for(u_read, TARGET_STATEFUL)
    if needed > MAX_READ_REPLICAS and ctx.lookups:
        _add_cache(ctx, u_read, needed, reads_text)
        flow = flows(ctx)["db"]
        u_read, u_write = _db_utils(ctx, db, flow)
        reads_text = _explain(
            db, _peak(ctx, flow.read_rate), _peak(ctx, flow.read_busy), "reads after the cache"
        )
        needed = nodes_for(u_read, TARGET_STATEFUL) if u_read + u_write > target else 0
    else:
        ctx.decide(
            "cache",
            "Caching",
            "no cache",
            "P4",
            f"read replicas cover the reads "
            f"({needed} ≤ {MAX_READ_REPLICAS} followers); a cache is the next step, "
            "not the first",
            "db",
        )
    if needed:
        db.read_replicas = needed
        ctx.decide(
            "db-replicas",
            "Read replicas",
            f"{needed} read replica(s)",
            "P2",
            f"{reads_text}; read_replicas = ⌈{pct(u_read)} ÷ 50%⌉ = {needed}; reads "
            "that must see their own writes go to the primary",
            "db",
        )
    else:
        ctx.decide(
            "db-replicas",
            "Read replicas",
            "none",
            "P2",
            f"{reads_text}: the primary has headroom (≤ 50%)",
            "db",
        )
    if u_write > target:
        ctx.decide(
            "db-writes",
            "Write capacity",
            "partition (shard) the write-heavy tables",
            "P2",
            f"{writes_text}: writes alone exceed 50% of the primary; replicas do not help writes",
            "db",
        )
        ctx.ledger.ask(
            f"Writes need {pct(u_write)} of one database node at peak: can they be "
            "batched, or which key partitions them?"
        )
    _headroom(ctx, db)


def _db_utils(ctx: Ctx, db: CompSpec, flow: Flow) -> tuple[float, float]:
    u_read = _node_util(db, _peak(ctx, flow.read_busy), _peak(ctx, flow.read_rate))
    u_write = _node_util(db, _peak(ctx, flow.write_busy), _peak(ctx, flow.write_rate))
    return u_read, u_write


def _headroom(ctx: Ctx, db: CompSpec) -> None:
    ctx.ledger.assume_entry(
        "db-headroom",
        "the primary database stays under 50% utilization at peak",
        "decision threshold for replicas and caching (checked by the capacity pass)",
        {"metric": "utilization", "component": db.id, "max": "50%"},
    )


def _add_cache(ctx: Ctx, u_read: float, needed: int, reads_text: str) -> None:
    cache = ctx.comp("cache", "cache", None)
    hit = f"{int(CACHE_HIT * 100)}%"
    miss = f"{int((1 - CACHE_HIT) * 100)}%"
    cache.cache = {
        "justification": f"{reads_text} would need {needed} read replicas (> {MAX_READ_REPLICAS})",
        "ttl": "1h",
        "invalidation": "delete the key on update or delete (cache-aside)",
        "hit_ratio": f"{hit} assumed for skewed (Zipf-like) key lookups; measure it",
    }
    cache.rationale = (
        "[P4 strategic caching] hot key lookups only; the database stays the source of truth"
    )
    cache.recovery = "none needed: a cold cache refills from the database"
    ctx.ledger.assume_entry(
        "cache-hit-ratio",
        f"the cache serves {hit} of lookups",
        "assumed: skewed key popularity (Zipf-like); measure before relying on it",
    )
    for op_id, _entity in ctx.lookups:
        call = ctx.api_call(op_id)
        if call is None:
            continue
        for index, item in enumerate(call.calls):
            if isinstance(item, CallSpec) and item.component == "db" and item.work == "read":
                get = CallSpec(
                    "cache.get",
                    on_failure="fail_open",
                    breaker=True,
                    fallback="read from the database",
                )
                call.calls[index] = OneOfSpec(
                    [
                        BranchSpec(hit, "hit", [get]),
                        BranchSpec(
                            miss,
                            "miss",
                            [
                                CallSpec(
                                    "cache.get",
                                    on_failure="fail_open",
                                    breaker=True,
                                    fallback="read from the database",
                                ),
                                item,
                                CallSpec(
                                    "cache.set",
                                    on_failure="fail_open",
                                    fallback="skip caching this value",
                                ),
                            ],
                        ),
                    ]
                )
                break
    ctx.decide(
        "cache",
        "Caching",
        f"cache-aside in front of {', '.join(o for o, _ in ctx.lookups)}",
        "P4",
        f"{reads_text}: {needed} read replicas would be needed (> "
        f"{MAX_READ_REPLICAS}); with {hit} hits the misses fit",
        "cache",
    )


# --------------------------------------------------------------------------- media


def _media_delivery(ctx: Ctx) -> None:
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
    peak = _peak(ctx, op.rate)
    egress = peak * float(size)
    blobs = ctx.comp("blobs")
    get_util = _node_util(blobs, 0.0, peak)
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


# --------------------------------------------------------------------------- search


def _search_index(ctx: Ctx) -> None:
    index = ctx.comps.get("search")
    if index is None:
        return
    flow = flows(ctx)["search"]
    util = _node_util(index, _peak(ctx, flow.read_busy), _peak(ctx, flow.read_rate))
    base = replicas_of(index.tech, index.replicas)
    needed = nodes_for(util, TARGET_STATEFUL)
    text = _explain(index, _peak(ctx, flow.read_rate), _peak(ctx, flow.read_busy), "searches")
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


# --------------------------------------------------------------------------- stateless tiers


def _stateless(ctx: Ctx) -> None:
    flow = flows(ctx)
    for comp in ctx.comps.values():
        if comp.kind not in ("service", "worker", "load_balancer"):
            continue
        f = flow.get(comp.id)
        if f is None or f.rate == 0:
            continue
        peak_busy, peak_rate = _peak(ctx, f.busy), _peak(ctx, f.rate)
        util = _node_util(comp, peak_busy, peak_rate)
        replicas = max(2, nodes_for(util, TARGET_STATELESS))
        because = (
            _explain(comp, peak_rate, peak_busy, "requests")
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


def _queues_and_externals(ctx: Ctx) -> None:
    flow = flows(ctx)
    for comp in ctx.comps.values():
        f = flow.get(comp.id)
        if f is None or f.rate == 0:
            continue
        peak = _peak(ctx, f.rate)
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


# --------------------------------------------------------------------------- storage


def _storage(ctx: Ctx) -> None:
    names = MAIN_ENTITY.get(ctx.classification.primary, ())
    entity = next((ctx.entities[n] for n in names if n in ctx.entities), None)
    if entity is None and ctx.entities:
        entity = next(
            (e for e in ctx.entities.values() if e.id != "User"), next(iter(ctx.entities.values()))
        )
    if entity is None:
        return
    main_write = ctx.find_op(ctx.primary_write)
    writes = main_write.rate if main_write is not None else ctx.load.writes
    if not writes:
        return
    entity.growth = writes
    item = ctx.load.item_size
    if item is not None and item <= 64_000 and entity.id != "Media":
        entity.row_size = str(Size(item))
    row_bytes = _row_bytes(entity.row_size)
    retention = retention_for_sizing(ctx.load, ctx.ledger)
    rows = writes * retention
    total = rows * row_bytes
    years = retention / (365 * DAY)
    text = (
        f"{per_s(float(writes))} new {entity.id} rows × {float(years):g} years × "
        f"{Size(row_bytes)} ≈ {size3(total)}"
    )
    storage_fig = ctx.load.storage
    if storage_fig is not None:
        text += f" (the task says {Size(storage_fig)} in total)"
        total = max(total, storage_fig)
    ctx.storage_total = size3(total)
    ctx.figures.append((f"storage ({float(years):g} years)", size3(total)))
    if total > STORAGE_THRESHOLD:
        ctx.decide(
            "storage",
            "Data volume",
            f"partition {entity.id} by time and archive old rows",
            "P2",
            f"{text}: more than 2 TB on one node makes backups, restores and index builds slow",
            entity.id,
        )
        ctx.ledger.ask(
            f"{entity.id} grows past 2 TB: may old rows move to cheaper storage, "
            "or which key partitions them?"
        )
    else:
        ctx.decide(
            "storage",
            "Data volume",
            "one database node holds it",
            "P2",
            f"{text} ≤ 2 TB",
            entity.id,
        )
    if "blobs" in ctx.comps and ctx.load.item_size and entity.id == "Media":
        blob_total = writes * retention * ctx.load.item_size
        ctx.ledger.derived(
            "object storage",
            size3(blob_total),
            f"{per_s(float(writes))} uploads × {Size(ctx.load.item_size)} × {float(years):g} years",
        )


def size3(value: Fraction) -> str:
    """A size rounded to three significant digits (`3.15TB`)."""
    if value <= 0:
        return "0B"
    return str(Size(Fraction(f"{float(value):.3g}")))


def _row_bytes(row_size: str | None) -> Fraction:
    if row_size is None:
        return Fraction(1000)
    from archproof.units import parse_size

    try:
        return parse_size(row_size).bytes
    except ValueError:
        return Fraction(1000)


_HA_KINDS = frozenset({"database", "queue", "search_index"})


def _path_availability(ctx: Ctx, op_calls: list[CallSpec | OneOfSpec]) -> tuple[float, list[str]]:
    """Availability of an operation's required calls: Π (1 − (1 − a)^n) over components."""
    required: list[str] = []
    for call in _iter_calls(op_calls):
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


def _high_availability(ctx: Ctx) -> None:
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


def _latency_risks(ctx: Ctx) -> None:
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
