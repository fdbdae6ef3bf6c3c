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
from collections.abc import Iterable

from archproof.model import Distribution, Retry
from archproof.units import MAX_DELIVERIES


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


def exhausted(q: float, retries: int) -> float:
    """P(every attempt fails) = q^(r+1): the share of executions a fail-open edge gives up
    on, so the share that makes its fallback (normal operation: timeouts only)."""
    return min(max(q, 0.0), 1.0) ** (max(retries, 0) + 1)


def expected_backoff(q: float, retry: Retry | None) -> float:
    """Expected seconds spent in backoff: Σ_{k=1..r} q^k · backoff · multiplier^(k−1)."""
    if retry is None or retry.backoff is None or retry.count == 0:
        return 0.0
    base = float(retry.backoff.seconds)
    mult = float(retry.multiplier)
    return sum(q**k * base * mult ** (k - 1) for k in range(1, retry.count + 1))


# --------------------------------------------------------------------------- redelivery
#
# A queue consumer's retries are the broker's redeliveries (events[].redelivery): a message
# whose processing fails is delivered again after `delay`, up to `max_deliveries` in all
# (the first included), then moved to the dead-letter queue. With f = P(one delivery fails):
#
#     E[deliveries] = Σ_{k=0..m−1} f^k = (1 − f^m) / (1 − f)      (m when f = 1)
#     dead-lettered = f^m × message rate
#
# `max_deliveries` caps the amplification. Unbounded redelivery is E = 1 / (1 − f) with
# nothing dead-lettered; a message that (almost) always fails would come back forever (or
# 1/(1 − f) times), so the figure is capped at the model's bound, MAX_DELIVERIES: finite.


def delivery_failure(steps: Iterable[tuple[float, int, float]]) -> float:
    """f = P(one delivery fails) = 1 − Π_c (1 − q_c^(r_c+1))^(n_c) over the consumer's
    fail-closed calls `(q_c, r_c, n_c)`: per-attempt failure q, retries r, executions per
    delivery n. As for retries, q counts timeouts only (outages: availability.py), so f is
    what the model knows, a lower bound."""
    log_ok = 0.0
    for q, retries, executions in steps:
        fail = min(max(q, 0.0), 1.0) ** (retries + 1)
        if fail >= 1.0 and executions > 0:
            return 1.0
        log_ok += executions * math.log1p(-fail)
    return -math.expm1(log_ok)


def expected_deliveries(f: float, max_deliveries: int | None) -> float:
    """E[deliveries per message] = Σ_{k=0..m−1} f^k, m = max_deliveries (MAX_DELIVERIES
    when unbounded and every delivery fails)."""
    if f <= 0.0:
        return 1.0
    if max_deliveries is None:  # at most the model's bound, as for f = 1
        return float(MAX_DELIVERIES) if f >= 1.0 else min(1.0 / (1.0 - f), MAX_DELIVERIES)
    if f >= 1.0:
        return float(max_deliveries)
    return (1.0 - f**max_deliveries) / (1.0 - f)


def dead_letter_share(f: float, max_deliveries: int | None) -> float:
    """Share of messages moved to the dead-letter queue: f^m (none when unbounded)."""
    if max_deliveries is None or f <= 0.0:
        return 0.0
    return min(f, 1.0) ** max_deliveries
