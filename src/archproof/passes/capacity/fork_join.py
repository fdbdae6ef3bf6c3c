"""Latency of a parallel group (fork-join): the max over independent members.

The caller waits for the slowest member, so the group's time is M = max_i X_i. The mean
of a max is not the max of the means (two exponentials of rate a and b: E[M] = 1/a + 1/b
− 1/(a+b), more than either mean). With the members independent,

    P(M ≤ t) = Π_i P(X_i ≤ t),
    E[M] = ∫₀^∞ (1 − P(M ≤ t)) dt,   E[M²] = ∫₀^∞ 2t·(1 − P(M ≤ t)) dt.

Approximation (stated once, here): each member X_i is taken as the lognormal with the
member's mean and variance, the same fit the capacity pass uses for every percentile
(`quantile.py`); a member with no variance is a point mass at its mean. Members are
taken as independent: they share no pool queue state in the formula (the simulator
measures the real correlation when two members wait on one pool).

The integrals are computed in u = ln t with composite Simpson's rule (the lognormal
CDFs are smooth in ln t), over ±9σ around every member, cut where a member's window
starts or ends and stepped at σ/10 of the narrowest member covering each piece, so the
relative error is far below the approximation's own.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import lru_cache

FORMULA = (
    "fork-join: P(max ≤ t) = Π P(X_i ≤ t) over independent members, each a lognormal fit "
    "of the member's mean and variance; E[max] = ∫(1 − Π F_i(t)) dt"
)

_SPAN = 9.0  # standard deviations (of ln X) integrated on each side
_INTERVALS = 64  # Simpson intervals (even) per segment, at least
_MAX_INTERVALS = 4_000  # … and at most (180 steps of the narrowest σ fit in 4,000)
_BISECT = 80
_MAX_LN = 700.0  # ln of the largest time considered: exp() stays finite


def _exp(u: float) -> float:
    return math.exp(min(u, _MAX_LN))


def _fit(mean: float, var: float) -> tuple[float, float] | None:
    """(μ, σ) of the lognormal with this mean and variance; None for a point mass."""
    if not (mean > 0 and var > 0 and math.isfinite(mean) and math.isfinite(var)):
        return None
    s2 = math.log1p(var / mean / mean)  # not var / mean²: mean² underflows for tiny means
    if not 1e-18 < s2 < 1e4:
        return None
    return math.log(mean) - s2 / 2.0, math.sqrt(s2)


def _cdf(fits: Sequence[tuple[float, float]], t: float) -> float:
    """Π_i P(X_i ≤ t) over the lognormal members."""
    if t <= 0:
        return 0.0
    lt = math.log(t)
    # erfc(x) for x past ±27 is 0 or 2 to double precision: no overflow to guard
    out = 1.0
    for mu, sigma in fits:
        out *= 0.5 * math.erfc(-(lt - mu) / (sigma * math.sqrt(2.0)))
    return out


def _split(members: Sequence[tuple[float, float]]) -> tuple[list[tuple[float, float]], float]:
    """The lognormal members and the largest point mass (0 if none)."""
    fits: list[tuple[float, float]] = []
    floor = 0.0
    for mean, var in members:
        f = _fit(mean, var)
        if f is None:
            floor = max(floor, mean if math.isfinite(mean) and mean > 0 else 0.0)
        else:
            fits.append(f)
    return fits, floor


def max_moments(members: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Mean and variance of the max of independent members given as (mean, variance)."""
    return _max_moments(tuple(members))


@lru_cache(maxsize=4096)  # the solver asks again for the same members on every sweep
def _max_moments(members: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    fits, floor = _split(members)
    if not fits:
        return floor, 0.0
    # Below the point where some member's CDF is still 0 to double precision (9σ under
    # its median, or the largest point mass) P(M ≤ t) = 0, so 1 − F = 1 there and the
    # integrals are exact: ∫ = start, start². Integrating that part numerically would
    # cancel in E[M²] − E[M]².
    lo = max(mu - _SPAN * s for mu, s in fits)
    hi = max(mu + _SPAN * s for mu, s in fits)
    if floor > 0:
        lo = max(lo, math.log(floor))
    if hi <= lo:
        return floor, 0.0
    start = _exp(lo)
    m1 = start  # ∫₀^start 1 dt (F ≈ 0 there, or exactly 0 below the point mass)
    m2 = start * start
    # Segments between the members' ±9σ windows: outside its window a member's CDF is 0 or
    # 1, so each segment is stepped at a tenth of the narrowest σ whose window covers it.
    cuts = sorted({lo, hi, *(c for mu, sg in fits for c in (mu - _SPAN * sg, mu + _SPAN * sg))})
    cuts = [c for c in cuts if lo <= c <= hi]
    for a, b in itertools.pairwise(cuts):
        if b <= a:
            continue
        cover = [sg for mu, sg in fits if mu - _SPAN * sg < b and mu + _SPAN * sg > a]
        step = (min(cover) if cover else max(sg for _, sg in fits)) / 10.0
        n = min(_MAX_INTERVALS, max(_INTERVALS, math.ceil((b - a) / step)))
        n += n % 2
        h = (b - a) / n
        s1 = s2 = 0.0
        for k in range(n + 1):
            t = _exp(a + k * h)
            g = (1.0 - _cdf(fits, t)) * t  # dt = t du
            w = 1.0 if k in (0, n) else (4.0 if k % 2 else 2.0)
            s1 += w * g
            s2 += w * g * 2.0 * t
        m1 += s1 * h / 3.0
        m2 += s2 * h / 3.0
    return m1, max(0.0, m2 - m1 * m1)


def max_quantile(members: Sequence[tuple[float, float]], q: float) -> float:
    """The q-quantile of the max: the t with Π_i P(X_i ≤ t) = q (bisection in ln t)."""
    fits, floor = _split(members)
    if not fits:
        return floor
    lo = min(mu - _SPAN * s for mu, s in fits)
    hi = max(mu + _SPAN * s for mu, s in fits)
    for _ in range(_BISECT):
        mid = (lo + hi) / 2.0
        if _cdf(fits, _exp(mid)) < q:
            lo = mid
        else:
            hi = mid
    return max(floor, _exp(hi))
