"""make demo: small real pipelines, JIT-compiled and ahead of time, on generated data.

Builds a gradient image, brightens an input image with a cast and a min (Halide's first
tutorials), checks both against NumPy, prints what it computed and how long compiling and
running took. Then runs the seed's workflow: pygen compiles apps/dilate3x3.py to an object
and a header, a C program (apps/dilate3x3_driver.c) links it and dilates an image, and the
result is compared with the same pipeline under the JIT. Writes PNGs when Pillow is
installed.
"""
import os
import shutil
import subprocess
import sys
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

    dilated = aot_dilate3x3(rgb[:, :, 0])

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
    Image.fromarray(dilated).save("out/dilated.png")
    print("wrote out/input.png, out/brighter.png, out/gradient.png, out/dilated.png")


def write_pgm(path, a):
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (a.shape[1], a.shape[0]))
        f.write(np.ascontiguousarray(a).tobytes())


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    header = data.split(b"\n", 3)
    w, h = map(int, header[1].split())
    return np.frombuffer(header[3], dtype=np.uint8).reshape(h, w)


def aot_dilate3x3(image):
    """The seed's dilate3x3 through pygen, a C program, and the JIT; returns the result."""
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs("out", exist_ok=True)
    t0 = time.perf_counter()
    cmd = [sys.executable, os.path.join(here, "dilate3x3.py"), "-g", "dilate3x3", "-o",
           "out/dilate3x3.o", "-e", "o,h", "-f", "dilate3x3", "target=host"]
    subprocess.run(cmd, check=True)
    cc = shutil.which("cc") or shutil.which("gcc")
    subprocess.run([cc, "-O2", "-Iout", os.path.join(here, "dilate3x3_driver.c"), "out/dilate3x3.o",
                    "-o", "out/dilate3x3_driver", "-lpthread", "-lm", "-ldl"], check=True)
    build_ms = (time.perf_counter() - t0) * 1e3
    write_pgm("out/dilate_in.pgm", image)
    t0 = time.perf_counter()
    subprocess.run(["out/dilate3x3_driver", "out/dilate_in.pgm", "out/dilate_out.pgm"], check=True)
    run_ms = (time.perf_counter() - t0) * 1e3
    aot = read_pgm("out/dilate_out.pgm")

    # The same algorithm under the JIT.
    input_img = hl.ImageParam(hl.UInt(8), 2)
    x, y = hl.Var("x"), hl.Var("y")
    bounded_input, max_y, output = hl.Func("bounded_input"), hl.Func("max_y"), hl.Func("output")
    height = input_img.height()
    bounded_input[x, y] = hl.BoundaryConditions.repeat_edge(
        input_img, [(input_img.dim(0).min(), input_img.dim(0).extent()), (hl.Expr(), hl.Expr())])[x, y]
    max_y[x, y] = hl.max(bounded_input[x, hl.clamp(y - 1, 0, height - 1)],
                         bounded_input[x, hl.clamp(y, 0, height - 1)],
                         bounded_input[x, hl.clamp(y + 1, 0, height - 1)])
    output[x, y] = hl.max(max_y[x - 1, y], max_y[x, y], max_y[x + 1, y])
    input_img.set(hl.Buffer(np.ascontiguousarray(image)))
    jit = np.asarray(output.realize([image.shape[1], image.shape[0]]))
    assert (aot == jit).all(), "the AOT dilate3x3 differs from the JIT"
    print(f"dilate3x3 {image.shape[1]}x{image.shape[0]} u8: pygen + cc {build_ms:.0f} ms, C program "
          f"{run_ms:.1f} ms (process included); identical to the JIT")
    return aot


if __name__ == "__main__":
    main()
