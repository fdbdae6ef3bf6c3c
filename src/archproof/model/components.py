"""Components: the boxes of a design (services, databases, caches, queues, ...)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator

from archproof.model.base import Node
from archproof.model.common import Availability, Distribution, RateLimit
from archproof.model.frozen import FrozenDict
from archproof.units import (
    MAX_CONCURRENCY,
    MAX_QUEUE_LIMIT,
    MAX_READ_REPLICAS,
    MAX_REPLICAS,
    MAX_STANDBY,
    Duration,
    Percent,
    Size,
)


class ComponentKind(StrEnum):
    """What role a component plays."""

    CLIENT = "client"
    CDN = "cdn"
    LOAD_BALANCER = "load_balancer"
    SERVICE = "service"
    WORKER = "worker"
    DATABASE = "database"
    CACHE = "cache"
    QUEUE = "queue"
    OBJECT_STORE = "object_store"
    SEARCH_INDEX = "search_index"
    EXTERNAL = "external"


# What each kind is and does (stateful? read replicas? delay station?): model/traits.py.


class CacheSettings(Node):
    """How a cache is kept honest: why it exists, how entries expire or get invalidated."""

    justification: str | None = Field(
        default=None, description="Why this cache is needed (a measurement, not a hope)."
    )
    ttl: Duration | None = Field(default=None, description="Time to live of cached entries.")
    invalidation: str | None = Field(
        default=None, description="How entries are invalidated on write (e.g. 'delete on update')."
    )
    size: Size | None = Field(default=None, description="Expected size of the cached data set.")
    persistent: bool = Field(
        default=False, description="Whether the cache survives restarts (disk-backed)."
    )
    hit_ratio: str | None = Field(
        default=None, description="Expected hit ratio and where it comes from (free text)."
    )
    coalescing: bool = Field(
        default=False,
        description="Concurrent misses for one key make one backend call (single-flight), "
        "so an expiring hot key does not stampede the store behind.",
    )
    ttl_jitter: Percent | None = Field(
        default=None,
        description="Random spread added to TTLs (e.g. 10%) so entries written together do "
        "not expire together.",
    )
    write_policy: (
        Literal[
            "invalidate_after_write",
            "invalidate_before_write",
            "update_after_write",
            "write_through",
            "ttl_only",
        ]
        | None
    ) = Field(
        default=None,
        description="How writes reach the cache: `invalidate_after_write` (cache-aside: write "
        "the store, then delete the entry), `invalidate_before_write` and "
        "`update_after_write` (both race with a concurrent read: stale entries), "
        "`write_through` (the write updates both), `ttl_only` (stale for up to a TTL).",
    )


class Backup(Node):
    """Backups of a store: how often, how long a restore takes, whether a copy is offsite."""

    every: Duration = Field(
        description="Interval between backups (with log shipping: the shipping lag); the "
        "data lost in a disaster is at most this."
    )
    restore: Duration | None = Field(
        default=None, description="Time to restore from the backup (bounds the RTO)."
    )
    offsite: bool = Field(
        default=False,
        description="A copy is kept in another region / account, safe from a site disaster.",
    )

    @field_validator("every", "restore")
    @classmethod
    def _positive(cls, value: Duration | None) -> Duration | None:
        if value is not None and value.seconds <= 0:
            raise ValueError("a backup interval or restore time must be positive")
        return value


class Component(Node):
    """A box in the design. Unset figures are inherited from the catalog entry `tech`."""

    id: str = Field(description="Identifier, the key under `components:`.")
    kind: ComponentKind = Field(description="Role of the component.")
    tech: str | None = Field(
        default=None,
        description="Catalog technology (e.g. postgresql, redis); supplies default figures.",
    )
    replicas: int | None = Field(
        default=None,
        ge=1,
        le=MAX_REPLICAS,
        description="Identical instances (for a database: primaries).",
    )
    read_replicas: int = Field(
        default=0,
        ge=0,
        le=MAX_READ_REPLICAS,
        description="Read-only followers (databases and search indexes).",
    )
    standby: int = Field(
        default=0,
        ge=0,
        le=MAX_STANDBY,
        description=(
            "Hot standbys: instances kept in sync that serve nothing until one is promoted "
            "when an active instance fails (automatic failover). They count for "
            "availability, never for capacity (stateful kinds: databases, caches, queues, "
            "search indexes)."
        ),
    )
    failover: Duration | None = Field(
        default=None,
        description=(
            "Time from losing an active instance to a standby serving in its place "
            "(detection, promotion, clients reconnecting). None: the catalog's figure."
        ),
    )
    concurrency: int | None = Field(
        default=None,
        ge=1,
        le=MAX_CONCURRENCY,
        description="Requests one replica serves at once (threads, workers, pool size).",
    )
    queue_limit: int | None = Field(
        default=None,
        ge=0,
        le=MAX_QUEUE_LIMIT,
        description="Bounded wait queue per component; a full queue rejects. None: unbounded.",
    )
    work: FrozenDict[str, Distribution] = Field(
        default_factory=FrozenDict,
        description="Service time per kind of work (`read: 2ms`); overrides the catalog.",
    )
    availability: Availability | None = Field(
        default=None, description="Availability of one replica (percentage or mtbf/mttr)."
    )
    state: tuple[str, ...] = Field(
        default=(),
        description="State this component holds: entity names or free text ('sessions').",
    )
    stateful: bool | None = Field(
        default=None, description="Whether it holds state; None: taken from the catalog."
    )
    recovery: str | None = Field(
        default=None, description="How its state is recovered after loss (backups, replication)."
    )
    cache: CacheSettings | None = Field(
        default=None, description="Cache settings (for kind cache, or an in-process cache)."
    )
    failure_domain: Literal["whole", "per_tenant", "per_endpoint"] = Field(
        default="whole",
        description="How it fails: all at once (`whole`), or one tenant's / one endpoint's "
        "share at a time (`per_tenant`, `per_endpoint`: webhooks to customer URLs, "
        "per-merchant bank connections).",
    )
    rate_limit: RateLimit | None = Field(
        default=None,
        description="Admission limit in front of the component (`100/s` or {rate, per, "
        "over}); arrivals above it are rejected, so its pools see at most the limit.",
    )
    shed_load: bool = Field(
        default=False,
        description="Rejects work early (503) above its target utilization instead of queueing it.",
    )
    backup: Backup | None = Field(
        default=None, description="Backups: {every: 1h, restore: 30min, offsite: true}."
    )
    encryption: Literal["none", "at_rest", "field"] | None = Field(
        default=None,
        description="Encryption of stored data: `none`, `at_rest` (disk / storage level) or "
        "`field` (sensitive fields encrypted by the application). None: not said.",
    )
    rationale: str | None = Field(
        default=None, description="Why this component exists; which principle it follows."
    )
    accept: FrozenDict[str, str] = Field(
        default_factory=FrozenDict,
        description="Accepted review findings on this element: code → reason.",
    )
