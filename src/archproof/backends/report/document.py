"""A neutral document: what the report says, independent of Markdown or HTML.

`sections.py` builds a `Document` from a `Report`; `markdown.py` and `html.py` render
it. Text in these blocks is plain text (never markup): each renderer escapes it for
its own format. Figures (graphs, sequences, ER diagrams, charts) are data, drawn as
Mermaid by the Markdown renderer and as inline SVG by the HTML renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from archproof.policy import TARGET_UTILIZATION

# How a value is judged: drives badge colours in HTML and markers in Markdown.
Tone = Literal["", "good", "bad", "warn", "muted", "info"]


@dataclass(frozen=True)
class Badge:
    """A short status word shown as a coloured pill (confirmed, refuted, met, ...)."""

    text: str
    tone: Tone = ""


Cell = str | Badge


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text; `lead` is a bold run before it."""

    text: str
    lead: str = ""


@dataclass(frozen=True)
class Note:
    """A callout: missing analysis ('capacity analysis not run'), a warning, a hint."""

    text: str
    tone: Tone = "muted"


@dataclass(frozen=True)
class Bullets:
    """A bulleted list; each item may start with a bold lead."""

    items: tuple[tuple[str, str], ...]  # (lead, text)


@dataclass(frozen=True)
class Table:
    """A table; `numeric` marks right-aligned columns."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()


@dataclass(frozen=True)
class KeyValues:
    """Label → value pairs (a definition list)."""

    rows: tuple[tuple[str, Cell], ...]


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class GraphNode:
    """A box in the component graph."""

    id: str
    label: str
    kind: str
    tech: str
    stateful: bool
    column: int  # call depth: 0 for entry points
    virtual: bool = False  # e.g. the users calling the system


@dataclass(frozen=True)
class GraphEdge:
    """A call between components; `async_` for hand-offs through a queue."""

    source: str
    target: str
    label: str
    async_: bool = False


@dataclass(frozen=True)
class Graph:
    """The component graph: nodes in columns by call depth, edges by calls."""

    title: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


@dataclass(frozen=True)
class Message:
    """One arrow of a sequence diagram, or a group marker.

    kind: call (solid), async (open arrow, no reply), reply (dashed back),
    group_start / group_else / group_end (an `alt` block with `label`, or a `par` block
    of calls made at once when `block` is "par").
    """

    kind: Literal["call", "async", "reply", "group_start", "group_else", "group_end"]
    source: str = ""
    target: str = ""
    label: str = ""
    note: str = ""  # the call's guards: timeout, retries, breaker, fail_open ...
    block: Literal["alt", "par"] = "alt"  # group markers: exclusive branches or parallel


@dataclass(frozen=True)
class Sequence:
    """A sequence diagram for one operation, from its call tree."""

    title: str
    participants: tuple[tuple[str, str], ...]  # (id, label)
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class ErField:
    name: str
    type: str
    key: bool = False
    unique: bool = False
    nullable: bool = False
    ref: str = ""


@dataclass(frozen=True)
class ErEntity:
    name: str
    store: str
    fields: tuple[ErField, ...]


@dataclass(frozen=True)
class ErRelation:
    source: str
    target: str
    kind: str  # one_to_one, many_to_one, one_to_many, many_to_many
    label: str


@dataclass(frozen=True)
class ErDiagram:
    title: str
    entities: tuple[ErEntity, ...]
    relations: tuple[ErRelation, ...]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # a fraction: 0.45 is 45%
    tone: Tone = ""
    note: str = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars of fractions (utilization), with reference lines (target, 1.0)."""

    title: str
    bars: tuple[Bar, ...]
    marks: tuple[float, ...] = (TARGET_UTILIZATION, 1.0)
    unit: str = "%"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[float, float | None], ...]  # (x, y); y None: not finite (saturated)


@dataclass(frozen=True)
class LineChart:
    """Lines over x (load factor, time), with optional horizontal limits and shaded spans."""

    title: str
    x_label: str
    y_label: str
    series: tuple[Series, ...]
    limits: tuple[tuple[str, float], ...] = ()  # (label, y): an SLO line
    spans: tuple[tuple[str, float, float], ...] = ()  # (label, x0, x1): a fault window
    x_unit: str = ""
    y_unit: str = ""


@dataclass(frozen=True)
class Answer:
    """One of the 24 questions with its answer (one line per statement) and provenance."""

    id: str
    question: str
    lines: tuple[str, ...]
    provenance: str  # derived / computed / author / open
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answers:
    items: tuple[Answer, ...]


Figure = Graph | Sequence | ErDiagram | BarChart | LineChart
Block = (
    Para
    | Note
    | Bullets
    | Table
    | KeyValues
    | Answers
    | Graph
    | Sequence
    | ErDiagram
    | BarChart
    | LineChart
)


@dataclass(frozen=True)
class Section:
    """A numbered (or unnumbered) section with blocks and subsections."""

    id: str
    title: str
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()
    number: str = ""


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...] = field(default=())
