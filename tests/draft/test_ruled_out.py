"""A block the task rules out ("not the payments, that part is done", "no need for a feed")
is not drafted; one that another sentence still asks for, in the same words, is."""

from __future__ import annotations

import pytest

from archproof.frontends.draft.classify import classify
from archproof.frontends.draft.text import normalize


@pytest.mark.parametrize(
    ("text", "block"),
    [
        # every mention ruled out
        (
            "Build a photo sharing app; no need for a feed. Users upload 1M photos a day.",
            "feed",
        ),
        (
            "Design a chat app, not the payments, that part is done; and no need for payments "
            "later either. Users send 2M messages a day.",
            "payments",
        ),
        # the block's other cue, in other words, after it was ruled out: a match's size, not
        # a matchmaker (fresh9 gamestate-rambling)
        (
            "We need the backend that runs the matches, not matchmaking, that part is done. "
            "Each match has 16 players, 40,000 matches at once.",
            "waiting_pool",
        ),
    ],
)
def test_a_block_ruled_out_wherever_it_is_named_is_not_drafted(text: str, block: str) -> None:
    assert not classify(normalize(text)).has(block)


@pytest.mark.parametrize(
    ("text", "block"),
    [
        # one sentence says it is done, another asks for it: one mention dropped the block
        (
            "We need the backend for our game's chat, not the payments, that part is done. "
            "Players send 2M messages a day and buy coins with payments by card.",
            "payments",
        ),
        (
            "Our shop's checkout already exists for the web; now the mobile app needs checkout "
            "too: 1M orders a day, each paid by card.",
            "payments",
        ),
    ],
)
def test_a_block_another_sentence_asks_for_is_drafted(text: str, block: str) -> None:
    assert classify(normalize(text)).has(block)
