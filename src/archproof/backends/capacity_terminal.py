"""The capacity result for a terminal: rich tables rendered to a string."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console, Group
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from archproof.backends.capacity_tables import Flag, Mark, Table
from archproof.backends.limit_tables import capacity_tables
from archproof.passes.capacity import AssumptionStatus, CapacityResult, SloStatus, Status
from archproof.passes.lower.queueing_model import Admission

# Colour by the status a cell carries (capacity_tables marks it), never by its text.
_STYLE: dict[Mark, str] = {
    Status.SATURATED: "bold red",
    SloStatus.SATURATED: "bold red",
    Flag.SPOF: "bold red",
    Status.VIOLATED: "red",
    SloStatus.VIOLATED: "red",
    AssumptionStatus.REFUTED: "red",
    Status.WARNING: "yellow",
    SloStatus.AT_RISK: "yellow",
    SloStatus.MET: "green",
    AssumptionStatus.CONFIRMED: "green",
    Status.OK: "green",
}


def style(mark: Mark | None) -> str:
    return _STYLE.get(mark, "") if mark is not None else ""


# Below this many characters a folded column's text stays in its cell.
_FOLD_MIN = 16
_BAR = re.compile(r"[█░]+ *")


@dataclass
class Fitted:
    """A table laid out for one console width: the rich table (or its column groups, one
    under the other) and the notes under it."""

    table: RichTable | Group
    notes: list[str]
    dropped: list[str]


Styler = Callable[[Mark | None], str]


def _rich(
    t: Table,
    rows: list[list[str]],
    keep: list[int],
    caption: str,
    styler: Styler,
    min_width: int | None = None,
    title: str | None = None,
) -> RichTable:
    table = RichTable(
        title=Text(t.title if title is None else title, style="bold"),
        # at least as wide as its title (within the console), so the title never wraps
        min_width=min_width,
        title_justify="left",
        caption=Text(caption) if caption else None,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for j in keep:
        table.add_column(Text(t.headers[j]), no_wrap=True)
    for i, row in enumerate(rows):
        table.add_row(*(Text(row[j], style=styler(t.mark(i, j))) for j in keep))
    return table


def natural_width(console: Console, table: RichTable) -> int:
    """The table's natural width (measured without the console's limit, which clamps)."""
    return Measurement.get(console, console.options.update_width(1 << 16), table).maximum


def fit(t: Table, console: Console, styler: Styler = style) -> Fitted:
    """Lay `t` out within the console's width without wrapping a row.

    In order, while the table is wider than the console: utilization bars shrink to their
    figure; the long text of the table's `fold` columns moves to numbered notes under it
    (the same text gets one note); its `drop` columns are left out (named in the caption).
    Cells never wrap or clip: a table still too wide after all that is split into column
    groups printed one under the other, each led by the first column (a figure cut to
    "1,575,…" at 80 columns would be a figure the reader cannot read). Only a first column
    and one more that alone exceed the width are clipped by the console.
    """
    width = console.width
    rows = [list(r) for r in t.rows]
    keep = list(range(len(t.headers)))
    notes: list[str] = []
    dropped: list[str] = []

    def build() -> RichTable:
        caption = t.note + (f" (not shown at this width: {', '.join(dropped)})" if dropped else "")
        return _rich(t, rows, keep, caption.strip(), styler, min(len(t.title), width))

    table = build()
    if natural_width(console, table) <= width:
        return Fitted(table, notes, dropped)
    rows = [[_BAR.sub("", c) if "█" in c or "░" in c else c for c in r] for r in rows]
    table = build()
    for j in t.fold:
        if natural_width(console, table) <= width:
            break
        for r in rows:
            if len(r[j]) >= _FOLD_MIN:
                if r[j] not in notes:
                    notes.append(r[j])
                r[j] = f"[{notes.index(r[j]) + 1}]"
        table = build()
    for j in t.drop:
        if natural_width(console, table) <= width:
            break
        keep.remove(j)
        dropped.append(t.headers[j])
        table = build()
    if natural_width(console, table) <= width or len(keep) < 3:
        return Fitted(table, notes, dropped)
    return Fitted(_split(t, rows, keep, console, styler, build), notes, dropped)


def _split(
    t: Table,
    rows: list[list[str]],
    keep: list[int],
    console: Console,
    styler: Styler,
    build: Callable[[], RichTable],
) -> Group:
    """`keep`'s columns after the first in groups as wide as the console allows, each group
    a table led by the first column; the caption goes under them all."""
    width = console.width
    groups: list[list[int]] = [[]]
    for j in keep[1:]:
        trial = [keep[0], *groups[-1], j]
        if groups[-1] and natural_width(console, _rich(t, rows, trial, "", styler)) > width:
            groups.append([])
        groups[-1].append(j)
    parts: list[RichTable | Text] = []
    for n, group in enumerate(groups):
        title = t.title if n == 0 else f"{t.title} (continued)"
        parts.append(_rich(t, rows, [keep[0], *group], "", styler, min(len(title), width), title))
    caption = build().caption
    if caption:  # at the console's width, not the last group's
        parts.append(Text.assemble(caption))
    return Group(*parts)


def render(
    result: CapacityResult,
    *,
    title: str = "",
    color: bool = False,
    width: int = 100,
    admission: Sequence[Admission] = (),
) -> str:
    """The capacity tables at `width` columns (the CLI passes the terminal's width), with
    the lowering's rate-limit `admission` figures when given."""
    buf = io.StringIO()
    # emoji off: design text such as ':smile:' prints as written (issue 12, inert text)
    console = Console(
        file=buf,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
    )
    if title:
        console.print(Text(title, style="bold"))
    for t in capacity_tables(result, admission):
        fitted = fit(t, console)
        console.print(fitted.table)
        for n, note in enumerate(fitted.notes, start=1):
            # a long note wraps between words, under its own text
            console.print(Padding(Text(f"[{n}] {note}"), (0, 0, 0, 2)))
    for note in result.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    if result.sensitivity is not None and result.sensitivity.statement:
        console.print(Text(result.sensitivity.statement, style="bold yellow"))
    console.print(Text("Every figure's formula and inputs: --format json", style="dim"))
    return buf.getvalue()
