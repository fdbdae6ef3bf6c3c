"""Score archproof's review against the independent corpus in this directory.

    .venv/bin/python -m tests.review_corpus.score            # table
    .venv/bin/python -m tests.review_corpus.score --json     # the same figures as JSON
    .venv/bin/python tests/review_corpus/score.py --only DB  # one principle (or an id: DB-07)

Each clean design (clean/*.yaml) is reviewed as is; every warning-or-worse finding on it is
listed. Each entry of mistakes.yaml is its base design with its edit applied (in memory,
reviewed from a temporary file); it is *caught* when an active finding at warning or above,
of the entry's principle, points at the entry's `where` element or inside it (by the
finding's element or by its source location), and the base design did not already have it
(same code, element and message, figures aside). "Any principle" counts a finding of any
principle at that place. A design that fails to load is listed and counted as missed.
Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

HERE = Path(__file__).resolve().parent
CLEAN = HERE / "clean"
KEY = HERE / "mistakes.yaml"
FRAMEWORK = ("ST", "DB", "OP", "CA", "EV", "OB", "FH")
_SECTIONS = {
    "component": "components",
    "operation": "operations",
    "entity": "entities",
    "event": "events",
}

# ---------------------------------------------------------------- paths

Segment = str  # a mapping key, a list index ("3"), or a selector "[key=value]"

_TOKEN = re.compile(r'"([^"]*)"|\[([^\]]*)\]|([^.\[\]"]+)')


def parse_path(text: str) -> list[Segment]:
    """`a.b[2].c[name=x]` → ['a', 'b', '2', 'c', '[name=x]']; a key with a dot in double
    quotes: `calls[1]."api.handle".timeout` → ['calls', '1', 'api.handle', 'timeout']."""
    out: list[Segment] = []
    for m in _TOKEN.finditer(text):
        quoted, inside, plain = m.group(1), m.group(2), m.group(3)
        if quoted is not None:
            out.append(quoted)
        elif plain is not None:
            out.append(plain)
        elif "=" in inside:
            out.append(f"[{inside}]")
        else:
            out.append(inside.strip())
    return out


def _pick(node: Any, seg: Segment) -> Any:
    """The index (for lists) or key (for mappings) `seg` names in `node`."""
    if isinstance(node, list):
        if seg.startswith("["):
            key, _, value = seg[1:-1].partition("=")
            for i, item in enumerate(node):
                if isinstance(item, dict) and str(item.get(key)) == value:
                    return i
            raise KeyError(f"no item with {key}={value}")
        index = int(seg)
        if not -len(node) <= index < len(node):
            raise KeyError(f"index {index} out of range ({len(node)} items)")
        return index
    if isinstance(node, dict):
        if seg not in node:
            raise KeyError(f"no key {seg!r}")
        return seg
    raise KeyError(f"cannot step into a {type(node).__name__} with {seg!r}")


def resolve(doc: Any, path: str) -> list[str]:
    """Concrete segments (list selectors turned into indexes) of `path` in `doc`."""
    out: list[str] = []
    node = doc
    for seg in parse_path(path):
        k = _pick(node, seg)
        out.append(str(k))
        node = node[k]
    return out


def _parent(doc: Any, path: str, *, create: bool = False) -> tuple[Any, Segment]:
    segs = parse_path(path)
    node = doc
    for seg in segs[:-1]:
        if create and isinstance(node, dict) and seg not in node:
            node[seg] = CommentedMap()
        node = node[_pick(node, seg)]
    return node, segs[-1]


def _plain_to_yaml(value: Any) -> Any:
    """Plain Python data → ruamel containers (so the dump stays block/flow as written)."""
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _plain_to_yaml(v)
        return m
    if isinstance(value, list):
        return CommentedSeq([_plain_to_yaml(v) for v in value])
    return value


class EditError(Exception):
    """An edit step that does not apply to its base (a broken key entry)."""


def apply_edit(doc: Any, steps: list[dict[str, Any]]) -> None:
    """Apply a key entry's edit steps to a round-trip document, in place."""
    for step in steps:
        try:
            if "set" in step:
                parent, seg = _parent(doc, step["set"], create=True)
                value = _plain_to_yaml(step["value"])
                if isinstance(parent, list):
                    parent[_pick(parent, seg)] = value
                else:
                    parent[seg] = value
            elif "delete" in step:
                parent, seg = _parent(doc, step["delete"])
                del parent[_pick(parent, seg)]
            elif "append" in step:
                parent, seg = _parent(doc, step["append"], create=True)
                if isinstance(parent, dict) and seg not in parent:
                    parent[seg] = CommentedSeq()
                target = parent[_pick(parent, seg)]
                if not isinstance(target, list):
                    raise EditError(f"append: {step['append']} is not a list")
                target.append(_plain_to_yaml(step["value"]))
            elif "splice" in step or "insert_before" in step:
                where = step.get("splice", step.get("insert_before"))
                parent, seg = _parent(doc, where)
                if not isinstance(parent, list):
                    raise EditError(f"{where} is not a list item")
                i = _pick(parent, seg)
                items = step["value"] if "splice" in step else [step["value"]]
                new = [_plain_to_yaml(v) for v in items]
                if "splice" in step:
                    parent[i : i + 1] = new
                else:
                    parent[i:i] = new
            else:
                raise EditError(f"unknown edit step {step!r}")
        except (KeyError, IndexError, ValueError) as exc:
            raise EditError(f"{step!r}: {exc}") from exc


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    y.preserve_quotes = True
    y.indent(
        mapping=2, sequence=4, offset=2
    )  # the corpus' own style, so a diff shows only the edit
    return y


def load_doc(text: str) -> Any:
    return _yaml().load(text)


def dump_doc(doc: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def mutate(base_text: str, steps: list[dict[str, Any]]) -> str:
    doc = load_doc(base_text)
    apply_edit(doc, steps)
    return dump_doc(doc)


# ---------------------------------------------------------------- source location → path


@dataclass(frozen=True)
class _Span:
    path: tuple[str, ...]
    start: tuple[int, int]  # 1-based (line, column) of the key / item
    end_line: int


def _spans(node: Any, path: tuple[str, ...], out: list[_Span]) -> int:
    """Record the span of every node under `node`; return the last line it covers."""
    last = 0
    if isinstance(node, CommentedMap):
        for k in node:
            try:
                kl, kc = node.lc.key(k)
                vl, _ = node.lc.value(k)
            except (KeyError, TypeError, AttributeError):
                continue
            end = max(kl, vl) + 1
            end = max(end, _spans(node[k], (*path, str(k)), out))
            out.append(_Span((*path, str(k)), (kl + 1, kc + 1), end))
            last = max(last, end)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            try:
                il, ic = node.lc.item(i)
            except (KeyError, TypeError, AttributeError):
                continue
            end = max(il + 1, _spans(item, (*path, str(i)), out))
            out.append(_Span((*path, str(i)), (il + 1, ic + 1), end))
            last = max(last, end)
    return last


class Locator:
    """Maps a (line, column) of a design file to the deepest YAML path written there."""

    def __init__(self, doc: Any) -> None:
        self._spans: list[_Span] = []
        _spans(doc, (), self._spans)

    def path_at(self, line: int, column: int) -> tuple[str, ...]:
        best: _Span | None = None
        for s in self._spans:
            inside = s.start <= (line, column) and line <= s.end_line
            if inside and (best is None or len(s.path) > len(best.path)):
                best = s
        return best.path if best else ()


def is_under(path: tuple[str, ...] | list[str], where: tuple[str, ...] | list[str]) -> bool:
    """Whether `path` is `where` or inside it (segment by segment, never by prefix text)."""
    return len(path) >= len(where) and tuple(path[: len(where)]) == tuple(where)


# ---------------------------------------------------------------- reviewing


@dataclass
class Hit:
    code: str
    principle: str
    severity: str
    element: str
    location: str
    paths: list[str]
    message: str


@dataclass
class Reviewed:
    name: str
    error: str | None = None
    findings: list[Hit] = field(default_factory=list)


def _element_path(element: Any) -> tuple[str, ...]:
    kind = str(element.kind)
    if kind == "design":
        return ("design",)
    if kind == "assumption":
        return ("requirements", "assumptions", element.id)
    return (_SECTIONS.get(kind, kind), element.id, *element.path)


def review_text(name: str, text: str, doc: Any = None) -> Reviewed:
    """Load `text` as a design through archproof's public API and review it.

    `doc` is `text` already parsed by `load_doc` (to map finding lines to paths), if at hand.
    """
    import archproof
    from archproof.passes.review import ReviewResult, Severity

    with tempfile.TemporaryDirectory(prefix="archproof-corpus-") as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        try:
            design = archproof.load(path)
        except archproof.DesignError as exc:
            lines = [f"{d}" for d in exc.diagnostics][:5]
            return Reviewed(name, error="; ".join(lines) or str(exc))
        report = archproof.run(design, passes=("review",), source_file=str(path))
    result = report.get(ReviewResult)
    locator = Locator(load_doc(text) if doc is None else doc)
    out = Reviewed(name)
    for f in result.findings if result else ():
        if f.is_accepted or f.severity.rank < Severity.WARNING.rank:
            continue
        paths = [_element_path(f.element)]
        # an assumption's id is an `id:` field, not a key: point at the assumptions list
        if paths[0][:2] == ("requirements", "assumptions"):
            paths[0] = paths[0][:2]
        loc = ""
        if f.span is not None:
            loc = f"{f.span.line}:{f.span.column}"
            at = locator.path_at(f.span.line, f.span.column)
            if at:
                paths.append(at)
        out.findings.append(
            Hit(
                code=f.code,
                principle=f.principle.name,
                severity=f.severity.value,
                element=str(f.element),
                location=loc,
                paths=[".".join(p) for p in paths],
                message=f.message,
            )
        )
    return out


# ---------------------------------------------------------------- the corpus


def load_key(path: Path = KEY) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return entries


def clean_files(folder: Path = CLEAN) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


_MUTATED: dict[tuple[str, str], str] = {}


def mutated_text(entry: dict[str, Any], base_texts: dict[str, str]) -> str:
    """The entry's base with its edit applied (computed once per process: ruamel is slow)."""
    cache_key = (entry["id"], base_texts[entry["base"]])
    if cache_key not in _MUTATED:
        _MUTATED[cache_key] = mutate(base_texts[entry["base"]], entry["edit"])
    return _MUTATED[cache_key]


def where_paths(entry: dict[str, Any], doc: Any) -> list[tuple[str, ...]]:
    raw = entry["where"]
    wheres = raw if isinstance(raw, list) else [raw]
    out: list[tuple[str, ...]] = []
    for w in wheres:
        try:
            out.append(tuple(resolve(doc, w)))
        except KeyError:
            out.append(tuple(parse_path(w)))  # not in the mutated design (e.g. `design`)
    return out


@dataclass
class Outcome:
    id: str
    principle: str
    base: str
    where: list[str]
    says: str
    caught: bool = False
    caught_any: bool = False
    error: str | None = None
    by: list[str] = field(default_factory=list)  # codes that caught it (right principle)
    nearby: list[str] = field(default_factory=list)  # codes at the place, other principles


def shape(hit: Hit) -> tuple[str, str, str]:
    """A finding's identity across edits: code, element and message with figures masked."""
    return hit.code, hit.element, re.sub(r"\d[\d,.]*", "#", hit.message)


def score_entry(
    entry: dict[str, Any],
    base_texts: dict[str, str],
    already: set[tuple[str, str, str]] | None = None,
) -> Outcome:
    """Review the entry's mutated design; findings whose `shape` is in `already` (the base
    design's own findings) do not count: they were there before the mistake."""
    raw_where = entry["where"]
    out = Outcome(
        id=entry["id"],
        principle=entry["principle"],
        base=entry["base"],
        where=raw_where if isinstance(raw_where, list) else [raw_where],
        says=entry["says"],
    )
    try:
        text = mutated_text(entry, base_texts)
    except EditError as exc:
        out.error = f"edit does not apply: {exc}"
        return out
    doc = load_doc(text)
    wheres = where_paths(entry, doc)
    reviewed = review_text(f"{entry['id']}.yaml", text, doc)
    if reviewed.error:
        out.error = reviewed.error
        return out
    for hit in reviewed.findings:
        if already and shape(hit) in already:
            continue
        at_place = any(is_under(tuple(p.split(".")), w) for p in hit.paths for w in wheres)
        if not at_place:
            continue
        out.caught_any = True
        if hit.principle == entry["principle"]:
            out.caught = True
            out.by.append(hit.code)
        else:
            out.nearby.append(hit.code)
    return out


@dataclass
class Score:
    outcomes: list[Outcome]
    clean: list[Reviewed]
    seconds: float

    def table(self) -> dict[str, dict[str, int]]:
        rows: dict[str, dict[str, int]] = {}
        for p in (*FRAMEWORK, "all"):
            mine = [o for o in self.outcomes if p == "all" or o.principle == p]
            rows[p] = {
                "seeded": len(mine),
                "caught": sum(o.caught for o in mine),
                "caught_any": sum(o.caught_any for o in mine),
                "load_errors": sum(o.error is not None for o in mine),
            }
        return rows

    def recall(self, principle: str = "all") -> Fraction:
        row = self.table()[principle]
        return Fraction(row["caught"], row["seeded"]) if row["seeded"] else Fraction(0)

    @property
    def clean_warnings(self) -> int:
        return sum(len(r.findings) for r in self.clean)

    @property
    def clean_errors(self) -> list[Reviewed]:
        return [r for r in self.clean if r.error]

    def as_json(self) -> dict[str, Any]:
        return {
            "recall": {
                p: {
                    **row,
                    "recall": round(row["caught"] / row["seeded"], 4) if row["seeded"] else None,
                }
                for p, row in self.table().items()
            },
            "clean": {
                "designs": len(self.clean),
                "warnings": self.clean_warnings,
                "load_errors": [{"design": r.name, "error": r.error} for r in self.clean_errors],
                "findings": [
                    {"design": r.name, **asdict(h)} for r in self.clean for h in r.findings
                ],
            },
            "mistakes": [asdict(o) for o in self.outcomes],
            "seconds": round(self.seconds, 1),
        }


def run(
    only: str | None = None, *, clean: bool = True, key: Path = KEY, bases: Path = CLEAN
) -> Score:
    started = time.process_time()
    base_texts = {p.name: p.read_text(encoding="utf-8") for p in clean_files(bases)}
    entries = load_key(key)
    if only:
        entries = [e for e in entries if e["id"] == only or e["principle"] == only]
    reviewed = {name: review_text(name, text) for name, text in base_texts.items()}
    already = {name: {shape(h) for h in r.findings} for name, r in reviewed.items()}
    outcomes = [score_entry(e, base_texts, already[e["base"]]) for e in entries]
    return Score(outcomes, list(reviewed.values()) if clean else [], time.process_time() - started)


# ---------------------------------------------------------------- output


def render(score: Score, *, caught: bool = False) -> Iterator[str]:
    yield "Recall on seeded mistakes (caught = warning+ finding of the principle at the place)"
    yield (
        f"{'principle':<10} {'seeded':>6} {'caught':>6} {'recall':>7} "
        f"{'any-principle':>14} {'load errors':>11}"
    )
    for p, row in score.table().items():
        recall = row["caught"] / row["seeded"] if row["seeded"] else 0.0
        any_recall = row["caught_any"] / row["seeded"] if row["seeded"] else 0.0
        yield (
            f"{p:<10} {row['seeded']:>6} {row['caught']:>6} {recall:>7.0%} "
            f"{row['caught_any']:>5} ({any_recall:>4.0%}) {row['load_errors']:>11}"
        )
    if caught:
        yield ""
        yield "Caught (the rules that caught each, at the place)"
        for o in score.outcomes:
            if o.caught:
                yield f"  {o.id:<6} {o.base:<20} {', '.join(sorted(set(o.by)))}"
    missed = [o for o in score.outcomes if not o.caught]
    if missed:
        yield ""
        yield f"Missed ({len(missed)})"
        for o in missed:
            why = (
                f"LOAD ERROR: {o.error}"
                if o.error
                else (
                    f"other principle at the place: {', '.join(sorted(set(o.nearby)))}"
                    if o.nearby
                    else "nothing at the place"
                )
            )
            yield f"  {o.id:<6} {o.base:<20} {', '.join(o.where)}  [{why}]"
            yield f"         {o.says}"
    yield ""
    yield f"Clean designs: {len(score.clean)}, warnings and errors: {score.clean_warnings}"
    for r in score.clean:
        if r.error:
            yield f"  {r.name}: LOAD ERROR: {r.error}"
        for h in r.findings:
            yield f"  {r.name} {h.location:>8} {h.code} [{h.severity}] {h.element}: {h.message}"
    yield ""
    yield f"CPU time: {score.seconds:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--only", help="one principle (DB) or one entry id (DB-07)")
    parser.add_argument("--no-clean", action="store_true", help="skip reviewing the clean designs")
    parser.add_argument(
        "--caught", action="store_true", help="also list the caught mistakes and their rules"
    )
    parser.add_argument(
        "--key",
        type=Path,
        default=KEY,
        help="answer key (default mistakes.yaml; probe.yaml is the post-hoc probe)",
    )
    parser.add_argument(
        "--bases",
        type=Path,
        default=CLEAN,
        help="folder of the designs the key's `base` names (default clean/)",
    )
    args = parser.parse_args(argv)
    key = args.key if args.key.is_absolute() or args.key.exists() else HERE / args.key
    bases = args.bases if args.bases.is_absolute() or args.bases.exists() else HERE / args.bases
    score = run(args.only, clean=not args.no_clean, key=key, bases=bases)
    if args.json:
        print(json.dumps(score.as_json(), indent=2, ensure_ascii=False))
    else:
        for line in render(score, caught=args.caught):
            print(line)
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(HERE.parents[1] / "src"))
    raise SystemExit(main())
