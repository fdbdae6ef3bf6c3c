"""The general kernel's pools as rows, and the kernel rewritten to index them.

A call's fields (or a timeout entry's, a work entry's) sit side by side in one record, so
an event that touches a call touches its row's two cache lines, not one line per field: on
the chat drill, with 445k calls in flight, one array per field missed the cache on nearly
every field access. Fields that stay small (nodes, slots, flags, counts within a call) are
int32 so a call fits 128 bytes; generations, sequence numbers and times stay 64-bit.

numba runs the general kernel over rows from the start, as :mod:`._kernel_rows`, which
this module generates from ``kernel._kernel``: the same
function, each ``c_gen[k]`` rewritten to ``c_gen[k * 16 + 0]`` on a C-contiguous view of
the whole pool in the field's type (``c_gen`` for the 64-bit integers, ``c_t0`` for the
floats, ``c_node`` for the 32-bit integers). Through one strided view per field numba
reloaded each view's base and stride from the stack and multiplied on every access; a
row is now a constant offset from one of three bases. The semantics stay in
``kernel._kernel`` alone: the rewrite only changes how an element is addressed, and a test
regenerates the module and checks it is current (``python -m
archproof.passes.simulate.rows`` writes it).

Before this module, runs started with one array per field and packed into strided views
at their first grow, because the strided views cost 10-15 % while everything was in
cache. At constant offsets rows cost nothing there: started packed, the reference network
with a timeout, url_shortener and news_feed ran 0.90x, 0.85-0.95x and 0.70x the CPU of
starting unpacked (same run), and one compilation of the kernel serves a run, not two.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import inspect
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np

from archproof.passes.simulate import kernel as K

# first line of a call: what a call's start, queueing, service end and finish touch
ROWS: dict[str, tuple[tuple[str, str], ...]] = {
    "call": (
        ("c_gen", "i8"), ("c_t0", "f8"), ("c_st", "f8"), ("c_qt", "f8"),
        ("c_node", "i4"), ("c_par", "i4"), ("c_ab", "i4"), ("c_warm", "i4"),
        ("c_op", "i4"), ("c_hold", "i4"), ("c_stat", "i4"), ("c_next", "i4"),
        ("c_svc", "f8"), ("c_pgen", "i8"), ("c_cgen", "i8"),
        ("c_edge", "i4"), ("c_child", "i4"), ("c_att", "i4"), ("c_cur", "i4"),
        ("c_pos", "i4"), ("c_late", "i4"), ("c_dlv", "i4"), ("c_sup", "i4"),
        ("c_pedge", "i4"), ("c_te", "i4"),
    ),
    "tmo": (("te_t", "f8"), ("te_s", "i8"), ("te_k", "i4"), ("te_next", "i4"),
            ("te_prev", "i4"), ("_pad", "i4")),
    "work": (("wA", "i8"), ("wC", "i8"), ("wR", "i8")),
}  # fmt: skip

GENERATED = Path(__file__).with_name("_kernel_rows.py")


class Field(NamedTuple):
    """Where a field lives in its group's rows: ``view[row * stride + offset]``."""

    group: str
    dtype: str
    view: str  # the kernel argument that carries the whole pool in this dtype
    stride: int  # elements of the dtype per row
    offset: int  # the field's element within its row


def _fields() -> dict[str, Field]:
    out: dict[str, Field] = {}
    for group, cols in ROWS.items():
        dt = np.dtype(list(cols))
        views: dict[str, str] = {}
        for name, code in cols:
            if name.startswith("_"):
                continue
            size = np.dtype(code).itemsize
            off = dt.fields[name][1] if dt.fields else 0
            if off % size or dt.itemsize % size:  # pragma: no cover - layout guard
                raise AssertionError(f"{name} is not aligned to its size in {group} rows")
            view = views.setdefault(code, name)
            out[name] = Field(group, code, view, dt.itemsize // size, off // size)
    return out


FIELDS = _fields()


def view_key(f: Field) -> str:
    """The runner's key for the whole-pool view a field is read through."""
    return f"{f.group}:{f.dtype}"


class _Rewrite(ast.NodeTransformer):
    """``f[i]`` → ``view[i * stride + offset]``; ``len(f)`` → ``len(view) // stride``;
    ``_prefetch(f, i)`` likewise. Any other use of a field name is refused."""

    def _index(self, f: Field, idx: ast.expr) -> ast.expr:
        e: ast.expr = ast.BinOp(idx, ast.Mult(), ast.Constant(f.stride))
        if f.offset:
            e = ast.BinOp(e, ast.Add(), ast.Constant(f.offset))
        return e

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in FIELDS:
            f = FIELDS[node.value.id]
            idx = self.visit(node.slice)
            assert isinstance(idx, ast.expr)
            return ast.Subscript(ast.Name(f.view, ast.Load()), self._index(f, idx), node.ctx)
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in ("len", "_prefetch")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in FIELDS
        ):
            f = FIELDS[node.args[0].id]
            rest = [self.visit(a) for a in node.args[1:]]
            view = ast.Name(f.view, ast.Load())
            if node.func.id == "len":
                return ast.BinOp(
                    ast.Call(node.func, [view], []), ast.FloorDiv(), ast.Constant(f.stride)
                )
            return ast.Call(node.func, [view, self._index(f, rest[0])], [])
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in FIELDS:
            raise ValueError(f"kernel uses the row field {node.id} other than by index")
        return node


def render() -> str:
    """The text of :mod:`._kernel_rows`, from ``kernel._kernel``'s source."""
    src = inspect.getsource(K._kernel)
    fn = ast.parse(src).body[0]
    assert isinstance(fn, ast.FunctionDef)
    fn.name = "_kernel_rows"
    params = {a.arg for a in fn.args.args}
    body = ast.Module([_Rewrite().visit(s) for s in fn.body], [])
    fn.body = body.body
    stored = {
        n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
    }
    used = sorted(
        {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        - params
        - stored
        - set(dir(builtins))
        - {"math", "Any"}
    )
    digest = hashlib.sha256(Path(inspect.getfile(K)).read_bytes()).hexdigest()
    imports = ",\n".join(f"    {n}" for n in used)
    return (
        '"""generated by archproof.passes.simulate.rows from kernel.py: do not edit.\n\n'
        "``kernel._kernel`` with its call, timeout and work fields read as rows (see rows.py).\n"
        f"kernel.py sha256 {digest}\n"
        '"""\n\n'
        "# ruff: noqa\n"
        "from __future__ import annotations\n\n"
        "import math\n"
        "from typing import Any\n\n"
        f"from archproof.passes.simulate.kernel import (\n{imports},\n)\n\n\n"
        + ast.unparse(fn)
        + "\n"
    )


def write() -> None:
    """Regenerate :mod:`._kernel_rows`."""
    GENERATED.write_text(render(), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    write()
    sys.stdout.write(f"wrote {GENERATED}\n")
