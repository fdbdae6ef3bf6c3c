"""The data section's evidence from a real database (`report --dbcheck`): a plan per access
pattern and engine, and each finding with its plan and the re-checked fixing index."""

from __future__ import annotations

import archproof.numbers as numbers
from archproof.backends.report.document import Badge, Block, Cell, Note, Section, Table, Tone
from archproof.passes.dbcheck import DbcheckResult
from archproof.passes.review.finding import Severity
from archproof.report import Report

_TONE: dict[Severity, Tone] = {
    Severity.ERROR: "bad",
    Severity.WARNING: "warn",
    Severity.INFO: "info",
}


def _figure(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def dbcheck_section(report: Report) -> Section | None:
    """The section, or None when dbcheck did not run."""
    result = report.get(DbcheckResult)
    if result is None:
        return None
    scale = result.scale
    blocks: list[Block] = [
        Note(
            f"Synthetic rows at {numbers.sig(scale.factor)} of the design's scale (largest table "
            f"capped at {scale.max_rows:,} rows), loaded into a scratch database that was "
            "discarded afterwards. Plans are each engine's own; latency is measured, not "
            "modelled.",
            "info",
        )
    ]
    for run in result.runs:
        rows: list[tuple[Cell, ...]] = []
        for c in run.checks:
            found = [f for f in run.findings if (f.entity, f.pattern) == (c.entity, c.pattern)]
            verdict: Cell = (
                Badge(", ".join(f.code for f in found), _TONE[max(f.severity for f in found)])
                if found
                else Badge("ok", "good")
            )
            rows.append(
                (
                    f"{c.entity}.{c.pattern}",
                    c.plan.summary,
                    _figure(c.plan.rows_examined),
                    _figure(c.plan.rows_returned),
                    f"{c.p50_ms:.2f}",
                    f"{c.p95_ms:.2f}",
                    verdict,
                )
            )
        blocks.append(
            Table(
                (
                    "Access pattern",
                    "Plan",
                    "Rows examined",
                    "Rows returned",
                    "p50 ms",
                    "p95 ms",
                    "Verdict",
                ),
                tuple(rows),
                caption=f"{run.version}: {sum(t.rows for t in run.tables):,} rows loaded "
                f"in {run.load_s:.1f} s",
                numeric=(2, 3, 4, 5),
            )
        )
    findings = result.findings
    if findings:
        evidence: list[tuple[Cell, ...]] = []
        for f in findings:
            fix = "—"
            after = "—"
            if f.fix is not None:
                fix = f.fix.sql or f.fix.note
                if f.fix.plan is not None:
                    state = "verified" if f.fix.verified else "not verified"
                    after = f"{state}: " + " / ".join(f.fix.plan.text)
            evidence.append(
                (
                    Badge(f.code, _TONE[f.severity]),
                    f"{f.entity}.{f.pattern} ({f.engine})",
                    " / ".join(f.evidence),
                    fix,
                    after,
                )
            )
        blocks.append(
            Table(
                ("Code", "Access pattern", "Plan (evidence)", "Fix", "Plan with the fix"),
                tuple(evidence),
                caption="Findings measured on the database",
            )
        )
    return Section("dbcheck", "Measured on a real database", tuple(blocks))
