"""`archproof report`: format from the suffix or --format, atomic output, bad input."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from archproof.cli.app import app

from .helpers import ROOT

runner = CliRunner()
EXAMPLE = str(ROOT / "examples" / "url_shortener.yaml")


def test_html_from_suffix(tmp_path: Path) -> None:
    out = tmp_path / "design.html"
    result = runner.invoke(app, ["report", EXAMPLE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<svg" in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed


def test_markdown_from_suffix(tmp_path: Path) -> None:
    out = tmp_path / "design.md"
    result = runner.invoke(app, ["report", EXAMPLE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text.startswith("# url-shortener")
    assert "```mermaid" in text


def test_format_option_wins(tmp_path: Path) -> None:
    out = tmp_path / "design.txt"
    result = runner.invoke(app, ["report", EXAMPLE, "-o", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_stdout_is_markdown() -> None:
    result = runner.invoke(app, ["report", EXAMPLE])
    assert result.exit_code == 0
    assert result.stdout.startswith("# url-shortener")


def test_unknown_suffix_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "design.pdf"
    result = runner.invoke(app, ["report", EXAMPLE, "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_bad_design_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: {name: x}\ncomponents: {api: {kind: servce}}\n", "utf-8")
    out = tmp_path / "design.html"
    result = runner.invoke(app, ["report", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_bad_load_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", EXAMPLE, "--load", "fast"])
    assert result.exit_code == 2
