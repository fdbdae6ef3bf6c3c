"""The code stage: typed Python (ids, enums, records, lifecycles, Protocols) from a design."""

from archproof.passes.codegen.generate import generate_package
from archproof.passes.codegen.pass_ import PASS, CodeResult
from archproof.passes.codegen.plan import CodegenError, Problem
from archproof.passes.codegen.result import GeneratedFile, GeneratedPackage

__all__ = [
    "PASS",
    "CodeResult",
    "CodegenError",
    "GeneratedFile",
    "GeneratedPackage",
    "Problem",
    "generate_package",
]
