"""Point estimates near the knee are not evidence (issue 20, item 10): sensitivity bands.

A figure near the knee carries the band its inputs span when every service time, then
every rate, is off by ±10% (policy.INPUT_UNCERTAINTY). The bands are checked against
M/M/1's closed form W = S / (1 − λ·S), computed here, not read back from the solver.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from archproof.backends.capacity_markdown import render as render_markdown
from archproof.backends.capacity_terminal import render as render_terminal
from archproof.passes.capacity import CapacityResult
from archproof.policy import FRAGILE_FROM, INPUT_UNCERTAINTY, SENSITIVE_FROM

from .conftest import capacity

MM1 = """
meta: {{name: mm1}}
components:
  s: {{kind: service, replicas: 1, concurrency: 1, work: {{handle: 10ms}}}}
operations:
  op: {{rate: {rate}/s, slo: {{p99: 1s}}, calls: [s.handle]}}
"""
S = 0.010
U = float(INPUT_UNCERTAINTY)


def _w(service: float, rate: float) -> float:
    """M/M/1 sojourn time."""
    return service / (1.0 - rate * service)


def _p99(mean: float) -> float:
    """p99 of the lognormal fitted to an exponential's mean and variance (v = m²)."""
    s2 = math.log(2.0)
    return math.exp(math.log(mean) - s2 / 2.0 + 2.3263478740408408 * math.sqrt(s2))


def _bands(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return ([data["band"]] if "band" in data else []) + [
            b for v in data.values() for b in _bands(v)
        ]
    if isinstance(data, list):
        return [b for v in data for b in _bands(v)]
    return []


def _mm1(rate: float) -> CapacityResult:
    return capacity(MM1.format(rate=rate))


def test_a_pool_at_85_percent_carries_the_band_of_its_inputs() -> None:
    r = _mm1(85)
    op = r.operation("op")
    assert op is not None and op.mean_latency.value == pytest.approx(_w(S, 85))
    band = op.mean_latency.band
    assert band is not None and band.uncertainty == pytest.approx(U)
    # the upper end: service times +10% (11 ms at 85/s: ρ 0.935), worse than rates +10%
    high = max(_w(S * (1 + U), 85), _w(S, 85 * (1 + U)))
    low = min(_w(S * (1 - U), 85), _w(S, 85 * (1 - U)))
    assert high == pytest.approx(_w(0.011, 85))
    assert band.high == pytest.approx(high, rel=1e-9)
    assert band.low == pytest.approx(low, rel=1e-9)
    p99 = op.p99_latency.band
    assert p99 is not None and p99.high == pytest.approx(_p99(high), rel=1e-9)
    check = op.check("p99")
    assert check is not None and check.figure.band == p99  # the SLO check reads the same
    pool = r.component("s").pools[0]  # type: ignore[union-attr]
    assert pool.utilization.band is not None
    assert pool.utilization.band.low == pytest.approx(0.85 * (1 - U))
    assert pool.utilization.band.high == pytest.approx(0.85 * (1 + U))
    assert r.component("s").utilization.band == pool.utilization.band  # type: ignore[union-attr]
    assert r.sensitivity is not None and r.sensitivity.re_solves == 4


def test_a_pool_at_30_percent_carries_none() -> None:
    r = _mm1(30)
    assert _bands(r.to_json()) == []
    assert r.sensitivity is not None
    assert r.sensitivity.re_solves == 0 and r.sensitivity.statement is None
    assert "(" not in render_terminal(r, width=140).split("Latency vs SLO")[1].split("\n")[4]


def test_the_band_reaches_json_terminal_and_markdown() -> None:
    r = _mm1(85)
    data = json.loads(json.dumps(r.to_json(), allow_nan=False))
    p99 = data["operations"][0]["p99_latency"]["band"]
    assert p99["high"] == pytest.approx(_p99(_w(0.011, 85)), rel=1e-9)
    assert data["sensitivity"]["re_solves"] == 4
    terminal = render_terminal(r, width=140)
    # mean 66.7 ms, band 38.3–169 ms: shown in the figure's unit
    assert "66.7 ms (38.3–169)" in terminal
    assert "85% (76.5–93.5)" in terminal
    assert "66.7 ms (38.3–169)" in render_markdown(r)


def test_above_75_percent_the_prediction_is_said_to_be_fragile() -> None:
    r = _mm1(85)
    assert r.sensitivity is not None and r.sensitivity.statement is not None
    assert r.sensitivity.statement.startswith("Latency prediction is fragile: s at 85%")
    assert r.sensitivity.statement in " ".join(render_terminal(r, width=400).split("\n"))
    calm = _mm1(72)  # near the knee (bands) but not fragile
    assert SENSITIVE_FROM <= 0.72 < FRAGILE_FROM
    assert calm.sensitivity is not None and calm.sensitivity.statement is None
    assert calm.operation("op").mean_latency.band is not None  # type: ignore[union-attr]


def test_an_upper_end_that_saturates_is_open() -> None:
    r = _mm1(95)  # +10% on either input: ρ 1.045
    band = r.operation("op").p99_latency.band  # type: ignore[union-attr]
    assert band is not None and band.high is None and band.low is not None
    data = r.to_json()
    assert data["operations"][0]["p99_latency"]["band"]["high"] is None
    assert "∞)" in render_terminal(r, width=140)
