"""Mermaid text for the report's diagrams: flowchart, sequence diagrams, ER diagram.

Design text goes into quoted labels (unquoted where Mermaid shows quotes literally: a
sequence participant's alias, message text) with Mermaid's entity codes for quotes, angle
brackets, `#` and `;`, and identifiers are rewritten to `[A-Za-z0-9_]`, so no design text can
break out of a label or open HTML in renderers that allow it.
"""

from __future__ import annotations

import re

from archproof.backends.report.document import ErDiagram, Graph, Sequence

_KIND_SHAPE = {
    "database": ('[("', '")]'),
    "cache": ('[("', '")]'),
    "object_store": ('[("', '")]'),
    "search_index": ('[("', '")]'),
    "queue": ('[/"', '"/]'),
    "client": ('(["', '"])'),
    "external": ('{{"', '"}}'),
}


def label(text: str) -> str:
    """Text safe inside a quoted Mermaid label: entity codes for # ; & " < > and backticks."""
    out = text.replace("#", "\0").replace(";", "#59;").replace("\0", "#35;")
    for char, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        out = out.replace(char, code)
    return out.replace("`", "#96;").replace("\r", " ").replace("\n", " ")


def ident(text: str, taken: dict[str, str]) -> str:
    """A stable Mermaid identifier for `text`, unique within `taken`."""
    if text in taken:
        return taken[text]
    base = re.sub(r"[^A-Za-z0-9_]", "_", text) or "x"
    if not base[0].isalpha():
        base = "n_" + base
    if base.lower() in {"end", "graph", "subgraph", "style", "class", "click"}:
        base = "n_" + base
    candidate, i = base, 2
    while candidate in taken.values():
        candidate, i = f"{base}_{i}", i + 1
    taken[text] = candidate
    return candidate


def flowchart(graph: Graph) -> str:
    ids: dict[str, str] = {}
    lines = ["flowchart LR"]
    for node in sorted(graph.nodes, key=lambda n: (n.column, graph.nodes.index(n))):
        open_, close = _KIND_SHAPE.get(node.kind, ('["', '"]'))
        text = label(node.label)
        if node.tech:
            text += f"<br/><small>{label(node.tech)}</small>"
        if node.stateful:
            text += "<br/>◆ stateful"
        lines.append(f"    {ident(node.id, ids)}{open_}{text}{close}")
    for edge in graph.edges:
        arrow = "-.->" if edge.async_ else "-->"
        text = f'|"{label(edge.label)}"|' if edge.label else ""
        lines.append(f"    {ident(edge.source, ids)} {arrow}{text} {ident(edge.target, ids)}")
    stateful = [ids[n.id] for n in graph.nodes if n.stateful]
    if stateful:
        lines.append("    classDef stateful stroke-width:3px")
        lines.append(f"    class {','.join(stateful)} stateful")
    return "\n".join(lines)


def sequence(seq: Sequence) -> str:
    ids: dict[str, str] = {}
    lines = ["sequenceDiagram"]
    for pid, text in seq.participants:
        # A sequence alias is the rest of the line, quotes included (they would show), so
        # it goes unquoted with entity codes; empty text keeps the identifier.
        alias = label(text).strip() or ident(pid, ids)
        lines.append(f"    participant {ident(pid, ids)} as {alias}")
    depth = 0
    for m in seq.messages:
        pad = "    " * (depth + 1)
        if m.kind == "group_start":
            lines.append(f"{pad}{m.block} {label(m.label)}")
            depth += 1
        elif m.kind == "group_else":
            word = "and" if m.block == "par" else "else"
            lines.append(f"{'    ' * depth}{word} {label(m.label)}")
        elif m.kind == "group_end":
            depth -= 1
            lines.append(f"{'    ' * (depth + 1)}end")
        else:
            arrow = {"call": "->>", "async": "-)", "reply": "-->>"}[m.kind]
            shown = f"{m.label} ({m.note})" if m.note else m.label
            text = label(shown) if shown else " "
            lines.append(f"{pad}{ident(m.source, ids)}{arrow}{ident(m.target, ids)}: {text}")
    return "\n".join(lines)


_CARDINALITY = {
    "one_to_one": "||--||",
    "many_to_one": "}o--||",
    "one_to_many": "||--o{",
    "many_to_many": "}o--o{",
}


def er(diagram: ErDiagram) -> str:
    ids: dict[str, str] = {}
    lines = ["erDiagram"]
    for e in diagram.entities:
        lines.append(f"    {ident(e.name, ids)} {{")
        for f in e.fields:
            keys = [k for k, on in (("PK", f.key), ("FK", bool(f.ref)), ("UK", f.unique)) if on]
            type_ = re.sub(r"[^A-Za-z0-9_]", "_", f.type.split("(")[0]) or "field"
            name = re.sub(r"[^A-Za-z0-9_]", "_", f.name) or "field"
            suffix = f" {','.join(keys)}" if keys else ""
            comment = ' "nullable"' if f.nullable else ""
            lines.append(f"        {type_} {name}{suffix}{comment}")
        lines.append("    }")
    for r in diagram.relations:
        card = _CARDINALITY.get(r.kind, "||--||")
        text = label(r.label or r.kind)
        lines.append(f'    {ident(r.source, ids)} {card} {ident(r.target, ids)} : "{text}"')
    return "\n".join(lines)
