"""The simulate pass: run the design's simulation and pair it with the capacity figures.

Not a default pass (``default=False``): a simulation costs seconds, so `review`,
`analyze`, `report` and `design` run it only when asked (``passes=(..., "simulate")``,
``archproof simulate``, ``archproof report --simulate``).

The result, :class:`SimulateResult`, keeps the raw :class:`DesignSimulation` and adds,
per operation, the analytic mean/p95/p99 beside the simulated ones (with 95 % CIs) and an
SLO verdict, and per station the analytic ρ beside the simulated utilization (and, in a
fault run, both during the faults: the analytic one adds the load the faults move onto
fallback calls, ``lower/fallback.py``). A station
is a component, or, for a database with read replicas, its ``<id>:primary`` or
``<id>:replicas`` station, paired with the capacity pass's pool of the same name.

JSON (``SimulateResult.to_json()``), schema ``archproof-simulate/1``::

    {"schema": "archproof-simulate/1",
     "run": {"backend", "kernel", "seed", "replications", "requests", "duration_s", "load",
             "scenario", "faults": [spec], "events", "notes": [str]},
     "operations": [{"name", "throughput_per_s", "arrived", "ok", "degraded", "errors",
                     "timeouts", "rejections", "error_rate",
                     "latency_s": {"p50", "p95", "p999",
                                   "mean": {"value", "low", "high"},
                                   "p99": {"value", "low", "high"}},
                     "analytic_s": {"mean", "p95", "p99"},
                     "slo": [{"metric", "target_s", "observed_s", "verdict"}]}],
     "components": [{"name", "servers", "utilization", "analytic_utilization",
                     "mean_queue", "mean_wait_s", "wait_p99_s", "wasted_work_s",
                     "rejections", "fault_utilization", "analytic_fault_utilization"}],
     "duplicates": int,
     "timeline": {"width_s", "ok": [..], "errors": [..], "mean_latency_s": [..],
                  "windows": [{"label", "start_s", "end_s", "ok_per_s",
                               "error_rate", "mean_latency_s"}]}}

Counts are summed over replications; rates, utilizations and percentiles are averaged
over them; intervals are across replications (``replications ≥ 2``) or batch means of
the single run. The timeline is the first replication's. ``null`` stands for "not
measured" (no successful request, or no analytic figure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from archproof.model import Design
from archproof.model.events import Fault
from archproof.passes.base import Context, Pass
from archproof.passes.capacity.analyze import analyze
from archproof.passes.capacity.result import CapacityResult
from archproof.passes.lower import QueueingModel
from archproof.passes.simulate.design_run import DesignSimulation, simulate_design
from archproof.passes.simulate.faults import describe, parse_faults
from archproof.passes.simulate.network import FaultKind, Network
from archproof.passes.simulate.runner import Backend
from archproof.passes.simulate.stats import Interval, SimResult, Verdict

SCHEMA = "archproof-simulate/1"


@dataclass(frozen=True, slots=True)
class SloJudgement:
    metric: str  # p50 / p95 / p99
    target_s: float
    observed_s: float
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class OperationFigures:
    """One operation: simulated figures (over replications) beside the analytic ones."""

    name: str
    arrived: int
    ok: int
    degraded: int
    errors: int
    timeouts: int
    rejections: int
    throughput_per_s: float
    mean_s: Interval
    p50_s: float
    p95_s: float
    p99_s: Interval
    p999_s: float
    analytic_mean_s: float | None
    analytic_p95_s: float | None
    analytic_p99_s: float | None
    slo: tuple[SloJudgement, ...]

    @property
    def error_rate(self) -> float:
        done = self.ok + self.degraded + self.errors
        return self.errors / done if done else 0.0


@dataclass(frozen=True, slots=True)
class ComponentFigures:
    """One component: simulated utilization and queueing beside the analytic ρ."""

    name: str
    servers: int  # 0 = infinite
    # a share of the servers; for an infinite pool with no analytic server count (an
    # external API with no concurrency of its own) the mean number of busy servers
    utilization: float
    analytic_utilization: float | None
    mean_queue: float
    mean_wait_s: float
    wait_p99_s: float
    wasted_work_s: float
    rejections: int
    # from the first fault's start to the last one's end (None without faults): simulated,
    # and analytic = ρ + the load fallbacks take on during the faults (lower/fallback.py)
    # over the servers left; None and not comparable when a fault changes this pool's own
    # service or holding time (slow, erroring, or calling a faulted pool), which a
    # steady-state figure does not describe
    fault_utilization: float | None = None
    analytic_fault_utilization: float | None = None
    fault_comparable: bool = True


@dataclass(frozen=True, slots=True)
class Window:
    """Aggregate figures of the timeline over [start_s, end_s) (all operations)."""

    label: str
    start_s: float
    end_s: float
    ok_per_s: float
    error_rate: float
    mean_latency_s: float


@dataclass(frozen=True)
class SimulateResult:
    """What the simulate pass returns (see the module docstring for the JSON)."""

    simulation: DesignSimulation
    operations: tuple[OperationFigures, ...]
    components: tuple[ComponentFigures, ...]
    faults: tuple[Fault, ...]
    windows: tuple[Window, ...]
    duplicates: int
    seed: int
    load: float
    # report mode (Options.simulate) on a design with scenarios and no faults given: its
    # first scenario, simulated once, for the outage time series
    outage: SimulateResult | None = None

    @property
    def runs(self) -> tuple[SimResult, ...]:
        return self.simulation.runs

    @property
    def notes(self) -> tuple[str, ...]:
        return self.simulation.notes

    @property
    def scenario(self) -> str | None:
        return self.simulation.compiled.scenario

    def op(self, name: str) -> OperationFigures:
        for o in self.operations:
            if o.name == name:
                return o
        raise KeyError(name)

    def component(self, name: str) -> ComponentFigures:
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        sim = self.simulation
        first = sim.runs[0]
        ts = first.series
        return {
            "schema": SCHEMA,
            "run": {
                "backend": first.backend,
                "kernel": first.kernel,
                "seed": self.seed,
                "replications": len(sim.runs),
                "requests": sim.n_requests or None,
                "duration_s": _f(sim.duration_s) if sim.duration_s else None,
                "load": self.load,
                "scenario": self.scenario,
                "faults": [describe(f) for f in self.faults],
                "events": sum(r.events for r in sim.runs),
                "notes": list(sim.notes),
            },
            "operations": [_op_json(o) for o in self.operations],
            "components": [
                {
                    "name": c.name,
                    "servers": c.servers,
                    "utilization": _f(c.utilization),
                    "analytic_utilization": _f(c.analytic_utilization),
                    "mean_queue": _f(c.mean_queue),
                    "mean_wait_s": _f(c.mean_wait_s),
                    "wait_p99_s": _f(c.wait_p99_s),
                    "wasted_work_s": _f(c.wasted_work_s),
                    "rejections": c.rejections,
                    "fault_utilization": _f(c.fault_utilization),
                    "analytic_fault_utilization": _f(c.analytic_fault_utilization),
                    "fault_comparable": c.fault_comparable,
                }
                for c in self.components
            ],
            "duplicates": self.duplicates,
            "timeline": {
                "width_s": _f(ts.width_s),
                "ok": [int(v) for v in ts.ok.sum(axis=0)],
                "errors": [int(v) for v in ts.errors.sum(axis=0)],
                "mean_latency_s": [_f(v) for v in _series_latency(first)],
                "windows": [
                    {
                        "label": w.label,
                        "start_s": _f(w.start_s),
                        "end_s": _f(w.end_s),
                        "ok_per_s": _f(w.ok_per_s),
                        "error_rate": _f(w.error_rate),
                        "mean_latency_s": _f(w.mean_latency_s),
                    }
                    for w in self.windows
                ],
            },
        }


def _f(v: float | None) -> float | None:
    """JSON-safe float, rounded to 9 significant digits (stable text across platforms)."""
    if v is None or math.isnan(v) or math.isinf(v):
        return None
    return float(f"{v:.9g}")


def _iv(i: Interval) -> dict[str, float | None]:
    return {"value": _f(i.value), "low": _f(i.low), "high": _f(i.high)}


def _op_json(o: OperationFigures) -> dict[str, Any]:
    return {
        "name": o.name,
        "throughput_per_s": _f(o.throughput_per_s),
        "arrived": o.arrived,
        "ok": o.ok,
        "degraded": o.degraded,
        "errors": o.errors,
        "timeouts": o.timeouts,
        "rejections": o.rejections,
        "error_rate": _f(o.error_rate),
        "latency_s": {
            "p50": _f(o.p50_s),
            "p95": _f(o.p95_s),
            "p999": _f(o.p999_s),
            "mean": _iv(o.mean_s),
            "p99": _iv(o.p99_s),
        },
        "analytic_s": {
            "mean": _f(o.analytic_mean_s),
            "p95": _f(o.analytic_p95_s),
            "p99": _f(o.analytic_p99_s),
        },
        "slo": [
            {
                "metric": s.metric,
                "target_s": _f(s.target_s),
                "observed_s": _f(s.observed_s),
                "verdict": s.verdict.value,
            }
            for s in o.slo
        ],
    }


def _mean(values: list[float]) -> float:
    vals = [v for v in values if not math.isnan(v)]
    return float(np.mean(vals)) if vals else math.nan


def _series_latency(run: SimResult) -> list[float]:
    ts = run.series
    ok = ts.ok.sum(axis=0)
    with np.errstate(invalid="ignore"):
        lat_sum = np.nansum(np.where(ts.ok > 0, ts.mean_latency_s * ts.ok, 0.0), axis=0)
        out = np.where(ok > 0, lat_sum / np.maximum(ok, 1), np.nan)
    return [float(v) for v in out]


def _judge(metric: str, target: float, point: float, ci: Interval | None) -> SloJudgement:
    if math.isnan(point):
        return SloJudgement(metric, target, point, Verdict.MISSED)
    if ci is not None and not math.isnan(ci.low):
        if ci.high <= target:
            v = Verdict.MET
        elif ci.low > target:
            v = Verdict.MISSED
        else:
            v = Verdict.INCONCLUSIVE
    else:
        v = Verdict.MET if point <= target else Verdict.MISSED
    return SloJudgement(metric, target, point, v)


def _windows(run: SimResult, faults: tuple[Fault, ...]) -> tuple[Window, ...]:
    """Before / during / after the earliest fault window (the timeline's story)."""
    if not faults:
        return ()
    start = min(float(f.at.seconds) for f in faults)
    ends = [float(f.at.seconds + f.duration.seconds) for f in faults if f.duration is not None]
    end = max(ends) if len(ends) == len(faults) else math.inf
    ts = run.series
    w = ts.width_s
    ok = ts.ok.sum(axis=0)
    err = ts.errors.sum(axis=0)
    lat = _series_latency(run)
    last = run.t_cut or run.t_end  # arrivals stop at t_cut; the drain after it is no window
    out: list[Window] = []
    for label, a, b in (
        ("before", run.t_warm, start),
        ("during", start, min(end, last)),
        ("after", end, last),
    ):
        if not a < b < math.inf:  # a fault to the end of the run has no "after"
            continue
        lo, hi = max(0, math.ceil(a / w)), min(len(ok), math.floor(b / w))
        if hi <= lo:
            continue
        n_ok = int(ok[lo:hi].sum())
        n_err = int(err[lo:hi].sum())
        lat_w = [lat[i] * int(ok[i]) for i in range(lo, hi) if ok[i] > 0]
        out.append(
            Window(
                label=label,
                start_s=lo * w,
                end_s=hi * w,
                ok_per_s=n_ok / ((hi - lo) * w),
                error_rate=n_err / (n_ok + n_err) if n_ok + n_err else 0.0,
                mean_latency_s=sum(lat_w) / n_ok if n_ok else math.nan,
            )
        )
    return tuple(out)


def _analytic(cap: CapacityResult | None, station: str) -> tuple[int, float | None]:
    """Analytic (servers, ρ) of a station: its component's, or for ``<id>:<pool>`` (a
    database split into primary and read replicas) the capacity pool of that name."""
    if cap is None:
        return 0, None
    comp_id, _, pool_name = station.rpartition(":")
    if comp_id and pool_name in ("primary", "replicas"):
        c = cap.component(comp_id)
        pool = c.pool(pool_name) if c is not None else None
        if pool is not None:
            return pool.servers, pool.utilization.value
    whole = cap.component(station)
    if whole is None:
        return 0, None
    return whole.servers, whole.utilization.value


def _fault_disturbed(net: Network) -> tuple[frozenset[int], dict[int, int]]:
    """Stations whose load during the faults the steady-state figure (ρ + the load
    fallbacks take on, lower/fallback.py) does not describe, and the servers each station
    loses (lose_replicas: the same erlangs over fewer servers).

    A slow or erroring station changes the flow of every operation through it (backlog,
    timeouts, retries, requests ending early), so every station those operations visit is
    disturbed. A station down or short of servers moves load as the fallback figure says;
    only the pools waiting on it (synchronously, at any depth) hold their servers for a
    different time."""
    lost: dict[int, int] = {}
    waited_on: set[int] = set()  # down or short of servers
    changed_flow: set[int] = set()  # slow or erroring
    for f in range(len(net.fw_station)):
        s, kind = int(net.fw_station[f]), int(net.fw_kind[f])
        if kind == FaultKind.LOSE_SERVERS:
            lost[s] = max(lost.get(s, 0), int(net.fw_value[f]))
            waited_on.add(s)
        elif kind == FaultKind.DOWN:
            waited_on.add(s)
        else:
            changed_flow.add(s)
    disturbed: set[int] = set()
    for r in net.op_root:
        visited = _stations_of(net, int(r))
        if visited & changed_flow:
            disturbed |= visited
    callees: dict[int, set[int]] = {}
    for n in range(net.n_nodes):
        s = int(net.nd_station[n])
        for pos in range(int(net.nd_coff[n]), int(net.nd_coff[n + 1])):
            ch = int(net.cl_node[pos])
            if not net.nd_async[ch] and int(net.nd_station[ch]) != s:
                callees.setdefault(s, set()).add(int(net.nd_station[ch]))
    holders = set(waited_on)
    grew = True
    while grew:  # a caller holds its server while it waits for the faulted callee
        grew = False
        for s, cs in callees.items():
            if s not in holders and cs & holders:
                holders.add(s)
                grew = True
    disturbed |= holders - waited_on
    return frozenset(disturbed), lost


def _stations_of(net: Network, root: int) -> set[int]:
    """Stations an operation's tree visits, following async hand-offs and spawns."""
    out: set[int] = set()
    seen: set[int] = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        out.add(int(net.nd_station[n]))
        stack.extend(
            int(net.cl_node[p]) for p in range(int(net.nd_coff[n]), int(net.nd_coff[n + 1]))
        )
        if int(net.nd_spawn[n]) >= 0:
            stack.append(int(net.op_root[int(net.nd_spawn[n])]))
        if int(net.nd_fb[n]) >= 0:
            stack.append(int(net.nd_fb[n]))
    return out


def _down_throughout(net: Network, station: str) -> bool:
    """Is `station` down from the first fault's start to the last one's end?"""
    if not len(net.fw_station):
        return False
    s = net.station(station)
    lo, hi = float(net.fw_start.min()), float(net.fw_end.max())
    return any(
        int(net.fw_station[f]) == s
        and int(net.fw_kind[f]) == FaultKind.DOWN
        and float(net.fw_start[f]) <= lo
        and float(net.fw_end[f]) >= hi
        for f in range(len(net.fw_station))
    )


def pair(
    sim: DesignSimulation,
    cap: CapacityResult | None,
    design: Design,
    *,
    seed: int,
    load: float,
) -> SimulateResult:
    """Pair a simulation with the capacity figures (analytic beside simulated)."""
    slos = {o.id: o.slo for o in design.operations}
    runs = sim.runs
    ops: list[OperationFigures] = []
    for rep in sim.operations:
        per = [r.op(rep.name) for r in runs]
        single = len(runs) == 1
        mean_iv = per[0].mean_s if single else rep.mean_s
        p99_iv = per[0].p99_s if single else rep.p99_s
        a = cap.operation(rep.name) if cap is not None else None
        judged: list[SloJudgement] = []
        slo = slos.get(rep.name)
        p50 = _mean([o.p50_s for o in per])
        p95 = _mean([o.p95_s for o in per])
        if slo is not None:
            for metric, target, point, ci in (
                ("p50", slo.p50, p50, None),
                ("p95", slo.p95, p95, None),
                ("p99", slo.p99, p99_iv.value, p99_iv),
            ):
                if target is not None:
                    judged.append(_judge(metric, float(target.seconds), point, ci))
        ops.append(
            OperationFigures(
                name=rep.name,
                arrived=sum(o.arrived for o in per),
                ok=sum(o.ok for o in per),
                degraded=sum(o.degraded for o in per),
                errors=sum(o.errors for o in per),
                timeouts=sum(o.timeouts for o in per),
                rejections=sum(o.rejections for o in per),
                throughput_per_s=rep.throughput_per_s,
                mean_s=mean_iv,
                p50_s=p50,
                p95_s=p95,
                p99_s=p99_iv,
                p999_s=_mean([o.p999_s for o in per]),
                analytic_mean_s=a.mean_latency.value if a is not None else None,
                analytic_p95_s=a.p95_latency.value if a is not None else None,
                analytic_p99_s=a.p99_latency.value if a is not None else None,
                slo=tuple(judged),
            )
        )
    comps: list[ComponentFigures] = []
    net = sim.compiled.network
    disturbed, lost = _fault_disturbed(net) if len(net.fw_station) else (frozenset(), {})
    for st in runs[0].stations:
        if st.name.startswith("@"):
            continue
        per_st = [r.station(st.name) for r in runs]
        servers, analytic = _analytic(cap, st.name)
        util = _mean([s.utilization for s in per_st])
        during = [s.fault_utilization for s in per_st if s.fault_utilization is not None]
        f_util = _mean(during) if during else None
        if st.servers == 0 and servers > 0:
            util /= servers  # infinite station: mean busy, over the analytic servers
            f_util = f_util / servers if f_util is not None else None
        shifted = sum(
            sh.busy
            for sh in sim.compiled.shifts
            if sim.compiled.pool_station.get(sh.pool) == st.name
        )
        f_analytic = None
        s_index = net.station(st.name)
        comparable = s_index not in disturbed
        if f_util is not None and analytic is not None and servers > 0:
            left = servers - lost.get(s_index, 0)
            if _down_throughout(net, st.name):
                f_analytic = 0.0  # a pool that is down serves nothing
            elif comparable and left > 0:
                # the same erlangs, plus what fallbacks move here, over the servers left
                f_analytic = (analytic * servers + shifted) / left
        comps.append(
            ComponentFigures(
                name=st.name,
                servers=st.servers,
                utilization=util,
                analytic_utilization=analytic,
                mean_queue=_mean([s.mean_queue for s in per_st]),
                mean_wait_s=_mean([s.mean_wait_s for s in per_st]),
                wait_p99_s=_mean([s.wait_p99_s for s in per_st]),
                wasted_work_s=_mean([s.wasted_work_s for s in per_st]),
                rejections=sum(s.rejections for s in per_st),
                fault_utilization=f_util,
                analytic_fault_utilization=f_analytic,
                fault_comparable=comparable or f_analytic is not None,
            )
        )
    faults = sim.compiled.faults
    return SimulateResult(
        simulation=sim,
        operations=tuple(ops),
        components=tuple(comps),
        faults=faults,
        windows=_windows(runs[0], faults),
        duplicates=sum(r.duplicates for r in runs),
        seed=seed,
        load=load,
    )


def _capacity_at(context: Context, load: float) -> CapacityResult | None:
    """The capacity pass's figures at the load the simulation ran (--load × the scenario's
    load), so simulated and analytic columns describe the same traffic: the pass's own
    result at 1×, else the same analysis re-solved at that factor."""
    cap = context.get(CapacityResult)
    if cap is None or load == 1.0:
        return cap
    model = context.get(QueueingModel)
    return analyze(
        model if model is not None else context.design,
        load_factors=context.options.load_factors,
        years=context.options.years,
        factor=load,
    )


def run(context: Context) -> SimulateResult:
    """The pass entry point: simulate with the user's options, pair with capacity."""
    o = context.options
    faults = parse_faults(o.sim_faults, context.design)
    backend: Backend = o.sim_backend if o.sim_backend in ("numba", "python") else "auto"  # type: ignore[assignment]
    progress = o.extra.get("sim_progress")
    on_start = o.extra.get("sim_on_start")
    on_compile = o.extra.get("sim_on_compile")
    workers = o.extra.get("sim_workers", 1)
    sim = simulate_design(
        context.design,
        n_requests=o.sim_requests,
        duration_s=o.sim_duration,
        replications=o.sim_replications,
        seed=o.sim_seed,
        load=o.sim_load,
        scenario=o.sim_scenario,
        backend=backend,
        faults=faults,
        progress=progress if callable(progress) else None,
        on_start=on_start if callable(on_start) else None,
        on_compile=on_compile if callable(on_compile) else None,
        workers=workers if isinstance(workers, int) else 1,
        time_limit_s=o.sim_time_limit,
    )
    cap = _capacity_at(context, sim.compiled.load)
    result = pair(sim, cap, context.design, seed=o.sim_seed, load=o.sim_load)
    scenarios = context.design.scenarios
    if o.simulate and not result.faults and scenarios and sim.interrupted is None:
        # the report's outage chart: the first scenario, one bounded replication
        # budgeted by simulated time (the whole fault window and recovery, design_run's
        # fault cap) unless a budget is given
        budget = o.extra.get("sim_outage_max_events")
        outage = simulate_design(
            context.design,
            replications=1,
            seed=o.sim_seed,
            load=o.sim_load,
            scenario=scenarios[0].id,
            backend=backend,
            max_events=int(budget) if isinstance(budget, int) else None,
            time_limit_s=o.sim_time_limit,
        )
        outage_cap = _capacity_at(context, outage.compiled.load)
        result = replace(
            result,
            outage=pair(outage, outage_cap, context.design, seed=o.sim_seed, load=o.sim_load),
        )
    return result


PASS = Pass(
    name="simulate",
    run=run,
    result=SimulateResult,
    requires=("capacity",),
    default=False,
    description="Discrete-event simulation of the design's load, with faults: latency "
    "percentiles with confidence intervals, errors, utilization, beside the analytic figures.",
)

__all__ = [
    "PASS",
    "SCHEMA",
    "ComponentFigures",
    "OperationFigures",
    "SimulateResult",
    "SloJudgement",
    "Window",
    "pair",
]
