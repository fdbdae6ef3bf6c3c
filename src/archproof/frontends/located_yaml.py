"""Safe YAML reading that keeps line/column marks, refusing junk, bombs and huge files.

We compose the YAML into ruamel's node graph (every node has a start mark, duplicate
keys included) and build plain Python containers that carry spans (`LocatedDict`,
`LocatedList`, `LocatedStr`). Scalars go through ruamel's *safe* constructor only, so a
tag such as `!!python/object` is refused: a design is data, never code.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from archproof.errors import Diagnostic
from archproof.span import LocatedDict, LocatedList, LocatedStr, Span

MAX_BYTES = 5 * 1024 * 1024  # designs are hand-written; 5 MB is generous
MAX_NODES = 200_000  # caps alias expansion ("billion laughs") and giant documents
MAX_DEPTH = 100


def too_large(size: int, filename: str) -> Diagnostic:
    """The diagnostic for a file over the size limit."""
    return Diagnostic(
        "AP003",
        f"file is {size / 1024 / 1024:.1f} MB; designs larger than "
        f"{MAX_BYTES // 1024 // 1024} MB are refused",
        Span(file=filename, line=1, column=1),
        "split the design or remove generated content",
    )


def read_yaml(data: bytes, filename: str) -> tuple[Any, list[Diagnostic]]:
    """Parse `data` into located plain containers; return (document, diagnostics)."""
    where = Span(file=filename, line=1, column=1)
    if len(data) > MAX_BYTES:
        return None, [too_large(len(data), filename)]
    if b"\x00" in data:
        return None, [Diagnostic("AP004", "file looks binary (contains NUL bytes)", where)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Diagnostic(
                "AP004",
                f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                Span(file=filename, line=line, column=1),
                "save the design as UTF-8",
            )
        ]
    # libyaml (ruamel.yaml.clib) composes ~8x faster; the pure-Python parser words syntax
    # errors better (it names the offending character), so it re-parses a broken file.
    yaml = YAML(typ="safe")
    try:
        try:
            root = yaml.compose(text)
        except MarkedYAMLError:
            yaml = YAML(typ="safe", pure=True)
            root = yaml.compose(text)
    except MarkedYAMLError as exc:
        return None, [_marked(exc, filename, where)]
    except (YAMLError, RecursionError, ValueError, TypeError) as exc:
        return None, [Diagnostic("AP001", f"invalid YAML: {exc}", where)]
    if root is None or (isinstance(root, ScalarNode) and str(root.tag).endswith(":null")):
        return None, [
            Diagnostic("AP002", "the design is empty", where, "start from an example in examples/")
        ]
    if not isinstance(root, MappingNode):
        kind = "list" if isinstance(root, SequenceNode) else "single value"
        return None, [
            Diagnostic(
                "AP002", f"a design must be a mapping with a 'meta:' key, not a {kind}", where
            )
        ]
    converter = _Converter(filename, yaml)
    bomb = _too_many_values(root)
    if bomb is not None:  # refuse an alias bomb before spending time expanding it
        return None, [
            Diagnostic(
                "AP005",
                f"document expands to more than {MAX_NODES:,} values "
                "(an alias bomb or generated data?)",
                converter.span(bomb),
            )
        ]
    try:
        located = converter.convert(root, 0)
    except _Refused as refused:
        return None, [refused.diagnostic]
    return located, converter.diagnostics


def _too_many_values(root: Node) -> Node | None:
    """The innermost node whose alias expansion exceeds MAX_NODES, or None.

    Sizes are memoized per node, so this costs one pass over the distinct nodes even
    when aliases would expand them a billion times. Cycles and excessive depth count as
    small here; the converter reports them with their own messages.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active or depth > MAX_DEPTH or isinstance(node, ScalarNode):
            return 1
        active.add(key)
        children = (
            [n for pair in node.value for n in pair]
            if isinstance(node, MappingNode)
            else list(node.value)
            if isinstance(node, SequenceNode)
            else []
        )
        total = 1 + sum(size(child, depth + 1) for child in children)
        active.discard(key)
        sizes[key] = total
        return total

    if size(root, 0) <= MAX_NODES:
        return None
    node = root
    while True:
        if isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        else:
            return node
        bigger = next((c for c in children if sizes.get(id(c), 0) > MAX_NODES), None)
        if bigger is None:
            return node
        node = bigger


def _marked(exc: MarkedYAMLError, filename: str, where: Span) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    span = Span(file=filename, line=mark.line + 1, column=mark.column + 1) if mark else where
    problem = exc.problem or exc.context or "invalid YAML"
    return Diagnostic("AP001", f"invalid YAML: {problem}", span)


class _Refused(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


# Characters that act on a terminal or reorder text instead of showing: C0 controls but tab
# and newline, DEL, C1 controls, and the bidirectional overrides ("Trojan Source"). YAML only
# lets them in through escapes in double-quoted strings ("\e[31m", "\x07", "\u202e").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_CHARACTERS = _CONTROL  # also checked on designs built in Python (checks.py)

_PLAIN_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


class _Converter:
    def __init__(self, filename: str, yaml: YAML) -> None:
        self.filename = filename
        self.constructor = yaml.constructor
        self.nodes = 0
        self.active: set[int] = set()
        self.diagnostics: list[Diagnostic] = []

    def span(self, node: Node) -> Span:
        mark = node.start_mark
        return Span(file=self.filename, line=mark.line + 1, column=mark.column + 1)

    def convert(self, node: Node, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(
                Diagnostic(
                    "AP005",
                    f"document expands to more than {MAX_NODES:,} values "
                    "(an alias bomb or generated data?)",
                    self.span(node),
                )
            )
        if depth > MAX_DEPTH:
            raise _Refused(
                Diagnostic("AP005", f"nesting deeper than {MAX_DEPTH} levels", self.span(node))
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise _Refused(Diagnostic("AP005", "recursive alias", self.span(node)))
        if str(node.tag) not in _PLAIN_COLLECTION_TAGS:
            # The safe constructor never sees collections; refuse their tags here too.
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            raise _Refused(
                Diagnostic(
                    "AP001",
                    f"unsupported YAML tag '{tag}' (designs are data, not code)",
                    self.span(node),
                )
            )
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self.mapping(node, depth)
            if isinstance(node, SequenceNode):
                return self.sequence(node, depth)
        finally:
            self.active.discard(id(node))
        raise _Refused(Diagnostic("AP001", "unsupported YAML node", self.span(node)))

    def scalar(self, node: ScalarNode) -> Any:
        span = self.span(node)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except MarkedYAMLError as exc:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            raise _Refused(
                Diagnostic(
                    "AP001",
                    f"unsupported YAML tag '{tag}' (designs are data, not code)",
                    span,
                )
            ) from exc
        if isinstance(value, str):
            if (bad := _CONTROL.search(value)) is not None:
                self.diagnostics.append(
                    Diagnostic(
                        "AP006",
                        f"text contains the control character U+{ord(bad.group()):04X}",
                        span,
                        "designs are plain text: remove it (terminal escapes, bells and "
                        "direction overrides are refused)",
                    )
                )
            return LocatedStr(value, span)
        if value is None or isinstance(value, bool | int | float):
            return value
        # Timestamps, binary and other typed scalars: keep the text for validation to explain.
        return LocatedStr(str(node.value), span)

    def mapping(self, node: MappingNode, depth: int) -> LocatedDict:
        out = LocatedDict()
        out.span = self.span(node)
        for key_node, value_node in node.value:
            key_span = self.span(key_node)
            key = self.convert(key_node, depth + 1)
            if not isinstance(key, str) or isinstance(key_node, MappingNode | SequenceNode):
                if isinstance(key_node, MappingNode | SequenceNode):
                    what = "a mapping" if isinstance(key_node, MappingNode) else "a list"
                    hint = None
                else:
                    what, hint = repr(key_node.value), f"quote it: '\"{key_node.value}\"'"
                self.diagnostics.append(
                    Diagnostic("AP012", f"keys must be text, not {what}", key_span, hint)
                )
                continue
            key = str(key)
            if key in out:
                first = out.key_spans[key]
                self.diagnostics.append(
                    Diagnostic(
                        "AP020",
                        f"duplicate key '{key}' (first written at line {first.line})",
                        key_span,
                    )
                )
                continue
            out[key] = self.convert(value_node, depth + 1)
            out.key_spans[key] = key_span
            out.value_spans[key] = self.span(value_node)
        return out

    def sequence(self, node: SequenceNode, depth: int) -> LocatedList:
        out = LocatedList()
        out.span = self.span(node)
        for item in node.value:
            out.append(self.convert(item, depth + 1))
            out.item_spans.append(self.span(item))
        return out
