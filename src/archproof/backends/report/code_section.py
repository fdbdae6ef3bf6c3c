"""The code stage in the report: generated signatures (architecture) and types (data).

Shown when the `code` pass ran (`archproof report` runs it): the Protocols' methods beside
the components, the ids, enums and records with how each lifecycle is typed beside the
entities. `archproof code` writes the package and checks it with mypy --strict and ruff.
"""

from __future__ import annotations

from archproof.backends.report.document import Block, Bullets, Note, Para, Section, Table
from archproof.passes.codegen import CodeResult
from archproof.report import Report

_HOW = "`archproof code` writes this package and checks it with mypy --strict and ruff."


def _result(report: Report) -> CodeResult | None:
    result = report.get(CodeResult)
    if result is None or (result.package is None and not result.problems):
        return None
    return result


def interfaces_section(report: Report) -> Section | None:
    """Generated Protocol methods, or None when there are none (or the pass did not run)."""
    result = _result(report)
    if result is None or result.package is None or not result.package.protocols:
        return None
    rows = tuple((line.split("(", 1)[0], line) for line in result.package.protocols)
    blocks: tuple[Block, ...] = (
        Para("Each operation with a signature is a method of a typing.Protocol. " + _HOW),
        Table(("Method", "Signature"), rows),
    )
    return Section("code-interfaces", "Generated interfaces (Python)", blocks)


def types_section(report: Report) -> Section | None:
    """Generated types and lifecycles, the problems that stop generation, or None."""
    result = _result(report)
    if result is None:
        return None
    if result.package is None:
        problems = Bullets(tuple(("", p) for p in result.problems))
        note = Note("The design cannot be generated as Python yet:", "warn")
        return Section("code-types", "Generated types (Python)", (note, problems))
    package = result.package
    rows = tuple(
        (line.split("(", 1)[0].split(" ", 1)[0].rstrip(":"), line) for line in package.types
    )
    blocks: list[Block] = [
        Para(
            f"Package `{package.package}`: ids as NewTypes, closed sets as enums, entities as "
            "frozen dataclasses. " + _HOW
        ),
        Table(("Type", "Definition"), rows),
    ]
    if package.lifecycles:
        blocks.append(
            Bullets(
                tuple(
                    (line.split(":", 1)[0], line.split(":", 1)[1].strip())
                    for line in package.lifecycles
                )
            )
        )
    return Section("code-types", "Generated types (Python)", tuple(blocks))
