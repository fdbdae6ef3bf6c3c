"""Factors read as people write them: a peak factor derived from a stated peak and a stated
average (2,500/s ÷ 600/s) printed "4.16667×" in the summary, the YAML's comments and the
report. Every printed factor goes through `archproof.numbers` (three significant digits);
only the YAML's `peak_factor:` value keeps its precision, since the model computes with it."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from archproof.backends.report import render_markdown
from archproof.cli.design_cmd import summary_figures
from archproof.frontends.draft import draft
from archproof.pipeline import run

_CORPUS = Path(__file__).with_name("corpus")
TASKS: list[dict[str, Any]] = [
    task
    for path in sorted(_CORPUS.glob("*.yaml"))
    for task in YAML(typ="safe").load(path.read_text("utf-8"))
]
# "4.16667×", "peak factor 13.824", "(×69.12)": a number a factor is printed with
_FACTOR = re.compile(
    r"(?<![\w.,])(\d[\d,]*(?:\.\d+)?)\s?×|peak factor (\d[\d,]*(?:\.\d+)?)", re.IGNORECASE
)
# the model's own value, which the lowered model multiplies by: data, not a printed figure
_YAML_VALUE = re.compile(r"^\s*peak_factor:.*$", re.MULTILINE)


def significant_digits(number: str) -> int:
    digits = number.replace(",", "")
    if "." not in digits:
        return len(digits.rstrip("0")) or 1  # 1,468× is four digits only if written so
    return len(digits.replace(".", "").lstrip("0"))


def too_precise(text: str) -> list[str]:
    found = []
    for m in _FACTOR.finditer(text):
        number = m.group(1) or m.group(2)
        if "." in number and significant_digits(number) > 3:
            found.append(m.group(0))
    return found


def test_the_finder_sees_what_it_should() -> None:
    assert too_precise("peak factor = 4.16667×; peak factor 13.824 (1.46×, 21.6×)") == [
        "4.16667×",
        "peak factor 13.824",
    ]


@functools.cache
def _printed(task: str) -> str:
    drafted = draft(task)
    report = run(drafted.design)
    summary = [f"{r.name} {r.value} {r.evidence}" for r in drafted.requirements]
    summary += [f"{d.title}: {d.choice} {d.because}" for d in drafted.decisions]
    summary += [f"{label}: {value}" for label, value in summary_figures(drafted, report)]
    summary += list(drafted.open_questions)
    return "\n".join([*summary, _YAML_VALUE.sub("", drafted.yaml), render_markdown(report)])


@pytest.mark.parametrize("task", TASKS, ids=[t["id"] for t in TASKS])
def test_no_printed_factor_has_more_than_three_significant_digits(task: dict[str, Any]) -> None:
    assert too_precise(_printed(task["task"])) == []
