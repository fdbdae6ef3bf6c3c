"""Designs are data: hostile names must never become code.

Entity, field, enum value, state and design names full of quotes, triple quotes, braces,
newlines and Python statements go through the generator; every generated file must still
compile, hold the payload only inside string literals, docstrings or comments, and import
without running it. Hostile signatures are refused by the model itself.
"""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

import pytest
from pydantic import ValidationError

from archproof.model import Design
from archproof.model.signatures import Signature
from archproof.passes.codegen import CodegenError, generate_package

from .conftest import write

PAYLOAD = '"""\'); __import__("os").system("touch PWNED") #{x}\n'
EVIL = f"Evil{PAYLOAD}"


def _design() -> Design:
    return Design.model_validate(
        {
            "meta": {"name": f"shop{PAYLOAD}", "kind": "coding", "task": PAYLOAD},
            "entities": {
                EVIL: {
                    "key": "id",
                    "fields": {
                        "id": "int",
                        f"name{PAYLOAD}": "str(20)",
                        "colour": {"type": "enum", "values": ["red", PAYLOAD, "class"]},
                        "for": "int",
                    },
                    "states": ["new", PAYLOAD],
                    "transitions": {"new": [PAYLOAD]},
                },
                "Order": {
                    "key": "id",
                    "fields": {"id": "int", "item": {"type": "ref", "ref": EVIL}},
                },
            },
            "operations": {
                "buy": {
                    "description": PAYLOAD,
                    "signature": {"python": "buy(order: Order) -> None", "owner": "Shop"},
                }
            },
        }
    )


def _code_names(text: str) -> set[str]:
    """Every name token that is code (not inside a string literal or a comment)."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return {t.string for t in tokens if t.type == tokenize.NAME}


def test_hostile_names_stay_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = generate_package(_design(), source=PAYLOAD)
    for file in package.python_files:
        compile(file.text, file.path, "exec")
        # The payload's words may survive inside one sanitised identifier
        # (`parse_evil_import_os_system_…`), never as names of their own.
        names = _code_names(file.text)
        assert not names & {"__import__", "system", "os", "touch", "PWNED"}, file.path
    write(package, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        module = __import__(package.package)
        assert hasattr(module, "Order")
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == package.package]:
            del sys.modules[name]
    assert not (tmp_path / "PWNED").exists()


def test_names_that_collide_after_sanitising_are_reported() -> None:
    design = Design.model_validate(
        {
            "meta": {"name": "x", "kind": "coding"},
            "entities": {"A": {"key": [], "fields": {"a-b": "int", "a_b": "str"}}},
        }
    )
    with pytest.raises(CodegenError, match="both be named 'a_b'"):
        generate_package(design)


def test_unknown_type_in_a_signature_is_reported() -> None:
    design = Design.model_validate(
        {
            "meta": {"name": "x", "kind": "coding"},
            "operations": {"go": {"signature": "go(x: Widget) -> None"}},
        }
    )
    with pytest.raises(CodegenError, match="'Widget'"):
        generate_package(design)


@pytest.mark.parametrize(
    "text",
    [
        "f(x: int.__class__) -> int",
        "f(x: int = __import__('os')) -> None",
        "f(x: int) -> None: import os",
        "f(x) -> int",
        "f(*args: int) -> None",
        'f(x: "int") -> None',
        "f(x: lambda: 1) -> None",
        "f(x: int, x: int) -> None",
    ],
)
def test_hostile_signatures_are_refused_by_the_model(text: str) -> None:
    with pytest.raises(ValidationError):
        Signature.model_validate(text)


def test_signature_short_and_long_forms() -> None:
    sig = Signature.model_validate(
        {
            "python": "allow(key: ClientKey, *, now: datetime | None = None) -> bool",
            "raises": ["Rejected"],
        }
    )
    assert sig.name == "allow" and sig.returns == "bool" and sig.raises == ("Rejected",)
    assert [(p.name, p.type, p.keyword_only, p.default) for p in sig.params] == [
        ("key", "ClientKey", False, None),
        ("now", "datetime | None", True, "None"),
    ]
