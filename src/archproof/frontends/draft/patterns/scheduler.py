"""Job scheduler: job definitions in the database, a dispatcher that enqueues the runs
that fall due, workers that execute each run at least once.

The dispatcher polls due runs by `next_run_at` (an index range) every second, so a run
starts within a second or two of its time; the run queue makes execution at-least-once
(a run is acknowledged only when it has finished, a dead worker's run is redelivered
after its visibility timeout, with heartbeats for long runs).
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import any_rate, stated_count, work_duration
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import nice_duration, rate_text
from archproof.model import Principle
from archproof.units import QUANTITY_BOUNDS, Duration

_MONTH_S = 30 * DAY


def scheduler(ctx: Ctx) -> None:
    stated = any_rate(ctx)
    if stated is not None:
        rate, note, _ = stated
    else:
        rate, note = ctx.dau() / 86_400, "assumed: one job per daily active user per day"
    schedule_rate, schedule_note = rate, note
    jobs = stated_count(ctx, frozenset({"job", "task"}))
    if jobs is not None and jobs.value > 1:
        # "2 million jobs, each runs once an hour": the jobs are a stock, registered once and
        # run again and again; their registrations are not the runs
        schedule_rate = jobs.value / _MONTH_S
        schedule_note = f"assumed: the {jobs.describe()} created or changed once a month"
        ctx.ledger.assumed(
            "job registrations",
            rate_text(schedule_rate),
            f"the {jobs.describe()} created or changed once a month",
            "job-registrations",
            "How often are jobs created or changed? (the runs do not tell)",
        )
    longest = work_duration(ctx)
    if longest is not None and longest > QUANTITY_BOUNDS["duration"].high:
        longest = QUANTITY_BOUNDS["duration"].high  # a design states at most 100 years
        ctx.ledger.ask(
            "The longest run exceeds what a design can state and is written at the bound "
            "(100 years): is the task's duration right?"
        )
    run_p99 = Duration(longest) if longest is not None else Duration(Fraction(60))
    run_p50 = Duration(max(Fraction(2), run_p99.seconds / 60))
    if longest is None:
        ctx.ledger.assumed(
            "run time",
            "p50 2s, p99 1min",
            "short jobs, when the task gives no run time",
            "run-time",
            "How long does a run take (typical and longest)? Workers are sized by it.",
        )
    ctx.entity("JobDefinition")
    ctx.entity("JobRun")
    runs = ctx.queue(
        "run_queue",
        "runs that are due: delivered at least once, acknowledged when the run has finished",
    )
    ctx.op(
        OpSpec(
            id="schedule_job",
            description="POST /jobs: a one-off or cron-style job and its first due time",
            pattern="scheduler",
            rate=schedule_rate,
            rate_note=schedule_note,
            reads=False,
            idempotency_key="client request id (unique): a retried request schedules one job",
            calls=ctx.front(
                "schedule_job",
                [ctx.db("write", "insert the JobDefinition and its first JobRun (next_run_at)")],
            ),
            keywords=("schedule", "job", "create"),
        )
    )
    ctx.op(
        OpSpec(
            id="dispatch_due_runs",
            description="Dispatcher, every second per partition: claim the runs due now and "
            "enqueue them",
            pattern="scheduler",
            rate=rate,
            rate_note="one claim per due run (polled every second, in batches)",
            sync=False,
            reads=False,
            idempotency_key="the run id: a run is claimed (status scheduled → queued) once",
            calls=[
                CallSpec(
                    "worker.dispatch",
                    time="5ms",
                    calls=[
                        ctx.db(
                            "write",
                            "UPDATE … SET status = queued WHERE next_run_at <= now() … "
                            "FOR UPDATE SKIP LOCKED (index range, a batch)",
                        ),
                        ctx.enqueue(runs, "execution is slow: workers pick runs up"),
                    ],
                )
            ],
        )
    )
    worker = ctx.comp("worker")
    worker.work["execute"] = {"lognormal": {"p50": str(run_p50), "p99": str(run_p99)}}
    worker.work_notes["execute"] = "the customer's job itself" + (
        " (the task's longest run as p99)" if longest is not None else " (assumed)"
    )
    ctx.job(
        "run_job",
        runs,
        "execute",
        [ctx.db("write", "JobRun status → succeeded or failed; the next run of a cron job")],
        description="Execute one due run, then record it and schedule the next",
        pattern="scheduler",
        idempotency_key="the run id: the job receives it and must tolerate a second delivery",
    )
    ctx.access("JobRun", "runs_due", "range", ("status", "next_run_at"), None, "dispatch_due_runs")
    ctx.primary_write = ctx.primary_write or "schedule_job"
    ctx.growth_write = ctx.growth_write or "dispatch_due_runs"  # a JobRun row per run
    ctx.decide(
        "scheduler-dispatch",
        "Due runs dispatched through a queue",
        "a dispatcher claims due runs every second (SKIP LOCKED, partitioned by time bucket) "
        "and enqueues them; workers execute",
        Principle.OP,
        "execution takes up to "
        f"{run_p99} and must survive a dead worker: the queue redelivers an unacknowledged "
        "run (at least once), so the job must be idempotent on its run id",
        "run_job",
    )
    ctx.decide(
        "scheduler-long-runs",
        "Visibility timeout and heartbeats",
        f"visibility timeout {nice_duration(60.0)}, extended by a heartbeat while the run "
        "lives; retries are counted per run and stop at the limit (then dead-letter)",
        Principle.FH,
        f"a run may take {run_p99}: a fixed timeout that long would delay the retry of a "
        "dead worker's run by as much",
        "run_queue",
    )
    ctx.use_cases += ["Schedule a job (one-off or cron)", "Run due jobs at least once"]
    ctx.ledger.ask("What happens to runs missed during an outage: run late, or skip?")
    ctx.ledger.ask("May two runs of the same job overlap, or must one wait for the other?")
