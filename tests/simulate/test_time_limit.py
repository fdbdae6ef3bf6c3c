"""The time limit (issue 12, bounded work): a run still going at its deadline stops at the
next slice boundary (the sweep: the next round), keeps what finished and says so. Deadlines
here are already past or far away, so nothing depends on how fast the machine is."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archproof.cli.app import app
from archproof.frontends.yaml_loader import load_design
from archproof.passes.simulate import kernel as K
from archproof.passes.simulate import runner
from archproof.passes.simulate.design_run import simulate_design
from archproof.passes.simulate.runner import run_kernel
from archproof.passes.simulate.stats import summarize

from .conftest import reference_network
from .test_backends import needs_numba
from .test_behaviour import cascade_network

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PAST = 0.0  # a time.time() long gone: stop at the first chance
CASES = [
    ("python", "general"),
    ("python", "sweep"),
    pytest.param("numba", "general", marks=needs_numba),
    pytest.param("numba", "tandem", marks=needs_numba),
]


def _net(path: str):  # type: ignore[no-untyped-def]
    return cascade_network(protected=True) if path == "general" else reference_network()


@pytest.mark.parametrize(("backend", "path"), CASES)
def test_a_past_deadline_stops_the_run_early_and_marks_it(
    backend: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "_first_slice_s", lambda *_: 0.5)  # slices of 0.5 s simulated
    net = _net(path)
    whole = run_kernel(net, duration=60.0, seed=3, backend=backend, path=path)  # type: ignore[arg-type]
    cut = run_kernel(net, duration=60.0, seed=3, backend=backend, path=path, deadline=PAST)  # type: ignore[arg-type]
    assert whole.status == K.ST_OK
    assert cut.status == K.ST_TIME_LIMIT
    assert cut.events < whole.events / 4
    assert cut.t_end < 15.0 < whole.t_end
    result = summarize(cut)
    assert result.time_limited and not summarize(whole).time_limited


@pytest.mark.parametrize(("backend", "path"), CASES)
def test_a_far_deadline_changes_nothing(
    backend: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "_first_slice_s", lambda *_: 0.5)
    net = _net(path)
    a = run_kernel(net, duration=20.0, seed=4, backend=backend, path=path)  # type: ignore[arg-type]
    far = time.time() + 10**6
    b = run_kernel(net, duration=20.0, seed=4, backend=backend, path=path, deadline=far)  # type: ignore[arg-type]
    assert (a.events, a.t_end, a.status) == (b.events, b.t_end, b.status)
    assert (a.op_cnt == b.op_cnt).all() and (a.op_hist == b.op_hist).all()


def test_the_design_run_says_it_stopped_at_the_limit() -> None:
    design = load_design(EXAMPLES / "chat.yaml")
    sim = simulate_design(
        design,
        duration_s=10.0,
        replications=2,
        backend="python",
        time_limit_s=1e-9,  # past before the first slice ends
    )
    assert all(r.time_limited for r in sim.runs)
    assert all(r.t_end < 10.0 for r in sim.runs)
    [note] = [n for n in sim.notes if n.startswith("stopped at the time limit")]
    assert "2 replications reached" in note and "of 10 simulated seconds" in note
    assert "--time-limit" in note


def test_the_cli_takes_a_time_limit_and_refuses_a_bad_one(tmp_path: Path) -> None:
    cli = CliRunner()
    bad = cli.invoke(app, ["simulate", str(EXAMPLES / "chat.yaml"), "--time-limit", "soon"])
    assert bad.exit_code == 2
    assert "--time-limit" in bad.output and "Traceback" not in bad.output
    # a run sized for minutes (an hour of simulated time, plain Python) stops at 1 ms of
    # wall time with partial results and a note, exit 0
    ok = cli.invoke(
        app,
        [
            "simulate",
            str(EXAMPLES / "url_shortener.yaml"),
            "-d",
            "1h",
            "-r",
            "1",
            "--backend",
            "python",
            "--time-limit",
            "1ms",
            "-f",
            "json",
            "-o",
            str(tmp_path / "run.json"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "stopped at the time limit" in (tmp_path / "run.json").read_text("utf-8")
