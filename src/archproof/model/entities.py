"""Entities: the data model, where each entity is stored, how it is accessed and indexed."""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import Field

from archproof.model.base import Node, located
from archproof.model.frozen import FrozenDict
from archproof.units import MAX_FIELD_SIZE, Count, Duration, Percent, Rate

FieldType = Literal[
    "str",
    "text",
    "int",
    "bigint",
    "float",
    "decimal",
    "bool",
    "datetime",
    "date",
    "uuid",
    "json",
    "bytes",
    "enum",
    "ref",
]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)

_SHORT_FIELD = re.compile(r"^(?P<type>[a-z]+)(?:\((?P<arg>[^)]*)\))?(?P<null>\?)?$")


class EntityField(Node):
    """A field. Short form: `str`, `str(2048)`, `int?` (nullable), `ref(User)`, `enum(a|b)`."""

    type: FieldType = Field(description="Field type.")
    size: int | None = Field(
        default=None, ge=1, le=MAX_FIELD_SIZE, description="Maximum length (str, bytes)."
    )
    nullable: bool = Field(default=False, description="Whether the value may be absent.")
    unique: bool = Field(default=False, description="Whether values are unique.")
    values: tuple[str, ...] = Field(default=(), description="Allowed values of an enum.")
    ref: str | None = Field(default=None, description="Referenced entity of a `ref` field.")
    type_name: str | None = Field(
        default=None,
        description="Name of the enum's type in generated code (default: entity and field "
        "name, `SpotSize`); fields naming the same type share it.",
    )
    minimum: int | None = Field(
        default=None, description="Smallest allowed value of a number (0 for a quantity)."
    )
    states: tuple[str, ...] = Field(
        default=(),
        description="Lifecycle states in which the field holds a value (default: all), "
        "e.g. `paid_at` only in `paid`.",
    )
    classification: Literal["public", "internal", "pii", "secret", "payment"] | None = Field(
        default=None,
        description="Data class of the field: `public`, `internal`, `pii` (personal data), "
        "`secret` (credentials, tokens), `payment` (card data, PCI). None: not said.",
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        match = _SHORT_FIELD.match(data.strip())
        if match is None:
            return located(data, {"type": data})  # let the Literal check explain
        out: dict[str, Any] = {"type": match["type"], "nullable": bool(match["null"])}
        arg = match["arg"]
        if arg:
            if match["type"] == "ref":
                out["ref"] = arg
            elif match["type"] == "enum":
                out["values"] = tuple(v.strip() for v in arg.split("|"))
            elif arg.isdigit():
                out["size"] = int(arg)
            else:
                out["size"] = arg  # not a number: the int check explains
        return located(data, out)


class Relation(Node):
    """A relation to another entity."""

    to: str = Field(description="The related entity.")
    kind: Literal["one_to_one", "many_to_one", "one_to_many", "many_to_many"] = Field(
        description="Cardinality seen from this entity."
    )
    via: str | None = Field(default=None, description="Field holding the reference.")


class AccessPattern(Node):
    """How an entity is read: lookup by some fields, a range ordered by a field, a scan."""

    id: str = Field(description="Name of the access pattern.")
    kind: Literal["lookup", "range", "scan", "search"] = Field(
        default="lookup", description="Point lookup, ordered range, full scan, or text search."
    )
    by: tuple[str, ...] = Field(default=(), description="Fields filtered by equality.")
    order_by: str | None = Field(default=None, description="Field the range is ordered by.")
    operation: str | None = Field(default=None, description="Operation that uses it.")
    rate: Rate | None = Field(default=None, description="How often (default: from operation).")
    hot_key_share: Percent | None = Field(
        default=None,
        description="Share of this pattern's traffic that goes to its single busiest key "
        "(a celebrity, a flash-sale item); that key lands on one instance.",
    )


class Index(Node):
    """An index on an entity. Short form: the list of columns."""

    columns: tuple[str, ...] = Field(min_length=1, description="Indexed fields in order.")
    unique: bool = Field(default=False, description="Unique index.")
    name: str | None = Field(default=None, description="Index name.")

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            return located(data, {"columns": tuple(data)})
        if isinstance(data, str):
            return located(data, {"columns": (data,)})
        return data


class Entity(Node):
    """A domain entity with its fields, key, relations, lifecycle and storage."""

    id: str = Field(description="Entity name, the key under `entities:`.")
    stored_in: str | None = Field(default=None, description="Component that owns it.")
    key: tuple[str, ...] = Field(default=(), description="Primary key fields.")
    fields: FrozenDict[str, EntityField] = Field(
        default_factory=FrozenDict, description="Fields by name."
    )
    relations: tuple[Relation, ...] = Field(default=(), description="Relations.")
    states: tuple[str, ...] = Field(default=(), description="Lifecycle states.")
    transitions: FrozenDict[str, tuple[str, ...]] = Field(
        default_factory=FrozenDict, description="Allowed transitions: state → next states."
    )
    rows: Count | None = Field(default=None, description="Current row count.")
    growth: Rate | None = Field(default=None, description="New rows per unit of time.")
    row_size: str | None = Field(
        default=None, description="Average row size if known (e.g. '500B'); else from types."
    )
    access_patterns: tuple[AccessPattern, ...] = Field(default=(), description="Reads.")
    indexes: tuple[Index, ...] = Field(default=(), description="Indexes besides the key.")
    retention: Duration | None = Field(
        default=None, description="How long rows are kept (then deleted or archived)."
    )
    partition_key: tuple[str, ...] = Field(
        default=(), description="Fields the store partitions / shards the entity by."
    )
    hot_key_share: Percent | None = Field(
        default=None,
        description="Share of the entity's traffic that goes to its single busiest key; "
        "that key lands on one instance (for access patterns without their own share, and "
        "for the entity's writes: one primary, guarded writes one at a time).",
    )
    accept: FrozenDict[str, str] = Field(
        default_factory=FrozenDict, description="Accepted review findings: code → reason."
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        for name in ("key", "partition_key"):
            if isinstance(data, dict) and isinstance(data.get(name), str):
                data = located(data, {**data, name: (data[name],)})
        return data
