"""The review backends: JSON (own schema), SARIF 2.1.0 (official schema), markdown, terminal.

Backend tests build findings directly (no dependence on which rules exist); the golden
tests render every bundled example (`pytest --update-golden` rewrites the goldens).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archproof.backends import review_json, review_markdown, review_terminal, sarif
from archproof.frontends.yaml_loader import load_design, load_text
from archproof.model import ElementRef
from archproof.passes.base import Results
from archproof.passes.review import Finding, Principle, ReviewResult, Rule, Severity
from archproof.pipeline import run
from archproof.report import Report
from archproof.span import Span

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
REVIEW_SCHEMA_FILE = ROOT / "docs" / "review.schema.json"
GOLDEN = Path(__file__).parent / "golden" / "review"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

FILE = "designs/shop.yaml"
SOURCE = """\
meta: {name: "shop | <b>[bold]x[/bold]</b>"}
components:
  api:
    kind: service
    tech: stateless-service
  db:
    kind: database
    tech: postgresql
"""


def _never(ctx: object) -> Any:
    return iter(())


SECTIONS = {
    "What it checks": "A synchronous call with no `timeout`.",
    "Why it matters": "Robust failure handling: a hung callee holds the caller's workers.",
    "Example": "components:\n  api: {kind: service}",
    "Use instead": "components:\n  api: {kind: service, timeout: 1s}",
    "Evidence": "The capacity pass shows the pool exhausted.",
}
RULES = (
    Rule(
        "FH901",
        "sync-call-without-timeout",
        Principle.FH,
        Severity.ERROR,
        _never,
        "A synchronous remote call has no timeout.",
        SECTIONS,
    ),
    Rule(
        "CA901",
        "cache-without-justification",
        Principle.CA,
        Severity.WARNING,
        _never,
        "A cache with no stated reason.",
        SECTIONS,
    ),
    Rule("OB901", "no-p99-metric", Principle.OB, Severity.INFO, _never, "No p99.", SECTIONS),
)


def findings(file: str = FILE, shift: int = 0) -> tuple[Finding, ...]:
    def at(line: int, column: int) -> Span:
        return Span(file=file, line=line + shift, column=column)

    return (
        Finding(
            "FH901",
            "sync-call-without-timeout",
            Principle.FH,
            Severity.ERROR,
            ElementRef.component("api"),
            "api calls db | no timeout <script>alert(1)</script> [red]x[/red]",
            span=at(3, 3),
            fix="set `timeout: 200ms` on the call",
            evidence="pool of 64 exhausted in 2.1 s",
        ),
        Finding(
            "CA901",
            "cache-without-justification",
            Principle.CA,
            Severity.WARNING,
            ElementRef.component("db"),
            "a *bold* claim with a pipe | and _under_ scores",
            span=at(6, 3),
            accepted="hot keys | measured at 40k rps [prod]",
        ),
        Finding(
            "OB901",
            "no-p99-metric",
            Principle.OB,
            Severity.INFO,
            ElementRef.design(),
            "no p99 metric",
            span=None,
        ),
        Finding(
            "AP040",
            "stale-acceptance",
            Principle.AP,
            Severity.WARNING,
            ElementRef.design(),
            "acceptance of XX999 matches no finding (no such rule ran)",
            span=at(1, 1),
            fix="remove `XX999` from `accept:`",
        ),
    )


def report(file: str = FILE, shift: int = 0) -> Report:
    design = load_text("#\n" * shift + SOURCE, file)
    result = ReviewResult(findings=findings(file, shift), rules_run=("CA901", "FH901", "OB901"))
    return Report(design=design, results=Results.of(review=result), source_file=file)


# ---- SARIF -------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema() -> None:
    log = json.loads(sarif.render([report(), report("other/dir/x y.yaml")], rules=RULES))
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log), key=str)
    assert not errors, "\n".join(str(e) for e in errors[:3])


def test_sarif_content() -> None:
    log = json.loads(sarif.render([report(), report("other/dir/x y.yaml")], rules=RULES))
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "archproof" and driver["version"] and driver["informationUri"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["AP040", "CA901", "FH901", "OB901"]
    fh = driver["rules"][ids.index("FH901")]
    assert fh["name"] == "sync-call-without-timeout"
    assert fh["shortDescription"]["text"] == "A synchronous remote call has no timeout."
    assert fh["fullDescription"]["text"] == SECTIONS["What it checks"]
    assert fh["defaultConfiguration"]["level"] == "error"
    assert fh["properties"]["tags"] == ["Robust failure handling"]
    assert "Why it matters" in fh["help"]["text"]
    assert "```yaml\ncomponents:" in fh["help"]["markdown"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert levels["OB901"] == "note" and levels["CA901"] == "warning"

    results = run_["results"]
    assert len(results) == 8  # one run, both files' results
    first = results[0]
    assert first["ruleId"] == "FH901" and ids[first["ruleIndex"]] == "FH901"
    assert first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "designs/shop.yaml"
    assert location["region"] == {"startLine": 3, "startColumn": 3}
    fingerprint = f"{findings()[0].fingerprint()}:1"
    assert first["partialFingerprints"] == {"archproofFingerprint/v1": fingerprint}
    assert "Fix: set `timeout: 200ms`" in first["message"]["text"]
    accepted = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in accepted] == ["CA901", "CA901"]
    assert accepted[0]["suppressions"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "hot keys | measured at 40k rps [prod]",
        }
    ]
    # no span: still located on the file, without a region
    ob = next(r for r in results if r["ruleId"] == "OB901")
    assert ob["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "designs/shop.yaml"}
    }
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "other/dir/x%20y.yaml" in uris


@pytest.mark.parametrize(
    ("given", "uri"),
    [
        ("examples/a.yaml", "examples/a.yaml"),
        ("examples\\win\\a.yaml", "examples/win/a.yaml"),
        ("/abs/a b.yaml", "file:///abs/a%20b.yaml"),
        ("C:\\d\\a.yaml", "file:///C:/d/a.yaml"),
    ],
)
def test_artifact_uri(given: str, uri: str) -> None:
    assert sarif.artifact_uri(given) == uri


def test_sarif_with_no_findings_is_valid() -> None:
    design = load_text(SOURCE, FILE)
    empty = Report(design=design, results=Results.of(review=ReviewResult((), ())), source_file=FILE)
    log = json.loads(sarif.render([empty], rules=RULES))
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


# ---- JSON --------------------------------------------------------------------------------


def test_published_schema_is_generated(update_golden: bool) -> None:
    text = review_json.render_schema()
    if update_golden:
        REVIEW_SCHEMA_FILE.write_text(text, "utf-8")
    assert REVIEW_SCHEMA_FILE.read_text("utf-8") == text, "run pytest --update-golden"
    jsonschema.Draft202012Validator.check_schema(json.loads(text))


def test_json_validates_against_its_published_schema() -> None:
    schema = json.loads(REVIEW_SCHEMA_FILE.read_text("utf-8"))
    doc = json.loads(review_json.render([report(), report("b.yaml")]))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["schema"] == "archproof-review/1"
    assert doc["tool"]["name"] == "archproof"
    (file, _) = doc["files"]
    assert file["file"] == FILE and file["design"] == "shop | <b>[bold]x[/bold]</b>"
    assert file["rules_run"] == ["CA901", "FH901", "OB901"]
    fh = file["findings"][0]
    assert fh == {
        "code": "FH901",
        "name": "sync-call-without-timeout",
        "principle": "FH",
        "principle_name": "Robust failure handling",
        "severity": "error",
        "message": findings()[0].message,
        "element": "component:api",
        "location": {"file": FILE, "line": 3, "column": 3},
        "fix": "set `timeout: 200ms` on the call",
        "evidence": "pool of 64 exhausted in 2.1 s",
        "accepted": False,
        "accepted_reason": None,
        "fingerprint": findings()[0].fingerprint(),
    }
    ca = file["findings"][1]
    assert ca["accepted"] is True and ca["accepted_reason"].startswith("hot keys")
    assert file["findings"][2]["location"] is None
    assert file["summary"] == {"error": 1, "warning": 1, "info": 1, "accepted": 1, "total": 4}
    assert doc["summary"] == {"error": 2, "warning": 2, "info": 2, "accepted": 2, "total": 8}


def test_schema_rejects_a_wrong_document() -> None:
    schema = json.loads(REVIEW_SCHEMA_FILE.read_text("utf-8"))
    doc = json.loads(review_json.render([report()]))
    doc["files"][0]["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(doc)


def test_fingerprints_survive_a_line_shift() -> None:
    """Real findings through the pipeline: a comment line on top moves lines, not identity."""
    text = "meta: {name: x}\ncomponents:\n  api:\n    kind: service\n"
    text += "    tech: stateless-service\n    accept: {FH999: measured}\naccept: {XX999: because}\n"

    def fingerprints(source: str) -> list[tuple[str, int]]:
        result = run(load_text(source, "d.yaml"), passes=("review",)).get(ReviewResult)
        assert isinstance(result, ReviewResult)
        return sorted((f.fingerprint(), f.span.line) for f in result.findings if f.span)

    before = fingerprints(text)
    after = fingerprints("# a comment on top\n" + text)
    assert len(before) >= 2  # at least the two stale acceptances (AP040), whatever rules exist
    assert [fp for fp, _ in before] == [fp for fp, _ in after]
    assert [line + 1 for _, line in before] == [line for _, line in after]

    # the same holds through the SARIF backend
    shifted = json.loads(sarif.render([report(shift=3)], rules=RULES))["runs"][0]["results"]
    plain = json.loads(sarif.render([report()], rules=RULES))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in shifted] == [r["partialFingerprints"] for r in plain]
    lines = [
        r["locations"][0]["physicalLocation"].get("region", {}).get("startLine") for r in plain
    ]
    moved = [
        r["locations"][0]["physicalLocation"].get("region", {}).get("startLine") for r in shifted
    ]
    assert moved == [None if n is None else n + 3 for n in lines]


# ---- markdown ----------------------------------------------------------------------------


def test_markdown_tables_escape_and_accepted_are_folded() -> None:
    text = review_markdown.render([report()])
    assert text.startswith("## archproof review\n")
    assert "**1 error · 1 warning · 1 info** in 1 design file (1 accepted)" in text
    assert "#### Robust failure handling (FH)" in text
    assert "#### Observability first (OB)" in text
    # pipes in design text cannot break a table; HTML is not injected
    assert "api calls db \\| no timeout" in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert "`timeout: 200ms`" in text  # code spans written by rules survive
    for line in text.splitlines():
        if line.startswith("| "):
            assert line.replace("\\|", "").count("|") == 7, line
    details = text[text.index("<details>") :]
    assert "1 accepted finding</summary>" in details
    assert "hot keys \\| measured at 40k rps \\[prod\\]" in details
    active = text[: text.index("<details>")]
    assert "CA901" not in active  # the accepted finding is only in the folded block


def test_markdown_cell_escaping() -> None:
    assert review_markdown.md_cell("a|b") == "a\\|b"
    assert review_markdown.md_cell("`x|y` and <i>") == "`x\\|y` and \\<i\\>"
    assert review_markdown.md_cell("odd ` tick") == "odd \\` tick"
    assert review_markdown.md_cell("two\nlines & more") == "two<br>lines &amp; more"
    assert review_markdown.md_cell(None) == ""


def test_markdown_clean_design() -> None:
    design = load_text(SOURCE, FILE)
    empty = Report(design=design, results=Results.of(review=ReviewResult((), ())), source_file=FILE)
    text = review_markdown.render([empty])
    assert "**0 errors · 0 warnings · 0 info** in 1 design file" in text
    assert "No findings." in text


# ---- terminal ----------------------------------------------------------------------------


def test_terminal_groups_by_principle_and_shows_source_lines() -> None:
    text = review_terminal.render([report()], {FILE: SOURCE}, width=200)
    lines = text.splitlines()
    headers = [line for line in lines if line.endswith(")") and line[:1].isalpha()]
    assert headers == [
        "Strategic caching (CA)",
        "Observability first (OB)",
        "Robust failure handling (FH)",
        "Design model (AP)",
    ]  # the framework's order
    # markup from the design is printed literally, not interpreted
    assert "[red]x[/red]" in text and "[bold]x[/bold]" in text
    i = next(n for n, line in enumerate(lines) if "FH901" in line)
    assert "designs/shop.yaml:3:3" in lines[i] and "component:api" in lines[i]
    assert lines[i + 2].endswith("│   api:")
    caret = lines[i + 3]
    assert caret.index("^") == lines[i + 2].index("api:")
    assert "fix: set `timeout: 200ms` on the call" in text
    assert "accepted: hot keys | measured at 40k rps [prod]" in text
    assert lines[-1] == "1 error, 1 warning, 1 info · 1 accepted · 1 file reviewed"


def test_terminal_without_sources_still_renders() -> None:
    text = review_terminal.render([report()], {}, width=120)
    assert "FH901" in text and "│" not in text.split("FH901", 1)[1].split("\n")[2]


def test_terminal_colours() -> None:
    text = review_terminal.render([report()], {FILE: SOURCE}, color=True)
    assert "\x1b[" in text


# ---- goldens: every bundled example ------------------------------------------------------


def _example_report(path: Path) -> Report:
    relative = path.relative_to(ROOT).as_posix()  # as a user in the repo root would type it
    design = load_design(relative)
    return run(design, passes=("review",), source_file=relative)


def _check_golden(path: Path, text: str, update: bool) -> None:
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.exists(), f"{path} missing: run pytest --update-golden"
    assert path.read_text("utf-8") == text, f"{path} differs: run pytest --update-golden"


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_golden_review_of_example(
    example: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    rep = _example_report(example)
    markdown = review_markdown.render([rep])
    log = sarif.render([rep], version="golden")
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(log))
    _check_golden(GOLDEN / f"{example.stem}.md", markdown, update_golden)
    _check_golden(GOLDEN / f"{example.stem}.sarif.json", log, update_golden)


def test_sarif_keeps_same_fingerprint_findings_apart() -> None:
    """Same rule, element and message on two lines: the occurrence number tells them apart."""
    twin = findings()[0]
    moved = Finding(**{**twin.__dict__, "span": Span(file=FILE, line=7, column=3)})
    design = load_text(SOURCE, FILE)
    result = ReviewResult(findings=(twin, moved), rules_run=("FH901",))
    rep = Report(design=design, results=Results.of(review=result), source_file=FILE)
    results = json.loads(sarif.render([rep], rules=RULES))["runs"][0]["results"]
    keys = [r["partialFingerprints"]["archproofFingerprint/v1"] for r in results]
    assert keys == [f"{twin.fingerprint()}:1", f"{twin.fingerprint()}:2"]
