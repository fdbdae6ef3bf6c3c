"""The offline, rule-based drafter: free text → a commented, loadable design.yaml.

    draft("Design a URL shortener: 100M new links a month, reads 10x writes")

runs, in order: `text.normalize` → `classify` (system or coding; building blocks) →
`extract` (figures with the words they came from) → `derive` (load, filling gaps with
stated assumptions) → `patterns` (operations, entities, components per block) →
`compose` (decisions the numbers make: replicas, cache, event hub, CDN, sizing) →
`guards` (SLOs, timeouts, retries, breakers) → `emit` (YAML with comments) → the YAML
loader, so a draft is always a valid `Design`.

An LLM drafter can plug into the same slot later: it only has to return a `Draft`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

from archproof.errors import DesignError, InternalError
from archproof.frontends.draft.builder import ConstraintLike, Ctx
from archproof.frontends.draft.classify import classify
from archproof.frontends.draft.coding import compose_coding
from archproof.frontends.draft.compose import compose
from archproof.frontends.draft.constraints import (
    ConstraintSpec,
    honour_constraints,
    read_constraints,
)
from archproof.frontends.draft.emit import emit
from archproof.frontends.draft.extract import Extracted, Figure, extract
from archproof.frontends.draft.flows import op_rates, written_factor
from archproof.frontends.draft.observe import observability
from archproof.frontends.draft.plan import Decision, Requirement
from archproof.frontends.draft.quantities import Reading
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import normalize, quote, slug
from archproof.frontends.draft.things import entity_noun
from archproof.frontends.yaml_loader import load_text
from archproof.model import Component, Design, Principle
from archproof.model.requirements import at_peak
from archproof.numbers import sig
from archproof.units import QUANTITY_BOUNDS, Duration, Size, parse_duration, parse_size

__all__ = ["Decision", "Draft", "Requirement", "draft"]

MAX_TASK_CHARS = 200_000  # ~30k words; longer text is cut (and the cut is a question)


@dataclass(frozen=True)
class Draft:
    """A drafted design: the YAML text, the loaded model, and how it was reached."""

    yaml: str
    design: Design
    name: str
    kind: str
    patterns: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    decisions: tuple[Decision, ...]
    open_questions: tuple[str, ...]
    figures: tuple[tuple[str, str], ...]
    reading: Reading = field(default_factory=lambda: Reading((), ()))  # every number, placed

    def decision(self, did: str) -> Decision | None:
        return next((d for d in self.decisions if d.id == did), None)


def draft(task: str) -> Draft:
    """Draft a design from a task in plain words. Never fails on odd text; a YAML the
    loader rejects would be a bug in the drafter and raises `InternalError`."""
    truncated = len(task) > MAX_TASK_CHARS
    text = normalize(task[:MAX_TASK_CHARS])
    found = extract(text)
    classification = classify(text, found.reading)
    constraints = read_constraints(text)
    _availability_words(found, constraints)
    if classification.kind == "coding":
        ctx = compose_coding(text, classification, found)
    else:
        ctx = compose(text, classification, found, constraints)
        if not classification.patterns:
            _vague(ctx)
    ctx.constraints = list(constraints)
    honour_constraints(ctx)
    _unplaced_numbers(ctx, found.reading)
    if truncated:
        ctx.ledger.ask(
            f"The task was cut at {MAX_TASK_CHARS:,} characters: is anything important after that?"
        )
    _within_model_bounds(ctx)
    _within_quantity_bounds(ctx)
    _figures(ctx)
    obs = observability(ctx)
    name = _name(text, classification.primary, entity_noun(text, found.reading))
    yaml = emit(
        ctx,
        name=name,
        kind=classification.kind,
        task=text,
        observability=obs,
        answers=_answers(ctx, text),
    )
    try:
        design = load_text(yaml, "<draft>")
    except DesignError as exc:
        first = exc.diagnostics[0].headline() if exc.diagnostics else str(exc)
        raise InternalError("the drafter", f"drafted YAML does not load: {first}") from exc
    return Draft(
        yaml=yaml,
        design=design,
        name=name,
        kind=classification.kind,
        patterns=tuple(p.id for p in classification.patterns) or ("crud",),
        requirements=tuple(ctx.ledger.requirements),
        decisions=tuple(ctx.decisions),
        open_questions=tuple(ctx.ledger.questions),
        figures=tuple(ctx.figures),
        reading=found.reading,
    )


def _availability_words(found: Extracted, constraints: list[ConstraintSpec]) -> None:
    """ "Highly available", "never down" with no figure: a 99.99% target, so the sizing
    gives stateful components on request paths a standby (instead of the 99.9% default)."""
    words = next((c for c in constraints if c.kind == "availability"), None)
    if words is None or found.first("availability") is not None:
        return
    found.figures.append(
        Figure(
            "availability",
            Fraction(9999, 10000),
            words.statement,
            0,
            note="'highly available' read as 99.99%",
        )
    )


def _unplaced_numbers(ctx: Ctx, reading: Reading) -> None:
    """A number the reader could not place is asked about, and recorded as an unchecked
    assumption (the design does not use it), so the report's section 1 shows it too."""
    questions = [item.question() for item in reading.unplaced]
    ctx.ledger.questions[:0] = [q for q in questions if q not in ctx.ledger.questions]
    for index, item in enumerate(reading.unplaced, 1):
        ctx.ledger.assume_entry(
            f"unplaced-number-{index}",
            f'the task\'s "{item.text}" ("{quote(item.sentence, 120)}") does not change the design',
            f"unplaced number: {item.reason}; an open question",
        )


def _within_model_bounds(ctx: Ctx) -> None:
    """A stated load so large that one component would need more instances than the model
    accepts is capped at the bound, and the cap is a question: the design must change
    (partition the work, batch it, or cache it), not just add machines."""
    for comp in ctx.comps.values():
        for attr in ("replicas", "read_replicas", "concurrency"):
            needed, bound = getattr(comp, attr), _upper_bound(attr)
            if isinstance(needed, int) and bound is not None and needed > bound:
                setattr(comp, attr, bound)
                ctx.ledger.ask(
                    f"{comp.id} would need {needed:,} {attr.replace('_', ' ')} at the stated "
                    f"load (capped at {bound:,}): how is this work partitioned, batched or "
                    "cached instead?"
                )


def _within_quantity_bounds(ctx: Ctx) -> None:
    """Figures past what a design may state (`units.QUANTITY_BOUNDS`: rates to 1G/s,
    durations to 100 years, sizes to 1 ZB, counts to 1000T; a peak factor to 1000) are
    written at the bound, and the cap is an open question: a task that large needs a
    different design, not a bigger number."""
    rate_max = QUANTITY_BOUNDS["rate"].high
    duration_max = QUANTITY_BOUNDS["duration"].high
    count_max = QUANTITY_BOUNDS["count"].high
    size_max = QUANTITY_BOUNDS["size"].high
    capped: list[str] = []

    def cap(value: Fraction, bound: Fraction, what: str) -> Fraction:
        if value > bound:
            capped.append(what)
            return bound
        return value

    for op in ctx.ops:
        if op.rate is not None:
            op.rate = cap(op.rate, rate_max, f"the rate of {op.id}")
    for entity in ctx.entities.values():
        if entity.growth is not None:
            entity.growth = cap(entity.growth, rate_max, f"the growth of {entity.id}")
        if entity.retention is not None:
            kept_for = parse_duration(entity.retention).seconds
            if kept_for > duration_max:
                entity.retention = str(Duration(cap(kept_for, duration_max, "the retention")))
    for event in ctx.events:
        event.volume = cap(event.volume, rate_max, f"the volume of {event.id}")
    load = ctx.load
    if load.retention_s is not None:
        load.retention_s = cap(load.retention_s, duration_max, "the retention")
    load.peak_factor = cap(load.peak_factor, Fraction(MAX_PEAK_FACTOR), "the peak factor")
    if load.users is not None:
        load.users = cap(load.users, count_max, "the user count")
    if load.dau is not None:
        load.dau = cap(load.dau, count_max, "the daily active users")
    if ctx.storage_total is not None:
        try:
            total = parse_size(ctx.storage_total).bytes
        except ValueError:
            total = Fraction(0)
        if total > size_max:
            capped.append("the storage total")
            ctx.storage_total = str(Size(size_max))
    kept: list[ConstraintLike] = []
    for spec in ctx.constraints:
        if isinstance(spec, ConstraintSpec):
            within = spec.within
            if within is not None and within > duration_max:
                within = cap(within, duration_max, f"the {spec.kind} bound")
            rate = spec.rate
            if rate is not None and rate > rate_max:
                rate = cap(rate, rate_max, f"the {spec.kind} rate")
            spec = replace(spec, within=within, rate=rate)
        kept.append(spec)
    ctx.constraints = kept
    if capped:
        ctx.ledger.ask(
            f"{', '.join(dict.fromkeys(capped))} exceed what a design can state and are "
            "written at the bound: is the task's scale right, and how is the work split?"
        )


MAX_PEAK_FACTOR = 1000


def _upper_bound(field: str) -> int | None:
    """The model's own upper bound on a component field (`le=` on the pydantic field)."""
    for meta in Component.model_fields[field].metadata:
        bound = getattr(meta, "le", None)
        if isinstance(bound, int):
            return bound
    return None


def _vague(ctx: Ctx) -> None:
    """A task naming no recognisable building block: ask what a design needs first."""
    for question in (
        "What is the one thing users must be able to do (the core use case)?",
        "Who are the users, and how many (daily active users, requests per second)?",
        "What data must be stored, and for how long?",
        "Which operations are most frequent, and which must be fast (latency targets)?",
        "Does it handle money, personal data or authentication (fail-closed paths)?",
        "Are there integrations with third-party APIs (email, payments, maps)?",
        "What are the constraints: team size, budget, deadline, cloud or on-premises?",
    ):
        ctx.ledger.ask(question)
    ctx.decide(
        "generic-start",
        "Generic starting point",
        "a stateless API over one primary database, nothing more",
        Principle.ST,
        "the task names no specific workload; add components only when requirements demand them",
    )


def _figures(ctx: Ctx) -> None:
    rates = op_rates(ctx, for_peak=True)  # so × the peak factor is each peak, flat work too
    averages = op_rates(ctx)
    sync = [op for op in ctx.ops if op.sync]
    total = sum((rates.get(op.id, Fraction(0)) for op in sync), Fraction(0))
    average = sum((averages.get(op.id, Fraction(0)) for op in sync), Fraction(0))

    def peak(rate: Fraction) -> str:
        # by the factor the YAML writes (3.33333, not 10/3): the lowered model's peak
        return per_s(float(at_peak(rate, written_factor(ctx.load.peak_factor))))

    factor = sig(float(ctx.load.peak_factor))
    burst = [op for op in sync if op.peak is not None]
    flat = sum(
        (averages.get(op.id, Fraction(0)) for op in sync if op.flat and op.peak is None),
        Fraction(0),
    )
    diurnal = average - flat - sum((averages.get(op.id, Fraction(0)) for op in burst), Fraction(0))
    how = f"average {per_s(float(diurnal))} × peak factor {factor}"
    if flat:  # scheduled work (devices reporting on a timer) peaks at its average
        how += f" + {per_s(float(flat))} flat, on a timer"
    if burst:  # a stated burst is that operation's own peak
        bursts = sum((rates.get(op.id, Fraction(0)) for op in burst), Fraction(0))
        how += f" + {peak(bursts)} in stated bursts"
    ctx.figures.insert(0, ("peak requests", f"{peak(total)} ({how})"))
    busiest = sorted(sync, key=lambda op: rates.get(op.id, Fraction(0)), reverse=True)[:3]
    for index, op in enumerate(busiest, 1):
        ctx.figures.insert(index, (f"peak {op.id}", peak(rates[op.id])))
    jobs = [op for op in ctx.ops if not op.sync and op.consumes]
    for op in jobs[:3]:
        ctx.figures.append((f"jobs {op.id}", peak(rates.get(op.id, Fraction(0))) + " at peak"))


_NAMED_BY_VERB = re.compile(
    r"\b(?:design|build|create|architect|implement)\s+(?:(?:an|a|the|our|my)\s+)?"
    r"([^:,.;()\n\"]{3,60}?)(?=\s+(?:that|which|for|with|to|where|using|in|handling|"
    r"supporting|serving|like|at|of)\b|[:,.;()\n\"]|$)",
    re.IGNORECASE,
)
# "We want an internal deployment system": the thing wanted, up to the kind of system
_NAMED_BY_WANT = re.compile(
    r"\b(?:want|need|are\s+building|build|run)\s+(?:an?|the|our|my)\s+((?:[\w-]+\s+){0,3}?"
    r"(?:system|service|app|platform|tool|site|website|api|backend))\b",
    re.IGNORECASE,
)
# A part named by its role, and what it serves: "the backend for a food ordering app"
_GENERIC_PARTS = frozenset({"backend", "back-end", "server", "api", "system", "service"})
_SERVED = re.compile(
    r"\s+for\s+(?:an?|the|our|my)\s+([^:,.;()\n\"]{3,40}?)(?=\s+(?:that|which|with|where|"
    r"using|in|like|where)\b|[:,.;()\n\"]|$)",
    re.IGNORECASE,
)
# a verb used as a noun names nothing: "a build takes about ten minutes"
_NOUN_BEFORE = re.compile(r"\b(?:a|an|the|each|every|one|this|that|its|our|my)\s*$", re.I)


def _name(text: str, primary: str, thing: str | None = None) -> str:
    """The system's name as the task writes it ("Design a URL shortener"), else its main
    block's; a generic one is named for its thing (`things.entity_noun`: order-system)."""
    match = next(
        (m for m in _NAMED_BY_VERB.finditer(text) if not _NOUN_BEFORE.search(text[: m.start()])),
        None,
    )
    match = match or _NAMED_BY_WANT.search(text)
    name = slug(match.group(1)) if match else ""
    served = _SERVED.match(text, match.end(1)) if match else None
    if name in _GENERIC_PARTS and served is not None:
        # "Build the backend for a food ordering app": named for what the part serves
        name = slug(served.group(1))
    if not name or name in ("system", "service", "app", "platform", "application"):
        name = {"crud": slug(thing or "") or "draft"}.get(primary, primary.replace("_", "-"))
        name += "-system"
    return name


def _answers(ctx: Ctx, text: str) -> dict[str, str]:
    answers: dict[str, str] = {}
    if text:
        first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        answers["Q1.1"] = f"From the task: {quote(first, 200)}"
    slice_ops = [op for op in (ctx.primary_write, ctx.primary_read) if op]
    if slice_ops:
        answers["Q6.1"] = (
            f"{' and '.join(dict.fromkeys(slice_ops))} end to end on the API "
            "and the primary store; background jobs and optional features next"
        )
    return answers
