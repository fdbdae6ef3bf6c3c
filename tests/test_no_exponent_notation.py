"""Issue 20, problem 8: numbers printed as `1.47e+03×`, `p99 1.42e+03ms`, `6.03e+03%`.

The capacity tables already go through the one formatter (archproof/numbers.py); these
places still formatted floats with `:.3g` / `:g`, which switches to exponent notation past
three digits: the `design` summary (bottleneck factor, p99 in ms), the document's
utilization bars (a saturated pool at 6,033%), its chart tables, the dbcheck scale
factor (8.26e-05 of the design's rows) and the `--load` limit (1e+06).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from archproof.backends.report import diagrams, svg
from archproof.backends.report.document import (
    Bar,
    BarChart,
    Document,
    LineChart,
    Section,
    Series,
)
from archproof.backends.report.markdown import render_document
from archproof.cli.analyze_cmd import parse_load
from archproof.cli.design_cmd import _capacity_lines

EXPONENT = re.compile(r"\d[eE][+-]?\d")


def test_design_summary_prints_a_large_bottleneck_factor_and_slow_p99_plainly() -> None:
    check = SimpleNamespace(
        metric="p99", figure=SimpleNamespace(value=1420.0), target=2.0, status="violated"
    )
    result = SimpleNamespace(
        bottleneck=SimpleNamespace(
            component="cdn", saturation_factor=SimpleNamespace(value=1468.2)
        ),
        operations=[SimpleNamespace(id="view", slo=[check])],
    )
    lines = _capacity_lines(result)
    assert lines == [
        "bottleneck: cdn saturates at 1,468× the peak",  # was 1.47e+03×
        "view p99 23.7 min vs target 2 s: violated",  # was 1.42e+06ms vs 2e+03ms
    ]


@pytest.mark.parametrize("value", [60.327, 12.0, 0.0004, 0.5])
def test_utilization_bars_and_labels_never_use_exponents(value: float) -> None:
    assert not EXPONENT.search(diagrams._pct(value))
    assert not EXPONENT.search(svg._pct(value))
    chart = BarChart("Utilization at peak (ρ)", (Bar("mailer", value),))
    lines = LineChart(
        "p99 vs load",
        "load",
        "p99",
        (Series("view", ((1.0, 0.012), (2_000_000.0, 1_500_000.0))),),
        limits=(("SLO", 2_500_000.0),),
    )
    text = render_document(Document("t", "s", (), (Section("x", "X", (chart, lines)),)))
    assert not EXPONENT.search(text), EXPONENT.search(text)
    assert "6,033%" in text if value == 60.327 else True  # a saturated pool, as a person reads it


def test_load_factor_limit_is_written_out() -> None:
    with pytest.raises(ValueError) as error:
        parse_load("2000000x")
    assert "1,000,000" in str(error.value) and not EXPONENT.search(str(error.value))


@pytest.mark.parametrize(
    ("example", "old", "new", "expected"),
    [
        # a call's probability, a branch's, and the sum of a one_of (the fuzzer's edges)
        ("chat", "p: 40%", "p: 1000000000000000", "AP023 probability over a million of "),
        ("chat", "p: 40%", "p: 1234.6", "AP023 probability 1,235 of "),
        ("chat", "p: 40%", "p: 1.5", "AP023 probability 1.5 of "),
        ("url_shortener", "p: 90%", "p: 999999999999", "AP023 branch probability over a"),
        ("url_shortener", "p: 90%", "p: 999999999999", "AP024 one_of probabilities sum to over"),
        ("url_shortener", "p: 90%", "p: 95%", "AP024 one_of probabilities sum to 1.05, more"),
    ],
)
def test_probability_messages_are_plain(
    tmp_path: Path, example: str, old: str, new: str, expected: str
) -> None:
    """`AP024 one_of probabilities sum to 1e+15` and `AP023 probability 9.99e+14` (make fuzz)."""
    from archproof.errors import DesignError
    from archproof.frontends.yaml_loader import load_design

    text = (Path(__file__).parents[1] / "examples" / f"{example}.yaml").read_text("utf-8")
    assert old in text
    path = tmp_path / "design.yaml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(DesignError) as error:
        load_design(path)
    message = "\n".join(d.headline() for d in error.value.diagnostics)
    assert expected in message and not EXPONENT.search(message), message


def test_simulate_header_and_notes_print_long_runs_plainly() -> None:
    """`simulate -d 30d` printed '1 replication(s) of 2.592e+06 s' and, capped, 'simulated
    3.07e+04 s instead' (`:g` / `:.3g` on seconds)."""
    from archproof.passes.simulate.design_run import Progress

    p = Progress(0, 1, (0.0,), 2_592_000.0, 0.0, 1)
    assert "(2,592,000 s × 1)" in p.summary() and not EXPONENT.search(p.summary())


# `:g`, `:.3g`, `%g` and friends switch to exponent notation (1e+09, 1e-05) outside
# [1e-4, 10**precision): every figure a person reads goes through archproof.numbers
# instead. The few left are not read by a person; each is listed with why.
_G_FORMAT = re.compile(r":[<>=^]?[-+ ]?#?0?\d*[,_]?(?:\.\d+)?g\}|%[-+ #0]*\d*(?:\.\d+)?g\b")
_G_ALLOWED = {
    # rounding to 9 significant digits for stable JSON, parsed back into a float
    ("passes/simulate/pass_.py", 'return float(f"{v:.9g}")'),
    # a debugging repr, never printed by a command
    ("passes/capacity/figure.py", 'shown = "None" if self.value is None else f"{self.value:.6g}"'),
}


def test_no_g_format_is_left_where_a_person_reads_it() -> None:
    src = Path(__file__).resolve().parents[1] / "src" / "archproof"
    found = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if _G_FORMAT.search(line) and (rel, line.strip()) not in _G_ALLOWED:
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []
