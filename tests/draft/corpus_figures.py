"""The corpus figures of issue 13, measured: `python tests/draft/corpus_figures.py [-v]`.

Prints, over `corpus/tasks.yaml`: number tokens placed / unplaced / dropped, key numbers
fully right, tasks with their main components and main-job component, drafts that load
(`archproof check`) and drafts with no un-accepted review warning. `-v` lists every miss.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from test_corpus import (
    _NUMBER_TOKEN,
    CORPUS,
    _draft,
    _reading,
    _text,
    clean_problems,
    component_mismatches,
    key_mismatches,
)


def main(verbose: bool) -> None:
    tokens = placed = unplaced = dropped = 0
    key_total = key_right = 0
    components_ok = clean_ok = loads = 0
    started = time.perf_counter()
    for task in CORPUS:
        tid = task["id"]
        reading = _reading(tid)
        for match in _NUMBER_TOKEN.finditer(_text(tid)):
            tokens += 1
            item = reading.covering(match.start())
            if item is None:
                dropped += 1
            elif item in reading.unplaced:
                unplaced += 1
            else:
                placed += 1
        wrong = key_mismatches(task, reading)
        wrong_numbers = {w.split(":")[0] for w in wrong}
        key_total += len(task["numbers"])
        key_right += len(task["numbers"]) - len(wrong_numbers)
        try:
            drafted = _draft(tid)
        except Exception as exc:  # a crash is a miss on every draft figure
            if verbose:
                print(f"{tid}: draft failed: {exc}")
            continue
        missing = component_mismatches(task, drafted)
        components_ok += not missing
        try:
            problems = clean_problems(drafted)
            loads += 1
        except Exception as exc:
            problems = [f"does not load: {exc}"]
        clean_ok += not problems
        if verbose:
            for line in wrong:
                print(f"{tid}: number {line}")
            for line in missing:
                print(f"{tid}: component {line}")
            for line in problems:
                print(f"{tid}: review {line}")
    n = len(CORPUS)
    print(f"tasks: {n}")
    print(f"number tokens {tokens}: placed {placed}, unplaced {unplaced}, dropped {dropped}")
    print(f"key numbers right in value, unit, period, subject, peak, per: {key_right}/{key_total}")
    print(f"main components and main-job component present: {components_ok}/{n}")
    print(f"drafts that load (archproof check): {loads}/{n}")
    print(f"drafts with no un-accepted review warning: {clean_ok}/{n}")
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
