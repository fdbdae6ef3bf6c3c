"""Render an example's HTML report in headless Chromium: the page loads offline, the
screenshot is not blank, and the diagrams and charts exist as rendered SVG elements.

Needs Debian's `chromium` package (installed by .ci/run); skipped with a reason when
it is missing. Set ARCHPROOF_SCREENSHOT_DIR to keep the screenshot.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from archproof.backends.report import render_html
from archproof.model import walk_calls

from .helpers import ROOT, design_report, example_report
from .test_hostile import HOSTILE

CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()),
    None,
)
if CHROMIUM is None and os.environ.get("ARCHPROOF_REQUIRE_CHROMIUM"):
    # CI installs chromium; there a missing browser is a failure, not a skip.
    raise RuntimeError("ARCHPROOF_REQUIRE_CHROMIUM is set but chromium is not installed")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed (apt-get install chromium)"
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _pixels(png: bytes) -> bytes:
    """The decompressed image data of a PNG (enough to tell a blank page from a document)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(data)


def _count(dom: str, pattern: str) -> int:
    return len(re.findall(pattern, dom))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    tmp = tmp_path_factory.mktemp("chromium")
    html = tmp / "url_shortener.html"
    html.write_text(render_html(example_report(ROOT / "examples" / "url_shortener.yaml")))
    shot = tmp / "url_shortener.png"
    done = _chromium(tmp, f"--screenshot={shot}", "--window-size=1280,4000", html.as_uri())
    assert shot.exists(), done.stderr[-2000:]
    keep = os.environ.get("ARCHPROOF_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
    dom = _chromium(tmp, "--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    return shot, dom.stdout, tmp


def test_screenshot_is_a_rendered_page(page: tuple[Path, str, Path]) -> None:
    shot, _, _ = page
    png = shot.read_bytes()
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1280, 4000)
    pixels = _pixels(png)
    assert len(set(pixels)) > 50, "the screenshot looks blank"


def test_diagrams_and_charts_are_rendered(page: tuple[Path, str, Path]) -> None:
    _, dom, _ = page
    report = example_report(ROOT / "examples" / "url_shortener.yaml")
    design = report.design
    assert _count(dom, r'<svg class="ap-figure ap-graph"') == 1
    assert _count(dom, r'class="ap-node[ "]') >= len(design.components)
    assert _count(dom, r'class="ap-node ap-stateful"') >= 2  # cache, db, queue
    assert _count(dom, r'class="ap-edge ap-sync"') > 0
    assert _count(dom, r'class="ap-edge ap-async"') > 0
    with_calls = [op for op in design.operations if op.calls]
    assert _count(dom, r'<svg class="ap-figure ap-seq"') == len(with_calls)
    calls = sum(len(walk_calls(op.calls)) for op in with_calls)
    assert _count(dom, r'class="ap-msg ap-msg-(call|async)"') == calls
    assert _count(dom, r'<svg class="ap-figure ap-er"') == 1
    assert _count(dom, r'class="ap-entity"') == len(design.entities)
    assert _count(dom, r'<svg class="ap-figure ap-bars"') == 1
    assert _count(dom, r'class="ap-bar"') >= len(design.components)


def test_page_is_offline_and_has_no_scripts(page: tuple[Path, str, Path]) -> None:
    _, dom, _ = page
    assert "<script" not in dom
    assert not re.search(r'(src|href)="(https?:)?//', dom), "external resource in the page"
    assert 'nav class="toc"' in dom


def test_hostile_design_stays_text_in_the_browser(tmp_path: Path) -> None:
    html = tmp_path / "hostile.html"
    html.write_text(render_html(design_report(HOSTILE, tmp_path)))
    dom = _chromium(tmp_path, "--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<script" not in dom.stdout
    assert "<img" not in dom.stdout
    assert "<iframe" not in dom.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout
