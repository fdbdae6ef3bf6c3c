"""Booking (tickets, hotel rooms): inventory that must never be sold twice.

A unit of inventory (a seat, a room-night) moves available → held → sold with a
conditional update (`… WHERE status = 'available'`), so two buyers racing for it cannot
both win; a hold expires after its time (checked on read, swept by a job). Payment, when
the task has one, runs between hold and sale. An on-sale rush (a crowd arriving within
minutes) goes through a waiting room: a queue that admits buyers at the rate the
inventory store can serve.

The operation that completes the sale is named for the task's own verb (`book_table`,
`reserve_room`, `buy_ticket`) and carries the bookings the task states; the holds are
derived from it (a hold that is never completed is a hold, not a booking).
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import average
from archproof.frontends.draft.patterns.common import stated_average, stated_count, stated_rate
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import article, singular
from archproof.model import Principle
from archproof.numbers import plain, sig
from archproof.units import Duration

VIEWS_PER_BUYER = 3  # seat-map views per buyer during an on-sale (refreshes while seats go)
ROW_READ_S = Fraction(1, 2_000_000)  # 0.5 µs per row of a seat map scan (assumed)
DEFAULT_HOLD = Fraction(600)
# The sales a task states, by their subject's last word (singular).
_SOLD = frozenset({"reservation", "booking", "ticket", "order", "purchase"})
COMPLETED = Fraction(9, 10)  # holds completed into a booking (assumed); the rest lapse
# The verb a task uses for its sale, by the word stems that say it (first match in the text,
# or the stem of the stated figure's subject).
_VERBS = (
    ("buy", r"\bpurchas\w*|\bbuy\w*|\bbought\b|\bsell\w*|\bsold\b|\bsales?\b"),
    ("reserve", r"\breserv\w*"),
    ("book", r"\bbook\w*"),
)


def booking(ctx: Ctx) -> None:
    # a hotel books rooms, a restaurant tables (both say "reservation"), an event seats
    hotel = ctx.mentions(r"hotel|\brooms?\b")
    restaurant = ctx.mentions(r"\brestaurants?\b|\bdiners?\b|\bdining\b")
    unit = (
        "room"
        if hotel
        else "table"
        if restaurant
        else "room"
        if ctx.mentions(r"reservation")
        else "seat"
    )
    ctx.entity("InventoryUnit")
    ctx.entity("Booking")
    db = ctx.comp("db")
    db.rationale = (
        f"{unit} inventory, holds and bookings in one transactional store: {article(unit)} moves "
        "available → held → sold by a conditional update, so it is never sold twice"
    )
    hold = _hold_time(ctx)
    units = stated_count(ctx, frozenset({unit, "seat", "room", "ticket"}))
    rush = _rush(ctx)
    # the bookings the task states are the sales completed; the holds are derived from them
    fig = None if rush is not None else stated_rate(ctx, _SOLD)
    sold = "ticket" if unit == "seat" and ctx.mentions(r"\btickets?\b") else unit
    book_id = f"{_verb(ctx, fig)}_{sold}"
    share = f"{sig(float(COMPLETED) * 100)}%"
    completed = f"{share} of holds are completed (assumed)"
    take = f"hold_{unit}"
    if rush is not None:
        buyers, window, rush_note, each = rush
        arrivals = buyers / window / ctx.load.peak_factor  # the rush is the peak
        arrive_note = f"{rush_note} (a peak) ÷ peak factor {sig(float(ctx.load.peak_factor))}"
        holds, hold_note = arrivals, arrive_note
        if each is not None:
            # each person takes several ("~5 adds"): the takes are the crowd's times theirs,
            # named for the task's action
            holds = buyers * each.value / window / ctx.load.peak_factor
            hold_note = (
                f'{rush_note} × "{each.describe()}" each (a peak) ÷ peak factor '
                f"{sig(float(ctx.load.peak_factor))}"
            )
            take = f"{_action(each)}_{unit}"
        booked, booked_note = holds * COMPLETED, completed
    else:
        if fig is not None and fig.per_second is not None:
            booked, booked_note = stated_average(ctx, fig)
        else:
            booked, booked_note = ctx.load.writes, "the main write load"
        holds, hold_note = booked / COMPLETED, f"{book_id} ÷ {share}: {completed}"
    stock = _inventory(ctx, units)
    if rush is not None and stock is not None:
        in_stock, stock_text = stock
        sellable = in_stock / rush[1] / ctx.load.peak_factor
        if sellable < booked:
            booked = sellable
            booked_note = (
                f"at most the {stock_text} sold within the rush window, ÷ peak factor "
                f"{sig(float(ctx.load.peak_factor))}: most holds find nothing left"
            )
        ctx.stock = (
            f"{stock_text} × (100 B unit + 200 B booking) per on-sale event",
            in_stock * 300,
        )
        ctx.ledger.ask("How many on-sale events a year (storage grows per event)?")
    searches_per = _searches_per_booking(ctx)
    rows = units.value if units is not None and rush is not None else Fraction(50)
    view_time = Fraction(1, 1000) + rows * ROW_READ_S
    views = arrivals * VIEWS_PER_BUYER if rush is not None else booked * searches_per
    view_note = (
        f"{VIEWS_PER_BUYER} seat-map views per buyer (assumed)"
        if rush is not None
        else f"{sig(float(searches_per), 6)} searches per booking"
    ) + " × the booking rate"
    searched = ctx.load.rate_for(frozenset({"search"}), ("search", "read"))
    if rush is None and searched is not None:
        # "about 1 million searches an hour": the searches the task states, not a
        # look-to-book ratio times the bookings
        views, view_note = (
            average(searched, ctx.load.peak_factor),
            f'from the task: "{searched.quote}"',
        )
    # named as the task says people find them ("guests search free rooms"): search_rooms
    look = f"search_{unit}s" if ctx.mentions(r"\bsearch") else f"view_{unit}s"
    ctx.op(
        OpSpec(
            id=look,
            description=f"GET /events/{{id}}/{unit}s: availability ({unit} map or search)",
            pattern="booking",
            rate=views,
            rate_note=view_note,
            calls=ctx.front(
                look,
                [
                    ctx.db(
                        "read",
                        f"{unit}s with their status (index range; about {float(rows):,.0f} rows)",
                        time=f"{plain(float(view_time) * 1000, 3)}ms",
                    ),
                ],
            ),
            keywords=("view", "search", "map", "availab"),
        )
    )
    ctx.op(
        OpSpec(
            id=take,
            description=f"POST /holds: hold {article(unit)} for {Duration(hold)} while the "
            + (
                "buyer pays"
                if ctx.mentions(r"\bpa(?:y|id)|\bcheck\s?out")
                else "booking is completed"
            ),
            pattern="booking",
            rate=holds,
            rate_note=hold_note,
            critical=True,
            reads=False,
            idempotency_key="the buyer's request id: a retried hold returns the same hold",
            calls=ctx.front(
                take,
                [
                    ctx.db(
                        "write",
                        f"UPDATE … SET status = held, hold_expires_at = now() + {Duration(hold)} "
                        "WHERE status = available (or the hold expired): 0 rows means taken",
                        on_failure="fail_closed",
                    )
                ],
            ),
            keywords=("hold", "book", "reserv", "buy", take.split("_")[0]),
        )
    )
    # the waiting room after the seats' own operations: the task's action is the main one
    if rush is not None:
        room = ctx.queue("waiting_room", "buyers in arrival order, admitted at a steady rate")
        ctx.op(
            OpSpec(
                id="join_waiting_room",
                description="A buyer arrives for the on-sale: a place in the waiting room",
                pattern="booking",
                rate=arrivals,
                rate_note=arrive_note,
                reads=False,
                idempotency_key="the buyer's session: rejoining keeps the same place",
                calls=ctx.front(
                    "join_waiting_room",
                    [ctx.enqueue(room, "admission is paced, not immediate")],
                ),
                keywords=("join", "queue", "arrive"),
            )
        )
        ctx.comp("worker").work["admit"] = {"lognormal": {"p50": "500us", "p99": "5ms"}}
        ctx.comp("worker").work_notes["admit"] = "sign an admission token, tell the session"
        ctx.job(
            "admit_buyer",
            room,
            "admit",
            [
                ctx.db(
                    "write",
                    "checkpoint the admitted position every 100 buyers (the admission token "
                    "itself is signed, stateless)",
                    p="1/100",
                    idempotent=True,
                )
            ],
            description="Admit the next buyers at the rate the inventory store can serve",
            pattern="booking",
            idempotency_key="the buyer's session: a second admission returns the same token",
        )
    ctx.op(
        OpSpec(
            id=book_id,
            description=f"POST /bookings: {book_id.replace('_', ' a held ', 1)}: the hold "
            "becomes a booking",
            pattern="booking",
            rate=booked,
            rate_note=booked_note,
            critical=True,
            reads=False,
            idempotency_key="the hold id (unique on Booking): confirming twice books once",
            calls=ctx.front(
                book_id,
                [
                    ctx.db(
                        "write",
                        "insert the Booking and set the unit sold, only if the hold is still "
                        "this buyer's (one transaction)",
                        on_failure="fail_closed",
                    )
                ],
            ),
            keywords=("confirm", "book", "reserv", "buy", "purchas", "pay", "checkout"),
        )
    )
    ctx.op(
        OpSpec(
            id="release_expired_holds",
            description="Every minute: release holds past their expiry",
            pattern="booking",
            rate=Fraction(1, 60),
            rate_note="once a minute",
            sync=False,
            reads=False,
            idempotency_key="releasing an already released hold is a no-op",
            calls=[
                CallSpec(
                    "worker.release",
                    time="50ms",
                    calls=[ctx.db("write", "status → available where hold_expires_at < now()")],
                )
            ],
        )
    )
    ctx.comp("worker")
    ctx.access("InventoryUnit", "units_by_event", "range", ("event_id",), "label", look)
    ctx.access("InventoryUnit", "holds_expiring", "range", ("hold_expires_at",), None, None)
    ctx.lookups.append((look, "InventoryUnit"))
    ctx.primary_write = ctx.primary_write or book_id
    ctx.primary_read = ctx.primary_read or look
    ctx.handled.add("consistency")
    overbook = next(
        (
            q
            for q in ctx.load.extracted.reading.placed
            if q.unit == "percent" and "overbook" in (q.subject + q.sentence).lower()
        ),
        None,
    )
    ctx.decide(
        "booking-no-double-sale",
        f"A {unit} is sold once",
        "conditional updates on the unit's status (available → held → sold) and a unique "
        "booking per hold; no check-then-write in the application",
        Principle.DB,
        "two buyers racing for the last unit both read 'available'; only the update's WHERE "
        "clause decides between them atomically"
        + (
            f"; overbooking allows up to {sig(float(overbook.value), 6)}% over capacity per hotel "
            "(the check counts booked ≤ rooms × (1 + overbooking))"
            if overbook is not None
            else ""
        ),
        "db",
    )
    if rush is not None:
        buyers, window, _, _ = rush
        ctx.decide(
            "booking-waiting-room",
            "A waiting room for the on-sale",
            "buyers join a queue and are admitted at the rate the store serves holds",
            Principle.OP,
            f"{float(buyers):,.0f} buyers in {Duration(window)} = "
            f"{per_s(float(buyers / window))} arriving; "
            + (
                f"only {float(stock[0]):,.0f} {unit}s exist, so most of them will get none: "
                "admitting them in order is fairer and keeps the store up"
                if stock is not None and stock[0] < buyers
                else "admitting them in order at the rate the store serves holds keeps the "
                "store up, and the first to come are served first"
            ),
            "waiting_room",
        )
    ctx.use_cases += [
        f"See available {unit}s",
        f"Hold {article(unit)}",
        f"{book_id.replace('_', ' a held ', 1).capitalize()}",
    ]
    ctx.ledger.ask(f"How long may {article(unit)} be held, and may a buyer hold several?")
    ctx.ledger.ask("Are bots a concern (purchase limits, captchas in the waiting room)?")


def sale_op(ctx: Ctx) -> OpSpec | None:
    """The booking block's completed sale (`book_table`, `buy_ticket`), for a block that
    counts one thing per sale (a payment)."""
    verbs = tuple(f"{verb}_" for verb, _ in _VERBS)
    return next((o for o in ctx.ops if o.pattern == "booking" and o.id.startswith(verbs)), None)


def _verb(ctx: Ctx, fig: Quantity | None) -> str:
    """The task's verb for the sale: the stated bookings' own word ("200 bookings per
    second" → book, "5,000 ticket purchases" → buy), else the first the task uses."""
    if fig is not None:
        for verb, stems in _VERBS:
            if re.search(stems, fig.subject, re.IGNORECASE):
                return verb
    found = [
        (match.start(), verb)
        for verb, stems in _VERBS
        if (match := re.search(stems, ctx.text, re.IGNORECASE)) is not None
    ]
    return min(found)[1] if found else "book"


def _hold_time(ctx: Ctx) -> Fraction:
    for item in ctx.load.extracted.reading.placed:
        if item.unit == "seconds" and item.role == "hold":
            return item.value
    return DEFAULT_HOLD


def _inventory(ctx: Ctx, units: Quantity | None) -> tuple[Fraction, str] | None:
    """All the units on sale: a count stated per something is × the things the task counts
    ("6,000 class sections, avg 120 seats each": 720,000 seats, not 120)."""
    if units is None:
        return None
    if units.per is None:
        return units.value, units.describe()
    owners = stated_count(ctx, frozenset({singular(units.per.split()[-1].lower())}))
    if owners is None:
        return units.value, units.describe()
    total = units.value * owners.value
    return total, f'{float(total):,.0f} ("{owners.text}" × "{units.text}")'


# Who arrives in an on-sale rush, by a word of the count's subject.
_CROWD = frozenset(
    {"fan", "buyer", "user", "customer", "people", "student", "guest", "attendee", "parent"}
    | {"member", "resident", "shopper", "visitor", "player", "family", "person"}
)
# "~30k students each try ~5 adds": a count just after 'each', the actions of each person.
_EACH = re.compile(r"\beach\s+(?:[a-z]+\s+){0,2}(?:about\s+|around\s+|~\s*)?$", re.IGNORECASE)


def _rush(ctx: Ctx) -> tuple[Fraction, Fraction, str, Quantity | None] | None:
    """A crowd arriving within a window ("2 million fans ... in the first 10 minutes"), and
    the actions each of them takes when the task says ("each try ~5 adds")."""
    placed = ctx.load.extracted.reading.placed
    window = next((q for q in placed if q.unit == "seconds" and q.role == "window"), None)
    if window is None:
        return None
    crowds = [
        q
        for q in placed
        if q.unit == "count"
        and q.period is None
        and q.subject
        and {singular(w) for w in re.findall(r"[a-z]+", q.subject.lower())} & _CROWD
    ]
    crowd = min(crowds, key=lambda q: abs(q.start - window.start), default=None)
    if crowd is None:
        return None
    each = next(
        (
            q
            for q in placed
            if q.unit == "count"
            and q.period is None
            and q.sentence == crowd.sentence
            and q.start > crowd.start
            and _EACH.search(ctx.text[max(0, q.start - 40) : q.start])
        ),
        None,
    )
    return crowd.value, window.value, f'"{crowd.describe()}" in "{window.text}"', each


def _action(each: Quantity) -> str:
    """The action a per-person count names, as a verb: '5 adds' → add, '2 holds' → hold,
    '3 bookings' → book (the sale's verbs by their stems)."""
    noun = singular(each.subject.split()[-1].lower())
    verb = next((v for v, stems in _VERBS if re.fullmatch(stems, noun, re.IGNORECASE)), None)
    return verb or noun


def _searches_per_booking(ctx: Ctx) -> Fraction:
    for item in ctx.load.extracted.reading.placed:
        if item.unit == "factor" and item.per is not None and "search" in item.subject:
            return item.value
    # a stated read:write ratio is the look-to-book ratio here ("people search availability
    # 100 times for every booking"): the same figure the requirements list as reads per write
    stated = ctx.load.extracted.first("ratio")
    if stated is not None:
        return stated.value
    return Fraction(10)
