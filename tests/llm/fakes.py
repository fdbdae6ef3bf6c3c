"""Loopback fake servers for the OpenAI chat API and Anthropic's messages API.

Real HTTP on 127.0.0.1 (stdlib `http.server` in a thread): the SDKs run unmodified
against them. A script decides each reply from the section asked (the json_schema name
for OpenAI, the forced tool's name for Anthropic) and how many requests came before.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass
class Reply:
    """What the server sends: a status, JSON or raw bytes, headers, or a misbehaviour."""

    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # sleep this long before answering (timeouts)
    drop_after: int | None = None  # announce the full length, send this many bytes, close
    no_length: bool = False  # no content-length: the body runs until the server closes


@dataclass
class Seen:
    section: str
    body: dict[str, Any]
    at: float


Script = Callable[[str, int], Reply]  # (section, index of this request) → reply


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: str
    script: Script
    seen: list[Seen]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.server.api == "openai":
            fmt = body.get("response_format") or {}
            if fmt.get("type") == "json_schema":
                section = fmt["json_schema"]["name"]
            else:  # a server without schema support: the section is named in the prompt
                system = body["messages"][0]["content"]
                section = system.rsplit("The JSON Schema of the reply (", 1)[1].split(")")[0]
        else:
            section = body["tool_choice"]["name"]
        index = len(self.server.seen)
        self.server.seen.append(Seen(section, body, time.monotonic()))
        reply = self.server.script(section, index)
        if reply.hang:
            time.sleep(reply.hang)
        raw = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            if not reply.no_length:
                self.send_header("content-length", str(len(raw)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if reply.drop_after is not None:
                self.wfile.write(raw[: reply.drop_after])
                self.wfile.flush()
                self.close_connection = True
                return
            for start in range(0, len(raw), 65536):
                self.wfile.write(raw[start : start + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to send to


@contextmanager
def fake_server(api: str, script: Script) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.api = api
    server.script = script
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def base_url(server: _Server) -> str:
    host, port = server.server_address[:2]
    suffix = "/v1" if server.api == "openai" else ""
    return f"http://{host!s}:{port}{suffix}"


# --------------------------------------------------------------------------- replies


def openai_reply(content: Any, *, finish: str = "stop", refusal: str | None = None) -> Reply:
    text = content if isinstance(content, str) else json.dumps(content)
    return Reply(
        body={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": refusal},
                    "finish_reason": finish,
                }
            ],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200},
        }
    )


def anthropic_reply(content: Any, *, stop: str = "tool_use", section: str = "x") -> Reply:
    if stop == "refusal" or isinstance(content, str):
        blocks = [{"type": "text", "text": content if isinstance(content, str) else ""}]
    else:
        blocks = [{"type": "tool_use", "id": "toolu_1", "name": section, "input": content}]
    return Reply(
        body={
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "fake-model",
            "content": blocks,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": 1000, "output_tokens": 200},
        }
    )


def reply_for(api: str, section: str, content: Any) -> Reply:
    if api == "openai":
        return openai_reply(content)
    return anthropic_reply(content, section=section)


def error_reply(api: str, status: int, headers: dict[str, str] | None = None) -> Reply:
    if api == "openai":
        body: Any = {"error": {"message": f"status {status}", "type": "rate_limit_error"}}
    else:
        body = {"type": "error", "error": {"type": "rate_limit_error", "message": f"{status}"}}
    return Reply(status=status, body=body, headers=headers or {})


# --------------------------------------------------------------------------- designs


def _listed(mapping: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [{"id": key, **(value or {})} for key, value in (mapping or {}).items()]


def sections_of(path: Path) -> dict[str, dict[str, Any]]:
    """A design file split into the section replies a model would give."""
    data = YAML(typ="safe", pure=True).load(path.read_text("utf-8"))
    return {
        "requirements": {"name": data["meta"]["name"], "requirements": data["requirements"]},
        "components": {"components": _listed(data.get("components"))},
        "operations": {"operations": _listed(data.get("operations"))},
        "entities": {
            "entities": _listed(data.get("entities")),
            "events": _listed(data.get("events")),
        },
        "failure": {
            "operations": _listed(data.get("operations")),
            "observability": data.get("observability", {}),
            "scenarios": _listed(data.get("scenarios")),
        },
        "decisions": {"decisions": data.get("decisions", []), "accept": data.get("accept", {})},
        "answers": {"answers": data.get("answers", {})},
    }


URL_TASK = "Design a URL shortener for 100M new links a month with a 100:1 read/write ratio."
URL_DESIGN = EXAMPLES / "url_shortener.yaml"
NOTE_TASK = (
    "Design a note store: 300 note reads per second and 20 saves per second, p99 reads "
    "under 100ms, 99.9% availability. Peak is 2x the average."
)
NOTE_DESIGN = Path(__file__).resolve().parent / "data" / "note_store.yaml"
