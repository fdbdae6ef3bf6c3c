"""Exact parsing and formatting of quantities as people write them.

Every quantity is held as a `fractions.Fraction`, never a float: ``0.1`` given as a float
is read through ``Fraction(str(0.1))`` so it stays ``1/10``. Formatting is exact too, and
``parse_x(format_x(v)) == v`` holds for every value the parsers and the arithmetic produce.

Grammar (whitespace is allowed between the parts)::

    number   := digits ["." digits] [exponent]    "1.5", "1,000,000", "2e6"
              | "(" digits "/" digits ")"          "(1/3)"  -- exact fraction
    count    := number [k|K|M|B|G|T]               "10k", "1.2B" (B and G are both 1e9)
    rate     := count "/" unit | count "per" unit | count ("rps"|"qps"|"req/s")
    duration := number (ns|us|µs|ms|s|sec|m|min|h|d)   ("m" is a minute; bare 0 is allowed)
    size     := number (B|KB|kB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)
    percent  := number "%"                          within [0, 100]
    ratio    := number ":" number                   both parts positive

Calendar conventions for rates: a **month is 30 days** and a **year is 365 days**, so
``100M/month`` is ``100_000_000 / 2_592_000`` per second.

The formatters pick the shortest readable form (``38.5/s``, ``100M/month``, ``2ms``). When
no unit gives a terminating decimal of reasonable length they fall back to the exact
fraction syntax above, e.g. ``(1/3)s`` or ``(1/7)/s``; the parsers accept it everywhere a
number is allowed.
"""

from __future__ import annotations

import builtins
import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar, overload

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, SchemaSerializer, core_schema

__all__ = [
    "Count",
    "Duration",
    "Percent",
    "Rate",
    "Ratio",
    "Size",
    "UnitError",
    "format_count",
    "format_duration",
    "format_percent",
    "format_rate",
    "format_ratio",
    "format_size",
    "parse_count",
    "parse_duration",
    "parse_percent",
    "parse_rate",
    "parse_ratio",
    "parse_size",
]


class UnitError(ValueError):
    """A quantity that could not be read. `str(e)` is the message; `hint` says how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- unit tables

_DAY = 86_400

# (canonical name used when formatting, seconds per unit, accepted spellings)
_RATE_UNITS: tuple[tuple[str, Fraction, tuple[str, ...]], ...] = (
    ("s", Fraction(1), ("s", "sec", "secs", "second", "seconds")),
    ("min", Fraction(60), ("min", "mins", "minute", "minutes")),
    ("h", Fraction(3600), ("h", "hr", "hrs", "hour", "hours")),
    ("day", Fraction(_DAY), ("d", "day", "days")),
    ("week", Fraction(7 * _DAY), ("w", "wk", "wks", "week", "weeks")),
    ("month", Fraction(30 * _DAY), ("mo", "mos", "month", "months")),  # 30 days
    ("year", Fraction(365 * _DAY), ("y", "yr", "yrs", "year", "years")),  # 365 days
)
_RATE_WORDS = ("rps", "qps", "req/s", "req/sec")

_DURATION_UNITS: tuple[tuple[str, Fraction, tuple[str, ...]], ...] = (
    ("ns", Fraction(1, 10**9), ("ns", "nsec")),
    ("us", Fraction(1, 10**6), ("us", "µs", "μs", "usec")),  # micro sign and Greek mu
    ("ms", Fraction(1, 10**3), ("ms", "msec")),
    ("s", Fraction(1), ("s", "sec", "secs", "second", "seconds")),
    ("min", Fraction(60), ("m", "min", "mins", "minute", "minutes")),
    ("h", Fraction(3600), ("h", "hr", "hrs", "hour", "hours")),
    ("d", Fraction(_DAY), ("d", "day", "days")),
)

# Binary units first: durations and sizes break ties towards the later (larger) unit, so
# listing decimal units last makes a decimal spelling win a tie against a binary one.
_SIZE_UNITS: tuple[tuple[str, Fraction, tuple[str, ...]], ...] = (
    ("KiB", Fraction(2**10), ("KiB",)),
    ("MiB", Fraction(2**20), ("MiB",)),
    ("GiB", Fraction(2**30), ("GiB",)),
    ("TiB", Fraction(2**40), ("TiB",)),
    ("PiB", Fraction(2**50), ("PiB",)),
    ("B", Fraction(1), ("B", "byte", "bytes")),
    ("KB", Fraction(10**3), ("KB", "kB")),
    ("MB", Fraction(10**6), ("MB",)),
    ("GB", Fraction(10**9), ("GB",)),
    ("TB", Fraction(10**12), ("TB",)),
    ("PB", Fraction(10**15), ("PB",)),
)

_COUNT_SUFFIXES: dict[str, Fraction] = {
    "k": Fraction(10**3),
    "K": Fraction(10**3),
    "M": Fraction(10**6),
    "B": Fraction(10**9),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
}
# Formatting order: larger suffix first, so a tie ("1200" vs "1.2k") picks the suffix.
_COUNT_FORMAT = (("T", 10**12), ("B", 10**9), ("M", 10**6), ("k", 10**3), ("", 1))


def _alias_map(table: Sequence[tuple[str, Fraction, tuple[str, ...]]]) -> dict[str, Fraction]:
    return {alias: factor for _, factor, aliases in table for alias in aliases}


_RATE_ALIASES = _alias_map(_RATE_UNITS)
_DURATION_ALIASES = _alias_map(_DURATION_UNITS)
_SIZE_ALIASES = _alias_map(_SIZE_UNITS)


# --------------------------------------------------------------------------- numbers

_NUM = (
    r"(?:\(\s*[0-9]+\s*/\s*[0-9]+\s*\)"
    r"|(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)"
)
_LEAD = re.compile(r"(?P<sign>[-+]?)\s*(?P<num>" + _NUM + ")")
_FRACTION_LITERAL = re.compile(r"\(\s*([0-9]+)\s*/\s*([0-9]+)\s*\)")
_MAX_EXPONENT = 100
_MAX_FRACTION_DIGITS = 12


def _show(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _number_value(literal: str, kind: str, text: str) -> Fraction:
    try:
        frac = _FRACTION_LITERAL.fullmatch(literal)
        if frac is not None:
            numerator, denominator = int(frac.group(1)), int(frac.group(2))
            if denominator == 0:
                raise UnitError(
                    f"division by zero in {kind} '{_show(text)}'", "use a non-zero denominator"
                )
            return Fraction(numerator, denominator)
        mantissa, _, exponent = literal.replace(",", "").lower().partition("e")
        if exponent and abs(int(exponent)) > _MAX_EXPONENT:
            raise UnitError(
                f"exponent too large in {kind} '{_show(text)}'",
                f"exponents are limited to ±{_MAX_EXPONENT}",
            )
        value = Fraction(mantissa)
        return value * Fraction(10) ** int(exponent) if exponent else value
    except UnitError:
        raise
    except (ValueError, ZeroDivisionError, OverflowError) as exc:  # e.g. too many digits
        raise UnitError(
            f"invalid number in {kind} '{_show(text)}'",
            f"use a shorter number ({exc.__class__.__name__})",
        ) from None


def _lead(text: object, kind: str, example: str) -> tuple[str, bool, Fraction, str]:
    """Split `text` into (stripped text, negative?, leading number, rest after the number)."""
    if not isinstance(text, str):
        raise UnitError(
            f"expected a {kind} string, got {type(text).__name__}", f"write e.g. '{example}'"
        )
    stripped = text.strip()
    if not stripped:
        raise UnitError(f"empty {kind}", f"write e.g. '{example}'")
    match = _LEAD.match(stripped)
    if match is None:
        raise UnitError(f"invalid {kind} '{_show(stripped)}'", f"write e.g. '{example}'")
    value = _number_value(match.group("num"), kind, stripped)
    return stripped, match.group("sign") == "-", value, stripped[match.end() :].strip()


def _check_sign(negative: bool, value: Fraction, kind: str, text: str, example: str) -> None:
    if negative and value != 0:
        raise UnitError(
            f"negative {kind} '{_show(text)}'", f"a {kind} cannot be negative, e.g. '{example}'"
        )


def _unknown_unit(kind: str, unit: str, names: Sequence[str], valid: str) -> UnitError:
    close = difflib.get_close_matches(unit, names, n=1, cutoff=0.6)
    if not close:
        close = [n for n in names if n.lower() == unit.lower()][:1]
    hint = f"valid units: {valid}"
    if close:
        hint = f"did you mean '{close[0]}'? {hint}"
    return UnitError(f"unknown {kind} unit '{_show(unit)}'", hint)


def _float_fraction(value: builtins.float, kind: str) -> Fraction:
    if value != value or value in (builtins.float("inf"), builtins.float("-inf")):
        raise UnitError(f"invalid {kind} {value!r}", "use a finite number")
    return Fraction(str(value))


def _scalar(value: object) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, builtins.float):
        return _float_fraction(value, "number")
    return None


def _normalise(value: object, owner: str) -> Fraction:
    scalar = _scalar(value)
    if scalar is None:
        raise TypeError(f"{owner} needs a Fraction or int, got {type(value).__name__}")
    return scalar


def _decimal(value: Fraction) -> str | None:
    """`value` as a terminating decimal with at most a few fraction digits, else None."""
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    digits = max(twos, fives)
    if rest != 1 or digits > _MAX_FRACTION_DIGITS:
        return None
    scaled = abs(value.numerator) * 10**digits // value.denominator
    text = str(scaled).rjust(digits + 1, "0")
    if digits:
        text = f"{text[:-digits]}.{text[-digits:]}"
    return "-" + text if value < 0 else text


def _fraction_text(value: Fraction) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}({abs(value.numerator)}/{value.denominator})"


def _exact(value: Fraction) -> str:
    return _decimal(value) or _fraction_text(value)


def _count_text(value: Fraction) -> str | None:
    """Shortest decimal count spelling with a suffix (`1.5k`), or None if not terminating."""
    best: str | None = None
    for suffix, factor in _COUNT_FORMAT:
        if suffix and value < factor:
            continue
        text = _decimal(value / factor)
        if text is not None and (best is None or len(text) + len(suffix) < len(best)):
            best = text + suffix
    return best


def _shortest(candidates: Sequence[str]) -> str:
    # Shortest wins; among equals, one without a leading "0." ("300us" over "0.3ms"), then
    # the first (min() is stable), so the table order breaks the remaining ties.
    return min(candidates, key=lambda text: (len(text), text.startswith("0.")))


def _format_in_units(
    value: Fraction,
    units: Sequence[tuple[str, Fraction]],
    number: Callable[[Fraction], str | None],
    join: str = "",
    prefer_larger: bool = False,
) -> str:
    """Shortest `<number><join><unit>` over `units`; a tie goes to the earlier unit, or to the
    later one with `prefer_larger` ("2min" over "120s", but "40/min" over "2.4k/h").
    Zero is written in the unit whose factor is 1 ("0s", "0B", "0/s")."""
    if value == 0:
        return next(f"0{join}{name}" for name, factor in units if factor == 1)
    if prefer_larger:
        units = units[::-1]
    decimals = [
        f"{text}{join}{name}"
        for name, factor in units
        if (text := number(value / factor)) is not None
    ]
    if decimals:
        return _shortest(decimals)
    return _shortest([f"{_fraction_text(value / factor)}{join}{name}" for name, factor in units])


# --------------------------------------------------------------------------- pydantic glue

_T = TypeVar("_T")


def _to_text_in_json(value: object, info: core_schema.SerializationInfo) -> object:
    return str(value) if info.mode_is_json() else value


# pydantic serialises any dataclass it meets by inference as a dict of its fields, which
# would turn `Duration` into `{"seconds": "3/1000"}`: in Python mode where a field has no
# serializer of its own, and in JSON mode inside `Any`-typed containers. An object that
# carries `__pydantic_serializer__` is serialised with it instead: JSON gets the format
# string, and Python mode gets the instance back (pydantic returns an object it is already
# serialising unchanged in Python mode).
_SERIALIZER = SchemaSerializer(
    core_schema.any_schema(
        serialization=core_schema.plain_serializer_function_ser_schema(
            _to_text_in_json, info_arg=True
        )
    )
)


def _serializable(cls: type[_T]) -> type[_T]:
    setattr(cls, "__pydantic_serializer__", _SERIALIZER)  # noqa: B010 - not a declared attribute
    return cls


def _pydantic_error(err: UnitError) -> PydanticCustomError:
    ctx: dict[str, Any] = {"message": err.message}
    if err.hint is not None:
        ctx["hint"] = err.hint
    return PydanticCustomError("unit_error", "{message}", ctx)


def _core_schema(
    cls: type[_T],
    parse: Callable[[Any], _T],
    fmt: Callable[[_T], str],
    kind: str,
    example: str,
    numbers: bool = False,
) -> core_schema.CoreSchema:
    def validate(value: Any) -> _T:
        if isinstance(value, cls):
            return value
        try:
            if isinstance(value, str):
                parsed = parse(value)
            elif isinstance(value, int | builtins.float) and not isinstance(value, bool):
                # A YAML number: a count takes it as is; other kinds read its text so that
                # `timeout: 3` says "duration '3' has no unit" rather than "not a string".
                parsed = parse(value if numbers else str(value))
            else:
                raise UnitError(
                    f"expected a {kind} like '{example}', got {_kind_of(value)}",
                    f"write e.g. '{example}'",
                )
            return parsed
        except UnitError as err:
            raise _pydantic_error(err) from None

    return core_schema.no_info_plain_validator_function(
        validate,
        serialization=core_schema.plain_serializer_function_ser_schema(
            fmt, when_used="json-unless-none"
        ),
    )


def _kind_of(value: object) -> str:
    """A YAML value's type in the user's words (never our class names)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return "a number" if isinstance(value, int | builtins.float) else "a value of another type"


def _string_schema(pattern: str, description: str, examples: list[str]) -> JsonSchemaValue:
    return {
        "type": "string",
        "pattern": pattern,
        "description": description,
        "examples": examples,
    }


def _alternatives(names: Sequence[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


_P_NUM = r"\+?\s*" + _NUM
_P_SUFFIX = "[" + "".join(_COUNT_SUFFIXES) + "]"
COUNT_PATTERN = rf"^\s*{_P_NUM}\s*{_P_SUFFIX}?\s*$"
RATE_PATTERN = (
    rf"^\s*{_P_NUM}\s*(?:{_P_SUFFIX}\s*)?"
    rf"(?:/\s*(?:{_alternatives(list(_RATE_ALIASES))})"
    rf"|per\s+(?:{_alternatives(list(_RATE_ALIASES))})"
    rf"|{_alternatives(_RATE_WORDS)})\s*$"
)
DURATION_PATTERN = rf"^\s*{_P_NUM}\s*(?:{_alternatives(list(_DURATION_ALIASES))})?\s*$"
SIZE_PATTERN = rf"^\s*{_P_NUM}\s*(?:{_alternatives(list(_SIZE_ALIASES))})?\s*$"
PERCENT_PATTERN = rf"^\s*{_P_NUM}\s*%\s*$"
RATIO_PATTERN = rf"^\s*{_P_NUM}\s*:\s*{_P_NUM}\s*$"


# --------------------------------------------------------------------------- bounds
#
# Every figure in a design has a range, checked by the loader (AP025, with the figure's
# location). The ranges are generous, far beyond any real system, and tight enough that the
# capacity math stays within floating point and the simulator's 64-bit integers hold every
# figure: at most 10^5 replicas x 10^6 concurrency = 10^11 servers, rates up to 10^9/s.
# This table is the one place they are declared; `archproof describe` shows them.

MAX_REPLICAS = 100_000  # instances of one component (primaries for a database)
MAX_READ_REPLICAS = 1_000  # read-only followers of one database
MAX_STANDBY = 100  # hot standbys of one component (serve nothing until a failover)
MAX_CONCURRENCY = 1_000_000  # requests one replica serves at once
MAX_QUEUE_LIMIT = 1_000_000_000  # waiting room of one component
MAX_CALL_TIMES = 10_000  # repetitions of one call in a loop (N+1)
MAX_BREAKER_WINDOW = 1_000_000  # calls in a circuit breaker's window
MAX_FIELD_SIZE = 10**12  # maximum length of one entity field
MAX_CV = Fraction(100)  # coefficient of variation of a service time
MAX_TAIL_RATIO = Fraction(1000)  # lognormal p99 / p50 (cv ~ 100)
MAX_MULTIPLIER = Fraction(100)  # retry backoff growth per attempt
MAX_FACTOR = Fraction(1000)  # peak factor, fault slowdown
MAX_LOAD = 1_000_000  # load multiplier: a scenario's `load`, the commands' --load
MAX_NINES = 12  # availability and durability: at most 99.9999999999%
MAX_DELIVERIES = 1_000  # deliveries of one message before it is dead-lettered


class BoundError(UnitError):
    """A well-formed quantity outside the range a design allows (the loader's AP025)."""


@dataclass(frozen=True)
class Bound:
    """The range of one kind of quantity in a design: `low` applies to non-zero values."""

    low: Fraction | None
    high: Fraction
    text: str  # the range as `archproof describe` and the error message show it


# Quantities (rates, durations, sizes, counts, percentages), whatever field holds them.
# Zero stays allowed where the field allows it (`at: 0s`); the field says whether it must
# be positive.
QUANTITY_BOUNDS: dict[str, Bound] = {
    "rate": Bound(Fraction(1, 10**9), Fraction(10**9), "0 or 0.000000001/s .. 1G/s"),
    "duration": Bound(Fraction(1, 10**9), Fraction(100 * 365 * _DAY), "0 or 1ns .. 100 years"),
    "size": Bound(None, Fraction(10**21), "0 .. 1000000PB (1 ZB)"),
    "count": Bound(None, Fraction(10**15), "0 .. 1000T"),
    "percent": Bound(None, Fraction(1), f"0% .. 100%, at most {MAX_NINES} nines below 100%"),
}

# Closest a percentage may come to 100% without being 100%: 12 nines, 99.9999999999%.
_MIN_GAP = Fraction(1, 10**MAX_NINES)


def check_bound(value: object) -> None:
    """Raise BoundError if `value`, a quantity, lies outside the range a design allows.

    Applied by the design model (`model.base.Node`) to every field; the unit types stay
    usable for any figure outside designs.
    """
    kind, magnitude = _quantity(value)
    bound = QUANTITY_BOUNDS.get(kind)
    if bound is None:
        return
    hint = f"a {kind} in a design lies in {bound.text}"
    # the limit, not the value: the value is in the excerpt under the message, and its exact
    # text can be 100 digits long (`.3g` of it printed 1e+100, notation nobody reads)
    low, _, high = bound.text.removeprefix("0 or ").partition(" .. ")
    high = high.split(",")[0]
    if magnitude > bound.high:
        raise BoundError(f"{kind} too large (over {high})", hint)
    if bound.low is not None and 0 < magnitude < bound.low:
        raise BoundError(f"{kind} too small (under {low})", hint)
    if kind == "percent" and 0 < 1 - magnitude < _MIN_GAP:
        raise BoundError(
            f"percent with more than {MAX_NINES} nines",
            f"write at most {MAX_NINES} nines (99.9999999999%)",
        )


def _quantity(value: object) -> tuple[str, Fraction]:
    if isinstance(value, Rate):
        return "rate", value.per_second
    if isinstance(value, Duration):
        return "duration", value.seconds
    if isinstance(value, Size):
        return "size", value.bytes
    if isinstance(value, Count):
        return "count", value.value
    if isinstance(value, Percent):
        return "percent", value.fraction
    return "", Fraction(0)


# --------------------------------------------------------------------------- value types


@_serializable
@dataclass(frozen=True, order=True)
class Rate:
    """Events per second, exact. Written `100M/month`, `1.5k/s`, `5 per hour`, `2k rps`."""

    per_second: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "per_second", _normalise(self.per_second, "Rate"))

    def __str__(self) -> str:
        return format_rate(self)

    @property
    def per_s_float(self) -> builtins.float:
        return builtins.float(self.per_second)

    @overload
    def __mul__(self, other: Duration) -> Fraction: ...
    @overload
    def __mul__(self, other: Fraction | int | builtins.float) -> Rate: ...
    def __mul__(self, other: Duration | Fraction | int | builtins.float) -> Rate | Fraction:
        """Rate × Duration is the offered load (dimensionless); Rate × number scales."""
        if isinstance(other, Duration):
            return self.per_second * other.seconds
        scalar = _scalar(other)
        if scalar is None:
            return NotImplemented
        return Rate(self.per_second * scalar)

    def __rmul__(self, other: Fraction | int | builtins.float) -> Rate:
        scalar = _scalar(other)
        if scalar is None:
            return NotImplemented
        return Rate(self.per_second * scalar)

    def __truediv__(self, other: Fraction | int | builtins.float) -> Rate:
        scalar = _scalar(other)
        if scalar is None:
            return NotImplemented
        return Rate(self.per_second / scalar)

    def __add__(self, other: Rate) -> Rate:
        if not isinstance(other, Rate):
            return NotImplemented
        return Rate(self.per_second + other.per_second)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _core_schema(cls, parse_rate, format_rate, "rate", "100M/month")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_schema(
            RATE_PATTERN,
            "A rate: a count per time unit (s, min, h, day, week, month = 30 days, "
            "year = 365 days), e.g. '100M/month', '1.5k/s', '5 per hour', '2k rps'.",
            ["100M/month", "1.5k/s", "40/min", "5 per hour", "2k rps"],
        )


@_serializable
@dataclass(frozen=True, order=True)
class Duration:
    """A length of time in seconds, exact. Written `300us`, `3ms`, `1.5s`, `2m` (minutes)."""

    seconds: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "seconds", _normalise(self.seconds, "Duration"))

    def __str__(self) -> str:
        return format_duration(self)

    @property
    def s_float(self) -> builtins.float:
        return builtins.float(self.seconds)

    @property
    def ms_float(self) -> builtins.float:
        return builtins.float(self.seconds * 1000)

    @overload
    def __mul__(self, other: Rate) -> Fraction: ...
    @overload
    def __mul__(self, other: Fraction | int | builtins.float) -> Duration: ...
    def __mul__(self, other: Rate | Fraction | int | builtins.float) -> Duration | Fraction:
        if isinstance(other, Rate):
            return self.seconds * other.per_second
        scalar = _scalar(other)
        if scalar is None:
            return NotImplemented
        return Duration(self.seconds * scalar)

    def __rmul__(self, other: Fraction | int | builtins.float) -> Duration:
        scalar = _scalar(other)
        if scalar is None:
            return NotImplemented
        return Duration(self.seconds * scalar)

    def __truediv__(self, other: Fraction | int | builtins.float) -> Duration:
        scalar = _scalar(other)
        if scalar is None:
            return NotImplemented
        return Duration(self.seconds / scalar)

    def __add__(self, other: Duration) -> Duration:
        if not isinstance(other, Duration):
            return NotImplemented
        return Duration(self.seconds + other.seconds)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _core_schema(cls, parse_duration, format_duration, "duration", "3ms")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_schema(
            DURATION_PATTERN,
            "A duration with a unit (ns, us, ms, s, m or min = minute, h, d), e.g. '3ms'.",
            ["300us", "3ms", "1.5s", "2m"],
        )


@_serializable
@dataclass(frozen=True, order=True)
class Size:
    """An amount of data in bytes, exact. `KB` is 1000 bytes, `KiB` is 1024."""

    bytes: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "bytes", _normalise(self.bytes, "Size"))

    def __str__(self) -> str:
        return format_size(self)

    @property
    def bytes_float(self) -> builtins.float:
        return builtins.float(self.bytes)

    def __add__(self, other: Size) -> Size:
        if not isinstance(other, Size):
            return NotImplemented
        return Size(self.bytes + other.bytes)

    def __mul__(self, other: Fraction | int | builtins.float) -> Size:
        scalar = _scalar(other)
        if scalar is None:
            return NotImplemented
        return Size(self.bytes * scalar)

    __rmul__ = __mul__

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _core_schema(cls, parse_size, format_size, "size", "2TB")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_schema(
            SIZE_PATTERN,
            "A size: decimal B, KB, MB, GB, TB, PB or binary KiB, MiB, GiB, TiB, PiB, e.g. '2TB'.",
            ["512B", "2TB", "1.5GiB"],
        )


@_serializable
@dataclass(frozen=True, order=True)
class Percent:
    """A percentage held as a fraction of one: `99.95%` is `Fraction(9995, 10000)`."""

    fraction: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "fraction", _normalise(self.fraction, "Percent"))

    def __str__(self) -> str:
        return format_percent(self)

    @property
    def percent(self) -> Fraction:
        """The number written before the `%` sign."""
        return self.fraction * 100

    @property
    def float(self) -> builtins.float:
        """The fraction of one as a float (`99.95%` → 0.9995)."""
        return builtins.float(self.fraction)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _core_schema(cls, parse_percent, format_percent, "percent", "99.95%")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_schema(
            PERCENT_PATTERN,
            "A percentage between 0% and 100%, e.g. '99.95%'.",
            ["99.95%", "5%"],
        )


@_serializable
@dataclass(frozen=True, order=True)
class Count:
    """A plain number of things, exact. Written `10k`, `1.2B`, `1,000,000` or a YAML number."""

    value: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _normalise(self.value, "Count"))

    def __str__(self) -> str:
        return format_count(self)

    @property
    def float(self) -> builtins.float:
        return builtins.float(self.value)

    def __add__(self, other: Count) -> Count:
        if not isinstance(other, Count):
            return NotImplemented
        return Count(self.value + other.value)

    def __mul__(self, other: Fraction | int | builtins.float) -> Count:
        scalar = _scalar(other)
        if scalar is None:
            return NotImplemented
        return Count(self.value * scalar)

    __rmul__ = __mul__

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _core_schema(cls, parse_count, format_count, "count", "10k", numbers=True)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": COUNT_PATTERN},
            ],
            "description": "A count: a number with an optional suffix k (1e3), M (1e6), "
            "B or G (1e9), T (1e12), e.g. '10k', '1.2B', '1,000,000'.",
            "examples": ["10k", "1.2B", "1,000,000", 250],
        }


@_serializable
@dataclass(frozen=True, order=True)
class Ratio:
    """A ratio of two positive parts, written `10:1`. Parts are kept as written."""

    left: Fraction
    right: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "left", _normalise(self.left, "Ratio"))
        object.__setattr__(self, "right", _normalise(self.right, "Ratio"))

    def __str__(self) -> str:
        return format_ratio(self)

    def fraction_left(self) -> Fraction:
        """Share of the left part: `10:1` → 10/11."""
        return self.left / (self.left + self.right)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _core_schema(cls, parse_ratio, format_ratio, "ratio", "10:1")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _string_schema(
            RATIO_PATTERN, "A ratio of two positive numbers, e.g. '10:1'.", ["10:1", "3:2"]
        )


# --------------------------------------------------------------------------- counts

_COUNT_EXAMPLE = "10k"


def _count_suffix(suffix: str, text: str) -> Fraction:
    factor = _COUNT_SUFFIXES.get(suffix)
    if factor is None:
        raise UnitError(
            f"unknown count suffix '{_show(suffix)}' in '{_show(text)}'",
            "use k (thousand), M (million), B or G (billion), T (trillion)",
        )
    return factor


def parse_count(text: str | int | float) -> Count:
    """Read `10k`, `1.2B`, `1,000,000`, `(1/3)` or a plain int/float from YAML."""
    if isinstance(text, bool):
        raise UnitError("expected a count, got a boolean", f"write e.g. '{_COUNT_EXAMPLE}'")
    if isinstance(text, int):
        if text < 0:
            raise UnitError(f"negative count '{text}'", "a count cannot be negative")
        return Count(Fraction(text))
    if isinstance(text, builtins.float):
        value = _float_fraction(text, "count")
        if value < 0:
            raise UnitError(f"negative count '{text}'", "a count cannot be negative")
        return Count(value)
    stripped, negative, value, rest = _lead(text, "count", _COUNT_EXAMPLE)
    if rest:
        value *= _count_suffix(rest, stripped)
    _check_sign(negative, value, "count", stripped, _COUNT_EXAMPLE)
    return Count(value)


@functools.lru_cache(maxsize=4096)  # formatting searches units; reports repeat values
def format_count(c: Count) -> str:
    """`Count(1500)` → `1.5k`; non-terminating values as `(1/3)`."""
    return _count_text(c.value) or _fraction_text(c.value)


# --------------------------------------------------------------------------- rates

_RATE_EXAMPLE = "100M/month"
_RATE_REST = re.compile(
    r"(?:(?P<suffix>[A-Za-z])\s*)??"
    r"(?:/\s*(?P<unit>.+)|per\s+(?P<per>.+)|(?P<word>" + _alternatives(_RATE_WORDS) + "))",
    re.DOTALL,
)
_RATE_VALID = ", ".join(name for name, _, _ in _RATE_UNITS) + " (month = 30 days, year = 365 days)"


def parse_rate(text: str) -> Rate:
    """Read `100M/month`, `1.5k/s`, `40/min`, `5 per hour`, `1.5k rps`, `(1/3)/s`."""
    stripped, negative, count, rest = _lead(text, "rate", _RATE_EXAMPLE)
    match = _RATE_REST.fullmatch(rest)
    if match is None:
        if not rest or rest in _COUNT_SUFFIXES:
            raise UnitError(f"rate '{_show(stripped)}' has no time unit", "add one, e.g. '100/s'")
        raise UnitError(
            f"invalid rate '{_show(stripped)}'",
            "write e.g. '100M/month', '1.5k/s', '5 per hour' or '2k rps'",
        )
    if match.group("suffix"):
        count *= _count_suffix(match.group("suffix"), stripped)
    if match.group("word"):
        seconds = Fraction(1)
    else:
        unit = (match.group("unit") or match.group("per")).strip()
        found = _RATE_ALIASES.get(unit)
        if found is None:
            raise _unknown_unit("rate", unit, list(_RATE_ALIASES), _RATE_VALID)
        seconds = found
    value = count / seconds
    _check_sign(negative, value, "rate", stripped, _RATE_EXAMPLE)
    return Rate(value)


@functools.lru_cache(maxsize=4096)  # formatting searches units; reports repeat values
def format_rate(r: Rate) -> str:
    """Shortest of `<count>/<unit>` over s, min, h, day, week, month, year (`100M/month`)."""
    units = [(name, 1 / seconds) for name, seconds, _ in _RATE_UNITS]
    return _format_in_units(r.per_second, units, _count_text, join="/")


# --------------------------------------------------------------------------- durations

_DURATION_EXAMPLE = "3ms"
_DURATION_VALID = "ns, us (µs), ms, s, m or min (minute), h, d"


def parse_duration(text: str) -> Duration:
    """Read `300us`, `3ms`, `1.5s`, `2m` (minutes), `1h`, `(1/3)s`; a bare `0` is zero."""
    stripped, negative, value, rest = _lead(text, "duration", _DURATION_EXAMPLE)
    if not rest:
        if value == 0:
            return Duration(Fraction(0))
        raise UnitError(
            f"duration '{_show(stripped)}' has no unit",
            f"add a unit, e.g. '{_DURATION_EXAMPLE}'",
        )
    factor = _DURATION_ALIASES.get(rest)
    if factor is None:
        raise _unknown_unit("duration", rest, list(_DURATION_ALIASES), _DURATION_VALID)
    value *= factor
    _check_sign(negative, value, "duration", stripped, _DURATION_EXAMPLE)
    return Duration(value)


@functools.lru_cache(maxsize=4096)  # formatting searches units; reports repeat values
def format_duration(d: Duration) -> str:
    """Shortest of ns, us, ms, s, min, h, d (`0.002` s → `2ms`); exact fallback `(1/3)s`."""
    units = [(name, factor) for name, factor, _ in _DURATION_UNITS]
    return _format_in_units(d.seconds, units, _decimal, prefer_larger=True)


# --------------------------------------------------------------------------- sizes

_SIZE_EXAMPLE = "2TB"
_SIZE_VALID = "B, KB, MB, GB, TB, PB (powers of 1000), KiB, MiB, GiB, TiB, PiB (powers of 1024)"


def parse_size(text: str) -> Size:
    """Read `512B`, `2TB` (decimal), `1.5GiB` (binary); a bare `0` is zero."""
    stripped, negative, value, rest = _lead(text, "size", _SIZE_EXAMPLE)
    if not rest:
        if value == 0:
            return Size(Fraction(0))
        raise UnitError(
            f"size '{_show(stripped)}' has no unit", f"add a unit, e.g. '{_SIZE_EXAMPLE}'"
        )
    factor = _SIZE_ALIASES.get(rest)
    if factor is None:
        raise _unknown_unit("size", rest, list(_SIZE_ALIASES), _SIZE_VALID)
    value *= factor
    _check_sign(negative, value, "size", stripped, _SIZE_EXAMPLE)
    return Size(value)


@functools.lru_cache(maxsize=4096)  # formatting searches units; reports repeat values
def format_size(s: Size) -> str:
    """Shortest of the decimal and binary units (`2TB`, `1.5GiB`); exact fallback `(1/3)B`."""
    units = [(name, factor) for name, factor, _ in _SIZE_UNITS]
    return _format_in_units(s.bytes, units, _decimal, prefer_larger=True)


# --------------------------------------------------------------------------- percent

_PERCENT_EXAMPLE = "99.95%"


def parse_percent(text: str) -> Percent:
    """Read `99.95%` or `5%`; must lie within [0%, 100%]."""
    stripped, negative, value, rest = _lead(text, "percent", _PERCENT_EXAMPLE)
    if rest != "%":
        if not rest:
            raise UnitError(
                f"percent '{_show(stripped)}' has no '%' sign",
                f"write e.g. '{_PERCENT_EXAMPLE}'",
            )
        raise UnitError(f"invalid percent '{_show(stripped)}'", f"write e.g. '{_PERCENT_EXAMPLE}'")
    _check_sign(negative, value, "percent", stripped, _PERCENT_EXAMPLE)
    if value > 100:
        raise UnitError(
            f"percent out of range '{_show(stripped)}'", "a percent is between 0% and 100%"
        )
    return Percent(value / 100)


@functools.lru_cache(maxsize=4096)  # formatting searches units; reports repeat values
def format_percent(p: Percent) -> str:
    """`Percent(Fraction(9995, 10000))` → `99.95%`; exact fallback `(100/3)%`."""
    return _exact(p.fraction * 100) + "%"


# --------------------------------------------------------------------------- ratios

_RATIO_EXAMPLE = "10:1"


def parse_ratio(text: str) -> Ratio:
    """Read `10:1` or `3:2`; both parts must be positive. Parts are kept as written."""
    stripped, left_negative, left, rest = _lead(text, "ratio", _RATIO_EXAMPLE)
    if not rest.startswith(":"):
        raise UnitError(
            f"invalid ratio '{_show(stripped)}'", f"write two numbers, e.g. '{_RATIO_EXAMPLE}'"
        )
    try:
        _, right_negative, right, tail = _lead(rest[1:], "ratio", _RATIO_EXAMPLE)
    except UnitError:
        raise UnitError(
            f"invalid ratio '{_show(stripped)}'", f"write two numbers, e.g. '{_RATIO_EXAMPLE}'"
        ) from None
    if tail:
        raise UnitError(
            f"invalid ratio '{_show(stripped)}'", f"write two numbers, e.g. '{_RATIO_EXAMPLE}'"
        )
    if left_negative or right_negative or left <= 0 or right <= 0:
        raise UnitError(
            f"ratio parts must be positive in '{_show(stripped)}'",
            f"write e.g. '{_RATIO_EXAMPLE}'",
        )
    return Ratio(left, right)


@functools.lru_cache(maxsize=4096)  # formatting searches units; reports repeat values
def format_ratio(r: Ratio) -> str:
    """`Ratio(10, 1)` → `10:1`; parts are written exactly, as parsed."""
    return f"{_exact(r.left)}:{_exact(r.right)}"
