"""Imports point one way (STYLE.md §1): model ← frontends, passes ← pipeline/report ←
backends ← cli. This walks every module's imports with `ast` and fails on a wrong edge."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "archproof"

LEAF = {"span", "errors", "units", "policy", "numbers", "utilization"}
# layer → the layers it may import from (itself included).
ALLOWED: dict[str, set[str]] = {
    "span": {"span"},
    "units": {"units"},
    "policy": {"policy"},
    "numbers": {"numbers"},
    "utilization": {"utilization"},
    "errors": {"errors", "span"},
    "model": LEAF | {"model"},
    "catalog": LEAF | {"model", "catalog"},
    "frontends": LEAF | {"model", "catalog", "frontends"},
    "passes": LEAF | {"model", "catalog", "passes"},
    "report": LEAF | {"model", "catalog", "passes", "report"},
    # STYLE.md §1 "model ← frontends, passes ← pipeline": the driver checks a design (frontends).
    "pipeline": LEAF | {"model", "catalog", "frontends", "passes", "report", "pipeline"},
    # The LLM repair loop's checks (issue 17): a driver beside the pipeline.
    "repair": LEAF | {"model", "catalog", "frontends", "passes", "report", "pipeline", "repair"},
    "backends": LEAF | {"model", "catalog", "passes", "report", "backends"},
    "cli": LEAF
    | {
        "model",
        "catalog",
        "frontends",
        "passes",
        "report",
        "pipeline",
        "repair",
        "backends",
        "cli",
    },
}


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.split(".")[0] == "archproof"]


def test_imports_point_one_way() -> None:
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        layer = _layer(path)
        if layer == "__init__" or layer == "__main__":
            continue  # the package root re-exports the public API
        assert layer in ALLOWED, f"new top-level module {layer}: add it to the layering test"
        for line, name in _imports(path):
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if target not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(SRC)}:{line}: {layer} imports {name}")
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_the_layering_test_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from archproof.cli import app\n")
    assert _imports(bad) == [(1, "archproof.cli")]
    assert "cli" not in ALLOWED["model"]
