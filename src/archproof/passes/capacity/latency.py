"""Latency per operation and per call edge, and the latency SLO check."""

from __future__ import annotations

from dataclasses import dataclass

from archproof.model import Operation
from archproof.model.objectives import latency_objective
from archproof.passes.capacity.figure import SATURATED, Figure, figure, unknown
from archproof.passes.capacity.fork_join import FORMULA as F_FORK
from archproof.passes.capacity.fork_join import max_quantile
from archproof.passes.capacity.network import Network
from archproof.passes.capacity.quantile import FORMULA as Q_FORMULA
from archproof.passes.capacity.quantile import lognormal_quantile
from archproof.passes.capacity.result import EdgeLoad, SloCheck
from archproof.passes.capacity.solve import Solution
from archproof.passes.capacity.status import SloStatus
from archproof.passes.lower import Call, Parallel, Steps, substeps

F_MEAN = (
    "sum over sequential steps of E[wait] + E[holding]; nested calls add to the caller's "
    "holding time; one_of branches weighted by p; × E[attempts] (+ backoff); async calls add 0"
)
F_MEAN_PARALLEL = F_MEAN + "; a parallel group adds E[max] of its members (" + F_FORK + ")"


@dataclass(frozen=True)
class OperationLatency:
    mean: Figure
    p50: Figure
    p95: Figure
    p99: Figure
    checks: tuple[SloCheck, ...]


def _has_parallel(steps: Steps) -> bool:
    """A parallel group anywhere in `steps` (through branches, groups and nested calls)."""
    for step in steps:
        if isinstance(step, Parallel):
            return True
        subs = (step.children,) if isinstance(step, Call) else tuple(substeps(step))
        if any(_has_parallel(sub) for sub in subs):
            return True
    return False


def _saturated(unit: str, op: str) -> Figure:
    return Figure(None, unit, f"'{op}' calls a saturated pool: no finite latency", {}, SATURATED)


def operation_latency(net: Network, sol: Solution, op: Operation) -> OperationLatency:
    mean = sol.op_mean.get(op.id)
    var = sol.op_var.get(op.id)
    if mean is None or var is None:
        figs = [_saturated("s", op.id) for _ in range(4)]
    else:
        inputs = {"mean": mean, "variance": var}
        fork = sol.op_fork.get(op.id)
        formula = F_MEAN_PARALLEL if _has_parallel(net.top(op.id)) else F_MEAN
        figs = [figure(mean, "s", formula, variance=var)]
        for q in (0.5, 0.95, 0.99):
            if fork is not None:
                # the operation is one parallel group: its percentiles are the max's
                # (product of the members' CDFs), not a lognormal fit of the max's moments
                value = max_quantile(fork, q)
                figs.append(Figure(value, "s", F_FORK, {"members": float(len(fork))}))
            else:
                figs.append(Figure(lognormal_quantile(mean, var, q), "s", Q_FORMULA, inputs))
    checks: list[SloCheck] = []
    if op.slo is not None:
        for metric, target, fig in (
            ("p50", op.slo.p50, figs[1]),
            ("p95", op.slo.p95, figs[2]),
            ("p99", op.slo.p99, figs[3]),
        ):
            if target is None:
                continue
            t = float(target.seconds)
            if fig.value is None:
                status = SloStatus.SATURATED if fig.status == SATURATED else SloStatus.UNKNOWN
            else:
                status = SloStatus.MET if fig.value <= t else SloStatus.VIOLATED
            checks.append(SloCheck(metric, t, fig, status))
    return OperationLatency(figs[0], figs[1], figs[2], figs[3], tuple(checks))


def slo_target(op: Operation) -> tuple[str, float] | None:
    """The tail objective edges are compared with: the design's p99/p95, or for a user-facing
    operation that states none the review's default (model.objectives, one place)."""
    objective = latency_objective(op)
    if objective is None:
        return None
    return objective.label, objective.seconds


def edges(net: Network, sol: Solution) -> tuple[EdgeLoad, ...]:
    """Every call edge with its rate, retry amplification and share of the SLO."""
    out: list[EdgeLoad] = []
    ops = net.design.operation_map
    for v in net.visits:
        op = ops[v.op]
        parent = net.visits[v.parent].component if v.parent is not None else None
        r, rv = sol.r_mean[v.index], sol.r_var[v.index]
        node = v.node
        if r is None or rv is None:
            mean_r = Figure(None, "s", "callee saturated", {}, SATURATED)
            p99 = Figure(None, "s", "callee saturated", {}, SATURATED)
            share = Figure(None, "", "callee saturated", {}, SATURATED)
        else:
            mean_r = figure(r, "s", "R = E[wait] + E[holding]", variance=rv)
            p99_value = lognormal_quantile(r, rv, 0.99)
            p99 = Figure(p99_value, "s", Q_FORMULA, {"mean": r, "variance": rv})
            target = slo_target(op)
            if target is None:
                share = unknown("", f"background operation '{op.id}' has no p95/p99 SLO")
            elif node.async_:
                share = figure(0.0, "", "async hand-off: not on the caller's latency path")
            else:
                share = figure(
                    p99_value / target[1],
                    "",
                    f"edge p99 / operation {target[0]} SLO",
                    edge_p99=p99_value,
                    slo=target[1],
                )
        retries = node.retries.count if node.retries is not None else 0
        out.append(
            EdgeLoad(
                operation=v.op,
                path=v.path,
                caller=parent,
                callee=v.component,
                work=v.work,
                is_write=v.is_write,
                sync=not node.async_,
                on_failure=node.on_failure,
                fallback=str(node.fallback) if node.fallback is not None else None,
                calls_per_request=figure(
                    v.per_request,
                    "",
                    "Π(branch p) × p × times × E[attempts] down the tree",
                    p=float(node.p),
                    times=float(node.times),
                    attempts=v.attempts,
                ),
                rate=figure(
                    sol.lam[v.index],
                    "1/s",
                    "rate(operation) × calls per request",
                    operation_rate=net.op_rate[v.op] * sol.factor,
                ),
                timeout_probability=figure(
                    v.p_timeout,
                    "",
                    "P(S > timeout) of the callee's service-time distribution"
                    if v.timeout is not None
                    else "no timeout: 0",
                    timeout=v.timeout,
                ),
                failure_probability=figure(
                    v.p_fail,
                    "",
                    "q = P(timeout) (outages outlast retries: not counted)",
                    p_timeout=v.p_timeout,
                ),
                retry_amplification=figure(
                    v.attempts,
                    "×",
                    "E[attempts] = (1 − q^(r+1)) / (1 − q)",
                    q=v.p_fail,
                    retries=float(retries),
                ),
                mean_response=mean_r,
                p99_response=p99,
                share_of_slo=share,
            )
        )
    return tuple(out)
