"""Transit fares (a travel card tapped at metro gates, bus readers, tram validators): the gate
decides by itself, the centre charges later.

A gate must open in a fraction of a second, also when its link to the centre is down, so the
decision is local: each gate holds a list of the cards it must refuse (blocked, no balance),
refreshed from the centre. The taps it accepted are uploaded in batches (now, or when the
link is back) into a queue; workers pair each tap-in with its tap-out into a trip, price it
and debit the card's balance once, keyed by the tap's id: a batch uploaded twice charges
nothing twice.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.entities import Template
from archproof.frontends.draft.patterns.common import READS, no_generic_reads, stated_count
from archproof.frontends.draft.plan import OpSpec
from archproof.model import Principle

# The devices that read the cards, by the head of their stated count.
_DEVICES = frozenset({"gate", "reader", "validator", "turnstile", "barrier", "bus", "tram"})
LIST_REFRESH_S = 300  # assumed: a device fetches the changes to its deny-list every 5 minutes
TAPS_PER_LOOK = 10  # assumed: a rider looks at the card's balance once per ten taps


def transit_fares(ctx: Ctx) -> None:
    queue = ctx.queue("taps", "the taps the gates accepted, on their way to be priced")
    ctx.entity(
        "Card",
        Template(
            {
                "id": "uuid",
                "balance": "decimal",
                "status": "enum(active|blocked)",
                "updated_at": "datetime",
            },
            states=("active", "blocked"),
            transitions={"active": ("blocked",), "blocked": ("active",)},
            note="one travel card and its stored balance, debited once per trip",
        ),
    )
    ctx.entity(
        "Tap",
        Template(
            {
                "id": {"type": "str", "size": 64, "unique": True},
                "card_id": "ref(Card)",
                "device_id": "uuid",
                "direction": "enum(in|out)",
                "tapped_at": "datetime",
            },
            row_size="96B",
            note="one tap as the gate recorded it, keyed by the gate's own id for it: an "
            "upload sent twice is one row",
        ),
    )
    ctx.entity(
        "Trip",
        Template(
            {
                "id": "uuid",
                "card_id": "ref(Card)",
                "tap_in_id": {"type": "str", "size": 64, "unique": True},
                "tap_out_id": {"type": "str", "size": 64, "unique": True, "nullable": True},
                "fare": "decimal",
                "charged_at": "datetime?",
            },
            note="a tap-in paired with its tap-out, priced and charged once (unique tap ids)",
        ),
    )
    load = ctx.load
    upload = ctx.op(
        OpSpec(
            id="upload_taps",
            description="POST /taps: a gate or reader uploads the taps it accepted (decided "
            "locally), now or when its link is back",
            pattern="transit_fares",
            rate=load.writes,
            rate_note="the main write load (one tap each)",
            reads=False,
            idempotency_key="the device's id for each tap (unique in Tap): a batch uploaded "
            "twice adds nothing",
            calls=ctx.front(
                "upload_taps",
                [
                    ctx.enqueue(
                        queue,
                        "the gate has already opened: pricing and charging wait for no one",
                        on_failure="fail_closed",
                        fallback="answer 503; the device keeps its taps and uploads them "
                        "again (the same ids: stored once)",
                    )
                ],
            ),
            keywords=("tap", "upload", "entry", "enter"),
        )
    )
    ctx.job(
        "price_trips",
        queue,
        "price_trip",
        [
            ctx.db(
                "write",
                "store the tap under its id; pair a tap-out with the card's open tap-in into a "
                "Trip, price it by where it began and ended, and debit the card's balance, in "
                "one transaction (the Trip's unique tap ids: a trip is charged once)",
                on_failure="fail_closed",
            )
        ],
        description="Pair taps into trips, price each trip and debit the card once",
        pattern="transit_fares",
        idempotency_key="the tap's id (unique in Tap and Trip): a redelivered tap is a no-op",
    )
    _deny_list(ctx)
    looks, looks_note = ctx.rate(
        frozenset({"balance", "lookup", "look", "view", "check"}),
        READS,
        load.writes / TAPS_PER_LOOK,
        "balance reads",
        f"one look at the card's balance per {TAPS_PER_LOOK} taps",
        "fares-balance-reads",
        "How often do riders look at their card's balance and trips?",
    )
    # the looks are their own figure, not a read:write split of the taps
    no_generic_reads(ctx, "transit_fares")
    card = ctx.op(
        OpSpec(
            id="get_card",
            description="GET /cards/{id}: the card's balance and recent trips",
            pattern="transit_fares",
            rate=looks,
            rate_note=looks_note,
            calls=ctx.front("get_card", [ctx.db("read", "the card row and its latest trips")]),
            keywords=("balance", "card", "history"),
        )
    )
    ctx.access("Tap", "tap_by_id", "lookup", ("id",), None, upload.id)
    ctx.access("Trip", "open_trip_by_card", "range", ("card_id",), "id", None)
    ctx.access("Card", "card_by_id", "lookup", ("id",), None, card.id)
    ctx.primary_write = ctx.primary_write or upload.id
    ctx.primary_read = ctx.primary_read or card.id
    ctx.decide(
        "fares-offline-gates",
        "Gates decide by themselves; the centre charges later",
        "each gate checks a tapped card against its own deny-list and opens at once; it "
        "uploads its taps to a queue and workers price and charge the trips",
        Principle.FH,
        "the gate must open within its time also when the network is down: a round trip to "
        "the centre cannot be on that path, and a tap charged late is cheaper than a queue "
        "at the gate",
        upload.id,
    )
    ctx.decide(
        "fares-charged-once",
        "A trip is charged once",
        "Trip keyed by its tap-in and tap-out ids (unique); the debit in the same transaction",
        Principle.DB,
        "gates upload again after a broken link and queues redeliver: the tap's own id makes "
        "every repeat a no-op",
        "price_trips",
    )
    ctx.use_cases += [
        "Open the gate on a tap, decided at the gate (also offline)",
        "Upload the taps; pair, price and charge each trip once",
        "See a card's balance and trips",
    ]
    ctx.ledger.ask(
        "How stale may a gate's deny-list be (a blocked card still opening the gate for minutes)?"
    )
    ctx.ledger.ask("What is charged for a tap-in with no tap-out (a maximum fare)?")


def _deny_list(ctx: Ctx) -> None:
    """The gates' deny-list refreshes: each device asks for the changes on a timer (flat all
    day), when the task counts the devices."""
    counts = []
    for head in sorted(_DEVICES):
        said = stated_count(ctx, frozenset({head}))
        if said is not None and said not in counts:
            counts.append(said)
    if not counts:
        return
    devices = sum((q.value for q in counts), Fraction(0))
    how = " + ".join(f'"{q.text}"' for q in counts)
    ctx.op(
        OpSpec(
            id="get_deny_list",
            description="GET /deny-list?since=…: the changes to the cards a device must refuse",
            pattern="transit_fares",
            rate=devices / LIST_REFRESH_S,
            rate_note=f"{how} devices, each asking every {LIST_REFRESH_S} s (assumed)",
            flat=True,  # each device asks on its timer: no diurnal peak
            calls=ctx.front(
                "get_deny_list", [ctx.db("read", "cards blocked or emptied since the time given")]
            ),
            keywords=("deny", "list", "blocked"),
        )
    )
