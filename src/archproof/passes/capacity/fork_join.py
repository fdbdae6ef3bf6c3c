"""Latency of a parallel group (fork-join): the max over independent members.

The caller waits for the slowest member, so the group's time is M = max_i X_i. The mean
of a max is not the max of the means (two exponentials of rate a and b: E[M] = 1/a + 1/b
− 1/(a+b), more than either mean). With the members independent,

    P(M ≤ t) = Π_i P(X_i ≤ t),
    E[M] = ∫₀^∞ (1 − P(M ≤ t)) dt,   E[M²] = ∫₀^∞ 2t·(1 − P(M ≤ t)) dt.

Approximation (stated once, here): each member X_i is taken as the lognormal with the
member's mean and variance, the same fit the capacity pass uses for every percentile
(`quantile.py`); a member with no variance is a point mass at its mean. A member made only
with probability p (a call with `p: 30%`) is 0 otherwise: P(X_i ≤ t) = (1 − p) + p·F(t),
with F the lognormal of the call's time when it is made (fitting one lognormal to that
mixture would smear its atom at 0 over the tail). Members are
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
    "of the member's mean and variance ((1 − p) + p·F for a member made with probability "
    "p); E[max] = ∫(1 − Π F_i(t)) dt"
)

_SPAN = 9.0  # standard deviations (of ln X) integrated on each side
_INTERVALS = 64  # Simpson intervals (even) per segment, at least
_MAX_INTERVALS = 4_000  # … and at most (180 steps of the narrowest σ fit in 4,000)
_BISECT = 80
_MAX_LN = 700.0  # ln of the largest time considered: exp() stays finite

# A member: (mean, variance) of its time when made, optionally with the probability it is
# made, (mean, variance, p); p = 1 when left out.
Member = tuple[float, ...]
_Fit = tuple[float, float, float]  # (μ, σ, p) of a lognormal member


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


def _cdf(fits: Sequence[_Fit], t: float) -> float:
    """Π_i P(X_i ≤ t) over the lognormal members (each (1 − p) + p·Φ)."""
    if t <= 0:
        return 0.0
    lt = math.log(t)
    # erfc(x) for x past ±27 is 0 or 2 to double precision: no overflow to guard
    out = 1.0
    for mu, sigma, p in fits:
        out *= (1.0 - p) + p * 0.5 * math.erfc(-(lt - mu) / (sigma * math.sqrt(2.0)))
    return out


def _split(members: Sequence[Member]) -> tuple[list[_Fit], float]:
    """The lognormal members and the largest point mass (0 if none).

    A member made with probability p < 1 whose time has no variance (an atom at 0 and
    one at its mean) is fitted as one lognormal of the mixture's moments instead.
    """
    fits: list[_Fit] = []
    floor = 0.0
    for member in members:
        mean, var = member[0], member[1]
        p = min(max(member[2], 0.0), 1.0) if len(member) > 2 else 1.0
        if p <= 0.0:
            continue  # never made: no time
        f = _fit(mean, var)
        if f is None and p < 1.0:
            mean, var = p * mean, p * var + p * (1.0 - p) * mean * mean
            f, p = _fit(mean, var), 1.0
        if f is None:
            floor = max(floor, mean if math.isfinite(mean) and mean > 0 else 0.0)
        else:
            fits.append((f[0], f[1], p))
    return fits, floor


def _start(fits: Sequence[_Fit], floor: float) -> tuple[float, float, float]:
    """(lo, E[M] below e^lo, E[M²] below e^lo): below lo, 1 − P(M ≤ t) is known exactly.

    Below the largest point mass, or 9σ under the median of a member always made, some
    member's CDF is 0 (to double precision), so 1 − F = 1. Below every member's window the
    lognormal CDFs are 0 and F is the chance that no sometimes-made member is made,
    c0 = Π(1 − p_i). Integrating these flat parts numerically would cancel in
    E[M²] − E[M]².
    """
    lowest = min(mu - _SPAN * s for mu, s, _ in fits)
    always = [mu - _SPAN * s for mu, s, p in fits if p >= 1.0]
    edge = max(always) if always else -math.inf
    if floor > 0:
        edge = max(edge, math.log(floor))
    if edge >= lowest:
        t = _exp(edge)
        return edge, t, t * t
    c0 = math.prod(1.0 - p for _, _, p in fits)
    t0 = _exp(edge) if edge > -math.inf else 0.0
    t = _exp(lowest)
    return lowest, t0 + (t - t0) * (1.0 - c0), t0 * t0 + (t * t - t0 * t0) * (1.0 - c0)


def max_moments(members: Sequence[Member]) -> tuple[float, float]:
    """Mean and variance of the max of independent members ((mean, variance[, p]) each)."""
    return _max_moments(tuple(tuple(m) for m in members))


@lru_cache(maxsize=4096)  # the solver asks again for the same members on every sweep
def _max_moments(members: tuple[Member, ...]) -> tuple[float, float]:
    fits, floor = _split(members)
    if not fits:
        return floor, 0.0
    lo, m1, m2 = _start(fits, floor)
    hi = max(mu + _SPAN * s for mu, s, _ in fits)
    if hi <= lo:
        return m1, max(0.0, m2 - m1 * m1)
    # Segments between the members' ±9σ windows: outside its window a member's CDF is flat,
    # so each segment is stepped at a tenth of the narrowest σ whose window covers it.
    windows = [(mu - _SPAN * sg, mu + _SPAN * sg, sg) for mu, sg, _ in fits]
    cuts = sorted({lo, hi, *(c for a, b, _ in windows for c in (a, b))})
    cuts = [c for c in cuts if lo <= c <= hi]
    for a, b in itertools.pairwise(cuts):
        if b <= a:
            continue
        cover = [sg for wa, wb, sg in windows if wa < b and wb > a]
        step = (min(cover) if cover else max(sg for _, _, sg in windows)) / 10.0
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


def max_quantile(members: Sequence[Member], q: float) -> float:
    """The q-quantile of the max: the least t with Π_i P(X_i ≤ t) ≥ q (bisection in ln t)."""
    fits, floor = _split(members)
    if not fits:
        return floor
    if floor > 0 and _cdf(fits, floor) >= q:
        return floor  # the point mass already covers q
    lo = min(mu - _SPAN * s for mu, s, _ in fits)
    if floor > 0:
        lo = max(lo, math.log(floor))
    if _cdf(fits, _exp(lo)) >= q:
        return floor  # no member is made often enough to reach the q-quantile: 0 (or floor)
    hi = max(mu + _SPAN * s for mu, s, _ in fits)
    for _ in range(_BISECT):
        mid = (lo + hi) / 2.0
        if _cdf(fits, _exp(mid)) < q:
            lo = mid
        else:
            hi = mid
    return max(floor, _exp(hi))
