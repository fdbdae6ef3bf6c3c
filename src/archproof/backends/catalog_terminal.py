"""`archproof catalog` for a terminal: one block per technology, wrapped at word boundaries.

A seven-column table with long service-time and source texts cannot fit 80 columns: rich
folded its cells letter by letter ("postgres / ql", "lognorma / l"). Each entry is a
header line of short facts, then its service times and source as paragraphs with a
hanging indent, which any width wraps between words.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

import archproof.numbers as numbers
from archproof.catalog.entry import CatalogEntry

_INDENT = 4


def _facts(e: CatalogEntry) -> str:
    kinds = ", ".join(k.value for k in e.kinds)
    state = "stateful" if e.stateful else "stateless"
    avail = numbers.nines(float(e.availability.fraction()))
    return f"{kinds} · {state} · concurrency {e.concurrency:,} · availability {avail}"


def renderables(entries: Sequence[CatalogEntry]) -> Group:
    parts: list[RenderableType] = [
        Text(f"Catalog: {len(entries)} boring components", style="bold"),
        Text(""),
    ]
    for e in entries:
        parts.append(Text.assemble((e.id, "bold cyan"), ("  ", ""), (_facts(e), "")))
        work = ", ".join(f"{k}: {v.describe()}" for k, v in e.work.items())
        for label, text in (("service times", work), ("source", e.source)):
            if text:
                parts.append(
                    Padding(Text.assemble((f"{label}: ", "dim"), (text, "")), (0, 0, 0, _INDENT))
                )
        parts.append(Text(""))
    return Group(*parts)


def render(entries: Sequence[CatalogEntry], *, width: int = 100) -> str:
    """The catalog as plain text at `width` columns."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, emoji=False)
    console.print(renderables(entries), soft_wrap=False)
    return buffer.getvalue()
