"""Constraints in the task's words, as typed data (`requirements.constraints`), and the
decision each one drives.

    "The graph won't fit on one machine"   → storage_scale  → shard the store
    "stats need not be real time"          → freshness      → batch, not stream
    "delete expired pastes"                → expiry         → a deletion job
    "highly available", "never down"       → availability   → standbys (99.99% target)
    "don't use Solr"                       → forbidden_technology
    "never double charge"                  → consistency    → idempotency keys
    "PCI compliance needed"                → compliance
    "banks allow at most 10 requests/sec"  → external_quota → throttled jobs
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from archproof.frontends.draft.builder import ConstraintLike, Ctx
from archproof.frontends.draft.derive import horizon_text
from archproof.frontends.draft.text import quote, sentences
from archproof.model import Principle
from archproof.units import Duration, Rate

_NUMBER = r"(\d+(?:\.\d+)?|a|an|one|two|three|five|ten|thirty)"
_WORD_VALUES = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "five": 5, "ten": 10, "thirty": 30}
_UNIT = (
    r"(ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hours?|d|days?|weeks?|months?|"
    r"years?|yrs?)"
)
_SECONDS = {
    "ms": Fraction(1, 1000),
    "millisecond": Fraction(1, 1000),
    "s": Fraction(1),
    "sec": Fraction(1),
    "second": Fraction(1),
    "min": Fraction(60),
    "minute": Fraction(60),
    "h": Fraction(3600),
    "hour": Fraction(3600),
    "d": Fraction(86_400),
    "day": Fraction(86_400),
    "week": Fraction(7 * 86_400),
    "month": Fraction(30 * 86_400),
    "year": Fraction(365 * 86_400),
    "yr": Fraction(365 * 86_400),
}

# (kind, regex over one sentence). The first match of a kind in a sentence is kept.
# What a third party's quota counts ("limits us to 20k emails per second")
_QUOTA_NOUNS = r"(?:requests?|calls?|messages?|sms|req|e-?mails?|texts?|push(?:es)?|notifications?)"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(regex, re.IGNORECASE))
    for kind, regex in (
        (
            "storage_scale",
            r"(?:won'?t|will\s+not|does\s*n[o']t|doesn'?t|cannot|can'?t)\s+fit\s+(?:on|in)\s+"
            r"(?:one|a\s+single|a)\s+(?:machine|server|node|box|database)"
            r"|\btoo\s+(?:big|large)\s+(?:for|to\s+fit\s+on)\s+(?:one|a\s+single|a)\s+"
            r"(?:machine|server|node|box|database)",
        ),
        (
            "freshness",
            r"need\s+not\s+be\s+real[- ]?time|not\s+(?:need\s+to\s+be\s+)?real[- ]?time"
            r"|\breal[- ]?time\b|refresh\w*\s+(?:hourly|daily|nightly|weekly|every\s+\S+\s*\w*)"
            # "edits must show in search within 1 h", "changes appear in search within 10 min"
            r"|\b(?:searchable|visible|appear\w*|sync\w*|lag\w*|fresh\w*|shows?\s+(?:up|in))\b"
            r"[^.;]{0,40}?\bwithin\b|\bat\s+most\s+\S+\s*\w*\s+(?:stale|old)\b"
            # "edits may take up to 30 minutes to show up in search"
            r"|\bup\s+to\s+\S+\s*\w+\s+to\s+(?:show|appear|be\s+(?:visible|searchable))\b"
            r"|\bat\s+most\s+\d+\s*\w+\s+delay|\bcan\s+lag\b"
            # "updated each hour is enough", "hourly is fine", "can be refreshed every 10 min"
            r"|\b(?:updated?|refresh\w*|recomput\w*|recalculat\w*)\s+(?:each|every|once)\s+"
            r"[\w ]{0,15}?\b(?:second|minute|hour|day|night|week)s?\b[^.;]{0,20}?\b(?:enough|"
            r"fine|ok|okay|acceptable)\b|\b(?:can|may)\s+be\s+(?:updated|refreshed|recomputed)\s+"
            r"(?:each|every|once)\b|\b(?:hourly|daily|nightly|weekly)\b[^.;]{0,25}?\b(?:enough|"
            r"fine|ok|okay|acceptable)\b",
        ),
        (
            "expiry",
            r"\bexpir\w+|\bdelete\s+(?:expired|old)|\bttl\b|\bpurge\b|\bkeep\w*\b[^.;]{0,30}?"
            r"\bfor\s+\d|\bkept\s+(?:up\s+to\s+)?\d|\bretention\b",
        ),
        (
            "availability",
            r"highly[- ]available|high\s+availability|never\s+(?:be\s+)?down|always\s+(?:up|on"
            r"|available)|no\s+single\s+point\s+of\s+failure|\b(?:three|four|five|[3-5])\s+nines",
        ),
        ("anonymity", r"\banonymous(?:ly)?\b|without\s+(?:an\s+)?account"),
        (
            "consistency",
            r"never\s+double[- ]charge|no\s+double[- ]booking|double[- ]booking|(?:sold|charged|"
            r"processed|filled|booked)\s+twice|exactly[- ]once|at[- ]least[- ]once|read[- ]your[- ]"
            r"own[- ]writes|strongly\s+consistent|must\s+stay\s+consistent|results\s+must\s+be\s+"
            r"exact|never\s+lost",
        ),
        (
            "ordering",
            r"\bin\s+order\b|price[- ]time\s+order|\bordered\b|time[- ]ordered|in\s+sequence",
        ),
        (
            "geography",
            r"multi[- ]region|data\s+residency|\b(?:in|within)\s+the\s+(?:EU|US|UK)\b|\bper\s+"
            r"(?:datacenter|region|country)\b|\b\d+\s+datacenters?\b",
        ),
        ("compliance", r"\bPCI\b|\bPII\b|\bGDPR\b|\bHIPAA\b|\bSOX\b|compliance|\baudit\b"),
        (
            "forbidden_technology",
            r"(?:don'?t|do\s+not|never|must\s+not|can'?t|cannot)\s+use\s+([A-Z][\w.+-]*)"
            r"|\bno\s+([A-Z][\w.+-]*)\s+allowed|(?:ops|we|team)\s+hates?\s+([A-Z][\w.+-]*)",
        ),
        (
            "external_quota",
            r"(?:allow|let|limit)s?\s+(?:us\s+)?(?:to\s+)?(?:send\s+|make\s+)?"
            r"(?:at\s+most\s+|only\s+)?\d[\d,.]*\s*[kKmM]?\s+" + _QUOTA_NOUNS + r"\b"
            r"|\bcaps?\s+us\s+at\s+\d|\bquota\s+of\s+\d|only\s+lets\s+us|politeness|robots\.txt"
            r"|no\s+more\s+than\s+\d+\s+requests?\s+per\s+second\s+per\s+(?:domain|host|site)",
        ),
    )
)
_RATE = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*([kKmM]?)\s+" + _QUOTA_NOUNS + r"\s*"
    r"(?:/|per|a|an|each)\s*(s|sec|second|min|minute|h|hour|day)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ConstraintSpec:
    """A constraint read from the task: kind, the sentence, and its bound if any."""

    kind: str
    statement: str
    within: Fraction | None = None  # seconds
    rate: Fraction | None = None  # per second
    technology: str | None = None

    def to_yaml(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "statement": self.statement}
        if self.within is not None:
            out["within"] = str(Duration(self.within))
        if self.rate is not None:
            out["rate"] = str(Rate(self.rate))
        if self.technology is not None:
            out["technology"] = self.technology
        return out


def read_constraints(text: str) -> list[ConstraintSpec]:
    """Every constraint the task states, in text order, one per kind and sentence."""
    found: list[ConstraintSpec] = []
    for start, end in sentences(text):
        sentence = text[start:end].strip(" -*\u2022")
        for kind, regex in _RULES:
            match = regex.search(sentence)
            if match is None:
                continue
            spec = ConstraintSpec(kind, quote(sentence, 160))
            if kind in ("freshness", "expiry"):
                near = sentence[match.start() :]  # the bound follows the words that set it
                within = _within(near) or _within(sentence)
                spec = ConstraintSpec(kind, spec.statement, within=within)
            elif kind == "external_quota":
                spec = ConstraintSpec(kind, spec.statement, rate=_quota(sentence))
            elif kind == "forbidden_technology":
                name = next(g for g in match.groups() if g)
                spec = ConstraintSpec(kind, spec.statement, technology=name)
            found.append(spec)
    return found


def _within(sentence: str) -> Fraction | None:
    """The time bound of a freshness or expiry constraint: hourly, within 30 s, after 30 days."""
    low = sentence.lower()
    for adverb, seconds in (("hourly", 3600), ("daily", 86_400), ("nightly", 86_400)):
        if adverb in low:
            return Fraction(seconds)
    match = re.search(
        r"(?:within|after|by\s+up\s+to|up\s+to|at\s+most|every|for|retention|ttl)\s+"
        r"(?:about\s+)?" + _NUMBER + r"\s*" + _UNIT + r"\b",
        low,
    )
    if match is None:
        once = re.search(
            r"\b(?:each|every|once\s+(?:an?|per)|once\s+every|per)\s+"
            r"(second|minute|hour|day|week|month|year)\b",
            low,
        )
        return _SECONDS[once.group(1)] if once is not None else None
    amount, unit = match.group(1), match.group(2)
    value = Fraction(_WORD_VALUES[amount]) if amount in _WORD_VALUES else Fraction(amount)
    if unit not in ("s", "ms"):
        unit = unit.rstrip("s")
    per_unit = _SECONDS.get(unit)
    return value * per_unit if per_unit is not None else None


def _quota(sentence: str) -> Fraction | None:
    match = _RATE.search(sentence)
    if match is None:
        return None
    count = Fraction(match.group(1).replace(",", ""))
    count *= {"k": 1000, "m": 10**6}.get(match.group(2).lower(), 1)
    unit = match.group(3).lower()
    per: Fraction | None = _SECONDS.get(unit if unit in ("s", "sec") else unit.rstrip("s"))
    return count / per if per else None


# --------------------------------------------------------------------------- decisions

_DECISIONS: dict[str, tuple[str, Principle, str, str]] = {
    # kind → (title, principle, choice, because)
    "storage_scale": (
        "Partition the data",
        Principle.DB,
        "shard the main store by its key from the start",
        "the task says the data does not fit on one machine",
    ),
    "freshness": (
        "Freshness decides batch or stream",
        Principle.EV,
        "results may lag by the stated bound: computed in the background, off the write path",
        "the task bounds how fresh results must be; work that may lag is batched",
    ),
    "expiry": (
        "Expiry and deletion",
        Principle.DB,
        "rows carry their expiry time (indexed); a scheduled job deletes what expired",
        "the task says data expires or must be deleted",
    ),
    "availability": (
        "High availability",
        Principle.FH,
        "availability target 99.99% unless stated: every stateful component on a request path "
        "gets a standby with automatic failover",
        "the task asks for a highly available system",
    ),
    "anonymity": (
        "Anonymous use",
        Principle.ST,
        "no account needed to create; abuse is limited per IP and per content hash",
        "the task allows anonymous users",
    ),
    "consistency": (
        "No duplicate effects",
        Principle.FH,
        "idempotency keys and unique constraints on the critical writes; fail closed",
        "the task forbids duplicates (double charges, double bookings, double processing)",
    ),
    "ordering": (
        "Ordering",
        Principle.EV,
        "order per key: one partition (or sequence) per conversation, instrument or key",
        "the task requires an order",
    ),
    "geography": (
        "Geography",
        Principle.DB,
        "data placed per region; cross-region traffic only where the task needs it",
        "the task names regions or data centres",
    ),
    "compliance": (
        "Compliance",
        Principle.FH,
        "sensitive fields tokenized or encrypted, access to them logged and audited",
        "the task names a compliance regime",
    ),
    "forbidden_technology": (
        "A technology the task rules out",
        Principle.ST,
        "the draft does not use it",
        "the task forbids it",
    ),
    "external_quota": (
        "External quota",
        Principle.OP,
        "calls to the third party go through a queue and workers throttled under its quota",
        "the task states a limit the third party enforces",
    ),
}


# A freshness bound this short, or "real time", is met on the write's own path: a batch
# could not run inside it.
_LIVE_BOUND = Fraction(1)
_LIVE = "results reach readers on the write's own path (pushed or written through), not batched"


def _live(spec: ConstraintLike) -> bool:
    if spec.within is not None:
        return spec.within <= _LIVE_BOUND
    statement = spec.statement.lower()
    return bool(re.search(r"real[- ]?time", statement)) and not re.search(
        r"\bnot\b[^.;]{0,25}real[- ]?time", statement
    )


def honour_constraints(ctx: Ctx) -> None:
    """One decision per kind of constraint the task states, naming the task's words."""
    seen: set[str] = set()
    for spec in ctx.constraints:
        if spec.kind in seen or spec.kind not in _DECISIONS or spec.kind in ctx.handled:
            continue
        seen.add(spec.kind)
        title, principle, choice, because = _DECISIONS[spec.kind]
        if spec.kind == "forbidden_technology" and spec.technology:
            name = spec.technology.lower()
            used = [c.id for c in ctx.comps.values() if c.tech and name in c.tech.lower()]
            choice = f"no {spec.technology}" + (
                f" (but {', '.join(used)} uses it: replace it)" if used else ""
            )
            if used:
                ctx.ledger.ask(f"The task rules out {spec.technology}: what replaces it in {used}?")
        if spec.kind == "freshness" and _live(spec):
            choice = _LIVE
        if spec.within is not None:
            choice += f" (bound: {horizon_text(spec.within)})"
        if spec.rate is not None:
            choice += f" (quota: {Rate(spec.rate)})"
        ctx.decide(
            f"constraint-{spec.kind.replace('_', '-')}",
            title,
            choice,
            principle,
            f'{because}: "{spec.statement}"',
        )
