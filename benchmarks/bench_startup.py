"""Start-up cost of the command line (issue 13): CPU and wall seconds per command, min/median.

Each command runs as a fresh process (`.venv/bin/archproof ...`, as a user types it) `--runs`
times; the CPU time is the child's user + system time (`resource.RUSAGE_CHILDREN`), which a
loaded machine inflates less than wall time. Import-time detail: `python -X importtime -c
"import archproof.cli.app"`.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("--version",),
    ("check", "examples/payments.yaml"),
    ("check", "--help"),
    ("review", "examples/payments.yaml"),
    ("analyze", "examples/payments.yaml"),
    # the front door (PRODUCT.md): draft, analyse, summarise; issue 13 asks < 2 s wall
    ("design", "URL shortener. 100M new links/month, 10B redirects/month. p99 redirect < 50ms."),
)


def _executable() -> list[str]:
    script = Path(sys.executable).parent / "archproof"
    if script.exists():
        return [str(script)]
    found = shutil.which("archproof")
    return [found] if found else [sys.executable, "-m", "archproof.cli"]


def measure(argv: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of `argv`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = _executable()
    scratch = tempfile.mkdtemp(prefix="archproof-bench-")
    print(f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {args.runs} runs each")
    print(f"{'command':40} {'cpu min':>8} {'cpu med':>8} {'wall min':>9} {'wall med':>9}")
    measure([sys.executable, "-c", "pass"])  # warm the page cache and .pyc files
    for command in (("python -c 'import archproof'",), *COMMANDS):
        if command[0].startswith("python"):
            argv = [sys.executable, "-c", "import archproof"]
        elif command[0] == "design":  # writes design.yaml: into a scratch directory
            argv = [*exe, *command, "--force", "-o", str(Path(scratch) / "design.yaml")]
        else:
            argv = [*exe, *command]
        measure(argv)
        runs = [measure(argv) for _ in range(args.runs)]
        cpu = [c for c, _ in runs]
        wall = [w for _, w in runs]
        label = (
            " ".join(command)
            if command[0].startswith("python")
            else "archproof " + " ".join(command)
        )
        label = label if len(label) <= 40 else label[:39] + "…"
        print(
            f"{label:40} {min(cpu):8.2f} {statistics.median(cpu):8.2f} "
            f"{min(wall):9.2f} {statistics.median(wall):9.2f}"
        )
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
