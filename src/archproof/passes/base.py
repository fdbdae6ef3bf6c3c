"""The pass framework: a pass is a pure function of the design and earlier results.

A pass declares the passes it needs and the type of its result; the pipeline runs an
explicit ordered tuple of passes and carries results in a `Context`, keyed by that type
(`context.results.get(CapacityResult)` is a `CapacityResult | None`). Passes never modify
the design (it is frozen) and return frozen results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from archproof.model import Design

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class _Entry:
    name: str  # the pass that produced it
    value: object


class Results:
    """Pass results keyed by their type: `results.get(CapacityResult)` → `CapacityResult | None`.

    Immutable: `with_result` returns a copy. One result per type, each remembered with the
    name of the pass that produced it (reports list the passes that ran). A value stored
    under a type it is not an instance of is refused, so `get` never hands out a wrong type.
    """

    __slots__ = ("_by_type",)

    def __init__(self) -> None:
        self._by_type: dict[type, _Entry] = {}

    @classmethod
    def of(cls, **by_name: object) -> Results:
        """Results from `pass name=value` pairs, each keyed by the value's type (for tests)."""
        out = cls()
        for name, value in by_name.items():
            out = out.with_result(name, type(value), value)
        return out

    def with_result(self, name: str, kind: type[R], value: R) -> Results:
        """A copy holding `value` as the `kind` result of pass `name` (replacing one of its own)."""
        if not isinstance(kind, type):
            raise TypeError(f"results are keyed by type, not {kind!r}")
        if not isinstance(value, kind):
            raise TypeError(
                f"result of pass {name!r} is {type(value).__name__}, not {kind.__name__}"
            )
        held = self._by_type.get(kind)
        if held is not None and held.name != name:
            raise ValueError(f"{kind.__name__} is already the result of pass {held.name!r}")
        out = Results()
        out._by_type = {**self._by_type, kind: _Entry(name, value)}
        return out

    def get(self, kind: type[R]) -> R | None:
        """The result of type `kind`, if the pass producing it ran."""
        entry = self._by_type.get(kind)
        if entry is None:
            return None
        value = entry.value
        if not isinstance(value, kind):  # with_result guarantees this; keep mypy honest
            raise TypeError(f"result {entry.name!r} is {type(value).__name__}, not {kind}")
        return value

    def require(self, kind: type[R]) -> R:
        """The result of type `kind`; `LookupError` when no pass produced it."""
        value = self.get(kind)
        if value is None:
            raise LookupError(f"no {kind.__name__} result (its pass did not run)")
        return value

    def name_of(self, kind: type) -> str | None:
        """The pass that produced the `kind` result, if any."""
        entry = self._by_type.get(kind)
        return entry.name if entry is not None else None

    def names(self) -> tuple[str, ...]:
        """The passes that produced a result, in the order they ran."""
        return tuple(e.name for e in self._by_type.values())

    def items(self) -> Iterator[tuple[str, object]]:
        """(pass name, result) pairs in run order, for generic dumps."""
        return ((e.name, e.value) for e in self._by_type.values())

    def __contains__(self, kind: object) -> bool:
        return kind in self._by_type

    def __len__(self) -> int:
        return len(self._by_type)

    def __repr__(self) -> str:
        shown = ", ".join(f"{e.name}: {type(e.value).__name__}" for e in self._by_type.values())
        return f"Results({shown})"


# Simulation's default time limit (wall seconds): far above any default-sized run on this
# machine (the largest, a fault drill at the fault cap, takes ≈ 2–4 min), so it stops only
# runaway inputs; `simulate --time-limit` sets another.
DEFAULT_SIM_TIME_LIMIT_S = 600.0


@dataclass(frozen=True)
class Options:
    """Knobs the user sets on the command line that passes may read."""

    load_factors: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0)
    years: int = 3
    simulate: bool = False
    sim_requests: int | None = None
    sim_duration: float | None = None
    sim_load: float = 1.0
    sim_seed: int = 1
    sim_replications: int = 5
    sim_faults: tuple[str, ...] = ()
    sim_scenario: str | None = None
    sim_backend: str = "auto"  # auto / numba / python
    sim_time_limit: float | None = DEFAULT_SIM_TIME_LIMIT_S  # None: no limit
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What passes see: the design, the options, and the results of earlier passes."""

    design: Design
    options: Options = field(default_factory=Options)
    results: Results = field(default_factory=Results)

    def get(self, kind: type[T]) -> T | None:
        """The result of type `kind` (e.g. `CapacityResult`), if its pass ran."""
        return self.results.get(kind)


@dataclass(frozen=True)
class Pass(Generic[R]):
    """A named pass: its function, the type of its result, and its dependencies (by name)."""

    name: str
    run: Callable[[Context], R]
    result: type[R]
    requires: tuple[str, ...] = ()
    description: str = ""
    default: bool = True  # run when no passes are named; False = only when asked for
