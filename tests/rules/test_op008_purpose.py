"""OP008 and the step a request exists for (review corpus OP-07): a card charge whose p99
fits inside the SLO is not the reason the SLO is missed when a saturated tier is; OP006 and
OP009 say where the time goes."""

from __future__ import annotations

from archproof.frontends.yaml_loader import load_text
from archproof.passes.review import ReviewResult
from archproof.pipeline import run

DESIGN = """\
meta: {name: op008-purpose}
components:
  api:
    {kind: service, tech: stateless-service, replicas: 1, concurrency: CONC, work: {handle: 20ms}}
  db: {kind: database, tech: postgresql, read_replicas: 1, recovery: PITR}
  psp: {kind: external, tech: external-api, work: {charge: {lognormal: {p50: 600ms, p99: 2500ms}}}}
operations:
  checkout:
    rate: 20/s
    critical: true
    idempotency_key: cart id
    slo: {p99: 3.5s}
    calls:
      - call: api.handle
        timeout: 10s
        calls:
          - {call: db.write, timeout: 200ms, on_failure: fail_closed, idempotent: true}
          - {call: psp.charge, timeout: 4s, on_failure: fail_closed, idempotent: true}
"""


def _codes(concurrency: int) -> set[str]:
    text = DESIGN.replace("CONC", str(concurrency))
    review = run(load_text(text, "op008.yaml")).get(ReviewResult)
    assert review is not None
    return {f.code for f in review.findings if not f.is_accepted}


def test_a_charge_that_fits_the_slo_is_not_blamed_for_a_saturated_tier() -> None:
    assert "OP008" not in _codes(64)  # the SLO is met: sized for the charge
    starved = _codes(8)  # 20/s × ~1 s held on 8 workers: api saturates, the SLO is missed
    assert "OP006" in starved
    assert "OP008" not in starved
