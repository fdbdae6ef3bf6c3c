"""The capacity result as Markdown tables."""

from __future__ import annotations

from archproof.backends.capacity_tables import tables
from archproof.passes.capacity import CapacityResult


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def render(result: CapacityResult, *, title: str = "") -> str:
    lines: list[str] = []
    if title:
        lines += [f"# {_cell(title)}", ""]
    for t in tables(result):
        lines += [f"## {_cell(t.title)}", ""]
        lines.append("| " + " | ".join(_cell(h) or " " for h in t.headers) + " |")
        lines.append("|" + "---|" * len(t.headers))
        for row in t.rows:
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
        if t.note:
            lines += ["", f"_{_cell(t.note)}_"]
        lines.append("")
    if result.methods:
        lines += ["## Methods", ""]
        lines += [f"- **{k}**: {_cell(v)}" for k, v in result.methods.items()]
    return "\n".join(lines) + "\n"
