"""Every AP code archproof reports about its input, documented in one place.

Loader and model errors (AP0xx) are not review rules (they stop the run instead of
producing findings), but they get the same pages: `archproof rules explain AP012` prints a
code's summary, What it checks, Example (a design that triggers it; a test loads each one)
and Use instead. Codes are never reused: a code taken out of service moves to `RETIRED`
with the reason, and a test fails if a retired code is registered again or still emitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class InputCode:
    """One AP code: what the loader (or the review engine) reports, and how to fix it."""

    code: str
    name: str
    summary: str
    checks: str
    example: str | None  # a design that triggers the code; None: it needs a file, see `checks`
    fix: str
    stage: Literal["load", "review"] = "load"

    @property
    def sections(self) -> dict[str, str]:
        """The rule-page sections `archproof rules explain` prints."""
        out = {"What it checks": self.checks}
        if self.example is not None:
            out["Example"] = self.example.strip("\n")
        out["Use instead"] = self.fix
        return out


_M = "meta: {name: t}\n"

CODES: tuple[InputCode, ...] = (
    InputCode(
        "AP000",
        "unreadable-file",
        "The design file cannot be read.",
        "The path names no file, a directory, or a file the OS refuses to read.",
        None,
        "Pass the path of a readable design file (`archproof check examples/*.yaml`).",
    ),
    InputCode(
        "AP001",
        "invalid-yaml",
        "The file is not valid (safe) YAML.",
        "The YAML parser's error, at its line: bad indentation, tabs, unclosed brackets, "
        "and tags such as !!python/object (designs are data, never code).",
        _M + "components: {api: {kind: service}\n",
        "Fix the YAML at the reported place; use plain mappings, lists and scalars only.",
    ),
    InputCode(
        "AP002",
        "not-a-design",
        "The document is empty or not a mapping.",
        "A design is one YAML mapping with a `meta:` key; an empty file, a list or a scalar "
        "at the top level is not.",
        "- api\n- db\n",
        "Start from an example in examples/ (`meta: {name: ...}` first).",
    ),
    InputCode(
        "AP003",
        "file-too-large",
        "The file is larger than the 5 MB limit.",
        "Designs are hand-written; a huge file is refused before it is read into memory.",
        None,
        "Split the design or remove generated content.",
    ),
    InputCode(
        "AP004",
        "binary-file",
        "The file is binary or not UTF-8.",
        "A file with NUL bytes or bytes that are not UTF-8 is not a design.",
        None,
        "Save the design as UTF-8 text.",
    ),
    InputCode(
        "AP005",
        "document-too-deep",
        "Aliases or nesting beyond the safety limits.",
        "Recursive aliases, alias expansion past 200,000 nodes ('billion laughs') and "
        "nesting deeper than 100 levels are refused.",
        _M + "answers: &a [*a]\n",
        "Write the structure out plainly; designs need neither deep nesting nor alias tricks.",
    ),
    InputCode(
        "AP006",
        "control-character",
        "Text with a control character (terminal escape, bell, direction override).",
        "Design text is shown in terminals and reports; characters that act instead of "
        "showing (C0/C1 controls but tab and newline, DEL, bidirectional overrides) are "
        'refused. YAML lets them in only through escapes in double quotes ("\\e[31m").',
        _M + 'components:\n  api: {kind: service, rationale: "\\e[2Jgone"}\n',
        "Remove the character; write plain text.",
    ),
    InputCode(
        "AP010",
        "unknown-key",
        "A key the model does not know (with 'did you mean').",
        "Every element forbids keys it does not declare, so a typo is an error, "
        "not a silently ignored setting.",
        _M + "components:\n  api: {kind: service, replica: 2}\n",
        "Use the key the hint suggests; `archproof describe component` lists the keys.",
    ),
    InputCode(
        "AP011",
        "missing-key",
        "A required key is missing.",
        "Keys without a default (a component's `kind`, `meta.name`, a fault's factor...) "
        "must be given.",
        _M + "components:\n  api: {tech: stateless-service}\n",
        "Add the key; `archproof describe KIND` shows which keys are required.",
    ),
    InputCode(
        "AP012",
        "wrong-type",
        "A value of the wrong type (a list for a number, ...).",
        "Each key has a type; a mapping key must be text.",
        _M + "components:\n  api: {kind: service, replicas: many}\n",
        "Write the value with the type `archproof describe` gives (e.g. `replicas: 3`).",
    ),
    InputCode(
        "AP013",
        "bad-unit",
        "A quantity with a missing, unknown or negative unit.",
        "Durations, rates, sizes and percentages are parsed exactly with their unit "
        "(`3ms`, `1.5k/s`, `2TB`, `99.95%`); a bare number or an unknown unit is refused.",
        _M + "components:\n  api: {kind: service, replicas: 2, concurrency: 8}\n"
        "operations:\n  get: {rate: 1/s, calls: [{call: api.handle, timeout: 3}]}\n",
        "Write the unit: `timeout: 3ms`.",
    ),
    InputCode(
        "AP014",
        "invalid-choice",
        "A value outside its fixed set of choices.",
        "Kinds, field types, distribution shapes and other enumerations accept only their "
        "listed values.",
        _M + "components:\n  db: {kind: databse}\n",
        "Use one of the listed values (the hint names the closest).",
    ),
    InputCode(
        "AP015",
        "invalid-value",
        "A value the model's own rules reject.",
        "Invariants a type cannot express: lognormal p99 above p50, an availability given "
        "two ways, an enum field without values, an assumption check without a bound, "
        "`consistency` on a write or `update` on a read, a log field that is not "
        "`entity.field`, an event dead-lettering onto its own hub, a zero rate limit, a "
        "fault that loses more instances than its component has.",
        _M + "components:\n  db:\n    kind: database\n"
        "    work: {read: {lognormal: {p50: 10ms, p99: 5ms}}}\n",
        "Follow the message: e.g. give a p99 larger than the p50.",
    ),
    InputCode(
        "AP020",
        "duplicate-id",
        "The same id or key is given twice.",
        "Duplicate YAML keys, assumption ids and access-pattern ids would silently shadow "
        "each other.",
        _M + "components:\n  api: {kind: service}\n  api: {kind: worker}\n",
        "Rename or merge the duplicates.",
    ),
    InputCode(
        "AP021",
        "dangling-reference",
        "A reference to something the design does not define.",
        "Calls, `consumes`, `stored_in`, relations, field refs, keys, partition keys, "
        "indexes, access patterns, states, events, dead-letter targets, observability (log "
        "`fields` as `entity.field`) and faults must name existing elements. "
        "Also checked by `archproof.run()` on a design built with `Design.model_validate`.",
        _M + "components:\n  api: {kind: service, tech: stateless-service}\n"
        "operations:\n  get: {rate: 1/s, calls: [api.handle, dbs.read]}\n",
        "Name an element the design defines (the hint suggests the closest).",
    ),
    InputCode(
        "AP022",
        "cycle",
        "A call cycle or a message loop.",
        "A component waiting on itself deadlocks under load; operations that feed each "
        "other's queues loop forever.",
        _M + "components:\n  a: {kind: service, tech: stateless-service}\n"
        "  b: {kind: service, tech: stateless-service}\n"
        "operations:\n  get:\n    rate: 1/s\n    calls:\n"
        "      - a.handle: {calls: [{b.handle: {calls: [a.handle]}}]}\n",
        "Break the cycle: hand the work to a queue, or restructure the calls. To retry a "
        "failed message, don't re-enqueue it from its consumer: write `redelivery: {delay: "
        "30s, max_deliveries: 5, dead_letter: dlq}` on its event (delayed re-queue, bounded, "
        "then a dead-letter queue), which is not a loop.",
    ),
    InputCode(
        "AP023",
        "probability-out-of-range",
        "A probability outside [0, 1].",
        "A call's `p` and a one_of branch's `p` are probabilities.",
        _M + "components:\n  api: {kind: service, tech: stateless-service}\n"
        "operations:\n  get: {rate: 1/s, calls: [{api.handle: {p: 1.5}}]}\n",
        "Give a probability between 0 and 1 (`p: 90%`).",
    ),
    InputCode(
        "AP024",
        "branches-over-one",
        "one_of branch probabilities sum to more than 1.",
        "The branches of a one_of are exclusive; the remainder (1 - sum) means no call.",
        _M + "components:\n  api: {kind: service, tech: stateless-service}\n"
        "operations:\n  get:\n    rate: 1/s\n    calls:\n      - one_of:\n"
        "          - {p: 0.7, calls: [api.handle]}\n          - {p: 0.6, calls: [api.handle]}\n",
        "Make the branch probabilities sum to at most 1.",
    ),
    InputCode(
        "AP025",
        "impossible-number",
        "A number outside its documented range (zero replicas, 10^43 replicas, ...).",
        "Replicas, windows, timeouts and rates have lower bounds (zero replicas or a zero "
        "rate cannot be served or measured) and generous upper bounds, far beyond any real "
        "system, that keep the math finite: `archproof describe` lists them.",
        _M + "components:\n  api: {kind: service, replicas: 0}\n",
        "Give a number within the bound the message states.",
    ),
    InputCode(
        "AP026",
        "timeout-below-service-time",
        "A timeout shorter than the fastest service.",
        "A timeout below the callee's fastest possible service time makes every call time out.",
        _M + "components:\n  api: {kind: service, tech: stateless-service}\n"
        "  db: {kind: database, tech: postgresql, work: {read: {fixed: 10ms}}}\n"
        "operations:\n  get: {rate: 1/s, calls: [{api.handle: {calls: [{db.read: "
        "{timeout: 5ms}}]}}]}\n",
        "Raise the timeout above the service time, or speed up the callee.",
    ),
    InputCode(
        "AP027",
        "read-replicas-unsupported",
        "Read replicas where they cannot exist.",
        "Only databases and search indexes have read replicas, and only technologies that "
        "support them.",
        _M + "components:\n  c: {kind: cache, tech: redis, read_replicas: 2}\n",
        "Drop `read_replicas`, or use `replicas` for identical instances.",
    ),
    InputCode(
        "AP028",
        "not-a-queue",
        "A queue's role given to a component that is not a queue.",
        "Async hand-offs, `consumes`, event hubs and an event's `redelivery.dead_letter` "
        "need a queue component; an async hand-off cannot have nested calls.",
        _M + "components:\n  api: {kind: service, tech: stateless-service}\n"
        "  db: {kind: database, tech: postgresql}\n"
        "operations:\n  put: {rate: 1/s, calls: [{api.handle: {calls: [{db.write: "
        "{async: true}}]}}]}\n",
        "Enqueue on a queue component and let a worker operation consume it.",
    ),
    InputCode(
        "AP029",
        "unknown-technology",
        "A `tech` the catalog does not know.",
        "Technologies supply default figures from the catalog of boring components.",
        _M + "components:\n  db: {kind: database, tech: postgress}\n",
        "Use a catalog id (`archproof catalog` lists them), or leave `tech` out.",
    ),
    InputCode(
        "AP030",
        "unknown-question",
        "An answer to a question id that does not exist.",
        "Answers are keyed by the 24 question ids, Q1.1 to Q6.4.",
        _M + "answers: {Q7.1: yes}\n",
        "Use an id from `archproof questions`.",
    ),
    InputCode(
        "AP031",
        "operation-load",
        "An operation without load, or with two sources of it.",
        "An operation's load is exactly one of `rate`, `share` (of requirements.load."
        "requests) or `consumes` (a queue).",
        _M + "components:\n  api: {kind: service, tech: stateless-service}\n"
        "operations:\n  get: {calls: [api.handle]}\n",
        "Give one of them, e.g. `rate: 1k/s`.",
    ),
    InputCode(
        "AP032",
        "operation-without-calls",
        "An operation that calls nothing.",
        "An operation with no calls does no work the model could check.",
        _M + "operations:\n  get: {rate: 1/s}\n",
        "List the calls the operation makes (`calls: [api.handle, db.read]`).",
    ),
    InputCode(
        "AP033",
        "no-service-time",
        "A call whose service time is known nowhere.",
        "The callee has no such `work`, its catalog technology gives none, and the call "
        "states no `time`.",
        _M + "components:\n  partner: {kind: external}\n"
        "operations:\n  quote: {rate: 1/s, calls: [partner.quote]}\n",
        "Add `work: {quote: 100ms}` to the component, or a `time` on the call.",
    ),
    InputCode(
        "AP034",
        "unknown-placeholder",
        "An answer cites a figure that does not exist.",
        "Answers may cite computed figures by placeholder (`{{bottleneck}}`, "
        "`{{peak_rate:redirect}}`, `{{utilization:db}}`), which the report fills from the "
        "analysis; the name must be a known figure and its argument an existing operation "
        "or component.",
        _M + "components:\n  api: {kind: service, tech: stateless-service}\n"
        "operations:\n  get: {rate: 1/s, calls: [api.handle]}\n"
        "answers: {Q4.1: 'peak {{peak_rate:post}}'}\n",
        "Use a known placeholder (peak_rate, average_rate, p95, p99, "
        "utilization, bottleneck, saturation_factor, peak_requests) with an existing id.",
    ),
    InputCode(
        "AP035",
        "standby-unsupported",
        "A hot standby on a component that keeps no state.",
        "A standby is state kept in sync and promoted when an active instance fails: "
        "databases, caches, queues and search indexes. A stateless service or worker "
        "scales by `replicas`, every one of them serving; clients, CDNs and external "
        "services are not ours to stand by.",
        _M + "components:\n  api: {kind: service, tech: stateless-service, standby: 1}\n"
        "operations:\n  get: {rate: 1/s, calls: [api.handle]}\n",
        "Drop `standby`, and use `replicas` for instances that serve.",
    ),
    InputCode(
        "AP040",
        "stale-acceptance",
        "An `accept:` entry that matches no finding (review).",
        "Reported by the review engine, not the loader: an acceptance for a rule that did "
        "not run or found nothing there hides nothing and goes stale.",
        _M + "components:\n  api: {kind: service, tech: stateless-service, "
        "accept: {DB003: old reason}}\n"
        "operations:\n  get: {rate: 1/s, calls: [api.handle]}\n",
        "Delete the stale entry.",
        stage="review",
    ),
)

# Codes taken out of service, with the reason; never registered again. None so far: every
# code ever emitted (per git history) is still in use. Unassigned numbers (AP007-009,
# AP016-019, AP035-039) are free, not retired.
RETIRED: tuple[tuple[str, str], ...] = ()


def input_codes() -> dict[str, InputCode]:
    """Every registered AP code by code."""
    return {c.code: c for c in CODES}
