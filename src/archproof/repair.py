"""The repair loop's checks: a loaded design through the pipeline, the results as problems.

A driver beside `pipeline` (frontends may not import passes): `archproof design --llm`
hands `analyse` to the drafting session (`frontends.llm.loop.Session`), which calls it
after each round on the design that loaded. What it returns goes back to the model:

- review findings at warning or above (accepted ones are not active);
- saturated components (a pool at or past 100% utilization at peak);
- operations whose computed p95/p99 or availability misses the SLO;
- numbers the task states that the design does not carry (`frontends.llm.grounding`);
- answers that write a figure instead of citing it by placeholder.
"""

from __future__ import annotations

import re

from archproof.errors import DesignError, InternalError
from archproof.frontends.llm.feedback import Problem, Source
from archproof.frontends.llm.grounding import Stated, unused
from archproof.model import Design
from archproof.model.questions import PLACEHOLDER_PATTERN
from archproof.numbers import percent, seconds
from archproof.passes.capacity.result import CapacityResult
from archproof.passes.review.engine import ReviewResult
from archproof.pipeline import run
from archproof.report import Report

_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)


def analyse(
    design: Design, source: Source, stated: tuple[Stated, ...]
) -> tuple[Report | None, list[Problem]]:
    """Run the default passes; the report and the problems it shows."""
    try:
        report = run(design, source_file=source.filename)
    except (DesignError, InternalError) as exc:
        return None, [Problem("load", "analysis", "components", f"the analysis failed: {exc}")]
    return report, [*from_report(report, source, stated), *stated_figures(design)]


# A figure written into an answer's prose: a number with a unit of time, rate, size or a
# factor, the kinds the analysis computes. Percentages are left alone: in prose they are
# mostly stated targets (availability, growth, hit ratio), not computed figures.
_FIGURE = re.compile(
    r"(?<![\w{.])\d[\d,.]*\s?(?:[kMGB]\s?)?(?:ms|µs|us|s|/s|/sec|rps|qps|x|×|[KMGT]B)(?![\w])"
)


def stated_figures(design: Design) -> list[Problem]:
    """Answers that write a figure instead of citing it: the report fills placeholders from
    the analysis, so an answer's number could otherwise disagree with the tables."""
    problems = []
    for qid, text in design.answers.items():
        found = [m.group(0) for m in _FIGURE.finditer(_PLACEHOLDER.sub("", text))]
        if found:
            problems.append(
                Problem(
                    "answer",
                    f"answer:{qid}",
                    "answers",
                    f"answer {qid} writes figures itself ({', '.join(found[:4])}): cite "
                    "computed figures by placeholder ({{peak_rate:<operation>}}, "
                    "{{utilization:<component>}}, {{p99:<operation>}}, {{bottleneck}}) or "
                    "leave them out; archproof's analysis states the numbers.",
                )
            )
    return problems


def from_report(report: Report, source: Source, stated: tuple[Stated, ...]) -> list[Problem]:
    """Findings at warning or above, saturated pools, SLO misses, stated numbers unused."""
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
                "(an operation's rate, an SLO, a load or data figure) or add an assumption "
                f'whose statement quotes "{s.quantity.text}" and says why it does not apply.',
            )
        )
    return problems
