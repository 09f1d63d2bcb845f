"""JIT compile latency of one-stage pipelines, each compile a new Func (no cache can hide it).

What it does: times Func.compile_jit() of
    gradient:  f(x, y) = u16(x + y * 3)
    brighten:  f(x, y) = u8(min(f32(in(x, y)) * 1.5, 255)) over a 1920x1080 uint8 input
once cold (the first compile in a fresh process, which pays one-time initialisation), then as a
median over fresh Funcs after warm-ups, plus the user-visible latency of realizing a newly
defined gradient Func over 800x600 (compile + run).
What it assumes: run as `python bench/bench_jit_latency.py --impl ours|reference` (see
harness.py); bench/run.py runs it for both implementations and compares.
What it guarantees: the gradient's output is checked against NumPy; nothing about time is
asserted.
"""

import numpy as np

import harness

WIDTH, HEIGHT = 1920, 1080


def gradient(hl, i):
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func(f"gradient{i}")
    f[x, y] = hl.cast(hl.UInt(16), x + y * 3)
    return f


def brighten(hl, inp, i):
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func(f"brighten{i}")
    f[x, y] = hl.cast(hl.UInt(8), hl.min(hl.cast(hl.Float(32), inp[x, y]) * 1.5, 255.0))
    return f


def compile_samples(make, warmup, samples):
    """compile_jit() of `warmup` + `samples` new Funcs; only the latter are returned."""
    times = []
    for i in range(warmup + samples):
        f = make(i)
        t = harness.elapsed_ns(f.compile_jit)
        if i >= warmup:
            times.append(t)
    return times


def run(hl, quick):
    samples = 3 if quick else 20
    warmup = 1 if quick else 3
    counter = iter(range(10**9))

    # Cold: the first compile of this process.
    cold = [harness.elapsed_ns(gradient(hl, next(counter)).compile_jit)]

    grad = compile_samples(lambda i: gradient(hl, next(counter)), warmup, samples)

    inp = hl.Buffer(np.random.default_rng(0).integers(0, 256, size=(HEIGHT, WIDTH), dtype=np.uint8))
    bright = compile_samples(lambda i: brighten(hl, inp, next(counter)), warmup, samples)

    first_realize = []
    for i in range(warmup + samples):
        f = gradient(hl, next(counter))
        out = []
        t = harness.elapsed_ns(lambda: out.append(f.realize([800, 600])))
        if i >= warmup:
            first_realize.append(t)
    ys, xs = np.mgrid[0:600, 0:800]
    expected = (xs + ys * 3).astype(np.uint16)
    np.testing.assert_array_equal(np.asarray(out[0]), expected)

    return [
        harness.metric("jit.cold", "gradient compile_jit, first in a fresh process", "ms",
                       harness.ns_to_ms(cold)),
        harness.metric("jit.gradient", "gradient compile_jit, new Func (warm)", "ms",
                       harness.ns_to_ms(grad)),
        harness.metric("jit.brighten", "brighten compile_jit, new Func (warm)", "ms",
                       harness.ns_to_ms(bright)),
        harness.metric("jit.first_realize", "gradient new Func realize 800x600 (compile+run)", "ms",
                       harness.ns_to_ms(first_realize)),
    ]


if __name__ == "__main__":
    harness.main("jit_latency", run, __doc__.splitlines()[0])
