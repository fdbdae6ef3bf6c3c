"""`archproof mcp` end to end: the server as a subprocess, driven by the MCP SDK's own client
over stdio. One server serves the whole module (starting one costs seconds); tests that
stop its worker leave it serving, which is part of what they check.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pytest

pytest.importorskip("mcp", reason="the MCP SDK (extra archproof[mcp]) is not installed")

from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client, StdioServerParameters, stdio_client
from mcp.types import CallToolResult, TextContent, TextResourceContents

from archproof.cli import mcp_tools

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "url_shortener.yaml"
MAX_SECONDS = 20  # the test server's cap on one call
MAX_REQUESTS = 50_000  # the test server's cap on a simulation's requests (default 200,000)
TOOLS = (
    "check",
    "review",
    "analyze",
    "simulate",
    "report",
    "draft",
    "describe",
    "schema",
    "catalog",
    "explain_rule",
)
BAD_DESIGN = "meta: {name: t}\ncomponents:\n  api: {kind: service, replica: 2}\n"


@dataclass
class Session:
    portal: BlockingPortal
    client: Client
    root: Path
    log: TextIO

    def call(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        return self.portal.call(self.client.call_tool, name, arguments)

    def ok(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = self.call(name, arguments)
        payload = payload_of(result)
        assert not result.is_error, payload
        assert payload["ok"] is True
        return payload

    def error(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = self.call(name, arguments)
        payload = payload_of(result)
        assert result.is_error, payload
        assert payload["ok"] is False
        return payload


def payload_of(result: CallToolResult) -> dict[str, Any]:
    """The structured payload, which must equal the JSON text the model reads."""
    (block,) = result.content
    assert isinstance(block, TextContent)
    text_payload = json.loads(block.text)
    assert result.structured_content == text_payload
    assert isinstance(text_payload, dict)
    return text_payload


def _make_root(root: Path, outside: Path) -> None:
    (root / "designs").mkdir()
    (root / "out").mkdir()
    shutil.copy(EXAMPLE, root / "designs" / "url_shortener.yaml")
    (root / "designs" / "bad.yaml").write_text(BAD_DESIGN)
    (outside / "secret.yaml").write_text((root / "designs" / "url_shortener.yaml").read_text())
    (root / "designs" / "link_out.yaml").symlink_to(outside / "secret.yaml")
    (root / "designs" / "link_in.yaml").symlink_to(root / "designs" / "url_shortener.yaml")
    (root / "out_link").symlink_to(outside, target_is_directory=True)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    base = tmp_path_factory.mktemp("mcp")
    root, outside = base / "root", base / "outside"
    root.mkdir()
    outside.mkdir()
    _make_root(root, outside)
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-c",
            "from archproof.cli.app import main; main()",
            "mcp",
            "--root",
            str(root),
            "--max-seconds",
            str(MAX_SECONDS),
            "--max-requests",
            str(MAX_REQUESTS),
        ],
        cwd=str(base),  # not the root: --root decides, not the working directory
    )
    with ExitStack() as stack:
        log = stack.enter_context((base / "server.log").open("w+"))
        portal = stack.enter_context(start_blocking_portal())
        client = stack.enter_context(
            portal.wrap_async_context_manager(Client(stdio_client(params, errlog=log)))
        )
        session = Session(portal, client, root, log)
        session.ok("describe", {})  # starts the worker, and the simulator warm-up beside it
        if Path("/proc/self/status").exists():
            _wait_for_warm_up()
        yield session


# --------------------------------------------------------------------------- listing


def test_lists_tools_resources_and_prompts(session: Session) -> None:
    tools = {t.name: t for t in session.portal.call(session.client.list_tools).tools}
    assert tuple(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and len(tool.description) > 80, tool.name
        assert tool.input_schema["type"] == "object"
    for name in ("check", "review", "analyze", "simulate", "report"):
        assert {"design", "path"} <= set(tools[name].input_schema["properties"]), name
    assert "time_budget_s" in tools["simulate"].input_schema["properties"]
    assert tools["draft"].input_schema["required"] == ["task"]
    assert tools["check"].annotations is not None and tools["check"].annotations.read_only_hint

    resources = {str(r.uri) for r in session.portal.call(session.client.list_resources).resources}
    assert {
        "archproof://schema",
        "archproof://catalog",
        "archproof://framework",
        "archproof://rules",
    } <= resources
    for example in (REPO / "examples").glob("*.yaml"):
        assert f"archproof://examples/designs/{example.name}" in resources

    prompts = session.portal.call(session.client.list_prompts).prompts
    assert [p.name for p in prompts] == ["design"]
    assert [a.name for a in prompts[0].arguments or []] == ["task"]


def _read(session: Session, uri: str) -> str:
    result = session.portal.call(session.client.read_resource, uri)
    (content,) = result.contents
    assert isinstance(content, TextResourceContents)
    return content.text


def test_resources_carry_the_framework_schema_catalog_and_examples(session: Session) -> None:
    framework = json.loads(_read(session, "archproof://framework"))
    codes = [p["code"] for p in framework["principles"]]
    assert codes == ["ST", "DB", "OP", "CA", "EV", "OB", "FH"]
    assert len(framework["sections"]) == 6
    assert sum(len(s["questions"]) for s in framework["sections"]) == 24
    assert json.loads(_read(session, "archproof://schema"))["title"] == "archproof design"
    catalog = json.loads(_read(session, "archproof://catalog"))
    assert "postgresql" in {e["id"] for e in catalog}
    rules = json.loads(_read(session, "archproof://rules"))
    assert "FH001" in {r["code"] for r in rules}
    example = _read(session, "archproof://examples/designs/url_shortener.yaml")
    assert example == EXAMPLE.read_text("utf-8")


def test_design_prompt_takes_the_task_and_asks_for_the_loop(session: Session) -> None:
    task = "Design a URL shortener for 100M new links a month"
    result = session.portal.call(session.client.get_prompt, "design", {"task": task})
    (message,) = result.messages
    assert isinstance(message.content, TextContent)
    text = message.content.text
    assert task in text
    for word in ("`check`", "`review`", "`analyze`", "`simulate`", "`report`", "24"):
        assert word in text, word
    assert "no saturated pool" in text and "no errors and no warnings" in text


# --------------------------------------------------------------------------- each tool


def test_check_review_analyze_on_an_example(session: Session) -> None:
    path = "designs/url_shortener.yaml"
    checked = session.ok("check", {"path": path})
    assert checked["design"] == "url-shortener" and checked["file"] == path
    by_text = session.ok("check", {"design": EXAMPLE.read_text("utf-8")})
    assert by_text["summary"] == checked["summary"]

    reviewed = session.ok("review", {"path": path})
    assert reviewed["schema"] == "archproof-review/1"
    assert reviewed["clean"] is True
    assert all(f["location"]["file"] == path for f in reviewed["findings"] if f["location"])

    analyzed = session.ok("analyze", {"path": path})
    assert analyzed["verdict"]["clean"] is True
    assert analyzed["verdict"]["bottleneck"]["component"] == "api"
    assert set(analyzed["capacity"]) == set(mcp_tools.ANALYZE_DEFAULT_SECTIONS)
    wide = session.ok("analyze", {"path": path, "sections": ["all"], "load_factors": "1x,3x"})
    assert [g["label"] for g in wide["capacity"]["growth"]][:2] == ["1x", "3x"]
    assert "components" in wide["capacity"]


def test_simulate_report_draft_on_an_example(session: Session) -> None:
    path = "designs/url_shortener.yaml"
    simulated = session.ok("simulate", {"path": path, "requests": 5000, "replications": 2})
    assert simulated["schema"] == "archproof-simulate/1"
    assert simulated["bounds"]["requests_used"] == 5000
    assert simulated["run"]["replications"] == 2
    assert {o["name"] for o in simulated["operations"]} >= {"redirect", "create_link"}

    reported = session.ok("report", {"path": path})
    assert reported["markdown"].startswith("# ")
    written = session.ok("report", {"path": path, "output": "out/design.md"})
    assert written["written"] == "out/design.md"
    text = (session.root / "out" / "design.md").read_text("utf-8")
    assert written["bytes"] == len(text.encode("utf-8")) and text == reported["markdown"]
    html = session.ok("report", {"path": path, "output": "out/design.html"})
    assert html["format"] == "html"
    assert (session.root / "out" / "design.html").read_text("utf-8").startswith("<!")
    assert not list((session.root / "out").glob(".*.tmp"))  # written atomically

    drafted = session.ok(
        "draft",
        {"task": "Design a URL shortener for 100M new links a month", "output": "out/d.yaml"},
    )
    assert drafted["written"] == "out/d.yaml"
    assert (session.root / "out" / "d.yaml").read_text("utf-8") == drafted["yaml"]
    assert drafted["decisions"] and drafted["requirements"]
    again = session.error("draft", {"task": "a chat service", "output": "out/d.yaml"})
    assert again["error"] == "usage" and "already exists" in again["errors"][0]["message"]
    session.ok("check", {"path": "out/d.yaml"})  # a draft is a valid design


def test_reference_tools(session: Session) -> None:
    kinds = session.ok("describe", {})["kinds"]
    assert "component" in {k["kind"] for k in kinds}
    component = session.ok("describe", {"kind": "component"})
    assert "replicas" in {f["key"] for f in component["fields"]}
    assert "did you mean 'component'" in session.error("describe", {"kind": "componnt"})["text"]
    assert session.ok("schema", {})["schema"]["title"] == "archproof design"
    (entry,) = session.ok("catalog", {"tech": "postgresql"})["entries"]
    assert entry["stateful"] is True
    assert len(session.ok("catalog", {})["entries"]) > 5
    rule = session.ok("explain_rule", {"code": "FH001"})
    assert rule["principle"] == "FH" and "Example" in rule["sections"]
    assert session.ok("explain_rule", {"code": "AP012"})["kind"] == "input_code"
    assert "did you mean 'FH001'" in session.error("explain_rule", {"code": "FH0001"})["text"]


# --------------------------------------------------------------------------- errors as data


def test_a_malformed_design_returns_located_errors_as_data(session: Session) -> None:
    from_text = session.error("check", {"design": BAD_DESIGN})
    assert from_text["error"] == "design"
    (record,) = from_text["errors"]
    assert (record["file"], record["line"], record["code"]) == ("<design>", 3, "AP010")
    assert record["column"] >= 1 and "replica" in record["message"]
    assert "did you mean 'replicas'" in (record["hint"] or "")
    assert record["text"] == f"<design>:3:{record['column']}: AP010 {record['message']}"
    assert "^" in record["rendered"]  # the source line with a caret, as the CLI prints it

    from_file = session.error("review", {"path": "designs/bad.yaml"})
    assert from_file["errors"][0]["location"].startswith("designs/bad.yaml:3:")

    broken = session.error("analyze", {"design": "meta: {name: t\n"})
    assert broken["errors"][0]["code"] == "AP001"
    missing = session.error("check", {"path": "designs/nope.yaml"})
    assert missing["errors"][0]["code"] == "AP000"
    neither = session.error("check", {})
    assert neither["error"] == "usage"


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("check", {"path": "../../etc/passwd"}),
        ("check", {"path": "/etc/passwd"}),
        ("review", {"path": "designs/link_out.yaml"}),
        ("check", {"path": "out_link/secret.yaml"}),
        ("report", {"path": "designs/url_shortener.yaml", "output": "../escape.md"}),
        ("report", {"path": "designs/url_shortener.yaml", "output": "out_link/escape.md"}),
        ("draft", {"task": "a url shortener", "output": "/tmp/escape.yaml"}),
    ],
)
def test_paths_out_of_the_root_are_refused(
    session: Session, tool: str, arguments: dict[str, Any]
) -> None:
    refused = session.error(tool, arguments)
    assert refused["error"] == "path"
    (record,) = refused["errors"]
    assert record["code"] == "AP000" and "refused" in record["message"]
    assert "root" in record["hint"]
    assert not (session.root.parent / "escape.md").exists()
    assert not (session.root.parent / "outside" / "escape.md").exists()


def test_paths_inside_the_root_are_served(session: Session) -> None:
    session.ok("check", {"path": str(session.root / "designs" / "url_shortener.yaml")})
    session.ok("check", {"path": "designs/../designs/url_shortener.yaml"})
    session.ok("check", {"path": "designs/link_in.yaml"})


def test_bad_arguments_are_tool_errors_and_the_next_call_works(session: Session) -> None:
    wrong_type = session.call("check", {"path": 3})
    assert wrong_type.is_error
    unknown = session.call("no_such_tool", {})
    assert unknown.is_error
    session.ok("check", {"path": "designs/url_shortener.yaml"})


# --------------------------------------------------------------------------- bounds


def test_simulate_over_the_cap_is_bounded(session: Session) -> None:
    started = time.monotonic()
    bounded = session.ok(
        "simulate",
        {
            "path": "designs/url_shortener.yaml",
            "requests": 10**12,
            "replications": 1000,
            "time_budget_s": 10**6,
        },
    )
    elapsed = time.monotonic() - started
    bounds = bounded["bounds"]
    assert bounds["requests_used"] == bounds["max_requests"] == MAX_REQUESTS
    assert bounded["run"]["requests"] == MAX_REQUESTS
    assert bounds["replications_used"] == mcp_tools.SIM_MAX_REPLICATIONS
    assert bounded["run"]["replications"] == mcp_tools.SIM_MAX_REPLICATIONS
    assert bounds["time_budget_s"] == MAX_SECONDS
    assert len(bounds["notes"]) == 3  # requests, replications and time budget each lowered
    assert elapsed < MAX_SECONDS + 10


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # exited meanwhile
        return b""


def _server_and_worker(kind: bytes = b"archproof.cli.mcp_worker") -> tuple[int, int | None]:
    """The server (our child) and its worker (or warm-up) process, by their command lines."""
    servers = [p for p in _children(os.getpid()) if b"mcp" in _cmdline(p)]
    assert len(servers) == 1, servers
    workers = [p for p in _children(servers[0]) if kind in _cmdline(p)]
    assert len(workers) <= 1, workers
    return servers[0], (workers[0] if workers else None)


def _wait_for_warm_up() -> None:
    """The compiled simulator is built once, beside the server; tests wait for it (seconds
    with a warm numba cache, once about half a minute of CPU with a cold one)."""
    deadline = time.monotonic() + 600
    while _server_and_worker(b"archproof.cli.mcp_warmup")[1] is not None:
        assert time.monotonic() < deadline, "the simulator warm-up did not finish"
        time.sleep(0.2)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")


@needs_proc
def test_a_call_over_its_time_budget_is_stopped_and_the_server_keeps_serving(
    session: Session,
) -> None:
    session.ok("check", {"path": "designs/url_shortener.yaml"})
    _, worker = _server_and_worker()
    started = time.monotonic()
    stopped = session.error(
        "simulate",
        {
            "path": "designs/url_shortener.yaml",
            "requests": MAX_REQUESTS,
            "replications": 5,
            "time_budget_s": 0.1,
        },
    )
    assert time.monotonic() - started < 5
    assert stopped["error"] == "timeout" and "0.1 s" in stopped["text"]
    assert session.ok("check", {"path": "designs/url_shortener.yaml"})["design"]
    _, fresh = _server_and_worker()
    assert fresh is not None and fresh != worker


@needs_proc
def test_a_crashing_worker_is_an_error_result_and_the_server_keeps_serving(
    session: Session,
) -> None:
    session.ok("check", {"path": "designs/url_shortener.yaml"})
    _, worker = _server_and_worker()
    assert worker is not None
    arguments = {"path": "designs/url_shortener.yaml", "requests": MAX_REQUESTS, "replications": 5}
    future = session.portal.start_task_soon(session.client.call_tool, "simulate", arguments)
    time.sleep(0.15)
    os.kill(worker, signal.SIGKILL)  # what an out-of-memory kill or a segfault looks like
    crashed = future.result(timeout=MAX_SECONDS)
    assert crashed.is_error
    payload = payload_of(crashed)
    assert payload["error"] == "internal" and "died" in payload["text"]
    assert session.ok("review", {"path": "designs/url_shortener.yaml"})["clean"] is True


# --------------------------------------------------------------------------- memory

CALLS = 200
# RSS may grow by at most this much over CALLS calls after a warm-up, in each process. A
# leak of the review or capacity results (tens of KiB per call) would exceed it.
GROWTH_BOUND_KIB = 16 * 1024


@needs_proc
def test_200_sequential_calls_show_no_memory_growth(session: Session) -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("check", {"path": "designs/url_shortener.yaml"}),
        ("review", {"path": "designs/url_shortener.yaml"}),
        ("analyze", {"path": "designs/url_shortener.yaml"}),
        ("check", {"design": BAD_DESIGN}),
        ("explain_rule", {"code": "DB003"}),
        ("check", {"path": "../../etc/passwd"}),
        ("describe", {"kind": "operation"}),
        ("catalog", {}),
    ]
    for name, arguments in calls * 3:  # warm-up: caches, allocator arenas
        session.call(name, arguments)
    server, worker = _server_and_worker()
    assert worker is not None
    before = (_rss_kib(server), _rss_kib(worker))
    started = time.monotonic()
    for i in range(CALLS):
        name, arguments = calls[i % len(calls)]
        session.call(name, arguments)
    elapsed = time.monotonic() - started
    after = (_rss_kib(server), _rss_kib(worker))
    assert _server_and_worker() == (server, worker)  # no restart hid a leak
    growth = (after[0] - before[0], after[1] - before[1])
    print(
        f"\n{CALLS} calls in {elapsed:.1f} s ({elapsed / CALLS * 1000:.0f} ms/call); RSS KiB "
        f"server {before[0]}→{after[0]} ({growth[0]:+}), worker {before[1]}→{after[1]} "
        f"({growth[1]:+})"
    )
    assert growth[0] < GROWTH_BOUND_KIB and growth[1] < GROWTH_BOUND_KIB, growth


def test_a_cancelled_call_never_answers_the_next_one(tmp_path: Path) -> None:
    """The worker's late reply to a cancelled call must not be taken for the next reply."""
    import anyio

    from archproof.cli.mcp_worker import Worker

    shutil.copy(EXAMPLE, tmp_path / "d.yaml")
    slow = {"path": "d.yaml", "requests": 200_000, "replications": 5}
    # Files in the root are data: a module there must never be imported by the worker.
    marker = tmp_path / "imported"
    for module in ("numpy.py", "pydantic.py", "archproof.py"):
        (tmp_path / module).write_text(f"open({str(marker)!r}, 'w').close()\n")

    async def scenario() -> tuple[dict[str, Any], bool, int]:
        worker = Worker(tmp_path.resolve(), memory_mb=2048, warm_up=False)
        try:
            await worker.call("describe", {}, timeout_s=MAX_SECONDS)  # started and warm
            with anyio.move_on_after(0.5):
                await worker.call("simulate", slow, timeout_s=MAX_SECONDS)
            payload, is_error = await worker.call("check", {"path": "d.yaml"}, timeout_s=30)
            return payload, is_error, worker.started
        finally:
            await worker.close()

    payload, is_error, started = anyio.run(scenario)
    assert not is_error and payload["summary"]["operations"] == "3"
    assert started == 2  # the cancelled call's worker was replaced
    assert not marker.exists()


@needs_proc
def test_a_call_over_the_memory_limit_is_an_error_result(tmp_path: Path) -> None:
    """A simulation of an overloaded design piles up requests until the worker's memory
    limit stops it: an error result that says so, and the same worker serves on. The limit
    is set to the warm worker's own size + 128 MiB, so the test does not depend on how
    large numpy and numba are on this machine."""
    import resource

    import anyio

    from archproof.cli.mcp_worker import Worker

    shutil.copy(EXAMPLE, tmp_path / "d.yaml")
    small = {"path": "d.yaml", "requests": 2000, "replications": 1}
    overloaded = {"path": "d.yaml", "requests": 200_000, "replications": 1, "load": "1000x"}

    async def scenario() -> tuple[dict[str, Any], bool, dict[str, Any], int]:
        worker = Worker(tmp_path.resolve(), memory_mb=4096)
        try:
            await worker.call("describe", {}, timeout_s=MAX_SECONDS)
            while worker.warming_up:
                await anyio.sleep(0.1)
            await worker.call("simulate", small, timeout_s=MAX_SECONDS)  # warm: numba loaded
            assert worker.pid is not None
            status = Path(f"/proc/{worker.pid}/status").read_text()
            size_kib = int(
                next(x for x in status.splitlines() if x.startswith("VmSize:")).split()[1]
            )
            limit = (size_kib << 10) + (128 << 20)
            resource.prlimit(worker.pid, resource.RLIMIT_AS, (limit, limit))
            payload, is_error = await worker.call("simulate", overloaded, timeout_s=MAX_SECONDS)
            after, _ = await worker.call("check", {"path": "d.yaml"}, timeout_s=30)
            return payload, is_error, after, worker.started
        finally:
            await worker.close()

    payload, is_error, after, started = anyio.run(scenario)
    assert is_error and payload["error"] == "memory", payload
    assert "memory" in payload["text"] and "MemoryError" in payload["text"]
    assert after["ok"] is True and started == 1


def test_the_worker_refuses_network_access() -> None:
    import subprocess

    code = (
        "import socket, sys\n"
        "from archproof.cli.mcp_worker import _refuse_network\n"
        "sys.addaudithook(_refuse_network)\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
        "except PermissionError as exc:\n"
        "    print('refused:', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.startswith("refused: archproof mcp: network access is disabled")
