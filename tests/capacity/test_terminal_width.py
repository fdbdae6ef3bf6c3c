"""Issue 20, problem 8: the terminal ignored its width, and numbers printed as `e+`.

`analyze` rendered at 140 columns whatever the terminal, so at 80 or 100 its tables
wrapped into noise; figures printed as `1.47e+03×`, `4.26075e+12 B`. Tables now fit the
console (long text folds into numbered notes, optional columns drop, nothing wraps) and
every figure goes through one formatter (archproof/numbers.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from archproof import numbers
from archproof.backends import capacity_terminal
from archproof.backends.capacity_tables import tables
from archproof.backends.report import render_markdown
from archproof.cli.app import app
from archproof.frontends.yaml_loader import load_design
from archproof.passes.capacity import CapacityResult
from archproof.pipeline import run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
WIDTHS = (80, 100, 140)
EXPONENT = re.compile(r"\d[eE][+-]\d")


def _capacity(path: Path) -> CapacityResult:
    result = run(load_design(path), passes=("capacity",)).get(CapacityResult)
    assert result is not None
    return result


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_tables_fit_80_100_and_140_columns_without_wrapped_rows(path: Path) -> None:
    result = _capacity(path)
    for width in WIDTHS:
        text = capacity_terminal.render(result, width=width)
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= width, (path.stem, width)
        console = Console(file=io.StringIO(), width=width)
        for table in tables(result):
            fitted = capacity_terminal.fit(table, console)
            # the table's natural width fits, and cells never wrap: one line per row
            assert capacity_terminal.natural_width(console, fitted.table) <= width, table.title
            assert all(col.no_wrap for col in fitted.table.columns)
        assert "…" not in text  # nothing truncated to fit


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_exponent_notation_where_a_person_reads(path: Path) -> None:
    result = _capacity(path)
    for width in WIDTHS:
        assert not EXPONENT.search(capacity_terminal.render(result, width=width))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_exponent_in_the_report_or_the_assumption_figures(path: Path) -> None:
    report = run(load_design(path))
    capacity = report.get(CapacityResult)
    assert capacity is not None
    for a in capacity.assumptions:
        assert not EXPONENT.search(a.detail), a.detail  # was "storage = 4.26075e+12 B"
    assert not EXPONENT.search(render_markdown(report))


def test_one_formatter_with_engineering_units() -> None:
    assert numbers.factor(1468.0) == "1,468×"
    assert numbers.factor(7.7712) == "7.77×"
    assert numbers.size(4.26075e12) == "4.26 TB"
    assert numbers.seconds(1.42) == "1.42 s"
    assert numbers.seconds(0.0105169) == "10.5 ms"
    assert numbers.seconds(3650 * 86400.0) == "3,650 d"
    assert numbers.seconds(1e-60) == "<1 µs"
    assert numbers.rate(11574.1) == "11.6k/s"
    assert numbers.percent(60.327) == "6,033%"
    assert numbers.sig(9.996) == "10"
    for value in (1e-12, 3.3e-7, 0.5, 12.0, 999.6, 1e5, 4.2e15):
        for shown in (numbers.sig(value), numbers.seconds(value), numbers.size(value)):
            assert not EXPONENT.search(shown), shown


def test_the_cli_renders_at_the_terminal_width(tmp_path: Path) -> None:
    path = ROOT / "examples" / "payments.yaml"
    result = CliRunner().invoke(app, ["analyze", str(path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "[1]" in result.output  # the growth plan's long moves became notes


def test_simulate_renders_at_the_terminal_width() -> None:
    path = ROOT / "examples" / "url_shortener.yaml"
    for width in (80, 100):
        result = CliRunner().invoke(
            app,
            ["simulate", str(path), "--requests", "2000", "--seed", "1"],
            env={"COLUMNS": str(width)},
        )
        assert result.exit_code == 0, result.output
        tables_out = result.stdout  # the tables; stderr carries the run's estimate line
        assert "Latency (simulated / analytic)" in tables_out
        assert max(len(line) for line in tables_out.splitlines()) <= width
        assert "…" not in tables_out and not EXPONENT.search(tables_out)


def test_a_table_too_wide_after_folding_splits_into_column_groups() -> None:
    """A drill's request table (errors '1,173,255 (44.2%)') was 93 columns with nothing to
    fold or drop; at 80 the console clipped it to 'throughpu…' and '1,575,…'. It now
    prints in column groups, each led by the operation, every figure whole."""
    from archproof.backends.capacity_tables import Table

    headers = ("operation", "throughput/s", "ok", "degraded", "errors", "timeouts", "rejections")
    row = ("notify_offline", "13,881.1", "1,575,123", "0", "1,173,255 (44.2%)", "1,180,001", "7")
    table = Table("Requests per operation", headers, (row,) * 3, note="counts summed")
    for width in (40, 80):
        buf = io.StringIO()
        console = Console(file=buf, width=width)
        fitted = capacity_terminal.fit(table, console)
        console.print(fitted.table)
        out = buf.getvalue()
        assert "…" not in out, out
        assert max(len(line) for line in out.splitlines()) <= width
        for cell in (*headers, *row):
            assert cell in out, (width, cell)
        groups = out.count("Requests per operation")
        assert groups > 1 and out.count("notify_offline") == 3 * groups
        assert out.count("counts summed") == 1  # the caption once, under the groups
    wide = io.StringIO()
    fitted = capacity_terminal.fit(table, Console(file=wide, width=140))
    assert capacity_terminal.natural_width(Console(width=140), fitted.table) <= 140
