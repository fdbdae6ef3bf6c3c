"""How reads and writes spread over a component with read replicas, stated once.

Writes go to the primaries; reads are spread evenly over all P + R instances, so a read
reaches a primary with probability P / (P + R). Per instance, with loads in units of one
instance's capacity (u = offered erlangs ÷ concurrency):

    primary ρ = u_write / P + u_read / (P + R),     replica ρ = u_read / (P + R)

The lowering routes calls by this rule, the growth plan sizes read replicas by it and the
drafter drafts them by it, so a draft sized for a target is at that target when analyzed.
"""

from __future__ import annotations

import math


def read_split(primaries: int, read_replicas: int) -> float:
    """Share of reads served by the primaries: reads are spread over all P + R instances."""
    return primaries / (primaries + read_replicas) if primaries + read_replicas else 1.0


def read_replicas_needed(
    u_read: float, u_write: float, target: float, primaries: int = 1
) -> int | None:
    """Read replicas that keep every instance at or below `target`, or None when the
    writes alone fill the primaries (then replicas cannot help: shard the writes).

    From primary ρ ≤ target: P + R ≥ u_read·P / (target·P − u_write); from replica
    ρ ≤ target: P + R ≥ u_read / target.
    """
    room = target * primaries - u_write
    if room <= 0:
        return None
    if u_read <= 0:
        return 0
    total = max(u_read * primaries / room, u_read / target)
    return max(0, math.ceil(total - primaries - 1e-9))
