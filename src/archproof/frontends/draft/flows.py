"""Load flowing through the drafted call trees: operation rates (including background jobs
fed by queues), per-component busy time and rate, and a p99 estimate per operation.

Same semantics as the model (see model/operations.py): nested calls hold the caller, so a
component's held time includes its callees'; `p` and `times` scale a call's rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.plan import CallSpec, CompSpec, OneOfSpec, OpSpec
from archproof.frontends.draft.sizing import (
    DEFAULT_WORK,
    catalog_work,
    concurrency_of,
    distribution,
    max_throughput,
    p99_s,
    per_s,
    rate_text,
    utilization,
)
from archproof.model import Distribution
from archproof.model.operations import WRITE_WORDS
from archproof.model.requirements import at_peak as peak_of
from archproof.numbers import plain
from archproof.units import parse_rate


def probability(text: str | None) -> Fraction:
    if text is None:
        return Fraction(1)
    text = text.strip()
    if text.endswith("%"):
        return Fraction(text[:-1]) / 100
    return Fraction(text)


def is_write(call: CallSpec) -> bool:
    """A write as the lowering reads it: the call's own `write` flag, else its work's name."""
    if call.write is not None:
        return call.write
    return any(word in call.work.lower() for word in WRITE_WORDS)


def service_time(ctx: Ctx, call: CallSpec) -> Distribution:
    """The call's time: its own, the component's, the catalog's, or a kind default."""
    if call.time is not None:
        return distribution(call.time)
    comp = ctx.comps.get(call.component)
    if comp is None:
        return distribution("2ms")
    if call.work in comp.work:
        return distribution(comp.work[call.work])
    found = catalog_work(comp.tech, call.work)
    if found is not None:
        return found
    return distribution(DEFAULT_WORK.get(comp.kind, "2ms"))


def walk(
    items: list[CallSpec | OneOfSpec], p: Fraction = Fraction(1), depth: int = 0
) -> Iterator[tuple[CallSpec, Fraction, int]]:
    """Every call with its cumulative probability × times and its nesting depth."""
    for item in items:
        if isinstance(item, OneOfSpec):
            for branch in item.branches:
                yield from walk(branch.calls, p * probability(branch.p), depth)
            continue
        weight = p * probability(item.p) * (item.times or 1)
        yield item, weight, depth
        yield from walk(item.calls, weight, depth + 1)


@dataclass
class Flow:
    """Load on one component: multiply by the peak factor for its peak (`flows`)."""

    rate: Fraction = Fraction(0)
    busy: float = 0.0  # Erlangs: Σ rate × held time
    read_rate: Fraction = Fraction(0)
    read_busy: float = 0.0
    write_rate: Fraction = Fraction(0)
    write_busy: float = 0.0
    works: dict[str, Fraction] = field(default_factory=dict)


def written_rate(rate: Fraction | None) -> Fraction:
    """A rate as the draft's YAML states it (`rate_text`), exactly as the lowering parses it."""
    return parse_rate(rate_text(rate)).per_second if rate else Fraction(0)


def factor_text(value: Fraction) -> int | str:
    """A peak factor as the draft's YAML writes it: whole, or six significant digits (10/3 →
    "3.33333")."""
    return value.numerator if value.denominator == 1 else plain(float(value), 6)


def written_factor(value: Fraction) -> Fraction:
    """The peak factor the lowering multiplies by: the one `factor_text` writes."""
    return Fraction(factor_text(value))


def op_rates(ctx: Ctx, *, for_peak: bool = False) -> dict[str, Fraction]:
    """Average rate of every operation; queue consumers get what their producers enqueue.

    `for_peak`: rates whose peak is `at_peak(rate)`, as the lowering computes it: an
    operation that arrives flat (`OpSpec.flat`) is not multiplied by the peak factor, so
    its rate here is divided by it, one with its own stated peak (`OpSpec.peak`, a burst)
    is that peak divided by it, and the jobs it feeds inherit that."""
    # each rate as the YAML writes it (three digits), the one the lowering reads: the
    # unrounded 22.92/s printed a peak of 68.8/s beside the model's 68.7/s
    rates = {
        op.id: written_rate(op.peak) / ctx.load.peak_factor
        if for_peak and op.peak is not None
        else written_rate(op.rate) / (ctx.load.peak_factor if for_peak and op.flat else 1)
        for op in ctx.ops
        if op.consumes is None
    }
    consumers = {op.consumes: op.id for op in ctx.ops if op.consumes is not None}
    for op_id in consumers.values():
        rates[op_id] = Fraction(0)
    for _ in range(6):  # chains of jobs are short; iterate to a fixed point
        fed: dict[str, Fraction] = dict.fromkeys(consumers.values(), Fraction(0))
        for op in ctx.ops:
            for call, weight, _ in walk(op.calls):
                if call.async_ and call.component in consumers:
                    fed[consumers[call.component]] += rates.get(op.id, Fraction(0)) * weight
        if all(rates[k] == v for k, v in fed.items()):
            break
        rates.update(fed)
    return rates


def held(ctx: Ctx, call: CallSpec) -> float:
    """Seconds the callee's worker is held: its own time plus its synchronous callees'."""
    return service_time(ctx, call).mean_s() + _children(ctx, call.calls, Fraction(1))


def _children(ctx: Ctx, items: list[CallSpec | OneOfSpec], p: Fraction) -> float:
    total = 0.0
    for item in items:
        if isinstance(item, OneOfSpec):
            for branch in item.branches:
                total += _children(ctx, branch.calls, p * probability(branch.p))
        elif item.async_:
            continue  # a hand-off: the caller does not wait for it (the lowering's E[H])
        else:
            weight = p * probability(item.p) * (item.times or 1)
            total += held(ctx, item) * float(weight)
    return total


def flows(ctx: Ctx) -> dict[str, Flow]:
    """Load on each component from every operation, as rates whose peak is `at_peak` of
    them (an average, except that work arriving flat is not peaked: `op_rates`)."""
    rates = op_rates(ctx, for_peak=True)
    out: dict[str, Flow] = {cid: Flow() for cid in ctx.comps}
    for op in ctx.ops:
        rate = rates.get(op.id, Fraction(0))
        for call, weight, _ in walk(op.calls):
            flow = out.setdefault(call.component, Flow())
            calls = rate * weight
            busy = float(calls) * held(ctx, call)
            flow.rate += calls
            flow.busy += busy
            flow.works[call.work] = flow.works.get(call.work, Fraction(0)) + calls
            if is_write(call):
                flow.write_rate += calls
                flow.write_busy += busy
            else:
                flow.read_rate += calls
                flow.read_busy += busy
    return out


def p99_estimate(ctx: Ctx, op: OpSpec) -> float:
    """Σ p99 of the calls on the path that happen for at least 1% of requests; an
    asynchronous call (a hand-off) and what it triggers are not on the caller's path."""
    total = 0.0
    skipped: list[CallSpec] = []
    for call, weight, _ in walk(op.calls):
        if call.async_ or any(_under(call, a) for a in skipped):
            skipped.append(call)
            continue
        if weight >= Fraction(1, 100):
            total += p99_s(service_time(ctx, call))
    return total


def _under(call: CallSpec, parent: CallSpec) -> bool:
    return any(
        item is call or (isinstance(item, CallSpec) and _under(call, item)) for item in parent.calls
    )


def component_calls(ctx: Ctx, comp: CompSpec) -> Iterator[tuple[OpSpec, CallSpec, int]]:
    for op in ctx.ops:
        for call, _, depth in walk(op.calls):
            if call.component == comp.id:
                yield op, call, depth


def at_peak(ctx: Ctx, value: Fraction | float) -> float:
    return float(peak_of(Fraction(value), ctx.load.peak_factor))


def node_util(comp: CompSpec, busy: float, rate: float) -> float:
    """Utilization of one node of `comp` at the given busy time and rate."""
    return utilization(
        busy,
        rate,
        concurrency_of(comp.tech, comp.kind, comp.concurrency),
        max_throughput(comp.tech),
    )


def explain(comp: CompSpec, label: str) -> str:
    """What a tier is sized by, in inputs only: the load and the catalog's concurrency.

    The drafter's own estimate of the load (its held times leave out queueing waits and
    retries) is not printed: a second figure beside the capacity pass's for the same pool
    is a contradiction (issue 13, one source). `archproof analyze` prints the pool's ρ."""
    c = concurrency_of(comp.tech, comp.kind, comp.concurrency)
    ceiling = max_throughput(comp.tech)
    text = f"sized by peak {label} × the time each holds one of {c} concurrent slots"
    text += f" per {comp.tech or comp.kind} node"
    if ceiling:
        text += f" (and its throughput ceiling, {per_s(ceiling)} a node)"
    return text


# Where a sized pool's utilization is printed: the capacity pass's figure, one source.
SEE_ANALYZE = "`archproof analyze` prints its ρ at peak"


def iter_calls(items: list[CallSpec | OneOfSpec]) -> list[CallSpec]:
    out: list[CallSpec] = []
    for item in items:
        if isinstance(item, OneOfSpec):
            for branch in item.branches:
                out.extend(iter_calls(branch.calls))
        else:
            out.append(item)
            out.extend(iter_calls(item.calls))
    return out
