"""Discrete-event simulation of a design's request load (issue 5).

The engine is split so the hot loop stays small and compilable:

- :mod:`.network` — a plain, typed description of what to simulate (numpy arrays),
  built with :class:`~.network.NetworkBuilder`.
- :mod:`.kernel` — the event loop over plain arrays; runs as plain Python or
  compiled with numba.
- :mod:`.sweep` — plain Python's fast path: a station-by-station sweep for
  feed-forward networks.
- :mod:`.runner` — buffers, backend/fast-path choice, run estimates.
- :mod:`.stats` — kernel output → frozen result dataclasses with confidence intervals.
- :mod:`.compile` — a :class:`~archproof.model.Design` → a network.
- :mod:`.design_run` — the pass entry: compile, size the run within a budget, replicate.
"""

from archproof.passes.simulate.compile import CompiledDesign, compile_design
from archproof.passes.simulate.design_run import DesignSimulation, simulate_design
from archproof.passes.simulate.network import (
    CallPolicy,
    Dist,
    FaultKind,
    Network,
    NetworkBuilder,
    exponential,
    fixed,
    lognormal_mean_cv,
    lognormal_p50_p99,
)
from archproof.passes.simulate.runner import Estimate, RawRun, estimate, is_tandem, run_kernel
from archproof.passes.simulate.stats import SimResult, simulate, summarize

__all__ = [
    "CallPolicy",
    "CompiledDesign",
    "DesignSimulation",
    "Dist",
    "Estimate",
    "FaultKind",
    "Network",
    "NetworkBuilder",
    "RawRun",
    "SimResult",
    "compile_design",
    "estimate",
    "exponential",
    "fixed",
    "is_tandem",
    "lognormal_mean_cv",
    "lognormal_p50_p99",
    "run_kernel",
    "simulate",
    "simulate_design",
    "summarize",
]
