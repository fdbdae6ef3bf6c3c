"""Removing an index makes its access pattern a full-scan finding on both engines, and the
suggested index (re-checked in the scratch space) makes it an index scan again."""

from __future__ import annotations

import pytest

from archproof.model import Design
from archproof.passes.dbcheck import Access, Settings, dbcheck
from archproof.passes.review.finding import Severity

from .conftest import SMALL, example, scratch_schemas


def without_indexes(design: Design, entity: str) -> Design:
    """The design with `entity`'s declared indexes removed (a copy: the model is frozen)."""
    entities = tuple(
        e.model_copy(update={"indexes": ()}) if e.id == entity else e for e in design.entities
    )
    return design.model_copy(update={"entities": entities})


CASES = [
    # (example, entity, pattern, fixing columns)
    ("url_shortener", "Link", "owner_links", ("owner_id", "created_at")),
    ("payments", "Payment", "merchant_recent", ("merchant_id", "created_at")),
    ("news_feed", "Post", "author_recent", ("author_id", "created_at")),
]


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
@pytest.mark.parametrize(("name", "entity", "pattern", "columns"), CASES)
def test_removed_index_is_a_full_scan_fixed_by_the_suggested_index(
    engine: str,
    name: str,
    entity: str,
    pattern: str,
    columns: tuple[str, ...],
    request: pytest.FixtureRequest,
) -> None:
    design = without_indexes(example(name), entity)
    if engine == "sqlite":
        settings = Settings(max_rows=SMALL, runs=2)
    else:
        settings = Settings(sqlite=False, postgres=request.getfixturevalue("pg_dsn"),
                            max_rows=SMALL, runs=2)  # fmt: skip
    result = dbcheck(design, settings)
    (run,) = result.runs
    check = next(c for c in run.checks if (c.entity, c.pattern) == (entity, pattern))
    assert check.plan.access is Access.FULL_SCAN
    found = [f for f in run.findings if (f.entity, f.pattern) == (entity, pattern)]
    assert [f.code for f in found] == ["DB101"]
    finding = found[0]
    assert finding.span is not None and finding.span.line > 0  # located on the pattern
    assert finding.evidence == check.plan.text and finding.evidence
    assert finding.fix is not None and finding.fix.columns == columns
    assert finding.fix.plan is not None and finding.fix.plan.access is Access.INDEX
    assert finding.fix.verified
    assert "CREATE INDEX" in finding.fix.sql
    if engine == "postgres":
        assert scratch_schemas(settings.postgres or "") == []


def test_severity_follows_the_request_path() -> None:
    # payments' merchant_recent has no operation (a warning); url_shortener's by_code is
    # read by redirect (an error once its key is gone... keys cannot be removed, so use a
    # pattern on a field without an index instead)
    design = without_indexes(example("payments"), "Payment")
    result = dbcheck(design, Settings(max_rows=SMALL, runs=1))
    severity = {f.pattern: f.severity for f in result.findings}
    assert severity["merchant_recent"] is Severity.WARNING  # no operation uses it
    assert severity["by_idempotency_key"] is Severity.ERROR  # create_payment uses it


def test_small_tables_are_not_findings() -> None:
    """A full scan of a table that is small at the design's scale is fine."""
    design = without_indexes(example("payments"), "Refund")
    refund = design.entity_map["Refund"]
    small = refund.model_copy(update={"rows": None, "growth": None})
    design = design.model_copy(
        update={"entities": tuple(small if e.id == "Refund" else e for e in design.entities)}
    )
    result = dbcheck(design, Settings(max_rows=SMALL, runs=1))
    assert not [f for f in result.findings if f.entity == "Refund"]
