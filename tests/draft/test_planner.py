"""A planner: on a period a background job looks at all the current states and computes a
plan (routes for vans, a rota), within a deadline. fresh12's scooter battery swaps ("What we
want is a planner: every 15 minutes it looks at all the scooters and makes a route for each
of our 60 swap vans") had no planning operation at all."""

from __future__ import annotations

from fractions import Fraction

import pytest

from archproof.frontends.draft import draft
from archproof.passes.lower import QueueingModel
from archproof.pipeline import run

TASKS = [
    (
        "Okay so we run shared electric scooters in three cities, about 18,000 scooters in "
        "total. What we want is a planner: every 15 minutes it looks at all the scooters and "
        "makes a route for each of our 60 swap vans. A plan has to be ready within 90 seconds "
        "of the run starting.",
        Fraction(1, 900),
    ),
    # the same in other words
    (
        "A bakery chain delivers bread to 2,500 shops with 40 trucks. We need a route planner "
        "that runs every 30 minutes over all open orders and computes new routes for the "
        "trucks; the routes must be ready within 2 minutes.",
        Fraction(1, 1800),
    ),
]


@pytest.mark.parametrize(("task", "every"), TASKS)
def test_a_planner_is_a_background_run_on_its_period(task: str, every: Fraction) -> None:
    design = draft(task).design
    plans = [o for o in design.operations if not o.sync and ("plan" in o.id or "route" in o.id)]
    assert [o.id for o in plans][:1] and "worker" in {c.kind.value for c in design.components}
    model = run(design, passes=("lower",)).get(QueueingModel)
    assert model is not None
    assert abs(float(model.rate(plans[0].id).average) - float(every)) < 1e-9


def test_what_has_to_be_ready_is_the_noun_before_has() -> None:
    """'A plan has to be ready within 90 seconds' was read as making a 'has' (make_has)."""
    design = draft(
        "Meeting notes app: 20,000 meetings a day are uploaded as audio. A transcript has to "
        "be ready within 15 minutes after the upload."
    ).design
    ops = [o.id for o in design.operations]
    assert "make_transcript" in ops and "make_has" not in ops


def test_the_planner_makes_what_must_be_ready() -> None:
    design = draft(TASKS[0][0]).design
    assert [o.id for o in design.operations if not o.sync] == ["plan_routes"]
