"""dbcheck on every bundled example, on both engines, against the hand-written answer key
(`answer_key.yaml`, committed before dbcheck ever ran on the examples)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from archproof.passes.dbcheck import Access, DbcheckResult, Settings, dbcheck

from .conftest import SMALL, example, scratch_schemas

KEY = YAML(typ="safe").load((Path(__file__).parent / "answer_key.yaml").read_text())
EXAMPLES = sorted(KEY)


def _plans(result: DbcheckResult, engine: str) -> dict[tuple[str, str], Access]:
    (run,) = [r for r in result.runs if r.engine == engine]
    return {(c.entity, c.pattern): c.plan.access for c in run.checks}


def _expected(name: str) -> dict[tuple[str, str], Access]:
    return {
        (entity, pattern): Access.INDEX if item["plan"] == "index" else Access.FULL_SCAN
        for entity, patterns in KEY[name].items()
        for pattern, item in patterns.items()
    }


def test_the_key_covers_every_example_pattern() -> None:
    for name in EXAMPLES:
        design = example(name)
        written = {(e.id, ap.id) for e in design.entities for ap in e.access_patterns}
        assert set(_expected(name)) == written, name


@pytest.mark.parametrize("name", EXAMPLES)
def test_sqlite_plans_match_the_key(name: str) -> None:
    result = dbcheck(example(name), Settings(max_rows=SMALL, runs=2))
    assert _plans(result, "sqlite") == _expected(name)


@pytest.mark.parametrize("name", EXAMPLES)
def test_postgres_plans_match_the_key(name: str, pg_dsn: str) -> None:
    result = dbcheck(example(name), Settings(sqlite=False, postgres=pg_dsn, max_rows=SMALL, runs=2))
    assert _plans(result, "postgres") == _expected(name)
    (run,) = result.runs
    for check in run.checks:  # PostgreSQL reports what it examined and returned
        assert check.plan.rows_examined is not None and check.plan.rows_returned is not None
        assert check.p95_ms >= check.p50_ms > 0
    assert scratch_schemas(pg_dsn) == []


def test_only_the_search_pattern_is_a_finding() -> None:
    """The examples' indexes serve every lookup and range; caption search is a full scan,
    reported as info because the operation reads the search index, not the database."""
    for name in EXAMPLES:
        result = dbcheck(example(name), Settings(max_rows=SMALL, runs=1))
        found = {(f.entity, f.pattern, f.code, f.severity.value) for f in result.findings}
        expected = (
            {("Media", "caption_search", "DB101", "info")} if name == "media_pipeline" else set()
        )
        assert found == expected, name
