"""Cross-cutting blocks: rate limiting, notifications, analytics, auth, batch jobs."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import average, stated_rate
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import WRITES, primary_rates, stated_count
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.model import Principle


def rate_limit(ctx: Ctx) -> None:
    ctx.entity("RateLimitBucket")
    if ctx.classification.primary != "rate_limit":
        return  # compose guards every user-facing operation once all blocks have run
    _bucket_stock(ctx)
    ctx.entity("Quota")
    load = ctx.load
    total = load.reads + load.writes
    ctx.op(
        OpSpec(
            id="check_limit",
            description="Every API request: check the caller's limit, then serve or reject "
            "(HTTP 429)",
            pattern="rate_limit",
            rate=total,
            rate_note="all requests (reads + writes)",
            calls=ctx.front("check_limit", []),
            keywords=("request", "call", "limit", "check", "api"),
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
    ctx.primary_read = ctx.primary_read or "check_limit"
    ctx.use_cases += [
        "Allow or reject (429) each request by the caller's quota",
        "Configure quotas per client",
    ]
    bursts = any(q.role == "burst" for q in ctx.load.extracted.reading.placed)
    ctx.ledger.ask(
        "Limit by what key (user, API key, IP) and with which windows (per second, "
        "per minute)?" + ("" if bursts else " Are bursts allowed (token bucket)?")
    )
    ctx.ledger.ask("Must limits be exact across regions, or is a small overshoot acceptable?")


def notifications(ctx: Ctx) -> None:
    provider = ctx.external("provider", "email/SMS/push delivery provider")
    queue = ctx.queue("notify_queue", "notifications to send through the provider")
    ctx.entity("Notification")
    if ctx.classification.primary == "notifications" or not ctx.notify_sources:
        writes, _, wnote, _ = primary_rates(ctx, "notifications")
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
                            "the provider call (p99 in seconds) runs in a background job",
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
                    "notifying is not critical: fail open",
                    on_failure="fail_open",
                    fallback="skip the notification and log it; the action itself succeeded",
                    p=ctx.notify_share.get(source),
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
                rationale="the provider de-duplicates on our notification id, so retries are safe",
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
        Principle.OP,
        "a third-party call with a p99 in seconds must not sit on a user's request path",
        "deliver_notification",
    )
    ctx.use_cases += ["Deliver notifications (email/SMS/push) reliably"]
    ctx.ledger.ask("Which channels (email, SMS, push) and providers? User preferences and opt-out?")


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
    # "Dashboards query … at about 500 queries per second": a stated rate of reads or
    # requests beside the events is the dashboards'
    # (the main block's: a URL shortener's stated redirects are its own reads)
    written = ctx.load.write_figure
    queried = ctx.load.rate_for(frozenset({"request", "read", "query"}), ("read", "requests"))
    if primary and queried is not None and (written is None or queried.start != written.start):
        stats_rate = average(queried, ctx.load.peak_factor)
        stats_note = f'from the task: "{queried.quote}"'
        if ctx.load.read_figure is None:
            # the dashboards' reads are stated: the generic split's reads describe nothing
            ctx.ledger.withdraw("reads", "reads-derived")
            ctx.ledger.withdraw(
                "reads per write", "read-write-ratio", "What is the read:write ratio?"
            )
            ctx.ledger.extracted("dashboard queries", stated_rate(queried), queried.quote)
    else:
        stats_rate = Fraction(1) if primary else Fraction(1, 10)
        stats_note = "dashboard refreshes (assumed)"
    stats = ctx.op(
        OpSpec(
            id="get_stats",
            description="GET /stats?name=...&from=...: counts per minute for a dashboard",
            pattern="analytics",
            rate=stats_rate,
            rate_note=stats_note,
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
    if ctx.mentions(r"\blogs?\b|\blog\s+lines?\b|raw\s+(?:events?|logs?)|\barchive"):
        _raw_archive(ctx)


def _raw_archive(ctx: Ctx) -> None:
    """Raw logs and events kept as files in the object store: cheap, replayable, the
    input of batch jobs; the database keeps only the rollups."""
    ctx.comp("blobs")
    ctx.comp("worker")
    ctx.entity("RawArchive").stored_in = "blobs"
    ctx.op(
        OpSpec(
            id="archive_raw",
            description="Scheduled job (every minute): write the last minute's raw events "
            "as one compressed file to the object store",
            pattern="analytics",
            rate=Fraction(1, 60),
            rate_note="once a minute",
            sync=False,
            reads=False,
            idempotency_key="the minute it covers: a rerun overwrites the same file",
            calls=[
                CallSpec(
                    "worker.archive_raw",
                    time={"lognormal": {"p50": "2s", "p99": "20s"}},
                    calls=[
                        CallSpec(
                            "blobs.put",
                            idempotent=True,
                            rationale="one file per minute under a time-partitioned key",
                        )
                    ],
                )
            ],
            rationale="raw data is large and read in bulk: files in an object store, not rows",
        )
    )
    ctx.decide(
        "raw-archive",
        "Raw logs and events in the object store",
        "minute files under time-partitioned keys; the database keeps the rollups only",
        Principle.DB,
        "raw data is large, append-only and read in bulk by batch jobs",
        "blobs",
    )


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
            rationale="auth is critical: fail closed",
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
            rationale="auth is critical: never let a user in when a check could not run",
            # "authenticat", not "auth": "Search over titles and authors should answer in
            # 200 ms" gave log_in the search's latency target
            keywords=("log in", "login", "sign in", "authenticat"),
        )
    )
    ctx.access("User", "user_by_email", "lookup", ("email",), None, login.id)
    ctx.access("Session", "sessions_of_user", "lookup", ("user_id",), None, None)
    ctx.decide(
        "auth-stateless-tokens",
        "Stateless access tokens, sessions in the primary database",
        "short-lived signed access tokens (15 min) checked without a lookup; refresh "
        "sessions stored in the primary database",
        Principle.ST,
        "no separate session store to run, and the API stays stateless",
        login.id,
    )
    ctx.use_cases += ["Sign up", "Log in"]
    ctx.ledger.ask("Social login / SSO, multi-factor authentication?")


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
            rationale="periodic work is a scheduled job, never part of a user request",
        )
    )
    ctx.access("JobRun", "runs_of_job", "range", ("job",), "started_at", "scheduled_report")
    ctx.use_cases += ["Run scheduled reports"]
    ctx.ledger.ask("What exactly do the scheduled jobs compute, and by when must they finish?")


BUCKET_BYTES = 100


def _bucket_stock(ctx: Ctx) -> None:
    """Buckets are one per client and window, expiring on their own: a standing stock of
    clients × a small row, not rows growing with every request."""
    clients = stated_count(ctx, frozenset({"key", "client", "user", "tenant", "account"}))
    if clients is not None:
        count, how = clients.value, clients.describe()
    else:
        count, how = ctx.dau(), f"{float(ctx.dau()):,.0f} active clients (assumed: the DAU)"
    ctx.stock = (f"{how} × {BUCKET_BYTES} B per bucket", count * BUCKET_BYTES)
    if "RateLimitBucket" in ctx.entities:
        bucket = ctx.entities["RateLimitBucket"]
        bucket.rows, bucket.row_size = count, f"{BUCKET_BYTES}B"
