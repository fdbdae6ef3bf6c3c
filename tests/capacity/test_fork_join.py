"""Parallel call groups in the capacity pass: latency = the max, load = the sum.

The oracle for the max is computed here independently of `fork_join.py` (a dense
trapezoid in t with numpy, and a bisection on the product of the members' CDFs), from
each member's mean and variance as the solver computed them. Against the exponential
closed form the lognormal fit is an approximation; its error is bounded and stated.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archproof.frontends.yaml_loader import load_text
from archproof.model import Design
from archproof.passes.capacity.failure import outage_effect
from archproof.passes.capacity.fork_join import max_moments, max_quantile
from archproof.passes.capacity.latency import operation_latency
from archproof.passes.capacity.network import Network, compile_network
from archproof.passes.capacity.solve import Solution, solve
from archproof.passes.lower import Parallel, lower

LAM, MU1, MU2 = 10.0, 100.0, 50.0
A, B = MU1 - LAM, MU2 - LAM
E_MAX = 1 / A + 1 / B - 1 / (A + B)

DESIGN = """
meta: {{name: fork}}
components:
  api: {{kind: service, replicas: 1, concurrency: 4, work: {{handle: 1ms}}}}
  a:
    {{kind: service, replicas: 1, concurrency: 1, work: {{get: {{dist: exponential, mean: 10ms}}}}}}
  b:
    {{kind: service, replicas: 1, concurrency: 1, work: {{get: {{dist: exponential, mean: 20ms}}}}}}
operations:
  op: {{rate: 10/s, calls: {calls}}}
"""
PARALLEL = DESIGN.format(calls="[{parallel: [a.get, b.get]}]")
SEQUENTIAL = DESIGN.format(calls="[a.get, b.get]")


def _lognormal_cdf(t: np.ndarray, mean: float, var: float) -> np.ndarray:
    s2 = math.log1p(var / mean**2)
    mu = math.log(mean) - s2 / 2
    z = (np.log(np.maximum(t, 1e-300)) - mu) / math.sqrt(2 * s2)
    return 0.5 * (1 + np.vectorize(math.erf)(z))


def _oracle(members: list[tuple[float, float]]) -> tuple[float, float]:
    """E[max] by a dense trapezoid of ∫(1 − ΠF) dt, and the p99 by bisection."""
    t = np.linspace(0.0, 2.0, 400_001)
    prod = np.ones_like(t)
    for m, v in members:
        prod *= _lognormal_cdf(t, m, v)
    mean = float(np.trapezoid(1 - prod, t))
    lo, hi = 0.0, 2.0
    for _ in range(100):
        mid = (lo + hi) / 2
        cdf = 1.0
        for m, v in members:
            cdf *= float(_lognormal_cdf(np.array([mid]), m, v)[0])
        lo, hi = (mid, hi) if cdf < 0.99 else (lo, mid)
    return mean, hi


def _solved(text: str) -> tuple[Design, Network, Solution]:
    design = load_text(text, "fork.yaml")
    net = compile_network(design)
    return design, net, solve(net)


def test_parallel_mean_and_p99_are_the_max_of_the_members() -> None:
    design, net, sol = _solved(PARALLEL)
    (group,) = net.top("op")
    assert isinstance(group, Parallel)
    members = [(sol.r_mean[c.index], sol.r_var[c.index]) for m in group.members for c in m]
    assert members[0] == pytest.approx((1 / A, 1 / A**2))  # M/M/1 response: exponential
    assert members[1] == pytest.approx((1 / B, 1 / B**2))
    lat = operation_latency(net, sol, design.operations[0])
    mean, p99 = _oracle(members)  # type: ignore[arg-type]
    assert lat.mean.value == pytest.approx(mean, rel=1e-4)
    assert lat.p99.value == pytest.approx(p99, rel=1e-4)
    assert "Π P(X_i ≤ t)" in lat.p99.formula
    # the lognormal fit against the exponential closed forms: within 5 % / 10 %
    assert lat.mean.value == pytest.approx(E_MAX, rel=0.05)
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        cdf = (1 - math.exp(-A * mid)) * (1 - math.exp(-B * mid))
        lo, hi = (mid, hi) if cdf < 0.99 else (lo, mid)
    assert lat.p99.value == pytest.approx(hi, rel=0.10)


def test_sequential_is_the_sum_and_parallel_is_lower() -> None:
    _, _, seq = _solved(SEQUENTIAL)
    assert seq.op_mean["op"] == pytest.approx(1 / A + 1 / B)
    _, _, par = _solved(PARALLEL)
    assert par.op_mean["op"] is not None and seq.op_mean["op"] is not None
    assert par.op_mean["op"] < seq.op_mean["op"] - 0.005


def test_every_member_pool_sees_the_full_rate() -> None:
    """Load = the sum: utilization identical to the sequential design, pool by pool."""
    _, _, par = _solved(PARALLEL)
    _, _, seq = _solved(SEQUENTIAL)
    assert [p.rho for p in par.pools] == [p.rho for p in seq.pools]
    assert [p.lam for p in par.pools] == [p.lam for p in seq.pools]
    assert par.pools[1].rho == pytest.approx(LAM / MU1)
    model = lower(load_text(PARALLEL, "fork.yaml"))
    assert [c.per_request for c in model.calls] == [1.0, 1.0]


def test_a_nested_group_holds_the_caller_for_the_max() -> None:
    """Inside a call's `calls`, the caller's worker is held for the slowest member."""
    text = DESIGN.format(calls="[{call: api.handle, calls: [{parallel: [a.get, b.get]}]}]")
    _, net, sol = _solved(text)
    api = net.visits[0]
    members = [(sol.r_mean[i], sol.r_var[i]) for i in (1, 2)]
    m, _ = max_moments(members)  # type: ignore[arg-type]
    assert sol.h_mean[api.index] == pytest.approx(0.001 + m)
    seq_text = DESIGN.format(calls="[{call: api.handle, calls: [a.get, b.get]}]")
    _, _, seq = _solved(seq_text)
    assert sol.pools[0].rho is not None and seq.pools[0].rho is not None
    assert sol.pools[0].rho < seq.pools[0].rho  # shorter holding: a less busy caller


def test_a_group_in_a_branch_and_a_branch_in_a_group() -> None:
    text = DESIGN.format(
        calls="[{one_of: [{p: 50%, calls: [{parallel: [a.get, b.get]}]}]}, "
        "{parallel: [{one_of: [{p: 50%, calls: [a.get]}]}, b.get]}]"
    )
    _, net, sol = _solved(text)
    assert sol.op_mean["op"] is not None and math.isfinite(sol.op_mean["op"])
    assert [round(c.per_request, 9) for c in net.visits] == [0.5, 0.5, 0.5, 1.0]


def test_a_member_down_fails_the_operation_unless_fail_open() -> None:
    _, net, _ = _solved(PARALLEL)
    assert outage_effect(net, "op", "b") == pytest.approx((1.0, 0.0))
    text = DESIGN.format(calls="[{parallel: [a.get, {call: b.get, on_failure: fail_open}]}]")
    _, net, _ = _solved(text)
    assert outage_effect(net, "op", "b") == pytest.approx((0.0, 1.0))
    assert outage_effect(net, "op", "a") == pytest.approx((1.0, 0.0))


def test_point_masses_and_extremes_stay_finite() -> None:
    assert max_moments([(0.05, 0.0), (0.01, 0.0)]) == (0.05, 0.0)
    assert max_quantile([(0.05, 0.0), (0.01, 1e-6)], 0.99) == 0.05
    for members in ([(0.0, 0.0)], [(1e-300, 1e-300), (1e300, 1e300)], [(1e-9, 1e9)]):
        m, v = max_moments(members)
        assert math.isfinite(m) and math.isfinite(v) and v >= 0
        assert math.isfinite(max_quantile(members, 0.99))


@settings(max_examples=60, deadline=None)
@example([(1.5, 0.001953125), (0.125, 1.0)])  # a narrow member beside a wide one
@example([(2.0, 1.2148691828351091e-11), (0.125, 1.0)])  # all but a point mass
@example([(1e-5, 20.0), (10.0, 1e-11)])  # E[M²] − E[M]² must not cancel
@given(st.lists(st.tuples(st.floats(1e-5, 10.0), st.floats(0.0, 20.0)), min_size=1, max_size=5))
def test_the_max_lies_between_the_largest_mean_and_the_sum(
    members: list[tuple[float, float]],
) -> None:
    pairs = [(m, cv2 * m * m) for m, cv2 in members]
    mean, var = max_moments(pairs)
    assert max(m for m, _ in pairs) * (1 - 1e-4) <= mean <= sum(m for m, _ in pairs) * (1 + 1e-4)
    assert math.isfinite(var) and var >= 0
    # Efron–Stein: max is 1-Lipschitz in each member, so Var(max) ≤ Σ Var(X_i)
    assert var <= sum(v for _, v in pairs) * (1 + 1e-3) + 1e-12
    qs = [max_quantile(pairs, q) for q in (0.5, 0.95, 0.99)]
    assert qs == sorted(qs)


def test_a_member_made_sometimes_is_an_atom_at_zero_not_a_smeared_lognormal() -> None:
    """`{call: b.get, p: 30%}` in a group: P(X ≤ t) = 0.7 + 0.3·F_b(t), so E[max] =
    0.7·E[A] + 0.3·E[max(A, B)] exactly, with A and B the members' fitted lognormals."""
    text = DESIGN.format(calls="[{parallel: [a.get, {call: b.get, p: 30%}]}]")
    design, net, sol = _solved(text)
    ra, rb = (sol.r_mean[0], sol.r_var[0]), (sol.r_mean[1], sol.r_var[1])
    assert None not in ra + rb
    both, _ = _oracle([ra, rb])  # type: ignore[list-item]
    expected = 0.7 * ra[0] + 0.3 * both  # type: ignore[operator]
    lat = operation_latency(net, sol, design.operations[0])
    assert lat.mean.value == pytest.approx(expected, rel=1e-4)
    # a lognormal fitted to the mixture's moments would miss by more than 5 %
    mixed = (0.3 * rb[0], 0.3 * rb[1] + 0.21 * rb[0] ** 2)  # type: ignore[operator]
    smeared, _ = max_moments([ra, mixed])  # type: ignore[list-item]
    assert abs(smeared - expected) > 0.05 * expected
    # the member's pool still sees 30 % of the rate
    assert sol.lam[1] == pytest.approx(0.3 * LAM)
