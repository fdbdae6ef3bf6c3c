"""`archproof mcp`: the framework's evidence as MCP tools, resources and a prompt.

Built on the official MCP Python SDK (`MCPServer`, the extra `archproof[mcp]`). Tools are
the functions of `mcp_tools`, published with their own signatures and docstrings, and run
one at a time in a bounded worker process (`mcp_worker`); resources (the schema, the
catalog, the framework, the rules, the bundled examples) and the `design` prompt are
static text served from this process.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from functools import cache, partial
from pathlib import Path
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from archproof.backends.review_json import tool_version
from archproof.catalog import load_catalog
from archproof.cli import mcp_reference, mcp_tools
from archproof.cli.mcp_inputs import SIM_MAX_REQUESTS, Payload
from archproof.cli.mcp_worker import Worker, failure
from archproof.cli.model_cmds import design_schema
from archproof.numbers import sig
from archproof.passes.review import all_rules

DEFAULT_TIME_BUDGET_S = 30.0  # per call; simulate's caller may lower it, or raise it to the cap
DEFAULT_MAX_TIME_S = 60.0
DEFAULT_MEMORY_MB = 2048

# Tools that only read; `report` and `draft` may write a file under the root.
_WRITES = frozenset({"report", "draft"})

INSTRUCTIONS = """\
archproof checks system designs with evidence. Write the design as archproof YAML \
(`describe`, `schema` and the resource archproof://examples/... show the shape; `draft` \
gives a starting point from a task in words), then iterate: `check` until it loads, \
`review` until `clean` (no error or warning), `analyze` until its `verdict` is clean \
(no saturated pool, missed SLO or refuted assumption), `simulate` to confirm figures and \
try faults, and finally `report`. Every error comes back located (file:line:col CODE \
message) with a hint; `explain_rule CODE` gives the full page of a code. Paths are \
relative to the server's root; nothing outside it is read or written."""


def _examples_dir() -> Path | None:
    """The repository's examples/ (present in a source checkout, not in a wheel)."""
    candidate = Path(__file__).resolve().parents[3] / "examples"  # src/archproof/cli/ → repo
    return candidate if candidate.is_dir() else None


def examples() -> dict[str, Path]:
    """Bundled example designs and tasks by resource name: `designs/x.yaml`, `tasks/x.txt`."""
    found: dict[str, Path] = {}
    directory = _examples_dir()
    if directory is None:
        return found
    for path in sorted(directory.glob("*.yaml")):
        found[f"designs/{path.name}"] = path
    for path in sorted((directory / "tasks").glob("*.txt")):
        found[f"tasks/{path.name}"] = path
    return found


@cache
def _json(name: str) -> str:
    if name == "schema":
        data: object = design_schema()
    elif name == "catalog":
        data = [e.model_dump(mode="json") for e in load_catalog().entries]
    elif name == "framework":
        data = mcp_reference.framework()
    elif name == "rules":
        data = [mcp_reference.rule_json(r) for r in all_rules()]
    else:  # pragma: no cover - the names are this module's own
        raise KeyError(name)
    return json.dumps(data, indent=1, ensure_ascii=False)


def design_prompt(task: str) -> str:
    """The framework's process for one task, ending in the iterate-until-clean loop."""
    return f"""\
You are designing a system with archproof, a compiler for designs. The task:

{task}

Follow the framework. Good design uses boring, well-tested components in the right place, \
and every assumption is either checked with numbers or listed as unchecked.

Principles: (1) minimize stateful components; (2) database design: readable schemas, \
indexes for each access pattern, reads to replicas; (3) operation efficiency: separate \
fast and slow work, background jobs for slow work; (4) strategic caching, sparingly; \
(5) events only for high-volume, non-time-sensitive data, direct calls otherwise; \
(6) observability first: p95/p99 per operation, logs on errors and critical paths; \
(7) robust failure handling: timeouts, retries with backoff, circuit breakers, explicit \
fail-open/fail-closed, idempotency keys for critical operations.

Answer the six sections (4 questions each; the resource archproof://framework lists the \
24): 1 problem understanding, 2 system architecture, 3 data design, 4 scalability and \
performance, 5 failure modes, 6 implementation strategy.

Process:
1. Write the requirements down with numbers: load (requests per second/day/month per \
operation, peak factor, growth), data volume and retention, SLOs (p95/p99 per operation, \
availability), constraints, and the assumptions you make.
2. Write the design as archproof YAML in a file (e.g. design.yaml). Start from \
`draft` with the task, or from an example (archproof://examples/...); `describe` \
documents each element (component, operation, call, entity, ...) and `catalog` lists the \
components you can name in `tech:`.
3. Call `check` with the path. Fix every located error (file:line:col CODE message) and \
call it again until it passes.
4. Call `review`. For each finding, fix the design, or accept it with a reason in the \
design's `accept:` when it is a deliberate trade-off (`explain_rule CODE` explains it). \
Repeat until `review` returns clean: no errors and no warnings.
5. Call `analyze`. Repeat (changing replicas, concurrency, caches, timeouts, the call \
tree) until its verdict is clean: no saturated pool, no missed SLO, no refuted \
assumption. Then call `review` again: a change can raise new findings.
6. Call `simulate` to confirm the figures at peak (and with `load` above 1x), and with \
faults on the stateful components (e.g. 'db:slow=10@10s+30s') to see what fails.
7. When review and analyze are both clean, call `report` with output='design.md' and \
answer any of the 24 questions it marks unanswered under the design's `answers:`.

Report back the key decisions with the principle behind each, the figures that show the \
SLOs met, and the risks that remain."""


# --------------------------------------------------------------------------- tools


def _result(payload: Payload, is_error: bool) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=mcp_tools.dumps(payload))],
        structured_content=payload,
        is_error=is_error,
    )


TimeBudget = Annotated[
    float,
    Field(
        gt=0,
        description="Wall-clock seconds this call may take before it is stopped (lower it for "
        "a quick look; the server caps it).",
    ),
]


def _published(
    name: str,
    tool: mcp_tools.Tool,
    worker: Worker,
    *,
    default_s: float,
    max_s: float,
) -> Callable[..., Awaitable[CallToolResult]]:
    """An async tool for the SDK with `tool`'s signature (minus `box`); runs in the worker.

    `simulate` also takes `time_budget_s`, which the caller may lower, and raise only up to
    the server's cap.
    """
    signature = inspect.signature(tool, eval_str=True)
    parameters = [p for p in signature.parameters.values() if p.name != "box"]
    budgeted = name == "simulate"
    if budgeted:
        parameters.append(
            inspect.Parameter(
                "time_budget_s",
                inspect.Parameter.KEYWORD_ONLY,
                default=min(default_s, max_s),
                annotation=TimeBudget,
            )
        )

    async def published(**arguments: Any) -> CallToolResult:
        timeout = min(default_s, max_s)
        asked = None
        if budgeted:
            asked = float(arguments.pop("time_budget_s"))
            timeout = min(asked, max_s)
        try:
            payload, is_error = await worker.call(name, arguments, timeout_s=timeout)
        except Exception as exc:  # the server keeps serving whatever happened
            payload, is_error = failure("internal", f"{name}: {type(exc).__name__}: {exc}"), True
        bounds = payload.get("bounds")
        if asked is not None and isinstance(bounds, dict):
            bounds.update(time_budget_s_asked=asked, time_budget_s=timeout, max_time_s=max_s)
            if timeout < asked:
                bounds.setdefault("notes", []).append(
                    f"time_budget_s {sig(asked, 6)} is over the server cap of {sig(max_s, 6)} s; "
                    f"the call ran under {sig(timeout, 6)} s"
                )
        return _result(payload, is_error)

    published.__name__ = name
    published.__doc__ = tool.__doc__
    published.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=CallToolResult
    )
    return published


def build_server(
    root: Path,
    *,
    max_time_s: float = DEFAULT_MAX_TIME_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_requests: int = SIM_MAX_REQUESTS,
) -> tuple[MCPServer[Any], Worker]:
    """The MCP server for `root` (resolved), and its tool worker."""
    root = root.resolve()
    worker = Worker(root, memory_mb=memory_mb, max_requests=max_requests)
    server: MCPServer[Any] = MCPServer(
        name="archproof",
        title="archproof: designs checked with evidence",
        version=tool_version(),
        instructions=INSTRUCTIONS,
        log_level="WARNING",
    )
    default_s = min(DEFAULT_TIME_BUDGET_S, max_time_s)
    for name, tool in mcp_tools.TOOLS.items():
        server.add_tool(
            _published(name, tool, worker, default_s=default_s, max_s=max_time_s),
            name=name,
            description=inspect.cleandoc(tool.__doc__ or ""),
            annotations=ToolAnnotations(
                read_only_hint=name not in _WRITES,
                destructive_hint=False,
                idempotent_hint=True,
                open_world_hint=False,
            ),
        )
    _add_resources(server)
    server.prompt(
        name="design",
        title="Design a system with archproof",
        description="The framework's process for a design task: write the design as archproof "
        "YAML and iterate with the tools until review and analyze are clean, then report.",
    )(design_prompt)
    return server, worker


def _add_resources(server: MCPServer[Any]) -> None:
    static = {
        "schema": ("The JSON Schema of archproof design files.", "application/json"),
        "catalog": (
            "The catalog of boring components and their default figures.",
            "application/json",
        ),
        "framework": (
            "The framework: seven principles, the six sections and their 24 questions.",
            "application/json",
        ),
        "rules": ("Every review rule: code, name, principle, severity, docs.", "application/json"),
    }
    for name, (description, mime) in static.items():
        server.resource(f"archproof://{name}", name=name, description=description, mime_type=mime)(
            _reader(partial(_json, name))
        )
    for name, path in examples().items():
        is_design = name.startswith("designs/")
        server.resource(
            f"archproof://examples/{name}",
            name=f"example {name}",
            description=(
                "A bundled example design (archproof YAML)."
                if is_design
                else "A bundled example task in plain words (for `draft`)."
            ),
            mime_type="application/yaml" if is_design else "text/plain",
        )(_reader(partial(_read_text, path)))


def _read_text(path: Path) -> str:
    return path.read_text("utf-8")


def _reader(read: Callable[[], str]) -> Callable[[], str]:
    def resource() -> str:
        return read()

    return resource


async def serve(root: Path, *, max_time_s: float, memory_mb: int, max_requests: int) -> None:
    """Serve over stdio until the client closes; stop the worker on the way out."""
    server, worker = build_server(
        root, max_time_s=max_time_s, memory_mb=memory_mb, max_requests=max_requests
    )
    try:
        async with anyio.create_task_group() as group:
            # Start the worker while the client lists tools: its first call need not wait.
            group.start_soon(worker.prestart)
            await server.run_stdio_async()
            group.cancel_scope.cancel()
    finally:
        with anyio.CancelScope(shield=True):
            await worker.close()


def run(root: Path, *, max_time_s: float, memory_mb: int, max_requests: int) -> None:
    anyio.run(
        lambda: serve(root, max_time_s=max_time_s, memory_mb=memory_mb, max_requests=max_requests)
    )
