"""Unrolled and vectorized loops whose extent is bounded by a constant but not one.

What it does: unrolls and vectorizes loops whose extent bounds inference leaves symbolic:
an RDom of extent min(p, 4) (a constant upper bound; the copies or lanes past the extent
must not run), the producer of a GuardWithIf split computed at the split's outer loop (the
last tile is shorter), the producer of a ShiftInwards tile (constant only through the
tile's bounds), and the tiled matrix multiply of the lesson-style apps; then the user error
when no constant bound exists (the reference's words: "Can only unroll for loops over a
constant extent", "Can only vectorize for loops over a constant extent", naming the loop's
extent). Every result is compared with NumPy.
What it assumes: the modern binding API (Param.set, realize([w, h]), np.asarray with the
axes reversed).
What it guarantees: nothing about the code shape (guards versus predication); only values
and error messages are checked.
"""

import numpy as np
import pytest

import halide as hl

x, y = hl.Var("x"), hl.Var("y")
xo, xi, yo, yi = hl.Var("xo"), hl.Var("xi"), hl.Var("yo"), hl.Var("yi")


def scaled_prefix(p_value, size, start, limit):
    """f[x] = x, then f[r] *= 10 for r in [start, start + min(p, limit))."""
    want = np.arange(size, dtype=np.int32)
    n = max(0, min(p_value, limit))
    want[start:start + n] *= 10
    return want


@pytest.mark.parametrize("directive", ["unroll", "vectorize"])
def test_rdom_of_extent_min_p_4(directive):
    p = hl.Param(hl.Int(32), "p_bounded")
    f = hl.Func(f"bounded_rdom_{directive}")
    f[x] = x
    r = hl.RDom([(1, hl.min(p, 4))])
    f[r.x] = f[r.x] * 10
    getattr(f.update(0), directive)(r.x)
    for value in (-3, 0, 1, 3, 4, 9):
        p.set(value)
        np.testing.assert_array_equal(np.asarray(f.realize([8])), scaled_prefix(value, 8, 1, 4))


@pytest.mark.parametrize("directive", ["unroll", "vectorize"])
@pytest.mark.parametrize("width", [1, 5, 8, 13, 16, 21])
def test_guard_with_if_tail_inside_compute_at(directive, width):
    g, out = hl.Func(f"guard_tail_g_{directive}"), hl.Func(f"guard_tail_out_{directive}")
    g[x] = x * 3 + 1
    out[x] = g[x] * 2
    out.split(x, xo, xi, 8, hl.TailStrategy.GuardWithIf)
    getattr(g.compute_at(out, xo), directive)(x)
    buf = hl.Buffer(hl.Int(32), [width])
    buf.set_min([-3])
    out.realize(buf)
    xs = np.arange(-3, width - 3)
    np.testing.assert_array_equal(np.asarray(buf), ((xs * 3 + 1) * 2).astype(np.int32))


@pytest.mark.parametrize("directive", ["unroll", "vectorize"])
def test_shift_inwards_tile_inside_compute_at(directive):
    g, out = hl.Func(f"shift_tile_g_{directive}"), hl.Func(f"shift_tile_out_{directive}")
    g[x, y] = x * 5 + y
    out[x, y] = g[x, y] + g[x, y] // 2
    out.tile(x, y, xo, yo, xi, yi, 4, 3)
    getattr(g.compute_at(out, xo), directive)(y)
    for w, h in ((4, 3), (9, 7), (13, 5)):
        ys, xs = np.mgrid[0:h, 0:w]
        gv = xs * 5 + ys
        np.testing.assert_array_equal(np.asarray(out.realize([w, h])), (gv + gv // 2).astype(np.int32))


def test_unrolled_update_of_a_tiled_accumulator():
    # The schedule of the lesson-style matrix multiply: the accumulator computed per tile,
    # its update's pure vars vectorized and unrolled, the RDom outermost.
    n = 12
    a = (np.arange(n * n, dtype=np.float32).reshape(n, n) % 7) / 4
    b = (np.arange(n * n, dtype=np.float32).reshape(n, n) % 5) / 2
    A, B = hl.Buffer(a), hl.Buffer(b)
    r = hl.RDom([(0, n)])
    acc, out = hl.Func("tiled_acc"), hl.Func("tiled_out")
    acc[x, y] = 0.0
    acc[x, y] += A[r.x, y] * B[x, r.x]
    out[x, y] = acc[x, y]
    out.tile(x, y, xo, yo, xi, yi, 8, 4).vectorize(xi, 4).parallel(yo)
    acc.compute_at(out, xo).vectorize(x, 4).unroll(y)
    acc.update(0).reorder(x, y, r.x).vectorize(x, 4).unroll(y)
    np.testing.assert_array_equal(np.asarray(out.realize([n, n])), a @ b)


@pytest.mark.parametrize("directive,words", [("unroll", "Can only unroll for loops over a constant extent"),
                                             ("vectorize", "Can only vectorize for loops over a constant extent")])
def test_no_constant_bound_is_an_error(directive, words):
    p = hl.Param(hl.Int(32), "p_unbounded")
    f = hl.Func(f"unbounded_rdom_{directive}")
    f[x] = x
    r = hl.RDom([(0, hl.max(p, 4))])
    f[r.x] = f[r.x] * 10
    getattr(f.update(0), directive)(r.x)
    p.set(3)
    with pytest.raises(hl.HalideError) as info:
        f.realize([8])
    message = str(info.value)
    assert words in message and "has extent max(p_unbounded, 4)" in message, message
