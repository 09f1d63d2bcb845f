"""Param and ImageParam: run-time scalar and buffer inputs of a JIT-compiled pipeline.

What it does: creates a Param of every scalar type in each constructor form, reads it back
through a realized Func at the type's interesting values, changes it between realizes (the
pipeline picks the new value up), and exercises set_range/set_min_value/set_max_value/
set_estimate within their limits. For ImageParam: set/get/reset, the dim(i) Exprs (min,
extent, stride, max) and width/height/channels/left/right/top/bottom evaluated against bound
buffers with non-zero mins and non-default strides, the set_min/set_extent/set_stride/
set_bounds constraints when they hold, rebinding between realizes, and the unbound error.
Violated constraints are in error/test_reduction_param_errors.py.
What it assumes: the modern binding API: Param(type[, name][, value]); values read back with
a one-element realize; np.asarray(buffer) has the axes reversed.
What it guarantees: expected values are Python/NumPy values, never computed with hl.
"""

import numpy as np
import pytest

import halide as hl
from conftest import (ALL_TYPE_NAMES, FLOAT_TYPE_NAMES, INT_TYPE_NAMES, assert_exact, hl_type, interesting_values,
                      np_dtype, reference_only_xfail, to_buffer)

x, y, c = hl.Var("x"), hl.Var("y"), hl.Var("c")


def value_of(expr):
    """Realize a 1-element Func holding expr and return that element (a NumPy scalar)."""
    f = hl.Func("value_of")
    f[x] = expr
    return np.array(f.realize([1]))[0]


def f32_exact(v):
    return float(np.float32(v)) == v


def values_for(name):
    vals = interesting_values(name)
    if name == "float64":
        # The reference Halide passes Python floats to a float64 Param through float32; keep
        # to values float32 represents exactly here (full precision: test_float64_param_keeps_double).
        vals = [v for v in vals if f32_exact(v)]
    return vals


def check_value(got, expected, name):
    assert got.dtype == np_dtype(name), f"{got.dtype} != {np_dtype(name)}"
    assert got == np.array(expected, dtype=np_dtype(name)), f"{got!r} != {expected!r} ({name})"


# ---- Param: construction and values ----------------------------------------------------------


@pytest.mark.parametrize("name", ALL_TYPE_NAMES)
def test_param_constructor_forms(name):
    t = hl_type(name)
    v = values_for(name)[2]
    p1 = hl.Param(t)
    p2 = hl.Param(t, "named_" + name)
    p3 = hl.Param(t, v)
    p4 = hl.Param(t, "valued_" + name, v)
    for p in (p1, p2, p3, p4):
        assert p.type() == t
        assert isinstance(p.name(), str) and p.name()
    assert p2.name() == "named_" + name
    assert p4.name() == "valued_" + name
    assert p1.name() != p3.name()  # unnamed Params get unique names
    check_value(value_of(p3), v, name)
    check_value(value_of(p4), v, name)
    p2.set(v)
    check_value(value_of(p2), v, name)


@pytest.mark.parametrize("name", ALL_TYPE_NAMES)
def test_param_holds_every_interesting_value(name):
    p = hl.Param(hl_type(name), "p_" + name, values_for(name)[0])
    f = hl.Func("read_" + name)
    f[x] = p
    f.compile_jit()
    for v in values_for(name):
        p.set(v)
        got = np.array(f.realize([1]))[0]
        check_value(got, v, name)


def test_bool_param():
    b = hl.Param(hl.Bool(), "flag", True)
    assert b.type() == hl.Bool()
    f = hl.Func("pick")
    f[x] = hl.select(b, x, -x)
    assert_exact(np.array(f.realize([3])), np.array([0, 1, 2], np.int32))
    b.set(False)
    assert_exact(np.array(f.realize([3])), np.array([0, -1, -2], np.int32))
    g = hl.Func("bool_value")
    g[x] = b
    out = np.array(g.realize([2]))
    assert out.dtype == np.bool_ and not out.any()


@pytest.mark.parametrize("name", ["int32", "uint8", "float32"])
def test_param_is_an_expr_of_its_type(name):
    t = hl_type(name)
    p = hl.Param(t, "as_expr", 3)
    assert hl.Expr(p).type() == t
    assert (p + 1).type() == t
    assert (p * p).type() == t
    assert (p == 3).type() == hl.Bool()
    f = hl.Func("param_arith")
    f[x] = p * hl.cast(t, x) + 1
    expected = (np.arange(4) * 3 + 1).astype(np_dtype(name))
    assert_exact(np.array(f.realize([4])), expected)


def test_param_wraps_in_its_own_type():
    u = hl.Param(hl.UInt(8), "u8_param", 200)
    assert value_of(u + 100) == np.uint8(44)
    i = hl.Param(hl.Int(16), "i16_param", 32767)
    assert value_of(i + 1) == np.int16(-32768)


def test_float_param_accepts_python_int():
    p = hl.Param(hl.Float(32), "f_from_int", 3)
    check_value(value_of(p), 3.0, "float32")
    p.set(-7)
    check_value(value_of(p), -7.0, "float32")


def test_int_param_accepts_python_bool():
    p = hl.Param(hl.Int(32), "int_from_bool", True)
    check_value(value_of(p), 1, "int32")


@pytest.mark.parametrize("v", [float("inf"), float("-inf")])
def test_float_param_infinities(v):
    for name in FLOAT_TYPE_NAMES:
        p = hl.Param(hl_type(name), "inf_" + name, v)
        check_value(value_of(p), v, name)


def test_float_param_nan():
    p = hl.Param(hl.Float(32), "nan_param", float("nan"))
    assert np.isnan(value_of(p))


@reference_only_xfail
def test_float64_param_keeps_double_precision():
    # The reference narrows Python floats given to a float64 Param through float32.
    p = hl.Param(hl.Float(64), "f64_exact", 0.1)
    check_value(value_of(p), 0.1, "float64")
    p.set(1e300)
    check_value(value_of(p), 1e300, "float64")


@pytest.mark.parametrize("v", [2**63 + 5, 2**64 - 1, 2**64 - 2])
def test_uint64_param_full_range(v):
    p = hl.Param(hl.UInt(64), "u64_big", v)
    check_value(value_of(p), v, "uint64")
    q = hl.Param(hl.UInt(64), "u64_set", 1)
    q.set(v)
    check_value(value_of(q), v, "uint64")


@pytest.mark.parametrize("v", [-(2**63), 2**63 - 1, -(2**53) - 1, 2**53 + 1])
def test_int64_param_full_range(v):
    p = hl.Param(hl.Int(64), "i64_big", v)
    check_value(value_of(p), v, "int64")


def test_param_change_between_realizes_is_picked_up():
    # Only the value changes; the compiled pipeline is reused (compile_jit once, then realize).
    a = hl.Param(hl.Int(32), "scale", 2)
    b = hl.Param(hl.Float(32), "offset", 0.5)
    f = hl.Func("affine")
    f[x, y] = hl.f32(a * x + y) + b
    f.compile_jit()
    for av, bv in [(2, 0.5), (-3, 1.25), (0, -8.0), (7, 0.0)]:
        a.set(av)
        b.set(bv)
        ys, xs = np.mgrid[0:3, 0:5]
        assert_exact(np.array(f.realize([5, 3])), (av * xs + ys + bv).astype(np.float32))


def test_param_in_pipeline_with_several_stages():
    k = hl.Param(hl.Int(32), "k", 1)
    f, g = hl.Func("stage1"), hl.Func("stage2")
    f[x] = x * k
    g[x] = f[x] + f[x + 1] + k
    f.compute_root()
    for kv in [1, 5, -2]:
        k.set(kv)
        xs = np.arange(6)
        assert_exact(np.array(g.realize([6])), (xs * kv + (xs + 1) * kv + kv).astype(np.int32))


def test_param_as_rdom_extent():
    n = hl.Param(hl.Int(32), "n", 3)
    r = hl.RDom([(0, n)])
    f = hl.Func("sum_to_n")
    f[x] = 0
    f[x] = f[x] + r.x + x
    for nv in [3, 0, 10, 1]:
        n.set(nv)
        xs = np.arange(4)
        assert_exact(np.array(f.realize([4])), (sum(range(nv)) + nv * xs).astype(np.int32))


# ---- Param: ranges and estimates ---------------------------------------------------------------


def test_set_range_and_getters():
    p = hl.Param(hl.Int(32), "ranged", 5)
    assert not p.min_value().defined() and not p.max_value().defined()
    p.set_range(0, 10)
    assert value_of(p.min_value()) == 0 and value_of(p.max_value()) == 10
    assert p.min_value().type() == hl.Int(32) and p.max_value().type() == hl.Int(32)
    f = hl.Func("in_range")
    f[x] = p + x
    for v in [0, 5, 10]:  # the bounds themselves are allowed
        p.set(v)
        assert_exact(np.array(f.realize([2])), np.array([v, v + 1], np.int32))


def test_set_min_value_and_set_max_value_separately():
    p = hl.Param(hl.Int(16), "half_ranged", 3)
    p.set_min_value(-4)
    assert value_of(p.min_value()) == -4 and not p.max_value().defined()
    assert p.min_value().type() == hl.Int(16)
    q = hl.Param(hl.Float(32), "upper_only", 0.25)
    q.set_max_value(0.5)
    assert value_of(q.max_value()) == np.float32(0.5) and not q.min_value().defined()
    f = hl.Func("two_ranged")
    f[x] = hl.f32(p) + q
    for pv, qv in [(-4, 0.5), (100, -1e6), (3, 0.25)]:
        p.set(pv)
        q.set(qv)
        assert value_of(f[x]) == np.float32(pv + qv)


def test_range_is_cast_to_the_param_type():
    p = hl.Param(hl.Int(16), "range_cast", 1)
    p.set_range(hl.u8(0), 100)
    assert p.min_value().type() == hl.Int(16) and p.max_value().type() == hl.Int(16)


def test_range_constrains_but_does_not_clamp():
    # A value inside the range is passed unchanged (a range is a promise, not a clamp).
    p = hl.Param(hl.Float(32), "unclamped", 0.0)
    p.set_range(-1.0, 1.0)
    for v in [-1.0, -0.375, 0.0, 0.75, 1.0]:
        p.set(v)
        assert value_of(p * 2) == np.float32(2 * v)


@pytest.mark.parametrize("name", ALL_TYPE_NAMES)
def test_set_estimate_does_not_change_the_value(name):
    v = values_for(name)[3]
    p = hl.Param(hl_type(name), "estimated_" + name, v)
    p.set_estimate(values_for(name)[4])
    check_value(value_of(p), v, name)


# ---- ImageParam --------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", [0, 1, 2, 3, 4])
def test_image_param_basic_properties(dims):
    im = hl.ImageParam(hl.UInt(16), dims, f"im{dims}")
    assert im.name() == f"im{dims}"
    assert im.type() == hl.UInt(16)
    assert im.dimensions() == dims


def test_unnamed_image_params_get_unique_names():
    a, b = hl.ImageParam(hl.Int(8), 2), hl.ImageParam(hl.Int(8), 2)
    assert a.name() and b.name() and a.name() != b.name()


@pytest.mark.parametrize("name", ALL_TYPE_NAMES + ["bool"])
def test_image_param_of_every_type(name):
    if name == "bool":
        t, a = hl.Bool(), np.array([[True, False, True], [False, False, True]])
    else:
        t = hl_type(name)
        vals = interesting_values(name)
        a = np.array(vals[:6], dtype=np_dtype(name)).reshape(2, 3)
    im = hl.ImageParam(t, 2, "typed_" + name)
    im.set(to_buffer(a))
    f = hl.Func("copy_" + name)
    f[x, y] = im[x, y]
    out = np.array(f.realize([3, 2]))
    assert out.dtype == a.dtype
    assert_exact(out, a)


def test_zero_dimensional_image_param():
    im = hl.ImageParam(hl.Int(32), 0, "scalar_image")
    im.set(hl.Buffer(np.array(41, np.int32)))
    assert value_of(im[()] + 1) == 42


def test_set_get_reset():
    im = hl.ImageParam(hl.Int(32), 2, "bound_then_reset")
    assert not im.get().defined()
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    im.set(to_buffer(a))
    got = im.get()
    assert got.defined()
    assert got.type() == hl.Int(32) and got.dimensions() == 2
    assert got.width() == 4 and got.height() == 3
    assert_exact(np.array(got), a)
    im.reset()
    assert not im.get().defined()


def test_realize_uses_the_bound_buffer_and_rebinding():
    im = hl.ImageParam(hl.Float(32), 2, "rebound")
    f = hl.Func("doubled")
    f[x, y] = im[x, y] * 2 + im.width()
    for w, h, seed in [(4, 3, 0), (4, 3, 1), (7, 2, 2), (1, 5, 3)]:
        a = np.random.default_rng(seed).integers(-50, 50, size=(h, w)).astype(np.float32)
        im.set(to_buffer(a))
        assert_exact(np.array(f.realize([w, h])), (a * 2 + w).astype(np.float32))


def test_buffer_contents_changed_after_set_are_seen():
    # The ImageParam refers to the Buffer's memory, so edits between realizes are visible.
    a = np.zeros((2, 3), np.int16)
    buf = to_buffer(a)
    im = hl.ImageParam(hl.Int(16), 2, "shared_memory")
    im.set(buf)
    f = hl.Func("plus_one")
    f[x, y] = im[x, y] + 1
    assert_exact(np.array(f.realize([3, 2])), np.ones((2, 3), np.int16))
    a[1, 2] = 99
    expected = np.ones((2, 3), np.int16)
    expected[1, 2] = 100
    assert_exact(np.array(f.realize([3, 2])), expected)


def dims_func(im):
    """A Func whose [k] is the k-th of min, extent, stride, max of each dimension of im."""
    exprs = []
    for i in range(im.dimensions()):
        d = im.dim(i)
        exprs += [d.min(), d.extent(), d.stride(), d.max()]
    f = hl.Func("dim_values")
    f[x] = hl.mux(x, exprs)
    return f, len(exprs)


def test_dim_exprs_of_bound_buffer():
    im = hl.ImageParam(hl.UInt(8), 3, "dims3")
    for i in range(3):
        for e in (im.dim(i).min(), im.dim(i).extent(), im.dim(i).stride(), im.dim(i).max()):
            assert isinstance(e, hl.Expr) and e.type() == hl.Int(32)
    f, n = dims_func(im)
    # A planar 3-channel image: numpy shape (c, h, w) = (3, 4, 5), mins (2, -3, 0).
    a = np.zeros((3, 4, 5), np.uint8)
    buf = to_buffer(a)
    buf.set_min([2, -3, 0])
    im.set(buf)
    expected = [2, 5, 1, 6, -3, 4, 5, 0, 0, 3, 20, 2]
    assert_exact(np.array(f.realize([n])), np.array(expected, np.int32))


def test_dim_exprs_of_interleaved_and_transposed_buffers():
    im = hl.ImageParam(hl.UInt(8), 3, "interleaved")
    im.dim(0).set_stride(hl.Expr())  # lift the default stride-1 constraint on dimension 0
    f, n = dims_func(im)
    # Interleaved RGB: numpy (h, w, c) = (4, 5, 3); seen by Halide as x, y, c with c stride 1.
    a = np.zeros((4, 5, 3), np.uint8)
    im.set(hl.Buffer(a.transpose(2, 0, 1)))
    expected = [0, 5, 3, 4, 0, 4, 15, 3, 0, 3, 1, 2]
    assert_exact(np.array(f.realize([n])), np.array(expected, np.int32))


def test_width_height_channels_left_right_top_bottom():
    im = hl.ImageParam(hl.Int(16), 3, "edges")
    exprs = [im.width(), im.height(), im.channels(), im.left(), im.right(), im.top(), im.bottom()]
    f = hl.Func("edge_values")
    f[x] = hl.mux(x, exprs)
    a = np.zeros((2, 6, 9), np.int16)
    buf = to_buffer(a)
    buf.set_min([-1, 4, 0])
    im.set(buf)
    expected = [9, 6, 2, -1, 7, 4, 9]
    assert_exact(np.array(f.realize([7])), np.array(expected, np.int32))
    # The same Exprs follow a newly bound buffer.
    im.set(to_buffer(np.zeros((3, 2, 5), np.int16)))
    assert_exact(np.array(f.realize([7])), np.array([5, 2, 3, 0, 4, 0, 1], np.int32))


def test_dimension_accessors_are_symbolic_before_binding():
    im = hl.ImageParam(hl.Int(32), 2, "symbolic")
    # Building with them needs no buffer; only realizing does.
    e = im.width() * im.height() + im.dim(1).stride()
    assert e.type() == hl.Int(32)
    f = hl.Func("uses_dims")
    f[x] = e
    im.set(to_buffer(np.zeros((3, 7), np.int32)))
    assert value_of(f[x]) == 3 * 7 + 7


def test_reading_image_param_with_nonzero_mins():
    im = hl.ImageParam(hl.Int(32), 2, "shifted_input")
    a = np.arange(20, dtype=np.int32).reshape(4, 5)
    buf = to_buffer(a)
    buf.set_min([10, -2])
    im.set(buf)
    f = hl.Func("shifted_read")
    f[x, y] = im[x + im.left(), y + im.top()]
    assert_exact(np.array(f.realize([5, 4])), a)


def test_satisfied_constraints():
    im = hl.ImageParam(hl.UInt(8), 2, "constrained")
    im.dim(0).set_min(0).set_stride(1)
    im.dim(1).set_bounds(0, 3)
    im.dim(0).set_extent(4)
    f = hl.Func("read_constrained")
    f[x, y] = im[x, y] + im.width() + im.height()
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    im.set(to_buffer(a))
    assert_exact(np.array(f.realize([4, 3])), (a + 7).astype(np.int32))


def test_constraints_with_param_values():
    w = hl.Param(hl.Int(32), "required_width", 5)
    im = hl.ImageParam(hl.Int(16), 1, "param_constrained")
    im.dim(0).set_extent(w)
    f = hl.Func("read_param_constrained")
    f[x] = im[x] * 2
    for n in [5, 2]:
        w.set(n)
        a = np.arange(n, dtype=np.int16)
        im.set(to_buffer(a))
        assert_exact(np.array(f.realize([n])), a * 2)


def test_default_stride_constraint_can_be_lifted():
    # By default dimension 0 of an ImageParam must have stride 1; set_stride(hl.Expr()) lifts it.
    im = hl.ImageParam(hl.Int(32), 2, "transposed_input")
    im.dim(0).set_stride(hl.Expr())
    f = hl.Func("read_transposed")
    f[x, y] = im[x, y] * 10 + im.dim(0).stride()
    a = np.arange(12, dtype=np.int32).reshape(4, 3)
    im.set(hl.Buffer(a.T))  # Halide sees x with stride 3, y with stride 1
    assert_exact(np.array(f.realize([4, 3])), (a.T * 10 + 3).astype(np.int32))


def test_stride_constraint_of_one_with_dense_buffer():
    im = hl.ImageParam(hl.Float(32), 2, "dense")
    im.dim(0).set_stride(1)
    im.dim(1).set_stride(im.dim(0).extent())
    f = hl.Func("read_dense")
    f[x, y] = im[x, y] - 1
    a = np.linspace(0, 5, 12, dtype=np.float32).reshape(3, 4)
    im.set(to_buffer(a))
    assert_exact(np.array(f.realize([4, 3])), a - np.float32(1))


def test_image_param_with_update_definition_and_rdom_over_it():
    im = hl.ImageParam(hl.Int(32), 2, "summed")
    r = hl.RDom(im)
    total = hl.Func("total")
    total[x] = 0
    total[x] = total[x] + im[r.x, r.y] * (x + 1)
    for shape in [(2, 3), (5, 1), (4, 4)]:
        a = np.random.default_rng(shape[0]).integers(-9, 9, size=shape).astype(np.int32)
        im.set(to_buffer(a))
        assert_exact(np.array(total.realize([3])), (a.sum() * np.arange(1, 4)).astype(np.int32))


def test_set_host_alignment_accepts_a_bound_buffer():
    im = hl.ImageParam(hl.UInt(8), 1, "aligned_input")
    im.set_host_alignment(1)
    f = hl.Func("read_aligned")
    f[x] = im[x]
    a = np.arange(5, dtype=np.uint8)
    im.set(to_buffer(a))
    assert_exact(np.array(f.realize([5])), a)


# ---- unbound inputs ----------------------------------------------------------------------------


def test_unbound_image_param_is_an_error():
    im = hl.ImageParam(hl.UInt(8), 2, "never_bound_input")
    f = hl.Func("reads_unbound")
    f[x, y] = im[x, y]
    with pytest.raises(hl.HalideError) as info:
        f.realize([2, 2])
    assert "never_bound_input" in str(info.value)
    assert "internal error" not in str(info.value).lower()


def test_reset_image_param_is_an_error_again():
    im = hl.ImageParam(hl.UInt(8), 1, "reset_input")
    f = hl.Func("reads_reset")
    f[x] = im[x]
    im.set(to_buffer(np.arange(3, dtype=np.uint8)))
    assert_exact(np.array(f.realize([3])), np.arange(3, dtype=np.uint8))
    im.reset()
    with pytest.raises(hl.HalideError) as info:
        f.realize([3])
    assert "reset_input" in str(info.value)


@pytest.mark.parametrize("name", INT_TYPE_NAMES[:3] + FLOAT_TYPE_NAMES[:1])
def test_unset_param_is_an_error(name):
    p = hl.Param(hl_type(name), "never_set_" + name)
    f = hl.Func("reads_unset")
    f[x] = p
    with pytest.raises(hl.HalideError) as info:
        f.realize([1])
    assert "never_set_" + name in str(info.value)
    assert "internal error" not in str(info.value).lower()
