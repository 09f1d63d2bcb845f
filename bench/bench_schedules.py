"""Scheduled pipelines of the scheduling issue, ours against the reference in one run.

What it does: builds, with the same algorithm and schedule on both implementations,
  - blur3x3: a separable 3x3 box blur of a 1920x1080 uint16 image with the classic schedule
    (output tiled 256x32, vectorized 8 along x, rows parallel; the horizontal pass computed
    per tile and vectorized);
  - dilate3x3: the seed's dilate3x3 (repeat_edge + clamp + max of 3x3) on a 1920x1080 uint8
    image, vectorized 32 along x and parallel over rows;
  - brighten_vec: the brighten kernel vectorized 32 and parallel, as a fraction of memcpy;
  - compute_bound: a transcendental-heavy per-pixel kernel with rows serial and parallel;
    the ratio is the thread speed-up.
Each realize is timed after warm-ups, output checked against NumPy.
What it assumes: run through run.py or as `python bench/bench_schedules.py --impl ours|reference`.
What it guarantees: no timing is asserted.
"""

import os

import numpy as np

import harness

W, H = 1920, 1080


def blur3x3(hl, quick):
    rng = np.random.default_rng(1)
    src = rng.integers(0, 4096, size=(H + 2, W + 2), dtype=np.uint16)
    inp = hl.Buffer(src)
    x, y, xi, yi = hl.Var("x"), hl.Var("y"), hl.Var("xi"), hl.Var("yi")
    bx, by = hl.Func("blur_x"), hl.Func("blur_y")
    bx[x, y] = (inp[x, y] + inp[x + 1, y] + inp[x + 2, y]) // 3
    by[x, y] = (bx[x, y] + bx[x, y + 1] + bx[x, y + 2]) // 3
    by.tile(x, y, xi, yi, 256, 32).vectorize(xi, 8).parallel(y)
    bx.compute_at(by, x).vectorize(x, 8)
    out = hl.Buffer(hl.UInt(16), [W, H])
    by.compile_jit()
    ms = harness.ns_to_ms(harness.sample_ns(lambda: by.realize(out), 3 if quick else 10, 10 if quick else 50))
    s = src.astype(np.uint32)
    hx = (s[:, :-2] + s[:, 1:-1] + s[:, 2:]) // 3
    ref = (hx[:-2] + hx[1:-1] + hx[2:]) // 3
    np.testing.assert_array_equal(np.asarray(out), ref.astype(np.uint16))
    return harness.metric("schedules.blur3x3", "separable 3x3 blur u16 1920x1080, tiled", "ms", ms)


def dilate3x3(hl, quick):
    rng = np.random.default_rng(2)
    src = rng.integers(0, 256, size=(H, W), dtype=np.uint8)
    input_img = hl.ImageParam(hl.UInt(8), 2)
    input_img.set(hl.Buffer(src))
    x, y = hl.Var("x"), hl.Var("y")
    bounded_input, max_y, output = hl.Func("bounded_input"), hl.Func("max_y"), hl.Func("output")
    height = input_img.height()
    width = input_img.dim(0).extent()
    x_min = input_img.dim(0).min()
    bounded_input[x, y] = hl.BoundaryConditions.repeat_edge(
        input_img, [(x_min, width), (hl.Expr(), hl.Expr())])[x, y]
    max_y[x, y] = hl.max(bounded_input[x, hl.clamp(y - 1, 0, height - 1)],
                        bounded_input[x, hl.clamp(y, 0, height - 1)],
                        bounded_input[x, hl.clamp(y + 1, 0, height - 1)])
    output[x, y] = hl.max(max_y[x - 1, y], max_y[x, y], max_y[x + 1, y])
    output.vectorize(x, 32).parallel(y)
    out = hl.Buffer(hl.UInt(8), [W, H])
    output.compile_jit()
    ms = harness.ns_to_ms(harness.sample_ns(lambda: output.realize(out), 3 if quick else 10, 10 if quick else 50))
    p = np.pad(src, 1, mode="edge")
    ref = np.max([p[dy:dy + H, dx:dx + W] for dy in range(3) for dx in range(3)], axis=0)
    np.testing.assert_array_equal(np.asarray(out), ref)
    return harness.metric("schedules.dilate3x3", "seed dilate3x3 u8 1920x1080", "ms", ms)


def brighten_vec(hl, quick):
    src = np.random.default_rng(3).integers(0, 256, size=(H, W), dtype=np.uint8)
    dst = np.empty_like(src)
    inp, out = hl.Buffer(src), hl.Buffer(dst)
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("brighten")
    f[x, y] = hl.cast(hl.UInt(8), hl.min(hl.cast(hl.Float(32), inp[x, y]) * 1.5, 255.0))
    f.vectorize(x, 32).parallel(y)
    f.compile_jit()
    ms = harness.ns_to_ms(harness.sample_ns(lambda: f.realize(out), 5 if quick else 20, 20 if quick else 200))
    copy = harness.ns_to_ms(harness.sample_ns(lambda: np.copyto(dst, src), 5 if quick else 20, 20 if quick else 200))
    pct = 100.0 * harness.median(copy) / harness.median(ms)
    return [harness.metric("schedules.brighten_vec", "brighten vectorized+parallel", "ms", ms),
            harness.metric("schedules.brighten_pct_memcpy", "  as % of memcpy bandwidth", "%", [pct],
                           lower_is_better=False)]


def compute_bound(hl, quick):
    """The same transcendental-heavy kernel with rows serial and with rows parallel: the
    ratio is the thread speed-up (2 cores here)."""
    results = []
    times = {}
    for parallel in (False, True):
        x, y = hl.Var("x"), hl.Var("y")
        f = hl.Func("heavy")
        v = hl.f32(x) * 0.001 + hl.f32(y) * 0.002
        for _ in range(8):
            v = hl.sin(v) * hl.cos(v) + hl.sqrt(v * v + 1.0)
        f[x, y] = v
        f.vectorize(x, 8)
        if parallel:
            f.parallel(y)
        out = hl.Buffer(hl.Float(32), [1024, 512])
        f.compile_jit()
        ms = harness.ns_to_ms(harness.sample_ns(lambda: f.realize(out), 2 if quick else 5, 5 if quick else 20))
        times[parallel] = harness.median(ms)
        results.append(harness.metric(f"schedules.compute_bound_{'parallel' if parallel else 'serial'}",
                                      f"compute-bound 1024x512, rows {'parallel' if parallel else 'serial'}",
                                      "ms", ms))
    results.append(harness.metric("schedules.speedup", "  parallel speed-up (serial / parallel)", "x",
                                  [times[False] / times[True]], lower_is_better=False))
    return results


def run(hl, quick):
    results = []
    for bench in (blur3x3, dilate3x3, brighten_vec, compute_bound):
        r = bench(hl, quick)
        results.extend(r if isinstance(r, list) else [r])
    return results


if __name__ == "__main__":
    harness.main("schedules", run, __doc__.splitlines()[0])
