"""What a task is about: the thing its stated rates count, or the one its system is named
for ("a news site's comments, 400 new comments per second" → comment), the entity the
generic block drafts and whose rate is its main write (one choice, read by both)."""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.entities import TEMPLATES
from archproof.frontends.draft.extract import _FILLER, _LOAD_HEADS, _WORD, status_changed
from archproof.frontends.draft.lexicon import (
    _READ_VERBS,
    _WRITE_VERBS,
    GENERIC_THINGS,
    NOUNS,
    READ_ACTS,
    WHEN_WORDS,
    WRITE_ACTS,
)
from archproof.frontends.draft.quantities import Quantity, Reading
from archproof.frontends.draft.text import camel, singular


def is_action(word: str) -> bool:
    """`word` names something done (a read, a write, a load), not a thing it is done to:
    "downloads", "publishes", "adds", "loads", "times"."""
    head = singular(word.lower())
    known = NOUNS.get(head) or NOUNS.get(word.lower())
    return (
        head in _LOAD_HEADS
        or head in READ_ACTS
        or head in WRITE_ACTS
        or head in _WRITE_VERBS
        or head in _READ_VERBS
        or (known is not None and known[0] in ("read", "requests", "search"))
    )


def thing_counted(subject: str) -> str | None:
    """The thing a rate's subject counts, singular: its head noun past adjectives and days
    ("new comments" → comment, "Friday" → none); when the head is an action, the thing it
    is done to, named before it ("comment section loads" → comment, "Downloads" → none).
    People are not things the system handles (None)."""
    words = [
        w.lower()
        for w in _WORD.findall(subject)
        if w.lower() not in _FILLER and singular(w.lower()) not in WHEN_WORDS
    ]
    if not words:
        return None
    # "10,000 posts a day": a post is written as itself (the lexicon's subject is the word),
    # so it is the thing, not an action done to another thing ("photo uploads" → photo)
    head_word = singular(words[-1])
    if is_action(words[-1]) and NOUNS.get(head_word) != ("write", head_word):
        words = [w for w in words[:-1] if not is_action(w)][:1]
        if not words:
            return None
    head = singular(words[-1])
    known = NOUNS.get(head)
    if not head.isalpha() or (known is not None and known[0] in ("people", "follow")):
        return None
    if words[-1] in _PRONOUNS:  # "3 million of them open the app every day": no thing
        return None
    return head


_PRONOUNS = frozenset({"them", "they", "it", "those", "these", "us", "we"})


# Words between a verb and the number it governs ("swipe about 100 profiles").
_APPROX = frozenset({"about", "around", "roughly", "approximately", "nearly", "almost", "some"})
_APPROX |= frozenset({"up", "to", "over", "maybe", "like", "something"})


def action_counted(q: Quantity, text: str) -> str | None:
    """The action a stated rate counts when the task records the actions, not the things
    they are done to: the verb just before the number ("Each active user swipe about 100
    profile in one day") when the task also names the actions as things, elsewhere in it
    ("so swipes are the main load") → swipe. A verb the lexicon knows (post, view, add,
    update) is a write or read of the thing it governs, not a thing of its own."""
    at = q.sentence.find(q.text)
    if at < 0:
        return None
    before = [m for m in _WORD.finditer(q.sentence[:at]) if m.group(0).lower() not in _APPROX]
    if not before:
        return None
    verb = before[-1].group(0).lower()
    ending = "es" if verb.endswith(("shes", "ches", "sses", "xes")) else "s"
    base = verb[: -len(ending)] if verb.endswith(ending) and not verb.endswith("ss") else verb
    if len(base) < 3 or not base.isalpha() or base in _PRONOUNS or base in _NOT_ACTIONS:
        return None
    if is_action(base) or base in NOUNS:
        return None
    plural = base + ("es" if base.endswith(("sh", "ch", "ss", "x")) else "s")
    start = text.find(q.sentence)
    if start < 0:
        return None
    said = start + before[-1].start()  # the verb itself ("each user swipes 100 profiles")
    named = [m for m in re.finditer(rf"\b{plural}\b", text, re.I) if m.start() != said]
    return base if named else None


# Words before a count that are no action the system records ("users have 100 friends",
# "members take out 50,000 loans", "a city with 40 branches"), even when their plural
# is written elsewhere ("uses", "keeps").
_NOT_ACTIONS = frozenset({"have", "has", "had", "get", "make", "take", "out", "use", "see"})
_NOT_ACTIONS |= frozenset({"send", "receive", "keep", "hold", "own", "need", "want", "with"})


def main_thing(reading: Reading, text: str = "") -> str | None:
    """What the task's busiest stated rate counts (`thing_counted`): the thing the system
    mostly handles ("400 new comments per second" → comment), or the action it records
    (`action_counted`: "swipe about 100 profile …, so swipes are the main load" → swipe).
    A count of times counts actions on a thing, not things ("check a parcel's status 20
    million times a day")."""
    best: tuple[Fraction, str] | None = None
    for q in reading.placed:
        rate = q.per_second
        if q.unit != "count" or rate is None or not q.subject:
            continue
        changed = status_changed(q)
        if changed is None and re.search(r"\btimes?\b", q.text, re.IGNORECASE):
            continue
        thing = changed or (action_counted(q, text) if text else None) or thing_counted(q.subject)
        if thing is not None and (best is None or rate > best[0]):
            best = (rate, thing)
    return best[1] if best else None


# Verbs a task opens with to say what to do ("Design a …", "Build an …").
_IMPERATIVES = frozenset({"design", "build", "create", "make", "implement", "develop", "architect"})


def main_noun(text: str) -> str | None:
    """The thing a vague task is about: `Design a recipe sharing app` → `recipe`."""
    match = re.search(
        r"(?:^|\b(?:for|of|a|an)\s+)((?:[a-z]+[\s-]){0,2}?)(?:sharing\s+|management\s+|booking\s+|"
        r"tracking\s+)?(?:system|service|platform|app|application|website|site|backend|api|"
        r"tool|marketplace|registry)\b",
        text,
        re.IGNORECASE,
    )
    if match is None:
        return None
    words = [w for w in re.split(r"[\s-]+", match.group(1).lower()) if w]
    if match.start(1) == 0 and words and words[0] in _IMPERATIVES:
        words = words[1:]  # "Design a system for my startup": the task's verb, no thing
    stop = {
        "my",
        "our",
        "the",
        "a",
        "an",
        "new",
        "simple",
        "small",
        "scalable",
        "web",
        "mobile",
        "online",
        "startup",
        "company",
        "business",
        "distributed",
        "generic",
        "basic",
        "good",
        "great",
        "modern",
        "system",
        "this",
        "some",
    }
    words = [w for w in words if w not in stop and singular(w) not in stop and w.isalpha()]
    return _made_by(singular(words[-1])) if words else None


def _made_by(word: str) -> str:
    """The thing a gerund makes, when the lexicon knows it ("ordering" → order,
    "ticketing" → ticket, "messaging" → message); other words as they are ("parking")."""
    if not word.endswith("ing") or len(word) < 6:
        return word
    for base in (word[:-3], word[:-3] + "e"):
        if base in NOUNS:
            return base
    return word


def entity_noun(text: str, reading: Reading) -> str | None:
    """The generic block's entity: the thing the task's busiest stated rate counts
    (`main_thing`; not another block's entity, which has fields of its own, though a
    templated thing the generic block owns is: "600,000 orders a day" → an Order, not an
    Item), unless the system is named for a thing a stated rate also counts ("a feature
    flag service … 200 flag changes a day": flag, not the evaluations); else the thing the
    system is named for (`main_noun`)."""
    named = main_noun(text)
    if named is not None:
        for q in reading.placed:
            if q.unit != "count" or q.per_second is None or not q.subject:
                continue
            words = {singular(w.lower()) for w in _WORD.findall(q.subject)}
            if named in words - _FILLER:
                return named
    counted = main_thing(reading, text)
    if counted is not None and camel(counted) in TEMPLATES and counted not in GENERIC_THINGS:
        counted = None
    return counted or named
