"""Failure modes: each ends with one clear message and nothing left behind.

Wrong port, wrong password, a server that goes away mid-run, a statement timeout, Ctrl-C
during the load; on PostgreSQL "nothing left behind" is checked on the server (no
`archproof_dbcheck_*` schema), on SQLite in the temporary directory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archproof.passes.dbcheck import DbcheckError, Settings, dbcheck
from archproof.passes.dbcheck.cluster import Cluster

from .conftest import EXAMPLES, example, scratch_schemas


@pytest.fixture
def private_tmp(tmp_path: Path) -> Iterator[Path]:
    """TMPDIR for the code under test, to see what it leaves behind."""
    old = tempfile.tempdir
    tempfile.tempdir = str(tmp_path)
    try:
        yield tmp_path
    finally:
        tempfile.tempdir = old


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_wrong_port(private_tmp: Path) -> None:
    dsn = f"postgresql://archproof:x@127.0.0.1:{_free_port()}/postgres"
    with pytest.raises(DbcheckError, match=r"cannot connect to PostgreSQL at 127\.0\.0\.1:") as err:
        dbcheck(example("url_shortener"), Settings(postgres=dsn, max_rows=2000, runs=1))
    assert "refused" in str(err.value).lower() or "connect" in str(err.value)
    assert list(private_tmp.iterdir()) == []  # the SQLite scratch went too


def test_wrong_password(pg_cluster: Cluster, private_tmp: Path) -> None:
    dsn = pg_cluster.dsn.replace(pg_cluster.password, "not-the-password")
    with pytest.raises(DbcheckError, match="password authentication failed") as err:
        dbcheck(example("url_shortener"), Settings(postgres=dsn, max_rows=2000, runs=1))
    assert "not-the-password" not in str(err.value)  # never echo credentials
    assert list(private_tmp.iterdir()) == []
    assert scratch_schemas(pg_cluster.dsn) == []


def test_server_goes_away_mid_run(pg_dsn: str, private_tmp: Path) -> None:
    """The server ends dbcheck's session while it checks (as a crash or restart would)."""
    import psycopg

    def kill_on_check(what: str, done: int, total: int) -> None:
        if what.startswith("postgres: Link."):
            with psycopg.connect(pg_dsn, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'archproof dbcheck'"
                )

    with pytest.raises(DbcheckError, match="went away") as err:
        dbcheck(
            example("url_shortener"),
            Settings(postgres=pg_dsn, max_rows=2000, runs=1),
            progress=kill_on_check,
        )
    assert "nothing was committed" in str(err.value)
    assert scratch_schemas(pg_dsn) == []
    assert list(private_tmp.iterdir()) == []


def test_statement_timeout_postgres(pg_dsn: str, private_tmp: Path) -> None:
    with pytest.raises(
        DbcheckError, match=r"loading Link: exceeded the statement timeout \(100 ms\)"
    ):
        dbcheck(
            example("url_shortener"),
            Settings(sqlite=False, postgres=pg_dsn, max_rows=100_000, runs=1, timeout_ms=100),
        )
    assert scratch_schemas(pg_dsn) == []


def test_statement_timeout_sqlite(private_tmp: Path) -> None:
    with pytest.raises(DbcheckError, match=r"exceeded the statement timeout \(5 ms\)"):
        dbcheck(example("url_shortener"), Settings(max_rows=100_000, runs=1, timeout_ms=5))
    assert list(private_tmp.iterdir()) == []


def test_interrupted_load_leaves_nothing(pg_dsn: str, private_tmp: Path) -> None:
    """Ctrl-C (KeyboardInterrupt) while loading: both scratch spaces are discarded."""

    def interrupt(what: str, done: int, total: int) -> None:
        if what == "postgres: loading Link":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        dbcheck(
            example("url_shortener"),
            Settings(postgres=pg_dsn, max_rows=2000, runs=1),
            progress=interrupt,
        )
    assert scratch_schemas(pg_dsn) == []
    assert list(private_tmp.iterdir()) == []


def test_ctrl_c_during_copy_in_the_cli(pg_dsn: str, tmp_path: Path) -> None:
    """A real SIGINT to `archproof dbcheck` while PostgreSQL is inside COPY."""
    import psycopg

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    design = str(EXAMPLES / "url_shortener.yaml")
    args = ["dbcheck", design, "--no-sqlite", "--dsn", pg_dsn, "--rows", "150000", "--runs", "1"]
    cmd = [str(Path(sys.executable).parent / "archproof"), *args]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # a shell's background job inherits SIGINT ignored (POSIX); a terminal's is default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    copying = False
    deadline = time.monotonic() + 60
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        while time.monotonic() < deadline and proc.poll() is None:
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                "'archproof dbcheck' AND query LIKE 'COPY%%' AND state = 'active'"
            ).fetchone()
            if row is not None and row[0] > 0:
                copying = True
                break
            time.sleep(0.02)
    assert copying, "dbcheck never reached COPY"
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert scratch_schemas(pg_dsn) == []
    assert list(tmp_path.iterdir()) == []


def test_missing_psycopg_is_a_one_line_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` raises ImportError
    with pytest.raises(DbcheckError, match="needs psycopg 3") as err:
        dbcheck(
            example("url_shortener"),
            Settings(sqlite=False, postgres="postgresql://x@127.0.0.1:1/db", max_rows=1000),
        )
    assert err.value.hint == "pip install 'archproof[postgres]' (psycopg 3)"


def test_missing_postgres_install_for_auto(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARCHPROOF_PG_BIN", str(tmp_path))  # a directory without initdb
    with pytest.raises(DbcheckError, match="initdb/pg_ctl are not installed") as err:
        dbcheck(example("url_shortener"), Settings(sqlite=False, postgres="auto", max_rows=1000))
    assert err.value.hint is not None and "apt-get install postgresql" in err.value.hint


REJECTED = """\
meta: {name: rejected}
components:
  db: {kind: database, tech: postgresql, recovery: PITR}
entities:
  Wide:
    stored_in: db
    key: id
    fields:
      id: bigint
      {a}1: int
      {a}2: int
    rows: 1M
"""


def test_ddl_the_engine_rejects_is_located_on_the_entity(pg_dsn: str, tmp_path: Path) -> None:
    """PostgreSQL cuts names at 63 bytes, so these two fields collide there (not in SQLite)."""
    from archproof.frontends.yaml_loader import load_design

    path = tmp_path / "rejected.yaml"
    path.write_text(REJECTED.replace("{a}", "a" * 70))
    design = load_design(path)
    with pytest.raises(DbcheckError, match="postgres rejected the table of entity 'Wide'") as err:
        dbcheck(design, Settings(postgres=pg_dsn, max_rows=1000, runs=1))
    assert err.value.span is not None and err.value.span.line == 6
    assert str(err.value).startswith(f"{path}:6:")
    assert scratch_schemas(pg_dsn) == []


KEEP_CLUSTER = """
import time
from archproof.passes.dbcheck.cluster import throwaway_cluster
with throwaway_cluster() as c:
    print(c.directory, c.pid, flush=True)
    time.sleep(120)
"""


def test_sigterm_removes_the_throwaway_cluster(pg_cluster: Cluster) -> None:
    """A process killed with SIGTERM while it holds a cluster stops and deletes it first."""
    proc = subprocess.Popen([sys.executable, "-c", KEEP_CLUSTER], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    directory, pid = proc.stdout.readline().split()
    assert Path(directory).is_dir()
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM  # it still dies of the signal
    assert not Path(directory).exists()
    assert _state(int(pid)) in ("gone", "Z")  # the server is gone too (or a zombie of init)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def test_sigterm_to_the_cli_unwinds_like_ctrl_c(pg_dsn: str, tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    args = ["dbcheck", str(EXAMPLES / "url_shortener.yaml"), "--dsn", pg_dsn, "--rows", "150000"]
    cmd = [str(Path(sys.executable).parent / "archproof"), *args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(tmp_path.glob("archproof-sqlite-*")):
        time.sleep(0.02)  # the SQLite scratch exists: dbcheck is under way
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    assert scratch_schemas(pg_dsn) == []


def test_an_interrupt_while_the_sqlite_scratch_is_made_leaves_nothing(
    private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CI once saw SIGTERM land between mkdtemp and the exit stack: the directory stayed
    from archproof.passes.dbcheck import engines

    def interrupted(*_args: object, **_kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engines.sqlite3, "connect", interrupted)
    with pytest.raises(KeyboardInterrupt):
        engines.SqliteEngine()
    assert list(private_tmp.iterdir()) == []


def test_interrupts_are_held_while_the_scratch_is_registered() -> None:
    from archproof.passes.dbcheck import _interrupts_held

    seen: list[str] = []

    def on_term(signum: int, frame: object) -> None:
        seen.append("term")

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        with _interrupts_held():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            seen.append("inside")
        time.sleep(0.05)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seen == ["inside", "term"]
