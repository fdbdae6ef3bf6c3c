"""What goes back to the model: every problem archproof found, with the YAML it points at.

A problem belongs to the section that wrote the part of the design it points at (the
top-level key of its line), so a repair round re-asks only those sections. Problems are:

- load: the loader's located errors (AP codes), as `archproof check` prints them;
- finding: review findings at warning or above (accepted ones excluded);
- saturated: a pool at or past 100% utilization at peak;
- slo: an operation's computed p95/p99 or availability missing its target;
- unused: a number the task states that the design does not carry (`grounding`).

Each has a stable `key` (the code and the element, never the figures), so the summary can
say which problems the loop fixed. The analysis' problems are read by `archproof.repair`
(a driver beside the pipeline: frontends do not import passes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archproof.errors import DesignError
from archproof.span import Span

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):")
EXCERPT_LINES = 3  # each side of the line a problem points at
MAX_PROBLEMS_PER_SECTION = 12

# Top-level key → the section that writes it (operations: see `owner`).
_OWNERS = {
    "meta": "requirements",
    "requirements": "requirements",
    "components": "components",
    "entities": "entities",
    "events": "entities",
    "observability": "failure",
    "scenarios": "failure",
    "decisions": "decisions",
    "accept": "decisions",
    "answers": "answers",
}
_ELEMENT_KEYS = {
    "component": "components",
    "operation": "operations",
    "entity": "entities",
    "event": "events",
    "assumption": "requirements",
    "design": "meta",
}


@dataclass(frozen=True)
class Problem:
    """One thing to fix, for one section."""

    kind: str  # load, finding, saturated, slo, unused, reply
    key: str  # stable identity: kind, code, element
    section: str
    text: str
    excerpt: str = ""

    def render(self) -> str:
        body = f"- [{self.kind}] {self.text}"
        if self.excerpt:
            body += "\n" + "\n".join(f"    {line}" for line in self.excerpt.splitlines())
        return body


@dataclass(frozen=True)
class Source:
    """The YAML text a round produced, to locate problems in it."""

    yaml: str
    operations_owner: str  # "failure" once that section has written operations
    filename: str = "design.yaml"

    def owner(self, key: str) -> str:
        if key == "operations":
            return self.operations_owner
        return _OWNERS.get(key, "requirements")

    def top_key(self, line: int) -> str:
        lines = self.yaml.splitlines()
        for index in range(min(line, len(lines)) - 1, -1, -1):
            match = _TOP_KEY.match(lines[index])
            if match:
                return match.group(1)
        return "meta"

    def excerpt(self, span: Span | None) -> str:
        if span is None or span.line < 1:
            return ""
        lines = self.yaml.splitlines()
        first = max(1, span.line - EXCERPT_LINES)
        last = min(len(lines), span.line + EXCERPT_LINES)
        width = len(str(last))
        out = []
        for number in range(first, last + 1):
            mark = ">" if number == span.line else " "
            out.append(f"{mark}{number:>{width}} | {lines[number - 1]}")
        return "\n".join(out)

    def section_of(self, span: Span | None, element: str | None = None) -> str:
        if span is not None and span.line >= 1:
            return self.owner(self.top_key(span.line))
        kind = (element or "").split(":", 1)[0]
        return self.owner(_ELEMENT_KEYS.get(kind, "meta"))


def from_load_error(error: DesignError, source: Source) -> list[Problem]:
    problems = []
    for d in error.diagnostics:
        hint = f" (hint: {d.hint})" if d.hint else ""
        where = f"line {d.span.line}: " if d.span else ""
        problems.append(
            Problem(
                "load",
                f"load:{d.code}:{d.message}",
                source.section_of(d.span),
                f"{where}{d.code} {d.message}{hint}",
                source.excerpt(d.span),
            )
        )
    return problems


def by_section(problems: list[Problem]) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = {}
    for p in problems:
        bucket = out.setdefault(p.section, [])
        if len(bucket) < MAX_PROBLEMS_PER_SECTION:
            bucket.append(p)
    return out
