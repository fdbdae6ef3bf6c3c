"""An SLO met at the design's inputs but missed at the top of its sensitivity band is
"at risk", not "met" (issue 20, item 10: point estimates near the knee are not evidence).

M/M/1 at 85/s with 10 ms of service: the p99 of the fitted lognormal is 327 ms at the
design's inputs and 830 ms at the band's top (service times +10%: ρ 0.935), computed here
from the closed form W = S / (1 − λ·S) as in test_sensitivity_bands.py.
"""

from __future__ import annotations

import math

import pytest

from archproof.backends.capacity_terminal import render as render_terminal
from archproof.passes.capacity import SloStatus
from archproof.policy import INPUT_UNCERTAINTY

from .conftest import capacity

MM1 = """
meta: {{name: mm1}}
components:
  s: {{kind: service, replicas: 1, concurrency: 1, work: {{handle: 10ms}}}}
operations:
  op: {{rate: {rate}/s, slo: {{p99: {target}}}, calls: [s.handle]}}
"""
S = 0.010
U = float(INPUT_UNCERTAINTY)


def _p99(rate: float, service: float) -> float:
    mean = service / (1.0 - rate * service)
    s2 = math.log(2.0)
    return math.exp(math.log(mean) - s2 / 2.0 + 2.3263478740408408 * math.sqrt(s2))


def _status(rate: float, target: str) -> SloStatus:
    check = capacity(MM1.format(rate=rate, target=target)).operation("op").check("p99")  # type: ignore[union-attr]
    assert check is not None
    return check.status


def test_met_at_the_inputs_missed_at_the_band_top_is_at_risk() -> None:
    at_inputs, at_top = _p99(85, S), _p99(85, S * (1 + U))
    assert at_inputs == pytest.approx(0.327, abs=0.001) and at_top == pytest.approx(
        0.830, abs=0.001
    )
    assert _status(85, "500ms") is SloStatus.AT_RISK  # between the two
    assert _status(85, "1s") is SloStatus.MET  # above the whole band
    assert _status(85, "300ms") is SloStatus.VIOLATED  # below the design's own figure


def test_a_band_that_saturates_at_its_top_puts_any_met_slo_at_risk() -> None:
    assert _status(95, "10s") is SloStatus.AT_RISK  # +10% on either input: ρ 1.045


def test_far_from_the_knee_a_met_slo_stays_met() -> None:
    assert _status(30, "100ms") is SloStatus.MET  # no band below policy.SENSITIVE_FROM


def test_the_terminal_says_at_risk() -> None:
    r = capacity(MM1.format(rate=85, target="500ms"))
    assert "at risk" in render_terminal(r, width=140).split("Latency vs SLO")[1]
