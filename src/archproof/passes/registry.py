"""The explicit, ordered list of passes. A pass appears after every pass it requires."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archproof.passes import capacity, lower, questions, review
from archproof.passes.base import Context, Pass


@dataclass(frozen=True)
class Deferred:
    """A pass that is not run by default, imported from `module` only when it is wanted.

    The simulator's modules import numpy (and, to compile, numba); code generation its
    renderers. `design`, `review` and `analyze` never run them, and importing them cost
    ~0.3 s of every start-up (tests/test_startup.py). `name` and `default` are all the
    pipeline reads before it decides to run a pass; the rest is the module's own `PASS`
    (tests/test_startup.py checks the two agree).
    """

    name: str
    module: str
    default: bool = False

    def load(self) -> Pass[Any]:
        """The module's `PASS` (importing it on first use)."""
        found = importlib.import_module(self.module).PASS
        if not isinstance(found, Pass):  # the registry names a module that lost its PASS
            raise TypeError(f"{self.module}.PASS is {type(found).__name__}, not a Pass")
        return found

    @property
    def run(self) -> Callable[[Context], Any]:
        return self.load().run

    @property
    def result(self) -> type[Any]:
        return self.load().result

    @property
    def requires(self) -> tuple[str, ...]:
        return self.load().requires

    @property
    def description(self) -> str:
        return self.load().description


# Each pass module exposes a `PASS` object; the order here is the run order. Each declares
# its result type, the key of its result in `Results` (one pass per type).
PASSES: tuple[Pass[Any] | Deferred, ...] = (
    lower.PASS,
    capacity.PASS,
    review.PASS,
    questions.PASS,
    Deferred("simulate", "archproof.passes.simulate.pass_"),
    Deferred("code", "archproof.passes.codegen.pass_"),
)
