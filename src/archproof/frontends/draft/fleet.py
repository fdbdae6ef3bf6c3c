"""A fleet of devices that report on a period ("two million thermostats ... each one reports
its temperature once a minute", "3 million meters, each meter sends a reading every 15
minutes"): read from the task's numbers, not from a word. A rate per some thing (or an
interval in a sentence naming it), a standing count of that same thing, and a verb of
reporting in the sentence. A rate per person (messages per user) is a normal app's load,
not a fleet's; so is an app's own entity sent from phones (photos, messages, posts: clients
of a normal app), or a report rarer than hourly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from archproof.frontends.draft.lexicon import NOUNS
from archproof.frontends.draft.quantities import Quantity, Reading
from archproof.frontends.draft.text import singular

_REPORTS = re.compile(
    r"\b(?:(?:report|send|transmit|emit|upload|publish|beacon|heartbeat|measure|sample|ping)"
    # "pushes its dock states", not a push notification
    r"(?:s|es|ed|ing)?|push(?:es|ed))\b(?:\s+(?:a|an|its|their|the|one|new)\b)?"
    r"(?:\s+([a-z]+(?:\s+[a-z]+){0,2}))?",
    re.IGNORECASE,
)
# Words that end the reported noun phrase: "its charge level and position every 2 minutes"
# is a level (the head, its last noun), "a reading every 15 minutes" a reading.
_PHRASE_ENDS = frozenset(
    [
        "and",
        "or",
        "every",
        "each",
        "once",
        "twice",
        "a",
        "an",
        "the",
        "to",
        "in",
        "on",
        "at",
        "from",
        "while",
        "when",
        "with",
        "of",
        "for",
        "about",
        "roughly",
        "per",
        "by",
        "back",
        "up",
        "out",
        "as",
        "that",
        "which",
        "its",
        "their",
    ]
)
MIN_FLEET = 1000  # fewer devices than this are a handful of clients, not a fleet
MAX_INTERVAL = Fraction(3600)  # seconds between one device's reports: rarer is a client's
# What a device reports, when the lexicon knows the word: readings, metrics, updates.
_REPORTED = frozenset({"events", "update"})


@dataclass(frozen=True)
class Fleet:
    """The devices (their stated count) and how often each one reports."""

    devices: Quantity
    said: Quantity  # the rate per device, or the interval, as the task states it
    interval: Fraction  # seconds between one device's reports
    noun: str  # the devices' noun, singular ("thermostat")

    @property
    def rate(self) -> Fraction:
        """Reports a second from the whole fleet: devices ÷ the interval."""
        return self.devices.value / self.interval


def _head(phrase: str) -> str:
    """The noun a count counts: its last word, before a participle that follows it ("350,000
    locks installed", "meters deployed" count locks and meters)."""
    words = phrase.lower().split()
    while len(words) > 1 and words[-1].endswith("ed"):
        words.pop()
    return singular(words[-1]) if words else ""


# A sentence whose subject points back to the devices counted before it: "350,000 locks
# installed; each sends a heartbeat every 5 minutes".
_EACH = re.compile(r"^(?:each|every\s+one|each\s+one|they|all\s+of\s+them)\b", re.IGNORECASE)


def _object_head(phrase: str) -> str:
    """The head of the reported noun phrase: its last word before a word that ends it (an
    adverb in -ly too: "photos daily" are photos). "charge" alone is a payment, a "charge
    level" a reading."""
    words: list[str] = []
    for word in phrase.lower().split():
        if word in _PHRASE_ENDS or word.endswith("ly"):
            break
        words.append(word)
    return singular(words[-1]) if words else ""


def _reports_readings(sentence: str, subject: str | None = None) -> bool:
    """A verb of reporting whose object (or the rate's subject) is not an app's own
    entity (a photo, a message, a post)."""
    match = _REPORTS.search(sentence)
    if match is None:
        return False
    what = _head(subject) if subject else _object_head(match.group(1) or "")
    role, kind = NOUNS.get(what, ("events", ""))
    return role in _REPORTED or kind in _REPORTED


def _devices(reading: Reading, named: set[str]) -> Quantity | None:
    """The biggest standing count (no period, per nothing, not a peak) of a thing in
    `named` that no word of calls a person ("drivers online"), when it is a fleet."""
    found = [
        q
        for q in reading.placed
        if q.unit == "count"
        and q.period is None
        and q.per is None
        and q.subject
        and not q.peak  # "300k drivers online at peak" is who is connected, not a fleet
        and _head(q.subject) in named
        and not any(NOUNS.get(singular(w), ("", ""))[0] == "people" for w in q.subject.split())
        and q.value >= MIN_FLEET
    ]
    return max(found, key=lambda q: q.value) if found else None


def _series_each(reading: Reading, devices: Quantity) -> bool:
    """A count of things per device ("10,000 servers each emit 100 metrics"): many series
    from each host is a metrics and logging platform, the analytics block's job (an event
    hub, windowed aggregation, raw data archived), not one reading per device."""
    noun = _head(devices.subject)
    return any(
        q.unit == "count" and q.period is None and q.per and _head(q.per) == noun
        for q in reading.placed
    )


def _before(reading: Reading, item: Quantity) -> set[str]:
    """The heads of the counts stated in the sentence just before `item`'s."""
    earlier = [q for q in reading.placed if q.start < item.start and q.sentence != item.sentence]
    if not earlier:
        return set()
    sentence = earlier[-1].sentence
    return {_head(q.subject) for q in earlier if q.sentence == sentence and q.subject}


def reporting_fleet(reading: Reading) -> Fleet | None:
    """The fleet the task describes, when it describes one."""
    for item in reading.placed:
        if item.unit == "count" and item.per_second and item.per:
            if not _reports_readings(item.sentence, item.subject):
                continue
            devices = _devices(reading, {_head(item.per)})
            interval = 1 / item.per_second
        elif item.unit == "seconds" and item.role == "interval" and item.value > 0:
            if not _reports_readings(item.sentence):
                continue
            words = {singular(w.lower()) for w in re.findall(r"[A-Za-z]+", item.sentence)}
            if _EACH.match(item.sentence.strip()):
                words |= _before(reading, item)
            devices = _devices(reading, words)
            interval = item.value
        else:
            continue
        if devices is None or interval > MAX_INTERVAL or _series_each(reading, devices):
            continue
        return Fleet(devices, item, interval, _head(devices.subject))
    return None
