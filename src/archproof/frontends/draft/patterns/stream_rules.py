"""Stream matcher: a stream of events checked against rules people stored (price alerts,
saved searches, thresholds). Events go on a stream partitioned by their key; matcher
workers hold the rules of their partitions in memory, check each event against them and
hand the rules that fire to the notification block.

Composed from the task's numbers: the stated event rate sizes the stream and the matchers;
the stated rule count (per person × people) sizes what the matchers keep in memory.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import any_rate, times_per
from archproof.frontends.draft.patterns.platform import notifications
from archproof.frontends.draft.placement import HUB_ID, HUB_THRESHOLD
from archproof.frontends.draft.plan import OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.model.requirements import at_peak

_RULE_HEADS = frozenset(
    {"alert", "rule", "subscription", "watch", "trigger", "threshold", "filter", "search"}
)
FIRE_SHARE = "1/1000"  # assumed: one event in a thousand fires a rule


def _rules(ctx: Ctx) -> tuple[Fraction | None, str]:
    """How many rules are stored: a stated count of alerts/rules, times its owners."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit != "count" or item.period is not None or not item.subject:
            continue
        if singular(item.subject.split()[-1].lower()) in _RULE_HEADS:
            factor, how = times_per(ctx, item)
            owners = f" × {float(factor):,.0f} {item.per}s" if how else ""
            return item.value * factor, f"{item.describe()}{owners}"
    return None, ""


def _event_rate(ctx: Ctx) -> tuple[Fraction, str, str]:
    stated = any_rate(ctx)
    if stated is None:
        return ctx.load.writes, "the main write load", "events"
    rate, note, item = stated
    return rate, note, _noun(item)


def _noun(item: Quantity) -> str:
    return item.subject.lower() if item.subject else "events"


def stream_rules(ctx: Ctx) -> None:
    # "a monitoring system ingests metrics … alerts must fire": the analytics block takes the
    # events in already; the matcher is one more consumer of its hub, not a second intake
    taken_in = ctx.event_rate if ctx.find_op("track_event") is not None else None
    shared = taken_in is not None
    if taken_in is not None:
        rate, note, noun = taken_in, ctx.event_note, "events"
    else:
        rate, note, noun = _event_rate(ctx)
    rules, rules_how = _rules(ctx)
    peak = float(at_peak(rate, ctx.load.peak_factor))
    if shared:
        stream = HUB_ID  # compose places it (event_hub), by the same rate
    elif peak >= HUB_THRESHOLD:
        stream = ctx.comp(
            "events",
            "event_stream",
            f"event hub: the {noun}, partitioned by key so one matcher sees a key's events in "
            "order",
        ).id
    else:
        stream = ctx.queue("event_stream", f"the {noun} on their way to the matchers")
    rule = ctx.entity("AlertRule")
    if rules is not None:
        rule.rows = rules
    changes = ctx.dau() / DAY
    changes_note = "assumed: one rule created or changed per active user a day"
    if not shared:
        ctx.op(
            OpSpec(
                id="ingest_event",
                description=f"Feed handler: accept the {noun} from the upstream feed and append "
                "them to the stream",
                pattern="stream_rules",
                rate=rate,
                rate_note=note,
                reads=False,
                idempotency_key="the feed's sequence number per key (the matcher drops repeats)",
                calls=ctx.front(
                    "ingest_event",
                    [ctx.enqueue(stream, "nobody waits for the match: append and answer")],
                ),
                keywords=("ingest", "event", "tick"),
            )
        )
    worker = ctx.comp("worker")
    worker.work["match_rules"] = {"lognormal": {"p50": "20us", "p99": "200us"}}
    worker.work_notes["match_rules"] = (
        "per event, in memory: the rules on its key, sorted by threshold, a range lookup"
    )
    ctx.job(
        "match_event",
        stream,
        "match_rules",
        [],
        description=f"Matcher: check each of the {noun} against the rules on its key, held "
        "in memory; a rule that fires is handed to notification",
        pattern="stream_rules",
        idempotency_key="rule id + the event's sequence number: a redelivered event fires "
        "a rule once",
    )
    ctx.notify_sources.append("match_event")
    ctx.notify_share["match_event"] = FIRE_SHARE
    ctx.op(
        OpSpec(
            id="create_rule",
            description="POST /alerts: store a rule (key, condition, threshold) for a person",
            pattern="stream_rules",
            rate=changes,
            rate_note=changes_note,
            reads=False,
            idempotency_key="client request id (unique): a retried request stores one rule",
            calls=ctx.front(
                "create_rule",
                [
                    ctx.db("write", "insert the AlertRule"),
                    ctx.enqueue(
                        stream,
                        "the matchers of the rule's key load it (a rule change on the stream)",
                    ),
                ],
            ),
            keywords=("create", "alert", "rule"),
        )
    )
    ctx.op(
        OpSpec(
            id="list_rules",
            description="GET /alerts: a person's rules",
            pattern="stream_rules",
            rate=changes * 10,
            rate_note="assumed: a person looks at their rules ten times per change",
            calls=ctx.front("list_rules", [ctx.db("read", "the person's AlertRule rows")]),
            keywords=("list", "alert", "rule"),
        )
    )
    ctx.access("AlertRule", "rules_by_user", "lookup", ("user_id",), None, "list_rules")
    ctx.access("AlertRule", "rules_by_key", "range", ("key",), "threshold", "match_event")
    ctx.primary_write = ctx.primary_write or "create_rule"
    ctx.primary_read = ctx.primary_read or "list_rules"
    held = f" ({float(rules):,.0f} in all: {rules_how})" if rules is not None else ""
    ctx.decide(
        "stream-rules-in-memory",
        "Events matched against rules held in memory by key",
        f"the {noun} go on a stream partitioned by key; each matcher loads the rules of its "
        f"partitions{held} from the database, sorted by threshold, and checks every event "
        "with a range lookup; rule changes reach it on the same stream",
        Principle.OP,
        f"{note}: a database read per event would cost as many reads a second, while a "
        "range lookup in memory costs microseconds and the rules change rarely",
        "match_event",
    )
    if rules is None:
        ctx.ledger.ask("How many rules (alerts) are stored, per person and in total?")
    ctx.ledger.assumed(
        "rules fired",
        f"{FIRE_SHARE} of events",
        "most events cross no stored threshold",
        "fire-share",
        "What share of events fires a rule (notifications sent a second)?",
    )
    ctx.use_cases += ["Store a rule (alert) for a key", "Match every event against the rules"]
    if not ctx.classification.has("notifications"):
        notifications(ctx)
