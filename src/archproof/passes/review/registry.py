"""The explicit list of rule modules. Importing a module registers its rules."""

from __future__ import annotations

import importlib

from archproof.passes.review.rule import Rule, registered

# One module per principle family; add new families here.
RULE_MODULES: tuple[str, ...] = (
    "state",
    "database",
    "operations",
    "caching",
    "events",
    "observability",
    "failure",
    "questions",
    "analysis",
    "data_structures",
    "pythonic",
    "silence",
    "schema",
    "delivery",
    "cache_writes",
    "resilience",
    "telemetry",
    "stores",
    "consistency",
    "sequencing",
    "aggregates",
    "retry_layers",
)


def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code."""
    for module in RULE_MODULES:
        importlib.import_module(f"archproof.passes.review.rules.{module}")
    rules = registered()
    return tuple(rules[code] for code in sorted(rules))
