"""OP rules: operation efficiency.

Separate fast from slow work: a user-facing request does the minimum that makes it
useful and hands the rest to background jobs, which in turn need a retry story and a
consumer.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from itertools import islice

from archproof.catalog import service_time
from archproof.model import CallItem, CallNode, ComponentKind, Design, OneOf, Operation
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import Hit, Severity
from archproof.passes.review.rule import rule

# A single step using this share of the operation's p99 budget on average is "slow".
SLOW_SHARE = Fraction(3, 10)
# More side effects than this after the commit is more than the minimum.
MAX_SIDE_EFFECTS_AFTER_COMMIT = 1
# Cap on the execution paths enumerated through one_of branches.
_MAX_PATHS = 256
# Targets that are part of the hand-off or cheap best-effort bookkeeping, not extra work.
_CHEAP_KINDS = frozenset({ComponentKind.CACHE, ComponentKind.QUEUE, ComponentKind.LOAD_BALANCER})


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


def execution_paths(items: tuple[CallItem, ...]) -> Iterator[list[CallNode]]:
    """Execution sequences of a call tree, one per combination of one_of branches."""
    sequences: list[list[CallNode]] = [[]]
    for item in items:
        if isinstance(item, OneOf):
            options = [p for b in item.one_of for p in islice(execution_paths(b.calls), _MAX_PATHS)]
        else:
            options = [[item, *rest] for rest in islice(execution_paths(item.calls), _MAX_PATHS)]
        sequences = [s + o for s in sequences for o in options][:_MAX_PATHS]
    yield from sequences


def _kind(design: Design, node: CallNode) -> ComponentKind | None:
    component = design.component_map.get(node.component)
    return component.kind if component is not None else None


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3g} ms"


@rule(code="OP001", name="slow-step-in-sync-operation", severity=Severity.WARNING)
def slow_step_in_sync_operation(ctx: RuleContext) -> Iterator[Hit]:
    """One step of a synchronous operation takes a large share of its latency budget.

    What it checks:
        In user-facing (sync) operations with a p99 (else p95) SLO, every call that is not
        an async hand-off whose own mean service time is at least 30% of that SLO.

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
        if is_background(op) or op.slo is None:
            continue
        budget = op.slo.p99 or op.slo.p95
        if budget is None:
            continue
        label = "p99" if op.slo.p99 is not None else "p95"
        limit = float(budget.seconds * SLOW_SHARE)
        for node in ctx.calls(op):
            mean = mean_time_s(ctx, node)
            if node.async_ or mean is None or mean < limit:
                continue
            share = mean / float(budget.seconds)
            yield Hit(
                element=f"operation:{op.id}",
                message=(
                    f"'{node.call}' takes {_ms(mean)} on average, {share:.0%} of "
                    f"'{op.id}' {label} SLO of {budget}"
                ),
                span=node.span,
                fix="if the response does not need its result, enqueue it for a background "
                "worker; otherwise split out the minimum the response needs",
                evidence=f"mean service time {_ms(mean)}; {label} SLO {budget}",
            )


@rule(code="OP002", name="fire-and-forget-side-effect-on-sync-path", severity=Severity.WARNING)
def fire_and_forget_side_effect(ctx: RuleContext) -> Iterator[Hit]:
    """A synchronous operation waits for a side effect whose failure it ignores.

    What it checks:
        In user-facing (sync) operations, calls that write (have a side effect), fail open
        (`on_failure: fail_open`: the response does not depend on them), are not async
        hand-offs, and go to a component other than a cache or queue.

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
            mean = mean_time_s(ctx, node)
            cost = f" (~{_ms(mean)} on average)" if mean is not None else ""
            yield Hit(
                element=f"operation:{op.id}",
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
        if _kind(design, node) is ComponentKind.QUEUE and op.id not in producers.get(
            node.component, []
        ):
            producers.setdefault(node.component, []).append(op.id)
    for c in design.components:
        if c.kind is not ComponentKind.QUEUE or c.id in consumed or c.id not in producers:
            continue
        ops = ", ".join(producers[c.id])
        yield Hit(
            element=f"component:{c.id}",
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
            element=f"operation:{op.id}",
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
            element=f"operation:{op.id}",
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
            if kind is ComponentKind.DATABASE and node.is_write and not node.async_:
                committed = node.component
            continue
        if node.async_ or not node.is_write or node.component == committed:
            continue
        if kind is not None and kind not in _CHEAP_KINDS:
            extra.append(node)
    return extra
