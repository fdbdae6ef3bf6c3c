"""Illegal states the design rules out cannot be built: mypy rejects them, or the parser does.

Uses the golden parking lot package (examples/code/parking_lot): a ticket closed before it
is paid (the "shipped before paid" of this domain), a paid ticket without its fee, an id of
the wrong kind, a field read in a state that does not have it, a mutation, a size outside
the enum, money as a float. Each marked line must draw a mypy error and no other line may.
At the boundary, the parser refuses a negative fee, a naive timestamp and an unknown size.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archproof.cli.code_cmd import mypy_command

from .conftest import ROOT, run_tool

GOLDEN = ROOT / "examples" / "code" / "parking_lot"

ILLEGAL = """\
from datetime import UTC, datetime
from decimal import Decimal

from parking_lot.models import (
    IssuedTicket,
    PaidTicket,
    Plate,
    Spot,
    SpotId,
    SpotState,
    TicketId,
    ticket_to_closed,
    ticket_to_paid,
)

now = datetime.now(UTC)
plate = Plate("AB")
issued = IssuedTicket(id=TicketId(1), spot_id=SpotId(2), plate=plate, issued_at=now)
paid = ticket_to_paid(issued, paid_at=now, fee=Decimal("2.50"))
closed = ticket_to_closed(paid)

ticket_to_closed(issued)  # ILLEGAL: closed before it was paid
PaidTicket(id=TicketId(1), spot_id=SpotId(2), plate=plate, issued_at=now, paid_at=now)  # ILLEGAL
IssuedTicket(id=SpotId(1), spot_id=SpotId(2), plate=plate, issued_at=now)  # ILLEGAL: a SpotId as id
print(issued.paid_at)  # ILLEGAL: an issued ticket has no paid_at
issued.spot_id = SpotId(3)  # ILLEGAL: records are frozen
Spot(id=SpotId(1), size="huge", state=SpotState.FREE)  # ILLEGAL: not a SpotSize
ticket_to_paid(issued, paid_at=now, fee=1.5)  # ILLEGAL: money as a float
"""


def test_mypy_rejects_each_illegal_state(tmp_path: Path, mypy_cache: Path) -> None:
    probe = tmp_path / "illegal.py"
    probe.write_text(ILLEGAL, "utf-8")
    marked = {
        number for number, line in enumerate(ILLEGAL.splitlines(), start=1) if "# ILLEGAL" in line
    }
    env = {"MYPYPATH": str(GOLDEN), "PATH": "/usr/bin:/bin"}
    code, output = run_tool(
        [*mypy_command([str(probe)])[2:], "--cache-dir", str(mypy_cache)], cwd=tmp_path, env=env
    )
    assert code == 1, output
    flagged = {int(m.group(1)) for m in re.finditer(r"illegal\.py:(\d+):\d+: error", output)}
    assert flagged == marked, output


@pytest.fixture
def parsers(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.syspath_prepend(str(GOLDEN))
    import parking_lot.parsers

    yield parking_lot.parsers
    for name in [m for m in sys.modules if m.startswith("parking_lot")]:
        del sys.modules[name]


def test_the_parser_rejects_illegal_values(parsers: object) -> None:
    from parking_lot.errors import ParseError  # type: ignore[import-not-found]

    now = datetime(2026, 1, 1, 9, tzinfo=UTC).isoformat()
    paid = {
        "state": "paid",
        "id": 1,
        "spot_id": 2,
        "plate": "AB",
        "issued_at": now,
        "paid_at": now,
        "fee": "2.50",
    }
    parse_ticket = parsers.parse_ticket  # type: ignore[attr-defined]
    assert parse_ticket(paid).fee == 2.5
    bad = {
        "fee": "-0.01",  # a negative amount
        "paid_at": "2026-01-01T09:00:00",  # a naive timestamp
        "spot_id": "2",  # an id of the wrong type
        "state": "lost",  # a state the lifecycle does not have
    }
    for key, value in bad.items():
        with pytest.raises(ParseError, match=key if key != "fee" else "at least 0"):
            parse_ticket({**paid, key: value})
    with pytest.raises(ParseError, match="paid_at"):
        parse_ticket({**paid, "state": "issued"})  # an issued ticket has no paid_at
