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
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from archproof.model import Fault
from archproof.passes.lower.queueing_model import PoolRole, QueueingModel

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
                if take == p.instances:
                    out.append(FaultWindow(p.index, FaultEffect.DOWN, start, end, 0.0))
                elif take > 0:
                    out.append(
                        FaultWindow(
                            p.index,
                            FaultEffect.LOSE_SERVERS,
                            start,
                            end,
                            float(take * p.concurrency),
                        )
                    )
                lost -= take
            continue
        effect = FaultEffect(f.kind)
        value = float(f.factor or 1) if f.kind == "slow" else float(f.rate or 0)
        for p in live:
            out.append(FaultWindow(p.index, effect, start, end, 0.0 if f.kind == "down" else value))
    return tuple(out)
