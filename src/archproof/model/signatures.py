"""Signatures: the typed Python interface of an operation in a coding task.

An operation of a coding task is a method; its `signature` says how it is called. The short
form is the Python text itself, parsed (never evaluated) with `ast`:

    signature: "allow(client_key: ClientKey, *, now: datetime | None = None) -> bool"

Type expressions are data, not code: they may only use names, `[...]`, `,`, `|`, `...` and
`None` (checked here), and the code stage resolves each name against the types it generates
(entities, their ids and enums, the errors named in `raises`), a short list of standard
types, and single capital letters, which become type variables (`K`, `V`, `T`).
"""

from __future__ import annotations

import ast
import keyword
import re
from typing import Any

from pydantic import Field, field_validator

from archproof.model.base import Node, located

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TYPE_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>\.\.\.|[\[\],|]))")
# Defaults are literals only: the code stage writes them back as Python text.
_DEFAULT = re.compile(r"None|True|False|-?\d{1,18}(?:\.\d{1,18})?\Z")


def identifier(value: str) -> str:
    """A Python identifier that is not a keyword (names of methods, params, errors)."""
    if not _IDENT.match(value) or keyword.iskeyword(value):
        raise ValueError(f"{value!r} is not a Python identifier")
    return value


def type_names(text: str) -> tuple[str, ...]:
    """The names a type expression uses, in order; ValueError if it is not a plain type."""
    names: list[str] = []
    depth = 0
    pos = 0
    text = text.rstrip()
    if not text:
        raise ValueError("empty type")
    while pos < len(text):
        match = _TYPE_TOKEN.match(text, pos)
        if match is None:
            raise ValueError(
                f"type {text!r}: only names, [...], ',', '|' and '...' are allowed "
                f"(found {text[pos:].strip()[:10]!r})"
            )
        pos = match.end()
        name, punct = match["name"], match["punct"]
        if name is not None:
            if keyword.iskeyword(name) and name != "None":
                raise ValueError(f"type {text!r}: {name!r} is a Python keyword")
            names.append(name)
        elif punct == "[":
            depth += 1
        elif punct == "]":
            depth -= 1
            if depth < 0:
                raise ValueError(f"type {text!r}: unbalanced ']'")
    if depth != 0:
        raise ValueError(f"type {text!r}: unbalanced '['")
    return tuple(names)


def _type(value: str) -> str:
    type_names(value)
    return " ".join(value.split())


class Param(Node):
    """One parameter of a signature."""

    name: str = Field(description="Parameter name (a Python identifier).")
    type: str = Field(description="Type expression, e.g. `ClientKey` or `datetime | None`.")
    keyword_only: bool = Field(
        default=False, description="Keyword-only (written after `*`): options are."
    )
    default: str | None = Field(
        default=None, description="Default value, a literal: None, True, False or a number."
    )

    _name = field_validator("name")(identifier)
    _type = field_validator("type")(_type)

    @field_validator("default")
    @classmethod
    def _literal(cls, value: str | None) -> str | None:
        if value is not None and not _DEFAULT.match(value):
            raise ValueError(f"default {value!r} must be None, True, False or a number")
        return value


class Signature(Node):
    """How a coding task's operation is called: parameters, return type, errors raised.

    Short form: the Python text, `"get(key: K) -> V | None"`; or a mapping with the text
    under `python` and the other fields beside it (`raises`, `owner`, `complexity`).
    """

    python: str | None = Field(
        default=None,
        description="The signature as Python text, `name(p: T, *, option: U = None) -> R`; "
        "fills in name, params and returns.",
    )
    name: str | None = Field(default=None, description="Method name; default: the operation's id.")
    owner: str | None = Field(
        default=None,
        description="The interface (Protocol) the method belongs to; default: from the "
        "design's name.",
    )
    params: tuple[Param, ...] = Field(default=(), description="Parameters, in order.")
    returns: str = Field(default="None", description="Return type expression.")
    raises: tuple[str, ...] = Field(
        default=(),
        description="Errors the method raises (rejections, duplicates, timeouts), by name.",
    )
    complexity: str | None = Field(
        default=None, description="Time complexity, e.g. `O(1)` or `O(log n)`."
    )

    _name = field_validator("name", "owner")(lambda v: None if v is None else identifier(v))
    _returns = field_validator("returns")(_type)

    @field_validator("raises")
    @classmethod
    def _errors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(identifier(v) for v in value)

    @field_validator("params")
    @classmethod
    def _unique(cls, value: tuple[Param, ...]) -> tuple[Param, ...]:
        seen: set[str] = set()
        for param in value:
            if param.name in seen:
                raise ValueError(f"parameter {param.name!r} appears twice")
            seen.add(param.name)
        return value

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return located(data, {"python": data, **parse_signature(data)})
        if isinstance(data, dict) and isinstance(data.get("python"), str):
            return located(data, {**parse_signature(data["python"]), **data})
        return data


def parse_signature(text: str) -> dict[str, Any]:
    """`name(a: T, *, b: U = None) -> R` → the long form; ValueError when it is not one."""
    source = " ".join(text.split())
    try:
        tree = ast.parse(f"def {source}: ...", mode="exec")
    except SyntaxError:
        raise ValueError(
            f"signature {text!r} is not of the form 'name(param: Type, *, option: Type = None)"
            " -> Type'"
        ) from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise ValueError(f"signature {text!r} is not a single function signature")
    fn = tree.body[0]
    args = fn.args
    if args.vararg or args.kwarg or args.posonlyargs or fn.decorator_list:
        raise ValueError(f"signature {text!r}: *args, **kwargs and '/' are not supported")
    params: list[dict[str, Any]] = []
    positional = args.args
    pos_defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    pos_defaults += list(args.defaults)
    kinds = [(a, d, False) for a, d in zip(positional, pos_defaults, strict=True)]
    kinds += [(a, d, True) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    for arg, default, keyword_only in kinds:
        if arg.annotation is None:
            raise ValueError(f"signature {text!r}: parameter {arg.arg!r} has no type")
        param: dict[str, Any] = {
            "name": arg.arg,
            "type": ast.unparse(arg.annotation),
            "keyword_only": keyword_only,
        }
        if default is not None:
            param["default"] = ast.unparse(default)
        params.append(param)
    return {
        "name": fn.name,
        "params": tuple(params),
        "returns": "None" if fn.returns is None else ast.unparse(fn.returns),
    }
