"""Design → QueueingModel: the one place a design becomes pools, calls and rates.

Rules (each stated once, here):

- **Servers.** A component's pool has instances × concurrency servers, the design's
  figures else the catalog's else 1. A kind that someone else sizes (client, CDN,
  external API: `traits(kind).delay_station`) is an infinite-server delay station unless
  the design states its `concurrency` or names a catalog technology, whose concurrency is
  a documented limit or quota (a payment API's rate limit, say).
- **Read replicas.** A kind with read replicas is two pools, primary and replicas. Reads
  are spread evenly over all P + R instances (a read reaches the primary with probability
  P / (P + R)); writes, and reads with `consistency: primary`, go to the primary. A
  `read_your_writes` read is spread like any read (a replica that waits for the caller's
  write position, or the primary when it is behind: the model does not split them).
- **Service time.** The call's `time`, else the component's `work` entry, else the
  catalog's entry for that work, else the catalog's `default`.
- **Rates.** An operation's average rate is its `rate`, or its `share` of the total load;
  its peak is average × the peak factor (computed in `operation_rates`, nowhere else).
  An operation that consumes a queue receives every message enqueued on it (a consumer
  group per operation), so its rate is the producers' enqueue rate. A call enqueues when
  it is `async` or writes to a message hub (`jobs.publish` waiting for the broker's ack);
  a read of a hub (`jobs.receive`) enqueues nothing. The simulator starts consumers from
  the same calls (`Call.spawns`).
- **Failure of one attempt** q = P(S > timeout); E[attempts] and expected backoff from
  `retry.py` beside this module. Availability is the one model in `availability.py`:
  outages outlast retries, so they are not part of q.
- **Fallbacks.** A fail-open call whose `fallback` is a call makes that call, from the same
  caller, for the share of its executions that failed for good: q^(r+1) (`retry.py`) in
  normal operation; a fault drill's share is in `fallback.py`.
- **Redelivery.** A queue consumer whose event has `redelivery` processes each message
  E[deliveries] times and moves f^max_deliveries of them to the dead-letter queue, whose
  consumers receive them (`retry.py`).
- **Rate limits.** An operation's global limit caps its rate; a component's thins every
  call into it (and their nested calls) to what it admits (`admission.py`).
- **Hot keys.** The busiest key's rate and the instance it lands on (`hot_keys.py`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Protocol

from archproof.catalog import load_catalog, resolve, service_time
from archproof.catalog.resolve import ResolvedComponent
from archproof.model import CallNode, Design, Distribution, Event, OneOf, Operation, Redelivery
from archproof.model import Parallel as ParallelNode
from archproof.model.operations import CallItem
from archproof.model.replication import read_split
from archproof.model.requirements import Load, at_peak
from archproof.model.traits import enqueues, traits
from archproof.numbers import sig
from archproof.passes.lower.admission import admission, component_admission, ended_share
from archproof.passes.lower.hot_keys import hot_keys
from archproof.passes.lower.queueing_model import (
    Admission,
    Branch,
    Call,
    CallPolicy,
    Choice,
    LoweredOperation,
    OperationRate,
    Parallel,
    Pool,
    PoolRole,
    QueueingModel,
    RedeliveryFlow,
    ServiceTime,
    Step,
    Steps,
)
from archproof.passes.lower.retry import (
    dead_letter_share,
    delivery_failure,
    exhausted,
    expected_attempts,
    expected_backoff,
    expected_deliveries,
    timeout_probability,
)
from archproof.units import MAX_DELIVERIES


class SizedPool(Protocol):
    """What routing needs of a pool: its number and its instance count."""

    @property
    def index(self) -> int: ...

    @property
    def instances(self) -> int: ...


def route(is_write: bool, pools: Sequence[SizedPool]) -> tuple[tuple[int, float], ...]:
    """The pools a call reaches and the share of its executions each takes.

    `pools` are a component's pools (primary first); instance counts are read from them,
    so the growth plan can re-route after changing them.
    """
    if len(pools) == 1:
        return ((pools[0].index, 1.0),)
    primary, replicas = pools[0], pools[1]
    if is_write or replicas.instances == 0:
        return ((primary.index, 1.0),)
    f = read_split(primary.instances, replicas.instances)
    return ((primary.index, f), (replicas.index, 1.0 - f))


def peak_rate(
    average: Fraction, load: Load, arrivals: str = "diurnal", stated: Fraction | None = None
) -> Fraction:
    """The one place an average rate becomes the peak the design is sized for (exact):
    the operation's own stated peak (`Operation.peak`, a burst), else × the peak factor,
    except for work that arrives flat (`Operation.arrivals`)."""
    if stated is not None:
        return stated
    if arrivals == "flat":
        return average
    return at_peak(average, load.peak_factor)


def average_rate(op: Operation, load: Load) -> Fraction | None:
    """The operation's stated average rate (its `rate`, or its share of the total), if any.

    None for an operation that consumes a queue: its rate follows from its producers.
    """
    if op.rate is not None:
        return op.rate.per_second
    if op.share is not None and load.requests is not None:
        return op.share.fraction * load.requests.per_second
    return None


def _pools(design: Design, resolved: Mapping[str, ResolvedComponent]) -> list[Pool]:
    pools: list[Pool] = []
    for c in design.components:
        rc = resolved[c.id]
        kt = traits(c.kind)
        infinite = kt.delay_station and c.concurrency is None and rc.entry is None
        if infinite:
            source = f"infinite servers: a {c.kind.value} with no stated concurrency or tech"
        else:
            source = (
                f"replicas ({rc.source['replicas']}) × concurrency ({rc.source['concurrency']})"
            )
        if rc.availability is not None:
            avail, avail_source = float(rc.availability.fraction()), rc.source["availability"]
        else:
            avail, avail_source = 1.0, "unknown: taken as 100%"
        roles = (
            [(PoolRole.PRIMARY, rc.replicas), (PoolRole.REPLICAS, c.read_replicas)]
            if kt.read_replicas
            else [(PoolRole.ALL, rc.replicas)]
        )
        for role, instances in roles:
            pools.append(
                Pool(
                    index=len(pools),
                    component=c.id,
                    kind=c.kind,
                    role=role,
                    instances=instances,
                    concurrency=rc.concurrency,
                    infinite=infinite,
                    servers_source=source,
                    queue_limit=c.queue_limit,
                    availability=avail,
                    availability_source=avail_source,
                    # standbys stand in for the primaries (they serve nothing before)
                    standby=c.standby if role is not PoolRole.REPLICAS else 0,
                    failover=float(rc.failover.seconds) if rc.failover is not None else None,
                    failover_source=rc.source["failover"],
                )
            )
    return pools


def _policy(node: CallNode, op_idempotent: bool) -> CallPolicy:
    r, bk = node.retries, node.breaker
    return CallPolicy(
        async_=node.async_,
        timeout=float(node.timeout.seconds) if node.timeout is not None else None,
        retries=r.count if r is not None else 0,
        backoff=float(r.backoff.seconds) if r is not None and r.backoff else 0.0,
        backoff_multiplier=float(r.multiplier) if r is not None else 2.0,
        jitter=min(float(r.jitter.fraction), 1.0) if r is not None and r.jitter else 0.0,
        breaker_threshold=(
            max(1, math.ceil(float(bk.failure_rate.fraction) * bk.window)) if bk else 0
        ),
        breaker_open_for=float(bk.open_for.seconds) if bk is not None else 5.0,
        fail_open=node.on_failure == "fail_open",
        idempotent=bool(node.idempotent) or op_idempotent,
    )


class _Lowering:
    """Walks call trees once, numbering calls in pre-order (a parent before its children)."""

    def __init__(self, design: Design, admitted: Mapping[str, float] | None = None) -> None:
        catalog = load_catalog()
        self.design = design
        # admitted / arriving per rate-limited component (admission.py): thins its calls
        self.admitted: Mapping[str, float] = admitted or {}
        # components whose global limit rejects what it does not admit (over: reject)
        self.rejects = {
            c.id
            for c in design.components
            if c.rate_limit is not None
            and c.rate_limit.per == "global"
            and c.rate_limit.over == "reject"
        }
        self.resolved = {c.id: resolve(c, catalog.get(c.tech)) for c in design.components}
        self.pools = _pools(design, self.resolved)
        self.pools_of: dict[str, tuple[int, ...]] = {}
        for p in self.pools:
            self.pools_of[p.component] = (*self.pools_of.get(p.component, ()), p.index)
        self.consumers: dict[str, list[str]] = {}
        for op in design.operations:
            if op.consumes is not None:
                self.consumers.setdefault(op.consumes, []).append(op.id)
        self.calls: list[Call | None] = []
        self.notes: list[str] = []
        # Distribution figures are pure functions of the (frozen) distribution: once each.
        self._moments: dict[int, tuple[float, float]] = {}
        self._found: dict[tuple[str, str], tuple[Distribution, str]] = {}

    def service(self, node: CallNode) -> ServiceTime:
        if node.time is not None:
            dist, source = node.time, "design (call)"
        else:
            key = (node.component, node.work)
            if key not in self._found:
                comp = self.design.component(node.component)
                found = service_time(comp, self.resolved[comp.id].entry, node.work)
                if found is None:  # the checks reject this before lowering
                    raise ValueError(f"no service time for {node.call}")
                self._found[key] = found
            dist, source = self._found[key]
        if id(dist) not in self._moments:
            self._moments[id(dist)] = (dist.mean_s(), dist.cv2())
        mean, cv2 = self._moments[id(dist)]
        return ServiceTime(dist, mean, cv2, source)

    def steps(
        self,
        op: Operation,
        items: tuple[CallItem, ...],
        parent: int | None,
        scale: float,
        prefix: str,
    ) -> Steps:
        out: list[Step] = []
        for item in items:
            if isinstance(item, OneOf):
                branches = []
                for i, b in enumerate(item.one_of):
                    p = float(b.p)
                    label = b.label or f"branch{i + 1}"
                    sub = self.steps(op, b.calls, parent, scale * p, f"{prefix}[{label}]")
                    branches.append(Branch(p, label, sub))
                out.append(Choice(tuple(branches)))
            elif isinstance(item, ParallelNode):
                # every member is made: each at the parent's full scale (load adds up);
                # members' paths read as if written in sequence (review's `tree` spelling)
                members = tuple(self.steps(op, (m,), parent, scale, prefix) for m in item.parallel)
                out.append(Parallel(members))
            else:
                call = self.call(op, item, parent, scale, prefix)
                out.append(call)
                share = self.admitted.get(item.component)
                if (
                    share is not None
                    and item.component in self.rejects
                    and not call.policy.fail_open
                ):
                    # a 429 on a fail-closed edge ends the request: later calls see the rest
                    scale *= 1.0 - ended_share(share, float(item.p), item.times)
        return tuple(out)

    def call(
        self, op: Operation, node: CallNode, parent: int | None, scale: float, prefix: str
    ) -> Call:
        index = len(self.calls)
        self.calls.append(None)  # reserve the pre-order number; filled below
        service = self.service(node)
        policy = _policy(node, op.idempotency_key is not None)
        pools = [self.pools[i] for i in self.pools_of[node.component]]
        p_to = (
            timeout_probability(service.dist, policy.timeout) if policy.timeout is not None else 0.0
        )
        q = p_to  # an attempt fails by timeout; outages are not retried away
        attempts = expected_attempts(q, policy.retries)
        per_request = scale * float(node.p) * node.times * attempts
        per_request *= self.admitted.get(node.component, 1.0)
        path = f"{prefix}>{node.call}" if prefix else node.call
        enqueued = enqueues(node, self.design.component_map[node.component].kind)
        children = self.steps(op, node.calls, index, per_request, path)
        p_exh = exhausted(q, policy.retries)
        fallback = None
        fb = node.fallback.call if node.fallback is not None else None
        if fb is not None and policy.fail_open:
            # made by the same caller, for the executions whose edge failed for good
            made = scale * float(node.p) * node.times * self.admitted.get(node.component, 1.0)
            fallback = self.call(op, fb, parent, made * p_exh, f"{path}[fallback]")
        elif fb is not None:
            self.notes.append(
                f"{op.id}: the fallback of {node.call} is not made: the call is not "
                "`on_failure: fail_open`"
            )
        call = Call(
            index=index,
            op=op.id,
            node=node,
            path=path,
            parent=parent,
            component=node.component,
            work=node.work,
            is_write=node.is_write,
            service=service,
            policy=policy,
            p=float(node.p),
            times=node.times,
            per_request=per_request,
            p_timeout=p_to,
            p_fail=q,
            attempts=attempts,
            backoff_expected=expected_backoff(q, node.retries),
            route=route(node.is_write or node.consistency == "primary", pools),
            spawns=tuple(self.consumers.get(node.component, ())) if enqueued else (),
            children=children,
            p_exhausted=p_exh,
            fallback=fallback,
            enqueues=enqueued,
        )
        self.calls[index] = call
        return call


def lower(design: Design) -> QueueingModel:
    """Lower `design` into its queueing model (see the module docstring for the rules)."""
    # A component's rate limit thins the calls into it, which needs the rates, which need
    # the calls: lower, measure what arrives at each limited component, lower again with
    # the admitted shares (one more pass per limit in a chain; none without limits).
    admitted: dict[str, float] = {}
    limited = sum(1 for c in design.components if c.rate_limit is not None)
    for _ in range(limited + 1):
        lw = _Lowering(design, admitted)
        tops: dict[str, Steps] = {}
        spans: dict[str, tuple[int, int]] = {}
        for op in design.operations:
            start = len(lw.calls)
            tops[op.id] = lw.steps(op, op.calls, None, 1.0, "")
            spans[op.id] = (start, len(lw.calls))
        calls = tuple(c for c in lw.calls if c is not None)
        assert len(calls) == len(lw.calls)
        notes: list[str] = list(dict.fromkeys(lw.notes))
        admissions: list[Admission] = []
        flows: list[RedeliveryFlow] = []
        rates, enqueued = operation_rates(design, calls, notes, admissions, flows)
        if not limited:
            break
        factors, at_components = component_admission(design, calls, rates, admitted)
        if factors == admitted:
            admissions += at_components
            break
        admitted = factors
    else:
        admissions += at_components
        notes.append("component rate limits did not settle; the last admitted shares are used")
    operations = tuple(
        LoweredOperation(
            id=op.id,
            rate=rates[op.id],
            steps=tops[op.id],
            consumes=op.consumes,
            calls=tuple(range(*spans[op.id])),
        )
        for op in design.operations
    )
    return QueueingModel(
        design=design,
        peak_factor=float(design.requirements.load.peak_factor),
        pools=tuple(lw.pools),
        pools_of=MappingProxyType(dict(lw.pools_of)),
        resolved=MappingProxyType(lw.resolved),
        calls=calls,
        operations=operations,
        enqueued=MappingProxyType(enqueued),
        notes=tuple(notes),
        admission=tuple(admissions),
        redelivery=tuple(flows),
        hot_keys=hot_keys(design, calls, rates, lw.pools, lw.pools_of, lw.resolved),
    )


def operation_rates(
    design: Design,
    calls: tuple[Call, ...],
    notes: list[str],
    admissions: list[Admission] | None = None,
    flows: list[RedeliveryFlow] | None = None,
) -> tuple[dict[str, OperationRate], dict[str, float]]:
    """Average and peak rate per operation, and messages/s enqueued per queue at peak.

    Consumers are resolved in dependency order (the checks reject message loops). A
    consumer receives every message enqueued on its queue, and the messages its queue's
    event dead-letters into it; with `redelivery` it processes each message E[deliveries]
    times (retry.py). An operation's global `rate_limit` caps its rate (the admitted rate;
    `admissions` collects offered / admitted / rejected). `flows` collects the redeliveries.
    """
    load = design.requirements.load
    pf = float(load.peak_factor)
    avg: dict[str, float] = {}
    peak: dict[str, float] = {}
    offered: dict[str, float] = {}
    how: dict[str, str] = {}

    def settle(op: Operation, average: float, at_peak_: float, derivation: str) -> None:
        """Record an operation's rate, capped by its own rate limit."""
        offered[op.id] = at_peak_
        limit = op.rate_limit
        if limit is not None:
            adm = admission(op.id, "operation", limit, at_peak_)
            if admissions is not None:
                admissions.append(adm)
            if adm.admitted < at_peak_:
                average = min(average, adm.admitted)
                derivation += f"; {adm.derivation}"
            at_peak_ = adm.admitted
        avg[op.id], peak[op.id], how[op.id] = average, at_peak_, derivation

    for op in design.operations:
        a = average_rate(op, load)
        if a is None:
            continue
        stated = (
            f"rate {op.rate}" if op.rate is not None else f"share {op.share} of {load.requests}"
        )
        derivation = (
            f"{stated}, peak {op.peak} as stated for it (a burst, not the peak factor)"
            if op.peak is not None
            else f"{stated}, flat: work a timer starts arrives at its average rate all day (no "
            "peak factor)"
            if op.arrivals == "flat"
            else f"{stated} × peak factor {sig(pf)}"
        )
        own = op.peak.per_second if op.peak is not None else None
        settle(op, float(a), float(peak_rate(a, load, op.arrivals, own)), derivation)
    producers_of: dict[str, list[Call]] = {}
    for c in calls:
        if c.enqueues:
            producers_of.setdefault(c.component, []).append(c)
    redelivered = {
        op.id: _redelivery(design, op.consumes, [c for c in calls if c.op == op.id])
        for op in design.operations
        if op.consumes is not None
    }
    # dead-letter queue → the consumers whose failed messages end there
    dead_letters: dict[str, list[str]] = {}
    for op_id, (_, red, _, _) in redelivered.items():
        if red is not None and red.dead_letter is not None:
            dead_letters.setdefault(red.dead_letter, []).append(op_id)
    dead_lettered: dict[str, float] = {}  # consumer → peak messages/s it dead-letters
    dead_lettered_avg: dict[str, float] = {}
    pending = [op for op in design.operations if op.consumes is not None and op.id not in avg]
    # The checks reject message loops through calls; a dead-letter queue whose consumer
    # re-enqueues on the source queue (a redrive) is a loop through `dead_letter`: when no
    # operation can be resolved, its not-yet-known dead-letter inflow is left out, and said.
    cut = False
    for _ in range(len(pending) + 2):
        still: list[Operation] = []
        for op in pending:
            assert op.consumes is not None
            producers = producers_of.get(op.consumes, [])
            feeders = dead_letters.get(op.consumes, [])
            if cut and any(f not in peak for f in feeders):
                left = sorted(f for f in feeders if f not in peak)
                feeders = [f for f in feeders if f in peak]
                notes.append(
                    f"dead letters of {', '.join(left)} return to their own queue through "
                    f"'{op.consumes}' (a redrive loop); '{op.id}' is computed without them"
                )
            if any(c.op not in peak for c in producers) or any(f not in peak for f in feeders):
                still.append(op)
                continue
            messages = sum(peak[c.op] * c.per_request for c in producers)
            messages += sum(dead_lettered[f] for f in feeders)
            messages_avg = sum(avg[c.op] * c.per_request for c in producers)
            messages_avg += sum(dead_lettered_avg[f] for f in feeders)
            names = sorted({c.op for c in producers})
            derivation = (
                f"messages enqueued on {op.consumes} by {', '.join(names)}"
                if names
                else f"nothing enqueues on {op.consumes}: rate 0"
            )
            if feeders:
                derivation = (
                    f"messages dead-lettered on {op.consumes} by {', '.join(sorted(feeders))}"
                    if not names
                    else f"{derivation} and dead-lettered by {', '.join(sorted(feeders))}"
                )
            elif not names:
                notes.append(f"operation '{op.id}' consumes '{op.consumes}', but no call enqueues")
            event, red, f, note = redelivered[op.id]
            deliveries, share = 1.0, 0.0
            if red is not None:
                deliveries = expected_deliveries(f, red.max_deliveries)
                share = dead_letter_share(f, red.max_deliveries)
                derivation += f" × {sig(deliveries, 6)} deliveries per message ({note})"
                if flows is not None:
                    flows.append(
                        RedeliveryFlow(
                            operation=op.id,
                            queue=op.consumes,
                            event=event,
                            failure=f,
                            max_deliveries=red.max_deliveries,
                            deliveries=deliveries,
                            messages=messages,
                            dead_letter=red.dead_letter,
                            dead_lettered=share * messages if red.dead_letter else 0.0,
                            derivation=note,
                        )
                    )
            dead_lettered[op.id] = share * messages
            dead_lettered_avg[op.id] = share * messages_avg
            settle(op, messages_avg * deliveries, messages * deliveries, derivation)
        if not still:
            break
        cut = len(still) == len(pending)
        pending = still
    rates = {
        op.id: OperationRate(
            avg.get(op.id, 0.0),
            peak.get(op.id, 0.0),
            how.get(op.id, "no rate"),
            offered.get(op.id),
        )
        for op in design.operations
    }
    enqueued: dict[str, float] = {}
    for c in calls:
        if c.enqueues:
            enqueued[c.component] = enqueued.get(c.component, 0.0) + peak.get(c.op, 0.0) * (
                c.per_request
            )
    for dlq, feeders in dead_letters.items():
        moved = sum(dead_lettered.get(f, 0.0) for f in feeders)
        if moved > 0:
            enqueued[dlq] = enqueued.get(dlq, 0.0) + moved
    return rates, enqueued


def _redelivery(
    design: Design, queue: str, consumer_calls: Sequence[Call]
) -> tuple[str, Redelivery | None, float, str]:
    """The redelivery of the messages on `queue` (the event it carries; with several, the
    one allowing the most deliveries, unbounded first), and f = P(one delivery fails)."""
    events = [e for e in design.events if e.hub == queue and e.redelivery is not None]
    if not events:
        return "", None, 0.0, ""

    def most(e: Event) -> float:
        assert e.redelivery is not None
        m = e.redelivery.max_deliveries
        return math.inf if m is None else float(m)

    event = max(events, key=most)
    red = event.redelivery
    f = delivery_failure(
        (c.p_fail, c.policy.retries, c.per_request / c.attempts)
        for c in consumer_calls
        if not c.policy.fail_open and not c.async_
    )
    bound = "unbounded" if red is None or red.max_deliveries is None else red.max_deliveries
    note = (
        f"event {event.id}: redelivery after {red.delay if red else '?'}, max deliveries "
        f"{bound}, P(a delivery fails) {sig(f, 3)} from the consumer's timeouts"
    )
    if red is not None and red.max_deliveries is None and f >= 1.0:
        note += f"; every delivery fails and nothing bounds them: taken at {MAX_DELIVERIES}"
    return event.id, red, f, note
