"""`archproof design`: writes the draft atomically, refuses to overwrite, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archproof.cli.app import app
from archproof.frontends.yaml_loader import load_design

TASK = "Design a URL shortener: 100M new links a month, reads 10x writes, p99 redirect under 50ms"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_writes_a_loadable_design_and_a_summary(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["design", TASK])
    assert result.exit_code == 0, result.output
    design = load_design(tmp_path / "design.yaml")
    assert design.meta.name == "url-shortener"
    for section in ("Requirements", "Key decisions", "Figures", "Open questions"):
        assert section in result.output
    assert "100M/month" in result.output and "extracted" in result.output
    assert "assumed" in result.output


def test_refuses_to_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "d.yaml"
    target.write_text("keep me\n", "utf-8")
    result = runner.invoke(app, ["design", TASK, "-o", str(target)])
    assert result.exit_code == 2
    assert "already exists" in result.output and "--force" in result.output
    assert target.read_text("utf-8") == "keep me\n"
    forced = runner.invoke(app, ["design", TASK, "-o", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert target.read_text("utf-8").startswith("# yaml-language-server: $schema=")


def test_reads_the_task_from_a_file_and_prints_json(runner: CliRunner, tmp_path: Path) -> None:
    task = tmp_path / "task.txt"
    task.write_text(
        "Design a payment system: 10k payments per day, 99.95% availability.\n", "utf-8"
    )
    out = tmp_path / "pay.yaml"
    result = runner.invoke(app, ["design", "--file", str(task), "-o", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["output"] == str(out)
    assert payload["patterns"][0] == "payments"
    assert any(d["id"] == "payments-exactly-once" for d in payload["decisions"])
    assert any(r["source"] == "extracted" for r in payload["requirements"])
    assert payload["open_questions"]
    load_design(out)


def test_report_is_written_when_a_backend_exists(runner: CliRunner, tmp_path: Path) -> None:
    out, report = tmp_path / "d.yaml", tmp_path / "d.md"
    result = runner.invoke(app, ["design", TASK, "-o", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert report.exists() or "report not written" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["design"], "no task given"),
        (["design", "   "], "the task is empty"),
        (["design", TASK, "--file", "x.txt"], "not both"),
        (["design", "--file", "missing.txt"], "no such file"),
        (["design", TASK, "--format", "xml"], "unknown format"),
    ],
)
def test_usage_errors_exit_2(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "design.yaml").exists()
