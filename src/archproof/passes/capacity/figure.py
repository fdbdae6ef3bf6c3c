"""`Figure`: a number together with the formula and the inputs that produced it.

Every figure the capacity pass reports is a `Figure`, so a reviewer can redo the
arithmetic by hand: `value` in `unit`, computed by `formula` from `inputs`.
`value` is None when the figure does not exist (a saturated queue has no finite
wait) or is unknown (a missing input); `status` says which.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from archproof.numbers import sig
from archproof.passes.capacity.status import Status

# Shorthands for the statuses figures use most.
OK = Status.OK
SATURATED = Status.SATURATED
UNKNOWN = Status.UNKNOWN
WARNING = Status.WARNING

Input = float | str


@dataclass(frozen=True, slots=True)
class Band:
    """A figure's sensitivity band: its value re-solved with every service time and every
    rate moved by ±`uncertainty` (one at a time; the lowest and highest of the results).
    `high` None: the design saturates at the upper inputs (no finite figure)."""

    low: float | None
    high: float | None
    uncertainty: float  # 0.1 = ±10%

    def to_json(self) -> dict[str, Any]:
        return {"low": _clean(self.low), "high": _clean(self.high), "uncertainty": self.uncertainty}


@dataclass(frozen=True, eq=False, slots=True)
class Figure:
    """A computed number, its unit, the formula, the inputs and a status; near the knee,
    the band its inputs' uncertainty spans (`sensitivity.py`)."""

    value: float | None
    unit: str
    formula: str
    inputs: Mapping[str, Input] = field(default_factory=dict)
    status: Status = OK
    band: Band | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None and self.status == OK

    def to_json(self) -> dict[str, Any]:
        out = {
            "value": _clean(self.value),
            "unit": self.unit,
            "formula": self.formula,
            "inputs": {k: _clean(v) if isinstance(v, float) else v for k, v in self.inputs.items()},
            "status": self.status.value,
        }
        if self.band is not None:  # only figures near the knee carry one
            out["band"] = self.band.to_json()
        return out

    def __repr__(self) -> str:
        shown = "None" if self.value is None else f"{self.value:.6g}"
        return f"Figure({shown} {self.unit}, {self.status}: {self.formula})"


def _clean(value: float | None) -> float | None:
    """JSON has no NaN/inf: map them to None (they never carry meaning here)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def figure(
    value: float | None,
    unit: str,
    formula: str,
    status: Status | None = None,
    **inputs: Input | None,
) -> Figure:
    """Shorthand: inputs as keywords (None inputs are dropped); status from the value."""
    shown = {k: v for k, v in inputs.items() if v is not None}
    if status is None:
        status = OK if value is not None else UNKNOWN
    return Figure(value, unit, formula, shown, status)


def unknown(unit: str, why: str) -> Figure:
    """A figure that cannot be computed, with the reason as its formula."""
    return Figure(None, unit, why, {}, UNKNOWN)


def to_jsonable(obj: Any) -> Any:
    """Recursively turn results (dataclasses with `to_json`, tuples, dicts) into JSON data."""
    if isinstance(obj, Enum):  # status words: their value, a plain string
        return obj.value
    if obj is None or isinstance(obj, str | bool | int):
        return obj
    if isinstance(obj, float):
        return _clean(obj)
    if isinstance(obj, Figure):
        return obj.to_json()
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    to_json = getattr(obj, "to_json", None)
    if callable(to_json):
        return to_json()
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    return obj


def inputs_text(inputs: Mapping[str, object], digits: int = 4) -> str:
    """A figure's inputs as a finding's evidence reads them: `lambda 770,800, servers 42`,
    plain digits (`:.4g` printed 7.708e+05, and 1e-12 for an unavailability)."""

    def shown(value: object) -> str:
        if not isinstance(value, float):
            return str(value)
        return "<0.000000001" if 0 < value < 1e-9 else sig(value, digits)

    return ", ".join(f"{k} {shown(v)}" for k, v in inputs.items())
