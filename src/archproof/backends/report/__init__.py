"""The design document backend: Report → Markdown (with Mermaid) or self-contained HTML."""

from archproof.backends.report.html import render_html
from archproof.backends.report.markdown import render_markdown
from archproof.backends.report.sections import build_document

__all__ = ["build_document", "render_html", "render_markdown"]
