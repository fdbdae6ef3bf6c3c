"""Fixtures of the code stage's tests: the 8 coding tasks drafted, generated and written once."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from archproof.frontends.draft import draft
from archproof.model import Design
from archproof.passes.codegen import GeneratedPackage, generate_package

ROOT = Path(__file__).resolve().parents[2]
TASKS = ROOT / "examples" / "tasks"
KEY = YAML(typ="safe").load((Path(__file__).parent / "answer_key.yaml").read_text("utf-8"))
TOOL_TIMEOUT_S = 300


@dataclass(frozen=True)
class Generated:
    """One coding task: its drafted design, the package, and where it was written."""

    name: str
    design: Design
    package: GeneratedPackage
    root: Path  # the directory holding <package>/ and tests/


def write(package: GeneratedPackage, root: Path) -> None:
    for file in package.files:
        target = root / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(file.text, "utf-8")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """Each task of the answer key: drafted from its text, generated, written to a temp dir."""
    base = tmp_path_factory.mktemp("generated")
    out: dict[str, Generated] = {}
    for name, entry in KEY.items():
        design = draft((TASKS / entry["task"]).read_text("utf-8")).design
        package = generate_package(design, source=entry["task"])
        write(package, base / name)
        out[name] = Generated(name, design, package, base / name)
    return out


@pytest.fixture(scope="session")
def generated_systems(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """The domain layer of each bundled system design (examples/*.yaml), generated too."""
    from archproof.frontends.yaml_loader import load_design

    base = tmp_path_factory.mktemp("systems")
    out: dict[str, Generated] = {}
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        design = load_design(path)
        package = generate_package(design, source=path.name)
        write(package, base / path.stem)
        out[path.stem] = Generated(path.stem, design, package, base / path.stem)
    return out


@pytest.fixture(scope="session")
def every_package(
    generated: dict[str, Generated], generated_systems: dict[str, Generated]
) -> dict[str, Generated]:
    """The 8 coding tasks and the system examples' domain layers, checked by the same tools."""
    return {**generated, **{f"system-{k}": v for k, v in generated_systems.items()}}


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every mypy run of the session (the stdlib is checked once)."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture
def shared_mypy_cache(mypy_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The session's mypy cache for `archproof code`, which honours MYPY_CACHE_DIR."""
    monkeypatch.setenv("MYPY_CACHE_DIR", str(mypy_cache))
    return mypy_cache


def run_tool(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_S,
        env=env,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr
