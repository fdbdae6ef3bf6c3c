"""Answers cite figures by placeholder; the questions pass fills them from capacity, and
the loader rejects a placeholder naming no figure or no element (AP034)."""

from __future__ import annotations

import pytest

from archproof.errors import DesignError
from archproof.frontends.yaml_loader import load_text
from archproof.numbers import rate
from archproof.passes.capacity.result import CapacityResult
from archproof.passes.questions import QuestionsResult
from archproof.pipeline import run

_DESIGN = """\
meta: {name: t}
requirements: {load: {peak_factor: 3}}
components:
  api: {kind: service, tech: stateless-service}
operations:
  get: {rate: 10/s, calls: [api.handle]}
answers:
  Q4.1: 'peak {{peak_rate:get}}; bottleneck {{ bottleneck }} at {{saturation_factor}}'
"""


def test_placeholders_are_filled_from_the_capacity_result() -> None:
    report = run(load_text(_DESIGN, "d.yaml"))
    capacity = report.get(CapacityResult)
    questions = report.get(QuestionsResult)
    assert capacity is not None and questions is not None
    answer = questions.get("Q4.1")
    assert answer is not None and answer.provenance == "author"
    assert "{{" not in answer.text
    peak = capacity.operations[0].rate_peak.value
    assert f"peak {rate(peak)};" in answer.text and rate(peak) == "30/s"
    assert f"bottleneck {capacity.bottleneck.component}" in answer.text
    assert "capacity.peak_rate:get" in answer.sources


@pytest.mark.parametrize(
    ("placeholder", "message"),
    [
        ("{{peak_rate:post}}", "no operation 'post'"),
        ("{{peek_rate:get}}", "names no figure"),
        ("{{bottleneck:api}}", "takes no argument"),
        ("{{utilization}}", "needs a component id"),
    ],
)
def test_a_placeholder_naming_nothing_is_a_located_error(placeholder: str, message: str) -> None:
    text = _DESIGN.replace("{{peak_rate:get}}", placeholder)
    with pytest.raises(DesignError) as caught:
        load_text(text, "d.yaml")
    codes = [(d.code, d.message) for d in caught.value.diagnostics]
    assert any(code == "AP034" and message in msg for code, msg in codes), codes
