"""`models.py` and `errors.py` of a generated package: ids, enums, records, lifecycles, errors."""

from __future__ import annotations

from archproof.passes.codegen.names import comment, docstring, literal, snake
from archproof.passes.codegen.plan import IMPORTS, CodePlan, FieldCode, Machine, RecordType
from archproof.passes.codegen.pysrc import LINE, call, imports


def render_errors(plan: CodePlan, header: str) -> str:
    base = plan.base_error
    parts = [
        header + docstring(f"The errors {plan.title} raises: every one derives from {base}."),
        "",
        "",
        f"class {base}(Exception):",
        docstring(f"Base of every error {plan.title} raises.", "    "),
        "",
        "",
        f"class ParseError({base}, ValueError):",
        docstring(
            "Raw input that does not describe a valid value; the message names the field.", "    "
        ),
        "",
        "",
        f"class IllegalTransition({base}):",
        docstring("A move between two lifecycle states the design does not allow.", "    "),
    ]
    for name, doc in plan.errors:
        parts += ["", "", f"class {name}({base}):", docstring(doc, "    ")]
    return "\n".join(parts) + "\n"


def _annotation(field: FieldCode) -> str:
    return f"{field.annotation} | None" if field.nullable else field.annotation


def _scalar_names(plan: CodePlan) -> set[str]:
    used: set[str] = set()
    for record in plan.records:
        for field in record.fields:
            used.update(field.annotation.replace("[", " ").replace(",", " ").split())
    used.update(i.base for i in plan.ids)
    return used


def render_models(plan: CodePlan, header: str) -> str:
    used = _scalar_names(plan)
    std: dict[str, list[str]] = {}
    for name in sorted(used):
        if name in IMPORTS:
            std.setdefault(IMPORTS[name], []).append(name)
    if plan.records:
        std.setdefault("dataclasses", []).append("dataclass")
    typing = []
    if plan.ids:
        typing.append("NewType")
    if "JsonValue" in used:
        typing.append("TypeAlias")
    if plan.machines:
        typing.append("Final")
        std.setdefault("collections.abc", []).append("Mapping")
    if any(m.per_state for m in plan.machines):
        typing += ["ClassVar", "TypeAlias"]
    if typing:
        std["typing"] = typing
    if plan.enums:
        std["enum"] = ["StrEnum"]
    checks = _needs_checks(plan)
    if "aware" in checks:
        std.setdefault("datetime", []).append("datetime")
    if "minimum" in checks:
        std.setdefault("decimal", []).append("Decimal")
    local = {f"{plan.package}.errors": ["IllegalTransition"]} if plan.machines else {}
    out = [
        header
        + docstring(
            f"The domain types of {plan.title}: ids, enums, records and their lifecycles.\n\n"
            "Records are frozen, slotted dataclasses with keyword-only fields: they cannot be\n"
            "changed after construction, and their constructors reject values the design rules\n"
            "out (negative quantities, naive timestamps, over-long text)." + _ids_note(plan)
        ),
        "",
        imports(std, local),
    ]
    if "JsonValue" in used:
        out += [
            "",
            'JsonValue: TypeAlias = (\n    str | int | float | bool | list["JsonValue"]'
            ' | dict[str, "JsonValue"] | None\n)',
            docstring("A JSON value: the design leaves this field's shape open."),
        ]
    for id_type in plan.ids:
        out += [
            "",
            f'{id_type.name} = NewType("{id_type.name}", {id_type.base})',
            docstring(f"Identifies one {id_type.entity}; a distinct type from every other id."),
        ]
    for enum in plan.enums:
        out += ["", "", f"class {enum.name}(StrEnum):", docstring(enum.doc, "    "), ""]
        out += [f"    {member} = {literal(value)}" for member, value in enum.members]
    if checks:
        out += _check_helpers(checks)
    machines = {m.entity: m for m in plan.machines}
    done: set[str] = set()
    for record in plan.records:
        out += _record(record)
        machine = machines.get(record.entity)
        last = machine is not None and (
            not machine.per_state or record.name == machine.per_state[-1]
        )
        if machine is not None and last and machine.entity not in done:
            out += _machine(machine, plan)
            done.add(machine.entity)
    return "\n".join(out) + "\n"


def _ids_note(plan: CodePlan) -> str:
    if len(plan.ids) >= 2:
        first, second = plan.ids[0].name, plan.ids[1].name
        return f" Each id is its own\ntype, so mypy rejects a {second} where a {first} belongs."
    if plan.ids:
        only = plan.ids[0]
        return f" The id {only.name} is its own\ntype (a NewType), not a bare {only.base}."
    return ""


def _needs_checks(plan: CodePlan) -> set[str]:
    out: set[str] = set()
    for record in plan.records:
        for field in record.fields:
            if field.minimum is not None:
                out.add("minimum")
            if field.size is not None and field.kind in ("str", "bytes"):
                out.add("size")
            if field.kind == "datetime":
                out.add("aware")
    return out


def _check_helpers(checks: set[str]) -> list[str]:
    out: list[str] = []
    if "minimum" in checks:
        out += [
            "",
            "",
            "def _at_least(name: str, value: int | float | Decimal | None, minimum: int) -> None:",
            "    if value is not None and value < minimum:",
            '        raise ValueError(f"{name} must be at least {minimum}, got {value}")',
        ]
    if "size" in checks:
        out += [
            "",
            "",
            "def _at_most(name: str, value: str | bytes | None, size: int) -> None:",
            "    if value is not None and len(value) > size:",
            '        raise ValueError(f"{name} must be at most {size} long, got {len(value)}")',
        ]
    if "aware" in checks:
        out += [
            "",
            "",
            "def _aware(name: str, value: datetime | None) -> None:",
            "    if value is not None and value.utcoffset() is None:",
            '        raise ValueError(f"{name} must carry a timezone (an aware datetime)")',
        ]
    return out


def _record(record: RecordType) -> list[str]:
    out = [
        "",
        "",
        "@dataclass(frozen=True, slots=True, kw_only=True)",
        f"class {record.name}:",
        docstring(record.doc + ".", "    "),
        "",
    ]
    if record.state is not None:
        enum, member = record.state
        out.append(f"    state: ClassVar[{enum}] = {enum}.{member}")
    required = [f for f in record.fields if not f.nullable]
    optional = [f for f in record.fields if f.nullable]
    out += [f"    {f.name}: {_annotation(f)}" for f in required]
    out += [f"    {f.name}: {_annotation(f)} = None" for f in optional]
    if not record.fields and record.state is None:
        out.append("    pass")
    checks: list[str] = []
    for field in record.fields:
        if field.minimum is not None:
            checks.append(f'        _at_least("{field.name}", self.{field.name}, {field.minimum})')
        if field.size is not None and field.kind in ("str", "bytes"):
            checks.append(f'        _at_most("{field.name}", self.{field.name}, {field.size})')
        if field.kind == "datetime":
            checks.append(f'        _aware("{field.name}", self.{field.name})')
    if checks:
        out += ["", "    def __post_init__(self) -> None:", *checks]
    return out


def _machine(machine: Machine, plan: CodePlan) -> list[str]:
    moves = f"{machine.snake.upper()}_MOVES"
    enum = machine.enum
    out = [""]
    if machine.union:
        out += [
            "",
            f"{machine.union}: TypeAlias = {' | '.join(machine.per_state)}",
            docstring(f"A {machine.entity} in any state."),
        ]
    out += [
        "",
        comment(f"{machine.entity}'s lifecycle: {machine.why}"),
        f"{moves}: Final[Mapping[{enum}, frozenset[{enum}]]] = {{",
    ]
    for member, targets in machine.moves:
        out.append(_move_line(f"{enum}.{member}", [f"{enum}.{t}" for t in targets]))
    out += [
        "}",
        "",
        "",
        call(
            f"def transition_{machine.snake}",
            [f"state: {enum}", f"to: {enum}"],
            tail=f") -> {enum}:",
        ),
        docstring(
            f"`to`, if a {machine.entity} may move there from `state`; IllegalTransition if not.",
            "    ",
        ),
        f"    if to not in {moves}[state]:",
        # The message names the type (an identifier), never the raw design text.
        f'        raise IllegalTransition(f"{enum} cannot move from {{state}} to {{to}}")',
        "    return to",
    ]
    if machine.per_state:
        out += _typed_moves(machine, plan)
    return out


def _move_line(key: str, targets: list[str]) -> str:
    """`    key: frozenset({a, b}),` laid out as ruff format would when it is too long."""
    if not targets:
        return f"    {key}: frozenset(),"
    one = f"    {key}: frozenset({{{', '.join(targets)}}}),"
    if len(one) <= LINE:
        return one
    two = f"        {{{', '.join(targets)}}}"
    if len(two) <= LINE:
        return f"    {key}: frozenset(\n{two}\n    ),"
    items = "".join(f"            {t},\n" for t in targets)
    return f"    {key}: frozenset(\n        {{\n{items}        }}\n    ),"


def _typed_moves(machine: Machine, plan: CodePlan) -> list[str]:
    """One function per target state, taking only the classes that may move there."""
    by_member = dict(zip((m for m, _ in machine.moves), machine.per_state, strict=True))
    out: list[str] = []
    arg = machine.snake
    for target_member, target_name in by_member.items():
        sources = [by_member[m] for m, targets in machine.moves if target_member in targets]
        if not sources:
            continue
        target = plan.record(target_name)
        source_fields = [{f.name for f in plan.record(s).fields} for s in sources]
        common = set.intersection(*source_fields)
        new = [f for f in target.fields if f.name not in common]
        params = [f"{arg}: {' | '.join(sources)}"]
        if new:
            params.append("*")
            params += [f"{f.name}: {_annotation(f)}" for f in new]
        fn = f"{arg}_to_{snake(target_member)}"
        head = call(f"def {fn}", params, tail=f") -> {target_name}:")
        kwargs = [
            f"{f.name}={f.name}" if f.name not in common else f"{f.name}={arg}.{f.name}"
            for f in target.fields
        ]
        from_names = ", ".join(sorted({s for s in sources}))
        out += [
            "",
            "",
            head,
            docstring(
                f"The {machine.entity} moved to {target_member.lower()} (only from "
                f"{from_names}: mypy rejects any other).",
                "    ",
            ),
            call(f"return {target_name}", kwargs, indent="    "),
        ]
    return out
