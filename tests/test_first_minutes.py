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


WRITERS = ("output", "report", "calibrate")  # options naming a file a command writes


def test_every_command_that_writes_files_has_force() -> None:
    root = typer.main.get_command(app)
    missing = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        params = {p.name for p in command.params}
        if params & set(WRITERS) and "force" not in params:
            missing.append(name)
    assert missing == []


EXAMPLE = str(ROOT / "examples" / "payments.yaml")


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", EXAMPLE],
        ["simulate", EXAMPLE, "-n", "1000"],
        ["review", EXAMPLE, "-f", "sarif"],
        ["report", EXAMPLE, "-f", "markdown"],
        ["sweep", EXAMPLE, "-n", "1000"],
        ["ddl", EXAMPLE],
        ["dbcheck", EXAMPLE],
        ["schema"],
        ["design", "Design a URL shortener for 100M new links a month"],
    ],
    ids=lambda a: a[0],
)
def test_writers_refuse_to_overwrite_without_force(tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "existing.out"
    target.write_text("keep me\n", "utf-8")
    res = runner.invoke(app, [*args, "-o", str(target)])
    assert res.exit_code == 2, res.output
    assert f"error: {target} already exists" in res.stderr
    assert "--force" in res.stderr
    assert target.read_text("utf-8") == "keep me\n"


@pytest.mark.parametrize(
    "args",
    [["analyze", EXAMPLE, "-f", "json"], ["ddl", EXAMPLE], ["schema"]],
    ids=lambda a: a[0],
)
def test_force_overwrites(tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "existing.out"
    target.write_text("old\n", "utf-8")
    res = runner.invoke(app, [*args, "-o", str(target), "--force"])
    assert res.exit_code == 0, res.output
    assert target.read_text("utf-8") != "old\n"


def test_describe_lists_enum_values_and_ranges() -> None:
    res = runner.invoke(app, ["describe", "component"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert "Values: client, cdn, load_balancer, service," in text  # ComponentKind, in order
    assert "Range: ≥ 1, ≤ 100000." in text  # replicas (pydantic ge/le)
    res = runner.invoke(app, ["describe", "operation"], env={"COLUMNS": "200"})
    assert "Range: 0 or 0.000000001/s .. 1G/s." in " ".join(res.stdout.split())  # a Rate's bounds


def test_questions_lists_the_24_questions() -> None:
    from archproof.model.questions import QUESTIONS

    res = runner.invoke(app, ["questions", "--format", "json"])
    assert res.exit_code == 0, res.output
    import json

    listed = json.loads(res.stdout)
    assert [q["id"] for q in listed] == [q.id for q in QUESTIONS] and len(listed) == 24
    table = runner.invoke(app, ["questions"], env={"COLUMNS": "200"})
    assert "Q6.4" in table.stdout and "Failure modes" in table.stdout


def test_a_draft_finds_the_schema_its_first_line_names(tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    res = runner.invoke(
        app, ["design", "Design a URL shortener for 100M links a month", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    first = out.read_text("utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    named = out.parent / first.split("$schema=", 1)[1].strip()
    assert named.is_file()
    import json

    from archproof.cli.model_cmds import design_schema

    assert json.loads(named.read_text("utf-8")) == design_schema()


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("archproof rev", "1", "review"),
        ("archproof review --fo", "2", "--force"),
        ("archproof describe comp", "2", "component"),
    ],
)
def test_shell_completion_answers(words: str, cword: str, expected: str) -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, _ARCHPROOF_COMPLETE="complete_bash", COMP_WORDS=words)
    env["COMP_CWORD"] = cword
    code = "import sys; sys.argv[0] = 'archproof'; from archproof.cli.app import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert "Usage" not in done.stdout  # a completion answer, not the help
    assert expected in done.stdout.split(), done.stdout + done.stderr
