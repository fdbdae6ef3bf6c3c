"""The review pass: the framework's principles as rules that yield located findings."""

from __future__ import annotations

from archproof.passes.base import Context, Pass
from archproof.passes.review.engine import ReviewResult, review
from archproof.passes.review.finding import Finding, Hit, Principle, Severity
from archproof.passes.review.registry import all_rules
from archproof.passes.review.rule import Rule, rule

__all__ = [
    "PASS",
    "Finding",
    "Hit",
    "Principle",
    "ReviewResult",
    "Rule",
    "Severity",
    "all_rules",
    "review",
    "rule",
]


def _run(context: Context) -> ReviewResult:
    return review(context.design, all_rules(), context.results)


# The review pass needs whatever passes its rules read (e.g. capacity for numeric rules).
PASS = Pass(
    name="review",
    run=_run,
    result=ReviewResult,
    requires=tuple(sorted({name for r in all_rules() for name in r.needs})),
    description="Check the design against the framework's principles (rules → findings).",
)
