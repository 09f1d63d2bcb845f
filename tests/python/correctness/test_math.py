"""cast, select (two-way and multi-way), min, max, clamp, abs, absd and the float math
functions, realized over input Buffers and compared with NumPy / math references.

What it does: one Func per function and type, values read from Buffers so the code that
runs is the generated code, not the constant folder (a few constant cases are folded on
purpose).
Tolerances (documented here, used below): sqrt, floor, ceil, round, trunc, min, max, clamp,
abs, absd and casts are exact. The transcendental functions (exp, log, pow, sin, cos, tan,
asin, acos, atan, atan2, sinh, cosh, tanh, asinh, acosh, atanh) must be within 4 ulp of the
correctly rounded result for float32 and float64 (the reference is within 2); erf (float32
only, a polynomial approximation in Halide) within 1e-6 absolute.
What it assumes: inputs stay inside each function's domain (no NaN results: Halide compiles
float code assuming there are no NaNs).
"""

import math

import numpy as np
import pytest

import halide as hl
from conftest import (
    FLOAT_TYPE_NAMES,
    INT_TYPE_NAMES,
    assert_exact,
    assert_same_type,
    hl_type,
    input_buffer,
    interesting_values,
    is_signed,
    np_array,
    np_dtype,
    realize,
    wrap,
)

TRANSCENDENTAL_ULPS = 4
ERF_ABS_TOLERANCE = 1e-6


def realize_unary(fn, values, type_name):
    a = input_buffer(values, type_name)
    x = hl.Var("x")
    f = hl.Func("unary_math")
    f[x] = fn(a[x])
    return realize(f, [len(values)]), f.type()


def assert_within_ulps(actual, exact, type_name, ulps):
    """|actual - exact| <= ulps * (spacing of the type at the exact value)."""
    dtype = np_dtype(type_name)
    assert actual.dtype == dtype, f"dtype {actual.dtype} != {dtype}"
    exact = np.asarray(exact, dtype=np.float64)
    spacing = np.spacing(np.abs(exact).astype(dtype)).astype(np.float64)
    error = np.abs(actual.astype(np.float64) - exact)
    bad = error > ulps * spacing
    assert not bad.any(), f"got {actual[bad]}, exact {exact[bad]}, ulps {error[bad] / spacing[bad]}"


# ---- cast ------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", INT_TYPE_NAMES)
def test_cast_between_integer_types_wraps(source):
    values = interesting_values(source)
    for target in INT_TYPE_NAMES:
        got, t = realize_unary(lambda e: hl.cast(hl_type(target), e), values, source)
        assert_same_type(t, hl_type(target))
        assert_exact(got, np_array([wrap(v, target) for v in values], target))


@pytest.mark.parametrize("source", FLOAT_TYPE_NAMES)
def test_cast_float_to_int_truncates_toward_zero(source):
    values = [-100.9, -3.7, -0.5, 0.0, 0.9, 2.5, 99.99, 127.0]
    for target in INT_TYPE_NAMES:
        vals = [v for v in values if v >= 0] if not is_signed(target) else values
        got, _ = realize_unary(lambda e: hl.cast(hl_type(target), e), vals, source)
        typed_vals = np_array(vals, source).astype(np.float64)
        assert_exact(got, np_array([math.trunc(v) for v in typed_vals], target))


@pytest.mark.parametrize("target", FLOAT_TYPE_NAMES)
def test_cast_int_to_float_rounds_to_nearest(target):
    for source in INT_TYPE_NAMES:
        values = interesting_values(source)
        got, _ = realize_unary(lambda e: hl.cast(hl_type(target), e), values, source)
        # float(int) is correctly rounded in Python; then round to float32 if needed
        # (int -> float64 -> float32 double rounding is exact for these values).
        assert_exact(got, np_array([float(v) for v in values], target))
    got, _ = realize_unary(lambda e: hl.cast(hl.Float(32), e), [16777217, 2**31 - 1], "int32")
    assert got.tolist() == [16777216.0, 2147483648.0]


def test_cast_between_float_types():
    values = [0.1, 1.0 / 3.0, -2.5, 1e30, 123456789.123]
    got, _ = realize_unary(lambda e: hl.cast(hl.Float(32), e), values, "float64")
    assert_exact(got, np.array(values, dtype=np.float64).astype(np.float32))
    f32_values = np_array(values, "float32")
    got, _ = realize_unary(lambda e: hl.cast(hl.Float(64), e), f32_values.tolist(), "float32")
    assert_exact(got, f32_values.astype(np.float64))


def test_cast_of_constants_wraps():
    x = hl.Var("x")
    cases = [(hl.u8(300), 44), (hl.cast(hl.UInt(8), -1), 255), (hl.i8(200), -56),
             (hl.cast(hl.Int(16), 70000), wrap(70000, "int16")), (hl.i32(hl.f32(-3.7)), -3),
             (hl.u16(hl.f64(65535.9)), 65535)]
    for e, expected in cases:
        f = hl.Func("cast_const")
        f[x] = e
        assert realize(f, [1])[0] == expected, str(e)


def test_cast_bool_and_back():
    got, t = realize_unary(lambda e: hl.cast(hl.Bool(), e), [0, 1, 0, 1], "uint8")
    assert_same_type(t, hl.Bool())
    assert_exact(got, np.array([False, True, False, True]))
    x = hl.Var("x")
    f = hl.Func("bool_to_int")
    f[x] = hl.cast(hl.Int(32), x > 1) + hl.cast(hl.Float(32), x > 2)
    assert_exact(realize(f, [4]), np.array([0, 0, 1, 2], dtype=np.float32))


def test_saturating_casts_clamp_then_truncate():
    float_values = [-300.5, -5.5, -0.5, 0.0, 3.7, 127.9, 254.9, 300.7]
    got, _ = realize_unary(lambda e: hl.saturating_cast(hl.UInt(8), e), float_values, "float32")
    assert_exact(got, np.array([0, 0, 0, 0, 3, 127, 254, 255], dtype=np.uint8))
    got, _ = realize_unary(hl.u8_sat, float_values, "float32")
    assert_exact(got, np.array([0, 0, 0, 0, 3, 127, 254, 255], dtype=np.uint8))
    got, _ = realize_unary(hl.i8_sat, float_values, "float32")
    assert_exact(got, np.array([-128, -5, 0, 0, 3, 127, 127, 127], dtype=np.int8))
    int_values = [-1000, -1, 0, 5, 300, 70000]
    got, _ = realize_unary(hl.u8_sat, int_values, "int32")
    assert_exact(got, np.array([0, 0, 0, 5, 255, 255], dtype=np.uint8))
    got, _ = realize_unary(hl.i16_sat, int_values, "int32")
    assert_exact(got, np.array([-1000, -1, 0, 5, 300, 32767], dtype=np.int16))
    got, _ = realize_unary(lambda e: hl.saturating_cast(hl.UInt(16), e), int_values, "int32")
    assert_exact(got, np.array([0, 0, 0, 5, 300, 65535], dtype=np.uint16))


# ---- select ----------------------------------------------------------------------------------


def test_select_two_way():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("select2")
    f[x, y] = hl.select(x < y, x * 10, y - 100)
    xs, ys = np.meshgrid(np.arange(5), np.arange(4))
    assert_exact(realize(f, [5, 4]), np.where(xs < ys, xs * 10, ys - 100).astype(np.int32))


def test_select_multi_way_first_true_condition_wins():
    x = hl.Var("x")
    f = hl.Func("select_multi")
    f[x] = hl.select(x == 0, 10, x == 0, 20, x < 3, 30, x < 6, 40, 50)
    assert_exact(realize(f, [8]), np.array([10, 30, 30, 40, 40, 40, 50, 50], dtype=np.int32))


def test_select_on_every_type():
    x = hl.Var("x")
    for type_name in [*INT_TYPE_NAMES, *FLOAT_TYPE_NAMES]:
        values = interesting_values(type_name)
        a = input_buffer(values, type_name)
        f = hl.Func("select_typed")
        f[x] = hl.select(x % 2 == 0, a[x], a[len(values) - 1 - x])
        rev = values[::-1]
        expected = np_array([values[i] if i % 2 == 0 else rev[i] for i in range(len(values))], type_name)
        assert_exact(realize(f, [len(values)]), expected)


# ---- min, max, clamp, abs, absd --------------------------------------------------------------


def grid(type_name):
    values = interesting_values(type_name)
    typed = np_array(values, type_name)
    return values, typed[None, :], typed[:, None]


@pytest.mark.parametrize("type_name", [*INT_TYPE_NAMES, *FLOAT_TYPE_NAMES])
def test_min_max_clamp(type_name):
    values, a, b = grid(type_name)
    n = len(values)
    # clamp bounds per row y: lo[y] <= hi[y], drawn from the same values.
    los = [min(v, w) for v, w in zip(values, reversed(values))]
    his = [max(v, w) for v, w in zip(values, reversed(values))]
    a_buf, b_buf = input_buffer(values, type_name), input_buffer(values, type_name)
    lo_buf, hi_buf = input_buffer(los, type_name), input_buffer(his, type_name)
    lo, hi = np_array(los, type_name)[:, None], np_array(his, type_name)[:, None]
    x, y = hl.Var("x"), hl.Var("y")
    cases = {
        "min": (hl.min(a_buf[x], b_buf[y]), np.minimum(a, b)),
        "max": (hl.max(a_buf[x], b_buf[y]), np.maximum(a, b)),
        "clamp": (hl.clamp(a_buf[x], lo_buf[y], hi_buf[y]), np.minimum(np.maximum(a, lo), hi)),
        "clamp_const": (hl.clamp(a_buf[x], 2, 7), np.clip(a, 2, 7)),
    }
    for name, (e, expected) in cases.items():
        f = hl.Func(name + "_grid")
        f[x, y] = e
        assert_same_type(f.type(), hl_type(type_name))
        assert_exact(realize(f, [n, n]), np.broadcast_to(expected, (n, n)).astype(np_dtype(type_name)))


@pytest.mark.parametrize("type_name", [*INT_TYPE_NAMES, *FLOAT_TYPE_NAMES])
def test_abs_absd(type_name):
    values, _, _ = grid(type_name)
    a_buf, b_buf = input_buffer(values, type_name), input_buffer(values, type_name)
    x, y = hl.Var("x"), hl.Var("y")
    n = len(values)
    is_float = type_name.startswith("float")
    out_name = type_name if is_float or not is_signed(type_name) else "u" + type_name
    if is_float:
        typed = np_array(values, type_name)
        expected_abs = np.abs(typed)
        expected_absd = np.abs(typed[None, :] - typed[:, None])
    else:
        expected_abs = np_array([abs(v) for v in values], out_name)
        expected_absd = np_array([[abs(va - vb) for va in values] for vb in values], out_name)
    if not type_name.startswith("uint"):  # abs of unsigned is a no-op (with a warning)
        f = hl.Func("abs_line")
        f[x] = hl.abs(a_buf[x])
        assert_same_type(f.type(), hl_type(out_name))
        assert_exact(realize(f, [n]), expected_abs)
    g = hl.Func("absd_grid")
    g[x, y] = hl.absd(a_buf[x], b_buf[y])
    assert_same_type(g.type(), hl_type(out_name))
    assert_exact(realize(g, [n, n]), expected_absd)


def test_abs_of_most_negative_is_unsigned():
    x = hl.Var("x")
    f = hl.Func("abs_min")
    f[x] = hl.abs(hl.i8(-128)) + hl.u8(0) * 0
    assert realize(f, [1]).tolist() == [128]
    got, _ = realize_unary(hl.abs, [-128, 127, -1], "int8")
    assert_exact(got, np.array([128, 127, 1], dtype=np.uint8))


# ---- float functions -------------------------------------------------------------------------

DOMAINS = {
    "exp": [-10, -1, -0.5, 0, 0.5, 1, 2, 10, 40],
    "log": [1e-3, 0.5, 1, 2, math.e, 10, 1e6],
    "sin": [-3, -1, -0.5, 0, 0.5, 1, 2, 3, 10, 100],
    "cos": [-3, -1, -0.5, 0, 0.5, 1, 2, 3, 10, 100],
    "tan": [-3, -1, -0.5, 0, 0.5, 1, 2, 3, 10],
    "asin": [-1, -0.9, -0.5, 0, 0.3, 0.5, 0.9, 1],
    "acos": [-1, -0.9, -0.5, 0, 0.3, 0.5, 0.9, 1],
    "atan": [-100, -5, -1, -0.5, 0, 0.5, 1, 5, 100],
    "sinh": [-5, -1, -0.5, 0, 0.5, 1, 5],
    "cosh": [-5, -1, -0.5, 0, 0.5, 1, 5],
    "tanh": [-20, -5, -1, -0.5, 0, 0.5, 1, 5, 20],
    "asinh": [-100, -5, -1, -0.5, 0, 0.5, 1, 5, 100],
    "acosh": [1, 1.5, 2, 10, 100],
    "atanh": [-0.9, -0.5, 0, 0.3, 0.5, 0.9],
}
EXACT = {
    "exp": math.exp, "log": math.log, "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "asin": math.asin, "acos": math.acos, "atan": math.atan, "sinh": math.sinh,
    "cosh": math.cosh, "tanh": math.tanh, "asinh": math.asinh, "acosh": math.acosh,
    "atanh": math.atanh,
}


@pytest.mark.parametrize("type_name", FLOAT_TYPE_NAMES)
@pytest.mark.parametrize("name", list(DOMAINS))
def test_transcendental(name, type_name):
    values = DOMAINS[name]
    got, t = realize_unary(getattr(hl, name), values, type_name)
    assert_same_type(t, hl_type(type_name))
    inputs = np_array(values, type_name).astype(np.float64)
    assert_within_ulps(got, [EXACT[name](v) for v in inputs], type_name, TRANSCENDENTAL_ULPS)


@pytest.mark.parametrize("type_name", FLOAT_TYPE_NAMES)
def test_sqrt_is_correctly_rounded(type_name):
    values = [0, 0.25, 1, 2, 3, 100, 1e6, 1e-3, 0.1]
    got, _ = realize_unary(hl.sqrt, values, type_name)
    assert_exact(got, np.sqrt(np_array(values, type_name)))


@pytest.mark.parametrize("type_name", FLOAT_TYPE_NAMES)
def test_pow_and_atan2(type_name):
    bases = [0.5, 1.0, 2.0, 3.5, 10.0]
    exponents = [-2.0, -0.5, 0.0, 0.5, 1.0, 3.0]
    x, y = hl.Var("x"), hl.Var("y")
    a_buf, b_buf = input_buffer(bases, type_name), input_buffer(exponents, type_name)
    f = hl.Func("pow_grid")
    f[x, y] = hl.pow(a_buf[x], b_buf[y])
    exact = [[math.pow(a, b) for a in np_array(bases, type_name).astype(float)] for b in exponents]
    assert_within_ulps(realize(f, [len(bases), len(exponents)]), exact, type_name, TRANSCENDENTAL_ULPS)
    g = hl.Func("pow_operator")
    g[x, y] = a_buf[x] ** b_buf[y]
    assert_within_ulps(realize(g, [len(bases), len(exponents)]), exact, type_name, TRANSCENDENTAL_ULPS)

    coords = [-2.0, -1.0, 0.0, 0.5, 1.0, 3.0]
    c_buf, d_buf = input_buffer(coords, type_name), input_buffer(coords, type_name)
    h = hl.Func("atan2_grid")
    h[x, y] = hl.atan2(c_buf[y], d_buf[x])  # atan2(y, x)
    exact = [[math.atan2(yv, xv) for xv in coords] for yv in coords]
    assert_within_ulps(realize(h, [len(coords), len(coords)]), exact, type_name, TRANSCENDENTAL_ULPS)


def test_erf_float32():
    values = [-3, -1, -0.5, 0, 0.3, 1, 2, 3]
    got, t = realize_unary(hl.erf, values, "float32")
    assert_same_type(t, hl.Float(32))
    exact = np.array([math.erf(v) for v in np_array(values, "float32").astype(float)])
    np.testing.assert_allclose(got, exact, rtol=0, atol=ERF_ABS_TOLERANCE)


@pytest.mark.parametrize("type_name", FLOAT_TYPE_NAMES)
def test_floor_ceil_round_trunc(type_name):
    values = [-2.5, -1.5, -1.25, -0.5, -0.49999997, 0.0, 0.49999997, 0.5, 0.75, 1.5, 2.5, 3.5,
              1e7 + 1, -1e7 - 1, 123.456]
    typed = np_array(values, type_name)
    expected = {
        "floor": np.floor(typed),
        "ceil": np.ceil(typed),
        "round": np.round(typed),  # half to even, like Halide's round
        "trunc": np.trunc(typed),
    }
    for name, want in expected.items():
        got, t = realize_unary(getattr(hl, name), values, type_name)
        assert_same_type(t, hl_type(type_name))
        assert_exact(got, want)
    got, _ = realize_unary(hl.round, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], type_name)
    assert got.tolist() == [-2.0, -2.0, 0.0, 0.0, 2.0, 2.0]


def test_float_functions_of_integers_give_float32():
    values = [-7, -1, 0, 3, 100]
    for name, ref in [("floor", float), ("ceil", float), ("round", float), ("trunc", float)]:
        got, t = realize_unary(getattr(hl, name), values, "int32")
        assert_same_type(t, hl.Float(32))
        assert_exact(got, np.array([ref(v) for v in values], dtype=np.float32))
    got, t = realize_unary(hl.sqrt, [0, 1, 4, 9, 2], "uint8")
    assert_same_type(t, hl.Float(32))
    assert_exact(got, np.sqrt(np.array([0, 1, 4, 9, 2], dtype=np.float32)))
