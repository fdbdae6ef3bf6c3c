"""Help that reads naturally: flags as flags, values as FILE / TEXT / INTEGER, not Python types.

Typer's Rich help prints each parameter's Python type (`<bool>`, `<str>`, `<list[Path]>`,
`<int range>`). These command classes keep everything else typer does and only change that
column: a flag shows nothing (it takes no value), a value shows a placeholder in the click
convention, choices show their values. `app.py` installs them on every command and group.
"""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

_NAMES = {
    "bool": "",
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "NUMBER",
    "float range": "NUMBER",
    "path": "PATH",
    "Path": "PATH",
}
_LIST = re.compile(r"^list\[(.*)\]$")


def natural(python_type: str, name: str | None = None) -> str:
    """`<list[Path]>` → `FILE`, `<bool>` → ``, `<terminal|json>` → `terminal|json`."""
    label = python_type.strip().removeprefix("<").removesuffix(">")
    if (inner := _LIST.match(label)) is not None:
        label = inner.group(1)
    if "|" in label:  # choices: their values are the clearest placeholder
        return label
    word = _NAMES.get(label, label.upper())
    if word == "PATH" and name is not None and name.rstrip("s") == "file":
        return "FILE"
    return word


class _Argument(TyperArgument):
    def display_type(self, ctx: Any) -> str:  # a click Context (typer vendors click)
        return natural(super().display_type(ctx), self.name)


def _naturalize(params: list[Any], ctx: Any) -> list[Any]:
    for param in params:
        if isinstance(param, TyperOption) and param.metavar is None:
            flag = param.is_flag or bool(param.count)
            param.metavar = "" if flag else natural(param.display_type(ctx), param.name)
        elif type(param) is TyperArgument:
            param.__class__ = _Argument  # same object, one method changed (no state added)
    return params


class NaturalCommand(TyperCommand):
    """A typer command whose help names value placeholders, not Python types."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _naturalize(super().get_params(ctx), ctx)


class NaturalGroup(TyperGroup):
    """A typer group (the root, `rules`) with the same help."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _naturalize(super().get_params(ctx), ctx)


def install(app: typer.Typer) -> None:
    """Use the natural help classes for `app`, its commands and its sub-apps (recursively)."""
    if not (isinstance(app.info.cls, type) and issubclass(app.info.cls, NaturalGroup)):
        app.info.cls = NaturalGroup  # unset is typer's DefaultPlaceholder(TyperGroup)
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):  # typer fills in TyperCommand when unset
            command.cls = NaturalCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            install(group.typer_instance)
