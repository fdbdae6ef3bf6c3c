"""Report → Document: the design document in the framework's order.

Executive summary; 1 Problem understanding; 2 System architecture; 3 Data design;
4 Scalability & performance; 5 Failure modes; 6 Implementation strategy; security and
data protection (security_section.py); findings by principle; the 24 questions; risks and
success metrics.

Each section reads the design and the pass results that exist. A figure that no pass
computed is not computed here: the section says which analysis did not run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from archproof.backends.report import evidence as ev
from archproof.backends.report.code_section import interfaces_section, types_section
from archproof.backends.report.dbcheck_section import dbcheck_section
from archproof.backends.report.diagrams import (
    component_graph,
    er_diagram,
    sequence,
    stateful_map,
)
from archproof.backends.report.document import (
    Badge,
    Block,
    Bullets,
    Cell,
    Document,
    KeyValues,
    Note,
    Para,
    Section,
    Table,
    Tone,
)
from archproof.backends.report.limits_section import limit_sections
from archproof.backends.report.riskiest_section import riskiest_assumption
from archproof.backends.report.security_section import security_section
from archproof.catalog import load_catalog, resolve
from archproof.model import FRAMEWORK, Constraint, Design, Entity, Operation, Principle, walk_calls
from archproof.model.traits import traits
from archproof.numbers import sig
from archproof.passes.questions import FirstSlice, QuestionsResult
from archproof.passes.review import Finding, ReviewResult, Severity
from archproof.report import Report

SEVERITY_TONE: dict[Severity, Tone] = {
    Severity.ERROR: "bad",
    Severity.WARNING: "warn",
    Severity.INFO: "info",
}
NOT_RUN_REVIEW = "Review not run: no findings to show."


def build_document(report: Report) -> Document:
    """The whole design document for `report`."""
    design = report.design
    sections = (
        _summary(report),
        _problem(report),
        _architecture(report),
        _data(report),
        _scalability(report),
        _failure(report),
        _implementation(report),
        security_section(report),
        _findings(report),
        _questions(report),
        _risks(report),
    )
    facts: list[tuple[str, str]] = [("design", design.meta.name), ("kind", design.meta.kind)]
    if design.meta.owners:
        facts.append(("owners", ", ".join(design.meta.owners)))
    if design.meta.drafted_by:
        facts.append(("drafted by", f"{design.meta.drafted_by} (checked by archproof)"))
    if report.source_file:
        facts.append(("source", report.source_file))
    ran = ", ".join(sorted(report.results.names())) or "none"
    facts.append(("passes", ran))
    return Document(
        title=design.meta.name,
        subtitle=design.meta.task or "System design document",
        facts=tuple(facts),
        sections=sections,
    )


# --------------------------------------------------------------------------- helpers


def _review(report: Report) -> ReviewResult | None:
    return report.get(ReviewResult)


def _first_slice(report: Report) -> FirstSlice | None:
    """The questions pass computes the slice once; the summary and section 6 both show it."""
    questions = report.get(QuestionsResult)
    return questions.first_slice if questions is not None else None


def _join(items: Iterable[str], empty: str = "—") -> str:
    shown = [i for i in items if i]
    return ", ".join(shown) if shown else empty


def _slo_text(op: Operation) -> str:
    if op.slo is None:
        return "—"
    parts = [
        f"{name} {value}"
        for name, value in (("p50", op.slo.p50), ("p95", op.slo.p95), ("p99", op.slo.p99))
        if value is not None
    ]
    if op.slo.availability is not None:
        parts.append(f"availability {op.slo.availability}")
    return _join(parts)


def _constraint_item(constraint: Constraint | str) -> tuple[str, str]:
    """(lead, text): a typed constraint leads with its kind, free text stands alone."""
    if isinstance(constraint, str):
        return "", constraint
    return constraint.kind.value.replace("_", " "), constraint.statement


def _rate_text(op: Operation) -> str:
    if op.rate is not None:
        return str(op.rate)
    if op.share is not None:
        return f"{op.share} of requests"
    if op.consumes:
        return f"drains {op.consumes}"
    return "—"


# --------------------------------------------------------------------------- summary


def _decisions(design: Design) -> Table:
    """The design's `decisions:`, or for a design without any, its rationales."""
    if not design.decisions:
        return _rationales(design)
    with_evidence = any(d.evidence for d in design.decisions)
    rows: list[tuple[Cell, ...]] = []
    for d in design.decisions:
        choice = f"{', '.join(d.concerns)}: {d.choice}" if d.concerns else d.choice
        row: tuple[Cell, ...] = (choice, d.reason, d.principle.value)
        rows.append((*row, d.evidence or "—") if with_evidence else row)
    header = ("Decision", "Why", "Principle")
    return Table((*header, "Evidence") if with_evidence else header, tuple(rows))


def _rationales(design: Design) -> Table:
    """Rationales written on elements, with the principle only where the model states it
    (a component's kind, an event, an async hand-off, an idempotency key). A free-text
    rationale names no principle: it shows as "—" rather than a guess."""
    unknown = "—"
    rows: list[tuple[Cell, ...]] = []
    for c in design.components:
        if c.rationale:
            tech = f" ({c.tech})" if c.tech else ""
            rows.append(
                (f"{c.id}: {c.kind.value}{tech}", c.rationale, traits(c.kind).principle.value)
            )
    for event in design.events:
        if event.rationale:
            hub = f" on {event.hub}" if event.hub else ""
            rows.append((f"event {event.id}{hub}", event.rationale, Principle.EV.value))
    for op in design.operations:
        if op.rationale:
            rows.append((f"operation {op.id}", op.rationale, unknown))
        for node in walk_calls(op.calls):
            if node.async_:
                why = node.rationale or f"{op.id} does not wait for {node.call}"
                rows.append((f"{op.id} → {node.call} in the background", why, Principle.OP.value))
            elif node.rationale:
                rows.append((f"{op.id} → {node.call}", node.rationale, unknown))
        if op.idempotency_key:
            rows.append((f"{op.id} is idempotent", op.idempotency_key, Principle.FH.value))
    caption = "The design writes no decisions: these are its rationales (— states no principle)"
    return Table(("Decision", "Why", "Principle"), tuple(rows), caption=caption)


def _summary(report: Report) -> Section:
    design = report.design
    blocks: list[Block] = []
    if design.meta.task:
        blocks.append(Para(design.meta.task, lead="Task."))
    blocks.append(_verdict(report))
    decisions = _decisions(design)
    if decisions.rows:
        blocks.append(decisions)
    else:
        blocks.append(Note("No decision or rationale written yet."))
    return Section("summary", "Executive summary", tuple(blocks))


def _verdict(report: Report) -> KeyValues:
    """One line each: findings, assumptions, SLOs, bottleneck: what a reader checks first."""
    rows: list[tuple[str, Cell]] = []
    review = _review(report)
    if review is None:
        rows.append(("Findings", Badge("review not run", "muted")))
    else:
        active = review.active()
        counts = []
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            n = sum(1 for f in active if f.severity == severity)
            plural = "s" if n != 1 and severity != Severity.INFO else ""
            counts.append(f"{n} {severity.value}{plural}")
        accepted = len(review.findings) - len(active)
        text = ", ".join(counts) + (f"; {accepted} accepted" if accepted else "")
        worst = max((f.severity.rank for f in active), default=0)
        tone: Tone = "bad" if worst == 3 else "warn" if worst == 2 else "good"
        rows.append(("Findings", Badge(text, tone)))
    rows.extend(ev.verdict_rows(report))
    first = _first_slice(report)
    if first is not None:
        rows.append(("First slice", first.headline()))
    return KeyValues(tuple(rows))


# --------------------------------------------------------------------------- 1 problem


def _problem(report: Report) -> Section:
    design = report.design
    req = design.requirements
    blocks: list[Block] = []
    if design.meta.task:
        blocks.append(Para(design.meta.task, lead="Task."))
    facts: list[tuple[str, Cell]] = []
    if req.stakeholders or design.meta.owners:
        facts.append(("Stakeholders", _join([*req.stakeholders, *design.meta.owners])))
    load = req.load
    for label, value in (
        ("Users", load.users),
        ("Daily active users", load.daily_active_users),
        ("Total requests", load.requests),
    ):
        if value is not None:
            facts.append((label, str(value)))
    facts.append(("Peak factor", f"{sig(float(load.peak_factor))}× the average"))
    if load.growth_per_year is not None:
        facts.append(("Growth", f"{load.growth_per_year} per year"))
    if req.data.total is not None:
        facts.append(("Data", str(req.data.total)))
    if req.data.retention is not None:
        facts.append(("Retention", str(req.data.retention)))
    blocks.append(KeyValues(tuple(facts)))

    use_cases = Section("use-cases", "Goals and non-goals", _goals(design))
    constraints = Section(
        "constraints",
        "Constraints",
        (Bullets(tuple(_constraint_item(c) for c in req.constraints)),)
        if req.constraints
        else (Note("No constraints written."),),
    )
    slo_rows: list[tuple[Cell, ...]] = []
    if req.slos.availability is not None:
        slo_rows.append(("system", "availability", str(req.slos.availability)))
    if req.slos.durability is not None:
        slo_rows.append(("system", "durability", str(req.slos.durability)))
    for op in design.operations:
        if op.slo is not None:
            slo_rows.append((op.id, f"rate {_rate_text(op)}", _slo_text(op)))
    slos = Section(
        "slos",
        "Success criteria (SLOs)",
        (Table(("Scope", "Load", "Objective"), tuple(slo_rows)),)
        if slo_rows
        else (Note("No SLOs written: nothing defines success yet.", "warn"),),
    )
    assumptions = Section("assumptions", "Assumptions and their evidence", ev.assumptions(report))
    return Section(
        "problem",
        "Problem understanding",
        tuple(blocks),
        (use_cases, constraints, slos, assumptions),
        number="1",
    )


def _goals(design: Design) -> tuple[Block, ...]:
    """The use cases are the goals; the non-goals say what the design leaves out."""
    req = design.requirements
    blocks: list[Block] = []
    if req.use_cases:
        blocks.append(Para("what the design must do:", lead="Goals —"))
        blocks.append(Bullets(tuple(("", u) for u in req.use_cases)))
    else:
        blocks.append(Note("No use cases written."))
    if req.non_goals:
        blocks.append(Para("what it deliberately does not do:", lead="Non-goals —"))
        blocks.append(Bullets(tuple(("", n) for n in req.non_goals)))
    else:
        blocks.append(
            Note("No non-goals written (`requirements.non_goals`): the scope has no edge yet.")
        )
    return tuple(blocks)


# --------------------------------------------------------------------------- 2 architecture


def _architecture(report: Report) -> Section:
    design = report.design
    stateful = stateful_map(design)
    catalog = load_catalog()
    rows: list[tuple[Cell, ...]] = []
    for c in design.components:
        resolved = resolve(c, catalog.get(c.tech))
        replicas = str(resolved.replicas) + _origin(resolved.source.get("replicas"))
        if c.read_replicas:
            replicas += f" + {c.read_replicas} read"
        if c.standby:
            replicas += f" + {c.standby} standby"
        concurrency = str(resolved.concurrency) + _origin(resolved.source.get("concurrency"))
        state: Cell = Badge("stateful", "warn") if stateful[c.id] else Badge("stateless", "good")
        rows.append(
            (
                c.id,
                c.kind.value,
                c.tech or "—",
                replicas,
                concurrency,
                state,
                _join(c.state),
            )
        )
    table = Table(
        ("Component", "Kind", "Technology", "Replicas", "Concurrency", "State", "Holds"),
        tuple(rows),
        numeric=(3, 4),
        caption="† from the component catalog (the design does not set it)",
    )
    overview: list[Block] = [
        Para(
            "Solid arrows are synchronous calls (the caller holds a worker while it waits); "
            "dashed arrows are asynchronous hand-offs. Stateful components are marked."
        ),
        component_graph(design),
        table,
    ]
    children: list[Section] = []
    if design.events:
        event_rows: tuple[tuple[Cell, ...], ...] = tuple(
            (
                e.id,
                e.hub or "—",
                _join(e.producers),
                _join(e.consumers),
                str(e.volume) if e.volume else "—",
                "yes" if e.time_sensitive else "no",
                e.delivery.replace("_", " ")
                + (", idempotent consumers" if e.idempotent_consumers else ""),
            )
            for e in design.events
        )
        children.append(
            Section(
                "events",
                "Events",
                (
                    Table(
                        (
                            "Event",
                            "Hub",
                            "Producers",
                            "Consumers",
                            "Volume",
                            "Time-sensitive",
                            "Delivery",
                        ),
                        event_rows,
                    ),
                ),
            )
        )
    flows: list[Section] = []
    for op in design.operations:
        blocks: list[Block] = []
        line = op.description or ""
        kind = "synchronous" if op.sync else "background"
        meta = f"{kind}; rate {_rate_text(op)}; SLO {_slo_text(op)}"
        if op.critical:
            meta += "; critical"
        if op.idempotency_key:
            meta += f"; idempotency key: {op.idempotency_key}"
        blocks.append(Para(meta, lead=line + (" — " if line else "")))
        if op.calls:
            blocks.append(sequence(design, op))
        else:
            blocks.append(Note("No call tree written."))
        flows.append(Section(f"flow-{_slug(op.id)}", op.id, tuple(blocks)))
    children.append(
        Section(
            "flows",
            "Data flows",
            (Para("One sequence diagram per operation, drawn from its call tree."),)
            if flows
            else (Note("No operations written."),),
            tuple(flows),
        )
    )
    interfaces = interfaces_section(report)
    if interfaces is not None:
        children.append(interfaces)
    children.append(Section("alternatives", "Alternatives considered", _alternatives(design)))
    return Section(
        "architecture", "System architecture", tuple(overview), tuple(children), number="2"
    )


def _alternatives(design: Design) -> tuple[Block, ...]:
    """Each decision's options not taken, and why not (`decisions[].alternatives`)."""
    rows = tuple((d.choice, a.option, a.why_not) for d in design.decisions for a in d.alternatives)
    if not rows:
        return (
            Note(
                "No alternatives written: add `alternatives: [{option, why_not}]` to the "
                "decisions they were weighed against."
            ),
        )
    return (Table(("Decision", "Alternative considered", "Why not"), rows),)


def _origin(source: str | None) -> str:
    """A dagger on figures the catalog supplied (explained under the table)."""
    return "" if source == "design" else " †"


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x"


# --------------------------------------------------------------------------- 3 data


def _data(report: Report) -> Section:
    design = report.design
    if not design.entities:
        return Section("data", "Data design", (Note("No entities written."),), number="3")
    blocks: list[Block] = [er_diagram(design)]
    children: list[Section] = []
    for e in design.entities:
        parts: list[Block] = []
        facts: list[tuple[str, Cell]] = [
            ("Stored in", e.stored_in or "—"),
            ("Key", _join(e.key)),
        ]
        if e.rows is not None:
            facts.append(("Rows", str(e.rows)))
        if e.growth is not None:
            facts.append(("Growth", str(e.growth)))
        if e.states:
            transitions = "; ".join(f"{s} → {', '.join(nxt)}" for s, nxt in e.transitions.items())
            facts.append(("States", _join(e.states) + (f" ({transitions})" if transitions else "")))
        parts.append(KeyValues(tuple(facts)))
        field_rows = tuple(
            (
                name,
                f.type + (f"({f.size})" if f.size else "") + (f" → {f.ref}" if f.ref else ""),
                _join(
                    [
                        "key" if name in e.key else "",
                        "unique" if f.unique else "",
                        "nullable" if f.nullable else "",
                        ("one of " + " | ".join(f.values)) if f.values else "",
                    ]
                ),
            )
            for name, f in e.fields.items()
        )
        parts.append(Table(("Field", "Type", "Constraints"), field_rows))
        parts.append(_access_table(e))
        children.append(Section(f"entity-{_slug(e.id)}", e.id, tuple(parts)))
    children.append(Section("store-access", "Reads and writes per store", _store_access(design)))
    children.append(Section("consistency", "Consistency notes", _consistency(design)))
    generated = types_section(report)
    if generated is not None:
        children.append(generated)
    measured = dbcheck_section(report)
    if measured is not None:
        children.append(measured)
    return Section("data", "Data design", tuple(blocks), tuple(children), number="3")


def _access_table(e: Entity) -> Block:
    if not e.access_patterns:
        return Note("No access patterns written; indexes cannot be checked against reads.")
    indexes = [("key", e.key), *((f"index ({', '.join(i.columns)})", i.columns) for i in e.indexes)]
    rows: list[tuple[Cell, ...]] = []
    for ap in e.access_patterns:
        wanted = (*ap.by, *((ap.order_by,) if ap.order_by else ()))
        served: Cell = Badge("no matching index", "bad") if ap.kind != "scan" else "scan"
        for name, cols in indexes:
            if wanted and tuple(cols[: len(wanted)]) == wanted:
                served = Badge(name, "good")
                break
        rows.append(
            (
                ap.id,
                ap.kind,
                _join(ap.by),
                ap.order_by or "—",
                ap.operation or "—",
                served,
            )
        )
    return Table(
        ("Access pattern", "Kind", "By", "Order by", "Operation", "Served by"),
        tuple(rows),
        caption="Access patterns vs indexes (leading columns)",
    )


def _store_access(design: Design) -> tuple[Block, ...]:
    """Which operations read and write each store, once per store: calls name a store,
    not an entity, so a table per entity would repeat the store's under each of them."""
    stores = dict.fromkeys(e.stored_in for e in design.entities if e.stored_in)
    rows: list[tuple[Cell, ...]] = []
    for store in stores:
        held = _join(e.id for e in design.entities if e.stored_in == store)
        for op in design.operations:
            nodes = [n for n in walk_calls(op.calls) if n.component == store]
            reads = [n.work for n in nodes if not n.is_write]
            writes = [n.work for n in nodes if n.is_write]
            if reads or writes:
                rows.append(
                    (store, held, op.id, _join(dict.fromkeys(reads)), _join(dict.fromkeys(writes)))
                )
    if not rows:
        return (Note("No operation calls a store holding an entity."),)
    return (
        Table(
            ("Store", "Holds", "Operation", "Reads", "Writes"),
            tuple(rows),
            caption="Operations calling each store (the access patterns above say which entity)",
        ),
    )


def _consistency(design: Design) -> tuple[Block, ...]:
    items: list[tuple[str, str]] = []
    for c in design.components:
        if c.read_replicas:
            items.append(
                (
                    f"{c.id}:",
                    f"{c.read_replicas} read replica(s) follow the primary asynchronously; "
                    "reads served there may lag behind writes.",
                )
            )
    for op in design.operations:
        if op.idempotency_key:
            items.append((f"{op.id}:", f"idempotent via {op.idempotency_key}."))
        keyed = [n.call for n in walk_calls(op.calls) if n.is_write and n.idempotent]
        if keyed:
            items.append((f"{op.id}:", f"idempotent writes: {', '.join(dict.fromkeys(keyed))}."))
    for event in design.events:
        delivery = event.delivery.replace("_", " ")
        dedup = (
            "consumers de-duplicate"
            if event.idempotent_consumers
            else "consumers do not de-duplicate"
        )
        items.append((f"event {event.id}:", f"{delivery} delivery; {dedup}."))
    if design.requirements.data.retention is not None:
        items.append(("retention:", f"data is kept {design.requirements.data.retention}."))
    if not items:
        return (Note("Nothing written about replicas, idempotency or retention."),)
    return (Bullets(tuple(items)),)


# --------------------------------------------------------------------------- 4 scalability


def _scalability(report: Report) -> Section:
    blocks, children = ev.scalability(report)
    # rate limits and hot keys after the figures, before the methods that close section 4
    methods = tuple(c for c in children if c.id == "methods")
    children = (*(c for c in children if c.id != "methods"), *limit_sections(report), *methods)
    return Section(
        "scalability",
        "Scalability & performance",
        blocks,
        children,
        number="4",
    )


# --------------------------------------------------------------------------- 5 failure


def _failure(report: Report) -> Section:
    design = report.design
    blocks, children = ev.failure(report)
    guard_rows: list[tuple[Cell, ...]] = []
    for op in design.operations:
        for node in walk_calls(op.calls):
            retries = node.retries.count if node.retries else 0
            guard_rows.append(
                (
                    op.id,
                    node.call + (" (async)" if node.async_ else ""),
                    str(node.timeout) if node.timeout else Badge("none", "warn"),
                    str(retries) if retries else "—",
                    "yes" if node.breaker else "—",
                    node.on_failure.replace("_", " ") if node.on_failure else "—",
                    str(node.fallback) if node.fallback is not None else "—",
                )
            )
    guards = Section(
        "guards",
        "Timeouts, retries, breakers",
        (
            Table(
                ("Operation", "Call", "Timeout", "Retries", "Breaker", "On failure", "Fallback"),
                tuple(guard_rows),
                numeric=(3,),
            ),
        )
        if guard_rows
        else (Note("No calls written."),),
    )
    recovery_rows = tuple(
        (c.id, c.recovery or Badge("not written", "warn"))
        for c, st in zip(design.components, stateful_map(design).values(), strict=True)
        if st
    )
    recovery = Section(
        "recovery",
        "Recovery of stateful components",
        (Table(("Component", "Recovery"), recovery_rows),)
        if recovery_rows
        else (Note("No stateful components."),),
    )
    return Section(
        "failure",
        "Failure modes",
        blocks,
        (*children, guards, recovery),
        number="5",
    )


# --------------------------------------------------------------------------- 6 implementation


def _implementation(report: Report) -> Section:
    design = report.design
    first = Section("first-slice", "Minimal useful slice", _first_slice_blocks(report))
    validate = Section("validate-early", "What to validate early", ev.validate_early(report))
    riskiest = Section(
        "riskiest-assumption", "The riskiest assumption", riskiest_assumption(report)
    )
    integration = Section("integration", "Integration points", _integration(report))
    testing = Section("testing", "How to test and observe", _testing(design))
    cost = Section(
        "cost",
        "Cost",
        (
            Note(
                "Not estimated: the component catalog carries no prices with sources, and a "
                "figure without a source would be a guess."
            ),
        ),
    )
    return Section(
        "implementation",
        "Implementation strategy",
        (),
        (first, validate, riskiest, integration, testing, cost),
        number="6",
    )


def _integration(report: Report) -> tuple[Block, ...]:
    """Someone else's systems the design calls (external APIs), with who calls them and
    what happens when they fail, and the team boundaries the model states. Internal
    stores and queues are the team's own components, not integration points."""
    design = report.design
    cap = ev.capacity(report)
    rows: list[tuple[Cell, ...]] = []
    for c in design.components:
        if not traits(c.kind).third_party:
            continue
        callers: dict[str, str] = {}
        for op in design.operations:
            for node in walk_calls(op.calls):
                if node.component == c.id:
                    mode: str = "async" if node.async_ else node.on_failure or "fail_closed"
                    if node.fallback:
                        mode += " + fallback"
                    callers.setdefault(op.id, mode.replace("_", " "))
        load = cap.component(c.id) if cap is not None else None
        if load is not None and load.servers:
            where = load.source.get("concurrency", "")
            origin = "written" if where == "design" else f"assumed, {where}: confirm it"
            limit = f"{load.servers:,} concurrent calls ({origin})"
        else:
            limit = "not known"
        rows.append(
            (
                c.id,
                c.tech or "—",
                _join(f"{op} ({mode})" for op, mode in callers.items()),
                limit,
            )
        )
    blocks: list[Block] = []
    if rows:
        blocks.append(
            Table(
                ("External system", "Technology", "Called by (on failure)", "Quota"),
                tuple(rows),
                caption="Someone else's systems: contracts, quotas and sandboxes to arrange",
            )
        )
    else:
        blocks.append(Note("No external systems: the design calls only its own components."))
    owners = design.meta.owners
    blocks.append(
        Note(
            f"Team boundaries: the design names its owners ({_join(owners)}) but not an owner "
            "per component, so no boundary inside it is shown."
            if owners
            else "Team boundaries: the design names no owners, so none are shown."
        )
    )
    return tuple(blocks)


def _first_slice_blocks(report: Report) -> tuple[Block, ...]:
    if report.get(QuestionsResult) is None:
        return (Note("Questions pass not run: no first slice computed."),)
    first = _first_slice(report)
    if first is None:
        return (Note("No user-facing operations written."),)
    rows = tuple(
        (
            op.id,
            "critical" if op.critical else "user-facing",
            _join(op.components),
            _slo_text(report.design.operation(op.id)),
        )
        for op in first.operations
    )
    later = [f"{d.component} ({'; '.join(d.reasons)})" for d in first.later]
    facts: list[tuple[str, Cell]] = [
        ("Components in the first slice", _join(first.components)),
        ("Later", _join(later, "none")),
    ]
    if first.jobs:
        facts.append(("Background jobs", _join(first.jobs)))
    return (
        Para(
            "Build the user-facing operations first, busiest first, end to end on the "
            "components they wait for or fail closed on; fail-open dependencies, async "
            "hand-offs and background jobs come after."
        ),
        Table(("Operation", "Why first", "Components", "SLO"), rows),
        KeyValues(tuple(facts)),
    )


def _testing(design: Design) -> tuple[Block, ...]:
    obs = design.observability
    items: list[tuple[str, str]] = []
    for m in obs.metrics:
        target = m.operation or m.component or "system"
        pct = f" ({', '.join(m.percentiles)})" if m.percentiles else ""
        items.append(("metric", f"{m.name}: {m.kind} of {target}{pct}"))
    for a in obs.alerts:
        target = a.operation or a.component or "system"
        threshold = f": {a.threshold}" if a.threshold else ""
        items.append(("alert", f"{a.name} on {a.on.replace('_', ' ')} of {target}{threshold}"))
    for log in obs.logs:
        target = log.operation or log.component or "everything"
        items.append(("log", f"{log.on.replace('_', ' ')} of {target}, {log.detail}"))
    if obs.tracing:
        items.append(("tracing", _join(obs.tracing)))
    for s in design.scenarios:
        faults = "; ".join(f"{f.component} {f.kind.replace('_', ' ')}" for f in s.faults)
        text = f"{s.id}: {s.description or faults}"
        items.append(("fault drill", text + f" (archproof simulate --scenario {s.id})"))
    blocks: list[Block] = []
    if items:
        blocks.append(Bullets(tuple((f"{lead}:", text) for lead, text in items)))
    else:
        blocks.append(Note("No metrics, alerts, logs, traces or fault scenarios written.", "warn"))
    if design.answers.get("Q6.4"):
        blocks.append(Para(design.answers["Q6.4"], lead="Rollout (author):"))
    return tuple(blocks)


# --------------------------------------------------------------------------- findings


def _findings(report: Report) -> Section:
    review = _review(report)
    if review is None:
        return Section("findings", "Findings by principle", (Note(NOT_RUN_REVIEW),))
    if not review.findings:
        return Section(
            "findings",
            "Findings by principle",
            (Note(f"No findings from {len(review.rules_run)} rules.", "good"),),
        )
    groups: dict[Principle, list[Finding]] = {}
    for f in review.findings:
        groups.setdefault(f.principle, []).append(f)
    order = [*FRAMEWORK, *(p for p in Principle if p not in FRAMEWORK)]
    children: list[Section] = []
    for principle in order:
        found = groups.get(principle)
        if not found:
            continue
        rows: list[tuple[Cell, ...]] = []
        for f in found:
            where = f"line {f.span.line}" if f.span else ""
            severity: Cell = (
                Badge("accepted", "muted")
                if f.is_accepted
                else Badge(f.severity.value, SEVERITY_TONE[f.severity])
            )
            fix = f.fix or "—"
            if f.accepted:
                fix = f"accepted: {f.accepted}"
            rows.append(
                (f"{f.code} {f.name}", severity, _join([str(f.element), where]), f.message, fix)
            )
        children.append(
            Section(
                f"findings-{principle.name.lower()}",
                principle.value,
                (Table(("Rule", "Severity", "Where", "Finding", "Fix"), tuple(rows)),),
            )
        )
    intro = Para(
        f"{len(review.active())} open finding(s) from {len(review.rules_run)} rules, grouped "
        "by the principle they enforce; accepted findings are shown with the author's reason."
    )
    return Section("findings", "Findings by principle", (intro,), tuple(children))


# --------------------------------------------------------------------------- questions


def _questions(report: Report) -> Section:
    blocks, children = ev.questions(report)
    return Section("questions", "The 24 questions", blocks, children)


# --------------------------------------------------------------------------- risks


def _risks(report: Report) -> Section:
    items: list[tuple[str, str]] = list(ev.risk_items(report))
    review = _review(report)
    if review is not None:
        for f in review.active():
            if f.severity in (Severity.ERROR, Severity.WARNING):
                items.append((f"{f.code}", f"{f.message} ({f.element})"))
    risks = Section(
        "risk-list",
        "Risks",
        (Bullets(tuple(items)),) if items else (Note("No risks found by the passes that ran."),),
    )
    metrics = Section("success-metrics", "Success metrics", ev.success_metrics(report))
    return Section("risks", "Risks and success metrics", (), (risks, metrics))
