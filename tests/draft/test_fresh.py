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
them in ff3212f). What fails is marked xfail with the gap it shows; these are the drafter's open
problems on tasks it was not tuned on, not keys to edit.
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
    "proctoring-bullets": "classified as crud over 'taken' (from '2 million exams taken a year': "
    "create_taken, get_taken, list_takens): no object store, queue or worker, nothing takes the "
    "webcam snapshots or checks them, no autosave",
    "beds-nonnative": "classified as payments (create_payment at the 20,000 bed status changes a "
    "day, get_payment, provider_webhook, a payment provider): nothing names the beds or wards",
    "loyalty-words": "classified as crud over purchases (create_purchase, get_purchase, "
    "list_purchases): nothing holds the points, their ledger or the members' balances, no "
    "redeem",
    "meterbilling-mixed": "classified as payments plus telemetry: the worker applies payment "
    "provider events and writes readings, nothing runs the monthly bills (create_payment carries "
    "5,556/s from 'event writes 20M/h', read from '5M meters', the 3.5M cut at its point)",
}
XFAIL_CLEAN: dict[str, str] = {
    # fresh8's first run (keys in 91c4912); msgqueue-bullets' (its messages, 2 KB on
    # average, put to an object store for their stated maximum of 256 KB, missing the 100 ms
    # p99) passes since the maximum no longer makes the blobs; nearby-mixed's (the searches'
    # 'p95 under 200ms' applied to the photo upload too, OP001) since a target under a label
    # ('Searches: ...') is that label's operations'
    # fresh9's first run (keys in ff3212f, gamestate-rambling's inputs' op words fixed in 3b8e87a)
    "esign-terse": "the stated 'Sign p99 < 500ms' is applied to create_envelope, which puts the "
    "PDF (1.5 MB) to the object store inline: 'blobs.put' alone takes 300 ms at p99, 60% of the "
    "SLO (OP008)",
    "gamestate-rambling": "drafted as matchmaking, which the task says is done; the 80 ms round "
    "trip is applied to request_match and get_ticket, which put and get a 5 MB blob each (the "
    "replays' 5 MB, now read as the replay size, taken as the tickets' blobs): p99 303 ms and "
    "202 ms at peak (OP009), 'blobs.put' 67.3 ms (OP001)",
}
# fresh6's first run (keys in 0f4d0bf): every stated figure is now an operation's rate, and
# the operation carrying it is named for the action (the key finds it by a word of its id).
XFAIL_RATES: dict[str, str] = {
    # fresh8's first run (keys in 91c4912)
    # fresh9's first run (keys in ff3212f, gamestate-rambling's inputs' op words fixed in 3b8e87a)
    "proctoring-bullets": "no snapshot, autosave or start operation: the ops are create_taken "
    "(the 2M exams a year, 0.0634/s, the key's start rate under a name it does not find), "
    "get_taken and list_takens; the 6,000 snapshots/s and 2,000 autosaves/s at peak are "
    "carried by none",
    "esign-terse": "create_envelope carries 1.93/s and 5.56/s at peak as stated, but no sign "
    "operation: the 3 signers' 15M signatures a month (5.79/s) are carried by none",
    "beds-nonnative": "no status update or bed-board operation: the 20,000 changes a day are "
    "create_payment's (0.231/s, 0.694/s at peak from an assumed 3x, not the stated 4x: "
    "0.926/s), and the 200,000 board views a day (2.31/s) are carried by none",
    "loyalty-words": "create_purchase carries 13.9/s and 41.7/s at peak (the peak from an "
    "assumed 3x, 'not in the task', which equals the stated 'three times the daily average'), "
    "but no balance operation: 4M members twice a week (13.2/s) are carried by none",
    "meterbilling-mixed": "ingest_reading carries the 3,889/s average but the same 3,889/s at "
    "peak ('flat, on a timer'), not the 23,333/s of the bursts (80% of 3.5M in 2 minutes); the "
    "chart views (3.47/s) are get_reading_history's, a name the key does not find",
    "gamestate-rambling": "no input or match-result operation: the ops are matchmaking's "
    "request_match at 30/s (the 30 inputs a second read as requests), get_ticket and get_stats; "
    "the 19.2M inputs/s (48M/s at peak) and 55.6 results/s are carried by none",
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
