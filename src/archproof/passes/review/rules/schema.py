"""DB rules on what the schema says: money and statuses typed as what they are, rows that
are not kept forever by accident, partition keys that spread writes, classified data that
is encrypted where it is stored.

DB009 money stored as float; DB010 a status kept as free text; DB011 a fast-growing entity
with no retention; DB012 a time field as the whole partition key of a high-growth entity;
DB015 classified fields in a store with no encryption.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archproof.model import Design, Entity
from archproof.model.traits import traits
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.data_structures import MONEY_NAME
from archproof.policy import FAST_GROWTH_ROWS_PER_DAY, HOT_PARTITION_ROWS_PER_DAY

_STATUS = re.compile(r"^(?:status|state|phase)$|_(?:status|state)$")
_TIME_NAME = re.compile(r"(?:^|_)(?:at|date|day|time|timestamp|hour|month|week|ts)$")
_DAY = 86_400


def _system(design: Design) -> bool:
    return design.meta.kind != "coding"


def _rows_per_day(entity: Entity) -> float | None:
    return None if entity.growth is None else float(entity.growth.per_second) * _DAY


@rule(code="DB009", name="money-stored-as-float", severity=Severity.WARNING)
def money_stored_as_float(ctx: RuleContext) -> Iterator[Hit]:
    """A stored field holding money (amount, price, balance, total, fee, …) is a float.

    What it checks:
        In system designs, entity fields typed `float` whose name says money: amount,
        price, cost, fee, balance, total, salary, payment, charge, refund, tax, tip, fare,
        payout, cents (alone or as a part of the name). Coding tasks: DS003.

    Why it matters:
        Database design: types that say what the data is. A float column stores binary
        fractions — 0.1 + 0.2 is not 0.3 — so balances and ledger sums drift by cents
        that reconciliation then cannot explain. Money is `numeric(p, s)` / decimal, or an
        integer count of minor units, with its currency beside it.

    Example:
        entities:
          Payment: {key: id, fields: {id: uuid, amount: float, currency: str(3)}}

    Use instead:
        entities:
          Payment: {key: id, fields: {id: uuid, amount: decimal, currency: str(3)}}

    Evidence:
        The field's name and declared type.
    """
    if not _system(ctx.design):
        return
    for entity in ctx.design.entities:
        for name, spec in entity.fields.items():
            if spec.type != "float" or not MONEY_NAME.search(name.lower()):
                continue
            yield Hit(
                element=ElementRef.entity(entity.id, "fields", name),
                message=f"{entity.id}.{name} stores money as a float: sums drift by fractions "
                "of a cent",
                span=spec.span or entity.span,
                fix="type it `decimal` (numeric with a fixed scale) or `bigint` minor units",
                evidence=f"{name}: float",
            )


@rule(code="DB010", name="status-as-free-text", severity=Severity.WARNING)
def status_as_free_text(ctx: RuleContext) -> Iterator[Hit]:
    """A status or state column is free text with no list of values.

    What it checks:
        In system designs, fields named `status`, `state`, `phase` or ending in `_status` /
        `_state`, typed `str` or `text`, on an entity that declares no lifecycle `states`.
        Coding tasks: DS002.

    Why it matters:
        Database design: flexible but readable schemas. A status column that accepts any
        string accepts "shiped" and "SHIPPED"; every reader guesses the valid values, a
        filter on one misses the others, and nothing stops an impossible transition. An
        enum (or a check constraint, or the entity's `states` and `transitions`) makes the
        set closed and documented.

    Example:
        entities:
          Order: {key: id, fields: {id: uuid, status: str}}

    Use instead:
        entities:
          Order: {key: id, fields: {id: uuid, status: enum(pending|paid|shipped|cancelled)}}

    Evidence:
        The field's name, its type and the entity's `states`.
    """
    if not _system(ctx.design):
        return
    for entity in ctx.design.entities:
        if entity.states:
            continue
        for name, spec in entity.fields.items():
            if spec.type not in ("str", "text") or spec.values or not _STATUS.search(name):
                continue
            yield Hit(
                element=ElementRef.entity(entity.id, "fields", name),
                message=f"{entity.id}.{name} is free text ({spec.type}): any string is a valid "
                "status",
                span=spec.span or entity.span,
                fix="make it `enum(a|b|c)`, or give the entity `states` with `transitions`",
                evidence=f"{name}: {spec.type}, no values; entity states: none",
            )


@rule(code="DB011", name="fast-growing-entity-without-retention", severity=Severity.WARNING)
def fast_growing_without_retention(ctx: RuleContext) -> Iterator[Hit]:
    """An entity grows by 100 million rows a day or more and nothing says how long they stay.

    What it checks:
        Entities whose `growth` is at least `policy.FAST_GROWTH_ROWS_PER_DAY` (100M rows a
        day) with no `retention` of their own and no `requirements.data.retention`.

    Why it matters:
        Database design: at that rate a year is tens of billions of rows. Indexes outgrow
        memory, vacuum and backups take longer every week, and the store that was sized
        for today falls over. How long the rows are needed (then deleted, rolled up or
        archived to an object store) decides the storage, the partitioning and the cost.

    Example:
        components:
          db: {kind: database, tech: cassandra, recovery: RF=3 + snapshots}
        entities:
          Reading:
            stored_in: db
            key: [device_id, at]
            fields: {device_id: uuid, at: datetime, value: float}
            growth: 2.9B/day

    Use instead:
        components:
          db: {kind: database, tech: cassandra, recovery: RF=3 + snapshots}
        entities:
          Reading:
            stored_in: db
            key: [device_id, at]
            fields: {device_id: uuid, at: datetime, value: float}
            growth: 2.9B/day
            retention: 30d

    Evidence:
        The entity's `growth` in rows a day, its `retention` and the design's.
    """
    if ctx.design.requirements.data.retention is not None:
        return
    for entity in ctx.design.entities:
        per_day = _rows_per_day(entity)
        if per_day is None or per_day < FAST_GROWTH_ROWS_PER_DAY or entity.retention:
            continue
        yield Hit(
            element=ElementRef.entity(entity.id),
            message=f"'{entity.id}' grows by {per_day:,.0f} rows a day and nothing says how "
            f"long they are kept ({per_day * 365:,.0f} rows a year)",
            span=entity.span,
            fix="set `retention:` (then delete, roll up or archive to an object store), and "
            "partition by time so old data drops as a whole",
            evidence=f"growth {entity.growth}; retention unset here and in requirements.data",
        )


def _time_field(entity: Entity, name: str) -> bool:
    spec = entity.fields.get(name)
    if spec is not None and spec.type in ("date", "datetime"):
        return True
    return _TIME_NAME.search(name) is not None


@rule(code="DB012", name="time-partition-key-on-high-growth-entity", severity=Severity.WARNING)
def time_partition_key(ctx: RuleContext) -> Iterator[Hit]:
    """A high-growth entity is partitioned by time alone: every new write hits one partition.

    What it checks:
        Entities with a `partition_key` made only of time fields (typed `date` /
        `datetime`, or named like one: `day`, `created_at`, `hour`) that grow by at least
        `policy.HOT_PARTITION_ROWS_PER_DAY` (1M rows a day), in a store that is not
        relational (a distributed store places each partition on a few nodes).

    Why it matters:
        Database design: a partition key spreads load only if writes spread over its
        values. With the day (or the hour) as the key, all of today's writes land on the
        one partition for today — one node's throughput caps the system, the others idle,
        and the partition grows without bound until the day ends. Lead with a key of high
        cardinality (device, user, tenant) and keep the time as a clustering column or
        add a bucket to it.

    Example:
        components:
          db: {kind: database, tech: cassandra, recovery: RF=3 + snapshots}
        entities:
          Event:
            stored_in: db
            key: [day, id]
            partition_key: [day]
            fields: {day: date, id: uuid, payload: text}
            growth: 500M/day
            retention: 90d

    Use instead:
        components:
          db: {kind: database, tech: cassandra, recovery: RF=3 + snapshots}
        entities:
          Event:
            stored_in: db
            key: [device_id, day, id]
            partition_key: [device_id, day]
            fields: {device_id: uuid, day: date, id: uuid, payload: text}
            growth: 500M/day
            retention: 90d

    Evidence:
        The entity's `partition_key`, the fields' types and its `growth`.
    """
    design = ctx.design
    for entity in design.entities:
        per_day = _rows_per_day(entity)
        if not entity.partition_key or per_day is None or per_day < HOT_PARTITION_ROWS_PER_DAY:
            continue
        if not all(_time_field(entity, f) for f in entity.partition_key):
            continue
        store = design.component_map.get(entity.stored_in or "")
        if store is not None and traits(store.kind).relational and _sql(ctx, store.tech):
            continue
        keys = ", ".join(entity.partition_key)
        yield Hit(
            element=ElementRef.entity(entity.id),
            message=f"'{entity.id}' is partitioned by time alone ({keys}): all "
            f"{per_day:,.0f} new rows a day go to the current partition",
            span=entity.span,
            fix="lead the partition key with a high-cardinality field (device, user, "
            "tenant) and keep the time as a clustering column, or add a hash bucket",
            evidence=f"partition_key [{keys}]: time fields only; growth {entity.growth}",
        )


def _sql(ctx: RuleContext, tech: str | None) -> bool:
    """A single-node SQL store (range partitions by time there are for dropping old data)."""
    return tech in ("postgresql", "mysql")


_CLASSIFIED = ("pii", "secret", "payment")


@rule(code="DB015", name="classified-data-unencrypted", severity=Severity.WARNING)
def classified_data_unencrypted(ctx: RuleContext) -> Iterator[Hit]:
    """Personal, secret or payment data is stored where nothing says it is encrypted.

    What it checks:
        Stores holding entities with fields classified `pii`, `secret` or `payment` whose
        `encryption` is `none` or unset. Reported once per store, naming the fields.

    Why it matters:
        Database design, and the law: personal data must be protected (GDPR), card data
        must be encrypted (PCI DSS), and credentials must never be readable from a stolen
        disk, a backup or a snapshot. Encryption at rest (storage or disk level) is the
        floor; tokens and card numbers often need field-level encryption (or hashing) too.

    Example:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          User:
            stored_in: db
            key: id
            fields:
              id: uuid
              email: {type: str, classification: pii}

    Use instead:
        components:
          db:
            kind: database
            tech: postgresql
            recovery: PITR backups
            encryption: at_rest
        entities:
          User:
            stored_in: db
            key: id
            fields:
              id: uuid
              email: {type: str, classification: pii}

    Evidence:
        The fields' `classification` and the store's `encryption`.
    """
    design = ctx.design
    found: dict[str, list[str]] = {}
    for entity in design.entities:
        store = design.component_map.get(entity.stored_in or "")
        if store is None or store.encryption not in (None, "none"):
            continue
        for name, spec in entity.fields.items():
            if spec.classification in _CLASSIFIED:
                found.setdefault(store.id, []).append(f"{entity.id}.{name} ({spec.classification})")
    for store_id, fields in found.items():
        store = design.component_map[store_id]
        shown = ", ".join(fields[:4]) + (f" and {len(fields) - 4} more" if len(fields) > 4 else "")
        yield Hit(
            element=ElementRef.component(store_id),
            message=f"'{store_id}' stores classified data ({shown}) with encryption "
            f"{store.encryption or 'unset'}",
            span=store.span,
            fix=f"set `encryption: at_rest` on '{store_id}' (`field` for card data and tokens)",
            evidence=f"encryption {store.encryption or 'unset'}; classified fields: {shown}",
        )
