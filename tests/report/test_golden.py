"""Golden reports for every bundled example, in both formats.

Regenerate with `pytest tests/report --update-golden` after an intended change, then
read the diff: it is the review of what the report now says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archproof.backends.report import render_html, render_markdown

from .helpers import EXAMPLES, GOLDEN, example_report

RENDERERS = {"md": render_markdown, "html": render_html}


@pytest.mark.parametrize("suffix", sorted(RENDERERS))
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_golden(example: Path, suffix: str, update_golden: bool) -> None:
    text = RENDERERS[suffix](example_report(example))
    golden = GOLDEN / f"{example.stem}.{suffix}"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, "utf-8")
        return
    assert golden.exists(), f"missing {golden}: run pytest tests/report --update-golden"
    expected = golden.read_text("utf-8")
    assert text == expected, f"{golden.name} differs: run pytest --update-golden and review"


@pytest.mark.parametrize("suffix", sorted(RENDERERS))
def test_rendering_is_deterministic(suffix: str) -> None:
    example = EXAMPLES[0]
    first = RENDERERS[suffix](example_report(example))
    second = RENDERERS[suffix](example_report(example))
    assert first == second


def test_no_stale_goldens() -> None:
    """A golden whose example was removed or renamed is an error, not dead weight."""
    stems = {p.stem for p in EXAMPLES}
    stale = [p.name for p in GOLDEN.glob("*.*") if p.stem not in stems]
    assert not stale, f"goldens without an example: {stale}"
