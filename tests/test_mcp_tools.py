"""The MCP tools in-process (no SDK, no subprocess): dispatch, crashes, paths; and the
`archproof mcp` command's help and its install hint when the extra is missing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archproof.cli import mcp_cmd, mcp_inputs, mcp_tools
from archproof.cli.app import app

REPO = Path(__file__).resolve().parents[1]
BOX = mcp_inputs.Sandbox(REPO)


def test_every_tool_is_documented_for_an_agent() -> None:
    assert list(mcp_tools.TOOLS) == [
        "check",
        "review",
        "analyze",
        "simulate",
        "report",
        "draft",
        "describe",
        "schema",
        "catalog",
        "explain_rule",
    ]
    for name, tool in mcp_tools.TOOLS.items():
        doc = tool.__doc__ or ""
        assert len(doc) > 80, name


def test_a_crashing_tool_is_an_internal_error_result(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(box: mcp_inputs.Sandbox) -> mcp_tools.Payload:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(mcp_tools.TOOLS, "schema", boom)
    payload, is_error = mcp_tools.call(BOX, "schema", {})
    assert is_error
    assert payload["error"] == "internal"
    assert "schema" in payload["text"] and "ZeroDivisionError" in payload["text"]
    payload, is_error = mcp_tools.call(BOX, "describe", {})
    assert not is_error and payload["ok"]


def test_unknown_tools_and_arguments_are_usage_errors() -> None:
    payload, is_error = mcp_tools.call(BOX, "nope", {})
    assert is_error and payload["error"] == "usage"
    payload, is_error = mcp_tools.call(BOX, "describe", {"knd": "component"})
    assert is_error and "knd" in payload["text"]


def test_resolve_inside(tmp_path: Path) -> None:
    root = (tmp_path / "root").resolve()
    (root / "a").mkdir(parents=True)
    (root / "a" / "d.yaml").write_text("x")
    (tmp_path / "out.yaml").write_text("x")
    (root / "a" / "up").symlink_to(tmp_path / "out.yaml")
    (root / "a" / "loop").symlink_to(root / "a" / "loop")
    assert mcp_inputs.resolve_inside(root, "a/d.yaml") == root / "a" / "d.yaml"
    assert mcp_inputs.resolve_inside(root, str(root / "a" / "d.yaml")) == root / "a" / "d.yaml"
    assert mcp_inputs.resolve_inside(root, "a/../a/d.yaml") == root / "a" / "d.yaml"
    for given, why in (
        ("../out.yaml", "'..'"),
        ("a/../../out.yaml", "'..'"),
        (str(tmp_path / "out.yaml"), "absolute"),
        ("a/up", "symlink"),
        ("", "empty"),
        ("a/\x00", "invalid"),
    ):
        with pytest.raises(mcp_inputs.ToolFailure) as caught:
            mcp_inputs.resolve_inside(root, given)
        assert caught.value.kind == "path"
        assert why in caught.value.errors[0]["message"], given
    with pytest.raises(mcp_inputs.ToolFailure):
        mcp_inputs.resolve_inside(root, "a/loop")


def test_simulate_caps_and_the_plain_python_kernel_are_said() -> None:
    box = mcp_inputs.Sandbox(REPO, max_requests=1000, max_replications=1, sim_backend="python")
    arguments = {"path": "examples/url_shortener.yaml", "requests": 5000, "replications": 3}
    payload, is_error = mcp_tools.call(box, "simulate", arguments)
    assert not is_error, payload
    assert payload["run"]["backend"] == "python"
    assert (payload["run"]["requests"], payload["run"]["replications"]) == (1000, 1)
    notes = payload["bounds"]["notes"]
    assert len(notes) == 3 and "plain-Python kernel" in notes[1]


def test_help_explains_how_to_register_it() -> None:
    result = CliRunner().invoke(app, ["mcp", "--help"])
    assert result.exit_code == 0
    for words in (".mcp.json", "mcpServers", "claude mcp add", "archproof[mcp]", "--root"):
        assert words in result.output, words


def test_without_the_extra_it_prints_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # `None` in sys.modules makes `import mcp` raise ImportError, as if it were not installed;
    # submodules already imported (by other tests) must go too, or they would be found.
    for name in [m for m in sys.modules if m == "mcp" or m.startswith("mcp.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "mcp", None)
    monkeypatch.delitem(sys.modules, "archproof.cli.mcp_server", raising=False)
    result = CliRunner().invoke(app, ["mcp"])
    assert result.exit_code == 2
    assert result.output.strip() == mcp_cmd.INSTALL_HINT
    assert "Traceback" not in result.output


def test_the_analyze_verdict_names_what_is_not_clean() -> None:
    text = (REPO / "examples" / "url_shortener.yaml").read_text("utf-8")
    assert "    replicas: 6 " in text and "    concurrency: 64 " in text
    starved = text.replace("    replicas: 6 ", "    replicas: 1 ").replace(
        "    concurrency: 64 ", "    concurrency: 1 "
    )
    payload, is_error = mcp_tools.call(BOX, "analyze", {"design": starved})
    assert not is_error, payload
    verdict = payload["verdict"]
    assert verdict["clean"] is False
    assert "api:all" in verdict["saturated_pools"]
    assert {m["operation"] for m in verdict["missed_slos"]} >= {"redirect"}
    clean, _ = mcp_tools.call(BOX, "analyze", {"design": text})
    assert clean["verdict"]["clean"] is True


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "dir.yaml").mkdir()
    os.mkfifo(root / "fifo.yaml")  # reading it would block the worker until its time budget
    box = mcp_inputs.Sandbox(root)
    for name, words in (
        ("dir.yaml", "is a directory"),
        ("fifo.yaml", "not a regular file"),
        ("none.yaml", "no such file"),
    ):
        payload, is_error = mcp_tools.call(box, "check", {"path": name})
        assert is_error and payload["error"] == "design", payload
        (record,) = payload["errors"]
        assert record["code"] == "AP000" and words in record["message"], record


def test_draft_refuses_to_write_over_a_directory(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    box = mcp_inputs.Sandbox(tmp_path.resolve())
    payload, is_error = mcp_tools.call(box, "draft", {"task": "a url shortener", "output": "d"})
    assert is_error and payload["error"] == "usage" and "directory" in payload["text"]


def test_a_root_that_is_not_a_directory_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("mcp")
    result = CliRunner().invoke(app, ["mcp", "--root", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "is not a directory" in result.output
