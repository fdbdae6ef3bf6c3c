"""`archproof check`'s summary prints its rates for a person: both sides of the peak line
per second. It printed the exact YAML form of the average, `536430001/day`, for an
outsider's drafted shop (fresh7 cart-nonnative: 6,208.7/s plus a daily batch job)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from archproof.cli.app import app

DESIGN = """\
meta: {name: shop, kind: system}
requirements:
  load: {peak_factor: 3}
components:
  api: {kind: service, tech: stateless-service, replicas: 4}
operations:
  browse:
    rate: 536430000/day
    calls: [api.handle]
  nightly:
    rate: 1/day
    calls: [api.handle]
"""


def test_the_peak_line_prints_per_second_on_both_sides(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(DESIGN, "utf-8")
    result = CliRunner().invoke(app, ["check", str(path)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "peak requests/s" in x)
    assert "/day" not in line, line
    assert "18.6k/s = 6,209/s average × peak factor 3" in line, line


def test_small_rates_keep_their_digits(tmp_path: Path) -> None:
    """One decimal printed '0.8/s = 0.3/s average × peak factor 3' (an outsider's deploy
    draft: 0.764/s and 0.255/s), a product that does not hold."""
    path = tmp_path / "slow.yaml"
    path.write_text(DESIGN.replace("536430000/day", "22000/day"), "utf-8")
    result = CliRunner().invoke(app, ["check", str(path)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "peak requests/s" in x)
    assert "0.764/s = 0.255/s average × peak factor 3" in line, line
