"""PY rules: pythonic signatures — the second stage of a coding task.

Key function signatures come right after the data structures: fully annotated, tight types
(no `Any`, `object` or bare containers), options keyword-only, no positional booleans.
The rules read operations' `signature`s (coding tasks write one per public method).
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import Operation
from archproof.model.signatures import Signature, type_names
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule

_LOOSE = frozenset({"Any", "object"})
_CONTAINERS = frozenset({"dict", "list", "tuple", "set", "frozenset", "Mapping", "Sequence"})


def _signatures(ctx: RuleContext) -> Iterator[tuple[Operation, Signature]]:
    for op in ctx.design.operations:
        if op.signature is not None:
            yield op, op.signature


@rule(code="PY001", name="positional-boolean-parameter", severity=Severity.WARNING)
def positional_boolean_parameter(ctx: RuleContext) -> Iterator[Hit]:
    """A signature takes a boolean as a positional parameter.

    What it checks:
        Parameters typed `bool` (or `bool | None`) that are not keyword-only (written
        before the `*`), in operations' signatures.

    Why it matters:
        `put(key, value, True)` does not say what True means; `put(key, value,
        overwrite=True)` does. A flag is an option, and options are keyword-only: the
        call reads on its own and the flag can be added or moved without breaking callers.

    Example:
        meta: {name: cache, kind: coding}
        components: {lib: {kind: service, tech: stateless-service}}
        operations:
          put:
            rate: 1k/s
            calls: [lib.put]
            signature: "put(key: str, value: str, overwrite: bool) -> None"

    Use instead:
        meta: {name: cache, kind: coding}
        components: {lib: {kind: service, tech: stateless-service}}
        operations:
          put:
            rate: 1k/s
            calls: [lib.put]
            signature: "put(key: str, value: str, *, overwrite: bool = False) -> None"

    Evidence:
        The signature's parameter list.
    """
    for op, sig in _signatures(ctx):
        for param in sig.params:
            if not param.keyword_only and set(type_names(param.type)) <= {"bool", "None"}:
                yield Hit(
                    element=ElementRef.operation(op.id),
                    message=f"{sig.name or op.id}: boolean '{param.name}' is positional; "
                    "a bare True or False at the call says nothing",
                    span=sig.span or op.span,
                    fix=f"make it keyword-only: `*, {param.name}: bool = False`",
                    evidence=f"signature: {sig.python or sig.name}",
                )


@rule(code="PY002", name="option-not-keyword-only", severity=Severity.INFO)
def option_not_keyword_only(ctx: RuleContext) -> Iterator[Hit]:
    """A signature's parameter with a default (an option) can be passed positionally.

    What it checks:
        Parameters with a default value that are not keyword-only, in operations'
        signatures (booleans are PY001's).

    Why it matters:
        Options are keyword-only: `history(room, limit=20)` reads on its own where
        `history(room, 20)` does not, and options can be reordered or added later without
        silently shifting callers' arguments.

    Example:
        meta: {name: chat, kind: coding}
        components: {lib: {kind: service, tech: stateless-service}}
        operations:
          history:
            rate: 1k/s
            calls: [lib.history]
            signature: "history(room: str, limit: int = 50) -> list[str]"

    Use instead:
        meta: {name: chat, kind: coding}
        components: {lib: {kind: service, tech: stateless-service}}
        operations:
          history:
            rate: 1k/s
            calls: [lib.history]
            signature: "history(room: str, *, limit: int = 50) -> list[str]"

    Evidence:
        The signature's parameter list.
    """
    for op, sig in _signatures(ctx):
        for param in sig.params:
            is_bool = set(type_names(param.type)) <= {"bool", "None"}
            if param.default is not None and not param.keyword_only and not is_bool:
                yield Hit(
                    element=ElementRef.operation(op.id),
                    message=f"{sig.name or op.id}: option '{param.name}' (default "
                    f"{param.default}) can be passed positionally",
                    span=sig.span or op.span,
                    fix=f"put it after `*`: `*, {param.name}: {param.type} = {param.default}`",
                    evidence=f"signature: {sig.python or sig.name}",
                )


@rule(code="PY003", name="loose-type-in-signature", severity=Severity.WARNING)
def loose_type_in_signature(ctx: RuleContext) -> Iterator[Hit]:
    """A signature uses `Any`, `object` or a bare container (`dict`, `list`) as a type.

    What it checks:
        Parameter and return types in operations' signatures that are `Any` or `object`,
        or a container without its item types (`dict` rather than `dict[str, int]`).

    Why it matters:
        Tight annotations: `Any` switches type checking off for everything it touches, and
        a bare `dict` says nothing about its keys and values. Precise types (a record, an
        id type, `dict[UserId, Session]`) are what lets mypy catch a wrong argument.

    Example:
        meta: {name: store, kind: coding}
        components: {lib: {kind: service, tech: stateless-service}}
        operations:
          save:
            rate: 1k/s
            calls: [lib.save]
            signature: "save(item: dict) -> Any"

    Use instead:
        meta: {name: store, kind: coding}
        components: {lib: {kind: service, tech: stateless-service}}
        operations:
          save:
            rate: 1k/s
            calls: [lib.save]
            signature: "save(item: dict[str, int]) -> bool"

    Evidence:
        The type expression and the name in it that is too loose.
    """
    for op, sig in _signatures(ctx):
        types = [(p.name, p.type) for p in sig.params] + [("return", sig.returns)]
        for where, text in types:
            loose = _loose(text)
            if loose is not None:
                yield Hit(
                    element=ElementRef.operation(op.id),
                    message=f"{sig.name or op.id}: {where} is typed `{text}` ({loose})",
                    span=sig.span or op.span,
                    fix="name the type: a record, an id type, or the container's item types",
                    evidence=f"signature: {sig.python or sig.name}",
                )


def _loose(text: str) -> str | None:
    names = type_names(text)
    for name in names:
        if name in _LOOSE:
            return f"`{name}` checks nothing"
    squashed = "".join(text.split())
    for name in _CONTAINERS:
        for i in range(len(squashed)):
            if squashed.startswith(name, i) and (i == 0 or not squashed[i - 1].isalnum()):
                after = squashed[i + len(name) : i + len(name) + 1]
                before_ok = i == 0 or squashed[i - 1] in "[,|"
                if before_ok and after != "[" and not (after.isalnum() or after == "_"):
                    return f"a bare `{name}` says nothing about its items"
    return None
