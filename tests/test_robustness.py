"""Regression cases for issue 12: each reproduces one crash or injection found by fuzzing."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

import archproof
from archproof.cli.app import app
from archproof.passes.capacity import erlang_c
from archproof.passes.capacity.erlang_c import erlang_b, wait_variance

DESIGN = """\
meta: {name: "[bold]x[/] [/]"}
components:
  api:
    kind: service
    tech: stateless-service
    rationale: "[link=javascript:alert(1)]x[/link] [x](javascript:alert(1)) <script>x</script>"
operations:
  get: {rate: 1/s, calls: [api.handle]}
"""


def test_wait_variance_does_not_overflow() -> None:
    # Was OverflowError (34, 'Numerical result out of range') from `(p·θ) ** 2` at cv 1e100.
    assert wait_variance(2, 1.0, 1.0, 1e300, 0.5) == math.inf


def test_erlang_b_coarse_sum_agrees_with_the_exact_sum(monkeypatch: object) -> None:
    # Huge offered loads used to sum millions of terms per call (review past 10 s).
    exact = erlang_b(1_001_500, 1e6)
    monkeypatch.setattr(erlang_c, "_MAX_TERMS", 500)  # type: ignore[attr-defined]
    assert erlang_b(1_001_500, 1e6) == __import__("pytest").approx(exact, rel=1e-5)


def test_check_prints_markup_in_names_as_text(tmp_path: Path) -> None:
    # Was rich.errors.MarkupError: closing tag '[/]' has nothing to close.
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0
    assert "[bold]x[/] [/]" in result.output


def test_markdown_report_has_no_link_from_design_text(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    result = CliRunner().invoke(app, ["report", str(path), "-f", "markdown"])
    assert result.exit_code == 0, result.output
    assert "](javascript:" not in result.output  # written `]\(`: inert text
    assert "<script" not in result.output
    html = CliRunner().invoke(app, ["report", str(path), "-f", "html"])
    assert html.exit_code == 0
    assert "<script>x" not in html.output and 'href="javascript:' not in html.output


def test_error_lines_show_control_characters_visibly(tmp_path: Path) -> None:
    # A raw ESC in the file is an AP001; its source line used to reach the terminal raw.
    path = tmp_path / "d.yaml"
    path.write_bytes(b"meta: {name: t}\n\x1b[2J: 1\n")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    text = result.output
    assert "\x1b" not in text
    assert "AP001" in text


def test_a_fault_past_the_model_bounds_is_a_usage_error(tmp_path: Path) -> None:
    # Was pydantic's ValidationError as a traceback: the spec grammar let slow=1e308 and
    # @1e30d through to the Fault model, whose bounds refused them.
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    for spec, said in (
        ("api:slow=1e308", "'factor': input should be less than or equal to 1000"),
        ("api:down@1e30d", "'at': duration too large"),
        ("api:down@1s+1e30d", "'for': duration too large"),
    ):
        args = ["simulate", str(path), "-n", "100", "-r", "1", "--fault", spec]
        result = CliRunner().invoke(app, args)
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code == 2
        assert f"error: fault '{spec}': {said}" in result.output


def test_losing_every_instance_fails_the_calls_and_more_is_refused(tmp_path: Path) -> None:
    # Was: losing all (or more than all) of api's 2 instances removed its servers, so every
    # call waited for the fault's end (10^15 s without one) and came out "ok" with a mean of
    # 10^15 s and a p99 of 16.8 min. A pool with no instance left is down: its calls fail.
    import json

    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    args = ["simulate", str(path), "-n", "200", "-r", "1", "-f", "json"]
    result = CliRunner().invoke(app, [*args, "--fault", "api:lose_replicas=2"])
    assert result.exit_code == 0, result.output
    op = json.loads(result.stdout)["operations"][0]
    assert op["ok"] == 0 and op["errors"] == op["arrived"] > 0
    assert op["latency_s"]["mean"]["value"] is None  # no request finished: no latency
    one = CliRunner().invoke(app, [*args, "--fault", "api:lose_replicas=1"])
    assert json.loads(one.stdout)["operations"][0]["errors"] == 0  # one left serves
    more = CliRunner().invoke(app, [*args, "--fault", "api:lose_replicas=3"])
    assert more.exit_code == 2
    assert "loses 3 instances of 'api'; it has 2" in more.output


def test_a_simulated_duration_past_30_days_is_a_usage_error(tmp_path: Path) -> None:
    # Was accepted: `-d 1e30d` printed "8.64e+34 s" and a 40-digit event count, then ran
    # until the budget stopped it
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    for text in ("1e30d", "31d"):
        result = CliRunner().invoke(app, ["simulate", str(path), "-d", text])
        assert result.exit_code == 2, result.output
        assert f"error: --duration {text} is over the limit of 30d" in result.output


def test_erlang_b_at_offered_loads_past_lgamma_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    # Was OverflowError (math range error) in `exp`: at 5e21 erlangs (a design at the bounds,
    # sized by the growth plan) the difference of two lgammas near 2.5e23 was off by ~1e7.
    c, a = 7_127_031_055_714_613_198_848, 4.988921739000229e21
    assert erlang_b(c, a) == 0.0 and erlang_c.erlang_c(c, a) == 0.0
    assert 0.0 < erlang_b(4_988_921_739_565_287_342_081 + 10**12, a) < 1e-100
    # Where both forms apply, the integral one agrees with the exact term-by-term sum.
    fast = erlang_b(100_050_000, 1e8)
    monkeypatch.setattr(erlang_c, "_MAX_TERMS", 10**7)
    exact = erlang_b(100_050_000, 1e8)
    assert abs(fast - exact) / exact < 1e-9


# Every figure at (or near) its documented bound at once: the math must hold there, not just
# the loader refuse what lies past it. queue_limit 0 (no queue), 1e11 servers, a 100-year
# service time, 12 nines, 1G/s beside 1e-9/s.
AT_THE_BOUNDS = """\
meta: {name: extremes}
requirements:
  load: {peak_factor: 1000}
  slos: {availability: 99.9999999999%}
components:
  api:
    kind: service
    tech: stateless-service
    replicas: 100000
    concurrency: 1000000
    queue_limit: 0
    work:
      handle: {lognormal: {mean: 1ns, cv: 100}}
  db:
    kind: database
    tech: postgresql
    concurrency: 1
    queue_limit: 1000000000
    availability: 99.9999999999%
    work:
      read: 36500d
operations:
  get:
    rate: 1G/s
    calls:
      - api.handle
      - {call: db.read, timeout: 36500d, retries: {count: 20, backoff: 36500d}}
  rare:
    rate: 1e-9/s
    calls: [api.handle]
"""


def test_every_command_on_a_design_at_the_bounds(tmp_path: Path) -> None:
    from test_fuzz import run_every_command

    path = tmp_path / "design.yaml"
    path.write_text(AT_THE_BOUNDS, "utf-8")
    run_every_command(path)


def test_the_simulator_refuses_what_its_integers_cannot_hold_located(tmp_path: Path) -> None:
    # From a file the loader refuses it (AP025, file:line:col, exit 2) before anything runs.
    huge = "1" + "0" * 43
    path = tmp_path / "huge.yaml"
    path.write_text(DESIGN.replace("service\n", f"service\n    replicas: {huge}\n", 1), "utf-8")
    result = CliRunner().invoke(app, ["simulate", str(path), "-n", "100", "-r", "1"])
    assert result.exit_code == 2, result.output
    assert f"{path}:5:15: AP025 'replicas' must be at most 100000, got {huge}" in result.output
    # Built in Python past the validation a file gets (model_copy): was an internal error,
    # "OverflowError: Python int too large to convert to C long" from the simulator's arrays.
    path = tmp_path / "d.yaml"
    path.write_text(DESIGN, "utf-8")
    design = archproof.load(path)
    api = design.components[0]
    options = archproof.Options(simulate=True, sim_requests=100, sim_replications=1)
    for field, value in (("replicas", 10**43), ("concurrency", 10**30), ("queue_limit", 2**70)):
        evil = api.model_copy(update={field: value})
        hostile = design.model_copy(update={"components": (evil, *design.components[1:])})
        with pytest.raises(archproof.DesignError) as caught:
            archproof.run(hostile, passes=("simulate",), options=options)
        (diagnostic,) = caught.value.diagnostics
        assert diagnostic.code == "AP025" and diagnostic.span == api.span
        assert diagnostic.message == f"'{field}' must be at most {_BOUND[field]}, got {value}"


_BOUND = {"replicas": 100_000, "concurrency": 1_000_000, "queue_limit": 1_000_000_000}
