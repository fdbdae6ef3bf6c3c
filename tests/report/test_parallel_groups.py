"""Parallel call groups are shown as groups: a Mermaid `par` block, the same block in the
HTML's drawn sequence, and every member as an edge from the caller in the graph."""

from __future__ import annotations

from archproof.backends.report import render_html, render_markdown
from archproof.backends.report.diagrams import component_graph, sequence
from archproof.backends.report.mermaid import sequence as mermaid_sequence
from archproof.frontends.yaml_loader import load_design

from .helpers import ROOT, example_report

NEWS_FEED = ROOT / "examples" / "news_feed.yaml"


def test_mermaid_draws_a_par_block_with_one_lane_per_member() -> None:
    design = load_design(NEWS_FEED)
    text = mermaid_sequence(sequence(design, design.operation("read_feed")))
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("par parallel, latency = slowest: one of")
    lane = lines.index("and db.read")
    assert start < lines.index("alt hit (97%)") < lane
    end = next(i for i in range(lane, len(lines)) if lines[i] == "end")
    assert "api->>db: read (p 30% · timeout 0.1s · breaker · fail open)" in lines[lane:end]
    # after the group, the hydration read is made by api, in sequence
    assert lines[end + 1].startswith("api->>db: read (timeout 150ms")


def test_every_member_is_an_edge_from_the_caller() -> None:
    graph = component_graph(load_design(NEWS_FEED))
    pairs = {(e.source, e.target) for e in graph.edges}
    assert {("api", "feed_cache"), ("api", "db")} <= pairs


def test_markdown_and_html_show_the_group() -> None:
    report = example_report(NEWS_FEED)
    assert "par parallel, latency = slowest: one of" in render_markdown(report)
    html = render_html(report)
    assert "parallel, latency = slowest: one of" in html
    assert "db.read" in html
