"""Fresh exercises the drafter was not tuned on, checked like the corpus (`test_corpus.py`):
three classic ones (`corpus/fresh.yaml`, keys committed before the drafter was run on them in
a6453e6) and a second batch of four systems that are not among the corpus's building blocks
(`corpus/fresh2.yaml`, keys committed before the drafter was run on them in 8d06b89) and
a third batch of three (`corpus/fresh3.yaml`, keys committed before the drafter was run on
them in 85755eb) and a fourth batch of four (`corpus/fresh4.yaml`, keys committed before the
drafter was run on them in 18fd68b) and a fifth batch of five (`corpus/fresh5.yaml`, keys
committed before the drafter was run on them in 03c20d0) and a sixth batch of five whose
tasks state a rate for their main action (`corpus/fresh6.yaml`, keys committed before the
drafter was run on them in 0f4d0bf; their `rates` are checked against the lowered model's
operation rates) and a seventh batch of six, an outsider's tries on systems in none of the
earlier batches, each stating a rate for its main action (`corpus/fresh7.yaml`, keys committed
before the drafter was run on them in c444216) and an eighth batch of six, an outsider's tries
on systems in none of the earlier batches, each stating a rate for its main action
(`corpus/fresh8.yaml`, keys committed before the drafter was run on them in 91c4912) and a
ninth batch of six, an outsider's tries on systems in none of the earlier batches, each stating
a rate for its main action (`corpus/fresh9.yaml`, keys committed before the drafter was run on
them in ff3212f) and a tenth batch of six, three classic systems asked in unusual words and three
systems in none of the earlier batches, each stating a rate for its main action
(`corpus/fresh10.yaml`, keys committed before the drafter was run on them in 0108ac0) and an
eleventh batch of six, two classic systems asked in unusual words and four systems in none of the
earlier batches, each stating a rate for its main action (`corpus/fresh11.yaml`, keys committed
before the drafter was run on them in 00b8e98, two key subjects fixed in 26fd727). What fails is
marked xfail with the gap it shows; these are the drafter's open problems on tasks it was not tuned
on, not keys to edit.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from test_corpus import _NUMBER_TOKEN, clean_problems, component_mismatches, key_mismatches

from archproof.frontends.draft import Draft, draft
from archproof.frontends.draft.quantities import read_quantities
from archproof.frontends.draft.text import normalize

FRESH: list[dict[str, Any]] = [
    task
    for name in (
        "fresh.yaml",
        "fresh2.yaml",
        "fresh3.yaml",
        "fresh4.yaml",
        "fresh5.yaml",
        "fresh6.yaml",
        "fresh7.yaml",
        "fresh8.yaml",
        "fresh9.yaml",
        "fresh10.yaml",
        "fresh11.yaml",
    )
    for task in YAML(typ="safe").load(
        (Path(__file__).with_name("corpus") / name).read_text("utf-8")
    )
]
_BY_ID = {t["id"]: t for t in FRESH}

XFAIL_NUMBERS: dict[str, str] = {
    # fresh9's first run (keys in ff3212f, gamestate-rambling's inputs' op words fixed in 3b8e87a)
    "beds-nonnative": "'About 5,000 nurse look on the bed board, every nurse around 40 time in "
    "a day' read with the subject 'nurse' (the one who acts), not the 40 board views each nurse "
    "makes: the clause names no act, it is the verb of the clause before (the per-nurse, once "
    "read per 'bed' from 'every bed' in the next sentence, is fixed; so are the first run's "
    "factor of 'discharges', 'show latency' and uptime read as 'time')",
    # fresh10's first run (keys in 0108ac0)
    "tinycodes-terse": "'peak 6x avg' read as a factor with the subject 'avg', not the bounces' "
    "peak; 'Codes live 5 yrs' read as a 'live duration', not the codes' lifetime",
    "webvisitor-words": "'No website may get more than thirty requests a minute' read as 30 "
    "requests a minute in all, not per website; 'grows to around five billion' left unplaced "
    "(the 5 billion addresses waiting to be visited: the noun is before the verb)",
    "refills-bullets": "'70% of them arrive within 4 hours in the morning' read with the subject "
    "'them arrive', not the refill requests the pronoun stands for, and '4 hours' as an 'arrive "
    "delay', not the morning window the 70% arrive in",
    "livescores-rambling": "'reach the phones of everybody following that game in under 2 "
    "seconds' read as a 'game latency', not the updates' delivery delay; 'a big derby can have 5 "
    "million followers' read per user, not one game's followers; '8 million of them are "
    "connected' read with the subject 'them', not the connected users; 'like 150 million times "
    "on a Saturday' read as a factor of 150 million with the subject 'like', not 150 million "
    "scores-screen opens a day",
    "coursesignup-mixed": "'add/drop runs 2 wks' read as a count of 2 'wks', not a duration of "
    "two weeks",
    # fresh11's first run (keys in 00b8e98, two key subjects fixed in 26fd727)
    "gatekeeper-words": "'A partner may make at most six hundred calls a minute and at most "
    "fifty thousand calls a day' read without a per: all calls, not each partner's allowance",
    "standings-terse": "'final table archived 1 yr' read with the subject 'archived duration', "
    "not the final table's retention",
    "helpdesk-bullets": "'Monday mornings run at 3x the daily average' read as a factor with "
    "the subject 'run', not the peak of new tickets (the draft's peak factor is an assumed 3x "
    "that equals the stated one by coincidence)",
    "faretaps-nonnative": "'In a normal day is around 4 million tap' read without its period: a "
    "count of 4 million taps, not 4 million a day",
    "telethon-rambling": "'last year we hit 90 donations a second at the top' read as an average "
    "per 'december' (from 'every December'), not a peak; 'plan for 150 a second this time' read "
    "as an average with the subject 'plan', not the telethon's peak of donations; 'should never "
    "be more than 10 seconds behind' read as a 'tv duration', not the running total's delay",
}
XFAIL_COMPONENTS: dict[str, str] = {
    "labresults-plain": "classified media: the reports' PDFs go to an object store whose "
    "operations are named for media (get_media, process_media), nothing names the reports; "
    "(the first run's 'scheduled_report' batch job, from the word 'reports', is fixed)",
    "auction-bullets": "classified crud over bids (create_bid 50/s, 2,000/s at peak, as "
    "stated): no conditional bid logic, no worker to close auctions at their end",
    # fresh6's first run (keys in 0f4d0bf)
    "votes-words": "no queue and no worker: 50k votes a second at peak go straight to the "
    "database (create_vote), not buffered and counted in the background",
    # fresh8's first run (keys in 91c4912)
    # fresh9's first run (keys in ff3212f, gamestate-rambling's inputs' op words fixed in 3b8e87a)
    # fresh10's first run (keys in 0108ac0)
    # fresh11's first run (keys in 00b8e98, two key subjects fixed in 26fd727)
}
XFAIL_CLEAN: dict[str, str] = {
    # fresh8's first run (keys in 91c4912); msgqueue-bullets' (its messages, 2 KB on
    # average, put to an object store for their stated maximum of 256 KB, missing the 100 ms
    # p99) passes since the maximum no longer makes the blobs; nearby-mixed's (the searches'
    # 'p95 under 200ms' applied to the photo upload too, OP001) since a target under a label
    # ('Searches: ...') is that label's operations'
    # fresh9's first run (keys in ff3212f, gamestate-rambling's inputs' op words fixed in 3b8e87a);
    # esign-terse's passes since the signers' action is sign_envelope, which carries the
    # 'Sign p99 < 500ms' instead of create_envelope's inline PDF put
    # fresh10's first run (keys in 0108ac0)
    "tinycodes-terse": "the bounces are drafted as database writes (create_bounce, 9,259/s at "
    "peak) and carry the stated 'Bounce p99 < 20ms': p99 27.6 ms at peak (OP009), 'db.write' "
    "alone 25 ms at p99 (OP008); a bounce is a read of the code's address",
    # fresh11's first run (keys in 00b8e98, two key subjects fixed in 26fd727); gatekeeper-words'
    # passes since the gatekeeper is a rate limiter whose check carries the 5 ms
}
# fresh6's first run (keys in 0f4d0bf): every stated figure is now an operation's rate, and
# the operation carrying it is named for the action (the key finds it by a word of its id).
XFAIL_RATES: dict[str, str] = {
    # fresh8's first run (keys in 91c4912)
    # fresh9's first run (keys in ff3212f, gamestate-rambling's inputs' op words fixed in 3b8e87a)
    # esign-terse's passes since sign_envelope carries 5M envelopes a month x 3 signers;
    # beds-nonnative's since update_bed_status carries the status changes and
    # view_bed_board all the reads; but the board's 200,000 a day is the assumed 10:1 of the
    # 20,000 changes, equal to the key's 5,000 nurses x 40 by coincidence: the number reader
    # reads '40 time in a day' per bed with the subject 'nurse' (XFAIL_NUMBERS)
    "loyalty-words": "earn_points carries 13.9/s and 41.7/s at peak (the peak from an assumed "
    "3x, 'not in the task', which equals the stated 'three times the daily average'), but "
    "get_balance carries an assumed 10 reads per earn (139/s), not 4M members twice a week "
    "(13.2/s): the number reader reads 'twice a week' as 2 'app' a week, not per member (see "
    "XFAIL_NUMBERS)",
    # fresh10's first run (keys in 0108ac0)
    "tinycodes-terse": "no operation creates a code: the 40M new codes a month (15.4/s) are "
    "carried by none; the bounces are create_bounce's (1,543/s, 9,259/s at peak: the key's "
    "figures, but as writes of a 'Bounce' row), and get_bounce reads 12,346/s from an assumed "
    "10:1",
    "webvisitor-words": "no fetch operation: the 300M pages a day (3,472/s) are save_document's, "
    "a client saving documents into a search index, and search_documents reads 34,722/s from an "
    "assumed 10:1",
    "livescores-rambling": "no update-intake or scores-screen operation: the provider's 150 "
    "updates/s at peak are create_post's (a feed's posts, the average assumed as the peak / 3), "
    "and get_feed reads 5,000/s from an assumed 100:1, not the 150M scores-screen opens on a "
    "Saturday (1,736/s)",
    "coursesignup-mixed": "one 'run' operation at an assumed 1,000/s: no add operation, the 250 "
    "adds/s of the rush (30k students x 5 adds in 10 min) are carried by none",
    # fresh11's first run (keys in 00b8e98, two key subjects fixed in 26fd727)
    "helpdesk-bullets": "no reply operation: the 5 replies per ticket (30,000 a day, 0.347/s) "
    "are carried by none; create_ticket carries the 6,000 new tickets a day right (0.0694/s, "
    "0.208/s at peak)",
    "faretaps-nonnative": "upload_taps avg 600/s: the stated 1,800/s at peak / an assumed 3x, "
    "not the 4 million taps a day (46.3/s), read without its period (see XFAIL_NUMBERS)",
    "telethon-rambling": "create_donation carries the 2,000 donations a day (0.0231/s) but at "
    "an assumed 3x peak (0.0694/s), not the telethon's stated 150/s: 'plan for 150 a second "
    "this time' is read as an average with the subject 'plan' (see XFAIL_NUMBERS)",
}


def _ids(table: dict[str, str]) -> list[Any]:
    return [
        pytest.param(t["id"], marks=pytest.mark.xfail(reason=table[t["id"]], strict=True))
        if t["id"] in table
        else t["id"]
        for t in FRESH
    ]


@functools.cache
def _draft(task_id: str) -> Draft:
    return draft(_BY_ID[task_id]["task"])


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@pytest.mark.parametrize("task_id", [t["id"] for t in FRESH])
def test_every_name_the_draft_makes_is_an_identifier(task_id: str) -> None:
    """Entities, components and operations become class names, table names and routes: the
    fresh9 game task drafted an entity ',Blob' (a size's subject began with a comma)."""
    design = _draft(task_id).design
    names = [
        *(e.id for e in design.entities),
        *(c.id for c in design.components),
        *(o.id for o in design.operations),
    ]
    assert [n for n in names if not _IDENTIFIER.fullmatch(n)] == []


@pytest.mark.parametrize("task_id", [t["id"] for t in FRESH])
def test_every_number_token_is_placed_or_unplaced(task_id: str) -> None:
    text = normalize(_BY_ID[task_id]["task"])
    reading = read_quantities(text)
    dropped = [
        m.group(0) for m in _NUMBER_TOKEN.finditer(text) if reading.covering(m.start()) is None
    ]
    assert dropped == []


@pytest.mark.parametrize("task_id", _ids(XFAIL_NUMBERS))
def test_numbers_match_the_key(task_id: str) -> None:
    task = _BY_ID[task_id]
    assert key_mismatches(task, read_quantities(normalize(task["task"]))) == []


@pytest.mark.parametrize("task_id", _ids(XFAIL_COMPONENTS))
def test_main_components_are_drafted(task_id: str) -> None:
    assert component_mismatches(_BY_ID[task_id], _draft(task_id)) == []


@pytest.mark.parametrize("task_id", _ids(XFAIL_CLEAN))
def test_draft_checks_and_reviews_clean(task_id: str) -> None:
    assert clean_problems(_draft(task_id)) == []


def rate_mismatches(task: dict[str, Any], drafted: Draft) -> list[str]:
    """Each stated rate of the key (`rates`: average and/or peak per second of an operation
    found by a word of its id) against the lowered model's figure for that operation."""
    from archproof.passes.lower import QueueingModel
    from archproof.pipeline import run

    model = run(drafted.design, passes=("lower",)).get(QueueingModel)
    assert model is not None
    ops = [op.id for op in drafted.design.operations if op.sync]
    wrong: list[str] = []
    for want in task["rates"]:
        found = [o for o in ops if any(w in o for w in want["op"])]
        if not found:
            wrong.append(f"no operation named {'/'.join(want['op'])} among {ops}")
            continue
        rate = model.rate(found[0])
        for field, got in (
            ("avg", rate.average),
            ("peak", rate.peak if rate.offered is None else rate.offered),
        ):
            if field in want and abs(float(got) - float(want[field])) > 0.01 * float(want[field]):
                wrong.append(f"{found[0]} {field} {float(got):.4g}/s, key {want[field]}/s")
    return wrong


_WITH_RATES = [t for t in FRESH if "rates" in t]


@pytest.mark.parametrize(
    "task_id",
    [
        pytest.param(t["id"], marks=pytest.mark.xfail(reason=XFAIL_RATES[t["id"]], strict=True))
        if t["id"] in XFAIL_RATES
        else t["id"]
        for t in _WITH_RATES
    ],
)
def test_stated_rates_are_the_operations_rates(task_id: str) -> None:
    assert rate_mismatches(_BY_ID[task_id], _draft(task_id)) == []
