"""Retry amplification: how many times a guarded call is attempted on average.

An attempt fails when the callee does not answer within the timeout:

    q = P(S > timeout)

with `S` the callee's own service-time distribution (queueing and nested calls are
left out, so q is a lower bound; the simulator includes them). Availability does not
enter: an outage outlasts the retries (see `availability.py`, the one availability
model). With `r` retries the number of attempts is 1 + Bernoulli chain:

    E[attempts] = Σ_{k=0..r} q^k = (1 − q^{r+1}) / (1 − q)      (r + 1 when q = 1)

Every attempt reaches the callee and keeps its server busy (a timed-out attempt is
abandoned by the caller, not by the callee), so the callee's load is multiplied by
E[attempts]. Expected backoff before the k-th retry is q^k · backoff · multiplier^(k−1).
"""

from __future__ import annotations

import math

from archproof.model import Distribution, Retry


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def timeout_probability(dist: Distribution, timeout_s: float) -> float:
    """P(S > timeout) for the callee's service time S (fixed, exponential or lognormal)."""
    if timeout_s <= 0:
        return 1.0
    if dist.dist == "fixed":
        return 1.0 if dist.mean_s() > timeout_s else 0.0
    if dist.dist == "exponential":
        return math.exp(-timeout_s / dist.mean_s())
    mu, sigma = dist.lognormal_params()
    return _normal_sf((math.log(timeout_s) - mu) / sigma)


def expected_attempts(q: float, retries: int) -> float:
    """E[attempts] = Σ_{k=0..r} q^k."""
    if retries <= 0:
        return 1.0
    if q >= 1.0:
        return float(retries + 1)
    return (1.0 - q ** (retries + 1)) / (1.0 - q)


def expected_backoff(q: float, retry: Retry | None) -> float:
    """Expected seconds spent in backoff: Σ_{k=1..r} q^k · backoff · multiplier^(k−1)."""
    if retry is None or retry.backoff is None or retry.count == 0:
        return 0.0
    base = float(retry.backoff.seconds)
    mult = float(retry.multiplier)
    return sum(q**k * base * mult ** (k - 1) for k in range(1, retry.count + 1))
