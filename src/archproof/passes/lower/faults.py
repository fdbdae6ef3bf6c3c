"""Faults lowered onto pools: which servers a fault takes, and when.

`down`, `slow` and `error_rate` hit every pool of the component. `lose_replicas: K`
removes K instances: on a component with read replicas the replicas go first
(min(K, read replicas) of them) and only the rest come off the primaries. A pool that
loses every instance is down for the window (nothing is left to answer, so its calls fail;
no failover of reads to the primary is modelled): as lost servers its calls would wait for
the window's end, 10^15 s for a fault without one. Losing more instances than the
component has is refused before this, located (`catalog.lost_beyond_instances`, read by
the loader's checks and by `--fault`). A fault without a duration lasts to the end of
the run.

Hot standbys stand in for lost primaries: of the instances a `lose_replicas` fault takes
from the primaries' pool, up to `standby` are back once the failover time has passed (the
component's `failover`, else its catalog's), the rest stay lost to the window's end. A
standby is not a read replica's spare, and `down` takes the whole component, its standbys
too (a bad deploy, a partition): nothing is left to fail over to. A standby without a
failover figure is not promoted, and :func:`failovers` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from archproof.model import Fault
from archproof.numbers import sig
from archproof.passes.lower.queueing_model import Pool, PoolRole, QueueingModel

FOREVER = 1e15  # seconds: "to the end of the run"


class FaultEffect(StrEnum):
    """What a fault does to a pool during its window."""

    DOWN = "down"  # every call fails
    SLOW = "slow"  # service times × value
    LOSE_SERVERS = "lose_servers"  # value servers removed
    ERROR_RATE = "error_rate"  # each call fails with probability value


@dataclass(frozen=True, slots=True)
class FaultWindow:
    """One fault on one pool over [start, end) seconds."""

    pool: int
    effect: FaultEffect
    start: float
    end: float
    value: float  # slowdown factor, servers lost or error probability; 0 for down


def fault_windows(model: QueueingModel, faults: tuple[Fault, ...]) -> tuple[FaultWindow, ...]:
    """The windows of `faults` on `model`'s pools (ValueError on an unknown component)."""
    for f in faults:
        if f.component not in model.pools_of:
            raise ValueError(f"fault on unknown component {f.component!r}")
    out: list[FaultWindow] = []
    for f in faults:
        live = model.serving_pools(f.component)
        start = float(f.at.seconds)
        end = start + float(f.duration.seconds) if f.duration is not None else FOREVER
        if f.kind == "lose_replicas":
            lost = f.replicas or 1
            for p in sorted(live, key=lambda p: p.role is not PoolRole.REPLICAS):
                # read replicas first (sorted before the primary), then the primaries
                take = min(lost, p.instances)
                back = _promoted(p, take)
                promoted_at = min(end, start + (p.failover or 0.0)) if back else end
                out.extend(_loss(p, take, start, promoted_at))
                out.extend(_loss(p, take - back, promoted_at, end))
                lost -= take
            continue
        effect = FaultEffect(f.kind)
        value = float(f.factor or 1) if f.kind == "slow" else float(f.rate or 0)
        for p in live:
            out.append(FaultWindow(p.index, effect, start, end, 0.0 if f.kind == "down" else value))
    return tuple(out)


def _promoted(pool: Pool, lost: int) -> int:
    """Lost instances of `pool` a standby takes the place of (after the pool's failover)."""
    return min(lost, pool.standby) if pool.failover is not None else 0


def _loss(pool: Pool, lost: int, start: float, end: float) -> tuple[FaultWindow, ...]:
    """`lost` instances of `pool` gone over [start, end): down if none is left."""
    if lost <= 0 or end <= start:
        return ()
    if lost == pool.instances:
        return (FaultWindow(pool.index, FaultEffect.DOWN, start, end, 0.0),)
    return (
        FaultWindow(
            pool.index, FaultEffect.LOSE_SERVERS, start, end, float(lost * pool.concurrency)
        ),
    )


@dataclass(frozen=True, slots=True)
class Failover:
    """What a fault does to a component's standbys, said to the person running the drill."""

    component: str
    lost: int  # active instances the fault takes
    standby: int
    after: float | None  # seconds until the standbys serve (None: no figure known)
    source: str  # where `after` came from (design, catalog:postgresql)
    down: bool  # a `down` fault: the standbys are lost with the rest

    def describe(self) -> str:
        if self.down:
            return (
                f"{self.component}: 'down' takes every instance, its {self.standby} "
                f"standby(s) too; to drill a failover, lose an instance "
                f"({self.component}:lose_replicas=1)"
            )
        if self.after is None:
            return (
                f"{self.component}: {self.lost} active instance(s) lost; its standby is not "
                "promoted in this run: no failover time is known (give the component "
                "`failover:`)"
            )
        back = min(self.lost, self.standby)
        return (
            f"{self.component}: {self.lost} active instance(s) lost; {back} standby(s) serve "
            f"in their place after the {sig(self.after)} s failover ({self.source})"
        )


def failovers(model: QueueingModel, faults: tuple[Fault, ...]) -> tuple[Failover, ...]:
    """The faults that reach a component with standbys: promoted, or why not."""
    out: list[Failover] = []
    for f in faults:
        for p in model.serving_pools(f.component):
            if p.standby == 0 or f.kind not in ("down", "lose_replicas"):
                continue
            lost = p.instances
            if f.kind == "lose_replicas":
                # read replicas go first (fault_windows): what is left falls on the primaries
                replicas = sum(
                    q.instances
                    for q in model.serving_pools(f.component)
                    if q.role is PoolRole.REPLICAS
                )
                lost = min(p.instances, max(0, (f.replicas or 1) - replicas))
            if lost > 0:
                out.append(
                    Failover(
                        f.component,
                        lost,
                        p.standby,
                        p.failover,
                        p.failover_source,
                        f.kind == "down",
                    )
                )
    return tuple(out)
