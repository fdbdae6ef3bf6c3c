"""Issue 20, problem 6: section 6 and parts of section 3 were boilerplate.

"Load-test it first" was said of a CDN at 7% utilization and of SendGrid; "integration
points" listed internal stores; the same read/write table stood under every entity.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.backends.report import render_markdown
from archproof.backends.report.document import Bullets, Section, Table
from archproof.backends.report.sections import build_document
from archproof.model.traits import traits
from archproof.passes.capacity import CapacityResult
from archproof.policy import VALIDATE_EARLY_FROM

from .helpers import EXAMPLES, ROOT, design_report, example_report


def _section(sections: tuple[Section, ...], key: str) -> Section:
    for section in sections:
        if section.id == key:
            return section
        try:
            return _section(section.children, key)
        except LookupError:
            continue
    raise LookupError(key)


def _validate_early(path: Path) -> dict[str, str]:
    document = build_document(example_report(path))
    section = _section(document.sections, "validate-early")
    items = [item for b in section.blocks if isinstance(b, Bullets) for item in b.items]
    return {label.rstrip(":"): text for label, text in items}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_load_test_advice_only_for_what_is_closest_to_its_limit_and_matters(path: Path) -> None:
    report = example_report(path)
    capacity = report.get(CapacityResult)
    assert capacity is not None
    advice = _validate_early(path)
    named = {c: t for c, t in advice.items() if c in {x.id for x in capacity.components}}
    # the bottleneck is always named; anything else only when it is busy enough to matter
    assert capacity.bottleneck.component in named
    for component, text in named.items():
        load = capacity.component(component)
        assert load is not None and load.utilization.value is not None
        if component != capacity.bottleneck.component:
            assert load.utilization.value >= VALIDATE_EARLY_FROM, (component, text)
        if traits(report.design.component(component).kind).third_party:
            assert "load-test" not in text and "quota" in text  # not yours to load-test


def test_no_load_test_for_a_cdn_at_7_percent_or_an_external_email_api() -> None:
    news = _validate_early(ROOT / "examples" / "news_feed.yaml")
    assert "cdn" not in news
    payments = _validate_early(ROOT / "examples" / "payments.yaml")
    assert "email_api" not in payments
    assert "load-test" not in payments["psp"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_integration_points_are_external_systems_not_internal_stores(path: Path) -> None:
    report = example_report(path)
    document = build_document(report)
    section = _section(document.sections, "integration")
    listed = {str(row[0]) for b in section.blocks if isinstance(b, Table) for row in b.rows}
    external = {c.id for c in report.design.components if traits(c.kind).third_party}
    assert listed == external
    assert "Team boundaries" in render_markdown(report)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_read_write_table_is_not_repeated_under_every_entity(path: Path) -> None:
    report = example_report(path)
    document = build_document(report)
    for entity in report.design.entities:
        section = _section(document.sections, f"entity-{entity.id.lower()}")
        headers = [b.headers for b in section.blocks if isinstance(b, Table)]
        assert ("Operation", "Reads", "Writes") not in headers
    store_access = _section(document.sections, "store-access")
    (table,) = [b for b in store_access.blocks if isinstance(b, Table)]
    pairs = [(row[0], row[2]) for row in table.rows]
    assert len(pairs) == len(set(pairs))  # each (store, operation) once


def test_cost_is_not_guessed() -> None:
    markdown = render_markdown(example_report(ROOT / "examples" / "payments.yaml"))
    cost = markdown.split("### Cost", 1)[1].split("##", 1)[0]
    assert "Not estimated" in cost and "$" not in cost


SCOPED = """\
meta: {name: scoped}
requirements:
  use_cases: [Shorten a link]
  non_goals: [Custom domains per customer]
components:
  api: {kind: service, tech: stateless-service}
operations:
  shorten: {rate: 1/s, calls: [api.handle]}
decisions:
  - principle: ST
    choice: A stateless API
    reason: Any replica can answer.
    alternatives:
      - option: Sticky sessions
        why_not: A lost node would lose its sessions.
"""


def test_goals_non_goals_and_alternatives_considered_are_in_the_document(
    tmp_path: Path,
) -> None:
    document = build_document(design_report(SCOPED, tmp_path))
    goals = _section(document.sections, "use-cases")
    listed = [t for b in goals.blocks if isinstance(b, Bullets) for _, t in b.items]
    assert listed == ["Shorten a link", "Custom domains per customer"]
    alternatives = _section(document.sections, "alternatives")
    (table,) = [b for b in alternatives.blocks if isinstance(b, Table)]
    assert table.rows == (
        ("A stateless API", "Sticky sessions", "A lost node would lose its sessions."),
    )
    # the bundled examples write theirs under `decisions:`
    url = build_document(example_report(ROOT / "examples" / "url_shortener.yaml"))
    rows = [b for b in _section(url.sections, "alternatives").blocks if isinstance(b, Table)]
    assert rows and len(rows[0].rows) == 3
