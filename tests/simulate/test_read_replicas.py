"""A database with read replicas: two stations, as the capacity pass's two pools."""

from __future__ import annotations

import pytest

from archproof.frontends.yaml_loader import load_text
from archproof.passes.base import Options
from archproof.passes.capacity.result import CapacityResult
from archproof.passes.simulate.compile import compile_design
from archproof.passes.simulate.network import FaultKind
from archproof.passes.simulate.pass_ import SimulateResult
from archproof.pipeline import run

# db: 1 primary + 2 read replicas × 10 connections. Reads are spread over 3 instances,
# so the primary takes 1/3 of them; writes all go to the primary. Per second (peak 1):
#   reads  = 300 (lookup) + 0.5 × 100 + 0.5 × 2 × 100 (browse) = 450, 10 ms each
#   writes = 100 (save), 20 ms each
#   primary:  (150 × 0.010 + 100 × 0.020) / 10 = 0.35
#   replicas: (300 × 0.010) / 20 = 0.15
DESIGN = """
meta: {name: replicated}
requirements:
  load: {peak_factor: 1}
components:
  db:
    kind: database
    replicas: 1
    read_replicas: 2
    concurrency: 10
    availability: 99.9%
    work: {read: 10ms, write: 20ms}
operations:
  lookup:
    rate: 300/s
    calls: [db.read]
  browse:
    rate: 100/s
    calls:
      - one_of:
          - {p: 50%, calls: [db.read]}
          - {p: 50%, calls: [{call: db.read, times: 2}]}
  save:
    rate: 100/s
    calls: [db.write]
scenarios:
  replica_lost:
    faults: [{component: db, kind: lose_replicas, replicas: 1, at: 1s, for: 2s}]
  lose_all:
    faults: [{component: db, kind: lose_replicas, replicas: 3, at: 1s}]
  db_slow:
    faults: [{component: db, kind: slow, factor: 3, at: 1s}]
"""


def test_two_stations_sized_like_the_capacity_pools() -> None:
    net = compile_design(load_text(DESIGN)).network
    assert "db" not in net.st_names
    primary, replicas = net.station("db:primary"), net.station("db:replicas")
    assert int(net.st_servers[primary]) == 10  # 1 primary × 10
    assert int(net.st_servers[replicas]) == 20  # 2 read replicas × 10
    # availability injects no random errors: a run samples time in which nothing is down
    assert float(net.st_err[primary]) == 0.0
    assert float(net.st_err[replicas]) == 0.0
    # writes only ever reach the primary
    on_replicas = [n for n in range(net.n_nodes) if net.nd_station[n] == replicas]
    assert on_replicas and all(net.nd_write[n] == 0 for n in on_replicas)
    # a read is split 1/3 : 2/3 (lookup's read: the group's probabilities)
    probs = {
        round(float(net.nd_prob[n]), 6)
        for n in range(net.n_nodes)
        if net.nd_station[n] in (primary, replicas) and net.nd_write[n] == 0
    }
    # lookup's read: 1/3 : 2/3; browse's one-read branch (50 %): 1/6 : 1/3
    assert probs >= {round(1 / 3, 6), round(2 / 3, 6), round(1 / 6, 6)}


def test_simulated_utilization_matches_the_capacity_pools() -> None:
    report = run(
        load_text(DESIGN),
        passes=("simulate",),
        options=Options(sim_requests=150_000, sim_replications=1, sim_seed=7),
    )
    sim = report.get(SimulateResult)
    cap = report.get(CapacityResult)
    assert sim is not None and cap is not None
    db = cap.component("db")
    assert db is not None
    names = {c.name for c in sim.components}
    assert names == {"db:primary", "db:replicas"}
    for pool_name, expected in (("primary", 0.35), ("replicas", 0.15)):
        pool = db.pool(pool_name)
        assert pool is not None and pool.utilization.value is not None
        assert pool.utilization.value == pytest.approx(expected, rel=0.01)
        row = sim.component(f"db:{pool_name}")
        assert row.analytic_utilization == pytest.approx(pool.utilization.value)
        assert row.servers == pool.servers
        assert row.utilization == pytest.approx(pool.utilization.value, rel=0.04)


def test_lose_replicas_hits_the_read_replicas_first() -> None:
    net = compile_design(load_text(DESIGN), scenario="replica_lost").network
    replicas = net.station("db:replicas")
    assert list(net.fw_kind) == [FaultKind.LOSE_SERVERS]
    assert list(net.fw_station) == [replicas]
    assert list(net.fw_value) == [10.0]  # one replica × 10 connections
    # every instance: read replicas and the primary alike have none left, so both are down
    # (as lost servers, their calls waited for the fault's end, 10^15 s without one)
    net = compile_design(load_text(DESIGN), scenario="lose_all").network
    hit = {
        net.st_names[int(s)]: FaultKind(k) for s, k in zip(net.fw_station, net.fw_kind, strict=True)
    }
    assert hit == {"db:replicas": FaultKind.DOWN, "db:primary": FaultKind.DOWN}


def test_slow_hits_both_stations() -> None:
    net = compile_design(load_text(DESIGN), scenario="db_slow").network
    hit = sorted(net.st_names[int(s)] for s in net.fw_station)
    assert hit == ["db:primary", "db:replicas"]
    assert all(k == FaultKind.SLOW for k in net.fw_kind)


def test_without_read_replicas_one_station() -> None:
    # (losing 3 of the 1 instance left would be refused, AP015)
    design = DESIGN.replace("read_replicas: 2", "read_replicas: 0").replace(
        "replicas: 3, at: 1s", "replicas: 1, at: 1s"
    )
    net = compile_design(load_text(design)).network
    assert "db" in net.st_names and "db:replicas" not in net.st_names
    assert int(net.st_servers[net.station("db")]) == 10
