"""hl.Buffer: construction, the buffer protocol both ways, element access, shape views,
copies and every error path. NumPy is the reference for values; the expected reprs, axis
orders and exception types were checked against Halide 21's Python bindings."""
import gc
import sys

import numpy as np
import pytest

import halide as hl

ALL_DTYPES = [np.bool_, np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16,
              np.int32, np.int64, np.float16, np.float32, np.float64]


def dims(b):
    return [(b.dim(i).min(), b.dim(i).extent(), b.dim(i).stride()) for i in range(b.dimensions())]


# ---- construction ------------------------------------------------------------------------

def test_undefined():
    b = hl.Buffer()
    assert not b.defined()
    assert repr(b) == "<undefined halide.Buffer>"
    with pytest.raises(hl.HalideError):
        b.dimensions()
    with pytest.raises(hl.HalideError):
        b[0]
    with pytest.raises(BufferError):
        memoryview(b)


def test_from_type_and_sizes():
    b = hl.Buffer(hl.UInt(8), [3, 4])
    assert b.defined()
    assert repr(b) == "<halide.Buffer of type uint8 shape:[[0,3,1],[0,4,3]]>"
    assert str(b) == repr(b)
    assert b.type() == hl.UInt(8)
    assert dims(b) == [(0, 3, 1), (0, 4, 3)]
    assert (b.width(), b.height(), b.channels(), b.dimensions()) == (3, 4, 1, 2)
    assert (b.left(), b.right(), b.top(), b.bottom()) == (0, 2, 0, 3)
    assert b.number_of_elements() == 12 and b.size_in_bytes() == 12
    assert np.asarray(b).shape == (4, 3)
    assert not np.asarray(b).any()  # zeroed
    named = hl.Buffer(hl.Float(32), (2, 2), "named")
    assert named.name() == "named"
    assert hl.Buffer(type=hl.Int(16), sizes=[2], name="kw").name() == "kw"
    assert hl.Buffer(hl.UInt(8), np.array([2, 3])).dimensions() == 2
    assert repr(hl.Buffer(hl.Int(32), [])) == "<halide.Buffer of type int32 shape:[]>"


def test_storage_order_and_makers():
    assert dims(hl.Buffer(hl.UInt(8), [3, 4, 5], [2, 0, 1])) == [(0, 3, 5), (0, 4, 15), (0, 5, 1)]
    assert dims(hl.Buffer.make_interleaved(hl.UInt(8), 4, 3, 2)) == [(0, 4, 2), (0, 3, 8), (0, 2, 1)]
    s = hl.Buffer.make_scalar(hl.Float(32), "s")
    assert repr(s) == "<halide.Buffer of type float32 shape:[]>" and s.name() == "s"
    q = hl.Buffer.make_bounds_query(hl.UInt(8), [3, 4])
    assert dims(q) == [(0, 3, 1), (0, 4, 3)]
    with pytest.raises(hl.HalideError):
        q[0, 0]
    q.allocate()
    q[1, 1] = 5
    assert q[1, 1] == 5
    src = hl.Buffer(hl.Int(16), [2, 3, 4]).transposed(0, 2)
    like = hl.Buffer.make_with_shape_of(src, "like")
    assert like.name() == "like"
    assert [(d[0], d[1]) for d in dims(like)] == [(0, 4), (0, 3), (0, 2)]
    assert [d[2] for d in dims(like)] == [6, 2, 1]  # dense, src's storage order


def test_names_are_unique():
    names = {hl.Buffer(hl.UInt(8), [1]).name() for _ in range(5)}
    assert len(names) == 5
    assert all(n[0] == "b" and n[1:].isdigit() for n in names)
    b = hl.Buffer(hl.UInt(8), [1])
    b.set_name("zz")
    assert b.name() == "zz"


@pytest.mark.parametrize("sizes", [[-1, 3], [3, -2]])
def test_negative_sizes(sizes):
    with pytest.raises(ValueError):
        hl.Buffer(hl.UInt(8), sizes)


def test_bad_sizes():
    with pytest.raises(ValueError):
        hl.Buffer(hl.UInt(8), [1 << 20, 1 << 20, 1 << 20])  # strides overflow int32
    with pytest.raises(ValueError):
        hl.Buffer(hl.UInt(8), [1 << 40])
    with pytest.raises(TypeError):
        hl.Buffer(hl.UInt(8), [1.5])
    with pytest.raises(TypeError):
        hl.Buffer(hl.UInt(8), 3)
    with pytest.raises(ValueError):
        hl.Buffer(hl.UInt(8), [1] * 65)  # too many dimensions
    assert hl.Buffer(hl.UInt(8), [1] * 64).dimensions() == 64
    with pytest.raises(ValueError):
        hl.Buffer(hl.UInt(8), [2, 2], [0, 0])  # storage order not a permutation
    with pytest.raises(ValueError):
        hl.Buffer(hl.Int(32, 4), [3])  # vector element type
    with pytest.raises(TypeError):
        hl.Buffer("abc")
    with pytest.raises(TypeError):
        hl.Buffer([1, 2, 3])


# ---- from the buffer protocol ------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_numpy_dtypes_round_trip(dtype):
    a = (np.arange(12) % 2 if dtype is np.bool_ else np.arange(12)).astype(dtype).reshape(3, 4)
    b = hl.Buffer(a)
    assert b.type().bits() == (1 if dtype is np.bool_ else np.dtype(dtype).itemsize * 8)
    assert dims(b) == [(0, 4, 1), (0, 3, 4)]
    view = np.asarray(b)
    assert view.dtype == np.dtype(dtype) and view.shape == (3, 4)
    np.testing.assert_array_equal(view, a)
    for y in range(3):
        for x in range(4):
            assert b[x, y] == a[y, x]
    assert np.shares_memory(view, a)


def test_numpy_type_names():
    assert hl.Buffer(np.zeros(2, np.bool_)).type() == hl.Bool()
    assert hl.Buffer(np.zeros(2, np.float16)).type() == hl.Float(16)
    assert hl.Buffer(np.zeros(2, np.longlong)).type() == hl.Int(64)
    assert hl.Buffer(np.zeros(2, np.ulonglong)).type() == hl.UInt(64)
    assert hl.Buffer(bytearray(3)).type() == hl.UInt(8)
    import array
    assert hl.Buffer(array.array("d", [1, 2])).type() == hl.Float(64)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64, np.longdouble, object,
                                   [("a", np.int32)], ">i4", "S3"])
def test_unsupported_dtypes(dtype):
    with pytest.raises((ValueError, TypeError)):
        hl.Buffer(np.zeros(3, dtype))


def test_memory_is_shared():
    a = np.zeros((3, 4), np.int16)
    b = hl.Buffer(a)
    b[1, 2] = 100
    assert a[2, 1] == 100
    a[0, 3] = 7
    assert b[3, 0] == 7
    np.asarray(b)[1, 1] = 9
    assert a[1, 1] == 9


def test_memory_kept_alive():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    b = hl.Buffer(a)
    c = b.cropped(0, 1, 2)
    del a, b
    gc.collect()
    assert c[2, 1] == 5
    a2 = np.arange(4, dtype=np.uint8)
    before = sys.getrefcount(a2)
    d = hl.Buffer(a2)
    assert sys.getrefcount(a2) > before
    del d
    gc.collect()
    assert sys.getrefcount(a2) == before


def test_strided_and_negative_strides():
    a = np.arange(24, dtype=np.int32).reshape(4, 6)
    view = a[::-1, ::2]
    b = hl.Buffer(view)
    assert dims(b) == [(0, 3, 2), (0, 4, -6)]
    np.testing.assert_array_equal(np.asarray(b), view)
    for y in range(4):
        for x in range(3):
            assert b[x, y] == view[y, x]
    f = hl.Buffer(np.asfortranarray(a))
    assert dims(f) == [(0, 6, 4), (0, 4, 1)]
    np.testing.assert_array_equal(np.asarray(f), a)
    t = hl.Buffer(a.T)
    np.testing.assert_array_equal(np.asarray(t), a.T)


def test_reverse_axes_false():
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    b = hl.Buffer(a, "nn", False)
    assert b.name() == "nn"
    assert dims(b) == [(0, 3, 4), (0, 4, 1)]
    assert b[2, 1] == a[2, 1]
    assert np.asarray(b).shape == (4, 3)
    assert dims(hl.Buffer(a, reverse_axes=False)) == dims(b)


def test_zero_dimensional():
    b = hl.Buffer(np.array(5, np.int32))
    assert repr(b) == "<halide.Buffer of type int32 shape:[]>"
    assert b[()] == 5 and b[[]] == 5
    b[()] = 6
    assert np.asarray(b).shape == () and np.asarray(b) == 6
    assert b.width() == 1 and b.left() == 0


def test_read_only_source():
    ro = np.zeros(3, np.uint8)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        hl.Buffer(ro)
    with pytest.raises(ValueError):
        hl.Buffer(b"abc")


def test_too_many_numpy_dimensions():
    a = np.zeros((1,) * 64, np.uint8)
    assert hl.Buffer(a).dimensions() == 64
    with pytest.raises(ValueError):
        hl.Buffer(hl.UInt(8), [1] * 65)


def test_unaligned_strides():
    raw = np.zeros(17, np.uint8)
    odd = np.ndarray((4,), np.int32, raw.data, offset=1, strides=(3,))
    with pytest.raises(ValueError):
        hl.Buffer(odd)


# ---- buffer protocol of Buffer -------------------------------------------------------------

def test_export():
    b = hl.Buffer(hl.Int(32), [4, 3, 2])
    m = memoryview(b)
    assert (m.format, m.itemsize, m.shape, m.strides, m.readonly, m.ndim) == \
        ("i", 4, (2, 3, 4), (48, 16, 4), False, 3)
    formats = {hl.Bool(): "?", hl.UInt(8): "B", hl.Int(8): "b", hl.UInt(16): "H",
               hl.Int(16): "h", hl.UInt(32): "I", hl.UInt(64): "Q", hl.Int(64): "q",
               hl.Float(16): "e", hl.Float(32): "f", hl.Float(64): "d"}
    for t, f in formats.items():
        assert memoryview(hl.Buffer(t, [2])).format == f
    for t in [hl.BFloat(16), hl.Handle()]:
        with pytest.raises(BufferError):
            memoryview(hl.Buffer(t, [2]))
    assert bytes(memoryview(hl.Buffer(hl.UInt(8), [3]))) == b"\0\0\0"


def test_export_views_and_survival():
    a = np.arange(24, dtype=np.int32).reshape(4, 6)
    b = hl.Buffer(a)
    np.testing.assert_array_equal(np.asarray(b.cropped(0, 2, 3)), a[:, 2:5])
    np.testing.assert_array_equal(np.asarray(b.translated([5, 5])), a)
    np.testing.assert_array_equal(np.asarray(b.sliced(0, 1)), a[:, 1])
    assert np.asarray(b.transposed(0, 1)).shape == (6, 4)
    own = hl.Buffer(hl.Float(64), [3, 2])
    view = np.asarray(own)
    own.crop(0, 1, 1)  # in place: the export keeps its own shape and memory
    del own
    gc.collect()
    view[:] = 1.5
    assert view.sum() == 9.0
    with pytest.raises(BufferError):
        memoryview(hl.Buffer.make_bounds_query(hl.UInt(8), [2]))


def test_export_contiguity_requests():
    import hashlib
    b = hl.Buffer(hl.UInt(8), [4, 3])
    assert hashlib.sha1(b).digest() == hashlib.sha1(bytes(12)).digest()  # PyBUF_SIMPLE
    with pytest.raises(BufferError):
        hashlib.sha1(b.cropped(0, 1, 2))  # not contiguous, strides not requested
    assert bytes(b.cropped(0, 1, 2)) == bytes(6)  # a strided request works


# ---- element access ------------------------------------------------------------------------

def test_getitem_forms_and_errors():
    a = np.arange(12, dtype=np.int16).reshape(3, 4)
    b = hl.Buffer(a)
    assert b[1, 2] == 9 and b[(1, 2)] == 9 and b[[1, 2]] == 9
    assert b[np.int64(1), np.int32(2)] == 9
    assert type(b[1, 2]) is int
    with pytest.raises(ValueError):
        b[1]
    with pytest.raises(ValueError):
        b[1, 2, 3]
    with pytest.raises(IndexError, match="out of bounds"):
        b[4, 0]
    with pytest.raises(IndexError):
        b[-1, 0]
    with pytest.raises(IndexError):
        b[0, 2 ** 40]
    with pytest.raises(IndexError):
        b[9, 2] = 1
    with pytest.raises(TypeError):
        del b[0, 0]


def test_value_types():
    assert type(hl.Buffer(np.zeros(2, np.float32))[0]) is float
    assert hl.Buffer(np.zeros(2, np.bool_))[0] is False
    assert hl.Buffer(np.ones(2, np.float16))[0] == 1.0
    u = hl.Buffer(hl.UInt(64), [1])
    u[0] = 2 ** 64 - 1
    assert u[0] == 2 ** 64 - 1 and np.asarray(u)[0] == np.uint64(2 ** 64 - 1)
    i = hl.Buffer(hl.Int(64), [1])
    i[0] = -2 ** 63
    assert i[0] == -2 ** 63


def test_setitem_conversions():
    f = hl.Buffer(hl.Float(32), [1])
    for v, want in [(3, 3.0), (0.1, float(np.float32(0.1))), (True, 1.0), (1e300, float("inf")),
                    (np.float64(2.5), 2.5), (np.int64(2), 2.0), (np.float32(0.5), 0.5),
                    (2 ** 70, float(np.float32(2 ** 70)))]:
        f[0] = v
        assert f[0] == want
    h = hl.Buffer(hl.Float(16), [1])
    h[0] = 0.1
    assert h[0] == float(np.float16(0.1)) and np.asarray(h)[0] == np.float16(0.1)
    bf = hl.Buffer(hl.BFloat(16), [1])
    bf[0] = 1.5
    assert bf[0] == 1.5
    i8 = hl.Buffer(hl.Int(8), [1])
    i8[0] = np.int64(-128)
    assert i8[0] == -128
    i8[0] = True
    assert i8[0] == 1
    for bad in [300, -129, 2 ** 70, 3.0, "x", None]:
        with pytest.raises(RuntimeError):  # HalideError is a RuntimeError, as pybind's cast error
            i8[0] = bad
    u16 = hl.Buffer(hl.UInt(16), [1])
    with pytest.raises(hl.HalideError):
        u16[0] = -1
    bo = hl.Buffer(hl.Bool(), [1])
    for v, want in [(1, True), (0, False), (5, True), (0.5, True), (np.bool_(True), True)]:
        bo[0] = v
        assert bo[0] is want
    with pytest.raises(hl.HalideError):
        bo[0] = "x"
    with pytest.raises(hl.HalideError):
        hl.Buffer(hl.Handle(), [1])[0]


# ---- Expr access ---------------------------------------------------------------------------

def _has_exprs():
    try:
        hl.Buffer(hl.Int(32), [1])[hl.Var("x")]
        return True
    except Exception:
        return False


needs_exprs = pytest.mark.skipif(not hasattr(hl, "Var") or not _has_exprs(),
                                 reason="Expr indexing needs hl.Var and hl_buffer_call")


@needs_exprs
def test_expr_indexing():
    b = hl.Buffer(np.zeros((3, 4), np.int16), "img")
    x, y = hl.Var("x"), hl.Var("y")
    e = b[x, y]
    assert isinstance(e, hl.Expr) and e.type() == hl.Int(16)
    assert "img(x, y)" in str(e)
    assert "img(x, 1)" in str(b[x, 1])
    shifted = b[[x + 1, y]]
    assert shifted.type() == hl.Int(16) and "img(" in str(shifted)
    with pytest.raises(hl.HalideError):
        b[x]
    with pytest.raises(hl.HalideError):
        b[x, y, x]
    with pytest.raises(hl.HalideError):
        b[1.5, 2]
    with pytest.raises(TypeError):
        b[x, 0] = 1
    with pytest.raises(hl.HalideError):
        hl.Buffer()[x]


# ---- shape views -----------------------------------------------------------------------------

def make3():
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    return a, hl.Buffer(a, "orig")


def test_dim():
    a, b = make3()
    d = b.dim(1)
    assert (d.min(), d.max(), d.extent(), d.stride()) == (0, 2, 3, 4)
    assert type(d).__name__ == "BufferDimension"
    assert hl.BufferDimension is type(d)
    for bad in [3, -1]:
        with pytest.raises(hl.HalideError):
            b.dim(bad)


def test_copy_constructor_shares_memory():
    a, b = make3()
    c = hl.Buffer(b)
    assert not c.same_as(b) and c.name() != b.name()
    assert hl.Buffer(b, "foo").name() == "foo"
    c[0, 0, 0] = 77
    assert a[0, 0, 0] == 77
    assert b.same_as(b) and not (c == b)
    t = hl.Buffer(b.translated([5, 5, 5]))
    assert dims(t)[0] == (5, 4, 1)  # the reference loses the mins here
    r = hl.Buffer(b, reverse_axes=False)
    assert dims(r) == [(0, 2, 12), (0, 3, 4), (0, 4, 1)]
    bf = hl.Buffer(hl.BFloat(16), [2])
    assert hl.Buffer(bf).type() == hl.BFloat(16)
    with pytest.raises(hl.HalideError):
        hl.Buffer(hl.Buffer())


def test_crop():
    a, b = make3()
    c = b.cropped(0, 1, 2)
    assert dims(c) == [(1, 2, 1), (0, 3, 4), (0, 2, 12)] and c.name() != b.name()
    assert c[1, 0, 0] == 1 and c[2, 2, 1] == a[1, 2, 2]
    with pytest.raises(IndexError):
        c[0, 0, 0]
    assert dims(b.cropped([(1, 2), (1, 1)])) == [(1, 2, 1), (1, 1, 4), (0, 2, 12)]
    for args in [(0, 3, 5), (5, 0, 1), (0, -1, 1), (0, 1, -1)]:
        with pytest.raises(hl.HalideError):
            b.cropped(*args)
    with pytest.raises(ValueError):
        b.cropped([(0, 1)] * 4)
    assert b.crop(0, 1, 2) is None
    assert dims(b)[0] == (1, 2, 1)


def test_slice():
    a, b = make3()
    s = b.sliced(1, 2)
    assert dims(s) == [(0, 4, 1), (0, 2, 12)]
    np.testing.assert_array_equal(np.asarray(s), a[:, 2, :])
    assert dims(b.sliced(1)) == [(0, 4, 1), (0, 2, 12)]
    with pytest.raises(hl.HalideError):
        b.sliced(1, 7)
    with pytest.raises(hl.HalideError):
        b.sliced(3)
    assert b.slice(0, 1) is None and dims(b) == [(0, 3, 4), (0, 2, 12)]


def test_translate_and_set_min():
    a, b = make3()
    assert dims(b.translated([1, 2, 3])) == [(1, 4, 1), (2, 3, 4), (3, 2, 12)]
    assert dims(b.translated(1, 5)) == [(0, 4, 1), (5, 3, 4), (0, 2, 12)]
    t = b.translated([1, 2, 3])
    assert t[1, 2, 3] == a[0, 0, 0]
    with pytest.raises(ValueError):
        b.translated([1, 2, 3, 4])
    with pytest.raises(hl.HalideError):
        b.translated([2 ** 31 - 2])
    assert b.set_min([1, 2, 3]) is None
    assert dims(b) == [(1, 4, 1), (2, 3, 4), (3, 2, 12)]
    b.set_min([5])
    assert dims(b)[0] == (5, 4, 1) and dims(b)[1] == (2, 3, 4)
    with pytest.raises(ValueError, match="Too many"):
        b.set_min([5, 6, 7, 8])
    assert b.translate([1]) is None and dims(b)[0] == (6, 4, 1)


def test_transpose_and_reverse_axes():
    a, b = make3()
    assert dims(b.transposed(0, 2)) == [(0, 2, 12), (0, 3, 4), (0, 4, 1)]
    assert dims(b.transposed([2, 0, 1])) == [(0, 3, 4), (0, 2, 12), (0, 4, 1)]
    for bad in [[2, 0, 0], [0, 1], [0, 1, 3]]:
        with pytest.raises(hl.HalideError):
            b.transposed(bad)
    with pytest.raises(hl.HalideError):
        b.transposed(0, 5)
    r = b.reverse_axes()
    assert dims(r) == [(0, 2, 12), (0, 3, 4), (0, 4, 1)] and r.name() != b.name()
    assert r[1, 2, 3] == a[1, 2, 3]
    np.testing.assert_array_equal(np.asarray(r), a.T)
    assert b.transpose(0, 1) is None and dims(b)[0] == (0, 3, 4)


def test_embed_and_add_dimension():
    a, b = make3()
    assert dims(b.embedded(1, 3)) == [(0, 4, 1), (3, 1, 24), (0, 3, 4), (0, 2, 12)]
    assert dims(b.embedded(3)) == [(0, 4, 1), (0, 3, 4), (0, 2, 12), (0, 1, 24)]
    with pytest.raises(hl.HalideError):
        b.embedded(5)
    c = hl.Buffer(np.zeros((4, 6), np.uint8))
    assert c.add_dimension() is None
    assert dims(c) == [(0, 6, 1), (0, 4, 6), (0, 1, 24)]


# ---- copies and whole-buffer operations -----------------------------------------------------

def test_copy():
    a, b = make3()
    c = b.copy()
    assert dims(c) == dims(b) and not c.same_as(b) and c.name() != b.name()
    np.testing.assert_array_equal(np.asarray(c), a)
    c[0, 0, 0] = -1
    assert a[0, 0, 0] == 0
    neg = hl.Buffer(np.arange(24, dtype=np.int32).reshape(4, 6)[::-1]).copy()
    assert dims(neg) == [(0, 6, 4), (0, 4, 1)]  # storage order kept, as the reference
    t = b.translated([3, 3, 3]).copy()
    assert dims(t)[0] == (3, 4, 1) and t[3, 3, 3] == 0


def test_copy_from():
    z = hl.Buffer(np.zeros((2, 3), np.uint8))
    z.copy_from(hl.Buffer(np.ones((1, 2), np.uint8)))
    np.testing.assert_array_equal(np.asarray(z), [[1, 1, 0], [0, 0, 0]])
    shifted = hl.Buffer(np.full((2, 2), 9, np.uint8)).translated([2, 1])
    z.copy_from(shifted)
    np.testing.assert_array_equal(np.asarray(z), [[1, 1, 0], [0, 0, 9]])
    with pytest.raises(hl.HalideError):
        z.copy_from(hl.Buffer(np.ones((2, 3), np.int8)))
    with pytest.raises(hl.HalideError):
        z.copy_from(hl.Buffer(np.ones(3, np.uint8)))
    with pytest.raises(TypeError):
        z.copy_from(np.ones((2, 3), np.uint8))


def test_fill_and_all_equal():
    b = hl.Buffer(np.zeros((2, 3), np.float32))
    assert b.fill(2.5) is None
    assert b.all_equal(2.5) and not b.all_equal(2)
    np.testing.assert_array_equal(np.asarray(b), np.full((2, 3), 2.5, np.float32))
    b.fill(0.1)
    assert b.all_equal(0.1)  # compares as stored
    i = hl.Buffer(hl.Int(8), [3])
    i.fill(-3)
    assert i.all_equal(-3)
    with pytest.raises(hl.HalideError):
        i.fill(300)
    with pytest.raises(hl.HalideError):
        i.fill(1.5)
    with pytest.raises(hl.HalideError):
        i.fill("x")
    bo = hl.Buffer(hl.Bool(), [2])
    bo.fill(True)
    assert np.asarray(bo).all()


def test_contains():
    a, b = make3()
    assert b.contains([0, 0, 0]) and not b.contains([4, 0, 0]) and b.contains([0])
    assert not b.translated([1, 1]).contains([0, 0])
    with pytest.raises(ValueError, match="Too many"):
        b.contains([0, 0, 0, 0])


def test_for_each_element():
    seen = []
    hl.Buffer(np.zeros((2, 3), np.uint8)).for_each_element(lambda p: seen.append(p))
    assert seen == [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [2, 1]]
    seen = []
    hl.Buffer(np.array(5, np.int32)).for_each_element(lambda p: seen.append(p))
    assert seen == [[]]
    seen = []
    hl.Buffer(hl.UInt(8), [0, 3]).for_each_element(lambda p: seen.append(p))
    assert seen == []
    shifted = hl.Buffer(hl.UInt(8), [2]).translated([4])
    seen = []
    shifted.for_each_element(lambda p: seen.append(p))
    assert seen == [[4], [5]]

    def raiser(p):
        raise KeyError("k")
    with pytest.raises(KeyError):
        hl.Buffer(np.zeros(2)).for_each_element(raiser)
    with pytest.raises(TypeError):
        hl.Buffer(np.zeros(2)).for_each_element(3)


def test_misc_methods():
    b = hl.Buffer(hl.UInt(8), [2, 2])
    assert isinstance(b._get_raw_halide_buffer_t(), int) and b._get_raw_halide_buffer_t() != 0
    assert b.host_dirty() in (True, False)
    b.set_host_dirty(False)
    assert not b.host_dirty()
    b.set_host_dirty()
    assert b.host_dirty()
    assert not b.device_dirty() and not b.has_device_allocation()
    assert b.copy_to_host() == 0 and b.device_sync() == 0 and b.device_free() == 0
    with pytest.raises(TypeError):
        len(b)
    assert hash(b) != hash(hl.Buffer(b))  # identity, as the reference
    import pickle
    with pytest.raises(TypeError):
        pickle.dumps(b)
    b.deallocate()
    with pytest.raises(hl.HalideError):
        b[0, 0]


def test_method_set_matches_reference():
    reference = {
        "_get_raw_halide_buffer_t", "add_dimension", "all_equal", "allocate", "bottom",
        "channels", "contains", "copy", "copy_from", "copy_to_device", "copy_to_host", "crop",
        "cropped", "deallocate", "defined", "device_deallocate", "device_detach_native",
        "device_dirty", "device_free", "device_malloc", "device_sync", "dim", "dimensions",
        "embed", "embedded", "fill", "for_each_element", "has_device_allocation", "height",
        "host_dirty", "left", "make_bounds_query", "make_interleaved", "make_scalar",
        "make_with_shape_of", "name", "number_of_elements", "reverse_axes", "right", "same_as",
        "set_device_dirty", "set_host_dirty", "set_min", "set_name", "size_in_bytes", "slice",
        "sliced", "top", "translate", "translated", "transpose", "transposed", "type", "width"}
    ours = {n for n in dir(hl.Buffer) if not n.startswith("__")}
    assert reference <= ours
    assert {"min", "max", "extent", "stride"} <= set(dir(hl.BufferDimension))
