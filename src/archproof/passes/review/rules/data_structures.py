"""DS rules: data structures — the first stage of a coding task.

Core types before code: entities with precise field types, closed sets as enums, money as
decimals, aware timestamps, ids as typed references, and fields that exist only in the
states where they hold a value. Most rules apply to coding tasks (`meta.kind: coding`),
whose entities become Python types (`archproof code`); system designs get the same checks
as database rules (DB009, DB010).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archproof.model import Design, Entity, EntityField
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule

_CLOSED_SET = re.compile(
    r"^(?:status|state|kind|type|category|level|rank|role|priority|phase|mode)$"
    r"|_(?:status|state|kind|type|category|level|rank|role|priority)$"
)
MONEY_NAME = re.compile(
    r"(?:^|_)(?:amount|price|cost|fee|fees|balance|total|salary|payment|charge|refund|"
    r"subtotal|tax|tip|fare|payout|cents|deposit|revenue|discount|budget|spend)(?:$|_)"
)
_TIMESTAMP = re.compile(r"_at$|^(?:timestamp|time|when)$|_(?:time|timestamp)$")
_NUMBER_OR_TEXT = frozenset({"float", "int", "bigint", "str", "text"})


def _coding(design: Design) -> bool:
    return design.meta.kind == "coding"


def _fields(design: Design) -> Iterator[tuple[Entity, str, EntityField]]:
    for entity in design.entities:
        for name, spec in entity.fields.items():
            yield entity, name, spec


def _where(entity: Entity, name: str) -> ElementRef:
    return ElementRef.entity(entity.id, "fields", name)


@rule(code="DS001", name="field-typed-as-bare-json", severity=Severity.WARNING)
def field_typed_as_bare_json(ctx: RuleContext) -> Iterator[Hit]:
    """A coding task's entity has a field typed `json`: a bare map where a type belongs.

    What it checks:
        Fields of type `json` on the entities of a coding task (`meta.kind: coding`).

    Why it matters:
        Data structures first: a bare dict (or JSON, or Any) says nothing about what it
        holds, so nothing checks it — a typo in a key or a wrong value type surfaces at run
        time, far from its cause. A record (an entity with typed fields) or a relation to
        one makes the shape explicit, and mypy checks every use.

    Example:
        meta: {name: cache, kind: coding}
        entities:
          Entry: {key: key, fields: {key: str, value: json}}

    Use instead:
        meta: {name: cache, kind: coding}
        entities:
          Entry: {key: key, fields: {key: str, value: str, size: int}}

    Evidence:
        The field's declared type.
    """
    if not _coding(ctx.design):
        return
    for entity, name, spec in _fields(ctx.design):
        if spec.type == "json":
            yield Hit(
                element=_where(entity, name),
                message=f"{entity.id}.{name} is typed json: a bare map, checked by nothing",
                span=spec.span or entity.span,
                fix="give it a shape: typed fields on this entity, or a related entity",
                evidence=f"{name}: json",
            )


@rule(code="DS002", name="closed-set-as-free-text", severity=Severity.WARNING)
def closed_set_as_free_text(ctx: RuleContext) -> Iterator[Hit]:
    """A status, kind or type field of a coding task's entity is free text, not an enum.

    What it checks:
        Fields named like a closed set (`status`, `state`, `kind`, `type`, `role`, `rank`,
        `priority`, or ending in `_status`, `_kind`, `_type`, …) typed `str` or `text`, on
        the entities of a coding task.

    Why it matters:
        Illegal states unrepresentable: a status written as a string accepts "shiped" and
        "SHIPPED" alongside "shipped", and every reader must guess the valid values. An
        enum makes the set closed, lets mypy check every comparison, and lets `match`
        check that every case is handled. A lifecycle goes further: `states` with their
        `transitions`.

    Example:
        meta: {name: lot, kind: coding}
        entities:
          Spot: {key: id, fields: {id: int, status: str}}

    Use instead:
        meta: {name: lot, kind: coding}
        entities:
          Spot:
            key: id
            fields: {id: int}
            states: [free, occupied]
            transitions: {free: [occupied], occupied: [free]}

    Evidence:
        The field's name and declared type.
    """
    if not _coding(ctx.design):
        return
    for entity, name, spec in _fields(ctx.design):
        if spec.type in ("str", "text") and _CLOSED_SET.search(name):
            yield Hit(
                element=_where(entity, name),
                message=f"{entity.id}.{name} is free text ({spec.type}); its values are a "
                "closed set",
                span=spec.span or entity.span,
                fix="make it an enum (`enum(a|b|c)`), or the entity's `states` with "
                "`transitions` if it is a lifecycle",
                evidence=f"{name}: {spec.type}",
            )


@rule(code="DS003", name="money-as-float", severity=Severity.WARNING)
def money_as_float(ctx: RuleContext) -> Iterator[Hit]:
    """A field holding money (an amount, price, fee, balance, …) is typed float.

    What it checks:
        Fields typed `float` whose name says money: amount, price, cost, fee, balance,
        total, salary, payment, charge, refund, tax, tip, fare, payout, cents (alone or as
        a part of the name), in a coding task (system designs: DB009).

    Why it matters:
        Floats are binary fractions: 0.1 + 0.2 is not 0.3, and sums of prices drift by
        cents that ledgers then cannot reconcile. Money is a decimal with a fixed scale
        (`decimal`, Python's `Decimal`) or an integer count of minor units (cents).

    Example:
        meta: {name: payments, kind: coding}
        entities:
          Payment: {key: id, fields: {id: uuid, amount: float}}

    Use instead:
        meta: {name: payments, kind: coding}
        entities:
          Payment: {key: id, fields: {id: uuid, amount: decimal, currency: str(3)}}

    Evidence:
        The field's name and declared type.
    """
    if not _coding(ctx.design):
        return
    for entity, name, spec in _fields(ctx.design):
        if spec.type == "float" and MONEY_NAME.search(name.lower()):
            yield Hit(
                element=_where(entity, name),
                message=f"{entity.id}.{name} holds money as a float: sums drift by fractions "
                "of a cent",
                span=spec.span or entity.span,
                fix="type it `decimal` (Decimal) or `int` minor units (cents)",
                evidence=f"{name}: float",
            )


@rule(code="DS004", name="timestamp-as-number-or-text", severity=Severity.WARNING)
def timestamp_as_number_or_text(ctx: RuleContext) -> Iterator[Hit]:
    """A coding task's timestamp field (`…_at`, `time`) is a number or a string.

    What it checks:
        Fields named `…_at`, `…_time`, `timestamp` or `time` typed `float`, `int`,
        `bigint`, `str` or `text`, on the entities of a coding task.

    Why it matters:
        A timestamp as an epoch number or a string carries no timezone: whether 1700000000
        or "2026-01-01 10:00" is UTC or local time is a convention nothing checks, and
        arithmetic across daylight-saving changes goes wrong. A `datetime` field becomes
        an aware `datetime` in generated code, and the parser rejects naive input.

    Example:
        meta: {name: limiter, kind: coding}
        entities:
          Bucket: {key: client, fields: {client: str, refilled_at: float}}

    Use instead:
        meta: {name: limiter, kind: coding}
        entities:
          Bucket: {key: client, fields: {client: str, refilled_at: datetime}}

    Evidence:
        The field's name and declared type.
    """
    if not _coding(ctx.design):
        return
    for entity, name, spec in _fields(ctx.design):
        if spec.type in _NUMBER_OR_TEXT and _TIMESTAMP.search(name):
            yield Hit(
                element=_where(entity, name),
                message=f"{entity.id}.{name} is a timestamp typed {spec.type}: no timezone, "
                "no checks",
                span=spec.span or entity.span,
                fix="type it `datetime` (generated as an aware datetime)",
                evidence=f"{name}: {spec.type}",
            )


@rule(code="DS005", name="id-as-plain-value", severity=Severity.WARNING)
def id_as_plain_value(ctx: RuleContext) -> Iterator[Hit]:
    """A coding task's field holds another entity's id as a plain int or string.

    What it checks:
        Fields named `<entity>_id` (or `<entity>`) for another entity of the design, typed
        anything but `ref(<entity>)`, on the entities of a coding task.

    Why it matters:
        Ids as distinct types: where two id kinds meet (a message's `room_id` beside its
        `user_id`), plain ints let one be passed for the other and nothing notices. A
        `ref` becomes that entity's own id type (a NewType), so mypy rejects a UserId
        where a RoomId belongs.

    Example:
        meta: {name: chat, kind: coding}
        entities:
          Room: {key: id, fields: {id: int}}
          User: {key: id, fields: {id: int}}
          Message: {key: id, fields: {id: int, room_id: int, user_id: ref(User)}}

    Use instead:
        meta: {name: chat, kind: coding}
        entities:
          Room: {key: id, fields: {id: int}}
          User: {key: id, fields: {id: int}}
          Message: {key: id, fields: {id: int, room_id: ref(Room), user_id: ref(User)}}

    Evidence:
        The field's name, its declared type, and the entity its name points at.
    """
    if not _coding(ctx.design):
        return
    by_name = {_snake(e.id): e.id for e in ctx.design.entities}
    for entity, name, spec in _fields(ctx.design):
        if spec.type == "ref":
            continue
        stem = name[:-3] if name.endswith("_id") else name
        target = by_name.get(stem)
        if target is None or target == entity.id or not name.endswith("_id"):
            continue
        yield Hit(
            element=_where(entity, name),
            message=f"{entity.id}.{name} holds a {target} id as a plain {spec.type}",
            span=spec.span or entity.span,
            fix=f"type it `ref({target})`: generated as {target}'s own id type",
            evidence=f"{name}: {spec.type}; entity {target} exists",
        )


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


@rule(code="DS006", name="state-field-optional-in-every-state", severity=Severity.WARNING)
def state_field_optional_in_every_state(ctx: RuleContext) -> Iterator[Hit]:
    """A nullable field belongs to one lifecycle state (`paid_at` of `paid`) but is open in all.

    What it checks:
        Entities of a coding task with `states`, and nullable fields named after one of
        those states (`paid_at`, `shipped_by`, `cancelled_reason`) that do not say in which
        states they hold a value (`states:` on the field).

    Why it matters:
        Illegal states unrepresentable: an optional `paid_at` allows a paid order without a
        payment time and an unpaid one with it, and every reader must check. Saying the
        field exists only in `paid` (and later states) lets the code stage generate one
        class per state, where a paid order always has `paid_at` and an unpaid one has none.

    Example:
        meta: {name: shop, kind: coding}
        entities:
          Order:
            key: id
            fields: {id: int, paid_at: datetime?}
            states: [open, paid]
            transitions: {open: [paid]}

    Use instead:
        meta: {name: shop, kind: coding}
        entities:
          Order:
            key: id
            fields: {id: int, paid_at: {type: datetime, states: [paid]}}
            states: [open, paid]
            transitions: {open: [paid]}

    Evidence:
        The field's name, its nullability and the entity's states.
    """
    if not _coding(ctx.design):
        return
    for entity in ctx.design.entities:
        states = set(entity.states)
        for name, spec in entity.fields.items():
            if not spec.nullable or spec.states or not states:
                continue
            stem = name.rsplit("_", 1)[0] if "_" in name else ""
            if stem in states:
                yield Hit(
                    element=_where(entity, name),
                    message=f"{entity.id}.{name} belongs to state '{stem}' but is optional "
                    "in every state",
                    span=spec.span or entity.span,
                    fix=f"drop the `?` and say where it exists: `states: [{stem}, …]` on the "
                    "field (one class per state in generated code)",
                    evidence=f"{name}: nullable; states: {', '.join(entity.states)}",
                )
