"""Blocks chosen by what a task asks for, not by one keyword (fresh11): a rate limiter
described as a gatekeeper that refuses a caller's calls over its allowance, a bike-share's
docks and unlocks, donations with a running total, fare taps decided at the gate and charged
later, live standings carried by their score updates. Each block is also tried on tasks in
other words, written here with their expected facts before the drafter was run on them."""

from __future__ import annotations

import functools

import pytest

from archproof.frontends.draft import Draft, draft
from archproof.model import ComponentKind
from archproof.passes.lower import lower


@functools.cache
def _draft(task: str) -> Draft:
    return draft(task)


def _kinds(d: Draft) -> set[ComponentKind]:
    return {c.kind for c in d.design.components}


def _ops(d: Draft) -> list[str]:
    return [o.id for o in d.design.operations]


def _op(d: Draft, *words: str) -> str:
    found = [o for o in _ops(d) if any(w in o for w in words)]
    assert found, f"no operation named {'/'.join(words)} among {_ops(d)}"
    return found[0]


# A rate limiter asked without its name: what is refused, per caller, over a window.
LIMITERS = [
    # fresh11's gatekeeper-words
    "Our public interface for outside developers is used by about forty thousand partner "
    "companies. We need a shared gatekeeper that our web servers ask before they serve a call: "
    "has this partner used up its allowance yet? A partner may make at most six hundred calls "
    "a minute and at most fifty thousand calls a day. Across all partners the servers see about "
    "twenty thousand calls a second on average and up to ninety thousand a second at the "
    "busiest moment. Asking the gatekeeper may add no more than five milliseconds to a call, "
    "and if the gatekeeper is unreachable the call should go through rather than fail.",
    # two of our own, in other words
    "We want a component that every one of our API servers consults before answering: each "
    "customer key is allowed no more than 1,000 requests an hour, and a request over that is "
    "refused. There are 200,000 customer keys and 5,000 requests per second in total.",
    "Build the piece that decides whether a caller may go on: every app can send up to 20 "
    "requests per second, anything beyond is turned away with an error. 3 million apps, "
    "peak 80,000 requests per second overall.",
]


@pytest.mark.parametrize("task", LIMITERS, ids=["gatekeeper", "consults", "may-go-on"])
def test_a_limiter_described_not_named_counts_and_refuses_calls(task: str) -> None:
    """The gatekeeper was drafted as CRUD over 'items': its words ('allowance', 'may make at
    most 600 calls a minute') called no block, so the limiter was never the main job."""
    d = _draft(task)
    assert d.patterns[0] == "rate_limit", d.patterns
    assert {ComponentKind.SERVICE, ComponentKind.DATABASE} <= _kinds(d)
    assert "Item" not in {e.id for e in d.design.entities}
    # the allowances in the database; the counters beside them or in the limiter's memory
    assert "Quota" in {e.id for e in d.design.entities}
    check = _op(d, "check", "allow", "admit")
    assert d.design.operations[0].id == check


@pytest.mark.parametrize(
    ("task", "field", "want"),
    [
        (LIMITERS[1], "average", 5_000),
        (LIMITERS[2], "peak", 80_000),
    ],
    ids=["consults", "may-go-on"],
)
def test_every_call_is_one_check(task: str, field: str, want: int) -> None:
    """The calls in all are the checks, not a caller's allowance ('every app can send up to 20
    requests per second' × 3M apps was 60M/s)."""
    d = _draft(task)
    rate = lower(d.design).rate(_op(d, "check", "allow", "admit"))
    assert float(getattr(rate, field)) == pytest.approx(want)


def test_a_callers_allowance_is_not_the_load() -> None:
    """'A partner may make at most six hundred calls a minute' is an allowance, per partner
    though the reader reads no per: the gatekeeper's check carried it (10/s) as the whole
    load, and the stated 20,000 calls a second (90,000 at the busiest moment) were lost."""
    d = _draft(LIMITERS[0])
    rate = lower(d.design).rate(_op(d, "check", "allow", "admit"))
    assert float(rate.average) == pytest.approx(20_000)
    assert float(rate.peak) == pytest.approx(90_000)


def test_a_limit_a_visitor_receives_is_no_limiter() -> None:
    """'No website may get more than thirty requests a minute' is a crawler's politeness:
    what a site receives, not what a caller may make."""
    d = _draft(
        "Our search team needs a program that visits pages across the public web: 300 million "
        "pages a day. No website may get more than thirty requests a minute."
    )
    assert "rate_limit" not in d.patterns


# Shared vehicles rented from docks or the street: a hold on one vehicle, never two riders.
RENTALS = [
    # fresh11's bikedocks-mixed: unlocks 250k/day = 2.894/s, 60/s at peak; 1,200 stations
    # every 30 s = 40 reports/s
    (
        "Bike-share backend for a city: 1,200 docking stations, 15k bikes. Every station pushes "
        "its dock states every 30 s (~2 KB per msg). Unlocks: ~250k/day avg, 60/s at the evening "
        "peak; an unlock from the app must finish in < 1.5 s incl. the dock releasing the lock. "
        "No bike may be handed to two riders. Keep ride history 3 yrs, raw station pings 14 "
        "days, total ~0.5 TB.",
        250_000 / 86_400,
        60,
        40,
    ),
    # our own: 500,000 / 86,400 = 5.787/s, 120/s at peak; 40,000 scooters / 60 s = 666.7/s
    (
        "E-scooter rental in three cities: 40,000 scooters parked on the street. Riders unlock a "
        "scooter in the app, about 500,000 unlocks a day and 120 per second at the Friday "
        "evening peak; a scooter must never be rented to two people at once. Each scooter sends "
        "its battery level every 60 seconds.",
        500_000 / 86_400,
        120,
        40_000 / 60,
    ),
    # our own: 80,000 / 86,400 = 0.926/s, 30/s at peak; 600 stations / 60 s = 10/s
    (
        "Backend for a city's bicycle hire scheme: 600 stations with 10 docks each. People hire "
        "a bike at a dock and return it to any dock; 80,000 hires a day, 30 per second at peak. "
        "Stations report their dock status every minute.",
        80_000 / 86_400,
        30,
        10,
    ),
]


@pytest.mark.parametrize(
    "task", [r[0] for r in RENTALS], ids=["bikedocks", "scooters", "bicycle-hire"]
)
def test_a_shared_vehicle_is_unlocked_once_and_returned(task: str) -> None:
    """The bike-share was drafted as ride hailing (update_location, request_ride) from
    'riders', its users '2' from 'two riders': no unlock, no return, no availability."""
    d = _draft(task)
    assert d.patterns[0] == "rentals", d.patterns
    assert {ComponentKind.SERVICE, ComponentKind.DATABASE} <= _kinds(d)
    assert not {"update_location", "request_ride"} & set(_ops(d))
    _op(d, "unlock")
    _op(d, "return")
    _op(d, "availab")
    decision = d.decision("rental-hold")
    assert decision is not None and "free" in decision.choice


_NUMBER_GAPS = {
    "scooters": "the number reader reads '500,000 unlocks a day and 120 per second at the "
    "Friday evening peak' with the subject 'day' for the 120 (so it is no peak of unlocks), "
    "and '40,000 scooters parked' with the head 'parked' (so no fleet of scooters)",
    "bicycle-hire": "'every minute' (no digit) is not read as an interval, so the stations' "
    "reports have no rate; 600 stations are also under the fleet minimum of 1,000 devices",
}


@pytest.mark.parametrize(
    ("task", "avg", "peak", "reports"),
    [
        pytest.param(
            *r,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=_NUMBER_GAPS[name])]
            if name in _NUMBER_GAPS
            else [],
        )
        for r, name in zip(RENTALS, ["bikedocks", "scooters", "bicycle-hire"], strict=True)
    ],
)
def test_unlocks_carry_their_stated_rates_and_the_docks_report_on_their_timer(
    task: str, avg: float, peak: float, reports: float
) -> None:
    d = _draft(task)
    model = lower(d.design)
    unlock = model.rate(_op(d, "unlock"))
    assert float(unlock.average) == pytest.approx(avg, rel=0.01)
    assert float(unlock.peak) == pytest.approx(peak, rel=0.01)
    assert float(model.rate(_op(d, "report")).average) == pytest.approx(reports, rel=0.01)


# Donations: the thing paid for is the donation, with a running total shown to viewers.
DONATIONS = [
    # fresh11's telethon-rambling: 2,000 a day = 0.02315/s
    (
        "So we run the donation page for a children's charity. Most of the year it's pretty "
        "quiet, around 2,000 donations a day, but every December there's a telethon on TV and "
        "during the 6 hours it's on air things go a bit crazy: last year we hit 90 donations a "
        "second at the top, and the TV people tell us to plan for 150 a second this time. Every "
        "donation goes through a card payment provider, and we really cannot charge somebody "
        "twice when they hit the button again or the page times out. The big running total they "
        "show on TV should never be more than 10 seconds behind. Oh and donor records and "
        "receipts have to be kept for 6 years for the tax people, and everybody gets an email "
        "receipt within the hour.",
        2_000 / 86_400,
        None,
    ),
    # our own: 30,000 a day = 0.3472/s
    (
        "A fundraising site for a hospital: supporters give by card, about 30,000 gifts a day, "
        "and the campaign page shows how much has been raised so far. Nobody may be charged "
        "twice for one gift.",
        30_000 / 86_400,
        None,
    ),
    # our own: 500 a minute = 8.333/s
    (
        "Online pledge platform for a yearly charity marathon: viewers pledge money with a card "
        "while the stream runs, up to 500 pledges a minute on average; the amount raised is shown "
        "live on the stream.",
        500 / 60,
        "the number reader reads 'up to 500 pledges a minute on average' as a peak, so the "
        "average is 500/min ÷ the assumed 3x",
    ),
]


@pytest.mark.parametrize(
    ("task", "avg"),
    [
        pytest.param(
            task, avg, id=name, marks=[pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        )
        for (task, avg, gap), name in zip(
            DONATIONS, ["telethon", "fundraising", "pledge-marathon"], strict=True
        )
    ],
)
def test_a_donation_is_paid_once_and_counted_in_a_running_total(task: str, avg: float) -> None:
    """The telethon was drafted as generic payments (create_payment, Payment rows): nothing
    named the donations, nothing kept the running total shown on TV."""
    d = _draft(task)
    assert d.patterns[0] == "donations", d.patterns
    assert {
        ComponentKind.SERVICE,
        ComponentKind.DATABASE,
        ComponentKind.EXTERNAL,
        ComponentKind.QUEUE,
        ComponentKind.WORKER,
    } <= _kinds(d)
    # named for the gift in the task's word: a Donation, Gift or Pledge row
    assert {"Donation", "Gift", "Pledge"} & {e.id for e in d.design.entities}
    donate = _op(d, "donat", "gift", "pledge")
    assert d.design.operations[0].id == donate
    assert float(lower(d.design).rate(donate).average) == pytest.approx(avg, rel=0.01)
    _op(d, "total")
    assert not [o for o in _ops(d) if "payment" in o]


# Fare taps: the gate decides by itself, the taps are uploaded later and charged by a worker.
FARES = [
    # fresh11's faretaps-nonnative: 4M a day = 46.30/s, 1,800/s at the rush
    (
        "We are the transport company of a big city and need the system behind the travel "
        "card. Passenger tap the card on the metro gate when go in and go out, and on the "
        "reader in the bus when enter. There is 2.5 million card in use, 900 metro gate and "
        "3,000 bus. In a normal day is around 4 million tap, in the morning rush the gates see "
        "1,800 tap per second together. The gate must open in less than 300 millisecond also "
        "when the network to the center is broken, so the gate must decide by itself and send "
        "the taps later. The price of each trip is calculate from where passenger go in and go "
        "out and is taken from the card balance, never twice for the same trip. We must keep "
        "the trips 2 year.",
        4_000_000 / 86_400,
        1_800,
        None,
    ),
    # our own: 1.5M a day = 17.36/s, 900/s at rush hour
    (
        "Ticketing for a tram network: riders tap their contactless card on a validator when "
        "boarding and again when leaving. 20,000 validators, 1.5 million taps a day, 900 taps "
        "per second at rush hour. Validators must keep working when offline. Each journey is "
        "priced by distance and charged to the card once.",
        1_500_000 / 86_400,
        900,
        None,
    ),
    # our own: 3M a day = 34.72/s, 2,500/s in the rush hour
    (
        "Back office for a city's metro fare gates: 2,000 turnstiles read smart cards, 3 "
        "million entries a day, 2,500 entries per second in the rush hour; a turnstile decides "
        "on its own if the link is down and forwards its taps afterwards; each journey is "
        "charged once to the card's stored value.",
        3_000_000 / 86_400,
        2_500,
        None,
    ),
]
_FARE_IDS = ["faretaps", "tram-validators", "turnstiles"]


@pytest.mark.parametrize("task", [f[0] for f in FARES], ids=_FARE_IDS)
def test_taps_are_decided_at_the_gate_uploaded_and_charged_once_by_a_worker(task: str) -> None:
    """The travel card was drafted as synchronous CRUD over taps (create_tap, get_tap): no
    queue, no worker, nothing pairing taps into trips or charging a trip once."""
    d = _draft(task)
    assert d.patterns[0] == "transit_fares", d.patterns
    assert {
        ComponentKind.SERVICE,
        ComponentKind.QUEUE,
        ComponentKind.WORKER,
        ComponentKind.DATABASE,
    } <= _kinds(d)
    tap = next(o for o in d.design.operations if o.id == _op(d, "tap"))
    assert tap.sync
    charge = [o for o in d.design.operations if not o.sync and "trip" in o.id]
    assert charge, _ops(d)
    assert {"Trip", "Card"} <= {e.id for e in d.design.entities}
    assert d.decision("fares-offline-gates") is not None


@pytest.mark.parametrize(
    ("task", "avg", "peak"),
    [
        pytest.param(t, a, p, id=i, marks=[pytest.mark.xfail(strict=True, reason=g)] if g else [])
        for (t, a, p, g), i in zip(FARES, _FARE_IDS, strict=True)
    ],
)
def test_the_taps_carry_their_stated_rates(task: str, avg: float, peak: float) -> None:
    d = _draft(task)
    rate = lower(d.design).rate(_op(d, "tap"))
    assert float(rate.average) == pytest.approx(avg, rel=0.01)
    assert float(rate.peak) == pytest.approx(peak, rel=0.01)


# Live standings: a sorted set updated by every score, carried at the stated rate.
STANDINGS = [
    # fresh11's standings-terse: score updates 12k/s avg, 40k/s peak; lookups 3k/s
    (
        "Live standings for a quiz app's weekly contest. 8M players. Score updates ~12k/s avg, "
        "40k/s peak (Sunday night). Each player sees own position + the top 50. Position "
        "lookups ~3k/s, p95 < 50 ms. Reset every Monday; final table archived 1 yr.",
        12_000,
        40_000,
        3_000,
    ),
    # our own: 2,000 results a second, 6,000 at peak; 500 table views a second
    (
        "A live league table for a monthly fantasy football tournament with 3 million managers: "
        "about 2,000 score updates per second on average and 6,000 per second at peak; managers "
        "check their place in the table about 500 times per second.",
        2_000,
        6_000,
        500,
    ),
    # our own: 800 score updates a second, 2,500 at the peak; 1,200 rank lookups a second
    (
        "Real-time ranking board for a daily puzzle challenge: 800 score updates per second, "
        "2,500 per second at the peak; 1,200 rank lookups per second.",
        800,
        2_500,
        1_200,
    ),
]


@pytest.mark.parametrize(
    ("task", "avg", "peak", "reads"), STANDINGS, ids=["standings", "league-table", "puzzle"]
)
def test_live_standings_are_a_sorted_set_updated_by_every_score(
    task: str, avg: float, peak: float, reads: float
) -> None:
    """The weekly contest's live standings were drafted as an hourly batch ranking from
    'weekly' (the contest's period, not the board's freshness); its 12k score updates a
    second were carried by no operation."""
    d = _draft(task)
    assert d.patterns[0] == "ranking", d.patterns
    assert d.decision("ranking-sorted-set") is not None
    model = lower(d.design)
    submit = model.rate(_op(d, "submit", "score"))
    assert float(submit.average) == pytest.approx(avg, rel=0.01)
    assert float(submit.peak) == pytest.approx(peak, rel=0.01)
    assert float(model.rate(_op(d, "rank", "position")).average) == pytest.approx(reads, rel=0.01)


def test_a_live_boards_storage_grows_by_the_scores_it_writes() -> None:
    """Each score is inserted into the database (submit_score's call), so the rows that grow
    are Score rows, not the Ranking the board reads."""
    d = _draft(STANDINGS[0][0])
    storage = d.decision("storage")
    assert storage is not None and "new Score rows" in storage.because, storage


def test_unlocks_are_not_the_fleets_reports() -> None:
    """With no unlock rate stated, the unlocks took the main write load, which was the
    scooters' reports (10,000 every 10 s = 1,000/s): 1,000 unlocks a second."""
    d = _draft(
        "Design a scooter sharing app: 10,000 scooters, each one reports its GPS position every "
        "10 seconds."
    )
    model = lower(d.design)
    assert float(model.rate(_op(d, "report")).average) == pytest.approx(1_000)
    # a few rides per scooter a day (assumed), far below one per report
    assert float(model.rate(_op(d, "unlock")).average) < 10


def test_the_telethon_is_sized_for_its_stated_peak() -> None:
    """'plan for 150 a second this time' is the donations' peak (last year's 90 a lower one):
    create_donation was peaked by 150 ÷ the 2,000-a-day average, a factor written at the
    bound of 1000 (23.1/s at peak)."""
    d = _draft(DONATIONS[0][0])
    rate = lower(d.design).rate(_op(d, "donat"))
    assert float(rate.average) == pytest.approx(2_000 / 86_400, rel=0.01)
    assert float(rate.peak) == pytest.approx(150)
