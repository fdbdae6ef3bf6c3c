"""What every MCP tool shares: the design from text or a path under the root, and errors.

A path is resolved (symlinks followed) and refused unless it lands inside the root: `..`
climbing out, an absolute path elsewhere, a symlink pointing out. Every failure the caller
can fix is a `ToolFailure` carrying records in the CLI's form (`file:line:col: CODE
message`, the source line with a caret, the hint) and as fields, returned as data.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from archproof.errors import DesignError, Diagnostic
from archproof.frontends.located_yaml import MAX_BYTES, too_large
from archproof.frontends.yaml_loader import format_diagnostic, load_bytes, load_text
from archproof.model import Design

Payload = dict[str, Any]

TEXT_DISPLAY_NAME = "<design>"  # the file name spans carry when the design came as text
SIM_MAX_REQUESTS = 200_000  # default server cap: external requests per replication
SIM_MAX_REPLICATIONS = 5


@dataclasses.dataclass(frozen=True)
class Sandbox:
    """What the server allows every tool: the root it may touch and its simulation caps."""

    root: Path  # resolved
    max_requests: int = SIM_MAX_REQUESTS
    max_replications: int = SIM_MAX_REPLICATIONS
    sim_backend: str = "auto"  # "python" while the compiled simulator is being built


class ToolFailure(Exception):
    """A failure the caller can act on: a kind and located records, returned as data."""

    def __init__(self, kind: str, errors: list[Payload]) -> None:
        self.kind = kind
        self.errors = errors
        super().__init__("; ".join(str(e.get("text", "")) for e in errors))

    def payload(self) -> Payload:
        return error_payload(self.kind, self.errors)


def error_payload(kind: str, errors: list[Payload]) -> Payload:
    """The error result every tool returns: what went wrong, as records and as text."""
    return {
        "ok": False,
        "error": kind,
        "count": len(errors),
        "errors": errors,
        "text": "\n".join(str(e.get("rendered") or e.get("text", "")) for e in errors),
    }


def usage_error(message: str, hint: str | None = None) -> ToolFailure:
    """A bad argument (not a bad design): one record without a location."""
    text = f"error: {message}"
    rendered = f"{text}\n  hint: {hint}" if hint else text  # as the CLI's `fail` prints it
    return ToolFailure(
        "usage",
        [{"code": None, "message": message, "hint": hint, "text": text, "rendered": rendered}],
    )


def diagnostic_record(d: Diagnostic, source: str | None) -> Payload:
    """A loader diagnostic as the CLI prints it (`file:line:col: CODE message`), and as fields."""
    span = d.span
    return {
        "location": str(span) if span is not None else None,
        "file": span.file if span is not None else None,
        "line": span.line if span is not None else None,
        "column": span.column if span is not None else None,
        "code": d.code,
        "message": d.message,
        "hint": d.hint,
        "text": d.headline(),
        "rendered": format_diagnostic(d, source),
    }


# --------------------------------------------------------------------------- paths


def resolve_inside(root: Path, given: str, *, what: str = "path") -> Path:
    """`given` (relative to `root`, or absolute) resolved with symlinks; refused outside root."""
    if not given or "\x00" in given:
        raise _refused(given, f"empty or invalid {what}")
    candidate = Path(given)
    if not candidate.is_absolute():
        candidate = root / candidate
    try:
        resolved = candidate.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise _refused(given, f"cannot resolve {what}: {exc}") from None
    if resolved != root and not resolved.is_relative_to(root):
        if Path(given).is_absolute():
            why = "an absolute path outside the root"
        elif ".." in Path(given).parts:
            why = "it climbs out of the root with '..'"
        else:
            why = f"it resolves to {resolved} through a symlink out of the root"
        raise _refused(given, f"{what} refused: {why}")
    return resolved


def _refused(given: str, message: str) -> ToolFailure:
    text = f"{given}: AP000 {message}"
    hint = (
        "archproof mcp reads and writes only under its root (the directory it was started "
        "in, or --root); give a path relative to it"
    )
    return ToolFailure(
        "path",
        [
            {
                "location": given,
                "file": given,
                "line": None,
                "column": None,
                "code": "AP000",
                "message": message,
                "hint": hint,
                "text": text,
                "rendered": f"{text}\n  hint: {hint}",
            }
        ],
    )


def display_name(root: Path, resolved: Path) -> str:
    """How a file under the root is named in errors and findings: relative to the root."""
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return str(resolved)


# --------------------------------------------------------------------------- designs


@dataclasses.dataclass(frozen=True)
class Loaded:
    design: Design
    name: str  # the file name spans carry


def load_input(root: Path, design: str | None, path: str | None) -> Loaded:
    """The design from YAML text or from a path under the root; located errors as data."""
    if (design is None) == (path is None):
        raise usage_error(
            "give the design either as YAML text (`design`) or as a file path (`path`), "
            "exactly one of them"
        )
    if design is not None:
        if len(design.encode("utf-8")) > MAX_BYTES:
            raise usage_error(f"the design text is over {MAX_BYTES // 1024 // 1024} MB")
        try:
            return Loaded(load_text(design, TEXT_DISPLAY_NAME), TEXT_DISPLAY_NAME)
        except DesignError as exc:
            raise design_failure(exc, {TEXT_DISPLAY_NAME: design}) from None
    assert path is not None
    resolved = resolve_inside(root, path)
    name = display_name(root, resolved)  # what spans carry: `designs/x.yaml:12:7`
    data = read_design_file(resolved, name)
    try:
        return Loaded(load_bytes(data, name), name)
    except DesignError as exc:
        raise design_failure(exc, {name: data.decode("utf-8", "replace")}) from None


def read_design_file(resolved: Path, name: str) -> bytes:
    """The bytes of a design file, read from the checked, symlink-free path.

    Opened without following a symlink (one swapped in since the check is refused) and
    without blocking (a FIFO would hang the worker); only regular files up to the loader's
    size limit are read. Problems are the loader's AP000/AP003 diagnostics.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(resolved, flags)
    except FileNotFoundError:
        raise DesignError([Diagnostic("AP000", f"no such file: {name}")]) from None
    except OSError as exc:
        raise DesignError([Diagnostic("AP000", f"cannot read {name}: {exc.strerror}")]) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DesignError([Diagnostic("AP000", f"{name} is a directory, not a design")])
        if not stat.S_ISREG(info.st_mode):
            raise DesignError([Diagnostic("AP000", f"{name} is not a regular file")])
        if info.st_size > MAX_BYTES:
            raise DesignError([too_large(info.st_size, name)])
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    finally:
        os.close(fd)


def design_failure(exc: DesignError, sources: dict[str, str | None]) -> ToolFailure:
    records = [
        diagnostic_record(d, sources.get(d.span.file) if d.span is not None else None)
        for d in exc.diagnostics
    ]
    return ToolFailure("design", records)


# --------------------------------------------------------------------------- argument types

DesignText = Annotated[
    str | None,
    Field(
        description="The design as archproof YAML text. Give this or `path`, not both.",
        max_length=MAX_BYTES,
    ),
]
DesignPath = Annotated[
    str | None,
    Field(
        description="Path of a design file, relative to the server's root. Give this or "
        "`design`, not both.",
        max_length=4096,
    ),
]
