"""The capacity result as Markdown tables."""

from __future__ import annotations

from collections.abc import Sequence

from archproof.backends.limit_tables import capacity_tables
from archproof.passes.capacity import CapacityResult
from archproof.passes.lower.queueing_model import Admission


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def render(result: CapacityResult, *, title: str = "", admission: Sequence[Admission] = ()) -> str:
    lines: list[str] = []
    if title:
        lines += [f"# {_cell(title)}", ""]
    for t in capacity_tables(result, admission):
        lines += [f"## {_cell(t.title)}", ""]
        lines.append("| " + " | ".join(_cell(h) or " " for h in t.headers) + " |")
        lines.append("|" + "---|" * len(t.headers))
        for row in t.rows:
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
        if t.note:
            lines += ["", f"_{_cell(t.note)}_"]
        lines.append("")
    if result.sensitivity is not None and result.sensitivity.statement:
        lines += [f"**{_cell(result.sensitivity.statement)}**", ""]
    if result.methods:
        lines += ["## Methods", ""]
        lines += [f"- **{k}**: {_cell(v)}" for k, v in result.methods.items()]
    return "\n".join(lines) + "\n"
