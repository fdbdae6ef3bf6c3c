"""`archproof code`: typed Python from a design, checked by mypy and ruff; `--conform` drift."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from archproof.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    err,
    fail,
    load_or_exit,
    out,
    write_atomic,
)

if TYPE_CHECKING:
    from archproof.model import Design
    from archproof.passes.codegen import GeneratedPackage

TOOL_TIMEOUT_S = 180  # mypy on a cold cache takes a few seconds per package; never hang
RUFF_RULES = "E,F,W,I,UP,B,SIM,RUF"
INSTALL_HINT = "pip install 'archproof[code]' (or: pip install mypy ruff)"


@dataclass(frozen=True)
class ToolRun:
    """One checker's verdict on the generated files."""

    tool: str
    ok: bool
    output: str


def code(
    file: Path = typer.Argument(..., help="The design file (YAML)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Directory to write the package and its tests into."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
    check: bool = typer.Option(
        True,
        "--check/--no-check",
        help="Format with ruff, then run mypy --strict and ruff check on what was written.",
    ),
    conform: Path | None = typer.Option(
        None,
        "--conform",
        help="A module implementing the design's Protocols: check it with mypy instead.",
    ),
    fmt: str = typer.Option("terminal", "--format", help="Summary format: terminal or json."),
) -> None:
    """Typed Python from a design: ids, enums, frozen records, lifecycles, Protocols, parsers.

    Writes `DIR/<package>/` (models, errors, parsers, api) and `DIR/tests/test_<package>.py`
    (Hypothesis properties), then formats them with `ruff format`, runs `mypy --strict` and
    `ruff check` on them and reports the result (exit 1 if either fails); `--no-check`
    writes the generator's own layout and runs nothing. Refuses to overwrite files without
    --force.

    With `--conform impl.py`, nothing is written: mypy checks that the classes in impl.py
    satisfy the generated Protocols, and each mismatch is reported at its line in impl.py.

    Example: `archproof code examples/code/parking_lot/design.yaml -o out/`
    """
    from archproof.passes.codegen import CodegenError, generate_package

    if fmt not in ("terminal", "json"):
        fail(f"unknown format {fmt!r}", "use terminal or json")
    design = load_or_exit(file)
    try:
        package = generate_package(design, source=file.name)
    except CodegenError as exc:
        for problem in exc.problems:
            err.print(f"{problem}", markup=False)
        err.print(f"{len(exc.problems)} problem(s): nothing written", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if conform is not None:
        raise typer.Exit(_conform(design, package, conform, fmt))
    if output is None:
        fail("no output directory", "give one with -o DIR")
    _write(package, output, force=force)
    runs = _check(package, output) if check else []
    if fmt == "json":
        out.print(json.dumps(_summary(package, output, runs), indent=2), markup=False)
    else:
        _print(package, output, runs)
    raise typer.Exit(EXIT_FINDINGS if any(not r.ok for r in runs) else 0)


def _write(package: GeneratedPackage, directory: Path, *, force: bool) -> None:
    targets = [directory / f.path for f in package.files]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        fail(
            f"{existing[0]} exists" + (f" (and {len(existing) - 1} more)" if existing[1:] else ""),
            "use --force to overwrite, or -o to write elsewhere",
        )
    for generated, target in zip(package.files, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, generated.text)


def _tool(module: str) -> list[str]:
    if importlib.util.find_spec(module) is None:
        fail(f"{module} is not installed; the code stage needs it", INSTALL_HINT)
    return [sys.executable, "-m", module]


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[bool, str]:
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"{command[2]} did not finish within {TOOL_TIMEOUT_S}s"
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def mypy_command(paths: list[str]) -> list[str]:
    """mypy --strict as the code stage runs it (also used by the tests)."""
    return [*_tool("mypy"), "--strict", "--no-error-summary", "--show-column-numbers", *paths]


def ruff_command(paths: list[str]) -> list[str]:
    """ruff check with the rule set generated code is held to, ignoring any config around."""
    return [
        *_tool("ruff"),
        "check",
        "--isolated",
        "--select",
        RUFF_RULES,
        "--line-length",
        "100",
        "--target-version",
        "py311",
        "--output-format",
        "concise",
        *paths,
    ]


def ruff_format_command(paths: list[str]) -> list[str]:
    """ruff format at the line length the check holds generated code to."""
    return [
        *_tool("ruff"),
        "format",
        "--isolated",
        "--line-length",
        "100",
        "--target-version",
        "py311",
        "--quiet",
        *paths,
    ]


def _check(package: GeneratedPackage, directory: Path) -> list[ToolRun]:
    paths = [package.package, f"tests/test_{package.package}.py"]
    # The generator lays code out as ruff format would, but long identifiers from a design
    # (WebhookDeliveryAttemptRecordState) still overflow a hand-wrapped line: formatting
    # before the check wraps every one (a docstring it cannot wrap is the generator's own).
    _run(ruff_format_command(paths), directory)
    # No .mypy_cache left in the user's output directory, unless they point mypy at one.
    cache = [] if os.environ.get("MYPY_CACHE_DIR") else ["--cache-dir", os.devnull]
    mypy_ok, mypy_out = _run([*mypy_command(paths), *cache], directory)
    ruff_ok, ruff_out = _run(ruff_command(paths), directory)
    return [ToolRun("mypy --strict", mypy_ok, mypy_out), ToolRun("ruff check", ruff_ok, ruff_out)]


def _summary(package: GeneratedPackage, directory: Path, runs: list[ToolRun]) -> dict[str, object]:
    return {
        "package": package.package,
        "directory": str(directory),
        "files": [f.path for f in package.files],
        "types": list(package.types),
        "protocols": list(package.protocols),
        "lifecycles": list(package.lifecycles),
        "checks": [{"tool": r.tool, "ok": r.ok, "output": r.output} for r in runs],
    }


def _print(package: GeneratedPackage, directory: Path, runs: list[ToolRun]) -> None:
    out.print(f"wrote {len(package.files)} files of package {package.package} to {directory}/")
    out.print("\nTypes (data structures):", markup=False)
    for line in package.types:
        out.print(f"  {line}", markup=False)
    if package.lifecycles:
        out.print("\nLifecycles:", markup=False)
        for line in package.lifecycles:
            out.print(f"  {line}", markup=False)
    if package.protocols:
        out.print("\nSignatures (Protocols):", markup=False)
        for line in package.protocols:
            out.print(f"  {line}", markup=False)
    if runs:
        out.print("\nChecked:", markup=False)
    for run in runs:
        out.print(f"  {run.tool}: {'passed' if run.ok else 'FAILED'}", markup=False)
        if not run.ok:
            for line in run.output.splitlines()[:40]:
                out.print(f"    {line}", markup=False)


def _conform(design: Design, package: GeneratedPackage, path: Path, fmt: str) -> int:
    """Check the classes in `path` against the Protocols with mypy; 1 on any mismatch."""
    from archproof.passes.codegen.conform import find_classes, mismatches, probe
    from archproof.passes.codegen.plan import plan_code

    if not path.is_file():
        fail(f"{path} is not a file")
    source = path.read_text("utf-8")
    plan = plan_code(design)
    if not plan.protocols:
        fail("the design has no operation with a signature: nothing to conform to")
    classes = find_classes(source, plan)
    missing = [p.name for p in plan.protocols if p.name not in classes]
    if missing:
        fail(
            f"no class in {path} implements {missing[0]}",
            f"name the class {missing[0]} (or ending in {missing[0]})",
        )
    module = path.stem
    if module == package.package:
        fail(f"{path.name} has the generated package's name; rename the module")
    mypy = _tool("mypy")
    with tempfile.TemporaryDirectory(prefix="archproof-conform-") as tmp:
        root = Path(tmp)
        for generated in package.files:
            if generated.path.startswith(f"{package.package}/"):
                target = root / generated.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(generated.text, "utf-8")
        found = probe(plan, module, classes)
        probe_file = "_archproof_conform.py"
        (root / probe_file).write_text(found.text, "utf-8")
        env = {**os.environ, "MYPYPATH": os.pathsep.join([str(root), str(path.parent.resolve())])}
        command = [
            *mypy,
            "--strict",
            "--no-error-summary",
            "--hide-error-context",
            "--show-absolute-path",
            "--no-color-output",
            *([] if os.environ.get("MYPY_CACHE_DIR") else ["--cache-dir", os.devnull]),
            str(root / probe_file),
        ]
        ok, output = _run(command, root, env)
    problems = mismatches(output, probe_file, found, classes, str(path), source)
    if not ok and not problems:
        problems_text = output or "mypy failed without output"
        fail(f"mypy could not check {path}: {problems_text.splitlines()[0]}")
    if fmt == "json":
        report = {
            "module": str(path),
            "classes": classes,
            "conforms": not problems,
            "mismatches": [
                {"file": m.file, "line": m.line, "message": m.message} for m in problems
            ],
        }
        out.print(json.dumps(report, indent=2), markup=False)
    else:
        for problem in problems:
            out.print(str(problem), markup=False)
        pairs = ", ".join(f"{c} → {p}" for p, c in classes.items())
        verdict = "conforms" if not problems else f"{len(problems)} mismatch(es)"
        out.print(f"{path}: {pairs}: {verdict}", markup=False)
    return EXIT_FINDINGS if problems else 0


def register(app: typer.Typer) -> None:
    app.command("code")(code)
