"""The `parallel` call-list item in the model: where it may stand, what it holds, and the
located error for a group directly inside a group."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from archproof.cli.app import app
from archproof.errors import DesignError
from archproof.frontends.yaml_loader import load_text
from archproof.model import CallNode, OneOf, Parallel, walk_calls

HEAD = """
meta: {name: t}
components:
  api: {kind: service, work: {handle: 1ms}}
  a: {kind: service, work: {get: 5ms}}
  b: {kind: service, work: {get: 8ms}}
operations:
"""


def test_a_group_stands_wherever_a_call_list_is() -> None:
    design = load_text(
        HEAD
        + "  op: {rate: 10/s, calls: [api.handle, {parallel: [a.get, {call: b.get, timeout: 50ms},"
        " {one_of: [{p: 50%, calls: [a.get]}]}]}]}\n"
        "  nested: {rate: 1/s, calls: [{call: api.handle, calls: [{parallel: [a.get, b.get]}]}]}\n"
        "  branch: {rate: 1/s, calls: [{one_of: [{p: 1, calls: [{parallel: [a.get, b.get]}]}]}]}\n",
        "t.yaml",
    )
    group = design.operation("op").calls[1]
    assert isinstance(group, Parallel)
    assert [type(m) for m in group.parallel] == [CallNode, CallNode, OneOf]
    assert [n.call for n in walk_calls(design.operation("op").calls)] == [
        "api.handle",
        "a.get",
        "b.get",
        "a.get",
    ]
    assert [n.call for n in walk_calls(design.operation("nested").calls)] == [
        "api.handle",
        "a.get",
        "b.get",
    ]
    assert len(walk_calls(design.operation("branch").calls)) == 2


def test_a_group_inside_a_group_is_a_located_error() -> None:
    text = HEAD + "  op: {rate: 10/s, calls: [{parallel: [a.get, {parallel: [b.get]}]}]}\n"
    with pytest.raises(DesignError) as err:
        load_text(text, "t.yaml")
    (d,) = err.value.diagnostics
    assert d.code == "AP014" and "cannot be a member of a parallel group" in d.message
    assert d.span is not None and (d.span.line, d.span.column) == (8, 47)


def test_describe_documents_the_group() -> None:
    out = CliRunner().invoke(app, ["describe", "parallel"]).output
    assert "fork-join" in out and "latency" in out.lower()
