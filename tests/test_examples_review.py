"""Every bundled example is a design with every principle honoured: reviewed through the
whole pipeline (capacity figures included), it gets no un-accepted finding above info."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.review.engine import ReviewResult
from archproof.passes.review.finding import Severity
from archproof.pipeline import run

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_has_no_finding_above_info(path: Path) -> None:
    review = run(load_design(path), source_file=str(path)).get(ReviewResult)
    assert isinstance(review, ReviewResult)
    above = [
        f"{f.code} {f.severity.name.lower()} {f.element} (line {f.span.line if f.span else '?'})"
        f": {f.message}"
        for f in review.at_or_above(Severity.WARNING)
    ]
    assert above == [], "\n".join(above)
