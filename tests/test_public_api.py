"""The public API is pinned: adding or removing a name is a deliberate change."""

from __future__ import annotations

import archproof

EXPECTED = {
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
}


def test_exported_members() -> None:
    assert set(archproof.__all__) == EXPECTED
    for name in archproof.__all__:
        assert hasattr(archproof, name), name
