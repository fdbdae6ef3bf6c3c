"""A small YAML writer for hand-editable files: block style, comments above keys or at the
end of lines, flow style for short maps and lists, safe quoting of every scalar.

Values are plain Python data (dict, list, str, int, bool) plus three wrappers:
`Note(value, comment=..., above=...)` attaches comments, `Flow(value)` forces flow style
and `Folded(text)` writes a long text as a folded block scalar.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

WIDTH = 100


@dataclass(frozen=True)
class Note:
    """A value with a comment at the end of its line and/or comment lines above its key."""

    value: object
    comment: str | None = None
    above: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flow:
    """Write this map or list in flow style (`{a: 1}`, `[x, y]`)."""

    value: object


class Folded(str):
    """A long text written as a folded block scalar (`>-`)."""


_NUMBERISH = re.compile(
    r"^[-+]?(?:\.?[0-9][0-9_,]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+|"
    r"\.inf|\.nan)$|^[0-9:]+$",
    re.IGNORECASE,
)
_RESERVED = frozenset(["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "none"])
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


def scalar(value: object, *, flow: bool = False) -> str:
    """A scalar as YAML: plain when unambiguous, else double-quoted with escapes."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _plain_ok(text, flow):
        return text
    return _quoted(text)


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text[0] in _INDICATORS or text[0].isspace() or text[-1].isspace():
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    if flow and any(ch in text for ch in ",[]{}"):
        return False
    if _NUMBERISH.match(text) or text.lower() in _RESERVED:
        return False
    return all(ch.isprintable() for ch in text)


def _quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _flow(value: object) -> str:
    if isinstance(value, Note):
        return _flow(value.value)
    if isinstance(value, Flow):
        return _flow(value.value)
    if isinstance(value, dict):
        items = (f"{scalar(k, flow=True)}: {_flow(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def _inline(value: object) -> str:
    """A value on its key's line: flow collections, or a scalar in block context."""
    if isinstance(value, Flow | dict | list | tuple):
        return _flow(value)
    return scalar(value)


def _is_inline(value: object) -> bool:
    if isinstance(value, Flow):
        return True
    if isinstance(value, dict | list | tuple):
        return len(value) == 0
    return not isinstance(value, Folded)


def _comment_lines(text: str, indent: int) -> list[str]:
    pad = " " * indent
    width = max(40, WIDTH - indent - 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(paragraph, width) or [""]
        lines.extend(f"{pad}# {line}".rstrip() for line in wrapped)
    return lines


def _with_comment(line: str, comment: str | None, indent: int) -> list[str]:
    if not comment:
        return [line]
    joined = f"{line}  # {comment}"
    if len(joined) <= WIDTH:
        return [joined]
    return [*_comment_lines(comment, indent), line]


def render(document: dict[str, object], header: tuple[str, ...] = ()) -> str:
    lines = list(header)
    _mapping(document, 0, lines, top=True)
    return "\n".join(lines).rstrip() + "\n"


def _mapping(data: dict[str, object], indent: int, out: list[str], top: bool = False) -> None:
    pad = " " * indent
    for key, raw in data.items():
        value, comment, above = _unwrap(raw)
        if top and out:
            out.append("")
        for line in above:
            out.extend(_comment_lines(line, indent))
        head = f"{pad}{scalar(key)}:"
        if _is_inline(value):
            out.extend(_with_comment(f"{head} {_inline(value)}", comment, indent))
        elif isinstance(value, Folded):
            out.extend(_with_comment(f"{head} >-", comment, indent))
            out.extend(_folded(value, indent + 2))
        elif isinstance(value, dict):
            out.extend(_with_comment(head, comment, indent))
            _mapping(value, indent + 2, out)
        elif isinstance(value, list | tuple):
            out.extend(_with_comment(head, comment, indent))
            _sequence(list(value), indent + 2, out)


def _sequence(items: list[object], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for raw in items:
        value, comment, above = _unwrap(raw)
        for line in above:
            out.extend(_comment_lines(line, indent))
        if _is_inline(value):
            out.extend(_with_comment(f"{pad}- {_inline(value)}", comment, indent))
        elif isinstance(value, dict):
            if comment:
                out.extend(_comment_lines(comment, indent))
            block: list[str] = []
            _mapping(value, indent + 2, block)
            # The first key goes on the dash line; comment lines above it stay above.
            index = 0
            while block[index].lstrip().startswith("#"):
                out.append(block[index])
                index += 1
            out.append(f"{pad}- {block[index][indent + 2 :]}")
            out.extend(block[index + 1 :])
        elif isinstance(value, list | tuple):
            out.append(f"{pad}-")
            _sequence(list(value), indent + 2, out)
        elif isinstance(value, Folded):
            out.append(f"{pad}- >-")
            out.extend(_folded(value, indent + 2))


def _folded(text: str, indent: int) -> list[str]:
    """Folded block lines: paragraphs separated by blank lines, wrapped at word breaks."""
    pad = " " * indent
    width = max(40, WIDTH - indent)
    lines: list[str] = []
    for number, paragraph in enumerate(p for p in text.split("\n") if p.strip()):
        if number:
            lines.append("")
        words = paragraph.split()
        wrapped = textwrap.wrap(
            " ".join(words), width, break_long_words=False, break_on_hyphens=False
        )
        lines.extend(f"{pad}{line}" for line in wrapped)
    return lines or [f"{pad}"]


def _unwrap(raw: object) -> tuple[object, str | None, tuple[str, ...]]:
    if isinstance(raw, Note):
        return raw.value, raw.comment, raw.above
    return raw, None, ()
