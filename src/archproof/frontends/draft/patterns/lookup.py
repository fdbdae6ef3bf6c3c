"""Read-heavy lookups: the URL shortener and the generic create/read block."""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.entities import acted_template, make_entity, mutual_template
from archproof.frontends.draft.extract import _WORD, PER_ITEM, Figure, status_changed
from archproof.frontends.draft.lexicon import _READ_VERBS, _WRITE_VERBS, OUTSIDE_API, READ_ACTIONS
from archproof.frontends.draft.patterns.common import (
    carries_main_load,
    object_storage,
    primary_rates,
    stated_act,
    stated_action,
    stated_reads,
    stated_thing,
    stated_words,
)
from archproof.frontends.draft.patterns.slow_work import offload_slow_work
from archproof.frontends.draft.plan import CallSpec, OneOfSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.text import article, camel, quote, singular
from archproof.frontends.draft.things import entity_noun, is_action, thing_counted
from archproof.model import Principle
from archproof.numbers import sig


def shortener(ctx: Ctx) -> None:
    # "pastebin" or pastes of text, not "you paste a long link" (a URL shortener).
    # "Pastebin" by name is a paste service even when it hands out a "short link".
    paste = ctx.mentions(r"paste\s?bin") or (
        ctx.mentions(r"\bpastes\b|\bpaste\s+(?:text|service|site)")
        and not ctx.mentions(r"short(?:en)?\w*\s+(?:urls?|links?|one)|bit\.ly|tiny\s?url")
    )
    name = "Paste" if paste else "Link"
    noun = name.lower()
    writes, reads, wnote, rnote = primary_rates(ctx, "shortener")
    # the task's words for its creates and visits ("bounces") name their targets too
    said_write, said_read = stated_words(ctx, "shortener")
    ctx.entity(name)
    create = ctx.op(
        OpSpec(
            id=f"create_{noun}",
            description=f"POST /{noun}s: store a new short code for a long URL",
            pattern="shortener",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key=None,
            calls=ctx.front(
                f"create_{noun}",
                [
                    *(
                        [
                            CallSpec(
                                "blobs.put",
                                idempotent=True,
                                rationale="the paste text under its code: text is a blob, "
                                "not a row (up to megabytes, read whole)",
                            )
                        ]
                        if paste
                        else []
                    ),
                    ctx.db(
                        "write",
                        f"insert the {noun}; the unique key on code rejects a "
                        "collision, and the API retries with a new random code",
                    ),
                ],
            ),
            keywords=("create", "shorten", "write", "new", "paste", *filter(None, [said_write])),
        )
    )
    resolve = ctx.op(
        OpSpec(
            id=f"resolve_{noun}",
            description="GET /{code}: the paste's metadata, then its text from the object store"
            if paste
            else "GET /{code}: look up the code and redirect (HTTP 302, so clicks stay countable)",
            pattern="shortener",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front(
                "get_paste" if paste else "redirect",
                [
                    ctx.db("read", "point lookup by primary key (code)"),
                    *([CallSpec("blobs.get", idempotent=True)] if paste else []),
                ],
            ),
            keywords=(
                *("redirect", "resolve", "read", "lookup", "click", "get"),
                *filter(None, [said_read]),
            ),
        )
    )
    ctx.access(name, f"{noun}_by_code", "lookup", ("code",), None, resolve.id)
    if paste:
        _paste_storage(ctx)
        size = ctx.load.item_size
        if size is None:
            size = Fraction(10_000)
            ctx.ledger.assumed("paste size", "10KB", "a typical paste", "paste-size")
        object_storage(ctx, writes, size, "pastes")
    ctx.lookups.append((resolve.id, name))
    ctx.primary_write = ctx.primary_write or create.id
    ctx.primary_read = ctx.primary_read or resolve.id
    ctx.use_cases += [
        f"Shorten a long URL into a short {noun} code",
        "Redirect a short code to its long URL",
    ]
    ctx.ledger.ask("Custom aliases and expiry for links? Who may delete a link?")
    ctx.ledger.ask("Is click analytics needed (counts per link), and how fresh must it be?")


def _paste_storage(ctx: Ctx) -> None:
    """Paste text lives in the object store; expired pastes are deleted by a job."""
    ctx.comp("blobs")
    ctx.comp("worker")
    ctx.entity("PasteBody").stored_in = "blobs"
    ctx.op(
        OpSpec(
            id="expire_pastes",
            description="Scheduled job: delete expired pastes (metadata and text)",
            pattern="shortener",
            rate=Fraction(1, 3600),
            rate_note="hourly",
            sync=False,
            reads=False,
            idempotency_key="deleting what is already deleted is a no-op",
            calls=[
                CallSpec(
                    "worker.expire_pastes",
                    time={"lognormal": {"p50": "10s", "p99": "2min"}},
                    calls=[
                        ctx.db("read", "expired pastes by expires_at (index range)"),
                        CallSpec("blobs.delete", idempotent=True),
                        ctx.db("write", "delete the expired rows"),
                    ],
                )
            ],
            rationale="expiry is periodic background work, never part of a read",
        )
    )
    ctx.access("Paste", "pastes_expiring", "range", ("expires_at",), None, "expire_pastes")
    ctx.decide(
        "paste-text-in-object-store",
        "Paste text in the object store",
        "the database keeps code, owner and expiry; the text is an object under the code",
        Principle.DB,
        "texts up to megabytes are blobs read whole: rows stay small and the store is cheap",
        "blobs",
    )


# Verbs a main write may be named for, in the base form an operation's name takes
# ("Readers post … comments" → post_comment; not "placed", "sent", "new").
_WRITE_ACTIONS = frozenset(
    w
    for w in _WRITE_VERBS
    if not w.endswith("ed") and w not in ("new", "write", "written", "sent", "made")
)


def crud(ctx: Ctx) -> None:
    noun = entity_noun(ctx.text, ctx.load.extracted.reading)
    name = camel(noun) if noun else "Item"
    if name in ("User", "Item") and noun not in (None, "item"):
        name = "Item"
    key = name.lower()
    writes, reads, wnote, rnote = primary_rates(ctx, "crud", key)
    ctx.entity(name)
    # "3M parcels a day, each scanned ~6 times": the main write is the scan of a parcel
    act = next(
        (
            f.subject
            for f in ctx.load.extracted.all("rate")
            if f.note is not None
            and f.note.startswith(PER_ITEM)
            and f.subject == ctx.load.primary_subject
        ),
        None,
    )
    # "Publishes: ~40/min" for a package registry: the write is named for what is counted
    written = ctx.load.write_figure if carries_main_load(ctx, "crud", key) else None
    verb = stated_action(ctx, written, _WRITE_ACTIONS) if written else None
    # "a calendar service … People create roughly two million events a day": the write makes
    # the thing it counts, in the entity the system is named for
    part = stated_thing(ctx, written) if written and not act else None
    part = part if part != key else None
    if part is None and written is not None and not act and stated_act(ctx, written) == key:
        # the reader names the action with what it is done to ("swipe about 100 profile" →
        # 'profile swipes'): the thing is the word before the action
        part = _done_to(ctx, written, key)
    if part is not None:
        ctx.entity(camel(part))
    # "Each active user swipe about 100 profile …, so swipes are the main load": the entity
    # is the action, each one recorded against the thing it is done to (a swipe of a profile)
    acted = part if part is not None and written and stated_act(ctx, written) == key else None
    if acted:  # its fields are who did it to which thing, not the generic title and body
        # (made over the generic one drafted above; User and the thing exist already)
        ctx.entities[name] = make_entity(name, "db", acted_template(key, acted))
    mutual = _mutual(ctx, key) if acted else None
    # a template's own owner field (an Order's user_id), else the generic template's
    fields = ctx.entities[name].fields
    owner = next((f for f, spec in fields.items() if spec == "ref(User)"), "owner_id")
    # "The status of beds change around 20,000 time per day": the write sets a bed's
    # status (and keeps its history), it makes no new bed
    counted = ctx.load.extracted.reading.covering(written.start) if written else None
    status = isinstance(counted, Quantity) and status_changed(counted) == key and not acted
    write_id = (
        f"update_{key}_status"
        if status
        else f"{act}_{key}"
        if act
        else f"{key}_{acted}"
        if acted
        else f"{verb or 'create'}_{part or key}"
    )
    create = ctx.op(
        OpSpec(
            id=write_id,
            description=f"PUT /{key}s/{{id}}/status: set the status of {article(key)}"
            if status
            else f"POST /{key}s/{{id}}/{act}s: record {article(act)} of {article(key)}"
            if act
            else f"POST /{acted}s/{{id}}/{key}s: record {article(key)} of {article(acted)}"
            if acted
            else f"POST /{key}s/{{id}}/{part}s: {verb or 'create'} {article(part)} in "
            f"{article(key)}"
            if part
            else f"POST /{key}s: {verb or 'create'} {article(key)}",
            pattern="crud",
            rate=writes,
            rate_note=wnote,
            reads=False,
            calls=ctx.front(
                write_id,
                [
                    *_outside_checks(ctx),
                    ctx.db(
                        "write",
                        f"set the {key}'s status and append the change to its history, in one "
                        "transaction"
                        if status
                        else f"append the {act} to the {key}"
                        if act
                        # on the primary, in one transaction: a replica could miss a reverse
                        # action made a moment ago, and two on each other would make no pair
                        else f"insert the {key} and read the reverse one (the other user's "
                        f"{key} on this user's {acted}) in one transaction"
                        if acted and mutual
                        else f"insert the {key if acted else part or key}",
                    ),
                    *(_mutual_calls(ctx, key, acted, mutual, write_id) if acted and mutual else []),
                ],
            ),
            keywords=(
                "create",
                "write",
                "add",
                "post",
                *(w for w in (act, verb) if w),
                *(("update", "status", "change") if status else ()),
            ),
        )
    )
    # Stated reads are the reads: one operation carries the figure, never an assumed share
    # of it. Things followed by the actions recorded on them ("each parcel is scanned ~6
    # times", a tracking service) are tracked: the read is named so; else it is named for
    # the read the task counts ("Downloads: 1.5 billion/week" → download_package).
    said = stated_reads(ctx, "crud", key)
    stated = said is not None
    track = act is not None and ctx.mentions(r"\btrack")
    look = "track" if track else stated_action(ctx, said, READ_ACTIONS) if said else None
    # the things swiped are what people read, one at a time; their swipes are listed
    shown = acted or key
    read_id = f"{look or 'get'}_{shown}"
    # the board the task names shows every thing's status: it is the read, all of it
    board = status and ctx.mentions(r"\bboards?\b")
    if board:
        read_id = f"view_{key}_board"
    get = ctx.op(
        OpSpec(
            id=read_id,
            description=f"GET /{key}s?status=: the board of the {key}s and their status"
            if board
            else f"GET /{key}s/{{id}}: track {article(key)} (its {act}s so far)"
            if track
            else f"GET /{shown}s/{{id}}: read one {shown}",
            pattern="crud",
            rate=reads if stated or board else reads * Fraction(4, 5),
            rate_note=f'{rnote}, as the task states it ("{ctx.load.read_quote}")'
            if stated
            else rnote + "; every read is of the board"
            if board
            else rnote + "; 80% single reads (assumed)",
            calls=ctx.front(
                read_id,
                [
                    ctx.db(
                        "read",
                        f"the current status of each {key}"
                        if board
                        else "point lookup by primary key",
                    )
                ],
            ),
            keywords=(
                "read",
                "get",
                "view",
                "lookup",
                "load",
                "page",
                *((look,) if look else ()),
                *(("board", "list") if board else ()),
            ),
        )
    )
    if not board:
        ctx.access(camel(shown), f"{shown}_by_id", "lookup", ("id",), None, get.id)
        ctx.lookups.append((get.id, camel(shown)))
    if not board and not stated:
        listing = ctx.op(
            OpSpec(
                id=f"list_{key}s",
                description=f"GET /users/{{id}}/{key}s: a user's {key}s, newest first",
                pattern="crud",
                rate=reads * Fraction(1, 5),
                rate_note=rnote + "; 20% list pages (assumed)",
                calls=ctx.front(f"list_{key}s", [ctx.db("read", "range scan on the owner index")]),
                keywords=("list", "browse", "history"),
            )
        )
        ctx.access(name, f"{key}s_by_owner", "range", (owner,), "created_at", listing.id)
    _reads_per_thing(ctx, key, writes)
    if written is not None:
        _acts_of_parties(ctx, key, written, writes)
    offload_slow_work(ctx, create.id, key)
    ctx.primary_write = ctx.primary_write or create.id
    ctx.primary_read = ctx.primary_read or get.id
    made = (
        f"Set the status of {article(key)}"
        if status
        else f"Record {article(act)} of {article(key)}"
        if act
        else f"Record {article(key)} of {article(acted)}"
        if acted
        else f"{(verb or 'create').capitalize()} {article(part or key)}"
    )
    ctx.use_cases += [
        made,
        f"See the board of the {key}s and their status"
        if board
        else f"Track {article(key)}"
        if track
        else f"Read {article(shown)}",
    ]
    if not board and not stated:
        ctx.use_cases.append(f"List a user's {key}s")


# Assumed: one action in a hundred completes a mutual pair (a match), when the task does
# not say how often.
MUTUAL_SHARE = Fraction(1, 100)
_EACH_OTHER = re.compile(r"\beach\s+other\b|\bone\s+another\b|\bmutual(?:ly)?\b", re.I)
_IS_A = re.compile(r"\b(?:is|it's|makes?|becomes?|forms?|creates?)\s+an?\s+([a-z]+)", re.I)


def _done_to(ctx: Ctx, fig: Figure, action: str) -> str | None:
    """The thing an action counted with it is done to ('profile swipes' → profile)."""
    said = ctx.load.extracted.reading.covering(fig.start)
    words = said.subject.lower().split() if isinstance(said, Quantity) and said.subject else []
    if len(words) < 2 or singular(words[-1]) != action:
        return None
    thing = singular(words[-2])
    return thing if thing.isalpha() and thing != action else None


def _mutual(ctx: Ctx, action: str) -> str | None:
    """What two people's actions on each other make, when the task says so ("When two
    person swipe right on each other it is a match" → match), else None."""
    for sentence in re.split(r"(?<=[.!?])\s+", ctx.text):
        if _EACH_OTHER.search(sentence) and re.search(rf"\b{action}", sentence, re.I):
            named = _IS_A.search(sentence)
            return singular(named.group(1)) if named else f"mutual_{action}"
    return None


def _mutual_calls(
    ctx: Ctx, action: str, target: str, mutual: str, op_id: str
) -> list[CallSpec | OneOfSpec]:
    """On the action that completes a pair (its write found the reverse action), the
    pair's row and a notification to each of its two users (the notifications block adds
    the enqueue, `notify_share`: 2 × the assumed share of actions that complete a pair)."""
    name = camel(mutual)
    ctx.entity(name, mutual_template(action))
    ctx.access(
        camel(action),
        f"{action}_by_user_and_{target}",
        "lookup",
        ("user_id", f"{target}_id"),
        None,
        op_id,
    )
    share = MUTUAL_SHARE
    ctx.ledger.assumed(
        f"{mutual}es" if mutual.endswith(("ch", "sh", "s", "x")) else f"{mutual}s",
        f"{share} of {action}s",
        f"one {action} in {share.denominator} meets the reverse {action}",
        f"{mutual}-share",
        f"What share of {action}s makes {article(mutual)}?",
    )
    ctx.notify_sources.append(op_id)
    ctx.notify_share[op_id] = str(2 * share)  # both users of the pair are notified
    ctx.use_cases.append(f"Make {article(mutual)} when two {action}s meet, and notify both")
    return [
        ctx.db("write", f"insert the {name} ({action}s on each other)", p=str(share)),
    ]


def _reads_per_thing(ctx: Ctx, key: str, writes: Fraction) -> None:
    """Reads the task states against each of the block's things ("roughly 30 menu views for
    every order placed"): an operation of their own, named for the read and the thing read
    (view_menu), at the stated ratio × the things' rate, not an assumed share of the reads."""
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "ratio" or q.per is None or singular(q.per.split()[-1]) != key:
            continue
        words = [w.lower() for w in _WORD.findall(q.subject)]
        if len(words) < 2 or singular(words[-1]) not in READ_ACTIONS:
            continue
        action, thing = singular(words[-1]), singular(words[-2])
        if not thing.isalpha() or is_action(thing) or thing == key:
            continue
        op_id = f"{action}_{thing}"
        ctx.entity(camel(thing))
        read = ctx.op(
            OpSpec(
                id=op_id,
                description=f"GET /{thing}s/{{id}}: {action} {article(thing)}",
                pattern="crud",
                rate=writes * q.value,
                rate_note=f'{sig(float(q.value))} per {key} ("{quote(q.describe())}") × the '
                f"{key} writes",
                calls=ctx.front(op_id, [ctx.db("read", "point lookup by primary key")]),
                keywords=(action, thing, "read"),
            )
        )
        ctx.access(camel(thing), f"{thing}_by_id", "lookup", ("id",), None, read.id)
        ctx.lookups.append((read.id, camel(thing)))
        ctx.use_cases.append(f"{action.capitalize()} {article(thing)}")


def _acts_of_parties(ctx: Ctx, key: str, written: Figure, writes: Fraction) -> None:
    """Parties counted per written thing who each act on it, the action named in the task
    too ("avg 3 signers each" envelope, "Sign p99 < 500ms"): an operation for the action at
    the things' rate × the parties, each recorded once per party (a retry is a no-op)."""
    thing = thing_counted(written.subject) if written.subject else None
    for q in ctx.load.extracted.reading.placed:
        if q.unit != "count" or q.per is None or q.per_second is not None or not q.subject:
            continue
        if thing is None or singular(q.per.split()[-1]) != thing:
            continue
        words = [w.lower() for w in _WORD.findall(q.subject)]
        verb = _agent_verb(singular(words[-1])) if words else None
        if verb is None or not ctx.mentions(rf"\b(?:un)?{verb}(?:e?s|e?d|ing)?\b"):
            continue
        if verb in READ_ACTIONS or verb in _READ_VERBS:
            continue  # viewers view: reads, nothing recorded per party
        party = singular(words[-1])
        op_id = f"{verb}_{key}"
        ctx.entity(camel(party))
        ctx.op(
            OpSpec(
                id=op_id,
                description=f"POST /{key}s/{{id}}/{verb}: one {party} {verb}s {article(key)}",
                pattern="crud",
                rate=writes * q.value,
                rate_note=f'{sig(float(q.value))} {party}s per {key} ("{quote(q.describe())}") '
                f"× the {key} writes",
                reads=False,
                idempotency_key=f"({key} id, {party} id) unique: a repeated {verb} is a no-op",
                calls=ctx.front(
                    op_id,
                    [ctx.db("write", f"record the {party}'s {verb} against the {key}")],
                ),
                keywords=(verb,),
            )
        )
        ctx.use_cases.append(f"Each {party} {verb}s {article(key)}")


def _agent_verb(noun: str) -> str | None:
    """The action an agent noun names ('signer' → sign, 'reviewer' → review, 'approver' →
    approve, 'auditor' → audit), or None when the noun names no doer."""
    if len(noun) < 5 or not noun.endswith(("er", "or")):
        return None
    stem = noun[:-2]
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        stem = stem[:-1]  # bidder → bid
    if stem.endswith(("v", "at", "c", "u", "ut")):
        stem += "e"  # approver → approve, validator → validate, producer → produce
    return stem


def _outside_checks(ctx: Ctx) -> list[CallSpec]:
    """A call to the outside API the task names, guarded (breaker, fail closed: what it
    checks is not written unchecked), before the write; none when the task names none."""
    # providers of payments, SMS and email are their own blocks' (OUTSIDE_API names none)
    sentences = re.split(r"(?<=[.!?])\s+", ctx.text)
    sentence = next((s for s in sentences if OUTSIDE_API.search(s)), None)
    if sentence is None:
        return []
    api = ctx.external("outside_api", f'the outside API the task names ("{quote(sentence)}")')
    return [
        CallSpec(
            f"{api}.check",
            idempotent=True,
            breaker=True,
            on_failure="fail_closed",
            rationale=f'the task: "{quote(sentence)}"; what it checks is not written unchecked',
        )
    ]
