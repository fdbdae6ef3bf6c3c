"""DDL from the model: entities → sqlglot expressions → SQL for PostgreSQL, SQLite or MySQL.

Each entity becomes a table: a column per field (types per dialect from `TYPES`), NOT NULL
unless the field is nullable, CHECK (col IN (...)) for enums, the key as PRIMARY KEY,
UNIQUE for unique fields, a FOREIGN KEY for each `ref(...)` whose target has a
one-column key, and a CREATE INDEX per declared index. Every name written in the design
(entity, field, index) reaches SQL only as a quoted sqlglot identifier, and enum values only
as string literals: design text is data, never spliced into SQL.

Foreign keys: SQLite declares them inside CREATE TABLE (it cannot add them later and does
not check that the target exists yet); PostgreSQL and MySQL get ALTER TABLE … ADD FOREIGN
KEY after every table exists, so the order of entities (and cycles) does not matter.
The model has no partitioning field yet, so no table is partitioned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from archproof.model import Design, Entity, EntityField

Dialect = Literal["postgres", "sqlite", "mysql"]
DIALECTS: tuple[Dialect, ...] = ("postgres", "sqlite", "mysql")

# Field type → SQL type per dialect; "{n}" is the declared size. These strings are ours
# (never design text); sqlglot parses them into DataType nodes.
TYPES: dict[Dialect, dict[str, tuple[str, str]]] = {
    # type: (with size, without size)
    "postgres": {
        "str": ("VARCHAR({n})", "TEXT"),
        "text": ("TEXT", "TEXT"),
        "int": ("INTEGER", "INTEGER"),
        "bigint": ("BIGINT", "BIGINT"),
        "float": ("DOUBLE PRECISION", "DOUBLE PRECISION"),
        "decimal": ("NUMERIC(38, 9)", "NUMERIC(38, 9)"),
        "bool": ("BOOLEAN", "BOOLEAN"),
        "datetime": ("TIMESTAMPTZ", "TIMESTAMPTZ"),
        "date": ("DATE", "DATE"),
        "uuid": ("UUID", "UUID"),
        "json": ("JSONB", "JSONB"),
        "bytes": ("BYTEA", "BYTEA"),
        "enum": ("TEXT", "TEXT"),
    },
    "sqlite": {
        "str": ("TEXT", "TEXT"),
        "text": ("TEXT", "TEXT"),
        "int": ("INTEGER", "INTEGER"),
        "bigint": ("INTEGER", "INTEGER"),
        "float": ("REAL", "REAL"),
        "decimal": ("NUMERIC", "NUMERIC"),
        "bool": ("INTEGER", "INTEGER"),
        "datetime": ("TEXT", "TEXT"),  # ISO 8601 text sorts in time order
        "date": ("TEXT", "TEXT"),
        "uuid": ("TEXT", "TEXT"),
        "json": ("TEXT", "TEXT"),
        "bytes": ("BLOB", "BLOB"),
        "enum": ("TEXT", "TEXT"),
    },
    "mysql": {
        "str": ("VARCHAR({n})", "VARCHAR(255)"),
        "text": ("TEXT", "TEXT"),
        "int": ("INT", "INT"),
        "bigint": ("BIGINT", "BIGINT"),
        "float": ("DOUBLE", "DOUBLE"),
        "decimal": ("DECIMAL(38, 9)", "DECIMAL(38, 9)"),
        "bool": ("BOOLEAN", "BOOLEAN"),
        "datetime": ("DATETIME(6)", "DATETIME(6)"),
        "date": ("DATE", "DATE"),
        "uuid": ("CHAR(36)", "CHAR(36)"),
        "json": ("JSON", "JSON"),
        "bytes": ("VARBINARY({n})", "LONGBLOB"),
        "enum": ("VARCHAR({n})", "VARCHAR(255)"),
    },
}
# PostgreSQL truncates identifiers past 63 bytes; generated index names stay below.
MAX_NAME = 60


@dataclass(frozen=True)
class IndexSpec:
    """One index to create: its (generated or declared) name, columns, uniqueness, origin."""

    entity: str
    name: str
    columns: tuple[str, ...]
    unique: bool = False
    origin: str = "design"  # "design" (declared), "field" (a unique field), "fix" (suggested)


def ident(name: str) -> exp.Identifier:
    """A quoted identifier: design text stays data whatever characters it holds."""
    return exp.Identifier(this=name, quoted=True)


def table(name: str) -> exp.Table:
    return exp.Table(this=ident(name))


def column(name: str) -> exp.Column:
    return exp.Column(this=ident(name))


def index_name(entity: str, columns: Iterable[str], *, prefix: str = "ix") -> str:
    """`ix_<entity>_<cols>`, shortened with a hash when past PostgreSQL's identifier limit."""
    cols = tuple(columns)
    name = "_".join((prefix, entity, *cols))
    if len(name.encode()) <= MAX_NAME:
        return name
    digest = hashlib.sha256("\0".join((entity, *cols)).encode()).hexdigest()[:10]
    return f"{prefix}_{digest}"


def key_field(design: Design, fld: EntityField, seen: frozenset[str] = frozenset()) -> EntityField:
    """The field a `ref` stands for: the referenced entity's one-column key (followed through
    refs); a ref to an entity without a one-column key is stored as a bigint."""
    if fld.type != "ref":
        return fld
    target = design.entity_map.get(fld.ref or "")
    if target is None or len(target.key) != 1 or target.id in seen:
        return EntityField(type="bigint")
    inner = target.fields.get(target.key[0])
    if inner is None:
        return EntityField(type="bigint")
    return key_field(design, inner, seen | {target.id})


def sql_type(design: Design, fld: EntityField, dialect: Dialect) -> exp.DataType:
    """The column type of `fld` in `dialect`."""
    base = key_field(design, fld)
    size = base.size
    if base.type == "enum" and base.values:
        size = max(len(v) for v in base.values)
    with_size, without = TYPES[dialect][base.type]
    text = with_size.format(n=size) if size is not None else without
    return exp.DataType.build(text, dialect=dialect)


def indexes_of(entity: Entity) -> tuple[IndexSpec, ...]:
    """The declared indexes and the unique fields' indexes (not the key: the PRIMARY KEY)."""
    out: list[IndexSpec] = []
    for ix in entity.indexes:
        name = ix.name or index_name(entity.id, ix.columns, prefix="ux" if ix.unique else "ix")
        out.append(IndexSpec(entity.id, name, ix.columns, ix.unique))
    declared = {spec.columns for spec in out}
    for fname, fld in entity.fields.items():
        if fld.unique and (fname,) != entity.key and (fname,) not in declared:
            out.append(IndexSpec(entity.id, index_name(entity.id, (fname,), prefix="ux"),
                                 (fname,), True, "field"))  # fmt: skip
    return tuple(out)


def foreign_keys(design: Design, entity: Entity) -> tuple[tuple[str, str, str], ...]:
    """(column, target entity, target column) for each ref to an entity with a one-column key."""
    out: list[tuple[str, str, str]] = []
    for fname, fld in entity.fields.items():
        if fld.type != "ref":
            continue
        target = design.entity_map.get(fld.ref or "")
        if target is not None and len(target.key) == 1 and target.key[0] in target.fields:
            out.append((fname, target.id, target.key[0]))
    return tuple(out)


def _fk(col: str, target: str, target_col: str) -> exp.ForeignKey:
    return exp.ForeignKey(
        expressions=[ident(col)],
        reference=exp.Reference(
            this=exp.Schema(this=table(target), expressions=[ident(target_col)])
        ),
    )


def create_table(
    design: Design,
    entity: Entity,
    dialect: Dialect,
    *,
    with_foreign_keys: bool = True,
    with_primary_key: bool = True,
) -> exp.Create:
    """CREATE TABLE for `entity`; foreign keys inline only for SQLite (see the module doc).

    Without the primary key (dbcheck's bulk load on PostgreSQL, `add_primary_key` after it:
    building an index once is much faster than maintaining it row by row)."""
    defs: list[exp.Expression] = []
    for fname, fld in entity.fields.items():
        constraints: list[exp.ColumnConstraint] = []
        if not fld.nullable or fname in entity.key:
            constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
        base = key_field(design, fld)
        if base.type == "enum" and base.values:
            check = exp.In(
                this=column(fname), expressions=[exp.Literal.string(v) for v in base.values]
            )
            constraints.append(exp.ColumnConstraint(kind=exp.CheckColumnConstraint(this=check)))
        defs.append(
            exp.ColumnDef(
                this=ident(fname), kind=sql_type(design, fld, dialect), constraints=constraints
            )
        )
    if entity.key and with_primary_key:
        defs.append(exp.PrimaryKey(expressions=[ident(k) for k in entity.key]))
    if with_foreign_keys and dialect == "sqlite":
        defs.extend(_fk(*fk) for fk in foreign_keys(design, entity))
    return exp.Create(
        this=exp.Schema(this=table(entity.id), expressions=defs), kind="TABLE", exists=False
    )


def create_index(spec: IndexSpec) -> exp.Create:
    return exp.Create(
        this=exp.Index(
            this=ident(spec.name),
            table=table(spec.entity),
            params=exp.IndexParameters(columns=[column(c) for c in spec.columns]),
        ),
        kind="INDEX",
        unique=spec.unique,
    )


def add_primary_key(entity: Entity) -> exp.Alter:
    return exp.Alter(
        this=table(entity.id),
        kind="TABLE",
        actions=[
            exp.AddConstraint(
                expressions=[exp.PrimaryKey(expressions=[ident(k) for k in entity.key])]
            )
        ],
    )


def add_foreign_key(entity: str, col: str, target: str, target_col: str) -> exp.Alter:
    return exp.Alter(
        this=table(entity),
        kind="TABLE",
        actions=[exp.AddConstraint(expressions=[_fk(col, target, target_col)])],
    )


@dataclass(frozen=True)
class Statement:
    """One DDL statement with the entity it comes from (to locate an engine's refusal)."""

    entity: str
    expression: exp.Expression
    what: str  # "table", "index", "foreign key"

    def sql(self, dialect: Dialect) -> str:
        return self.expression.sql(dialect=dialect)


def schema(
    design: Design,
    dialect: Dialect,
    *,
    entities: Iterable[Entity] | None = None,
    with_indexes: bool = True,
    with_foreign_keys: bool = True,
) -> tuple[Statement, ...]:
    """Every statement that creates the design's tables (then indexes, then foreign keys)."""
    chosen = tuple(design.entities if entities is None else entities)
    out = [
        Statement(
            e.id, create_table(design, e, dialect, with_foreign_keys=with_foreign_keys), "table"
        )
        for e in chosen
        if e.fields
    ]
    if with_indexes:
        out += [
            Statement(e.id, create_index(spec), "index")
            for e in chosen
            if e.fields
            for spec in indexes_of(e)
        ]
    if with_foreign_keys and dialect != "sqlite":
        names = {e.id for e in chosen if e.fields}
        out += [
            Statement(e.id, add_foreign_key(e.id, *fk), "foreign key")
            for e in chosen
            if e.fields
            for fk in foreign_keys(design, e)
            if fk[1] in names
        ]
    return tuple(out)


def render(design: Design, dialect: Dialect) -> str:
    """The design's DDL as one script for `dialect` (`archproof ddl`)."""
    lines = [
        f"-- generated by archproof ddl from design '{_comment(design.meta.name)}' ({dialect})"
    ]
    for e in design.entities:
        if not e.fields:
            lines.append(f"-- {_comment(e.id)}: no fields, no table")
    lines += [s.sql(dialect) + ";" for s in schema(design, dialect)]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """Design text inside an SQL line comment: no line breaks, so it cannot end the comment."""
    return " ".join(text.split())
