"""Formulas stated once (issue 11): an average rate becomes a peak rate in one place,
`model.requirements.at_peak`; no other module multiplies by a peak factor."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "archproof"
HOME = SRC / "model" / "requirements.py"


def _names_peak_factor(node: ast.expr) -> bool:
    return any(
        (isinstance(n, ast.Attribute) and n.attr == "peak_factor")
        or (isinstance(n, ast.Name) and n.id == "peak_factor")
        for n in ast.walk(node)
    )


def products_with_peak_factor(source: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mult)
        and (_names_peak_factor(node.left) or _names_peak_factor(node.right))
    ]


def test_only_at_peak_multiplies_by_the_peak_factor() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted(SRC.rglob("*.py"))
        if path != HOME
        for line in products_with_peak_factor(path.read_text("utf-8"))
    ]
    assert not found, "use model.requirements.at_peak:\n" + "\n".join(found)
    assert products_with_peak_factor(HOME.read_text("utf-8")), "at_peak moved?"


def test_the_check_can_fail() -> None:
    assert products_with_peak_factor("x = rate * load.peak_factor\n") == [1]
    assert products_with_peak_factor("x = float(v) * float(ctx.load.peak_factor)\n") == [1]
