"""Reference network: archproof's engine vs SimPy 4.1.2 and ciw 3.2.7, same N, same model.

Poisson 800/s → A (4 servers, exp 4 ms) → B (16, exp 15 ms) → 10 % C (8, exp 50 ms).
Exact mean sojourn 27.823 ms (Jackson + Erlang C), p99 ≈ 142.8 ms (research note §3.1).

Each engine runs in its own subprocess so its peak RSS (``resource.getrusage``) is its
own. Timing is CPU time (``time.process_time``: robust on a shared, noisy VM) of model
construction, simulation and statistics; imports and the numba JIT compile are excluded
(a 1,000-request warm-up run goes first), as in the research note's method. The first
10 % of customers are discarded as warm-up.

    .venv/bin/python benchmarks/bench_reference.py            # N = 1M, all engines
    .venv/bin/python benchmarks/bench_reference.py --n 200000 --engines simpy,ap-numba
    .venv/bin/python benchmarks/bench_reference.py --n 10000000 --engines ap-numba
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

EXACT_MEAN = 0.027823
EXACT_P99 = 0.14279
LAM = 800.0
ENGINES = (
    "ap-yaml",
    "ap-numba",
    "ap-numba-general",
    "ap-python",
    "ap-python-event",
    "ap-python-general",
    "simpy",
    "ciw",
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _tail_stats(sojourns: Any, n: int) -> dict[str, float]:
    import numpy as np

    s = np.asarray(sojourns, dtype=np.float64)[int(0.1 * n) :]
    return {"mean": float(s.mean()), "p99": float(np.percentile(s, 99))}


def run_archproof(n: int, seed: int, backend: str, path: str) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from archproof.passes.simulate.stats import simulate
    from simulate.conftest import reference_network  # the network the tests check

    net = reference_network()
    if backend == "numba":  # JIT compile (or cache load) outside the timed region
        simulate(net, n_requests=1000, seed=seed, backend=backend, path=path)
    t = time.process_time()
    res = simulate(reference_network(), n_requests=n, seed=seed, backend=backend, path=path)
    wall = time.process_time() - t
    op = res.op("req")
    return {
        "wall": wall,
        "mean": op.mean_s.value,
        "ci": op.mean_s.half_width,
        "p99": op.p99_s.value,
        "util": [res.station(x).utilization for x in ("A", "B", "C")],
    }


def run_archproof_yaml(n: int, seed: int) -> dict[str, Any]:
    """The same network written as an archproof design (reference_network.yaml), compiled
    from the model and run on the compiled kernel: the path users take."""
    from archproof.frontends.yaml_loader import load_design
    from archproof.passes.simulate.compile import compile_design
    from archproof.passes.simulate.stats import simulate

    path = Path(__file__).with_name("reference_network.yaml")
    simulate(compile_design(load_design(path)).network, n_requests=1000, seed=seed)  # JIT
    t = time.process_time()
    net = compile_design(load_design(path)).network
    res = simulate(net, n_requests=n, seed=seed, backend="numba")
    wall = time.process_time() - t
    op = res.op("customer")
    return {
        "wall": wall,
        "mean": op.mean_s.value,
        "ci": op.mean_s.half_width,
        "p99": op.p99_s.value,
        "util": [res.station(x).utilization for x in ("a", "b", "c")],
    }


def run_simpy(n: int, seed: int) -> dict[str, Any]:
    import random

    import simpy

    t = time.process_time()
    rng = random.Random(seed)
    env = simpy.Environment()
    a, b, c = (simpy.Resource(env, capacity=k) for k in (4, 16, 8))
    soj = [0.0] * n

    def customer(i: int) -> Any:
        t0 = env.now
        for res, mean in ((a, 0.004), (b, 0.015)):
            with res.request() as req:
                yield req
                yield env.timeout(rng.expovariate(1.0 / mean))
        if rng.random() < 0.1:
            with c.request() as req:
                yield req
                yield env.timeout(rng.expovariate(20.0))
        soj[i] = env.now - t0

    def source() -> Any:
        for i in range(n):
            yield env.timeout(rng.expovariate(LAM))
            env.process(customer(i))

    env.process(source())
    env.run()
    out: dict[str, Any] = _tail_stats(soj, n)
    out["wall"] = time.process_time() - t
    return out


def run_ciw(n: int, seed: int) -> dict[str, Any]:
    import ciw

    t = time.process_time()
    ciw.seed(seed)
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(LAM), None, None],
        service_distributions=[
            ciw.dists.Exponential(250.0),
            ciw.dists.Exponential(1 / 0.015),
            ciw.dists.Exponential(20.0),
        ],
        routing=[[0.0, 1.0, 0.0], [0.0, 0.0, 0.1], [0.0, 0.0, 0.0]],
        number_of_servers=[4, 16, 8],
    )
    q = ciw.Simulation(net)
    q.simulate_until_max_customers(n, method="Finish")
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    for r in q.get_all_records():
        i = r.id_number
        if i not in first or r.arrival_date < first[i]:
            first[i] = r.arrival_date
        if r.exit_date > last.get(i, -1.0):
            last[i] = r.exit_date
    ids = sorted(first)
    soj = [last[i] - first[i] for i in ids]
    out: dict[str, Any] = _tail_stats(soj, len(soj))
    out["wall"] = time.process_time() - t
    return out


def worker(engine: str, n: int, seed: int) -> None:
    if engine == "simpy":
        out = run_simpy(n, seed)
    elif engine == "ciw":
        out = run_ciw(n, seed)
    elif engine == "ap-yaml":
        out = run_archproof_yaml(n, seed)
    else:
        backend = "numba" if "numba" in engine else "python"
        # auto: the numba fast path (event list), or plain Python's sweep
        path = {"general": "general", "event": "tandem"}.get(engine.rsplit("-", 1)[-1], "auto")
        out = run_archproof(n, seed, backend, path)
    out.update(engine=engine, n=n, rss_mb=_rss_mb())
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.seed)
        return
    rows = []
    for eng in args.engines.split(","):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                eng,
                "--n",
                str(args.n),
                "--seed",
                str(args.seed),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(f"{eng}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["rate"] = args.n / row["wall"]
        rows.append(row)
        print(f"  {eng}: {row['rate']:,.0f} customers/s", file=sys.stderr)
    by = {r["engine"]: r for r in rows}
    simpy_rate = by["simpy"]["rate"] if "simpy" in by else math.nan
    ciw_rate = by["ciw"]["rate"] if "ciw" in by else math.nan
    print(f"reference network, N = {args.n:,}, seed {args.seed}")
    hdr = (
        f"{'engine':<18} {'cpu s':>8} {'cust/s':>12} {'× SimPy':>8} {'× ciw':>7} "
        f"{'mean ms':>8} {'err %':>7} {'p99 ms':>8} {'RSS MB':>7}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        err = (r["mean"] / EXACT_MEAN - 1.0) * 100.0
        print(
            f"{r['engine']:<18} {r['wall']:>8.2f} {r['rate']:>12,.0f} "
            f"{r['rate'] / simpy_rate:>8.1f} {r['rate'] / ciw_rate:>7.1f} "
            f"{r['mean'] * 1e3:>8.3f} {err:>+7.2f} {r['p99'] * 1e3:>8.2f} {r['rss_mb']:>7.0f}"
        )
    print(f"exact: mean {EXACT_MEAN * 1e3:.3f} ms, p99 ≈ {EXACT_P99 * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
