"""`archproof check`: validate design files and print a one-screen summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from archproof.cli.common import EXIT_BAD_INPUT, inert, out, print_diagnostics


def check(
    files: list[Path] = typer.Argument(..., help="Design files (YAML) to validate."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
) -> None:
    """Validate design files: schema, units, references, cycles, impossible numbers.

    Prints a one-screen summary per valid file (components, operations, entities, peak
    requests/s), or every error as file:line:col with the source line. Exit status 2
    if any file is invalid.

    Example: archproof check examples/*.yaml
    """
    from archproof.errors import DesignError, Diagnostic
    from archproof.frontends.yaml_loader import load_design
    from archproof.passes.summary import summarize

    problems: list[Diagnostic] = []
    for path in files:
        try:
            design = load_design(path)
        except DesignError as exc:
            problems.extend(exc.diagnostics)
            continue
        if quiet:
            continue
        s = summarize(design)
        # Design text is data: markup escaped, control characters shown (issue 12).
        title = f"{inert(str(path))}: ok — {inert(design.meta.name)}"
        table = Table(title=title, show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column()
        for label, value in s.rows():
            table.add_row(inert(label), inert(value))
        out.print(table)
    if problems:
        print_diagnostics(problems)
        raise typer.Exit(EXIT_BAD_INPUT)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
