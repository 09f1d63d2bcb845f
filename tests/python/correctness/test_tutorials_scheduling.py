"""Halide's scheduling tutorials, written against the modern Python API: lesson 5 (scheduling
1), lesson 6 (realizing over shifted domains) and lesson 8 (scheduling multi-stage pipelines).

What it does: runs each schedule the tutorials show, checks every output value against a
NumPy computation of the algorithm, and checks the loop nest Func.print_loop_nest() prints:
the order and nesting of the "produce"/"consume" blocks and loops, the loop kinds (for,
parallel, vectorized, unrolled) and that each loop name has the scheduled Var's name as one
of its dot-separated parts (Halide's loop names look like "x.x_outer").
What it assumes: print_loop_nest writes to stdout or stderr (the reference Halide writes to
stderr through C++ streams, so capfd rather than capsys); lines other than produce, consume
and loop headers (e.g. a storage block) are ignored and do not count towards nesting; the
extents printed after "in" are not checked.
"""

import numpy as np
import pytest

import halide as hl

LOOP_KINDS = ("for", "parallel", "vectorized", "unrolled")


def loop_nest(func, capfd):
    """Print `func`'s loop nest and return it as [(depth, kind, name)], where kind is
    produce/consume or a loop kind and depth counts enclosing produce/consume/loop nodes."""
    capfd.readouterr()
    func.print_loop_nest()
    captured = capfd.readouterr()
    text = captured.out + captured.err
    nodes, stack = [], []  # stack: (indent, is a recognized node)
    for line in text.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        words = line.split()
        if words[0] in ("produce", "consume") + LOOP_KINDS and len(words) > 1:
            depth = sum(1 for _, recognized in stack if recognized)
            nodes.append((depth, words[0], words[1].rstrip(":")))
            stack.append((indent, True))
        else:
            stack.append((indent, False))
    assert nodes, f"print_loop_nest printed no loop nest: {text!r}"
    return nodes


def assert_nest(nodes, expected, opaque=()):
    """`expected`: [(depth, kind, name)]; a produce/consume name is the Func's name, a loop name
    is the Var that must be one of the loop name's dot-separated parts. The contents of
    "produce f" for f in `opaque` are not compared: with store_root + compute_at, Halide's
    sliding window may already have removed or renamed the producer's loops when it prints
    (the reference prints e.g. "for y." for a slid loop)."""
    kept, skip_deeper_than = [], None
    for d, k, n in nodes:
        if skip_deeper_than is not None and d > skip_deeper_than:
            continue
        skip_deeper_than = d if (k == "produce" and n in opaque) else None
        kept.append((d, k, n))
    nodes = kept
    shown = "\n".join(f"{'  ' * d}{k} {n}" for d, k, n in nodes)
    assert len(nodes) == len(expected), f"loop nest:\n{shown}\nexpected {expected}"
    for (d, k, n), (ed, ek, en) in zip(nodes, expected):
        assert (d, k) == (ed, ek), f"loop nest:\n{shown}\nexpected {expected}"
        if k in ("produce", "consume"):
            assert n == en, f"loop nest:\n{shown}\nexpected {expected}"
        else:
            parts = n.split(".")
            assert en in parts, f"loop {n!r} is not over {en!r}:\n{shown}"


def grid(w, h, x0=0, y0=0):
    ys, xs = np.meshgrid(np.arange(y0, y0 + h), np.arange(x0, x0 + w), indexing="ij")
    return xs, ys


# ---- lesson 5: scheduling 1 ------------------------------------------------------------------


def gradient(name):
    x, y = hl.Var("x"), hl.Var("y")
    g = hl.Func(name)
    g[x, y] = x + y
    return g, x, y


def check_gradient(g, w, h):
    out = np.asarray(g.realize([w, h]))
    xs, ys = grid(w, h)
    np.testing.assert_array_equal(out, (xs + ys).astype(np.int32))


def test_lesson5_default_row_major(capfd):
    g, x, y = gradient("gradient")
    check_gradient(g, 4, 4)
    assert_nest(loop_nest(g, capfd), [(0, "produce", "gradient"), (1, "for", "y"), (2, "for", "x")])


def test_lesson5_reorder(capfd):
    g, x, y = gradient("gradient_col_major")
    g.reorder(y, x)
    check_gradient(g, 4, 4)
    assert_nest(loop_nest(g, capfd), [(0, "produce", "gradient_col_major"), (1, "for", "x"), (2, "for", "y")])


def test_lesson5_split(capfd):
    g, x, y = gradient("gradient_split")
    x_outer, x_inner = hl.Var("x_outer"), hl.Var("x_inner")
    g.split(x, x_outer, x_inner, 2)
    check_gradient(g, 4, 4)
    assert_nest(loop_nest(g, capfd), [(0, "produce", "gradient_split"), (1, "for", "y"),
                                      (2, "for", "x_outer"), (3, "for", "x_inner")])


def test_lesson5_fuse(capfd):
    g, x, y = gradient("gradient_fused")
    fused = hl.Var("fused")
    g.fuse(x, y, fused)
    check_gradient(g, 4, 4)
    assert_nest(loop_nest(g, capfd), [(0, "produce", "gradient_fused"), (1, "for", "fused")])


def test_lesson5_tile(capfd):
    g, x, y = gradient("gradient_tiled")
    x_outer, x_inner, y_outer, y_inner = hl.Var("x_outer"), hl.Var("x_inner"), hl.Var("y_outer"), hl.Var("y_inner")
    g.tile(x, y, x_outer, y_outer, x_inner, y_inner, 4, 4)
    check_gradient(g, 8, 8)
    assert_nest(loop_nest(g, capfd), [(0, "produce", "gradient_tiled"), (1, "for", "y_outer"),
                                      (2, "for", "x_outer"), (3, "for", "y_inner"), (4, "for", "x_inner")])


def test_lesson5_vectorize(capfd):
    g, x, y = gradient("gradient_in_vectors")
    x_outer, x_inner = hl.Var("x_outer"), hl.Var("x_inner")
    g.split(x, x_outer, x_inner, 4)
    g.vectorize(x_inner)
    check_gradient(g, 8, 4)
    assert_nest(loop_nest(g, capfd), [(0, "produce", "gradient_in_vectors"), (1, "for", "y"),
                                      (2, "for", "x_outer"), (3, "vectorized", "x_inner")])


def test_lesson5_unroll(capfd):
    g, x, y = gradient("gradient_unroll")
    x_outer, x_inner = hl.Var("x_outer"), hl.Var("x_inner")
    g.split(x, x_outer, x_inner, 2)
    g.unroll(x_inner)
    check_gradient(g, 4, 4)
    assert_nest(loop_nest(g, capfd), [(0, "produce", "gradient_unroll"), (1, "for", "y"),
                                      (2, "for", "x_outer"), (3, "unrolled", "x_inner")])


def test_lesson5_split_not_dividing_shifts_inwards(capfd):
    # 7 is not a multiple of 3: the last iteration of x_outer is shifted inwards and
    # recomputes some pixels, but the output is still exactly the gradient.
    g, x, y = gradient("split_uneven")
    x_outer, x_inner = hl.Var("x_outer"), hl.Var("x_inner")
    g.split(x, x_outer, x_inner, 3)
    check_gradient(g, 7, 2)
    # the same into a buffer of exactly 7x2 that starts elsewhere
    buf = hl.Buffer(hl.Int(32), [7, 2])
    buf.set_min([10, 20])
    g.realize(buf)
    xs, ys = grid(7, 2, 10, 20)
    np.testing.assert_array_equal(np.asarray(buf), (xs + ys).astype(np.int32))
    assert_nest(loop_nest(g, capfd), [(0, "produce", "split_uneven"), (1, "for", "y"),
                                      (2, "for", "x_outer"), (3, "for", "x_inner")])


def test_lesson5_fused_parallel_tiles(capfd):
    g, x, y = gradient("gradient_fused_tiles")
    x_outer, y_outer, x_inner, y_inner, tile_index = [
        hl.Var(n) for n in ("x_outer", "y_outer", "x_inner", "y_inner", "tile_index")]
    g.tile(x, y, x_outer, y_outer, x_inner, y_inner, 4, 4)
    g.fuse(x_outer, y_outer, tile_index)
    g.parallel(tile_index)
    check_gradient(g, 8, 8)
    assert_nest(loop_nest(g, capfd), [(0, "produce", "gradient_fused_tiles"), (1, "parallel", "tile_index"),
                                      (2, "for", "y_inner"), (3, "for", "x_inner")])


def test_lesson5_putting_it_all_together(capfd):
    g, x, y = gradient("gradient_fast")
    x_outer, y_outer, x_inner, y_inner, tile_index = [
        hl.Var(n) for n in ("x_outer", "y_outer", "x_inner", "y_inner", "tile_index")]
    g.tile(x, y, x_outer, y_outer, x_inner, y_inner, 64, 64).fuse(x_outer, y_outer, tile_index).parallel(tile_index)
    x_inner_outer, y_inner_outer, x_vectors, y_pairs = [
        hl.Var(n) for n in ("x_inner_outer", "y_inner_outer", "x_vectors", "y_pairs")]
    g.tile(x_inner, y_inner, x_inner_outer, y_inner_outer, x_vectors, y_pairs, 4, 2).vectorize(x_vectors).unroll(y_pairs)
    # 350 x 250 is not a multiple of the tile size: the edge tiles are shifted inwards
    check_gradient(g, 350, 250)
    assert_nest(loop_nest(g, capfd), [
        (0, "produce", "gradient_fast"), (1, "parallel", "tile_index"), (2, "for", "y_inner_outer"),
        (3, "for", "x_inner_outer"), (4, "unrolled", "y_pairs"), (5, "vectorized", "x_vectors")])


# ---- lesson 6: realizing over shifted domains ------------------------------------------------


def test_lesson6_realize_over_shifted_domain():
    x, y = hl.Var("x"), hl.Var("y")
    g = hl.Func("gradient_shifted")
    g[x, y] = x + y
    g.vectorize(x, 4, hl.TailStrategy.GuardWithIf)  # any schedule: values depend only on x, y
    result = g.realize([8, 8])
    assert result.dim(0).min() == 0 and result.dim(1).min() == 0
    assert result[3, 5] == 8
    shifted = hl.Buffer(hl.Int(32), [5, 7])
    shifted.set_min([100, 50])
    g.realize(shifted)
    assert shifted.dim(0).min() == 100 and shifted.dim(0).extent() == 5
    assert shifted.dim(1).min() == 50 and shifted.dim(1).extent() == 7
    for yy in range(50, 57):
        for xx in range(100, 105):
            assert shifted[xx, yy] == xx + yy
    xs, ys = grid(5, 7, 100, 50)
    np.testing.assert_array_equal(np.asarray(shifted), (xs + ys).astype(np.int32))


def test_lesson6_translate_and_negative_mins():
    x, y = hl.Var("x"), hl.Var("y")
    g = hl.Func("gradient_translated")
    g[x, y] = x * 3 - y * 1000
    buf = hl.Buffer(hl.Int(32), [6, 3])
    buf.translate([-4, -9])
    g.realize(buf)
    assert buf.dim(0).min() == -4 and buf.dim(1).min() == -9
    assert buf[-4, -9] == -12 + 9000
    assert buf[1, -7] == 3 + 7000
    xs, ys = grid(6, 3, -4, -9)
    np.testing.assert_array_equal(np.asarray(buf), (xs * 3 - ys * 1000).astype(np.int32))


def test_lesson6_shifted_multi_stage():
    # a producer's required region follows the consumer's shifted domain
    x, y = hl.Var("x"), hl.Var("y")
    p, c = hl.Func("shift_producer"), hl.Func("shift_consumer")
    p[x, y] = x * 10 + y
    c[x, y] = p[x - 1, y] + p[x + 1, y + 2]
    p.compute_root()
    buf = hl.Buffer(hl.Int(32), [4, 5])
    buf.set_min([-20, 30])
    c.realize(buf)
    xs, ys = grid(4, 5, -20, 30)
    np.testing.assert_array_equal(np.asarray(buf), ((xs - 1) * 10 + ys + (xs + 1) * 10 + ys + 2).astype(np.int32))


# ---- lesson 8: scheduling multi-stage pipelines ----------------------------------------------


def lesson8(suffix):
    x, y = hl.Var("x"), hl.Var("y")
    producer, consumer = hl.Func(f"producer_{suffix}"), hl.Func(f"consumer_{suffix}")
    producer[x, y] = hl.sin(x * y)
    consumer[x, y] = (producer[x, y] + producer[x, y + 1] + producer[x + 1, y] + producer[x + 1, y + 1]) / 4
    return producer, consumer, x, y


def lesson8_expected(w, h, x0=0, y0=0):
    xs, ys = grid(w, h, x0, y0)
    p = lambda X, Y: np.sin((X * Y).astype(np.float64))  # noqa: E731
    return (p(xs, ys) + p(xs, ys + 1) + p(xs + 1, ys) + p(xs + 1, ys + 1)) / 4


def check_lesson8(consumer, w, h):
    out = np.asarray(consumer.realize([w, h]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, lesson8_expected(w, h), rtol=0, atol=2e-5)
    # and over a shifted domain
    buf = hl.Buffer(hl.Float(32), [w, h])
    buf.set_min([-3, 7])
    consumer.realize(buf)
    np.testing.assert_allclose(np.asarray(buf), lesson8_expected(w, h, -3, 7), rtol=0, atol=2e-5)


def test_lesson8_inline(capfd):
    producer, consumer, x, y = lesson8("inline")
    check_lesson8(consumer, 4, 4)
    assert_nest(loop_nest(consumer, capfd), [(0, "produce", "consumer_inline"), (1, "for", "y"), (2, "for", "x")])


def test_lesson8_compute_root(capfd):
    producer, consumer, x, y = lesson8("root")
    producer.compute_root()
    check_lesson8(consumer, 4, 4)
    assert_nest(loop_nest(consumer, capfd), [
        (0, "produce", "producer_root"), (1, "for", "y"), (2, "for", "x"),
        (0, "consume", "producer_root"), (1, "produce", "consumer_root"), (2, "for", "y"), (3, "for", "x")])


def test_lesson8_compute_at_y(capfd):
    producer, consumer, x, y = lesson8("y")
    producer.compute_at(consumer, y)
    check_lesson8(consumer, 4, 4)
    assert_nest(loop_nest(consumer, capfd), [
        (0, "produce", "consumer_y"), (1, "for", "y"),
        (2, "produce", "producer_y"), (3, "for", "y"), (4, "for", "x"),
        (2, "consume", "producer_y"), (3, "for", "x")])


def test_lesson8_store_root_compute_at_y(capfd):
    producer, consumer, x, y = lesson8("root_y")
    producer.store_root()
    producer.compute_at(consumer, y)
    check_lesson8(consumer, 4, 4)
    assert_nest(loop_nest(consumer, capfd), [
        (0, "produce", "consumer_root_y"), (1, "for", "y"),
        (2, "produce", "producer_root_y"),
        (2, "consume", "producer_root_y"), (3, "for", "x")], opaque=["producer_root_y"])


def test_lesson8_store_root_compute_at_x(capfd):
    producer, consumer, x, y = lesson8("root_x")
    producer.store_root().compute_at(consumer, x)
    check_lesson8(consumer, 4, 4)
    assert_nest(loop_nest(consumer, capfd), [
        (0, "produce", "consumer_root_x"), (1, "for", "y"), (2, "for", "x"),
        (3, "produce", "producer_root_x"),
        (3, "consume", "producer_root_x")], opaque=["producer_root_x"])


def test_lesson8_tiles(capfd):
    producer, consumer, x, y = lesson8("tile")
    x_outer, y_outer, x_inner, y_inner = [hl.Var(n) for n in ("x_outer", "y_outer", "x_inner", "y_inner")]
    consumer.tile(x, y, x_outer, y_outer, x_inner, y_inner, 4, 4)
    producer.compute_at(consumer, x_outer)
    check_lesson8(consumer, 8, 8)
    assert_nest(loop_nest(consumer, capfd), [
        (0, "produce", "consumer_tile"), (1, "for", "y_outer"), (2, "for", "x_outer"),
        (3, "produce", "producer_tile"), (4, "for", "y"), (5, "for", "x"),
        (3, "consume", "producer_tile"), (4, "for", "y_inner"), (5, "for", "x_inner")])


def test_lesson8_mixed_parallel_vectorize(capfd):
    producer, consumer, x, y = lesson8("mixed")
    yo, yi = hl.Var("yo"), hl.Var("yi")
    consumer.split(y, yo, yi, 16)
    consumer.parallel(yo)
    consumer.vectorize(x, 4)
    producer.store_at(consumer, yo)
    producer.compute_at(consumer, yi)
    producer.vectorize(x, 4)
    check_lesson8(consumer, 160, 160)
    assert_nest(loop_nest(consumer, capfd), [
        (0, "produce", "consumer_mixed"), (1, "parallel", "yo"), (2, "for", "yi"),
        (3, "produce", "producer_mixed"),
        (3, "consume", "producer_mixed"), (4, "for", "x"), (5, "vectorized", "x")], opaque=["producer_mixed"])


def test_lesson8_all_schedules_agree():
    """Every lesson 8 schedule computes the same image (the tutorial's closing point)."""
    results = []
    for i, schedule in enumerate([
        lambda p, c, x, y: None,
        lambda p, c, x, y: p.compute_root(),
        lambda p, c, x, y: p.compute_at(c, y),
        lambda p, c, x, y: p.store_root().compute_at(c, y),
        lambda p, c, x, y: p.store_root().compute_at(c, x),
        lambda p, c, x, y: (c.tile(x, y, hl.Var("xo"), hl.Var("yo"), hl.Var("xi"), hl.Var("yi"), 4, 4),
                            p.compute_at(c, hl.Var("xo"))),
    ]):
        producer, consumer, x, y = lesson8(f"agree{i}")
        schedule(producer, consumer, x, y)
        results.append(np.asarray(consumer.realize([12, 12])).copy())
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], rtol=0, atol=2e-6)
    np.testing.assert_allclose(results[0], lesson8_expected(12, 12), rtol=0, atol=2e-5)


def test_lesson8_pipeline_of_three_with_tiles_and_sliding():
    # a chain: the first stage is computed per tile of the second, which is computed per
    # scanline of the output and stored at the root (so Halide may slide it)
    x, y = hl.Var("x"), hl.Var("y")
    a, b, c = hl.Func("chain_a"), hl.Func("chain_b"), hl.Func("chain_c")
    a[x, y] = x * 2 + y * 3
    b[x, y] = a[x - 1, y] + a[x + 1, y] + a[x, y - 1]
    c[x, y] = b[x, y] + b[x, y + 1] * 2
    xo, yo, xi, yi = [hl.Var(n) for n in ("xo", "yo", "xi", "yi")]
    b.store_root().compute_at(c, y)
    b.tile(x, y, xo, yo, xi, yi, 4, 2, hl.TailStrategy.GuardWithIf)
    a.compute_at(b, xo).vectorize(x, 4)
    w, h = 13, 9
    xs, ys = grid(w, h)
    av = lambda X, Y: X * 2 + Y * 3  # noqa: E731
    bv = lambda X, Y: av(X - 1, Y) + av(X + 1, Y) + av(X, Y - 1)  # noqa: E731
    np.testing.assert_array_equal(np.asarray(c.realize([w, h])), (bv(xs, ys) + 2 * bv(xs, ys + 1)).astype(np.int32))


@pytest.mark.parametrize("w, h", [(1, 1), (3, 17), (33, 5)])
def test_lesson8_odd_sizes(w, h):
    producer, consumer, x, y = lesson8(f"odd{w}x{h}")
    x_outer, y_outer, x_inner, y_inner = [hl.Var(n) for n in ("x_outer", "y_outer", "x_inner", "y_inner")]
    consumer.tile(x, y, x_outer, y_outer, x_inner, y_inner, 4, 4, hl.TailStrategy.GuardWithIf)
    consumer.vectorize(x_inner)
    producer.compute_at(consumer, x_outer).vectorize(x, 4)
    check_lesson8(consumer, w, h)
