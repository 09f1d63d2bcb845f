"""Func/Pipeline.compile_to_callable: a compiled pipeline called like a function.

c = f.compile_to_callable([inp, offset]) compiles once; c(in_array, 5, out_array) (or by name:
c(inp=..., offset=..., f=...)) binds the arguments for that call, realizes into the output
buffers (hl.Buffer or NumPy arrays, written in place) and returns None, as Halide's Callable
does. The Params and ImageParams given are restored afterwards, so a call leaves no trace on
them (calls from several threads with the same Params are not safe).
"""
from . import _halide


class Callable:
    """A pipeline compiled for a fixed argument list; call it with values for them, then the
    output buffers."""

    def __init__(self, outputs, arguments, target=None):
        self._outputs = list(outputs)
        self._args = [a._handle if hasattr(a, "_handle") else a for a in arguments]
        for a in self._args:
            if not isinstance(a, (_halide.Param, _halide.ImageParam)):
                raise TypeError(f"compile_to_callable: arguments must be Params or ImageParams, not {type(a).__name__}")
        self._pipeline = _halide.Pipeline(self._outputs)
        self._pipeline.compile_jit(target) if target is not None else self._pipeline.compile_jit()
        self._names = [a.name() for a in self._args] + self._output_names()

    def _output_names(self):
        names = []
        for f in self._outputs:
            n = len(f.output_types())
            names += [f.name()] if n == 1 else [f"{f.name()}.{i}" for i in range(n)]
        return names

    def __call__(self, *args, **kwargs):
        n = len(self._names)
        if kwargs:
            if args:
                raise _halide.HalideError("Callable: pass the arguments either by position or by name, not both")
            unknown = [k for k in kwargs if k not in self._names]
            missing = [k for k in self._names if k not in kwargs]
            if unknown or missing:
                raise _halide.HalideError(f"Callable: unknown arguments {unknown}, missing arguments {missing}")
            args = tuple(kwargs[k] for k in self._names)
        if len(args) != n:
            raise _halide.HalideError(f"Expected exactly {n} positional arguments, but saw {len(args)}.")
        saved = []
        try:
            for a, v in zip(self._args, args):
                if isinstance(a, _halide.ImageParam):
                    old = a.get()
                    saved.append((a, old if old.defined() else None))
                    a.set(v if isinstance(v, _halide.Buffer) else _halide.Buffer(v))
                else:
                    saved.append((a, a.value() if a._has_value() else None))
                    a.set(v)
            outs = [v if isinstance(v, _halide.Buffer) else _halide.Buffer(v) for v in args[len(self._args):]]
            self._pipeline.realize(outs)
        finally:
            for a, old in reversed(saved):
                if isinstance(a, _halide.ImageParam):
                    a.set(old) if old is not None else a.reset()
                elif old is not None:
                    a.set(old)
                else:
                    a._clear_value()
        return None


def compile_to_callable(self, arguments, target=None):
    """Compile now for this argument list; returns a Callable (see halide.callable)."""
    outputs = self.outputs() if isinstance(self, _halide.Pipeline) else [self]
    return Callable(outputs, arguments, target)
