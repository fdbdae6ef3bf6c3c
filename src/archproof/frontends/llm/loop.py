"""The session: draft section by section, check with archproof, send the problems back.

Round 1 asks every section in order (requirements → components → operations → entities →
failure handling → decisions → answers). After each round the sections are assembled into
a design, written as YAML and loaded by the real loader; a design that loads is analysed
by the caller's `analyse` (`archproof.repair`: the pipeline's review, capacity,
questions). The problems (`feedback`) go back to the sections that wrote the lines they
point at, and only those are asked again in the next round.

A reply that is not the section's JSON is asked once more at once with the error; a second
failure keeps the section's earlier version and counts as a problem of the round.

The session stops when the design is clean, after `rounds` rounds, when the token or the
wall-clock budget is spent, when the model refuses, or when the provider fails (after its
retries). Whatever stopped it, the best draft that loaded is kept — fewest errors, then
findings, saturated pools, SLO misses and unused numbers — and `Outcome.stop` says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archproof.errors import DesignError
from archproof.frontends.draft.yamlwriter import render
from archproof.frontends.llm import feedback
from archproof.frontends.llm.feedback import Problem, Source
from archproof.frontends.llm.grounding import Stated, read_task
from archproof.frontends.llm.prompts import request_text, system_text
from archproof.frontends.llm.providers import MAX_OUTPUT_TOKENS, Provider, ProviderError, Request
from archproof.frontends.llm.sections import SECTION_IDS, SECTIONS, ReplyError, section
from archproof.frontends.yaml_loader import load_text
from archproof.model import Design
from archproof.numbers import sig

DEFAULT_ROUNDS = 3
DEFAULT_MAX_TOKENS = 400_000
DEFAULT_MAX_SECONDS = 900.0
MAX_TASK_CHARS = 20_000  # the task goes into every request


@dataclass(frozen=True)
class Budget:
    rounds: int = DEFAULT_ROUNDS
    max_tokens: int = DEFAULT_MAX_TOKENS
    max_seconds: float = DEFAULT_MAX_SECONDS


@dataclass(frozen=True)
class Outcome:
    """What the session produced and why it stopped."""

    yaml: str | None  # the best draft that loaded; None when none did
    design: Design | None
    report: Any  # the pipeline's Report for `design`, if it ran
    stop: str
    clean: bool
    rounds: int
    best_round: int
    tokens_in: int
    tokens_out: int
    fixed: tuple[str, ...]  # problems of earlier rounds the best draft no longer has
    left: tuple[Problem, ...]  # problems the best draft still has
    provider: str
    model: str


_SEVERITY = ("load", "reply", "finding", "saturated", "slo", "unused", "answer")


@dataclass
class _Evaluation:
    round: int
    yaml: str
    problems: list[Problem]
    design: Design | None = None
    report: Any = None

    def score(self) -> tuple[int, ...]:
        """Fewer is better, most serious kind first (a draft that loads beats any that
        does not: those are never candidates)."""
        return tuple(sum(p.kind == kind for p in self.problems) for kind in _SEVERITY)


# Runs the passes on a design that loaded: (the report or None, the problems it shows).
# Given by the caller (`archproof.repair.analyse`): frontends do not import passes.
Analyse = Callable[[Design, Source, tuple[Stated, ...]], tuple[Any, list[Problem]]]


class _Stop(Exception):
    pass


@dataclass
class Session:
    """One drafting session. `progress` gets one line per step (the CLI prints it on
    stderr); `clock` is injectable for tests."""

    task: str
    provider: Provider
    analyse: Analyse
    budget: Budget = field(default_factory=Budget)
    progress: Callable[[str], None] = lambda line: None
    clock: Callable[[], float] = time.monotonic
    source_file: str = "design.yaml"

    def __post_init__(self) -> None:
        self.task = self.task[:MAX_TASK_CHARS]
        self._reading, self.stated = read_task(self.task)
        self.fragments: dict[str, dict[str, Any]] = {}
        self.tokens_in = 0
        self.tokens_out = 0
        self._deadline = self.clock() + self.budget.max_seconds
        self._schemas = {s.id: s.schema() for s in SECTIONS}

    # ------------------------------------------------------------------ the loop

    def run(self) -> Outcome:
        evaluations: list[_Evaluation] = []
        pending: dict[str, list[Problem]] = {}
        stop = f"{self.budget.rounds} rounds done; problems remain"
        rounds = 0
        for number in range(1, self.budget.rounds + 1):
            rounds = number
            todo = SECTION_IDS if number == 1 else [s for s in SECTION_IDS if s in pending]
            reply_problems: list[Problem] = []
            try:
                for sid in todo:
                    problem = self._ask(sid, pending.get(sid, []), number)
                    if problem is not None:
                        reply_problems.append(problem)
            except (_Stop, KeyboardInterrupt) as stopped:
                stop = str(stopped) if isinstance(stopped, _Stop) else "interrupted (Ctrl-C)"
                if self.fragments:
                    evaluations.append(self._evaluate(number, reply_problems))
                break
            current = self._evaluate(number, reply_problems)
            evaluations.append(current)
            left = len(current.problems)
            self.progress(
                f"round {number}: {'loads' if current.design else 'does not load'}, "
                f"{left} problem{'s' * (left != 1)} left; tokens {self._tokens()}"
            )
            if current.design is not None and not current.problems:
                stop = f"clean after round {number}: no errors, findings or unused numbers"
                break
            pending = feedback.by_section(current.problems)
        return self._outcome(evaluations, stop, rounds)

    def _ask(self, sid: str, problems: list[Problem], number: int) -> Problem | None:
        """Ask one section (and once more on a malformed reply). Returns a problem when
        the section could not be had; raises `_Stop` when the session must end."""
        sec = section(sid)
        for attempt in (1, 2):
            self._check_budget(sid)
            prompt = request_text(
                sec,
                task=self.task,
                stated=self.stated,
                draft_yaml=self._yaml(),
                problems=problems,
                round_number=number,
            )
            left = self.budget.max_tokens - self.tokens_in - self.tokens_out
            request = Request(
                sid,
                system_text(sec, self._schemas[sid]),
                prompt,
                self._schemas[sid],
                max_output_tokens=max(1, min(MAX_OUTPUT_TOKENS, left)),
            )
            self.progress(f"round {number}: {sec.title} (tokens {self._tokens()})")
            try:
                # The provider keeps time with the system's monotonic clock.
                remaining = self._deadline - self.clock()
                reply = self.provider.complete(request, deadline=time.monotonic() + remaining)
            except ProviderError as exc:
                raise _Stop(f"the provider failed on {sec.title}: {exc}") from None
            self.tokens_in += reply.input_tokens
            self.tokens_out += reply.output_tokens
            if reply.finish == "refusal":
                said = f": {_short(reply.refusal)}" if reply.refusal else ""
                raise _Stop(f"the model refused the {sec.title}{said}")
            try:
                if reply.finish == "length" and not reply.text.strip().endswith("}"):
                    raise ReplyError("the reply was cut at the output token limit")
                self.fragments[sid] = sec.parse(reply.text)
                return None
            except ReplyError as exc:
                text = str(exc)
                self.progress(f"round {number}: {sec.title}: {_short(text.splitlines()[0])}")
                problems = [
                    *problems,
                    Problem("reply", f"reply:{sid}", sid, f"your last reply was rejected: {text}"),
                ]
                if attempt == 2:
                    return problems[-1]
        return None  # pragma: no cover

    def _check_budget(self, sid: str) -> None:
        if self.clock() >= self._deadline:
            raise _Stop(
                f"the wall-clock budget ({sig(self.budget.max_seconds, 6)} s) ran out before {sid}"
            )
        if self.tokens_in + self.tokens_out >= self.budget.max_tokens:
            raise _Stop(f"the token budget ({self.budget.max_tokens:,}) ran out before {sid}")

    def _tokens(self) -> str:
        return f"{self.tokens_in + self.tokens_out:,}/{self.budget.max_tokens:,}"

    # ------------------------------------------------------------------ assembling

    def document(self, drafted_by: str | None = None) -> dict[str, Any]:
        """The design as data: meta, then each section's keys in the framework's order."""
        name = self.fragments.get("requirements", {}).get("meta", {}).get("name") or "llm-draft"
        meta: dict[str, Any] = {"name": name, "task": self.task.strip(), "kind": "system"}
        if drafted_by:
            meta["drafted_by"] = drafted_by
        doc: dict[str, Any] = {"meta": meta}
        for sid in SECTION_IDS:
            for key, value in self.fragments.get(sid, {}).items():
                if key != "meta" and value not in ({}, [], None):
                    doc[key] = value
        return doc

    def _yaml(self) -> str:
        if not self.fragments:
            return ""
        header = (
            f"# Drafted by a language model ({self._drafted_by()}) with `archproof design --llm`;",
            "# archproof loaded, reviewed and analysed it: every derived figure is archproof's.",
        )
        return render(self.document(self._drafted_by()), header)

    def _drafted_by(self) -> str:
        return f"{self.provider.name}:{self.provider.model}"

    def _evaluate(self, number: int, reply_problems: list[Problem]) -> _Evaluation:
        yaml = self._yaml()
        owner = "failure" if "operations" in self.fragments.get("failure", {}) else "operations"
        source = Source(yaml, owner, self.source_file)
        try:
            design = load_text(yaml, self.source_file)
        except DesignError as exc:
            problems = [*reply_problems, *feedback.from_load_error(exc, source)]
            return _Evaluation(number, yaml, problems)
        report, found = self.analyse(design, source, self.stated)
        if report is None:
            return _Evaluation(number, yaml, [*reply_problems, *found])
        return _Evaluation(number, yaml, [*reply_problems, *found], design, report)

    def _outcome(self, evaluations: list[_Evaluation], stop: str, rounds: int) -> Outcome:
        valid = [e for e in evaluations if e.design is not None]
        best: _Evaluation | None = None
        for e in valid:  # the earliest of the best: a later equal draft adds nothing
            if best is None or e.score() < best.score():
                best = e
        if best is None:
            return Outcome(
                None,
                None,
                None,
                stop,
                False,
                rounds,
                0,
                self.tokens_in,
                self.tokens_out,
                (),
                tuple(evaluations[-1].problems) if evaluations else (),
                self.provider.name,
                self.provider.model,
            )
        now = {p.key for p in best.problems}
        seen: dict[str, Problem] = {}
        for e in evaluations:
            if e.round <= best.round:
                for p in e.problems:
                    seen.setdefault(p.key, p)
        fixed = tuple(_short(p.text, 160) for key, p in seen.items() if key not in now)
        return Outcome(
            yaml=best.yaml,
            design=best.design,
            report=best.report,
            stop=stop,
            clean=not best.problems,
            rounds=rounds,
            best_round=best.round,
            tokens_in=self.tokens_in,
            tokens_out=self.tokens_out,
            fixed=fixed,
            left=tuple(best.problems),
            provider=self.provider.name,
            model=self.provider.model,
        )


def _short(text: str | None, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
