"""Exact unit parsing and formatting: examples, error messages, round-trip properties."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from archproof.units import (
    Count,
    Duration,
    Percent,
    Rate,
    Ratio,
    Size,
    UnitError,
    format_count,
    format_duration,
    format_percent,
    format_rate,
    format_ratio,
    format_size,
    parse_count,
    parse_duration,
    parse_percent,
    parse_rate,
    parse_ratio,
    parse_size,
)

F = Fraction
DAY = 86_400

# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("text", "per_second"),
    [
        ("100M/month", F(100_000_000, 30 * DAY)),
        ("1.5k/s", F(1500)),
        ("40/min", F(40, 60)),
        ("2B/day", F(2_000_000_000, DAY)),
        ("2G/day", F(2_000_000_000, DAY)),
        ("5 per hour", F(5, 3600)),
        ("1.5k rps", F(1500)),
        ("1.5krps", F(1500)),
        ("200 qps", F(200)),
        ("10 req/s", F(10)),
        ("1.5 k/s", F(1500)),
        ("1.5k / s", F(1500)),
        ("38.5/s", F(77, 2)),
        ("3/sec", F(3)),
        ("3/second", F(3)),
        ("3 per seconds", F(3)),
        ("7/minute", F(7, 60)),
        ("7/hr", F(7, 3600)),
        ("7 per hours", F(7, 3600)),
        ("1/d", F(1, DAY)),
        ("1 per days", F(1, DAY)),
        ("1/w", F(1, 7 * DAY)),
        ("1/wk", F(1, 7 * DAY)),
        ("1 per week", F(1, 7 * DAY)),
        ("1/mo", F(1, 30 * DAY)),
        ("1 per months", F(1, 30 * DAY)),
        ("1/y", F(1, 365 * DAY)),
        ("1/yr", F(1, 365 * DAY)),
        ("1 per year", F(1, 365 * DAY)),
        ("1T/year", F(10**12, 365 * DAY)),
        ("1,000,000/day", F(10**6, DAY)),
        ("(1/3)/s", F(1, 3)),
        ("0/s", F(0)),
        ("  10k/s  ", F(10_000)),
        ("+5/s", F(5)),
        ("1e3/s", F(1000)),
    ],
)
def test_parse_rate_examples(text: str, per_second: Fraction) -> None:
    assert parse_rate(text) == Rate(per_second)
    assert parse_rate(text).per_second == per_second


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("300us", F(3, 10_000)),
        ("300µs", F(3, 10_000)),
        ("300μs", F(3, 10_000)),
        ("5ns", F(5, 10**9)),
        ("3ms", F(3, 1000)),
        ("1.5s", F(3, 2)),
        ("1.5 s", F(3, 2)),
        ("2sec", F(2)),
        ("2m", F(120)),
        ("2min", F(120)),
        ("1h", F(3600)),
        ("1d", F(DAY)),
        ("0", F(0)),
        ("0ms", F(0)),
        ("-0ms", F(0)),
        ("(1/3)s", F(1, 3)),
        (".5s", F(1, 2)),
    ],
)
def test_parse_duration_examples(text: str, seconds: Fraction) -> None:
    assert parse_duration(text) == Duration(seconds)


@pytest.mark.parametrize(
    ("text", "nbytes"),
    [
        ("512B", F(512)),
        ("2TB", F(2 * 10**12)),
        ("1.5GiB", F(3 * 2**29)),
        ("1KB", F(1000)),
        ("1kB", F(1000)),
        ("1MB", F(10**6)),
        ("1GB", F(10**9)),
        ("1PB", F(10**15)),
        ("1KiB", F(1024)),
        ("1MiB", F(2**20)),
        ("1TiB", F(2**40)),
        ("1PiB", F(2**50)),
        ("3 bytes", F(3)),
        ("0", F(0)),
    ],
)
def test_parse_size_examples(text: str, nbytes: Fraction) -> None:
    assert parse_size(text) == Size(nbytes)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10k", F(10_000)),
        ("10K", F(10_000)),
        ("1.2B", F(1_200_000_000)),
        ("1.2G", F(1_200_000_000)),
        ("3M", F(3_000_000)),
        ("2T", F(2 * 10**12)),
        ("1,000,000", F(10**6)),
        ("1.5 k", F(1500)),
        ("42", F(42)),
        ("0.1", F(1, 10)),
        ("(2/7)", F(2, 7)),
        (42, F(42)),
        (0.1, F(1, 10)),
        (1e-05, F(1, 100_000)),
    ],
)
def test_parse_count_examples(text: str | int | float, value: Fraction) -> None:
    assert parse_count(text) == Count(value)


def test_parse_percent_and_ratio_examples() -> None:
    assert parse_percent("99.95%") == Percent(F(9995, 10_000))
    assert parse_percent("5%") == Percent(F(1, 20))
    assert parse_percent("5 %") == Percent(F(1, 20))
    assert parse_percent("0%") == Percent(F(0))
    assert parse_percent("100%") == Percent(F(1))
    assert parse_ratio("10:1") == Ratio(F(10), F(1))
    assert parse_ratio("3 : 2") == Ratio(F(3), F(2))
    assert parse_ratio("1.5:1") == Ratio(F(3, 2), F(1))
    assert parse_ratio("10:1").fraction_left() == F(10, 11)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (parse_rate("100M/month"), "100M/month"),
        (Rate(F(77, 2)), "38.5/s"),
        (parse_rate("2B/day"), "2B/day"),
        (parse_rate("40/min"), "40/min"),
        (parse_rate("5 per hour"), "5/h"),
        (parse_rate("1.5k rps"), "1.5k/s"),
        (Rate(F(1, 3)), "20/min"),
        (Rate(F(1, 7)), "86.4k/week"),
        (Rate(F(1, 70_000_001)), "(1/70000001)/s"),
        (Rate(F(0)), "0/s"),
        (Duration(F(1, 500)), "2ms"),
        (Duration(F(3, 10_000)), "300us"),
        (Duration(F(3, 2)), "1.5s"),
        (Duration(F(120)), "2min"),
        (Duration(F(3600)), "1h"),
        (Duration(F(0)), "0s"),
        (Duration(F(1, 3)), "(1/3)s"),
        (Size(F(512)), "512B"),
        (Size(F(2 * 10**12)), "2TB"),
        (Size(F(3 * 2**29)), "1.5GiB"),
        (Size(F(1024)), "1KiB"),
        (Size(F(1, 3)), "(1/3)B"),
        (Size(F(0)), "0B"),
        (Count(F(10_000)), "10k"),
        (Count(F(1_200_000_000)), "1.2B"),
        (Count(F(1200)), "1.2k"),
        (Count(F(1_234_567)), "1234567"),
        (Count(F(1, 3)), "(1/3)"),
        (Count(F(0)), "0"),
        (Percent(F(9995, 10_000)), "99.95%"),
        (Percent(F(1, 3)), "(100/3)%"),
        (Ratio(F(10), F(1)), "10:1"),
        (Ratio(F(1, 3), F(2)), "(1/3):2"),
    ],
)
def test_format_examples(value: object, text: str) -> None:
    assert str(value) == text


def test_float_accessors() -> None:
    assert parse_rate("1.5k/s").per_s_float == 1500.0
    assert parse_duration("3ms").ms_float == pytest.approx(3.0)
    assert parse_duration("3ms").s_float == pytest.approx(0.003)
    assert parse_size("1KiB").bytes_float == 1024.0
    assert parse_percent("99.95%").float == pytest.approx(0.9995)
    assert parse_percent("99.95%").percent == F(9995, 100)
    assert parse_count("10k").float == 10_000.0


def test_arithmetic_is_exact() -> None:
    rate, service = parse_rate("1.5k/s"), parse_duration("2ms")
    assert rate * service == F(3)
    assert service * rate == F(3)
    assert rate * 2 == Rate(F(3000))
    assert 2 * rate == Rate(F(3000))
    assert rate * F(1, 3) == Rate(F(500))
    assert rate * 0.1 == Rate(F(150))
    assert rate / 3 == Rate(F(500))
    assert rate + parse_rate("500/s") == Rate(F(2000))
    assert service + parse_duration("1ms") == Duration(F(3, 1000))
    assert service * 3 == Duration(F(6, 1000))
    assert F(1, 2) * service == Duration(F(1, 1000))
    assert service / 2 == Duration(F(1, 1000))
    assert parse_size("1KB") + parse_size("1KiB") == Size(F(2024))
    assert parse_size("1KB") * 3 == Size(F(3000))
    assert parse_count("1k") + parse_count(1) == Count(F(1001))
    # the constructors normalise ints and floats (through their decimal text) to Fractions
    assert Duration(3) == Duration(F(3))  # type: ignore[arg-type]
    assert isinstance(Duration(3).seconds, Fraction)  # type: ignore[arg-type]
    assert Duration(0.1).seconds == F(1, 10)  # type: ignore[arg-type]
    assert parse_duration("1ms") < parse_duration("1s")
    with pytest.raises(TypeError):
        Duration("3ms")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("parse", "text", "message", "hint"),
    [
        (parse_duration, "-3ms", "negative duration '-3ms'", "a duration cannot be negative"),
        (parse_rate, "-5/s", "negative rate '-5/s'", "a rate cannot be negative"),
        (parse_size, "-1GB", "negative size '-1GB'", "a size cannot be negative"),
        (parse_count, "-10k", "negative count '-10k'", "a count cannot be negative"),
        (parse_count, -1, "negative count '-1'", "a count cannot be negative"),
        (parse_percent, "-5%", "negative percent '-5%'", "a percent cannot be negative"),
        (parse_rate, "5 per fortnight", "unknown rate unit 'fortnight'", "valid units: s, min"),
        (parse_rate, "5/hour2", "unknown rate unit 'hour2'", "did you mean 'hour'?"),
        (parse_rate, "5/mnth", "unknown rate unit 'mnth'", "did you mean 'month'?"),
        (parse_rate, "100", "rate '100' has no time unit", "add one, e.g. '100/s'"),
        (parse_rate, "100k", "rate '100k' has no time unit", "add one, e.g. '100/s'"),
        (parse_rate, "5 x/s", "unknown count suffix 'x' in '5 x/s'", "use k (thousand)"),
        (parse_rate, "5 per", "invalid rate '5 per'", "write e.g. '100M/month'"),
        (parse_duration, "3", "duration '3' has no unit", "add a unit, e.g. '3ms'"),
        (parse_duration, "3 mss", "unknown duration unit 'mss'", "did you mean 'ms'?"),
        (parse_duration, "3 fortnights", "unknown duration unit 'fortnights'", "valid units:"),
        (parse_size, "3", "size '3' has no unit", "add a unit, e.g. '2TB'"),
        (parse_size, "5 Gb", "unknown size unit 'Gb'", "did you mean 'GB'?"),
        (parse_size, "5 gib", "unknown size unit 'gib'", "did you mean 'GiB'?"),
        (parse_percent, "150%", "percent out of range '150%'", "between 0% and 100%"),
        (parse_percent, "99.95", "percent '99.95' has no '%' sign", "write e.g. '99.95%'"),
        (parse_percent, "99.95 pct", "invalid percent '99.95 pct'", "write e.g. '99.95%'"),
        (parse_ratio, "10:0", "ratio parts must be positive in '10:0'", "write e.g. '10:1'"),
        (parse_ratio, "-1:2", "ratio parts must be positive in '-1:2'", "write e.g. '10:1'"),
        (parse_ratio, "10", "invalid ratio '10'", "write two numbers"),
        (parse_ratio, "10:x", "invalid ratio '10:x'", "write two numbers"),
        (parse_ratio, "10:1:1", "invalid ratio '10:1:1'", "write two numbers"),
        (parse_count, "10x", "unknown count suffix 'x' in '10x'", "use k (thousand)"),
        (parse_count, True, "expected a count, got a boolean", "write e.g. '10k'"),
        (parse_count, float("nan"), "invalid count nan", "use a finite number"),
        (parse_count, float("inf"), "invalid count inf", "use a finite number"),
        (parse_duration, "", "empty duration", "write e.g. '3ms'"),
        (parse_duration, "   ", "empty duration", "write e.g. '3ms'"),
        (parse_duration, "fast", "invalid duration 'fast'", "write e.g. '3ms'"),
        (parse_duration, "nan", "invalid duration 'nan'", "write e.g. '3ms'"),
        (parse_duration, "inf", "invalid duration 'inf'", "write e.g. '3ms'"),
        (parse_duration, "(1/0)s", "division by zero in duration '(1/0)s'", "non-zero"),
        (parse_duration, "1e999s", "exponent too large in duration '1e999s'", "±100"),
        (parse_duration, "1" * 5000 + "s", "invalid number in duration '111", "shorter"),
    ],
)
def test_error_messages(parse: Callable[[Any], object], text: Any, message: str, hint: str) -> None:
    with pytest.raises(UnitError) as info:
        parse(text)
    assert str(info.value).startswith(message)
    assert info.value.message == str(info.value)
    assert info.value.hint is not None
    assert hint in info.value.hint


def test_unit_error_is_a_value_error() -> None:
    err = UnitError("bad", "fix it")
    assert isinstance(err, ValueError)
    assert (str(err), err.hint) == ("bad", "fix it")
    assert UnitError("bad").hint is None


def test_non_string_input_is_a_unit_error() -> None:
    with pytest.raises(UnitError, match="expected a duration string, got int"):
        parse_duration(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties

_DENOMINATORS = st.sampled_from([1, 2, 3, 4, 5, 7, 8, 10, 12, 60, 1000, 1024, 3600, 86_400, 9999])
_fractions = st.builds(
    lambda n, d: F(n, d), st.integers(min_value=0, max_value=10**15), _DENOMINATORS
)
_nonzero = st.builds(
    lambda n, d: F(n, d), st.integers(min_value=1, max_value=10**15), _DENOMINATORS
)

_PAIRS: list[tuple[Callable[[str], Any], Callable[[Any], str]]] = [
    (parse_rate, format_rate),
    (parse_duration, format_duration),
    (parse_size, format_size),
    (parse_count, format_count),
    (parse_percent, format_percent),
    (parse_ratio, format_ratio),
]


@given(_fractions)
def test_rate_round_trip(value: Fraction) -> None:
    assert parse_rate(format_rate(Rate(value))) == Rate(value)


@given(_fractions)
def test_duration_round_trip(value: Fraction) -> None:
    assert parse_duration(format_duration(Duration(value))) == Duration(value)


@given(_fractions)
def test_size_round_trip(value: Fraction) -> None:
    assert parse_size(format_size(Size(value))) == Size(value)


@given(_fractions)
def test_count_round_trip(value: Fraction) -> None:
    assert parse_count(format_count(Count(value))) == Count(value)


@given(st.builds(lambda n, d: F(n, d * 100), st.integers(0, 10**6), _DENOMINATORS))
def test_percent_round_trip(value: Fraction) -> None:
    if value <= 1:
        assert parse_percent(format_percent(Percent(value))) == Percent(value)


@given(_nonzero, _nonzero)
def test_ratio_round_trip(left: Fraction, right: Fraction) -> None:
    assert parse_ratio(format_ratio(Ratio(left, right))) == Ratio(left, right)


@given(_fractions, _fractions, st.integers(1, 1000), _fractions)
def test_arithmetic_results_round_trip(a: Fraction, b: Fraction, k: int, c: Fraction) -> None:
    rate = Rate(a) + Rate(b) * F(k, 7)
    assert parse_rate(format_rate(rate)) == rate
    duration = Duration(a) + Duration(c) * F(1, k)
    assert parse_duration(format_duration(duration)) == duration


_NUMBER_TEXT = st.one_of(
    st.integers(0, 10**12).map(str),
    st.integers(0, 10**9).map(lambda n: f"{n:,}"),
    st.builds(lambda i, f: f"{i}.{f}", st.integers(0, 10**6), st.integers(0, 999)),
    st.builds(lambda n, d: f"({n}/{d})", st.integers(0, 10**6), st.integers(1, 10**4)),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(0, 999), st.integers(-12, 12)),
)
_SPACE = st.sampled_from(["", " "])
_RATE_UNIT = st.sampled_from(
    [
        "s",
        "sec",
        "second",
        "min",
        "minutes",
        "h",
        "hr",
        "hours",
        "d",
        "day",
        "w",
        "wk",
        "week",
        "mo",
        "month",
        "months",
        "y",
        "yr",
        "year",
    ]
)
_SUFFIX = st.sampled_from(["", "k", "K", "M", "B", "G", "T"])
_RATE_TEXT = st.one_of(
    st.builds(lambda n, s, w, u: f"{n}{w}{s}/{w}{u}", _NUMBER_TEXT, _SUFFIX, _SPACE, _RATE_UNIT),
    st.builds(lambda n, s, u: f"{n}{s} per {u}", _NUMBER_TEXT, _SUFFIX, _RATE_UNIT),
    st.builds(
        lambda n, s, w: f"{n}{s} {w}",
        _NUMBER_TEXT,
        _SUFFIX,
        st.sampled_from(["rps", "qps", "req/s"]),
    ),
)
_DURATION_TEXT = st.builds(
    lambda n, w, u: f"{n}{w}{u}",
    _NUMBER_TEXT,
    _SPACE,
    st.sampled_from(["ns", "us", "µs", "ms", "s", "sec", "m", "min", "h", "d"]),
)
_SIZE_TEXT = st.builds(
    lambda n, w, u: f"{n}{w}{u}",
    _NUMBER_TEXT,
    _SPACE,
    st.sampled_from(["B", "KB", "kB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "PiB"]),
)
_COUNT_TEXT = st.builds(lambda n, w, s: f"{n}{w if s else ''}{s}", _NUMBER_TEXT, _SPACE, _SUFFIX)
_PERCENT_TEXT = st.integers(0, 10_000).map(lambda n: f"{n // 100}.{n % 100:02d}%")
_RATIO_TEXT = st.builds(
    lambda a, b: f"{a}:{b}", st.integers(1, 10**6).map(str), st.integers(1, 10**6).map(str)
)

_TEXTS: list[tuple[st.SearchStrategy[str], Callable[[str], Any], Callable[[Any], str]]] = [
    (_RATE_TEXT, parse_rate, format_rate),
    (_DURATION_TEXT, parse_duration, format_duration),
    (_SIZE_TEXT, parse_size, format_size),
    (_COUNT_TEXT, parse_count, format_count),
    (_PERCENT_TEXT, parse_percent, format_percent),
    (_RATIO_TEXT, parse_ratio, format_ratio),
]


@pytest.mark.parametrize(("strategy", "parse", "fmt"), _TEXTS)
@settings(max_examples=200)
@given(data=st.data())
def test_format_of_parsed_text_reparses(
    strategy: st.SearchStrategy[str],
    parse: Callable[[str], Any],
    fmt: Callable[[Any], str],
    data: st.DataObject,
) -> None:
    value = parse(data.draw(strategy))
    assert parse(fmt(value)) == value
    assert parse(str(value)) == value


@pytest.mark.parametrize(("parse", "fmt"), _PAIRS)
@settings(max_examples=300)
@given(text=st.text())
def test_arbitrary_text_only_raises_unit_error(
    parse: Callable[[str], Any], fmt: Callable[[Any], str], text: str
) -> None:
    try:
        value = parse(text)
    except UnitError as err:
        assert str(err)
        return
    assert parse(fmt(value)) == value


_ALPHABET = st.sampled_from(list("0123456789.,:/%()+-eE kKMBGTsmhdnuµyrwoqpiB "))


@pytest.mark.parametrize(("parse", "fmt"), _PAIRS)
@settings(max_examples=300)
@given(text=st.text(_ALPHABET, max_size=14))
def test_near_miss_text_only_raises_unit_error(
    parse: Callable[[str], Any], fmt: Callable[[Any], str], text: str
) -> None:
    try:
        value = parse(text)
    except UnitError:
        return
    assert parse(fmt(value)) == value


# --------------------------------------------------------------------------- pydantic


class Spec(BaseModel):
    rate: Rate
    latency: Duration
    disk: Size
    availability: Percent
    users: Count
    read_write: Ratio
    timeout: Duration | None = None


_SPEC_INPUT = {
    "rate": "100M/month",
    "latency": "3ms",
    "disk": "1.5GiB",
    "availability": "99.95%",
    "users": 250,
    "read_write": "10:1",
}


def test_pydantic_validates_strings_and_instances() -> None:
    spec = Spec.model_validate(_SPEC_INPUT)
    assert spec.rate == Rate(F(100_000_000, 30 * DAY))
    assert spec.users == Count(F(250))
    assert Spec.model_validate({**_SPEC_INPUT, "rate": spec.rate}) == spec
    assert Spec.model_validate({**_SPEC_INPUT, "users": "250"}).users == spec.users
    assert Spec.model_validate({**_SPEC_INPUT, "users": 0.1}).users == Count(F(1, 10))


def test_pydantic_json_dump_uses_format_strings() -> None:
    spec = Spec.model_validate(_SPEC_INPUT)
    dumped = spec.model_dump(mode="json")
    assert dumped == {
        "rate": "100M/month",
        "latency": "3ms",
        "disk": "1.5GiB",
        "availability": "99.95%",
        "users": "250",
        "read_write": "10:1",
        "timeout": None,
    }
    assert spec.model_dump()["latency"] == Duration(F(3, 1000))
    assert Spec.model_validate(dumped) == spec
    assert Spec.model_validate_json(spec.model_dump_json()) == spec


def test_pydantic_python_dump_keeps_instances_and_any_fields_dump_as_text() -> None:
    spec = Spec.model_validate(_SPEC_INPUT)
    assert spec.model_dump() == {
        "rate": spec.rate,
        "latency": spec.latency,
        "disk": spec.disk,
        "availability": spec.availability,
        "users": spec.users,
        "read_write": spec.read_write,
        "timeout": None,
    }
    assert Spec.model_validate(spec.model_dump()) == spec
    adapter = TypeAdapter(dict[str, Any])
    values = {"d": Duration(F(3, 1000)), "r": [Rate(F(1, 3))], "c": Count(F(1500))}
    assert adapter.dump_python(values, mode="json") == {"d": "3ms", "r": ["20/min"], "c": "1.5k"}
    assert adapter.dump_python(values) == values


@given(_fractions, _fractions, _nonzero, _nonzero)
def test_pydantic_round_trip_property(a: Fraction, b: Fraction, c: Fraction, d: Fraction) -> None:
    spec = Spec(
        rate=Rate(a),
        latency=Duration(b),
        disk=Size(a),
        availability=Percent(F(b.numerator % 101, 100)),
        users=Count(b),
        read_write=Ratio(c, d),
        timeout=Duration(c),
    )
    dumped = spec.model_dump(mode="json")
    assert json.loads(json.dumps(dumped)) == dumped
    assert Spec.model_validate(dumped) == spec


def test_pydantic_error_is_clean_with_hint() -> None:
    with pytest.raises(ValidationError) as info:
        Spec.model_validate({**_SPEC_INPUT, "rate": "5 per fortnight"})
    (error,) = info.value.errors()
    assert error["type"] == "unit_error"
    assert error["loc"] == ("rate",)
    assert error["msg"] == "unknown rate unit 'fortnight'"
    assert "valid units" in error["ctx"]["hint"]
    assert "Value error" not in str(info.value)


@pytest.mark.parametrize(
    ("field", "value", "msg"),
    [
        ("latency", 3, "duration '3' has no unit"),
        ("latency", "-3ms", "negative duration '-3ms'"),
        ("availability", 99.95, "percent '99.95' has no '%' sign"),
        ("users", True, "expected a count like '10k', got true/false"),
        ("users", "many", "invalid count 'many'"),
        ("disk", None, "expected a size like '2TB', got nothing"),
        ("read_write", [10, 1], "expected a ratio like '10:1', got a list"),
    ],
)
def test_pydantic_error_messages(field: str, value: object, msg: str) -> None:
    with pytest.raises(ValidationError) as info:
        Spec.model_validate({**_SPEC_INPUT, field: value})
    (error,) = info.value.errors()
    assert error["msg"] == msg
    assert error["type"] == "unit_error"


def test_pydantic_accepts_zero_duration_number() -> None:
    assert Spec.model_validate({**_SPEC_INPUT, "timeout": 0}).timeout == Duration(F(0))


_SCHEMA_SAMPLES = {
    "rate": ["100M/month", "1.5k/s", "40/min", "2B/day", "5 per hour", "1.5k rps", "(1/3)/s"],
    "latency": ["300us", "300µs", "3ms", "1.5s", "2m", "1.5 s", "0", "(1/3)s"],
    "disk": ["512B", "2TB", "1.5GiB", "1kB", "0"],
    "availability": ["99.95%", "5%", "(100/3)%"],
    "users": ["10k", "1.2B", "1,000,000", "1.5 k", "(1/3)"],
    "read_write": ["10:1", "3:2", "(1/3):2"],
}


def _pattern(prop: dict[str, Any]) -> str:
    if "pattern" in prop:
        return str(prop["pattern"])
    (string,) = [s for s in prop["anyOf"] if s.get("type") == "string"]
    return str(string["pattern"])


def test_json_schema_describes_and_patterns_accept_examples() -> None:
    props = Spec.model_json_schema()["properties"]
    for field, samples in _SCHEMA_SAMPLES.items():
        prop = props[field]
        assert prop["description"]
        assert prop["examples"]
        pattern = _pattern(prop)
        for example in [*samples, *(e for e in prop["examples"] if isinstance(e, str))]:
            assert re.fullmatch(pattern, example), (field, example)
        for bad in ["", "fast", "-3ms", "3 fortnights"]:
            assert not re.fullmatch(pattern, bad), (field, bad)
    assert {"type": "number", "minimum": 0} in props["users"]["anyOf"]
    assert props["rate"]["type"] == "string"


@pytest.mark.parametrize(
    ("field", "strategy"),
    [
        ("rate", _RATE_TEXT),
        ("latency", _DURATION_TEXT),
        ("disk", _SIZE_TEXT),
        ("users", _COUNT_TEXT),
        ("read_write", _RATIO_TEXT),
    ],
)
@settings(max_examples=100)
@given(data=st.data())
def test_json_schema_pattern_accepts_parseable_and_formatted_text(
    field: str, strategy: st.SearchStrategy[str], data: st.DataObject
) -> None:
    pattern = _pattern(Spec.model_json_schema()["properties"][field])
    text = data.draw(strategy)
    assert re.fullmatch(pattern, text)
    value = Spec.model_validate({**_SPEC_INPUT, field: text})
    assert re.fullmatch(pattern, value.model_dump(mode="json")[field])
