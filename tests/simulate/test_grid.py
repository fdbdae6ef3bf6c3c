"""`archproof sweep`: a grid of simulations on a local pool or a Dask cluster."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archproof.cli.app import app
from archproof.cli.sweep_cmd import apply_overrides
from archproof.frontends.yaml_loader import load_design, load_text
from archproof.passes.simulate import grid
from archproof.passes.simulate.grid import CellResult, grid_cells, run_grid
from archproof.passes.simulate.parallel import run_local

URL = Path(__file__).resolve().parents[2] / "examples" / "url_shortener.yaml"
runner = CliRunner()


def _cells() -> list[Any]:
    """4 load factors × 3 scenarios (the design as written and its two scenarios), with the
    faults early enough to fall inside the short runs."""
    design = load_design(URL)
    scenarios = [None, *(s.id for s in design.scenarios)][:3]
    assert len(scenarios) == 3
    return grid_cells(
        [("base", design)],
        loads=(0.5, 1.0, 1.5, 2.0),
        scenarios=scenarios,
        seeds=(3,),
        n_requests=1500,
    )


def test_overrides_set_paths_and_name_missing_ones() -> None:
    text = URL.read_text("utf-8")
    design = load_text(apply_overrides(text, ["components.db.read_replicas=3"]))
    assert design.component("db").read_replicas == 3
    with pytest.raises(ValueError, match="nosuch"):
        apply_overrides(text, ["components.nosuch.replicas=2"])


def test_a_grid_gives_the_same_numbers_on_a_dask_cluster_as_on_the_local_pool() -> None:
    distributed = pytest.importorskip("distributed")
    cells = _cells()
    local = run_grid(cells, workers=1)  # (the pool itself: test_parallel.py)
    assert len(local) == 12 and all(isinstance(r, CellResult) for r in local)
    assert len({r.load for r in local}) == 4 and len({r.scenario for r in local}) == 3
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = run_grid(cells, dask=cluster.scheduler_address)
    assert on_dask == local
    # four times the load, about four times the throughput: the grid varies what it says
    rate = {r.load: sum(o.throughput_per_s for o in r.operations) for r in local}
    assert 3.0 < rate[2.0] / rate[0.5] < 5.0


def _slow(x: int) -> int:
    if x > 1:
        time.sleep(30)
    return x


def test_ctrl_c_stops_the_pool_at_once_and_keeps_finished_cells() -> None:
    done: dict[int, int] = {}

    def on_done(i: int, r: int) -> None:
        done[i] = r
        if len(done) == 2:
            raise KeyboardInterrupt

    t = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_local(_slow, [0, 1, 2, 3], workers=2, on_done=on_done)
    assert time.monotonic() - t < 25  # the sleeping workers were terminated
    assert done == {0: 0, 1: 1}


def test_cli_json_and_an_interrupted_sweep_keeps_its_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["sweep", str(URL), "--load", "1x,2x", "-n", "1500", "-j", "1", "--format", "json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["schema"] == "archproof-sweep/1"
    assert data["cells_done"] == data["cells_total"] == 2
    assert {r["load"] for r in data["rows"]} == {1.0, 2.0}

    real = grid.run_grid

    def interrupted(cells: Any, **kw: Any) -> Any:
        first = real(cells[:1], workers=1)
        kw["on_done"](0, first[0])
        raise KeyboardInterrupt

    # sweep imports run_grid when it runs (a cheap --help), so the grid module is patched
    monkeypatch.setattr(grid, "run_grid", interrupted)
    res = runner.invoke(app, args)
    assert res.exit_code == 130
    data = json.loads(res.stdout)
    assert data["interrupted"] is True
    assert data["cells_done"] == 1 and data["cells_total"] == 2


def test_a_passed_deadline_runs_no_cell_and_a_far_one_changes_nothing() -> None:
    """The sweep's time limit is one deadline for the grid: a cell that starts after it is
    not run (no figures, marked), one that starts well before it is the cell without a
    limit, event for event."""
    cell = _cells()[0]
    late = grid.run_cell(replace(cell, deadline=time.time() - 1))
    assert late.time_limited and late.operations == () and late.events == 0
    assert "time limit" in late.notes[0]
    free = grid.run_cell(cell)
    far = grid.run_cell(replace(cell, deadline=time.time() + 3600))
    assert not far.time_limited and not free.time_limited
    assert far.events == free.events > 0
    assert far.operations == free.operations


def test_time_limited_cells_are_left_out_of_the_rows_and_counted() -> None:
    cells = _cells()[:2]
    done = grid.run_cell(cells[0])
    stopped = replace(grid.run_cell(cells[1]), time_limited=True)  # as if cut at the limit
    rows = grid.summarize_grid([done, stopped])
    assert {r.load for r in rows} == {done.load} != {stopped.load}
    data = grid.grid_json([done, stopped], total_cells=2, meta={})
    assert data["cells_done"] == 1 and data["cells_time_limited"] == 1


def test_cli_time_limit_stops_the_sweep_and_says_so() -> None:
    big = ["sweep", str(URL), "--load", "1x,2x", "-n", "50000000", "-j", "1", "-f", "json"]
    res = runner.invoke(app, [*big, "--time-limit", "1ms"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["time_limit_s"] == 0.001
    assert data["cells_time_limited"] == 2 and data["cells_done"] == 0 and data["rows"] == []
    assert "note: stopped at the time limit (1ms): 0 of 2 cells finished" in res.stderr

    res = runner.invoke(app, [*big, "--time-limit", "soon"])
    assert res.exit_code == 2
    assert "--time-limit" in res.stderr and "Traceback" not in res.output
