"""An unbounded pool (an external with no concurrency of its own) has no utilization
share: `simulate` printed 473,343% for a webhook draft's endpoints (mean busy servers over
one) while `analyze` printed "unbounded". Both now say unbounded."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from archproof.cli.app import app

DESIGN = """\
meta: {name: unbounded, kind: system}
requirements:
  load: {peak_factor: 1}
components:
  api: {kind: service, tech: stateless-service, replicas: 8}
  endpoints:
    kind: external
    work: {post: 200ms}
operations:
  deliver:
    rate: 500/s
    calls:
      - api.handle:
          calls:
            - endpoints.post: {timeout: 1s}
"""


def test_simulate_prints_an_unbounded_pool_as_unbounded(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    runner = CliRunner()
    sim = runner.invoke(
        app, ["simulate", str(path), "-n", "20000", "-r", "1"], env={"COLUMNS": "160"}
    )
    assert sim.exit_code == 0, sim.output
    row = next(line for line in sim.stdout.splitlines() if line.strip().startswith("endpoints"))
    assert "unbounded (" in row and "%" not in row, row
    # ≈ 500/s × 0.2 s = 100 calls held on average (Little's law)
    held = float(row.split("unbounded (")[1].split()[0])
    assert 80 < held < 120, row
    analyze = runner.invoke(app, ["analyze", str(path)], env={"COLUMNS": "160"})
    assert "unbounded" in analyze.stdout
