"""Issue 20, problem 1: a fault drill on each example with a cache, replica or external
dependency shows the load it shifts, against the analytic expectation.

The failed share of a fail-open call moves onto its typed fallback call
(`lower/fallback.py`): Δcalls/s on the fallback's pools = share × rate × calls per
request, and Δutilization = Δcalls/s × the fallback's service time / servers. Each drill
is the example's own scenario with its faults spanning the whole (short) run, at a fraction
of the design's load so the run stays CI-sized; the shift is linear in the load.
Before typed fallbacks these drills moved nothing: the database stayed at the same
utilization while the cache was lost.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.simulate.compile import compile_design
from archproof.passes.simulate.network import Network
from archproof.passes.simulate.stats import SimResult, simulate
from archproof.units import Duration

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# example, scenario, load fraction, simulated seconds
DRILLS = [
    ("news_feed", "cache_node_loss", 0.1, 30.0),
    ("url_shortener", "cache_outage", 0.05, 30.0),
    ("chat", "presence_down", 0.02, 30.0),  # 5 recipients a message: a push job each
    ("payments", "risk_down", 1.0, 60.0),
]


def _external(run: SimResult, net: Network) -> int:
    """Requests that arrived from outside (a consumer's requests are started by messages,
    which a drill may multiply)."""
    return sum(o.arrived for o, rate in zip(run.operations, net.op_rate, strict=True) if rate > 0)


def _rate(run: SimResult, net: Network, stations: list[str]) -> float:
    """Calls started at the stations per external request of the run (the two runs'
    random streams part at the first failure, so their arrivals differ a little)."""
    return sum(run.station(s).starts for s in stations) / _external(run, net)


@pytest.mark.parametrize(("example", "scenario", "load", "seconds"), DRILLS)
def test_fault_drill_shows_the_shifted_load(
    example: str, scenario: str, load: float, seconds: float
) -> None:
    design = load_design(EXAMPLES / f"{example}.yaml")
    scen = next(s for s in design.scenarios if s.id == scenario)
    faults = tuple(
        f.model_copy(update={"at": Duration(Fraction(0)), "duration": None}) for f in scen.faults
    )
    load *= float(scen.load)
    quiet = compile_design(design, load=load)
    drill = compile_design(design, load=load, faults=faults)
    assert drill.shifts, f"{example}/{scenario}: no fallback takes the failed share"
    expected: dict[str, float] = {}
    busy: dict[str, float] = {}
    callers = {drill.pool_station[s.pool] for s in drill.shifts if s.held}
    for s in drill.shifts:
        name = drill.pool_station[s.pool]
        if not s.held:  # a caller holding its worker makes no new calls
            expected[name] = expected.get(name, 0.0) + s.rate
        busy[name] = busy.get(name, 0.0) + s.busy
    before = simulate(quiet.network, duration=seconds, seed=11)
    during = simulate(drill.network, duration=seconds, seed=11)
    # calls/s moved onto the fallback's pools (all of them: a read splits over replicas)
    per_s = _external(during, drill.network) / (during.t_cut - during.t_warm)
    stations = list(expected)
    shifted = (
        _rate(during, drill.network, stations) - _rate(before, quiet.network, stations)
    ) * per_s
    assert shifted == pytest.approx(sum(expected.values()), rel=0.15), example
    for station in busy:
        servers = during.station(station).servers
        if servers:
            # utilization up by the shifted busy servers (noisier: a loose tolerance)
            up = during.station(station).fault_utilization
            assert up is not None
            rise = up - before.station(station).utilization
            # a caller's held time leaves out queueing and timeouts: looser
            slack = 0.006 if station in callers else 0.002
            assert rise == pytest.approx(busy[station] / servers, rel=0.3, abs=slack), (
                example,
                station,
            )


LONG_FAULT = """
meta: {name: long-fault}
components:
  svc: {kind: service, replicas: 1, concurrency: 8, work: {handle: {exponential: 5ms}}}
  cache: {kind: cache, replicas: 1, concurrency: 8, work: {get: {fixed: 1ms}}}
  db: {kind: database, replicas: 1, concurrency: 8, work: {read: {exponential: 4ms}}}
operations:
  get:
    rate: 200/s
    calls:
      - svc.handle:
          calls:
            - cache.get: {timeout: 50ms, on_failure: fail_open, fallback: {call: db.read}}
scenarios:
  cache_loss:
    faults: [{component: cache, kind: down, at: 30s, for: 600s}]
"""


def test_fault_run_covers_the_window_and_recovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Problem 1: the drill stopped at 72 s of a 630 s window (an event budget that ended
    first). A drill is budgeted by simulated time: the whole window and 30 s of recovery,
    on one replication if need be; past the fault cap it says plainly that it stopped."""
    from archproof.frontends.yaml_loader import load_text
    from archproof.passes.simulate import design_run

    design = load_text(LONG_FAULT)
    for name in ("DEFAULT_MAX_EVENTS_NUMBA", "DEFAULT_MAX_EVENTS_PYTHON"):
        monkeypatch.setattr(design_run, name, 50_000)  # far below the window's ≈ 0.5M events
    sim = design_run.simulate_design(design, scenario="cache_loss", replications=2)
    assert sim.duration_s == 660.0 and len(sim.runs) == 1
    assert sim.runs[0].t_end > 650.0
    assert any("one replication instead of 2" in n for n in sim.notes)
    for name in ("FAULT_MAX_EVENTS_NUMBA", "FAULT_MAX_EVENTS_PYTHON"):
        monkeypatch.setattr(design_run, name, 100_000)  # now the window does not fit
    cut = design_run.simulate_design(design, scenario="cache_loss", replications=1)
    assert cut.duration_s < 630.0
    assert any("before the faults end at 630 s" in n for n in cut.notes)


# example, scenario, load fraction, simulated seconds: a lost replica moves its share of the
# calls onto the instances left, so each carries servers / (servers − lost) times the load.
REPLICA_DRILLS = [
    ("url_shortener", "replica_loss", 0.05, 30.0),  # one of two read replicas
    ("chat", "zone_loss", 0.02, 30.0),  # a third of the Cassandra nodes
    ("media_pipeline", "lose_workers", 0.05, 120.0),  # half the transcoders (jobs of ~4.5 s)
]


@pytest.mark.parametrize(("example", "scenario", "load", "seconds"), REPLICA_DRILLS)
def test_replica_loss_drill_shows_the_load_on_the_instances_left(
    example: str, scenario: str, load: float, seconds: float
) -> None:
    """Problem 1 for replicas: the calls a lost instance served queue on the rest. The
    analytic expectation is the capacity pass's offered load (erlangs at peak) × the drill's
    load, over the servers left; simulated, the busy servers over the same."""
    from archproof.passes.capacity.analyze import analyze
    from archproof.passes.lower.faults import FaultEffect, fault_windows
    from archproof.passes.lower.lower import lower

    design = load_design(EXAMPLES / f"{example}.yaml")
    scen = next(s for s in design.scenarios if s.id == scenario)
    faults = tuple(
        f.model_copy(update={"at": Duration(Fraction(0)), "duration": None}) for f in scen.faults
    )
    load *= float(scen.load)
    model = lower(design)
    lost = {
        w.pool: w.value
        for w in fault_windows(model, faults)
        if w.effect is FaultEffect.LOSE_SERVERS
    }
    assert lost, f"{example}/{scenario}: the drill takes no servers"
    offered = {
        (c.id, p.name): float(p.offered_load.value)
        for c in analyze(model).components
        for p in c.pools
    }
    quiet = compile_design(design, load=load)
    drill = compile_design(design, load=load, faults=faults)
    before = simulate(quiet.network, duration=seconds, seed=11)
    during = simulate(drill.network, duration=seconds, seed=11)
    for index, gone in lost.items():
        pool = model.pools[index]
        name = drill.pool_station[index]
        servers = pool.servers
        left = servers - gone
        assert left > 0
        busy = offered[(pool.component, pool.name)] * load
        expected = busy / left  # each instance left carries its share of the lost one's calls
        assert expected < 0.9, (example, name, expected)  # the drill is not a saturation test
        was = before.station(name).utilization
        now = during.station(name).utilization * servers / left
        assert was == pytest.approx(busy / servers, rel=0.15), (example, name)
        assert now == pytest.approx(expected, rel=0.15), (example, name)
        # the shift itself: per-server utilization up by busy × (1/left − 1/servers)
        assert now - was == pytest.approx(busy * (1 / left - 1 / servers), rel=0.3), (example, name)
