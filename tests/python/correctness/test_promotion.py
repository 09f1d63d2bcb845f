"""Types of mixed expressions: Expr with Expr, Expr with Python int/float, and the
multi-argument functions (max, min, clamp, select, pow, atan2, abs, absd, ...).

What it does: checks the result type of every pairing against an independent statement of
Halide's rules, and realizes a few mixed expressions to check the values follow the types
(e.g. u8 + i8 is computed in int8).
What it assumes: the reference rules, as observed on Halide 21 and written in SEMANTICS.md.
What it guarantees: a wrong promotion shows up as a named type mismatch.
"""

import numpy as np
import pytest

import halide as hl
from conftest import (
    ALL_TYPE_NAMES,
    INT_TYPE_NAMES,
    assert_exact,
    assert_same_type,
    hl_type,
    input_buffer,
    int_bits,
    int_range,
    is_signed,
    realize,
)


def typed(name, x=None):
    """A non-constant Expr of type `name` (a cast of a Var, so nothing folds)."""
    return hl.cast(hl_type(name), x if x is not None else hl.Var("x"))


def expected_arith_type(a, b):
    """Halide's rule for two Exprs: float beats int, wider float wins; two ints: signed if
    either is signed, with the wider width."""
    if a.startswith("float") or b.startswith("float"):
        floats = [t for t in (a, b) if t.startswith("float")]
        return max(floats, key=lambda t: int(t[5:]))
    bits = max(int_bits(a), int_bits(b))
    signed = is_signed(a) or is_signed(b)
    return f"{'int' if signed else 'uint'}{bits}"


ARITH_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
    "max": hl.max,
    "min": hl.min,
}


@pytest.mark.parametrize("op", list(ARITH_OPS))
def test_expr_expr_arithmetic_types(op):
    fn = ARITH_OPS[op]
    mismatches = []
    for a in ALL_TYPE_NAMES:
        for b in ALL_TYPE_NAMES:
            got = fn(typed(a), typed(b)).type()
            want = hl_type(expected_arith_type(a, b))
            if got != want:
                mismatches.append(f"{a} {op} {b} -> {got}, expected {want}")
    assert not mismatches, "\n".join(mismatches)


def test_named_examples_from_semantics():
    assert_same_type((typed("uint8") + typed("int8")).type(), hl.Int(8))
    assert_same_type((typed("uint32") + typed("int16")).type(), hl.Int(32))
    assert_same_type((typed("int64") * typed("float32")).type(), hl.Float(32))
    assert_same_type((typed("float32") - typed("float64")).type(), hl.Float(64))
    assert_same_type((typed("uint16") / typed("uint8")).type(), hl.UInt(16))


def test_comparison_of_mixed_types_is_bool():
    for a in ALL_TYPE_NAMES:
        for b in ALL_TYPE_NAMES:
            assert_same_type((typed(a) < typed(b)).type(), hl.Bool())
            assert_same_type((typed(a) == typed(b)).type(), hl.Bool())


def test_mixed_values_follow_the_promoted_type():
    # uint8 200 promoted to int8 is -56: u8 + i8 is computed in int8.
    x = hl.Var("x")
    u8 = input_buffer([200, 255, 3], "uint8")
    i8 = input_buffer([1, -1, -5], "int8")
    u16 = input_buffer([65535, 1, 40000], "uint16")
    f = hl.Func("mixed_add")
    f[x] = u8[x] + i8[x]
    assert_exact(realize(f, [3]), np.array([-55, -2, -2], dtype=np.int8))
    g = hl.Func("mixed_lt")
    g[x] = i8[x] < u8[x]
    assert_exact(realize(g, [3]), np.array([False, False, True]))  # -1<-56, -1<-1, -5<3
    h = hl.Func("mixed_i8_u16")
    h[x] = i8[x] + u16[x]
    assert_exact(realize(h, [3]), np.array([0, 0, 40000 - 65536 - 5], dtype=np.int16))


def test_int_with_float_values():
    x = hl.Var("x")
    f = hl.Func("int_plus_float")
    f[x] = x + hl.f32(0.5)
    assert_exact(realize(f, [3]), np.array([0.5, 1.5, 2.5], dtype=np.float32))
    g = hl.Func("f32_plus_f64")
    g[x] = hl.f32(0.1) + hl.f64(0.2)
    assert_exact(realize(g, [1]), np.array([np.float64(np.float32(0.1)) + 0.2]))


# ---- Python literals -----------------------------------------------------------------------


@pytest.mark.parametrize("type_name", ALL_TYPE_NAMES)
def test_python_int_takes_the_expr_type(type_name):
    e = typed(type_name)
    want = hl_type(type_name)
    literals = [0, 1, 100] + ([-1, -100] if not type_name.startswith("uint") else [])
    for k in literals:
        for result in (e + k, k + e, e - k, k - e, e * k, k * e, e / 3, 3 / e, e % 3, 3 % e, e // 3, 3 // e):
            assert_same_type(result.type(), want)
        assert_same_type((e < k).type(), hl.Bool())
        assert_same_type((k == e).type(), hl.Bool())


@pytest.mark.parametrize("type_name", ALL_TYPE_NAMES)
def test_python_float_literal(type_name):
    # float32 for integer and float32 Exprs; float64 stays float64.
    e = typed(type_name)
    want = hl.Float(64) if type_name == "float64" else hl.Float(32)
    for result in (e + 0.5, 0.5 + e, e * 0.25, e / 2.0, 2.0 / e, e - 1.5, 1.5 - e):
        assert_same_type(result.type(), want)
    assert_same_type((e < 0.5).type(), hl.Bool())


def test_int_times_half_is_float32():
    x = hl.Var("x")
    assert_same_type((x * 0.5).type(), hl.Float(32))
    f = hl.Func("half")
    f[x] = x * 0.5
    assert_exact(realize(f, [4]), np.array([0, 0.5, 1, 1.5], dtype=np.float32))


@pytest.mark.parametrize(
    "type_name,literal",
    [("uint8", 300), ("uint8", -1), ("uint8", 256), ("int8", 128), ("int8", -129), ("int8", 200),
     ("uint16", 70000), ("uint16", -1), ("int16", 40000), ("uint32", -1), ("uint64", -1)],
)
def test_python_int_that_does_not_fit_is_an_error(type_name, literal):
    e = typed(type_name)
    for make in (lambda: e + literal, lambda: literal + e, lambda: e * literal, lambda: e == literal):
        with pytest.raises(hl.HalideError) as info:
            make()
        message = str(info.value)
        assert str(literal) in message and type_name in message, message


@pytest.mark.parametrize("type_name", INT_TYPE_NAMES)
def test_python_int_at_the_limits_fits(type_name):
    # Literals are C ints first: only those in int32 range take the Expr's type.
    lo, hi = int_range(type_name)
    lo, hi = max(lo, -(2**31)), min(hi, 2**31 - 1)
    x = hl.Var("x")
    e = typed(type_name, x)
    f = hl.Func("limits")
    f[x] = hl.select(x == 0, e * 0 + lo, e * 0 + hi)
    assert_same_type(f.type(), hl_type(type_name))
    out = realize(f, [2])
    assert out.tolist() == [lo, hi]


def test_python_int_beyond_int32_becomes_int64():
    # A literal that does not fit in int32 is an int64 Expr; it then promotes as an Expr.
    x = hl.Var("x")
    assert_same_type((x + 2**40).type(), hl.Int(64))
    assert_same_type((typed("uint8", x) + 2**31).type(), hl.Int(64))
    f = hl.Func("big_literal")
    f[x] = x + 2**40
    assert_exact(realize(f, [2]), np.array([2**40, 2**40 + 1], dtype=np.int64))


def test_literal_operand_order():
    # `k // e` is k floor-divided by e; `k ** e` is pow(k, e); `k - e`, `k % e` likewise.
    x = hl.Var("x")
    xs = np.arange(1, 5)
    cases = [
        ("7//e", lambda e: 7 // e, hl.Int(32), (7 // xs).astype(np.int32)),
        ("7.0//e", lambda e: 7.0 // e, hl.Float(32), np.floor(np.float32(7.0) / xs.astype(np.float32))),
        ("e//2.0", lambda e: e // 2.0, hl.Float(32), np.floor(xs.astype(np.float32) / np.float32(2.0))),
        ("2**e", lambda e: 2**e, hl.Float(32), (2.0**xs).astype(np.float32)),
        ("7-e", lambda e: 7 - e, hl.Int(32), (7 - xs).astype(np.int32)),
        ("7%e", lambda e: 7 % e, hl.Int(32), (7 % xs).astype(np.int32)),
        ("7/e", lambda e: 7 / e, hl.Int(32), (7 // xs).astype(np.int32)),
        ("1<<e", lambda e: 1 << e, hl.Int(32), (1 << xs).astype(np.int32)),
    ]
    for _label, op, want_type, expected in cases:
        e = op(x + 1)
        assert_same_type(e.type(), want_type)
        f = hl.Func("order")
        f[x] = e
        assert_exact(realize(f, [4]), expected)


def test_pow_operator_types():
    x = hl.Var("x")
    # An integer constant exponent keeps the base's type (repeated multiplication).
    assert_same_type((x**2).type(), hl.Int(32))
    assert_same_type(hl.pow(typed("float64", x), 2).type(), hl.Float(64))
    # Otherwise an integer base is converted to float32.
    assert_same_type((x**0.5).type(), hl.Float(32))
    assert_same_type((x**x).type(), hl.Float(32))
    # The exponent is converted to the base's float type.
    assert_same_type(hl.pow(typed("float32", x), typed("float64", x)).type(), hl.Float(32))
    assert_same_type(hl.pow(typed("float64", x), typed("float32", x)).type(), hl.Float(64))
    f = hl.Func("square")
    f[x] = x**2
    assert_exact(realize(f, [4]), np.array([0, 1, 4, 9], dtype=np.int32))


def test_float_literal_true_division_of_int_is_float():
    x = hl.Var("x")
    assert_same_type((x / 2).type(), hl.Int(32))
    assert_same_type((x / 2.0).type(), hl.Float(32))
    f = hl.Func("div_float")
    f[x] = x / 2.0
    assert_exact(realize(f, [3]), np.array([0, 0.5, 1.0], dtype=np.float32))


def test_f64_and_f32_constructors_are_exact():
    x = hl.Var("x")
    f = hl.Func("f64_const")
    f[x] = hl.select(x == 0, hl.f64(0.1), hl.f64(1.0 / 3.0))
    assert_same_type(f.type(), hl.Float(64))
    out = realize(f, [2])
    assert out[0] == 0.1 and out[1] == 1.0 / 3.0
    g = hl.Func("f32_const")
    g[x] = hl.f32(0.1)
    assert realize(g, [1])[0] == np.float32(0.1)


# ---- bitwise and shifts --------------------------------------------------------------------


def test_bitwise_types():
    for a in INT_TYPE_NAMES:
        for b in INT_TYPE_NAMES:
            for op in (lambda p, q: p & q, lambda p, q: p | q, lambda p, q: p ^ q):
                if is_signed(a) != is_signed(b):
                    with pytest.raises(hl.HalideError, match="signed"):
                        op(typed(a), typed(b))
                    continue
                bits = max(int_bits(a), int_bits(b))
                want = hl_type(f"{'int' if is_signed(a) else 'uint'}{bits}")
                assert_same_type(op(typed(a), typed(b)).type(), want)


def test_shift_types():
    # The result is signed as the left operand is, with the wider of the two widths.
    for a in INT_TYPE_NAMES:
        for b in INT_TYPE_NAMES:
            bits = max(int_bits(a), int_bits(b))
            want = hl_type(f"{'int' if is_signed(a) else 'uint'}{bits}")
            assert_same_type((typed(a) << typed(b)).type(), want)
            assert_same_type((typed(a) >> typed(b)).type(), want)


def test_bitwise_with_python_int_keeps_expr_type():
    for name in INT_TYPE_NAMES:
        e = typed(name)
        for result in (e & 3, 3 & e, e | 1, e ^ 1, e << 1, e >> 1, ~e):
            assert_same_type(result.type(), hl_type(name))


# ---- multi-argument functions --------------------------------------------------------------


def test_max_min_turn_literals_into_int32_or_float32_first():
    u8 = typed("uint8")
    assert_same_type(hl.max(u8, 3).type(), hl.Int(32))
    assert_same_type(hl.max(3, u8).type(), hl.Int(32))
    assert_same_type(hl.min(u8, 3).type(), hl.Int(32))
    assert_same_type(hl.max(u8, 3.5).type(), hl.Float(32))
    assert_same_type(hl.max(typed("float64"), 3.5).type(), hl.Float(64))
    assert_same_type(hl.max(typed("int8"), typed("uint8")).type(), hl.Int(8))
    assert_same_type(hl.min(typed("int64"), 3).type(), hl.Int(64))
    x = hl.Var("x")
    f = hl.Func("max_literal")
    f[x] = hl.max(hl.cast(hl.UInt(8), x), -3)
    assert_exact(realize(f, [2]), np.array([0, 1], dtype=np.int32))


def test_clamp_converts_bounds_to_the_first_argument_type():
    assert_same_type(hl.clamp(typed("uint8"), 0, 10).type(), hl.UInt(8))
    assert_same_type(hl.clamp(typed("float32"), 0, 1).type(), hl.Float(32))
    assert_same_type(hl.clamp(typed("int32"), typed("uint8"), typed("uint8")).type(), hl.Int(32))
    assert_same_type(hl.clamp(typed("int16"), -5, 5).type(), hl.Int(16))
    with pytest.raises(hl.HalideError, match="clamp"):
        hl.clamp(typed("uint8"), 0, 300)


def test_select_converts_int_literals_to_the_other_value_type():
    x = hl.Var("x")
    c = x > 0
    u8 = typed("uint8", x)
    assert_same_type(hl.select(c, u8, 3).type(), hl.UInt(8))
    assert_same_type(hl.select(c, 3, u8).type(), hl.UInt(8))
    assert_same_type(hl.select(c, 1, 2).type(), hl.Int(32))
    assert_same_type(hl.select(c, 1.5, 2.5).type(), hl.Float(32))
    # Multi-way select is a right-to-left chain of two-way selects: (c, 1, d, u8, 2) is u8.
    assert_same_type(hl.select(c, 1, x < 0, u8, 2).type(), hl.UInt(8))
    assert_same_type(hl.select(c, u8, x < 0, u8, 2).type(), hl.UInt(8))


@pytest.mark.parametrize(
    "make",
    [
        lambda x: hl.select(x > 0, hl.cast(hl.UInt(8), x), hl.cast(hl.UInt(16), x)),
        lambda x: hl.select(x > 0, hl.cast(hl.UInt(8), x), hl.cast(hl.Float(32), x)),
        lambda x: hl.select(x > 0, hl.cast(hl.UInt(8), x), x < 0, 1, 2),
        lambda x: hl.select(x > 0, hl.cast(hl.Float(64), x), 1.5),
    ],
    ids=["u8-u16", "u8-f32", "multiway-u8-i32", "f64-float-literal"],
)
def test_select_with_mismatched_value_types_is_an_error(make):
    with pytest.raises(hl.HalideError, match="type"):
        make(hl.Var("x"))


def test_select_condition_must_be_bool():
    x = hl.Var("x")
    with pytest.raises(hl.HalideError, match="bool"):
        hl.select(x, 1, 2)


def test_abs_absd_return_unsigned_for_signed():
    pairs = {"int8": hl.UInt(8), "int16": hl.UInt(16), "int32": hl.UInt(32), "int64": hl.UInt(64),
             "uint8": hl.UInt(8), "uint32": hl.UInt(32), "float32": hl.Float(32), "float64": hl.Float(64)}
    for name, want in pairs.items():
        if not name.startswith("uint"):
            assert_same_type(hl.abs(typed(name)).type(), want)
        assert_same_type(hl.absd(typed(name), typed(name)).type(), want)
    assert_same_type(hl.absd(typed("int8"), typed("uint8")).type(), hl.UInt(8))
    assert_same_type(hl.absd(typed("uint8"), 3).type(), hl.UInt(32))


def test_float_functions_of_integers_are_float32():
    for fn in (hl.sqrt, hl.exp, hl.log, hl.sin, hl.cos, hl.tan, hl.floor, hl.ceil, hl.round, hl.trunc):
        for name in ("int8", "uint16", "int32", "int64", "float32"):
            assert_same_type(fn(typed(name)).type(), hl.Float(32))
        assert_same_type(fn(typed("float64")).type(), hl.Float(64))


def test_atan2_takes_the_first_argument_float_type():
    assert_same_type(hl.atan2(typed("int32"), typed("int32")).type(), hl.Float(32))
    assert_same_type(hl.atan2(typed("float64"), typed("float32")).type(), hl.Float(64))
    assert_same_type(hl.atan2(typed("float32"), typed("float64")).type(), hl.Float(32))


def test_cast_and_concise_casts_types():
    for name in ALL_TYPE_NAMES:
        assert_same_type(hl.cast(hl_type(name), hl.Var("x")).type(), hl_type(name))
    concise = {"i8": "int8", "i16": "int16", "i32": "int32", "i64": "int64", "u8": "uint8",
               "u16": "uint16", "u32": "uint32", "u64": "uint64", "f32": "float32", "f64": "float64"}
    for fn_name, name in concise.items():
        assert_same_type(getattr(hl, fn_name)(hl.Var("x")).type(), hl_type(name))
    assert_same_type(hl.cast(hl.Bool(), hl.Var("x")).type(), hl.Bool())
