from __future__ import annotations

import os
from pathlib import Path

import pytest

from archproof.passes.simulate.kernel import HAVE_NUMBA
from archproof.passes.simulate.network import Network, NetworkBuilder, exponential, fixed

BACKENDS = [
    "python",
    pytest.param("numba", marks=pytest.mark.skipif(not HAVE_NUMBA, reason="no numba")),
]


def reference_network(lam: float = 800.0) -> Network:
    """The issue's tandem network: client → A(4) → B(16) → 10 % C(8)."""
    b = NetworkBuilder()
    client = b.station("client")
    a, bb, c = b.station("A", 4), b.station("B", 16), b.station("C", 8)
    root = b.node(
        client,
        fixed(0.0),
        children=(
            b.node(a, exponential(0.004)),
            b.node(bb, exponential(0.015)),
            b.node(c, exponential(0.050), prob=0.1),
        ),
    )
    b.operation("req", lam, root)
    return b.build()


def mmc_network(lam: float, mean: float, c: int) -> Network:
    b = NetworkBuilder()
    client = b.station("client")
    s = b.station("S", c)
    root = b.node(client, fixed(0.0), children=(b.node(s, exponential(mean)),))
    b.operation("req", lam, root)
    return b.build()


_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow oracle tests run only when asked for (``-m slow`` or ARCHPROOF_SLOW=1)."""
    if "slow" in (config.getoption("-m") or "") or os.environ.get("ARCHPROOF_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow")
    for item in items:
        if "slow" in item.keywords and _HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)
