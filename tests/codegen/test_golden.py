"""One generated package per coding example, kept under examples/code/ as a golden.

Each `examples/code/<task>/design.yaml` is the drafted design of `examples/tasks/<task>.txt`;
beside it is the package `archproof code` writes from it. The test regenerates and compares
file by file (`pytest --update-golden` rewrites them after a deliberate change).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.codegen import generate_package

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "code").glob("*/design.yaml"))
_IGNORED = {"__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}


def test_every_coding_example_has_a_golden() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("design_file", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_golden_package_is_what_the_design_generates(
    design_file: Path, update_golden: bool
) -> None:
    package = generate_package(load_design(design_file), source="design.yaml")
    root = design_file.parent
    expected = {file.path: file.text for file in package.files}
    if update_golden:
        for path, text in expected.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, "utf-8")
    on_disk = {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and p.name != "design.yaml" and not _IGNORED & set(p.parts)
    }
    assert on_disk == set(expected), "stale or missing files; run pytest --update-golden"
    for path, text in expected.items():
        assert (root / path).read_text("utf-8") == text, f"{path}: run pytest --update-golden"
