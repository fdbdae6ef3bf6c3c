"""Several parties acting on one thing ("avg 3 signers each" envelope): an operation for
their action at the thing's rate × the parties (fresh9's e-signature service had no sign
operation: 5M envelopes a month × 3 signers, 15M signatures, were carried by none)."""

from __future__ import annotations

import pytest
from test_fresh import rate_mismatches

from archproof.frontends.draft import draft


@pytest.mark.parametrize(
    ("task", "op", "avg"),
    [
        # 40,000 a day × 2 reviewers = 80,000 reviews a day / 86,400 s = 0.9259/s
        (
            "A code review tool. 40,000 patches a day, 2 reviewers each. Review p95 < 300 ms.",
            "review",
            "0.92593",
        ),
        # 300,000 a month × 2 approvers = 600,000 / 2,592,000 s = 0.23148/s
        (
            "Contract approvals for a large company: 300,000 contracts a month, avg 2 "
            "approvers each. Approve must answer in under 1 s.",
            "approve",
            "0.23148",
        ),
    ],
)
def test_each_party_acts_once_on_the_thing(task: str, op: str, avg: str) -> None:
    drafted = draft(task)
    assert rate_mismatches({"rates": [{"op": [op], "avg": avg}]}, drafted) == []


def test_parties_who_only_read_record_nothing() -> None:
    # viewers view a webinar: a read, not a write per viewer
    drafted = draft("Webinar service. 3k webinars/day, avg 40 viewers each. View p99 < 300ms.")
    assert "view_webinar" not in {op.id for op in drafted.design.operations}
