"""`api.py` of a generated package: the design's operations as `Protocol` classes."""

from __future__ import annotations

from archproof.model.signatures import type_names
from archproof.passes.codegen.names import docstring
from archproof.passes.codegen.plan import IMPORTS, CodePlan, MethodCode, ProtocolCode
from archproof.passes.codegen.pysrc import call, imports


def render_api(plan: CodePlan, header: str) -> str:
    used: set[str] = set()
    for proto in plan.protocols:
        for method in proto.methods:
            for param in method.params:
                used.update(type_names(param.annotation))
            used.update(type_names(method.returns))
    std: dict[str, list[str]] = {"typing": ["Protocol"]} if plan.protocols else {}
    if any(p.type_vars for p in plan.protocols):
        std["typing"].append("TypeVar")
    for name in used:
        if name in IMPORTS:
            std.setdefault(IMPORTS[name], []).append(name)
    generated = {r.name for r in plan.records} | {i.name for i in plan.ids}
    generated |= {e.name for e in plan.enums} | {m.union for m in plan.machines if m.union}
    local: dict[str, list[str]] = {}
    models = sorted(used & generated)
    if models:
        local[f"{plan.package}.models"] = models
    errors = sorted(used & ({n for n, _ in plan.errors} | {"ParseError", plan.base_error}))
    if errors:
        local[f"{plan.package}.errors"] = errors
    out = [
        header
        + docstring(
            f"The interface of {plan.title}: one Protocol method per operation of the design.\n\n"
            "An implementation needs no base class: mypy checks it against these Protocols\n"
            "structurally (`archproof code --conform`). Errors a method may raise are listed\n"
            f"in its docstring; all derive from {plan.base_error}."
        ),
        "",
        imports(std, local),
    ]
    declared: set[str] = set()
    for proto in plan.protocols:
        for name, variance in proto.type_vars:
            if name in declared:
                continue
            declared.add(name)
            arg = f", {variance}variant=True" if variance else ""
            out.append(("" if len(declared) > 1 else "\n") + f'{name} = TypeVar("{name}"{arg})')
    for proto in plan.protocols:
        out += _protocol(proto)
    return "\n".join(out) + "\n"


def _protocol(proto: ProtocolCode) -> list[str]:
    generic = f"[{', '.join(v for v, _ in proto.type_vars)}]" if proto.type_vars else ""
    out = [
        "",
        "",
        f"class {proto.name}(Protocol{generic}):",
        docstring(proto.doc, "    "),
    ]
    for method in proto.methods:
        out += ["", *_method(method)]
    return out


def _method(method: MethodCode) -> list[str]:
    params = ["self"]
    star = False
    for param in method.params:
        if param.keyword_only and not star:
            params.append("*")
            star = True
        default = f" = {param.default}" if param.default is not None else ""
        params.append(f"{param.name}: {param.annotation}{default}")
    head = call(f"def {method.name}", params, indent="    ", tail=f") -> {method.returns}:")
    doc = "\n\n".join(method.doc)
    if method.raises:
        doc += "\n\nRaises:\n" + "\n".join(f"    {err}" for err in method.raises)
    return [head, docstring(doc, "        ")]
