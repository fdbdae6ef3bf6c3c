"""Load a design file: safe YAML → located data → validated `Design` → semantic checks.

Every problem becomes a `Diagnostic` with a code, a message, the file:line:column and
a hint; all of them are collected and raised together as one `DesignError`.
"""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from archproof.errors import DesignError, Diagnostic
from archproof.frontends.checks import check_design, mark_checked, sorted_diagnostics
from archproof.frontends.located_yaml import MAX_BYTES, read_yaml, too_large
from archproof.model import Design
from archproof.model.base import Node
from archproof.span import LocatedDict, LocatedList, Span, span_of


def load_design(path: str | Path) -> Design:
    """Read and validate a design file; raise `DesignError` with every problem found."""
    name = str(path)
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:  # refuse before reading a huge file into memory
            raise DesignError([too_large(size, name)])
        data = file.read_bytes()
    except FileNotFoundError:
        raise DesignError([Diagnostic("AP000", f"no such file: {name}")]) from None
    except IsADirectoryError:
        raise DesignError([Diagnostic("AP000", f"{name} is a directory, not a design")]) from None
    except OSError as exc:
        raise DesignError([Diagnostic("AP000", f"cannot read {name}: {exc.strerror}")]) from None
    return load_bytes(data, name)


def load_text(text: str, filename: str = "<text>") -> Design:
    """Validate a design given as YAML text."""
    return load_bytes(text.encode("utf-8"), filename)


def load_bytes(data: bytes, filename: str) -> Design:
    """Validate a design given as bytes (the file's content)."""
    document, diagnostics = read_yaml(data, filename)
    if document is None:
        raise DesignError(diagnostics)
    try:
        design = Design.model_validate(document)
    except ValidationError as exc:
        diagnostics.extend(_from_validation(exc, document))
        raise DesignError(sorted_diagnostics(diagnostics)) from None
    diagnostics.extend(check_design(design))
    if diagnostics:
        raise DesignError(sorted_diagnostics(diagnostics))
    mark_checked(design)  # `run()` need not check it again
    return design


# ---------------------------------------------------------------------------------------
# pydantic errors → diagnostics


_CONSTRAINT_TYPES = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "too_short"}
)


def _from_validation(exc: ValidationError, document: Any) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        if kind == "union_tag_invalid":  # `dist: gamma`: point at the tag the user wrote
            loc = (*loc, str(error["ctx"]["discriminator"]).strip("'"))
        field = _field_name(loc)
        is_key = kind == "extra_forbidden"
        span = _locate(document, loc, want_key=is_key)
        message, code, hint = _describe(kind, error, field)
        out.append(Diagnostic(code, message, span, hint))
    return out


def _describe(kind: str, error: Any, field: str) -> tuple[str, str, str | None]:
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        # The vocabulary spans every model; a key valid elsewhere must not suggest itself.
        others = [k for k in _vocabulary() if k != field]
        hint = _synonym(field, others) or _did_you_mean(field, others)
        return f"unknown key '{field}'", "AP010", hint
    if kind == "missing":
        return f"missing required key '{field}'", "AP011", None
    if kind == "unit_error":
        return str(error["msg"]), "AP013", ctx.get("hint")
    if kind == "out_of_range":  # a quantity beyond the bounds table (units.QUANTITY_BOUNDS)
        return f"'{field}': {error['msg']}", "AP025", ctx.get("hint")
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",")]
        hint = _did_you_mean(str(value), [c for c in choices if c]) or f"expected {expected}"
        return f"invalid value {_show(value)} for '{field}'", "AP014", hint
    if kind == "union_tag_invalid":
        tags = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",")]
        expected = ", ".join(repr(t) for t in tags[:-1]) + f" or {tags[-1]!r}"
        tag = str(ctx.get("tag"))
        if tag == "parallel" and "parallel" not in tags:
            return (
                "a parallel group cannot be a member of a parallel group",
                "AP014",
                "list its calls in the outer group: they are made at once either way",
            )
        hint = _did_you_mean(tag, tags) or f"expected {expected}"
        return f"invalid value {_show(tag)} for '{field}'", "AP014", hint
    if kind == "model_attributes_type":  # a tagged union given a scalar
        return f"'{field}': expected a mapping, got {_show(value)}", "AP012", None
    if kind in _CONSTRAINT_TYPES:
        bound_hint = _RANGE_HINT if kind.startswith("less") else None
        return f"'{field}' {_constraint(kind, ctx)}, got {_show(value)}", "AP025", bound_hint
    if kind == "value_error":
        msg = str(error["msg"]).removeprefix("Value error, ")
        return msg, "AP015", None
    if kind == "int_parsing_size":  # 1e100 where a whole number goes: past every bound
        return f"'{field}' is far too large, got {_show(value)}", "AP025", _RANGE_HINT
    if kind == "union_tag_not_found" and not isinstance(value, dict):
        kind = "dict_type"  # a list where a distribution goes: not "unable to extract tag"
    if kind in _EXPECTED:
        return f"'{field}': expected {_EXPECTED[kind]}, got {_show(value)}", "AP012", None
    expected = str(error["msg"]).replace("Input should be", "expected")
    return f"'{field}': {expected}, got {_show(value)}", "AP012", None


# pydantic's words for a wrong type name our classes and parsers ("a valid dictionary or
# instance of Breaker", "a valid tuple", "not a valid fraction"); the user wrote YAML, so
# the message names what YAML has (issue 12: types in the user's words, not ours).
_EXPECTED = {
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "dataclass_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "frozen_set_type": "a list",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "float_type": "a number",
    "float_parsing": "a number",
    "fraction_type": "a number",
    "fraction_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
}

_RANGE_HINT = "ranges are generous, far beyond real systems; `archproof describe` lists them"


def _constraint(kind: str, ctx: dict[str, Any]) -> str:
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    words = {
        "greater_than": "must be greater than",
        "greater_than_equal": "must be at least",
        "less_than": "must be less than",
        "less_than_equal": "must be at most",
    }
    limit = next(iter(ctx.values()), "")
    return f"{words[kind]} {limit}"


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"  # as YAML writes it, not Python's True
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(str(value)) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _field_name(loc: tuple[Any, ...]) -> str:
    for part in reversed(loc):
        if isinstance(part, str) and not _is_tag(part):
            return part
    return "value"


def _is_tag(part: str) -> bool:
    """pydantic's own location parts (validator names), not keys the user wrote."""
    return "[" in part or part.startswith("function-")


# Words people write for a key the model spells otherwise: a spelling match would miss
# them or pick a stranger (`queries` → `retries`).
_SYNONYMS = {
    "queries": "access_patterns",
    "query": "access_patterns",
    "trigger": "consumes",
    "triggered_by": "consumes",
    "consumer_of": "consumes",
    "subscribes": "consumes",
    "instances": "replicas",
    "nodes": "replicas",
    "technology": "tech",
    "type": "kind",
    "steps": "calls",
    "depends_on": "calls",
    "qps": "rate",
    "rps": "rate",
    "throughput": "rate",
    "columns": "fields",
}


def _synonym(word: str, choices: list[str]) -> str | None:
    target = _SYNONYMS.get(word.lower())
    return f"did you mean '{target}'?" if target in choices else None


def _did_you_mean(word: str, choices: Any) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


@cache
def _vocabulary() -> tuple[str, ...]:
    """Every key a design may contain (field names and aliases of all model nodes)."""
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            if name != "span":
                names.add(info.alias or name)
        for sub in model.__subclasses__():
            visit(sub)

    visit(Node)
    return tuple(sorted(names))


def _locate(document: Any, loc: tuple[Any, ...], *, want_key: bool) -> Span | None:
    """Follow a pydantic error location through the located YAML data to a span."""
    current: Any = document
    best: Span | None = span_of(document)
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if _is_union_tag(loc, index) or _is_distribution_tag(loc, index):
            continue  # pydantic's tag of a union, not a key in the file
        if isinstance(current, LocatedDict):
            if isinstance(part, str) and part not in current and _is_short_form(current):
                # `db.read: {timeout: ..}` or `{lognormal: {p99: ..}}`: look inside the value
                (wrapper,) = current
                best = current.value_spans.get(wrapper, best)
                current = current[wrapper]
                best = span_of(current) or best
                if not isinstance(current, LocatedDict):
                    continue
            key = str(part)
            if isinstance(part, int):
                keys = list(current)
                if not 0 <= part < len(keys):
                    continue
                key = keys[part]  # keyed sections become tuples in the model
            if key in current:
                if last and want_key:
                    return current.key_spans.get(key, best)
                best = current.value_spans.get(key, best)
                current = current[key]
                best = span_of(current) or best
            continue
        if isinstance(current, LocatedList) and isinstance(part, int):
            if 0 <= part < len(current):
                best = current.item_spans[part] or best
                current = current[part]
            continue
    return best


_SHORT_FORM_WRAPPERS = frozenset({"fixed", "exponential", "exp", "lognormal"})


def _is_union_tag(loc: tuple[Any, ...], index: int) -> bool:
    """`('calls', 0, 'call', 'timeout')`: the 'call' after a call-list index is a union tag
    (so is the one after a `parallel` member's index)."""
    return (
        loc[index] in ("call", "one_of", "parallel")
        and index >= 2
        and isinstance(loc[index - 1], int)
        and loc[index - 2] in ("calls", "parallel")
    )


_DISTRIBUTION_TAGS = frozenset({"fixed", "exponential", "lognormal"})


def _is_distribution_tag(loc: tuple[Any, ...], index: int) -> bool:
    """`('work', 'read', 'lognormal', 'p99')`: the shape's `dist` tag pydantic puts in the path.

    Right after `work` the same word is a work name the user wrote (`work: {fixed: 2ms}`).
    """
    if loc[index] not in _DISTRIBUTION_TAGS or (index >= 1 and loc[index - 1] == "work"):
        return False
    # A shape has no key named like a tag: the word after a tag is a key (`{fixed: .., mean: ..}`).
    return not (index >= 1 and _is_distribution_tag(loc, index - 1))


def _is_short_form(current: LocatedDict) -> bool:
    """A one-key mapping standing for a long form: `{db.read: ...}`, `{lognormal: ...}`."""
    if len(current) != 1:
        return False
    (key,) = current
    return "." in key or key in _SHORT_FORM_WRAPPERS


def format_diagnostic(diagnostic: Diagnostic, source: str | None) -> str:
    """`file:line:col: CODE message`, then the source line with a caret, then the hint."""
    lines = [diagnostic.headline()]
    span = diagnostic.span
    if span is not None and source is not None:
        text_lines = source.splitlines()
        if 1 <= span.line <= len(text_lines):
            line = text_lines[span.line - 1].rstrip("\n")
            gutter = f"{span.line:>4} | "
            lines.append(gutter + line)
            lines.append(" " * (len(gutter) + span.column - 1) + "^")
    if diagnostic.hint:
        lines.append(f"  hint: {diagnostic.hint}")
    return "\n".join(lines)
