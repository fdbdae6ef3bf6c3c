"""The code stage as a pipeline pass: the generated package's summary, for the report.

Not a default pass (`run(design)` leaves it out); the report command and the MCP tools run
every registered pass, so a report shows the generated types and signatures. Nothing is
written and no tool runs here: `archproof code` writes the files and runs mypy and ruff.
"""

from __future__ import annotations

from dataclasses import dataclass

from archproof.passes.base import Context, Pass
from archproof.passes.codegen.generate import generate_package
from archproof.passes.codegen.plan import CodegenError
from archproof.passes.codegen.result import GeneratedPackage


@dataclass(frozen=True)
class CodeResult:
    """The package the design generates, or why it cannot be generated."""

    package: GeneratedPackage | None
    problems: tuple[str, ...] = ()


def _run(context: Context) -> CodeResult:
    try:
        return CodeResult(generate_package(context.design))
    except CodegenError as exc:
        return CodeResult(None, tuple(str(p) for p in exc.problems))


PASS = Pass(
    name="code",
    run=_run,
    result=CodeResult,
    requires=(),
    description="Typed Python from the design: ids, enums, records, lifecycles, Protocols.",
    default=False,
)
