"""The capacity result for a terminal: rich tables rendered to a string."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from archproof.backends.capacity_tables import tables
from archproof.passes.capacity import CapacityResult

_STATUS = {
    "saturated": "bold red",
    "violated": "red",
    "refuted": "red",
    "SPOF": "bold red",
    "warning": "yellow",
    "met": "green",
    "confirmed": "green",
    "ok": "green",
}


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
        for row in t.rows:
            table.add_row(*(Text(cell, style=_style(cell)) for cell in row))
        console.print(table)
    for note in result.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    console.print(Text("Every figure's formula and inputs: --format json", style="dim"))
    return buf.getvalue()


def _style(cell: str) -> str:
    for word, style in _STATUS.items():
        if cell == word or cell.endswith(f" {word}") or cell.startswith(f"{word} "):
            return style
    return ""
