"""The capacity result for a terminal: rich tables rendered to a string."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from archproof.backends.capacity_tables import Flag, Mark, tables
from archproof.passes.capacity import AssumptionStatus, CapacityResult, SloStatus, Status

# Colour by the status a cell carries (capacity_tables marks it), never by its text.
_STYLE: dict[Mark, str] = {
    Status.SATURATED: "bold red",
    SloStatus.SATURATED: "bold red",
    Flag.SPOF: "bold red",
    Status.VIOLATED: "red",
    SloStatus.VIOLATED: "red",
    AssumptionStatus.REFUTED: "red",
    Status.WARNING: "yellow",
    SloStatus.MET: "green",
    AssumptionStatus.CONFIRMED: "green",
    Status.OK: "green",
}


def style(mark: Mark | None) -> str:
    return _STYLE.get(mark, "") if mark is not None else ""


def render(
    result: CapacityResult, *, title: str = "", color: bool = False, width: int = 140
) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf, force_terminal=color, no_color=not color, width=width, highlight=False
    )
    if title:
        console.print(Text(title, style="bold"))
    for t in tables(result):
        table = RichTable(
            title=Text(t.title, style="bold"),
            title_justify="left",
            caption=Text(t.note) if t.note else None,
            caption_justify="left",
        )
        for h in t.headers:
            table.add_column(Text(h))
        for i, row in enumerate(t.rows):
            table.add_row(*(Text(cell, style=style(t.mark(i, j))) for j, cell in enumerate(row)))
        console.print(table)
    for note in result.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    console.print(Text("Every figure's formula and inputs: --format json", style="dim"))
    return buf.getvalue()
