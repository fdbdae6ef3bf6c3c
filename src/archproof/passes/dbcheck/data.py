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
from collections.abc import Iterable
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
    """Generated rows of one table, in column order."""

    entity: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    dropped: int  # rows dropped as duplicates of a key or unique index


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


def _code(i: int, width: int) -> str:
    out = []
    for _ in range(width):
        i, r = divmod(i, 62)
        out.append(_ALPHABET[r])
    return "".join(reversed(out))


def _str_len(fld: EntityField) -> int:
    size = fld.size if fld.size is not None else 64
    return max(1, min(MAX_STR, size // 2 or 1))


def _timestamps(seconds: np.ndarray) -> list[str]:
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    return [t.replace("T", " ") for t in text.tolist()]


class _Generator:
    def __init__(self, design: Design, scale: Scale, seed: int) -> None:
        self.design = design
        self.scale = scale
        self.seed = seed
        self.vocabulary = self._vocabulary()

    def _vocabulary(self) -> tuple[str, ...]:
        rng = np.random.default_rng(self.seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        words: list[str] = []
        for length in rng.integers(3, 10, size=2000).tolist():
            words.append("".join(letters[j] for j in rng.integers(0, 26, size=length).tolist()))
        return tuple(dict.fromkeys(words))

    def key_values(self, entity: Entity, n: int) -> list[Value]:
        """The one-column key of `entity`'s first n rows (deterministic: refs can use it)."""
        fld = key_field(self.design, entity.fields[entity.key[0]])
        rng = np.random.default_rng([self.seed, _stable(entity.id), 1])
        if fld.type in ("int", "bigint"):
            return list(range(1, n + 1))
        if fld.type == "uuid":
            raw = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64).tolist()
            return [_uuid(a, b) for a, b in raw]
        if fld.type in ("str", "text"):
            width = max(1, min(fld.size or 12, 12))
            span = 62**width
            if span >= n:
                # a bijection of [0, span) (odd stride, random offset): unique, random-looking
                stride = (int(rng.integers(1, 2**40)) * 2 + 1) % span or 1
                while math.gcd(stride, span) != 1:
                    stride += 2
                offset = int(rng.integers(0, 2**40)) % span
                return [_code((offset + i * stride) % span, width) for i in range(n)]
            return [_code(i, max(width, 1)) for i in range(n)]
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
                mask = (rng.random(n) < NULL_SHARE).tolist()
                columns[name] = [None if m else v for v, m in zip(columns[name], mask, strict=True)]
        names = tuple(entity.fields)
        rows = list(zip(*(columns[c] for c in names), strict=True))
        kept, dropped = _dedupe(entity, names, rows)
        return TableData(entity.id, names, tuple(kept), dropped)

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
                picks = _zipf_indices(rng, len(parents), n).tolist()
                return [parents[i] for i in picks]
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
                return [s[:10] for s in stamps] if base.type == "date" else list(stamps)
            case "enum":
                values = base.values or ("a",)
                return [values[i] for i in rng.integers(0, len(values), size=n).tolist()]
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
                raw = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64).tolist()
                return [_uuid(a, b) for a, b in raw]
            width = max(1, min(_str_len(base), 24))
            tokens = rng.integers(0, 2**62, size=n, dtype=np.int64).tolist()
            return [_code(t, 11)[-width:] for t in tokens]
        if base.type in ("int", "bigint") and name not in _filtered(entity):
            return [int(x) for x in rng.integers(0, 1_000_000, size=n).tolist()]
        pool_size = max(2, min(n, max(100, n // POOL_DIVISOR)))
        pool = self._pool(base, pool_size, rng)
        return [pool[i] for i in _zipf_indices(rng, pool_size, n).tolist()]

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
            raw = rng.integers(0, 2**63, size=(size, 2), dtype=np.int64).tolist()
            return [_uuid(a, b) for a, b in raw]
        length = _str_len(fld)
        out: list[Value] = []
        for row in rng.integers(0, 62, size=(size, length)).tolist():
            out.append("".join(_ALPHABET[j] for j in row))
        return out


def _filtered(entity: Entity) -> set[str]:
    return {c for ap in entity.access_patterns for c in (*ap.by, ap.order_by or "")}


def _uuid(a: int, b: int) -> str:
    h = f"{a:016x}{b:016x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def _stable(text: str) -> int:
    """A stable (not per-process salted) seed from a name."""
    import zlib

    return zlib.crc32(text.encode())


def _dedupe(entity: Entity, names: tuple[str, ...], rows: list[Row]) -> tuple[list[Row], int]:
    groups: list[tuple[int, ...]] = []
    if entity.key and len(entity.key) > 1:
        groups.append(tuple(names.index(k) for k in entity.key if k in names))
    for spec in indexes_of(entity):
        if spec.unique:
            groups.append(tuple(names.index(c) for c in spec.columns if c in names))
    if not groups:
        return rows, 0
    seen: list[set[tuple[Value, ...]]] = [set() for _ in groups]
    kept: list[Row] = []
    for row in rows:
        keys = [tuple(row[i] for i in g) for g in groups]
        if any(k in s for k, s in zip(keys, seen, strict=True)):
            continue
        for k, s in zip(keys, seen, strict=True):
            s.add(k)
        kept.append(row)
    return kept, len(rows) - len(kept)


def generate(design: Design, scale: Scale, *, seed: int = 1) -> Iterable[TableData]:
    """Each table's rows, one table at a time (a generator: memory holds one table)."""
    gen = _Generator(design, scale, seed)
    for e in tables_of(design):
        searched = {c for ap in e.access_patterns if ap.kind == "search" for c in ap.by}
        yield gen.generate(e, searched)
