"""Issue 12: design text is inert in the terminal and in SARIF for review, analyze and
simulate — Rich markup in a name or description shows as written (never styles, never
raises MarkupError), and a terminal escape never reaches the output: the loader refuses it
(AP006, located, the source line shown as written), and so does `archproof.run` on a design
built in Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import archproof
from archproof.cli.app import app

MARKUP_NAME = "api[bold]X[/]"
DESIGN = f"""\
meta: {{name: "shop [bold]B[/] [/]"}}
components:
  "{MARKUP_NAME}":
    kind: service
    tech: stateless-service
    replicas: 1
    concurrency: 1
    rationale: "[/] closes nothing [bold]r"
  db: {{kind: database, tech: postgresql}}
operations:
  get:
    description: "reads [bold]D[/] and [/]"
    rate: 900/s
    slo: {{p99: 5ms}}
    calls:
      - {MARKUP_NAME}.handle: 1ms
      - call: db.read
"""
ESCAPE = "\\e[31mEVIL\\e[0m"  # YAML double-quoted `\\e`: the ESC character
ANSI = DESIGN.replace('"reads [bold]D[/] and [/]"', f'"reads {ESCAPE}"').replace(
    '"[/] closes nothing [bold]r"', f'"{ESCAPE}"'
)
COMMANDS = {
    "review": ["review", "--fail-on", "never"],
    "review sarif": ["review", "--fail-on", "never", "-f", "sarif"],
    "analyze": ["analyze"],
    "simulate": ["simulate", "-n", "300", "-r", "1", "--backend", "python"],
}


def _run(args: list[str], path: Path) -> tuple[int, str]:
    res = CliRunner().invoke(app, [args[0], str(path), *args[1:]], env={"COLUMNS": "200"})
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res.exit_code, res.stdout + res.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_markup_in_names_and_descriptions_shows_as_written(tmp_path: Path, command: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    status, output = _run(COMMANDS[command], path)
    assert status == 0, output
    assert "\x1b" not in output
    if command == "review sarif":
        messages = " ".join(r["message"]["text"] for r in json.loads(output)["runs"][0]["results"])
        assert MARKUP_NAME in messages
    else:
        assert MARKUP_NAME in output  # interpreted markup would have eaten the brackets


@pytest.mark.parametrize("command", [*COMMANDS, "check"])
def test_a_terminal_escape_is_refused_located_and_shown_visibly(
    tmp_path: Path, command: str
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(ANSI, "utf-8")
    status, output = _run(COMMANDS.get(command, ["check"]), path)
    assert status == 2, output
    assert "\x1b" not in output
    assert f"{path}:8:16: AP006 text contains the control character U+001B" in output
    assert "\\e[31mEVIL" in output  # the source line as written, the escape not acted on


def test_run_refuses_an_escape_in_a_design_built_in_python(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    design = archproof.load(path)
    api = design.components[0]
    evil = api.model_copy(update={"rationale": "\x1b]8;;javascript:x\x1b\\\\click\x1b]8;;"})
    hostile = design.model_copy(update={"components": (evil, *design.components[1:])})
    with pytest.raises(archproof.DesignError) as caught:
        archproof.run(hostile)
    assert [d.code for d in caught.value.diagnostics] == ["AP006"]
    assert caught.value.diagnostics[0].span == api.span  # located on the component


def test_a_location_on_line_100_is_not_an_emoji(tmp_path: Path) -> None:
    # found by `make fuzz`: Rich turned `design.yaml:100:11` into `design.yaml💯11`
    path = tmp_path / "d.yaml"
    lines = ["meta: {name: x}", "components:"]
    lines += [f"  c{i}: {{kind: service, tech: stateless-service}}" for i in range(97)]
    lines.append("  bad: {kind: service, tech: {}}")  # line 100
    path.write_text("\n".join(lines) + "\n", "utf-8")
    status, output = _run(["check"], path)
    assert status == 2
    assert f"{path}:100:" in output and "\N{HUNDRED POINTS SYMBOL}" not in output


def test_emoji_codes_in_design_text_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN.replace("shop [bold]B[/] [/]", "shop :smile: :100:"), "utf-8")
    for args in (["check"], ["simulate", "-n", "300", "-r", "1", "--backend", "python"]):
        status, output = _run(args, path)
        assert status == 0, output
        assert ":smile: :100:" in output, args
