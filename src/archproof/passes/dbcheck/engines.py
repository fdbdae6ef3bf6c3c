"""Database connections for dbcheck: SQLite (embedded, the default) and PostgreSQL (psycopg 3).

Safety, the same on both: dbcheck works only inside a scratch space it creates and nothing
it does outlives the run.

- SQLite: a database file in a fresh temporary directory, deleted on close.
- PostgreSQL: one transaction that is never committed. It creates a uniquely named schema
  (`archproof_dbcheck_<random hex>`), sets `search_path` to it, loads, indexes and queries
  there, and ends with ROLLBACK. dbcheck never issues DROP or ALTER on anything but its own
  uncommitted objects, so nothing it did survives the run, not even when the server or
  the network goes away (the server aborts an unfinished transaction), and other sessions
  never see the schema. Every statement runs under `statement_timeout` (and `lock_timeout`);
  SQLite gets the same bound from a progress handler.

Engine errors become a `DbcheckError` with one message: unreachable server, refused
credentials, a statement over the timeout, a server that went away, DDL the engine
rejects (the caller locates it on the entity).
"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from archproof.passes.dbcheck.ddl import Dialect
from archproof.passes.dbcheck.errors import DbcheckError
from archproof.passes.dbcheck.plans import Plan, postgres_plan, sqlite_plan

Params = Sequence[object]
Columns = tuple[list[Any], ...]
LOAD_CHUNK = 100_000  # rows per COPY (PostgreSQL) or per executemany (SQLite)
_COPY_SPECIAL = ("\\", "\t", "\n", "\r")
DEFAULT_TIMEOUT_MS = 30_000
APPLICATION = "archproof dbcheck"  # in pg_stat_activity
INSTALL_HINT = "pip install 'archproof[postgres]' (psycopg 3)"


class StatementFailed(Exception):
    """The engine refused one statement (the caller knows which entity it came from)."""


class Engine(ABC):
    """A scratch database: create tables, load rows, explain and time queries."""

    name: str
    dialect: Dialect
    version: str = ""
    scratch: str = ""  # where dbcheck works (a schema name or a temporary file)

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @abstractmethod
    def execute(self, sql: str, params: Params = (), *, what: str) -> None:
        """Run one statement; `StatementFailed` if the engine refuses it."""

    @abstractmethod
    def load(self, table: str, columns: tuple[str, ...], data: Columns) -> None:
        """Bulk-load rows, given column by column, into `table`."""

    @abstractmethod
    def analyze(self, table: str) -> None:
        """Refresh the planner's statistics for `table`."""

    @abstractmethod
    def explain(self, sql: str, params: Params, *, filtered: bool, what: str) -> Plan:
        """The plan the engine uses for `sql` with `params` (PostgreSQL: executed)."""

    @abstractmethod
    def timed(self, sql: str, params: Params, *, what: str) -> float:
        """Seconds to run `sql` and fetch every row."""

    @abstractmethod
    def close(self) -> None:
        """Discard the scratch space and disconnect (idempotent)."""


# --------------------------------------------------------------------------- SQLite


class SqliteEngine(Engine):
    """An SQLite database in a temporary directory, removed on close."""

    name = "sqlite"
    dialect: Dialect = "sqlite"

    def __init__(self, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
        self.timeout_ms = timeout_ms
        self._dir = Path(tempfile.mkdtemp(prefix="archproof-sqlite-"))
        self.scratch = str(self._dir / "dbcheck.sqlite")
        self._deadline = 0.0
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = sqlite3.connect(self.scratch, isolation_level=None)
            self.version = f"SQLite {sqlite3.sqlite_version}"
            self._conn.execute("PRAGMA journal_mode = OFF")
            self._conn.execute("PRAGMA synchronous = OFF")
            self._conn.set_progress_handler(self._over_time, 10_000)
        except BaseException:  # Ctrl-C/SIGTERM mid-construction: no caller can close us yet
            self.close()
            raise

    def _over_time(self) -> int:
        return 1 if self._deadline and time.monotonic() > self._deadline else 0

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise DbcheckError("the SQLite scratch database is already closed")
        return self._conn

    def _guard(self, what: str, run: Any) -> Any:
        self._deadline = time.monotonic() + self.timeout_ms / 1000
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise DbcheckError(
                    f"{what}: exceeded the statement timeout ({self.timeout_ms} ms)",
                    "raise --timeout, or load fewer rows (--rows)",
                ) from None
            raise StatementFailed(str(exc)) from None
        except sqlite3.Error as exc:
            raise StatementFailed(str(exc)) from None
        finally:
            self._deadline = 0.0

    def execute(self, sql: str, params: Params = (), *, what: str) -> None:
        self._guard(what, lambda: self.conn.execute(sql, tuple(params)))

    def load(self, table: str, columns: tuple[str, ...], data: Columns) -> None:
        from sqlglot import exp

        from archproof.passes.dbcheck.ddl import ident
        from archproof.passes.dbcheck.ddl import table as table_node

        insert = exp.Insert(
            this=exp.Schema(this=table_node(table), expressions=[ident(c) for c in columns]),
            expression=exp.Values(
                expressions=[exp.Tuple(expressions=[exp.Placeholder() for _ in columns])]
            ),
        ).sql(dialect="sqlite")

        def run(start: int) -> None:
            part = [col[start : start + LOAD_CHUNK] for col in data]
            self.conn.execute("BEGIN")
            try:
                self.conn.executemany(insert, zip(*part, strict=True))
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # an interrupted statement already rolled back
                    self.conn.execute("ROLLBACK")
                raise

        # one transaction (and one timeout) per chunk: the timeout bounds a statement, not
        # the whole load
        for start in range(0, len(data[0]) if data else 0, LOAD_CHUNK):
            self._guard(f"loading {table}", lambda start=start: run(start))

    def analyze(self, table: str) -> None:
        self._guard(f"analyzing {table}", lambda: self.conn.execute("ANALYZE"))

    def explain(self, sql: str, params: Params, *, filtered: bool, what: str) -> Plan:
        rows = self._guard(
            what, lambda: self.conn.execute("EXPLAIN QUERY PLAN " + sql, tuple(params)).fetchall()
        )
        return sqlite_plan(rows, filtered=filtered)

    def timed(self, sql: str, params: Params, *, what: str) -> float:
        def run() -> float:
            start = time.perf_counter()
            self.conn.execute(sql, tuple(params)).fetchall()
            return time.perf_counter() - start

        return float(self._guard(what, run))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        shutil.rmtree(self._dir, ignore_errors=True)


# --------------------------------------------------------------------------- PostgreSQL


def copy_text(values: list[Any]) -> list[str]:
    """One column in COPY's text format: NULL as \\N, booleans t/f, bytea as \\\\x…, and
    backslash, tab, newline and carriage return escaped in strings (design text such as an
    enum value may hold them)."""
    has_null = None in values
    present = [v for v in values if v is not None] if has_null else values
    sample = present[0] if present else None
    out: list[str]
    if isinstance(sample, bool):
        out = ["\\N" if v is None else ("t" if v else "f") for v in values]
    elif isinstance(sample, bytes):
        out = ["\\N" if v is None else "\\\\x" + v.hex() for v in values]
    elif isinstance(sample, str):
        joined = "".join(present)
        if any(ch in joined for ch in _COPY_SPECIAL):
            out = ["\\N" if v is None else _escape(v) for v in values]
        elif has_null:
            out = ["\\N" if v is None else v for v in values]
        else:
            out = values
    else:
        out = ["\\N" if v is None else str(v) for v in values]
    return out


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _where(dsn: str) -> str:
    """host:port/db user=… of a DSN, never its password."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(dsn)
    except Exception:
        return "the given --dsn"
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    db = info.get("dbname") or ""
    user = info.get("user")
    return f"{host}:{port}/{db}" + (f" as {user}" if user else "")


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


class PostgresEngine(Engine):
    """A scratch schema inside one never-committed transaction (see the module doc)."""

    name = "postgres"
    dialect: Dialect = "postgres"

    def __init__(self, dsn: str, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
        try:
            import psycopg
            from psycopg import sql as pgsql
        except ImportError:
            raise DbcheckError("PostgreSQL support needs psycopg 3", INSTALL_HINT) from None
        self._psycopg = psycopg
        self.timeout_ms = timeout_ms
        self.where = _where(dsn)
        try:
            self._conn: Any = psycopg.connect(
                dsn, autocommit=False, connect_timeout=5, application_name=APPLICATION
            )
        except psycopg.Error as exc:
            raise DbcheckError(
                f"cannot connect to PostgreSQL at {self.where}: {_first_line(exc)}",
                "check the host, port, user and password in --dsn, or use --postgres auto",
            ) from None
        self.scratch = f"archproof_dbcheck_{secrets.token_hex(6)}"
        try:
            row = self._conn.execute("SHOW server_version").fetchone()
            self.version = f"PostgreSQL {row[0] if row else '?'}"
            for name, value in (
                ("statement_timeout", str(timeout_ms)),
                ("lock_timeout", str(timeout_ms)),
            ):
                self._conn.execute("SELECT set_config(%s, %s, false)", (name, value))
            self._conn.execute(pgsql.SQL("CREATE SCHEMA {}").format(pgsql.Identifier(self.scratch)))
            self._conn.execute(
                "SELECT set_config('search_path', %s, false)",
                (pgsql.Identifier(self.scratch).as_string(self._conn),),
            )
        except psycopg.Error as exc:
            self.close()
            raise DbcheckError(
                f"PostgreSQL at {self.where} refused the scratch schema: {_first_line(exc)}",
                "the user needs CREATE on the database (or use --postgres auto)",
            ) from None

    def _guard(self, what: str, run: Any) -> Any:
        psycopg = self._psycopg
        try:
            return run()
        except psycopg.errors.QueryCanceled:
            raise DbcheckError(
                f"{what}: exceeded the statement timeout ({self.timeout_ms} ms)",
                "raise --timeout, or load fewer rows (--rows)",
            ) from None
        except psycopg.OperationalError as exc:
            if self._conn.closed or self._conn.broken:
                raise DbcheckError(
                    f"{what}: the PostgreSQL server at {self.where} went away "
                    f"({_first_line(exc)}); nothing was committed, so no scratch schema remains",
                ) from None
            raise StatementFailed(_first_line(exc)) from None
        except psycopg.Error as exc:
            raise StatementFailed(_first_line(exc)) from None

    def execute(self, sql: str, params: Params = (), *, what: str) -> None:
        self._guard(what, lambda: self._conn.execute(sql, tuple(params) or None))

    def load(self, table: str, columns: tuple[str, ...], data: Columns) -> None:
        from psycopg import sql as pgsql

        statement = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.Identifier(table), pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns)
        )

        def run(start: int) -> None:
            text = [copy_text(col[start : start + LOAD_CHUNK]) for col in data]
            with self._conn.cursor() as cur, cur.copy(statement) as copy:
                copy.write("\n".join(map("\t".join, zip(*text, strict=True))) + "\n")

        # one COPY (and one statement timeout) per chunk, all in the run's transaction
        for start in range(0, len(data[0]) if data else 0, LOAD_CHUNK):
            self._guard(f"loading {table}", lambda start=start: run(start))

    def analyze(self, table: str) -> None:
        from psycopg import sql as pgsql

        self._guard(
            f"analyzing {table}",
            lambda: self._conn.execute(pgsql.SQL("ANALYZE {}").format(pgsql.Identifier(table))),
        )

    def explain(self, sql: str, params: Params, *, filtered: bool, what: str) -> Plan:
        statement = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql
        row = self._guard(what, lambda: self._conn.execute(statement, tuple(params)).fetchone())
        return postgres_plan(row[0], filtered=filtered)

    def timed(self, sql: str, params: Params, *, what: str) -> float:
        def run() -> float:
            start = time.perf_counter()
            self._conn.execute(sql, tuple(params)).fetchall()
            return time.perf_counter() - start

        return float(self._guard(what, run))

    def close(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is None:
            return
        try:
            if not conn.closed and not conn.broken:
                conn.rollback()  # the scratch schema and all it holds go with the transaction
        except Exception:
            pass  # the server went away: it aborts the transaction itself
        finally:
            conn.close()
            self._conn = None
