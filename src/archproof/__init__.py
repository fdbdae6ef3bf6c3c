"""archproof: turn a system design into a reviewed, evidence-backed design.

The public API is small: load a design, run the passes, look at the report.

    import archproof
    design = archproof.load("examples/url_shortener.yaml")
    report = archproof.run(design)

Names are imported on first use (PEP 562 `__getattr__`): `import archproof` or any of its
submodules costs nothing, while `archproof.run` pulls in the pipeline (and the simulator's
numba kernel) only when it is asked for. The command line starts in a fraction of a second
because of it (issue 13; `benchmarks/bench_startup.py`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archproof.errors import ArchproofError, DesignError, Diagnostic, InternalError
    from archproof.frontends.yaml_loader import load_design as load
    from archproof.frontends.yaml_loader import load_text
    from archproof.model import Design
    from archproof.passes.base import Options
    from archproof.pipeline import run
    from archproof.report import Report
    from archproof.span import Span

__version__ = "0.1.0"

# Public name → (module, attribute in that module).
_LAZY: dict[str, tuple[str, str]] = {
    "ArchproofError": ("archproof.errors", "ArchproofError"),
    "DesignError": ("archproof.errors", "DesignError"),
    "Diagnostic": ("archproof.errors", "Diagnostic"),
    "InternalError": ("archproof.errors", "InternalError"),
    "load": ("archproof.frontends.yaml_loader", "load_design"),
    "load_text": ("archproof.frontends.yaml_loader", "load_text"),
    "Design": ("archproof.model", "Design"),
    "Options": ("archproof.passes.base", "Options"),
    "run": ("archproof.pipeline", "run"),
    "Report": ("archproof.report", "Report"),
    "Span": ("archproof.span", "Span"),
}

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


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'archproof' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # cached: the next lookup is a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
