"""Fault specs from the command line → model :class:`~archproof.model.Fault` objects.

Grammar: ``COMPONENT:KIND[=VALUE][@START[+LENGTH]]``

- ``KIND`` is ``down``, ``slow=FACTOR`` (> 0), ``lose_replicas=K`` (integer ≥ 1,
  default 1) or ``error_rate=P`` (a probability 0..1, or a percentage like ``20%``).
- ``START`` and ``LENGTH`` are durations (``10s``, ``2m``, ``500ms``). Without
  ``@START`` the fault starts at 0; without ``+LENGTH`` it lasts to the end of the run.

Examples: ``db:slow=20@10s+30s``, ``psp:error_rate=0.2``, ``api:lose_replicas=1@5s``,
``cache:down@30s+2m``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from pydantic import ValidationError

from archproof.catalog import lost_beyond_instances
from archproof.model import Design
from archproof.model.events import Fault
from archproof.numbers import sig
from archproof.units import UnitError, parse_duration

KINDS = ("down", "slow", "lose_replicas", "error_rate")
GRAMMAR = "COMPONENT:KIND[=VALUE][@START[+LENGTH]]"
EXAMPLES = ("db:slow=20@10s+30s", "psp:error_rate=0.2", "api:lose_replicas=1@5s", "db:down@10s+1m")

_SPEC = re.compile(
    r"^(?P<comp>[^:@=+\s]+):(?P<kind>[a-z_]+)(?:=(?P<value>[^@]+))?"
    r"(?:@(?P<start>[^+]+)(?:\+(?P<length>.+))?)?$"
)


class FaultSpecError(ValueError):
    """A fault spec that does not parse or names something the design lacks."""


def _number(text: str, what: str, spec: str) -> Fraction:
    t = text.strip()
    pct = t.endswith("%")
    try:
        value = Fraction(t[:-1] if pct else t)
    except (ValueError, ZeroDivisionError):
        raise FaultSpecError(f"fault '{spec}': {what} '{text}' is not a number") from None
    return value / 100 if pct else value


def parse_fault(spec: str, design: Design | None = None) -> Fault:
    """Parse one spec; with ``design``, check the component exists. Raises FaultSpecError."""
    m = _SPEC.match(spec.strip())
    if m is None:
        raise FaultSpecError(
            f"fault '{spec}' does not match {GRAMMAR} (e.g. {', '.join(EXAMPLES[:2])})"
        )
    comp, kind, value = m["comp"], m["kind"], m["value"]
    if kind not in KINDS:
        raise FaultSpecError(f"fault '{spec}': unknown kind '{kind}' (one of {', '.join(KINDS)})")
    if design is not None and comp not in {c.id for c in design.components}:
        known = ", ".join(c.id for c in design.components)
        raise FaultSpecError(f"fault '{spec}': unknown component '{comp}' (known: {known})")
    fields: dict[str, object] = {"component": comp, "kind": kind}
    if kind == "down":
        if value is not None:
            raise FaultSpecError(f"fault '{spec}': 'down' takes no value")
    elif kind == "slow":
        if value is None:
            raise FaultSpecError(f"fault '{spec}': give the slowdown factor, e.g. slow=10")
        factor = _number(value, "factor", spec)
        if factor <= 0:
            raise FaultSpecError(f"fault '{spec}': the slowdown factor must be > 0")
        fields["factor"] = factor
    elif kind == "lose_replicas":
        k = _number(value, "replica count", spec) if value is not None else Fraction(1)
        if k.denominator != 1 or k < 1:
            raise FaultSpecError(f"fault '{spec}': lose_replicas takes a whole number ≥ 1")
        fields["replicas"] = int(k)
    else:
        if value is None:
            raise FaultSpecError(f"fault '{spec}': give the error probability, e.g. error_rate=0.2")
        p = _number(value, "error probability", spec)
        if not 0 <= p <= 1:
            raise FaultSpecError(f"fault '{spec}': the error probability must be within 0..1")
        fields["rate"] = p
    for key, text in (("at", m["start"]), ("for", m["length"])):
        if text is None:
            continue
        try:
            fields[key] = parse_duration(text.strip())
        except (UnitError, ValueError) as exc:
            raise FaultSpecError(f"fault '{spec}': bad time '{text}': {exc}") from None
    try:
        fault = Fault.model_validate(fields)
    except ValidationError as exc:
        # The model's own bounds (a factor up to 1000, times up to 100 years) refuse what the
        # grammar lets through, e.g. slow=1e308 or @1e30d: said about the spec, not a traceback.
        problems = "; ".join(
            f"'{'.'.join(map(str, e['loc'])) or 'value'}': {e['msg'][:1].lower()}{e['msg'][1:]}"
            for e in exc.errors()
        )
        raise FaultSpecError(f"fault '{spec}': {problems}") from None
    lost = lost_beyond_instances(design, fault) if design is not None else None
    if lost is not None:
        raise FaultSpecError(f"fault '{spec}': {lost}")
    return fault


def parse_faults(specs: tuple[str, ...], design: Design | None = None) -> tuple[Fault, ...]:
    return tuple(parse_fault(s, design) for s in specs)


def describe(f: Fault) -> str:
    """A fault in the spec grammar (round-trips through :func:`parse_fault`)."""
    value = {
        "down": "",
        "slow": f"={f.factor}",
        "lose_replicas": f"={f.replicas or 1}",
        "error_rate": f"={sig(float(f.rate or 0), 6)}",
    }[f.kind]
    when = f"@{f.at}"  # the duration's own text (36500d, not @3.1536e+09s); it parses back
    if f.duration is not None:
        when += f"+{f.duration}"
    return f"{f.component}:{f.kind}{value}{when}"


__all__ = [
    "EXAMPLES",
    "GRAMMAR",
    "KINDS",
    "FaultSpecError",
    "describe",
    "parse_fault",
    "parse_faults",
]
