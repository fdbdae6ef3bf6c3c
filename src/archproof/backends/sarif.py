"""Review findings as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run per invocation holds every file's results. `tool.driver.rules` carries the
documentation (from the docstring sections) of each rule with results; each result points
at the design file's line and column and carries a stable `partialFingerprints` entry
(`<Finding.fingerprint()>:<occurrence in the file>`); accepted findings carry an
`inSource` suppression with the author's reason. Valid against the official OASIS schema
(checked in tests/test_backends_review.py).

Given a `base` (the CLI passes the repository root, or the working directory outside a
repository), artifact locations are relative to it with `"uriBaseId": "SRCROOT"`, so the
log is the same from any directory and carries no machine path; files outside it keep an
absolute `file:` URI.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from archproof.backends.review_json import TOOL_NAME, file_of, review_of, tool_version
from archproof.passes.review import Finding, Rule, Severity, all_rules
from archproof.report import Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "archproofFingerprint/v1"
# Where SARIF viewers send people to read about the tool; change it when the project has a home.
INFORMATION_URI = "https://pypi.org/project/archproof/"

LEVELS: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}

# Sections holding YAML designs; in markdown help they become fenced code blocks.
_YAML_SECTIONS = ("Example", "Use instead")


def artifact_uri(file: str) -> str:
    """A URI reference for a design file: the relative path as given, with forward slashes."""
    if PureWindowsPath(file).drive or PurePosixPath(file).is_absolute():
        path = PureWindowsPath(file) if PureWindowsPath(file).drive else PurePosixPath(file)
        return path.as_uri()
    return quote(file.replace("\\", "/"), safe="/")


BASE_ID = "SRCROOT"


@dataclass(frozen=True)
class Base:
    """Where relative artifact URIs start: `root` (absolute), for paths given from `cwd`."""

    root: PurePath
    cwd: PurePath

    def relative(self, file: str) -> str | None:
        """`file` relative to the root, with forward slashes; None when outside it."""
        given = PurePosixPath(file.replace("\\", "/"))
        whole = given if given.is_absolute() else PurePosixPath(self.cwd.as_posix()) / given
        normal = PurePosixPath(posixpath.normpath(whole.as_posix()))  # `..` resolved, no I/O
        try:
            return normal.relative_to(PurePosixPath(self.root.as_posix())).as_posix()
        except ValueError:
            return None


def artifact_location(file: str, base: Base | None) -> dict[str, str]:
    """`{"uri", "uriBaseId"}` relative to `base` when given and inside it, else `{"uri"}`."""
    if base is not None:
        relative = base.relative(file)
        if relative is not None:
            return {"uri": quote(relative, safe="/"), "uriBaseId": BASE_ID}
    return {"uri": artifact_uri(file)}


def help_text(rule: Rule) -> str:
    """The rule's documentation as plain text: summary, then each section."""
    parts = [rule.summary]
    for title, body in rule.sections.items():
        indented = "\n".join(f"  {line}" if line else "" for line in body.splitlines())
        parts.append(f"{title}:\n{indented}")
    return "\n\n".join(parts)


def help_markdown(rule: Rule) -> str:
    """The rule's documentation as markdown; YAML examples in fenced blocks."""
    parts = [f"**{rule.code} {rule.name}**: {rule.summary}"]
    for title, body in rule.sections.items():
        if title in _YAML_SECTIONS:
            parts.append(f"### {title}\n\n```yaml\n{body}\n```")
        else:
            parts.append(f"### {title}\n\n{body}")
    return "\n\n".join(parts)


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A SARIF reportingDescriptor for a registered rule."""
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": rule.sections.get("What it checks") or rule.summary},
        "help": {"text": help_text(rule), "markdown": help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.principle.value]},
    }


def _finding_descriptor(f: Finding) -> dict[str, Any]:
    """A descriptor for a finding no registered rule documents (e.g. the engine's AP040)."""
    return {
        "id": f.code,
        "name": f.name,
        "shortDescription": {"text": f"{f.code} {f.name}"},
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {"tags": [f.principle.value]},
    }


def _message(f: Finding) -> str:
    text = f.message
    if f.fix:
        text += f"\nFix: {f.fix}"
    if f.evidence:
        text += f"\nEvidence: {f.evidence}"
    return text


def _location(f: Finding, file: str, base: Base | None) -> dict[str, Any]:
    if f.span is None:  # still point at the file, so viewers can show it
        return {"physicalLocation": {"artifactLocation": artifact_location(file, base)}}
    return {
        "physicalLocation": {
            "artifactLocation": artifact_location(f.span.file, base),
            "region": {"startLine": f.span.line, "startColumn": f.span.column},
        }
    }


def _result(
    f: Finding, index: int, file: str, occurrence: int, base: Base | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": _message(f)},
        "locations": [_location(f, file, base)],
        "partialFingerprints": {FINGERPRINT_KEY: f"{f.fingerprint()}:{occurrence}"},
        "properties": {"element": str(f.element), "principle": f.principle.value},
    }
    if f.accepted is not None:
        result["suppressions"] = [
            {"kind": "inSource", "status": "accepted", "justification": f.accepted}
        ]
    return result


def document(
    reports: Sequence[Report],
    *,
    rules: Sequence[Rule] | None = None,
    version: str | None = None,
    base: Base | None = None,
) -> dict[str, Any]:
    """One SARIF log with one run holding every report's results.

    `rules` documents the codes (default: every registered rule). The driver lists the
    rules the results refer to (not every rule that ran: the log stays small, and a
    rule's docs reach viewers through the results that need them).
    """
    known = {r.code: r for r in (all_rules() if rules is None else rules)}
    codes: set[str] = set()
    fallback: dict[str, Finding] = {}
    for report in reports:
        for f in review_of(report).findings:
            codes.add(f.code)
            if f.code not in known:
                fallback.setdefault(f.code, f)
    ordered = sorted(codes)
    index = {code: i for i, code in enumerate(ordered)}
    descriptors = [
        rule_descriptor(known[c]) if c in known else _finding_descriptor(fallback[c])
        for c in ordered
    ]
    results: list[dict[str, Any]] = []
    for report in reports:
        file = file_of(report)
        seen: Counter[str] = Counter()
        for f in review_of(report).findings:
            # Two findings can share a fingerprint (same rule, element and message on two
            # lines); the occurrence number, in file order, keeps them apart (as CodeQL does).
            seen[f.fingerprint()] += 1
            results.append(_result(f, index[f.code], file, seen[f.fingerprint()], base))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": version or tool_version(),
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True}],
        "results": results,
    }
    if base is not None:
        # No `uri`: the consumer (a CI checkout) knows where the repository is; this machine's
        # path would only leak it.
        run["originalUriBaseIds"] = {
            BASE_ID: {
                "description": {
                    "text": "The repository root (the working directory outside a repository)."
                }
            }
        }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(
    reports: Sequence[Report],
    *,
    rules: Sequence[Rule] | None = None,
    version: str | None = None,
    base: Base | None = None,
) -> str:
    """The review of every report as SARIF 2.1.0 JSON text."""
    log = document(reports, rules=rules, version=version, base=base)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
