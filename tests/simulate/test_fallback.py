"""Typed fallbacks and redelivery: the lowering's figures, executed by the simulator.

A fail-open call with `fallback: {call: ...}` makes that call for the share of its
executions that failed; in a fault drill the share is the fault's, so the fallback's pool
carries `share × rate × its service time` more (lower/fallback.py). A consumer whose event
has `redelivery` processes each message E[deliveries] = (1 − f^m)/(1 − f) times and moves
f^m of them to the dead-letter queue (lower/retry.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from archproof.frontends.yaml_loader import load_design, load_text
from archproof.model import CallNode
from archproof.passes.capacity import analyze
from archproof.passes.lower import fallback_shifts, lower
from archproof.passes.simulate.compile import compile_design
from archproof.passes.simulate.kernel import CNT_ALL, CNT_DEAD, CNT_REDELIVER, HAVE_NUMBA
from archproof.passes.simulate.runner import run_kernel
from archproof.passes.simulate.stats import simulate

BACKENDS = [
    "python",
    pytest.param("numba", marks=pytest.mark.skipif(not HAVE_NUMBA, reason="no numba")),
]

DESIGN = """
meta: {name: fallback}
components:
  api: {kind: service, replicas: 1, concurrency: 200, work: {handle: {fixed: 1ms}}}
  cache: {kind: cache, replicas: 1, concurrency: 100, work: {get: {fixed: 1ms}}}
  db: {kind: database, replicas: 1, concurrency: 10, work: {read: {exponential: 4ms}}}
operations:
  read:
    rate: 1000/s
    calls:
      - api.handle:
          calls:
            - cache.get:
                timeout: 50ms
                on_failure: fail_open
                fallback: {call: db.read, timeout: 1s, description: read the database}
scenarios:
  cache_errors:
    faults: [{component: cache, kind: error_rate, rate: 0.3, at: 0s}]
  cache_down:
    faults: [{component: cache, kind: down, at: 0s}]
"""


def test_fallback_short_forms() -> None:
    def fb(value: object) -> CallNode:
        return CallNode.model_validate(
            {"call": "cache.get", "on_failure": "fail_open", "fallback": value}
        )

    text = fb("build the page from the database").fallback
    assert text is not None and text.action is None
    assert str(text) == "build the page from the database"  # free text stays a description
    stale = fb({"serve": "stale"}).fallback
    assert stale is not None and stale.action == "serve_stale"
    call = fb({"call": "db.read", "time": "20ms", "timeout": "300ms"}).fallback
    assert call is not None and call.action == "call" and call.call is not None
    assert call.call.call == "db.read" and call.call.timeout is not None
    long = fb({"call": {"db.read": {"timeout": "1s"}}, "description": "d"}).fallback
    assert long is not None and long.call is not None and long.description == "d"
    assert fb({"default": True}).fallback.action == "default"  # type: ignore[union-attr]
    assert fb({"drop": True}).fallback.action == "drop"  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="does one thing"):
        fb({"drop": True, "serve": "stale"})
    with pytest.raises(ValidationError, match="empty fallback"):
        fb({})


def test_fallback_is_a_call_with_the_failed_share() -> None:
    """Normal operation: the fallback's calls per request are q^(r+1) of the primary's
    (timeouts only: none here, the cache answers in 1 ms < 50 ms); the capacity pass
    carries it as an edge of its own."""
    model = lower(load_text(DESIGN))
    primary = next(c for c in model.calls if c.component == "cache")
    fb = primary.fallback
    assert fb is not None and fb.component == "db" and fb.parent == primary.parent
    assert fb.per_request == pytest.approx(primary.p_exhausted) and fb.per_request < 1e-9
    assert fb.path == "api.handle>cache.get[fallback]>db.read"
    cap = analyze(load_text(DESIGN))
    assert any(e.path == fb.path for e in cap.edges_of("read"))


@pytest.mark.parametrize(
    ("scenario", "share"), [("cache_errors", 0.3), ("cache_down", 1.0)], ids=["errors", "down"]
)
def test_fallback_shift_formula(scenario: str, share: float) -> None:
    design = load_text(DESIGN)
    model = lower(design)
    faults = next(s for s in design.scenarios if s.id == scenario).faults
    held, shift = fallback_shifts(model, faults)
    assert held.held and model.pools[held.pool].component == "api"  # the caller waits
    # the caller waits 4 ms for the db, and no longer 1 ms for a cache that is down
    assert held.busy == pytest.approx(share * 1000.0 * 0.004 - (scenario == "cache_down") * 1.0)
    assert shift.share == pytest.approx(share)
    assert shift.rate == pytest.approx(share * 1000.0)
    assert shift.busy == pytest.approx(share * 1000.0 * 0.004)  # servers busy on db


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scenario", ["cache_errors", "cache_down"])
def test_drill_moves_the_failed_share_onto_the_fallback(backend: str, scenario: str) -> None:
    """db carries nothing until the cache fails; then share × 1000/s × 4 ms over 10
    servers: ρ = 0.12 (errors, 30%) or 0.40 (down)."""
    design = load_text(DESIGN)
    quiet = simulate(compile_design(design).network, duration=20.0, seed=3, backend=backend)
    assert quiet.station("db").utilization == 0.0
    compiled = compile_design(design, scenario=scenario)
    run = simulate(compiled.network, duration=20.0, seed=3, backend=backend)
    expected = sum(s.busy for s in compiled.shifts if not s.held) / 10
    db = run.station("db")
    assert db.utilization == pytest.approx(expected, rel=0.08)
    assert db.fault_utilization == pytest.approx(expected, rel=0.08)  # the fault spans the run
    read = run.op("read")
    assert read.errors == 0 and read.degraded > 0  # every failed read was served by the db


REDELIVERY = Path(__file__).resolve().parents[1] / "data" / "lowered_vocabulary.yaml"


@pytest.mark.parametrize("backend", BACKENDS)
def test_redelivery_matches_the_lowering(backend: str) -> None:
    """settle's bank.charge times out with q = e^-1 (exponential 100 ms, timeout 100 ms),
    no retries, 3 deliveries at most: E[deliveries] = 1 + f + f² = 1.503, f³ = 5.0% of the
    messages go to dlq, whose consumer `inspect` receives them."""
    design = load_design(REDELIVERY)
    model = lower(design)
    (flow,) = model.redelivery
    assert flow.failure == pytest.approx(0.36788, rel=1e-3)
    net = compile_design(model).network
    out = run_kernel(net, n_requests=30_000, seed=5, backend=backend)  # type: ignore[arg-type]
    pay, settle, inspect = net.op("pay"), net.op("settle"), net.op("inspect")
    messages = int(out.op_cnt[pay, CNT_ALL])
    deliveries = int(out.op_cnt[settle, CNT_ALL]) / messages
    dead = int(out.op_cnt[inspect, CNT_ALL]) / messages
    assert messages > 5000
    assert deliveries == pytest.approx(flow.deliveries, rel=0.03)
    assert dead == pytest.approx(flow.dead_lettered / flow.messages, rel=0.2)
    assert out.op_cnt[settle, CNT_REDELIVER] > 0 and out.op_cnt[settle, CNT_DEAD] > 0


def test_simulate_pass_shows_the_drill_during_the_faults() -> None:
    """The pass pairs each component's utilization during the faults with the analytic one:
    ρ plus the shifted load; a pool that is down throughout serves nothing."""
    from archproof.passes.base import Options
    from archproof.passes.simulate.pass_ import SimulateResult
    from archproof.pipeline import run

    report = run(
        load_text(DESIGN),
        passes=("capacity", "simulate"),
        options=Options(sim_duration=10.0, sim_replications=1, sim_scenario="cache_down"),
    )
    result = report.get(SimulateResult)
    assert result is not None
    by_name = {c.name: c for c in result.components}
    db, cache = by_name["db"], by_name["cache"]
    assert db.analytic_fault_utilization == pytest.approx(0.4)  # 1000/s × 4 ms / 10
    assert db.fault_utilization == pytest.approx(0.4, rel=0.1)
    assert cache.analytic_fault_utilization == 0.0 and cache.fault_utilization == 0.0
    component = next(c for c in result.to_json()["components"] if c["name"] == "db")
    assert component["fault_utilization"] == pytest.approx(db.fault_utilization)
