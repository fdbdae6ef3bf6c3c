"""What each component kind is, in one table: every stage asks here, none switches on kinds.

A pass that needs "is this kind stateful?" or "does it queue messages?" reads
`traits(kind)`. `tests/test_kind_traits.py` fails when a kind has no row and when a module
outside this table compares `ComponentKind` values. Adding a kind means adding one row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from archproof.model.components import ComponentKind
from archproof.model.principles import Principle

if TYPE_CHECKING:
    from archproof.model.operations import CallNode


@dataclass(frozen=True, slots=True)
class KindTraits:
    """How archproof treats one kind of component. Flags default to False, so each row
    of the table names only what is true of its kind."""

    # The principle a component of this kind usually embodies (a report's fallback when
    # the design writes no `decisions:`).
    principle: Principle
    # Holds state when neither the design nor the catalog says (resolve's default).
    stateful: bool = False
    # Can have read replicas (followers serving reads): lowered to primary + replicas pools.
    read_replicas: bool = False
    # Can keep hot standbys (state kept in sync, promoted on failure): availability, not
    # capacity. A stateless kind scales by replicas instead, every one of them serving.
    standby: bool = False
    # Someone else sizes it: an infinite-server delay station unless the design states a
    # concurrency or names a catalog technology (whose concurrency is a documented limit
    # or quota). The one rule for servers of clients, CDNs and external APIs.
    delay_station: bool = False
    # We run it and can scale it; replicas of a client or an external API mean nothing.
    ours: bool = False
    # Replicas cost nothing but money: no state to copy (services, workers, balancers).
    cheap_to_replicate: bool = False
    # A store of record: the data lives here (a database, an object store).
    store_of_record: bool = False
    # Reads from it are what a cache saves (stores of record and search indexes).
    read_source: bool = False
    # Relational database: indexes, connection pools, read replicas, transactions.
    relational: bool = False
    # A cache: serves copies of data held elsewhere.
    cache: bool = False
    # A queue or event hub: calls to it are enqueues, operations consume from it.
    message_hub: bool = False
    # Runs application code (services, workers): where logic and leaked state live.
    compute: bool = False
    # A pass-through in front of the system (clients, balancers, CDNs): latency metrics
    # and logs belong to the services behind it.
    proxy: bool = False
    # A step that is part of a hand-off or cheap bookkeeping, not extra work on a path.
    cheap_step: bool = False
    # Writing twice to the same key is harmless (SET, PUT, a redelivered message).
    naturally_idempotent: bool = False
    # Writes to it are the data itself (or the money): failing open loses or forges it.
    authoritative: bool = False
    # Losing its only instance takes operations down (clients are the users themselves).
    can_be_spof: bool = False
    # Worth a high-availability pair in a draft (state that must survive one node).
    wants_ha_pair: bool = False
    # Calls to it get a timeout and retries in a draft (a remote dependency).
    guarded_in_draft: bool = False
    # The external participant (client) of a sequence diagram.
    actor: bool = False
    # Someone else's service behind an API (payments, email): quotas, not replicas.
    third_party: bool = False
    # Answers queries (a database or a search index): a query per item in a loop is N+1.
    queried: bool = False
    # Losing its state loses data, so the design must say how it is recovered (a cache,
    # a CDN, a client and an external API hold state that is disposable or not ours).
    state_needs_recovery: bool = False
    # Replicated across machines and zones by whoever runs it (an S3-style object store:
    # its "instances" are key prefixes, its availability the provider's SLA), so one
    # declared instance is not a single point of failure.
    provider_replicated: bool = False
    # Why adding replicas stops helping, and what to do instead (growth plan), if it does.
    scale_limit: str | None = None
    scale_move: str | None = None


KIND_TRAITS: Mapping[ComponentKind, KindTraits] = MappingProxyType(
    {
        ComponentKind.CLIENT: KindTraits(
            principle=Principle.ST,
            delay_station=True,
            proxy=True,
            actor=True,
        ),
        ComponentKind.CDN: KindTraits(
            principle=Principle.CA,
            delay_station=True,
            ours=True,
            proxy=True,
            can_be_spof=True,
        ),
        ComponentKind.LOAD_BALANCER: KindTraits(
            principle=Principle.ST,
            ours=True,
            cheap_to_replicate=True,
            proxy=True,
            cheap_step=True,
            can_be_spof=True,
            state_needs_recovery=True,
        ),
        ComponentKind.SERVICE: KindTraits(
            principle=Principle.ST,
            ours=True,
            cheap_to_replicate=True,
            compute=True,
            authoritative=True,
            can_be_spof=True,
            guarded_in_draft=True,
            state_needs_recovery=True,
        ),
        ComponentKind.WORKER: KindTraits(
            principle=Principle.OP,
            ours=True,
            cheap_to_replicate=True,
            compute=True,
            can_be_spof=True,
            state_needs_recovery=True,
        ),
        ComponentKind.DATABASE: KindTraits(
            principle=Principle.DB,
            stateful=True,
            read_replicas=True,
            ours=True,
            standby=True,
            store_of_record=True,
            read_source=True,
            relational=True,
            authoritative=True,
            can_be_spof=True,
            wants_ha_pair=True,
            guarded_in_draft=True,
            queried=True,
            state_needs_recovery=True,
        ),
        ComponentKind.CACHE: KindTraits(
            principle=Principle.CA,
            stateful=True,
            ours=True,
            standby=True,
            cache=True,
            cheap_step=True,
            naturally_idempotent=True,
            can_be_spof=True,
            guarded_in_draft=True,
            scale_limit="replicas shard the keys: a single hot key stays on one shard",
            scale_move="shard by key; replicate or locally cache hot keys",
        ),
        ComponentKind.QUEUE: KindTraits(
            principle=Principle.EV,
            stateful=True,
            ours=True,
            standby=True,
            message_hub=True,
            cheap_step=True,
            naturally_idempotent=True,
            can_be_spof=True,
            wants_ha_pair=True,
            guarded_in_draft=True,
            state_needs_recovery=True,
            scale_limit="one consumer per partition: consumers scale only with partitions",
            scale_move="add partitions (key messages by id) and scale consumers with them",
        ),
        ComponentKind.OBJECT_STORE: KindTraits(
            principle=Principle.DB,
            stateful=True,
            ours=True,
            provider_replicated=True,
            store_of_record=True,
            read_source=True,
            naturally_idempotent=True,
            authoritative=True,
            can_be_spof=True,
            guarded_in_draft=True,
            state_needs_recovery=True,
        ),
        ComponentKind.SEARCH_INDEX: KindTraits(
            principle=Principle.DB,
            stateful=True,
            read_replicas=True,
            ours=True,
            standby=True,
            read_source=True,
            can_be_spof=True,
            wants_ha_pair=True,
            guarded_in_draft=True,
            queried=True,
            state_needs_recovery=True,
        ),
        ComponentKind.EXTERNAL: KindTraits(
            principle=Principle.FH,
            delay_station=True,
            authoritative=True,
            can_be_spof=True,
            guarded_in_draft=True,
            third_party=True,
            scale_limit="an external API is not yours to scale",
            scale_move="cache, batch, rate-limit, or negotiate a higher quota",
        ),
    }
)


def traits(kind: ComponentKind) -> KindTraits:
    """The traits of `kind` (every kind has a row; a test checks it)."""
    return KIND_TRAITS[kind]


def kinds_where(test: Callable[[KindTraits], bool]) -> frozenset[ComponentKind]:
    """The kinds whose traits pass `test` (for membership checks in hot loops)."""
    return frozenset(k for k, t in KIND_TRAITS.items() if test(t))


def enqueues(node: CallNode, kind: ComponentKind) -> bool:
    """Whether the call puts a message on a hub: an `async` hand-off, or a write to a queue
    or event hub that waits for the broker's ack (`jobs.publish`, or `write: true`). A read
    of a hub (`jobs.receive`) puts nothing on it. The lowering counts a consumer's rate from
    these calls and the simulator starts consumers from them; the review's dual-write rule
    reads the same."""
    return node.async_ or (KIND_TRAITS[kind].message_hub and node.is_write)


__all__ = ["KIND_TRAITS", "KindTraits", "enqueues", "kinds_where", "traits"]
