"""Partial evaluation of the plain-Python kernel for one run's network and parameters.

The kernel tests every feature on every call: ``if nd_fork[n] != 0``, ``th = nd_cbth[ch];
if th > 0``, ``if g >= 0`` (choice groups), ``if n_fw > 0``, ... A network without forks,
breakers or choice groups pays for those tests in CPython on every event (numba pays next
to nothing). Given the run's values, this module folds them away in the kernel's syntax
tree before it is compiled:

- a parameter the kernel only reads (every use is ``p[i]`` or ``len(p)``) whose elements
  are all equal becomes that constant where it is indexed by an expression without side
  effects, and ``len(p)`` its length; a scalar parameter its value;
- *frozen* arrays (state the caller knows will keep its initial, uniform value: with no
  fault windows, the fault state) are read as constants too, and each statement writing one
  becomes ``raise AssertionError``: if the caller was wrong the run fails, it does not
  compute something else;
- then constants fold the usual way: comparisons, arithmetic and ``not`` of constants,
  ``and``/``or`` with constant operands (exactly what Python would return), ``if``/``x if
  c else y``/``while`` with a constant test, an ``if`` whose test is ``pure and ... and
  False``, a ``for`` over an empty constant ``range``, ``x - 0``, and locals whose every
  assignment is the same constant — to a fixpoint.

Nothing changes but which tests run: the operations on the run's values, and their
order, are the same, so the output is bit-identical (the backend tests compare it with
numba's on networks that use each feature).
"""

from __future__ import annotations

import ast
import copy
import operator
import struct
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

Scalar = int | float
_T = TypeVar("_T", bound=ast.AST)

_PURE_CALLS = frozenset({"len", "_len", "int"})
_CMP: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_BIN: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.RShift: operator.rshift,
    ast.LShift: operator.lshift,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
}


def walk(node: ast.AST) -> list[ast.AST]:
    """The nodes of ``node``'s tree (itself first), as :func:`ast.walk` finds them but
    without the ``Load``/``Store`` context markers and in a different order (depth first):
    a few times quicker, and the specialization walks the kernel's tree many times."""
    out: list[ast.AST] = []
    stack = [node]
    pop, push, add = stack.pop, stack.append, out.append
    tree, ctx = ast.AST, ast.expr_context
    while stack:
        n = pop()
        add(n)
        for name in n._fields:
            v = getattr(n, name, None)
            if v.__class__ is list:
                for x in v:
                    if isinstance(x, tree):
                        push(x)
            elif isinstance(v, tree) and not isinstance(v, ctx):
                push(v)
    return out


def fix_locations(tree: _T) -> _T:
    """:func:`ast.fix_missing_locations` (a node without a position takes its parent's),
    about twice as quick: compiling wants a position on every node, and the rewrites make
    thousands without one."""
    stack: list[tuple[ast.AST, int, int, int, int]] = [(tree, 1, 0, 1, 0)]
    pop, push = stack.pop, stack.append
    tree_t, ctx = ast.AST, ast.expr_context
    while stack:
        n, line, col, end_line, end_col = pop()
        if "lineno" in n._attributes:
            d = n.__dict__
            if "lineno" not in d:
                d["lineno"] = line
            else:
                line = d["lineno"]
            if d.get("end_lineno") is None:
                d["end_lineno"] = end_line
            else:
                end_line = d["end_lineno"]
            if "col_offset" not in d:
                d["col_offset"] = col
            else:
                col = d["col_offset"]
            if d.get("end_col_offset") is None:
                d["end_col_offset"] = end_col
            else:
                end_col = d["end_col_offset"]
        for name in n._fields:
            v = getattr(n, name, None)
            if v.__class__ is list:
                for x in v:
                    if isinstance(x, tree_t):
                        push((x, line, col, end_line, end_col))
            elif isinstance(v, tree_t) and not isinstance(v, ctx):
                push((v, line, col, end_line, end_col))
    return tree


def value_key(v: Scalar) -> tuple[type, Any]:
    """Equality of run values as the kernel sees them: type and bits (0.0 is not -0.0)."""
    if isinstance(v, float):
        return float, struct.pack("<d", v)
    return type(v), v


def uniform(values: list[Any]) -> Scalar | None:
    """The one value every element of ``values`` has (ints or floats), else None."""
    if not values or not isinstance(values[0], int | float) or isinstance(values[0], bool):
        return None
    k = value_key(values[0])
    if all(value_key(v) == k for v in values):
        v0: Scalar = values[0]
        return v0
    return None


def read_only_params(f: ast.FunctionDef) -> set[str]:
    """Parameters the kernel only indexes or takes the length of (never writes, never
    passes on)."""
    params = {a.arg for a in f.args.args}
    ok_uses: set[int] = set()
    for node in walk(f):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Name)
        ):
            ok_uses.add(id(node.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("len", "_len")
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
        ):
            ok_uses.add(id(node.args[0]))
    bad = {
        n.id for n in walk(f) if isinstance(n, ast.Name) and n.id in params and id(n) not in ok_uses
    }
    return params - bad


def _pure(e: ast.AST) -> bool:
    for n in walk(e):
        if isinstance(n, ast.NamedExpr | ast.Await | ast.Yield | ast.YieldFrom | ast.Lambda):
            return False
        if isinstance(n, ast.Call) and not (
            isinstance(n.func, ast.Name) and n.func.id in _PURE_CALLS
        ):
            return False
    return True


def _const(e: ast.AST) -> bool:
    return isinstance(e, ast.Constant) and isinstance(e.value, int | float | bool)


def _block(stmts: list[ast.stmt]) -> list[ast.stmt]:
    return stmts or [ast.Pass()]


class _Fold(ast.NodeTransformer):
    def __init__(
        self,
        scalars: Mapping[str, Scalar],
        uniform: Mapping[str, Scalar],
        lengths: Mapping[str, int],
        frozen: set[str],
    ) -> None:
        self.scalars = scalars
        self.uniform = uniform
        self.lengths = lengths
        self.frozen = frozen
        self.changed = 0  # nodes replaced in this pass

    def visit(self, node: ast.AST) -> Any:
        r = super().visit(node)
        if r is not node:
            self.changed += 1
        return r

    def stmts(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in body:
            r = self.visit(s)
            out.extend(r if isinstance(r, list) else [] if r is None else [r])
        return out

    # ---- run values ---------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> Any:
        if isinstance(node.ctx, ast.Load) and node.id in self.scalars:
            return ast.Constant(self.scalars[node.id])
        return node

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        self.generic_visit(node)
        v = node.value
        if (
            isinstance(node.ctx, ast.Load)
            and isinstance(v, ast.Name)
            and v.id in self.uniform
            and _pure(node.slice)
        ):
            return ast.Constant(self.uniform[v.id])
        return node

    def _frozen_write(self, target: ast.expr) -> bool:
        return (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id in self.frozen
        )

    def _raise(self, target: ast.expr) -> ast.stmt:
        assert isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
        msg = f"specialized kernel: {target.value.id} was assumed never written"
        return ast.Raise(ast.Call(ast.Name("AssertionError", ast.Load()), [ast.Constant(msg)], []))

    def visit_Assign(self, node: ast.Assign) -> Any:
        for t in node.targets:
            if self._frozen_write(t):
                return self._raise(t)
        self.generic_visit(node)
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        if self._frozen_write(node.target):
            return self._raise(node.target)
        self.generic_visit(node)
        return node

    # ---- constant expressions --------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> Any:
        self.generic_visit(node)
        f = node.func
        if (
            isinstance(f, ast.Name)
            and f.id in ("len", "_len")
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in self.lengths
        ):
            return ast.Constant(self.lengths[node.args[0].id])
        return node

    def visit_Compare(self, node: ast.Compare) -> Any:
        self.generic_visit(node)
        ops = [node.left, *node.comparators]
        if all(_const(o) for o in ops) and all(type(op) in _CMP for op in node.ops):
            vals = [o.value for o in ops if isinstance(o, ast.Constant)]
            res = all(
                _CMP[type(op)](a, b) for op, a, b in zip(node.ops, vals, vals[1:], strict=False)
            )
            return ast.Constant(res)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        self.generic_visit(node)
        if _const(node.left) and _const(node.right) and type(node.op) in _BIN:
            assert isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant)
            try:
                return ast.Constant(_BIN[type(node.op)](node.left.value, node.right.value))
            except (ArithmeticError, ValueError):
                return node  # it raises at run time, as it did
        r = node.right
        zero = isinstance(r, ast.Constant) and type(r.value) is int and r.value == 0
        if isinstance(node.op, ast.Sub) and zero:
            return node.left  # x - 0 is x, an int or a float (-0.0 - 0 is -0.0)
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        self.generic_visit(node)
        if _const(node.operand):
            assert isinstance(node.operand, ast.Constant)
            v = node.operand.value
            if isinstance(node.op, ast.Not):
                return ast.Constant(not v)
            if isinstance(node.op, ast.USub) and isinstance(v, int | float):
                return ast.Constant(-v)
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        self.generic_visit(node)
        is_and = isinstance(node.op, ast.And)
        out: list[ast.expr] = []
        for i, v in enumerate(node.values):
            if not _const(v):
                out.append(v)
                continue
            assert isinstance(v, ast.Constant)
            decides = not v.value if is_and else bool(v.value)
            if decides:  # `x and False`: what follows never runs, the result is here
                out.append(v)
                break
            if i == len(node.values) - 1:  # `x and True`: the result when x passes
                out.append(v)
            # `True and x`: passes on to x
        if len(out) == 1:
            return out[0]
        if len(out) == len(node.values):
            return node  # nothing folded
        return ast.BoolOp(node.op, out)

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        self.generic_visit(node)
        if _const(node.test):
            assert isinstance(node.test, ast.Constant)
            return node.body if node.test.value else node.orelse
        return node

    # ---- statements ------------------------------------------------------------------
    @staticmethod
    def _never(test: ast.expr) -> bool:
        """``pure and ... and <falsy constant>``: never true, and skipping it changes
        nothing."""
        if not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And)):
            return False
        last = test.values[-1]
        return (
            isinstance(last, ast.Constant)
            and _const(last)
            and not last.value
            and all(_pure(v) for v in test.values[:-1])
        )

    def visit_If(self, node: ast.If) -> Any:
        test = self.visit(node.test)
        if _const(test):
            assert isinstance(test, ast.Constant)
            return self.stmts(node.body if test.value else node.orelse) or None
        if self._never(test):
            return self.stmts(node.orelse) or None
        node.test = test
        node.body = _block(self.stmts(node.body))
        node.orelse = self.stmts(node.orelse)
        return node

    def visit_For(self, node: ast.For) -> Any:
        it = self.visit(node.iter)
        if (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id == "range"
            and not it.keywords
            and 1 <= len(it.args) <= 3
            and all(isinstance(a, ast.Constant) and type(a.value) is int for a in it.args)
        ):
            bounds = [
                a.value for a in it.args if isinstance(a, ast.Constant) and isinstance(a.value, int)
            ]
            # no iteration, the target never bound; range(a, b, 0) raises: left as it is
            if (len(bounds) < 3 or bounds[2] != 0) and not range(*bounds):
                return self.stmts(node.orelse) or None
        node.iter = it
        node.target = self.visit(node.target)
        node.body = _block(self.stmts(node.body))
        node.orelse = self.stmts(node.orelse)
        return node

    def visit_While(self, node: ast.While) -> Any:
        test = self.visit(node.test)
        if _const(test):
            assert isinstance(test, ast.Constant)
            if not test.value:
                return self.stmts(node.orelse) or None
        node.test = test
        node.body = _block(self.stmts(node.body))
        node.orelse = self.stmts(node.orelse)
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        # statement lists flatten (a folded `if` gives several statements or none)
        for field, old in ast.iter_fields(node):
            if isinstance(old, list) and old and isinstance(old[0], ast.stmt):
                new = self.stmts(old)
                setattr(node, field, _block(new) if field == "body" else new)
            elif isinstance(old, list):
                setattr(node, field, [self.visit(x) if isinstance(x, ast.AST) else x for x in old])
            elif isinstance(old, ast.AST):
                setattr(node, field, self.visit(old))
        return node


def _constant_locals(f: ast.FunctionDef, nodes: list[ast.AST]) -> dict[str, Scalar]:
    """Locals whose every binding is ``name = <the same constant>`` (``nodes``: ``f``'s)."""
    params = {a.arg for a in (*f.args.args, *f.args.kwonlyargs)}
    stores: dict[str, int] = {}
    consts: dict[str, list[Any]] = {}
    for n in nodes:
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            stores[n.id] = stores.get(n.id, 0) + 1
        if (
            isinstance(n, ast.Assign)
            and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name)
            and _const(n.value)
        ):
            assert isinstance(n.value, ast.Constant)
            consts.setdefault(n.targets[0].id, []).append(n.value.value)
    out: dict[str, Scalar] = {}
    for name, vals in consts.items():
        if name in params or stores.get(name) != len(vals):
            continue
        if len({value_key(v) for v in vals}) == 1:
            out[name] = vals[0]
    return out


def _drop(stmts: list[ast.stmt], dead: Callable[[ast.stmt], bool]) -> tuple[list[ast.stmt], int]:
    """``stmts`` without the statements, at any depth, for which ``dead`` holds (a body
    left empty becomes ``pass``), and how many went. Only statement lists are visited."""
    out: list[ast.stmt] = []
    n = 0
    for st in stmts:
        if dead(st):
            n += 1
            continue
        for field in _BLOCKS.get(type(st), ()):
            new, k = _drop(getattr(st, field), dead)
            if k:
                setattr(st, field, _block(new) if field == "body" else new)
                n += k
        out.append(st)
    return out, n


_BLOCKS: dict[type, tuple[str, ...]] = {
    ast.If: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.With: ("body",),
    ast.Try: ("body", "orelse", "finalbody"),
}


def _unread(nodes: list[ast.AST], private: set[str]) -> set[str]:
    """The ``private`` arrays nothing of ``nodes`` (a function's) reads: every use is the
    array of an assignment's target (``a[i] = x``, ``a[i] += x``)."""
    written: set[int] = set()
    names: list[ast.Name] = []
    for n in nodes:
        if isinstance(n, ast.Name):
            names.append(n)
            continue
        targets = (
            n.targets
            if isinstance(n, ast.Assign)
            else [n.target]
            if isinstance(n, ast.AugAssign)
            else []
        )
        for t in targets:
            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                written.add(id(t.value))
    read = {n.id for n in names if id(n) not in written}
    return private - read


def _binding(names: set[str]) -> Callable[[ast.stmt], bool]:
    """Is a statement ``name = x`` for a name of ``names``?"""

    def test(st: ast.stmt) -> bool:
        t = st.targets if isinstance(st, ast.Assign) else ()
        return len(t) == 1 and isinstance(t[0], ast.Name) and t[0].id in names

    return test


def _store_into(dead: set[str]) -> Callable[[ast.stmt], bool]:
    """Is a statement ``a[i] = x`` or ``a[i] += x`` into an array of ``dead`` (``i`` and
    ``x`` without side effects)?"""

    def into(t: ast.expr, value: ast.expr) -> bool:
        return (
            isinstance(t, ast.Subscript)
            and isinstance(t.value, ast.Name)
            and t.value.id in dead
            and _pure(t.slice)
            and _pure(value)
        )

    def test(st: ast.stmt) -> bool:
        if isinstance(st, ast.Assign):
            return len(st.targets) == 1 and into(st.targets[0], st.value)
        return isinstance(st, ast.AugAssign) and into(st.target, st.value)

    return test


def specialize(
    f: ast.FunctionDef,
    scalars: Mapping[str, Scalar],
    uniform: Mapping[str, Scalar],
    lengths: Mapping[str, int],
    frozen: Mapping[str, Scalar],
    private: frozenset[str] = frozenset(),
) -> ast.FunctionDef:
    """``f`` (modified in place) with the run's values folded in: ``scalars`` by name,
    ``uniform`` read-only lists by element, ``lengths`` of read-only lists, ``frozen``
    arrays by element (their writes raise). The caller checks that ``uniform`` and
    ``lengths`` name read-only parameters (:func:`read_only_params`). ``private`` arrays
    are the kernel's own scratch (nobody else reads them): writes into one the folded
    kernel no longer reads are dropped."""
    fold = _Fold(scalars, {**uniform, **frozen}, lengths, set(frozen))
    # the parameters stay (the caller passes them all); only their reads are folded
    for _ in range(20):
        fold.changed = 0
        f.body = _block(fold.stmts(f.body))
        changed = fold.changed
        nodes = walk(f)
        known = _constant_locals(f, nodes)
        if known:
            body, _ = _drop(f.body, _binding(set(known)))
            f.body = _block(body)
            fold.scalars = {**fold.scalars, **known}
            changed += 1
            nodes = walk(f)
        dead = _unread(nodes, set(private))
        if dead:
            body, dropped = _drop(f.body, _store_into(dead))
            f.body = _block(body)
            changed += dropped
        if not changed:
            break
    return f


# ---- jump threading of the kernel's same-instant state machine ------------------------
def _spine(block: list[ast.stmt]) -> list[ast.stmt]:
    """A copy of ``block`` as far as :meth:`_Threader.thread` changes it: the list and,
    recursively, its final ``if`` (both ways out of it); the other statements are shared.
    The compiler reads a tree that shares subtrees as if each use were a copy of its own,
    and no pass changes the tree after the threading: a deep copy per copy of a branch
    was most of the threading's time."""
    out = list(block)
    if out and isinstance(out[-1], ast.If):
        last = copy.copy(out[-1])
        last.body = _spine(last.body)
        last.orelse = _spine(last.orelse)
        out[-1] = last
    return out


def _sets(s: ast.stmt, var: str) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == var and not isinstance(n.ctx, ast.Load) for n in walk(s)
    )


def _dispatch(loop: ast.While, var: str) -> tuple[Any, dict[Any, list[ast.stmt]], list[ast.stmt]]:
    """``while var != c0: if var == c1: ... elif var == c2: ... else: ...`` → (c0, {c:
    body}, else body); ValueError for any other shape."""
    t = loop.test
    if not (
        isinstance(t, ast.Compare)
        and isinstance(t.left, ast.Name)
        and t.left.id == var
        and isinstance(t.ops[0], ast.NotEq)
        and len(t.ops) == 1
        and isinstance(t.comparators[0], ast.Constant)
        and len(loop.body) == 1
        and isinstance(loop.body[0], ast.If)
        and not loop.orelse
    ):
        raise ValueError("not a dispatch loop")
    c0 = t.comparators[0].value
    branches: dict[Any, list[ast.stmt]] = {}
    node: ast.If = loop.body[0]
    while True:
        c = node.test
        if not (
            isinstance(c, ast.Compare)
            and isinstance(c.left, ast.Name)
            and c.left.id == var
            and len(c.ops) == 1
            and isinstance(c.ops[0], ast.Eq)
            and isinstance(c.comparators[0], ast.Constant)
        ):
            raise ValueError("not a dispatch loop")
        branches.setdefault(c.comparators[0].value, node.body)
        if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            node = node.orelse[0]
            continue
        return c0, branches, node.orelse


class _Threader:
    """Threads the branches of one dispatch loop (see :func:`thread_dispatch`)."""

    def __init__(
        self, var: str, c0: Any, branches: dict[Any, list[ast.stmt]], other: list[ast.stmt]
    ) -> None:
        self.var = var
        self.c0 = c0
        self.templates = {c: _spine(b) for c, b in branches.items()}
        self.other = _spine(other)

    def target(self, c: Any) -> list[ast.stmt] | None:
        """A copy (:func:`_spine`) of the branch that ``var = c`` leads to (None: the loop
        ends)."""
        if c == self.c0:
            return None
        body = self.templates.get(c, self.other)
        return _spine(body) if body else None

    def _plain(self, s: ast.stmt) -> bool:
        return isinstance(s, ast.Assign | ast.AugAssign | ast.Expr) and not _sets(s, self.var)

    def thread(self, block: list[ast.stmt], d: int) -> list[ast.stmt]:
        if d == 0 or not block:
            return block
        last = block[-1]
        if isinstance(last, ast.If):  # both ways out of a final `if` end the branch
            last.body = self.thread(last.body, d)
            last.orelse = self.thread(last.orelse, d)
            return block
        # a `continue` at the branch's level goes round the loop, as falling off its end does
        trail = block[:-1] if isinstance(last, ast.Continue) else block
        for i in range(len(trail) - 1, -1, -1):
            s = trail[i]
            if (
                isinstance(s, ast.Assign)
                and len(s.targets) == 1
                and isinstance(s.targets[0], ast.Name)
                and s.targets[0].id == self.var
            ):
                body = self.target(s.value.value) if isinstance(s.value, ast.Constant) else None
                if body is None:
                    return block
                return trail + self.thread(body, d - 1)
            if not self._plain(s):
                return block
        return block


def thread_dispatch(f: ast.FunctionDef, var: str, depth: int) -> int:
    """Jump threading of ``f``'s state machine ``while var != c0: if var == c1: ...``:
    where a branch ends by setting ``var = c`` (then only plain assignments or calls), a
    copy of the branch for ``c`` follows in place, instead of going round the loop and down
    the ``elif`` chain to it (up to ``depth`` copies deep). What runs is the same
    statements in the same order, minus the loop's tests. Returns the loops threaded."""
    done = 0
    for loop in [n for n in walk(f) if isinstance(n, ast.While)]:
        try:
            c0, branches, other = _dispatch(loop, var)
        except ValueError:
            continue
        th = _Threader(var, c0, branches, other)
        for body in [*branches.values(), other]:
            body[:] = th.thread(body, depth)
        done += 1
    return done


# ---- a stop flag's tests where it cannot be set ---------------------------------------
def _flag_test(s: ast.stmt, var: str) -> bool:
    """Is ``s`` exactly ``if var != 0: break``?"""
    t = s.test if isinstance(s, ast.If) else None
    return (
        isinstance(s, ast.If)
        and isinstance(t, ast.Compare)
        and isinstance(t.left, ast.Name)
        and t.left.id == var
        and len(t.ops) == 1
        and isinstance(t.ops[0], ast.NotEq)
        and isinstance(t.comparators[0], ast.Constant)
        and type(t.comparators[0].value) is int
        and t.comparators[0].value == 0
        and len(s.body) == 1
        and isinstance(s.body[0], ast.Break)
        and not s.orelse
    )


def drop_flag_tests(f: ast.FunctionDef, var: str) -> int:
    """Remove the tests ``if var != 0: break`` that cannot be true. ``var`` (a stop flag,
    ``status`` in the kernels) must be a local first set to 0 at the top level, then only
    set by ``var = <int>`` where, unless it is 0, a ``break`` follows at once. Such a break
    leaves its loop with ``var`` non-zero; so does a kept test's; every loop left so must
    be followed at once by a test (kept: it passes the stop on), or be at the top level with
    no loop after it. Then ``var`` is 0 everywhere else, and a test anywhere else (after a
    loop whose stops the specialization folded away, for one) never breaks. Returns the
    tests removed (0, changing nothing, when ``var`` is used otherwise)."""
    if var in {a.arg for a in (*f.args.args, *f.args.kwonlyargs)}:
        return 0
    first = next(
        (s for s in f.body if any(isinstance(n, ast.Name) and n.id == var for n in walk(s))),
        None,
    )
    if not (
        isinstance(first, ast.Assign)
        and len(first.targets) == 1
        and _is_var(first.targets[0], var)
        and isinstance(first.value, ast.Constant)
        and type(first.value.value) is int
        and first.value.value == 0
    ):
        return 0
    # every block of statements, each with its innermost enclosing loop
    stops: set[int] = set()  # ids of loops left with var non-zero
    tests: list[tuple[list[ast.stmt], int]] = []  # flag tests: (block, index)
    blocks: list[tuple[list[ast.stmt], ast.stmt | None]] = [(f.body, None)]
    assigns = 0
    while blocks:
        block, loop = blocks.pop()
        for i, s in enumerate(block):
            if _flag_test(s, var):
                tests.append((block, i))
                if loop is None:
                    return 0  # a break outside a loop: not this kernel's shape
                stops.add(id(loop))
                continue
            if isinstance(s, ast.Assign) and any(_is_var(t, var) for t in s.targets):
                if not (
                    len(s.targets) == 1
                    and isinstance(s.value, ast.Constant)
                    and type(s.value.value) is int
                ):
                    return 0
                assigns += 1
                if s.value.value != 0:
                    if loop is None or i + 1 >= len(block):
                        return 0
                    if not isinstance(block[i + 1], ast.Break):
                        return 0
                    stops.add(id(loop))
                continue
            for n in walk(s) if not isinstance(s, ast.While | ast.For | ast.If) else ():
                if isinstance(n, ast.Name) and n.id == var and not isinstance(n.ctx, ast.Load):
                    return 0  # set some other way
            if isinstance(s, ast.While | ast.For):
                if _sets_var(s.target if isinstance(s, ast.For) else None, var):
                    return 0
                blocks += [(s.body, s), (s.orelse, loop)]
                if isinstance(s, ast.While) and _sets_var(s.test, var):
                    return 0
            elif isinstance(s, ast.If):
                if _sets_var(s.test, var):
                    return 0
                blocks += [(s.body, loop), (s.orelse, loop)]
            elif isinstance(s, ast.With | ast.Try | ast.FunctionDef | ast.ClassDef):
                return 0
    # every loop left with var set: followed by a test, or last at the top level
    for block in _blocks(f):
        for i, s in enumerate(block):
            if id(s) not in stops:
                continue
            if i + 1 < len(block) and _flag_test(block[i + 1], var):
                continue
            if block is f.body and not any(
                isinstance(n, ast.While | ast.For) for later in block[i + 1 :] for n in walk(later)
            ):
                continue
            return 0
    kept = {
        (id(block), i)
        for block, i in tests
        if i > 0 and isinstance(block[i - 1], ast.While | ast.For) and id(block[i - 1]) in stops
    }
    dropped = 0
    for block, i in sorted(tests, key=lambda t: -t[1]):  # from the back of each block
        if (id(block), i) not in kept:
            del block[i]
            dropped += 1
            if not block:
                block.append(ast.Pass())
    return dropped


def _is_var(e: ast.AST, var: str) -> bool:
    return isinstance(e, ast.Name) and e.id == var


def _sets_var(e: ast.AST | None, var: str) -> bool:
    return e is not None and any(
        isinstance(n, ast.Name) and n.id == var and not isinstance(n.ctx, ast.Load) for n in walk(e)
    )


def _blocks(f: ast.FunctionDef) -> list[list[ast.stmt]]:
    """Every statement list in ``f`` (bodies and else parts)."""
    out: list[list[ast.stmt]] = [f.body]
    for n in walk(f):
        if isinstance(n, ast.stmt) and n is not f:
            for field in ("body", "orelse", "finalbody"):
                b = getattr(n, field, None)
                if isinstance(b, list):
                    out.append(b)
    return out
