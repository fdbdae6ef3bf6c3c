"""dbcheck at its default cap: a 1M-row table loaded into PostgreSQL and checked.

Starts a throwaway cluster (`--postgres auto`'s code), runs dbcheck on one design with
the largest table at `--rows` (default 1,000,000, the default cap) and prints wall-clock
seconds per phase: cluster start, row generation, load (COPY), indexing (primary key +
the design's indexes + ANALYZE), checks (EXPLAIN ANALYZE + timed runs per access pattern).
The issue's bar: load + check of a 1M-row table under 60 s on this machine.

    .venv/bin/python benchmarks/bench_dbcheck.py                          # url_shortener
    .venv/bin/python benchmarks/bench_dbcheck.py examples/payments.yaml --rows 1000000

Wall time, not CPU time: most of the work happens in the PostgreSQL server process. The VM
is shared, so the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from archproof.frontends.yaml_loader import load_design
from archproof.passes.dbcheck import Settings, dbcheck

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("design", nargs="?", default=str(ROOT / "examples/url_shortener.yaml"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    design = load_design(Path(args.design))
    phases: dict[str, float] = {}
    state = {"phase": "connecting (cluster start)", "since": time.perf_counter()}

    def progress(what: str, done: int, total: int) -> None:
        phase = what.split(":")[-1].strip()
        if phase.startswith("loading"):
            phase = "load (COPY)"
        elif phase.startswith("indexing"):
            phase = "indexing + ANALYZE"
        elif what.startswith("postgres: ") and "." in phase:
            phase = "checks (EXPLAIN ANALYZE + timed runs)"
        if phase != state["phase"]:
            now = time.perf_counter()
            key = str(state["phase"])
            phases[key] = phases.get(key, 0.0) + now - float(state["since"])
            state.update(phase=phase, since=now)

    start = time.perf_counter()
    result = dbcheck(
        design,
        Settings(sqlite=False, postgres="auto", max_rows=args.rows, runs=args.runs,
                 timeout_ms=600_000),
        progress=progress,
    )  # fmt: skip
    end = time.perf_counter()
    key = str(state["phase"])
    phases[key] = phases.get(key, 0.0) + end - float(state["since"])
    (run,) = result.runs
    print(f"design: {args.design}  ({run.version})")
    print(f"scale factor {result.scale.factor:.3g}; tables: " + ", ".join(
        f"{t.entity} {t.rows:,} rows" for t in run.tables))  # fmt: skip
    for name, seconds in phases.items():
        print(f"  {name:<40} {seconds:7.2f} s")
    print(f"  {'total (wall)':<40} {end - start:7.2f} s")
    print(f"  {'load + check (excl. cluster start, rows)':<40} {run.load_s + run.check_s:7.2f} s")
    for c in run.checks:
        rows = f"examined {c.plan.rows_examined}, returned {c.plan.rows_returned}"
        timing = f"p50 {c.p50_ms:.2f} ms, p95 {c.p95_ms:.2f} ms"
        print(f"  {c.entity}.{c.pattern}: {c.plan.summary}; {rows}; {timing}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
