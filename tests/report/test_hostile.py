"""Design text is data: hostile names render as text in HTML and Markdown, never as markup."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from archproof.backends.report import render_html, render_markdown
from archproof.report import Report

from .helpers import design_report

HOSTILE = """\
meta:
  name: "<script>alert(1)</script>"
  task: "Design <b>bold</b> & \\"quoted\\" things; see #1 ```"
components:
  "<script>alert(1)</script>":
    kind: service
    tech: stateless-service
    rationale: "<img src=x onerror=alert(2)>"
  db:
    kind: database
    tech: postgresql
    state: ["<svg onload=alert(3)>"]
    recovery: "<iframe src=javascript:alert(5)>"
operations:
  "op<i>":
    description: "\\"><img src=x onerror=alert(1)>"
    rate: 10/s
    slo: {p99: 50ms}
    idempotency_key: "'><script>alert(6)</script>"
    calls:
      - "<script>alert(1)</script>.handle":
          calls:
            - call: db.read
              on_failure: fail_open
              fallback: "<style>body{display:none}</style>"
entities:
  "E<x>":
    stored_in: db
    key: id
    fields:
      id: uuid
      "na<me>": str
    access_patterns:
      - {id: "by<img src=x onerror=alert(7)>", kind: lookup, by: [id]}
answers:
  Q1.1: "</script><script>alert(4)</script>"
"""


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@pytest.fixture
def report(tmp_path: Path) -> Report:
    return design_report(HOSTILE, tmp_path)


def test_html_has_no_markup_from_the_design(report: Report) -> None:
    html = render_html(report)
    for bad in ("<script", "<img", "<iframe", "<style>body", "<svg onload", "<b>", "<i>"):
        assert bad not in html, bad
    parser = _Tags()
    parser.feed(html)
    tags = {tag for tag, _ in parser.tags}
    assert not tags & {"script", "img", "iframe", "b", "i", "object", "embed"}
    assert [t for t, _ in parser.tags].count("style") == 1  # our own stylesheet only
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            assert "javascript:" not in (value or ""), f"<{tag} {name}={value!r}>"


def test_html_shows_the_hostile_text_as_text(report: Report) -> None:
    html = render_html(report)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror=alert(1)&gt;" in html  # visible as text, escaped


def test_markdown_has_no_raw_html_from_the_design(report: Report) -> None:
    md = render_markdown(report)
    for bad in ("<script", "<img", "<iframe", "<style", "<svg", "<b>", "<i>"):
        assert bad not in md, bad
    assert "&lt;script>alert(1)&lt;/script>" in md


def test_mermaid_labels_cannot_break_out(report: Report) -> None:
    md = render_markdown(report)
    blocks = md.split("```mermaid\n")[1:]
    assert blocks
    for block in blocks:
        body = block.split("\n```", 1)[0]
        assert "<script" not in body and "<img" not in body
        assert '"<' not in body
