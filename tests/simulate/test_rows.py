"""The general kernel over pools packed as rows is generated from the kernel's source."""

from __future__ import annotations

import ast

import pytest

from archproof.passes.simulate import rows


def test_generated_rows_kernel_is_current() -> None:
    """_kernel_rows.py is what rows.render() makes of kernel.py now (regenerate with
    ``python -m archproof.passes.simulate.rows``)."""
    assert rows.GENERATED.read_text(encoding="utf-8") == rows.render()


def test_fields_are_rewritten_to_constant_offsets() -> None:
    """Every row field is read through its dtype's whole-pool view at a fixed offset, and
    no field name survives in the generated kernel except those views."""
    tree = ast.parse(rows.GENERATED.read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    views = {f.view for f in rows.FIELDS.values()}
    assert names & set(rows.FIELDS) == views
    f = rows.FIELDS["c_svc"]
    assert (f.view, f.stride, f.offset) == ("c_t0", 16, 8)
    assert rows.FIELDS["c_node"].stride == 32  # a call is 128 bytes


def test_other_uses_of_a_field_are_refused() -> None:
    bad = ast.parse("x = c_gen")
    with pytest.raises(ValueError, match="c_gen"):
        rows._Rewrite().visit(bad)
