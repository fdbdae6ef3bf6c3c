"""Shared helpers for the report tests: load an example, run the passes, render."""

from __future__ import annotations

from pathlib import Path

from archproof.frontends.yaml_loader import load_design
from archproof.pipeline import run
from archproof.report import Report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
GOLDEN = ROOT / "tests" / "golden" / "report"


def example_report(path: Path) -> Report:
    """The report of a bundled example with the default passes (no simulation)."""
    relative = path.relative_to(ROOT).as_posix()
    return run(load_design(path), source_file=relative)


def design_report(text: str, tmp_path: Path, name: str = "design.yaml") -> Report:
    file = tmp_path / name
    file.write_text(text, "utf-8")
    return run(load_design(file), source_file=name)
