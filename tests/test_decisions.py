"""Decisions are model data: loaded with located errors, named by the one Principle enum,
and read by the report's executive summary (no guessing of principles from free text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.backends.report import render_markdown
from archproof.errors import DesignError
from archproof.frontends.yaml_loader import load_design, load_text
from archproof.model import Decision, Design, Principle
from archproof.model.principles import DECISION_PRINCIPLES, FRAMEWORK
from archproof.passes.review import Principle as ReviewPrinciple
from archproof.pipeline import run

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))

BASE = """\
meta: {name: d}
components:
  api: {kind: service, work: {handle: 1ms}}
  jobs: {kind: queue, rationale: Slow work must not hold a request (principle 3).}
operations:
  get: {rate: 10/s, calls: [api.handle], rationale: Reads are cheap (principle 4).}
"""


def _with(decisions: str) -> str:
    return BASE + "decisions:\n" + decisions


def test_one_principle_enum_everywhere() -> None:
    assert ReviewPrinciple is Principle
    assert FRAMEWORK[0] is Principle.ST and len(FRAMEWORK) == 7
    assert Principle.AP not in DECISION_PRINCIPLES and Principle.Q not in DECISION_PRINCIPLES


def test_decisions_load_with_code_or_words_and_keep_their_span() -> None:
    design = load_text(
        _with(
            "  - {principle: CA, choice: a cache, reason: hot keys, concerns: [api]}\n"
            "  - principle: robust failure handling\n"
            "    choice: fail closed\n"
            "    reason: money\n"
            "    evidence: 1k/s at peak\n"
        ),
        "d.yaml",
    )
    first, second = design.decisions
    assert first.principle is Principle.CA and first.concerns == ("api",)
    assert second.principle is Principle.FH and second.evidence == "1k/s at peak"
    assert first.span is not None and (first.span.file, first.span.line) == ("d.yaml", 8)
    assert second.span is not None and second.span.line == 9
    # spans are not part of equality; nodes are frozen
    assert first == Decision(principle="ca", choice="a cache", reason="hot keys", concerns=("api",))
    with pytest.raises(ValueError):
        first.choice = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("principle", "hint"),
    [
        ("strategic cachng", "did you mean 'strategic caching'?"),
        ("P4", "expected 'ST', 'DB'"),
        ("AP", "expected 'ST', 'DB'"),  # a check of the file, not a design choice
    ],
)
def test_unknown_principle_is_a_located_error(principle: str, hint: str) -> None:
    text = _with(f"  - principle: {principle}\n    choice: a\n    reason: b\n")
    with pytest.raises(DesignError) as caught:
        load_text(text, "d.yaml")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "AP014"
    assert f"invalid value '{principle}' for 'principle'" in diagnostic.message
    assert diagnostic.span is not None and (diagnostic.span.line, diagnostic.span.column) == (8, 16)
    assert diagnostic.hint is not None and hint in diagnostic.hint


def test_a_decision_needs_choice_and_reason_and_no_unknown_keys() -> None:
    with pytest.raises(DesignError) as caught:
        load_text(_with("  - {principle: CA, choice: a, because: b}\n"), "d.yaml")
    codes = sorted(d.code for d in caught.value.diagnostics)
    assert codes == ["AP010", "AP011"]


def test_summary_reads_decisions_with_their_evidence() -> None:
    design = load_text(
        _with(
            "  - {principle: OP, choice: jobs in the background, reason: slow, "
            "evidence: 2 s per job, concerns: [jobs]}\n"
        ),
        "d.yaml",
    )
    summary = _summary(render_markdown(run(design)))
    assert "| Decision | Why | Principle | Evidence |" in summary
    assert "| jobs: jobs in the background | slow | Operation efficiency | 2 s per job |" in summary
    # the rationales are not mixed in when the design states its decisions
    assert "principle 3" not in summary


def test_without_decisions_the_summary_does_not_guess_principles_from_text() -> None:
    summary = _summary(render_markdown(run(load_text(BASE, "d.yaml"))))
    assert "The design writes no decisions" in summary
    # the queue's kind says Event management; "(principle 3)" in its text is not read
    row = "| jobs: queue | Slow work must not hold a request (principle 3). | Event management |"
    assert row in summary
    # an operation's rationale states no principle: shown as unknown, not guessed
    assert "| operation get | Reads are cheap (principle 4). | — |" in summary


def _summary(markdown: str) -> str:
    return markdown.split("## Executive summary", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_decisions_concern_elements_of_the_design(path: Path) -> None:
    design: Design = load_design(path)
    assert design.decisions, "every bundled example states its decisions"
    ids = {
        *(c.id for c in design.components),
        *(o.id for o in design.operations),
        *(e.id for e in design.entities),
        *(e.id for e in design.events),
    }
    for decision in design.decisions:
        assert set(decision.concerns) <= ids, decision
