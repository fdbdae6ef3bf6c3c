"""The offline drafter on varied tasks: every draft loads; numbers are read exactly; the
components and decisions follow from the numbers and the framework."""

from __future__ import annotations

import os
import time
from fractions import Fraction
from pathlib import Path

import pytest

from archproof.catalog import load_catalog
from archproof.frontends.draft import Draft, draft
from archproof.frontends.draft.sizing import pct
from archproof.frontends.yaml_loader import load_text
from archproof.model import CallNode, Design, Operation, Principle, walk_calls
from archproof.model.principles import DECISION_PRINCIPLES
from archproof.passes.review import ReviewResult
from archproof.units import Duration, Percent

MONTH = 30 * 86_400
DAY = 86_400
TASKS_DIR = Path(__file__).resolve().parents[2] / "examples" / "tasks"


def _req(d: Draft, name: str) -> str:
    found = [r for r in d.requirements if r.name == name]
    assert found, f"no requirement {name!r} in {[r.name for r in d.requirements]}"
    return found[0].value


def _op(design: Design, op_id: str) -> Operation:
    return design.operation(op_id)


def _calls(design: Design, op_id: str) -> list[CallNode]:
    return walk_calls(_op(design, op_id).calls)


def _call(design: Design, op_id: str, target: str) -> CallNode:
    matches = [c for c in _calls(design, op_id) if c.call == target]
    assert matches, f"{op_id} makes no call {target}"
    return matches[0]


def _read_utilization(design: Design) -> tuple[float, float]:
    """Peak read and write utilization of one db node, from the catalog (the same formula
    the drafter states: peak rate × mean held time ÷ concurrency)."""
    db = design.component("db")
    entry = load_catalog().get(db.tech)
    assert entry is not None
    peak = float(design.requirements.load.peak_factor)
    reads = writes = 0.0
    for op in design.operations:
        if op.rate is None:
            continue
        for node in walk_calls(op.calls):
            if node.component != "db":
                continue
            work = entry.work.get(node.work) or entry.work["default"]
            busy = op.rate.per_s_float * float(node.p) * peak * work.mean_s()
            if node.is_write:
                writes += busy
            else:
                reads += busy
    return reads / entry.concurrency, writes / entry.concurrency


# --------------------------------------------------------------------------- every task


ALL_TASKS = {
    **{p.stem: p.read_text("utf-8") for p in sorted(TASKS_DIR.glob("*.txt"))},
    "phrasings": "A URL shortener storing 100 million links per month at 1.5k rps peak "
    "redirects; 3 nines; doubling every year.",
    "read_heavy": "Design a product catalog service with 100 reads per second and 1 write "
    "per second.",
    "missing_numbers": "Build a recipe sharing app where users post recipes and browse "
    "others' recipes.",
    "punctuation": "Design a URL shortener for «１００M links per month» — reads are "
    "１００× writes; the redirect’s p99 must stay under ５０ ms; availability 99.9 %.",
    "empty": "",
    "odd": '??? 42 ::: {not: yaml} # - [ ] "quotes" \\ back\\slash \x00\x07 \u2028',
}


@pytest.fixture(scope="module")
def drafts() -> dict[str, Draft]:
    return {name: draft(text) for name, text in ALL_TASKS.items()}


@pytest.mark.parametrize("name", sorted(ALL_TASKS))
def test_every_draft_loads_and_starts_with_the_schema_line(
    drafts: dict[str, Draft], name: str
) -> None:
    d = drafts[name]
    assert d.yaml.startswith("# yaml-language-server: $schema=")
    design = load_text(d.yaml, f"{name}.yaml")
    assert design.components and design.operations and design.entities
    assert design.meta.kind == d.kind
    assert d.decisions, "every draft states its decisions"
    # every decision names a principle and is written into the file as model data
    for decision in d.decisions:
        assert decision.principle in DECISION_PRINCIPLES
    assert [(x.principle, x.reason) for x in design.decisions] == [
        (x.principle, x.because) for x in d.decisions
    ]
    for written, drafted in zip(design.decisions, d.decisions, strict=True):
        assert written.concerns == ((drafted.element,) if drafted.element else ())
        assert written.choice.endswith(drafted.choice)
    assert "[OB observability first]" in d.yaml


@pytest.mark.parametrize("name", sorted(ALL_TASKS))
def test_every_draft_is_observable_and_guarded(drafts: dict[str, Draft], name: str) -> None:
    design = drafts[name].design
    metrics = {m.operation for m in design.observability.metrics if m.kind == "latency"}
    for op in design.operations:
        assert op.id in metrics
        if op.sync:
            assert op.slo is not None and (op.slo.p99 or op.slo.p95 or op.slo.p50)
        for node in walk_calls(op.calls):
            if node.retries is not None:
                assert node.idempotent, f"{op.id}: retries on a non-idempotent {node.call}"
                assert node.retries.backoff is not None and node.retries.jitter is not None
    assert design.observability.tracing == ("*",)


def test_bundled_tasks_get_no_review_finding_above_info(drafts: dict[str, Draft]) -> None:
    from archproof.pipeline import run

    for path in sorted(TASKS_DIR.glob("*.txt")):
        report = run(drafts[path.stem].design)
        review = report.get(ReviewResult)
        if review is None:
            pytest.skip("review pass not registered")
        findings = [
            f"{f.code} {f.element}: {f.message}"
            for f in review.active()  # type: ignore[attr-defined]
            if f.severity.rank >= 2
        ]
        if path.stem == "payments":
            # The task's 2 s p99 is the PSP's own catalog p99: the whole payment is over it
            # by the capacity pass (2.01 s since d4de286 gave the PSP's tail its real
            # weight; it read 1.9 s when a call cut at its timeout was taken as
            # exponential). A true conflict, which the draft asks about; said, not hidden.
            assert any(
                "create_payment" in q and "target" in q for q in drafts["payments"].open_questions
            )
            findings = [f for f in findings if not f.startswith("OP009 operation:create_payment")]
        assert findings == [], path.name


# --------------------------------------------------------------------------- per task


def test_url_shortener_numbers_decide_replicas_cache_and_storage(
    drafts: dict[str, Draft],
) -> None:
    d = drafts["url_shortener"]
    design = d.design
    assert d.patterns[0] == "shortener"
    assert _op(design, "create_link").rate.per_second == Fraction(10**8, MONTH)  # type: ignore[union-attr]
    assert _op(design, "resolve_link").rate.per_second == Fraction(10**10, MONTH)  # type: ignore[union-attr]
    assert _req(d, "reads per write") == "100:1"
    assert _op(design, "resolve_link").slo.p99 == Duration(Fraction(1, 20))  # type: ignore[union-attr]
    assert design.requirements.data.retention == Duration(Fraction(5 * 365 * DAY))
    assert design.requirements.slos.availability == Percent(Fraction(999, 1000))
    # The numbers justify what is added: replicas for load only above 50% of a node, a
    # cache only when more than 3 replicas would be needed. A hot standby is always there
    # (review FH008), whatever the load; it adds no capacity.
    u_read, u_write = _read_utilization(design)
    db = design.component("db")
    replicas = d.decision("db-replicas")
    assert replicas is not None
    assert (not replicas.choice.startswith("none")) == (u_read + u_write > 0.5)
    assert db.standby == 1 and d.decision("db-standby") is not None
    has_cache = "cache" in design.component_map
    assert has_cache == (replicas.choice.startswith("none") and u_read / 0.5 > 3)
    # The reason states the rule it sized by, not the drafter's own estimate of the load
    # (issue 13, one source: `archproof analyze` prints the pool's ρ).
    assert replicas is not None and "under 50%" in replicas.because
    assert pct(u_read) not in replicas.because and "archproof analyze" in replicas.because
    cache = d.decision("cache")
    assert cache is not None and cache.principle == Principle.CA
    # 100M/month × 5 years × 500B = 3.04 TB > 2 TB: partition
    storage = d.decision("storage")
    assert storage is not None and storage.choice.startswith("partition")
    assert "3.04TB" in storage.because
    assert design.requirements.data.total is not None


def test_read_heavy_at_100_reads_per_second_has_no_cache_and_no_replicas(
    drafts: dict[str, Draft],
) -> None:
    d = drafts["read_heavy"]
    design = d.design
    assert _req(d, "reads") == "100/s"
    assert _req(d, "writes") == "1/s"
    assert "cache" not in design.component_map
    assert design.component("db").read_replicas == 0  # not for load at 100 reads/s
    assert design.component("db").standby == 1  # the standby (review FH008)
    assert d.decision("db-replicas").choice.startswith("none")  # type: ignore[union-attr]
    decision = d.decision("cache")
    assert decision is not None and decision.choice == "no cache"


def test_payments_are_idempotent_critical_and_fail_closed(drafts: dict[str, Draft]) -> None:
    d = drafts["payments"]
    design = d.design
    create = _op(design, "create_payment")
    assert create.rate is not None and create.rate.per_second == Fraction(10_000, DAY)
    assert create.critical and create.idempotency_key
    assert create.slo is not None and create.slo.p99 == Duration(Fraction(2))
    assert design.requirements.slos.availability == Percent(Fraction(9995, 10000))
    nodes = [n for n in _calls(design, "create_payment") if n.component != "lb"]
    assert nodes and all(n.on_failure == "fail_closed" for n in nodes)
    charge = _call(design, "create_payment", "psp.charge")
    assert charge.breaker is not None and charge.timeout is not None
    assert charge.idempotent
    # a retry only where it fits the p99 budget: 2 s target, 2 s timeout → no retry, said so
    assert charge.retries is None and "no retry" in (charge.rationale or "")
    payment = design.entity_map["Payment"]
    assert payment.states == ("pending", "authorized", "captured", "failed", "refunded")
    assert payment.transitions["pending"] == ("authorized", "failed")
    assert any(i.unique and i.columns == ("idempotency_key",) for i in payment.indexes)
    assert d.decision("payments-exactly-once") is not None


def test_chat_persists_then_delivers_in_the_background(drafts: dict[str, Draft]) -> None:
    d = drafts["chat"]
    design = d.design
    assert design.requirements.load.daily_active_users is not None
    assert design.requirements.load.daily_active_users.value == 50_000_000
    send = _op(design, "send_message")
    assert send.rate is not None and send.rate.per_second == Fraction(2 * 10**9, DAY)
    assert send.slo is not None and send.slo.p99 == Duration(Fraction(1, 5))
    enqueue = _call(design, "send_message", "delivery_queue.enqueue")
    assert enqueue.async_
    assert _op(design, "deliver_message").consumes == "delivery_queue"
    # 69k writes/s at peak need 316% of one primary: the store is sharded by conversation,
    # each shard with a hot standby (99.99% cannot be met by one node at 99.95%)
    db = design.component("db")
    assert db.replicas is not None and db.replicas >= 4
    writes = d.decision("db-writes")
    assert writes is not None and "conversation_id" in writes.choice
    assert d.decision("db-ha") is not None
    message = design.entity_map["Message"]
    assert ("conversation_id", "created_at") in [i.columns for i in message.indexes]


def test_news_feed_fans_out_in_a_worker(drafts: dict[str, Draft]) -> None:
    d = drafts["news_feed"]
    design = d.design
    assert _req(d, "followers per user") == "200"
    post = _op(design, "create_post")
    assert post.rate is not None and post.rate.per_second == Fraction(50 * 10**6, DAY)
    assert _op(design, "fan_out_post").consumes == "fanout_queue"
    feed = _op(design, "get_feed")
    assert feed.slo is not None and feed.slo.p99 == Duration(Fraction(3, 10))
    assert ("user_id", "created_at") in [i.columns for i in design.entity_map["FeedItem"].indexes]
    assert ("followee_id",) in [i.columns for i in design.entity_map["Follow"].indexes]


def test_media_uploads_go_direct_and_processing_is_a_job(drafts: dict[str, Draft]) -> None:
    d = drafts["media_upload"]
    design = d.design
    assert _req(d, "item size") == "5MB"
    assert _op(design, "request_upload").rate.per_second == Fraction(10**7, DAY)  # type: ignore[union-attr]
    assert _op(design, "download_media").rate.per_second == Fraction(10**9, DAY)  # type: ignore[union-attr]
    assert _op(design, "process_media").consumes == "media_queue"
    assert design.component("blobs").kind.value == "object_store"
    # 1B views/day × 3 × 5MB ≈ 1.7 Tbit/s: far above 1 Gbit/s, so a CDN
    assert "cdn" in design.component_map
    assert d.decision("media-direct-upload") is not None


def test_ride_sharing_moves_positions_to_memory_by_the_numbers(drafts: dict[str, Draft]) -> None:
    d = drafts["ride_sharing"]
    design = d.design
    update = _op(design, "update_location")
    # "1M drivers send their location every 4 seconds": all of them sending is the most
    # they can, 250k/s, the peak (it was the average, × 3 = 750k/s at peak: more than 1M
    # drivers can send)
    factor = design.requirements.load.peak_factor
    assert update.rate is not None and update.rate.per_second * factor == 250_000
    decision = d.decision("location-store")
    assert decision is not None and "Redis" in decision.choice
    assert design.component("locations").tech == "redis"
    assert design.entity_map["DriverLocation"].stored_in == "locations"
    ride = _op(design, "request_ride")
    assert ride.slo is not None and ride.slo.p99 == Duration(Fraction(2))


def test_autocomplete_is_a_precomputed_prefix_lookup(drafts: dict[str, Draft]) -> None:
    design = drafts["autocomplete"].design
    suggest = _op(design, "suggest")
    assert suggest.rate is not None and suggest.rate.per_second == 1500
    assert suggest.slo is not None and suggest.slo.p95 == Duration(Fraction(1, 10))
    assert design.entity_map["Suggestion"].key == ("prefix",)
    assert _op(design, "rebuild_suggestions").sync is False


def test_rate_limiter_counters_fail_open(drafts: dict[str, Draft]) -> None:
    d = drafts["rate_limiter"]
    design = d.design
    handle = _op(design, "check_limit")
    assert handle.rate is not None and handle.rate.per_second == 50_000
    check = next(n for n in _calls(design, "check_limit") if n.work == "incr")
    assert check.on_failure == "fail_open" and check.fallback
    # 150k checks/s at peak are far above 25% of one database node: Redis
    assert design.component(check.component).tech == "redis"
    decision = d.decision("rate-limit-store")
    assert decision is not None and "Redis" in decision.choice


def test_notifications_are_sent_by_guarded_background_jobs(drafts: dict[str, Draft]) -> None:
    design = drafts["notifications"].design
    send = _op(design, "send_notification")
    assert send.rate is not None and send.rate.per_second == Fraction(10**7, DAY)
    provider = _call(design, "deliver_notification", "provider.send")
    assert provider.breaker is not None and provider.timeout is not None
    assert provider.retries is not None and provider.idempotent
    assert _op(design, "deliver_notification").consumes == "notify_queue"


def test_analytics_uses_an_event_hub_only_at_high_volume(drafts: dict[str, Draft]) -> None:
    d = drafts["analytics"]
    design = d.design
    assert _op(design, "track_event").rate.per_second == 100_000  # type: ignore[union-attr]
    assert design.component("events").tech == "kafka"
    event = design.events[0]
    assert event.hub == "events" and not event.time_sensitive
    assert design.requirements.data.retention == Duration(Fraction(30 * DAY))
    publish = _call(design, "track_event", "events.enqueue")
    assert publish.async_ and publish.on_failure == "fail_open"


def test_low_volume_events_use_a_plain_queue() -> None:
    d = draft("Design a blog with click analytics: 1,000 page views per day.")
    hub = d.design.component("events")
    assert hub.tech != "kafka"
    decision = d.decision("events-hub")
    assert decision is not None and "no event hub" in decision.choice


def test_lru_cache_is_a_coding_task(drafts: dict[str, Draft]) -> None:
    d = drafts["lru_cache"]
    design = d.design
    assert d.kind == "coding" and design.meta.kind == "coding"
    assert {op.id for op in design.operations} == {"get", "put"}
    assert [c.id for c in design.components] == ["lib"]
    # The cache itself is the LRUCache Protocol (generic in K, V); its entity is the config.
    assert "CacheConfig" in design.entity_map
    get = design.operation("get").signature
    assert get is not None and get.owner == "LRUCache" and get.returns == "V | None"
    decision = d.decision("data-structure")
    assert decision is not None and "OrderedDict" in decision.choice


@pytest.mark.parametrize(
    ("task", "kind"),
    [
        # a product named as the model ("like LeetCode") with a stated load is a system: the
        # fresh exercise judge-plain was drafted as a one-function library
        (
            "Design an online coding judge like LeetCode. 2 million registered users, up to "
            "50k submissions per hour at peak during contests.",
            "system",
        ),
        ("Implement a rate limiter library: 100 requests per minute per key.", "coding"),
        ("Write a function that rate-limits calls: 10 calls per second per user.", "coding"),
    ],
)
def test_a_stated_load_makes_a_system_task(task: str, kind: str) -> None:
    assert draft(task).kind == kind


def test_vague_task_gets_a_generic_design_and_specific_questions(
    drafts: dict[str, Draft],
) -> None:
    d = drafts["startup"]
    assert d.patterns == ("crud",)
    assert len(d.open_questions) >= 8
    assert any("core use case" in q for q in d.open_questions)
    ids = {a.id for a in d.design.requirements.assumptions}
    assert {"dau", "requests-per-dau", "peak-factor", "read-write-ratio"} <= ids


def test_missing_numbers_are_assumed_with_their_derivation(drafts: dict[str, Draft]) -> None:
    d = drafts["missing_numbers"]
    assert "Recipe" in d.design.entity_map
    sources = {r.name: r.source for r in d.requirements}
    assert sources["daily active users"] == "assumed"
    assert sources["requests"] == "assumed"
    assert sources["reads"] == "derived"
    requests = next(a for a in d.design.requirements.assumptions if a.id == "requests-per-dau")
    assert requests.source is not None and "10 requests per DAU per day" in requests.source
    # 10k DAU × 10 per day = 100k/day, split 10:1 (written to 3 significant figures: a
    # derived rate is never printed as a raw fraction, issue 13)
    rate = _op(d.design, "create_recipe").rate
    assert rate is not None
    assert float(rate.per_second) == pytest.approx(100_000 / (11 * DAY), rel=1e-3)


def test_other_phrasings(drafts: dict[str, Draft]) -> None:
    d = drafts["phrasings"]
    design = d.design
    assert _op(design, "create_link").rate.per_second == Fraction(10**8, MONTH)  # type: ignore[union-attr]
    assert design.requirements.slos.availability == Percent(Fraction(999, 1000))
    assert design.requirements.load.growth_per_year == Percent(Fraction(1))
    assert _req(d, "reads") == "1.5k/s (peak)"  # a peak figure, averaged by ÷ 3
    assert _op(design, "resolve_link").rate.per_second == 500  # type: ignore[union-attr]


def test_non_english_punctuation_and_full_width_digits(drafts: dict[str, Draft]) -> None:
    d = drafts["punctuation"]
    design = d.design
    assert _op(design, "create_link").rate.per_second == Fraction(10**8, MONTH)  # type: ignore[union-attr]
    assert _op(design, "resolve_link").rate.per_second == Fraction(10**10, MONTH)  # type: ignore[union-attr]
    assert _op(design, "resolve_link").slo.p99 == Duration(Fraction(1, 20))  # type: ignore[union-attr]
    assert design.requirements.slos.availability == Percent(Fraction(999, 1000))
    assert "«" not in (design.meta.task or "")


def _long_task() -> str:
    head = (
        "Design a URL shortener: 100M new links a month, reads 10x writes, "
        "p99 redirect under 50ms. "
    )
    filler = (
        "The product team wants a pleasant, friendly experience for everyone who uses "
        "it, on phones and on laptops alike, in every country we sell to. "
    )
    words = len(head.split())
    parts = [head]
    while words < 5000:
        parts.append(filler)
        words += len(filler.split())
    return "".join(parts)


def test_a_5000_word_task_is_drafted_whole() -> None:
    task = _long_task()
    d = draft(task)
    assert _op(d.design, "create_link").rate.per_second == Fraction(10**8, MONTH)  # type: ignore[union-attr]
    assert len(d.yaml) < 100_000 + len(task) * 2


# timed, so opt-in like the simulator's timing checks (ARCHPROOF_SLOW=1): machines are noisy
@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("ARCHPROOF_SLOW") != "1", reason="timed: ARCHPROOF_SLOW=1")
def test_a_5000_word_task_is_drafted_quickly() -> None:
    task = _long_task()
    start = time.perf_counter()
    draft(task)
    # 0.28 s of CPU on an idle 2-core machine; 5 s failed once under a load average of 5
    assert time.perf_counter() - start < 5


def test_empty_and_odd_text_never_crash(drafts: dict[str, Draft]) -> None:
    for name in ("empty", "odd"):
        d = drafts[name]
        assert d.design.operations
        assert d.open_questions


def test_an_unknown_coding_task_drafts_typed_fields_and_asks_for_them() -> None:
    """Outsider try (a lending-library API read as coding): the placeholder entity was
    `value: json`, which the draft's own review flagged (DS001, a warning)."""
    from test_corpus import clean_problems

    d = draft("Design a library management system API in Python: members borrow up to 5 "
              "books, 20k books.")  # fmt: skip
    assert d.kind == "coding"
    assert clean_problems(d) == []
    assert any("fields" in q for q in d.open_questions)


@pytest.mark.parametrize(
    ("task", "said"),
    [
        # a stated zero sizes nothing: the draft was an internal error ('send_message has a
        # zero rate', exit 3) or its analysis divided by a 0 ms target
        ("Design a chat with 0 users and 0 messages per day", "0 messages per day"),
        ("A queue. 3.5M msgs/s. p99 < 0 ms.", "0 ms"),
    ],
)
def test_a_stated_zero_is_asked_about_not_drafted(task: str, said: str) -> None:
    d = draft(task)
    assert all(o.rate is None or o.rate.per_second > 0 for o in d.design.operations)
    assert all(
        o.slo is None or o.slo.p99 is None or o.slo.p99.seconds > 0 for o in d.design.operations
    )
    assert any(said in q for q in d.open_questions), d.open_questions


def test_a_share_of_a_days_rate_within_a_window_is_its_peak() -> None:
    """fresh10's refills: '90,000 refill requests a day, 70% of them arrive within 4 hours
    in the morning' drafted an assumed 3× peak. Written first: 90,000 × 70% ÷ 4 h =
    4.375/s at peak over the 1.042/s average, a factor of 4.2."""
    d = draft(
        "Prescription refill service for a pharmacy chain: about 90,000 refill requests a "
        "day, 70% of them arrive within 4 hours in the morning."
    )
    rows = {r.name: (r.value, r.source) for r in d.requirements}
    assert rows["peak factor"] == ("4.2×", "derived"), rows
