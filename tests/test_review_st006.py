"""ST006 asks for one database only when the busy one could hold the small feature's tables."""

from __future__ import annotations

from archproof.frontends.yaml_loader import load_text
from archproof.passes.review import ReviewResult
from archproof.pipeline import run

DESIGN = """
meta: {name: limiter}
components:
  api: {kind: service, tech: stateless-service}
  counters: {kind: database, tech: BUSY, recovery: replica}
  db: {kind: database, tech: postgresql, recovery: PITR backups}
operations:
  check:
    rate: 2k/s
    calls:
      - api.handle:
          calls: [counters.incr: {timeout: 20ms}]
  update_limits:
    rate: 1/min
    calls:
      - api.handle:
          calls: [db.write: {timeout: 200ms}]
"""


def _st006(busy: str) -> list[str]:
    report = run(load_text(DESIGN.replace("BUSY", busy), "d.yaml"), passes=("review",))
    review = report.get(ReviewResult)
    assert review is not None
    return [str(f.element) for f in review.findings if f.code == "ST006"]


def test_a_small_feature_beside_a_busy_sql_database_is_reported() -> None:
    assert _st006("mysql") == ["component:db"]


def test_a_small_feature_beside_a_specialised_store_is_not() -> None:
    assert _st006("cassandra") == []
