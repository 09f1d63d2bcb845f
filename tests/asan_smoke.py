"""Python smoke test run under AddressSanitizer/LeakSanitizer (make test-asan).

Exercises the extension's main paths once: Exprs, Funcs, Buffers from NumPy, realize, and
every kind of error, so that ASan sees the C code behind them.
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
    print("asan smoke: ok")


if __name__ == "__main__":
    main()
