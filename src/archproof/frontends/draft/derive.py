"""From extracted figures to the load the design is sized for, filling gaps with stated,
standard assumptions. Every figure lands in a ledger with its source, and every derived
or assumed one also becomes a `requirements.assumptions` entry.

Standard assumptions (each used only when the task does not give the figure):

    peak factor            3× the average (diurnal peak; 2-3× is typical)
    requests per DAU       10 per day
    DAU from MAU           25% of MAU (typical DAU/MAU stickiness 20-30%)
    DAU from users         10% of registered users
    DAU, nothing given     10k (a small product; the first open question)
    reads : writes         by pattern (shortener/feed/media 100:1, generic 10:1, chat 2:1)
    availability           99.9%
    latency (p99)          200 ms reads, 500 ms writes, 3 s with a third-party call
    retention              5 years (for storage sizing only)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

from archproof.frontends.draft.extract import FROM_READER, PER_ITEM, Extracted, Figure
from archproof.frontends.draft.fleet import Fleet, reporting_fleet
from archproof.frontends.draft.lexicon import DAY, GENERIC_THINGS, NOUNS, stated_as_ceiling
from archproof.frontends.draft.plan import AssumptionSpec, Requirement, Source
from archproof.frontends.draft.quantities import Quantity, burst_within
from archproof.frontends.draft.sizing import per_s, rate_text
from archproof.frontends.draft.text import article, quote, singular
from archproof.frontends.draft.things import entity_noun
from archproof.model.requirements import at_peak
from archproof.numbers import factor as times_text
from archproof.numbers import sig
from archproof.units import Count, Duration, Percent, Size

PEAK_FACTOR = Fraction(3)
REQUESTS_PER_DAU = Fraction(10)
DAU_PER_MAU = Fraction(1, 4)
DAU_PER_USER = Fraction(1, 10)
DEFAULT_DAU = Fraction(10_000)
DEFAULT_AVAILABILITY = Fraction(999, 1000)
DEFAULT_RETENTION_YEARS = 5
DEFAULT_RATIO: dict[str, Fraction] = {
    "shortener": Fraction(100),
    "feed": Fraction(100),
    "media": Fraction(100),
    "messaging": Fraction(2),
    "payments": Fraction(2),
    "rides": Fraction(2),
    "notifications": Fraction(1, 10),
    "analytics": Fraction(1, 1000),
    # events counted all day; advertisers read their counts now and then (get_counts)
    "aggregation": Fraction(1, 1000),
    "rate_limit": Fraction(1),
    "crawler": Fraction(1, 10),  # the index build reads a page for every ten fetched (assumed)
    "ranking": Fraction(100),
    "telemetry": Fraction(1, 1000),  # devices report all day; people look now and then
    "webhooks": Fraction(1, 1000),  # events flow all day; merchants read their log now and then
    "otp": Fraction(1),  # a code requested is verified about once
    "message_queue": Fraction(1),  # one consumer group reads each message (the block's own)
}
# Entities each pattern's main write creates (to pick the right rate from the task).
PATTERN_SUBJECTS: dict[str, frozenset[str]] = {
    "shortener": frozenset({"link", "paste"}),
    "payments": frozenset({"payment", "order"}),
    # points are earned on what members buy (the till's purchases)
    "points": frozenset({"point", "order", "purchase", "transaction"}),
    "messaging": frozenset({"message"}),
    "feed": frozenset({"post", "comment", "like"}),
    "media": frozenset({"media"}),
    "search": frozenset({"search", "document"}),
    "rides": frozenset({"ride", "delivery"}),
    "rate_limit": frozenset({"request"}),
    "notifications": frozenset({"notification"}),
    "analytics": frozenset({"event"}),
    "auth": frozenset({"session", "user"}),
    "batch": frozenset({"job"}),
    "crawler": frozenset({"document", "request"}),
    "ranking": frozenset({"payment", "order", "event", "read", "media", "post", "review"}),
    "crud": GENERIC_THINGS,
    "webhooks": frozenset({"event", "webhook", "delivery"}),
    "otp": frozenset({"code", "otp", "passcode", "verification", "login"}),
    "message_queue": frozenset({"message", "event", "record"}),
    # an auction's main write is its bids, not the things auctioned ("2,000 cars a day")
    "auction": frozenset({"bid"}),
}

# What each pattern's main read is about: a rate on one of these is its read load even
# when the sentence's verb left its role open ("read their timelines 250 billion times a
# month", "read their budgets 500 million times a month").
READ_SUBJECTS: dict[str, frozenset[str]] = {
    "feed": frozenset({"timeline", "feed"}),
    "finance": frozenset({"budget"}),
    "ranking": frozenset({"ranking", "rank"}),
    "shortener": frozenset({"redirect"}),
}


@dataclass
class Ledger:
    """Requirements with provenance, assumptions for the YAML, and open questions."""

    requirements: list[Requirement] = field(default_factory=list)
    assumptions: list[AssumptionSpec] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    def extracted(self, name: str, value: str, words: str) -> None:
        self.requirements.append(Requirement(name, value, "extracted", f'"{words}"'))

    def derived(self, name: str, value: str, how: str, aid: str | None = None) -> None:
        self.requirements.append(Requirement(name, value, "derived", how))
        if aid is not None:
            self.assume_entry(aid, f"{name} = {value}", f"derived: {how}")

    def assumed(
        self,
        name: str,
        value: str,
        rule: str,
        aid: str,
        question: str | None = None,
        source: Source = "assumed",
    ) -> None:
        entry = Requirement(name, value, source, rule)
        if entry not in self.requirements:  # two blocks sizing by the same horizon: one row
            self.requirements.append(entry)
        self.assume_entry(aid, f"{name} = {value}", f"assumed: {rule} (not in the task)")
        if question:
            self.ask(question)

    def assume_entry(
        self, aid: str, statement: str, source: str, check: dict[str, str] | None = None
    ) -> None:
        if any(a.id == aid for a in self.assumptions):
            return
        self.assumptions.append(AssumptionSpec(aid, statement, source, check))

    def ask(self, question: str) -> None:
        if question not in self.questions:
            self.questions.append(question)

    def withdraw(self, name: str, aid: str, question_start: str = "") -> None:
        """Take back a derived or assumed figure a building block replaced with its own
        (the generic read:write split, where the block knows how its reads and writes
        relate), so no figure is printed that no operation carries. Stated figures stay."""
        self.requirements = [
            r for r in self.requirements if r.name != name or r.source == "extracted"
        ]
        self.assumptions = [a for a in self.assumptions if a.id != aid]
        if question_start:
            self.questions = [q for q in self.questions if not q.startswith(question_start)]


@dataclass
class Load:
    """The figures the design is sized for (averages per second; peak = × peak_factor)."""

    writes: Fraction
    reads: Fraction
    ratio: Fraction
    peak_factor: Fraction
    dau: Fraction | None
    users: Fraction | None
    concurrent: Fraction | None
    availability: Fraction
    growth: Fraction | None
    retention_s: Fraction | None
    item_size: Fraction | None
    storage: Fraction | None
    followers: Fraction | None
    extracted: Extracted
    primary_subject: str | None
    fleet: Fleet | None = (
        None  # the devices reporting on a timer, when their readings are the writes
    )
    write_figure: Figure | None = None  # the stated rate `writes` is (None: derived, assumed)
    read_figure: Figure | None = None  # the stated rate `reads` is (None: derived, assumed)

    @property
    def read_quote(self) -> str | None:
        """The task's words for its reads when it states them ("20 million times a day"):
        the reads are then that figure, not a split of a total or writes × a ratio."""
        return self.read_figure.quote if self.read_figure is not None else None

    def peak(self, rate: Fraction) -> Fraction:
        return at_peak(rate, self.peak_factor)

    def rate_for(self, subjects: frozenset[str], roles: tuple[str, ...]) -> Figure | None:
        """An extracted rate about one of `subjects` in one of `roles` (first in the text)."""
        for fig in self.extracted.all("rate"):
            if fig.subject in subjects and fig.role in roles:
                return fig
        return None


def average(fig: Figure, peak_factor: Fraction) -> Fraction:
    return fig.value / peak_factor if fig.peak else fig.value


def stated_rate(fig: Figure) -> str:
    """A rate as the task states it, for the requirements table: "3k/s (peak)"."""
    return rate_text(fig.value) + (" (peak)" if fig.peak else "")


def derive(found: Extracted, primary: str, ledger: Ledger, text: str = "") -> Load:
    """Resolve the load figures for a task whose main building block is `primary` (`text`,
    the task, names the generic block's entity: `entity_noun`)."""
    subjects = PATTERN_SUBJECTS.get(primary, frozenset())
    for said in found.zeros:
        ledger.ask(f'The task states "{said}": a zero sizes nothing. What should the design carry?')
    users, dau, concurrent = _people(found, ledger)

    dau = _per_user_rates(found, dau, ledger, limits=primary == "rate_limit")
    rates = found.all("rate")
    # Any stated write rate beats one derived from an assumed ratio ("1 billion sales
    # transactions a month" for a ranking task), even one another block would claim.
    write_fig = (
        _pick(rates, _own_thing(found, primary, text), ("write", "events"))
        or _pick(rates, subjects, ("write", "events"))
        or _pick(rates, None, ("write", "events"), exclude=_claimed(primary))
        or _pick(rates, None, ("write", "events"))
    )
    read_fig = (
        _pick(rates, READ_SUBJECTS.get(primary, frozenset()), ("read", "requests", "search"))
        or _pick(rates, subjects | {"read"}, ("read", "search"))
        or _pick(rates, None, ("read",))
    )
    if primary == "search":
        read_fig = _pick(rates, None, ("search",)) or read_fig
    # Lookups the task counts as queries ("10 million unique queries a day") are its reads.
    read_fig = read_fig or _pick(rates, None, ("search",))
    total_fig = _pick(rates, None, ("requests",))
    if write_fig is None and primary == "booking":
        write_fig = _occupancy_bookings(found)
    if write_fig is None and primary == "aggregation" and read_fig is not None:
        # "1 billion clicks per day": the clicks an aggregator counts are the events it
        # takes in (its writes), though a click is a read of the page it leads to
        counted = re.search(_COUNTED_EVENTS, read_fig.quote, re.I)
        subject = counted.group(1).lower() if counted else "event"
        events = read_fig
        write_fig = replace(events, role="events", subject=subject)
        # the reads are then the next read the task states ("1M report reads a day"), not
        # the events × an assumed ratio; another figure of the events ("50,000 clicks per
        # second at peak") is no read
        others = [
            r for r in rates if r is not events and not re.search(_COUNTED_EVENTS, r.quote, re.I)
        ]
        read_fig = _pick(others, subjects | {"read"}, ("read", "search")) or _pick(
            others, None, ("read",)
        )
    peak_factor = _peak_factor(found, ledger, (write_fig, read_fig, total_fig))

    fleet = reporting_fleet(found.reading) if primary == "telemetry" else None
    if fleet is not None:
        writes, reads, ratio, dau = _fleet_load(fleet, read_fig, dau, peak_factor, ledger)
    else:
        writes, reads, ratio, dau = _split_load(
            primary, found, (write_fig, read_fig, total_fig), dau, peak_factor, ledger
        )

    availability = _availability(found, ledger)
    growth = found.first("growth")
    if growth is not None:
        ledger.extracted("growth per year", str(Percent(growth.value)), growth.quote)
    retention = _retention(found, ledger)
    item = found.first("item_size")
    typical = [f for f in found.all("item_size") if not stated_as_ceiling(text, f.start)]
    if item is not None and typical and typical[0] is not item:
        # "values are up to 10 KB, typically 1 KB": the typical size grows the data, the
        # ceiling bounds one item
        ledger.extracted("largest item size", str(Size(item.value)), item.quote)
        item = typical[0]
    if item is not None:
        ledger.extracted("item size", str(Size(item.value)), item.quote)
    storage = found.first("storage")
    if storage is not None:
        ledger.extracted("total storage", str(Size(storage.value)), storage.quote)
    followers = found.first("followers")
    if followers is not None:
        ledger.extracted("followers per user", _num(followers.value), followers.quote)
    largest = found.first("followers_max")
    if largest is not None:
        ledger.extracted(
            "followers of the largest accounts", str(Count(largest.value)), largest.quote
        )
    return Load(
        writes=writes,
        reads=reads,
        ratio=ratio,
        peak_factor=peak_factor,
        dau=dau,
        users=users,
        concurrent=concurrent,
        availability=availability,
        growth=growth.value if growth else None,
        retention_s=retention,
        item_size=item.value if item else None,
        storage=storage.value if storage else None,
        followers=followers.value if followers else None,
        extracted=found,
        primary_subject="reading" if fleet else write_fig.subject if write_fig else None,
        fleet=fleet,
        write_figure=write_fig if fleet is None else None,
        read_figure=read_fig,
    )


_OCCUPANCY = "occupancy: "


def _occupancy_bookings(found: Extracted) -> Figure | None:
    """A hotel's bookings from its inventory: rooms × occupancy ÷ nights per stay ("1M rooms
    in total; 70% occupancy, average stay 3 nights": 233k bookings a day), when the task
    states all three and no booking rate."""
    placed = found.reading.placed
    rooms = next(
        (q for q in placed if q.unit == "count" and q.per is None and _head(q.subject) == "room"),
        None,
    )
    occupancy = next(
        (q for q in placed if q.unit == "percent" and "occupan" in q.subject.lower()), None
    )
    nights: Fraction | None = None
    stay = None
    for q in placed:
        if q.unit == "count" and _head(q.subject) == "night":
            nights, stay = q.value, q
        elif q.unit == "seconds" and "stay" in q.subject.lower():
            nights, stay = q.value / DAY, q
        if stay is not None:
            break
    if rooms is None or occupancy is None or stay is None or not nights or nights <= 0:
        return None
    per_day = rooms.value * occupancy.value / 100 / nights
    how = (
        f'"{rooms.text}" × {occupancy.text} occupancy ÷ {_num(nights)}-night stays '
        f'("{stay.text}") = {rate_text(per_day / DAY)} bookings'
    )
    return Figure(
        "rate",
        per_day / DAY,
        how,
        rooms.start,
        subject="booking",
        role="write",
        note=_OCCUPANCY + how,
    )


def _head(subject: str) -> str:
    words = subject.lower().split()
    return singular(words[-1]) if words else ""


def _fleet_load(
    fleet: Fleet,
    read_fig: Figure | None,
    dau: Fraction | None,
    peak_factor: Fraction,
    ledger: Ledger,
) -> tuple[Fraction, Fraction, Fraction, Fraction | None]:
    """A fleet of devices reporting on a timer: its readings are the writes (devices ÷ the
    interval, all day), and people's requests (a stated read rate, else requests per daily
    active user) the reads; neither is the other split by an assumed read:write ratio."""
    writes = fleet.rate
    ledger.derived(
        f"{fleet.noun} readings",
        per_s(float(writes)),  # per second, as the ingest decision and the summary print it
        f'"{fleet.devices.describe()}", each reporting "{fleet.said.describe()}": '
        f"{Count(fleet.devices.value)} ÷ {Duration(fleet.interval)}, one write per reading",
    )
    if read_fig is not None:
        reads = average(read_fig, peak_factor)
        ledger.extracted(
            "reads",
            stated_rate(read_fig),
            read_fig.quote,
        )
    else:
        if dau is None:
            dau = fleet.devices.value * DAU_PER_USER
            ledger.assumed(
                "daily active users",
                str(Count(dau)),
                f"one owner per {fleet.noun} ({Count(fleet.devices.value)}), 10% of them "
                "looking each day",
                "dau",
                f"How many people use the app, and how many {fleet.noun}s does one own? "
                f"(assumed one each, {Count(dau)} active a day)",
            )
        reads = dau * REQUESTS_PER_DAU / DAY
        ledger.assumed(
            "reads",
            rate_text(reads),
            f"{_num(REQUESTS_PER_DAU)} requests per DAU per day × {Count(dau)} DAU (people "
            f"read; the {fleet.noun}s write)",
            "requests-per-dau",
            "How often does a user open the app per day? (assumed "
            f"{_num(REQUESTS_PER_DAU)} requests)",
        )
    return writes, reads, reads / writes, dau


def _split_load(
    primary: str,
    found: Extracted,
    figs: tuple[Figure | None, Figure | None, Figure | None],
    dau: Fraction | None,
    peak_factor: Fraction,
    ledger: Ledger,
) -> tuple[Fraction, Fraction, Fraction, Fraction | None]:
    """Writes and reads from the stated rates, the one not stated from the other by the
    read:write ratio (stated, else typical for the pattern), or both from a total."""
    write_fig, read_fig, total_fig = figs
    ratio_fig = found.first("ratio")
    default_ratio = DEFAULT_RATIO.get(primary, Fraction(10))
    if found.read_heavy and primary not in DEFAULT_RATIO:
        default_ratio = Fraction(100)
    if found.write_heavy:
        default_ratio = Fraction(1, 10)

    ratio: Fraction
    if ratio_fig is not None:
        ratio = ratio_fig.value
        ledger.extracted("reads per write", f"{_num(ratio)}:1", ratio_fig.quote)
    else:
        ratio = default_ratio

    def ratio_rule() -> str:
        if ratio_fig is not None:
            return f'reads:writes {_num(ratio)}:1 ("{ratio_fig.quote}")'
        return f"reads:writes {_num(ratio)}:1 (assumed, typical for {primary})"

    if ratio_fig is None and not (write_fig and read_fig):
        ledger.assumed(
            "reads per write",
            f"{_num(ratio)}:1",
            f"typical read:write ratio for {article(primary)} workload",
            "read-write-ratio",
            "What is the read:write ratio? (assumed "
            f"{_num(ratio)}:1; it decides replicas and caching)",
        )

    writes: Fraction
    reads: Fraction
    if write_fig is not None:
        writes = average(write_fig, peak_factor)
        note = write_fig.note or ""
        if note.startswith(_OCCUPANCY):
            ledger.derived(
                _label(write_fig.subject, "writes"), stated_rate(write_fig), note[len(_OCCUPANCY) :]
            )
        elif write_fig.note != "scaled by DAU":
            ledger.extracted(
                _label(write_fig.subject, "writes") + _per(found, write_fig),
                stated_rate(write_fig),
                write_fig.quote,
            )
    if read_fig is not None:
        reads = average(read_fig, peak_factor)
        if read_fig.note != "scaled by DAU":
            ledger.extracted(
                _label(read_fig.subject, "reads") + _per(found, read_fig),
                stated_rate(read_fig),
                read_fig.quote,
            )
    if write_fig is not None and read_fig is None:
        reads = writes * ratio
        ledger.derived(
            "reads",
            rate_text(reads),
            f"{rate_text(writes)} writes × {ratio_rule()}",
            "reads-derived",
        )
    elif read_fig is not None and write_fig is None:
        writes = reads / ratio
        ledger.derived(
            "writes",
            rate_text(writes),
            f"{rate_text(reads)} reads ÷ {ratio_rule()}",
            "writes-derived",
        )
    elif write_fig is None and read_fig is None:
        if total_fig is not None:
            total = average(total_fig, peak_factor)
            ledger.extracted(
                "requests",
                stated_rate(total_fig),
                total_fig.quote,
            )
            how = f"{rate_text(total)} requests split by {ratio_rule()}"
        else:
            if dau is None:
                dau = DEFAULT_DAU
                ledger.assumed(
                    "daily active users",
                    str(Count(dau)),
                    "a small product when the task gives no scale",
                    "dau",
                    "How many daily active users (or requests per second) must it serve? "
                    f"(assumed {Count(dau)} DAU)",
                )
            total = dau * REQUESTS_PER_DAU / DAY
            ledger.assumed(
                "requests",
                rate_text(total),
                f"{_num(REQUESTS_PER_DAU)} requests per DAU per day × {Count(dau)} DAU",
                "requests-per-dau",
                "How many requests does an active user make per day? (assumed "
                f"{_num(REQUESTS_PER_DAU)})",
            )
            how = f"{rate_text(total)} requests split by {ratio_rule()}"
        reads = total * ratio / (ratio + 1)
        writes = total / (ratio + 1)
        ledger.derived("reads", rate_text(reads), how, "reads-derived")
        ledger.derived("writes", rate_text(writes), how, "writes-derived")
    return writes, reads, ratio, dau


# A rate a person is allowed rather than one they make: "each user may make 10 requests per
# second" in a rate limiter's task is its limit (the placement reads it), not its load.
_ALLOWED = re.compile(
    r"\blimit\w*|\bquotas?\b|\bat\s+most\b|\ballow\w*|\bmax(?:imum)?\b|\bcap\b|\bmay\b|\bcan\b",
    re.IGNORECASE,
)


def _per_user_rates(
    found: Extracted, dau: Fraction | None, ledger: Ledger, *, limits: bool = False
) -> Fraction | None:
    """`each user sends 40 messages a day` × DAU; the DAU is assumed if the task has none.
    With `limits` (a rate limiter), a rate a person is allowed is dropped, not scaled; so is
    an allowance stated for any caller ("A partner may make at most 600 calls a minute"),
    when the task states a rate that is not one (the calls in all are the load)."""
    scaled: list[Figure] = []
    figures = found.figures
    if limits:
        rates = [f for f in figures if f.kind == "rate"]
        allowed = [f for f in rates if _ALLOWED.search(f.scope or "")]
        if allowed and len(allowed) < len(rates):
            figures = [f for f in figures if f not in allowed]
    for fig in figures:
        if fig.kind != "rate" or not fig.per_user:
            scaled.append(fig)
            continue
        if limits and _ALLOWED.search(fig.scope or ""):
            continue
        if dau is None:
            dau = DEFAULT_DAU
            ledger.assumed(
                "daily active users",
                str(Count(dau)),
                "a small product when the task gives no user count",
                "dau",
                f"How many daily active users? (assumed {Count(dau)})",
            )
        total = fig.value * dau
        # named by what is done ("media reads", "media writes"): one person's views and
        # uploads of photos were both "media rate", and one assumption id stood for both
        what = {"read": "reads", "write": "writes"}.get(fig.role or "", "rate")
        ledger.derived(
            _label(fig.subject, what) if what != "rate" else f"{fig.subject} rate",
            rate_text(total),
            f'{Count(dau)} DAU × {rate_text(fig.value)} per user ("{fig.quote}")',
            f"{fig.subject}-{what}-per-user" if what != "rate" else f"{fig.subject}-per-user",
        )
        scaled.append(
            replace(
                fig,
                value=total,
                per_user=False,
                note="scaled by DAU",
                quote=f"{fig.quote} × {Count(dau)} DAU",
            )
        )
    found.figures = scaled
    return dau


def _own_thing(found: Extracted, primary: str, text: str) -> frozenset[str]:
    """The generic block's main write is of the entity it drafts (`entity_noun`: "400 new
    comments per second" over "300 articles a day"), or an action the task counts on each
    of them first ("3M parcels a day, each scanned ~6 times": the scans); a named block's
    main write is of the block's own subjects."""
    if primary != "crud":
        return frozenset()
    thing = entity_noun(text, found.reading)
    if thing is None:
        return frozenset()
    known = NOUNS.get(thing)
    acts = {f.subject for f in found.all("rate") if (f.note or "").startswith(PER_ITEM)}
    return frozenset({known[1] if known else thing} | {a for a in acts if a})


def _per(found: Extracted, fig: Figure) -> str:
    """' per editor' for a rate the task states per one of something and nothing scaled
    ("each editor sends about 2 edits per second": 2/s is one editor's, not the system's)."""
    said = found.reading.covering(fig.start)
    per = getattr(said, "per", None)
    unscaled = fig.note in (None, FROM_READER) and not fig.per_user
    return f" per {per}" if per and unscaled else ""


def _label(subject: str | None, what: str) -> str:
    """`link writes`, but plain `reads` for a figure about reads in general."""
    if subject in (None, "read", "write", "request", "search"):
        return what
    return f"{subject} {what}"


def _claimed(primary: str) -> frozenset[str]:
    """Subjects that belong to other building blocks (not the main write)."""
    out: set[str] = set()
    for pattern, subjects in PATTERN_SUBJECTS.items():
        if pattern != primary:
            out |= subjects
    return frozenset(out - PATTERN_SUBJECTS.get(primary, frozenset()))


# What an aggregator counts: its events, though a click reads the page it leads to.
_COUNTED_EVENTS = r"\b(click|impression|view|event)s?\b"


def _pick(
    rates: list[Figure],
    subjects: frozenset[str] | None,
    roles: tuple[str, ...],
    exclude: frozenset[str] = frozenset(),
) -> Figure | None:
    for fig in rates:
        if fig.role not in roles or fig.subject in exclude:
            continue
        if subjects is None or fig.subject in subjects:
            return fig
    return None


def _peak_factor(
    found: Extracted, ledger: Ledger, main: tuple[Figure | None, ...] = ()
) -> Fraction:
    """The stated peak factor; else the one a main rate (else any rate) states as both an
    average and a peak ("around 50 bids per second, 2,000 per second at peak": 40×), so
    the operation carries both figures as stated; else the assumed 3×."""
    fig = found.first("peak_factor")
    if fig is not None:
        ledger.extracted("peak factor", f"{_num(fig.value)}×", fig.quote)
        return fig.value
    rates = found.all("rate")
    # any rate the task states both ways, when no main one is: a stated peak is the peak
    pair = _average_and_peak(rates, main) or _average_and_peak(rates, tuple(rates))
    if pair is not None:
        avg, peak = pair
        factor = peak.value / avg.value
        ledger.derived(
            "peak factor",
            factor_text(factor),
            # both per second, so the division can be checked by eye ("2,500 per second"
            # once read "(9M/h) ÷ (600/s)", "(400/s) ÷ (500k/day)")
            f'the stated peak "{peak.quote}" ({per_s(float(peak.value))}) ÷ the stated '
            f'average "{avg.quote}" ({per_s(float(avg.value))})',
            "peak-factor",
        )
        return factor
    burst = _burst_factor(found, main)
    if burst is not None:
        factor, how = burst
        ledger.derived("peak factor", factor_text(factor), how, "peak-factor")
        return factor
    # A stated peak with no average beside it is the peak as stated (÷ the factor for the
    # average, × it back when lowered): what is unknown is its average, not the spikiness.
    alone = next((r for r in found.all("rate") if r.peak and r.note != "scaled by DAU"), None)
    ledger.assumed(
        "peak factor",
        f"{_num(PEAK_FACTOR)}×",
        "peak = 3× average (diurnal traffic; 2-3× is typical)",
        "peak-factor",
        "How spiky is traffic (peak over average, launches, seasonal events)? (assumed 3×)"
        if alone is None
        else f'The task states a peak ("{alone.quote}", {rate_text(alone.value)}) but no '
        f"average beside it: what is the average? (assumed the peak ÷ {_num(PEAK_FACTOR)}, "
        "the factor every other rate is peaked by)",
    )
    return PEAK_FACTOR


def _burst_factor(found: Extracted, main: tuple[Figure | None, ...]) -> tuple[Fraction, str] | None:
    """A part of a main rate's count arriving within a window shorter than its period
    ("90,000 refill requests a day, 70% of them arrive within 4 hours", "100 million a day,
    10 million in 5 minutes"): the peak is the period's count × that part ÷ the window, the
    factor that over the average (the period's count spread evenly)."""
    placed = found.reading.placed
    for fig in main:
        said = found.reading.covering(fig.start) if fig is not None else None
        if fig is None or not isinstance(said, Quantity) or said.per_second is None:
            continue
        found_burst = burst_within(placed, said)
        if found_burst is None:
            continue
        what, part, window = found_burst
        period = said.value / said.per_second
        # the figure is the design's whole rate (a per-item rate already × its items)
        count = fig.value * period
        peak = count * part / window.value
        factor = peak / fig.value
        if factor <= 1:
            continue
        rounded = Fraction(round(factor * 10), 10)  # a factor as people state one: 4.2×
        return rounded, (
            f'"{what.text}" of "{fig.quote}" within "{window.text}": '
            f"{Count(count)} × {_num(part * 100)}% ÷ {Duration(window.value)} = "
            f"{per_s(float(peak))} at peak over {per_s(float(fig.value))} on average"
        )
    return None


def _average_and_peak(
    rates: list[Figure], main: tuple[Figure | None, ...]
) -> tuple[Figure, Figure] | None:
    """An average and a peak rate the task states for the same main figure's subject and
    role (the first main figure that has both), the peak above the average; of several
    stated peaks, the highest ("we hit 90 a second last year, plan for 150"): the design is
    sized for the busiest moment the task names."""
    for fig in main:
        if fig is None or fig.note == "scaled by DAU":
            continue
        same = [
            r
            for r in rates
            if r.subject == fig.subject and r.role == fig.role and r.note != "scaled by DAU"
        ]
        avg = next((r for r in same if not r.peak), None)
        peak = max((r for r in same if r.peak), key=lambda r: r.value, default=None)
        if avg is not None and peak is not None and peak.value > avg.value > 0:
            return avg, peak
    return None


def _people(
    found: Extracted, ledger: Ledger
) -> tuple[Fraction | None, Fraction | None, Fraction | None]:
    users = found.first("people", "user")
    dau = found.first("people", "dau")
    mau = found.first("people", "mau")
    concurrent = found.first("people", "concurrent")
    if users is not None and dau is not None and users.value < dau.value:
        # "50M daily users ... groups up to 500 people": fewer people than use it every day
        # are no user base (a group's size, a team); said, not printed as the users
        ledger.ask(
            f'The task says "{users.quote}": fewer than the {Count(dau.value)} daily users, '
            "so it is not read as the user count. What does it count?"
        )
        users = None
    for fig, name in (
        (users, "users"),
        (dau, "daily active users"),
        (mau, "monthly active users"),
        (concurrent, "concurrent users"),
    ):
        if fig is not None:
            ledger.extracted(name, str(Count(fig.value)), fig.quote)
    dau_value: Fraction | None = dau.value if dau else None
    counted = mau or users
    daily = _STICKINESS.search(counted.scope) if dau_value is None and counted else None
    if counted is not None and daily is not None:
        # "300 million monthly users, 60% log in daily": the stated share, not the typical
        share = Fraction(daily.group(1)) / 100
        dau_value = counted.value * share
        ledger.derived(
            "daily active users",
            str(Count(dau_value)),
            f"{Count(counted.value)} {'MAU' if counted is mau else 'users'} × "
            f'{sig(float(share) * 100)}% ("{daily.group(0)}")',
            "dau",
        )
    elif dau_value is None and mau is not None:
        dau_value = mau.value * DAU_PER_MAU
        ledger.derived(
            "daily active users",
            str(Count(dau_value)),
            f"{Count(mau.value)} MAU × 25% (assumed DAU/MAU stickiness)",
            "dau",
        )
    elif dau_value is None and users is not None and _all_daily(found, users):
        dau_value = users.value
        ledger.derived(
            "daily active users",
            str(Count(dau_value)),
            f'all {Count(users.value)} users: "{quote(users.scope)}" (each of them, daily)',
            "dau",
        )
    elif dau_value is None and users is not None:
        dau_value = users.value * DAU_PER_USER
        ledger.derived(
            "daily active users",
            str(Count(dau_value)),
            f"{Count(users.value)} users × 10% active daily (assumed)",
            "dau",
        )
    return (
        users.value if users else None,
        dau_value,
        concurrent.value if concurrent else None,
    )


# The share of the counted users active each day, when the task states it.
_STICKINESS = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:%|percent)\s+(?:of\s+(?:them|users|those)\s+)?(?:log\s*in|logs\s+in"
    r"|sign\s+in|(?:are\s+)?active|come\s+back|return|visit|use\s+(?:it|the\s+\w+))\s+"
    r"(?:daily|every\s+day|each\s+day)\b",
    re.IGNORECASE,
)


# "We have about four million users and each of them opens their calendar around six times
# a day": what each of the counted users does daily makes every one of them daily active.
_EACH_OF_THEM = re.compile(r"\b(?:each|every\s+one|all)\s+of\s+them\b", re.IGNORECASE)


def _all_daily(found: Extracted, users: Figure) -> bool:
    """The users' own sentence says each of them does something a day (a per-user rate)."""
    return bool(_EACH_OF_THEM.search(users.scope)) and any(
        f.kind == "rate" and f.per_user and f.scope == users.scope and f.value * DAY >= 1
        for f in found.figures
    )


def _availability(found: Extracted, ledger: Ledger) -> Fraction:
    fig = found.first("availability")
    if fig is not None:
        ledger.extracted("availability", str(Percent(fig.value)), fig.quote)
        return fig.value
    ledger.assumed(
        "availability",
        str(Percent(DEFAULT_AVAILABILITY)),
        "99.9% (three nines) for a user-facing service",
        "availability",
        "What availability is required? (assumed 99.9%: 43 minutes of downtime a month)",
    )
    return DEFAULT_AVAILABILITY


# Words that say how long data is kept; "shows the last 24 hours" is a view's window, not that.
_KEPT = re.compile(
    r"\b(?:keep|kept|retain\w*|retention|stor\w+|archiv\w+|expir\w+|ttl|persist\w*|delet\w+)",
    re.IGNORECASE,
)


def _retention(found: Extracted, ledger: Ledger) -> Fraction | None:
    figures = found.all("retention")
    fig = next((f for f in figures if _KEPT.search(f.scope or f.quote)), None) or (
        figures[0] if figures else None
    )
    if fig is not None:
        ledger.extracted("retention", horizon_text(fig.value), fig.quote)
        return fig.value
    if found.forever:
        ledger.extracted("retention", "forever", "kept forever")
        return None
    # "TTL 10 min", "sessions expire after thirty minutes": data lives that long.
    for q in found.reading.placed:
        if q.role in ("retention", "expiry") and q.unit == "seconds" and q.value > 0:
            ledger.extracted("retention", horizon_text(q.value), q.text)
            return q.value
    return None


def retention_for_sizing(load: Load, ledger: Ledger) -> Fraction:
    if load.retention_s is not None:
        return load.retention_s
    years = DEFAULT_RETENTION_YEARS
    if load.extracted.forever:
        rule = f"data is kept forever; storage sized for the first {years} years"
    else:
        rule = f"storage sized for {years} years of data"
        ledger.ask(f"How long must data be kept? (storage sized for {years} years)")
    ledger.assumed("retention (sizing)", f"{years} years", rule, "retention")
    return Fraction(years * 365 * DAY)


def horizon_text(seconds: Fraction) -> str:
    """A retention as people say it: "2 years" when whole years, else "90d"."""
    years = seconds / (365 * DAY)
    if years >= 1 and years.denominator == 1:
        return f"{years} year{'s' if years != 1 else ''}"
    return str(Duration(seconds))


def factor_text(value: Fraction) -> str:
    """A derived factor as people read it (`4.17×`, `69.1×`): a stated peak ÷ a stated
    average is a ragged fraction, once printed as 4.16667× in every section."""
    return times_text(float(value))


def _num(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{sig(float(value), 6)}"
