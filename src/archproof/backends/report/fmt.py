"""Number formatting shared by the report's sections: figures as people read them."""

from __future__ import annotations

import math

from archproof.passes.capacity.figure import Figure
from archproof.passes.capacity.status import Status

NOT_COMPUTED = "not computed"


def seconds(value: float | None) -> str:
    """A duration in seconds as µs / ms / s / min."""
    if value is None or not math.isfinite(value):
        return "∞"
    if value == 0:
        return "0 ms"
    if value < 1e-3:
        return f"{value * 1e6:.3g} µs"
    if value < 1:
        return f"{value * 1e3:.3g} ms"
    if value < 120:
        return f"{value:.3g} s"
    return f"{value / 60:.3g} min"


def rate(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "∞"
    if value >= 1e6:
        return f"{value / 1e6:.3g}M/s"
    if value >= 1e4:
        return f"{value / 1e3:.3g}k/s"
    if value >= 100:
        return f"{value:,.0f}/s"
    return f"{value:.3g}/s"


def percent(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "∞"
    if 0 < value < 0.001:
        return "<0.1%"
    return f"{value * 100:.{digits}g}%"


def nines(value: float | None) -> str:
    """Availability such as 0.99953 → 99.953%."""
    if value is None or not math.isfinite(value):
        return "—"
    if value >= 1:
        return "100%"
    digits = max(3, min(8, int(-math.log10(1 - value)) + 3))
    return f"{value * 100:.{digits}g}%"


def size(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "∞"
    for unit, scale in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.0f} B"


def count(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "∞"
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g}{unit}"
    return f"{value:.3g}"


def factor(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "∞"
    if value >= 1000:
        return f"{value:,.0f}×"
    return f"{value:.3g}×"


def minutes(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if value >= 120:
        return f"{value / 60:.3g} h"
    return f"{value:.3g} min"


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
        return shown(value)
    return f"{value:.4g}" + (f" {fig.unit}" if fig.unit else "")
