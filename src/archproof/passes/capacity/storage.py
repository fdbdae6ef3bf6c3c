"""Storage and bandwidth: rows and bytes per entity over the retention period.

Field sizes (bytes, on disk, PostgreSQL-like; `FIELD_BYTES`): fixed-width types take
their width; `str(n)` and `bytes(n)` average half their declared maximum (n/2);
an unsized `str` 32, `text` 1,000, `json` 500, unsized `bytes` 1,000. A `ref` takes
the size of the referenced entity's key (8 when unknown). A row adds 28 bytes of
overhead (a 23-byte heap tuple header, aligned, and a 4-byte line pointer). An index
entry takes its columns plus 16 bytes (8-byte index tuple header + 6-byte TID, aligned)
and a B-tree page is ~70% full, so index bytes = rows × (columns + 16) / 0.7.

Rows over retention: rows + growth × retention (no retention: one year of growth). An
entity with its own `retention` deletes older rows, so it keeps at most growth × that
retention: rows = min(rows + growth × retention, growth × entity retention).
Ingress/day: new rows per day × row bytes. Egress/day: for each access pattern, its
rate (or its operation's average rate) × rows returned × row bytes, with a lookup
returning 1 row, a range or search 20 rows (a page of results), a scan all rows
(reported as such, not added).
"""

from __future__ import annotations

from fractions import Fraction

from archproof.model import Design, Entity, EntityField
from archproof.model.row_size import (
    UNKNOWN_KEY_BYTES,
    row_bytes,
)
from archproof.model.row_size import field_bytes as model_field_bytes
from archproof.passes.capacity.figure import Figure, figure
from archproof.passes.capacity.result import EntityStorage, IndexSize, StorageResult
from archproof.passes.summary import operation_rate
from archproof.units import UnitError, parse_size

INDEX_ENTRY_OVERHEAD = 16
INDEX_FILL = 0.7
ROWS_RETURNED = {"lookup": 1, "range": 20, "search": 20}
DAY = 86_400.0
YEAR = 365 * DAY

ASSUMPTIONS = (
    "field sizes: str(n)/bytes(n) = n/2, str 32 B, text 1 KB, json 500 B, uuid 16 B, "
    "int 4 B, bigint/float/datetime 8 B, ref = referenced key",
    "row overhead 28 B; index entry = columns + 16 B at 70% page fill",
    "egress: lookup 1 row, range/search 20 rows per call; scans not counted",
    "ingress: new rows/day × row size (updates and WAL/replication traffic not counted)",
)


def field_bytes(design: Design, fld: EntityField) -> float:
    """`archproof.model.row_size.field_bytes` with refs resolved in `design`."""
    return model_field_bytes(fld, lambda name: _key_bytes(design, name))


def _key_bytes(design: Design, name: str) -> float | None:
    target = design.entity_map.get(name)
    if target is None or not target.key:
        return None
    return sum(
        field_bytes(design, target.fields[k]) if k in target.fields else UNKNOWN_KEY_BYTES
        for k in target.key
    )


def _row_bytes(design: Design, e: Entity) -> Figure:
    if e.row_size is not None:
        try:
            size = float(parse_size(e.row_size).bytes)
            return figure(size, "B", "row_size given by the design", row_size=e.row_size)
        except UnitError:
            pass
    if not e.fields:
        return figure(None, "B", "no fields and no row_size")
    total = row_bytes(e.fields.values(), lambda name: _key_bytes(design, name))
    return figure(
        total,
        "B",
        "Σ field sizes (see FIELD_BYTES) + 28 B row overhead",
        fields=float(len(e.fields)),
    )


def _columns_bytes(design: Design, e: Entity, cols: tuple[str, ...]) -> float:
    return sum(
        field_bytes(design, e.fields[c]) if c in e.fields else UNKNOWN_KEY_BYTES for c in cols
    )


def storage(design: Design) -> StorageResult:
    retention = design.requirements.data.retention
    horizon = float(retention.seconds) if retention is not None else YEAR
    out: list[EntityStorage] = []
    tot = ingress_sum = egress_sum = 0.0
    for e in design.entities:
        rows0 = float(e.rows.value) if e.rows is not None else 0.0
        growth = float(e.growth.per_second) if e.growth is not None else 0.0
        rows = rows0 + growth * horizon
        rows_fig = figure(
            rows,
            "rows",
            "rows + growth × retention",
            rows_now=rows0,
            growth_per_s=growth,
            retention_s=horizon,
        )
        kept = float(e.retention.seconds) if e.retention is not None else None
        if kept is not None and growth > 0 and growth * kept < rows:
            rows = growth * kept
            rows_fig = figure(
                rows,
                "rows",
                "min(rows + growth × retention, growth × entity retention): older rows deleted",
                rows_now=rows0,
                growth_per_s=growth,
                retention_s=horizon,
                entity_retention_s=kept,
            )
        row = _row_bytes(design, e)
        rb = row.value
        data = figure(rows * rb if rb is not None else None, "B", "rows × row bytes")
        indexes: list[IndexSize] = []
        specs: list[tuple[str, tuple[str, ...]]] = []
        if e.key:
            specs.append(("primary key", e.key))
        specs.extend((ix.name or "_".join(ix.columns), ix.columns) for ix in e.indexes)
        specs.extend(
            (f"unique {n}", (n,)) for n, f in e.fields.items() if f.unique and (n,) != e.key
        )
        for name, cols in specs:
            cb = _columns_bytes(design, e, cols)
            size = rows * (cb + INDEX_ENTRY_OVERHEAD) / INDEX_FILL
            indexes.append(
                IndexSize(
                    name,
                    cols,
                    figure(
                        size, "B", "rows × (columns + 16 B) / 0.7 fill", rows=rows, column_bytes=cb
                    ),
                )
            )
        index_bytes = sum(ix.size.value or 0.0 for ix in indexes)
        total = (data.value or 0.0) + index_bytes
        ingress = growth * DAY * (rb or 0.0)
        egress = 0.0
        for ap in e.access_patterns:
            rate = ap.rate.per_second if ap.rate is not None else None
            if rate is None and ap.operation is not None:
                rate = operation_rate(design, design.operation(ap.operation))
            rows_back = ROWS_RETURNED.get(ap.kind)
            if rate is not None and rows_back is not None:
                egress += float(rate * Fraction(rows_back)) * DAY * (rb or 0.0)
        tot += total
        ingress_sum += ingress
        egress_sum += egress
        out.append(
            EntityStorage(
                id=e.id,
                stored_in=e.stored_in,
                rows=rows_fig,
                row_bytes=row,
                data_bytes=data,
                indexes=tuple(indexes),
                index_bytes=figure(index_bytes, "B", "Σ index sizes"),
                total_bytes=figure(total, "B", "data + indexes"),
                ingress_per_day=figure(ingress, "B/day", "growth/day × row bytes"),
                egress_per_day=figure(
                    egress, "B/day", "Σ access patterns: rate/day × rows returned × row bytes"
                ),
            )
        )
    return StorageResult(
        entities=tuple(out),
        total_bytes=figure(tot, "B", "Σ entities (data + indexes)"),
        ingress_per_day=figure(ingress_sum, "B/day", "Σ entities"),
        egress_per_day=figure(egress_sum, "B/day", "Σ entities"),
        assumptions=ASSUMPTIONS
        + (() if retention is not None else ("no retention given: one year of growth",)),
    )
