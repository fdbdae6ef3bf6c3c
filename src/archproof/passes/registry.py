"""The explicit, ordered list of passes. A pass appears after every pass it requires."""

from __future__ import annotations

from typing import Any

from archproof.passes import capacity, lower, questions, review
from archproof.passes.base import Pass
from archproof.passes.codegen import PASS as CODE
from archproof.passes.simulate.pass_ import PASS as SIMULATE

# Each pass module exposes a `PASS` object; the order here is the run order. Each declares
# its result type, the key of its result in `Results` (one pass per type).
PASSES: tuple[Pass[Any], ...] = (
    lower.PASS,
    capacity.PASS,
    review.PASS,
    questions.PASS,
    SIMULATE,
    CODE,
)
