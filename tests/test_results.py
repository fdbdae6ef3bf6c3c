"""Pass results are keyed by type: `get(CapacityResult)` is a `CapacityResult | None`."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.base import Results
from archproof.passes.capacity import CapacityResult
from archproof.passes.codegen import CodeResult
from archproof.passes.lower import QueueingModel
from archproof.passes.questions import QuestionsResult
from archproof.passes.registry import PASSES
from archproof.passes.review import ReviewResult
from archproof.passes.simulate.pass_ import SimulateResult
from archproof.pipeline import run

URL = Path(__file__).parent.parent / "examples" / "url_shortener.yaml"


def test_a_value_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="result of pass 'capacity' is ReviewResult"):
        Results().with_result("capacity", CapacityResult, ReviewResult((), ()))  # type: ignore[arg-type]


def test_a_key_that_is_not_a_type_is_refused() -> None:
    with pytest.raises(TypeError, match="keyed by type"):
        Results().with_result("review", "review", ReviewResult((), ()))  # type: ignore[arg-type]


def test_one_pass_per_result_type() -> None:
    held = Results.of(review=ReviewResult((), ()))
    with pytest.raises(ValueError, match="already the result of pass 'review'"):
        held.with_result("other", ReviewResult, ReviewResult((), ()))
    again = held.with_result("review", ReviewResult, ReviewResult((), ("ST001",)))
    assert again.require(ReviewResult).rules_run == ("ST001",)
    assert held.require(ReviewResult).rules_run == ()  # immutable: the copy changed


def test_get_is_typed_and_none_when_the_pass_did_not_run() -> None:
    results = Results.of(review=ReviewResult((), ()))
    assert isinstance(results.get(ReviewResult), ReviewResult)
    assert results.get(CapacityResult) is None
    assert CapacityResult not in results and ReviewResult in results
    with pytest.raises(LookupError, match="no CapacityResult"):
        results.require(CapacityResult)


def test_every_pass_declares_a_distinct_result_type() -> None:
    kinds = [p.result for p in PASSES]
    assert len(set(kinds)) == len(kinds)
    assert kinds == [
        QueueingModel,
        CapacityResult,
        ReviewResult,
        QuestionsResult,
        SimulateResult,
        CodeResult,
    ]


def test_the_pipeline_keys_results_by_type_in_run_order() -> None:
    report = run(load_design(URL))
    assert report.results.names() == ("lower", "capacity", "review", "questions")
    assert isinstance(report.get(CapacityResult), CapacityResult)
    assert report.get(SimulateResult) is None
    # the older accessor by pass name still works, and checks the name
    assert report.get("capacity", CapacityResult) is report.get(CapacityResult)
    assert report.get("review", CapacityResult) is None
