"""Review findings as JSON with a stable, versioned schema (`archproof-review/1`).

The shape (one document per invocation, one entry per design file)::

    {
      "schema": "archproof-review/1",
      "tool": {"name": "archproof", "version": "0.1.0"},
      "files": [
        {
          "file": "examples/url_shortener.yaml",
          "design": "url-shortener",
          "findings": [
            {
              "code": "FH001", "name": "sync-call-without-timeout",
              "principle": "FH", "principle_name": "Robust failure handling",
              "severity": "error", "message": "...", "element": "operation:redirect",
              "location": {"file": "examples/url_shortener.yaml", "line": 42, "column": 7},
              "fix": "...", "evidence": null,
              "accepted": false, "accepted_reason": null,
              "fingerprint": "3f2a9c0d11e4b7a8"
            }
          ],
          "summary": {"error": 1, "warning": 0, "info": 0, "accepted": 0, "total": 1},
          "rules_run": ["CA001", "DB001", "..."]
        }
      ],
      "summary": {"error": 1, "warning": 0, "info": 0, "accepted": 0, "total": 1}
    }

Summary counts are of active (not accepted) findings by severity; `accepted` counts the
accepted ones and `total` every finding. The schema is published as
`docs/review.schema.json`, generated from `json_schema()` (a test keeps the two equal and
validates output against it). A breaking change bumps the version in `SCHEMA`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import metadata
from typing import Any

from archproof.passes.review import Finding, ReviewResult, Severity
from archproof.report import Report

SCHEMA = "archproof-review/1"
SCHEMA_ID = "urn:archproof:schema:review:1"
TOOL_NAME = "archproof"


def tool_version() -> str:
    """The installed archproof version (the package metadata is the single source)."""
    try:
        return metadata.version(TOOL_NAME)
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def review_of(report: Report) -> ReviewResult:
    """The review result of a report; empty when the review pass did not run."""
    result = report.get(ReviewResult)
    return result if result is not None else ReviewResult(findings=(), rules_run=())


def file_of(report: Report) -> str:
    """The design file a report is about, as the user gave it."""
    if report.source_file is not None:
        return report.source_file
    span = report.design.span
    return span.file if span is not None else "<design>"


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """Active findings by severity, plus the accepted ones and the total."""
    out: dict[str, int] = {s.value: 0 for s in sorted(Severity, key=lambda s: -s.rank)}
    accepted = 0
    for f in findings:
        if f.is_accepted:
            accepted += 1
        else:
            out[f.severity.value] += 1
    out["accepted"] = accepted
    out["total"] = len(findings)
    return out


def finding_json(f: Finding) -> dict[str, Any]:
    """One finding as a JSON object (see the module docstring)."""
    location = (
        {"file": f.span.file, "line": f.span.line, "column": f.span.column}
        if f.span is not None
        else None
    )
    return {
        "code": f.code,
        "name": f.name,
        "principle": f.principle.name,
        "principle_name": f.principle.value,
        "severity": f.severity.value,
        "message": f.message,
        "element": str(f.element),
        "location": location,
        "fix": f.fix,
        "evidence": f.evidence,
        "accepted": f.is_accepted,
        "accepted_reason": f.accepted,
        "fingerprint": f.fingerprint(),
    }


def document(reports: Sequence[Report], *, version: str | None = None) -> dict[str, Any]:
    """The review of every report as one JSON-ready document."""
    files: list[dict[str, Any]] = []
    every: list[Finding] = []
    for report in reports:
        result = review_of(report)
        every.extend(result.findings)
        files.append(
            {
                "file": file_of(report),
                "design": report.design.meta.name,
                "findings": [finding_json(f) for f in result.findings],
                "summary": counts(result.findings),
                "rules_run": list(result.rules_run),
            }
        )
    return {
        "schema": SCHEMA,
        "tool": {"name": TOOL_NAME, "version": version or tool_version()},
        "files": files,
        "summary": counts(every),
    }


def render(reports: Sequence[Report], *, version: str | None = None) -> str:
    """The review of every report as JSON text (schema `archproof-review/1`)."""
    return json.dumps(document(reports, version=version), indent=2, ensure_ascii=False) + "\n"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `render`'s output: docs/review.schema.json."""
    count = {"type": "integer", "minimum": 0}
    summary = _object(
        {
            "error": count,
            "warning": count,
            "info": count,
            "accepted": count,
            "total": count,
        },
        "Active (not accepted) findings by severity; `accepted` and `total` over all findings.",
    )
    location = _object(
        {
            "file": {"type": "string", "description": "Design file as given by the user."},
            "line": {"type": "integer", "minimum": 1, "description": "1-based line."},
            "column": {"type": "integer", "minimum": 1, "description": "1-based column."},
        },
        "Where the element that causes the finding is written.",
    )
    text = {"type": "string"}
    finding = _object(
        {
            "code": {
                "type": "string",
                "pattern": r"^[A-Z]{1,2}\d{3}$",
                "description": "Rule code: principle prefix + 3 digits (never reused).",
            },
            "name": {"type": "string", "description": "Rule name: the pattern flagged."},
            "principle": {
                "type": "string",
                "pattern": "^[A-Z]{1,2}$",
                "description": "Principle prefix (ST, DB, OP, CA, EV, OB, FH, DS, PY, AP, Q).",
            },
            "principle_name": {"type": "string", "description": "The principle, in words."},
            "severity": {"enum": ["error", "warning", "info"]},
            "message": text,
            "element": {
                "type": "string",
                "description": "The element as kind:id (component:db, operation:x) or design.",
            },
            "location": _nullable({"$ref": "#/$defs/location"}),
            "fix": _nullable(text),
            "evidence": _nullable(text),
            "accepted": {
                "type": "boolean",
                "description": "Accepted by the author in the design (`accept:`).",
            },
            "accepted_reason": _nullable(text),
            "fingerprint": {
                "type": "string",
                "pattern": "^[0-9a-f]{16}$",
                "description": "Stable across runs and line moves (code, element, message).",
            },
        },
        "One review finding.",
    )
    file = _object(
        {
            "file": {"type": "string", "description": "Design file as given by the user."},
            "design": {"type": "string", "description": "meta.name of the design."},
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
            "summary": {"$ref": "#/$defs/summary"},
            "rules_run": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Codes of the rules that ran on this file.",
            },
        },
        "The review of one design file.",
    )
    schema = _object(
        {
            "schema": {"const": SCHEMA, "description": "Format and version of this document."},
            "tool": _object(
                {"name": {"const": TOOL_NAME}, "version": {"type": "string"}},
                "The program that wrote the document.",
            ),
            "files": {"type": "array", "items": {"$ref": "#/$defs/file"}},
            "summary": {"$ref": "#/$defs/summary"},
        },
        "Output of `archproof review --format json`.",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "$comment": "generated by archproof.backends.review_json.json_schema(); "
        "regenerate with `pytest --update-golden`",
        "title": "archproof review",
        **schema,
        "$defs": {"summary": summary, "location": location, "finding": finding, "file": file},
    }


def render_schema() -> str:
    """`json_schema()` as the text of docs/review.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
