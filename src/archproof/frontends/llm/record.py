"""`--record DIR` and `--replay DIR`: a session's requests and replies as numbered files.

    DIR/session.json               provider, model and the loop's settings
    DIR/001-requirements.request.json
    DIR/001-requirements.reply.json   {"reply": {...}} or {"error": "..."}
    DIR/002-components.request.json ...

A request file holds the prompt and the SHA-256 of the system prompt and of the schema
(both are archproof's own text, so a recording stays small). Replay reads the files in order and
checks each request the loop makes against the recorded one: the same task, code and
replies give the same requests, so a replay reproduces the design byte for byte, with no
network and no key. A request for another section than the recording has at that place
stops the replay and says where; the same section asked in other words (archproof's
prompts or findings changed since) is reported and its recorded reply used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archproof.frontends.llm.providers import Provider, ProviderError, Reply, Request

SESSION = "session.json"
MAX_FILE_BYTES = 2_000_000


def request_record(request: Request) -> dict[str, Any]:
    data = request.to_json()
    schema = json.dumps(data.pop("schema"), sort_keys=True, separators=(",", ":"))
    data["schema_sha256"] = hashlib.sha256(schema.encode()).hexdigest()
    data["system_sha256"] = hashlib.sha256(data.pop("system").encode()).hexdigest()
    return data


def _write(path: Path, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    umask = os.umask(0)  # mkstemp makes 0600; a recording is shared like any file
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def _read(path: Path) -> Any:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ProviderError(f"{path} is larger than a recorded exchange can be")
    try:
        return json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProviderError(f"{path} is not a recording file: {exc}") from None


class Recorder:
    """Wraps a live provider and writes every exchange to `directory` as it happens."""

    def __init__(self, inner: Provider, directory: Path, settings: dict[str, Any]) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.directory = directory
        self.count = 0
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("[0-9][0-9][0-9]-*.json"):  # an earlier session (--force)
            old.unlink()
        _write(
            directory / SESSION,
            {"provider": inner.name, "model": inner.model, "settings": settings},
        )

    def complete(self, request: Request, *, deadline: float) -> Reply:
        self.count += 1
        stem = f"{self.count:03d}-{request.section}"
        _write(self.directory / f"{stem}.request.json", request_record(request))
        try:
            reply = self.inner.complete(request, deadline=deadline)
        except ProviderError as exc:
            _write(self.directory / f"{stem}.reply.json", {"error": str(exc)})
            raise
        _write(self.directory / f"{stem}.reply.json", {"reply": reply.to_json()})
        return reply


# What each field of a recorded request is, for the replay's notes.
_WHAT = {
    "prompt": "prompt",
    "schema_sha256": "schema",
    "system_sha256": "system prompt",
    "max_output_tokens": "output cap",
    "section": "section",
}


class Replay:
    """A provider that answers from a recording and checks each request against it."""

    def __init__(self, directory: Path, on_mismatch: Callable[[str], None] | None = None) -> None:
        self.on_mismatch = on_mismatch
        if not (directory / SESSION).is_file():
            raise ProviderError(f"{directory} holds no recorded session ({SESSION} missing)")
        session = _read(directory / SESSION)
        self.name = str(session.get("provider", "replay"))
        self.model = str(session.get("model", "replay"))
        self.settings: dict[str, Any] = dict(session.get("settings", {}))
        self.directory = directory
        self.count = 0

    def complete(self, request: Request, *, deadline: float) -> Reply:
        self.count += 1
        stem = f"{self.count:03d}-{request.section}"
        asked = self.directory / f"{stem}.request.json"
        answered = self.directory / f"{stem}.reply.json"
        if not asked.is_file() or not answered.is_file():
            raise ProviderError(
                f"replay diverged at exchange {self.count}: the recording has no "
                f"'{request.section}' request there"
            )
        recorded, now = _read(asked), request_record(request)
        differ = sorted(
            _WHAT.get(k, k) for k in set(recorded) | set(now) if recorded.get(k) != now.get(k)
        )
        if differ and self.on_mismatch is not None:
            # The same section at the same place, asked in other words: the task, or
            # archproof's model, prompts or findings changed since. The reply still applies.
            self.on_mismatch(
                f"exchange {self.count} ({request.section}): the {' and the '.join(differ)} "
                f"{'differs' if len(differ) == 1 else 'differ'} from the recording; "
                "replaying its reply"
            )
        data = _read(answered)
        if "error" in data:
            raise ProviderError(str(data["error"]))
        try:
            return Reply.from_json(data["reply"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ProviderError(f"{answered} is not a recorded reply: {exc}") from None
