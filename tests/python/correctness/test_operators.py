"""Every arithmetic, comparison, logical and bitwise operator on every scalar type.

What it does: for each operator and type, realizes a Func over a grid whose x axis indexes
the left operand values and whose y axis the right operand values (both read from input
Buffers, so nothing is constant-folded), and compares with a pure-Python reference of
Halide's semantics: Euclidean division and modulo, division by zero gives 0, wrapping for
unsigned types and int8/int16, shifts by a negative amount shift the other way.
What it assumes: entries whose value Halide leaves undefined (int32/int64 overflow) are
masked out of the comparison; float division never divides by zero here.
What it guarantees: integer results are compared bit for bit; float results by value.
"""

import math

import numpy as np
import pytest

import halide as hl
from conftest import (
    ALL_TYPE_NAMES,
    FLOAT_TYPE_NAMES,
    INT_TYPE_NAMES,
    assert_exact,
    assert_same_type,
    hl_type,
    input_buffer,
    int_bits,
    int_range,
    interesting_values,
    is_signed,
    np_array,
    np_dtype,
    realize,
    wrap,
    wraps_on_overflow,
)


def euclid_div(a, b):
    if b == 0:
        return 0
    return a // b if b > 0 else -(a // -b)


def euclid_mod(a, b):
    if b == 0:
        return 0
    return a % abs(b)


def shift_left(a, b):
    return a << b if b >= 0 else a >> -b


def shift_right(a, b):
    return a >> b if b >= 0 else a << -b


# name -> (operator applied to Exprs, exact reference on Python ints)
INT_BINARY_OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "truediv": (lambda a, b: a / b, euclid_div),
    "floordiv": (lambda a, b: a // b, euclid_div),
    "mod": (lambda a, b: a % b, euclid_mod),
    "and": (lambda a, b: a & b, lambda a, b: a & b),
    "or": (lambda a, b: a | b, lambda a, b: a | b),
    "xor": (lambda a, b: a ^ b, lambda a, b: a ^ b),
}

COMPARISONS = {
    "lt": (lambda a, b: a < b, lambda a, b: a < b),
    "le": (lambda a, b: a <= b, lambda a, b: a <= b),
    "gt": (lambda a, b: a > b, lambda a, b: a > b),
    "ge": (lambda a, b: a >= b, lambda a, b: a >= b),
    "eq": (lambda a, b: a == b, lambda a, b: a == b),
    "ne": (lambda a, b: a != b, lambda a, b: a != b),
}


def realize_binary(type_name, op, a_values, b_values, b_type_name=None):
    """Realize f[x, y] = op(A[x], B[y]); returns the array indexed [y, x] and the Expr type."""
    a_buf = input_buffer(a_values, type_name)
    b_buf = input_buffer(b_values, b_type_name or type_name)
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("binary")
    e = op(a_buf[x], b_buf[y])
    f[x, y] = e
    return realize(f, [len(a_values), len(b_values)]), e.type()


def expected_int_grid(type_name, ref, a_values, b_values):
    """Expected [y, x] grid of ref(a, b) in type `type_name` and the mask of defined entries."""
    lo, hi = int_range(type_name)
    expected = np.zeros((len(b_values), len(a_values)), dtype=np_dtype(type_name))
    defined = np.ones(expected.shape, dtype=bool)
    for j, b in enumerate(b_values):
        for i, a in enumerate(a_values):
            value = ref(a, b)
            if not lo <= value <= hi and not wraps_on_overflow(type_name):
                defined[j, i] = False
                continue
            expected[j, i] = wrap(value, type_name)
    return expected, defined


@pytest.mark.parametrize("op_name", list(INT_BINARY_OPS))
@pytest.mark.parametrize("type_name", INT_TYPE_NAMES)
def test_integer_binary_operator(type_name, op_name):
    op, ref = INT_BINARY_OPS[op_name]
    values = interesting_values(type_name)
    actual, result_type = realize_binary(type_name, op, values, values)
    assert_same_type(result_type, hl_type(type_name))
    expected, defined = expected_int_grid(type_name, ref, values, values)
    assert_exact(actual, expected, defined)


def shift_amounts(type_name):
    bits = int_bits(type_name)
    return list(range(-(bits - 1), bits)) if is_signed(type_name) else list(range(bits))


@pytest.mark.parametrize("direction", ["lshift", "rshift"])
@pytest.mark.parametrize("type_name", INT_TYPE_NAMES)
def test_integer_shift(type_name, direction):
    op, ref = {
        "lshift": (lambda a, b: a << b, shift_left),
        "rshift": (lambda a, b: a >> b, shift_right),
    }[direction]
    values = interesting_values(type_name)
    amounts = shift_amounts(type_name)
    actual, result_type = realize_binary(type_name, op, values, amounts)
    assert_same_type(result_type, hl_type(type_name))
    # Shifts are bit operations: the bits shifted out are lost, whatever the type.
    expected = np.array(
        [[wrap(ref(a, b), type_name) for a in values] for b in amounts], dtype=np_dtype(type_name)
    )
    assert_exact(actual, expected)


@pytest.mark.parametrize("type_name", ["uint8", "int16", "uint32", "int32"])
def test_shift_by_amount_of_other_type(type_name):
    # An int8 amount (narrower, possibly negative) leaves the left operand's type.
    values = interesting_values(type_name)
    amounts = [-3, -1, 0, 1, 3]
    actual, result_type = realize_binary(type_name, lambda a, b: a << b, values, amounts, "int8")
    assert_same_type(result_type, hl_type(type_name))
    expected = np.array(
        [[wrap(shift_left(a, b), type_name) for a in values] for b in amounts], dtype=np_dtype(type_name)
    )
    assert_exact(actual, expected)


@pytest.mark.parametrize("op_name", ["neg", "invert"])
@pytest.mark.parametrize("type_name", INT_TYPE_NAMES)
def test_integer_unary_operator(type_name, op_name):
    op, ref = {
        "neg": (lambda a: -a, lambda a: -a),
        "invert": (lambda a: ~a, lambda a: ~a),
    }[op_name]
    values = interesting_values(type_name)
    a_buf = input_buffer(values, type_name)
    x = hl.Var("x")
    f = hl.Func("unary")
    e = op(a_buf[x])
    f[x] = e
    assert_same_type(e.type(), hl_type(type_name))
    expected, defined = expected_int_grid(type_name, lambda a, _: ref(a), values, [0])
    assert_exact(realize(f, [len(values)]), expected[0], defined[0])


@pytest.mark.parametrize("op_name", list(COMPARISONS))
@pytest.mark.parametrize("type_name", ALL_TYPE_NAMES)
def test_comparison(type_name, op_name):
    op, ref = COMPARISONS[op_name]
    values = interesting_values(type_name)
    actual, result_type = realize_binary(type_name, op, values, values)
    assert_same_type(result_type, hl.Bool())
    typed = np_array(values, type_name)  # compare the stored (rounded) values
    expected = np.array([[ref(a, b) for a in typed] for b in typed], dtype=bool)
    assert_exact(actual, expected)


FLOAT_BINARY_OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "truediv": (lambda a, b: a / b, lambda a, b: a / b),
    "floordiv": (lambda a, b: a // b, lambda a, b: np.floor(a / b)),
}


@pytest.mark.parametrize("op_name", list(FLOAT_BINARY_OPS))
@pytest.mark.parametrize("type_name", FLOAT_TYPE_NAMES)
def test_float_binary_operator(type_name, op_name):
    op, ref = FLOAT_BINARY_OPS[op_name]
    values = interesting_values(type_name)
    divisors = [v for v in values if v != 0]
    actual, result_type = realize_binary(type_name, op, values, divisors)
    assert_same_type(result_type, hl_type(type_name))
    a = np_array(values, type_name)[None, :]
    b = np_array(divisors, type_name)[:, None]
    assert_exact(actual, ref(a, b).astype(np_dtype(type_name)))


@pytest.mark.parametrize("type_name", FLOAT_TYPE_NAMES)
def test_float_mod_is_floored(type_name):
    # a % b == a - b * floor(a / b): the result has the sign of b. Values are chosen so that
    # every intermediate is exact (so fused or unfused evaluation agree).
    values = [-7.5, -4.0, -1.5, -0.25, 0.0, 0.375, 1.0, 2.5, 3.0, 7.0, 100.25]
    divisors = [-4.0, -2.5, -0.5, 0.25, 1.0, 1.5, 4.0]
    actual, result_type = realize_binary(type_name, lambda a, b: a % b, values, divisors)
    assert_same_type(result_type, hl_type(type_name))
    expected = np.array(
        [[a - b * math.floor(a / b) for a in values] for b in divisors], dtype=np_dtype(type_name)
    )
    assert_exact(actual, expected)
    assert expected[divisors.index(4.0), values.index(-1.5)] == 2.5


@pytest.mark.parametrize("type_name", FLOAT_TYPE_NAMES)
def test_float_negate(type_name):
    values = interesting_values(type_name)
    a_buf = input_buffer(values, type_name)
    x = hl.Var("x")
    f = hl.Func("negate")
    f[x] = -a_buf[x]
    assert_exact(realize(f, [len(values)]), -np_array(values, type_name))


def test_logical_operators_on_bool():
    # On bool Exprs, & | ^ ~ are logical and, or, xor, not; hl.logical_not is also not.
    x, y = hl.Var("x"), hl.Var("y")
    a = x >= 2
    b = y >= 2
    ops = {
        "and": (a & b, np.logical_and),
        "or": (a | b, np.logical_or),
        "xor": (a ^ b, np.logical_xor),
        "invert": (~a, lambda p, q: np.logical_not(p)),
        "logical_not": (hl.logical_not(a), lambda p, q: np.logical_not(p)),
        "logical_not_method": (a.logical_not(), lambda p, q: np.logical_not(p)),
    }
    xs = np.arange(4)[None, :] >= 2
    ys = np.arange(4)[:, None] >= 2
    for name, (e, ref) in ops.items():
        assert_same_type(e.type(), hl.Bool())
        f = hl.Func("logical_" + name)
        f[x, y] = e
        assert_exact(realize(f, [4, 4]), np.broadcast_to(ref(xs, ys), (4, 4)))


def test_bool_arithmetic_promotes_to_int():
    x = hl.Var("x")
    e = (x > 1) + x
    assert_same_type(e.type(), hl.Int(32))
    f = hl.Func("bool_plus_int")
    f[x] = e
    xs = np.arange(4, dtype=np.int32)
    assert_exact(realize(f, [4]), (xs > 1).astype(np.int32) + xs)


@pytest.mark.parametrize("type_name", ["int8", "uint8", "int32", "uint16", "int64", "uint64"])
def test_operators_with_python_int_on_either_side(type_name):
    # `e op k` and `k op e` both coerce k to e's type; operand order is kept for - / // % and
    # shifts (`k // e` divides k by e).
    values = [v for v in interesting_values(type_name) if v not in (0,)]
    k = 6
    a_buf = input_buffer(values, type_name)
    x = hl.Var("x")
    cases = {
        "e+k": (lambda e: e + k, lambda a: a + k),
        "k+e": (lambda e: k + e, lambda a: k + a),
        "e-k": (lambda e: e - k, lambda a: a - k),
        "k-e": (lambda e: k - e, lambda a: k - a),
        "k*e": (lambda e: k * e, lambda a: k * a),
        "e/k": (lambda e: e / k, lambda a: euclid_div(a, k)),
        "k/e": (lambda e: k / e, lambda a: euclid_div(k, a)),
        "e//k": (lambda e: e // k, lambda a: euclid_div(a, k)),
        "k//e": (lambda e: k // e, lambda a: euclid_div(k, a)),
        "e%k": (lambda e: e % k, lambda a: euclid_mod(a, k)),
        "k%e": (lambda e: k % e, lambda a: euclid_mod(k, a)),
        "e&k": (lambda e: e & k, lambda a: a & k),
        "k|e": (lambda e: k | e, lambda a: k | a),
        "k^e": (lambda e: k ^ e, lambda a: k ^ a),
        "e<<2": (lambda e: e << 2, lambda a: a << 2),
        "e>>2": (lambda e: e >> 2, lambda a: a >> 2),
    }
    comparisons = {
        "k<e": (lambda e: k < e, lambda a: k < a),
        "k>=e": (lambda e: k >= e, lambda a: k >= a),
        "k==e": (lambda e: k == e, lambda a: k == a),
        "e!=k": (lambda e: e != k, lambda a: a != k),
    }
    lo, hi = int_range(type_name)
    for label, (op, ref) in [*cases.items(), *comparisons.items()]:
        e = op(a_buf[x])
        is_bool = label in comparisons
        out_type = hl.Bool() if is_bool else hl_type(type_name)
        assert_same_type(e.type(), out_type)
        f = hl.Func("literal_op")
        f[x] = e
        raw = [ref(a) for a in values]
        if is_bool:
            expected, defined = np.array(raw, dtype=bool), None
        else:
            defined = np.array([wraps_on_overflow(type_name) or lo <= v <= hi for v in raw])
            expected = np_array([wrap(v, type_name) for v in raw], type_name)
        assert_exact(realize(f, [len(values)]), expected, defined)


def test_constant_folded_division_and_modulo():
    # The same rules hold when the simplifier folds constants at compile time.
    x = hl.Var("x")
    cases = [
        (hl.i32(-7) / 2, -4),
        (hl.i32(-7) % 2, 1),
        (hl.i32(7) / -2, -3),
        (hl.i32(-7) / -2, 4),
        (hl.i32(7) % -2, 1),
        (hl.i32(-7) // 2, -4),
        (hl.i32(5) / 0, 0),
        (hl.i32(5) % 0, 0),
        (hl.u8(200) / 0, 0),
        (hl.i8(-128) / hl.i8(-1), -128),
        (hl.i16(-32768) / hl.i16(-1), -32768),
        (hl.u8(200) + hl.u8(100), 44),
        (hl.u8(3) - hl.u8(5), 254),
        (hl.i8(100) + hl.i8(100), -56),
        (hl.i16(300) * hl.i16(300), wrap(90000, "int16")),
        (hl.i32(16) << -1, 8),
        (hl.i32(16) >> -1, 32),
        (hl.i32(-16) >> 2, -4),
        (hl.f32(-1.5) % hl.f32(4.0), 2.5),
        (hl.f64(7.5) // hl.f64(-2.0), -4.0),
    ]
    for e, expected in cases:
        f = hl.Func("folded")
        f[x] = e
        got = realize(f, [1])[0]
        assert got == expected, f"{e}: got {got}, expected {expected}"


def test_zero_divisor_at_runtime_every_type():
    # Division and modulo by a zero read from memory give 0 for every integer type.
    x = hl.Var("x")
    for type_name in INT_TYPE_NAMES:
        values = interesting_values(type_name)
        a_buf = input_buffer(values, type_name)
        zero = input_buffer([0] * len(values), type_name)
        f = hl.Func("div_by_zero")
        f[x] = a_buf[x] / zero[x] + a_buf[x] % zero[x]
        assert_exact(realize(f, [len(values)]), np.zeros(len(values), dtype=np_dtype(type_name)))


def integer_power(a, n, type_name):
    """Halide's e ** n for a constant int n: repeated multiplication in e's type; a negative n
    gives 1 / e**|n| with integer (Euclidean) division. None where int32/int64 overflow."""
    lo, hi = int_range(type_name)
    power = a ** abs(n)
    if not lo <= power <= hi and not wraps_on_overflow(type_name):
        return None
    power = wrap(power, type_name)
    return power if n >= 0 else euclid_div(1, power)


@pytest.mark.parametrize("type_name", ALL_TYPE_NAMES)
def test_power_operator_with_constant_int_exponent(type_name):
    # `e ** k` with a Python int k keeps e's type (it is e*e*..., not a float pow).
    is_float = type_name.startswith("float")
    values = interesting_values(type_name)
    if is_float:
        values = [v for v in values if v != 0 and abs(v) < 1e5]
    a_buf = input_buffer(values, type_name)
    x = hl.Var("x")
    typed = np_array(values, type_name)
    for k in (0, 1, 2, 3, -1, -2):
        e = a_buf[x] ** k
        assert_same_type(e.type(), hl_type(type_name))
        f = hl.Func("int_power")
        f[x] = e
        if is_float:
            power = np.ones_like(typed)
            for _ in range(abs(k)):
                power = power * typed
            expected, defined = (power if k >= 0 else np.ones_like(typed) / power), None
        else:
            raw = [integer_power(v, k, type_name) for v in values]
            defined = np.array([r is not None for r in raw])
            expected = np_array([r if r is not None else 0 for r in raw], type_name)
        assert_exact(realize(f, [len(values)]), expected, defined)


@pytest.mark.parametrize("type_name", INT_TYPE_NAMES)
def test_power_operator_of_two_int_exprs_is_float32(type_name):
    x = hl.Var("x")
    e = hl.cast(hl_type(type_name), x)
    assert_same_type((e**e).type(), hl.Float(32))
    assert_same_type((2**e).type(), hl.Float(32))
