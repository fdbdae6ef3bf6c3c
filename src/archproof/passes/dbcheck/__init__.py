"""dbcheck: schemas, indexes and query plans proven on a real database (issue 16).

The design's entities become tables (`ddl`), its access patterns queries (`queries`);
synthetic rows at a stated scale (`data`) are loaded into SQLite or PostgreSQL
(`engines`, `cluster` for a throwaway server), and each pattern's plan (`plans`) says
whether an index serves it, with rows examined, rows returned and p50/p95 latency.
A full scan at the design's scale is a finding located on the access pattern, with the
plan as evidence and the fixing index re-checked (`check`). Results are frozen
(`result`). Nothing dbcheck creates outlives the run (see `engines`).

Not in the pass registry: it needs a database (I/O the CLI owns) and seconds to minutes,
and callers that run every registered pass (report, the MCP tools) must not start one
unasked. `archproof dbcheck` runs it; `archproof report --dbcheck` runs it beside the
pipeline and adds its `DbcheckResult` to the report's results (the data section shows it).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from archproof.model import Design
from archproof.passes.dbcheck import cluster
from archproof.passes.dbcheck.check import DEFAULT_RUNS, FULL_SCAN_ROWS, Progress, run_engine
from archproof.passes.dbcheck.data import DEFAULT_MAX_ROWS, Scale, generate, plan_scale
from archproof.passes.dbcheck.ddl import DIALECTS, Dialect, render
from archproof.passes.dbcheck.engines import (
    DEFAULT_TIMEOUT_MS,
    Engine,
    PostgresEngine,
    SqliteEngine,
)
from archproof.passes.dbcheck.errors import DbcheckError
from archproof.passes.dbcheck.plans import Access, Plan
from archproof.passes.dbcheck.result import (
    KINDS,
    DbcheckResult,
    DbFinding,
    EngineRun,
    FindingKind,
    Fix,
    LoadedTable,
    PatternCheck,
)

__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_RUNS",
    "DEFAULT_TIMEOUT_MS",
    "DIALECTS",
    "FULL_SCAN_ROWS",
    "KINDS",
    "Access",
    "DbFinding",
    "DbcheckError",
    "DbcheckResult",
    "Dialect",
    "EngineRun",
    "FindingKind",
    "Fix",
    "LoadedTable",
    "PatternCheck",
    "Plan",
    "Progress",
    "Scale",
    "Settings",
    "dbcheck",
    "plan_scale",
    "render",
]

AUTO = "auto"


@dataclass(frozen=True)
class Settings:
    """What to check where: engines, scale, repetitions, timeout.

    `postgres`: None (no PostgreSQL), "auto" (a throwaway cluster) or a DSN.
    """

    sqlite: bool = True
    postgres: str | None = None
    max_rows: int = DEFAULT_MAX_ROWS
    factor: float | None = None
    runs: int = DEFAULT_RUNS
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    seed: int = 1


def _no_progress(what: str, done: int, total: int) -> None:
    return None


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C/SIGTERM off while a scratch space is made and handed to the exit stack.

    A signal between `mkdtemp` and the stack's registration would leave the directory behind
    (CI saw it once); held, it is delivered a few milliseconds later, once cleanup is owed.
    """
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def _engines(settings: Settings, stack: ExitStack) -> Iterator[list[Engine]]:
    out: list[Engine] = []
    if settings.sqlite:
        with _interrupts_held():
            out.append(stack.enter_context(SqliteEngine(timeout_ms=settings.timeout_ms)))
    if settings.postgres is not None:
        dsn = settings.postgres
        if dsn == AUTO:
            dsn = stack.enter_context(cluster.throwaway_cluster()).dsn
        out.append(stack.enter_context(PostgresEngine(dsn, timeout_ms=settings.timeout_ms)))
    yield out


def dbcheck(
    design: Design, settings: Settings, *, progress: Progress = _no_progress
) -> DbcheckResult:
    """Load the design's tables at scale into each engine and check every access pattern.

    Raises `DbcheckError` (one message) when an engine cannot be used; every scratch
    space (SQLite file, PostgreSQL schema, throwaway cluster) is gone when this returns
    or raises, Ctrl-C included.
    """
    scale = plan_scale(design, max_rows=settings.max_rows, factor=settings.factor)
    runs: list[EngineRun] = []
    # connect first: an unusable database is reported before seconds of row generation
    with ExitStack() as stack, _engines(settings, stack) as engines:
        progress("generating rows", 0, 1)
        tables = list(generate(design, scale, seed=settings.seed))
        for engine in engines:
            runs.append(
                run_engine(design, engine, tables, scale, runs=settings.runs,
                           seed=settings.seed, progress=progress)
            )  # fmt: skip
            engine.close()  # free its scratch space before the next engine loads
    return DbcheckResult(scale=scale, runs=tuple(runs), seed=settings.seed)
