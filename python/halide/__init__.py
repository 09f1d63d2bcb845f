"""halide-c: the Halide language for fast image and array pipelines, in C.

`import halide as hl` gives the modern Halide Python API: Var, Expr, Func, Buffer, Type and
the operators. The heavy lifting (IR, lowering, LLVM code generation, JIT) is the C
extension `halide._halide`; this file only arranges the names.
"""
import enum as _enum

from ._halide import *  # noqa: F401,F403
from ._halide import HalideError, Type

__halide_c__ = True


class TypeCode(_enum.IntEnum):
    """The code of a Type, as in halide_type_code_t."""

    Int = 0
    UInt = 1
    Float = 2
    Handle = 3
    BFloat = 4
