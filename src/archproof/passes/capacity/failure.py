"""Failure-mode analysis: what each component's outage does to every operation.

While component X is down, a call to X fails. A failure travels up the call tree to
the caller unless the edge into the failed call is `fail_open` or has a `fallback`
(the caller continues: the operation *degrades*) or is an async hand-off (the message
is lost or delayed: degrades). An undecided edge (no `on_failure`) fails closed.
For an operation, with calls made with probability p, `times` times, in sequence:

    P(fail) = 1 − Π_steps (1 − f_step),   one_of: f = Σ p_b·f_b

(the members of a parallel group count as steps: the group needs every member)

Availability of an operation (independent failures, parallel replicas, series steps):

    A(op) = Π over components X of (1 − U_X · f_X),   U_X = (1 − a_X)^n_X

with a_X one replica's availability, n_X its instances (a write needs the primaries,
a read any instance, a standby is promoted for either) and f_X the share of the
operation's requests that fail while X is down (1 for a required component, 0 when every
edge to it fails open). Downtime per year = (1 − A) × 525,600 minutes.

Requests also fail with every component up: a fail-closed call whose every attempt times
out (P = q^(r+1), q = P(service time > timeout), the lowering's `p_exhausted`) fails its
request, along the call tree as outages do (:func:`timeout_failures`). That share is a
figure of its own beside the availability (an error rate at any load, not downtime): a
psp call with a 200 ms timeout over a 279 ms mean fails ~40% of payments, which the
simulator counts as errors while the availability read 99.5%.
"""

from __future__ import annotations

from archproof.model import Design
from archproof.model.objectives import availability_objective
from archproof.model.traits import traits
from archproof.numbers import sig
from archproof.passes.capacity.figure import OK, Figure, figure
from archproof.passes.capacity.network import Network, Seq, Visit
from archproof.passes.capacity.result import FailureMode, SloCheck
from archproof.passes.capacity.status import SloStatus
from archproof.passes.lower import Call, Parallel, substeps
from archproof.passes.lower.availability import unavailability

MINUTES_PER_YEAR = 525_600.0

# the input naming the components an availability figure leaves out (no availability in
# the design or the catalog)
UNKNOWN_PARTS = "not counted (availability unknown)"


def _seq(net: Network, seq: Seq, down: str) -> tuple[float, float]:
    ok = okd = 1.0
    for step in seq:
        if isinstance(step, Parallel):
            # every member is made and the group needs all of them: as steps in sequence
            for member in step.members:
                f, d = _seq(net, member, down)
                ok *= 1.0 - f
                okd *= max(0.0, 1.0 - f - d)
            continue
        if isinstance(step, Call):
            f, d = _call(net, step, down)
        else:
            f = d = 0.0
            for branch in step.branches:
                fb, db = _seq(net, branch.steps, down)
                f += branch.p * fb
                d += branch.p * db
        ok *= 1.0 - f
        okd *= max(0.0, 1.0 - f - d)
    return 1.0 - ok, max(0.0, ok - okd)


def _timed_out(seq: Seq) -> float:
    """Share of executions of ``seq`` that fail with every component up: a fail-closed
    call fails when its attempts all time out (``p_exhausted``) or a call below it fails;
    async, fail-open and fallback edges stop the failure (the caller degrades)."""
    ok = 1.0
    for step in seq:
        if isinstance(step, Parallel):
            for member in step.members:
                ok *= 1.0 - _timed_out(member)
            continue
        if isinstance(step, Call):
            node = step.node
            if node.async_ or node.on_failure == "fail_open" or node.fallback is not None:
                continue
            f = 1.0 - (1.0 - step.p_exhausted) * (1.0 - _timed_out(step.children))
            ok *= 1.0 - step.p * (1.0 - (1.0 - f) ** step.times)
        else:
            ok *= 1.0 - sum(branch.p * _timed_out(branch.steps) for branch in step.branches)
    return 1.0 - ok


# Requests failed by timeouts with every component up, from this share on, get a column in
# the availability tables (analyze, the report): sane timeouts lose ~1e-6 of the requests.
TIMEOUT_SHOWN = 1e-4


def timeout_failures(net: Network, op: str) -> Figure:
    """Share of `op`'s requests that fail with every component up: fail-closed calls whose
    every attempt times out (an error rate at any load; outages are the availability's)."""
    return figure(
        _timed_out(net.top(op)),
        "",
        "1 − Π over fail-closed calls (1 − p·q^(r+1)), q = P(service time > timeout), "
        "r retries; a call also fails when one below it does",
    )


def _reach(net: Network, v: Visit) -> frozenset[str]:
    """Components in the subtree of `v` (memoised on the network: the tree is fixed)."""
    cache: dict[int, frozenset[str]] = net.__dict__.setdefault("_reach", {})
    found = cache.get(v.index)
    if found is None:
        names = {v.component}
        stack: list[Seq] = [v.children]
        while stack:
            for step in stack.pop():
                if isinstance(step, Call):
                    names |= _reach(net, step)
                else:
                    stack.extend(substeps(step))
        found = cache[v.index] = frozenset(names)
    return found


def _call(net: Network, v: Visit, down: str) -> tuple[float, float]:
    if down not in _reach(net, v):
        return 0.0, 0.0  # nothing below this call is down: it neither fails nor degrades
    if v.component == down:
        f, d = 1.0, 0.0
    else:
        f, d = _seq(net, v.children, down)
    node = v.node
    if node.async_ or node.on_failure == "fail_open" or node.fallback is not None:
        f, d = 0.0, min(1.0, d + f)
    p, n = v.p, v.times
    fail = p * (1.0 - (1.0 - f) ** n)
    clean = p * max(0.0, 1.0 - f - d) ** n + (1.0 - p)
    return fail, max(0.0, 1.0 - fail - clean)


def outage_effect(net: Network, op: str, down: str) -> tuple[float, float]:
    """(share of `op` requests that fail, share that degrade) while `down` is down."""
    design = net.design
    operation = design.operation(op)
    if operation.consumes == down:
        return 0.0, 1.0  # no messages arrive: the background work waits
    return _seq(net, net.top(op), down)


def _instances_needed(net: Network, op: str, component: str, writers: set[tuple[str, str]]) -> int:
    rc = net.resolved[component]
    writes = (op, component) in writers
    # a standby serves nothing until it is promoted, then serves reads and writes
    standby = rc.component.standby
    return rc.replicas + standby if writes else rc.replicas + rc.component.read_replicas + standby


def _unavailability(net: Network, component: str, instances: int) -> float | None:
    rc = net.resolved[component]
    if rc.availability is None:
        return None
    return unavailability(float(rc.availability.fraction()), instances)


def failure_modes(net: Network) -> tuple[tuple[FailureMode, ...], dict[str, Figure]]:
    """Failure modes per component and the availability of each operation."""
    design = net.design
    comps_of: dict[str, set[str]] = {op.id: set() for op in design.operations}
    for v in net.visits:
        comps_of[v.op].add(v.component)
    for op in design.operations:
        if op.consumes is not None:
            comps_of[op.id].add(op.consumes)
    effects: dict[str, dict[str, tuple[float, float]]] = {c.id: {} for c in design.components}
    for op in design.operations:
        for comp in comps_of[op.id]:
            effects[comp][op.id] = outage_effect(net, op.id, comp)
    rates = {op.id: net.op_rate[op.id] for op in design.operations}
    # Blast radius counts the requests that enter the system: a queue consumer's work is
    # caused by them (counting it too made losing every load balancer of a shortener a
    # "50.2%" radius, its click counter carrying the other half), and when the consumer's
    # own dependency is down its messages wait in the queue rather than fail anyone.
    entering = {op.id for op in design.operations if op.consumes is None}
    total = sum(rates[o] for o in entering)
    modes: list[FailureMode] = []
    for c in design.components:
        rc = net.resolved[c.id]
        eff = effects[c.id]
        fails = tuple(o for o, (f, _) in eff.items() if f > 0)
        degrades = tuple(o for o, (f, d) in eff.items() if f == 0 and d > 0)
        survives = tuple(o for o, (f, d) in eff.items() if f == 0 and d == 0)
        unaffected = len(design.operations) - len(eff)
        fail_rate = sum(rates[o] * f for o, (f, _) in eff.items() if o in entering)
        deg_rate = sum(rates[o] * d for o, (_, d) in eff.items() if o in entering)
        instances = rc.replicas + c.read_replicas + c.standby
        # a managed service the provider replicates (SQS) has no single node to lose
        spof = (
            instances == 1
            and bool(fails)
            and traits(c.kind).can_be_spof
            and not rc.provider_replicated
        )
        note = None
        if traits(c.kind).relational and rc.replicas == 1 and c.standby > 0:
            note = "single primary: writes wait for the failover while a standby is promoted" + (
                f" ({sig(float(rc.failover.seconds))} s, {rc.source['failover']})"
                if rc.failover is not None
                else " (no failover time known: give the component `failover:`)"
            )
        elif traits(c.kind).relational and rc.replicas == 1 and c.read_replicas > 0:
            note = "single primary: writes stop until a replica is promoted (failover)"
        if spof:
            note = f"single point of failure: one instance, {len(fails)} operation(s) fail"
        u = _unavailability(net, c.id, instances)
        avail = (
            figure(
                1.0 - u,
                "",
                "1 − (1 − a)^n (parallel replicas"
                + (", standbys promoted on failure)" if c.standby else ")"),
                n=float(instances),
                a=float(rc.availability.fraction()) if rc.availability else None,
            )
            if u is not None
            else figure(None, "", "availability unknown (neither design nor catalog)")
        )
        modes.append(
            FailureMode(
                component=c.id,
                fails=fails,
                degrades=degrades,
                survives=survives,
                unaffected=unaffected,
                fail_share={o: f for o, (f, _) in eff.items() if f > 0},
                blast_radius=figure(
                    fail_rate / total if total else 0.0,
                    "",
                    "Σ rate(op) × P(op fails | down) / Σ rate, over the operations requests "
                    "enter by (queue consumers' work is caused by them)",
                    total_rate=total,
                ),
                degraded_share=figure(
                    deg_rate / total if total else 0.0,
                    "",
                    "Σ rate(op) × P(op degrades | down) / Σ rate, over the operations "
                    "requests enter by",
                ),
                spof=spof,
                availability=avail,
                note=note,
            )
        )
    availability: dict[str, Figure] = {}
    writers = {(v.op, v.component) for v in net.visits if v.is_write}
    for op in design.operations:
        a_op = 1.0
        delayed = 0.0
        unknown_parts: list[str] = []
        inputs: dict[str, float | str] = {}
        for comp in sorted(comps_of[op.id]):
            f = effects[comp][op.id][0]
            if f <= 0:
                continue
            u = _unavailability(net, comp, _instances_needed(net, op.id, comp, writers))
            if u is None:
                unknown_parts.append(comp)
                continue
            inputs[f"U({comp})"] = u
            inputs[f"f({comp})"] = f
            if op.consumes is not None:
                delayed = 1.0 - (1.0 - delayed) * (1.0 - u * f)
            else:
                a_op *= 1.0 - u * f
        if unknown_parts:
            # a job's figure is 1 whatever its parts' availability: only its delay misses them
            key = (
                UNKNOWN_PARTS if op.consumes is None else "delay leaves out (availability unknown)"
            )
            inputs[key] = ", ".join(unknown_parts)
        if op.consumes is not None:
            # the queue redelivers a message whose job failed in an outage: delayed, not lost
            inputs["share of time delayed"] = delayed
            availability[op.id] = Figure(
                1.0,
                "",
                f"1: a job fed by '{op.consumes}' is redelivered after an outage (delayed "
                "for Π-share 1 − Π (1 − U_X·f_X), not failed)",
                inputs,
                OK,
            )
            continue
        availability[op.id] = Figure(
            a_op,
            "",
            "Π (1 − U_X·f_X), U_X = (1 − a_X)^n_X (series components, parallel "
            "replicas; fail-open edges excluded)",
            inputs,
            OK,
        )
    return tuple(modes), availability


def left_out(avail: Figure) -> str | None:
    """The components an operation's availability figure leaves out (no availability in
    the design or the catalog), comma-separated, or None: with any, the figure is an upper
    bound."""
    parts = avail.inputs.get(UNKNOWN_PARTS)
    return str(parts) if parts else None


def availability_check(design: Design, op_id: str, avail: Figure) -> SloCheck | None:
    target = availability_objective(design.operation(op_id), design.requirements.slos.availability)
    if target is None or avail.value is None:
        return None
    t = float(target.fraction)
    if avail.value < t:
        return SloCheck("availability", t, avail, SloStatus.VIOLATED)
    if UNKNOWN_PARTS in avail.inputs:
        # the figure leaves out what has no availability: it is an upper bound, so it can
        # prove a miss but not that the target is met
        return SloCheck("availability", t, avail, SloStatus.UNKNOWN)
    return SloCheck("availability", t, avail, SloStatus.MET)


def downtime(avail: Figure) -> Figure:
    if avail.value is None:
        return figure(None, "min/year", "availability unknown")
    return figure(
        (1.0 - avail.value) * MINUTES_PER_YEAR,
        "min/year",
        "(1 − A) × 525,600 min",
        availability=avail.value,
    )
