"""Utilization of a pool of servers: the one formula for ρ (issue 13, one source).

The capacity pass solves every pool with ρ = a / (instances × concurrency), where the
offered load a = Σ λ·E[H] is in erlangs (calls per second × seconds each holds a server,
nested synchronous calls included). The drafter sizes replicas with the same function,
per node (instances = 1) before it chooses how many, and states the pool's ρ with it, so
the figure in a draft's decisions is the one `archproof analyze` prints for the pool.

A leaf module: it imports nothing from archproof, so frontends and passes both use it.
"""

from __future__ import annotations

F_RHO = "ρ = a / (instances × concurrency)"


def rho(offered: float, instances: int, concurrency: int) -> float:
    """ρ of a pool of `instances` × `concurrency` servers carrying `offered` erlangs."""
    servers = instances * concurrency
    if servers <= 0:
        raise ValueError(f"a pool needs servers to have a utilization, not {servers}")
    return offered / servers
