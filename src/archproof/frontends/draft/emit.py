"""Write the drafted plan as a commented, editable design.yaml (short forms throughout)."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.flows import factor_text
from archproof.frontends.draft.plan import (
    CallSpec,
    CompSpec,
    Decision,
    EntitySpec,
    OneOfSpec,
    OpSpec,
)
from archproof.frontends.draft.sizing import rate_text
from archproof.frontends.draft.yamlwriter import Flow, Folded, Note, render
from archproof.model import Principle
from archproof.units import Count, Duration, Percent, Size

SCHEMA_LINE = "# yaml-language-server: $schema=design.schema.json"


def emit(
    ctx: Ctx,
    *,
    name: str,
    kind: str,
    task: str,
    observability: dict[str, object],
    answers: dict[str, str],
) -> str:
    document: dict[str, object] = {
        "meta": _meta(name, kind, task),
        "requirements": _requirements(ctx),
        "components": Note(
            {c.id: _component(c, _decided(ctx, c.id)) for c in ctx.comps.values()},
            above=(
                "Components: the boxes. Unset figures come from the catalog "
                "entry named by `tech` (`archproof catalog`).",
            ),
        ),
        "operations": Note(
            {op.id: _operation(op, _decided(ctx, op.id)) for op in _ordered(ctx.ops)},
            above=(
                "Operations: rates are averages (peak = rate × peak_factor). Calls nested "
                "under a call hold the caller's worker while they run.",
            ),
        ),
        "entities": Note(
            {e.id: _entity(e) for e in ctx.entities.values()},
            above=(
                "Entities: fields in short form (str(64), ref(User), "
                "enum(a|b), int?); indexes serve the access patterns.",
            ),
        ),
    }
    if ctx.events:
        document["events"] = {
            ev.id: {
                "hub": ev.hub,
                "producers": Flow(list(ev.producers)),
                "consumers": Flow(list(ev.consumers)),
                "volume": rate_text(ev.volume),
                "time_sensitive": ev.time_sensitive,
                "delivery": "at_least_once",
                "idempotent_consumers": True,
                "rationale": ev.rationale,
                **({"redelivery": ev.redelivery} if ev.redelivery else {}),
                **({"accept": ev.accept} if ev.accept else {}),
            }
            for ev in ctx.events
        }
    document["observability"] = Note(
        _observability(observability), above=(f"[{Principle.OB.name} observability first]",)
    )
    if ctx.decisions:
        document["decisions"] = Note(
            [_decision(d) for d in ctx.decisions],
            above=(
                "Key decisions: the principle each follows (its code), the choice and the "
                "reason with the figures that decided it.",
            ),
        )
    if answers:
        document["answers"] = Note(
            dict(answers),
            above=(
                "Drafted answers to the framework's questions (`archproof questions`); "
                "rewrite them in your words.",
            ),
        )
    return render(document, _header(ctx, kind))


def _header(ctx: Ctx, kind: str) -> tuple[str, ...]:
    lines = [
        SCHEMA_LINE,
        "# (the schema: `archproof schema -o design.schema.json`)",
        "#",
        "# Drafted by `archproof design` (offline, rule-based). Edit freely, then run",
        "# `archproof check design.yaml`. Every figure says where it came from: the task's",
        "# words (extracted), a derivation, or a stated assumption (requirements.assumptions).",
    ]
    if kind == "coding":
        lines.append(
            "# Coding task: the data structures (entities) and signatures "
            "(operations) feed the code stage."
        )
    lines.append("#")
    lines.append("# Key decisions (the `decisions:` section holds them with their reasons):")
    for d in ctx.decisions:
        lines.extend(_wrap_comment(f"{d.tag()} {d.title}: {d.choice}", "#   - ", "#     "))
    if ctx.ledger.questions:
        lines.append("#")
        lines.append("# Open questions (answer them, then update the figures below):")
        for number, question in enumerate(ctx.ledger.questions, 1):
            lines.extend(_wrap_comment(question, f"#   {number}. ", "#      "))
    return tuple(lines)


def _wrap_comment(text: str, first: str, rest: str) -> list[str]:
    import textwrap

    wrapped = textwrap.wrap(text, 96 - len(first)) or [""]
    return [first + wrapped[0], *(rest + line for line in wrapped[1:])]


def _meta(name: str, kind: str, task: str) -> dict[str, object]:
    return {"name": name, "kind": kind, "task": Folded(task) if task else "(empty task)"}


def _requirements(ctx: Ctx) -> dict[str, object]:
    load = ctx.load
    out: dict[str, object] = {}
    if ctx.use_cases:
        out["use_cases"] = list(dict.fromkeys(ctx.use_cases))
    load_section: dict[str, object] = {}
    if load.users is not None:
        load_section["users"] = Note(str(Count(load.users)), _source(ctx, "users"))
    if load.dau is not None:
        load_section["daily_active_users"] = Note(
            str(Count(_round(load.dau))), _source(ctx, "daily active users")
        )
    load_section["peak_factor"] = Note(factor_text(load.peak_factor), _source(ctx, "peak factor"))
    if load.growth is not None:
        load_section["growth_per_year"] = Note(
            str(Percent(load.growth)), _source(ctx, "growth per year")
        )
    out["load"] = load_section
    data: dict[str, object] = {}
    if load.retention_s is not None:
        data["retention"] = Note(str(Duration(load.retention_s)), _source(ctx, "retention"))
    elif ctx.sizing_retention_s is not None:
        data["retention"] = Note(
            str(Duration(ctx.sizing_retention_s)), _source(ctx, "retention (sizing)")
        )
    if ctx.storage_total is not None:
        data["total"] = Note(
            str(ctx.storage_total), ctx.storage_total_note or "derived: see the storage decision"
        )
    if data:
        out["data"] = data
    out["slos"] = {
        "availability": Note(str(Percent(load.availability)), _source(ctx, "availability"))
    }
    if ctx.constraints:
        out["constraints"] = Note(
            [c.to_yaml() for c in ctx.constraints],
            above=("Constraints in the task's words; each drives a decision (`decisions:`).",),
        )
    assumptions: list[object] = []
    for a in ctx.ledger.assumptions:
        entry: dict[str, object] = {"id": a.id, "statement": a.statement, "source": a.source}
        if a.check:
            entry["check"] = Flow(a.check)
        assumptions.append(entry)
    if assumptions:
        out["assumptions"] = Note(
            assumptions,
            above=(
                "Derived and assumed figures, with their derivation; `check` ones are verified "
                "by the capacity pass.",
            ),
        )
    return out


def _source(ctx: Ctx, name: str) -> str | None:
    for req in ctx.ledger.requirements:
        if req.name == name:
            if req.source == "extracted":
                return f"from the task: {req.evidence}"
            return f"{req.source}: {req.evidence}"
    return None


def _round(value: Fraction) -> Fraction:
    return Fraction(round(value)) if value >= 1 else value


def _decided(ctx: Ctx, element: str) -> tuple[str, ...]:
    """Decisions about an element, as comment lines above it."""
    return tuple(d.rationale() for d in ctx.decisions if d.element == element)


def _decision(d: Decision) -> object:
    entry: dict[str, object] = {
        "principle": d.principle.name,
        "choice": f"{d.title}: {d.choice}",
        "reason": d.because,
    }
    if d.element is not None:
        entry["concerns"] = Flow([d.element])
    return entry


def _component(c: CompSpec, decisions: tuple[str, ...]) -> object:
    body: dict[str, object] = {"kind": c.kind}
    if c.tech:
        body["tech"] = c.tech
    if c.replicas is not None:
        body["replicas"] = c.replicas
    if c.read_replicas:
        body["read_replicas"] = c.read_replicas
    if c.standby:
        body["standby"] = c.standby
    if c.concurrency is not None:
        body["concurrency"] = c.concurrency
    if c.work:
        body["work"] = {
            work: Note(Flow(time) if isinstance(time, dict) else time, c.work_notes.get(work))
            for work, time in c.work.items()
        }
    if c.state:
        body["state"] = list(c.state)
    if c.stateful is not None:
        body["stateful"] = c.stateful
    if c.recovery:
        body["recovery"] = c.recovery
    if c.cache:
        body["cache"] = dict(c.cache)
    if c.shed_load:
        body["shed_load"] = True
    if c.failure_domain:
        body["failure_domain"] = c.failure_domain
    if c.rationale:
        body["rationale"] = c.rationale
    if c.accept:
        body["accept"] = dict(c.accept)
    return Note(body, above=(*decisions, *c.notes))


def _ordered(ops: list[OpSpec]) -> list[OpSpec]:
    return [op for op in ops if op.sync] + [op for op in ops if not op.sync]


def _operation(op: OpSpec, decisions: tuple[str, ...]) -> object:
    body: dict[str, object] = {"description": op.description}
    if op.consumes is not None:
        body["consumes"] = Note(op.consumes, "a background job: runs once per message")
    elif op.rate is not None:
        body["rate"] = Note(rate_text(op.rate), op.rate_note)
    if op.flat and op.consumes is None:
        body["arrivals"] = Note(
            "flat", "a timer starts it: the same rate all day, no diurnal peak factor"
        )
    if op.peak is not None and op.consumes is None:
        body["peak"] = Note(rate_text(op.peak), op.peak_note)
    if not op.sync:
        body["sync"] = False
    if op.critical:
        body["critical"] = True
    if op.idempotency_key:
        body["idempotency_key"] = op.idempotency_key
    if op.slo:
        slo = {k: str(Duration(v)) for k, v in sorted(op.slo.items())}
        body["slo"] = Note(Flow(slo), op.slo_note)
    body["calls"] = [_call(item) for item in op.calls]
    if op.rationale:
        body["rationale"] = op.rationale
    if op.signature:
        body["signature"] = Flow(op.signature)
    if op.accept:
        body["accept"] = dict(op.accept)
    return Note(body, above=decisions)


def _call(item: CallSpec | OneOfSpec) -> object:
    if isinstance(item, OneOfSpec):
        return {
            "one_of": [
                {"p": b.p, "label": b.label, "calls": [_call(c) for c in b.calls]}
                for b in item.branches
            ]
        }
    settings: dict[str, object] = {}
    if item.time is not None:
        settings["time"] = Flow(item.time) if isinstance(item.time, dict) else item.time
    if item.p is not None:
        settings["p"] = item.p
    if item.times is not None:
        settings["times"] = item.times
    if item.async_:
        settings["async"] = True
    if item.timeout is not None:
        settings["timeout"] = item.timeout
    if item.retries is not None:
        settings["retries"] = Flow(item.retries)
    if item.breaker:
        settings["breaker"] = Flow({"key": item.breaker_key}) if item.breaker_key else True
    if item.idempotent is not None:
        settings["idempotent"] = item.idempotent
    if item.write is not None:
        settings["write"] = item.write
    if item.on_failure is not None:
        settings["on_failure"] = item.on_failure
    if item.fallback is not None:
        settings["fallback"] = item.fallback
    if item.rationale is not None:
        settings["rationale"] = item.rationale
    if item.calls:
        settings["calls"] = [_call(c) for c in item.calls]
    if not settings:
        return item.target
    if list(settings) == ["time"] and isinstance(item.time, str):
        return {item.target: item.time}
    long_text = any(isinstance(v, str) and len(v) > 30 for v in settings.values())
    if item.calls or long_text:
        return {item.target: settings}
    return Flow({item.target: settings})


def _entity(e: EntitySpec) -> object:
    body: dict[str, object] = {"stored_in": e.stored_in}
    body["key"] = e.key[0] if len(e.key) == 1 else Flow(list(e.key))
    body["fields"] = {
        name: Flow(spec) if isinstance(spec, dict) else spec for name, spec in e.fields.items()
    }
    if e.relations:
        body["relations"] = [
            Flow({"to": to, "kind": kind, "via": via} if via else {"to": to, "kind": kind})
            for to, kind, via in e.relations
        ]
    if e.states:
        body["states"] = Flow(list(e.states))
        body["transitions"] = {s: Flow(list(t)) for s, t in e.transitions.items()}
    if e.growth is not None:
        body["growth"] = Note(
            rate_text(e.growth),
            e.growth_note
            or (
                "new objects: one per main write"
                if e.stored_in == "blobs"
                else "new rows: the main write rate"
            ),
        )
    if e.retention:
        body["retention"] = Note(e.retention, e.retention_note)
    if e.row_size:
        body["row_size"] = Note(e.row_size, e.row_size_note) if e.row_size_note else e.row_size
    if e.rows is not None:
        body["rows"] = Note(str(Count(_round(e.rows))), "standing rows: see the storage decision")
    if e.access:
        patterns: list[object] = []
        for a in e.access:
            entry: dict[str, object] = {"id": a.id, "kind": a.kind}
            if a.by:
                entry["by"] = list(a.by)
            if a.order_by:
                entry["order_by"] = a.order_by
            if a.operation:
                entry["operation"] = a.operation
            patterns.append(Flow(entry))
        body["access_patterns"] = patterns
    if e.indexes:
        body["indexes"] = [
            Note(Flow({"columns": list(cols), "unique": True}) if unique else Flow(list(cols)), why)
            for cols, unique, why in e.indexes
        ]
    return Note(body, above=(e.note,) if e.note else ())


def _observability(obs: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in ("metrics", "logs", "alerts"):
        items = obs.get(key)
        if isinstance(items, list) and items:
            out[key] = [Flow(item) for item in items]
    tracing = obs.get("tracing")
    if isinstance(tracing, list):
        out["tracing"] = Flow(tracing)
    return out


def size_text(value: Fraction) -> str:
    return str(Size(value))
