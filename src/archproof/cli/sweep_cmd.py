"""`archproof sweep`: a grid of simulations (load × scenario × seed × design variant),
on local processes or a Dask cluster."""

from __future__ import annotations

import io
import json
import math
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from archproof.cli.analyze_cmd import parse_load
from archproof.cli.common import (
    emit,
    err,
    fail,
    force_option,
    load_or_exit,
    parse_time_limit,
    print_diagnostics,
    refuse_overwrite,
)
from archproof.numbers import sig

if TYPE_CHECKING:
    from archproof.model import Design
    from archproof.passes.simulate.grid import CellResult

MAX_CELLS = 10_000
BASELINE = "baseline"  # the scenario name for "no faults"


class Format(StrEnum):
    terminal = "terminal"
    json = "json"


def apply_overrides(text: str, overrides: list[str]) -> str:
    """Set dotted paths in a design's YAML text: ``components.db.read_replicas=2``. A list
    step is an index or the ``id`` of an item. Values are parsed as YAML scalars (``2``,
    ``5ms``, ``true``). Raises ValueError naming the path that does not exist."""
    from ruamel.yaml import YAML

    yaml = YAML()
    doc = yaml.load(text)
    for item in overrides:
        path, sep, raw = item.partition("=")
        if not sep or not path.strip():
            raise ValueError(f"'{item}': give PATH=VALUE, e.g. components.db.read_replicas=2")
        value = YAML(typ="safe").load(raw) if raw.strip() else None
        parts = path.strip().split(".")
        node: Any = doc
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, dict):
                if last:
                    node[part] = value
                elif part in node:
                    node = node[part]
                else:
                    raise ValueError(f"'{path}': no '{part}' in {'.'.join(parts[:i]) or 'design'}")
            elif isinstance(node, list):
                idx = int(part) if part.isdigit() else None
                if idx is None:
                    match = [
                        k for k, x in enumerate(node) if isinstance(x, dict) and x.get("id") == part
                    ]
                    idx = match[0] if match else None
                if idx is None or idx >= len(node):
                    raise ValueError(f"'{path}': no item '{part}' in {'.'.join(parts[:i])}")
                if last:
                    node[idx] = value
                else:
                    node = node[idx]
            else:
                raise ValueError(f"'{path}': '{'.'.join(parts[:i])}' is a value, not a section")
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


def _variants(file: Path, design: Design, specs: list[str]) -> list[tuple[str, Design]]:
    from archproof.errors import DesignError
    from archproof.frontends.yaml_loader import load_text
    from archproof.passes.simulate.grid import BASE

    """``NAME:PATH=VALUE`` specs (repeat a NAME for several overrides) → named designs."""
    grouped: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, rest = spec.partition(":")
        if not sep or not name.strip() or name.strip() == BASE:
            fail(
                f"--variant '{spec}': give NAME:PATH=VALUE (NAME not '{BASE}')",
                "e.g. --variant 'replicas2:components.db.read_replicas=2'",
            )
        grouped.setdefault(name.strip(), []).append(rest)
    text = file.read_text("utf-8")
    out = [(BASE, design)]
    for name, overrides in grouped.items():
        try:
            out.append((name, load_text(apply_overrides(text, overrides), f"{file} [{name}]")))
        except ValueError as exc:
            fail(f"--variant {name}: {exc}")
        except DesignError as exc:
            print_diagnostics(exc.diagnostics)
            fail(f"--variant {name}: the overridden design does not load")
    return out


def _ms(v: float) -> str:
    return "—" if v is None or math.isnan(v) else f"{v * 1e3:.1f}"


def render_table(results: list[CellResult], *, title: str, color: bool) -> str:
    """The sweep's rows as a terminal table: one line per variant × scenario × load × op."""
    from archproof.passes.simulate.grid import summarize_grid

    table = Table(title=title, title_justify="left")
    for col in ("variant", "scenario", "load", "operation", "seeds"):
        table.add_column(col)
    for col in ("req/s", "mean ms", "p50 ms", "p95 ms", "p99 ms", "errors"):
        table.add_column(col, justify="right")
    for r in summarize_grid(results):
        p99 = _ms(r.p99_s) + ("" if math.isnan(r.p99_ci_s) else f" ± {_ms(r.p99_ci_s)}")
        mean = _ms(r.mean_s) + ("" if math.isnan(r.mean_ci_s) else f" ± {_ms(r.mean_ci_s)}")
        table.add_row(
            r.variant,
            r.scenario or BASELINE,
            f"{sig(r.load, 6)}x",
            r.operation,
            str(r.seeds),
            f"{r.throughput_per_s:,.0f}",
            mean,
            _ms(r.p50_s),
            _ms(r.p95_s),
            p99,
            f"{r.error_rate:.1%}",
        )
    buf = io.StringIO()
    Console(file=buf, force_terminal=color, width=160, no_color=not color, emoji=False).print(table)
    return buf.getvalue()


def sweep(
    file: Path = typer.Argument(..., help="Design file (YAML)."),
    load: str = typer.Option("0.5x,1x,1.5x,2x", "--load", help="Load factors, e.g. 0.5x,1x,2x."),
    scenario: list[str] = typer.Option(
        [],
        "--scenario",
        help=f"Scenarios from the design's `scenarios:`; '{BASELINE}' is the design without "
        "faults; 'all' is every scenario and the baseline. Repeatable. Default: baseline.",
    ),
    seeds: int = typer.Option(1, "--seeds", min=1, max=100, help="Seeds per cell (1, 2, …)."),
    seed: int = typer.Option(1, "--seed", min=0, help="The first seed."),
    variant: list[str] = typer.Option(
        [],
        "--variant",
        help="A design variant NAME:PATH=VALUE, e.g. 'replicas2:components.db.read_replicas=2'. "
        "Repeat a NAME to set several paths. The design as written is 'base'.",
    ),
    requests: int | None = typer.Option(
        None, "--requests", "-n", min=1, max=100_000_000, help="Requests per cell."
    ),
    duration: float | None = typer.Option(
        None, "--duration", "-d", min=0.001, help="Simulated seconds per cell instead."
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-j", min=1, help="Local processes (default: one per core)."
    ),
    dask: str | None = typer.Option(
        None,
        "--dask",
        help="Run on an existing Dask cluster, e.g. tcp://host:8786 (needs archproof[dask] "
        "here and archproof on its workers).",
    ),
    time_limit: str = typer.Option(
        "0",
        "--time-limit",
        help="Stop the sweep after this much wall time, e.g. 30m: cells running then stop "
        "and cells not started are not run; both are left out of the table, which says how "
        "many. On Dask each worker reads its own clock. 0 (the default) for no limit.",
    ),
    format: Format = typer.Option(Format.terminal, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    force: bool = force_option(),
) -> None:
    """Simulate a grid: every design variant × scenario × load factor × seed is one
    replication, run in parallel on local processes or a Dask cluster. Prints, per
    operation, the mean and p50/p95/p99 latency over the seeds (± the 95 % interval across
    seeds with --seeds 2 or more), throughput and error rate. Ctrl-C stops within a second
    and prints the cells that finished.

    Example: archproof sweep examples/chat.yaml --load 0.5x,1x,1.5x,2x --scenario all -n 50000
    """
    refuse_overwrite(output, force=force)
    from archproof.passes.simulate.grid import grid_cells, grid_json, run_grid
    from archproof.passes.simulate.parallel import MissingExtraError, default_workers

    if requests is not None and duration is not None:
        fail("give --requests or --duration, not both")
    limit_s = parse_time_limit(time_limit)
    try:
        loads = parse_load(load)
    except ValueError as exc:
        fail(f"--load: {exc}", "give factors like 0.5x,1x,2x")
    design = load_or_exit(file)
    known = [s.id for s in design.scenarios]
    names = scenario or [BASELINE]
    if "all" in names:
        names = [BASELINE, *known]
    for n in names:
        if n != BASELINE and n not in known:
            fail(f"unknown scenario '{n}'", f"known: {', '.join([BASELINE, *known])}")
    scenarios = list(dict.fromkeys(None if n == BASELINE else n for n in names))
    variants = _variants(file, design, variant)
    cells = grid_cells(
        variants,
        loads=loads,
        scenarios=scenarios,
        seeds=[seed + i for i in range(seeds)],
        n_requests=requests,
        duration_s=duration,
        # counted from here: loading and checking the design are not the sweep's work
        deadline=None if limit_s is None else time.time() + limit_s,
    )
    if len(cells) > MAX_CELLS:
        fail(f"{len(cells):,} cells is over the limit of {MAX_CELLS:,}")
    n_workers = workers or default_workers(len(cells))
    where = f"Dask at {dask}" if dask else f"{min(n_workers, len(cells))} local process(es)"
    err.print(f"sweep: {len(cells)} cells on {where}", markup=False)

    done: dict[int, CellResult] = {}
    quiet = format is not Format.terminal or not sys.stderr.isatty()
    progress = Progress(
        TextColumn("sweeping"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cells"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    )
    task = progress.add_task("sweep", total=len(cells))

    def on_done(i: int, r: CellResult) -> None:
        done[i] = r
        progress.update(task, completed=len(done))

    interrupted = False
    try:
        # started once the workers exist: its refresh thread would make them spawn (import
        # archproof and numba, load the kernel) instead of fork (parallel.start_method)
        run_grid(cells, workers=n_workers, dask=dask, on_done=on_done, on_start=progress.start)
    except KeyboardInterrupt:
        interrupted = True
    except MissingExtraError as exc:
        progress.stop()
        fail(str(exc))
    finally:
        progress.stop()
    results = [done[i] for i in sorted(done)]
    if interrupted:
        err.print(f"interrupted: {len(results)} of {len(cells)} cells finished", markup=False)
    limited = sum(1 for r in results if r.time_limited)
    if limited:
        err.print(
            f"note: stopped at the time limit ({time_limit}): {len(results) - limited} of "
            f"{len(cells)} cells finished; {limited} stopped or not started are left out of "
            "the table (raise --time-limit to run them)",
            markup=False,
        )
    meta = {
        "design": design.meta.name,
        "file": str(file),
        "loads": list(loads),
        "scenarios": [s or BASELINE for s in scenarios],
        "seeds": [seed + i for i in range(seeds)],
        "variants": [v for v, _ in variants],
        "requests": requests,
        "duration_s": duration,
        "interrupted": interrupted,
        "time_limit_s": limit_s,
    }
    if format is Format.json:
        text = json.dumps(
            grid_json(results, total_cells=len(cells), meta=meta), indent=2, ensure_ascii=False
        )
    else:
        color = output is None and sys.stdout.isatty()
        text = render_table(results, title=f"{file}: {design.meta.name} — sweep", color=color)
    emit(text, output)
    if interrupted:
        raise typer.Exit(130)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
