"""Design ↔ code drift: does a user's class satisfy the generated Protocols?

mypy does the checking. For each Protocol method, a probe module declares a one-method
Protocol and a function returning the user's class as it; mypy's complaint about that line
is a mismatch of exactly that method, which is then reported at the method's definition in
the user's file (or at the class when the method is missing). Type variables become `Any`
here: the probe checks names, parameters and the concrete parts of the types.

Pure text in and out; the CLI writes the probe and runs mypy.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from archproof.model.signatures import type_names
from archproof.passes.codegen.names import camel
from archproof.passes.codegen.plan import CodePlan, MethodCode, ProtocolCode
from archproof.passes.codegen.pysrc import call

_MYPY_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<level>error|note): (?P<msg>.*)$"
)


@dataclass(frozen=True)
class Probe:
    """The probe module's text and which (protocol, method) each checked line stands for."""

    text: str
    lines: dict[int, tuple[str, str]]


@dataclass(frozen=True)
class Mismatch:
    """One way the implementation differs from the design, located in the user's file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def find_classes(source: str, plan: CodePlan) -> dict[str, str]:
    """Protocol → the user's class implementing it: same name, a name ending in it, or the
    only class in the module when there is one Protocol."""
    classes = [n.name for n in ast.parse(source).body if isinstance(n, ast.ClassDef)]
    out: dict[str, str] = {}
    for proto in plan.protocols:
        exact = [c for c in classes if c == proto.name]
        suffix = [c for c in classes if c.endswith(proto.name)]
        if exact or suffix:
            out[proto.name] = (exact or suffix)[0]
        elif len(classes) == 1 and len(plan.protocols) == 1:
            out[proto.name] = classes[0]
    return out


def definitions(source: str) -> dict[str, tuple[int, dict[str, int]]]:
    """Class → (its line, method → line) in the user's module."""
    out: dict[str, tuple[int, dict[str, int]]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            methods = {
                item.name: item.lineno
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            out[node.name] = (node.lineno, methods)
    return out


def probe(plan: CodePlan, module: str, classes: dict[str, str]) -> Probe:
    """The probe module: one single-method Protocol and one checked `return` per method."""
    used: set[str] = set()
    for proto in plan.protocols:
        for method in proto.methods:
            used.update(type_names(method.returns))
            for param in method.params:
                used.update(type_names(param.annotation))
    models = {r.name for r in plan.records} | {i.name for i in plan.ids}
    models |= {e.name for e in plan.enums} | {m.union for m in plan.machines if m.union}
    errors = {n for n, _ in plan.errors} | {plan.base_error, "ParseError", "IllegalTransition"}
    lines = [
        "# archproof conformance probe (temporary): one checked line per Protocol method.",
        "from __future__ import annotations",
        "",
        "from collections.abc import Iterable, Iterator, Mapping, Sequence",
        "from datetime import date, datetime",
        "from decimal import Decimal",
        "from typing import Any, Protocol",
        "from uuid import UUID",
        "",
    ]
    if used & models:
        lines.append(f"from {plan.package}.models import {', '.join(sorted(used & models))}")
    if used & errors:
        lines.append(f"from {plan.package}.errors import {', '.join(sorted(used & errors))}")
    lines.append(f"from {module} import {', '.join(sorted(set(classes.values())))}")
    checked: dict[int, tuple[str, str]] = {}
    for proto in plan.protocols:
        impl = classes.get(proto.name)
        if impl is None:
            continue
        for method in proto.methods:
            name = f"_{camel(proto.name)}_{method.name}"
            lines += ["", "", f"class {name}(Protocol):", _method(method, proto)]
            lines += ["", "", f"def _check{name}(impl: {impl}) -> {name}:"]
            lines.append("    return impl")
            checked[len(lines)] = (proto.name, method.name)
    return Probe("\n".join(lines) + "\n", checked)


def _generic_free(text: str, proto: ProtocolCode) -> str:
    variables = {v for v, _ in proto.type_vars}
    if not variables or not set(type_names(text)) & variables:
        return text
    return re.sub(r"\b(" + "|".join(variables) + r")\b", "Any", text)


def _method(method: MethodCode, proto: ProtocolCode) -> str:
    params = ["self"]
    star = False
    for param in method.params:
        if param.keyword_only and not star:
            params.append("*")
            star = True
        default = f" = {param.default}" if param.default is not None else ""
        params.append(f"{param.name}: {_generic_free(param.annotation, proto)}{default}")
    returns = _generic_free(method.returns, proto)
    return call(f"def {method.name}", params, indent="    ", tail=f") -> {returns}: ...")


def mismatches(
    output: str,
    probe_file: str,
    found: Probe,
    classes: dict[str, str],
    user_file: str,
    user_source: str,
) -> list[Mismatch]:
    """mypy's output, each problem located in the user's file."""
    defs = definitions(user_source)
    out: list[Mismatch] = []
    current: Mismatch | None = None
    notes: list[str] = []

    def flush() -> None:
        nonlocal current, notes
        if current is not None:
            detail = _detail([n.strip() for n in notes if n.strip()])
            message = current.message + (f" ({detail})" if detail else "")
            out.append(Mismatch(current.file, current.line, message))
        current, notes = None, []

    for raw in output.splitlines():
        match = _MYPY_LINE.match(raw)
        if match is None:
            continue
        file, line, level, msg = match["file"], int(match["line"]), match["level"], match["msg"]
        from_probe = file.endswith(probe_file)
        if level == "note":
            if current is not None and from_probe and not msg.strip().startswith("See "):
                notes.append(msg)
            continue
        flush()
        if not from_probe:
            current = Mismatch(
                user_file if file.endswith(user_file.split("/")[-1]) else file, line, msg
            )
            continue
        where = found.lines.get(line)
        if where is None:
            current = Mismatch(probe_file, line, msg)
            continue
        proto, method = where
        impl = classes[proto]
        class_line, methods = defs.get(impl, (1, {}))
        if method in methods:
            current = Mismatch(
                user_file, methods[method], f"{impl}.{method} does not match {proto}.{method}"
            )
        else:
            current = Mismatch(user_file, class_line, f"{impl} has no method {method} ({proto})")
            out.append(current)  # the missing member says it all; mypy's notes repeat it
            current, notes = None, []
    flush()
    return out


def _detail(notes: list[str]) -> str:
    """mypy's notes on one mismatch, as `expected …, got …` when it gives both."""
    if "Expected:" in notes and "Got:" in notes:
        expected = notes[notes.index("Expected:") + 1 : notes.index("Got:")]
        got = notes[notes.index("Got:") + 1 :]
        return f"expected `{' '.join(expected)}`, got `{' '.join(got)}`"
    return "; ".join(n for n in notes if not n.startswith("Following member"))
