"""The MCP tools that document rather than analyse: the model, the schema, the catalog, the
rules, and the framework itself. Plain functions, published by `mcp_server`."""

from __future__ import annotations

import difflib
from functools import cache
from typing import Annotated

from pydantic import Field

from archproof.catalog import load_catalog
from archproof.cli.mcp_inputs import Payload, Sandbox, usage_error
from archproof.cli.model_cmds import (
    KINDS,
    _fields,
    _type_name,
    design_schema,
    field_range,
    field_values,
    kind_model,
)
from archproof.frontends.codes import CODES, InputCode
from archproof.model import FRAMEWORK, QUESTIONS, Principle
from archproof.model.questions import SECTIONS
from archproof.passes.review import Rule, all_rules


def describe(
    box: Sandbox,
    *,
    kind: Annotated[
        str | None,
        Field(description=f"Element to describe: {', '.join(KINDS)}. Omit for the list."),
    ] = None,
) -> Payload:
    """Document the design model: each element's keys, types, defaults and meaning.

    Call it before writing or fixing a part of a design (`component`, `operation`, `call`,
    `entity`, ...), like reading a man page; `schema` gives the full JSON Schema.
    """
    del box
    if kind is None:
        return {
            "ok": True,
            "kinds": [
                {"kind": name, "doc": (kind_model(name).__doc__ or "").strip().splitlines()[0]}
                for name in KINDS
            ],
        }
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, list(KINDS), n=1)
        raise usage_error(
            f"unknown kind '{kind}'",
            f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(KINDS)}",
        )
    model = kind_model(kind)
    fields: list[Payload] = []
    for title, name, info in _fields(model):
        if info.is_required():
            default: object = "required"
        elif info.default_factory is not None:
            default = "(empty)"
        else:
            default = None if info.default is None else str(info.default)
        fields.append(
            {
                "key": info.alias or name,
                "shape": title or None,
                "type": _type_name(info.annotation),
                "default": default,
                "description": info.description or "",
                "values": field_values(info.annotation) or None,
                "range": field_range(info),
            }
        )
    return {"ok": True, "kind": kind, "doc": (model.__doc__ or "").strip(), "fields": fields}


def schema(box: Sandbox) -> Payload:
    """The JSON Schema of archproof design files (the YAML a design is written in).

    Large; read it once to learn the shape of a design, or use `describe` for one element.
    Also available as the resource `archproof://schema`.
    """
    del box
    return {"ok": True, "schema": _schema()}


@cache
def _schema() -> Payload:
    return design_schema()  # fixed for a process; built once (tens of ms), never mutated


def catalog(
    box: Sandbox,
    *,
    tech: Annotated[
        str | None,
        Field(description="One technology id (e.g. 'postgresql'); omit for every entry."),
    ] = None,
) -> Payload:
    """The catalog of boring, well-tested components and their default figures, with sources.

    Whether each holds state, concurrency, service times per kind of work, availability,
    limits. Call it when choosing a component's `tech:`: naming an entry there inherits
    these defaults (override any in the design).
    """
    del box
    entries = load_catalog().entries
    if tech is not None:
        found = [e for e in entries if e.id == tech]
        if not found:
            ids = [e.id for e in entries]
            close = difflib.get_close_matches(tech, ids, n=1)
            raise usage_error(
                f"unknown technology '{tech}'",
                f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(ids)}",
            )
        entries = tuple(found)
    return {"ok": True, "entries": [e.model_dump(mode="json") for e in entries]}


def explain_rule(
    box: Sandbox,
    *,
    code: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            description="A rule code (FH001), a load error code (AP012) or a rule name "
            "(sync-call-without-timeout).",
        ),
    ],
) -> Payload:
    """The full page of a review rule or load-error code: what it checks, why it matters
    (the principle), an example, what to use instead, the evidence it reads.

    Call it when a finding or error code is unclear, before changing the design.
    """
    del box
    every = all_rules()
    by_key: dict[str, Rule] = {r.code: r for r in every} | {r.name: r for r in every}
    found = by_key.get(code.upper()) or by_key.get(code.lower())
    if found is not None:
        return {"ok": True, "kind": "rule", **rule_json(found)}
    codes = {c.code: c for c in CODES} | {c.name: c for c in CODES}
    input_code = codes.get(code.upper()) or codes.get(code.lower())
    if input_code is not None:
        return {"ok": True, "kind": "input_code", **input_code_json(input_code)}
    known = [r.code for r in every] + [c.code for c in CODES]
    names = [r.name for r in every] + [c.name for c in CODES]
    close = difflib.get_close_matches(code.upper(), known, n=1)
    close += difflib.get_close_matches(code.lower(), names, n=1)
    raise usage_error(
        f"unknown rule '{code}'",
        f"did you mean '{close[0]}'?" if close else "the resource archproof://rules lists them",
    )


def rule_json(r: Rule) -> Payload:
    return {
        "code": r.code,
        "name": r.name,
        "principle": r.principle.name,
        "principle_name": r.principle.value,
        "severity": r.severity.value,
        "summary": r.summary,
        "sections": dict(r.sections),
    }


def input_code_json(c: InputCode) -> Payload:
    return {
        "code": c.code,
        "name": c.name,
        "principle": Principle.AP.name,
        "principle_name": Principle.AP.value,
        "severity": "error" if c.stage == "load" else "warning",
        "summary": c.summary,
        "sections": dict(c.sections),
    }


# --------------------------------------------------------------------------- framework


def framework() -> Payload:
    """The framework archproof implements: principles, sections and the 24 questions."""
    return {
        "principles": [
            {
                "code": p.name,
                "name": p.value,
                "rules": [r.code for r in all_rules() if r.principle is p],
            }
            for p in FRAMEWORK
        ],
        "coding_stages": [{"code": p.name, "name": p.value} for p in (Principle.DS, Principle.PY)],
        "sections": [
            {
                "number": n,
                "name": section,
                "questions": [
                    {"id": q.id, "text": q.text} for q in QUESTIONS if q.section == section
                ],
            }
            for n, section in enumerate(SECTIONS, 1)
        ],
    }
