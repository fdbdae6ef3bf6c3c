"""A hashable node is a frozen node: the model's mappings are read-only, dumps are unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.frontends.yaml_loader import load_design, load_text
from archproof.model import Component, Design, Entity
from archproof.model.frozen import FrozenDict

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))

DESIGN = """
meta: {name: t}
components:
  api: {kind: service, work: {handle: 2ms}, accept: {OB001: fine}}
entities:
  Link:
    fields: {code: str, state: enum(new|done)}
    states: [new, done]
    transitions: {new: [done]}
accept: {ST001: fine}
answers: {Q1.1: it shortens links}
"""


def _mapping_fields(design: Design) -> list[object]:
    c, e = design.components[0], design.entities[0]
    return [c.work, c.accept, e.fields, e.transitions, e.accept, design.accept, design.answers]


def test_every_mapping_field_is_frozen() -> None:
    design = load_text(DESIGN)
    for value in _mapping_fields(design):
        assert isinstance(value, FrozenDict)
        with pytest.raises(TypeError):
            value["x"] = 1  # type: ignore[index]
        assert not hasattr(value, "pop") and not hasattr(value, "update")


def test_no_model_node_declares_a_plain_dict() -> None:
    for model in (Component, Entity, Design):
        for name, info in model.model_fields.items():
            assert "dict[" not in str(info.annotation), f"{model.__name__}.{name}"


def test_mappings_read_like_dicts() -> None:
    design = load_text(DESIGN)
    work = design.components[0].work
    assert "handle" in work and list(work) == ["handle"] and len(work) == 1
    assert work["handle"].mean_s() == pytest.approx(0.002)
    assert dict(work.items()) == {"handle": work["handle"]}
    assert design.accept == {"ST001": "fine"}  # equal to the dict it was written as
    assert {**design.accept, "X": "y"} == {"ST001": "fine", "X": "y"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_designs_hash_and_round_trip(path: Path) -> None:
    design = load_design(path)
    assert hash(design) == hash(Design.model_validate(design.model_dump()))
    dumped = design.model_dump(mode="json")
    assert all(isinstance(c["work"], dict) for c in dumped["components"])
    assert Design.model_validate(dumped) == design


def test_schema_describes_a_frozen_dict_as_an_object() -> None:
    work = Component.model_json_schema()["properties"]["work"]
    assert work["type"] == "object"
    assert work["additionalProperties"] == {"$ref": "#/$defs/Distribution"}
