"""`python -m archproof` is the tool, as the `archproof` script is (an outsider's first try of
the module form failed: the package had no __main__)."""

from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "archproof", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: python -m archproof" in done.stdout
    assert "design" in done.stdout and "simulate" in done.stdout
