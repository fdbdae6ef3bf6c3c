"""The plain-Python sweep (passes/simulate/sweep.py): when it runs, and that it simulates
the same model as the event kernels (closed forms in test_oracle.py; here, agreement)."""

from __future__ import annotations

import math

import pytest

from archproof.passes.simulate import kernel as K
from archproof.passes.simulate.network import (
    Network,
    NetworkBuilder,
    exponential,
    fixed,
    lognormal_p50_p99,
)
from archproof.passes.simulate.runner import SimulationOverflow, run_kernel
from archproof.passes.simulate.stats import SimResult, simulate, summarize
from archproof.passes.simulate.sweep import CHUNK, station_order

from .conftest import mmc_network, reference_network
from .oracle import REF_MEAN, REF_UTIL, mmc_sojourn
from .test_backends import choice_network

EVENT_BACKEND = "numba" if K.HAVE_NUMBA else "python"


def _order(net: Network) -> list[str] | None:
    order = station_order(net.op_root, net.nd_coff, net.cl_node, net.nd_station)
    return None if order is None else [net.st_names[s] for s in order]


def _two_ops(first: tuple[str, str], second: tuple[str, str]) -> Network:
    b = NetworkBuilder()
    cl = b.station("client")
    st = {n: b.station(n, 2) for n in "ABC"}
    for name, route in (("x", first), ("y", second)):
        steps = tuple(b.node(st[n], exponential(0.01)) for n in route)
        b.operation(name, 10.0, b.node(cl, fixed(0.0), children=steps))
    return b.build()


def test_station_order() -> None:
    assert _order(reference_network()) == ["A", "B", "C"]
    assert _order(_two_ops(("A", "C"), ("B", "C"))) == ["A", "B", "C"]
    assert _order(_two_ops(("C", "B"), ("B", "A"))) == ["C", "B", "A"]
    # routes that cross, or a station visited twice: no order
    assert _order(_two_ops(("A", "B"), ("B", "A"))) is None
    assert _order(choice_network()) is None  # operation x visits A twice


def feed_forward_network(jackson: bool = False) -> Network:
    """Two operations sharing stations: optional steps, a choice group, fixed, lognormal
    and infinite-server steps, in an order both routes respect (A, B, C, D).

    ``jackson=True``: all service exponential, one mean per finite station, so the
    network is an open Jackson network and each station an M/M/c (exact means)."""
    b = NetworkBuilder()
    cl = b.station("client")
    a, bb, c, d = b.station("A", 3), b.station("B", 5), b.station("C"), b.station("D", 3)
    r1 = b.node(
        cl,
        fixed(0.0),
        children=(
            b.node(a, exponential(0.01)),
            b.node(bb, exponential(0.02) if jackson else lognormal_p50_p99(0.02, 0.1), prob=0.7),
            b.node(c, exponential(0.005) if jackson else fixed(0.005), group=0, prob=0.3),
            b.node(d, exponential(0.02), group=0, prob=0.5),
        ),
    )
    r2 = b.node(
        cl,
        fixed(0.0),
        children=(
            b.node(bb, exponential(0.02)),
            b.node(c, exponential(0.01), group=1, prob=0.5),
            b.node(d, exponential(0.02), group=1, prob=0.5),
        ),
    )
    b.operation("x", 150.0, r1)
    b.operation("y", 40.0, r2)
    return b.build()


def test_sweep_multi_class_jackson_network_exact_means() -> None:
    """λ_A = 150, λ_B = 105 + 40, λ_D = 75 + 20 (M/M/c, Erlang C); C has infinite servers."""
    res = simulate(feed_forward_network(jackson=True), n_requests=200_000, seed=4, backend="python")
    w_a, w_b, w_d = mmc_sojourn(150, 0.01, 3), mmc_sojourn(145, 0.02, 5), mmc_sojourn(95, 0.02, 3)
    exact = {
        "x": w_a + 0.7 * w_b + 0.3 * 0.005 + 0.5 * w_d,
        "y": w_b + 0.5 * 0.01 + 0.5 * w_d,
    }
    for op, mean in exact.items():
        got = res.op(op).mean_s
        # a 99.9 % two-sided interval from the 95 % one: one fixed seed must not flake
        assert abs(got.value - mean) < 3.3 / 1.96 * got.half_width, (op, got, mean)
    assert res.station("D").utilization == pytest.approx(95 * 0.02 / 3, abs=0.01)


def test_auto_picks_the_sweep_for_plain_python_only() -> None:
    assert run_kernel(reference_network(), n_requests=2000, backend="python").path == "sweep"
    assert run_kernel(choice_network(), n_requests=2000, backend="python").path == "tandem"
    with pytest.raises(ValueError, match="sweep"):
        run_kernel(choice_network(), n_requests=2000, backend="python", path="sweep")
    if K.HAVE_NUMBA:
        assert run_kernel(reference_network(), n_requests=2000, backend="numba").path == "tandem"
        with pytest.raises(ValueError, match="sweep"):
            run_kernel(reference_network(), n_requests=2000, backend="numba", path="sweep")


def _agree(sweep: SimResult, event: SimResult, op: str) -> None:
    """Two independent runs of one model: means within 3.3 combined standard errors
    (a 99.9 % two-sided test), tails within a few percent."""
    a, b = sweep.op(op), event.op(op)
    se = math.hypot(a.mean_s.half_width, b.mean_s.half_width) / 1.96
    assert abs(a.mean_s.value - b.mean_s.value) < 3.3 * se, (op, a.mean_s, b.mean_s)
    assert a.p95_s == pytest.approx(b.p95_s, rel=0.05), op
    assert a.throughput_per_s == pytest.approx(b.throughput_per_s, rel=0.03), op


def test_sweep_agrees_with_the_event_kernel() -> None:
    net = feed_forward_network()
    kw = {"n_requests": 150_000, "seed": 3}
    sweep = simulate(net, backend="python", path="sweep", **kw)
    event = simulate(net, backend=EVENT_BACKEND, path="tandem", **kw)
    for op in ("x", "y"):
        _agree(sweep, event, op)
        assert sweep.op(op).errors == 0
    for name in ("A", "B", "C", "D"):
        s, e = sweep.station(name), event.station(name)
        assert s.utilization == pytest.approx(e.utilization, abs=0.01), name
        assert s.mean_queue == pytest.approx(e.mean_queue, rel=0.15, abs=0.01), name
    # every request is counted once: arrivals split over the operations, all finish
    assert sum(sweep.op(o).arrived for o in ("x", "y")) == 135_000
    assert sum(sweep.op(o).ok for o in ("x", "y")) == 135_000


def test_sweep_duration_mode_and_warm_up_by_time() -> None:
    res = simulate(reference_network(), duration=40.0, seed=2, backend="python", path="sweep")
    assert res.t_warm == pytest.approx(4.0, abs=0.01)
    assert res.t_cut == 40.0
    op = res.op("req")
    assert op.arrived == pytest.approx(800 * 36, rel=0.03)
    assert op.mean_s.value == pytest.approx(REF_MEAN, rel=0.05)
    for name, rho in zip(("A", "B", "C"), REF_UTIL, strict=True):
        assert res.station(name).utilization == pytest.approx(rho, abs=0.03)


def test_sweep_little_law_per_station() -> None:
    """Time-averaged queue (area clipped to the window) = throughput × mean wait."""
    res = simulate(mmc_network(800.0, 0.004, 4), n_requests=200_000, seed=5, backend="python")
    s = res.station("S")
    assert s.mean_queue == pytest.approx(res.op("req").throughput_per_s * s.mean_wait_s, rel=0.03)


def test_sweep_event_cap_ends_the_window_where_the_run_stopped() -> None:
    raw = run_kernel(
        reference_network(), n_requests=100_000, seed=1, backend="python", max_events=60_000
    )
    assert raw.path == "sweep" and raw.status == K.ST_EVENT_CAP
    # checked between rounds: at most one round of events past the cap
    assert 60_000 <= raw.events < 60_000 + 4 * CHUNK
    assert raw.t_cut < 100_000 / 800 / 2
    res = summarize(raw)
    for name, rho in zip(("A", "B"), REF_UTIL[:2], strict=True):
        assert res.station(name).utilization == pytest.approx(rho, abs=0.04)


def test_sweep_overloaded_station_grows_then_refuses() -> None:
    over = mmc_network(150.0, 0.01, 1)  # ρ = 1.5: the queue grows without bound
    raw = run_kernel(over, n_requests=100_000, seed=1, backend="python", path="sweep")
    assert raw.status == K.ST_OK and raw.peak_calls > 1 << 14  # reran with a bigger pool
    assert int(raw.op_cnt[0, K.CNT_OK]) == 90_000
    with pytest.raises(SimulationOverflow, match="overloaded"):
        run_kernel(over, n_requests=100_000, seed=1, backend="python", max_calls=1 << 14)
