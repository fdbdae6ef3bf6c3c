"""Capacity, queueing analytics and failure-mode analysis (issue 4).

The pass turns a design's rates and call trees into per-component load, utilization and
waits (Erlang C with the Allen–Cunneen correction, callers holding their servers while
they wait), latency per operation against its SLO, bottleneck and headroom, a growth
plan, storage, failure modes and availability, and verdicts on checkable assumptions.
Every number is a `Figure` carrying its formula and inputs.

The design is lowered once by `passes/lower` (pools, calls, rates, retry amplification);
this package solves that model. Modules, one job each: `network` (the solver's view of
the lowered model: instance counts and routes), `erlang_c` (M/M/c formulas), `solve` (the layered
fixed point), `queueing`, `latency`, `quantile`, `headroom`, `growth`, `storage`,
`failure`, `assumptions`, `caches`, `analyze` (all of them → `CapacityResult`).
"""

from __future__ import annotations

from archproof.passes.base import Context, Pass
from archproof.passes.capacity.analyze import analyze
from archproof.passes.capacity.figure import Figure
from archproof.passes.capacity.result import (
    AssumptionResult,
    Bottleneck,
    CacheHeadroom,
    CapacityResult,
    ComponentLoad,
    ComponentNeed,
    EdgeLoad,
    EntityStorage,
    FailureMode,
    GrowthStep,
    Headroom,
    OperationResult,
    PoolLoad,
    SloCheck,
    StorageResult,
    WorkLoad,
)
from archproof.passes.capacity.status import AssumptionStatus, GrowthAction, SloStatus, Status
from archproof.passes.lower import QueueingModel


def run(context: Context) -> CapacityResult:
    """The pass entry point: analyze the design with the user's load factors and years."""
    model = context.get(QueueingModel)
    return analyze(
        model if model is not None else context.design,
        load_factors=context.options.load_factors,
        years=context.options.years,
    )


PASS = Pass(
    name="capacity",
    run=run,
    result=CapacityResult,
    requires=("lower",),
    description="Capacity and queueing math: load, utilization, latency vs SLO, bottleneck, "
    "growth plan, storage, failure modes and assumption checks.",
)

__all__ = [
    "PASS",
    "AssumptionResult",
    "AssumptionStatus",
    "Bottleneck",
    "CacheHeadroom",
    "CapacityResult",
    "ComponentLoad",
    "ComponentNeed",
    "EdgeLoad",
    "EntityStorage",
    "FailureMode",
    "Figure",
    "GrowthAction",
    "GrowthStep",
    "Headroom",
    "OperationResult",
    "PoolLoad",
    "SloCheck",
    "SloStatus",
    "Status",
    "StorageResult",
    "WorkLoad",
    "analyze",
]
