"""DB016 for a hot key's writes (review corpus DB-10): the lowering places an entity's own
`hot_key_share` of its store's writes on the one primary holding the key, and guarded writes
run one at a time there. Figures checked against the closed forms in `lower/hot_keys.py`."""

from __future__ import annotations

import pytest

from archproof import load_text
from archproof.passes.lower import lower

DESIGN = """\
meta: {name: hot-writes}
requirements:
  load: {peak_factor: 2}
components:
  api: {kind: service, tech: stateless-service, replicas: 8}
  db: {kind: database, tech: postgresql, replicas: 4, read_replicas: 4, concurrency: 50}
operations:
  vote:
    rate: 500/s
    calls: [api.handle, db.write: {time: 4ms, update: conditional}]
  note:
    rate: 100/s
    calls: [api.handle, db.write: {time: 2ms}]
  show:
    rate: 1k/s
    calls: [api.handle, db.read: {time: 1ms}]
entities:
  Poll:
    stored_in: db
    key: id
    fields: {id: uuid}
    hot_key_share: 20%
    access_patterns: [{id: by_id, by: [id], operation: show}]
"""


def test_the_busiest_keys_writes_land_on_one_primary_and_guarded_ones_serialize() -> None:
    model = lower(load_text(DESIGN))
    reads = next(h for h in model.hot_keys if not h.writes)
    (writes,) = [h for h in model.hot_keys if h.writes]
    assert reads.pattern == "by_id" and writes.pattern is None
    assert writes.copies == 1  # read replicas take no writes
    assert writes.rate == pytest.approx(0.2 * (1000 + 200))  # share × peak writes
    rho_lock = 0.2 * 1000 * 0.004  # guarded writes, one at a time: 0.8
    rho_instance = 0.2 * (1000 * 0.004 + 200 * 0.002) / 50
    assert writes.capacity == pytest.approx(writes.rate / max(rho_lock, rho_instance))
    assert model.pools[writes.pool or 0].label == "db:primary"


def test_unguarded_writes_are_limited_by_the_primary_alone() -> None:
    model = lower(load_text(DESIGN.replace(", update: conditional", "")))
    (writes,) = [h for h in model.hot_keys if h.writes]
    busy = 0.2 * (1000 * 0.004 + 200 * 0.002)
    assert writes.capacity == pytest.approx(writes.rate / (busy / 50))


def test_an_access_patterns_own_share_says_nothing_about_writes() -> None:
    text = DESIGN.replace("    hot_key_share: 20%\n", "").replace(
        "operation: show}", "operation: show, hot_key_share: 20%}"
    )
    assert text != DESIGN
    assert not [h for h in lower(load_text(text)).hot_keys if h.writes]
