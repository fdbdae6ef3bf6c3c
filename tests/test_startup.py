"""Start-up stays cheap (issue 13): what `archproof --help` and `archproof check` import.

Deterministic, not timed: each case runs in a fresh interpreter and looks at `sys.modules`.
The figures (CPU seconds) are in benchmarks/bench_startup.py; this test fails when an eager
import brings the simulator (numba, numpy), code generation, jinja2 or sqlglot back into the
command registry.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Modules a command registry or a `check` has no use for; each costs 0.1–1 s of CPU.
HEAVY = (
    "numba",
    "numpy",
    "llvmlite",
    "jinja2",
    "sqlglot",
    "archproof.pipeline",
    "archproof.passes.simulate",
    "archproof.passes.codegen",
    "archproof.passes.dbcheck",
    "archproof.passes.capacity",
    "archproof.backends.report",
)


def _loaded_after(code: str) -> list[str]:
    """Run `code` in a fresh interpreter; the loaded modules whose root name is in HEAVY."""
    probe = (
        f"{code}\n"
        "import json as _j, sys as _s\n"
        f"_heavy = {HEAVY!r}\n"
        "print(_j.dumps(sorted(m for m in _s.modules "
        "if any(m == h or m.startswith(h + '.') for h in _heavy))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def _run_cli(*args: str) -> str:
    """Python source that runs the CLI in-process (as the console script does) and goes on."""
    return (
        "import sys\n"
        f"sys.argv = ['archproof', *{list(args)!r}]\n"
        "from archproof.cli.app import app\n"
        "try:\n"
        "    app()\n"
        "except SystemExit:\n"
        "    pass\n"
    )


def test_import_archproof_is_cheap() -> None:
    assert _loaded_after("import archproof") == []


def test_public_api_is_importable_by_name_and_loads_on_use() -> None:
    code = "from archproof import Design, DesignError, Span, load, load_text, Options, Report, run"
    assert "archproof.pipeline" in _loaded_after(code)  # `run` is the pipeline's driver


def test_command_registry_imports_no_heavy_module() -> None:
    assert _loaded_after("import archproof.cli.app") == []


def test_command_registry_does_not_build_the_model() -> None:
    # pydantic and the model classes cost ~0.3 s; --help and completion do not need them
    probe = "import sys, archproof.cli.app\n" + "_s = sys.modules\n"
    probe += "assert 'pydantic' not in _s and 'archproof.model' not in _s, sorted(_s)\n"
    assert _loaded_after(probe) == []


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("check", "--help"),
        ("simulate", "--help"),
        ("check", "examples/payments.yaml"),
    ],
    ids=lambda a: " ".join(a),
)
def test_help_and_check_import_no_heavy_module(args: tuple[str, ...]) -> None:
    assert _loaded_after(_run_cli(*args)) == []


# What the commands that analyse but never simulate must not import: the simulator (numpy,
# and numba to compile its kernel: ~0.7 s of CPU together) and code generation. `design`
# took ~3.7 s wall with them; the registry imports both only when asked (passes/registry.py).
SIMULATOR = ("numba", "llvmlite", "numpy", "archproof.passes.simulate", "archproof.passes.codegen")
TASK = "URL shortener. 100M new links/month, 10B redirects/month. p99 redirect < 50ms."


def _loaded_of(code: str, names: tuple[str, ...]) -> list[str]:
    """Run `code` in a fresh interpreter; the loaded modules whose root name is in `names`."""
    probe = (
        f"{code}\n"
        "import json as _j, sys as _s\n"
        f"_names = {names!r}\n"
        "print(_j.dumps(sorted(m for m in _s.modules "
        "if any(m == h or m.startswith(h + '.') for h in _names))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    ("args", "forbidden"),
    [
        (("review", "examples/payments.yaml"), SIMULATOR),
        (("analyze", "examples/payments.yaml"), SIMULATOR),
        (("analyze", "examples/url_shortener.yaml", "-f", "json"), SIMULATOR),
        (("design", TASK, "-o", "{tmp}/design.yaml"), SIMULATOR),
        (("design", TASK, "-o", "{tmp}/design.yaml", "--format", "json"), SIMULATOR),
        # the Markdown report renders simulation and code sections when they ran, so it
        # imports their result types (numpy with them); it never compiles the kernel
        (("design", TASK, "-o", "{tmp}/design.yaml", "--report", "{tmp}/r.md"), SIMULATOR[:2]),
    ],
    ids=["review", "analyze", "analyze-json", "design", "design-json", "design-report"],
)
def test_design_review_analyze_import_no_simulator(
    args: tuple[str, ...], forbidden: tuple[str, ...], tmp_path: Path
) -> None:
    argv = tuple(a.replace("{tmp}", str(tmp_path)) for a in args)
    assert _loaded_of(_run_cli(*argv), forbidden) == []
    if args[0] == "design":  # the probe ran the command (a failing one would import less)
        assert (tmp_path / "design.yaml").exists()


def test_deferred_passes_agree_with_their_modules() -> None:
    from archproof.passes.base import Pass
    from archproof.passes.registry import PASSES, Deferred

    deferred = [p for p in PASSES if isinstance(p, Deferred)]
    assert {p.name for p in deferred} == {"simulate", "code"}
    for entry in deferred:
        loaded = entry.load()
        assert isinstance(loaded, Pass)
        assert (entry.name, entry.default) == (loaded.name, loaded.default)
        assert (entry.result, entry.requires) == (loaded.result, loaded.requires)
    # nothing the registry imports eagerly may depend on a deferred pass
    eager = {p.name: p for p in PASSES if not isinstance(p, Deferred)}
    assert not {n for p in eager.values() for n in p.requires} & {p.name for p in deferred}


def test_the_simulator_is_imported_when_it_runs() -> None:
    # the guard above would pass vacuously if the deferred pass never loaded its module
    code = (
        "from archproof import load, run\n"
        "from archproof.passes.base import Options\n"
        "run(load('examples/url_shortener.yaml'), passes=('simulate',),"
        " options=Options(sim_requests=2000, sim_replications=2, sim_backend='python'))\n"
    )
    loaded = _loaded_of(code, SIMULATOR)
    assert "archproof.passes.simulate.pass_" in loaded and "numpy" in loaded


def test_analyze_does_pull_in_what_it_needs() -> None:
    # the guard above would pass vacuously if the probe never ran a command
    loaded = _loaded_after(_run_cli("analyze", "examples/payments.yaml", "-f", "json"))
    assert "archproof.passes.capacity" in loaded


def test_help_texts_spelled_out_for_speed_still_agree() -> None:
    from archproof.cli import dbcheck_cmd, simulate_cmd
    from archproof.passes.dbcheck import DEFAULT_MAX_ROWS, DEFAULT_RUNS
    from archproof.passes.simulate.faults import EXAMPLES, GRAMMAR

    assert GRAMMAR in simulate_cmd._FAULT_HELP
    for example in EXAMPLES:
        assert example in simulate_cmd._FAULT_HELP
    assert (dbcheck_cmd.DEFAULT_MAX_ROWS, dbcheck_cmd.DEFAULT_RUNS) == (
        DEFAULT_MAX_ROWS,
        DEFAULT_RUNS,
    )


def test_the_catalog_reads_the_same_with_the_c_parser() -> None:
    from importlib import resources

    from ruamel.yaml import YAML

    text = resources.files("archproof.catalog").joinpath("components.yaml").read_text("utf-8")
    assert YAML(typ="safe").load(text) == YAML(typ="safe", pure=True).load(text)
