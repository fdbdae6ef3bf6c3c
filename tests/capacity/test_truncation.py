"""A call given up at its timeout: min(R, T), with R the lognormal fitted to the call's
response moments (the fit the percentiles read), not an exponential of the same mean."""

from __future__ import annotations

import math

import numpy as np
import pytest

from archproof.passes.capacity.solve import truncated

from .conftest import capacity


@pytest.mark.parametrize(
    ("mean", "cv", "timeout"),
    [(0.089, 0.26, 1.0), (0.089, 0.26, 0.1), (0.28, 1.5, 0.2), (0.005, 1.2, 0.05)],
)
def test_truncated_moments_match_sampling(mean: float, cv: float, timeout: float) -> None:
    var = (cv * mean) ** 2
    s2 = math.log1p(cv * cv)
    rng = np.random.default_rng(7)
    x = rng.lognormal(math.log(mean) - s2 / 2, math.sqrt(s2), 2_000_000)
    y = np.minimum(x, timeout)
    m, v = truncated(mean, var, timeout)
    assert m == pytest.approx(float(y.mean()), rel=0.005)
    assert v == pytest.approx(float(y.var()), rel=0.02)


def test_deterministic_response_is_cut_at_the_timeout() -> None:
    assert truncated(0.3, 0.0, 0.2) == (0.2, 0.0)
    assert truncated(0.1, 0.0, 0.2) == (0.1, 0.0)


LOGIN = """
meta: {name: login}
components:
  lb: {kind: load_balancer, tech: haproxy, replicas: 2}
  api:
    kind: service
    replicas: 4
    concurrency: 32
    work: {log_in: {lognormal: {p50: 80ms, p99: 150ms}}}
operations:
  log_in:
    rate: 50/s
    calls:
      - lb.route:
          calls:
            - api.log_in: {timeout: 1s}
"""


def test_a_proxy_in_front_keeps_the_callee_tail() -> None:
    """The balancer holds each request for the api's response, cut at 1 s: the operation's
    p99 is the api's (≈ 150 ms), not the 437 ms an exponential response gave (the
    simulator measured 159 ms on a drafted design of this shape)."""
    r = capacity(LOGIN)
    p99 = r.operation("log_in").p99_latency.value
    assert p99 is not None and 0.14 < p99 < 0.17
