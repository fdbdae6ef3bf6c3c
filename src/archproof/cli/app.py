"""The `archproof` command line. The only layer that does I/O and chooses exit codes."""

from __future__ import annotations

import sys

import typer

from archproof.cli import (
    analyze_cmd,
    check_cmd,
    code_cmd,
    dbcheck_cmd,
    design_cmd,
    mcp_cmd,
    model_cmds,
    report_cmd,
    review_cmd,
    simulate_cmd,
    sweep_cmd,
)
from archproof.errors import InternalError

app = typer.Typer(
    name="archproof",
    help=(
        "Turn a system design into a reviewed, evidence-backed design.\n\n"
        'Start with `archproof design "Design a URL shortener for 100M new links a month"` '
        "or `archproof review examples/payments.yaml`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

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
    mcp_cmd,
):
    module.register(app)


def main() -> None:
    """Console entry point: internal errors are reported as bugs, never as tracebacks."""
    try:
        app()
    except InternalError as exc:
        sys.stderr.write(f"archproof: {exc}\nThis is a bug in archproof; please report it.\n")
        sys.exit(3)
