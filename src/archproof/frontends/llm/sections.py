"""The sections a model drafts, one request each, in the framework's order.

Each section is a small pydantic wrapper over the real model's classes (`Component`,
`Operation`, `Entity`, `Decision`...): its JSON Schema is what the request constrains the
reply to, and `parse` validates a reply with the same classes the YAML loader uses. A
reply is data: `json.loads`, then pydantic; nothing in it is evaluated. What passes is
dumped back in the model's own JSON form (units as text: `1.5k/s`, `2ms`), which becomes
the YAML the loader reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from archproof.model import Component, Decision, Entity, Operation
from archproof.model.events import Event, Observability, Scenario
from archproof.model.questions import PLACEHOLDERS, QUESTIONS
from archproof.model.requirements import Requirements

MAX_REPLY_CHARS = 400_000  # a section's JSON; more is refused before parsing


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RequirementsReply(_Section):
    name: str = Field(description="Short kebab-case name of the system (url-shortener).")
    requirements: Requirements


class ComponentsReply(_Section):
    components: tuple[Component, ...]


class OperationsReply(_Section):
    operations: tuple[Operation, ...]


class EntitiesReply(_Section):
    entities: tuple[Entity, ...]
    events: tuple[Event, ...] = ()


class FailureReply(_Section):
    operations: tuple[Operation, ...] = Field(
        description="Every operation again, with timeouts, retries, breakers, on_failure, "
        "idempotency keys and critical flags added."
    )
    observability: Observability
    scenarios: tuple[Scenario, ...] = ()


class DecisionsReply(_Section):
    decisions: tuple[Decision, ...]
    accept: dict[str, str] = Field(
        default_factory=dict,
        description="Design-wide accepted review findings: rule code → the reason, with its "
        "figure. Only for a finding the design deliberately keeps.",
    )


# One optional field per question, written with its id (`Q1.1`) as the JSON key.
_ANSWER_FIELDS: dict[str, Any] = {
    q.id.replace(".", "_"): (str | None, Field(default=None, alias=q.id, description=q.text))
    for q in QUESTIONS
}
AnswerSet = create_model("AnswerSet", __base__=_Section, **_ANSWER_FIELDS)


class AnswersReply(_Section):
    answers: AnswerSet


@dataclass(frozen=True)
class Section:
    """One request of the session: what it asks, its schema, and the keys it writes."""

    id: str
    title: str
    ask: str
    reply: type[_Section]
    writes: tuple[str, ...]  # top-level design keys this section's reply sets

    def schema(self) -> dict[str, Any]:
        return _clean(self.reply.model_json_schema(mode="validation", by_alias=True))

    def parse(self, text: str) -> dict[str, Any]:
        """A reply's JSON → the design fragment it writes; `ReplyError` says what is wrong."""
        if len(text) > MAX_REPLY_CHARS:
            raise ReplyError(f"the reply is {len(text):,} characters; a section is far smaller")
        data = _lenient(self.reply, _json(text))
        try:
            parsed = self.reply.model_validate(data)
        except ValidationError as exc:
            raise ReplyError(_validation(exc)) from None
        dumped = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return _fragment(self.id, dumped)


class ReplyError(Exception):
    """A reply that is not the section's JSON: the message goes back to the model."""


_PLACEHOLDER_HELP = ", ".join(
    f"{{{{{name}:<{kind} id>}}}}" if kind else f"{{{{{name}}}}}"
    for name, kind in PLACEHOLDERS.items()
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "requirements",
        "requirements",
        "Write the requirements: use cases, load (users, daily active users, peak_factor, "
        "growth), data volume and retention, SLOs, constraints, and assumptions. Use every "
        "number the task states (listed above) where it belongs; each figure you add that "
        "the task does not state is an assumption with its source.",
        RequirementsReply,
        ("meta", "requirements"),
    ),
    Section(
        "components",
        "components",
        "List the components: kind, a catalog `tech`, replicas, read_replicas, standby, "
        "concurrency, per-work service times (`work: {read: 2ms}`) where the catalog has "
        "none, state held and recovery, and a rationale. Prefer stateless services and few "
        "stateful components; size replicas for the peak load; a stateful store that must "
        "survive one node keeps a hot `standby` (availability, not capacity).",
        ComponentsReply,
        ("components",),
    ),
    Section(
        "operations",
        "operations and call trees",
        "List the operations users and jobs perform: average `rate` (the task's figures), "
        "sync or background, SLO (p95/p99), and the call tree: which component does which "
        "work (`component.work`), with cache hit/miss as `one_of` branches and background "
        "work handed off with `async: true` to a queue consumed by a worker operation.",
        OperationsReply,
        ("operations",),
    ),
    Section(
        "entities",
        "entities and access patterns",
        "List the entities: fields with types, key, relations, lifecycle states and "
        "transitions, where each is stored (a component id), rows and growth, access "
        "patterns (lookup/range by fields, the operation that uses it) and the indexes "
        "that serve them; and events if the design publishes any.",
        EntitiesReply,
        ("entities", "events"),
    ),
    Section(
        "failure",
        "failure handling and observability",
        "Return every operation again, unchanged in rate and calls, with failure handling "
        "added: a timeout on every synchronous call to another component, retries with "
        "backoff and jitter only where the call is idempotent, circuit breakers on remote "
        "dependencies, explicit on_failure (fail_open with a fallback, or fail_closed), "
        "idempotency keys and `critical` on money/auth operations. Add observability (p95/"
        "p99 latency metrics, error logs, SLO alerts, tracing) and fault scenarios.",
        FailureReply,
        ("operations", "observability", "scenarios"),
    ),
    Section(
        "decisions",
        "decisions",
        "List the key decisions: the choice, the reason, the principle it follows (ST, DB, "
        "OP, CA, EV, OB, FH), the components it concerns, and alternatives not taken.",
        DecisionsReply,
        ("decisions", "accept"),
    ),
    Section(
        "answers",
        "answers to the 24 questions",
        "Answer the design questions briefly. Never write a computed figure yourself: cite "
        "it by placeholder and archproof fills it from its analysis. Placeholders: "
        + _PLACEHOLDER_HELP
        + ". Leave out a question you cannot answer from the design.",
        AnswersReply,
        ("answers",),
    ),
)
SECTION_IDS = tuple(s.id for s in SECTIONS)


def section(section_id: str) -> Section:
    return next(s for s in SECTIONS if s.id == section_id)


# --------------------------------------------------------------------------- helpers


def _json(text: str) -> Any:
    stripped = text.strip()
    if stripped.startswith("```"):  # a fenced block from a model that ignored the schema
        stripped = stripped.strip("`").removeprefix("json").strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        if not stripped:
            raise ReplyError("the reply is empty; a JSON object was expected") from None
        raise ReplyError(
            f"the reply is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise ReplyError("the reply nests too deeply to be a design section") from None


def _lenient(reply: type[_Section], data: Any) -> Any:
    """Two shapes models write instead of the schema's, taken as what they mean: a section
    keyed by id as in the YAML (`{"components": {"api": {...}}}`), and a bare list for a
    section with one list (`[{...}]` for the components). Anything else is left to the
    validation, which explains it."""
    lists = [name for name in reply.model_fields if name in _KEYED or name == "decisions"]
    if isinstance(data, list) and len(lists) == 1:
        data = {lists[0]: data}
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name in _KEYED:
        value = out.get(name)
        keyed = isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())
        if name in reply.model_fields and keyed:
            assert isinstance(value, dict)
            out[name] = [{"id": key, **body} for key, body in value.items()]
    return out


def _validation(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_url=False)[:12]:
        where = ".".join(str(part) for part in error["loc"]) or "(top)"
        lines.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(lines)
    tail = f"\n(and {more} more)" if more > 0 else ""
    return "the reply does not match the section's schema:\n" + "\n".join(lines) + tail


_KEYED = ("components", "operations", "entities", "events", "scenarios")


def _fragment(section_id: str, dumped: dict[str, Any]) -> dict[str, Any]:
    """The design keys a validated reply sets, in the YAML form (`components: {id: ...}`)."""
    out: dict[str, Any] = {}
    if section_id == "requirements":
        out["meta"] = {"name": dumped["name"]}
        out["requirements"] = dumped.get("requirements", {})
        return out
    if section_id == "answers":
        answers = dumped.get("answers", {})
        out["answers"] = {k: v for k, v in answers.items() if isinstance(v, str) and v.strip()}
        return out
    for key, value in dumped.items():
        out[key] = _keyed(value) if key in _KEYED else value
    return out


def _keyed(items: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """`[{id: api, ...}]` → `{api: {...}}`; duplicate ids stay a list so the loader
    reports them (AP020) instead of one silently replacing the other."""
    ids = [item.get("id") for item in items]
    if len(set(ids)) != len(ids):
        return items
    return {str(item["id"]): {k: v for k, v in item.items() if k != "id"} for item in items}


def _clean(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without what a reply never writes (`span`) or needs (titles)."""
    defs = schema.get("$defs", {})
    defs.pop("Span", None)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                props.pop("span", None)
            for key in [k for k, v in node.items() if k == "title" and isinstance(v, str)]:
                del node[key]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        return node

    return walk(schema)  # type: ignore[no-any-return]
