"""Status words are enums whose values are the old words: JSON is unchanged, colours
follow the status a cell carries, not the text it shows."""

from __future__ import annotations

import json

from archproof.backends import capacity_terminal
from archproof.backends.capacity_tables import Flag, tables
from archproof.passes.capacity import AssumptionStatus, SloStatus, Status
from archproof.passes.capacity.figure import Figure
from archproof.passes.simulate.stats import Verdict

from .conftest import capacity

# A component named like a status word, an SLO met and one violated, checkable assumptions.
WORDS = """
meta: {name: words}
requirements:
  assumptions:
    - id: A1
      statement: the service is ok
      check: {metric: utilization, component: saturated, max: 1%}
    - id: A2
      statement: nothing checks this
components:
  saturated: {kind: service, replicas: 1, concurrency: 4, work: {handle: 10ms}}
operations:
  op:
    rate: 100/s
    slo: {p95: 1s, p99: 1ms}
    calls: [saturated.handle]
"""


def test_values_are_the_words_json_always_showed() -> None:
    assert [s.value for s in Status] == [
        "ok", "warning", "saturated", "idle", "unbounded", "unknown", "violated"
    ]  # fmt: skip
    assert [s.value for s in SloStatus] == ["met", "at risk", "violated", "saturated", "unknown"]
    assert [s.value for s in AssumptionStatus] == ["confirmed", "refuted", "unknown", "unchecked"]
    assert [v.value for v in Verdict] == ["met", "missed", "inconclusive"]


def test_statuses_round_trip_through_json() -> None:
    result = capacity(WORDS)
    data = json.loads(json.dumps(result.to_json()))
    component = data["components"][0]
    assert component["status"] == "ok" and type(component["status"]) is str
    assert Status(component["status"]) is result.components[0].status
    slo = data["operations"][0]["slo"]
    assert [c["status"] for c in slo] == ["met", "violated"]
    assert [SloStatus(c["status"]) for c in slo] == [c.status for c in result.operations[0].slo]
    assert data["operations"][0]["status"] == "violated"
    verdicts = [a["status"] for a in data["assumptions"]]
    assert verdicts == ["refuted", "unchecked"]
    assert [AssumptionStatus(v) for v in verdicts] == [a.status for a in result.assumptions]
    fig = Figure(None, "s", "why", {}, Status.SATURATED).to_json()
    assert fig["status"] == "saturated" and type(fig["status"]) is str


def test_cells_carry_their_status_and_the_terminal_colours_by_it() -> None:
    result = capacity(WORDS)
    load, latency = tables(result)[:2]
    assert load.rows[0][0] == "saturated"  # the component's name ...
    assert load.mark(0, 0) is None  # ... is not a status
    assert load.mark(0, 7) is Status.OK
    assert capacity_terminal.style(load.mark(0, 0)) == ""
    assert capacity_terminal.style(load.mark(0, 7)) == "green"
    # the SLO cell ends with "violated" only by order: the worst check colours it
    assert latency.mark(0, 5) is SloStatus.VIOLATED
    assert capacity_terminal.style(SloStatus.VIOLATED) == "red"
    assert capacity_terminal.style(Flag.SPOF) == "bold red"
    assumptions = tables(result)[-1]
    assert [assumptions.mark(i, 1) for i in range(2)] == [
        AssumptionStatus.REFUTED,
        AssumptionStatus.UNCHECKED,
    ]
    # a statement ending in a status word is not coloured
    assert assumptions.rows[0][4] == "the service is ok" and assumptions.mark(0, 4) is None
