"""The requirements reader: every number in the task, placed or listed as unplaced.

    read_quantities("Design the Twitter timeline: 250 billion timeline reads a month")
    → Reading(placed=(Quantity(value=250000000000, unit="count", period="month",
                               subject="timeline reads", peak=False, per=None, …),),
              unplaced=())

Each number token of `tokens.tokens` ends up in exactly one of the two lists, so a number
is never dropped silently. A placed quantity says what it measures: its `unit` (count,
bytes, seconds, percent, ratio, factor, percentile), its `period` for rates ("a month",
"/s", "daily"), its `subject` (the noun phrase from the task: "timeline reads"), whether the
task states it as a peak ("2k per second peak", "300k drivers online at peak"), and per what
("per user", "each driver", "/user/day"). A number that names rather than measures
("a short one", "between two users", "at least once") is placed with unit `label`. A
number the reader cannot tie to anything is unplaced, with its sentence, and becomes an
open question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from archproof.frontends.draft.lexicon import (
    _READ_VERBS,
    _SECONDS,
    _SHORT_DURATION,
    _SIZES,
    _WRITE_VERBS,
    CURRENCY_SIGNS,
    CURRENCY_WORDS,
    NOUNS,
    READ_ACTIONS,
    READ_ACTS,
    WHEN_WORDS,
    WRITE_ACTS,
)
from archproof.frontends.draft.text import singular
from archproof.frontends.draft.tokens import Token, tokens

PERIOD_NAMES = {
    1: "second",
    60: "minute",
    3600: "hour",
    86_400: "day",
    7 * 86_400: "week",
    30 * 86_400: "month",
    365 * 86_400: "year",
}
_PERIOD_SECONDS = {name: seconds for seconds, name in PERIOD_NAMES.items()}
_ADVERBS = {
    "hourly": "hour",
    "daily": "day",
    "nightly": "day",
    "weekly": "week",
    "monthly": "month",
    "yearly": "year",
    "annually": "year",
}
_RATE_WORDS = {"rps": "second", "qps": "second", "tps": "second"}
_DURATIONS: dict[str, Fraction] = {
    **{k: Fraction(v) for k, v in _SECONDS.items()},
    **_SHORT_DURATION,
    "milli": Fraction(1, 1000),
}
# "the dinner rush gets up to something like 150 orders per second" is a peak too
_PEAK_BEFORE = re.compile(
    r"\b(?:peaks?|peaking|spikes?|bursts?|busiest|most\s+busy|max(?:imum)?|rush(?:es)?)\b",
    re.IGNORECASE,
)
_PEAK_AFTER = re.compile(
    r"^[^,;]{0,40}?\b(?:at\s+(?:the\s+)?(?:peak|top\b(?!\s+(?:\d|of\b)))|peaks?\b|at\s+dinner|at\s+lunch|rush\s+hour"
    r"|on\s+a\s+busy|on\s+black\s+friday|during\s+(?:the\s+)?(?:campaigns?|sales?|spikes?))",
    re.IGNORECASE,
)
# A sentence that opens on its peak: every number in it is read at the peak.
_PEAK_OPENING = re.compile(
    r"^\W*(?:at|during|in)\s+(?:the\s+)?(?:peaks?|busiest\s+\w+)\b(?!\s+of\b)", re.IGNORECASE
)
_AVERAGE_AFTER = re.compile(r"^\s*(?:avg|average|on\s+average|mean)\b", re.IGNORECASE)


def _wordset(words: str) -> frozenset[str]:
    """A set of words written as one string."""
    return frozenset(words.split())


_BASELINES = _wordset("average avg normal usual baseline mean typical")


def _baseline_after(toks: list[Token], j: int) -> bool:
    """`the average`, `the normal`, `more than average`: what a multiple is taken of."""
    if [t.low for t in toks[j : j + 2]] == ["more", "than"]:
        j += 2
    if _at(toks, j) is not None and toks[j].low == "the":
        j += 1
    if _at(toks, j) is not None and toks[j].low in _ADVERBS:
        j += 1  # "3x the daily average": the average over a day is still the baseline
    base = _at(toks, j)
    return base is not None and base.low in _BASELINES


# Words that end a noun phrase after a number (prepositions, verbs, fillers).
_STOP = _wordset(
    "a an the per each every of in on at to for from by with across under over within "
    "after before during and or but is are was were be been being will would can could "
    "should must may might do does did have has had get gets got make makes made try "
    "tries their its his her our your my them they we it this that these those which who "
    "whom what when where than then up down into out about around roughly approximately "
    "nearly almost only just some any more most less least no not never also too very so "
    "such as if while via vs upload uploads uploaded send sends sending sent link linked "
    "ping pings edit edits emit emits see sees open opens create creates created pulled "
    "pull watched viewed submit submits logs log set sets go goes come comes came take "
    "takes took need needs want wants use uses used keep kept store stores stored allow "
    "allows allowed cap caps sync synced try now others appear storing held hold"
)
# Words that end a noun phrase even in first place (the first word after a number is a
# noun or an adjective, so verbs like "logs" or "gets" count there: "2M log lines").
_FUNCTION = _wordset(
    "a an the per each every of in on at to for from by with across under over within "
    "after before during and or but is are was were be been being will would can could "
    "should must may might than then into about around roughly approximately nearly "
    "almost only just via vs"
)
_OF_AFTER = _wordset("couple dozen millions thousands billions hundreds million thousand billion")
_FILLER_BEFORE = _wordset(
    "about around roughly approximately nearly almost ~ maybe perhaps some over under up "
    "to at least most than more less"
)
_PEOPLE_PER = _wordset(
    "friend friends follower followers connection connections followee followees"
)


@dataclass(frozen=True)
class Quantity:
    """One number of the task, placed: what it measures, in which unit, over which period."""

    text: str  # the number as written ("250 billion")
    start: int
    end: int
    value: Fraction  # in the unit's base: bytes, seconds, a plain count, percent as written
    unit: str  # count, bytes, seconds, percent, ratio, factor, percentile, money, label
    subject: str  # the noun phrase it measures ("timeline reads"); "" for labels
    sentence: str
    period: str | None = None  # second … year, for rates
    peak: bool = False  # stated as a peak ("at peak", "spikes of")
    average: bool = False  # stated as an average ("8k req/s avg")
    per: str | None = None  # per what ("user", "node", "domain")
    role: str | None = None  # for durations: latency, interval, retention, staleness, …
    note: str | None = None  # how an approximate word was read ("a few" → 3)

    @property
    def per_second(self) -> Fraction | None:
        """The rate per second, for a quantity with a period."""
        if self.period is None:
            return None
        return self.value / _PERIOD_SECONDS[self.period]

    def describe(self) -> str:
        """The words as written, with the subject when it was read from before the number:
        `250 billion timeline reads a month`, `2k per second (trips)`."""
        if not self.subject or self.subject.split()[-1].lower() in self.text.lower():
            return self.text
        return f"{self.text} ({self.subject})"


@dataclass(frozen=True)
class Unplaced:
    """A number the reader could not tie to a measure, with the sentence it sits in."""

    text: str
    start: int
    end: int
    sentence: str
    reason: str

    def question(self) -> str:
        return f'The task says "{self.sentence}": what does {self.text} measure?'


@dataclass(frozen=True)
class Reading:
    """Every number of a task: placed quantities and unplaced numbers, in text order."""

    placed: tuple[Quantity, ...]
    unplaced: tuple[Unplaced, ...]

    def covering(self, position: int) -> Quantity | Unplaced | None:
        """The placed or unplaced number whose words cover `position` in the text."""
        for item in self.placed:
            if item.start <= position < item.end:
                return item
        for other in self.unplaced:
            if other.start <= position < other.end:
                return other
        return None


def read_quantities(text: str) -> Reading:
    """Place every number token of `text` (already normalized). Never raises."""
    toks = tokens(text)
    placed: list[Quantity] = []
    unplaced: list[Unplaced] = []
    consumed: set[int] = set()
    for i, tok in enumerate(toks):
        if tok.kind != "num" or i in consumed:
            continue
        if placed and placed[-1].start < tok.start < placed[-1].end:
            continue  # "3 million visitor in one day": the 'one' of the period just read
        sentence = _sentence(text, toks, i)
        try:
            item = _place(text, toks, i, consumed, placed)
        except (ArithmeticError, KeyError, ValueError, IndexError) as exc:  # pragma: no cover
            # A reader bug must not lose the number: it is listed as unplaced instead.
            unplaced.append(Unplaced(tok.text, tok.start, tok.end, sentence, f"unreadable: {exc}"))
            continue
        if isinstance(item, tuple):
            placed.extend(item)
        elif isinstance(item, Quantity):
            placed.append(item)
        else:
            unplaced.append(Unplaced(tok.text, tok.start, tok.end, sentence, item))
    _share_periods(toks, placed)
    return Reading(tuple(placed), tuple(unplaced))


# --------------------------------------------------------------------------- placement


def _place(
    text: str, toks: list[Token], i: int, consumed: set[int], placed: list[Quantity]
) -> Quantity | tuple[Quantity, ...] | str:
    tok = toks[i]
    assert tok.value is not None
    value = tok.value
    sentence = _sentence(text, toks, i)
    nxt = _at(toks, i + 1)
    prev = _at(toks, i - 1)

    def q(unit: str, subject: str, end: int, **kw: object) -> Quantity:
        return Quantity(
            text[tok.start : end],
            tok.start,
            end,
            kw.pop("value", value),  # type: ignore[arg-type]
            unit,
            subject,
            sentence,
            note=tok.note,
            **kw,  # type: ignore[arg-type]
        )

    # p99 / p95: a percentile label glued to a "p".
    if prev is not None and tok.glued and prev.kind == "word" and prev.low == "p":
        subject = _latency_subject(toks, i)
        return Quantity(f"p{tok.text}", prev.start, tok.end, value, "percentile", subject, sentence)
    # 99th percentile
    if nxt is not None and nxt.low in ("th", "st", "nd", "rd") and nxt.glued:
        after = _at(toks, i + 2)
        if after is not None and after.low.startswith("percentile"):
            return q("percentile", _latency_subject(toks, i), after.end)
    if tok.glued and prev is not None and prev.kind == "word" and prev.low != "p":
        # "MP3s", "S3", "EC2": digits glued after letters are part of a name, not a measure
        # (the "p" of "p99" is a percentile, read below)
        return Quantity(tok.text, tok.start, tok.end, value, "label", prev.text, sentence)
    if tok.low == "once" and prev is not None and prev.low == "at":
        # "40,000 matches going at once": at the same time, not a count of one
        return Quantity(tok.text, tok.start, tok.end, value, "label", "", sentence)
    # Money: "2 dollars per hour", "$3 per ride", "10 euros a month": a price, never a count
    # of things nor a rate of requests (a parking lot's fees drafted 0.5 calls an hour)
    currency = nxt is not None and nxt.low in CURRENCY_WORDS
    if currency or (prev is not None and prev.text in CURRENCY_SIGNS and tok.glued):
        past = i + 2 if currency else i + 1
        period, pend = _period_after(toks, past)
        end = pend if period is not None else (nxt.end if currency and nxt else tok.end)
        return q("money", "price", end, period=period)
    # Shares: "one email in ten carries an attachment", "1 in 20 requests".
    share = _share(text, toks, i, consumed, sentence)
    if share is not None:
        return share
    # Ratios: N:M and "N to M" between reads and writes.
    ratio = _ratio(text, toks, i, consumed, sentence)
    if ratio is not None:
        return ratio
    # Percentages.
    if nxt is not None and (nxt.text == "%" or nxt.low in ("percent", "pct")):
        k = i + 3 if _at(toks, i + 2) is not None and toks[i + 2].low == "of" else i + 2
        if _at(toks, k) is not None and toks[k].low in _DETERMINERS | {"all"}:
            k += 1  # "one percent of the servers", "30% of all runs": the servers, the runs
        phrase, pend = _phrase_after(toks, k)
        within = _at(toks, pend) is not None and toks[pend].low in ("in", "within")
        if len(phrase.split()) > 1 and within and _verb_of_share(toks, pend - 1):
            # "30% of all runs start within the same minute": the word before the span the
            # share falls in is its verb, not part of its noun ("2% of requests fail during a
            # wave" keeps its verb: which requests are counted)
            phrase = phrase.rsplit(" ", 1)[0]
        subject = phrase or _noun_before(toks, i)
        said = _count_before(placed, toks, i)
        if k > i + 2 and toks[k].low in _COUNTED_PRONOUNS and said is not None:
            # "90,000 refill requests a day, 70% of them arrive …": a share of the things
            # counted before, which the pronoun stands for
            subject = said.subject
        elif k > i + 2 and _at(toks, k) is not None and toks[k].low == "time":
            # "the system must work 99.9% of time": how much of the time the clause's
            # subject is up, its uptime
            subject = f"{_clause_subject(toks, _clause_start(toks, i), i) or 'system'} uptime"
        elif k == i + 2 and _verb_of_share(toks, k):
            # "Readings arrive in bursts: 80% land in the first 2 minutes": a share of the
            # things the clause before is about, not of 'land'
            subject = _earlier_clause_subject(toks, i) or subject
        if not subject:
            # "first one percent of the servers, then ten percent": the noun elided after the
            # second share is the first one's
            share = next(
                (p for p in reversed(placed) if p.unit == "percent" and p.sentence == sentence),
                None,
            )
            subject = share.subject if share is not None else ""
        span = _same_span(text, toks, i, sentence)
        if span is not None:
            return q("percent", subject, nxt.end), span
        return q("percent", subject, nxt.end)
    # Factors: 3x, 10 times (a count when a period follows: "5000 times a second").
    once = nxt is not None and nxt.low == "time" and _period_after(toks, i + 2)[0] is not None
    # "the swipes are 3 time the average": a multiple of a baseline, however it is spelled
    versus = nxt is not None and nxt.low == "time" and _baseline_after(toks, i + 2)
    if nxt is not None and (nxt.low == "x" or nxt.low in ("times", "fold") or once or versus):
        period, pend = _period_after(toks, i + 2)
        if (nxt.low == "times" or once) and period is not None:  # "1,500 time per second"
            rest = next((k for k in range(i + 1, len(toks)) if toks[k].start >= pend), len(toks))
            per = _per(toks, i, _clause_end(toks, i)) or _habit_of(toks, i, period, value)
            acted = _acted_on(toks, i)
            if acted.lower() in _HEDGES or (per is not None and singular(acted.lower()) == per):
                # "every nurse around 40 time in a day", "a lot, like 150 million times on a
                # Saturday": the clause names no act of its own (only who does it, or a
                # hedge), so what is counted is the act of the clause before
                acted = _act_before(toks, i)
            subject = (
                _done_by_one(toks, i, acted)
                # "A dozen times a day the app syncs": the clause after the period
                or _clause_subject(toks, rest, _clause_end(toks, max(rest - 1, i)))
                or _act_before(toks, i)
                or "times"
            )
            if subject.lower() in _HAPPEN:
                # "Evaluations happen 2 million times per second": what happens
                subject = _clause_subject(toks, _clause_start(toks, i), i) or subject
                subject = " ".join(w for w in subject.split() if w not in _HAPPEN) or subject
            peak = _peak(text, toks, i, pend)
            return q("count", subject, pend, period=period, peak=peak, per=per)
        if nxt.low == "times" and re.search(
            r"\b(?:retr\w*|attempt\w*|tr(?:y|ied|ies))\b",
            text[toks[_clause_start(toks, i)].start : tok.start],
            re.IGNORECASE,
        ):
            return q("count", "retries", nxt.end)  # "retried max 3 times": a count of retries
        done = _done_before(toks, i)
        if done is not None:
            # "each scanned ~6 times": six scans per parcel, a count, not a multiplier
            return q("count", done, nxt.end, per=_per(toks, i, _clause_end(toks, i)))
        subject = _noun_after(toks, i + 2)
        said = (
            _previous_in_sentence(placed, tok.start, sentence)
            if _baseline_after(toks, i + 2)
            else None
        )
        if said is not None:
            # "4B bounces/month, peak 6x avg": a multiple of the average is one of the thing
            # the sentence counted; the 'avg' after it is what it is taken of, not what it
            # counts (a sentence of its own, "Peak is 2x the average", is about all the load)
            subject = said.subject
        elif _COMPARATIVE.match(subject):
            # "the traffic is 10x higher": what is multiplied is the clause's subject
            subject = _noun_before(toks, i) or _clause_subject(toks, _clause_start(toks, i), i)
        if not subject:
            subject = "peak" if re.search(r"peak", sentence, re.I) else _noun_before(toks, i)
        last = subject.split()[-1].lower() if subject else ""
        if (not last or _is_when(last) or _is_time_word(last)) and _baseline_after(toks, i + 2):
            # "6,000 new tickets a day; Monday mornings run at 3x the daily average": a time
            # names when, so what is multiplied is the thing whose average was counted
            said = _count_before(placed, toks, i)
            subject = said.subject if said is not None and said.period else subject
        if _pronoun_before(toks, i):
            # "20,000 changes a day, and in the morning … it is 4 time more than average":
            # the pronoun stands for the thing counted before, not the nearest noun
            said = _count_before(placed, toks, i)
            subject = said.subject if said is not None else subject
        per = _per(toks, i, _clause_end(toks, i))
        return q("factor", subject, nxt.end, per=per)
    # Sizes: 5 MB, two kilobytes, 512 KB, 2 KiB.
    size = _size_unit(toks, i)
    if size is not None:
        factor, uend, j = size
        # "20 files a day averaging 500 KB", "the replays, around 5 MB each": one thing's
        # size, whoever sends or keeps the things
        thing = _sized_thing(toks, i, j, placed)
        subject = f"{thing} size" if thing else _size_subject(toks, i, j)
        period, pend = _period_after(toks, j)
        per = None if thing else _per(toks, i, _clause_end(toks, i), size=True)
        return q(
            "bytes",
            subject,
            max(uend, pend if period else uend),
            value=value * factor,
            period=period,
            per=per,
        )
    # "a 7-day chart", "a 30-day history": a duration as a compound adjective measures the
    # noun after it, a window over it (or how long it is kept, when the clause keeps it).
    hyphenated = _hyphenated_duration(toks, i)
    if hyphenated is not None:
        factor, uend, j = hyphenated
        after = _at(toks, j)
        noun = after.low if after is not None and after.kind == "word" else ""
        if noun and noun not in _STOP and not _is_time_word(noun):
            if _KEPT_WORDS.search(sentence):
                return q(
                    "seconds", f"{noun} retention", uend, value=value * factor, role="retention"
                )
            return q("seconds", noun, uend, value=value * factor, role="window")
    # Durations: 50ms, 3 seconds, 7 yrs, 14d, 500 hours (of video) every minute.
    duration = _duration_unit(toks, i)
    if duration is not None:
        factor, uend, j = duration
        role, subject = _duration_role(text, toks, i, j)
        period, pend = _period_after(toks, j)
        if period is not None and role != "interval":
            # "500 hours of video uploaded every minute", "1 billion hours are watched".
            k = j + 1 if _at(toks, j) is not None and toks[j].low == "of" else j
            while _at(toks, k) is not None and toks[k].low in ("are", "is", "of", "get"):
                k += 1
            nxt = _at(toks, k)
            subject = _phrase_after(toks, k)[0] or (nxt.text if nxt is not None else "") or subject
            return q("seconds", subject, pend, value=value * factor, period=period, role="volume")
        measured = _measure_of(toks, j) or _noun_right_after(toks, j)
        if measured and role in ("latency", "duration"):
            # "takes 2 seconds of CPU": an amount of CPU, not a wait anyone sees
            role, subject = "duration", measured
        elif measured and role == "retention":
            subject = f"{measured} retention"  # "keep 7 years of invoices"
        return q("seconds", subject, uend, value=value * factor, role=role)
    # Counts: a noun phrase after (or before), maybe a period, maybe per something.
    return _count(text, toks, i, placed)


# Words that hedge a figure ("like 150 million times"): never what is counted.
_HEDGES = _wordset("like maybe perhaps say")
# Verbs whose act has a noun of another word ("look at the board": a board view).
# Watching a video or a stream is a view of it ("each clip is watched 500 times").
_ACT_NOUNS = {"look": "views", "looks": "views", "watch": "views"}
_OFTEN = _wordset("often a lot frequently regularly constantly all day")


def _act_before(toks: list[Token], i: int) -> str:
    """The act of the clause before token i's, in its sentence, as a count's subject: the
    verb on its object (`About 5,000 nurse look on the bed board, every nurse …` → bed board
    views, `People also open the scores screen a lot, like …` → scores screen opens)."""
    start = _clause_start(toks, i)
    if start < 2 or toks[start - 1].text != ",":
        return ""
    before = _clause_start(toks, start - 1)
    obj = next(
        (
            k
            for k in range(before + 2, start - 1)
            if toks[k].low in _DETERMINERS | _wordset("on at")
            and toks[k - 1].kind == "word"
            and toks[k - 1].low not in _FILLER_BEFORE
        ),
        None,
    )
    if obj is None:
        return ""
    verb = toks[obj - 1]
    k = obj + 1 if toks[obj].low in _DETERMINERS else obj
    if toks[k].low in ("on", "at"):
        k += 1  # "look on the bed board"
    while k < start - 1 and toks[k].low in _DETERMINERS:
        k += 1
    words: list[str] = []
    for tok in toks[k : start - 1]:
        if tok.kind != "word" or tok.low in _STOP | _OFTEN or tok.low.endswith("ly"):
            break
        words.append(tok.low)
    if not words or verb.low in _FUNCTION | _COPULAS | _HOLD_VERBS:
        return ""
    act = _ACT_NOUNS.get(verb.low) or (verb.low if verb.low.endswith("s") else f"{verb.low}s")
    return " ".join([*words[-3:], act])


_PLACE_PREPOSITIONS = _wordset("in within at on during before after by over")


def _verb_of_share(toks: list[Token], k: int) -> bool:
    """`80% land in …`: the word after a share is its verb, not a noun, when it is no known
    noun and a preposition follows it."""
    word, nxt = _at(toks, k), _at(toks, k + 1)
    if word is None or nxt is None or word.kind != "word" or word.low in _STOP:
        return False
    return NOUNS.get(singular(word.low)) is None and nxt.low in _PLACE_PREPOSITIONS


def _earlier_clause_subject(toks: list[Token], i: int) -> str:
    """What the clause before token i's clause, in its sentence, is about: its first noun,
    up to a plural (`Orders come in waves` → orders: what follows a plural is its verb)."""
    start = _clause_start(toks, i)
    if start < 2 or toks[start - 1].kind == "brk":
        return ""
    words = _clause_subject(toks, _clause_start(toks, start - 1), start - 1).split()
    plural = next((n for n, w in enumerate(words) if singular(w) != w), None)
    return " ".join(words if plural is None else words[: plural + 1])


def _count(text: str, toks: list[Token], i: int, placed: list[Quantity]) -> Quantity | str:
    tok = toks[i]
    assert tok.value is not None
    sentence = _sentence(text, toks, i)
    subject, j = _phrase_after(toks, i + 1)
    # "10 million user, around 3 million of them open the app every day": the pronoun
    # stands for what the sentence counted before, and a share of them doing something
    # every day is a daily figure, not a head count accrued over the day (without a period,
    # "1 million of them are premium" stays a share, no head count of its own)
    if not subject and [t.low for t in toks[i + 1 : i + 2]] == ["of"]:
        pronoun = _at(toks, i + 2)
        if pronoun is not None and pronoun.low in _COUNTED_PRONOUNS:
            subject, j = pronoun.text, i + 3  # "2,000 of them", as "2 million of them"
    subset = subject.lower() in _COUNTED_PRONOUNS and _period_after(toks, j)[0] is not None
    state = _state_after(toks, j) if subject.lower() in _COUNTED_PRONOUNS else ""
    if subset or state:
        said = _previous_in_sentence(placed, tok.start, sentence)
        if said is None and state:
            said = _count_before(placed, toks, i)  # "10,000 trucks; 2,000 of them are idle"
        if said is not None:
            # "20 million app users, and at peak maybe 8 million of them are connected": the
            # pronoun stands for the users, and the state says which of them are counted
            subject = f"{state} {said.subject}".strip()
    direct = _direct_rate(toks, i + 1)
    period: str | None = None
    end = tok.end
    if direct is not None:
        period, end = direct
        subject = (
            subject
            or _heading_subject(toks, i)
            or _passive_subject(toks, i)
            or _noun_before(toks, i)
        )
    else:
        period, pend = _period_after(toks, j)
        if period is not None:
            end = pend
        elif subject:
            end = toks[j - 1].end
        if period is None:
            period = _opening_period(toks, i)
    if period is None and _burst_before(toks, i):
        # "bursts up to 20", "a burst of 30 requests": what a client may spend at once, a
        # token bucket's capacity, per whatever its limit is per
        limit = _previous_in_sentence(placed, tok.start, sentence)
        return Quantity(
            text[tok.start : max(end, tok.end)],
            tok.start,
            max(end, tok.end),
            tok.value,
            "count",
            "burst",
            sentence,
            per=limit.per if limit is not None else None,
            role="burst",
            note=tok.note,
        )
    inherited: Quantity | None = None
    if not subject:
        passive = (_heading_subject(toks, i) or _passive_subject(toks, i)) if period else ""
        grown = _grown_thing(toks, i)
        subject = (
            _object_before(toks, i)
            or passive
            or _total_owner(toks, i)
            or grown
            or _coordinated(toks, i, _noun_before(toks, i))
        )
        if period is not None and tok.low in ("once", "twice", "thrice") and not passive:
            # "checks their balance in the app around twice a week": like "N times a
            # week", what is done to the verb's object, not where (the app)
            acted = _coordinated(toks, i, _acted_on(toks, i))
            subject = _done_by_one(toks, i, acted) or subject
        if subject.lower() == "like":
            # "40,000 matches at once, and at the evening peak it's more like 100,000": a
            # hedge, so the number is another figure of the thing counted just before
            said = _count_before(placed, toks, i)
            if said is not None:
                inherited, subject = said, said.subject
        if not subject and period is not None:
            subject = _previous_clause_subject(toks, i)  # "Flag changes are rare, maybe 200 a day"
        again = _same_verb_count(placed, toks, i)
        if again is not None:
            # "We send 100 million notifications a day, with campaigns that send 10 million in
            # 5 minutes": the verb said again takes the same things, its noun left out (the
            # noun before the verb is who acts, not what is counted)
            inherited, subject = again, again.subject
        said = _count_before(placed, toks, i) if period is None else None
        if _in_use_after(toks, i) and said is not None and said.period is None:
            # "18,000 scooters …, at the busiest time maybe 4,000 are being ridden": a bare
            # count that is (being) something is how many of the things counted before are
            inherited, subject = said, said.subject
        last = subject.split()[-1].lower() if subject else ""
        known = last in ("top", "bottom", "first", "last") or NOUNS.get(singular(last))
        guess = inherited is None and not grown and not (tok.word_number and tok.value <= 3)
        if subject and period is None and not known and guess:
            # "We expect 7 and 12": no noun after, no unit, no period; the word before is
            # a guess, so the number stays unplaced and becomes a question.
            return f'no noun or unit next to it (the word before is "{subject}")'
        last = subject.split()[-1].lower() if subject else ""
        if not subject or last in ("spike", "spikes", "burst", "bursts") or _is_when(last):
            # "a spike of 400", "on Black Friday it goes up to 12,000 per second": the rate
            # the sentence counted before
            inherited = _previous_in_sentence(placed, tok.start, sentence)
            subject = inherited.subject if inherited else ""
        elif (last in _CHANGE_VERBS or last in _PLAN_VERBS) and period is not None:
            # "600 searches per second, and in summer evening it become 2,500 per second":
            # the thing counted before, at another time (higher: its peak); so is what to
            # "plan for" after it ("we hit 90 a second, plan for 150 a second")
            said = _previous_in_sentence(placed, tok.start, sentence) or _count_before(
                placed, toks, i
            )
            if said is not None and said.period is not None:
                inherited, subject = said, said.subject
        elif subject.lower() in ("average", "avg") and period is not None:
            # "~1,200 events per second on average and 6,000/s at peak": a bare rate after
            # a stated average is the same thing's other figure, not one about 'average'
            said = _previous_in_sentence(placed, tok.start, sentence)
            if said is not None and said.period is not None:
                inherited, subject = said, said.subject
    if not subject and period is not None:
        # "Twice a minute the cache refreshes": the rate opens its clause; what happens is
        # the clause after the period (a rate is never turned into a label and dropped).
        after = next((k for k in range(i + 1, len(toks)) if toks[k].start >= end), len(toks))
        subject = _clause_subject(toks, after, _clause_end(toks, max(after - 1, i))) or "times"
    if not subject:
        if tok.word_number and tok.value <= 3:
            return Quantity(tok.text, tok.start, tok.end, tok.value, "label", "", sentence)
        return "no noun or unit next to it"
    if _is_label(toks, i, subject) or _forbidden(toks, i):
        return Quantity(tok.text, tok.start, tok.end, tok.value, "label", subject, sentence)
    per = _capping_actor(toks, i) or _per(toks, i, _clause_end(toks, i)) or _copies_owner(toks, i)
    head = singular(subject.split()[-1].lower())
    if per is None and subject.split()[-1].lower() in _PEOPLE_PER and not _one_big(toks, i):
        per = _owner_before(toks, i) or "user"
    if per is None:
        per = _up_to_owner(toks, i, head)
        habit = period in ("day", "week", "month") and tok.value <= _HABIT_MAX
        if per is not None and period is not None and _is_people(per) and not habit:
            # "Readers post …, and when a big story breaks it can go up to 400 new comments
            # per second": no reader does that, it is the site's total
            per = None
    if per is None:
        per = _generic_owner(toks, i, head)
    visits = singular(subject.split()[-1].lower()) in _VISITORS
    if period is not None and _is_people(subject) and direct is None and not (visits or subset):
        period, end = None, toks[j - 1].end if j > i + 1 else tok.end  # "1M users in a year"
    if per is None and inherited is not None:
        per = inherited.per
    if per is None and _is_people(subject):
        per = _shared_object(toks, j)
    if per is None and period is not None and not _is_people(subject):
        per = _habit_of(toks, i, period, tok.value)
    verb = _each_ones_verb(toks, i)
    if verb and period is not None and per is not None and j > i + 1:
        # "Each active user swipe about 100 profile in one day": a hundred swipes, each on
        # a profile; what is counted is the act done to the things
        *adjectives, thing = subject.lower().split()
        subject = " ".join([*adjectives, singular(thing), f"{singular(verb)}s"])
    capped = period is None and i > 0 and toks[i - 1].low in ("max", "maximum")
    if capped and per is None:
        # "6-digit code, valid 5 min, max 3 tries": a cap in a list about the sentence's
        # first thing is that thing's (tries per code)
        per = _listed_owner(toks, i, head)
    unit = "count"
    ratio_head = re.match(r"^(?:clicks?|reads?|views?|searches)$", subject.split()[-1])
    if (
        per is not None
        and ratio_head
        and re.search(r"for\s+(?:every|each)", text[tok.end : tok.end + 60])
    ):
        unit = "ratio"
    return Quantity(
        text[tok.start : max(end, tok.end)],
        tok.start,
        max(end, tok.end),
        tok.value,
        unit,
        subject,
        sentence,
        period=period,
        peak=not capped
        and (
            _peak(text, toks, i, end)
            or (period is not None and _up_to(toks, i))
            # a ceiling per thing ("up to 50 people edit one document at the same time") is
            # each thing's limit, not the system's peak
            or (per is None and _AT_ONCE.search(sentence) is not None and _up_to(toks, i))
            or _higher_than(inherited, tok.value, period)
        ),
        average=bool(_AVERAGE_AFTER.match(text[end : end + 20])),
        per=per,
        note=tok.note,
    )


_OPENING_PERIOD = _wordset("in on during over every each per")
_PERIOD_ADJECTIVES = _wordset("normal typical usual average ordinary regular busy quiet single")


# Pronouns that open a clause as its subject ("We send …", "They post …").
_SUBJECT_PRONOUNS = _wordset("we they i you he she it")


def _object_before(toks: list[Token], i: int) -> str:
    """`People upload photos from their phones, about 2 million a day`: a bare count set off
    by a comma after a clause counts that clause's object (what is uploaded), not its subject
    (who uploads) nor the noun of a phrase after the object (where from); "" when the clause
    before is no subject, verb and object, or holds a number of its own."""
    k = i - 1
    while k >= 0 and (toks[k].low in _FILLER_BEFORE or toks[k].text == "~"):
        k -= 1
    if k < 1 or toks[k].text != ",":
        return ""
    start = _clause_start(toks, k)
    if any(t.kind == "num" for t in toks[start:k]):
        return ""  # "2M users post photos, about 10 a day": a figure per each of those
    if _at(toks, start) is not None and toks[start].low in _SUBJECT_PRONOUNS:
        verb = start + 1
    else:
        subject, verb = _phrase_after(toks, start)
        if not subject:
            return ""
    if verb >= k or toks[verb].kind != "word" or toks[verb].low in _FUNCTION | _COPULAS:
        return ""
    m = verb + 1
    while m < k and toks[m].low in _DETERMINERS:
        m += 1
    words: list[str] = []
    for tok in toks[m:k]:
        if tok.kind != "word" or tok.low in _STOP | _INSTRUMENT or _is_time_word(tok.low):
            break
        words.append(tok.text)
    return " ".join(words)


def _same_verb_count(placed: list[Quantity], toks: list[Token], i: int) -> Quantity | None:
    """The count placed earlier in the sentence or the one before right after the same verb
    as token i (past fillers): `process 5 million payments a day; batches process 1 million`."""
    verb = _word_before(toks, i)
    if verb is None:
        return None
    breaks, first = 0, i
    while first > 0 and breaks < 2:
        first -= 1
        breaks += toks[first].kind == "brk"
    for item in reversed(placed):
        if item.unit != "count" or not toks[first].start <= item.start < toks[i].start:
            continue
        at = next((k for k, t in enumerate(toks) if t.start == item.start), None)
        said = _word_before(toks, at) if at is not None else None
        if said is not None and singular(said.low) == singular(verb.low):
            return item
    # "We want to send notifications (push, email, SMS) for our apps: about 100 million
    # notifications a day, with campaigns that send 10 million in 5 minutes": the verb's
    # earlier object is what a count names
    for j in range(i - 2, first - 1, -1):
        if toks[j].kind != "word" or singular(toks[j].low) != singular(verb.low):
            continue
        obj = next(
            (t for t in toks[j + 1 : i] if t.kind == "word" and t.low not in _DETERMINERS), None
        )
        if obj is None:
            return None
        head = singular(obj.low)
        return next(
            (
                item
                for item in reversed(placed)
                if item.unit == "count"
                and item.subject
                and toks[first].start <= item.start < toks[i].start
                and singular(item.subject.split()[-1].lower()) == head
            ),
            None,
        )
    return None


def _word_before(toks: list[Token], i: int) -> Token | None:
    """The word right before token i past fillers (`send about 10 million` → send); None
    when a function word or no word stands there."""
    k = i - 1
    while k >= 0 and (toks[k].low in _FILLER_BEFORE or toks[k].text == "~"):
        k -= 1
    if k < 0 or toks[k].kind != "word" or toks[k].low in _FUNCTION | _COPULAS:
        return None
    return toks[k]


def _opening_period(toks: list[Token], i: int) -> str | None:
    """`In a normal day is around 4 million tap`, `Every hour the sensors send 40,000
    readings`: a sentence that opens on a period counts its first number over that period."""
    start = next((k + 1 for k in range(i - 1, -1, -1) if toks[k].kind == "brk"), 0)
    k = start
    if _at(toks, k) is None or toks[k].low not in _OPENING_PERIOD:
        return None
    k += 1
    if _at(toks, k) is not None and toks[k].low in ("a", "an", "the", "any"):
        k += 1
    while _at(toks, k) is not None and toks[k].low in _PERIOD_ADJECTIVES and k < start + 4:
        k += 1
    if k >= i or not _is_time_word(toks[k].low):
        return None
    if any(t.kind == "num" for t in toks[k + 1 : i]):
        return None  # only the sentence's first number: the others say what they are over
    held = next((t.low for t in reversed(toks[k + 1 : i]) if t.low not in _FILLER_BEFORE), "")
    end = _clause_end(toks, i)
    rest = " ".join(t.text for t in toks[i:end])
    if held in _HOLD_VERBS or _AT_ONCE.search(rest):
        # "on a busy day we have maybe 80k boards open at once": how many there are on such
        # a day, at one moment, not how many come in over it
        return None
    return _period_name(toks[k].low)


_COUNTED_PRONOUNS = _wordset("them those these")
# Verbs that say a counted thing changes to another figure ("it becomes 2,500 per second").
_CHANGE_VERBS = _wordset(
    "become becomes became go goes rise rises grow grows reach reaches climb climbs jump "
    "jumps increase increases hit hits spike spikes spiked spiking peaks peaked peaking"
)


# Verbs that say a figure is one to be ready for, of the thing counted before.
_PLAN_VERBS = _wordset("plan plans planning expect expects expecting prepare prepares preparing")


def _higher_than(before: Quantity | None, value: Fraction, period: str | None) -> bool:
    """A figure of the thing counted before, at another time, and higher: its peak."""
    if before is None or period is None or before.per_second is None:
        return False
    return value / _PERIOD_SECONDS[period] > before.per_second


# A ceiling on how many at one moment ("up to 60,000 students sit an exam at the same
# time") is a peak concurrency, as a ceiling on a rate is a peak rate.
_AT_ONCE = re.compile(
    r"\b(?:at\s+(?:the\s+same\s+time|once)|concurrently|simultaneously)\b", re.IGNORECASE
)
_KNOWN_ACTS = _READ_VERBS | _WRITE_VERBS | READ_ACTS | WRITE_ACTS | READ_ACTIONS


def _each_ones_verb(toks: list[Token], i: int) -> str:
    """The verb of a clause `Each [active] user swipes [about] N …`: the word right after
    the `each` noun, when only fillers stand between it and the number."""
    start = _clause_start(toks, i)
    first = _at(toks, start)
    if first is None or first.low not in ("each", "every"):
        return ""
    k = start + 1
    if _at(toks, k) is not None and toks[k].low in _PEOPLE_ADJECTIVES:
        k += 1
    noun, verb = _at(toks, k), _at(toks, k + 1)
    if noun is None or verb is None or noun.kind != "word" or verb.kind != "word":
        return ""
    if not _is_people(noun.low) or verb.low in _FUNCTION_WORDS | _DETERMINERS | _HAVING:
        return ""  # "Every customer gets up to 3 free returns": returns had, not acts
    if {verb.low, singular(verb.low)} & _KNOWN_ACTS:
        return ""  # "views 30 products", "uploads 2 photos": read as reads or writes already
    if any(t.low not in _FILLER_BEFORE for t in toks[k + 2 : i]):
        return ""
    return verb.low


def _capping_actor(toks: list[Token], i: int) -> str | None:
    """`Each viewer gets at most ten votes per show`: a cap in a clause whose subject is
    `each X` is each X's, whatever else it is per (the show is when it resets)."""
    before = [t.low for t in toks[max(0, i - 3) : i]]
    capped = before[-1:] in (["max"], ["maximum"]) or before[-2:] in (["at", "most"], ["up", "to"])
    start = _clause_start(toks, i)
    first, noun = _at(toks, start), _at(toks, start + 1)
    if first is not None and first.low == "no" and before[-2:] == ["more", "than"]:
        # "No website may get more than thirty requests a minute": a ceiling that holds for
        # every website, each one's, like "each website gets at most thirty"
        capped = True
    if not capped or first is None or noun is None:
        return None
    if first.low in ("a", "an") and _generic_may(toks, start):
        return singular(noun.low)
    if first.low not in ("each", "every", "no"):
        return None
    if noun.low in _PEOPLE_ADJECTIVES and _at(toks, start + 2) is not None:
        noun = toks[start + 2]  # "each active user"
    if noun.kind != "word" or noun.low in _STOP:
        return None
    return singular(noun.low)


_BOUND_BEFORE = _wordset("than over under most least max maximum")


def _forbidden(toks: list[Token], i: int) -> bool:
    """`No bike may be handed to two riders`: a clause opening on `no`, a noun and a modal
    is a rule, and a number it names without a bound ("more than 5") is what it forbids,
    not a count of anything."""
    start = _clause_start(toks, i)
    if toks[start].low in ("and", "but", "so") and start + 1 < i:
        start += 1  # "…, and a driver cannot take two passengers": the rule opens after it
    first, noun, modal = _at(toks, start), _at(toks, start + 1), _at(toks, start + 2)
    if first is None or noun is None or modal is None:
        return False
    if noun.kind != "word" or noun.low in _STOP:
        return False
    if first.low == "no":
        ruled = modal.low in _MODALS
    else:
        # "a driver cannot take two passengers at once": a rule about what any one thing
        # may not do forbids the number as surely as "no driver may"
        after = _at(toks, start + 3)
        ruled = first.low in ("a", "an", "each", "every") and (
            modal.low == "cannot"
            or (modal.low in _MODALS and after is not None and after.low in ("not", "never"))
        )
    return ruled and toks[i - 1].low not in _BOUND_BEFORE and not _up_to(toks, i)


def _generic_may(toks: list[Token], start: int) -> bool:
    """`A partner may make at most 600 calls a minute`: a clause opening on `a`/`an`, a noun
    and a modal says what any one of them may do, so a cap in it is each one's allowance."""
    noun, modal = _at(toks, start + 1), _at(toks, start + 2)
    return (
        noun is not None
        and noun.kind == "word"
        and noun.low not in _STOP
        and modal is not None
        and modal.low in _MODALS
    )


_COPY_VERBS = _wordset("stored written copied replicated kept mirrored saved persisted")
_COPY_AUX = _wordset("is are be been gets get must should will always only also")


def _copies_owner(toks: list[Token], i: int) -> str | None:
    """`the message is stored on 3 brokers`: the copies are per message (a replication
    factor), the noun the passive clause is about."""
    prep, verb = _at(toks, i - 1), _at(toks, i - 2)
    if prep is None or verb is None or prep.low not in ("on", "to", "in", "across", "onto"):
        return None
    if verb.low not in _COPY_VERBS:
        return None
    k = i - 3
    while k >= 0 and toks[k].low in _COPY_AUX:
        k -= 1
    if k < 0 or k == i - 3 or toks[k].kind != "word" or toks[k].low in _STOP:
        return None
    return singular(toks[k].low)


# Words between "burst" and its number: "bursts up to 20", "a burst of 30", "burst size 15".
_BURST_FILLER = _wordset("up to of at most max maximum size capacity is")


def _burst_before(toks: list[Token], i: int) -> bool:
    """`burst`/`bursts` just before the number, with only filler words between."""
    for k in range(i - 1, max(i - 5, -1), -1):
        if toks[k].kind != "word":
            return False
        if toks[k].low in ("burst", "bursts"):
            return True
        if toks[k].low not in _BURST_FILLER:
            return False
    return False


def _is_people(subject: str) -> bool:
    words = subject.lower().split()
    role = NOUNS.get(singular(words[-1]))
    return role is not None and role[0] == "people" and "new" not in words


# People named for what they do in a period ("3 million visitor in one day": daily
# visitors), unlike accounts that accrue ("1M users in a year": a count, not a rate).
_VISITORS = _wordset("visitor viewer reader listener shopper")


# Words a rate may have between a heading's colon and its number: "bids: around 50 per
# second, up to 2,000 per second", "Bids: ~50/s on average, 2,000/s at peak".
_HEADING_FILLER = _FILLER_BEFORE | _wordset(
    "on average avg mean normally usually typically in the a an and or per peak peaks s"
)


# Headings that name the load, not what is counted ("Peak: 2,000/s", "Traffic: 5k/s").
_LOAD_WORDS = _wordset(
    "peak peaks traffic load scale throughput volume volumes rate rates qps rps tps capacity "
    "target targets requirement requirements numbers stats average avg spike spikes burst "
    "bursts expected estimate estimates"
)


def _heading_subject(toks: list[Token], i: int) -> str:
    """The noun a line or clause is headed by, before a colon, when only fillers, periods
    and other rates stand between the colon and this rate (`bids: around 50 per second`)."""
    for k in range(i - 1, -1, -1):
        tok = toks[k]
        if tok.kind == "brk":
            return ""
        if tok.text == ":":
            noun = _at(toks, k - 1)
            if noun is None or noun.kind != "word" or noun.low in _FUNCTION_WORDS | _LOAD_WORDS:
                return ""
            return noun.text
        if tok.kind == "word" and not (tok.low in _HEADING_FILLER or _is_time_word(tok.low)):
            return ""
    return ""


def _previous_clause_subject(toks: list[Token], i: int) -> str:
    """The subject of the clause before this one in the same sentence, when that clause
    has no number of its own (`Flag changes are rare, maybe 200 a day`)."""
    start = _clause_start(toks, i)
    if start < 2 or toks[start - 1].text != ",":
        return ""
    before = _clause_start(toks, start - 1)
    if any(t.kind in ("num", "brk") for t in toks[before : start - 1]):
        return ""
    return _clause_subject(toks, before, start - 1)


def _passive_subject(toks: list[Token], i: int) -> str:
    """`Transactions are pulled from the banks once a day`: what the passive clause is
    about and its verb ("Transactions pulled"), not the noun nearest the number."""
    start = _clause_start(toks, i)
    words = toks[start:i]
    for k in range(len(words) - 2):
        noun, aux, verb = words[k], words[k + 1], words[k + 2]
        if (
            noun.kind == aux.kind == verb.kind == "word"
            and aux.low in ("are", "is", "get", "gets")
            and verb.low.endswith("ed")
            and noun.low not in _FUNCTION_WORDS
        ):
            return f"{noun.text} {verb.text}"
    return ""


def _shared_object(toks: list[Token], j: int) -> str | None:
    """`50 people edit one document at the same time`: people counted per the one thing
    they share (a verb, then `one X` / `the same X` / `each X`)."""
    verb, det = _at(toks, j), _at(toks, j + 1)
    if verb is None or det is None or verb.kind != "word" or verb.low in _NOT_VERBS:
        return None
    k = j + 1
    if det.low == "the" and _at(toks, j + 2) is not None and toks[j + 2].low == "same":
        k = j + 3
    elif det.low in ("one", "each") or (det.kind == "num" and det.value == 1 and det.word_number):
        k = j + 2
    else:
        return None
    noun = _at(toks, k)
    if noun is None or noun.kind != "word" or noun.low in _FUNCTION_WORDS:
        return None
    return singular(noun.low)


def _habit_of(toks: list[Token], i: int, period: str, value: Fraction) -> str | None:
    """`Users open their feed 10 times a day and create 1 post a day`: a small count a day
    (week, month) in a sentence whose subject is people is a habit of each of them, not a
    total. The sentence must start with the people noun and a verb ("Users open")."""
    one = _generic_one(toks, i)
    if one is not None:
        return one[0]  # "A member checks their balance twice a week": any one member's
    if period not in ("day", "week", "month") or value > _HABIT_MAX:
        return None
    start = 0
    for k in range(i - 1, -1, -1):
        if toks[k].kind == "brk":
            start = k + 1
            break
    first, verb = _at(toks, start), _at(toks, start + 1)
    if first is None or verb is None or first.kind != "word" or verb.kind != "word":
        return None
    if not first.low.endswith("s") or not _is_people(first.low) or verb.low in _NOT_VERBS:
        return None
    return singular(first.low)


def _generic_one(toks: list[Token], i: int) -> tuple[str, str] | None:
    """A sentence about any one person (`A [typical] member checks …`), before token i: the
    person and the verb. What one does N times a period is each one's habit, whatever the
    count (a singular subject is never the total of all of them)."""
    start = next((k + 1 for k in range(i - 1, -1, -1) if toks[k].kind == "brk"), 0)
    k = start + 1
    if _at(toks, k) is not None and toks[k].low in _PEOPLE_ADJECTIVES:
        k += 1
    art, noun, verb = _at(toks, start), _at(toks, k), _at(toks, k + 1)
    if art is None or noun is None or verb is None or art.low not in ("a", "an"):
        return None
    if noun.kind != "word" or verb.kind != "word" or not _is_people(noun.low) or k + 1 >= i:
        return None
    if noun.low.endswith("s") and singular(noun.low) != noun.low:
        return None  # "a thousand users": not one person
    if not verb.low.endswith("s") or verb.low.endswith("ss") or verb.low in _NOT_VERBS:
        return None
    return singular(noun.low), verb.low


def _done_by_one(toks: list[Token], i: int, thing: str) -> str:
    """`A member checks their balance twice a week`: the acts counted are balance checks,
    the thing with the verb (a verb in -s is spelt as its plural noun)."""
    one = _generic_one(toks, i)
    if one is None or not thing or one[1] in thing.lower().split():
        return thing
    *adjectives, last = thing.lower().split()
    return " ".join([*adjectives, singular(last), one[1]])


_HAPPEN = _wordset("happen happens occur occurs run runs fire fires execute executes")
_HABIT_MAX = 100  # a person does something at most this many times a day (week, month)
_NOT_VERBS = _wordset(
    "a an the of in on at per and or with for to from by are is was were has have"
)
_FUNCTION_WORDS = _NOT_VERBS | _wordset(
    "within up than less under below must should can will need needs we our it they all them "
    "this that these those be been so then"
)


def _owner_before(toks: list[Token], i: int) -> str | None:
    """`celebrity accounts have 30M followers`: the noun before `have`/`with`."""
    start = _clause_start(toks, i)
    for k in range(i - 1, start, -1):
        owner = toks[k - 1]
        if (
            toks[k].low in ("have", "has", "with")
            and owner.kind == "word"
            and owner.low not in _STOP
        ):
            return singular(owner.low)
    return None


# Adjectives that single out an extreme one ("a big derby", "a popular streamer").
_BIG = _wordset("big bigger biggest large larger largest huge popular viral famous top busiest")


def _one_big(toks: list[Token], i: int) -> bool:
    """`a big derby can have 5 million followers`: one extreme thing has that many, its own
    count (a ceiling), not a figure each user or each one of the things has."""
    start = _clause_start(toks, i)
    have = next((k for k in range(i - 1, start, -1) if toks[k].low in ("have", "has")), None)
    if have is None:
        return False
    k = have - 1
    while k > start and toks[k].low in _MODALS:
        k -= 1
    k -= 1  # the noun ("derby"), then its adjectives
    while k >= start and toks[k].low in _BIG:
        k -= 1
    return start <= k < have - 2 and toks[k].low in ("a", "an", "the") and toks[k + 1].low in _BIG


def _up_to_owner(toks: list[Token], i: int, head: str) -> str | None:
    """`groups up to 500 members`: per group."""
    if i >= 3 and toks[i - 1].low == "to" and toks[i - 2].low == "up":
        owner = toks[i - 3]
        before = _at(toks, i - 4)
        if owner.low in _HOLD_VERBS and before is not None and before.low in _MODALS:
            # "an event can have up to two hundred invitees": per what can have them
            noun = _at(toks, i - 5)
            if noun is not None and noun.kind == "word" and noun.low not in _STOP:
                return singular(noun.low) if singular(noun.low) != head else None
        if before is not None and before.low in _VERB_BEFORE:
            # "Members … and borrow up to 10 books": a verb, so per the sentence's people
            start = next((k + 1 for k in range(i - 1, -1, -1) if toks[k].kind == "brk"), 0)
            first = _at(toks, start)
            if first is not None and first.kind == "word" and _is_people(first.low):
                return singular(first.low)
            return None
        if owner.kind == "word" and owner.low not in _STOP and singular(owner.low) != head:
            # "in finals week up to 60,000 students": a time word names when, owns nothing
            # "on Friday evenings up to 300 a second": a when-word names when, too
            timed = _is_time_word(singular(owner.low)) or _is_when(owner.low)
            return None if timed else singular(owner.low)
    return None


_MODALS = _wordset("can may will could should must")
# Words after which the next word is a verb ("and borrow", "can hold", "to keep").
_VERB_BEFORE = _wordset("and or to can may will could should must cannot")


_HOLD_VERBS = _wordset(
    "needs need has have holds hold contains contain requires require includes include "
    "takes take gets get"
)
# Verbs of having, not acting: what one gets or keeps is no count of acts.
_HAVING = _HOLD_VERBS | _wordset("receive receives own owns keep keeps follow follows")


def _generic_owner(toks: list[Token], i: int, head: str) -> str | None:
    """`a match needs 10 players`, `an order has 3 items`: a generic one (a clause that
    starts with `a`/`an`, a noun, a verb that holds) has N things, so N is per that one."""
    start = _clause_start(toks, i)
    art, noun, verb = _at(toks, start), _at(toks, start + 1), _at(toks, start + 2)
    if art is None or noun is None or verb is None or art.low not in ("a", "an"):
        return None
    if noun.kind != "word" or noun.low in _STOP or verb.low not in _HOLD_VERBS:
        return None
    if any(t.kind != "word" or t.low not in _FILLER_BEFORE for t in toks[start + 3 : i]):
        return None  # only "about", "up to" … between the verb and the number
    owner = singular(noun.low)
    return owner if owner != head else None


def _is_label(toks: list[Token], i: int, subject: str) -> bool:
    """`one` as a pronoun or an article-like count: "a short one", "each one", "one off"."""
    tok = toks[i]
    if not tok.word_number or tok.value != 1:
        return False
    prev = _at(toks, i - 1)
    return prev is not None and prev.low in ("short", "each", "exceed", "any", "no", "this")


# --------------------------------------------------------------------------- pieces


def _at(toks: list[Token], i: int) -> Token | None:
    return toks[i] if 0 <= i < len(toks) else None


def _sentence(text: str, toks: list[Token], i: int) -> str:
    start = 0
    for k in range(i, -1, -1):
        if toks[k].kind == "brk":
            start = toks[k].end
            break
    end = len(text)
    for k in range(i, len(toks)):
        if toks[k].kind == "brk":
            end = toks[k].start
            break
    return " ".join(text[start:end].split()).lstrip("-*• ").strip()


def _clause_end(toks: list[Token], i: int) -> int:
    """Index of the token that ends the comma clause holding token i."""
    for k in range(i + 1, len(toks)):
        if toks[k].kind == "brk" or toks[k].text in (",", ";", "(", ")"):
            return k
    return len(toks)


def _clause_start(toks: list[Token], i: int) -> int:
    for k in range(i - 1, -1, -1):
        if toks[k].text == "-" and toks[k].glued and k + 1 < i and toks[k + 1].glued:
            continue  # "the on-call engineer": a hyphen inside a word, not a dash
        if toks[k].kind == "brk" or toks[k].text in (",", ";", ":", "(", ")", "-", "*"):
            return k + 1
    return 0


def _phrase_after(toks: list[Token], j: int) -> tuple[str, int]:
    """The noun phrase right after a number: `timeline reads`, `new short links`,
    `daily active users` (an adverb before a noun is an adjective), `-bit`."""
    words: list[str] = []
    k = j
    if _at(toks, k) is not None and toks[k].text == "-" and _at(toks, k + 1) is not None:
        k += 1  # "64-bit"
    before = _at(toks, k - 1)
    if (
        _at(toks, k) is not None
        and toks[k].low == "of"
        and before is not None
        and (before.kind == "num" and before.low.split()[-1] in _OF_AFTER)
    ):
        k += 1  # "20 millions of tweets", "a couple of operations"
    while _at(toks, k) is not None and toks[k].low in ("most", "least", "more"):
        k += 1  # "ten most played songs"
    while k < len(toks) and len(words) < 4:
        tok = toks[k]
        if tok.kind != "word":
            if tok.text == "-" and words and k + 1 < len(toks) and toks[k + 1].kind == "word":
                words[-1] += "-" + toks[k + 1].text
                k += 2
                continue
            break
        low = tok.low
        nxt = _at(toks, k + 1)
        adjective = (
            low in _ADVERBS
            and nxt is not None
            and nxt.kind == "word"
            and nxt.low not in _STOP
            and not _is_time_word(nxt.low)
        )
        stops = _FUNCTION if not words else _STOP
        if words and low in _LOOK_VERBS and nxt is not None and nxt.low in ("on", "at"):
            break  # "5,000 nurse look on the bed board": the verb, not part of the noun
        if not adjective and (
            low in stops or _is_time_word(low) or low in _ADVERBS or low in _RATE_WORDS
        ):
            break
        words.append(tok.text)
        k += 1
        if singular(low) != low and _is_people(low) and not (nxt and nxt.low in _POSTPOSED):
            # "four million members collect points": a plural people noun ends the phrase
            # (a noun is modified by the singular, "user profiles"), the next word is a verb
            # unless it is an adjective that follows its noun ("300k drivers online")
            break
    return " ".join(words), k


def _state_after(toks: list[Token], j: int) -> str:
    """`… of them are connected`: a copula, then a state of presence (online, idle)."""
    verb, state = _at(toks, j), _at(toks, j + 1)
    if verb is None or state is None or verb.low not in _COPULAS:
        return ""
    if state.low in _POSTPOSED:
        return state.low
    # "… of them are working (at the same time)": an -ing with no object is what they are
    # doing, which of them are counted; "are sending invites" acts on something instead
    after = _at(toks, j + 2)
    bare = after is None or after.kind != "word" or after.low in _WHEN_PREPOSITIONS
    doing = state.kind == "word" and state.low.endswith("ing") and len(state.low) > 5
    return state.low if doing and bare and state.low not in ("being", "going") else ""


_WHEN_PREPOSITIONS = _wordset("in at on during right now simultaneously together")


# Verbs that take their object with `at`/`on` ("look at the board", "click on a link").
_LOOK_VERBS = _wordset("look looks glance glances click clicks tap taps stare stares")
_POSTPOSED = _wordset("online offline active idle connected present waiting")


def _noun_after(toks: list[Token], j: int) -> str:
    if _at(toks, j) is not None and toks[j].low == "of":
        j += 1
    return _phrase_after(toks, j)[0]


def _noun_before(toks: list[Token], i: int, *, verbs: bool = False) -> str:
    """The nearest noun-like word before a number in its clause (`trips at 2k`, `orders
    peak at 300`), skipping prepositions, fillers and peak words."""
    start = _clause_start(toks, i)
    for k in range(i - 1, start - 1, -1):
        tok = toks[k]
        if tok.kind == "num":
            return ""
        if tok.kind != "word":
            continue
        low = tok.low
        if low in _FILLER_BEFORE or low in _STOP or low in ("peak", "peaks", "is", "are"):
            if verbs and low in ("viewed", "watched", "pulled", "submit", "open", "opens"):
                return tok.text
            continue
        if low in ("spikes", "spike", "bursts", "burst", "avg", "average"):
            return tok.text
        if low.endswith("ly") and low not in ("family",):
            continue
        subject_before = k > start and toks[k - 1].kind == "word"
        if low in _HAPPEN and subject_before and toks[k - 1].low not in _STOP | _DETERMINERS:
            continue  # "Checkouts run at 40 per second": the verb's subject is counted
        if verbs and k > start and toks[k - 1].kind == "word" and toks[k - 1].low not in _STOP:
            return f"{toks[k - 1].text} {tok.text}"
        return tok.text
    return ""


def _coordinated(toks: list[Token], i: int, noun: str) -> str:
    """The noun before a number with the noun it is joined to ("reports its temperature
    and humidity once a minute": temperature and humidity, not humidity alone)."""
    start = _clause_start(toks, i)
    k = next((k for k in range(i - 1, start - 1, -1) if toks[k].text == noun), None)
    if not noun or k is None or k - 2 < start:
        return noun
    joint, other = toks[k - 1], toks[k - 2]
    if joint.low in ("and", "or") and other.kind == "word" and other.low not in _STOP:
        return f"{other.text} {joint.low} {noun}"
    return noun


_INSTRUMENT = _wordset("from via through using with on in by")


# Participles whose "N times" multiplies rather than counts actions ("replicated 3 times",
# "increased 10 times").
_SCALED = _wordset(
    "need used based increased decreased expected estimated projected multiplied scaled "
    "reduced improved grown replicated copied mirrored duplicated stored sharded"
)


# Past participles not in -ed, with their verbs ("each read 10 times": ten reads).
_IRREGULAR_PARTICIPLES = {
    "read": "read",
    "seen": "see",
    "shown": "show",
    "sent": "send",
    "sold": "sell",
    "bought": "buy",
    "written": "write",
    "built": "build",
    "taken": "take",
}


def _done_before(toks: list[Token], i: int) -> str | None:
    """`scanned ~6 times`, `is viewed about 20 times`: a past participle right before the
    number (past fillers) makes "N times" a count of that action, named as a noun
    (`scans`, `views`); None when no participle stands there."""
    k = i - 1
    while k >= 0 and (toks[k].kind == "sym" or toks[k].low in _FILLER_BEFORE):
        k -= 1
    if k < 0 or toks[k].kind != "word":
        return None
    low = toks[k].low
    irregular = _IRREGULAR_PARTICIPLES.get(low)
    if irregular is None and (not low.endswith("ed") or len(low) < 5 or low in _SCALED):
        return None
    after = _at(toks, i + 2)
    if after is not None and after.low in _wordset("more higher larger bigger faster than as"):
        return None  # "increased 10 times more": a multiplier
    base = irregular or _participle_base(low)
    return _ACT_NOUNS.get(base) or _plural(base)  # "watched" → views, "pushed" → pushes


def _participle_base(low: str) -> str:
    """The verb of a past participle: scanned → scan, updated → update, pushed → push."""
    base = low[:-2]
    if base[-1] == base[-2] and base[-1] not in "ls":
        base = base[:-1]  # scanned → scan, shipped → ship
    elif base.endswith(("at", "iz", "ov", "ar", "us")):
        base += "e"  # updated → update, moved → move, shared → share
    return base


def _acted_on(toks: list[Token], i: int) -> str:
    """What is done N times: the nearest noun before, unless it is the object of a
    preposition ("changes the setpoint from a phone app a dozen times a day": the
    setpoint, not the app it is changed from)."""
    noun = _noun_before(toks, i)
    start = _clause_start(toks, i)
    k = next((k for k in range(i - 1, start - 1, -1) if toks[k].text == noun), None)
    if not noun or k is None:
        return noun
    relative = _relative_pronoun(toks, start, k)
    if relative is not None:
        # "sends its inputs to the server that owns the match 30 times a second": the
        # relative clause says which server; what is done N times is the main verb's
        return _acted_on(toks, relative)
    m = k - 1
    while m >= start and toks[m].kind == "word" and toks[m].low not in _STOP:
        m -= 1  # the noun's modifiers ("phone app")
    while m >= start and toks[m].low in _DETERMINERS:
        m -= 1
    if m > start and toks[m].low in _INSTRUMENT:
        return _noun_before(toks, m) or noun
    if m > start and toks[m].low == "to" and _opens_with_actor(toks, start, m - 1):
        # "We release to production about forty times a day": a verb with no object before
        # its `to`, so the releases are counted, not where they go ("add items to the cart"
        # keeps its object)
        return toks[m - 1].text
    sent = toks[m - 1] if m > start + 1 and toks[m - 2].low in _DETERMINERS else None
    if sent is not None and toks[m].low == "to" and sent.kind == "word" and sent.low not in _STOP:
        return sent.text  # "sends its inputs to the server": what is sent, not where it goes
    return noun


def _relative_pronoun(toks: list[Token], start: int, k: int) -> int | None:
    """The `that`/`which`/`who` opening a relative clause that holds token k, after a noun
    and before a verb (`the server that owns the match`; not `changes that setting`)."""
    for r in range(k - 1, start, -1):
        if toks[r].low not in _RELATIVES:
            continue
        before, verb = toks[r - 1], toks[r + 1]
        if before.kind != "word" or before.low in _STOP or verb.kind != "word":
            return None
        finite = verb.low.endswith(("s", "ed")) and not verb.low.endswith("ss")
        return r if finite or verb.low in _MODALS else None
    return None


def _opens_with_actor(toks: list[Token], start: int, verb: int) -> bool:
    """The word at `verb` follows the clause's subject straight away: a pronoun or people
    ("We release", "Drivers report"), so it is the clause's verb."""
    actor = _at(toks, verb - 1)
    if actor is None or verb - 1 < start or actor.kind != "word":
        return False
    return actor.low in ("we", "they", "i", "you") or _is_people(actor.low)


def _is_when(low: str) -> bool:
    """A word saying when, not what ("Friday", "evenings")."""
    return singular(low) in WHEN_WORDS


def _is_time_word(low: str) -> bool:
    return low in _SECONDS or low in _SHORT_DURATION


def _period_after(toks: list[Token], j: int) -> tuple[str | None, int]:
    """A period phrase after position j in the clause: `a month`, `per second`, `/s`,
    `daily`, `in one day`, `/user/day` (skipping per-what phrases). Not `every 4 seconds`
    (an interval, read as a duration of its own)."""
    k = j
    stop = _clause_end(toks, j - 1) if j > 0 else len(toks)
    while k < min(stop, j + 12):
        tok = toks[k]
        if tok.kind == "num":
            nxt = _at(toks, k + 1)
            prev = _at(toks, k - 1)
            if (
                tok.word_number
                and tok.value == 1
                and nxt is not None
                and _is_time_word(nxt.low)
                and prev is not None
                and prev.low == "in"
            ):
                return _period_name(nxt.low), nxt.end
            return None, 0
        low = tok.low
        if low in ("and", "but") and _starts_clause(_at(toks, k + 1)):
            # "40,000 shows right now and most publish weekly", "kept for ninety days and
            # owners see hourly charts": a period past a new clause is that clause's own
            break
        if low in _ADVERBS:
            after = _at(toks, k + 1)
            if after is not None and after.kind == "word" and after.low not in _STOP:
                k += 1  # "owners see hourly charts": an adjective on the noun after it
                continue
            return _ADVERBS[low], tok.end
        if low in _RATE_WORDS:
            return _RATE_WORDS[low], tok.end
        if low == "on":
            # "150 million times on a Saturday": what one such day sees, a daily figure
            day = _at(toks, k + 2) if _one_day_article(_at(toks, k + 1)) else _at(toks, k + 1)
            if day is not None and singular(day.low) in _DAY_NAMES:
                return "day", day.end
        if tok.text == "/" or low in ("per", "a", "an", "each", "every", "in"):
            nxt = _at(toks, k + 1)
            if nxt is not None and low == "in" and nxt.low in ("a", "one"):
                nxt = _at(toks, k + 2)
            if nxt is not None and nxt.kind == "word" and _is_time_word(nxt.low):
                name = _period_name(nxt.low)
                if name is not None:
                    return name, nxt.end
        k += 1
    return None, 0


_DAY_NAMES = _wordset("monday tuesday wednesday thursday friday saturday sunday weekday holiday")


def _one_day_article(tok: Token | None) -> bool:
    return tok is not None and tok.low in ("a", "an", "each", "every", "any", "one")


_COMPARATIVE = re.compile(
    r"^(?:(?:high|low|bigg|larg|great|busi|heavi|fast|slow|small)er|more|less)\b", re.IGNORECASE
)

# Words that open a new clause after "and"/"but": a new subject, not more of the same phrase.
_CLAUSE_OPENERS = _wordset(
    "the most some all many we they it he she i you our their its this that these those there "
    "everyone everybody nobody"
)


def _starts_clause(tok: Token | None) -> bool:
    """`tok` (after an "and") opens a clause of its own: a determiner, a pronoun, or people."""
    if tok is None or tok.kind != "word":
        return False
    return tok.low in _CLAUSE_OPENERS or _is_people(tok.low)


def _period_name(low: str) -> str | None:
    seconds = _DURATIONS.get(low)
    if seconds is None:
        return None
    return PERIOD_NAMES.get(int(seconds)) if seconds >= 1 else None


def _direct_rate(toks: list[Token], j: int) -> tuple[str, int] | None:
    """`rps`, `req/s`, `/s`, `ops/sec` right after the number."""
    tok = _at(toks, j)
    if tok is None:
        return None
    if tok.low in _RATE_WORDS:
        return _RATE_WORDS[tok.low], tok.end
    return None


def _share_periods(toks: list[Token], placed: list[Quantity]) -> None:
    """`200k reads and 50k writes per second`: the first count shares the period."""
    for index, item in enumerate(placed[:-1]):
        nxt = placed[index + 1]
        if item.unit != "count" or item.period is not None or nxt.period is None:
            continue
        role = NOUNS.get(singular(item.subject.split()[-1].lower())) if item.subject else None
        if role is None or role[0] == "people":
            continue  # "500 trading pairs and a few thousand orders a second"
        between = [t for t in toks if item.end <= t.start < nxt.start]
        if between and all(t.kind == "word" for t in between) and between[-1].low in ("and", "or"):
            placed[index] = _replace(item, period=nxt.period)


def _replace(item: Quantity, **kw: object) -> Quantity:
    from dataclasses import replace

    return replace(item, **kw)  # type: ignore[arg-type]


def _per(toks: list[Token], i: int, stop: int, *, size: bool = False) -> str | None:
    """Per what: `per user`, `/user/`, `of every key` after the number (not a time word),
    or `each X` / `every X` before it in the sentence (`10,000 servers each emit`: the
    noun before `each` when a verb follows it). For a size, `per event` / `each picture`
    name what is sized, so only people and machines count as per-what there. `N feeds
    each` with nothing after the `each` is per the owner named before the number."""
    stop_phrase = i + 1
    while stop_phrase < min(stop, len(toks)) and (
        toks[stop_phrase].kind == "word" and toks[stop_phrase].low not in _FUNCTION
    ):
        stop_phrase += 1
    for k in range(i + 1, min(stop, len(toks))):
        tok = toks[k]
        low = tok.low
        if low in ("per", "/", "every", "each") or (
            low == "for" and _at(toks, k + 1) is not None and toks[k + 1].low in ("every", "each")
        ):
            off = 2 if low == "for" else 1
            nxt = _at(toks, k + off)
            if nxt is not None and nxt.low in ("one", "a", "single"):
                nxt = _at(toks, k + off + 1)
            if low == "each" and k == stop_phrase and _trailing_each(toks, k):
                # "users, following maybe 50 feeds each on average": per the owner before
                whose = _owner_of_each(toks, i)
                if whose is not None and (not size or whose in _OWNERS):
                    return whose
            if nxt is not None and nxt.kind == "word" and not _is_time_word(nxt.low):
                if low in ("every", "each") and toks[k - 1].low not in ("of", "for", "in"):
                    continue
                noun = singular(nxt.low)
                if not size or noun in _OWNERS:
                    return noun
        if tok.kind == "num" and not (k > 0 and toks[k - 1].low in ("and", "or")):
            break
    if i > 0 and toks[i - 1].low in ("top", "bottom"):
        return None  # "each player can see … the top 100": a rank count, not per player
    sentence_start = 0
    for k in range(i - 1, -1, -1):
        if toks[k].kind == "brk":
            sentence_start = k + 1
            break
    for k in range(i - 1, sentence_start - 1, -1):
        tok = toks[k]
        if tok.kind == "num" and tok.word_number and tok.value == 1:
            continue  # "each one sending"
        if tok.kind == "num" and not _same_clause(toks, k, i):
            break
        if tok.low not in ("each", "every") or k + 1 >= i:
            continue
        if _trailing_each(toks, k) and _postposed(toks, k):
            continue  # "50 feeds each": that each belongs to the 50, not to this number
        if _trailing_each(toks, k) and toks[k + 1].low in _CONJUNCTIONS:
            # "100 million places, ~2 KB of data each plus avg 8 photos": the each is over
            # the things counted before, and the list after the conjunction shares it
            whose = _owner_of_each(toks, k)
            if whose is not None:
                return whose if not size or whose in _OWNERS else None
        nxt = toks[k + 1]
        if nxt.low == "of" and all(t.low in _DETERMINERS for t in toks[k + 2 : i]):
            return None  # "a route for each of our 60 vans": the 60 are all of them
        counted = _at(toks, i + 1)
        if (
            counted is not None
            and nxt.kind == "word"
            and singular(nxt.low) == singular(counted.low)
            and not _same_clause(toks, k, i)
        ):
            # "mark each swap done in the app, that's 9,000 swaps a day": the number counts
            # the things the earlier `each` went over, all of them, not per one
            return None
        one = nxt.kind == "num" and nxt.word_number and nxt.value == 1  # "each one sending"
        if not one and (nxt.kind != "word" or _is_time_word(nxt.low) or _is_when(nxt.low)):
            continue  # "every 10 seconds", "every second", "every December": not a per-what
        owner = next(
            (
                t
                for t in reversed(toks[sentence_start:k])
                if t.kind == "word" and t.low not in _STOP
            ),
            None,
        )
        if one:
            # "two million thermostats are installed in homes, and each one reports …": the
            # pronoun stands for the thing the sentence counted, not the nearest noun
            owner = (
                next(
                    (
                        toks[m + 1]
                        for m in range(k - 1, sentence_start - 1, -1)
                        if toks[m].kind == "num"
                        and m + 1 < k
                        and toks[m + 1].kind == "word"
                        and toks[m + 1].low not in _STOP
                    ),
                    None,
                )
                or owner
            )
        # "100 million users, each receiving 40 emails a day": a verb in -ing after "each"
        # when an owner (users, servers) comes before it; "each booking" stays a noun. So is
        # a verb in -s ("10 million daily players, each finishes about 5 matches a day"):
        # "each" takes a singular noun, so a word in -s after it is a verb ("each bus",
        # "each class", "each status" are nouns)
        verb = nxt.low.endswith("ing") or (
            nxt.low.endswith("s") and not nxt.low.endswith(("ss", "us", "is"))
        )
        acting = verb and owner is not None and singular(owner.low) in _OWNERS
        if verb and not acting and not one:
            # "50M daily players; each finishes 10 games a day": the pronoun stands for the
            # people (or machines) named before, across a semicolon or a full stop; with
            # none named, a verb in -s is still not what the number is per
            whose = _each_stands_for(toks, k)
            if whose is not None:
                return whose if not size or whose in _OWNERS else None
            if not nxt.low.endswith("ing"):
                return None  # "each booking" is a noun, "each books" is not
        if (nxt.low.endswith("ed") or nxt.low in _IRREGULAR_PARTICIPLES) and nxt.low not in _STOP:
            # "3M parcels a day, each scanned ~6 times": each of the things counted before
            whose = _owner_of_each(toks, k)
            if whose is not None:
                return whose if not size or whose in _OWNERS else None
        if not one and nxt.low in _PEOPLE_ADJECTIVES and _at(toks, k + 2) is not None:
            after = toks[k + 2]  # "each active user": the user, not 'active'
            if after.kind == "word" and after.low not in _STOP:
                nxt = after
        if not one and nxt.low not in _STOP and not acting:
            noun = singular(nxt.low)
            return noun if not size or noun in _OWNERS else None
        if owner is not None:
            noun = singular(owner.low)
            return noun if not size or noun in _OWNERS else None
    return None


_DETERMINERS = _wordset("our the their its my your his her these those all")


def _each_stands_for(toks: list[Token], k: int) -> str | None:
    """Whom a pronoun `each` at token k stands for, in its sentence or the one before: the
    things the nearest number counted (`We run 40k trucks; each reports …`), else the
    nearest people or machine noun (`The clinic serves our patients. Each books …`)."""
    start = k
    breaks = 0
    while start > 0 and breaks < 2:
        start -= 1
        breaks += toks[start].kind == "brk"
    for m in range(k - 1, start - 1, -1):
        tok = toks[m]
        if tok.kind != "num" or _size_unit(toks, m) is not None:
            continue
        if _duration_unit(toks, m) is not None:
            continue
        phrase = _phrase_after(toks, m + 1)[0]
        if phrase and not _is_time_word(phrase.split()[-1].lower()):
            return singular(phrase.split()[-1].lower())
    for m in range(k - 1, start - 1, -1):
        tok = toks[m]
        if tok.kind == "word" and (singular(tok.low) in _OWNERS or _is_people(tok.low)):
            return singular(tok.low)
    return None


_PEOPLE_ADJECTIVES = frozenset(
    {"active", "daily", "monthly", "registered", "paying", "new", "typical", "average", "regular"}
)


def _trailing_each(toks: list[Token], k: int) -> bool:
    """An `each` with no noun or verb after it (`50 feeds each on average`, `3 phones each.`)."""
    nxt = _at(toks, k + 1)
    return nxt is None or nxt.kind != "word" or nxt.low in _FUNCTION | _AFTER_EACH


_AFTER_EACH = _wordset("avg average so though but all plus")
_CONJUNCTIONS = _wordset("and or plus but")


def _postposed(toks: list[Token], k: int) -> bool:
    """`50 feeds each`: a number, up to three words, then the `each`."""
    for m in range(k - 1, max(k - 5, -1), -1):
        if toks[m].kind == "num":
            return m < k - 1
        if toks[m].kind != "word" or toks[m].low in _FUNCTION:
            return False
    return False


def _owner_of_each(toks: list[Token], i: int) -> str | None:
    """Whose `N things each`: the noun counted by the nearest number before it in the
    sentence (`3 million users, following 50 feeds each`), else the nearest person or
    machine noun before it (`drivers with 3 phones each`)."""
    for k in range(i - 1, -1, -1):
        tok = toks[k]
        if tok.kind == "brk":
            break
        if tok.kind == "num":
            if _size_unit(toks, k) is not None or _duration_unit(toks, k) is not None:
                continue  # "100M places, ~2 KB of data each": a measure owns nothing
            phrase = _phrase_after(toks, k + 1)[0]
            if phrase:
                return singular(phrase.split()[-1].lower())
            break
    for k in range(i - 1, -1, -1):
        tok = toks[k]
        if tok.kind == "brk":
            break
        if tok.kind == "word" and (singular(tok.low) in _OWNERS or _is_people(tok.low)):
            return singular(tok.low)
    return None


_OWNERS = _wordset(
    "user member customer player server node device host machine account employee athlete "
    "driver rider tenant client key domain datacenter region shard"
)


def _same_clause(toks: list[Token], k: int, i: int) -> bool:
    return not any(t.text in (",", ";") or t.kind == "brk" for t in toks[k:i])


def _up_to(toks: list[Token], i: int) -> bool:
    """A rate stated as its ceiling ("up to 60k views/s") is a peak; a size or a count "up to"
    is a limit, not a load: "values up to 1 MB", "groups up to 500 members")."""
    return i >= 2 and toks[i - 2].low == "up" and toks[i - 1].low == "to"


def _peak(text: str, toks: list[Token], i: int, end: int) -> bool:
    tok = toks[i]
    start = _clause_start(toks, i)
    before_tokens = [t for t in toks[start:i]]
    if any(t.kind == "num" for t in before_tokens):
        last = max(k for k in range(start, i) if toks[k].kind == "num")
        before_tokens = toks[last + 1 : i]
    before = " ".join(t.text for t in before_tokens)
    if _PEAK_BEFORE.search(before):
        return True
    after = text[max(end, tok.end) :]
    sentence_start = next((k + 1 for k in range(i - 1, -1, -1) if toks[k].kind == "brk"), 0)
    opening = text[toks[sentence_start].start : tok.start] if sentence_start < i else ""
    if _PEAK_OPENING.match(opening) and not _AVERAGE_AFTER.match(after):
        return True  # "At peak, one big survey can receive 500 answers per second"
    nxt_num = next((t.start for t in toks[i + 1 :] if t.kind == "num"), len(text))
    window = text[max(end, tok.end) : nxt_num]
    if _AVERAGE_AFTER.match(after):
        return False
    return bool(_PEAK_AFTER.match(window))


def _listed_owner(toks: list[Token], i: int, head: str) -> str | None:
    """The thing a terse list is about: the last word of its first comma-bounded item, when
    that item is a noun phrase before this one ("6-digit code, valid 5 min, max 3 tries")."""
    start = next((k + 1 for k in range(i - 1, -1, -1) if toks[k].kind == "brk"), 0)
    comma = next((k for k in range(start, i) if toks[k].text == ","), None)
    if comma is None or comma == start:
        return None
    end = comma
    if end - 2 > start and _is_time_word(toks[end - 1].low) and toks[end - 2].low in ("/", "per"):
        end -= 2  # "2M calls/day, …, max 50 participants": the calls, not their period
    last = toks[end - 1]
    counted = end - 2 >= start and toks[end - 2].kind == "num"  # "300k uploads": a noun
    stops = _FUNCTION if counted else _STOP
    if last.kind != "word" or last.low in stops or singular(last.low) == head:
        return None
    return singular(last.low)


def _pronoun_before(toks: list[Token], i: int) -> bool:
    """`it is 4 times …`, `it's 3x …`: a pronoun, then only a copula or fillers, before the
    number."""
    k = i - 1
    while k >= 0 and (toks[k].low in _FILLER_BEFORE or toks[k].low in ("is", "was", "s", "'")):
        k -= 1
    return k >= 0 and toks[k].low in ("it", "this", "that")


def _in_use_after(toks: list[Token], i: int) -> bool:
    """`4,000 are being ridden`, `250 are in use`: a bare number is the subject of a
    copula, so it counts things named before, not the word before it."""
    verb, nxt = _at(toks, i + 1), _at(toks, i + 2)
    if verb is None or nxt is None or verb.low not in ("are", "were"):
        return False
    return nxt.low in ("being", "in", "out", "currently") or nxt.low in _POSTPOSED


def _count_before(placed: list[Quantity], toks: list[Token], i: int) -> Quantity | None:
    """The last count placed before token i, in its sentence or the one before."""
    breaks, start = 0, i
    while start > 0 and breaks < 2:
        start -= 1
        breaks += toks[start].kind == "brk"
    for item in reversed(placed):
        if item.unit == "count" and toks[start].start <= item.start < toks[i].start:
            return item
    return None


def _previous_in_sentence(placed: list[Quantity], start: int, sentence: str) -> Quantity | None:
    for item in reversed(placed):
        if item.unit == "count" and item.end <= start and item.sentence == sentence:
            return item
    return None


def _share(
    text: str, toks: list[Token], i: int, consumed: set[int], sentence: str
) -> Quantity | tuple[Quantity, Quantity] | None:
    """`one email in ten carries an attachment`, `one order in twenty is refunded`: a share,
    one of every N. The one names an item (a label); N counts the items it is one of, placed
    here with it. In `one in 20 requests` N has its own noun and is read as usual. Not
    `one copy in 3 datacenters`: the word after N must be the same noun or read as a verb
    (`is`, `gets`, or a word before a determiner: `carries an attachment`)."""
    tok = toks[i]
    if tok.value != 1:
        return None
    noun_tok, in_tok, den = _at(toks, i + 1), _at(toks, i + 2), _at(toks, i + 3)
    if noun_tok is not None and noun_tok.low == "in":
        # "one in ten users": the one is a label; "ten users" is an ordinary count
        if in_tok is None or in_tok.kind != "num" or in_tok.value is None or in_tok.value < 2:
            return None
        noun = _phrase_after(toks, i + 3)[0]
        if not noun:
            return None
        return Quantity(tok.text, tok.start, tok.end, Fraction(1), "label", noun, sentence)
    if noun_tok is None or in_tok is None or den is None or in_tok.low != "in":
        return None
    if noun_tok.kind != "word" or noun_tok.low in _STOP or _is_time_word(noun_tok.low):
        return None
    if den.kind != "num" or den.value is None or den.value < 2:
        return None
    after, beyond = _at(toks, i + 4), _at(toks, i + 5)
    same = after is not None and singular(after.low) == singular(noun_tok.low)
    verb = after is not None and (
        after.low in _STOP
        or after.low in _FUNCTION_WORDS
        or (beyond is not None and beyond.low in _DETERMINERS)
    )
    if not (same or verb):
        return None
    noun = singular(noun_tok.text.lower())
    end = after.end if same and after is not None else den.end
    consumed.add(i + 3)  # N is placed here, beside the one
    one = Quantity(tok.text, tok.start, tok.end, Fraction(1), "label", noun, sentence)
    of = Quantity(
        text[den.start : end], den.start, end, den.value, "count", _plural(noun), sentence
    )
    return one, of


def _plural(noun: str) -> str:
    """A rough English plural for a noun read as a count's subject (`email` → `emails`)."""
    if singular(noun) != noun:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def _ratio(
    text: str, toks: list[Token], i: int, consumed: set[int], sentence: str
) -> Quantity | tuple[Quantity, ...] | None:
    tok = toks[i]
    assert tok.value is not None
    nxt, other = _at(toks, i + 1), _at(toks, i + 2)
    if nxt is None or other is None or other.kind != "num" or other.value is None:
        return None
    if not (nxt.text == ":" or nxt.low == "to"):
        return None
    low_sentence = sentence.lower()
    if nxt.low == "to" and not re.search(r"read|write|ratio", low_sentence):
        return None
    if nxt.text == ":" and not re.search(r"read|write|ratio", low_sentence):
        # "1:1 chat": a name, not a measure.
        consumed.add(i + 2)
        return Quantity(
            text[tok.start : other.end],
            tok.start,
            other.end,
            tok.value,
            "label",
            _phrase_after(toks, i + 3)[0],
            sentence,
        )
    read_pos, write_pos = low_sentence.find("read"), low_sentence.find("write")
    reads_first = read_pos == -1 or write_pos == -1 or read_pos < write_pos
    left, right = ("reads", "writes") if reads_first else ("writes", "reads")
    consumed.add(i + 2)  # the right-hand number is placed here, beside the left one
    return (
        Quantity(tok.text, tok.start, tok.end, tok.value, "ratio", left, sentence),
        Quantity(other.text, other.start, other.end, other.value, "ratio", right, sentence),
    )


def _size_unit(toks: list[Token], i: int) -> tuple[Fraction, int, int] | None:
    nxt = _at(toks, i + 1)
    if nxt is None or nxt.kind != "word":
        return None
    low = nxt.low
    if nxt.text == "B" or (low in _SIZES and low not in ("b",)):
        return Fraction(_SIZES[low]), nxt.end, i + 2
    return None


def _size_subject(toks: list[Token], i: int, j: int) -> str:
    """`10 KB` of what: `per page`, `each result`, `a paste is 10 KB`, `2 GB of logs`."""
    after = _noun_after(toks, j)
    of, stuff = _at(toks, j), _at(toks, j + 1)
    if of is not None and stuff is not None and of.low == "of" and stuff.low in _MATERIAL:
        # "Articles average around 5 KB of text": the text is what the articles are made
        # of; the size is the articles'
        owner = _material_owner(toks, i)
        if owner:
            return f"{owner} size"
    if after and after.split()[0].lower() not in ("after", "for"):
        return after if after.lower().endswith(("size", "storage", "set")) else f"{after} size"
    start = _clause_start(toks, i)
    if start > 0 and toks[start - 1].text == "(":
        # "avg 40 min audio (~20 MB)": the size of the noun before the bracket
        bracketed = _at(toks, start - 2)
        if bracketed is not None and bracketed.kind == "word" and bracketed.low not in _STOP:
            return f"{bracketed.text.lower()} size"
    if any(
        t.low in ("store", "stores", "storing", "stored") for t in toks[_clause_start(toks, i) : i]
    ):
        return "storage"
    owner = _total_owner(toks, i)
    if owner:
        return f"{owner} total"
    start = _clause_start(toks, i)
    words = [
        t.text
        for t in toks[start:i]
        if t.kind == "word"
        and t.low not in _STOP
        and t.low not in _FILLER_BEFORE
        and t.low not in ("avg", "average", "max", "is")
    ]
    per = None
    for k in range(j, min(len(toks), j + 3)):
        if toks[k].low in ("per", "each") and _at(toks, k + 1) is not None:
            per = toks[k + 1].text
    noun = per or (words[-1] if words else "item")
    return f"{noun} size"


_SIZE_PARTICIPLES = _wordset("averaging weighing sized")
_COPULAS = _wordset("is are was were be")


def _sized_thing(toks: list[Token], i: int, j: int, placed: list[Quantity]) -> str:
    """The thing a size is each one's: after a participle joined to counted things (`300
    scans a day averaging 20 MB`: one scan's), or before a trailing `each` (`the invoices,
    about 200 KB each`) or in brackets (`a reading every 15 min (~200 B)`): the noun named
    just before, past fillers, a period and a predicate adjective (`Podcasts are long, maybe
    80 MB each`: the podcasts, not 'long')."""
    k = i - 1
    while k >= 0 and (toks[k].low in _FILLER_BEFORE or toks[k].text in (",", "~")):
        k -= 1
    participle = k >= 0 and toks[k].low in _SIZE_PARTICIPLES
    each = _at(toks, j) is not None and toks[j].low == "each" and _trailing_each(toks, j)
    bracket = k >= 0 and toks[k].text == "("
    if not (participle or each or bracket):
        return ""
    for m in range(k - 1 if participle else k, max(k - 9, -1), -1):
        tok = toks[m]
        if tok.kind == "brk":
            return ""
        counted = next((q for q in placed if q.start == tok.start and q.unit == "count"), None)
        if tok.kind == "num" and counted is not None and counted.subject:
            # "about 2 million a day, averaging 3 MB": the things that number counts
            return singular(counted.subject.split()[-1].lower())
        if tok.kind != "word" or tok.low in _STOP or tok.low in _FILLER_BEFORE:
            continue
        if _is_time_word(tok.low) or tok.low in _SIZE_PARTICIPLES:
            continue
        if m > 0 and toks[m - 1].low in _COPULAS:
            continue  # "are long": what is long is the noun before the copula
        return singular(tok.low)
    return ""


_MATERIAL = _wordset("text data content json xml html markup payload metadata body bytes")
_SIZE_VERBS = _wordset("average averages weigh weighs run runs take takes need needs")


def _material_owner(toks: list[Token], i: int) -> str:
    """What a `N KB of text` belongs to: the clause's first noun phrase, without its verb
    (`Articles average around 5 KB of text` → articles, `Each message is 2 KB` → message)."""
    words = _clause_subject(toks, _clause_start(toks, i), i).split()
    while words and words[-1] in _SIZE_VERBS:
        words.pop()
    return " ".join(words)


def _measure_of(toks: list[Token], j: int) -> str:
    """What a measure is an amount of, named right after it: `2 seconds of CPU`, `7 years of
    invoices`. Not a reference point (`within 5 minutes of its scheduled time`: a determiner
    or possessive follows `of`) nor another measure (`of 2 hours`)."""
    of, first = _at(toks, j), _at(toks, j + 1)
    if of is None or first is None or of.low != "of" or first.kind != "word":
        return ""
    if first.low in _STOP or first.low in _FILLER_BEFORE or _is_time_word(first.low):
        return ""
    if first.low in _NAMED_ROLES or first.low == "staleness":
        return ""  # "5 seconds of lag": the role itself, read by `_duration_role`
    return _phrase_after(toks, j + 1)[0]


def _noun_right_after(toks: list[Token], j: int) -> str:
    """`40 min audio`, `3 hours video`: a known noun straight after a duration is what it
    measures (not `5 minutes later`, `30 seconds behind`)."""
    nxt = _at(toks, j)
    if nxt is None or nxt.kind != "word" or nxt.low in _STOP or _is_time_word(nxt.low):
        return ""
    if NOUNS.get(singular(nxt.low)) is None and nxt.low not in _MEDIA_NOUNS:
        return ""
    return nxt.text.lower()


_MEDIA_NOUNS = _wordset("audio video footage recording recordings music speech")
_TOTAL_VERBS = _wordset("total totals totalling totaling add adds amount amounts")


def _total_owner(toks: list[Token], i: int) -> str:
    """What a number is the total of, when a verb says so: `test data total about 500 MB`,
    `the logs add up to 2 TB`, `orders amount to 5 million` (the noun phrase before the
    verb, in its clause). Not `a total of` nor `in total` (no noun before `total`)."""
    start = _clause_start(toks, i)
    k = i - 1
    while k >= start and toks[k].low in _FILLER_BEFORE:
        k -= 1  # "about", "up to", "to"
    if k <= start or toks[k].low not in _TOTAL_VERBS:
        return ""
    words: list[str] = []
    for tok in reversed(toks[start:k]):
        if tok.kind != "word" or tok.low in _FUNCTION_WORDS or tok.low in _DETERMINERS:
            break  # not _STOP: "logs" is a noun here ("the logs add up to 2 TB")
        words.insert(0, tok.text)
    return " ".join(words[-3:])


_DETERMINERS = _wordset("a an the its their his her my your our some any each every no")
_GROW_VERBS = _wordset("grow grows grew reach reaches reached climb climbs climbed")
# Nouns that hold things: what their size counts is the things ("the list of addresses").
_HOLDERS = _wordset("list set queue backlog pile pool collection number count")


def _grown_thing(toks: list[Token], i: int) -> str:
    """What grows to a number stated with no noun of its own: the clause's subject, before
    its verb (`The list of addresses still waiting to be visited grows to around five
    billion` → addresses: a list, queue or backlog of things is counted by its things)."""
    start = _clause_start(toks, i)
    k = i - 1
    while k > start and toks[k].low in _FILLER_BEFORE:
        k -= 1  # "to around"
    if k <= start or toks[k].low not in _GROW_VERBS or toks[k + 1].low != "to":
        return ""
    words = _clause_subject(toks, start, k)
    holder = next((m for m in range(start, k) if toks[m].low == (words.split() or [""])[-1]), k)
    if singular(toks[holder].low) in _HOLDERS and toks[holder + 1].low == "of":
        words = _phrase_after(toks, holder + 2)[0]
    kept: list[str] = []
    for word in words.lower().split():
        kept.append(word)
        if singular(word) != word:
            break  # "addresses still waiting": the plural noun ends the phrase
    return " ".join(kept)


def _duration_unit(toks: list[Token], i: int) -> tuple[Fraction, int, int] | None:
    nxt = _at(toks, i + 1)
    if nxt is None or nxt.kind != "word":
        return None
    low = nxt.low
    if low in _DURATIONS and low != "m":  # "m" after digits is a million, read by tokens
        return _DURATIONS[low], nxt.end, i + 2
    return None


def _hyphenated_duration(toks: list[Token], i: int) -> tuple[Fraction, int, int] | None:
    """`7-day`: a number, a glued hyphen, a glued unit word (singular, as adjectives are)."""
    dash, unit = _at(toks, i + 1), _at(toks, i + 2)
    if dash is None or unit is None or dash.text != "-" or not dash.glued or not unit.glued:
        return None
    if unit.kind != "word" or unit.low not in _DURATIONS or len(unit.low) < 3:
        return None  # "5-m" / "3-s": too short to be sure it is a unit
    return _DURATIONS[unit.low], unit.end, i + 3


_KEPT_WORDS = re.compile(
    r"\b(?:keep|keeps|kept|retain\w*|retention|stor(?:e|ed|es|ing)|archiv\w+)\b", re.IGNORECASE
)


_LATENCY = re.compile(
    r"\b(?:latenc\w*|respon\w*|under|below|within|less\s+than|<|in\s+less|load\w*|take\w*|"
    r"p\d\d|percentile|answer\w*|appear\w*|results?\s+in|start\w*|add)\b|<",
    re.IGNORECASE,
)


# A duration that names its role right after it: "5 s delay", "2 seconds of lag".
_NAMED_ROLES = ("delay", "lag", "latency", "window", "timeout", "ttl")


_SHOWN_IN = re.compile(
    r"\b(?:show|shows|display|displays|reflect|reflects)\s+(?:it|them|this|that|the\s+change"
    r"|the\s+update)\s+(?:in|within)\s*(?:(?:under|less\s+than|about|<|~)\s*)*$"
)
_MUST_FINISH = re.compile(
    r"\b(?:must|should|has\s+to|have\s+to|needs?\s+to)\s+(?:finish|complete|be\s+done)\s+"
    r"(?:in|within|under)\s*(?:(?:under|less\s+than|about|around|<|~)\s*)*$"
)


def _duration_role(text: str, toks: list[Token], i: int, j: int) -> tuple[str, str]:
    tok = toks[i]
    start = _clause_start(toks, i)
    before = text[toks[start].start if start < len(toks) else 0 : tok.start]
    low_before = before.lower()
    noun = _antecedent(toks, start) or _context_noun(toks, start, i)
    following = text[toks[j - 1].end : toks[j - 1].end + 20].lower()
    named = re.match(r"\s*(?:of\s+)?(" + "|".join(_NAMED_ROLES) + r")\b", following)
    if named:
        return named.group(1), f"{noun} {named.group(1)}"
    if re.match(r"\s*behind\b", following):
        # "the running total should never be more than 10 seconds behind": how far what the
        # clause is about lags what it follows, a delay; "see the courier more than 10
        # seconds behind": the noun right before the bound is what lags
        behind = _lead_owner(toks, i) or _clause_subject(toks, start, i) or noun
        return "delay", f"{behind} delay"
    if re.match(r"\s*old\b", following) or _LATE_BY.search(low_before):
        # "the current price, max 1 second old", "it can be late 10 seconds": how stale the
        # thing shown may be
        return "staleness", f"{_stale_thing(toks, start, i) or noun} staleness"
    if (_share_in_clause(toks, start, i) or _bare_count_within(toks, i)) and re.search(
        r"\b(?:with)?in\s+(?:(?:the\s+)?(?:first|same)\s+|under\s+|less\s+than\s+|~\s*)*$",
        low_before,
    ):
        # "70% of them arrive within 4 hours in the morning", "campaigns send 10 million in 5
        # minutes": the span the share (or the count) falls in, a burst's window, not a delay
        # anyone waits
        when = re.match(r"\s*(?:in|during)\s+the\s+([a-z]+)", text[toks[j - 1].end :].lower())
        return "window", f"{when.group(1) if when and _is_when(when.group(1)) else 'burst'} window"
    reach = _REACH.search(low_before)
    verb = next((k for k in range(i - 1, start - 1, -1) if reach and toks[k].low == reach[1]), 0)
    words = _clause_subject(toks, start, verb).split() if verb > start else []
    thing = singular(words[-1]) if words else ""
    if reach and (NOUNS.get(thing) or ("",))[0] not in ("requests", "search"):
        # "Each update has to reach the phones of everybody … in under 2 seconds": how long
        # the thing takes to get to its receivers, a delivery delay; a request that reaches
        # the server is answered, and its bound stays the request's latency
        return "delay", f"{thing or noun} delivery delay"
    lead = _lead_owner(toks, i)
    if lead and re.match(r"\s*before\b", following):
        # "a reminder SMS 2 hours before their reservation": how long ahead of the event
        # the thing comes, not how long it lasts
        return "lead", f"{lead} lead time"
    if re.match(r"\s*to\s+(?:answer|respond|reply|acknowledge)\b", following):
        # "an endpoint gets 10 seconds to answer": the wait the caller allows, a timeout
        return "timeout", f"{noun} answer timeout"
    if re.match(r"\s*(?:old\s+|of\s+)?stale(?:ness)?\b", following):
        # "counts may be 5 min stale": a bound on how fresh what the clause is about must be
        return "staleness", f"{_clause_subject(toks, start, i) or noun} staleness"
    if re.search(r"\bevery\s*$", low_before):
        return "interval", f"{noun} interval"
    if re.search(r"\bvalid(?:\s+for)?(?:\s+(?:up\s+to|at\s+most))?\s*$", low_before):
        # "6-digit code, valid 5 min": how long the listed thing stays valid
        return "expiry", f"{_listed_owner(toks, i, '') or noun} validity"
    to_do = re.match(r"\s*to\s+([a-z]+)\b", following)
    if to_do and not low_before.strip(" ~"):
        # "SMS via external provider, ~2 s to deliver": the time the listed thing takes
        return "duration", f"{_listed_owner(toks, i, '') or noun} time to {to_do.group(1)}"
    if re.search(
        r"\bretr(?:y|ies|ied|ying)\b[^.;,]*\b(?:for|over|during|up\s+to)\s+(?:up\s+to\s+|at\s+most\s+)?$",
        low_before,
    ):
        # "we retry with backoff for up to 3 days": how long retries go on, not one wait
        return "window", "retry window"
    of_last = re.search(r"\s+(?:of|over|for)\s+the\s+(?:last|past|previous)\s*$", low_before)
    if of_last:
        # "the delivery log of the last 30 days": the span of what the noun before holds
        words = re.findall(r"[a-z]+", low_before[: of_last.start()])
        phrase: list[str] = []
        for word in reversed(words):
            if word in _FUNCTION_WORDS or word in _DETERMINERS:
                break
            phrase.insert(0, word)
        if phrase:
            return "window", f"{' '.join(phrase[-2:])} window"
    last = re.search(r"\bthe\s+(?:last|past|previous)\s*$", low_before)
    if last and not _KEPT_WORDS.search(low_before):
        # "the app shows the last 24 hours": the span of what is shown, not a duration
        verb = next(
            k for k in range(i - 1, start - 1, -1) if toks[k].low in ("last", "past", "previous")
        )
        shown = _clause_subject(toks, start, max(start, verb - 2))
        if not shown and noun not in ("last", "past", "previous"):
            shown = noun
        return "window", f"{shown} window".strip()
    if re.search(r"\bstale(?:ness)?\b|\bfresh(?:ness)?\b", low_before):
        # "the package metadata must be fresh everywhere within 60 s": how stale it may be
        return "staleness", f"{_clause_subject(toks, start, i) or noun} staleness"
    if re.search(r"\b(?:expire\w*|ttl|after|delete\w*)\b", low_before) or re.search(
        r"^\s*(?:of\s+inactivity|ttl)", text[toks[j - 1].end :], re.IGNORECASE
    ):
        return "expiry", f"{noun} expiry"
    if re.search(r"\b(?:held|hold)\b", low_before):
        return "hold", f"{noun} hold"
    long = (
        tok.value is not None and tok.value * _DURATIONS.get(toks[j - 1].low, Fraction(1)) >= 86_400
    )
    if _LIVES.search(low_before):
        # "Codes live 5 yrs, then freed": how long the things the clause is about exist
        # before they go, their lifetime (kept that long), not a duration of 'live'
        verb = next(k for k in range(i - 1, start - 1, -1) if toks[k].low in ("live", "lives"))
        return "retention", f"{_clause_subject(toks, start, verb) or noun} lifetime"
    if re.search(r"\bsaved\b", low_before):
        # "Cart must stay saved 30 days": how long what the clause is about is kept
        return "retention", f"{_clause_subject(toks, start, i) or noun} retention"
    kept = re.search(r"\b(?:keep\w*|kept|retain\w*|retention|stored?|archived)\b", low_before)
    if (kept and not re.search(r"\bwithin\s*$", low_before)) or (
        long and re.search(r"\bfor\s*$", low_before)
    ):
        # not "synced to every store within 5 minutes": a bound on when, not on how long
        return "retention", f"{_kept_thing(toks, start, i, noun)} retention"
    if re.search(r"\b(?:lag\w*|delay\w*)\b", low_before):
        return "delay", f"{noun} delay"
    if re.search(r"\bfirst\s*$", low_before):
        return "window", f"{noun} window"
    if _SHOWN_IN.search(low_before):
        # "the bed board in every ward must show it in less than 3 second": the delay before
        # a change shows where the clause says, not the latency of a request
        return "delay", f"{_clause_subject(toks, start, i) or noun} delay"
    if _MUST_FINISH.search(low_before):
        # "the bill run over all meters must finish in < 6 h": how long the job runs, not a
        # wait anyone sees nor a delay before something shows
        return "duration", f"{_clause_subject(toks, start, i) or noun} duration"
    seen = re.search(
        r"\b(?:see|sees|get|gets|receive|receives|reflect|reflects)\s+(?:the|a|an|each|every|"
        r"their|its)?\s*([a-z]+)\s+within\s*$",
        low_before,
    )
    if seen and seen.group(1) not in _FUNCTION_WORDS:
        return "delay", f"{seen.group(1)} delay"  # "instances should see the change within"
    if re.search(r"\bwithin\b", low_before) and re.search(
        r"\banswer|\brepl(?:y|ies|ied)\b", low_before
    ):
        # "Redeeming points … must answer within 200 ms": the time to an answer is the
        # action's latency, not a delay
        return "latency", f"{_action(toks, start, i) or noun} latency"
    if re.search(r"\bwithin\b", low_before) and not re.search(r"latenc|respon", low_before):
        return "delay", f"{_action(toks, start, i) or noun} delay"
    lasting = re.search(
        r"\b([a-z]+(?:/[a-z]+)?)\s+(?:lasts?|lasting|runs?)\s+(?:(?:about|around|roughly|up\s+to|"
        r"for|some|approximately|maybe|~)\s*)*$",
        low_before,
    )
    if lasting and lasting.group(1) not in _FUNCTION_WORDS:
        # "a match lasts about 25 minutes", "add/drop runs 2 wks": how long the thing goes
        # on, before the latency words ("add") could make it a wait
        return "duration", f"{lasting.group(1)} duration"
    if _LATENCY.search(before) or re.search(r"latenc", text[tok.end : tok.end + 20], re.I):
        return "latency", f"{noun} latency"
    if re.search(r"\bup\s+to\s*$|\bresets?\b", low_before):
        return "duration", f"{noun} duration"
    return "duration", f"{noun} duration"


def _same_span(text: str, toks: list[Token], i: int, sentence: str) -> Quantity | None:
    """`30% of all runs start within the same minute`, `in a single hour`: the one period a
    share falls in, written with no number, as a burst's window (a minute: 60 s)."""
    for k in range(i + 2, _clause_end(toks, i) - 2):
        if toks[k].low not in ("in", "within"):
            continue
        words = [t.low for t in toks[k + 1 : k + 3]]
        name = _period_name(toks[k + 3].low) if k + 3 < len(toks) else None
        if words in (["the", "same"], ["a", "single"], ["one", "single"]) and name is not None:
            start, end = toks[k + 1].start, toks[k + 3].end
            seconds = Fraction(_PERIOD_SECONDS[name])
            return Quantity(
                text[start:end],
                start,
                end,
                seconds,
                "seconds",
                "burst window",
                sentence,
                role="window",
            )
    return None


def _bare_count_within(toks: list[Token], i: int) -> bool:
    """`10 million in 5 minutes`: a number with no noun nor unit of its own right before the
    `in`/`within` of the duration at token i (a count that falls within it)."""
    k = i - 1
    while k >= 0 and toks[k].low in _wordset("the first under less than ~"):
        k -= 1
    return k >= 1 and toks[k].low in ("in", "within") and toks[k - 1].kind == "num"


def _share_in_clause(toks: list[Token], start: int, i: int) -> bool:
    """A percentage before token i in its clause (`70% of them arrive within …`)."""
    return any(
        toks[k].kind == "num" and toks[k + 1].low in ("%", "percent", "pct")
        for k in range(start, i - 1)
    )


# A bound on getting somewhere: "has to reach the phones … in under 2 seconds", "must arrive
# at the device within 3 seconds" (the verb, then its bound at the clause's end).
_REACH = re.compile(
    r"\b(reach|reaches|arrive|arrives)\b[^.;,]*\b(?:with)?in\s+(?:(?:under|less\s+than|about|"
    r"around|at\s+most|~)\s*)*$"
)
_LIVES = re.compile(r"\blives?\s+(?:(?:for|about|around|up\s+to|at\s+most|max|~)\s*)*$")


def _kept_thing(toks: list[Token], start: int, i: int, noun: str) -> str:
    """`final table archived 1 yr`: when the clause's last content word is the verb that
    keeps, what is kept is the noun before that verb, not the verb."""
    if not _KEPT_WORDS.fullmatch(noun):
        return noun
    verb = next((k for k in range(i - 1, start - 1, -1) if toks[k].low == noun), start)
    return _context_noun(toks, start, verb) if verb > start else noun


_PRONOUNS = _wordset("it they this these")
# "it can be late maximum 10 seconds", "late by up to 30 s": late right before its bound
_LATE_BY = re.compile(
    r"\blate\s+(?:by\s+)?(?:(?:up\s+to|at\s+most|max(?:imum)?|about|around|no\s+more\s+than)"
    r"\s+)?$"
)
_SHOW_VERBS = _wordset("show shows display displays list lists")
_CAP_WORDS = _wordset("max maximum at most up to least")


def _antecedent(toks: list[Token], start: int) -> str:
    """What a pronoun that opens its clause stands for: the subject of the clause before, in
    the same sentence ("Payment is with external provider, it take about 2 seconds": the
    payment), without a verb that follows it ("The export runs on a worker" → export)."""
    first = _at(toks, start)
    if first is None or first.low not in _PRONOUNS or start < 2:
        return ""
    if toks[start - 1].text not in (",", ";"):
        return ""
    words = _clause_subject(toks, _clause_start(toks, start - 1), start - 1).split()
    while len(words) > 1 and words[-1] in _SIZE_VERBS | _HAPPEN | _HOLD_VERBS:
        words.pop()
    if words and (singular(words[-1]) != words[-1]) != (first.low in ("they", "these")):
        return ""  # "Users open the app …, it takes 2 seconds": 'it' is no plural noun
    return " ".join(words)


def _stale_thing(toks: list[Token], start: int, i: int) -> str:
    """What may be stale: the clause's own subject ("Inventory counts can be up to 1 minute
    old"); for a pronoun, what the clause before shows ("The app show how many free places
    has each garage, it can be late …": the free places) or else its subject; for a clause
    with no noun, the noun phrase it stands beside ("the current price, max 1 second old")."""
    first = _at(toks, start)
    if first is not None and first.low in _PRONOUNS:
        before = _clause_start(toks, start - 1) if start >= 2 else start
        return _shown(toks, before, start - 1) or _antecedent(toks, start)
    own = [t for t in toks[start:i] if t.low not in _CAP_WORDS]
    subject = _clause_subject(own, 0, len(own))
    if subject or start < 2 or toks[start - 1].text != ",":
        return subject
    words: list[str] = []
    for tok in reversed(toks[: start - 1]):
        if tok.kind != "word" or tok.low in _STOP or tok.low in _DETERMINERS:
            break
        words.insert(0, tok.low)
    return " ".join(words[-3:])


def _shown(toks: list[Token], start: int, end: int) -> str:
    """What a clause shows: the noun phrase after its `show`/`display` verb, past a
    determiner or `how many` ("The kiosk displays how many bikes are left" → bikes)."""
    verb = next((k for k in range(start, end) if toks[k].low in _SHOW_VERBS), None)
    if verb is None:
        return ""
    k = verb + 1
    while k < end and toks[k].low in _DETERMINERS | _wordset("how many much"):
        k += 1
    return _phrase_after(toks, k)[0].lower() if k < end else ""


def _lead_owner(toks: list[Token], i: int) -> str:
    """The noun phrase right before a duration ("a reminder SMS 2 hours before"): what
    comes that long ahead of an event; empty after a preposition ("within 2 hours")."""
    k = i - 1
    while k >= 0 and toks[k].low in _FILLER_BEFORE - _wordset("at under over up to"):
        k -= 1
    words: list[str] = []
    while k >= 0 and toks[k].kind == "word" and toks[k].low not in _STOP | _DETERMINERS:
        words.insert(0, toks[k].low)
        k -= 1
    return " ".join(words[-2:])


def _clause_subject(toks: list[Token], start: int, i: int) -> str:
    """What the clause is about: its first noun phrase ("Counts on the watch page may be 5 min
    stale" → counts), after an `if`/`when`/`that` ("it's fine if dashboards are …")."""
    words = [t for t in toks[start:i] if t.kind == "word"]
    for k in range(len(words) - 1, -1, -1):
        if words[k].low in ("if", "when", "that", "while"):
            words = words[k + 1 :]
            break
    if (
        len(words) >= 2
        and words[1].low in ("are", "is", "were", "was")
        and words[0].low not in _FUNCTION_WORDS | _DETERMINERS
    ):
        # "Uploads are rare, maybe 1 million a day": the word before the copula is what the
        # clause is about, even one the reader otherwise skips (a verb's form: uploads)
        return words[0].text.lower()
    phrase: list[str] = []
    for tok in words:
        if tok.low in _FUNCTION_WORDS or tok.low in _DETERMINERS or tok.low in _STOP:
            if phrase:
                break
            continue
        phrase.append(tok.text.lower())
    return " ".join(phrase[-3:])


def _action(toks: list[Token], start: int, i: int) -> str:
    """What a `within` bound applies to: the verb after `to` ("wants to blast all of them
    within 2 hours"), else the clause's first content word ("edits appear … within 100 ms",
    "dashboards need data within 1 minute", "Match a rider … within 2 seconds");
    "searchable" is the search."""
    words = [t for t in toks[start:i] if t.kind == "word"]
    if words and words[0].low in _RELATIVES and start >= 2 and toks[start - 1].text == ",":
        # "the setpoint from the mobile app, which is pushed … within 2 seconds": the
        # relative pronoun stands for what the clause before acts on
        verb = next((t.low for t in words[1:] if t.low not in _AUXILIARIES), "")
        done = _participle_base(verb) if verb.endswith("ed") else ""
        return " ".join(w for w in (_acted_on(toks, start - 1), done) if w)
    if words and words[0].low in _SUBORDINATORS:
        # "If a restaurant doesn't accept an order within 2 minutes": the bound is on the
        # action (accept order), not on the conjunction or the one who acts
        aux = next((k for k, t in enumerate(words) if t.low in _AUXILIARIES), None)
        if aux is not None:
            rest = [t for t in words[aux:] if t.low not in _AUXILIARIES | _DETERMINERS]
            return " ".join(t.low for t in rest[:2] if t.low not in _FUNCTION_WORDS)
        words = words[1:]
        k = 0
        while k < len(words) and words[k].low in _DETERMINERS:
            k += 1
        acts = words[k + 1] if k + 1 < len(words) else None
        if acts is not None and acts.low.endswith("s") and not acts.low.endswith("ss"):
            # "Unless a user cancels within 10 minutes": a one-word subject, then its verb in
            # -s (the third person), then maybe its object
            after = [t.low for t in words[k + 2 :] if t.low not in _DETERMINERS]
            thing = after[:1] if after and after[0] not in _FUNCTION_WORDS else []
            return " ".join([singular(acts.low), *thing])
    for k, tok in enumerate(words[:-1]):
        if tok.low == "to" and words[k + 1].low not in _FUNCTION_WORDS:
            return _base(words[k + 1].low)
    first = next((t for t in words if t.low not in _FUNCTION_WORDS), None)
    return _base(first.low) if first is not None else ""


_RELATIVES = _wordset("which that who")
_SUBORDINATORS = _wordset("if when unless once until whenever")
_AUXILIARIES = _wordset(
    "do does did don't doesn't didn't not never can can't cannot will won't must is are was "
    "were isn't aren't"
)


def _base(word: str) -> str:
    return word[: -len("able")] if word.endswith("able") and len(word) > 6 else word


def _context_noun(toks: list[Token], start: int, i: int) -> str:
    """The subject-like word of the clause before a duration (`redirect`, `pages`)."""
    words = [
        t
        for t in toks[start:i]
        if t.kind == "word"
        and t.low not in _STOP
        and t.low not in _FILLER_BEFORE
        and t.low not in ("p", "th", "percentile", "latency", "less", "under", "below", "ms")
        and not t.low.endswith("ly")
    ]
    if not words:
        return "response"
    return words[-1].text.lower()


def _latency_subject(toks: list[Token], i: int) -> str:
    phrase, _ = _phrase_after(toks, i + 1)
    noun = phrase.split()[0].lower() if phrase else ""
    if not noun or noun in ("latency", "under", "below"):
        start = _clause_start(toks, i)
        noun = _context_noun(toks, start, i)
    return f"{noun} latency"


def share_within(
    placed: tuple[Quantity, ...] | list[Quantity], sentence: str, after: int, shorter_than: Fraction
) -> tuple[Quantity, Quantity] | None:
    """A burst stated as a share within a window, in one sentence after `after` ("70% of
    them arrive within 4 hours", "80% land in the first 2 minutes"): the share (0-100%) and
    the window after it, shorter than `shorter_than` seconds (the figure's own period)."""
    share = next(
        (
            q
            for q in placed
            if q.unit == "percent"
            and q.sentence == sentence
            and q.start > after
            and 0 < q.value < 100
        ),
        None,
    )
    if share is None:
        return None
    window = next(
        (
            q
            for q in placed
            if q.unit == "seconds"
            and q.sentence == sentence
            and q.start > share.start
            and 0 < q.value < shorter_than
        ),
        None,
    )
    return (share, window) if window is not None else None


def burst_within(
    placed: tuple[Quantity, ...] | list[Quantity], said: Quantity
) -> tuple[Quantity, Fraction, Quantity] | None:
    """A burst of the things the rate `said` counts: what arrives (a share of them, or a
    count of the same things), the portion of the period's count that is (0-1) and the
    window it falls in, shorter than the period. In `said`'s sentence ("100 million
    notifications a day, with campaigns that send 10 million in 5 minutes", "90,000 refill
    requests a day, 70% of them arrive within 4 hours") or, for a share of things the rate's
    sentence names, in a sentence after it ("Each job runs once an hour. At the top of each
    hour 30% of all runs start within the same minute")."""
    if said.per_second is None or said.value <= 0:
        return None
    period = said.value / said.per_second
    found = share_within(placed, said.sentence, said.start, period)
    if found is not None:
        return found[0], found[0].value / 100, found[1]
    after = next((q for q in placed if q.start > said.end and q.sentence != said.sentence), None)
    sentences = (said.sentence, after.sentence if after is not None else said.sentence)
    for count in placed:
        if (
            count.unit != "count"
            or count.period is not None
            or count.sentence not in sentences
            or count.start <= said.start
            or count.subject != said.subject
            or not 0 < count.value < said.value
        ):
            continue
        # "5 million payments a day; batches process 1 million in 10 minutes": the same
        # things, counted within a window
        window = _window_after(placed, count, period)
        if window is not None:
            return count, count.value / said.value, window
    named = {singular(w) for w in re.findall(r"[a-z]+", said.sentence.lower())}
    named |= {_participle_base(w) for w in named if w.endswith("ed")}
    # the sentences after the rate's, in order ("Each job runs once an hour. A run takes up
    # to 10 minutes. At the top of each hour 30% of all runs start within the same minute")
    later = list(dict.fromkeys(q.sentence for q in placed if q.start > said.end))
    for sentence in later:
        if sentence == said.sentence:
            continue
        found = share_within(placed, sentence, said.end, period)
        if found is None:
            continue
        share, window = found
        rate_first = any(
            q.per_second is not None and q.sentence == share.sentence and q.start < share.start
            for q in placed
        )
        head = singular(share.subject.split()[-1].lower()) if share.subject else ""
        if rate_first or head not in named:
            continue  # a share of another rate, or of things the rate's sentence never names
        return share, share.value / 100, window
    return None


def _window_after(
    placed: tuple[Quantity, ...] | list[Quantity], item: Quantity, shorter_than: Fraction
) -> Quantity | None:
    """The burst window stated after `item` in its sentence, shorter than `shorter_than`."""
    return next(
        (
            q
            for q in placed
            if q.role == "window"
            and q.sentence == item.sentence
            and q.start > item.start
            and 0 < q.value < shorter_than
        ),
        None,
    )
