"""OP rules on the shape of a request's calls: independent work made at once.

OP011 reads of different components made one after another on a user-facing path.
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import CallItem, CallNode, OneOf, Parallel
from archproof.model.objectives import user_facing
from archproof.model.traits import traits
from archproof.passes.review.calltree import writes
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.passes.review.rules.caching import refill


def _independent_read(ctx: RuleContext, node: CallNode, caller: str | None) -> bool:
    """A synchronous read of another component that makes no writes of its own."""
    target = ctx.design.component_map.get(node.component)
    if target is None or node.async_ or writes(node) or node.component == caller:
        return False
    kind = traits(target.kind)
    if kind.proxy or kind.actor or kind.message_hub:
        return False  # proxies are the path itself
    if kind.cache and refill(ctx, target.id) is not None:
        return False  # a cache lookup decides what comes next (hit or miss)
    return not any(writes(n) for n in _all(node.calls))


def _all(items: tuple[CallItem, ...]) -> Iterator[CallNode]:
    for item in items:
        if isinstance(item, OneOf):
            for branch in item.one_of:
                yield from _all(branch.calls)
        elif isinstance(item, Parallel):
            yield from _all(item.parallel)
        else:
            yield item
            yield from _all(item.calls)


# Two reads in a row are often dependent (an ownership check, then the data); three or more
# reads of at least two components in a row are rarely all needed one after the other.
MIN_READS = 3


def _enough(run: list[CallNode]) -> bool:
    return len(run) >= MIN_READS and len({n.component for n in run}) >= 2


def _runs(
    ctx: RuleContext, items: tuple[CallItem, ...], caller: str | None
) -> Iterator[list[CallNode]]:
    """Runs of consecutive independent reads of two or more different components, in every
    call list of the tree (a one_of or a parallel group ends a run)."""
    run: list[CallNode] = []
    for item in items:
        if isinstance(item, CallNode) and _independent_read(ctx, item, caller):
            run.append(item)
            continue
        if _enough(run):
            yield run
        run = []
    if _enough(run):
        yield run
    for item in items:
        if isinstance(item, OneOf):
            for branch in item.one_of:
                yield from _runs(ctx, branch.calls, caller)
        elif isinstance(item, Parallel):
            for member in item.parallel:
                yield from _runs(ctx, (member,), caller)
        else:
            yield from _runs(ctx, item.calls, item.component)


@rule(code="OP011", name="independent-reads-in-sequence", severity=Severity.WARNING)
def independent_reads_in_sequence(ctx: RuleContext) -> Iterator[Hit]:
    """A user-facing request reads several components one after another.

    What it checks:
        In user-facing (sync) operations, three or more consecutive synchronous reads of
        at least two different components (not queues, proxies, or caches in front of a
        store, whose hit or miss decides what comes next) by the same
        caller, none of which writes, outside a `parallel` group and without a `rationale`
        saying why they are ordered. (Two reads in a row are often dependent: an ownership
        check, then the data.)

    Why it matters:
        Operation efficiency: a request that fetches the profile, then the orders, then the
        recommendations waits for the sum of the three; made at once it waits for the
        slowest. When the reads do not depend on each other's results, a `parallel` group
        says so (and the analysis counts the max, not the sum). When one needs the other's
        result, say so in its `rationale`.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          snapshots: {kind: object_store, tech: s3}
        operations:
          open_document:
            rate: 200/s
            slo: {p99: 500ms}
            calls:
              - api.handle:
                  calls:
                    - db.read: {timeout: 100ms, on_failure: fail_closed}
                    - snapshots.get: {timeout: 300ms, on_failure: fail_closed}
                    - db.read_comments: {timeout: 100ms, on_failure: fail_open}

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          snapshots: {kind: object_store, tech: s3}
        operations:
          open_document:
            rate: 200/s
            slo: {p99: 500ms}
            calls:
              - api.handle:
                  calls:
                    - parallel:
                        - db.read: {timeout: 100ms, on_failure: fail_closed}
                        - snapshots.get: {timeout: 300ms, on_failure: fail_closed}
                        - db.read_comments: {timeout: 100ms, on_failure: fail_open}

    Evidence:
        The consecutive read calls and their components.
    """
    design = ctx.design
    for op in design.operations:
        if not user_facing(op):
            continue
        for run in _runs(ctx, op.calls, None):
            if any(n.rationale for n in run):
                continue  # the author says why they are ordered
            shown = ", ".join(n.call for n in run)
            yield Hit(
                element=ElementRef.operation(op.id),
                message=f"'{op.id}' reads {shown} one after another: if they are "
                "independent, the request waits for their sum instead of the slowest",
                span=run[0].span,
                fix="make independent reads at once (a `parallel:` group); if one needs "
                "another's result, say so in its `rationale`",
                evidence=f"{len(run)} consecutive reads of "
                f"{len({n.component for n in run})} components by the same caller",
            )
            break
