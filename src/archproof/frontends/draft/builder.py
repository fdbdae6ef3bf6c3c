"""The mutable workspace building blocks fill: components by role, operations, entities,
events, decisions. `compose` creates one, runs the blocks, then decides with numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

from archproof.frontends.draft.classify import Classification
from archproof.frontends.draft.derive import Ledger, Load, average, stated_rate
from archproof.frontends.draft.entities import Template, add_access, make_entity, referenced
from archproof.frontends.draft.plan import (
    CallSpec,
    CompSpec,
    Decision,
    EntitySpec,
    EventSpec,
    OneOfSpec,
    OpSpec,
)
from archproof.frontends.draft.sizing import ROLE_KIND, rate_text, tech_for
from archproof.model import Principle
from archproof.numbers import sig

_RECOVERY: dict[str, str] = {
    "db": "point-in-time recovery: continuous WAL archiving and daily base backups; "
    "a standby is promoted on primary loss",
    "queue": "durable (quorum) queues: messages survive a broker restart; producers retry",
    "events": "replication factor 3; consumers resume from committed offsets",
    "blobs": "the object store keeps multiple copies; versioning protects from deletes",
    "cache": "none needed: a cold cache refills from the database",
}
_RATIONALE: dict[str, str] = {
    "lb": "spreads requests over the stateless API replicas and routes around a dead one",
    "api": "stateless request handlers: any replica serves any request, scale by adding replicas",
    "db": "the one primary store: every durable entity lives here (one place to back up, "
    "one source of truth)",
    "worker": "background jobs: slow work off the request path, retried from the queue",
    "blobs": "file bytes in an object store, not the database (cheap, durable, streamed)",
    "external": "third-party API: slow and failing outside our control, so every call is guarded",
}


class ConstraintLike(Protocol):
    """A constraint read from the task (`constraints.ConstraintSpec`)."""

    @property
    def kind(self) -> str: ...
    @property
    def statement(self) -> str: ...
    @property
    def within(self) -> Fraction | None: ...
    @property
    def rate(self) -> Fraction | None: ...
    @property
    def technology(self) -> str | None: ...
    def to_yaml(self) -> dict[str, object]: ...


@dataclass
class Ctx:
    """Everything the building blocks produce, plus the figures they read."""

    text: str
    classification: Classification
    load: Load
    ledger: Ledger
    comps: dict[str, CompSpec] = field(default_factory=dict)
    ops: list[OpSpec] = field(default_factory=list)
    entities: dict[str, EntitySpec] = field(default_factory=dict)
    events: list[EventSpec] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    use_cases: list[str] = field(default_factory=list)
    lookups: list[tuple[str, str]] = field(default_factory=list)  # (op id, entity) hot keys
    notify_sources: list[str] = field(default_factory=list)
    notify_share: dict[str, str] = field(default_factory=dict)  # source op → share notified
    primary_write: str | None = None
    # the operation whose rate grows the main entity, when not the primary write (a
    # scheduler's runs: a job is registered once, a run row is written every time it runs)
    growth_write: str | None = None
    # new rows of the main entity per main write, and why (a rollup gathers many events)
    rows_per_write: Fraction = Fraction(1)
    rows_per_write_note: str = ""
    primary_read: str | None = None
    event_rate: Fraction | None = None
    event_note: str = ""
    storage_total: str | None = None
    # The size of one uploaded file the media block sizes by (stated, else assumed once, in
    # `scaling.media_delivery`): its egress and its objects in storage read the same one.
    media_size: tuple[Fraction, str] | None = None
    # What one download returns of a file: all of it, or a video's segment (6 s of a
    # 10-minute video, when downloads are counted per segment), with how it was reached.
    download_share: tuple[Fraction, str] | None = None
    # how the total was made, when it is more than the storage decision's rows
    storage_total_note: str | None = None
    # The horizon storage was sized for when the task states no retention: written as the
    # design's retention so the capacity pass sizes the same years (issue 13, one source).
    sizing_retention_s: Fraction | None = None
    # Data whose volume is a standing stock, not growth (adjacency lists, a cache's hot
    # set): the block states it as (how, bytes) and decides where it lives itself.
    stock: tuple[str, Fraction] | None = None
    # Constraint kinds a block's own decision already answers (no generic decision then).
    handled: set[str] = field(default_factory=set)
    figures: list[tuple[str, str]] = field(default_factory=list)
    constraints: list[ConstraintLike] = field(default_factory=list)  # typed, from the task

    # ----------------------------------------------------------------- components

    def comp(self, role: str, cid: str | None = None, rationale: str | None = None) -> CompSpec:
        """The component playing `role` (created on first use, with the catalog's tech)."""
        cid = cid or role
        if cid in self.comps:
            return self.comps[cid]
        tech = tech_for(role)
        spec = CompSpec(
            id=cid,
            kind=ROLE_KIND[role],
            tech=tech,
            role=role,
            rationale=rationale or _RATIONALE.get(role),
            recovery=_RECOVERY.get(role),
        )
        self.comps[cid] = spec
        return spec

    def queue(self, cid: str, purpose: str) -> str:
        spec = self.comp("queue", cid, f"job queue: {purpose}")
        spec.notes.append("one queue per job type, all on the same broker")
        return spec.id

    def external(self, cid: str, what: str) -> str:
        return self.comp("external", cid, f"{what}: {_RATIONALE['external']}").id

    # ----------------------------------------------------------------- operations

    def op(self, spec: OpSpec) -> OpSpec:
        if any(o.id == spec.id for o in self.ops):
            return next(o for o in self.ops if o.id == spec.id)
        self.ops.append(spec)
        return spec

    def find_op(self, op_id: str | None) -> OpSpec | None:
        return next((o for o in self.ops if o.id == op_id), None)

    def front(self, work: str, calls: list[CallSpec | OneOfSpec]) -> list[CallSpec | OneOfSpec]:
        """A user request: load balancer → API (holding its worker) → `calls`."""
        self.comp("lb")
        self.comp("api")
        return [CallSpec("lb.route", calls=[CallSpec(f"api.{work}", calls=calls)])]

    def db(self, work: str, rationale: str | None = None, **kw: object) -> CallSpec:
        self.comp("db")
        call = CallSpec(f"db.{work}", rationale=rationale)
        for key, value in kw.items():
            setattr(call, key, value)
        return call

    def enqueue(self, queue: str, rationale: str, **kw: object) -> CallSpec:
        call = CallSpec(f"{queue}.enqueue", async_=True, rationale=rationale)
        for key, value in kw.items():
            setattr(call, key, value)
        return call

    def job(
        self,
        op_id: str,
        queue: str,
        work: str,
        calls: list[CallSpec | OneOfSpec],
        *,
        description: str,
        pattern: str,
        idempotency_key: str,
        rationale: str | None = None,
    ) -> OpSpec:
        self.comp("worker")
        return self.op(
            OpSpec(
                id=op_id,
                description=description,
                pattern=pattern,
                consumes=queue,
                sync=False,
                idempotency_key=idempotency_key,
                calls=[CallSpec(f"worker.{work}", calls=calls)],
                rationale=rationale,
                reads=False,
            )
        )

    def api_call(self, op_id: str) -> CallSpec | None:
        """The API (or gateway) call inside a front-door operation, to add steps to it."""
        op = self.find_op(op_id)
        if op is None:
            return None
        for item in op.calls:
            if isinstance(item, CallSpec):
                for inner in item.calls:
                    if isinstance(inner, CallSpec) and inner.component in ("api", "gateway"):
                        return inner
                if item.component in ("api", "gateway", "worker"):
                    return item
        return None

    # ----------------------------------------------------------------- data

    def entity(self, name: str, template: Template | None = None) -> EntitySpec:
        """The entity `name` (made from `template`, else its own or a generic one)."""
        if name not in self.entities:
            self.comp("db")
            spec = make_entity(name, "db", template)
            self.entities[name] = spec
            for other in referenced(spec):
                self.entity(other)
        return self.entities[name]

    def access(
        self,
        entity: str,
        pattern_id: str,
        kind: str,
        by: tuple[str, ...],
        order_by: str | None,
        op: str | None,
    ) -> None:
        add_access(self.entity(entity), pattern_id, kind, by, order_by, op)

    # ----------------------------------------------------------------- rates

    def rate(
        self,
        subjects: frozenset[str],
        roles: tuple[str, ...],
        fallback: Fraction | Callable[[], Fraction],
        name: str,
        rule: str,
        aid: str,
        question: str | None = None,
    ) -> tuple[Fraction, str]:
        """An operation's average rate: from the task if it says, else `fallback` (assumed).
        Returns the rate and a note saying where it came from."""
        fig = self.load.rate_for(subjects, roles)
        if fig is not None:
            value = average(fig, self.load.peak_factor)
            self.ledger.extracted(name, stated_rate(fig), fig.quote)
            note = f'from the task: "{fig.quote}"'
            if fig.peak:
                note += f" ÷ peak factor {sig(float(self.load.peak_factor))}"
            return value, note
        value = fallback() if callable(fallback) else fallback
        value = value if value > 0 else Fraction(1, 86_400)
        self.ledger.assumed(name, rate_text(value), rule, aid, question)
        return value, f"assumed: {rule}"

    def dau(self) -> Fraction:
        """Daily active users, from the task or assumed (recorded once)."""
        if self.load.dau is None:
            self.load.dau = Fraction(10_000)
            self.ledger.assumed(
                "daily active users",
                "10k",
                "a small product when the task gives no user count",
                "dau",
                "How many daily active users? (assumed 10k)",
            )
        return self.load.dau

    # ----------------------------------------------------------------- decisions

    def decide(
        self,
        did: str,
        title: str,
        choice: str,
        principle: Principle,
        because: str,
        element: str | None = None,
    ) -> Decision:
        decision = Decision(did, title, choice, principle, because, element)
        self.decisions = [d for d in self.decisions if d.id != did]
        self.decisions.append(decision)
        return decision

    def constrained(self, kind: str) -> ConstraintLike | None:
        """The task's constraint of this kind (`storage_scale`, `freshness`, …), if any."""
        return next((c for c in self.constraints if c.kind == kind), None)

    def mentions(self, regex: str) -> bool:
        return re.search(regex, self.text, re.IGNORECASE) is not None
