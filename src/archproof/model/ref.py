"""`ElementRef`: a typed pointer at one element of a design (what a finding is about).

A reference names the element by kind and id, and optionally a part inside it by `path`
(pairs of field name and id: `("access_patterns", "by_code")`). It resolves against a
design to the element itself, its span and its `accept:` entries, so findings carry a
typed reference and each backend asks the reference, not a parsed `"kind:id"` string.
Its text form is the one the JSON and SARIF outputs have always shown: `component:db`,
`operation:redirect`, `entity:Link`, `event:clicks`, `assumption:A2`, or `design`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from archproof.span import Span

if TYPE_CHECKING:
    from archproof.model.base import Node
    from archproof.model.design import Design


class ElementKind(StrEnum):
    """The kinds of design element a finding can point at."""

    DESIGN = "design"
    COMPONENT = "component"
    OPERATION = "operation"
    ENTITY = "entity"
    EVENT = "event"
    ASSUMPTION = "assumption"


# The design's section holding each kind of element (the design itself has none); a dotted
# section sits inside another (assumptions are listed under `requirements:`).
_SECTIONS: dict[ElementKind, str] = {
    ElementKind.COMPONENT: "components",
    ElementKind.OPERATION: "operations",
    ElementKind.ENTITY: "entities",
    ElementKind.EVENT: "events",
    ElementKind.ASSUMPTION: "requirements.assumptions",
}


@dataclass(frozen=True, order=True)
class ElementRef:
    """A design element by kind and id; `path` narrows it to a named part inside it."""

    kind: ElementKind
    id: str = ""
    path: tuple[str, ...] = ()  # (field, id) pairs: ("access_patterns", "by_code")

    def __post_init__(self) -> None:
        if (self.kind is ElementKind.DESIGN) != (self.id == ""):
            raise ValueError(f"{self.kind} reference with id {self.id!r}")
        if len(self.path) % 2:
            raise ValueError(f"path {self.path!r} is not (field, id) pairs")

    @classmethod
    def design(cls) -> ElementRef:
        return cls(ElementKind.DESIGN)

    @classmethod
    def component(cls, component_id: str, *path: str) -> ElementRef:
        return cls(ElementKind.COMPONENT, component_id, path)

    @classmethod
    def operation(cls, operation_id: str, *path: str) -> ElementRef:
        return cls(ElementKind.OPERATION, operation_id, path)

    @classmethod
    def entity(cls, entity_id: str, *path: str) -> ElementRef:
        return cls(ElementKind.ENTITY, entity_id, path)

    @classmethod
    def event(cls, event_id: str, *path: str) -> ElementRef:
        return cls(ElementKind.EVENT, event_id, path)

    @classmethod
    def assumption(cls, assumption_id: str) -> ElementRef:
        return cls(ElementKind.ASSUMPTION, assumption_id)

    @classmethod
    def parse(cls, text: str) -> ElementRef:
        """The reference a `kind:id` string (or `design`) names; ValueError otherwise."""
        if text == ElementKind.DESIGN.value:
            return cls.design()
        kind, sep, ident = text.partition(":")
        if not sep or not ident or kind not in _SECTIONS:
            raise ValueError(f"not an element reference: {text!r} (expected kind:id or design)")
        return cls(ElementKind(kind), ident)

    @property
    def element(self) -> ElementRef:
        """The whole element (without the path)."""
        return ElementRef(self.kind, self.id) if self.path else self

    def __str__(self) -> str:
        return self.kind.value if self.kind is ElementKind.DESIGN else f"{self.kind}:{self.id}"

    def resolve(self, design: Design) -> Node | None:
        """The element (or the part `path` names) in `design`; None if it is not there."""
        node: Node | None = design
        if self.kind is not ElementKind.DESIGN:
            *outer, section = _SECTIONS[self.kind].split(".")
            for name in outer:
                node = getattr(node, name, None)
            node = _child(node, section, self.id) if node is not None else None
        for i in range(0, len(self.path), 2):
            if node is None:
                return None
            node = _child(node, self.path[i], self.path[i + 1])
        return node

    def span(self, design: Design) -> Span | None:
        """Where the element (or its part) is written, falling back to the whole element."""
        found = self.resolve(design)
        if found is not None and found.span is not None:
            return found.span
        whole = self.element.resolve(design) if self.path else None
        return whole.span if whole is not None else None

    def accept(self, design: Design) -> Mapping[str, str]:
        """The `accept:` entries written on the element itself (code → reason)."""
        found = self.element.resolve(design)
        accepts = getattr(found, "accept", None)
        return accepts if isinstance(accepts, Mapping) else {}


def _child(node: Node, field: str, ident: str) -> Node | None:
    from archproof.model.base import Node

    items = getattr(node, field, None)
    if isinstance(items, Mapping):
        found = items.get(ident)
        return found if isinstance(found, Node) else None
    if isinstance(items, tuple):
        return next(
            (n for n in items if isinstance(n, Node) and getattr(n, "id", None) == ident), None
        )
    return None
