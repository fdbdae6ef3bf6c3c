"""EV rules on how events get delivered: a write and its event kept in agreement, failed
messages retried later and then parked, the order consumers need actually kept, and
delivery guarantees that match the data.

EV007 at-most-once delivery for durable data; EV008 dual write without an outbox; EV009
redelivery immediate, unbounded or without a dead-letter queue; EV010 ordering that the
hub cannot keep (per key without a partition key, total order at high volume); EV011 a hub
of its own for a trickle of events.
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import Design, Event, Operation
from archproof.model.traits import enqueues, traits
from archproof.passes.lower import peak_rate as lowered_peak_rate
from archproof.passes.review.calltree import durable_writes, edges, writes
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.events import HIGH_VOLUME
from archproof.passes.review.rules.failure import per_second
from archproof.passes.review.rules.operations import mean_time_s
from archproof.policy import SLOW_JOB, TRICKLE_EVENTS


def _is(design: Design, component: str, trait: str) -> bool:
    found = design.component_map.get(component)
    return found is not None and bool(getattr(traits(found.kind), trait))


def _producers(design: Design, event: Event) -> list[Operation]:
    return [
        op
        for op in design.operations
        if event.hub and any(e.node.component == event.hub and writes(e.node) for e in edges(op))
    ]


@rule(code="EV007", name="at-most-once-for-durable-data", severity=Severity.WARNING)
def at_most_once_for_durable_data(ctx: RuleContext) -> Iterator[Hit]:
    """Data the system promises to keep travels on an at-most-once event.

    What it checks:
        Events with `delivery: at_most_once` whose consumers write a store of record
        while the design states a durability target, or that a critical operation
        publishes.

    Why it matters:
        Event management and durability: at-most-once means a message is dropped whenever a
        consumer crashes after receiving it or the broker fails over — by design. For
        presence and typing indicators that is right; for orders, payments or anything
        the durability SLO covers, every lost message is lost data that no retry brings
        back. Use at-least-once delivery with idempotent consumers.

    Example:
        requirements:
          slos: {durability: 99.999999%}
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          ledger: {kind: worker, tech: worker}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          order:
            rate: 50/s
            calls: [api.handle, bus.publish: {async: true}]
          record:
            consumes: bus
            sync: false
            calls:
              - ledger.run:
                  calls: [db.insert: {timeout: 1s, idempotent: true}]
        events:
          order_placed:
            hub: bus
            producers: [api]
            consumers: [ledger]
            delivery: at_most_once

    Use instead:
        requirements:
          slos: {durability: 99.999999%}
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          ledger: {kind: worker, tech: worker}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          order:
            rate: 50/s
            calls: [api.handle, bus.publish: {async: true}]
          record:
            consumes: bus
            sync: false
            calls:
              - ledger.run:
                  calls: [db.insert: {timeout: 1s, idempotent: true}]
        events:
          order_placed:
            hub: bus
            producers: [api]
            consumers: [ledger]
            delivery: at_least_once
            idempotent_consumers: true

    Evidence:
        The event's `delivery`, the durability SLO, the consumers' writes and whether a
        producing operation is critical.
    """
    design = ctx.design
    durability = design.requirements.slos.durability
    for event in design.events:
        if event.delivery != "at_most_once" or event.hub is None:
            continue
        consumers = [op for op in design.operations if op.consumes == event.hub]
        stored = [e.node.call for op in consumers for e in durable_writes(design, op)]
        critical = [op.id for op in _producers(design, event) if op.critical]
        if not critical and not (durability is not None and stored):
            continue
        why = (
            f"critical {', '.join(critical)} publishes it"
            if critical
            else f"its consumers store it ({', '.join(stored[:3])}) under a {durability} "
            "durability target"
        )
        yield Hit(
            element=ElementRef.event(event.id),
            message=f"'{event.id}' is delivered at most once but {why}: a consumer crash or "
            "a failover drops messages for good",
            span=event.span,
            fix="use `delivery: at_least_once` with idempotent consumers "
            "(`idempotent_consumers: true`)",
            evidence=f"delivery at_most_once; {why}",
        )


@rule(code="EV008", name="dual-write-without-outbox", severity=Severity.WARNING)
def dual_write_without_outbox(ctx: RuleContext) -> Iterator[Hit]:
    """An operation writes its store and publishes an event as two separate writes.

    What it checks:
        Operations that write a store of record (synchronously) and put a message on a
        queue or event hub (an async hand-off, or a synchronous publish that waits for the
        broker's ack: `model.traits.enqueues`) with `publish` unset or `direct`. With `publish`
        unset, not reported when the publish fails open with a stated `fallback` (losing
        the message is tolerated and something repairs it); an explicit `direct` is.

    Why it matters:
        Event management: the database commit and the publish cannot be atomic. If the
        process dies or the broker is down between the two, the order exists but nobody
        is told (or, publishing first, consumers hear of an order that was rolled back).
        A transactional outbox (the event is a row in the same transaction, relayed to the
        hub) or change data capture from the store's log make the two agree.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          bus: {kind: queue, tech: kafka}
        operations:
          place_order:
            rate: 20/s
            calls:
              - api.handle:
                  calls:
                    - db.insert: {timeout: 200ms, on_failure: fail_closed}
                    - bus.publish: {async: true, timeout: 50ms, on_failure: fail_closed}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          bus: {kind: queue, tech: kafka}
        operations:
          place_order:
            rate: 20/s
            publish: outbox
            calls:
              - api.handle:
                  calls:
                    - db.insert: {timeout: 200ms, on_failure: fail_closed}
                    - bus.publish: {async: true, timeout: 50ms, on_failure: fail_closed}

    Evidence:
        The operation's synchronous writes to stores of record, the calls that put a
        message on a hub, and `publish`.
    """
    design = ctx.design
    for op in design.operations:
        if op.publish in ("outbox", "cdc"):
            continue
        stored = durable_writes(design, op)
        if not stored:
            continue
        for edge in edges(op):
            node = edge.node
            target = design.component_map.get(node.component)
            if target is None or not enqueues(node, target.kind):
                continue
            if op.publish is None and node.on_failure == "fail_open" and node.fallback:
                continue  # losing the message is tolerated, and something repairs it
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{op.id}' writes '{stored[0].node.call}' and publishes "
                    f"'{node.call}' separately: a crash or a broker outage between them "
                    "leaves the store and the event disagreeing"
                ),
                span=node.span,
                fix="write the event to an outbox table in the same transaction and relay "
                "it (`publish: outbox`), or publish from the store's change log "
                "(`publish: cdc`)",
                evidence=f"write {stored[0].node.call}; "
                f"{'async' if node.async_ else 'synchronous'} {node.call}; publish "
                f"{op.publish or 'unset (direct)'}",
            )
            break


@rule(code="EV009", name="redelivery-unbounded-or-immediate", severity=Severity.WARNING)
def redelivery_unbounded_or_immediate(ctx: RuleContext) -> Iterator[Hit]:
    """Failed messages are re-queued at once, forever, or with nowhere to go at the end.

    What it checks:
        Events whose `redelivery` has `delay: 0s` (immediate re-queue), no
        `max_deliveries` (unbounded), or no `dead_letter` queue.

    Why it matters:
        Event management and failure handling: a message that fails because of its content
        (a poison message) fails every time. Re-queued immediately it spins a consumer at
        full speed; redelivered forever it blocks its partition or burns workers; dropped
        after the last attempt it is lost without a trace. Delay the retry (backoff), cap
        the deliveries, and park what is left in a dead-letter queue someone watches.

    Example:
        components:
          jobs: {kind: queue, tech: sqs}
          worker: {kind: worker, tech: worker}
        operations:
          work:
            consumes: jobs
            sync: false
            calls: [worker.process: {idempotent: true}]
        events:
          job:
            hub: jobs
            producers: [worker]
            consumers: [worker]
            idempotent_consumers: true
            redelivery: {delay: 0s}

    Use instead:
        components:
          jobs: {kind: queue, tech: sqs}
          jobs_dlq: {kind: queue, tech: sqs}
          worker: {kind: worker, tech: worker}
        operations:
          work:
            consumes: jobs
            sync: false
            calls: [worker.process: {idempotent: true}]
        events:
          job:
            hub: jobs
            producers: [worker]
            consumers: [worker]
            idempotent_consumers: true
            redelivery: {delay: 30s, max_deliveries: 5, dead_letter: jobs_dlq}

    Evidence:
        The event's `redelivery` settings.
    """
    for event in ctx.design.events:
        spec = event.redelivery
        if spec is None:
            continue
        problems: list[str] = []
        if spec.delay.seconds == 0:
            problems.append("re-queued immediately (delay 0s)")
        if spec.max_deliveries is None:
            problems.append("redelivered without limit (no max_deliveries)")
        if spec.dead_letter is None:
            problems.append("dropped after the last delivery (no dead_letter)")
        if not problems:
            continue
        yield Hit(
            element=ElementRef.event(event.id),
            message=f"failed '{event.id}' messages are {'; '.join(problems)}",
            span=spec.span or event.span,
            fix="redeliver after a delay (backoff, e.g. 30s), cap `max_deliveries`, and "
            "name a `dead_letter` queue with an alert on its depth",
            evidence=f"redelivery: delay {spec.delay}, max_deliveries {spec.max_deliveries}, "
            f"dead_letter {spec.dead_letter}",
        )


@rule(code="EV010", name="event-ordering-not-kept", severity=Severity.WARNING)
def event_ordering_not_kept(ctx: RuleContext) -> Iterator[Hit]:
    """The order an event's consumers need is not one the hub can keep at its volume.

    What it checks:
        Events with `ordering: per_key` and no `partition_key` (nothing keeps one key's
        events on one partition), and events with `ordering: total` at 100 events/s or
        more at peak (one global order is one partition and one consumer).

    Why it matters:
        Event management: hubs order messages within a partition only. Without a
        partition key, two updates of one account land on two partitions and are applied
        in either order; with a total order, all traffic goes through one partition and
        one consumer — the ceiling of the whole flow. Key by the entity whose order
        matters (`partition_key: account_id`) and need order only per key.

    Example:
        components:
          bus: {kind: queue, tech: kafka}
          worker: {kind: worker, tech: worker}
        events:
          balance_changed:
            hub: bus
            producers: [worker]
            consumers: [worker]
            volume: 500/s
            idempotent_consumers: true
            ordering: per_key

    Use instead:
        components:
          bus: {kind: queue, tech: kafka}
          worker: {kind: worker, tech: worker}
        events:
          balance_changed:
            hub: bus
            producers: [worker]
            consumers: [worker]
            volume: 500/s
            idempotent_consumers: true
            ordering: per_key
            partition_key: account_id

    Evidence:
        The event's `ordering`, `partition_key` and peak volume.
    """
    design = ctx.design
    for event in design.events:
        if event.ordering == "per_key" and event.partition_key is None:
            yield Hit(
                element=ElementRef.event(event.id),
                message=f"'{event.id}' needs per-key order but has no partition key: one "
                "key's events spread over partitions and arrive in any order",
                span=event.span,
                fix="set `partition_key:` to the field whose events must stay in order",
                evidence="ordering per_key; partition_key unset",
            )
        elif event.ordering == "total" and event.volume is not None:
            peak = lowered_peak_rate(event.volume.per_second, design.requirements.load)
            if peak < HIGH_VOLUME:
                continue
            yield Hit(
                element=ElementRef.event(event.id),
                message=f"'{event.id}' needs one total order at {per_second(peak)} at peak: "
                "one partition and one consumer carry the whole flow",
                span=event.span,
                fix="need order per key only (`ordering: per_key` with a `partition_key`)",
                evidence=f"ordering total; peak volume {per_second(peak)} ≥ "
                f"{per_second(HIGH_VOLUME)}",
            )


def _feeds_slow_job(ctx: RuleContext, hub: str) -> bool:
    """An operation consumes `hub` and its work takes seconds (a transcode): the queue is
    there for the slowness of the work, not for the volume of events."""
    for op in ctx.design.operations:
        if op.consumes != hub:
            continue
        seconds = 0.0
        for edge in edges(op):
            mean = mean_time_s(ctx, edge.node)
            if mean is not None and not edge.handed_off:
                seconds += mean * float(edge.per_op)
        if seconds >= float(SLOW_JOB):
            return True
    return False


@rule(code="EV011", name="dedicated-hub-for-a-trickle", severity=Severity.WARNING)
def dedicated_hub_for_a_trickle(ctx: RuleContext) -> Iterator[Hit]:
    """A queue or event hub of its own carries a trickle of events to one consumer.

    What it checks:
        Queue / event-hub components that carry exactly one event, with at most one
        consumer and a stated volume under `policy.TRICKLE_EVENTS` (1/s) at peak — unless
        an operation consuming it does slow work (`policy.SLOW_JOB`, 1 s or more a job:
        then it is a work queue, there for the slowness of the work).

    Why it matters:
        Event management: use event hubs judiciously. A broker cluster is a stateful
        system to run, secure, monitor and upgrade; for a few events an hour to one
        consumer it buys nothing a direct call (or a topic on the hub the design already
        runs) does not.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          audit_bus: {kind: queue, tech: kafka}
          notifier: {kind: worker, tech: worker}
        events:
          account_frozen:
            hub: audit_bus
            producers: [api]
            consumers: [notifier]
            volume: 50/day
            idempotent_consumers: true

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          notifier: {kind: service, tech: stateless-service}
        operations:
          freeze_account:
            rate: 50/day
            calls:
              - api.handle:
                  calls: [notifier.notify: {timeout: 1s, on_failure: fail_open}]

    Evidence:
        The events on the hub, their consumers and peak volume.
    """
    design = ctx.design
    for hub in design.components:
        if not traits(hub.kind).message_hub:
            continue
        carried = [e for e in design.events if e.hub == hub.id]
        if len(carried) != 1:
            continue
        event = carried[0]
        if event.volume is None or len(event.consumers) > 1:
            continue
        peak = lowered_peak_rate(event.volume.per_second, design.requirements.load)
        if peak >= TRICKLE_EVENTS or _feeds_slow_job(ctx, hub.id):
            continue
        yield Hit(
            element=ElementRef.component(hub.id),
            message=f"'{hub.id}' runs a hub for '{event.id}' alone, {event.volume} to "
            f"{len(event.consumers) or 'no'} consumer(s): one more stateful system for a "
            "trickle",
            span=hub.span,
            fix="call the consumer directly (with a timeout and retries), or carry the event "
            "on a hub the design already runs",
            evidence=f"one event on '{hub.id}'; peak {per_second(peak)} < "
            f"{per_second(TRICKLE_EVENTS)}",
        )
