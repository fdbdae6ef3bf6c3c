"""One availability model (passes/lower/availability.py), read by analyze and simulate alike.

- retries do not buy availability: an outage outlasts them;
- a job fed by a durable queue is delayed by an outage, not failed;
- a simulation without faults injects no random errors from availability;
- a fault drill fails the same share of each operation's requests as the analytic failure
  mode says (the f_X of A = Π (1 − U_X · f_X)).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from archproof import load, load_text, run
from archproof.model import Fault
from archproof.passes.capacity import CapacityResult
from archproof.passes.lower.availability import unavailability
from archproof.passes.simulate.design_run import simulate_design

ROOT = Path(__file__).resolve().parents[1]

PARTNER = """
meta: {name: partner}
components:
  api: {kind: service, tech: stateless-service, replicas: 2, availability: 99.9%}
  partner: {kind: external, availability: 99.5%, work: {quote: 50ms}}
  jobs: {kind: queue, tech: sqs}
  mailer: {kind: worker, tech: worker, replicas: 1, availability: 99%}
operations:
  quote:
    rate: 50/s
    calls:
      - api.handle:
          calls:
            - {call: partner.quote, timeout: 1s, retries: {count: 3, backoff: 10ms}}
            - {call: jobs.enqueue, async: true}
  notify: {consumes: jobs, calls: [mailer.send: 5ms]}
"""


def _capacity(text: str) -> CapacityResult:
    found = run(load_text(text, "partner.yaml"), passes=("capacity",)).get(
        "capacity", CapacityResult
    )
    assert found is not None
    return found


def test_unavailability_is_all_instances_down_at_once() -> None:
    assert unavailability(0.99, 1) == pytest.approx(0.01)
    assert unavailability(0.99, 2) == pytest.approx(1e-4)
    assert unavailability(0.99, 0) == 1.0


def test_retries_do_not_buy_availability() -> None:
    cap = _capacity(PARTNER)
    quote = cap.operation("quote")
    # api: 2 replicas at 99.9% → U = 1e-6; partner: one at 99.5% → U = 0.005, retried or not
    assert quote.availability.value == pytest.approx((1 - 1e-6) * (1 - 0.005))
    (edge,) = [e for e in cap.edges_of("quote") if e.callee == "partner"]
    # q is the timeout share only: exponential service, mean 50 ms, timeout 1 s → e^-20
    assert edge.failure_probability.value == pytest.approx(math.exp(-20))
    assert edge.retry_amplification.value == pytest.approx(1.0)


def test_a_job_fed_by_a_queue_is_delayed_not_failed() -> None:
    notify = _capacity(PARTNER).operation("notify")
    assert notify.availability.value == 1.0
    assert "redelivered" in notify.availability.formula
    assert notify.availability.inputs["share of time delayed"] == pytest.approx(0.01)


def test_no_fault_no_random_errors() -> None:
    sim = simulate_design(load_text(PARTNER, "partner.yaml"), n_requests=5_000, seed=1)
    assert all(o.errors == 0 for r in sim.runs for o in r.operations)


@pytest.mark.parametrize("name", ["url_shortener", "payments"])
def test_a_drill_fails_the_share_the_failure_mode_predicts(name: str) -> None:
    design = load(ROOT / "examples" / f"{name}.yaml")
    cap = run(design, passes=("capacity",)).get("capacity", CapacityResult)
    assert cap is not None
    checked = 0
    for mode in cap.failures:
        if not mode.fail_share:
            continue
        down = Fault(component=mode.component, kind="down")
        sim = simulate_design(design, n_requests=10_000, seed=2, faults=(down,), load=0.2)
        for o in sim.runs[0].operations:
            if o.arrived < 200:
                continue
            predicted = mode.fail_share.get(o.name, 0.0)
            observed = o.errors / o.arrived
            # binomial 99.9% band around the prediction, at least one point of share
            band = max(0.01, 3.3 * math.sqrt(max(predicted * (1 - predicted), 1e-4) / o.arrived))
            assert abs(observed - predicted) <= band, (mode.component, o.name)
            checked += 1
    assert checked >= 5


POLLS = """
meta: {name: polls}
requirements: {load: {peak_factor: 3}}
components:
  sched: {kind: worker, tech: worker, replicas: 1}
  due: {kind: queue, tech: sqs}
  fetch: {kind: worker, tech: worker, replicas: 4}
operations:
  schedule: {rate: 100/s, arrivals: flat, sync: false,
             calls: [{sched.tick: {calls: [{call: due.enqueue, async: true}]}}]}
  poll: {consumes: due, calls: [fetch.get: 5ms]}
  browse: {rate: 100/s, calls: [fetch.get: 5ms]}
"""


def test_work_a_timer_starts_arrives_flat_and_so_do_the_jobs_it_feeds() -> None:
    """Scheduled polling is flat, not diurnal: no peak factor on it or on its jobs, with
    the reason in the rate's derivation; a diurnal operation beside it is still peaked."""
    from archproof.passes.lower import lower

    model = lower(load_text(POLLS, "polls.yaml"))
    schedule, poll, browse = (model.rate(o) for o in ("schedule", "poll", "browse"))
    assert schedule.peak == schedule.average == 100
    assert "flat" in schedule.derivation and "no peak factor" in schedule.derivation
    assert poll.peak == pytest.approx(100)
    assert browse.peak == pytest.approx(300)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.998999, "99.899%"),  # misses 99.9%: was printed "99.9%" beside "violated"
        (0.9999999999, "99.999999%"),  # was "100%"
        (0.99999975, "99.999975%"),
        (0.999, "99.9%"),
        (0.9995, "99.95%"),
        (0.99953, "99.953%"),
    ],
)
def test_an_availability_is_printed_rounded_down(value: float, shown: str) -> None:
    """Found on the lab-reports draft: `analyze` printed create_report's availability as
    99.9% and the SLO 99.9% as violated; a printed availability is one the design reaches."""
    from archproof.numbers import nines

    assert nines(value) == shown


BURSTS = POLLS.replace(
    "  browse: {rate: 100/s, calls: [fetch.get: 5ms]}",
    "  browse: {rate: 100/s, calls: [fetch.get: 5ms]}\n"
    "  ingest: {rate: 100/s, arrivals: flat, peak: 600/s, calls: [fetch.get: 5ms]}\n"
    "  report: {rate: 10/s, peak: 50/s, calls: [fetch.get: 5ms]}",
)


def test_an_operations_stated_peak_is_its_peak() -> None:
    """A burst the task states for one operation (`peak:`, fresh9's meter readings: 80% in
    the first 2 minutes) is its peak, flat or diurnal, not rate × the peak factor; the
    others keep theirs."""
    from archproof.passes.lower import lower

    model = lower(load_text(BURSTS, "bursts.yaml"))
    ingest, report, browse = (model.rate(o) for o in ("ingest", "report", "browse"))
    assert (ingest.average, ingest.peak) == (100, 600)
    assert (report.average, report.peak) == (10, 50)
    assert "as stated" in ingest.derivation
    assert browse.peak == pytest.approx(300)
