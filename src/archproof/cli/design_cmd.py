"""`archproof design "TASK"`: draft design.yaml from free text, analyse it, summarise it.

The summary has fixed sections (requirements with their source, key decisions with their
principle, the figures that matter, open questions) and one generic section per pipeline
result, so passes that land later (review, capacity, simulate) appear without changes here.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from archproof.cli.common import err, fail, out, write_atomic
from archproof.cli.model_cmds import schema_beside
from archproof.numbers import sig

if TYPE_CHECKING:
    from archproof.frontends.draft import Draft
    from archproof.passes.lower import QueueingModel

MAX_QUESTIONS = 8
MAX_DECISIONS = 10
MAX_RESULT_LINES = 8
_QUIET_DECISIONS = frozenset({"observability", "stateless-tiers"})


def design(
    task: str | None = typer.Argument(
        None, help="The design task in plain words (quote it).", show_default=False
    ),
    file: Path | None = typer.Option(
        None, "--file", "-f", help="Read the task from a text file instead.", show_default=False
    ),
    output: Path = typer.Option(
        Path("design.yaml"), "--output", "-o", help="Where to write the drafted design."
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Also write a Markdown report here.", show_default=False
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
    fmt: str = typer.Option("terminal", "--format", help="Summary format: terminal or json."),
    llm: str | None = typer.Option(
        None,
        "--llm",
        help="Draft with a language model, [PROVIDER:]MODEL (openai:gpt-4o-mini, "
        "anthropic:claude-sonnet-4-5, llama3.1:8b on a local OpenAI-compatible server); "
        "needs pip install 'archproof[llm]'.",
        show_default=False,
    ),
    llm_base_url: str | None = typer.Option(
        None,
        "--llm-base-url",
        help="API base URL (default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL).",
        show_default=False,
    ),
    rounds: int = typer.Option(3, "--rounds", min=1, max=20, help="--llm: repair rounds at most."),
    max_tokens: int = typer.Option(
        400_000, "--max-tokens", min=1, help="--llm: token budget (input + output) of the run."
    ),
    max_seconds: float = typer.Option(
        900.0, "--max-seconds", min=1, help="--llm: wall-clock budget of the run, seconds."
    ),
    llm_timeout: float = typer.Option(
        120.0, "--llm-timeout", min=0.1, help="--llm: timeout of one request, seconds."
    ),
    llm_retries: int = typer.Option(
        3, "--llm-retries", min=0, max=10, help="--llm: retries on 429/5xx/timeouts."
    ),
    record: Path | None = typer.Option(
        None, "--record", help="--llm: keep every request and reply in DIR.", show_default=False
    ),
    replay: Path | None = typer.Option(
        None,
        "--replay",
        help="Rerun a recorded --llm session from DIR, no network.",
        show_default=False,
    ),
) -> None:
    """Draft a design from a task in plain words, offline, and summarise it.

    Writes a commented design.yaml (requirements with their source, components, operations
    with their call trees, entities, observability), runs the available analysis passes,
    and prints the requirements it read, the key decisions and the principle behind each,
    the figures that matter and the open questions. Refuses to overwrite files without
    --force (exit status 2).

    Example: archproof design "Design a URL shortener: 100M new links a month, reads 10x writes"
    """
    if fmt not in ("terminal", "json"):
        fail(f"unknown format '{fmt}'", "use --format terminal or --format json")
    if llm is not None or replay is not None:
        from archproof.cli.design_llm import LlmOptions, run_llm

        for path in (output, report):
            if path is not None and path.exists() and not force:
                fail(f"{path} already exists", "use --force to overwrite it")
        options = LlmOptions(
            llm,
            llm_base_url,
            rounds,
            max_tokens,
            max_seconds,
            llm_timeout,
            llm_retries,
            record,
            replay,
        )
        # A replay may take its task from the recording; a live run needs one.
        from_recording = replay is not None and task is None and file is None
        given = None if from_recording else _task_text(task, file)
        run_llm(given, options, output=output, report=report, force=force, fmt=fmt)
        return
    text = _task_text(task, file)
    for path in (output, report):
        if path is not None and path.exists() and not force:
            fail(
                f"{path} already exists",
                "use --force to overwrite it, or -o/--report to write elsewhere",
            )
    from archproof.frontends.draft import draft  # imported here: --help stays quick

    drafted = draft(text)
    write_atomic(output, drafted.yaml)
    notes: list[str] = [schema_beside(output, force=force)]  # the draft's first line names it
    analysis = _analyse(drafted, output, notes)
    report_written = _report(analysis, report, notes) if report is not None else None
    if fmt == "json":
        payload = _json_summary(drafted, output, analysis, report_written, notes)
        out.print_json(json.dumps(payload, ensure_ascii=False))
    else:
        _terminal_summary(drafted, output, analysis, report_written, notes)


def _task_text(task: str | None, file: Path | None) -> str:
    if task is not None and file is not None:
        fail("give the task either as an argument or with --file, not both")
    if file is not None:
        try:
            text = file.read_text("utf-8")
        except FileNotFoundError:
            fail(f"no such file: {file}")
        except IsADirectoryError:
            fail(f"{file} is a directory, not a task file")
        except UnicodeDecodeError:
            fail(f"{file} is not UTF-8 text")
        except OSError as exc:
            fail(f"cannot read {file}: {exc.strerror}")
    elif task is not None:
        text = task
    else:
        fail(
            "no task given",
            'archproof design "Design a URL shortener for 100M links a month" (or --file task.txt)',
        )
    if not text.strip():
        fail("the task is empty", "describe what the system must do, with any numbers you have")
    return text


def _analyse(drafted: Draft, output: Path, notes: list[str]) -> Any:
    """Run the pipeline on the draft; a failing pass becomes a note (the draft is written)."""
    from archproof.pipeline import run

    try:
        return run(drafted.design, source_file=str(output))
    except Exception as exc:  # the draft is already safe on disk; say what went wrong
        notes.append(f"analysis skipped: {type(exc).__name__}: {exc}")
        return None


# Markdown report backends, newest first: (module, function taking a Report).
_REPORT_BACKENDS = (
    ("archproof.backends.markdown", "render"),
    ("archproof.backends.report", "render_markdown"),
)


def _report(analysis: Any, path: Path, notes: list[str]) -> Path | None:
    if analysis is None:
        notes.append(f"report not written to {path}: the analysis did not run")
        return None
    for module_name, function in _REPORT_BACKENDS:
        try:
            found = importlib.util.find_spec(module_name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            continue
        render = getattr(importlib.import_module(module_name), function, None)
        if callable(render):
            write_atomic(path, str(render(analysis)))
            return path
    notes.append(f"report not written to {path}: no Markdown report backend is available yet")
    return None


# --------------------------------------------------------------------------- terminal


def _terminal_summary(
    drafted: Draft, output: Path, analysis: Any, report: Path | None, notes: list[str]
) -> None:
    blocks = ", ".join(drafted.patterns)
    out.print(
        f"[bold]Drafted {escape(drafted.name)}[/bold] ({drafted.kind}; building blocks: "
        f"{escape(blocks)}) → [bold]{escape(str(output))}[/bold]"
    )
    out.print()
    table = Table(title="Requirements", title_justify="left", box=None, pad_edge=False)
    for column in ("figure", "value", "source", "from"):
        table.add_column(column, overflow="fold")
    for req in drafted.requirements:
        style = {"extracted": "green", "derived": "cyan", "assumed": "yellow"}[req.source]
        table.add_row(
            escape(req.name),
            escape(req.value),
            f"[{style}]{req.source}[/{style}]",
            escape(_short(req.evidence, 70)),
        )
    out.print(table)
    out.print()
    out.print("[bold]Key decisions[/bold]")
    shown = [d for d in drafted.decisions if d.id not in _QUIET_DECISIONS][:MAX_DECISIONS]
    for d in shown:
        out.print(
            f"  [magenta]{d.principle.name} {escape(d.principle_name)}[/magenta] "
            f"{escape(d.title)}: [bold]{escape(d.choice)}[/bold]"
        )
        out.print(f"      {escape(_short(d.because, 150))}")
    out.print()
    out.print("[bold]Figures[/bold]")
    for label, value in summary_figures(drafted, analysis):
        out.print(f"  {escape(label)}: {escape(value)}")
    unplaced = drafted.reading.unplaced
    if unplaced:
        out.print()
        out.print("[bold]Numbers not placed[/bold] (asked in the open questions)")
        for item in unplaced:
            out.print(f'  {escape(item.text)}: "{escape(_short(item.sentence, 100))}"')
    if analysis is not None:
        results = getattr(analysis, "results", {}) or {}
        for name, result in results.items():
            lines = _result_lines(result)
            if lines:
                out.print()
                out.print(f"[bold]{escape(str(name))}[/bold]")
                for line in lines[:MAX_RESULT_LINES]:
                    out.print(f"  {escape(line)}")
    if drafted.open_questions:
        out.print()
        out.print("[bold]Open questions[/bold]")
        for number, question in enumerate(drafted.open_questions[:MAX_QUESTIONS], 1):
            out.print(f"  {number}. {escape(question)}")
        more = len(drafted.open_questions) - MAX_QUESTIONS
        if more > 0:
            out.print(f"  ... and {more} more in {escape(str(output))}")
    out.print()
    for note in notes:
        err.print(f"note: {note}", markup=False)
    tail = f"wrote {output}" + (f" and {report}" if report else "")
    out.print(f"{escape(tail)}. Next: edit it, then `archproof check {escape(str(output))}`.")


def summary_figures(drafted: Draft, analysis: Any) -> list[tuple[str, str]]:
    """The summary's figures. Rates come from the lowered queueing model, the one source
    the capacity pass and the report read, so the summary cannot disagree with them; the
    drafter's own figures fill in what the model does not hold (storage) or when the
    analysis did not run."""
    from archproof.frontends.draft.sizing import per_s

    model = _lowered(analysis)
    if model is None:
        return list(drafted.figures)
    design = model.design
    sync = [o for o in model.operations if design.operation(o.id).sync and o.consumes is None]
    jobs = [o for o in model.operations if o.consumes is not None]
    total_peak = sum(o.rate.peak for o in sync)
    total_average = sum(o.rate.average for o in sync)
    burst = [o for o in sync if design.operation(o.id).peak is not None]
    flat = sum(
        o.rate.average for o in sync if design.operation(o.id).arrivals == "flat" and o not in burst
    )
    diurnal = total_average - flat - sum(o.rate.average for o in burst)
    how = f"average {per_s(diurnal)} × peak factor {sig(model.peak_factor)}"
    if flat:  # work on a timer (devices reporting) peaks at its average
        how += f" + {per_s(flat)} flat, on a timer"
    if burst:  # a stated burst is that operation's own peak
        how += f" + {per_s(sum(o.rate.peak for o in burst))} in stated bursts"
    figures = [("peak requests", f"{per_s(total_peak)} ({how})")]
    for op in sorted(sync, key=lambda o: o.rate.peak, reverse=True)[:3]:
        figures.append((f"peak {op.id}", per_s(op.rate.peak)))
    figures += [
        (label, value)
        for label, value in drafted.figures
        if not label.startswith(("peak ", "jobs "))
    ]
    for op in jobs[:3]:
        figures.append((f"jobs {op.id}", f"{per_s(op.rate.peak)} at peak"))
    return figures


def _lowered(analysis: Any) -> QueueingModel | None:
    if analysis is None:
        return None
    try:
        from archproof.passes.lower import QueueingModel as Lowered

        found = analysis.get(Lowered)
    except (ImportError, AttributeError, KeyError, TypeError):
        return None
    return found if isinstance(found, Lowered) else None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _result_lines(result: object) -> list[str]:
    """A few lines about any pass result: known shapes first, then a generic fallback, so
    passes that land later show up without changes here."""
    for render in (_lowered_lines, _review_lines, _capacity_lines, _questions_lines):
        lines = render(result)
        if lines is not None:
            return lines
    for attr in ("summary_lines", "lines"):
        method = getattr(result, attr, None)
        if callable(method):
            produced = method()
            if isinstance(produced, list | tuple):
                return [str(line) for line in produced]
    summary = getattr(result, "summary", None)
    if isinstance(summary, str):
        return [summary]
    return [_short(str(result), 200)]


def _lowered_lines(result: object) -> list[str] | None:
    from archproof.passes.lower import QueueingModel as Lowered

    if not isinstance(result, Lowered):
        return None
    return [
        f"{len(result.operations)} operations over {len(result.pools)} server pools; "
        f"peak factor {sig(result.peak_factor)}"
    ]


def _review_lines(result: object) -> list[str] | None:
    active = getattr(result, "active", None)
    if not callable(active):
        return None
    findings = list(active())
    if not findings:
        return ["no findings"]
    rank = {"error": 3, "warning": 2, "info": 1}
    findings.sort(key=lambda f: -rank.get(str(getattr(f, "severity", "")), 0))
    counts: dict[str, int] = {}
    for f in findings:
        counts[str(f.severity)] = counts.get(str(f.severity), 0) + 1
    lines = [", ".join(f"{n} {sev}" for sev, n in counts.items())]
    for f in findings[:5]:
        lines.append(f"{f.severity} {f.code} {f.element}: {_short(str(f.message), 110)}")
    return lines


def _capacity_lines(result: object) -> list[str] | None:
    import archproof.numbers as numbers  # the one formatter: no `1.47e+03×`, one unit each

    bottleneck = getattr(result, "bottleneck", None)
    operations = getattr(result, "operations", None)
    if bottleneck is None or operations is None:
        return None
    lines: list[str] = []
    factor = getattr(getattr(bottleneck, "saturation_factor", None), "value", None)
    if getattr(bottleneck, "component", None) and factor is not None:
        shown = numbers.factor(factor)
        lines.append(f"bottleneck: {bottleneck.component} saturates at {shown} the peak")
    for op in operations:
        for check in getattr(op, "slo", ()):
            value = getattr(check.figure, "value", None)
            if check.metric in ("p95", "p99") and value is not None:
                lines.append(
                    f"{op.id} {check.metric} {numbers.seconds(value)} vs target "
                    f"{numbers.seconds(check.target)}: {check.status}"
                )
            elif check.status not in ("met", "ok"):
                lines.append(f"{op.id} {check.metric}: {check.status}")
    return lines


def _questions_lines(result: object) -> list[str] | None:
    counts = getattr(result, "counts", None)
    if not callable(counts):
        return None
    produced = counts()
    if not isinstance(produced, dict):
        return None
    return ["24 questions: " + ", ".join(f"{n} {kind}" for kind, n in produced.items())]


# --------------------------------------------------------------------------- json


def _json_summary(
    drafted: Draft, output: Path, analysis: Any, report: Path | None, notes: list[str]
) -> dict[str, object]:
    results = getattr(analysis, "results", {}) if analysis is not None else {}
    return {
        "output": str(output),
        "report": str(report) if report else None,
        "name": drafted.name,
        "kind": drafted.kind,
        "patterns": list(drafted.patterns),
        "requirements": [dataclasses.asdict(r) for r in drafted.requirements],
        "decisions": [
            {
                **dataclasses.asdict(d),
                "principle": d.principle.name,
                "principle_name": d.principle_name,
            }
            for d in drafted.decisions
        ],
        "figures": [
            {"name": label, "value": value} for label, value in summary_figures(drafted, analysis)
        ],
        "unplaced_numbers": [
            {"text": u.text, "sentence": u.sentence, "reason": u.reason}
            for u in drafted.reading.unplaced
        ],
        "open_questions": list(drafted.open_questions),
        "analysis": {str(name): _jsonable(result) for name, result in results.items()},
        "notes": notes,
    }


def _jsonable(value: object) -> object:
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        produced = to_json()
        return json.loads(produced) if isinstance(produced, str) else produced
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json.loads(json.dumps(dataclasses.asdict(value), default=str))
    return str(value)


def register(app: typer.Typer) -> None:
    app.command("design")(design)
