"""Lowered model → :class:`~.network.Network`: what the simulator runs for a design.

Every semantic choice — servers per pool (and which are infinite), the read split,
service times, call policies, rates, fault windows — is made once, by the lowering
(``passes/lower``); the capacity pass solves the same model. This module only flattens
it into the kernel's arrays:

- A pool is a station (``<id>``, or ``<id>:primary`` and ``<id>:replicas`` for a
  component with read replicas), with the pool's queue bound. An infinite pool is an
  infinite-server station. No random errors come from availability: a run samples a
  stretch of time in which nothing is down (``passes/lower/availability.py``, the one
  availability model); outages are drilled with faults.
- A read of a component with read replicas is an exclusive choice group of two nodes,
  one per station, with the route's shares (a retry stays on the station first chosen;
  routing is static and does not follow faults). Each repetition of ``times: N`` is its
  own choice.
- An operation's steps hang under a root node on the virtual infinite ``@client`` station
  (zero service), so each step releases its component before the next starts. Nested
  calls are made while holding the caller's server. A choice becomes an exclusive choice
  group; a branch with several steps becomes a zero-cost ``@client`` node holding them.
  A parallel group becomes a zero-cost ``@client`` fork node (fork-join: its children run
  at once and it waits for all) over one zero-cost ``@client`` wrapper per member, whose
  child is the member's call (or choice) with its own policy; so fork-join networks run
  on the general kernel, never the fast path.
- A call to a queue starts one request of every consuming operation when it completes
  (fan-out, as in the capacity pass); consumers have no arrival process of their own.
- Rates: the lowered peak (or average when ``peak`` is off) × the ``load`` multiplier
  (× the scenario's load); an operation's rate limit is already in the lowered rate. A
  component's rate limit makes each call into it happen with the lowered admitted share
  (admitted / arriving at the design's load): its pools and what they call see at most
  the limit, as in the capacity pass. When the limit rejects and the edge is fail-closed,
  the calls after it in its sequence are made with the share it lets go on
  (``admission.ended_share``), drawn independently of the call's own admission: the
  loads match the lowering, a rejected request's latency is not singled out.
- A fail-open call with a typed fallback call (``Call.fallback``) names a zero-cost
  ``@client`` wrapper over the fallback's node(s): the kernel calls it when the edge fails
  for good (timeout, breaker, down, error), so a drill moves load onto the fallback's pools.
- A consumer whose event has ``redelivery`` gets the lowered bounds: a failed delivery is
  delivered again after the event's ``delay``, ``max_deliveries`` in all (MAX_DELIVERIES
  when unbounded), then handed to the dead-letter queue's consumers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from archproof.model import Design, Distribution
from archproof.model.events import Fault
from archproof.passes.lower import (
    Call,
    Choice,
    FallbackShift,
    Parallel,
    QueueingModel,
    Steps,
    fallback_shifts,
    lower,
)
from archproof.passes.lower.admission import ended_share, rejecting
from archproof.passes.lower.faults import Failover, FaultEffect, failovers, fault_windows
from archproof.passes.simulate.network import (
    SYNC,
    CallPolicy,
    Dist,
    FaultKind,
    Network,
    NetworkBuilder,
    exponential,
    fixed,
    lognormal_mean_cv,
)
from archproof.units import MAX_DELIVERIES

CLIENT = "@client"


@dataclass(frozen=True)
class CompiledDesign:
    """The network plus the names needed to read results back against the design."""

    network: Network
    peak: bool
    load: float
    scenario: str | None
    faults: tuple[Fault, ...] = ()  # every injected fault: the scenario's, then extra ones
    # lowered pool index → the station simulating it (an empty replicas pool has none)
    pool_station: Mapping[int, str] = field(default_factory=dict)
    # load the faults move onto fallback calls' pools (lowering's analytic figure)
    shifts: tuple[FallbackShift, ...] = ()
    # the faults that reach a component's standbys: promoted after the failover, or why not
    failovers: tuple[Failover, ...] = ()


def to_dist(d: Distribution) -> Dist:
    """A model distribution as a kernel distribution (exact parameters, in seconds)."""
    if d.dist == "fixed":
        return fixed(d.mean_s())
    if d.dist == "exponential":
        return exponential(d.mean_s())
    mu, sigma = d.lognormal_params()
    if sigma <= 0:
        return fixed(math.exp(mu))
    return lognormal_mean_cv(math.exp(mu + sigma * sigma / 2), math.sqrt(math.expm1(sigma**2)))


def _policy(c: Call) -> CallPolicy:
    pol = c.policy
    return CallPolicy(
        sync=not pol.async_,
        timeout_s=pol.timeout if pol.timeout is not None else 0.0,
        retries=pol.retries,
        backoff_s=pol.backoff,
        backoff_mult=pol.backoff_multiplier,
        jitter=pol.jitter,
        breaker_threshold=pol.breaker_threshold,
        breaker_open_s=pol.breaker_open_for,
        fail_open=pol.fail_open,
        idempotent=pol.idempotent,
        write=c.is_write,
    )


_EFFECT = {
    FaultEffect.DOWN: FaultKind.DOWN,
    FaultEffect.SLOW: FaultKind.SLOW,
    FaultEffect.LOSE_SERVERS: FaultKind.LOSE_SERVERS,
    FaultEffect.ERROR_RATE: FaultKind.ERROR_RATE,
}


def compile_design(
    design: Design | QueueingModel,
    *,
    peak: bool = True,
    load: float = 1.0,
    scenario: str | None = None,
    faults: tuple[Fault, ...] = (),
) -> CompiledDesign:
    """Build the simulation network of a design (see the module docstring).

    ``faults`` are injected on top of the scenario's (e.g. from ``--fault`` on the CLI).
    """
    if load <= 0:
        raise ValueError(f"load multiplier must be > 0, got {load}")
    model = design if isinstance(design, QueueingModel) else lower(design)
    admitted = {
        a.target: a.admitted / a.offered
        for a in model.admission
        if a.scope == "component" and a.offered > 0 and a.admitted < a.offered
    }
    b = NetworkBuilder()
    client = b.station(CLIENT)
    # pool → station; a primary whose replicas pool is empty is the component's station
    station: dict[int, int] = {}
    names: dict[int, str] = {}
    for comp_id in model.pools_of:
        live = model.serving_pools(comp_id)
        for p in live:
            names[p.index] = p.label if len(live) > 1 else comp_id
            station[p.index] = b.station(
                names[p.index],
                None if p.infinite else max(1, p.servers),
                queue_capacity=p.queue_limit,
            )

    group_counter = [0]

    def fresh_group() -> int:
        group_counter[0] += 1
        return group_counter[0] - 1

    ends = rejecting(model.admission)

    def steps(seq: Steps) -> tuple[int, ...]:
        out: list[int] = []
        for k, step in enumerate(seq):
            if isinstance(step, Parallel):
                # a fork node over one zero-cost wrapper per member: the member's edge
                # policy (timeout, retries, breaker, fail-open) sits below its wrapper
                members = tuple(b.node(client, fixed(0.0), children=steps(m)) for m in step.members)
                out.append(b.node(client, fixed(0.0), children=members, fork=True))
                continue
            if isinstance(step, Choice):
                g = fresh_group()
                for br in step.branches:
                    only = br.steps[0] if len(br.steps) == 1 else None
                    if isinstance(only, Call) and only.p == 1.0 and only.times == 1:
                        # a one-call branch: the call itself is the choice
                        out.extend(call(only, prob=br.p, group=g))
                    else:
                        kids = steps(br.steps)
                        out.append(b.node(client, fixed(0.0), children=kids, prob=br.p, group=g))
                continue
            if len(step.route) > 1:
                # each repetition is its own primary-or-replica choice (fresh group)
                for _ in range(step.times):
                    out.extend(call(step))
            else:
                out.extend(call(step) * step.times)
            share = ends.get(step.component)
            if share is not None and not step.policy.fail_open and k + 1 < len(seq):
                # a 429 on a fail-closed edge ends the request: the calls after it hang
                # under a zero-cost wrapper made with the share the limit lets go on (as
                # the lowering thins them; drawn apart from the call's own admission)
                left = 1.0 - ended_share(share, step.p, step.times)
                out.append(b.node(client, fixed(0.0), children=steps(seq[k + 1 :]), prob=left))
                break
        return tuple(out)

    def call(c: Call, *, prob: float | None = None, group: int = -1) -> tuple[int, ...]:
        """The node(s) of one call: one per pool on its route, in a choice group if two."""
        kids = steps(c.children)
        extra = tuple(
            b.node(client, fixed(0.0), call=CallPolicy(sync=False), spawns=name)
            for name in c.spawns[1:]
        )
        p = (c.p if prob is None else prob) * admitted.get(c.component, 1.0)
        if len(c.route) > 1 and group < 0:
            group = fresh_group()
        dist = to_dist(c.service.dist)
        pol = _policy(c)
        # the fallback call hangs under a zero-cost wrapper (one node, whatever its route)
        fb = -1 if c.fallback is None else b.node(client, fixed(0.0), children=steps((c.fallback,)))
        return tuple(
            b.node(
                station[pool],
                dist,
                children=kids + extra,
                prob=p * share if len(c.route) > 1 else p,
                group=group,
                call=pol,
                spawns=c.spawns[0] if c.spawns else None,
                fallback=fb,
            )
            for pool, share in c.route
        )

    scen = None
    if scenario is not None:
        scen = next((s for s in model.design.scenarios if s.id == scenario), None)
        if scen is None:
            known = ", ".join(s.id for s in model.design.scenarios) or "none"
            raise ValueError(f"unknown scenario {scenario!r} (known: {known})")
        load *= float(scen.load)
    op_index: dict[str, int] = {}
    for op in model.operations:
        r = op.rate.peak if peak else op.rate.average
        rate = 0.0 if op.consumes is not None else r * load
        root = b.node(client, fixed(0.0), children=steps(op.steps))
        op_index[op.id] = b.operation(op.id, rate, root)
    for flow in model.redelivery:
        b.redelivery(
            op_index[flow.operation],
            flow.max_deliveries if flow.max_deliveries is not None else MAX_DELIVERIES,
            _redelivery_delay(model, flow.event),
            _dead_letter_node(b, client, model, flow.dead_letter),
        )

    all_faults = (*(scen.faults if scen is not None else ()), *faults)
    for w in fault_windows(model, all_faults):
        if w.pool in station:
            b.fault(station[w.pool], w.start, w.end, _EFFECT[w.effect], w.value)
    return CompiledDesign(
        network=b.build(),
        peak=peak,
        load=load,
        scenario=scenario,
        faults=all_faults,
        pool_station=names,
        shifts=fallback_shifts(model, all_faults, load=load) if all_faults else (),
        failovers=failovers(model, all_faults),
    )


def _redelivery_delay(model: QueueingModel, event_id: str) -> float:
    """Seconds before the broker delivers a failed message again (the event's `delay`)."""
    event = next(e for e in model.design.events if e.id == event_id)
    red = event.redelivery
    return float(red.delay.seconds) if red is not None else 0.0


def _dead_letter_node(
    b: NetworkBuilder, client: int, model: QueueingModel, queue: str | None
) -> int:
    """A zero-cost node that hands a dead-lettered message to every consumer of `queue`
    (-1: no dead-letter queue, or nobody consumes it)."""
    consumers = [o.id for o in model.operations if queue is not None and o.consumes == queue]
    if not consumers:
        return -1
    extra = tuple(
        b.node(client, fixed(0.0), call=CallPolicy(sync=False), spawns=name)
        for name in consumers[1:]
    )
    return b.node(client, fixed(0.0), children=extra, spawns=consumers[0])


__all__ = ["CLIENT", "SYNC", "CompiledDesign", "compile_design", "to_dist"]
