"""Work too slow for a request, composed by need: when the task says one unit of its main
job takes seconds of compute ("each submission runs ... and takes about 2 seconds of CPU",
"rendering a report takes 30 s"), the request only records the item and enqueues it, and a
pool of workers behind the queue does the work and writes the result the client reads.

Nothing here names a system: the item is the task's own noun (the subject of its main
rate), the job its own verb ("submission runs" → `run_submission`), the work time its own
figure. The threshold is the longest a user request should hold an API worker.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.text import article
from archproof.model import Principle
from archproof.units import Duration

# Work longer than this per item leaves the request path (a request holding an API worker
# for seconds starves the pool: principle 3, separate fast and slow operations).
SLOW_WORK_S = Fraction(1, 2)
LONGEST_WORK_S = Fraction(6 * 3600)  # a "run" of hours is a batch job, not per-request work

# A duration in a clause about doing work per item: "takes 2 s of CPU", "runs for 3 s",
# "processing takes", "to render / compute / compile / execute / transcode".
_WORK_CLAUSE = re.compile(
    r"\b(?:takes?|taking|runs?\s+for|of\s+(?:cpu|compute|processing)|cpu[- ]?(?:time|seconds?)"
    r"|to\s+(?:process|render|compute|compile|execute|run|evaluate|grade|transcode|convert))\b",
    re.IGNORECASE,
)
# Verbs a task uses for the work itself, most specific first; the job is named after the
# first one the task uses near its item ("each submission runs" → run).
_WORK_VERBS = (
    "judge",
    "grade",
    "compile",
    "execute",
    "run",
    "render",
    "transcode",
    "convert",
    "evaluate",
    "compute",
    "analyze",
    "analyse",
    "scan",
    "process",
)


def work_time(ctx: Ctx) -> Quantity | None:
    """The task's stated time for one unit of work, when it is too long for a request."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit != "seconds" or not SLOW_WORK_S <= item.value <= LONGEST_WORK_S:
            continue
        if item.role in ("retention", "expiry", "staleness", "latency", "delay", "interval"):
            continue
        # the clause around the number: from the sentence start to the next comma/semicolon
        clause = re.split(r"[;,]", item.sentence)
        if any(_WORK_CLAUSE.search(part) and item.text in part for part in clause):
            return item
    return None


def work_verb(text: str, sentence: str) -> str:
    """The task's own verb for the work (`run`, `render`, …): the first of `_WORK_VERBS`
    in the sentence that states the work time, else anywhere in the task; `process`."""
    for where in (sentence, text):
        words = re.findall(r"[a-z]+", where.lower())
        for verb in _WORK_VERBS:
            if any(w.startswith(verb) and len(w) <= len(verb) + 3 for w in words):
                return verb
    return "process"


def offload_slow_work(ctx: Ctx, create_id: str, noun: str) -> bool:
    """Move the slow part of `create_id` to workers behind a queue when the task's figures
    say one item takes longer than a request should; True when it did."""
    stated = work_time(ctx)
    create = ctx.find_op(create_id)
    if stated is None or create is None:
        return False
    verb = work_verb(ctx.text, stated.sentence)
    seconds = stated.value
    queue = ctx.queue(f"{noun}_queue", f"{noun}s waiting to be {_past(verb)} by the workers")
    api = ctx.api_call(create_id)
    if api is not None:
        api.calls.append(
            ctx.enqueue(
                queue,
                f"the work takes {Duration(seconds)} per {noun}: the request answers with the "
                f"{noun}'s id and the client reads the result when it is ready",
                on_failure="fail_open",
                fallback=f"the {noun} is saved as pending; a periodic sweep re-enqueues "
                f"{noun}s still pending after a minute",
            )
        )
    worker = ctx.comp("worker")
    worker.work[verb] = {
        "lognormal": {"p50": str(Duration(seconds)), "p99": str(Duration(seconds * 3))}
    }
    worker.work_notes[verb] = (
        f'the task\'s "{stated.describe()}" as p50 (p99 assumed 3×), one {noun} at a time'
    )
    ctx.job(
        f"{verb}_{noun}",
        queue,
        verb,
        [ctx.db("write", f"the {noun}'s result and status → done")],
        description=f"{verb.capitalize()} one {noun} and record its result",
        pattern="crud",
        idempotency_key=f"the {noun} id: a redelivered {noun} overwrites its own result",
    )
    ctx.decide(
        "slow-work",
        f"{noun.capitalize()}s {_past(verb)} by workers behind a queue",
        f"the API stores the {noun} and enqueues it; a worker pool {verb}s it and records "
        "the result, which the client reads",
        Principle.OP,
        f'the task says "{stated.describe()}": holding an API worker that long per request '
        f"would starve the request pool; workers are sized by {Duration(seconds)} {article(noun)}",
        f"{verb}_{noun}",
    )
    ctx.use_cases.append(f"{verb.capitalize()} {noun}s in the background")
    ctx.ledger.ask(
        f"Is each {noun} {_past(verb)} in isolation (a sandbox, resource limits), and what "
        "happens to one that runs too long?"
    )
    return True


def _past(verb: str) -> str:
    irregular = {"run": "run", "judge": "judged", "grade": "graded", "compute": "computed"}
    if verb in irregular:
        return irregular[verb]
    return verb + ("d" if verb.endswith("e") else "ed")
