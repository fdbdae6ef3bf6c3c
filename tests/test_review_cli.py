"""`archproof review` and `archproof rules`: exit codes, formats, selection, bad input.

The registry is replaced by two test rules for these tests (so they do not depend on which
real rules exist): DS990 (error) fires on components whose id starts with `bad`, DS991
(info) on those starting with `meh`. The engine's own AP040 (warning: an acceptance that
matches nothing) is real.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import typer
from typer.testing import CliRunner

from archproof.cli import review_cmd
from archproof.passes.review import Hit, Principle, Rule, Severity
from archproof.passes.review.context import RuleContext

# `archproof.passes.review.rule` the module (the package re-exports the decorator of that name)
rule_module = importlib.import_module("archproof.passes.review.rule")
registry_module = importlib.import_module("archproof.passes.review.registry")
ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
REVIEW_SCHEMA = json.loads((ROOT / "docs" / "review.schema.json").read_text())

SECTIONS = {
    "What it checks": "Components whose id starts with a given prefix.",
    "Why it matters": "Test rules make the CLI tests independent of the real rules.",
    "Example": "components:\n  bad: {kind: service, tech: stateless-service}",
    "Use instead": "components:\n  good: {kind: service, tech: stateless-service}",
    "Evidence": "None; it is a test.",
}


def _prefix_rule(prefix: str) -> object:
    def check(ctx: RuleContext) -> Iterator[Hit]:
        for c in ctx.design.components:
            if c.id.startswith(prefix):
                yield Hit(f"component:{c.id}", f"component {c.id} is {prefix}", c.span, "rename it")

    return check


TEST_RULES = {
    "DS990": Rule(
        "DS990",
        "bad-component",
        Principle.DS,
        Severity.ERROR,
        _prefix_rule("bad"),  # type: ignore[arg-type]
        "A component is bad.",
        SECTIONS,
    ),
    "DS991": Rule(
        "DS991",
        "meh-component",
        Principle.DS,
        Severity.INFO,
        _prefix_rule("meh"),  # type: ignore[arg-type]
        "A component is meh.",
        SECTIONS,
    ),
}


@pytest.fixture(autouse=True)
def only_test_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_module, "RULE_MODULES", ())
    monkeypatch.setattr(rule_module, "_REGISTRY", dict(TEST_RULES))


@pytest.fixture
def app() -> typer.Typer:
    """The review commands on their own app (the real app registers the same module)."""
    app = typer.Typer()
    review_cmd.register(app)
    return app


def design(tmp_path: Path, name: str, components: dict[str, str], accept: str = "") -> Path:
    lines = [f"meta: {{name: {name}}}", "components:"]
    for cid, extra in components.items():
        lines += [f"  {cid}:", "    kind: service", "    tech: stateless-service"]
        if extra:
            lines.append(f"    {extra}")
    if accept:
        lines.append(f"accept: {accept}")
    path = tmp_path / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def invoke(app: typer.Typer, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_real_app_has_the_commands() -> None:
    from archproof.cli.app import app as real

    result = CliRunner().invoke(real, ["--help"])
    assert result.exit_code == 0
    assert "review" in result.stdout and "rules" in result.stdout


@pytest.mark.parametrize(
    ("components", "accept", "fail_on", "code"),
    [
        ({"bad": ""}, "", "error", 1),
        ({"bad": ""}, "", "never", 0),
        ({"meh": ""}, "", "error", 0),
        ({"meh": ""}, "", "warning", 0),
        ({"meh": ""}, "", "info", 1),
        ({"ok": ""}, "{XX999: because}", "error", 0),  # AP040 is a warning
        ({"ok": ""}, "{XX999: because}", "warning", 1),
        ({"ok": ""}, "{XX999: because}", "info", 1),
        ({"ok": ""}, "", "info", 0),
    ],
)
def test_exit_codes(
    app: typer.Typer,
    tmp_path: Path,
    components: dict[str, str],
    accept: str,
    fail_on: str,
    code: int,
) -> None:
    path = design(tmp_path, "d", components, accept)
    status, _, _ = invoke(app, "review", path, "--fail-on", fail_on, "--format", "json")
    assert status == code


def test_the_worst_file_decides(app: typer.Typer, tmp_path: Path) -> None:
    clean = design(tmp_path, "clean", {"ok": ""})
    bad = design(tmp_path, "bad", {"bad": ""})
    assert invoke(app, "review", clean, bad, "-f", "json")[0] == 1
    assert invoke(app, "review", clean, "-f", "json")[0] == 0


def test_accepted_findings_are_shown_and_never_fail(app: typer.Typer, tmp_path: Path) -> None:
    path = design(tmp_path, "acc", {"bad1": "accept: {DS990: measured in prod}", "meh": ""})
    status, stdout, _ = invoke(app, "review", path, "--fail-on", "warning", "-f", "json")
    assert status == 0  # the error is accepted; the meh one is info
    doc = json.loads(stdout)
    jsonschema.Draft202012Validator(REVIEW_SCHEMA).validate(doc)
    (bad,) = [f for f in doc["files"][0]["findings"] if f["code"] == "DS990"]
    assert bad["accepted"] is True and bad["accepted_reason"] == "measured in prod"
    assert doc["summary"]["error"] == 0 and doc["summary"]["accepted"] == 1

    status, stdout, _ = invoke(app, "review", path, "--fail-on", "info")
    assert status == 1  # the active info finding still counts at --fail-on info
    assert "accepted" in stdout and "measured in prod" in stdout

    sarif_log = json.loads(invoke(app, "review", path, "-f", "sarif")[1])
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif_log)
    suppressed = [r for r in sarif_log["runs"][0]["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["DS990"]
    assert suppressed[0]["suppressions"][0]["justification"] == "measured in prod"

    markdown = invoke(app, "review", path, "-f", "markdown")[1]
    assert "<details><summary>1 accepted finding</summary>" in markdown


def test_sarif_from_the_cli_validates(app: typer.Typer, tmp_path: Path) -> None:
    a = design(tmp_path, "a", {"bad": "", "meh": ""}, "{XX999: because}")
    b = design(tmp_path, "b", {"bad2": ""})
    status, stdout, _ = invoke(app, "review", a, b, "--format", "sarif")
    assert status == 1
    log = json.loads(stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    (run,) = log["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["AP040", "DS990", "DS991"]
    assert sorted(r["ruleId"] for r in run["results"]) == ["AP040", "DS990", "DS990", "DS991"]
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1


@pytest.mark.parametrize(
    ("select", "ignore", "codes"),
    [
        (None, None, ["AP040", "DS990", "DS991"]),
        ("DS990", None, ["DS990"]),
        ("ds99", None, ["DS990", "DS991"]),
        ("DS", "DS991", ["DS990"]),
        (None, "DS99", ["AP040"]),
        ("AP,DS991", None, ["AP040", "DS991"]),
        (None, "AP040, DS", []),
    ],
)
def test_select_and_ignore(
    app: typer.Typer, tmp_path: Path, select: str | None, ignore: str | None, codes: list[str]
) -> None:
    path = design(tmp_path, "s", {"bad": "", "meh": ""}, "{XX999: because}")
    args: list[str | Path] = ["review", path, "-f", "json", "--fail-on", "never"]
    if select is not None:
        args += ["--select", select]
    if ignore is not None:
        args += ["--ignore", ignore]
    status, stdout, _ = invoke(app, *args)
    assert status == 0
    doc = json.loads(stdout)
    assert sorted(f["code"] for f in doc["files"][0]["findings"]) == codes
    assert all(code in codes for code in doc["files"][0]["rules_run"])


def test_ignored_findings_do_not_fail(app: typer.Typer, tmp_path: Path) -> None:
    path = design(tmp_path, "i", {"bad": ""})
    assert invoke(app, "review", path, "-f", "json")[0] == 1
    assert invoke(app, "review", path, "-f", "json", "--ignore", "DS990")[0] == 0
    assert invoke(app, "review", path, "-f", "json", "--select", "AP")[0] == 0


def test_bad_selector_and_unmatched_selector(app: typer.Typer, tmp_path: Path) -> None:
    path = design(tmp_path, "x", {"ok": ""})
    status, _, stderr = invoke(app, "review", path, "--select", "FH-1")
    assert status == 2 and "not a rule code or prefix: FH-1" in stderr
    status, _, stderr = invoke(app, "review", path, "--select", "ZZ", "-f", "json")
    assert status == 0 and "--select ZZ matches no rule" in stderr


def test_bad_input_exits_2_and_writes_nothing(app: typer.Typer, tmp_path: Path) -> None:
    good = design(tmp_path, "good", {"bad": ""})
    broken = tmp_path / "broken.yaml"
    broken.write_text("meta: {name: x}\ncomponents:\n  api:\n    kind: service\n    replica: 2\n")
    also = tmp_path / "also.yaml"
    also.write_text("meta: {name: y}\nbogus_key: 1\n")
    target = tmp_path / "out.sarif"
    status, stdout, stderr = invoke(app, "review", good, broken, also, "-f", "sarif", "-o", target)
    assert status == 2
    assert not target.exists() and stdout == ""
    assert f"{broken}:5:5" in stderr and "replica" in stderr  # every file's errors are shown
    assert str(also) in stderr and "bogus_key" in stderr
    assert list(tmp_path.glob(".out.sarif.*")) == []
    status, _, stderr = invoke(app, "review", tmp_path / "missing.yaml")
    assert status == 2 and "no such file" in stderr


@pytest.mark.parametrize("fmt", ["terminal", "json", "sarif", "markdown"])
def test_output_file(app: typer.Typer, tmp_path: Path, fmt: str) -> None:
    path = design(tmp_path, "o", {"meh": ""})
    target = tmp_path / f"review.{fmt}"
    status, stdout, stderr = invoke(app, "review", path, "-f", fmt, "-o", target)
    assert status == 0 and stdout == "" and f"wrote {target}" in stderr
    text = target.read_text("utf-8")
    assert "DS991" in text
    assert "\x1b[" not in text  # no colour codes in files


def test_terminal_output_shows_the_source_line(app: typer.Typer, tmp_path: Path) -> None:
    path = design(tmp_path, "t", {"api": "", "bad": ""})
    status, stdout, _ = invoke(app, "review", path)
    assert status == 1
    assert "Data structures (DS)" in stdout
    doc = json.loads(invoke(app, "review", path, "-f", "json")[1])
    (where,) = [f["location"] for f in doc["files"][0]["findings"]]
    assert f"{path}:{where['line']}:{where['column']}" in stdout
    source_line = path.read_text("utf-8").splitlines()[where["line"] - 1]
    assert f"{where['line']} │ {source_line}" in stdout
    lines = stdout.splitlines()
    shown = next(n for n, line in enumerate(lines) if line.endswith(f"│ {source_line}"))
    caret_line = lines[shown + 1]
    assert caret_line.index("^") - caret_line.index("│") - 2 == where["column"] - 1
    assert "rename it" in stdout
    assert "1 error, 0 warnings, 0 info" in stdout


def test_fingerprints_stable_across_a_line_shift(app: typer.Typer, tmp_path: Path) -> None:
    path = design(tmp_path, "f", {"bad": "", "meh": "accept: {XX999: because}"})
    first = json.loads(invoke(app, "review", path, "-f", "json")[1])["files"][0]["findings"]
    path.write_text("# a new comment line\n" + path.read_text("utf-8"), "utf-8")
    second = json.loads(invoke(app, "review", path, "-f", "json")[1])["files"][0]["findings"]
    assert [f["fingerprint"] for f in first] == [f["fingerprint"] for f in second]
    assert [f["location"]["line"] + 1 for f in first] == [f["location"]["line"] for f in second]
    assert len(first) == 3


def test_rules_lists_them(app: typer.Typer) -> None:
    status, stdout, _ = invoke(app, "rules")
    assert status == 0
    assert "DS990" in stdout and "bad-component" in stdout and "Data structures" in stdout
    status, stdout, _ = invoke(app, "rules", "--format", "json")
    assert status == 0
    rules = json.loads(stdout)
    assert [r["code"] for r in rules] == ["DS990", "DS991"]
    assert rules[0]["severity"] == "error" and rules[0]["principle"] == "DS"
    assert rules[0]["sections"]["Why it matters"] == SECTIONS["Why it matters"]


def test_rules_explain(app: typer.Typer) -> None:
    status, stdout, _ = invoke(app, "rules", "explain", "DS990")
    assert status == 0
    assert "DS990 bad-component" in stdout and "A component is bad." in stdout
    for title, body in SECTIONS.items():
        assert title in stdout
        assert body.splitlines()[0] in stdout
    assert invoke(app, "rules", "explain", "ds991")[0] == 0
    assert invoke(app, "rules", "explain", "meh-component")[0] == 0


def test_rules_explain_unknown_code(app: typer.Typer) -> None:
    status, _, stderr = invoke(app, "rules", "explain", "DS909")
    assert status == 2
    assert "unknown rule 'DS909'" in stderr and "did you mean 'DS99" in stderr
    status, _, stderr = invoke(app, "rules", "explain", "nothing-like-it")
    assert status == 2 and "archproof rules" in stderr


def test_help_has_examples(app: typer.Typer) -> None:
    for args in (["review", "--help"], ["rules", "--help"], ["rules", "explain", "--help"]):
        status, stdout, _ = invoke(app, *args)
        assert status == 0 and "archproof " in stdout and "Examples" in stdout
