"""The pass framework: a pass is a pure function of the design and earlier results.

A pass declares the passes it needs; the pipeline runs an explicit ordered tuple of
passes and carries results in a `Context`. Passes never modify the design (it is
frozen) and return frozen results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from archproof.model import Design

T = TypeVar("T")


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
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What passes see: the design, the options, and the results of earlier passes."""

    design: Design
    options: Options = field(default_factory=Options)
    results: dict[str, object] = field(default_factory=dict)

    def get(self, name: str, kind: type[T]) -> T | None:
        """The result of pass `name` if it ran, checked to be a `kind`."""
        result = self.results.get(name)
        if result is None:
            return None
        if not isinstance(result, kind):
            raise TypeError(f"result of pass {name!r} is {type(result).__name__}, not {kind}")
        return result


@dataclass(frozen=True)
class Pass:
    """A named pass with its declared dependencies (by name) and its function."""

    name: str
    run: Callable[[Context], object]
    requires: tuple[str, ...] = ()
    description: str = ""
    default: bool = True  # run when no passes are named; False = only when asked for
