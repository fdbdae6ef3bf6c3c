"""The bounded child process that runs MCP tool calls, and the server's handle on it.

Why a child: a Python thread cannot be stopped, so a tool that runs past its time budget
(a huge design, a pathological simulation) could only be abandoned, never ended. The
server instead sends each call to one long-lived worker over a pipe (one JSON line per
request and per reply) and, when a call overruns, kills the worker and starts a fresh one
for the next call. The worker runs in the root directory, under an address-space limit
(`RLIMIT_AS`), with network access refused by an audit hook; its stdout is the reply
channel, so anything a library prints goes to stderr instead.

    python -m archproof.cli.mcp_worker ROOT MEMORY_MB MAX_REQUESTS MAX_REPLICATIONS
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream

from archproof.cli.mcp_inputs import SIM_MAX_REPLICATIONS, SIM_MAX_REQUESTS
from archproof.numbers import sig

Payload = dict[str, Any]

READY = "archproof-mcp-worker ready"
MAX_REPLY_BYTES = 64 << 20  # a reply larger than this is refused, not buffered without end
START_TIMEOUT_S = 120.0  # importing numpy, numba and archproof on a cold, busy machine
# Tools run one at a time on one core; BLAS thread pools would only reserve address space
# (counted by the memory limit) and compete with the host.
_SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# --------------------------------------------------------------------------- child side


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.bind"):
        raise PermissionError(f"archproof mcp: network access is disabled ({event})")


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    import resource

    limit = megabytes << 20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main(argv: list[str]) -> int:
    """Serve tool calls from stdin until it closes."""
    if len(argv) != 4:
        sys.stderr.write(
            "usage: python -m archproof.cli.mcp_worker ROOT MEMORY_MB MAX_REQUESTS "
            "MAX_REPLICATIONS\n"
        )
        return 2
    root = Path(argv[0]).resolve()
    # The reply channel is the real stdout; fd 1 then points at stderr, so a stray print in
    # any library cannot corrupt a reply.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.chdir(root)
    _limit_memory(int(argv[1]))
    sys.addaudithook(_refuse_network)

    from archproof.cli import mcp_tools  # the tools (and numpy) under the limits
    from archproof.cli.mcp_inputs import Sandbox

    box = Sandbox(root, max_requests=int(argv[2]), max_replications=int(argv[3]))

    channel.write(READY + "\n")
    channel.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        ident: object = None
        try:
            request = json.loads(line)
            ident = request.get("id")
            backend = request.get("backend")  # the server's choice of simulator kernel
            call_box = replace(box, sim_backend=str(backend)) if backend else box
            payload, is_error = mcp_tools.call(call_box, str(request["tool"]), request["args"])
            reply = mcp_tools.dumps({"id": ident, "payload": payload, "is_error": is_error})
        except MemoryError:
            reply = json.dumps({"id": ident, **_crash("out of memory while encoding the reply")})
        except Exception as exc:  # a malformed request: answer, keep serving
            reply = json.dumps({"id": ident, **_crash(f"bad request: {type(exc).__name__}")})
        channel.write(reply + "\n")
        channel.flush()
    return 0


def _crash(detail: str) -> Payload:
    text = f"internal error: {detail}"
    record = {"code": None, "message": text, "hint": None, "text": text, "rendered": text}
    return {
        "payload": {"ok": False, "error": "internal", "count": 1, "errors": [record], "text": text},
        "is_error": True,
    }


# --------------------------------------------------------------------------- server side


def failure(kind: str, message: str, hint: str | None = None) -> Payload:
    """An error payload in the tools' shape, for failures of the worker itself."""
    record = {"code": None, "message": message, "hint": hint, "text": message, "rendered": message}
    if hint:
        record["rendered"] = f"{message}\n  hint: {hint}"
    return {
        "ok": False,
        "error": kind,
        "count": 1,
        "errors": [record],
        "text": str(record["rendered"]),
    }


class Worker:
    """One worker process, started on first use and replaced when a call kills it.

    Calls are serialized (one tool runs at a time), so a call's time budget starts when it
    reaches the worker, not while it waits behind another.
    """

    def __init__(
        self,
        root: Path,
        *,
        memory_mb: int,
        max_requests: int = SIM_MAX_REQUESTS,
        max_replications: int = SIM_MAX_REPLICATIONS,
        warm_up: bool = True,
    ) -> None:
        self.root = root
        self.memory_mb = memory_mb
        self.max_requests = max_requests
        self.max_replications = max_replications
        self.started = 0  # how many workers were started (a restart after a kill adds one)
        self._process: Process | None = None
        self._reader: BufferedByteReceiveStream | None = None
        self._lock = anyio.Lock()
        self._sent = 0  # request ids: a reply must carry the id of the request it answers
        self._warmup: Process | None = None  # building the compiled simulator (mcp_warmup)
        self._warmup_started = not warm_up  # False: never build the compiled simulator here

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def warming_up(self) -> bool:
        """Whether the compiled simulator is still being built (see `mcp_warmup`)."""
        return self._warmup is not None and self._warmup.returncode is None

    async def _start_warmup(self) -> None:
        self._warmup_started = True
        self._warmup = await anyio.open_process(
            [sys.executable, "-P", "-m", "archproof.cli.mcp_warmup"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None,
            cwd=self.root,
            env={**os.environ, **_SINGLE_THREADED},
        )

    async def _start(self) -> tuple[Process, BufferedByteReceiveStream]:
        if self._process is not None and self._reader is not None:
            return self._process, self._reader
        if not self._warmup_started:
            await self._start_warmup()
        process = await anyio.open_process(
            [
                sys.executable,
                "-P",  # the root (its cwd) is not on sys.path: files there are data, not code
                "-m",
                "archproof.cli.mcp_worker",
                str(self.root),
                str(self.memory_mb),
                str(self.max_requests),
                str(self.max_replications),
            ],
            stderr=None,  # the worker's stderr is the server's: the host logs it
            cwd=self.root,
            env={**os.environ, **_SINGLE_THREADED},
        )
        self.started += 1
        assert process.stdout is not None
        reader = BufferedByteReceiveStream(process.stdout)
        self._process, self._reader = process, reader
        try:
            with anyio.fail_after(START_TIMEOUT_S):
                line = await reader.receive_until(b"\n", MAX_REPLY_BYTES)
        except BaseException:
            await self.stop()
            raise
        if line.decode("utf-8", "replace") != READY:
            await self.stop()
            raise RuntimeError(f"the worker did not start: {line[:200]!r}")
        return process, reader

    async def prestart(self) -> None:
        """Start the worker ahead of the first call (a failure is reported by that call)."""
        async with self._lock:
            try:
                await self._start()
            except Exception:
                return

    async def call(
        self, tool: str, arguments: Payload, *, timeout_s: float
    ) -> tuple[Payload, bool]:
        """Run `tool` in the worker; (payload, is_error). Overrunning kills the worker."""
        async with self._lock:
            try:
                process, reader = await self._start()
            except Exception as exc:
                return failure("internal", f"cannot start the tool worker: {exc}"), True
            assert process.stdin is not None
            self._sent += 1
            message: Payload = {"id": self._sent, "tool": tool, "args": arguments}
            if tool == "simulate" and self.warming_up:
                message["backend"] = "python"
            request = json.dumps(message) + "\n"
            line: bytes | None = None
            answered = False
            try:
                with anyio.move_on_after(timeout_s):
                    await process.stdin.send(request.encode("utf-8"))
                    line = await reader.receive_until(b"\n", MAX_REPLY_BYTES)
                answered = line is not None
            except (anyio.IncompleteRead, anyio.EndOfStream, anyio.BrokenResourceError):
                code = await self.stop()
                return failure(
                    "internal",
                    f"the tool worker died during {tool} (exit status {code}); "
                    "a fresh one serves the next call",
                    "the design may be too large for the server's memory limit",
                ), True
            except anyio.DelimiterNotFound:
                return failure(
                    "internal", f"{tool}: the reply is over {MAX_REPLY_BYTES >> 20} MB"
                ), True
            finally:
                # Whatever stopped the exchange half-way (time budget, a cancelled request,
                # an oversized reply), the worker's late reply must never answer the next call.
                if not answered:
                    await self.stop()
            if line is None:
                return failure(
                    "timeout",
                    f"{tool} ran past its time budget of {sig(timeout_s, 6)} s and was stopped",
                    "give it less work (a smaller design; for simulate fewer requests or "
                    "replications, or a time_budget_s up to the server's cap)",
                ), True
            reply = json.loads(line)
            if reply.get("id") != self._sent:  # cannot happen with the kill above; be sure
                await self.stop()
                return failure("internal", f"{tool}: the worker answered another request"), True
            return dict(reply["payload"]), bool(reply["is_error"])

    async def close(self) -> None:
        """Stop the worker and the warm-up, if still running (the server is shutting down)."""
        await self.stop()
        warmup, self._warmup = self._warmup, None
        if warmup is not None:
            if warmup.returncode is None:
                warmup.kill()
            with anyio.CancelScope(shield=True):
                await warmup.wait()
                await warmup.aclose()

    async def stop(self) -> int | None:
        """Kill the worker (if any) and forget it; its exit status."""
        process, self._process, self._reader = self._process, None, None
        if process is None:
            return None
        if process.returncode is None:
            process.kill()
        with anyio.CancelScope(shield=True):
            code = await process.wait()
            await process.aclose()
        return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
