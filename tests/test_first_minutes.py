"""Issue 20, item 9 — the first minutes of a new user: version, help, completion, --force."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import archproof
from archproof.cli.app import app
from archproof.cli.help_format import natural

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
PYTHON_TYPE = re.compile(r"<(bool|str|int|float|path|Path|list\[[^\]]*\]|int range|float range)>")


def _all_command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        for sub in getattr(command, "commands", {}):
            paths.append([name, sub])
    return paths


def test_version_prints_the_package_version() -> None:
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == f"archproof {archproof.__version__}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert archproof.__version__ == project["version"]


@pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p) or "archproof")
def test_help_names_no_python_types(path: list[str]) -> None:
    res = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert not PYTHON_TYPE.search(res.stdout), res.stdout


def test_flags_show_no_placeholder_and_values_do() -> None:
    res = runner.invoke(app, ["code", "--help"], env={"COLUMNS": "200"})
    rows = [line for line in res.stdout.splitlines() if line.startswith("│ --")]
    force = next(line for line in rows if "--force" in line)
    output = next(line for line in rows if "--output" in line)
    assert "Overwrite" in force and "PATH" not in force and "bool" not in force
    assert "PATH" in output


@pytest.mark.parametrize(
    ("typer_label", "name", "shown"),
    [
        ("<bool>", "force", ""),
        ("<str>", "select", "TEXT"),
        ("<int range>", "seed", "INTEGER"),
        ("<float>", "max_seconds", "NUMBER"),
        ("<path>", "output", "PATH"),
        ("<list[Path]>", "files", "FILE"),
        ("<terminal|json>", "format", "terminal|json"),
    ],
)
def test_natural_placeholder(typer_label: str, name: str, shown: str) -> None:
    assert natural(typer_label, name) == shown


def test_shell_completion_script_is_available() -> None:
    res = runner.invoke(app, ["--show-completion", "bash"])
    assert res.exit_code == 0, res.output
    assert "_ARCHPROOF_COMPLETE" in res.stdout
