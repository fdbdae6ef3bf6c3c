"""The document's security section, from the model's typed fields only (issue 20, item 6).

Classified fields (`classification`: pii / secret / payment) per entity and every place
that holds them, the encryption of those stores, the logs that carry them and whether they
are redacted, admission at the public entry points (rate limits, load shedding, with the
lowering's admitted / rejected figures), the trust boundaries the kinds state (clients on
one side, someone else's APIs on the other) and a disaster-recovery line per store of
record (backup interval and restore time against the RPO / RTO). What the model does not
state is said to be not stated: nothing is guessed, and no figure is computed here.
"""

from __future__ import annotations

import archproof.numbers as numbers
from archproof.backends.report.document import (
    Badge,
    Block,
    Cell,
    Note,
    Para,
    Section,
    Table,
)
from archproof.model import Component, Design, Operation, walk_calls
from archproof.model.objectives import user_facing
from archproof.model.traits import traits
from archproof.passes.lower import QueueingModel
from archproof.passes.lower.queueing_model import Admission
from archproof.report import Report

# Data classes a reviewer asks about; `public` and `internal` need no protection here.
SENSITIVE = ("pii", "secret", "payment")
NOT_STATED = "not stated"


def _not_stated(tone: str = "warn") -> Badge:
    return Badge(NOT_STATED, "warn" if tone == "warn" else "muted")


def security_section(report: Report) -> Section:
    """Security and data protection: what the model states, and what it leaves unsaid."""
    design = report.design
    model = report.get(QueueingModel)
    children = (
        Section("classified-data", "Classified data and where it is stored", _classified(design)),
        Section("logs", "Logs carrying classified fields", _logs(design)),
        Section("entry-points", "Admission at the public entry points", _entry(design, model)),
        Section("trust-boundaries", "Trust boundaries", _boundaries(design)),
        Section("disaster-recovery", "Disaster recovery", _recovery(design)),
    )
    intro = Para(
        "From the design's typed fields only (classification, encryption, logs, rate limits, "
        "backups, RPO / RTO); what the design does not state is marked not stated. The model "
        "has no field for authentication or authorization, so neither is shown."
    )
    return Section("security", "Security and data protection", (intro,), children)


# --------------------------------------------------------------------------- data


def _encryption(c: Component | None) -> Cell:
    if c is None:
        return _not_stated()
    if c.encryption is None:
        return _not_stated()
    if c.encryption == "none":
        return Badge("none", "bad")
    return Badge(c.encryption.replace("_", " "), "good")


def _classified(design: Design) -> tuple[Block, ...]:
    rows: list[tuple[Cell, ...]] = []
    for e in design.entities:
        fields = [(n, f.classification) for n, f in e.fields.items() if f.classification]
        sensitive = [(n, cls) for n, cls in fields if cls in SENSITIVE]
        if not sensitive:
            continue
        # where the rows live, and every other component that says it holds the entity
        holders = [e.stored_in] if e.stored_in else []
        holders += [c.id for c in design.components if e.id in c.state and c.id not in holders]
        listed = ", ".join(f"{n} ({cls})" for n, cls in sensitive)
        if not holders:
            rows.append((e.id, listed, _not_stated(), _not_stated()))
        for store in holders:
            rows.append((e.id, listed, store, _encryption(design.component_map.get(store))))
    if rows:
        return (
            Table(
                ("Entity", "Classified fields", "Held in", "Encryption"),
                tuple(rows),
                caption="pii, secret and payment fields; 'held in' is the entity's store and "
                "every component whose `state` names the entity",
            ),
        )
    stated = any(f.classification for e in design.entities for f in e.fields.values())
    if stated:
        return (Note("No field is classified pii, secret or payment.", "good"),)
    return (
        Note(
            "Not stated: no field carries a `classification`, so which data is personal, "
            "secret or payment data (and where it is stored) is not known.",
            "warn",
        ),
    )


def _classification(design: Design, ref: str) -> str | None:
    entity_id, _, field = ref.partition(".")
    entity = design.entity_map.get(entity_id)
    if entity is None or field not in entity.fields:
        return None
    return entity.fields[field].classification


def _logs(design: Design) -> tuple[Block, ...]:
    logs = design.observability.logs
    rows: list[tuple[Cell, ...]] = []
    for log in logs:
        classified = [
            f"{ref} ({cls})"
            for ref in log.fields
            if (cls := _classification(design, ref)) in SENSITIVE
        ]
        if not classified:
            continue
        where = log.operation or log.component or "everything"
        redact = Badge("redacted", "good") if log.redact else Badge("not redacted", "bad")
        rows.append((where, log.on.replace("_", " "), ", ".join(classified), redact))
    if rows:
        return (Table(("Log of", "On", "Classified fields", "Redaction"), tuple(rows)),)
    if not logs:
        return (Note("Not stated: the design writes no log policy.", "warn"),)
    if not any(log.fields for log in logs):
        return (
            Note(
                "Not stated: no log lists the fields it carries (`logs[].fields`), so whether "
                "logs hold classified data is not known.",
                "warn",
            ),
        )
    return (Note("No log carries a pii, secret or payment field.", "good"),)


# --------------------------------------------------------------------------- entry points


def _limit_text(admission: Admission | None, fallback: str) -> str:
    if admission is None:
        return fallback
    return f"{numbers.rate(admission.limit)} {_per(admission.per)}" + (
        ", queues above" if admission.over == "queue" else ""
    )


def _per(per: str) -> str:
    return "in all" if per == "global" else f"per {per.replace('_', ' ')}"


def _path(design: Design, op: Operation) -> list[str]:
    """Components the request passes through while the user waits."""
    seen: dict[str, None] = {}
    for node in walk_calls(op.calls):
        if not node.async_ and node.component in design.component_map:
            seen.setdefault(node.component)
    return list(seen)


def _entry(design: Design, model: QueueingModel | None) -> tuple[Block, ...]:
    admissions = {(a.scope, a.target): a for a in model.admission} if model is not None else {}
    rows: list[tuple[Cell, ...]] = []
    for op in design.operations:
        if not user_facing(op) or not op.calls:
            continue
        own = admissions.get(("operation", op.id))
        on_path: list[str] = []
        path = _path(design, op)
        front = design.component_map[path[0]] if path else None
        if front is not None and traits(front.kind).proxy and traits(front.kind).delay_station:
            on_path.append(f"{front.id}: a CDN edge in front")
        shown = [own] if own is not None else []
        for cid in path:
            comp = design.component_map[cid]
            if comp.rate_limit is not None:
                at = admissions.get(("component", cid))
                rl = comp.rate_limit
                on_path.append(f"{cid}: " + _limit_text(at, f"{rl.rate} {_per(rl.per)}"))
                if at is not None:
                    shown.append(at)
            if comp.shed_load:
                on_path.append(f"{cid}: sheds load")
        limit: Cell = (
            _limit_text(own, f"{op.rate_limit.rate} {_per(op.rate_limit.per)}")
            if op.rate_limit is not None
            else Badge("none", "warn")
            if not on_path
            else "none"
        )
        peak = model.rate(op.id) if model is not None else None
        offered = "—"
        if peak is not None:
            offered = numbers.rate(peak.offered if peak.offered is not None else peak.peak)
        rejected: Cell = "—"
        if shown:
            share = max(a.rejected_share for a in shown)
            excess = max(a.excess_share for a in shown)
            if share > 0:
                rejected = Badge(numbers.percent(share), "warn")
            elif excess > 0:
                rejected = Badge(f"0 ({numbers.percent(excess)} queued)", "warn")
            else:
                rejected = "0"
        rows.append(
            (
                op.id,
                offered,
                limit,
                "; ".join(on_path) if on_path else Badge("none", "warn"),
                rejected,
            )
        )
    if not rows:
        return (Note("No user-facing operations: no public entry point."),)
    return (
        Table(
            ("Operation", "Peak arriving", "Rate limit", "On its path", "Rejected at peak"),
            tuple(rows),
            numeric=(1, 4),
            caption="Rejected at peak: the share of arrivals a global limit turns away "
            "(lowering's admission figures); a per-user, IP, tenant or key quota caps each "
            "caller, not the total, so it rejects nothing the model knows of",
        ),
    )


# --------------------------------------------------------------------------- boundaries


def _boundaries(design: Design) -> tuple[Block, ...]:
    rows: list[tuple[Cell, ...]] = []
    for c in design.components:
        t = traits(c.kind)
        if not (t.third_party or t.actor):
            continue
        called: dict[str, None] = {}
        calls: dict[str, None] = {}
        for op in design.operations:
            for node in walk_calls(op.calls):
                if node.component == c.id:
                    called.setdefault(op.id)
            if t.actor and op.calls:
                first = walk_calls(op.calls)[0]
                if first.component == c.id:
                    calls.setdefault(op.id)
        if t.third_party:
            rows.append(
                (
                    c.id,
                    "someone else's system",
                    c.tech or "—",
                    ", ".join(called) or "—",
                    _classified_sent(design, c),
                )
            )
        else:
            rows.append(
                (
                    c.id,
                    "callers outside the system",
                    c.tech or "—",
                    ", ".join(calls or called) or "—",
                    "—",
                )
            )
    if not rows:
        return (
            Note(
                "No client and no external system in the model: its trust boundaries are "
                "not stated."
            ),
        )
    return (
        Table(
            ("Component", "Boundary", "Technology", "Operations", "Classified data sent"),
            tuple(rows),
            caption="From the component kinds: clients are untrusted callers, external "
            "systems are someone else's",
        ),
    )


def _classified_sent(design: Design, c: Component) -> Cell:
    """Classified entities the external component is said to hold (`state`), or not stated:
    the model does not type what a call carries."""
    held = [
        e.id
        for e in design.entities
        if (e.stored_in == c.id or e.id in c.state)
        and any(f.classification in SENSITIVE for f in e.fields.values())
    ]
    return ", ".join(held) if held else _not_stated("muted")


# --------------------------------------------------------------------------- recovery


def _recovery(design: Design) -> tuple[Block, ...]:
    slos = design.requirements.slos
    rpo, rto = slos.rpo, slos.rto
    rows: list[tuple[Cell, ...]] = []
    for c in design.components:
        t = traits(c.kind)
        if not t.store_of_record:
            continue
        b = c.backup
        if b is None:
            every: Cell = Badge("no backup stated", "warn" if rpo or rto else "muted")
            restore: Cell = _not_stated("muted")
        else:
            every = _against(b.every.s_float, rpo.s_float if rpo else None, "RPO")
            restore = (
                _against(b.restore.s_float, rto.s_float if rto else None, "RTO")
                if b.restore is not None
                else _not_stated()
            )
        offsite = ("yes" if b.offsite else "no") if b is not None else "—"
        note = "provider-replicated" if t.provider_replicated else ""
        recovery = c.recovery or "—"
        rows.append((c.id + (f" ({note})" if note else ""), every, restore, offsite, recovery))
    objectives = (
        f"RPO {numbers.seconds(rpo.s_float) if rpo else NOT_STATED}, "
        f"RTO {numbers.seconds(rto.s_float) if rto else NOT_STATED}"
    )
    blocks: list[Block] = [Para(objectives, lead="Objectives:")]
    if rows:
        blocks.append(
            Table(
                (
                    "Store of record",
                    "Backup every (vs RPO)",
                    "Restore (vs RTO)",
                    "Offsite",
                    "Recovery (as written)",
                ),
                tuple(rows),
            )
        )
    else:
        blocks.append(Note("No store of record in the design."))
    return tuple(blocks)


def _against(value: float, objective: float | None, name: str) -> Cell:
    shown = numbers.seconds(value)
    if objective is None:
        return f"{shown} (no {name})"
    if value <= objective:
        return Badge(f"{shown} ≤ {name} {numbers.seconds(objective)}", "good")
    return Badge(f"{shown} > {name} {numbers.seconds(objective)}", "bad")
