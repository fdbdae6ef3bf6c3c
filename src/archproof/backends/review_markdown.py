"""Review findings as GitHub-flavoured markdown, for a pull-request comment.

Counts first, then per file one table per principle of the active findings, and the
accepted findings folded into a `<details>` block (shown, not hidden). Text that comes
from a design is escaped so it cannot break a table or inject HTML; code spans written by
rules (`like this`) are kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from archproof.backends.review_json import counts, file_of, review_of
from archproof.passes.review import Finding, Principle
from archproof.report import Report

_OUTSIDE_CODE = re.compile(r"([\\`*_\[\]{}<>#|~!])")
_SEVERITY_ICON = {"error": "🔴 error", "warning": "🟠 warning", "info": "🔵 info"}


def md_cell(text: str | None) -> str:
    """Escape text for a markdown table cell; balanced `code spans` stay code spans."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unbalanced backtick: no code spans at all
        parts = [text]
    out: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 == 1:  # inside a code span: only the pipe and line breaks matter
            out.append("`" + part.replace("|", "\\|").replace("\n", " ") + "`")
        else:
            escaped = _OUTSIDE_CODE.sub(r"\\\1", part.replace("&", "&amp;"))
            out.append(escaped.replace("\n", "<br>"))
    return "".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _headline(findings: Sequence[Finding], files: int) -> str:
    c = counts(findings)
    parts = [
        _plural(c["error"], "error"),
        _plural(c["warning"], "warning"),
        f"{c['info']} info",
    ]
    line = f"**{' · '.join(parts)}** in {_plural(files, 'design file')}"
    if c["accepted"]:
        line += f" ({c['accepted']} accepted)"
    return line


def _line(f: Finding) -> str:
    return str(f.span.line) if f.span is not None else ""


def _active_tables(findings: Sequence[Finding]) -> list[str]:
    out: list[str] = []
    for principle in Principle:
        group = [f for f in findings if f.principle is principle]
        if not group:
            continue
        out.append(f"#### {principle.value} ({principle.name})")
        out.append("")
        out.append("| Severity | Rule | Line | Element | Finding | Fix |")
        out.append("|---|---|--:|---|---|---|")
        for f in group:
            message = md_cell(f.message)
            if f.evidence:
                message += f"<br>*Evidence:* {md_cell(f.evidence)}"
            out.append(
                f"| {_SEVERITY_ICON[f.severity.value]} | {f.code} {md_cell(f.name)} "
                f"| {_line(f)} | {md_cell(str(f.element))} | {message} | {md_cell(f.fix)} |"
            )
        out.append("")
    return out


def _accepted_block(findings: Sequence[Finding]) -> list[str]:
    out = [
        f"<details><summary>{_plural(len(findings), 'accepted finding')}</summary>",
        "",
        "| Severity | Rule | Line | Element | Finding | Reason |",
        "|---|---|--:|---|---|---|",
    ]
    for f in findings:
        out.append(
            f"| {f.severity.value} | {f.code} {md_cell(f.name)} | {_line(f)} "
            f"| {md_cell(str(f.element))} | {md_cell(f.message)} | {md_cell(f.accepted)} |"
        )
    out += ["", "</details>", ""]
    return out


def render(reports: Sequence[Report]) -> str:
    """The review of every report as one markdown document."""
    every = [f for report in reports for f in review_of(report).findings]
    lines = ["## archproof review", "", _headline(every, len(reports)), ""]
    for report in reports:
        result = review_of(report)
        active = result.active()
        accepted = [f for f in result.findings if f.is_accepted]
        lines.append(f"### {md_cell(file_of(report))} — {md_cell(report.design.meta.name)}")
        lines.append("")
        if not active:
            lines.append("No findings." if not accepted else "No active findings.")
            lines.append("")
        lines += _active_tables(active)
        if accepted:
            lines += _accepted_block(accepted)
    return "\n".join(lines).rstrip("\n") + "\n"
