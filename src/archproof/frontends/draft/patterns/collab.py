"""Collaborative editing (documents, whiteboards): one live session per document on one
collaboration server, which orders concurrent edits (operational transform or a CRDT),
appends them to the document's operation log and broadcasts them to the other editors.

The load balancer routes by document id, so all editors of one document meet on the same
server; the session's state is rebuilt from the last snapshot plus the log when a server
dies. A background job folds the log into snapshots so opening a document stays cheap.
"""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import stated_rate
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.quantities import Quantity
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import article, singular
from archproof.model import Principle

OPEN_SHARE = Fraction(1, 100)  # documents open at once, when the task gives only a total
OPS_PER_DOC = Fraction(1)  # edit operations a second per open document (batched keystrokes)
OPENS_PER_DOC_HOUR = Fraction(2)


def collab(ctx: Ctx) -> None:
    doc_words = frozenset({"document", "doc", "board", "file", "sheet", "canvas"})
    noun = "board" if ctx.mentions(r"whiteboard|\bboards?\b") else "document"
    docs = _largest(ctx, doc_words)
    after = ctx.text[docs.end : docs.end + 40] if docs is not None else ""
    open_now: Fraction
    if docs is not None and re.search(r"\bopen\b|at\s+once|concurrent", after, re.IGNORECASE):
        open_now, open_note = docs.value, f'from the task: "{docs.describe()}" open at once'
    elif docs is not None:
        open_now = docs.value * OPEN_SHARE
        open_note = f'1% of the task\'s "{docs.describe()}" open at once (assumed)'
        ctx.ledger.assume_entry(
            "open-documents", f"{float(open_now):,.0f} {noun}s open at once", open_note
        )
    else:
        open_now = Fraction(10_000)
        open_note = "10,000 open at once (assumed)"
        ctx.ledger.assumed(
            f"open {noun}s",
            "10k",
            "no figure in the task",
            "open-documents",
            f"How many {noun}s are open (being edited) at once at peak?",
        )
    per_doc = stated_rate(ctx, frozenset({"operation", "edit", "change", "stroke"}))
    if per_doc is not None and per_doc.per is not None and per_doc.per_second is not None:
        ops_each = per_doc.per_second / (ctx.load.peak_factor if per_doc.peak else 1)
        ops_note = f'"{per_doc.describe()}" per {per_doc.per}'
        if per_doc.per not in ("document", "doc", "board", "file", "sheet", "canvas"):
            # a rate per editor: × the editors typing at once in one open document, which
            # the task does not say (a cap like "up to 50 people" is no average)
            ops_note += ", one editor typing per open document (assumed)"
            ctx.ledger.assume_entry(
                "editors-typing",
                f"one {per_doc.per} typing at once per open {noun}",
                f'"{per_doc.describe()}" is one {per_doc.per}\'s rate; the task gives no '
                f"average of {per_doc.per}s typing at once",
            )
            ctx.ledger.ask(
                f"How many {per_doc.per}s are typing at once in an open {noun}, on average? "
                "(assumed one; edits scale with it)"
            )
    else:
        ops_each, ops_note = OPS_PER_DOC, "one edit operation a second per open document (assumed)"
    edits = open_now * ops_each
    ctx.entity("CollabDocument")
    ctx.entity("DocumentOp")
    session = ctx.comp(
        "api",
        "collab",
        f"collaboration servers: one live session per {noun} (its editors' websockets, the "
        "ordering of their edits by OT/CRDT), chosen by the load balancer from the "
        f"{noun} id",
    )
    session.work["apply_edit"] = {"lognormal": {"p50": "100us", "p99": "1ms"}}
    session.work_notes["apply_edit"] = "transform against concurrent edits, fan out in memory"
    session.state.append("CollabDocument")
    session.accept["ST002"] = (
        f"each {noun}'s session lives on exactly one server (the load balancer hashes the "
        f"{noun} id); another server rebuilds it from the snapshot and the log after a loss"
    )
    session.recovery = "sessions are rebuilt from the last snapshot plus the operation log"
    ctx.comp("lb")
    ctx.comp("worker")
    ctx.op(
        OpSpec(
            id="apply_edit",
            description=f"An edit from one editor: order it, append it to the {noun}'s log, "
            "broadcast it to the others",
            pattern="collab",
            rate=edits,
            rate_note=f"{float(open_now):,.0f} open {noun}s ({open_note}) × {ops_note}",
            reads=False,
            idempotency_key="(client id, client sequence number): a resent edit is applied once",
            calls=[
                CallSpec(
                    "lb.route",
                    calls=[
                        CallSpec(
                            "collab.apply_edit",
                            calls=[
                                ctx.db(
                                    "write",
                                    f"append the operation to the log (group commit per {noun})",
                                )
                            ],
                        )
                    ],
                )
            ],
            keywords=("edit", "appear", "operation", "change", "draw"),
        )
    )
    ctx.op(
        OpSpec(
            id=f"open_{noun}",
            description=f"Open {article(noun)}: the latest snapshot and the operations after it",
            pattern="collab",
            rate=open_now * OPENS_PER_DOC_HOUR / 3600,
            rate_note=f"each open {noun} (re)opened twice an hour (assumed)",
            calls=[
                CallSpec(
                    "lb.route",
                    calls=[
                        CallSpec(
                            "collab.join",
                            time="200us",
                            calls=[ctx.db("read", "snapshot + operations since (index range)")],
                        )
                    ],
                )
            ],
            keywords=("open", "load", "read"),
        )
    )
    ctx.op(
        OpSpec(
            id="snapshot_documents",
            description="Background job: fold long operation logs into snapshots",
            pattern="collab",
            rate=open_now / 3600,
            rate_note=f"each open {noun} snapshotted about once an hour",
            sync=False,
            reads=False,
            idempotency_key="the log position a snapshot covers: a rerun writes the same one",
            calls=[
                CallSpec(
                    "worker.snapshot",
                    time={"lognormal": {"p50": "20ms", "p99": "200ms"}},
                    calls=[
                        ctx.db("read", "ops since the last snapshot"),
                        ctx.db("write", "snapshot"),
                    ],
                )
            ],
        )
    )
    ctx.access("DocumentOp", "ops_by_document", "range", ("document_id",), "seq", f"open_{noun}")
    ctx.primary_write = ctx.primary_write or "apply_edit"
    ctx.primary_read = ctx.primary_read or f"open_{noun}"
    ctx.decide(
        "collab-sessions",
        f"One live session per {noun}",
        f"the load balancer hashes the {noun} id to a collaboration server; that server "
        "orders the edits (OT or a CRDT) and broadcasts them",
        Principle.ST,
        f"{per_s(float(edits))} edits on average from {float(open_now):,.0f} open {noun}s: "
        "ordering concurrent edits needs one place that sees them all, and a broadcast from "
        "memory reaches the other editors in milliseconds",
        "collab",
    )
    ctx.decide(
        "collab-log",
        "Operation log plus snapshots",
        f"every edit is appended to the {noun}'s log before it is broadcast; a job folds the "
        "log into snapshots",
        Principle.DB,
        "the log makes a lost session rebuildable and gives history; snapshots keep opening "
        f"a long-lived {noun} fast",
        "snapshot_documents",
    )
    ctx.use_cases += [f"Edit {article(noun)} together", f"Open {article(noun)}", "Keep history"]
    ctx.ledger.ask("Offline editing: must edits made offline merge later (a CRDT), or not?")
    ctx.ledger.ask("Is presence (cursors, who is viewing) needed, and how fresh?")


def _largest(ctx: Ctx, heads: frozenset[str]) -> Quantity | None:
    """The largest count of documents (boards) the task states: "10 million documents",
    not the "one document" fifty people edit."""
    found = [
        item
        for item in ctx.load.extracted.reading.placed
        if item.unit == "count"
        and item.period is None
        and item.subject
        and singular(item.subject.split()[-1].lower()) in heads
    ]
    return max(found, key=lambda item: item.value, default=None)
