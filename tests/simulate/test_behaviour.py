"""Behaviour the engine exists for: holding callers, cascades, timeouts, retries,
breakers, fail-open/closed, duplicates, faults, choice groups, async hand-offs."""

from __future__ import annotations

import numpy as np
import pytest

from archproof.passes.simulate.kernel import HAVE_NUMBA
from archproof.passes.simulate.network import (
    CallPolicy,
    FaultKind,
    Network,
    NetworkBuilder,
    exponential,
    fixed,
    lognormal_p50_p99,
)
from archproof.passes.simulate.stats import SimResult, simulate

BACKEND = "numba" if HAVE_NUMBA else "python"


def cascade_network(*, protected: bool) -> Network:
    """API (2 replicas × 8 threads, queue 50) serves `with_db` (calls the DB while
    holding its thread) and `no_db`. The DB is 20× slower during [10 s, 20 s)."""
    b = NetworkBuilder()
    client = b.station("client")
    api = b.station("api", 2 * 8, queue_capacity=50)
    db = b.station("db", 20)
    policy = (
        CallPolicy(timeout_s=0.05, breaker_threshold=5, breaker_open_s=3.0, fail_open=True)
        if protected
        else CallPolicy()
    )
    db_call = b.node(db, exponential(0.005), call=policy)
    with_db = b.node(
        client, fixed(0.0), children=(b.node(api, exponential(0.002), children=(db_call,)),)
    )
    no_db = b.node(client, fixed(0.0), children=(b.node(api, exponential(0.002)),))
    b.operation("with_db", 1000.0, with_db)
    b.operation("no_db", 1000.0, no_db)
    b.fault(db, 10.0, 20.0, FaultKind.SLOW, 20.0)
    return b.build()


def window(res: SimResult, op: str, lo: float, hi: float) -> tuple[int, int]:
    """(ok, errors) of an operation over [lo, hi) seconds from the time series."""
    i = res.operations.index(res.op(op))
    w = res.series.width_s
    a, b = int(lo / w), int(hi / w)
    return int(res.series.ok[i, a:b].sum()), int(res.series.errors[i, a:b].sum())


def test_slow_db_exhausts_api_threads_and_hurts_the_op_that_never_touches_the_db() -> None:
    res = simulate(cascade_network(protected=False), duration=30.0, seed=1, backend=BACKEND)
    ok_before, err_before = window(res, "no_db", 3.0, 10.0)
    ok_during, err_during = window(res, "no_db", 12.0, 20.0)
    assert err_before == 0 and ok_before > 5000
    assert res.op("no_db").rejections > 1000
    assert err_during > 0.3 * (ok_during + err_during)  # most no_db requests rejected
    assert res.station("api").utilization > 0.5
    assert res.op("no_db").p99_s.value > 0.02  # queueing behind held threads


def test_timeout_breaker_fail_open_contains_the_cascade() -> None:
    res = simulate(cascade_network(protected=True), duration=30.0, seed=1, backend=BACKEND)
    ok_during, err_during = window(res, "no_db", 12.0, 20.0)
    assert ok_during > 5000
    assert err_during <= 0.01 * (ok_during + err_during)  # vs > 30 % unprotected
    wd = res.op("with_db")
    assert wd.short_circuits > 1000 and wd.timeouts > 0 and wd.degraded > 1000
    # fail-open: the DB call never fails the request; the few errors are API-queue
    # rejections while the breaker was still closed
    assert wd.errors == wd.rejections and wd.errors < 0.005 * wd.arrived
    assert res.station("db").wasted_work_s > 0  # abandoned calls kept the DB busy
    assert res.op("no_db").p99_s.value < 0.02


def dup_network(*, idempotent: bool) -> Network:
    """A payment write with a tight timeout and two retries, on a slow-tailed ledger."""
    b = NetworkBuilder()
    client = b.station("client")
    api = b.station("api", 32)
    ledger = b.station("ledger", 8)
    write = b.node(
        ledger,
        lognormal_p50_p99(0.020, 0.200),
        call=CallPolicy(
            timeout_s=0.05,
            retries=2,
            backoff_s=0.01,
            jitter=0.2,
            write=True,
            idempotent=idempotent,
        ),
    )
    root = b.node(
        client, fixed(0.0), children=(b.node(api, exponential(0.001), children=(write,)),)
    )
    b.operation("pay", 100.0, root)
    return b.build()


@pytest.mark.parametrize("backend", ["python", BACKEND])
def test_retried_timeouts_on_non_idempotent_writes_duplicate(backend: str) -> None:
    res = simulate(dup_network(idempotent=False), duration=30.0, seed=2, backend=backend)
    op = res.op("pay")
    assert op.timeouts > 0 and op.retries > 0
    assert res.duplicates > 0
    assert res.duplicates <= op.retries


def test_idempotency_key_removes_duplicates() -> None:
    res = simulate(dup_network(idempotent=True), duration=30.0, seed=2, backend=BACKEND)
    assert res.op("pay").retries > 0
    assert res.duplicates == 0


def down_network() -> Network:
    b = NetworkBuilder()
    client = b.station("client")
    svc = b.station("svc", 16)
    ext = b.station("ext", 16)
    for name, fail_open in (("closed", False), ("open", True)):
        call = b.node(ext, exponential(0.010), call=CallPolicy(fail_open=fail_open))
        root = b.node(
            client, fixed(0.0), children=(b.node(svc, exponential(0.002), children=(call,)),)
        )
        b.operation(name, 200.0, root)
    b.fault(ext, 5.0, 10.0, FaultKind.DOWN, 0.0)
    return b.build()


def test_down_window_fail_closed_errors_fail_open_degrades() -> None:
    res = simulate(down_network(), duration=20.0, seed=3, backend=BACKEND)
    ok_c, err_c = window(res, "closed", 5.0, 10.0)
    ok_o, err_o = window(res, "open", 5.0, 10.0)
    assert err_c > 800 and ok_c < 10  # every call in the window fails
    assert err_o == 0 and ok_o > 800
    assert res.op("open").degraded > 800 and res.op("open").errors == 0
    assert res.op("closed").unavailable == res.op("closed").errors
    _, err_after = window(res, "closed", 11.0, 20.0)
    assert err_after == 0


def test_error_rate_fault_and_retries_recover() -> None:
    b = NetworkBuilder()
    client = b.station("client")
    ext = b.station("ext", 50)
    flaky = b.node(ext, exponential(0.005), call=CallPolicy(retries=3, backoff_s=0.001))
    b.operation("op", 500.0, b.node(client, fixed(0.0), children=(flaky,)))
    b.fault(ext, 0.0, 1e9, FaultKind.ERROR_RATE, 0.3)
    res = simulate(b.build(), n_requests=40_000, seed=5, backend=BACKEND)
    op = res.op("op")
    assert op.call_errors / (op.arrived + op.retries) == pytest.approx(0.3, abs=0.02)
    assert op.errors / op.arrived == pytest.approx(0.3**4, abs=0.004)  # 4 attempts fail


def test_lose_servers_raises_waiting_then_recovers() -> None:
    b = NetworkBuilder()
    client = b.station("client")
    s = b.station("s", 10)
    b.operation("op", 600.0, b.node(client, fixed(0.0), children=(b.node(s, exponential(0.01)),)))
    b.fault(s, 10.0, 15.0, FaultKind.LOSE_SERVERS, 4.0)  # 6 servers left: ρ = 1.0
    res = simulate(b.build(), duration=40.0, seed=6, backend=BACKEND)
    lat = res.series.mean_latency_s[0]
    w = res.series.width_s
    assert np.nanmean(lat[int(12 / w) : int(15 / w)]) > 5 * np.nanmean(lat[int(2 / w) : int(9 / w)])
    assert np.nanmean(lat[int(30 / w) : int(39 / w)]) < 0.02


def test_choice_group_and_async_spawn() -> None:
    b = NetworkBuilder()
    client = b.station("client")
    cache = b.station("cache", 8)
    db = b.station("db", 8)
    broker = b.station("broker", 4)
    worker = b.station("worker", 4)
    hit = b.node(cache, exponential(0.0005), prob=0.9, group=0)
    miss = b.node(db, exponential(0.004), prob=0.1, group=0)
    enqueue = b.node(broker, exponential(0.0002), call=CallPolicy(sync=False), spawns="process")
    root = b.node(client, fixed(0.0), children=(hit, miss, enqueue))
    b.operation("get", 500.0, root)
    b.operation("process", 0.0, b.node(worker, exponential(0.002)))
    res = simulate(b.build(), n_requests=50_000, seed=8, backend=BACKEND)
    get = res.op("get")
    cache_s, db_s = res.station("cache").starts, res.station("db").starts
    assert cache_s + db_s == get.arrived  # exclusive: exactly one per request
    assert db_s / get.arrived == pytest.approx(0.1, abs=0.01)
    assert res.op("process").ok == pytest.approx(get.arrived, rel=0.01)
    # the caller does not wait for the async enqueue
    assert get.mean_s.value < 0.9 * 0.0005 + 0.1 * 0.004 + 0.0002


def test_bounded_queue_rejects() -> None:
    b = NetworkBuilder()
    client = b.station("client")
    s = b.station("s", 1, queue_capacity=0)
    b.operation("op", 100.0, b.node(client, fixed(0.0), children=(b.node(s, exponential(0.01)),)))
    res = simulate(b.build(), n_requests=50_000, seed=9, backend=BACKEND)
    op = res.op("op")
    # M/M/1/1 loss: blocking probability = a / (1 + a) with a = 1
    assert op.rejections / op.arrived == pytest.approx(0.5, abs=0.01)
    assert op.errors == op.rejections


def test_rate_profile_peak() -> None:
    b = NetworkBuilder()
    client = b.station("client")
    s = b.station("s", 100)
    node = b.node(s, exponential(0.001))
    b.operation(
        "op",
        100.0,
        b.node(client, fixed(0.0), children=(node,)),
        profile=((10.0, 400.0), (20.0, 100.0)),
    )
    res = simulate(b.build(), duration=30.0, seed=10, backend=BACKEND, warmup_fraction=0.0)
    ok = res.series.ok[0]
    w = res.series.width_s
    assert ok[int(12 / w) : int(20 / w)].mean() == pytest.approx(400 * w, rel=0.1)
    assert ok[int(22 / w) : int(30 / w)].mean() == pytest.approx(100 * w, rel=0.15)


def test_wasted_work_counts_the_abandoned_calls_callees() -> None:
    """The API gives up on `svc` after 20 ms; svc goes on and calls the DB (~40 ms), whose
    work is wasted too, though the DB call itself was never timed out."""
    b = NetworkBuilder()
    client = b.station("client")
    api, svc, db = b.station("api", 50), b.station("svc", 50), b.station("db", 50)
    db_call = b.node(db, exponential(0.04))
    svc_call = b.node(svc, fixed(0.001), children=(db_call,), call=CallPolicy(timeout_s=0.02))
    root = b.node(client, fixed(0.0), children=(b.node(api, fixed(0.001), children=(svc_call,)),))
    b.operation("op", 100.0, root)
    res = simulate(b.build(), duration=60.0, seed=3, backend=BACKEND)
    op = res.op("op")
    assert op.timeouts > 0.5 * op.arrived  # P(svc takes > 20 ms) = e^(-19/40) ≈ 0.62
    db_waste = res.station("db").wasted_work_s
    # the DB work of abandoned requests: about timeouts × E[DB time | > 19 ms] = 59 ms each
    assert db_waste == pytest.approx(op.timeouts * 0.059, rel=0.1)
    assert res.station("svc").wasted_work_s == pytest.approx(op.timeouts * 0.001, rel=0.05)
