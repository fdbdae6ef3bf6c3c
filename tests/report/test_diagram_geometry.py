"""Issue 20, problem 9: architecture SVG labels overlapped and an edge ran through a box, so
the cache seemed to call the database.

Checked geometrically on the component graph of every example, on the SVG as drawn (the
coordinates are read back from the markup, not from the layout code):

- no edge passes through a node box other than its own two ends;
- edge labels do not overlap one another, nor a node box.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from archproof.backends.report import svg
from archproof.backends.report.diagrams import component_graph
from archproof.backends.report.document import Graph, GraphEdge, GraphNode
from archproof.frontends.yaml_loader import load_design

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
NS = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def inside(self, x: float, y: float, margin: float) -> bool:
        return self.x0 + margin < x < self.x1 - margin and self.y0 + margin < y < self.y1 - margin

    def overlaps(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]


def _node_box(group: ET.Element) -> Box:
    shape = next(iter(group))
    if shape.tag == NS + "rect":
        x, y = float(shape.get("x", "0")), float(shape.get("y", "0"))
        return Box(x, y, x + float(shape.get("width", "0")), y + float(shape.get("height", "0")))
    # a store: M x,y+ry A w/2,ry 0 0 1 x+w,y+ry V y+h-ry A … Z
    n = _numbers(shape.get("d", ""))
    x, top, right, bottom, ry = n[0], n[1], n[7], n[9], n[3]
    return Box(x, top - ry, right, bottom + ry)


def _points(d: str, steps: int = 40) -> list[tuple[float, float]]:
    """Points along a path of M / L / C commands (absolute coordinates)."""
    out: list[tuple[float, float]] = []
    here = (0.0, 0.0)
    for cmd, args in re.findall(r"([MLC])([^MLC]*)", d):
        n = _numbers(args)
        if cmd == "M":
            here = (n[0], n[1])
            out.append(here)
        elif cmd == "L":
            for i in range(0, len(n), 2):
                a, b = here, (n[i], n[i + 1])
                out += [
                    (a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps)
                    for k in range(1, steps + 1)
                ]
                here = b
        else:
            for i in range(0, len(n), 6):
                p0, p1, p2, p3 = here, (n[i], n[i + 1]), (n[i + 2], n[i + 3]), (n[i + 4], n[i + 5])
                for k in range(1, steps + 1):
                    t = k / steps
                    u = 1 - t
                    out.append(
                        (
                            u**3 * p0[0]
                            + 3 * u * u * t * p1[0]
                            + 3 * u * t * t * p2[0]
                            + t**3 * p3[0],
                            u**3 * p0[1]
                            + 3 * u * u * t * p1[1]
                            + 3 * u * t * t * p2[1]
                            + t**3 * p3[1],
                        )
                    )
                here = p3
    return out


@dataclass(frozen=True)
class Drawn:
    nodes: dict[str, Box]
    edges: list[tuple[GraphEdge, list[tuple[float, float]]]]
    labels: list[tuple[str, Box]]


def _drawn(g: Graph) -> Drawn:
    root = ET.fromstring(svg.graph(g))
    node_groups = [e for e in root.iter(NS + "g") if "ap-node" in e.get("class", "").split()]
    nodes = {n.id: _node_box(e) for n, e in zip(g.nodes, node_groups, strict=True)}
    paths = [e for e in root.iter(NS + "path") if "ap-edge" in e.get("class", "").split()]
    edges = [(e, _points(p.get("d", ""))) for e, p in zip(g.edges, paths, strict=True)]
    labels: list[tuple[str, Box]] = []
    for group in root.iter(NS + "g"):
        if group.get("class") == "ap-edge-label":
            rect, text = group.find(NS + "rect"), group.find(NS + "text")
            assert rect is not None and text is not None
            x, y = float(rect.get("x", "0")), float(rect.get("y", "0"))
            w, h = float(rect.get("width", "0")), float(rect.get("height", "0"))
            labels.append((text.text or "", Box(x, y, x + w, y + h)))
    return Drawn(nodes, edges, labels)


def _graph(path: Path) -> Graph:
    return component_graph(load_design(path))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_no_edge_runs_through_a_box_other_than_its_ends(path: Path) -> None:
    drawn = _drawn(_graph(path))
    through: list[str] = []
    for edge, points in drawn.edges:
        for node, box in drawn.nodes.items():
            if node in (edge.source, edge.target):
                continue
            if any(box.inside(x, y, margin=2.0) for x, y in points):
                through.append(f"{edge.source} → {edge.target} runs through {node}")
    assert not through, "\n".join(through)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_edge_labels_overlap_neither_each_other_nor_a_box(path: Path) -> None:
    drawn = _drawn(_graph(path))
    clashes: list[str] = []
    for i, (text, box) in enumerate(drawn.labels):
        for other, obox in drawn.labels[i + 1 :]:
            if box.overlaps(obox):
                clashes.append(f"label {text!r} overlaps label {other!r}")
        for node, nbox in drawn.nodes.items():
            if box.overlaps(nbox):
                clashes.append(f"label {text!r} overlaps box {node}")
    assert not clashes, "\n".join(clashes)


def test_the_check_sees_an_edge_through_a_box() -> None:
    """The geometry test can fail: three boxes in a row, an edge from the first to the
    third drawn straight across the middle one."""
    g = Graph(
        title="t",
        nodes=(
            GraphNode(id="a", label="a", kind="service", tech="", stateful=False, column=0),
            GraphNode(id="b", label="b", kind="service", tech="", stateful=False, column=1),
            GraphNode(id="c", label="c", kind="service", tech="", stateful=False, column=2),
        ),
        edges=(GraphEdge("a", "b", ""), GraphEdge("b", "c", ""), GraphEdge("a", "c", "")),
    )
    drawn = _drawn(g)
    b = drawn.nodes["b"]
    straight = [(drawn.nodes["a"].x1 + k * 5.0, (b.y0 + b.y1) / 2) for k in range(200)]
    assert any(b.inside(x, y, margin=2.0) for x, y in straight)
    # and the layout routes the long edge around it
    _, points = drawn.edges[2]
    assert not any(b.inside(x, y, margin=2.0) for x, y in points)
