"""Review findings for a terminal (rich): grouped by principle, each with its source line.

The backend reads no files: the CLI passes the design sources in (`sources`: file name as
given → text). Everything taken from a design is put into `rich.text.Text` objects (or
escaped with `rich.markup.escape` where markup is used), so a design cannot inject markup.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.rule import Rule as Divider
from rich.text import Text

from archproof.backends.review_json import counts, file_of, review_of
from archproof.passes.review import Finding, Principle
from archproof.report import Report

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
ACCEPTED_STYLE = "dim green"
_INDENT = "    "


def _source_lines(f: Finding, sources: Mapping[str, str]) -> list[Text]:
    """The finding's source line with a caret under its column, if the source is known."""
    if f.span is None:
        return []
    source = sources.get(f.span.file)
    if source is None:
        return []
    lines = source.splitlines()
    if not 1 <= f.span.line <= len(lines):
        return []
    gutter = f"{_INDENT}{f.span.line:>5} │ "
    code = lines[f.span.line - 1].rstrip().expandtabs(1)
    caret = " " * (len(gutter) - 2) + "│ " + " " * (f.span.column - 1) + "^"
    return [
        Text.assemble((gutter, "dim"), (code, "")),
        Text(caret, style="bold magenta"),
    ]


def _finding(f: Finding, sources: Mapping[str, str]) -> list[Text]:
    where = str(f.span) if f.span is not None else "(no location)"
    if f.is_accepted:
        label, label_style = "accepted", ACCEPTED_STYLE
    else:
        label, label_style = f.severity.value, SEVERITY_STYLE[f.severity.value]
    head = Text.assemble(
        ("  ", ""),
        (f"{label:<8}", label_style),
        (" ", ""),
        (f.code, "bold"),
        (" ", ""),
        (f.name, "dim"),
        ("  ", ""),
        (where, "underline"),
        ("  ", ""),
        (str(f.element), "blue"),
    )
    out = [head, Text(_INDENT + f.message)]
    out += _source_lines(f, sources)
    if f.fix:
        out.append(Text.assemble((_INDENT + "fix: ", "green"), (f.fix, "")))
    if f.evidence:
        out.append(Text.assemble((_INDENT + "evidence: ", "cyan"), (f.evidence, "")))
    if f.accepted is not None:
        out.append(Text.assemble((_INDENT + "accepted: ", ACCEPTED_STYLE), (f.accepted, "")))
    return out


def summary_line(findings: Sequence[Finding], files: int) -> Text:
    """`2 errors, 1 warning, 0 info · 1 accepted · 3 files`, coloured by severity."""
    c = counts(findings)
    parts: list[tuple[str, str]] = []
    for severity, word in (("error", "error"), ("warning", "warning"), ("info", "info")):
        n = c[severity]
        plural = "s" if n != 1 and word != "info" else ""
        parts.append((f"{n} {word}{plural}", SEVERITY_STYLE[severity] if n else "dim"))
    text = Text()
    for i, (chunk, style) in enumerate(parts):
        text.append(", " if i else "")
        text.append(chunk, style=style)
    if c["accepted"]:
        text.append(" · ")
        text.append(f"{c['accepted']} accepted", style=ACCEPTED_STYLE)
    text.append(f" · {files} file{'s' if files != 1 else ''} reviewed")
    return text


def renderables(reports: Sequence[Report], sources: Mapping[str, str]) -> Group:
    """The review of every report: per file, findings grouped by principle; then a summary."""
    parts: list[RenderableType] = []
    every: list[Finding] = []
    for report in reports:
        result = review_of(report)
        every.extend(result.findings)
        title = f"[bold]{escape(file_of(report))}[/bold] — {escape(report.design.meta.name)}"
        parts.append(Divider(title, align="left"))
        if not result.findings:
            parts.append(Text("  no findings", style="green"))
        for principle in Principle:
            group = [f for f in result.findings if f.principle is principle]
            if not group:
                continue
            parts.append(Text(f"{principle.value} ({principle.name})", style="bold underline"))
            for f in group:
                parts.extend(_finding(f, sources))
            parts.append(Text(""))
    parts.append(summary_line(every, len(reports)))
    return Group(*parts)


def render(
    reports: Sequence[Report],
    sources: Mapping[str, str],
    *,
    width: int = 100,
    color: bool = False,
) -> str:
    """The terminal rendering as a string (plain text unless `color`)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
        soft_wrap=True,  # long source lines stay on one line (carets stay aligned)
    )
    console.print(renderables(reports, sources))
    return buffer.getvalue()
