"""Operations and their call trees.

An operation's `calls` are made one after another by the client (tandem: each
step releases the previous component). Calls nested under a call are made by that
component *while it holds its worker* (a synchronous callee keeps the caller busy),
which is how thread-pool exhaustion and cascading failures show up.

Short forms in YAML, for each item of a `calls:` list:

    - api.handle                    # component.work, time from the component/catalog
    - db.read: 2ms                  # with a service time
    - db.read: {timeout: 50ms, retries: 2, calls: [...]}   # with settings
    - call: db.read                 # long form
    - one_of:                       # exclusive branches (cache hit / miss)
        - {p: 90%, calls: [cache.get]}
        - {p: 10%, calls: [cache.get, db.read, cache.set]}
    - parallel:                     # independent calls made at once (fork-join)
        - profile.get
        - {call: orders.list, timeout: 200ms}

A `parallel` group may stand wherever a call list is (an operation's `calls`, a call's
nested `calls`, a `one_of` branch); its members are calls or `one_of`s. The caller waits
for the slowest member (latency = max), every member is made (load = the sum).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from archproof.model.base import Node, located
from archproof.model.common import Breaker, Distribution, RateLimit, Retry, below_hundred
from archproof.model.frozen import FrozenDict
from archproof.model.signatures import Signature
from archproof.units import MAX_CALL_TIMES, Duration, Percent, Rate, parse_percent

# Work names that imply a side effect, when `write` is not given explicitly.
WRITE_WORDS = frozenset(
    {
        "write",
        "insert",
        "update",
        "delete",
        "put",
        "set",
        "create",
        "charge",
        "capture",
        "refund",
        "send",
        "publish",
        "enqueue",
        "upload",
        "transfer",
        "debit",
        "credit",
        "store",
        "save",
    }
)


# One regex instead of a loop over the words: this is hot in capacity analysis.
_WRITE_PATTERN = re.compile("|".join(sorted(WRITE_WORDS)))


# The range in the JSON Schema (for editors and agents; numeric keywords ignore the string
# form). The loader checks it with its own located message (AP023), so not as a Field bound.
_PROBABILITY_RANGE: dict[str, Any] = {"minimum": 0, "maximum": 1}


def _probability(value: Any) -> Any:
    """Probabilities are written as `0.9` or `90%`; both become an exact Fraction."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return parse_percent(value).fraction
    if isinstance(value, float):
        if not math.isfinite(value):  # `p: 1e400` reads as inf: say so, not Fraction's words
            got = "not a number (.nan)" if math.isnan(value) else "one too large to read"
            raise ValueError(f"a probability is a number from 0 to 1, got {got}")
        return Fraction(str(value))
    return value


_FALLBACK_OWN = frozenset({"serve", "call", "default", "drop", "description", "span"})


class Fallback(Node):
    """What a caller does when a fail-open call fails (timeout, breaker open, callee down).

    Short forms in YAML, under a call's `fallback:`:

        fallback: build the page from the database     # free text: a description only
        fallback: {serve: stale}                        # serve the copy the caller holds
        fallback: {call: db.read, time: 20ms, timeout: 300ms}   # call another component
        fallback: {default: true}                       # return a default value, no work
        fallback: {drop: true}                          # drop the result (count it)

    `call` takes any call's settings beside it (`time`, `timeout`, `retries`, `breaker`,
    `on_failure`, nested `calls`); the fallback call is made by the same caller, after the
    primary's last attempt failed, and is fail-closed unless it says otherwise. At most one
    action; `description` may go with any of them.
    """

    serve: Literal["stale"] | None = Field(
        default=None, description="`stale`: serve the copy the caller already holds (no call)."
    )
    call: CallNode | None = Field(
        default=None,
        description="The call made instead (its own time, timeout and policy, like any call).",
    )
    default: bool = Field(default=False, description="Return a default value (no work).")
    drop: bool = Field(default=False, description="Drop the result and continue (no work).")
    description: str | None = Field(default=None, description="What the fallback means.")

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return located(data, {"description": data})
        if isinstance(data, dict) and isinstance(data.get("call"), str):
            # `{call: db.read, timeout: 50ms}`: the call's settings sit beside it
            own = {k: v for k, v in data.items() if k in _FALLBACK_OWN and k != "call"}
            settings = {k: v for k, v in data.items() if k not in _FALLBACK_OWN}
            return located(data, {**own, "call": located(data, {"call": data["call"], **settings})})
        return data

    @model_validator(mode="after")
    def _one_action(self) -> Fallback:
        chosen = [a for a in ("serve", "call", "default", "drop") if getattr(self, a)]
        if len(chosen) > 1:
            raise ValueError(f"a fallback does one thing, got {' and '.join(chosen)}")
        if not chosen and self.description is None:
            raise ValueError(
                "an empty fallback: give `serve: stale`, `call: ...`, `default: true`, "
                "`drop: true` or a description"
            )
        return self

    @property
    def action(self) -> Literal["serve_stale", "call", "default", "drop"] | None:
        """The typed action, None for a description only."""
        if self.serve is not None:
            return "serve_stale"
        if self.call is not None:
            return "call"
        if self.default:
            return "default"
        if self.drop:
            return "drop"
        return None

    def __str__(self) -> str:
        what = {
            "serve_stale": "serve stale",
            "call": f"call {self.call.call}" if self.call is not None else "",
            "default": "return a default",
            "drop": "drop",
            None: "",
        }[self.action]
        if self.description and what:
            return f"{what}: {self.description}"
        return self.description or what


class CallNode(Node):
    """One call in a call tree: which component does which work, and how it is guarded."""

    call: str = Field(description="Target as `component.work` (e.g. `db.read`).")
    time: Distribution | None = Field(
        default=None, description="Service time of this call; default: the component's work."
    )
    p: Fraction = Field(
        default=Fraction(1),
        description="Probability this call happens (0..1 or a percentage).",
        json_schema_extra=_PROBABILITY_RANGE,
    )
    times: int = Field(
        default=1,
        ge=1,
        le=MAX_CALL_TIMES,
        description="How many times the call is made in a loop (N+1 pattern).",
    )
    timeout: Duration | None = Field(default=None, description="Caller gives up after this.")
    retries: Retry | None = Field(default=None, description="Retries after failure or timeout.")
    breaker: Breaker | None = Field(default=None, description="Circuit breaker on this edge.")
    on_failure: Literal["fail_open", "fail_closed"] | None = Field(
        default=None,
        description="fail_open: the caller continues without it; fail_closed: the caller fails.",
    )
    fallback: Fallback | None = Field(
        default=None,
        description="What the caller does instead when the call fails open: a typed action "
        "(`{serve: stale}`, `{call: db.read, ...}`, `{default: true}`, `{drop: true}`) or "
        "free text (a description only; nothing is simulated).",
    )
    async_: bool = Field(
        default=False,
        alias="async",
        description="Hand-off: enqueue on a queue component and return without waiting.",
    )
    idempotent: bool | None = Field(
        default=None, description="Safe to repeat (idempotency key or naturally idempotent)."
    )
    write: bool | None = Field(
        default=None, description="Has a side effect; default inferred from the work name."
    )
    consistency: Literal["primary", "replica", "read_your_writes"] | None = Field(
        default=None,
        description="Which copy a read goes to: `primary`, any `replica` (may lag), or "
        "`read_your_writes` (a copy that has the caller's own writes). None on a store with "
        "read replicas: `replica`. Reads only.",
    )
    update: (
        Literal["read_modify_write", "atomic", "conditional", "locked", "serializable"] | None
    ) = Field(
        default=None,
        description="How a write that changes existing rows is guarded: `read_modify_write` "
        "(read, change in the app, write back unguarded: lost updates), `atomic` (one "
        "statement, `SET n = n - 1`), `conditional` (compare-and-set / version column), "
        "`locked` (`SELECT ... FOR UPDATE`), `serializable` (isolation level). Writes only.",
    )
    calls: tuple[CallItem, ...] = Field(
        default=(), description="Calls this component makes while holding its worker."
    )
    rationale: str | None = Field(default=None, description="Why the call is shaped this way.")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return located(data, {"call": data})
        if isinstance(data, dict) and len(data) == 1 and "call" not in data:
            ((target, value),) = data.items()
            if isinstance(value, str):
                return located(data, {"call": target, "time": value})
            if isinstance(value, dict):
                return located(data, {"call": target, **value})
            if value is None:
                return located(data, {"call": target})
        return data

    _p = field_validator("p", mode="before")(_probability)

    @field_validator("call")
    @classmethod
    def _target(cls, value: str) -> str:
        parts = value.split(".")
        if len(parts) != 2 or not all(parts):
            raise ValueError(f"call target '{value}' must be 'component.work', e.g. 'db.read'")
        return value

    @cached_property
    def component(self) -> str:
        return self.call.split(".")[0]

    @cached_property
    def work(self) -> str:
        return self.call.split(".")[1]

    @cached_property
    def is_write(self) -> bool:
        if self.write is not None:
            return self.write
        return _WRITE_PATTERN.search(self.work.lower()) is not None


class Branch(Node):
    """One alternative of a `one_of`: taken with probability `p`."""

    p: Fraction = Field(
        description="Probability of this branch (0..1 or a percentage).",
        json_schema_extra=_PROBABILITY_RANGE,
    )
    label: str | None = Field(default=None, description="Name of the branch (hit, miss).")
    calls: tuple[CallItem, ...] = Field(default=(), description="Calls made on this branch.")

    _p = field_validator("p", mode="before")(_probability)


class OneOf(Node):
    """Exclusive branches; probabilities sum to at most 1 (the rest: nothing happens)."""

    one_of: tuple[Branch, ...] = Field(min_length=1, description="The alternatives.")


def _call_item_tag(data: Any) -> str:
    if isinstance(data, dict) and "one_of" in data:
        return "one_of"
    if isinstance(data, dict) and "parallel" in data:
        return "parallel"
    if isinstance(data, OneOf):
        return "one_of"
    if isinstance(data, Parallel):
        return "parallel"
    return "call"


# A member of a parallel group: a call or a one_of (a parallel directly inside a parallel
# is the same group, so it is not a member; one inside a member's nested calls is fine).
ParallelMember = Annotated[
    Annotated[CallNode, Tag("call")] | Annotated[OneOf, Tag("one_of")],
    Discriminator(_call_item_tag),
]


class Parallel(Node):
    """Independent calls made at once: the caller waits for all of them (fork-join).

    Latency is the slowest member's (the max, not the sum); load is the sum (every member
    is made). A member that fails or times out fails the group unless it is `fail_open`.
    """

    parallel: tuple[ParallelMember, ...] = Field(
        min_length=1, description="The calls made at once (calls or one_of)."
    )


CallItem = Annotated[
    Annotated[CallNode, Tag("call")]
    | Annotated[OneOf, Tag("one_of")]
    | Annotated[Parallel, Tag("parallel")],
    Discriminator(_call_item_tag),
]


class OperationSlo(Node):
    """Latency and availability objectives of one operation."""

    p50: Duration | None = Field(default=None, description="Median latency target.")
    p95: Duration | None = Field(default=None, description="95th percentile latency target.")
    p99: Duration | None = Field(default=None, description="99th percentile latency target.")
    availability: Percent | None = Field(default=None, description="Success-rate target.")

    _below_hundred = field_validator("availability")(below_hundred)

    @field_validator("p50", "p95", "p99")
    @classmethod
    def _above_zero(cls, value: Duration | None) -> Duration | None:
        # 0 ms can never be met, and a target is divided by (its share of the budget)
        if value is not None and value.seconds <= 0:
            raise ValueError("a latency target must be above zero: no request takes no time")
        return value


class Operation(Node):
    """Something users or jobs do, with its rate, SLO and call tree."""

    id: str = Field(description="Identifier, the key under `operations:`.")
    description: str | None = Field(default=None, description="What the operation does.")
    rate: Rate | None = Field(default=None, description="Average arrival rate.")
    share: Percent | None = Field(
        default=None, description="Share of `requirements.load.requests` (instead of a rate)."
    )
    arrivals: Literal["diurnal", "flat"] = Field(
        default="diurnal",
        description="How the operation's requests arrive over a day: `diurnal` (people's "
        "rhythm: the peak is the rate × `requirements.load.peak_factor`) or `flat` (work a "
        "timer starts, such as polls on a fixed period: it arrives at its average rate all "
        "day, so no peak factor applies).",
    )
    peak: Rate | None = Field(
        default=None,
        description="The peak arrival rate the task states for this operation alone (a "
        "burst: '80% of the readings land in the first 2 minutes of each quarter hour'): the "
        "design is sized for it instead of the rate × `requirements.load.peak_factor` (or the "
        "rate, when `arrivals` is flat).",
    )
    consumes: str | None = Field(
        default=None,
        description="Queue component whose messages start this operation (a worker job).",
    )
    sync: bool = Field(
        default=True,
        description="User-facing request/response (true) or background (false). Default: "
        "false for an operation that `consumes` a queue (a job), true otherwise.",
    )
    critical: bool = Field(
        default=False, description="Money, auth or data-loss critical: fail closed, log, key."
    )
    idempotency_key: str | None = Field(
        default=None, description="What makes a retried request safe (e.g. a client key)."
    )
    publish: Literal["direct", "outbox", "cdc"] | None = Field(
        default=None,
        description="How an operation that writes a store of record and publishes (an async "
        "call to a queue / event hub) keeps the two in agreement: `direct` (dual write: "
        "either can fail alone), `outbox` (a transactional outbox table relayed to the hub), "
        "`cdc` (change data capture from the store's log). None on such an operation: "
        "`direct`.",
    )
    read_your_writes: bool = Field(
        default=False,
        description="The caller must see its own earlier writes (a profile page after 'save').",
    )
    rate_limit: RateLimit | None = Field(
        default=None,
        description="Per-operation quota (`100/s` or {rate, per, over}); arrivals above it "
        "are rejected, so the pools behind it see at most the limit.",
    )
    slo: OperationSlo | None = Field(default=None, description="Latency/availability targets.")
    calls: tuple[CallItem, ...] = Field(
        default=(), description="Steps made in sequence; nested calls hold the caller."
    )
    rationale: str | None = Field(default=None, description="Why the operation is shaped so.")
    signature: Signature | None = Field(
        default=None,
        description="Coding tasks: the method's typed signature, `get(key: K) -> V | None`.",
    )
    accept: FrozenDict[str, str] = Field(
        default_factory=FrozenDict, description="Accepted review findings: code → reason."
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("consumes") is not None and "sync" not in data:
            # a job started by a queue's messages answers no user: background unless said
            return located(data, {**data, "sync": False})
        return data


Fallback.model_rebuild()
CallNode.model_rebuild()
Branch.model_rebuild()
Parallel.model_rebuild()
