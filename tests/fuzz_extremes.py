"""Valid-but-extreme designs for fuzzing (issue 12): every figure at an edge of its range.

`tests/test_fuzz.py`'s mutations mostly make a design invalid (a rate where a count goes, a
type swap), so most inputs stop at the loader. This generator keeps a design loadable: it
replaces a figure with a value at the edge of *that field's* documented range, read from the
model's JSON Schema (integer and number bounds) and from `units.QUANTITY_BOUNDS` (rates,
durations, sizes, counts, percentages). The passes then have to cope with 100,000 replicas,
1G/s, 1ns and 100-year timeouts, 12 nines, a cv of 100 — together.

A key whose ranges differ between models (`size` is an entity field's length and a cache's
memory) gets the values of each: some inputs are rejected, located, which is fine.
"""

from __future__ import annotations

import functools
import random
import re
from collections import defaultdict
from fractions import Fraction
from typing import Any

from archproof import units
from archproof.model.design import Design

# Values at the edges of each quantity's range (units.QUANTITY_BOUNDS), written as a user
# would write them; each list also holds one value just inside the high edge.
_QUANTITY_EDGES = {
    units.RATE_PATTERN: ("0.000000001/s", "1G/s", "999999999/s", "1/s", "0/s"),
    # no 0s: most durations (timeouts, service times) must be positive, and `at: 0s` is
    # already in the examples
    units.DURATION_PATTERN: ("1ns", "36500d", "36499d", "1us"),
    units.SIZE_PATTERN: ("0B", "1000000PB", "999999PB", "1B"),
    units.COUNT_PATTERN: ("0", "1000T", "999T", "1"),
    units.PERCENT_PATTERN: ("0%", "99.9999999999%", "0.0000000001%", "100%", "50%"),
}
# A number field with no upper bound in the schema (a load multiplier, a row count written
# as a number): large, and still a figure a loader must take.
_UNBOUNDED_HIGH = 10**15


def _number_text(value: float | int, integer: bool) -> str:
    """Plain digits, as a person writes them (0.000000001, not 1e-09): the outputs are
    then checked for exponent notation, which must come from archproof, not the input."""
    if integer:
        return str(int(value))
    exact = Fraction(value).limit_denominator(10**12)
    if exact.denominator == 1:
        return str(exact.numerator)
    return f"{float(exact):.12f}".rstrip("0")


def _numeric_edges(node: dict[str, Any]) -> tuple[str, ...]:
    integer = node.get("type") == "integer"
    low = node.get("minimum", node.get("exclusiveMinimum", 0))
    high = node.get("maximum", node.get("exclusiveMaximum", _UNBOUNDED_HIGH))
    if "exclusiveMinimum" in node:
        low = low + 1 if integer else low + 1e-9
    if "exclusiveMaximum" in node:
        high = high - 1 if integer else high - 1e-9
    inside = high - 1 if integer else high * 0.999
    return tuple(dict.fromkeys(_number_text(v, integer) for v in (low, high, inside)))


def _walk(node: Any, key: str | None, out: dict[str, set[str]], defs: dict[str, Any]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, key, out, defs)
        return
    if not isinstance(node, dict):
        return
    if "$ref" in node:  # definitions are walked once, from the top; a reference adds the key
        target = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        if key is not None and "properties" not in target:
            _walk(target, key, out, defs)
        return
    if key is not None:
        if node.get("type") in ("integer", "number"):
            out[key].update(_numeric_edges(node))
        if (pattern := node.get("pattern")) in _QUANTITY_EDGES:
            out[key].update(_QUANTITY_EDGES[pattern])
    for name, child in node.items():
        if name == "properties":
            for prop, schema in child.items():
                _walk(schema, prop, out, defs)
        elif name in ("anyOf", "oneOf", "allOf", "items", "additionalProperties"):
            _walk(child, key, out, defs)
        elif name == "$defs":
            for schema in child.values():
                _walk(schema, None, out, defs)


@functools.cache
def edges_by_key() -> dict[str, tuple[str, ...]]:
    """Every key of the design model that holds a figure → the edge values of its range."""
    schema = Design.model_json_schema()
    found: dict[str, set[str]] = defaultdict(set)
    _walk(schema, None, found, schema.get("$defs", {}))
    return {key: tuple(sorted(values)) for key, values in sorted(found.items()) if values}


# A figure written after its key, in block (`rate: 5k/s`) or flow style (`{p50: 5ms, ...}`).
_FIGURE = re.compile(
    r"(?<![\w-])(?P<key>[a-z_][a-z0-9_]*):[ \t]+(?P<value>[-+]?\.?\d[^,}\]#\n]*?)"
    r"(?=[ \t]*(?:[,}\]#]|$))",
    re.M,
)


def figures(text: str) -> list[re.Match[str]]:
    """The figures of a design whose key has a known range."""
    known = edges_by_key()
    return [m for m in _FIGURE.finditer(text) if m.group("key") in known]


# A lognormal service time's p99 lies between its p50 and 1000 x p50 (units.MAX_TAIL_RATIO):
# the two move together, to the edges of both ranges.
_TAIL = re.compile(r"\{\s*p50:[ \t]*(?P<p50>[^,}]+),\s*p99:[ \t]*(?P<p99>[^,}]+)\}")
_TAIL_EDGES = (
    ("1ns", "2ns"), ("1ns", "1us"), ("1us", "1ms"), ("36.5d", "36500d"), ("36000d", "36500d"),
    ("1ms", "999ms"), ("1s", "1.000000001s"),
)  # fmt: skip
_PAIRED = ("p50", "p95", "p99")


def push_to_edges(text: str, rng: random.Random, how_many: int) -> str:
    """`how_many` figures of `text`, picked at random, set to an edge of their range."""
    for _ in range(how_many):
        found = [m for m in figures(text) if m.group("key") not in _PAIRED]
        tails = list(_TAIL.finditer(text))
        if not found and not tails:
            break
        if tails and rng.random() < len(tails) / (len(tails) + len(found)):
            m = rng.choice(tails)
            p50, p99 = rng.choice(_TAIL_EDGES)
            text = f"{text[: m.start()]}{{p50: {p50}, p99: {p99}}}{text[m.end() :]}"
            continue
        m = rng.choice(found)
        value = rng.choice(edges_by_key()[m.group("key")])
        text = text[: m.start("value")] + value + text[m.end("value") :]
    return text
