"""Issue 20, problem 6: section 6 did not name the test that would refute the riskiest
assumption. It now ranks the assumptions by what the capacity pass found (refuted, then
unchecked, then confirmed ones on the bottleneck and the busiest components) and states,
for each, the test whose result would show it false, in the design's terms.
"""

from __future__ import annotations

from pathlib import Path

from archproof.backends.report.document import Badge, Cell, Para, Section, Table
from archproof.backends.report.sections import build_document
from archproof.passes.capacity import AssumptionStatus, CapacityResult
from archproof.report import Report

from .helpers import ROOT, design_report, example_report

# A1 holds with room; A2 is refuted by the analysis (p99 above 5 ms); A3 is unchecked.
RISKY = """
meta: {name: risky, kind: system}
requirements:
  load: {peak_factor: 1}
  assumptions:
    - {id: A1, statement: the api stays under half busy,
       check: {metric: utilization, component: api, max: 50%}}
    - {id: A2, statement: reads answer within 5 ms at p99,
       check: {metric: p99, operation: get_item, max: 5ms}}
    - {id: A3, statement: items are small, source: a guess from the prototype}
components:
  api: {kind: service, tech: stateless-service, replicas: 2}
  db: {kind: database, tech: postgresql, work: {read: 4ms}}
operations:
  get_item:
    rate: 200/s
    calls: [api.handle, db.read]
"""


def _riskiest(report: Report) -> Section:
    implementation = next(s for s in build_document(report).sections if s.id == "implementation")
    return next(c for c in implementation.children if c.id == "riskiest-assumption")


def _paras(section: Section) -> dict[str, str]:
    return {b.lead: b.text for b in section.blocks if isinstance(b, Para)}


def _text(cell: Cell) -> str:
    return cell.text if isinstance(cell, Badge) else cell


def _rows(section: Section) -> list[list[str]]:
    table = next(b for b in section.blocks if isinstance(b, Table))
    return [[_text(c) for c in row] for row in table.rows]


def test_a_refuted_assumption_is_the_riskiest_with_a_load_test_that_would_refute_it(
    tmp_path: Path,
) -> None:
    report = design_report(RISKY, tmp_path)
    cap = report.get(CapacityResult)
    assert cap is not None
    status = {a.id: a.status for a in cap.assumptions}
    assert status == {
        "A1": AssumptionStatus.CONFIRMED,
        "A2": AssumptionStatus.REFUTED,
        "A3": AssumptionStatus.UNCHECKED,
    }
    section = _riskiest(report)
    paras = _paras(section)
    assert paras["A2 is the riskiest (refuted):"] == "reads answer within 5 ms at p99"
    test = paras["The test that would refute it:"]
    assert test == "load-test get_item at its peak of 200/s and measure its p99: refuted above 5ms"
    # then the unchecked one (it names its source), then the confirmed one
    assert [row[0] for row in _rows(section)] == ["A3", "A1"]
    assert "a guess from the prototype" in _rows(section)[0][4]


def test_payments_puts_the_bottleneck_first_among_confirmed_and_asks_the_provider() -> None:
    report = example_report(ROOT / "examples" / "payments.yaml")
    cap = report.get(CapacityResult)
    assert cap is not None and cap.bottleneck.component == "psp"
    section = _riskiest(report)
    assert "A1 is the riskiest (unchecked):" in _paras(section)  # the only unchecked one
    rows = _rows(section)
    assert rows[0][:3] == ["A5", "confirmed", "psp"]  # on the bottleneck
    # someone else's API is not load-tested: its quota is asked for and sandboxed
    assert rows[0][4].startswith("ask the provider for psp's quota")
    assert not any(row[4].startswith("load-test psp") for row in rows)
