"""random_float, random_int and random_uint: pure, per-site random numbers.

What it checks: values are a pure function of the Func's arguments (two realizations, and
two schedules of the same Expr, agree bit for bit), each call site and seed is its own
stream (uncorrelated), random_float is uniform on [0, 1) (mean, variance, histogram),
random_int/random_uint cover their full ranges with the right dtypes, one Expr used twice is
one value, random calls in update definitions hash the update's arguments (RVars included),
a Param works as a seed, and a non-integer seed is an error naming the function.
What it assumes: nothing of the reference's exact hash (values differ from Halide's; the
statistics and the purity are what Halide documents).
"""

import numpy as np
import pytest

import halide as hl

x, y = hl.Var("x"), hl.Var("y")


def _uniform_checks(a):
    assert a.dtype == np.float32
    assert a.min() >= 0.0 and a.max() < 1.0
    assert abs(a.mean() - 0.5) < 0.01
    assert abs(a.var() - 1.0 / 12.0) < 0.003
    hist, _ = np.histogram(a, bins=10, range=(0.0, 1.0))
    expected = a.size / 10
    assert np.all(np.abs(hist - expected) < 0.05 * expected)


def test_random_float_is_uniform_and_pure():
    f = hl.Func("noise")
    f[x, y] = hl.random_float()
    a = np.asarray(f.realize([320, 240]))
    b = np.asarray(f.realize([320, 240]))
    _uniform_checks(a)
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(a)) > 0.99 * a.size
    # Neighbouring pixels are not correlated.
    assert abs(np.corrcoef(a[:, 1:].ravel(), a[:, :-1].ravel())[0, 1]) < 0.02
    assert abs(np.corrcoef(a[1:, :].ravel(), a[:-1, :].ravel())[0, 1]) < 0.02


def test_same_expr_under_different_schedules_gives_the_same_numbers():
    e = hl.random_int(7)
    plain, scheduled = hl.Func("plain"), hl.Func("scheduled")
    plain[x, y] = e
    scheduled[x, y] = e
    xo, xi = hl.Var("xo"), hl.Var("xi")
    scheduled.split(x, xo, xi, 8).vectorize(xi).parallel(y)
    a = np.asarray(plain.realize([67, 45]))
    b = np.asarray(scheduled.realize([67, 45]))
    assert a.dtype == np.int32
    np.testing.assert_array_equal(a, b)
    # Inlined into a consumer, the value at (x, y) is the producer's value at (x, y).
    producer, consumer = hl.Func("producer"), hl.Func("consumer")
    producer[x, y] = hl.random_float()
    consumer[x, y] = producer[x + 1, y] * 2.0
    c = np.asarray(consumer.realize([30, 20]))
    p = np.asarray(producer.realize([31, 20]))
    np.testing.assert_array_equal(c, p[:, 1:] * np.float32(2.0))


def test_each_call_and_seed_is_its_own_stream():
    f, g, h = hl.Func("first"), hl.Func("second"), hl.Func("seeded")
    f[x, y] = hl.random_float()
    g[x, y] = hl.random_float()
    seed = hl.Param(hl.Int(32), "seed")
    h[x, y] = hl.random_float(seed)
    a, b = np.asarray(f.realize([200, 100])), np.asarray(g.realize([200, 100]))
    assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.03
    seed.set(1)
    s1 = np.asarray(h.realize([200, 100]))
    seed.set(2)
    s2 = np.asarray(h.realize([200, 100]))
    seed.set(1)
    s1_again = np.asarray(h.realize([200, 100]))
    np.testing.assert_array_equal(s1, s1_again)
    assert abs(np.corrcoef(s1.ravel(), s2.ravel())[0, 1]) < 0.03
    _uniform_checks(s2)


def test_one_expr_used_twice_is_one_value():
    r = hl.random_float()
    f = hl.Func("same")
    f[x] = r - r
    np.testing.assert_array_equal(np.asarray(f.realize([16])), np.zeros(16, np.float32))
    g = hl.Func("different")
    g[x] = hl.random_float() - hl.random_float()
    assert np.count_nonzero(np.asarray(g.realize([16]))) == 16


def test_random_int_and_uint_cover_their_ranges():
    i, u = hl.Func("ints"), hl.Func("uints")
    i[x] = hl.random_int()
    u[x] = hl.random_uint(seed=3)
    a = np.asarray(i.realize([40000])).astype(np.int64)
    b = np.asarray(u.realize([40000])).astype(np.int64)
    assert np.asarray(u.realize([1])).dtype == np.uint32
    assert (a < 0).mean() == pytest.approx(0.5, abs=0.02)
    assert a.min() < -(2**31) * 0.99 and a.max() > (2**31) * 0.99
    assert b.min() < 2**32 * 0.01 and b.max() > 2**32 * 0.99
    assert (b & 1).mean() == pytest.approx(0.5, abs=0.02)  # low bits random too


def test_random_in_an_update_hashes_the_update_arguments():
    # Each RVar step draws a new number: the sum of 64 uniforms per site.
    r = hl.RDom([(0, 64)])
    f = hl.Func("sum_of_uniforms")
    f[x] = 0.0
    f[x] = f[x] + hl.random_float()
    g = hl.Func("sum_over_r")
    g[x] = hl.f32(0)
    g[x] += hl.random_float() + hl.f32(r.x) * 0
    a = np.asarray(f.realize([2000]))
    b = np.asarray(g.realize([2000]))
    assert a.min() >= 0 and a.max() < 1  # one draw per site
    assert abs(b.mean() - 32.0) < 0.2
    assert abs(b.var() - 64.0 / 12.0) < 0.6


def test_random_with_a_float_seed_is_an_error():
    with pytest.raises(hl.HalideError, match="random_float"):
        hl.random_float(hl.f32(1.5))
    with pytest.raises(TypeError):
        hl.random_int(1, 2)


def test_random_in_an_rdom_predicate():
    # Each RVar value and each pure x draws its own number (the reference hashes both too):
    # about half of 1000 iterations pass, a different half per x, the same on every run.
    r = hl.RDom([(0, 1000)])
    r.where(hl.random_float() < 0.5)
    f = hl.Func("predicated_by_random")
    f[x] = 0
    f[x] += hl.select(r.x >= 0, 1, 0)
    a, b = np.array(f.realize([4])), np.array(f.realize([4]))
    assert (a == b).all()
    assert ((a > 430) & (a < 570)).all(), a
    assert len(set(a.tolist())) > 1
