"""dbcheck results → text (terminal) and JSON. Only renders: the CLI prints."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from enum import Enum
from typing import Any

import archproof.numbers as numbers
from archproof.passes.dbcheck import DbcheckResult, PatternCheck
from archproof.passes.dbcheck.result import DbFinding, EngineRun


def _rows(n: float) -> str:
    return f"{n:,.0f}"


def _fig(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def verdict(run: EngineRun, check: PatternCheck) -> str:
    """ok, or the codes of the findings on this pattern."""
    codes = [
        f.code for f in run.findings if f.entity == check.entity and f.pattern == check.pattern
    ]
    return ", ".join(codes) if codes else "ok"


def _table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in
              enumerate(headers)]  # fmt: skip
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def _finding(f: DbFinding) -> list[str]:
    where = f"{f.span}: " if f.span is not None else ""
    out = [f"{where}{f.code} [{f.severity.value}] {f.message}", "    plan:"]
    out += [f"      {line}" for line in f.evidence]
    if f.fix is not None:
        if f.fix.sql:
            state = "verified" if f.fix.verified else "NOT verified"
            out.append(f"    fix ({state} in the scratch schema): {f.fix.sql}")
            if f.fix.plan is not None:
                out.append("    plan with it:")
                out += [f"      {line}" for line in f.fix.plan.text]
        if f.fix.note:
            out.append(f"    note: {f.fix.note}")
    return out


def render_text(result: DbcheckResult, *, title: str) -> str:
    """The plan summary per access pattern and engine, then the findings with evidence."""
    scale = result.scale
    out = [
        f"dbcheck: {title}",
        f"scale: {numbers.sig(scale.factor)} of the design's rows (largest table capped at "
        f"{scale.max_rows:,} rows; --rows / --scale), seed {result.seed}",
    ]
    for run in result.runs:
        out += ["", f"{run.engine} ({run.version}): loaded in {run.load_s:.2f} s, "
                f"checked in {run.check_s:.2f} s; scratch {run.where} removed"]  # fmt: skip
        rows = [
            (
                t.entity,
                _rows(t.design_rows) + (" (assumed)" if t.assumed else ""),
                _rows(t.rows),
                _rows(t.dropped),
                f"{t.load_s:.2f}",
            )
            for t in run.tables
        ]
        out += _table(("table", "design rows", "loaded", "dropped dup.", "load s"), rows)
        out.append("")
        checks = [
            (
                f"{c.entity}.{c.pattern}",
                c.kind,
                c.plan.summary,
                _fig(c.plan.rows_examined),
                _fig(c.plan.rows_returned),
                f"{c.p50_ms:.2f}",
                f"{c.p95_ms:.2f}",
                verdict(run, c),
            )
            for c in run.checks
        ]
        out += _table(
            ("access pattern", "kind", "plan", "examined", "returned", "p50 ms", "p95 ms",
             "verdict"),
            checks,
        )  # fmt: skip
        for note in run.notes:
            out.append(f"note: {note}")
    findings = result.findings
    out += ["", f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"]
    for f in findings:
        out += ["", *_finding(f)]
    return "\n".join(out) + "\n"


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def render_json(result: DbcheckResult, *, design: str, file: str) -> str:
    """The whole result as JSON (spans as file:line:col strings)."""
    body = _plain(result)
    for run in body["runs"]:
        for item in (*run["checks"], *run["findings"]):
            item["span"] = None if item["span"] is None else _span(item["span"])
    return json.dumps({"design": design, "file": file, **body}, indent=2, ensure_ascii=False)


def _span(span: Any) -> str:
    if isinstance(span, dict):
        return f"{span.get('file')}:{span.get('line')}:{span.get('column')}"
    return str(span)
