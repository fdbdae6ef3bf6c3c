"""The data model: entity templates for the nouns tasks use, and the indexes their access
patterns need.

Fields use the YAML short forms (`str(64)`, `ref(User)?`, `enum(a|b)`); a `ref` field
implies a many-to-one relation. Lifecycle states come with their allowed transitions, so
illegal states stay unrepresentable (payment: pending → authorized → captured/refunded).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archproof.frontends.draft.plan import AccessSpec, EntitySpec
from archproof.frontends.draft.text import camel

UNIQUE_EMAIL: dict[str, object] = {"type": "str", "size": 320, "unique": True}


@dataclass(frozen=True)
class Template:
    fields: dict[str, str | dict[str, object]]
    key: tuple[str, ...] = ("id",)
    states: tuple[str, ...] = ()
    transitions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    row_size: str | None = None
    note: str | None = None


def _unique(type_: str, size: int | None = None) -> dict[str, object]:
    out: dict[str, object] = {"type": type_, "unique": True}
    if size is not None:
        out["size"] = size
    return out


TEMPLATES: dict[str, Template] = {
    "User": Template(
        {"id": "uuid", "email": UNIQUE_EMAIL, "name": "str(100)", "created_at": "datetime"}
    ),
    "Credential": Template(
        {"user_id": "ref(User)", "password_hash": "str(100)", "updated_at": "datetime"},
        key=("user_id",),
        note="password hashes apart from profile data (argon2/bcrypt, never plain text)",
    ),
    "Session": Template(
        {
            "token_hash": "str(64)",
            "user_id": "ref(User)",
            "created_at": "datetime",
            "expires_at": "datetime",
            "revoked": "bool",
        },
        key=("token_hash",),
        note="refresh tokens only; short-lived access tokens are signed and stateless",
    ),
    "Link": Template(
        {
            "code": "str(12)",
            "long_url": "str(2048)",
            "user_id": "ref(User)?",
            "created_at": "datetime",
            "expires_at": "datetime?",
        },
        key=("code",),
        row_size="500B",
        note="code: 7 base62 chars = 3.5e12 codes; generated from a random id, unique key",
    ),
    "Paste": Template(
        {
            "code": "str(12)",
            "body_key": "str(200)",
            "user_id": "ref(User)?",
            "created_at": "datetime",
            "expires_at": "datetime?",
        },
        key=("code",),
    ),
    "PasteBody": Template(
        {"object_key": "str(200)", "size_bytes": "int"},
        key=("object_key",),
        note="the paste text in the object store, keyed by the paste's code",
    ),
    "RawArchive": Template(
        {"object_key": "str(200)", "minute": "datetime", "events": "int", "size_bytes": "int"},
        key=("object_key",),
        note="raw events or log lines, one compressed file per minute, in the object store",
    ),
    "Device": Template(
        {"id": "uuid", "owner_id": "ref(User)?", "model": "str(40)", "last_seen_at": "datetime"},
        note="one reporting device (sensor, meter, tracker); its latest reading rides on it",
    ),
    "Reading": Template(
        {
            "device_id": "ref(Device)",
            "measured_at": "datetime",
            "values": "str(64)",
        },
        key=("device_id", "measured_at"),
        row_size="64B",
        note="one report of a device: keyed by device and time, so a retried batch "
        "overwrites itself and a device's history is one range",
    ),
    "Conversation": Template(
        {"id": "uuid", "kind": "enum(direct|group)", "created_at": "datetime"}
    ),
    "Membership": Template(
        {"conversation_id": "ref(Conversation)", "user_id": "ref(User)", "joined_at": "datetime"},
        key=("conversation_id", "user_id"),
    ),
    "Message": Template(
        {
            "id": "uuid",
            "conversation_id": "ref(Conversation)",
            "sender_id": "ref(User)",
            "client_msg_id": "str(64)",
            "body": "text",
            "status": "enum(sent|delivered|read)",
            "created_at": "datetime",
        },
        states=("sent", "delivered", "read"),
        transitions={"sent": ("delivered", "read"), "delivered": ("read",)},
        row_size="1KB",
        note="client_msg_id makes a resent message a no-op (idempotent send)",
    ),
    "PolledSource": Template(
        {
            "source_id": "str(64)",
            "url": "str(2048)",
            "host": "str(255)",
            "etag": "str(200)?",
            "next_poll_at": "datetime",
            "last_polled_at": "datetime?",
        },
        key=("source_id",),
        row_size="300B",
        note="one row per distinct polled source (feed, endpoint); the ETag makes the next "
        "poll conditional",
    ),
    "PolledEntry": Template(
        {
            "entry_hash": "str(64)",
            "source_id": "ref(PolledSource)",
            "title": "str(500)",
            "body": "text",
            "published_at": "datetime",
            "fetched_at": "datetime",
        },
        key=("entry_hash",),
        note="one row per distinct entry a poll found (duplicates share a hash)",
    ),
    "SourceSubscription": Template(
        {
            "user_id": "ref(User)",
            "source_id": "ref(PolledSource)",
            "read_up_to": "datetime?",
            "created_at": "datetime",
        },
        key=("user_id", "source_id"),
        row_size="100B",
        note="who follows which polled source, and how far they have read",
    ),
    "CrawlUrl": Template(
        {
            "url_hash": "str(64)",
            "url": "str(2048)",
            "host": "str(255)",
            "status": "enum(new|fetched|failed)",
            "next_fetch_at": "datetime",
            "last_fetched_at": "datetime?",
        },
        key=("url_hash",),
        states=("new", "fetched", "failed"),
        transitions={
            "new": ("fetched", "failed"),
            "fetched": ("fetched", "failed"),
            "failed": ("fetched", "failed"),
        },
        row_size="300B",
        note="one row per known URL: the frontier's state; host partitions politeness",
    ),
    "CrawledPage": Template(
        {
            "content_hash": "str(64)",
            "url_hash": "ref(CrawlUrl)",
            "body_key": "str(200)",
            "size_bytes": "int",
            "fetched_at": "datetime",
        },
        key=("content_hash",),
        row_size="200B",
        note="one row per distinct body (duplicates share a hash); bytes in the object store",
    ),
    "PageBody": Template(
        {"object_key": "str(200)", "content_type": "str(100)", "size_bytes": "int"},
        key=("object_key",),
        note="page bytes in the object store, keyed by content hash",
    ),
    "Ranking": Template(
        {
            "category": "str(100)",
            "rank": "int",
            "item_id": "str(64)",
            "score": "int",
            "computed_at": "datetime",
        },
        key=("category", "rank"),
        row_size="100B",
        note="the top-k per category as last computed",
    ),
    "EventLog": Template(
        {"object_key": "str(200)", "first_event_at": "datetime", "events": "int"},
        key=("object_key",),
        note="batched event log files in the object store (the raw input of the rankings)",
    ),
    "Score": Template(
        {
            "id": "uuid",
            "player_id": "ref(User)",
            "board": "str(100)",
            "points": "int",
            "created_at": "datetime",
        },
        row_size="100B",
        note="every score (the source of truth the sorted set is rebuilt from)",
    ),
    "Post": Template(
        {"id": "uuid", "author_id": "ref(User)", "body": "text", "created_at": "datetime"},
        row_size="1KB",
    ),
    "Follow": Template(
        {"follower_id": "ref(User)", "followee_id": "ref(User)", "created_at": "datetime"},
        key=("follower_id", "followee_id"),
    ),
    "FeedItem": Template(
        {"user_id": "ref(User)", "post_id": "ref(Post)", "created_at": "datetime"},
        key=("user_id", "post_id"),
        row_size="50B",
        note="precomputed timeline rows (fan-out on write); rebuildable from Post + Follow",
    ),
    "Media": Template(
        {
            "id": "uuid",
            "owner_id": "ref(User)",
            "object_key": "str(512)",
            "content_type": "str(100)",
            "size_bytes": "bigint",
            "status": "enum(uploading|uploaded|processing|ready|failed)",
            "created_at": "datetime",
        },
        states=("uploading", "uploaded", "processing", "ready", "failed"),
        transitions={
            "uploading": ("uploaded", "failed"),
            "uploaded": ("processing",),
            "processing": ("ready", "failed"),
            "failed": ("processing",),
        },
        note="metadata only; the bytes live in the object store under object_key",
    ),
    "Payment": Template(
        {
            "id": "uuid",
            "idempotency_key": _unique("str", 64),
            "payer_id": "ref(User)",
            "amount": "decimal",
            "currency": "str(3)",
            "status": "enum(pending|authorized|captured|failed|refunded)",
            "provider_ref": "str(64)?",
            "created_at": "datetime",
            "updated_at": "datetime",
        },
        states=("pending", "authorized", "captured", "failed", "refunded"),
        transitions={
            "pending": ("authorized", "failed"),
            "authorized": ("captured", "failed"),
            "captured": ("refunded",),
        },
        row_size="500B",
        note="amount is decimal (never float); status moves only along `transitions`",
    ),
    "LedgerEntry": Template(
        {
            "id": "uuid",
            "payment_id": "ref(Payment)",
            "account": "str(64)",
            "direction": "enum(debit|credit)",
            "amount": "decimal",
            "created_at": "datetime",
        },
        note="double-entry: every payment writes balanced debit and credit rows, never updated",
    ),
    # the payments ledger's discipline (rows never updated, the balance moved in the same
    # transaction) for points earned and redeemed
    "PointsEntry": Template(
        {
            "id": "uuid",
            "source_id": _unique("str", 64),
            "member_id": "ref(User)",
            "kind": "enum(earn|redeem|expire)",
            "points": "int",
            "expires_at": "datetime?",
            "created_at": "datetime",
        },
        note="append-only: earn rows keyed by the source's id (the purchase), redeem rows "
        "by the client's redemption id; never updated",
    ),
    "PointsBalance": Template(
        {"member_id": "ref(User)", "points": "int", "updated_at": "datetime"},
        key=("member_id",),
        note="one row per member, moved with its ledger rows in one transaction; a "
        "redemption decrements it only where it covers the points (never below zero)",
    ),
    "Order": Template(
        {
            "id": "uuid",
            "user_id": "ref(User)",
            "total": "decimal",
            "currency": "str(3)",
            "status": "enum(created|paid|shipped|delivered|cancelled)",
            "created_at": "datetime",
        },
        states=("created", "paid", "shipped", "delivered", "cancelled"),
        transitions={
            "created": ("paid", "cancelled"),
            "paid": ("shipped", "cancelled"),
            "shipped": ("delivered",),
        },
    ),
    "Driver": Template(
        {
            "id": "uuid",
            "user_id": "ref(User)",
            "status": "enum(offline|available|on_trip)",
            "updated_at": "datetime",
        },
        states=("offline", "available", "on_trip"),
        transitions={
            "offline": ("available",),
            "available": ("offline", "on_trip"),
            "on_trip": ("available", "offline"),
        },
    ),
    "DriverLocation": Template(
        {
            "driver_id": "ref(Driver)",
            "geohash": "str(12)",
            "lat": "float",
            "lng": "float",
            "updated_at": "datetime",
        },
        key=("driver_id",),
        row_size="100B",
        note="latest position only (overwritten); history, if needed, goes to analytics",
    ),
    "Ride": Template(
        {
            "id": "uuid",
            "rider_id": "ref(User)",
            "driver_id": "ref(Driver)?",
            "pickup_geohash": "str(12)",
            "dropoff_geohash": "str(12)",
            "status": "enum(requested|matched|in_progress|completed|cancelled)",
            "requested_at": "datetime",
        },
        states=("requested", "matched", "in_progress", "completed", "cancelled"),
        transitions={
            "requested": ("matched", "cancelled"),
            "matched": ("in_progress", "cancelled"),
            "in_progress": ("completed",),
        },
    ),
    "Document": Template(
        {"id": "uuid", "title": "str(200)", "body": "text", "updated_at": "datetime"},
        note="source of truth for search; the index is derived and rebuildable",
    ),
    "Suggestion": Template(
        {"prefix": "str(50)", "terms": "json", "updated_at": "datetime"},
        key=("prefix",),
        note="top-k completions per prefix, rebuilt by a batch job from query counts",
    ),
    "QueryCount": Template(
        {"term": "str(200)", "day": "date", "count": "bigint"},
        key=("term", "day"),
    ),
    "WebhookEndpoint": Template(
        {
            "id": "uuid",
            "merchant_id": "uuid",
            "url": "str(2048)",
            "secret": "str(64)",
            "event_types": "json",
            "status": "enum(enabled|disabled)",
            "failing_since": "datetime?",
            "created_at": "datetime",
        },
        states=("enabled", "disabled"),
        transitions={"enabled": ("disabled",), "disabled": ("enabled",)},
        note="the signing secret is shown once at registration; store it encrypted",
    ),
    "WebhookEvent": Template(
        {
            "id": "uuid",
            "merchant_id": "uuid",
            "type": "str(64)",
            "payload": "json",
            "created_at": "datetime",
        },
        note="id: the producer's event id, the idempotency key receivers de-duplicate by",
    ),
    "WebhookDelivery": Template(
        {
            "id": "uuid",
            "event_id": "ref(WebhookEvent)",
            "endpoint_id": "ref(WebhookEndpoint)",
            "merchant_id": "uuid",
            "status": "enum(pending|delivered|failed)",
            "attempts": "int",
            "last_status_code": "int?",
            "next_attempt_at": "datetime?",
            "created_at": "datetime",
        },
        states=("pending", "delivered", "failed"),
        transitions={"pending": ("delivered", "failed")},
        note="the delivery log merchants read; unique (event_id, endpoint_id); merchant_id "
        "copied from the endpoint, so a merchant's log stays on one shard",
    ),
    "Notification": Template(
        {
            "id": "uuid",
            "user_id": "ref(User)",
            "dedupe_key": _unique("str", 64),
            "channel": "enum(email|sms|push)",
            "payload": "json",
            "status": "enum(queued|sent|failed)",
            "created_at": "datetime",
        },
        states=("queued", "sent", "failed"),
        transitions={"queued": ("sent", "failed"), "failed": ("queued",)},
    ),
    "EventRollup": Template(
        {"name": "str(100)", "bucket": "datetime", "count": "bigint"},
        key=("name", "bucket"),
        note="per-minute counts; raw events stay on the event hub for its retention",
    ),
    "AdCountRollup": Template(
        {
            "ad_id": "str(64)",
            "minute": "datetime",
            "clicks": "bigint",
            "impressions": "bigint",
            "last_offset": "bigint",
        },
        key=("ad_id", "minute"),
        row_size="100B",
        note="one row per ad and minute; last_offset makes a replayed batch a no-op",
    ),
    "BankAccount": Template(
        {
            "id": "uuid",
            "user_id": "ref(User)",
            "bank_id": "str(64)",
            "token_ref": "str(200)",
            "cursor": "str(200)?",
            "next_sync_at": "datetime",
            "status": "enum(active|needs_attention|unlinked)",
        },
        states=("active", "needs_attention", "unlinked"),
        transitions={
            "active": ("needs_attention", "unlinked"),
            "needs_attention": ("active", "unlinked"),
        },
        row_size="500B",
        note="token_ref points at the encrypted bank token in a secret store, never the token",
    ),
    "Transaction": Template(
        {
            "bank_txn_id": {"type": "str", "size": 128, "unique": True},
            "account_id": "ref(BankAccount)",
            "posted_at": "datetime",
            "amount": "decimal",
            "merchant": "str(200)",
            "category": "str(50)",
        },
        key=("bank_txn_id",),
        row_size="200B",
        note="the bank's transaction id makes a repeated pull a no-op",
    ),
    "Budget": Template(
        {
            "user_id": "ref(User)",
            "category": "str(50)",
            "month": "date",
            "limit": "decimal",
        },
        key=("user_id", "category", "month"),
    ),
    "Adjacency": Template(
        {"person_id": "str(64)", "friend_ids": "bytes", "updated_at": "datetime"},
        key=("person_id",),
        note="friend_ids: the packed 8-byte ids of the person's friends (an adjacency list)",
    ),
    "Trade": Template(
        {
            "seq": "bigint",
            "instrument": "str(32)",
            "buy_order_id": "uuid",
            "sell_order_id": "uuid",
            "account_id": "uuid",
            "price": "decimal",
            "quantity": "decimal",
            "executed_at": "datetime",
        },
        key=("seq",),
        row_size="150B",
        note="seq: the journal sequence number, so a replayed copy is a no-op",
    ),
    "CollabDocument": Template(
        {
            "id": "uuid",
            "owner_id": "ref(User)",
            "title": "str(200)",
            "snapshot_key": "str(200)?",
            "snapshot_seq": "bigint",
            "updated_at": "datetime",
        },
        note="the latest snapshot and the log position it covers",
    ),
    "DocumentOp": Template(
        {
            "document_id": "ref(CollabDocument)",
            "seq": "bigint",
            "client_id": "str(64)",
            "op": "str(2000)",
            "created_at": "datetime",
        },
        key=("document_id", "seq"),
        row_size="200B",
        note="the operation log: one row per edit, in the order the session applied them",
    ),
    "SessionData": Template(
        {"key": "str(64)", "value": "bytes", "expires_at": "datetime"},
        key=("key",),
        note="an opaque session blob under its token hash; the store expires it (TTL)",
    ),
    "KeyValue": Template(
        {"key": "str(256)", "value": "bytes", "version": "bigint", "updated_at": "datetime"},
        key=("key",),
        note="version: last-writer-wins by (timestamp, node) or a vector clock per key",
    ),
    "InventoryUnit": Template(
        {
            "id": "uuid",
            "event_id": "uuid",
            "label": "str(32)",
            "status": "enum(available|held|sold)",
            "held_by": "str(64)?",
            "hold_expires_at": "datetime?",
        },
        states=("available", "held", "sold"),
        transitions={"available": ("held",), "held": ("sold", "available")},
        row_size="100B",
        note="a seat (or a room-night): its status changes only by conditional update",
    ),
    "Booking": Template(
        {
            "id": "uuid",
            "unit_id": "ref(InventoryUnit)",
            "hold_id": {"type": "str", "size": 64, "unique": True},
            "user_id": "ref(User)",
            "created_at": "datetime",
        },
        row_size="200B",
        note="hold_id unique: confirming a hold twice books once",
    ),
    "StaticAsset": Template(
        {"path": "str(500)", "version": "str(64)", "size_bytes": "int"},
        key=("path", "version"),
        note="versioned file names: a new build writes new objects, so edges never go stale",
    ),
    "SyncedFile": Template(
        {
            "id": "uuid",
            "owner_id": "ref(User)",
            "path": "str(1000)",
            "current_version": "bigint",
            "updated_at": "datetime",
        },
        row_size="300B",
    ),
    "FileVersion": Template(
        {
            "file_id": "ref(SyncedFile)",
            "version": "bigint",
            "chunk_hashes": "text",
            "size_bytes": "bigint",
            "created_at": "datetime",
        },
        key=("file_id", "version"),
        row_size="500B",
        note="chunk_hashes: the ordered hashes of the version's chunks",
    ),
    "Chunk": Template(
        {"hash": "str(64)", "size_bytes": "int", "created_at": "datetime"},
        key=("hash",),
        row_size="100B",
        note="one row per distinct chunk: a chunk shared by many files is stored once",
    ),
    "ChunkBody": Template(
        {"hash": "str(64)", "size_bytes": "int"},
        key=("hash",),
        note="the chunk's bytes in the object store, under its hash",
    ),
    "Place": Template(
        {
            "id": "uuid",
            "name": "str(200)",
            "lat": "float",
            "lon": "float",
            "geohash": "str(12)",
            "category": "str(50)",
            "updated_at": "datetime",
        },
        row_size="1KB",
        note="geohash: recomputed whenever lat/lon change",
    ),
    "Quota": Template(
        {"client_key": "str(200)", "per_minute": "int", "burst": "int", "updated_at": "datetime"},
        key=("client_key",),
        note="configured limits; read by the API on start and refreshed every minute",
    ),
    "MediaObject": Template(
        {"object_key": "str(512)", "content": "bytes", "content_type": "str(100)"},
        key=("object_key",),
        note="the file bytes (original and variants) under deterministic keys",
    ),
    "Rendition": Template(
        {
            "object_key": "str(512)",
            "media_id": "ref(Media)",
            "variant": "str(20)",
            "content": "bytes",
        },
        key=("object_key",),
        note="one re-encoded copy of an upload (a resolution, bitrate or format) in the "
        "object store, under a key derived from the media id and the variant",
    ),
    "Segment": Template(
        {"object_key": "str(512)", "content": "bytes"},
        key=("object_key",),
        note="a few seconds of one rendition, what one streaming request returns (HLS/DASH); "
        "its bytes are the renditions', counted there: no objects of its own",
    ),
    "OneTimeCode": Template(
        {
            "phone": "str(32)",
            "code_hash": "str(64)",
            "expires_at": "datetime",
            "tries": "int",
            "state": "enum(pending|consumed|locked)",
            "created_at": "datetime",
        },
        key=("phone",),
        states=("pending", "consumed", "locked"),
        transitions={
            "pending": ("consumed", "locked"),
            "consumed": ("pending",),
            "locked": ("pending",),
        },
        note="one live code per destination, as an HMAC under a server secret (never the "
        "code); a new request replaces it, a cleanup job deletes it after its expiry",
    ),
    "RateLimitBucket": Template(
        {"client_key": "str(200)", "tokens": "int", "refilled_at": "datetime"},
        key=("client_key",),
        note="one counter per client and window; expires on its own (TTL)",
    ),
    "WorkerLease": Template(
        {
            "datacenter_id": "int",
            "worker_id": "int",
            "holder": "str(100)",
            "expires_at": "datetime",
        },
        key=("datacenter_id", "worker_id"),
        row_size="100B",
        note="one row per worker id a generator holds; an expired lease is free again",
    ),
    "JobDefinition": Template(
        {
            "id": "uuid",
            "owner_id": "ref(User)",
            "schedule": "str(100)",
            "payload": "str(2000)",
            "max_retries": "int",
            "created_at": "datetime",
        },
        row_size="1KB",
        note="schedule: a cron expression or one timestamp for a one-off job",
    ),
    "AlertRule": Template(
        {
            "id": "uuid",
            "user_id": "ref(User)",
            "key": "str(64)",
            "condition": "enum(above|below)",
            "threshold": "decimal",
            "created_at": "datetime",
        },
        row_size="100B",
        note="one row per stored rule; matchers hold the rules of their keys in memory",
    ),
    "MatchTicket": Template(
        {
            "id": "uuid",
            "user_id": "ref(User)",
            "band": "str(64)",
            "status": "enum(waiting|matched|cancelled)",
            "group_id": "ref(MatchGroup)?",
            "created_at": "datetime",
        },
        states=("waiting", "matched", "cancelled"),
        transitions={"waiting": ("matched", "cancelled")},
        row_size="100B",
        note="one row per request to be grouped; the pool itself is the queue",
    ),
    "MatchGroup": Template(
        {"id": "uuid", "band": "str(64)", "size": "int", "created_at": "datetime"},
        row_size="100B",
        note="one row per formed group (match); its tickets point to it",
    ),
    "Rollup": Template(
        {
            "rollup_key": "str(200)",
            "period_start": "datetime",
            "values": "text",
            "computed_at": "datetime",
        },
        key=("rollup_key", "period_start"),
        row_size="1KB",
        note="one row per summarized thing and period, rewritten by the rollup job",
    ),
    "JobRun": Template(
        {
            "id": "uuid",
            "job": "str(100)",
            "status": "enum(scheduled|queued|running|succeeded|failed)",
            "next_run_at": "datetime",
            "attempt": "int",
            "started_at": "datetime?",
            "finished_at": "datetime?",
        },
        states=("scheduled", "queued", "running", "succeeded", "failed"),
        transitions={
            "scheduled": ("queued", "running"),
            "queued": ("running",),
            "running": ("succeeded", "failed", "queued"),
        },
        note="a run goes back to queued when its worker dies (at least once, attempt + 1)",
    ),
    "Build": Template(
        {
            "id": "uuid",
            "commit_sha": _unique("str", 40),
            "status": "enum(queued|running|succeeded|failed)",
            "artifact_key": "str(200)?",
            "queued_at": "datetime",
            "finished_at": "datetime?",
        },
        states=("queued", "running", "succeeded", "failed"),
        transitions={"queued": ("running",), "running": ("succeeded", "failed", "queued")},
        note="commit_sha is unique: a commit pushed twice is built once; a build goes back "
        "to queued when its worker dies",
    ),
    "Artifact": Template(
        {"object_key": "str(200)", "size_bytes": "int", "created_at": "datetime"},
        key=("object_key",),
        note="a build's output in the object store, under the build id",
    ),
    "Release": Template(
        {
            "id": "uuid",
            "build_id": "ref(Build)",
            "status": "enum(pending|rolling_out|succeeded|rolled_back)",
            "wave": "int",
            "created_at": "datetime",
            "finished_at": "datetime?",
        },
        states=("pending", "rolling_out", "succeeded", "rolled_back"),
        transitions={
            "pending": ("rolling_out",),
            "rolling_out": ("succeeded", "rolled_back"),
        },
        note="wave: the last wave started; a rollback returns the servers it reached to "
        "the previous release's artifact",
    ),
    "ReleaseWave": Template(
        {
            "release_id": "ref(Release)",
            "wave": "int",
            "servers_percent": "int",
            "status": "enum(pending|deploying|passed|failed)",
            "error_rate": "float?",
            "started_at": "datetime?",
        },
        key=("release_id", "wave"),
        states=("pending", "deploying", "passed", "failed"),
        transitions={"pending": ("deploying",), "deploying": ("passed", "failed")},
    ),
    "Call": Template(
        {
            "id": "uuid",
            "host_id": "ref(User)",
            "status": "enum(active|ended)",
            "participants": "int",
            "started_at": "datetime",
            "ended_at": "datetime?",
        },
        states=("active", "ended"),
        transitions={"active": ("ended",)},
        note="participants: those in the call now, checked against the cap on each join",
    ),
    "CallParticipant": Template(
        {
            "call_id": "ref(Call)",
            "user_id": "ref(User)",
            "signalling_node": "str(64)",
            "joined_at": "datetime",
            "left_at": "datetime?",
        },
        key=("call_id", "user_id"),
        note="signalling_node: the server holding the participant's connection",
    ),
    # a bill run's output: one per account and period (a rerun overwrites it)
    "Bill": Template(
        {
            "account_id": "uuid",
            "period_start": "datetime",
            "tariff": "str(64)",
            "usage": "decimal",
            "amount": "decimal",
            "created_at": "datetime",
        },
        key=("account_id", "period_start"),
        note="one bill per account and period: the run's idempotency key",
    ),
    # what outlives a match held in a server's memory
    "MatchResult": Template(
        {
            "match_id": "uuid",
            "winner": "str(64)?",
            "started_at": "datetime",
            "ended_at": "datetime",
            "replay_key": "str(200)?",
        },
        key=("match_id",),
        note="written once when the match ends; the match id makes a resave a no-op",
    ),
    "PlayerStats": Template(
        {
            "match_id": "ref(MatchResult)",
            "player_id": "uuid",
            "score": "int",
            "kills": "int",
            "deaths": "int",
        },
        key=("match_id", "player_id"),
    ),
}


def generic_template(name: str) -> Template:
    """A template for a noun the drafter has no template for (`Recipe`)."""
    return Template(
        {
            "id": "uuid",
            "owner_id": "ref(User)",
            "title": "str(200)",
            "body": "text",
            "created_at": "datetime",
            "updated_at": "datetime",
        },
        note=f"generic fields for '{name}': replace them with the real ones",
    )


def acted_template(action: str, target: str) -> Template:
    """An action recorded as a thing of its own (a swipe of a profile): who did it, to
    which thing, when."""
    return Template(
        {
            "id": "uuid",
            "user_id": "ref(User)",
            f"{target}_id": f"ref({camel(target)})",
            "created_at": "datetime",
        },
        note=f"one row per {action}: who made it, on which {target}, when",
    )


def mutual_template(action: str) -> Template:
    """Two people's actions on each other (two swipes: a match), made once the second
    arrives."""
    return Template(
        {
            "id": "uuid",
            "first_user_id": "ref(User)",
            "second_user_id": "ref(User)",
            "created_at": "datetime",
        },
        note=f"made by the second of two {action}s on each other; both users are notified",
    )


def make_entity(name: str, stored_in: str, template: Template | None = None) -> EntitySpec:
    template = template or TEMPLATES.get(name) or generic_template(name)
    relations: list[tuple[str, str, str | None]] = [
        (spec[4:].rstrip("?").rstrip(")"), "many_to_one", fname)
        for fname, spec in template.fields.items()
        if isinstance(spec, str) and spec.startswith("ref(")
    ]
    return EntitySpec(
        id=name,
        fields=dict(template.fields),
        key=template.key,
        stored_in=stored_in,
        relations=relations,
        states=template.states,
        transitions=dict(template.transitions),
        row_size=template.row_size,
        note=template.note,
    )


def referenced(entity: EntitySpec) -> list[str]:
    """Entities this one refers to (they must exist in the design)."""
    return [to for to, _, _ in entity.relations]


def entity_name(noun: str) -> str:
    return camel(noun) or "Item"


def plan_indexes(entity: EntitySpec) -> None:
    """Add the indexes the access patterns need: anything not served by a key prefix."""
    seen: set[tuple[str, ...]] = set()
    for pattern in entity.access:
        columns = (*pattern.by, *((pattern.order_by,) if pattern.order_by else ()))
        if not columns or pattern.kind in ("scan", "search"):
            continue
        if columns == entity.key[: len(columns)]:
            continue  # the primary key serves it
        if any(existing[: len(columns)] == columns for existing in seen):
            continue
        unique = (
            len(pattern.by) == 1 and _is_unique(entity, pattern.by[0]) and not (pattern.order_by)
        )
        seen.add(columns)
        entity.indexes.append((columns, unique, f"serves {pattern.id}"))


def _is_unique(entity: EntitySpec, name: str) -> bool:
    spec = entity.fields.get(name)
    return isinstance(spec, dict) and bool(spec.get("unique"))


def add_access(
    entity: EntitySpec,
    pattern_id: str,
    kind: str,
    by: tuple[str, ...],
    order_by: str | None,
    operation: str | None,
) -> None:
    if any(a.id == pattern_id for a in entity.access):
        return
    entity.access.append(AccessSpec(pattern_id, kind, by, order_by, operation))
