"""Number formatting shared by the report's sections: figures as people read them."""

from __future__ import annotations

from archproof.numbers import (
    band,
    count,
    factor,
    minutes,
    nines,
    percent,
    rate,
    seconds,
    sig,
    size,
)
from archproof.passes.capacity.figure import Figure
from archproof.passes.capacity.status import Status

# One formatter for every stage (archproof/numbers.py); re-exported for the sections.
__all__ = [
    "NOT_COMPUTED",
    "count",
    "factor",
    "figure",
    "minutes",
    "nines",
    "percent",
    "rate",
    "seconds",
    "size",
]

NOT_COMPUTED = "not computed"


def figure(fig: Figure | None, kind: str = "") -> str:
    """A figure by its unit (or `kind`): saturated and unknown figures say so."""
    if fig is None:
        return NOT_COMPUTED
    if fig.value is None:
        return "saturated" if fig.status == Status.SATURATED else NOT_COMPUTED
    value = fig.value
    kind = kind or {"s": "s", "1/s": "rate", "×": "factor", "B": "size"}.get(fig.unit, "")
    shown = {
        "s": seconds,
        "rate": rate,
        "factor": factor,
        "size": size,
        "pct": percent,
        "nines": nines,
        "count": count,
        "min": minutes,
    }.get(kind)
    if shown is not None:
        text = shown(value)
        if fig.band is not None and fig.band.low is not None and kind in ("s", "pct"):
            # near the knee: the figure with its inputs ±10%, `114 ms (69.4–328)`
            text += " " + band(
                fig.band.low, fig.band.high, like=value, unit="s" if kind == "s" else "%"
            )
        return text
    return sig(value, 4) + (f" {fig.unit}" if fig.unit else "")
