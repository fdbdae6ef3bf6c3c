"""Generated DDL: parses with sqlglot in every dialect, loads into SQLite and PostgreSQL,
and keeps hostile design text as data (quoted identifiers, string literals)."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

import pytest
import sqlglot

from archproof.frontends.yaml_loader import load_design
from archproof.model import Design
from archproof.passes.dbcheck import DIALECTS, render
from archproof.passes.dbcheck.ddl import schema

from .conftest import EXAMPLE_FILES, scratch_schemas

HOSTILE = textwrap.dedent(
    """\
    meta: {name: "x'; DROP TABLE t; --"}
    components:
      db: {kind: database, tech: postgresql, recovery: PITR}
    entities:
      'Robert"); DROP TABLE "User"; --':
        stored_in: db
        key: 'i"d'
        fields:
          'i"d': bigint
          "na`me; --": str(20)
          kind: enum(a'b|c)
          'owner"': ref(Owner)
          note: {type: enum, values: ["tab\\there", "back\\\\slash", "new\\nline", "\\\\N"]}
        rows: 1M
        access_patterns:
          - {id: "by name", kind: lookup, by: ["na`me; --"]}
        indexes:
          - ["na`me; --"]
      Owner:
        stored_in: db
        key: id
        fields:
          id: uuid
    """
)
HOSTILE_TABLE = 'Robert"); DROP TABLE "User"; --'


@pytest.fixture
def hostile(tmp_path: Path) -> Design:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE)
    return load_design(path)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_example_ddl_parses_in_every_dialect(path: Path, dialect: str) -> None:
    design = load_design(path)
    text = render(design, dialect)  # type: ignore[arg-type]
    parsed = [e for e in sqlglot.parse(text, read=dialect) if e is not None]
    tables = [e for e in parsed if e.key == "create" and e.args.get("kind") == "TABLE"]
    assert len(tables) == sum(1 for e in design.entities if e.fields)
    indexes = [e for e in parsed if e.key == "create" and e.args.get("kind") == "INDEX"]
    assert len(indexes) >= sum(len(e.indexes) for e in design.entities)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_ddl_loads_into_sqlite(path: Path) -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(render(load_design(path), "sqlite"))
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert names == {e.id for e in load_design(path).entities if e.fields}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_ddl_loads_into_postgres(path: Path, pg_dsn: str) -> None:
    import psycopg

    design = load_design(path)
    with psycopg.connect(pg_dsn) as conn:  # one transaction, rolled back at the end
        conn.execute("CREATE SCHEMA archproof_dbcheck_ddltest")
        conn.execute("SET LOCAL search_path TO archproof_dbcheck_ddltest")
        for statement in schema(design, "postgres"):
            conn.execute(statement.sql("postgres"))  # foreign keys included
        rows = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'archproof_dbcheck_ddltest'"
        ).fetchone()
        assert rows is not None and rows[0] == sum(1 for e in design.entities if e.fields)
        conn.rollback()
    assert scratch_schemas(pg_dsn) == []


def test_hostile_names_stay_data(hostile: Design) -> None:
    for dialect in DIALECTS:
        text = render(hostile, dialect)
        parsed = [e for e in sqlglot.parse(text, read=dialect) if e is not None]
        # no statement but CREATE TABLE / CREATE INDEX / ALTER TABLE ADD FOREIGN KEY
        assert {e.key for e in parsed} <= {"create", "alter"}, text
        assert not any(e.key == "drop" for e in parsed)
    conn = sqlite3.connect(":memory:")
    conn.executescript(render(hostile, "sqlite"))
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert names == {HOSTILE_TABLE, "Owner"}
    columns = [
        r[1]
        for r in conn.execute(f'PRAGMA table_info("{HOSTILE_TABLE.replace(chr(34), chr(34) * 2)}")')
    ]
    assert columns == ['i"d', "na`me; --", "kind", 'owner"', "note"]
    with pytest.raises(sqlite3.IntegrityError):  # the enum's CHECK holds the quote as data
        conn.execute(
            f'INSERT INTO "{HOSTILE_TABLE.replace(chr(34), chr(34) * 2)}" VALUES (1, ?, ?, ?, ?)',
            ("n", "a", "o", "\\N"),
        )
    conn.execute(
        f'INSERT INTO "{HOSTILE_TABLE.replace(chr(34), chr(34) * 2)}" VALUES (1, ?, ?, ?, ?)',
        ("n", "a'b", "o", "new\nline"),
    )


def test_hostile_names_on_postgres(hostile: Design, pg_dsn: str) -> None:
    from archproof.passes.dbcheck import Settings, dbcheck

    result = dbcheck(hostile, Settings(sqlite=True, postgres=pg_dsn, max_rows=3000, runs=2))
    # the enum values with a tab, a backslash, a newline and a literal \N went through COPY
    # (the CHECK constraint would refuse anything mangled) and NULL stayed NULL
    for run in result.runs:
        (check,) = run.checks
        assert check.pattern == "by name" and check.plan.access.value == "index"
    assert scratch_schemas(pg_dsn) == []
