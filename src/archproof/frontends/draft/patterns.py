"""Building blocks: what each pattern adds to a design (operations, entities, components)
and the decisions that follow from the framework regardless of the numbers.

Numeric decisions (replicas, caches, replica counts, event hub vs queue, counters in the
database or in Redis, CDN) are made in `compose`, after every block has added its load.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import PATTERN_SUBJECTS
from archproof.frontends.draft.extract import DAY
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.text import camel, singular

WRITES = ("write", "events")
READS = ("read", "search")


def _primary_rates(ctx: Ctx, pattern: str) -> tuple[Fraction, Fraction, str, str]:
    """Write and read rates for a block: the main load when it is the main block."""
    load = ctx.load
    if ctx.classification.primary == pattern:
        return load.writes, load.reads, "the main write load", "the main read load"
    subjects = PATTERN_SUBJECTS.get(pattern, frozenset())
    writes, wnote = ctx.rate(
        subjects,
        WRITES,
        lambda: ctx.dau() / DAY,
        f"{pattern} writes",
        "one per daily active user per day",
        f"{pattern}-writes",
    )
    return writes, writes * load.ratio, wnote, f"writes × {load.ratio} reads per write"


# --------------------------------------------------------------------------- shortener


def shortener(ctx: Ctx) -> None:
    paste = ctx.mentions(r"paste")
    name = "Paste" if paste else "Link"
    noun = name.lower()
    writes, reads, wnote, rnote = _primary_rates(ctx, "shortener")
    ctx.entity(name)
    create = ctx.op(
        OpSpec(
            id=f"create_{noun}",
            description=f"POST /{noun}s: store a new short code for a long URL",
            pattern="shortener",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key=None,
            calls=ctx.front(
                f"create_{noun}",
                [
                    ctx.db(
                        "write",
                        f"insert the {noun}; the unique key on code rejects a "
                        "collision, and the API retries with a new random code",
                    )
                ],
            ),
            keywords=("create", "shorten", "write", "new"),
        )
    )
    resolve = ctx.op(
        OpSpec(
            id=f"resolve_{noun}",
            description="GET /{code}: look up the code and redirect (HTTP 301/302)",
            pattern="shortener",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front("redirect", [ctx.db("read", "point lookup by primary key (code)")]),
            keywords=("redirect", "resolve", "read", "lookup", "click", "get"),
        )
    )
    ctx.access(name, f"{noun}_by_code", "lookup", ("code",), None, resolve.id)
    ctx.lookups.append((resolve.id, name))
    ctx.primary_write = ctx.primary_write or create.id
    ctx.primary_read = ctx.primary_read or resolve.id
    ctx.use_cases += [
        f"Shorten a long URL into a short {noun} code",
        "Redirect a short code to its long URL",
    ]
    ctx.ledger.ask("Custom aliases and expiry for links? Who may delete a link?")
    ctx.ledger.ask("Is click analytics needed (counts per link), and how fresh must it be?")


# --------------------------------------------------------------------------- generic CRUD


def main_noun(text: str) -> str | None:
    """The thing a vague task is about: `Design a recipe sharing app` → `recipe`."""
    match = re.search(
        r"\b(?:for|of|a|an)\s+((?:[a-z]+[\s-]){0,2}?)(?:sharing\s+|management\s+|booking\s+|"
        r"tracking\s+)?(?:system|service|platform|app|application|website|site|backend|api|"
        r"tool|marketplace)\b",
        text,
        re.IGNORECASE,
    )
    if match is None:
        return None
    words = [w for w in re.split(r"[\s-]+", match.group(1).lower()) if w]
    stop = {
        "my",
        "our",
        "the",
        "a",
        "an",
        "new",
        "simple",
        "small",
        "scalable",
        "web",
        "mobile",
        "online",
        "startup",
        "company",
        "business",
        "distributed",
        "generic",
        "basic",
        "good",
        "great",
        "modern",
        "system",
        "this",
        "some",
    }
    words = [w for w in words if w not in stop and w.isalpha()]
    return singular(words[-1]) if words else None


def crud(ctx: Ctx) -> None:
    noun = main_noun(ctx.text)
    name = camel(noun) if noun else "Item"
    if name in ("User", "Item") and noun not in (None, "item"):
        name = "Item"
    key = name.lower()
    writes, reads, wnote, rnote = _primary_rates(ctx, "crud")
    ctx.entity(name)
    create = ctx.op(
        OpSpec(
            id=f"create_{key}",
            description=f"POST /{key}s: create a {key}",
            pattern="crud",
            rate=writes,
            rate_note=wnote,
            reads=False,
            calls=ctx.front(f"create_{key}", [ctx.db("write", f"insert the {key}")]),
            keywords=("create", "write", "add", "post"),
        )
    )
    get = ctx.op(
        OpSpec(
            id=f"get_{key}",
            description=f"GET /{key}s/{{id}}: read one {key}",
            pattern="crud",
            rate=reads * Fraction(4, 5),
            rate_note=rnote + "; 80% single reads (assumed)",
            calls=ctx.front(f"get_{key}", [ctx.db("read", "point lookup by primary key")]),
            keywords=("read", "get", "view", "lookup", "load", "page"),
        )
    )
    listing = ctx.op(
        OpSpec(
            id=f"list_{key}s",
            description=f"GET /users/{{id}}/{key}s: a user's {key}s, newest first",
            pattern="crud",
            rate=reads * Fraction(1, 5),
            rate_note=rnote + "; 20% list pages (assumed)",
            calls=ctx.front(f"list_{key}s", [ctx.db("read", "range scan on the owner index")]),
            keywords=("list", "browse", "history"),
        )
    )
    ctx.access(name, f"{key}_by_id", "lookup", ("id",), None, get.id)
    ctx.access(name, f"{key}s_by_owner", "range", ("owner_id",), "created_at", listing.id)
    ctx.lookups.append((get.id, name))
    ctx.primary_write = ctx.primary_write or create.id
    ctx.primary_read = ctx.primary_read or get.id
    ctx.use_cases += [f"Create a {key}", f"Read a {key}", f"List a user's {key}s"]


# --------------------------------------------------------------------------- payments


def payments(ctx: Ctx) -> None:
    primary = ctx.classification.primary == "payments"
    if primary:
        writes, reads = ctx.load.writes, ctx.load.reads
        wnote, rnote = "the main write load", "the main read load"
    else:
        ride = ctx.find_op("request_ride")
        ride_rate = ride.rate if ride is not None else None

        def fallback() -> Fraction:
            return ride_rate if ride_rate else ctx.dau() / 20 / DAY

        rule = (
            "one payment per ride"
            if ride is not None
            else "5% of daily active users pay once a day"
        )
        writes, wnote = ctx.rate(
            PATTERN_SUBJECTS["payments"],
            WRITES,
            fallback,
            "payments",
            rule,
            "payment-rate",
            "How many payments per day (and the peak, e.g. sales events)?",
        )
        reads, rnote = writes * 2, "2 status reads per payment (assumed)"
    psp = ctx.external("psp", "payment service provider (cards, wallets)")
    ctx.entity("Payment")
    ctx.entity("LedgerEntry")
    create = ctx.op(
        OpSpec(
            id="create_payment",
            description="POST /payments: authorize and record a payment, exactly once",
            pattern="payments",
            rate=writes,
            rate_note=wnote,
            critical=True,
            idempotency_key="Idempotency-Key header from the client, stored in "
            "payment.idempotency_key (unique): a retry returns the first result",
            reads=False,
            calls=ctx.front(
                "create_payment",
                [
                    ctx.db(
                        "write",
                        "insert the payment as pending with its idempotency key; "
                        "a duplicate key returns the stored payment instead",
                        on_failure="fail_closed",
                    ),
                    CallSpec(
                        f"{psp}.charge",
                        idempotent=True,
                        breaker=True,
                        on_failure="fail_closed",
                        rationale="[P7 robust failure handling] the provider gets our "
                        "idempotency key, so retries cannot charge twice; the breaker stops a "
                        "provider outage from holding every API worker",
                    ),
                    ctx.db(
                        "write",
                        "status → authorized or failed, and the balanced ledger "
                        "entries, in one transaction",
                        on_failure="fail_closed",
                    ),
                ],
            ),
            rationale="[P7 robust failure handling] money: critical, idempotent, fails closed "
            "— an error is shown rather than an uncertain charge",
            keywords=("pay", "payment", "checkout", "charge", "authoriz"),
        )
    )
    get = ctx.op(
        OpSpec(
            id="get_payment",
            description="GET /payments/{id}: payment status",
            pattern="payments",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front("get_payment", [ctx.db("read", "point lookup by primary key")]),
            keywords=("status",),
        )
    )
    webhook = ctx.op(
        OpSpec(
            id="provider_webhook",
            description="POST /webhooks/psp: the provider reports captures, refunds, disputes",
            pattern="payments",
            rate=writes,
            rate_note="one provider event per payment (assumed)",
            critical=True,
            idempotency_key="the provider's event id (stored; a redelivered event is a no-op)",
            reads=False,
            calls=ctx.front(
                "provider_webhook",
                [
                    ctx.db(
                        "write",
                        "apply the state transition only if it is allowed "
                        "(pending → authorized → captured → refunded)",
                        on_failure="fail_closed",
                    )
                ],
            ),
            keywords=("webhook", "capture", "refund"),
        )
    )
    ctx.access("Payment", "payment_by_id", "lookup", ("id",), None, get.id)
    ctx.access(
        "Payment", "payment_by_idempotency_key", "lookup", ("idempotency_key",), None, create.id
    )
    ctx.access("LedgerEntry", "entries_by_payment", "lookup", ("payment_id",), None, webhook.id)
    _reconcile(ctx, psp)
    ctx.notify_sources.append(create.id)
    if primary:
        ctx.primary_write = ctx.primary_write or create.id
        ctx.primary_read = ctx.primary_read or get.id
    ctx.decide(
        "payments-exactly-once",
        "Payments are idempotent and fail closed",
        "idempotency key + fail_closed on create_payment and the provider webhook",
        "P7",
        "a retried or duplicated request must never charge twice, and an unknown outcome is "
        "an error to the user, never a silent success",
        create.id,
    )
    ctx.decide(
        "payments-state-in-db",
        "Payment state machine and ledger in the primary database",
        "Payment.status moves only along its transitions; double-entry LedgerEntry rows are "
        "written in the same transaction",
        "P2",
        "one transactional store keeps money consistent; no second store to reconcile",
        "db",
    )
    ctx.use_cases += [
        "Pay (authorize a payment) exactly once",
        "See a payment's status",
        "Apply provider events (capture, refund, dispute)",
    ]
    ctx.ledger.ask("Which payment provider? Does it accept idempotency keys and send webhooks?")
    ctx.ledger.ask("Are card details tokenized by the provider (keeps PCI scope small)?")
    ctx.ledger.ask("Which currencies; are refunds, partial captures or payouts needed?")


def _reconcile(ctx: Ctx, psp: str) -> None:
    ctx.comp("worker")
    ctx.entity("JobRun")
    ctx.op(
        OpSpec(
            id="reconcile_payments",
            description="Nightly: compare our payments with the provider's settlement report",
            pattern="batch",
            rate=Fraction(1, DAY),
            rate_note="once a day",
            sync=False,
            reads=False,
            idempotency_key="the settlement date (a rerun overwrites the same JobRun)",
            calls=[
                CallSpec(
                    "worker.reconcile",
                    time={"lognormal": {"p50": "2min", "p99": "10min"}},
                    calls=[
                        CallSpec(
                            f"{psp}.report",
                            idempotent=True,
                            breaker=True,
                            rationale="download the settlement report (read-only)",
                        ),
                        ctx.db("read", "the day's payments, streamed"),
                        ctx.db("write", "record mismatches and the JobRun"),
                    ],
                )
            ],
            rationale="[P3 operation efficiency] a scheduled batch job off the request path",
        )
    )


# --------------------------------------------------------------------------- messaging


def messaging(ctx: Ctx) -> None:
    writes, reads, wnote, rnote = _primary_rates(ctx, "messaging")
    ctx.comp("lb")
    gateway = ctx.comp(
        "gateway",
        "gateway",
        "connection gateway: holds clients' WebSocket connections and pushes messages to them",
    )
    gateway.notes.append(
        "open connections are not durable state: a client reconnects to "
        "any node and fetches what it missed"
    )
    queue = ctx.queue("delivery_queue", "messages to deliver to online recipients")
    for name in ("Conversation", "Membership", "Message"):
        ctx.entity(name)
    send = ctx.op(
        OpSpec(
            id="send_message",
            description="Send a message: persist it, then hand delivery to a background job",
            pattern="messaging",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="client_msg_id chosen by the sender's device (unique per sender): "
            "a resend after a dropped connection is a no-op",
            calls=[
                CallSpec(
                    "lb.route",
                    calls=[
                        CallSpec(
                            "gateway.send",
                            calls=[
                                ctx.db(
                                    "write",
                                    "persist first: the message is durable before "
                                    "the sender sees it as sent",
                                    on_failure="fail_closed",
                                ),
                                ctx.enqueue(
                                    queue,
                                    "[P3 operation efficiency] delivery to each "
                                    "recipient happens in the background",
                                ),
                            ],
                        )
                    ],
                )
            ],
            keywords=("send", "message", "deliver", "arrive", "chat"),
        )
    )
    ctx.job(
        "deliver_message",
        queue,
        "deliver",
        [
            ctx.db("read", "the conversation's members (Membership by conversation_id)"),
            CallSpec(
                "gateway.push",
                rationale="push to each online member's connection; "
                "offline members fetch history when they reconnect",
            ),
        ],
        description="Deliver a stored message to the recipients' open connections",
        pattern="messaging",
        idempotency_key="message id: clients drop duplicates they already have",
    )
    history = ctx.op(
        OpSpec(
            id="get_history",
            description="GET /conversations/{id}/messages: recent messages, newest first",
            pattern="messaging",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front(
                "get_history",
                [ctx.db("read", "range on (conversation_id, created_at), newest first")],
            ),
            keywords=("history", "read", "load", "fetch"),
        )
    )
    ctx.access(
        "Message",
        "messages_by_conversation",
        "range",
        ("conversation_id",),
        "created_at",
        history.id,
    )
    ctx.access(
        "Membership",
        "members_of_conversation",
        "lookup",
        ("conversation_id",),
        None,
        "deliver_message",
    )
    ctx.access(
        "Message", "message_by_client_id", "lookup", ("sender_id", "client_msg_id"), None, send.id
    )
    ctx.primary_write = ctx.primary_write or send.id
    ctx.primary_read = ctx.primary_read or history.id
    ctx.decide(
        "messaging-persist-then-deliver",
        "Persist, then deliver in the background",
        "send_message writes the message and enqueues delivery; a worker pushes it",
        "P3",
        "the sender waits only for one durable write; fan-out to recipients (and retries for "
        "slow connections) never holds the send path",
        send.id,
    )
    ctx.decide(
        "messaging-queue-not-hub",
        "Delivery through a job queue, not an event hub",
        "a queue with one consumer per message",
        "P5",
        "delivery is time-sensitive and point-to-point; event hubs are for high-volume data "
        "that can wait",
        queue,
    )
    ctx.notify_sources.append(send.id)
    ctx.use_cases += [
        "Send a message to a conversation",
        "Receive messages in real time",
        "Read a conversation's history",
    ]
    ctx.ledger.ask("Group chats: maximum group size? (fan-out per message grows with it)")
    ctx.ledger.ask("Are read receipts, typing indicators and presence needed?")
    ctx.ledger.ask("End-to-end encryption? How long are messages kept?")


# --------------------------------------------------------------------------- feed


def feed(ctx: Ctx) -> None:
    writes, reads, wnote, rnote = _primary_rates(ctx, "feed")
    for name in ("Post", "Follow", "FeedItem"):
        ctx.entity(name)
    queue = ctx.queue("fanout_queue", "new posts to copy into followers' feeds")
    post = ctx.op(
        OpSpec(
            id="create_post",
            description="POST /posts: publish a post; followers' feeds are updated later",
            pattern="feed",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="client-generated post id (insert is a no-op on retry)",
            calls=ctx.front(
                "create_post",
                [
                    ctx.db("write", "insert the post"),
                    ctx.enqueue(
                        queue,
                        "[P3 operation efficiency] fan-out to followers is slow "
                        "(one row per follower) and runs as a background job",
                        on_failure="fail_open",
                        fallback="the post is saved; a periodic job re-enqueues posts "
                        "whose fan-out did not run",
                    ),
                ],
            ),
            keywords=("post", "publish", "tweet", "write"),
        )
    )
    ctx.job(
        "fan_out_post",
        queue,
        "fan_out",
        [
            ctx.db("read", "the author's followers (Follow by followee_id)"),
            ctx.db("write", "one multi-row insert of FeedItem rows (batched per 1,000 followers)"),
        ],
        description="Copy a new post into each follower's feed (fan-out on write)",
        pattern="feed",
        idempotency_key="(user_id, post_id) is the FeedItem key: a rerun inserts nothing new",
    )
    get_feed = ctx.op(
        OpSpec(
            id="get_feed",
            description="GET /feed: the newest posts of the people a user follows",
            pattern="feed",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front(
                "get_feed",
                [
                    ctx.db("read", "FeedItem range by user_id, newest first (one page)"),
                    ctx.db("read", "the page's posts by id, in one query"),
                ],
            ),
            keywords=("feed", "timeline", "read", "load", "view"),
        )
    )
    ctx.access("FeedItem", "feed_of_user", "range", ("user_id",), "created_at", get_feed.id)
    ctx.access("Post", "post_by_id", "lookup", ("id",), None, get_feed.id)
    ctx.access("Follow", "followers_of", "lookup", ("followee_id",), None, "fan_out_post")
    ctx.primary_write = ctx.primary_write or post.id
    ctx.primary_read = ctx.primary_read or get_feed.id
    ctx.notify_sources.append(post.id)
    ctx.use_cases += ["Publish a post", "Read a feed of followed users' posts, newest first"]
    ctx.ledger.ask(
        "How many followers do the largest accounts have? (celebrity posts are "
        "better merged at read time than fanned out)"
    )
    ctx.ledger.ask("Is the feed strictly chronological or ranked?")


# --------------------------------------------------------------------------- media


def media(ctx: Ctx) -> None:
    writes, reads, wnote, rnote = _primary_rates(ctx, "media")
    ctx.comp("blobs")
    ctx.entity("Media")
    ctx.entity("MediaObject").stored_in = "blobs"
    queue = ctx.queue("media_queue", "uploaded files to process (thumbnails, transcoding)")
    video = ctx.mentions(r"video|transcod|stream")
    request = ctx.op(
        OpSpec(
            id="request_upload",
            description="POST /uploads: create the media record and return a presigned URL",
            pattern="media",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="client-generated upload id (insert is a no-op on retry)",
            calls=ctx.front("request_upload", [ctx.db("write", "insert Media(status=uploading)")]),
            keywords=("upload",),
        )
    )
    ctx.op(
        OpSpec(
            id="upload_bytes",
            description="The client PUTs the file straight to the object store (presigned)",
            pattern="media",
            rate=writes,
            rate_note=wnote,
            reads=False,
            sync=True,
            calls=[
                CallSpec(
                    "blobs.put",
                    idempotent=True,
                    rationale="same key on retry: the object is simply overwritten",
                )
            ],
            keywords=("upload",),
        )
    )
    ctx.op(
        OpSpec(
            id="complete_upload",
            description="POST /uploads/{id}/complete: mark uploaded and queue processing",
            pattern="media",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="media id (status moves uploading → uploaded once)",
            calls=ctx.front(
                "complete_upload",
                [
                    ctx.db("write", "status → uploaded"),
                    ctx.enqueue(
                        queue,
                        "[P3 operation efficiency] processing takes seconds to "
                        "minutes; it runs as a background job",
                    ),
                ],
            ),
        )
    )
    processing: dict[str, object] = (
        {"lognormal": {"p50": "30s", "p99": "5min"}}
        if video
        else {"lognormal": {"p50": "500ms", "p99": "5s"}}
    )
    worker = ctx.comp("worker")
    worker.work["process_media"] = processing
    worker.work_notes["process_media"] = (
        "transcoding a short video (assumed)" if video else "resizing an image to 3 sizes (assumed)"
    )
    ctx.job(
        "process_media",
        queue,
        "process_media",
        [
            CallSpec("blobs.get", idempotent=True),
            CallSpec("blobs.put", idempotent=True, rationale="variants under derived keys"),
            ctx.db("write", "status → ready (or failed, for a retry)"),
        ],
        description="Make thumbnails/renditions of an uploaded file",
        pattern="media",
        idempotency_key="media id: variants are written under deterministic keys",
    )
    get = ctx.op(
        OpSpec(
            id="get_media",
            description="GET /media/{id}: metadata and a (signed) download URL",
            pattern="media",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front("get_media", [ctx.db("read", "point lookup by primary key")]),
            keywords=("view", "get", "load", "read"),
        )
    )
    ctx.op(
        OpSpec(
            id="download_media",
            description="The client downloads the bytes from the object store",
            pattern="media",
            rate=reads,
            rate_note=rnote,
            calls=[CallSpec("blobs.get", idempotent=True)],
            keywords=("download", "view", "stream", "watch"),
        )
    )
    ctx.access("Media", "media_by_id", "lookup", ("id",), None, get.id)
    ctx.access("Media", "media_by_owner", "range", ("owner_id",), "created_at", None)
    ctx.access("MediaObject", "object_by_key", "lookup", ("object_key",), None, "download_media")
    ctx.lookups.append((get.id, "Media"))
    ctx.primary_write = ctx.primary_write or request.id
    ctx.primary_read = ctx.primary_read or get.id
    ctx.notify_sources.append("process_media")
    ctx.decide(
        "media-direct-upload",
        "Uploads go straight to the object store",
        "presigned PUT URLs; the API only writes metadata",
        "P3",
        "streaming file bytes through the API would hold an API worker for the whole upload",
        "blobs",
    )
    ctx.use_cases += [
        "Upload a file",
        "Process uploads (thumbnails/renditions)",
        "View or download a file",
    ]
    ctx.ledger.ask("Maximum file size and accepted types? (sizes the object store and workers)")
    ctx.ledger.ask("Are files private (signed URLs) or public? Is moderation needed?")


# --------------------------------------------------------------------------- search


def search(ctx: Ctx) -> None:
    if ctx.mentions(r"autocomplete|auto-complete|typeahead|type-ahead|suggest"):
        _autocomplete(ctx)
    else:
        _full_text(ctx)


def _search_rate(ctx: Ctx) -> tuple[Fraction, str]:
    if ctx.classification.primary == "search":
        fig = ctx.load.rate_for(frozenset({"search", "read"}), ("search", "read"))
        if fig is not None:
            return ctx.load.reads, "the main read load"
        return ctx.load.reads, "the main read load"
    return ctx.rate(
        frozenset({"search"}),
        ("search",),
        ctx.load.reads / 5,
        "searches",
        "one search per 5 reads",
        "search-rate",
    )


def _autocomplete(ctx: Ctx) -> None:
    rate, note = _search_rate(ctx)
    ctx.entity("Suggestion")
    ctx.entity("QueryCount")
    queue = ctx.queue("query_queue", "submitted searches to count")
    suggest = ctx.op(
        OpSpec(
            id="suggest",
            description="GET /suggest?q=prefix: top completions for a prefix (each keystroke)",
            pattern="search",
            rate=rate,
            rate_note=note,
            calls=ctx.front(
                "suggest", [ctx.db("read", "point lookup of the precomputed prefix row")]
            ),
            keywords=("suggest", "autocomplete", "typeahead", "keystroke", "prefix", "search"),
        )
    )
    submit = ctx.op(
        OpSpec(
            id="submit_search",
            description="A submitted search is counted for future suggestions",
            pattern="search",
            rate=rate / 5,
            rate_note="one submitted search per 5 suggestion requests (assumed keystrokes)",
            reads=False,
            calls=ctx.front(
                "submit_search",
                [
                    ctx.enqueue(
                        queue,
                        "[P3 operation efficiency] counting is not on the user's path",
                        on_failure="fail_open",
                        fallback="drop the count (suggestions are statistics)",
                    )
                ],
            ),
        )
    )
    ctx.job(
        "count_queries",
        queue,
        "count_queries",
        [
            CallSpec(
                "db.write",
                p="1/10",
                idempotent=True,
                rationale="batched upsert of QueryCount: one write per "
                "10 queries (the worker aggregates in memory)",
            )
        ],
        description="Aggregate submitted searches into daily counts",
        pattern="search",
        idempotency_key="query id (a redelivered query is counted at most once per batch)",
    )
    ctx.op(
        OpSpec(
            id="rebuild_suggestions",
            description="Nightly: recompute the top completions of every prefix",
            pattern="batch",
            rate=Fraction(1, DAY),
            rate_note="once a day",
            sync=False,
            reads=False,
            idempotency_key="the day (a rerun rewrites the same rows)",
            calls=[
                CallSpec(
                    "worker.rebuild",
                    time={"lognormal": {"p50": "5min", "p99": "30min"}},
                    calls=[
                        ctx.db("read", "scan the last 30 days of QueryCount"),
                        ctx.db("write", "upsert Suggestion rows"),
                    ],
                )
            ],
            rationale="[P2 database design] suggestions are precomputed so each keystroke is "
            "one key lookup",
        )
    )
    ctx.access("Suggestion", "suggestion_by_prefix", "lookup", ("prefix",), None, suggest.id)
    ctx.access("QueryCount", "counts_by_day", "range", ("day",), "count", "rebuild_suggestions")
    ctx.lookups.append((suggest.id, "Suggestion"))
    ctx.primary_read = ctx.primary_read or suggest.id
    ctx.primary_write = ctx.primary_write or submit.id
    ctx.decide(
        "autocomplete-precomputed",
        "Suggestions are precomputed per prefix",
        "a nightly job writes the top-k completions of each prefix; a keystroke is one lookup",
        "P2",
        "push the heavy work (ranking) into a batch job and keep the hot path a key lookup",
        suggest.id,
    )
    ctx.use_cases += ["Suggest completions while the user types", "Learn from submitted searches"]
    ctx.ledger.ask("How many suggestions per prefix, and per-user personalization?")
    ctx.ledger.ask("How fresh must suggestions be (nightly rebuild assumed)?")


def _full_text(ctx: Ctx) -> None:
    rate, note = _search_rate(ctx)
    primary = ctx.classification.primary == "search"
    index = ctx.comp(
        "search",
        "search",
        "search index: a derived copy of the documents, rebuildable from the primary store",
    )
    index.recovery = "rebuild from the primary database with the indexing job"
    queue = ctx.queue("index_queue", "changed documents to (re)index")
    entity = "Document"
    source_op = ctx.find_op(ctx.primary_write) if ctx.primary_write else None
    if primary or source_op is None:
        ctx.entity(entity)
        writes = ctx.load.writes if primary else rate / 10
        save = ctx.op(
            OpSpec(
                id="save_document",
                description="PUT /documents/{id}: store a document and queue its indexing",
                pattern="search",
                rate=writes,
                rate_note="the main write load"
                if primary
                else "one write per 10 searches (assumed)",
                reads=False,
                idempotency_key="document id (PUT overwrites)",
                calls=ctx.front(
                    "save_document",
                    [
                        ctx.db("write", "the document in the primary store"),
                        ctx.enqueue(
                            queue,
                            "[P3 operation efficiency] indexing runs in the "
                            "background; results lag by seconds",
                        ),
                    ],
                ),
                keywords=("save", "index", "write", "upload"),
            )
        )
        ctx.primary_write = ctx.primary_write or save.id
    else:
        entity = next(iter(ctx.entities))
        api = ctx.api_call(source_op.id)
        if api is not None:
            api.calls.append(
                ctx.enqueue(
                    queue,
                    "[P3 operation efficiency] reindex in the background",
                    on_failure="fail_open",
                    fallback="the nightly reindex picks it up",
                )
            )
    ctx.job(
        "index_document",
        queue,
        "index",
        [
            ctx.db("read", "the current version of the document"),
            CallSpec("search.index", idempotent=True, rationale="upsert by document id"),
        ],
        description="Copy a changed document into the search index",
        pattern="search",
        idempotency_key="document id + version (indexing is an upsert)",
    )
    op = ctx.op(
        OpSpec(
            id="search_documents",
            description="GET /search?q=...: ranked full-text results",
            pattern="search",
            rate=rate,
            rate_note=note,
            calls=ctx.front(
                "search",
                [
                    CallSpec(
                        "search.search",
                        idempotent=True,
                        on_failure="fail_closed" if primary else "fail_open",
                        fallback=None
                        if primary
                        else "show the page without results and a retry hint",
                        breaker=not primary,
                    )
                ],
            ),
            keywords=("search", "query", "find", "results"),
        )
    )
    ctx.access(entity, "full_text", "search", (), None, op.id)
    ctx.primary_read = ctx.primary_read or op.id
    ctx.decide(
        "search-derived-index",
        "The search index is derived state",
        "documents live in the primary store; a background job copies them to the index",
        "P1",
        "one source of truth; the index can be dropped and rebuilt, so losing it loses no data",
        "search",
    )
    ctx.use_cases += ["Search documents by text, ranked"]
    ctx.ledger.ask("Which fields are searched, and how fresh must results be (seconds assumed)?")


# --------------------------------------------------------------------------- rides


def rides(ctx: Ctx) -> None:
    for name in ("Driver", "DriverLocation", "Ride"):
        ctx.entity(name)
    load = ctx.load
    drivers_fig = load.extracted.first("people", "driver")
    loc_fig = load.rate_for(frozenset({"location", "update"}), ("write",))
    if loc_fig is not None:
        updates, unote = loc_fig.value, f'from the task: "{loc_fig.quote}"'
        ctx.ledger.extracted("location updates", f"{float(updates):,.0f}/s", loc_fig.quote)
    else:
        drivers = drivers_fig.value if drivers_fig else ctx.dau() / 10
        updates = drivers / 4
        unote = "assumed: each active driver sends its location every 4 s"
        ctx.ledger.assumed(
            "location updates",
            f"{float(updates):,.0f}/s",
            f"{float(drivers):,.0f} active drivers"
            + ("" if drivers_fig else " (10% of DAU)")
            + " × one update per 4 s",
            "location-rate",
            "How many drivers are online at peak, and how often do they report?",
        )
    ride_rate, rnote = ctx.rate(
        frozenset({"ride", "delivery"}),
        WRITES,
        lambda: ctx.dau() / DAY,
        "ride requests",
        "one ride per daily active user per day",
        "ride-rate",
    )
    update = ctx.op(
        OpSpec(
            id="update_location",
            description="Drivers report their position (latest position only)",
            pattern="rides",
            rate=updates,
            rate_note=unote,
            reads=False,
            idempotency_key="(driver_id, timestamp): an older position never overwrites a newer",
            calls=ctx.front("update_location", [ctx.db("write", "upsert DriverLocation")]),
            keywords=("location", "position", "gps", "update"),
        )
    )
    dispatch = ctx.queue("dispatch_queue", "matched rides to announce to drivers")
    request = ctx.op(
        OpSpec(
            id="request_ride",
            description="POST /rides: find nearby available drivers and match one",
            pattern="rides",
            rate=ride_rate,
            rate_note=rnote,
            reads=False,
            idempotency_key="client request id (a retried request returns the same ride)",
            calls=ctx.front(
                "request_ride",
                [
                    ctx.db("read", "drivers in the pickup geohash cell and its neighbours"),
                    ctx.db(
                        "write",
                        "insert the Ride as matched (conditional update of the "
                        "driver's status prevents double assignment)",
                    ),
                    ctx.enqueue(
                        dispatch, "[P3 operation efficiency] telling the driver is asynchronous"
                    ),
                ],
            ),
            keywords=("match", "request", "ride", "nearby", "find"),
        )
    )
    ctx.job(
        "dispatch_ride",
        dispatch,
        "dispatch",
        [CallSpec("gateway.push", rationale="push the offer to the driver's app")]
        if "gateway" in ctx.comps
        else [ctx.db("read", "the ride and driver")],
        description="Announce a matched ride to the driver",
        pattern="rides",
        idempotency_key="ride id",
    )
    status = ctx.op(
        OpSpec(
            id="get_ride",
            description="GET /rides/{id}: status and driver position",
            pattern="rides",
            rate=ride_rate * 30,
            rate_note="30 status polls per ride (assumed: every 10 s for 5 min)",
            calls=ctx.front("get_ride", [ctx.db("read", "point lookup by primary key")]),
            keywords=("status", "track"),
        )
    )
    ctx.access("DriverLocation", "drivers_near", "range", ("geohash",), None, request.id)
    ctx.access("Ride", "ride_by_id", "lookup", ("id",), None, status.id)
    ctx.lookups.append((status.id, "Ride"))
    del update
    ctx.primary_write = ctx.primary_write or request.id
    ctx.primary_read = ctx.primary_read or status.id
    ctx.notify_sources.append(request.id)
    ctx.use_cases += [
        "Drivers report their location",
        "Riders request a ride and get matched to a nearby driver",
        "Riders follow the ride's status",
    ]
    ctx.ledger.ask("How are drivers chosen (nearest, ETA, rating), and may a driver decline?")
    ctx.ledger.ask("Is location history needed (for fares, disputes), or only the latest?")


# --------------------------------------------------------------------------- rate limiting


def rate_limit(ctx: Ctx) -> None:
    ctx.entity("RateLimitBucket")
    if ctx.classification.primary != "rate_limit":
        return  # compose guards every user-facing operation once all blocks have run
    ctx.entity("Quota")
    load = ctx.load
    total = load.reads + load.writes
    ctx.op(
        OpSpec(
            id="handle_request",
            description="Every API request: check the caller's limit, then serve or reject "
            "(HTTP 429)",
            pattern="rate_limit",
            rate=total,
            rate_note="all requests (reads + writes)",
            calls=ctx.front("handle_request", []),
            keywords=("request", "limit", "check", "api"),
        )
    )
    ctx.op(
        OpSpec(
            id="update_limits",
            description="PUT /limits/{client}: change a client's quota",
            pattern="rate_limit",
            rate=Fraction(1, 60),
            rate_note="about one change a minute (assumed)",
            reads=False,
            idempotency_key="client key (PUT overwrites)",
            calls=ctx.front("update_limits", [ctx.db("write", "store the quota")]),
        )
    )
    ctx.primary_read = ctx.primary_read or "handle_request"
    ctx.use_cases += [
        "Allow or reject (429) each request by the caller's quota",
        "Configure quotas per client",
    ]
    ctx.ledger.ask(
        "Limit by what key (user, API key, IP) and with which windows (per second, "
        "per minute)? Are bursts allowed (token bucket)?"
    )
    ctx.ledger.ask("Must limits be exact across regions, or is a small overshoot acceptable?")


# --------------------------------------------------------------------------- notifications


def notifications(ctx: Ctx) -> None:
    provider = ctx.external("provider", "email/SMS/push delivery provider")
    queue = ctx.queue("notify_queue", "notifications to send through the provider")
    ctx.entity("Notification")
    if ctx.classification.primary == "notifications" or not ctx.notify_sources:
        writes, _, wnote, _ = _primary_rates(ctx, "notifications")
        send = ctx.op(
            OpSpec(
                id="send_notification",
                description="POST /notifications: accept a notification for delivery",
                pattern="notifications",
                rate=writes,
                rate_note=wnote,
                reads=False,
                idempotency_key="dedupe_key from the caller (unique): a retried request "
                "creates no second notification",
                calls=ctx.front(
                    "send_notification",
                    [
                        ctx.db("write", "insert Notification(status=queued) with its dedupe_key"),
                        ctx.enqueue(
                            queue,
                            "[P3 operation efficiency] the provider call "
                            "(p99 in seconds) runs in a background job",
                        ),
                    ],
                ),
                keywords=("notif", "send", "email", "push", "sms"),
            )
        )
        ctx.access(
            "Notification", "notification_by_dedupe_key", "lookup", ("dedupe_key",), None, send.id
        )
        ctx.primary_write = ctx.primary_write or send.id
        ctx.use_cases += ["Accept notifications from other services"]
    else:
        for source in ctx.notify_sources:
            call = ctx.api_call(source)
            if call is None:
                continue
            call.calls.append(
                ctx.enqueue(
                    queue,
                    "[P7 robust failure handling] notifying is not critical: fail open",
                    on_failure="fail_open",
                    fallback="skip the notification and log it; the action itself succeeded",
                )
            )
    ctx.job(
        "deliver_notification",
        queue,
        "deliver",
        [
            CallSpec(
                f"{provider}.send",
                idempotent=True,
                breaker=True,
                on_failure="fail_open",
                fallback="leave the message on the queue for a later retry; after the last "
                "attempt it goes to the dead-letter queue and is marked failed",
                rationale="[P7 robust failure handling] the provider de-duplicates on our "
                "notification id, so retries are safe",
            ),
            ctx.db("write", "status → sent"),
        ],
        description="Send one notification through the provider",
        pattern="notifications",
        idempotency_key="notification id, passed to the provider as its idempotency key",
    )
    ctx.decide(
        "notifications-background",
        "Notifications are sent by background jobs",
        "enqueue, then a worker calls the provider with retries and a breaker",
        "P3",
        "a third-party call with a p99 in seconds must not sit on a user's request path",
        "deliver_notification",
    )
    ctx.use_cases += ["Deliver notifications (email/SMS/push) reliably"]
    ctx.ledger.ask("Which channels (email, SMS, push) and providers? User preferences and opt-out?")


# --------------------------------------------------------------------------- analytics


def analytics(ctx: Ctx) -> None:
    """Events are published by the API and aggregated by a worker; compose picks the hub."""
    ctx.entity("EventRollup")
    primary = ctx.classification.primary == "analytics"
    if primary:
        rate, note = ctx.load.writes, "the main write load"
    else:
        base = ctx.find_op(ctx.primary_read)
        base_rate = base.rate if base is not None else None

        def events_fallback() -> Fraction:
            return base_rate if base_rate else ctx.dau() * 20 / DAY

        rate, note = ctx.rate(
            frozenset({"event"}),
            ("events", "write"),
            events_fallback,
            "analytics events",
            "one event per main read (e.g. a click)"
            if base
            else "20 events per daily active user per day",
            "event-rate",
        )
    if primary or ctx.primary_read is None:
        ctx.op(
            OpSpec(
                id="track_event",
                description="POST /events: accept a batch of client events",
                pattern="analytics",
                rate=rate,
                rate_note=note,
                reads=False,
                calls=ctx.front("track_event", []),  # compose adds the publish call
                keywords=("event", "track", "ingest"),
            )
        )
        ctx.primary_write = ctx.primary_write or "track_event"
    stats = ctx.op(
        OpSpec(
            id="get_stats",
            description="GET /stats?name=...&from=...: counts per minute for a dashboard",
            pattern="analytics",
            rate=Fraction(1) if primary else Fraction(1, 10),
            rate_note="dashboard refreshes (assumed)",
            calls=ctx.front("get_stats", [ctx.db("read", "range over EventRollup (name, bucket)")]),
            keywords=("dashboard", "stats", "report", "query"),
        )
    )
    ctx.access("EventRollup", "rollups_by_name", "range", ("name",), "bucket", stats.id)
    ctx.primary_read = ctx.primary_read or stats.id
    ctx.use_cases += ["Record analytics events", "Show aggregated counts on a dashboard"]
    ctx.ledger.ask(
        "Which events and dimensions matter; how fresh must dashboards be (minutes assumed)?"
    )
    ctx.event_rate, ctx.event_note = rate, note  # compose picks the hub from this rate


# --------------------------------------------------------------------------- auth


def auth(ctx: Ctx) -> None:
    for name in ("User", "Credential", "Session"):
        ctx.entity(name)
    dau = ctx.dau()
    logins, lnote = ctx.rate(
        frozenset({"session"}),
        WRITES,
        dau / DAY,
        "logins",
        "one login per daily active user per day",
        "login-rate",
    )
    signups, snote = ctx.rate(
        frozenset({"user"}),
        WRITES,
        dau / 100 / DAY,
        "sign-ups",
        "new users = 1% of daily active users per day",
        "signup-rate",
    )
    api = ctx.comp("api")
    hashing: dict[str, object] = {"lognormal": {"p50": "80ms", "p99": "150ms"}}
    api.work["sign_up"] = hashing
    api.work["log_in"] = hashing
    api.work_notes["sign_up"] = "password hashing (bcrypt cost 12 / argon2) dominates"
    api.work_notes["log_in"] = "password hashing (bcrypt cost 12 / argon2) dominates"
    ctx.op(
        OpSpec(
            id="sign_up",
            description="POST /users: create an account",
            pattern="auth",
            rate=signups,
            rate_note=snote,
            critical=True,
            reads=False,
            idempotency_key="the email address (unique index on user.email): a retried "
            "sign-up finds the account it created",
            calls=ctx.front(
                "sign_up",
                [
                    ctx.db("read", "is the email taken? (unique index)", on_failure="fail_closed"),
                    ctx.db(
                        "write",
                        "insert User + Credential in one transaction",
                        on_failure="fail_closed",
                    ),
                ],
            ),
            rationale="[P7 robust failure handling] auth is critical: fail closed",
            keywords=("sign up", "signup", "register"),
        )
    )
    login = ctx.op(
        OpSpec(
            id="log_in",
            description="POST /sessions: check the password, issue tokens",
            pattern="auth",
            rate=logins,
            rate_note=lnote,
            critical=True,
            reads=False,
            idempotency_key="Idempotency-Key header: a retried log-in returns the session it "
            "created",
            calls=ctx.front(
                "log_in",
                [
                    ctx.db("read", "user and credential by email", on_failure="fail_closed"),
                    ctx.db(
                        "write", "insert the Session (refresh token hash)", on_failure="fail_closed"
                    ),
                ],
            ),
            rationale="[P7 robust failure handling] auth is critical: never let a user in "
            "when a check could not run",
            keywords=("log in", "login", "sign in", "auth"),
        )
    )
    ctx.access("User", "user_by_email", "lookup", ("email",), None, login.id)
    ctx.access("Session", "sessions_of_user", "lookup", ("user_id",), None, None)
    ctx.decide(
        "auth-stateless-tokens",
        "Stateless access tokens, sessions in the primary database",
        "short-lived signed access tokens (15 min) checked without a lookup; refresh "
        "sessions stored in the primary database",
        "P1",
        "no separate session store to run, and the API stays stateless",
        login.id,
    )
    ctx.use_cases += ["Sign up", "Log in"]
    ctx.ledger.ask("Social login / SSO, multi-factor authentication?")


# --------------------------------------------------------------------------- batch


def batch(ctx: Ctx) -> None:
    ctx.comp("worker")
    ctx.entity("JobRun")
    nightly = ctx.mentions(r"nightly|every night|daily")
    ctx.op(
        OpSpec(
            id="scheduled_report",
            description="Scheduled job: aggregate the day's data into a report",
            pattern="batch",
            rate=Fraction(1, DAY) if nightly else Fraction(1, 3600),
            rate_note="once a day" if nightly else "once an hour (assumed)",
            sync=False,
            reads=False,
            idempotency_key="the period it covers (a rerun overwrites the same JobRun)",
            calls=[
                CallSpec(
                    "worker.run_report",
                    time={"lognormal": {"p50": "1min", "p99": "10min"}},
                    calls=[
                        ctx.db(
                            "read",
                            "the period's rows, streamed in pages "
                            "(an index range, not a full scan)",
                        ),
                        ctx.db("write", "the report and its JobRun"),
                    ],
                )
            ],
            rationale="[P3 operation efficiency] periodic work is a scheduled job, never part "
            "of a user request",
        )
    )
    ctx.access("JobRun", "runs_of_job", "range", ("job",), "started_at", "scheduled_report")
    ctx.use_cases += ["Run scheduled reports"]
    ctx.ledger.ask("What exactly do the scheduled jobs compute, and by when must they finish?")


BLOCKS: dict[str, Callable[[Ctx], None]] = {
    "shortener": shortener,
    "crud": crud,
    "payments": payments,
    "messaging": messaging,
    "feed": feed,
    "media": media,
    "search": search,
    "rides": rides,
    "rate_limit": rate_limit,
    "notifications": notifications,
    "analytics": analytics,
    "auth": auth,
    "batch": batch,
}

# Blocks that add steps to other blocks' operations run last.
LATE = ("search", "notifications", "analytics", "rate_limit")
