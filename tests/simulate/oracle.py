"""Exact queueing formulas the simulator is checked against (test-only on purpose:
the capacity pass owns the product's Erlang C)."""

from __future__ import annotations

import math


def erlang_c(c: int, offered: float) -> float:
    """Probability that an arrival waits in an M/M/c queue with offered load a = λ/μ."""
    if offered >= c:
        return 1.0
    term = 1.0
    total = 1.0
    for k in range(1, c):
        term *= offered / k
        total += term
    top = term * offered / c / (1.0 - offered / c)
    return top / (total + top)


def mmc_sojourn(lam: float, mean_service: float, c: int) -> float:
    """Exact mean time in system of an M/M/c station."""
    mu = 1.0 / mean_service
    wait = erlang_c(c, lam / mu) / (c * mu - lam)
    return wait + mean_service


def jackson_sojourn(lam: float, stations: list[tuple[float, float, int]]) -> float:
    """Mean end-to-end sojourn of an open Jackson network: Σ visit · sojourn_i.

    ``stations`` holds (visit ratio, mean service, servers).
    """
    return sum(v * mmc_sojourn(lam * v, s, c) for v, s, c in stations)


REF_STATIONS = [(1.0, 0.004, 4), (1.0, 0.015, 16), (0.1, 0.050, 8)]
REF_LAMBDA = 800.0
REF_MEAN = jackson_sojourn(REF_LAMBDA, REF_STATIONS)  # 27.823 ms
REF_P99 = 0.14279  # independent-stations Monte Carlo, research note §3.1
REF_UTIL = (0.800, 0.750, 0.500)

assert math.isclose(REF_MEAN, 0.027823, rel_tol=2e-4), REF_MEAN
