"""`tests/test_<package>.py`: Hypothesis properties the generator can state, passing as written.

Round trips of the parsers (`parse(dump(x)) == x`), only legal lifecycle moves succeed,
enums are closed (any other text is rejected), minimums and timezones hold at the boundary,
unknown keys are refused.
"""

from __future__ import annotations

from archproof.passes.codegen.names import docstring, literal, snake
from archproof.passes.codegen.plan import CodePlan, FieldCode, RecordType
from archproof.passes.codegen.pysrc import call, imports

_STRATEGY = {
    "int": "st.integers({args})",
    "float": "st.floats({args}allow_nan=False, allow_infinity=False)",
    "decimal": "st.decimals({args}allow_nan=False, allow_infinity=False, places=2)",
    "bool": "st.booleans()",
    "datetime": "st.datetimes(timezones=st.just(UTC))",
    "date": "st.dates()",
    "uuid": "st.uuids()",
    "json": "json_values()",
}


_JSON_STRATEGY = [
    "",
    "",
    "def json_values() -> st.SearchStrategy[JsonValue]:",
    "    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)",
    "    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=4)",
]


def render_tests(plan: CodePlan, header: str) -> str:
    used_models: set[str] = set()
    used_parsers: set[str] = set()
    body: list[str] = []
    uses_pytest = False
    if any(f.kind == "json" for r in plan.records for f in r.fields):
        used_models.add("JsonValue")
        body += _JSON_STRATEGY
    for record in plan.records:
        body += _strategy_fn(record, plan, used_models)
    for record in plan.records:
        fn = snake(record.name)
        used_parsers |= {f"parse_{fn}", f"dump_{fn}"}
        used_models.add(record.name)
        body += [
            "",
            "",
            f"@given({_plural(record)}())",
            f"def test_{fn}_round_trips(value: {record.name}) -> None:",
            f"    assert parse_{fn}(dump_{fn}(value)) == value",
        ]
        body += [
            "",
            "",
            f"@given({_plural(record)}(), st.text(max_size=8))",
            f"def test_{fn}_refuses_unknown_keys(value: {record.name}, key: str) -> None:",
            f"    raw = dump_{fn}(value)",
            "    assume(key not in raw)",
            "    with pytest.raises(ParseError):",
            f"        parse_{fn}({{**raw, key: 1}})",
        ]
        uses_pytest = True
        for field in record.fields:
            body += _field_tests(record, field, used_models)
    for machine in plan.machines:
        enum = machine.enum
        used_models |= {enum, f"{machine.snake.upper()}_MOVES", f"transition_{machine.snake}"}
        body += [
            "",
            "",
            f"@given(st.sampled_from({enum}), st.sampled_from({enum}))",
            f"def test_{machine.snake}_moves_only_as_the_design_allows(",
            f"    state: {enum}, to: {enum}",
            ") -> None:",
            f"    if to in {machine.snake.upper()}_MOVES[state]:",
            f"        assert transition_{machine.snake}(state, to) is to",
            "    else:",
            "        with pytest.raises(IllegalTransition):",
            f"            transition_{machine.snake}(state, to)",
        ]
        if machine.union:
            used_parsers.add(f"parse_{snake(machine.union)}")
            for name in machine.per_state:
                fn = snake(name)
                body += [
                    "",
                    "",
                    f"@given({_plural(plan.record(name))}())",
                    f"def test_{fn}_parses_by_its_state(value: {name}) -> None:",
                    f"    assert parse_{snake(machine.union)}(dump_{fn}(value)) == value",
                ]
        uses_pytest = True
    std: dict[str, list[str]] = {}
    if any(f.kind == "datetime" for r in plan.records for f in r.fields):
        std["datetime"] = ["UTC"]
    third = {"hypothesis": ["assume", "given", "strategies as st"]}
    if uses_pytest:
        third["pytest"] = ["*module*"]
    local = {
        f"{plan.package}.errors": ["ParseError"] + (["IllegalTransition"] if plan.machines else []),
        f"{plan.package}.models": sorted(used_models),
        f"{plan.package}.parsers": sorted(used_parsers),
    }
    head = imports(std, {}).split("\n\n")
    third_block = imports({}, third).split("\n\n")[1]
    local_block = imports({}, local).split("\n\n")[1]
    blocks = [*head, third_block, local_block]
    out = [
        header
        + docstring(
            f"Property tests for {plan.title}, generated with it: they pass as generated.\n\n"
            "They state what the design fixes: parsers round-trip, only the design's lifecycle\n"
            "moves succeed, enums are closed, constraints hold at the boundary. Add your own\n"
            "tests beside them, for the behaviour behind the Protocols."
        ),
        "",
        "\n\n".join(blocks),
        *body,
    ]
    return "\n".join(out) + "\n"


def _plural(record: RecordType) -> str:
    return f"{snake(record.name)}_values"


def _value_strategy(field: FieldCode, plan: CodePlan) -> str:
    kind = field.kind
    if kind == "str":
        text = f"st.text(max_size={min(field.size or 20, 20)})"
        out = text
    elif kind == "bytes":
        out = f"st.binary(max_size={min(field.size or 16, 16)})"
    elif kind == "enum":
        out = f"st.sampled_from({field.target})"
    elif kind == "id":
        id_type = next(i for i in plan.ids if i.name == field.target)
        base = FieldCode(field.name, field.key, id_type.base, id_type.kind)
        out = f"{_value_strategy(base, plan)}.map({id_type.name})"
    elif kind == "record":
        out = f"{snake(field.target or '')}_values()"
    elif kind in ("ids", "records"):
        item = FieldCode(
            field.name,
            field.key,
            field.target or "",
            "id" if kind == "ids" else "record",
            field.target,
        )
        out = f"st.lists({_value_strategy(item, plan)}, max_size=3).map(tuple)"
    else:
        args = f"min_value={field.minimum}, " if field.minimum is not None else ""
        if kind == "int" and field.minimum is not None:
            args = f"min_value={field.minimum}"
        out = _STRATEGY[kind].format(args=args)
    return f"st.none() | {out}" if field.nullable else out


def _strategy_fn(record: RecordType, plan: CodePlan, used: set[str]) -> list[str]:
    used.add(record.name)
    for field in record.fields:
        if field.kind in ("enum", "id", "ids"):
            used.add(field.target or "")
    args = [f"{f.name}={_value_strategy(f, plan)}" for f in record.fields]
    return [
        "",
        "",
        f"def {_plural(record)}() -> st.SearchStrategy[{record.name}]:",
        call("return st.builds", [record.name, *args], indent="    "),
    ]


def _field_tests(record: RecordType, field: FieldCode, used: set[str]) -> list[str]:
    fn = snake(record.name)
    name = f"{fn}_{field.name}"
    out: list[str] = []
    if field.kind == "enum" and field.target:
        used.add(field.target)
        out += [
            "",
            "",
            f"@given({_plural(record)}(), st.text(max_size=12))",
            f"def test_{name}_is_a_closed_set(value: {record.name}, text: str) -> None:",
            f"    assume(text not in {{member.value for member in {field.target}}})",
            "    with pytest.raises(ParseError):",
            f"        parse_{fn}({{**dump_{fn}(value), {literal(field.key)}: text}})",
        ]
    if field.minimum is not None and field.kind in ("int", "float", "decimal"):
        below = {
            "int": f"st.integers(max_value={field.minimum - 1})",
            "float": f"st.floats(max_value={field.minimum}, exclude_max=True, allow_nan=False)",
            "decimal": f"st.integers(max_value={field.minimum - 1}).map(str)",
        }[field.kind]
        kind = {"int": "int", "float": "float", "decimal": "str"}[field.kind]
        out += [
            "",
            "",
            f"@given({_plural(record)}(), {below})",
            f"def test_{name}_below_{_num(field.minimum)}_is_refused(",
            f"    value: {record.name}, bad: {kind}",
            ") -> None:",
            "    with pytest.raises(ParseError):",
            f"        parse_{fn}({{**dump_{fn}(value), {literal(field.key)}: bad}})",
        ]
    if field.kind == "datetime":
        out += [
            "",
            "",
            f"@given({_plural(record)}())",
            f"def test_{name}_needs_a_timezone(value: {record.name}) -> None:",
            "    with pytest.raises(ParseError):",
            f"        naive = {{**dump_{fn}(value), {literal(field.key)}: {literal(_NAIVE)}}}",
            f"        parse_{fn}(naive)",
        ]
    return out


_NAIVE = "2026-01-01T10:00:00"


def _num(value: int) -> str:
    return f"minus_{-value}" if value < 0 else str(value)
