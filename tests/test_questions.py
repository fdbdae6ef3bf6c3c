"""The questions pass: 24 answers, each derived, computed, written by the author, or open."""

from __future__ import annotations

from archproof.frontends.yaml_loader import load_text
from archproof.model import QUESTIONS, ElementRef
from archproof.passes.capacity import CapacityResult
from archproof.passes.questions import QuestionsResult, answer_questions
from archproof.passes.review import ReviewResult
from archproof.pipeline import run

SMALL = """\
meta: {name: shop, task: Sell books online.}
requirements:
  use_cases: [Browse books, Buy a book]
  load: {peak_factor: 2}
components:
  api: {kind: service, tech: stateless-service, replicas: 3, rationale: Stateless API.}
  db:
    kind: database
    tech: postgresql
    read_replicas: 1
    state: [sessions]
    recovery: streaming replication
operations:
  buy:
    rate: 10/s
    critical: true
    idempotency_key: client order id
    calls:
      - api.handle:
          calls:
            - db.insert:
                timeout: 200ms
                retries: {count: 2, backoff: 20ms}
                on_failure: fail_closed
entities:
  Book:
    stored_in: db
    key: id
    fields: {id: uuid, title: str, author_id: uuid}
    access_patterns:
      - {id: by_author, kind: lookup, by: [author_id]}
"""


def _answers(text: str, answers: str = "") -> QuestionsResult:
    return answer_questions(load_text(text + answers, "small.yaml"))


def test_exactly_the_24_questions_in_order() -> None:
    result = _answers(SMALL)
    ids = [a.id for a in result.answers]
    assert ids == [q.id for q in QUESTIONS]
    assert len(ids) == 24 and len(set(ids)) == 24
    assert ids[0] == "Q1.1" and ids[-1] == "Q6.4"


def test_derived_answers_come_from_the_model() -> None:
    result = _answers(SMALL)
    state = result.get("Q2.2")
    assert state is not None and state.provenance == "derived"
    assert "db (database) holds sessions, Book" in state.text
    assert "Stateless: api" in state.text
    assert "component:db" in state.sources
    components = result.get("Q2.1")
    assert components is not None and "api (service, stateless-service): Stateless API." in (
        components.text
    )
    patterns = result.get("Q3.2")
    assert patterns is not None and "Book.by_author: lookup by author_id → no supporting index" in (
        patterns.text
    )
    guards = result.get("Q5.2")
    assert guards is not None
    assert "buy: api → db.insert: timeout 0.2s, 2 retries (backoff 20ms), no breaker" in guards.text
    keys = result.get("Q5.4")
    assert keys is not None and "buy: idempotency key — client order id" in keys.text
    assert result.get("Q1.2") is not None
    assert result.get("Q1.2").text == "Browse books\nBuy a book"  # type: ignore[union-attr]


def test_author_answers_win_over_derived_ones() -> None:
    result = _answers(SMALL, "answers:\n  Q2.2: Only in PostgreSQL.\n")
    answer = result.get("Q2.2")
    assert answer is not None
    assert (answer.provenance, answer.text) == ("author", "Only in PostgreSQL.")
    assert answer.sources == ("answers.Q2.2",)


def test_open_questions_are_those_nothing_answers() -> None:
    result = _answers(SMALL)
    opened = {a.id for a in result.open()}
    # Only the author knows the first slice; without the capacity pass no figures exist;
    # the model has no observability, events, scenarios or assumptions.
    assert {"Q6.1", "Q4.1", "Q4.4", "Q6.2", "Q6.3", "Q6.4"} <= opened
    assert "Q2.2" not in opened and "Q1.2" not in opened
    assert all(a.text == "" and a.sources == () for a in result.open())
    assert result.counts()["open"] == len(opened)


def test_no_derived_answer_without_model_facts() -> None:
    bare = "meta: {name: bare}\ncomponents:\n  api: {kind: service}\n"
    bare += "operations:\n  ping: {rate: 1/s, calls: [api.handle: 1ms]}\n"
    result = answer_questions(load_text(bare, "bare.yaml"))
    for qid in ("Q1.1", "Q1.2", "Q1.4", "Q3.1", "Q3.2", "Q5.2", "Q5.3", "Q5.4", "Q6.2"):
        answer = result.get(qid)
        assert answer is not None and answer.provenance == "open", qid


def test_the_pass_runs_in_the_pipeline_and_uses_capacity_when_present() -> None:
    report = run(load_text(SMALL, "small.yaml"))
    result = report.get(QuestionsResult)
    assert isinstance(result, QuestionsResult)
    if CapacityResult in report.results:
        peak = result.get("Q4.1")
        assert peak is not None and peak.provenance == "computed"
        assert "buy: 20.0/s at peak" in peak.text


def test_open_questions_are_review_findings() -> None:
    report = run(load_text(SMALL, "small.yaml"))
    questions = report.get(QuestionsResult)
    assert isinstance(questions, QuestionsResult)
    review = report.get(ReviewResult)
    assert review is not None
    findings = [f for f in review.findings if f.code == "Q001"]
    assert sorted(f.message.split()[0] for f in findings) == sorted(a.id for a in questions.open())
    assert all(f.severity.value == "info" and f.element == ElementRef.design() for f in findings)
