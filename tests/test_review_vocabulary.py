"""The review vocabulary (docs/review-vocabulary.md): every field loads, with its short forms
and defaults; bad values are located errors (more cases in tests/malformed/)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from archproof.errors import DesignError
from archproof.frontends.yaml_loader import load_text
from archproof.model import CallNode, RateLimit
from archproof.units import Count, Duration, Percent, Rate

DESIGN = """\
meta: {name: vocabulary}
requirements:
  slos: {rpo: 5min, rto: 1h}
components:
  api: {kind: service, tech: stateless-service, rate_limit: 100/s, shed_load: true}
  bank: {kind: external, work: {charge: 300ms}, failure_domain: per_tenant}
  db:
    kind: database
    tech: postgresql
    read_replicas: 1
    encryption: at_rest
    backup: {every: 1h, restore: 30min, offsite: true}
  cache:
    kind: cache
    tech: redis
    cache: {ttl: 5min, coalescing: true, ttl_jitter: 10%, write_policy: invalidate_after_write}
  q: {kind: queue, tech: sqs}
  dlq: {kind: queue, tech: sqs}
  w: {kind: worker, tech: worker}
operations:
  pay:
    rate: 10/s
    publish: outbox
    read_your_writes: true
    rate_limit: {rate: 5/s, per: tenant}
    calls:
      - api.handle:
          calls:
            - {db.read: {consistency: read_your_writes}}
            - {db.update: {update: conditional}}
            - {bank.charge: {breaker: {key: endpoint}}}
            - {q.enqueue: {async: true}}
  settle:
    consumes: q
    calls: [w.settle]
  inspect_dead:
    consumes: dlq
    calls: [w.inspect]
entities:
  User:
    fields:
      id: uuid
      email: {type: str, classification: pii}
    key: id
    retention: 365d
    partition_key: id
    hot_key_share: 1%
    access_patterns: [{id: by_id, by: [id], hot_key_share: 5%}]
events:
  payment_made:
    hub: q
    ordering: per_key
    partition_key: merchant_id
    redelivery: {delay: 30s, max_deliveries: 5, dead_letter: dlq}
observability:
  metrics: [{name: requests, kind: counter, labels: {route: 40, user_id: 10M}}]
  logs: [{fields: [User.email], redact: true}]
"""


def test_every_field_loads_with_its_unit() -> None:
    d = load_text(DESIGN)
    assert d.requirements.slos.rpo == Duration(Fraction(300))
    assert d.requirements.slos.rto == Duration(Fraction(3600))
    api, bank, db, cache = (d.component(c) for c in ("api", "bank", "db", "cache"))
    assert api.rate_limit == RateLimit(rate=Rate(Fraction(100)))
    assert api.rate_limit.per == "global" and api.rate_limit.over == "reject"
    assert api.shed_load and not db.shed_load
    assert bank.failure_domain == "per_tenant" and api.failure_domain == "whole"
    assert db.encryption == "at_rest" and api.encryption is None
    assert db.backup is not None and db.backup.every == Duration(Fraction(3600))
    assert db.backup.restore == Duration(Fraction(1800)) and db.backup.offsite
    assert cache.cache is not None and cache.cache.coalescing
    assert cache.cache.ttl_jitter == Percent(Fraction(1, 10))
    assert cache.cache.write_policy == "invalidate_after_write"
    pay = d.operation("pay")
    assert pay.publish == "outbox" and pay.read_your_writes
    assert pay.rate_limit == RateLimit(rate=Rate(Fraction(5)), per="tenant")
    handle = pay.calls[0]
    assert isinstance(handle, CallNode)
    read, update, charge, _ = handle.calls
    assert isinstance(read, CallNode) and read.consistency == "read_your_writes"
    assert isinstance(update, CallNode) and update.update == "conditional"
    assert isinstance(charge, CallNode) and charge.breaker is not None
    assert charge.breaker.key == "endpoint"
    user = d.entity_map["User"]
    assert user.retention == Duration(Fraction(365 * 86400))
    assert user.partition_key == ("id",)  # a single name is a one-field key
    assert user.hot_key_share == Percent(Fraction(1, 100))
    assert user.access_patterns[0].hot_key_share == Percent(Fraction(5, 100))
    assert user.fields["email"].classification == "pii"
    assert user.fields["id"].classification is None
    (event,) = d.events
    assert event.ordering == "per_key" and event.partition_key == "merchant_id"
    assert event.redelivery is not None and event.redelivery.delay == Duration(Fraction(30))
    assert event.redelivery.max_deliveries == 5 and event.redelivery.dead_letter == "dlq"
    (metric,) = d.observability.metrics
    assert metric.labels == {"route": Count(Fraction(40)), "user_id": Count(Fraction(10**7))}
    (log,) = d.observability.logs
    assert log.fields == ("User.email",) and log.redact


def test_defaults_say_nothing_was_said() -> None:
    d = load_text(
        "meta: {name: t}\ncomponents:\n  api: {kind: service, tech: stateless-service}\n"
        "operations:\n  get: {rate: 1/s, calls: [api.handle]}\n"
        "events:\n  e: {}\n"
    )
    api, op, ev = d.component("api"), d.operation("get"), d.events[0]
    assert (api.failure_domain, api.shed_load, api.rate_limit, api.backup) == (
        "whole",
        False,
        None,
        None,
    )
    assert (op.publish, op.read_your_writes, op.rate_limit) == (None, False, None)
    assert (ev.ordering, ev.partition_key, ev.redelivery) == ("none", None, None)


def _error(text: str) -> tuple[str, int, str, str | None]:
    with pytest.raises(DesignError) as info:
        load_text(text, "d.yaml")
    (diag,) = info.value.diagnostics
    assert diag.span is not None
    return diag.code, diag.span.line, diag.message, diag.hint


def test_redelivery_with_a_dead_letter_consumer_is_no_message_loop() -> None:
    """The delayed re-queue pattern (redelivery + DLQ + a consumer of the DLQ) loads."""
    d = load_text(DESIGN)
    assert {o.consumes for o in d.operations} == {None, "q", "dlq"}


def test_a_consumer_re_enqueueing_its_own_message_is_a_loop_that_points_at_redelivery() -> None:
    code, line, message, hint = _error(
        "meta: {name: t}\n"
        "components:\n  q: {kind: queue, tech: sqs}\n  w: {kind: worker, tech: worker}\n"
        "operations:\n"
        "  settle:\n"
        "    consumes: q\n"
        "    calls: [{w.settle: {calls: [{q.enqueue: {async: true, p: 5%}}]}}]\n"
    )
    assert (code, line) == ("AP022", 7)
    assert message == "message loop: settle → settle feed each other forever"
    assert hint is not None and "redelivery:" in hint and "dead_letter" in hint


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("failure_domain", "per_user", "AP014"),
        ("encryption", "rot13", "AP014"),
        ("shed_load", "sometimes", "AP012"),
        ("rate_limit", "{rate: 10/s, per: planet}", "AP014"),
        ("rate_limit", "{rate: 10/s, over: drop}", "AP014"),
        ("backup", "{every: 2 fortnights}", "AP013"),
    ],
)
def test_bad_component_values_are_located(field: str, value: str, code: str) -> None:
    text = f"meta: {{name: t}}\ncomponents:\n  db:\n    kind: database\n    {field}: {value}\n"
    got_code, line, _, _ = _error(text)
    assert (got_code, line) == (code, 5)


@pytest.mark.parametrize(
    ("cache", "code"),
    [
        ("{coalescing: maybe}", "AP012"),
        ("{ttl_jitter: 150%}", "AP013"),
        ("{write_policy: write_behind}", "AP014"),
    ],
)
def test_bad_cache_settings_are_located(cache: str, code: str) -> None:
    text = f"meta: {{name: t}}\ncomponents:\n  c:\n    kind: cache\n    cache: {cache}\n"
    got_code, line, _, _ = _error(text)
    assert (got_code, line) == (code, 5)


@pytest.mark.parametrize(
    ("event", "code"),
    [
        ("{ordering: per_partition}", "AP014"),
        ("{redelivery: {max_deliveries: 3}}", "AP011"),
        ("{redelivery: {delay: 1s, max_deliveries: 1001}}", "AP025"),
        ("{redelivery: {delay: soon}}", "AP013"),
    ],
)
def test_bad_event_values_are_located(event: str, code: str) -> None:
    got_code, line, _, _ = _error(f"meta: {{name: t}}\nevents:\n  e: {event}\n")
    assert (got_code, line) == (code, 3)


def test_bad_slos_and_labels_are_located() -> None:
    assert _error("meta: {name: t}\nrequirements:\n  slos: {rpo: 5}\n")[:2] == ("AP013", 3)
    assert _error("meta: {name: t}\nrequirements:\n  slos: {rto: 40000d}\n")[:2] == ("AP025", 3)
    text = "meta: {name: t}\nobservability:\n  metrics:\n    - {name: m, labels: {x: many}}\n"
    assert _error(text)[:2] == ("AP013", 4)


def test_the_bundled_examples_say_every_word_of_the_vocabulary() -> None:
    """Each field of docs/review-vocabulary.md (the right design) appears in an example."""
    from pathlib import Path

    from archproof.frontends.yaml_loader import load_design
    from archproof.model import walk_calls

    examples = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
    designs = [load_design(p) for p in examples]
    comps = [c for d in designs for c in d.components]
    ops = [o for d in designs for o in d.operations]
    calls = [c for o in ops for c in walk_calls(o.calls)]
    entities = [e for d in designs for e in d.entities]
    events = [e for d in designs for e in d.events]
    caches = [c.cache for c in comps if c.cache is not None]
    obs = [d.observability for d in designs]
    slos = [d.requirements.slos for d in designs]
    used = {
        "publish": any(o.publish == "outbox" for o in ops),
        "read_your_writes": any(o.read_your_writes for o in ops),
        "operation rate_limit": any(o.rate_limit for o in ops),
        "consistency": any(c.consistency for c in calls),
        "update": any(c.update in ("atomic", "conditional", "locked") for c in calls),
        "breaker.key": any(c.breaker and c.breaker.key != "edge" for c in calls),
        "failure_domain": any(c.failure_domain != "whole" for c in comps),
        "component rate_limit": any(c.rate_limit for c in comps),
        "shed_load": any(c.shed_load for c in comps),
        "backup": any(c.backup and c.backup.offsite for c in comps),
        "encryption": any(c.encryption for c in comps),
        "coalescing": any(c.coalescing for c in caches),
        "ttl_jitter": any(c.ttl_jitter for c in caches),
        "write_policy": any(c.write_policy for c in caches),
        "ordering": any(e.ordering == "per_key" and e.partition_key for e in events),
        "redelivery": any(
            e.redelivery and e.redelivery.max_deliveries and e.redelivery.dead_letter
            for e in events
        ),
        "retention": any(e.retention for e in entities),
        "entity partition_key": any(e.partition_key for e in entities),
        "hot_key_share": any(p.hot_key_share for e in entities for p in e.access_patterns),
        "classification": any(f.classification for e in entities for f in e.fields.values()),
        "labels": any(m.labels for o in obs for m in o.metrics),
        "log fields": any(log.fields and log.redact for o in obs for log in o.logs),
        "rpo/rto": any(s.rpo and s.rto for s in slos),
    }
    assert [k for k, v in used.items() if not v] == []
