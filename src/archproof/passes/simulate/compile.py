"""Design → :class:`~.network.Network`: what the simulator runs for a design.

Mapping (and the approximations it makes, so numbers can be traced):

- Each component is a station with ``replicas × concurrency`` servers (catalog defaults
  when the design is silent), its ``queue_limit`` as the wait-queue bound, and a per-call
  error probability of ``1 − availability`` when an availability is known. Clients and
  CDNs are infinite-server stations.
- A database or search index with read replicas is two stations, as in the capacity
  pass (``passes/capacity/network.py``): ``<id>:primary`` (``replicas × concurrency``
  servers) takes every write plus the primary's share of reads, and ``<id>:replicas``
  (``read_replicas × concurrency``) the rest. Reads are spread evenly over all P + R
  instances, so a read goes to the primary with probability P / (P + R)
  (:func:`~archproof.passes.capacity.network.read_split`): each read call becomes an
  exclusive choice group of two nodes, one per station, both with the call's policy (a
  retry stays on the station first chosen; routing is static and does not follow
  faults). Both stations keep the component's queue bound and error probability. Without
  read replicas the component stays one station named ``<id>``.
- An operation's ``calls`` are tandem steps: a root node on the virtual infinite
  ``@client`` station (zero service) whose children are the steps, so each step releases
  its component before the next starts. Nested ``calls`` are made while holding the
  caller's server. A ``one_of`` becomes an exclusive choice group; a branch with several
  calls becomes a zero-cost ``@client`` node holding them. ``times: N`` repeats the call.
- Service time: the call's ``time``, else the component's ``work`` entry, else the
  catalog's. Call policy: timeout, retries (backoff, multiplier, jitter), ``on_failure``
  (default fail-closed), ``async``, idempotency (the call's flag, or the operation's
  ``idempotency_key``), write (explicit or inferred from the work name).
- Breakers: the model gives a failure rate over a rolling window of calls; the kernel
  counts consecutive failures. The threshold is ``ceil(failure_rate × window)``, which
  trips at the same call when a dependency fails outright (the case breakers are for).
  On a split database each station's node keeps its own breaker count.
- Queues: a call to a component that some operation ``consumes`` starts one request of
  every consuming operation when the call completes (fan-out, as in the capacity pass).
  Consumer operations have no arrival process of their own.
- Rates: ``rate`` or ``share`` of the total, × peak factor when ``peak`` (the default,
  as in the capacity pass), × the ``load`` multiplier (× the scenario's load).
- Faults: a scenario's faults become fault windows (no duration means to the end of the
  run). ``down``, ``slow`` and ``error_rate`` hit every station of the component.
  ``lose_replicas: K`` removes ``K × concurrency`` servers; on a split database the read
  replicas go first (``min(K, read_replicas)`` of them from ``<id>:replicas``) and only
  the rest come off ``<id>:primary``. A station left with no servers queues its calls
  until the window ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from archproof.catalog import load_catalog, resolve, service_time
from archproof.model import CallNode, ComponentKind, Design, Distribution, OneOf
from archproof.model.components import REPLICABLE_KINDS
from archproof.model.events import Fault
from archproof.model.operations import CallItem
from archproof.passes.capacity.network import read_split
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

CLIENT = "@client"
_INFINITE_KINDS = frozenset({ComponentKind.CLIENT, ComponentKind.CDN})
_FOREVER = 1e15


@dataclass(frozen=True, slots=True)
class _Split:
    """A component with read replicas: its primary and replicas stations."""

    primary: int
    replicas: int
    read_replicas: int
    p_primary: float  # share of reads served by the primary


@dataclass(frozen=True)
class CompiledDesign:
    """The network plus the names needed to read results back against the design."""

    network: Network
    peak: bool
    load: float
    scenario: str | None
    faults: tuple[Fault, ...] = ()  # every injected fault: the scenario's, then extra ones


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


def compile_design(
    design: Design,
    *,
    peak: bool = True,
    load: float = 1.0,
    scenario: str | None = None,
    faults: tuple[Fault, ...] = (),
) -> CompiledDesign:
    """Build the simulation network of a design (see the module docstring for the rules).

    ``faults`` are injected on top of the scenario's (e.g. from ``--fault`` on the CLI).
    """
    if load <= 0:
        raise ValueError(f"load multiplier must be > 0, got {load}")
    catalog = load_catalog()
    b = NetworkBuilder()
    client = b.station(CLIENT)
    station: dict[str, int] = {}
    entries = {}
    split: dict[str, _Split] = {}
    servers_per_replica: dict[str, int] = {}
    for comp in design.components:
        entry = catalog.get(comp.tech)
        entries[comp.id] = entry
        rc = resolve(comp, entry)
        servers_per_replica[comp.id] = rc.concurrency
        err = 0.0
        if rc.availability is not None:
            err = min(max(float(1 - rc.availability.fraction()), 0.0), 1.0)
        infinite = comp.kind in _INFINITE_KINDS
        if comp.kind in REPLICABLE_KINDS and comp.read_replicas > 0 and not infinite:
            primary = b.station(
                f"{comp.id}:primary",
                max(1, rc.replicas * rc.concurrency),
                queue_capacity=comp.queue_limit,
                error_prob=err,
            )
            replicas = b.station(
                f"{comp.id}:replicas",
                max(1, comp.read_replicas * rc.concurrency),
                queue_capacity=comp.queue_limit,
                error_prob=err,
            )
            station[comp.id] = primary  # writes (and the fallback) go to the primary
            split[comp.id] = _Split(
                primary, replicas, comp.read_replicas, read_split(rc.replicas, comp.read_replicas)
            )
            continue
        station[comp.id] = b.station(
            comp.id,
            None if infinite else max(1, rc.servers),
            queue_capacity=comp.queue_limit,
            error_prob=err,
        )

    consumers: dict[str, list[str]] = {}
    for op in design.operations:
        if op.consumes is not None:
            consumers.setdefault(op.consumes, []).append(op.id)

    def policy(node: CallNode, op_idem: bool) -> CallPolicy:
        r = node.retries
        bk = node.breaker
        return CallPolicy(
            sync=not node.async_,
            timeout_s=float(node.timeout.seconds) if node.timeout is not None else 0.0,
            retries=r.count if r is not None else 0,
            backoff_s=float(r.backoff.seconds) if r is not None and r.backoff else 0.0,
            backoff_mult=float(r.multiplier) if r is not None else 2.0,
            jitter=min(float(r.jitter.fraction), 1.0) if r is not None and r.jitter else 0.0,
            breaker_threshold=(
                max(1, math.ceil(float(bk.failure_rate.fraction) * bk.window))
                if bk is not None
                else 0
            ),
            breaker_open_s=float(bk.open_for.seconds) if bk is not None else 5.0,
            fail_open=node.on_failure == "fail_open",
            idempotent=bool(node.idempotent) or op_idem,
            write=node.is_write,
        )

    def service(node: CallNode) -> Dist:
        if node.time is not None:
            return to_dist(node.time)
        comp = design.component(node.component)
        found = service_time(comp, entries[comp.id], node.work)
        if found is None:  # the loader rejects this; keep the compiler total anyway
            raise ValueError(f"no service time for {node.call}")
        return to_dist(found[0])

    group_counter = [0]

    def items(calls: tuple[CallItem, ...], op_idem: bool) -> tuple[int, ...]:
        out: list[int] = []
        for item in calls:
            if isinstance(item, OneOf):
                g = group_counter[0]
                group_counter[0] += 1
                for br in item.one_of:
                    p = float(br.p)
                    only = br.calls[0] if len(br.calls) == 1 else None
                    if isinstance(only, CallNode) and only.p == 1 and only.times == 1:
                        # a one-call branch: the call itself is the choice
                        out.extend(call(only, op_idem, prob=p, group=g))
                    else:
                        kids = items(br.calls, op_idem)
                        out.append(b.node(client, fixed(0.0), children=kids, prob=p, group=g))
                continue
            if item.component in split and not item.is_write:
                # each repetition is its own primary-or-replica choice (fresh group)
                for _ in range(item.times):
                    out.extend(call(item, op_idem))
            else:
                out.extend(call(item, op_idem) * item.times)
        return tuple(out)

    def call(
        node: CallNode, op_idem: bool, *, prob: float | None = None, group: int = -1
    ) -> tuple[int, ...]:
        """The node(s) of one call: two, in a choice group, for a read of a split component."""
        kids = items(node.calls, op_idem)
        spawned = consumers.get(node.component, [])
        extra = tuple(
            b.node(client, fixed(0.0), call=CallPolicy(sync=False), spawns=name)
            for name in spawned[1:]
        )
        p = float(node.p) if prob is None else prob
        sp = split.get(node.component)
        if sp is None or node.is_write:
            targets = [(station[node.component], p)]
        else:
            if group < 0:
                group = group_counter[0]
                group_counter[0] += 1
            targets = [(sp.primary, p * sp.p_primary), (sp.replicas, p * (1.0 - sp.p_primary))]
        dist = service(node)
        pol = policy(node, op_idem)
        return tuple(
            b.node(
                st,
                dist,
                children=kids + extra,
                prob=q,
                group=group,
                call=pol,
                spawns=spawned[0] if spawned else None,
            )
            for st, q in targets
        )

    lf = float(design.requirements.load.peak_factor) if peak else 1.0
    scen = None
    if scenario is not None:
        scen = next((s for s in design.scenarios if s.id == scenario), None)
        if scen is None:
            known = ", ".join(s.id for s in design.scenarios) or "none"
            raise ValueError(f"unknown scenario {scenario!r} (known: {known})")
        load *= float(scen.load)
    total = design.requirements.load.requests
    for op in design.operations:
        if op.consumes is not None and op.rate is None:
            rate = 0.0
        elif op.rate is not None:
            rate = float(op.rate.per_second) * lf * load
        elif op.share is not None and total is not None:
            rate = float(op.share.fraction * total.per_second) * lf * load
        else:
            rate = 0.0
        root = b.node(client, fixed(0.0), children=items(op.calls, op.idempotency_key is not None))
        b.operation(op.id, rate, root)

    all_faults = (*(scen.faults if scen is not None else ()), *faults)
    for f in all_faults:
        if f.component not in station:
            raise ValueError(f"fault on unknown component {f.component!r}")
    for f in all_faults:
        sp = split.get(f.component)
        stations = [station[f.component]] if sp is None else [sp.primary, sp.replicas]
        start = float(f.at.seconds)
        end = start + float(f.duration.seconds) if f.duration is not None else _FOREVER
        if f.kind == "lose_replicas":
            per = servers_per_replica[f.component]
            lost = f.replicas or 1
            if sp is not None:  # read replicas go first, the rest off the primary
                from_replicas = min(lost, sp.read_replicas)
                b.fault(sp.replicas, start, end, FaultKind.LOSE_SERVERS, float(from_replicas * per))
                lost -= from_replicas
            if lost > 0:
                b.fault(station[f.component], start, end, FaultKind.LOSE_SERVERS, float(lost * per))
            continue
        for st in stations:
            if f.kind == "down":
                b.fault(st, start, end, FaultKind.DOWN, 0.0)
            elif f.kind == "slow":
                b.fault(st, start, end, FaultKind.SLOW, float(f.factor or 1))
            else:
                b.fault(st, start, end, FaultKind.ERROR_RATE, float(f.rate or 0))
    return CompiledDesign(
        network=b.build(), peak=peak, load=load, scenario=scenario, faults=all_faults
    )


__all__ = ["CLIENT", "SYNC", "CompiledDesign", "compile_design", "to_dist"]
