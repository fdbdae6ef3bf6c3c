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

from collections.abc import Sequence
from fractions import Fraction

from archproof.frontends.draft.blobs import blob_store
from archproof.frontends.draft.builder import ConstraintLike, Ctx
from archproof.frontends.draft.classify import Classification
from archproof.frontends.draft.derive import Ledger, derive, horizon_text, retention_for_sizing
from archproof.frontends.draft.entities import plan_indexes
from archproof.frontends.draft.extract import Extracted
from archproof.frontends.draft.flows import (
    SEE_ANALYZE,
    Flow,
    at_peak,
    explain,
    flows,
    node_util,
    written_rate,
)
from archproof.frontends.draft.guards import add_guards, fill_work, set_slos
from archproof.frontends.draft.patterns import BLOCKS, LATE
from archproof.frontends.draft.patterns.common import no_generic_reads
from archproof.frontends.draft.patterns.derived import derived_artifact
from archproof.frontends.draft.patterns.rollup import periodic_rollup
from archproof.frontends.draft.placement import event_hub, location_store, rate_limit_guard
from archproof.frontends.draft.plan import BranchSpec, CallSpec, CompSpec, EntitySpec, OneOfSpec
from archproof.frontends.draft.scaling import (
    high_availability,
    latency_risks,
    media_delivery,
    queues_and_externals,
    search_index,
    stateless,
    verify_capacity,
)
from archproof.frontends.draft.sizing import (
    TARGET_STATEFUL,
    WAIT_ALLOWANCE,
    nodes_for,
    per_s,
    rate_text,
)
from archproof.model import EntityField, Principle
from archproof.model.replication import read_replicas_needed
from archproof.model.row_size import UNKNOWN_KEY_BYTES, field_bytes, row_bytes
from archproof.numbers import rounded, sig
from archproof.numbers import size as size_text
from archproof.policy import MAX_READ_REPLICAS, SHARD_WRITE_SHARE
from archproof.units import Duration, Size, parse_size

CACHE_HIT = Fraction(4, 5)
STORAGE_THRESHOLD = 2 * 10**12

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
    "graph": ("Adjacency",),
    "matching": ("Order",),  # grown by the orders placed (trades are fewer)
    "collab": ("DocumentOp",),
    "booking": ("Booking",),
    "rentals": ("Rental",),  # grown by the rides the unlocks open, not the fleet's vehicles
    "transit_fares": ("Tap",),  # a row per tap uploaded (trips are about half as many)
    # a live board inserts a Score per update; a batch one writes its Ranking per run
    "ranking": ("Score", "Ranking"),
    "file_sync": ("FileVersion",),
    "proximity": ("Place",),
    "webapp": ("Item",),
    "scheduler": ("JobRun",),
    "aggregation": ("AdCountRollup",),
    "finance": ("Transaction",),
    "id_generator": ("WorkerLease",),
    "telemetry": ("Reading",),
    "points": ("PointsEntry",),
    "webhooks": ("WebhookEvent",),
    "otp": ("OneTimeCode",),
    "deploy": ("Build",),
    "signalling": ("CallParticipant",),
    "message_queue": ("Record",),
    "match_state": ("MatchResult",),
    "bill_run": ("Bill",),
    "auction": ("Bid",),
}


def compose(
    text: str,
    classification: Classification,
    found: Extracted,
    constraints: Sequence[ConstraintLike] = (),
) -> Ctx:
    """Blocks for every detected pattern, then the numeric decisions, guards and SLOs."""
    ledger = Ledger()
    load = derive(found, classification.primary, ledger, text)
    ctx = Ctx(text=text, classification=classification, load=load, ledger=ledger)
    ctx.constraints = list(constraints)
    order = [p.id for p in classification.patterns]
    # background work alone (a nightly batch, a planner on a timer) serves an app whose
    # requests are the generic block's
    if not order or order[0] in ("batch", "planner"):
        order.insert(0, "crud")
    first, rest = order[0], order[1:]
    run = [first, *[p for p in rest if p not in LATE], *[p for p in rest if p in LATE]]
    for pattern in run:
        BLOCKS[pattern](ctx)
    periodic_rollup(ctx)
    derived_artifact(ctx)
    blob_store(ctx)
    event_hub(ctx)
    rate_limit_guard(ctx)
    set_slos(ctx)
    location_store(ctx)
    _database(ctx)
    media_delivery(ctx)
    search_index(ctx)
    stateless(ctx)
    queues_and_externals(ctx)
    if not any(op.reads for op in ctx.ops):
        # an ID generator, a matching engine, a scheduler: no operation reads by the
        # generic read:write split, so its figures and question would describe nothing
        no_generic_reads(ctx, classification.primary)
    _storage(ctx)
    add_guards(ctx)
    fill_work(ctx)
    verify_capacity(ctx)
    high_availability(ctx)
    latency_risks(ctx)
    for entity in ctx.entities.values():
        plan_indexes(entity)
    return ctx


def _database(ctx: Ctx) -> None:
    db = ctx.comps.get("db")
    if db is None:
        return
    flow = flows(ctx)["db"]
    u_read, u_write = _db_utils(ctx, db, flow)
    reads_text = explain(db, "reads")
    writes_text = explain(db, "writes")
    both_text = explain(db, "reads and writes")
    total = u_read + u_write
    target = float(TARGET_STATEFUL)
    if total <= target:
        ctx.decide(
            "db-replicas",
            "Read replicas",
            "none: one primary serves reads and writes",
            Principle.DB,
            f"reads and writes together stay under 50% of one node at peak ({both_text}), "
            f"so followers would add lag and cost for nothing; {SEE_ANALYZE}",
            "db",
        )
        ctx.decide(
            "cache",
            "Caching",
            _no_cache(ctx),
            Principle.CA,
            "the primary serves peak reads and writes under 50% of one node; a cache is "
            "another stateful component with invalidation bugs, justified only by numbers "
            "that need it",
            "db",
        )
        _headroom(ctx, db)
        return
    # the lowering spreads reads over primary + replicas and puts writes on the primary
    needed = read_replicas_needed(u_read, u_write, target)
    if needed is None:  # writes alone fill the primary: they are sharded below
        needed = nodes_for(u_read, TARGET_STATEFUL)
    if needed > MAX_READ_REPLICAS and ctx.lookups:
        _add_cache(ctx, needed)
        flow = flows(ctx)["db"]
        u_read, u_write = _db_utils(ctx, db, flow)
        reads_text = explain(db, "reads after the cache")
        needed = (
            (read_replicas_needed(u_read, u_write, target) or 0) if u_read + u_write > target else 0
        )
    elif needed <= MAX_READ_REPLICAS:
        ctx.decide(
            "cache",
            "Caching",
            _no_cache(ctx),
            Principle.CA,
            f"read replicas cover the reads "
            f"({needed} ≤ {MAX_READ_REPLICAS} followers); a cache is the next step, "
            "not the first",
            "db",
        )
    else:  # more followers than a cache is weighed against, but no lookup it could serve
        ctx.decide(
            "cache",
            "Caching",
            _no_cache(ctx),
            Principle.CA,
            # no count here: the replicas decision states it after the capacity check
            f"the reads need more than {MAX_READ_REPLICAS} followers, but none of them is a "
            "hot lookup by key a cache could answer: read replicas carry them",
            "db",
        )
    if needed and u_write <= target:  # sharded below: the shard decision sizes the replicas
        db.read_replicas = needed
        ctx.decide(
            "db-replicas",
            "Read replicas",
            f"{needed} read replica(s)",
            Principle.DB,
            f"{reads_text}; reads spread over the primary and its replicas, writes stay on "
            f"the primary: read_replicas = {needed}, the fewest that keep every node under "
            "50% at peak; reads that must see their own writes go to the primary; " + SEE_ANALYZE,
            "db",
        )
    elif u_write <= target:
        ctx.decide(
            "db-replicas",
            "Read replicas",
            "none",
            Principle.DB,
            f"{reads_text}: the primary stays under 50% at peak; {SEE_ANALYZE}",
            "db",
        )
    if u_write > target:
        _shard(ctx, db, u_read, u_write, writes_text)
    _headroom(ctx, db)


def _shard(ctx: Ctx, db: CompSpec, u_read: float, u_write: float, writes_text: str) -> None:
    """Writes beyond one primary: shard by the main entity's partition key.

    With P primaries (shards) and R read replicas, the capacity pass puts every write on a
    primary and spreads reads evenly over all P + R nodes, so per node
        primary ρ = u_write / P + u_read / (P + R),   replica ρ = u_read / (P + R).
    P keeps writes at ≤ 35% of each shard (70% of the 50% target); R fills the rest.
    """
    write_share = float(TARGET_STATEFUL * SHARD_WRITE_SHARE)
    shards = max(2, nodes_for(u_write, Fraction(write_share).limit_denominator(100)))
    room = float(TARGET_STATEFUL) - u_write / shards
    replicas = max(0, nodes_for(u_read, Fraction(room).limit_denominator(1000)) - shards)
    key = _shard_key(ctx)
    db.replicas = shards
    db.read_replicas = replicas
    db.notes.append(
        f"replicas = {shards} primaries, one per shard (by {key}); each shard also has a "
        "hot standby for failover, not counted here: it adds no capacity"
    )
    ctx.decide(
        "db-writes",
        "Write capacity",
        f"shard the primary store by {key} into {shards} primaries",
        Principle.DB,
        f"{writes_text}: writes alone exceed 50% of one primary and replicas do not help "
        f"writes; {shards} shards are the fewest that keep each primary's writes under 35% "
        f"at peak, and {replicas} read replicas the fewest that keep every node under 50% "
        f"({SEE_ANALYZE}). One technology, one schema: every query of the hot path carries "
        f"{key}, so it stays on one shard",
        "db",
    )
    ctx.decide(
        "db-ha",
        "db high availability",
        "each shard: primary + hot standby (automatic failover; standbys add no capacity)",
        Principle.FH,
        f"a shard holds its keys alone, so each one needs a standby to reach "
        f"{sig(float(ctx.load.availability) * 100, 6)}%",
        "db",
    )
    ctx.ledger.assume_entry(
        "db-shard-key",
        f"every hot-path query carries {key}, so it touches one shard",
        "derived: writes alone exceed 50% of one primary at peak; cross-shard "
        "queries (e.g. a user's conversations) go through an index table or fan out",
    )
    ctx.ledger.ask(
        "Writes alone exceed 50% of one database node at peak, so the draft shards by "
        f"{key} into {shards} primaries: can writes be batched instead, or is another key "
        "better?"
    )


def _shard_key(ctx: Ctx) -> str:
    names = MAIN_ENTITY.get(ctx.classification.primary, ())
    entity = next((ctx.entities[n] for n in names if n in ctx.entities), None)
    if entity is not None:
        for column in ("conversation_id", "user_id", "tenant_id", "merchant_id"):
            if column in entity.fields:
                return column
        return "/".join(entity.key)
    return "the main entity's key"


def _db_utils(ctx: Ctx, db: CompSpec, flow: Flow) -> tuple[float, float]:
    """Read and write utilization of one node at peak, with the waits allowance the
    capacity pass's holding times include (sized at exactly 50%, the analysis reads more)."""
    u_read = node_util(db, at_peak(ctx, flow.read_busy), at_peak(ctx, flow.read_rate))
    u_write = node_util(db, at_peak(ctx, flow.write_busy), at_peak(ctx, flow.write_rate))
    return u_read * WAIT_ALLOWANCE, u_write * WAIT_ALLOWANCE


def _headroom(ctx: Ctx, db: CompSpec) -> None:
    ctx.ledger.assume_entry(
        "db-headroom",
        "the primary database stays under 50% utilization at peak",
        "decision threshold for replicas and caching (checked by the capacity pass)",
        {"metric": "utilization", "component": db.id, "max": "50%"},
    )


def _add_cache(ctx: Ctx, needed: int) -> None:
    cache = ctx.comp("cache", "cache", None)
    hit = f"{int(CACHE_HIT * 100)}%"
    miss = f"{int((1 - CACHE_HIT) * 100)}%"
    cache.cache = {
        "justification": f"without a cache the reads would need {needed} read replicas "
        f"(> {MAX_READ_REPLICAS})",
        "ttl": "1h",
        "invalidation": "delete the key on update or delete (cache-aside)",
        "hit_ratio": f"{hit} assumed for skewed (Zipf-like) key lookups; measure it",
    }
    cache.rationale = "hot key lookups only; the database stays the source of truth"
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
                    times=item.times,
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
                                    times=item.times,
                                ),
                                item,
                                CallSpec(
                                    "cache.set",
                                    on_failure="fail_open",
                                    fallback="skip caching this value",
                                    times=item.times,
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
        Principle.CA,
        f"without a cache, {needed} read replicas would be needed (> "
        f"{MAX_READ_REPLICAS}); with {hit} hits the misses fit",
        "cache",
    )


def _no_cache(ctx: Ctx) -> str:
    """The caching decision's choice when the database gets no cache; a block's own store
    in a cache technology (a leaderboard's sorted set) is named, or "no cache" would read
    as a contradiction beside it."""
    own = [c.id for c in ctx.comps.values() if c.role == "cache"]
    if not own:
        return "no cache"
    named = ", ".join(f"'{c}'" for c in own)
    return f"no cache in front of the database ({named} serves other reads, not the database's)"


def _storage(ctx: Ctx) -> None:
    if ctx.stock is not None:
        _how, total = ctx.stock
        standing = [e for e in ctx.entities.values() if e.rows is not None]
        rows = standing[0].rows if len(standing) == 1 else None
        if rows and size3(rows * _row_bytes(ctx, standing[0])) == size3(total):
            # one entity's standing rows: the storage table's data cell, formatted alike
            volume = size_text(float(rows) * float(_row_bytes(ctx, standing[0])))
            ctx.storage_total = volume.replace(" ", "")
            ctx.figures.append(("row data (standing)", ctx.storage_total))
            return
        ctx.storage_total = size3(total)
        ctx.figures.append(("storage", size3(total)))
        return
    main_write = ctx.find_op(ctx.growth_write or ctx.primary_write)
    names = MAIN_ENTITY.get(ctx.classification.primary, ())
    # The main write of another block ("5k reports a day" created by the CRUD block of a
    # task the classifier read as batch) grows that block's entity, not the main block's.
    entity = (
        _entity_written_by(ctx, main_write.pattern)
        if main_write is not None and main_write.pattern != ctx.classification.primary
        else None
    )
    entity = entity or next((ctx.entities[n] for n in names if n in ctx.entities), None)
    if entity is None and ctx.entities:
        entity = next(
            (e for e in ctx.entities.values() if e.id != "User"), next(iter(ctx.entities.values()))
        )
    if entity is None:
        return
    # A main write that is a job (its rate is its queue's) grows by the task's write load.
    writes = main_write.rate if main_write is not None and main_write.rate else ctx.load.writes
    if not writes:
        return
    # Sized with the growth as the YAML writes it (rounded to three digits), the rate the
    # capacity pass's storage table reads, so both print the same volume.
    writes = written_rate(writes)
    # rows the main entity gains a second: one per main write, or fewer when its rows
    # gather writes (a rollup: one row per key and minute for many events)
    grown = written_rate(writes * ctx.rows_per_write) if ctx.rows_per_write != 1 else writes
    entity.growth = grown
    item = ctx.load.item_size
    if item is not None and item <= 64_000 and entity.id != "Media" and grown == writes:
        entity.row_size = str(Size(item))
    row_bytes = _row_bytes(ctx, entity)
    retention = retention_for_sizing(ctx.load, ctx.ledger)
    ctx.sizing_retention_s = retention
    rows = grown * retention
    total = rows * row_bytes
    entity.retention = str(Duration(retention))
    entity.retention_note = (
        "from the task" if ctx.load.retention_s is not None else "assumed: the sizing horizon"
    )
    # In floats and through the report's formatter, as the storage table computes it
    # (rows = growth × retention, data = rows × row bytes), so a volume on a rounding
    # boundary (10.95 TB) reads the same in both.
    volume = size_text(float(grown) * float(retention) * float(row_bytes)).replace(" ", "")
    text = (
        f"{per_s(float(grown))} new {entity.id} rows × {horizon_text(retention)} × "
        f"{size3(row_bytes)} ≈ {volume}"
    )
    if grown != writes:
        text += f" ({ctx.rows_per_write_note})"
    storage_fig = ctx.load.storage
    if storage_fig is not None and storage_fig > total:
        text += f" (the task says {Size(storage_fig)} in total)"
        total = storage_fig
        volume = size3(total)
    elif storage_fig is not None:
        text += f" (the task says {Size(storage_fig)} in total)"
    ctx.storage_total = volume
    ctx.figures.append((f"row data ({horizon_text(retention)})", volume))
    objects = Fraction(0)  # bytes in the object store over the same horizon
    uploads = _media_objects(ctx, entity, retention)
    if uploads is not None:
        objects += uploads[0]
    for blob in ctx.entities.values():
        # One object per main write, of the size the task states (blobs.blob_store): the
        # growth the storage table sizes the object store with, and the same volume here.
        if blob.stored_in != "blobs" or blob.growth is not None or blob.row_size is None:
            continue
        if blob.per_write == 0:  # a view of other objects' bytes (a video's segments)
            continue
        blob.growth = writes
        blob.retention, blob.retention_note = entity.retention, entity.retention_note
        blob_bytes = writes * retention * parse_size(blob.row_size).bytes
        objects += blob_bytes
        volume_of = size_text(float(blob_bytes)).replace(" ", "")
        ctx.figures.append((f"{blob.id} objects ({horizon_text(retention)})", volume_of))
    log = ctx.comps.get(entity.stored_in or "")
    if log is not None and log.kind == "queue":
        # a log's partitions are spread over its brokers and its old segments dropped at
        # the retention: no node holds it all, and no rows are archived one by one
        ctx.decide(
            "storage",
            "Data volume",
            f"the log's partitions spread {entity.id} over the brokers; segments older than "
            "the retention are deleted",
            Principle.DB,
            f"{text} a copy; every replica of a partition holds its share again",
            entity.id,
        )
        return
    if total > STORAGE_THRESHOLD:
        ctx.decide(
            "storage",
            "Data volume",
            f"partition {entity.id} by time and archive old rows",
            Principle.DB,
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
            Principle.DB,
            f"{text} ≤ 2 TB",
            entity.id,
        )
    if uploads is not None:
        ctx.ledger.derived("object storage", size3(uploads[0]), uploads[1])
    if objects and storage_fig is None:
        # "expected total stored size": the rows and the objects beside them (the questions
        # pass answers "how much data" with it; the rows alone said 35 GB for a video site)
        ctx.storage_total = size3(total + objects)
        ctx.storage_total_note = (
            f"derived: row data {volume} + objects {size3(objects)} ({horizon_text(retention)})"
        )


# A rendition re-encodes the original at a lower resolution or bitrate (assumed): half its
# size on average, when the task gives none.
RENDITION_SHARE = Fraction(1, 2)


def _media_objects(
    ctx: Ctx, entity: EntitySpec, retention: Fraction
) -> tuple[Fraction, str] | None:
    """The media block's objects over the sizing horizon: each upload's original
    (`MediaObject`, of the file size the egress is sized by: `Ctx.media_size`) and its
    renditions (`Rendition`, `per_write` per upload, of a stated size, else an assumed
    share of the original). Sized as entities, so the storage table prints the same
    volumes; returns their bytes and how they were reached."""
    upload = ctx.find_op("request_upload")
    original = ctx.entities.get("MediaObject")
    if ctx.media_size is None or upload is None or not upload.rate or original is None:
        return None
    size, source = ctx.media_size
    uploads = written_rate(upload.rate)
    parts = [(original, size, 1)]
    original.row_size, original.row_size_note = str(Size(size)), source
    original.growth_note = "one original per upload"
    variant = ctx.entities.get("Rendition")
    if variant is not None and variant.row_size is None:
        share = size * RENDITION_SHARE
        variant.row_size = str(Size(share))
        rule = (
            f"a rendition re-encodes the original ({Size(size)}) at a lower resolution or "
            f"bitrate: {sig(float(RENDITION_SHARE) * 100)}% of its size on average"
        )
        variant.row_size_note = f"assumed: {rule}"
        ctx.ledger.assumed(
            "rendition size",
            variant.row_size,
            rule,
            "rendition-size",
            f"How large is one rendition (the resolution or bitrate ladder)? (assumed "
            f"{variant.row_size}, half the original)",
        )
    if variant is not None and variant.row_size is not None:
        parts.append((variant, parse_size(variant.row_size).bytes, variant.per_write))
    segment = ctx.entities.get("Segment")
    if segment is not None and ctx.download_share is not None:
        # what one streaming request returns: sizes the egress, holds no objects of its own
        share, what = ctx.download_share
        segment.row_size = str(Size(size * share))
        segment.row_size_note = f"{what} {Size(size)} video (assumed)"
    total = Fraction(0)
    for blob, each, per in parts:
        blob.growth = uploads * per
        blob.retention, blob.retention_note = entity.retention, entity.retention_note
        volume = blob.growth * retention * each
        total += volume
        ctx.figures.append(
            (
                f"{blob.id} objects ({horizon_text(retention)})",
                size_text(float(volume)).replace(" ", ""),
            )
        )
    bytes_each = str(Size(size))
    if len(parts) > 1:
        _, each, per = parts[1]
        bytes_each = f"({Size(size)} original + {per} renditions × {Size(each)})"
    # written as the requirements write rates ("0.5/h uploads", not "0.000139/s")
    how = f"{rate_text(uploads)} uploads × {bytes_each} × {horizon_text(retention)}"
    return total, how


def _entity_written_by(ctx: Ctx, pattern: str) -> EntitySpec | None:
    """The first entity in a database that an operation of block `pattern` reads by."""
    ops = {op.id for op in ctx.ops if op.pattern == pattern}
    for entity in ctx.entities.values():
        comp = ctx.comps.get(entity.stored_in or "")
        if entity.id == "User" or comp is None or comp.kind != "database":
            continue
        if any(a.operation in ops for a in entity.access):
            return entity
    return None


def size3(value: Fraction) -> str:
    """A size rounded to three significant digits (`3.15TB`)."""
    if value <= 0:
        return "0B"
    return str(Size(rounded(float(value))))


def _row_bytes(ctx: Ctx, entity: EntitySpec) -> Fraction:
    """The row size the design states, else its fields' sizes by the formula the capacity
    pass's storage table uses (`archproof.model.row_size`), so the volume this decision
    prints is the one `archproof analyze` prints."""
    if entity.row_size is not None:
        try:
            return parse_size(entity.row_size).bytes
        except ValueError:
            pass
    return Fraction(
        row_bytes(_fields(entity), lambda name: _key_bytes(ctx, name))
    ).limit_denominator(1000)


def _fields(entity: EntitySpec) -> list[EntityField]:
    return [EntityField.model_validate(spec) for spec in entity.fields.values()]


def _key_bytes(ctx: Ctx, name: str) -> float | None:
    target = ctx.entities.get(name)
    if target is None or not target.key:
        return None
    fields = dict(zip(target.fields, _fields(target), strict=True))
    return sum(
        field_bytes(fields[k], lambda n: _key_bytes(ctx, n)) if k in fields else UNKNOWN_KEY_BYTES
        for k in target.key
    )
