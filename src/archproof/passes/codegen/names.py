"""Names and text from a design made safe for Python source.

A design is data written by anyone: entity, field and state names become identifiers only
through these functions (letters, digits and underscores, never a keyword, never starting
with a digit), and free text (descriptions, the task) enters generated files only as a
docstring or a string literal built here, never as code.
"""

from __future__ import annotations

import builtins
import json
import keyword
import re
import textwrap
import unicodedata

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# Names generated code must not shadow: builtins it relies on and the names it imports.
RESERVED = frozenset(
    {
        *dir(builtins),
        "Any",
        "ClassVar",
        "Decimal",
        "Enum",
        "Final",
        "Generic",
        "Iterator",
        "Mapping",
        "NewType",
        "Protocol",
        "TypeAlias",
        "TypeVar",
        "UUID",
        "annotations",
        "dataclass",
        "date",
        "datetime",
        "timezone",
    }
)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", " ", folded)


def words(text: str) -> list[str]:
    """The words of a name in any style: `client_key`, `ClientKey`, `client-key`, `LRUCache`."""
    return _WORD.findall(_ascii(text))


def snake(text: str, *, fallback: str = "value") -> str:
    """`ClientKey` → `client_key`; always a valid, non-keyword identifier."""
    name = "_".join(w.lower() for w in words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    # Field and parameter names may be builtins' names (`id`): they never shadow at top level.
    return f"{name}_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) else name


def camel(text: str, *, fallback: str = "Value") -> str:
    """`client_key` → `ClientKey`; an all-caps word stays as written (`LRUCache`)."""
    parts = words(text)
    name = "".join(w if w.isupper() else w[:1].upper() + w[1:] for w in parts) or fallback
    if name[0].isdigit():
        name = f"{fallback}{name}"
    return f"{name}_" if keyword.iskeyword(name) or name in RESERVED else name


def constant(text: str) -> str:
    """An enum member name: `in-progress` → `IN_PROGRESS`, `2` → `V2`."""
    name = "_".join(w.upper() for w in words(text)) or "VALUE"
    return f"V{name}" if name[0].isdigit() else name


def docstring(text: str, indent: str = "") -> str:
    """A triple-quoted docstring holding `text` (no escape can end it early)."""
    clean = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    # Wrap first, then escape: a line break never falls inside an escape sequence.
    lines = _wrapped(clean.strip().splitlines() or [""], 100 - len(indent) - 8)
    lines = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""'
    body = "\n".join(f"{indent}{line}".rstrip() for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{body}\n{indent}"""'


def literal(text: str) -> str:
    """A double-quoted Python string literal of `text` (JSON escapes are Python escapes)."""
    return json.dumps(text)


def one_line(text: str, limit: int = 90) -> str:
    """Free text squeezed to one line (for docstrings' first lines)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _wrapped(lines: list[str], width: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        lead = line[: len(line) - len(line.lstrip())]
        out += textwrap.wrap(line, width, subsequent_indent=lead, break_long_words=True) or [""]
    return out


def comment(text: str, indent: str = "") -> str:
    """Free text as `#` comment lines of at most 100 characters."""
    flat = " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())
    return "\n".join(f"{indent}# {line}" for line in textwrap.wrap(flat, 96 - len(indent)))
