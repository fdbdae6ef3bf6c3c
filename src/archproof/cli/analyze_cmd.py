"""`archproof analyze`: capacity, queueing, growth, storage and failure-mode figures."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from archproof.cli.common import emit, fail, force_option, load_or_exit, out, refuse_overwrite


class Format(StrEnum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"


def parse_load(text: str) -> tuple[float, ...]:
    """`1x,2x,5x` (or `1,2,5`) → (1.0, 2.0, 5.0); raises ValueError with the bad item."""
    # here, not at the top: units imports pydantic, which the command registry must not load
    # (start-up, tests/test_startup.py)
    from archproof.units import MAX_LOAD

    out: list[float] = []
    for raw in text.split(","):
        item = raw.strip().lower()
        if not item:
            continue
        number = item[:-1] if item.endswith("x") else item
        try:
            value = float(number)
        except ValueError:
            raise ValueError(f"'{raw.strip()}' is not a load factor") from None
        if not 0 < value <= MAX_LOAD or value != value:
            limit = f"{MAX_LOAD:,}"  # 1,000,000, not 1e+06
            raise ValueError(f"load factor '{raw.strip()}' must be > 0 and at most {limit}")
        out.append(value)
    if not out:
        raise ValueError("no load factors given")
    return tuple(out)


def analyze(
    file: Path = typer.Argument(..., help="Design file (YAML)."),
    load: str = typer.Option(
        "1x,2x,5x,10x", "--load", help="Load factors for the growth plan, e.g. 1x,2x,5x,10x."
    ),
    years: int = typer.Option(
        3, "--years", min=0, max=50, help="Years of requirements.load.growth_per_year to plan."
    ),
    format: Format = typer.Option(Format.terminal, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    force: bool = force_option(),
) -> None:
    """Capacity and queueing math for a design, every figure with its formula.

    Load and utilization per component (callers hold their servers while they wait),
    Erlang C / Allen–Cunneen waits, latency vs SLO, bottleneck and headroom, a growth
    plan, storage, failure modes, availability and checked assumptions.

    Example: archproof analyze examples/url_shortener.yaml --load 1x,3x,10x --format json
    """
    refuse_overwrite(output, force=force)
    from archproof.backends import capacity_markdown, capacity_terminal
    from archproof.passes.base import Options
    from archproof.passes.capacity import CapacityResult
    from archproof.passes.lower import QueueingModel
    from archproof.pipeline import run

    try:
        factors = parse_load(load)
    except ValueError as exc:
        fail(f"--load: {exc}", "give comma-separated factors like 1x,2x,5x,10x")
    design = load_or_exit(file)
    report = run(
        design,
        passes=("capacity",),
        options=Options(load_factors=factors, years=years),
        source_file=str(file),
    )
    result = report.get(CapacityResult)
    assert result is not None
    title = f"{file}: {design.meta.name}"
    model = report.get(QueueingModel)
    admission = model.admission if model is not None else ()
    if format is Format.json:
        # the lowered model's own figures too: servers per pool, rates with their
        # derivation, rate limits (admitted / rejected), redeliveries, hot keys
        text = json.dumps(
            {
                "design": design.meta.name,
                "file": str(file),
                "capacity": result.to_json(),
                "lowered": model.to_json() if model is not None else None,
            },
            indent=2,
            ensure_ascii=False,
        )
    elif format is Format.markdown:
        text = capacity_markdown.render(result, title=title, admission=admission)
    else:
        color = output is None and sys.stdout.isatty()
        # The terminal's width (COLUMNS, else 80 when not a terminal); 100 in a file.
        width = out.width if output is None else 100
        text = capacity_terminal.render(
            result, title=title, color=color, width=width, admission=admission
        )
    emit(text, output)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
