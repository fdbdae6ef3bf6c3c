"""`archproof report`: the design document (Markdown or self-contained HTML)."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path

import typer

from archproof.cli.analyze_cmd import parse_load
from archproof.cli.common import emit, err, fail, force_option, load_or_exit, refuse_overwrite

SIMULATE_PASS = "simulate"


class ReportFormat(StrEnum):
    markdown = "markdown"
    html = "html"


_SUFFIXES = {
    ".md": ReportFormat.markdown,
    ".markdown": ReportFormat.markdown,
    ".html": ReportFormat.html,
    ".htm": ReportFormat.html,
}


def pick_format(output: Path | None, given: ReportFormat | None) -> ReportFormat:
    """--format wins; else the suffix of -o; else Markdown."""
    if given is not None:
        return given
    if output is None:
        return ReportFormat.markdown
    found = _SUFFIXES.get(output.suffix.lower())
    if found is None:
        fail(
            f"cannot tell the report format from '{output.name}'",
            "name the file design.md or design.html, or pass --format markdown|html",
        )
    return found


def report(
    file: Path = typer.Argument(..., help="Design file (YAML)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file (.md or .html); default: stdout."
    ),
    force: bool = force_option(),
    format: ReportFormat | None = typer.Option(
        None, "--format", "-f", help="markdown or html (default: from the -o suffix)."
    ),
    simulate: bool = typer.Option(
        False, "--simulate", help="Also run the discrete-event simulation and show its figures."
    ),
    load: str = typer.Option(
        "1x,2x,5x,10x", "--load", help="Load factors for the growth plan, e.g. 1x,2x,5x,10x."
    ),
    years: int = typer.Option(
        3, "--years", min=0, max=50, help="Years of requirements.load.growth_per_year to plan."
    ),
    requests: int = typer.Option(
        200_000, "--requests", min=1000, help="With --simulate: requests per replication."
    ),
    seed: int = typer.Option(1, "--seed", min=0, help="With --simulate: the random seed."),
    replications: int = typer.Option(
        3, "--replications", min=1, max=20, help="With --simulate: independent replications."
    ),
    dbcheck: bool = typer.Option(
        False, "--dbcheck", help="Also prove the indexes on a real database (SQLite; see dbcheck)."
    ),
    dbcheck_postgres: str | None = typer.Option(
        None, "--dbcheck-postgres", help="With --dbcheck: also PostgreSQL, 'auto' or a DSN."
    ),
    dbcheck_rows: int = typer.Option(
        100_000, "--dbcheck-rows", min=100, help="With --dbcheck: rows of the largest table."
    ),
) -> None:
    """Everything archproof knows about a design, as one document.

    Executive summary, the six sections of the framework (problem, architecture, data,
    scalability, failure modes, implementation), findings by principle, the 24 questions
    with the provenance of each answer, risks and success metrics. HTML is one offline
    file with SVG diagrams and charts; Markdown uses Mermaid blocks. Written atomically.

    Example: archproof report examples/url_shortener.yaml -o design.html
    """
    refuse_overwrite(output, force=force)
    from archproof.backends.report import render_html, render_markdown
    from archproof.cli.dbcheck_cmd import dbcheck_for_report
    from archproof.passes.base import Options
    from archproof.passes.dbcheck import DbcheckResult
    from archproof.passes.registry import PASSES
    from archproof.pipeline import run

    try:
        factors = parse_load(load)
    except ValueError as exc:
        fail(f"--load: {exc}", "give comma-separated factors like 1x,2x,5x,10x")
    chosen = pick_format(output, format)
    design = load_or_exit(file)
    names = tuple(p.name for p in PASSES if simulate or p.name != SIMULATE_PASS)
    if simulate and SIMULATE_PASS not in names:
        err.print("note: the simulation pass is not available; the report is analytic only")
    result = run(
        design,
        passes=names,
        options=Options(
            load_factors=factors,
            years=years,
            simulate=simulate,
            sim_requests=requests,
            sim_seed=seed,
            sim_replications=replications,
        ),
        source_file=str(file),
    )
    if dbcheck:
        measured = dbcheck_for_report(design, postgres=dbcheck_postgres, rows=dbcheck_rows)
        results = result.results.with_result("dbcheck", DbcheckResult, measured)
        result = replace(result, results=results)
    text = render_html(result) if chosen is ReportFormat.html else render_markdown(result)
    emit(text, output)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
