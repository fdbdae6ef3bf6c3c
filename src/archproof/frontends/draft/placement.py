"""Where state and events go, decided by the numbers: the event hub for analytics,
rate-limit counters, drivers' positions (see compose for the thresholds)."""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.flows import (
    at_peak,
    iter_calls,
    node_util,
    op_rates,
    service_time,
)
from archproof.frontends.draft.plan import CallSpec, CompSpec, EventSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import (
    TARGET_STATEFUL,
    max_throughput,
    ms,
    nodes_for,
    per_s,
    utilization,
)
from archproof.model import Principle
from archproof.model.requirements import at_peak as peak_of
from archproof.numbers import sig

HUB_THRESHOLD = 1000  # events/s at peak before an event hub pays for itself


# The analytics events' hub (an event hub or a plain queue, by their rate): other blocks'
# consumers of the same events (a rule matcher) read it under this id.
HUB_ID = "events"


def event_hub(ctx: Ctx) -> None:
    if ctx.event_rate is None:
        return
    peak = at_peak(ctx, ctx.event_rate)
    kafka = peak >= HUB_THRESHOLD
    if kafka:
        hub = ctx.comp(
            "events",
            HUB_ID,
            "event hub: a replayable log for high-volume, non-time-sensitive analytics events",
        )
        choice = "analytics events on an event hub (Kafka)"
        because = (
            f"{per_s(peak)} events at peak ≥ {HUB_THRESHOLD}/s; consumers batch them, "
            "nobody waits for them, and the log can be replayed"
        )
    else:
        hub = ctx.comp("queue", HUB_ID, "job queue carrying analytics events")
        choice = "analytics events on a plain job queue, no event hub"
        because = (
            f"{per_s(peak)} events at peak < {HUB_THRESHOLD}/s: a queue and a worker "
            "are enough; an event hub would be one more stateful system to run"
        )
    ctx.decide("events-hub", "Analytics events transport", choice, Principle.EV, because, hub.id)
    publish = CallSpec(
        f"{hub.id}.enqueue",
        async_=True,
        on_failure="fail_open",
        fallback="drop the event and count the drop in a metric (analytics can lose a few)",
        rationale="fire-and-forget: high volume, not time-sensitive",
    )
    target = ctx.find_op("track_event") or ctx.find_op(ctx.primary_read)
    call = ctx.api_call(target.id) if target is not None else None
    if target is not None and call is not None:
        call.calls.append(publish)
        if target.id != "track_event":
            ratio = ctx.event_rate / (target.rate or ctx.event_rate)
            if ratio != 1:
                publish.p = str(min(Fraction(1), ratio))
    worker = ctx.comp("worker")
    worker.work.setdefault("aggregate", {"lognormal": {"p50": "50us", "p99": "500us"}})
    worker.work_notes.setdefault(
        "aggregate", "per event, in memory: add to the minute's rollup (flushed in batches)"
    )
    ctx.job(
        "aggregate_events",
        hub.id,
        "aggregate",
        [
            CallSpec(
                "db.write",
                p="1/100",
                idempotent=True,
                rationale="one batched upsert of per-minute rollups per 100 events",
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
            rationale=f"{because}",
        )
    )


def rate_limit_guard(ctx: Ctx) -> None:
    if not ctx.classification.has("rate_limit"):
        return
    guarded = [
        op
        for op in ctx.ops
        if op.sync and op.calls and ctx.api_call(op.id) is not None and op.id != "update_limits"
    ]
    rates = op_rates(ctx)
    checks = sum((rates[op.id] for op in guarded), Fraction(0))
    peak = at_peak(ctx, checks)
    budget = _added_latency_budget(ctx)
    if ctx.classification.primary == "rate_limit" and any(o.id == "check_limit" for o in guarded):
        bucket_capacity(ctx, "check_limit", Principle.FH)
    if ctx.classification.primary == "rate_limit" and budget is not None:
        _buckets_in_memory(ctx, guarded, budget, peak)
        return
    db = ctx.comp("db")
    write_mean = service_time(ctx, CallSpec("db.write")).mean_s()
    util = node_util(db, peak * write_mean, peak)
    entity = ctx.entity("RateLimitBucket")
    if util <= 0.25:
        target, work = "db.write", "write"
        where = "db"
        choice = "counters in the primary database (an upsert per request)"
        because = (
            f"{per_s(peak)} checks at peak keep one database node under 25% (the "
            "threshold): no new stateful component needed"
        )
    else:
        kv = ctx.comp(
            "kv",
            "limiter",
            "rate-limit counters: in memory, each expiring at the "
            f"end of its window; {per_s(peak)} updates at peak would take more than 25% "
            "of one node of the primary database",
        )
        kv.state.append("RateLimitBucket")
        kv.recovery = "none needed: counters restart at zero after a loss (a brief burst)"
        flow_util = utilization(0.0, peak, 1, max_throughput(kv.tech))
        kv.replicas = nodes_for(flow_util, TARGET_STATEFUL)
        entity.stored_in = kv.id
        if ctx.classification.primary == "rate_limit":
            _quotas_beside_the_counters(ctx, kv)
        target, work, where = f"{kv.id}.incr", "incr", kv.id
        choice = "counters in Redis (INCR with expiry), not the database"
        because = (
            f"{per_s(peak)} checks at peak would take more than 25% of one database node "
            f"(the threshold); Redis nodes needed: {kv.replicas}"
        )
    del work
    for op in guarded:
        if where != "db":
            op.accept.setdefault(
                "FH011",
                "the counter is the limiter's own ephemeral state (it expires with its "
                "window), not the request's data: failing open on a limiter outage is the "
                "decision 'rate-limit-fail-open'",
            )
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
                rationale="check and count in one atomic step",
            ),
        )
    ctx.decide(
        "rate-limit-store", "Where rate-limit counters live", choice, Principle.ST, because, where
    )
    nodes = _stated_nodes(ctx)
    if nodes is not None:
        limiter_split(ctx, peak_of(checks, ctx.load.peak_factor), nodes, where, " at peak")
    ctx.decide(
        "rate-limit-fail-open",
        "Rate limiter fails open",
        "fail_open with a logged bypass",
        Principle.FH,
        "a limiter outage must not take the whole API down; it is a "
        "protective, non-critical feature",
        where,
    )


def location_store(ctx: Ctx) -> None:
    op = ctx.find_op("update_location")
    if op is None or op.rate is None:
        return
    peak = at_peak(ctx, op.rate)
    db = ctx.comp("db")
    write_mean = service_time(ctx, CallSpec("db.write")).mean_s()
    util = node_util(db, peak * write_mean, peak)
    if util <= float(TARGET_STATEFUL):
        ctx.decide(
            "location-store",
            "Where driver positions live",
            "in the primary database",
            Principle.ST,
            f"{per_s(peak)} location upserts at peak keep one database node under 50% "
            "(the threshold)",
            "db",
        )
        return
    kv = ctx.comp(
        "kv",
        "locations",
        "latest driver positions in memory with a geo index, "
        f"expiring after 30 s of silence; {per_s(peak)} upserts at peak would take more "
        "than 50% of one node of the primary database",
    )
    kv.state.append("DriverLocation")
    kv.recovery = "none needed: drivers resend their position within seconds"
    kv.replicas = nodes_for(utilization(0.0, peak, 1, max_throughput(kv.tech)), TARGET_STATEFUL)
    ctx.entity("DriverLocation").stored_in = kv.id
    for item in ctx.ops:
        for call in iter_calls(item.calls):
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
        Principle.ST,
        f"{per_s(peak)} location upserts at peak "
        "would take more than 50% of one database node (the threshold); positions are "
        "ephemeral, so losing them costs one update interval",
        kv.id,
    )


NODE_WORDS = frozenset({"node", "server", "instance", "machine", "host", "gateway"})
_SHARED_STORE = "redis"
_MIN_SPLIT = 50  # requests per window a node's share of a limit must keep to stay fair


def limiter_split(ctx: Ctx, total: Fraction, nodes: Fraction, element: str, when: str = "") -> None:
    """Per-node buckets or one shared store, by the task's numbers (issue 13 item 6).

    Per-node buckets split each client's limit N ways (limit ÷ N a node): no network call,
    but a client whose requests land on one node gets only its share, and one spread over
    all of them gets the whole limit only on average. A shared store is exact and costs one
    remote increment per request: fine while the total stays well inside one store node.
    """
    per_node = total / nodes
    limit = _stated_limit(ctx)
    burst = stated_burst(ctx)
    ceiling = max_throughput(_SHARED_STORE) or 100_000.0
    store_util = float(total) / ceiling
    if limit is None or limit.per_second is None:
        split_text, split_ok = "no per-client limit stated", True
    else:
        per_window = limit.value / nodes
        split_ok = per_window >= _MIN_SPLIT
        split_text = (
            f"{limit.describe()} ÷ {nodes} nodes = {sig(float(per_window), 6)} per {limit.period} "
            f"a node ({'enough' if split_ok else 'too few'} to split fairly, threshold "
            f"{_MIN_SPLIT} per window)"
        )
    if burst is not None:
        # a node's bucket holds its share of the burst: under one token it refuses every
        # request that lands on it while empty
        node_burst = burst.value / nodes
        split_ok = split_ok and node_burst >= 1
        split_text += (
            f"; its burst {burst.value} ÷ {nodes} nodes = {sig(float(node_burst), 6)} tokens "
            "a node's bucket holds"
        )
    shared = not split_ok and store_util <= float(TARGET_STATEFUL)
    share = "limit and burst" if burst is not None else "limit"
    choice = (
        f"one shared store ({_SHARED_STORE}: an atomic increment per request, with a "
        "per-node bucket as the fallback when it is unreachable)"
        if shared
        else f"per-node buckets, each with 1/{nodes} of every client's {share}"
    )
    because = (
        f"{per_s(float(total))} checks{when} in total = {per_s(float(per_node))} per node; "
        f"{split_text}; a shared {_SHARED_STORE} at {per_s(float(total))} stays "
        f"{'under' if store_util <= float(TARGET_STATEFUL) else 'above'} 50% of one node's "
        f"ceiling ({per_s(ceiling)})"
    )
    ctx.decide(
        "limiter-placement",
        "Per-node buckets or a shared store",
        choice,
        Principle.ST,
        because,
        element,
    )
    ctx.ledger.ask(
        "Are a client's requests spread evenly over the nodes (round robin), or sticky? "
        "It decides whether per-node buckets are fair."
    )


def _stated_limit(ctx: Ctx) -> Quantity | None:
    """A client's limit: the first rate per something ("10 requests per second" each user)."""
    return next(
        (
            q
            for q in ctx.load.extracted.reading.placed
            if q.unit == "count" and q.per_second and q.per is not None
        ),
        None,
    )


def stated_burst(ctx: Ctx) -> Quantity | None:
    """The burst the task allows ("bursts up to 20"): a token bucket's capacity."""
    return next((q for q in ctx.load.extracted.reading.placed if q.role == "burst"), None)


def bucket_capacity(ctx: Ctx, element: str, principle: Principle) -> None:
    """A token bucket per client, sized by the task: its capacity is the burst, its refill
    the limit. Said only when the task states the burst (else it is asked)."""
    burst = stated_burst(ctx)
    if burst is None:
        return
    limit = _stated_limit(ctx)
    refill = (
        f"refilled at {limit.describe()} (the limit)"
        if limit is not None
        else "refilled at the client's limit"
    )
    ctx.decide(
        "limiter-bucket",
        "Token bucket size",
        f"one token bucket per client: capacity {burst.value} tokens, {refill}",
        principle,
        f'the task\'s "{_burst_words(burst)}" is what a client may spend at once: a full bucket '
        f"lets {burst.value} requests through together, then only as fast as it refills; "
        "a bucket is a few numbers (tokens, last refill time), refilled lazily on each call",
        element,
    )


def _burst_words(burst: Quantity) -> str:
    """The burst as the task words it ("bursts up to 20"), else its number and subject."""
    found = re.search(rf"\bbursts?\b[\w\s]{{0,20}}?{re.escape(burst.text)}", burst.sentence, re.I)
    return found.group(0) if found else burst.describe()


def _stated_nodes(ctx: Ctx) -> Fraction | None:
    """How many nodes the task says the limiter runs on ("across 8 gateway nodes")."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit != "count" or item.period is not None or not item.subject:
            continue
        if item.subject.split()[-1].lower().rstrip("s") in NODE_WORDS and item.value > 1:
            return item.value
    return None


LOCAL_BUDGET = Fraction(5, 1000)  # a stated added latency below this rules out a remote store


def _added_latency_budget(ctx: Ctx) -> Fraction | None:
    """A latency target the task puts on the limiter itself ("must add less than 2 ms to
    each request") small enough that a network round trip to a shared store cannot fit."""
    for fig in ctx.load.extracted.all("latency"):
        if fig.value <= LOCAL_BUDGET:
            return fig.value
    return None


def _buckets_in_memory(ctx: Ctx, guarded: list[OpSpec], budget: Fraction, peak: float) -> None:
    """The limiter's nodes own the keys: the load balancer hashes each API key to one node,
    whose buckets live in its memory. A check is a memory access, not a round trip; a node
    lost restarts its keys' buckets (a brief burst above the limit)."""
    api = ctx.comp("api")
    for op in guarded:
        work = op.id
        api.work[work] = {"lognormal": {"p50": "50us", "p99": "500us"}}
        api.work_notes[work] = "in memory: refill and take from the key's token bucket"
    api.state.append("token buckets per API key (in memory, this node's share of the keys)")
    api.recovery = (
        "none needed: a restarted node starts its keys' buckets full (a brief burst above "
        "the limit); limits are reloaded from the database"
    )
    api.accept["ST002"] = (
        "the buckets are partitioned, not copied: the load balancer hashes each API key to "
        "one node, so every check of a key meets the same bucket"
    )
    ctx.entities.pop("RateLimitBucket", None)
    ctx.decide(
        "rate-limit-store",
        "Where rate-limit counters live",
        "in the limiter nodes' memory, each node owning a share of the API keys (consistent "
        "hashing at the load balancer)",
        Principle.ST,
        f"the task allows {ms(float(budget))} per check; a shared store is a network round "
        f"trip (Redis p99 about 2 ms in the catalog), so only a memory access fits; "
        f"{per_s(peak)} checks at peak",
        "api",
    )
    ctx.ledger.ask(
        "After a limiter node restarts, may its keys burst above their limit briefly, or must "
        "buckets be persisted (then each check pays a write)?"
    )


def _quotas_beside_the_counters(ctx: Ctx, kv: CompSpec) -> None:
    """A limiter whose counters live in Redis keeps its few, rarely written quotas there
    too (persisted with append-only files): a database for them alone would be one more
    stateful system for a feature the counters' store holds easily (review ST006)."""
    quota = ctx.entities.get("Quota")
    if quota is None:
        return
    quota.stored_in = kv.id
    kv.state.append("Quota")
    kv.recovery = (
        "quotas persisted with append-only files and restored on restart; counters restart "
        "at zero after a loss (a brief burst)"
    )
    for op in ctx.ops:
        for call in iter_calls(op.calls):
            if call.component == "db":
                call.target = f"{kv.id}.{'set' if call.work == 'write' else 'get'}"
    if not any(e.stored_in == "db" for e in ctx.entities.values()) and not any(
        call.component == "db" for op in ctx.ops for call in iter_calls(op.calls)
    ):
        ctx.comps.pop("db", None)
