"""Words that name money only beside money: a patient's transfer, a robot's charge or a
ledger of points are not payments (fresh9's hospital beds were drafted as card payments
because of 'transfer')."""

from __future__ import annotations

import pytest

from archproof.frontends.draft.classify import classify
from archproof.frontends.draft.quantities import read_quantities
from archproof.frontends.draft.text import normalize


def _blocks(task: str) -> set[str]:
    text = normalize(task)
    return {p.id for p in classify(text, read_quantities(text)).patterns}


@pytest.mark.parametrize(
    "task",
    [
        "A warehouse robot fleet: 2,000 robots, each goes back to its dock about 6 times a "
        "day, and a robot's charge level is reported every 30 seconds.",
        # a payload is no payment
        "Drone fleet tracking: 5,000 drones report their battery charge and payload weight "
        "every 10 seconds.",
        "Airport baggage tracking: 150,000 bags a day, each scanned at check-in, at every "
        "transfer between flights and at the carousel.",
    ],
)
def test_a_money_word_without_money_is_not_a_payment(task: str) -> None:
    assert "payments" not in _blocks(task)


@pytest.mark.parametrize(
    "task",
    [
        "Subscription billing for a streaming service: 3M subscribers charged $9.99 a month.",
        "Bank transfers between customers' accounts: 2 million transfers of funds a day.",
    ],
)
def test_a_money_word_beside_money_is_a_payment(task: str) -> None:
    assert "payments" in _blocks(task)


@pytest.mark.parametrize(
    "task",
    [
        # fresh12's battery swaps: the money is what the swaps cost us, nothing is charged
        "Shared scooters: 18,000 scooters, and the thing that eats our money is swapping "
        "batteries. Each scooter reports its charge level every 2 minutes.",
        # the same in other words
        "Our delivery robots cost us a lot of money in downtime: 900 robots report their "
        "charge every 30 seconds, and a planner sends the flat ones to a dock.",
    ],
)
def test_money_spent_by_us_is_no_payment(task: str) -> None:
    assert "payments" not in _blocks(task)


def test_money_spent_beside_money_paid_is_still_a_payment() -> None:
    assert "payments" in _blocks(
        "Failed card charges cost us money: 2 million customers are charged $5 a month."
    )
