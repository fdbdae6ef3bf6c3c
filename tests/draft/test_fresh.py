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
(`corpus/fresh10.yaml`, keys committed before the drafter was run on them in 0108ac0). What
fails is marked xfail with the gap it shows; these are the drafter's open problems on tasks it
was not tuned on, not keys to edit.
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
}
XFAIL_COMPONENTS: dict[str, str] = {
    # fresh6's first run (keys in 0f4d0bf)
    # fresh8's first run (keys in 91c4912)
    # fresh9's first run (keys in ff3212f, gamestate-rambling's inputs' op words fixed in 3b8e87a)
    # fresh10's first run (keys in 0108ac0)
    "tinycodes-terse": "no cache: the 9,259 bounces/s at peak (resolve_link, a read since "
    "'bounces visitors on to the original' sends people on) fit one database node under "
    "50% at peak, compose's threshold for a cache, and resolve_link's p99 (14.6 ms) meets "
    "the 20 ms target; the key puts a cache in front of the bounces (100:1 reads)",
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
    "livescores-rambling": "ingest_update carries the provider's 150 updates/s at peak "
    "(3,000 games at once ÷ one each 20 s), but view_games reads an assumed 10 opens per "
    "update (500/s), not the 150M scores-screen opens on a Saturday (1,736/s): the number "
    "reader reads 'like 150 million times' as a factor (see XFAIL_NUMBERS)",
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
    # a system whose main job runs in the background (a crawler's fetches) carries its
    # stated rate on that job: a request named for the action first, else the job
    jobs = [op.id for op in drafted.design.operations if not op.sync]
    wrong: list[str] = []
    for want in task["rates"]:
        found = [o for o in ops if any(w in o for w in want["op"])] or [
            o for o in jobs if any(w in o for w in want["op"])
        ]
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
