"""OB — Observability first: p95/p99 request times, aggressive error logging, detailed logs
on critical paths, alerts on what the SLOs promise, traces across hops."""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import Design, LogPolicy, Operation
from archproof.model.traits import kinds_where
from archproof.passes.review.calltree import edges
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule

_TAIL = ("p95", "p99")
# Pass-through hops that add no logic of their own to trace.
_PROXIES = kinds_where(lambda t: t.proxy)
# Tracing is asked for beyond this many hops between working components.
MAX_UNTRACED_HOPS = 2


def _components(op: Operation) -> list[str]:
    seen: list[str] = []
    for edge in edges(op):
        if edge.node.component not in seen:
            seen.append(edge.node.component)
    return seen


def _covers(policy: LogPolicy, op: Operation) -> bool:
    if policy.operation is not None and policy.operation != op.id:
        return False
    return policy.component is None or policy.component in _components(op)


def latency_slo(op: Operation) -> tuple[str, ...]:
    """The tail percentiles the operation's SLO promises ('p95', 'p99'); () without one."""
    if op.slo is None:
        return ()
    tail = tuple(p for p in _TAIL if getattr(op.slo, p) is not None)
    if tail:
        return tail
    return ("p95 or p99",) if op.slo.p50 is not None else ()


def measured(design: Design, op: Operation) -> set[str]:
    """Percentiles of `op` that latency metrics report ('*' for a raw histogram).

    A metric naming neither an operation nor a component measures every operation (one
    request-latency metric labelled by operation).
    """
    out: set[str] = set()
    for metric in design.observability.metrics:
        if metric.kind not in ("latency", "histogram"):
            continue
        everything = metric.operation is None and metric.component is None
        if metric.operation != op.id and not everything:
            continue
        if metric.kind == "histogram" and not metric.percentiles:
            out.add("*")
        out.update(metric.percentiles)
    return out


def _is_critical(op: Operation) -> bool:
    """Critical: marked so, or a write path important enough to carry an idempotency key."""
    if op.critical:
        return True
    return op.idempotency_key is not None and any(e.node.is_write for e in edges(op))


@rule(code="OB001", name="latency-percentiles-missing", severity=Severity.WARNING)
def percentiles_missing(ctx: RuleContext) -> Iterator[Hit]:
    """An operation has a latency SLO but no metric reports the percentiles it promises.

    What it checks:
        Operations whose `slo` sets p95 and/or p99 (or only p50) with no latency or
        histogram metric for the operation (or for all operations: no `operation`, no
        `component`) reporting those percentiles (a histogram with no listed percentiles
        counts as reporting all of them).

    Why it matters:
        Observability first: measure p95/p99 request times. Averages hide the slow tail
        that users feel and SLOs are written against; without the percentile there is no
        way to know whether the SLO is met, or when a change broke it.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          get_item:
            rate: 100/s
            slo: {p99: 100ms}
            calls: [api.handle]
        observability:
          metrics:
            - {name: get_item_latency, kind: latency, operation: get_item, percentiles: [p50]}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          get_item:
            rate: 100/s
            slo: {p99: 100ms}
            calls: [api.handle]
        observability:
          metrics:
            - name: get_item_latency
              kind: latency
              operation: get_item
              percentiles: [p50, p95, p99]

    Evidence:
        The percentiles in the operation's `slo` against those listed by metrics whose
        `operation` is this one.
    """
    for op in ctx.design.operations:
        promised = latency_slo(op)
        if not promised:
            continue
        found = measured(ctx.design, op)
        if "*" in found:
            continue
        if promised == ("p95 or p99",):
            missing = [] if found & set(_TAIL) else list(promised)
        else:
            missing = [p for p in promised if p not in found]
        if not missing:
            continue
        shown = ", ".join(sorted(found)) or "none"
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(f"'{op.id}' has a latency SLO but no metric reports its {', '.join(missing)}"),
            span=op.span,
            fix=(
                f"add a latency metric with `operation: {op.id}` and `percentiles: [p50, p95, p99]`"
            ),
            evidence=f"SLO percentiles {', '.join(promised)}; measured: {shown}",
        )


@rule(code="OB002", name="error-logging-missing-on-critical-operation", severity=Severity.WARNING)
def error_logging_missing(ctx: RuleContext) -> Iterator[Hit]:
    """A critical operation's errors are not logged.

    What it checks:
        Operations marked `critical: true`, or making writes under an `idempotency_key`,
        with no log policy covering them (no operation/component filter, or one naming the
        operation or a component it calls) that logs errors (`on: errors`, `all` or
        `critical_path`).

    Why it matters:
        Observability first: log aggressively on errors. A failed payment, login or
        order that leaves no log line cannot be investigated, replayed or explained to the
        customer; the idempotency key is useless if nobody can find the failed attempt.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          pay:
            rate: 5/s
            critical: true
            idempotency_key: payment intent id
            calls:
              - api.handle:
                  calls: [db.write: {timeout: 200ms, on_failure: fail_closed}]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          pay:
            rate: 5/s
            critical: true
            idempotency_key: payment intent id
            calls:
              - api.handle:
                  calls: [db.write: {timeout: 200ms, on_failure: fail_closed}]
        observability:
          logs:
            - {on: errors, detail: detailed}

    Evidence:
        `critical` / `idempotency_key` and write calls of the operation; the
        `observability.logs` policies.
    """
    for op in ctx.design.operations:
        if not _is_critical(op):
            continue
        if any(_covers(p, op) for p in ctx.design.observability.logs):
            continue
        why = "critical" if op.critical else "a keyed write path"
        yield Hit(
            element=ElementRef.operation(op.id),
            message=f"errors of '{op.id}' ({why}) are not logged by any log policy",
            span=op.span,
            fix=f"add a log policy `{{operation: {op.id}, on: errors, detail: detailed}}`",
            evidence=f"{len(ctx.design.observability.logs)} log policies, none covering it",
        )


@rule(code="OB003", name="slo-breach-alert-missing", severity=Severity.WARNING)
def slo_alert_missing(ctx: RuleContext) -> Iterator[Hit]:
    """An operation has an SLO but nothing alerts when it is breached.

    What it checks:
        Operations with an `slo` and no alert `on: slo_breach` for them (or for the whole
        system: no operation and no component). An availability-only SLO is also covered by
        an `on: error_rate` alert on the operation.

    Why it matters:
        Observability first. An SLO nobody is paged for is a wish: users notice the breach
        first, and the error budget burns unseen.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          get_item:
            rate: 100/s
            slo: {p99: 100ms}
            calls: [api.handle]
        observability:
          metrics:
            - {name: latency, kind: latency, operation: get_item, percentiles: [p95, p99]}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          get_item:
            rate: 100/s
            slo: {p99: 100ms}
            calls: [api.handle]
        observability:
          metrics:
            - {name: latency, kind: latency, operation: get_item, percentiles: [p95, p99]}
          alerts:
            - {name: get_item_slo, on: slo_breach, operation: get_item}

    Evidence:
        The operation's `slo` and the `observability.alerts` entries.
    """
    alerts = ctx.design.observability.alerts
    for op in ctx.design.operations:
        slo = op.slo
        if slo is None:
            continue
        latency = any(getattr(slo, p) is not None for p in ("p50", "p95", "p99"))
        if not latency and slo.availability is None:
            continue
        accepted = {"slo_breach"} if latency else {"slo_breach", "error_rate"}
        if any(
            a.on in accepted
            and (a.operation == op.id or (a.operation is None and a.component is None))
            for a in alerts
        ):
            continue
        yield Hit(
            element=ElementRef.operation(op.id),
            message=f"'{op.id}' has an SLO but no alert fires when it is breached",
            span=op.span,
            fix=f"add an alert `{{name: {op.id}_slo, on: slo_breach, operation: {op.id}}}`",
            evidence=f"slo set; {len(alerts)} alerts, none on slo_breach for '{op.id}'",
        )


@rule(code="OB004", name="tracing-missing-on-multi-hop-operation", severity=Severity.WARNING)
def tracing_missing(ctx: RuleContext) -> Iterator[Hit]:
    """An operation crosses more than two hops between components without tracing.

    What it checks:
        Operations whose call tree reaches more than three working components (clients,
        load balancers and CDNs not counted), i.e. more than two hops, and that are not in
        `observability.tracing` (nor is `'*'`).

    Why it matters:
        Observability first. Past a couple of hops, per-component metrics and logs no longer
        say which hop made a request slow or failed it; a trace follows the request through
        every component and makes the p99 explainable.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis}
          db: {kind: database, tech: postgresql}
          search: {kind: search_index, tech: opensearch}
        operations:
          browse:
            rate: 100/s
            calls:
              - api.handle:
                  calls: [cache.get, db.read, search.search]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          cache: {kind: cache, tech: redis}
          db: {kind: database, tech: postgresql}
          search: {kind: search_index, tech: opensearch}
        operations:
          browse:
            rate: 100/s
            calls:
              - api.handle:
                  calls: [cache.get, db.read, search.search]
        observability:
          tracing: [browse]

    Evidence:
        The distinct components in the operation's call tree and `observability.tracing`.
    """
    traced = set(ctx.design.observability.tracing)
    if "*" in traced:
        return
    kinds = {c.id: c.kind for c in ctx.design.components}
    for op in ctx.design.operations:
        if op.id in traced:
            continue
        working = [c for c in _components(op) if kinds.get(c) not in _PROXIES]
        hops = len(working) - 1
        if hops <= MAX_UNTRACED_HOPS:
            continue
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(
                f"'{op.id}' crosses {len(working)} components ({', '.join(working)}) and is "
                "not traced"
            ),
            span=op.span,
            fix=f"add '{op.id}' to `observability.tracing` (or trace everything with '*')",
            evidence=f"{hops} hops > {MAX_UNTRACED_HOPS}; tracing: {sorted(traced) or 'none'}",
        )


@rule(code="OB005", name="critical-path-not-logged-in-detail", severity=Severity.WARNING)
def critical_path_detail(ctx: RuleContext) -> Iterator[Hit]:
    """A critical operation has only basic logging.

    What it checks:
        Operations marked `critical: true` with no log policy covering them that logs the
        path, not only its errors (`on: critical_path` or `on: all`).

    Why it matters:
        Observability first: detailed logging on critical paths. When a payment or a
        login misbehaves, the error line says that it failed, not which steps succeeded
        before it, with which inputs and which upstream answers — what a disputed charge
        is reconstructed from.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          login:
            rate: 50/s
            critical: true
            calls: [api.handle]
        observability:
          logs:
            - {on: errors, detail: basic}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          login:
            rate: 50/s
            critical: true
            calls: [api.handle]
        observability:
          logs:
            - {on: errors, detail: basic}
            - {operation: login, on: critical_path, detail: detailed}

    Evidence:
        `critical: true` and the `observability.logs` policies covering the operation.
    """
    for op in ctx.design.operations:
        if not op.critical:
            continue
        policies = [p for p in ctx.design.observability.logs if _covers(p, op)]
        if any(p.on in ("critical_path", "all") for p in policies):
            continue  # errors alone, however detailed, do not show the steps that succeeded
        yield Hit(
            element=ElementRef.operation(op.id),
            message=f"the critical operation '{op.id}' is not logged in detail",
            span=op.span,
            fix=f"add `{{operation: {op.id}, on: critical_path, detail: detailed}}` to logs",
            evidence=f"{len(policies)} covering log policies, none detailed",
        )


@rule(code="OB006", name="queue-backlog-unwatched", severity=Severity.WARNING)
def queue_backlog_unwatched(ctx: RuleContext) -> Iterator[Hit]:
    """A queue that background work consumes has no alert on its backlog.

    What it checks:
        Queue components that an operation `consumes` with no alert `on: queue_depth` or
        `on: saturation` for that component (or a queue_depth alert for all components).

    Why it matters:
        Observability first. Background work fails quietly: when consumers crash or fall
        behind, the backlog grows while every user-facing metric stays green, until
        messages expire or the broker's disk fills up.

    Example:
        components:
          jobs: {kind: queue, tech: sqs}
          worker: {kind: worker, tech: worker}
        operations:
          resize:
            consumes: jobs
            sync: false
            calls: [worker.resize]

    Use instead:
        components:
          jobs: {kind: queue, tech: sqs}
          worker: {kind: worker, tech: worker}
        operations:
          resize:
            consumes: jobs
            sync: false
            calls: [worker.resize]
        observability:
          alerts:
            - {name: resize_backlog, on: queue_depth, component: jobs, threshold: age > 5m}

    Evidence:
        Operations with `consumes:` on the queue and the `observability.alerts` entries.
    """
    alerts = ctx.design.observability.alerts
    consumed: dict[str, list[str]] = {}
    for op in ctx.design.operations:
        if op.consumes is not None:
            consumed.setdefault(op.consumes, []).append(op.id)
    for component in ctx.design.components:
        if component.id not in consumed:
            continue
        if any(
            (a.on in ("queue_depth", "saturation") and a.component == component.id)
            or (a.on == "queue_depth" and a.component is None and a.operation is None)
            for a in alerts
        ):
            continue
        yield Hit(
            element=ElementRef.component(component.id),
            message=(
                f"no alert watches the backlog of '{component.id}', consumed by "
                f"{', '.join(consumed[component.id])}"
            ),
            span=component.span,
            fix=f"add an alert `{{on: queue_depth, component: {component.id}}}` on lag or age",
            evidence=f"{len(alerts)} alerts, none on queue_depth for '{component.id}'",
        )
