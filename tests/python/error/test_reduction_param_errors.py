"""User errors of reductions, Params and ImageParams: each raises hl.HalideError (TypeError
where the reference raises that) with a message naming the problem, never an internal error,
and leaves the interpreter usable.

What it does: violates Param ranges and ImageParam min/extent/stride/bounds constraints at
run time, sets Params to values their type cannot hold, binds buffers of the wrong type or
dimensionality, and writes update definitions with the wrong arity or type, RVars of two
RDoms, undefined pure vars, misplaced pure vars, RVars in a pure definition, predicates added
after an RDom was used, RDom bounds that are not integers or depend on a pure Var, and
out-of-range update indices.
What it assumes: messages of the reference and of halide-c share the Func, Param or
ImageParam name and a few generic words; only those are asserted.
"""

import numpy as np
import pytest

import halide as hl
from conftest import to_buffer

x, y = hl.Var("x"), hl.Var("y")


@pytest.fixture(autouse=True)
def interpreter_still_works():
    yield
    f = hl.Func("after_error")
    f[x, y] = x + y * 10
    out = np.array(f.realize([3, 2]))
    np.testing.assert_array_equal(out, np.array([[0, 1, 2], [10, 11, 12]], dtype=np.int32))


def expect_user_error(fn, *substrings, exception=hl.HalideError):
    """Run fn, expect `exception` whose message contains every substring (case-insensitive)."""
    with pytest.raises(exception) as info:
        fn()
    message = str(info.value)
    lowered = message.lower()
    assert "internal error" not in lowered, message
    for s in substrings:
        assert s.lower() in lowered, f"{s!r} not in error message: {message!r}"
    return message


# ---- Param ranges violated at run time ---------------------------------------------------------


def reads(p, name):
    f = hl.Func(name)
    f[x] = p
    return f


@pytest.mark.parametrize("value,bound", [(20, "10"), (-3, "0")])
def test_param_outside_set_range(value, bound):
    p = hl.Param(hl.Int(32), "ranged_param", 5)
    p.set_range(0, 10)
    f = reads(p, "reads_ranged")
    np.testing.assert_array_equal(np.array(f.realize([1])), [5])
    p.set(value)
    expect_user_error(lambda: f.realize([1]), "ranged_param", str(value), bound)
    p.set(7)  # back in range: works again
    np.testing.assert_array_equal(np.array(f.realize([1])), [7])


def test_param_below_set_min_value():
    p = hl.Param(hl.Int(16), "min_only_param", 1)
    p.set_min_value(3)
    expect_user_error(lambda: reads(p, "reads_min_only").realize([1]), "min_only_param", "least", "3")


def test_float_param_above_set_max_value():
    p = hl.Param(hl.Float(32), "max_only_param", 1.0)
    p.set_max_value(0.5)
    expect_user_error(lambda: reads(p, "reads_max_only").realize([1]), "max_only_param", "most")


def test_unsigned_param_outside_range():
    p = hl.Param(hl.UInt(8), "u8_ranged", 10)
    p.set_range(5, 20)
    f = reads(p, "reads_u8_ranged")
    p.set(21)
    expect_user_error(lambda: f.realize([1]), "u8_ranged", "21", "20")
    p.set(4)
    expect_user_error(lambda: f.realize([1]), "u8_ranged", "4", "5")


# ---- Param values that do not fit the type -----------------------------------------------------


@pytest.mark.parametrize("type_name,value", [("uint8", 300), ("int8", -129), ("uint16", 70000),
                                             ("int32", 2**40), ("bool", 2)])
def test_param_set_to_value_outside_its_type(type_name, value):
    t = {"uint8": hl.UInt(8), "int8": hl.Int(8), "uint16": hl.UInt(16), "int32": hl.Int(32),
         "bool": hl.Bool()}[type_name]
    p = hl.Param(t, "narrow_param", 0)
    expect_user_error(lambda: p.set(value))


@pytest.mark.parametrize("type_name,value", [("uint8", 300), ("int8", -129), ("uint16", 70000)])
def test_param_constructed_with_value_outside_its_type(type_name, value):
    t = {"uint8": hl.UInt(8), "int8": hl.Int(8), "uint16": hl.UInt(16)}[type_name]
    expect_user_error(lambda: hl.Param(t, "narrow_ctor", value), str(value), type_name)


@pytest.mark.parametrize("type_name", ["int32", "uint8", "bool"])
def test_integer_param_set_to_fractional_float(type_name):
    t = {"int32": hl.Int(32), "uint8": hl.UInt(8), "bool": hl.Bool()}[type_name]
    p = hl.Param(t, "int_param", 1)
    expect_user_error(lambda: p.set(2.5), "2.5")


def test_param_set_to_string_is_a_type_error():
    p = hl.Param(hl.Int(32), "string_param", 1)
    expect_user_error(lambda: p.set("hello"), exception=TypeError)


def test_param_constructed_with_string_value_is_a_type_error():
    expect_user_error(lambda: hl.Param(hl.Float(32), "s", "1.5"), exception=TypeError)


# ---- ImageParam constraints violated at run time -----------------------------------------------


def image_reader(im, name):
    f = hl.Func(name)
    f[x, y] = im[x, y]
    return f


def test_image_param_min_constraint():
    im = hl.ImageParam(hl.UInt(8), 2, "min_constrained")
    im.dim(1).set_min(0)
    f = image_reader(im, "reads_min_constrained")
    buf = to_buffer(np.zeros((3, 4), np.uint8))
    buf.set_min([0, 2])
    im.set(buf)
    out = hl.Buffer(hl.UInt(8), [4, 3])
    out.set_min([0, 2])
    expect_user_error(lambda: f.realize(out), "min_constrained", "constraint", "min.1")


def test_image_param_extent_constraint():
    im = hl.ImageParam(hl.UInt(8), 2, "extent_constrained")
    im.dim(1).set_extent(3)
    f = image_reader(im, "reads_extent_constrained")
    im.set(to_buffer(np.zeros((3, 4), np.uint8)))
    np.testing.assert_array_equal(np.array(f.realize([4, 3])), np.zeros((3, 4), np.uint8))
    im.set(to_buffer(np.zeros((5, 4), np.uint8)))
    expect_user_error(lambda: f.realize([4, 3]), "extent_constrained", "constraint", "extent.1")


def test_image_param_stride_constraint():
    im = hl.ImageParam(hl.Float(32), 2, "stride_constrained")
    im.dim(0).set_stride(1)
    f = image_reader(im, "reads_stride_constrained")
    im.set(hl.Buffer(np.zeros((4, 3), np.float32).T))  # x stride 3
    expect_user_error(lambda: f.realize([4, 3]), "stride_constrained", "constraint", "stride.0")


def test_image_param_default_stride_constraint():
    # Dimension 0 of an ImageParam must be dense unless set_stride(hl.Expr()) lifts it.
    im = hl.ImageParam(hl.Int(32), 2, "dense_by_default")
    f = image_reader(im, "reads_dense_by_default")
    im.set(hl.Buffer(np.zeros((4, 3), np.int32).T))
    expect_user_error(lambda: f.realize([4, 3]), "dense_by_default", "constraint", "stride.0")


def test_image_param_set_bounds_constraint():
    im = hl.ImageParam(hl.Int(16), 1, "bounds_constrained")
    im.dim(0).set_bounds(2, 5)
    f = hl.Func("reads_bounds_constrained")
    f[x] = im[x]
    im.set(to_buffer(np.arange(5, dtype=np.int16)))  # min 0, not 2
    expect_user_error(lambda: f.realize([5]), "bounds_constrained", "constraint", "min.0")


def test_image_param_set_bounds_extent_constraint():
    im = hl.ImageParam(hl.Int(16), 1, "bounds_extent_constrained")
    im.dim(0).set_bounds(0, 4)
    f = hl.Func("reads_bounds_extent")
    f[x] = im[x]
    im.set(to_buffer(np.arange(6, dtype=np.int16)))
    expect_user_error(lambda: f.realize([4]), "bounds_extent_constrained", "constraint", "extent.0")


def test_image_param_constraint_from_param():
    w = hl.Param(hl.Int(32), "wanted_width", 4)
    im = hl.ImageParam(hl.UInt(8), 2, "param_constrained")
    im.dim(0).set_extent(w)
    f = image_reader(im, "reads_param_constrained")
    im.set(to_buffer(np.zeros((2, 4), np.uint8)))
    np.testing.assert_array_equal(np.array(f.realize([4, 2])), np.zeros((2, 4), np.uint8))
    w.set(3)
    expect_user_error(lambda: f.realize([3, 2]), "param_constrained", "constraint", "extent.0")


def test_image_param_buffer_too_small():
    im = hl.ImageParam(hl.Int(32), 1, "too_small_input")
    f = hl.Func("reads_past_end")
    f[x] = im[x + 1]
    im.set(to_buffer(np.arange(3, dtype=np.int32)))
    expect_user_error(lambda: f.realize([3]), "too_small_input", "3", "2")


# ---- binding the wrong buffer ------------------------------------------------------------------


def test_image_param_bound_to_buffer_of_wrong_type():
    im = hl.ImageParam(hl.Int(32), 1, "typed_input")

    def bind_and_run():
        im.set(to_buffer(np.arange(5, dtype=np.int16)))
        f = hl.Func("reads_typed")
        f[x] = im[x]
        f.realize([5])

    expect_user_error(bind_and_run, "typed_input", "int32", "int16")


def test_image_param_bound_to_buffer_of_wrong_dimensions():
    im = hl.ImageParam(hl.Int(32), 2, "two_dim_input")

    def bind_and_run():
        im.set(to_buffer(np.arange(5, dtype=np.int32)))
        image_reader(im, "reads_two_dim").realize([5, 1])

    expect_user_error(bind_and_run, "two_dim_input")


def test_image_param_called_with_wrong_arity():
    im = hl.ImageParam(hl.Int(32), 1, "one_dim_input")

    def define():
        f = hl.Func("calls_with_two")
        f[x] = im[x, 0]

    expect_user_error(define, "one_dim_input", "2", "1")


def test_image_param_dimension_out_of_range():
    im = hl.ImageParam(hl.Int(32), 2, "two_dims")
    expect_user_error(lambda: im.dim(2), "2")


def test_channels_of_two_dimensional_image_param():
    im = hl.ImageParam(hl.UInt(8), 2, "no_channels")
    expect_user_error(im.channels)


# ---- unbound inputs ----------------------------------------------------------------------------


def test_unbound_image_param():
    im = hl.ImageParam(hl.UInt(8), 2, "unbound_input")
    expect_user_error(lambda: image_reader(im, "reads_unbound").realize([2, 2]), "unbound_input")


def test_param_without_value():
    p = hl.Param(hl.Int(32), "valueless")
    expect_user_error(lambda: reads(p, "reads_valueless").realize([1]), "valueless")


# ---- update definitions ------------------------------------------------------------------------


def test_update_with_too_few_arguments():
    def define():
        f = hl.Func("arity_f")
        f[x, y] = x + y
        f[x] = f[x, 0] + 1

    expect_user_error(define, "arity_f", "1", "2")


def test_update_calls_itself_with_wrong_arity():
    def define():
        f = hl.Func("arity_g")
        f[x] = x
        f[x] = f[x] + f[x, 1]

    expect_user_error(define, "arity_g", "2", "1")


def test_update_with_wrong_type():
    def define():
        f = hl.Func("type_f")
        f[x] = x
        f[x] = hl.f32(x) * 0.5

    expect_user_error(define, "type_f", "float32", "int32")


def test_update_value_constant_does_not_fit():
    def define():
        f = hl.Func("type_g")
        f[x] = hl.u8(x)
        f[x] = f[x] + 1000

    expect_user_error(define, "1000", "uint8")


def test_update_with_rvars_of_two_rdoms():
    def define():
        r1, r2 = hl.RDom([(0, 3)]), hl.RDom([(0, 4)])
        f = hl.Func("two_rdoms_f")
        f[x] = 0
        f[r1.x] = f[r1.x] + r2.x
        f.realize([5])

    expect_user_error(define, "two_rdoms_f")


def test_update_with_rvars_of_two_rdoms_on_left():
    def define():
        r1, r2 = hl.RDom([(0, 3)]), hl.RDom([(0, 4)])
        f = hl.Func("two_rdoms_g")
        f[x, y] = 0
        f[r1.x, r2.x] = 1
        f.realize([5, 5])

    expect_user_error(define, "two_rdoms_g")


@pytest.mark.parametrize("form", ["constant_site", "row_update"])
def test_update_with_undefined_pure_var(form):
    def define():
        f = hl.Func("free_var_f")
        if form == "constant_site":
            f[x] = 0
            f[3] = y
        else:
            f[x, y] = 0
            f[x, 0] = f[x, 0] + y

    expect_user_error(define, "free_var_f", "y")


def test_update_with_pure_vars_swapped():
    def define():
        f = hl.Func("swapped_f")
        f[x, y] = 0
        f[y, x] = 1

    expect_user_error(define, "swapped_f")


def test_update_with_pure_var_in_expression_on_left():
    def define():
        f = hl.Func("adorned_f")
        f[x, y] = 0
        f[y, y + 1] = y

    expect_user_error(define, "adorned_f")


def test_update_reads_itself_at_a_shifted_pure_var():
    def define():
        f = hl.Func("shifted_self")
        f[x] = x
        f[x] = f[x + 1]

    expect_user_error(define, "shifted_self")


@pytest.mark.parametrize("lhs", ["constant", "expression", "rvar"])
def test_first_definition_must_be_pure(lhs):
    def define():
        f = hl.Func("not_pure_first")
        if lhs == "constant":
            f[3] = 1
        elif lhs == "expression":
            f[x + 1] = 1
        else:
            r = hl.RDom([(0, 3)])
            f[r.x] = 1

    expect_user_error(define, "not_pure_first")


def test_rvar_in_pure_definition():
    def define():
        r = hl.RDom([(0, 8)])
        f = hl.Func("rvar_in_pure")
        f[x] = r.x
        f.realize([2])

    expect_user_error(define, "rvar_in_pure")


def test_update_index_out_of_range():
    f = hl.Func("few_updates")
    f[x] = 0
    f[x] += 1
    expect_user_error(lambda: f.update(3), "few_updates")


def test_update_of_func_without_updates():
    f = hl.Func("no_updates")
    f[x] = 0
    expect_user_error(lambda: f.update(0), "no_updates")


# ---- RDoms -------------------------------------------------------------------------------------


@pytest.mark.parametrize("bounds", [[(0.5, 3)], [(0, 2.5)]])
def test_rdom_with_python_float_bounds(bounds):
    with pytest.raises((TypeError, hl.HalideError)) as info:
        hl.RDom(bounds)
    assert "internal error" not in str(info.value).lower()


def test_rdom_with_string_bounds():
    expect_user_error(lambda: hl.RDom([("a", 3)]), exception=TypeError)


def test_rdom_bounds_depend_on_pure_var():
    def define():
        r = hl.RDom([(0, x)])
        f = hl.Func("free_rdom_bounds")
        f[x] = 0
        f[x] += r.x
        f.realize([3])

    expect_user_error(define, "x")


def test_where_after_rdom_was_used():
    def define():
        r = hl.RDom([(0, 8)])
        f = hl.Func("used_rdom")
        f[x] = 0
        f[r.x] = 1
        r.where(r.x > 2)

    expect_user_error(define, "predicate")


def test_multidimensional_rdom_as_expr():
    r = hl.RDom([(0, 3), (0, 2)])
    expect_user_error(lambda: r + 1)


def test_rdom_from_undefined_buffer():
    expect_user_error(lambda: hl.RDom(hl.Buffer()), "undefined")


def test_parallel_rvar_with_possible_race():
    def define():
        r = hl.RDom([(0, 8), (0, 4)])
        f = hl.Func("race_f")
        f[x] = 0
        f[x] = f[x] + r.x * r.y + x
        f.update(0).parallel(r.y)
        f.realize([3])

    expect_user_error(define, "race_f", "race")


def test_vectorize_rvar_of_histogram():
    def define():
        a = to_buffer(np.array([1, 3, 1, 0, 2, 3, 3, 1], np.int32))
        r = hl.RDom([(0, 8)])
        h = hl.Func("hist_race")
        h[x] = 0
        h[a[r.x]] += 1
        h.update(0).vectorize(r.x)
        h.realize([4])

    expect_user_error(define, "hist_race", "race")


@pytest.mark.parametrize("use", [
    lambda f, x: f[x] + 1,
    lambda f, x: 1 - f[x],
    lambda f, x: -f[x],
    lambda f, x: f[x] < 2,
    lambda f, x: hl.Expr(f[x]),
])
def test_using_an_undefined_func_other_than_by_compound_assignment(use):
    # f[x] of an undefined Func may only start a compound assignment (f[x] += e).
    f, x = hl.Func("never_defined"), hl.Var("x")
    with pytest.raises(hl.HalideError, match="never_defined"):
        use(f, x)
    assert not f.defined()
