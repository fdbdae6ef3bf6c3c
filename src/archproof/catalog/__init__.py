"""The catalog of boring components (components.yaml) and lookups into it."""

from __future__ import annotations

from functools import cache
from importlib import resources

from ruamel.yaml import YAML

from archproof.catalog.entry import CatalogEntry
from archproof.catalog.resolve import ResolvedComponent, resolve, service_time

__all__ = [
    "Catalog",
    "CatalogEntry",
    "ResolvedComponent",
    "load_catalog",
    "resolve",
    "service_time",
]


class Catalog:
    """All catalog entries by id."""

    def __init__(self, entries: tuple[CatalogEntry, ...]) -> None:
        self.entries = entries
        self._by_id = {e.id: e for e in entries}

    def get(self, tech: str | None) -> CatalogEntry | None:
        return self._by_id.get(tech) if tech else None

    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def __len__(self) -> int:
        return len(self.entries)


@cache
def load_catalog() -> Catalog:
    """The bundled catalog (parsed once). It is our own data: errors here are bugs."""
    text = resources.files("archproof.catalog").joinpath("components.yaml").read_text("utf-8")
    # The C parser (ruamel.yaml.clib) when installed: 6× faster than the pure one, which
    # every command paid at start-up; tests/test_startup.py checks both read the same.
    raw = YAML(typ="safe").load(text)
    entries = tuple(CatalogEntry.model_validate({"id": k, **v}) for k, v in raw.items())
    return Catalog(entries)
