"""A hot standby takes a lost instance's place after the failover time (issue 13: "highly
available gives every stateful component a standby with failover — model it properly").

Before, a `standby:` counted for availability in the capacity pass but a drill ignored it:
losing the one primary of a database with a standby failed every write for the whole
fault window, exactly as without one. The expected windows and counts below were written
before the lowering was changed.
"""

from __future__ import annotations

import pytest

from archproof.frontends.yaml_loader import load_text
from archproof.model import Design
from archproof.passes.capacity import analyze
from archproof.passes.lower import lower
from archproof.passes.lower.faults import FaultEffect, fault_windows
from archproof.passes.simulate.design_run import simulate_design
from archproof.passes.simulate.faults import parse_fault


def _design(db: str) -> Design:
    return load_text(
        f"""
meta: {{name: failover}}
requirements:
  load: {{peak_factor: 1}}
components:
  api: {{kind: service, replicas: 2, concurrency: 50, work: {{default: 1ms}}}}
  db: {{kind: database, tech: postgresql, {db}}}
operations:
  save:
    rate: 100/s
    calls: [api.default, db.write]
"""
    )


def _windows(db: str, spec: str) -> list[tuple[str, FaultEffect, float, float, float]]:
    design = _design(db)
    model = lower(design)
    return [
        (model.pools[w.pool].label, w.effect, w.start, w.end, w.value)
        for w in fault_windows(model, (parse_fault(spec, design),))
    ]


def test_a_lost_primary_is_down_only_until_its_standby_serves() -> None:
    # postgresql's catalog failover is 60 s: down from 10 s to 70 s, not to 130 s
    assert _windows("replicas: 1, standby: 1", "db:lose_replicas=1@10s+2m") == [
        ("db:primary", FaultEffect.DOWN, 10.0, 70.0, 0.0)
    ]
    # the design's own figure wins over the catalog's
    assert _windows("replicas: 1, standby: 1, failover: 5s", "db:lose_replicas=1@10s+2m") == [
        ("db:primary", FaultEffect.DOWN, 10.0, 15.0, 0.0)
    ]
    # a window shorter than the failover ends with the window
    assert _windows("replicas: 1, standby: 1", "db:lose_replicas=1@10s+20s") == [
        ("db:primary", FaultEffect.DOWN, 10.0, 30.0, 0.0)
    ]


def test_without_a_standby_the_loss_lasts_the_whole_window() -> None:
    assert _windows("replicas: 1", "db:lose_replicas=1@10s+2m") == [
        ("db:primary", FaultEffect.DOWN, 10.0, 130.0, 0.0)
    ]


def test_more_instances_lost_than_standbys_stay_lost_after_the_failover() -> None:
    # 2 primaries × 100 connections (postgresql's concurrency), 1 standby: both lost at
    # 10 s; from 70 s the standby serves for one of them, the other stays lost to 130 s
    assert _windows("replicas: 2, standby: 1", "db:lose_replicas=2@10s+2m") == [
        ("db:primary", FaultEffect.DOWN, 10.0, 70.0, 0.0),
        ("db:primary", FaultEffect.LOSE_SERVERS, 70.0, 130.0, 100.0),
    ]


def test_down_takes_the_standby_too() -> None:
    # `down` is the whole component (a bad deploy, a partition): nothing to fail over to
    assert _windows("replicas: 1, standby: 1", "db:down@10s+2m") == [
        ("db:primary", FaultEffect.DOWN, 10.0, 130.0, 0.0)
    ]


def _failed(db: str) -> tuple[int, tuple[str, ...]]:
    design = _design(db)
    fault = parse_fault("db:lose_replicas=1@5s+20s", design)
    sim = simulate_design(design, duration_s=40.0, replications=1, seed=3, faults=(fault,))
    run = sim.runs[0]
    save = run.operations[0]
    return save.errors, sim.notes


def test_a_drill_fails_writes_only_for_the_failover() -> None:
    # 100 writes a second: ~2,000 fail over the 20 s window without a standby, ~400 over
    # the 4 s failover with one (the warm-up cuts nothing here: the window starts at 5 s)
    without, _ = _failed("replicas: 1")
    with_standby, notes = _failed("replicas: 1, standby: 1, failover: 4s")
    assert without == pytest.approx(2000, rel=0.1)
    assert with_standby == pytest.approx(400, rel=0.15)
    said = " ".join(notes)
    assert "standby" in said and "4 s" in said, notes


def test_the_failure_table_says_how_long_the_failover_takes() -> None:
    db = analyze(_design("replicas: 1, standby: 1")).failure("db")
    assert db is not None
    assert db.note == (
        "single primary: writes wait for the failover while a standby is promoted "
        "(60 s, catalog:postgresql)"
    )
