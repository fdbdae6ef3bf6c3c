"""The design's structure as figures: component graph, sequence diagrams, ER diagram.

These are re-drawings of the model (who calls whom, in which order, which entity
refers to which), not analysis: every edge is a call written in the design.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

import archproof.numbers as numbers
from archproof.backends.report.document import (
    ErDiagram,
    ErEntity,
    ErField,
    ErRelation,
    Graph,
    GraphEdge,
    GraphNode,
    Message,
    Sequence,
)
from archproof.catalog import load_catalog, resolve
from archproof.model import CallItem, CallNode, Design, OneOf, Operation, Parallel
from archproof.model.traits import traits

USERS = "users"
SCHEDULER = "scheduler"


def _pct(p: object) -> str:
    return numbers.percent(float(p))  # type: ignore[arg-type]


def stateful_map(design: Design) -> dict[str, bool]:
    """Whether each component holds state (the design's word, else the catalog's)."""
    catalog = load_catalog()
    return {c.id: resolve(c, catalog.get(c.tech)).stateful for c in design.components}


def entry_of(design: Design, op: Operation) -> str:
    """Who starts an operation: a client component, the users, a queue, or a scheduler."""
    if op.consumes:
        return op.consumes
    if not op.sync:
        return SCHEDULER
    clients = [c.id for c in design.components if traits(c.kind).actor]
    return clients[0] if clients else USERS


# --------------------------------------------------------------------------- component graph


def component_graph(design: Design) -> Graph:
    """Components as nodes in columns by call depth; calls as edges (dashed when async)."""
    edges: dict[tuple[str, str, bool], list[str]] = {}

    def add(source: str, target: str, label: str, async_: bool) -> None:
        if source == target:
            return
        labels = edges.setdefault((source, target, async_), [])
        if label and label not in labels:
            labels.append(label)

    queue = ""

    def walk(items: tuple[CallItem, ...], caller: str, chain: bool) -> None:
        prev = caller
        for item in items:
            if isinstance(item, OneOf):
                for branch in item.one_of:
                    walk(branch.calls, prev, chain=False)
                continue
            if isinstance(item, Parallel):
                walk(item.parallel, prev, chain=False)  # all called by the same caller
                continue
            delivered = chain and prev == queue  # a queue hands its messages to the worker
            add(prev, item.component, item.work, item.async_ or delivered)
            walk(item.calls, item.component, chain=False)
            if chain and not item.async_:
                prev = item.component

    for op in design.operations:
        entry = entry_of(design, op)
        queue = op.consumes or ""
        walk(op.calls, entry, chain=True)
    for event in design.events:
        if event.hub:
            for producer in event.producers:
                if not any(k[:2] == (producer, event.hub) for k in edges):
                    add(producer, event.hub, event.id, True)
            for consumer in event.consumers:
                if not any(k[:2] == (event.hub, consumer) for k in edges):
                    add(event.hub, consumer, event.id, True)

    known = {c.id for c in design.components}
    virtual = [v for v in (USERS, SCHEDULER) if v not in known and any(k[0] == v for k in edges)]
    columns = _columns(
        [*virtual, *(c.id for c in design.components)], [(s, t) for s, t, _ in edges]
    )
    stateful = stateful_map(design)
    nodes = [
        GraphNode(
            id=v,
            label="Users" if v == USERS else "Scheduler",
            kind="client",
            tech="",
            stateful=False,
            column=columns[v],
            virtual=True,
        )
        for v in virtual
    ]
    nodes += [
        GraphNode(
            id=c.id,
            label=c.id,
            kind=c.kind.value,
            tech=c.tech or "",
            stateful=stateful[c.id],
            column=columns[c.id],
        )
        for c in design.components
    ]
    out_edges = tuple(
        GraphEdge(source=s, target=t, label=", ".join(labels), async_=a)
        for (s, t, a), labels in edges.items()
        if s in columns and t in columns
    )
    return Graph(title="Components and calls", nodes=tuple(nodes), edges=out_edges)


def _columns(ids: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Column = shortest call depth from an entry point (a node nobody calls)."""
    incoming = {t for _, t in edges}
    succ: dict[str, list[str]] = {i: [] for i in ids}
    for s, t in edges:
        if s in succ:
            succ[s].append(t)
    depth: dict[str, int] = {}
    queue: deque[str] = deque()
    for i in ids:
        if i not in incoming and succ.get(i):
            depth[i] = 0
            queue.append(i)
    while queue:
        node = queue.popleft()
        for nxt in succ.get(node, []):
            if nxt not in depth and nxt in succ:
                depth[nxt] = depth[node] + 1
                queue.append(nxt)
    # Nodes on a cycle with no entry, then unused components, go after the rest.
    last = max(depth.values(), default=-1) + 1
    for i in ids:
        if i not in depth:
            depth[i] = last
    return depth


# --------------------------------------------------------------------------- sequences


def guards(node: CallNode) -> str:
    """A call's probability and guards: `p 10% · timeout 100ms · 1 retry · fail_closed`."""
    notes: list[str] = []
    if node.p != 1:
        notes.append(f"p {_pct(node.p)}")
    if node.times > 1:
        notes.append(f"×{node.times}")
    if node.timeout is not None:
        notes.append(f"timeout {node.timeout}")
    if node.retries is not None and node.retries.count:
        count = node.retries.count
        notes.append(f"{count} retr{'y' if count == 1 else 'ies'}")
    if node.breaker is not None:
        notes.append("breaker")
    if node.on_failure:
        notes.append(node.on_failure.replace("_", " "))
    return " · ".join(notes)


def _msg(kind: str, source: str, node: CallNode) -> Message:
    assert kind in ("call", "async")
    return Message(
        "call" if kind == "call" else "async", source, node.component, node.work, guards(node)
    )


def sequence(design: Design, op: Operation) -> Sequence:
    """A sequence diagram of one operation: top-level steps chained as the request flows."""
    entry = entry_of(design, op)
    order: list[str] = [entry]
    messages: list[Message] = []

    def see(name: str) -> None:
        if name not in order:
            order.append(name)

    def nested(items: tuple[CallItem, ...], caller: str) -> None:
        for item in items:
            if isinstance(item, OneOf):
                _branches(item, caller)
                continue
            if isinstance(item, Parallel):
                _parallel(item, caller)
                continue
            see(item.component)
            if item.async_:
                messages.append(_msg("async", caller, item))
                nested(item.calls, item.component)
            else:
                messages.append(_msg("call", caller, item))
                nested(item.calls, item.component)
                messages.append(Message("reply", item.component, caller, ""))

    def _branches(item: OneOf, caller: str) -> None:
        for i, branch in enumerate(item.one_of):
            label = f"{branch.label or f'branch {i + 1}'} ({_pct(branch.p)})"
            messages.append(Message("group_start" if i == 0 else "group_else", label=label))
            nested(branch.calls, caller)
        messages.append(Message("group_end"))

    def _parallel(item: Parallel, caller: str) -> None:
        # a `par` block: one lane per member, all called by `caller` at once
        for i, member in enumerate(item.parallel):
            kind: Literal["group_start", "group_else"] = "group_start" if i == 0 else "group_else"
            what = member.call if isinstance(member, CallNode) else "one of"
            label = f"parallel, latency = slowest: {what}" if i == 0 else what
            messages.append(Message(kind, label=label, block="par"))
            nested((member,), caller)
        messages.append(Message("group_end", block="par"))

    stack: list[str] = []
    prev = entry
    for item in op.calls:
        if isinstance(item, OneOf):
            _branches(item, prev)
            continue
        if isinstance(item, Parallel):
            _parallel(item, prev)
            continue
        see(item.component)
        if item.async_:
            messages.append(_msg("async", prev, item))
            nested(item.calls, item.component)
            continue
        if prev == op.consumes:
            messages.append(_msg("async", prev, item))
            nested(item.calls, item.component)
            prev = item.component
            continue
        messages.append(_msg("call", prev, item))
        nested(item.calls, item.component)
        stack.append(prev)
        prev = item.component
    while stack:
        caller = stack.pop()
        messages.append(Message("reply", prev, caller, ""))
        prev = caller

    labels = {USERS: "Users", SCHEDULER: "Scheduler"}
    participants = tuple((p, labels.get(p, p)) for p in order)
    return Sequence(title=op.id, participants=participants, messages=tuple(messages))


# --------------------------------------------------------------------------- entities


def er_diagram(design: Design) -> ErDiagram:
    """Entities with their fields and keys; relations from `relations` and `ref` fields."""
    entities: list[ErEntity] = []
    relations: list[ErRelation] = []
    seen: set[frozenset[str]] = set()
    for e in design.entities:
        fields = tuple(
            ErField(
                name=name,
                type=f.type + (f"({f.size})" if f.size else ""),
                key=name in e.key,
                unique=f.unique,
                nullable=f.nullable,
                ref=f.ref or "",
            )
            for name, f in e.fields.items()
        )
        entities.append(ErEntity(name=e.id, store=e.stored_in or "", fields=fields))
    for e in design.entities:
        for r in e.relations:
            pair = frozenset((e.id, r.to))
            if pair in seen:
                continue
            seen.add(pair)
            relations.append(ErRelation(e.id, r.to, r.kind, r.via or ""))
        for name, f in e.fields.items():
            if f.ref and frozenset((e.id, f.ref)) not in seen:
                seen.add(frozenset((e.id, f.ref)))
                relations.append(ErRelation(e.id, f.ref, "many_to_one", name))
    return ErDiagram(title="Entities", entities=tuple(entities), relations=tuple(relations))
