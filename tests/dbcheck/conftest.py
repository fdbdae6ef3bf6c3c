"""PostgreSQL for the dbcheck tests: one throwaway cluster per session, started by the
project's own code (`--postgres auto`'s cluster).

Needs Debian's `postgresql` package (installed by .ci/run). Outside CI a missing install
skips the PostgreSQL tests with a reason; `ARCHPROOF_REQUIRE_POSTGRES=1` (set by .ci/run)
turns that skip into a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.model import Design
from archproof.passes.dbcheck import cluster

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
REQUIRED = bool(os.environ.get("ARCHPROOF_REQUIRE_POSTGRES"))
SMALL = 5_000  # rows of the largest table in tests: plans, not load speed


def example(name: str) -> Design:
    return load_design(EXAMPLES / f"{name}.yaml")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[cluster.Cluster]:
    """A running throwaway cluster (skipped without PostgreSQL, unless required)."""
    if not cluster.available():
        if REQUIRED:
            pytest.fail("ARCHPROOF_REQUIRE_POSTGRES is set but PostgreSQL is not installed")
        pytest.skip("PostgreSQL not installed (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if REQUIRED:
            pytest.fail("ARCHPROOF_REQUIRE_POSTGRES is set but psycopg is not installed")
        pytest.skip("psycopg not installed (pip install 'archproof[postgres]')")
    with cluster.throwaway_cluster() as running:
        yield running


@pytest.fixture
def pg_dsn(pg_cluster: cluster.Cluster) -> str:
    return pg_cluster.dsn


def scratch_schemas(dsn: str) -> list[str]:
    """dbcheck's schemas visible on the server (there should never be any after a run)."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'archproof_dbcheck_%'"
        ).fetchall()
    return [r[0] for r in rows]
