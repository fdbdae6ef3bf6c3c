"""Periodic rollup: when the task says its summaries (charts, reports, totals) may be an
hour or a day old, they are computed by a scheduled job over the period's new rows, not
on every write nor on every read.

Composed from a need, not a system name: a freshness bound of an hour or more, and a view
the task asks to be summarized. A block that already aggregates on a schedule (batch
reports, rankings, event aggregation) is left as it is.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.model import Principle
from archproof.units import Duration

_SUMMARY = re.compile(
    r"\b(?:charts?|reports?|totals?|stat(?:s|istics)|summar\w+|dashboards?|aggregat\w+|"
    r"results?\s+(?:page|view|charts?)|analytics)\b",
    re.IGNORECASE,
)
_HOUR = Fraction(3600)
_AGGREGATING = ("batch", "aggregation", "ranking", "analytics", "finance")


def periodic_rollup(ctx: Ctx) -> None:
    fresh = ctx.constrained("freshness")
    if fresh is None or fresh.within is None or fresh.within < _HOUR:
        return
    summary = _SUMMARY.search(fresh.statement) or _SUMMARY.search(ctx.text)
    if summary is None:
        return
    if any(op.pattern in _AGGREGATING or op.pattern == "rollup" for op in ctx.ops):
        return  # a block aggregates already (or drafted this rollup itself: telemetry)
    what = summary.group(0).lower()
    add_rollup(
        ctx,
        fresh.within,
        what,
        f'the task: "{fresh.statement}"',
        f'the task allows the {what} to be {Duration(fresh.within)} old ("{fresh.statement}")',
    )


_NEW_ROWS = (
    "the period's new rows, streamed in pages (an index range on created_at, not a full scan)"
)


def add_rollup(
    ctx: Ctx, period: Fraction, what: str, source: str, why: str, rows: str = _NEW_ROWS
) -> str:
    """A scheduled job that aggregates each `period` of new rows into Rollup rows, and the
    decision saying so (`why`: what in the task allows it). Returns the job's id."""
    ctx.comp("worker")
    ctx.entity("Rollup")
    op_id = "hourly_rollup" if period < 86_400 else "daily_rollup"
    ctx.op(
        OpSpec(
            id=op_id,
            description=f"Scheduled job, every {Duration(period)}: aggregate the period's new "
            f"rows into the {what}",
            pattern="rollup",
            rate=1 / period,
            rate_note=f"every {Duration(period)} ({source})",
            sync=False,
            reads=False,
            idempotency_key="the period it covers: a rerun overwrites the same Rollup rows",
            calls=[
                CallSpec(
                    "worker.rollup",
                    time={"lognormal": {"p50": "30s", "p99": "5min"}},
                    calls=[
                        ctx.db("read", rows),
                        ctx.db("write", "upsert the period's Rollup rows"),
                    ],
                )
            ],
            rationale="the summary may lag by the period, so it is computed once per period, "
            "never on the request path",
        )
    )
    ctx.access("Rollup", "rollups_by_key", "range", ("rollup_key",), "period_start", op_id)
    ctx.decide(
        "rollup-periodic",
        f"The {what} computed by a scheduled rollup",
        f"a worker aggregates each {Duration(period)} of new rows into Rollup rows; reads of "
        f"the {what} read the rollups",
        Principle.OP,
        f"{why}: "
        "aggregating once per period costs one pass over new rows instead of work on every "
        "write or read",
        op_id,
    )
    ctx.use_cases.append(f"Roll up the {what} every {Duration(period)}")
    return op_id
