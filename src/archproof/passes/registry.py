"""The explicit, ordered list of passes. A pass appears after every pass it requires."""

from __future__ import annotations

from archproof.passes import capacity, lower, questions, review
from archproof.passes.base import Pass
from archproof.passes.simulate.pass_ import PASS as SIMULATE

# Each pass module exposes a `PASS` object; the order here is the run order.
PASSES: tuple[Pass, ...] = (lower.PASS, capacity.PASS, review.PASS, questions.PASS, SIMULATE)
