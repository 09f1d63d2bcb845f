"""Every user error of the foundation API: each raises hl.HalideError (TypeError or
ValueError where the reference Halide raises those) with a message that names the problem,
is a *user* error (never an internal error), and leaves the interpreter usable.

What it does: provokes each error, checks the exception type and key substrings of the
message (generic words and names, not Halide's exact wording), and after every test runs a
correct pipeline (autouse fixture) to prove the process still works.
What it assumes: message substrings listed here appear in both the reference and halide-c
messages: the Func or Buffer name, the offending value, and a word naming the problem.
"""

import numpy as np
import pytest

import halide as hl
from conftest import IS_HALIDE_C, hl_type, to_buffer


@pytest.fixture(autouse=True)
def interpreter_still_works():
    yield
    x, y = hl.Var("x"), hl.Var("y")
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


def test_halide_error_is_an_exception_class():
    assert issubclass(hl.HalideError, Exception)


# ---- undefined Funcs -------------------------------------------------------------------------


def test_realize_undefined_func():
    f = hl.Func("never_defined")
    expect_user_error(lambda: f.realize([3]), "undefined")


def test_type_and_dimensions_of_undefined_func():
    f = hl.Func("no_definition_yet")
    expect_user_error(f.type, "no_definition_yet")
    expect_user_error(f.dimensions, "no_definition_yet")


def test_calling_undefined_func_in_a_definition():
    x = hl.Var("x")
    undefined = hl.Func("undefined_callee")
    g = hl.Func("caller_of_undefined")

    def define():
        g[x] = undefined[x] * 2
        g.realize([3])

    expect_user_error(define, "undefined_callee")


def test_undefined_expr_as_definition():
    x = hl.Var("x")
    f = hl.Func("defined_by_nothing")

    def define():
        f[x] = hl.Expr()

    expect_user_error(define, "defined_by_nothing", "undefined")


# ---- arity and left-hand sides ---------------------------------------------------------------


@pytest.mark.parametrize("nargs", [1, 3])
def test_func_called_with_wrong_arity(nargs):
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("two_dim_callee")
    f[x, y] = x + y
    g = hl.Func("wrong_arity_caller")

    def define():
        g[x] = f[[x] * nargs]
        g.realize([2])

    expect_user_error(define, "two_dim_callee", "argument")


def test_buffer_called_with_wrong_arity():
    x = hl.Var("x")
    buf = hl.Buffer(hl.Int(32), [3, 3], "two_dim_input")
    g = hl.Func("buffer_arity_caller")

    def define():
        g[x] = buf[x]
        g.realize([3])

    expect_user_error(define, "two_dim_input", "dimension")


def test_redefinition_with_other_dimensionality():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("redefined_dims")
    f[x] = 3

    def redefine():
        f[x, y] = 4

    expect_user_error(redefine, "redefined_dims")


@pytest.mark.parametrize(
    "make_lhs",
    [lambda x: x + 1, lambda x: x * 2, lambda x: 0, lambda x: hl.Expr(5)],
    ids=["x+1", "x*2", "int", "Expr"],
)
def test_pure_definition_with_non_var_argument(make_lhs):
    x = hl.Var("x")
    f = hl.Func("non_var_lhs")

    def define():
        f[make_lhs(x)] = 3
        f.realize([1])

    expect_user_error(define, "non_var_lhs", "var")


def test_pure_definition_with_repeated_var():
    x = hl.Var("x")
    f = hl.Func("repeated_var_lhs")

    def define():
        f[x, x] = 3

    expect_user_error(define, "repeated_var_lhs", '"x"')


def test_float_coordinate_in_func_call():
    x = hl.Var("x")
    f = hl.Func("float_indexed")
    f[x] = x
    g = hl.Func("float_index_caller")

    def define():
        g[x] = f[hl.cast(hl.Float(32), x)]

    expect_user_error(define, "float_indexed", "float32")


def test_float_coordinate_in_buffer_call():
    x = hl.Var("x")
    buf = hl.Buffer(hl.Int(32), [3], "float_indexed_buffer")
    g = hl.Func("float_buffer_caller")

    def define():
        g[x] = buf[hl.cast(hl.Float(32), x)]
        g.realize([2])

    expect_user_error(define, "integer")


@pytest.mark.parametrize(
    "index", ["a", None, [1.5j]], ids=["str", "None", "complex"]
)
def test_func_indexed_by_non_expression_is_type_error(index):
    x = hl.Var("x")
    f = hl.Func("indexed_badly")
    f[x] = x
    with pytest.raises(TypeError):
        f[index]


def test_func_defined_by_non_expression_is_type_error():
    x = hl.Var("x")
    f = hl.Func("defined_by_string")
    with pytest.raises(TypeError):
        f[x] = "not an expression"
    with pytest.raises(TypeError):
        f[x] = None


# ---- type errors in expressions --------------------------------------------------------------


def test_select_condition_not_bool():
    x = hl.Var("x")
    expect_user_error(lambda: hl.select(x, 1, 2), "bool")


def test_select_value_type_mismatch():
    x = hl.Var("x")
    message = expect_user_error(
        lambda: hl.select(x > 0, hl.cast(hl.UInt(8), x), hl.cast(hl.UInt(16), x)), "type"
    )
    assert "uint8" in message and "uint16" in message


def test_bitwise_mixed_signedness():
    x = hl.Var("x")
    message = expect_user_error(
        lambda: hl.cast(hl.UInt(8), x) & hl.cast(hl.Int(8), x), "signed"
    )
    assert "uint8" in message and "int8" in message


@pytest.mark.parametrize(
    "make",
    [lambda e: e & e, lambda e: e | e, lambda e: e ^ e, lambda e: ~e],
    ids=["and", "or", "xor", "not"],
)
def test_bitwise_on_float(make):
    expect_user_error(lambda: make(hl.cast(hl.Float(32), hl.Var("x"))), "integer")


def test_erf_of_float64():
    expect_user_error(lambda: hl.erf(hl.cast(hl.Float(64), hl.Var("x"))), "float")


@pytest.mark.parametrize(
    "type_name,literal", [("uint8", 300), ("uint8", -1), ("int8", 128), ("uint16", -5)]
)
def test_literal_out_of_range(type_name, literal):
    e = hl.cast(hl_type(type_name), hl.Var("x"))
    expect_user_error(lambda: e + literal, str(literal), type_name)
    expect_user_error(lambda: literal - e, str(literal), type_name)


def test_clamp_bound_out_of_range():
    e = hl.cast(hl.UInt(8), hl.Var("x"))
    expect_user_error(lambda: hl.clamp(e, 0, 300), "clamp")


def test_constant_fold_signed_overflow():
    x = hl.Var("x")
    f = hl.Func("folds_overflow")

    def build_and_realize():
        f[x] = x + (hl.i32(2**31 - 1) + 1)
        f.realize([1])

    expect_user_error(build_and_realize, "overflow")


def test_expr_truth_value_is_value_error():
    x = hl.Var("x")
    with pytest.raises(ValueError):
        bool(x > 1)
    with pytest.raises(ValueError):
        if x < 2:  # noqa: SIM108 - `if` on an Expr is the error under test
            pass


def test_min_max_need_two_arguments():
    x = hl.Var("x")
    with pytest.raises(ValueError):
        hl.min(x)
    with pytest.raises(ValueError):
        hl.max(x)


def test_cast_to_non_type_and_expr_plus_string():
    x = hl.Var("x")
    with pytest.raises(TypeError):
        hl.cast(3, x)
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        hl.Var(3)


# ---- realize: sizes and output buffers -------------------------------------------------------


@pytest.mark.parametrize("sizes", [[3], [3, 4, 5], []])
def test_realize_sizes_do_not_match_dimensions(sizes):
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("two_dim_realized")
    f[x, y] = x + y
    message = expect_user_error(lambda: f.realize(sizes), "two_dim_realized", "dimension")
    assert "2" in message and str(len(sizes)) in message


def test_realize_negative_size():
    x = hl.Var("x")
    f = hl.Func("negative_extent")
    f[x] = x
    expect_user_error(lambda: f.realize([-1]), "negative")


@pytest.mark.parametrize("bad", [3, "abc", ["a"], [1.5], [2**40]], ids=["int", "str", "str-list", "float", "huge"])
def test_realize_sizes_of_wrong_python_type(bad):
    x = hl.Var("x")
    f = hl.Func("realized_with_junk")
    f[x] = x
    with pytest.raises(TypeError):
        f.realize(bad)


@pytest.mark.skipif(not IS_HALIDE_C, reason="the reference Halide segfaults on this size")
def test_realize_size_overflow_is_an_error_not_a_crash():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("too_big")
    f[x, y] = x
    with pytest.raises((hl.HalideError, MemoryError)):
        f.realize([2**31 - 1, 2**31 - 1])


@pytest.mark.parametrize(
    "buffer_type,func_type",
    [(hl.UInt(8), hl.Int(32)), (hl.Float(32), hl.Int(32)), (hl.Int(32), hl.Float(32)), (hl.Int(16), hl.UInt(16))],
)
def test_realize_into_buffer_of_wrong_type(buffer_type, func_type):
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("typed_for_output")
    f[x, y] = hl.cast(func_type, x + y)
    out = hl.Buffer(buffer_type, [3, 3])
    message = expect_user_error(lambda: f.realize(out), "typed_for_output", "type")
    assert str(buffer_type) in message and str(func_type) in message


@pytest.mark.parametrize("sizes", [[3], [3, 3, 3]])
def test_realize_into_buffer_of_wrong_dimensionality(sizes):
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("dims_for_output")
    f[x, y] = x + y
    out = hl.Buffer(hl.Int(32), sizes)
    message = expect_user_error(lambda: f.realize(out), "dims_for_output", "dimension")
    assert str(len(sizes)) in message


def test_realize_into_numpy_array_of_wrong_dtype():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("float_for_numpy")
    f[x, y] = hl.cast(hl.Float(32), x)
    target = np.zeros((2, 3), dtype=np.float64)
    expect_user_error(lambda: f.realize(to_buffer(target)), "float_for_numpy", "type")
    assert (target == 0).all()


def test_realize_into_buffer_with_non_unit_innermost_stride():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("dense_output")
    f[x, y] = x + y
    backing = np.zeros((3, 8), dtype=np.int32)
    expect_user_error(lambda: f.realize(to_buffer(backing[:, ::2])), "stride")


# ---- runtime errors from generated code ------------------------------------------------------


@pytest.mark.parametrize("offset,coordinate", [(10, "12"), (-3, "-3")])
def test_input_accessed_out_of_bounds(offset, coordinate):
    x = hl.Var("x")
    inp = hl.Buffer(np.arange(5, dtype=np.int32), "small_input")
    f = hl.Func("reads_out_of_bounds")
    f[x] = inp[x + offset]
    expect_user_error(lambda: f.realize([3]), "small_input", coordinate)


def test_input_out_of_bounds_in_second_dimension():
    x, y = hl.Var("x"), hl.Var("y")
    inp = to_buffer(np.zeros((4, 5), dtype=np.uint8))
    f = hl.Func("reads_rows_out_of_bounds")
    f[x, y] = inp[x, y + 1]
    expect_user_error(lambda: f.realize([5, 4]), "dimension 1")


# ---- the interpreter survives many errors ----------------------------------------------------


def test_many_errors_in_a_row_then_a_pipeline():
    x, y = hl.Var("x"), hl.Var("y")
    for i in range(30):
        f = hl.Func(f"error_loop_{i}")
        with pytest.raises(hl.HalideError):
            f.realize([2])
        f[x, y] = x + y
        with pytest.raises(hl.HalideError):
            f.realize([2])
        with pytest.raises(hl.HalideError):
            f.realize(hl.Buffer(hl.UInt(8), [2, 2]))
        with pytest.raises(hl.HalideError):
            hl.cast(hl.UInt(8), x) + 300
    g = hl.Func("after_many_errors")
    g[x, y] = x * y
    np.testing.assert_array_equal(np.array(g.realize([3, 2])), np.array([[0, 0, 0], [0, 1, 2]], dtype=np.int32))
