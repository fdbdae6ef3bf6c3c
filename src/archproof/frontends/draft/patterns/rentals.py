"""Shared vehicles rented on the spot (a city's bike-share docks, e-scooters on the street):
a rider unlocks one vehicle, rides it and returns it; the vehicles (or their docks) report
their state on a timer.

An unlock is a hold on one vehicle: one transaction marks it rented to the rider only where
it is still free (UPDATE … WHERE status = 'available') and opens the Rental, so two riders
racing for the same bike get one rental and one refusal, never two; only then is the lock
released. A return closes the rental and frees the vehicle where it was left. Reports are
the docks' or vehicles' own timer (stations × their interval, flat all day), the state the
availability reads show.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.entities import Template
from archproof.frontends.draft.fleet import reporting_fleet
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import (
    READS,
    WRITES,
    no_generic_reads,
    rate_about,
    stated_average,
    stated_count,
    stated_peak,
)
from archproof.frontends.draft.plan import OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import singular
from archproof.model import Principle
from archproof.units import Count, Duration

# What the task rents, in its own word (the first one it uses).
_VEHICLE = re.compile(r"\b(?:e-?)?(bikes?|bicycles?|scooters?|cars?|mopeds?)\b", re.IGNORECASE)
# The rate of unlocks: its subject's head, or the verb of its clause.
_UNLOCKS = frozenset({"unlock", "rental", "hire", "ride", "rent", "trip", "checkout"})
_UNLOCK_VERBS = r"unlock|hire|rent|check\s*out"
# Assumed when the task states no unlocks: a shared vehicle is ridden a few times a day.
RIDES_PER_VEHICLE = 5
# Assumed when the task states no availability reads: riders look a few times per unlock.
LOOKS_PER_UNLOCK = 5


def rentals(ctx: Ctx) -> None:
    found = _VEHICLE.search(ctx.text)
    noun = singular(found.group(1).lower()) if found else "vehicle"
    thing = noun.capitalize()
    ctx.entity(
        thing,
        Template(
            {
                "id": "uuid",
                "status": "enum(available|rented|maintenance)",
                "station_id": "uuid?",
                "rider_id": "ref(User)?",
                "updated_at": "datetime",
            },
            states=("available", "rented", "maintenance"),
            transitions={
                "available": ("rented", "maintenance"),
                "rented": ("available",),
                "maintenance": ("available",),
            },
            note=f"one {noun}: rented to one rider at most (the unlock's conditional update)",
        ),
    )
    ctx.entity(
        "Rental",
        Template(
            {
                "id": "uuid",
                "vehicle_id": f"ref({thing})",
                "rider_id": "ref(User)",
                "started_at": "datetime",
                "ended_at": "datetime?",
            },
            note="one ride: opened by the unlock, closed by the return",
        ),
    )
    unlocks, unlock_note, peak, peak_note = _unlock_rate(ctx, noun)
    unlock = ctx.op(
        OpSpec(
            id=f"unlock_{noun}",
            description=f"POST /{noun}s/{{id}}/unlock: rent the {noun} to the rider and "
            "release its lock",
            pattern="rentals",
            rate=unlocks,
            rate_note=unlock_note,
            peak=peak,
            peak_note=peak_note,
            critical=True,
            reads=False,
            idempotency_key="the app's unlock id: a retried unlock returns the first rental",
            calls=ctx.front(
                f"unlock_{noun}",
                [
                    ctx.db(
                        "write",
                        f"mark the {noun} rented to the rider only where it is available "
                        "(UPDATE … WHERE status = 'available') and insert the Rental, in one "
                        "transaction; no row updated is a refusal",
                        on_failure="fail_closed",
                    )
                ],
            ),
            rationale=f"a {noun} is handed to one rider at most: the conditional update is "
            "the hold, and an unlock that cannot be recorded is refused",
            keywords=("unlock", "rent", "hire", noun),
        )
    )
    ctx.op(
        OpSpec(
            id=f"return_{noun}",
            description=f"POST /rentals/{{id}}/return: close the ride and free the {noun} "
            "where it was left",
            pattern="rentals",
            rate=unlocks,
            rate_note="one return per unlock",
            peak=peak,
            peak_note=None if peak is None else "one return per unlock at the unlocks' peak",
            reads=False,
            idempotency_key="the rental id: a rental is closed once",
            calls=ctx.front(
                f"return_{noun}",
                [ctx.db("write", f"close the Rental and mark the {noun} available")],
            ),
            keywords=("return", "end", "dock"),
        )
    )
    looks, looks_note = ctx.rate(
        frozenset({"availability", "lookup", "look", "view", "search", "map"}),
        READS,
        unlocks * LOOKS_PER_UNLOCK,
        "availability reads",
        f"{LOOKS_PER_UNLOCK} looks at the map per unlock",
        "rentals-availability",
        f"How often do riders look for a free {noun} (per unlock)?",
    )
    availability = ctx.op(
        OpSpec(
            id="get_availability",
            description=f"GET /{noun}s/nearby: the free {noun}s (and docks) around a place",
            pattern="rentals",
            rate=looks,
            rate_note=looks_note,
            calls=ctx.front(
                "get_availability", [ctx.db("read", f"available {noun}s by station or area")]
            ),
            keywords=("availab", "free", "map", "nearby"),
        )
    )
    _reports(ctx, noun)
    # the looks are their own figure (per unlock, or stated), not a read:write split
    no_generic_reads(ctx, "rentals")
    ctx.access(thing, f"{noun}_by_status", "range", ("station_id", "status"), None, availability.id)
    ctx.access("Rental", "rental_by_rider", "range", ("rider_id",), "started_at", None)
    ctx.primary_write = ctx.primary_write or unlock.id
    ctx.primary_read = ctx.primary_read or availability.id
    ctx.decide(
        "rental-hold",
        f"An unlock holds one {noun} by a conditional update",
        f"mark the {noun} rented only where it is free (status available) and open the Rental "
        "in the same transaction; release the lock only after it commits",
        Principle.DB,
        f"two riders unlocking the same {noun} at once race: a read then a write would hand it "
        "to both; the conditional update lets one win and refuses the other",
        unlock.id,
    )
    ctx.use_cases += [
        f"Unlock a {noun}: rented to one rider, never two",
        f"Return a {noun} and close the ride",
        f"See the free {noun}s nearby",
    ]
    ctx.ledger.ask(f"What happens when the {noun}'s lock does not release after the unlock?")


def _unlock_rate(ctx: Ctx, noun: str) -> tuple[Fraction, str, Fraction | None, str | None]:
    """The unlocks' average and, when the task states one of its own, their peak ("Unlocks:
    ~250k/day avg, 60/s at the evening peak"); else the main write load, unless that is the
    fleet's reports (then a few rides per vehicle a day, assumed)."""
    said = rate_about(ctx, _UNLOCKS, _UNLOCK_VERBS)
    fleet = reporting_fleet(ctx.load.extracted.reading)
    if said is None and fleet is not None:
        vehicles = stated_count(ctx, frozenset({noun})) or fleet.devices
        rate, note = ctx.rate(
            _UNLOCKS,
            WRITES,
            vehicles.value * RIDES_PER_VEHICLE / DAY,
            "unlocks",
            f'"{vehicles.text}" × {RIDES_PER_VEHICLE} rides a day each',
            "rentals-unlocks",
            f"How many unlocks a day (and at the peak)? (assumed {RIDES_PER_VEHICLE} per {noun})",
        )
        return rate, note, None, None
    if said is None:
        return ctx.load.writes, "the main write load", None, None
    if said.peak:
        rate, note = stated_average(ctx, said)
        return rate, note, said.per_second, f'from the task: "{said.describe()}"'
    rate, note = stated_average(ctx, said)
    top = stated_peak(ctx, said)
    if top is None or top.per_second is None:
        return rate, note, None, None
    return rate, note, top.per_second, f'from the task: "{top.describe()}"'


def _reports(ctx: Ctx, noun: str) -> None:
    """The docks' (or vehicles') state on their timer: a fleet of N reporting every T is N ÷ T
    reports a second, flat all day; the latest state of each is what the reads show."""
    fleet = reporting_fleet(ctx.load.extracted.reading)
    if fleet is None:
        return
    rate = fleet.rate
    ctx.entity(
        "StateReport",
        Template(
            {"source_id": "uuid", "reported_at": "datetime", "payload": "str(2048)"},
            key=("source_id", "reported_at"),
            note=f"one report of a {fleet.noun}: keyed by it and its time, so a resent report "
            "is one row",
        ),
    )
    ctx.op(
        OpSpec(
            id=f"report_{fleet.noun}_state",
            description=f"POST /{fleet.noun}s/{{id}}/state: a {fleet.noun}'s report of its "
            f"state ({'its docks' if fleet.noun == 'station' else 'battery, position, lock'})",
            pattern="rentals",
            rate=rate,
            rate_note=f'from the task: "{fleet.devices.describe()}", each reporting '
            f'"{fleet.said.describe()}" ({Count(fleet.devices.value)} ÷ '
            f"{Duration(fleet.interval)} = {per_s(float(rate))})",
            flat=True,  # each reports on its timer all day: no diurnal peak
            reads=False,
            idempotency_key=f"{fleet.noun} id + reported_at: a report sent twice is one row",
            calls=ctx.front(
                f"report_{fleet.noun}_state",
                [ctx.db("write", "append the report and set the latest state it shows")],
            ),
            keywords=("report", "ping", "state", "status", fleet.noun),
        )
    )
    ctx.use_cases.append(f"Take the {fleet.noun}s' state reports")
