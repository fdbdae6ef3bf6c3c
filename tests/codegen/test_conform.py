"""`archproof code --conform`: a user's module against the generated Protocols, via mypy.

A correct implementation of the parking lot conforms; a drifted one (park returns a str,
free_spots is missing) is flagged at the lines of the user's file where each mismatch is.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from archproof.cli.app import app

from .conftest import ROOT

DESIGN = ROOT / "examples" / "code" / "parking_lot" / "design.yaml"
HERE = Path(__file__).parent / "conform"


def _line(path: Path, text: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def test_a_correct_implementation_conforms(shared_mypy_cache: Path) -> None:
    impl = HERE / "lot_good.py"
    result = CliRunner().invoke(app, ["code", str(DESIGN), "--conform", str(impl)])
    assert result.exit_code == 0, result.output
    assert "InMemoryParkingLot → ParkingLot: conforms" in result.output


def test_a_drifted_implementation_is_flagged_with_file_and_line(shared_mypy_cache: Path) -> None:
    impl = HERE / "lot_bad.py"
    result = CliRunner().invoke(
        app, ["code", str(DESIGN), "--conform", str(impl), "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["conforms"] is False
    found = {(m["file"], m["line"]): m["message"] for m in report["mismatches"]}
    park = (str(impl), _line(impl, "def park"))
    klass = (str(impl), _line(impl, "class InMemoryParkingLot"))
    assert set(found) == {park, klass}
    assert "-> IssuedTicket" in found[park] and "-> str" in found[park]
    assert "no method free_spots" in found[klass]


def test_no_matching_class_is_a_usage_error(tmp_path: Path) -> None:
    impl = tmp_path / "other.py"
    impl.write_text("class A:\n    pass\n\n\nclass B:\n    pass\n", "utf-8")
    result = CliRunner().invoke(app, ["code", str(DESIGN), "--conform", str(impl)])
    assert result.exit_code == 2
    assert "implements ParkingLot" in result.output
