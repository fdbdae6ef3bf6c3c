"""Findings point at model elements with a typed `ElementRef`, resolved against the design."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design, load_text
from archproof.model import ElementKind, ElementRef
from archproof.passes.review import Hit, ReviewResult
from archproof.pipeline import run

URL = Path(__file__).parent.parent / "examples" / "url_shortener.yaml"


def test_text_form_is_the_old_kind_id_string() -> None:
    assert str(ElementRef.component("db")) == "component:db"
    assert str(ElementRef.operation("redirect")) == "operation:redirect"
    assert str(ElementRef.entity("Link", "access_patterns", "by_code")) == "entity:Link"
    assert str(ElementRef.design()) == "design"
    for text in ("component:db", "event:link_clicked", "design"):
        assert str(ElementRef.parse(text)) == text
    assert ElementRef.parse("entity:Link") == ElementRef(ElementKind.ENTITY, "Link")


@pytest.mark.parametrize("bad", ["db", "widget:db", "component:", ""])
def test_parse_refuses_what_is_not_a_reference(bad: str) -> None:
    with pytest.raises(ValueError, match="not an element reference"):
        ElementRef.parse(bad)


def test_a_reference_is_well_formed() -> None:
    with pytest.raises(ValueError):
        ElementRef(ElementKind.COMPONENT)  # no id
    with pytest.raises(ValueError):
        ElementRef(ElementKind.DESIGN, "x")
    with pytest.raises(ValueError, match="pairs"):
        ElementRef.entity("Link", "access_patterns")


def test_references_resolve_to_the_span_where_the_element_is_written() -> None:
    design = load_design(URL)
    lines = URL.read_text("utf-8").splitlines()

    def line_of(text: str) -> int:  # 1-based, so edits above the element don't break the test
        return next(i for i, line in enumerate(lines, 1) if line.startswith(text))

    db = ElementRef.component("db").span(design)
    # an element's span is where its body starts (the line below `db:`), as the loader sets it
    assert db is not None and (db.file, db.line, db.column) == (str(URL), line_of("  db:") + 1, 5)
    assert db == design.component("db").span
    link = ElementRef.entity("Link").span(design)
    assert link is not None and link.line == line_of("  Link:") + 1
    pattern = ElementRef.entity("Link", "access_patterns", "owner_links").span(design)
    expected = (line_of("      - {id: owner_links"), 9)
    assert pattern is not None and (pattern.line, pattern.column) == expected
    assert ElementRef.operation("redirect").resolve(design) is design.operation("redirect")
    # a missing part falls back to the element; a missing element has no span
    missing_part = ElementRef.entity("Link", "access_patterns", "nope").span(design)
    assert missing_part == link
    assert ElementRef.component("nope").span(design) is None
    assert ElementRef.design().resolve(design) is design


def test_a_finding_carries_the_reference_its_rule_built() -> None:
    text = "meta: {name: x}\ncomponents:\n  api:\n    kind: service\n    state: [sessions]\n"
    review = run(load_text(text, "d.yaml"), passes=("review",)).get(ReviewResult)
    assert review is not None
    st002 = next(f for f in review.findings if f.code == "ST002")
    assert st002.element == ElementRef.component("api")
    assert st002.span is not None and st002.span.line == 4
    assert st002.span == st002.element.span(run(load_text(text, "d.yaml")).design)


def test_acceptances_apply_through_the_reference() -> None:
    text = (
        "meta: {name: x}\ncomponents:\n  api:\n    kind: service\n"
        "    state: [sessions]\n    accept: {ST002: sticky sessions are fine here}\n"
    )
    review = run(load_text(text, "d.yaml"), passes=("review",)).get(ReviewResult)
    assert review is not None
    st002 = next(f for f in review.findings if f.code == "ST002")
    assert st002.accepted == "sticky sessions are fine here"
    assert not [f for f in review.findings if f.code == "AP040"]


def test_a_hit_written_with_a_string_still_becomes_a_reference() -> None:
    hit = Hit(element="operation:redirect", message="m")  # type: ignore[arg-type]
    assert hit.element == ElementRef.operation("redirect")
