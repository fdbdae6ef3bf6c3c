"""`archproof design --llm [PROVIDER:]MODEL`: a language model drafts, archproof checks,
the loop repairs. The offline path stays in design_cmd; this module is imported only when
--llm or --replay is given, and the SDKs only when a live provider is made."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from archproof.cli.common import err, fail, out, visible, write_atomic

EXIT_NO_DRAFT = 1  # the session ran but no draft loaded: nothing written


@dataclass(frozen=True)
class LlmOptions:
    spec: str | None
    base_url: str | None
    rounds: int
    max_tokens: int
    max_seconds: float
    timeout: float
    retries: int
    record: Path | None
    replay: Path | None


def run_llm(
    task: str | None,
    options: LlmOptions,
    *,
    output: Path,
    report: Path | None,
    force: bool,
    fmt: str,
) -> None:
    from archproof.frontends.llm.loop import Budget, Session
    from archproof.frontends.llm.providers import (
        ProviderError,
        Settings,
        Unavailable,
        make_provider,
        parse_spec,
    )
    from archproof.frontends.llm.record import Recorder, Replay

    def progress(line: str) -> None:
        err.print(visible(f"llm: {line}"), markup=False)

    # Refuse before spending tokens on a draft that could not be written.
    for path in (output, report):
        if path is not None and not path.resolve().parent.is_dir():
            fail(f"directory {path.parent} does not exist")

    provider: Any
    budget = Budget(options.rounds, options.max_tokens, options.max_seconds)
    try:
        if options.replay is not None:
            replay = Replay(options.replay, on_mismatch=progress)
            provider = replay
            recorded = replay.settings
            task = task if task is not None else recorded.get("task")
            budget = Budget(
                int(recorded.get("rounds", budget.rounds)),
                int(recorded.get("max_tokens", budget.max_tokens)),
                float("inf"),  # no network waits in a replay; the recording bounds it
            )
        else:
            assert options.spec is not None
            name, model = parse_spec(options.spec)
            settings = Settings(
                name,
                model,
                base_url=options.base_url,
                timeout_s=options.timeout,
                retries=options.retries,
            )
            provider = make_provider(settings, os.environ, on_retry=progress)
    except Unavailable as exc:
        fail(str(exc), exc.hint)
    except ProviderError as exc:
        fail(str(exc))
    if task is None or not str(task).strip():
        fail("no task given", 'archproof design --llm MODEL "Design a URL shortener ..."')
    task = str(task)
    if options.record is not None:
        if options.record.exists() and any(options.record.iterdir()) and not force:
            fail(f"{options.record} is not empty", "use --force, or --record a new directory")
        provider = Recorder(
            provider,
            options.record,
            {
                "task": task,
                "rounds": budget.rounds,
                "max_tokens": budget.max_tokens,
                "max_seconds": budget.max_seconds,
            },
        )
    from archproof.repair import analyse

    session = Session(task, provider, analyse, budget, progress=progress, source_file=str(output))
    outcome = session.run()
    progress(f"stopped: {outcome.stop}")
    if outcome.yaml is None:
        err.print(
            visible(f"error: no draft loaded, nothing written ({outcome.stop})"), markup=False
        )
        for problem in outcome.left[:10]:
            err.print(visible(f"  {problem.text}"), markup=False)
        raise typer.Exit(EXIT_NO_DRAFT)
    write_atomic(output, outcome.yaml)
    notes: list[str] = []
    written = None
    if report is not None:
        from archproof.cli.design_cmd import _report

        written = _report(outcome.report, report, notes)
    if fmt == "json":
        out.print_json(json.dumps(_json(outcome, output, written, notes), ensure_ascii=False))
    else:
        _terminal(outcome, output, written, notes)


def _json(outcome: Any, output: Path, report: Path | None, notes: list[str]) -> dict[str, Any]:
    return {
        "output": str(output),
        "report": str(report) if report else None,
        "provider": outcome.provider,
        "model": outcome.model,
        "stop": outcome.stop,
        "clean": outcome.clean,
        "rounds": outcome.rounds,
        "best_round": outcome.best_round,
        "tokens": {"input": outcome.tokens_in, "output": outcome.tokens_out},
        "fixed": list(outcome.fixed),
        "left": [{"kind": p.kind, "section": p.section, "text": p.text} for p in outcome.left],
        "notes": notes,
    }


def _terminal(outcome: Any, output: Path, report: Path | None, notes: list[str]) -> None:
    from archproof.cli.design_cmd import _result_lines

    def say(text: str = "") -> None:
        out.print(visible(text), markup=False)  # model text is inert: no markup, no escapes

    name = outcome.design.meta.name if outcome.design is not None else "design"
    tokens = outcome.tokens_in + outcome.tokens_out
    say(
        f"Drafted {name} with {outcome.provider}:{outcome.model} → {output} "
        f"(best draft: round {outcome.best_round} of {outcome.rounds}; {tokens:,} tokens)"
    )
    say(f"Stopped: {outcome.stop}")
    if outcome.fixed:
        say()
        say(f"What the loop fixed ({len(outcome.fixed)})")
        for line in outcome.fixed[:15]:
            say(f"  - {line}")
    if outcome.left:
        say()
        say(f"Still open in the written draft ({len(outcome.left)})")
        for problem in outcome.left[:15]:
            say(f"  - [{problem.kind}] {problem.text.splitlines()[0]}")
    results = getattr(outcome.report, "results", {}) or {}
    for name_, result in results.items():
        lines = _result_lines(result)
        if lines:
            say()
            say(str(name_))
            for line in lines[:8]:
                say(f"  {line}")
    say()
    for note in notes:
        err.print(visible(f"note: {note}"), markup=False)
    tail = f"wrote {output}" + (f" and {report}" if report else "")
    say(f"{tail}. Next: `archproof check {output}`, then `archproof report {output}`.")
