"""make demo: a small real pipeline, JIT-compiled and run on generated data.

Builds a gradient image, brightens an input image with a cast and a min (Halide's first
tutorials), checks both against NumPy, prints what it computed and how long compiling and
running took, and writes PNGs when Pillow is installed.
"""
import os
import time

import numpy as np

import halide as hl


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - t0) * 1e3


def main():
    x, y, c = hl.Var("x"), hl.Var("y"), hl.Var("c")

    # Lesson 1: a gradient over 800x600.
    gradient = hl.Func("gradient")
    gradient[x, y] = x + y
    _, compile_ms = timed(gradient.compile_jit)
    out, run_ms = timed(lambda: gradient.realize([800, 600]))
    got = np.asarray(out)
    expected = np.add.outer(np.arange(600), np.arange(800)).astype(np.int32)
    assert (got == expected).all(), "gradient differs from NumPy"
    print(f"gradient 800x600 int32: compile {compile_ms:.1f} ms, run {run_ms:.2f} ms, "
          f"corner values {got[0, 0]}, {got[599, 799]}")

    # Lesson 2: brighten an RGB image by 1.5 with a cast and a min.
    h, w = 480, 640
    yy, xx = np.mgrid[0:h, 0:w]
    rgb = np.stack([(xx * 255 // w), (yy * 255 // h), ((xx + yy) % 256)], axis=-1).astype(np.uint8)
    planar = np.ascontiguousarray(rgb.transpose(2, 0, 1))  # c, y, x: dim 0 of the Buffer is x
    inp = hl.Buffer(planar)
    brighter = hl.Func("brighter")
    value = hl.f32(inp[x, y, c]) * 1.5
    brighter[x, y, c] = hl.u8(hl.min(value, 255.0))
    _, compile_ms = timed(brighter.compile_jit)
    out, run_ms = timed(lambda: brighter.realize([w, h, 3]))
    got = np.asarray(out)
    expected = np.minimum(planar.astype(np.float32) * np.float32(1.5), 255).astype(np.uint8)
    assert (got == expected).all(), "brighten differs from NumPy"
    print(f"brighten {w}x{h}x3 uint8: compile {compile_ms:.1f} ms, run {run_ms:.2f} ms, "
          f"mean {planar.mean():.1f} -> {got.mean():.1f}")

    try:
        from PIL import Image
    except ImportError:
        print("(Pillow not installed: no PNGs written)")
        return
    os.makedirs("out", exist_ok=True)
    Image.fromarray(rgb).save("out/input.png")
    Image.fromarray(np.ascontiguousarray(got.transpose(1, 2, 0))).save("out/brighter.png")
    g = np.asarray(gradient.realize([800, 600]))
    Image.fromarray((g * 255 // g.max()).astype(np.uint8)).save("out/gradient.png")
    print("wrote out/input.png, out/brighter.png, out/gradient.png")


if __name__ == "__main__":
    main()
