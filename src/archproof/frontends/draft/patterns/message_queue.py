"""A message queue / log (Kafka-like): producers publish to topics split into partitions;
brokers append each message to its partition's replicated log and acknowledge it once the
copies are written; every consumer group reads every message, in offset order within a
partition, and commits how far it got; the log keeps messages for the retention, so a group
can replay from an offset.

The load is the task's: publishes at the stated rate, fetches at that rate × the consumer
groups (each group reads each message once). The log is the queue component; its storage is
sized like every entity's (rows = publishes × retention, by `compose`), per copy.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import primary_rates
from archproof.frontends.draft.plan import CallSpec, EntitySpec, EventSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import concurrency_of, rate_text, replicas_of
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Duration

RECORD = "Record"
_GROUPS = frozenset({"group", "consumer", "subscriber"})
_COPIES = frozenset({"broker", "replica", "copy", "node"})
# "stored on 3 brokers", "replicated to 3 nodes", "3 copies", "replication factor 3"
_COPIED = re.compile(
    r"\b(?:stored|written|replicated|persisted|copied|kept)\s+(?:on|to|in)\b|\bcop(?:y|ies)\b"
    r"|\breplica",
    re.IGNORECASE,
)


def message_queue(ctx: Ctx) -> None:
    publishes, _reads, note, _rnote = primary_rates(ctx, "message_queue")
    # the stated retention; unstated, the storage sizing's horizon asks for it
    kept = ctx.load.retention_s
    retention = f"{Duration(kept)}, as stated" if kept is not None else "not stated"
    groups, groups_note = _consumer_groups(ctx)
    fetches = publishes * groups
    # every group reads every message: the generic read:write split does not apply
    ctx.ledger.withdraw("reads per write", "read-write-ratio", "What is the read:write ratio?")
    ctx.ledger.withdraw("reads", "reads-derived")
    ctx.ledger.derived(
        "fetches",
        rate_text(fetches),
        f"{rate_text(publishes)} publishes × {sig(float(groups))} consumer groups "
        f"({groups_note}), each reading every message",
        "fetches-derived",
    )
    broker = ctx.comp(
        "gateway",
        "broker",
        "brokers: take publishes and fetches for the partitions they lead (clients learn the "
        "leaders from the cluster metadata, so there is no load balancer in between)",
    )
    broker.notes.append(
        "a broker's request handling holds no state of its own: the partitions are the log's"
    )
    log = ctx.comp(
        "events",
        "log",
        "the log: every topic split into partitions, each an append-only, replicated log of "
        "messages by offset; consumer groups' committed offsets live beside them",
    )
    copies, copies_note = _copies(ctx, log.tech)
    # A broker is the log's node: a produce waiting for its copies, or a fetch waiting for
    # data, is a request in flight (parked until it can answer), not a thread held for it.
    broker.concurrency = concurrency_of(log.tech, log.kind, log.concurrency)
    broker.notes.append(
        f"concurrency {broker.concurrency}: requests in flight per broker, the log's (the "
        "catalog's), since a broker is the log's node"
    )
    log.recovery = (
        f"replication factor {copies}: a partition's followers take over when its leader "
        "fails; consumers resume from their committed offsets"
    )
    log.state.append(f"{RECORD}s by topic, partition and offset, kept for the retention")
    record = EntitySpec(
        id=RECORD,
        fields={
            "topic": "str(200)",
            "partition": "int",
            "offset": "bigint",
            "key": "str(200)?",
            "payload": "bytes",
            "published_at": "datetime",
        },
        key=("topic", "partition", "offset"),
        stored_in=log.id,
        note="a message in its partition's log; the offset orders it within the partition",
    )
    ctx.entities[RECORD] = record
    publish = ctx.op(
        OpSpec(
            id="publish_message",
            description="Produce: append a message to its topic's partition (chosen by its "
            "key), acknowledged once every in-sync copy has it",
            pattern="message_queue",
            rate=publishes,
            rate_note=note,
            reads=False,
            idempotency_key="producer id + sequence number per partition: a retried publish "
            "is appended once",
            calls=[
                CallSpec(
                    "broker.publish",
                    calls=[
                        CallSpec(
                            f"{log.id}.enqueue",
                            on_failure="fail_closed",
                            rationale=f"append to the partition's leader; acknowledged after "
                            f"the {copies} copies are written ({copies_note})",
                        )
                    ],
                )
            ],
            keywords=("publish", "produce", "send", "write", "message"),
        )
    )
    fetch = ctx.op(
        OpSpec(
            id="fetch_messages",
            description="Consume: a consumer of a group fetches the next messages of its "
            "partitions from the group's committed offset, then commits the new offset",
            pattern="message_queue",
            rate=fetches,
            rate_note=f"{rate_text(publishes)} publishes × {sig(float(groups))} consumer groups "
            f"({groups_note})",
            calls=[
                CallSpec(
                    "broker.fetch",
                    calls=[
                        CallSpec(
                            f"{log.id}.dequeue",
                            idempotent=True,
                            rationale="read from the group's offset, in offset order; a "
                            "fetch reads and never removes, so groups do not compete",
                        )
                    ],
                )
            ],
            keywords=("fetch", "consume", "poll", "read", "replay"),
        )
    )
    ctx.events.append(
        EventSpec(
            id="messages",
            hub=log.id,
            producers=(broker.id,),
            consumers=(broker.id,),
            volume=publishes,
            rationale="the producers' messages, appended by the brokers and fetched through "
            f"them by each consumer group ({fetch.id})",
        )
    )
    ctx.access(RECORD, "records_from_offset", "range", ("topic", "partition"), "offset", fetch.id)
    ctx.primary_write = ctx.primary_write or publish.id
    ctx.primary_read = ctx.primary_read or fetch.id
    ctx.decide(
        "queue-partitioned-log",
        "A partitioned, replicated log",
        f"brokers append each publish to its partition's log, {copies} copies before the "
        "acknowledgement; each consumer group reads every message from its own committed "
        "offset",
        Principle.EV,
        f"{sig(float(groups))} consumer groups ({groups_note}) read every message: a log read "
        "at offsets serves them all from one copy of the data, and keeps it for replay, where "
        f"a queue that deletes on delivery would hold one copy per group; {copies} copies "
        f"({copies_note}) keep an acknowledged message through a broker's loss",
        publish.id,
    )
    ctx.decide(
        "queue-order-by-key",
        "Order within a partition",
        "a message's key picks its partition; one consumer of a group reads a partition, in "
        "offset order, and commits its offset after processing (at least once)",
        Principle.FH,
        "ordering holds only inside a partition: messages that must stay in order share a "
        "key; a consumer that fails before committing reads the same messages again, so "
        "consumers dedupe by topic, partition and offset",
        fetch.id,
    )
    ctx.decide(
        "queue-retention",
        "Retention by time, not by delivery",
        f"the log deletes whole segments older than the retention ({retention}); a message "
        "stays until then whether or not every group has read it",
        Principle.DB,
        "consumers replay from any offset inside the retention, and a slow group never "
        "holds the others' disk; deleting a segment is one file, not a row at a time",
        log.id,
    )
    # the log's own decisions answer the task's order, duplicates and expiry
    ctx.handled.update({"ordering", "consistency", "expiry"})
    ctx.use_cases += [
        "Publish a message to a topic",
        "Consume a topic's messages in order, per consumer group",
        "Replay a topic from an offset",
    ]
    ctx.ledger.ask("How many partitions per topic? (a group's consumers read in parallel up to it)")


def _consumer_groups(ctx: Ctx) -> tuple[Fraction, str]:
    """The consumer groups that read every message ("every message is read by 3 consumer
    groups"): a count whose own words name the groups, else one group (assumed)."""
    for item in ctx.load.extracted.reading.placed:
        if _names(item, _GROUPS) and item.period is None and item.unit == "count":
            return item.value, f'from the task: "{item.text}"'
    ctx.ledger.assumed(
        "consumer groups",
        "1",
        "one group reads each message when the task names none",
        "consumer-groups",
        "How many consumer groups read each topic? (assumed 1)",
    )
    return Fraction(1), "assumed: one"


def _copies(ctx: Ctx, tech: str | None) -> tuple[int, str]:
    """Copies of each message: a count of brokers or replicas the task stores it on ("stored
    on 3 brokers", "3 replicas"), else the technology's default (the catalog's replicas)."""
    for item in ctx.load.extracted.reading.placed:
        if (
            _names(item, _COPIES)
            and item.unit == "count"
            and item.period is None
            and _COPIED.search(item.sentence)
            and item.value == int(item.value)
            and 1 < item.value <= 7
        ):
            return int(item.value), f'from the task: "{item.text}"'
    return replicas_of(tech, None), "the default replication factor"


def _names(item: Quantity, nouns: frozenset[str]) -> bool:
    """The number's own words name one of `nouns` ("3 consumer groups", "5 consumer groups
    read"; not "once", which the reader may give the same subject)."""
    return any(singular(w) in nouns for w in re.findall(r"[a-z]+", item.text.lower()))
