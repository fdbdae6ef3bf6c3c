"""`parsers.py` of a generated package: raw input (a JSON object) → typed values, and back.

Parse, don't validate: each `parse_<record>` turns a mapping from the outside world into a
record or raises ParseError naming the field; past the boundary the types are trusted. Each
`dump_<record>` writes the raw form back, so the generated tests can check the round trip.
"""

from __future__ import annotations

from archproof.passes.codegen.names import docstring, literal, snake
from archproof.passes.codegen.plan import CodePlan, FieldCode, Machine, RecordType
from archproof.passes.codegen.pysrc import call, imports

# Converters from a raw value to each kind, as generated helper functions.
_HELPERS: dict[str, tuple[str, ...]] = {
    "str": (
        "def _as_str(value: object, where: str) -> str:",
        "    if not isinstance(value, str):",
        '        raise ParseError(f"{where}: expected text, got {type(value).__name__}")',
        "    return value",
    ),
    "int": (
        "def _as_int(value: object, where: str) -> int:",
        "    if isinstance(value, bool) or not isinstance(value, int):",
        '        raise ParseError(f"{where}: expected an integer, got {type(value).__name__}")',
        "    return value",
    ),
    "float": (
        "def _as_float(value: object, where: str) -> float:",
        "    if isinstance(value, bool) or not isinstance(value, int | float):",
        '        raise ParseError(f"{where}: expected a number, got {type(value).__name__}")',
        "    return float(value)",
    ),
    "decimal": (
        "def _as_decimal(value: object, where: str) -> Decimal:",
        "    # Text or an integer, never a float: 0.1 has no exact binary form.",
        "    if isinstance(value, bool) or not isinstance(value, str | int):",
        '        raise ParseError(f"{where}: expected a decimal as text, got {value!r}")',
        "    try:",
        "        number = Decimal(value)",
        "    except InvalidOperation:",
        '        raise ParseError(f"{where}: {value!r} is not a decimal number") from None',
        "    if not number.is_finite():",
        '        raise ParseError(f"{where}: {value!r} is not a finite number")',
        "    return number",
    ),
    "bool": (
        "def _as_bool(value: object, where: str) -> bool:",
        "    if not isinstance(value, bool):",
        '        raise ParseError(f"{where}: expected true or false, got {value!r}")',
        "    return value",
    ),
    "datetime": (
        "def _as_datetime(value: object, where: str) -> datetime:",
        "    text = _as_str(value, where)",
        "    try:",
        "        moment = datetime.fromisoformat(text)",
        "    except ValueError:",
        '        raise ParseError(f"{where}: {value!r} is not an ISO 8601 timestamp") from None',
        "    if moment.utcoffset() is None:",
        '        raise ParseError(f"{where}: {value!r} has no timezone (e.g. +00:00)")',
        "    return moment",
    ),
    "date": (
        "def _as_date(value: object, where: str) -> date:",
        "    text = _as_str(value, where)",
        "    try:",
        "        return date.fromisoformat(text)",
        "    except ValueError:",
        '        raise ParseError(f"{where}: {value!r} is not an ISO 8601 date") from None',
    ),
    "uuid": (
        "def _as_uuid(value: object, where: str) -> UUID:",
        "    text = _as_str(value, where)",
        "    try:",
        "        return UUID(text)",
        "    except ValueError:",
        '        raise ParseError(f"{where}: {value!r} is not a UUID") from None',
    ),
    "bytes": (
        "def _as_bytes(value: object, where: str) -> bytes:",
        "    text = _as_str(value, where)",
        "    try:",
        "        return bytes.fromhex(text)",
        "    except ValueError:",
        '        raise ParseError(f"{where}: {value!r} is not hexadecimal") from None',
    ),
    "json": (
        "def _as_json(value: object, where: str) -> JsonValue:",
        "    if value is None or isinstance(value, str | int | float | bool):",
        "        return value",
        "    if isinstance(value, list):",
        '        return [_as_json(item, f"{where}[{i}]") for i, item in enumerate(value)]',
        "    if isinstance(value, dict):",
        '        return {_as_str(k, where): _as_json(v, f"{where}.{k}") for k, v in value.items()}',
        '    raise ParseError(f"{where}: {type(value).__name__} is not JSON")',
    ),
    "enum": (
        "def _as_enum(kind: type[E], value: object, where: str) -> E:",
        "    text = _as_str(value, where)",
        "    try:",
        "        return kind(text)",
        "    except ValueError:",
        '        allowed = ", ".join(member.value for member in kind)',
        '        raise ParseError(f"{where}: {value!r} is not one of {allowed}") from None',
    ),
    "object": (
        "def _as_object(value: object, where: str) -> Mapping[str, object]:",
        "    if not isinstance(value, Mapping):",
        '        raise ParseError(f"{where}: expected an object, got {type(value).__name__}")',
        "    return value",
    ),
    "tuple": (
        "def _as_tuple(",
        "    value: object, where: str, convert: Callable[[object, str], T]",
        ") -> tuple[T, ...]:",
        "    if not isinstance(value, list | tuple):",
        '        raise ParseError(f"{where}: expected a list, got {type(value).__name__}")',
        '    return tuple(convert(item, f"{where}[{i}]") for i, item in enumerate(value))',
    ),
    "optional": (
        "def _optional(",
        "    raw: Mapping[str, object], key: str, convert: Callable[[object, str], T]",
        ") -> T | None:",
        "    value = raw.get(key)",
        "    return None if value is None else convert(value, key)",
    ),
    "get": (
        "def _get(raw: Mapping[str, object], key: str) -> object:",
        "    if key not in raw:",
        '        raise ParseError(f"{key}: missing")',
        "    return raw[key]",
    ),
    "exact": (
        "def _exact(raw: Mapping[str, object], keys: frozenset[str]) -> None:",
        "    unknown = sorted(set(raw) - keys)",
        "    if unknown:",
        '        raise ParseError(f"unknown keys {unknown}")',
    ),
}
# Kinds whose raw form is the value itself (JSON has them).
_PLAIN = {"str", "int", "float", "bool", "json"}


def render_parsers(plan: CodePlan, header: str) -> str:
    needed: set[str] = {"get", "exact"}
    targets: set[str] = set()
    machines = {m.entity: m for m in plan.machines}
    body: list[str] = []
    for record in plan.records:
        body += _parse(record, needed, targets)
        body += _dump(record, plan)
        machine = machines.get(record.entity)
        if machine and machine.per_state and record.name == machine.per_state[-1]:
            body += _dispatch(machine, needed)
    converters = _target_converters(plan, targets, needed)
    # Helpers call one another.
    if needed & {"datetime", "date", "uuid", "bytes", "enum", "json"}:
        needed.add("str")
    std: dict[str, list[str]] = {"collections.abc": ["Mapping"]}
    typing: list[str] = []
    if needed & {"optional", "tuple"}:
        std["collections.abc"].append("Callable")
        typing.append("TypeVar")
    if "decimal" in needed:
        std["decimal"] = ["Decimal", "InvalidOperation"]
    elif _uses_kind(plan, "decimal"):
        std["decimal"] = ["Decimal"]
    if needed & {"datetime", "date"}:
        std["datetime"] = [k for k in ("datetime", "date") if k in needed]
    if "uuid" in needed:
        std["uuid"] = ["UUID"]
    if "enum" in needed:
        std["enum"] = ["StrEnum"]
        typing.append("TypeVar")
    if any(m.per_state for m in plan.machines):
        typing.append("assert_never")
    if typing:
        std["typing"] = typing
    model_names = _model_names(plan, targets)
    local = {f"{plan.package}.errors": ["ParseError"], f"{plan.package}.models": model_names}
    out = [
        header
        + docstring(
            f"Boundary parsers for {plan.title}: raw input (a JSON object) → typed records.\n\n"
            "Parse, don't validate: `parse_*` turns a mapping from the outside world into a\n"
            "record or raises ParseError naming the field; past this module the types are\n"
            "trusted. `dump_*` writes the raw form back (`parse(dump(x)) == x`)."
        ),
        "",
        imports(std, local),
    ]
    if "enum" in needed:
        out += ["", 'E = TypeVar("E", bound=StrEnum)']
    if needed & {"optional", "tuple"}:
        out += ['T = TypeVar("T")'] if "enum" in needed else ["", 'T = TypeVar("T")']
    for kind in _HELPERS:
        if kind in needed:
            out += ["", "", *_HELPERS[kind]]
    out += converters
    out += body
    return "\n".join(line for line in out if line is not None) + "\n"


def _uses_kind(plan: CodePlan, kind: str) -> bool:
    return any(f.kind == kind for r in plan.records for f in r.fields)


def _model_names(plan: CodePlan, targets: set[str]) -> list[str]:
    names: set[str] = set()
    for record in plan.records:
        names.add(record.name)
        for field in record.fields:
            if field.kind == "enum" and field.target:
                names.add(field.target)
            if field.kind == "json":
                names.add("JsonValue")
    for machine in plan.machines:
        if machine.per_state:
            names.add(machine.enum)
            if machine.union:
                names.add(machine.union)
    names |= targets & {i.name for i in plan.ids}
    return sorted(names)


def _convert(field: FieldCode, value: str, where: str, needed: set[str], targets: set[str]) -> str:
    """Python text converting the raw `value` for `field`; `where` names it in errors."""
    kind = field.kind
    if kind in ("ids", "records"):
        needed.add("tuple")
        targets.add(field.target or "")
        return f"_as_tuple({value}, {where}, _to_{snake(field.target or '')})"
    if kind in ("id", "record"):
        targets.add(field.target or "")
        return f"_to_{snake(field.target or '')}({value}, {where})"
    if kind == "enum":
        needed.add("enum")
        return f"_as_enum({field.target}, {value}, {where})"
    needed.add(kind)
    return f"_as_{kind}({value}, {where})"


def _target_converters(plan: CodePlan, targets: set[str], needed: set[str]) -> list[str]:
    """`_to_<id or record>(value, where)`: one converter per id or nested record used."""
    out: list[str] = []
    for id_type in plan.ids:
        if id_type.name in targets:
            needed.add(id_type.kind)
            out += [
                "",
                "",
                f"def _to_{snake(id_type.name)}(value: object, where: str) -> {id_type.name}:",
                f"    return {id_type.name}(_as_{id_type.kind}(value, where))",
            ]
    for record in plan.records:
        if record.name in targets:
            needed.add("object")
            out += [
                "",
                "",
                f"def _to_{snake(record.name)}(value: object, where: str) -> {record.name}:",
                f"    return parse_{snake(record.name)}(_as_object(value, where))",
            ]
    return out


def _parse(record: RecordType, needed: set[str], targets: set[str]) -> list[str]:
    fn = f"parse_{snake(record.name)}"
    keys = sorted({f.key for f in record.fields} | ({"state"} if record.state else set()))
    what = record.name
    args: list[str] = []
    for field in record.fields:
        # Design names enter the code only as string literals.
        key = literal(field.key)
        if field.nullable:
            conv = _converter(field, needed, targets)
            args.append(f"{field.name}=_optional(raw, {key}, {conv})")
            needed.add("optional")
        else:
            args.append(
                f"{field.name}={_convert(field, f'_get(raw, {key})', key, needed, targets)}"
            )
    keys_name = f"_{snake(record.name).upper()}_KEYS"
    return [
        "",
        "",
        _key_set(keys_name, [literal(k) for k in keys]),
        "",
        "",
        f"def {fn}(raw: Mapping[str, object]) -> {record.name}:",
        docstring(
            f"A {record.name} from raw input; ParseError names the field that is wrong.", "    "
        ),
        "    try:",
        f"        _exact(raw, {keys_name})",
        call(f"return {record.name}", args, indent="        "),
        "    except ValueError as exc:  # ParseError, or a constraint the constructor enforces",
        f'        raise ParseError(f"{what}: {{exc}}") from None',
    ]


def _converter(field: FieldCode, needed: set[str], targets: set[str]) -> str:
    """A function `(value, where) -> T` for `field`, for `_optional`."""
    if field.kind in ("ids", "records"):
        needed.add("tuple")
        targets.add(field.target or "")
        return f"lambda value, where: _as_tuple(value, where, _to_{snake(field.target or '')})"
    if field.kind in ("id", "record"):
        targets.add(field.target or "")
        return f"_to_{snake(field.target or '')}"
    if field.kind == "enum":
        needed.add("enum")
        return f"lambda value, where: _as_enum({field.target}, value, where)"
    needed.add(field.kind)
    return f"_as_{field.kind}"


def _key_set(name: str, keys: list[str]) -> str:
    if not keys:
        return f"{name}: frozenset[str] = frozenset()"
    one = f"{name} = frozenset({{{', '.join(keys)}}})"
    if len(one) <= 100:
        return one
    items = "".join(f"        {k},\n" for k in keys)
    return f"{name} = frozenset(\n    {{\n{items}    }}\n)"


def _raw(field: FieldCode, plan: CodePlan, value: str) -> str:
    kind = field.kind
    if kind == "id":
        id_type = next(i for i in plan.ids if i.name == field.target)
        kind = id_type.kind
    if kind in _PLAIN:
        return value
    if kind == "decimal" or kind == "uuid":
        return f"str({value})"
    if kind in ("datetime", "date"):
        return f"{value}.isoformat()"
    if kind == "bytes":
        return f"{value}.hex()"
    if kind == "enum":
        return f"{value}.value"
    if kind == "record":
        return f"dump_{snake(field.target or '')}({value})"
    if kind == "ids":
        id_type = next(i for i in plan.ids if i.name == field.target)
        item = _raw(FieldCode("", "", id_type.base, id_type.kind), plan, "item")
        return f"[{item} for item in {value}]"
    if kind == "records":
        return f"[dump_{snake(field.target or '')}(item) for item in {value}]"
    raise AssertionError(kind)


def _dump(record: RecordType, plan: CodePlan) -> list[str]:
    fn = f"dump_{snake(record.name)}"
    items: list[str] = []
    if record.state is not None:
        items.append(f'"state": {record.state[0]}.{record.state[1]}.value')
    for field in record.fields:
        value = f"value.{field.name}"
        raw = _raw(field, plan, value)
        if field.nullable and raw != value:
            raw = f"None if {value} is None else {_raw(field, plan, value)}"
        items.append(f"{literal(field.key)}: {raw}")
    return [
        "",
        "",
        f"def {fn}(value: {record.name}) -> dict[str, object]:",
        docstring(
            f"`value` as raw input for `parse_{snake(record.name)}` (JSON-compatible).", "    "
        ),
        _dict_literal(items, "    return "),
    ]


def _dict_literal(items: list[str], head: str) -> str:
    one = head + "{" + ", ".join(items) + "}"
    if len(one) <= 100:
        return one
    body = "".join(_dict_item(item) for item in items)
    return f"{head}{{\n{body}    }}"


def _dict_item(item: str) -> str:
    """`        key: value,` on a line of its own, the value in parentheses on the lines under
    it when the line would pass 100 characters (as ruff format lays it out; a long
    webhook field's `None if ... else ....isoformat()` failed the generated code's ruff
    check, E501), split at `if` / `else` when even that is too long."""
    line = f"        {item},\n"
    if len(line) <= 101 or ": " not in item:
        return line
    key, value = item.split(": ", 1)
    inner = f"            {value}\n"
    if len(inner) > 101 and " if " in value and " else " in value:
        then, rest = value.split(" if ", 1)
        cond, other = rest.split(" else ", 1)
        inner = f"            {then}\n            if {cond}\n            else {other}\n"
    return f"        {key}: (\n{inner}        ),\n"


def _dispatch(machine: Machine, needed: set[str]) -> list[str]:
    union = machine.union or ""
    needed.add("enum")
    out = [
        "",
        "",
        f"def parse_{snake(union)}(raw: Mapping[str, object]) -> {union}:",
        docstring(f"A {union} in the state its `state` key names.", "    "),
        f'    state = _as_enum({machine.enum}, _get(raw, "state"), "{union}.state")',
        "    match state:",
    ]
    for (member, _), name in zip(machine.moves, machine.per_state, strict=True):
        out += [
            f"        case {machine.enum}.{member}:",
            f"            return parse_{snake(name)}(raw)",
        ]
    out += ["        case _:", "            assert_never(state)"]
    return out
