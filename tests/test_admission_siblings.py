"""A component's global rate limit that rejects (`over: reject`, a 429 at once) on a
fail-closed edge ends the request: the calls after it in the same sequence are made only
by the requests it let through. Before, the limit thinned only the calls into it and
below; a sibling after it (here the database write) still got the full rate.

Analytic expectation: 50 req/s arrive, the gate admits 30/s (share 0.6), so the write
after a fail-closed gate runs 30/s (0.6 per request) and after a fail-open one 50/s.
A call made with probability p, n times, ends p·(1 − 0.6ⁿ) of the requests.
"""

from __future__ import annotations

import pytest

from archproof.frontends.yaml_loader import load_text
from archproof.passes.lower import lower
from archproof.passes.lower.admission import ended_share
from archproof.passes.simulate.compile import compile_design
from archproof.passes.simulate.stats import simulate

DESIGN = """
meta: {{name: gate}}
components:
  api: {{kind: service, replicas: 2, concurrency: 16, work: {{handle: 1ms}}}}
  gate:
    kind: service
    replicas: 1
    concurrency: 16
    rate_limit: {{rate: 30/s, per: global, over: {over}}}
    work: {{check: 1ms}}
  db: {{kind: database, replicas: 1, concurrency: 16, work: {{write: 2ms}}}}
operations:
  submit:
    rate: 50/s
    calls:
      - api.handle:
          calls:
            - gate.check: {{on_failure: {on_failure}{extra}}}
            - db.write
"""


def _per_request(over: str, on_failure: str, extra: str = "") -> float:
    model = lower(load_text(DESIGN.format(over=over, on_failure=on_failure, extra=extra)))
    (write,) = [c for c in model.calls if c.component == "db"]
    return write.per_request


def test_a_rejected_fail_closed_call_ends_the_request() -> None:
    assert _per_request("reject", "fail_closed") == pytest.approx(0.6)


def test_a_fail_open_call_or_a_queueing_limit_lets_the_request_go_on() -> None:
    assert _per_request("reject", "fail_open") == pytest.approx(1.0)
    assert _per_request("queue", "fail_closed") == pytest.approx(1.0)


def test_a_call_made_sometimes_and_repeated_ends_its_share() -> None:
    assert ended_share(0.6, 1.0, 1) == pytest.approx(0.4)
    assert ended_share(0.6, 0.5, 2) == pytest.approx(0.5 * (1 - 0.36))
    # made half the time, twice: 1 − 0.5·(1 − 0.36) = 0.68 of the requests write
    assert _per_request("reject", "fail_closed", ", p: 50%, times: 2") == pytest.approx(0.68)


def test_the_simulator_writes_at_the_same_share() -> None:
    design = load_text(DESIGN.format(over="reject", on_failure="fail_closed", extra=""))
    res = simulate(compile_design(design).network, n_requests=20_000, seed=5)
    assert res.station("db").starts / res.op("submit").arrived == pytest.approx(0.6, rel=0.05)
