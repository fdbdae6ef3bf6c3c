"""The lowering's figures for the review vocabulary, against closed forms: rate limits
(admitted, rejected share), redelivery (E[deliveries], dead-letter rate), hot keys (rate,
pool, copies, capacity) and the capacity pass's hot-key status."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archproof.frontends.yaml_loader import load_design, load_text
from archproof.model import RateLimit
from archproof.passes.capacity import analyze
from archproof.passes.capacity.status import Status
from archproof.passes.lower import QueueingModel, lower
from archproof.passes.lower.admission import admission
from archproof.passes.lower.retry import (
    dead_letter_share,
    delivery_failure,
    expected_deliveries,
)
from archproof.units import MAX_DELIVERIES

DESIGN = Path(__file__).parent / "data" / "lowered_vocabulary.yaml"


@pytest.fixture(scope="module")
def model() -> QueueingModel:
    return lower(load_design(DESIGN))


def test_operation_rate_limit_caps_the_peak_and_states_the_rejected_share(
    model: QueueingModel,
) -> None:
    rate = model.rate("pay")
    assert rate.offered == pytest.approx(100.0)  # 50/s × peak factor 2
    assert rate.peak == pytest.approx(60.0)  # the limit
    assert rate.average == pytest.approx(50.0)  # under the limit: unchanged
    (adm,) = [a for a in model.admission if a.target == "pay"]
    assert (adm.scope, adm.admitted, adm.rejected_share) == ("operation", 60.0, pytest.approx(0.4))
    assert model.rate("get").offered == model.rate("get").peak == pytest.approx(200.0)


def test_component_rate_limit_thins_the_calls_into_it_and_below(model: QueueingModel) -> None:
    (adm,) = [a for a in model.admission if a.target == "gate"]
    assert adm.offered == pytest.approx(50.0) and adm.admitted == pytest.approx(30.0)
    gate = next(c for c in model.calls if c.op == "guarded" and c.component == "gate")
    nested = next(c for c in model.calls if c.op == "guarded" and c.component == "db")
    api = next(c for c in model.calls if c.op == "guarded" and c.component == "api")
    assert gate.per_request == pytest.approx(0.6) and nested.per_request == pytest.approx(0.6)
    assert api.per_request == pytest.approx(1.0)  # in front of the limit: untouched
    arriving = sum(model.rate(c.op).peak * c.per_request for c in model.calls_of_component("gate"))
    assert arriving == pytest.approx(30.0)  # the pools behind see at most the limit


def test_redelivery_amplifies_the_consumer_and_feeds_the_dead_letter_queue(
    model: QueueingModel,
) -> None:
    f = math.exp(-1)  # P(exponential 100ms > 100ms timeout), no retries
    (flow,) = model.redelivery
    assert flow.failure == pytest.approx(f)
    assert flow.deliveries == pytest.approx(1 + f + f * f)
    assert flow.messages == pytest.approx(60.0)  # pay's admitted peak
    assert flow.dead_lettered == pytest.approx(f**3 * 60.0)
    assert model.rate("settle").peak == pytest.approx(60.0 * (1 + f + f * f))
    assert model.rate("inspect").peak == pytest.approx(f**3 * 60.0)
    assert model.enqueued["dlq"] == pytest.approx(f**3 * 60.0)
    shown = model.to_json()
    assert shown["redelivery"][0]["dead_letter"] == "dlq"  # type: ignore[index]


def test_delivery_formulas_stay_finite() -> None:
    assert expected_deliveries(0.0, None) == 1.0
    assert expected_deliveries(0.5, None) == pytest.approx(2.0)
    assert expected_deliveries(1.0, 5) == 5.0
    assert expected_deliveries(1.0, None) == MAX_DELIVERIES  # poison message: at the bound
    assert dead_letter_share(0.5, 3) == pytest.approx(0.125)
    assert dead_letter_share(0.5, None) == 0.0
    assert delivery_failure([(0.5, 1, 1.0)]) == pytest.approx(0.25)  # q^(r+1)
    assert delivery_failure([(0.5, 0, 2.0)]) == pytest.approx(0.75)  # 1 − (1 − q)^n
    assert delivery_failure([(1.0, 3, 1.0)]) == 1.0


def test_hot_key_rate_pool_and_copies(model: QueueingModel) -> None:
    (hot,) = model.hot_keys
    assert (hot.entity, hot.pattern, hot.component) == ("User", "by_id", "db")
    assert hot.rate == pytest.approx(0.1 * 200.0)
    assert model.pools[hot.pool or 0].label == "db:primary"
    assert hot.copies == 3  # the primary holding the key + 2 read replicas of its shard
    assert hot.capacity == pytest.approx(3 * 20 / 0.002)


HOT = """\
meta: {name: hot}
components:
  api: {kind: service, tech: stateless-service, replicas: 50, concurrency: 100}
  cache: {kind: cache, tech: redis, replicas: 10, concurrency: 1, work: {get: 1ms}}
  db: {kind: database, tech: postgresql, replicas: 4, read_replicas: 4, concurrency: 50}
operations:
  view: {rate: 5k/s, calls: [api.handle, cache.get]}
  edit: {rate: 100/s, calls: [api.handle, {db.read: {consistency: primary}}, db.write]}
entities:
  Post:
    stored_in: cache
    fields: {id: uuid}
    key: id
    hot_key_share: 30%
    access_patterns: [{id: by_id, by: [id], operation: view}]
  Doc:
    stored_in: db
    fields: {id: uuid}
    key: id
    access_patterns: [{id: by_id, by: [id], operation: edit, hot_key_share: 50%}]
"""


def test_a_hot_key_saturates_one_shard_whatever_the_replicas() -> None:
    model = lower(load_text(HOT))
    post, doc = model.hot_keys
    assert post.copies == 1 and post.rate == pytest.approx(0.3 * 5000)
    assert post.capacity == pytest.approx(1 / 0.001)  # one node, concurrency 1, 1 ms
    assert doc.copies == 1  # reads pinned to the primary: no replica serves them
    result = analyze(model)
    statuses = {h.entity: h.status for h in result.hot_keys}
    assert statuses == {"Post": Status.SATURATED, "Doc": Status.OK}
    (post_load,) = [h for h in result.hot_keys if h.entity == "Post"]
    assert post_load.utilization.value == pytest.approx(1.5)
    assert post_load.pool == "cache"
    assert result.component("cache") is not None  # the pool's average is another figure


def test_a_stateless_store_spreads_its_hot_key() -> None:
    text = HOT.replace("stored_in: cache", "stored_in: api")
    post = lower(load_text(text)).hot_keys[0]
    assert post.copies == 50


def test_a_read_pinned_to_the_primary_is_routed_there() -> None:
    model = lower(load_text(HOT))
    pinned = next(c for c in model.calls if c.op == "edit" and c.work == "read")
    primary = model.pools_of["db"][0]
    assert pinned.route == ((primary, 1.0),)
    spread = lower(load_text(HOT.replace("{db.read: {consistency: primary}}", "db.read")))
    read = next(c for c in spread.calls if c.op == "edit" and c.work == "read")
    assert read.route == ((primary, 0.5), (primary + 1, 0.5))  # 4 primaries, 4 replicas


REDRIVE = """\
meta: {name: redrive}
components:
  q: {kind: queue, tech: sqs}
  dlq: {kind: queue, tech: sqs}
  api: {kind: service, tech: stateless-service}
  w: {kind: worker, tech: worker, work: {run: 10s, redrive: 1ms}}
operations:
  submit: {rate: 10/s, calls: [api.handle, {q.enqueue: {async: true}}]}
  run:
    consumes: q
    calls: [{w.run: {timeout: 1ms}}]
  redrive:
    consumes: dlq
    calls: [{w.redrive: {calls: [{q.enqueue: {async: true}}]}}]
events:
  job: {hub: q, redelivery: {delay: 1min, max_deliveries: 2, dead_letter: dlq}}
"""


def test_a_dead_letter_redrive_loop_keeps_finite_rates_and_says_so() -> None:
    """run nearly always fails (exponential 10 s mean, 1 ms timeout: q = e^-0.0001): ~2
    deliveries, ~all dead-lettered; redrive puts them back on q, a loop through
    dead_letter that the checks let through."""
    model = lower(load_text(REDRIVE))
    rates = {o.id: model.rate(o.id).peak for o in model.operations}
    assert all(math.isfinite(r) for r in rates.values())
    q = math.exp(-0.0001)
    assert rates["run"] == pytest.approx(10.0 * (1 + q))  # 10 messages/s, E[deliveries]
    assert any("redrive loop" in n for n in model.notes)


def test_a_pattern_without_calls_takes_the_store_read_time() -> None:
    text = HOT.replace(
        "{id: by_id, by: [id], operation: edit, hot_key_share: 50%}]",
        "{id: by_id, by: [id], operation: edit, hot_key_share: 50%},"
        " {id: batch, by: [id], rate: 1k/s, hot_key_share: 10%}]",
    )
    assert text != HOT
    model = lower(load_text(text))
    batch = next(h for h in model.hot_keys if h.pattern == "batch")
    assert batch.rate == pytest.approx(0.1 * 1000)  # peak factor 1
    db_read = next(c for c in model.calls if c.component == "db" and c.work == "read")
    assert batch.service_mean == pytest.approx(db_read.service.mean)  # the catalog's read
    assert batch.copies == 2  # not pinned: the primary and its one replica per shard


def test_analyze_json_shows_the_lowered_figures() -> None:
    import json

    from typer.testing import CliRunner

    from archproof.cli.app import app

    result = CliRunner().invoke(app, ["analyze", str(DESIGN), "--format", "json"])
    assert result.exit_code == 0, result.output
    lowered = json.loads(result.stdout)["lowered"]
    (adm,) = [a for a in lowered["admission"] if a["target"] == "pay"]
    assert adm["rejected_share"] == pytest.approx(0.4)
    assert lowered["redelivery"][0]["dead_letter"] == "dlq"
    assert lowered["hot_keys"][0]["pool"] == "db:primary"


def test_entity_retention_caps_the_rows_kept() -> None:
    text = (
        "meta: {name: t}\nrequirements:\n  data: {retention: 365d}\n"
        "components:\n  db: {kind: database, tech: postgresql}\n"
        "entities:\n"
        "  Event:\n    stored_in: db\n    fields: {id: uuid}\n    key: id\n"
        "    rows: 1B\n    growth: 10M/day\n    retention: 30d\n"
        "  Order:\n    stored_in: db\n    fields: {id: uuid}\n    key: id\n"
        "    rows: 1M\n    growth: 1k/day\n"
    )
    result = analyze(load_text(text))
    rows = {e.id: e.rows.value for e in result.storage.entities}
    assert rows["Event"] == pytest.approx(10e6 * 30)  # a month of growth, the rest deleted
    assert rows["Order"] == pytest.approx(1e6 + 1e3 * 365)  # no retention of its own


@given(
    f=st.floats(0.0, 1.0),
    m=st.one_of(st.none(), st.integers(1, MAX_DELIVERIES)),
)
def test_delivery_figures_are_finite_and_in_range(f: float, m: int | None) -> None:
    deliveries = expected_deliveries(f, m)
    share = dead_letter_share(f, m)
    assert math.isfinite(deliveries) and 1.0 <= deliveries <= MAX_DELIVERIES
    assert 0.0 <= share <= 1.0
    if m is not None:
        assert deliveries <= m + 1e-9


@given(
    offered=st.floats(0.0, 1e9),
    limit=st.sampled_from(["1/s", "100/s", "1k/s", "1G/s"]),
    per=st.sampled_from(["global", "tenant"]),
    over=st.sampled_from(["reject", "queue"]),
)
def test_admission_figures_are_consistent(offered: float, limit: str, per: str, over: str) -> None:
    rl = RateLimit.model_validate({"rate": limit, "per": per, "over": over})
    adm = admission("x", "operation", rl, offered)
    assert 0.0 <= adm.admitted <= offered + 1e-9
    assert 0.0 <= adm.rejected_share <= adm.excess_share <= 1.0
    if per == "global":
        assert adm.admitted <= adm.limit + 1e-9
    else:
        assert adm.admitted == offered


def test_the_simulator_admits_the_same_share_at_a_rate_limited_component() -> None:
    from archproof.passes.simulate.compile import compile_design
    from archproof.passes.simulate.stats import simulate

    res = simulate(compile_design(load_design(DESIGN)).network, n_requests=20_000, seed=3)
    guarded = res.op("guarded")
    assert res.station("gate").starts / guarded.arrived == pytest.approx(0.6, rel=0.05)
