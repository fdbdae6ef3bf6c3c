"""The plain-Python kernels (pykernel.py, specialize.py): rewritten and specialized per
network, still bit-identical to numba's on every example and fault kind, and loud when a
rewrite or an assumption does not hold."""

from __future__ import annotations

import ast
import copy
import heapq
import math
import random
import textwrap
from pathlib import Path
from typing import Any

import pytest

from archproof.frontends.yaml_loader import load_design
from archproof.passes.simulate import kernel as K
from archproof.passes.simulate import pykernel as P
from archproof.passes.simulate import runner
from archproof.passes.simulate.compile import compile_design
from archproof.passes.simulate.faults import parse_faults
from archproof.passes.simulate.kernel import _bucket, _hpop, _hpush
from archproof.passes.simulate.runner import run_kernel
from archproof.passes.simulate.specialize import (
    drop_flag_tests,
    fix_locations,
    read_only_params,
    specialize,
    thread_dispatch,
    uniform,
)

from .conftest import reference_network
from .test_backends import same
from .test_behaviour import cascade_network, dup_network

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# (example, faults, seconds): every example's first scenario, and each fault kind (chat
# and news_feed carry thousands of requests a second: a fraction of a second is plenty)
CASES = [
    ("chat", (), 0.3),
    ("media_pipeline", (), 4.0),
    ("news_feed", (), 1.0),
    ("payments", (), 4.0),
    ("url_shortener", (), 2.0),
    ("chat", ("db:slow=20@0.1s+0.1s",), 0.3),
    ("payments", ("psp:error_rate=0.2@1s+2s", "db:down@2s+1s"), 4.0),
    ("chat", ("api:lose_replicas=1@0.1s+0.1s",), 0.3),
]


@pytest.mark.skipif(not K.HAVE_NUMBA, reason="no numba")
@pytest.mark.parametrize(("name", "faults", "seconds"), CASES)
def test_python_equals_numba_on_examples(
    name: str, faults: tuple[str, ...], seconds: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "_SPECIALIZE_EVENTS", 0)  # short runs: specialize anyway
    d = load_design(EXAMPLES / f"{name}.yaml")
    if faults:
        net = compile_design(d, faults=parse_faults(faults, d)).network
    else:
        net = compile_design(d, scenario=d.scenarios[0].id if d.scenarios else None).network
    kw = {"duration": seconds, "seed": 3, "path": "general"}
    py = run_kernel(net, backend="python", **kw)  # type: ignore[arg-type]
    nb = run_kernel(net, backend="numba", **kw)  # type: ignore[arg-type]
    assert py.events > 1000
    assert same(py, nb)


def test_both_kernels_rewrite_and_keep_no_helper_call() -> None:
    for which in ("general", "tandem"):
        src = ast.unparse(P.rewrite(K._KERNELS[which]))
        for name in ("_hpush", "_hpop", "_seed", "math.", "min(", "max(", "A_ISSUE", "_PF"):
            assert name not in src, (which, name)


def test_rewrite_refuses_what_it_does_not_know() -> None:
    def kern(hT: list[float], hN: list[int]) -> None:
        """A kernel that returns early."""
        if hN[0] == 0:
            return

    with pytest.raises(ValueError, match="return"):
        P.rewrite(kern)

    def kern2(hT: list[float], hS: list[int], hC: list[int], hA: list[int], hN: list[int]) -> None:
        """A kernel that keeps a push's result."""
        ok = _hpush(hT, hS, hC, hA, hN, 1.0, 0, 0)
        assert ok

    with pytest.raises(ValueError, match="heap helper"):
        P.rewrite(kern2)


def _bucket_kernel(hT: list[Any], hN: list[int], v: list[float], out: list[int]) -> None:
    """A kernel that buckets values: rewritten, the helper call is gone (in line)."""
    for i in range(len(v)):
        out[i] = _bucket(v[i] * 1.0)  # an expression: evaluated once
    out[-1] = _bucket(v[0])


def test_bucket_in_line_equals_the_helper() -> None:
    mod = P.rewrite(_bucket_kernel)
    assert "_bucket(" not in ast.unparse(mod)
    ns: dict[str, Any] = {}
    exec(compile(mod, "<t>", "exec"), ns)
    kern = ns["_bucket_kernel_python"]
    code = kern.__code__
    helpers = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    kern.__kwdefaults__ = dict.fromkeys(helpers) | {"_log": math.log, "_len": len}
    lo = K.HIST_MIN
    top = [lo * K.HIST_RATIO ** (K.NBUCK - 1) * (1.0 + k * 1e-4) for k in range(-30, 30)]
    edges = [
        lo,
        *top,
        lo * K.HIST_RATIO ** (K.NBUCK - 2.5),
        1.0,
        1e-3,
        0.0,
        -0.0,
        -1.0,
        5e-324,
        1e300,
    ]
    values = [x for e in edges for x in (math.nextafter(e, -math.inf), e, math.nextafter(e, 1e309))]
    values += [lo * K.HIST_RATIO**b for b in range(0, K.NBUCK, 7)]
    values += [random.Random(1).lognormvariate(-5.0, 4.0) for _ in range(2000)]
    out = [-1] * (len(values) + 1)
    kern([], [0, 0, 0], values, out)
    assert out[:-1] == [K._bucket_py(x) for x in values]
    assert out[-1] == K._bucket_py(values[0])
    assert len(set(out)) > 100 and 0 in out and K.NBUCK - 1 in out and K.NBUCK - 2 in out
    for bad in (math.nan, math.inf):  # the same error as the helper's
        with pytest.raises((ValueError, OverflowError)) as helper:
            K._bucket_py(bad)
        with pytest.raises(helper.type):
            kern([], [0, 0, 0], [bad], [0, 0])


def test_specialize_folds_empty_ranges_and_minus_zero() -> None:
    f = _fn(
        """
        def k(out, n, m):
            for j in range(0, n):
                out[j] = 1
            for j in range(3, 3):
                out[j] = 2
            else:
                out[0] = m - 0
            for j in range(2, 1, 0):
                out[j] = 3
        """
    )
    g = specialize(f, {"n": 0}, {}, {}, {})
    text = ast.unparse(g)
    assert "out[j] = 1" not in text and "out[j] = 2" not in text
    assert "out[0] = m\n" in text
    assert "range(2, 1, 0)" in text  # raises at run time, as before


def _heap_kernel(
    hT: Any, hS: Any, hC: Any, hA: Any, hN: list[int], codes: list[int], out: list[int]
) -> None:
    """Pushes heap codes as they come and as ``entity * 8 + kind``, pops them all."""
    for i in range(len(codes)):
        c = codes[i]
        _hpush(hT, hS, hC, hA, hN, 1.0 + i, c, i)
        _hpush(hT, hS, hC, hA, hN, 0.5 + i, (c >> 3) * 8 + 5, i)
    j = 0
    while hN[0] > 0:
        _now, code, aux = _hpop(hT, hS, hC, hA, hN)
        kind = code & 7
        out[j] = kind
        out[j + 1] = code >> 3
        out[j + 2] = aux
        j += 3


def test_heap_rows_carry_kind_and_entity() -> None:
    mod = P.rewrite(_heap_kernel)
    text = ast.unparse(mod)
    assert "_now, _hseq, kind, _hent, aux = _heappop(hT)" in text  # popped into `kind`
    assert "(0.5 + i, _seq, 5, c >> 3, i)" in text  # entity * 8 + kind: two fields
    ns: dict[str, Any] = {}
    exec(compile(mod, "<t>", "exec"), ns)
    kern = ns["_heap_kernel_python"]
    code = kern.__code__
    helpers = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    kern.__kwdefaults__ = dict.fromkeys(helpers) | {
        "_heappush": heapq.heappush,
        "_heappop": heapq.heappop,
        "_len": len,
    }
    codes = [0, 7, 8, 13, 8 * 1000 + 3, -8, -3, 2**40 + 6]
    out = [0] * (6 * len(codes))
    kern([], None, None, None, [0, 0, 0], codes, out)
    want: list[int] = []
    for i, c in enumerate(codes):
        want += [5, c >> 3, i, c & 7, c >> 3, i]
    assert out == want

    def other_read(hT: Any, hS: Any, hC: Any, hA: Any, hN: list[int], out: list[int]) -> None:
        """A kernel that reads a popped code whole."""
        _now, code, _aux = _hpop(hT, hS, hC, hA, hN)
        out[0] = code

    with pytest.raises(ValueError, match="popped code"):
        P.rewrite(other_read)


def _grow_kernel(hT: list[Any], hN: list[int], fn: int, out: list[int]) -> None:
    """Stops to grow its pools when they run low, or the (array) heap does."""
    if fn < 3 or hN[0] + 2 > hN[2]:
        out[0] = 1


def test_list_heap_is_never_full() -> None:
    text = ast.unparse(P.rewrite(_grow_kernel))
    assert "if fn < 3:\n" in text, text  # the heap's fill test is gone, and its `or False`


def test_fix_locations_as_the_standard_library() -> None:
    for which in ("general", "tandem"):
        f = P._source(K._KERNELS[which])
        for i, node in enumerate(ast.walk(f)):
            if i % 3 == 0:  # every third node loses its position
                for a in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
                    node.__dict__.pop(a, None)
        want = ast.dump(ast.fix_missing_locations(copy.deepcopy(f)), include_attributes=True)
        assert ast.dump(fix_locations(f), include_attributes=True) == want


FLAG_SRC = """
def k(xs, out):
    status = 0
    i = 0
    while i < len(xs):
        act = xs[i]
        while act > 0:
            if act == 7:
                status = 2
                break
            j = 0
            while j < act:
                j += 1
            if status != 0:
                break
            act -= 2
        if status != 0:
            break
        i += 1
    out[0] = status
    out[1] = i
"""


def test_flag_tests_dropped_where_the_flag_cannot_be_set() -> None:
    f = _fn(FLAG_SRC)
    assert drop_flag_tests(f, "status") == 1  # after `while j < act`: no stop in it
    text = ast.unparse(f)
    assert text.count("if status != 0:") == 1  # after the loop that stops: kept
    ns: dict[str, Any] = {}
    exec(compile(ast.fix_missing_locations(ast.Module([f], [])), "<t>", "exec"), ns)
    ref: dict[str, Any] = {}
    exec(FLAG_SRC, ref)
    for xs in ([], [3, 4], [3, 7, 2], [9, 1], [8, 2, 7]):
        got, want = [0, 0], [0, 0]
        ns["k"](xs, got)
        ref["k"](xs, want)
        assert got == want, xs
    # set without a break, or a parameter: nothing is dropped
    for src in (
        FLAG_SRC.replace("status = 2\n                break", "status = 2"),
        FLAG_SRC.replace("def k(xs, out):\n    status = 0", "def k(xs, out, status):"),
        FLAG_SRC.replace("    out[0] = status", "    while status:\n        break"),
    ):
        g = _fn(src)
        assert drop_flag_tests(g, "status") == 0
        assert ast.unparse(g) == ast.unparse(_fn(src))


def _fn(src: str) -> ast.FunctionDef:
    f = ast.parse(textwrap.dedent(src)).body[0]
    assert isinstance(f, ast.FunctionDef)
    return f


def test_specialize_folds_uniform_reads_and_dead_branches() -> None:
    f = _fn(
        """
        def k(nd_fork, c_x, s_down, out, n):
            th = nd_fork[n]
            if th > 0 and out[0] > 1:
                out[1] = 1
            elif s_down[n] > 0:
                s_down[n] += 1
            else:
                c_x[n] = 5
                out[2] = len(nd_fork)
        """
    )
    assert read_only_params(f) == {"nd_fork"}  # n is indexed with, not indexed
    g = specialize(f, {}, {"nd_fork": 0}, {"nd_fork": 3}, {"s_down": 0}, private=frozenset({"c_x"}))
    assert ast.unparse(g).strip() == "def k(nd_fork, c_x, s_down, out, n):\n    out[2] = 3"


def test_specialize_turns_frozen_writes_into_errors() -> None:
    f = _fn(
        """
        def k(s_slow, kind, out):
            if kind == 4:
                s_slow[0] = 2.0
            out[0] = s_slow[0]
        """
    )
    ns: dict[str, object] = {}
    g = specialize(f, {}, {}, {}, {"s_slow": 1.0})
    exec(compile(ast.fix_missing_locations(ast.Module([g], [])), "<t>", "exec"), ns)
    out = [0.0]
    ns["k"]([1.0], 1, out)  # type: ignore[operator]
    assert out == [1.0]
    with pytest.raises(AssertionError, match="s_slow was assumed never written"):
        ns["k"]([1.0], 4, out)  # type: ignore[operator]


def test_uniform_tells_zero_from_minus_zero() -> None:
    assert uniform([0.0, 0.0]) == 0.0
    assert uniform([0.0, -0.0]) is None
    assert uniform([1, 1.0]) is None
    assert uniform([]) is None


def test_thread_dispatch_runs_the_same_steps() -> None:
    src = """
        def k(log, n):
            act = 1
            while act != 0:
                if act == 1:
                    log.append(1)
                    if n > 2:
                        act = 3
                        n -= 2
                        continue
                    act = 2
                elif act == 2:
                    log.append(2)
                    act = 0 if n > 5 else 3
                else:
                    log.append(3)
                    n -= 1
                    if n < 0:
                        act = 0
                    else:
                        act = 1
        """

    def run(depth: int, n: int) -> list[int]:
        f = _fn(src)
        threaded = thread_dispatch(f, "act", depth)
        assert threaded == (1 if depth else 0) or depth == 0
        ns: dict[str, Any] = {}
        mod = ast.fix_missing_locations(ast.Module([f], []))
        exec(compile(mod, "<t>", "exec"), ns)
        log: list[int] = []
        ns["k"](log, n)
        return log

    for n in (0, 1, 3, 6, 9):
        assert run(2, n) == run(0, n)
    assert run(0, 3) == [1, 3, 1, 2, 3]
    g = _fn(src)
    thread_dispatch(g, "act", 2)
    assert ast.unparse(g).count("log.append") > ast.unparse(_fn(src)).count("log.append")


@pytest.mark.skipif(not K.HAVE_NUMBA, reason="no numba")
@pytest.mark.parametrize("case", ["cascade", "dup", "tandem"])
def test_specialized_equals_numba_on_rich_networks(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Breakers, fail-open, a fault (cascade), non-idempotent retried writes (dup), and the
    fast path's kernel, specialized."""
    monkeypatch.setattr(runner, "_SPECIALIZE_EVENTS", 0)
    if case == "tandem":
        net, kw = reference_network(), {"n_requests": 5000, "path": "tandem"}
    else:
        net = (
            cascade_network(protected=True) if case == "cascade" else dup_network(idempotent=False)
        )
        kw = {"duration": 12.0, "path": "general"}
    py = run_kernel(net, seed=4, backend="python", **kw)  # type: ignore[arg-type]
    nb = run_kernel(net, seed=4, backend="numba", **kw)  # type: ignore[arg-type]
    assert same(py, nb)
