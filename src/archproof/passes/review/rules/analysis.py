"""Rules that gate on the analysis: the capacity pass's verdicts as located findings.

The capacity pass already decides whether each operation meets its latency and
availability objectives and whether each checkable assumption holds. These rules turn
those verdicts into findings with codes, so `archproof review` (and SARIF in CI) fails
when the analysis says the design misses its targets, instead of only the report saying
so. Saturated pools are OP006's; a latency objective on a saturated path has no figure
and is reported there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from archproof.model import Operation
from archproof.model.objectives import user_facing
from archproof.numbers import factor, percent, rate, sig, size
from archproof.numbers import seconds as seconds_text
from archproof.passes.capacity import CapacityResult
from archproof.passes.capacity.figure import inputs_text
from archproof.passes.capacity.status import AssumptionStatus, SloStatus
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.span import Span


def _nines(value: float, other: float | None = None) -> str:
    """0.9985 → 99.85%; with `other`, enough digits that the two read differently. Far from
    any nines (under 50%) the plain percentage: `:.4g` printed 1e-10%."""
    if value < 0.5:
        return percent(value)
    digits = 4
    while other is not None and digits < 10:
        if sig(value * 100, digits) != sig(other * 100, digits):
            break
        digits += 1
    return f"{sig(value * 100, digits)}%"


def _slo_span(op: Operation) -> Span | None:
    return op.slo.span if op.slo is not None and op.slo.span is not None else op.span


@rule(
    code="OP009",
    name="latency-slo-missed-at-peak",
    severity=Severity.ERROR,
    needs=("capacity",),
)
def latency_slo_missed_at_peak(ctx: RuleContext) -> Iterator[Hit]:
    """An operation's p95 or p99 latency at peak load is above its SLO.

    What it checks:
        Every latency objective (`slo: {p95: ..., p99: ...}`) of every operation against
        the capacity pass's figure for it at the design's peak load: the operation's
        response time (own service, nested synchronous calls and queueing at every pool,
        retries included) as a lognormal fitted to its mean and variance. An objective
        the figure exceeds is reported on the operation's `slo:`. Objectives on a path
        through a saturated pool have no figure: OP006 reports the pool.

    Why it matters:
        Operation efficiency: the SLO is what the request is for. If the analysis of the
        design as written puts the tail above the target at the load the design states,
        the design does not do what it promises, and CI should say so as loudly as the
        report does. Shorten the path (faster or fewer steps, a cache, work moved to a
        background job), add capacity where the queueing is, or state the target the
        design really meets.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db:
            kind: database
            tech: postgresql
            work: {read: 40ms, write: 10ms}
            recovery: PITR backups
        operations:
          search:
            rate: 10/s
            slo: {p99: 50ms}
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 1s}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db:
            kind: database
            tech: postgresql
            work: {read: 40ms, write: 10ms}
            recovery: PITR backups
        operations:
          search:
            rate: 10/s
            slo: {p99: 300ms}
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 1s}

    Evidence:
        The capacity pass's p95 / p99 latency of the operation (lognormal fit of the mean
        and variance of its response time at peak) against the target.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    for op in ctx.design.operations:
        result = capacity.operation(op.id)
        if result is None:
            continue
        for check in result.slo:
            if check.metric not in ("p95", "p99") or check.status is not SloStatus.VIOLATED:
                continue
            value = check.figure.value
            if value is None:
                continue
            over = value / check.target if check.target > 0 else float("inf")
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{op.id}' {check.metric} is {seconds_text(value)} at peak, above its "
                    f"{check.metric} SLO of {seconds_text(check.target)} "
                    f"({factor(over)} the target)"
                ),
                span=_slo_span(op),
                fix="shorten the path (faster or fewer synchronous steps, a cache, or move "
                "work to a background job), add capacity where requests queue, or set the "
                "target the design meets and accept this finding with that reason",
                evidence=(
                    f"{check.metric} {seconds_text(value)} ({check.figure.formula}); mean "
                    f"{seconds_text(result.mean_latency.value or 0.0)}; target "
                    f"{seconds_text(check.target)}; peak rate {rate(result.rate_peak.value or 0.0)}"
                ),
            )


@rule(
    code="FH010",
    name="availability-slo-missed",
    severity=Severity.ERROR,
    needs=("capacity",),
)
def availability_slo_missed(ctx: RuleContext) -> Iterator[Hit]:
    """An operation's computed availability is below its availability objective.

    What it checks:
        Every operation with an availability target (its own `slo: {availability: ...}`,
        else the design's `requirements.slos.availability`) against the availability the
        capacity pass computes for it: A = Π (1 − U_X · f_X) over the components X it
        needs, with U_X = (1 − a_X)^n the share of time all n instances of X are down and
        f_X the share of its requests that need X (fail-open, fallback and asynchronous
        edges do not; a job fed by a durable queue is delayed, not failed). Background and
        scheduled jobs are judged only against a target of their own (the design's is for
        requests; a failed run is re-run), and a figure within 1e-7 of its target meets it.

    Why it matters:
        Robust failure handling: an operation can be no more available than the product
        of what it cannot do without. A 99.9% objective on a path through a 99.5%
        dependency called fail-closed is missed by arithmetic, before any incident.
        Add instances, make the dependency optional (fail open, a fallback, or move the
        call behind a durable queue), add a second provider, or state the target the
        design really meets.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 2}
          partner:
            kind: external
            tech: external-api
            availability: 99.5%
            work: {quote: 100ms}
        operations:
          quote:
            rate: 5/s
            slo: {availability: 99.9%}
            calls:
              - api.handle:
                  calls:
                    - partner.quote: {timeout: 1s, on_failure: fail_closed}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 2}
          partner:
            kind: external
            tech: external-api
            availability: 99.5%
            work: {quote: 100ms}
        operations:
          quote:
            rate: 5/s
            slo: {availability: 99.9%}
            calls:
              - api.handle:
                  calls:
                    - partner.quote:
                        timeout: 1s
                        on_failure: fail_open
                        fallback: quote from the last published price list

    Evidence:
        The capacity pass's availability of the operation, Π (1 − U_X · f_X) with its
        per-component inputs, against the target.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    for op in ctx.design.operations:
        result = capacity.operation(op.id)
        check = result.check("availability") if result is not None else None
        if result is None or check is None or check.status is not SloStatus.VIOLATED:
            continue
        value = check.figure.value
        if value is None or value >= check.target - _ROUNDING:
            continue
        own = op.slo is not None and op.slo.availability is not None
        where = "its" if own else "the design's"
        downtime = result.downtime_per_year.value
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(
                f"'{op.id}' is available {_nines(value, check.target)} of the time by the "
                f"analysis, below {where} availability SLO of {_nines(check.target, value)}"
                + (f" (~{downtime:,.0f} min/year down)" if downtime is not None else "")
            ),
            span=_slo_span(op) if own else op.span,
            fix="add instances of what it needs, make that dependency optional (fail open, a "
            "fallback, or a durable queue in between), add a second provider, or set the "
            "target the design meets and accept this finding with that reason",
            evidence=f"availability {check.figure.formula}: {_inputs(check.figure.inputs)}",
        )


# A computed availability this close to its target meets it (floating-point products of
# nines: 99.949999…% against 99.95%).
_ROUNDING = 1e-7


@rule(
    code="FH018",
    name="requests-fail-by-timeout",
    severity=Severity.ERROR,
    needs=("capacity",),
)
def requests_fail_by_timeout(ctx: RuleContext) -> Iterator[Hit]:
    """Timeouts alone fail more of an operation's requests than its availability allows.

    What it checks:
        For every request-serving operation, the share of its requests that fail with
        every component up (the capacity pass's `timeout_failures`): a fail-closed call
        fails when all its attempts time out, P = q^(r+1) with q = P(service time >
        timeout) of the callee's distribution and r its retries, and a failed call fails
        its caller unless that edge fails open, has a fallback or is asynchronous. The
        share is compared with the error budget, 1 − the availability target (the
        operation's own, else the design's; 1% when neither is written).

    Why it matters:
        Robust failure handling. A timeout at or under the callee's usual service time
        turns a slow dependency into failed requests at any load: no outage is needed, and
        the availability figure, which counts outages, does not show it. The simulator
        counts these requests as errors.

    Example:
        requirements:
          slos: {availability: 99.9%}
        components:
          api: {kind: service, tech: stateless-service, replicas: 2}
          psp:
            kind: external
            tech: external-api
            work: {charge: {lognormal: {p50: 200ms, p99: 1s}}}
        operations:
          pay:
            rate: 5/s
            calls:
              - api.handle:
                  calls:
                    - psp.charge: {timeout: 200ms, on_failure: fail_closed}

    Use instead:
        requirements:
          slos: {availability: 99.9%}
        components:
          api: {kind: service, tech: stateless-service, replicas: 2}
          psp:
            kind: external
            tech: external-api
            work: {charge: {lognormal: {p50: 200ms, p99: 1s}}}
        operations:
          pay:
            rate: 5/s
            calls:
              - api.handle:
                  calls:
                    - psp.charge: {timeout: 5s, on_failure: fail_closed}

    Evidence:
        The capacity pass's share of requests failed by timeouts, with the call's timeout,
        P(service time > timeout) and retries, against the error budget.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    system = ctx.design.requirements.slos.availability
    for op in ctx.design.operations:
        result = capacity.operation(op.id)
        if result is None or not user_facing(op):
            continue
        share = result.timeout_failures.value
        own = op.slo.availability if op.slo is not None else None
        target = own or system
        budget = 1.0 - float(target.fraction) if target is not None else _DEFAULT_BUDGET
        if share is None or share <= budget + _ROUNDING:
            continue
        worst = max(
            (e for e in capacity.edges if e.operation == op.id and e.on_failure != "fail_open"),
            key=lambda e: e.timeout_probability.value or 0.0,
            default=None,
        )
        culprit = (
            f"; most from '{worst.callee}.{worst.work}': "
            f"{_share(worst.timeout_probability.value or 0.0)} of its attempts outlast "
            "their timeout"
            if worst is not None and worst.timeout_probability.value
            else ""
        )
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(
                f"'{op.id}' fails {_share(share)} of its requests by timeouts with every "
                f"component up, over its error budget of {_share(budget)}"
                + (f" ({target} availability)" if target is not None else "")
                + culprit
            ),
            span=op.span,
            fix="raise the timeout above the callee's tail (its p99.9 or more), retry an "
            "idempotent call, or speed the callee up; the operation's latency target may "
            "need to grow with it",
            evidence=(
                f"failed by timeouts {result.timeout_failures.formula} = {_share(share)}; "
                f"error budget 1 − target = {_share(budget)}"
            ),
        )


# with no availability target written: a request-serving path should not lose 1% of its
# requests to timeouts
_DEFAULT_BUDGET = 0.01


def _share(value: float) -> str:
    """A small share in full (0.0101%, not "<0.1%": budgets of 99.99% are 0.01%), down to
    a millionth of a percent."""
    if 0 < value < 1e-8:
        return "under 0.000001%"
    return f"{sig(value * 100, 3)}%"


def _inputs(inputs: Mapping[str, object]) -> str:
    return inputs_text(inputs, 6) or "no inputs recorded"


@rule(
    code="Q002",
    name="assumption-refuted-by-analysis",
    severity=Severity.ERROR,
    needs=("capacity",),
)
def assumption_refuted_by_analysis(ctx: RuleContext) -> Iterator[Hit]:
    """A machine-checkable assumption is refuted by the figure the analysis computes.

    What it checks:
        Every assumption with a `check:` (a bound on utilization, latency, rate,
        availability, queue wait or storage) whose figure, computed by the capacity pass,
        falls outside the bound. Assumptions without a `check:` are listed as unchecked
        in the report, not reported here.

    Why it matters:
        Validate assumptions with evidence: every design question is answered on top of
        its assumptions (Q1 problem understanding, Q6.3 the tests that would refute
        them). An assumption the design's own numbers refute means an answer built on it
        is wrong. Change the design until the figure meets the bound, or correct the
        assumption.

    Example:
        requirements:
          assumptions:
            - id: A1
              statement: The database stays below 30% busy at peak.
              check: {metric: utilization, component: db, max: 30%}
        components:
          api: {kind: service, tech: stateless-service}
          db:
            kind: database
            tech: postgresql
            concurrency: 4
            work: {read: 10ms, write: 10ms}
            recovery: PITR backups
        operations:
          browse:
            rate: 200/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 500ms}

    Use instead:
        requirements:
          assumptions:
            - id: A1
              statement: The database stays below 30% busy at peak.
              check: {metric: utilization, component: db, max: 30%}
        components:
          api: {kind: service, tech: stateless-service}
          db:
            kind: database
            tech: postgresql
            concurrency: 4
            read_replicas: 2
            work: {read: 10ms, write: 10ms}
            recovery: PITR backups
        operations:
          browse:
            rate: 200/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 500ms}

    Evidence:
        The capacity pass's figure named by the check (with its formula) against the
        stated bound.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    written = {a.id: a for a in ctx.design.requirements.assumptions}
    for result in capacity.assumptions:
        if result.status is not AssumptionStatus.REFUTED:
            continue
        assumption = written.get(result.id)
        metric = assumption.check.metric if assumption and assumption.check else "figure"
        fig = result.figure
        shown = _value(metric, fig.value) if fig is not None else None
        # without a value the detail is the figure's status ("figure is saturated")
        found = (
            f"{metric} is {shown}" if shown else f"{metric} has no finite value ({result.detail})"
        )
        yield Hit(
            element=ElementRef.assumption(result.id),
            message=(
                f"assumption {result.id} ({result.bound}) is refuted by the analysis: {found}"
                f' — "{result.statement}"'
            ),
            span=assumption.span if assumption is not None else None,
            fix="change the design until the figure meets the bound, or correct the "
            "assumption (and what was decided on it)",
            evidence=(
                f"{metric} {shown or result.detail}"
                + (f" ({fig.formula})" if fig is not None and fig.formula else "")
                + (f" against {result.bound}" if result.bound else "")
            ),
        )


def _value(metric: str, value: float | None) -> str | None:
    """A checked figure the way its bound is written (30%, 50 ms, 2k/s, 5 TB)."""
    if value is None:
        return None
    if metric in ("utilization", "availability"):
        return f"{value:.1%}" if metric == "utilization" else _nines(value)
    if metric in ("p95", "p99", "mean_latency", "queue_wait"):
        return seconds_text(value)
    if metric == "peak_rate":
        return rate(value)
    if metric == "storage":
        return size(value)
    return sig(value, 4)
