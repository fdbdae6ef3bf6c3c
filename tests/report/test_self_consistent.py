"""Issue 20, problem 5: the document contradicted itself.

"system availability: unchecked" sat next to a computed availability table; the summary
said the bottleneck saturates at 1.15× and Q4.1 said 1.1× (two formatters); the
bottleneck's 7.77× and its pool's headroom of 15.2× stood side by side unexplained.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archproof.backends.capacity_tables import tables
from archproof.backends.report import render_markdown
from archproof.numbers import factor, nines
from archproof.passes.capacity import CapacityResult
from archproof.passes.capacity.status import SloStatus

from .helpers import EXAMPLES, ROOT, example_report

URL = ROOT / "examples" / "url_shortener.yaml"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_system_availability_is_computed_beside_the_per_operation_figures(path) -> None:  # type: ignore[no-untyped-def]
    report = example_report(path)
    capacity = report.get(CapacityResult)
    assert capacity is not None
    target = report.design.requirements.slos.availability
    markdown = render_markdown(report)
    if target is None:
        assert capacity.system_availability is None
        return
    check = capacity.system_availability
    assert check is not None and check.figure.value is not None
    facing = [o for o in capacity.operations if o.sync and o.consumes is None]
    rates = [o.rate_peak.value or 0.0 for o in facing]
    weighted = sum(r * (o.availability.value or 0.0) for r, o in zip(rates, facing, strict=True))
    assert check.figure.value == pytest.approx(weighted / sum(rates))
    assert check.status is (
        SloStatus.MET if check.figure.value >= float(target.fraction) else SloStatus.VIOLATED
    )
    assert not re.search(r"\| system \| availability \|[^\n]*\| unchecked \|", markdown)
    assert f"| {nines(check.figure.value)} |" in markdown


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_bottleneck_reads_the_same_in_the_summary_and_q41(path) -> None:  # type: ignore[no-untyped-def]
    report = example_report(path)
    capacity = report.get(CapacityResult)
    assert capacity is not None and capacity.bottleneck.component is not None
    markdown = render_markdown(report)
    summary = re.search(r"saturates at (\S+) today's peak", markdown)
    assert summary and summary.group(1) == factor(capacity.bottleneck.saturation_factor.value)
    q41 = re.search(r"saturates first at (\S+) the peak load", markdown)  # unless the author
    if q41 is not None or path.stem == "url_shortener":  # answered Q4.1 (chat does)
        assert q41 is not None and q41.group(1) == summary.group(1)


def test_bottleneck_and_headroom_are_explained_where_both_appear() -> None:
    report = example_report(URL)
    capacity = report.get(CapacityResult)
    assert capacity is not None
    b = capacity.bottleneck
    row = next(h for h in capacity.headroom if (h.component, h.pool) == (b.component, b.pool))
    k, alone = b.saturation_factor.value, row.to_100.value
    assert k is not None and alone is not None and alone > 1.05 * k  # 7.77× vs 15.2×
    markdown = render_markdown(report)
    note = next(line for line in markdown.splitlines() if "Two figures, two questions" in line)
    assert factor(k) in note and factor(alone) in note
    # the terminal's headroom table says the same under it
    headroom = next(t for t in tables(capacity) if t.title.startswith("Headroom"))
    assert "bottleneck" in headroom.note and "linearly" in headroom.note


def test_requests_failed_by_timeouts_read_the_same_in_analyze_and_the_report(
    tmp_path: Path,
) -> None:
    """A 200 ms timeout on a callee with a 200 ms median fails half the payments: the
    report's availability table shows the capacity pass's figure, as analyze does, where
    it showed only the availability (99.5%) beside the simulator's errors."""
    from .helpers import design_report

    text = (ROOT / "tests" / "rules" / "FH018" / "bad.yaml").read_text("utf-8")
    report = design_report(text, tmp_path)
    cap = report.get(CapacityResult)
    assert cap is not None
    share = cap.operation("pay").timeout_failures.value  # type: ignore[union-attr]
    assert share is not None and 0.49 < share < 0.51
    md = render_markdown(report)
    lines = md.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("| Operation | Availability"))
    assert "Failed by timeouts" in lines[at]
    row = next(line for line in lines[at:] if line.startswith("| pay |"))
    assert f"| {share * 100:.3g}% |" in row
