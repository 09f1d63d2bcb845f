"""halide-c: the Halide language for fast image and array pipelines, in C.

`import halide as hl` gives the modern Halide Python API: Var, Expr, Func, Buffer, Type and
the operators. The heavy lifting (IR, lowering, LLVM code generation, JIT) is the C
extension `halide._halide`; this file only arranges the names.
"""
import enum as _enum

from ._halide import *  # noqa: F401,F403
from ._halide import HalideError, Type
from ._halide import _  # the placeholder for implicit dimensions (import * skips it)

from . import boundary_conditions as BoundaryConditions  # noqa: E402
from . import aot as _aot  # noqa: E402
from .aot import (  # noqa: E402,F401
    Argument, ArgumentKind, OutputFileType, StmtOutputFormat, TargetArch, TargetFeature, TargetOS, TargetProcessorTune,
    compile_standalone_runtime,
)

_aot.attach(Func, Pipeline)  # noqa: F405

from . import gpu as _gpu  # noqa: E402
from .gpu import DeviceAPI  # noqa: E402,F401

_gpu.attach(Func, Stage, Target)  # noqa: F405

from .callable import Callable, compile_to_callable as _compile_to_callable  # noqa: E402,F401

Func.compile_to_callable = _compile_to_callable  # noqa: F405
Pipeline.compile_to_callable = _compile_to_callable  # noqa: F405

__halide_c__ = True


class TypeCode(_enum.IntEnum):
    """The code of a Type, as in halide_type_code_t."""

    Int = 0
    UInt = 1
    Float = 2
    Handle = 3
    BFloat = 4


class TailStrategy(_enum.IntEnum):
    """How a split handles an extent that the factor does not divide (Halide's order)."""

    RoundUp = 0
    GuardWithIf = 1
    Predicate = 2
    PredicateLoads = 3
    PredicateStores = 4
    ShiftInwards = 5
    Auto = 6


class LoopLevel:
    """Where a Func is computed or stored: LoopLevel(f, x), LoopLevel.root(), LoopLevel.inlined()."""

    def __init__(self, func=None, var=None):
        if func is None and var is None:
            self._kind, self._func, self._var = "inlined", None, None
            return
        if not isinstance(func, Func):
            raise TypeError("LoopLevel(func, var) takes a Func and a Var")
        if not isinstance(var, (Var, str)):
            raise TypeError("LoopLevel(func, var) takes a Func and a Var")
        self._kind, self._func, self._var = "at", func, var

    @staticmethod
    def root():
        level = LoopLevel()
        level._kind = "root"
        return level

    @staticmethod
    def inlined():
        return LoopLevel()

    def is_root(self):
        return self._kind == "root"

    def is_inlined(self):
        return self._kind == "inlined"

    def func(self):
        return self._func.name() if self._func is not None else ""

    def var(self):
        return self._var if isinstance(self._var, Var) else Var(self._var or "")

    def __repr__(self):
        if self._kind == "at":
            name = self._var.name() if isinstance(self._var, Var) else self._var
            return f"<halide.LoopLevel {self._func.name()}.{name}>"
        return f"<halide.LoopLevel {self._kind}>"


class Range:
    """A (min, extent) pair, as RDom bounds."""

    def __init__(self, min, extent):
        self.min, self.extent = min, extent

    def __repr__(self):
        return f"<halide.Range min={self.min} extent={self.extent}>"


_lambda_names = __import__("itertools").count()


def lambda_func(*args):
    """lambda_func(*vars, e) -> Func: a new Func f with f[vars] = e (Halide's lambda_); with
    the expression alone, a zero-dimensional Func (as the reference's binding does)."""
    if not args:
        raise ValueError("Not enough arguments: lambda_func needs an expression (after the Vars, if any)")
    *args_vars, value = args
    for v in args_vars:
        if not isinstance(v, Var):
            raise TypeError(f"lambda_func: the arguments before the expression must be Vars, not {type(v).__name__}")
    f = Func(f"lambda_{next(_lambda_names)}")
    f[tuple(args_vars)] = value
    return f
