"""Func/Pipeline.compile_to_callable: a compiled pipeline called like a function.

What it does: calls by position and by name, into NumPy arrays (written in place) and into
Buffers; a Pipeline with two outputs; the call leaves the Params and ImageParams as they were
(set, unset or bound to another Buffer); the errors the reference gives (wrong number of
arguments, a value that does not fit, an input too small) and a Func that is not an argument.
What it assumes: the reference's behaviour (Halide 21): a call returns None.
"""

import numpy as np
import pytest

import halide as hl
from conftest import assert_exact

x = hl.Var("x")


def brighten():
    inp = hl.ImageParam(hl.UInt(8), 1, "cal_in")
    off = hl.Param(hl.UInt(8), "cal_off")
    f = hl.Func("cal_out")
    f[x] = inp[x] + off
    return f, inp, off


def test_positional_and_named_calls():
    f, inp, off = brighten()
    c = f.compile_to_callable([inp, off])
    a = np.arange(5, dtype=np.uint8)
    out = np.zeros(5, dtype=np.uint8)
    assert c(a, 3, out) is None
    assert_exact(out, a + 3)
    buf = hl.Buffer(hl.UInt(8), [5])
    c(hl.Buffer(a), 4, buf)
    assert_exact(np.asarray(buf), a + 4)
    c(cal_in=a, cal_off=2, cal_out=out)
    assert_exact(out, a + 2)


def test_params_are_left_as_they_were():
    f, inp, off = brighten()
    c = f.compile_to_callable([inp, off])
    a = np.arange(4, dtype=np.uint8)
    c(a, 7, np.zeros(4, np.uint8))
    assert not off._has_value() and not inp.get().defined()
    off.set(1)
    bound = hl.Buffer(np.full(4, 10, np.uint8))
    inp.set(bound)
    c(a, 7, np.zeros(4, np.uint8))
    assert off.value() == 1 and np.asarray(inp.get()).tolist() == [10] * 4
    assert_exact(np.array(f.realize([4])), np.full(4, 11, np.uint8))


def test_pipeline_with_two_outputs():
    inp = hl.ImageParam(hl.Int(32), 1, "two_in")
    g, h = hl.Func("two_g"), hl.Func("two_h")
    g[x] = inp[x] * 2
    h[x] = inp[x] - 1
    c = hl.Pipeline([g, h]).compile_to_callable([inp])
    a = np.arange(6, dtype=np.int32)
    og, oh = np.zeros(6, np.int32), np.zeros(6, np.int32)
    c(a, og, oh)
    assert_exact(og, a * 2)
    assert_exact(oh, a - 1)


def test_errors():
    f, inp, off = brighten()
    c = f.compile_to_callable([inp, off])
    a, out = np.arange(5, dtype=np.uint8), np.zeros(5, np.uint8)
    with pytest.raises(hl.HalideError, match="Expected exactly 3 positional arguments, but saw 2"):
        c(a, 3)
    with pytest.raises(hl.HalideError, match="does not fit"):
        c(a, 300, out)
    with pytest.raises(hl.HalideError, match="Input buffer cal_in is accessed at 4, which is beyond the max"):
        c(np.zeros(3, np.uint8), 1, out)
    assert not off._has_value()  # restored even when the call failed
    with pytest.raises(TypeError):
        f.compile_to_callable([f])
