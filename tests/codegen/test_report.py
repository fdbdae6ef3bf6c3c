"""A coding task's report shows the generated signatures (architecture) and types (data)."""

from __future__ import annotations

from archproof.backends.report import render_markdown
from archproof.frontends.yaml_loader import load_design
from archproof.passes.codegen import CodeResult
from archproof.passes.registry import PASSES
from archproof.pipeline import run

from .conftest import ROOT

DESIGN = ROOT / "examples" / "code" / "parking_lot" / "design.yaml"


def test_the_report_shows_generated_signatures_and_types() -> None:
    names = tuple(p.name for p in PASSES if p.name != "simulate")  # as `archproof report`
    report = run(load_design(DESIGN), passes=names)
    result = report.get(CodeResult)
    assert result is not None and result.package is not None
    text = render_markdown(report)
    architecture = text.index("## 2 System architecture")
    data = text.index("## 3 Data design")
    signature = text.index("ParkingLot.pay(ticket_id: TicketId, *, fee: Decimal) -> PaidTicket")
    assert architecture < signature < data
    assert text.index("PaidTicket(id: TicketId", data) > data
    assert "each state is its own class" in text


def test_the_code_pass_is_not_a_default_pass() -> None:
    assert run(load_design(DESIGN)).get(CodeResult) is None
