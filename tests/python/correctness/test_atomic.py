"""Stage.atomic(): update definitions whose RVars run in parallel or vectorized, each
read-modify-write atomic.

What it does: histograms (bins hit by many threads and by several lanes of one vector),
sums of int8..int64/uint and float32, minima and maxima of signed and unsigned types
(atomicrmw forms), products and boolean &&/|| (compare-and-swap forms), element-wise Tuple
updates, predicated RDoms, vector tails, parallel and vectorized together, and
override_associativity_test with an update whose result does not depend on the order; the
lowered statement marks the stores atomic. Errors: a non-associative update without the
override (at the atomic() call, as the reference), a Tuple value reading another value
(halide-c makes one atomic operation per value; the reference takes a lock). Results are
compared with NumPy; the parallel runs use HL_NUM_THREADS as set by the harness (2 here).
What it assumes: Halide 21's signature atomic(override_associativity_test=False).
What it guarantees: float data are small integers, so any order of additions is exact.
"""

import numpy as np
import pytest

import halide as hl
from conftest import IS_HALIDE_C, assert_exact, to_buffer

x = hl.Var("x")


def ints(seed, shape, lo, hi, dtype):
    return np.random.default_rng(seed).integers(lo, hi, size=shape).astype(dtype)


@pytest.mark.parametrize("schedule", ["parallel", "vectorize", "both", "vectorize_tail"])
def test_histogram(schedule):
    width = 37 if schedule == "vectorize_tail" else 64
    img = ints(1, (45, width), 0, 256, np.uint8)
    buf = to_buffer(img)
    r = hl.RDom([(0, width), (0, 45)])
    hist = hl.Func("atomic_hist_" + schedule)
    hist[x] = 0
    hist[hl.i32(buf[r.x, r.y]) // 64] += 1  # 4 bins: lanes of one vector collide
    st = hist.update().atomic()
    if schedule == "parallel":
        st.parallel(r.y)
    elif schedule == "vectorize":
        st.vectorize(r.x, 8)
    elif schedule == "both":
        st.parallel(r.y).vectorize(r.x, 16)
    else:
        st.vectorize(r.x, 8, hl.TailStrategy.GuardWithIf)
    assert_exact(np.array(hist.realize([4])), np.bincount(img.ravel() // 64, minlength=4).astype(np.int32))


TYPES = [(hl.Int(8), np.int8), (hl.UInt(8), np.uint8), (hl.Int(16), np.int16), (hl.UInt(32), np.uint32),
         (hl.Int(64), np.int64), (hl.Float(32), np.float32), (hl.Float(64), np.float64)]


@pytest.mark.parametrize("op", ["sum", "min", "max", "product"])
@pytest.mark.parametrize("htype,dtype", TYPES, ids=[d.__name__ for _, d in TYPES])
def test_reductions_by_type(op, htype, dtype):
    a = ints(2, (16, 24), 1, 3 if op == "product" else 60, dtype)
    if op == "product":
        a[:, 2:] = 1
        a[5:, :] = 1
    buf = to_buffer(a)
    r = hl.RDom([(0, 24), (0, 16)])
    f = hl.Func("atomic_" + op)
    val = buf[r.x, r.y]
    if op == "sum":
        f[x] = hl.cast(htype, 0)
        f[x] = f[x] + val
        expected = a.sum(dtype=dtype)
    elif op == "min":
        f[x] = hl.cast(htype, 100)
        f[x] = hl.min(f[x], val)
        expected = min(a.min(), dtype(100))
    elif op == "max":
        f[x] = hl.cast(htype, 0)
        f[x] = hl.max(val, f[x])
        expected = a.max()
    else:
        f[x] = hl.cast(htype, 1)
        f[x] = f[x] * val
        expected = np.prod(a, dtype=dtype)
    f.update().atomic().parallel(r.y).vectorize(r.x, 8)
    assert_exact(np.array(f.realize([3])), np.full(3, expected, dtype))


def test_boolean_and_or():
    a = ints(3, (20, 16), 0, 2, np.uint8)
    a[3, 4] = 0
    buf = to_buffer(a)
    r = hl.RDom([(0, 16), (0, 20)])
    every, some = hl.Func("atomic_every"), hl.Func("atomic_some")
    every[x] = hl.cast(hl.Bool(), True)
    every[x] = every[x] & (buf[r.x, r.y] <= x)
    some[x] = hl.cast(hl.Bool(), False)
    some[x] = some[x] | (buf[r.x, r.y] > x)
    every.update().atomic().parallel(r.y).vectorize(r.x, 8)
    some.update().atomic().parallel(r.y)
    assert_exact(np.array(every.realize([2])).astype(bool), np.array([False, True]))
    assert_exact(np.array(some.realize([2])).astype(bool), np.array([True, False]))


def test_tuple_element_wise_and_predicate():
    a = ints(4, (30, 20), -40, 40, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, 20), (0, 30)])
    r.where(r.x != r.y)
    f = hl.Func("atomic_tuple")
    f[x] = (hl.i32(0), hl.i32(-1000))
    f[x] = (f[x][0] + buf[r.x, r.y], hl.max(f[x][1], buf[r.x, r.y] * (x + 1)))
    f.update().atomic().parallel(r.y).vectorize(r.x, 4)
    mask = ~np.eye(30, 20, dtype=bool)
    s, m = [np.array(b) for b in f.realize([2])]
    assert_exact(s, np.full(2, a[mask].sum(), np.int32))
    assert_exact(m, np.array([a[mask].max(), (a[mask] * 2).max()], np.int32))


def test_scatter_into_many_points():
    # Every point of f is updated by several RVar values, from different threads.
    n = 2000
    idx = ints(5, (n,), 0, 50, np.int32)
    w = ints(6, (n,), -5, 6, np.int32)
    ib, wb = to_buffer(idx), to_buffer(w)
    r = hl.RDom([(0, n)])
    f = hl.Func("atomic_scatter")
    f[x] = x * 1000
    f[hl.clamp(ib[r.x], 0, 49)] += wb[r.x]
    f.update().atomic().parallel(r.x, 64)
    expected = np.arange(50, dtype=np.int64) * 1000
    np.add.at(expected, idx, w)
    assert_exact(np.array(f.realize([50])), expected.astype(np.int32))


def test_override_associativity_test():
    # f = 2 f + 1 is not associative, but applied n times from 0 gives 2**n - 1 in any order.
    r = hl.RDom([(0, 20)])
    f = hl.Func("atomic_override")
    f[x] = 0
    f[x] = f[x] * 2 + hl.select(r.x >= 0, 1, 0)
    f.update().atomic(override_associativity_test=True).parallel(r.x)
    assert_exact(np.array(f.realize([2])), np.full(2, 2**20 - 1, np.int32))


def test_stmt_marks_atomic_stores(tmp_path):
    r = hl.RDom([(0, 10)])
    f = hl.Func("atomic_stmt")
    f[x] = 0
    f[x] += r.x
    f.update().atomic().parallel(r.x)
    path = tmp_path / "f.stmt"
    f.compile_to_lowered_stmt(str(path), [])
    assert "atomic" in path.read_text()


def test_error_not_associative():
    r = hl.RDom([(0, 20)])
    f = hl.Func("atomic_not_assoc")
    f[x] = 0
    f[x] = f[x] * 2 + r.x
    with pytest.raises(hl.HalideError, match="can't prove associativity"):
        f.update().atomic().parallel(r.x)


def test_error_tuple_cross_reference_with_override():
    r = hl.RDom([(0, 20)])
    f = hl.Func("atomic_cross")
    f[x] = (0, 0)
    f[x] = (f[x][0] + f[x][1], f[x][1] + r.x)
    if not IS_HALIDE_C:  # the reference takes a lock over the Tuple
        f.update().atomic(override_associativity_test=True).parallel(r.x)
        return
    with pytest.raises(hl.HalideError, match="reads a value of"):
        f.update().atomic(override_associativity_test=True)
