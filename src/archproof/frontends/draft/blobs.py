"""Blobs go to an object store, by what the task's sizes say (issue 13, "standard parts").

A block that knows its bytes (media, pastes, crawled pages, raw logs) adds its own object
store. Any other task that states a size per stored item of at least `BLOB_BYTES` ("an
attachment of around 1 MB", "each report is a 5 MB PDF") gets one here: the main write puts
the bytes under the item's id and the main read gets them, while the database keeps the
row small (id, owner, size, the object's key). Sizes of totals, memory, disks or per-period
volumes are stock, not items, and do not count.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.lexicon import stated_as_ceiling
from archproof.frontends.draft.plan import CallSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.text import camel
from archproof.model import Principle
from archproof.units import Size

# Blocks whose job is to hold the values themselves ("values up to 1 MB" in a KV store).
_STORES_THEIR_VALUES = frozenset({"kv_store", "cache_service"})
BLOB_BYTES = 256_000  # past this an item is read and written whole, not queried: a blob
_STOCK = re.compile(
    r"\b(?:total|storage|memory|ram|disk|data(?:set)?|index|cache|database|hot\s+set|working"
    r"\s+set|catalog|log|logs)\b",
    re.IGNORECASE,
)


def _maximum(text: str, q: Quantity) -> bool:
    """The size is stated as a bound ("at most 256 KB"), not as what items weigh."""
    return stated_as_ceiling(text, q.start)


def blob_store(ctx: Ctx) -> None:
    """An object store for stated per-item sizes of a blob, unless a block added one."""
    if "blobs" in ctx.comps or ctx.classification.primary in _STORES_THEIR_VALUES:
        return
    sizes = [
        q
        for q in ctx.load.extracted.reading.placed
        if q.unit == "bytes"
        and q.period is None
        and q.per is None
        and q.subject
        and not _STOCK.search(q.subject)
    ]
    # "a message is 2 KB on average, at most 256 KB": the items are 2 KB, rows not blobs; a
    # maximum alone ("pastes up to 1 MB") still says items can be too big for a row
    typical = {q.sentence for q in sizes if not _maximum(ctx.text, q)}
    item = next(
        (
            q
            for q in sizes
            if q.value >= BLOB_BYTES and not (_maximum(ctx.text, q) and q.sentence in typical)
        ),
        None,
    )
    write = ctx.api_call(ctx.primary_write or "")
    if item is None or write is None:
        return
    # the subject's first word ("replays, around 5 MB each" once gave ', size': a name
    # starting with a comma became the entity ',Blob')
    words = re.findall(r"[A-Za-z]+", item.subject or "")
    what = words[0].lower() if words else "item"
    ctx.comp("blobs", rationale=f"{what} bytes in an object store, apart from the rows")
    blob = ctx.entity(f"{camel(what)}Blob")
    blob.stored_in = "blobs"
    blob.row_size = str(Size(Fraction(item.value)))  # one object per item, as the task says
    blob.note = f"the {what} bytes, one object per {what} id; the row that points here is small"
    # the bytes first, then the row that points at them: a row never names a missing
    # object (a put that fails leaves at worst an orphan object, which a sweep can delete)
    first_db = next(
        (
            i
            for i, c in enumerate(write.calls)
            if isinstance(c, CallSpec)
            and (comp := ctx.comps.get(c.target.split(".")[0])) is not None
            and comp.kind == "database"
        ),
        len(write.calls),
    )
    write.calls.insert(
        first_db,
        CallSpec(
            "blobs.put",
            idempotent=True,
            rationale=f"the {what} under its id before the row that points at it (a retry "
            "overwrites the same object)",
        ),
    )
    read = ctx.api_call(ctx.primary_read or "")
    if read is not None:
        read.calls.append(
            CallSpec("blobs.get", idempotent=True, rationale=f"the {what} bytes, when asked for")
        )
    ctx.decide(
        "blob-store",
        f"{what.capitalize()} bytes in the object store",
        f"the database keeps the {what}'s row (id, owner, size, object key); the bytes go "
        "to the object store",
        Principle.DB,
        f'the task says "{item.describe()}" ({Size(Fraction(item.value))} an item): bytes '
        "that large are read and written whole, never queried; in rows they would bloat the "
        "database, its backups and its replicas",
        "blobs",
    )
