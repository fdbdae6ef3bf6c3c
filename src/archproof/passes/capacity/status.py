"""The capacity pass's status words as enums.

The values are the words the JSON output and the reports have always shown, so a
`StrEnum` member serializes and prints exactly as the string it replaces. Backends
colour by member, never by matching rendered text.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Status of a figure, a pool, a component or an operation."""

    OK = "ok"
    WARNING = "warning"  # a component's utilization at or above the policy's warn level
    SATURATED = "saturated"  # ρ ≥ 1: no finite wait
    IDLE = "idle"  # no load arrives
    UNBOUNDED = "unbounded"  # infinite servers (a delay station): no utilization
    UNKNOWN = "unknown"  # a missing input
    VIOLATED = "violated"  # an operation with an SLO check violated


class SloStatus(StrEnum):
    """A latency or availability objective against its computed figure."""

    MET = "met"
    # met at the design's inputs, missed at the top of the figure's sensitivity band (or
    # saturated there): near the knee a few percent off in the inputs loses the objective
    AT_RISK = "at risk"
    VIOLATED = "violated"
    SATURATED = "saturated"  # the figure does not exist: a pool on the path saturates
    UNKNOWN = "unknown"


class AssumptionStatus(StrEnum):
    """The verdict on a checkable assumption."""

    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    UNKNOWN = "unknown"  # checkable, but the figure or the bound could not be read
    UNCHECKED = "unchecked"  # no machine-checkable form


class GrowthAction(StrEnum):
    """The move the growth plan prescribes for a component at a load level."""

    REPLICAS = "replicas"  # add instances (stateless, or sized within its limits)
    READ_REPLICAS = "read_replicas"  # add read replicas, within policy.MAX_READ_REPLICAS
    OFFLOAD_READS = "offload_reads"  # past MAX_READ_REPLICAS: a cache, shards, another store
    PARTITION_WRITES = "partition_writes"  # writes exceed one primary: shard by key
    QUOTA = "quota"  # someone else's API: a higher quota, not replicas
    SHARD = "shard"  # scale-out with a kind's limit (cache keys, queue partitions, state)
