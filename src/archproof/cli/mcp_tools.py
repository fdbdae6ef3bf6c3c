"""The MCP tools as plain functions: JSON-able arguments in, a JSON-able payload out.

No MCP SDK here: `mcp_server` publishes these functions as tools (their signatures are the
input schemas, their docstrings the descriptions an agent reads) and `mcp_worker` runs
them in a bounded child process. Each design tool takes the design as YAML text (`design`)
or as a path under the root (`path`); `mcp_inputs` loads it and shapes the errors.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from pydantic import Field

from archproof.backends import review_json
from archproof.backends.report import render_html, render_markdown
from archproof.cli.analyze_cmd import parse_load
from archproof.cli.common import write_atomic
from archproof.cli.mcp_inputs import (
    SIM_MAX_REPLICATIONS,
    SIM_MAX_REQUESTS,
    DesignPath,
    DesignText,
    Payload,
    Sandbox,
    ToolFailure,
    design_failure,
    display_name,
    error_payload,
    load_input,
    resolve_inside,
    usage_error,
)
from archproof.cli.mcp_reference import catalog, describe, explain_rule, schema
from archproof.errors import DesignError, InternalError
from archproof.frontends.draft import draft as draft_design
from archproof.passes.base import Options
from archproof.passes.capacity import CapacityResult
from archproof.passes.registry import PASSES
from archproof.passes.simulate.faults import FaultSpecError, parse_faults
from archproof.passes.simulate.pass_ import SimulateResult
from archproof.passes.summary import summarize
from archproof.pipeline import run

# A simulation's defaults; the server's caps are in `Sandbox` (a caller may ask for less).
SIM_DEFAULT_REQUESTS = 20_000
SIM_DEFAULT_REPLICATIONS = 3
SIM_MAX_FAULTS = 20

# The capacity sections `analyze` returns unless asked for others ("all": every one).
ANALYZE_DEFAULT_SECTIONS = ("bottleneck", "operations", "headroom", "assumptions", "notes")
ANALYZE_SECTIONS = (
    "peak_factor",
    "components",
    "operations",
    "edges",
    "bottleneck",
    "headroom",
    "growth",
    "storage",
    "failures",
    "assumptions",
    "caches",
    "methods",
    "notes",
)


# --------------------------------------------------------------------------- tools


def check(box: Sandbox, *, design: DesignText = None, path: DesignPath = None) -> Payload:
    """Validate a design: YAML, schema, units, references, call-tree cycles, impossible numbers.

    Call this first and after every edit of the design. On success it returns a one-screen
    summary (components, operations, entities, peak requests/s); on failure every problem as
    a located record `file:line:col: CODE message` with a hint (`is_error` is set). Fix
    them all, then call `review` and `analyze`.
    """
    loaded = load_input(box.root, design, path)
    s = summarize(loaded.design)
    return {
        "ok": True,
        "file": loaded.name,
        "design": loaded.design.meta.name,
        "summary": {label: value for label, value in s.rows()},
        "next": "call `review` for findings and `analyze` for capacity figures",
    }


def review(box: Sandbox, *, design: DesignText = None, path: DesignPath = None) -> Payload:
    """Review a design against the framework's principles, like a linter.

    Returns findings (schema `archproof-review/1`): each with code, severity, principle,
    message, the element and line it points at, the fix, and evidence figures. `clean` is
    true when no active finding is an error or a warning. Iterate: fix the design (or add
    an `accept:` entry with a reason), call `check`, then `review` again. `explain_rule`
    gives a code's full page.
    """
    loaded = load_input(box.root, design, path)
    report = run(loaded.design, passes=("review",), source_file=loaded.name)
    doc = review_json.document([report])
    entry = doc["files"][0]
    summary = entry["summary"]
    return {
        "ok": True,
        "schema": doc["schema"],
        "file": entry["file"],
        "design": entry["design"],
        "clean": summary.get("error", 0) == 0 and summary.get("warning", 0) == 0,
        "summary": summary,
        "findings": entry["findings"],
        "rules_run": entry["rules_run"],
    }


def analyze(
    box: Sandbox,
    *,
    design: DesignText = None,
    path: DesignPath = None,
    load_factors: Annotated[
        str,
        Field(description="Load factors for the growth plan, e.g. '1x,2x,5x,10x'.", max_length=200),
    ] = "1x,2x,5x,10x",
    years: Annotated[
        int, Field(ge=0, le=50, description="Years of requirements.load.growth_per_year to plan.")
    ] = 3,
    sections: Annotated[
        list[str] | None,
        Field(
            description="Capacity sections to return (default: bottleneck, operations, "
            "headroom, assumptions, notes; ['all'] for every one). Known: "
            + ", ".join(ANALYZE_SECTIONS)
            + ".",
            max_length=len(ANALYZE_SECTIONS) + 1,
        ),
    ] = None,
) -> Payload:
    """Capacity and queueing math for a design, every figure with its formula and inputs.

    Load and utilization per component and pool (callers hold their servers while they
    wait), Erlang C / Allen–Cunneen waits, p95/p99 latency against each SLO, the bottleneck
    and headroom, a growth plan, storage, failure modes, checked assumptions. `verdict`
    lists saturated pools, missed SLOs and refuted assumptions: iterate on the design until
    it is empty. Large sections (components, edges) are returned only when asked for.
    """
    try:
        factors = parse_load(load_factors)
    except ValueError as exc:
        raise usage_error(f"load_factors: {exc}", "give factors like '1x,2x,5x,10x'") from None
    chosen = _sections(sections)
    loaded = load_input(box.root, design, path)
    report = run(
        loaded.design,
        passes=("capacity",),
        options=Options(load_factors=factors, years=years),
        source_file=loaded.name,
    )
    result = report.get(CapacityResult)
    if result is None:
        raise RuntimeError("the capacity pass produced no result")
    figures = result.to_json()
    return {
        "ok": True,
        "file": loaded.name,
        "design": loaded.design.meta.name,
        "verdict": capacity_verdict(figures),
        "capacity": {k: v for k, v in figures.items() if k in chosen},
        "sections": {"returned": [k for k in figures if k in chosen], "known": list(figures)},
    }


def _sections(sections: list[str] | None) -> tuple[str, ...]:
    if sections is None:
        return ANALYZE_DEFAULT_SECTIONS
    if "all" in sections:
        return ANALYZE_SECTIONS
    unknown = [s for s in sections if s not in ANALYZE_SECTIONS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], ANALYZE_SECTIONS, n=1)
        raise usage_error(
            f"sections: unknown {', '.join(unknown)}",
            f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(ANALYZE_SECTIONS)}",
        )
    return tuple(sections)


def capacity_verdict(figures: Payload) -> Payload:
    """What still stands between the design and clean figures (read from the JSON)."""
    saturated = [
        f"{c.get('id')}:{p.get('name')}"
        for c in figures.get("components", [])
        for p in c.get("pools", [])
        if p.get("status") == "saturated"
    ]
    missed = [
        {
            "operation": o.get("id"),
            "metric": s.get("metric"),
            "status": s.get("status"),
            "target": s.get("target"),
            "figure": (s.get("figure") or {}).get("value"),
        }
        for o in figures.get("operations", [])
        for s in o.get("slo", [])
        if s.get("status") in ("violated", "saturated")
    ]
    refuted = [
        {"id": a.get("id"), "statement": a.get("statement"), "detail": a.get("detail")}
        for a in figures.get("assumptions", [])
        if a.get("status") == "refuted"
    ]
    bottleneck = figures.get("bottleneck") or {}
    factor = (bottleneck.get("saturation_factor") or {}).get("value")
    return {
        "clean": not saturated and not missed and not refuted,
        "saturated_pools": saturated,
        "missed_slos": missed,
        "refuted_assumptions": refuted,
        "bottleneck": (
            {"component": bottleneck.get("component"), "saturates_at": factor}
            if bottleneck.get("component")
            else None
        ),
    }


def simulate(
    box: Sandbox,
    *,
    design: DesignText = None,
    path: DesignPath = None,
    requests: Annotated[
        int,
        Field(
            ge=1,
            description="External requests per replication (the server caps it, by default "
            f"at {SIM_MAX_REQUESTS:,}; more is lowered to the cap and the result says so).",
        ),
    ] = SIM_DEFAULT_REQUESTS,
    replications: Annotated[
        int,
        Field(
            ge=1,
            description=f"Independent replications (server cap {SIM_MAX_REPLICATIONS}).",
        ),
    ] = SIM_DEFAULT_REPLICATIONS,
    load: Annotated[
        str, Field(description="Load multiplier on the design's peak, e.g. '2x'.", max_length=20)
    ] = "1x",
    faults: Annotated[
        list[str] | None,
        Field(
            description="Faults to inject, COMPONENT:KIND[=VALUE][@START[+LENGTH]], e.g. "
            "'db:slow=20@10s+30s', 'psp:error_rate=0.2', 'cache:down@30s+2m'.",
            max_length=SIM_MAX_FAULTS,
        ),
    ] = None,
    scenario: Annotated[
        str | None, Field(description="A scenario from the design's `scenarios:`.")
    ] = None,
    seed: Annotated[int, Field(ge=0, description="Random seed: same seed, same output.")] = 1,
) -> Payload:
    """Discrete-event simulation of the design's load, optionally with faults.

    Latency percentiles with 95% confidence intervals, errors, timeouts, rejections and
    utilization per component, each beside the capacity pass's analytic figure, and an SLO
    verdict per operation (schema `archproof-simulate/1`). Use it to confirm the analytic
    figures and to see what a fault does (cascades, retries, breakers). Bounded: requests and
    replications are capped server-side (`bounds` says what ran) and the call has a time
    budget (`time_budget_s`, capped by the server).
    """
    notes: list[str] = []
    used_requests = min(requests, box.max_requests)
    used_replications = min(replications, box.max_replications)
    if used_requests < requests:
        notes.append(
            f"requests {requests:,} is over the server cap of {box.max_requests:,}; "
            f"simulated {used_requests:,} per replication"
        )
    if box.sim_backend == "python":
        notes.append(
            "the compiled simulator is still being built on this machine (its first use); "
            "this run used the plain-Python kernel, which is slower and may shorten the run "
            "(run.notes says so); later calls use the compiled one"
        )
    if used_replications < replications:
        notes.append(
            f"replications {replications} is over the server cap of {box.max_replications}; "
            f"ran {used_replications}"
        )
    try:
        factors = parse_load(load)
    except ValueError as exc:
        raise usage_error(f"load: {exc}", "give one factor like '2x'") from None
    if len(factors) != 1:
        raise usage_error("load takes one factor here, e.g. '2x'")
    loaded = load_input(box.root, design, path)
    fault_specs = tuple(faults or ())
    try:
        parse_faults(fault_specs, loaded.design)
    except FaultSpecError as exc:
        raise usage_error(str(exc), "e.g. 'db:slow=20@10s+30s'") from None
    if scenario is not None and scenario not in {s.id for s in loaded.design.scenarios}:
        known = ", ".join(s.id for s in loaded.design.scenarios) or "none in this design"
        raise usage_error(f"unknown scenario '{scenario}'", f"known scenarios: {known}")
    options = Options(
        sim_requests=used_requests,
        sim_load=factors[0],
        sim_seed=seed,
        sim_replications=used_replications,
        sim_faults=fault_specs,
        sim_scenario=scenario,
        sim_backend=box.sim_backend,
    )
    report = run(loaded.design, passes=("simulate",), options=options, source_file=loaded.name)
    result = report.get(SimulateResult)
    if result is None:
        raise RuntimeError("the simulate pass produced no result")
    return {
        "ok": True,
        "file": loaded.name,
        "design": loaded.design.meta.name,
        "bounds": {
            "requests_asked": requests,
            "requests_used": used_requests,
            "replications_asked": replications,
            "replications_used": used_replications,
            "max_requests": box.max_requests,
            "max_replications": box.max_replications,
            "notes": notes,
        },
        **result.to_json(),
    }


def report(
    box: Sandbox,
    *,
    design: DesignText = None,
    path: DesignPath = None,
    output: Annotated[
        str | None,
        Field(
            description="Write the report to this file under the root (.md or .html, "
            "written atomically) instead of returning the Markdown.",
            max_length=4096,
        ),
    ] = None,
) -> Payload:
    """The full design document: executive summary, the six sections, findings by principle,
    the 24 questions with the provenance of each answer, risks and success metrics.

    Call it when `review` is clean and `analyze` has no saturated pool or missed SLO.
    Returns the Markdown, or writes Markdown/HTML (by the suffix of `output`) to a file
    under the root and returns its path.
    """
    loaded = load_input(box.root, design, path)
    target: Path | None = None
    html = False
    if output is not None:
        target = resolve_inside(box.root, output, what="output")
        suffix = target.suffix.lower()
        if suffix not in (".md", ".markdown", ".html", ".htm"):
            raise usage_error(
                f"cannot tell the report format from '{output}'", "name it design.md or .html"
            )
        if not target.parent.is_dir():
            raise usage_error(f"directory of '{output}' does not exist")
        if target.is_dir():
            raise usage_error(f"'{output}' is a directory")
        html = suffix in (".html", ".htm")
    names = tuple(p.name for p in PASSES if p.name != "simulate")
    result = run(loaded.design, passes=names, source_file=loaded.name)
    text = render_html(result) if html else render_markdown(result)
    if target is None:
        return {"ok": True, "file": loaded.name, "format": "markdown", "markdown": text}
    write_atomic(target, text)
    return {
        "ok": True,
        "file": loaded.name,
        "format": "html" if html else "markdown",
        "written": display_name(box.root, target),
        "bytes": len(text.encode("utf-8")),
    }


def draft(
    box: Sandbox,
    *,
    task: Annotated[
        str,
        Field(
            min_length=1,
            max_length=200_000,
            description="The design task in plain words, with any numbers you have.",
        ),
    ],
    output: Annotated[
        str | None,
        Field(
            description="Also write the drafted YAML to this file under the root.",
            max_length=4096,
        ),
    ] = None,
    overwrite: Annotated[bool, Field(description="Overwrite `output` if it exists.")] = False,
) -> Payload:
    """Draft a design from a task in plain words with the offline, rule-based drafter.

    Returns a commented, valid archproof YAML design: requirements with their source
    (extracted, derived, assumed), components, operations with call trees, entities, and
    the key decisions with the principle behind each, plus open questions. Call it first
    when all you have is the task in words; then edit the YAML (it is yours; `output`
    writes it to a file) and `check`, `review`, `analyze` it.
    """
    if not task.strip():
        raise usage_error("the task is empty", "describe what the system must do")
    target = None
    if output is not None:
        target = resolve_inside(box.root, output, what="output")
        if target.is_dir():
            raise usage_error(f"'{output}' is a directory")
        if target.exists() and not overwrite:
            raise usage_error(f"'{output}' already exists", "pass overwrite=true to replace it")
        if not target.parent.is_dir():
            raise usage_error(f"directory of '{output}' does not exist")
    drafted = draft_design(task)
    written = None
    if target is not None:
        write_atomic(target, drafted.yaml)
        written = display_name(box.root, target)
    return {
        "ok": True,
        "name": drafted.name,
        "kind": drafted.kind,
        "patterns": list(drafted.patterns),
        "yaml": drafted.yaml,
        "written": written,
        "requirements": [dataclasses.asdict(r) for r in drafted.requirements],
        "decisions": [
            {
                **dataclasses.asdict(d),
                "principle": d.principle.name,
                "principle_name": d.principle.value,
            }
            for d in drafted.decisions
        ],
        "figures": [{"name": label, "value": value} for label, value in drafted.figures],
        "open_questions": list(drafted.open_questions),
    }


# --------------------------------------------------------------------------- dispatch

Tool = Callable[..., Payload]

# The published tools, in the order agents see them.
TOOLS: dict[str, Tool] = {
    f.__name__: f
    for f in (
        check,
        review,
        analyze,
        simulate,
        report,
        draft,
        describe,
        schema,
        catalog,
        explain_rule,
    )
}


def call(box: Sandbox, name: str, arguments: Payload) -> tuple[Payload, bool]:
    """Run tool `name`; (payload, is_error). Never raises for a tool's own failure."""
    tool = TOOLS.get(name)
    if tool is None:
        failure = usage_error(f"unknown tool '{name}'", f"one of: {', '.join(TOOLS)}")
        return failure.payload(), True
    accepted = set(inspect.signature(tool).parameters) - {"box"}
    unknown = sorted(set(arguments) - accepted)
    if unknown:
        return usage_error(f"{name}: unknown argument(s) {', '.join(unknown)}").payload(), True
    try:
        return tool(box, **arguments), False
    except ToolFailure as exc:
        return exc.payload(), True
    except DesignError as exc:  # raised by a pass on input the loader let through
        return design_failure(exc, {}).payload(), True
    except MemoryError:
        return _out_of_memory(name, "MemoryError"), True
    except InternalError as exc:
        if exc.detail.startswith("MemoryError"):  # a pass hit the limit, not a bug
            return _out_of_memory(name, exc.detail), True
        return _internal(name, str(exc)), True
    except Exception as exc:  # a bug: say so, keep serving
        return _internal(name, f"{type(exc).__name__}: {exc}"), True


def _out_of_memory(name: str, detail: str) -> Payload:
    text = f"{name} ran out of memory under the server's limit ({detail})"
    hint = (
        "give it less work (for simulate: fewer requests, a lower load; an overloaded design "
        "piles up requests without end: fix the saturated pool `analyze` reports first)"
    )
    record = {"code": None, "message": text, "hint": hint, "text": text}
    return error_payload("memory", [{**record, "rendered": f"{text}\n  hint: {hint}"}])


def _internal(name: str, detail: str) -> Payload:
    text = f"internal error in tool {name}: {detail}"
    return error_payload(
        "internal",
        [
            {
                "code": None,
                "message": text,
                "hint": "this is a bug in archproof (or a limit it hit); the server keeps running",
                "text": text,
                "rendered": text,
            }
        ],
    )


def dumps(payload: Payload) -> str:
    """JSON text of a payload (what the model reads)."""
    return json.dumps(payload, ensure_ascii=False, default=str)
