"""What goes back to the model: every problem archproof found, with the YAML it points at.

A problem belongs to the section that wrote the part of the design it points at (the
top-level key of its line), so a repair round re-asks only those sections. Problems are:

- load: the loader's located errors (AP codes), as `archproof check` prints them;
- finding: review findings at warning or above (accepted ones excluded);
- saturated: a pool at or past 100% utilization at peak;
- slo: an operation's computed p95/p99 or availability missing its target;
- unused: a number the task states that the design does not carry (`grounding`).

Each has a stable `key` (the code and the element, never the figures), so the summary can
say which problems the loop fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archproof.errors import DesignError
from archproof.frontends.llm.grounding import Stated, unused
from archproof.numbers import percent, seconds
from archproof.span import Span

if TYPE_CHECKING:
    from archproof.report import Report

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


def from_report(report: Report, source: Source, stated: tuple[Stated, ...]) -> list[Problem]:
    """Findings at warning or above, saturated pools, SLO misses, stated numbers unused."""
    from archproof.passes.capacity.result import CapacityResult
    from archproof.passes.review.engine import ReviewResult

    design = report.design
    problems: list[Problem] = []
    review = report.get(ReviewResult)
    if review is not None:
        for f in review.active():
            if str(f.severity) not in ("warning", "error"):
                continue
            fix = f" Fix: {f.fix}" if f.fix else ""
            evidence = f" Evidence: {f.evidence}." if f.evidence else ""
            problems.append(
                Problem(
                    "finding",
                    f"finding:{f.code}:{f.element}",
                    source.section_of(f.span, str(f.element)),
                    f"{f.severity} {f.code} ({f.name}) on {f.element}: {f.message}.{evidence}{fix}",
                    source.excerpt(f.span),
                )
            )
    capacity = report.get(CapacityResult)
    rates: dict[str, tuple[float, float]] = {}
    if capacity is not None:
        for c in capacity.components:
            if str(c.status) != "saturated":
                continue
            pools = ", ".join(
                f"{p.name} {percent(p.utilization.value)}"
                for p in c.pools
                if str(p.status) == "saturated"
            )
            span = design.component(c.id).span if c.id in design.component_map else None
            problems.append(
                Problem(
                    "saturated",
                    f"saturated:{c.id}",
                    "components",
                    f"component '{c.id}' is saturated at peak (utilization {pools}): it "
                    "cannot keep up. Add replicas, read replicas or concurrency, cache "
                    "reads, or move work off the request path.",
                    source.excerpt(span),
                )
            )
        for op in capacity.operations:
            rates[op.id] = (op.rate_average.value or 0.0, op.rate_peak.value or 0.0)
            for check in op.slo:
                if str(check.status) not in ("violated", "saturated"):
                    continue
                figure = check.figure.value
                if check.metric == "availability":
                    shown = f"{percent(figure)} vs target {percent(check.target)}"
                else:
                    shown = f"{seconds(figure)} vs target {seconds(check.target)}"
                span = design.operation(op.id).span if op.id in design.operation_map else None
                problems.append(
                    Problem(
                        "slo",
                        f"slo:{op.id}:{check.metric}",
                        "components",
                        f"operation '{op.id}' misses its {check.metric} SLO at peak: {shown} "
                        f"({check.status}). Faster or fewer calls on its path, more capacity "
                        "where it waits, or a cache.",
                        source.excerpt(span),
                    )
                )
    for s in unused(stated, design, rates):
        where = "requirements" if s.kind in ("people", "retention", "peak_factor") else None
        problems.append(
            Problem(
                "unused",
                f"unused:{s.quantity.start}",
                where or source.owner("operations"),
                f"the task states {s.fact()}, and the design does not use it: carry it "
                "(an operation's rate, an SLO, a load or data figure) or say in an "
                "assumption why it does not apply.",
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
