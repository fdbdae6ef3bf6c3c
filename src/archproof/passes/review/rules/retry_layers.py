"""FH rules on where retries sit: at one layer, not at every layer.

FH017 a retried call whose own nested calls retry too: the attempts multiply on the innermost
callee exactly while it fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import CallItem, CallNode, OneOf, Parallel
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule


def _retried(node: CallNode) -> int:
    return node.retries.count if node.retries is not None else 0


def _worst_chain(items: tuple[CallItem, ...]) -> tuple[int, list[CallNode]]:
    """The largest product of attempts along one path of retried, synchronous calls below,
    and that path (outermost first). An async hand-off ends the path: its retries are the
    queue's business, not the caller's."""
    best: tuple[int, list[CallNode]] = (1, [])
    for item in items:
        if isinstance(item, OneOf):
            candidates = [_worst_chain(branch.calls) for branch in item.one_of]
        elif isinstance(item, Parallel):
            candidates = [_worst_chain(item.parallel)]
        elif item.async_:
            continue
        else:
            below, path = _worst_chain(item.calls)
            if _retried(item):
                below, path = below * (_retried(item) + 1), [item, *path]
            candidates = [(below, path)]
        for candidate in candidates:
            if candidate[0] > best[0]:
                best = candidate
    return best


def _outermost(items: tuple[CallItem, ...]) -> Iterator[CallNode]:
    """The retried synchronous calls with no retried call above them."""
    for item in items:
        if isinstance(item, OneOf):
            for branch in item.one_of:
                yield from _outermost(branch.calls)
        elif isinstance(item, Parallel):
            yield from _outermost(item.parallel)
        elif item.async_:
            continue
        elif _retried(item):
            yield item
        else:
            yield from _outermost(item.calls)


@rule(code="FH017", name="retries-at-two-layers", severity=Severity.WARNING)
def retries_at_two_layers(ctx: RuleContext) -> Iterator[Hit]:
    """A retried call makes calls that retry too, so the attempts multiply.

    What it checks:
        Synchronous calls with `retries` whose nested synchronous calls (at any depth,
        through branches and parallel groups, not past an async hand-off) also have
        `retries`. The figure is the product of (1 + count) along the worst path.

    Why it matters:
        Robust failure handling. Retries are meant to ride out a blip; stacked at two
        layers, 3 outer × 2 inner attempts make 6 on the innermost callee, and they arrive
        exactly when it is failing or slow — a retry storm that keeps it down. Retry at one
        layer (usually the one closest to the failing dependency), and let the others fail
        fast.

    Example:
        components:
          web: {kind: service, tech: stateless-service}
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - web.handle:
                  calls:
                    - api.get:
                        timeout: 1s
                        retries: {count: 2, backoff: 50ms, jitter: 50%}
                        calls:
                          - db.read: {retries: {count: 2, backoff: 20ms, jitter: 50%}}

    Use instead:
        components:
          web: {kind: service, tech: stateless-service}
          api: {kind: service, tech: stateless-service}
          db: {kind: database, tech: postgresql}
        operations:
          get_item:
            rate: 100/s
            calls:
              - web.handle:
                  calls:
                    - api.get:
                        timeout: 1s
                        calls:
                          - db.read: {retries: {count: 2, backoff: 20ms, jitter: 50%}}

    Evidence:
        The `retries.count` of each call on the path, multiplied.
    """
    for op in ctx.design.operations:
        for outer in _outermost(op.calls):
            attempts, path = _worst_chain((outer,))
            if len(path) < 2:
                continue
            inner = path[-1]
            chain = " × ".join(f"{_retried(n) + 1} ({n.call})" for n in path)
            yield Hit(
                element=ElementRef.operation(op.id),
                message=(
                    f"'{outer.call}' in '{op.id}' is retried around calls that retry too: a "
                    f"failing '{inner.component}' gets up to {attempts} attempts per request"
                ),
                span=outer.span,
                fix="retry at one layer (the one nearest the failing dependency) and let "
                "the layers above fail fast",
                evidence=f"attempts {chain} = {attempts}",
            )
