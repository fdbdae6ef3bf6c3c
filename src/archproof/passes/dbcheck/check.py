"""Run dbcheck on one engine: create the tables, load synthetic rows, index, and for each
access pattern EXPLAIN its query and time it; judge the plans and re-check the fixes.

Judgement (at the design's scale, `design_rows`, not the loaded one):
- a lookup or range answered by a full scan of a table of `FULL_SCAN_ROWS` rows or more
  is DB101: an error when an operation uses the pattern (a request path), else a warning;
  the fix is an index on (by…, order_by), created in the scratch schema and the plan
  checked again;
- a `search` answered by a full scan is DB101 too, but a B-tree cannot serve a substring
  search: info when the pattern's operation reads a search index (the database scan is
  not on its path), else a warning; no index is suggested;
- a range whose rows an index finds but whose order it does not give (a sort step of
  more than `SORTED_ROWS` rows; SQLite does not count them, so any sort) is DB102, fixed
  by the same (by…, order_by) index;
- a declared `scan` is expected to read everything and is not judged.

Timing: the EXPLAINed run uses one typical key (drawn uniformly from the distinct values
among up to `SAMPLE_ROWS` random rows); the p50/p95 come from `runs` further executions
with keys drawn the same way.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from archproof.model import AccessPattern, Design, Entity, walk_calls
from archproof.model.traits import traits
from archproof.passes.dbcheck.data import Scale, TableData
from archproof.passes.dbcheck.ddl import (
    IndexSpec,
    add_primary_key,
    create_index,
    create_table,
    index_name,
    schema,
)
from archproof.passes.dbcheck.engines import Engine, StatementFailed
from archproof.passes.dbcheck.errors import DbcheckError
from archproof.passes.dbcheck.plans import Access, Plan
from archproof.passes.dbcheck.queries import Query, build
from archproof.passes.dbcheck.result import (
    FULL_SCAN,
    UNSERVED_ORDER,
    DbFinding,
    EngineRun,
    Fix,
    LoadedTable,
    PatternCheck,
    sorts_page,
)
from archproof.passes.review.finding import Severity

# A full scan of a table this large (at the design's scale) is a finding; the review
# rule DB006 uses the same figure for scans on a request path.
FULL_SCAN_ROWS = 100_000
DEFAULT_RUNS = 20
SAMPLE_ROWS = 5_000  # rows the parameter values are drawn from

Progress = Callable[[str, int, int], None]  # (what, done, total)


def _no_progress(what: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class _Sampler:
    """Typical parameter values of a pattern: distinct non-null tuples of its `by` fields."""

    values: tuple[tuple[Any, ...], ...]

    @classmethod
    def of(cls, data: TableData, query: Query) -> _Sampler:
        """Distinct values among up to SAMPLE_ROWS random rows (a full pass is slow at 1M)."""
        columns = [data.data[data.columns.index(c)] for c in query.params]
        n = len(data)
        rng = random.Random(f"{query.entity}:{query.pattern}")
        picks = range(n) if n <= SAMPLE_ROWS else rng.sample(range(n), SAMPLE_ROWS)
        seen = dict.fromkeys(
            key
            for key in (tuple(col[i] for col in columns) for i in picks)
            if all(v is not None for v in key)
        )
        return cls(tuple(seen))

    def draw(self, rng: random.Random, query: Query) -> tuple[Any, ...]:
        if not query.params:
            return ()
        if not self.values:
            return tuple(None for _ in query.params)
        picked = self.values[rng.randrange(len(self.values))]
        if query.like:
            return tuple(f"%{str(v).split()[0]}%" for v in picked)
        return picked


def _locate(entity: Entity, what: str, engine: Engine, exc: StatementFailed) -> DbcheckError:
    return DbcheckError(
        f"{engine.name} rejected the {what} of entity '{entity.id}': {exc}",
        "check the entity's field names, types and indexes",
        entity.span,
    )


def load(
    design: Design,
    engine: Engine,
    tables: Sequence[TableData],
    scale: Scale,
    progress: Progress = _no_progress,
) -> tuple[LoadedTable, ...]:
    """Create the tables, load the rows, create the design's indexes, analyze."""
    entities = {e.id: e for e in design.entities}
    chosen = [entities[t.entity] for t in tables]
    # PostgreSQL: the key's index is built after the load (once, not row by row); SQLite
    # cannot add a primary key to a table, so it gets it up front
    key_later = engine.dialect == "postgres"
    for e in chosen:
        create = create_table(design, e, engine.dialect, with_foreign_keys=False,
                              with_primary_key=not key_later)  # fmt: skip
        try:
            engine.execute(create.sql(engine.dialect), what=f"creating table {e.id}")
        except StatementFailed as exc:
            raise _locate(e, "table", engine, exc) from None
    loaded: list[LoadedTable] = []
    total = sum(len(t) for t in tables)
    done = 0
    for t in tables:
        progress(f"{engine.name}: loading {t.entity}", done, total)
        start = time.perf_counter()
        try:
            engine.load(t.entity, t.columns, t.data)
        except StatementFailed as exc:
            raise _locate(entities[t.entity], "rows", engine, exc) from None
        done += len(t)
        ts = scale.of(t.entity)
        loaded.append(
            LoadedTable(t.entity, len(t), t.dropped, ts.design_rows, ts.assumed,
                        time.perf_counter() - start)
        )  # fmt: skip
    progress(f"{engine.name}: indexing", total, total)
    for e in chosen:
        if key_later and e.key:
            try:
                engine.execute(add_primary_key(e).sql(engine.dialect), what=f"indexing {e.id}")
            except StatementFailed as exc:
                raise _locate(e, "primary key", engine, exc) from None
    for st in schema(design, engine.dialect, entities=chosen, with_foreign_keys=False):
        if st.what != "index":
            continue
        try:
            engine.execute(st.sql(engine.dialect), what=f"indexing {st.entity}")
        except StatementFailed as exc:
            raise _locate(entities[st.entity], "index", engine, exc) from None
    for t in tables:
        engine.analyze(t.entity)
    return tuple(loaded)


def _reads_search_index(design: Design, pattern: AccessPattern) -> str | None:
    """The component the pattern's operation queries that is not a store of record (a
    search index, by the kind traits), if any."""
    if pattern.operation is None or pattern.operation not in design.operation_map:
        return None
    for node in walk_calls(design.operation(pattern.operation).calls):
        component = design.component_map.get(node.component)
        if component is not None:
            kind = traits(component.kind)
            if kind.queried and not kind.store_of_record:
                return component.id
    return None


def _filtered(query: Query) -> bool:
    """Whether reading a whole index in order is a full scan: yes, unless the query filters
    nothing and stops after a page (a top-k); a COUNT(*) over an index reads it all."""
    return bool(query.params) or query.limit is None


def _describe(pattern: AccessPattern) -> str:
    if pattern.by:
        return f"{pattern.kind} by ({', '.join(pattern.by)})"
    if pattern.order_by:
        return f"top-k by {pattern.order_by}"
    return pattern.kind


def _fix_columns(pattern: AccessPattern) -> tuple[str, ...]:
    order = (pattern.order_by,) if pattern.order_by and pattern.order_by not in pattern.by else ()
    return (*pattern.by, *order)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def check_patterns(
    design: Design,
    engine: Engine,
    tables: Sequence[TableData],
    scale: Scale,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 1,
    progress: Progress = _no_progress,
) -> tuple[tuple[PatternCheck, ...], tuple[DbFinding, ...]]:
    """EXPLAIN and time every access pattern of the loaded tables; judge; re-check fixes."""
    by_entity = {t.entity: t for t in tables}
    todo = [(e, ap) for e in design.entities if e.id in by_entity for ap in e.access_patterns]
    checks: list[PatternCheck] = []
    findings: list[DbFinding] = []
    for n, (entity, pattern) in enumerate(todo):
        progress(f"{engine.name}: {entity.id}.{pattern.id}", n, len(todo))
        try:
            found = _check_one(design, engine, entity, pattern, by_entity[entity.id], scale,
                               runs=runs, seed=seed)  # fmt: skip
        except StatementFailed as exc:
            raise DbcheckError(
                f"{engine.name} refused the query of access pattern {entity.id}.{pattern.id}: "
                f"{exc}",
                "check the pattern's fields and kind",
                pattern.span,
            ) from None
        if found is None:
            continue
        checks.append(found[0])
        if found[1] is not None:
            findings.append(found[1])
    return tuple(checks), tuple(findings)


def _check_one(
    design: Design,
    engine: Engine,
    entity: Entity,
    pattern: AccessPattern,
    data: TableData,
    scale: Scale,
    *,
    runs: int,
    seed: int,
) -> tuple[PatternCheck, DbFinding | None] | None:
    """EXPLAIN and time one pattern, and judge it (None: it names an unknown field)."""
    what = f"access pattern {entity.id}.{pattern.id}"
    if any(c and c not in entity.fields for c in (*pattern.by, pattern.order_by or "")):
        return None  # the loader reports unknown fields; nothing to query here
    query = build(entity, pattern, engine.dialect)
    sampler = _Sampler.of(data, query)
    rng = random.Random(f"{seed}:{entity.id}:{pattern.id}")
    params = sampler.draw(rng, query)
    plan = engine.explain(query.sql, params, filtered=_filtered(query), what=what)
    times = [
        engine.timed(query.sql, sampler.draw(rng, query), what=what) * 1000 for _ in range(runs)
    ]
    check = PatternCheck(
        entity=entity.id,
        pattern=pattern.id,
        kind=pattern.kind,
        span=pattern.span,
        sql=query.sql,
        params=tuple(str(p) for p in params),
        plan=plan,
        runs=runs,
        p50_ms=statistics.median(times) if times else 0.0,
        p95_ms=_percentile(times, 0.95),
        table_rows=len(data),
        design_rows=scale.of(entity.id).design_rows,
    )
    return check, _judge(design, engine, entity, pattern, check, params)


def _judge(
    design: Design,
    engine: Engine,
    entity: Entity,
    pattern: AccessPattern,
    check: PatternCheck,
    params: tuple[Any, ...],
) -> DbFinding | None:
    plan = check.plan
    if pattern.kind == "scan" or check.design_rows < FULL_SCAN_ROWS:
        return None
    scale_text = f"{check.design_rows:,.0f} rows at the design's scale"
    if plan.access is Access.FULL_SCAN:
        if pattern.kind == "search":
            store = _reads_search_index(design, pattern)
            note = (
                "a B-tree index cannot serve a substring search; use a full-text index "
                "(PostgreSQL: GIN on to_tsvector) or a search index"
            )
            return DbFinding(
                FULL_SCAN,
                Severity.INFO if store else Severity.WARNING,
                engine.name,
                entity.id,
                pattern.id,
                pattern.span,
                f"{entity.id}.{pattern.id}: text search reads the whole table on {engine.name} "
                f"({scale_text})"
                + (
                    f"; operation {pattern.operation} reads search index '{store}'" if store else ""
                ),
                plan.text,
                Fix((), "", None, note),
            )
        severity = Severity.ERROR if pattern.operation else Severity.WARNING
        return DbFinding(
            FULL_SCAN,
            severity,
            engine.name,
            entity.id,
            pattern.id,
            pattern.span,
            f"{entity.id}.{pattern.id}: {_describe(pattern)} reads the whole table on "
            f"{engine.name} ({scale_text})",
            plan.text,
            _recheck(engine, entity, pattern, check, params),
        )
    if sorts_page(plan) and pattern.kind == "range" and pattern.order_by:
        return DbFinding(
            UNSERVED_ORDER,
            Severity.WARNING,
            engine.name,
            entity.id,
            pattern.id,
            pattern.span,
            f"{entity.id}.{pattern.id}: the index finds the rows but {engine.name} sorts them "
            f"by {pattern.order_by} ({scale_text})",
            plan.text,
            _recheck(engine, entity, pattern, check, params),
        )
    return None


def _recheck(
    engine: Engine,
    entity: Entity,
    pattern: AccessPattern,
    check: PatternCheck,
    params: tuple[Any, ...],
) -> Fix:
    """Create the fixing index in the scratch space, EXPLAIN again, drop it (it is ours)."""
    from sqlglot import exp

    from archproof.passes.dbcheck.ddl import ident

    columns = _fix_columns(pattern)
    name = index_name(entity.id, columns, prefix="archproof_fix")
    create = create_index(IndexSpec(entity.id, name, columns, False, "fix"))
    shown = create_index(IndexSpec(entity.id, index_name(entity.id, columns), columns))
    what = f"re-checking {entity.id}.{pattern.id} with an index on ({', '.join(columns)})"
    try:
        engine.execute(create.sql(engine.dialect), what=what)
    except StatementFailed as exc:
        return Fix(columns, shown.sql(engine.dialect), None, f"could not create it: {exc}")
    engine.analyze(entity.id)
    query = build(entity, pattern, engine.dialect)
    after: Plan = engine.explain(check.sql, params, filtered=_filtered(query), what=what)
    drop = exp.Drop(tables=[exp.Table(this=ident(name))], kind="INDEX")
    engine.execute(drop.sql(engine.dialect), what=what)
    return Fix(columns, shown.sql(engine.dialect), after)


def run_engine(
    design: Design,
    engine: Engine,
    tables: Sequence[TableData],
    scale: Scale,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 1,
    progress: Progress = _no_progress,
) -> EngineRun:
    """Load and check on `engine` (already open; the caller closes it)."""
    start = time.perf_counter()
    loaded = load(design, engine, tables, scale, progress)
    load_s = time.perf_counter() - start
    checks, findings = check_patterns(
        design, engine, tables, scale, runs=runs, seed=seed, progress=progress
    )
    notes = []
    for e in design.entities:
        store = design.component_map.get(e.stored_in or "")
        if e.fields and store is not None and store.tech not in (None, "postgresql", "mysql",
                                                                  "sqlite"):  # fmt: skip
            notes.append(
                f"{e.id} is stored in {store.id} ({store.tech}): checked as a relational "
                "table, its key standing for the store's partition and sort key"
            )
    return EngineRun(
        engine=engine.name,
        version=engine.version,
        where=engine.scratch,
        tables=loaded,
        checks=checks,
        findings=findings,
        load_s=load_s,
        check_s=time.perf_counter() - start - load_s,
        notes=tuple(notes),
    )
