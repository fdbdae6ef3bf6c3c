"""Design → network: structure of the compiled network and a run on the examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design, load_text
from archproof.passes.simulate.compile import CLIENT, compile_design
from archproof.passes.simulate.network import DistKind, FaultKind
from archproof.passes.simulate.stats import simulate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

DESIGN = """
meta: {name: tiny}
components:
  api: {kind: service, replicas: 2, concurrency: 8, queue_limit: 40, work: {handle: 2ms}}
  db: {kind: database, replicas: 1, concurrency: 10, work: {read: {fixed: 5ms}}}
  q: {kind: queue, replicas: 1, concurrency: 4, work: {enqueue: 1ms}}
  w: {kind: worker, replicas: 1, concurrency: 4, work: {run: 1ms}}
operations:
  get:
    rate: 100/s
    calls:
      - api.handle:
          calls:
            - one_of:
                - {p: 80%, calls: [db.read]}
                - {p: 20%, calls: [db.read, db.read]}
            - call: q.enqueue
              async: true
  job:
    consumes: q
    calls: [w.run]
scenarios:
  db_down:
    faults: [{component: db, kind: down, at: 5s, for: 5s}]
"""


def test_compiled_structure() -> None:
    net = compile_design(load_text(DESIGN), scenario="db_down").network
    assert net.st_names[0] == CLIENT and net.st_servers[0] == 0
    assert int(net.st_servers[net.station("api")]) == 16  # replicas × concurrency
    assert int(net.st_qcap[net.station("api")]) == 40
    get, job = net.op("get"), net.op("job")
    assert net.op_rate[get] == pytest.approx(100.0) and net.op_rate[job] == 0.0
    # the enqueue node spawns the consumer operation and is not waited for
    enq = [n for n in range(net.n_nodes) if net.nd_spawn[n] == job]
    assert len(enq) == 1 and net.nd_async[enq[0]] == 1
    # one_of: a choice group of a one-call branch and a two-call virtual node
    groups = [g for g in net.cl_gend if g >= 0]
    assert len(groups) == 1
    reads = [n for n in range(net.n_nodes) if net.nd_station[n] == net.station("db")]
    assert all(net.nd_dist[n] == DistKind.FIXED for n in reads)
    assert list(net.fw_kind) == [FaultKind.DOWN] and list(net.fw_start) == [5.0]


def test_compiled_design_runs_and_matches_its_structure() -> None:
    res = simulate(compile_design(load_text(DESIGN)).network, n_requests=20_000, seed=1)
    get, job = res.op("get"), res.op("job")
    assert get.errors == 0 and job.ok == pytest.approx(get.arrived, rel=0.02)
    # 0.8 × 1 read + 0.2 × 2 reads = 1.2 reads per request
    assert res.station("db").starts / get.arrived == pytest.approx(1.2, rel=0.03)


def test_scenario_down_fails_the_calls() -> None:
    net = compile_design(load_text(DESIGN), scenario="db_down").network
    res = simulate(net, duration=20.0, seed=2)
    assert res.op("get").unavailable > 300


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_compile_and_run(path: Path) -> None:
    design = load_design(path)
    compiled = compile_design(design, peak=False)
    res = simulate(compiled.network, duration=5.0, seed=1, warmup_fraction=0.2)
    assert sum(o.ok + o.degraded for o in res.operations) > 0
    for sc in design.scenarios:
        compile_design(design, scenario=sc.id)


def test_simulate_design_replications_and_budget() -> None:
    from archproof.passes.simulate.design_run import simulate_design

    design = load_text(DESIGN)
    sim = simulate_design(design, duration_s=20.0, replications=3, seed=5)
    assert len(sim.runs) == 3 and len({r.seed for r in sim.runs}) == 3
    get = sim.op("get")
    assert get.mean_s.low < get.mean_s.value < get.mean_s.high
    assert sim.notes == ()
    capped = simulate_design(design, n_requests=1_000_000, max_events=200_000)
    assert capped.n_requests < 1_000_000 and "capped" in capped.notes[0]
    assert capped.runs[0].events <= 400_001
    # default size: 60 s, or 30 s past the last fault window
    assert simulate_design(design, scenario="db_down").duration_s == 60.0
