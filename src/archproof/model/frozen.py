"""`FrozenDict`: the read-only, hashable mapping the frozen model nodes hold.

A frozen node must be hashable all the way down (`Node.__hash__` hashes its fields), and a
`dict` field would let anyone mutate a design behind the passes' backs. pydantic validates
and JSON-Schema-describes a `FrozenDict[K, V]` exactly as a `dict[K, V]`, then freezes the
result; `model_dump` gives a plain dict back, so dumps and schemas are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, get_args

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(Mapping[K, V]):
    """An immutable mapping; equal to any mapping with the same items (a plain dict too)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        self._data: dict[K, V] = dict(data or {})
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __hash__(self) -> int:
        if self._hash is None:  # computed once: designs are hashed as set and cache keys
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        key, value = get_args(source) or (Any, Any)
        as_dict = handler.generate_schema(dict[key, value])  # type: ignore[valid-type]
        return core_schema.no_info_after_validator_function(
            cls,
            as_dict,
            # Serialised as the dict it was written as, with nested values serialised too.
            serialization=core_schema.wrap_serializer_function_ser_schema(
                lambda v, nxt: nxt(dict(v)), schema=as_dict
            ),
        )
