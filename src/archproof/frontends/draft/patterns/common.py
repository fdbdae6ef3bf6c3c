"""Helpers every building block shares."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import PATTERN_SUBJECTS, retention_for_sizing
from archproof.frontends.draft.extract import Figure
from archproof.frontends.draft.lexicon import DAY, NOUNS
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import singular
from archproof.frontends.draft.things import action_counted, thing_counted
from archproof.numbers import rounded, sig
from archproof.units import Size

WRITES = ("write", "events")
# Blocks whose main job is another block's: scaling a web app is its create/read app.
_MAIN_JOB_OF = {"webapp": "crud"}
READS = ("read", "search")


def primary_rates(
    ctx: Ctx, pattern: str, noun: str | None = None
) -> tuple[Fraction, Fraction, str, str]:
    """Write and read rates for a block: the main load when it is the main block, or when
    the main write the task states is about the block's own entity `noun` ("5k reports a
    day" for a block creating reports, whichever block the classifier put first); else a
    rate the task states about the block's subjects, else one per daily active user."""
    load = ctx.load
    if carries_main_load(ctx, pattern, noun):
        return load.writes, load.reads, "the main write load", "the main read load"
    subjects = PATTERN_SUBJECTS.get(pattern, frozenset()) | ({noun} if noun else set())
    writes, wnote = ctx.rate(
        subjects,
        WRITES,
        lambda: ctx.dau() / DAY,
        f"{pattern} writes",
        "one per daily active user per day",
        f"{pattern}-writes",
    )
    return writes, writes * load.ratio, wnote, f"writes × {load.ratio} reads per write"


def carries_main_load(ctx: Ctx, pattern: str, noun: str | None = None) -> bool:
    """Whether a block's own rates are the task's main load (`primary_rates`): it is the
    main block, or the main write the task states is about its entity `noun`."""
    return (
        ctx.classification.primary == pattern
        or _MAIN_JOB_OF.get(ctx.classification.primary) == pattern
        or (noun is not None and ctx.load.primary_subject == noun)
    )


def stated_words(ctx: Ctx, pattern: str, noun: str | None = None) -> tuple[str, str]:
    """The task's own words for a block's main write and main read, when it carries the
    main load ("4B bounces/month" → bounce), else "": keywords that tie a target the task
    states in those words ("Bounce p99 < 20ms") to the operation carrying that rate."""
    if not carries_main_load(ctx, pattern, noun):
        return "", ""
    write, read = ctx.load.write_figure, ctx.load.read_figure
    return (
        write.subject or "" if write is not None else "",
        read.subject or "" if read is not None else "",
    )


def stated_reads(ctx: Ctx, pattern: str, noun: str | None = None) -> Figure | None:
    """The rate the task states for the reads a block carries ("Downloads: 1.5
    billion/week", "50 million comment section loads a day"), when they are the main read
    load (`carries_main_load`) taken from the task, not split from a total nor derived
    from the writes by a ratio."""
    fig = ctx.load.read_figure
    return fig if fig is not None and carries_main_load(ctx, pattern, noun) else None


def stated_action(ctx: Ctx, fig: Figure, actions: frozenset[str]) -> str | None:
    """The action a stated rate counts, one of `actions` (base forms): its subject's head
    ("Downloads: 1.5 billion/week" → download, "Publishes: ~40/min" → publish), else the
    verb its clause does it with ("Readers post roughly 500,000 comments a day" → post,
    "Visitors add items to the cart around 1,500 times per second" → add)."""
    said = ctx.load.extracted.reading.covering(fig.start)
    if not isinstance(said, Quantity) or not said.subject:
        return None
    head = singular(said.subject.split()[-1])
    # "Publishes: ~40/min" names the action; "10,000 posts a day" names a thing (a post is
    # written as itself), whose action is its clause's verb ("authors publish")
    if head in actions and NOUNS.get(head) != ("write", head):
        return head
    at = said.sentence.find(said.text)
    clause = re.split(r"[,;:]", said.sentence[: max(at, 0)])[-1]
    verbs = [w for w in re.findall(r"[a-z]+", clause.lower()) if w in actions]
    return verbs[-1] if verbs else None


def stated_thing(ctx: Ctx, fig: Figure) -> str | None:
    """The thing a stated rate counts (`things.thing_counted`: "two million events a day"
    → event), None when it counts an action or people."""
    said = ctx.load.extracted.reading.covering(fig.start)
    if not isinstance(said, Quantity) or not said.subject:
        return None
    return thing_counted(said.subject)


def stated_act(ctx: Ctx, fig: Figure) -> str | None:
    """The action a stated rate counts when the task records the actions as things of their
    own (`things.action_counted`: "swipe about 100 profile …, so swipes are the main load"
    → swipe), else None."""
    said = ctx.load.extracted.reading.covering(fig.start)
    if not isinstance(said, Quantity):
        return None
    return action_counted(said, ctx.text)


def stated_count(
    ctx: Ctx, heads: frozenset[str], *, near: Quantity | None = None
) -> Quantity | None:
    """A count the task states with no period ("5 datacenters", "50 friends per user")
    whose subject's last word is one of `heads` (singular): the first, or with `near` the
    one closest to it ("10M users, ... in the first 10 minutes, 1M people in the queue":
    the crowd of the window is the one beside it, not the user base)."""
    found = [
        item
        for item in ctx.load.extracted.reading.placed
        if item.unit == "count"
        and item.period is None
        and item.subject
        and singular(item.subject.split()[-1].lower()) in heads
    ]
    if near is None or not found:
        return found[0] if found else None
    return min(found, key=lambda item: abs(item.start - near.start))


def stated_rate(ctx: Ctx, heads: frozenset[str]) -> Quantity | None:
    """The first rate the task states about one of `heads` (its subject's last word)."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit != "count" or item.period is None or not item.subject:
            continue
        if singular(item.subject.split()[-1].lower()) in heads:
            return item
    return None


def rate_about(ctx: Ctx, heads: frozenset[str], verbs: str) -> Quantity | None:
    """The first rate the task states about one of `heads` (its subject's last word:
    "2M calls/day" → call), else the first whose clause does it with a verb matching the
    regex `verbs` ("We release to production about forty times a day" → release)."""
    rates = [
        q
        for q in ctx.load.extracted.reading.placed
        if q.unit == "count" and q.per_second is not None and q.subject
    ]
    for item in rates:
        if singular(item.subject.split()[-1].lower()) in heads:
            return item
    for item in rates:
        at = item.sentence.find(item.text)
        clause = re.split(r"[,;:]", item.sentence[: max(at, 0)])[-1]
        if re.search(rf"\b(?:{verbs})", clause, re.IGNORECASE):
            return item
    return None


def stated_peak(ctx: Ctx, said: Quantity) -> Quantity | None:
    """The peak the task states for the same thing as `said` ("Unlocks: ~250k/day avg, 60/s
    at the evening peak"): a rate with its subject, marked a peak."""
    return next(
        (
            q
            for q in ctx.load.extracted.reading.placed
            if q.peak and q.per_second is not None and q.subject == said.subject
        ),
        None,
    )


def no_generic_reads(ctx: Ctx, pattern: str) -> None:
    """Withdraw the generic read:write split when `pattern` is the main block and carries
    no reads by a ratio (its operations are its own: builds and releases, calls and
    joins), so no figure is printed that no operation carries."""
    if ctx.classification.primary != pattern or ctx.load.read_figure is not None:
        return
    ctx.ledger.withdraw("reads", "reads-derived")
    ctx.ledger.withdraw("writes", "writes-derived")  # a stated total split by that ratio
    ctx.ledger.withdraw("reads per write", "read-write-ratio", "What is the read:write ratio?")


def stated_average(ctx: Ctx, item: Quantity) -> tuple[Fraction, str]:
    """A stated rate as the average the operation carries, with a note quoting it: a
    stated peak is the peak, so the average is it ÷ the peak factor (the lowering
    multiplies back, once)."""
    rate = item.per_second
    assert rate is not None
    note = f'from the task: "{item.describe()}"'
    if item.peak:
        rate = rate / ctx.load.peak_factor
        note += f" (a peak) ÷ peak factor {sig(float(ctx.load.peak_factor), 6)}"
    return rate, note


def any_rate(ctx: Ctx) -> tuple[Fraction, str, Quantity] | None:
    """The task's first stated rate as an average per second (a stated peak ÷ the peak
    factor), with a note quoting it — the main load of a block whose job is one stream
    of requests (IDs, matches, lookups)."""
    rates = [f for f in ctx.load.extracted.all("rate") if not f.per_user]
    for item in ctx.load.extracted.reading.placed:
        if item.unit != "count":
            continue
        # "each job runs once an hour … 2 million jobs", "200 metrics every 10 seconds ×
        # 50,000 hosts": the extractor already made the total of a rate stated per thing
        # it counts; the block carries that figure, the one the requirements print, not
        # the rate of one thing
        total = next((f for f in rates if f.start == item.start), None)
        if total is not None and total.value != item.per_second:
            rate: Fraction | None = total.value
            note = f'from the task: "{total.quote}"'
            item = replace(item, per=None, peak=total.peak)
        else:
            rate, note = item.per_second, f'from the task: "{item.describe()}"'
        if rate is None:
            continue
        if item.peak:
            rate = rate / ctx.load.peak_factor
            note += f" ÷ peak factor {sig(float(ctx.load.peak_factor))}"
        return rate, note, item
    return None


def times_per(ctx: Ctx, item: Quantity) -> tuple[Fraction, str]:
    """A rate stated per something the task counts ("100k IDs/s per datacenter, 5
    datacenters"): the factor to the total, and the words that gave it (1 when not)."""
    if item.per is None:
        return Fraction(1), ""
    count = stated_count(ctx, frozenset({singular(item.per.split()[-1].lower())}))
    if count is None:
        return Fraction(1), ""
    return count.value, f" × {count.text} {count.subject}"


def work_duration(ctx: Ctx) -> Fraction | None:
    """How long one unit of work may take, when the task says ("some task take up to
    6 hours"): the longest duration stated in a clause about taking or running."""
    found = [
        item.value
        for item in ctx.load.extracted.reading.placed
        if item.unit == "seconds"
        and re.search(r"\b(?:takes?|taking|runs?\s+for|lasts?)\b", item.sentence, re.IGNORECASE)
    ]
    return max(found, default=None)


def stated_size(ctx: Ctx, *, at_least: int = 0, below: int | None = None) -> Fraction | None:
    """The first size in bytes the task states within the bounds ("each roughly four
    kilobytes", "2 TB hot set")."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit != "bytes" or item.value < at_least:
            continue
        if below is not None and item.value >= below:
            continue
        return item.value
    return None


def object_storage(ctx: Ctx, rate: Fraction, size: Fraction, what: str) -> None:
    """The object store's volume over the retention: `rate` new objects a second of `size`
    bytes each (the requirement the report and the summary show as "object storage")."""
    retention = retention_for_sizing(ctx.load, ctx.ledger)
    total = rate * retention * size
    stock(
        ctx,
        total,
        f"{per_s(float(rate))} {what} × {Size(size)} × "
        f"{sig(float(retention / (365 * DAY)), 3)} years",
    )


def stock(ctx: Ctx, total: Fraction, how: str) -> None:
    """A standing object-store volume (`how` says where it came from)."""
    if any(r.name == "object storage" for r in ctx.ledger.requirements):
        return
    ctx.ledger.derived("object storage", str(Size(rounded(float(total)))), how)
