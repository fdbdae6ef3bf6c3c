"""Observability for a drafted design: p95/p99 latency per operation, detailed logs on
critical paths, SLO-breach and error-rate alerts, queue-depth and saturation alerts,
tracing everywhere (principle 6, observability first)."""

from __future__ import annotations

from archproof.frontends.draft.builder import Ctx
from archproof.model import Principle
from archproof.units import Duration


def observability(ctx: Ctx) -> dict[str, object]:
    metrics: list[object] = []
    alerts: list[object] = []
    logs: list[object] = [{"on": "errors", "detail": "basic"}]
    for op in ctx.ops:
        metrics.append(
            {
                "name": f"{op.id}_latency",
                "kind": "latency",
                "operation": op.id,
                "percentiles": ["p95", "p99"],
            }
        )
        target = op.slo.get("p99") or op.slo.get("p95") or op.slo.get("p50")
        if target is not None:
            which = next(p for p in ("p99", "p95", "p50") if p in op.slo)
            alerts.append(
                {
                    "name": f"{op.id}_slo",
                    "on": "slo_breach",
                    "operation": op.id,
                    "threshold": f"{which} > {Duration(target)} for 5 minutes",
                }
            )
        if op.critical:
            logs.append({"operation": op.id, "on": "critical_path", "detail": "detailed"})
            alerts.append(
                {
                    "name": f"{op.id}_errors",
                    "on": "error_rate",
                    "operation": op.id,
                    "threshold": "1% of requests for 5 minutes",
                }
            )
    for comp in ctx.comps.values():
        if comp.kind == "queue":
            metrics.append({"name": f"{comp.id}_depth", "kind": "gauge", "component": comp.id})
            alerts.append(
                {
                    "name": f"{comp.id}_backlog",
                    "on": "queue_depth",
                    "component": comp.id,
                    "threshold": "oldest message older than 5 minutes",
                }
            )
        if comp.kind in ("database", "search_index", "cache"):
            alerts.append(
                {
                    "name": f"{comp.id}_saturation",
                    "on": "saturation",
                    "component": comp.id,
                    "threshold": "utilization > 70% for 10 minutes",
                }
            )
    ctx.decide(
        "observability",
        "Observability",
        "p95/p99 latency for every operation, "
        "SLO-breach alerts, detailed logs on critical paths, tracing on all",
        Principle.OB,
        "every assumption in this draft is a number to watch in production",
    )
    return {"metrics": metrics, "logs": logs, "alerts": alerts, "tracing": ["*"]}
