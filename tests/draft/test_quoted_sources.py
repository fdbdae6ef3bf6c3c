"""Where a figure came from reads as words a person wrote: the requirements table, the YAML's
comments and the report quote the task, and a quote is cut from the task, not pieced
together with a label the reader made up."""

from __future__ import annotations

from archproof.frontends.draft import draft

DATING = (
    "We make dating app like Tinder. There is 10 million user, around 3 million of them open "
    "the app every day. Each active user swipe about 100 profile in one day, so swipes are the "
    "main load."
)


def test_a_share_of_them_is_quoted_with_the_people_it_counts() -> None:
    """fresh8 dating-nonnative: the DAU row quoted "3 million of them open the app every day
    (user)", the pronoun's noun glued on as a label. Cut from the sentence, the quote starts
    at the people "them" stands for."""
    drafted = draft(DATING)
    dau = next(r for r in drafted.requirements if r.name == "daily active users")
    assert dau.evidence == '"10 million user, around 3 million of them open the app every day"'
    assert (
        '# from the task: "10 million user, around 3 million of them open the app every day"'
        in drafted.yaml
    )


def test_a_long_quote_is_cut_between_words() -> None:
    """calendar-words: "...each of them opens t..." cut a word in two."""
    from archproof.frontends.draft.text import quote

    said = "We have about four million users and each of them opens their calendar six times"
    assert quote(said) == "We have about four million users and each of them opens..."
    assert quote("short enough") == "short enough"
    # one word longer than the limit is cut where it must be
    assert quote("x" * 80, limit=20) == "x" * 17 + "..."
