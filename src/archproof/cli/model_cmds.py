"""`archproof schema`, `describe` and `catalog`: the model and the catalog, documented."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel
from rich.table import Table

from archproof.catalog import load_catalog
from archproof.cli.common import emit, fail, out
from archproof.model import (
    AccessPattern,
    Assumption,
    Availability,
    Branch,
    Breaker,
    CallNode,
    Component,
    Design,
    Distribution,
    Entity,
    EntityField,
    Event,
    Fault,
    Index,
    Load,
    Meta,
    Observability,
    OneOf,
    Operation,
    OperationSlo,
    Requirements,
    Retry,
    Scenario,
)

KINDS: dict[str, type[BaseModel]] = {
    "design": Design,
    "meta": Meta,
    "requirements": Requirements,
    "load": Load,
    "assumption": Assumption,
    "component": Component,
    "distribution": Distribution,
    "availability": Availability,
    "operation": Operation,
    "slo": OperationSlo,
    "call": CallNode,
    "one_of": OneOf,
    "branch": Branch,
    "retry": Retry,
    "breaker": Breaker,
    "entity": Entity,
    "field": EntityField,
    "index": Index,
    "access_pattern": AccessPattern,
    "event": Event,
    "observability": Observability,
    "scenario": Scenario,
    "fault": Fault,
}


def design_schema() -> dict[str, Any]:
    """JSON Schema of a design file (what editors use to complete and validate)."""
    schema = Design.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "archproof design"
    return schema


def schema(
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file."),
) -> None:
    """Print the JSON Schema of design files.

    Editors validate and complete designs with it: put
    `# yaml-language-server: $schema=design.schema.json` on a design's first line.

    Example: archproof schema -o design.schema.json
    """
    emit(json.dumps(design_schema(), indent=2, sort_keys=False), output)


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (tuple,):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"map of {_type_name(args[0])} → {_type_name(args[1])}"
    if annotation is type(None):
        return "none"
    return getattr(annotation, "__name__", str(annotation))


def describe(
    kind: str | None = typer.Argument(
        None, help=f"Element to describe: {', '.join(KINDS)}. Without it: the list."
    ),
) -> None:
    """Describe the design model like a man page: fields, types, defaults, docs.

    Example: archproof describe component
    """
    if kind is None:
        table = Table(title="Model elements (archproof describe KIND)")
        table.add_column("kind", style="bold")
        table.add_column("what it is")
        for name, model in KINDS.items():
            table.add_row(name, (model.__doc__ or "").strip().splitlines()[0])
        out.print(table)
        return
    found = KINDS.get(kind)
    if found is None:
        import difflib

        close = difflib.get_close_matches(kind, list(KINDS), n=1)
        fail(
            f"unknown kind '{kind}'",
            f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(KINDS)}",
        )
    model = found
    out.print(f"[bold]{kind}[/bold] — {(model.__doc__ or '').strip()}\n")
    table = Table()
    table.add_column("key", style="bold")
    table.add_column("type")
    table.add_column("default")
    table.add_column("description")
    for name, info in model.model_fields.items():
        if name == "span":
            continue
        if info.is_required():
            default = "required"
        elif info.default_factory is not None:
            default = "(empty)"
        else:
            default = "—" if info.default is None else str(info.default)
        table.add_row(
            info.alias or name, _type_name(info.annotation), default, info.description or ""
        )
    out.print(table)


def catalog(
    as_json: bool = typer.Option(False, "--json", help="Print the catalog as JSON."),
) -> None:
    """List the catalog of boring components and their default figures, with sources.

    Example: archproof catalog
    """
    entries = load_catalog().entries
    if as_json:
        emit(json.dumps([e.model_dump(mode="json") for e in entries], indent=2), None)
        return
    table = Table(title=f"Catalog: {len(entries)} boring components")
    for col in ("tech", "kinds", "state", "concurrency", "service times", "availability", "source"):
        table.add_column(col, overflow="fold")
    for e in entries:
        work = ", ".join(f"{k}: {v.describe()}" for k, v in e.work.items())
        avail = e.availability.fraction()
        table.add_row(
            e.id,
            ", ".join(k.value for k in e.kinds),
            "stateful" if e.stateful else "stateless",
            str(e.concurrency),
            work,
            f"{float(avail) * 100:g}%",
            e.source,
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
    app.command("describe")(describe)
    app.command("catalog")(catalog)
