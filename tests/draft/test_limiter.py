"""A rate limiter's burst ("bursts up to 20") is its token buckets' capacity: placed, and used
to size the buckets (issue 13, draft7)."""

from __future__ import annotations

import functools

import pytest

from archproof.frontends.draft import Draft, draft
from archproof.frontends.draft.quantities import Quantity, read_quantities
from archproof.frontends.draft.text import normalize
from archproof.passes.lower import lower

SYSTEM = (
    "Design a rate limiter: each user may make 10 requests per second, with bursts up to 20; "
    "20k requests per second across 8 gateway nodes"
)
CODING = (
    "Implement a rate limiter class in Python: each user may make 10 requests per second, "
    "with bursts up to 20; 20k requests per second across 8 gateway nodes."
)


@functools.cache
def _draft(task: str) -> Draft:
    return draft(task)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        (SYSTEM, "20;"),
        ("Each API key gets 100 requests per minute with a burst of 30.", "30"),
        ("Limit clients to 5 requests per second, burst size 15.", "15"),
    ],
)
def test_a_burst_is_placed_as_the_bucket_capacity(text: str, at: str) -> None:
    words = normalize(text)
    reading = read_quantities(words)
    item = reading.covering(words.index(at))
    assert isinstance(item, Quantity), f"{at!r} not placed: {item}"
    assert item.role == "burst" and item.unit == "count" and item.period is None
    assert item.value == int(at.rstrip(";"))


@pytest.mark.parametrize("task", [SYSTEM, CODING], ids=["system", "coding"])
def test_the_burst_sizes_the_buckets(task: str) -> None:
    """'bursts up to 20' was left unplaced and asked about; it is the bucket's capacity
    (a client may spend 20 at once, refilled at its 10 a second), and per-node buckets
    split it with the limit."""
    d = _draft(task)
    assert not [u for u in d.reading.unplaced if u.text == "20"], d.reading.unplaced
    decisions = " ".join(f"{x.choice} {x.because}" for x in d.decisions)
    assert "capacity 20" in decisions, decisions
    placement = d.decision("limiter-placement")
    assert placement is not None
    assert "20 ÷ 8 nodes = 2.5" in placement.because, placement.because
    assert not any("Are bursts allowed" in q for q in d.open_questions)


def test_a_per_user_limit_is_not_the_load() -> None:
    """'each user may make 10 requests per second' is a limit, not a habit: the draft took
    it × 10k assumed DAU = 100k/s as the load, over the task's own 20k requests a second."""
    d = _draft(SYSTEM)
    assert lower(d.design).rate("check_limit").average == pytest.approx(20_000)
