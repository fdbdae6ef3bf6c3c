"""SLOs per operation, and the guards on every remote call: timeouts, retries (idempotent
calls only) with backoff and jitter, circuit breakers. Also fills in service times the
catalog does not know, so every call has one.

    timeout  = round-up(max(2 × callee p99, the service time exceeded by a tenth of the
               availability target's error budget, 5 ms)), at most the operation's p99
               target unless that is under the error-budget quantile (a call that times
               out with every component up fails its request: review FH018)
    retries  = only when the call is idempotent (a read, or keyed); the count shrinks until
               (count + 1) × timeout + backoffs fits in the operation's p99 target
    breaker  = on third-party APIs, and on optional dependencies that fail open
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.flows import is_write, service_time, walk
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import (
    DEFAULT_WORK,
    catalog_work,
    nice_duration,
    p99_s,
    quantile_s,
)
from archproof.frontends.draft.text import sentences
from archproof.model.traits import kinds_where
from archproof.numbers import sig
from archproof.units import Duration, parse_duration

DEFAULT_SLO = {
    "read": Fraction(2, 10),
    "write": Fraction(1, 2),
    "external": Fraction(3),
    "transfer": Fraction(2),
}
_GUARDED_KINDS = frozenset(k.value for k in kinds_where(lambda t: t.guarded_in_draft))
# (retry count, first backoff) per callee kind.
_RETRY = {
    "database": (1, "10ms"),
    "search_index": (1, "20ms"),
    "object_store": (2, "100ms"),
    "external": (2, "200ms"),
    "service": (1, "20ms"),
}


def _starts_word(keyword: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(keyword)}", text) is not None


def set_slos(ctx: Ctx) -> None:
    """Latency targets from the task where its words name the operation; defaults else."""
    generic: list[tuple[str, Fraction, str]] = []
    sync_ops = [op for op in ctx.ops if op.sync]
    for fig in ctx.load.extracted.all("latency"):
        scope = fig.scope.lower()
        percentile = fig.percentile or "p99"
        # the operations the target's own words name, else those its sentence's label names
        matched = _named(sync_ops, scope) or _named(sync_ops, _heading(ctx.text, fig.start))
        if (
            _NOTIFIED.search(scope)
            and all(op.reads for op in matched)
            and not any(op.pattern == "notifications" for op in matched)
        ):
            # "both must get a push notification in less than 5 second": when a message
            # arrives, a background job's deadline, not the response time of the reads the
            # verb 'get' names
            ctx.ledger.extracted("notification delivery", str(Duration(fig.value)), fig.quote)
            continue
        label = f"{percentile} latency" + (
            f" ({', '.join(o.id for o in matched)})" if matched else ""
        )
        ctx.ledger.extracted(label, str(Duration(fig.value)), fig.quote)
        if fig.note:
            ctx.ledger.ask(f'"{fig.quote}": {fig.note}. Is that the intended target?')
        if not matched:
            generic.append((percentile, fig.value, fig.quote))
            continue
        for op in matched:
            op.slo[percentile] = fig.value
            op.slo_note = f'from the task: "{fig.quote}"'
    # durations that bound something else than our response: listed, never a target
    for fig in ctx.load.extracted.all("freshness"):
        ctx.ledger.extracted("freshness", str(Duration(fig.value)), fig.quote)
    for fig in ctx.load.extracted.all("third_party_time"):
        ctx.ledger.extracted("third-party time", str(Duration(fig.value)), fig.quote)
        ctx.ledger.ask(
            f'"{fig.quote}": the third party\'s typical time or its worst? It sizes the '
            "timeouts on its calls; it is not a latency target of ours"
        )
    for op in sync_ops:
        if op.slo:
            continue
        if generic:
            for percentile, value, quote in generic:
                op.slo[percentile] = value
                op.slo_note = f'from the task: "{quote}"'
            continue
        kind = _slo_class(ctx, op)
        default = DEFAULT_SLO[kind]
        floor = _slo_floor(ctx, op)
        if floor > default:
            target = parse_duration(nice_duration(floor)).seconds
            op.slo["p99"] = target
            op.slo_note = (
                f"derived: the calls' catalog p99s need ≥ {Duration(target)} "
                f"(default {Duration(default)} is too tight)"
            )
            ctx.ledger.assume_entry(
                f"slo-{op.id}",
                f"{op.id} targets p99 ≤ {Duration(target)}",
                f"derived: max(Σ p99 of its calls × 1.25, 2 × its slowest call's p99) = "
                f"{sig(floor, 3)}s from the catalog, rounded up; the {kind} default "
                f"{Duration(default)} would leave no budget beyond its slowest step",
            )
            continue
        op.slo["p99"] = default
        op.slo_note = f"assumed: default p99 for a {kind} operation"
        ctx.ledger.assume_entry(
            f"slo-{kind}",
            f"{kind} operations target p99 ≤ {Duration(default)}",
            "assumed: typical interactive targets (reads 200 ms, writes 500 ms, with a "
            "third-party call 3 s, file transfers 2 s); not in the task",
        )


# A target about a message reaching someone (a push, an SMS, an email, a notification).
_NOTIFIED = re.compile(
    r"\b(?:push(?:\s+notifications?)?|notifications?|notified|sms|e-?mails?|text\s+messages?)\b"
)


def _named(ops: list[OpSpec], words: str) -> list[OpSpec]:
    """The operations `words` name by a keyword: a keyword is a word's start ("authoriz" for
    authorize, authorization), never the middle of another word ("pay" in "repay")."""
    return [op for op in ops if any(re.search(rf"\b{re.escape(k)}", words) for k in op.keywords)]


# A label a line or sentence opens with: a few words, then a colon ("Searches:", "- search:").
_HEADING = re.compile(r"[\s\-*\u2022]*([A-Za-z][A-Za-z ]{0,40}?)\s*:")
_HEADING_WORDS = 3


def _heading(text: str, position: int) -> str:
    """The label of the sentence a figure sits in, lower-cased, or "": the subject of every
    figure after its colon ("Searches: 5k/s avg, 15,000/s at peak, p95 under 200ms" is the
    searches' p95), when the figure's own clause names no operation. Longer openings are a
    clause or a title ("Nearby places search like Yelp:"), not the label of a list."""
    for start, end in sentences(text):
        if not start <= position < end:
            continue
        match = _HEADING.match(text, start, end)
        if match is None or match.end() > position:
            return ""
        label = match.group(1).strip()
        return label.lower() if len(label.split()) <= _HEADING_WORDS else ""
    return ""


def _slo_floor(ctx: Ctx, op: OpSpec) -> float:
    """The least p99 target the operation's own calls allow (catalog figures), seconds:
    Σ p99 of the synchronous calls × 1.25 (margin for queueing), and twice the slowest
    single call's p99 (no one step may take more than half the budget)."""
    total = slowest = 0.0
    for call, weight, _ in walk(op.calls):
        if call.async_ or weight < Fraction(1, 100):
            continue
        p99 = p99_s(service_time(ctx, call))
        total += p99
        slowest = max(slowest, p99)
    return max(total * 1.25, 2 * slowest)


def _slo_class(ctx: Ctx, op: OpSpec) -> str:
    kinds = {ctx.comps[c.component].kind for c, _, _ in walk(op.calls) if c.component in ctx.comps}
    if "external" in kinds:
        return "external"
    if "object_store" in kinds and "service" not in kinds:
        return "transfer"
    return "read" if op.reads else "write"


def add_guards(ctx: Ctx) -> None:
    for op in ctx.ops:
        # the latency target the task states (p99, else p95) bounds every timeout under it
        budget = (op.slo.get("p99") or op.slo.get("p95")) if op.sync else None
        for call, _, depth in walk(op.calls):
            comp = ctx.comps.get(call.component)
            if comp is None:
                continue
            if depth == 0 and comp.kind in ("load_balancer", "cdn", "worker"):
                continue
            _decide_failure(call)
            if comp.kind == "service" and depth == 1 and budget is not None:
                # the load balancer's proxy timeout: the operation's whole budget, twice
                call.timeout = call.timeout or nice_duration(max(2 * float(budget), 1.0))
                call.breaker = True
                continue
            if comp.kind not in _GUARDED_KINDS:
                continue
            if not call.async_:
                call.breaker = True  # a slow callee must not hold every caller's worker
            _guard(ctx, call, comp.kind, budget)
        for call, _, _ in walk(op.calls):
            _cover_children(call)


def _cover_children(call: CallSpec) -> None:
    """An enclosing timeout outlasts what its direct calls may take in sequence (their
    attempts and backoffs): one that gives up first fails the request while its calls go
    on (review FH012). The error-budget floor can put a callee's timeout past twice the
    latency target, the enclosing service's default."""
    if call.timeout is None:
        return
    need = 0.0
    for child in call.calls:
        if not isinstance(child, CallSpec) or child.async_ or child.timeout is None:
            continue
        retry = child.retries or {}
        count = int(str(retry.get("count", 0)))
        backoff = float(parse_duration(str(retry["backoff"])).seconds) if "backoff" in retry else 0
        need += (count + 1) * float(parse_duration(child.timeout).seconds)
        need += backoff * (2**count - 1)
    if need > float(parse_duration(call.timeout).seconds):
        call.timeout = nice_duration(need)


def _decide_failure(call: CallSpec) -> None:
    """Every call says what its caller does when it fails (principle 7)."""
    if call.on_failure is not None:
        return
    if call.async_:
        call.on_failure = "fail_open"
        call.fallback = call.fallback or (
            "the request succeeds; a periodic sweep re-enqueues work whose job never ran"
        )
    else:
        call.on_failure = "fail_closed"  # the answer depends on it: report the error


def _guard(ctx: Ctx, call: CallSpec, kind: str, budget: Fraction | None) -> None:
    dist = service_time(ctx, call)
    p99 = p99_s(dist)
    if call.timeout is None:
        # timeouts in normal operation spend at most a tenth of the error budget
        tail = max(1e-9, (1.0 - float(ctx.load.availability)) / 10)
        floor = quantile_s(dist, tail)
        timeout = nice_duration(max(2 * p99, floor, 0.005))
        if budget is not None and parse_duration(timeout).seconds > budget:
            # the latency target caps the timeout, but not under `floor`: a timeout turns
            # the callee's slow tail into failed requests (review FH018), and a slow
            # request inside the p99 target's 1% fails nobody
            timeout = str(Duration(budget)) if floor <= budget else nice_duration(floor)
        call.timeout = timeout
    if kind == "external":
        call.breaker = True
    if call.async_ or kind in ("cache", "queue"):
        return  # hand-offs and optional lookups fail open instead of retrying
    idempotent = (
        call.idempotent
        if call.idempotent is not None
        else not (call.write if call.write is not None else is_write(call))
    )
    if (
        not idempotent
        or call.retries is not None
        or (call.on_failure == "fail_open" and (kind != "external"))
    ):
        return
    count, backoff = _RETRY.get(kind, (1, "20ms"))
    attempt = float(parse_duration(call.timeout).seconds)
    first = float(parse_duration(backoff).seconds)
    if budget is not None:
        while count > 0 and (count + 1) * attempt + first * (2**count - 1) > float(budget):
            count -= 1
    if count == 0:
        call.rationale = _join(
            call.rationale, "no retry: one more attempt would not fit the operation's p99 budget"
        )
        return
    call.idempotent = True
    call.retries = {"count": count, "backoff": backoff, "jitter": "50%"}


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def fill_work(ctx: Ctx) -> None:
    """Every call needs a service time: add a default where neither design nor catalog has one."""
    for op in ctx.ops:
        for call, _, _ in walk(op.calls):
            comp = ctx.comps.get(call.component)
            if comp is None or call.time is not None or call.work in comp.work:
                continue
            if catalog_work(comp.tech, call.work) is None:
                comp.work[call.work] = DEFAULT_WORK.get(comp.kind, "2ms")
                comp.work_notes[call.work] = "assumed: no catalog figure for this work"
