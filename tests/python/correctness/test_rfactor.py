"""Stage.rfactor: factoring associative reductions through an intermediate Func.

What it does: rfactors sums, products, maxima, minima, all/any (&&, ||) and element-wise
Tuple reductions over one- and two-dimensional RDoms; preserves plain RVars, the outer or
inner RVar of a split made before rfactor (dividing and not dividing the extent), renamed
RVars; with where() predicates, multi-dimensional Funcs, update arguments that are not pure
Vars, later update definitions, chained rfactors; schedules the intermediate in parallel,
vectorized, compute_root and compute_at; and checks the error for each misuse. Every
result is compared with NumPy.
What it assumes: the modern API's signatures rfactor([(RVar, Var), ...]) and
rfactor(RVar, Var); the intermediate's name is the Func's with "_intm" appended.
What it guarantees: float data are small integers, so every summation order gives the
same float32 value and comparisons are exact.
"""

import numpy as np
import pytest

import halide as hl
from conftest import assert_exact, to_buffer

x, y, u, v = hl.Var("x"), hl.Var("y"), hl.Var("u"), hl.Var("v")


def ints(seed, shape, lo, hi, dtype):
    return np.random.default_rng(seed).integers(lo, hi, size=shape).astype(dtype)


@pytest.mark.parametrize("schedule", ["root", "parallel", "vectorize", "compute_at", "inline_default"])
def test_sum_over_rows_preserving_y(schedule):
    a = ints(1, (13, 21), -50, 50, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, 21), (0, 13)])
    total = hl.Func("total")
    total[x] = 0
    total[x] += buf[r.x, r.y] * (x + 1)
    intm = total.update().rfactor([(r.y, y)])
    assert intm.name().startswith("total") and intm.name().endswith("_intm")
    if schedule == "root":
        intm.compute_root()
    elif schedule == "parallel":
        intm.compute_root().update().parallel(y)
    elif schedule == "vectorize":
        # GuardWithIf: the default (RoundUp) would read rows past the input's last one.
        intm.compute_root().update().vectorize(y, 4, hl.TailStrategy.GuardWithIf)
    elif schedule == "compute_at":
        intm.compute_at(total, x)
    assert_exact(np.array(total.realize([3])), (a.sum() * np.arange(1, 4)).astype(np.int32))


@pytest.mark.parametrize("op", ["sum", "product", "max", "min"])
@pytest.mark.parametrize("htype,dtype", [(hl.Int(32), np.int32), (hl.Float(32), np.float32),
                                         (hl.UInt(16), np.uint16), (hl.Int(8), np.int8)])
def test_associative_operators(op, htype, dtype):
    lo, hi = (1, 3) if op == "product" else (0, 40)
    a = ints(2, (6, 9), lo, hi, dtype)
    if op == "product":
        a[:, 3:] = 1  # keep the product of the 54 values small
    buf = to_buffer(a)
    r = hl.RDom([(0, 9), (0, 6)])
    f = hl.Func("assoc_" + op)
    value = buf[r.x, r.y]
    if op == "sum":
        f[x] = hl.cast(htype, 0)
        f[x] = f[x] + value
        expected = a.sum(dtype=dtype)
    elif op == "product":
        f[x] = hl.cast(htype, 1)
        f[x] = value * f[x]
        expected = np.prod(a, dtype=dtype)
    elif op == "max":
        f[x] = hl.cast(htype, htype.min())
        f[x] = hl.max(f[x], value)
        expected = a.max()
    else:
        f[x] = hl.cast(htype, htype.max())
        f[x] = hl.min(value, f[x])
        expected = a.min()
    intm = f.update().rfactor(r.x, u)
    intm.compute_root().update().vectorize(u, 4, hl.TailStrategy.GuardWithIf)
    assert_exact(np.array(f.realize([2])), np.full(2, expected, dtype))


def test_boolean_all_and_any():
    a = ints(3, (5, 8), 0, 2, np.uint8)
    a[2, 3] = 0
    buf = to_buffer(a)
    r = hl.RDom([(0, 8), (0, 5)])
    every, some = hl.Func("every"), hl.Func("some")
    every[x] = hl.cast(hl.Bool(), True)
    every[x] = every[x] & (buf[r.x, r.y] == x)
    some[x] = hl.cast(hl.Bool(), False)
    some[x] = some[x] | (buf[r.x, r.y] == x + 2)
    every.update().rfactor(r.y, v).compute_root().update().parallel(v)
    some.update().rfactor(r.y, v).compute_root()
    assert_exact(np.array(every.realize([2])).astype(bool), np.array([False, False]))
    assert_exact(np.array(some.realize([3])).astype(bool), np.array([False, False, False]))
    b = np.ones((5, 8), np.uint8)
    buf2 = to_buffer(b)
    all_ones = hl.Func("all_ones")
    all_ones[x] = hl.cast(hl.Bool(), True)
    all_ones[x] = all_ones[x] & (buf2[r.x, r.y] == 1)
    all_ones.update().rfactor(r.x, u).compute_root()
    assert_exact(np.array(all_ones.realize([1])).astype(bool), np.array([True]))


def test_tuple_element_wise():
    a = ints(4, (7, 11), -20, 20, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, 11), (0, 7)])
    f = hl.Func("tuple_red")
    f[x] = (hl.i32(0), hl.i32(-1000))
    f[x] = (f[x][0] + buf[r.x, r.y], hl.max(f[x][1], buf[r.x, r.y] + x))
    intm = f.update().rfactor([(r.y, y)])
    intm.compute_root().update().parallel(y)
    s, m = [np.array(b) for b in f.realize([2])]
    assert_exact(s, np.full(2, a.sum(), np.int32))
    assert_exact(m, (a.max() + np.arange(2)).astype(np.int32))


def test_predicated_rdom():
    a = ints(5, (10, 10), 0, 100, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, 10), (0, 10)])
    r.where(r.x < r.y)
    f = hl.Func("lower_triangle")
    f[x] = 0
    f[x] += buf[r.x, r.y]
    f.update().rfactor(r.y, v).compute_root().update().parallel(v)
    assert_exact(np.array(f.realize([1])), np.array([np.tril(a, -1).sum()], np.int32))


@pytest.mark.parametrize("width,preserve", [(32, "outer"), (30, "outer"), (30, "inner"), (3, "outer")])
def test_split_before_rfactor(width, preserve):
    a = ints(6, (9, width), 0, 50, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, width), (0, 9)])
    f = hl.Func("split_red")
    f[x] = 0
    f[x] += buf[r.x, r.y] + x
    rxo, rxi = hl.RVar("rxo"), hl.RVar("rxi")
    f.update().split(r.x, rxo, rxi, 4)
    intm = f.update().rfactor(rxo if preserve == "outer" else rxi, u)
    intm.compute_root().update().parallel(u)
    expected = a.sum() + np.arange(3) * a.size
    assert_exact(np.array(f.realize([3])), expected.astype(np.int32))


def test_tiles_with_odd_extents_and_reorder():
    # Lesson 18's tiled rfactor on an image whose sides the tile does not divide.
    data = ints(7, (23, 29), 0, 256, np.uint8)
    inp = to_buffer(data)
    hist = hl.Func("hist_tiles_odd")
    hist[x] = 0
    r = hl.RDom([(0, inp.width()), (0, inp.height())])
    hist[inp[r.x, r.y] // 32] += 1
    rxo, rxi, ryo, ryi = hl.RVar("rxo"), hl.RVar("rxi"), hl.RVar("ryo"), hl.RVar("ryi")
    hist.update().split(r.x, rxo, rxi, 4).split(r.y, ryo, ryi, 4)
    intm = hist.update().rfactor([(rxo, u), (ryo, v)])
    intm.compute_root().update().parallel(u).parallel(v)
    intm.update().reorder(rxi, ryi, u, v)
    intm.vectorize(x, 8)
    hist.vectorize(x, 8)
    assert_exact(np.array(hist.realize([8])), np.bincount(data.ravel() // 32, minlength=8).astype(np.int32))


def test_renamed_rvar():
    a = ints(8, (6, 10), 0, 9, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, 10), (0, 6)])
    f = hl.Func("renamed")
    f[x] = 0
    f[x] += buf[r.x, r.y]
    rows = hl.RVar("rows")
    f.update().rename(r.y, rows)
    f.update().rfactor(rows, v).compute_root()
    assert_exact(np.array(f.realize([2])), np.full(2, a.sum(), np.int32))


def test_two_dimensional_func_and_nonpure_arguments():
    a = ints(9, (8, 12), 0, 30, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, 12)])
    cols = hl.Func("column_sums")
    cols[x, y] = 0
    cols[x, y] += buf[r.x, y] * (x + 1)
    cols.update().rfactor(r.x, u).compute_root().update().vectorize(u, 4)
    assert_exact(np.array(cols.realize([2, 8])), (a.sum(axis=1)[:, None] * np.arange(1, 3)).astype(np.int32))
    # An update writing one row only: the merge runs over the whole Func, adding the identity elsewhere.
    row = hl.Func("one_row")
    row[x, y] = x + y
    row[x, 1] += buf[r.x, x]
    row.update().rfactor(r.x, u).compute_root()
    expected = np.add.outer(np.arange(4), np.arange(3)).T.astype(np.int32)
    expected[1, :] += a[:4].sum(axis=1)
    assert_exact(np.array(row.realize([4, 3])), expected)


def test_later_updates_and_chained_rfactor():
    a = ints(10, (6, 8, 4), 0, 10, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, 4), (0, 8), (0, 6)])
    f = hl.Func("chained")
    f[x] = x
    f[x] += buf[r.x, r.y, r.z]
    f[x] = f[x] * 2
    intm = f.update(0).rfactor(r.z, v)
    inner = intm.update().rfactor(r.y, u)
    intm.compute_root()
    inner.compute_root().update().parallel(u)
    assert f.num_update_definitions() == 2
    assert_exact(np.array(f.realize([3])), ((np.arange(3) + a.sum()) * 2).astype(np.int32))


def test_keyword_arguments():
    a = ints(11, (4, 5), 0, 10, np.int32)
    buf = to_buffer(a)
    r = hl.RDom([(0, 5), (0, 4)])
    f, g = hl.Func("kw_pair"), hl.Func("kw_list")
    f[x] = 0
    f[x] += buf[r.x, r.y]
    g[x] = 0
    g[x] += buf[r.x, r.y]
    f.update().rfactor(r=r.y, v=v).compute_root()
    g.update().rfactor(preserved=[(r.x, u)]).compute_root()
    assert_exact(np.array(f.realize([1])), np.array([a.sum()], np.int32))
    assert_exact(np.array(g.realize([1])), np.array([a.sum()], np.int32))


# ---- errors ------------------------------------------------------------------------------------


def make_sum(name):
    r = hl.RDom([(0, 10), (0, 5)])
    f = hl.Func(name)
    f[x] = 0
    f[x] += r.x + r.y
    return f, r


def test_error_not_associative():
    r = hl.RDom([(0, 10), (0, 5)])
    for i, build in enumerate([lambda f: f[x] * 2 + r.x, lambda f: f[x] - r.x, lambda f: r.x - f[x],
                               lambda f: f[x] * f[x] + r.x]):
        f = hl.Func(f"not_assoc{i}")
        f[x] = 0
        f[x] = build(f)
        with pytest.raises(hl.HalideError, match=r"can't perform rfactor\(\) because we can't prove associativity"):
            f.update().rfactor(r.y, u)


def test_error_not_an_rvar_of_the_stage():
    f, _ = make_sum("bad_rvar")
    with pytest.raises(hl.HalideError, match="zz since either it is not in the reduction domain"):
        f.update().rfactor(hl.RVar("zz"), u)
    other = hl.RDom([(0, 3)], "other")
    with pytest.raises(hl.HalideError, match="not in the reduction domain"):
        f.update().rfactor(other.x, u)


def test_error_var_already_used():
    f, r = make_sum("var_clash")
    with pytest.raises(hl.HalideError, match="the name x\\s*is already used"):
        f.update().rfactor(r.y, x)


def test_error_bad_argument_types():
    f, r = make_sum("bad_types")
    with pytest.raises(TypeError):
        f.update().rfactor(r.y + 1, u)
    with pytest.raises(TypeError):
        f.update().rfactor([r.y, u])
    with pytest.raises(TypeError):
        f.update().rfactor(r.y)


def test_error_leaves_func_unchanged():
    f, r = make_sum("unchanged")
    with pytest.raises(hl.HalideError):
        f.update().rfactor(r.y, x)
    assert f.num_update_definitions() == 1
    assert_exact(np.array(f.realize([1])), np.array([sum(i + j for i in range(10) for j in range(5))], np.int32))
