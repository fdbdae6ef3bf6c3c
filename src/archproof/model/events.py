"""Events, observability and failure scenarios."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import ConfigDict, Field

from archproof.model.base import Node
from archproof.model.frozen import FrozenDict
from archproof.units import (
    MAX_DELIVERIES,
    MAX_FACTOR,
    MAX_LOAD,
    MAX_REPLICAS,
    Count,
    Duration,
    Rate,
)


class Redelivery(Node):
    """Delayed retry of failed messages by the broker, then a dead-letter queue.

    The SQS / RabbitMQ pattern: after `delay` a message whose processing failed is delivered
    again, at most `max_deliveries` times in all, then moved to `dead_letter`. Not a message
    loop (AP022)."""

    delay: Duration = Field(
        description="Wait before a failed message is delivered again (`0s`: immediate re-queue)."
    )
    max_deliveries: int | None = Field(
        default=None,
        ge=1,
        le=MAX_DELIVERIES,
        description="Deliveries in all, the first included, before the message is dead-"
        "lettered. None: unbounded (a poison message is redelivered forever).",
    )
    dead_letter: str | None = Field(
        default=None,
        description="Queue / event-hub component that receives messages that used up "
        "`max_deliveries` (a dead-letter queue).",
    )


class Event(Node):
    """A topic on an event hub, with who produces and consumes it."""

    id: str = Field(description="Event name, the key under `events:`.")
    hub: str | None = Field(default=None, description="Queue/event-hub component carrying it.")
    producers: tuple[str, ...] = Field(default=(), description="Producing components.")
    consumers: tuple[str, ...] = Field(default=(), description="Consuming components.")
    volume: Rate | None = Field(default=None, description="Events per unit of time.")
    time_sensitive: bool = Field(
        default=False, description="Whether consumers must react within seconds."
    )
    delivery: Literal["at_most_once", "at_least_once", "exactly_once"] = Field(
        default="at_least_once", description="Delivery guarantee of the hub."
    )
    idempotent_consumers: bool = Field(
        default=False, description="Whether consumers de-duplicate redelivered events."
    )
    accuracy: Literal["exact", "approximate"] = Field(
        default="exact",
        description="What consumers make of the events: `exact` (each must take effect once: "
        "money, sends, state changes) or `approximate` (counts, rankings, samples, sketches "
        "whose error already absorbs a rare repeated event, so redeliveries need no "
        "de-duplication).",
    )
    ordering: Literal["none", "per_key", "total"] = Field(
        default="none",
        description="Order consumers need: `none`, `per_key` (within a `partition_key`), "
        "`total` (one global order: one partition, one consumer).",
    )
    partition_key: str | None = Field(
        default=None,
        description="Field of the event that decides its partition; per-key order holds within it.",
    )
    redelivery: Redelivery | None = Field(
        default=None,
        description="Delayed retry of failed messages: {delay, max_deliveries, dead_letter}.",
    )
    rationale: str | None = Field(default=None, description="Why an event and not a call.")
    accept: FrozenDict[str, str] = Field(
        default_factory=FrozenDict, description="Accepted review findings: code → reason."
    )


class Metric(Node):
    """A metric that is collected."""

    name: str = Field(description="Metric name.")
    kind: Literal["latency", "counter", "gauge", "histogram"] = Field(
        default="latency", description="Kind of metric."
    )
    operation: str | None = Field(default=None, description="Operation measured.")
    component: str | None = Field(default=None, description="Component measured.")
    percentiles: tuple[Literal["p50", "p90", "p95", "p99", "p99.9"], ...] = Field(
        default=(), description="Percentiles reported for a latency metric."
    )
    labels: FrozenDict[str, Count] = Field(
        default_factory=FrozenDict,
        description="Labels (dimensions) with the number of distinct values of each "
        "(`{route: 40, user_id: 10M}`); series = their product.",
    )


class LogPolicy(Node):
    """What gets logged where."""

    operation: str | None = Field(default=None, description="Operation (none: all).")
    component: str | None = Field(default=None, description="Component (none: all).")
    on: Literal["errors", "all", "critical_path"] = Field(
        default="errors", description="Which events are logged."
    )
    detail: Literal["basic", "detailed"] = Field(default="basic", description="Detail level.")
    fields: tuple[str, ...] = Field(
        default=(), description="Entity fields a log line carries, as `entity.field`."
    )
    redact: bool = Field(
        default=False,
        description="Classified fields (pii, secret, payment) are masked before writing.",
    )


class Alert(Node):
    """An alert."""

    name: str = Field(description="Alert name.")
    on: Literal["slo_breach", "error_rate", "saturation", "queue_depth", "custom"] = Field(
        description="What triggers it."
    )
    operation: str | None = Field(default=None, description="Operation watched.")
    component: str | None = Field(default=None, description="Component watched.")
    threshold: str | None = Field(default=None, description="Threshold (free text or unit).")


class Observability(Node):
    """Metrics, logs, alerts and tracing."""

    metrics: tuple[Metric, ...] = Field(default=(), description="Collected metrics.")
    logs: tuple[LogPolicy, ...] = Field(default=(), description="Logging policies.")
    alerts: tuple[Alert, ...] = Field(default=(), description="Alerts.")
    tracing: tuple[str, ...] = Field(
        default=(), description="Operations with distributed tracing ('*' for all)."
    )


class Fault(Node):
    """A fault injected in simulation: a component down, slowed, losing replicas, erroring."""

    component: str = Field(description="Component affected.")
    kind: Literal["down", "slow", "lose_replicas", "error_rate"] = Field(
        description="down; slow by `factor`; lose `replicas`; error with probability `rate`."
    )
    at: Duration = Field(default_factory=lambda: Duration(Fraction(0)), description="Start.")
    duration: Duration | None = Field(
        default=None, alias="for", description="Length of the fault window (none: to the end)."
    )
    factor: Fraction | None = Field(
        default=None, gt=0, le=MAX_FACTOR, description="Slowdown factor (slow)."
    )
    replicas: int | None = Field(default=None, ge=1, le=MAX_REPLICAS, description="Replicas lost.")
    rate: Fraction | None = Field(default=None, ge=0, le=1, description="Error probability.")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Scenario(Node):
    """A named set of faults for `archproof simulate --scenario NAME`."""

    id: str = Field(description="Scenario name, the key under `scenarios:`.")
    description: str | None = Field(default=None, description="What the scenario shows.")
    load: Fraction = Field(default=Fraction(1), gt=0, le=MAX_LOAD, description="Load multiplier.")
    faults: tuple[Fault, ...] = Field(default=(), description="Faults to inject.")
