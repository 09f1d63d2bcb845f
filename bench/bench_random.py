"""Run time of a random-noise image: f(x, y) = random_float() on 1920x1080 float32.

What it does: compiles the noise Func vectorized by the target's natural f32 width and
parallel over rows, realizes it into a preallocated output many times after warm-ups, and
times NumPy's default_rng().random(out=...) filling the same array the same way. Reports both
medians and their ratio (the reference Halide's hash differs from ours; the ratio of each to
NumPy in the same run is what compares).
What it assumes: run as `python bench/bench_random.py --impl ours|reference` (harness.py).
What it guarantees: the output is checked to lie in [0, 1) with mean about 0.5; nothing about
time is asserted.
"""

import numpy as np

import harness

WIDTH, HEIGHT = 1920, 1080


def run(hl, quick):
    samples = 20 if quick else 100
    warmup = 3 if quick else 10
    dst = np.empty((HEIGHT, WIDTH), dtype=np.float32)
    out = hl.Buffer(dst)
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("noise")
    f[x, y] = hl.random_float()
    f.vectorize(x, hl.get_host_target().natural_vector_size(hl.Float(32))).parallel(y)
    f.compile_jit()
    rng = np.random.default_rng(0)
    ref = np.empty_like(dst)
    for _ in range(warmup):
        f.realize(out)
        rng.random(dtype=np.float32, out=ref)
    kernel, numpy_ms = [], []
    for _ in range(samples):
        kernel.append(harness.elapsed_ns(lambda: f.realize(out)))
        numpy_ms.append(harness.elapsed_ns(lambda: rng.random(dtype=np.float32, out=ref)))
    assert dst.min() >= 0.0 and dst.max() < 1.0 and abs(dst.mean() - 0.5) < 0.01
    kernel_ms, numpy_ms = harness.ns_to_ms(kernel), harness.ns_to_ms(numpy_ms)
    return [
        harness.metric("random.run", "random_float 1920x1080 f32 realize (vectorized, parallel)", "ms", kernel_ms),
        harness.metric("random.numpy", "numpy default_rng().random of the same array", "ms", numpy_ms),
        harness.metric("random.speedup_vs_numpy", "numpy time / realize time", "x",
                       [harness.median(numpy_ms) / harness.median(kernel_ms)], lower_is_better=False),
    ]


if __name__ == "__main__":
    harness.main("random", run, __doc__.splitlines()[0])
