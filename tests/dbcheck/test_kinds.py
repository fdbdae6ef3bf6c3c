"""The other access-pattern kinds: a declared scan (COUNT(*), never judged), a top-k with
no filter (fixed by an index on its order), a search on a field that is not text."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.dbcheck import Access, Settings, dbcheck

KINDS = """\
meta: {name: kinds}
components:
  db: {kind: database, tech: postgresql, recovery: PITR}
entities:
  T:
    stored_in: db
    key: id
    fields:
      id: uuid
      n: int
    rows: 1M
    access_patterns:
      - {id: search_id, kind: search, by: [id]}
      - {id: count_all, kind: scan}
      - {id: top_n, kind: range, order_by: n}
"""


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_scan_top_k_and_search(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    path = tmp_path / "kinds.yaml"
    path.write_text(KINDS)
    if engine == "sqlite":
        settings = Settings(max_rows=3000, runs=1)
    else:
        settings = Settings(sqlite=False, postgres=request.getfixturevalue("pg_dsn"),
                            max_rows=3000, runs=1)  # fmt: skip
    (run,) = dbcheck(load_design(path), settings).runs
    plans = {c.pattern: c for c in run.checks}
    assert plans["count_all"].sql.startswith('SELECT COUNT(*) FROM "T"')
    assert plans["count_all"].plan.access is Access.FULL_SCAN  # expected: not judged
    assert 'CAST("id" AS TEXT) LIKE' in plans["search_id"].sql
    found = {f.pattern: f for f in run.findings}
    assert set(found) == {"search_id", "top_n"}
    assert found["search_id"].fix is not None and found["search_id"].fix.sql == ""  # no B-tree
    assert "top-k by n" in found["top_n"].message
    top_fix = found["top_n"].fix
    assert top_fix is not None and top_fix.columns == ("n",) and top_fix.verified
