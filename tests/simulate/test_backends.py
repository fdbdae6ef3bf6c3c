"""Determinism: same seed → identical output, in both backends and both kernels."""

from __future__ import annotations

import numpy as np
import pytest

from archproof.passes.simulate.kernel import HAVE_NUMBA
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


def test_same_seed_identical_different_seed_differs() -> None:
    net = reference_network()
    a = run_kernel(net, n_requests=20_000, seed=5, backend="python")
    b = run_kernel(net, n_requests=20_000, seed=5, backend="python")
    c = run_kernel(net, n_requests=20_000, seed=6, backend="python")
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
