"""FH rules on the semantics of guards: timeouts that fit inside their caller's, produces
that cannot block a request forever, breakers scoped like the failures they stop, admission
control at the door, and backups that meet the recovery objectives.

FH012 retries that outlast the enclosing timeout; FH013 an enqueue on the request path with
no timeout; FH014 one breaker for a dependency that fails per tenant or per endpoint; FH015
a user-facing operation with no rate limit and no load shedding; FH016 backups beyond the
RPO / restores beyond the RTO.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from archproof.model import CallNode
from archproof.model.objectives import user_facing
from archproof.model.traits import traits
from archproof.numbers import seconds as seconds_text
from archproof.passes.review.calltree import edges, with_callers
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.failure import peak_rate
from archproof.policy import ADMISSION_CONTROL_FROM


def _budget(node: CallNode) -> Fraction | None:
    """Longest the caller can spend on the call: every attempt at its timeout plus the
    backoffs between them."""
    if node.timeout is None:
        return None
    total = node.timeout.seconds
    retries = node.retries
    if retries is None or retries.count < 1:
        return total
    total *= 1 + retries.count
    if retries.backoff is not None:
        step = retries.backoff.seconds
        for _ in range(retries.count):
            total += step
            step *= retries.multiplier
    return total


# An inner budget up to half again the enclosing timeout only cuts the last retry short;
# beyond it the caller gives up while most of the attempts are still to come.
_SLACK = Fraction(3, 2)


@rule(code="FH012", name="retries-outlast-enclosing-timeout", severity=Severity.WARNING)
def retries_outlast_enclosing_timeout(ctx: RuleContext) -> Iterator[Hit]:
    """A call's timeout times its attempts (with backoff) is longer than its caller's timeout.

    What it checks:
        Calls with a `timeout` nested under a call that also has one: the inner budget,
        timeout × (1 + retries) + the backoffs, more than half again the nearest enclosing
        timeout (a little over only cuts the last retry short).

    Why it matters:
        Robust failure handling: timeouts must shrink inward. When the inner attempts
        outlast the outer timeout, the caller has given up (and perhaps retried itself)
        while the inner call keeps retrying — wasted work on a struggling dependency, a
        retry storm multiplied at every level, and an error the user sees before the
        retries that might have succeeded end.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          notify:
            rate: 50/s
            calls:
              - api.handle:
                  timeout: 1s
                  calls:
                    - db.insert:
                        timeout: 5s
                        retries: {count: 2, backoff: 50ms, jitter: 50%}
                        on_failure: fail_closed

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          notify:
            rate: 50/s
            calls:
              - api.handle:
                  timeout: 1s
                  calls:
                    - db.insert:
                        timeout: 250ms
                        retries: {count: 2, backoff: 50ms, jitter: 50%}
                        on_failure: fail_closed

    Evidence:
        The call's timeout, retries and backoff, and the enclosing call's timeout.
    """
    for op in ctx.design.operations:
        for node, callers in with_callers(op.calls):
            budget = _budget(node)
            outer = next((c for c in reversed(callers) if c.timeout is not None), None)
            if budget is None or outer is None or outer.timeout is None or node.async_:
                continue
            limit = outer.timeout.seconds
            if budget <= limit * _SLACK:
                continue
            attempts = 1 + (node.retries.count if node.retries else 0)
            takes = seconds_text(float(budget))
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{node.call}' in '{op.id}' may take {takes} ({attempts} × "
                    f"{node.timeout} + backoff) inside '{outer.call}', which gives up after "
                    f"{outer.timeout}: the caller has failed while the retries go on"
                ),
                span=node.span,
                fix=f"keep timeout × attempts + backoff under {outer.timeout} (shorter "
                "timeout, fewer retries), or raise the enclosing timeout",
                evidence=f"budget {takes} > enclosing timeout {outer.timeout}",
            )


@rule(code="FH013", name="enqueue-without-timeout-on-request-path", severity=Severity.WARNING)
def enqueue_without_timeout(ctx: RuleContext) -> Iterator[Hit]:
    """A user-facing request hands work to a queue or event hub with no timeout.

    What it checks:
        In user-facing (sync) operations, calls to a queue or event hub (enqueue, publish,
        produce), async hand-offs included, made by a component on the request path,
        with no `timeout`.

    Why it matters:
        Robust failure handling: "async" means the consumer's work does not hold the
        request, not that the hand-off is free. A Kafka producer blocks when its buffer is
        full or the partition leader is moving (`max.block.ms`, 60 s by default); an SQS
        call hangs on a network partition. Without a timeout every request thread waits
        that long during a broker failover.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
        operations:
          ingest:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - bus.publish: {async: true, on_failure: fail_closed}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
        operations:
          ingest:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - bus.publish: {async: true, timeout: 100ms, on_failure: fail_closed}

    Evidence:
        The call's target kind and its missing `timeout`.
    """
    design = ctx.design
    for op in design.operations:
        if not user_facing(op):
            continue
        for edge in edges(op):
            node = edge.node
            if edge.caller is None or node.timeout is not None:
                continue
            target = design.component_map.get(node.component)
            if target is None or not traits(target.kind).message_hub:
                continue
            if not node.async_ and edge.handed_off:
                continue
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{edge.caller}' hands '{node.call}' to the hub with no timeout in "
                    f"user-facing '{op.id}': a broker failover blocks request threads until "
                    "the client library's own limit (Kafka: 60 s)"
                ),
                span=node.span,
                fix=f"set `timeout:` on '{node.call}' (e.g. 100 ms) and decide `on_failure`",
                evidence=f"call to {target.kind.value} '{target.id}' without timeout",
            )


@rule(code="FH014", name="breaker-scoped-wider-than-failures", severity=Severity.WARNING)
def breaker_scoped_wider_than_failures(ctx: RuleContext) -> Iterator[Hit]:
    """One circuit breaker covers a dependency that fails one tenant or endpoint at a time.

    What it checks:
        Calls with a `breaker` whose `key` is `edge` (one breaker for the whole edge) to a
        component whose `failure_domain` is `per_tenant` or `per_endpoint` (webhooks to
        customer URLs, per-merchant bank connections).

    Why it matters:
        Robust failure handling: a breaker must trip on the unit that fails. With one
        breaker for all customer endpoints, a few dead endpoints open it for everyone
        (healthy tenants stop getting deliveries), or the healthy majority keeps it closed
        and the dead endpoints are hammered forever. Key the breaker by tenant or endpoint.

    Example:
        components:
          sender: {kind: worker, tech: worker}
          endpoints: {kind: external, tech: external-api, failure_domain: per_endpoint}
        operations:
          deliver:
            rate: 200/s
            sync: false
            calls:
              - sender.run:
                  calls:
                    - endpoints.call: {timeout: 5s, breaker: true, on_failure: fail_closed}

    Use instead:
        components:
          sender: {kind: worker, tech: worker}
          endpoints: {kind: external, tech: external-api, failure_domain: per_endpoint}
        operations:
          deliver:
            rate: 200/s
            sync: false
            calls:
              - sender.run:
                  calls:
                    - endpoints.call:
                        timeout: 5s
                        breaker: {key: endpoint}
                        on_failure: fail_closed

    Evidence:
        The callee's `failure_domain` and the breaker's `key`.
    """
    design = ctx.design
    for op in design.operations:
        for edge in edges(op):
            node = edge.node
            target = design.component_map.get(node.component)
            if target is None or node.breaker is None or node.breaker.key != "edge":
                continue
            if target.failure_domain == "whole":
                continue
            unit = "tenant" if target.failure_domain == "per_tenant" else "endpoint"
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{node.call}' in '{op.id}' has one breaker for all of "
                    f"'{target.id}', which fails one {unit} at a time: a few bad {unit}s "
                    f"open it for every {unit}, or it never opens for them"
                ),
                span=node.span,
                fix=f"key the breaker by {unit} (`breaker: {{key: {unit}}}`)",
                evidence=f"'{target.id}'.failure_domain {target.failure_domain}; breaker key edge",
            )


def _is_compute(ctx: RuleContext, component: str) -> bool:
    found = ctx.design.component_map.get(component)
    return found is not None and traits(found.kind).compute


def _admits(ctx: RuleContext, component: str) -> bool:
    found = ctx.design.component_map.get(component)
    return found is not None and (found.rate_limit is not None or found.shed_load)


@rule(code="FH015", name="no-admission-control-on-user-facing-path", severity=Severity.WARNING)
def no_admission_control(ctx: RuleContext) -> Iterator[Hit]:
    """A user-facing operation has no rate limit and nothing on its path sheds load.

    What it checks:
        Synchronous operations not started by a queue, at `policy.ADMISSION_CONTROL_FROM`
        (1/s) or more at peak, with no `rate_limit` of their own, none on a component they
        pass through (a balancer, gateway or service), no component on their path with
        `shed_load: true`, and no CDN in front (its edge absorbs bursts). Operations that
        reach none of our services (a pre-signed upload straight to an object store) are
        the provider's to limit.

    Why it matters:
        Robust failure handling: a system that accepts every request falls over at the
        first burst it was not sized for — a retry storm, a crawler, credential stuffing,
        one tenant's batch job. Queues grow, every request times out, and the retries make
        it worse. Rate limits (per user, tenant or API key) and early rejection (503 above
        target utilization) keep the system serving what it can.

    Example:
        components:
          lb: {kind: load_balancer, tech: haproxy}
          api: {kind: service, tech: stateless-service}
        operations:
          login:
            rate: 200/s
            calls: [lb.route, api.handle]

    Use instead:
        components:
          lb: {kind: load_balancer, tech: haproxy}
          api: {kind: service, tech: stateless-service, shed_load: true}
        operations:
          login:
            rate: 200/s
            rate_limit: {rate: 10/min, per: ip}
            calls: [lb.route, api.handle]

    Evidence:
        The operation's `rate_limit` and the `rate_limit` / `shed_load` of the components
        it calls.
    """
    design = ctx.design
    for op in design.operations:
        if not user_facing(op) or op.rate_limit is not None or not op.calls:
            continue
        rate = peak_rate(design, op)
        if rate is not None and rate < ADMISSION_CONTROL_FROM:
            continue  # a rare action or an internal tool: no burst to shed
        path = [e.node.component for e in edges(op) if not e.handed_off]
        if any(_admits(ctx, c) for c in path):
            continue
        if not any(_is_compute(ctx, c) for c in path):
            continue  # straight to a managed store (a pre-signed upload): its quotas apply
        first = design.component_map.get(path[0]) if path else None
        if first is not None and traits(first.kind).proxy and traits(first.kind).delay_station:
            continue  # a CDN in front absorbs bursts and serves from its edge
        yield Hit(
            element=ElementRef.operation(op.id),
            message=f"user-facing '{op.id}' has no rate limit and nothing on its path sheds "
            "load: a burst, a retry storm or abuse queues up until everything times out",
            span=op.span,
            fix=f"set `rate_limit:` on '{op.id}' (per user, IP, tenant or API key) and/or "
            "`shed_load: true` on the service it reaches",
            evidence="no rate_limit on the operation or its components; no shed_load",
        )


@rule(code="FH016", name="backups-miss-recovery-objectives", severity=Severity.WARNING)
def backups_miss_recovery_objectives(ctx: RuleContext) -> Iterator[Hit]:
    """A store of record's backups lose more than the RPO or restore slower than the RTO.

    What it checks:
        With `requirements.slos.rpo` or `rto` set, every store of record the design runs
        (databases, and object stores not replicated by their provider) that holds data:
        no `backup` at all (with an RPO), `backup.every` longer than the RPO, or
        `backup.restore` longer than the RTO.

    Why it matters:
        Robust failure handling and state: replicas copy mistakes and ransomware as
        faithfully as data; a disaster (a dropped table, a lost region) is recovered from
        backups. A nightly dump against a one-minute RPO loses a day of transfers; a
        six-hour restore against a one-hour RTO is five hours over. Continuous log
        shipping (PITR) meets short RPOs; restore time is measured, not hoped.

    Example:
        requirements:
          slos: {rpo: 1min, rto: 1h}
        components:
          db:
            kind: database
            tech: postgresql
            recovery: nightly dump
            backup: {every: 24h, restore: 4h, offsite: true}
        entities:
          Transfer: {stored_in: db, key: id, fields: {id: uuid}}

    Use instead:
        requirements:
          slos: {rpo: 1min, rto: 1h}
        components:
          db:
            kind: database
            tech: postgresql
            recovery: WAL archiving (PITR) to another region
            backup: {every: 1min, restore: 45min, offsite: true}
        entities:
          Transfer: {stored_in: db, key: id, fields: {id: uuid}}

    Evidence:
        The RPO and RTO against each store's `backup`.
    """
    design = ctx.design
    rpo, rto = design.requirements.slos.rpo, design.requirements.slos.rto
    if rpo is None and rto is None:
        return
    holding = {e.stored_in for e in design.entities if e.stored_in}
    for c in design.components:
        kind = traits(c.kind)
        if not kind.store_of_record or not kind.ours or kind.provider_replicated:
            continue
        if c.id not in holding and not c.state:
            continue
        problems: list[str] = []
        if c.backup is None:
            if rpo is not None:
                problems.append(f"no backup although the RPO is {rpo}")
        else:
            if rpo is not None and c.backup.every.seconds > rpo.seconds:
                problems.append(f"backups every {c.backup.every} lose more than the {rpo} RPO")
            restore = c.backup.restore
            if rto is not None and restore is not None and restore.seconds > rto.seconds:
                problems.append(f"a restore takes {restore}, over the {rto} RTO")
        if not problems:
            continue
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"'{c.id}': {'; '.join(problems)}",
            span=c.span,
            fix="ship the write-ahead log continuously (PITR) so backups lag less than the "
            "RPO, keep a copy offsite, and measure the restore against the RTO",
            evidence=f"rpo {rpo}, rto {rto}; backup {c.backup or 'none'}",
        )
