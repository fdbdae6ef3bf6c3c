"""M/M/c queueing: Erlang B and C, the M/M/c mean wait, and the Allen–Cunneen correction.

Notation: `a = λ·E[S]` is the offered load in erlangs, `c` the number of servers,
`ρ = a / c` the utilization. All formulas need `ρ < 1`; callers check saturation first.

Erlang B is computed from Poisson terms in log space, summed only over the terms that
matter (those within ~12 standard deviations of the mode), so it is exact to double
precision and O(√a) even for tens of thousands of servers.
"""

from __future__ import annotations

import math

from archproof.numbers import sig

# Poisson terms further than this many standard deviations (plus a margin) from the
# mode are below ~e^-32 of the largest and are skipped.
_SPREAD = 8.0
_MARGIN = 12
# Beyond this many terms (a above ~60k erlangs) the sum is taken over every h-th term, so
# one call costs at most a few thousand lgamma calls whatever the server count.
_MAX_TERMS = 4_000
# Past this offered load the log ratio of two Poisson terms is no longer taken as a
# difference of lgammas: lgamma(k + 1) ≈ k·log k is ~2e9 at 1e8 and ~5e22 at 1e21, and the
# difference of two such numbers keeps nothing of a ratio near 1 (at 1e21 erlangs the error
# reached e^(1e7): OverflowError in `exp`). Above it, `_log_ratio` integrates around the mode.
_LGAMMA_EXACT = 1e8


def erlang_b(c: int, a: float) -> float:
    """Erlang B blocking probability B(c, a) = (a^c/c!) / Σ_{k=0..c} a^k/k!.

    Sums t_k / t_hi downwards (t_{k−1} = t_k · k / a) over the terms that matter,
    hi = min(c, a + 8√a + 12); the gap between t_c and t_hi is taken in log space.
    """
    if c < 0:
        raise ValueError("servers must be >= 0")
    if a <= 0:
        return 0.0 if c > 0 else 1.0
    if c == 0:
        return 1.0
    if not math.isfinite(a):
        return 1.0
    spread = _SPREAD * math.sqrt(a) + _MARGIN
    lo = max(0, int(a - spread))
    hi = min(c, int(a + spread) + 1)
    if hi - lo > _MAX_TERMS:
        total = _coarse_sum(a, lo, hi)
    else:
        total = ratio = 1.0
        for k in range(hi, lo, -1):
            ratio *= k / a
            total += ratio
    if a < _LGAMMA_EXACT:
        log_gap = (c - hi) * math.log(a) - math.lgamma(c + 1) + math.lgamma(hi + 1)
    else:
        log_gap = -_log_ratio(a, hi, c)
    return math.exp(log_gap - math.log(total))


def _log_ratio(a: float, k: int, m: int) -> float:
    """log(t_k / t_m) for k ≤ m and a ≥ `_LGAMMA_EXACT`, where t_j = a^j / j!.

    log(t_k / t_m) = Σ_{j=k+1..m} log(j / a) ≈ ∫_{k+½}^{m+½} log(u / a) du (midpoint rule:
    the error per term is 1 / (24·u²), nothing at these loads), and the integral is taken
    from the mode, R(x) = ∫_a^{a+x} log(u / a) du = (a + x)·log1p(x / a) − x, so the
    result keeps its precision (~1e-5 absolute at 1e21 erlangs) instead of cancelling.
    """

    def rise(x: float) -> float:
        return (a + x) * math.log1p(x / a) - x

    return rise(m + 0.5 - a) - rise(k + 0.5 - a)


def _coarse_sum(a: float, lo: int, hi: int) -> float:
    """Σ_{k=lo..hi} t_k / t_hi for more terms than `_MAX_TERMS`, in bounded work.

    The terms are a smooth bell of width √a, so a trapezoid over every h-th term (each
    from lgamma, in log space) times h equals the sum up to the Euler–Maclaurin end
    correction (h − 1)·t_hi / 2. Against the exact sum: relative error ~1e-7 up to 1e8
    erlangs, ~2e-5 at 1e10 (where lgamma's own precision is the limit).
    """
    h = -(-(hi - lo) // _MAX_TERMS)  # ceil
    log_a = math.log(a)
    base = math.lgamma(hi + 1)
    total = 0.0
    for k in range(hi, lo - 1, -h):
        if a < _LGAMMA_EXACT:
            total += math.exp((k - hi) * log_a - math.lgamma(k + 1) + base)
        else:
            total += math.exp(_log_ratio(a, k, hi))
    return h * total - (h - 1) * 0.5


def erlang_c(c: int, a: float) -> float:
    """Erlang C: probability an arrival waits in M/M/c, C = c·B / (c − a·(1 − B)).

    Requires a < c (ρ < 1); raises ValueError otherwise.
    """
    if c < 1:
        raise ValueError("Erlang C needs at least one server")
    if a < 0:
        raise ValueError("offered load must be >= 0")
    if a >= c:
        raise ValueError(f"saturated: offered load {sig(a, 6)} erlangs >= {c} servers")
    if a == 0:
        return 0.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def mmc_wait(c: int, a: float, mean_service: float) -> float:
    """Mean wait in queue of M/M/c: Wq = C(c, a) · E[S] / (c − a)."""
    return erlang_c(c, a) * mean_service / (c - a)


def allen_cunneen_wait(
    c: int, a: float, mean_service: float, cs2: float, ca2: float = 1.0
) -> float:
    """Allen–Cunneen approximation for G/G/c: Wq ≈ Wq(M/M/c) · (ca² + cs²) / 2."""
    return mmc_wait(c, a, mean_service) * (ca2 + cs2) / 2.0


def wait_variance(
    c: int, a: float, mean_service: float, cs2: float, p_wait: float | None = None
) -> float:
    """Variance of the wait, M/M/c shape scaled by Allen–Cunneen.

    In M/M/c an arrival waits with probability C, and then for an exponential time of
    mean θ = E[S] / (c − a). We keep that shape and scale θ by (1 + cs²)/2:
    E[W] = C·θ, E[W²] = 2·C·θ², Var = E[W²] − E[W]².
    """
    if p_wait is None:
        p_wait = erlang_c(c, a)
    theta = mean_service / (c - a) * (1.0 + cs2) / 2.0
    if not math.isfinite(theta * theta):  # a float `**` would raise OverflowError here
        return math.inf
    mean = p_wait * theta
    return max(0.0, 2.0 * p_wait * theta * theta - mean * mean)
