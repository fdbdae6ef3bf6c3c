"""Q002 on an assumption whose figure has no value because a pool is saturated: the message
says so in words (it read "p99 is figure is saturated" before)."""

from __future__ import annotations

from archproof.frontends.yaml_loader import load_text
from archproof.passes.review import ReviewResult
from archproof.pipeline import run

DESIGN = """\
meta: {name: q002-saturated}
requirements:
  assumptions:
    - {id: A1, statement: Reads stay fast., check: {metric: p99, operation: read, max: 200ms}}
components:
  api: {kind: service, tech: stateless-service, replicas: 1, concurrency: 4, work: {handle: 100ms}}
operations:
  read: {rate: 1k/s, slo: {p99: 200ms}, calls: [api.handle]}
"""


def test_a_saturated_figure_is_said_in_words() -> None:
    review = run(load_text(DESIGN, "q002.yaml")).get(ReviewResult)
    assert review is not None
    (hit,) = [f for f in review.findings if f.code == "Q002"]
    assert "p99 has no finite value (figure is saturated)" in hit.message
    assert " is figure is " not in hit.message
