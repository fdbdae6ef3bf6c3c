"""The requirements reader: every number placed (value, unit, period, subject, peak, per)
or listed as unplaced — the phrasings issue 13 found dropped or misread."""

from __future__ import annotations

from fractions import Fraction

import pytest

from archproof.frontends.draft import draft
from archproof.frontends.draft.constraints import read_constraints
from archproof.frontends.draft.quantities import Quantity, read_quantities
from archproof.frontends.draft.text import normalize
from archproof.frontends.draft.tokens import tokens


def _one(text: str, at: str) -> Quantity:
    reading = read_quantities(normalize(text))
    item = reading.covering(normalize(text).index(at))
    assert isinstance(item, Quantity), f"{at!r} not placed: {item}"
    return item


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("two hundred million", 200_000_000),
        ("a few thousand", 3000),
        ("a dozen", 12),
        ("three hundred thousand", 300_000),
        ("ten million", 10_000_000),
        ("twice", 2),
        ("100M", 100_000_000),
        ("1.2bn", 1_200_000_000),
        ("20 millions", 20_000_000),
        ("1,000", 1000),
    ],
)
def test_number_tokens(words: str, value: int) -> None:
    nums = [t for t in tokens(words + " things") if t.kind == "num"]
    assert len(nums) == 1 and nums[0].value == value


@pytest.mark.parametrize(
    ("text", "at", "value", "unit"),
    [
        # a fresh exercise (tests/draft/corpus/fresh.yaml, email-rambling) dropped "half"
        ("People expect results in under half a second.", "half", Fraction(1, 2), "seconds"),
        ("Rankings refresh every half an hour.", "half", Fraction(1800), "seconds"),
        ("about 2 and a half million users", "2", Fraction(2_500_000), "count"),
        ("one and a half seconds per request", "one", Fraction(3, 2), "seconds"),
        ("two and a half thousand orders per day", "two", Fraction(2500), "count"),
    ],
)
def test_halves_are_read(text: str, at: str, value: Fraction, unit: str) -> None:
    item = _one(text, at)
    assert (item.value, item.unit) == (value, unit)


@pytest.mark.parametrize(
    ("text", "at", "value", "unit", "period", "subject", "peak", "per"),
    [
        (
            "250 billion timeline reads a month",
            "250",
            250 * 10**9,
            "count",
            "month",
            "timeline reads",
            False,
            None,
        ),
        (
            "Riders request trips at 2k per second peak",
            "2k",
            2000,
            "count",
            "second",
            "trips",
            True,
            None,
        ),
        (
            "300k drivers online at peak",
            "300k",
            300_000,
            "count",
            None,
            "drivers online",
            True,
            None,
        ),
        (
            "20k requests per second across 8 gateway nodes",
            "20k",
            20_000,
            "count",
            "second",
            "requests",
            False,
            None,
        ),
        (
            "20k requests per second across 8 gateway nodes",
            "8",
            8,
            "count",
            None,
            "gateway nodes",
            False,
            None,
        ),
        (
            "each client may make 100 requests per minute",
            "100",
            100,
            "count",
            "minute",
            "requests",
            False,
            "client",
        ),
        ("pages are 500 KB on average", "500", 500_000, "bytes", None, "pages size", False, None),
        ("40 msgs/user/day", "40", 40, "count", "day", "msgs", False, "user"),
        ("8k req/s avg and 3x at peak", "8k", 8000, "count", "second", "req", False, None),
        (
            "p99 redirect < 50ms",
            "50ms",
            Fraction(1, 20),
            "seconds",
            None,
            "redirect latency",
            False,
            None,
        ),
    ],
)
def test_placed(
    text: str,
    at: str,
    value: int | Fraction,
    unit: str,
    period: str | None,
    subject: str,
    peak: bool,
    per: str | None,
) -> None:
    q = _one(text, at)
    assert (q.value, q.unit, q.period, q.subject, q.peak, q.per) == (
        value,
        unit,
        period,
        subject,
        peak,
        per,
    )


def test_a_number_with_nothing_to_measure_is_unplaced_and_asked() -> None:
    task = "Design a chat app for 5M users. We expect 7 and 12 at launch."
    reading = read_quantities(normalize(task))
    assert [u.text for u in reading.unplaced] == ["7", "12"]
    drafted = draft(task)
    assert drafted.open_questions[0].endswith("what does 7 measure?")
    assert any(a.id.startswith("unplaced-number") for a in drafted.design.requirements.assumptions)


def test_stated_rates_are_read_not_assumed() -> None:
    drafted = draft(
        "Design the Twitter timeline. 100 million active users, 500 million tweets a day, "
        "250 billion timeline reads a month."
    )
    sources = {r.name: r.source for r in drafted.requirements}
    assert sources.get("reads") == "extracted"
    assert "read-write-ratio" not in {a.id for a in drafted.design.requirements.assumptions}


def test_a_stated_peak_is_not_multiplied_again() -> None:
    drafted = draft(
        "Design Uber. Riders request trips at 2k per second peak, 300k drivers online at peak, "
        "each driver sends its location every 4 seconds."
    )
    peak = float(drafted.design.requirements.load.peak_factor)
    op = drafted.design.operation("update_location")
    assert op.rate is not None
    assert op.rate.per_s_float * peak == pytest.approx(75_000)


@pytest.mark.parametrize(
    ("text", "at", "peak"),
    [
        # the fresh view-counter exercise: "up to 60k views/s" is the peak rate
        ("800M views/day, up to 60k views/s on one viral video.", "60k", True),
        ("we see up to 2,000 orders per minute", "2,000", True),
        # a limit on a size or a count is not a load
        ("groups up to 500 members", "500", False),
        ("values up to 1 MB", "1 MB", False),
    ],
)
def test_a_rate_stated_as_up_to_is_a_peak(text: str, at: str, peak: bool) -> None:
    assert _one(text, at).peak is peak


def test_each_with_a_verb_is_per_the_owner_before_it() -> None:
    # the fresh email exercise read "40 emails a day" as per "receiving"
    item = _one("Think 100 million users, each receiving about 40 emails a day.", "40")
    assert (item.per, item.period) == ("user", "day")
    assert _one("we keep 3 nights for each booking", "3").per == "booking"


@pytest.mark.parametrize(
    ("text", "at", "subject", "role"),
    [
        # the fresh judge exercise read "2 seconds of CPU" as a 'sandbox latency'
        ("each build takes 3 minutes of CPU", "3 minutes", "CPU", "duration"),
        ("a render needs about 40 hours of GPU time", "40 hours", "GPU time", "duration"),
        ("we keep 7 years of invoices", "7 years", "invoices retention", "retention"),
        # a named role after "of" stays that role; a reference point is not what is measured
        ("5 seconds of lag is fine", "5 seconds", "response lag", "lag"),
        ("jobs start within 1 second of their scheduled time", "1 second", "jobs delay", "delay"),
    ],
)
def test_a_measure_of_a_noun_measures_that_noun(
    text: str, at: str, subject: str, role: str
) -> None:
    item = _one(text, at)
    assert (item.unit, item.subject, item.role) == ("seconds", subject, role)


@pytest.mark.parametrize(
    ("text", "at", "unit", "subject"),
    [
        # the fresh judge exercise read "test data total about 500 MB" as a 'total size'
        ("the nightly logs add up to 2 TB", "2 TB", "bytes", "nightly logs total"),
        ("their photos total 40 GB", "40 GB", "bytes", "photos total"),
        ("refunds amount to 5 million", "5 million", "count", "refunds"),
        # "total" as a noun or an adverb names no owner
        ("a total of 3 GB", "3 GB", "bytes", "total size"),
    ],
)
def test_a_total_verb_names_what_is_totalled(text: str, at: str, unit: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.unit, item.subject) == (unit, subject)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # the fresh view-counter exercise read "5 min stale" as a 'page duration'
        ("counts may be 30 s stale", "30 s", "counts staleness"),
        ("Balances on the home screen can be 2 minutes stale.", "2 minutes", "balances staleness"),
        ("it is fine if dashboards are up to 1 minute stale", "1 minute", "dashboards staleness"),
        ("the leaderboard can be stale by up to 10 seconds", "10 seconds", "leaderboard staleness"),
    ],
)
def test_a_duration_stale_is_a_freshness_bound(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.unit, item.role, item.subject) == ("seconds", "staleness", subject)


@pytest.mark.parametrize(
    ("text", "at", "unit", "value", "subject"),
    [
        # the fresh email exercise read "one email in ten carries" as ten 'carries'
        ("one order in twenty is refunded", "twenty", "count", 20, "orders"),
        ("one order in twenty is refunded", "one", "label", 1, "order"),
        ("one box in ten gets a discount", "ten", "count", 10, "boxes"),
        ("one query in 1000 queries is slow", "1000", "count", 1000, "queries"),
        ("one in ten users is a paying customer", "one", "label", 1, "users"),
        # a place, not a share: the noun after N is another one
        ("Keep one copy in 3 datacenters.", "3", "count", 3, "datacenters"),
    ],
)
def test_one_in_n_is_a_share(text: str, at: str, unit: str, value: int, subject: str) -> None:
    item = _one(text, at)
    assert (item.unit, item.value, item.subject) == (unit, value, subject)


# Gaps from the second fresh batch (tests/draft/corpus/fresh2.yaml), read generically.


@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        ("About 3 million users, following maybe 50 feeds each on average.", "50", "user"),
        ("We have 2,000 drivers with 3 phones each.", "3", "driver"),
        ("10k servers, 40 disks each, all busy.", "40", "server"),
        # a postposed "each" belongs to its own number, not to a later one
        (
            "3 million users, following maybe 50 feeds each on average, though lots of them "
            "overlap, so it's more like 2 million distinct feeds in total.",
            "2 million",
            None,
        ),
        # "a match needs 10 players": a generic one (a/an) that needs, has or holds N things
        ("A match needs 10 players of similar skill.", "10", "match"),
        ("An order has 3 items on average.", "3", "order"),
        ("The cluster needs 10 servers.", "10", None),
        # "10,000 servers each emit 50 metrics": the each is before a verb, per server
        ("10,000 servers each emit 50 metrics per second.", "10,000", None),
    ],
)
def test_n_things_each_is_per_the_owner_before(text: str, at: str, per: str | None) -> None:
    assert _one(text, at).per == per


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        ("Articles average around 5 KB of text.", "5 KB", "articles"),
        ("We store 5 KB articles.", "5 KB", "articles"),
        ("Users post articles of about 5 KB.", "5 KB", "articles"),
        ("Each message is around 2 KB of JSON.", "2 KB", "message"),
    ],
)
def test_a_size_measures_the_noun_it_sizes(text: str, at: str, subject: str) -> None:
    assert subject in _one(text, at).subject.lower()


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        ("A match lasts about 25 minutes, then players queue again.", "25", "match"),
        ("Each session lasts 30 minutes on average.", "30", "session"),
    ],
)
def test_a_thing_that_lasts_is_the_subject(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert subject in item.subject.lower() and "last" not in item.subject.lower()


@pytest.mark.parametrize(
    ("text", "at", "peak"),
    [
        ("At peak one big survey can receive 500 answers per second.", "500", True),
        ("At peak, we see 20k writes per second.", "20k", True),
        ("During peak hours the API gets 8,000 requests per second.", "8,000", True),
        ("The API gets 8,000 requests per second at peak time.", "8,000", True),
        ("At peak one big survey can receive 500 answers per second.", "one", True),
        # an average stays an average, and another sentence is not touched
        ("At peak we see 9k reads per second; 3k reads per second on average.", "3k", False),
        ("At peak we see 9k reads/s. The rest of the day 1k reads per second.", "1k", False),
    ],
)
def test_a_peak_phrase_anywhere_in_the_sentence_marks_its_rates(
    text: str, at: str, peak: bool
) -> None:
    assert _one(text, at).peak is peak


@pytest.mark.parametrize(
    ("text", "within"),
    [
        # the fresh survey exercise: "updated each hour is enough" was not read at all
        ("Company owner want to see result charts, updated each hour is enough.", 3600),
        ("Dashboards: hourly is fine.", 3600),
        ("Reports refreshed once a day are OK.", 86_400),
        ("The totals can be updated every 10 minutes.", 600),
        ("Charts updated daily are good enough.", 86_400),
    ],
)
def test_an_update_period_that_is_enough_is_a_freshness_bound(text: str, within: int) -> None:
    found = [c for c in read_constraints(text) if c.kind == "freshness"]
    assert [c.within for c in found] == [Fraction(within)]


def test_an_update_period_alone_is_not_a_freshness_bound() -> None:
    assert [c for c in read_constraints("Users update their profile each day.")] == []


# Gaps from the third fresh batch (tests/draft/corpus/fresh3.yaml), read generically.


@pytest.mark.parametrize(
    ("text", "at", "subject", "per"),
    [
        (
            "Members search the catalog and borrow up to 10 books at a time.",
            "10",
            "books",
            "member",
        ),
        ("Avg 40 min audio (~20 MB).", "20 MB", "audio", None),
        ("Flag changes are rare, maybe 200 a day.", "200", "changes", None),
        # an avatar try: the subject was the adjective ('rare'), and the media operations were
        # named get_rare, download_rare, process_rare
        ("Uploads are rare, maybe 1 million a day.", "1 million", "uploads", None),
        ("Refunds are uncommon, about 3,000 a week.", "3,000", "refunds", None),
        ("Evaluations happen maybe 2 million times per second.", "2 million", "evaluations", None),
        ("All instances should see the change within 30 seconds.", "30", "change", None),
        ("Avg 40 min audio per meeting.", "40", "audio", None),
    ],
)
def test_fresh3_subjects(text: str, at: str, subject: str, per: str | None) -> None:
    item = _one(text, at)
    assert subject in item.subject.lower() and item.per == per


@pytest.mark.parametrize(
    ("text", "at", "value", "period", "subject"),
    [
        ("Each sensor reports once a minute.", "once", 1, "minute", "reports"),
        ("Clients poll twice an hour.", "twice", 2, "hour", "poll"),
        ("Owners change the setpoint a dozen times a day.", "a dozen", 12, "day", "setpoint"),
        ("Users refresh half a dozen times a day.", "half", 6, "day", "refresh"),
        ("Each meter reports once in a minute.", "once", 1, "minute", "reports"),
        # the rate opens its sentence: what happens is the clause after it
        ("Twice a minute the cache refreshes.", "Twice", 2, "minute", "cache refreshes"),
        ("A dozen times a day the app syncs.", "A dozen", 12, "day", "app syncs"),
    ],
)
def test_times_a_period_in_words_is_a_rate(
    text: str, at: str, value: int, period: str, subject: str
) -> None:
    """'once a minute', 'twice an hour', 'a dozen times a day': the 'a minute' / 'an hour'
    is the period (1 per minute), never dropped, wherever the rate sits in its sentence."""
    item = _one(text, at)
    assert (item.unit, item.value, item.period) == ("count", value, period)
    assert subject in item.subject


def test_half_of_a_number_word_is_one_number() -> None:
    """'half a dozen' is 6 and 'half a million' is 500,000 (were read as ½ and then 12)."""
    assert _one("Each user posts half a dozen times a week.", "half").value == 6
    assert _one("Half a million users sign in daily.", "Half").value == 500_000


@pytest.mark.parametrize(
    ("text", "at", "period"),
    [
        # a period in a new clause after "and" is that clause's own (fresh4)
        ("We have 40,000 shows right now and most publish weekly.", "40,000", None),
        ("Readings are kept for ninety days and owners see hourly charts.", "ninety", None),
        # an adverb before a noun is an adjective on it
        ("We keep 2 million readings and show hourly charts.", "2 million", None),
        # still a period where it is one
        ("We process 5k orders daily.", "5k", "day"),
        ("2M events daily from sensors.", "2M", "day"),
    ],
)
def test_a_period_word_in_another_clause_is_not_the_numbers(
    text: str, at: str, period: str | None
) -> None:
    assert _one(text, at).period == period


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        ("In report-card week the traffic is 10x higher.", "10x", "traffic"),
        ("Black Friday traffic is 5x higher than usual.", "5x", "traffic"),
        (
            "Each owner changes the setpoint from a phone app a dozen times a day.",
            "a dozen",
            "setpoint",
        ),
        ("Users check prices in the app 20 times a day.", "20", "prices"),
        ("Users open their feed 10 times a day.", "10", "feed"),
    ],
)
def test_what_a_factor_or_a_habit_is_about(text: str, at: str, subject: str) -> None:
    """'10x higher' multiplies the clause's subject, not 'higher'; 'N times a day' counts
    what the verb acts on, not the instrument in a prepositional phrase ('from a phone
    app')."""
    assert _one(text, at).subject.lower().split()[-1] == subject


def test_each_one_stands_for_the_counted_thing_and_joined_nouns_stay_joined() -> None:
    """'About two million thermostats are installed in homes, and each one reports its
    temperature and humidity once a minute': per thermostat (the thing the sentence
    counted), not per home (the nearest noun); the subject is both joined nouns."""
    item = _one(
        "About two million thermostats are installed in homes, and each one reports its "
        "temperature and humidity once a minute.",
        "once",
    )
    assert item.per == "thermostat"
    assert item.subject == "temperature and humidity"
    assert (item.value, item.period) == (1, "minute")


@pytest.mark.parametrize(
    ("text", "at", "seconds", "role", "subject"),
    [
        # the brief's thermostat task: "7" was left unplaced and asked about
        (
            "Homeowners check the latest value and a 7-day chart in an app.",
            "7",
            604_800,
            "window",
            "chart",
        ),
        ("They see a 24-hour graph of it.", "24", 86_400, "window", "graph"),
        (
            "Keep a 30-day history of every order.",
            "30",
            2_592_000,
            "retention",
            "history retention",
        ),
    ],
)
def test_a_hyphenated_duration_measures_the_noun_after_it(
    text: str, at: str, seconds: int, role: str, subject: str
) -> None:
    item = _one(text, at)
    assert item.unit == "seconds" and item.value == seconds
    assert item.role == role and item.subject == subject, item


def test_each_then_a_verb_in_s_is_per_the_people_before() -> None:
    """'each finishes about 5 matches a day': "each" takes a singular noun, so a word in -s
    after it is a verb, and the figure is per player (it was per 'finish')."""
    text = "10 million daily players, each finishes about 5 matches a day and submits a score."
    matches = next(q for q in read_quantities(text).placed if q.subject == "matches")
    assert matches.per == "player"


def test_a_rush_states_a_peak() -> None:
    """fresh8 fooddelivery: 'the dinner rush gets up to something like 150 orders per
    second' was read as an average."""
    text = "Customers place 600,000 orders a day, and the dinner rush gets up to something "
    text += "like 150 orders per second."
    rush = next(q for q in read_quantities(text).placed if q.text.startswith("150"))
    assert rush.peak


# --------------------------------------------------------------------------- subjects from
# general rules of English (fresh tasks' misreadings; sentences here are from other domains)


@pytest.mark.parametrize(
    ("text", "at", "word"),
    [
        # a pronoun subject stands for the subject of the clause before
        ("The export runs on a worker, it takes about 40 seconds.", "40 seconds", "export"),
        (
            "Geocoding goes through a partner API; it usually answers in 300 ms.",
            "300 ms",
            "geocoding",
        ),
    ],
)
def test_a_pronoun_subject_takes_the_noun_of_the_clause_before(
    text: str, at: str, word: str
) -> None:
    item = _one(text, at)
    assert word in item.subject.split(), item


@pytest.mark.parametrize(
    ("text", "at", "word"),
    [
        (
            "The dashboard shows the open tickets, they may be late up to 30 seconds.",
            "30",
            "tickets",
        ),
        (
            "The kiosk displays how many bikes are left at each station, it may be late at most "
            "5 seconds.",
            "5 seconds",
            "bikes",
        ),
    ],
)
def test_what_is_late_is_what_the_clause_before_shows(text: str, at: str, word: str) -> None:
    item = _one(text, at)
    assert item.role == "staleness" and word in item.subject.split(), item


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        (
            "If a courier does not confirm a pickup within 3 minutes we reassign it.",
            "3 minutes",
            "confirm pickup delay",
        ),
        (
            "When a driver doesn't accept a ride within 15 seconds, it goes to the next one.",
            "15 seconds",
            "accept ride delay",
        ),
    ],
)
def test_a_conjunction_is_never_the_subject_of_a_bound(text: str, at: str, subject: str) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at", "word"),
    [
        (
            "Editors update the price in the back office, which is synced to every store "
            "within 5 minutes.",
            "5 minutes",
            "price",
        ),
        (
            "Players change their avatar from the website, which is shown in the game within "
            "10 seconds.",
            "10 seconds",
            "avatar",
        ),
    ],
)
def test_a_relative_pronoun_stands_for_the_thing_acted_on_before(
    text: str, at: str, word: str
) -> None:
    item = _one(text, at)
    assert word in item.subject.split() and "which" not in item.subject.split(), item


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("The status page lists the past 90 days, and the log keeps 7 days.", "90 days"),
        ("Managers see the last 12 months on one chart.", "12 months"),
    ],
)
def test_the_last_n_days_is_a_window(text: str, at: str) -> None:
    item = _one(text, at)
    assert item.role == "window" and "last" not in item.subject.split(), item


@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        ("50 million products, ~4 KB of text each plus avg 3 images at 200 KB.", "3", "product"),
        ("10,000 stores, 2 MB of config each plus about 20 menus.", "20", "store"),
    ],
)
def test_each_before_a_conjunction_is_per_the_counted_owner(text: str, at: str, per: str) -> None:
    assert _one(text, at).per == per


@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        ("5M games/day, avg 2 players per game, max 8 spectators.", "8", "game"),
        ("300k uploads/month, max 20 files.", "20", "upload"),
    ],
)
def test_a_cap_in_a_list_is_per_the_first_items_noun_not_its_period(
    text: str, at: str, per: str
) -> None:
    item = _one(text, at)
    assert item.per == per and item.period is None, item


@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        ("The order is written to 2 disks before we answer.", "2", "order"),
        ("A chunk is stored on 4 servers.", "4", "chunk"),
    ],
)
def test_copies_a_thing_is_stored_on_are_per_that_thing(text: str, at: str, per: str) -> None:
    assert _one(text, at).per == per


@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        ("Each student can borrow at most 5 books per term.", "5", "student"),
        ("Every player gets at most 2 wildcards per round.", "2", "player"),
    ],
)
def test_a_cap_with_an_each_actor_is_per_the_actor(text: str, at: str, per: str) -> None:
    assert _one(text, at).per == per


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        ("We push to the app stores about 3 times a month.", "3", "push"),
        ("Drivers report to dispatch about 20 times a day.", "20", "report"),
    ],
)
def test_the_object_of_to_is_not_what_is_done_n_times(text: str, at: str, subject: str) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        ("We invite first 5 percent of the users, then 20 percent, then everyone.", "20", "users"),
        ("Roll out to 1% of the stores, then 25%, then all.", "25", "stores"),
    ],
)
def test_an_elided_share_takes_the_noun_of_the_share_before(
    text: str, at: str, subject: str
) -> None:
    item = _one(text, at)
    assert item.unit == "percent" and item.subject == subject, item


@pytest.mark.parametrize(
    ("text", "at", "value"),
    [
        ("At lunch the orders are 4 times the average.", "4", 4),
        ("On Mondays logins run 2 time the normal.", "2", 2),
    ],
)
def test_n_times_the_average_is_a_factor(text: str, at: str, value: int) -> None:
    item = _one(text, at)
    assert item.unit == "factor" and item.value == value, item


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        (
            "Patients get a reminder email 24 hours before their appointment.",
            "24 hours",
            "reminder email lead time",
        ),
        (
            "The system sends a warning 10 minutes before the auction ends.",
            "10 minutes",
            "warning lead time",
        ),
    ],
)
def test_a_duration_before_an_event_is_a_lead_time(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert item.role == "lead" and item.subject == subject, item


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        (
            "The screen shows the current score, at most 2 seconds old.",
            "2 seconds",
            "current score staleness",
        ),
        ("Inventory counts can be up to 1 minute old.", "1 minute", "inventory counts staleness"),
    ],
)
def test_n_seconds_old_is_staleness(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert item.role == "staleness" and item.subject == subject, item


@pytest.mark.parametrize(
    ("text", "at", "subject", "per"),
    [
        ("We ship 2,000 parcels a day, each seen about 4 times.", "4", "sees", "parcel"),
        ("About 500 reports a week, each read 30 times.", "30", "reads", "report"),
    ],
)
def test_each_then_an_irregular_participle_counts_that_action_per_thing(
    text: str, at: str, subject: str, per: str
) -> None:
    """'1,000 orders a day, each read 10 times' was a factor of 10 about 'read', per 'read'."""
    item = _one(text, at)
    assert (item.unit, item.subject, item.per) == ("count", subject, per), item


@pytest.mark.parametrize(
    ("text", "at", "subject", "per"),
    [
        ("Each active listener skips about 12 songs a day.", "12", "song skips", "listener"),
        ("Every shopper likes around 30 products in one day.", "30", "product likes", "shopper"),
        # a read or write the lexicon knows is read as such already: its things stay the subject
        ("Every shopper views around 30 products in one day.", "30", "products", "shopper"),
        ("Each user uploads about 2 photos a day.", "2", "photos", "user"),
    ],
)
def test_what_each_one_does_to_n_things_is_n_actions(
    text: str, at: str, subject: str, per: str
) -> None:
    """fresh8 dating: 'Each active user swipe about 100 profile in one day' counts swipes."""
    item = _one(text, at)
    assert (item.subject, item.per) == (subject, per), item


@pytest.mark.parametrize(
    ("text", "at", "subject", "period"),
    [
        (
            "We have 2 million members, about 400 thousand of them log in every day.",
            "400 thousand",
            "members",
            "day",
        ),
        (
            "The shop lists 80,000 products, and 5,000 of them change price every week.",
            "5,000",
            "products",
            "week",
        ),
    ],
)
def test_n_of_them_counts_what_the_pronoun_stands_for(
    text: str, at: str, subject: str, period: str
) -> None:
    item = _one(text, at)
    assert (item.subject, item.period) == (subject, period), item


@pytest.mark.parametrize(
    ("text", "at", "role"),
    [
        # 'late' names staleness only right before its bound, not as an adjective elsewhere
        ("Late orders are cancelled after 30 minutes.", "30 minutes", "expiry"),
        # what a clause keeps for the last N days is a retention, not a window on a chart
        ("We keep the last 90 days of invoices.", "90 days", "retention"),
    ],
)
def test_late_and_the_last_n_days_stay_in_their_place(text: str, at: str, role: str) -> None:
    assert _one(text, at).role == role


def test_it_stands_for_a_singular_noun_only() -> None:
    """'it' cannot stand for 'users': the bound is not the users' latency."""
    text = "Users open the app 5 times a day, it takes 2 seconds to start."
    assert "users" not in _one(text, "2 seconds").subject.split()


def test_what_each_one_gets_is_no_act() -> None:
    """A count each one gets or has is of the things, not of 'gets'."""
    item = _one("Every customer gets up to 3 free returns per month.", "3")
    assert (item.subject, item.per) == ("free returns", "customer"), item


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        ("Unless a user cancels within 10 minutes, the order ships.", "10 minutes", "cancel delay"),
        (
            "If the courier confirms the pickup within 3 minutes, we pay a bonus.",
            "3 minutes",
            "confirm pickup delay",
        ),
    ],
)
def test_a_conditional_bound_is_on_its_verb_without_an_auxiliary_too(
    text: str, at: str, subject: str
) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("Checking out a cart must answer within 300 milliseconds.", "300 milliseconds"),
        ("A price lookup should reply within 50 ms at the register.", "50 ms"),
    ],
)
def test_answering_within_a_bound_is_a_latency(text: str, at: str) -> None:
    assert _one(text, at).role == "latency"


def test_replicated_within_a_bound_stays_a_delay() -> None:
    item = _one("Every write is replicated to the other region within 5 seconds.", "5 seconds")
    assert item.role == "delay", item


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("On Fridays the bookings are 5 time more than average.", "5"),
        ("At lunch the orders run 3 times more than the usual.", "3"),
    ],
)
def test_n_times_more_than_average_is_a_factor(text: str, at: str) -> None:
    assert _one(text, at).unit == "factor"


@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        # "each" then a verb is a pronoun: each of the people or machines named before, even
        # across a semicolon or a full stop, never the verb itself
        ("A chat app for 5M members; each sends about 40 messages a day.", "40", "member"),
        ("The clinic serves 2,000 patients. Each books 3 visits a year.", "3", "patient"),
        ("We run 40k trucks; each reports its position 120 times an hour.", "120", "truck"),
    ],
)
def test_each_before_a_verb_is_each_of_the_people_named_before(
    text: str, at: str, per: str
) -> None:
    assert _one(text, at).per == per


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        ("each views 50 photos a day", "50", "photos"),
        ("each reads 10 articles a week", "10", "articles"),
    ],
)
def test_each_before_a_verb_with_no_one_named_is_per_nothing(
    text: str, at: str, subject: str
) -> None:
    item = _one(text, at)
    assert (item.subject, item.per) == (subject, None)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # a size after counted things, joined by a participle, is one such thing's size
        ("Each clinic uploads 300 scans a day averaging 20 MB.", "20 MB", "scan size"),
        ("Every driver sends 5 photos a week, weighing about 2 MB.", "2 MB", "photo size"),
        # "N MB each": the size of each of the things named just before
        ("We archive the invoices, about 200 KB each, for 7 years.", "200 KB", "invoice size"),
        ("Sensors post a reading every 30 seconds (around 100 bytes each).", "100", "reading size"),
        ("Podcasts are long, maybe 80 MB each.", "80 MB", "podcast size"),
    ],
)
def test_a_size_of_each_thing_is_that_things_size(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.subject, item.per) == (subject, None)


@pytest.mark.parametrize(
    ("text", "at", "subject", "per", "period"),
    [
        # a sentence about "a" person is about each one (a generic), and a bare frequency
        # counts the verb's acts on its object (not the place it happens in)
        (
            "A patient checks their lab results in the portal about twice a month.",
            "twice",
            "result checks",
            "patient",
            "month",
        ),
        (
            "A driver refreshes the map on the phone about 3 times a minute.",
            "3",
            "map refreshes",
            "driver",
            "minute",
        ),
    ],
)
def test_a_generic_persons_habit_is_per_that_person(
    text: str, at: str, subject: str, per: str, period: str
) -> None:
    item = _one(text, at)
    assert (item.subject, item.per, item.period) == (subject, per, period)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # a relative clause names where the thing goes, not what is done N times
        (
            "each sensor pushes its readings to the gateway that serves the floor 4 times a minute",
            "4",
            "readings",
        ),
        (
            "Every courier sends its location to the hub which tracks the route 6 times a minute",
            "6",
            "location",
        ),
    ],
)
def test_a_relative_clause_is_not_what_is_done_n_times(text: str, at: str, subject: str) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at", "word"),
    [
        # "more like N": a hedge; N is another figure of the thing counted before
        (
            "On a normal day we host about 2,000 games at once. At the weekend peak it's more "
            "like 9,000.",
            "9,000",
            "games",
        ),
        (
            "Normally around 500 tickets are open at a time, but on launch day it's more like "
            "5,000.",
            "5,000",
            "tickets",
        ),
    ],
)
def test_more_like_n_is_the_thing_counted_before(text: str, at: str, word: str) -> None:
    assert word in _one(text, at).subject


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # "exam week", "match day" name when; "up to N … at the same time" is a peak
        ("during exam week up to 20,000 pupils log in at the same time", "20,000"),
        ("On match day up to 70,000 fans watch at once", "70,000"),
    ],
)
def test_up_to_n_at_once_is_a_peak_of_no_time_word(text: str, at: str) -> None:
    item = _one(text, at)
    assert (item.per, item.peak) == (None, True)


@pytest.mark.parametrize(
    "text", ["On a match night 30,000 fans watch at once.", "Up to 200 jobs run at once."]
)
def test_at_once_is_a_label_not_a_count(text: str) -> None:
    assert _one(text, "once").unit == "label"


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # a plural people noun ends its phrase: English modifies a noun with the singular
        # ("user profiles"), so a word after "riders" is the riders' verb
        ("About 2 million riders book trips every week.", "2 million", "riders"),
        ("Some 300k drivers share their location every 4 seconds.", "300k", "drivers"),
    ],
)
def test_a_plural_people_noun_ends_the_counted_phrase(text: str, at: str, subject: str) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # a share followed by a verb is a share of what the clause before counted
        ("Orders come in waves: 70% arrive in the first hour.", "70%", "orders"),
        (
            "Payments are bursty, and 60% happen within 5 minutes of payday.",
            "60%",
            "payments",
        ),
    ],
)
def test_a_share_before_a_verb_is_of_the_things_named_before(
    text: str, at: str, subject: str
) -> None:
    assert _one(text, at).subject.lower() == subject


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # a job that must finish in N: how long the job runs, not a latency of 'finish'
        ("The nightly export must complete within 2 hours.", "2 hours", "nightly export duration"),
        ("Each payroll batch has to finish in under 40 minutes.", "40", "payroll batch duration"),
    ],
)
def test_a_job_that_must_finish_in_n_is_its_duration(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.role, item.subject) == ("duration", subject)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # "N% of the time" is how much of the time the clause's subject works: its uptime
        ("The checkout must be up 99.95% of the time.", "99.95%", "checkout uptime"),
        ("Our API should be available 99.9% of time.", "99.9%", "api uptime"),
    ],
)
def test_n_percent_of_the_time_is_an_uptime(text: str, at: str, subject: str) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at", "word"),
    [
        # "it is N times more": the pronoun stands for the thing counted before
        (
            "We sell 3,000 tickets a day, and on Fridays when the fans come it is 5 time more "
            "than average.",
            "5",
            "tickets",
        ),
        ("Riders book 40k trips an hour; at rush hour it is 3x the average.", "3x", "trips"),
    ],
)
def test_it_is_n_times_more_is_a_factor_of_the_thing_counted_before(
    text: str, at: str, word: str
) -> None:
    item = _one(text, at)
    assert item.unit == "factor" and word in item.subject, item


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # a screen that must show a change in N: the delay before the change shows there
        (
            "After a price changes, every shelf label must display it in under 5 seconds.",
            "5",
            "shelf label delay",
        ),
        (
            "When an order ships, the tracking page should show it in less than 10 seconds.",
            "10",
            "tracking page delay",
        ),
    ],
)
def test_showing_a_change_in_n_is_a_delay(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.role, item.subject) == ("delay", subject)


@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        # what N times a period is per ends with its sentence (not 'of every bed' after it)
        ("Each nurse opens the board 40 times a day. We log every bed.", "40", "nurse"),
        ("Clients poll 5 times a minute. The history of every order is kept.", "5", None),
        ("Phones sync 12 times an hour per device.", "12", "device"),
    ],
)
def test_n_times_a_period_is_per_nothing_in_the_next_sentence(
    text: str, at: str, per: str | None
) -> None:
    assert _one(text, at).per == per


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # digits glued after letters are part of a name (MP3, S3, EC2), a label, not a measure
        ("Episodes are MP3s of around 50 MB.", "3s"),
        ("Files go to S3 and EC2 workers resize 200 of them.", "3 "),
        ("Videos are H264 at 3 Mbps.", "264"),
    ],
)
def test_digits_inside_a_name_are_a_label(text: str, at: str) -> None:
    assert _one(text, at).unit == "label"


@pytest.mark.parametrize(
    "sentence",
    [
        # an outsider's parking lot: "compute fees at 2 dollars per hour" drafted every
        # method at 0.5 calls an hour ("calls per process ... 2 dollars per hour")
        "Track which vehicle is where and compute fees at 2 dollars per hour.",
        "Riders pay $3 per ride and drivers keep 80% of it.",
        "Premium costs 10 euros a month.",
    ],
)
def test_an_amount_of_money_is_a_price_not_a_count_or_a_rate(sentence: str) -> None:
    reading = read_quantities(normalize(sentence))
    money = [q for q in reading.placed if q.unit == "money"]
    assert len(money) == 1, reading.placed
    assert money[0].per_second is None or money[0].unit != "count"
    assert not any(q.unit == "count" and q.per_second for q in reading.placed)


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        # fresh10's guesthouse: the second figure was read with the subject 'become' (the
        # verb) and as no peak, and drafted 9M bookings an hour ('become writes')
        (
            "People search free room for their dates around 600 search per second, and in "
            "summer evening it become 2,500 per second.",
            "search",
        ),
        (
            "The API serves 300 requests per second; on Mondays it reaches 900 per second.",
            "requests",
        ),
        # an outsider's ID service: 'peaking' was the subject of 1M/s, so the stated peak
        # gave no peak factor (an assumed 3x)
        (
            "They ask for about 200k IDs per second in total, peaking at 1M per second.",
            "IDs",
        ),
        (
            "We process 40 checkouts per second, spiking to 400 per second on sale days.",
            "checkouts",
        ),
    ],
)
def test_it_becomes_a_higher_figure_is_the_same_things_peak(sentence: str, subject: str) -> None:
    placed = [q for q in read_quantities(normalize(sentence)).placed if q.period is not None]
    assert len(placed) == 2, placed
    first, second = placed
    assert second.subject == first.subject and subject in second.subject
    assert second.peak and not first.peak


@pytest.mark.parametrize(
    ("text", "per_second"),
    [
        # the notifications try: "Third-party providers limit us to 20k emails per second"
        # was read as a second load figure, with no quota
        ("Third-party providers limit us to 20k emails per second.", 20_000),
        ("The SMS gateway limits us to 300 texts a second.", 300),
        ("The bank allows at most 10 requests per second.", 10),
    ],
)
def test_a_provider_limit_is_an_external_quota(text: str, per_second: int) -> None:
    found = [c for c in read_constraints(text) if c.kind == "external_quota"]
    assert [c.rate for c in found] == [Fraction(per_second)]


# fresh10's course sign-up: "add/drop runs 2 wks" was read as a count of 2 'wks'
@pytest.mark.parametrize(
    ("text", "at", "value"),
    [
        ("The beta runs 3 wks before launch.", "3 wks", Fraction(3 * 7 * 86_400)),
        ("Backups are kept 6 wks.", "6 wks", Fraction(6 * 7 * 86_400)),
    ],
)
def test_wks_is_weeks(text: str, at: str, value: Fraction) -> None:
    item = _one(text, at)
    assert (item.unit, item.value) == ("seconds", value)


# fresh10's tiny codes: "Codes live 5 yrs, then freed" was read as a 'live duration'
@pytest.mark.parametrize(
    ("text", "at", "thing"),
    [
        ("Receipts live 7 years in the archive.", "7 years", "receipt"),
        ("Uploaded files live 90 days, then they are purged.", "90 days", "file"),
    ],
)
def test_things_that_live_a_time_have_that_lifetime(text: str, at: str, thing: str) -> None:
    item = _one(text, at)
    assert item.role == "retention" and thing in item.subject, item


# fresh10's tiny codes: "4B bounces/month, peak 6x avg" read as a factor of 'avg'
@pytest.mark.parametrize(
    ("text", "at", "thing"),
    [
        ("Logins: 50k/hour, peak 3x avg.", "3x", "logins"),
        ("We take 40 uploads/s, peaking at 4x the average.", "4x", "uploads"),
    ],
)
def test_a_multiple_of_the_average_multiplies_the_thing_counted(
    text: str, at: str, thing: str
) -> None:
    item = _one(text, at)
    assert item.unit == "factor" and thing in item.subject.lower(), item


# fresh10's web visitor: "No website may get more than thirty requests a minute" read as a
# total, not a ceiling per website
@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        ("No user may send more than 20 messages a minute.", "20", "user"),
        ("No tenant can run more than 5 jobs per second.", "5", "tenant"),
    ],
)
def test_no_one_may_do_more_than_n_is_a_ceiling_per_one(text: str, at: str, per: str) -> None:
    assert _one(text, at).per == per


# fresh10's web visitor: "The list of addresses still waiting … grows to around five billion"
# was left unplaced (the noun is before the verb)
@pytest.mark.parametrize(
    ("text", "at", "thing"),
    [
        ("The backlog of unsent emails grows to about two million.", "two million", "emails"),
        ("The set of active sessions grows to 800k.", "800k", "sessions"),
    ],
)
def test_what_grows_to_a_number_is_counted_by_it(text: str, at: str, thing: str) -> None:
    item = _one(text, at)
    assert item.unit == "count" and thing in item.subject and item.period is None, item


# fresh10's refills: "90,000 refill requests a day, 70% of them arrive within 4 hours in the
# morning" read with the subject 'them arrive' and a delay 'arrive delay'
@pytest.mark.parametrize(
    ("text", "share", "thing", "window", "when"),
    [
        (
            "We get 40,000 support tickets a week, 60% of them arrive within 2 days of a release.",
            "60%",
            "tickets",
            "2 days",
            "",
        ),
        (
            "Shops place 12,000 orders a day, 50% of them come within 3 hours in the evening.",
            "50%",
            "orders",
            "3 hours",
            "evening",
        ),
    ],
)
def test_a_share_of_them_within_a_time_is_a_burst_window(
    text: str, share: str, thing: str, window: str, when: str
) -> None:
    assert thing in _one(text, share).subject
    item = _one(text, window)
    assert item.role == "window" and when in item.subject, item


# fresh10's live scores: "Each update has to reach the phones of everybody following that
# game in under 2 seconds" read as a 'game latency'
@pytest.mark.parametrize(
    ("text", "at", "thing"),
    [
        (
            "Each alert has to reach the on-call engineer's phone in under 10 seconds.",
            "10",
            "alert",
        ),
        ("Every message must arrive at the recipient's device within 3 seconds.", "3", "message"),
    ],
)
def test_what_must_reach_someone_in_a_time_has_a_delivery_delay(
    text: str, at: str, thing: str
) -> None:
    item = _one(text, at)
    assert item.role == "delay" and thing in item.subject and "delivery" in item.subject, item


@pytest.mark.parametrize(
    "text",
    [
        "Requests reach the server in under 50 ms.",
        "Each search query has to reach the index in under 30 ms.",
    ],
)
def test_a_request_reaching_the_system_in_a_time_is_its_latency(text: str) -> None:
    """A request is answered: its bound is the request's latency, not a delivery delay."""
    assert _one(text, " ms").role == "latency"


# fresh10's live scores: "a big derby can have 5 million followers" read per user
@pytest.mark.parametrize(
    "text",
    [
        "A popular streamer can have 2 million followers.",
        "A large account may have 50 million followers.",
    ],
)
def test_followers_of_one_big_thing_are_its_own_not_per_user(text: str) -> None:
    item = _one(text, "million")
    assert item.per is None and item.subject == "followers", item


# fresh10's live scores: "20 million app users, and at the weekend peak maybe 8 million of
# them are connected" read with the subject 'them'
@pytest.mark.parametrize(
    ("text", "at", "words"),
    [
        (
            "We have 50 million registered users, and at peak about 5 million of them are online.",
            "5 million",
            ("users", "online"),
        ),
        (
            "The fleet has 10,000 trucks; 2,000 of them are idle at night.",
            "2,000",
            ("trucks", "idle"),
        ),
    ],
)
def test_n_of_them_are_something_counts_those_things(
    text: str, at: str, words: tuple[str, ...]
) -> None:
    item = _one(text, at)
    assert all(w in item.subject for w in words), item


# fresh10's live scores: "People also open the scores screen a lot, like 150 million times on
# a Saturday" read as a factor with the subject 'like'
@pytest.mark.parametrize(
    ("text", "at", "thing"),
    [
        ("Drivers check the route map a lot, like 30 times on a Monday.", "30", "route map"),
        (
            "Customers open the order page often, around 2 million times on a Friday.",
            "2 million",
            "order page",
        ),
    ],
)
def test_n_times_on_a_weekday_counts_the_act_of_the_clause_before(
    text: str, at: str, thing: str
) -> None:
    item = _one(text, at)
    assert (item.unit, item.period) == ("count", "day") and thing in item.subject, item


# fresh9's beds: "About 5,000 nurse look on the bed board, every nurse around 40 time in a
# day" read with the subject 'nurse', not the board views each nurse makes
@pytest.mark.parametrize(
    ("text", "at", "thing", "per"),
    [
        (
            "About 2,000 drivers check the delivery list, every driver around 15 times a day.",
            "15",
            "delivery list",
            "driver",
        ),
        (
            "About 400 clerk look at the queue screen, every clerk around 30 time in a day.",
            "30",
            "queue screen",
            "clerk",
        ),
    ],
)
def test_every_one_n_times_a_day_counts_the_act_of_the_clause_before(
    text: str, at: str, thing: str, per: str
) -> None:
    item = _one(text, at)
    assert item.period == "day" and thing in item.subject and item.per == per, item


# fresh9's beds: "About 5,000 nurse look on the bed board" counted 'nurse look', so the 40
# board views per nurse could not be multiplied by the nurses
@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        (
            "About 300 guard look at the camera wall, every guard around 20 time in a day.",
            "300",
            "guard",
        ),
        ("Some 2,000 shopper click on the banner every day.", "2,000", "shopper"),
    ],
)
def test_a_verb_with_at_or_on_ends_the_counted_noun(text: str, at: str, subject: str) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at", "per"),
    [
        # fresh11's gatekeeper: 'A partner may make at most six hundred calls a minute' was
        # read as all calls (the system's load), not each partner's allowance
        (
            "A tenant may store at most two hundred files a day and at most 5,000 files a month.",
            "two hundred",
            "tenant",
        ),
        (
            "A tenant may store at most two hundred files a day and at most 5,000 files a month.",
            "5,000",
            "tenant",
        ),
        ("A driver can accept at most 30 rides an hour.", "30", "driver"),
    ],
)
def test_a_cap_on_what_a_generic_one_may_do_is_per_that_one(text: str, at: str, per: str) -> None:
    assert _one(text, at).per == per


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh11's standings: 'final table archived 1 yr' was an 'archived duration'
        ("Nightly exports, invoices archived 10 yrs.", "10 yrs", "invoices retention"),
        ("Daily reports are archived for 2 years.", "2 years", "reports retention"),
    ],
)
def test_archived_for_a_time_is_a_retention(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.role, item.subject) == ("retention", subject)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh11's help desk: 'Monday mornings run at 3x the daily average' was a factor of
        # 'run' (the verb), not of the tickets whose daily average it multiplies
        (
            "The shop takes 5,000 orders a day; Friday evenings run at 4x the daily average.",
            "4x",
            "orders",
        ),
        ("Support gets 900 chats a day. Lunch hours run at 3x the hourly average.", "3x", "chats"),
    ],
)
def test_a_multiple_of_the_average_at_a_time_multiplies_the_thing_counted(
    text: str, at: str, subject: str
) -> None:
    item = _one(text, at)
    assert (item.unit, item.subject) == ("factor", subject)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # 'Checkouts run at 40 per second' was read with the subject 'run' (the verb)
        ("Checkouts run at 40 per second.", "40", "Checkouts"),
        ("Payments run at about 200 per minute at peak.", "200", "Payments"),
        ("The nightly export runs at 3 per hour.", "3", "export"),
    ],
)
def test_a_rate_after_its_verb_counts_the_verbs_subject(text: str, at: str, subject: str) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at", "period"),
    [
        # fresh11's fare taps: 'In a normal day is around 4 million tap' was read as a count of
        # 4 million taps, without the day the sentence opens with
        ("On a typical day we see about 300,000 logins.", "300,000", "day"),
        ("In a busy week the clinic books 12,000 appointments.", "12,000", "week"),
        ("Every hour the sensors send 40,000 readings.", "40,000", "hour"),
    ],
)
def test_a_period_that_opens_the_sentence_is_the_counts(text: str, at: str, period: str) -> None:
    assert _one(text, at).period == period


@pytest.mark.parametrize(
    ("text", "at", "subject", "per"),
    [
        # fresh11's telethon: '90 donations a second at the top' was no peak and per
        # 'december' (from 'every December'); 'plan for 150 a second' was about 'plan'
        (
            "Every March the tax deadline comes and last year we hit 300 filings a second at "
            "the top, so we plan for 500 a second this year.",
            "300",
            "filings",
            None,
        ),
        (
            "Every March the tax deadline comes and last year we hit 300 filings a second at "
            "the top, so we plan for 500 a second this year.",
            "500",
            "filings",
            None,
        ),
        (
            "The arena sells 40 tickets a minute; for the final, prepare for 900 a minute.",
            "900",
            "tickets",
            None,
        ),
    ],
)
def test_a_figure_to_plan_for_is_the_peak_of_the_thing_counted(
    text: str, at: str, subject: str, per: str | None
) -> None:
    item = _one(text, at)
    assert (item.subject, item.peak, item.per) == (subject, True, per)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh11's telethon: 'should never be more than 10 seconds behind' was a 'tv duration'
        (
            "The sales dashboard must never be more than 5 minutes behind.",
            "5 minutes",
            "sales dashboard delay",
        ),
        (
            "The search index can be up to 30 seconds behind the database.",
            "30 seconds",
            "search index delay",
        ),
    ],
)
def test_a_time_behind_is_a_delay(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.role, item.subject) == ("delay", subject)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # fresh11's bike share: 'No bike may be handed to two riders' drafted a system of two
        # users; a number a rule forbids is no count of anything
        ("No seat may be sold to two passengers.", "two"),
        ("No parcel can be assigned to 2 couriers at once.", "2"),
    ],
)
def test_a_number_a_rule_forbids_is_a_label(text: str, at: str) -> None:
    assert _one(text, at).unit == "label"


def test_a_cap_a_rule_states_stays_a_count() -> None:
    item = _one("No user may have more than 5 open sessions.", "5")
    assert (item.unit, item.value) == ("count", 5)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # a period opening the sentence says when, not over what, for what is there at once
        # (tasks.yaml's collab board: 'on a busy day we have maybe 80k boards open at once')
        ("On a normal day the warehouse holds 20,000 pallets.", "20,000"),
        ("On a busy day about 3,000 games are running at once.", "3,000"),
    ],
)
def test_an_opening_period_is_no_period_of_what_is_there_at_once(text: str, at: str) -> None:
    assert _one(text, at).period is None


def test_what_is_seen_behind_is_what_lags() -> None:
    # fresh8's food delivery: 'shouldn't see the courier more than 10 seconds behind'
    item = _one("Fans must never see the score more than 5 seconds behind.", "5 seconds")
    assert (item.role, item.subject) == ("delay", "score delay")


@pytest.mark.parametrize(
    ("text", "at", "subject", "period"),
    [
        (
            "Customers place orders through the app, about 300,000 a day, averaging 2 KB.",
            "300,000",
            "orders",
            "day",
        ),
        (
            "Sensors send readings to the gateway, roughly 40,000 a minute.",
            "40,000",
            "readings",
            "minute",
        ),
    ],
)
def test_a_bare_count_set_off_after_a_clause_counts_its_object(
    text: str, at: str, subject: str, period: str
) -> None:
    item = _one(text, at)
    assert (item.unit, item.subject, item.period) == ("count", subject, period)


def test_a_size_after_a_bare_count_is_one_counted_things() -> None:
    item = _one(
        "Customers place orders through the app, about 300,000 a day, averaging 2 KB.", "2 KB"
    )
    assert (item.unit, item.subject) == ("bytes", "order size")


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        (
            "The bank processes 5 million payments a day; payroll batches process 1 million in "
            "10 minutes.",
            "1 million",
            "payments",
        ),
        (
            "Readers borrow 40,000 books a month, and schools that borrow 5,000 in one week "
            "need a bigger share.",
            "5,000",
            "books",
        ),
        # the notifications try as written: the verb's earlier object has no count after it,
        # the count comes after a colon
        (
            "We want to send notifications (push, email, SMS) for our apps: about 100 million "
            "notifications a day, with marketing campaigns that send 10 million in 5 minutes.",
            "10 million",
            "notifications",
        ),
        (
            "Drivers report their position from the app: about 2 million positions an hour; "
            "at rush hour they report 1 million in 10 minutes.",
            "1 million",
            "positions",
        ),
    ],
)
def test_a_bare_count_after_a_repeated_verb_counts_the_verbs_earlier_object(
    text: str, at: str, subject: str
) -> None:
    assert _one(text, at).subject == subject


def test_a_count_within_a_duration_has_it_as_its_window() -> None:
    text = (
        "The bank processes 5 million payments a day; payroll batches process 1 million in "
        "10 minutes."
    )
    item = _one(text, "10 minutes")
    assert (item.value, item.role) == (600, "window")


@pytest.mark.parametrize(
    ("text", "at", "subject", "window"),
    [
        (
            "Each device backs up once a day. At midnight 40% of all backups start within the "
            "same minute.",
            "40%",
            "backups",
            60,
        ),
        (
            "Each student submits once a week. On Sunday night 60% of the submissions arrive in "
            "the same hour.",
            "60%",
            "submissions",
            3600,
        ),
    ],
)
def test_a_share_within_the_same_period_is_a_burst_window(
    text: str, at: str, subject: str, window: int
) -> None:
    reading = read_quantities(normalize(text))
    share = _one(text, at)
    assert share.subject == subject
    spans = [q for q in reading.placed if q.role == "window" and q.start > share.start]
    assert [(q.unit, q.value) for q in spans] == [("seconds", window)]


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        ("Each trailer is watched about 40 times.", "40 times", "views"),
        ("Every message is pushed around 3 times.", "3 times", "pushes"),
    ],
)
def test_a_participle_done_n_times_counts_its_act_as_a_noun(
    text: str, at: str, subject: str
) -> None:
    assert _one(text, at).subject == subject


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # fresh12's ride hailing: 'a driver cannot take two passenger in same time' drafted a
        # system of two users; a rule about what one thing may not do forbids the number
        ("A table cannot be booked by two guests at the same time.", "two"),
        ("A tutor may not teach three students in the same slot.", "three"),
        ("Orders are packed within an hour, and a packer cannot handle two orders at once.", "two"),
    ],
)
def test_a_number_a_rule_about_one_thing_forbids_is_a_label(text: str, at: str) -> None:
    assert _one(text, at).unit == "label"


def test_a_cap_a_rule_about_one_thing_states_stays_a_count() -> None:
    item = _one("A user cannot have more than 5 open sessions.", "5")
    assert (item.unit, item.value) == ("count", 5)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh12's door locks: 'temporary access codes, valid for up to 14 days'
        (
            "Customers receive discount coupons, valid for up to 30 days.",
            "30 days",
            "coupon validity",
        ),
        (
            "The app sends password reset links, valid for at most 15 minutes.",
            "15 minutes",
            "link validity",
        ),
    ],
)
def test_valid_for_up_to_is_an_expiry(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.role, item.subject) == ("expiry", subject)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh12's sync: 'on weekday mornings up to four hundred a second' is when the peak
        # comes, not a rate per morning
        (
            "Shoppers place about 2 million orders a day, and on Friday evenings up to 300 a "
            "second.",
            "300",
            "orders",
        ),
        (
            "Players finish 800,000 matches a day, and on weekend nights up to 40 a second.",
            "40",
            "matches",
        ),
    ],
)
def test_up_to_after_a_when_word_is_a_peak_of_the_thing_counted(
    text: str, at: str, subject: str
) -> None:
    item = _one(text, at)
    assert (item.subject, item.per, item.peak, item.period) == (subject, None, True, "second")


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh12's ride hailing: 'in the most busy hour of the evening 25,000 of them is working'
        (
            "We have 9,000 nurses on staff, and in the most busy hour 2,000 of them are working.",
            "2,000",
            "working nurses",
        ),
        (
            "The shop has 40,000 sellers, and in the most busy hour of the day 6,000 of them are "
            "selling.",
            "6,000",
            "selling sellers",
        ),
    ],
)
def test_n_of_them_doing_at_the_most_busy_hour_is_a_peak(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.unit, item.subject, item.peak, item.period) == ("count", subject, True, None)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh12's scooters: 'at the busiest time of day maybe 4,000 are being ridden at once'
        (
            "We rent out 5,000 bikes, and at the busiest time of day maybe 1,200 are being "
            "ridden at once.",
            "1,200",
            "bikes",
        ),
        (
            "The fleet has 300 trucks; at the busiest time about 250 are being driven.",
            "250",
            "trucks",
        ),
    ],
)
def test_a_bare_count_in_use_at_the_busiest_time_counts_the_fleet_before(
    text: str, at: str, subject: str
) -> None:
    item = _one(text, at)
    assert (item.unit, item.subject, item.peak, item.period) == ("count", subject, True, None)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh12's scooters: 'makes a route for each of our 60 swap vans' is 60 vans in all
        (
            "Every hour the system builds a schedule for each of our 40 delivery trucks.",
            "40",
            "delivery trucks",
        ),
        ("A report is made for each of the 12 regional offices.", "12", "regional offices"),
    ],
)
def test_each_of_our_n_things_counts_them_all(text: str, at: str, subject: str) -> None:
    item = _one(text, at)
    assert (item.subject, item.per) == (subject, None)


@pytest.mark.parametrize(
    ("text", "at", "subject"),
    [
        # fresh12's scooters: 'The drivers mark each swap done in their app, that's about
        # 9,000 swaps a day' is the swaps in all, not 9,000 per swap
        (
            "Cashiers scan each item at the till, that's about 2 million items a day.",
            "2 million",
            "items",
        ),
        (
            "Nurses log each dose in the chart, that's around 50,000 doses a week.",
            "50,000",
            "doses",
        ),
    ],
)
def test_a_count_of_the_things_an_earlier_each_named_is_their_total(
    text: str, at: str, subject: str
) -> None:
    item = _one(text, at)
    assert (item.subject, item.per) == (subject, None)
