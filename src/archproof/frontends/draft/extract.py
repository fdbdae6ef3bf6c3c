"""Requirement extraction: the numbers in a task, with their units and what they describe.

Each figure keeps the words it was read from (`quote`), so the draft can say where every
number came from. Recognised, with the phrasings people use:

- people: `10M users`, `1M DAU`, `5M daily active users`, `20M MAU`, `100k concurrent users`
- rates: `100M new links a month`, `1.5k rps`, `5,000 orders per minute`, `1B views daily`,
  `1M drivers send their location every 4 seconds` (count ÷ period)
- read:write ratios: `10:1`, `reads 10x writes`, `100 reads per write`, `read/write ratio 50:1`
- sizes: `each photo up to 5MB` (item size), `2TB of data` (total); retention `keep 5 years`
- latency: `p99 redirect under 50ms`, `95th percentile below 200 ms`, `respond within 1s`
- availability: `99.95%`, `three nines`, `4 nines`; growth: `doubling yearly`, `20% per month`
- peak: `peak is 5x the average`, `3x at peak`; fan-out: `200 followers on average`

Numbers are exact (`fractions.Fraction`): rates per second, durations in seconds, sizes
in bytes, percentages as fractions of one (month = 30 days, year = 365 days, as in units).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction

from archproof.frontends.draft.lexicon import (
    _ADVERB_PERIOD,
    _MULTIPLIERS,
    _READ_VERBS,
    _SECONDS,
    _SHORT_DURATION,
    _SIZES,
    _WORD_NUMBERS,
    AT_MOST,
    DAY,
    NOUNS,
    READ_ACTS,
)
from archproof.frontends.draft.quantities import Quantity, Reading, read_quantities
from archproof.frontends.draft.text import clause_around, quote, singular
from archproof.frontends.draft.tokens import b_counts
from archproof.numbers import plain


@dataclass(frozen=True)
class Figure:
    """One number read from the task (or a flag phrase), with what it describes."""

    kind: str  # people, rate, ratio, item_size, storage, retention, latency, availability,
    # growth, peak_factor, followers, stock, freshness, third_party_time
    value: Fraction
    quote: str
    start: int
    subject: str | None = None  # user/dau/mau/concurrent for people; entity for rates
    role: str | None = None  # read / write / requests / events / search (rates)
    percentile: str | None = None  # p50 / p95 / p99 (latency)
    scope: str = ""  # the clause it was read from (to attach latency targets to operations)
    peak: bool = False  # a peak figure rather than an average
    per_user: bool = False  # "each user sends 40 messages a day": multiply by DAU
    note: str | None = None  # how an ambiguous phrase was read


@dataclass
class Extracted:
    """Everything read from the task text."""

    figures: list[Figure] = field(default_factory=list)
    read_heavy: bool = False
    write_heavy: bool = False
    forever: bool = False  # "keep forever" / "indefinitely"
    reading: Reading = field(default_factory=lambda: Reading((), ()))  # every number, placed
    # figures stated as zero ("0 messages per day", "p99 < 0 ms"): they size nothing, so
    # they are asked about, not drafted (an operation of rate 0 or a target of 0 ms)
    zeros: list[str] = field(default_factory=list)

    def first(self, kind: str, subject: str | None = None) -> Figure | None:
        for f in self.figures:
            if f.kind == kind and (subject is None or f.subject == subject):
                return f
        return None

    def all(self, kind: str) -> list[Figure]:
        return [f for f in self.figures if f.kind == kind]


# --------------------------------------------------------------------------- regexes

_MULT = r"(?:thousand|millions?|mn|billions?|bn|trillion|tn|[kKmMbBtT])(?![A-Za-z])"
_NUMBER = re.compile(
    r"(?<![\w.])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:[.,](?P<frac>\d+))?"
    r"(?:\s?(?P<mult>" + _MULT + r"))?\+?"
)
_RATIO = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)(?![\d:])")
_RATIO_TIMES = re.compile(
    r"\breads?\s+(?:are\s+|is\s+|outnumber\s+writes?\s+(?:by\s+)?)?(?:about\s+|~)?"
    r"(\d+(?:\.\d+)?)\s*(?:x|times)\s*(?:more\s+(?:than\s+)?|as\s+many\s+as\s+|the\s+)?"
    r"(?:the\s+)?(?:number\s+of\s+)?writes?\b"
    r"|(\d+(?:\.\d+)?)\s*(?:x|times)\s+(?:more\s+)?reads?\s+than\s+writes?\b"
    r"|(\d+(?:\.\d+)?)\s+reads?\s+(?:per|for\s+every|for\s+each|to\s+every|to\s+each)\s+"
    r"(?:one\s+|1\s+)?writes?\b"
    # a look-to-book ratio: "people search availability 100 times for every booking"
    r"|\b(?:search|view|brows|look|check)\w*\s+(?:[a-z]+\s+){0,3}?(?:about\s+|~)?"
    r"(\d+(?:\.\d+)?)\s+times\s+(?:per|for\s+every|for\s+each)\s+(?:one\s+|1\s+)?"
    r"(?:booking|purchase|order|sale|reservation|write|post|upload)s?\b",
    re.IGNORECASE,
)
# A conversion share: the look-to-book ratio said as the share of reads that end in a write.
_CONVERSION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:%|percent)\s+of\s+(?:the\s+|all\s+)?(?:[a-z]+\s+)?"
    r"(?:search|view|visit|look|brows)\w*\s+(?:finish|end|result|convert|turn)\w*\s+"
    r"(?:with|in|into)\s+(?:a\s+|an\s+)?"
    r"(?:booking|purchase|order|sale|reservation|sign[- ]?up)s?\b",
    re.IGNORECASE,
)
_NINES = re.compile(r"\b(two|three|four|five|[2-6])[\s-]*(?:nines|9s)\b", re.IGNORECASE)
_PERCENTILE = re.compile(
    r"\b(?:p(?P<p>50|90|95|99|999)\b|(?P<n>50|90|95|99)(?:th|\.9th)?[\s-]*percentile"
    r"|(?P<median>median)|(?P<avg>average|mean|avg))",
    re.IGNORECASE,
)
_LATENCY_WORDS = re.compile(
    r"latenc|respon|p\d\d|percentile|median|under|below|within|less than|<|fast|load|return"
    r"|take|complete|deliver|real[- ]?time|arrive",
    re.IGNORECASE,
)
# Background work said to take a time ("a run takes between 1 second and 10 minutes",
# "each backup job takes about 20 seconds"): its work time, which the blocks size workers
# by (patterns.common.work_duration), not a response-time target
_WORK_TAKES = re.compile(
    r"\b(?:runs?|jobs?|tasks?|builds?|backups?|exports?|imports?|batch(?:es)?|transcod\w*)\s+"
    r"(?:\w+\s+){0,2}?(?:takes?|lasts?)\b",
    re.IGNORECASE,
)
# A duration in such a piece is not a response-time target of the system's own requests:
# how fresh what others see must be ("show up for other readers within 5 seconds", "fresh
# everywhere within 60 s", "at most 1 s stale"; also a freshness constraint), or what a
# third party takes ("an outside API that takes about 300 ms", "SMS via external provider,
# ~2 s to deliver"). Each was once every operation's p99 target.
_FRESHNESS_WORDS = re.compile(
    r"\bshow\s+up\b|\bvisible\b|\bappears?\b|\bfresh\b|\bstale\b|\bpropagat\w*|\bsearchable\b"
    # an alert's delay after what it watches ("alerts must fire within 1 minute")
    r"|\bfire[sd]?\b|\btrigger(?:s|ed)?\b"
    # an update's way to other people ("has to reach the phones of everybody following that
    # game", "pushed to everyone following that flight"): a delivery, not our response
    r"|\breach(?:es|ed)?\s+(?:the\s+)?(?:phones?|devices?|screens?|apps?|everyone|everybody"
    r"|all|followers?|subscribers?|fans?)\b|\b(?:pushed|delivered|broadcast)\s+to\s+"
    r"(?:the\s+)?(?:phones?|devices?|everyone|everybody|all|followers?|subscribers?|fans?)\b",
    re.IGNORECASE,
)
_THIRD_PARTY_WORDS = re.compile(
    r"\boutside\b|\bexternal\b|\bthird[- ]party\b|\bvendors?\b|\bproviders?\b", re.IGNORECASE
)
_RETENTION_WORDS = re.compile(
    r"\b(?:keep|kept|retain|retained|retention|store|stored|storing|saved|history|archive|"
    r"expire|expiry|ttl|persist|for\s+\d|last)",
    re.IGNORECASE,
)
_RETRYING = re.compile(r"\bretr(?:y|ies|ied|ying)\b[^.;,]*$", re.IGNORECASE)
_KEPT_BEFORE = re.compile(r"\b(?:keep|kept|retain\w*|retention|stor\w+|archiv\w+)\b[^.;,]*$", re.I)
_FOREVER = re.compile(r"\b(?:forever|indefinitely|never (?:be )?(?:deleted|expire))", re.IGNORECASE)
_PEAK = re.compile(
    r"\bpeak\w*[^.;\n\d]{0,40}?(\d+(?:\.\d+)?)\s*(?:x|times)(?![\w])"
    r"|(\d+(?:\.\d+)?)\s*(?:x|times)\s+(?:the\s+)?(?:average|normal|baseline|usual)?\s*"
    r"(?:traffic\s+|load\s+)?(?:at|during|in|on)\s+(?:the\s+)?peak",
    re.IGNORECASE,
)
_GROWTH_MULT = re.compile(
    r"\b(doubl|tripl|quadrupl)\w*[^.;\n]{0,25}?\b(?:every|each|per|a|an|the)?\s*"
    r"(year|yr|yearly|annually|month|monthly|quarter)\b",
    re.IGNORECASE,
)
_GROWTH_PCT = re.compile(
    r"\b(?:grow\w*|increas\w*|growth)\s+(?:of\s+|by\s+|at\s+)?(?:about\s+|~)?"
    r"(\d+(?:\.\d+)?)\s*(?:%|percent)\s*(?:per|a|an|each|every|/)?\s*"
    r"(year|yr|month|mo|yearly|annually|monthly|yoy|mom)?"
    r"|(\d+(?:\.\d+)?)\s*(?:%|percent)\s+(yearly|annual|annually|monthly|yoy|year[- ]over[- ]year)"
    r"\s*growth"
    r"|\bgrow\w*\s+(\d+(?:\.\d+)?)\s*x\s*(?:per|a|each|every)\s*(year|month)",
    re.IGNORECASE,
)
_RATE_UNIT = re.compile(
    # a word before the unit ends at a space ("requests as the user types" is no "a s")
    r"\s*(?:(?:(?:per|a|an|each|every|in\s+a|in\s+one)\s+|/\s*)(?P<unit>second|sec|s|minute|min|"
    r"hour|hr|h|day|d|week|wk|month|mo|year|yr)\b|(?P<adverb>hourly|daily|weekly|monthly|"
    r"yearly|annually)\b)",
    re.IGNORECASE,
)
_RATE_DIRECT = re.compile(
    r"\s*(?:(?P<word>rps|qps|tps|req/s|req/sec|requests?/s(?:ec)?|ops/s|queries/s)\b"
    r"|/\s*(?P<unit>s|sec|second|min|minute|h|hr|hour|day|d|week|month|mo|year|yr)\b"
    r"|(?:requests|queries|calls|ops|operations|transactions)\s+(?:per|a|/)\s*"
    r"(?P<unit2>second|sec|s|minute|min|hour|day|month)\b)",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"\bevery\s+(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|min|mins|minutes?|h|hours?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
FROM_READER = "read by the requirements reader"  # the note of a figure only the reader saw
# the people a count is capped for one thing: "50 people editing one document", "8 players
# in a match", "256 members per group"
_ONE_THING = re.compile(
    r"\s*\w+(?:\s+\w+)?\s+(?:(?:in|on|per|of)\s+)?(?:one|a|an|each|every|per|the\s+same|a\s+single)"
    r"\s+[a-z]+",
    re.I,
)
_EVERY_N = re.compile(
    r"\s*every\s+(\d+(?:\.\d+)?)\s*(days?|d|weeks?|wk|months?|mo|years?|yrs?|yr)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"\.(?=\s)|\n")
_EACH_OF_THE_COUNT = re.compile(r"\s*(?:each|every\s+one|which|that|who)\b", re.I)
_PER_USER = re.compile(
    r"\beach\b(?!\s+(?:page|url|link|site|domain|document|file|item|product|message|event|"
    r"request|record|row|key|node|server|host|machine|device|chunk|photo|video|post"
    # "2000 tasks each hour": the period, not each of the people
    r"|second|sec|minute|min|hour|hr|day|night|week|month|year)s?\b)"
    r"|\bevery\s+(?:user|person|member|customer)\b|\bper\s+(?:user|person|member|"
    r"customer|dau)\b|\baverage\s+user\b|\ba\s+user\b"
)
_FOLLOWS = re.compile(
    r"\bfollow(?:s|ing)?\s+(?:about\s+|~)?(\d[\d,]*(?:\.\d+)?)\s*(k|K)?\s+"
    r"(?:accounts|people|users|others|creators)"
    r"|\b(\d[\d,]*(?:\.\d+)?)\s*(k|K)?\s+followers",
    re.IGNORECASE,
)
_FILLER = frozenset(
    [
        "new",
        "daily",
        "monthly",
        "active",
        "unique",
        "total",
        "registered",
        "concurrent",
        "simultaneous",
        "online",
        "short",
        "more",
        "additional",
        "incoming",
        "outgoing",
        "page",
        "api",
        "peak",
        "average",
        "avg",
        "about",
        "around",
        "roughly",
        "approximately",
        "up",
        "to",
        "of",
        "the",
        "are",
        "is",
        "be",
        "being",
        "will",
        "get",
        "gets",
        "we",
        "with",
        "our",
        "and",
        "user",
        "search",
        "url",
        "text",
        "photo",
        "video",
        "image",
        "chat",
        "push",
        "email",
        "sms",
        "card",
        "credit",
    ]
)


_BOUNDARY = re.compile(r"[,;:.!?()\n\"](?=\s|$)|[()\n\"]")


def _segment(text: str, start: int, stop: int) -> str:
    """The comma-bounded piece of text around [start, stop): a tight quote and scope."""
    seg_start = 0
    for match in _BOUNDARY.finditer(text, max(0, start - 80), start):
        seg_start = match.end()
    following = _BOUNDARY.search(text, stop)
    seg_end = following.start() if following else len(text)
    return text[seg_start:seg_end].strip()


def _before(text: str, start: int) -> str:
    """The text from the start of the comma-bounded piece up to `start`."""
    seg_start = 0
    for match in _BOUNDARY.finditer(text, max(0, start - 80), start):
        seg_start = match.end()
    return text[seg_start:start]


def _value(match: re.Match[str]) -> Fraction:
    whole = match.group("int").replace(",", "")
    frac = match.group("frac")
    value = Fraction(f"{whole}.{frac}") if frac else Fraction(int(whole))
    mult = match.group("mult")
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    return value


def extract(text: str) -> Extracted:
    """Read every figure in `text` (already normalized). Never raises on odd input."""
    found = Extracted()
    lowered = text.lower()
    found.read_heavy = bool(re.search(r"read[- ]heavy|read[- ]mostly|mostly reads", lowered))
    found.write_heavy = bool(re.search(r"write[- ]heavy|write[- ]mostly|mostly writes", lowered))
    found.forever = bool(_FOREVER.search(text))
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(fig: Figure, start: int, end: int) -> None:
        found.figures.append(fig)
        taken.append((start, end))

    _ratios(text, add, free)
    _nines(text, add)
    _peaks(text, add, free)
    _growth(text, add, free)
    _periods(text, add, free)
    _follows(text, add, free)
    for match in _NUMBER.finditer(text):
        if free(match.start(), match.end()):
            _number(text, match, add)
    found.reading = read_quantities(text)
    _from_reading(found, text)
    _baseline_multiples(found)
    _per_owner_totals(found)
    _per_item_totals(found)
    sizing = ("rate", "people", "stock", "latency", "item_size", "freshness")
    found.zeros = [f.quote for f in found.figures if f.kind in sizing and f.value <= 0]
    found.figures = [f for f in found.figures if f.kind not in sizing or f.value > 0]
    found.figures.sort(key=lambda f: f.start)
    return found


# "3x the daily average": an average over a period is still the baseline
_BASELINE_MULTIPLE = (
    r"\s+(?:more\s+than\s+)?(?:the\s+)?(?:(?:hourly|daily|weekly|monthly|yearly)\s+)?"
    r"(?:average|normal|usual|baseline|mean|typical)\b"
)


def _baseline_multiples(found: Extracted) -> None:
    """`in evening the swipes are 3 time the average`: a factor the reader placed over the
    average is the stated peak factor, when no phrase says 'peak' (`_peaks` needs the word)."""
    if found.first("peak_factor") is not None:
        return
    for q in found.reading.placed:
        if q.unit != "factor" or q.value <= 1:
            continue
        match = re.search(re.escape(q.text) + _BASELINE_MULTIPLE, q.sentence, re.IGNORECASE)
        if match is not None:
            found.figures.append(Figure("peak_factor", q.value, quote(match.group(0)), q.start))
            return


def _from_reading(found: Extracted, text: str) -> None:
    """The requirements reader places every number; the figures above are read by phrase.
    Where they meet, the reader's peak/average reading wins (a stated peak is never
    multiplied by the peak factor again); a rate or a head count the phrases missed
    ("250 billion timeline reads a month", "trips at 2k per second peak") becomes a
    figure instead of being replaced by an assumption."""
    figures = found.figures
    for q in found.reading.placed:
        overlapping = [
            (index, f)
            for index, f in enumerate(figures)
            if q.start <= f.start < max(q.end, q.start + 1)
        ]
        if (
            q.unit == "count"
            and q.period is None
            and q.per is not None
            and (
                re.search(re.escape(q.text) + r"\s+(?:per|for\s+(?:each|every))\s", q.sentence)
                or re.search(
                    r"\b(?:each|every)\s+" + re.escape(q.per.split()[-1]) + r"\s+(?:has|have|holds?"
                    r"|takes?|seats?|fits?)\s+(?:up\s+to\s+|about\s+|around\s+|~\s*)?"
                    + re.escape(q.text),
                    q.sentence,
                    re.IGNORECASE,
                )
            )
        ):
            # "avg 4 subscribers per event", "Each match has 16 players": a count per
            # something is no head count of users
            dropped = {i for i, f in overlapping if f.kind == "people"}
            figures[:] = [f for i, f in enumerate(figures) if i not in dropped]
            overlapping = [(i, f) for i, f in overlapping if i not in dropped]
        for index, fig in overlapping:
            if fig.kind == "rate" and fig.peak != q.peak and not fig.per_user:
                figures[index] = fig = replace(fig, peak=q.peak)
            if fig.kind == "rate" and q.per in _PEOPLE_PER_WHAT and not fig.per_user:
                # "Users … create 1 post a day": the reader says per user; scale by the DAU
                figures[index] = replace(fig, per_user=True, peak=False)
        if q.unit == "seconds" and q.subject.endswith("latency") and not overlapping:
            # "must answer within two hundred milliseconds": a target the phrases above do
            # not read (they read digits, and left "results in 200ms" alone on purpose)
            if q.value <= 60 and not re.search(r"\d", q.text):
                percentile, note = _percentile(q.sentence, q.sentence)
                figures.append(
                    Figure(
                        "latency",
                        q.value,
                        quote(q.describe()),
                        q.start,
                        percentile=percentile,
                        scope=q.sentence,
                        note=note,
                    )
                )
            continue
        if q.unit == "bytes" and not overlapping and not re.search(r"\d", q.text):
            # "a typical file is about two megabytes": the phrases above read digits only; a
            # size written in words is sized as one written in digits (item or total)
            _size(
                text,
                q.start,
                q.end,
                q.value,
                clause_around(text, q.start),
                lambda fig, _start, _end: figures.append(fig),
            )
            continue
        if q.unit != "count" or not q.subject:
            continue
        subject_words = q.subject.split()
        if len(subject_words) >= 2 and _acts(subject_words[-2], subject_words[-1]):
            subject_words = subject_words[:-1]  # "people visit": the people are the subject
        head = singular(subject_words[-1].lower())
        known = NOUNS.get(head) or NOUNS.get(subject_words[-1].lower())
        asked = _asked_for(subject_words)
        if asked is not None:
            # "90,000 refill requests a day": a refill asked for, written, not generic
            # requests split by a typical read:write ratio
            head, known = asked, ("write", asked)
        headed = re.search(re.escape(q.subject) + r"\s*:", q.sentence) is not None  # "Bids:"
        people = known is not None and known[0] == "people"
        if (
            (headed or _elided(q, found.reading))
            and q.period
            and head not in _LOAD_HEADS
            and not people
        ):
            for index, fig in overlapping:
                # "Bids: ~50/s": the phrase read a bare "/s" as requests; the reader knows
                # what the rate counts (the heading before the colon)
                said = fig.subject or ""
                generic = said in ("request", "write", "read") and said != head
                if fig.kind == "rate" and generic and said not in fig.quote.lower():
                    role, subject = (
                        known if known else (_unknown_role(q, found.reading, text), head)
                    )
                    figures[index] = replace(
                        fig, subject=subject, role=role if role != "follow" else "read"
                    )
        if q.period == "day" and _OF_THEM_DAILY.search(q.text):
            # "10 million user, around 3 million of them open the app every day": the daily
            # users, not 3 million 'them' written a day
            if not any(f.kind == "people" for _, f in overlapping):
                figures.append(
                    Figure(
                        "people",
                        q.value,
                        _with_antecedent(q, found.reading),
                        q.start,
                        subject="dau",
                        scope=q.sentence,
                    )
                )
            continue
        if q.period is not None and q.per_second is not None:
            if q.per is not None and q.per not in _PEOPLE_PER_WHAT and _capped(q):
                # "A partner may make at most 600 calls a minute": each one's allowance, not
                # the load (whether the phrases above read it or not)
                dropped = {i for i, f in overlapping if f.kind == "rate"}
                figures[:] = [f for i, f in enumerate(figures) if i not in dropped]
                continue
            if any(f.kind == "rate" for _, f in overlapping) or (known and known[0] == "people"):
                continue
            role, subject = known if known else (_unknown_role(q, found.reading, text), head)
            if status_changed(q):
                role = "write"  # "Gate status changes about 3,000 times a day": a status set
            elif _looked_up(q):
                role = "read"  # "check a parcel's status 20 million times a day"
            per_user = q.per in _PEOPLE_PER_WHAT
            figures.append(
                Figure(
                    "rate",
                    q.per_second,
                    quote(q.describe()),
                    q.start,
                    subject=subject,
                    role=role if role != "follow" else "read",
                    scope=q.sentence,
                    peak=q.peak and not per_user,
                    per_user=per_user,
                    note=FROM_READER,
                )
            )
        elif q.period is None and known and known[0] == "people" and q.per is None:
            if any(f.kind == "people" for _, f in overlapping):
                continue
            kind = "concurrent" if q.peak or re.search(r"online|concurrent", q.subject) else None
            kind = kind or ("dau" if re.search(r"daily|active", q.subject) else known[1])
            figures.append(
                Figure(
                    "people", q.value, quote(q.describe()), q.start, subject=kind, scope=q.sentence
                )
            )


_OF_THEM_DAILY = re.compile(
    r"\bof\s+them\b[^.;]{0,40}?\b(?:every\s+day|daily|each\s+day|a\s+day|per\s+day)\b",
    re.IGNORECASE,
)


def _with_antecedent(q: Quantity, reading: Reading) -> str:
    """The quote of "N of them": from the count "them" stands for, when the sentence states
    one before it ("10 million user, around 3 million of them open the app every day"), so
    the quote is the task's own words; `describe` glued the reader's subject on as a label
    ("3 million of them open the app every day (user)")."""
    before = [
        p
        for p in reading.placed
        if p.sentence == q.sentence and p.end <= q.start and p.unit == "count" and not p.period
    ]
    at = q.sentence.find(before[-1].text) if before else -1
    end = q.sentence.find(q.text, at + 1) if at >= 0 else -1
    if end < 0:
        return quote(q.describe())
    return quote(q.sentence[at : end + len(q.text)], limit=_ANTECEDENT_QUOTE)


# long enough for a count and its share in one clause, short enough for a table's cell
_ANTECEDENT_QUOTE = 80


def _elided(q: Quantity, reading: Reading) -> bool:
    """A rate whose subject the reader carried over from the rate just before it in the
    same sentence, where it is written ("8M logins/day, 400/s at peak": the 400/s are
    logins, not requests of unknown kind)."""
    if q.subject.lower() in q.text.lower():
        return False
    before = [o for o in reading.placed if o.end <= q.start and o.sentence == q.sentence]
    last = before[-1] if before else None
    return (
        last is not None
        and last.period is not None
        and last.subject == q.subject
        and q.subject.lower() in last.text.lower()
    )


# Words a reader may give as a rate's subject that say nothing of what is counted
# ("5k/s at peak", "50 times a second"): the phrase's own reading stands.
_LOAD_HEADS = frozenset(
    {"request", "time", "peak", "traffic", "load", "scale", "throughput", "volume", "rate"}
    | {"spike", "burst", "average", "avg"}
)
_PEOPLE_PER_WHAT = frozenset({"user", "member", "customer", "player", "person", "athlete"})


# Words before "requests" that name the traffic, not a thing asked for.
_GENERIC_REQUESTS = frozenset(
    [
        "api",
        "http",
        "https",
        "web",
        "page",
        "network",
        "client",
        "server",
        "total",
        "incoming",
        "outgoing",
        "user",
        "read",
        "write",
        "search",
        "rpc",
        "grpc",
        "rest",
        "backend",
        "frontend",
        "peak",
        "average",
        "db",
        "database",
        "cache",
    ]
)


def _asked_for(words: list[str]) -> str | None:
    """The thing "<thing> requests" asks for ("refill requests" → refill), None for generic
    traffic ("API requests", "search requests") or a thing the lexicon reads."""
    if len(words) < 2 or singular(words[-1].lower()) != "request":
        return None
    thing = singular(words[-2].lower())
    known = NOUNS.get(thing)
    if not thing.isalpha() or thing in _GENERIC_REQUESTS or (known and known[0] != "write"):
        return None
    return thing


def _unknown_role(q: Quantity, reading: Reading, text: str) -> str:
    """The role of a rate of things the lexicon does not know ("5k reports a day", "60k new
    episodes a month"): a stated count of things per period measures the things being made,
    a write of the task's own entity. A count of times ("open their feed 10 times a day",
    "evaluations happen 2 million times per second") counts actions on the thing, and a
    sentence that reads the things ("viewed", "opened") reads them: both stay requests of
    unknown kind. A read that is another number's ("… 40,000 applications a day, and
    roughly 25 page views for every application", "serves 2 million patients and uploads
    about 40,000 reports a day", "upload 15,000 scans a day, each a file of about 50 MB,
    and doctors view the scans") is that number's, not this one's: the words read are those
    between the numbers beside it in its sentence."""
    begin = text.rfind(q.sentence, 0, q.start + 1)
    low, high = q.start, q.end
    if begin >= 0:
        low, high = begin, begin + len(q.sentence)
    for other in reading.placed:
        if other.sentence != q.sentence or other.start == q.start:
            continue
        if other.end <= q.start:
            low = max(low, other.end)
        elif other.start >= q.end:
            high = min(high, other.start)
    words = {w.lower() for w in _WORD.findall(text[low:high])}
    if re.search(r"\btimes\b", q.text, re.IGNORECASE) or words & _READ_VERBS:
        return "requests"
    if _sends_people_on(singular(q.subject.split()[-1].lower()), text):
        return "read"
    return "write"


# People who arrive at a system and are sent on by it ("bounces visitors on to the
# original", "routes callers on to the owner's mobile", "forwards people to the page").
_ARRIVING = (
    r"visitors?|users?|people|customers?|callers?|clients?|readers?|viewers?|shoppers?"
    r"|guests?|fans?|browsers?|traffic"
)


def _sends_people_on(thing: str, text: str) -> bool:
    """The task does what the counted noun names to people who arrive, sending them on
    somewhere: a bounce, a forward or a route serves an arrival from what is stored (a
    read of where to send them), it makes no new row, whatever the noun."""
    stem = re.escape(thing[:-1] if thing.endswith("e") else thing)
    return (
        re.search(
            rf"\b{stem}(?:e?s|e|ed|ing)?\s+(?:(?:the|our|its|their|each|every|all)\s+)?"
            rf"(?:{_ARRIVING})\s+(?:(?:on|onward|back|straight"
            r"|along|over|through)\s+)?(?:to|onto|into)\b",
            text,
            re.IGNORECASE,
        )
        is not None
    )


_LOOK_VERBS = _READ_VERBS | frozenset(
    ["check", "checks", "checked", "look", "looks", "track", "tracks", "see", "sees", "query"]
)


def _looked_up(q: Quantity) -> bool:
    """A count of times in a sentence that looks something up ("customers check a parcel's
    status by its tracking number 20 million times a day"): reads of it, whatever the noun
    (a status is written when posted, read when checked)."""
    words = {w.lower() for w in _WORD.findall(q.sentence)}
    return bool(re.search(r"\btimes\b", q.text, re.IGNORECASE)) and bool(words & _LOOK_VERBS)


# What a count of changes of a thing's state counts ("Gate status changes about 3,000 times
# a day", "The status of beds change around 20,000 time per day").
_CHANGES = frozenset({"change", "update", "transition"})
_STATUS_OF = re.compile(
    r"\b(?:status|state)(?:es)?\s+of\s+(?:the\s+|all\s+|every\s+|each\s+|a\s+)?([a-z]+)"
    r"|\b([a-z]+)(?:'s)?\s+(?:status|state)(?:es)?\s+(?:changes?|updates?|transitions?)\b",
    re.IGNORECASE,
)


def status_changed(q: Quantity) -> str | None:
    """The thing whose status a rate of changes counts, named in its sentence ("The status
    of beds change around 20,000 time per day" → bed): a count of times that is about the
    thing that changes, not about its actions; else None."""
    words = [w.lower() for w in _WORD.findall(q.subject or "")]
    if not words or singular(words[-1]) not in _CHANGES:
        return None
    named = _STATUS_OF.search(q.sentence)
    if named is None:
        return None
    thing = singular((named.group(1) or named.group(2)).lower())
    return thing if thing.isalpha() and thing not in _CHANGES else None


# The note of a rate of actions done to each of a stated number of things (scans).
PER_ITEM = "per item: "
# The note of a fleet's rate ("300k drivers, each sends its position every 4 seconds"): all
# of them sending, the most they can
FLEET_EVERY = "senders every"


def _per_item_totals(found: Extracted) -> None:
    """`3M parcels a day, each scanned ~6 times`: a count per thing (6 scans per parcel)
    times the rate the task states for that thing is a rate of its own (18M scans a day),
    the main write when the task names no other: it goes before the things' rate."""
    rates = [q for q in found.reading.placed if q.unit == "count" and q.per_second is not None]
    for q in found.reading.placed:
        if q.unit != "count" or q.period is not None or q.per is None or not q.subject:
            continue
        if q.per in _PEOPLE_PER_WHAT or q.value <= 1 or not re.search(r"\btimes\b", q.text):
            continue  # only actions done N times to each thing ("scanned 6 times")
        things = next(
            (r for r in rates if r.subject and singular(r.subject.split()[-1].lower()) == q.per),
            None,
        )
        if things is None or things.per_second is None:
            continue
        head = singular(q.subject.split()[-1].lower())
        known = NOUNS.get(head)
        role, subject = known if known and known[0] != "people" else ("write", head)
        # before the things' own rate: the sort by position keeps it first
        own = [n for n, f in enumerate(found.figures) if f.start == things.start]
        at = own[0] if own else len(found.figures)
        found.figures.insert(
            at,
            Figure(
                "rate",
                things.per_second * q.value,
                f"{quote(things.describe())} × {quote(q.describe())} each",
                things.start,  # read where the things are: before their own rate
                subject=subject,
                role=role,
                scope=q.sentence,
                peak=things.peak,
                note=f"{PER_ITEM}{plain(float(q.value))} {q.subject} per {q.per} × the "
                f"{q.per} rate",
            ),
        )


_LIMIT_WORDS = re.compile(
    r"\blimit\w*|\bquotas?\b|\bat\s+most\b|\ballow\w*|\bmax(?:imum)?\b|\bcap\b", re.I
)


def _capped(q: Quantity) -> bool:
    """`at most 600 calls a minute`: the figure is a ceiling, stated right before it."""
    before = q.sentence[: q.sentence.find(q.text)] if q.text in q.sentence else ""
    return (
        re.search(r"\b(?:at\s+most|max(?:imum)?|up\s+to|no\s+more\s+than)\s*$", before) is not None
    )


def _per_owner_totals(found: Extracted) -> None:
    """`10,000 servers each emit 100 metrics every 10 seconds`: a rate per machine (server,
    device, sensor, node) times the machines the task counts is the total. People are
    scaled later by the DAU (`per_user`); an owner the task does not count stays as read."""
    counts: dict[str, Quantity] = {}
    for q in found.reading.placed:
        if q.unit == "count" and q.period is None and q.subject and q.per is None:
            counts.setdefault(singular(q.subject.split()[-1].lower()), q)
    for q in found.reading.placed:
        if q.per is None or q.per in _PEOPLE_PER_WHAT or q.unit != "count":
            continue
        if _LIMIT_WORDS.search(q.sentence):
            continue  # "limits: 10 req/s per key" caps each key; it is not the load
        owners = counts.get(q.per)
        if owners is None or owners.value <= 1:
            continue
        for index, fig in enumerate(found.figures):
            if fig.kind == "rate" and fig.start == q.start and not fig.per_user:
                found.figures[index] = replace(
                    fig,
                    value=fig.value * owners.value,
                    quote=f"{fig.quote} × {owners.describe()}",
                    note=f"per {q.per} × {owners.describe()}",
                )


def _ratios(text: str, add: _AddFn, free: _FreeFn) -> None:
    for match in _RATIO.finditer(text):
        clause = clause_around(text, match.start()).lower()
        if not re.search(r"read|write|ratio", clause):
            continue
        left, right = Fraction(match.group(1)), Fraction(match.group(2))
        if left == 0 or right == 0:
            continue
        read_pos, write_pos = clause.find("read"), clause.find("write")
        reads_first = read_pos == -1 or write_pos == -1 or read_pos < write_pos
        ratio = left / right if reads_first else right / left
        seg = _segment(text, match.start(), match.end())
        fig = Figure("ratio", ratio, quote(seg), match.start(), scope=seg)
        add(fig, match.start(), match.end())
    for match in _RATIO_TIMES.finditer(text):
        if not free(match.start(), match.end()):
            continue
        number = next(g for g in match.groups() if g is not None)
        value = Fraction(number)
        if value > 0:
            fig = Figure("ratio", value, quote(match.group(0)), match.start())
            add(fig, match.start(), match.end())
    for match in _CONVERSION.finditer(text):
        # "Only 2% of searches finish with a reservation": 100 ÷ 2 = 50 looks per booking
        share = Fraction(match.group(1))
        if 0 < share < 100 and free(match.start(), match.end()):
            fig = Figure("ratio", 100 / share, quote(match.group(0)), match.start())
            add(fig, match.start(), match.end())


def _nines(text: str, add: _AddFn) -> None:
    for match in _NINES.finditer(text):
        word = match.group(1).lower()
        nines = _WORD_NUMBERS.get(word) or int(word)
        value = 1 - Fraction(1, 10**nines)
        add(Figure("availability", value, quote(match.group(0)), match.start()), *match.span())


def _peaks(text: str, add: _AddFn, free: _FreeFn) -> None:
    for match in _PEAK.finditer(text):
        if not free(match.start(), match.end()):
            continue
        number = match.group(1) or match.group(2)
        value = Fraction(number)
        if value >= 1:
            fig = Figure("peak_factor", value, quote(match.group(0)), match.start())
            add(fig, match.start(), match.end())


def _growth(text: str, add: _AddFn, free: _FreeFn) -> None:
    for match in _GROWTH_MULT.finditer(text):
        factor = Fraction({"doubl": 2, "tripl": 3, "quadrupl": 4}[match.group(1).lower()])
        period = match.group(2).lower()
        per_year = _per_year(Fraction(factor), period)
        fig = Figure("growth", per_year - 1, quote(match.group(0)), match.start())
        add(fig, match.start(), match.end())
    for match in _GROWTH_PCT.finditer(text):
        if not free(match.start(), match.end()):
            continue
        if match.group(5):
            factor = Fraction(match.group(5))
            period = match.group(6).lower()
        else:
            pct = Fraction(match.group(1) or match.group(3)) / 100
            factor = 1 + pct
            period = (match.group(2) or match.group(4) or "year").lower()
        per_year = _per_year(factor, period)
        fig = Figure("growth", per_year - 1, quote(match.group(0)), match.start())
        add(fig, match.start(), match.end())


def _follows(text: str, add: _AddFn, free: _FreeFn) -> None:
    for match in _FOLLOWS.finditer(text):
        if not free(match.start(), match.end()):
            continue
        number = (match.group(1) or match.group(3)).replace(",", "")
        value = Fraction(number) * (1000 if (match.group(2) or match.group(4)) else 1)
        kind = _followers_kind(_before(text, match.start()))
        add(Figure(kind, value, quote(match.group(0)), match.start()), *match.span())


# "a few accounts have 20 million followers": the largest accounts, not everyone's
_LARGEST = re.compile(
    r"\b(?:a\s+few|some|largest|biggest|celebrit\w*|famous|popular|top|up\s+to|max(?:imum)?"
    r"|the\s+most|stars?|influencers?)\b",
    re.IGNORECASE,
)


def _followers_kind(before: str) -> str:
    return "followers_max" if _LARGEST.search(before) else "followers"


def _per_year(factor: Fraction, period: str) -> Fraction:
    """A growth factor per `period` as a factor per year, rounded to 0.1% when compounded."""
    if period.startswith(("month", "mo")):
        exact = factor**12
    elif period.startswith("quarter"):
        exact = factor**4
    else:
        return factor
    return Fraction(round(exact * 1000), 1000)


def _periods(text: str, add: _AddFn, free: _FreeFn) -> None:
    """`1M drivers send their location every 4 seconds` → a rate of 250k updates/s."""
    for match in _PERIOD.finditer(text):
        # the period's own clause (a comma, a full stop before a space; not the point of a
        # decimal: "3.5M meters ... every 15 min" was read from "5M"), so an earlier
        # clause's count is not the fleet ("20M rides per day, drivers send location every
        # 5 seconds" was 20M senders: 4M/s)
        before = _before(text, match.start())
        if not _NUMBER.search(before) and _EACH_OF_THE_COUNT.match(before):
            # "3.5M meters, each sends a reading every 15 min": each of the count before
            ends = list(_SENTENCE_END.finditer(text, 0, match.start()))
            before = text[(ends[-1].start() + 1 if ends else 0) : match.start()]
        clause_start = match.start() - len(before) - 1
        counts = list(_NUMBER.finditer(before))
        if not counts:
            continue
        count_match = counts[-1]
        words = [w.lower() for w in _WORD.findall(before[count_match.end() :])]
        subject = "update"
        for word in words:
            role_subject = NOUNS.get(singular(word))
            if role_subject and role_subject[0] in ("write", "events"):
                subject = role_subject[1]
                break
            if word in ("location", "locations", "position", "gps", "coordinates"):
                subject = "location"
                break
        actors = _value(count_match)
        unit = match.group(2).lower()
        seconds = Fraction(match.group(1)) * _SECONDS.get(unit, _SECONDS.get(unit + "s", 1))
        if seconds <= 0 or actors <= 0:
            continue
        start = clause_start + 1 + count_match.start()
        fig = Figure(
            "rate",
            actors / seconds,
            quote(text[start : match.end()]),
            start,
            subject=subject,
            role="write",
            note=f"{_plain(actors)} {FLEET_EVERY} {_plain(Fraction(match.group(1)))} {unit}",
        )
        add(fig, start, match.end())
        # The actors themselves are people too (drivers, devices).
        people = next((w for w in words if NOUNS.get(singular(w), ("",))[0] == "people"), None)
        if people:
            subj = NOUNS[singular(people)][1]
            found_fig = Figure(
                "people", actors, quote(text[start : match.end()]), start, subject=subj
            )
            add(found_fig, start, start)


def _plain(value: Fraction) -> str:
    return str(int(value)) if value.denominator == 1 else f"{plain(float(value), 6)}"


def _number(text: str, match: re.Match[str], add: _AddFn) -> None:
    value = _value(match)
    start, end = match.span()
    after = text[end : end + 120]
    clause = clause_around(text, start)
    lowered_clause = clause.lower()
    mult = match.group("mult")

    # Percentages: availability or growth (growth phrases were read already).
    pct = re.match(r"\s*(?:%|percent\b)", after)
    if pct:
        fraction = value / 100
        said = re.search(r"avail|uptime|\bsla\b|\bslo\b|reliab|\bup\b", lowered_clause)
        # a bare 100% is a share of something ("5%, then 25%, then 100%" of the servers):
        # no system is up all the time, so only words about uptime make it a target
        if fraction <= 1 and ((99 <= value < 100) or (value >= 90 and said)):
            add(
                Figure(
                    "availability",
                    fraction,
                    quote(text[start : end + pct.end()]),
                    start,
                    scope=clause,
                ),
                start,
                end + pct.end(),
            )
        return

    # Short durations (ms, us) and long ones (seconds .. years).
    dur = re.match(
        r"\s*(ns|us|µs|μs|microseconds|ms|msec|milliseconds?|seconds?|secs?|s|"
        r"minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wk|months?|mo|years?|yrs?|"
        r"yr)\b",
        after,
        re.IGNORECASE,
    )
    if dur and not mult:
        unit = dur.group(1).lower()
        seconds = value * (_SHORT_DURATION[unit] if unit in _SHORT_DURATION else _SECONDS[unit])
        _duration(text, start, end + dur.end(), seconds, clause, add)
        return

    # Sizes: 5MB, 500 bytes, 2 TB ("1.2B users" is a count; "500B per link" is a size).
    size = re.match(
        r"\s*(bytes?|kilobytes?|megabytes?|gigabytes?|terabytes?|petabytes?|"
        r"[kKmMgGtTpP]i?[bB]|B)\b",
        after,
    )
    word = _WORD.match(after.lstrip(" "))
    if mult == "B" and size is None and not (word and b_counts(word.group(0))):
        # one rule with the number reader's (tokens.b_counts): a word after the B is counted
        _size(text, start, end, value / _MULTIPLIERS["b"], clause, add)
        return
    if size is not None and not mult:
        total_bytes = value * _SIZES[size.group(1).lower()]
        if total_bytes > 0:
            _size(text, start, end + size.end(), total_bytes, clause, add)
        return

    # Rates written directly: 1.5k rps, 5k/s, 300 requests per second.
    direct = _RATE_DIRECT.match(after)
    if direct:
        unit = direct.group("unit") or direct.group("unit2")
        seconds = Fraction(_SECONDS[unit.lower()]) if unit else Fraction(1)
        role, subject = _role_from_clause(lowered_clause)
        stop = end + direct.end()
        add(_rate(text, start, stop, value / seconds, role, subject, clause), start, stop)
        return

    # Counts followed by up to four words, then maybe a rate unit.
    words: list[tuple[str, int]] = []
    pos = 0
    for word_match in _WORD.finditer(after):
        gap = after[pos : word_match.start()]
        if re.search(r"[\d.;:!?()\n]", gap) or len(words) >= 5:
            break
        rate_unit = _RATE_UNIT.match(after, pos)
        if rate_unit and words:
            break
        words.append((word_match.group(0), word_match.end()))
        pos = word_match.end()
    noun_index = _noun_index([w for w, _ in words])
    if noun_index is None:
        return
    known = _known(words[noun_index][0])
    assert known is not None
    role, subject = known
    if role in ("read", "search") and noun_index > 0:
        modifier = _known(words[noun_index - 1][0])
        if modifier is not None and modifier[0] == "write":
            subject = modifier[1]  # "photo views": reads of media
    adjectives = " ".join(w.lower() for w, _ in words[:noun_index])
    tail_start = words[noun_index][1]
    verbs = {w.lower() for w, _ in words[noun_index + 1 :]}
    unit_match = _RATE_UNIT.match(after, words[-1][1]) or _RATE_UNIT.match(after, tail_start)
    if (
        unit_match
        and "every" in unit_match.group(0).lower()
        and re.match(r"\s*every\s+\d", after[unit_match.start() :])
    ):
        unit_match = None
    # "uploads 1 photo every 10 days": a count once per N days (N seconds to hours are a
    # fleet's period, read by _periods before this)
    every_n = None if unit_match else _EVERY_N.match(after, tail_start)
    if unit_match or every_n:
        if every_n is not None:
            seconds = Fraction(every_n.group(1)) * _SECONDS[every_n.group(2).lower()]
            stop = end + every_n.end()
        else:
            assert unit_match is not None
            period = unit_match.group("unit") or ""
            adverb = unit_match.group("adverb")
            seconds = Fraction(
                _ADVERB_PERIOD[adverb.lower()] if adverb else _SECONDS[period.lower()]
            )
            stop = end + unit_match.end()
        if seconds <= 0:
            return
        if role == "people":
            kind = "mau" if seconds >= 28 * DAY else "dau"
            add(
                Figure("people", value, quote(text[start:stop]), start, subject=kind, scope=clause),
                start,
                stop,
            )
            return
        if role == "follow":
            return
        # "photos are viewed 4 billion times", "and view 4 billion photos a day"
        verb_before = re.search(r"(\w+)\s+(?:about\s+|around\s+|roughly\s+)?$", text[:start])
        if verb_before is not None:
            verbs = verbs | {verb_before.group(1).lower()}
        if "read" in adjectives.split() or (verbs & _READ_VERBS and role == "write"):
            role = "read"
        if role == "write" and _reads_of(words[noun_index + 1 :]):
            role = "read"  # "50 million comment section loads a day": reads of comments
        fig = _rate(text, start, stop, value / seconds, role, subject, clause)
        span_words = _before(text, start).lower() + " " + after[: stop - end]
        # "users watch 5 videos a day each": each of the people named before the count
        each_after = re.match(r"\s*each\b", text[stop:]) is not None and any(
            (_known(w) or ("",))[0] == "people" for w in _WORD.findall(_before(text, start))
        )
        if _PER_USER.search(span_words) or each_after:
            fig = replace(fig, per_user=True, peak=False)
        add(fig, start, stop)
        return
    if role == "people" and "daily" in adjectives:
        subject = "dau"
    elif role == "people" and "monthly" in adjectives:
        subject = "mau"
    elif role == "people" and re.search(r"concurrent|simultaneous|online|connected", adjectives):
        subject = "concurrent"
    elif role == "people" and re.search(r"\bactive\b", adjectives):
        subject = "dau"
    stop = end + tail_start
    if role == "people" and AT_MOST.search(_before(text, start)) and _ONE_THING.match(after):
        # "up to 50 people editing one document at once": a cap on one thing's people, not
        # a head count of the users (it drafted "users 50, daily active users 5")
        return
    if role == "people":
        add(
            Figure("people", value, quote(text[start:stop]), start, subject=subject, scope=clause),
            start,
            stop,
        )
    elif role == "follow":
        kind = _followers_kind(_before(text, start))
        add(Figure(kind, value, quote(text[start:stop]), start, scope=clause), start, stop)
    elif role in ("write", "events") and value >= 1:
        add(
            Figure("stock", value, quote(text[start:stop]), start, subject=subject, scope=clause),
            start,
            stop,
        )


def _reads_of(tail: list[tuple[str, int]]) -> bool:
    """The words after a counted thing, up to the rate's period, end in a read of it
    ("comment section loads", "product page views"): the count is of reads."""
    if not tail:
        return False
    last = singular(tail[-1][0].lower())
    known = _known(last)
    return last in READ_ACTS or (known is not None and known[0] == "read")


def _known(word: str) -> tuple[str, str] | None:
    lw = word.lower()
    return NOUNS.get(singular(lw)) or NOUNS.get(lw)


def _noun_index(words: list[str]) -> int | None:
    """Index of the noun the count describes: the last of the first run of known nouns
    (`photo views` → views), after fillers (`new`, `daily active`)."""
    for index, word in enumerate(words):
        lw = word.lower()
        if _known(lw) is not None:
            if lw in ("update", "updates") and index + 1 < len(words):
                continue
            while index + 1 < len(words) and _known(words[index + 1]) is not None:
                if _acts(words[index], words[index + 1]):
                    break  # "people visit": a verb after its subject, not "page views"
                index += 1
            return index
        if lw not in _FILLER and not lw.endswith("-"):
            return None
    return None


def _acts(noun: str, word: str) -> bool:
    """`word` is what the people `noun` do ("2 million people visit per day": 2 million
    daily visitors), not the head of a compound ("user visits" are reads): the people are
    plural and the word is a bare verb form."""
    who = _known(noun)
    if who is None or who[0] != "people":
        return False
    plural = noun.lower() == "people" or singular(noun) != noun.lower()
    return plural and singular(word) == word.lower() and _known(word) is not None


def _role_from_clause(clause: str) -> tuple[str, str]:
    if re.search(r"search|autocomplete|typeahead|suggest", clause):
        return "search", "search"
    if re.search(r"\bwrites?\b|\bingest|\bupload|\bevents?\b", clause):
        return ("events", "event") if "event" in clause else ("write", "write")
    if re.search(r"\breads?\b|redirect|lookup|\bviews?\b|\bget\b", clause):
        return "read", "read"
    return "requests", "request"


def _rate(
    text: str,
    start: int,
    stop: int,
    per_second: Fraction,
    role: str,
    subject: str,
    clause: str,
) -> Figure:
    before = _before(text, start).lower()
    after = text[stop : stop + 12].lower()
    peak = bool(re.search(r"peak|spikes?|bursts?|\bmax(?:imum)?\b|\bup to$", before)) or bool(
        re.match(r"\s*(?:at\s+)?peak", after)
    )
    return Figure(
        "rate",
        per_second,
        quote(text[start:stop]),
        start,
        subject=subject,
        role=role,
        scope=clause,
        peak=peak,
    )


def _duration(
    text: str, start: int, stop: int, seconds: Fraction, clause: str, add: _AddFn
) -> None:
    before = text[max(0, start - 60) : start]
    lowered = clause.lower()
    segment = _segment(text, start, stop)
    # "we retry failed deliveries for 48 hours": how long retries go on, not how long data
    # is kept (the reader's retry window)
    retrying = _RETRYING.search(before) is not None and not _KEPT_BEFORE.search(before)
    if seconds >= DAY and _RETENTION_WORDS.search(lowered) and not retrying:
        add(Figure("retention", seconds, quote(segment), start, scope=segment), start, stop)
        return
    # the piece's own words, or the clause's where the piece starts at the number ("SMS
    # via external provider, ~2 s to deliver")
    lead = segment.split(text[start:stop], 1)[0]
    owner = segment if re.search(r"[A-Za-z]{3}", lead) else clause
    for kind, words in (("freshness", _FRESHNESS_WORDS), ("third_party_time", _THIRD_PARTY_WORDS)):
        if seconds <= 60 and words.search(owner):
            add(Figure(kind, seconds, quote(segment), start, scope=segment), start, stop)
            # under a second, what others see is the write's own path ("edits appear for
            # others within 100 ms"): a target of the write too
            if kind == "third_party_time" or seconds >= 1:
                return
    # "every 5 seconds" is how often, never a target (a latency word elsewhere in the clause
    # made "drivers send location every 5 seconds" a 5 s p99)
    if _WORK_TAKES.search(lowered):
        return  # how long a run or a job takes is its work time, no response target
    if seconds <= 60 and _LATENCY_WORDS.search(lowered) and not re.search(r"\bevery\s*$", before):
        percentile, note = _percentile(segment, before + text[start:stop])
        add(
            Figure(
                "latency",
                seconds,
                quote(segment),
                start,
                percentile=percentile,
                scope=segment,
                note=note,
            ),
            start,
            stop,
        )
        return


def _percentile(segment: str, near: str) -> tuple[str, str | None]:
    # beyond the duration's own piece, only a percentile label counts ("p99: 200 ms"): an
    # average there is another figure's ("avg 4 joins per call, join under 1 second")
    matches = list(_PERCENTILE.finditer(segment)) or [
        m for m in _PERCENTILE.finditer(near) if m.group("p") or m.group("n")
    ]
    if not matches:
        return "p99", "no percentile given: read as p99"
    m = matches[-1]
    if m.group("median"):
        return "p50", None
    if m.group("avg"):
        return "p50", "average latency read as a p50 target"
    number = m.group("p") or m.group("n")
    if number in ("999",):
        return "p99", "p99.9 target tightened to p99 (the model tracks p50/p95/p99)"
    if number == "90":
        return "p95", "p90 target read as p95 (the model tracks p50/p95/p99)"
    return f"p{number}", None


def _size(text: str, start: int, stop: int, size: Fraction, clause: str, add: _AddFn) -> None:
    lowered = clause.lower()
    before = text[max(0, start - 50) : start].lower()
    per_item = re.search(
        r"\beach\b|\bper\b|\baverage|\bavg\b|up to|\bmax|\bsize\b|\bevery\b|"
        r"\bpayload|\bobject|\bfile|\bphoto|\bimage|\bvideo|\bmessage|"
        r"\bupload|\ba\b|\bof\s+(?:a|an|one)\b",
        before + " " + text[stop : stop + 30].lower(),
    )
    total = re.search(r"\btotal|\boverall|\bdataset|\bdata set|\bof data\b|\bstorage\b", lowered)
    if total and not (per_item and size < 10**9):
        seg = _segment(text, start, stop)
        add(Figure("storage", size, quote(seg), start, scope=seg), start, stop)
        return
    subject = None
    for word in _WORD.findall(lowered):
        noun = NOUNS.get(singular(word))
        if noun is not None and noun[0] in ("write", "events"):
            subject = noun[1]
            break
    seg = _segment(text, start, stop)
    add(Figure("item_size", size, quote(seg), start, subject=subject, scope=seg), start, stop)


_AddFn = Callable[[Figure, int, int], None]
_FreeFn = Callable[[int, int], bool]
