"""Ctrl-C (issue 20 item 7, issue 19 item 4): a simulation stops within about a second, in
this process or with worker processes, keeps and prints the finished replications labelled
as partial, exits 130, and shows no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.simulate.design_run import (
    Progress,
    SimulationInterrupted,
    simulate_design,
)

ROOT = Path(__file__).resolve().parents[2]
CHAT = ROOT / "examples" / "chat.yaml"
# the target is one second (slices of ~0.3 s, the parent polls workers every 0.2 s); the
# bound is loose so a loaded machine does not make the test flaky
LIMIT_S = 3.0
_MAIN = "import sys; from archproof.cli.app import main; sys.argv[0] = 'archproof'; main()"


def _interrupt_cli(*args: str, after_s: float) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `archproof simulate` in its own process group, send SIGINT to the group (as a
    terminal's Ctrl-C does) `after_s` seconds after it printed its estimate; return the
    seconds from the signal to the exit, and the process."""
    env = {**os.environ, "COLUMNS": "100"}
    cmd = [sys.executable, "-c", _MAIN, "simulate", str(CHAT), *args]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
        # a shell's background job inherits SIGINT ignored (POSIX), and Python then keeps
        # it ignored: the test would measure nothing. A terminal's Ctrl-C acts on a default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stderr is not None
    lines = [proc.stderr.readline()]  # "estimate: …" once the run is sized
    assert lines[0].startswith("estimate:"), lines
    time.sleep(after_s)
    os.killpg(proc.pid, signal.SIGINT)
    t0 = time.perf_counter()
    out, err = proc.communicate(timeout=60)
    took = time.perf_counter() - t0
    return took, subprocess.CompletedProcess(cmd, proc.returncode, out, lines[0] + err)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_within_a_second_no_traceback(workers: str) -> None:
    took, res = _interrupt_cli(
        "--fault", "db:slow=20@10s+30s", "-j", workers, "-f", "json", after_s=4.0
    )
    assert res.returncode == 130, res.stderr
    assert "Traceback" not in res.stderr
    assert "interrupted after" in res.stderr
    assert took < LIMIT_S, f"{took:.2f} s from SIGINT to exit"


def test_ctrl_c_keeps_the_finished_replications_labelled_partial() -> None:
    """Interrupted after the first of three replications: its results, and a note."""
    design = load_design(CHAT)
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if p.replications_done >= 1:
            raise KeyboardInterrupt  # as Ctrl-C would, between two slices

    sim = simulate_design(design, duration_s=4.0, replications=3, progress=progress)
    assert len(sim.runs) == 1 and sim.interrupted is not None
    assert sim.interrupted.replications_done == 1
    assert any(n.startswith("interrupted after 4.0 of 12 simulated seconds") for n in sim.notes)
    whole = simulate_design(design, duration_s=4.0, replications=1)
    assert sim.runs[0].operations == whole.runs[0].operations  # replication 1, unchanged


def test_ctrl_c_before_any_replication_finished_says_how_far() -> None:
    design = load_design(CHAT)

    def progress(p: Progress) -> None:
        if p.simulated_s > 0:
            raise KeyboardInterrupt

    with pytest.raises(SimulationInterrupted, match=r"interrupted after [\d.]+ of 12 simulated"):
        simulate_design(design, duration_s=4.0, replications=3, progress=progress)


def test_partial_json_carries_the_note() -> None:
    """The JSON of an interrupted run says it is partial (notes), exit 130."""
    took, res = _interrupt_cli("-d", "3s", "-r", "50", "-j", "1", "-f", "json", after_s=6.0)
    assert res.returncode == 130, res.stderr
    assert "Traceback" not in res.stderr
    if res.stdout:  # at least one replication finished (the usual case)
        notes = json.loads(res.stdout)["run"]["notes"]
        assert any("interrupted after" in n and "partial results" in n for n in notes)
    assert took < LIMIT_S
