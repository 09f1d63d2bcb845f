"""Implicit dimensions (the placeholder hl._), hl.lambda_func and undefined Vars in definitions.

What it does: calls of Funcs, Buffers and ImageParams with _ among their arguments (at the
start, middle and end), definitions with _ on the left (pure and update, the count taken
from the right-hand side, none when the right uses none), the error when the right uses
implicit Vars and the left has no _, the Var API (implicit, implicit_index, is_implicit,
is_placeholder); lambda_func with Vars and a value or a Tuple, and with no Vars; a pure
definition using a Var that is not an argument is an error at definition time (as in the
reference) instead of a failure later. Results are compared with NumPy.
What it assumes: the reference's behaviour (checked with Halide 21): implicit Vars are
named _0, _1... per call; lambda_func(e) alone is a zero-dimensional Func.
"""

import numpy as np
import pytest

import halide as hl
from conftest import IS_HALIDE_C, assert_exact, to_buffer

x, y, z = hl.Var("x"), hl.Var("y"), hl.Var("z")


def grid3():
    f = hl.Func("grid3")
    f[x, y, z] = x + 10 * y + 100 * z
    return f


def expected3(shape):
    zz, yy, xx = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    return (xx + 10 * yy + 100 * zz).astype(np.int32)


def test_placeholder_in_calls_and_definitions():
    f = grid3()
    h = hl.Func("h")
    h[x, hl._] = f[x, hl._] + f[0, hl._]
    assert [a.name() for a in h.args()] == ["x", "_0", "_1"]
    g = expected3((2, 3, 4))
    assert_exact(np.array(h.realize([4, 3, 2])), g + g[:, :, :1])
    k = hl.Func("k")
    k[hl._] = f[hl._] + 1
    assert [a.name() for a in k.args()] == ["_0", "_1", "_2"]
    assert_exact(np.array(k.realize([4, 3, 2])), g + 1)
    t = hl.Func("t")
    t[hl._, y] = f[hl._, 1, y]  # the placeholder first: x of f, then the explicit ones
    assert [a.name() for a in t.args()] == ["_0", "y"]
    assert_exact(np.array(t.realize([4, 2])), expected3((2, 3, 4))[:, 1, :])


def test_placeholder_with_buffers_and_image_params():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    buf = to_buffer(a)
    m = hl.Func("m")
    m[hl._] = buf[hl._] * 2
    assert m.dimensions() == 2
    assert_exact(np.array(m.realize([4, 3])), a * 2)
    ip = hl.ImageParam(hl.Int(32), 2, "ip")
    ip.set(buf)
    n = hl.Func("n")
    n[x, hl._] = ip[x, hl._] - ip[0, hl._]
    assert [v.name() for v in n.args()] == ["x", "_0"]
    assert_exact(np.array(n.realize([4, 3])), a - a[:, :1])


def test_placeholder_in_updates_and_with_nothing_implicit():
    f = grid3()
    s = hl.Func("s")
    s[x, hl._] = f[x, hl._]
    s[x, hl._] += 1
    assert_exact(np.array(s.realize([2, 2, 2])), expected3((2, 2, 2)) + 1)
    q = hl.Func("q")
    q[x, hl._] = x * 3  # the right-hand side uses no implicit Var: _ stands for nothing
    assert q.dimensions() == 1
    assert_exact(np.array(q.realize([3])), np.arange(3, dtype=np.int32) * 3)


def test_implicit_vars_need_the_placeholder_on_the_left():
    f = grid3()
    n = hl.Func("no_placeholder")
    with pytest.raises(hl.HalideError, match="uses implicit variables, but the left-hand-side does not contain"):
        n[x] = f[x, hl._]
    r = hl.Func("no_placeholder2")
    with pytest.raises(hl.HalideError, match="placeholder symbol '_'"):
        r[x, y] = f[x, hl._]


def test_var_api():
    assert hl.Var.implicit(2).name() == "_2"
    assert hl.Var("_3").implicit_index() == 3 and x.implicit_index() == -1
    assert hl.Var.implicit(0).is_implicit() and not x.is_implicit() and hl._.is_implicit()
    assert hl._.implicit_index() == 0 and not hl.Var("_a").is_implicit() and hl.Var("_a").implicit_index() == -1
    assert hl._.is_placeholder() and not x.is_placeholder() and not hl.Var.implicit(0).is_placeholder()
    if IS_HALIDE_C:  # the seed's `import Halide as hl` spelling
        import Halide

        assert Halide._ is hl._


def test_lambda_func():
    h = hl.lambda_func(x, y, x * y)
    assert h.name().startswith("lambda_") and h.dimensions() == 2
    assert_exact(np.array(h.realize([3, 4])), np.multiply.outer(np.arange(4), np.arange(3)).astype(np.int32))
    f = hl.Func("base")
    f[x, y] = x + y
    doubled = hl.lambda_func(x, y, f[x, y] * 2)
    assert_exact(np.array(doubled.realize([2, 2])), np.array([[0, 2], [2, 4]], np.int32))
    if IS_HALIDE_C:  # a Tuple value (the reference's binding can't convert a tuple here)
        pair = hl.lambda_func(x, (x, x * 2))
        got = [np.array(b) for b in pair.realize([3])]
        assert_exact(got[0], np.arange(3, dtype=np.int32))
        assert_exact(got[1], np.arange(3, dtype=np.int32) * 2)
    const = hl.lambda_func(hl.Expr(5))
    assert const.dimensions() == 0 and int(np.array(const.realize([]))) == 5
    assert hl.lambda_func(x, x).name() != hl.lambda_func(x, x).name()
    with pytest.raises(ValueError, match="Not enough arguments"):
        hl.lambda_func()
    with pytest.raises(hl.HalideError, match='Undefined variable "x"'):
        hl.lambda_func(x * 3)  # no Vars: zero-dimensional, and x is not defined there


def test_undefined_var_in_a_pure_definition():
    f = hl.Func("uses_y")
    with pytest.raises(hl.HalideError, match='Undefined variable "y" in definition of Func "uses_y"'):
        f[x] = x + y
    assert not f.defined()
    f[x] = x + 1  # the failed definition left nothing behind
    assert_exact(np.array(f.realize([2])), np.array([1, 2], np.int32))
    g = hl.Func("let_inside")
    g[x] = hl.select(x > 1, x * 2, x)  # no free Var besides the argument
    assert_exact(np.array(g.realize([3])), np.array([0, 1, 4], np.int32))
