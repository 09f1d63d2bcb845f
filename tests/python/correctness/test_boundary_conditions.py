"""hl.BoundaryConditions: constant_exterior, repeat_edge, repeat_image, mirror_image and
mirror_interior over Funcs (explicit bounds), Buffers and ImageParams.

What it does: builds each boundary condition around a small 2-D image (or a Func defined
everywhere), realizes it over a window that reaches several pixels past every edge and corner,
and compares every element with np.pad in the matching mode ('constant', 'edge', 'wrap',
'symmetric', 'reflect'). Bounds lists are given as (min, extent) tuples or hl.Range, and
(hl.Expr(), hl.Expr()) leaves a dimension alone, as the seed's dilate3x3 does.
What it assumes: realize into an hl.Buffer whose mins were set with set_min; np.asarray of a
Buffer has the axes reversed ([y, x]).
What it guarantees: expected values come from NumPy only.
"""

import numpy as np
import pytest

import halide as hl
from conftest import assert_exact, to_buffer

BC = hl.BoundaryConditions

# name -> (function taking (source, bounds-or-None), np.pad mode)
KINDS = {
    "constant_exterior": (lambda src, b=None: BC.constant_exterior(src, 77) if b is None
                          else BC.constant_exterior(src, 77, b), "constant"),
    "repeat_edge": (lambda src, b=None: BC.repeat_edge(src) if b is None else BC.repeat_edge(src, b), "edge"),
    "repeat_image": (lambda src, b=None: BC.repeat_image(src) if b is None else BC.repeat_image(src, b), "wrap"),
    "mirror_image": (lambda src, b=None: BC.mirror_image(src) if b is None else BC.mirror_image(src, b),
                     "symmetric"),
    "mirror_interior": (lambda src, b=None: BC.mirror_interior(src) if b is None
                        else BC.mirror_interior(src, b), "reflect"),
}
KIND_NAMES = list(KINDS)

HL_OF = {np.dtype(np.uint8): hl.UInt(8), np.dtype(np.int16): hl.Int(16), np.dtype(np.int32): hl.Int(32),
         np.dtype(np.float32): hl.Float(32)}


def image(w, h, dtype=np.int16):
    """A w x h image (NumPy shape (h, w)) whose every pixel is distinct: 10*y + x + 1."""
    ys, xs = np.mgrid[0:h, 0:w]
    return (ys * 10 + xs + 1).astype(dtype)


def np_pad(a, pad, mode):
    if mode == "constant":
        return np.pad(a, pad, mode="constant", constant_values=77)
    return np.pad(a, pad, mode=mode)


def realize_window(func, mins, extents, htype):
    """Realize the 2-D `func` over [mins, mins + extents) and return a NumPy copy ([y, x])."""
    buf = hl.Buffer(htype, list(extents))
    buf.set_min(list(mins))
    func.realize(buf)
    return np.array(buf, copy=True)


def wrapped(bc):
    """A Func g[x, y] = bc[x, y], so bc itself stays whatever the boundary condition made."""
    x, y = hl.Var("x"), hl.Var("y")
    g = hl.Func("read_" + bc.name())
    g[x, y] = bc[x, y]
    return g


# ---- Buffers (bounds taken from the buffer) -----------------------------------------------------


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("w,h", [(4, 3), (1, 1), (5, 2), (2, 6)])
def test_buffer_source_every_edge_and_corner(kind, w, h):
    make, mode = KINDS[kind]
    a = image(w, h)
    pad = 7  # more than the image size: the pattern must repeat, not just reach one pixel out
    out = realize_window(wrapped(make(to_buffer(a))), (-pad, -pad), (w + 2 * pad, h + 2 * pad), hl.Int(16))
    assert_exact(out, np_pad(a, pad, mode))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_buffer_source_with_nonzero_mins(kind):
    make, mode = KINDS[kind]
    a = image(4, 3)
    buf = to_buffer(a)
    buf.set_min([5, -2])  # the image covers x in [5, 9), y in [-2, 1)
    pad = 5
    out = realize_window(wrapped(make(buf)), (5 - pad, -2 - pad), (4 + 2 * pad, 3 + 2 * pad), hl.Int(16))
    assert_exact(out, np_pad(a, pad, mode))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_buffer_source_window_partly_inside(kind):
    # A window that covers only the bottom-right corner region and beyond.
    make, mode = KINDS[kind]
    a = image(4, 3)
    pad = 4
    expected = np_pad(a, pad, mode)[pad + 1:, pad + 2:]  # y from 1, x from 2
    out = realize_window(wrapped(make(to_buffer(a))), (2, 1), (expected.shape[1], expected.shape[0]), hl.Int(16))
    assert_exact(out, expected)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float32])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_buffer_source_of_other_types(kind, dtype):
    make, mode = KINDS[kind]
    a = image(3, 4, dtype)
    if dtype == np.float32:
        a = a + np.float32(0.5)
    pad = 3
    out = realize_window(wrapped(make(to_buffer(a))), (-pad, -pad), (3 + 2 * pad, 4 + 2 * pad), HL_OF[np.dtype(dtype)])
    assert_exact(out, np_pad(a, pad, mode).astype(dtype))


@pytest.mark.parametrize("value", [0, 255, 3])
def test_constant_exterior_values(value):
    a = image(3, 2, np.uint8)
    bc = BC.constant_exterior(to_buffer(a), value)
    out = realize_window(wrapped(bc), (-2, -2), (7, 6), hl.UInt(8))
    assert_exact(out, np.pad(a, 2, mode="constant", constant_values=value))


def test_constant_exterior_expr_value():
    a = image(3, 2, np.float32)
    bc = BC.constant_exterior(to_buffer(a), hl.f32(-1.25))
    out = realize_window(wrapped(bc), (-2, -1), (7, 4), hl.Float(32))
    assert_exact(out, np.pad(a, ((1, 1), (2, 2)), mode="constant", constant_values=-1.25))


# ---- Funcs with explicit bounds -----------------------------------------------------------------


def everywhere_func():
    """A Func defined on the whole plane: 10*y + x + 1 (int16), with image() as its [0,w)x[0,h) part."""
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("everywhere")
    f[x, y] = hl.i16(y * 10 + x + 1)
    return f


def full_plane(mins, extents):
    """The values of everywhere_func() over a window."""
    ys, xs = np.mgrid[mins[1]:mins[1] + extents[1], mins[0]:mins[0] + extents[0]]
    return (ys * 10 + xs + 1).astype(np.int16)


@pytest.mark.parametrize("bounds_form", ["tuples", "ranges", "exprs"])
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_func_source_with_explicit_bounds(kind, bounds_form):
    make, mode = KINDS[kind]
    # The Func is bounded to x in [2, 6), y in [1, 4).
    if bounds_form == "tuples":
        bounds = [(2, 4), (1, 3)]
    elif bounds_form == "ranges":
        bounds = [hl.Range(2, 4), hl.Range(1, 3)]
    else:
        bounds = [(hl.Expr(2), hl.Expr(4)), (hl.Expr(1), hl.Expr(3))]
    bc = make(everywhere_func(), bounds)
    pad = 6
    out = realize_window(wrapped(bc), (2 - pad, 1 - pad), (4 + 2 * pad, 3 + 2 * pad), hl.Int(16))
    inner = full_plane((2, 1), (4, 3))
    assert_exact(out, np_pad(inner, pad, mode))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_func_source_leave_x_alone(kind):
    make, mode = KINDS[kind]
    bc = make(everywhere_func(), [(hl.Expr(), hl.Expr()), (0, 3)])
    pad = 4
    mins, extents = (-3, -pad), (9, 3 + 2 * pad)
    out = realize_window(wrapped(bc), mins, extents, hl.Int(16))
    # x is read directly from the Func; y is bounded to [0, 3).
    inner = full_plane((mins[0], 0), (extents[0], 3))
    expected = np_pad(inner, ((pad, pad), (0, 0)), mode)
    assert_exact(out, expected)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_func_source_leave_y_alone(kind):
    make, mode = KINDS[kind]
    bc = make(everywhere_func(), [(1, 2), (hl.Expr(), hl.Expr())])
    pad = 5
    mins, extents = (1 - pad, -2), (2 + 2 * pad, 6)
    out = realize_window(wrapped(bc), mins, extents, hl.Int(16))
    inner = full_plane((1, mins[1]), (2, extents[1]))
    expected = np_pad(inner, ((0, 0), (pad, pad)), mode)
    assert_exact(out, expected)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_func_source_bounds_from_params(kind):
    # Bounds may be run-time Exprs; changing the Params changes the region without a rebuild.
    make, mode = KINDS[kind]
    x0 = hl.Param(hl.Int(32), "bc_x0", 0)
    w = hl.Param(hl.Int(32), "bc_w", 3)
    bc = make(everywhere_func(), [(x0, w), (0, 2)])
    g = wrapped(bc)
    pad = 4
    for mn, ext in [(0, 3), (-2, 5), (3, 1)]:
        x0.set(mn)
        w.set(ext)
        out = realize_window(g, (mn - pad, -pad), (ext + 2 * pad, 2 + 2 * pad), hl.Int(16))
        assert_exact(out, np_pad(full_plane((mn, 0), (ext, 2)), pad, mode))


def test_buffer_source_with_explicit_bounds_smaller_than_buffer():
    # Explicit bounds on a Buffer override its own: treat only the middle 2x2 as the image.
    a = image(5, 4)
    bc = BC.repeat_edge(to_buffer(a), [(1, 2), (1, 2)])
    out = realize_window(wrapped(bc), (-1, -1), (7, 6), hl.Int(16))
    inner = a[1:3, 1:3]
    assert_exact(out, np.pad(inner, ((2, 2), (2, 3)), mode="edge"))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_three_dimensional_buffer_leave_channels_alone(kind):
    make, mode = KINDS[kind]
    a = np.stack([image(4, 3) + 100 * c for c in range(3)]).astype(np.int16)  # shape (c, y, x)
    bc = make(to_buffer(a), [(0, 4), (0, 3), (hl.Expr(), hl.Expr())])
    x, y, c = hl.Var("x"), hl.Var("y"), hl.Var("c")
    g = hl.Func("read_3d")
    g[x, y, c] = bc[x, y, c]
    pad = 3
    buf = hl.Buffer(hl.Int(16), [4 + 2 * pad, 3 + 2 * pad, 3])
    buf.set_min([-pad, -pad, 0])
    g.realize(buf)
    out = np.array(buf, copy=True)
    expected = np.stack([np_pad(a[ch], pad, mode) for ch in range(3)])
    assert_exact(out, expected)


# ---- ImageParams --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_image_param_source(kind):
    make, mode = KINDS[kind]
    im = hl.ImageParam(hl.Int(16), 2, "bc_input")
    g = wrapped(make(im))
    pad = 5
    # One pipeline, several bound images of different sizes: the bounds come from the buffer.
    for w, h in [(4, 3), (1, 2), (6, 5)]:
        a = image(w, h)
        im.set(to_buffer(a))
        out = realize_window(g, (-pad, -pad), (w + 2 * pad, h + 2 * pad), hl.Int(16))
        assert_exact(out, np_pad(a, pad, mode))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_image_param_source_with_nonzero_min(kind):
    make, mode = KINDS[kind]
    im = hl.ImageParam(hl.Int(16), 2, "bc_input_min")
    g = wrapped(make(im))
    a = image(3, 4)
    buf = to_buffer(a)
    buf.set_min([-4, 7])
    im.set(buf)
    pad = 4
    out = realize_window(g, (-4 - pad, 7 - pad), (3 + 2 * pad, 4 + 2 * pad), hl.Int(16))
    assert_exact(out, np_pad(a, pad, mode))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_image_param_source_with_explicit_bounds(kind):
    make, mode = KINDS[kind]
    im = hl.ImageParam(hl.Int(16), 2, "bc_input_bounds")
    # The seed's form: bounds built from the ImageParam's own dimension Exprs.
    bc = make(im, [(im.dim(0).min(), im.dim(0).extent()), (im.dim(1).min(), im.height())])
    g = wrapped(bc)
    a = image(5, 3)
    im.set(to_buffer(a))
    pad = 6
    out = realize_window(g, (-pad, -pad), (5 + 2 * pad, 3 + 2 * pad), hl.Int(16))
    assert_exact(out, np_pad(a, pad, mode))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_image_param_leave_y_alone(kind):
    make, mode = KINDS[kind]
    im = hl.ImageParam(hl.Int(16), 2, "bc_input_x_only")
    bc = make(im, [(im.dim(0).min(), im.dim(0).extent()), (hl.Expr(), hl.Expr())])
    g = wrapped(bc)
    a = image(4, 5)
    im.set(to_buffer(a))
    pad = 5
    # y stays within the image (it is not bounded), x reaches past both edges.
    out = realize_window(g, (-pad, 1), (4 + 2 * pad, 3), hl.Int(16))
    expected = np_pad(a, ((0, 0), (pad, pad)), mode)[1:4]
    assert_exact(out, expected)


def test_boundary_condition_func_is_usable_in_a_stencil():
    # A 3x3 box sum over repeat_edge: the classic use.
    a = image(6, 5, np.int32)
    bc = BC.repeat_edge(to_buffer(a))
    x, y = hl.Var("x"), hl.Var("y")
    blur = hl.Func("box3")
    blur[x, y] = sum(bc[x + dx, y + dy] for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    out = np.array(blur.realize([6, 5]))
    p = np.pad(a, 1, mode="edge")
    expected = sum(p[1 + dy:1 + dy + 5, 1 + dx:1 + dx + 6] for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    assert_exact(out, expected.astype(np.int32))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_scheduled_consumer_gives_same_answer(kind):
    make, mode = KINDS[kind]
    a = image(7, 5)
    bc = make(to_buffer(a))
    x, y, xi, yi = hl.Var("x"), hl.Var("y"), hl.Var("xi"), hl.Var("yi")
    g = hl.Func("scheduled_read")
    g[x, y] = bc[x, y] + bc[x - 1, y + 1]
    g.tile(x, y, x, y, xi, yi, 4, 4).vectorize(xi).parallel(y)
    pad = 6
    out = realize_window(g, (-pad, -pad), (7 + 2 * pad, 5 + 2 * pad), hl.Int(16))
    p = np_pad(a, pad + 1, mode)
    h, w = 5 + 2 * pad, 7 + 2 * pad
    expected = p[1:1 + h, 1:1 + w] + p[2:2 + h, 0:w]
    assert_exact(out, expected.astype(np.int16))
