"""A planner: on a period ("every 15 minutes") a scheduled job reads the current state of
everything it plans over (all the scooters, all open orders) and computes a plan from it
(routes for the vans, a rota), which must be ready within a deadline ("within 90 seconds
of the run starting"). It is background work: nobody waits on a request for it, and one
run covers everything, so its rate is one run per period, whatever the fleet's size.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.classify import PATTERNS
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.units import Duration

PLANNER = PATTERNS["planner"][1]
# What a run makes: "makes a route for each van", "computes new routes", "builds the rota".
_MAKES = re.compile(
    r"\b(?:make|makes|compute|computes|build|builds|produce|produces|generate|generates"
    r"|create|creates)\s+(?:an?\s+|the\s+|new\s+|fresh\s+)*([a-z]+)",
    re.IGNORECASE,
)
# "must be ready within 90 seconds", "has to finish in under 2 minutes"
_WITHIN = re.compile(r"\b(?:in|within|under)\s*(?:<\s*|less\s+than\s+)?$", re.IGNORECASE)
# How often a planner runs when the task gives no period (assumed).
DEFAULT_PERIOD = Fraction(900)


def _sentences(ctx: Ctx) -> tuple[str, str]:
    """The sentence naming the planner, and it with the next one (where a planner's
    period and product are often said: "What we want is a planner: every 15 minutes it ...")."""
    match = re.search(PLANNER, ctx.text, re.IGNORECASE)
    if match is None:
        return "", ""
    start = max(ctx.text.rfind(". ", 0, match.start()), ctx.text.rfind("\n", 0, match.start()))
    end = ctx.text.find(". ", match.end())
    end = end if end >= 0 else len(ctx.text)
    return ctx.text[start + 1 : end], ctx.text[start + 1 :]


def _period(ctx: Ctx, sentence: str) -> Quantity | None:
    """The interval stated in the planner's sentence ("every 15 minutes")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit == "seconds" and q.role == "interval" and q.text in sentence:
            return q
    return None


def _deadline(ctx: Ctx, period: Quantity | None) -> Quantity | None:
    """A time the plan must be ready within, in a sentence that speaks of the plan or its
    run ("A plan has to be ready within 90 seconds")."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "seconds" or q is period or q.role == "retention":
            continue
        if not re.search(r"\b(?:plans?|routes?|runs?|planner)\b", q.sentence, re.IGNORECASE):
            continue
        if _WITHIN.search(ctx.text[max(0, q.start - 20) : q.start]):
            return q
    return None


def planner(ctx: Ctx) -> None:
    sentence, onwards = _sentences(ctx)
    period_q = _period(ctx, sentence) or _period(ctx, onwards[: len(sentence) + 200])
    period = period_q.value if period_q is not None else DEFAULT_PERIOD
    if period_q is None:
        ctx.ledger.assumed(
            "planning period",
            str(Duration(period)),
            "a common replanning period, when the task gives none",
            "planning-period",
            "How often must the plan be recomputed?",
        )
    made = _MAKES.search(onwards)
    product = singular(made.group(1).lower()) if made else "plan"
    op_id = f"plan_{product}s" if product != "plan" else "run_planner"
    deadline_q = _deadline(ctx, period_q)
    every = f'"{period_q.text}"' if period_q is not None else f"{Duration(period)} (assumed)"
    ctx.entity("Plan")
    ctx.entity("JobRun")
    worker = ctx.comp("worker")
    worker.work["compute_plan"] = {"lognormal": {"p50": "2s", "p99": "20s"}}
    worker.work_notes["compute_plan"] = (
        "solve the plan in memory from the states read (assumed: a heuristic solver with a "
        "time budget inside the deadline)"
    )
    slo = {"p99": deadline_q.value} if deadline_q is not None else {}
    ctx.op(
        OpSpec(
            id=op_id,
            description=f"The planner's run: read the current state of everything planned over, "
            f"compute the {product}s and store them for the people who follow them",
            pattern="planner",
            rate=1 / period,
            rate_note=f"one run every {every} (1 / {Duration(period)})",
            sync=False,
            flat=True,  # a timer starts the runs: no diurnal peak
            reads=False,
            idempotency_key="the run's start time: a rerun replaces the same run's Plan",
            slo=slo,
            slo_note=f'from the task: "{deadline_q.text}"' if deadline_q is not None else None,
            calls=[
                CallSpec(
                    "worker.compute_plan",
                    calls=[
                        ctx.db("read", "the latest state of everything planned over (one scan)"),
                        ctx.db("write", f"the run's {product}s as one Plan", idempotent=True),
                    ],
                )
            ],
            keywords=("plan", "planner", "route", "run"),
            rationale="a plan over everything is computed on a timer in the background, "
            "never inside a request",
        )
    )
    ctx.decide(
        "planner",
        "A scheduled planner run, off the request path",
        f"every {every} a scheduler starts one run; a worker reads the latest states, "
        f"computes the {product}s and stores them as one Plan",
        Principle.OP,
        "one run covers everything, so its load is one run per period; what bounds it is "
        "the time to read the states and solve, which must fit the deadline",
        "worker",
    )
    ctx.use_cases += [f"Compute the {product}s on a timer"]
    ctx.ledger.ask(
        "What does the planner optimise (distance, urgency), and what happens when a run "
        "misses its deadline?"
    )
