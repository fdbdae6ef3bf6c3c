"""`archproof mcp`: run the MCP server (stdio) for coding agents; needs `archproof[mcp]`."""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

from archproof.cli.common import EXIT_BAD_INPUT, err, fail

INSTALL_HINT = "archproof mcp needs the MCP SDK: pip install 'archproof[mcp]'"


def mcp(
    root: Path | None = typer.Option(
        None,
        "--root",
        help="Directory the tools may read and write (default: the current directory).",
        show_default=False,
    ),
    max_seconds: float = typer.Option(
        60.0,
        "--max-seconds",
        min=1.0,
        max=3600.0,
        help="Cap on one tool call's wall-clock time; a call that overruns is stopped.",
    ),
    max_requests: int = typer.Option(
        200_000,
        "--max-requests",
        min=1000,
        max=100_000_000,
        help="Cap on the requests per replication a `simulate` call may ask for.",
    ),
    memory_mb: int = typer.Option(
        2048,
        "--memory-mb",
        min=256,
        max=1 << 20,
        help="Address-space limit of the process that runs the tools, in MiB.",
    ),
) -> None:
    """Serve archproof to coding agents over the Model Context Protocol (stdio).

    Tools: check, review, analyze, simulate, report, draft, describe, schema, catalog,
    explain_rule (JSON in, JSON out; errors come back as located records). Resources: the
    JSON Schema, the catalog, the framework, the rules and the bundled examples. Prompt:
    `design`. Paths resolve inside the root; nothing outside it is read or written.

    Register it with your agent; it starts the server itself. Claude Code, in the
    project's `.mcp.json`:

        {"mcpServers": {"archproof": {"command": "archproof", "args": ["mcp"]}}}

    or `claude mcp add archproof -- archproof mcp`. Cursor: the same `mcpServers` entry in
    `.cursor/mcp.json`. Needs the extra: `pip install 'archproof[mcp]'`.
    """
    try:
        server = importlib.import_module("archproof.cli.mcp_server")
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "mcp":
            raise
        err.print(INSTALL_HINT, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    directory = (root or Path.cwd()).resolve()
    if not directory.is_dir():
        fail(f"--root {root} is not a directory")
    server.run(directory, max_time_s=max_seconds, memory_mb=memory_mb, max_requests=max_requests)


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)
