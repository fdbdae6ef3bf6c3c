"""Coding tasks ("implement an LRU cache class in Python"): a small in-process system whose
entities are the core data structures and whose operations are the public methods."""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.classify import Classification
from archproof.frontends.draft.coding_kits import KITS, Method
from archproof.frontends.draft.derive import Ledger, Load
from archproof.frontends.draft.entities import Template
from archproof.frontends.draft.extract import Extracted
from archproof.frontends.draft.patterns.common import stated_count
from archproof.frontends.draft.placement import NODE_WORDS, bucket_capacity, limiter_split
from archproof.frontends.draft.plan import AccessSpec, CallSpec, CompSpec, EntitySpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle

CALL_RATE = Fraction(1000)


_STOP = frozenset({"o", "in", "if", "for", "while", "print", "len", "range", "e", "i", "g"})


def compose_coding(text: str, classification: Classification, found: Extracted) -> Ctx:
    ledger = Ledger()
    load = Load(
        writes=CALL_RATE / 2,
        reads=CALL_RATE / 2,
        ratio=Fraction(1),
        peak_factor=Fraction(1),
        dau=None,
        users=None,
        concurrent=None,
        availability=Fraction(999, 1000),
        growth=None,
        retention_s=None,
        item_size=None,
        storage=None,
        followers=None,
        extracted=found,
        primary_subject=None,
    )
    ctx = Ctx(text=text, classification=classification, load=load, ledger=ledger)
    kit = next((k for k in KITS if re.search(k.regex, text, re.IGNORECASE)), None)
    # A known task's typed methods win over the untyped `get(key)` written in its text.
    methods: tuple[Method, ...] = (
        kit.methods
        if kit
        else _methods(text) or (("run", "run(data: Input) -> Output", "the main entry point", ()),)
    )
    lib = CompSpec(
        id="lib",
        kind="service",
        tech=None,
        role="lib",
        replicas=1,
        concurrency=1,
        state=["the data structure's contents (in-process memory)"],
        stateful=True,
        recovery="in-process: rebuilt by the caller after a restart",
        rationale="an in-process library: no network, no I/O; the code stage checks its "
        "types and signatures",
        accept={
            "ST002": "the task is an in-memory data structure: holding state is its job",
            "FH008": "a library runs inside its caller's process; it has no instances of its "
            "own to replicate",
        },
    )
    ctx.comps["lib"] = lib
    if kit:
        entities = kit.entities
    else:
        # no known structure: a typed placeholder, not `json` (a bare map its own review
        # flags as DS001), and the question of the real fields
        entities = {"Item": Template({"id": "int", "value": "str"})}
        ledger.assumed(
            "item fields",
            "id: int, value: str",
            "a placeholder: the task names no fields of what the structure holds",
            "item-fields",
            question="What fields does each item hold, with their types?",
        )
    for name, template in entities.items():
        ctx.entities[name] = EntitySpec(
            id=name,
            fields=dict(template.fields),
            key=template.key,
            stored_in="lib",
            relations=list(kit.relations.get(name, ()) if kit else ()),
            states=template.states,
            transitions=dict(template.transitions),
            note=template.note,
        )
    calls, nodes, rate_note = _stated_calls(ctx)
    rate = calls / len(methods)
    for name, signature, what, raises in methods:
        lib.work[name] = "1us"
        lib.work_notes[name] = "in-memory, O(1) or O(length) (assumed)"
        ctx.op(
            OpSpec(
                id=name,
                description=f"{signature}: {what}",
                pattern="coding",
                rate=rate,
                rate_note=rate_note,
                slo={"p99": Fraction(1, 1000)},
                slo_note="assumed: an in-memory call well under a millisecond",
                calls=[CallSpec(f"lib.{name}")],
                reads=not re.match(r"put|insert|add|set|push|allow|write|delete|remove", name),
                signature=_signature(kit.protocol, signature, raises) if kit else None,
                accept={
                    "FH015": "an in-process method: admission control belongs to the service "
                    "that calls it"
                },
            )
        )
    first_entity = next(iter(ctx.entities.values()))
    if first_entity.key and methods:
        first_entity.access.append(_lookup(first_entity, methods[0][0]))
    if nodes is None and calls == CALL_RATE:
        ledger.assumed(
            "call rate", "1k/s", "illustrative: sized for 1,000 calls a second", "call-rate"
        )
    else:
        ledger.derived("calls per process", per_s(float(calls)), rate_note)
    if kit is not None and "bucket" in kit.choice:
        bucket_capacity(ctx, "lib", Principle.DS)
    if kit is not None and "bucket" in kit.choice and nodes is not None:
        limiter_split(ctx, calls * nodes, nodes, "lib")
    ctx.use_cases += [f"{signature}: {what}" for _, signature, what, _ in methods]
    if kit is not None:
        ctx.decide(
            "data-structure", "Core data structure", kit.choice, Principle.DS, kit.because, "lib"
        )
    else:
        ctx.decide(
            "data-structure",
            "Core data structure",
            "typed dataclasses / pydantic models, not bare dicts",
            Principle.DS,
            "illegal states unrepresentable; the code stage checks the annotations",
            "lib",
        )
        ledger.ask("What are the inputs and outputs of the main function, with their types?")
    ctx.decide(
        "signatures",
        "Public API",
        ", ".join(sig for _, sig, _, _ in methods),
        Principle.PY,
        "small, fully annotated signatures; options keyword-only",
        "lib",
    )
    ledger.ask("Must it be thread-safe (a lock around mutations) or single-threaded?")
    ledger.ask("What are the size limits, and what happens at capacity?")
    return ctx


def _signature(protocol: str, python: str, raises: tuple[str, ...]) -> dict[str, object]:
    out: dict[str, object] = {"python": python, "owner": protocol}
    if raises:
        out["raises"] = list(raises)
    return out


def _lookup(entity: EntitySpec, op: str) -> AccessSpec:
    return AccessSpec(f"{entity.id.lower()}_by_key", "lookup", entity.key, None, op)


def _methods(text: str) -> tuple[Method, ...]:
    """`get(key)` and `put(key, value)` written in the task, as (name, signature, doc, ())."""
    out: dict[str, Method] = {}
    for match in re.finditer(r"(?<![\w.])([a-z_][a-z0-9_]{1,30})\s*\(([^()]{0,80})\)", text):
        name, args = match.group(1), match.group(2).strip()
        if name in _STOP or name in out or (re.fullmatch(r"[\d\s,n]*", args) and len(name) == 1):
            continue
        out[name] = (name, f"{name}({args})", "as described in the task", ())
    return tuple(out.values())


def _stated_calls(ctx: Ctx) -> tuple[Fraction, Fraction | None, str]:
    """Calls a second one process of the library serves: the task's rate, divided over the
    nodes it names ("20k requests per second across 8 gateway nodes": 2,500/s a node);
    1,000/s, illustrative, when the task states no rate."""
    reading = ctx.load.extracted.reading
    stated = next(
        (q for q in reading.placed if q.unit == "count" and q.per_second and q.per is None),
        None,
    )
    if stated is None or stated.per_second is None:
        return CALL_RATE, None, "illustrative: a library has no traffic of its own"
    nodes = stated_count(ctx, NODE_WORDS)
    if nodes is None or nodes.value <= 1:
        return stated.per_second, None, f'from the task: "{stated.describe()}"'
    return (
        stated.per_second / nodes.value,
        nodes.value,
        f'from the task: "{stated.describe()}" ÷ {nodes.describe()} (one library per node)',
    )
