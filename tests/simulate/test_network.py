"""Network building, distributions, histograms and run estimates."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archproof.passes.simulate import kernel as K
from archproof.passes.simulate.network import (
    CallPolicy,
    NetworkBuilder,
    exponential,
    fixed,
    lognormal_mean_cv,
    lognormal_p50_p99,
)
from archproof.passes.simulate.runner import estimate, is_tandem, run_kernel
from archproof.passes.simulate.stats import percentile, simulate

from .conftest import BACKENDS, reference_network


def test_lognormal_helpers_round_trip() -> None:
    d = lognormal_p50_p99(0.020, 0.150)
    assert math.exp(d.a) == pytest.approx(0.020)
    assert math.exp(d.a + 2.3263478740408408 * d.b) == pytest.approx(0.150)
    m = lognormal_mean_cv(0.010, 1.5)
    assert m.mean == pytest.approx(0.010)
    assert math.sqrt(math.exp(m.b**2) - 1.0) == pytest.approx(1.5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_service_distributions_sampled_right(backend: str) -> None:
    """Infinite-server station: latency = the service time, so its moments show."""
    b = NetworkBuilder()
    client, s = b.station("client"), b.station("s")
    logn = lognormal_p50_p99(0.010, 0.080)
    for name, dist in (("fix", fixed(0.003)), ("exp", exponential(0.005)), ("logn", logn)):
        b.operation(name, 100.0, b.node(client, fixed(0.0), children=(b.node(s, dist),)))
    res = simulate(b.build(), n_requests=60_000, seed=3, backend=backend)
    # one bucket holds every value: read-back error is bounded by the bucket width
    assert res.op("fix").p50_s == pytest.approx(0.003, rel=0.005)
    assert res.op("fix").p99_s.value == pytest.approx(0.003, rel=0.005)
    assert res.op("exp").mean_s.value == pytest.approx(0.005, rel=0.03)
    assert res.op("exp").p99_s.value == pytest.approx(0.005 * math.log(100), rel=0.05)
    assert res.op("logn").p50_s == pytest.approx(0.010, rel=0.03)
    assert res.op("logn").p99_s.value == pytest.approx(0.080, rel=0.08)
    assert res.op("logn").mean_s.value == pytest.approx(logn.mean, rel=0.04)


@settings(max_examples=30, deadline=None)
@given(
    st.floats(min_value=-9.0, max_value=2.0),
    st.floats(min_value=0.05, max_value=2.0),
    st.sampled_from([0.5, 0.95, 0.99]),
    st.integers(min_value=0, max_value=2**31),
)
def test_histogram_percentile_within_half_percent(
    mu: float, sigma: float, q: float, seed: int
) -> None:
    """Goal A4: histogram percentiles within 0.5 % of the exact sample percentile."""
    x = np.random.default_rng(seed).lognormal(mu, sigma, 20_000)
    hist = np.zeros(K.NBUCK, dtype=np.int64)
    for v in x:
        hist[K._bucket_py(float(v))] += 1
    exact = float(np.quantile(x, q, method="inverted_cdf"))
    assert percentile(hist, q) == pytest.approx(exact, rel=0.005)


def test_builder_rejects_bad_input() -> None:
    b = NetworkBuilder()
    s = b.station("s", 2)
    with pytest.raises(ValueError, match="servers"):
        b.station("t", 0)
    with pytest.raises(ValueError, match="duplicate"):
        b.station("s", 1)
    with pytest.raises(ValueError, match="prob"):
        b.node(s, fixed(0.01), prob=1.5)
    with pytest.raises(ValueError, match="created before"):
        b.node(s, fixed(0.01), children=(7,))
    with pytest.raises(ValueError, match="jitter"):
        CallPolicy(jitter=2.0)
    a = b.node(s, fixed(0.01), prob=0.7, group=1)
    c = b.node(s, fixed(0.01), prob=0.7, group=1)
    b.operation("op", 1.0, b.node(s, fixed(0.0), children=(a, c)))
    with pytest.raises(ValueError, match="exceed 1"):
        b.build()
    b2 = NetworkBuilder()
    s2 = b2.station("s")
    b2.operation("op", 1.0, b2.node(s2, fixed(0.0), spawns="nope"))
    with pytest.raises(ValueError, match="unknown operation"):
        b2.build()


def test_run_bounds_are_validated() -> None:
    net = reference_network()
    with pytest.raises(ValueError, match="exactly one"):
        run_kernel(net, n_requests=10, duration=1.0)
    with pytest.raises(ValueError, match="exactly one"):
        run_kernel(net)


def test_estimate_predicts_events_and_memory() -> None:
    net = reference_network()
    est = estimate(net, n_requests=50_000)
    raw = run_kernel(net, n_requests=50_000, seed=1, backend="python")
    assert est.events == pytest.approx(raw.events, rel=0.25)
    assert est.memory_bytes < 300 * 2**20
    # statistics do not grow with the run (the time series is capped)
    big = estimate(net, n_requests=10_000_000).memory_bytes
    assert big == estimate(net, n_requests=100_000_000).memory_bytes < 300 * 2**20


def test_event_cap_stops_the_run() -> None:
    raw = run_kernel(reference_network(), n_requests=50_000, seed=1, max_events=1000)
    assert raw.status == K.ST_EVENT_CAP and 1000 < raw.events < 1100


def test_fast_path_detection() -> None:
    assert is_tandem(reference_network())
    b = NetworkBuilder()
    client, s = b.station("client"), b.station("s", 2)
    call = b.node(s, exponential(0.01), call=CallPolicy(timeout_s=0.1))
    b.operation("op", 10.0, b.node(client, fixed(0.0), children=(call,)))
    assert not is_tandem(b.build())


def test_duration_mode_and_warmup_time() -> None:
    res = simulate(reference_network(), duration=20.0, seed=2, backend="python")
    assert res.t_warm == pytest.approx(2.0, abs=0.01)
    op = res.op("req")
    assert op.arrived == pytest.approx(800 * 18, rel=0.03)
    assert op.throughput_per_s == pytest.approx(800, rel=0.03)


def test_pool_grows_then_refuses_a_diverging_model() -> None:
    from archproof.passes.simulate.runner import SimulationOverflow

    from .conftest import mmc_network

    over = mmc_network(150.0, 0.01, 1)  # ρ = 1.5: the queue grows without bound
    raw = run_kernel(
        over, n_requests=100_000, seed=1, backend="numba" if K.HAVE_NUMBA else "python"
    )
    assert raw.status == K.ST_OK and raw.peak_calls > 1 << 14  # reran with a bigger pool
    assert int(raw.op_cnt[0, K.CNT_OK]) == 90_000
    with pytest.raises(SimulationOverflow, match="overloaded"):
        run_kernel(over, n_requests=100_000, seed=1, max_calls=1 << 14)
