"""One table of kind traits (model/traits.py): every kind has a row, and no module outside
it compares `ComponentKind` members (issue 11: kind behaviour lives in one place)."""

from __future__ import annotations

import ast
from pathlib import Path

from archproof.model import ComponentKind
from archproof.model.traits import KIND_TRAITS, kinds_where, traits

SRC = Path(__file__).resolve().parents[1] / "src" / "archproof"
# The enum's own module and the table itself name the members.
OWNERS = {SRC / "model" / "components.py", SRC / "model" / "traits.py"}


def test_every_kind_has_a_row() -> None:
    assert set(KIND_TRAITS) == set(ComponentKind)


def test_delay_stations_are_the_kinds_someone_else_sizes() -> None:
    assert kinds_where(lambda t: t.delay_station) == {
        ComponentKind.CLIENT,
        ComponentKind.CDN,
        ComponentKind.EXTERNAL,
    }
    assert traits(ComponentKind.DATABASE).read_replicas


def member_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        f"{path.relative_to(SRC)}:{node.lineno}: ComponentKind.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "ComponentKind"
    ]


def test_no_module_switches_on_kinds_outside_the_table() -> None:
    found = [
        use for path in sorted(SRC.rglob("*.py")) if path not in OWNERS for use in member_uses(path)
    ]
    assert not found, "compare kinds through model/traits.py:\n" + "\n".join(found)


def test_the_kind_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from archproof.model import ComponentKind\nx = ComponentKind.CACHE\n")
    tree_uses = [n for n in ast.walk(ast.parse(bad.read_text())) if isinstance(n, ast.Attribute)]
    assert tree_uses and tree_uses[0].attr == "CACHE"
