"""The latency and availability objectives an operation is judged against, read in one place.

A user-facing (sync) operation that states no p99 or p95 is not exempt from judgement: it
is judged against `policy.DEFAULT_USER_P99`, and the review says so (OB007). A background
job without a latency SLO has none, and no availability target but its own: the design's
target is for requests (a failed job run is re-run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from archproof.model.operations import Operation
from archproof.policy import DEFAULT_USER_P99
from archproof.units import Duration, Percent


@dataclass(frozen=True)
class LatencyObjective:
    """The tail target of an operation: which percentile, how long, and whether it is the
    design's own (`stated`) or the review's default."""

    percentile: Literal["p99", "p95"]
    target: Duration
    stated: bool

    @property
    def seconds(self) -> float:
        return float(self.target.seconds)

    @property
    def label(self) -> str:
        return self.percentile if self.stated else f"{self.percentile} (assumed default)"


def user_facing(op: Operation) -> bool:
    """A request someone waits for: sync and not started by a queue."""
    return op.sync and op.consumes is None


def latency_objective(op: Operation) -> LatencyObjective | None:
    """p99 if stated, else p95; for a user-facing operation stating neither, the default."""
    if op.slo is not None and op.slo.p99 is not None:
        return LatencyObjective("p99", op.slo.p99, True)
    if op.slo is not None and op.slo.p95 is not None:
        return LatencyObjective("p95", op.slo.p95, True)
    if user_facing(op):
        return LatencyObjective("p99", Duration(DEFAULT_USER_P99), False)
    return None


def availability_objective(op: Operation, design_target: Percent | None) -> Percent | None:
    """The operation's own availability target; else, for a user-facing operation, the
    design's (`requirements.slos.availability`). A background or scheduled job is judged
    only against a target of its own: analyze, the report and the review read this one
    rule (a job once showed 'violated' in analyze while the review let it pass)."""
    if op.slo is not None and op.slo.availability is not None:
        return op.slo.availability
    return design_target if user_facing(op) else None


__all__ = ["LatencyObjective", "availability_objective", "latency_objective", "user_facing"]
