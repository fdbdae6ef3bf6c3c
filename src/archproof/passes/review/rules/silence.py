"""Defaults that speak: where a design leaves something out, the review says what it
assumed and judges that, so omitting a target, a metric or a decision never silences a rule.

OB007 a user-facing operation with no latency SLO (judged against `DEFAULT_USER_P99`);
OB008 a critical operation with no p99 metric; OP010 slow work on a human-facing path
judged by absolute service time (`HUMAN_WAIT`), whatever the SLO; OB009 a background job
nothing measures; FH011 fail-open on an operation's only durable write.
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import Design, Operation
from archproof.model.objectives import user_facing
from archproof.model.traits import traits
from archproof.numbers import sig
from archproof.passes.review.calltree import Edge, durable_writes, edges, is_purpose_write
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.observability import latency_slo, measured
from archproof.passes.review.rules.operations import mean_time_s
from archproof.policy import DEFAULT_USER_P99, HUMAN_WAIT


@rule(code="OB007", name="latency-slo-missing-on-user-facing-operation", severity=Severity.WARNING)
def latency_slo_missing(ctx: RuleContext) -> Iterator[Hit]:
    """A user-facing operation states no p95/p99 latency target.

    What it checks:
        Synchronous operations not started by a queue (someone waits for them) whose `slo`
        sets neither p95 nor p99. The analysis judges them against the default p99 a
        person waits for, `policy.DEFAULT_USER_P99` (1 s), and says so.

    Why it matters:
        Observability first: p95/p99 request times. Without a target nothing can be called
        too slow — the slowest endpoint escapes every latency rule and alert, and the
        busiest one is sized for nothing. A stated target is what the metrics, the alerts
        and the capacity plan are checked against.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          search:
            rate: 800/s
            calls: [api.handle]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          search:
            rate: 800/s
            slo: {p99: 300ms}
            calls: [api.handle]

    Evidence:
        The operation's `sync`, `consumes` and `slo`; the default assumed in its place.
    """
    for op in ctx.design.operations:
        if not user_facing(op) or (op.slo is not None and (op.slo.p95 or op.slo.p99)):
            continue
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(
                f"user-facing '{op.id}' states no p95/p99 latency target: the review assumes "
                f"p99 ≤ {sig(float(DEFAULT_USER_P99), 6)} s, the default a person waits for"
            ),
            span=op.span,
            fix=f"set `slo: {{p99: ...}}` on '{op.id}' (what its users accept), with a "
            "latency metric and an alert on it",
            evidence=f"sync, no consumes, slo {'unset' if op.slo is None else 'without p95/p99'}",
        )


@rule(code="OB008", name="critical-operation-without-p99-metric", severity=Severity.WARNING)
def critical_without_p99_metric(ctx: RuleContext) -> Iterator[Hit]:
    """A critical operation has no metric reporting its p99 latency.

    What it checks:
        Operations marked `critical: true` with no latency or histogram metric (for the
        operation, or for all operations) reporting p99, when their SLO promises no p99
        (OB001 reports a promised percentile left unmeasured).

    Why it matters:
        Observability first: p95/p99 request times, detailed on critical paths. A money
        transfer or a login that slows down at the tail costs the business first; with
        no p99 on record nobody sees it until customers complain, and no alert can fire.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          transfer:
            rate: 20/s
            critical: true
            idempotency_key: transfer id
            calls: [api.handle]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          transfer:
            rate: 20/s
            critical: true
            idempotency_key: transfer id
            calls: [api.handle]
        observability:
          metrics:
            - {name: transfer_latency, operation: transfer, percentiles: [p50, p99]}

    Evidence:
        `critical: true` and the percentiles the metrics report for the operation.
    """
    for op in ctx.design.operations:
        if not op.critical or "p99" in latency_slo(op):
            continue
        found = measured(ctx.design, op)
        if "*" in found or "p99" in found:
            continue
        yield Hit(
            element=ElementRef.operation(op.id),
            message=f"critical '{op.id}' has no metric reporting its p99 latency",
            span=op.span,
            fix=f"add a latency metric `{{operation: {op.id}, percentiles: [p50, p95, p99]}}` "
            "and an alert on it",
            evidence=f"critical: true; measured: {', '.join(sorted(found)) or 'nothing'}",
        )


def _sync_path(ctx: RuleContext, op: Operation) -> list[tuple[Edge, float]]:
    """(edge, expected seconds per request) of the work the caller waits for."""
    out: list[tuple[Edge, float]] = []
    for edge in edges(op):
        if edge.handed_off:
            continue
        mean = mean_time_s(ctx, edge.node)
        if mean is not None:
            out.append((edge, mean * float(edge.per_op)))
    return out


@rule(code="OP010", name="slow-work-on-human-facing-path", severity=Severity.WARNING)
def slow_work_on_human_facing_path(ctx: RuleContext) -> Iterator[Hit]:
    """A user-facing request makes its caller wait longer than a person waits.

    What it checks:
        Synchronous operations not started by a queue whose expected service time on the
        request path (the calls it waits for, async hand-offs excluded, weighted by their
        probability and repeat count) exceeds `policy.HUMAN_WAIT` (10 s) — whatever the
        operation's SLO says. An SLO of hours does not make a transcode fit in a request.

    Why it matters:
        Operation efficiency: separate fast and slow operations; background jobs for
        time-consuming tasks. Nobody holds a browser or an HTTP connection open for
        minutes: proxies and clients time out, retries start the work again, and every
        request holds a worker for its whole length. Accept the job, return 202 with a job
        id, do the work in a worker, and let the client poll or be notified.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          transcoder: {kind: service, tech: stateless-service, work: {transcode: 20min}}
        operations:
          upload_video:
            rate: 1/s
            slo: {p99: 4h}
            calls:
              - api.handle:
                  calls:
                    - transcoder.transcode: {timeout: 1h, on_failure: fail_closed}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          jobs: {kind: queue, tech: sqs}
          transcoder: {kind: worker, tech: worker, work: {transcode: 20min}}
        operations:
          upload_video:
            rate: 1/s
            slo: {p99: 1s}
            calls:
              - api.handle:
                  calls:
                    - jobs.enqueue: {async: true, timeout: 200ms, on_failure: fail_closed}
          transcode:
            consumes: jobs
            sync: false
            calls:
              - transcoder.transcode: {retries: {count: 2, backoff: 1min, jitter: 50%}}

    Evidence:
        The mean service time of each call on the request path (design or catalog), their
        sum, and `policy.HUMAN_WAIT`.
    """
    limit = float(HUMAN_WAIT)
    for op in ctx.design.operations:
        if not user_facing(op):
            continue
        path = _sync_path(ctx, op)
        total = sum(t for _, t in path)
        if total <= limit or not path:
            continue
        edge, worst = max(path, key=lambda pair: pair[1])
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(
                f"user-facing '{op.id}' keeps its caller waiting ~{total:,.0f} s of service "
                f"time ('{edge.node.call}' alone ~{worst:,.0f} s): more than the "
                f"{sig(limit, 6)} s a person waits, whatever the SLO"
            ),
            span=edge.node.span,
            fix="accept the request, enqueue the slow work for a background worker and "
            "return a job id (202); notify or let the client poll for the result",
            evidence=f"expected service time on the request path {total:,.1f} s > "
            f"HUMAN_WAIT {sig(limit, 6)} s",
        )


def _background(op: Operation) -> bool:
    return not user_facing(op)


def _watched(design: Design, op: Operation) -> bool:
    """Some metric or alert measures the job: by operation, its queue or its workers."""
    components = {e.node.component for e in edges(op)}
    components = {
        c
        for c in components
        if (found := design.component_map.get(c)) is not None and traits(found.kind).compute
    }
    if op.consumes is not None:
        components.add(op.consumes)
    obs = design.observability
    for metric in obs.metrics:
        if metric.operation == op.id or metric.component in components:
            return True
        if metric.operation is None and metric.component is None:
            return True
    return any(a.operation == op.id or a.component in components for a in obs.alerts)


@rule(code="OB009", name="background-job-unmeasured", severity=Severity.WARNING)
def background_job_unmeasured(ctx: RuleContext) -> Iterator[Hit]:
    """Nothing measures a background or scheduled job.

    What it checks:
        Operations that are not user-facing (`sync: false`, or consuming a queue) with no
        metric or alert naming the operation, its queue, or the workers it runs on (and no
        metric for all operations).

    Why it matters:
        Observability first. A nightly job that stops, slows down or half-fails raises no
        user-facing error: reports go stale, invoices are not sent, backups are missing,
        and nobody knows until someone asks. Its duration, its last success and its
        failures are the only way to see it.

    Example:
        components:
          worker: {kind: worker, tech: worker}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          nightly_invoices:
            rate: 1/day
            sync: false
            calls:
              - worker.run:
                  calls:
                    - db.write: {timeout: 5s, retries: {count: 2, backoff: 1s, jitter: 50%}}

    Use instead:
        components:
          worker: {kind: worker, tech: worker}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          nightly_invoices:
            rate: 1/day
            sync: false
            calls:
              - worker.run:
                  calls:
                    - db.write: {timeout: 5s, retries: {count: 2, backoff: 1s, jitter: 50%}}
        observability:
          metrics:
            - {name: invoice_run_seconds, kind: histogram, operation: nightly_invoices}
          alerts:
            - name: invoices_late
              on: custom
              operation: nightly_invoices
              threshold: no success in 26h

    Evidence:
        The job's operation, queue and workers against `observability.metrics` and
        `observability.alerts`.
    """
    for op in ctx.design.operations:
        if not _background(op) or _watched(ctx.design, op):
            continue
        yield Hit(
            element=ElementRef.operation(op.id),
            message=f"nothing measures background job '{op.id}': no metric or alert on it, "
            "its queue or its workers",
            span=op.span,
            fix=f"add a metric for '{op.id}' (duration, successes, failures) and an alert on "
            "its failures or on no success within its period",
            evidence="no metric or alert names the operation, its queue or its workers",
        )


@rule(code="FH011", name="fail-open-on-only-durable-write", severity=Severity.WARNING)
def fail_open_on_only_durable_write(ctx: RuleContext) -> Iterator[Hit]:
    """An operation carries on when its only durable write fails.

    What it checks:
        Operations not marked critical (FH007 covers those) whose writes to stores of
        record (databases, object stores) all fail open (`on_failure: fail_open` on the
        call or a caller): when the store fails, the request succeeds and nothing was kept.
        A single such write in an operation whose answer comes from a database read (a page
        view that also records the view) is a side effect, not the operation's point.

    Why it matters:
        Robust failure handling: fail open or closed explicitly, and fail closed where the
        write is the point. An upload, a signup or a saved draft whose one write fails open
        tells the user "saved" while the data is gone — a silent loss, worse than an error
        they could retry. Fail open is for what the response can do without.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          save_draft:
            rate: 20/s
            calls:
              - api.handle:
                  calls:
                    - db.write: {timeout: 200ms, on_failure: fail_open}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          save_draft:
            rate: 20/s
            calls:
              - api.handle:
                  calls:
                    - db.write: {timeout: 200ms, on_failure: fail_closed}

    Evidence:
        The operation's writes to stores of record and their `on_failure` (or a fail-open
        caller's).
    """
    for op in ctx.design.operations:
        if op.critical:
            continue
        durable = durable_writes(ctx.design, op)
        if not durable or not all(e.optional for e in durable):
            continue
        edge = durable[0]
        if len(durable) == 1 and not is_purpose_write(ctx.design, op, edge.node):
            continue  # a read's side effect (a view counter): losing it is a choice
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(
                f"'{op.id}' fails open on '{edge.node.call}', its only durable write: when "
                f"'{edge.node.component}' fails the request succeeds and nothing is kept"
            ),
            span=edge.node.span,
            fix="fail closed on the write (the caller retries), or make it durable another "
            "way first (enqueue it on a durable queue that fails closed)",
            evidence=f"{len(durable)} write(s) to stores of record, all fail open",
        )
