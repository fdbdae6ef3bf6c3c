"""archproof: turn a system design into a reviewed, evidence-backed design.

The public API is small: load a design, run the passes, look at the report.

    import archproof
    design = archproof.load("examples/url_shortener.yaml")
    report = archproof.run(design)
"""

from __future__ import annotations

from archproof.errors import ArchproofError, DesignError, Diagnostic, InternalError
from archproof.frontends.yaml_loader import load_design as load
from archproof.frontends.yaml_loader import load_text
from archproof.model import Design
from archproof.passes.base import Options
from archproof.pipeline import run
from archproof.report import Report
from archproof.span import Span

__version__ = "0.1.0"

__all__ = [
    "ArchproofError",
    "Design",
    "DesignError",
    "Diagnostic",
    "InternalError",
    "Options",
    "Report",
    "Span",
    "__version__",
    "load",
    "load_text",
    "run",
]
