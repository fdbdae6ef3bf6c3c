"""Bytes a row takes on disk, from its fields: the one formula the capacity pass's storage
table and the drafter's data-volume decision both use (issue 13, one source: the drafter
sized rows at a flat 1 KB while the storage table summed the fields, so the same volume
printed twice with two values).

Field sizes (PostgreSQL-like): fixed-width types take their width; `str(n)` and
`bytes(n)` average half their declared maximum (n/2); an unsized `str` 32, `text` 1,000,
`json` 500, unsized `bytes` 1,000. A `ref` takes the size of the referenced entity's key
(8 when unknown). A row adds 28 bytes of overhead (a 23-byte heap tuple header, aligned,
and a 4-byte line pointer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from archproof.model.entities import EntityField

FIELD_BYTES: dict[str, int] = {
    "int": 4,
    "bigint": 8,
    "float": 8,
    "decimal": 16,
    "bool": 1,
    "datetime": 8,
    "date": 4,
    "uuid": 16,
    "enum": 4,
    "str": 32,
    "text": 1000,
    "json": 500,
    "bytes": 1000,
}
ROW_OVERHEAD = 28
UNKNOWN_KEY_BYTES = 8.0

# The key bytes of a referenced entity, by its name (None: not known).
KeyBytes = Callable[[str], float | None]


def field_bytes(fld: EntityField, key_bytes: KeyBytes) -> float:
    """Average bytes of one field's value; a `ref` asks `key_bytes` for its target's key."""
    if fld.type in ("str", "bytes") and fld.size is not None:
        return fld.size / 2
    if fld.type == "ref":
        found = key_bytes(fld.ref or "")
        return UNKNOWN_KEY_BYTES if found is None else found
    return float(FIELD_BYTES[fld.type])


def row_bytes(fields: Iterable[EntityField], key_bytes: KeyBytes) -> float:
    """Σ field sizes + the row overhead."""
    return sum(field_bytes(f, key_bytes) for f in fields) + ROW_OVERHEAD
