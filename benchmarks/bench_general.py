"""The general event kernel (timeouts, retries, breakers, faults): this tree against an older
commit's kernel, and SimPy, on the same networks in the same run.

Workloads:

- ``ref-timeout``: the reference network (Poisson 800/s → A(4, exp 4 ms) → B(16, exp 15 ms)
  → 10 % C(8, exp 50 ms)) with a 100 ms timeout and one retry on B, fail-closed. SimPy runs
  the same model written by hand (the callee keeps its server after the caller gives up).
- ``<example>``: each example's first scenario, the first ``--example-s`` seconds.
- ``chat-drill``: the README's drill, ``examples/chat.yaml --fault 'db:slow=20@10s+30s'``,
  one 70 s replication (what ``archproof simulate`` runs three of).

Every network is compiled once by this tree and pickled; each engine runs in its own
subprocess, the old kernel with ``--old-src`` first on its path (``git archive REF src |
tar -x -C DIR``; the ``Network`` layout is unchanged since). CPU time
(``time.process_time``) of the run and its statistics; the numba compile is excluded (a
short warm-up run goes first); plain Python's compile of the kernel specialized for the
network is included, and shown on its own in the ``compile`` column. SimPy's CPU time is
its run and statistics, its imports (and numpy's) before the clock starts.

    git archive 597868f src | tar -x -C /tmp/old
    .venv/bin/python benchmarks/bench_general.py --old-src /tmp/old/src
    .venv/bin/python benchmarks/bench_general.py --workloads ref-timeout --engines new-numba,simpy
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAM = 800.0
TIMEOUT = 0.1
EXAMPLES = ("chat", "media_pipeline", "news_feed", "payments", "url_shortener")


def ref_timeout() -> Any:
    from archproof.passes.simulate.network import CallPolicy, NetworkBuilder, exponential, fixed

    b = NetworkBuilder()
    client = b.station("client")
    a, bb, c = b.station("A", 4), b.station("B", 16), b.station("C", 8)
    root = b.node(
        client,
        fixed(0.0),
        children=(
            b.node(a, exponential(0.004)),
            b.node(bb, exponential(0.015), call=CallPolicy(timeout_s=TIMEOUT, retries=1)),
            b.node(c, exponential(0.050), prob=0.1),
        ),
    )
    b.operation("req", LAM, root)
    return b.build()


def build_workloads(names: list[str], example_s: float) -> dict[str, dict[str, Any]]:
    """name → {network, n_requests | duration} (compiled by this tree)."""
    from archproof.frontends.yaml_loader import load_design
    from archproof.passes.simulate.compile import compile_design
    from archproof.passes.simulate.faults import parse_faults

    out: dict[str, dict[str, Any]] = {}
    for name in names:
        if name == "ref-timeout":
            out[name] = {"network": ref_timeout(), "n_requests": 0, "duration": 0.0}
        elif name == "chat-drill":
            d = load_design(ROOT / "examples" / "chat.yaml")
            net = compile_design(d, faults=parse_faults(("db:slow=20@10s+30s",), d)).network
            out[name] = {"network": net, "n_requests": 0, "duration": 70.0}
        else:
            d = load_design(ROOT / "examples" / f"{name}.yaml")
            sc = d.scenarios[0].id if d.scenarios else None
            net = compile_design(d, scenario=sc).network
            out[name] = {"network": net, "n_requests": 0, "duration": example_s, "scenario": sc}
    return out


def run_kernel_engine(w: dict[str, Any], backend: str, n: int, seed: int) -> dict[str, Any]:
    from archproof.passes.simulate.stats import simulate

    kw: dict[str, Any] = {"seed": seed, "backend": backend, "path": "general"}
    size = {"duration": w["duration"]} if w["duration"] > 0 else {"n_requests": n}
    if backend == "numba":  # compile (or load the cache) outside the timed region
        from archproof.passes.simulate import runner

        if hasattr(runner, "_heap_rows"):
            # trees from 4a9b078 to 78f521b have two layouts (packed at the first grow): a
            # tiny initial pool makes the warm-up grow, so both are compiled before the
            # timed run (later trees run one layout: the warm-up only grows)
            cap, runner._INITIAL_CAP = runner._INITIAL_CAP, 16
            simulate(w["network"], n_requests=500, **kw)
            runner._INITIAL_CAP = cap
        simulate(w["network"], n_requests=500, **kw)
    compile_s = [0.0]
    if backend == "python":  # the specialized kernel's compile: timed, and left in "cpu"
        from archproof.passes.simulate import runner as R

        make = getattr(R, "python_kernel", None)
        if make is not None:

            def timed(*a: Any) -> Any:
                t0 = time.process_time()
                k = make(*a)
                compile_s[0] += time.process_time() - t0
                return k

            R.python_kernel = timed
    t = time.process_time()
    res = simulate(w["network"], **size, **kw)
    cpu = time.process_time() - t
    ops = res.operations
    done = sum(o.completed for o in ops)
    first = ops[0]
    return {
        "cpu": cpu,
        "compile": compile_s[0],
        "events": res.events,
        "requests": done,
        "mean": first.mean_s.value,
        "p99": first.p99_s.value,
        "errors": sum(o.errors for o in ops),
    }


def run_simpy(n: int, seed: int) -> dict[str, Any]:
    """ref-timeout by hand: a B attempt is a process of its own; the caller waits for it
    or the timeout, whichever comes first, and retries once; after two timeouts the request
    fails. A timed-out attempt keeps its place in B's queue and its server."""
    import random

    import numpy as np
    import simpy

    t = time.process_time()
    rng = random.Random(seed)
    env = simpy.Environment()
    a, b, c = (simpy.Resource(env, capacity=k) for k in (4, 16, 8))
    soj: list[float] = []
    errors = 0
    events = 0

    def serve(res: Any, mean: float) -> Any:
        with res.request() as req:
            yield req
            yield env.timeout(rng.expovariate(1.0 / mean))

    def customer(i: int) -> Any:
        nonlocal errors
        t0 = env.now
        yield from serve(a, 0.004)
        for _attempt in range(2):
            call = env.process(serve(b, 0.015))
            tmo = env.timeout(TIMEOUT)
            got = yield call | tmo
            if call in got:
                break
        else:
            if i >= n // 10:
                errors += 1
            return
        if rng.random() < 0.1:
            yield from serve(c, 0.050)
        if i >= n // 10:
            soj.append(env.now - t0)

    def source() -> Any:
        for i in range(n):
            yield env.timeout(rng.expovariate(LAM))
            env.process(customer(i))

    env.process(source())
    env.run()
    s = np.asarray(soj)
    return {
        "cpu": time.process_time() - t,
        "compile": 0.0,
        "events": events,
        "requests": n,
        "mean": float(s.mean()),
        "p99": float(np.percentile(s, 99)),
        "errors": errors,
    }


def worker(args: argparse.Namespace) -> None:
    eng, wname = args.worker.split(":")
    if eng == "simpy":
        out = run_simpy(args.n, args.seed)
    else:
        with open(args.pickle, "rb") as f:
            w = pickle.load(f)[wname]
        out = run_kernel_engine(
            w, "numba" if eng.endswith("numba") else "python", args.n, args.seed
        )
    out.update(engine=eng, workload=wname)
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="requests of ref-timeout")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--example-s", type=float, default=20.0)
    ap.add_argument("--workloads", default="ref-timeout,chat-drill," + ",".join(EXAMPLES))
    ap.add_argument("--engines", default="new-numba,old-numba,new-python,old-python,simpy")
    ap.add_argument("--old-src", help="src/ directory of the older tree (git archive)")
    ap.add_argument("--python-workloads", default="ref-timeout", help="plain Python runs these")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--pickle", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return
    names = args.workloads.split(",")
    engines = [e for e in args.engines.split(",") if args.old_src or not e.startswith("old")]
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as f:
        pickle.dump(build_workloads(names, args.example_s), f)
        pkl = f.name
    rows: list[dict[str, Any]] = []
    try:
        for wname in names:
            for eng in engines:
                if eng == "simpy" and wname != "ref-timeout":
                    continue
                if eng.endswith("python") and wname not in args.python_workloads.split(","):
                    continue
                env = dict(os.environ)
                src = args.old_src if eng.startswith("old") else str(ROOT / "src")
                env["PYTHONPATH"] = src
                cmd = [sys.executable, __file__, "--worker", f"{eng}:{wname}", "--pickle", pkl]
                cmd += ["--n", str(args.n), "--seed", str(args.seed)]
                proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
                if proc.returncode != 0:
                    print(f"{eng} {wname}: failed\n{proc.stderr[-1500:]}", file=sys.stderr)
                    continue
                row = json.loads(proc.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(f"  {wname} {eng}: {row['cpu']:.2f} s", file=sys.stderr)
    finally:
        os.unlink(pkl)
    print(f"general kernel, seed {args.seed}, load average {os.getloadavg()[0]:.1f}")
    hdr = (
        f"{'workload':<15} {'engine':<11} {'cpu s':>7} {'compile':>7} {'events':>11} {'Mev/s':>6} "
        f"{'req/s':>10} {'× old':>6} {'× SimPy':>8} {'mean ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    print(hdr)
    print("-" * len(hdr))
    by = {(r["workload"], r["engine"]): r for r in rows}
    for r in rows:
        w, eng = r["workload"], r["engine"]
        old = by.get((w, eng.replace("new", "old")))
        simpy = by.get((w, "simpy"))
        rate = r["requests"] / r["cpu"]
        x_old = old["cpu"] / r["cpu"] if old and eng.startswith("new") else math.nan
        x_simpy = simpy["cpu"] / r["cpu"] if simpy else math.nan
        print(
            f"{w:<15} {eng:<11} {r['cpu']:>7.2f} {r.get('compile', 0.0):>7.2f} {r['events']:>11,} "
            f"{r['events'] / r['cpu'] / 1e6:>6.2f} {rate:>10,.0f} {x_old:>6.2f} {x_simpy:>8.1f} "
            f"{r['mean'] * 1e3:>8.3f} {r['p99'] * 1e3:>8.2f} {r['errors']:>7,}"
        )


if __name__ == "__main__":
    main()
