"""One source for every figure (issue 13, item 4): the summary of `archproof design`, the
drafted YAML and the report print the same figures for the same quantity, and rates read
as rates (`11.6k/s`), never as raw fractions (`(3125000/2727)/s`)."""

from __future__ import annotations

import re

import pytest

from archproof.backends.report import render_markdown as render
from archproof.cli.design_cmd import summary_figures
from archproof.frontends.draft import draft
from archproof.frontends.draft.sizing import per_s
from archproof.passes.lower import QueueingModel
from archproof.pipeline import run

TASKS = (
    "Design the Twitter timeline and search. 100 million active users, 500 million tweets a "
    "day, 250 billion timeline reads a month, 10 billion searches a month.",
    "Design Uber. Riders request trips at 2k per second peak, 300k drivers online at peak, each "
    "driver sends its location every 4 seconds.",
    "Design Pastebin: 1M new pastes per day, average paste is 10 KB, reads outnumber writes 5 "
    "to 1, delete expired pastes.",
    "Amazon wants sales rank by category. 1 billion sales transactions a month, 100 billion "
    "ranking reads a month. Rankings can be refreshed hourly.",
)
_RAW_FRACTION = re.compile(r"\(\d+/\d+\)|\b\d{4,}/\d{2,}\b")


@pytest.mark.parametrize("task", TASKS)
def test_summary_yaml_and_report_print_the_same_figures(task: str) -> None:
    drafted = draft(task)
    report = run(drafted.design)
    model = report.get(QueueingModel)
    assert model is not None
    figures = dict(summary_figures(drafted, report))
    markdown = render(report)
    peak_factor = float(drafted.design.requirements.load.peak_factor)
    for op in drafted.design.operations:
        if op.rate is None or not op.sync:
            continue
        stated = per_s(op.rate.per_s_float * peak_factor)  # the YAML's rate × its peak factor
        lowered = per_s(model.rate(op.id).peak)
        assert stated == lowered, op.id
        if f"peak {op.id}" in figures:
            assert figures[f"peak {op.id}"] == lowered, op.id
        row = next((line for line in markdown.splitlines() if f"| {op.id} | sync |" in line), "")
        assert lowered in row, f"{op.id}: the report's rate row does not show {lowered}: {row}"
    storage = figures.get("storage (5 years)")
    total = drafted.design.requirements.data.total
    if storage is not None and total is not None:
        assert storage == str(total)
    for text in (drafted.yaml, markdown, " ".join(v for _, v in figures.items())):
        assert not _RAW_FRACTION.search(text), _RAW_FRACTION.search(text)
