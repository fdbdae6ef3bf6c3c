"""Document → Markdown: tables and Mermaid blocks, readable as plain text.

Design text is escaped for Markdown: `<` and `&` become entities (no raw HTML), table
pipes are escaped and newlines folded, so a hostile name stays text on GitHub.
"""

from __future__ import annotations

import re

import archproof.numbers as numbers
from archproof.backends.report import mermaid
from archproof.backends.report.document import (
    Answers,
    Badge,
    BarChart,
    Block,
    Bullets,
    Cell,
    Document,
    ErDiagram,
    Graph,
    KeyValues,
    LineChart,
    Note,
    Para,
    Section,
    Sequence,
    Table,
)
from archproof.backends.report.sections import build_document
from archproof.report import Report

# An `&` that would start an HTML entity; other ampersands stay readable as they are.
_ENTITY = re.compile(r"&(#?[A-Za-z0-9]+;?)")
_MARKS = {"good": "✓ ", "bad": "✗ ", "warn": "⚠ "}


def render_markdown(report: Report) -> str:
    """The design document as Markdown (GitHub-flavoured, Mermaid diagrams)."""
    return render_document(build_document(report))


def text(value: str) -> str:
    """Plain text made inert in Markdown (no HTML, no links, no line breaks)."""
    value = _ENTITY.sub(lambda m: "&amp;" + m.group(0)[1:], value)
    # `]\(` cannot close a link or image: `[x](javascript:...)` stays text.
    value = value.replace("](", "]\\(")
    return value.replace("<", "&lt;").replace("\r", " ").replace("\n", " ").strip()


def _cell(value: Cell) -> str:
    if isinstance(value, Badge):
        shown = f"{_MARKS.get(value.tone, '')}{text(value.text)}"
        return f"**{shown}**" if value.tone in ("bad", "warn") else shown
    return text(value).replace("|", "\\|") or " "


def render_document(doc: Document) -> str:
    out: list[str] = [f"# {text(doc.title)}", "", f"_{text(doc.subtitle)}_", ""]
    out.append(" · ".join(f"**{text(k)}:** {text(v)}" for k, v in doc.facts))
    out += ["", "## Contents", ""]
    for s in doc.sections:
        out.append(f"- [{_heading(s)}](#{_anchor(_heading(s))})")
        for child in s.children:
            out.append(f"  - {text(_heading(child))}")
    out.append("")
    for s in doc.sections:
        _section(s, 2, out)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _heading(section: Section) -> str:
    return f"{section.number} {section.title}" if section.number else section.title


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    kept = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def _section(section: Section, level: int, out: list[str]) -> None:
    out += [f"{'#' * min(level, 6)} {text(_heading(section))}", ""]
    for block in section.blocks:
        _block(block, out)
    for child in section.children:
        _section(child, level + 1, out)


def _block(block: Block, out: list[str]) -> None:
    if isinstance(block, Para):
        lead = f"**{text(block.lead)}** " if block.lead else ""
        out += [lead + text(block.text), ""]
    elif isinstance(block, Note):
        mark = {"warn": "⚠ ", "good": "✓ ", "bad": "✗ "}.get(block.tone, "")
        out += [f"> {mark}{text(block.text)}", ""]
    elif isinstance(block, Bullets):
        for lead, item in block.items:
            out.append(f"- **{text(lead)}** {text(item)}" if lead else f"- {text(item)}")
        out.append("")
    elif isinstance(block, KeyValues):
        out += ["| | |", "|---|---|"]
        out += [f"| **{_cell(k)}** | {_cell(v)} |" for k, v in block.rows]
        out.append("")
    elif isinstance(block, Table):
        _table(block, out)
    elif isinstance(block, Answers):
        for a in block.items:
            out.append(f"**{text(a.id)}** {text(a.question)} — _{text(a.provenance)}_")
            out.append("")
            if a.lines:
                out += [f"- {text(line)}" for line in a.lines]
            else:
                out.append("- **⚠ open:** no answer yet")
            if a.sources:
                out.append(f"- _from: {text(', '.join(a.sources))}_")
            out.append("")
    elif isinstance(block, Graph):
        out += ["```mermaid", mermaid.flowchart(block), "```", ""]
    elif isinstance(block, Sequence):
        out += ["```mermaid", mermaid.sequence(block), "```", ""]
    elif isinstance(block, ErDiagram):
        out += ["```mermaid", mermaid.er(block), "```", ""]
    elif isinstance(block, BarChart):
        _bars(block, out)
    elif isinstance(block, LineChart):
        _lines(block, out)


def _table(table: Table, out: list[str]) -> None:
    if table.caption:
        out += [f"_{text(table.caption)}_", ""]
    if not table.rows:
        out += ["_(none)_", ""]
        return
    out.append("| " + " | ".join(_cell(h) for h in table.headers) + " |")
    out.append(
        "|"
        + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.headers)))
        + "|"
    )
    for row in table.rows:
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    out.append("")


def _bars(chart: BarChart, out: list[str]) -> None:
    """Bars as a table with a text bar: 20 cells = 100%."""
    out += [f"_{text(chart.title)}_", "", "| | | |", "|---|---|---:|"]
    for b in chart.bars:
        filled = max(0, min(20, round(b.value * 20)))
        bar = "█" * filled + "░" * (20 - filled) + ("▶" if b.value > 1 else "")
        flag = {"bad": " ✗", "warn": " ⚠"}.get(b.tone, "")
        shown = numbers.percent(b.value)
        out.append(f"| {_cell(b.label)} | `{bar}` | {text(shown)}{flag} |")
    out.append("")


def _lines(chart: LineChart, out: list[str]) -> None:
    """A line chart as a table: one row per x, one column per series."""
    out += [f"_{text(chart.title)}_", ""]
    xs = sorted({x for s in chart.series for x, _ in s.points})
    headers = [f"{chart.x_label}", *(s.name for s in chart.series)]
    out.append("| " + " | ".join(text(h).replace("|", "\\|") for h in headers) + " |")
    out.append("|" + "|".join("---:" for _ in headers) + "|")
    for x in xs:
        cells = [f"{numbers.sig(x)}{chart.x_unit}"]
        for s in chart.series:
            y = dict(s.points).get(x)
            cells.append("—" if y is None else f"{numbers.sig(y)}{chart.y_unit}")
        out.append("| " + " | ".join(cells) + " |")
    for name, y in chart.limits:
        out.append(f"\n{text(name)}: {numbers.sig(y)}{chart.y_unit}")
    out.append("")
