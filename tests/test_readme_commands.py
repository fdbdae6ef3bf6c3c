"""Issue 20, problem 9: the README's commands, pasted one by one into a fresh shell after the
set-up command, all work.

After `make demo` the tour said `archproof ...` and the shell answered "command not found";
later, `archproof schema -o design.schema.json` refused to overwrite the schema that
`archproof design` had just written beside its draft (exit 2). This test reads README.md's
shell blocks and runs each command line as a reader would: a fresh `bash` (no profile, a
bare PATH), `source .venv/bin/activate` as the README says, then the line as written, in a
directory holding a copy of the checkout's examples/ and docs/ (so what the commands write
lands there, not in the repository). Blocks run top to bottom in one directory, as a reader
pasting them would. Every line must exit 0 (the README documents no other status for them).

Lines not run are listed in SKIPPED with the reason; a README line that is neither run nor
listed fails the test, so a new command cannot slip past it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ACTIVATE = ROOT / ".venv" / "bin" / "activate"

# Shell blocks: ```sh, or a bare ``` block whose first line runs one of these programs.
PROGRAMS = ("archproof", "make", "pip", "export", "ollama", "llama-server")

# command line (as written, comment included) → why the test does not run it
SKIPPED: dict[str, str] = {
    "make demo": "the set-up command itself: this test runs after it (it made .venv)",
    "make test": "the test suite this test is part of",
    # Long runs (measured on the 2-core development machine under load, Dec 2026); the
    # simulator's own tests cover these commands' code paths at CI size.
    "archproof simulate examples/url_shortener.yaml --requests 200000": "84 s",
    "archproof simulate examples/chat.yaml --fault 'db:slow=20@10s+30s'": (
        "251 s (the simulation time issue 20 item 7 is about)"
    ),
    "archproof dbcheck examples/url_shortener.yaml": "52 s: a 1M-row SQLite load",
    "archproof dbcheck examples/url_shortener.yaml --postgres auto": (
        "80 s: initdb and a 1M-row load; tests/dbcheck runs --postgres auto at test size"
    ),
    "archproof dbcheck design.yaml --dsn postgresql://user:pw@host/db --rows 200000": (
        "a placeholder server and credentials"
    ),
    "archproof code lot.yaml --conform my_lot.py": "my_lot.py is the reader's own code",
    "pip install 'archproof[llm]'": "the package index (network); `make` installs the extra",
    "export OPENAI_API_KEY=...": "a placeholder key",
    "archproof design --llm openai:gpt-4o-mini": "a provider and a key (network)",
    "archproof design --llm anthropic:claude-sonnet-4-5": "a provider and a key (network)",
    "ollama serve & ollama pull llama3.1:8b": "a model server and a model download",
    "archproof design --llm llama3.1:8b": "a local model server",
    "llama-server -m model.gguf --port 8080 &": "a local model server and a model file",
    "archproof design --llm openai:local": "a local model server",
}


def _blocks() -> list[tuple[int, list[tuple[int, str]]]]:
    """The README's shell blocks: (first line number, [(line number, command line)])."""
    lines = ROOT.joinpath("README.md").read_text(encoding="utf-8").splitlines()
    out: list[tuple[int, list[tuple[int, str]]]] = []
    fence: str | None = None
    block: list[tuple[int, str]] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if fence is None:
            m = re.match(r"^```(\w*)\s*$", line)
            if m:
                fence, block, start = m.group(1), [], number
            continue
        if line.startswith("```"):
            commands = [(n, c) for n, c in block if c.strip() and not c.lstrip().startswith("#")]
            shell = fence == "sh" or (
                fence == "" and bool(commands) and commands[0][1].split()[0] in PROGRAMS
            )
            if shell and commands:
                out.append((start, commands))
            fence = None
            continue
        block.append((number, line))
    return out


def _skip_reason(command: str) -> str | None:
    """The listed reason for a line written as `command` (the key and the line agree up to
    the comment, or the key is the line's start for lines with a long argument)."""
    text = command.split("  #")[0].strip()
    if text in SKIPPED:
        return SKIPPED[text]
    starts = [key for key in SKIPPED if text.startswith(key + " ")]
    return SKIPPED[max(starts, key=len)] if starts else None


def _fresh_shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(cwd)),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "COLUMNS": "100",
    }
    for name in ("NUMBA_CACHE_DIR", "TMPDIR"):  # where the compiled kernels live
        if name in os.environ:
            env[name] = os.environ[name]
    script = f"source {ACTIVATE}\n{command}\n"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_readme_has_shell_blocks_and_every_skip_names_a_line() -> None:
    blocks = _blocks()
    assert len(blocks) >= 4, [start for start, _ in blocks]
    written = [c for _, commands in blocks for _, c in commands]
    assert any(c.startswith("archproof review") for c in written)
    for key in SKIPPED:  # a stale entry would hide nothing and mislead
        assert any(_skip_reason(c) == SKIPPED[key] for c in written), key


@pytest.mark.slow  # ~35 s of CPU, 90 s on a loaded machine; `make test` runs it (no deselection)
@pytest.mark.skipif(not ACTIVATE.exists(), reason="no .venv: run the set-up command first")
def test_readme_commands_work_pasted_into_a_fresh_shell(tmp_path: Path) -> None:
    for name in ("examples", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name)
    failed: list[str] = []
    ran = 0
    for _, commands in _blocks():
        for number, command in commands:
            if _skip_reason(command) is not None:
                continue
            done = _fresh_shell(command, tmp_path)
            ran += 1
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                failed.append(
                    f"README.md:{number}: exit {done.returncode}: {command}\n  " + "\n  ".join(tail)
                )
    assert ran >= 12, ran
    assert not failed, "\n".join(failed)
