"""Build and release (CI/CD deployment): every commit queued for build workers, artifacts
in an object store for their retention, releases in the database, a rollout worker that
advances each release wave by wave and rolls it back when a wave's error rate passes the
threshold.

A build holds one build machine for its whole duration, so the build workers run one
build each (concurrency 1) and are sized like every other pool, by the capacity math
(rate × build time at peak, `scaling.stateless`). The rollout worker waits on the servers'
deploy agents and on the wave's error rate; the release's time bound, split over its waves,
is each wave's timeout. Rates come from the task: builds from the commits (each one
built), releases from what the task says it releases or deploys.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import (
    no_generic_reads,
    object_storage,
    rate_about,
    stated_average,
    stated_count,
    work_duration,
)
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import nice_duration, rate_text
from archproof.model import Principle
from archproof.numbers import seconds, sig
from archproof.numbers import size as size_text
from archproof.units import Duration, Size

_BUILD_HEADS = frozenset({"commit", "build", "merge", "push", "pipeline"})
_BUILD_VERBS = r"build|built|merg|push|commit"
_RELEASE_HEADS = frozenset({"release", "deploy", "deployment", "rollout", "ship"})
_RELEASE_VERBS = r"releas|deploy|ship|roll(?:s|ed|ing)?\s+out"
_FLEET = frozenset({"server", "host", "machine", "node", "instance", "pod", "vm"})
_WAVE_SENTENCE = r"\bwaves?\b|\bstages?\b|\bphases?\b|\bcanar|\broll(?:s|ed|ing)?[- ]?outs?\b"
_FAILING = r"fail|error|5xx|crash"
_ROLLBACK = r"\broll(?:s|ed|ing)?[- ]?back|\brevert|\babort|\bhalt|\bstop|\bwaves?\b"
_ALL_SERVERS = r"\bthen\s+(?:all|every|the\s+rest)\b|\beverything\b|\bthe\s+rest\b"
# A canary ladder many teams use, when the task states none (assumed).
DEFAULT_WAVES = (Fraction(1), Fraction(10), Fraction(100))
DEFAULT_THRESHOLD = Fraction(1)  # % of requests failing in a wave (assumed)
DEFAULT_BUILD = Fraction(600)  # 10 minutes, when the task gives no build time (assumed)
DEFAULT_ARTIFACT = Fraction(200_000_000)  # bytes, when the task gives no size (assumed)
# The deploy agents pull the artifact and restart the service on a wave's servers in this
# time (assumed); the wave then bakes while its error rate is watched.
AGENT_DEPLOY: dict[str, object] = {"lognormal": {"p50": "2min", "p99": "5min"}}


def _rate(
    ctx: Ctx, found: Quantity | None, name: str, fallback: Callable[[], Fraction], rule: str
) -> tuple[Fraction, str]:
    if found is None:
        value = fallback()
        ctx.ledger.assumed(name, rate_text(value), rule, f"deploy-{name}")
        return value, f"assumed: {rule}"
    rate, note = stated_average(ctx, found)
    ctx.ledger.extracted(name, rate_text(rate), found.describe())
    return rate, note


def build_time(ctx: Ctx) -> Quantity | None:
    """How long a build takes: a duration about the build, else the longest stated in a
    clause about taking or running (`work_duration`)."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "seconds":
            continue
        # "a build takes 10 minutes" (the subject), "15 min per build" (the words after)
        after = ctx.text[q.end : q.end + 25]
        if re.search(r"\bbuild", q.subject, re.IGNORECASE) or re.match(
            r"\s*(?:per|each|for\s+(?:a|an|each|every|one))\s+build", after, re.IGNORECASE
        ):
            return q
    longest = work_duration(ctx)
    return next(
        (
            q
            for q in ctx.load.extracted.reading.placed
            if q.unit == "seconds" and q.value == longest
        ),
        None,
    )


def waves(ctx: Ctx) -> tuple[tuple[Fraction, ...], Quantity | None, bool]:
    """The share of servers each wave reaches (cumulative %), the error threshold that
    rolls a wave back, and whether the waves are the task's (else assumed)."""
    steps: list[Fraction] = []
    threshold: Quantity | None = None
    said_all = False
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "percent":
            continue
        at = q.sentence.find(q.text)
        before = re.split(r"[,;:]", q.sentence[: max(at, 0)])[-1]
        if re.search(_FAILING, f"{q.subject} {before}", re.IGNORECASE):
            if re.search(_ROLLBACK, q.sentence, re.IGNORECASE):
                threshold = threshold or q
            continue
        if not re.search(_WAVE_SENTENCE, q.sentence, re.IGNORECASE):
            continue
        steps.append(q.value)
        # "first one percent, then ten percent, then all of them": the last wave is 100%
        said_all = said_all or re.search(_ALL_SERVERS, q.sentence, re.IGNORECASE) is not None
    if steps and said_all:
        steps.append(Fraction(100))
    ladder = tuple(sorted({s for s in steps if 0 < s <= 100}))
    if len(ladder) < 2:
        return DEFAULT_WAVES, threshold, False
    return ladder, threshold, True


def artifact_size(ctx: Ctx) -> Quantity | None:
    """The size of one build's output: a size whose subject names it, else none."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit == "bytes" and re.search(
            r"artifact|build|image|binary|package|bundle", f"{q.subject} {q.sentence}", re.I
        ):
            return q
    return None


def rollout_bound(ctx: Ctx) -> Quantity | None:
    """How long a release may take to reach every server ("must reach every server within
    thirty minutes"): a duration about the release or the rollout, not the build's."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "seconds" or q.role in ("retention", "expiry"):
            continue
        words = f"{q.subject} {q.sentence}"
        if re.search(r"releas|roll(?:s|ed|ing)?[- ]?out|deploy|reach", words, re.I) and not (
            re.search(r"\bbuild", q.subject, re.I)
        ):
            return q
    return None


def _pct(value: Fraction) -> str:
    return f"{sig(float(value), 3)}%"


def deploy(ctx: Ctx) -> None:
    builds, build_note = _rate(
        ctx,
        rate_about(ctx, _BUILD_HEADS, _BUILD_VERBS),
        "builds",
        lambda: ctx.dau() / 86_400,
        "one commit a day per daily active user",
    )
    releases, release_note = _rate(
        ctx,
        rate_about(ctx, _RELEASE_HEADS, _RELEASE_VERBS),
        "releases",
        lambda: Fraction(10, 86_400),
        "ten releases a day",
    )
    no_generic_reads(ctx, "deploy")
    if "from the task" in build_note:
        build_note += " (every commit is built once)"
    took = build_time(ctx)
    duration = took.value if took is not None else DEFAULT_BUILD
    if took is None:
        ctx.ledger.assumed(
            "build time",
            str(Duration(duration)),
            "a typical CI build",
            "build-time",
            "How long does a build take (typical and longest)? Build workers are sized by it.",
        )
    size_q = artifact_size(ctx)
    size = size_q.value if size_q is not None else DEFAULT_ARTIFACT
    if size_q is None:
        ctx.ledger.assumed("artifact size", size_text(float(size)), "a service image", "artifact")
    ladder, threshold_q, stated_waves = waves(ctx)
    threshold = threshold_q.value if threshold_q is not None else DEFAULT_THRESHOLD
    if not stated_waves:
        ctx.ledger.assumed(
            "release waves",
            ", ".join(_pct(w) for w in ladder),
            "a canary ladder: a few servers, then a tenth, then all",
            "release-waves",
        )
    if threshold_q is None:
        ctx.ledger.assumed(
            "rollback threshold",
            _pct(threshold),
            "requests failing during a wave",
            "rollback-threshold",
            "Which error rate during a wave rolls a release back?",
        )
    fleet = stated_count(ctx, _FLEET)
    bound = rollout_bound(ctx)

    ctx.entity("Build")
    ctx.entity("Release")
    ctx.entity("ReleaseWave")
    artifact = ctx.entity("Artifact")
    artifact.stored_in = "blobs"
    artifact.row_size = str(Size(size))
    ctx.comp("blobs", rationale="build artifacts: large, written once, read by every server")
    object_storage(ctx, builds, size, "artifacts built")
    build_queue = ctx.queue("build_queue", "commits to build, one message per commit")
    rollout_queue = ctx.queue("rollout_queue", "releases to roll out, one message per release")
    builder = ctx.comp(
        "worker",
        "build_worker",
        "build workers: check out, build and test one commit at a time, upload the artifact",
    )
    builder.concurrency = 1  # a build takes the whole machine
    p99 = duration * 2
    builder.work["build"] = {
        "lognormal": {"p50": str(Duration(duration)), "p99": str(Duration(p99))}
    }
    builder.work_notes["build"] = "checkout, compile and test one commit" + (
        f' (the task\'s "{took.describe()}" as p50; p99 twice it, assumed)' if took else ""
    )
    roller = ctx.comp(
        "worker",
        "rollout_worker",
        "rollout workers: advance a release wave by wave, watch each wave's error rate and "
        "roll back on a breach",
    )
    roller.work["advance"] = {"lognormal": {"p50": "20ms", "p99": "200ms"}}
    roller.work_notes["advance"] = "pick the wave's servers and compare its error rate"
    servers = f"the {fleet.describe()}" if fleet is not None else "the servers"
    agents = ctx.external(
        "deploy_agents",
        f"the deploy agents on {servers}: each pulls the artifact and restarts the service",
    )
    metrics = ctx.external("monitoring", "the metrics system: each wave's error rate")
    per_wave = bound.value / len(ladder) if bound is not None else None

    ctx.op(
        OpSpec(
            id="start_build",
            description="POST /builds: a merged commit (from the VCS hook): record a queued "
            "Build and enqueue it",
            pattern="deploy",
            rate=builds,
            rate_note=build_note,
            reads=False,
            idempotency_key="the commit sha (unique): a hook delivered twice queues one build",
            calls=ctx.front(
                "start_build",
                [
                    ctx.db("write", "insert Build(commit_sha, status queued)"),
                    ctx.enqueue(build_queue, "a build takes minutes: build workers take it"),
                ],
            ),
            keywords=("build", "commit", "merge"),
        )
    )
    ctx.op(
        OpSpec(
            id="run_build",
            description="Build and test one commit, upload its artifact, record the result",
            pattern="deploy",
            consumes=build_queue,
            sync=False,
            reads=False,
            idempotency_key="the build id: a redelivered build rebuilds the same commit and "
            "overwrites the same object",
            calls=[
                CallSpec(
                    "build_worker.build",
                    calls=[
                        CallSpec(
                            "blobs.put",
                            idempotent=True,
                            rationale="the artifact under the build id, before the row that "
                            "points at it",
                        ),
                        ctx.db("write", "Build status → succeeded or failed, its artifact key"),
                    ],
                )
            ],
        )
    )
    ctx.op(
        OpSpec(
            id="create_release",
            description="POST /releases: release a built artifact: record the Release and "
            "its waves, enqueue the rollout",
            pattern="deploy",
            rate=releases,
            rate_note=release_note,
            reads=False,
            critical=True,
            idempotency_key="Idempotency-Key header: a retried request starts one release",
            calls=ctx.front(
                "create_release",
                [
                    ctx.db("write", "insert the Release and one ReleaseWave per wave"),
                    ctx.enqueue(rollout_queue, "a rollout takes minutes: the rollout worker"),
                ],
            ),
            keywords=("release", "deploy", "rollout", "ship"),
        )
    )
    waves_n = len(ladder)
    ctx.op(
        OpSpec(
            id="roll_out_release",
            description=f"Roll a release out in {waves_n} waves; roll it back when a wave's "
            f"error rate passes {_pct(threshold)}",
            pattern="deploy",
            consumes=rollout_queue,
            sync=False,
            reads=False,
            idempotency_key="the release id and wave: a redelivered rollout resumes at the "
            "wave the database records",
            calls=[
                CallSpec(
                    "rollout_worker.advance",
                    calls=[
                        ctx.db("read", "the Release and its waves"),
                        CallSpec(
                            f"{agents}.deploy",
                            time=AGENT_DEPLOY,
                            times=waves_n,
                            idempotent=True,
                            timeout=nice_duration(float(per_wave)) if per_wave else None,
                            rationale="each wave's servers pull the artifact and restart; "
                            "deploying the same release twice is a no-op on a server",
                        ),
                        CallSpec(
                            f"{metrics}.error_rate",
                            times=waves_n,
                            idempotent=True,
                            rationale="the wave's error rate after it has baked",
                        ),
                        ctx.db(
                            "write",
                            "ReleaseWave status → passed or failed; on a failure the Release "
                            "→ rolled_back and the reached servers get the previous artifact",
                            times=waves_n,
                        ),
                    ],
                )
            ],
        )
    )
    ctx.access("Build", "build_by_commit", "lookup", ("commit_sha",), None, "start_build")
    ctx.access(
        "ReleaseWave", "waves_of_release", "range", ("release_id",), "wave", "roll_out_release"
    )
    ctx.primary_write = ctx.primary_write or "start_build"
    _decisions(ctx, took, ladder, threshold, fleet, bound, per_wave, size)
    ctx.use_cases += [
        "Build and test every merged commit",
        "Keep each build's artifact for its retention",
        "Release an artifact to the fleet in waves",
        "Roll a release back when a wave fails",
    ]
    ctx.ledger.ask(
        "Are builds cached (dependencies, layers)? It cuts the build time workers are sized by."
    )
    ctx.ledger.ask(
        "Do releases change the database schema? A rollback must leave it readable by the "
        "previous release."
    )
    ctx.ledger.ask("May two releases roll out at once, or does a new one wait (or supersede)?")


def _decisions(
    ctx: Ctx,
    took: Quantity | None,
    ladder: tuple[Fraction, ...],
    threshold: Fraction,
    fleet: Quantity | None,
    bound: Quantity | None,
    per_wave: Fraction | None,
    size: Fraction,
) -> None:
    said = f'"{took.describe()}"' if took is not None else "an assumed build time"
    ctx.decide(
        "deploy-build-queue",
        "Builds through a queue to build workers",
        "each merged commit is queued; build workers take one build each (one per machine)",
        Principle.OP,
        f"a build takes minutes ({said}): it cannot hold a request, and a queue absorbs the "
        "merge peaks; the build workers are sized by the capacity math (builds a "
        "second × build time at peak, one build per worker), see build_worker's replicas",
        "run_build",
    )
    reach = ", ".join(_pct(w) for w in ladder)
    if fleet is not None:
        counts = ", ".join(f"{float(fleet.value * w / 100):,.0f}" for w in ladder)
        reach += f" of the {fleet.describe()} ({counts})"
    ctx.decide(
        "deploy-waves",
        "Releases roll out in waves, rolled back automatically",
        f"waves of {reach}; a wave whose error rate is above {_pct(threshold)} rolls the "
        "release back",
        Principle.FH,
        "a bad release must reach few servers before it is caught: the rollout worker starts "
        "the next wave only after the current one has baked under the threshold, and rolls "
        "back the servers it reached otherwise (the previous artifact is kept)",
        "roll_out_release",
    )
    if bound is not None and per_wave is not None:
        ctx.decide(
            "deploy-wave-budget",
            "A time budget per wave",
            f"each wave gets {seconds(float(per_wave))} to deploy and bake",
            Principle.FH,
            f'the task says "{bound.describe()}": {seconds(float(bound.value))} ÷ '
            f"{len(ladder)} waves = {seconds(float(per_wave))}, the deploy agents' timeout; a "
            "wave over it stops the release as a failure",
            "roll_out_release",
        )
    if fleet is not None:
        total = fleet.value * size
        how = (
            f"{fleet.describe()} × {size_text(float(size))} = {size_text(float(total))} per release"
        )
        if bound is not None:
            how += (
                f", within {seconds(float(bound.value))}: {size_text(float(total / bound.value))}/s"
            )
        ctx.decide(
            "deploy-artifact-fanout",
            "Artifact distribution",
            "servers pull the artifact from the object store, through a per-region cache",
            Principle.CA,
            f"{how} at the last wave; one object read by every server is the hot spot an "
            "object store's per-key limits punish, so each region caches it once",
            "blobs",
        )
