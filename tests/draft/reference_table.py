"""The reference-design table of issue 13: `python tests/draft/reference_table.py`.

One row per hand-written reference (`reference/*.yaml`): component recall over the
reference's kinds (missing kinds named), and each rate and storage figure, drafted vs
reference, `ok` when within 2×.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from test_reference import REFERENCES, compare


def main() -> None:
    print("| exercise | recall | missing kinds | figures (drafted vs reference) |")
    print("|---|---|---|---|")
    recalls: list[float] = []
    figures = figures_ok = 0
    for ref in REFERENCES:
        row = compare(ref)
        recalls.append(row.recall)
        figures += len(row.figures)
        figures_ok += sum(f.ok for f in row.figures)
        cells = "; ".join(f.cell() for f in row.figures) or "-"
        print(f"| {row.id} | {row.recall:.0%} | {', '.join(row.missing) or '-'} | {cells} |")
    mean = sum(recalls) / len(recalls)
    print(
        f"\nmean recall {mean:.0%}; references with recall ≥ 90%: "
        f"{sum(r >= 0.9 for r in recalls)}/{len(recalls)}; figures within 2×: "
        f"{figures_ok}/{figures}"
    )


if __name__ == "__main__":
    main()
