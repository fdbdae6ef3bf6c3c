"""FH — Robust failure handling: timeouts, retries, circuit breakers, explicit fail-open /
fail-closed decisions, idempotency keys, no single instance on a critical path.

The call-tree helpers here (`edges`, `peak_rate`, `per_second`) are shared with the events
and observability rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from archproof.model import ComponentKind, Design, Operation, Retry
from archproof.model.objectives import user_facing
from archproof.model.traits import kinds_where, traits
from archproof.numbers import nines, sig
from archproof.passes.capacity import CapacityResult
from archproof.passes.lower import peak_rate as lowered_peak_rate
from archproof.passes.review.calltree import Edge, edges
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.operations import edge_nodes
from archproof.passes.summary import operation_rate

# Callees whose writes are safe to repeat: a cache SET and an object PUT overwrite the same
# key; a duplicate enqueue is just another redelivery, which consumers of an at-least-once
# queue must absorb anyway (EV004 checks that they do).
_NATURALLY_IDEMPOTENT = kinds_where(lambda t: t.naturally_idempotent)
# Kinds we run ourselves and can replicate for free (no state to copy).
_CHEAP_TO_REPLICATE = kinds_where(lambda t: t.cheap_to_replicate)
# Components outside the design's control: replicas mean nothing for them.
_NOT_OURS = kinds_where(lambda t: not t.ours)
# Writes to these are the data itself (or the money): failing open loses or forges it.
_AUTHORITATIVE = kinds_where(lambda t: t.authoritative)


def peak_rate(design: Design, op: Operation) -> Fraction | None:
    """Peak arrival rate of `op` in requests/s (average × peak factor); None if unknown."""
    rate = operation_rate(design, op)
    if rate is None:
        return None
    own = op.peak.per_second if op.peak is not None else None
    return lowered_peak_rate(rate, design.requirements.load, op.arrivals, own)


def per_second(value: Fraction | float) -> str:
    return f"{float(value):,.1f}/s"


def _ms(seconds: Fraction | float) -> str:
    return f"{float(seconds) * 1000:,.0f}ms"


def _all_edges(ctx: RuleContext) -> Iterator[Edge]:
    for op in ctx.design.operations:
        yield from edges(op)


def _element(edge: Edge) -> ElementRef:
    return ElementRef.operation(edge.op.id)


def _kind(ctx: RuleContext, component: str) -> ComponentKind | None:
    found = ctx.design.component_map.get(component)
    return found.kind if found is not None else None


def _is(kind: ComponentKind | None, trait: str) -> bool:
    return kind is not None and bool(getattr(traits(kind), trait))


@rule(code="FH001", name="timeout-missing-on-remote-call", severity=Severity.WARNING)
def timeout_missing(ctx: RuleContext) -> Iterator[Hit]:
    """A component calls another component synchronously without a timeout.

    What it checks:
        Every nested call (one a component makes while holding its worker) that is not an
        async hand-off and sets no `timeout`. The client's own top-level steps are not
        checked: the design does not own the client's socket settings.

    Why it matters:
        Robust failure handling. Without a timeout a hung callee holds the caller's worker
        until the TCP stack gives up (minutes): one slow dependency exhausts the caller's
        pool and the failure cascades upstream.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - api.handle:
                  calls: [db.read]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 100ms, on_failure: fail_closed}

    Evidence:
        The call node's `timeout` is unset; the caller is the enclosing call's component.
    """
    for edge in _all_edges(ctx):
        node = edge.node
        if not edge.remote_sync or node.timeout is not None:
            continue
        assert edge.caller is not None
        if any(
            k is not None and traits(k).actor
            for k in (_kind(ctx, edge.caller), _kind(ctx, node.component))
        ):
            continue
        caller = ctx.resolved.get(edge.caller)
        workers = caller.replicas * caller.concurrency if caller else None
        held = f"; '{edge.caller}' has {workers} workers in all" if workers else ""
        yield Hit(
            element=_element(edge),
            message=(
                f"'{edge.caller}' calls '{node.call}' in '{edge.op.id}' without a timeout: a hung "
                f"'{node.component}' holds the caller's workers indefinitely"
            ),
            span=node.span,
            fix=f"set `timeout:` on '{node.call}' (a few times its p99 service time)",
            evidence=f"no timeout on the call{held}",
        )


def _backs_off(retries: Retry) -> bool:
    """A backoff that waits: `backoff: 0s` (× any multiplier) is an immediate retry."""
    return retries.backoff is not None and retries.backoff.seconds > 0


@rule(code="FH002", name="retry-without-backoff", severity=Severity.WARNING)
def retry_without_backoff(ctx: RuleContext) -> Iterator[Hit]:
    """A call is retried immediately, with no backoff between attempts.

    What it checks:
        Call nodes with `retries` of one or more and no `backoff` (or `backoff: 0s`).

    Why it matters:
        Robust failure handling. Immediate retries hit a failing callee again at once, so its
        load is multiplied exactly when it is least able to take it (a retry storm); the
        callee cannot recover until the callers stop.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 100ms, retries: 3, on_failure: fail_closed}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read:
                        timeout: 100ms
                        retries: {count: 3, backoff: 20ms, jitter: 50%}
                        on_failure: fail_closed

    Evidence:
        `retries.count` ≥ 1 with `retries.backoff` unset or zero; the call rate at peak times
        (1 + count) is what the callee sees while it fails.
    """
    for edge in _all_edges(ctx):
        retries = edge.node.retries
        if retries is None or retries.count < 1 or _backs_off(retries):
            continue
        rate = peak_rate(ctx.design, edge.op)
        evidence = f"{retries.count} immediate retr{'y' if retries.count == 1 else 'ies'}"
        if rate is not None:
            normal = rate * edge.per_op
            storm = normal * (1 + retries.count)
            evidence += (
                f": '{edge.node.component}' gets up to {per_second(storm)} while failing instead "
                f"of {per_second(normal)} at peak"
            )
        yield Hit(
            element=_element(edge),
            message=(
                f"'{edge.node.call}' in '{edge.op.id}' is retried {retries.count}× with no "
                "backoff: retries pile onto the callee while it is failing"
            ),
            span=edge.node.span,
            fix="add `backoff:` (exponential, e.g. 20ms × 2) and `jitter:` to the retries",
            evidence=evidence,
        )


@rule(code="FH003", name="retry-without-jitter", severity=Severity.INFO)
def retry_without_jitter(ctx: RuleContext) -> Iterator[Hit]:
    """Retries back off but without jitter, so callers retry in synchronised waves.

    What it checks:
        Call nodes whose `retries` set a `backoff` but no `jitter` (immediate retries are
        reported by FH002).

    Why it matters:
        Robust failure handling. When a dependency blips, every in-flight request fails at
        about the same moment; with a fixed backoff schedule they all retry at the same
        moments too, and each wave can knock the recovering callee over again.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read:
                        timeout: 100ms
                        retries: {count: 2, backoff: 20ms}
                        on_failure: fail_closed

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read:
                        timeout: 100ms
                        retries: {count: 2, backoff: 20ms, jitter: 50%}
                        on_failure: fail_closed

    Evidence:
        `retries.backoff` is set and `retries.jitter` is not.
    """
    for edge in _all_edges(ctx):
        retries = edge.node.retries
        if retries is None or retries.count < 1 or not _backs_off(retries):
            continue
        if retries.jitter is not None:
            continue
        yield Hit(
            element=_element(edge),
            message=(
                f"retries of '{edge.node.call}' in '{edge.op.id}' back off by a fixed schedule "
                "with no jitter: failed requests retry in synchronised waves"
            ),
            span=edge.node.span,
            fix="add `jitter:` (e.g. 50%) to spread the retries",
            evidence=f"backoff {retries.backoff} × {sig(float(retries.multiplier), 6)}, "
            "jitter unset",
        )


@rule(code="FH004", name="retry-on-non-idempotent-write", severity=Severity.WARNING)
def retry_non_idempotent(ctx: RuleContext) -> Iterator[Hit]:
    """A write is retried although nothing makes repeating it safe.

    What it checks:
        Call nodes with retries whose work is a write (`write: true`, or a write-like work
        name such as insert/charge/send), not marked `idempotent: true`, in an operation
        with no `idempotency_key`. Writes to caches and object stores (a SET or PUT of a key
        overwrites it) and enqueues (consumers absorb redeliveries anyway) are not checked.

    Why it matters:
        Robust failure handling. A timeout does not mean the write failed: the first attempt
        may have committed and only the reply was lost. Retrying it then inserts a second
        row, sends a second email or charges the card twice. Idempotency keys make retries
        of critical operations safe.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          place_order:
            rate: 10/s
            calls:
              - api.handle:
                  calls:
                    - db.insert:
                        timeout: 200ms
                        retries: {count: 2, backoff: 50ms, jitter: 50%}
                        on_failure: fail_closed

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          place_order:
            rate: 10/s
            idempotency_key: client-generated order id, unique in the orders table
            calls:
              - api.handle:
                  calls:
                    - db.insert:
                        timeout: 200ms
                        retries: {count: 2, backoff: 50ms, jitter: 50%}
                        on_failure: fail_closed

    Evidence:
        `retries.count` ≥ 1, the call is a write, `idempotent` is not true and the
        operation's `idempotency_key` is unset.
    """
    for edge in _all_edges(ctx):
        node = edge.node
        if node.retries is None or node.retries.count < 1 or not node.is_write:
            continue
        if node.idempotent is True or edge.op.idempotency_key is not None:
            continue
        if _kind(ctx, node.component) in _NATURALLY_IDEMPOTENT:
            continue
        critical = " (a critical operation)" if edge.op.critical else ""
        yield Hit(
            element=_element(edge),
            message=(
                f"the write '{node.call}' in '{edge.op.id}'{critical} is retried "
                f"{node.retries.count}× but nothing makes a repeat safe: a lost reply turns "
                "into a duplicate write"
            ),
            span=node.span,
            fix=(
                "give the operation an `idempotency_key` (and de-duplicate on it), or mark the "
                "call `idempotent: true` if it is an upsert/unique insert"
            ),
            evidence=(
                f"retries {node.retries.count}, write '{node.work}', idempotent unset, "
                "no idempotency_key"
            ),
        )


def _worker_exhaustion(ctx: RuleContext, caller: str) -> tuple[int, dict[str, Fraction]] | None:
    """The caller's workers, and per callee the workers its slowness would hold at peak.

    A callee that answers only at the timeout keeps one caller worker busy for every
    attempt (Little's law: busy workers = call rate × time held). Calls behind a breaker
    are not counted: once it opens they fail fast and hold nothing.
    """
    resolved = ctx.resolved.get(caller)
    if resolved is None:
        return None
    held: dict[str, Fraction] = {}
    for op in ctx.design.operations:
        rate = peak_rate(ctx.design, op)
        if rate is None:
            continue
        for edge in edges(op):
            node = edge.node
            if edge.caller != caller or not edge.remote_sync or node.timeout is None:
                continue
            if node.breaker is not None:
                continue  # its breaker opens within its window: these calls fail fast then
            attempts = 1 + (node.retries.count if node.retries else 0)
            waiting = node.timeout.seconds * attempts
            if node.retries is not None and node.retries.backoff is not None:
                step = node.retries.backoff.seconds
                for _ in range(node.retries.count):
                    waiting += step
                    step *= node.retries.multiplier
            held[node.component] = held.get(node.component, Fraction(0)) + (
                rate * edge.per_op * waiting
            )
    return resolved.replicas * resolved.concurrency, held


@rule(code="FH005", name="circuit-breaker-missing", severity=Severity.WARNING)
def breaker_missing(ctx: RuleContext) -> Iterator[Hit]:
    """No circuit breaker on a call whose slowness would exhaust the caller, or to an external.

    What it checks:
        Synchronous nested calls without `breaker` (reported once per caller → callee
        dependency, at its first unguarded call) where either the callee is an external
        API, or — with the calls' timeouts and retries — a callee that answers only at its
        timeout would keep more of the caller's workers busy at peak than the caller has
        (replicas × concurrency). Calls without a timeout are left to FH001. Not checked:
        background and scheduled jobs (nobody waits behind a slow batch; its own retries
        and the queue absorb an outage) and calls made by a proxy (a CDN or load balancer
        in front of its origins takes them out on failed health checks).

    Why it matters:
        Robust failure handling. A timeout bounds one request; a breaker bounds the damage
        of a dependency that is down or slow for minutes. Without one, every request still
        waits the full timeout, the caller's pool fills up and its own callers start timing
        out: a cascading failure. External APIs fail outside your control and rate-limit
        callers that keep hammering them.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 2, concurrency: 32}
          search: {kind: search_index, tech: opensearch}
        operations:
          search_items:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - search.search: {timeout: 1s, on_failure: fail_closed}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 2, concurrency: 32}
          search: {kind: search_index, tech: opensearch}
        operations:
          search_items:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - search.search:
                        timeout: 1s
                        breaker: {failure_rate: 50%, window: 20, open_for: 10s}
                        on_failure: fail_closed

    Evidence:
        Σ peak call rate × (timeout × attempts + backoffs) over the caller's unguarded calls
        to the callee (calls behind a breaker fail fast once it opens), compared with
        the caller's replicas × concurrency; or the callee's kind `external`.
    """
    cache: dict[str, tuple[int, dict[str, Fraction]] | None] = {}
    reported: set[tuple[str, str]] = set()  # one finding per caller → callee dependency
    for edge in _all_edges(ctx):
        node = edge.node
        if not edge.remote_sync or node.breaker is not None or node.timeout is None:
            continue
        assert edge.caller is not None
        if _kind(ctx, edge.caller) in _NOT_OURS or (edge.caller, node.component) in reported:
            continue
        if not user_facing(edge.op) or _is(_kind(ctx, edge.caller), "proxy"):
            continue  # a batch job waits alone; a CDN or balancer checks its origins' health
        if _is(_kind(ctx, node.component), "third_party"):
            reported.add((edge.caller, node.component))
            yield Hit(
                element=_element(edge),
                message=(
                    f"'{node.call}' in '{edge.op.id}' calls an external API with no circuit "
                    "breaker: during its outages every request still waits the full timeout"
                ),
                span=node.span,
                fix="add `breaker:` on the call and decide `on_failure` for when it is open",
                evidence=f"'{node.component}' is of kind external; timeout {node.timeout}",
            )
            continue
        if edge.caller not in cache:
            cache[edge.caller] = _worker_exhaustion(ctx, edge.caller)
        found = cache[edge.caller]
        if found is None:
            continue
        workers, held = found
        busy = held.get(node.component, Fraction(0))
        if workers <= 0 or busy < workers:
            continue
        reported.add((edge.caller, node.component))
        yield Hit(
            element=_element(edge),
            message=(
                f"'{edge.caller}' calls '{node.component}' with no circuit breaker: if "
                f"'{node.component}' answers at its timeout, '{edge.caller}' would need "
                f"~{float(busy):,.0f} workers held at peak; it has {workers}"
            ),
            span=node.span,
            fix=(
                f"add `breaker:` on '{node.call}' (and on the caller's other calls to "
                f"'{node.component}'), or shorten the timeout"
            ),
            evidence=(
                f"peak calls from '{edge.caller}' to '{node.component}' × time held at the "
                f"timeout = {float(busy):,.1f} busy workers ≥ {workers} (replicas × concurrency)"
            ),
        )


@rule(code="FH006", name="failure-decision-missing", severity=Severity.WARNING)
def failure_decision_missing(ctx: RuleContext) -> Iterator[Hit]:
    """A dependency of a user-facing operation has no explicit fail-open / fail-closed decision.

    What it checks:
        Synchronous nested calls in synchronous operations without `on_failure`.

    Why it matters:
        Robust failure handling. Whether the request fails when a dependency fails (fail
        closed: payments, auth, the write itself) or carries on without it (fail open:
        recommendations, counters, caches) is a product decision. Left implicit, the code's
        accident decides: optional features take the whole page down, or a critical check
        is silently skipped.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          recs: {kind: service, tech: stateless-service}
        operations:
          home:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - recs.suggest: {timeout: 100ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          recs: {kind: service, tech: stateless-service}
        operations:
          home:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - recs.suggest:
                        timeout: 100ms
                        on_failure: fail_open
                        fallback: show the popular items list

    Evidence:
        `on_failure` is unset on a synchronous call made by a component in a `sync: true`
        operation.
    """
    for edge in _all_edges(ctx):
        node = edge.node
        if not edge.op.sync or not edge.remote_sync or node.on_failure is not None:
            continue
        assert edge.caller is not None
        if _kind(ctx, edge.caller) in _NOT_OURS:
            continue
        yield Hit(
            element=_element(edge),
            message=(
                f"'{edge.op.id}' does not say what happens when '{node.call}' fails: "
                "fail open (carry on without it) or fail closed (fail the request)"
            ),
            span=node.span,
            fix="set `on_failure: fail_open` (with a `fallback`) or `on_failure: fail_closed`",
            evidence=f"on_failure unset on '{node.call}' called by '{edge.caller}'",
        )


@rule(code="FH007", name="fail-open-on-critical-write", severity=Severity.ERROR)
def fail_open_critical_write(ctx: RuleContext) -> Iterator[Hit]:
    """A critical operation carries on when one of its authoritative writes fails.

    What it checks:
        In operations marked `critical: true` (money, auth, data loss), write calls to a
        database, object store, service or external API with `on_failure: fail_open`.
        Fail-open writes to caches and queues are not checked.

    Why it matters:
        Robust failure handling: fail open or closed explicitly, and fail closed where
        being wrong costs money or trust. A payment capture or an order insert that fails
        open tells the user "done" while nothing was charged or stored.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          payments: {kind: external, tech: external-api}
        operations:
          checkout:
            rate: 5/s
            critical: true
            idempotency_key: order id
            calls:
              - api.handle:
                  calls:
                    - payments.charge:
                        timeout: 3s
                        breaker: true
                        on_failure: fail_open
                        fallback: mark the order paid and charge later

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          payments: {kind: external, tech: external-api}
        operations:
          checkout:
            rate: 5/s
            critical: true
            idempotency_key: order id
            calls:
              - api.handle:
                  calls:
                    - payments.charge: {timeout: 3s, breaker: true, on_failure: fail_closed}

    Evidence:
        `critical: true` on the operation, `on_failure: fail_open` on a write call, and the
        callee's kind.
    """
    for edge in _all_edges(ctx):
        node = edge.node
        if not edge.op.critical or node.on_failure != "fail_open" or not node.is_write:
            continue
        kind = _kind(ctx, node.component)
        if kind not in _AUTHORITATIVE:
            continue
        assert kind is not None
        yield Hit(
            element=_element(edge),
            message=(
                f"the critical operation '{edge.op.id}' fails open on the write "
                f"'{node.call}': it reports success when the write did not happen"
            ),
            span=node.span,
            fix="use `on_failure: fail_closed` (and retry safely with the idempotency key)",
            evidence=f"critical operation; write to a {kind.value} with on_failure fail_open",
        )


@rule(code="FH008", name="single-instance-on-critical-path", severity=Severity.WARNING)
def single_instance(ctx: RuleContext) -> Iterator[Hit]:
    """One instance of a component that a critical or SLO-bound request cannot do without.

    What it checks:
        Components with one instance (replicas + read replicas + standbys = 1) that a synchronous
        operation calls on its required path (not async, not under a fail_open call), when
        either the operation's availability target (its SLO, else the system's) is above the
        instance's own availability, or the component is a stateful store that wants a
        standby (a database, a queue) under any availability target (its figure counts
        random failures, not the hours a restore takes), or the operation is `critical`
        and the component is a service, worker or load balancer (a second replica is free).
        Clients and external APIs are not checked, nor what the provider replicates (an
        S3-style object store, an SQS queue, DynamoDB: the catalog's `provider_replicated`;
        its availability is the service's, not one node's).

    Why it matters:
        Robust failure handling. A single instance is a single point of failure: its crash,
        deploy or host maintenance fails every request that needs it, and one node's
        availability caps the operation's, whatever the rest of the design does.

    Example:
        requirements:
          slos: {availability: 99.99%}
        components:
          api: {kind: service, tech: stateless-service, replicas: 3}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 100ms, on_failure: fail_closed}

    Use instead:
        requirements:
          slos: {availability: 99.99%}
        components:
          api: {kind: service, tech: stateless-service, replicas: 3}
          db:
            kind: database
            tech: postgresql
            standby: 1
            recovery: synchronous standby promoted automatically
        operations:
          get_item:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 100ms, on_failure: fail_closed}

    Evidence:
        Resolved replicas (design or catalog default), read replicas and standbys; the instance's
        availability (design or catalog) against the operation's availability target.
    """
    system = ctx.design.requirements.slos.availability
    reported: set[str] = set()
    for edge in _all_edges(ctx):
        op, node = edge.op, edge.node
        if not op.sync or edge.optional or node.component in reported:
            continue
        component = ctx.design.component_map.get(node.component)
        resolved = ctx.resolved.get(node.component)
        if component is None or resolved is None or component.kind in _NOT_OURS:
            continue
        if resolved.provider_replicated:
            continue  # S3, SQS: one "instance" is a share of a service the provider replicates
        if resolved.replicas + component.read_replicas + component.standby != 1:
            continue
        target = op.slo.availability if op.slo and op.slo.availability else system
        own = resolved.availability.fraction() if resolved.availability else None
        if target is not None and (own is None or own < target.fraction):
            shown = nines(float(own)) if own is not None else "an unknown availability"
            why = f"one instance at {shown} cannot meet the {target} target of '{op.id}'"
        elif target is not None and traits(component.kind).wants_ha_pair and resolved.stateful:
            why = (
                f"with no standby, losing it stops '{op.id}' until a restore (hours), far "
                f"outside the {target} target"
            )
        elif op.critical and component.kind in _CHEAP_TO_REPLICATE and not resolved.stateful:
            why = f"the critical operation '{op.id}' stops whenever this one instance does"
        else:
            continue
        reported.add(node.component)
        yield Hit(
            element=ElementRef.component(component.id),
            message=f"'{component.id}' runs as a single instance on a required path: {why}",
            span=component.span,
            fix=(
                "run 2+ replicas, or keep a `standby:` (or a read replica) that is promoted on "
                "failure and state `recovery:`; or make the call fail open if the operation "
                "can do without it"
            ),
            evidence=(
                f"replicas {resolved.replicas} ({resolved.source.get('replicas', 'default')}), "
                f"read replicas {component.read_replicas}; called by '{op.id}' via '{node.call}'"
            ),
        )


# Expected attempts per call above which retries multiply a struggling callee's load (FH009).
MAX_RETRY_AMPLIFICATION = 2.0


@rule(
    code="FH009",
    name="retry-amplification-over-2x",
    severity=Severity.WARNING,
    needs=("capacity",),
)
def retry_amplification_over_2x(ctx: RuleContext) -> Iterator[Hit]:
    """Retries make a call's callee do more than twice the work on average.

    What it checks:
        Every call the capacity pass finds with an expected number of attempts above 2:
        E[attempts] = (1 − q^(r+1)) / (1 − q), with r the retries and q the chance that
        one attempt fails, q = P(service time > timeout) (an outage outlasts the retries,
        so availability is not part of q). Above 2 means most attempts fail — typically a
        timeout below the callee's median service time.

    Why it matters:
        Robust failure handling. Every attempt reaches the callee and keeps one of its
        servers busy (the caller abandons a timed-out attempt; the callee does not), so
        the callee's load is multiplied by E[attempts] — and the multiplier rises exactly
        when the callee slows down. A timeout the callee usually misses turns retries into
        a retry storm: set the timeout above the callee's p99, retry rarely, and let a
        circuit breaker stop the attempts when it is failing.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          partner:
            kind: external
            tech: external-api
            work: {quote: {lognormal: {p50: 200ms, p99: 1s}}}
        operations:
          get_quote:
            rate: 5/s
            calls:
              - api.handle:
                  calls:
                    - partner.quote:
                        timeout: 100ms
                        retries: {count: 3, backoff: 50ms, jitter: 50%}
                        breaker: true
                        on_failure: fail_closed

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          partner:
            kind: external
            tech: external-api
            work: {quote: {lognormal: {p50: 200ms, p99: 1s}}}
        operations:
          get_quote:
            rate: 5/s
            calls:
              - api.handle:
                  calls:
                    - partner.quote:
                        timeout: 2s
                        retries: {count: 1, backoff: 50ms, jitter: 50%}
                        breaker: true
                        on_failure: fail_closed

    Evidence:
        The capacity pass's retry amplification E[attempts] with its inputs: the timeout,
        P(service time > timeout) of the callee's distribution, the per-attempt failure
        probability q and the retry count.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    for op in ctx.design.operations:
        for edge, node in edge_nodes(op, capacity):
            amp = edge.retry_amplification
            if amp.value is None or amp.value <= MAX_RETRY_AMPLIFICATION:
                continue
            retries = node.retries.count if node.retries is not None else 0
            p_timeout = edge.timeout_probability.value or 0.0
            q = edge.failure_probability.value or 0.0
            timeout = f" at timeout {node.timeout}" if node.timeout is not None else ""
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{node.call}' in '{op.id}' is attempted {amp.value:.1f} times on "
                    f"average: {q:.0%} of attempts fail, and {retries} retries multiply "
                    f"the load on '{node.component}'"
                ),
                span=node.span,
                fix=f"raise the timeout above '{node.call}' p99 service time, retry at most "
                "once or twice with backoff, and let a circuit breaker stop the attempts "
                "while it fails",
                evidence=(
                    f"{amp.formula} = {amp.value:.2f}; P(service time > "
                    f"timeout){timeout} = {p_timeout:.1%}; q = {q:.1%}; retries {retries}"
                ),
            )
