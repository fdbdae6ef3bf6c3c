"""Failure modes and availability: series components, parallel replicas, fail-open edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import capacity

AVAIL = """
meta: {name: availability}
requirements:
  slos: {availability: 99.9%}
components:
  api: {kind: service, replicas: 2, concurrency: 10, work: {handle: 1ms}, availability: 99%}
  db: {kind: database, replicas: 1, concurrency: 10, work: {read: 2ms}, availability: 99.9%}
  cache: {kind: cache, replicas: 1, concurrency: 10, work: {get: 1ms}, availability: 99%}
  q: {kind: queue, replicas: 1, concurrency: 10, work: {enqueue: 1ms}, availability: 99%}
  worker: {kind: worker, replicas: 1, concurrency: 2, work: {run: 1ms}, availability: 99%}
operations:
  get:
    rate: 100/s
    calls:
      - api.handle:
          calls:
            - {cache.get: {on_failure: fail_open}}
            - db.read
            - {q.enqueue: {async: true}}
  job:
    consumes: q
    sync: false
    calls: [worker.run]
  lookup:
    rate: 100/s
    calls:
      - api.handle:
          calls:
            - one_of:
                - {p: 75%, calls: [cache.get]}
                - {p: 25%, calls: [db.read]}
"""


def test_series_and_parallel_availability_by_hand() -> None:
    r = capacity(AVAIL)
    # api: two replicas in parallel 1 − 0.01² ; db: one instance 0.999 ; cache fails open;
    # the queue is an async hand-off: neither counts
    expected = (1 - 0.01**2) * 0.999
    get = r.operation("get")
    assert get.availability.value == pytest.approx(expected, rel=1e-12)
    assert get.downtime_per_year.value == pytest.approx((1 - expected) * 525_600)
    assert get.check("availability").status == "violated"  # type: ignore[union-attr]
    # lookup: the db is needed on 25% of requests, the cache on 75% (no fail_open)
    lookup = r.operation("lookup").availability.value
    assert lookup == pytest.approx((1 - 0.01**2) * (1 - 0.001 * 0.25) * (1 - 0.01 * 0.75))


def test_failure_modes() -> None:
    r = capacity(AVAIL)
    cache = r.failure("cache")
    assert cache is not None
    assert cache.degrades == ("get",)
    assert cache.fail_share == {"lookup": pytest.approx(0.75)}
    db = r.failure("db")
    assert db is not None and set(db.fails) == {"get", "lookup"} and db.spof
    # get 100/s fails fully, lookup 100/s on 25%, over the 200/s that enter (the job's
    # 100/s is get's work handed to a queue, not traffic of its own)
    assert db.blast_radius.value == pytest.approx((100 + 25) / 200)
    q = r.failure("q")
    assert q is not None and set(q.degrades) == {"get", "job"} and not q.fails
    api = r.failure("api")
    assert api is not None and not api.spof  # two replicas
    worker = r.failure("worker")
    assert worker is not None and worker.fails == ("job",)
    assert worker.blast_radius.value == 0.0  # the job's messages wait in q; no request fails
    assert worker.unaffected == 2  # get and lookup never reach the worker


def test_losing_every_load_balancer_fails_every_request_that_enters() -> None:
    # issue 20 problem 2: the shortener's lb (and api) showed a "50.2%" blast radius because
    # count_clicks, fed by redirect through a queue, was counted as traffic that survives
    examples = Path(__file__).resolve().parents[2] / "examples"
    r = capacity((examples / "url_shortener.yaml").read_text("utf-8"))
    for component in ("lb", "api"):
        mode = r.failure(component)
        assert mode is not None and mode.blast_radius.value == pytest.approx(1.0)
    counter = r.failure("counter")
    assert counter is not None and counter.fails == ("count_clicks",)
    assert counter.blast_radius.value == 0.0


UNKNOWN_PART = """
meta: {name: unknown-part}
requirements:
  slos: {availability: 99.5%}
components:
  api: {kind: service, replicas: 2, concurrency: 10, work: {handle: 1ms}}
  db: {kind: database, tech: postgresql, read_replicas: 1}
  q: {kind: queue, tech: sqs}
operations:
  get:
    rate: 100/s
    calls:
      - api.handle:
          calls:
            - {db.read: {timeout: 100ms, on_failure: fail_closed}}
            - {q.publish: {timeout: 100ms, on_failure: fail_closed}}
"""


def test_an_availability_that_leaves_a_part_out_is_not_called_met() -> None:
    """api gives no availability (no tech, none written): the operation's figure leaves it
    out, so it is an upper bound: it cannot show the 99.5% met (it showed "met" before)."""
    from archproof.passes.capacity.failure import left_out
    from archproof.passes.capacity.status import SloStatus

    r = capacity(UNKNOWN_PART)
    op = r.operation("get")
    assert left_out(op.availability) == "api"
    (check,) = [c for c in op.slo if c.metric == "availability"]
    assert op.availability.value is not None and op.availability.value > 0.995
    assert check.status is SloStatus.UNKNOWN


def test_a_provider_replicated_queue_is_no_single_point_of_failure() -> None:
    """One `instance` of SQS is an account's share of a service AWS replicates (the catalog
    says so): the failure modes call it no SPOF, as review FH008 does not."""
    r = capacity(UNKNOWN_PART)
    q = r.failure("q")
    assert q is not None and q.fails == ("get",)
    assert not q.spof


def test_a_standby_counts_for_availability_never_for_capacity() -> None:
    """db with one hot standby: U = (1 − a)² for reads and writes alike (the standby is
    promoted on failure), no single point of failure, and the same servers and utilization
    as without it (it serves nothing until then)."""
    alone = capacity(AVAIL)
    paired = capacity(
        AVAIL.replace(
            "db: {kind: database, replicas: 1,", "db: {kind: database, replicas: 1, standby: 1,"
        )
    )
    expected = (1 - 0.01**2) * (1 - 0.001**2)
    assert paired.operation("get").availability.value == pytest.approx(expected, rel=1e-12)
    db = paired.failure("db")
    assert db is not None and not db.spof
    assert db.availability.value == pytest.approx(1 - 0.001**2)
    assert db.note == (
        "single primary: writes wait for the failover while a standby is promoted (no "
        "failover time known: give the component `failover:`)"
    )
    before, after = alone.component("db"), paired.component("db")
    assert before is not None and after is not None
    assert after.servers == before.servers
    assert after.utilization.value == pytest.approx(before.utilization.value)


TIMEOUTS = """
meta: {name: timeouts}
components:
  api: {kind: service, replicas: 2, concurrency: 50, work: {handle: 1ms}}
  slow: {kind: external, work: {get: {exponential: 100ms}, opt: {exponential: 100ms}}}
operations:
  get:
    rate: 1/s
    calls:
      - api.handle:
          calls:
            - slow.get: {timeout: 100ms, retries: {count: 1, backoff: 10ms}}
            - slow.opt: {timeout: 100ms, on_failure: fail_open}
            - one_of:
                - {p: 50%, calls: [{slow.get: {timeout: 200ms}}]}
                - {p: 50%, calls: [{slow.opt: {timeout: 10s}}]}
"""


def test_requests_failed_by_timeouts_by_hand() -> None:
    """q = P(S > T) = e^(−T/mean) for an exponential callee; a fail-closed call fails when
    its r + 1 attempts all time out (q^(r+1)); fail-open calls fail nothing; a branch counts
    with its probability. The availability figure (outages) is not changed by them."""
    import math

    r = capacity(TIMEOUTS)
    op = r.operation("get")
    first = math.exp(-1.0) ** 2  # 100 ms timeout on a 100 ms mean, one retry
    # either branch, taken half the time: 200 ms or 10 s timeouts on a 100 ms mean
    branch = 0.5 * math.exp(-2.0) + 0.5 * math.exp(-100.0)
    expected = 1.0 - (1.0 - first) * (1.0 - branch)
    assert op.timeout_failures.value == pytest.approx(expected, rel=1e-12)
    assert op.availability.value == pytest.approx(1.0)  # no availability given: no outages


CDN = """
meta: {name: cdn}
components:
  cdn: {kind: cdn, tech: cdn}
  blobs: {kind: object_store, tech: s3}
operations:
  download:
    rate: 100/s
    calls:
      - cdn.serve:
          calls:
            - {blobs.get: {p: 10%, timeout: 1s, on_failure: fail_closed}}
"""


def test_a_cdn_providers_edge_is_no_single_point_of_failure() -> None:
    """A CDN is a provider's network of edge sites, replicated by the provider as an S3
    bucket is: one `cdn` in a design was called "single point of failure: one instance"
    (an outsider's video site). Its availability is the provider's SLA (99.9%)."""
    r = capacity(CDN)
    cdn = r.failure("cdn")
    assert cdn is not None and cdn.fails == ("download",)
    assert not cdn.spof
    assert cdn.availability.value == pytest.approx(0.999)
