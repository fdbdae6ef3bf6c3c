"""`archproof simulate`: the discrete-event simulation, beside the analytic figures."""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from archproof.cli.analyze_cmd import parse_load
from archproof.cli.common import (
    emit,
    err,
    fail,
    force_option,
    load_or_exit,
    out,
    parse_time_limit,
    refuse_overwrite,
)

if TYPE_CHECKING:
    from archproof.passes.simulate.design_run import Progress as SimProgress
    from archproof.passes.simulate.runner import Estimate

EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by SIGINT
# loading the compiled kernel from numba's cache (numba's import included), and a spawned
# worker process importing numpy, numba and the kernel before it simulates: 1.5 s each
# quiet, ~4.5 s at load average 10 on the 2-core dev VM. A forked worker has them already
# (parallel.start_method). On the README drill three forked workers took 2.8 s more user
# CPU than the same three replications run in this process (26.9 s against 24.1 s), fork,
# first page touches and three processes sharing two cores' caches together: ≈ 0.5 s of
# wall time on two cores.
_KERNEL_LOAD_S = 1.5
_WORKER_START_S = {"spawn": 1.5, "fork": 0.5}
MAX_REQUESTS = 100_000_000
# 30 days of simulated time: past any drill or diurnal study, and it keeps the figures a run
# prints (times, event counts) in plain numbers
MAX_DURATION_S = 30 * 86_400
MAX_REPLICATIONS = 50
# Spelled out rather than built from passes.simulate.faults.GRAMMAR/EXAMPLES: importing the
# simulator (numpy, numba) to print --help would cost a second. tests/test_startup.py checks
# that this text still carries the grammar and every example of faults.py.
_FAULT_HELP = (
    "Inject a fault: COMPONENT:KIND[=VALUE][@START[+LENGTH]]; kinds down, slow=FACTOR, "
    "lose_replicas=K, error_rate=P; times are durations. Repeatable. E.g. "
    "db:slow=20@10s+30s, psp:error_rate=0.2, api:lose_replicas=1@5s, db:down@10s+1m."
)


class Format(StrEnum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"


class BackendChoice(StrEnum):
    auto = "auto"
    numba = "numba"
    python = "python"


def _bytes(n: float) -> str:
    for div, unit in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n:.0f} B"


def _secs(s: float) -> str:
    return f"{s:.0f} s" if s >= 10 else f"{s:.1f} s"


def _cpu_share(workers: int) -> tuple[float, float, int]:
    """(share of a core each of our processes gets, 1-minute load average, cores): the
    machine's other runnable processes (the load average) and ours share its cores."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # not every platform has one
        return 1.0, 0.0, cores
    return min(1.0, cores / max(1.0, load + workers)), load, cores


def _wall_estimate(est: Estimate, python: bool, share: float = 1.0) -> float:
    """Wall seconds: the kernel loaded, then each process runs its share of the
    replications one after another, at its `share` of a core (a first compile after
    install is not counted)."""
    per = est.seconds_python if python else est.seconds_numba
    rounds = -(-est.replications // max(1, est.workers))
    start = 0.0 if python else _KERNEL_LOAD_S
    # the simulator is loaded by now (on_start): its import costs nothing here
    from archproof.passes.simulate.parallel import start_method

    workers = _WORKER_START_S[start_method()] if est.workers > 1 else 0.0
    return (start + per * rounds + workers) / share


def simulate(
    file: Path = typer.Argument(..., help="Design file (YAML)."),
    requests: int | None = typer.Option(
        None, "--requests", "-n", min=1, help="Simulate this many external requests (then drain)."
    ),
    duration: str | None = typer.Option(
        None,
        "--duration",
        "-d",
        help="Simulate this much time instead, e.g. 60s or 10m (at most 30d).",
    ),
    load: str = typer.Option("1x", "--load", help="Load multiplier on the design peak, e.g. 2x."),
    fault: list[str] = typer.Option(
        [],
        "--fault",
        help=_FAULT_HELP,
    ),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Run a scenario from the design's `scenarios:` (faults, load)."
    ),
    seed: int = typer.Option(1, "--seed", min=0, help="Random seed: same seed, same output."),
    replications: int = typer.Option(
        3, "--replications", "-r", min=1, max=MAX_REPLICATIONS, help="Independent replications."
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        "-j",
        min=1,
        help="Local processes running replications (default, for runs estimated over a "
        "few seconds: one per core, or one per replication when that fills the cores "
        "evenly, e.g. 3 on 2 cores). The output is the same for any number.",
    ),
    backend: BackendChoice = typer.Option(
        BackendChoice.auto,
        "--backend",
        help="numba (compiled), python, or auto (numba if installed). Plain Python runs "
        "feed-forward models without call policies as a station sweep: same model, "
        "different random draws than numba for one seed.",
    ),
    time_limit: str = typer.Option(
        "10m",
        "--time-limit",
        help="Stop the run after this much wall time (the one-time compile not counted), "
        "e.g. 30s or 5m, keeping what finished: a note says how far it got. 0 for no limit.",
    ),
    format: Format = typer.Option(Format.terminal, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    force: bool = force_option(),
) -> None:
    """Simulate a design's load (and faults): latency percentiles with 95% confidence
    intervals, errors, timeouts, rejections, utilization and queues per component, each
    beside the capacity pass's analytic figure.

    Runs are bounded: a run predicted to exceed the event budget is shortened, and one
    still running at --time-limit (10 minutes unless given) stops there; a note says so.
    Without --requests or --duration a run lasts 60 s of simulated time (or until 30 s
    after the last fault ends).

    Fault SPEC: COMPONENT:KIND[=VALUE][@START[+LENGTH]], e.g.

    * `db:slow=20@10s+30s` — db 20× slower from 10 s for 30 s
    * `psp:error_rate=0.2` — psp fails 20% of calls for the whole run
    * `api:lose_replicas=1@5s` — api loses one replica at 5 s
    * `cache:down@30s+2m` — cache down from 30 s for two minutes, every instance

    A component with a hot `standby:` that loses an active instance (`lose_replicas`) is
    back once its failover time has passed (the component's `failover:`, else the
    catalog's: PostgreSQL 60 s); `down` takes its standbys too.

    Example: archproof simulate examples/url_shortener.yaml --requests 200000 --load 2x
    """
    refuse_overwrite(output, force=force)
    from archproof.backends.simulate_text import render_markdown, render_terminal
    from archproof.errors import InternalError
    from archproof.passes.base import Options
    from archproof.passes.simulate.faults import EXAMPLES, GRAMMAR, FaultSpecError, parse_faults
    from archproof.passes.simulate.pass_ import SimulateResult
    from archproof.pipeline import run
    from archproof.units import UnitError, parse_duration

    if requests is not None and duration is not None:
        fail("give --requests or --duration, not both")
    if requests is not None and requests > MAX_REQUESTS:
        fail(f"--requests {requests:,} is over the limit of {MAX_REQUESTS:,}")
    duration_s: float | None = None
    if duration is not None:
        try:
            duration_s = float(parse_duration(duration).seconds)
        except (UnitError, ValueError) as exc:
            fail(f"--duration: {exc}", "give a duration like 60s, 10m or 1h")
        if not duration_s or duration_s <= 0:
            fail("--duration must be > 0")
        if duration_s > MAX_DURATION_S:
            fail(f"--duration {duration} is over the limit of 30d", "simulate less time")
    limit_s = parse_time_limit(time_limit) or 0.0  # 0.0: no limit
    try:
        factors = parse_load(load)
    except ValueError as exc:
        fail(f"--load: {exc}", "give one factor like 2x")
    if len(factors) != 1:
        fail("--load takes one factor here, e.g. 2x")
    design = load_or_exit(file)
    try:
        parse_faults(tuple(fault), design)
    except FaultSpecError as exc:
        fail(str(exc), f"the grammar is {GRAMMAR}, e.g. {EXAMPLES[0]}")
    if scenario is not None and scenario not in {s.id for s in design.scenarios}:
        known = ", ".join(s.id for s in design.scenarios) or "none in this design"
        fail(f"unknown scenario '{scenario}'", f"known scenarios: {known}")

    quiet = format is not Format.terminal or not sys.stderr.isatty()
    progress = Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.fields[where]}"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[left]}"),
        console=err,
        transient=True,
        disable=quiet,
        # no refresh thread: on_progress redraws (several times a second), and a process
        # running no other thread can fork its workers, which then start with its imports
        # and loaded kernel (parallel.start_method)
        auto_refresh=False,
    )
    task = progress.add_task("simulate", total=None, where="", left="")
    python = backend is BackendChoice.python
    estimated: list[float] = []  # the estimate, and when it was printed
    compiled: list[float] = []

    def on_start(est: Estimate, notes: tuple[str, ...]) -> None:
        share, load_avg, cores = _cpu_share(est.workers)
        wall = _wall_estimate(est, python, share)
        estimated.extend((wall, time.perf_counter()))
        procs = f" on {est.workers} processes" if est.workers > 1 else ""
        if share < 1.0:  # a busy machine: say why the estimate is longer than the work
            procs += f" (load average {load_avg:.1f} on {cores} cores)"
        err.print(
            f"estimate: {est.requests:,.0f} requests × {est.replications} replication(s), "
            # the buffers a run starts with, not the process: they grow with the calls in
            # flight (a fault drill's pile-up takes hundreds of MB), so say which it is
            f"≈{est.events * est.replications:,.0f} events, "
            f"≈{_bytes(est.memory_bytes)} of buffers to start, "
            f"≈{_secs(wall)}{procs}",
            markup=False,
        )
        for note in notes:
            err.print(f"note: {note}", markup=False)
        if limit_s and wall > limit_s:
            err.print(
                f"note: the estimate is over the time limit ({_secs(limit_s)}): the run "
                "will stop there with partial results (raise --time-limit to finish it)",
                markup=False,
            )
        progress.start()

    def on_progress(p: SimProgress) -> None:
        # the first seconds' pace replaces the up-front estimate (measured event rate)
        left = p.remaining_s if p.elapsed_s >= 1.0 else None
        progress.update(
            task,
            completed=p.simulated_s,
            total=p.total_s,
            where=f"{p.simulated_s:,.0f}/{p.total_s:,.0f} simulated s, "
            f"{p.replications_done}/{p.replications} replications",
            left="draining the backlog after the last arrival"
            if p.draining
            else ("" if left is None else f"≈{_secs(left)} left"),
            refresh=True,
        )

    def on_compile() -> None:
        compiled.append(1.0)
        err.print(
            "compiling the simulation kernel: about 30 s of CPU, once after install or "
            "upgrade (cached for later runs) …",
            markup=False,
        )

    options = Options(
        sim_requests=requests,
        sim_duration=duration_s,
        sim_load=factors[0],
        sim_seed=seed,
        sim_replications=replications,
        sim_faults=tuple(fault),
        sim_scenario=scenario,
        sim_backend=backend.value,
        sim_time_limit=limit_s or None,
        extra={
            "sim_progress": on_progress,
            "sim_on_start": on_start,
            "sim_on_compile": on_compile,
            "sim_workers": workers if workers is not None else 0,  # 0: auto
        },
    )
    try:
        report = run(design, passes=("simulate",), options=options, source_file=str(file))
    except InternalError as exc:
        progress.stop()
        cause = str(exc)
        if "ValueError" in cause:  # e.g. nothing to simulate: a usage problem, not a bug
            fail(cause.split("ValueError: ", 1)[-1])
        raise
    except KeyboardInterrupt as exc:  # before any replication finished: nothing to show
        progress.stop()
        err.print(str(exc) or "interrupted", markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        progress.stop()
        # numba leaves ~130k objects to track; the collection at interpreter exit scanned
        # them for 0.9 s (measured), most of the time from Ctrl-C to exit. Frozen, they
        # are left to the OS.
        gc.freeze()
    result = report.get(SimulateResult)
    assert result is not None
    sim = result.simulation
    if sim.interrupted is not None:
        err.print(
            f"interrupted after {sim.interrupted.summary()}: partial results follow",
            markup=False,
        )
    elif estimated and not quiet:
        took = time.perf_counter() - estimated[1]
        also = " with the one-time compile" if compiled else ""
        err.print(f"took {_secs(took)}{also} (estimate {_secs(estimated[0])})", markup=False)
    title = f"{file}: {design.meta.name}"
    if format is Format.json:
        text = json.dumps(
            {"design": design.meta.name, "file": str(file), **result.to_json()},
            indent=2,
            ensure_ascii=False,
        )
    elif format is Format.markdown:
        text = render_markdown(result, title=title)
    else:
        color = output is None and sys.stdout.isatty()
        # The terminal's width (COLUMNS, else 80 when not a terminal); 100 in a file.
        width = out.width if output is None else 100
        text = render_terminal(result, title=title, color=color, width=width)
    emit(text, output)
    if sim.interrupted is not None:
        raise typer.Exit(EXIT_INTERRUPTED)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
