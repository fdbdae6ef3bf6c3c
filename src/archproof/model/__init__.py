"""The design model: the typed, immutable intermediate representation every pass reads."""

from archproof.model.common import Availability, Breaker, Distribution, RateLimit, Retry
from archproof.model.components import Backup, CacheSettings, Component, ComponentKind
from archproof.model.decisions import Decision
from archproof.model.design import SCHEMA_VERSION, Design, Meta, walk_calls
from archproof.model.entities import AccessPattern, Entity, EntityField, Index, Relation
from archproof.model.events import (
    Alert,
    Event,
    Fault,
    LogPolicy,
    Metric,
    Observability,
    Redelivery,
    Scenario,
)
from archproof.model.operations import (
    Branch,
    CallItem,
    CallNode,
    Fallback,
    OneOf,
    Operation,
    OperationSlo,
    Parallel,
)
from archproof.model.principles import FRAMEWORK, Principle
from archproof.model.questions import QUESTIONS, Question
from archproof.model.ref import ElementKind, ElementRef
from archproof.model.requirements import (
    Assumption,
    Check,
    Constraint,
    ConstraintKind,
    DataVolume,
    Load,
    Requirements,
    Slos,
)

__all__ = [
    "FRAMEWORK",
    "QUESTIONS",
    "SCHEMA_VERSION",
    "AccessPattern",
    "Alert",
    "Assumption",
    "Availability",
    "Backup",
    "Branch",
    "Breaker",
    "CacheSettings",
    "CallItem",
    "CallNode",
    "Check",
    "Component",
    "ComponentKind",
    "Constraint",
    "ConstraintKind",
    "DataVolume",
    "Decision",
    "Design",
    "Distribution",
    "ElementKind",
    "ElementRef",
    "Entity",
    "EntityField",
    "Event",
    "Fallback",
    "Fault",
    "Index",
    "Load",
    "LogPolicy",
    "Meta",
    "Metric",
    "Observability",
    "OneOf",
    "Operation",
    "OperationSlo",
    "Parallel",
    "Principle",
    "Question",
    "RateLimit",
    "Redelivery",
    "Relation",
    "Requirements",
    "Retry",
    "Scenario",
    "Slos",
    "walk_calls",
]
