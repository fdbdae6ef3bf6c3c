"""Queries from access patterns: the SQL a service would send for each, with parameters.

- lookup: `SELECT * WHERE by = ?` (every `by` field);
- range: `… WHERE by = ? ORDER BY order_by DESC LIMIT 20` (a page, newest first; the
  storage figures assume 20 rows too); with no `by`, a top-k over `order_by`;
- scan: `SELECT COUNT(*)` (an aggregate pushed into the database), filtered by `by` if any;
- search: `… WHERE field LIKE ? LIMIT 20` with `%word%` for a word found in the data (a
  field that is not text is cast to text).

Identifiers are quoted sqlglot nodes and values are bound parameters, never text in SQL.
The DESC order is each engine's natural one (PostgreSQL NULLS FIRST, SQLite NULLS LAST),
so an ascending index read backwards serves it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from archproof.model import AccessPattern, Entity
from archproof.passes.dbcheck.ddl import Dialect, column, table

PAGE = 20


@dataclass(frozen=True)
class Query:
    """The SQL for one access pattern, and which columns its parameters come from."""

    entity: str
    pattern: str
    kind: str
    sql: str
    params: tuple[str, ...]  # the column each placeholder's value is drawn from
    like: bool = False  # parameters are words to wrap in %…% (search)
    limit: int | None = None


def _searched(entity: Entity, name: str) -> exp.Expression:
    """The searched column, cast to text unless it is text already (LIKE needs text)."""
    fld = entity.fields.get(name)
    if fld is not None and fld.type in ("str", "text", "enum"):
        return column(name)
    return exp.Cast(this=column(name), to=exp.DataType.build("TEXT"))


def _where(entity: Entity, fields: tuple[str, ...], *, like: bool) -> exp.Expression | None:
    conds: list[exp.Expression] = [
        exp.Like(this=_searched(entity, f), expression=exp.Placeholder())
        if like
        else exp.EQ(this=column(f), expression=exp.Placeholder())
        for f in fields
    ]
    if not conds:
        return None
    out = conds[0]
    for c in conds[1:]:
        out = exp.And(this=out, expression=c)
    return out


def build(entity: Entity, pattern: AccessPattern, dialect: Dialect) -> Query:
    """The query for `pattern` on `entity` in `dialect`."""
    like = pattern.kind == "search"
    where = _where(entity, pattern.by, like=like)
    limit: int | None = None
    if pattern.kind == "scan":
        select = exp.select(exp.Count(this=exp.Star())).from_(table(entity.id))
    else:
        select = exp.select(exp.Star()).from_(table(entity.id))
    if where is not None:
        select = select.where(where)
    if pattern.kind in ("range", "search"):
        if pattern.order_by and pattern.kind == "range":
            order = exp.Ordered(
                this=column(pattern.order_by), desc=True, nulls_first=dialect == "postgres"
            )
            select = select.order_by(order)
        limit = PAGE
        select = select.limit(PAGE)
    return Query(
        entity=entity.id,
        pattern=pattern.id,
        kind=pattern.kind,
        sql=select.sql(dialect=dialect),
        params=pattern.by,
        like=like,
        limit=limit,
    )
