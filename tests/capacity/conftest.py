"""Helpers for capacity tests: small designs written inline as YAML."""

from __future__ import annotations

import textwrap

from archproof.frontends.yaml_loader import load_text
from archproof.model import Design
from archproof.passes.capacity import CapacityResult, analyze


def design(text: str) -> Design:
    return load_text(textwrap.dedent(text), "test.yaml")


def capacity(text: str, **kwargs: object) -> CapacityResult:
    return analyze(design(text), **kwargs)  # type: ignore[arg-type]
