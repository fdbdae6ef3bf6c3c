"""One quantity, one row: the requirements table lists each figure once, under one name."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft import draft

AD_CLICKS = (
    "Design an ad click aggregator: 10 billion clicks a day, advertisers read reports of clicks "
    "per campaign per minute, 1M report reads a day."
)


def test_an_aggregators_stated_report_reads_are_its_reads_in_one_row() -> None:
    """The clicks an aggregator counts were turned from reads into its writes, and the read
    figure went with them: the stated "1M report reads a day" was dropped, the reads became
    10B/day × an assumed 0.001:1, and the report block listed "report reads" again beside
    "reads" with that same figure."""
    drafted = draft(AD_CLICKS)
    rows = {r.name: r for r in drafted.requirements}
    assert "report reads" not in rows
    assert rows["reads"].source == "extracted"
    assert rows["reads"].evidence == '"1M report reads a day"'
    assert "reads per write" not in rows  # both rates are stated: no ratio is assumed
    counts = next(op for op in drafted.design.operations if op.id == "get_counts")
    assert counts.rate is not None
    assert counts.rate.per_second == Fraction(1_000_000, 86_400)


def test_an_aggregator_without_stated_reads_lists_its_reads_once() -> None:
    drafted = draft("Design an ad click aggregator: 10 billion clicks a day.")
    names = [r.name for r in drafted.requirements]
    assert "reads" in names
    assert "report reads" not in names


def test_another_figure_of_the_clicks_is_no_read() -> None:
    """The clicks' own peak ("50,000 clicks per second at peak") is a figure of the events
    the aggregator counts, not the next read figure: reads stay the events × the ratio."""
    drafted = draft(
        "Design ad click event aggregation. 1 billion ad clicks a day, 50,000 clicks per "
        "second at peak, advertisers see per-minute counts with at most 5 minutes delay."
    )
    rows = {r.name: r for r in drafted.requirements}
    assert rows["reads"].source == "derived"
    assert "report reads" not in rows
