"""The seed's dilate3x3 pipeline (ImageParam + repeat_edge + clamp + max), realized under JIT.

What it does: builds the algorithm exactly as the seed document writes it (its lines 1-18;
the hexagon schedule and compile_to_file are left out), binds input images of several sizes
and contents, realizes the output over the input's region and over a larger window, and
compares every pixel, edges and corners included, with a NumPy 3x3 maximum filter.
What it assumes: repeat_edge over an ImageParam with a bounds list in which
(hl.Expr(), hl.Expr()) leaves y alone; y is clamped to [0, height - 1] by the algorithm.
What it guarantees: expected values are computed with NumPy only.
"""

import numpy as np
import pytest

import halide as hl
from conftest import assert_exact, to_buffer


def build_dilate3x3():
    """The seed's algorithm, text unchanged. Returns (input_img, output)."""
    input_img = hl.ImageParam(hl.UInt(8), 2)
    x, y, yo = hl.Var("x"), hl.Var("y"), hl.Var("yo")
    bounded_input, max_y, output = hl.Func("bounded_input"), hl.Func("max_y"), hl.Func("output")

    # Algorithm
    height = input_img.height()
    width = input_img.dim(0).extent()
    x_min = input_img.dim(0).min()

    bounded_input[x, y] = hl.BoundaryConditions.repeat_edge(
        input_img, [(x_min, width), (hl.Expr(), hl.Expr())])[x, y]

    max_y[x, y] = hl.max(bounded_input[x, hl.clamp(y - 1, 0, height - 1)],
                        bounded_input[x, hl.clamp(y, 0, height - 1)],
                        bounded_input[x, hl.clamp(y + 1, 0, height - 1)])

    output[x, y] = hl.max(max_y[x - 1, y], max_y[x, y], max_y[x + 1, y])
    return input_img, output, (x, y, yo), (bounded_input, max_y)


def expected_dilate(a, x_min, xs, ys):
    """NumPy model of the algorithm at output coordinates xs (x) and ys (y).
    a has shape (h, w) and its x coordinates start at x_min; its y coordinates start at 0."""
    h, w = a.shape

    def bounded(xc, yc):  # repeat_edge in x only, y already clamped by the caller
        return a[yc, np.clip(xc - x_min, 0, w - 1)]

    def max_y(xc, yc):
        rows = [np.clip(yc + d, 0, h - 1) for d in (-1, 0, 1)]
        return np.maximum.reduce([bounded(xc, r) for r in rows])

    X, Y = np.meshgrid(xs, ys)
    return np.maximum.reduce([max_y(X + d, Y) for d in (-1, 0, 1)]).astype(np.uint8)


def padded_max_filter(a):
    """Independent check: the 3x3 maximum over the edge-padded image."""
    p = np.pad(a, 1, mode="edge")
    h, w = a.shape
    return np.maximum.reduce([p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
                              for dy in (-1, 0, 1) for dx in (-1, 0, 1)])


def random_image(rng, w, h):
    return rng.integers(0, 256, size=(h, w), dtype=np.uint8)


@pytest.mark.parametrize("w,h", [(1, 1), (2, 3), (3, 2), (7, 5), (16, 9), (33, 17)])
def test_dilate_over_input_region(w, h):
    rng = np.random.default_rng(w * 100 + h)
    input_img, output, _, _ = build_dilate3x3()
    a = random_image(rng, w, h)
    input_img.set(to_buffer(a))
    out = np.array(output.realize([w, h]))
    assert_exact(out, padded_max_filter(a))
    assert_exact(out, expected_dilate(a, 0, np.arange(w), np.arange(h)))


def test_dilate_single_bright_pixel_at_every_edge_and_corner():
    # A lone 255 at each border position spreads to exactly its clamped 3x3 neighbourhood.
    w, h = 5, 4
    input_img, output, _, _ = build_dilate3x3()
    for py in range(h):
        for px in range(w):
            a = np.zeros((h, w), np.uint8)
            a[py, px] = 255
            input_img.set(to_buffer(a))
            out = np.array(output.realize([w, h]))
            expected = np.zeros((h, w), np.uint8)
            expected[max(py - 1, 0):py + 2, max(px - 1, 0):px + 2] = 255
            assert_exact(out, expected)


def test_dilate_one_pipeline_many_images():
    # The same output Func realized again with differently sized inputs: no rebuild needed.
    rng = np.random.default_rng(7)
    input_img, output, _, _ = build_dilate3x3()
    for w, h in [(8, 8), (3, 11), (12, 1), (1, 6)]:
        a = random_image(rng, w, h)
        input_img.set(to_buffer(a))
        assert_exact(np.array(output.realize([w, h])), padded_max_filter(a))


def test_dilate_over_a_window_larger_than_the_input():
    # x is handled by repeat_edge and y by the clamps, so any window is defined.
    rng = np.random.default_rng(3)
    w, h = 6, 4
    input_img, output, _, _ = build_dilate3x3()
    a = random_image(rng, w, h)
    input_img.set(to_buffer(a))
    buf = hl.Buffer(hl.UInt(8), [w + 6, h + 6])
    buf.set_min([-3, -3])
    output.realize(buf)
    out = np.array(buf)
    expected = expected_dilate(a, 0, np.arange(-3, w + 3), np.arange(-3, h + 3))
    assert_exact(out, expected)
    # Two or more pixels beyond the image only the edge row/column itself is seen.
    assert_exact(out[0, 3:3 + w], np.maximum.reduce([a[0, np.clip(np.arange(w) + d, 0, w - 1)] for d in (-1, 0, 1)]))
    assert_exact(out[3:3 + h, 0], np.maximum.reduce([a[np.clip(np.arange(h) + d, 0, h - 1), 0] for d in (-1, 0, 1)]))
    assert out[0, 0] == a[0, 0] and out[-1, -1] == a[-1, -1]


def test_dilate_input_with_nonzero_x_min():
    # The algorithm takes x_min from the ImageParam; y must start at 0 (it clamps to [0, h-1]).
    rng = np.random.default_rng(11)
    w, h = 7, 5
    input_img, output, _, _ = build_dilate3x3()
    a = random_image(rng, w, h)
    buf = to_buffer(a)
    buf.set_min([3, 0])
    input_img.set(buf)
    out_buf = hl.Buffer(hl.UInt(8), [w, h])
    out_buf.set_min([3, 0])
    output.realize(out_buf)
    assert_exact(np.array(out_buf), padded_max_filter(a))
    assert_exact(np.array(out_buf), expected_dilate(a, 3, np.arange(3, 3 + w), np.arange(h)))


@pytest.mark.parametrize("schedule", ["root", "vectorize_parallel", "tiles", "max_y_at_rows"])
def test_dilate_with_cpu_schedules(schedule):
    # A schedule never changes the values (the seed's hexagon() schedule is replaced by CPU ones).
    rng = np.random.default_rng(5)
    w, h = 37, 23
    input_img, output, (x, y, yo), (bounded_input, max_y) = build_dilate3x3()
    yi, xi = hl.Var("yi"), hl.Var("xi")
    if schedule == "root":
        bounded_input.compute_root()
        max_y.compute_root()
    elif schedule == "vectorize_parallel":
        max_y.compute_root().vectorize(x, 8)
        output.vectorize(x, 16).parallel(y)
    elif schedule == "tiles":
        output.tile(x, y, xi, yi, 8, 8).parallel(y)
        max_y.compute_at(output, x)
    else:
        output.split(y, yo, yi, 8).parallel(yo)
        max_y.store_at(output, yo).compute_at(output, yi)
    a = random_image(rng, w, h)
    input_img.set(to_buffer(a))
    assert_exact(np.array(output.realize([w, h])), padded_max_filter(a))
