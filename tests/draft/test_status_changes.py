"""A thing whose status changes the task counts ("The status of beds change around 20,000
time per day"): the main write is an update of that thing's status, and the board the task
names is a read of all of them (fresh9's hospital beds were drafted as payments, then as
create_item over an 'Item')."""

from __future__ import annotations

import pytest
from test_fresh import rate_mismatches

from archproof.frontends.draft import draft


@pytest.mark.parametrize(
    ("task", "thing", "avg"),
    [
        # 3,000 a day / 86,400 s = 0.034722/s
        (
            "Airport gate management for 120 gates. Gate status changes about 3,000 times a "
            "day (free, boarding, closed), and agents look at the gate board all day.",
            "gate",
            "0.034722",
        ),
        # 50,000 a day / 86,400 s = 0.5787/s
        (
            "A laundromat chain has 9,000 washing machines. The status of machines changes "
            "around 50,000 times per day (idle, washing, out of order). Staff watch a board "
            "of all machines.",
            "machine",
            "0.5787",
        ),
    ],
)
def test_a_counted_status_change_is_an_update_and_the_board_a_read(
    task: str, thing: str, avg: str
) -> None:
    drafted = draft(task)
    ops = [op.id for op in drafted.design.operations]
    assert f"update_{thing}_status" in ops
    assert f"view_{thing}_board" in ops
    assert rate_mismatches({"rates": [{"op": ["status"], "avg": avg}]}, drafted) == []


def test_stated_board_views_are_the_boards() -> None:
    # 3,000 changes a day = 0.034722/s; 500,000 board views a day / 86,400 s = 5.787/s,
    # carried by the board alone (no share of them on a second read)
    drafted = draft(
        "Airport gate management for 120 gates. Gate status changes about 3,000 times a "
        "day, and the gate board is viewed 500,000 times a day."
    )
    want = {"rates": [{"op": ["status"], "avg": "0.034722"}, {"op": ["board"], "avg": "5.787"}]}
    assert rate_mismatches(want, drafted) == []
    ops = {op.id for op in drafted.design.operations}
    assert "get_gate" not in ops
