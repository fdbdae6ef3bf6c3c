"""The drafter's working plan: plain builder objects filled by patterns and decisions,
then written out as YAML by `emit`. Internal to the drafter; the result is a `Design`.

Also the public result records (`Requirement`, `Decision`) that travel with the draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from archproof.model import Principle

Source = Literal["extracted", "derived", "assumed"]


@dataclass(frozen=True)
class Requirement:
    """A requirement figure and where it came from: the task's words, a derivation or an
    assumption (with the standard rule applied)."""

    name: str
    value: str
    source: Source
    evidence: str


@dataclass(frozen=True)
class Decision:
    """A design decision, the principle behind it and the numbers that decided it."""

    id: str
    title: str
    choice: str
    principle: Principle
    because: str
    element: str | None = None  # component or operation it shaped

    @property
    def principle_name(self) -> str:
        return self.principle.value

    def tag(self) -> str:
        """`[CA strategic caching]`: the code `decisions:` writes, and the words."""
        return f"[{self.principle.name} {self.principle.value.lower()}]"

    def rationale(self) -> str:
        return f"{self.tag()} {self.choice}: {self.because}"


@dataclass
class CallSpec:
    """One call of a call tree (see model/operations.py for the semantics)."""

    target: str
    time: str | dict[str, object] | None = None
    p: str | None = None
    times: int | None = None
    timeout: str | None = None
    retries: dict[str, object] | None = None
    breaker: bool = False
    # what one breaker covers when not the whole edge: `endpoint` or `tenant`
    breaker_key: str | None = None
    on_failure: str | None = None
    fallback: str | None = None
    async_: bool = False
    idempotent: bool | None = None
    write: bool | None = None
    calls: list[CallSpec | OneOfSpec] = field(default_factory=list)
    rationale: str | None = None

    @property
    def component(self) -> str:
        return self.target.split(".")[0]

    @property
    def work(self) -> str:
        return self.target.split(".")[1]


@dataclass
class BranchSpec:
    p: str
    label: str
    calls: list[CallSpec | OneOfSpec]


@dataclass
class OneOfSpec:
    branches: list[BranchSpec]


@dataclass
class OpSpec:
    """An operation being drafted. `rate` is an average in requests per second."""

    id: str
    description: str
    pattern: str
    rate: Fraction | None = None
    rate_note: str | None = None
    consumes: str | None = None
    sync: bool = True
    # Work a timer starts (polls on a fixed period) arrives flat: written `arrivals: flat`,
    # so the lowering applies no peak factor to it (nor to the jobs it feeds).
    flat: bool = False
    # A peak the task states for this operation alone (a burst), written `peak:`: the
    # lowering sizes for it, not rate × peak factor.
    peak: Fraction | None = None
    peak_note: str | None = None
    critical: bool = False
    idempotency_key: str | None = None
    slo: dict[str, Fraction] = field(default_factory=dict)  # p50/p95/p99 → seconds
    slo_note: str | None = None
    calls: list[CallSpec | OneOfSpec] = field(default_factory=list)
    rationale: str | None = None
    reads: bool = True  # a read (lookup/range) rather than a write, for sizing
    keywords: tuple[str, ...] = ()  # words that tie latency targets in the task to it
    accept: dict[str, str] = field(default_factory=dict)  # review code → reason
    signature: dict[str, object] | None = None  # coding tasks: the method's typed signature


@dataclass
class CompSpec:
    """A component being drafted; `work` holds service times the catalog does not give."""

    id: str
    kind: str
    tech: str | None
    role: str
    replicas: int | None = None
    read_replicas: int = 0
    standby: int = 0  # hot standbys: availability, not capacity
    concurrency: int | None = None
    work: dict[str, str | dict[str, object]] = field(default_factory=dict)
    work_notes: dict[str, str] = field(default_factory=dict)
    state: list[str] = field(default_factory=list)
    stateful: bool | None = None
    recovery: str | None = None
    cache: dict[str, object] | None = None
    rationale: str | None = None
    notes: list[str] = field(default_factory=list)
    accept: dict[str, str] = field(default_factory=dict)  # review code → reason
    shed_load: bool = False  # rejects early (503) above its target utilization
    # `per_endpoint` / `per_tenant`: it fails one endpoint or tenant at a time
    failure_domain: str | None = None


@dataclass
class AccessSpec:
    id: str
    kind: str  # lookup / range / scan / search
    by: tuple[str, ...]
    order_by: str | None
    operation: str | None


@dataclass
class EntitySpec:
    """An entity being drafted. Fields use the YAML short forms (`str(64)`, `ref(User)`)."""

    id: str
    fields: dict[str, str | dict[str, object]]
    key: tuple[str, ...]
    stored_in: str | None = None
    relations: list[tuple[str, str, str | None]] = field(default_factory=list)
    states: tuple[str, ...] = ()
    transitions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    access: list[AccessSpec] = field(default_factory=list)
    indexes: list[tuple[tuple[str, ...], bool, str]] = field(default_factory=list)
    growth: Fraction | None = None  # rows per second
    growth_note: str | None = None  # where the growth comes from, when not the main write
    retention: str | None = None  # how long rows are kept (a duration)
    retention_note: str | None = None
    row_size: str | None = None
    row_size_note: str | None = None  # where the size comes from, when assumed or derived
    # Objects per main write, for one sized by it (a video's renditions: one per resolution)
    per_write: int = 1
    # Standing rows (a stock that does not grow with requests: adjacency lists, places,
    # buckets), so the storage table sizes the volume the drafter decided with.
    rows: Fraction | None = None
    note: str | None = None


@dataclass
class EventSpec:
    id: str
    hub: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    volume: Fraction
    rationale: str
    # Delayed redelivery of failed messages: {delay, max_deliveries, dead_letter}.
    redelivery: dict[str, object] | None = None
    # Consumers must act within seconds (a login code the user waits for).
    time_sensitive: bool = False
    accept: dict[str, str] = field(default_factory=dict)  # review code → reason


@dataclass
class AssumptionSpec:
    id: str
    statement: str
    source: str
    check: dict[str, str] | None = None
