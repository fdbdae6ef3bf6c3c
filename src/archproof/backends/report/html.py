"""Document → one self-contained HTML file: inline CSS, inline SVG figures, no scripts.

Jinja2 autoescaping is on for every value from the design; the only markup inserted
as-is is the SVG produced by `svg.py`, which escapes its own text.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from archproof.backends.report import svg
from archproof.backends.report.document import (
    Answers,
    Badge,
    BarChart,
    Block,
    Bullets,
    Document,
    ErDiagram,
    Graph,
    KeyValues,
    LineChart,
    Note,
    Para,
    Section,
    Sequence,
    Table,
)
from archproof.backends.report.evidence import PROVENANCE_TONE
from archproof.backends.report.sections import build_document
from archproof.report import Report

_KINDS: tuple[tuple[type, str], ...] = (
    (Para, "para"),
    (Note, "note"),
    (Bullets, "bullets"),
    (Table, "table"),
    (KeyValues, "keyvalues"),
    (Answers, "answers"),
    (Graph, "figure"),
    (Sequence, "figure"),
    (ErDiagram, "figure"),
    (BarChart, "figure"),
    (LineChart, "figure"),
)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("archproof.backends.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render_html(report: Report) -> str:
    """The design document as a single offline HTML page."""
    return render_document(build_document(report))


def render_document(doc: Document) -> str:
    counter = [0]

    def figure(block: Block) -> Markup:
        counter[0] += 1
        assert isinstance(block, Graph | Sequence | ErDiagram | BarChart | LineChart)
        return Markup(svg.render(block, counter[0]))  # svg.py escapes all text itself

    def kind(block: object) -> str:
        return next((name for cls, name in _KINDS if isinstance(block, cls)), "unknown")

    def caption(block: Block) -> str:
        if isinstance(block, Sequence):
            return f"Sequence of {block.title}"
        return getattr(block, "title", "")

    def heading(section: Section) -> str:
        return f"{section.number} {section.title}" if section.number else section.title

    template = _environment().get_template("report.html.j2")
    return template.render(
        doc=doc,
        figure=figure,
        kind=kind,
        caption=caption,
        heading=heading,
        is_badge=lambda v: isinstance(v, Badge),
        provenance_tone=lambda word: PROVENANCE_TONE.get(word, "muted"),
    )
