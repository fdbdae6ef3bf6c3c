"""Decisions: what the design chose, why, which principle it follows and the figure behind it.

Written under `decisions:` as a list, so the executive summary states them as data instead
of guessing principles from free-text rationales.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from archproof.model.base import Node
from archproof.model.principles import DECISION_PRINCIPLES, Principle

# Both spellings a design may use: the short code (`CA`, as rule codes and JSON output
# write it) and the words (`strategic caching`), each case-insensitive.
_SPELLINGS: dict[str, Principle] = {
    **{p.name.lower(): p for p in DECISION_PRINCIPLES},
    **{p.value.lower(): p for p in DECISION_PRINCIPLES},
}
# Listed in the error so the loader's "did you mean" can match either spelling.
_EXPECTED = ", ".join(
    [
        *(f"'{p.name}'" for p in DECISION_PRINCIPLES),
        *(f"'{p.value.lower()}'" for p in DECISION_PRINCIPLES),
    ]
)


def _parse_principle(value: Any) -> Any:
    if isinstance(value, Principle):
        found: Principle | None = value if value in DECISION_PRINCIPLES else None
    elif isinstance(value, str):
        found = _SPELLINGS.get(" ".join(value.split()).lower())
    else:
        found = None
    if found is None:
        # Type "enum" makes the loader report AP014 with a "did you mean" over `expected`.
        raise PydanticCustomError("enum", "Input should be {expected}", {"expected": _EXPECTED})
    return found


PrincipleRef = Annotated[
    Principle,
    BeforeValidator(_parse_principle),
    WithJsonSchema(
        {
            "type": "string",
            "enum": [
                *(p.name for p in DECISION_PRINCIPLES),
                *(p.value.lower() for p in DECISION_PRINCIPLES),
            ],
        }
    ),
]


class Alternative(Node):
    """An option a decision weighed and did not take, and why not."""

    option: str = Field(description="The option considered (e.g. 'read replicas only').")
    why_not: str = Field(description="Why it was not chosen: the figure or trade-off.")


class Decision(Node):
    """A design decision: the choice, the reason, the principle it follows, the evidence."""

    principle: PrincipleRef = Field(
        description=(
            "The principle the decision follows: its code (ST, DB, OP, CA, EV, OB, FH, DS, PY) "
            "or its words (strategic caching)."
        )
    )
    choice: str = Field(description="What was chosen (e.g. 'a Redis cache for hot codes').")
    reason: str = Field(description="Why: the requirement or trade-off that decided it.")
    evidence: str | None = Field(
        default=None,
        description="The figure or source behind the reason (e.g. '11.6k reads/s at peak').",
    )
    concerns: tuple[str, ...] = Field(
        default=(),
        description="Ids of the components, operations, entities or events it shapes.",
    )
    alternatives: tuple[Alternative, ...] = Field(
        default=(),
        description="Options considered and not taken, each with why not (the report lists them).",
    )
