"""The catalog of boring components (components.yaml) and lookups into it."""

from __future__ import annotations

from functools import cache
from importlib import resources

from ruamel.yaml import YAML

from archproof.catalog.entry import CatalogEntry
from archproof.catalog.resolve import ResolvedComponent, resolve, service_time
from archproof.model import Design
from archproof.model.events import Fault

__all__ = [
    "Catalog",
    "CatalogEntry",
    "ResolvedComponent",
    "load_catalog",
    "lost_beyond_instances",
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


def lost_beyond_instances(design: Design, fault: Fault) -> str | None:
    """What is wrong with a `lose_replicas` fault that takes more instances than its
    component has (the simulator would have nothing to take them from), or None."""
    component = design.component_map.get(fault.component)
    if fault.kind != "lose_replicas" or fault.replicas is None or component is None:
        return None
    has = resolve(component, load_catalog().get(component.tech)).instances
    if fault.replicas <= has:
        return None
    return (
        f"a lose_replicas fault loses {fault.replicas} instances of '{fault.component}'; "
        f"it has {has}"
    )
