"""Python smoke test run under AddressSanitizer/LeakSanitizer (make test-asan).

Exercises the extension's main paths once: Exprs, Funcs, Buffers from NumPy, realize, and
every kind of error, so that ASan sees the C code behind them. It drops everything it made,
so tests/lsan_check.py checks it strictly (any leak block in our sources fails).
"""
import numpy as np

import halide as hl


def expect_error(fn):
    try:
        fn()
    except (hl.HalideError, TypeError, ValueError):
        return
    raise AssertionError("expected an error")


def main():
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("f")
    f[x, y] = hl.select(x > y, x * 2 + y, hl.max(x - y, 3)) % 7
    out = np.asarray(f.realize([17, 9]))
    xs, ys = np.meshgrid(np.arange(17), np.arange(9))
    assert (out == np.where(xs > ys, xs * 2 + ys, np.maximum(xs - ys, 3)) % 7).all()

    data = (np.arange(60, dtype=np.uint8).reshape(6, 10) * 3)
    b = hl.Buffer(data)
    g = hl.Func("g")
    g[x, y] = hl.u8(hl.min(hl.f32(b[x, y]) * 1.5, 255.0))
    got = np.asarray(g.realize([10, 6]))
    assert (got == np.minimum(data.astype(np.float32) * 1.5, 255).astype(np.uint8)).all()

    h = hl.Func("h")
    h[x] = b[x + 1, 0]
    expect_error(lambda: h.realize([10]))  # reads beyond the input
    expect_error(lambda: hl.Func("undefined").realize([3]))
    expect_error(lambda: hl.u8(x) + 300)
    expect_error(lambda: f[x])
    # Scheduling, multi-stage pipelines, wrappers, specializations.
    g, h = hl.Func("g"), hl.Func("h")
    xo, xi = hl.Var("xo"), hl.Var("xi")
    g[x, y] = b[hl.clamp(x, 0, 9), hl.clamp(y, 0, 5)] + 1
    h[x, y] = g[x, y] + g[x + 1, y]
    g.compute_at(h, xo).vectorize(x, 4)
    h.split(x, xo, xi, 8).vectorize(xi).parallel(y)
    w = g.in_(h)
    w.compute_at(h, xo)
    p = hl.Param(hl.Int(32), "p", 3)
    h.specialize(p > 2).unroll(xi, 2)
    got = np.asarray(h.realize([13, 6]))
    c = data.astype(np.int64)
    gg = lambda xx, yy: c[np.clip(yy, 0, 5)][:, np.clip(xx, 0, 9)] + 1
    xs = np.arange(13)
    assert (got == (gg(xs, np.arange(6)) + gg(xs + 1, np.arange(6))).astype(np.uint8)).all()
    pipe = hl.Pipeline([h, g])
    pipe.realize([5, 4])

    # Params, ImageParams, boundary conditions, reductions.
    img = hl.ImageParam(hl.UInt(8), 2, "img")
    img.set(b)
    bounded = hl.BoundaryConditions.repeat_edge(img)
    hist = hl.Func("hist")
    hist[x] = 0
    r = hl.RDom([(0, 10), (0, 6)])
    hist[hl.i32(bounded[r.x, r.y]) % 16] += p
    assert np.asarray(hist.realize([16])).sum() == 60 * 3
    s = hl.Func("s")
    k = hl.RDom([(-1, 3)])
    s[x] = hl.sum(hl.i32(bounded[x + k, 0]))
    s.realize([10])
    am = hl.argmax(hl.i32(img[k + 1, 0]))
    t = hl.Func("t")
    t[()] = am
    t.realize([])
    expect_error(lambda: hl.Param(hl.UInt(8), "q", 300))

    # Predicated RDoms, rfactor and atomic updates (they own RDoms and rewrite updates).
    rr = hl.RDom([(0, 10), (0, 6)])
    rr.where(rr.x != rr.y)
    total = hl.Func("total")
    total[x] = 0
    total[x] += hl.i32(img[rr.x, rr.y])
    rxo, rxi, u = hl.RVar("rxo"), hl.RVar("rxi"), hl.Var("u")
    total.update().split(rr.x, rxo, rxi, 4)
    total.update().rfactor(rxo, u).compute_root().update().parallel(u)
    mask = ~np.eye(6, 10, dtype=bool)
    assert np.asarray(total.realize([2]))[0] == data.astype(np.int64)[mask].sum()
    expect_error(lambda: total.update().rfactor(hl.RVar("nope"), u))
    at = hl.Func("at")
    at[x] = 0
    at[hl.i32(img[rr.x, rr.y]) % 4] += 1
    at.update().atomic().parallel(rr.y).vectorize(rr.x, 4)
    assert np.asarray(at.realize([4])).sum() == 54
    nonassoc = hl.Func("nonassoc")
    nonassoc[x] = 0
    nonassoc[x] = nonassoc[x] * 2 + rr.x
    expect_error(lambda: nonassoc.update().atomic())
    # The C source output: a parallel, vectorized, multi-stage pipeline, and a failed compile.
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        blur = hl.Func("blur")
        blur[x, y] = bounded[x - 1, y] / 2 + bounded[x + 1, y] / 2
        blur.vectorize(x, 8).parallel(y)
        hl.Pipeline([blur, hist]).compile_to_c(tmp + "/p.c", [img, p], "p", hl.Target("host"))
        u = hl.Func("u")
        u[x] = hl.print(hl.f16(x) / 3, "u")
        u.compile_to_c(tmp + "/u.c", [], "u", hl.Target("host"))
        v = hl.Func("v")
        v[x] = hl.f32(x)
        v[x] = hl.undef(hl.Float(32))
        expect_error(lambda: v.compile_to_c(tmp + "/v.c", [], "v", hl.Target("host")))
    # Tracing, and the debug / profile / trace_all features through HL_JIT_TARGET.
    import contextlib
    import io
    import os

    traced = hl.Func("traced")
    traced[x] = hl.i32(img[x, 0]) * 2
    traced.trace_stores().trace_realizations()
    img.trace_loads()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        traced.realize([4])
        for features in ("debug", "profile", "trace_all"):
            os.environ["HL_JIT_TARGET"] = "host-" + features
            prof = hl.Func("prof_" + features)
            inner = hl.Func("inner_" + features)
            inner[x, y] = x + y
            prof[x, y] = inner[x, y] + inner[x + 1, y]
            inner.compute_root()
            prof.parallel(y)
            prof.realize([300, 40])
        del os.environ["HL_JIT_TARGET"]
    assert "Store traced.0(3)" in out.getvalue() and "Entering Pipeline" in out.getvalue()
    assert "total time" in out.getvalue()
    gpu = hl.Func("gpu")
    gpu[x] = x
    gpu.gpu_blocks(x)
    expect_error(lambda: gpu.realize([4]))
    print("asan smoke: ok")


if __name__ == "__main__":
    main()
