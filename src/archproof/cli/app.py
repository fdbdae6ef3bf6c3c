"""The `archproof` command line. The only layer that does I/O and chooses exit codes.

Start-up is kept cheap: the command modules hold the options and import what a command does
(the loader, the passes, numba, sqlglot, jinja2) inside the command function, so `--help`
and `check` do not pay for the simulator (tests/test_startup.py, benchmarks/bench_startup.py).
"""

from __future__ import annotations

import sys

import typer

from archproof.cli import (
    analyze_cmd,
    check_cmd,
    code_cmd,
    dbcheck_cmd,
    design_cmd,
    help_format,
    mcp_cmd,
    model_cmds,
    questions_cmd,
    report_cmd,
    review_cmd,
    simulate_cmd,
    sweep_cmd,
)

app = typer.Typer(
    name="archproof",
    help=(
        "Turn a system design into a reviewed, evidence-backed design.\n\n"
        'Start with `archproof design "Design a URL shortener for 100M new links a month"` '
        "or `archproof review examples/payments.yaml`."
    ),
    no_args_is_help=True,
    # --install-completion / --show-completion for bash, zsh, fish and PowerShell (click's
    # completion: the shell calls archproof back, which the lazy imports keep quick).
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # the installed distribution's version

        typer.echo(f"archproof {version('archproof')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Turn a system design into a reviewed, evidence-backed design."""


# Each command module registers its commands; the order is the order in --help.
for module in (
    design_cmd,
    check_cmd,
    review_cmd,
    analyze_cmd,
    simulate_cmd,
    sweep_cmd,
    report_cmd,
    dbcheck_cmd,
    code_cmd,
    model_cmds,
    questions_cmd,
    mcp_cmd,
):
    module.register(app)
help_format.install(app)  # flags as flags, FILE / TEXT / INTEGER instead of Python type names


def main() -> None:
    """Console entry point: internal errors are reported as bugs, never as tracebacks."""
    try:
        app()
    except Exception as exc:
        from archproof.errors import InternalError  # already imported if one was raised

        if not isinstance(exc, InternalError):
            raise
        sys.stderr.write(f"archproof: {exc}\nThis is a bug in archproof; please report it.\n")
        sys.exit(3)
