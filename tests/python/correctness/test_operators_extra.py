"""The rest of Halide's operator library, on every type each operator accepts.

What it does: realizes each operator over a grid whose x axis indexes the left operand values
and whose y axis the right operand values (both read from input Buffers, so nothing is
constant-folded) and compares with an independent pure-Python/NumPy reference of Halide's
semantics: saturating, widening, halving and rounding arithmetic, rounding shifts,
mul_shift_right, division rounding to zero, lerp (integer weights are fractions of their
type's max; rounded), mux, bit counts, extract/concat_bits, reinterpret, is_nan/inf/finite,
fract, fast_* math, print/print_when.
What it assumes: values whose result the reference leaves undefined are not used: rounding
shift amounts of +-bits on 32- and 64-bit types, a zero divisor or MIN / -1 for div/mod_round_to_zero (the
reference traps), float arguments of the integer-only operators.
What it guarantees: integer results bit for bit; lerp of float values bit for bit (it is
fma(one - zero, w, zero) on both); transcendental fast_* within the documented tolerances
(FAST_RTOL / FAST_ATOL below, looser than Halide's documented fast_* accuracy).
"""

import math
from fractions import Fraction

import numpy as np
import pytest

import halide as hl
from conftest import int_bits, int_range, is_signed, np_dtype, realize, to_buffer, wrap

x, y = hl.Var("x"), hl.Var("y")

INT_NAMES = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64"]
NARROW_INT_NAMES = [n for n in INT_NAMES if not n.endswith("64")]

# Tolerances of the fast_* transcendentals (relative, absolute).
FAST_RTOL, FAST_ATOL = 1e-4, 1e-5


def values_of(name):
    lo, hi = int_range(name)
    bits = int_bits(name)
    mid = {8: 100, 16: 300, 32: 70000, 64: 2**40}[bits]
    vals = [lo, lo + 1, -mid, -7, -2, -1, 0, 1, 2, 3, 7, mid, hi - 1, hi]
    return sorted({v for v in vals if lo <= v <= hi})


def grid(fn, a_vals, a_name, b_vals, b_name):
    """Realize fn(A[x], B[y]) over the values; returns the NumPy result indexed [y, x]."""
    A = to_buffer(np.array(a_vals, dtype=np_dtype(a_name)))
    B = to_buffer(np.array(b_vals, dtype=np_dtype(b_name)))
    f = hl.Func("f")
    f[x, y] = fn(A[x], B[y])
    return realize(f, [len(a_vals), len(b_vals)])


def line(fn, a_vals, a_name):
    A = to_buffer(np.array(a_vals, dtype=np_dtype(a_name)))
    f = hl.Func("f")
    f[x] = fn(A[x])
    return realize(f, [len(a_vals)])


def expected_grid(ref, a_vals, b_vals, out_name):
    return np.array([[ref(a, b) for a in a_vals] for b in b_vals], dtype=np_dtype(out_name))


def check_grid(op, ref, a_name, b_name, out_name, a_vals=None, b_vals=None):
    a_vals = values_of(a_name) if a_vals is None else a_vals
    b_vals = values_of(b_name) if b_vals is None else b_vals
    got = grid(op, a_vals, a_name, b_vals, b_name)
    want = expected_grid(ref, a_vals, b_vals, out_name)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def clamp_to(v, name):
    lo, hi = int_range(name)
    return min(max(v, lo), hi)


def widened_name(name, signed=None):
    signed = is_signed(name) if signed is None else signed
    return ("int" if signed else "uint") + str(2 * int_bits(name))


def shr(a, b):  # Halide's shift right on Python ints (negative b shifts left)
    return a >> b if b >= 0 else a << -b


def round_shr(a, b):
    """Round-half-up a / 2**b (b <= 0: an exact left shift)."""
    if b <= 0:
        return a << -b
    return (a + (1 << (b - 1))) >> b


# ---- saturating, halving, widening ------------------------------------------------------


@pytest.mark.parametrize("name", INT_NAMES)
def test_saturating_add_sub(name):
    check_grid(hl.saturating_add, lambda a, b: clamp_to(a + b, name), name, name, name)
    check_grid(hl.saturating_sub, lambda a, b: clamp_to(a - b, name), name, name, name)


def test_saturating_mixed_types_promote_first():
    # uint8 with int8 promotes to int8 (200 wraps to -56), then saturates.
    got = grid(hl.saturating_add, [0, 200, 255], "uint8", [-128, -1, 127], "int8")
    assert got.dtype == np.int8
    want = [[clamp_to(wrap(a, "int8") + b, "int8") for a in [0, 200, 255]] for b in [-128, -1, 127]]
    np.testing.assert_array_equal(got, np.array(want, dtype=np.int8))
    assert hl.saturating_add(hl.u8(x), 3).type() == hl.Int(32)


@pytest.mark.parametrize("name", INT_NAMES)
def test_halving(name):
    check_grid(hl.halving_add, lambda a, b: (a + b) >> 1, name, name, name)
    check_grid(hl.rounding_halving_add, lambda a, b: (a + b + 1) >> 1, name, name, name)
    check_grid(hl.halving_sub, lambda a, b: wrap((a - b) >> 1, name), name, name, name)


@pytest.mark.parametrize("name", NARROW_INT_NAMES)
def test_widening(name):
    check_grid(hl.widening_add, lambda a, b: a + b, name, name, widened_name(name))
    check_grid(hl.widening_sub, lambda a, b: a - b, name, name, widened_name(name, True))
    check_grid(hl.widening_mul, lambda a, b: a * b, name, name, widened_name(name))


def test_widening_mixed():
    a, b = [0, 200, 255], [-128, -1, 127]
    # widening_add promotes first (uint8 200 -> int8 -56); widening_mul widens each side.
    check_grid(hl.widening_add, lambda p, q: wrap(p, "int8") + q, "uint8", "int8", "int16", a, b)
    check_grid(hl.widening_mul, lambda p, q: p * q, "uint8", "int8", "int16", a, b)
    check_grid(hl.widening_mul, lambda p, q: p * q, "uint8", "uint16", "uint32", a, [0, 1, 65535])
    check_grid(hl.widening_mul, lambda p, q: p * q, "int16", "uint8", "int32", [-32768, 5, 32767], [0, 255])
    assert hl.widening_add(hl.u8(x), hl.u16(x)).type() == hl.UInt(32)
    assert hl.widening_sub(hl.u8(x), hl.u8(x)).type() == hl.Int(16)
    assert hl.widening_add(hl.u8(x), 3).type() == hl.Int(64)
    assert hl.widening_add(hl.f32(x), hl.f32(x)).type() == hl.Float(64)


def test_widen_right():
    check_grid(hl.widen_right_add, lambda a, b: a + b, "uint16", "uint8", "uint16", [0, 300, 65000], [0, 7, 255])
    check_grid(hl.widen_right_sub, lambda a, b: a - b, "int16", "int8", "int16", [-30000, 300, 30000], [-128, 7, 127])
    check_grid(hl.widen_right_mul, lambda a, b: a * b, "int32", "int16", "int32", [-60000, 3, 60000], [-32768, 7, 32767])


# ---- shifts ------------------------------------------------------------------------------


def shift_amounts(name, signed):
    bits = int_bits(name)
    top = bits if bits < 32 else bits - 1  # +-32/64 on 32/64-bit types: undefined in the reference
    return list(range(-top if signed else 0, top + 1))


@pytest.mark.parametrize("name", INT_NAMES)
@pytest.mark.parametrize("signed_amount", [True, False])
def test_rounding_shifts(name, signed_amount):
    amt_name = ("int" if signed_amount else "uint") + str(int_bits(name))
    amts = shift_amounts(name, signed_amount)
    check_grid(hl.rounding_shift_right, lambda a, b: wrap(round_shr(a, b), name), name, amt_name, name, None, amts)
    check_grid(hl.rounding_shift_left, lambda a, b: wrap(round_shr(a, -b), name), name, amt_name, name, None, amts)


@pytest.mark.parametrize("name", INT_NAMES)
@pytest.mark.parametrize("amount", [-3, 0, 1, 3])
def test_rounding_shift_by_constant(name, amount):
    vals = values_of(name)
    got = line(lambda a: hl.rounding_shift_right(a, amount), vals, name)
    np.testing.assert_array_equal(got, np.array([wrap(round_shr(a, amount), name) for a in vals], dtype=np_dtype(name)))
    got = line(lambda a: hl.rounding_shift_left(a, amount), vals, name)
    np.testing.assert_array_equal(got, np.array([wrap(round_shr(a, -amount), name) for a in vals], dtype=np_dtype(name)))


@pytest.mark.parametrize("name", NARROW_INT_NAMES)
def test_widening_shifts(name):
    amt_name = "int" + str(int_bits(name))
    amts = list(range(-int_bits(name), int_bits(name) + 1))
    wide = widened_name(name)
    check_grid(hl.widening_shift_left, lambda a, b: wrap(shr(a, -b), wide), name, amt_name, wide, None, amts)
    check_grid(hl.widening_shift_right, lambda a, b: wrap(shr(a, b), wide), name, amt_name, wide, None, amts)
    vals = values_of(name)
    got = line(lambda a: hl.widening_shift_left(a, -1), vals, name)
    np.testing.assert_array_equal(got, np.array([a >> 1 for a in vals], dtype=np_dtype(wide)))


@pytest.mark.parametrize("name", NARROW_INT_NAMES)
@pytest.mark.parametrize("rounding", [False, True])
def test_mul_shift_right(name, rounding):
    op = hl.rounding_mul_shift_right if rounding else hl.mul_shift_right
    bits = int_bits(name)
    for q in [0, 1, bits - 1, bits, 2 * bits - 1]:
        ref = (lambda a, b, q=q: clamp_to(round_shr(a * b, q) if rounding else (a * b) >> q, name))
        check_grid(lambda a, b, q=q: op(a, b, q), ref, name, name, name)
    amts = [0, 1, 2, bits - 1, bits, 2 * bits - 1]
    uname = "uint" + str(bits)
    ref = (lambda a, q: clamp_to(round_shr(a * a, q) if rounding else (a * a) >> q, name))
    check_grid(lambda a, q: op(a, a, q), ref, name, uname, name, None, amts)


# ---- division rounding to zero -------------------------------------------------------------


def c_div(a, b):
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


@pytest.mark.parametrize("name", INT_NAMES)
def test_round_to_zero(name):
    divisors = [v for v in values_of(name) if v not in (0, -1)]
    check_grid(hl.div_round_to_zero, c_div, name, name, name, None, divisors)
    check_grid(hl.mod_round_to_zero, lambda a, b: a - c_div(a, b) * b, name, name, name, None, divisors)


# ---- lerp ----------------------------------------------------------------------------------


def lerp_ref(z, o, w, name, w_name):
    """Halide's integer lerp on Python ints: the weight rescaled to the values' width, then
    (z*(max-w) + o*w) / max rounded, computed on the sign-flipped values for signed types."""
    bits = int_bits(name)
    umax = (1 << bits) - 1
    if is_signed(name):
        z, o = z + (1 << (bits - 1)), o + (1 << (bits - 1))
    if w_name == "float32":
        if bits == 32:
            tw = int(float(np.float32(w)) * 4294967295.0)
        else:
            tw = int(np.float32(np.float32(umax) * np.float32(w)))
    else:
        wbits = int_bits(w_name)
        wmax = (1 << wbits) - 1
        tw = w * (umax // wmax) if wbits <= bits else w // (wmax // umax)
    p = z * (umax - tw) + o * tw + (1 << (bits - 1))
    r = (((p >> bits) + p) >> bits) & umax
    return r - (1 << (bits - 1)) if is_signed(name) else r


def test_lerp_documented_example():
    got = line(lambda w: hl.lerp(hl.u8(10), hl.u8(20), w), list(range(256)), "uint8")
    want = [lerp_ref(10, 20, w, "uint8", "uint8") for w in range(256)]
    np.testing.assert_array_equal(got, np.array(want, dtype=np.uint8))
    assert got[128] == 15


@pytest.mark.parametrize("name", ["uint8", "int8", "uint16", "int16", "uint32", "int32"])
@pytest.mark.parametrize("w_name", ["uint8", "uint16", "uint32", "float32"])
def test_lerp_integers(name, w_name):
    vals = values_of(name)
    lo, hi = int_range(name)
    if w_name == "float32":
        weights = [0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.999, 1.0]
    else:
        weights = sorted({0, 1, 2, 127, 128, 255} | {int_range(w_name)[1] // 2, int_range(w_name)[1] - 1, int_range(w_name)[1]})
    # The other value is ~a (hi - a unsigned, -a - 1 signed), of the same type.
    got = grid(lambda a, w: hl.lerp(a, ~a, w), vals, name, weights, w_name)
    want = np.array([[lerp_ref(a, (~a if is_signed(name) else hi - a), w, name, w_name) for a in vals] for w in weights],
                    dtype=np_dtype(name))
    assert lo < hi
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", ["float32", "float64"])
@pytest.mark.parametrize("w_name", ["uint8", "uint16", "uint32", "float32"])
def test_lerp_floats(name, w_name):
    T = np_dtype(name).type
    vals = [-1.5, 0.0, 3.0, 1e6]
    if w_name == "float32":
        weights = [0.0, 0.3, 1.0, 2.0, -1.0]
    else:
        wmax = int_range(w_name)[1]
        weights = [0, 1, 2, wmax // 2, wmax // 2 + 1, wmax - 1, wmax]
    got = grid(lambda a, w: hl.lerp(a, a * 2 + 1, w), vals, name, weights, w_name)
    want = np.zeros((len(weights), len(vals)), dtype=T)
    for j, w in enumerate(weights):
        if w_name == "float32":
            tw = T(np.float32(w))
        elif w_name == "uint32":
            tw = T(np.float64(w) * np.float64(1 / 4294967295.0))
        else:
            tw = T(T(w) * T(1 / int_range(w_name)[1]))
        for i, z in enumerate(vals):
            z = T(z)
            o = T(z * T(2) + T(1))
            # fma(one - zero, w, zero): one rounding of the exact value.
            want[j, i] = T(float(Fraction(float(T(o - z))) * Fraction(float(tw)) + Fraction(float(z))))
    np.testing.assert_array_equal(got, want)


def test_lerp_types():
    assert hl.lerp(hl.u8(x), 3, hl.u8(x)).type() == hl.UInt(8)
    assert hl.lerp(1.0, hl.f32(x), hl.u8(x)).type() == hl.Float(32)
    assert hl.lerp(hl.f64(x), hl.f64(x), hl.f32(x)).type() == hl.Float(64)
    assert hl.lerp(hl.u8(x), hl.u8(x), 0.5).type() == hl.UInt(8)


# ---- mux, bits, reinterpret --------------------------------------------------------------


def test_mux():
    idx = [-(2**31), -5, -1, 0, 1, 2, 3, 100]
    got = grid(lambda i, z: hl.mux(i, [z, z + 10, z + 20]), idx, "int32", [0, 1], "int32")
    want = [[z + 10 * (i if 0 <= i <= 2 else 2) for i in idx] for z in [0, 1]]
    np.testing.assert_array_equal(got, np.array(want, dtype=np.int32))
    got = grid(lambda i, z: hl.mux(i, [z, z + 10, z + 20]), [0, 1, 2, 3, 255], "uint8", [0], "int32")
    np.testing.assert_array_equal(got, np.array([[0, 10, 20, 20, 20]], dtype=np.int32))
    got = grid(lambda i, z: hl.mux(i, [z]), [0, 1, 255], "uint8", [7], "int32")
    np.testing.assert_array_equal(got, np.array([[7, 7, 7]], dtype=np.int32))
    assert hl.mux(hl.u8(x), [x, x]).type() == hl.Int(32)


def bits_of(v, name):
    return v & ((1 << int_bits(name)) - 1)


@pytest.mark.parametrize("name", INT_NAMES)
def test_bit_counts(name):
    vals = values_of(name) + [8, 96]
    vals = [v for v in vals if int_range(name)[0] <= v <= int_range(name)[1]]
    bits = int_bits(name)
    dt = np_dtype(name)
    np.testing.assert_array_equal(line(hl.popcount, vals, name), np.array([bin(bits_of(v, name)).count("1") for v in vals], dtype=dt))
    np.testing.assert_array_equal(line(hl.count_leading_zeros, vals, name),
                                  np.array([bits - bits_of(v, name).bit_length() for v in vals], dtype=dt))
    ctz = [bits if v == 0 else (bits_of(v, name) & -bits_of(v, name)).bit_length() - 1 for v in vals]
    np.testing.assert_array_equal(line(hl.count_trailing_zeros, vals, name), np.array(ctz, dtype=dt))


@pytest.mark.parametrize("name", ["uint8", "int8", "uint16", "int16", "uint32", "int32"])
def test_concat_bits(name):
    vals = values_of(name)
    bits = int_bits(name)
    out = ("int" if is_signed(name) else "uint") + str(2 * bits)
    check_grid(lambda a, b: hl.concat_bits([a, b]), lambda a, b: wrap(bits_of(a, name) | bits_of(b, name) << bits, out),
               name, name, out)
    if bits <= 16:
        out4 = ("int" if is_signed(name) else "uint") + str(4 * bits)
        check_grid(lambda a, b: hl.concat_bits([a, b, b, a]),
                   lambda a, b: wrap(sum(bits_of(v, name) << (i * bits) for i, v in enumerate([a, b, b, a])), out4),
                   name, name, out4)
    assert hl.concat_bits([hl.f32(x), hl.f32(x)]).type() == hl.Float(64)


@pytest.mark.parametrize("out_name", ["uint8", "int8", "uint16", "int32", "uint64"])
def test_extract_bits(out_name):
    vals = [0x12345678, -1, -(2**31), 0x0F0F0F0F]
    lsbs = list(range(-8, 32))
    t = {"uint8": hl.UInt(8), "int8": hl.Int(8), "uint16": hl.UInt(16), "int32": hl.Int(32), "uint64": hl.UInt(64)}[out_name]

    def ref(v, lsb):
        u = bits_of(v, "int32")
        s = (u >> lsb if lsb >= 0 else u << -lsb) & 0xFFFFFFFF
        return wrap(s, out_name)

    check_grid(lambda a, b: hl.extract_bits(t, a, b), ref, "int32", "int32", out_name, vals, lsbs)


def test_reinterpret():
    got = line(lambda a: hl.reinterpret(hl.UInt(32), a), [1.0, -2.0, 0.1], "float32")
    np.testing.assert_array_equal(got, np.array([1.0, -2.0, 0.1], dtype=np.float32).view(np.uint32))
    got = line(lambda a: hl.reinterpret(hl.Float(32), a), [0x3F800000, 0xC0000000], "uint32")
    np.testing.assert_array_equal(got, np.array([1.0, -2.0], dtype=np.float32))
    got = line(lambda a: hl.reinterpret(hl.Int(16), a), [0, 1, 32768, 65535], "uint16")
    np.testing.assert_array_equal(got, np.array([0, 1, -32768, -1], dtype=np.int16))


# ---- float predicates and math -----------------------------------------------------------


@pytest.mark.parametrize("name", ["float32", "float64"])
def test_float_predicates(name):
    vals = [0.0, float("nan"), float("inf"), -float("inf"), 1e38, -2.5]
    got = line(lambda a: hl.select(hl.is_nan(a), 1, 0) + hl.select(hl.is_inf(a), 10, 0) + hl.select(hl.is_finite(a), 100, 0),
               vals, name)
    want = [(1 if math.isnan(v) else 0) + (10 if math.isinf(v) else 0) + (100 if math.isfinite(v) else 0) for v in vals]
    np.testing.assert_array_equal(got, np.array(want, dtype=np.int32))
    assert hl.is_nan(hl.cast(hl.Float(int(name[-2:])), x)).type() == hl.Bool()


@pytest.mark.parametrize("name", ["float32", "float64"])
def test_fract(name):
    vals = [-1.25, -0.0, 0.5, 2.75, -3.0, 1e10, 1e-3]
    got = line(hl.fract, vals, name)
    T = np_dtype(name).type
    np.testing.assert_array_equal(got, np.array([T(v) - np.trunc(T(v)) for v in vals], dtype=T))
    np.testing.assert_array_equal(line(hl.fract, [-3, 4], "int32"), np.array([0.0, 0.0], dtype=np.float32))


def test_fast_math():
    vals = [0.01, 0.5, 1.0, 2.0, 3.5, 10.0, -4.0]
    pos = [v for v in vals if v > 0]
    cases = [
        (hl.fast_sin, np.sin, vals), (hl.fast_cos, np.cos, vals), (hl.fast_exp, np.exp, vals),
        (hl.fast_log, np.log, pos), (hl.fast_inverse, lambda v: 1 / v, vals),
        (hl.fast_inverse_sqrt, lambda v: 1 / np.sqrt(v), pos),
    ]
    for op, ref, vs in cases:
        got = line(op, vs, "float32")
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, ref(np.array(vs, dtype=np.float64)), rtol=FAST_RTOL * 10, atol=FAST_ATOL)
    got = grid(hl.fast_pow, pos, "float32", [0.5, 2.0, 3.3], "float32")
    want = np.array([[a**b for a in pos] for b in [0.5, 2.0, 3.3]])
    np.testing.assert_allclose(got, want, rtol=FAST_RTOL * 10)
    got = line(lambda a: hl.fast_pow(a, 3), [0, 2, 5, 6], "uint8")
    np.testing.assert_array_equal(got, np.array([0, 8, 125, 216], dtype=np.uint8))
    assert hl.fast_sin(hl.f64(x)).type() == hl.Float(64)
    assert hl.fast_sin(x).type() == hl.Float(32)


def test_hypot():
    got = grid(hl.hypot, [3.0, -5.0, 0.0], "float32", [4.0, 12.0], "float32")
    np.testing.assert_allclose(got, np.hypot(*np.meshgrid([3.0, -5.0, 0.0], [4.0, 12.0])), rtol=1e-6)


# ---- markers, promises, targets, print -----------------------------------------------------


def test_markers_are_identities():
    vals = [0, 5, -10]
    got = line(lambda a: hl.likely(a) + 10 * hl.likely_if_innermost(a) + 100 * hl.strict_float(a), vals, "int32")
    np.testing.assert_array_equal(got, np.array([111 * v for v in vals], dtype=np.int32))
    got = line(lambda a: hl.unsafe_promise_clamped(a, 0, 10) * 2, [0, 5, 10], "int32")
    np.testing.assert_array_equal(got, np.array([0, 10, 20], dtype=np.int32))
    assert hl.unsafe_promise_clamped(hl.u8(x), 0, 10).type() == hl.UInt(8)


def test_target_queries():
    assert hl.target_bits().type() == hl.Int(32)
    assert hl.target_natural_vector_size(hl.Float(32)).type() == hl.Int(32)
    f = hl.Func("f")
    f[x] = hl.target_bits() + x * 0
    assert realize(f, [1])[0] == 64
    g = hl.Func("g")
    g[x] = hl.target_natural_vector_size(hl.UInt(8)) // hl.target_natural_vector_size(hl.Float(32))
    assert realize(g, [1])[0] == 4


def test_print_formats(capfd):
    A = to_buffer(np.array([1.5, -2.25], dtype=np.float32))
    f = hl.Func("f")
    f[x] = hl.print(A[x], "a", x, hl.u8(x + 250), hl.cast(hl.Float(64), A[x]), x > 0, hl.i64(x) - 5, 3, 2.5)
    out = realize(f, [2])
    np.testing.assert_array_equal(out, np.array([1.5, -2.25], dtype=np.float32))
    captured = capfd.readouterr()
    lines = [ln for ln in (captured.out + captured.err).splitlines() if ln.strip()]
    assert "1.500000 a 0 250 1.500000e+00 false -5 3 2.500000" in lines
    assert "-2.250000 a 1 251 -2.250000e+00 true -4 3 2.500000" in lines


def test_print_when(capfd):
    g = hl.Func("g")
    g[x] = hl.print_when(x > 1, x * 2, "big")
    out = realize(g, [4])
    np.testing.assert_array_equal(out, np.array([0, 2, 4, 6], dtype=np.int32))
    captured = capfd.readouterr()
    lines = [ln for ln in (captured.out + captured.err).splitlines() if ln.strip()]
    assert sorted(lines) == ["4 big", "6 big"]


@pytest.mark.skipif(not hasattr(hl, "fma"), reason="hl.fma is not in this Python API (the reference has no binding)")
def test_fma():
    got = grid(lambda a, b: hl.fma(a, b, a), [0.1, 3.0], "float32", [10.0, -1.0], "float32")
    want = np.array([[np.float32(float(np.float32(a)) * float(np.float32(b)) + float(np.float32(a))) for a in [0.1, 3.0]]
                     for b in [10.0, -1.0]], dtype=np.float32)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("cast,name,lo,hi", [
    (hl.u8_sat, "uint8", 0, 255), (hl.i8_sat, "int8", -128, 127), (hl.u16_sat, "uint16", 0, 65535),
    (hl.i16_sat, "int16", -32768, 32767), (hl.u32_sat, "uint32", 0, 2**32 - 1), (hl.i32_sat, "int32", -(2**31), 2**31 - 1),
])
def test_saturating_concise_casts(cast, name, lo, hi):
    fvals = [-1e9, -200.5, -128.7, -0.5, 0.5, 127.9, 200.2, 255.9, 300.0, 70000.5, 1e9]
    got = line(cast, fvals, "float32")
    want = [min(max(math.trunc(float(np.float32(v))), lo), hi) for v in fvals]
    np.testing.assert_array_equal(got, np.array(want, dtype=np_dtype(name)))
    ivals = [-(2**31), -70000, -1, 0, 1, 40000, 70000, 2**31 - 1]
    got = line(cast, ivals, "int32")
    np.testing.assert_array_equal(got, np.array([min(max(v, lo), hi) for v in ivals], dtype=np_dtype(name)))
