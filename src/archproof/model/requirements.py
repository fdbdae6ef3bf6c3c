"""Requirements: use cases, load, data volume, SLOs, constraints and assumptions."""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from pydantic import Field, field_validator

from archproof.model.base import Node, located
from archproof.model.common import below_hundred
from archproof.units import MAX_FACTOR, Count, Duration, Percent, Rate, Size


def at_peak(average: Fraction, peak_factor: Fraction) -> Fraction:
    """The one place an average rate becomes the peak a design is sized for (exact)."""
    return average * peak_factor


class Load(Node):
    """Global load figures. Operation rates are averages; peak = rate × peak_factor."""

    users: Count | None = Field(default=None, description="Registered users.")
    daily_active_users: Count | None = Field(default=None, description="Daily active users.")
    requests: Rate | None = Field(
        default=None,
        description="Total average request rate; operations may take a `share` of it.",
    )
    peak_factor: Fraction = Field(
        default=Fraction(1),
        ge=1,
        le=MAX_FACTOR,
        description="Peak over average. 1 means the operation rates are already peak rates.",
    )
    growth_per_year: Percent | None = Field(
        default=None, description="Yearly load growth (100% = doubling every year)."
    )


class DataVolume(Node):
    """How much data the system keeps."""

    retention: Duration | None = Field(default=None, description="How long data is kept.")
    total: Size | None = Field(default=None, description="Expected total stored size.")


class Slos(Node):
    """System-wide service-level objectives (per-operation latency SLOs sit on operations)."""

    availability: Percent | None = Field(default=None, description="Availability target.")
    durability: Percent | None = Field(default=None, description="Durability target.")
    rpo: Duration | None = Field(
        default=None,
        description="Recovery point objective: the most data (as time) the business accepts "
        "to lose in a disaster.",
    )
    rto: Duration | None = Field(
        default=None,
        description="Recovery time objective: the longest the business accepts to be down "
        "after a disaster.",
    )

    _below_hundred = field_validator("availability", "durability")(below_hundred)


class Check(Node):
    """A machine-checkable form of an assumption: a bound on a figure a pass computes.

    `metric` names the figure: utilization (of `component`), p99 / p95 / mean latency
    (of `operation`), peak_rate (of `operation` or of `component`), availability (of
    `operation`), storage (of `entity`), queue_wait (of `component`).
    """

    metric: Literal[
        "utilization",
        "p95",
        "p99",
        "mean_latency",
        "peak_rate",
        "availability",
        "storage",
        "queue_wait",
    ] = Field(description="The computed figure the bound applies to.")
    component: str | None = Field(default=None, description="Component the figure is about.")
    operation: str | None = Field(default=None, description="Operation the figure is about.")
    entity: str | None = Field(default=None, description="Entity the figure is about.")
    max: str | None = Field(
        default=None, description="Upper bound, with a unit ('30%', '50ms', '2k/s', '2TB')."
    )
    min: str | None = Field(default=None, description="Lower bound, with a unit.")


class Assumption(Node):
    """Something the design takes for granted; checked by a pass when `check` is given."""

    id: str = Field(description="Short identifier, unique in the design.")
    statement: str = Field(description="The assumption in plain words.")
    check: Check | None = Field(
        default=None, description="Machine-checkable form; without it, listed as unchecked."
    )
    source: str | None = Field(
        default=None, description="Where the assumption comes from (measurement, estimate)."
    )


class ConstraintKind(StrEnum):
    """What a constraint restricts. Each kind drives a decision (see the drafter)."""

    STORAGE_SCALE = "storage_scale"  # the data will not fit on one machine
    FRESHNESS = "freshness"  # how stale results may be: real time, within N s, hourly
    EXPIRY = "expiry"  # data that expires or must be deleted
    AVAILABILITY = "availability"  # "highly available", "never down", three nines
    ANONYMITY = "anonymity"  # users without accounts
    CONSISTENCY = "consistency"  # never double charge, read your own writes, exactly once
    ORDERING = "ordering"  # in order per conversation, price-time priority
    GEOGRAPHY = "geography"  # multi-region, data residency
    COMPLIANCE = "compliance"  # PII, PCI, GDPR, audit
    FORBIDDEN_TECHNOLOGY = "forbidden_technology"  # "don't use Solr"
    EXTERNAL_QUOTA = "external_quota"  # a third party's rate limit
    OTHER = "other"


class Constraint(Node):
    """A typed constraint: what it restricts, in the task's words, with its bound if any.

    Free-text constraints (`- budget is two engineers`) stay plain strings."""

    kind: ConstraintKind = Field(description="What the constraint restricts.")
    statement: str = Field(description="The constraint in plain words (the task's, if drafted).")
    within: Duration | None = Field(
        default=None, description="A time bound: freshness lag, expiry age, sync delay."
    )
    rate: Rate | None = Field(default=None, description="A rate bound: an external quota.")
    technology: str | None = Field(
        default=None, description="The technology a forbidden_technology constraint names."
    )

    def __str__(self) -> str:
        return f"{self.kind.value.replace('_', ' ')}: {self.statement}"


class Requirements(Node):
    """What the system must do and how well."""

    use_cases: tuple[str, ...] = Field(default=(), description="Functional use cases.")
    non_goals: tuple[str, ...] = Field(
        default=(), description="What the design deliberately does not do (the report lists them)."
    )
    load: Load = Field(default_factory=Load, description="Global load figures.")
    data: DataVolume = Field(default_factory=DataVolume, description="Data volume and retention.")
    slos: Slos = Field(default_factory=Slos, description="System-wide SLOs.")
    constraints: tuple[Constraint | str, ...] = Field(
        default=(),
        description="Constraints: typed (kind, statement, bound) or free text (budget, team).",
    )
    stakeholders: tuple[str, ...] = Field(default=(), description="Who cares about the system.")
    assumptions: tuple[Assumption, ...] = Field(
        default=(), description="Assumptions, each checked by a pass or listed as unchecked."
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        return data if data is not None else located(data, {})
