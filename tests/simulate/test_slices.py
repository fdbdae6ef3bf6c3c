"""Time slices (issue 20 item 7, issue 19 item 4): the kernels stop when the clock reaches a
slice end and the runner resumes them, so it can report progress and honour Ctrl-C. The
output must not change by a bit, whatever the slices."""

from __future__ import annotations

import pytest

from archproof.passes.simulate import runner
from archproof.passes.simulate.network import Network
from archproof.passes.simulate.runner import run_kernel

from .conftest import reference_network
from .test_backends import needs_numba, same
from .test_behaviour import cascade_network

BACKENDS = ["python", pytest.param("numba", marks=needs_numba)]


def _runs(
    net: Network, backend: str, path: str, monkeypatch: pytest.MonkeyPatch, step: float, **kw: float
) -> tuple[runner.RawRun, runner.RawRun, list[float]]:
    """The run without slices, and with a slice every `step` simulated seconds."""
    monkeypatch.setattr(runner, "_first_slice_s", lambda *_: 1e30)
    whole = run_kernel(net, seed=5, backend=backend, path=path, **kw)  # type: ignore[arg-type]
    monkeypatch.setattr(runner, "_first_slice_s", lambda *_: step)
    monkeypatch.setattr(
        runner._Slicer,
        "next_end",
        lambda self, now, ev: (self.on_slice(now, ev) if self.on_slice else None) or now + step,
    )
    seen: list[float] = []
    sliced = run_kernel(
        net,
        seed=5,
        backend=backend,
        path=path,
        on_slice=lambda t, _e: seen.append(t),
        **kw,  # type: ignore[arg-type]
    )
    return whole, sliced, seen


@pytest.mark.parametrize("backend", BACKENDS)
def test_slicing_a_fault_run_changes_nothing(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # timeouts, a breaker and a fault window in flight across slice ends
    whole, sliced, seen = _runs(
        cascade_network(protected=True), backend, "general", monkeypatch, 0.7, duration=25.0
    )
    assert len(seen) > 30 and seen == sorted(seen) and seen[-1] <= whole.t_end
    assert same(whole, sliced)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", ["tandem", "general"])
def test_slicing_a_request_run_changes_nothing(
    backend: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, sliced, seen = _runs(
        reference_network(), backend, path, monkeypatch, 0.5, n_requests=30_000
    )
    assert len(seen) > 50
    assert same(whole, sliced)


def test_slices_are_timed_for_a_fraction_of_a_second() -> None:
    """Slice ends follow the measured pace: each slice a few tenths of a second (plain
    Python, slow enough for several slices in a short run)."""
    import itertools
    import time

    stamps: list[float] = []
    run_kernel(
        cascade_network(protected=True),
        duration=20.0,
        seed=1,
        backend="python",
        on_slice=lambda _t, _e: stamps.append(time.perf_counter()),
    )
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert len(gaps) >= 2 and max(gaps) < 2.0  # loosely: the target is SLICE_CPU_S = 0.3 s
