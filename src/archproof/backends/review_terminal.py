"""Review findings for a terminal (rich): grouped by principle, each with its source line.

The backend reads no files: the CLI passes the design sources in (`sources`: file name as
given → text). Everything taken from a design is put into `rich.text.Text` objects (or
escaped with `rich.markup.escape` where markup is used), so a design cannot inject markup.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markup import escape
from rich.padding import Padding
from rich.rule import Rule as Divider
from rich.text import Text

from archproof.backends.review_json import counts, file_of, review_of
from archproof.passes.review import Finding, Principle
from archproof.report import Report

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
ACCEPTED_STYLE = "dim green"
_INDENT = "    "


class _Source:
    """The finding's source line with a caret under its column, fitted to the width: a
    line longer than the console is cut with `…` (around the caret when it lies beyond),
    never wrapped, so the caret stays under its column."""

    def __init__(self, line: int, code: str, column: int) -> None:
        self.gutter = f"{_INDENT}{line:>5} │ "
        self.code = code
        self.column = column

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(8, options.max_width - len(self.gutter))
        code, at = self.code, self.column - 1
        if len(code) > room:
            start = 0 if at < room - 1 else at - room // 2
            code = ("…" if start else "") + code[start + (1 if start else 0) :]
            at -= start
            if len(code) > room:
                code = code[: room - 1] + "…"
        caret = " " * (len(self.gutter) - 2) + "│ " + " " * at + "^"
        yield Text.assemble((self.gutter, "dim"), (code, ""), no_wrap=True, overflow="crop")
        yield Text(caret, style="bold magenta", no_wrap=True, overflow="crop")


def _source_lines(f: Finding, sources: Mapping[str, str]) -> list[RenderableType]:
    """The finding's source line with a caret under its column, if the source is known."""
    if f.span is None:
        return []
    source = sources.get(f.span.file)
    if source is None:
        return []
    lines = source.splitlines()
    if not 1 <= f.span.line <= len(lines):
        return []
    code = lines[f.span.line - 1].rstrip().expandtabs(1)
    return [_Source(f.span.line, code, f.span.column)]


def _indented(text: Text, indent: int = len(_INDENT)) -> Padding:
    """A paragraph wrapped between words at the console's width, every line indented."""
    return Padding(text, (0, 0, 0, indent))


def _finding(f: Finding, sources: Mapping[str, str]) -> list[RenderableType]:
    where = str(f.span) if f.span is not None else "(no location)"
    if f.is_accepted:
        label, label_style = "accepted", ACCEPTED_STYLE
    else:
        label, label_style = f.severity.value, SEVERITY_STYLE[f.severity.value]
    head = Text.assemble(
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
    out: list[RenderableType] = [_indented(head, 2), _indented(Text(f.message))]
    out += _source_lines(f, sources)
    if f.fix:
        out.append(_indented(Text.assemble(("fix: ", "green"), (f.fix, ""))))
    if f.evidence:
        out.append(_indented(Text.assemble(("evidence: ", "cyan"), (f.evidence, ""))))
    if f.accepted is not None:
        out.append(_indented(Text.assemble(("accepted: ", ACCEPTED_STYLE), (f.accepted, ""))))
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
        emoji=False,  # design text such as ':smile:' prints as written (issue 12)
    )
    # prose wraps between words; source lines are cut to the width (carets stay aligned)
    console.print(renderables(reports, sources), soft_wrap=False)
    return buffer.getvalue()
