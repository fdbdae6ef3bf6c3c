"""Rate limits: what arrives at an operation or a component, and what gets in.

A global limit (`per: global`) caps the admitted peak rate at the limit; the share above it
is rejected (`over: reject`, a 429 at once) or waits (`over: queue`: nothing is rejected,
a backlog grows while the peak lasts). Either way the pools behind see at most the limit.
A per-tenant / user / IP / API-key quota caps each key, not the total: the model does not
know how many keys there are, so it admits everything and says so.

An operation's limit caps its rate where the rate is stated (`operation_rates`). A
component's limit thins every call into it (and what those calls call): the lowering
multiplies their executions by admitted / arriving, found by `component_admission`.
A rejected call on a fail-closed edge also ends its request: the calls after it in the
same sequence are made only by the requests it let through (`ended_share`); a fail-open
edge, or a limit that queues, lets the request go on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from archproof.model import Design, RateLimit
from archproof.numbers import sig
from archproof.passes.lower.queueing_model import Admission, Call, OperationRate


def admission(target: str, scope: str, limit: RateLimit, offered: float) -> Admission:
    """The admission figures of one limit for a peak arrival rate `offered` (req/s)."""
    cap = float(limit.rate.per_second)
    if limit.per != "global":
        return Admission(
            target=target,
            scope=scope,
            limit=cap,
            per=limit.per,
            over=limit.over,
            offered=offered,
            admitted=offered,
            excess_share=0.0,
            rejected_share=0.0,
            derivation=f"a per-{limit.per} quota of {limit.rate} caps each {limit.per}, "
            "not the total: nothing capped",
        )
    admitted = min(offered, cap)
    excess = 1.0 - cap / offered if offered > cap else 0.0
    rejected = excess if limit.over == "reject" else 0.0
    if excess > 0:
        fate = "rejected" if limit.over == "reject" else "queued (a backlog while the peak lasts)"
        derivation = (
            f"capped at rate_limit {limit.rate} ({limit.over}): {sig(excess, 3)} of the "
            f"{sig(offered, 6)}/s arriving at peak {fate}"
        )
    else:
        derivation = f"under its rate_limit {limit.rate}"
    return Admission(
        target=target,
        scope=scope,
        limit=cap,
        per=limit.per,
        over=limit.over,
        offered=offered,
        admitted=admitted,
        excess_share=excess,
        rejected_share=rejected,
        derivation=derivation,
    )


def component_admission(
    design: Design,
    calls: Sequence[Call],
    rates: Mapping[str, OperationRate],
    applied: Mapping[str, float],
) -> tuple[dict[str, float], list[Admission]]:
    """Admitted / arriving per rate-limited component, and the admission figures.

    `calls` were lowered with the factors `applied` already multiplied in at each
    component, so the arrivals before a component's own limit are divided back out.
    """
    factors: dict[str, float] = {}
    out: list[Admission] = []
    for comp in design.components:
        if comp.rate_limit is None:
            continue
        before = applied.get(comp.id, 1.0)
        arriving = sum(
            rates[c.op].peak * c.per_request for c in calls if c.component == comp.id
        ) / (before if before > 0 else 1.0)
        adm = admission(comp.id, "component", comp.rate_limit, arriving)
        out.append(adm)
        if adm.admitted < arriving:
            factors[comp.id] = adm.admitted / arriving
    return factors, out


def ended_share(admitted_share: float, p: float, times: int) -> float:
    """Share of the requests reaching a fail-closed call into a rejecting limit that the
    limit ends: the call is made with probability `p`, `times` times, each execution let
    through with `admitted_share` (independently). The calls after it see the rest."""
    return p * (1.0 - admitted_share**times)


def rejecting(admissions: Sequence[Admission]) -> dict[str, float]:
    """Admitted share per component whose global limit rejects (`over: reject`) part of
    what arrives: the components whose fail-closed calls end requests."""
    return {
        a.target: 1.0 - a.rejected_share
        for a in admissions
        if a.scope == "component" and a.rejected_share > 0
    }
