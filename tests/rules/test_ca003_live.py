"""CA003 on live data written straight into a cache (presence): the finding names the writes
into the cache and the invalidation the design states, not writes to unrelated stores (the
outsider check's CA-O1 read "no invalidation ... written (send_message: db.write)")."""

from __future__ import annotations

from archproof.frontends.yaml_loader import load_text
from archproof.passes.review import ReviewResult
from archproof.pipeline import run

DESIGN = """\
meta: {name: ca003-live}
components:
  api: {kind: service, tech: stateless-service, replicas: 2}
  db: {kind: database, tech: postgresql, read_replicas: 1, recovery: PITR}
  presence:
    kind: cache
    tech: redis
    cache: {justification: read on every delivery, invalidation: deleted on disconnect}
operations:
  connect:
    rate: 100/s
    calls: [api.handle, {presence.set: {timeout: 50ms, on_failure: fail_open}}]
  send:
    rate: 100/s
    calls: [api.handle, {db.write: {timeout: 100ms, idempotent: true}}]
"""


def test_a_live_cache_names_its_own_writes_and_its_invalidation() -> None:
    review = run(load_text(DESIGN, "ca003.yaml")).get(ReviewResult)
    assert review is not None
    (hit,) = [f for f in review.findings if f.code == "CA003"]
    assert "connect: presence.set" in hit.message
    assert "db.write" not in hit.message
    assert "with an invalidation" in hit.message
