"""Helpers every building block shares."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import PATTERN_SUBJECTS
from archproof.frontends.draft.lexicon import DAY

WRITES = ("write", "events")
READS = ("read", "search")


def primary_rates(ctx: Ctx, pattern: str) -> tuple[Fraction, Fraction, str, str]:
    """Write and read rates for a block: the main load when it is the main block."""
    load = ctx.load
    if ctx.classification.primary == pattern:
        return load.writes, load.reads, "the main write load", "the main read load"
    subjects = PATTERN_SUBJECTS.get(pattern, frozenset())
    writes, wnote = ctx.rate(
        subjects,
        WRITES,
        lambda: ctx.dau() / DAY,
        f"{pattern} writes",
        "one per daily active user per day",
        f"{pattern}-writes",
    )
    return writes, writes * load.ratio, wnote, f"writes × {load.ratio} reads per write"
