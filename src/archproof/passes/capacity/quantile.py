"""Latency percentiles from a mean and a variance: a lognormal fitted by moments.

Method: the response time of an operation is a sum of independent steps (waits and
holding times along the call tree; one_of branches mixed), so its mean and variance
add up exactly. We fit a lognormal with that mean m and variance v,

    σ² = ln(1 + v/m²),  μ = ln m − σ²/2,  q_p = exp(μ + z_p·σ)

and read its percentiles. This is an approximation (a mixture of a fast cache hit and
a slow miss is bimodal, which one lognormal smooths over); the simulator measures the
real percentiles and the report shows both.
"""

from __future__ import annotations

import math

Z = {0.5: 0.0, 0.95: 1.6448536269514722, 0.99: 2.3263478740408408}

FORMULA = "lognormal fit of mean m and variance v: exp(ln m − σ²/2 + z·σ), σ² = ln(1 + v/m²)"


def lognormal_fit(mean: float, var: float) -> tuple[float, float]:
    """(μ, σ) of the lognormal with this mean and variance (both > 0)."""
    s2 = math.log1p(var / (mean * mean))
    return math.log(mean) - s2 / 2.0, math.sqrt(s2)


def lognormal_quantile(mean: float, var: float, q: float) -> float:
    """The q-quantile (0.5, 0.95 or 0.99) of the lognormal with this mean and variance."""
    if mean <= 0:
        return 0.0
    if var <= 0:
        return mean
    mu, sigma = lognormal_fit(mean, var)
    return math.exp(mu + Z[q] * sigma)
