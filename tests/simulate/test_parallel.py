"""Replications on several processes: replication k runs seed k wherever it runs, so the
output is byte-identical for 1 and 2 workers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.base import Options
from archproof.passes.simulate.parallel import (
    default_workers,
    replication_workers,
    run_local,
    start_method,
)
from archproof.passes.simulate.pass_ import SimulateResult
from archproof.pipeline import run

URL = Path(__file__).resolve().parents[2] / "examples" / "url_shortener.yaml"


def _square(x: int) -> int:
    return x * x


def _json(workers: int) -> str:
    options = Options(
        sim_requests=4000,
        sim_replications=3,
        sim_seed=7,
        sim_faults=("db:slow=5@1s+2s",),
        extra={"sim_workers": workers},
    )
    result = run(load_design(URL), passes=("simulate",), options=options).get(SimulateResult)
    assert result is not None
    return json.dumps(result.to_json(), sort_keys=True)


def test_one_and_two_workers_give_byte_identical_output() -> None:
    one = _json(1)
    two = _json(2)
    assert one == two
    assert json.loads(one)["run"]["replications"] == 3


def test_results_come_back_in_task_order() -> None:
    seen: list[int] = []
    out = run_local(_square, list(range(7)), workers=2, on_done=lambda i, r: seen.append(i))
    assert out == [i * i for i in range(7)]
    assert sorted(seen) == list(range(7))
    assert default_workers(1) == 1


@pytest.mark.parametrize(
    ("n", "cores", "workers"),
    [(1, 2, 1), (2, 2, 2), (3, 2, 3), (4, 2, 2), (5, 2, 5), (9, 2, 3), (11, 2, 2), (50, 2, 2),
     (3, 1, 1), (6, 4, 6), (5, 4, 5), (7, 4, 7)],
)  # fmt: skip
def test_replications_fill_whole_rounds(n: int, cores: int, workers: int) -> None:
    """Equal tasks on `cores`: whole rounds, sharing the cores rather than leaving one idle
    in a last round (3 on 2 cores: 3 processes, 1.5 rounds of CPU instead of 2)."""
    assert replication_workers(n, cores) == workers


_INHERITED = ["set at import"]


def _inherited(_: int) -> str:
    return _INHERITED[0]


def test_workers_are_forked_from_a_single_threaded_process_and_spawned_beside_threads() -> None:
    """A forked worker starts with the parent's state (imports, the loaded kernel: seconds
    of CPU a worker on the README drill); beside another thread, which may hold a lock a
    fork would copy held, workers are spawned and start afresh."""
    import threading

    _INHERITED[0] = "set by the parent"
    try:
        forked = start_method() == "fork"
        assert forked == (sys.platform == "linux" and threading.active_count() == 1)
        seen = run_local(_inherited, [0, 1], workers=2)
        assert seen == (["set by the parent"] * 2 if forked else ["set at import"] * 2)

        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        try:
            assert start_method() == "spawn"
            assert run_local(_inherited, [0, 1], workers=2) == ["set at import"] * 2
        finally:
            stop.set()
            other.join()
    finally:
        _INHERITED[0] = "set at import"


@pytest.mark.skipif(sys.platform != "linux", reason="workers fork on Linux only")
def test_a_single_threaded_process_forks_its_workers() -> None:
    code = "from archproof.passes.simulate.parallel import start_method; print(start_method())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "fork"


@pytest.mark.skipif(sys.platform != "linux", reason="workers fork on Linux only")
def test_a_thread_started_once_the_workers_exist_does_not_make_them_spawn() -> None:
    """sweep starts its progress display (a refresh thread) in on_start: after the pool
    is forked, so its workers still start with the parent's state."""
    import threading

    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start() -> None:
        threads.append(threading.Thread(target=stop.wait))
        threads[0].start()

    if threading.active_count() != 1:
        pytest.skip("another thread runs in this test process: workers spawn anyway")
    _INHERITED[0] = "set by the parent"
    try:
        seen = run_local(_inherited, [0, 1], workers=2, on_start=start)
        assert threads and seen == ["set by the parent"] * 2
    finally:
        stop.set()
        for t in threads:
            t.join()
        _INHERITED[0] = "set at import"
