"""Fallback load in a fault window: the share of a fail-open call that fails, moved onto
its fallback call (`fallback: {call: ...}`).

In normal operation a fallback is made for the share of executions whose edge fails for
good, q^(r+1) (`retry.py`: timeouts only; `Call.per_request` of the fallback call counts
it). During a fault on the primary's component the share is the fault's:

    down          f = 1                      (every attempt fails at once)
    error_rate e  f = (1 − (1 − q)(1 − e))^(r+1)    (an attempt fails by timeout or error)
    slow k        f = P(k·S > timeout)^(r+1)         (the service time stretched k times)
    lose_replicas f = 0                      (calls queue on the rest; overload is the
                                              capacity pass's question, not a fallback's)

weighted by the primary's route shares over its pools. The fallback's pools then carry

    Δrate = rate(op) × executions of the primary per request × (f − q^(r+1))
            × fallback's own p × times × E[attempts]

and Δbusy servers = Δrate × the fallback's mean service time (for each pool on its route,
by its share), its nested calls by the same factor. The caller holds its worker while the
fallback runs, so the caller's pools carry Δrate × that time too (`held`: no new calls; the
fallback's own queueing is left out, a lower bound), nothing for an async fallback, minus
the primary's service time for the share routed to a pool that is `down` (those calls fail
at once). A breaker on the primary's edge makes
f larger (calls fail fast while it is open), so the figure is a lower bound then.
"""

from __future__ import annotations

from dataclasses import dataclass

from archproof.model import Fault
from archproof.numbers import sig
from archproof.passes.lower.faults import FaultEffect, fault_windows
from archproof.passes.lower.queueing_model import Call, QueueingModel, walk_steps
from archproof.passes.lower.retry import exhausted, timeout_probability


@dataclass(frozen=True, slots=True)
class FallbackShift:
    """Load a fault moves onto one pool through one fallback call (peak, at `load`)."""

    operation: str
    primary: str  # path of the call that fails
    fallback: str  # path of the call made instead (or of one nested under it)
    pool: int  # lowered pool index
    share: float  # f: share of the primary's executions failing during the fault
    rate: float  # extra calls/s on the pool
    busy: float  # extra busy servers on the pool = rate × mean service time
    derivation: str
    held: bool = False  # the caller's pool, held while the fallback runs (rate: no new calls)


def failed_share(model: QueueingModel, call: Call, faults: tuple[Fault, ...]) -> float:
    """f: the share of `call`'s executions that fail for good while `faults` are on."""
    windows = [
        w for w in fault_windows(model, faults) if model.pools[w.pool].component == call.component
    ]
    if not windows:
        return call.p_exhausted
    pol = call.policy
    total = 0.0
    for pool, share in call.route:
        q = call.p_timeout
        for w in (w for w in windows if w.pool == pool):
            if w.effect is FaultEffect.DOWN:
                q = 1.0
            elif w.effect is FaultEffect.ERROR_RATE:
                q = 1.0 - (1.0 - q) * (1.0 - w.value)
            elif w.effect is FaultEffect.SLOW and pol.timeout is not None and w.value > 0:
                q = max(q, timeout_probability(call.service.dist, pol.timeout / w.value))
        total += share * exhausted(q, pol.retries)
    return total


def down_share(model: QueueingModel, call: Call, faults: tuple[Fault, ...]) -> float:
    """The share of `call`'s executions routed to a pool that `faults` take down."""
    down = {w.pool for w in fault_windows(model, faults) if w.effect is FaultEffect.DOWN}
    return sum(share for pool, share in call.route if pool in down)


def fallback_shifts(
    model: QueueingModel, faults: tuple[Fault, ...], *, load: float = 1.0
) -> tuple[FallbackShift, ...]:
    """The extra load each fallback call puts on its pools while `faults` are on."""
    out: list[FallbackShift] = []
    for op in model.operations:
        rate = op.rate.peak * load
        for c in (model.calls[i] for i in op.calls):
            fb = c.fallback
            if fb is None or rate <= 0:
                continue
            f = failed_share(model, c, faults)
            extra = f - c.p_exhausted
            if extra <= 0:
                continue
            made = c.per_request / c.attempts  # executions of the primary's edge per request
            unit = fb.p * fb.times * fb.attempts  # fallback calls per failed execution
            base = fb.per_request  # the fallback's calls per request in normal operation
            if c.parent is not None:
                # the caller holds its worker for a synchronous fallback call, and no longer
                # for the primary's service where its pool is down (the call fails at once)
                calls = rate * made * extra * unit
                down = down_share(model, c, faults)
                hold = (0.0 if fb.async_ else calls * fb.service.mean) - (
                    rate * made * down * c.service.mean
                )
                for pool, share in model.calls[c.parent].route:
                    out.append(
                        FallbackShift(
                            operation=op.id,
                            primary=c.path,
                            fallback=fb.path,
                            pool=pool,
                            share=f,
                            rate=0.0,
                            busy=hold * share,
                            derivation=f"held by the caller: {sig(calls, 6)}/s × "
                            f"{sig(fb.service.mean * 1e3, 4)} ms × route share {sig(share, 3)}",
                            held=True,
                        )
                    )
            for v in walk_steps((fb,)):
                if v is not fb and base <= 0:
                    continue  # nested calls scale with the fallback's, unknown at 0
                # a nested call scales with the fallback call (same share of its calls)
                ratio = 1.0 if v is fb else v.per_request / base
                calls = rate * made * extra * unit * ratio
                for pool, share in v.route:
                    out.append(
                        FallbackShift(
                            operation=op.id,
                            primary=c.path,
                            fallback=v.path,
                            pool=pool,
                            share=f,
                            rate=calls * share,
                            busy=calls * share * v.service.mean,
                            derivation=(
                                f"{sig(rate, 6)}/s × {sig(made, 4)} × (f {sig(f, 4)} − q^(r+1) "
                                f"{sig(c.p_exhausted, 3)}) × {sig(unit, 4)} calls × route share "
                                f"{sig(share, 3)} × {sig(v.service.mean * 1e3, 4)} ms"
                            ),
                        )
                    )
    return tuple(out)
