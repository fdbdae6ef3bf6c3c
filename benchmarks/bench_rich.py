"""A rich service model: archproof's engine vs the same model hand-written in SimPy 4.1.2.

Model (rates per second, times in seconds):

- ``get`` requests arrive at 1500/s and take an API thread (4 replicas × 20 threads,
  exp 2 ms of own work), which they hold while they call, in order:
  1. a cache (80 % hit: 16 servers, exp 0.5 ms) or, on a miss, the DB (4 connections,
     lognormal p50 5 ms / p99 40 ms) with a 100 ms timeout, 2 retries, backoff 10 ms × 2^k
     ± 20 % jitter, fail-closed;
  2. an external API (64 connections, lognormal p50 20 ms / p99 150 ms, 2 % errors) with
     a 200 ms timeout, a breaker (5 consecutive failures, open 2 s, half-open probe) and
     fail-open.
- Timed-out calls keep running at the callee (their caller just stops waiting).

Both engines report mean and p99 latency of successful requests (95 % batch-means CIs,
20 batches by arrival order) and the error rate; timing is CPU time of the run
(imports and numba compile excluded).

    .venv/bin/python benchmarks/bench_rich.py [--n 200000] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from typing import Any

import numpy as np

from archproof.passes.simulate.network import (
    CallPolicy,
    Network,
    NetworkBuilder,
    exponential,
    fixed,
    lognormal_p50_p99,
)
from archproof.passes.simulate.stats import simulate, t975

RATE = 1500.0
DB = lognormal_p50_p99(0.005, 0.040)
EXT = lognormal_p50_p99(0.020, 0.150)


def build() -> Network:
    b = NetworkBuilder()
    client = b.station("client")
    api = b.station("api", 4 * 20)
    cache = b.station("cache", 16)
    db = b.station("db", 4)
    ext = b.station("ext", 64, error_prob=0.02)
    hit = b.node(cache, exponential(0.0005), prob=0.8, group=0)
    miss = b.node(
        db,
        DB,
        prob=0.2,
        group=0,
        call=CallPolicy(timeout_s=0.1, retries=2, backoff_s=0.01, backoff_mult=2.0, jitter=0.2),
    )
    ext_call = b.node(
        ext,
        EXT,
        call=CallPolicy(timeout_s=0.2, breaker_threshold=5, breaker_open_s=2.0, fail_open=True),
    )
    api_node = b.node(api, exponential(0.002), children=(hit, miss, ext_call))
    b.operation("get", RATE, b.node(client, fixed(0.0), children=(api_node,)))
    return b.build()


def run_simpy(n: int, seed: int) -> dict[str, Any]:
    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    api = simpy.Resource(env, 80)
    cache = simpy.Resource(env, 16)
    db = simpy.Resource(env, 4)
    ext = simpy.Resource(env, 64)
    lat = np.full(n, np.nan)
    err = np.zeros(n, dtype=bool)
    deg = np.zeros(n, dtype=bool)
    cb = {"state": 0, "fails": 0, "until": 0.0}  # 0 closed, 1 open, 2 half-open

    def lognormal(d: Any) -> float:
        return math.exp(d.a + d.b * rng.gauss(0.0, 1.0))

    def db_call() -> Any:
        with db.request() as req:
            yield req
            yield env.timeout(lognormal(DB))
        return True

    def ext_call() -> Any:
        with ext.request() as req:
            yield req
            yield env.timeout(lognormal(EXT))
        return rng.random() >= 0.02

    def call(proc: Any, timeout: float) -> Any:
        """Start the callee as its own process; stop waiting after `timeout`."""
        p = env.process(proc())
        yield p | env.timeout(timeout)
        return bool(p.triggered and p.value)

    def request(i: int) -> Any:
        t0 = env.now
        with api.request() as req:
            yield req
            yield env.timeout(rng.expovariate(500.0))
            if rng.random() < 0.8:
                with cache.request() as r2:
                    yield r2
                    yield env.timeout(rng.expovariate(2000.0))
            else:
                ok = False
                for attempt in range(3):
                    ok = yield from call(db_call, 0.1)
                    if ok:
                        break
                    if attempt < 2:
                        d = 0.01 * 2.0**attempt * (1.0 + 0.2 * (2.0 * rng.random() - 1.0))
                        yield env.timeout(d)
                if not ok:
                    err[i] = True
                    return
            # external call behind a consecutive-failure breaker, fail-open
            now = env.now
            fast_fail = False
            if cb["state"] == 1 and now >= cb["until"]:
                cb["state"] = 2
            elif cb["state"] != 0:
                fast_fail = True
            if fast_fail:
                deg[i] = True
            else:
                ok = yield from call(ext_call, 0.2)
                deg[i] = not ok
                if ok:
                    if cb["state"] != 1:
                        cb["state"], cb["fails"] = 0, 0
                elif cb["state"] == 2:
                    cb["state"], cb["until"] = 1, env.now + 2.0
                elif cb["state"] == 0:
                    cb["fails"] += 1
                    if cb["fails"] >= 5:
                        cb["state"], cb["until"], cb["fails"] = 1, env.now + 2.0, 0
        lat[i] = env.now - t0

    def source() -> Any:
        for i in range(n):
            yield env.timeout(rng.expovariate(RATE))
            env.process(request(i))

    env.process(source())
    env.run()
    keep = slice(int(0.1 * n), n)
    return _summary(lat[keep], err[keep], deg[keep])


def _summary(lat: Any, err: Any, deg: Any) -> dict[str, Any]:
    ok = lat[~np.isnan(lat)]
    batches = np.array_split(lat, 20)
    means = [np.nanmean(b) for b in batches]
    p99s = [np.nanpercentile(b, 99) for b in batches]
    h = t975(19) / math.sqrt(20)
    return {
        "mean": float(ok.mean()),
        "mean_ci": h * float(np.std(means, ddof=1)),
        "p99": float(np.percentile(ok, 99)),
        "p99_ci": h * float(np.std(p99s, ddof=1)),
        "err": float(err.mean()),
        "degraded": float(deg.mean()),
    }


def run_archproof(n: int, seed: int, backend: str) -> dict[str, Any]:
    res = simulate(build(), n_requests=n, seed=seed, backend=backend)
    op = res.op("get")
    return {
        "mean": op.mean_s.value,
        "mean_ci": op.mean_s.half_width,
        "p99": op.p99_s.value,
        "p99_ci": op.p99_s.half_width,
        "err": op.error_rate,
        "degraded": op.degraded_rate,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engines", default="ap-numba,ap-python,simpy")
    args = ap.parse_args()
    simulate(build(), n_requests=2000, seed=0, backend="numba")  # JIT outside the timing
    rows = []
    for eng in args.engines.split(","):
        t = time.process_time()
        out = (
            run_simpy(args.n, args.seed)
            if eng == "simpy"
            else run_archproof(args.n, args.seed, eng.removeprefix("ap-"))
        )
        out["cpu"] = time.process_time() - t
        out["engine"] = eng
        rows.append(out)
    simpy_cpu = next((r["cpu"] for r in rows if r["engine"] == "simpy"), math.nan)
    print(f"rich model, N = {args.n:,} requests, seed {args.seed}")
    hdr = (
        f"{'engine':<10} {'cpu s':>7} {'req/s':>10} {'× SimPy':>8} "
        f"{'mean ms':>15} {'p99 ms':>17} {'error %':>8} {'degraded %':>10}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print(
            f"{r['engine']:<10} {r['cpu']:>7.2f} {args.n / r['cpu']:>10,.0f} "
            f"{simpy_cpu / r['cpu']:>8.1f} "
            f"{r['mean'] * 1e3:>7.3f} ± {r['mean_ci'] * 1e3:<5.3f} "
            f"{r['p99'] * 1e3:>8.2f} ± {r['p99_ci'] * 1e3:<5.2f} {r['err'] * 100:>8.3f} "
            f"{r['degraded'] * 100:>10.3f}"
        )


if __name__ == "__main__":
    main()
