"""Func: pure definitions of any dimensionality, calls to other Funcs and Buffers, the ways
to realize, the introspection methods, Var names, and the first two tutorials.

What it does: defines small pipelines and compares every realized element with NumPy.
What it assumes: the modern binding conventions: realize([w, h, ...]) lists extents x first,
and np.asarray(buffer) has the axes reversed (shape (..., h, w)), sharing memory.
What it guarantees: the coordinates a Func sees are the buffer's real coordinates, including
non-zero and negative mins, and inputs may be any strided NumPy view.
"""

import numpy as np
import pytest

import halide as hl
from conftest import assert_exact, assert_same_type, realize, reference_only_xfail, to_buffer


def coordinate_weights(n):
    return [10**i for i in range(n)]


@pytest.mark.parametrize("dims", [1, 2, 3, 4, 5, 6])
def test_pure_definition_of_many_dimensions(dims):
    vs = [hl.Var(f"v{i}") for i in range(dims)]
    weights = coordinate_weights(dims)
    f = hl.Func(f"dims{dims}")
    f[vs] = sum(w * v for w, v in zip(weights, vs))
    sizes = [2, 3, 1, 4, 2, 3][:dims]
    out = realize(f, sizes)
    assert out.shape == tuple(reversed(sizes))
    assert out.dtype == np.int32
    # out[c_{n-1}, ..., c_0] = sum(weights[i] * c_i)
    grids = np.meshgrid(*[np.arange(s) for s in reversed(sizes)], indexing="ij")
    expected = sum(weights[dims - 1 - i] * g for i, g in enumerate(grids)).astype(np.int32)
    assert_exact(out, expected)


def test_zero_dimensional_func():
    f = hl.Func("scalar_func")
    f[()] = hl.f64(2.5) * 3
    assert f.dimensions() == 0
    buf = f.realize([])
    assert isinstance(buf, hl.Buffer)
    assert buf.dimensions() == 0
    out = np.array(buf)
    assert out.shape == () and out.dtype == np.float64 and out == 7.5


def test_func_indexing_forms():
    # f[x] with a single Var, f[x, y] with a tuple, f[[x, y]] with a list.
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("one_var")
    f[x] = x * 2
    g = hl.Func("list_vars")
    g[[x, y]] = f[x] + f[[y]] * 100
    xs, ys = np.meshgrid(np.arange(3), np.arange(2))
    assert_exact(realize(g, [3, 2]), (xs * 2 + ys * 200).astype(np.int32))


def test_realize_returns_a_buffer_of_the_func_type():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("typed_output")
    f[x, y] = hl.cast(hl.UInt(16), x + y * 300)
    buf = f.realize([4, 3])
    assert isinstance(buf, hl.Buffer)
    assert_same_type(buf.type(), hl.UInt(16))
    assert buf.dimensions() == 2
    assert (buf.width(), buf.height()) == (4, 3)
    assert buf.dim(0).min() == 0 and buf.dim(0).extent() == 4
    assert buf.dim(1).min() == 0 and buf.dim(1).extent() == 3
    assert buf[3, 2] == 603
    out = np.asarray(buf)
    assert out.shape == (3, 4) and out.dtype == np.uint16
    assert out[2, 3] == 603  # numpy indexes [y, x]


def test_funcs_calling_funcs_are_inlined_correctly():
    x, y = hl.Var("x"), hl.Var("y")
    base = hl.Func("base")
    base[x, y] = x * 3 - y
    shifted = hl.Func("shifted")
    shifted[x, y] = base[x + 1, y - 1] * 2 + base[x, y]
    swapped = hl.Func("swapped")
    swapped[x, y] = shifted[y, x] - base[x * 2, y // 2]
    xs, ys = np.meshgrid(np.arange(-2, 5), np.arange(-3, 3))

    def base_ref(a, b):
        return a * 3 - b

    def shifted_ref(a, b):
        return base_ref(a + 1, b - 1) * 2 + base_ref(a, b)

    expected = shifted_ref(ys, xs) - base_ref(xs * 2, np.floor_divide(ys, 2))
    out = hl.Buffer(hl.Int(32), [7, 6])
    out.set_min([-2, -3])
    swapped.realize(out)
    assert_exact(np.asarray(out), expected.astype(np.int32))


def test_func_calling_buffer_and_func_of_other_types():
    x, y = hl.Var("x"), hl.Var("y")
    data = (np.arange(24, dtype=np.uint8) * 7).reshape(4, 6)
    image = to_buffer(data)
    as_float = hl.Func("as_float")
    as_float[x, y] = hl.cast(hl.Float(32), image[x, y]) / 2
    combined = hl.Func("combined")
    combined[x, y] = hl.cast(hl.Int(16), as_float[x, y]) - hl.cast(hl.Int(16), image[5 - x, 3 - y])
    expected = (data.astype(np.float32) / 2).astype(np.int16) - data[::-1, ::-1].astype(np.int16)
    assert_exact(realize(combined, [6, 4]), expected)


def test_buffer_with_clamped_index():
    x = hl.Var("x")
    data = np.array([5, -3, 8, 1], dtype=np.int32)
    buf = to_buffer(data)
    f = hl.Func("clamped_read")
    f[x] = buf[hl.clamp(x - 2, 0, 3)]
    assert_exact(realize(f, [8]), data[np.clip(np.arange(8) - 2, 0, 3)])


@pytest.mark.parametrize("mins", [(0, 0), (3, 5), (-4, -2), (-1000, 7)])
def test_realize_into_existing_buffer_with_mins(mins):
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("with_mins")
    f[x, y] = x * 1000 + y
    out = hl.Buffer(hl.Int(32), [5, 4])
    out.set_min(list(mins))
    assert f.realize(out) is None
    assert out.dim(0).min() == mins[0] and out.dim(1).min() == mins[1]
    xs, ys = np.meshgrid(np.arange(mins[0], mins[0] + 5), np.arange(mins[1], mins[1] + 4))
    assert_exact(np.asarray(out), (xs * 1000 + ys).astype(np.int32))
    assert out[mins[0], mins[1]] == mins[0] * 1000 + mins[1]
    assert out[mins[0] + 4, mins[1] + 3] == (mins[0] + 4) * 1000 + mins[1] + 3


def test_realize_into_buffer_wrapping_numpy_writes_through():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("write_through")
    f[x, y] = hl.cast(hl.Float(64), x) - y * 0.5
    target = np.zeros((3, 4), dtype=np.float64)
    f.realize(to_buffer(target))
    xs, ys = np.meshgrid(np.arange(4), np.arange(3))
    assert_exact(target, xs - ys * np.float64(np.float32(0.5)))


def test_realize_into_strided_numpy_view():
    # Rows may be strided; the innermost dimension of an output must be dense (stride 1).
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("strided_out")
    f[x, y] = x + 10 * y
    backing = np.full((6, 8), -1, dtype=np.int32)
    f.realize(to_buffer(backing[::2, 2:6]))  # shape (3, 4), row stride 16 elements
    xs, ys = np.meshgrid(np.arange(4), np.arange(3))
    assert_exact(backing[::2, 2:6], (xs + 10 * ys).astype(np.int32))
    assert (backing[1::2, :] == -1).all()
    assert (backing[:, :2] == -1).all() and (backing[:, 6:] == -1).all()


def test_realize_negative_region_with_buffer_input():
    # Output over x in [-3, 2) reading an input whose min is also negative.
    x = hl.Var("x")
    data = np.arange(10, dtype=np.int64) * 11
    inp = to_buffer(data)
    inp.set_min([-5])
    f = hl.Func("negative_region")
    f[x] = inp[x] + inp[x - 2]
    out = hl.Buffer(hl.Int(64), [5])
    out.set_min([-3])
    f.realize(out)
    coords = np.arange(-3, 2)
    assert_exact(np.asarray(out), data[coords + 5] + data[coords - 2 + 5])


@pytest.mark.parametrize(
    "make_view",
    [
        lambda a: a[::2, ::3],
        lambda a: a.T,
        lambda a: a[::-1],
        lambda a: a[:, ::-1],
        lambda a: a[::-2, 1:-1],
        lambda a: a[1:5, 2:9],
        lambda a: np.asfortranarray(a),
    ],
    ids=["step", "transpose", "reversed_rows", "reversed_cols", "reversed_step", "window", "fortran"],
)
def test_inputs_from_non_contiguous_numpy_views(make_view):
    x, y = hl.Var("x"), hl.Var("y")
    base = (np.arange(60, dtype=np.int16) * 3 - 50).reshape(6, 10)
    view = make_view(base)
    buf = to_buffer(view)
    assert buf.dimensions() == 2
    assert (buf.width(), buf.height()) == (view.shape[1], view.shape[0])
    f = hl.Func("from_view")
    f[x, y] = buf[x, y] * 2 + hl.cast(hl.Int(16), x)
    xs = np.arange(view.shape[1])[None, :]
    assert_exact(realize(f, [view.shape[1], view.shape[0]]), (view * 2 + xs).astype(np.int16))


# The reference rejects NumPy's own uint64 arrays (buffer format 'L', "Unsupported Buffer<>
# type"); it accepts only 'Q'. The issue asks for NumPy arrays of every dtype Halide has.
@reference_only_xfail
def test_func_reads_plain_numpy_uint64_array():
    x = hl.Var("x")
    data = np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64)
    buf = hl.Buffer(data)
    f = hl.Func("reads_uint64")
    f[x] = buf[x] ^ hl.cast(hl.UInt(64), 1)
    assert_exact(realize(f, [4]), data ^ np.uint64(1))


def test_input_buffer_shares_numpy_memory():
    x = hl.Var("x")
    data = np.arange(5, dtype=np.float32)
    buf = to_buffer(data)
    f = hl.Func("shared_input")
    f[x] = buf[x] * 2
    first = realize(f, [5])
    data[:] = 100  # the Buffer sees this: it wraps the array, it does not copy it
    second = realize(f, [5])
    assert_exact(first, np.arange(5, dtype=np.float32) * 2)
    assert_exact(second, np.full(5, 200, dtype=np.float32))


def test_output_buffer_asarray_is_zero_copy():
    x = hl.Var("x")
    f = hl.Func("zero_copy_out")
    f[x] = x
    buf = f.realize([4])
    view = np.asarray(buf)
    view[2] = 42
    assert buf[2] == 42
    assert np.shares_memory(view, np.asarray(buf))


def test_func_introspection():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("introspected_func")
    assert not f.defined()
    assert f.name() == "introspected_func"
    f[x, y] = hl.cast(hl.UInt(8), x + y)
    assert f.defined()
    assert f.name() == "introspected_func"
    assert_same_type(f.type(), hl.UInt(8))
    assert f.dimensions() == 2
    args = f.args()
    assert [a.name() for a in args] == ["x", "y"]
    assert all(isinstance(a, hl.Var) for a in args)
    g = hl.Func("introspected_float")
    g[y] = hl.f64(y)
    assert_same_type(g.type(), hl.Float(64))
    assert g.dimensions() == 1
    assert [a.name() for a in g.args()] == ["y"]


def test_var_names():
    assert hl.Var("x").name() == "x"
    assert hl.Var("my_var").name() == "my_var"
    anonymous = [hl.Var() for _ in range(4)]
    names = [v.name() for v in anonymous]
    assert all(names) and len(set(names)) == 4
    funcs = [hl.Func() for _ in range(3)]
    func_names = [fn.name() for fn in funcs]
    assert all(func_names) and len(set(func_names)) == 3


def test_anonymous_vars_and_funcs_work():
    a, b = hl.Var(), hl.Var()
    f = hl.Func()
    f[a, b] = a - b
    g = hl.Func()
    g[a, b] = f[b, a] * 2
    xs, ys = np.meshgrid(np.arange(3), np.arange(4))
    assert_exact(realize(g, [3, 4]), ((ys - xs) * 2).astype(np.int32))


def test_vars_are_matched_by_position_not_name():
    # Two Vars with the same name are the same variable in Halide.
    x1, x2, y = hl.Var("x"), hl.Var("x"), hl.Var("y")
    f = hl.Func("same_name_vars")
    f[x1, y] = x2 * 10 + y
    xs, ys = np.meshgrid(np.arange(3), np.arange(2))
    assert_exact(realize(f, [3, 2]), (xs * 10 + ys).astype(np.int32))


def test_compile_jit_then_repeated_realize():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("jitted")
    f[x, y] = x * y
    f.compile_jit()
    results = [realize(f, [4, 3]) for _ in range(3)]
    xs, ys = np.meshgrid(np.arange(4), np.arange(3))
    for r in results:
        assert_exact(r, (xs * ys).astype(np.int32))
    # The same Func realized over other sizes and regions.
    assert_exact(realize(f, [2, 5]), np.outer(np.arange(5), np.arange(2)).astype(np.int32))
    out = hl.Buffer(hl.Int(32), [3, 3])
    out.set_min([-1, -1])
    f.realize(out)
    assert_exact(np.asarray(out), np.outer(np.arange(-1, 2), np.arange(-1, 2)).astype(np.int32))


def test_repeated_realize_sees_new_input_values_and_new_definitions():
    x = hl.Var("x")
    data = np.zeros(4, dtype=np.int32)
    buf = to_buffer(data)
    f = hl.Func("repeat_input")
    f[x] = buf[x] + 1
    for k in range(3):
        data[:] = k
        assert_exact(realize(f, [4]), np.full(4, k + 1, dtype=np.int32))
    g = hl.Func("consumer_of_repeat")
    g[x] = f[x] * 2
    assert_exact(realize(g, [4]), np.full(4, 6, dtype=np.int32))


def test_zero_extent_realize():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("empty_region")
    f[x, y] = x + y
    out = realize(f, [0, 3])
    assert out.shape == (3, 0)


def test_tutorial_lesson_1_gradient():
    gradient = hl.Func("gradient")
    x = hl.Var("x")
    y = hl.Var("y")
    e = x + y
    gradient[x, y] = e
    output = gradient.realize([800, 600])
    assert_same_type(output.type(), hl.Int(32))
    assert output.width() == 800 and output.height() == 600
    for j, i in [(0, 0), (599, 799), (123, 456), (599, 0)]:
        assert output[i, j] == i + j
    expected = np.arange(600)[:, None] + np.arange(800)[None, :]
    assert_exact(np.asarray(output), expected.astype(np.int32))


def test_tutorial_lesson_2_brighten_planar_image():
    rng = np.random.default_rng(2)
    height, width = 97, 131
    image = rng.integers(0, 256, size=(3, height, width), dtype=np.uint8)  # planar c, y, x
    image[0, 0, :4] = [0, 169, 170, 255]  # 170 * 1.5 = 255 exactly, 169 * 1.5 = 253.5
    input_buf = hl.Buffer(image)
    assert (input_buf.width(), input_buf.height(), input_buf.channels()) == (width, height, 3)

    brighter = hl.Func("brighter")
    x, y, c = hl.Var("x"), hl.Var("y"), hl.Var("c")
    value = input_buf[x, y, c]
    value = hl.cast(hl.Float(32), value)
    value = value * 1.5
    value = hl.min(value, 255.0)
    value = hl.cast(hl.UInt(8), value)
    brighter[x, y, c] = value
    output = brighter.realize([input_buf.width(), input_buf.height(), input_buf.channels()])

    expected = np.minimum(image.astype(np.float32) * np.float32(1.5), np.float32(255)).astype(np.uint8)
    assert_exact(np.asarray(output), expected)
    assert output[0, 0, 0] == 0 and output[1, 0, 0] == 253 and output[2, 0, 0] == 255

    # The one-line version from the tutorial's comments gives the same image.
    brighter_short = hl.Func("brighter_short")
    brighter_short[x, y, c] = hl.cast(hl.UInt(8), hl.min(input_buf[x, y, c] * 1.5, 255))
    out_short = brighter_short.realize([width, height, 3])
    assert_exact(np.asarray(out_short), expected)


def test_brighten_interleaved_image():
    # An (h, w, 3) array wraps as a Buffer with dims (3, w, h): channel first in Halide order.
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, size=(20, 30, 3), dtype=np.uint8)
    buf = hl.Buffer(image)
    assert [buf.dim(i).extent() for i in range(3)] == [3, 30, 20]
    c, x, y = hl.Var("c"), hl.Var("x"), hl.Var("y")
    f = hl.Func("brighter_interleaved")
    f[c, x, y] = hl.cast(hl.UInt(8), hl.min(buf[c, x, y] * 1.5, 255))
    out = f.realize([3, 30, 20])
    expected = np.minimum(image.astype(np.float32) * np.float32(1.5), 255).astype(np.uint8)
    assert_exact(np.asarray(out), expected)
