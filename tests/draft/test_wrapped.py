"""Hard-wrapped tasks (pasted from an email or a doc) read as the sentences they are.

Found as an outsider (a bookstore task wrapped at 95 columns): "Search over titles and
authors / should answer in under 200 ms at p99" lost its subject at the line break, so the
200 ms target went to every operation, and the draft's own review failed it three times;
"at the evening peak we see / roughly 3,000 page views per second" lost its "peak".
The expectations below are the task's words, written before running the drafter."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft import draft
from archproof.frontends.draft.text import normalize

WRAPPED = """We run an online bookstore. About 2 million people visit per day; at the evening
peak we see roughly 3,000 page views per second, mostly browsing the catalog (500,000 titles)
and reading reviews. Around 20,000 orders are placed per day. Checkout must never charge a
card twice. Search over titles and authors
should answer in under 200 ms at p99. The catalog is updated nightly from publisher feeds."""


def test_wrapped_lines_of_a_sentence_are_joined() -> None:
    text = normalize("Search over titles and authors\nshould answer in under 200 ms at p99.")
    assert text == "Search over titles and authors should answer in under 200 ms at p99."


def test_lists_headings_and_new_sentences_keep_their_lines() -> None:
    bullets = (
        "Requirements:\n- users upload photos\n- 10 MB each\n1. search\nScale\nWe expect 5k users."
    )
    assert normalize(bullets) == bullets
    assert normalize("It must be fast.\nthen cheap") == "It must be fast.\nthen cheap"


def test_a_latency_target_goes_to_the_operation_its_sentence_names() -> None:
    d = draft(WRAPPED)
    slos = {op.id: op.slo for op in d.design.operations if op.slo is not None}
    assert slos["search_documents"].p99 is not None
    assert slos["search_documents"].p99.seconds == Fraction(1, 5)
    # "authors" is no log-in: the task's target is stated once, on search (the other
    # operations keep their defaults, which say so)
    stated = [line for line in d.yaml.splitlines() if 'from the task: "Search over' in line]
    assert len(stated) == 1
    latency = [r.name for r in d.requirements if r.name.startswith("p99 latency")]
    assert latency == ["p99 latency (search_documents)"]


def test_people_who_visit_are_daily_users_and_page_views_are_the_peak_reads() -> None:
    """ "2 million people visit per day" is 2M daily users (it was a read rate of 2M/day,
    with the daily users assumed at 10k); "at the evening peak we see roughly 3,000 page
    views per second" is the peak read rate (it was placed and used by no figure: peak
    requests came out at 91/s)."""
    d = draft(WRAPPED)
    found = {r.name: r for r in d.requirements}
    assert found["daily active users"].value == "2M"
    assert found["daily active users"].source == "extracted"
    reads = [r for r in d.requirements if r.name.endswith("reads")]
    assert [r.value for r in reads] == ["3k/s (peak)"]
    assert "page views" in reads[0].evidence


def test_the_article_follows_the_noun() -> None:
    """'for a aggregation workload', 'for a analytics workload' (fresh7, an outsider run)."""
    from archproof.frontends.draft.text import article

    assert [article(w) for w in ("aggregation", "item", "user", "hour", "order", "one-off")] == [
        "an aggregation",
        "an item",
        "a user",
        "an hour",
        "an order",
        "a one-off",
    ]
    d = draft("Ad click aggregation: 10k clicks per second, reports hourly.")
    assert "typical read:write ratio for an aggregation workload" in d.yaml


def test_the_generic_blocks_use_cases_take_the_article_too() -> None:
    """'Read a item' / 'Hold a item': the helper reached every block that names a thing."""
    d = draft("Build an inventory service: 5,000 items, 200 item reads per second.")
    cases = " | ".join(d.design.requirements.use_cases)
    assert " a item" not in cases and "Read an item" in cases, cases
