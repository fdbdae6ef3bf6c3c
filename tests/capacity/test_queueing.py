"""Little's law on every result, saturation, monotonicity, and M/M/1 through the pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archproof.frontends.yaml_loader import load_design
from archproof.passes.capacity import CapacityResult, analyze
from archproof.passes.capacity.network import compile_network
from archproof.passes.capacity.solve import solve

from .conftest import capacity, design
from .test_load import ASYNC, DB, HOLD, RETRY, SHARE

EXAMPLES = sorted(Path(__file__).parents[2].joinpath("examples").glob("*.yaml"))

MM1 = """
meta: {name: mm1}
components:
  s: {kind: service, replicas: 1, concurrency: 1, work: {handle: 10ms}}
operations:
  op: {rate: 50/s, calls: [s.handle]}
"""


def test_mm1_through_the_pass() -> None:
    r = capacity(MM1)
    # λ = 50, μ = 100: ρ = 0.5, Wq = ρ/(μ − λ) = 10ms, W = 1/(μ − λ) = 20ms
    pool = r.component("s").pools[0]
    assert pool.utilization.value == pytest.approx(0.5)
    assert pool.p_wait.value == pytest.approx(0.5)
    assert pool.mean_wait.value == pytest.approx(0.010)
    op = r.operation("op")
    assert op.mean_latency.value == pytest.approx(0.020)
    # the sojourn of M/M/1 is exponential: variance 1/(μ − λ)² = 0.0004
    assert op.mean_latency.inputs["variance"] == pytest.approx(0.0004)


def _results() -> list[CapacityResult]:
    texts = [MM1, ASYNC, RETRY, DB, HOLD, SHARE]
    return [capacity(t) for t in texts] + [analyze(load_design(p)) for p in EXAMPLES]


def test_littles_law_on_every_pool() -> None:
    checked = 0
    for r in _results():
        for c in r.components:
            for p in c.pools:
                lam = p.arrival_rate.value
                if p.status in ("saturated", "idle") or p.infinite or lam is None:
                    continue
                assert p.mean_in_queue.value == pytest.approx(
                    lam * (p.mean_wait.value or 0), rel=1e-9, abs=1e-12
                ), c.id
                assert p.mean_in_system.value == pytest.approx(
                    lam * (p.mean_response.value or 0), rel=1e-9, abs=1e-12
                ), c.id
                checked += 1
    assert checked > 10


SATURATED = """
meta: {name: saturated}
components:
  api: {kind: service, replicas: 1, concurrency: 4, work: {handle: 1ms}}
  db: {kind: database, replicas: 1, concurrency: 2, work: {read: 10ms}}
operations:
  get:
    rate: 1k/s
    slo: {p99: 100ms}
    calls:
      - api.handle:
          calls: [db.read]
"""


def _values(data: Any) -> list[float]:
    if isinstance(data, dict):
        found = [data["value"]] if "value" in data and "formula" in data else []
        return found + [v for x in data.values() for v in _values(x)]
    if isinstance(data, list):
        return [v for x in data for v in _values(x)]
    return []


def test_saturated_never_negative_or_infinite() -> None:
    r = capacity(SATURATED)
    db = r.component("db")
    assert db.status == "saturated"
    assert db.utilization.value == pytest.approx(1000 * 0.01 / 2)
    api = r.component("api")
    assert api.status == "saturated" and api.pools[0].held_by == ("db",)
    op = r.operation("get")
    assert op.status == "saturated"
    assert op.p99_latency.value is None and op.p99_latency.status == "saturated"
    assert op.check("p99") is not None and op.check("p99").status == "saturated"  # type: ignore[union-attr]
    text = json.dumps(r.to_json(), allow_nan=False)  # no NaN / inf anywhere
    values = [v for v in _values(json.loads(text)) if v is not None]
    assert values and all(v >= 0 for v in values)
    # The db saturates at 0.2× (2 servers × 100/s = 200/s). The api's four workers are its
    # only callers, so at most two wait there (finite callers): they run out only with the
    # db, at X(4) = 199.9/s, not at the 0.13× an unbounded db queue charged them.
    assert r.bottleneck.component == "db"
    k = r.bottleneck.saturation_factor.value
    assert k is not None and 0.199 < k <= 0.2


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.01, max_value=3.0), st.floats(min_value=1.0001, max_value=3.0))
def test_utilization_monotone_in_load(f1: float, ratio: float) -> None:
    net = compile_network(design(HOLD.replace("500/s", "2k/s")))
    low, high = solve(net, f1), solve(net, f1 * ratio)
    for a, b in zip(low.pools, high.pools, strict=True):
        if a.saturated:
            assert b.saturated
        elif not b.saturated and a.rho is not None and b.rho is not None:
            assert b.rho >= a.rho
            assert (b.wq or 0.0) >= (a.wq or 0.0)


def test_every_figure_has_a_formula() -> None:
    data = capacity(ASYNC).to_json()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if "value" in x and "unit" in x:
                assert x["formula"], x
                assert isinstance(x["inputs"], dict)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(data)
    json.dumps(data, allow_nan=False)


def test_growth_plan_names_the_move_for_primary_writes() -> None:
    r = capacity(DB.replace("50/s", "2k/s"), load_factors=(1.0,))
    (step,) = r.growth
    need = next(n for n in step.needs if n.component == "db")
    assert need.limit is not None and "primary" in need.limit
    assert need.move is not None and "shard" in need.move
    assert need.utilization_planned.value is not None
    assert need.utilization_planned.value <= 0.7
