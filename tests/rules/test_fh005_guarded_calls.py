"""FH005 counts only the workers that unguarded calls would hold: calls behind a breaker fail
fast once it opens (issue 14, a false positive on the review corpus's dispatch design, where
a 60k/s write already behind a breaker made a 100/s unguarded read look like 1,800 workers)."""

from __future__ import annotations

from archproof.frontends.yaml_loader import load_text
from archproof.passes.review import ReviewResult
from archproof.pipeline import run


def _findings(text: str, filename: str, code: str) -> list[str]:
    review = run(load_text(text, filename)).get(ReviewResult)
    assert review is not None
    return [f.message for f in review.findings if f.code == code and not f.is_accepted]


DESIGN = """\
meta: {name: guarded}
components:
  api: {kind: service, tech: stateless-service, replicas: 2, concurrency: 100}
  positions: {kind: cache, tech: redis}
operations:
  report_position:
    rate: 5k/s
    calls:
      - api.handle:
          calls:
            - {call: positions.set, timeout: 100ms, WRITE_GUARD on_failure: fail_open}
  nearest:
    rate: 10/s
    slo: {p99: 1s}
    calls:
      - api.handle:
          calls:
            - {call: positions.get, timeout: 100ms, on_failure: fail_closed}
"""


def test_calls_behind_a_breaker_hold_no_workers() -> None:
    # 5k/s × 100 ms = 500 busy workers against 200 if the write were unguarded; with its
    # breaker only the read's 10/s × 100 ms = 1 worker stays held
    text = DESIGN.replace("WRITE_GUARD", "breaker: true,")
    assert _findings(text, "guarded.yaml", "FH005") == []


def test_the_same_write_unguarded_still_fires() -> None:
    text = DESIGN.replace("WRITE_GUARD", "")
    assert _findings(text, "unguarded.yaml", "FH005")
