"""Source spans, and the located containers the YAML loader hands to the model.

A `Span` is 1-based (line and column as editors and SARIF count). The loader wraps
YAML mappings, sequences and strings in `LocatedDict` / `LocatedList` / `LocatedStr`
so that model elements can pick up where they were written without the model
knowing anything about YAML.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """Where an element was written: file, 1-based line and column."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = Field(description="Path of the source file as given by the user.")
    line: int = Field(ge=1, description="1-based line number.")
    column: int = Field(ge=1, description="1-based column number.")

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class LocatedDict(dict[str, Any]):
    """A mapping read from a file: its own span and the span of each key and value."""

    span: Span | None = None
    key_spans: dict[str, Span]
    value_spans: dict[str, Span]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.span = None
        self.key_spans = {}
        self.value_spans = {}


class LocatedList(list[Any]):
    """A sequence read from a file: its own span and the span of each item."""

    span: Span | None = None
    item_spans: list[Span | None]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.span = None
        self.item_spans = []


class LocatedStr(str):
    """A string scalar read from a file, carrying its span."""

    span: Span | None = None

    def __new__(cls, value: str, span: Span | None = None) -> LocatedStr:
        obj = super().__new__(cls, value)
        obj.span = span
        return obj


def span_of(data: object) -> Span | None:
    """The span a located value carries, or None for plain Python data."""
    span = getattr(data, "span", None)
    return span if isinstance(span, Span) else None
