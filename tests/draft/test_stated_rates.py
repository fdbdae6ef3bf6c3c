"""A stated rate of the task's main action is that operation's rate (issue 13, "the drafter
reads every number"): a stated peak is its peak (not × the peak factor again), and an
average and a peak stated for the same action give the peak factor, so the operation
carries both figures as the task states them."""

from __future__ import annotations

from archproof.frontends.draft import draft
from archproof.passes.lower import QueueingModel
from archproof.pipeline import run


def _rates(task: str) -> tuple[dict[str, tuple[float, float]], float]:
    drafted = draft(task)
    model = run(drafted.design, passes=("lower",)).get(QueueingModel)
    assert model is not None
    rates = {
        op.id: (model.rate(op.id).average, model.rate(op.id).peak)
        for op in drafted.design.operations
        if op.sync
    }
    return rates, float(drafted.design.requirements.load.peak_factor)


def test_a_stated_spike_is_the_bookings_peak_beside_a_monthly_average() -> None:
    # the outsider's restaurant task: peak hold_table came out at 1.16/s
    rates, factor = _rates(
        "Design a restaurant reservation system like OpenTable. 20,000 restaurants list their "
        "tables; diners search by city, date and party size and book a table. There are about "
        "1 million reservations a month, with a spike on Friday and Saturday evenings of 200 "
        "bookings per second. A table must never be booked twice for the same time slot."
    )
    average, peak = rates["hold_table"]
    assert round(peak) == 200
    assert round(average * 30 * 86400) == 1_000_000
    assert round(factor, 1) == 518.4


def test_a_stated_peak_alone_is_not_multiplied_again() -> None:
    rates, _ = _rates(
        "Design a restaurant reservation system. Diners book tables; at peak we see 200 "
        "bookings per second. A table must never be booked twice for the same time slot."
    )
    assert round(rates["hold_table"][1]) == 200

