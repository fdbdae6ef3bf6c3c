"""The malformed-design corpus: every loader error, its exact message and place, no traceback.

Each file under tests/malformed/ states what it must produce in its first lines:

    # expect: AP010 8:5 unknown key 'replica'
    # hint: did you mean 'replicas'?

One `# expect:` line per diagnostic, in the order the loader reports them (by position);
a `# hint:` line right after an expectation pins that diagnostic's hint. Inputs that
cannot carry a comment (binary junk, invalid UTF-8, a huge file) are built in tmp_path.
"""

from __future__ import annotations

import contextlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from archproof.cli.app import app
from archproof.errors import DesignError, Diagnostic
from archproof.frontends.located_yaml import MAX_BYTES
from archproof.frontends.yaml_loader import load_bytes, load_design
from archproof.model import Design

CORPUS = Path(__file__).parent / "malformed"
EXAMPLES = Path(__file__).parent.parent / "examples"
CASES = sorted(CORPUS.glob("*.yaml"))

_EXPECT = re.compile(r"^# expect: (?P<code>AP\d{3}) (?P<line>\d+):(?P<col>\d+) (?P<message>.+)$")
_HINT = re.compile(r"^# hint: (?P<hint>.+)$")


@dataclass
class Expected:
    code: str
    line: int
    column: int
    message: str
    hint: str | None = None


def expectations(path: Path) -> list[Expected]:
    """The `# expect:` / `# hint:` lines at the top of a corpus file."""
    out: list[Expected] = []
    for raw in path.read_text("utf-8").splitlines():
        if (m := _EXPECT.match(raw)) is not None:
            out.append(Expected(m["code"], int(m["line"]), int(m["col"]), m["message"]))
        elif (m := _HINT.match(raw)) is not None:
            assert out, f"{path.name}: '# hint:' before any '# expect:'"
            out[-1].hint = m["hint"]
        elif raw.startswith("# expect") or raw.startswith("# hint"):
            pytest.fail(f"{path.name}: malformed expectation line {raw!r}")
    return out


def diagnostics_of(path: Path) -> tuple[Diagnostic, ...]:
    with pytest.raises(DesignError) as info:
        load_design(path)
    return info.value.diagnostics


def as_tuples(diagnostics: tuple[Diagnostic, ...]) -> list[tuple[str, int, int, str]]:
    out = []
    for d in diagnostics:
        assert d.span is not None, f"{d.code} {d.message} has no location"
        out.append((d.code, d.span.line, d.span.column, d.message))
    return out


def run_check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", str(path)])
    text = result.output
    with contextlib.suppress(ValueError, AttributeError):  # stderr may be mixed into output
        text += result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"`archproof check` raised {result.exception!r}") from None
    return result.exit_code, text


# --------------------------------------------------------------------------- the corpus


def test_corpus_is_large_and_covers_every_loader_code() -> None:
    assert len(CASES) >= 45
    codes = {e.code for path in CASES for e in expectations(path)}
    wanted = {
        "AP001", "AP002", "AP005", "AP010", "AP011", "AP012", "AP013", "AP014", "AP015",
        "AP020", "AP021", "AP022", "AP023", "AP024", "AP025", "AP026", "AP027", "AP028",
        "AP029", "AP030", "AP031", "AP032", "AP033",
    }  # fmt: skip
    # AP003 (too large) and AP004 (binary, not UTF-8) are built by the tests below.
    assert wanted <= codes, f"no corpus case for {sorted(wanted - codes)}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_exact_diagnostics(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    got = diagnostics_of(path)
    assert as_tuples(got) == [(e.code, e.line, e.column, e.message) for e in expected]
    for exp, diag in zip(expected, got, strict=True):
        if exp.hint is not None:
            assert diag.hint == exp.hint
        assert diag.span is not None and diag.span.file == str(path)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_check_command_reports_and_exits_2(path: Path) -> None:
    code, text = run_check(path)
    assert code == 2, text
    assert "Traceback" not in text
    for e in expectations(path):
        assert f"{path}:{e.line}:{e.column}: {e.code} {e.message}" in text


# --------------------------------------------------------------------------- built inputs


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BUILT: dict[str, tuple[bytes, tuple[str, int, int, str]]] = {
    "nul_bytes.yaml": (
        b"meta: {name: t}\n\x00\x01\x02binary junk\xff\n",
        ("AP004", 1, 1, "file looks binary (contains NUL bytes)"),
    ),
    "latin1.yaml": (
        b"meta:\n  name: caf\xe9\n",
        ("AP004", 2, 1, "file is not valid UTF-8 (byte 0xe9)"),
    ),
    "png_header.yaml": (
        b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)),
        ("AP004", 1, 1, "file is not valid UTF-8 (byte 0x89)"),
    ),
}


@pytest.mark.parametrize("name", sorted(BUILT))
def test_binary_inputs(tmp_path: Path, name: str) -> None:
    data, expected = BUILT[name]
    path = _write(tmp_path, name, data)
    assert as_tuples(diagnostics_of(path)) == [expected]
    code, text = run_check(path)
    assert code == 2
    assert "Traceback" not in text
    assert f"{path}:{expected[1]}:{expected[2]}: {expected[0]}" in text


def test_huge_file_is_refused_without_parsing(tmp_path: Path) -> None:
    line = b"# " + b"x" * 97 + b"\n"  # 100 bytes
    size = MAX_BYTES + 1024 * 1024  # 6 MiB of valid YAML: refused by size alone
    path = _write(
        tmp_path, "huge.yaml", b"meta: {name: t}\n".ljust(100, b" ") + line * (size // 100 - 1)
    )
    (diag,) = diagnostics_of(path)
    assert (diag.code, diag.span and (diag.span.line, diag.span.column)) == ("AP003", (1, 1))
    assert diag.message == "file is 6.0 MB; designs larger than 5 MB are refused"
    with pytest.raises(DesignError) as info:  # the same through load_bytes
        load_bytes(path.read_bytes(), str(path))
    assert info.value.diagnostics[0].code == "AP003"
    code, text = run_check(path)
    assert code == 2
    assert f"{path}:1:1: AP003" in text
    assert "Traceback" not in text


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.yaml", tmp_path):
        with pytest.raises(DesignError) as info:
            load_design(path)
        assert info.value.diagnostics[0].code == "AP000"
        code, text = run_check(path)
        assert code == 2
        assert "Traceback" not in text


def test_valid_and_invalid_files_together(tmp_path: Path) -> None:
    """One bad file makes the run fail, but every file is still checked."""
    bad = CORPUS / "ap029_unknown_tech.yaml"
    result = CliRunner().invoke(app, ["check", str(EXAMPLES / "url_shortener.yaml"), str(bad)])
    assert result.exit_code == 2
    assert "url-shortener" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- robustness

_EXAMPLE_TEXTS = [p.read_text("utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))]


def _loads_or_design_error(data: bytes) -> None:
    try:
        result = load_bytes(data, "fuzz.yaml")
    except DesignError as exc:
        assert exc.diagnostics, "a DesignError must carry at least one diagnostic"
        for d in exc.diagnostics:
            assert re.fullmatch(r"AP\d{3}", d.code)
        return
    assert isinstance(result, Design)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data: bytes) -> None:
    _loads_or_design_error(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%., \n\t01.5ms/")), max_size=400))
def test_random_yamlish_text_never_crashes(text: str) -> None:
    _loads_or_design_error(text.encode("utf-8"))


_MUTATIONS = ("delete_line", "duplicate_line", "swap_chars", "replace_char", "indent_line")


def _mutate(text: str, ops: list[tuple[str, int]]) -> str:
    lines = text.splitlines(keepends=True)
    for op, seed in ops:
        rng = random.Random(seed)
        if not lines:
            break
        i = rng.randrange(len(lines))
        if op == "delete_line":
            del lines[i]
        elif op == "duplicate_line":
            lines.insert(i, lines[i])
        elif op == "indent_line":
            lines[i] = "  " + lines[i]
        else:
            line = lines[i]
            if len(line) < 2:
                continue
            j = rng.randrange(len(line) - 1)
            if op == "swap_chars":
                line = line[:j] + line[j + 1] + line[j] + line[j + 2 :]
            else:
                line = line[:j] + rng.choice(":-[]{}&*!0 .x%") + line[j + 1 :]
            lines[i] = line
    return "".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=len(_EXAMPLE_TEXTS) - 1),
    st.lists(
        st.tuples(st.sampled_from(_MUTATIONS), st.integers(min_value=0, max_value=2**32)),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_examples_load_or_raise_design_error(
    index: int, ops: list[tuple[str, int]]
) -> None:
    _loads_or_design_error(_mutate(_EXAMPLE_TEXTS[index], ops).encode("utf-8"))
