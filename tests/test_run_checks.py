"""`Design.model_validate(...)` then `archproof.run(...)`: a dangling reference is the user's
located `DesignError` (the loader's code and message), never an internal KeyError."""

from __future__ import annotations

from typing import Any

import pytest

import archproof
from archproof.errors import DesignError
from archproof.frontends.located_yaml import read_yaml
from archproof.model import Design

BASE: dict[str, Any] = {
    "meta": {"name": "t"},
    "components": {
        "api": {"kind": "service", "tech": "stateless-service"},
        "db": {"kind": "database", "tech": "postgresql"},
        "jobs": {"kind": "queue", "tech": "sqs"},
    },
    "operations": {"get": {"rate": "10/s", "calls": ["api.handle", "db.read"]}},
}


def _with(**sections: Any) -> dict[str, Any]:
    return {**BASE, **sections}


CASES = {
    "call to an unknown component": (
        _with(operations={"get": {"rate": "10/s", "calls": ["api.handle", "dbs.read"]}}),
        "AP021",
        "unknown component 'dbs' in call 'dbs.read'",
    ),
    "consumes an unknown queue": (
        _with(operations={"work": {"consumes": "jbos", "calls": ["api.handle"]}}),
        "AP021",
        "unknown component 'jbos' in 'consumes'",
    ),
    "relation to an unknown entity": (
        _with(
            entities={
                "Link": {"stored_in": "db", "relations": [{"to": "Usr", "kind": "many_to_one"}]}
            }
        ),
        "AP021",
        "unknown entity 'Usr' in a relation of 'Link'",
    ),
    "entity stored in an unknown component": (
        _with(entities={"Link": {"stored_in": "dbx"}}),
        "AP021",
        "unknown component 'dbx' in 'Link.stored_in'",
    ),
    "unknown work on a component": (
        _with(
            components={**BASE["components"], "partner": {"kind": "external"}},
            operations={"get": {"rate": "10/s", "calls": ["api.handle", "partner.quote"]}},
        ),
        "AP033",
        "no service time for 'partner.quote': 'partner' has no work 'quote'",
    ),
    "fault on an unknown component": (
        _with(scenarios={"outage": {"faults": [{"component": "cache", "kind": "down"}]}}),
        "AP021",
        "unknown component 'cache'",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_run_reports_dangling_reference_as_design_error(case: str) -> None:
    data, code, message = CASES[case]
    design = Design.model_validate(data)  # the schema holds; only the references dangle
    with pytest.raises(DesignError) as info:
        archproof.run(design)
    assert [(d.code, d.message) for d in info.value.diagnostics] == [(code, message)]


def test_run_gives_the_loader_s_location_for_located_data() -> None:
    text = b"""meta: {name: t}
components:
  api: {kind: service, tech: stateless-service}
operations:
  get:
    rate: 1/s
    calls: [api.handle, dbs.read]
"""
    document, problems = read_yaml(text, "d.yaml")
    assert not problems
    with pytest.raises(DesignError) as by_run:
        archproof.run(Design.model_validate(document))
    with pytest.raises(DesignError) as by_load:
        archproof.load_text(text.decode(), "d.yaml")
    assert by_run.value.diagnostics == by_load.value.diagnostics
    (d,) = by_run.value.diagnostics
    assert d.span is not None and (d.span.file, d.span.line) == ("d.yaml", 7)
    assert str(by_run.value).startswith("d.yaml:7:")  # the location leads


def test_a_valid_design_runs_from_model_validate() -> None:
    report = archproof.run(Design.model_validate(BASE), passes=("review",))
    assert report.design.meta.name == "t"


def test_an_edited_copy_of_a_loaded_design_is_checked_again() -> None:
    loaded = archproof.load_text(
        "meta: {name: t}\ncomponents:\n  api: {kind: service, tech: stateless-service}\n"
        "operations:\n  get: {rate: 1/s, calls: [api.handle]}\n"
    )
    archproof.run(loaded, passes=("review",))
    op = loaded.operations[0]
    broken_op = op.model_copy(
        update={"calls": (op.calls[0].model_copy(update={"component": "x"}),)}
    )
    broken = loaded.model_copy(update={"operations": (broken_op,)})
    with pytest.raises(DesignError) as info:
        archproof.run(broken, passes=("review",))
    assert info.value.diagnostics[0].code == "AP021"
