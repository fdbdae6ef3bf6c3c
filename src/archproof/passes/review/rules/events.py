"""EV — Event management: event hubs judiciously, direct calls by default, events for
high-volume, non-time-sensitive data; every topic has producers and consumers."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from archproof.model import Design, Event, Operation
from archproof.model.traits import kinds_where, traits
from archproof.numbers import sig
from archproof.passes.lower import peak_rate as lowered_peak_rate
from archproof.passes.review.calltree import edges, is_purpose_write, writes
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.failure import peak_rate, per_second

# Below this many events per second at peak, a direct call is simpler than a hub; at or
# above it, per-request synchronous writes of data nobody waits for belong on a hub.
HIGH_VOLUME = Fraction(100)

# Where "data" is written: stores (databases, object stores, search indexes) and third-party
# APIs (analytics, CRMs). Not caches and hubs (cache fills, events already), and not our
# own services: a push to a gateway or a peer is a live flow, not data at rest.
_DATA_SINKS = kinds_where(lambda t: t.read_source or t.third_party)


def _peak_volume(design: Design, event: Event) -> Fraction | None:
    if event.volume is None:
        return None
    return lowered_peak_rate(event.volume.per_second, design.requirements.load)


def _consumer_ops(design: Design, event: Event) -> list[Operation]:
    return [op for op in design.operations if event.hub and op.consumes == event.hub]


def _producer_calls(design: Design, event: Event) -> list[str]:
    return [
        f"{op.id}: {edge.node.call}"
        for op in design.operations
        for edge in edges(op)
        if event.hub and edge.node.component == event.hub and edge.node.is_write
    ]


@rule(code="EV001", name="event-hub-for-low-volume-flow", severity=Severity.INFO)
def low_volume_hub(ctx: RuleContext) -> Iterator[Hit]:
    """A low-volume flow between two components goes through an event hub.

    What it checks:
        Events with a hub, exactly one producer and one consumer, not time-sensitive, whose
        peak volume (volume × peak factor) is below 100/s.

    Why it matters:
        Event management: use event hubs judiciously and prefer direct API calls. A hub
        between two components at a few events per second buys little — one service could
        call the other — and adds a stateful component to run, lag to watch, redelivery to
        handle and a flow that no stack trace shows.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          mailer: {kind: worker, tech: worker}
        operations:
          signup:
            rate: 2/s
            calls: [api.handle, bus.publish: {async: true}]
        events:
          user_signed_up:
            hub: bus
            producers: [api]
            consumers: [mailer]
            volume: 2/s
            idempotent_consumers: true

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          mailer: {kind: worker, tech: worker}
          stats: {kind: worker, tech: worker}
        operations:
          signup:
            rate: 2/s
            calls: [api.handle, bus.publish: {async: true}]
        events:
          user_signed_up:
            hub: bus
            producers: [api]
            consumers: [mailer, stats]
            volume: 2/s
            idempotent_consumers: true

    Evidence:
        The event's `volume` times `requirements.load.peak_factor`, its producer and
        consumer counts and `time_sensitive`.
    """
    for event in ctx.design.events:
        if event.hub is None or event.time_sensitive:
            continue
        if len(event.producers) != 1 or len(event.consumers) != 1:
            continue
        peak = _peak_volume(ctx.design, event)
        if peak is None or peak >= HIGH_VOLUME:
            continue
        producer, consumer = event.producers[0], event.consumers[0]
        yield Hit(
            element=ElementRef.event(event.id),
            message=(
                f"'{event.id}' carries {per_second(peak)} at peak from '{producer}' to "
                f"'{consumer}' only, through '{event.hub}': a direct call would be simpler"
            ),
            span=event.span,
            fix=(
                f"let '{producer}' call '{consumer}' (or enqueue a background job), or state "
                "why the hub is needed (fan-out planned, buffering) and accept EV001"
            ),
            evidence=f"peak volume {per_second(peak)} < {per_second(HIGH_VOLUME)}; 1 producer, "
            "1 consumer",
        )


@rule(code="EV002", name="time-sensitive-event-through-hub", severity=Severity.WARNING)
def time_sensitive_hub(ctx: RuleContext) -> Iterator[Hit]:
    """A low-volume, time-sensitive flow to a single consumer goes through an event hub.

    What it checks:
        Events with a hub, marked `time_sensitive: true`, with exactly one consumer and a
        peak volume below 100/s (or no stated volume). At high volume a hub can be the
        price of absorbing bursts; below it, it buys nothing a direct call lacks.

    Why it matters:
        Event management: events are for high-volume, non-time-sensitive data. A hub puts
        consumer lag between the producer and the reaction: when the consumer falls behind
        (deploys, rebalances, a spike), time-sensitive events wait in the backlog and nobody
        gets an error. A direct call to the one consumer fails fast and visibly instead.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          fraud: {kind: service, tech: stateless-service}
        operations:
          pay:
            rate: 50/s
            calls: [api.handle, bus.publish: {async: true}]
        events:
          payment_attempted:
            hub: bus
            producers: [api]
            consumers: [fraud]
            volume: 50/s
            time_sensitive: true
            idempotent_consumers: true

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          fraud: {kind: service, tech: stateless-service}
        operations:
          pay:
            rate: 50/s
            calls:
              - api.handle:
                  calls:
                    - fraud.check: {timeout: 200ms, breaker: true, on_failure: fail_closed}

    Evidence:
        `time_sensitive: true`, the hub, the single consumer and the peak volume (volume ×
        peak factor) of the event.
    """
    for event in ctx.design.events:
        if event.hub is None or not event.time_sensitive or len(event.consumers) != 1:
            continue
        peak = _peak_volume(ctx.design, event)
        if peak is not None and peak >= HIGH_VOLUME:
            continue
        consumer = event.consumers[0]
        volume = f"peak volume {per_second(peak)}" if peak is not None else "no volume stated"
        yield Hit(
            element=ElementRef.event(event.id),
            message=(
                f"'{event.id}' is time-sensitive but reaches its one consumer '{consumer}' "
                f"through '{event.hub}': consumer lag delays it silently"
            ),
            span=event.span,
            fix=f"call '{consumer}' directly with a timeout, or drop `time_sensitive`",
            evidence=f"time_sensitive: true; hub '{event.hub}'; 1 consumer; {volume}",
        )


@rule(code="EV003", name="high-volume-data-sent-synchronously", severity=Severity.WARNING)
def high_volume_sync(ctx: RuleContext) -> Iterator[Hit]:
    """A user-facing request synchronously writes high-volume data it does not need.

    What it checks:
        In synchronous operations, write calls that are not async hand-offs, that fail open
        (so the request does not need them to succeed), to a store (database, object store,
        search index) or a third-party API, made at 100/s or more at peak. Pushes to our own
        services (a live co-editing fan-out, a gateway) and writes to a consumer of a
        `time_sensitive` event are someone's live view, not data nobody waits for; the
        operation's only durable write is its purpose (FH011 judges failing open on it).

    Why it matters:
        Event management: events are for high-volume, non-time-sensitive data. A write the
        request can do without (analytics, audit trails, counters, activity feeds) still
        adds its latency to every request and its failures to the caller's worker pool when
        it is made inline. Publishing an event (or enqueueing a job) returns in a
        millisecond and lets a worker batch the writes.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          db: {kind: database, tech: postgresql, read_replicas: 2}
          analytics: {kind: database, tech: postgresql}
        operations:
          view_page:
            rate: 2k/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 100ms, on_failure: fail_closed}
                    - analytics.insert:
                        timeout: 50ms
                        on_failure: fail_open
                        fallback: drop the page view

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          views: {kind: queue, tech: kafka}
          analytics: {kind: database, tech: postgresql}
          loader: {kind: worker, tech: worker}
        operations:
          view_page:
            rate: 2k/s
            calls:
              - api.handle:
                  calls:
                    - views.enqueue:
                        async: true
                        timeout: 20ms
                        on_failure: fail_open
                        fallback: drop the page view
          load_views:
            consumes: views
            sync: false
            calls:
              - loader.batch:
                  calls:
                    - analytics.insert: {p: 1%, timeout: 1s, idempotent: true}

    Evidence:
        The operation's peak rate times the call's probability and repeat count, and the
        call's `on_failure: fail_open`.
    """
    live = {c for e in ctx.design.events if e.time_sensitive for c in (*e.consumers, e.hub)}
    for op in ctx.design.operations:
        if not op.sync:
            continue
        rate = peak_rate(ctx.design, op)
        if rate is None:
            continue
        for edge in edges(op):
            node = edge.node
            if node.async_ or node.on_failure != "fail_open" or not node.is_write:
                continue
            component = ctx.design.component_map.get(node.component)
            if component is None or component.kind not in _DATA_SINKS:
                continue
            if node.component in live:
                continue  # a time-sensitive flow (live fan-out): someone waits for it
            if is_purpose_write(ctx.design, op, node):
                continue  # the operation's purpose, not data on the side (FH011)
            calls = rate * edge.per_op
            if calls < HIGH_VOLUME:
                continue
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{op.id}' writes '{node.call}' inline at {per_second(calls)} at peak "
                    "although it fails open without it: high-volume data nobody waits for"
                ),
                span=node.span,
                fix=(
                    "publish an event / enqueue a job (`async: true` on a queue) and let a "
                    "worker batch the writes"
                ),
                evidence=(
                    f"{per_second(rate)} peak × {sig(float(edge.per_op), 6)} calls per request = "
                    f"{per_second(calls)} ≥ {per_second(HIGH_VOLUME)}; on_failure fail_open"
                ),
            )


def _outside_effects(ctx: RuleContext, op: Operation) -> list[str]:
    """What a repeat of `op` does that no approximate figure absorbs: it is critical, or it
    calls a third party (a second e-mail, a second charge) without an idempotency guard."""
    if op.idempotency_key is not None:
        return []
    found = [f"critical {op.id}"] if op.critical else []
    for edge in edges(op):
        component = ctx.design.component_map.get(edge.node.component)
        third_party = component is not None and traits(component.kind).third_party
        if third_party and edge.node.idempotent is not True:
            found.append(f"{op.id}: {edge.node.call}")
    return found


def _duplicates_harmful(ctx: RuleContext, op: Operation) -> bool:
    """Whether redelivering a message to `op` can repeat a side effect."""
    if op.idempotency_key is not None:
        return False
    for edge in edges(op):
        node = edge.node
        if not writes(node) or node.idempotent is True:
            continue
        component = ctx.design.component_map.get(node.component)
        if component is not None and traits(component.kind).cache:
            continue
        return True
    return False


@rule(code="EV004", name="at-least-once-consumer-not-idempotent", severity=Severity.WARNING)
def consumer_not_idempotent(ctx: RuleContext) -> Iterator[Hit]:
    """Consumers of an at-least-once topic do not de-duplicate redelivered events.

    What it checks:
        Events with `delivery: at_least_once` and consumers, with `idempotent_consumers`
        false. Left unset, it is inferred: not reported when every operation consuming the
        hub is idempotent by the model (an `idempotency_key`, or all its writes — a
        `search.index` or an upsert counts — marked `idempotent: true` or to caches). An
        explicit `idempotent_consumers: false` is the author's word and reported, unless the
        event says `accuracy: approximate`: its consumers compute counts, rankings or
        sketches that a repeated event moves within their error. Such an event is still
        reported when a consumer is critical or calls a third party without `idempotent:
        true` — a repeat there is a second e-mail or charge, not a count off by one.

    Why it matters:
        Robust event handling. At-least-once hubs redeliver after consumer crashes,
        rebalances and visibility timeouts; a consumer that applies the same event twice
        double-counts, double-sends or double-charges. Idempotency keys make repeats safe.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          mailer: {kind: worker, tech: worker}
          billing: {kind: worker, tech: worker}
        operations:
          order:
            rate: 200/s
            calls: [api.handle, bus.publish: {async: true}]
        events:
          order_placed:
            hub: bus
            producers: [api]
            consumers: [mailer, billing]
            volume: 200/s
            delivery: at_least_once

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          mailer: {kind: worker, tech: worker}
          billing: {kind: worker, tech: worker}
        operations:
          order:
            rate: 200/s
            calls: [api.handle, bus.publish: {async: true}]
        events:
          order_placed:
            hub: bus
            producers: [api]
            consumers: [mailer, billing]
            volume: 200/s
            delivery: at_least_once
            idempotent_consumers: true

    Evidence:
        `delivery: at_least_once`, `idempotent_consumers: false`, and the writes of the
        operations that consume the hub.
    """
    for event in ctx.design.events:
        if event.delivery != "at_least_once" or event.idempotent_consumers:
            continue
        if not event.consumers:
            continue
        ops = _consumer_ops(ctx.design, event)
        if event.accuracy == "approximate":
            # A repeated event moves an approximate count by one, inside its error; only an
            # effect outside that figure still repeats.
            outside = [effect for op in ops for effect in _outside_effects(ctx, op)]
            if outside:
                yield Hit(
                    element=ElementRef.event(event.id),
                    message=(
                        f"'{event.id}' is delivered at least once and declared approximate, "
                        f"but a redelivery repeats more than a count ({', '.join(outside)})"
                    ),
                    span=event.span,
                    fix=(
                        "de-duplicate in those consumers (event id as idempotency key) and "
                        "set `idempotent_consumers: true`"
                    ),
                    evidence="delivery at_least_once; accuracy approximate; " + "; ".join(outside),
                )
            continue
        said = "idempotent_consumers" in event.model_fields_set  # an explicit `false`
        if ops and not said and not any(_duplicates_harmful(ctx, op) for op in ops):
            continue
        unsafe = [op.id for op in ops if _duplicates_harmful(ctx, op)]
        shown = f" (non-idempotent writes in {', '.join(unsafe)})" if unsafe else ""
        yield Hit(
            element=ElementRef.event(event.id),
            message=(
                f"'{event.id}' is delivered at least once but its consumers "
                f"({', '.join(event.consumers)}) do not de-duplicate{shown}: redeliveries "
                "repeat their side effects"
            ),
            span=event.span,
            fix=(
                "make consumers idempotent (event id as idempotency key, upserts) and set "
                "`idempotent_consumers: true`"
            ),
            evidence="delivery at_least_once; idempotent_consumers false",
        )


@rule(code="EV005", name="event-without-consumer", severity=Severity.WARNING)
def event_without_consumer(ctx: RuleContext) -> Iterator[Hit]:
    """An event is published but nothing consumes it.

    What it checks:
        Events with no `consumers`, unless the event is the only one on its hub and an
        operation `consumes` that hub. On a hub shared with other events, an operation
        consuming the hub says nothing about who reads this one.

    Why it matters:
        Event management: a hub is justified by the consumers that need the data. A topic
        nobody reads costs producer latency, broker storage and retention, and often hides
        a forgotten half of a feature.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
        operations:
          order:
            rate: 200/s
            calls: [api.handle, bus.publish: {async: true}]
        events:
          order_placed: {hub: bus, producers: [api], volume: 200/s}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          mailer: {kind: worker, tech: worker}
        operations:
          order:
            rate: 200/s
            calls: [api.handle, bus.publish: {async: true}]
        events:
          order_placed:
            hub: bus
            producers: [api]
            consumers: [mailer]
            volume: 200/s
            idempotent_consumers: true

    Evidence:
        The event's empty `consumers` and no operation with `consumes:` on its hub.
    """
    for event in ctx.design.events:
        if event.consumers:
            continue
        shared = any(e.hub == event.hub and e.id != event.id for e in ctx.design.events)
        if _consumer_ops(ctx.design, event) and not shared:
            continue  # the hub carries this event only, and an operation consumes it
        yield Hit(
            element=ElementRef.event(event.id),
            message=f"nothing consumes '{event.id}': no consumers and no operation reads its hub",
            span=event.span,
            fix="list its consumers (and the operation consuming the hub), or drop the event",
            evidence="consumers: []; no operation `consumes` the hub",
        )


@rule(code="EV006", name="event-without-producer", severity=Severity.WARNING)
def event_without_producer(ctx: RuleContext) -> Iterator[Hit]:
    """An event is consumed but nothing produces it.

    What it checks:
        Events with no `producers` and no operation that writes to (enqueues on, publishes
        to) the event's hub.

    Why it matters:
        Event management: a consumer waiting for events nobody publishes is dead code at
        best, and at worst a feature that silently never happens. The model cannot size the
        hub or the consumers without knowing where the events come from.

    Example:
        components:
          bus: {kind: queue, tech: kafka}
          mailer: {kind: worker, tech: worker}
        operations:
          send_mail:
            consumes: bus
            sync: false
            calls: [mailer.send: {idempotent: true}]
        events:
          order_placed: {hub: bus, consumers: [mailer], idempotent_consumers: true}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          bus: {kind: queue, tech: kafka}
          mailer: {kind: worker, tech: worker}
        operations:
          order:
            rate: 20/s
            calls: [api.handle, bus.publish: {async: true}]
          send_mail:
            consumes: bus
            sync: false
            calls: [mailer.send: {idempotent: true}]
        events:
          order_placed:
            hub: bus
            producers: [api]
            consumers: [mailer]
            idempotent_consumers: true

    Evidence:
        The event's empty `producers` and no write call on its hub in any operation.
    """
    for event in ctx.design.events:
        if event.producers or _producer_calls(ctx.design, event):
            continue
        yield Hit(
            element=ElementRef.event(event.id),
            message=f"nothing produces '{event.id}': no producers and no operation publishes it",
            span=event.span,
            fix="list its producers and the operation that publishes it, or drop the event",
            evidence="producers: []; no write call on the hub in any operation",
        )
