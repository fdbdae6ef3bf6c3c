"""The one call-tree walker the review rules share: one_of branches, parallel groups, writes."""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.yaml_loader import load_text
from archproof.model import CallNode, Operation
from archproof.passes.review.calltree import (
    direct_calls,
    edges,
    execution_paths,
    is_purpose_write,
    tree,
    with_callers,
    writes,
)

DESIGN = """
meta: {name: tree}
components:
  api: {kind: service, tech: stateless-service}
  db: {kind: database, tech: postgresql, recovery: PITR backups}
  search: {kind: search_index, tech: opensearch, recovery: reindex}
  bus: {kind: queue, tech: kafka}
operations:
  page:
    rate: 10/s
    calls:
      - api.handle:
          timeout: 1s
          calls:
            - parallel:
                - db.read: {timeout: 100ms}
                - one_of:
                    - {p: 25%, calls: [search.search: {timeout: 100ms}]}
            - db.insert: {timeout: 100ms, on_failure: fail_open}
            - bus.publish: {async: true, timeout: 50ms}
            - db.write: {timeout: 100ms}
"""


def _op() -> Operation:
    return load_text(DESIGN, "tree.yaml").operation("page")


def test_edges_walk_parallel_groups_and_branches() -> None:
    found = {e.node.call: e for e in edges(_op())}
    assert set(found) == {
        "api.handle",
        "db.read",
        "search.search",
        "db.insert",
        "bus.publish",
        "db.write",
    }
    assert found["db.read"].in_parallel and found["search.search"].in_parallel
    assert not found["db.insert"].in_parallel
    assert found["search.search"].per_op == Fraction(1, 4)
    assert found["db.read"].caller == "api"
    assert found["db.insert"].optional and not found["db.read"].optional
    assert found["bus.publish"].handed_off and not found["db.insert"].handed_off


def test_paths_direct_calls_and_tree_spelling() -> None:
    op = _op()
    paths = [[n.call for n in p] for p in execution_paths(op.calls)]
    every = ["api.handle", "db.read", "search.search", "db.insert", "bus.publish", "db.write"]
    assert every in paths
    handle = op.calls[0]
    assert isinstance(handle, CallNode)
    assert [n.call for n in direct_calls(handle.calls)] == [
        "db.read",
        "search.search",
        "db.insert",
        "bus.publish",
        "db.write",
    ]
    spelled = [p for p, _ in tree(op.calls)]
    assert "api.handle>db.read" in spelled
    assert "api.handle[branch1]>search.search" in spelled
    enclosing = {n.call: [c.call for c in cs] for n, cs in with_callers(op.calls)}
    assert enclosing["search.search"] == ["api.handle"]


def test_writes_counts_search_index_and_upserts_but_not_lookalikes() -> None:
    def node(work: str) -> CallNode:
        return CallNode(call=f"x.{work}")

    assert writes(node("index")) and writes(node("upsert")) and writes(node("incr"))
    assert not writes(node("search")) and not writes(node("address_lookup"))
    assert not writes(CallNode(call="x.index", write=False))


def test_the_only_durable_write_of_a_write_operation_is_its_purpose() -> None:
    design = load_text(DESIGN, "tree.yaml")
    op = design.operation("page")
    insert = next(e.node for e in edges(op) if e.node.call == "db.insert")
    # two durable writes, and the page reads the database for its answer
    assert not is_purpose_write(design, op, insert)
    saved = load_text(
        """
meta: {name: save}
components:
  api: {kind: service, tech: stateless-service}
  db: {kind: database, tech: postgresql, recovery: PITR backups}
operations:
  save_search:
    rate: 10/s
    calls:
      - api.handle:
          calls: [db.insert: {timeout: 100ms, on_failure: fail_open}]
""",
        "save.yaml",
    )
    page = saved.operation("save_search")
    only = next(e.node for e in edges(page) if e.node.call == "db.insert")
    assert is_purpose_write(saved, page, only)
