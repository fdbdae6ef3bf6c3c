"""The base every model element derives from: frozen, strict keys, a source span."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from archproof.span import Span, span_of
from archproof.units import BoundError, check_bound


class Node(BaseModel):
    """A model element. Immutable; unknown keys are errors; remembers where it was written.

    Subclasses that accept a short form in YAML override `_expand` to turn it into
    the long form; the span is captured before that so short forms keep their place.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=False)

    span: Span | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Where this element was written (set by the loader; not part of equality).",
    )

    @model_validator(mode="before")
    @classmethod
    def _attach_span(cls, data: Any) -> Any:
        span = span_of(data)
        data = cls._expand(data)
        if isinstance(data, dict) and span is not None and data.get("span") is None:
            data = {**data, "span": span}
        return data

    @classmethod
    def _expand(cls, data: Any) -> Any:
        """Turn a short form into the long form (a dict). Default: no short form."""
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _in_bounds(cls, value: Any) -> Any:
        """Every quantity in a design lies in its documented range (units.QUANTITY_BOUNDS)."""
        try:
            check_bound(value)
            if isinstance(value, Mapping):  # figures keyed by name (metric label counts)
                for item in value.values():
                    check_bound(item)
        except BoundError as err:
            raise PydanticCustomError(
                "out_of_range", "{message}", {"message": err.message, "hint": err.hint}
            ) from None
        return value

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in type(self).model_fields if name != "span")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Node)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))


def located(data: Any, extra: dict[str, Any]) -> dict[str, Any]:
    """A dict built from `extra` that keeps the span `data` carried (for short forms)."""
    span = span_of(data)
    return {**extra, "span": span} if span is not None else dict(extra)
