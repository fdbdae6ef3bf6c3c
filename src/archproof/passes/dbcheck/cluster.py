"""A throwaway PostgreSQL cluster for `--postgres auto`: initdb + pg_ctl in a temporary
directory, listening on a free loopback port only, removed afterwards.

The cluster lives in a fresh `tempfile.mkdtemp()` directory (data directory, socket and
log); `pg_ctl stop -m immediate` and `shutil.rmtree` remove it when the `with` block ends,
whatever ended it (an error, Ctrl-C). It listens on 127.0.0.1 only, with password
authentication (scram-sha-256) and a random password, so no other local user can use it.
Its settings favour a bulk load that is thrown away: `fsync=off`, `wal_level=minimal`.

PostgreSQL refuses to run as root. When archproof runs as root, initdb and postgres run as
an unprivileged system user instead: `$ARCHPROOF_PG_USER` if set, else `postgres` (Debian's
`postgresql` package creates it); the temporary directory is handed to that user. Binaries
are found on PATH, under `$ARCHPROOF_PG_BIN`, or in Debian's /usr/lib/postgresql/<v>/bin.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from archproof.passes.dbcheck.errors import DbcheckError

INSTALL_HINT = "install PostgreSQL (Debian: apt-get install postgresql) or pass --dsn"
START_TIMEOUT_S = 30


@dataclass(frozen=True)
class Cluster:
    """A running throwaway cluster: where it lives and how to reach it."""

    directory: Path
    port: int
    user: str
    password: str
    pid: int

    @property
    def dsn(self) -> str:
        return (
            f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/postgres"
            "?connect_timeout=5"
        )

    @property
    def data(self) -> Path:
        return self.directory / "data"


def find_bin(name: str) -> Path | None:
    """A PostgreSQL server binary: $ARCHPROOF_PG_BIN, PATH, then Debian's versioned dirs."""
    env = os.environ.get("ARCHPROOF_PG_BIN")
    if env:
        path = Path(env) / name
        return path if path.exists() else None
    found = shutil.which(name)
    if found:
        return Path(found)
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: int(p.name)
        )
        for version in reversed(versions):
            path = version / "bin" / name
            if path.exists():
                return path
    return None


def available() -> bool:
    """Whether `--postgres auto` can start a cluster here (initdb, pg_ctl found)."""
    return find_bin("initdb") is not None and find_bin("pg_ctl") is not None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """The OS user to run PostgreSQL as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("ARCHPROOF_PG_USER", "postgres")
    try:
        pwd.getpwnam(name)
    except KeyError:
        raise DbcheckError(
            f"running as root, and there is no user '{name}' to run PostgreSQL as "
            "(PostgreSQL refuses to run as root)",
            "create one (useradd --system postgres) or set ARCHPROOF_PG_USER to an existing user",
        ) from None
    return name


def _on_terminate(cleanup: Callable[[], None]) -> Callable[[], None]:
    """While the cluster runs, SIGTERM first removes it, then acts as it would have (the
    previous handler, or death): a killed run leaves no server behind. Returns the undo.
    (SIGKILL cannot be caught: the server and its directory would then stay.)"""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.getsignal(signal.SIGTERM)

    def handler(signum: int, frame: object) -> None:
        cleanup()
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, handler)

    def undo() -> None:
        if signal.getsignal(signal.SIGTERM) is handler:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)

    return undo


def _check_reachable(directory: Path, user: str) -> None:
    """The server user must be able to reach the cluster directory through its parents."""
    done = subprocess.run(
        ["test", "-w", str(directory)], user=user, capture_output=True, timeout=10, check=False
    )
    if done.returncode != 0:
        raise DbcheckError(
            f"user '{user}' (who runs PostgreSQL, as archproof runs as root) cannot reach "
            f"{directory.parent}",
            "set TMPDIR to a directory every user can traverse (e.g. /tmp)",
        )


def _run(cmd: list[str], user: str | None, what: str) -> None:
    try:
        done = subprocess.run(
            cmd, user=user, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise DbcheckError(f"{what} did not finish within {START_TIMEOUT_S} s") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise DbcheckError(f"{what} failed: {detail[-1] if detail else done.returncode}")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Start a cluster, yield it, then stop it and delete its directory."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise DbcheckError(
            "--postgres auto: PostgreSQL's initdb/pg_ctl are not installed", INSTALL_HINT
        )
    user = _server_user()
    directory = Path(tempfile.mkdtemp(prefix="archproof-pg-"))
    started = False

    def remove() -> None:
        if started:
            subprocess.run(
                [str(pg_ctl), "-D", str(directory / "data"), "-m", "immediate", "-w", "stop"],
                user=user,
                capture_output=True,
                timeout=START_TIMEOUT_S,
                check=False,
            )
        shutil.rmtree(directory, ignore_errors=True)

    restore = _on_terminate(remove)
    try:
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(directory, entry.pw_uid, entry.pw_gid)
            _check_reachable(directory, user)
        password = secrets.token_urlsafe(18)
        pwfile = directory / "pw"
        pwfile.write_text(password + "\n")
        if user is not None:
            os.chown(pwfile, pwd.getpwnam(user).pw_uid, -1)
        pwfile.chmod(0o600)
        data = directory / "data"
        _run(
            [str(initdb), "-D", str(data), "-U", "archproof", f"--pwfile={pwfile}",
             "--auth=scram-sha-256", "-E", "UTF8", "--no-instructions", "--no-sync"],
            user,
            "initdb",
        )  # fmt: skip
        pwfile.unlink()
        port = _free_port()
        options = " ".join(
            (
                f"-p {port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={directory}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c wal_level=minimal",
                "-c max_wal_senders=0",
                "-c shared_buffers=256MB",
                "-c maintenance_work_mem=256MB",
                "-c max_wal_size=4GB",
            )
        )
        log = directory / "server.log"
        # from here on a server may be running (even if pg_ctl is interrupted): stop it
        started = True
        _run(
            [str(pg_ctl), "-D", str(data), "-l", str(log), "-o", options, "-w",
             "-t", str(START_TIMEOUT_S), "start"],
            user,
            "starting PostgreSQL (pg_ctl start)",
        )  # fmt: skip
        pid = int((data / "postmaster.pid").read_text().split()[0])
        yield Cluster(directory, port, "archproof", password, pid)
    finally:
        restore()
        remove()
