"""Coding tasks ("implement an LRU cache class in Python"): a small in-process system whose
entities are the core data structures and whose operations are the public methods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.classify import Classification
from archproof.frontends.draft.derive import Ledger, Load
from archproof.frontends.draft.entities import Template
from archproof.frontends.draft.extract import Extracted
from archproof.frontends.draft.plan import AccessSpec, CallSpec, CompSpec, EntitySpec, OpSpec
from archproof.model import Principle

CALL_RATE = Fraction(1000)


@dataclass(frozen=True)
class Kit:
    """A known coding task: its methods, data structures and the design choice."""

    regex: str
    methods: tuple[tuple[str, str, str], ...]  # (name, signature, what it does)
    entities: dict[str, Template]
    choice: str
    because: str


KITS: tuple[Kit, ...] = (
    Kit(
        r"\b(?:lru|lfu|least[- ]recently)\b|\bcache\b",
        (
            ("get", "get(key: K) -> V | None", "return the value and mark it most recent"),
            (
                "put",
                "put(key: K, value: V) -> None",
                "insert or update; evict the least recently used entry beyond capacity",
            ),
        ),
        {
            "LRUCache": Template({"capacity": "int", "size": "int"}, key=()),
            "CacheEntry": Template({"key": "str(200)", "value": "json"}, key=("key",)),
        },
        "a hash map from key to a node of a doubly linked list (collections.OrderedDict)",
        "get and put are O(1): the map finds the node, the list keeps recency order",
    ),
    Kit(
        r"rate[- ]?limit|token\s+bucket|leaky\s+bucket|throttl",
        (
            (
                "allow",
                "allow(client_key: str, *, now: float | None = None) -> bool",
                "take a token if one is left",
            ),
        ),
        {
            "TokenBucket": Template(
                {"client_key": "str(200)", "tokens": "float", "refilled_at": "float"},
                key=("client_key",),
            )
        },
        "one token bucket per client key, refilled lazily from the elapsed time",
        "O(1) per call and no background timer thread",
    ),
    Kit(
        r"\btrie\b|prefix\s+tree|autocomplete|auto-complete",
        (
            ("insert", "insert(word: str) -> None", "add a word"),
            ("search", "search(word: str) -> bool", "exact match"),
            ("starts_with", "starts_with(prefix: str) -> Iterator[str]", "words with a prefix"),
        ),
        {
            "TrieNode": Template(
                {"prefix": "str(200)", "children": "json", "terminal": "bool"}, key=("prefix",)
            )
        },
        "a trie of dict-children nodes; completions are yielded lazily (a generator)",
        "operations are O(length of the word), independent of the number of words",
    ),
)

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
    methods = _methods(text) or (
        kit.methods
        if kit
        else (("run", "run(data: Input) -> Output", "the task's main entry point"),)
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
    entities = kit.entities if kit else {"Item": Template({"id": "int", "value": "json"})}
    for name, template in entities.items():
        ctx.entities[name] = EntitySpec(
            id=name,
            fields=dict(template.fields),
            key=template.key,
            stored_in="lib",
            note=template.note,
        )
    rate = CALL_RATE / len(methods)
    for name, signature, what in methods:
        lib.work[name] = "1us"
        lib.work_notes[name] = "in-memory, O(1) or O(length) (assumed)"
        ctx.op(
            OpSpec(
                id=name,
                description=f"{signature}: {what}",
                pattern="coding",
                rate=rate,
                rate_note="illustrative: a library has no traffic of its own",
                slo={"p99": Fraction(1, 1000)},
                slo_note="assumed: an in-memory call well under a millisecond",
                calls=[CallSpec(f"lib.{name}")],
                reads=not re.match(r"put|insert|add|set|push|allow|write|delete|remove", name),
            )
        )
    first_entity = next(iter(ctx.entities.values()))
    if first_entity.key and methods:
        first_entity.access.append(_lookup(first_entity, methods[0][0]))
    ledger.assumed("call rate", "1k/s", "illustrative: sized for 1,000 calls a second", "call-rate")
    ctx.use_cases += [f"{signature}: {what}" for _, signature, what in methods]
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
        ", ".join(sig for _, sig, _ in methods),
        Principle.PY,
        "small, fully annotated signatures; options keyword-only",
        "lib",
    )
    ledger.ask("Must it be thread-safe (a lock around mutations) or single-threaded?")
    ledger.ask("What are the size limits, and what happens at capacity?")
    return ctx


def _lookup(entity: EntitySpec, op: str) -> AccessSpec:
    return AccessSpec(f"{entity.id.lower()}_by_key", "lookup", entity.key, None, op)


def _methods(text: str) -> tuple[tuple[str, str, str], ...]:
    """`get(key)` and `put(key, value)` written in the task, as (name, signature, doc)."""
    out: dict[str, tuple[str, str, str]] = {}
    for match in re.finditer(r"(?<![\w.])([a-z_][a-z0-9_]{1,30})\s*\(([^()]{0,80})\)", text):
        name, args = match.group(1), match.group(2).strip()
        if name in _STOP or name in out or (re.fullmatch(r"[\d\s,n]*", args) and len(name) == 1):
            continue
        out[name] = (name, f"{name}({args})", "as described in the task")
    return tuple(out.values())
