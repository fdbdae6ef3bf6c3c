"""Simulation feedback (issue 20 item 7): an estimate within 2× of the time a run takes, a
time-left figure from the measured pace, and a visible line while the kernel compiles."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.simulate.compile import compile_design
from archproof.passes.simulate.design_run import DEFAULT_DURATION_S, RECOVERY_S, Progress
from archproof.passes.simulate.faults import parse_faults
from archproof.passes.simulate.kernel import HAVE_NUMBA
from archproof.passes.simulate.runner import estimate, prepare, run_kernel

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="no numba")


def _cases() -> list[tuple[str, Path, str | None, tuple[str, ...]]]:
    out: list[tuple[str, Path, str | None, tuple[str, ...]]] = []
    for path in EXAMPLES:
        d = load_design(path)
        out.append((path.stem, path, d.scenarios[0].id if d.scenarios else None, ()))
    out.append(("chat-drill", ROOT / "examples" / "chat.yaml", None, ("db:slow=20@10s+30s",)))
    return out


def _estimate_and_cpu(
    path: Path, scenario: str | None, faults: tuple[str, ...]
) -> tuple[float, float]:
    """The up-front estimate of one replication of the default run (the whole fault
    window and its recovery) and the CPU time it takes (CPU, not wall: a loaded machine
    must not fail the test)."""
    d = load_design(path)
    net = compile_design(
        d, peak=True, load=1.0, scenario=scenario, faults=parse_faults(faults, d)
    ).network
    fault_end = max((float(e) for e in net.fw_end if e < 1e14), default=0.0)
    duration = max(DEFAULT_DURATION_S, fault_end + RECOVERY_S if fault_end else 0.0)
    prepare(net)  # compile or load outside the timing
    est = estimate(net, duration=duration)
    t0 = time.process_time()
    run_kernel(net, duration=duration, seed=1)
    return est.seconds_numba, time.process_time() - t0


@needs_numba
@pytest.mark.slow
def test_problem7_estimate_within_2x_on_the_readme_drill() -> None:
    """The README's drill: the estimate said 28 s for a run of 83 s (3 replications).
    Opt-in (-m slow) like the other timed checks: it compares a figure with a machine's
    CPU time, and a unit test must not depend on the machine (CI failed once on a timed
    test, tests/simulate/test_slices.py)."""
    est, took = _estimate_and_cpu(ROOT / "examples" / "chat.yaml", None, ("db:slow=20@10s+30s",))
    # the target is 2× (estimate / CPU 1.29 at load 1.9: 6.44 s for 4.98 s); CPU time per
    # event rises ~40 % at load average 8-10 on the 2-core VM, hence the slack
    assert took / 2.5 <= est <= took * 2.5, f"estimate {est:.2f} s, took {took:.2f} s of CPU"


@needs_numba
@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "path", "scenario", "faults"), _cases()[:-1], ids=lambda c: str(c)
)
def test_estimate_within_2x_on_each_example_first_scenario(
    name: str, path: Path, scenario: str | None, faults: tuple[str, ...]
) -> None:
    est, took = _estimate_and_cpu(path, scenario, faults)
    assert took / 2 <= est <= took * 2, f"{name}: estimate {est:.2f} s, took {took:.2f} s"


def test_time_left_follows_the_measured_pace() -> None:
    """3 replications of 70 s on 2 processes: two run at once, the third after them."""
    p = Progress(
        replications_done=0,
        replications=3,
        reached_s=(35.0, 35.0, 0.0),
        per_replication_s=70.0,
        elapsed_s=10.0,
        workers=2,
    )
    # 70 simulated s on 2 processes in 10 s: 2/7 s per simulated second per process; left:
    # 35 s on each process, then 70 s of the third on one
    assert p.remaining_s == pytest.approx((35 + 70) * 10 * 2 / 70)
    assert p.summary() == "70.0 of 210 simulated seconds (70 s × 3), 0 of 3 replications done"
    one = Progress(0, 1, (0.0,), 60.0, 0.5, 1)
    assert one.remaining_s is None  # nothing measured yet


@needs_numba
def test_compile_notice_only_when_compiling() -> None:
    """Already compiled in this process (or loaded from the cache): no notice."""
    net = compile_design(load_design(ROOT / "examples" / "payments.yaml"), peak=True).network
    prepare(net)
    told: list[int] = []
    prepare(net, on_compile=lambda: told.append(1))
    assert told == []


@needs_numba
@pytest.mark.slow
def test_first_run_after_install_says_it_compiles(tmp_path: Path) -> None:
    """A fresh numba cache (as after install): one line while it compiles, none the next
    time. Prints the compile time (issue 19 asks for it)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    main = "import sys; from archproof.cli.app import main; sys.argv[0] = 'archproof'; main()"
    cmd = [sys.executable, "-c", main, "simulate", str(EXAMPLES[0]), "-n", "1000", "-r", "1"]
    t0 = time.perf_counter()
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    took = time.perf_counter() - t0
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    assert first.stderr.count("compiling the simulation kernel") == 1
    assert "compiling" not in second.stderr
    print(f"first run with an empty numba cache: {took:.1f} s wall")


def _simulate(path: Path, **options: object) -> tuple[object, object]:
    from archproof.passes.base import Options
    from archproof.passes.capacity.result import CapacityResult
    from archproof.passes.simulate.pass_ import SimulateResult
    from archproof.pipeline import run

    opts = Options(sim_replications=1, **options)  # type: ignore[arg-type]
    report = run(load_design(path), passes=("simulate",), options=opts)
    return report.get(SimulateResult), report.get(CapacityResult)


def test_problem7_analytic_columns_at_the_simulated_load() -> None:
    """`--load 2x`: the analytic column is the capacity pass re-solved at 2× (it compared a
    2× run with the 1× figure), and agrees with the simulated utilization."""
    sim, cap = _simulate(ROOT / "examples" / "url_shortener.yaml", sim_load=2.0, sim_duration=5.0)
    assert sim is not None and cap is not None
    for name in ("api", "cache", "counter"):
        c = sim.component(name)  # type: ignore[attr-defined]
        one = cap.component(name).utilization.value  # type: ignore[attr-defined]
        assert c.analytic_utilization == pytest.approx(2 * one, rel=1e-6)
        assert c.utilization == pytest.approx(c.analytic_utilization, rel=0.1)


def test_problem7_fault_columns_labelled_not_comparable() -> None:
    """A slowed database changes the flow of every operation through it: no analytic
    figure during the fault for those pools (it showed api 99.9% / 13.3%)."""
    sim, _ = _simulate(
        ROOT / "examples" / "chat.yaml", sim_faults=("db:slow=20@2s+3s",), sim_duration=6.0
    )
    assert sim is not None
    for name in ("db", "api"):
        c = sim.component(name)  # type: ignore[attr-defined]
        assert c.fault_utilization is not None
        assert c.analytic_fault_utilization is None and not c.fault_comparable
    js = {c["name"]: c for c in sim.to_json()["components"]}  # type: ignore[attr-defined]
    assert js["db"]["fault_comparable"] is False


def test_progress_says_when_a_replication_drains_its_backlog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past its last arrival a run serves what queued up (chat's presence_down drains for
    100 s after 60 s of arrivals): progress says so rather than '0 s left'. Slices of 0.2 ms
    of wall time, so reports fall inside the drain however fast the machine is (at 0.3 s a
    slice, a fast kernel on a quiet machine finished the drain within one slice and the
    test failed in CI on a4c6b56)."""
    from archproof.passes.simulate import runner
    from archproof.passes.simulate.design_run import simulate_design

    monkeypatch.setattr(runner, "SLICE_CPU_S", 0.0002)
    seen: list[Progress] = []
    simulate_design(
        load_design(ROOT / "examples" / "chat.yaml"),
        duration_s=2.0,
        faults=parse_faults(
            ("notifier:slow=50@0s+2s",), load_design(ROOT / "examples" / "chat.yaml")
        ),
        progress=seen.append,
    )
    assert any(p.draining for p in seen)
    assert not seen[-1].draining and seen[-1].replications_done == 1


_TIMEOUTS = """\
meta: {name: t}
components:
  api: {kind: service, tech: stateless-service}
  db: {kind: database, tech: postgresql}
  cache: {kind: cache, tech: redis}
operations:
  get:
    rate: 100/s
    calls:
      - api.handle:
          calls:
            - call: db.read
              timeout: TIMEOUT
              retries: {count: 2, backoff: 1ms}
              on_failure: fail_open
              fallback: {call: cache.get, timeout: 100ms, description: the cached copy}
"""


@pytest.mark.parametrize("timeout", ["1us", "10s"])
def test_estimate_counts_timeouts_that_fire_retries_and_fallbacks(timeout: str) -> None:
    """Events counted, not timed: a 1 µs timeout fails every attempt of db.read, so each
    request makes 3 attempts, 3 timeouts and the fallback. The estimate counted one call
    (fuzz input 4076 of make fuzz, seed 1: 541k events estimated, 3.05M made, 70 s of CPU
    for an estimated 6.5 s). With a 10 s timeout nothing fires and nothing is added."""
    from archproof.frontends.yaml_loader import load_text

    net = compile_design(load_text(_TIMEOUTS.replace("TIMEOUT", timeout)), peak=True).network
    est = estimate(net, n_requests=20_000)
    raw = run_kernel(net, n_requests=20_000, seed=1, backend="python")
    assert est.events == pytest.approx(raw.events, rel=0.1)
