"""Answers derived from the model alone: one function per question, None when the model
does not hold the information (the question then stays open unless the author answers).

Each function returns the answer's lines and the model elements they come from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from archproof.catalog import load_catalog, resolve
from archproof.model import CallNode, Design, Entity, OneOf, Operation, Parallel
from archproof.model.operations import CallItem
from archproof.model.traits import traits
from archproof.numbers import sig
from archproof.passes.lower import peak_rate
from archproof.passes.summary import operation_rate
from archproof.units import Rate

Found = tuple[list[str], list[str]]  # (lines of the answer, sources)
Deriver = Callable[[Design], Found | None]


@dataclass(frozen=True)
class _Call:
    op: Operation
    caller: str | None  # component waiting on the call; None for the client / job runner
    node: CallNode
    optional: bool  # under a fail_open or async call


def _calls(op: Operation) -> Iterator[_Call]:
    def walk(items: tuple[CallItem, ...], caller: str | None, optional: bool) -> Iterator[_Call]:
        for item in items:
            if isinstance(item, OneOf):
                for branch in item.one_of:
                    yield from walk(branch.calls, caller, optional)
                continue
            if isinstance(item, Parallel):
                yield from walk(item.parallel, caller, optional)
                continue
            opt = optional or item.async_ or item.on_failure == "fail_open"
            yield _Call(op, caller, item, opt)
            yield from walk(item.calls, item.component, opt)

    return walk(op.calls, None, False)


def _all_calls(design: Design) -> list[_Call]:
    return [c for op in design.operations for c in _calls(op)]


def _found(lines: list[str], sources: list[str]) -> Found | None:
    return (lines, list(dict.fromkeys(sources))) if lines else None


def _rate(value: Rate | None) -> str:
    return f"{float(value.per_second):,.1f}/s" if value is not None else "?"


# ------------------------------------------------------------ 1 Problem understanding


def problem(design: Design) -> Found | None:
    if not design.meta.task:
        return None
    lines = [design.meta.task]
    sources = ["meta.task"]
    if design.requirements.stakeholders:
        lines.append(f"For: {', '.join(design.requirements.stakeholders)}.")
        sources.append("requirements.stakeholders")
    return lines, sources


def use_cases(design: Design) -> Found | None:
    if design.requirements.use_cases:
        return list(design.requirements.use_cases), ["requirements.use_cases"]
    described = [op for op in design.operations if op.description]
    return _found(
        [f"{op.id}: {op.description}" for op in described],
        [f"operation:{op.id}" for op in described],
    )


def scale(design: Design) -> Found | None:
    req = design.requirements
    load = req.load
    lines: list[str] = []
    sources: list[str] = []
    figures = [
        ("users", load.users),
        ("daily active users", load.daily_active_users),
        ("requests", load.requests),
        ("growth per year", load.growth_per_year),
    ]
    shown = [f"{name} {value}" for name, value in figures if value is not None]
    if shown:
        lines.append("Load: " + ", ".join(shown) + f"; peak factor {sig(float(load.peak_factor))}.")
        sources.append("requirements.load")
    for op in design.operations:
        rate = operation_rate(design, op)
        if rate is None:
            continue
        peak = peak_rate(rate, load)
        text = f"{op.id}: {float(rate):,.1f}/s average, {float(peak):,.1f}/s at peak"
        if op.slo is not None:
            targets = [
                f"{name} {getattr(op.slo, name)}"
                for name in ("p50", "p95", "p99", "availability")
                if getattr(op.slo, name) is not None
            ]
            text += f"; SLO {', '.join(targets)}"
        lines.append(text + ".")
        sources.append(f"operation:{op.id}")
    if req.data.total is not None or req.data.retention is not None:
        parts = [f"{req.data.total} stored"] if req.data.total else []
        parts += [f"kept {req.data.retention}"] if req.data.retention else []
        lines.append("Data: " + ", ".join(parts) + ".")
        sources.append("requirements.data")
    if req.slos.availability is not None or req.slos.durability is not None:
        parts = [f"availability {req.slos.availability}"] if req.slos.availability else []
        parts += [f"durability {req.slos.durability}"] if req.slos.durability else []
        lines.append("System SLOs: " + ", ".join(parts) + ".")
        sources.append("requirements.slos")
    return _found(lines, sources)


def constraints(design: Design) -> Found | None:
    req = design.requirements
    lines = [f"Constraint: {c}" for c in req.constraints]
    sources = ["requirements.constraints"] if req.constraints else []
    for a in req.assumptions:
        how = f"checked ({a.check.metric})" if a.check else "unchecked"
        lines.append(f"Assumption {a.id}: {a.statement} [{how}]")
        sources.append(f"assumption:{a.id}")
    return _found(lines, sources)


# ------------------------------------------------------------ 2 System architecture


def components(design: Design) -> Found | None:
    lines = []
    for c in design.components:
        tech = f", {c.tech}" if c.tech else ""
        why = f": {c.rationale}" if c.rationale else ""
        lines.append(f"{c.id} ({c.kind.value}{tech}){why}")
    return _found(lines, [f"component:{c.id}" for c in design.components])


def state(design: Design) -> Found | None:
    if not design.components:
        return None
    catalog = load_catalog()
    stateful, stateless = [], []
    for c in design.components:
        if traits(c.kind).actor:
            continue
        if not resolve(c, catalog.get(c.tech)).stateful:
            stateless.append(c.id)
            continue
        held = list(c.state) + [e.id for e in design.entities if e.stored_in == c.id]
        held = list(dict.fromkeys(held))
        text = f"{c.id} ({c.kind.value}) holds {', '.join(held) if held else 'state'}"
        if c.standby:
            text += f"; {c.standby} hot standby (promoted on failure)"
        if c.recovery:
            text += f"; recovery: {c.recovery}"
        stateful.append(text)
    lines = [f"Stateful: {s}" for s in stateful]
    if stateless:
        lines.append(f"Stateless: {', '.join(stateless)}")
    return _found(lines, [f"component:{c.id}" for c in design.components])


def communication(design: Design) -> Found | None:
    sync: dict[str, None] = {}
    handoffs: list[str] = []
    consumers: dict[str, list[str]] = {}
    for op in design.operations:
        if op.consumes:
            consumers.setdefault(op.consumes, []).append(op.id)
    for call in _all_calls(design):
        caller = call.caller or "client"
        if call.node.async_:
            by = consumers.get(call.node.component, [])
            tail = f", consumed by {', '.join(by)}" if by else ""
            handoffs.append(f"{call.op.id}: {caller} → {call.node.call} (async{tail})")
        elif call.caller is not None:
            sync[f"{caller} → {call.node.call}"] = None
    lines = []
    if sync:
        lines.append(f"Synchronous calls: {'; '.join(sync)}")
    lines += [f"Background hand-off: {h}" for h in handoffs]
    for ev in design.events:
        hub = f" via {ev.hub}" if ev.hub else ""
        lines.append(
            f"Event {ev.id}{hub}: {', '.join(ev.producers) or '?'} → "
            f"{', '.join(ev.consumers) or '?'}"
        )
    sources = [f"operation:{op.id}" for op in design.operations if op.calls]
    sources += [f"event:{ev.id}" for ev in design.events]
    return _found(lines, sources)


def technologies(design: Design) -> Found | None:
    catalog = load_catalog()
    chosen = [c for c in design.components if c.tech]
    lines = []
    for c in chosen:
        entry = catalog.get(c.tech)
        name = entry.name if entry else c.tech
        why = f" — {c.rationale}" if c.rationale else ""
        lines.append(f"{c.id}: {name}{why}")
    return _found(lines, [f"component:{c.id}" for c in chosen])


# ------------------------------------------------------------ 3 Data design


def entities(design: Design) -> Found | None:
    lines = []
    for e in design.entities:
        where = f" in {e.stored_in}" if e.stored_in else ""
        key = f", key {', '.join(e.key)}" if e.key else ""
        text = f"{e.id}{where}{key}: {len(e.fields)} fields"
        if e.relations:
            rels = [f"{r.kind} {r.to}" + (f" via {r.via}" if r.via else "") for r in e.relations]
            text += f"; {'; '.join(rels)}"
        lines.append(text)
    return _found(lines, [f"entity:{e.id}" for e in design.entities])


def _serving_index(entity: Entity, by: tuple[str, ...], order_by: str | None) -> str | None:
    """The key or index whose leading columns are `by` (any order) then `order_by`."""
    wanted = len(by) + (1 if order_by else 0)
    candidates = [("primary key", entity.key)] + [
        (ix.name or f"index ({', '.join(ix.columns)})", ix.columns) for ix in entity.indexes
    ]
    for name, columns in candidates:
        if len(columns) < wanted or set(columns[: len(by)]) != set(by):
            continue
        if order_by and columns[len(by)] != order_by:
            continue
        if not by and not order_by:
            continue
        return f"{name} ({', '.join(columns)})" if name == "primary key" else name
    return None


def access_patterns(design: Design) -> Found | None:
    lines, sources = [], []
    for e in design.entities:
        served_by: set[str] = set()
        for ap in e.access_patterns:
            what = f"{ap.kind} by {', '.join(ap.by) or '-'}"
            if ap.order_by:
                what += f" ordered by {ap.order_by}"
            if ap.kind in ("scan", "search"):
                served = "full scan" if ap.kind == "scan" else "text search"
            else:
                served = _serving_index(e, ap.by, ap.order_by) or "no supporting index"
                served_by.add(served)
            lines.append(f"{e.id}.{ap.id}: {what} → {served}")
            sources.append(f"entity:{e.id}")
        for ix in e.indexes:
            label = ix.name or f"index ({', '.join(ix.columns)})"
            if label not in served_by:
                lines.append(f"{e.id}: {label} serves no listed access pattern")
                sources.append(f"entity:{e.id}")
    return _found(lines, sources)


def read_scaling(design: Design) -> Found | None:
    lines, sources = [], []
    for c in design.components:
        if c.read_replicas:
            lines.append(f"{c.id}: reads spread over {c.read_replicas} read replica(s)")
            sources.append(f"component:{c.id}")
        if traits(c.kind).cache or c.cache is not None:
            tech = f" ({c.tech})" if c.tech else ""
            lines.append(f"{c.id}{tech}: a cache serves reads before they reach the store")
            sources.append(f"component:{c.id}")
    return _found(lines, sources)


def consistency(design: Design) -> Found | None:
    lines, sources = [], []
    if design.requirements.data.retention is not None:
        lines.append(f"Retention: {design.requirements.data.retention}.")
        sources.append("requirements.data")
    for e in design.entities:
        if e.states:
            moves = "; ".join(f"{s} → {', '.join(t)}" for s, t in e.transitions.items())
            text = f"{e.id} states: {', '.join(e.states)}" + (f" ({moves})" if moves else "")
            lines.append(text)
            sources.append(f"entity:{e.id}")
    if not lines:
        return None
    for c in design.components:
        if c.read_replicas:
            lines.append(f"Reads from {c.id}'s read replicas may lag the primary.")
            sources.append(f"component:{c.id}")
    return lines, sources


# ------------------------------------------------------------ 4 Scalability & performance


def background_work(design: Design) -> Found | None:
    lines, sources = [], []
    for op in design.operations:
        if not op.sync:
            src = f" (consumes {op.consumes})" if op.consumes else ""
            lines.append(f"Background job: {op.id}{src}")
            sources.append(f"operation:{op.id}")
    for call in _all_calls(design):
        if call.node.async_:
            lines.append(f"{call.op.id} hands off {call.node.call} without waiting")
            sources.append(f"operation:{call.op.id}")
    return _found(lines, sources)


def caching(design: Design) -> Found | None:
    lines, sources = [], []
    for c in design.components:
        if not traits(c.kind).cache and c.cache is None:
            continue
        text = f"{c.id}"
        settings = c.cache
        if settings is not None:
            facts = [
                f"justification: {settings.justification}" if settings.justification else "",
                f"ttl {settings.ttl}" if settings.ttl else "",
                f"invalidation: {settings.invalidation}" if settings.invalidation else "",
                f"hit ratio {settings.hit_ratio}" if settings.hit_ratio else "",
            ]
            shown = [f for f in facts if f]
            if shown:
                text += ": " + "; ".join(shown)
        lines.append(text)
        sources.append(f"component:{c.id}")
    return _found(lines, sources)


# ------------------------------------------------------------ 5 Failure modes


def blast_radius(design: Design) -> Found | None:
    fails: dict[str, set[str]] = {}
    degrades: dict[str, set[str]] = {}
    for call in _all_calls(design):
        target = degrades if call.optional else fails
        target.setdefault(call.node.component, set()).add(call.op.id)
    lines = []
    for c in design.components:
        down = sorted(fails.get(c.id, set()))
        soft = sorted(degrades.get(c.id, set()) - set(down))
        if not down and not soft:
            continue
        parts = [f"fails {', '.join(down)}"] if down else []
        parts += [f"degrades {', '.join(soft)}"] if soft else []
        lines.append(f"{c.id} down: {'; '.join(parts)}")
    return _found(lines, [f"operation:{op.id}" for op in design.operations])


def guards(design: Design) -> Found | None:
    lines, sources = [], []
    guarded = False
    for call in _all_calls(design):
        node = call.node
        if call.caller is None or node.async_:
            continue
        parts = [f"timeout {node.timeout}" if node.timeout else "no timeout"]
        if node.retries is not None and node.retries.count:
            r = node.retries
            backoff = f"backoff {r.backoff}" if r.backoff else "no backoff"
            jitter = f", jitter {r.jitter}" if r.jitter else ""
            word = "retry" if r.count == 1 else "retries"
            parts.append(f"{r.count} {word} ({backoff}{jitter})")
        parts.append("breaker" if node.breaker else "no breaker")
        guarded = guarded or bool(node.timeout or node.retries or node.breaker)
        lines.append(f"{call.op.id}: {call.caller} → {node.call}: {', '.join(parts)}")
        sources.append(f"operation:{call.op.id}")
    return _found(lines, sources) if guarded else None


def fail_modes(design: Design) -> Found | None:
    lines, sources = [], []
    for op in design.operations:
        opened = [c.node for c in _calls(op) if c.node.on_failure == "fail_open"]
        closed = [c.node for c in _calls(op) if c.node.on_failure == "fail_closed"]
        if not opened and not closed:
            continue
        parts = []
        if closed:
            parts.append(f"fails closed on {', '.join(n.call for n in closed)}")
        if opened:
            shown = [n.call + (f" ({n.fallback})" if n.fallback else "") for n in opened]
            parts.append(f"fails open on {', '.join(shown)}")
        lines.append(f"{op.id}: {'; '.join(parts)}")
        sources.append(f"operation:{op.id}")
    return _found(lines, sources)


def idempotency(design: Design) -> Found | None:
    lines, sources = [], []
    for op in design.operations:
        if op.idempotency_key:
            lines.append(f"{op.id}: idempotency key — {op.idempotency_key}")
            sources.append(f"operation:{op.id}")
        safe = [c.node.call for c in _calls(op) if c.node.idempotent]
        if safe:
            lines.append(f"{op.id}: idempotent calls {', '.join(safe)}")
            sources.append(f"operation:{op.id}")
    for ev in design.events:
        if ev.idempotent_consumers:
            lines.append(f"event {ev.id}: consumers de-duplicate redeliveries")
            sources.append(f"event:{ev.id}")
    return _found(lines, sources)


# ------------------------------------------------------------ 6 Implementation strategy


def observed(design: Design) -> Found | None:
    obs = design.observability
    lines = []
    for m in obs.metrics:
        target = m.operation or m.component or "system"
        pct = f" ({', '.join(m.percentiles)})" if m.percentiles else ""
        lines.append(f"Metric {m.name}: {m.kind} of {target}{pct}")
    for log in obs.logs:
        target = log.operation or log.component or "everything"
        lines.append(f"Logs: {log.on} of {target}, {log.detail}")
    for a in obs.alerts:
        target = a.operation or a.component or "system"
        threshold = f" ({a.threshold})" if a.threshold else ""
        lines.append(f"Alert {a.name}: {a.on} on {target}{threshold}")
    if obs.tracing:
        lines.append(f"Tracing: {', '.join(obs.tracing)}")
    return _found(lines, ["observability"])


def assumptions(design: Design) -> Found | None:
    lines, sources = [], []
    for a in design.requirements.assumptions:
        if a.check is not None:
            bound = " ".join(
                x
                for x in (
                    f"max {a.check.max}" if a.check.max else "",
                    f"min {a.check.min}" if a.check.min else "",
                )
                if x
            )
            target = a.check.component or a.check.operation or a.check.entity or "system"
            lines.append(f"{a.id}: checked by the passes — {a.check.metric} of {target} {bound}")
        else:
            src = f" (source: {a.source})" if a.source else ""
            lines.append(f"{a.id}: unchecked — validate early{src}: {a.statement}")
        sources.append(f"assumption:{a.id}")
    return _found(lines, sources)


def testing(design: Design) -> Found | None:
    lines = [
        f"Fault scenario {s.id}: {s.description or ', '.join(f.kind for f in s.faults)}"
        for s in design.scenarios
    ]
    return _found(lines, [f"scenario:{s.id}" for s in design.scenarios])


DERIVERS: dict[str, Deriver] = {
    "Q1.1": problem,
    "Q1.2": use_cases,
    "Q1.3": scale,
    "Q1.4": constraints,
    "Q2.1": components,
    "Q2.2": state,
    "Q2.3": communication,
    "Q2.4": technologies,
    "Q3.1": entities,
    "Q3.2": access_patterns,
    "Q3.3": read_scaling,
    "Q3.4": consistency,
    "Q4.2": background_work,
    "Q4.3": caching,
    "Q5.1": blast_radius,
    "Q5.2": guards,
    "Q5.3": fail_modes,
    "Q5.4": idempotency,
    "Q6.2": observed,
    "Q6.3": assumptions,
    "Q6.4": testing,
}
