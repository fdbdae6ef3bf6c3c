"""Synthetic data at a stated scale: enough rows, with the value distributions plans react to.

Scale: each entity's design-scale rows come from the storage figures (`rows + growth ×
retention`); one factor shrinks them all so the largest table holds at most `max_rows`
(`--rows`, default 1M), or the factor is given (`--scale`). One factor for every table
keeps the ratios plans depend on (children per parent). A table keeps at least
`MIN_ROWS` rows (or its design size, if smaller): planners read a table of a few pages
end to end whatever its indexes, which says nothing about the design's scale.

Values (seeded, reproducible):
- a one-column key: unique (`int`/`bigint` ascending like a sequence or snowflake id;
  `uuid` random; `str(n)` a random-looking code of up to n characters);
- a `ref(...)`: a key of the referenced table, drawn with Zipf popularity (exponent
  `ZIPF_S`), so some parents own many rows and most own few; drawn from as many of the
  referenced table's keys as keep the design's children per parent (child rows × parent
  design rows / child design rows), even when either table was padded up to `MIN_ROWS`;
- the first non-nullable `datetime` rises with the row number (rows arrive in time order);
  other datetimes fall anywhere in the retention window;
- columns in a unique field or unique index hold unique values; other strings, uuids and
  ints a field is filtered by come from a pool of ~rows/20 values, Zipf-drawn; enums and
  bools uniform;
- fields searched by a `search` pattern hold a few words from a fixed vocabulary;
- strings average half their declared size (as the storage figures assume) but at most
  `MAX_STR` characters, so a 1M-row load stays quick; nullable fields are 10% NULL.

Rows that would break the key or a unique index are dropped (and counted).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from archproof.model import Design, Entity, EntityField
from archproof.passes.capacity.storage import storage
from archproof.passes.dbcheck.ddl import indexes_of, key_field

Value = int | float | str | bool | bytes | None
Row = tuple[Value, ...]

DEFAULT_MAX_ROWS = 1_000_000
MIN_ROWS = 1_000
ASSUMED_ROWS = 10_000  # an entity with no rows or growth figure
ZIPF_S = 1.0
MAX_STR = 48
NULL_SHARE = 0.1
POOL_DIVISOR = 20
EPOCH = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
YEAR_S = 365 * 86_400
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class TableScale:
    """One entity's rows at design scale and as loaded."""

    entity: str
    design_rows: float  # rows + growth × retention (the storage figure)
    rows: int  # rows asked for at the chosen scale
    assumed: bool = False  # the design gave no rows: ASSUMED_ROWS


@dataclass(frozen=True)
class Scale:
    """The scale factor and each table's row count."""

    factor: float
    max_rows: int
    tables: tuple[TableScale, ...]

    def of(self, entity: str) -> TableScale:
        return next(t for t in self.tables if t.entity == entity)


@dataclass(frozen=True)
class TableData:
    """Generated rows of one table, held column by column (`data[i]` is column i)."""

    entity: str
    columns: tuple[str, ...]
    data: tuple[list[Value], ...]
    dropped: int  # rows dropped as duplicates of a key or unique index

    def __len__(self) -> int:
        return len(self.data[0]) if self.data else 0

    @property
    def rows(self) -> Iterator[Row]:
        """The rows, built as they are read."""
        return zip(*self.data, strict=True)


def tables_of(design: Design) -> tuple[Entity, ...]:
    """The entities that become tables (those with fields)."""
    return tuple(e for e in design.entities if e.fields)


def plan_scale(
    design: Design, *, max_rows: int = DEFAULT_MAX_ROWS, factor: float | None = None
) -> Scale:
    """The scale factor (largest table → `max_rows`, never above 1) and rows per table."""
    figures = {s.id: s.rows.value for s in storage(design).entities}
    sizes: list[tuple[str, float, bool]] = []
    for e in tables_of(design):
        value = figures.get(e.id)
        if value is None or value <= 0:
            sizes.append((e.id, float(ASSUMED_ROWS), True))
        else:
            sizes.append((e.id, float(value), False))
    largest = max((s for _, s, _ in sizes), default=1.0)
    if factor is None:
        factor = min(1.0, max_rows / largest)
    tables: list[TableScale] = []
    for entity, rows, assumed in sizes:
        scaled = min(max_rows, round(rows * factor))
        loaded = max(min(MIN_ROWS, math.ceil(rows)), scaled)
        tables.append(TableScale(entity, rows, loaded, assumed))
    return Scale(factor, max_rows, tuple(tables))


def _zipf_indices(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """`size` indices in [0, n) with Zipf popularity, the popular ones spread over [0, n)."""
    weights = 1.0 / np.power(np.arange(1, n + 1, dtype=np.float64), ZIPF_S)
    weights /= weights.sum()
    ranks = rng.choice(n, size=size, p=weights)
    return rng.permutation(n)[ranks]


_ALPHA = np.array(list(_ALPHABET))
_HEX = np.array(list("0123456789abcdef"))


def _codes(values: np.ndarray, width: int) -> list[Value]:
    """Base-62 codes of `width` characters for non-negative int64 `values` (vectorized)."""
    digits = np.empty((len(values), width), dtype=np.int64)
    rest = values.astype(np.int64)
    for j in range(width - 1, -1, -1):
        digits[:, j] = rest % 62
        rest = rest // 62
    chars = np.ascontiguousarray(_ALPHA[digits])
    return list(chars.view(f"<U{width}").ravel().tolist())


def _unique_ints(rng: np.random.Generator, span: int, n: int) -> np.ndarray:
    """n distinct random ints in [0, span) (all of them, shuffled, when span is small)."""
    if span <= 2 * n:
        return rng.permutation(span)[:n]
    values = rng.integers(0, span, size=n, dtype=np.int64)
    while True:
        _, first = np.unique(values, return_index=True)
        if len(first) == n:
            return values
        repeat = np.ones(n, dtype=bool)
        repeat[first] = False
        values[repeat] = rng.integers(0, span, size=int(repeat.sum()), dtype=np.int64)


def _uuids(rng: np.random.Generator, n: int) -> list[Value]:
    """n random version-4 UUIDs as text (vectorized)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    nibbles = np.empty((n, 32), dtype=np.uint8)
    nibbles[:, 0::2] = raw >> 4
    nibbles[:, 1::2] = raw & 0x0F
    hexes = _HEX[nibbles]
    out = np.full((n, 36), "-", dtype="<U1")
    for dst, src in ((slice(0, 8), slice(0, 8)), (slice(9, 13), slice(8, 12)),
                     (slice(14, 18), slice(12, 16)), (slice(19, 23), slice(16, 20)),
                     (slice(24, 36), slice(20, 32))):  # fmt: skip
        out[:, dst] = hexes[:, src]
    return list(np.ascontiguousarray(out).view("<U36").ravel().tolist())


def _str_len(fld: EntityField) -> int:
    size = fld.size if fld.size is not None else 64
    return max(1, min(MAX_STR, size // 2 or 1))


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative ints as an (n, width) array of characters."""
    out = np.empty((len(values), width), dtype=np.int64)
    rest = values.astype(np.int64)
    for j in range(width - 1, -1, -1):
        out[:, j] = rest % 10
        rest = rest // 10
    return _ALPHA[out]


def _timestamps(seconds: np.ndarray) -> list[Value]:
    """`YYYY-MM-DDTHH:MM:SS` (ISO 8601: PostgreSQL reads it; as SQLite text it sorts in time
    order), vectorized: each distinct day is formatted once, the time of day from digits."""
    whole = seconds.astype(np.int64)
    days, inverse = np.unique(whole // 86_400, return_inverse=True)
    day_text = np.datetime_as_string((days * 86_400).astype("datetime64[s]"), unit="D")
    day_chars = np.asarray(day_text).astype("<U10").view("<U1").reshape(len(days), 10)
    of_day = whole % 86_400
    out = np.empty((len(whole), 19), dtype="<U1")
    out[:, :10] = day_chars[inverse]
    out[:, 10] = "T"
    out[:, 11:13] = _digits(of_day // 3600, 2)
    out[:, 13] = ":"
    out[:, 14:16] = _digits(of_day // 60 % 60, 2)
    out[:, 16] = ":"
    out[:, 17:19] = _digits(of_day % 60, 2)
    return list(np.ascontiguousarray(out).view("<U19").ravel().tolist())


class _Generator:
    def __init__(self, design: Design, scale: Scale, seed: int) -> None:
        self.design = design
        self.scale = scale
        self.seed = seed
        self.vocabulary = self._vocabulary()
        self._keys: dict[str, list[Value]] = {}

    def _vocabulary(self) -> tuple[str, ...]:
        rng = np.random.default_rng(self.seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        words: list[str] = []
        for length in rng.integers(3, 10, size=2000).tolist():
            words.append("".join(letters[j] for j in rng.integers(0, 26, size=length).tolist()))
        return tuple(dict.fromkeys(words))

    def key_values(self, entity: Entity, n: int) -> list[Value]:
        """The one-column key of `entity`'s first n rows: a prefix of the loaded keys, so a
        ref drawn from it always names a row that exists."""
        full = self._keys.get(entity.id)
        if full is None:
            full = self._key_column(entity, self.scale.of(entity.id).rows)
            self._keys[entity.id] = full
        return full[:n]

    def _key_column(self, entity: Entity, n: int) -> list[Value]:
        fld = key_field(self.design, entity.fields[entity.key[0]])
        rng = np.random.default_rng([self.seed, _stable(entity.id), 1])
        if fld.type == "uuid":
            return _uuids(rng, n)
        if fld.type in ("str", "text"):
            width = max(1, min(fld.size or 10, 10))
            return _codes(_unique_ints(rng, 62**width, n), width)
        return list(range(1, n + 1))

    def generate(self, entity: Entity, searched: set[str]) -> TableData:
        n = self.scale.of(entity.id).rows
        rng = np.random.default_rng([self.seed, _stable(entity.id)])
        unique_cols = {c for spec in indexes_of(entity) if spec.unique for c in spec.columns}
        if len(entity.key) > 1:
            # the key's later columns (a message id within its conversation) are unique
            # unless a pattern filters by them (a member's user id repeats across rows)
            by = {c for ap in entity.access_patterns for c in ap.by}
            unique_cols |= set(entity.key[1:]) - by
        time_col = next(
            (
                name
                for name, f in entity.fields.items()
                if f.type in ("datetime", "date") and not f.nullable
            ),
            None,
        )
        columns: dict[str, list[Value]] = {}
        for name, fld in entity.fields.items():
            if entity.key == (name,):
                columns[name] = self.key_values(entity, n)
            else:
                columns[name] = self._column(entity, name, fld, n, rng, name in unique_cols,
                                             name == time_col, name in searched)  # fmt: skip
            if fld.nullable and name not in entity.key and name not in unique_cols:
                values = np.asarray(columns[name], dtype=object)
                values[rng.random(n) < NULL_SHARE] = None
                columns[name] = values.tolist()
        names = tuple(entity.fields)
        data = tuple(columns[c] for c in names)
        kept, dropped = _dedupe(entity, names, data)
        return TableData(entity.id, names, kept, dropped)

    def _column(
        self,
        entity: Entity,
        name: str,
        fld: EntityField,
        n: int,
        rng: np.random.Generator,
        unique: bool,
        time_ordered: bool,
        searched: bool,
    ) -> list[Value]:
        if fld.type == "ref":
            target = self.design.entity_map.get(fld.ref or "")
            if target is not None and len(target.key) == 1 and target.key[0] in target.fields:
                parents = self.key_values(target, self._population(entity, target, n))
                return _take(parents, _zipf_indices(rng, len(parents), n))
            fld = EntityField(type="bigint")
        base = fld
        if searched:
            words = self.vocabulary
            picks = rng.integers(0, len(words), size=(n, 4)).tolist()
            return [" ".join(words[j] for j in row) for row in picks]
        match base.type:
            case "datetime" | "date":
                if time_ordered:
                    seconds = EPOCH + np.arange(n) * (YEAR_S / max(n, 1)) + rng.random(n) * 60
                else:
                    seconds = EPOCH + rng.random(n) * YEAR_S
                stamps = _timestamps(seconds)
                return [str(s)[:10] for s in stamps] if base.type == "date" else stamps
            case "enum":
                values = list(base.values or ("a",))
                return _take(values, rng.integers(0, len(values), size=n))
            case "bool":
                return [bool(b) for b in rng.integers(0, 2, size=n).tolist()]
            case "float" | "decimal":
                return [round(x, 2) for x in (rng.random(n) * 1000).tolist()]
            case "json":
                return [f'{{"n": {i}}}' for i in range(n)]
            case "bytes":
                return [bytes(row) for row in rng.integers(0, 256, size=(n, 16), dtype=np.uint8)]
            case "int" | "bigint" | "uuid" | "str" | "text":
                pass
        if unique:
            if base.type in ("int", "bigint"):
                return [int(x) for x in rng.permutation(n).tolist()]
            if base.type == "uuid":
                return _uuids(rng, n)
            width = max(1, min(_str_len(base), 10))
            return _codes(_unique_ints(rng, 62**width, n), width)
        if base.type in ("int", "bigint") and name not in _filtered(entity):
            return [int(x) for x in rng.integers(0, 1_000_000, size=n).tolist()]
        pool_size = max(2, min(n, max(100, n // POOL_DIVISOR)))
        pool = self._pool(base, pool_size, rng)
        return _take(pool, _zipf_indices(rng, pool_size, n))

    def _population(self, child: Entity, parent: Entity, n: int) -> int:
        """How many parent keys `n` child rows draw from: children per parent as in the
        design (child design rows / parent design rows), within the parent's loaded rows."""
        c, p = self.scale.of(child.id), self.scale.of(parent.id)
        wanted = round(n * p.design_rows / c.design_rows) if c.design_rows > 0 else p.rows
        return max(1, min(p.rows, wanted))

    def _pool(self, fld: EntityField, size: int, rng: np.random.Generator) -> list[Value]:
        if fld.type in ("int", "bigint"):
            return list(range(1, size + 1))
        if fld.type == "uuid":
            return _uuids(rng, size)
        length = _str_len(fld)
        chars = np.ascontiguousarray(_ALPHA[rng.integers(0, 62, size=(size, length))])
        return list(chars.view(f"<U{length}").ravel().tolist())


def _filtered(entity: Entity) -> set[str]:
    return {c for ap in entity.access_patterns for c in (*ap.by, ap.order_by or "")}


def _take(values: Sequence[Value], picks: np.ndarray) -> list[Value]:
    """values[i] for each i in picks (vectorized through an object array)."""
    return list(np.asarray(values, dtype=object)[picks].tolist())


def _stable(text: str) -> int:
    """A stable (not per-process salted) seed from a name."""
    import zlib

    return zlib.crc32(text.encode())


def _dedupe(
    entity: Entity, names: tuple[str, ...], data: tuple[list[Value], ...]
) -> tuple[tuple[list[Value], ...], int]:
    """Drop rows that repeat the (composite) key or a unique index; (columns, dropped)."""
    groups: list[tuple[int, ...]] = []
    if entity.key and len(entity.key) > 1:
        groups.append(tuple(names.index(k) for k in entity.key if k in names))
    for spec in indexes_of(entity):
        if spec.unique:
            groups.append(tuple(names.index(c) for c in spec.columns if c in names))
    if not groups or not data:
        return data, 0
    n = len(data[0])
    keep = np.ones(n, dtype=bool)
    for group in groups:
        seen: set[tuple[Value, ...]] = set()
        for i, key in enumerate(zip(*(data[c] for c in group), strict=True)):
            if key in seen:
                keep[i] = False
            else:
                seen.add(key)
    dropped = int(n - keep.sum())
    if not dropped:
        return data, 0
    return tuple(list(np.asarray(col, dtype=object)[keep].tolist()) for col in data), dropped


def generate(design: Design, scale: Scale, *, seed: int = 1) -> Iterable[TableData]:
    """Each table's rows, one table at a time (a generator: memory holds one table)."""
    gen = _Generator(design, scale, seed)
    for e in tables_of(design):
        searched = {c for ap in e.access_patterns if ap.kind == "search" for c in ap.by}
        yield gen.generate(e, searched)
