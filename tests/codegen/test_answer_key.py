"""The answer key (answer_key.yaml, written before the generator ran) against what it generates.

(The tool checks at the end also cover the domain layer of the bundled system designs.)

For each of the 8 coding tasks the drafted design's package is imported and checked item by
item: the Protocol and its methods, ids, enums, records (and fields that must be absent in a
state), field annotations, legal and illegal lifecycle moves, errors, and raw input the
parsers must reject. Then, once for all packages: mypy --strict, ruff, and their own tests.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from types import ModuleType
from typing import Any

import pytest

from archproof.cli.code_cmd import mypy_command, ruff_command
from archproof.model import Design, Entity

from .conftest import KEY, Generated, run_tool

TASK_NAMES = sorted(KEY)


@pytest.fixture
def package(
    generated: dict[str, Generated], request: pytest.FixtureRequest
) -> Iterator[tuple[ModuleType, Generated, dict[str, Any]]]:
    gen = generated[request.param]
    name = gen.package.package
    sys.path.insert(0, str(gen.root))
    try:
        module = importlib.import_module(name)
        yield module, gen, KEY[request.param]
    finally:
        sys.path.remove(str(gen.root))
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]


def _squash(text: str) -> str:
    return "".join(str(text).split())


@pytest.mark.parametrize("package", TASK_NAMES, indirect=True)
def test_protocol_and_methods(package: tuple[ModuleType, Generated, dict[str, Any]]) -> None:
    module, _, key = package
    proto = getattr(module, key["protocol"])
    params = [p.__name__ for p in getattr(proto, "__parameters__", ())]
    assert params == key["generic"]
    for method, want in key["methods"].items():
        sig = inspect.signature(getattr(proto, method))
        got = list(sig.parameters.values())[1:]  # self
        positional = [p.name for p in got if p.kind is p.POSITIONAL_OR_KEYWORD]
        keyword = [p.name for p in got if p.kind is p.KEYWORD_ONLY]
        assert positional == want["params"], method
        assert keyword == want["keyword_only"], method
        assert _squash(sig.return_annotation) == _squash(want["returns"]), method


@pytest.mark.parametrize("package", TASK_NAMES, indirect=True)
def test_types(package: tuple[ModuleType, Generated, dict[str, Any]]) -> None:
    module, _, key = package
    for name, base in key["ids"].items():
        id_type = getattr(module, name)
        assert id_type.__supertype__.__name__ == base, name
    for name, values in key["enums"].items():
        enum = getattr(module, name)
        assert issubclass(enum, Enum) and [m.value for m in enum] == values, name
    for name, want in key["records"].items():
        record = getattr(module, name)
        names = {f.name for f in fields(record)}
        assert set(want["fields"]) <= names, name
        assert not set(want.get("absent", ())) & names, name
        assert record.__dataclass_params__.frozen and hasattr(record, "__slots__"), name
    for dotted, annotation in key["field_types"].items():
        record, field = dotted.split(".")
        declared = {f.name: f.type for f in fields(getattr(module, record))}
        assert _squash(declared[field]) == _squash(annotation), dotted
    errors = key["errors"]
    base = getattr(module, errors[0])
    for name in errors[1:]:
        assert issubclass(getattr(module, name), base), name


@pytest.mark.parametrize("package", TASK_NAMES, indirect=True)
def test_only_legal_transitions(package: tuple[ModuleType, Generated, dict[str, Any]]) -> None:
    module, _, key = package
    for entity, moves in key["transitions"].items():
        move = getattr(module, f"transition_{entity.lower()}")
        states = getattr(module, f"{entity}State")
        for a, b in moves["legal"]:
            assert move(states(a), states(b)) is states(b), (entity, a, b)
        for a, b in moves["illegal"]:
            with pytest.raises(module.IllegalTransition):
                move(states(a), states(b))


def _valid_raw(entity: Entity, record: type, design: Design) -> dict[str, object]:
    """A raw input the parser of `record` accepts, built from the design's field types."""
    raw: dict[str, object] = {}
    names = {f.name for f in fields(record)}
    state = getattr(record, "state", None)
    if isinstance(state, Enum):
        raw["state"] = state.value
    elif "state" in names:
        raw["state"] = entity.states[0]
    samples = {
        "int": 1,
        "bigint": 1,
        "float": 1.5,
        "decimal": "12.50",
        "bool": True,
        "str": "x",
        "text": "x",
        "datetime": datetime(2026, 1, 1, 10, tzinfo=UTC).isoformat(),
    }
    for field_name, spec in entity.fields.items():
        if field_name not in names:
            continue
        if spec.type == "ref" and spec.ref is not None:
            target = design.entity_map[spec.ref]
            spec = target.fields[target.key[0]]
        raw[field_name] = spec.values[0] if spec.type == "enum" else samples[spec.type]
    for rel in entity.relations:
        raw[rel.to.lower() + "s"] = []
    return raw


@pytest.mark.parametrize("package", TASK_NAMES, indirect=True)
def test_parsers_reject_illegal_input(
    package: tuple[ModuleType, Generated, dict[str, Any]],
) -> None:
    module, gen, key = package
    parsers = importlib.import_module(f"{gen.package.package}.parsers")
    for record_name, bad_values in key["rejects"].items():
        record = getattr(module, record_name)
        entity = next(
            e for e in gen.design.entities if record_name.endswith(e.id) or record_name == e.id
        )
        parse = getattr(parsers, f"parse_{_snake(record_name)}")
        raw = _valid_raw(entity, record, gen.design)
        assert isinstance(parse(raw), record)  # the baseline is valid
        for field, bad in bad_values.items():
            with pytest.raises(module.ParseError):
                parse({**raw, field: bad})


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def test_money_is_decimal_and_timestamps_aware(generated: dict[str, Generated]) -> None:
    sys.path.insert(0, str(generated["parking_lot"].root))
    try:
        models = importlib.import_module("parking_lot.models")
        paid = models.PaidTicket
        now = datetime(2026, 1, 1, tzinfo=UTC)
        ok = paid(id=1, spot_id=2, plate="AB", issued_at=now, paid_at=now, fee=Decimal("3.50"))
        assert ok.fee == Decimal("3.50")
        with pytest.raises(ValueError, match="at least 0"):
            paid(id=1, spot_id=2, plate="AB", issued_at=now, paid_at=now, fee=Decimal("-1"))
        with pytest.raises(ValueError, match="timezone"):
            paid(
                id=1,
                spot_id=2,
                plate="AB",
                issued_at=now,
                paid_at=datetime(2026, 1, 1),  # naive: the point of the test
                fee=Decimal(1),
            )
    finally:
        sys.path.remove(str(generated["parking_lot"].root))
        for loaded in [m for m in sys.modules if m.startswith("parking_lot")]:
            del sys.modules[loaded]


# ------------------------------------------------------------------ the tools, once for all


def _all_paths(generated: dict[str, Generated]) -> list[str]:
    out: list[str] = []
    for gen in generated.values():
        out += [str(gen.root / gen.package.package), str(next((gen.root / "tests").iterdir()))]
    return out


def test_generated_packages_pass_mypy_strict(
    every_package: dict[str, Generated], mypy_cache: Any
) -> None:
    paths = _all_paths(every_package)
    code, output = run_tool(
        [*mypy_command(paths)[2:], "--cache-dir", str(mypy_cache)], cwd=mypy_cache.parent
    )
    assert code == 0, output
    assert len(every_package) >= 8 + 5


def test_generated_packages_pass_ruff(every_package: dict[str, Generated]) -> None:
    for gen in every_package.values():
        code, output = run_tool(ruff_command(["."])[2:], cwd=gen.root)
        assert code == 0, f"{gen.name}:\n{output}"


def test_generated_tests_pass(every_package: dict[str, Generated], tmp_path: Any) -> None:
    # Fewer Hypothesis examples than the default 100: the properties, not the budget, matter
    # here, and CI runs all 8 packages' tests in one process.
    (tmp_path / "ci_profile.py").write_text(
        "from hypothesis import settings\n"
        'settings.register_profile("archproof-ci", max_examples=10, deadline=None)\n'
        'settings.load_profile("archproof-ci")\n',
        "utf-8",
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\n", "utf-8")
    roots = [str(tmp_path)] + [str(gen.root) for gen in every_package.values()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(roots)}
    tests = [str(gen.root / "tests") for gen in every_package.values()]
    command = ["pytest", "-q", "-p", "no:cacheprovider", "-p", "ci_profile"]
    command += ["-c", str(tmp_path / "pytest.ini"), *tests]
    code, output = run_tool(command, cwd=tmp_path, env=env)
    assert code == 0, output
    assert " passed" in output and "failed" not in output
