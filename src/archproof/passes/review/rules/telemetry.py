"""OB rules on what telemetry holds: logs that exist at all, logs without personal data in
clear, metrics whose label sets the metrics store can hold.

OB010 logs carrying classified fields without redaction; OB011 a metric whose label values
multiply into too many series; OB012 a design that logs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule
from archproof.policy import MAX_METRIC_SERIES

_CLASSIFIED = ("pii", "secret", "payment")


@rule(code="OB010", name="classified-fields-logged-unredacted", severity=Severity.WARNING)
def classified_fields_logged(ctx: RuleContext) -> Iterator[Hit]:
    """A log policy writes personal, secret or payment fields in clear.

    What it checks:
        Log policies whose `fields` name an entity field classified `pii`, `secret` or
        `payment`, with `redact` false.

    Why it matters:
        Observability, safely: logs are copied to every log pipeline, index and archive,
        kept for months, and read by far more people than the database. E-mail addresses,
        tokens or card data in them are a breach waiting to be found, and a GDPR erasure
        request cannot reach them. Log ids; mask classified fields before writing.

    Example:
        entities:
          User:
            key: id
            fields:
              id: uuid
              email: {type: str, classification: pii}
        observability:
          logs:
            - {on: errors, fields: [User.id, User.email]}

    Use instead:
        entities:
          User:
            key: id
            fields:
              id: uuid
              email: {type: str, classification: pii}
        observability:
          logs:
            - {on: errors, fields: [User.id, User.email], redact: true}

    Evidence:
        The log policy's `fields`, their `classification` and `redact`.
    """
    entities = ctx.design.entity_map
    for policy in ctx.design.observability.logs:
        if policy.redact:
            continue
        exposed = []
        for ref in policy.fields:
            entity_id, _, name = ref.partition(".")
            entity = entities.get(entity_id)
            spec = entity.fields.get(name) if entity is not None else None
            if spec is not None and spec.classification in _CLASSIFIED:
                exposed.append(f"{ref} ({spec.classification})")
        if not exposed:
            continue
        yield Hit(
            element=ElementRef.design(),
            message=f"a log policy writes {', '.join(exposed)} in clear",
            span=policy.span,
            fix="log ids instead of the values, or set `redact: true` so classified fields "
            "are masked before writing",
            evidence=f"fields {', '.join(policy.fields)}; redact false",
        )


@rule(code="OB011", name="metric-label-cardinality", severity=Severity.WARNING)
def metric_label_cardinality(ctx: RuleContext) -> Iterator[Hit]:
    """A metric's labels multiply into more series than a metrics store holds.

    What it checks:
        Metrics whose `labels` value counts multiply to more than
        `policy.MAX_METRIC_SERIES` (100,000) series.

    Why it matters:
        Observability first, within what it costs: every distinct combination of label
        values is a time series the metrics store keeps in memory. A user id or a request
        id as a label turns one histogram into millions of series — the backend runs out
        of memory or the bill explodes, and queries over the metric time out. Per-user
        detail belongs in logs and traces; metrics take bounded labels (route, status).

    Example:
        observability:
          metrics:
            - name: request_latency
              kind: histogram
              labels: {route: 40, user_id: 10M}

    Use instead:
        observability:
          metrics:
            - name: request_latency
              kind: histogram
              labels: {route: 40, status: 5}

    Evidence:
        The product of the metric's label value counts.
    """
    for metric in ctx.design.observability.metrics:
        if not metric.labels:
            continue
        series = math.prod(int(count.value) for count in metric.labels.values())
        if series <= MAX_METRIC_SERIES:
            continue
        worst = max(metric.labels.items(), key=lambda kv: kv[1].value)[0]
        yield Hit(
            element=ElementRef.design(),
            message=f"metric '{metric.name}' has {series:,} label combinations (series), "
            f"mostly from '{worst}'",
            span=metric.span,
            fix=f"drop '{worst}' from the labels (put it in logs or traces); keep labels "
            "with a bounded set of values",
            evidence=f"labels {', '.join(f'{k}: {v}' for k, v in metric.labels.items())}; "
            f"product {series:,} > {MAX_METRIC_SERIES:,}",
        )


@rule(code="OB012", name="no-logging-at-all", severity=Severity.WARNING)
def no_logging_at_all(ctx: RuleContext) -> Iterator[Hit]:
    """A system design has operations but no log policy at all.

    What it checks:
        System designs (not coding tasks) with operations and an empty
        `observability.logs`.

    Why it matters:
        Observability first: log aggressively on errors. With no logging policy, the first
        failed upload, double charge or stuck job leaves nothing to debug from; metrics
        say something is wrong, only logs say what and for whom.

    Example:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          upload:
            rate: 5/s
            slo: {p99: 1s}
            calls: [api.handle]

    Use instead:
        components:
          api: {kind: service, tech: stateless-service}
        operations:
          upload:
            rate: 5/s
            slo: {p99: 1s}
            calls: [api.handle]
        observability:
          logs:
            - {on: errors, detail: detailed}

    Evidence:
        The design's operations and its empty `observability.logs`.
    """
    design = ctx.design
    if design.meta.kind == "coding" or not design.operations or design.observability.logs:
        return
    yield Hit(
        element=ElementRef.design(),
        message=f"no log policy at all for {len(design.operations)} operation(s): errors "
        "leave no trace to debug from",
        span=design.observability.span,
        fix="add `observability.logs` with at least `{on: errors, detail: detailed}`, and "
        "detailed logs on critical paths",
        evidence="observability.logs is empty",
    )
