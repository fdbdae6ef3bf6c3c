"""Language-model providers: one request in, one section reply out.

Two wire APIs cover the hosted and local models people have: the OpenAI chat API (OpenAI
itself, and every local server that speaks it: Ollama, llama.cpp's server, vLLM, LM
Studio) and Anthropic's messages API. Each is reached through its official SDK, imported
only here and only when a provider is made, so the rest of archproof never loads them.

What a provider guarantees to the loop:

- the reply is constrained to the section's JSON Schema where the API can do it
  (OpenAI `response_format: json_schema`, Anthropic a forced tool call); the schema is
  in the prompt as well, for servers that ignore the constraint;
- retries on 429, 408, 5xx, timeouts and dropped connections, waiting what the server's
  `Retry-After` says (else exponential backoff with jitter), never past the run's
  wall-clock deadline; the SDKs' own retries are off so every wait is ours and visible;
- a reply body larger than `max_reply_bytes` is refused while it streams in (memory
  stays bounded), as is a `Content-Length` announcing one;
- every failure is a `ProviderError` with one plain sentence; nothing else escapes.
"""

from __future__ import annotations

import importlib
import json
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from archproof.numbers import sig

PROVIDERS = ("openai", "anthropic")
INSTALL_HINT = "pip install 'archproof[llm]'"
MAX_REPLY_BYTES = 1_000_000  # a section's JSON is a few kB; 1 MB is already absurd
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_RETRIES = 3
MAX_OUTPUT_TOKENS = 8192
_BACKOFF_S = 0.5
_MAX_BACKOFF_S = 30.0


class ProviderError(Exception):
    """The provider could not give a reply: the message says why, in one sentence."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status that ended it, if any


class Unavailable(ProviderError):
    """The SDK is not installed, or the key is not set: a usage error (exit 2)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Request:
    """One section request: the same for every provider, and what a recording stores."""

    section: str
    system: str
    prompt: str
    schema: Mapping[str, Any]
    max_output_tokens: int = MAX_OUTPUT_TOKENS

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "system": self.system,
            "prompt": self.prompt,
            "schema": self.schema,
            "max_output_tokens": self.max_output_tokens,
        }


@dataclass(frozen=True)
class Reply:
    """What came back: the section's JSON text, token counts, and how the model stopped."""

    text: str
    input_tokens: int
    output_tokens: int
    finish: str = "stop"  # stop, length (cut at max tokens), refusal
    refusal: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "finish": self.finish,
            "refusal": self.refusal,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reply:
        return cls(
            text=str(data["text"]),
            input_tokens=int(data["input_tokens"]),
            output_tokens=int(data["output_tokens"]),
            finish=str(data.get("finish", "stop")),
            refusal=data.get("refusal"),
        )


class Provider(Protocol):
    """Anything that answers a `Request` (a real API, a recording)."""

    name: str
    model: str

    def complete(self, request: Request, *, deadline: float) -> Reply: ...


@dataclass(frozen=True)
class Settings:
    """How to reach a provider (from the command line and the environment)."""

    provider: str
    model: str
    base_url: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    max_reply_bytes: int = MAX_REPLY_BYTES


def parse_spec(spec: str) -> tuple[str, str]:
    """`[PROVIDER:]MODEL` → (provider, model). Model names may hold colons
    (`llama3.1:8b`), so only a known provider name before the first colon is split off;
    without one, a `claude` model is Anthropic's and anything else speaks the OpenAI API."""
    spec = spec.strip()
    head, sep, rest = spec.partition(":")
    if sep and head.lower() in PROVIDERS:
        provider, model = head.lower(), rest.strip()
    else:
        provider = "anthropic" if spec.lower().startswith("claude") else "openai"
        model = spec
    if not model:
        raise Unavailable(
            f"--llm '{spec}' names no model", "e.g. --llm openai:gpt-4o-mini or --llm llama3.1:8b"
        )
    return provider, model


def make_provider(
    settings: Settings,
    env: Mapping[str, str],
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[str], None] | None = None,
) -> Provider:
    """A live provider, or `Unavailable` naming the missing SDK or environment variable."""
    if settings.provider == "anthropic":
        return _Anthropic(settings, env, sleep, on_retry)
    if settings.provider == "openai":
        return _OpenAI(settings, env, sleep, on_retry)
    raise Unavailable(f"unknown provider '{settings.provider}'", f"use one of {PROVIDERS}")


# --------------------------------------------------------------------------- plumbing


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise Unavailable(
            f"archproof design --llm needs the '{module}' package, which is not installed",
            INSTALL_HINT,
        ) from None


def _loopback(url: str | None) -> bool:
    host = (urlsplit(url).hostname or "") if url else ""
    return host in ("localhost", "::1") or host.startswith("127.")


def _key(env: Mapping[str, str], variable: str, base_url: str | None) -> str:
    key = env.get(variable, "").strip()
    if key:
        return key
    if _loopback(base_url):
        return "local"  # Ollama and llama.cpp take any key; they are on this machine
    raise Unavailable(f"set {variable} to use this provider (no API key found)")


class ReplyTooLarge(Exception):
    """Raised while a reply streams in, once it passes the byte limit."""


def _http_module(sdk: Any) -> Any:
    """The HTTP library this SDK is built on: `httpx` (older releases) or `httpx2`, read
    from the client class the SDK exports, so the client we pass is the kind it expects."""
    client = getattr(sdk, "DefaultHttpxClient", None)
    for klass in getattr(client, "__mro__", ()):
        top = klass.__module__.split(".")[0]
        if top in ("httpx", "httpx2"):
            return _import(top)
    return _import("httpx2") if _has("httpx2") else _import("httpx")


def _http_client(sdk: Any, settings: Settings) -> Any:
    """An httpx client whose responses stop streaming past `max_reply_bytes`."""
    httpx = _http_module(sdk)
    limit = settings.max_reply_bytes

    class Capped(httpx.SyncByteStream):  # type: ignore[misc, name-defined]
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def __iter__(self) -> Iterator[bytes]:
            seen = 0
            for chunk in self._inner:
                seen += len(chunk)
                if seen > limit:
                    raise ReplyTooLarge(f"the reply passed {limit:,} bytes; it was refused")
                yield chunk

        def close(self) -> None:
            self._inner.close()

    class Transport(httpx.BaseTransport):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            self._inner = httpx.HTTPTransport()

        def handle_request(self, request: Any) -> Any:
            response = self._inner.handle_request(request)
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                response.close()
                raise ReplyTooLarge(f"the reply announces {int(length):,} bytes (limit {limit:,})")
            return httpx.Response(
                status_code=response.status_code,
                headers=response.headers,
                stream=Capped(response.stream),
                extensions=response.extensions,
                request=request,
            )

        def close(self) -> None:
            self._inner.close()

    timeout = httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 10.0))
    return httpx.Client(
        transport=Transport(),
        timeout=timeout,
        headers={"Accept-Encoding": "identity"},  # the byte cap counts what is decoded
    )


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@dataclass
class _Live:
    """Retries, deadlines and error wording shared by both SDKs."""

    settings: Settings
    env: Mapping[str, str]
    sleep: Callable[[float], None]
    on_retry: Callable[[str], None] | None
    name: str = field(init=False)
    model: str = field(init=False)

    def __post_init__(self) -> None:
        self.model = self.settings.model
        self.name = self.settings.provider

    def _retrying(self, call: Callable[[float], Reply], deadline: float) -> Reply:
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProviderError("the wall-clock budget ran out before the reply")
            try:
                return call(min(self.settings.timeout_s, remaining))
            except ReplyTooLarge as exc:
                raise ProviderError(str(exc)) from None
            except ProviderError:
                raise
            except Exception as exc:
                status, wait_header, what = self._classify(exc)
                retryable = status is None or status in (408, 409, 429) or status >= 500
                if what is None:  # not an API error at all: a bug, or the SDK's
                    cause = exc.__cause__ or exc.__context__
                    if isinstance(cause, ReplyTooLarge):
                        raise ProviderError(str(cause)) from None
                    raise
                if not retryable or attempt >= self.settings.retries:
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise ProviderError(f"{what}{tries}", status) from None
                wait = wait_header
                if wait is None:
                    wait = min(_BACKOFF_S * 2**attempt, _MAX_BACKOFF_S)
                    wait *= 1 - 0.25 * random.random()
                if time.monotonic() + wait >= deadline:
                    raise ProviderError(
                        f"{what}; the retry wait ({sig(wait, 3)} s) passes the wall-clock budget"
                    ) from None
                attempt += 1
                if self.on_retry is not None:
                    source = "Retry-After" if wait_header is not None else "backoff"
                    self.on_retry(f"{what}; retry {attempt} in {sig(wait, 3)} s ({source})")
                self.sleep(wait)

    def _classify(self, exc: Exception) -> tuple[int | None, float | None, str | None]:
        """(HTTP status or None, Retry-After seconds or None, what happened) for an SDK
        error; what is None when `exc` is not an API error."""
        sdk = _import(self.name)
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ReplyTooLarge):
            return 413, None, str(cause)
        if isinstance(exc, sdk.APITimeoutError):
            return None, None, f"no reply within {sig(self.settings.timeout_s, 6)} s (timeout)"
        if isinstance(exc, sdk.APIStatusError):
            status = int(exc.status_code)
            detail = _error_detail(exc)
            return status, _retry_after(exc.response.headers), f"HTTP {status}: {detail}"
        if isinstance(exc, sdk.APIConnectionError):
            return None, None, f"connection failed or dropped ({_short(str(exc))})"
        if isinstance(exc, sdk.APIResponseValidationError | ValueError):
            return 0, None, f"the reply is not a valid {self.name} response ({_short(str(exc))})"
        return None, None, None


def _retry_after(headers: Any) -> float | None:
    """Seconds from `Retry-After` (seconds or an HTTP date) or `retry-after-ms`."""
    import email.utils

    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, email.utils.mktime_tz(parsed) - time.time())


def _error_detail(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return _short(inner["message"])
    return _short(str(getattr(exc, "message", exc)))


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _OpenAI(_Live):
    def __post_init__(self) -> None:
        super().__post_init__()
        sdk = _import("openai")
        s = self.settings
        base = s.base_url or self.env.get("OPENAI_BASE_URL") or self.env.get("OPENAI_API_BASE")
        self.base_url = base or None
        self._format: str | None = _FORMATS[0]
        self._client = sdk.OpenAI(
            api_key=_key(self.env, "OPENAI_API_KEY", base),
            base_url=base or None,
            max_retries=0,
            http_client=_http_client(sdk, s),
        )

    def complete(self, request: Request, *, deadline: float) -> Reply:
        while True:
            mode = self._format

            def call(timeout: float, mode: str | None = mode) -> Reply:
                response = self._client.chat.completions.create(
                    model=self.model,
                    messages=[
                        {"role": "system", "content": request.system},
                        {"role": "user", "content": request.prompt},
                    ],
                    max_completion_tokens=request.max_output_tokens,
                    timeout=timeout,
                    **_response_format(mode, request),
                )
                return _read(self.name, _read_openai, response)

            try:
                return self._retrying(call, deadline)
            except ProviderError as exc:
                # Older local servers reject json_schema (400/422): ask for any JSON
                # object, then for plain text; the schema is in the prompt either way.
                if exc.status not in (400, 422) or mode is None:
                    raise
                self._format = _FORMATS[_FORMATS.index(mode) + 1]
                if self.on_retry is not None:
                    self.on_retry(
                        f"the server refused response_format {mode} ({exc}); asking "
                        f"with {self._format or 'none'} (the schema stays in the prompt)"
                    )


# How an OpenAI-compatible server is asked for JSON, strongest first.
_FORMATS: tuple[str | None, ...] = ("json_schema", "json_object", None)


def _response_format(mode: str | None, request: Request) -> dict[str, Any]:
    if mode == "json_schema":
        schema = {"name": request.section, "schema": dict(request.schema), "strict": False}
        return {"response_format": {"type": "json_schema", "json_schema": schema}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object"}}
    return {}


def _read(name: str, read: Callable[[Any], Reply], response: Any) -> Reply:
    """`read(response)`, with a response the SDK parsed but that lacks what it should hold
    (a server that is not quite the API) as a `ProviderError`, not a crash."""
    try:
        return read(response)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        raise ProviderError(
            f"the reply is not a valid {name} response ({type(exc).__name__}: {_short(str(exc))})"
        ) from None


def _read_openai(response: Any) -> Reply:
    if not response.choices:
        raise ProviderError("the reply has no choices")
    choice = response.choices[0]
    message = choice.message
    usage = response.usage
    tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
    tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
    refusal = getattr(message, "refusal", None)
    if refusal or choice.finish_reason == "content_filter":
        return Reply("", tokens_in, tokens_out, "refusal", refusal or "content filter")
    finish = "length" if choice.finish_reason == "length" else "stop"
    return Reply(message.content or "", tokens_in, tokens_out, finish)


class _Anthropic(_Live):
    def __post_init__(self) -> None:
        super().__post_init__()
        sdk = _import("anthropic")
        s = self.settings
        base = s.base_url or self.env.get("ANTHROPIC_BASE_URL")
        self._client = sdk.Anthropic(
            api_key=_key(self.env, "ANTHROPIC_API_KEY", base),
            base_url=base or None,
            max_retries=0,
            http_client=_http_client(sdk, s),
        )

    def complete(self, request: Request, *, deadline: float) -> Reply:
        def call(timeout: float) -> Reply:
            response = self._client.messages.create(
                model=self.model,
                max_tokens=request.max_output_tokens,
                system=request.system,
                messages=[{"role": "user", "content": request.prompt}],
                tools=[
                    {
                        "name": request.section,
                        "description": f"Submit the '{request.section}' section of the design.",
                        "input_schema": dict(request.schema),
                    }
                ],
                tool_choice={"type": "tool", "name": request.section},
                timeout=timeout,
            )
            return _read(self.name, _read_anthropic, response)

        return self._retrying(call, deadline)


def _read_anthropic(response: Any) -> Reply:
    usage = response.usage
    tokens_in = int(getattr(usage, "input_tokens", 0) or 0)
    tokens_out = int(getattr(usage, "output_tokens", 0) or 0)
    texts: list[str] = []
    for block in response.content:
        if getattr(block, "type", None) == "tool_use":
            text = json.dumps(block.input, ensure_ascii=False, sort_keys=True)
            return Reply(text, tokens_in, tokens_out, "stop")
        if getattr(block, "type", None) == "text":
            texts.append(str(block.text))
    if response.stop_reason == "refusal":
        return Reply("", tokens_in, tokens_out, "refusal", " ".join(texts) or "refused")
    finish = "length" if response.stop_reason == "max_tokens" else "stop"
    return Reply("".join(texts), tokens_in, tokens_out, finish)
