"""Determinism: same seed → identical output; the event kernels agree bit for bit across
backends and between the fast path and the general kernel."""

from __future__ import annotations

import numpy as np
import pytest

from archproof.passes.simulate.kernel import HAVE_NUMBA
from archproof.passes.simulate.network import (
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


def same(a: RawRun, b: RawRun) -> bool:
    fields = ("op_cnt", "op_lsum", "op_hist", "op_bh", "s_barea", "s_qarea", "s_whist", "ts_ok")
    return (
        a.events == b.events
        and a.duplicates == b.duplicates
        and a.t_end == b.t_end
        and all(np.array_equal(getattr(a, f), getattr(b, f)) for f in fields)
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


def test_fast_path_equals_general_kernel() -> None:
    net = reference_network()
    fast = run_kernel(net, n_requests=20_000, seed=9, backend="python", path="tandem")
    gen = run_kernel(net, n_requests=20_000, seed=9, backend="python", path="general")
    assert fast.path == "tandem" and gen.path == "general"
    assert same(fast, gen)


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
