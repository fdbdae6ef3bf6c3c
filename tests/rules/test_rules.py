"""Every rule: its docstring Example fires, its Use instead doesn't, and its bad/good pair
under tests/rules/<CODE>/ produces exactly the findings marked `# [CODE]` on their lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_text
from archproof.passes.review import ReviewResult, all_rules
from archproof.pipeline import run

HERE = Path(__file__).parent
RULES = {r.code: r for r in all_rules()}
MARK = re.compile(r"#\s*\[([A-Z]{1,2}\d{3}(?:\s*,\s*[A-Z]{1,2}\d{3})*)\]")


def _codes_by_line(path: Path, code: str) -> list[int]:
    lines = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        match = MARK.search(line)
        if match and code in [c.strip() for c in match.group(1).split(",")]:
            lines.append(number)
    return lines


def _findings(text: str, filename: str, code: str) -> list[int]:
    if not text.lstrip().startswith("meta:") and "\nmeta:" not in text:
        text = "meta: {name: example}\n" + text
    report = run(load_text(text, filename))
    review = report.get(ReviewResult)
    assert review is not None
    return sorted(
        f.span.line if f.span else 0
        for f in review.findings
        if f.code == code and not f.is_accepted
    )


def test_there_are_rules() -> None:
    assert len(RULES) >= 28


@pytest.mark.parametrize("code", sorted(RULES))
def test_docstring_example_fires_and_use_instead_does_not(code: str) -> None:
    rule = RULES[code]
    assert _findings(rule.example, f"{code}-example.yaml", code), f"{code} Example did not fire"
    assert not _findings(rule.use_instead, f"{code}-use-instead.yaml", code)


@pytest.mark.parametrize("code", sorted(RULES))
def test_bad_and_good_designs(code: str) -> None:
    folder = HERE / code
    bad, good = folder / "bad.yaml", folder / "good.yaml"
    assert bad.exists() and good.exists(), f"tests/rules/{code}/bad.yaml and good.yaml needed"
    expected = _codes_by_line(bad, code)
    assert expected, f"{bad} marks no line with # [{code}]"
    assert _findings(bad.read_text("utf-8"), str(bad), code) == expected
    assert _findings(good.read_text("utf-8"), str(good), code) == []
