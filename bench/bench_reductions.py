"""Reductions (RDom update definitions), ours against the reference in one run.

What it does: builds, with the same algorithm and schedule on both implementations,
  - histogram: 256 int32 bins of a 1920x1080 uint8 image (an RDom over the image, one serial
    update), with the default schedule and with the initialization vectorized;
  - conv3x3: a 3x3 convolution by an RDom over a 3x3 weight Buffer of a 1920x1080 uint8 image,
    accumulated in uint16 and in int32; the update vectorized 16 along x, rows parallel,
    both RVars unrolled;
  - matmul: a 512x512 float32 matrix product with the lesson-style schedule: the output tiled
    32x8 (x vectorized 8, y unrolled, tile rows parallel), the accumulator computed per tile,
    its update's pure vars vectorized 8 and unrolled, the RDom outermost inside the tile.
Each realize is timed after warm-ups, its output checked against NumPy.
What it assumes: run through run.py or as `python bench/bench_reductions.py --impl ours|reference`.
What it guarantees: no timing is asserted; float inputs are small integers, so the matrix
product is exact in float32 whatever the summation order.
"""

import numpy as np

import harness

W, H = 1920, 1080


def histogram(hl, quick):
    src = np.random.default_rng(4).integers(0, 256, size=(H, W), dtype=np.uint8)
    inp = hl.Buffer(src)
    want = np.bincount(src.ravel(), minlength=256).astype(np.int32)
    results = []
    for vectorized in (False, True):
        x = hl.Var("x")
        r = hl.RDom([(0, W), (0, H)])
        hist = hl.Func("histogram")
        hist[x] = 0
        hist[hl.cast(hl.Int(32), inp[r.x, r.y])] += 1
        if vectorized:
            hist.vectorize(x, 8)
        out = hl.Buffer(hl.Int(32), [256])
        hist.compile_jit()
        ms = harness.ns_to_ms(harness.sample_ns(lambda: hist.realize(out), 2 if quick else 5,
                                                5 if quick else 30))
        np.testing.assert_array_equal(np.asarray(out), want)
        key = "vectorized_init" if vectorized else "default"
        label = "histogram u8 1920x1080, " + ("init vectorized" if vectorized else "default schedule")
        results.append(harness.metric(f"reductions.histogram_{key}", label, "ms", ms))
    return results


def conv3x3(hl, quick):
    src = np.random.default_rng(5).integers(0, 256, size=(H + 2, W + 2), dtype=np.uint8)
    weights = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.uint8)
    inp, kernel = hl.Buffer(src), hl.Buffer(weights)
    s = src.astype(np.int64)
    want = sum(int(weights[dy, dx]) * s[dy:dy + H, dx:dx + W] for dy in range(3) for dx in range(3))
    results = []
    for bits, htype, dtype in ((16, hl.UInt(16), np.uint16), (32, hl.Int(32), np.int32)):
        x, y = hl.Var("x"), hl.Var("y")
        r = hl.RDom([(0, 3), (0, 3)])
        conv = hl.Func(f"conv3x3_{bits}")
        conv[x, y] = hl.cast(htype, 0)
        conv[x, y] += hl.cast(htype, inp[x + r.x, y + r.y]) * hl.cast(htype, kernel[r.x, r.y])
        conv.vectorize(x, 16).parallel(y)
        conv.update(0).reorder(r.x, r.y, x, y).vectorize(x, 16).parallel(y).unroll(r.x).unroll(r.y)
        out = hl.Buffer(htype, [W, H])
        conv.compile_jit()
        ms = harness.ns_to_ms(harness.sample_ns(lambda: conv.realize(out), 3 if quick else 10,
                                                10 if quick else 50))
        np.testing.assert_array_equal(np.asarray(out), want.astype(dtype))
        acc = "uint16" if bits == 16 else "int32"
        results.append(harness.metric(f"reductions.conv3x3_{acc}",
                                      f"3x3 convolution RDom u8 1920x1080, {acc} sum", "ms", ms))
    return results


def matmul(hl, quick):
    n = 512
    rng = np.random.default_rng(6)
    a = rng.integers(-4, 5, size=(n, n)).astype(np.float32)
    b = rng.integers(-4, 5, size=(n, n)).astype(np.float32)
    A, B = hl.Buffer(a), hl.Buffer(b)  # A(k, i) = a[i, k]
    x, y = hl.Var("x"), hl.Var("y")
    xo, yo, xi, yi = hl.Var("xo"), hl.Var("yo"), hl.Var("xi"), hl.Var("yi")
    r = hl.RDom([(0, n)])
    prod, out = hl.Func("prod"), hl.Func("matmul")
    prod[x, y] = 0.0
    prod[x, y] += A[r.x, y] * B[x, r.x]
    out[x, y] = prod[x, y]
    out.tile(x, y, xo, yo, xi, yi, 32, 8).vectorize(xi, 8).unroll(yi).parallel(yo)
    prod.compute_at(out, xo).vectorize(x, 8).unroll(y)
    prod.update(0).reorder(x, y, r.x).vectorize(x, 8).unroll(x).unroll(y)
    dst = hl.Buffer(hl.Float(32), [n, n])
    out.compile_jit()
    ms = harness.ns_to_ms(harness.sample_ns(lambda: out.realize(dst), 2 if quick else 5,
                                            5 if quick else 30))
    np.testing.assert_array_equal(np.asarray(dst), a @ b)
    gflops = [2.0 * n ** 3 / (t * 1e6) for t in ms]
    return [harness.metric("reductions.matmul", "matmul f32 512x512, tiled+vectorized+parallel", "ms", ms),
            harness.metric("reductions.matmul_gflops", "  GFLOP/s", "GFLOP/s", gflops,
                           lower_is_better=False)]


def run(hl, quick):
    results = []
    for bench in (histogram, conv3x3, matmul):
        results.extend(bench(hl, quick))
    return results


if __name__ == "__main__":
    harness.main("reductions", run, __doc__.splitlines()[0])
