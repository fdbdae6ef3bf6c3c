"""Finite callers: a callee whose only callers are one bounded pool, solved with it.

8 workers calling a database limited to 3 concurrent calls leave at most 5 waiting at the
database: the rest of the backlog waits for a worker. The layered M/M/c puts no cap on
the database's queue, charges every worker that whole wait as holding time, then queues
requests for the workers on top: near the knee it counts the same backlog twice and
declares the workers saturated at loads a real stack handles (issue 20, item 10).

The pair is solved as one subsystem by a flow-equivalent server (Chandy–Herzog–Woo):

1. With n of the caller's N servers busy, the callee is a machine-repair queue M/M/c//n:
   n sources, each away for Z' = Z / V (its own work and other calls, Z per caller visit,
   V callee calls per caller visit) then at the callee (c servers, mean service S):

       q_j(n) ∝ Π_{i=1..j} (n − i + 1)·(S / Z') / min(i, c)     (log space: no overflow)
       X(n) = Σ min(j, c)·q_j(n) / S  callee calls/s,  the callers finish X(n) / V visits/s

   An arriving call sees the other n − 1 callers (arrival theorem: π_j ∝ (n − j)·q_j(n))
   and waits when j ≥ c for j − c + 1 completions at rate c / S.
2. The caller's backlog is a birth–death chain with Poisson arrivals λ and completion rate
   X(min(k, N)) / V with k requests present: p_k ∝ Π_{i≤k} λ·V / X(min(i, N)); beyond N
   it is geometric, so it is stable iff λ·V < X(N). A request that finds k ≥ N waits for a
   caller server: P(wait) = Σ_{k≥N} p_k, then an exponential time of rate X(N)/V − λ.
3. The callee's wait is the mixture of the per-n waits, weighted by the calls made in each
   state (p_k·X(min(k, N))); the callers' holding time follows by Little's law.

The decomposition is exact for exponential times (product form); it reduces to M/M/c at
the callee when Z = 0 (nobody waits for a worker while a database server is free), and
to the layered model when N ≫ c (the callers never run out). Past `MAX_SOURCES` callers'
servers the solver keeps the layered M/M/c: the steps above cost O(N²).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Past this many callers' servers the pair is solved layered (M/M/c at the callee): the
# backlog then reaches N only when the callee's queue has N − c waiting, probability
# ~ C·ρ^(N − c), and the machine-repair sums cost O(N²).
MAX_SOURCES = 2_000

FORMULA = (
    "finite callers (flow-equivalent server): with n of the callers' N servers busy the "
    "callee is M/M/c//n (q_j ∝ Π (n − i + 1)·(S/Z') / min(i, c)), throughput X(n); the "
    "callers' backlog is birth–death with rates λ and X(min(k, N))/V"
)


@dataclass(frozen=True, slots=True)
class FiniteCallers:
    """Callee and caller figures of one finite pair (exponential times, before any
    Allen–Cunneen correction)."""

    sources: int  # N: the callers' servers
    servers: int  # c: the callee's servers
    callee_p_wait: float
    callee_wait: float  # E[W] of a call at the callee, s
    callee_wait_second: float  # E[W²], s²
    callee_in_queue: float  # Lq at the callee (time average)
    caller_p_wait: float  # a request waits for a caller server
    caller_wait: float  # E[W] for a caller server, s
    caller_wait_second: float  # E[W²], s²
    caller_in_queue: float  # requests waiting for a caller server (time average)


def _machine_repair(n: int, c: int, log_r: float) -> tuple[float, float, float, float, float]:
    """(X·S, E[W]·c/S, E[W²]·(c/S)², P(wait), Lq) of M/M/c//n with ratio r = S / Z'.

    Returned in units of the service time S, so the caller scales them once.
    """
    import numpy as np  # cached after finite_callers' import

    j = np.arange(n + 1, dtype=float)
    steps = np.log(np.maximum(n - j + 1, 1.0)) + log_r - np.log(np.maximum(np.minimum(j, c), 1))
    steps[0] = 0.0
    logs = np.cumsum(steps)
    q = np.exp(logs - logs.max())
    q /= q.sum()
    busy = float(np.minimum(j, c) @ q)
    seen = (n - j) * q
    total = seen.sum()
    if total <= 0:  # every caller is at the callee: none arrives
        return busy, 0.0, 0.0, 0.0, float(np.maximum(j - c, 0.0) @ q)
    seen /= total
    ahead = np.maximum(j - c + 1, 0.0)
    return (
        busy,
        float(seen @ ahead),
        float(seen @ (ahead * (ahead + 1))),
        float(seen[c:].sum()),
        float(np.maximum(j - c, 0.0) @ q),
    )


def finite_callers(
    sources: int, servers: int, lam: float, visits: float, away: float, service: float
) -> FiniteCallers | float:
    """Solve a caller pool of `sources` servers and its callee of `servers` servers.

    `lam` caller visits/s arrive (Poisson); each makes `visits` callee calls, spends `away`
    seconds elsewhere (own work and other calls) and the callee serves a call in `service`
    seconds on average. When the callers saturate, their traffic intensity λ·V / X(N) ≥ 1.
    """
    import numpy as np  # here, not at the top: ~0.2 s of start-up that most designs never need

    n_max, c = sources, servers
    if n_max < 1 or c < 1 or lam <= 0 or visits <= 0 or service <= 0:
        raise ValueError("finite callers need servers, sources, load and a callee service")
    think = away / visits  # Z': time away per callee call
    log_r = math.log(service) - math.log(think) if think > 0 else 700.0
    # per busy-caller count n = 1..N: throughput and the wait of a call arriving then
    x = np.zeros(n_max + 1)
    w1 = np.zeros(n_max + 1)
    w2 = np.zeros(n_max + 1)
    pw = np.zeros(n_max + 1)
    lq = np.zeros(n_max + 1)
    for n in range(1, n_max + 1):
        busy, m1, m2, p, q = _machine_repair(n, c, log_r)
        x[n], w1[n], w2[n], pw[n], lq[n] = busy / service, m1, m2, p, q
    x[0] = 0.0
    calls = lam * visits
    if calls >= x[n_max] * (1.0 - 1e-12):
        return max(1.0, float(calls / x[n_max]))
    # the backlog: p_k for k = 0..N, then geometric with ratio g beyond N
    ratios = np.log(calls) - np.log(x[1:])
    logs = np.concatenate(([0.0], np.cumsum(ratios)))
    g = calls / x[n_max]
    p = np.exp(logs - logs.max())
    tail = p[n_max] * g / (1.0 - g)  # Σ_{k>N} p_k
    tail_k = p[n_max] * (g * (n_max + 1) - n_max * g * g) / (1.0 - g) ** 2  # Σ_{k>N} k·p_k
    norm = p.sum() + tail
    p /= norm
    tail /= norm
    tail_k /= norm
    # calls made in each state: weight p_k·X(min(k, N)); beyond N at the rate X(N)
    weight = p * x
    weight[n_max] += tail * x[n_max]
    made = weight.sum()
    weight /= made
    unit = service / c
    callee_wait = float(weight @ w1) * unit
    callee_second = float(weight @ w2) * unit * unit
    callee_p = float(weight @ pw)
    callee_lq = float(p @ lq + tail * lq[n_max])
    # waiting for a caller server: M/M/1-like beyond N with completion rate X(N)/V
    caller_p = float(p[n_max] + tail)
    theta = 1.0 / float(x[n_max] / visits - lam)
    caller_lq = float(tail_k - n_max * tail)
    return FiniteCallers(
        sources=n_max,
        servers=c,
        callee_p_wait=callee_p,
        callee_wait=callee_wait,
        callee_wait_second=callee_second,
        callee_in_queue=callee_lq,
        caller_p_wait=caller_p,
        caller_wait=caller_p * theta,
        caller_wait_second=2.0 * caller_p * theta * theta,
        caller_in_queue=caller_lq,
    )
