"""A derived artifact the task wants ready some minutes after its input arrives
("Transcript ready within 15 min after the meeting ends", "the invoice PDF must be ready
within 5 minutes after payment"): producing it is slow work off the request path, so the
main write enqueues it and a worker job makes it, bounded by the task's delay.

Composed from a need, not a system name: the artifact is the task's own noun, the job is
named after it, the bound is the task's own figure. Delays under a few seconds are left to
the request path.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.units import Duration

_READY = re.compile(
    # "A plan has to be ready within": the noun before "has to be", not "has"
    r"\b([a-z]+)\s+(?:(?:is|are|must\s+be|should\s+be|(?:has|have|needs?)\s+to\s+be|to\s+be)"
    r"\s+)?(?:ready|available|done)\s+"
    r"within\b",
    re.IGNORECASE,
)
_MIN_DELAY = Fraction(10)  # a bound under this is request-path work, not a background job


def derived_artifact(ctx: Ctx) -> None:
    match = _READY.search(ctx.text)
    if match is None or ctx.primary_write is None:
        return
    artifact = singular(match.group(1).lower())
    if artifact in ("result", "it", "everything", "data", "page"):
        return
    if any(artifact[:6] in op.id for op in ctx.ops):
        return  # a block already makes it
    bound = next(
        (
            item.value
            for item in ctx.load.extracted.reading.placed
            if item.unit == "seconds"
            and item.start >= match.start()
            and item.start - match.end() < 40
        ),
        None,
    )
    if bound is None or bound < _MIN_DELAY:
        return
    source = ctx.api_call(ctx.primary_write)
    if source is None:
        return
    queue = ctx.queue(f"{artifact}_queue", f"inputs waiting for their {artifact}")
    source.calls.append(
        ctx.enqueue(queue, f"making the {artifact} takes minutes: a background job")
    )
    worker = ctx.comp("worker")
    p99 = bound / 2
    worker.work[f"make_{artifact}"] = {
        "lognormal": {"p50": str(Duration(p99 / 5)), "p99": str(Duration(p99))}
    }
    worker.work_notes[f"make_{artifact}"] = (
        f"assumed: half the task's bound ({Duration(bound)}) at p99, so a retry still fits"
    )
    ctx.job(
        f"make_{artifact}",
        queue,
        f"make_{artifact}",
        [ctx.db("write", f"store the {artifact} and mark its input done")],
        description=f"Make the {artifact} of one input (worker), within {Duration(bound)}",
        pattern="derived",
        idempotency_key=f"the input id: a redelivered input rewrites the same {artifact}",
    )
    ctx.decide(
        "derived-artifact-job",
        f"The {artifact} is made by a background job",
        f"the write enqueues the input; a worker makes the {artifact} and stores it",
        Principle.OP,
        f'the task allows {Duration(bound)} ("{match.group(0)} {Duration(bound)}"): the work '
        "is too slow for a request and must survive a dead worker (the queue redelivers)",
        f"make_{artifact}",
    )
    ctx.ledger.ask(f"How long does making one {artifact} take (typical and longest)?")
    ctx.use_cases.append(f"Make the {artifact} within {Duration(bound)}")
