"""The kernels as plain Python runs them: :mod:`.kernel`'s source, rewritten at first use.

``kernel._kernel`` and ``kernel._kernel_tandem`` stay the one source of the semantics. For
numba they call small helpers (the array heap, the stream, the histogram bucket) that
numba inlines; CPython pays a frame for each such call, a dictionary look-up for each
module constant (``A_ISSUE``, ``N_CNT``, ...) and for ``math.log``, and a call for each
``min`` and ``max`` of two floats — a few microseconds an event, most of the plain-Python
kernel's time besides the bytecode of the semantics themselves. This module parses the
kernel's source and rewrites only how those are spelt, then compiles it once:

- module constants become literals, and ``if _PF and ...`` (prefetch hints) goes;
- the heap is a ``heapq`` list of ``(time, sequence, kind, entity, aux)`` tuples, pushed
  and popped in line: the kernel's code ``entity * 8 + kind`` travels as its two fields,
  which the pop unpacks where the kernel computed ``code & 7`` and ``code >> 3``; its
  size is ``len(hT)`` and the sequence counter ``hN[1]`` a local (both written back to
  ``hN`` when the kernel returns). The list never fills, so a push's ``if not
  _hpush(...): <overflow>`` is the push alone, and the pool-grow test's ``hN[0] + grow_at
  > hN[2]`` (is the array heap nearly full?) is False;
- ``min(a, b)`` / ``max(a, b)`` become ``b if b < a else a`` / ``b if b > a else a``
  (what the builtins return, for any values), ``_bucket(v)`` the body of
  ``kernel._bucket_py`` as one expression (a frame per call, twice a request);
  ``math.f`` and the other helpers are locals.

Then, per run, :mod:`.specialize` folds the network's and the run's values into it (a
network without breakers runs no breaker test), drops writes into call-pool fields the
folded kernel never reads and the ``status`` tests that can no longer be true, and threads
the same-instant action loop three branches deep; the compiled code is cached per network
and parameters (the compile, ~0.3 s for the reference network, is paid once a process).

Anything else the rewrite does not recognise (a helper used another way, a ``return``
inside the kernel) raises, so a change to the kernel that this module would get wrong fails
at once (the backend tests run every path) rather than computing something else. Output is
bit-identical to the numba backend's, as before: same operations on the same doubles in
the same order.
"""

from __future__ import annotations

import ast
import builtins
import copy
import gc
import heapq
import inspect
import linecache
import math
import textwrap
import types
from collections.abc import Callable, Mapping
from typing import Any

from archproof.passes.simulate import kernel as K
from archproof.passes.simulate.rows import ROWS
from archproof.passes.simulate.specialize import (
    Scalar,
    drop_flag_tests,
    fix_locations,
    read_only_params,
    specialize,
    thread_dispatch,
    uniform,
    value_key,
    walk,
)

# the kernel's locals standing for helpers: name → value (bound as keyword defaults)
_MATH = ("log", "sqrt", "exp", "cos")
# kernel._bucket_py as an expression of v ({b}: a fresh local); a test holds them equal
_BUCKET = (
    "0 if v < HIST_MIN else"
    " NBUCK - 1 if ({b} := 1 + int(math.log(v / HIST_MIN) * HIST_INV_LOG)) >= NBUCK else {b}"
)


def _constants() -> dict[str, Any]:
    """Module constants of :mod:`.kernel` the kernels read (ints and floats in capitals)."""
    return {
        n: v
        for n, v in vars(K).items()
        if n.isupper() and isinstance(v, int | float) and not isinstance(v, bool)
    }


def _is_name(e: ast.AST, name: str) -> bool:
    return isinstance(e, ast.Name) and e.id == name


def _is_call(e: ast.AST, name: str) -> bool:
    return isinstance(e, ast.Call) and _is_name(e.func, name)


def _hn(e: ast.AST, i: int) -> bool:
    """Is ``e`` the subscript ``hN[i]``?"""
    return (
        isinstance(e, ast.Subscript)
        and _is_name(e.value, "hN")
        and isinstance(e.slice, ast.Constant)
        and e.slice.value == i
    )


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _int_const(e: ast.AST, lo: int, hi: int) -> bool:
    return isinstance(e, ast.Constant) and type(e.value) is int and lo <= e.value < hi


def _split(code: ast.expr) -> tuple[ast.expr, ast.expr]:
    """A heap code ``entity * 8 + kind`` as (kind, entity): what the kernel takes out of a
    popped code with ``code & 7`` and ``code >> 3``, pushed as two fields of the row. The
    entity is an index (an int), so ``(x * 8 + k) >> 3`` is ``x`` for ``0 <= k < 8``."""
    if (
        isinstance(code, ast.BinOp)
        and isinstance(code.op, ast.Add)
        and _int_const(code.right, 0, 8)
        and isinstance(code.left, ast.BinOp)
        and isinstance(code.left.op, ast.Mult)
        and _int_const(code.left.right, 8, 9)
    ):
        return code.right, code.left.left
    return ast.BinOp(code, ast.BitAnd(), ast.Constant(7)), ast.BinOp(
        copy.deepcopy(code), ast.RShift(), ast.Constant(3)
    )


def _pop_into_fields(f: ast.FunctionDef, popped: set[str]) -> None:
    """No popped code may be read but as ``code & 7`` or ``code >> 3`` (rewritten as its
    fields, see _Rewrite.visit_BinOp); then a pop followed by ``kind = _hkind`` (or ``ent =
    _hent``), that field's only read, pops straight into ``kind``."""
    reads: dict[str, int] = {}
    blocks: list[list[ast.stmt]] = []
    for n in walk(f):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            if n.id in popped:
                raise ValueError(f"a popped code read other than as {n.id} & 7 or >> 3")
            reads[n.id] = reads.get(n.id, 0) + 1
        elif isinstance(n, ast.stmt):
            blocks += [b for b in (getattr(n, "body", None), getattr(n, "orelse", None)) if b]
    for block in blocks:
        for i, st in enumerate(block):
            if not (isinstance(st, ast.Assign) and _is_call(st.value, "_heappop")):
                continue
            (tgt,) = st.targets
            assert isinstance(tgt, ast.Tuple)
            while i + 1 < len(block):
                nxt = block[i + 1]
                if not (
                    isinstance(nxt, ast.Assign)
                    and len(nxt.targets) == 1
                    and isinstance(nxt.targets[0], ast.Name)
                    and isinstance(nxt.value, ast.Name)
                    and nxt.value.id in ("_hkind", "_hent")
                    and reads[nxt.value.id] == 1
                    and not any(_is_name(e, nxt.targets[0].id) for e in tgt.elts)
                ):
                    break
                k = 2 if nxt.value.id == "_hkind" else 3
                tgt.elts[k] = ast.Name(nxt.targets[0].id, ast.Store())
                del block[i + 1]


class _Rewrite(ast.NodeTransformer):
    def __init__(self, consts: dict[str, Any]) -> None:
        self.consts = consts
        self.tmp = 0
        self.popped: set[str] = set()  # names the heap's codes are popped into

    # ---- heap pushes: statements, whose overflow test can never be true --------------
    def _push(self, call: ast.Call) -> list[ast.stmt]:
        """``_hpush(hT, hS, hC, hA, hN, t, code, aux)`` / ``_hpush_at(..., t, seq, code,
        aux)`` → ``heappush(hT, (t, seq, kind, entity, aux))`` (after ``_seq += 1`` for
        _hpush; see _split)."""
        args = [self.visit(a) for a in call.args]
        for a in args[5:]:
            for sub in walk(a):  # the arguments are read after _seq moves
                if isinstance(sub, ast.Call) or _is_name(sub, "_seq"):
                    raise ValueError("a heap push argument with side effects")
        out: list[ast.stmt] = []
        if _is_name(call.func, "_hpush"):
            if len(args) != 8:
                raise ValueError("_hpush takes 8 arguments")
            out.append(ast.AugAssign(ast.Name("_seq", ast.Store()), ast.Add(), ast.Constant(1)))
            row = [args[5], _load("_seq"), *_split(args[6]), args[7]]
        else:
            if len(args) != 9:
                raise ValueError("_hpush_at takes 9 arguments")
            row = [args[5], args[6], *_split(args[7]), args[8]]
        push = ast.Call(_load("_heappush"), [_load("hT"), ast.Tuple(row, ast.Load())], [])
        out.append(ast.Expr(push))
        return out

    def _stmts(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in stmts:
            r = self.visit(s)
            out.extend(r if isinstance(r, list) else [] if r is None else [r])
        return out

    @staticmethod
    def _pushes(e: ast.expr) -> ast.Call | None:
        if _is_call(e, "_hpush") or _is_call(e, "_hpush_at"):
            assert isinstance(e, ast.Call)
            return e
        return None

    def visit_If(self, node: ast.If) -> Any:
        t = node.test
        # `if _PF and ...:` — prefetch hints, numba only
        if isinstance(t, ast.BoolOp) and isinstance(t.op, ast.And) and _is_name(t.values[0], "_PF"):
            return self._stmts(node.orelse) or None
        # `if not _hpush(...): <overflow>`
        if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not):
            call = self._pushes(t.operand)
            if call is not None:
                return self._push(call) + self._stmts(node.orelse)
        # `if c1 and c2 and not _hpush(...): <overflow>` → `if c1 and c2: push`
        if isinstance(t, ast.BoolOp) and isinstance(t.op, ast.And):
            last = t.values[-1]
            if isinstance(last, ast.UnaryOp) and isinstance(last.op, ast.Not):
                call = self._pushes(last.operand)
                if call is not None:
                    if node.orelse:
                        raise ValueError("a heap push test with an else branch")
                    rest = t.values[:-1]
                    test = rest[0] if len(rest) == 1 else ast.BoolOp(ast.And(), rest)
                    return ast.If(self.visit(test), self._push(call), [])
        self.generic_visit(node)
        t = node.test
        if isinstance(t, ast.BoolOp) and isinstance(t.op, ast.Or):  # `a or False`: as true as a
            keep = [v for v in t.values if not (isinstance(v, ast.Constant) and not v.value)]
            node.test = ast.BoolOp(ast.Or(), keep) if len(keep) > 1 else keep[0] if keep else t
        return node

    def visit_Expr(self, node: ast.Expr) -> Any:
        if _is_call(node.value, "_seed"):
            return None  # the Python stream is seeded when it is made (python_kernel)
        call = self._pushes(node.value)
        if call is not None:
            return self._push(call)
        self.generic_visit(node)
        return node

    # ---- heap pop: `now, code, aux = _hpop(...)` → `now, _hseq, _hkind, _hent, aux = ...`
    def visit_Assign(self, node: ast.Assign) -> Any:
        if _is_call(node.value, "_hpop"):
            (tgt,) = node.targets
            if not (isinstance(tgt, ast.Tuple) and len(tgt.elts) == 3):
                raise ValueError("_hpop's result unpacked other than into three names")
            code = tgt.elts[1]
            if not isinstance(code, ast.Name):
                raise ValueError("_hpop's code unpacked other than into a name")
            self.popped.add(code.id)
            elts = [tgt.elts[0], ast.Name("_hseq", ast.Store())]
            elts += [ast.Name("_hkind", ast.Store()), ast.Name("_hent", ast.Store()), tgt.elts[2]]
            pop = ast.Call(_load("_heappop"), [_load("hT")], [])
            return ast.Assign([ast.Tuple(elts, ast.Store())], pop)
        if len(node.targets) == 1 and _hn(node.targets[0], 1):
            return ast.Assign([ast.Name("_seq", ast.Store())], self.visit(node.value))
        self.generic_visit(node)
        return node

    def visit_Compare(self, node: ast.Compare) -> Any:
        # `hN[0] == 0` → `not hT`
        if (
            _hn(node.left, 0)
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.Eq)
            and isinstance(node.comparators[0], ast.Constant)
            and node.comparators[0].value == 0
        ):
            return ast.UnaryOp(ast.Not(), _load("hT"))
        # `<size> > hN[2]`: would the array heap be full? The list never fills
        if (
            len(node.ops) == 1
            and isinstance(node.ops[0], ast.Gt)
            and _hn(node.comparators[0], 2)
            and not any(isinstance(n, ast.Call | ast.NamedExpr) for n in walk(node.left))
        ):
            return ast.Constant(False)
        self.generic_visit(node)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        if _is_name(node.value, "hN"):
            if not isinstance(node.ctx, ast.Load):
                raise ValueError("the kernel writes hN other than hN[1] = ...")
            if _hn(node, 0):
                return ast.Call(_load("_len"), [_load("hT")], [])
            if _hn(node, 1):
                return _load("_seq")
            if _hn(node, 2):
                return _load("_hcap")
            raise ValueError("hN indexed other than by 0, 1 or 2")
        self.generic_visit(node)
        return node

    # ---- min/max of two, math and constants ------------------------------------------
    def _once(self, e: ast.expr) -> tuple[ast.expr, ast.expr]:
        """(first use, later use) of ``e`` evaluated once: a walrus unless it is simple."""
        if isinstance(e, ast.Name | ast.Constant):
            return e, e
        self.tmp += 1
        name = f"_m{self.tmp}"
        return ast.NamedExpr(ast.Name(name, ast.Store()), e), _load(name)

    def visit_Call(self, node: ast.Call) -> Any:
        if _is_call(node, "_hpop") or self._pushes(node) is not None:
            raise ValueError("a heap helper used other than as a statement")
        if _is_call(node, "_bucket"):
            if len(node.args) != 1 or node.keywords:
                raise ValueError("_bucket takes one argument")
            return self._bucket(self.visit(node.args[0]))
        fn = node.func
        if isinstance(fn, ast.Name) and fn.id in ("min", "max") and len(node.args) == 2:
            if node.keywords:
                raise ValueError("min/max with keywords")
            a, b = (self.visit(x) for x in node.args)
            for sub in walk(ast.Tuple([a, b], ast.Load())):
                if isinstance(sub, ast.Call) and not _is_name(sub.func, "_len"):
                    raise ValueError("min/max of an expression with a call")
            # b is evaluated before a here (the test comes first): neither has effects
            b1, b2 = self._once(b)
            a1, a2 = self._once(a)
            op: ast.cmpop = ast.Lt() if fn.id == "min" else ast.Gt()
            return ast.IfExp(ast.Compare(b1, [op], [a1]), b2, a2)
        self.generic_visit(node)
        return node

    def _bucket(self, v: ast.expr) -> ast.expr:
        """``_bucket(v)`` in line (a call costs a frame, the work itself a log): the body of
        :func:`.kernel._bucket_py` as one expression, ``v`` evaluated once."""
        if isinstance(v, ast.Name | ast.Constant):
            first: ast.expr = v
            later: ast.expr = v
        else:
            self.tmp += 1
            first, later = (
                ast.NamedExpr(ast.Name(f"_m{self.tmp}", ast.Store()), v),
                _load(f"_m{self.tmp}"),
            )
        self.tmp += 1
        b = f"_m{self.tmp}"
        e = self.visit(ast.parse(_BUCKET.format(b=b), mode="eval").body)
        for n in walk(e):  # the value: its first use (the test) is the one evaluated first
            if isinstance(n, ast.Compare) and _is_name(n.left, "v"):
                n.left = first
            elif isinstance(n, ast.BinOp) and _is_name(n.left, "v"):
                n.left = later
        assert isinstance(e, ast.expr)
        return e

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        # a popped code's `code & 7` and `code >> 3` are the row's kind and entity fields
        self.generic_visit(node)
        if isinstance(node.left, ast.Name) and node.left.id in self.popped:
            if isinstance(node.op, ast.BitAnd) and _int_const(node.right, 7, 8):
                return _load("_hkind")
            if isinstance(node.op, ast.RShift) and _int_const(node.right, 3, 4):
                return _load("_hent")
        return node

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if _is_name(node.value, "math"):
            if node.attr == "pi":
                return ast.Constant(math.pi)
            if node.attr in _MATH:
                return _load(f"_{node.attr}")
            raise ValueError(f"math.{node.attr} is not bound for the Python kernel")
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> Any:
        if isinstance(node.ctx, ast.Load):
            if node.id == "_PF":
                return ast.Constant(False)
            if node.id in self.consts:
                return ast.Constant(self.consts[node.id])
        return node

    def visit_Return(self, node: ast.Return) -> Any:
        raise ValueError("a return inside the kernel skips writing hN back")


def _source(fn: Callable[..., None]) -> ast.FunctionDef:
    """``fn``'s definition, parsed. A module-level function is found in its module's tree:
    ``inspect.getsource(fn)`` tokenizes the module to find where ``fn`` ends (~0.1 s for
    :mod:`.kernel`), parsing the whole module takes a fifth of that."""
    if "." not in fn.__qualname__:
        module = inspect.getmodule(fn)
        if module is not None:
            for node in ast.parse(inspect.getsource(module)).body:
                if isinstance(node, ast.FunctionDef) and node.name == fn.__name__:
                    return node
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    f = tree.body[0]
    assert isinstance(f, ast.FunctionDef)
    return f


def rewrite(fn: Callable[..., None]) -> ast.Module:
    """The plain-Python form of kernel ``fn``: a module defining ``<name>_python``, whose
    keyword-only parameters (with no defaults yet) are the helpers it reads as locals."""
    f = _source(fn)
    consts = _constants()
    stored = {n.id for n in walk(f) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    clash = stored & set(consts)
    if clash:  # pragma: no cover - a kernel assigning a module constant's name
        raise ValueError(f"the kernel assigns module constants: {sorted(clash)}")
    rw = _Rewrite(consts)
    body = rw._stmts(f.body)
    f.body = body
    _pop_into_fields(f, rw.popped)
    body = f.body
    # the heap's sequence counter and capacity as locals; both written back at the end
    # (the kernel's only exit: `return` is refused above)
    head = ast.parse("_seq = hN[1]\n_hcap = hN[2]").body
    tail = ast.parse("hN[0] = _len(hT)\nhN[1] = _seq").body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = [body[0], *head, *body[1:], *tail]  # after the docstring
    else:  # pragma: no cover - both kernels have a docstring
        body = [*head, *body, *tail]
    f.body = body
    f.name = f"{f.name}_python"
    f.decorator_list = []
    f.returns = None
    for a in f.args.args:
        a.annotation = None
    helpers = ["_rand", "_bucket", "_heappush", "_heappop", "_len", *(f"_{m}" for m in _MATH)]
    f.args.kwonlyargs = [ast.arg(h) for h in helpers]
    known = set(helpers) | {a.arg for a in f.args.args} | set(dir(builtins))
    stored |= {"_seq", "_hcap", "_hseq", "_hkind", "_hent"} | {f"_m{i + 1}" for i in range(rw.tmp)}
    loose = sorted(
        {n.id for n in walk(f) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        - known
        - stored
    )
    if loose:
        raise ValueError(f"the kernel reads names the Python kernel does not bind: {loose}")
    f.args.kw_defaults = [None] * len(helpers)
    mod = ast.Module([f], [])
    return fix_locations(mod)


# with no fault windows these keep their initial values (only a window's edges change
# them); the specialized kernel reads them as constants and raises if one is written
_FAULT_STATE = ("s_down", "s_lost", "s_slow", "s_ferr")
# the call pool: the kernel's own (the runner allocates and grows it, nobody reads it)
_PRIVATE = frozenset(name for name, _ in ROWS["call"] if not name.startswith("_"))
_THREAD_DEPTH = 3  # same-instant actions threaded into the one before (see thread_dispatch)
_SOURCE: dict[str, tuple[str, set[str], set[str]]] = {}
_CODE: dict[tuple[Any, ...], types.CodeType] = {}
_CODE_MAX = 64  # specializations kept (one per network and run parameters)


def _rewritten(which: str) -> tuple[str, set[str], set[str]]:
    """Kernel ``which`` rewritten for CPython (source), its read-only parameters and the
    parameters it never assigns."""
    if which not in _SOURCE:
        f = rewrite(K._KERNELS[which]).body[0]
        assert isinstance(f, ast.FunctionDef)
        stored = {
            n.id for n in walk(f) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
        }
        params = {a.arg for a in f.args.args}
        text = ast.unparse(f)
        name = _filename(which)
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        _SOURCE[which] = (text, read_only_params(f), params - stored)
    return _SOURCE[which]


def _plan(
    which: str, args: Mapping[str, Any]
) -> tuple[dict[str, Scalar], dict[str, Scalar], dict[str, int], dict[str, Scalar]]:
    """What :func:`.specialize.specialize` folds for a run with these arguments."""
    _, read_only, unassigned = _rewritten(which)
    scalars: dict[str, Scalar] = {}
    same: dict[str, Scalar] = {}
    lengths: dict[str, int] = {}
    for name in sorted(unassigned):
        v = args[name]
        if name == "seed":
            continue  # the stream is seeded outside; one compile serves every seed
        if isinstance(v, int | float) and not isinstance(v, bool):
            scalars[name] = v
        elif isinstance(v, list) and name in read_only:
            lengths[name] = len(v)
            u = uniform(v)
            if u is not None:
                same[name] = u
    frozen: dict[str, Scalar] = {}
    if not args["fw_station"]:
        for name in _FAULT_STATE:
            u = uniform(args[name])
            if u is not None:
                frozen[name] = u
    return scalars, same, lengths, frozen


def _key(which: str, args: Mapping[str, Any]) -> tuple[Any, ...]:
    plan = _plan(which, args)
    return (which, *(tuple((n, value_key(v)) for n, v in sorted(d.items())) for d in plan))


def is_compiled(which: str, args: Mapping[str, Any]) -> bool:
    """Is the kernel for a run with ``args`` compiled already (no cost to use it)?"""
    return which in _SOURCE and _key(which, args) in _CODE


def _code(which: str, args: Mapping[str, Any]) -> types.CodeType:
    # the syntax trees are tens of thousands of objects, made and dropped, none in a cycle:
    # the cyclic collector's passes over them (and over all the process holds) took up to
    # a third of the compile
    was = gc.isenabled()
    gc.disable()
    try:
        key = _key(which, args)
        if key not in _CODE:
            if len(_CODE) >= _CODE_MAX:
                _CODE.clear()
            _CODE[key] = _compile(which, args)
        return _CODE[key]
    finally:
        if was:
            gc.enable()


def _compile(which: str, args: Mapping[str, Any]) -> types.CodeType:
    """Kernel ``which`` specialized for a run with ``args``, compiled."""
    src, _, _ = _rewritten(which)
    f = ast.parse(src).body[0]
    assert isinstance(f, ast.FunctionDef)
    f = specialize(f, *_plan(which, args), private=_PRIVATE)
    drop_flag_tests(f, "status")
    thread_dispatch(f, "act", _THREAD_DEPTH)
    # compiled from the tree: its line numbers are those of the rewritten source, which
    # tracebacks show (see _rewritten)
    mod = fix_locations(ast.Module([f], []))
    return compile(mod, _filename(which), "exec")


def _filename(which: str) -> str:
    return f"<archproof python kernel {which}>"


def python_kernel(which: str, seed: int, args: Mapping[str, Any]) -> Callable[..., None]:
    """Kernel ``which`` (``"general"`` or ``"tandem"``) for plain Python, over lists,
    specialized for a run with ``args`` (the kernel's arguments by name: the network and
    run parameters it folds in must be the ones passed on every call), with its own stream
    seeded as numba's ``np.random.seed(seed)`` would be (its state persists across the
    calls that resume a run)."""
    fn = K._KERNELS[which]
    ns: dict[str, Any] = {}
    exec(_code(which, args), {"__builtins__": __builtins__}, ns)  # our own kernel, rewritten
    kern: Any = ns[f"{fn.__name__}_python"]
    kern.__kwdefaults__ = {
        "_rand": K.python_rng(seed).random,
        "_bucket": K._bucket_py,
        "_heappush": heapq.heappush,
        "_heappop": heapq.heappop,
        "_len": len,
        **{f"_{m}": getattr(math, m) for m in _MATH},
    }
    kernel: Callable[..., None] = kern
    return kernel
