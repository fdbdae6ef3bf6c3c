"""OP rules: operation efficiency.

Separate fast from slow work: a user-facing request does the minimum that makes it
useful and hands the rest to background jobs, which in turn need a retry story and a
consumer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from fractions import Fraction

from archproof.catalog import service_time
from archproof.model import CallNode, ComponentKind, Design, Operation
from archproof.model.objectives import latency_objective
from archproof.model.traits import kinds_where, traits
from archproof.numbers import seconds as seconds_text
from archproof.numbers import sig
from archproof.passes.capacity import CapacityResult, ComponentLoad, EdgeLoad, PoolLoad, SloStatus
from archproof.passes.capacity.figure import inputs_text
from archproof.passes.review.calltree import (
    direct_calls,
    execution_paths,
    is_purpose_write,
    tree,
)
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.policy import DOMINANT_SHARE, NEAR_SATURATION, TARGET_UTILIZATION

# A single step using this share of the operation's p99 budget on average is "slow".
SLOW_SHARE = Fraction(3, 10)
# More side effects than this after the commit is more than the minimum.
MAX_SIDE_EFFECTS_AFTER_COMMIT = 1
# Thresholds (near saturation, the sizing target, a dominating step) live in policy.py.
SIZING_TARGET = TARGET_UTILIZATION
# Targets that are part of the hand-off or cheap best-effort bookkeeping, not extra work.
_CHEAP_KINDS = kinds_where(lambda t: t.cheap_step)
_HUBS = kinds_where(lambda t: t.message_hub)
_RELATIONAL = kinds_where(lambda t: t.relational)


def is_background(op: Operation) -> bool:
    """A job nobody waits on: it consumes a queue or is declared not sync."""
    return op.consumes is not None or not op.sync


def mean_time_s(ctx: RuleContext, node: CallNode) -> float | None:
    """Mean service time of the call's own work in seconds (its nested calls excluded)."""
    if node.time is not None:
        return node.time.mean_s()
    component = ctx.design.component_map.get(node.component)
    if component is None:
        return None
    found = service_time(component, ctx.entry(component), node.work)
    return found[0].mean_s() if found else None


def _kind(design: Design, node: CallNode) -> ComponentKind | None:
    component = design.component_map.get(node.component)
    return component.kind if component is not None else None


@rule(code="OP001", name="slow-step-in-sync-operation", severity=Severity.WARNING)
def slow_step_in_sync_operation(ctx: RuleContext) -> Iterator[Hit]:
    """One step of a synchronous operation takes a large share of its latency budget.

    What it checks:
        In user-facing (sync) operations, every call that is not an async hand-off whose own
        mean service time is at least 30% of the p99 (else p95) SLO — or, with no latency
        SLO stated, of the default p99 a person waits for (`policy.DEFAULT_USER_P99`, 1 s).

    Why it matters:
        Operation efficiency: separate fast and slow operations. A step that alone eats a
        third of the budget leaves no room for queueing, retries or its own tail (p99 is
        typically several times the mean). If the response does not need its result —
        sending mail, transcoding, calling a partner — it belongs in a background job
        behind a queue; if it does, split out the minimum the response needs.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          mail: {kind: external, tech: external-api}
        operations:
          signup:
            rate: 5/s
            slo: {p99: 300ms}
            calls:
              - api.handle:
                  calls:
                    - mail.send: {timeout: 2s, on_failure: fail_open}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          jobs: {kind: queue, tech: sqs}
          mailer: {kind: worker, tech: worker}
          mail: {kind: external, tech: external-api}
        operations:
          signup:
            rate: 5/s
            slo: {p99: 300ms}
            calls:
              - api.handle:
                  calls:
                    - jobs.enqueue: {async: true, timeout: 100ms, on_failure: fail_closed}
          send_welcome:
            consumes: jobs
            sync: false
            calls:
              - mailer.run:
                  calls:
                    - mail.send: {timeout: 5s, retries: {count: 3, backoff: 1s, jitter: 50%}}

    Evidence:
        The call's mean service time (design or catalog) against the operation's p99 SLO.
    """
    for op in ctx.design.operations:
        objective = latency_objective(op)
        if is_background(op) or objective is None:
            continue
        budget, label = objective.target, objective.label
        limit = float(budget.seconds * SLOW_SHARE)
        for node in ctx.calls(op):
            mean = mean_time_s(ctx, node)
            if node.async_ or mean is None or mean < limit:
                continue
            share = mean / float(budget.seconds)
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{node.call}' takes {seconds_text(mean)} on average, {share:.0%} of "
                    f"'{op.id}' {label} SLO of {budget}"
                ),
                span=node.span,
                fix="if the response does not need its result, enqueue it for a background "
                "worker; otherwise split out the minimum the response needs",
                evidence=f"mean service time {seconds_text(mean)}; {label} SLO {budget}",
            )


_MONEY_WORK = re.compile(r"charge|capture|refund|payout|transfer|debit|credit|pay|authori")


def _moves_money(node: CallNode) -> bool:
    """A call whose work moves money (by its work name)."""
    return _MONEY_WORK.search(node.work.lower()) is not None


@rule(code="OP002", name="fire-and-forget-side-effect-on-sync-path", severity=Severity.WARNING)
def fire_and_forget_side_effect(ctx: RuleContext) -> Iterator[Hit]:
    """A synchronous operation waits for a side effect whose failure it ignores.

    What it checks:
        In user-facing (sync) operations, calls that write (have a side effect), fail open
        (`on_failure: fail_open`: the response does not depend on them), are not async
        hand-offs, and go to a component other than a cache or queue. Not in critical
        operations and not on money calls (charge, capture, refund, transfer, …): a charge
        that fails open is wrong, not slow, and queueing it would not fix it (FH007 and
        FH011 report it); nor on the operation's only durable write (its purpose, not a
        side effect: FH011).

    Why it matters:
        Operation efficiency: do the minimum needed before responding. A side effect the
        request is willing to lose (a notification, an analytics event, a "last seen"
        update) still costs the user its latency, holds the caller's worker while it waits,
        and drags the response down when that dependency is slow. Hand it to a queue and a
        worker, where it can also be retried.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          analytics: {kind: external, tech: external-api}
        operations:
          view_page:
            rate: 200/s
            calls:
              - api.handle:
                  calls:
                    - analytics.send: {timeout: 1s, on_failure: fail_open}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          events: {kind: queue, tech: kafka}
          analytics: {kind: external, tech: external-api}
        operations:
          view_page:
            rate: 200/s
            calls:
              - api.handle:
                  calls:
                    - events.publish: {async: true, timeout: 50ms, on_failure: fail_open}

    Evidence:
        The call's `on_failure: fail_open`, its write flag and its sync position in the
        call tree.
    """
    design = ctx.design
    for op in design.operations:
        if is_background(op):
            continue
        for node in ctx.calls(op):
            if node.async_ or not node.is_write or node.on_failure != "fail_open":
                continue
            kind = _kind(design, node)
            if kind is None or kind in _CHEAP_KINDS:
                continue
            if op.critical or _moves_money(node) or is_purpose_write(design, op, node):
                continue  # failing open is the mistake there (FH007, FH011), not the wait
            mean = mean_time_s(ctx, node)
            cost = f" (~{seconds_text(mean)} on average)" if mean is not None else ""
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{op.id}' waits for side effect '{node.call}'{cost} although it fails "
                    "open without it"
                ),
                span=node.span,
                fix=f"enqueue the work on a queue (async hand-off) and let a worker call "
                f"'{node.component}' with retries",
                evidence=f"{node.call}: write, on_failure: fail_open, not async",
            )


@rule(code="OP003", name="queue-without-consumer", severity=Severity.WARNING)
def queue_without_consumer(ctx: RuleContext) -> Iterator[Hit]:
    """Messages are put on a queue that nothing consumes.

    What it checks:
        Queue components that some operation calls (enqueues or publishes to) while no
        operation declares `consumes:` on them and no event on that hub lists consumers.

    Why it matters:
        Operation efficiency: a background job is only useful if it runs. Messages on a
        queue with no consumer pile up until retention deletes them or the broker runs
        out of disk and blocks producers; the work the request handed off never happens.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          jobs: {kind: queue, tech: sqs}
        operations:
          upload:
            rate: 10/s
            calls:
              - api.handle:
                  calls:
                    - jobs.enqueue: {async: true, timeout: 100ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          jobs: {kind: queue, tech: sqs}
          transcoder: {kind: worker, tech: worker}
        operations:
          upload:
            rate: 10/s
            calls:
              - api.handle:
                  calls:
                    - jobs.enqueue: {async: true, timeout: 100ms}
          transcode:
            consumes: jobs
            sync: false
            calls:
              - transcoder.run: {retries: {count: 3, backoff: 1s, jitter: 50%}}

    Evidence:
        The operations that call the queue, and the absence of a consuming operation or
        event consumer.
    """
    design = ctx.design
    consumed = {op.consumes for op in design.operations if op.consumes}
    consumed |= {ev.hub for ev in design.events if ev.hub and ev.consumers}
    producers: dict[str, list[str]] = {}
    for op, node in ctx.all_calls():
        if _kind(design, node) in _HUBS and op.id not in producers.get(node.component, []):
            producers.setdefault(node.component, []).append(op.id)
    for c in design.components:
        if c.kind not in _HUBS or c.id in consumed or c.id not in producers:
            continue
        ops = ", ".join(producers[c.id])
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"queue '{c.id}' receives messages from {ops} but nothing consumes it",
            span=c.span,
            fix=f"add the worker operation that processes it (`consumes: {c.id}`)",
            evidence=f"produced by: {ops}; no `consumes: {c.id}` and no event consumer",
        )


@rule(code="OP004", name="background-job-without-retry-policy", severity=Severity.WARNING)
def background_job_without_retry_policy(ctx: RuleContext) -> Iterator[Hit]:
    """A background job says nothing about what happens when its work fails.

    What it checks:
        Background operations (those that `consumes:` a queue or are `sync: false`) where
        no call has `retries` and no call states `on_failure`.

    Why it matters:
        Operation efficiency: background jobs take slow work off the request path, but
        they fail too — a partner API times out, a row is locked. Without a retry policy
        the work is silently lost, or (with broker redelivery) a poison message is retried
        forever and blocks the queue. State the retries with backoff and where a message
        goes after the last attempt (a dead-letter queue via fail_closed).

    Example:
        components:
          jobs: {kind: queue, tech: sqs}
          mailer: {kind: worker, tech: worker}
          mail: {kind: external, tech: external-api}
        operations:
          send_receipt:
            consumes: jobs
            sync: false
            calls:
              - mailer.run:
                  calls:
                    - mail.send: {timeout: 5s}

    Use instead:
        components:
          jobs: {kind: queue, tech: sqs}
          mailer: {kind: worker, tech: worker}
          mail: {kind: external, tech: external-api}
        operations:
          send_receipt:
            consumes: jobs
            sync: false
            calls:
              - mailer.run:
                  calls:
                    - mail.send:
                        timeout: 5s
                        retries: {count: 5, backoff: 1s, multiplier: 2, jitter: 50%}
                        on_failure: fail_closed
                        rationale: after the last retry the message goes to the dead-letter queue

    Evidence:
        The job's call tree: no `retries` and no `on_failure` on any call.
    """
    for op in ctx.design.operations:
        if not is_background(op):
            continue
        calls = ctx.calls(op)
        if any(n.retries is not None and n.retries.count > 0 for n in calls):
            continue
        if any(n.on_failure is not None for n in calls):
            continue
        source = f"consumes '{op.consumes}'" if op.consumes else "sync: false"
        yield Hit(
            element=ElementRef.operation(op.id),
            message=f"background job '{op.id}' has no retry or failure policy on any call",
            span=op.span,
            fix="add retries with backoff to the calls that can fail, and say where a "
            "message goes after the last attempt (fail_closed to a dead-letter queue)",
            evidence=f"{source}; {len(calls)} call(s), none with retries or on_failure",
        )


@rule(code="OP005", name="side-effects-after-commit-on-sync-path", severity=Severity.INFO)
def side_effects_after_commit(ctx: RuleContext) -> Iterator[Hit]:
    """A synchronous operation performs several more side effects after its database write.

    What it checks:
        In user-facing (sync) operations, on any execution path: after the first write to a
        database (the commit that makes the request useful), more than one further
        synchronous write to other components that are not caches or queues.

    Why it matters:
        Operation efficiency: split out the minimum work needed to do something useful.
        Once the order, the post or the link is committed, the user can get the answer;
        notifications, counters and syncs to other systems added after it make the
        request as slow and as fragile as the slowest of them. Publish one event or
        enqueue one job after the commit and let workers do the rest.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          crm: {kind: external, tech: external-api}
          search: {kind: search_index, tech: opensearch, recovery: reindex from db}
        operations:
          place_order:
            rate: 20/s
            calls:
              - api.handle:
                  calls:
                    - db.insert: {timeout: 200ms}
                    - search.index: {timeout: 500ms, write: true}
                    - crm.update: {timeout: 2s}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          outbox: {kind: queue, tech: kafka}
        operations:
          place_order:
            rate: 20/s
            calls:
              - api.handle:
                  calls:
                    - db.insert: {timeout: 200ms}
                    - outbox.publish: {async: true, timeout: 50ms}

    Evidence:
        The execution order of the operation's calls and which of them write.
    """
    design = ctx.design
    for op in design.operations:
        if is_background(op):
            continue
        worst: list[CallNode] = []
        for path in execution_paths(op.calls):
            extra = _after_commit(design, path)
            if len(extra) > len(worst):
                worst = extra
        if len(worst) <= MAX_SIDE_EFFECTS_AFTER_COMMIT:
            continue
        names = ", ".join(n.call for n in worst)
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(
                f"'{op.id}' makes {len(worst)} more synchronous side effects after its "
                f"database write ({names})"
            ),
            span=worst[0].span,
            fix="respond after the commit; publish one event or enqueue one job and let "
            "workers do the rest",
            evidence=f"sync writes after the commit: {names}",
        )


def _after_commit(design: Design, path: list[CallNode]) -> list[CallNode]:
    """Sync writes to other non-cache, non-queue components after the first database write."""
    committed: str | None = None
    extra: list[CallNode] = []
    for node in path:
        kind = _kind(design, node)
        if committed is None:
            if kind in _RELATIONAL and node.is_write and not node.async_:
                committed = node.component
            continue
        if node.async_ or not node.is_write or node.component == committed:
            continue
        if kind is not None and kind not in _CHEAP_KINDS:
            extra.append(node)
    return extra


# --------------------------------------------------------------------------- capacity


def edge_nodes(op: Operation, capacity: CapacityResult) -> list[tuple[EdgeLoad, CallNode]]:
    """The capacity pass's edges of `op`, each with its call node (for spans and settings).

    Empty when the two do not line up (a capacity result of another design version)."""
    loads = capacity.edges_of(op.id)
    nodes = list(tree(op.calls))
    if len(loads) != len(nodes) or any(e.path != p for e, (p, _) in zip(loads, nodes, strict=True)):
        return []
    return [(e, node) for e, (_, node) in zip(loads, nodes, strict=True)]


def _growth_move(capacity: CapacityResult, load: ComponentLoad, pool: PoolLoad) -> str:
    """The standard move for a pool over target at today's peak, from the growth plan."""
    step = next((s for s in capacity.growth if abs(s.factor - 1.0) < 1e-9), None)
    need = next((n for n in step.needs if n.component == load.id), None) if step else None
    if need is not None and need.move:
        why = f"; {need.limit}" if need.limit else ""
        return f"{need.move} (the growth plan at 1x: {need.change}{why})"
    if need is not None and need.change:
        return f"the growth plan at 1x: {need.change} (ρ ≤ {SIZING_TARGET:.0%})"
    rho = pool.utilization.value
    if rho is not None and pool.instances > 0:
        needed = math.ceil(pool.instances * rho / SIZING_TARGET - 1e-9)
        return (
            f"{needed} instances instead of {pool.instances} in pool '{pool.name}' "
            f"(⌈n·ρ/{SIZING_TARGET}⌉), or more concurrency per instance"
        )
    return f"add replicas or concurrency per replica until ρ ≤ {sig(SIZING_TARGET, 6)}"


def _pool_label(load: ComponentLoad, pool: PoolLoad) -> str:
    return f"'{load.id}'" if pool.name == "all" else f"'{load.id}' ({pool.name})"


def _rho_evidence(pool: PoolLoad) -> str:
    u = pool.utilization
    inputs = inputs_text(u.inputs)
    shown = "≥ 1" if u.value is None else f"{u.value:.2f}"
    return f"ρ {shown}: {u.formula}" + (f"; {inputs}" if inputs else "")


def _saturated(capacity: CapacityResult) -> set[str]:
    return {c.id for c in capacity.components if any(p.status == "saturated" for p in c.pools)}


def _waits_on(capacity: CapacityResult, component: str, among: set[str]) -> list[str]:
    """The components in `among` that `component` calls synchronously (it holds a server
    while they answer, so their overload inflates its utilization)."""
    return sorted(
        {e.callee for e in capacity.edges if e.caller == component and e.sync} & among - {component}
    )


@rule(
    code="OP006",
    name="component-saturated-at-peak",
    severity=Severity.ERROR,
    needs=("capacity",),
)
def component_saturated_at_peak(ctx: RuleContext) -> Iterator[Hit]:
    """A component cannot serve the design's peak load: its utilization is 1 or more.

    What it checks:
        Every pool of servers (a component, or a database's primary / replicas) that the
        capacity pass finds saturated at peak: offered load a = Σ λ × E[H] at or above
        its servers (instances × concurrency). A component that calls a saturated one
        synchronously is not reported: its workers are held waiting on the callee, which
        is reported, naming it.

    Why it matters:
        Operation efficiency and capacity: with ρ ≥ 1 work arrives faster than it is
        done, the queue grows without bound, every request times out, and the callers'
        workers pile up waiting for it — the outage spreads upstream. The design does not
        work at the load it states.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          db:
            kind: database
            tech: postgresql
            concurrency: 4
            work: {read: 10ms, write: 10ms}
            recovery: PITR backups
        operations:
          browse:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 500ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          db:
            kind: database
            tech: postgresql
            concurrency: 4
            read_replicas: 2
            work: {read: 10ms, write: 10ms}
            recovery: PITR backups
        operations:
          browse:
            rate: 500/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 500ms}

    Evidence:
        The capacity pass's utilization of the pool, ρ = a / (instances × concurrency)
        with its inputs, at the design's peak load; the move comes from the growth plan
        at 1x (replicas needed for ρ ≤ 0.7, or why replicas cannot help).
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    saturated = _saturated(capacity)
    for load in capacity.components:
        roots = [p for p in load.pools if p.status == "saturated" and not p.held_by]
        component = ctx.design.component_map.get(load.id)
        if not roots or component is None or _waits_on(capacity, load.id, saturated):
            continue
        pool = max(roots, key=lambda p: p.utilization.value or math.inf)
        held = [c for c in sorted(saturated) if load.id in _waits_on(capacity, c, saturated)]
        stalled = f"; its callers {', '.join(held)} back up behind it" if held else ""
        offered = pool.offered_load.value
        demand = f"{offered:,.1f} erlangs offered" if offered is not None else "the load"
        yield Hit(
            element=ElementRef.component(load.id),
            message=(
                f"{_pool_label(load, pool)} is saturated at peak: {demand} "
                f"({pool.arrival_rate.value or 0.0:,.1f} calls/s) on {pool.servers} "
                f"servers{stalled}"
            ),
            span=component.span,
            fix=_growth_move(capacity, load, pool),
            evidence=_rho_evidence(pool),
        )


@rule(
    code="OP007",
    name="component-near-saturation",
    severity=Severity.WARNING,
    needs=("capacity",),
)
def component_near_saturation(ctx: RuleContext) -> Iterator[Hit]:
    """A component runs at 85% utilization or more at peak: little headroom left.

    What it checks:
        Every pool of servers the capacity pass finds at ρ ≥ 0.85 but below 1 at the
        design's peak load. Saturated components are OP006's, and a component that
        calls a hot or saturated one synchronously is not reported (its workers wait on
        the callee, which is reported, naming it — size the callee first).

    Why it matters:
        Operation efficiency and capacity: queueing delay grows as 1 / (1 − ρ); at 85% a
        small burst, a slow deploy or one lost replica pushes the pool over 1, and the
        tail latency already climbs steeply. Peak is when the system must have headroom,
        not when it is used up.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          db:
            kind: database
            tech: postgresql
            concurrency: 4
            work: {read: 10ms, write: 10ms}
            recovery: PITR backups
        operations:
          browse:
            rate: 360/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 500ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          db:
            kind: database
            tech: postgresql
            concurrency: 4
            read_replicas: 1
            work: {read: 10ms, write: 10ms}
            recovery: PITR backups
        operations:
          browse:
            rate: 360/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 500ms}

    Evidence:
        The capacity pass's utilization of the pool, ρ = a / (instances × concurrency)
        with its inputs, at the design's peak load, and the growth plan at 1x.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    saturated = _saturated(capacity)
    hot: dict[str, PoolLoad] = {}
    for load in capacity.components:
        pools = [p for p in load.pools if (p.utilization.value or 0.0) >= NEAR_SATURATION]
        if load.id not in saturated and pools:
            hot[load.id] = max(pools, key=lambda p: p.utilization.value or 0.0)
    for load in capacity.components:
        pool = hot.get(load.id)
        component = ctx.design.component_map.get(load.id)
        # A caller of a hot callee waits on it: size the callee first (as the growth plan).
        if pool is None or component is None or _waits_on(capacity, load.id, saturated | {*hot}):
            continue
        rho = pool.utilization.value or 0.0
        callers = [c for c in sorted(hot) if load.id in _waits_on(capacity, c, {*hot})]
        waiting = f"; {', '.join(callers)} wait(s) on it and run hot too" if callers else ""
        yield Hit(
            element=ElementRef.component(load.id),
            message=(
                f"{_pool_label(load, pool)} runs at {rho:.0%} utilization at peak: "
                f"{1.0 / rho - 1.0:.0%} more load saturates it{waiting}"
            ),
            span=component.span,
            fix=_growth_move(capacity, load, pool),
            evidence=_rho_evidence(pool),
        )


def _tail_share(edge: EdgeLoad, x: float) -> float | None:
    """P(R > x) for the edge's response R: the lognormal fitted to its mean and variance."""
    mean = edge.mean_response.value
    var = edge.mean_response.inputs.get("variance")
    if mean is None or not isinstance(var, float) or mean <= 0:
        return None
    if var <= 0:
        return 1.0 if mean > x else 0.0
    s2 = math.log1p(var / (mean * mean))
    mu = math.log(mean) - s2 / 2.0
    return 0.5 * math.erfc((math.log(x) - mu) / math.sqrt(2.0 * s2))


def _is_purpose(ctx: RuleContext, op: Operation, node: CallNode) -> bool:
    """The step is what the request exists for: a money call to a third party (a payment's
    charge or a ride's card pre-authorization). Its answer is the response, so it cannot
    move to a worker, be cached or be hedged (a second charge in flight is what
    idempotency keys prevent): the SLO is sized for it, not the other way round."""
    kind = _kind(ctx.design, node)
    return kind is not None and traits(kind).third_party and _moves_money(node)


def _slo_met(capacity: CapacityResult, op: Operation, percentile: str) -> bool:
    result = capacity.operation(op.id)
    check = result.check(percentile) if result is not None else None
    return check is not None and check.status == SloStatus.MET


@rule(
    code="OP008",
    name="sync-step-dominates-slo",
    severity=Severity.WARNING,
    needs=("capacity",),
)
def sync_step_dominates_slo(ctx: RuleContext) -> Iterator[Hit]:
    """One synchronous call's tail alone takes more than half the operation's latency budget.

    What it checks:
        In user-facing (sync) operations with a p99 (else p95) SLO, each synchronous call
        that makes no further synchronous calls (a caller's response includes its
        callees', so only leaves are judged) whose p99 response, from the capacity pass,
        is more than 50% of the SLO — and that runs often enough for its tail to set the
        operation's: P(the call runs) × P(its response > SLO / 2) above 1% (5% for p95).
        Not reported: operations with no other synchronous step (nothing else shares the
        budget), calls OP001 already reports (mean service time ≥ 30% of the SLO), and a
        money call to a third party the request exists to make (a charge) when its p99
        fits inside the SLO or the operation meets it: the SLO was sized for it.

    Why it matters:
        Operation efficiency: separate fast and slow work. When one step's slow tail eats
        most of the budget, everything else — queueing elsewhere, a retry, one slow query
        — pushes the operation over its SLO. Move the step off the request path (a
        queue and a worker, or respond 202 and finish asynchronously), cache its result,
        hedge it, or state the SLO the step really allows.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          crm:
            kind: external
            tech: external-api
            work: {update: {lognormal: {p50: 40ms, p99: 400ms}}}
        operations:
          place_order:
            rate: 5/s
            slo: {p99: 500ms}
            calls:
              - api.handle:
                  calls:
                    - db.write: {timeout: 200ms}
                    - crm.update: {timeout: 1s, on_failure: fail_closed}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          jobs: {kind: queue, tech: sqs}
          syncer: {kind: worker, tech: worker}
          crm:
            kind: external
            tech: external-api
            work: {update: {lognormal: {p50: 40ms, p99: 400ms}}}
        operations:
          place_order:
            rate: 5/s
            slo: {p99: 500ms}
            calls:
              - api.handle:
                  calls:
                    - db.write: {timeout: 200ms}
                    - jobs.enqueue: {async: true, timeout: 100ms, on_failure: fail_closed}
          sync_crm:
            consumes: jobs
            sync: false
            calls:
              - syncer.run:
                  calls:
                    - crm.update: {timeout: 2s, retries: {count: 3, backoff: 1s, jitter: 50%}}

    Evidence:
        The capacity pass's p99 response of the call (lognormal fit of its mean and
        variance, queueing included) against the operation's p99 (or p95) SLO.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    for op in ctx.design.operations:
        objective = latency_objective(op)
        if is_background(op) or objective is None or not objective.stated:
            continue
        budget, label = objective.target, objective.percentile
        tail = 0.01 if label == "p99" else 0.05
        slo = objective.seconds
        pairs = edge_nodes(op, capacity)
        steps = [(e, n) for e, n in pairs if e.sync and not n.async_]
        for edge, node in steps:
            share = edge.share_of_slo.value
            if share is None or share <= DOMINANT_SHARE + 1e-9 or len(steps) < 2:
                continue
            fits = (edge.p99_response.value or math.inf) <= slo
            if _is_purpose(ctx, op, node) and (fits or _slo_met(capacity, op, label)):
                # the SLO was sized for the step the request exists to make; when the step
                # fits inside it and the operation still misses, the cause is elsewhere
                # (OP009 and the saturated pool say where)
                continue
            if any(not child.async_ for child in direct_calls(node.calls)):
                continue
            mean = mean_time_s(ctx, node)
            if mean is not None and mean >= slo * float(SLOW_SHARE):
                continue  # OP001 reports it
            over = _tail_share(edge, slo * DOMINANT_SHARE)
            runs = min(1.0, edge.calls_per_request.value or 0.0)
            if over is None or runs * over <= tail:
                continue
            p99 = edge.p99_response.value or 0.0
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{node.call}' alone takes {seconds_text(p99)} at p99, {share:.0%} of "
                    f"'{op.id}' {label} SLO of {budget}: the rest of the request has "
                    f"{seconds_text(max(0.0, slo - p99))}"
                ),
                span=node.span,
                fix="take it off the request path (queue + worker, or respond 202 and finish "
                "asynchronously), cache or hedge it, or set the SLO the step allows and "
                "accept this finding with that reason",
                evidence=(
                    f"p99 response {seconds_text(p99)} (lognormal fit of its mean and variance); "
                    f"{label} SLO {budget}; runs on {runs:.0%} of requests; "
                    f"P(response > {seconds_text(slo / 2)}) = {over:.1%}"
                ),
            )
