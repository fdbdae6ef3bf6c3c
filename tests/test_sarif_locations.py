"""Issue 20, item 9: SARIF locations are relative to the repository root (`uriBaseId`
SRCROOT), the same from any working directory, with no machine path in the log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path, PurePosixPath

import jsonschema
import pytest
from typer.testing import CliRunner

from archproof.backends.sarif import Base, artifact_location
from archproof.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
EXAMPLE = ROOT / "examples" / "payments.yaml"


@pytest.mark.parametrize(
    ("file", "cwd", "expected"),
    [
        ("examples/a.yaml", "/repo", {"uri": "examples/a.yaml", "uriBaseId": "SRCROOT"}),
        ("a.yaml", "/repo/examples", {"uri": "examples/a.yaml", "uriBaseId": "SRCROOT"}),
        ("../x/a b.yaml", "/repo/examples", {"uri": "x/a%20b.yaml", "uriBaseId": "SRCROOT"}),
        ("/repo/examples/a.yaml", "/elsewhere", {"uri": "examples/a.yaml", "uriBaseId": "SRCROOT"}),
        ("/tmp/a.yaml", "/repo", {"uri": "file:///tmp/a.yaml"}),  # outside: absolute, no base
        ("../a.yaml", "/repo", {"uri": "../a.yaml"}),  # outside and relative: as given
    ],
)
def test_artifact_location(file: str, cwd: str, expected: dict[str, str]) -> None:
    base = Base(root=PurePosixPath("/repo"), cwd=PurePosixPath(cwd))
    assert artifact_location(file, base) == expected


def _sarif(monkeypatch: pytest.MonkeyPatch, cwd: Path, path: str) -> dict[str, object]:
    monkeypatch.chdir(cwd)
    res = CliRunner().invoke(app, ["review", path, "-f", "sarif", "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    log: dict[str, object] = json.loads(res.stdout)
    return log


def test_the_log_is_the_same_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "designs" / "deep").mkdir(parents=True)
    shutil.copy(EXAMPLE, repo / "designs" / "pay.yaml")
    from_root = _sarif(monkeypatch, repo, "designs/pay.yaml")
    from_inside = _sarif(monkeypatch, repo / "designs" / "deep", "../pay.yaml")
    from_outside = _sarif(monkeypatch, tmp_path, str(repo / "designs" / "pay.yaml"))
    assert from_root == from_inside
    text = json.dumps(from_root)
    assert str(tmp_path) not in text  # no machine path
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(from_root)
    run = from_root["runs"][0]  # type: ignore[index]
    assert "SRCROOT" in run["originalUriBaseIds"]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert locations and all(
        loc == {"uri": "designs/pay.yaml", "uriBaseId": "SRCROOT"} for loc in locations
    )
    # outside any checkout the working directory is the base
    outside = from_outside["runs"][0]["results"][0]["locations"][0]  # type: ignore[index]
    assert outside["physicalLocation"]["artifactLocation"] == {
        "uri": "repo/designs/pay.yaml",
        "uriBaseId": "SRCROOT",
    }
