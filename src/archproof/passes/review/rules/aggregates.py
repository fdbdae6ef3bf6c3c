"""OP rules on what a request writes: record the fact, aggregate later.

OP012 a busy user-facing operation that updates existing rows (counters, per-minute totals,
"last seen") on every request, where the design's own figures show it is not adding records:
its writes far outnumber the new rows of everything the store holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from archproof.model import Design, Entity, Operation
from archproof.model.objectives import user_facing
from archproof.numbers import sig
from archproof.passes.lower import peak_rate as lowered_peak_rate
from archproof.passes.review.calltree import Edge, durable_writes
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.events import HIGH_VOLUME
from archproof.passes.review.rules.failure import per_second
from archproof.passes.summary import operation_rate
from archproof.policy import UPDATES_PER_NEW_ROW

# Writes whose outcome the answer depends on (a version check that can lose, a row lock that
# decides who gets the seat): those must be made before answering, whatever the rate.
_DECIDING_UPDATES = frozenset({"conditional", "locked", "serializable", "read_modify_write"})


def _blind_writes(design: Design, op: Operation) -> dict[str, list[Edge]]:
    """The operation's own required writes to stores of record that decide nothing, by store."""
    out: dict[str, list[Edge]] = {}
    for edge in durable_writes(design, op):
        if edge.optional or edge.node.update in _DECIDING_UPDATES:
            continue
        out.setdefault(edge.node.component, []).append(edge)
    return out


def _held(design: Design, store: str) -> list[Entity] | None:
    """The entities the store holds, if every one of them states its growth."""
    held = [e for e in design.entities if e.stored_in == store]
    if not held or any(e.growth is None for e in held):
        return None  # new rows unknown: no comparison to make
    return held


@rule(code="OP012", name="aggregate-updated-on-request-path", severity=Severity.WARNING)
def aggregate_updated_on_request_path(ctx: RuleContext) -> Iterator[Hit]:
    """A busy user-facing request updates existing rows in place instead of recording a fact.

    What it checks:
        User-facing, non-critical operations at 100/s or more at peak that wait for a write
        to a store of record (not optional, not handed off, and not a write whose outcome
        the answer depends on: `update` conditional / locked / serializable /
        read_modify_write) where that write rate is at least 10 times the new rows per
        second of every entity the store holds (their `growth`, all stated). So many writes
        for so few new rows means the request updates aggregates in place: counters,
        per-minute totals, "last seen" stamps.

    Why it matters:
        Operation efficiency: split out the minimum work needed to do something useful. A
        click, a view or a heartbeat is useful once it is recorded; folding it into a total
        is work nobody waiting needs. Done inline, every request pays for the update, the
        request fails when the store does, and the few rows being updated take every
        request's write (hot rows). Append the fact to a log or queue and answer; a
        consumer aggregates in batches, one write for many events.

    Example:
        components:
          api: {kind: service, tech: stateless-service, replicas: 8}
          counts: {kind: database, tech: cassandra, replicas: 6, recovery: RF 3}
        operations:
          view_page:
            rate: 2k/s
            calls:
              - api.handle:
                  calls:
                    - counts.write: {timeout: 100ms, on_failure: fail_closed, idempotent: true}
        entities:
          PageMinute:
            stored_in: counts
            key: [page_id, minute]
            fields: {page_id: bigint, minute: datetime, views: bigint}
            growth: 1M/day

    Use instead:
        components:
          api: {kind: service, tech: stateless-service, replicas: 8}
          views: {kind: queue, tech: kafka}
          counter: {kind: worker, tech: worker}
          counts: {kind: database, tech: cassandra, replicas: 6, recovery: RF 3}
        operations:
          view_page:
            rate: 2k/s
            calls:
              - api.handle:
                  calls:
                    - views.enqueue: {async: true, timeout: 20ms, on_failure: fail_open}
          count_views:
            consumes: views
            sync: false
            calls:
              - counter.count:
                  calls:
                    - counts.write: {p: 5%, timeout: 1s, retries: {count: 3, backoff: 100ms}}
        entities:
          PageMinute:
            stored_in: counts
            key: [page_id, minute]
            fields: {page_id: bigint, minute: datetime, views: bigint}
            growth: 1M/day

    Evidence:
        The operation's average rate × its writes per request to the store, against the
        sum of the `growth` of the entities stored there.
    """
    design = ctx.design
    for op in design.operations:
        if not user_facing(op) or op.critical:
            continue  # a critical write is confirmed before answering, however it is stored
        rate = operation_rate(design, op)
        own = op.peak.per_second if op.peak is not None else None
        if rate is None or lowered_peak_rate(rate, design.requirements.load, op.arrivals, own) < (
            HIGH_VOLUME
        ):
            continue
        for store, found in _blind_writes(design, op).items():
            held = _held(design, store)
            if held is None:
                continue
            new_rows = sum((e.growth.per_second for e in held if e.growth), Fraction(0))
            per_request = sum((edge.per_op for edge in found), Fraction(0))
            written = rate * per_request
            if written < UPDATES_PER_NEW_ROW * new_rows:
                continue
            names = ", ".join(e.id for e in held)
            ratio = f"~{float(written / new_rows):,.0f} writes per new row" if new_rows else ""
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{op.id}' waits for {per_second(written)} of writes to '{store}' on "
                    f"average, which gains only {per_second(new_rows)} new rows ({names}): "
                    f"{ratio or 'no new rows'}, so every request updates an aggregate in "
                    "place while the user waits"
                ),
                span=found[0].node.span,
                fix="record the fact and answer: enqueue or publish it (`async: true` on a "
                "queue) and let a consumer fold it into the totals in batches",
                evidence=(
                    f"{per_second(rate)} average × {sig(float(per_request), 6)} writes per request "
                    f"= {per_second(written)} ≥ {UPDATES_PER_NEW_ROW} × growth "
                    f"{per_second(new_rows)} of {names}; not critical; "
                    + ", ".join(f"{e.node.call}: update {e.node.update or 'unset'}" for e in found)
                ),
            )
