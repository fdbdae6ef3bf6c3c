"""`archproof analyze`: formats, bad --load, atomic output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from archproof.cli.app import app

from .test_load import HOLD

runner = CliRunner()


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "d.yaml"
    path.write_text(textwrap.dedent(HOLD))
    return path


def test_terminal(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(_file(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Load and utilization" in result.output and "Growth plan" in result.output


def test_json_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "cap.json"
    result = runner.invoke(
        app,
        ["analyze", str(_file(tmp_path)), "--format", "json", "--load", "1x,3x", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [s["label"] for s in data["capacity"]["growth"]] == ["1x", "3x"]
    assert data["capacity"]["components"][0]["utilization"]["formula"]


def test_markdown(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(_file(tmp_path)), "--format", "markdown"])
    assert result.exit_code == 0
    assert "## Latency vs SLO" in result.output


def test_bad_load_exits_2(tmp_path: Path) -> None:
    for bad in ("2y", "-1x", "0", ",", "1x,abc"):
        result = runner.invoke(app, ["analyze", str(_file(tmp_path)), "--load", bad])
        assert result.exit_code == 2, bad
        assert "--load" in result.output


def test_bad_design_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("meta: {name: x}\ncomponents:\n  a: {kind: nope}\n")
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2
