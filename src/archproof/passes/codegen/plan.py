"""From the design to a plan of the Python to write: ids, enums, records, lifecycles, APIs.

The plan holds only safe identifiers (see `names`) and resolved annotations, so the
renderers are plain string building. Everything the design cannot say in Python (an unknown
type in a signature, two names that become the same identifier) is collected as a located
problem; the stage reports them all instead of writing half a package.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from archproof.errors import ArchproofError
from archproof.model import Design, Entity, EntityField, Operation, Principle
from archproof.model.signatures import type_names
from archproof.passes.codegen.names import RESERVED, camel, constant, one_line, snake
from archproof.span import Span

# Field types → (annotation, kind the parsers and strategies dispatch on).
SCALARS: dict[str, tuple[str, str]] = {
    "str": ("str", "str"),
    "text": ("str", "str"),
    "int": ("int", "int"),
    "bigint": ("int", "int"),
    "float": ("float", "float"),
    "decimal": ("Decimal", "decimal"),
    "bool": ("bool", "bool"),
    "datetime": ("datetime", "datetime"),
    "date": ("date", "date"),
    "uuid": ("UUID", "uuid"),
    "bytes": ("bytes", "bytes"),
    "json": ("JsonValue", "json"),
}
# Names a signature may use besides the generated ones and type variables.
STANDARD_TYPES = frozenset(
    {
        "None",
        "int",
        "str",
        "float",
        "bool",
        "bytes",
        "Decimal",
        "datetime",
        "date",
        "UUID",
        "tuple",
        "list",
        "dict",
        "set",
        "frozenset",
        "Iterator",
        "Iterable",
        "Sequence",
        "Mapping",
    }
)
# Where each standard name comes from (builtins need no import).
IMPORTS: dict[str, str] = {
    "Decimal": "decimal",
    "datetime": "datetime",
    "date": "datetime",
    "UUID": "uuid",
    "Iterator": "collections.abc",
    "Iterable": "collections.abc",
    "Sequence": "collections.abc",
    "Mapping": "collections.abc",
}


@dataclass(frozen=True)
class Problem:
    """Something in the design that cannot become Python, and where it was written."""

    message: str
    span: Span | None = None

    def __str__(self) -> str:
        return f"{self.span}: {self.message}" if self.span else self.message


class CodegenError(ArchproofError):
    """The design cannot be turned into a package; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:3]))


@dataclass(frozen=True)
class IdType:
    name: str
    base: str  # annotation of the wrapped type
    kind: str  # parser kind of the wrapped type
    entity: str


@dataclass(frozen=True)
class EnumType:
    name: str
    members: tuple[tuple[str, str], ...]  # (member name, value)
    doc: str


@dataclass(frozen=True)
class FieldCode:
    name: str
    key: str  # the key in raw input (the design's field name)
    annotation: str
    kind: str  # str, int, ..., enum, id, record, ids, records
    target: str | None = None  # enum, id or record type for those kinds
    nullable: bool = False
    size: int | None = None
    minimum: int | None = None


@dataclass(frozen=True)
class RecordType:
    name: str
    entity: str
    doc: str
    fields: tuple[FieldCode, ...]
    state: tuple[str, str] | None = None  # (state enum, member) of a one-class-per-state record
    state_field: str | None = None  # the enum of a `state` field (lifecycle as a field)


@dataclass(frozen=True)
class Machine:
    """An entity's lifecycle: the state enum, legal moves, and how states are typed."""

    entity: str
    snake: str
    enum: str
    moves: tuple[tuple[str, tuple[str, ...]], ...]  # member → members it may move to
    per_state: tuple[str, ...] = ()  # record per state (empty: a `state` field instead)
    union: str | None = None
    why: str = ""


@dataclass(frozen=True)
class ParamCode:
    name: str
    annotation: str
    keyword_only: bool
    default: str | None


@dataclass(frozen=True)
class MethodCode:
    name: str
    params: tuple[ParamCode, ...]
    returns: str
    raises: tuple[str, ...]
    doc: tuple[str, ...]


@dataclass(frozen=True)
class ProtocolCode:
    name: str
    type_vars: tuple[tuple[str, str], ...]  # (name, variance: "", "co" or "contra")
    methods: tuple[MethodCode, ...]
    doc: str


@dataclass(frozen=True)
class CodePlan:
    package: str
    title: str
    base_error: str
    ids: tuple[IdType, ...]
    enums: tuple[EnumType, ...]
    records: tuple[RecordType, ...]
    machines: tuple[Machine, ...]
    protocols: tuple[ProtocolCode, ...]
    errors: tuple[
        tuple[str, str], ...
    ]  # (name, doc) besides the base, ParseError, IllegalTransition
    record_of_entity: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def record(self, name: str) -> RecordType:
        return next(r for r in self.records if r.name == name)


class _Names:
    """Every top-level name the package defines; a second definition is a problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.owner: dict[str, str] = {}
        self.problems = problems

    def claim(self, name: str, what: str, span: Span | None) -> str:
        if name in RESERVED:
            self.problems.append(Problem(f"{what} would be named {name!r}, a reserved name", span))
        elif name in self.owner and self.owner[name] != what:
            self.problems.append(
                Problem(f"{what} and {self.owner[name]} would both be named {name!r}", span)
            )
        self.owner.setdefault(name, what)
        return name


def plan_code(design: Design) -> CodePlan:
    """The plan of the package for `design`; CodegenError lists every problem found."""
    problems: list[Problem] = []
    names = _Names(problems)
    owners = [op.signature.owner for op in design.operations if op.signature and op.signature.owner]
    title = camel(owners[0]) if owners else camel(design.meta.name, fallback="Domain")
    package = snake(title, fallback="domain")
    base_error = names.claim(f"{title}Error", "the base error", None)
    for fixed in ("ParseError", "IllegalTransition", "JsonValue"):
        names.claim(fixed, fixed, None)

    ids: dict[str, IdType] = {}  # by entity id
    for entity in design.entities:
        key = _single_key(entity)
        if key is None:
            continue
        spec = entity.fields.get(key)
        if spec is None or spec.type not in SCALARS or spec.type == "json":
            continue
        name = camel(entity.id) + "Id" if key == "id" else camel(key)
        base, kind = SCALARS[spec.type]
        ids[entity.id] = IdType(
            names.claim(name, f"the id of {entity.id}", entity.span), base, kind, entity.id
        )

    enums: dict[str, EnumType] = {}
    machines: list[Machine] = []
    records: list[RecordType] = []
    record_of_entity: dict[str, tuple[str, ...]] = {}
    entity_names = {e.id: camel(e.id) for e in design.entities}
    for entity in design.entities:
        record_name = entity_names[entity.id]
        fields: list[FieldCode] = []
        seen: dict[str, str] = {}
        for raw_name, spec in entity.fields.items():
            code = _field(entity, raw_name, spec, ids, entity_names, enums, names, problems)
            if code is None:
                continue
            if code.name in seen:
                problems.append(
                    Problem(
                        f"entity {entity.id}: fields {seen[code.name]!r} and {raw_name!r} "
                        f"would both be named {code.name!r}",
                        spec.span or entity.span,
                    )
                )
                continue
            seen[code.name] = raw_name
            fields.append(code)
        for rel in entity.relations:
            if rel.via is not None or rel.kind not in ("one_to_many", "many_to_many"):
                continue
            if rel.to not in entity_names:
                problems.append(Problem(f"relation to unknown entity {rel.to!r}", rel.span))
                continue
            target_id = ids.get(rel.to)
            if target_id is not None:
                name, kind, target = snake(rel.to) + "_ids", "ids", target_id.name
            else:
                name, kind, target = snake(rel.to) + "s", "records", entity_names[rel.to]
            if name in seen:
                continue
            seen[name] = rel.to
            fields.append(FieldCode(name, name, f"tuple[{target}, ...]", kind, target))
        doc = f"{entity.id}" + (f", stored in {entity.stored_in}" if entity.stored_in else "")
        if not entity.states:
            records.append(
                RecordType(
                    names.claim(record_name, f"entity {entity.id}", entity.span),
                    entity.id,
                    doc,
                    tuple(fields),
                )
            )
            record_of_entity[entity.id] = (record_name,)
            continue
        machine, state_records = _machine(entity, record_name, tuple(fields), doc, names, problems)
        enums[machine.enum] = EnumType(
            machine.enum,
            tuple((constant(s), s) for s in entity.states),
            f"Lifecycle states of {one_line(entity.id, 60)}.",
        )
        machines.append(machine)
        records.extend(state_records)
        record_of_entity[entity.id] = tuple(r.name for r in state_records)

    known = set(names.owner) | STANDARD_TYPES | {r.name for r in records}
    protocols, errors = _protocols(design, title, base_error, known, names, problems)
    if problems:
        raise CodegenError(problems)
    return CodePlan(
        package=package,
        title=title,
        base_error=base_error,
        ids=tuple(ids.values()),
        enums=tuple(enums.values()),
        records=tuple(records),
        machines=tuple(machines),
        protocols=protocols,
        errors=errors,
        record_of_entity=record_of_entity,
    )


class _Limits(NamedTuple):
    nullable: bool
    size: int | None
    minimum: int | None


def _single_key(entity: Entity) -> str | None:
    return entity.key[0] if len(entity.key) == 1 else None


def _field(
    entity: Entity,
    raw_name: str,
    spec: EntityField,
    ids: dict[str, IdType],
    entity_names: dict[str, str],
    enums: dict[str, EnumType],
    names: _Names,
    problems: list[Problem],
) -> FieldCode | None:
    name = snake(raw_name, fallback="field")
    common = _Limits(spec.nullable, spec.size, spec.minimum)
    where = spec.span or entity.span
    if raw_name in entity.key and len(entity.key) == 1 and entity.id in ids:
        id_type = ids[entity.id]
        return FieldCode(name, raw_name, id_type.name, "id", id_type.name, *common)
    if spec.type == "enum":
        if not spec.values:
            problems.append(Problem(f"enum field {entity.id}.{raw_name} has no values", where))
            return None
        enum_name = spec.type_name or camel(entity.id) + camel(raw_name)
        enum_name = camel(enum_name)
        members = tuple((constant(v), v) for v in spec.values)
        held = enums.get(enum_name)
        if held is not None and held.members != members:
            problems.append(
                Problem(f"enum {enum_name} is declared with different values here", where)
            )
        elif held is None:
            if len({m for m, _ in members}) != len(members):
                problems.append(
                    Problem(f"enum {enum_name}: two values become the same member name", where)
                )
            names.claim(enum_name, f"enum {enum_name}", where)
            enums[enum_name] = EnumType(enum_name, members, f"Values of {entity.id}.{raw_name}.")
        return FieldCode(name, raw_name, enum_name, "enum", enum_name, *common)
    if spec.type == "ref":
        if spec.ref not in entity_names:
            problems.append(
                Problem(f"{entity.id}.{raw_name} refers to unknown {spec.ref!r}", where)
            )
            return None
        if spec.ref in ids:
            id_type = ids[spec.ref]
            return FieldCode(name, raw_name, id_type.name, "id", id_type.name, *common)
        record = entity_names[spec.ref]
        return FieldCode(name, raw_name, record, "record", record, *common)
    annotation, kind = SCALARS[spec.type]
    return FieldCode(name, raw_name, annotation, kind, None, *common)


def _machine(
    entity: Entity,
    record_name: str,
    fields: tuple[FieldCode, ...],
    doc: str,
    names: _Names,
    problems: list[Problem],
) -> tuple[Machine, list[RecordType]]:
    enum = names.claim(record_name + "State", f"the states of {entity.id}", entity.span)
    states = set(entity.states)
    moves: list[tuple[str, tuple[str, ...]]] = []
    for source in entity.states:
        targets = entity.transitions.get(source, ())
        bad = [t for t in (source, *targets) if t not in states]
        if bad:
            problems.append(Problem(f"{entity.id}: unknown state {bad[0]!r}", entity.span))
        moves.append((constant(source), tuple(constant(t) for t in targets if t in states)))
    for source in entity.transitions:
        if source not in states:
            problems.append(
                Problem(f"{entity.id}: transition from unknown {source!r}", entity.span)
            )
    if "state" in entity.fields:
        problems.append(
            Problem(f"{entity.id}: a field named 'state' clashes with its lifecycle", entity.span)
        )
    partial = {
        f.key: entity.fields[f.key].states
        for f in fields
        if f.key in entity.fields
        if entity.fields[f.key].states
    }
    for key, only in partial.items():
        for state in only:
            if state not in states:
                problems.append(
                    Problem(f"{entity.id}.{key}: unknown state {state!r}", entity.fields[key].span)
                )
    base = Machine(entity.id, snake(entity.id), enum, tuple(moves))
    if not partial:
        field = FieldCode("state", "state", enum, "enum", enum)
        record = RecordType(
            names.claim(record_name, f"entity {entity.id}", entity.span),
            entity.id,
            doc,
            (*fields, field),
            state_field=enum,
        )
        why = (
            "every field exists in every state, so the state is an enum field and "
            f"`transition_{base.snake}` accepts only the legal moves"
        )
        return replace(base, why=why), [record]
    out: list[RecordType] = []
    for state in entity.states:
        name = names.claim(camel(state) + record_name, f"{entity.id} in state {state}", entity.span)
        kept = tuple(f for f in fields if f.key not in partial or state in partial[f.key])
        out.append(
            RecordType(
                name, entity.id, f"{doc}, in state {state}", kept, state=(enum, constant(state))
            )
        )
    union = names.claim(record_name, f"entity {entity.id}", entity.span)
    listed = ", ".join(f"{k} ({', '.join(states_of)})" for k, states_of in partial.items())
    why = (
        f"some fields exist only in some states ({listed}), so each state is its own class "
        "and a move is a function from one class to the next"
    )
    machine = replace(base, per_state=tuple(r.name for r in out), union=union, why=why)
    return machine, out


def _protocols(
    design: Design,
    title: str,
    base_error: str,
    known: set[str],
    names: _Names,
    problems: list[Problem],
) -> tuple[tuple[ProtocolCode, ...], tuple[tuple[str, str], ...]]:
    by_owner: dict[str, list[Operation]] = {}
    for op in design.operations:
        if op.signature is not None:
            owner = camel(op.signature.owner) if op.signature.owner else title
            by_owner.setdefault(owner, []).append(op)
    errors: dict[str, list[str]] = {}
    for ops in by_owner.values():
        for op in ops:
            assert op.signature is not None
            for err in op.signature.raises:
                errors.setdefault(err, []).append(op.signature.name or op.id)
    for err in errors:
        names.claim(err, f"error {err}", None)
    known = known | set(errors)
    protocols: list[ProtocolCode] = []
    for owner, ops in by_owner.items():
        names.claim(owner, f"interface {owner}", ops[0].span)
        methods: list[MethodCode] = []
        used_vars: dict[str, set[str]] = {}
        seen: set[str] = set()
        for op in ops:
            sig = op.signature
            assert sig is not None
            name = sig.name or snake(op.id)
            if name in seen:
                problems.append(Problem(f"{owner}.{name} is defined twice", op.span))
            seen.add(name)
            params: list[ParamCode] = []
            for param in sig.params:
                if param.name == "self":
                    problems.append(Problem(f"{owner}.{name}: a parameter named 'self'", op.span))
                _check_type(param.type, known, used_vars, "in", problems, sig.span or op.span)
                params.append(ParamCode(param.name, param.type, param.keyword_only, param.default))
            _check_type(sig.returns, known, used_vars, "out", problems, sig.span or op.span)
            doc = [_purpose(op, name)]
            if sig.complexity:
                doc.append(f"Complexity: {one_line(sig.complexity, 40)}.")
            budget = _budget(op)
            if budget:
                doc.append(f"Latency budget: {budget}.")
            methods.append(MethodCode(name, tuple(params), sig.returns, sig.raises, tuple(doc)))
        type_vars = tuple(
            (v, "" if len(uses) == 2 else "contra" if uses == {"in"} else "co")
            for v, uses in sorted(used_vars.items())
        )
        protocols.append(ProtocolCode(owner, type_vars, tuple(methods), _protocol_doc(design)))
    error_docs = tuple(
        (err, f"Raised by {', '.join(dict.fromkeys(users))}.") for err, users in errors.items()
    )
    return tuple(protocols), error_docs


def _check_type(
    text: str,
    known: set[str],
    used_vars: dict[str, set[str]],
    direction: str,
    problems: list[Problem],
    span: Span | None,
) -> None:
    for name in type_names(text):
        if len(name) == 1 and name.isupper():
            used_vars.setdefault(name, set()).add(direction)
        elif name not in known:
            problems.append(
                Problem(
                    f"type {name!r} in a signature is neither a generated type (entity, id, "
                    "enum, error) nor a standard one",
                    span,
                )
            )


def _budget(op: Operation) -> str | None:
    if op.slo is None:
        return None
    parts = [f"{p} {getattr(op.slo, p)}" for p in ("p50", "p95", "p99") if getattr(op.slo, p)]
    return ", ".join(parts) or None


def _purpose(op: Operation, name: str) -> str:
    """The operation's description without a leading copy of its signature."""
    text = " ".join((op.description or name).split())
    sig = op.signature
    if sig is not None and sig.python and text.startswith(sig.python):
        text = text[len(sig.python) :].lstrip(" :") or name
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _protocol_doc(design: Design) -> str:
    """The task, and the data-structure decision with its reason (complexity lives there)."""
    lines = [f"The interface of {design.meta.name}."]
    if design.meta.task:
        lines += ["", f"Task: {' '.join(design.meta.task.split())}"]
    for decision in design.decisions:
        if decision.principle is Principle.DS:
            lines += ["", f"Design: {decision.choice} — {decision.reason}."]
    return "\n".join(lines)
