"""What every command shares: loading designs with located errors, exit codes, atomic writes."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from archproof.errors import Diagnostic
    from archproof.model import Design

# Command modules import only this module, typer and the standard library at the top: the
# loader, the model (pydantic) and the passes are imported inside the functions that use them,
# so `archproof --help` and the command registry stay cheap (tests/test_startup.py).

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

# emoji=False: Rich would turn `design.yaml:100:16` into `design.yaml💯16` and a name
# like `:smile:` into an emoji; locations and design text print as written.
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


# Characters that would act on the terminal instead of showing (C0 but tab and newline, DEL,
# C1, bidi overrides): error messages and source lines quote the user's file, so they are
# shown as visible escapes.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` with control characters shown as escapes (`\\x1b`), never sent raw."""
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


def inert(text: str) -> str:
    """Design text for a Rich markup string: control characters shown, markup escaped."""
    return escape(visible(text))


def print_diagnostics(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> None:
    """Print located errors (capped), each with its source line and hint, to stderr."""
    from archproof.errors import MAX_REPORTED_ERRORS
    from archproof.frontends.yaml_loader import format_diagnostic

    sources: dict[str, str | None] = {}
    shown = diagnostics[:MAX_REPORTED_ERRORS]
    for d in shown:
        source = None
        if d.span is not None:
            if d.span.file not in sources:
                sources[d.span.file] = _read_source(d.span.file)
            source = sources[d.span.file]
        err.print(visible(format_diagnostic(d, source)), markup=False)
    if len(diagnostics) > len(shown):
        err.print(f"... and {len(diagnostics) - len(shown)} more", markup=False)
    count = len(diagnostics)
    err.print(f"{count} error{'s' if count != 1 else ''}", markup=False)


def _read_source(file: str) -> str | None:
    try:
        return Path(file).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def load_or_exit(path: Path) -> Design:
    """Load a design; on bad input print every error and exit with status 2."""
    from archproof.errors import DesignError
    from archproof.frontends.yaml_loader import load_design

    try:
        return load_design(path)
    except DesignError as exc:
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def fail(message: str, hint: str | None = None) -> NoReturn:
    """A usage error (not a design error): message, optional hint, exit status 2."""
    err.print(visible(f"error: {message}"), markup=False)
    if hint:
        err.print(visible(f"  hint: {hint}"), markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def parse_time_limit(text: str) -> float | None:
    """A `--time-limit` value in wall seconds, None for `0` (no limit); a bad value is a
    usage error (exit 2). `simulate` and `sweep` share it."""
    from archproof.units import UnitError, parse_duration

    if text.strip() == "0":
        return None
    try:
        seconds = float(parse_duration(text).seconds)
    except (UnitError, ValueError) as exc:
        fail(f"--time-limit: {exc}", "give a duration like 30s or 10m, or 0 for no limit")
    return seconds or None


def force_option() -> bool:
    """`--force`, the same on every command that writes files (issue 20, item 9)."""
    value: bool = typer.Option(False, "--force", help="Overwrite existing output files.")
    return value


def refuse_overwrite(*paths: Path | None, force: bool) -> None:
    """Exit 2 before doing any work if an output file exists and `--force` was not given.

    Every command that writes files calls this first, so none overwrites silently and none
    computes a result it will then refuse to write.
    """
    if force:
        return
    for path in paths:
        if path is not None and path.exists():
            fail(f"{path} already exists", "use --force to overwrite it, or -o to write elsewhere")


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file and a rename: never half-written."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.exists():
        fail(f"directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp creates 0600; give the file the mode a plain open() would (0666 & ~umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(text: str, output: Path | None) -> None:
    """Print `text`, or write it atomically to `output`."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        write_atomic(output, text)
        err.print(f"wrote {output}", markup=False)
