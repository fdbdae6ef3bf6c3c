"""The framework's principles: one vocabulary for review rules, decisions and the report.

A member's name is its short code (the prefix of review rule codes, `FH` in `FH001`, and
what JSON output and design files write); its value is the principle in words.
"""

from __future__ import annotations

from enum import StrEnum


class Principle(StrEnum):
    """The framework's principles; a rule code's prefix names its principle."""

    ST = "Minimize stateful components"
    DB = "Database design"
    OP = "Operation efficiency"
    CA = "Strategic caching"
    EV = "Event management"
    OB = "Observability first"
    FH = "Robust failure handling"
    DS = "Data structures"
    PY = "Pythonic code"
    AP = "Design model"
    Q = "Design questions"


# The seven principles of the framework, in its order (PRODUCT.md numbers them 1-7).
FRAMEWORK: tuple[Principle, ...] = (
    Principle.ST,
    Principle.DB,
    Principle.OP,
    Principle.CA,
    Principle.EV,
    Principle.OB,
    Principle.FH,
)

# What a design decision can follow: the seven, plus the two coding-task stages. `AP` and
# `Q` name checks of the design file itself, which no design choice embodies.
DECISION_PRINCIPLES: tuple[Principle, ...] = (*FRAMEWORK, Principle.DS, Principle.PY)
