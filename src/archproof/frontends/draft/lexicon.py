"""The words and units the extractor knows: time units, sizes, multipliers, and the
nouns a count can describe, with the role and entity each one stands for."""

from __future__ import annotations

import re
from fractions import Fraction

DAY = 86_400
_SECONDS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": DAY,
    "day": DAY,
    "days": DAY,
    "week": 7 * DAY,
    "weeks": 7 * DAY,
    "wk": 7 * DAY,
    "wks": 7 * DAY,
    "month": 30 * DAY,
    "months": 30 * DAY,
    "mo": 30 * DAY,
    "year": 365 * DAY,
    "years": 365 * DAY,
    "yr": 365 * DAY,
    "yrs": 365 * DAY,
}
_ADVERB_PERIOD = {
    "hourly": 3600,
    "daily": DAY,
    "weekly": 7 * DAY,
    "monthly": 30 * DAY,
    "yearly": 365 * DAY,
    "annually": 365 * DAY,
}
_SHORT_DURATION = {
    "ns": Fraction(1, 10**9),
    "us": Fraction(1, 10**6),
    "µs": Fraction(1, 10**6),
    "μs": Fraction(1, 10**6),
    "microseconds": Fraction(1, 10**6),
    "ms": Fraction(1, 1000),
    "msec": Fraction(1, 1000),
    "millisecond": Fraction(1, 1000),
    "milliseconds": Fraction(1, 1000),
}
_SIZES = {
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "kb": 10**3,
    "kilobyte": 10**3,
    "kilobytes": 10**3,
    "kib": 2**10,
    "mb": 10**6,
    "megabyte": 10**6,
    "megabytes": 10**6,
    "mib": 2**20,
    "gb": 10**9,
    "gigabyte": 10**9,
    "gigabytes": 10**9,
    "gib": 2**30,
    "tb": 10**12,
    "terabyte": 10**12,
    "terabytes": 10**12,
    "tib": 2**40,
    "pb": 10**15,
    "petabyte": 10**15,
    "petabytes": 10**15,
}
_MULTIPLIERS = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "millions": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "billions": 10**9,
    "t": 10**12,
    "tn": 10**12,
    "trillion": 10**12,
}
_WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

# Nouns a count can describe → (role, subject). Roles: people, read, write, requests,
# events, search, follow. The subject is the entity the figure is about.
NOUNS: dict[str, tuple[str, str]] = {}
for _words, _role, _subject in (
    (
        "user customer member subscriber player person people visitor shopper reader viewer "
        "listener student patient employee staff athlete",
        "people",
        "user",
    ),
    ("driver", "people", "driver"),
    ("rider passenger", "people", "user"),
    ("merchant seller", "people", "merchant"),
    ("dau", "people", "dau"),
    ("mau", "people", "mau"),
    ("link url", "write", "link"),
    ("paste snippet", "write", "paste"),
    ("message chat", "write", "message"),
    ("post tweet status story", "write", "post"),
    ("comment reply", "write", "comment"),
    ("like reaction vote", "write", "like"),
    ("photo image picture video clip file upload attachment media", "write", "media"),
    ("document page article", "write", "document"),
    ("order purchase checkout", "write", "order"),
    ("payment transaction charge transfer refund", "write", "payment"),
    ("ride trip", "write", "ride"),
    ("delivery", "write", "delivery"),
    ("booking reservation appointment", "write", "booking"),
    ("notification email sms push alert reminder", "write", "notification"),
    ("event metric log measurement reading sample datapoint", "events", "event"),
    ("update", "write", "update"),
    ("write insert", "write", "write"),
    ("job task", "write", "job"),
    ("ticket", "write", "ticket"),
    ("review rating", "write", "review"),
    ("listing product item", "write", "item"),
    ("signup registration", "write", "user"),
    ("login signin", "write", "session"),
    (
        "read redirect view pageview visit click lookup fetch get impression download play stream "
        "playback",
        "read",
        "read",
    ),
    ("search query suggestion keystroke autocomplete", "search", "search"),
    ("request call hit", "requests", "request"),
    ("follower followee following", "follow", "follow"),
):
    for _w in _words.split():
        NOUNS[_w] = (_role, _subject)

_WRITE_VERBS = frozenset(
    [
        "created",
        "create",
        "shortened",
        "shorten",
        "sent",
        "send",
        "posted",
        "post",
        "uploaded",
        "upload",
        "generated",
        "written",
        "write",
        "placed",
        "place",
        "made",
        "processed",
        "submitted",
        "submit",
        "added",
        "add",
        "stored",
        "store",
        "booked",
        "requested",
        "ingested",
        "ingest",
        "published",
        "publish",
        "recorded",
        "record",
        "new",
    ]
)
# The things the generic create/read block drafts as its own, templates and all ("customers
# place about 600,000 orders a day": an Order), where another block has none of its own.
# Amounts of money ("2 dollars per hour", "$3 per ride"): prices, never counts or rates;
# also what makes "billing" or "charge" a payment (classify.MONEY_WORDS).
CURRENCY_WORDS = frozenset(
    [
        "dollar",
        "dollars",
        "euro",
        "euros",
        "cent",
        "cents",
        "pound",
        "pounds",
        "usd",
        "eur",
        "gbp",
        "yen",
        "rupee",
        "rupees",
        "franc",
        "francs",
    ]
)
CURRENCY_SIGNS = frozenset({"$", "€", "£", "¥"})

# Words that make the number right after them a ceiling, not a typical figure ("up to 50
# people", "at most 256 KB", "max 50 participants", "capped at 300").
AT_MOST = re.compile(
    r"\b(?:max(?:imum)?|up\s+to|at\s+most|no\s+more\s+than|limit(?:ed)?\s+to"
    r"|cap(?:ped)?(?:\s+at)?)\s*$",
    re.IGNORECASE,
)


def stated_as_ceiling(text: str, start: int) -> bool:
    """The number at `start` is stated as a ceiling (`AT_MOST` in the words just before)."""
    return AT_MOST.search(text[max(0, start - 25) : start]) is not None


# A post is the feed block's, but a blog's posts (no followers, no timeline) are the generic
# block's thing when the classifier leaves the task to it.
GENERIC_THINGS = frozenset({"item", "order", "booking", "ticket", "review", "document", "post"})
# An outside service the task says its work goes through ("Every comment has to pass a spam
# and toxicity check, which is an outside API that takes about 300 ms"): a call to a
# third party, whose stated time is its own, not a target for the operation.
OUTSIDE_API = re.compile(r"\b(?:outside|external|third[- ]party)\s+(?:api|service)s?\b", re.I)
# Words that say when a rate is counted, not what ("on Black Friday it goes up to 12,000 per
# second", "in the evenings"): a rate's subject is never one of them.
WHEN_WORDS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"weekend", "weekday", "holiday", "morning", "evening", "night"}
    # the months ("every December there's a telethon"), but not "may", a modal far more often
    | {"january", "february", "march", "april", "june", "july", "august", "september"}
    | {"october", "november", "december"}
)
# Reads a task may count of a thing beside the lexicon's read nouns ("50 million comment
# section loads a day", "app opens"): actions done to the thing, not the thing.
READ_ACTS = frozenset({"load", "open", "refresh"})
# Changes a task may count of a thing ("200 flag changes a day"): actions, not things.
WRITE_ACTS = frozenset({"change", "edit", "update", "modification", "flip", "toggle"})
# Reads an operation may be named for, as a task counts them ("Downloads: 1.5 billion/week"
# → download_package); other reads ("page loads", "impressions") are plain gets.
READ_ACTIONS = frozenset(
    {"view", "visit", "click", "lookup", "fetch", "download", "play", "stream", "install"}
)
_READ_VERBS = frozenset(
    [
        *("read", "viewed", "view", "served", "serve", "clicked", "click", "visited", "opened"),
        # "each user views about 50 photos a day": the third person too
        *("reads", "views", "serves", "clicks", "visits", "opens"),
        *("watch", "watches", "watched", "browse", "browses", "browsed"),
    ]
)
