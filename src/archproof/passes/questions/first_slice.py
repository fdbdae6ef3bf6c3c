"""The minimal useful slice (question 6.1): what to build first, and what can wait.

Computed here once; the answer to Q6.1, the report's section 6 and its executive summary
all read this result, so one document cannot name two different slices.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from archproof.model import Design, Operation
from archproof.passes.lower import peak_rate as lowered_peak
from archproof.passes.questions.derive import Found, _all_calls, _calls
from archproof.passes.summary import operation_rate


@dataclass(frozen=True)
class SliceOperation:
    """A user-facing operation of the first slice."""

    id: str
    peak_rate: Fraction | None  # requests/s at peak; None when the design gives no rate
    components: tuple[str, ...]  # what it fails closed on or waits for, in call order
    critical: bool


@dataclass(frozen=True)
class Deferred:
    """A component the first slice can do without, and why (one reason per use)."""

    component: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class FirstSlice:
    """The user-facing synchronous operations, busiest first, on the components they cannot
    do without; fail-open dependencies, async hand-offs and background jobs come later."""

    operations: tuple[SliceOperation, ...]
    components: tuple[str, ...]
    later: tuple[Deferred, ...]
    jobs: tuple[str, ...]  # background operations (queue consumers, async jobs)

    @property
    def is_whole_design(self) -> bool:
        """Nothing is left out: the slice is everything the design has."""
        return not self.later and not self.jobs

    def headline(self) -> str:
        """One line naming the slice: its operations and the components they need."""
        ops = ", ".join(op.id for op in self.operations)
        return f"{ops} on {', '.join(self.components)}"


def plan_first_slice(design: Design) -> FirstSlice | None:
    """The first slice of `design`; None when it has no user-facing operation with calls."""
    user_ops = [op for op in design.operations if op.sync and not op.consumes and op.calls]
    if not user_ops:
        return None
    needed: dict[str, None] = {}
    per_op: dict[str, dict[str, None]] = {op.id: {} for op in user_ops}
    for op in user_ops:
        for call in _calls(op):
            if not call.optional:
                needed[call.node.component] = None
                per_op[op.id][call.node.component] = None
    later: dict[str, dict[str, None]] = {}
    for call in _all_calls(design):
        component = call.node.component
        if component in needed:
            continue
        if call.op not in user_ops:
            why = f"background job {call.op.id}"
        elif call.node.async_:
            why = f"async hand-off in {call.op.id}"
        else:
            why = f"fails open in {call.op.id}"
        later.setdefault(component, {})[why] = None

    def peak_rate(op: Operation) -> Fraction | None:
        rate = operation_rate(design, op)
        return lowered_peak(rate, design.requirements.load) if rate is not None else None

    ranked = sorted(user_ops, key=lambda op: -(operation_rate(design, op) or 0))
    return FirstSlice(
        operations=tuple(
            SliceOperation(op.id, peak_rate(op), tuple(per_op[op.id]), op.critical) for op in ranked
        ),
        components=tuple(needed),
        later=tuple(Deferred(c, tuple(why)) for c, why in later.items()),
        jobs=tuple(op.id for op in design.operations if op not in user_ops),
    )


def first_slice_answer(design: Design, first: FirstSlice | None) -> Found | None:
    """The answer to Q6.1; None when the slice is the whole design (nothing to leave out:
    only the author can say more)."""
    if first is None or first.is_whole_design:
        return None

    def shown(op: SliceOperation) -> str:
        if op.peak_rate is None:
            return op.id
        return f"{op.id} ({float(op.peak_rate):,.1f}/s at peak)"

    lines = [
        f"Build first: {', '.join(shown(op) for op in first.operations)} end to end on "
        f"{', '.join(first.components)} (the dependencies they fail closed on or wait for)."
    ]
    lines += [f"Later: {d.component} ({'; '.join(d.reasons)})" for d in first.later]
    if first.jobs:
        lines.append(f"Later: background jobs {', '.join(first.jobs)}")
    return lines, [f"operation:{op.id}" for op in design.operations]
