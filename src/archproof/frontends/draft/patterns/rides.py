"""Ride sharing: frequent location updates and nearby matching."""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import average
from archproof.frontends.draft.extract import FLEET_EVERY, Figure
from archproof.frontends.draft.lexicon import DAY
from archproof.frontends.draft.patterns.common import WRITES
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.numbers import plain, sig

_POSITION = re.compile(r"\b(?:location|position|gps|coordinates)\b", re.I)


def rides(ctx: Ctx) -> None:
    for name in ("Driver", "DriverLocation", "Ride"):
        ctx.entity(name)
    load = ctx.load
    drivers_fig = load.extracted.first("people", "driver")
    loc_fig = load.rate_for(frozenset({"location", "update"}), ("write",))
    if loc_fig is not None:
        # A stated peak ("300k drivers online at peak") is not multiplied by the factor again;
        # nor is a fleet's every-T rate ("300k drivers, each sends its position every 4
        # seconds"): all of them sending is the most they can, the peak
        fleet = FLEET_EVERY in (loc_fig.note or "")
        updates = loc_fig.value / load.peak_factor if fleet else average(loc_fig, load.peak_factor)
        unote = f'from the task: "{loc_fig.quote}"'
        if fleet and not loc_fig.peak:
            unote += ", all of them sending at once (the most they can: the peak)"
        if loc_fig.peak or fleet:
            unote += f" ÷ peak factor {sig(float(load.peak_factor))}"
        ctx.ledger.extracted(
            "location updates",
            f"{float(loc_fig.value):,.0f}/s" + (" (peak)" if loc_fig.peak else ""),
            loc_fig.quote,
        )
    else:
        # "at the busiest hour 10,000 of them are working": the drivers at work at peak,
        # not all who are registered, send positions
        working = next(
            (
                q
                for q in load.extracted.reading.placed
                if q.unit == "count"
                and q.period is None
                and q.peak
                and q.subject
                and "driver" in q.subject.lower()
            ),
            None,
        )
        if working is not None:
            drivers_fig = Figure(
                "people", working.value, working.describe(), working.start, subject="driver"
            )
        drivers = drivers_fig.value if drivers_fig else ctx.dau() / 10
        # the stated interval ("drivers send location every 5 seconds"), else every 4 s
        said = next(
            (
                q
                for q in load.extracted.reading.placed
                if q.unit == "seconds"
                and q.role == "interval"
                and q.value > 0
                and _POSITION.search(q.subject)
            ),
            None,
        )
        every = said.value if said is not None else Fraction(4)
        # drivers counted "at peak" send the peak; the operation's rate is its average
        counted = load.extracted.reading.covering(drivers_fig.start) if drivers_fig else None
        at_peak_count = bool(getattr(counted, "peak", False))
        # a stated fleet ("300k drivers, each sends its position every 4 seconds while
        # online") sends at most all of them at once: that is the peak, not the average
        # times the peak factor (3× more than the drivers could send)
        all_online = drivers_fig is not None and not at_peak_count
        updates = drivers / every / (load.peak_factor if drivers_fig is not None else 1)
        unote = (
            f"{float(drivers):,.0f} drivers{' (at peak)' if at_peak_count else ''} × one update "
            f"per {plain(float(every))} s"
            + (" (from the task)" if said is not None else " (assumed)")
            + (", all online at peak (the most they can send)" if all_online else "")
            + (f" ÷ peak factor {sig(float(load.peak_factor))}" if drivers_fig is not None else "")
        )
        at_peak_count = at_peak_count or all_online
        how = (
            unote.replace(" ÷ peak factor", ", average ÷ peak factor")
            if at_peak_count
            else f"{float(drivers):,.0f} active drivers"
            + ("" if drivers_fig else " (10% of DAU)")
            + f" × one update per {plain(float(every))} s"
        )
        if drivers_fig is not None and said is not None:  # both stated: derived, not assumed
            ctx.ledger.derived("location updates", f"{float(updates):,.0f}/s", how)
        else:
            ctx.ledger.assumed(
                "location updates",
                f"{float(updates):,.0f}/s",
                how,
                "location-rate",
                "How many drivers are online at peak, and how often do they report?",
            )
    # "Passengers make around 1.2 million request every day": as the main job, a stated
    # count of requests is the rides asked for
    asked = (
        load.rate_for(frozenset({"request"}), ("requests",))
        if ctx.classification.primary == "rides"
        and load.rate_for(frozenset({"ride", "delivery"}), WRITES) is None
        else None
    )
    ride_rate, rnote = ctx.rate(
        frozenset({"ride", "delivery"}) if asked is None else frozenset({"request"}),
        WRITES if asked is None else ("requests",),
        lambda: ctx.dau() / DAY,
        "ride requests",
        "one ride per daily active user per day",
        "ride-rate",
    )
    update = ctx.op(
        OpSpec(
            id="update_location",
            description="Drivers report their position (latest position only)",
            pattern="rides",
            rate=updates,
            rate_note=unote,
            reads=False,
            idempotency_key="(driver_id, timestamp): an older position never overwrites a newer",
            calls=ctx.front("update_location", [ctx.db("write", "upsert DriverLocation")]),
            keywords=("location", "position", "gps", "update"),
        )
    )
    dispatch = ctx.queue("dispatch_queue", "matched rides to announce to drivers")
    request = ctx.op(
        OpSpec(
            id="request_ride",
            description="POST /rides: find nearby available drivers and match one",
            pattern="rides",
            rate=ride_rate,
            rate_note=rnote,
            reads=False,
            idempotency_key="client request id (a retried request returns the same ride)",
            calls=ctx.front(
                "request_ride",
                [
                    ctx.db("read", "drivers in the pickup geohash cell and its neighbours"),
                    ctx.db(
                        "write",
                        "insert the Ride as matched (conditional update of the "
                        "driver's status prevents double assignment)",
                    ),
                    ctx.enqueue(dispatch, "telling the driver is asynchronous"),
                ],
            ),
            keywords=("match", "request", "ride", "nearby", "find"),
        )
    )
    ctx.job(
        "dispatch_ride",
        dispatch,
        "dispatch",
        [CallSpec("gateway.push", rationale="push the offer to the driver's app")]
        if "gateway" in ctx.comps
        else [ctx.db("read", "the ride and driver")],
        description="Announce a matched ride to the driver",
        pattern="rides",
        idempotency_key="ride id",
    )
    status = ctx.op(
        OpSpec(
            id="get_ride",
            description="GET /rides/{id}: status and driver position",
            pattern="rides",
            rate=ride_rate * 30,
            rate_note="30 status polls per ride (assumed: every 10 s for 5 min)",
            calls=ctx.front("get_ride", [ctx.db("read", "point lookup by primary key")]),
            keywords=("status", "track"),
        )
    )
    ctx.access("DriverLocation", "drivers_near", "range", ("geohash",), None, request.id)
    ctx.access("Ride", "ride_by_id", "lookup", ("id",), None, status.id)
    ctx.lookups.append((status.id, "Ride"))
    del update
    ctx.primary_write = ctx.primary_write or request.id
    ctx.primary_read = ctx.primary_read or status.id
    ctx.notify_sources.append(request.id)
    ctx.use_cases += [
        "Drivers report their location",
        "Riders request a ride and get matched to a nearby driver",
        "Riders follow the ride's status",
    ]
    ctx.ledger.ask("How are drivers chosen (nearest, ETA, rating), and may a driver decline?")
    ctx.ledger.ask("Is location history needed (for fares, disputes), or only the latest?")
