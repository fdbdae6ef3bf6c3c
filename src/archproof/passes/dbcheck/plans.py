"""Query plans → what the engine did: index or full scan, sort step, rows examined/returned.

SQLite: `EXPLAIN QUERY PLAN` rows (`SEARCH t USING INDEX i (a=?)` is an index search;
`SCAN t` reads the table; `USE TEMP B-TREE FOR ORDER BY` is a sort). SQLite does not say
how many rows it examined, so those figures are absent for it.

PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`: a `Seq Scan` reads the table; an
`Index Scan`, `Index Only Scan` or `Bitmap Heap Scan` with an index condition is an index
search; `Sort` is a sort step. Rows examined = Σ over scan nodes of (actual rows + rows
removed by filter or recheck) × loops; rows returned = the top node's actual rows.

An index read end to end (no condition) counts as an index only when the query filters
nothing (a top-k read in index order); otherwise it is a full scan in index order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Access(StrEnum):
    """How the engine found the rows."""

    INDEX = "index"
    FULL_SCAN = "full scan"


@dataclass(frozen=True)
class Plan:
    """What a plan says, with the plan itself as text (the evidence)."""

    access: Access
    index: str | None  # the index used, if any
    sort: bool  # an explicit sort step (the index does not give the order)
    rows_examined: int | None
    rows_returned: int | None
    text: tuple[str, ...]
    buffers: int | None = None  # shared blocks hit + read (PostgreSQL)
    sort_rows: int | None = None  # rows the sort step took in (PostgreSQL)

    @property
    def summary(self) -> str:
        how = (
            f"index {self.index}"
            if self.access is Access.INDEX and self.index
            else self.access.value
        )
        return how + (" + sort" if self.sort else "")


_SQLITE_INDEX_MARKERS = ("USING COVERING INDEX ", "USING INDEX ")


def sqlite_plan(rows: list[tuple[Any, ...]], *, filtered: bool) -> Plan:
    """A Plan from `EXPLAIN QUERY PLAN` rows (id, parent, notused, detail)."""
    depth: dict[int, int] = {0: -1}
    text: list[str] = []
    access, index, sort = Access.FULL_SCAN, None, False
    for node_id, parent, _unused, detail in rows:
        depth[node_id] = depth.get(parent, -1) + 1
        text.append("  " * depth[node_id] + str(detail))
        detail = str(detail)
        used = _sqlite_index(detail)
        if used is not None and used.startswith("sqlite_autoindex_"):
            used = "primary key"
        if detail.startswith("SEARCH "):
            access, index = Access.INDEX, used or "primary key"
        elif detail.startswith("SCAN ") and used is not None and not filtered:
            access, index = Access.INDEX, used
        elif detail.startswith("USE TEMP B-TREE FOR ORDER BY"):
            sort = True
    return Plan(access, index, sort, None, None, tuple(text))


def _sqlite_index(detail: str) -> str | None:
    for marker in _SQLITE_INDEX_MARKERS:
        if marker in detail:
            return detail.split(marker, 1)[1].split(" ", 1)[0]
    if "PRIMARY KEY" in detail:
        return "primary key"
    return None


_PG_INDEX_NODES = ("Index Scan", "Index Only Scan", "Bitmap Heap Scan")
_PG_SCANS = (*_PG_INDEX_NODES, "Seq Scan")


def _walk(node: dict[str, Any], depth: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    yield depth, node
    for child in node.get("Plans", ()):
        yield from _walk(child, depth + 1)


def postgres_plan(explained: Any, *, filtered: bool) -> Plan:
    """A Plan from the JSON of `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`."""
    top = explained[0]["Plan"] if isinstance(explained, list) else explained["Plan"]
    access, index, sort = Access.FULL_SCAN, None, False
    examined = 0
    sort_rows: int | None = None
    text: list[str] = []
    for depth, node in _walk(top):
        kind = str(node.get("Node Type", "?"))
        text.append("  " * depth + _pg_line(node))
        loops = int(node.get("Actual Loops", 1) or 1)
        if kind in ("Sort", "Incremental Sort"):
            sort = True
            fed = sum(int(c.get("Actual Rows", 0)) for c in node.get("Plans", ()))
            sort_rows = fed if sort_rows is None else sort_rows + fed
        if kind in _PG_SCANS:
            examined += loops * (
                int(node.get("Actual Rows", 0))
                + int(node.get("Rows Removed by Filter", 0))
                + int(node.get("Rows Removed by Index Recheck", 0))
            )
        if kind == "Bitmap Index Scan" or (
            kind in _PG_INDEX_NODES and ("Index Cond" in node or not filtered)
        ):
            access = Access.INDEX
            index = str(node.get("Index Name") or index or "") or None
    buffers = int(top.get("Shared Hit Blocks", 0)) + int(top.get("Shared Read Blocks", 0))
    returned = int(top.get("Actual Rows", 0))
    return Plan(access, index, sort, examined, returned, tuple(text), buffers, sort_rows)


def _pg_line(node: dict[str, Any]) -> str:
    parts = [str(node.get("Node Type", "?"))]
    if node.get("Scan Direction") == "Backward":
        parts.append("Backward")
    if node.get("Index Name"):
        parts.append(f"using {node['Index Name']}")
    if node.get("Relation Name"):
        parts.append(f"on {node['Relation Name']}")
    for key in ("Index Cond", "Recheck Cond", "Filter", "Sort Key"):
        if key in node:
            value = node[key]
            parts.append(
                f"[{key.lower()}: {', '.join(value) if isinstance(value, list) else value}]"
            )
    figures = f"rows={node.get('Actual Rows', '?')}"
    if node.get("Rows Removed by Filter"):
        figures += f" removed={node['Rows Removed by Filter']}"
    if int(node.get("Actual Loops", 1) or 1) != 1:
        figures += f" loops={node['Actual Loops']}"
    return " ".join(parts) + f" ({figures})"
