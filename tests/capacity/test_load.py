"""Load propagation, retry amplification, read/write split and holding times, by hand."""

from __future__ import annotations

import math

import pytest

from .conftest import capacity, design

ASYNC = """
meta: {name: async}
requirements:
  load: {peak_factor: 2}
components:
  api: {kind: service, replicas: 2, concurrency: 10, work: {handle: 1ms}}
  q: {kind: queue, replicas: 1, concurrency: 8, work: {enqueue: 1ms}}
  worker: {kind: worker, replicas: 1, concurrency: 4, work: {process: 5ms}}
operations:
  submit:
    rate: 100/s
    calls:
      - api.handle:
          calls:
            - one_of:
                - {p: 30%, calls: [{q.enqueue: {async: true, times: 2}}]}
                - {p: 70%, calls: []}
  drain:
    consumes: q
    sync: false
    calls:
      - {worker.process: {p: 50%}}
"""


def test_one_of_and_async_feed_the_consumer() -> None:
    r = capacity(ASYNC)
    # peak = 100/s × 2; enqueued = 200 × 0.3 (branch) × 2 (times) = 120 msg/s
    assert r.component("q").arrival_rate.value == pytest.approx(120.0)
    drain = r.operation("drain")
    assert drain.rate_peak.value == pytest.approx(120.0)
    assert drain.rate_average.value == pytest.approx(60.0)
    # the consumer calls worker.process with p = 0.5 → 60/s
    assert r.component("worker").arrival_rate.value == pytest.approx(60.0)
    # ρ(worker) = 60 × 5ms / (1 × 4)
    assert r.utilization("worker") == pytest.approx(60 * 0.005 / 4)
    # async hand-off adds nothing to the caller's latency: submit = api.handle only
    submit = r.operation("submit")
    assert submit.mean_latency.value == pytest.approx(0.001, rel=1e-3)


RETRY = """
meta: {name: retry}
components:
  api: {kind: service, replicas: 1, concurrency: 50, work: {handle: 1ms}, availability: 100%}
  pay: {kind: external, replicas: 1, concurrency: 100, work: {charge: 10ms},
        availability: 99%}
operations:
  checkout:
    rate: 100/s
    calls:
      - api.handle:
          calls:
            - {pay.charge: {timeout: 10ms, retries: 2}}
"""


def test_retry_amplification_by_hand() -> None:
    r = capacity(RETRY)
    # exponential service, mean 10ms: P(S > 10ms) = e^-1; the replica's 99% availability
    # does not enter: an outage outlasts the retries (passes/lower/availability.py)
    p_timeout = math.exp(-1)
    q = p_timeout
    attempts = 1 + q + q * q
    (edge,) = [e for e in r.edges_of("checkout") if e.callee == "pay"]
    assert edge.timeout_probability.value == pytest.approx(p_timeout)
    assert edge.failure_probability.value == pytest.approx(q)
    assert edge.retry_amplification.value == pytest.approx(attempts)
    assert r.component("pay").arrival_rate.value == pytest.approx(100 * attempts)
    assert "E[attempts]" in edge.retry_amplification.formula


DB = """
meta: {name: db split}
components:
  db: {kind: database, tech: postgresql, replicas: 1, read_replicas: 3, concurrency: 10,
       work: {read: 2ms, write: 4ms}}
operations:
  get: {rate: 400/s, calls: [db.read]}
  put: {rate: 50/s, calls: [db.write]}
"""


def test_reads_spread_writes_on_primary() -> None:
    r = capacity(DB)
    db = r.component("db")
    primary, replicas = db.pool("primary"), db.pool("replicas")
    assert primary is not None and replicas is not None
    # reads over 1 primary + 3 replicas: primary 1/4 of 400, replicas 3/4; writes on primary
    assert primary.arrival_rate.value == pytest.approx(100 + 50)
    assert replicas.arrival_rate.value == pytest.approx(300)
    assert primary.utilization_writes.value == pytest.approx(50 * 0.004 / 10)
    assert primary.utilization_reads.value == pytest.approx(100 * 0.002 / 10)
    assert replicas.utilization.value == pytest.approx(300 * 0.002 / 30)


HOLD = """
meta: {name: holding}
components:
  api: {kind: service, replicas: 1, concurrency: 10, work: {handle: 1ms}}
  db: {kind: database, replicas: 1, concurrency: 100, work: {read: 10ms}}
operations:
  get:
    rate: 500/s
    calls:
      - api.handle:
          calls: [db.read]
"""


def test_caller_holds_its_server_while_waiting() -> None:
    r = capacity(HOLD)
    # db: ρ = 500 × 10ms / 100 = 0.05 (wait ≈ 0); api holds 1ms + 10ms per request
    assert r.utilization("db") == pytest.approx(0.05)
    api = r.component("api")
    assert api.utilization.value == pytest.approx(500 * 0.011 / 10, rel=1e-4)
    (work,) = api.work
    assert work.service_time.value == pytest.approx(0.001)
    assert work.holding_time.value == pytest.approx(0.011, rel=1e-4)


SHARE = """
meta: {name: share}
requirements:
  load: {requests: 1k/s, peak_factor: 3}
components:
  api: {kind: service, replicas: 4, concurrency: 50, work: {a: 1ms, b: 2ms}}
operations:
  a: {share: 80%, calls: [api.a]}
  b: {share: 20%, calls: [{api.b: {times: 3}}]}
"""


def test_shares_peak_factor_and_loops() -> None:
    r = capacity(SHARE)
    assert r.operation("a").rate_peak.value == pytest.approx(2400)
    assert r.operation("b").rate_average.value == pytest.approx(200)
    # b calls api.b three times per request: 600 × 3
    assert r.component("api").arrival_rate.value == pytest.approx(2400 + 1800)
    assert r.utilization("api") == pytest.approx((2400 * 0.001 + 1800 * 0.002) / 200)


SYNC_PUBLISH = """
meta: {name: sync-publish}
components:
  api: {kind: service, replicas: 2, concurrency: 10, work: {handle: 1ms}}
  q: {kind: queue, tech: sqs}
  worker: {kind: worker, replicas: 1, concurrency: 4, work: {send: 5ms}}
operations:
  buy:
    rate: 100/s
    calls:
      - api.handle:
          calls:
            - {q.publish: {timeout: 100ms, on_failure: fail_closed}}   # waits for the ack
  peek:
    rate: 10/s
    calls:
      - q.receive   # a read of the queue puts nothing on it
  send:
    consumes: q
    sync: false
    calls:
      - worker.send
"""


def test_a_synchronous_publish_feeds_the_consumer_in_capacity_and_simulation() -> None:
    """One rule for what enqueues, read by both: the capacity pass's consumer rate and the
    simulator's spawns (a sync `q.publish` once counted for the simulator only, so
    `analyze` showed the consumer idle at 0/s while `simulate` ran it at the publish rate)."""
    from archproof.passes.simulate.compile import compile_design

    r = capacity(SYNC_PUBLISH)
    assert r.operation("send").rate_peak.value == pytest.approx(100.0)  # peak factor 1
    assert r.component("worker").arrival_rate.value == pytest.approx(100.0)
    net = compile_design(design(SYNC_PUBLISH)).network
    names = list(net.op_names)
    send = names.index("send")
    spawners = [int(s) for s in net.nd_spawn if s >= 0]
    assert spawners == [send]  # the publish only, not the read


def test_a_queue_consumer_is_a_background_job_unless_it_says_otherwise() -> None:
    """`sync` defaults to false for an operation that consumes a queue: a job answers no
    user (it defaulted to true, so a consumer written without `sync: false` drew the
    user-facing checks, e.g. FH008 on its lone worker against a target its capacity figure
    meets by redelivery)."""
    text = SYNC_PUBLISH.replace("    sync: false\n", "")
    assert "sync:" not in text
    d = design(text)
    assert d.operation("send").sync is False
    assert d.operation("buy").sync is True
    forced = design(text.replace("    consumes: q\n", "    consumes: q\n    sync: true\n"))
    assert forced.operation("send").sync is True
