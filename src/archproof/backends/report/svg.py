"""Figures as inline SVG, drawn in Python at build time (the HTML report needs no JS).

Deterministic: the same document gives the same bytes (fixed layouts, rounded
coordinates). Every piece of text is escaped with `html.escape`; nothing from the
design reaches the SVG unescaped. Elements carry `ap-*` classes so tests (and CSS)
can find nodes, edges, bars and series.
"""

from __future__ import annotations

import math
from html import escape

import archproof.numbers as numbers
from archproof.backends.report.document import (
    BarChart,
    ErDiagram,
    ErEntity,
    Figure,
    Graph,
    GraphNode,
    LineChart,
    Sequence,
)

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
MONO = "ui-monospace, 'SF Mono', Menlo, Consolas, 'Liberation Mono', monospace"
INK = "#1f2933"
MUTED = "#616e7c"
LINE = "#9aa5b1"
GRID = "#e4e7eb"
ACCENT = "#2f5d8a"
TONE_COLOR = {"good": "#3f8f5f", "warn": "#c98a1b", "bad": "#c0392b", "": ACCENT, "muted": LINE}
SERIES = ("#2f5d8a", "#c0392b", "#3f8f5f", "#8e44ad", "#c98a1b", "#16a085")

# Fill and stroke per component kind: stateless boxes are light, stores are warmer.
KIND_STYLE: dict[str, tuple[str, str]] = {
    "client": ("#f5f7fa", "#9aa5b1"),
    "cdn": ("#eef4fb", "#5b84b1"),
    "load_balancer": ("#eef4fb", "#5b84b1"),
    "service": ("#eaf2fb", "#2f5d8a"),
    "worker": ("#eef6f0", "#3f8f5f"),
    "database": ("#fdf3e6", "#b9770e"),
    "cache": ("#fbeeee", "#b04a3f"),
    "queue": ("#f3eefa", "#7d5ba6"),
    "object_store": ("#fdf3e6", "#b9770e"),
    "search_index": ("#fdf3e6", "#b9770e"),
    "external": ("#f5f7fa", "#616e7c"),
}
STORE_KINDS = frozenset({"database", "cache", "object_store", "search_index"})


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing zeros, no '-0'."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _t(text: str) -> str:
    return escape(text, quote=True)


def _width(text: str, size: float) -> float:
    """Rough rendered width of `text` at font `size` (proportional sans-serif)."""
    return len(text) * size * 0.56


def _clip(text: str, size: float, room: float) -> str:
    if _width(text, size) <= room:
        return text
    keep = max(1, int(room / (size * 0.56)) - 1)
    return text[:keep] + "…"


def _svg(cls: str, width: float, height: float, body: list[str], title: str) -> str:
    head = (
        f'<svg class="ap-figure {cls}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'role="img" aria-label="{_t(title)}" font-family="{_t(FONT)}">'
    )
    return "\n".join([head, f"<title>{_t(title)}</title>", *body, "</svg>"])


def _arrow_defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{MUTED}"/></marker>'
        f'<marker id="{prefix}-open" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10" fill="none" '
        f'stroke="{MUTED}" stroke-width="1.6"/></marker>'
        "</defs>"
    )


def render(fig: Figure, index: int = 0) -> str:
    """Any figure of the document as an SVG string; `index` keeps marker ids unique."""
    if isinstance(fig, Graph):
        return graph(fig, index)
    if isinstance(fig, Sequence):
        return sequence(fig, index)
    if isinstance(fig, ErDiagram):
        return er(fig)
    if isinstance(fig, BarChart):
        return bars(fig)
    return lines(fig)


# --------------------------------------------------------------------------- component graph

NODE_W, NODE_H, GAP_X, GAP_Y, PAD, VIRTUAL_W = 140.0, 60.0, 100.0, 28.0, 20.0, 86.0


def _order_columns(g: Graph) -> dict[int, list[GraphNode]]:
    """Nodes per column, ordered by the mean row of their callers (one barycentre pass)."""
    columns: dict[int, list[GraphNode]] = {}
    for node in g.nodes:
        columns.setdefault(node.column, []).append(node)
    row: dict[str, float] = {}
    index = {n.id: i for i, n in enumerate(g.nodes)}
    for col in sorted(columns):
        nodes = columns[col]

        def key(node: GraphNode) -> tuple[float, int]:
            callers = [row[e.source] for e in g.edges if e.target == node.id and e.source in row]
            mean = sum(callers) / len(callers) if callers else float(index[node.id])
            return (mean, index[node.id])

        nodes.sort(key=key)
        for i, node in enumerate(nodes):
            row[node.id] = float(i) - (len(nodes) - 1) / 2
    return columns


GAP_ROW, GAP_SIDE, MAX_WIDE = 64.0, 26.0, 1120.0
WAYPOINT = 14.0  # room a long edge takes in a layer it crosses (between that layer's boxes)
LABEL_H = 15.0

Box = tuple[float, float, float, float]  # x, y, width, height
Point = tuple[float, float]


def _waypoints(
    g: Graph, layers: dict[int, list[GraphNode]]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Every layer's items in order (node ids, and a waypoint for each edge that crosses
    the layer), and each edge's waypoints in the order it passes them.

    An edge between layers that are not neighbours passes the layers in between through a
    slot of its own, so it never runs through a box there (the way a layered drawing
    gives a long edge dummy nodes). A slot sits between the boxes, at the height the edge
    would have there on a straight line from its source to its target.
    """
    row = {n.id: i - (len(ns) - 1) / 2 for ns in layers.values() for i, n in enumerate(ns)}
    layer = {n.id: n.column for ns in layers.values() for n in ns}
    keyed: dict[int, list[tuple[float, int, str]]] = {
        c: [(row[n.id], 0, n.id) for n in ns] for c, ns in layers.items()
    }
    via: dict[int, list[str]] = {}
    for i, e in enumerate(g.edges):
        if e.source not in layer or e.target not in layer:
            continue
        a, b = layer[e.source], layer[e.target]
        step = 1 if b > a else -1
        for k in range(a + step, b, step) if abs(b - a) > 1 else ():
            key = row[e.source] + (row[e.target] - row[e.source]) * (k - a) / (b - a)
            slot = f"\0{i}:{k}"  # no component id holds a NUL
            keyed.setdefault(k, []).append((key, 1, slot))
            via.setdefault(i, []).append(slot)
    items = {c: [s for _, _, s in sorted(v, key=lambda t: (t[0], t[1]))] for c, v in keyed.items()}
    return items, via


def _layout(
    g: Graph, items: dict[int, list[str]], vertical: bool
) -> tuple[dict[str, Box], float, float]:
    """Box of every node and waypoint slot, and the drawing's size.

    Horizontal: layers are columns (left to right by call depth), items stacked in each.
    Vertical: layers are rows (top to bottom), items side by side; used for wide graphs.
    """
    count = max(items, default=0) + 1
    virtual = {n.id for n in g.nodes if n.virtual}
    nodes = {n.id for n in g.nodes}

    def width(item: str) -> float:
        return VIRTUAL_W if item in virtual else NODE_W

    boxes: dict[str, Box] = {}
    if not vertical:

        def tall(item: str) -> float:
            return NODE_H if item in nodes else WAYPOINT

        col_w = [
            max((width(i) for i in items.get(c, []) if i in nodes), default=NODE_W)
            for c in range(count)
        ]
        spans = {c: sum(map(tall, v)) + (len(v) - 1) * GAP_Y for c, v in items.items()}
        span = max(spans.values(), default=NODE_H)
        for col, column in items.items():
            x = PAD + sum(col_w[:col]) + col * GAP_X
            y = PAD + (span - spans[col]) / 2
            for item in column:
                boxes[item] = (x, y, col_w[col], tall(item))
                y += tall(item) + GAP_Y
        return boxes, PAD * 2 + sum(col_w) + (count - 1) * GAP_X, PAD * 2 + span + 40

    def wide(item: str) -> float:
        return width(item) if item in nodes else WAYPOINT

    row_w = {r: sum(map(wide, v)) + (len(v) - 1) * GAP_SIDE for r, v in items.items()}
    widest = max(row_w.values(), default=NODE_W)
    for r, row in items.items():
        x = PAD + 60 + (widest - row_w[r]) / 2
        y = PAD + r * (NODE_H + GAP_ROW)
        for item in row:
            boxes[item] = (x, y, wide(item), NODE_H)
            x += wide(item) + GAP_SIDE
    height = PAD * 2 + count * NODE_H + (count - 1) * GAP_ROW + 40
    return boxes, PAD * 2 + widest + 120, height


def _route(
    src: Box, dst: Box, slots: list[Box], gap: int, so: float, ti: float, vertical: bool
) -> tuple[list[Point], list[tuple[Point, Point]]]:
    """The points an edge passes (start, each slot's entry and exit, end) and the parts of
    it that cross a gap between layers (where its label may go). Between layers the edge
    is a curve whose control points stay in the gap; through a slot, a straight line."""
    sx, sy, sw, sh = src
    tx, ty, tw, th = dst
    if gap == 0:  # the same layer: out and back in on the far side of both boxes
        if vertical:
            p0, p3 = (sx + sw / 2 + so, sy + sh), (tx + tw / 2 + ti, ty + th)
            return [p0, p3], [(p0, p3)]
        p0, p3 = (sx + sw, sy + sh / 2 + so), (tx + tw, ty + th / 2 + ti)
        return [p0, p3], [(p0, p3)]
    forward = gap > 0
    if vertical:
        start = (sx + sw / 2 + so, sy + sh if forward else sy)
        end = (tx + tw / 2 + ti, ty if forward else ty + th)
        passes = [
            ((x + w / 2, y if forward else y + h), (x + w / 2, y + h if forward else y))
            for x, y, w, h in slots
        ]
    else:
        start = (sx + sw if forward else sx, sy + sh / 2 + so)
        end = (tx if forward else tx + tw, ty + th / 2 + ti)
        passes = [
            ((x if forward else x + w, y + h / 2), (x + w if forward else x, y + h / 2))
            for x, y, w, h in slots
        ]
    points = [start, *(p for pair in passes for p in pair), end]
    gaps = [(points[k], points[k + 1]) for k in range(0, len(points), 2)]
    return points, gaps


def _curve(a: Point, b: Point, vertical: bool) -> tuple[Point, Point]:
    """Control points of the curve across one gap: tangents along the layer axis, halfway."""
    if vertical:
        mid = (b[1] - a[1]) / 2
        return (a[0], a[1] + mid), (b[0], b[1] - mid)
    mid = (b[0] - a[0]) / 2
    return (a[0] + mid, a[1]), (b[0] - mid, b[1])


def _loop(a: Point, b: Point, vertical: bool) -> tuple[Point, Point]:
    """Control points of an edge back into its own layer, bulging into the gap after it."""
    if vertical:
        return (a[0], a[1] + 30), (b[0], b[1] + 30)
    return (a[0] + 46, a[1]), (b[0] + 46, b[1])


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    u = 1 - t
    x = u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
    y = u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
    return x, y


def _path(points: list[Point], gap: int, vertical: bool) -> tuple[str, list[tuple[Point, ...]]]:
    """SVG path data through `points`, and the curves across gaps as control points."""
    curves: list[tuple[Point, ...]] = []
    d = [f"M{_n(points[0][0])},{_n(points[0][1])}"]
    for k in range(0, len(points) - 1, 2):
        a, b = points[k], points[k + 1]
        c1, c2 = _loop(a, b, vertical) if gap == 0 else _curve(a, b, vertical)
        curves.append((a, c1, c2, b))
        d.append(f"C{_n(c1[0])},{_n(c1[1])} {_n(c2[0])},{_n(c2[1])} {_n(b[0])},{_n(b[1])}")
        if k + 2 < len(points):  # straight through the next layer's slot
            d.append(f"L{_n(points[k + 2][0])},{_n(points[k + 2][1])}")
    return " ".join(d), curves


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _label_box(curves: list[tuple[Point, ...]], w: float, vertical: bool, taken: list[Box]) -> Box:
    """Where an edge's label goes: on the edge in a gap between layers (clamped inside the
    gap so it covers no box), nudged along the edge, then sideways, until it overlaps no
    label placed before; the middle of the edge if nothing is free."""
    options: list[Box] = []
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        for nudge in (0.0, -18.0, 18.0, -36.0, 36.0):
            for p0, p1, p2, p3 in curves:
                x, y = _bezier(p0, p1, p2, p3, t)
                # the gap's extent along the layer axis: between the two ends, or for an
                # edge back into its own layer, the bulge beside it
                axis = 1 if vertical else 0
                lo, hi = sorted((p0[axis], p3[axis]))
                if hi - lo < 1:
                    hi = lo + (GAP_ROW if vertical else GAP_X)
                if vertical:
                    y = min(max(y, lo + LABEL_H / 2 + 2), hi - LABEL_H / 2 - 2)
                    x += nudge * 2
                else:
                    x = min(max(x, lo + w / 2 + 2), hi - w / 2 - 2)
                    y += nudge
                options.append((x - w / 2, y - LABEL_H / 2, w, LABEL_H))
    free = next((b for b in options if not any(_overlaps(b, o) for o in taken)), None)
    return free if free is not None else options[0]


def graph(g: Graph, index: int = 0) -> str:
    layers = _order_columns(g)
    items, via = _waypoints(g, layers)
    boxes, width, height = _layout(g, items, vertical=False)
    vertical = width > MAX_WIDE
    if vertical:
        boxes, width, height = _layout(g, items, vertical=True)
    layer = {n.id: n.column for n in g.nodes}
    prefix = f"g{index}"
    body = [_arrow_defs(prefix)]
    body.append('<g class="ap-edges">')
    # Ports: spread several edges over the side of a box so arrows do not overlap.
    outs: dict[str, list[int]] = {}
    ins: dict[str, list[int]] = {}
    for i, e in enumerate(g.edges):
        outs.setdefault(e.source, []).append(i)
        ins.setdefault(e.target, []).append(i)
    labels: list[str] = []
    # labels avoid the boxes and each other (an edge may still cross a label's background)
    taken: list[Box] = [boxes[n.id] for n in g.nodes if n.id in boxes]
    room = GAP_ROW * 2 if vertical else GAP_X
    for i, e in enumerate(g.edges):
        if e.source not in boxes or e.target not in boxes:
            continue
        side = NODE_W - 30 if vertical else NODE_H - 16
        gap = layer[e.target] - layer[e.source]
        points, _ = _route(
            boxes[e.source],
            boxes[e.target],
            [boxes[s] for s in via.get(i, [])],
            gap,
            _port(outs[e.source], i, side),
            _port(ins[e.target], i, side),
            vertical,
        )
        d, curves = _path(points, gap, vertical)
        dash = ' stroke-dasharray="6 4"' if e.async_ else ""
        cls = "ap-edge ap-async" if e.async_ else "ap-edge ap-sync"
        body.append(
            f'<path class="{cls}" d="{d}" fill="none" stroke="{MUTED}" stroke-width="1.4"{dash} '
            f'marker-end="url(#{prefix}-{"open" if e.async_ else "arrow"})"/>'
        )
        if e.label:
            text = _clip(e.label, 10.5, room - 16)
            w = _width(text, 10.5) + 8
            lx, ly, _, _ = _label_box(curves, w, vertical, taken)
            taken.append((lx, ly, w, LABEL_H))
            labels.append(
                f'<g class="ap-edge-label"><rect x="{_n(lx)}" y="{_n(ly)}" '
                f'width="{_n(w)}" height="15" rx="3" fill="#ffffff" fill-opacity="0.92"/>'
                f'<text x="{_n(lx + w / 2)}" y="{_n(ly + 11.5)}" font-size="10.5" '
                f'text-anchor="middle" fill="{MUTED}" font-family="{_t(MONO)}">'
                f"{_t(text)}</text></g>"
            )
    body.append("</g>")
    body += labels
    body.append('<g class="ap-nodes">')
    for node in g.nodes:
        x, y, w, _ = boxes[node.id]
        body.append(_node(node, x, y, w))
    body.append("</g>")
    body.append(_graph_legend(width, height))
    return _svg("ap-graph", width, height, body, g.title)


def _port(edges: list[int], i: int, side: float) -> float:
    """Offset of edge `i` among the edges sharing one side of a box."""
    if len(edges) <= 1:
        return 0.0
    k = edges.index(i)
    span = min(side, 14.0 * (len(edges) - 1))
    return -span / 2 + span * k / (len(edges) - 1)


def _node(node: GraphNode, x: float, y: float, w: float) -> str:
    fill, stroke = KIND_STYLE.get(node.kind, ("#f5f7fa", "#616e7c"))
    weight = "2.4" if node.stateful else "1.2"
    cls = "ap-node ap-stateful" if node.stateful else "ap-node"
    parts = [f'<g class="{cls}" data-kind="{_t(node.kind)}">']
    if node.virtual:
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y + 8)}" width="{_n(w)}" height="{_n(NODE_H - 16)}" '
            f'rx="{_n((NODE_H - 16) / 2)}" fill="{fill}" stroke="{stroke}" stroke-width="1.2" '
            'stroke-dasharray="3 3"/>'
        )
        parts.append(
            f'<text x="{_n(x + w / 2)}" y="{_n(y + NODE_H / 2 + 4.5)}" font-size="13" '
            f'text-anchor="middle" fill="{INK}">{_t(_clip(node.label, 13, w - 16))}</text>'
        )
        parts.append("</g>")
        return "".join(parts)
    if node.kind in STORE_KINDS:
        ry = 7.0
        parts.append(
            f'<path d="M{_n(x)},{_n(y + ry)} A{_n(w / 2)},{_n(ry)} 0 0 1 {_n(x + w)},'
            f"{_n(y + ry)} V{_n(y + NODE_H - ry)} A{_n(w / 2)},{_n(ry)} 0 0 1 {_n(x)},"
            f'{_n(y + NODE_H - ry)} Z" fill="{fill}" stroke="{stroke}" stroke-width="{weight}"/>'
        )
        parts.append(
            f'<path d="M{_n(x)},{_n(y + ry)} A{_n(w / 2)},{_n(ry)} 0 0 0 {_n(x + w)},'
            f'{_n(y + ry)}" fill="none" stroke="{stroke}" stroke-width="1"/>'
        )
        top = y + 6
    else:
        rx = "4" if node.kind != "queue" else "2"
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(NODE_H)}" rx="{rx}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{weight}"/>'
        )
        if node.kind == "queue":
            for k in range(3):
                qx = x + w - 14 - k * 6
                parts.append(
                    f'<line x1="{_n(qx)}" y1="{_n(y + 8)}" x2="{_n(qx)}" y2="{_n(y + 18)}" '
                    f'stroke="{stroke}" stroke-width="1.4"/>'
                )
        top = y
    parts.append(
        f'<text x="{_n(x + 10)}" y="{_n(top + 15)}" font-size="9.5" letter-spacing="0.06em" '
        f'fill="{stroke}" font-weight="600">{_t(node.kind.replace("_", " ").upper())}</text>'
    )
    parts.append(
        f'<text class="ap-node-label" x="{_n(x + 10)}" y="{_n(top + 33)}" font-size="15" '
        f'font-weight="600" fill="{INK}">{_t(_clip(node.label, 15, w - 20))}</text>'
    )
    if node.tech:
        parts.append(
            f'<text x="{_n(x + 10)}" y="{_n(top + 48)}" font-size="11.5" fill="{MUTED}">'
            f"{_t(_clip(node.tech, 11.5, w - 36))}</text>"
        )
    if node.stateful:
        cx, cy = x + w - 12, y + NODE_H - 12
        parts.append(
            f'<path class="ap-state-mark" d="M{_n(cx)},{_n(cy - 5)} L{_n(cx + 5)},{_n(cy)} '
            f'L{_n(cx)},{_n(cy + 5)} L{_n(cx - 5)},{_n(cy)} Z" fill="{stroke}"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def _graph_legend(width: float, height: float) -> str:
    y = height - 16
    x = PAD
    return (
        f'<g class="ap-legend" font-size="11" fill="{MUTED}">'
        f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 28)}" y2="{_n(y)}" stroke="{MUTED}" '
        'stroke-width="1.4"/>'
        f'<text x="{_n(x + 34)}" y="{_n(y + 4)}">synchronous call</text>'
        f'<line x1="{_n(x + 150)}" y1="{_n(y)}" x2="{_n(x + 178)}" y2="{_n(y)}" stroke="{MUTED}" '
        'stroke-width="1.4" stroke-dasharray="6 4"/>'
        f'<text x="{_n(x + 184)}" y="{_n(y + 4)}">asynchronous hand-off</text>'
        f'<path d="M{_n(x + 330)},{_n(y - 5)} L{_n(x + 335)},{_n(y)} L{_n(x + 330)},{_n(y + 5)} '
        f'L{_n(x + 325)},{_n(y)} Z" fill="{MUTED}"/>'
        f'<text x="{_n(x + 342)}" y="{_n(y + 4)}">holds state (thick border)</text>'
        "</g>"
    )


# --------------------------------------------------------------------------- sequence


def sequence(seq: Sequence, index: int = 0) -> str:
    n = len(seq.participants)
    col = min(190.0, max(118.0, 780.0 / max(1, n - 1) if n > 1 else 190.0))
    head_w = min(col - 14, 150.0)
    xs = {pid: PAD + head_w / 2 + i * col for i, (pid, _) in enumerate(seq.participants)}
    width = PAD * 2 + head_w + (n - 1) * col
    top = PAD + 34
    y = top + 16
    prefix = f"s{index}"
    arrows: list[str] = []
    frames: list[str] = []
    open_frames: list[tuple[float, int]] = []
    depth = 0
    right = width
    for m in seq.messages:
        if m.kind == "group_start":
            open_frames.append((y, depth))
            depth += 1
            frames.append(_frame_label(PAD - 12 + depth * 5, y, m.label, first=True))
            y += 24
        elif m.kind == "group_else":
            inset = PAD - 12 + depth * 5
            frames.append(
                f'<line x1="{_n(inset)}" y1="{_n(y - 4)}" x2="{_n(width - inset)}" '
                f'y2="{_n(y - 4)}" stroke="{LINE}" stroke-dasharray="4 3"/>'
            )
            frames.append(_frame_label(inset, y - 4, m.label, first=False))
            y += 22
        elif m.kind == "group_end":
            start, d = open_frames.pop()
            depth -= 1
            inset = PAD - 12 + (d + 1) * 5
            frames.insert(
                0,
                f'<rect class="ap-seq-group" x="{_n(inset)}" y="{_n(start - 4)}" '
                f'width="{_n(width - 2 * inset)}" height="{_n(y - start)}" rx="4" '
                f'fill="#f8fafc" stroke="{LINE}"/>',
            )
            y += 12
        else:
            x1, x2 = xs[m.source], xs[m.target]
            reply = m.kind == "reply"
            if m.note:
                y += 12
            dash = ' stroke-dasharray="5 4"' if reply or m.kind == "async" else ""
            marker = "open" if m.kind in ("async", "reply") else "arrow"
            shrink = 2 if x2 > x1 else -2
            arrows.append(
                f'<line class="ap-msg ap-msg-{m.kind}" x1="{_n(x1)}" y1="{_n(y)}" '
                f'x2="{_n(x2 - shrink)}" y2="{_n(y)}" stroke="{MUTED if reply else INK}" '
                f'stroke-width="1.3"{dash} marker-end="url(#{prefix}-{marker})"/>'
            )
            anchor = min(x1, x2) + 8
            halo = 'paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
            if m.label:
                lift = 18 if m.note else 6
                arrows.append(
                    f'<text x="{_n(anchor)}" y="{_n(y - lift)}" font-size="12" font-weight="600" '
                    f'fill="{INK}" {halo}>{_t(m.label)}</text>'
                )
                right = max(right, anchor + _width(m.label, 12) + PAD)
            if m.note:
                arrows.append(
                    f'<text class="ap-msg-note" x="{_n(anchor)}" y="{_n(y - 5)}" font-size="10" '
                    f'fill="{MUTED}" {halo}>{_t(m.note)}</text>'
                )
                right = max(right, anchor + _width(m.note, 10) + PAD)
            y += 26 if not reply else 20
    height = y + 6 + PAD
    body: list[str] = [_arrow_defs(prefix), *frames]
    for pid, _ in seq.participants:
        x = xs[pid]
        body.append(
            f'<line class="ap-lifeline" x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" '
            f'y2="{_n(height - PAD)}" stroke="#d3d9e0" stroke-width="1.2"/>'
        )
    for pid, text in seq.participants:
        x = xs[pid]
        body.append(
            f'<g class="ap-participant"><rect x="{_n(x - head_w / 2)}" y="{_n(PAD)}" '
            f'width="{_n(head_w)}" height="28" rx="4" fill="#eaf2fb" stroke="{ACCENT}"/>'
            f'<text x="{_n(x)}" y="{_n(PAD + 18.5)}" font-size="13" font-weight="600" '
            f'text-anchor="middle" fill="{INK}">{_t(_clip(text, 13, head_w - 12))}</text></g>'
        )
    body += arrows
    return _svg("ap-seq", max(width, right), height, body, f"Sequence: {seq.title}")


def _frame_label(x: float, y: float, label: str, *, first: bool) -> str:
    word = "alt" if first else "else"
    text = f"{word}  {label}"
    w = _width(text, 11.5) + 16
    return (
        f'<g class="ap-seq-branch"><path d="M{_n(x)},{_n(y - 4)} h{_n(w)} v12 l-6,6 '
        f'h{_n(-(w - 6))} z" fill="#e4ebf3" stroke="{LINE}"/><text x="{_n(x + 7)}" '
        f'y="{_n(y + 9)}" font-size="11.5" fill="{INK}"><tspan font-weight="700">{word}</tspan>'
        f" {_t(label)}</text></g>"
    )


# --------------------------------------------------------------------------- ER diagram

ER_W, ER_ROW, ER_HEAD, ER_GAP = 230.0, 19.0, 40.0, 120.0


def er(d: ErDiagram) -> str:
    per_row = 3
    boxes: dict[str, tuple[float, float, float]] = {}  # name → x, y, height
    tallest_in_row: dict[int, float] = {}
    for i, e in enumerate(d.entities):
        h = ER_HEAD + ER_ROW * max(1, len(e.fields)) + 8
        r = i // per_row
        tallest_in_row[r] = max(tallest_in_row.get(r, 0.0), h)
    y_of_row: dict[int, float] = {}
    y = PAD
    for r in sorted(tallest_in_row):
        y_of_row[r] = y
        y += tallest_in_row[r] + 60
    height = y - 60 + PAD
    ncols = min(per_row, max(1, len(d.entities)))
    width = PAD * 2 + ncols * ER_W + (ncols - 1) * ER_GAP
    body: list[str] = []
    for i, e in enumerate(d.entities):
        x = PAD + (i % per_row) * (ER_W + ER_GAP)
        by = y_of_row[i // per_row]
        h = ER_HEAD + ER_ROW * max(1, len(e.fields)) + 8
        boxes[e.name] = (x, by, h)
    lines_out: list[str] = []
    for rel in d.relations:
        if rel.source not in boxes or rel.target not in boxes:
            continue
        sx, sy, sh = boxes[rel.source]
        tx, ty, _ = boxes[rel.target]
        src_field = next(
            (k for k, f in enumerate(_entity(d, rel.source).fields) if f.name == rel.label),
            None,
        )
        y1 = (
            sy + ER_HEAD + ER_ROW * src_field + ER_ROW / 2 if src_field is not None else sy + sh / 2
        )
        y2 = ty + ER_HEAD / 2 - 6
        if tx > sx:
            x1, x2 = sx + ER_W, tx
        elif tx < sx:
            x1, x2 = sx, tx + ER_W
        else:
            x1, x2 = sx + ER_W, tx + ER_W
        bend = 50.0 if tx != sx else 60.0
        c1 = x1 + (bend if x1 >= sx + ER_W else -bend)
        c2 = x2 + (-bend if x2 == tx else bend)
        lines_out.append(
            f'<path class="ap-rel" d="M{_n(x1)},{_n(y1)} C{_n(c1)},{_n(y1)} {_n(c2)},{_n(y2)} '
            f'{_n(x2)},{_n(y2)}" fill="none" stroke="{MUTED}" stroke-width="1.3"/>'
        )
        many_src = rel.kind in ("many_to_one", "many_to_many")
        many_dst = rel.kind in ("one_to_many", "many_to_many")
        for x, yy, many, toward in ((x1, y1, many_src, c1), (x2, y2, many_dst, c2)):
            lines_out.append(_cardinality(x, yy, many, 1.0 if toward > x else -1.0))
        lines_out.append(
            f'<text x="{_n((x1 + x2) / 2)}" y="{_n((y1 + y2) / 2 - 6)}" font-size="10.5" '
            f'text-anchor="middle" fill="{MUTED}" font-family="{_t(MONO)}">'
            f"{_t(_clip(rel.label, 10.5, ER_GAP - 10))}</text>"
        )
    for e in d.entities:
        x, by, h = boxes[e.name]
        parts = [
            f'<g class="ap-entity"><rect x="{_n(x)}" y="{_n(by)}" width="{_n(ER_W)}" '
            f'height="{_n(h)}" rx="5" fill="#ffffff" stroke="{ACCENT}" stroke-width="1.3"/>',
            f'<path d="M{_n(x)},{_n(by + 5)} a5,5 0 0 1 5,-5 h{_n(ER_W - 10)} a5,5 0 0 1 5,5 '
            f'v{_n(ER_HEAD - 13)} h{_n(-ER_W)} z" fill="#eaf2fb"/>',
            f'<text x="{_n(x + 10)}" y="{_n(by + 19)}" font-size="14" font-weight="700" '
            f'fill="{INK}">{_t(_clip(e.name, 14, ER_W - 20))}</text>',
        ]
        if e.store:
            parts.append(
                f'<text x="{_n(x + ER_W - 10)}" y="{_n(by + 19)}" font-size="10.5" '
                f'text-anchor="end" fill="{MUTED}">in {_t(_clip(e.store, 10.5, 90))}</text>'
            )
        for k, f in enumerate(e.fields):
            fy = by + ER_HEAD + ER_ROW * k + 13
            tag = "PK" if f.key else "FK" if f.ref else "UK" if f.unique else ""
            if tag:
                color = {"PK": "#b9770e", "FK": ACCENT, "UK": "#3f8f5f"}[tag]
                parts.append(
                    f'<text x="{_n(x + 10)}" y="{_n(fy)}" font-size="9.5" font-weight="700" '
                    f'fill="{color}">{tag}</text>'
                )
            name = f.name + ("?" if f.nullable else "")
            parts.append(
                f'<text x="{_n(x + 32)}" y="{_n(fy)}" font-size="11.5" fill="{INK}" '
                f'font-family="{_t(MONO)}">{_t(_clip(name, 11.5 * 1.05, 110))}</text>'
                f'<text x="{_n(x + ER_W - 10)}" y="{_n(fy)}" font-size="11" text-anchor="end" '
                f'fill="{MUTED}" font-family="{_t(MONO)}">{_t(_clip(f.type, 11 * 1.05, 80))}</text>'
            )
        parts.append("</g>")
        body.append("".join(parts))
    return _svg("ap-er", width, height, [*lines_out, *body], d.title)


def _entity(d: ErDiagram, name: str) -> ErEntity:
    return next(e for e in d.entities if e.name == name)


def _cardinality(x: float, y: float, many: bool, direction: float) -> str:
    """Crow's foot (many) or a bar (one) at the end of a relation line."""
    near = x + direction * 12
    if many:
        return (
            f'<path d="M{_n(near)},{_n(y)} L{_n(x)},{_n(y - 6)} M{_n(near)},{_n(y)} '
            f'L{_n(x)},{_n(y + 6)} M{_n(near)},{_n(y)} L{_n(x)},{_n(y)}" stroke="{MUTED}" '
            'stroke-width="1.3" fill="none"/>'
        )
    return (
        f'<path d="M{_n(near)},{_n(y - 6)} L{_n(near)},{_n(y + 6)}" stroke="{MUTED}" '
        'stroke-width="1.3" fill="none"/>'
    )


# --------------------------------------------------------------------------- bar chart


def bars(chart: BarChart) -> str:
    label_w = min(220.0, max(90.0, max((_width(b.label, 12) for b in chart.bars), default=60) + 16))
    track = 520.0
    top = max(1.2, max((b.value for b in chart.bars), default=1.0) * 1.05)
    top = min(top, 3.0)
    bar_h, gap = 18.0, 10.0
    width = PAD + label_w + track + 70 + PAD
    height = PAD + 18 + len(chart.bars) * (bar_h + gap) + 10 + PAD

    def sx(v: float) -> float:
        return PAD + label_w + track * min(v, top) / top

    body: list[str] = []
    y0 = PAD + 18
    for i, b in enumerate(chart.bars):
        y = y0 + i * (bar_h + gap)
        color = TONE_COLOR.get(b.tone, ACCENT)
        w = max(1.0, sx(b.value) - sx(0))
        body.append(
            f'<g class="ap-bar-row"><text x="{_n(PAD + label_w - 10)}" y="{_n(y + bar_h / 2 + 4)}" '
            f'font-size="12" text-anchor="end" fill="{INK}">'
            f"{_t(_clip(b.label, 12, label_w - 14))}</text>"
            f'<rect x="{_n(sx(0))}" y="{_n(y)}" width="{_n(track)}" height="{_n(bar_h)}" '
            f'fill="#f1f4f8" rx="2"/>'
            f'<rect class="ap-bar" x="{_n(sx(0))}" y="{_n(y)}" width="{_n(w)}" '
            f'height="{_n(bar_h)}" fill="{color}" rx="2"/>'
            f'<text x="{_n(sx(0) + w + 6)}" y="{_n(y + bar_h / 2 + 4)}" font-size="11.5" '
            f'fill="{INK}" font-weight="600">{_t(_pct(b.value))}</text></g>'
        )
    for mark in chart.marks:
        x = sx(mark)
        body.append(
            f'<line class="ap-mark" x1="{_n(x)}" y1="{_n(y0 - 6)}" x2="{_n(x)}" '
            f'y2="{_n(height - PAD)}" stroke="{LINE if mark < 1 else "#c0392b"}" '
            'stroke-dasharray="3 3" stroke-width="1"/>'
            f'<text x="{_n(x)}" y="{_n(y0 - 10)}" font-size="10.5" text-anchor="middle" '
            f'fill="{MUTED}">{_n(mark * 100)}%</text>'
        )
    return _svg("ap-bars", width, height, body, chart.title)


def _pct(value: float) -> str:
    return numbers.percent(value)


# --------------------------------------------------------------------------- line chart


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    out: list[float] = []
    v = start
    while v <= hi + step * 1e-9:
        out.append(round(v, 10))
        v += step
    if out[-1] < hi:  # the top tick must cover the data, or the plot clips it
        out.append(round(v, 10))
    return out


def lines(chart: LineChart) -> str:
    width, height = 640.0, 300.0
    left, right, top, bottom = 64.0, 150.0, 20.0, 46.0
    xs = [x for s in chart.series for x, _ in s.points]
    ys = [y for s in chart.series for _, y in s.points if y is not None]
    ys += [y for _, y in chart.limits]
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    for _, a, b in chart.spans:
        x_lo, x_hi = min(x_lo, a), max(x_hi, b)
    y_hi = max(ys) * 1.1 if ys else 1.0
    xt = _ticks(x_lo, x_hi)
    yt = _ticks(0.0, y_hi)
    x_lo, x_hi = min(x_lo, xt[0]), max(x_hi, xt[-1])
    y_top = yt[-1] if yt[-1] > 0 else 1.0
    pw, ph = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + pw * (x - x_lo) / ((x_hi - x_lo) or 1)

    def py(y: float) -> float:
        return top + ph * (1 - min(y, y_top) / y_top)

    body: list[str] = []
    for label, a, b in chart.spans:
        body.append(
            f'<g class="ap-span"><rect x="{_n(px(a))}" y="{_n(top)}" width="{_n(px(b) - px(a))}" '
            f'height="{_n(ph)}" fill="#c0392b" fill-opacity="0.08"/>'
            f'<text x="{_n(px(a) + 4)}" y="{_n(top + 12)}" font-size="10.5" fill="#c0392b">'
            f"{_t(_clip(label, 10.5, max(40.0, px(b) - px(a) - 8)))}</text></g>"
        )
    for v in yt:
        y = py(v)
        body.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + pw)}" y2="{_n(y)}" '
            f'stroke="{GRID}"/><text x="{_n(left - 6)}" y="{_n(y + 3.5)}" font-size="10.5" '
            f'text-anchor="end" fill="{MUTED}">{_t(f"{numbers.sig(v, 6)}{chart.y_unit}")}</text>'
        )
    for v in xt:
        x = px(v)
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(top + ph)}" x2="{_n(x)}" y2="{_n(top + ph + 4)}" '
            f'stroke="{LINE}"/><text x="{_n(x)}" y="{_n(top + ph + 16)}" font-size="10.5" '
            f'text-anchor="middle" fill="{MUTED}">{_t(f"{numbers.sig(v, 6)}{chart.x_unit}")}</text>'
        )
    body.append(
        f'<line x1="{_n(left)}" y1="{_n(top + ph)}" x2="{_n(left + pw)}" y2="{_n(top + ph)}" '
        f'stroke="{LINE}"/>'
        f'<text x="{_n(left + pw / 2)}" y="{_n(height - 8)}" font-size="11.5" '
        f'text-anchor="middle" fill="{INK}">{_t(chart.x_label)}</text>'
        f'<text transform="translate(14,{_n(top + ph / 2)}) rotate(-90)" font-size="11.5" '
        f'text-anchor="middle" fill="{INK}">{_t(chart.y_label)}</text>'
    )
    legend_y = top + 6
    for i, s in enumerate(chart.series):
        color = SERIES[i % len(SERIES)]
        segments: list[list[tuple[float, float]]] = [[]]
        for x, yv in s.points:
            if yv is None:
                segments.append([])
            else:
                segments[-1].append((px(x), py(yv)))
        for seg in segments:
            if len(seg) >= 2:
                d = " ".join(
                    f"{'M' if k == 0 else 'L'}{_n(a)},{_n(b)}" for k, (a, b) in enumerate(seg)
                )
                body.append(
                    f'<path class="ap-series" d="{d}" fill="none" stroke="{color}" '
                    'stroke-width="2"/>'
                )
            for a, b in seg:
                body.append(
                    f'<circle class="ap-point" cx="{_n(a)}" cy="{_n(b)}" r="3" fill="{color}"/>'
                )
        saturated = [x for x, y in s.points if y is None]
        for x in saturated:
            body.append(
                f'<text x="{_n(px(x))}" y="{_n(top + 10)}" font-size="10" text-anchor="middle" '
                f'fill="{color}">sat.</text>'
            )
        lx = left + pw + 14
        body.append(
            f'<line x1="{_n(lx)}" y1="{_n(legend_y)}" x2="{_n(lx + 18)}" y2="{_n(legend_y)}" '
            f'stroke="{color}" stroke-width="2.5"/><text x="{_n(lx + 24)}" '
            f'y="{_n(legend_y + 4)}" font-size="11" fill="{INK}">'
            f"{_t(_clip(s.name, 11, right - 40))}</text>"
        )
        legend_y += 18
    for i, (label, y) in enumerate(chart.limits):
        color = SERIES[i % len(SERIES)] if len(chart.limits) == len(chart.series) else "#c0392b"
        body.append(
            f'<line class="ap-limit" x1="{_n(left)}" y1="{_n(py(y))}" x2="{_n(left + pw)}" '
            f'y2="{_n(py(y))}" stroke="{color}" stroke-dasharray="6 4" stroke-width="1.2"/>'
            f'<text x="{_n(left + pw - 4)}" y="{_n(py(y) - 4)}" font-size="10" text-anchor="end" '
            f'fill="{color}">{_t(label)}</text>'
        )
    return _svg("ap-lines", width, height, body, chart.title)
