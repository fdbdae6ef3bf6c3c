"""Components: the boxes of a design (services, databases, caches, queues, ...)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from archproof.model.base import Node
from archproof.model.common import Availability, Distribution
from archproof.model.frozen import FrozenDict
from archproof.units import (
    MAX_CONCURRENCY,
    MAX_QUEUE_LIMIT,
    MAX_READ_REPLICAS,
    MAX_REPLICAS,
    Duration,
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
    rationale: str | None = Field(
        default=None, description="Why this component exists; which principle it follows."
    )
    accept: FrozenDict[str, str] = Field(
        default_factory=FrozenDict,
        description="Accepted review findings on this element: code → reason.",
    )
