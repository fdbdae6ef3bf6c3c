"""Lowering: the design, once, as a typed queueing model every later stage reads."""

from archproof.model.replication import read_split
from archproof.passes.base import Context, Pass
from archproof.passes.lower.fallback import FallbackShift, failed_share, fallback_shifts
from archproof.passes.lower.lower import (
    average_rate,
    lower,
    operation_rates,
    peak_rate,
    route,
)
from archproof.passes.lower.queueing_model import (
    Branch,
    Call,
    CallPolicy,
    Choice,
    LoweredOperation,
    OperationRate,
    Parallel,
    Pool,
    PoolRole,
    QueueingModel,
    ServiceTime,
    Step,
    Steps,
    direct_calls,
    substeps,
    walk_steps,
)


def _run(context: Context) -> QueueingModel:
    return lower(context.design)


PASS = Pass(
    name="lower",
    run=_run,
    result=QueueingModel,
    description="Lower the design once into a typed queueing model (pools, calls, rates) "
    "that every later pass reads.",
)

__all__ = [
    "PASS",
    "Branch",
    "Call",
    "CallPolicy",
    "Choice",
    "FallbackShift",
    "LoweredOperation",
    "OperationRate",
    "Parallel",
    "Pool",
    "PoolRole",
    "QueueingModel",
    "ServiceTime",
    "Step",
    "Steps",
    "average_rate",
    "direct_calls",
    "failed_share",
    "fallback_shifts",
    "lower",
    "operation_rates",
    "peak_rate",
    "read_split",
    "route",
    "substeps",
    "walk_steps",
]
