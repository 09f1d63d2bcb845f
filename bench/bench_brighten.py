"""Run time of the brighten kernel on a 1920x1080 uint8 image, against memcpy bandwidth.

What it does: compiles f(x, y) = u8(min(f32(in(x, y)) * 1.5, 255)) once (default schedule),
realizes it into a preallocated 1920x1080 uint8 output many times after warm-ups, and times a
NumPy copy of the same bytes (np.copyto of a 1920x1080 uint8 array: the same bytes read and
written) the same way. Reports both medians and the kernel's speed as a percentage of that
memcpy: 100 % means the kernel runs at copy bandwidth.
What it assumes: run as `python bench/bench_brighten.py --impl ours|reference` (harness.py).
What it guarantees: the output is checked against NumPy; nothing about time is asserted.
"""

import numpy as np

import harness

WIDTH, HEIGHT = 1920, 1080


def run(hl, quick):
    samples = 20 if quick else 200
    warmup = 5 if quick else 20

    src = np.random.default_rng(0).integers(0, 256, size=(HEIGHT, WIDTH), dtype=np.uint8)
    dst = np.empty_like(src)
    inp = hl.Buffer(src)
    out = hl.Buffer(dst)

    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("brighten")
    f[x, y] = hl.cast(hl.UInt(8), hl.min(hl.cast(hl.Float(32), inp[x, y]) * 1.5, 255.0))
    f.compile_jit()

    # Interleave kernel and copy samples so that both see the same machine load.
    for _ in range(warmup):
        f.realize(out)
        np.copyto(dst, src)
    kernel, copy = [], []
    for _ in range(samples):
        kernel.append(harness.elapsed_ns(lambda: f.realize(out)))
        copy.append(harness.elapsed_ns(lambda: np.copyto(dst, src)))

    f.realize(out)
    expected = np.minimum(src.astype(np.float32) * np.float32(1.5), np.float32(255)).astype(np.uint8)
    np.testing.assert_array_equal(dst, expected)

    kernel_ms = harness.ns_to_ms(kernel)
    copy_ms = harness.ns_to_ms(copy)
    fraction = 100.0 * harness.median(copy_ms) / harness.median(kernel_ms)
    gbps = 2 * src.nbytes / (harness.median(kernel_ms) * 1e-3) / 1e9
    return [
        harness.metric("brighten.run", "brighten 1920x1080 u8 realize", "ms", kernel_ms),
        harness.metric("brighten.memcpy", "numpy copy of the same bytes", "ms", copy_ms),
        harness.metric("brighten.pct_memcpy", "brighten speed, % of memcpy bandwidth", "%",
                       [fraction], lower_is_better=False),
        harness.metric("brighten.gbps", "brighten bytes read+written per second", "GB/s",
                       [gbps], lower_is_better=False),
    ]


if __name__ == "__main__":
    harness.main("brighten", run, __doc__.splitlines()[0])
