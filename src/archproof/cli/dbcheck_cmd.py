"""`archproof dbcheck` and `archproof ddl`: the schema, indexes and plans on a real database."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from archproof.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    emit,
    err,
    fail,
    force_option,
    load_or_exit,
    refuse_overwrite,
)

if TYPE_CHECKING:
    from archproof.model import Design
    from archproof.passes.dbcheck import DbcheckError, DbcheckResult, Settings

EXIT_INTERRUPTED = 130
# passes.dbcheck's DEFAULT_MAX_ROWS and DEFAULT_RUNS, spelled out so that --help does not
# import sqlglot; tests/test_startup.py checks they agree.
DEFAULT_MAX_ROWS = 1_000_000
DEFAULT_RUNS = 20


class Format(StrEnum):
    terminal = "terminal"
    json = "json"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class DialectChoice(StrEnum):
    postgres = "postgres"
    sqlite = "sqlite"
    mysql = "mysql"


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the scratch space is removed."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def print_error(exc: DbcheckError) -> None:
    """One clear message (located when an entity caused it) and the hint; no traceback."""
    err.print(f"error: {exc}", markup=False)
    if exc.hint:
        err.print(f"  hint: {exc.hint}", markup=False)


def timeout_ms(text: str) -> int:
    from archproof.units import UnitError, parse_duration

    try:
        seconds = parse_duration(text).seconds
    except (UnitError, ValueError) as exc:
        fail(f"--timeout: {exc}", "give a duration like 30s or 500ms")
    ms = int(seconds * 1000)
    if ms < 1:
        fail("--timeout must be at least 1ms")
    return ms


def settings_from(
    *, sqlite: bool, postgres: str | None, dsn: str | None, rows: int, scale: float | None,
    runs: int, timeout: str, seed: int,
) -> Settings:  # fmt: skip
    from archproof.passes.dbcheck import Settings

    if postgres is not None and postgres != "auto":
        fail(f"--postgres takes 'auto', not '{postgres}'", "pass a server as --dsn postgresql://…")
    if postgres is not None and dsn is not None:
        fail("give --postgres auto or --dsn, not both")
    target = dsn if dsn is not None else postgres
    if not sqlite and target is None:
        fail("--no-sqlite leaves no engine", "add --postgres auto or --dsn postgresql://…")
    return Settings(
        sqlite=sqlite, postgres=target, max_rows=rows, factor=scale, runs=runs,
        timeout_ms=timeout_ms(timeout), seed=seed,
    )  # fmt: skip


def dbcheck_cmd(
    file: Path = typer.Argument(..., help="Design file (YAML)."),
    postgres: str | None = typer.Option(
        None, "--postgres", help="'auto': also check on a throwaway PostgreSQL cluster."
    ),
    dsn: str | None = typer.Option(
        None, "--dsn", help="Also check on this PostgreSQL server (postgresql://user:pw@host/db)."
    ),
    sqlite: bool = typer.Option(True, "--sqlite/--no-sqlite", help="Check on SQLite (default)."),
    rows: int = typer.Option(
        DEFAULT_MAX_ROWS, "--rows", min=100, max=50_000_000, help="Rows of the largest table."
    ),
    scale: float | None = typer.Option(
        None, "--scale", min=1e-12, max=1.0, help="Scale factor (instead of --rows)."
    ),
    runs: int = typer.Option(DEFAULT_RUNS, "--runs", min=1, max=10_000, help="Timed runs."),
    timeout: str = typer.Option("30s", "--timeout", help="Statement timeout, e.g. 30s."),
    seed: int = typer.Option(1, "--seed", min=0, help="Seed of the synthetic data."),
    format: Format = typer.Option(Format.terminal, "--format", "-f", help="terminal or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    calibrate: Path | None = typer.Option(
        None, "--calibrate", help="Also write measured p50/p95 per access pattern (JSON)."
    ),
    force: bool = force_option(),
    fail_on: FailOn = typer.Option(
        FailOn.warning, "--fail-on", help="Exit 1 when a finding is at or above this severity."
    ),
) -> None:
    """Prove the schema and indexes on a real database: a plan per access pattern.

    Creates the design's tables in a scratch space (an SQLite file, or a PostgreSQL schema
    inside a transaction that is never committed), loads synthetic rows at a stated scale,
    and EXPLAINs and times each access pattern. A full scan at the design's scale is a
    finding on the access pattern, with the plan and the index that fixes it (re-checked).
    Nothing is left behind, Ctrl-C included.

    Exit status: 0 ok, 1 a finding reaches --fail-on, 2 bad input or an unusable database.

    Example: archproof dbcheck examples/url_shortener.yaml --postgres auto
    """
    refuse_overwrite(output, calibrate, force=force)
    from archproof.backends.dbcheck_text import render_json, render_text
    from archproof.passes.dbcheck import DbcheckError, dbcheck

    settings = settings_from(sqlite=sqlite, postgres=postgres, dsn=dsn, rows=rows, scale=scale,
                             runs=runs, timeout=timeout, seed=seed)  # fmt: skip
    design = load_or_exit(file)
    quiet = format is not Format.terminal or not sys.stderr.isatty()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    )
    task = progress.add_task("dbcheck", total=1)

    def on_progress(what: str, done: int, total: int) -> None:
        progress.update(task, description=what, completed=done, total=total)

    progress.start()
    try:
        with terminate_as_interrupt():
            result = dbcheck(design, settings, progress=on_progress)
    except DbcheckError as exc:
        progress.stop()
        print_error(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        progress.stop()
        err.print(
            "interrupted: dbcheck stopped; its scratch database was discarded "
            "(nothing was committed or left behind)",
            markup=False,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        progress.stop()
    if format is Format.json:
        text = render_json(result, design=design.meta.name, file=str(file))
    else:
        text = render_text(result, title=f"{file}: {design.meta.name}")
    emit(text, output)
    if calibrate is not None:
        emit(calibration(result), calibrate)
    if fails(result, fail_on):
        raise typer.Exit(EXIT_FINDINGS)


def dbcheck_for_report(design: Design, *, postgres: str | None, rows: int) -> DbcheckResult:
    """dbcheck for `report --dbcheck`: SQLite (and PostgreSQL if asked), errors exit 2."""
    from archproof.passes.dbcheck import DbcheckError, Settings, dbcheck

    if postgres is not None and not postgres.startswith("postgres") and postgres != "auto":
        fail(f"--dbcheck-postgres takes 'auto' or a DSN, not '{postgres}'")
    err.print("dbcheck: loading and checking on a scratch database ...", markup=False)
    try:
        with terminate_as_interrupt():
            return dbcheck(design, Settings(postgres=postgres, max_rows=rows))
    except DbcheckError as exc:
        print_error(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        err.print("interrupted: dbcheck's scratch database was discarded", markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None


def calibration(result: DbcheckResult) -> str:
    """Measured latency per engine and access pattern (not read by capacity yet)."""
    body = {
        run.engine: {
            f"{c.entity}.{c.pattern}": {
                "p50_ms": round(c.p50_ms, 4),
                "p95_ms": round(c.p95_ms, 4),
                "plan": c.plan.summary,
                "rows_loaded": c.table_rows,
            }
            for c in run.checks
        }
        for run in result.runs
    }
    return json.dumps({"scale": result.scale.factor, "measured": body}, indent=2)


def fails(result: DbcheckResult, fail_on: FailOn) -> bool:
    from archproof.passes.review.finding import Severity

    if fail_on is FailOn.never:
        return False
    threshold = Severity(fail_on.value).rank
    return any(f.severity.rank >= threshold for f in result.findings)


def ddl_cmd(
    file: Path = typer.Argument(..., help="Design file (YAML)."),
    dialect: DialectChoice = typer.Option(
        DialectChoice.postgres, "--dialect", "-d", help="postgres, sqlite or mysql."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    force: bool = force_option(),
) -> None:
    """The design's tables, keys, constraints and indexes as DDL (via sqlglot).

    Example: archproof ddl examples/payments.yaml --dialect mysql
    """
    refuse_overwrite(output, force=force)
    from archproof.passes.dbcheck import render

    design = load_or_exit(file)
    emit(render(design, dialect.value), output)


def register(app: typer.Typer) -> None:
    app.command("dbcheck")(dbcheck_cmd)
    app.command("ddl")(ddl_cmd)
