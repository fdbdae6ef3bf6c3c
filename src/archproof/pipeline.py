"""The driver: frontend output (a Design) → passes in order → a Report."""

from __future__ import annotations

from archproof.errors import InternalError
from archproof.frontends.checks import require_valid
from archproof.passes.base import Context, Options
from archproof.passes.registry import PASSES
from archproof.report import Report


def run(
    design: object,
    *,
    passes: tuple[str, ...] | None = None,
    options: Options | None = None,
    source_file: str | None = None,
) -> Report:
    """Run `passes` (default: every default pass, in order) and their dependencies.

    Passes with ``default=False`` (the simulation: it costs seconds) run only when named.
    A design that did not come through the loader (e.g. `Design.model_validate(data)`) is
    checked first, so a dangling reference raises the same located `DesignError` as loading.
    """
    from archproof.model import Design

    if not isinstance(design, Design):
        raise TypeError("run() takes a Design (see archproof.load)")
    require_valid(design)
    wanted = _with_dependencies(
        passes if passes is not None else tuple(p.name for p in PASSES if p.default)
    )
    context = Context(design=design, options=options or Options())
    for p in PASSES:
        if p.name not in wanted:
            continue
        try:
            context.results = context.results.with_result(p.name, p.result, p.run(context))
        except InternalError:
            raise
        except Exception as exc:  # a crashing pass is our bug, reported as such
            raise InternalError(f"pass '{p.name}'", f"{type(exc).__name__}: {exc}") from exc
    return Report(design=design, results=context.results, source_file=source_file)


def _with_dependencies(names: tuple[str, ...]) -> set[str]:
    by_name = {p.name: p for p in PASSES}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"unknown pass(es): {', '.join(unknown)}")
    wanted: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name not in wanted:
            wanted.add(name)
            stack.extend(by_name[name].requires)
    return wanted
