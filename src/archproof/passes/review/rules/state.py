"""ST rules: minimize stateful components.

Prefer stateless services, keep state in one owning store per entity, and give every
store that holds data of record a recovery story.
"""

from __future__ import annotations

from collections.abc import Iterator

from archproof.model import Component, Design
from archproof.model.traits import kinds_where, traits
from archproof.passes.review.context import RuleContext
from archproof.passes.review.finding import ElementRef, Hit, Severity
from archproof.passes.review.rule import rule

# Stores that hold data of record (a cache or a queue only holds copies or messages).
PRIMARY_STORE_KINDS = kinds_where(lambda t: t.store_of_record)
# Compute that a load balancer may send any request to: state here is per replica.
COMPUTE_KINDS = kinds_where(lambda t: t.compute)
# Kinds whose state is someone else's problem or disposable by design.
_NOT_OURS = kinds_where(lambda t: not t.state_needs_recovery)


def holders(design: Design, entity: str) -> list[Component]:
    """Components that hold `entity`: its `stored_in` plus those listing it in `state`."""
    out: list[Component] = []
    for c in design.components:
        owns = any(e.id == entity and e.stored_in == c.id for e in design.entities)
        if owns or entity in c.state:
            out.append(c)
    return out


def held_data(design: Design, component: Component) -> list[str]:
    """Entities stored in `component` and the state it lists (entity names or free text)."""
    stored = [e.id for e in design.entities if e.stored_in == component.id]
    return stored + [s for s in component.state if s not in stored]


@rule(code="ST001", name="entity-in-two-primary-stores", severity=Severity.WARNING)
def entity_in_two_primary_stores(ctx: RuleContext) -> Iterator[Hit]:
    """An entity is held by two or more primary stores (databases or object stores).

    What it checks:
        For each entity, the databases and object stores that hold it: the one in
        `stored_in` plus every component listing the entity in its `state`. Caches and
        search indexes hold derived copies and do not count.

    Why it matters:
        Minimize stateful components: two stores of record for one entity must be kept in
        step by the application, and they drift (a failed second write, a partial
        migration). When they disagree nobody knows which one is right.

    Example:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          docs: {kind: database, tech: mysql, state: [User], recovery: nightly dumps}
        entities:
          User: {stored_in: db, key: id, fields: {id: uuid}}

    Use instead:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          search: {kind: search_index, tech: opensearch, state: [User], recovery: reindex}
        entities:
          User: {stored_in: db, key: id, fields: {id: uuid}}

    Evidence:
        The entity's `stored_in` and the `state` lists of the components: the model names
        each store that holds it.
    """
    design = ctx.design
    for entity in design.entities:
        stores = [c.id for c in holders(design, entity.id) if c.kind in PRIMARY_STORE_KINDS]
        if len(stores) < 2:
            continue
        owner = entity.stored_in or stores[0]
        others = [s for s in stores if s != owner]
        yield Hit(
            element=ElementRef.entity(entity.id),
            message=(
                f"entity '{entity.id}' is held by {len(stores)} primary stores "
                f"({', '.join(stores)}); they must be kept in step by hand"
            ),
            span=entity.span,
            fix=(
                f"keep '{entity.id}' in '{owner}' only; make {', '.join(others)} a derived "
                "copy (cache or search index fed from the owner) or drop it"
            ),
            evidence=f"stored_in: {entity.stored_in}; listed in state of: {', '.join(others)}",
        )


@rule(code="ST002", name="state-held-in-service", severity=Severity.WARNING)
def state_held_in_service(ctx: RuleContext) -> Iterator[Hit]:
    """A service or worker holds state (sessions, a local cache, an in-memory queue).

    What it checks:
        Components of kind `service` or `worker` with a non-empty `state` list, unless
        they declare `stateful: false` (what they hold is disposable: open connections that
        clients re-establish, a job's scratch files that a redelivered job recreates).

    Why it matters:
        Minimize stateful components: a stateless service can be restarted, replaced and
        scaled out freely, and any replica can serve any request. State kept in a replica
        is lost when it restarts, is invisible to the other replicas behind the load
        balancer (a user's session "disappears" on the next request), and forces sticky
        routing. Centralize state in one store instead.

    Example:
        # login sessions kept in each replica's memory
        components:
          api: {kind: service, tech: stateless-service, replicas: 4, state: [sessions]}

    Use instead:
        # sessions in one shared store; the service stays stateless
        components:
          api: {kind: service, tech: stateless-service, replicas: 4}
          sessions:
            kind: database
            tech: redis
            state: [sessions]
            recovery: AOF every second + replica

    Evidence:
        The component's `state` list and its resolved replica count.
    """
    for c in ctx.design.components:
        if c.kind not in COMPUTE_KINDS or not c.state or c.stateful is False:
            continue  # `stateful: false`: the author says what it holds is disposable
        replicas = ctx.resolved[c.id].replicas
        held = ", ".join(c.state)
        if replicas > 1:
            consequence = (
                f"each of its {replicas} replicas holds its own copy, so a request routed "
                "to another replica does not see it"
            )
        else:
            consequence = "it is lost on every restart and the service cannot scale out"
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"{c.kind.value} '{c.id}' holds state ({held}): {consequence}",
            span=c.span,
            fix="move the state to one shared store (a database, or Redis for sessions) "
            "and keep the service stateless",
            evidence=f"state: [{held}]; replicas: {replicas}",
        )


@rule(code="ST003", name="stateful-component-without-recovery", severity=Severity.WARNING)
def stateful_component_without_recovery(ctx: RuleContext) -> Iterator[Hit]:
    """A component holding data of record says nothing about how its state is recovered.

    What it checks:
        Stateful components (from the design or the catalog) other than caches and
        externals that are databases or hold entities or listed state, with no `recovery`.
        A queue holding no listed state is not flagged (its messages are in flight).

    Why it matters:
        Minimize stateful components: stateful components can get into a bad state — a
        lost disk, a corrupt table, a bad migration, an accidental DELETE that replicates
        everywhere. Each one needs a stated way back (backups with point-in-time restore,
        replication and failover, a rebuild from the source of truth) and a tested one.

    Example:
        # orders in a database with no way back after a bad migration
        components:
          db: {kind: database, tech: postgresql, state: [Order]}

    Use instead:
        # the recovery story is stated (and tested)
        components:
          db:
            kind: database
            tech: postgresql
            state: [Order]
            recovery: streaming replica + daily base backups + WAL archiving (PITR)

    Evidence:
        The resolved `stateful` flag (design or catalog), the data it holds, and the
        absence of `recovery`.
    """
    design = ctx.design
    for c in design.components:
        resolved = ctx.resolved[c.id]
        if not resolved.stateful or c.kind in _NOT_OURS or c.recovery is not None:
            continue
        data = held_data(design, c)
        if not traits(c.kind).relational and not data:
            continue
        what = f" ({', '.join(data)})" if data else ""
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"stateful {c.kind.value} '{c.id}' holds data{what} but states no recovery",
            span=c.span,
            fix="add `recovery:` (backups and restore point, replication and failover, or "
            "how it is rebuilt from the source of truth)",
            evidence=f"stateful: {resolved.stateful} ({resolved.source.get('stateful')})",
        )


@rule(code="ST004", name="entity-without-owning-store", severity=Severity.WARNING)
def entity_without_owning_store(ctx: RuleContext) -> Iterator[Hit]:
    """An entity of a system design is stored nowhere.

    What it checks:
        In system designs (not coding tasks), entities with no `stored_in` that no
        component lists in its `state`.

    Why it matters:
        Minimize stateful components and centralize state: every piece of state needs one
        owner. An entity with no owning store ends up spread over whatever component
        touches it (a service's memory, a cache, a queue), and nobody backs it up.

    Example:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Order: {key: id, fields: {id: uuid}}

    Use instead:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Order: {stored_in: db, key: id, fields: {id: uuid}}

    Evidence:
        The entity has no `stored_in` and appears in no component's `state`.
    """
    design = ctx.design
    if design.meta.kind != "system":
        return
    for entity in design.entities:
        if entity.stored_in is not None or holders(design, entity.id):
            continue
        stores = [c.id for c in design.components if traits(c.kind).read_source]
        candidates = f" (candidates: {', '.join(stores)})" if stores else ""
        yield Hit(
            element=ElementRef.entity(entity.id),
            message=f"entity '{entity.id}' has no owning store{candidates}",
            span=entity.span,
            fix=f"set `stored_in:` on '{entity.id}' to the one store that owns it",
            evidence="no stored_in, and no component lists it in `state`",
        )


@rule(code="ST005", name="store-holding-no-data", severity=Severity.WARNING)
def store_holding_no_data(ctx: RuleContext) -> Iterator[Hit]:
    """A database, object store or search index holds none of the design's data.

    What it checks:
        In designs that model entities, each database, object store and search index that
        no entity is stored in and whose `state` is empty.

    Why it matters:
        Minimize stateful components: every store is one more thing to provision, back
        up, monitor and recover. A store that holds none of the modelled data is either
        unnecessary or hides data the model does not show.

    Example:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
          audit: {kind: database, tech: mysql, recovery: nightly dumps}
        entities:
          Order: {stored_in: db, key: id, fields: {id: uuid}}

    Use instead:
        components:
          db: {kind: database, tech: postgresql, recovery: PITR backups}
        entities:
          Order: {stored_in: db, key: id, fields: {id: uuid}}

    Evidence:
        No entity has `stored_in` on the component and its `state` list is empty.
    """
    design = ctx.design
    if not design.entities:
        return
    kinds = kinds_where(lambda t: t.read_source)
    for c in design.components:
        if c.kind not in kinds or held_data(design, c):
            continue
        yield Hit(
            element=ElementRef.component(c.id),
            message=f"{c.kind.value} '{c.id}' holds none of the design's entities",
            span=c.span,
            fix=f"remove '{c.id}', or say what it holds (`state:` or an entity's `stored_in`)",
            evidence=f"{len(design.entities)} entities modelled, none stored in '{c.id}'",
        )
