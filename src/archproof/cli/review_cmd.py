"""`archproof review` and `archproof rules`: findings like a linter, and the rules' docs."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from archproof.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    emit,
    err,
    fail,
    force_option,
    out,
    print_diagnostics,
    refuse_overwrite,
)
from archproof.frontends.codes import CODES, InputCode, input_codes

if TYPE_CHECKING:
    from archproof.passes.review import Finding, Rule
    from archproof.report import Report

# Codes the review engine itself reports (not registered rules): AP040 stale acceptance.
ENGINE_CODES = tuple(c.code for c in CODES if c.stage == "review")
_SELECTOR = re.compile(r"^[A-Z]{1,2}\d{0,3}$")


class Format(StrEnum):
    terminal = "terminal"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class RulesFormat(StrEnum):
    table = "table"
    json = "json"


def parse_selectors(value: str | None, option: str) -> tuple[str, ...]:
    """`FH001,DB` → ('FH001', 'DB'): codes or code prefixes, upper-cased, validated."""
    if value is None:
        return ()
    items = tuple(part.strip().upper() for part in value.split(",") if part.strip())
    bad = [item for item in items if not _SELECTOR.match(item)]
    if bad:
        fail(
            f"{option}: not a rule code or prefix: {', '.join(bad)}",
            "use codes or prefixes like FH001, FH00 or FH, separated by commas",
        )
    return items


def _matches(code: str, selectors: tuple[str, ...]) -> bool:
    return any(code.startswith(s) for s in selectors)


def selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """Whether a code passes `--select` (empty: everything) and `--ignore`."""
    return (not select or _matches(code, select)) and not _matches(code, ignore)


def _filter(report: Report, select: tuple[str, ...], ignore: tuple[str, ...]) -> Report:
    from archproof.passes.review import ReviewResult

    result = report.get(ReviewResult)
    if result is None or (not select and not ignore):
        return report
    kept = ReviewResult(
        findings=tuple(f for f in result.findings if selected(f.code, select, ignore)),
        rules_run=tuple(c for c in result.rules_run if selected(c, select, ignore)),
    )
    return replace(report, results=report.results.with_result("review", ReviewResult, kept))


def _warn_unmatched(selectors: tuple[str, ...], option: str, codes: set[str]) -> None:
    for s in selectors:
        if not any(code.startswith(s) for code in codes):
            err.print(f"warning: {option} {s} matches no rule", markup=False)


def fails(findings: list[Finding], fail_on: FailOn) -> bool:
    """Whether an active (not accepted) finding reaches the `--fail-on` level."""
    from archproof.passes.review import Severity

    if fail_on is FailOn.never:
        return False
    threshold = Severity(fail_on.value)
    return any(not f.is_accepted and f.severity.rank >= threshold.rank for f in findings)


def review(
    files: list[Path] = typer.Argument(..., help="Design files (YAML) to review."),
    fmt: Format = typer.Option(
        Format.terminal, "--format", "-f", help="Output format.", case_sensitive=False
    ),
    fail_on: FailOn = typer.Option(
        FailOn.error,
        "--fail-on",
        help="Exit 1 when an active (not accepted) finding is at or above this severity.",
        case_sensitive=False,
    ),
    select: str | None = typer.Option(
        None, "--select", help="Only these rule codes or prefixes, comma-separated (FH,DB003)."
    ),
    ignore: str | None = typer.Option(
        None, "--ignore", help="Skip these rule codes or prefixes, comma-separated (OB,CA00)."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the output to this file (atomically)."
    ),
    force: bool = force_option(),
) -> None:
    """Review designs against the framework's principles, like a linter.

    Findings point at the line of the design that causes them, with the
    principle behind them and what to do instead. Accepted findings (`accept:`
    in the design) are shown as accepted and never fail the run.

    Exit status: 0 clean, 1 a finding reaches --fail-on, 2 bad input (then
    nothing is written).

    Examples:

      archproof review examples/url_shortener.yaml

      archproof review designs/*.yaml --format sarif -o review.sarif

      archproof review design.yaml --fail-on warning

      archproof review design.yaml --select FH,DB --ignore FH004 -f markdown
    """
    refuse_overwrite(output, force=force)
    from archproof.backends import review_json, review_markdown, review_terminal, sarif
    from archproof.errors import DesignError, Diagnostic
    from archproof.frontends.yaml_loader import load_design
    from archproof.model import Design
    from archproof.passes.review import ReviewResult, all_rules
    from archproof.pipeline import run

    chosen = parse_selectors(select, "--select")
    skipped = parse_selectors(ignore, "--ignore")
    designs: list[tuple[Path, Design]] = []
    problems: list[Diagnostic] = []
    for path in files:  # load everything first: any invalid file means no output at all
        try:
            designs.append((path, load_design(path)))
        except DesignError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        print_diagnostics(problems)
        raise typer.Exit(EXIT_BAD_INPUT)

    reports = [
        _filter(run(design, passes=("review",), source_file=str(path)), chosen, skipped)
        for path, design in designs
    ]
    known = (
        {r.code for r in all_rules()}
        | set(ENGINE_CODES)
        | {
            f.code
            for report in reports
            for f in (report.get(ReviewResult) or ReviewResult((), ())).findings
        }
    )
    _warn_unmatched(chosen, "--select", known)
    _warn_unmatched(skipped, "--ignore", known)

    if fmt is Format.json:
        emit(review_json.render(reports), output)
    elif fmt is Format.sarif:
        here = Path.cwd()  # locations relative to the repository, whichever directory we run in
        emit(sarif.render(reports, base=sarif.Base(root=repository_root(here), cwd=here)), output)
    elif fmt is Format.markdown:
        emit(review_markdown.render(reports), output)
    else:
        sources = {str(path): _read(path) for path, _ in designs}
        if output is None:
            out.print(review_terminal.renderables(reports, sources), soft_wrap=False)
        else:
            emit(review_terminal.render(reports, sources), output)

    findings = [f for report in reports for f in review_json.review_of(report).findings]
    if fails(findings, fail_on):
        raise typer.Exit(EXIT_FINDINGS)


def repository_root(start: Path) -> Path:
    """The nearest directory from `start` up holding `.git` (a checkout); else `start`."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):  # it loaded a moment ago; show findings without it
        return ""


rules_app = typer.Typer(
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode="rich",
)


@rules_app.callback()
def rules(
    ctx: typer.Context,
    fmt: RulesFormat = typer.Option(
        RulesFormat.table, "--format", "-f", help="table or json.", case_sensitive=False
    ),
) -> None:
    """List the review rules (code, name, severity) grouped by principle.

    Examples:

      archproof rules

      archproof rules --format json

      archproof rules explain FH001
    """
    from archproof.backends import review_terminal
    from archproof.passes.review import Principle, all_rules

    if ctx.invoked_subcommand is not None:
        return
    every = all_rules()
    if fmt is RulesFormat.json:
        emit(json.dumps([_rule_json(r) for r in every], indent=2, ensure_ascii=False), None)
        return
    table = Table(title=f"{len(every)} review rules (archproof rules explain CODE)")
    for column in ("code", "name", "severity"):
        table.add_column(column, no_wrap=True)
    table.add_column("summary", ratio=1, min_width=20)
    for principle in Principle:  # grouped by principle, in the framework's order
        group = [r for r in every if r.principle is principle]
        if not group:
            continue
        table.add_row("", f"[bold]{principle.value} ({principle.name})[/]", "", "")
        for r in group:
            table.add_row(
                r.code,
                escape(r.name),
                f"[{review_terminal.SEVERITY_STYLE[r.severity.value]}]{r.severity.value}[/]",
                escape(r.summary),
            )
        table.add_section()
    table.add_row("", "[bold]Load and model errors (AP): stop the run, exit 2[/]", "", "")
    for c in CODES:
        severity = "error" if c.stage == "load" else "warning"
        style = review_terminal.SEVERITY_STYLE[severity]
        table.add_row(c.code, escape(c.name), f"[{style}]{severity}[/]", escape(c.summary))
    out.print(table)


def _rule_json(r: Rule) -> dict[str, object]:
    return {
        "code": r.code,
        "name": r.name,
        "principle": r.principle.name,
        "principle_name": r.principle.value,
        "severity": r.severity.value,
        "summary": r.summary,
        "sections": dict(r.sections),
    }


@rules_app.command("explain")
def explain(
    code: str = typer.Argument(..., help="Rule code (FH001) or name (sync-call-without-timeout)."),
) -> None:
    """Print a rule's full documentation: what it checks, why, example, fix, evidence.

    Examples:

      archproof rules explain FH001

      archproof rules explain unindexed-access-pattern
    """
    from archproof.backends import review_terminal
    from archproof.passes.review import all_rules

    every = all_rules()
    by_key: dict[str, Rule] = {r.code: r for r in every} | {r.name: r for r in every}
    found = by_key.get(code.upper()) or by_key.get(code.lower())
    codes = input_codes() | {c.name: c for c in CODES}
    loader_code = codes.get(code.upper()) or codes.get(code.lower())
    if found is None and loader_code is not None:
        _explain_input_code(loader_code)
        return
    if found is None:
        known = [r.code for r in every] + [c.code for c in CODES]
        close = difflib.get_close_matches(code.upper(), known, n=1)
        close += difflib.get_close_matches(
            code.lower(), [r.name for r in every] + [c.name for c in CODES], n=1
        )
        fail(
            f"unknown rule '{code}'",
            f"did you mean '{close[0]}'?" if close else "`archproof rules` lists them",
        )
    r = found
    style = review_terminal.SEVERITY_STYLE[r.severity.value]
    out.print(
        f"[bold]{r.code}[/bold] {escape(r.name)} — [{style}]{r.severity.value}[/] — "
        f"{r.principle.value}"
    )
    out.print(escape(r.summary))
    for title, body in r.sections.items():
        out.print(f"\n[bold underline]{escape(title)}[/]")
        for line in body.splitlines():
            out.print("  " + line, markup=False)


def _explain_input_code(c: InputCode) -> None:
    """The page of a load/model error code, in the layout of a rule's page."""
    from archproof.backends import review_terminal

    if c.stage == "load":
        where = "[bold red]error[/] — load/model error: the design is rejected (exit 2)"
    else:
        where = f"[{review_terminal.SEVERITY_STYLE['warning']}]warning[/] — review engine"
    out.print(f"[bold]{c.code}[/bold] {escape(c.name)} — {where}")
    out.print(escape(c.summary))
    for title, body in c.sections.items():
        out.print(f"\n[bold underline]{escape(title)}[/]")
        for line in body.splitlines():
            out.print("  " + line, markup=False)


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.add_typer(rules_app, name="rules")
