"""The call tree as the rules walk it, in one place: `one_of` branches (exclusive, weighted
by their probability) and `parallel` groups (every member made, the caller waits for the
slowest) are handled here, so no rule spells the tree's shapes out by hand.

- `edges(op)`: every call with its caller, expected count per request, and whether the
  operation survives its failure.
- `execution_paths(items)`: the call sequences, one per combination of `one_of` branches
  (members of a parallel group are all on the path, in the order written).
- `direct_calls(items)`: the calls a step makes itself (through branches and groups).
- `tree(items)`: (path, node) in the capacity pass's order and spelling (`EdgeLoad.path`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import islice

from archproof.model import CallItem, CallNode, Design, OneOf, Operation, Parallel
from archproof.model.traits import traits

# Cap on the execution paths enumerated through one_of branches.
MAX_PATHS = 256


@dataclass(frozen=True)
class Edge:
    """One call in an operation's tree, with who waits on it and how often it happens."""

    op: Operation
    node: CallNode
    caller: str | None  # component holding a worker while the call runs; None: client/job
    per_op: Fraction  # expected number of such calls per operation (p and times multiplied)
    optional: bool  # under (or itself) a fail_open or async call: the operation survives it
    in_parallel: bool = False  # a member (or under a member) of a parallel group
    handed_off: bool = False  # itself async or under an async call: off the caller's path

    @property
    def remote_sync(self) -> bool:
        """A component waits on this call over the network (not the client's own step)."""
        return self.caller is not None and not self.node.async_


def edges(op: Operation) -> list[Edge]:
    """Every call of `op` with its caller, depth first (branches and groups included)."""
    out: list[Edge] = []
    _walk(op, op.calls, None, Fraction(1), (False, False, False), out)
    return out


def _walk(
    op: Operation,
    items: tuple[CallItem, ...],
    caller: str | None,
    weight: Fraction,
    flags: tuple[bool, bool, bool],  # optional, in a parallel group, handed off
    out: list[Edge],
) -> None:
    optional, parallel, off = flags
    for item in items:
        if isinstance(item, OneOf):
            for branch in item.one_of:
                _walk(op, branch.calls, caller, weight * branch.p, flags, out)
            continue
        if isinstance(item, Parallel):
            _walk(op, item.parallel, caller, weight, (optional, True, off), out)
            continue
        per_op = weight * item.p * item.times
        opt = optional or item.async_ or item.on_failure == "fail_open"
        gone = off or item.async_
        out.append(Edge(op, item, caller, per_op, opt, parallel, gone))
        _walk(op, item.calls, item.component, per_op, (opt, parallel, gone), out)


# Work names that change data although the model's write words miss them (`search.index`,
# an upsert, a counter increment). A word of the work name matches a short word exactly
# and starts with a long one (`indexing`).
_MORE_WRITE_WORDS = (
    "index",
    "reindex",
    "upsert",
    "incr",
    "increment",
    "decrement",
    "decr",
    "append",
    "push",
    "ingest",
    "add",
    "record",
    "mark",
    "claim",
    "reserve",
    "book",
    "cancel",
    "remove",
    "emit",
    "apply",
    "post",
    "patch",
    "merge",
    "ack",
)


def writes(node: CallNode) -> bool:
    """Whether the call changes data: `write:` if stated, else the model's inference
    widened by the words above (so `search.index` and `counts.incr` count as writes)."""
    if node.write is not None or node.is_write:
        return node.is_write
    return any(
        token == word or (len(word) >= 5 and token.startswith(word))
        for token in re.split(r"[_\-.]", node.work.lower())
        for word in _MORE_WRITE_WORDS
    )


def durable_writes(design: Design, op: Operation) -> list[Edge]:
    """The writes of `op` to stores of record (databases, object stores) that the operation
    makes itself (not handed off to a queue)."""
    out = []
    for edge in edges(op):
        target = design.component_map.get(edge.node.component)
        if target is None or not traits(target.kind).store_of_record:
            continue
        if writes(edge.node) and not edge.handed_off:
            out.append(edge)
    return out


def is_purpose_write(design: Design, op: Operation, node: CallNode) -> bool:
    """`node` is what `op` is for: its only write to a store of record, in an operation
    whose answer reads no database or search index on its required path (a page view that
    also inserts an analytics row is a read; saving a search is a write)."""
    found = durable_writes(design, op)
    if len(found) != 1 or found[0].node is not node:
        return False
    for edge in edges(op):
        target = design.component_map.get(edge.node.component)
        if target is None or not traits(target.kind).queried or edge.optional:
            continue
        if not writes(edge.node) and not edge.handed_off:
            return False
    return True


def execution_paths(items: tuple[CallItem, ...]) -> Iterator[list[CallNode]]:
    """Execution sequences of a call tree, one per combination of one_of branches."""
    sequences: list[list[CallNode]] = [[]]
    for item in items:
        if isinstance(item, OneOf):
            options = [p for b in item.one_of for p in islice(execution_paths(b.calls), MAX_PATHS)]
        elif isinstance(item, Parallel):
            options = list(islice(execution_paths(item.parallel), MAX_PATHS))
        else:
            options = [[item, *rest] for rest in islice(execution_paths(item.calls), MAX_PATHS)]
        sequences = [s + o for s in sequences for o in options][:MAX_PATHS]
    yield from sequences


def with_callers(
    items: tuple[CallItem, ...], callers: tuple[CallNode, ...] = ()
) -> Iterator[tuple[CallNode, tuple[CallNode, ...]]]:
    """Every call with the chain of calls enclosing it (outermost first)."""
    for item in items:
        if isinstance(item, OneOf):
            for branch in item.one_of:
                yield from with_callers(branch.calls, callers)
        elif isinstance(item, Parallel):
            yield from with_callers(item.parallel, callers)
        else:
            yield item, callers
            yield from with_callers(item.calls, (*callers, item))


def direct_calls(items: tuple[CallItem, ...]) -> Iterator[CallNode]:
    """The calls made directly by a step (through one_of branches and parallel groups)."""
    for item in items:
        if isinstance(item, OneOf):
            for branch in item.one_of:
                yield from direct_calls(branch.calls)
        elif isinstance(item, Parallel):
            yield from direct_calls(item.parallel)
        else:
            yield item


def tree(items: tuple[CallItem, ...], prefix: str = "") -> Iterator[tuple[str, CallNode]]:
    """(path, node) in the capacity pass's order and spelling (`EdgeLoad.path`)."""
    for item in items:
        if isinstance(item, OneOf):
            for i, branch in enumerate(item.one_of):
                label = branch.label or f"branch{i + 1}"
                yield from tree(branch.calls, f"{prefix}[{label}]")
        elif isinstance(item, Parallel):
            yield from tree(item.parallel, prefix)
        else:
            path = f"{prefix}>{item.call}" if prefix else item.call
            yield path, item
            yield from tree(item.calls, path)
            fb = item.fallback.call if item.fallback is not None else None
            if fb is not None and item.on_failure == "fail_open":
                yield from tree((fb,), f"{path}[fallback]")  # the lowering's fallback call


__all__ = [
    "MAX_PATHS",
    "Edge",
    "direct_calls",
    "durable_writes",
    "edges",
    "execution_paths",
    "is_purpose_write",
    "tree",
    "with_callers",
    "writes",
]
