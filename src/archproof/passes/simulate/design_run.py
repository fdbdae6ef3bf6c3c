"""Simulate a design: compile it, size the run within a budget, run replications.

This is the entry point the simulate pass calls. It adds what a single kernel run does
not decide by itself:

- **Run size.** Without an explicit size, a run lasts 60 s of simulated time, or until
  30 s after the last fault window ends, whichever is longer.
- **Budget.** :func:`.runner.estimate` predicts the events of a run. A run predicted to
  exceed ``max_events`` is shortened to fit, and a note says so; nothing hangs.
- **Replications.** Independent seeds are drawn from ``numpy.random.SeedSequence(seed)``.
  The intervals across replications (mean ± t·s/√k) sit beside each run's batch-means
  intervals. Replications can run on several local processes (``workers``); replication
  k always runs seed k, so the output does not depend on the worker count.
- **Time limit.** ``time_limit_s`` (wall seconds, counted from the end of compiling)
  stops every replication at the first slice past it, with a note saying how far each got
  and how many requests were left in flight: a run finishes or stops within about the limit
  plus a slice, whatever the input. The commands' default is
  :data:`archproof.passes.base.DEFAULT_SIM_TIME_LIMIT_S`.
- **Progress and Ctrl-C.** Each replication reports the simulated time it reached every
  few tenths of a second (the runner's time slices), also from worker processes; a Ctrl-C
  stops the run within about a second and keeps the finished replications, with a note
  saying how far the run got (:attr:`DesignSimulation.interrupted`). With none finished,
  :class:`SimulationInterrupted` says the same.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from archproof.model import Design
from archproof.model.events import Fault
from archproof.numbers import sig
from archproof.passes.simulate.compile import CompiledDesign, compile_design
from archproof.passes.simulate.kernel import HAVE_NUMBA
from archproof.passes.simulate.network import Network
from archproof.passes.simulate.parallel import replication_workers, report, run_local
from archproof.passes.simulate.runner import Backend, Estimate, arrival_horizon, estimate, prepare
from archproof.passes.simulate.stats import Interval, SimResult, simulate, t975

DEFAULT_DURATION_S = 60.0
# ≈ 35 s with the compiled kernel, ≈ 50 s in plain Python (runner's ns/event figures).
DEFAULT_MAX_EVENTS_NUMBA = 100_000_000
DEFAULT_MAX_EVENTS_PYTHON = 5_000_000
# a fault drill runs the whole fault window plus RECOVERY_S, up to these many events (≈ 140 s
# compiled, ≈ 3.5 min in plain Python); past them it is cut short, and says so
RECOVERY_S = 30.0
FAULT_MAX_EVENTS_NUMBA = 400_000_000
FAULT_MAX_EVENTS_PYTHON = 20_000_000
# workers=0 (auto) starts processes only for runs estimated to take longer than this: a
# spawned worker costs about a second to import numpy, numba and the kernel
_PARALLEL_S = 4.0


@dataclass(frozen=True)
class _Replication:
    """One replication as a picklable task for a worker process."""

    network: Network
    n_requests: int
    duration: float
    seed: int
    backend: Backend
    max_events: int
    deadline: float | None = None  # time.time() to stop at (the run's time limit)


def _replicate(task: _Replication) -> SimResult:
    return simulate(
        task.network,
        n_requests=task.n_requests,
        duration=task.duration,
        seed=task.seed,
        backend=task.backend,
        max_events=task.max_events,
        on_slice=lambda t, _events: report(t),
        deadline=task.deadline,
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a run got: simulated seconds summed over replications, and wall time."""

    replications_done: int
    replications: int
    reached_s: tuple[float, ...]  # simulated seconds each replication reached
    per_replication_s: float  # simulated seconds of one replication
    elapsed_s: float  # wall seconds since the replications started
    workers: int
    # replications past their last arrival, serving the backlog left (an overloaded
    # pool's queue can take a while: the time left is unknown until it empties)
    draining: int = 0

    @property
    def simulated_s(self) -> float:
        return sum(self.reached_s)

    @property
    def total_s(self) -> float:
        return self.per_replication_s * self.replications

    @property
    def remaining_s(self) -> float | None:
        """Wall seconds left, from the measured pace (wall seconds per simulated second on
        one process) and the work left on each process: replications not started yet
        queue for the first process free (None before the first report)."""
        done = self.simulated_s
        if done <= 0 or self.elapsed_s <= 0:
            return None
        lanes = max(1, min(self.workers, self.replications))
        pace = self.elapsed_s * lanes / done
        left = [self.per_replication_s - r for r in self.reached_s]
        running = sorted(x for x, r in zip(left, self.reached_s, strict=True) if r > 0 and x > 0)
        queued = [x for x, r in zip(left, self.reached_s, strict=True) if r <= 0]
        free = (running + [0.0] * lanes)[:lanes]
        for x in queued:
            free.sort()
            free[0] += x
        return pace * max(free)

    def summary(self) -> str:
        """ "3.1 of 70 simulated seconds × 3 replications, 0 of 3 done"."""
        per = self.total_s / self.replications if self.replications else 0.0
        return (
            f"{self.simulated_s:,.1f} of {self.total_s:,.0f} simulated seconds "
            f"({sig(per)} s × {self.replications}), "
            f"{self.replications_done} of {self.replications} replications done"
        )


class SimulationInterrupted(KeyboardInterrupt):
    """Ctrl-C before any replication finished: nothing to show but how far it got."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(f"interrupted after {progress.summary()}")
        self.progress = progress


@dataclass(frozen=True, slots=True)
class ReplicatedOperation:
    """One operation's figures over replications (95 % CI across them)."""

    name: str
    mean_s: Interval
    p99_s: Interval
    error_rate: float
    degraded_rate: float
    throughput_per_s: float


@dataclass(frozen=True)
class DesignSimulation:
    """The result of simulating a design: each replication, their summary, and notes."""

    compiled: CompiledDesign
    runs: tuple[SimResult, ...]
    operations: tuple[ReplicatedOperation, ...]
    n_requests: int
    duration_s: float
    notes: tuple[str, ...]
    estimate: Estimate | None = None  # of one replication, after any cap
    # a Ctrl-C stopped the run: how far it got (runs holds the finished replications)
    interrupted: Progress | None = None
    elapsed_s: float = 0.0  # wall seconds the replications took (figures, not output)

    def op(self, name: str) -> ReplicatedOperation:
        for o in self.operations:
            if o.name == name:
                return o
        raise KeyError(name)


def _across(values: list[float]) -> Interval:
    vals = [v for v in values if not math.isnan(v)]
    if not vals:
        return Interval(math.nan, math.nan, math.nan)
    m = float(np.mean(vals))
    if len(vals) < 2:
        return Interval(m, math.nan, math.nan)
    h = t975(len(vals) - 1) * float(np.std(vals, ddof=1)) / math.sqrt(len(vals))
    return Interval(m, m - h, m + h)


def _time_limit_note(limited: list[SimResult], limit_s: float, per_s: float) -> str:
    """Say that the time limit stopped runs, how far they got and what they leave out."""
    reached = ", ".join(f"{sig(r.t_end)} s" for r in limited)
    left = sum(r.unfinished for r in limited)
    what = (
        f"{left:,} requests still in flight are left out, the slowest ones, so latencies "
        "and utilizations read low"
        if left
        else "the figures cover the requests finished by then"
    )
    return (
        f"stopped at the time limit ({sig(limit_s)} s of wall time): "
        f"{len(limited)} replication{'s' if len(limited) > 1 else ''} reached {reached} of "
        f"{sig(per_s)} simulated seconds; {what} (raise --time-limit to finish the run)"
    )


def simulate_design(
    design: Design,
    *,
    n_requests: int | None = None,
    duration_s: float | None = None,
    replications: int = 1,
    seed: int = 1,
    load: float = 1.0,
    peak: bool = True,
    scenario: str | None = None,
    backend: Backend = "auto",
    max_events: int | None = None,
    faults: tuple[Fault, ...] = (),
    progress: Callable[[Progress], None] | None = None,
    on_start: Callable[[Estimate, tuple[str, ...]], None] | None = None,
    on_compile: Callable[[], None] | None = None,
    workers: int = 1,
    time_limit_s: float | None = None,
) -> DesignSimulation:
    """Compile ``design`` and run it ``replications`` times within an event budget.

    ``on_start(estimate, notes)`` is called once the run is sized (before running) and
    ``progress(Progress)`` at the start, every few tenths of a second of work and as each
    replication finishes, for a progress display. ``workers`` > 1 runs replications on
    that many local processes (:mod:`.parallel`), 0 picks how many
    (``parallel.replication_workers``) for runs long enough to gain; the result is
    byte-identical to ``workers=1``. A KeyboardInterrupt
    (Ctrl-C) returns the finished replications marked ``interrupted``, or raises
    :class:`SimulationInterrupted` if none finished.
    """
    if replications < 1:
        raise ValueError("replications must be >= 1")
    if n_requests is not None and duration_s is not None:
        raise ValueError("give n_requests or duration_s, not both")
    compiled = compile_design(design, peak=peak, load=load, scenario=scenario, faults=faults)
    net = compiled.network
    notes: list[str] = [f.describe() for f in compiled.failovers]
    compiled_backend = backend == "numba" or (backend == "auto" and HAVE_NUMBA)
    budget_given = max_events is not None
    if max_events is None:
        max_events = DEFAULT_MAX_EVENTS_NUMBA if compiled_backend else DEFAULT_MAX_EVENTS_PYTHON
    # the faults as stated, not only their windows: a standby that takes over ends the
    # window early, and the drill still runs to the fault's end to show the promoted one
    stated_ends = (
        float(f.at.seconds + f.duration.seconds) for f in compiled.faults if f.duration is not None
    )
    fault_end = max((*(float(e) for e in net.fw_end if e < 1e14), *stated_ends), default=0.0)
    cover = n_requests is None and duration_s is None and len(net.fw_station) > 0
    if n_requests is None and duration_s is None:
        duration_s = max(DEFAULT_DURATION_S, fault_end + RECOVERY_S)
    if float(net.op_rate.sum()) <= 0:
        raise ValueError("no operation has an arrival rate: nothing to simulate")
    est = estimate(net, n_requests=n_requests or 0, duration=duration_s or 0.0)
    if cover and est.events > max_events and not budget_given:
        # a drill is budgeted by simulated time: the whole fault window and its recovery,
        # on one replication if need be, up to the fault cap
        cap = FAULT_MAX_EVENTS_NUMBA if compiled_backend else FAULT_MAX_EVENTS_PYTHON
        if est.events <= cap:
            if replications > 1:
                notes.append(
                    f"one replication instead of {replications}: the fault window and its "
                    f"recovery ({sig(duration_s or 0.0)} s) take ≈{est.events:,.0f} events"
                )
                replications = 1
            max_events = int(est.events) + 1
    if est.events > max_events:
        shrink = max_events / est.events
        if n_requests is not None:
            new_n = max(1000, int(n_requests * shrink))
            notes.append(
                f"run capped: {n_requests:,} requests would take ≈{est.events:,.0f} events "
                f"(budget {max_events:,}); simulated {new_n:,} requests instead"
            )
            n_requests = new_n
        else:
            assert duration_s is not None
            new_d = max(1.0, duration_s * shrink)
            notes.append(
                f"run capped: {sig(duration_s)} s would take ≈{est.events:,.0f} events "
                f"(budget {max_events:,}); simulated {sig(new_d)} s instead"
            )
            if fault_end > new_d:
                notes.append(
                    f"the run ends at {sig(new_d)} s, before the faults end at {sig(fault_end)} s: "
                    "the drill is cut short and its recovery is not simulated"
                )
            duration_s = new_d
    est = estimate(net, n_requests=n_requests or 0, duration=duration_s or 0.0)
    if workers <= 0:  # auto: processes once the run outweighs starting them
        secs = est.seconds_numba if compiled_backend else est.seconds_python
        workers = replication_workers(replications) if secs * replications >= _PARALLEL_S else 1
    workers = max(1, min(workers, replications))
    est = replace(est, replications=replications, workers=workers)
    if on_start is not None:
        on_start(est, tuple(notes))
    seeds = np.random.SeedSequence(seed).generate_state(replications)
    tasks = [
        _Replication(
            net,
            n_requests=n_requests or 0,
            duration=duration_s or 0.0,
            seed=int(s),
            backend=backend,
            max_events=max_events * 2,  # the estimate is approximate: a hard stop
        )
        for s in seeds
    ]
    # compiled here, once, before worker processes start (they load it from the cache);
    # on_compile() tells a person when that takes a while (first run after install)
    prepare(net, backend, on_compile)
    deadline = None if time_limit_s is None else time.time() + time_limit_s
    tasks = [replace(t, deadline=deadline) for t in tasks]
    per_s = arrival_horizon(net, n_requests or 0, duration_s or 0.0)
    reached = [0.0] * replications  # simulated seconds each replication reached
    done: dict[int, SimResult] = {}
    t0 = time.perf_counter()

    def now_at() -> Progress:
        return Progress(
            replications_done=len(done),
            replications=replications,
            reached_s=tuple(reached),
            per_replication_s=per_s,
            elapsed_s=time.perf_counter() - t0,
            workers=workers,
            draining=len(draining - done.keys()),
        )

    def on_done(i: int, r: SimResult) -> None:
        done[i] = r
        reached[i] = per_s
        if progress is not None:
            progress(now_at())

    draining: set[int] = set()

    def on_progress(i: int, t: float) -> None:
        reached[i] = min(t, per_s)  # the drain after the last arrival counts as the end
        if t > per_s:
            draining.add(i)
        if progress is not None:
            progress(now_at())

    if progress is not None:
        progress(now_at())
    interrupted: Progress | None = None
    try:
        # replication k runs seed k wherever it runs: the same output for any worker count
        runs = tuple(
            run_local(_replicate, tasks, workers=workers, on_done=on_done, on_progress=on_progress)
        )
    except KeyboardInterrupt:
        interrupted = now_at()
        if not done:
            raise SimulationInterrupted(interrupted) from None
        runs = tuple(done[i] for i in sorted(done))
        notes.append(
            f"interrupted after {interrupted.summary()}: partial results, from the "
            f"finished replication{'s' if len(runs) > 1 else ''} only"
        )
    elapsed = time.perf_counter() - t0
    for r in runs:
        if r.events > max_events * 2:
            notes.append(f"replication seed {r.seed} stopped at the event cap")
    limited = [r for r in runs if r.time_limited]
    if limited:
        notes.append(_time_limit_note(limited, time_limit_s or 0.0, per_s))
    ops = []
    for i, name in enumerate(net.op_names):
        per = [r.operations[i] for r in runs]
        ops.append(
            ReplicatedOperation(
                name=name,
                mean_s=_across([o.mean_s.value for o in per]),
                p99_s=_across([o.p99_s.value for o in per]),
                error_rate=float(np.mean([o.error_rate for o in per])),
                degraded_rate=float(np.mean([o.degraded_rate for o in per])),
                throughput_per_s=float(np.mean([o.throughput_per_s for o in per])),
            )
        )
    return DesignSimulation(
        compiled=compiled,
        runs=runs,
        operations=tuple(ops),
        n_requests=n_requests or 0,
        duration_s=duration_s or 0.0,
        notes=tuple(notes),
        estimate=est,
        interrupted=interrupted,
        elapsed_s=elapsed,
    )
