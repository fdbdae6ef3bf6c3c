"""`archproof questions`: the framework's 24 design questions, the ids `answers:` uses."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from rich.table import Table

from archproof.cli.common import emit, inert, out


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def questions(
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """The 24 design questions, six sections of four, with the ids a design answers them by.

    A design answers a question under `answers:` (`Q1.1: ...`); the `report` answers the
    rest from the analysis and says where each answer came from.

    Example: archproof questions --format markdown
    """
    from archproof.model.questions import QUESTIONS, SECTIONS

    if fmt is Format.json:
        body = [{"id": q.id, "section": q.section, "question": q.text} for q in QUESTIONS]
        emit(json.dumps(body, indent=2, ensure_ascii=False), None)
        return
    if fmt is Format.markdown:
        lines = ["# The 24 design questions", ""]
        for section in SECTIONS:
            lines += [f"## {section}", ""]
            lines += [f"- **{q.id}** {q.text}" for q in QUESTIONS if q.section == section]
            lines.append("")
        emit("\n".join(lines), None)
        return
    table = Table(title="The 24 design questions (answer them under `answers:` by id)")
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("question")
    for number, section in enumerate(SECTIONS, start=1):
        table.add_row("", f"[bold]{number}. {inert(section)}[/]")
        for q in QUESTIONS:
            if q.section == section:
                table.add_row(q.id, inert(q.text))
        table.add_section()
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("questions")(questions)
