"""Issue 20, problem 3: the growth plan gave advice no one would follow.

It said "stripe replicas 1→17" (an external API is not yours to scale: that is a quota)
and "27 to 67 PostgreSQL read replicas" (past a handful the answer is a cache, sharding or
another store), and the report's Q4.4 and its own growth table disagreed. Each need now
carries the move that fits its limit, one `change` text, shown alike by the terminal,
JSON, the report's growth table and Q4.4.
"""

from __future__ import annotations

import math
from pathlib import Path

from archproof.backends import capacity_tables
from archproof.backends.report import render_markdown
from archproof.frontends.yaml_loader import load_design
from archproof.model.traits import traits
from archproof.passes.capacity import CapacityResult, GrowthAction
from archproof.passes.questions import QuestionsResult
from archproof.pipeline import run
from archproof.policy import MAX_READ_REPLICAS, TARGET_UTILIZATION
from archproof.report import Report

ROOT = Path(__file__).resolve().parents[2]


def _report(name: str) -> Report:
    return run(load_design(ROOT / "examples" / f"{name}.yaml"))


def _capacity(report: Report) -> CapacityResult:
    capacity = report.get(CapacityResult)
    assert capacity is not None
    return capacity


def test_an_external_api_gets_a_quota_not_replicas() -> None:
    report = _report("payments")
    design, capacity = report.design, _capacity(report)
    externals = [
        (step, n)
        for step in capacity.growth
        for n in step.needs
        if traits(design.component(n.component).kind).third_party
    ]
    assert externals, "payments' PSP and e-mail API need more at 2x"
    for step, n in externals:
        assert n.action is GrowthAction.QUOTA
        assert n.change.startswith("quota ") and "replicas" not in n.change
        assert n.move is not None and "quota" in n.move
        # the quota is ⌈a / 0.7⌉ concurrent calls, and the planned ρ is a over that quota
        offered = n.utilization_planned.inputs["offered"]
        quota = n.utilization_planned.inputs["quota"]
        assert isinstance(offered, float) and isinstance(quota, int)
        assert quota == math.ceil(offered / TARGET_UTILIZATION - 1e-9)
        assert f"→{quota:,} concurrent calls" in n.change, (step.label, n.change)
        assert (n.utilization_planned.value or 1.0) <= TARGET_UTILIZATION


def test_read_replicas_past_the_policy_limit_become_a_cache_or_shards() -> None:
    capacity = _capacity(_report("news_feed"))
    db = [n for step in capacity.growth for n in step.needs if n.component == "db"]
    assert db and any(n.read_replicas_needed > MAX_READ_REPLICAS for n in db)
    for n in db:
        if n.read_replicas_needed > MAX_READ_REPLICAS:
            assert n.action is GrowthAction.OFFLOAD_READS
            assert n.move is not None and "cache" in n.move and "shard" in n.move
            assert f"{n.read_replicas_needed} read replicas" in n.change
            assert f"→{n.read_replicas_needed}" not in n.change  # not prescribed as a step
    every = [n for step in capacity.growth for n in step.needs]
    assert not [
        n
        for n in every
        if n.action in (GrowthAction.READ_REPLICAS, GrowthAction.REPLICAS)
        and n.read_replicas_needed > MAX_READ_REPLICAS
    ]


def test_terminal_json_report_and_q44_show_the_same_growth_moves() -> None:
    report = _report("payments")
    capacity = _capacity(report)
    terminal = capacity_tables.tables(capacity)
    growth_rows = next(t for t in terminal if t.title.startswith("Growth plan")).rows
    shown = {(row[0], row[1]): row[2] for row in growth_rows}
    as_json = capacity.to_json()["growth"]
    markdown = render_markdown(report)
    questions = report.get(QuestionsResult)
    assert questions is not None
    q44 = questions.get("Q4.4")
    assert q44 is not None
    for i, step in enumerate(capacity.growth):
        for j, n in enumerate(step.needs):
            assert shown[(step.label, n.component)] == n.change
            assert as_json[i]["needs"][j]["change"] == n.change
            assert as_json[i]["needs"][j]["action"] == n.action.value
        line = "; ".join(n.summary() for n in step.needs)
        if line:
            assert f"{step.label}: {line}" in q44.text  # Q4.4
            assert line in markdown  # the growth table's cell


def test_a_pool_waiting_on_saturated_callees_shows_no_utilization_of_its_own() -> None:
    """chat at 10×: the api waits on the saturated database (presence is the gateway's and
    the deliverer's callee, not the api's), so its holding time is the db's queue and
    timeouts; its "ρ now" read 7,515% while doubling its replicas (8→16) was its whole
    need. It now says saturated, and on what it waits."""
    step = next(s for s in _capacity(_report("chat")).growth if s.label == "10x")
    api = next(n for n in step.needs if n.component == "api")
    assert api.utilization_now.value is None
    assert "waits on saturated" in api.utilization_now.formula
    assert api.utilization_now.formula.endswith("waits on saturated db")
    # a pool saturated by its own load keeps its figure (presence: 261%)
    presence = next(n for n in step.needs if n.component == "presence")
    assert presence.utilization_now.value is not None and presence.utilization_now.value > 1
