"""Issue 20, problem 8: the terminal ignored its width.

`analyze` and `simulate` rendered at 140 columns and `review` at 100 whatever the terminal,
so at 80 or 100 columns tables wrapped into noise; `catalog` folded its cells letter by
letter ("postgres / ql", "lognorma / l"); table titles wrapped inside narrow tables.
Each command is run here at 80, 100 and 140 columns (COLUMNS, as a terminal sets it): no
line is wider than the terminal, no table row or title is broken over two lines, no word
of a cell or a finding is split, and no figure is printed in `e+` notation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archproof.backends.capacity_tables import tables
from archproof.catalog import load_catalog
from archproof.cli.app import app
from archproof.frontends.yaml_loader import load_design
from archproof.passes.capacity import CapacityResult
from archproof.passes.review import ReviewResult
from archproof.pipeline import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
WIDTHS = (80, 100, 140)
EXPONENT = re.compile(r"\d[eE][+-]\d")


def _invoke(width: int, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.output  # 1: findings at --fail-on
    return result.stdout


def _fits(text: str, width: int) -> list[str]:
    lines = text.splitlines()
    too_wide = [line for line in lines if len(line) > width]
    assert not too_wide, (width, too_wide[:3])
    assert not EXPONENT.search(text), EXPONENT.search(text)
    return lines


def _words_intact(words: str, lines: list[str], width: int) -> None:
    """Every word (as the text has it) stands whole on some line: nothing split a word."""
    for word in words.split():
        if len(word) < width:  # a word wider than the terminal must fold
            assert any(word in line for line in lines), (width, word)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_analyze_rows_and_titles_stay_on_one_line_at_80_100_and_140(path: Path) -> None:
    report = run(load_design(path), passes=("capacity",))
    cap = report.get(CapacityResult)
    assert cap is not None
    for width in WIDTHS:
        lines = _fits(_invoke(width, "analyze", str(path)), width)
        for table in tables(cap):
            if len(table.title) <= width:
                assert table.title in lines or any(
                    line.rstrip() == table.title for line in lines
                ), (width, table.title)  # the title was wrapped inside a narrow table
        load = next(t for t in tables(cap) if t.title.startswith("Load"))
        for row in load.rows:
            component, status = row[0], row[-1].split(" (")[0]
            assert any(line.split()[:1] == [component] and status in line for line in lines), (
                width,
                component,
            )  # one line holds the row's first and last cells


def test_simulate_fits_80_100_and_140_columns() -> None:
    path = ROOT / "examples" / "url_shortener.yaml"
    for width in WIDTHS:
        out = _invoke(width, "simulate", str(path), "--requests", "2000", "--seed", "1")
        lines = _fits(out, width)
        assert "Latency (simulated / analytic)" in lines[3:] or any(
            line.startswith("Latency (simulated / analytic)") for line in lines
        )


# A flow-style line far wider than any terminal, with findings at its start and near its
# end (column 155): the source line must be cut around the caret, not wrapped.
FAR = """meta: {name: far, kind: system}
requirements:
  load: {peak_factor: 1}
components:
  api: {kind: service, tech: stateless-service, replicas: 2, shed_load: true}
  db: {kind: database, tech: postgresql, replicas: 2, recovery: "PITR"}
operations:
  get_item: {rate: 10/s, slo: {p99: 200ms}, description: "a long flow-style line that puts \
the call far to the right", calls: [{call: api.handle, calls: [db.read]}]}
"""


def _check_review(path: Path) -> int:
    """Review `path` at each width; returns how many located findings were checked."""
    report = run(load_design(path), passes=("review",))
    review = report.get(ReviewResult)
    assert review is not None
    source = path.read_text("utf-8").splitlines()
    checked = 0
    for width in WIDTHS:
        lines = _fits(_invoke(width, "review", str(path), "--fail-on", "never"), width)
        for f in review.findings:
            for text in (f.message, f.fix or "", f.evidence or "", f.accepted or ""):
                _words_intact(text, lines, width)
        # every source line is cut to the width, never wrapped: the character above its
        # caret is the one at the column a finding on that line names
        columns: dict[int, set[str]] = {}
        for f in review.findings:
            if f.span is not None:
                char = source[f.span.line - 1].expandtabs(1)[f.span.column - 1]
                columns.setdefault(f.span.line, set()).add(char)
        for i, line in enumerate(lines[:-1]):
            number, bar, _ = line.strip().partition(" │ ")
            if not bar or not number.isdigit() or "^" not in lines[i + 1]:
                continue
            at = lines[i + 1].index("^")
            assert line[at] in columns[int(number)], (width, line, lines[i + 1])
            checked += 1
    return checked


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_review_wraps_prose_between_words_and_cuts_source_lines(path: Path) -> None:
    _check_review(path)


def test_review_cuts_a_line_wider_than_the_terminal_around_its_caret(tmp_path: Path) -> None:
    path = tmp_path / "far.yaml"
    path.write_text(FAR, "utf-8")
    assert max(len(line) for line in FAR.splitlines()) > 140
    assert _check_review(path) > 0
    out = _invoke(80, "review", str(path), "--fail-on", "never")
    assert "…lls: [{call: api.handle, calls: [db.read]}]}" in out  # the caret's end kept


def test_catalog_splits_no_words_at_80_100_and_140() -> None:
    entries = load_catalog().entries
    for width in WIDTHS:
        lines = _fits(_invoke(width, "catalog"), width)
        for e in entries:
            assert any(line.split()[:1] == [e.id] for line in lines), (width, e.id)
            _words_intact(e.source, lines, width)
            for name, dist in e.work.items():
                _words_intact(f"{name}: {dist.describe()}", lines, width)
