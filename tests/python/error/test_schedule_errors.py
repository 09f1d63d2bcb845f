"""Wrong schedules: each raises hl.HalideError with a message naming the Func and the Var (or
loop) at fault, is a *user* error (never an internal error), and leaves the interpreter able
to run a correct scheduled pipeline afterwards.

What it does: provokes each scheduling error (at the scheduling call or at realize: the
tests do not care which, so both happen inside the checked call) and checks generic
substrings of the message: the names, and a word naming the problem where the reference and
halide-c share it.
What it assumes: the Func and Var names used here are distinctive, so finding them in the
message means the message names them (the reference may append "$n" to a Func's name).
"""

import numpy as np
import pytest

import halide as hl
from conftest import IS_HALIDE_C

T = hl.TailStrategy


@pytest.fixture(autouse=True)
def interpreter_still_works():
    yield
    x, y = hl.Var("x"), hl.Var("y")
    xo, xi = hl.Var("xo"), hl.Var("xi")
    p, f = hl.Func("after_error_producer"), hl.Func("after_error")
    p[x, y] = x + y * 10
    f[x, y] = p[x, y] + p[x + 1, y]
    f.split(x, xo, xi, 2, T.GuardWithIf).vectorize(xi).parallel(y)
    p.compute_at(f, xo)
    out = np.array(f.realize([3, 2]))
    np.testing.assert_array_equal(out, np.array([[1, 3, 5], [21, 23, 25]], dtype=np.int32))


def expect_user_error(fn, *substrings):
    """Run fn, expect hl.HalideError whose message contains every substring (case-insensitive)
    and is not an internal error."""
    with pytest.raises(hl.HalideError) as info:
        fn()
    message = str(info.value)
    lowered = message.lower()
    assert "internal error" not in lowered, message
    assert "internal" not in lowered.split("error")[0], message
    for s in substrings:
        assert s.lower() in lowered, f"{s!r} not in error message: {message!r}"
    return message


def func_xy(name):
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func(name)
    f[x, y] = x + y
    return f, x, y


# ---- unknown dimensions ----------------------------------------------------------------------


def test_split_of_unknown_var():
    f, x, y = func_xy("split_unknown_func")

    def go():
        f.split(hl.Var("no_such_dim"), hl.Var("xo"), hl.Var("xi"), 4)
        f.realize([8, 8])

    expect_user_error(go, "split_unknown_func", "no_such_dim")


def test_split_of_var_already_split_away():
    f, x, y = func_xy("split_twice_func")

    def go():
        f.split(x, hl.Var("xo"), hl.Var("xi"), 2).split(x, hl.Var("xo"), hl.Var("xi"), 2)
        f.realize([8, 8])

    expect_user_error(go, "split_twice_func", "split")


@pytest.mark.parametrize("directive", ["fuse", "rename", "parallel", "vectorize", "unroll", "tile", "reorder", "serial"])
def test_directive_on_unknown_var(directive):
    f, x, y = func_xy(f"{directive}_unknown_func")
    bad = hl.Var("ghost_dim")
    calls = {
        "fuse": lambda: f.fuse(x, bad, hl.Var("fz")),
        "rename": lambda: f.rename(bad, hl.Var("renamed")),
        "parallel": lambda: f.parallel(bad),
        "vectorize": lambda: f.vectorize(bad, 4),
        "unroll": lambda: f.unroll(bad, 2),
        "tile": lambda: f.tile(x, bad, hl.Var("xo"), hl.Var("yo"), hl.Var("xi"), hl.Var("yi"), 2, 2),
        "reorder": lambda: f.reorder(x, bad),
        "serial": lambda: f.serial(bad),
    }

    def go():
        calls[directive]()
        f.realize([4, 4])

    expect_user_error(go, f"{directive}_unknown_func", "ghost_dim")


def test_reorder_with_repeated_var():
    f, x, y = func_xy("reorder_twice_func")

    def go():
        f.reorder(x, x)
        f.realize([4, 4])

    expect_user_error(go, "reorder_twice_func", "x")


def test_reorder_with_repeated_split_var():
    f, x, y = func_xy("reorder_twice_split_func")
    xo, xi = hl.Var("outer_part"), hl.Var("inner_part")

    def go():
        f.split(x, xo, xi, 2).reorder(xi, y, xi)
        f.realize([4, 4])

    expect_user_error(go, "reorder_twice_split_func", "inner_part")


# ---- compute_at / store_at levels ------------------------------------------------------------


def test_compute_at_func_not_in_pipeline():
    x = hl.Var("x")
    producer, consumer, stranger = hl.Func("orphan_producer"), hl.Func("real_consumer"), hl.Func("stranger_func")
    producer[x] = x
    consumer[x] = producer[x] + 1
    stranger[x] = x * 2

    def go():
        producer.compute_at(stranger, x)
        consumer.realize([4])

    expect_user_error(go, "orphan_producer", "stranger_func")


def test_compute_at_var_removed_by_tile():
    x, y = hl.Var("x"), hl.Var("y")
    producer, consumer = hl.Func("tiled_away_producer"), hl.Func("tiled_consumer")
    producer[x, y] = x
    consumer[x, y] = producer[x, y] + 1
    consumer.tile(x, y, hl.Var("xo"), hl.Var("yo"), hl.Var("xi"), hl.Var("yi"), 2, 2)

    def go():
        producer.compute_at(consumer, x)
        consumer.realize([4, 4])

    expect_user_error(go, "tiled_away_producer", "tiled_consumer")


def test_compute_at_var_that_is_not_a_loop_of_the_consumer():
    x, y = hl.Var("x"), hl.Var("y")
    producer, consumer = hl.Func("lost_producer"), hl.Func("loopy_consumer")
    producer[x, y] = x
    consumer[x, y] = producer[x, y] + 1

    def go():
        producer.compute_at(consumer, hl.Var("not_a_loop"))
        consumer.realize([4, 4])

    expect_user_error(go, "lost_producer", "not_a_loop")


def test_compute_at_a_level_that_does_not_enclose_every_use():
    # b uses a and is computed at c.y; a is also used directly by c inside c.x, but a
    # computed at b's loops would not exist when c reads it.
    x, y = hl.Var("x"), hl.Var("y")
    a, b, c = hl.Func("shared_a"), hl.Func("user_b"), hl.Func("output_c")
    a[x, y] = x + y
    b[x, y] = a[x, y] * 2
    c[x, y] = b[x, y] + a[x + 1, y]
    b.compute_at(c, y)

    def go():
        a.compute_at(b, x)
        c.realize([4, 4])

    expect_user_error(go, "shared_a")


def test_store_outside_parallel_loop_computed_inside():
    x, y = hl.Var("x"), hl.Var("y")
    yo, yi = hl.Var("par_outer"), hl.Var("par_inner")
    producer, consumer = hl.Func("racy_producer"), hl.Func("racy_consumer")
    producer[x, y] = x + y
    consumer[x, y] = producer[x, y] + producer[x, y + 1]
    consumer.split(y, yo, yi, 4).parallel(yo)

    def go():
        producer.store_root().compute_at(consumer, yi)
        consumer.realize([5, 8])

    expect_user_error(go, "racy_producer", "par_outer")


def test_store_outside_vectorized_loop_computed_inside():
    x, y = hl.Var("x"), hl.Var("y")
    xo, xi = hl.Var("vec_outer"), hl.Var("vec_inner")
    producer, consumer = hl.Func("vec_racy_producer"), hl.Func("vec_racy_consumer")
    producer[x, y] = x + y
    consumer[x, y] = producer[x, y] + producer[x + 1, y]
    consumer.split(x, xo, xi, 4).vectorize(xi)

    def go():
        producer.store_at(consumer, xo).compute_at(consumer, xi)
        consumer.realize([8, 3])

    expect_user_error(go, "vec_racy_producer", "vec_inner")


# ---- constant extents ------------------------------------------------------------------------


def test_vectorize_whole_dimension_of_runtime_size():
    f, x, y = func_xy("vector_of_any_width")

    def go():
        f.vectorize(x)
        f.realize([8, 8])

    expect_user_error(go, "vector_of_any_width", "vectorize", "constant")


def test_vectorize_whole_dimension_of_output_buffer():
    f, x, y = func_xy("vector_into_buffer")

    def go():
        f.vectorize(y)
        f.realize(hl.Buffer(hl.Int(32), [4, 4]))

    expect_user_error(go, "vector_into_buffer", "vectorize", "constant")


def test_unroll_whole_dimension_of_runtime_size():
    f, x, y = func_xy("unroll_any_width")

    def go():
        f.unroll(x)
        f.realize([8, 8])

    expect_user_error(go, "unroll_any_width", "unroll", "constant")


# ---- tails that would write outside the output -----------------------------------------------


def test_round_up_output_into_buffer_not_a_multiple():
    f, x, y = func_xy("round_up_out")
    f.split(x, hl.Var("xo"), hl.Var("xi"), 8, T.RoundUp)
    buf = hl.Buffer(hl.Int(32), [5, 2])
    expect_user_error(lambda: f.realize(buf), "round_up_out")


def test_predicate_loads_output_into_buffer_not_a_multiple():
    f, x, y = func_xy("predicate_loads_out")
    f.split(x, hl.Var("xo"), hl.Var("xi"), 4, T.PredicateLoads)
    buf = hl.Buffer(hl.Int(32), [11, 2])
    expect_user_error(lambda: f.realize(buf), "predicate_loads_out")


@pytest.mark.parametrize("tail", ["ShiftInwards", "Auto", None])
def test_shift_inwards_output_smaller_than_the_factor(tail):
    # ShiftInwards (Auto's choice for pure definitions) needs the loop at least as wide as
    # the factor: a 5-wide output buffer split by 8 would be written at x = -3.
    f, x, y = func_xy(f"shift_in_out_{tail}")
    xo, xi = hl.Var("xo"), hl.Var("xi")
    if tail is None:
        f.split(x, xo, xi, 8)
    else:
        f.split(x, xo, xi, 8, getattr(T, tail))
    buf = hl.Buffer(hl.Int(32), [5, 2])
    buf.set_min([40, 0])
    expect_user_error(lambda: f.realize(buf), f"shift_in_out_{tail}")


def test_shift_inwards_output_wide_enough_is_fine():
    f, x, y = func_xy("shift_in_ok")
    f.split(x, hl.Var("xo"), hl.Var("xi"), 8, T.ShiftInwards)
    buf = hl.Buffer(hl.Int(32), [9, 2])
    buf.set_min([40, 0])
    f.realize(buf)
    xs, ys = np.meshgrid(np.arange(40, 49), np.arange(2))
    np.testing.assert_array_equal(np.asarray(buf), (xs + ys).astype(np.int32))


def test_predicate_loads_split_of_an_inner_var():
    f, x, y = func_xy("predicate_loads_inner")
    xo, xi = hl.Var("xo"), hl.Var("xi_stem")

    def go():
        f.split(x, xo, xi, 4).split(xi, hl.Var("a"), hl.Var("b"), 2, T.PredicateLoads)
        f.realize([8, 2])

    expect_user_error(go, "predicate_loads_inner", "xi_stem")


# ---- bounds ----------------------------------------------------------------------------------


def test_bound_smaller_than_required_region():
    x, y = hl.Var("x"), hl.Var("y")
    producer, consumer = hl.Func("too_tight_producer"), hl.Func("too_tight_consumer")
    producer[x, y] = x
    consumer[x, y] = producer[x - 1, y] + producer[x + 1, y]
    producer.compute_root().bound(x, 0, 4)
    expect_user_error(lambda: consumer.realize([4, 4]), "too_tight_producer", "bound")


def test_bound_on_output_smaller_than_the_output_buffer():
    # (realized into a Buffer: the reference's realize([6, 2]) returns a buffer whose last two
    # columns were never written, instead of an error)
    f, x, y = func_xy("bounded_output")
    f.bound(x, 0, 4)
    expect_user_error(lambda: f.realize(hl.Buffer(hl.Int(32), [6, 2])), "bounded_output", "bound")


# ---- scheduling a Func without a definition --------------------------------------------------


@pytest.mark.parametrize("directive", ["split", "vectorize", "parallel", "reorder", "unroll", "tile", "fuse"])
def test_scheduling_undefined_func(directive):
    # The reference raises HalideError here with an empty message; halide-c must also name
    # the Func.
    f = hl.Func(f"undefined_{directive}_func")
    x, y = hl.Var("x"), hl.Var("y")
    calls = {
        "split": lambda: f.split(x, hl.Var("xo"), hl.Var("xi"), 4),
        "vectorize": lambda: f.vectorize(x, 4),
        "parallel": lambda: f.parallel(y),
        "reorder": lambda: f.reorder(y, x),
        "unroll": lambda: f.unroll(x, 2),
        "tile": lambda: f.tile(x, y, hl.Var("xi"), hl.Var("yi"), 2, 2),
        "fuse": lambda: f.fuse(x, y, hl.Var("fz")),
    }
    names = [f"undefined_{directive}_func"] if IS_HALIDE_C else []
    expect_user_error(calls[directive], *names)


# ---- loop-kind directives on an inlined Func -------------------------------------------------


@pytest.mark.parametrize("directive", ["vectorize", "parallel"])
def test_loop_directive_on_inlined_func(directive):
    x, y = hl.Var("x"), hl.Var("y")
    producer, consumer = hl.Func(f"inlined_{directive}_producer"), hl.Func(f"inlined_{directive}_consumer")
    producer[x, y] = x
    consumer[x, y] = producer[x, y] + 1
    if directive == "vectorize":
        producer.vectorize(x, 4)
    else:
        producer.parallel(y)
    expect_user_error(lambda: consumer.realize([8, 8]), f"inlined_{directive}_producer", "inline")
