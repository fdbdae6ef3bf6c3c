"""Numbers as people read them: one formatter for every stage that prints a figure.

Three significant digits, engineering units (µs / ms / s / min, /s, k/M/G, KB…PB, ×, %),
thousands separators past 999, and never `e+` notation: `1,468×`, not `1.47e+03×`;
`4.26 TB`, not `4.26075e+12 B`. The report, the terminal tables and the questions pass
all format through here, so the same figure reads the same everywhere (the summary's
bottleneck and Q4.1's are one string).

A leaf module: it imports nothing from archproof.
"""

from __future__ import annotations

import math
from fractions import Fraction

INFINITE = "∞"


def sig(value: float, digits: int = 3) -> str:
    """`value` to `digits` significant digits in plain notation (no exponent).

    Values of 10**digits and more are shown whole with separators (1,468); smaller ones
    round to `digits` significant digits with trailing zeros dropped (7.77, 0.0105).
    """
    if not math.isfinite(value):
        return INFINITE
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= digits - 1:
        return f"{value:,.0f}"
    decimals = min(digits - 1 - magnitude, 9)  # below 1e-9 a figure reads as 0
    text = f"{value:.{decimals}f}"
    # rounding can carry into a new digit (9.996 → 10.00): drop what is then superfluous
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text


def plain(value: float, digits: int = 6) -> str:
    """:func:`sig` without thousands separators, for text that is parsed again (a YAML
    quantity like `2.5ms`, a number rounded through `Fraction`): never `e+` either."""
    return sig(value, digits).replace(",", "")


def rounded(value: float, digits: int = 3) -> Fraction:
    """`value` rounded to `digits` significant digits, exactly (1.59e13 → 15,900,000,000,000):
    for a figure shown through a unit type (Size, Rate) that prints what it is given."""
    if value == 0 or not math.isfinite(value):
        return Fraction(0)
    places = digits - 1 - math.floor(math.log10(abs(value)))
    return Fraction(round(Fraction(value), places))


def seconds(value: float | None) -> str:
    """A duration in seconds as µs / ms / s / min."""
    if value is None or not math.isfinite(value):
        return INFINITE
    if value == 0:
        return "0 ms"
    if value < 1e-6:
        return "<1 µs"
    if value < 1e-3:
        return f"{sig(value * 1e6)} µs"
    if value < 1:
        return f"{sig(value * 1e3)} ms"
    if value < 120:
        return f"{sig(value)} s"
    if value < 7200:
        return f"{sig(value / 60)} min"
    if value < 172800:
        return f"{sig(value / 3600)} h"
    return f"{sig(value / 86400)} d"


def rate(value: float | None) -> str:
    """Calls or requests per second: 11.6k/s, 2.5M/s, 237/s, 0.5/s."""
    if value is None or not math.isfinite(value):
        return INFINITE
    if value >= 1e9:
        return f"{sig(value / 1e9)}G/s"
    if value >= 1e6:
        return f"{sig(value / 1e6)}M/s"
    if value >= 1e4:
        return f"{sig(value / 1e3)}k/s"
    if value >= 100:
        return f"{value:,.0f}/s"
    return f"{sig(value)}/s"


def percent(value: float | None, digits: int = 3) -> str:
    """A fraction as a percentage: 0.0657 → 6.57%; under 0.1% says so."""
    if value is None or not math.isfinite(value):
        return INFINITE
    if 0 < value < 0.001:
        return "<0.1%"
    return f"{sig(value * 100, digits)}%"


def nines(value: float | None) -> str:
    """Availability such as 0.99953 → 99.953% (digits enough to show the nines)."""
    if value is None or not math.isfinite(value):
        return "—"
    if value >= 1:
        return "100%"
    if value < 0.5:
        return percent(value)  # far from any nines: `:.Ng` printed 1e-10%
    digits = max(3, min(8, int(-math.log10(1 - value)) + 3))
    # Rounded down, never up: an availability printed is one the design reaches. Rounded
    # to nearest, 0.998999 printed as 99.9% beside a 99.9% target it violates, and
    # 0.9999999999 as 100%. (1e-6 of a last digit keeps 0.999 × 100 from reading 99.899%.)
    decimals = digits - 2
    floored = math.floor(value * 100 * 10**decimals + 1e-6) / 10**decimals
    return f"{floored:.{decimals}f}".rstrip("0").rstrip(".") + "%"


def size(value: float | None) -> str:
    """Bytes in decimal units: 4.26 TB, 500 B."""
    if value is None or not math.isfinite(value):
        return INFINITE
    for unit, scale in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if value >= scale:
            return f"{sig(value / scale)} {unit}"
    return f"{value:.0f} B"


def count(value: float | None) -> str:
    """A count with k / M / B / T: 7.28B rows."""
    if value is None or not math.isfinite(value):
        return INFINITE
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{sig(value / scale)}{unit}"
    return sig(value)


def factor(value: float | None) -> str:
    """A load factor: 7.77×, 1,468×."""
    if value is None or not math.isfinite(value):
        return INFINITE
    return f"{sig(value)}×"


def minutes(value: float | None) -> str:
    """A duration in minutes: 263 min, 4.38 h."""
    if value is None or not math.isfinite(value):
        return "—"
    if value >= 120:
        return f"{sig(value / 60)} h"
    return f"{sig(value)} min"


def _seconds_scale(value: float) -> float:
    """Seconds per unit `seconds(value)` shows its figure in."""
    for below, scale in ((1e-3, 1e-6), (1, 1e-3), (120, 1), (7200, 60), (172800, 3600)):
        if value < below:
            return scale
    return 86400


def band(low: float | None, high: float | None, *, like: float, unit: str) -> str:
    """A figure's band in the figure's own unit, unit left out: `(69.4–328)` beside
    `114 ms`, `(77.4–94.6)` beside `86%`; an open upper end is ∞. `unit` is "s" (scaled
    as `seconds(like)` is) or "%" (a fraction shown as a percentage)."""
    scale = _seconds_scale(like) if unit == "s" else 0.01

    def shown(x: float | None) -> str:
        return INFINITE if x is None or not math.isfinite(x) else sig(x / scale)

    return f"({shown(low)}–{shown(high)})"
