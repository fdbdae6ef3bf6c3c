"""The simulator's reference network written as a design: the capacity pass reproduces the
exact Jackson figures, and the simulator compiled from the same YAML agrees with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.capacity import analyze
from archproof.passes.simulate.compile import compile_design
from archproof.passes.simulate.stats import simulate

DESIGN = Path(__file__).resolve().parents[1] / "benchmarks" / "reference_network.yaml"
EXACT_MEAN_S = 0.027823  # Jackson network, Erlang C per station (issue 5)


def test_capacity_gives_the_exact_jackson_figures() -> None:
    result = analyze(load_design(DESIGN))
    assert [result.utilization(c) for c in ("a", "b", "c")] == pytest.approx(
        [0.800, 0.750, 0.500], abs=1e-9
    )
    op = result.operation("customer")
    assert op is not None
    mean = op.mean_latency.value
    assert mean == pytest.approx(EXACT_MEAN_S, rel=5e-4)


def test_simulation_compiled_from_the_yaml_agrees_with_the_exact_mean() -> None:
    net = compile_design(load_design(DESIGN)).network
    res = simulate(net, n_requests=200_000, seed=3)
    op = res.op("customer")
    # within the 95% CI, widened by 1% for the warm-up bias of a short run
    assert abs(op.mean_s.value - EXACT_MEAN_S) <= op.mean_s.half_width + 0.01 * EXACT_MEAN_S
    for name, rho in (("a", 0.8), ("b", 0.75), ("c", 0.5)):
        assert res.station(name).utilization == pytest.approx(rho, abs=0.01)
