"""One-time passcodes: login and verification codes sent by SMS or email (2FA, magic
codes), stored only as a keyed hash with their expiry and a tries counter.

`request_code` takes a token from the destination's send bucket (resend limit), replaces
the destination's live code with a new one (its hash, the task's validity, tries = 0) and
enqueues the send; a worker sends it through the provider (an external, its stated
delivery time as its service time), redelivered by the broker a few times within the
code's validity, then dropped. `verify_code` counts a try before it compares (constant
time), locks the code at the task's maximum tries and consumes it on success. The codes'
store is the primary database while its writes stay under half of one node at peak (an
expiry index and a cleanup job), else Redis with a TTL: one fewer stateful system unless
the numbers need it. Rates come from the task: a login or verification is one code
request (average and the stated peak), verified about once each.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.flows import at_peak, iter_calls, node_util, service_time
from archproof.frontends.draft.patterns.common import primary_rates
from archproof.frontends.draft.plan import CallSpec, EventSpec, OneOfSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import (
    TARGET_STATEFUL,
    max_throughput,
    ms,
    nice_duration,
    nodes_for,
    per_s,
    rate_text,
    utilization,
)
from archproof.frontends.draft.text import article
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Duration

DEFAULT_VALIDITY = Fraction(600)  # 10 minutes, a common validity when the task gives none
DEFAULT_TRIES = 5
DEFAULT_DIGITS = 6
# The resend limit (assumed): one code per destination every 30 s, five an hour.
RESEND_GAP = 30
SENDS_PER_HOUR = 5
# The broker redelivers a failed send after this wait, within half the code's validity:
# a code that arrives later leaves its user too little time to type it.
REDELIVERY_DELAY = Fraction(30)
MAX_DELIVERIES = 4
# Below this peak a time-sensitive event through a queue is flagged (review EV002, whose
# threshold this is; a frontend does not import the review).
LOW_VOLUME = 100
# An async HTTP client keeps this many sends in flight per worker process (assumed).
IN_FLIGHT_PER_WORKER = 200
# The provider's API answers in a few hundred ms when the task gives no time (assumed).
DEFAULT_PROVIDER_TIME = Fraction(3, 10)
# The share of verifications that match (assumed): typos and brute force make the rest.
MATCH_SHARE = Fraction(9, 10)

_EMAIL_ONLY = r"\be-?mail(?:ed|s)?\b"
_SMS = r"\bsms\b|\btext(?:ed)?\s+messages?\b|\bphones?\b|\bmobile\b"
_WORST = r"\bup\s+to\b|\bat\s+most\b|\bworst\b|\bmax(?:imum)?\b|\bno\s+more\s+than\b"
_PASSWORD = r"\bpasswords?\b"
_TRIES = frozenset({"try", "tries", "attempt", "attempts", "guess", "guesses"})


def _durations(ctx: Ctx) -> list[Quantity]:
    return [q for q in ctx.load.extracted.reading.placed if q.unit == "seconds" and q.value > 0]


def validity(ctx: Ctx) -> Quantity | None:
    """How long a code stays valid: the duration the reader takes for an expiry, or one
    whose subject says valid / expiry / lifetime."""
    for q in _durations(ctx):
        subject = q.subject.lower()
        if q.role == "expiry" or re.search(r"valid|expir|lifetime|ttl", subject):
            return q
    return None


def max_tries(ctx: Ctx) -> Quantity | None:
    """The tries a code allows ("max 3 tries", "5 attempts per code")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or q.period is not None or not q.subject:
            continue
        if q.subject.split()[-1].lower() in _TRIES:
            return q
    return None


def digits(ctx: Ctx) -> Quantity | None:
    """The code's length ("6-digit code")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit == "count" and q.period is None and "digit" in q.subject.lower():
            return q
    return None


def delivery_time(ctx: Ctx) -> tuple[Fraction, str] | None:
    """The provider's time the task states ("~2 s to deliver"), with its words."""
    for fig in ctx.load.extracted.all("third_party_time"):
        return fig.value, fig.quote
    for q in _durations(ctx):
        if re.search(r"deliver|provider|sms|send", q.subject, re.IGNORECASE) and q is not (
            validity(ctx)
        ):
            return q.value, q.text
    return None


def _span(seconds: Fraction) -> str:
    """A duration as people say it: whole minutes in minutes (`10 min`, not `600s`)."""
    if seconds >= 60 and seconds % 60 == 0 and seconds < 3600:
        return f"{seconds // 60} min"
    return str(Duration(seconds))


def brute_force_odds(length: int, tries: int, codes_per_hour: int) -> Fraction:
    """The chance that guessing takes over one destination within an hour: each code
    allows `tries` guesses among 10**length codes, and the resend limit allows
    `codes_per_hour` codes an hour (a union bound, exact enough at these odds)."""
    return Fraction(tries * codes_per_hour, 10**length)


def otp(ctx: Ctx) -> None:
    email = ctx.mentions(_EMAIL_ONLY) and not ctx.mentions(_SMS)
    channel, dest = ("email", "email") if email else ("SMS", "phone")
    requests, _, rnote, _ = primary_rates(ctx, "otp")
    valid_q, tries_q, digits_q = validity(ctx), max_tries(ctx), digits(ctx)
    valid = valid_q.value if valid_q is not None else DEFAULT_VALIDITY
    tries = int(tries_q.value) if tries_q is not None and tries_q.value >= 1 else DEFAULT_TRIES
    length = int(digits_q.value) if digits_q is not None and digits_q.value >= 4 else None
    said = delivery_time(ctx)
    _figures(ctx, valid_q, valid, tries_q, tries, length)
    main = ctx.classification.primary == "otp"
    if main and ctx.load.read_figure is None:
        # verifications are this block's own second operation, not reads by a ratio
        ctx.ledger.withdraw("reads", "reads-derived")
        ctx.ledger.withdraw("reads per write", "read-write-ratio", "What is the read:write ratio?")
    ctx.ledger.assume_entry(
        "otp-verifications",
        "one verification per code requested",
        "assumed: most codes are typed once; a wrong try adds one, a code never used none",
    )
    if ctx.load.retention_s is None and main:
        # the codes' rows live as long as a code is valid: the store's standing volume (as
        # the main job only: a chat app that logs in by code keeps its messages for years)
        ctx.load.retention_s = valid

    code = ctx.entity("OneTimeCode")
    ctx.entity("RateLimitBucket")
    ctx.entity("Session")
    if dest == "email":
        code.fields = {("email" if k == "phone" else k): v for k, v in code.fields.items()}
        code.key = ("email",)
    if dest == "phone":
        ctx.entities["User"].fields["phone"] = {"type": "str", "size": 32, "unique": True}
    code.retention = str(Duration(valid))
    code.retention_note = "from the task" if valid_q is not None else "assumed"
    queue = ctx.queue("code_sends", f"one message per code to send by {channel}")
    dead = ctx.queue("code_sends_dlq", "sends that failed every delivery within the validity")
    provider = ctx.external(
        "sms_provider" if channel == "SMS" else "email_provider",
        f"{channel} delivery provider ("
        + (
            "carrier routes, delivery receipts)" if channel == "SMS" else "deliverability, bounces)"
        ),
    )
    api = ctx.comp("api")
    api.work["request_code"] = {"lognormal": {"p50": "1ms", "p99": "5ms"}}
    api.work_notes["request_code"] = (
        "a random code from a CSPRNG and its HMAC-SHA256 under a server secret"
    )
    first: list[CallSpec | OneOfSpec] = []
    if ctx.mentions(_PASSWORD):
        # a second factor: the password is checked before a code is sent
        ctx.entity("Credential")
        api.work["request_code"] = {"lognormal": {"p50": "80ms", "p99": "150ms"}}
        api.work_notes["request_code"] = (
            "the password's hash checked first (bcrypt cost 12 / argon2 dominates), then a "
            "random code and its HMAC"
        )
        first.append(
            ctx.db(
                "read",
                f"the user and credential by {dest} (a wrong password sends no code)",
                on_failure="fail_closed",
            )
        )
    api.work["verify_code"] = {"lognormal": {"p50": "1ms", "p99": "5ms"}}
    api.work_notes["verify_code"] = "HMAC of the typed code, compared in constant time"
    request = ctx.op(
        OpSpec(
            id="request_code",
            description=f"POST /codes: send a one-time code to {article(dest)}"
            + (" (a login)" if ctx.mentions(r"\blog[- ]?ins?\b|\bsign[- ]?in") else ""),
            pattern="otp",
            rate=requests,
            rate_note=rnote,
            critical=True,
            reads=False,
            idempotency_key=f"the {dest} and the resend gap: a repeat within {RESEND_GAP}s "
            "returns the same answer and sends nothing (the send bucket refuses it)",
            calls=ctx.front(
                "request_code",
                [
                    *first,
                    ctx.db(
                        "write",
                        f"in one transaction: take a token from the {dest}'s send bucket "
                        f"(RateLimitBucket: one per {RESEND_GAP}s, {SENDS_PER_HOUR} an hour; "
                        f"none left → 429) and upsert OneTimeCode({dest}) with the new "
                        f"code's hash, expires_at = now + {_span(valid)}, tries = 0 "
                        "(the old code dies)",
                        on_failure="fail_closed",
                    ),
                    ctx.enqueue(
                        queue,
                        f"the {channel} provider takes seconds: the send runs in a job",
                        on_failure="fail_closed",
                    ),
                ],
            ),
            rationale="a code is a credential: stored only as a keyed hash, never logged",
            accept={
                "EV008": "the code row and its send need not agree: a send lost between "
                "the commit and the enqueue (or refused by a broker outage, a 503) leaves "
                "an unsent code that expires unused, and its user asks again after the "
                "resend gap; an outbox would add a relay to save one resend"
            },
            keywords=("code", "otp", "login", "log in", "sign in", "request", "send"),
        )
    )
    verify = ctx.op(
        OpSpec(
            id="verify_code",
            description=f"POST /codes/verify: check a typed code for {article(dest)}; on a "
            "match, consume it and issue the session",
            pattern="otp",
            rate=requests,
            rate_note="assumed: one verification per code requested",
            critical=True,
            reads=False,
            idempotency_key="Idempotency-Key header stored with the session: a retried "
            "verify whose answer was lost returns that session, and counts no second try",
            calls=ctx.front(
                "verify_code",
                [
                    ctx.db(
                        "write",
                        f"count the try first: tries = tries + 1 where {dest} matches, "
                        f"state = pending, expires_at > now and tries < {tries}, returning "
                        f"the hash (no row: expired, consumed or locked at {tries} tries)",
                        on_failure="fail_closed",
                    ),
                    ctx.db(
                        "write",
                        f"on a match: state → consumed (never usable again; the cleanup "
                        f"deletes it), the User by {dest} (created on a first login) and "
                        "insert the Session, in one transaction",
                        on_failure="fail_closed",
                        p=str(MATCH_SHARE),
                    ),
                ],
            ),
            rationale="fail closed: a code that could not be checked lets nobody in",
            keywords=("verify", "check", "code", "login", "log in", "sign in"),
        )
    )
    worker = ctx.comp("worker")
    worker.rationale = (
        f"send workers: hand each code to the {channel} provider; the wait is the "
        "provider's, so each process keeps many sends in flight (async HTTP client)"
    )
    worker.concurrency = IN_FLIGHT_PER_WORKER
    worker.notes.append(
        f"concurrency = {IN_FLIGHT_PER_WORKER} sends in flight per process (an async HTTP "
        "client; assumed): a send holds a slot while the provider answers"
    )
    ctx.ledger.assume_entry(
        "send-concurrency",
        f"a send worker keeps {IN_FLIGHT_PER_WORKER} sends in flight",
        "assumed: an async HTTP client; the worker waits on the provider, not on CPU",
    )
    worker.work["send"] = {"lognormal": {"p50": "200us", "p99": "1ms"}}
    worker.work_notes["send"] = "render the message with the code from the job"
    if said is not None and re.search(_WORST, said[1], re.IGNORECASE):
        p50, words = said[0] / 3, said[1]
        time_note = f'the task\'s "{words}" as its p99, a third of that at the median (assumed)'
    elif said is not None:
        p50, words = said
        time_note = f'the task\'s "{words}" as its median, 3× that at p99 (assumed tail)'
    else:
        p50, words = DEFAULT_PROVIDER_TIME, ""
        time_note = "assumed: a provider API's median, 3× that at p99"
        ctx.ledger.ask(
            f"How long does the {channel} provider take to accept a message, and to deliver "
            f"it? (assumed {Duration(p50)} to accept)"
        )
    p99 = p50 * 3
    horizon = valid / 2
    deliveries = max(1, min(MAX_DELIVERIES, 1 + int(horizon // REDELIVERY_DELAY)))
    send_call = CallSpec(
        f"{provider}.send",
        time={"lognormal": {"p50": ms(float(p50)), "p99": ms(float(p99))}},
        timeout=nice_duration(max(5.0, 2 * float(p99))),
        retries={"count": 0},
        breaker=True,
        idempotent=True,
        on_failure="fail_closed",
        rationale=f"{time_note}; a failed send goes back to the queue for a delayed "
        "redelivery, not an in-process retry; a repeat carries the same code, so a "
        "duplicate message is harmless",
    )
    ctx.job(
        "send_code",
        queue,
        "send",
        [send_call],
        description=f"Send one code through the {channel} provider",
        pattern="otp",
        idempotency_key="the code's id, passed to the provider as its reference: a "
        "redelivered job re-sends the same code, never a new one",
        rationale=f"redelivered every {Duration(REDELIVERY_DELAY)}, {deliveries} sends in "
        f"all (the last {Duration(REDELIVERY_DELAY * (deliveries - 1))} after the first, "
        f"within half the {_span(valid)} validity), then dead-lettered",
    )
    ctx.job(
        "drop_code_send",
        dead,
        "drop_send",
        [
            ctx.db(
                "write",
                "delete the unsent code and give its token back to the send bucket, so the "
                "user's next request is not refused by the resend limit",
            )
        ],
        description="Drop a code that could not be sent within its validity; its user asks again",
        pattern="otp",
        idempotency_key="the code's id: deleting a deleted code changes nothing",
    )
    ctx.events.append(
        EventSpec(
            id="code_send",
            hub=queue,
            producers=("api",),
            consumers=(worker.id,),
            volume=requests,
            rationale=f"one message per code; redelivered within the code's validity, a "
            f"code that arrives after {_span(horizon)} is of little use",
            time_sensitive=True,
            accept={
                "EV002": "the send takes the provider's seconds and is redelivered with a "
                "delay within the code's validity: a direct call would hold the user's "
                "request for all of it; the queue's backlog alert shows consumer lag"
            }
            if at_peak(ctx, requests) < LOW_VOLUME
            else {},
            redelivery={
                "delay": str(Duration(REDELIVERY_DELAY)),
                "max_deliveries": deliveries,
                "dead_letter": dead,
            },
        )
    )
    cleanup = ctx.op(
        OpSpec(
            id="delete_expired_codes",
            description="Scheduled job (every minute): delete codes past their expiry and "
            "send buckets past their hour, in batches by the expires_at index",
            pattern="otp",
            rate=Fraction(1, 60),
            rate_note="once a minute",
            sync=False,
            flat=True,
            reads=False,
            idempotency_key="the cut-off time: a rerun deletes what is still expired",
            calls=[
                CallSpec(
                    f"{worker.id}.delete_expired",
                    time={"lognormal": {"p50": "50ms", "p99": "500ms"}},
                    calls=[
                        ctx.db(
                            "write",
                            "DELETE … WHERE expires_at < now() LIMIT 10000, repeated until "
                            "none are left",
                        )
                    ],
                )
            ],
            rationale="expired codes are useless and a credential's hash is kept no longer "
            "than needed",
        )
    )
    ctx.access("OneTimeCode", f"code_of_{dest}", "lookup", (dest,), None, verify.id)
    ctx.access("User", f"user_by_{dest}", "lookup", (dest,), None, verify.id)
    ctx.access("OneTimeCode", "expired_codes", "range", ("expires_at",), None, cleanup.id)
    ctx.access("RateLimitBucket", f"send_bucket_of_{dest}", "lookup", ("client_key",), None, None)
    ctx.primary_write = ctx.primary_write or request.id
    ctx.primary_read = ctx.primary_read or verify.id
    where = _store(ctx, requests)
    _decisions(ctx, channel, dest, valid, tries, deliveries, where)
    ctx.use_cases += [
        f"Send a one-time code to {article(dest)}",
        "Verify a code and log the user in",
        f"Limit codes per {dest}",
    ]
    _questions(ctx, channel, dest, length, tries, valid)


def _figures(
    ctx: Ctx,
    valid_q: Quantity | None,
    valid: Fraction,
    tries_q: Quantity | None,
    tries: int,
    length: int | None,
) -> None:
    if valid_q is not None:
        ctx.ledger.extracted("code validity", str(Duration(valid)), valid_q.text)
    else:
        ctx.ledger.assumed(
            "code validity",
            str(Duration(valid)),
            "a common validity for a one-time code when the task gives none",
            "otp-validity",
            f"How long is a code valid? (assumed {_span(valid)})",
        )
    if tries_q is not None:
        ctx.ledger.extracted("tries per code", str(tries), tries_q.text)
    else:
        ctx.ledger.assumed(
            "tries per code",
            str(tries),
            "a common cap on wrong tries before a code is locked",
            "otp-tries",
            f"How many wrong tries before a code is locked? (assumed {tries})",
        )
    if length is None:
        ctx.ledger.assumed(
            "code length",
            f"{DEFAULT_DIGITS} digits",
            "the common length of an SMS or email code",
            "otp-digits",
        )


def _store(ctx: Ctx, requests: Fraction) -> str:
    """The codes' store, by the numbers: the primary database while the block's writes
    (a request's upsert, a verification's try and its consume) stay under half of one
    node at peak; else Redis with a TTL."""
    writes = requests * (2 + MATCH_SHARE)
    peak = at_peak(ctx, writes)
    db = ctx.comp("db")
    write_mean = service_time(ctx, CallSpec("db.write")).mean_s()
    util = node_util(db, peak * write_mean, peak)
    if util <= float(TARGET_STATEFUL):
        ctx.decide(
            "otp-store",
            "Where the codes live",
            "in the primary database: one row per destination (its live code's hash, "
            "expiry and tries) with an index on expires_at, emptied by a cleanup job every "
            "minute",
            Principle.ST,
            f"{per_s(peak)} code writes at peak ({rate_text(requests)} requests: an upsert "
            f"each, and a verification's try and consume) keep one database node at "
            f"{sig(100 * util, 2)}% (under the 50% threshold); the database holds the "
            "sessions anyway, so Redis would be one more stateful system to run, back up "
            "and fail over for no capacity we need; a TTL store is the choice above that",
            "db",
        )
        return "db"
    kv = ctx.comp(
        "kv",
        "codes",
        "one-time codes in memory, each key expiring with its code (TTL); "
        f"{per_s(peak)} code writes at peak would take more than 50% of one node of the "
        "primary database",
    )
    kv.state += ["OneTimeCode", "RateLimitBucket"]
    kv.recovery = (
        "replicated with automatic failover; a lost code costs its user one resend, so "
        "no backup is kept"
    )
    kv.replicas = nodes_for(utilization(0.0, peak, 1, max_throughput(kv.tech)), TARGET_STATEFUL)
    for name in ("OneTimeCode", "RateLimitBucket"):
        ctx.entities[name].stored_in = kv.id
    for op in ctx.ops:
        if op.pattern != "otp":
            continue
        for call in iter_calls(op.calls):
            if call.component == "db" and call.rationale and "Session" not in call.rationale:
                call.target = f"{kv.id}.set"
    # the store's TTL deletes expired codes: no cleanup job, no index on the expiry
    ctx.ops = [o for o in ctx.ops if o.id != "delete_expired_codes"]
    code = ctx.entities["OneTimeCode"]
    code.access = [a for a in code.access if a.id != "expired_codes"]
    ctx.decide(
        "otp-store",
        "Where the codes live",
        f"in Redis ({kv.replicas} node(s)) with a TTL per code, not the database",
        Principle.ST,
        f"{per_s(peak)} code writes at peak would take more than 50% of one database node "
        "(the threshold); codes are short-lived, so the store's own expiry deletes them and "
        "no cleanup job runs",
        kv.id,
    )
    return kv.id


def _decisions(
    ctx: Ctx,
    channel: str,
    dest: str,
    valid: Fraction,
    tries: int,
    deliveries: int,
    where: str,
) -> None:
    ctx.decide(
        "otp-hashed",
        "Codes stored only as a keyed hash, checked in constant time",
        "HMAC-SHA256 of the code under a server secret; the typed code's HMAC is compared "
        "with hmac.compare_digest",
        Principle.FH,
        "a plain hash of a 6-digit code is reversed by trying all million codes; a keyed "
        "hash leaks nothing from a dump of the store, and a constant-time compare leaks "
        "nothing through timing",
        "verify_code",
    )
    ctx.decide(
        "otp-tries",
        f"A code is locked after {tries} tries, the try counted before the compare",
        f"verify increments tries in the same statement that reads the hash, refusing at "
        f"{tries}; a match consumes the code; expiry after {_span(valid)}",
        Principle.FH,
        "counting first means concurrent guesses cannot outrun the cap; a consumed code "
        "can never be replayed",
        "verify_code",
    )
    ctx.decide(
        "otp-send-background",
        f"Codes are sent by background workers through the {channel} provider",
        "request_code stores the code and enqueues the send; send workers call the provider "
        f"with a breaker; a failed send is redelivered after {Duration(REDELIVERY_DELAY)}, "
        f"{deliveries} sends in all within half the code's validity, then dropped",
        Principle.OP,
        "the provider takes seconds and fails outside our control: it never holds a user's "
        "request; retries after half the validity deliver a code too late to type",
        "send_code",
    )
    ctx.decide(
        "otp-fail-closed",
        "Sending and verifying fail closed",
        "a provider outage leaves the code unsent (the user sees 'didn't get it? ask again' "
        "after the resend gap); a store outage refuses verification",
        Principle.FH,
        "there is no safe open answer: failing open on a verification would log in anyone, "
        "and a login that skips its code is no login; availability comes from a second "
        "provider, not from skipping the check",
        "verify_code",
    )
    ctx.decide(
        "otp-resend-limit",
        f"Codes are rate-limited per {dest}",
        f"one code per {dest} every {RESEND_GAP}s and {SENDS_PER_HOUR} an hour, a token "
        f"bucket in the {'primary database' if where == 'db' else 'codes store'} taken in "
        "the same transaction as the code",
        Principle.FH,
        f"each code allows {tries} guesses, so the resend limit bounds guessing per {dest}; "
        f"it also caps what one attacker costs us in {channel} fees (toll fraud)",
        "request_code",
    )


def _questions(
    ctx: Ctx, channel: str, dest: str, length: int | None, tries: int, valid: Fraction
) -> None:
    size = length or DEFAULT_DIGITS
    odds = brute_force_odds(size, tries, SENDS_PER_HOUR)
    day = odds * 24
    ctx.ledger.ask(
        f"Is {'an' if size in (8, 11, 18) else 'a'} {size}-digit code long enough? With "
        f"{tries} tries a code and {SENDS_PER_HOUR} codes an hour per {dest}, guessing wins "
        f"one {dest} with odds {sig(float(odds), 2)} an hour ({sig(float(day), 2)} a day); "
        f"an attacker spreading over many {dest}s wins some: is a limit per IP and per "
        "account needed too?"
    )
    ctx.ledger.ask(
        f"What resend limits does the product want (assumed one per {RESEND_GAP}s, "
        f"{SENDS_PER_HOUR} an hour per {dest}), and what does a user see when they hit them?"
    )
    if channel == "SMS":
        ctx.ledger.ask(
            "How are SIM swaps and SMS pumping (toll fraud) handled: a carrier SIM-swap "
            "check before a sensitive login, a cap on sends per country prefix, a spend "
            "alert on the provider?"
        )
    ctx.ledger.ask(
        f"Is there a second {channel} provider to fail over to when the first's breaker "
        f"opens (a send must land within the {_span(valid)} validity), or a fallback "
        f"channel ({'a voice call, email' if channel == 'SMS' else 'SMS'}, an authenticator "
        "app)?"
    )
