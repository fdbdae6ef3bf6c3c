"""Parallel call groups (fork-join) in the simulator, checked against closed forms.

Two M/M/1 stations A (μ1 = 100/s) and B (μ2 = 50/s) fed by the same Poisson stream
(λ = 10/s): their response times are exponential with rates a = μ1 − λ and b = μ2 − λ.
Made one after the other the latency is the sum, E = 1/a + 1/b; made at once it is the
max, E[max] = 1/a + 1/b − 1/(a+b), and P(max ≤ t) = (1 − e^(−a·t))·(1 − e^(−b·t)).
(The two stations see the same arrival instants, so their response times are slightly
positively correlated; at ρ ≤ 0.2 the effect is well inside the tolerances below.)
"""

from __future__ import annotations

import math

import pytest

from archproof.frontends.yaml_loader import load_text
from archproof.model import Fault
from archproof.passes.simulate.compile import compile_design
from archproof.passes.simulate.design_run import DesignSimulation, simulate_design
from archproof.passes.simulate.kernel import HAVE_NUMBA
from archproof.passes.simulate.network import CallPolicy, FaultKind, NetworkBuilder, exponential
from archproof.passes.simulate.network import fixed as fixed_dist
from archproof.passes.simulate.runner import is_tandem
from archproof.passes.simulate.stats import simulate

LAM, MU1, MU2 = 10.0, 100.0, 50.0
A, B = MU1 - LAM, MU2 - LAM
E_MAX = 1 / A + 1 / B - 1 / (A + B)
E_SUM = 1 / A + 1 / B

DESIGN = """
meta: {{name: fork}}
components:
  a:
    {{kind: service, replicas: 1, concurrency: 1, work: {{get: {{dist: exponential, mean: 10ms}}}}}}
  b:
    {{kind: service, replicas: 1, concurrency: 1, work: {{get: {{dist: exponential, mean: 20ms}}}}}}
operations:
  op: {{rate: 10/s, calls: {calls}}}
"""
PARALLEL = DESIGN.format(calls="[{parallel: [a.get, b.get]}]")
SEQUENTIAL = DESIGN.format(calls="[a.get, b.get]")


def p_quantile_max(q: float) -> float:
    """The q-quantile of max of Exp(A), Exp(B): (1 − e^(−A t))(1 − e^(−B t)) = q."""
    lo, hi = 0.0, 10.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if (1 - math.exp(-A * mid)) * (1 - math.exp(-B * mid)) < q:
            lo = mid
        else:
            hi = mid
    return hi


def test_the_closed_forms_differ_so_the_test_can_fail() -> None:
    assert E_MAX < E_SUM - 0.005
    assert max(1 / A, 1 / B) + 0.003 < E_MAX  # the max of the means is not the mean of the max


@pytest.fixture(scope="module")
def runs() -> tuple[DesignSimulation, DesignSimulation]:
    par = simulate_design(load_text(PARALLEL, "p.yaml"), n_requests=60_000, replications=6)
    seq = simulate_design(load_text(SEQUENTIAL, "s.yaml"), n_requests=60_000, replications=6)
    return par, seq


def test_parallel_mean_is_the_expected_max_within_the_ci(
    runs: tuple[DesignSimulation, DesignSimulation],
) -> None:
    par, _ = runs
    mean = par.op("op").mean_s
    # the 95 % CI across replications, widened by 1 % for the shared-arrivals correlation
    assert mean.low - 0.01 * E_MAX <= E_MAX <= mean.high + 0.01 * E_MAX, (mean, E_MAX)


def test_parallel_p99_is_the_product_of_cdfs_quantile(
    runs: tuple[DesignSimulation, DesignSimulation],
) -> None:
    par, _ = runs
    p99 = par.op("op").p99_s
    exact = p_quantile_max(0.99)
    assert p99.low - 0.03 * exact <= exact <= p99.high + 0.03 * exact, (p99, exact)


def test_sequential_is_the_sum_and_parallel_is_lower(
    runs: tuple[DesignSimulation, DesignSimulation],
) -> None:
    par, seq = runs
    s = seq.op("op").mean_s
    p = par.op("op").mean_s
    assert s.value == pytest.approx(E_SUM, rel=0.03)
    assert p.high < s.low


def test_each_member_pool_sees_the_full_rate(
    runs: tuple[DesignSimulation, DesignSimulation],
) -> None:
    """Load = the sum: utilization of A and B is the same as in the sequential design."""
    par, seq = runs
    for name, rho in (("a", LAM / MU1), ("b", LAM / MU2)):
        u_par = [r.station(name).utilization for r in par.runs]
        u_seq = [r.station(name).utilization for r in seq.runs]
        assert sum(u_par) / len(u_par) == pytest.approx(rho, rel=0.05)
        assert sum(u_par) / len(u_par) == pytest.approx(sum(u_seq) / len(u_seq), rel=0.05)


def test_fork_join_runs_on_the_general_kernel_and_sequential_on_the_fast_path() -> None:
    assert not is_tandem(compile_design(load_text(PARALLEL, "p.yaml")).network)
    assert is_tandem(compile_design(load_text(SEQUENTIAL, "s.yaml")).network)


def _down(component: str) -> tuple[Fault, ...]:
    return (Fault(component=component, kind="down"),)


def test_a_member_down_fails_the_group() -> None:
    design = load_text(PARALLEL, "p.yaml")
    sim = simulate_design(design, n_requests=2_000, faults=_down("b"))
    assert sim.op("op").error_rate == pytest.approx(1.0)
    healthy = simulate_design(design, n_requests=2_000)
    assert healthy.op("op").error_rate == 0.0


def test_a_fail_open_member_down_degrades_the_group() -> None:
    text = DESIGN.format(calls="[{parallel: [a.get, {call: b.get, on_failure: fail_open}]}]")
    sim = simulate_design(load_text(text, "p.yaml"), n_requests=2_000, faults=_down("b"))
    op = sim.op("op")
    assert op.error_rate == 0.0
    assert op.degraded_rate == pytest.approx(1.0)
    # the other member is still fail-closed: down, it fails the group
    sim = simulate_design(load_text(text, "p.yaml"), n_requests=2_000, faults=_down("a"))
    assert sim.op("op").error_rate == pytest.approx(1.0)


def test_a_member_timeout_bounds_the_group_and_fails_it() -> None:
    """A member that always outlasts its timeout: the group ends at the timeout, failed."""
    b = NetworkBuilder()
    client = b.station("client")
    fast, slow = b.station("fast", 4), b.station("slow", 4)
    wrap_fast = b.node(client, fixed_dist(0.0), children=(b.node(fast, fixed_dist(0.001)),))
    wrap_slow = b.node(
        client,
        fixed_dist(0.0),
        children=(b.node(slow, fixed_dist(0.5), call=CallPolicy(timeout_s=0.05)),),
    )
    fork = b.node(client, fixed_dist(0.0), children=(wrap_fast, wrap_slow), fork=True)
    b.operation("op", 5.0, b.node(client, fixed_dist(0.0), children=(fork,)))
    res = simulate(b.build(), n_requests=500, seed=3)
    op = res.op("op")
    assert op.ok == 0 and op.errors > 400 and op.timeouts == op.errors


def _fork_network(*, slow_down: bool) -> NetworkBuilder:
    b = NetworkBuilder()
    client = b.station("client")
    x, y = b.station("x", 2), b.station("y", 2)
    members = tuple(
        b.node(client, fixed_dist(0.0), children=(b.node(s, exponential(m)),))
        for s, m in ((x, 0.004), (y, 0.009))
    )
    fork = b.node(client, fixed_dist(0.0), children=members, fork=True)
    b.operation("op", 50.0, b.node(client, fixed_dist(0.0), children=(fork,)))
    if slow_down:
        b.fault(y, 20.0, 25.0, FaultKind.DOWN, 0.0)
    return b


@pytest.mark.skipif(not HAVE_NUMBA, reason="compares the numba and the Python backend")
def test_both_backends_run_fork_join_identically() -> None:
    for slow_down in (False, True):
        net = _fork_network(slow_down=slow_down).build()
        r1 = simulate(net, n_requests=3_000, seed=5, backend="numba")
        r2 = simulate(net, n_requests=3_000, seed=5, backend="python")
        assert r1.kernel == r2.kernel == "general"
        assert r1.op("op").mean_s == r2.op("op").mean_s
        assert r1.op("op").errors == r2.op("op").errors
    assert r1.op("op").errors > 0


def test_fork_children_must_be_plain_edges() -> None:
    b = NetworkBuilder()
    client = b.station("client")
    x = b.station("x", 1)
    guarded = b.node(x, exponential(0.01), call=CallPolicy(timeout_s=0.1))
    with pytest.raises(ValueError, match="fork node"):
        b.node(client, fixed_dist(0.0), children=(guarded,), fork=True)


def test_independent_members_meet_the_closed_form_within_the_ci() -> None:
    """Members on delay stations (no queue): exactly independent exponentials, so E[max]
    = 1/a + 1/b − 1/(a+b) must fall in the simulator's 95 % CI, with no widening."""
    text = """
meta: {name: delay}
components:
  x: {kind: external, work: {get: {dist: exponential, mean: 10ms}}}
  y: {kind: external, work: {get: {dist: exponential, mean: 20ms}}}
operations:
  op: {rate: 50/s, calls: [{parallel: [x.get, y.get]}]}
"""
    sim = simulate_design(load_text(text, "d.yaml"), n_requests=40_000, replications=8)
    exact = 0.010 + 0.020 - 1 / (100 + 50)
    assert sim.op("op").mean_s.contains(exact), (sim.op("op").mean_s, exact)
    assert not sim.op("op").mean_s.contains(0.030)  # the sum is far outside it


def test_a_member_made_sometimes_meets_its_closed_form() -> None:
    """y made with p = 30 %: E = 0.7/a + 0.3·(1/a + 1/b − 1/(a+b)) for exponentials."""
    text = """
meta: {name: delay}
components:
  x: {kind: external, work: {get: {dist: exponential, mean: 10ms}}}
  y: {kind: external, work: {get: {dist: exponential, mean: 20ms}}}
operations:
  op: {rate: 50/s, calls: [{parallel: [x.get, {call: y.get, p: 30%}]}]}
"""
    sim = simulate_design(load_text(text, "d.yaml"), n_requests=40_000, replications=8)
    exact = 0.7 * 0.010 + 0.3 * (0.010 + 0.020 - 1 / (100 + 50))
    assert sim.op("op").mean_s.contains(exact), (sim.op("op").mean_s, exact)
