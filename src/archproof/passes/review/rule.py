"""`@rule`: one small function per rule, its metadata beside it, docs in its docstring.

A rule function takes a `RuleContext` and yields `Hit`s. Its docstring has fixed
sections — What it checks / Why it matters / Example / Use instead / Evidence — that
feed `archproof rules explain`, the generated docs and SARIF rule metadata. The
Example and Use instead sections hold small YAML designs; a test checks that the
Example fires the rule and Use instead does not.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archproof.passes.review.finding import Hit, Principle, Severity

if TYPE_CHECKING:
    from archproof.passes.review.context import RuleContext

RuleFunction = Callable[["RuleContext"], Iterator[Hit]]

SECTIONS = ("What it checks", "Why it matters", "Example", "Use instead", "Evidence")

_CODE = re.compile(r"^(ST|DB|OP|CA|EV|OB|FH|DS|PY|AP|Q)\d{3}$")


@dataclass(frozen=True)
class Rule:
    """A registered review rule."""

    code: str
    name: str
    principle: Principle
    severity: Severity
    check: RuleFunction
    summary: str
    sections: dict[str, str]
    needs: tuple[str, ...] = ()  # passes whose results the rule reads (e.g. capacity)

    @property
    def example(self) -> str:
        return self.sections.get("Example", "")

    @property
    def use_instead(self) -> str:
        return self.sections.get("Use instead", "")


_REGISTRY: dict[str, Rule] = {}


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Split a rule docstring into its summary line and its named sections."""
    text = inspect.cleandoc(doc)
    lines = text.splitlines()
    summary = lines[0].strip() if lines else ""
    sections: dict[str, str] = {}
    current: str | None = None
    buffer: list[str] = []
    for line in lines[1:]:
        header = line.strip().rstrip(":")
        if header in SECTIONS and line.strip().endswith(":"):
            if current is not None:
                sections[current] = _dedent(buffer)
            current, buffer = header, []
        elif current is not None:
            buffer.append(line)
    if current is not None:
        sections[current] = _dedent(buffer)
    return summary, sections


def _dedent(lines: list[str]) -> str:
    # dedent (not cleandoc): YAML examples need the relative indentation of every line kept.
    return textwrap.dedent("\n".join(lines)).strip("\n")


def rule(
    *,
    code: str,
    name: str,
    principle: Principle | None = None,
    severity: Severity = Severity.WARNING,
    needs: tuple[str, ...] = (),
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule. Codes are `<principle prefix><3 digits>` and never reused."""
    if not _CODE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if code in _REGISTRY:
        raise ValueError(f"rule code {code} registered twice")
    prefix = code.rstrip("0123456789")
    resolved = principle if principle is not None else Principle[prefix]

    def register(func: RuleFunction) -> RuleFunction:
        summary, sections = parse_docstring(func.__doc__ or "")
        missing = [s for s in SECTIONS if s not in sections]
        if missing:
            raise ValueError(f"rule {code} docstring lacks section(s): {', '.join(missing)}")
        _REGISTRY[code] = Rule(code, name, resolved, severity, func, summary, sections, needs)
        return func

    return register


def registered() -> dict[str, Rule]:
    """All registered rules by code (the rule modules must have been imported)."""
    return dict(_REGISTRY)
