"""Shared helpers for the halide Python tests.

What it does: maps Halide scalar types to NumPy dtypes, gives interesting test values per
type, wraps integers the way Halide's fixed-width types do, and realizes Funcs into NumPy
arrays.
What it assumes: `import halide as hl` is either halide-c (which sets `hl.__halide_c__`) or
the reference Halide 19-21 Python bindings; NumPy is installed.
What it guarantees: every expected value in the tests is computed here or in the test with
plain Python/NumPy, never with hl.
"""

import numpy as np
import pytest

import halide as hl

IS_HALIDE_C = bool(getattr(hl, "__halide_c__", False))

# name -> (halide type factory, numpy dtype)
INT_TYPES = {
    "int8": (lambda: hl.Int(8), np.int8),
    "int16": (lambda: hl.Int(16), np.int16),
    "int32": (lambda: hl.Int(32), np.int32),
    "int64": (lambda: hl.Int(64), np.int64),
    "uint8": (lambda: hl.UInt(8), np.uint8),
    "uint16": (lambda: hl.UInt(16), np.uint16),
    "uint32": (lambda: hl.UInt(32), np.uint32),
    "uint64": (lambda: hl.UInt(64), np.uint64),
}
FLOAT_TYPES = {
    "float32": (lambda: hl.Float(32), np.float32),
    "float64": (lambda: hl.Float(64), np.float64),
}
ALL_TYPES = {**INT_TYPES, **FLOAT_TYPES}
INT_TYPE_NAMES = list(INT_TYPES)
FLOAT_TYPE_NAMES = list(FLOAT_TYPES)
ALL_TYPE_NAMES = list(ALL_TYPES)


def hl_type(name):
    """The Halide type called `name` ("uint8", "float32", ...)."""
    return ALL_TYPES[name][0]()


def np_dtype(name):
    return np.dtype(ALL_TYPES[name][1])


def int_bits(name):
    return np.dtype(INT_TYPES[name][1]).itemsize * 8


def is_signed(name):
    return name.startswith("int")


def int_range(name):
    info = np.iinfo(INT_TYPES[name][1])
    return int(info.min), int(info.max)


def wrap(value, name):
    """Python int `value` reduced modulo 2**bits into the range of integer type `name`."""
    bits = int_bits(name)
    value &= (1 << bits) - 1
    if is_signed(name) and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def wraps_on_overflow(name):
    """Halide defines overflow only for unsigned types and int8/int16 (int32/int64: undefined)."""
    return not is_signed(name) or int_bits(name) < 32


def interesting_values(name):
    """A small list of values of type `name`: extremes, small numbers of both signs, zero."""
    if name in FLOAT_TYPES:
        return [-1000.5, -7.5, -4.0, -1.5, -0.25, 0.0, 0.375, 1.0, 2.5, 3.0, 7.0, 0.1, 1.0 / 3.0, 1e6]
    lo, hi = int_range(name)
    big = {8: 100, 16: 1000, 32: 100000, 64: 10**12}[int_bits(name)]
    if is_signed(name):
        return [lo, lo + 1, -big, -7, -2, -1, 0, 1, 2, 7, big, hi - 1, hi]
    return [0, 1, 2, 3, 7, big, hi // 2, hi // 2 + 1, hi - 1, hi]


def np_array(values, name):
    return np.array(values, dtype=np_dtype(name))


def to_buffer(array):
    """An hl.Buffer sharing `array`'s memory. uint64 arrays are viewed as C unsigned long long
    (buffer format 'Q'): the reference Halide rejects NumPy's default 'L' format for uint64."""
    array = np.asarray(array)
    if array.dtype == np.uint64:
        array = array.view(np.ulonglong)
    return hl.Buffer(array)


def input_buffer(values, name):
    """A 1-D input Buffer of type `name` holding `values`."""
    return to_buffer(np_array(values, name))


def realize(func, sizes):
    """Realize `func` over `sizes` (x first) and return a NumPy copy (axes reversed: [y, x])."""
    buf = func.realize(list(sizes))
    return np.array(buf, copy=True)


def assert_same_type(actual, expected):
    assert actual == expected, f"type {actual} != expected {expected}"


def assert_exact(actual, expected, defined=None):
    """Bit-exact comparison of integer arrays; float arrays compare by value (so 0.0 == -0.0,
    as Halide does not promise the sign of a zero). `defined` masks out entries whose value
    Halide leaves undefined (e.g. int32 overflow)."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != {expected.dtype}"
    if defined is not None:
        actual = actual[defined]
        expected = expected[defined]
    np.testing.assert_array_equal(actual, expected)


reference_only_xfail = pytest.mark.xfail(
    not IS_HALIDE_C, reason="known bug in the reference Halide that SEMANTICS.md corrects", strict=True
)


def halide_c_not_yet(reason):
    """xfail on halide-c only, for a capability not built yet (the test documents the gap and
    must start passing when it is: strict)."""
    return pytest.mark.xfail(IS_HALIDE_C, reason=f"not implemented in halide-c yet: {reason}", strict=True)
