"""Replications on several processes: replication k runs seed k wherever it runs, so the
output is byte-identical for 1 and 2 workers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.base import Options
from archproof.passes.simulate.parallel import default_workers, replication_workers, run_local
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
