"""The drafter against hand-written reference designs of classic exercises
(`tests/draft/reference/*.yaml`, committed in 24962dc before the drafter was run on them).

Per reference: component recall over the distinct kinds the reference draws, and every
rate and storage figure within 2× of the reference. Rates are read from the lowered model
(the figures the capacity pass uses): the average rate of the draft's operation whose id
names the reference's operation (the reference's words in order: the first word that
some operation id contains picks the first such operation). A reference the draft misses
is a strict xfail naming the gap; `python tests/draft/reference_table.py` prints the table.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from archproof.frontends.draft import Draft, draft
from archproof.passes.lower import lower
from archproof.units import parse_size

REFERENCE_DIR = Path(__file__).with_name("reference")
REFERENCES: list[dict[str, Any]] = [
    YAML(typ="safe").load(path.read_text("utf-8")) for path in sorted(REFERENCE_DIR.glob("*.yaml"))
]
RECALL_FLOOR = 0.9
WITHIN = 2.0


@dataclass(frozen=True)
class Figure:
    """One reference figure and what the draft says for it (None: not found)."""

    what: str
    reference: float
    drafted: float | None

    @property
    def ok(self) -> bool:
        if self.drafted is None or self.drafted <= 0:
            return False
        ratio = self.drafted / self.reference
        return 1 / WITHIN <= ratio <= WITHIN

    def cell(self) -> str:
        shown = "missing" if self.drafted is None else f"{self.drafted:.3g}"
        return f"{self.what} {shown} vs {self.reference:.3g} {'ok' if self.ok else 'OFF'}"


@dataclass(frozen=True)
class Comparison:
    id: str
    kinds: tuple[str, ...]
    missing: tuple[str, ...]
    figures: tuple[Figure, ...]

    @property
    def recall(self) -> float:
        return 1 - len(self.missing) / len(self.kinds)

    @property
    def ok(self) -> bool:
        return self.recall >= RECALL_FLOOR and all(f.ok for f in self.figures)


@functools.cache
def _draft(ref_id: str) -> Draft:
    ref = next(r for r in REFERENCES if r["id"] == ref_id)
    return draft(ref["task"])


def compare(ref: dict[str, Any]) -> Comparison:
    drafted = _draft(ref["id"])
    design = drafted.design
    kinds = tuple(dict.fromkeys(c["kind"] for c in ref["components"]))
    have = {c.kind.value for c in design.components}
    missing = tuple(k for k in kinds if k not in have)
    model = lower(design)
    figures: list[Figure] = []
    for item in ref.get("rates") or []:
        found = next(
            (
                op.rate.average
                for word in item["words"]  # in the reference's order: the first names it
                for op in model.operations
                if word.lower() in op.id.lower()
            ),
            None,
        )
        figures.append(Figure(f"{item['what']} /s", item["per_second"], found))
    for item in ref.get("storage") or []:
        figures.append(
            Figure(f"{item['where']} bytes", float(item["bytes"]), _stored(drafted, item["where"]))
        )
    return Comparison(ref["id"], kinds, missing, tuple(figures))


def _stored(drafted: Draft, where: str) -> float | None:
    """The draft's own stored-volume figure: its row-data figure (database) or its
    object-storage requirement."""
    texts: list[str] = []
    if where == "database":
        texts = [value for name, value in drafted.figures if name.startswith("row data")]
    else:
        texts = [r.value for r in drafted.requirements if r.name == "object storage"]
    if not texts:
        return None
    return float(parse_size(texts[0]).bytes)


# The references the draft misses today, each with the gap that makes it miss.
_CACHE = (
    "recall below 90%: no cache — the drafter adds one only when the store needs it by the "
    "numbers (CA007 calls a cache premature otherwise); the reference caches "
)
XFAIL: dict[str, str] = {
    "chat": _CACHE + "presence and the user → gateway map",
    # A key problem, not a drafter one (the key is not edited): the reference's figure is
    # transactions imported (1,929/s) but its words start with "sync", which names the
    # account-sync operation (347 syncs/s: 30M accounts once a day), so no operation the
    # draft could add is picked. The draft carries the import figure from the task's own
    # number ("transactions imported: 1,929/s", from "5 billion transactions a month"),
    # about 5.55 transactions upserted per sync; an operation per transaction would be an
    # operation made up to match the key.
    "finance-aggregator": "key problem: the reference's words pick the account sync "
    "(347 syncs/s) for a per-transaction figure (1,929/s); the draft prints that figure "
    "(transactions imported 1,929/s) but it is no operation's rate",
    "pastebin": _CACHE + "popular pastes",
    "social-graph": _CACHE + "hot adjacency lists (batched BFS reads fit on the store)",
    "url-shortener": _CACHE + "hot redirects (3,858 redirects/s fit on one database node)",
}


def _ids() -> list[Any]:
    return [
        pytest.param(r["id"], marks=pytest.mark.xfail(reason=XFAIL[r["id"]], strict=True))
        if r["id"] in XFAIL
        else r["id"]
        for r in REFERENCES
    ]


def test_there_are_ten_references() -> None:
    assert len(REFERENCES) >= 10
    assert all(r["components"] for r in REFERENCES)


@pytest.mark.parametrize("ref_id", _ids())
def test_draft_matches_its_reference(ref_id: str) -> None:
    result = compare(next(r for r in REFERENCES if r["id"] == ref_id))
    assert result.recall >= RECALL_FLOOR, f"missing kinds: {result.missing}"
    assert [f.cell() for f in result.figures if not f.ok] == []


def test_figure_within_two_times_can_fail() -> None:
    assert Figure("x", 100.0, 199.0).ok and Figure("x", 100.0, 51.0).ok
    assert not Figure("x", 100.0, 201.0).ok and not Figure("x", 100.0, None).ok
    assert not Figure("x", 100.0, 49.0).ok
    assert Fraction(1, 2) == Fraction(1, int(WITHIN))
