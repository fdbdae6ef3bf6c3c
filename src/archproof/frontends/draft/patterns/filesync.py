"""File sync (Dropbox, Drive): files split into chunks stored once per content hash, a
metadata database of files, versions and chunk lists, and a change feed each device
follows.

A changed file uploads only the chunks the store lacks (the hash says), straight to the
object store; committing the new version is one metadata write; the other devices learn
of it from their change feed (a long poll answered when something changes) and fetch
only the new chunks.
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.blobs import _STOCK
from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.derive import horizon_text, retention_for_sizing
from archproof.frontends.draft.patterns.common import (
    stated_average,
    stated_count,
    stated_rate,
    stock,
)
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Size

DEFAULT_CHUNK = Fraction(4 * 10**6)
CHANGES_PER_USER_DAY = Fraction(10)
DEFAULT_DEVICES = Fraction(2)
ONLINE_SHARE = Fraction(1, 10)  # devices online (holding a long poll) at once
POLL_S = 60  # a long poll is answered at the latest after this


def file_sync(ctx: Ctx) -> None:
    people = [f.value for f in ctx.load.extracted.all("people")]
    counted = stated_count(ctx, frozenset({"staff", "employee", "member", "user", "people"}))
    users = max(people) if people else (counted.value if counted else ctx.dau())
    devices_q = stated_count(ctx, frozenset({"device", "computer", "laptop", "phone"}))
    devices = devices_q.value if devices_q is not None else DEFAULT_DEVICES
    chunk = _chunk_size(ctx)
    change = stated_rate(ctx, frozenset({"change", "edit", "update", "file", "upload"}))
    if change is not None and change.per_second is not None:
        changes, change_note = stated_average(ctx, change)
        changes *= users if change.per else 1
    else:
        changes = users * CHANGES_PER_USER_DAY / 86_400
        change_note = "10 file changes per user a day (assumed)"
        ctx.ledger.assume_entry("file-changes", "each user changes 10 files a day", change_note)
    for name in ("SyncedFile", "FileVersion", "Chunk"):
        ctx.entity(name)
    ctx.entity("ChunkBody").stored_in = "blobs"
    ctx.comp("blobs")
    feed = ctx.queue("change_queue", "committed changes to fan out to the owner's devices")
    ctx.op(
        OpSpec(
            id="upload_chunk",
            description="PUT of a chunk the store lacks, straight to the object store "
            "(presigned, keyed by its hash)",
            pattern="file_sync",
            rate=changes,
            rate_note=f"{change_note}; about one new chunk per change (delta sync)",
            reads=False,
            calls=[
                CallSpec(
                    "blobs.put",
                    idempotent=True,
                    rationale="content-addressed: the same chunk uploaded twice is one object",
                )
            ],
            keywords=("upload", "chunk"),
        )
    )
    ctx.op(
        OpSpec(
            id="commit_change",
            description="POST /files/{id}/versions: the new version's chunk list",
            pattern="file_sync",
            rate=changes,
            rate_note=change_note,
            reads=False,
            idempotency_key="(file id, base version): a retried commit is a no-op; a commit on "
            "an old base is a conflict (a conflicted copy is kept)",
            calls=ctx.front(
                "commit_change",
                [
                    ctx.db(
                        "write",
                        "insert the FileVersion if its base is the current one (conditional), "
                        "and the chunk hashes not yet known",
                    ),
                    ctx.enqueue(feed, "the other devices are told in the background"),
                ],
            ),
            keywords=("commit", "change", "sync", "save"),
        )
    )
    worker = ctx.comp("worker")
    worker.work["fan_out"] = {"lognormal": {"p50": "1ms", "p99": "10ms"}}
    worker.work_notes["fan_out"] = "look up the owner's devices, build the feed entries"
    ctx.job(
        "fan_out_change",
        feed,
        "fan_out",
        [ctx.db("write", "append the change to the feed of each of the owner's devices")],
        description="Put a committed change on the change feed of the owner's other devices",
        pattern="file_sync",
        idempotency_key="(device, version): appending a change twice is a no-op",
    )
    online = users * devices * ONLINE_SHARE
    ctx.op(
        OpSpec(
            id="poll_changes",
            description=f"GET /changes?cursor=…: a device's long poll, answered on a change "
            f"or after {POLL_S} s",
            pattern="file_sync",
            rate=online / POLL_S + changes * (devices - 1),
            rate_note=f"{float(online):,.0f} devices online (10% of {sig(float(devices), 6)} per "
            f"user, assumed) answering every {POLL_S} s, plus one answer per change per other "
            "device",
            calls=ctx.front("poll_changes", [ctx.db("read", "the device's feed after its cursor")]),
            keywords=("poll", "sync", "change", "notify"),
        )
    )
    ctx.op(
        OpSpec(
            id="download_chunk",
            description="GET of a new chunk by another device (presigned, from the object store)",
            pattern="file_sync",
            rate=changes * (devices - 1),
            rate_note=f"each change fetched by the {sig(float(devices - 1), 6)} other device(s)",
            calls=[CallSpec("blobs.get", idempotent=True)],
            keywords=("download", "fetch"),
        )
    )
    ctx.access("FileVersion", "versions_by_file", "range", ("file_id",), "version", None)
    ctx.access("Chunk", "chunk_by_hash", "lookup", ("hash",), None, "commit_change")
    ctx.primary_write = ctx.primary_write or "commit_change"
    ctx.primary_read = ctx.primary_read or "poll_changes"
    _volume(ctx, users)
    ctx.decide(
        "filesync-chunks",
        "Content-addressed chunks",
        f"files split into {Size(chunk)} chunks keyed by their hash; a change uploads only "
        "the chunks the store lacks, and a chunk is stored once however many files use it",
        Principle.DS,
        f"{per_s(float(changes))} changes on average: re-uploading whole files would move "
        "every byte again; hashing finds the few chunks that changed",
        "blobs",
    )
    ctx.decide(
        "filesync-feed",
        "A change feed per device",
        "committed versions are appended to each device's feed; a device long-polls its feed "
        "and fetches the new chunks",
        Principle.EV,
        "devices go offline for days: a feed with a cursor lets each catch up from where it "
        "stopped, and the long poll answers within the sync target when it is online",
        "fan_out_change",
    )
    ctx.use_cases += ["Upload changed chunks", "Commit a new file version", "Sync other devices"]
    ctx.ledger.ask("How are conflicting edits from two devices resolved (conflicted copy)?")
    ctx.ledger.ask("Are files shared between users (shared folders change the fan-out)?")


def _chunk_size(ctx: Ctx) -> Fraction:
    for item in ctx.load.extracted.reading.placed:
        if item.unit == "bytes" and "chunk" in item.subject.lower():
            return item.value
    return DEFAULT_CHUNK


def _volume(ctx: Ctx, users: Fraction) -> None:
    """Stored bytes: per user × users, or the task's total (before de-duplication)."""
    for item in ctx.load.extracted.reading.placed:
        if item.unit != "bytes" or "chunk" in item.subject.lower():
            continue
        if item.per is not None:
            total = item.value * users
            how = f"{float(users):,.0f} users × {item.text}"
        elif not _STOCK.search(item.subject) and ctx.load.writes > 0:
            # one file's size ("syncs 20 files a day averaging 500 KB"): the files written
            # over the sizing horizon, not the size itself
            horizon = retention_for_sizing(ctx.load, ctx.ledger)
            total = ctx.load.writes * item.value * horizon
            how = (
                f"{per_s(float(ctx.load.writes))} files written × {item.text} × "
                f"{horizon_text(horizon)}"
            )
        else:
            total, how = item.value, f"the task's {item.text}"
        stock(ctx, total, how + " (before de-duplication)")
        ctx.stock = (f"{how} ÷ 1,000 (about 1 KB of metadata per MB of files)", total / 1000)
        return
