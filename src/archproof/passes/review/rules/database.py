"""DB rules: database design.

Indexes that match the access patterns, no index without a reader, one query instead of
N, typed columns for what is filtered on, and reads that know which copy they hit.
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import (
    AccessPattern,
    CallItem,
    CallNode,
    ComponentKind,
    Design,
    Entity,
    OneOf,
    Operation,
    Parallel,
)
from archproof.model.objectives import user_facing
from archproof.model.traits import traits
from archproof.passes.capacity import CapacityResult
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.policy import BUSY_PRIMARY, READ_DOMINATED

# Access-pattern kinds a B-tree index can serve (scans read everything; search needs
# a search index).
_INDEXABLE = ("lookup", "range")
# A full scan of a table at least this large on a user-facing request is a problem.
SCAN_ROWS_LIMIT = 100_000


def _candidate_indexes(entity: Entity) -> list[tuple[tuple[str, ...], bool]]:
    """(columns, unique) of every index the entity has: its key, indexes, unique fields."""
    out: list[tuple[tuple[str, ...], bool]] = []
    if entity.key:
        out.append((entity.key, True))
    out.extend((index.columns, index.unique) for index in entity.indexes)
    out.extend(((name,), True) for name, f in entity.fields.items() if f.unique)
    return out


def supports(columns: tuple[str, ...], unique: bool, pattern: AccessPattern) -> bool:
    """Whether an index on `columns` serves `pattern` without sorting or scanning.

    The equality fields (`by`) must be the leading columns (in any order), and
    `order_by`, if given, the next one. A unique index whose columns all appear in
    `by` finds the one matching row, whatever else is filtered or ordered.
    """
    by = set(pattern.by)
    if unique and by and set(columns) <= by:
        return True
    n = len(by)
    if set(columns[:n]) != by or len(columns) < n:
        return False
    if pattern.order_by is None or pattern.order_by in by:
        return True
    return columns[n : n + 1] == (pattern.order_by,)


def _store_kind(design: Design, entity: Entity) -> ComponentKind | None:
    component = design.component_map.get(entity.stored_in or "")
    return component.kind if component is not None else None


def _relational(kind: ComponentKind | None) -> bool:
    return kind is not None and traits(kind).relational


def _describe(pattern: AccessPattern) -> str:
    by = f"by ({', '.join(pattern.by)})" if pattern.by else "with no filter"
    order = f" ordered by {pattern.order_by}" if pattern.order_by else ""
    return f"{pattern.kind} {by}{order}"


@rule(code="DB001", name="access-pattern-without-index", severity=Severity.WARNING)
def access_pattern_without_index(ctx: RuleContext) -> Iterator[Hit]:
    """An access pattern has no index whose leading columns serve it.

    What it checks:
        For each lookup or range access pattern of an entity stored in a database: an
        index (the key, an index, or a unique field) whose leading columns are the
        pattern's equality fields `by` (in any order) followed by its `order_by`, or a
        unique index whose columns all appear in `by`.

    Why it matters:
        Database design: appropriate indexes. Without one the database reads every row
        (or every row of the wider prefix) and sorts the result on each request; it is
        fast on a test table and falls over when the table grows.

    Example:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Order:
            stored_in: db
            key: id
            fields: {id: uuid, customer_id: uuid, created_at: datetime}
            access_patterns:
              - {id: recent, kind: range, by: [customer_id], order_by: created_at}
            indexes:
              - [created_at]

    Use instead:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Order:
            stored_in: db
            key: id
            fields: {id: uuid, customer_id: uuid, created_at: datetime}
            access_patterns:
              - {id: recent, kind: range, by: [customer_id], order_by: created_at}
            indexes:
              - [customer_id, created_at]

    Evidence:
        The pattern's `by`/`order_by` against the columns of the entity's key, indexes
        and unique fields (leftmost-prefix rule of B-tree indexes).
    """
    design = ctx.design
    for entity in design.entities:
        if not _relational(_store_kind(design, entity)):
            continue
        indexes = _candidate_indexes(entity)
        for pattern in entity.access_patterns:
            if pattern.kind not in _INDEXABLE or not (pattern.by or pattern.order_by):
                continue
            if any(supports(cols, unique, pattern) for cols, unique in indexes):
                continue
            wanted = [*pattern.by, *([pattern.order_by] if pattern.order_by else [])]
            have = "; ".join(f"[{', '.join(cols)}]" for cols, _ in indexes) or "none"
            yield Hit(
                element=ElementRef.entity(entity.id),
                message=(
                    f"access pattern '{pattern.id}' ({_describe(pattern)}) on "
                    f"'{entity.id}' has no supporting index"
                ),
                span=pattern.span or entity.span,
                fix=f"add an index on [{', '.join(wanted)}] (equality fields first, then order)",
                evidence=f"indexes of {entity.id}: {have}",
            )


@rule(code="DB002", name="index-unused-by-access-patterns", severity=Severity.INFO)
def index_unused_by_access_patterns(ctx: RuleContext) -> Iterator[Hit]:
    """A non-unique index serves none of the entity's declared access patterns.

    What it checks:
        Entities that declare access patterns: each non-unique index that supports none
        of them (see DB001 for what "supports" means) and is not a prefix used by one.
        Unique indexes enforce a constraint and are never flagged.

    Why it matters:
        Database design: appropriate indexes, not every index. Each index is written on
        every insert and on updates of its columns, takes memory and disk, and slows
        bulk loads; one no query uses is pure cost.

    Example:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Order:
            stored_in: db
            key: id
            fields: {id: uuid, status: str, created_at: datetime}
            access_patterns:
              - {id: by_id, kind: lookup, by: [id]}
            indexes:
              - [status, created_at]

    Use instead:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Order:
            stored_in: db
            key: id
            fields: {id: uuid, status: str, created_at: datetime}
            access_patterns:
              - {id: by_id, kind: lookup, by: [id]}
              - {id: queue, kind: range, by: [status], order_by: created_at}
            indexes:
              - [status, created_at]

    Evidence:
        The index columns against every declared access pattern of the entity.
    """
    design = ctx.design
    for entity in design.entities:
        if not entity.access_patterns:
            continue
        if not _relational(_store_kind(design, entity)):
            continue
        for index in entity.indexes:
            if index.unique:
                continue
            if any(supports(index.columns, False, p) for p in entity.access_patterns):
                continue
            cols = ", ".join(index.columns)
            yield Hit(
                element=ElementRef.entity(entity.id),
                message=f"index [{cols}] on '{entity.id}' serves none of its access patterns",
                span=index.span or entity.span,
                fix="drop the index, or add the access pattern (and its operation) that needs it",
                evidence=f"access patterns: {', '.join(p.id for p in entity.access_patterns)}",
            )


def _database(design: Design, node: CallNode) -> bool:
    component = design.component_map.get(node.component)
    return component is not None and traits(component.kind).queried


@rule(code="DB003", name="query-in-a-loop", severity=Severity.WARNING)
def query_in_a_loop(ctx: RuleContext) -> Iterator[Hit]:
    """A call tree queries a database N times per request (the N+1 pattern).

    What it checks:
        Calls on a database or search index with `times` greater than 1, in user-facing
        (sync) operations. A background or scheduled job's loop is its batch, not N+1: no
        one waits on its round trips.

    Why it matters:
        Database design: push complex operations to the database. N round trips cost N
        network latencies and N slots of the connection pool per request; one query with
        `IN (...)`, a join, or a batched write does the same work in one trip and lets the
        planner choose how.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          feed:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {times: 20, timeout: 100ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          feed:
            rate: 100/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {time: 4ms, timeout: 100ms}

    Evidence:
        The call's `times` (round trips per request) on a database component.
    """
    design = ctx.design
    for op, node in ctx.all_calls():
        if node.times <= 1 or not _database(design, node) or not user_facing(op):
            continue
        verb = "writes" if node.is_write else "queries"
        batch = "one batched write" if node.is_write else "one query (IN list or join)"
        yield Hit(
            element=ElementRef.operation(op.id),
            message=(
                f"'{op.id}' {verb} '{node.component}' {node.times} times per request "
                f"('{node.call}' in a loop)"
            ),
            span=node.span,
            fix=f"replace the loop with {batch}",
            evidence=f"times: {node.times} on {node.call}",
        )


def _reads_after_writes(
    design: Design, items: tuple[CallItem, ...], written: frozenset[str]
) -> tuple[frozenset[str], list[tuple[CallNode, str]]]:
    """Walk calls in execution order; return (stores written, reads of written stores)."""
    hits: list[tuple[CallNode, str]] = []
    for item in items:
        if isinstance(item, OneOf):
            after = written
            for branch in item.one_of:
                out, found = _reads_after_writes(design, branch.calls, written)
                after, hits = after | out, hits + found
            written = after
            continue
        if isinstance(item, Parallel):  # members run at once: none reads after another
            after = written
            for member in item.parallel:
                out, found = _reads_after_writes(design, (member,), written)
                after, hits = after | out, hits + found
            written = after
            continue
        if _replicated(design, item.component):
            if item.is_write:
                written = written | {item.component}
            elif item.component in written:
                hits.append((item, item.component))
        if not item.async_:
            written, found = _reads_after_writes(design, item.calls, written)
            hits.extend(found)
    return written, hits


def _replicated(design: Design, component_id: str) -> bool:
    component = design.component_map.get(component_id)
    return component is not None and component.read_replicas > 0


@rule(code="DB004", name="read-after-write-on-replica", severity=Severity.WARNING)
def read_after_write_on_replica(ctx: RuleContext) -> Iterator[Hit]:
    """An operation writes a database and then reads it back while reads go to replicas.

    What it checks:
        Within one operation, a read of a database with read replicas that comes after a
        write to the same database (in call order; exclusive branches are kept apart).

    Why it matters:
        Database design: distribute reads to replicas — but replicas lag the primary
        (milliseconds normally, seconds under load or during a vacuum). A read that
        follows the request's own write may land on a replica that has not seen it and
        return stale or missing data. Return what was written, read that row from the
        primary (accept this finding saying so), or use session consistency.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, read_replicas: 2, recovery: PITR backups}
        operations:
          update_profile:
            rate: 10/s
            calls:
              - api.handle:
                  calls:
                    - db.write: {timeout: 200ms}
                    - db.read: {timeout: 100ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, read_replicas: 2, recovery: PITR backups}
        operations:
          update_profile:
            rate: 10/s
            calls:
              - api.handle:
                  calls:
                    - db.write: {timeout: 200ms, rationale: UPDATE ... RETURNING the row}

    Evidence:
        The call order of the operation and the database's `read_replicas` (reads are
        spread over the primary and its replicas).
    """
    design = ctx.design
    for op in design.operations:
        _, hits = _reads_after_writes(design, op.calls, frozenset())
        for node, store in hits:
            replicas = design.component_map[store].read_replicas
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{op.id}' reads '{store}' ({node.call}) after writing it; with "
                    f"{replicas} read replica(s) the read may not see the write"
                ),
                span=node.span,
                fix="return the written data (e.g. RETURNING), or route this read to the "
                "primary and accept the finding with that reason",
                evidence=f"'{store}' has read_replicas: {replicas}; write precedes the read",
            )


@rule(code="DB005", name="filter-on-json-field", severity=Severity.WARNING)
def filter_on_json_field(ctx: RuleContext) -> Iterator[Hit]:
    """An access pattern filters or orders on a field of type json.

    What it checks:
        Access patterns whose `by` or `order_by` names a field declared `json`.

    Why it matters:
        Database design: flexible but readable schemas. A JSON blob is fine for data that
        is stored and returned whole; a field that queries filter on is part of the
        schema. Inside a blob it has no type, no constraint, statistics the planner cannot
        use, and needs expression indexes that are easy to get subtly wrong.

    Example:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Product:
            stored_in: db
            key: id
            fields: {id: uuid, attributes: json}
            access_patterns:
              - {id: by_attributes, kind: lookup, by: [attributes]}
            indexes:
              - [attributes]

    Use instead:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Product:
            stored_in: db
            key: id
            fields: {id: uuid, category: str, attributes: json}
            access_patterns:
              - {id: by_category, kind: lookup, by: [category]}
            indexes:
              - [category]

    Evidence:
        The declared type of the filtered field.
    """
    for entity in ctx.design.entities:
        for pattern in entity.access_patterns:
            used = [*pattern.by, *([pattern.order_by] if pattern.order_by else [])]
            blobs = [f for f in used if f in entity.fields and entity.fields[f].type == "json"]
            for name in blobs:
                yield Hit(
                    element=ElementRef.entity(entity.id),
                    message=(
                        f"access pattern '{pattern.id}' filters '{entity.id}' on json "
                        f"field '{name}'"
                    ),
                    span=pattern.span or entity.span,
                    fix=f"promote the part of '{name}' that is filtered on to a typed column "
                    "with its own index; keep the rest as json",
                    evidence=f"{entity.id}.{name}: json",
                )


def _sync(op: Operation) -> bool:
    return op.sync and op.consumes is None


@rule(code="DB006", name="full-scan-on-request-path", severity=Severity.WARNING)
def full_scan_on_request_path(ctx: RuleContext) -> Iterator[Hit]:
    """A synchronous operation scans a large table.

    What it checks:
        Access patterns of kind `scan` whose `operation` is synchronous (user-facing), on
        an entity with at least 100,000 `rows`.

    Why it matters:
        Database design and operation efficiency: a full scan reads every row; its time
        grows with the table, it evicts the hot pages other queries need from the buffer
        cache, and a few concurrent ones saturate the disk. Scans belong in background
        jobs or in a precomputed (materialized) result.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          stats:
            rate: 5/s
            calls: [api.handle, db.read]
        entities:
          Order:
            stored_in: db
            key: id
            fields: {id: uuid, total: decimal}
            rows: 20M
            access_patterns:
              - {id: all_orders, kind: scan, operation: stats}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        operations:
          stats:
            rate: 1/h
            sync: false
            calls: [db.read]
        entities:
          Order:
            stored_in: db
            key: id
            fields: {id: uuid, total: decimal}
            rows: 20M
            access_patterns:
              - {id: all_orders, kind: scan, operation: stats}

    Evidence:
        The entity's `rows` and the operation's `sync` flag.
    """
    design = ctx.design
    for entity in design.entities:
        rows = entity.rows
        if rows is None or rows.value < SCAN_ROWS_LIMIT:
            continue
        for pattern in entity.access_patterns:
            op = design.operation_map.get(pattern.operation or "")
            if pattern.kind != "scan" or op is None or not _sync(op):
                continue
            yield Hit(
                element=ElementRef.entity(entity.id),
                message=(
                    f"synchronous operation '{op.id}' scans all {rows} rows of "
                    f"'{entity.id}' (access pattern '{pattern.id}')"
                ),
                span=pattern.span or entity.span,
                fix="serve it from an index (a lookup or range pattern), or precompute the "
                "result in a background job",
                evidence=f"{entity.id}.rows: {rows}; operation '{op.id}' is sync",
            )


# BUSY_PRIMARY and READ_DOMINATED (when read replicas are the relief) live in policy.py.


@rule(
    code="DB007",
    name="busy-primary-without-read-replicas",
    severity=Severity.WARNING,
    needs=("capacity",),
)
def busy_primary_without_read_replicas(ctx: RuleContext) -> Iterator[Hit]:
    """A database with no read replicas runs hot at peak, mostly from reads.

    What it checks:
        Databases whose technology supports read replicas but that have none, where the
        capacity pass finds the primary at 70% utilization or more at peak and at least
        half of that utilization comes from reads.

    Why it matters:
        Database design: distribute reads to replicas. Above ~70% utilization queueing
        delay grows steeply (Erlang C), so latency and timeouts climb with every extra
        percent of load. When reads dominate, read replicas are the boring fix: they take
        the reads and leave the primary its writes, with no change to the data model.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          db:
            kind: database
            tech: postgresql
            concurrency: 4
            work: {read: 10ms, write: 10ms}
            recovery: PITR backups
        operations:
          browse:
            rate: 330/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 500ms}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          db:
            kind: database
            tech: postgresql
            concurrency: 4
            read_replicas: 2
            work: {read: 10ms, write: 10ms}
            recovery: PITR backups
        operations:
          browse:
            rate: 330/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 500ms}

    Evidence:
        The capacity pass's utilization of the primary pool and its part from reads
        (ρ = λ × E[H] / servers), at the design's peak load.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    for c in ctx.design.components:
        entry = ctx.entry(c)
        if not traits(c.kind).relational or c.read_replicas > 0:
            continue
        if entry is None or not entry.read_replicas_supported:
            continue
        load = capacity.component(c.id)
        pool = None if load is None else (load.pool("primary") or load.pool("all"))
        if pool is None:
            continue
        rho, reads = pool.utilization.value, pool.utilization_reads.value
        if rho is None or reads is None or rho < BUSY_PRIMARY or reads < READ_DOMINATED * rho:
            continue
        yield Hit(
            element=ElementRef.component(c.id),
            message=(
                f"'{c.id}' runs at {rho:.0%} utilization at peak, {reads / rho:.0%} of it "
                "from reads, with no read replicas"
            ),
            span=c.span,
            fix="add read replicas (`read_replicas:`) for the reads that tolerate a little "
            "lag; keep read-after-write reads on the primary",
            evidence=f"primary ρ {rho:.2f} ({pool.utilization.formula}); from reads {reads:.2f}",
        )


@rule(
    code="DB008",
    name="connection-pool-exhaustion",
    severity=Severity.WARNING,
    needs=("capacity",),
)
def connection_pool_exhaustion(ctx: RuleContext) -> Iterator[Hit]:
    """At peak, more connections to a database are in use than it accepts.

    What it checks:
        Databases whose technology has a connection limit in the catalog
        (`max_connections`, per instance). Connections in use at peak are counted with
        Little's law: every call to the database holds one connection while it waits and
        runs, so in use = Σ over calls to it of rate × mean response time (queue wait +
        query), from the capacity pass. The limit is max_connections × (replicas + read
        replicas). The rule fires when the connections in use exceed the limit. It
        counts connections actually busy at peak, not the callers' theoretical maximum
        (instances × concurrency), which most designs exceed without harm and which a
        slow database reaches anyway (timeouts and breakers bound it).

    Why it matters:
        Database design and capacity: a database refuses connections above its limit
        ("too many connections") — an error, not a queue — so the excess requests fail
        even though the database may have CPU to spare (the design's concurrency for it
        is above what its connections allow). A pooler such as PgBouncer in transaction
        mode multiplexes many client connections onto the few server connections and
        makes the excess wait instead of fail; shorter queries, read replicas (each with
        its own limit) or a higher, memory-checked max_connections lower the count.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 8, concurrency: 64}
          db:
            kind: database
            tech: postgresql
            concurrency: 400
            work: {read: 50ms, write: 50ms}
            recovery: PITR backups
        operations:
          report:
            rate: 3000/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 1s}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 8, concurrency: 64}
          db:
            kind: database
            tech: postgresql
            concurrency: 400
            read_replicas: 1
            work: {read: 50ms, write: 50ms}
            recovery: PITR backups
        operations:
          report:
            rate: 3000/s
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 1s}

    Evidence:
        Connections in use at peak, Σ λ × E[R] over the calls to the database (capacity
        pass), per caller, against the catalog's max_connections × instances.
    """
    capacity = ctx.result(CapacityResult)
    if capacity is None:
        return
    for c in ctx.design.components:
        entry = ctx.entry(c)
        if not traits(c.kind).relational or entry is None or not entry.max_connections:
            continue
        resolved = ctx.resolved.get(c.id)
        instances = (resolved.replicas if resolved else c.replicas or 1) + c.read_replicas
        limit = entry.max_connections * instances
        by_caller: dict[str, float] = {}
        for edge in capacity.edges_to(c.id):
            rate, response = edge.rate.value, edge.mean_response.value
            if rate is None or response is None:
                by_caller = {}
                break  # a saturated database: OP006 reports it
            caller = edge.caller or "clients/jobs"
            by_caller[caller] = by_caller.get(caller, 0.0) + rate * response
        in_use = sum(by_caller.values())
        if in_use <= limit:
            continue
        shown = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(by_caller.items()))
        yield Hit(
            element=ElementRef.component(c.id),
            message=(
                f"'{c.id}' has ~{in_use:,.0f} connections in use at peak but accepts "
                f"{limit:,} ({entry.max_connections} per instance × {instances}): the "
                "excess requests are refused"
            ),
            span=c.span,
            fix="put a pooler (PgBouncer in transaction mode, RDS Proxy) in front so the "
            "excess waits instead of failing; shorten the queries, add read replicas, or "
            "raise max_connections within the memory each connection costs",
            evidence=(
                f"in use = Σ λ × E[R] over calls to '{c.id}' = {in_use:,.1f} ({shown}); "
                f"limit = max_connections {entry.max_connections} × {instances} instance(s)"
            ),
        )
