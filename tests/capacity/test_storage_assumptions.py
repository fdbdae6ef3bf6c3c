"""Storage by hand, and checkable assumptions confirmed / refuted."""

from __future__ import annotations

import pytest

from .conftest import capacity

STORE = """
meta: {name: storage}
requirements:
  data: {retention: 10d}
  assumptions:
    - id: A1
      statement: db stays under 30%
      check: {metric: utilization, component: db, max: 30%}
    - id: A2
      statement: reads are fast
      check: {metric: p99, operation: get, max: 1ms}
    - id: A3
      statement: links fit in 1GB
      check: {metric: storage, entity: Link, max: 1GB}
    - id: A4
      statement: someone measured it
components:
  db: {kind: database, replicas: 1, concurrency: 10, work: {read: 2ms}}
operations:
  get: {rate: 100/s, calls: [db.read]}
entities:
  Link:
    stored_in: db
    key: [code]
    fields: {code: str(8), url: str(200), created: datetime, hits: bigint}
    rows: 1000
    growth: 100/day
    indexes: [[created]]
    access_patterns:
      - {id: by_code, by: [code], operation: get}
"""


def test_storage_by_hand() -> None:
    r = capacity(STORE)
    (link,) = r.storage.entities
    rows = 1000 + 100 * 10
    row = 4 + 100 + 8 + 8 + 28  # str(8)/2 + str(200)/2 + datetime + bigint + overhead
    assert link.rows.value == pytest.approx(rows)
    assert link.row_bytes.value == pytest.approx(row)
    assert link.data_bytes.value == pytest.approx(rows * row)
    pk, created = link.indexes
    assert pk.size.value == pytest.approx(rows * (4 + 16) / 0.7)
    assert created.size.value == pytest.approx(rows * (8 + 16) / 0.7)
    assert link.ingress_per_day.value == pytest.approx(100 * row)
    assert link.egress_per_day.value == pytest.approx(100 * 86_400 * row)


def test_assumptions() -> None:
    r = capacity(STORE)
    verdicts = {a.id: a.status for a in r.assumptions}
    assert verdicts == {"A1": "confirmed", "A2": "refuted", "A3": "confirmed", "A4": "unchecked"}
    a1 = r.assumptions[0]
    assert a1.figure is not None and a1.figure.value == pytest.approx(100 * 0.002 / 10)
