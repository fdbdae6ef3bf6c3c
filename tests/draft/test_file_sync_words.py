"""A file sync service asked for in other words than 'file sync' or 'Dropbox': "We want a
person's work folder to look the same on every computer and phone they own" (fresh12's
samefolder-words was drafted as media uploads and downloads)."""

from __future__ import annotations

import pytest

from archproof.frontends.draft.classify import classify
from archproof.frontends.draft.quantities import read_quantities
from archproof.frontends.draft.text import normalize


@pytest.mark.parametrize(
    "task",
    [
        "We want a person's work folder to look the same on every computer and phone they "
        "own, so that a change made on any of them shows up on the rest. About three hundred "
        "thousand people use it.",
        # the same in other words
        "Each user's documents folder must stay identical across all their laptops and "
        "tablets: an edit on one appears on the others within a minute. 2 million users.",
    ],
)
def test_files_kept_the_same_on_every_device_are_file_sync(task: str) -> None:
    text = normalize(task)
    assert classify(text, read_quantities(text)).primary == "file_sync"


def test_a_page_that_looks_the_same_on_phones_is_no_file_sync() -> None:
    text = normalize(
        "A news site whose pages look the same on every phone and computer: 2M readers a day."
    )
    assert not classify(text, read_quantities(text)).has("file_sync")
