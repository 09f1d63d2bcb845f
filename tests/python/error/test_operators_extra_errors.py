"""User errors of the rest of the operator library (correctness/test_operators_extra.py).

What it does: calls each operator with argument types Halide rejects and checks that a
*user* HalideError is raised whose message names the operator (or the offending argument)
and the problem; after every test a correct pipeline still runs (autouse fixture).
What it assumes: the substrings checked appear in both the reference's and halide-c's
messages. Operators that the reference accepts at definition time but rejects only when
compiling (float halving_add, ...) are checked to fail at some point before producing data.
"""

import numpy as np
import pytest

import halide as hl
from conftest import IS_HALIDE_C

x = hl.Var("x")


@pytest.fixture(autouse=True)
def interpreter_still_works():
    yield
    f = hl.Func("after_error")
    f[x] = hl.saturating_add(hl.u8(x), hl.u8(250))
    np.testing.assert_array_equal(np.array(f.realize([7])), np.array([250, 251, 252, 253, 254, 255, 255], dtype=np.uint8))


def expect_user_error(fn, *substrings):
    with pytest.raises(hl.HalideError) as info:
        fn()
    message = str(info.value)
    lowered = message.lower()
    assert "internal error" not in lowered, message
    for s in substrings:
        assert s.lower() in lowered, f"{s!r} not in error message: {message!r}"
    return message


def u8():
    return hl.cast(hl.UInt(8), x)


def f32():
    return hl.cast(hl.Float(32), x)


@pytest.mark.parametrize("name", ["is_nan", "is_inf", "is_finite"])
def test_float_predicates_need_floats(name):
    expect_user_error(lambda: getattr(hl, name)(x), name, "float")
    expect_user_error(lambda: getattr(hl, name)(3), name, "float")


@pytest.mark.parametrize("name", ["popcount", "count_leading_zeros", "count_trailing_zeros"])
def test_bit_counts_need_integers(name):
    expect_user_error(lambda: getattr(hl, name)(f32()), name, "integer")
    expect_user_error(lambda: getattr(hl, name)(2.5), name, "integer")


@pytest.mark.parametrize("name", ["fast_exp", "fast_log"])
def test_fast_exp_log_need_float32(name):
    expect_user_error(lambda: getattr(hl, name)(x), name, "Float(32)")
    expect_user_error(lambda: getattr(hl, name)(hl.cast(hl.Float(64), x)), name, "Float(32)")


@pytest.mark.parametrize("name", ["fast_inverse", "fast_inverse_sqrt"])
def test_fast_inverse_needs_float16_or_32(name):
    expect_user_error(lambda: getattr(hl, name)(hl.cast(hl.Float(64), x)), name, "float32")
    expect_user_error(lambda: getattr(hl, name)(x), name, "float32")


def test_lerp_errors():
    expect_user_error(lambda: hl.lerp(u8(), hl.cast(hl.Int(8), x), u8()), "lerp", "int8")
    expect_user_error(lambda: hl.lerp(u8(), u8(), hl.cast(hl.Int(8), x)), "lerp weight", "unsigned")
    expect_user_error(lambda: hl.lerp(u8(), u8(), 3), "lerp weight", "int32")
    expect_user_error(lambda: hl.lerp(u8(), u8(), 1.5), "lerp", "1.5", "range")
    expect_user_error(lambda: hl.lerp(hl.cast(hl.UInt(64), x), hl.cast(hl.UInt(64), x), u8()), "lerp", "64-bit")


def test_mux_errors():
    expect_user_error(lambda: hl.mux(x, [u8(), hl.cast(hl.UInt(16), x)]), "mux", "same type")
    expect_user_error(lambda: hl.mux(x, [u8(), 3]), "mux", "same type")
    expect_user_error(lambda: hl.mux(x, []), "mux", "non-empty")


def test_bits_errors():
    expect_user_error(lambda: hl.reinterpret(hl.UInt(8), x), "reinterpret", "32 bits", "8 bits")
    expect_user_error(lambda: hl.concat_bits([u8(), hl.cast(hl.Int(8), x)]), "concat_bits", "same type")
    expect_user_error(lambda: hl.concat_bits([u8(), u8(), u8()]), "concat_bits", "power of two")
    expect_user_error(lambda: hl.concat_bits([]), "concat_bits", "at least one")


def test_round_to_zero_needs_integers():
    expect_user_error(lambda: hl.div_round_to_zero(f32(), x), "div_round_to_zero", "not an integer")
    expect_user_error(lambda: hl.mod_round_to_zero(u8(), 2.5), "mod_round_to_zero", "not an integer")


def test_shift_literals_must_fit():
    for name in ["widening_shift_left", "rounding_shift_right"]:
        expect_user_error(lambda name=name: getattr(hl, name)(u8(), 300), "300", "uint8")
    expect_user_error(lambda: hl.mul_shift_right(u8(), u8(), -1), "-1", "uint8")
    expect_user_error(lambda: hl.mul_shift_right(hl.cast(hl.Int(8), x), hl.cast(hl.Int(8), x), hl.cast(hl.Int(8), x)),
                      "mul_shift_right", "unsigned")


def test_widen_right_errors():
    expect_user_error(lambda: hl.widen_right_add(u8(), u8()), "widen_right_add", "mismatch")
    expect_user_error(lambda: hl.widen_right_mul(hl.cast(hl.UInt(16), x), hl.cast(hl.Int(8), x)), "widen_right_mul", "mismatch")
    expect_user_error(lambda: hl.widen_right_sub(f32(), f32()), "widen_right_sub", "integer")


def test_unsafe_promise_clamped_lossy_bound():
    expect_user_error(lambda: hl.unsafe_promise_clamped(u8(), x, 10), "unsafe_promise_clamped", "uint8")


@pytest.mark.parametrize("name", ["halving_add", "halving_sub", "rounding_halving_add"])
def test_halving_of_floats_fails(name):
    # The reference accepts the definition and fails to compile it; halide-c rejects it at once.
    def build_and_run():
        f = hl.Func("f")
        f[x] = getattr(hl, name)(f32(), f32())
        f.realize([4])

    expect_user_error(build_and_run)


@pytest.mark.skipif(not IS_HALIDE_C, reason="the reference realizes undef in a pure definition, leaving the values unset")
def test_undef_outside_update_fails():
    def build_and_run():
        f = hl.Func("f")
        f[x] = hl.undef(hl.UInt(8))
        f.realize([4])

    expect_user_error(build_and_run, "undef", "update definition")


def test_random_seed_must_be_int32():
    if not hasattr(hl, "random_float"):
        pytest.skip("random_float is not available")
    try:
        hl.random_float()
    except hl.HalideError:
        pytest.skip("random_float is not implemented in this build")
    expect_user_error(lambda: hl.random_float(u8()), "random_float", "Int(32)")
