"""The long fuzz run behind `make fuzz` (issue 12): N mutated designs through every command.

The same mutations as tests/test_fuzz.py (extreme and odd numbers, type swaps, unicode,
control characters and markup in names, applied to the bundled examples), drawn from a seeded
`random.Random` so a run is repeatable; each input goes through `check`, `review`, `analyze`,
`report` (Markdown and HTML) and a tiny `simulate`, in-process, each under a time budget.
Every run is classified:

- ok: exit 0 or 1 (1: findings reached --fail-on);
- clean error: exit 2 with a located message (`file:line:col: APnnn`, or `error: ...`);
- unlocated error: exit 2 without one, or naming our types rather than the user's;
- internal error: an exception, a traceback, or any other exit status;
- over budget: still running after `--budget` seconds of CPU time (stopped);
- unsafe output: a terminal escape, a `javascript:` link or raw HTML from the design.

Every input goes through every command, a rejected one too (each command must reject it
with a located message). Inputs are drawn half from structural mutations (`test_fuzz.py`)
and half from figures pushed to the edges of their documented ranges (`fuzz_extremes.py`,
designs that mostly load); `--mode` picks one kind. Inputs behind anything but ok / clean
error are written to `--keep` for regression cases.

    .venv/bin/python tests/fuzz_run.py [-n 10000] [--seed 1] [--budget 10] [-j 2]
        [--mode mixed|mutate|extreme] [--keep out/fuzz]
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from archproof.cli.app import app
from fuzz_extremes import push_to_edges
from test_fuzz import COMMANDS, LEAK, NUMBERS, SWAPS, TEXT, TEXTS, mutate

_LOCATED = re.compile(r":\d+:\d+: AP\d{3} |^error: ", re.M)
# What acts rather than shows, per output: a terminal acts on control characters (Rich
# markup that got interpreted would show up as escapes too); Markdown on links and raw HTML;
# HTML on raw tags and javascript: URLs. Design text like `[x](javascript:1)` printed in a
# terminal or inside HTML text is inert and not counted.
_TERMINAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN = re.compile(r"\]\(\s*javascript:|<script|<img|<iframe|<svg|<style", re.I)
_HTML = re.compile(r"<script|<img|<iframe|<svg[^>]*on\w+=|href=\"\s*javascript:", re.I)
OUTCOMES = (
    "ok", "clean error", "unlocated error", "internal error", "over budget", "unsafe",
    "exponent",
)  # fmt: skip
# A figure in exponent notation (1.2e+06), which a person should never have to read
# (issue 20, problem 8); counted only when the input has none to quote.
_EXPONENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+(?![\w.])")
_MARKUP = re.compile(r"<svg.*?</svg>|<style.*?</style>|<script.*?</script>|<[^>]*>", re.S)


class OverBudget(BaseException):
    """Raised by the alarm; a BaseException so the CLI's own `except Exception` lets it by."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise OverBudget


def draw(rng: random.Random, mode: str = "mixed") -> str:
    """One input: 1 to 3 mutations of a random bundled example ("mutate"), 1 to 8 of its
    figures at the edges of their ranges ("extreme", mostly designs that load), or either
    at even odds ("mixed")."""
    if mode == "extreme" or (mode == "mixed" and rng.random() < 0.5):
        return push_to_edges(rng.choice(TEXTS), rng, rng.randint(1, 8))
    mutations = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(("number", "value", "text"))
        pool = {"number": NUMBERS, "value": NUMBERS + SWAPS + TEXT, "text": TEXT}[kind]
        mutations.append((kind, rng.randrange(10**6), rng.choice(pool)))
    return mutate(rng.choice(TEXTS), mutations)


def classify(command: tuple[str, ...], path: Path, budget: float) -> tuple[str, str, float]:
    """(outcome, detail, CPU seconds) of one command on one file."""
    # CPU time (ITIMER_PROF), not wall time: on a loaded machine a wall-clock budget would
    # count other processes' work against the command.
    signal.setitimer(signal.ITIMER_PROF, budget)
    started = time.process_time()
    try:
        result = CliRunner().invoke(app, [command[0], str(path), *command[1:]])
    except OverBudget:
        return "over budget", f"> {budget:g} s of CPU", budget
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    took = time.process_time() - started
    outcome, detail = _outcome(command, result)
    if outcome == "ok" and not _EXPONENT.search(path.read_text("utf-8")):
        shown = str(result.output)
        if command[-1] == "html":  # what a reader sees, not SVG coordinates or CSS
            shown = _MARKUP.sub(" ", shown)
        if (found := _EXPONENT.search(shown)) is not None:
            around = shown[max(0, found.start() - 80) : found.end() + 40]
            return "exponent", f"{found.group()!r} in ...{around}...", took
    return outcome, detail, took


def _outcome(command: tuple[str, ...], result: Any) -> tuple[str, str]:
    text = str(result.output)
    with contextlib.suppress(ValueError):
        text += str(result.stderr)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return "internal error", repr(result.exception)[:300]
    if "Traceback" in text or result.exit_code not in (0, 1, 2):
        return "internal error", f"exit {result.exit_code}: {text[-300:]}"
    if _TERMINAL.search(text):
        return "unsafe", "a control character in the output"
    # links and tags act in the document only (stdout, exit 0 or 1): an error message
    # quoting `<script>` from the design goes to a terminal, where it is text
    active = {"markdown": _MARKDOWN, "html": _HTML}.get(command[-1])
    document = str(result.stdout) if result.exit_code in (0, 1) else ""
    if active is not None and (found := active.search(document)) is not None:
        return "unsafe", f"active content in the output: {found.group()!r}"
    if result.exit_code == 2 and (found := LEAK.search(text)) is not None:
        return "unlocated error", f"our words, not the user's ({found.group()!r}): {text[:300]}"
    if result.exit_code == 2:
        return ("clean error", "") if _LOCATED.search(text) else ("unlocated error", text[:300])
    return "ok", ""


def share_per_input_work() -> None:
    """Skip work that repeats across one input's commands, not any command's own code.

    Most of a loaded input's CPU went to re-reading the same file six times (a fifth of it)
    and to typer rebuilding the click command tree on every `CliRunner.invoke` (a tenth).
    The design is frozen, so every command can be handed the one `check` loaded — each still
    runs its own pipeline, passes and rendering — and the command tree is built once.
    """
    import typer.testing

    from archproof.frontends import yaml_loader

    typer.testing._get_command = functools.cache(typer.testing._get_command)  # type: ignore[attr-defined]
    load = yaml_loader.load_design
    last: dict[tuple[str, bytes], Any] = {}

    def load_design(path: str | Path) -> Any:
        try:
            key = (str(path), Path(path).read_bytes())
        except OSError:
            return load(path)  # the loader's own message for a missing file
        if key not in last:
            design = load(path)  # a DesignError is not kept: `check` stops the input
            last.clear()
            last[key] = design
        return last[key]

    yaml_loader.load_design = load_design


Run = tuple[str, str, str, float]  # command, outcome, detail, CPU seconds


def fuzz_one(task: tuple[int, int, float, str]) -> tuple[int, str, list[Run]]:
    """Input `index` of the run seeded `seed`: (index, text, its runs)."""
    index, seed, budget, mode = task
    signal.signal(signal.SIGPROF, _alarm)
    text = draw(random.Random(seed * 1_000_003 + index), mode)  # the same input on any worker
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "design.yaml"
        path.write_text(text, "utf-8")
        for command in COMMANDS:
            runs.append((" ".join(command), *classify(command, path, budget)))
    return index, text, runs


def _table(
    counts: dict[str, Counter[str]],
    cpu: dict[str, list[float]],
    done: int,
    elapsed: float,
    args: Any,
) -> str:
    lines = [
        f"{done:,} inputs ({args.mode}, seed {args.seed}), {elapsed:,.0f} s, "
        f"budget {args.budget:g} s/run"
    ]
    lines.append(f"{'command':38}" + "".join(f"{o:>16}" for o in OUTCOMES) + "  CPU s p99/max")
    for name, counter in counts.items():
        times = sorted(cpu[name]) or [0.0]
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
        lines.append(
            f"{name:38}"
            + "".join(f"{counter[o]:>16,}" for o in OUTCOMES)
            + f"  {p99:6.2f}/{times[-1]:.2f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=10.0, help="CPU seconds per command run")
    parser.add_argument("--workers", "-j", type=int, default=1, help="processes")
    parser.add_argument("--keep", type=Path, default=Path("out/fuzz"), help="bad inputs go here")
    parser.add_argument("--mode", choices=("mixed", "mutate", "extreme"), default="mixed")
    args = parser.parse_args()
    counts: dict[str, Counter[str]] = {" ".join(c): Counter() for c in COMMANDS}
    cpu: dict[str, list[float]] = {name: [] for name in counts}
    bad: list[dict[str, str]] = []
    started = time.perf_counter()
    tasks = [(i, args.seed, args.budget, args.mode) for i in range(args.n)]
    share_per_input_work()  # before the fork: every worker inherits it
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        for done, (index, text, runs) in enumerate(pool.imap_unordered(fuzz_one, tasks), 1):
            for name, outcome, detail, seconds in runs:
                counts[name][outcome] += 1
                cpu[name].append(seconds)
                if outcome not in ("ok", "clean error"):
                    args.keep.mkdir(parents=True, exist_ok=True)
                    kept = args.keep / f"input-{index:05d}.yaml"
                    kept.write_text(text, "utf-8")
                    bad.append({"input": str(kept), "command": name, "outcome": outcome,
                                "detail": detail})  # fmt: skip
            if done % 100 == 0:
                table = _table(counts, cpu, done, time.perf_counter() - started, args)
                print(table, file=sys.stderr)
    print(_table(counts, cpu, args.n, time.perf_counter() - started, args))
    if bad:
        (args.keep / "failures.json").write_text(json.dumps(bad, indent=2), "utf-8")
        print(f"{len(bad)} bad runs; inputs and details in {args.keep}/")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
