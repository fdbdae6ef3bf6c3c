"""Checks beyond the schema: ids, references, cycles, probabilities, impossible numbers.

Each check yields located diagnostics; the loader collects them all. They read only the
`Design` (and the catalog), so they run on a design from any frontend: `require_valid` is
what `archproof.run()` calls on a design that did not come through the loader (one built
with `Design.model_validate`), so a dangling reference there is the user's located
`DesignError` too, never a `KeyError` deep inside a pass.
"""

from __future__ import annotations

import difflib
import operator
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from archproof.catalog import load_catalog, lost_beyond_instances, service_time
from archproof.errors import DesignError, Diagnostic
from archproof.frontends.located_yaml import CONTROL_CHARACTERS
from archproof.model import (
    Alert,
    CallNode,
    Design,
    Event,
    LogPolicy,
    Metric,
    OneOf,
    Parallel,
    walk_calls,
)
from archproof.model.operations import CallItem
from archproof.model.questions import PLACEHOLDER_PATTERN, PLACEHOLDERS, QUESTION_IDS
from archproof.model.traits import traits
from archproof.numbers import sig
from archproof.span import Span

# Designs that passed `check_design`, by identity (weakly held: this is no cache of designs).
# A design is immutable, so one that passed once still passes; an edit is a new object.
_CHECKED: weakref.WeakValueDictionary[int, Design] = weakref.WeakValueDictionary()


def mark_checked(design: Design) -> None:
    """Record that `design` passed `check_design` (the loader calls this)."""
    _CHECKED[id(design)] = design


def require_valid(design: Design) -> None:
    """Raise `DesignError` with every semantic problem of `design`, unless it passed already."""
    if _CHECKED.get(id(design)) is design:
        return
    # Text the loader did not read (a design built in Python) is checked for control
    # characters here; the loader refuses them as it reads (AP006).
    diagnostics = check_design(design) + _control_text(design) + _out_of_bounds(design)
    if diagnostics:
        raise DesignError(sorted_diagnostics(diagnostics))
    mark_checked(design)


def sorted_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Duplicates dropped, in the order of the file (unlocated ones first)."""

    def key(d: Diagnostic) -> tuple[int, int, str]:
        return (d.span.line, d.span.column, d.code) if d.span else (0, 0, d.code)

    unique: dict[tuple[Any, ...], Diagnostic] = {}
    for d in diagnostics:
        unique.setdefault((d.code, d.message, d.span), d)
    return sorted(unique.values(), key=key)


def check_design(design: Design) -> list[Diagnostic]:
    """Every semantic problem in `design`, in no particular order."""
    out: list[Diagnostic] = []
    for check in (
        _techs,
        _components,
        _operations,
        _call_trees,
        _consumer_loops,
        _entities,
        _events,
        _observability,
        _assumptions,
        _scenarios,
        _answers,
    ):
        out.extend(check(design))
    return out


def _control_text(design: Design) -> list[Diagnostic]:
    """AP006 for design text holding a control character (a terminal escape, a bell, a
    direction override). The loader refuses them as it reads; `require_valid` runs this on
    designs built in Python and handed to `archproof.run`, so no backend ever receives one
    (issue 12)."""
    found: list[Diagnostic] = []

    def walk(value: object, span: Span | None) -> None:
        span = getattr(value, "span", None) or span
        if isinstance(value, str):
            if (bad := CONTROL_CHARACTERS.search(value)) is not None:
                found.append(
                    Diagnostic(
                        "AP006",
                        f"text contains the control character U+{ord(bad.group()):04X}",
                        span,
                        "designs are plain text: remove it (terminal escapes, bells and "
                        "direction overrides are refused)",
                    )
                )
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                if name != "span":
                    walk(getattr(value, name), span)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(key, span)
                walk(item, span)
        elif isinstance(value, tuple | list | frozenset | set):
            for item in value:
                walk(item, span)

    walk(design, None)
    return found


def _out_of_bounds(design: Design) -> list[Diagnostic]:
    """AP025 for a number outside its field's declared range in a design built in Python.

    The loader validates every field; `model_copy(update=...)` does not, so a design made
    that way could hand the simulator replicas=10**43, which its int64 arrays cannot hold
    (an OverflowError mid-run). Checked here, before any pass starts, located on the
    element and naming the figure, as the loader says it (issue 12)."""
    found: list[Diagnostic] = []

    def walk(value: object, span: Span | None) -> None:
        span = getattr(value, "span", None) or span
        if isinstance(value, BaseModel):
            for name, info in type(value).model_fields.items():
                if name == "span":
                    continue
                item = getattr(value, name)
                if isinstance(item, int | float | Fraction) and not isinstance(item, bool):
                    for bound in info.metadata:
                        if (said := _violates(bound, item)) is not None:
                            found.append(
                                Diagnostic(
                                    "AP025",
                                    f"'{name}' {said}, got {item}",
                                    span,
                                    "ranges are generous, far beyond real systems; "
                                    "`archproof describe` lists them",
                                )
                            )
                walk(item, span)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item, span)
        elif isinstance(value, tuple | list | frozenset | set):
            for item in value:
                walk(item, span)

    walk(design, None)
    return found


def _violates(bound: object, value: float | Fraction) -> str | None:
    """How `value` breaks an annotated-types bound (Ge, Gt, Le, Lt), or None."""
    for attr, words, fails in (
        ("ge", "must be at least", operator.lt),
        ("gt", "must be greater than", operator.le),
        ("le", "must be at most", operator.gt),
        ("lt", "must be less than", operator.ge),
    ):
        limit = getattr(bound, attr, None)
        if isinstance(limit, int | float | Fraction) and fails(value, limit):
            return f"{words} {limit}"
    return None


def _hint(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _dangling(
    what: str, name: str, known: Iterable[str], span: Span | None, context: str = ""
) -> Diagnostic:
    known = list(known)
    hint = _hint(name, known) or (f"known: {', '.join(sorted(known))}" if known else None)
    return Diagnostic("AP021", f"unknown {what} '{name}'{context}", span, hint)


def _techs(design: Design) -> Iterator[Diagnostic]:
    catalog = load_catalog()
    for c in design.components:
        if c.tech is not None and catalog.get(c.tech) is None:
            yield Diagnostic(
                "AP029",
                f"unknown technology '{c.tech}' for component '{c.id}'",
                c.span,
                _hint(c.tech, catalog.ids()) or "run `archproof catalog` for the list",
            )


def _components(design: Design) -> Iterator[Diagnostic]:
    catalog = load_catalog()
    for c in design.components:
        entry = catalog.get(c.tech)
        if c.read_replicas and not traits(c.kind).read_replicas:
            yield Diagnostic(
                "AP027",
                f"component '{c.id}' of kind {c.kind.value} cannot have read replicas",
                c.span,
                "read replicas apply to databases and search indexes",
            )
        elif c.read_replicas and entry is not None and not entry.read_replicas_supported:
            yield Diagnostic(
                "AP027",
                f"{entry.name} ('{c.id}') does not support read replicas",
                c.span,
            )
        if c.standby and not traits(c.kind).standby:
            yield Diagnostic(
                "AP035",
                f"component '{c.id}' of kind {c.kind.value} cannot have a standby",
                c.span,
                "a standby keeps state in sync for a failover (databases, caches, queues, "
                "search indexes); use `replicas` for instances that serve",
            )


def _operations(design: Design) -> Iterator[Diagnostic]:
    components = design.component_map
    for op in design.operations:
        sources = [x for x in (op.rate, op.share, op.consumes) if x is not None]
        if not sources:
            yield Diagnostic(
                "AP031",
                f"operation '{op.id}' has no load: give 'rate', 'share' or 'consumes'",
                op.span,
                "e.g. `rate: 1k/s`",
            )
        elif len(sources) > 1:
            yield Diagnostic(
                "AP031",
                f"operation '{op.id}' takes only one of 'rate', 'share' and 'consumes'",
                op.span,
            )
        if op.rate is not None and op.rate.per_second <= 0:
            yield Diagnostic("AP025", f"operation '{op.id}' has a zero rate", op.span)
        if op.peak is not None and op.rate is not None and op.peak.per_second < op.rate.per_second:
            # a peak is the busiest rate: sized below the average, the design would be undersized
            yield Diagnostic(
                "AP025",
                f"operation '{op.id}' has a peak ({op.peak}) below its average rate ({op.rate})",
                op.span,
            )
        if op.share is not None and design.requirements.load.requests is None:
            yield Diagnostic(
                "AP031",
                f"operation '{op.id}' has a share but requirements.load.requests is not set",
                op.span,
            )
        if op.consumes is not None:
            target = components.get(op.consumes)
            if target is None:
                yield _dangling("component", op.consumes, components, op.span, " in 'consumes'")
            elif not traits(target.kind).message_hub:
                yield Diagnostic(
                    "AP028",
                    f"operation '{op.id}' consumes '{op.consumes}', which is a "
                    f"{target.kind.value}, not a queue",
                    op.span,
                )
        if not op.calls:
            yield Diagnostic("AP032", f"operation '{op.id}' makes no calls", op.span)


def _call_trees(design: Design) -> Iterator[Diagnostic]:
    for op in design.operations:
        yield from _items(design, op.calls, (), op.id)


def _probability(p: Fraction) -> str:
    """A probability as the message shows it: plain digits (`:g` printed 1e+15), and past a
    million only the side it is on (the value itself is in the excerpt, maybe 300 digits)."""
    if abs(p) > 10**6:
        return "over a million" if p > 0 else "under minus a million"
    return sig(float(p), 4)


def _items(
    design: Design, items: tuple[CallItem, ...], ancestors: tuple[str, ...], op: str
) -> Iterator[Diagnostic]:
    for item in items:
        if isinstance(item, OneOf):
            total = sum((b.p for b in item.one_of), Fraction(0))
            for branch in item.one_of:
                if not 0 <= branch.p <= 1:
                    yield Diagnostic(
                        "AP023",
                        f"branch probability {_probability(branch.p)} is outside [0, 1]",
                        branch.span,
                    )
            if total > 1:
                yield Diagnostic(
                    "AP024",
                    f"one_of probabilities sum to {_probability(total)}, more than 1",
                    item.span,
                    "the branches are exclusive; the rest (1 - sum) means no call",
                )
            for branch in item.one_of:
                yield from _items(design, branch.calls, ancestors, op)
        elif isinstance(item, Parallel):
            yield from _items(design, item.parallel, ancestors, op)
        else:
            yield from _call(design, item, ancestors, op)


def _call(
    design: Design, node: CallNode, ancestors: tuple[str, ...], op: str
) -> Iterator[Diagnostic]:
    component = design.component_map.get(node.component)
    if component is None:
        yield _dangling(
            "component", node.component, design.component_map, node.span, f" in call '{node.call}'"
        )
        return
    if not 0 <= node.p <= 1:
        yield Diagnostic(
            "AP023",
            f"probability {_probability(node.p)} of '{node.call}' is outside [0, 1]",
            node.span,
        )
    if node.component in ancestors:
        path = " → ".join((*ancestors, node.component))
        yield Diagnostic(
            "AP022",
            f"call cycle in operation '{op}': {path}",
            node.span,
            "a component waiting on itself deadlocks under load; break the cycle",
        )
        return
    entry = load_catalog().get(component.tech)
    found = service_time(component, entry, node.work)
    callee_time = node.time or (found[0] if found else None)
    if callee_time is None:
        known = list(component.work) + (list(entry.work) if entry else [])
        yield Diagnostic(
            "AP033",
            f"no service time for '{node.call}': '{component.id}' has no work '{node.work}'",
            node.span,
            _hint(node.work, known)
            or f"add `work: {{{node.work}: 2ms}}` to '{component.id}' or a time on the call",
        )
    if node.timeout is not None:
        if node.timeout.seconds <= 0:
            yield Diagnostic("AP025", f"timeout of '{node.call}' must be positive", node.span)
        elif callee_time is not None and float(node.timeout.seconds) < callee_time.min_s():
            yield Diagnostic(
                "AP026",
                f"timeout {node.timeout} on '{node.call}' is shorter than its fastest possible "
                f"service time ({callee_time.describe()})",
                node.span,
                "every call would time out; raise the timeout or speed up the callee",
            )
    if node.consistency is not None and node.is_write:
        yield Diagnostic(
            "AP015",
            f"'consistency' on '{node.call}', which is a write: writes always go to the primary",
            node.span,
            "`consistency` says which copy a read goes to; drop it here, or set `write: false` "
            "if the call only reads",
        )
    if node.update is not None and not node.is_write:
        yield Diagnostic(
            "AP015",
            f"'update' on '{node.call}', which is a read: only a write changes rows",
            node.span,
            "set `write: true` if the call writes, or drop `update`",
        )
    if node.async_ and not traits(component.kind).message_hub:
        yield Diagnostic(
            "AP028",
            f"async hand-off to '{component.id}', which is a {component.kind.value}, not a queue",
            node.span,
            "enqueue on a queue component and let a worker operation consume it",
        )
    if node.async_ and node.calls:
        yield Diagnostic(
            "AP028",
            f"async hand-off '{node.call}' cannot have nested calls; the consumer does that work",
            node.span,
        )
    yield from _items(design, node.calls, (*ancestors, node.component), op)


def _consumer_loops(design: Design) -> Iterator[Diagnostic]:
    """Operation A enqueues on q, consumed by B, which enqueues back to A's queue: a loop."""
    feeds: dict[str, set[str]] = {}
    consumers: dict[str, list[str]] = {}
    for op in design.operations:
        if op.consumes:
            consumers.setdefault(op.consumes, []).append(op.id)
    for op in design.operations:
        feeds[op.id] = {
            consumer
            for node in walk_calls(op.calls)
            if node.async_
            for consumer in consumers.get(node.component, [])
        }
    for start in design.operations:
        stack: list[tuple[str, tuple[str, ...]]] = [(start.id, (start.id,))]
        seen: set[str] = set()
        while stack:
            current, path = stack.pop()
            for nxt in feeds.get(current, ()):
                if nxt == start.id:
                    yield Diagnostic(
                        "AP022",
                        f"message loop: {' → '.join((*path, nxt))} feed each other forever",
                        start.span,
                        "to retry a failed message, don't re-enqueue it: write `redelivery: "
                        "{delay: 30s, max_deliveries: 5, dead_letter: dlq}` on its event",
                    )
                    stack = []
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*path, nxt)))


def _entities(design: Design) -> Iterator[Diagnostic]:
    entities = design.entity_map
    for e in design.entities:
        if e.stored_in is not None and e.stored_in not in design.component_map:
            yield _dangling(
                "component", e.stored_in, design.component_map, e.span, f" in '{e.id}.stored_in'"
            )
        names = set(e.fields)
        for key in e.key:
            if names and key not in names:
                yield _dangling("field", key, names, e.span, f" in the key of '{e.id}'")
        for rel in e.relations:
            if rel.to not in entities:
                yield _dangling("entity", rel.to, entities, rel.span, f" in a relation of '{e.id}'")
            if rel.via is not None and names and rel.via not in names:
                yield _dangling("field", rel.via, names, rel.span, f" in '{e.id}'")
        for fname, fld in e.fields.items():
            if fld.type == "ref" and fld.ref is not None and fld.ref not in entities:
                yield _dangling("entity", fld.ref, entities, fld.span, f" in field '{fname}'")
            if fld.type == "enum" and not fld.values:
                yield Diagnostic("AP015", f"enum field '{fname}' lists no values", fld.span)
        for pattern in e.access_patterns:
            for col in (*pattern.by, *([pattern.order_by] if pattern.order_by else [])):
                if names and col not in names:
                    yield _dangling(
                        "field", col, names, pattern.span, f" in access pattern '{pattern.id}'"
                    )
            if pattern.operation is not None and pattern.operation not in design.operation_map:
                yield _dangling("operation", pattern.operation, design.operation_map, pattern.span)
        for col in e.partition_key:
            if names and col not in names:
                yield _dangling("field", col, names, e.span, f" in the partition key of '{e.id}'")
        for index in e.indexes:
            for col in index.columns:
                if names and col not in names:
                    yield _dangling("field", col, names, index.span, f" in an index of '{e.id}'")
        states = set(e.states)
        for source, targets in e.transitions.items():
            for state in (source, *targets):
                if state not in states:
                    yield _dangling("state", state, states, e.span, f" in '{e.id}.transitions'")
        yield from _duplicates(
            [p.id for p in e.access_patterns], [p.span for p in e.access_patterns], "access pattern"
        )


def _events(design: Design) -> Iterator[Diagnostic]:
    components = design.component_map
    for ev in design.events:
        for name in (*ev.producers, *ev.consumers, *([ev.hub] if ev.hub else [])):
            if name not in components:
                yield _dangling("component", name, components, ev.span, f" in event '{ev.id}'")
        yield from _redelivery(design, ev)
        if ev.hub in components and not traits(components[ev.hub].kind).message_hub:
            yield Diagnostic(
                "AP028",
                f"event '{ev.id}' uses hub '{ev.hub}', which is not a queue or event hub",
                ev.span,
            )


def _redelivery(design: Design, ev: Event) -> Iterator[Diagnostic]:
    """A dead-letter target is a queue or event hub, and not the queue it drains."""
    if ev.redelivery is None or ev.redelivery.dead_letter is None:
        return
    components, dlq = design.component_map, ev.redelivery.dead_letter
    span = ev.redelivery.span or ev.span
    if dlq not in components:
        yield _dangling("component", dlq, components, span, f" in '{ev.id}.redelivery.dead_letter'")
    elif not traits(components[dlq].kind).message_hub:
        yield Diagnostic(
            "AP028",
            f"dead letter target '{dlq}' of event '{ev.id}' is a {components[dlq].kind.value}, "
            "not a queue",
            span,
            "dead-letter onto a queue or event hub component",
        )
    elif dlq == ev.hub:
        yield Diagnostic(
            "AP015",
            f"event '{ev.id}' dead-letters onto its own hub '{dlq}': the messages come back",
            span,
            "use a separate dead-letter queue",
        )


def _observability(design: Design) -> Iterator[Diagnostic]:
    obs = design.observability
    ops, comps = design.operation_map, design.component_map
    for item in (*obs.metrics, *obs.logs, *obs.alerts):
        assert isinstance(item, Metric | LogPolicy | Alert)
        if item.operation is not None and item.operation not in ops:
            yield _dangling("operation", item.operation, ops, item.span)
        if item.component is not None and item.component not in comps:
            yield _dangling("component", item.component, comps, item.span)
    for log in obs.logs:
        for ref in log.fields:
            yield from _entity_field(design, ref, log.span)
    for name in obs.tracing:
        if name != "*" and name not in ops:
            yield _dangling("operation", name, ops, obs.span, " in 'tracing'")


def _entity_field(design: Design, ref: str, span: Span | None) -> Iterator[Diagnostic]:
    """`entity.field` names a field of an entity of the design."""
    entity_id, dot, fname = ref.partition(".")
    if not dot or not entity_id or not fname or "." in fname:
        yield Diagnostic(
            "AP015", f"'{ref}' is not an 'entity.field' reference", span, "e.g. `User.email`"
        )
        return
    entity = design.entity_map.get(entity_id)
    if entity is None:
        yield _dangling("entity", entity_id, design.entity_map, span, f" in '{ref}'")
    elif fname not in entity.fields:
        yield _dangling("field", fname, entity.fields, span, f" in '{ref}'")


def _assumptions(design: Design) -> Iterator[Diagnostic]:
    assumptions = design.requirements.assumptions
    yield from _duplicates([a.id for a in assumptions], [a.span for a in assumptions], "assumption")
    for a in assumptions:
        check = a.check
        if check is None:
            continue
        if check.component is not None and check.component not in design.component_map:
            yield _dangling("component", check.component, design.component_map, check.span)
        if check.operation is not None and check.operation not in design.operation_map:
            yield _dangling("operation", check.operation, design.operation_map, check.span)
        if check.entity is not None and check.entity not in design.entity_map:
            yield _dangling("entity", check.entity, design.entity_map, check.span)
        if check.max is None and check.min is None:
            yield Diagnostic("AP015", f"assumption '{a.id}' check needs 'max' or 'min'", check.span)


def _scenarios(design: Design) -> Iterator[Diagnostic]:
    for scenario in design.scenarios:
        for fault in scenario.faults:
            if fault.component not in design.component_map:
                yield _dangling("component", fault.component, design.component_map, fault.span)
            needed = {"slow": "factor", "lose_replicas": "replicas", "error_rate": "rate"}
            field = needed.get(fault.kind)
            if field is not None and getattr(fault, field) is None:
                yield Diagnostic("AP011", f"a '{fault.kind}' fault needs '{field}'", fault.span)
            lost = lost_beyond_instances(design, fault)
            if lost is not None:
                hint = "a fault can lose every instance, no more"
                yield Diagnostic("AP015", lost, fault.span, hint)


def _answers(design: Design) -> Iterator[Diagnostic]:
    for qid in design.answers:
        if qid not in QUESTION_IDS:
            yield Diagnostic(
                "AP030",
                f"unknown question id '{qid}'",
                design.span,
                _hint(qid, QUESTION_IDS) or "ids run from Q1.1 to Q6.4 (`archproof questions`)",
            )
    for qid, text in design.answers.items():
        yield from _placeholders(design, qid, text)


_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)


def _placeholders(design: Design, qid: str, text: str) -> Iterator[Diagnostic]:
    """`{{peak_rate:redirect}}` in an answer names a known figure of an existing element."""
    for match in _PLACEHOLDER.finditer(text):
        name, arg = match.group(1), match.group(2)
        where = f"answer {qid}: placeholder '{match.group(0)}'"
        if name not in PLACEHOLDERS:
            hint = _hint(name, PLACEHOLDERS) or "known: " + ", ".join(sorted(PLACEHOLDERS))
            yield Diagnostic("AP034", f"{where} names no figure", design.span, hint)
            continue
        kind = PLACEHOLDERS[name]
        if kind is None:
            if arg is not None:
                yield Diagnostic("AP034", f"{where} takes no argument", design.span)
            continue
        ids = design.operation_map if kind == "operation" else design.component_map
        if arg is None or arg not in ids:
            article = "an" if kind == "operation" else "a"
            shown = f"no {kind} '{arg}'" if arg else f"needs {article} {kind} id"
            fix = _hint(arg, ids) if arg else f"write {{{{{name}:<{kind} id>}}}}"
            yield Diagnostic("AP034", f"{where}: {shown}", design.span, fix)


def _duplicates(ids: list[str], spans: list[Span | None], what: str) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for name, span in zip(ids, spans, strict=True):
        if name in seen:
            yield Diagnostic("AP020", f"duplicate {what} id '{name}'", span)
        seen.add(name)
