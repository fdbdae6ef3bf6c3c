"""One first slice per document: the executive summary, section 6 and question 6.1 all name
the slice the questions pass computed (they used to be computed twice and disagree)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.backends.report import render_markdown
from archproof.backends.report.document import KeyValues, Section, Table
from archproof.backends.report.sections import build_document
from archproof.passes.questions import QuestionsResult
from archproof.report import Report

from .helpers import EXAMPLES, design_report, example_report


def _section(sections: tuple[Section, ...], key: str) -> Section:
    for section in sections:
        if section.id == key:
            return section
        try:
            return _section(section.children, key)
        except LookupError:
            continue
    raise LookupError(key)


def _facts(section: Section) -> dict[str, object]:
    return {k: v for block in section.blocks if isinstance(block, KeyValues) for k, v in block.rows}


def _named_slices(report: Report) -> tuple[str, str]:
    """(what the summary names, what section 6 names), each as 'ops on components'."""
    document = build_document(report)
    summary = _facts(_section(document.sections, "summary"))["First slice"]
    first = _section(document.sections, "first-slice")
    table = next(b for b in first.blocks if isinstance(b, Table))
    ops = ", ".join(str(row[0]) for row in table.rows)
    components = _facts(first)["Components in the first slice"]
    return str(summary), f"{ops} on {components}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_summary_and_section_6_name_the_same_first_slice(example: Path) -> None:
    report = example_report(example)
    in_summary, in_section_6 = _named_slices(report)
    assert in_summary == in_section_6
    questions = report.get(QuestionsResult)
    assert questions is not None and questions.first_slice is not None
    assert in_summary == questions.first_slice.headline()
    # Q6.1, when derived, builds first on exactly the section's components.
    q61 = questions.get("Q6.1")
    assert q61 is not None
    components = ", ".join(questions.first_slice.components)
    if q61.provenance == "derived":
        assert f"end to end on {components} (" in q61.text
    markdown = render_markdown(report)
    assert markdown.count(in_summary) >= 1
    assert f"| **Components in the first slice** | {components} |" in markdown


def test_url_shortener_slice_leaves_out_fail_open_and_async_dependencies() -> None:
    """The bug: section 6 listed cache (fail-open) and clicks (async) as first-slice
    components while Q6.1 and the summary said they come later."""
    report = example_report(next(p for p in EXAMPLES if p.stem == "url_shortener"))
    in_summary, in_section_6 = _named_slices(report)
    assert in_summary == in_section_6 == "redirect, create_link on lb, api, db"
    later = _facts(_section(build_document(report).sections, "first-slice"))["Later"]
    assert "cache (fails open in redirect)" in str(later)
    assert "clicks (async hand-off in redirect)" in str(later)


def test_without_user_facing_operations_neither_names_a_slice(tmp_path: Path) -> None:
    report = design_report(
        "meta: {name: jobs}\n"
        "components:\n  worker: {kind: worker, work: {run: 10ms}}\n"
        "operations:\n  nightly: {rate: 1/s, sync: false, calls: [worker.run]}\n",
        tmp_path,
    )
    document = build_document(report)
    assert "First slice" not in _facts(_section(document.sections, "summary"))
    assert "No user-facing operations" in render_markdown(report)
