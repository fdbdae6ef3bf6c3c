"""A sweep: a grid of simulations over load factors, scenarios, seeds and design variants.

Each cell is one replication of one design variant at one load factor under one scenario
(``None``: the design as written, no faults) with one seed. Cells are independent and
carry their own seed, so a grid gives the same numbers on one process, a local pool or a
Dask cluster (:mod:`.parallel`). The same seeds are used at every load and scenario
(common random numbers), so differences between cells are the model's, not the noise's.

A sweep's time limit is one wall-clock deadline for the whole grid: a cell running at the
deadline stops (its figures would cover part of its run and read low) and a cell not yet
started is not run. Both come back marked ``time_limited`` and are left out of the rows.

``summarize_grid`` folds the seeds of each (variant, scenario, load) into one row per
operation: the mean over seeds of each percentile, and a 95 % interval across seeds
for the mean and the p99 when there are two or more seeds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from archproof.model import Design
from archproof.passes.simulate.design_run import simulate_design
from archproof.passes.simulate.parallel import run_dask, run_local
from archproof.passes.simulate.runner import Backend
from archproof.passes.simulate.stats import t975

SCHEMA = "archproof-sweep/1"
BASE = "base"  # the variant name of the design as written


@dataclass(frozen=True)
class Cell:
    """One simulation of the grid: a picklable task for a worker."""

    variant: str
    design: Design
    load: float
    scenario: str | None
    seed: int
    n_requests: int | None = None
    duration_s: float | None = None
    backend: Backend = "auto"
    max_events: int | None = None
    deadline: float | None = None  # time.time() at which the sweep's time limit ends


@dataclass(frozen=True, slots=True)
class CellOperation:
    """One operation's figures in one cell."""

    name: str
    throughput_per_s: float
    mean_s: float
    p50_s: float
    p95_s: float
    p99_s: float
    error_rate: float
    degraded_rate: float
    timeouts: int
    rejections: int


@dataclass(frozen=True, slots=True)
class CellResult:
    variant: str
    load: float
    scenario: str | None
    seed: int
    events: int
    kernel: str
    notes: tuple[str, ...]
    operations: tuple[CellOperation, ...]
    time_limited: bool = False  # stopped or not started at the sweep's time limit


def run_cell(cell: Cell) -> CellResult:
    """Simulate one cell (one replication); runs in a worker process."""
    time_limit_s = None
    if cell.deadline is not None:
        time_limit_s = cell.deadline - time.time()
        if time_limit_s <= 0:
            return CellResult(
                variant=cell.variant,
                load=cell.load,
                scenario=cell.scenario,
                seed=cell.seed,
                events=0,
                kernel="",
                notes=("not run: the sweep's time limit had passed",),
                operations=(),
                time_limited=True,
            )
    sim = simulate_design(
        cell.design,
        n_requests=cell.n_requests,
        duration_s=cell.duration_s,
        replications=1,
        seed=cell.seed,
        load=cell.load,
        scenario=cell.scenario,
        backend=cell.backend,
        max_events=cell.max_events,
        time_limit_s=time_limit_s,
    )
    run = sim.runs[0]
    ops = tuple(
        CellOperation(
            name=o.name,
            throughput_per_s=float(o.throughput_per_s),
            mean_s=float(o.mean_s.value),
            p50_s=float(o.p50_s),
            p95_s=float(o.p95_s),
            p99_s=float(o.p99_s.value),
            error_rate=float(o.error_rate),
            degraded_rate=float(o.degraded_rate),
            timeouts=int(o.timeouts),
            rejections=int(o.rejections),
        )
        for o in run.operations
    )
    return CellResult(
        variant=cell.variant,
        load=cell.load,
        scenario=cell.scenario,
        seed=cell.seed,
        events=run.events,
        kernel=run.kernel,
        notes=sim.notes,
        operations=ops,
        time_limited=run.time_limited,
    )


def grid_cells(
    variants: Sequence[tuple[str, Design]],
    *,
    loads: Sequence[float],
    scenarios: Sequence[str | None],
    seeds: Sequence[int],
    n_requests: int | None = None,
    duration_s: float | None = None,
    backend: Backend = "auto",
    max_events: int | None = None,
    deadline: float | None = None,
) -> list[Cell]:
    """The cells of the grid, variant-major, then scenario, load and seed."""
    return [
        Cell(
            v, d, float(load), sc, int(seed), n_requests, duration_s, backend, max_events, deadline
        )
        for v, d in variants
        for sc in scenarios
        for load in loads
        for seed in seeds
    ]


def run_grid(
    cells: Sequence[Cell],
    *,
    workers: int = 1,
    dask: str | None = None,
    on_done: Callable[[int, CellResult], None] | None = None,
    on_start: Callable[[], None] | None = None,
) -> list[CellResult]:
    """Run every cell, on local processes or the Dask scheduler at ``dask``; results in
    cell order. ``on_start()`` runs once the workers exist (see parallel.run_local)."""
    if dask:
        return run_dask(run_cell, cells, address=dask, on_done=on_done, on_start=on_start)
    return run_local(run_cell, cells, workers=workers, on_done=on_done, on_start=on_start)


@dataclass(frozen=True, slots=True)
class GridRow:
    """One operation at one (variant, scenario, load), over the seeds."""

    variant: str
    scenario: str | None
    load: float
    operation: str
    seeds: int
    throughput_per_s: float
    mean_s: float
    mean_ci_s: float  # half-width across seeds (nan with one seed)
    p50_s: float
    p95_s: float
    p99_s: float
    p99_ci_s: float
    error_rate: float


def _mean_ci(values: list[float]) -> tuple[float, float]:
    vals = [v for v in values if not math.isnan(v)]
    if not vals:
        return math.nan, math.nan
    m = float(np.mean(vals))
    if len(vals) < 2:
        return m, math.nan
    return m, t975(len(vals) - 1) * float(np.std(vals, ddof=1)) / math.sqrt(len(vals))


def summarize_grid(results: Sequence[CellResult]) -> list[GridRow]:
    """Fold the seeds of each (variant, scenario, load, operation) into one row, in the
    order the cells first appear. Cells stopped at the time limit are left out."""
    groups: dict[tuple[str, str | None, float, str], list[CellOperation]] = {}
    for r in results:
        if r.time_limited:
            continue
        for o in r.operations:
            groups.setdefault((r.variant, r.scenario, r.load, o.name), []).append(o)
    rows = []
    for (variant, scenario, load, name), ops in groups.items():
        mean, mean_ci = _mean_ci([o.mean_s for o in ops])
        p99, p99_ci = _mean_ci([o.p99_s for o in ops])
        rows.append(
            GridRow(
                variant=variant,
                scenario=scenario,
                load=load,
                operation=name,
                seeds=len(ops),
                throughput_per_s=float(np.mean([o.throughput_per_s for o in ops])),
                mean_s=mean,
                mean_ci_s=mean_ci,
                p50_s=_mean_ci([o.p50_s for o in ops])[0],
                p95_s=_mean_ci([o.p95_s for o in ops])[0],
                p99_s=p99,
                p99_ci_s=p99_ci,
                error_rate=float(np.mean([o.error_rate for o in ops])),
            )
        )
    return rows


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_clean(x) for x in v]
    return v


def grid_json(
    results: Sequence[CellResult], *, total_cells: int, meta: dict[str, Any]
) -> dict[str, Any]:
    """JSON of a (possibly interrupted) sweep: the rows, every finished cell, and how many
    of the grid's cells finished (those stopped or not started at the time limit are
    counted apart and left out of the rows). ``null`` stands for not measured."""
    return {
        "schema": SCHEMA,
        **_clean(meta),
        "cells_total": total_cells,
        "cells_done": sum(1 for r in results if not r.time_limited),
        "cells_time_limited": sum(1 for r in results if r.time_limited),
        "rows": [_clean(asdict(r)) for r in summarize_grid(results)],
        "cells": [_clean(asdict(r)) for r in results],
    }
