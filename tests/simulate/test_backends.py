"""Determinism: same seed → identical output; the event kernels agree bit for bit across
backends and between the fast path and the general kernel."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest

from archproof.passes.simulate import runner
from archproof.passes.simulate.kernel import HAVE_NUMBA
from archproof.passes.simulate.network import (
    CallPolicy,
    Network,
    NetworkBuilder,
    exponential,
    fixed,
    lognormal_p50_p99,
)
from archproof.passes.simulate.runner import RawRun, run_kernel

from .conftest import reference_network
from .test_behaviour import cascade_network, dup_network

needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="no numba")


_SCALARS = ("t_warm", "t_end", "t_cut", "events", "duplicates", "status", "peak_calls")


def same(a: RawRun, b: RawRun, *, peaks: bool = True) -> bool:
    """Every output array and scalar of the two runs is equal (the heap peak only when
    both ran the same kernel: the fast path keeps no timeout FIFOs)."""
    arrays = [f.name for f in fields(RawRun) if isinstance(getattr(a, f.name), np.ndarray)]
    assert len(arrays) == 17  # every array RawRun carries
    scalars = _SCALARS if peaks else tuple(x for x in _SCALARS if x != "peak_calls")
    return all(getattr(a, x) == getattr(b, x) for x in scalars) and all(
        np.array_equal(getattr(a, f), getattr(b, f)) for f in arrays
    )


@pytest.mark.parametrize("path", ["sweep", "tandem", "general"])
def test_same_seed_identical_different_seed_differs(path: str) -> None:
    net = reference_network()
    a = run_kernel(net, n_requests=20_000, seed=5, backend="python", path=path)
    b = run_kernel(net, n_requests=20_000, seed=5, backend="python", path=path)
    c = run_kernel(net, n_requests=20_000, seed=6, backend="python", path=path)
    assert a.path == path
    assert same(a, b)
    assert not same(a, c)


@pytest.mark.parametrize("make", ["reference", "choice", "mmc"])
def test_fast_path_equals_general_kernel(make: str) -> None:
    net = {"reference": reference_network, "choice": choice_network, "mmc": _mmc}[make]()
    fast = run_kernel(net, n_requests=20_000, seed=9, backend="python", path="tandem")
    gen = run_kernel(net, n_requests=20_000, seed=9, backend="python", path="general")
    assert fast.path == "tandem" and gen.path == "general"
    assert same(fast, gen, peaks=False)  # the fast path holds one slot per request


@needs_numba
@pytest.mark.parametrize("make", ["reference", "choice"])
def test_fast_path_equals_general_kernel_numba(make: str) -> None:
    net = {"reference": reference_network, "choice": choice_network}[make]()
    fast = run_kernel(net, n_requests=20_000, seed=3, backend="numba", path="tandem")
    gen = run_kernel(net, n_requests=20_000, seed=3, backend="numba", path="general")
    assert same(fast, gen, peaks=False)


def _mmc() -> Network:
    from .conftest import mmc_network

    return mmc_network(90.0, 0.02, 2)


@pytest.mark.parametrize("backend", ["python", pytest.param("numba", marks=needs_numba)])
def test_growing_pools_mid_run_changes_nothing(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The general kernel stops between events when a pool is nearly full; the runner grows
    it and resumes. Starting tiny (several grow-and-resume rounds, timeouts in flight) gives
    the same output, bit for bit, as starting large."""
    b = NetworkBuilder()  # twice the load one server can take: in-flight calls pile up
    root = b.node(
        b.station("client"),
        fixed(0.0),
        children=(
            b.node(
                b.station("api", 1), exponential(0.002), call=CallPolicy(timeout_s=0.3, retries=1)
            ),
        ),
    )
    b.operation("op", 1000.0, root)
    net = b.build()
    big = run_kernel(net, duration=3.0, seed=4, backend=backend)
    stops: list[float] = []  # events done when the kernel stopped to grow
    grow = runner._grow

    def spy(a: dict[str, Any], old: int, new: int, python: bool) -> None:
        stops.append(float(a["rs"][3]))
        grow(a, old, new, python)

    monkeypatch.setattr(runner, "_INITIAL_CAP", 16)
    monkeypatch.setattr(runner, "_grow", spy)
    small = run_kernel(net, duration=3.0, seed=4, backend=backend)
    assert len(stops) >= 2 and stops[-1] > 1000  # grew, at least once mid-run
    assert same(big, small)


@needs_numba
@pytest.mark.parametrize("path", ["tandem", "general"])
def test_python_and_numba_identical_reference(path: str) -> None:
    net = reference_network()
    py = run_kernel(net, n_requests=20_000, seed=2, backend="python", path=path)
    nb = run_kernel(net, n_requests=20_000, seed=2, backend="numba", path=path)
    assert same(py, nb)


@needs_numba
@pytest.mark.parametrize("make", [cascade_network, dup_network])
def test_python_and_numba_identical_rich(make: object) -> None:
    net = make(protected=True) if make is cascade_network else make(idempotent=False)  # type: ignore[operator]
    py = run_kernel(net, duration=12.0, seed=4, backend="python")
    nb = run_kernel(net, duration=12.0, seed=4, backend="numba")
    assert py.path == "general"
    assert same(py, nb)


def choice_network() -> Network:
    """Two operations with a choice group, fixed, lognormal and infinite-server steps."""
    b = NetworkBuilder()
    cl = b.station("client")
    a, bb, c, d = b.station("A", 3), b.station("B", 5), b.station("C"), b.station("D", 2)
    r1 = b.node(
        cl,
        fixed(0.0),
        children=(
            b.node(a, exponential(0.01)),
            b.node(bb, lognormal_p50_p99(0.02, 0.1), prob=0.7),
            b.node(c, fixed(0.005), group=0, prob=0.3),
            b.node(d, exponential(0.05), group=0, prob=0.5),
            b.node(a, fixed(0.002), prob=0.5),
        ),
    )
    r2 = b.node(
        cl,
        fixed(0.0),
        children=(
            b.node(d, exponential(0.03)),
            b.node(bb, exponential(0.02), group=1, prob=0.5),
            b.node(a, exponential(0.01), group=1, prob=0.5),
        ),
    )
    b.operation("x", 150.0, r1)
    b.operation("y", 40.0, r2)
    return b.build()
