"""Scaling and resilience decisions by the numbers: CDN, search capacity, stateless
replicas, queue capacity, standbys for availability, p99 risks (see compose)."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import archproof.numbers as numbers
from archproof.catalog import load_catalog
from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.flows import (
    SEE_ANALYZE,
    at_peak,
    explain,
    flows,
    is_write,
    iter_calls,
    node_util,
    p99_estimate,
    service_time,
    walk,
    written_rate,
)
from archproof.frontends.draft.lexicon import stated_as_ceiling
from archproof.frontends.draft.plan import CallSpec, CompSpec, OneOfSpec, OpSpec
from archproof.frontends.draft.sizing import (
    TARGET_STATEFUL,
    TARGET_STATELESS,
    WAIT_ALLOWANCE,
    entry_of,
    max_throughput,
    ms,
    nodes_for,
    p99_s,
    pct,
    per_s,
    replicas_of,
)
from archproof.model import Principle
from archproof.model.traits import kinds_where
from archproof.numbers import sig
from archproof.policy import SHARD_WRITE_SHARE
from archproof.units import Size, parse_duration

CDN_HIT = Fraction(9, 10)
EGRESS_THRESHOLD = 1e9 / 8  # 1 Gbit/s in bytes/s
CONNECTIONS_PER_GATEWAY = 50_000


def media_delivery(ctx: Ctx) -> None:
    """Downloads of immutable bytes through a CDN when their egress or the object store's
    GETs call for one: the media block's downloads, or the main read that returns an
    item's bytes from the object store (`blobs.blob_store`: "a tarball is 300 KB")."""
    # the media block's download, named for what the files are (download_report)
    op = next((o for o in ctx.ops if o.pattern == "media" and o.id.startswith("download_")), None)
    media = op is not None
    op = op or _bytes_read(ctx)
    if op is None or op.rate is None:
        return
    video = ctx.mentions(r"video|stream")
    size = ctx.load.item_size
    if size is None and not media:
        return  # the object store holds bytes of a stated size, or none
    if size is None:
        size = Fraction(50 * 10**6) if video else Fraction(2 * 10**6)
        what = "average " + ("video" if video else "photo") + " size"
        ctx.ledger.assumed("file size", str(Size(size)), what, "file-size")
        ctx.media_size = (size, f"assumed: {what}")
    elif media:
        stated = ctx.load.extracted.first("item_size")
        note = f'from the task: "{stated.quote}"' if stated else "the item size"
        if stated is not None and stated_as_ceiling(ctx.text, stated.start):
            note += " (a maximum, taken for every file: an upper bound)"
        ctx.media_size = (size, note)
    # the rate as the YAML writes it (three digits), the one the lowered model and the
    # figures read: "68.8/s" here beside their 68.7/s was a second figure
    peak = at_peak(ctx, written_rate(op.rate))
    each, of_file = Fraction(size), str(Size(size))
    if ctx.download_share is not None:
        share, what = ctx.download_share
        # "500KB, a 6-second segment of a 10-minute 50MB video"
        each, of_file = size * share, f"{Size(size * share)}, {what} {Size(size)} video"
    egress = peak * float(each)
    blobs = ctx.comp("blobs")
    get_util = node_util(blobs, 0.0, peak)
    gbit = egress * 8 / 1e9
    far = _far_readers(ctx.text)
    if egress >= EGRESS_THRESHOLD or get_util > float(TARGET_STATEFUL) or far is not None:
        ctx.comp("cdn", "cdn", "edge cache for immutable " + ("media " if media else "") + "bytes")
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
            f"assumed: {'media is' if media else 'the bytes are'} immutable (new versions get "
            "new keys)",
        )
        ctx.decide(
            "cdn",
            "Media delivery" if media else "Download delivery",
            "through a CDN",
            Principle.CA,
            (
                f'the task: "{far}": edge caches near far readers cut the round trip to one '
                "region, which no bandwidth sizing shows; "
                if far is not None
                else ""
            )
            + f"peak egress {per_s(peak)} × {of_file} = {sig(gbit, 3)} Gbit/s; the thresholds "
            "are 1 Gbit/s of egress and object store GETs above 50% of its limit",
            "cdn",
        )
    else:
        ctx.decide(
            "cdn",
            "Media delivery" if media else "Download delivery",
            "straight from the object store, no CDN",
            Principle.CA,
            f"peak egress {sig(gbit, 3)} Gbit/s < 1 Gbit/s and GETs under 50% of the store's limit",
            "blobs",
        )


# Bytes that must load fast for readers far away: "Photos must load fast worldwide",
# "images served quickly to readers around the world". A sentence with both.
_FAST = re.compile(r"\b(?:fast|quick\w*|low[- ]latency|snappy|instant\w*)\b", re.IGNORECASE)
_FAR = re.compile(
    r"\b(?:worldwide|world-wide|globally|(?:around|across|all\s+over)\s+the\s+(?:world|globe)"
    r"|in\s+every\s+(?:country|continent|region)|on\s+every\s+continent)\b",
    re.IGNORECASE,
)


def _far_readers(text: str) -> str | None:
    """The sentence saying the bytes must load fast far away, when the task says it."""
    for sentence in re.split(r"(?<=[.;!?])\s+|\n", text):
        if _FAST.search(sentence) and _FAR.search(sentence):
            return sentence.strip().rstrip(".;!?")
    return None


def _bytes_read(ctx: Ctx) -> OpSpec | None:
    """The generic block's main read, when it returns an item's bytes from the object store
    (a block that keeps bytes of its own, as pastes that expire, serves them its way)."""
    op = ctx.find_op(ctx.primary_read)
    read = ctx.api_call(ctx.primary_read or "")
    if op is None or op.pattern != "crud" or read is None:
        return None
    gets = any(isinstance(c, CallSpec) and c.target == "blobs.get" for c in read.calls)
    return op if gets else None


def search_index(ctx: Ctx) -> None:
    index = ctx.comps.get("search")
    if index is None:
        return
    flow = flows(ctx)["search"]
    util = node_util(index, at_peak(ctx, flow.read_busy), at_peak(ctx, flow.read_rate))
    u_write = node_util(index, at_peak(ctx, flow.write_busy), at_peak(ctx, flow.write_rate))
    if u_write * WAIT_ALLOWANCE > float(TARGET_STATEFUL * SHARD_WRITE_SHARE):
        _index_shards(ctx, index, util * WAIT_ALLOWANCE, u_write * WAIT_ALLOWANCE)
        return
    base = replicas_of(index.tech, index.replicas)
    # searches and indexing together, with the waits allowance: what verify_capacity checks,
    # so it finds nothing to add (sized by the searches alone, it added a node in a second
    # decision)
    total = node_util(index, at_peak(ctx, flow.busy), at_peak(ctx, flow.rate)) * WAIT_ALLOWANCE
    needed = nodes_for(total, TARGET_STATEFUL)
    text = explain(index, "searches and indexing")
    if needed > base:
        index.read_replicas = needed - base
        ctx.decide(
            "search-replicas",
            "Search capacity",
            f"{index.read_replicas} extra replica(s)",
            Principle.DB,
            f"{text}; nodes = {needed}, the fewest that keep each under 50% at peak; "
            + SEE_ANALYZE,
            index.id,
        )


def _index_shards(ctx: Ctx, index: CompSpec, u_read: float, u_write: float) -> None:
    """Indexing that fills primaries: every document lands on one primary shard, so the
    primaries are sized for the writes (each at ≤ 35%), replicas for the reads on top
    (the lowering spreads reads over primaries and replicas, writes over primaries)."""
    share = float(TARGET_STATEFUL * SHARD_WRITE_SHARE)
    shards = max(replicas_of(index.tech, None), nodes_for(u_write, Fraction(share)))
    room = float(TARGET_STATEFUL) - u_write / shards
    extra = max(0, nodes_for(u_read, Fraction(room).limit_denominator(1000)) - shards)
    index.replicas = shards
    index.read_replicas = extra
    ctx.decide(
        "search-shards",
        "Index shards for the write load",
        f"{shards} primary nodes" + (f" and {extra} read replica(s)" if extra else ""),
        Principle.DB,
        f"indexing fills more than 35% of one node at peak: {shards} primaries are the "
        "fewest that keep each one's writes under 35% (70% of the 50% target), and the "
        "replicas the fewest that keep every node under 50% with the searches; " + SEE_ANALYZE,
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
        replicas = max(2, nodes_for(util * WAIT_ALLOWANCE, TARGET_STATELESS))
        because = (
            explain(comp, "requests")
            + f"; replicas = {replicas}, the fewest that keep {comp.id} under 70% at peak "
            "(2 at least, to survive losing one)"
        )
        # any tier that holds clients' connections (the role, whatever its id: a chat's
        # gateway, a call's signalling servers) is sized by them too
        if comp.role == "gateway":
            concurrent = ctx.load.concurrent
            fleet = ctx.load.fleet
            if concurrent is None and fleet is not None:
                # the gateway pushes commands to a fleet: every device holds a connection
                concurrent = fleet.devices.value
                ctx.ledger.derived(
                    "concurrent connections",
                    f"{float(concurrent):,.0f}",
                    f'one open connection per {fleet.noun} ("{fleet.devices.describe()}")',
                )
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
        because += "; " + SEE_ANALYZE
        if comp.kind == "service" and comp.role in ("api", "gateway"):
            comp.shed_load = True  # admission control: 503 above its target utilization
        if replicas > 2:
            ctx.decide(
                f"{comp.id}-replicas",
                f"{comp.id} replicas",
                f"{replicas} replicas",
                Principle.ST,
                because,
                comp.id,
            )
        else:
            comp.notes.append(because)
    if any(c.shed_load for c in ctx.comps.values()):
        ctx.decide(
            "admission-control",
            "Admission control",
            "the request-serving tiers shed load (503 with Retry-After) above their target "
            "utilization",
            Principle.FH,
            "a burst the design was not sized for (a retry storm, a crawler, one client's "
            "batch) must be turned away early, not queued until every request times out",
            next(c.id for c in ctx.comps.values() if c.shed_load),
        )
    ctx.decide(
        "stateless-tiers",
        "Stateless tiers",
        "API and workers keep no state; they scale by replicas (2+ for availability)",
        Principle.ST,
        "all durable state is in the primary store (and queues for jobs in flight)",
        "api" if "api" in ctx.comps else None,
    )


def queues_and_externals(ctx: Ctx) -> None:
    """Queues sized like the capacity pass sizes them; external APIs get a stated quota.

    Per node, ρ = max(peak rate × held ÷ concurrency, peak rate ÷ max_throughput) — the
    first term is the capacity pass's ρ = λ·E[H] / (instances × concurrency); the catalog
    keeps the two consistent (Little's law). Nodes = ⌈ρ ÷ 70%⌉.
    """
    flow = flows(ctx)
    for comp in ctx.comps.values():
        f = flow.get(comp.id)
        if f is None or f.rate == 0:
            continue
        peak, peak_busy = at_peak(ctx, f.rate), at_peak(ctx, f.busy)
        if comp.kind == "queue":
            util = node_util(comp, peak_busy, peak)
            base = replicas_of(comp.tech, None)
            needed = nodes_for(util * WAIT_ALLOWANCE, TARGET_STATELESS)
            if needed > base:
                comp.replicas = needed
                ctx.decide(
                    f"{comp.id}-capacity",
                    f"{comp.id} capacity",
                    f"{needed} nodes/partitions",
                    Principle.OP,
                    f"{explain(comp, 'messages')}; nodes = {needed}, the fewest that "
                    "keep it under 70% at peak; " + SEE_ANALYZE,
                    comp.id,
                )
        if comp.kind == "external":
            _external_quota(ctx, comp, peak, peak_busy)


def _external_quota(ctx: Ctx, comp: CompSpec, peak: float, peak_busy: float) -> None:
    """Size the calls in flight to a third party so it runs at ≤ 70% of its quota.

    An external API is not ours to scale: the quota it grants is a requirement on the
    provider, stated as an assumption with the figure needed and asked as a question.
    """
    entry = entry_of(comp.tech)
    own = comp.concurrency or (entry.concurrency if entry else None)
    if own is None:
        return
    util = peak_busy / own
    if util <= float(TARGET_STATELESS):
        return
    needed = math.ceil(peak_busy * WAIT_ALLOWANCE / float(TARGET_STATELESS))
    ceiling = max_throughput(comp.tech)
    comp.concurrency = needed
    # A public limit is a rate, the figure here calls in flight (rate × time held): the two
    # are stated apart, and the rate is left to analyze (the one source of peak arrivals).
    typical = (
        f"; its rate limit must cover the peak calls a second `archproof analyze` prints "
        f"(a typical public limit is {per_s(ceiling)})"
        if ceiling
        else ""
    )
    stated = ctx.constrained("external_quota")
    if stated is not None and stated.rate is not None:
        # the task states the limit ("providers limit us to 20k emails per second"): said
        # with the peak it must carry, not a typical public figure
        limit = float(stated.rate)
        typical = f"; the task states its limit, {per_s(limit)}" + (
            f": the {per_s(peak)} calls at peak exceed it, so the workers must be throttled "
            "to it and the queue hold the excess (the model sends at the peak rate)"
            if peak > limit
            else f", which covers the {per_s(peak)} calls at peak"
        )
    ctx.decide(
        f"{comp.id}-quota",
        f"{comp.id} quota",
        f"plan for {needed} calls in flight from the provider",
        Principle.FH,
        f"peak calls × the time each is held: the catalog's concurrency of {own} would run "
        "it above 70% at peak, "
        "and a third party run near its limit answers 429s exactly at peak; concurrency = "
        f"{needed}, the fewest calls in flight that keep it under 70%; " + SEE_ANALYZE,
        comp.id,
    )
    ctx.ledger.assume_entry(
        f"{comp.id}-quota",
        f"'{comp.id}' accepts {needed} concurrent calls{typical}",
        "derived: the fewest calls in flight that keep it under 70% at peak; a contracted "
        "quota to confirm with the provider (or batch calls, if its API allows)",
        {"metric": "utilization", "component": comp.id, "max": "70%"},
    )
    ctx.ledger.ask(
        f"'{comp.id}' needs {needed} concurrent calls at peak{typical}: does the contract "
        "allow them, or can calls be batched?"
    )


def verify_capacity(ctx: Ctx) -> None:
    """Check every pool with the capacity pass's formula after composing; grow what is hot.

    ρ per node = λ·E[H] / (instances × concurrency) at peak (H includes nested synchronous
    calls, as in the capacity pass). Stateful pools (caches, key-value stores, search)
    keep ≤ 50%, queues, object stores and stateless tiers ≤ 70%; a hot one gets more
    replicas (shards, partitions, prefixes). The database is sized in compose and the
    external APIs by their quota. Replicas do not change holding times in this formula,
    so one sweep reaches the fixed point.
    """
    flow = flows(ctx)
    for comp in ctx.comps.values():
        if comp.kind in ("database", "external") and comp.role != "kv":
            continue
        f = flow.get(comp.id)
        if f is None or f.rate == 0:
            continue
        stateful = comp.kind in ("cache", "database", "search_index")
        target = TARGET_STATEFUL if stateful else TARGET_STATELESS
        peak, peak_busy = at_peak(ctx, f.rate), at_peak(ctx, f.busy)
        util = node_util(comp, peak_busy, peak)
        instances = replicas_of(comp.tech, comp.replicas) + comp.read_replicas
        if util * WAIT_ALLOWANCE / instances <= float(target):
            continue
        needed = nodes_for(util * WAIT_ALLOWANCE, target) - comp.read_replicas
        unit = {
            "cdn": "edge capacity units (points of presence)",
            "object_store": "key prefixes",
            "queue": "nodes/partitions",
            "cache": "shards",
            "database": "shards",
        }.get(comp.kind, "replicas")
        comp.replicas = needed
        ctx.decide(
            f"{comp.id}-capacity",
            f"{comp.id} capacity",
            f"{needed} {unit}",
            Principle.OP if not stateful else Principle.DB,
            f"{explain(comp, 'calls')}; {unit} = {needed}, the fewest that keep it under "
            f"{pct(float(target))} at peak; " + SEE_ANALYZE,
            comp.id,
        )


_HA_KINDS = frozenset(k.value for k in kinds_where(lambda t: t.wants_ha_pair))
# FH008 checks single instances of these kinds (not clients, not external APIs).
# Stores the provider replicates (S3-style): review FH008 does not look at them.
_PROVIDER_REPLICATED = frozenset(k.value for k in kinds_where(lambda t: t.provider_replicated))
_SPOF_KINDS = frozenset(k.value for k in kinds_where(lambda t: t.can_be_spof)) - {
    "client",
    "external",
}


def _provider_replicated(comp: CompSpec) -> bool:
    """Replicated by whoever runs it, as the capacity pass and review read it: the kind
    (an object store) or the catalog's technology (SQS, a CDN's edge network)."""
    entry = load_catalog().get(comp.tech)
    return comp.kind in _PROVIDER_REPLICATED or (entry is not None and entry.provider_replicated)


def _path_availability(ctx: Ctx, op_calls: list[CallSpec | OneOfSpec]) -> tuple[float, list[str]]:
    """Availability of an operation's required calls: Π (1 − (1 − a)^n) over components."""
    required: list[str] = []
    writes: set[str] = set()
    share: dict[str, float] = {}
    skipped: list[CallSpec] = []
    for call, weight, _ in walk(op_calls):
        if call.async_ or call.on_failure == "fail_open" or any(_inside(call, s) for s in skipped):
            skipped.append(call)
            continue
        if is_write(call):
            writes.add(call.component)
        if call.component not in required:
            required.append(call.component)
        share[call.component] = max(share.get(call.component, 0.0), min(1.0, float(weight)))
    total = 1.0
    for cid in required:
        down = 1.0 - _component_availability(ctx.comps[cid], write=cid in writes)
        total *= 1.0 - down * share[cid]  # A(op) = Π (1 − U_X · f_X), as the lowering
    return total, required


def _inside(call: CallSpec, parent: CallSpec) -> bool:
    """`call` sits somewhere under `parent` (an asynchronous or fail-open call's subtree
    is not on the operation's required path)."""
    return any(
        item is call or (isinstance(item, CallSpec) and _inside(call, item))
        for item in parent.calls
    )


def _component_availability(comp: CompSpec, *, write: bool = False) -> float:
    """Availability of the instances that can serve the call: a write needs a primary (a
    standby promoted on failure is one), a read may also use the read replicas. The
    capacity pass counts them the same way (capacity.failure)."""
    entry = entry_of(comp.tech)
    if entry is None:
        return 1.0
    a = float(entry.availability.fraction())
    instances = (
        replicas_of(comp.tech, comp.replicas) + comp.standby + (0 if write else comp.read_replicas)
    )
    return 1.0 - (1.0 - a) ** instances


# A computed availability this close to its target meets it (products of nines), as the
# review's FH010 reads it.
AVAILABILITY_ROUNDING = 1e-7


def _standbys(ctx: Ctx) -> None:
    """A single-node store a request needs gets a standby whatever the target: its
    availability figure counts random failures, not the hours a restore takes. A hot
    standby (`standby: 1`) serves nothing until it is promoted: it adds availability and
    no capacity, so the sizing above stands."""
    needed: list[CompSpec] = []
    for op in ctx.ops:
        if op.consumes is not None or not op.sync:
            continue
        _, required = _path_availability(ctx, op.calls)
        for cid in required:
            comp = ctx.comps[cid]
            if (
                comp.kind == "database"
                and comp not in needed
                and replicas_of(comp.tech, comp.replicas) == 1
                and comp.read_replicas == 0
                and comp.standby == 0
                and (comp.stateful if comp.stateful is not None else True)
            ):
                needed.append(comp)
    for comp in needed:
        comp.standby = 1
        comp.recovery = (
            "a synchronous hot standby is promoted automatically on primary loss; "
            "point-in-time recovery from WAL archives and daily base backups"
        )
        ctx.decide(
            f"{comp.id}-standby",
            f"{comp.id} standby",
            "one hot standby kept in sync, promoted automatically when the primary fails",
            Principle.FH,
            "a lost primary without a standby stops every request that needs it for the hours "
            "a restore takes; the standby serves nothing until then, so it adds no capacity",
            comp.id,
        )


def guard_caches(ctx: Ctx) -> None:
    """Every cache whose entries expire coalesces concurrent misses and jitters its TTLs,
    so one hot key's expiry sends one request to the store, not all of them."""
    for comp in ctx.comps.values():
        if comp.cache is not None and "ttl" in comp.cache:
            comp.cache.setdefault("coalescing", True)
            comp.cache.setdefault("ttl_jitter", "10%")


def high_availability(ctx: Ctx) -> None:
    """Add a standby to single-instance stores on paths that cannot meet the target."""
    _standbys(ctx)
    guard_caches(ctx)
    target = float(ctx.load.availability)
    for op in ctx.ops:
        if op.consumes is not None or not op.sync:
            # Only requests someone waits for carry the availability target
            # (model.objectives.user_facing); a job is delayed by an outage, not failed.
            continue
        avail, required = _path_availability(ctx, op.calls)
        candidates = sorted(
            (
                ctx.comps[c]
                for c in required
                if ctx.comps[c].kind in _HA_KINDS
                and replicas_of(ctx.comps[c].tech, ctx.comps[c].replicas) + ctx.comps[c].standby
                == 1
            ),
            key=lambda comp: _component_availability(comp, write=True),
        )
        paired: list[tuple[CompSpec, float, float]] = []
        for comp in candidates:
            if avail >= target:
                break
            before = _component_availability(comp, write=True)
            comp.standby = 1
            paired.append((comp, before, _component_availability(comp, write=True)))
            avail, _ = _path_availability(ctx, op.calls)
        short = avail < target - AVAILABILITY_ROUNDING
        weakest = min(required, key=lambda c: _component_availability(ctx.comps[c]))
        for comp, before, after in paired:
            role = "one active node + a hot standby (automatic failover; no added capacity)"
            # What the path reaches with the pair, said either way: a standby that leaves
            # the path short of its target must not read as the fix (the capacity pass
            # reports the operation's availability as violated then).
            outcome = (
                f"with the pair the path reaches {_pct(avail)}, still short of "
                f"the target: '{weakest}' (available "
                f"{_pct(_component_availability(ctx.comps[weakest]))} alone) bounds it "
                "(open question)"
                if short
                else f"with the pair the path reaches {_pct(avail)}"
            )
            ctx.decide(
                f"{comp.id}-ha",
                f"{comp.id} high availability",
                role,
                Principle.FH,
                f"'{op.id}' needs {_pct(target)}, which its path does not reach with one "
                f"{comp.tech} node (available {_pct(before)} alone, {_pct(after)} as a pair "
                f"with a standby); {outcome}; `archproof analyze` prints each operation's "
                "availability",
                comp.id,
            )
        if short:
            ctx.ledger.ask(
                f"{op.id} cannot reach its {_pct(target)} target (weakest: '{weakest}', "
                f"available {_pct(_component_availability(ctx.comps[weakest]))} alone): add "
                f"a fallback for '{weakest}', or relax the target?"
            )
            # Said, not hidden: review's FH008/FH010 would repeat the gap the question states.
            weak = ctx.comps[weakest]
            if (
                weak.kind not in _HA_KINDS
                and not _provider_replicated(weak)
                and weak.kind in _SPOF_KINDS
                and replicas_of(weak.tech, weak.replicas) == 1
                and _component_availability(weak) < target
            ):
                weak.accept.setdefault(
                    "FH008",
                    f"a managed {weak.tech} service: no standby is drafted for it; the question "
                    "on its availability is open",
                )
            op.accept.setdefault(
                "FH010",
                f"'{weakest}' bounds this path below the {_pct(target)} target; no standby "
                "is possible for it here (open question)",
            )


def _pct(value: float) -> str:
    """An availability as `numbers.nines` prints it (rounded down: 99.999975%, not 100%;
    99.899% for a path that misses 99.9%, not 99.9%)."""
    return numbers.nines(value)


def latency_risks(ctx: Ctx) -> None:
    for op in ctx.ops:
        target = op.slo.get("p99")
        if target is None or not op.sync:
            continue
        _external_dominates(ctx, op, float(target))
        estimate = p99_estimate(ctx, op)
        if estimate > float(target):
            ctx.decide(
                f"slo-risk-{op.id}",
                f"p99 target of {op.id} at risk",
                "keep the target, measure early",
                Principle.OB,
                f"Σ p99 of its calls ≈ {ms(estimate)} > target {ms(float(target))}; a "
                "cache would not fix a p99 (misses exceed 1%), a faster path would",
                op.id,
            )
            ctx.ledger.ask(
                f"{op.id}: p99 target {ms(float(target))} is below the sum of its "
                f"calls' p99 (≈ {ms(estimate)}). Relax it, or which step can go?"
            )


def _external_dominates(ctx: Ctx, op: OpSpec, target: float) -> None:
    """A task-given p99 that a third party's own tail takes over half of.

    The draft keeps the task's target (it is the requirement), keeps the call on the
    request path when its answer is the response (fail closed), and asks about the
    conflict; whether review OP008 fires is the capacity pass's call, not pre-empted here.
    """
    if not (op.slo_note or "").startswith("from the task"):
        return
    sync = [
        (call, p99_s(service_time(ctx, call)))
        for call, weight, _ in walk(op.calls)
        if not call.async_ and weight >= Fraction(1, 100)
    ]
    leaves = [(c, t) for c, t in sync if not any(not k.async_ for k in iter_calls(c.calls))]
    if len(leaves) < 2:
        return
    for call, p99 in leaves:
        comp = ctx.comps.get(call.component)
        if comp is None or comp.kind != "external" or call.on_failure != "fail_closed":
            continue
        if call.timeout is not None:
            # the capacity pass cuts a response at its timeouts: attempts × timeout
            attempts = 1 + int(str((call.retries or {}).get("count", 0)))
            p99 = min(p99, attempts * float(parse_duration(call.timeout).seconds))
        if p99 <= target / 2:
            continue
        # No OP008 acceptance is written ahead of the review: its test (the capacity pass's
        # response tail, not the catalog's p99) decides; the conflict is asked instead.
        ctx.ledger.ask(
            f"{op.id}: '{call.target}' typically takes {ms(p99)} at p99, "
            f"{pct(p99 / target)} of the {ms(target)} target. What is the provider's "
            "measured p99, and can the target allow for it?"
        )
        return
