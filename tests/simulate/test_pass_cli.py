"""The simulate pass, `archproof simulate`, and `archproof report --simulate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from archproof.cli.app import app
from archproof.frontends.yaml_loader import load_design, load_text
from archproof.passes.base import Options
from archproof.passes.capacity import CapacityResult
from archproof.passes.simulate.faults import FaultSpecError, describe, parse_fault
from archproof.passes.simulate.pass_ import SCHEMA, SimulateResult
from archproof.pipeline import run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
URL = str(EXAMPLES / "url_shortener.yaml")
runner = CliRunner()


def test_simulate_is_not_a_default_pass() -> None:
    report = run(load_design(URL))
    assert SimulateResult not in report.results
    assert CapacityResult in report.results


def test_simulate_runs_when_named() -> None:
    report = run(
        load_design(URL),
        passes=("simulate",),
        options=Options(sim_requests=5000, sim_replications=1),
    )
    result = report.get(SimulateResult)
    assert result is not None
    assert CapacityResult in report.results
    assert result.op("redirect").analytic_mean_s is not None


def _json(*extra: str) -> dict[str, Any]:
    res = runner.invoke(
        app, ["simulate", URL, "--requests", "20000", "--seed", "1", "--format", "json", *extra]
    )
    assert res.exit_code == 0, res.output
    data: dict[str, Any] = json.loads(res.stdout)
    return data


def test_cli_json_is_deterministic_and_has_the_schema() -> None:
    a = _json()
    b = _json()
    assert a == b
    assert a["schema"] == SCHEMA
    ops = {o["name"]: o for o in a["operations"]}
    assert {"create_link", "redirect"} <= set(ops)
    lat = ops["redirect"]["latency_s"]
    assert set(lat) == {"p50", "p95", "p99", "p999", "mean"}
    assert ops["redirect"]["analytic_s"]["p99"] is not None


def test_cli_with_a_fault_reports_it() -> None:
    data = _json("--fault", "db:slow=10@0.2s+0.5s", "--replications", "1")
    assert data["run"]["faults"] == ["db:slow=10@0.2s+0.5s"]


@pytest.mark.parametrize(
    ("spec", "kind"),
    [
        ("db:slow=20@10s+30s", "slow"),
        ("psp:error_rate=0.2", "error_rate"),
        ("api:lose_replicas=1@5s", "lose_replicas"),
        ("db:down@1m+30s", "down"),
        ("db:error_rate=20%", "error_rate"),
    ],
)
def test_fault_specs_parse(spec: str, kind: str) -> None:
    f = parse_fault(spec)
    assert f.kind == kind
    assert parse_fault(describe(f)) == f


@pytest.mark.parametrize(
    "spec",
    ["db", "db:boom", "db:slow", "db:slow=0", "db:down=3", "db:error_rate=1.5", "db:down@soon"],
)
def test_bad_fault_specs(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_fault(spec)


@pytest.mark.parametrize("spec", ["db:boom", "nosuch:down", "db:slow=x@1s"])
def test_cli_bad_fault_exits_2(spec: str) -> None:
    res = runner.invoke(app, ["simulate", URL, "--requests", "2000", "--fault", spec])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "fault" in res.output


def test_cli_unknown_scenario_exits_2() -> None:
    res = runner.invoke(app, ["simulate", URL, "--requests", "2000", "--scenario", "nope"])
    assert res.exit_code == 2
    assert "unknown scenario" in res.output
    assert "cache_outage" in res.output


def test_analytic_and_simulated_agree(tmp_path: Path) -> None:
    """An M/M/c-like design: one service, exponential service, Poisson arrivals."""
    design = tmp_path / "mmc.yaml"
    design.write_text(
        """
meta: {name: mmc, task: One M/M/4 station, kind: system}
requirements:
  load: {peak_factor: 1}
components:
  svc:
    kind: service
    tech: stateless-service
    replicas: 1
    concurrency: 4
    work:
      handle: {exponential: 10ms}
operations:
  op:
    rate: 300/s
    calls: [svc.handle]
""",
        "utf-8",
    )
    report = run(
        load_design(design),
        passes=("simulate",),
        options=Options(sim_requests=200_000, sim_replications=1, sim_seed=3),
    )
    result = report.get(SimulateResult)
    assert result is not None
    op = result.op("op")
    assert op.analytic_mean_s is not None
    # exact M/M/4 at ρ = 0.75: W = 1/μ + C(4, 3)/(4μ − λ) ≈ 14.25 ms
    half = max(op.mean_s.half_width, 0.0)
    assert abs(op.mean_s.value - op.analytic_mean_s) <= 2 * half + 0.02 * op.analytic_mean_s
    comp = result.component("svc")
    assert comp.analytic_utilization is not None
    assert comp.utilization == pytest.approx(comp.analytic_utilization, abs=0.02)


def test_report_with_simulation_shows_the_simulated_column() -> None:
    report = run(
        load_design(URL),
        passes=("capacity", "review", "questions", "simulate"),
        options=Options(
            simulate=True,
            sim_requests=20000,
            sim_replications=2,
            extra={"sim_outage_max_events": 400_000},
        ),
    )
    from archproof.backends.report import render_html, render_markdown

    md = render_markdown(report)
    assert "Simulation not run" not in md
    line = next(x for x in md.splitlines() if x.startswith("| redirect | p99 |"))
    assert "±" in line  # the simulated p99 with its interval
    assert "Simulated outages" in md
    # The 400k-event budget ends the outage run before the fault at 60 s: the report
    # must say so instead of drawing a fault window it never simulated.
    assert "before its first fault starts (60 s)" in md
    assert "ap-span" not in render_html(report)


EARLY_FAULT = """
meta: {name: early-fault}
components:
  svc: {kind: service, replicas: 1, concurrency: 8, work: {handle: 5ms}}
  db: {kind: database, replicas: 1, concurrency: 8, work: {read: 2ms}}
operations:
  get:
    rate: 200/s
    calls:
      - call: svc.handle
        calls:
          - {call: db.read, timeout: 50ms, on_failure: fail_closed}
scenarios:
  db_down:
    faults:
      - {component: db, kind: down, at: 2s, for: 2s}
"""


def test_report_outage_chart_shows_the_fault_window() -> None:
    report = run(
        load_text(EARLY_FAULT, "early.yaml"),
        passes=("capacity", "review", "questions", "simulate"),
        options=Options(simulate=True, sim_duration=6.0, sim_replications=1),
    )
    from archproof.backends.report import render_html, render_markdown

    md = render_markdown(report)
    assert "Simulated outages" in md
    assert "| during |" in md  # the before/during/after table
    html = render_html(report)
    assert "ap-span" in html  # the outage chart's fault window


def test_cli_report_simulate_flag(tmp_path: Path) -> None:
    res = runner.invoke(app, ["report", URL, "--requests", "5000", "-o", str(tmp_path / "r.md")])
    assert res.exit_code == 0, res.output
    assert "Simulation not run" in (tmp_path / "r.md").read_text("utf-8")
