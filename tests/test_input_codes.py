"""The AP codes are registered in one place (frontends/codes.py), documented like rules,
never reused, and each registered example really triggers its code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import archproof
from archproof.cli.app import app
from archproof.errors import DesignError
from archproof.frontends.codes import CODES, RETIRED, input_codes
from archproof.frontends.yaml_loader import load_text
from archproof.passes.review import ReviewResult

SRC = Path(__file__).resolve().parents[1] / "src" / "archproof"
CORPUS = Path(__file__).parent / "malformed"
_AP = re.compile(r"\bAP\d{3}\b")


def _codes_in_sources() -> dict[str, list[str]]:
    """Every `APnnn` written in a string literal under src/, with where it was written."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for code in _AP.findall(node.value):
                    found.setdefault(code, []).append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_code_in_the_sources_is_registered() -> None:
    found = _codes_in_sources()
    assert {"AP000", "AP012", "AP021", "AP040"} <= set(found)  # the walk sees them
    missing = {code: where for code, where in found.items() if code not in input_codes()}
    assert not missing, f"AP codes used but not registered in frontends/codes.py: {missing}"


def test_every_code_in_the_malformed_corpus_is_registered() -> None:
    written = {m for p in CORPUS.glob("*.yaml") for m in _AP.findall(p.read_text("utf-8"))}
    assert written and written <= set(input_codes())


def test_codes_are_unique_well_formed_and_never_reused() -> None:
    codes = [c.code for c in CODES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"AP\d{3}", c) for c in codes)
    names = [c.name for c in CODES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", n) for n in names)
    retired = [code for code, _ in RETIRED]
    assert len(retired) == len(set(retired))
    assert all(re.fullmatch(r"AP\d{3}", c) and reason for c, reason in RETIRED)
    assert not set(retired) & set(codes), "a retired code is registered again"
    assert not set(retired) & set(_codes_in_sources()), "a retired code is still emitted"


def test_only_file_level_codes_lack_an_example() -> None:
    # AP000 (unreadable), AP003 (too large), AP004 (binary): built in tests/test_malformed.py.
    assert {c.code for c in CODES if c.example is None} == {"AP000", "AP003", "AP004"}


@pytest.mark.parametrize(
    "code", [c.code for c in CODES if c.example is not None and c.stage == "load"]
)
def test_example_triggers_its_code_on_load(code: str) -> None:
    entry = input_codes()[code]
    assert entry.example is not None
    with pytest.raises(DesignError) as info:
        load_text(entry.example, "example.yaml")
    assert code in {d.code for d in info.value.diagnostics}, info.value


@pytest.mark.parametrize("code", [c.code for c in CODES if c.stage == "review"])
def test_example_triggers_its_code_on_review(code: str) -> None:
    entry = input_codes()[code]
    assert entry.example is not None
    report = archproof.run(load_text(entry.example, "example.yaml"), passes=("review",))
    review = report.get(ReviewResult)
    assert review is not None and code in {f.code for f in review.findings}


def test_rules_explain_prints_a_loader_code_page() -> None:
    result = CliRunner().invoke(app, ["rules", "explain", "AP021"])
    assert result.exit_code == 0, result.output
    for text in ("AP021 dangling-reference", "What it checks", "Example", "Use instead"):
        assert text in result.output
    assert "dbs.read" in result.output  # the example itself
    by_name = CliRunner().invoke(app, ["rules", "explain", "wrong-type"])
    assert by_name.exit_code == 0 and "AP012" in by_name.output


def test_rules_lists_loader_codes() -> None:
    result = CliRunner().invoke(app, ["rules"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for c in CODES:
        assert c.code in result.output
