"""The c_source output (compile_to_c): C programs built from the generated C source.

What it checks: for pipelines covering the IR the C writer handles - a brighten, the seed's
dilate3x3 (repeat_edge + max), a multi-stage pipeline scheduled with tile / vectorize /
parallel / compute_at / compute_root, nested parallel loops, tail strategies / fuse / unroll,
reductions (a histogram, a matrix multiply, RDom.where, argmax), Params of every scalar type,
a Tuple-valued Func in a multi-output Pipeline, lerp / mux / random_uint, integer operators on
several types (Euclidean div/mod with zero divisors, saturating casts, shifts by negative
amounts, abs/absd, bit counts, bitwise ops, float-to-int casts), float16 arithmetic and float
math - compile_to_c writes C that builds with `cc -std=c11 -Wall -Wextra -Werror` (and with
clang-19, and as C++), linked with a small generated driver and the standalone runtime
object; the driver calls <name>_argv and the outputs equal the JIT's (realize) bit for bit;
math functions of the C library (sin, exp, log, pow, atan2, ...) are allowed a relative
error of 1e-6 (float32) / 1e-14 (float64), in case a compiler evaluates them differently
from the libm call the object makes; every other float result is exact.
Against the object file of the same compile, with one driver each: the argument checks
(NULL, wrong type, wrong dimensions, a Param out of range, an input too small, an output
too small, a bounds query) return the same codes and messages, with and without user_context; the metadata
answers the same; print() prints the same; a failing halide_malloc returns -11 and every
successful allocation is freed, in the pipeline and in its parallel tasks.
Also: the header and the C source compile together (in either order, with halide_runtime.h,
and two generated files in one translation unit); the default suffix is the reference's;
pygen's -e c writes the file; a float16 scalar argument (whose ABI C cannot spell portably) is
a clear error.
What it assumes: cc (gcc) on PATH; clang-19 for the clang checks (skipped, with the reason,
without it).
"""

import os
import pathlib
import shutil
import subprocess

import numpy as np
import pytest

import halide as hl
from test_aot import CHECKS_DRIVER, checks_pipeline, pygen_run

CC = shutil.which("cc")
CLANG = shutil.which("clang-19")
pytestmark = pytest.mark.skipif(not CC, reason="the C source tests need a C compiler (cc)")

W, H = 37, 11  # not multiples of the vector widths: the tails run too
HOST = hl.Target("host")

# Halide type (code, bits) -> (NumPy dtype, C type)
TYPES = {
    (0, 8): (np.int8, "int8_t"),
    (0, 16): (np.int16, "int16_t"),
    (0, 32): (np.int32, "int32_t"),
    (0, 64): (np.int64, "int64_t"),
    (1, 1): (np.bool_, "bool"),
    (1, 8): (np.uint8, "uint8_t"),
    (1, 16): (np.uint16, "uint16_t"),
    (1, 32): (np.uint32, "uint32_t"),
    (1, 64): (np.uint64, "uint64_t"),
    (2, 16): (np.float16, None),
    (2, 32): (np.float32, "float"),
    (2, 64): (np.float64, "double"),
}
CODES = {"int": 0, "uint": 1, "float": 2}


def type_key(t):
    if t == hl.Bool():
        return (1, 1)
    name = str(t)
    for prefix, code in sorted(CODES.items(), key=lambda kv: -len(kv[0])):
        if name.startswith(prefix):
            return (code, int(name[len(prefix):]))
    raise AssertionError(f"no test type for {name}")


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120, **kw)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    path = tmp_path_factory.mktemp("c_source_runtime") / "runtime.o"
    hl.compile_standalone_runtime(str(path), HOST)
    return path


def build(tmp_path, sources, exe, compiler=None, flags=("-std=c11",)):
    r = run([compiler or CC, "-O1", *flags, "-Wall", "-Wextra", "-Werror", "-I", tmp_path, *sources,
             "-lm", "-lpthread", "-o", exe])
    assert r.returncode == 0, r.stderr[-3000:]
    return exe


# ---- Programs calling <name>_argv on buffers read from files, compared with the JIT ---------

DRIVER_PRELUDE = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static halide_buffer_t *buffer(int code, int bits, int dims, const int *extents, const char *path) {
    halide_buffer_t *b = (halide_buffer_t *)calloc(1, sizeof *b);
    halide_dimension_t *d = (halide_dimension_t *)calloc((size_t)dims, sizeof *d);
    size_t n = 1, bytes = (size_t)(bits + 7) / 8;
    for (int i = 0; i < dims; i++) {
        d[i].extent = extents[i];
        d[i].stride = (int)n;
        n *= (size_t)extents[i];
    }
    b->host = (uint8_t *)calloc(n ? n : 1, bytes);
    b->type.code = (uint8_t)code;
    b->type.bits = (uint8_t)bits;
    b->type.lanes = 1;
    b->dimensions = dims;
    b->dim = d;
    if (path) {
        FILE *f = fopen(path, "rb");
        if (!f || fread(b->host, bytes, n, f) != n) exit(3);
        fclose(f);
    }
    return b;
}

static void save(const halide_buffer_t *b, const char *path) {
    size_t n = 1;
    for (int i = 0; i < b->dimensions; i++) n *= (size_t)b->dim[i].extent;
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->host, (size_t)(b->type.bits + 7) / 8, n, f) != n) exit(4);
    fclose(f);
}
"""


def c_literal(t, value):
    code, bits = type_key(t)
    if code == 2:
        return f"{float(value)!r}" + ("f" if bits == 32 else "")
    if (code, bits) == (1, 1):
        return "true" if value else "false"
    if bits == 64:
        return f"{'U' if code else ''}INT64_C({int(value)})"
    return str(int(value))


def argv_driver(name, args, inputs, values, outputs, sizes):
    """A C program: reads each ImageParam from in<i>.bin, calls name_argv, writes out<i>.bin."""
    lines = [f'#include "{name}.h"', DRIVER_PRELUDE, "int main(void) {"]
    slots = []
    for i, a in enumerate(args):
        if isinstance(a, hl.ImageParam):
            arr = inputs[a.name()]
            code, bits = type_key(a.type())
            extents = ", ".join(str(e) for e in reversed(arr.shape))
            lines.append(f"    int e{i}[] = {{{extents}}};")
            lines.append(f'    halide_buffer_t *a{i} = buffer({code}, {bits}, {arr.ndim}, e{i}, "in{i}.bin");')
            slots.append(f"a{i}")
        else:
            ctype = TYPES[type_key(a.type())][1]
            lines.append(f"    {ctype} a{i} = {c_literal(a.type(), values[a.name()])};")
            slots.append(f"&a{i}")
    for j, t in enumerate(outputs):
        code, bits = type_key(t)
        extents = ", ".join(str(s) for s in sizes)
        lines.append(f"    int oe{j}[] = {{{extents}}};")
        lines.append(f"    halide_buffer_t *o{j} = buffer({code}, {bits}, {len(sizes)}, oe{j}, NULL);")
        slots.append(f"o{j}")
    lines.append(f"    void *args[] = {{{', '.join(slots)}}};")
    lines.append(f'    printf("result %d\\n", {name}_argv(args));')
    for j in range(len(outputs)):
        lines.append(f'    save(o{j}, "out{j}.bin");')
    lines += ["    return 0;", "}"]
    return "\n".join(lines) + "\n"


def output_types(outputs):
    types = []
    for f in outputs:
        types += list(f.types()) if hasattr(f, "types") else [f.type()]
    return types


def jit(outputs, sizes):
    result = hl.Pipeline(outputs).realize(list(sizes)) if len(outputs) > 1 else outputs[0].realize(list(sizes))
    if isinstance(result, hl.Buffer):
        result = [result]
    return [np.array(b, copy=True) for b in result]


def compile_and_run(tmp_path, runtime, name, outputs, args, inputs, values, sizes, compiler=None, flags=("-std=c11",)):
    """Sets the inputs, realizes with the JIT, compiles to C, runs the driver. Returns
    (expected arrays, C arrays)."""
    for a in args:
        if isinstance(a, hl.ImageParam):
            a.set(hl.Buffer(inputs[a.name()]))
        else:
            a.set(values[a.name()])
    expected = jit(outputs, sizes)
    target = outputs[0] if len(outputs) == 1 else hl.Pipeline(outputs)
    source = tmp_path / f"{name}.halide_generated.c"
    target.compile_to_c(str(source), args, name, HOST)
    target.compile_to_header(str(tmp_path / f"{name}.h"), args, name, HOST)
    for i, a in enumerate(args):
        if isinstance(a, hl.ImageParam):
            (tmp_path / f"in{i}.bin").write_bytes(np.ascontiguousarray(inputs[a.name()]).tobytes())
    driver = tmp_path / "driver.c"
    types = [b.dtype for b in expected]
    driver.write_text(argv_driver(name, args, inputs, values, output_types(outputs), sizes))
    exe = build(tmp_path, [driver, source, runtime], tmp_path / "driver", compiler, flags)
    r = run([exe], cwd=tmp_path)
    assert r.returncode == 0 and "result 0" in r.stdout, r.stdout + r.stderr
    got = []
    for j, e in enumerate(expected):
        data = np.frombuffer((tmp_path / f"out{j}.bin").read_bytes(), dtype=types[j])
        got.append(data.reshape(e.shape))
    return expected, got


def assert_identical(expected, got):
    assert len(expected) == len(got)
    for e, g in zip(expected, got):
        assert e.dtype == g.dtype and e.shape == g.shape
        np.testing.assert_array_equal(g.view(np.uint8), e.view(np.uint8))  # bit for bit


def image(dtype, width=W, height=H, seed=1):
    rng = np.random.default_rng(seed)
    info = np.iinfo(dtype)
    return rng.integers(info.min, int(info.max) + 1, size=(height, width), dtype=dtype)


x, y = hl.Var("x"), hl.Var("y")


def brighten():
    inp = hl.ImageParam(hl.UInt(8), 2, "b_in")
    amount = hl.Param(hl.UInt(8), "amount")
    f = hl.Func("brighten")
    f[x, y] = hl.u8(hl.min(hl.u16(inp[x, y]) + hl.u16(amount), 255))
    f.vectorize(x, 8).parallel(y)
    return [f], [inp, amount], {"b_in": image(np.uint8)}, {"amount": 77}, [W, H]


def dilate3x3():
    inp = hl.ImageParam(hl.UInt(8), 2, "input_img")
    bounded, max_y, output = hl.Func("bounded_input"), hl.Func("max_y"), hl.Func("output")
    height = inp.height()
    bounded[x, y] = hl.BoundaryConditions.repeat_edge(
        inp, [(inp.dim(0).min(), inp.dim(0).extent()), (hl.Expr(), hl.Expr())])[x, y]
    max_y[x, y] = hl.max(bounded[x, hl.clamp(y - 1, 0, height - 1)], bounded[x, hl.clamp(y, 0, height - 1)],
                         bounded[x, hl.clamp(y + 1, 0, height - 1)])
    output[x, y] = hl.max(max_y[x - 1, y], max_y[x, y], max_y[x + 1, y])
    output.vectorize(x, 16)
    return [output], [inp], {"input_img": image(np.uint8, seed=2)}, {}, [W, H]


def multi_stage():
    inp = hl.ImageParam(hl.UInt(16), 2, "ms_in")
    scale = hl.Param(hl.Float(32), "scale")
    xi, yi = hl.Var("xi"), hl.Var("yi")
    clamped = hl.BoundaryConditions.repeat_edge(inp)
    weights = hl.Func("weights")
    weights[x, y] = hl.f32(clamped[x, y]) * scale
    bx, by, out = hl.Func("bx"), hl.Func("by"), hl.Func("ms")
    bx[x, y] = weights[x - 1, y] + weights[x, y] * 2 + weights[x + 1, y]
    by[x, y] = bx[x, y - 1] + bx[x, y] * 2 + bx[x, y + 1]
    out[x, y] = hl.u16(hl.clamp(by[x, y] / 16, 0, 65535))
    out.tile(x, y, xi, yi, 16, 4).vectorize(xi, 8).parallel(y)
    bx.compute_at(out, x).vectorize(x, 8)
    weights.compute_root().parallel(y)  # a heap allocation sized at run time
    return [out], [inp, scale], {"ms_in": image(np.uint16, seed=3)}, {"scale": 0.75}, [W, H]


def histogram():
    inp = hl.ImageParam(hl.UInt(8), 2, "h_in")
    r = hl.RDom([(0, inp.width()), (0, inp.height())])
    hist = hl.Func("hist")
    hist[x] = hl.u32(0)
    hist[hl.i32(inp[r.x, r.y])] += hl.u32(1)
    return [hist], [inp], {"h_in": image(np.uint8, 23, 17, seed=4) // 16}, {}, [256]


def atomic_histogram():
    """An atomic() update run in parallel: the C source's compare-and-swap loop."""
    inp = hl.ImageParam(hl.UInt(8), 2, "a_in")
    r = hl.RDom([(0, inp.width()), (0, inp.height())])
    hist = hl.Func("atomic_hist")
    hist[x] = 0
    hist[hl.i32(inp[r.x, r.y]) // 16] += 1
    hist.update().atomic().parallel(r.y).vectorize(r.x, 4)
    return [hist], [inp], {"a_in": image(np.uint8, 23, 17, seed=7)}, {}, [16]


def matmul():
    a = hl.ImageParam(hl.Float(32), 2, "A")
    b = hl.ImageParam(hl.Float(32), 2, "B")
    k = hl.RDom([(0, a.width())])
    c = hl.Func("matmul")
    c[x, y] = hl.f32(0)
    c[x, y] += a[k, y] * b[x, k]
    c.update().parallel(y).vectorize(x, 4)
    rng = np.random.default_rng(5)
    # The update's Auto tail on x is RoundUp (as in the reference): a width of a multiple of 4.
    inputs = {"A": rng.standard_normal((9, 13)).astype(np.float32), "B": rng.standard_normal((13, 12)).astype(np.float32)}
    return [c], [a, b], inputs, {}, [12, 9]


def scalar_params():
    params = [hl.Param(t, n) for t, n in [(hl.Int(8), "p_i8"), (hl.UInt(16), "p_u16"), (hl.Int(32), "p_i32"),
                                          (hl.Int(64), "p_i64"), (hl.UInt(64), "p_u64"), (hl.Float(32), "p_f32"),
                                          (hl.Float(64), "p_f64"), (hl.Bool(), "p_b")]]
    i8, u16, i32, i64, u64, f32, f64, b = params
    f, g = hl.Func("floats"), hl.Func("ints")
    f[x] = (hl.f64(i8) + hl.f64(u16) * x + hl.f64(i32) + hl.f64(i64) + hl.f64(u64) + hl.f64(f32) * f64
            + hl.select(b, 1.0, -1.0))
    g[x] = i64 * x + hl.i64(u64 % 1000) - hl.i64(i8) * hl.i64(u16)
    values = {"p_i8": -100, "p_u16": 65000, "p_i32": -2_000_000_000, "p_i64": -(2**40) - 3, "p_u64": 2**63 + 12345,
              "p_f32": 1.25, "p_f64": -3.0625, "p_b": True}
    return [f, g], params, {}, values, [7]


def tuples():
    inp = hl.ImageParam(hl.Int(16), 2, "t_in")
    f, g = hl.Func("tup"), hl.Func("tup_user")
    f[x, y] = (hl.u8(inp[x, y] + x), hl.f32(inp[x, y]) / 3, hl.i16(x - y))
    g[x, y] = f[x, y][1] * 2 + hl.f32(f[x, y][2])
    f.compute_root()
    g.vectorize(x, 4)
    return [f, g], [inp], {"t_in": image(np.int16, seed=6)}, {}, [W, H]


def nested_parallel():
    """A parallel loop inside another one's task: closures capture through two levels."""
    inp = hl.ImageParam(hl.Int(32), 2, "np_in")
    k = hl.Param(hl.Int(32), "np_k")
    g, f = hl.Func("np_g"), hl.Func("np_f")
    g[x, y] = inp[x, y] * k + x
    f[x, y] = g[x, y] + g[x + 1, y] * 3 + g[x, hl.max(y - 1, 0)]
    f.parallel(y)
    g.compute_at(f, y).parallel(x, 4)
    return [f], [inp, k], {"np_in": image(np.int16, seed=7).astype(np.int32)}, {"np_k": 3}, [W - 2, H]


def schedules_and_operators():
    """Tail strategies, fuse, unroll, RDom.where, argmax, lerp, mux, random_uint, bool output."""
    xo, xi, yo, yi = hl.Var("xo"), hl.Var("xi"), hl.Var("yo"), hl.Var("yi")
    inp = hl.ImageParam(hl.UInt(8), 2, "so_in")
    v = inp[x, y]
    f, g = hl.Func("so_ops"), hl.Func("so_bool")
    f[x, y] = (hl.lerp(v, hl.u8(255 - v), hl.u8(x * 9)) + hl.mux(x % 4, [v, hl.u8(1), hl.u8(y), hl.u8(3)])
               + hl.u8(hl.random_uint() % 7))
    g[x, y] = (v > 100) & (x % 2 == 0)
    f.split(x, xo, xi, 8, hl.TailStrategy.GuardWithIf).vectorize(xi).unroll(xo, 2)
    g.split(y, yo, yi, 4, hl.TailStrategy.ShiftInwards).fuse(x, yi, xi).parallel(yo)
    r = hl.RDom([(0, 9), (0, 7)])
    r.where(inp[r.x, r.y] % 3 != 0)
    s, am = hl.Func("so_sum"), hl.Func("so_argmax")
    s[x, y] = hl.i32(0)
    s[x, y] += hl.i32(inp[r.x, r.y]) * (x + 1) - y
    am[x, y] = hl.argmax(r, inp[r.x, r.y] + x + y)[0]
    return [f, g, s, am], [inp], {"so_in": image(np.uint8, seed=8)}, {}, [W, H]


INT_VALUES = {
    "int8": [-128, -127, -100, -7, -2, -1, 0, 1, 2, 7, 100, 126, 127],
    "int16": [-32768, -1000, -7, -1, 0, 1, 7, 3, 1000, 32767],
    "int32": [-(2**31), -100000, -7, -3, -1, 0, 1, 2, 7, 100000, 2**31 - 1],
    "uint8": [0, 1, 2, 3, 7, 100, 127, 128, 254, 255],
    "uint32": [0, 1, 2, 7, 100000, 2**31, 2**32 - 1],
}


def integer_ops(name):
    t = getattr(hl, "Int" if name.startswith("int") else "UInt")(int(name.lstrip("uint")))
    dtype = np.dtype(name)
    a, b = hl.ImageParam(t, 1, f"{name}_a"), hl.ImageParam(t, 1, f"{name}_b")
    ops = {
        "div": a[x] / b[y],
        "mod": a[x] % b[y],
        "shl": a[x] << (b[y] % 20 - 10 if name.startswith("int") else b[y] % 10),
        "shr": a[x] >> (b[y] % 20 - 10 if name.startswith("int") else b[y] % 10),
        "absd": hl.absd(a[x], b[y]),
        "abs": hl.abs(a[x] - b[y]),
        "bits": (a[x] & b[y]) ^ (a[x] | ~b[y]),
        "minmax": hl.max(hl.min(a[x], b[y]), a[x] - b[y]),
        "sat8": hl.saturating_cast(hl.Int(8), a[x]) + hl.saturating_cast(hl.Int(8), b[y]),
        "satu16": hl.saturating_cast(hl.UInt(16), hl.i64(a[x]) * 3 - hl.i64(b[y])),
        "counts": hl.popcount(a[x]) + hl.count_leading_zeros(b[y]) * 3 + hl.count_trailing_zeros(a[x] ^ b[y]) * 7,
        # In range: an out-of-range float-to-int cast and int32 overflow are undefined.
        "fcast": hl.cast(t, hl.f32(a[x]) * 0.5 + hl.f32(b[y]) * (0.25 if name.startswith("uint") else -0.25)),
        "wrap": a[x] * b[y] + a[x] if t.bits() < 32 or name.startswith("uint") else a[x] / 2 - b[y] / 2,
    }
    funcs = []
    for op, e in ops.items():
        f = hl.Func(f"{name}_{op}")
        f[x, y] = e
        funcs.append(f)
    funcs[0].vectorize(x, 4)
    values = np.array(INT_VALUES[name], dtype=dtype)
    return funcs, [a, b], {f"{name}_a": values, f"{name}_b": values}, {}, [len(values), len(values)]


def float16_ops():
    a = hl.ImageParam(hl.Float(16), 1, "h_a")
    f = hl.Func("half")
    f[x, y] = (a[x] + a[y]) * a[x] / (a[y] + hl.f16(0.5)) + a[x] % a[y]
    g = hl.Func("half_out")
    g[x, y] = hl.f32(f[x, y]) + hl.f32(hl.f16(hl.f64(a[x]) * 1000.0))
    values = np.array([-3.5, -1.0, -0.0999, 0.0, 0.25, 0.333, 1.0, 2.5, 100.0, 6.1e-5, 65504.0], dtype=np.float16)
    return [f, g], [a], {"h_a": values}, {}, [len(values), len(values)]


def float_math(bits):
    t = hl.Float(bits)
    a = hl.ImageParam(t, 1, f"fm{bits}_a")
    v = a[x]
    exact = {
        "sqrt": hl.sqrt(hl.abs(v)),
        "floor": hl.floor(v) + hl.ceil(v) * 3,
        "round": hl.round(v) + hl.trunc(v) * 3,
        "mod": v % hl.cast(t, 1.5) + v % hl.cast(t, -4.0),
        "div": v / hl.cast(t, 3.0) - v * v,
        "tests": hl.select(hl.is_nan(v / v), 1, 0) + hl.select(hl.is_inf(v * v * v * v), 2, 0)
        + hl.select(hl.is_finite(v), 4, 0),
    }
    if bits == 32:
        exact["inverse"] = hl.fast_inverse(v + 10.0) + hl.fast_inverse_sqrt(hl.abs(v) + 1.0)
    approximate = {
        "sin": hl.sin(v) + hl.cos(v),
        "exp": hl.exp(hl.min(v, hl.cast(t, 80.0))) + hl.log(hl.abs(v) + hl.cast(t, 1.0)),
        "pow": hl.pow(hl.abs(v), hl.cast(t, 1.5)),
        "atan2": hl.atan2(v, hl.cast(t, 2.0)) + hl.tanh(v),
    }
    funcs = []
    for name, e in list(exact.items()) + list(approximate.items()):
        f = hl.Func(f"fm{bits}_{name}")
        f[x] = e
        funcs.append(f)
    funcs[0].vectorize(x, 4)
    dtype = np.float32 if bits == 32 else np.float64
    values = np.array([-1000.5, -7.5, -4.0, -1.5, -0.25, 0.0, 0.375, 1.0, 2.5, 3.0, 7.0, 0.1, 1 / 3, 1e6, 1e30,
                       np.inf, -np.inf, np.nan], dtype=dtype)
    return funcs, [a], {f"fm{bits}_a": values}, {}, [len(values)], len(exact)


CASES = {
    "brighten": brighten,
    "dilate3x3": dilate3x3,
    "multi_stage": multi_stage,
    "histogram": histogram,
    "matmul": matmul,
    "atomic_histogram": atomic_histogram,
    "scalar_params": scalar_params,
    "tuples": tuples,
    "float16": float16_ops,
    "nested_parallel": nested_parallel,
    "schedules_and_operators": schedules_and_operators,
    **{f"int_ops_{n}": (lambda n=n: integer_ops(n)) for n in INT_VALUES},
}


@pytest.mark.parametrize("case", list(CASES))
def test_pipeline_matches_the_jit(case, tmp_path, runtime):
    outputs, args, inputs, values, sizes = CASES[case]()
    expected, got = compile_and_run(tmp_path, runtime, case, outputs, args, inputs, values, sizes)
    assert_identical(expected, got)


@pytest.mark.parametrize("bits", [32, 64])
def test_float_math_matches_the_jit(bits, tmp_path, runtime):
    funcs, args, inputs, values, sizes, nexact = float_math(bits)
    expected, got = compile_and_run(tmp_path, runtime, f"fm{bits}", funcs, args, inputs, values, sizes)
    assert_identical(expected[:nexact], got[:nexact])
    for e, g in zip(expected[nexact:], got[nexact:]):
        np.testing.assert_allclose(g, e, rtol=1e-6 if bits == 32 else 1e-14, equal_nan=True)


@pytest.mark.parametrize("compiler, flags", [("clang-19", ("-std=c11",)), ("c++", ("-x", "c++", "-std=c++11")),
                                             ("clang-19", ("-x", "c++", "-std=c++11"))])
def test_other_compilers_and_cplusplus(compiler, flags, tmp_path, runtime):
    path = shutil.which(compiler)
    if not path:
        pytest.skip(f"{compiler} is not installed")
    outputs, args, inputs, values, sizes = multi_stage()
    if "c++" not in flags:
        expected, got = compile_and_run(tmp_path, runtime, "ms", outputs, args, inputs, values, sizes, path)
        assert_identical(expected, got)
        return
    # C++: the generated file alone (the drivers are C).
    source = tmp_path / "ms.c"
    outputs[0].compile_to_c(str(source), args, "ms", HOST)
    r = run([path, "-O1", *flags, "-Wall", "-Wextra", "-Werror", "-c", source, "-o", tmp_path / "ms.o"])
    assert r.returncode == 0, r.stderr[-3000:]


def test_header_and_source_compile_together(tmp_path):
    outputs, args, *_ = brighten()
    for name in ("b", "b2"):
        outputs[0].compile_to({hl.OutputFileType.c_header: str(tmp_path / f"{name}.h"),
                               hl.OutputFileType.c_source: str(tmp_path / f"{name}.c")}, args, name, HOST)
    include = pathlib.Path(__file__).resolve().parents[2] / "include"
    for order in ('#include "b.h"\n#include "b.c"\n',
                  '#include "halide_runtime.h"\n#include "b.c"\n#include "b.h"\n#include "b2.c"\n'):
        src = tmp_path / "both.c"
        src.write_text(order)
        r = run([CC, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", tmp_path, "-I", include, "-c", src, "-o",
                 os.devnull])
        assert r.returncode == 0, r.stderr[-3000:]
    text = (tmp_path / "b.c").read_text()
    assert "int b(struct halide_buffer_t *_b_in_buffer, uint8_t _amount, struct halide_buffer_t *_brighten_buffer)" in text
    assert "halide_do_par_for(" in text and "#include <math.h>" in text


def test_default_suffix_and_single_call(tmp_path):
    outputs, args, *_ = brighten()
    outputs[0].compile_to_c(str(tmp_path / "plain.c"), args, "plain")
    assert "int plain_argv(void **args)" in (tmp_path / "plain.c").read_text()
    from halide import aot
    assert aot._SUFFIXES[hl.OutputFileType.c_source] == ".halide_generated.cpp"


def test_float16_scalar_arguments_are_a_clear_error(tmp_path):
    p = hl.Param(hl.Float(16), "half_param")
    f = hl.Func("half_scalar")
    f[x] = p * 2
    with pytest.raises(hl.HalideError, match="does not support float16 scalar arguments"):
        f.compile_to_c(str(tmp_path / "h.c"), [p], "half_scalar", HOST)
    assert not (tmp_path / "h.c").exists()


# ---- Against the object file of the same compile -----------------------------------------------


def object_and_source_outputs(tmp_path, runtime, pipeline, args, name, driver, target="host"):
    """Builds driver once against name.o and once against the C source; returns both stdouts."""
    outs = []
    for kind in ("object", "source"):
        d = tmp_path / kind
        d.mkdir()
        files = {hl.OutputFileType.c_header: str(d / f"{name}.h")}
        files[hl.OutputFileType.object if kind == "object" else hl.OutputFileType.c_source] = str(
            d / (f"{name}.o" if kind == "object" else f"{name}.c"))
        pipeline.compile_to(files, args, name, hl.Target(target))
        src = d / "drv.c"
        src.write_text(driver)
        objs = [d / f"{name}.o"] if kind == "object" else [d / f"{name}.c", runtime]
        exe = build(d, [src, *objs], d / "drv")
        r = run([exe])
        assert r.returncode == 0, r.stdout + r.stderr
        outs.append(r.stdout)
    return outs


@pytest.mark.parametrize("target, context, expected", [("host", "", "0"),
                                                       ("host-user_context", "(void *)0x1234,", "0x1234")])
def test_argument_checks_match_the_object(target, context, expected, tmp_path, runtime):
    f, inp, p = checks_pipeline()
    driver = f"#define CONTEXT {context}\n#define EXPECTED_CONTEXT {expected}\n" + CHECKS_DRIVER
    if target == "host-user_context":
        hl.compile_standalone_runtime(str(tmp_path / "rt_uc.o"), hl.Target(target))
        runtime = tmp_path / "rt_uc.o"
    from_object, from_source = object_and_source_outputs(tmp_path, runtime, f, [inp, p], "checks", driver, target)
    assert from_source == from_object
    for line in ("null: -12", "type: -3", "dims: -43", "param: -10", "bounds: -4", "query: 0", "context: ok",
                 "arg: input 1 2", "arg: offset 0 0", "arg: checked 2 2"):
        assert line in from_source, from_source
    assert ("arg: __user_context 0 0" in from_source) == bool(context)


OUTPUT_DRIVER = r"""
#include "hist.h"
#include <stdio.h>
#include <string.h>

void halide_error(void *user_context, const char *msg) { (void)user_context; printf("error: %s", msg); }

int main(void) {
    static uint8_t in[4][5];
    static uint32_t out[256];
    for (int i = 0; i < 20; i++) in[i / 5][i % 5] = (uint8_t)(i * 37);
    halide_dimension_t din[2] = {{0, 5, 1, 0}, {0, 4, 5, 0}}, dout = {0, 16, 1, 0};
    halide_buffer_t bin, bout;
    memset(&bin, 0, sizeof bin);
    bin.host = &in[0][0];
    bin.type.code = halide_type_uint;
    bin.type.bits = 8;
    bin.type.lanes = 1;
    bin.dimensions = 2;
    bin.dim = din;
    bout = bin;
    bout.host = (uint8_t *)out;
    bout.type.bits = 32;
    bout.dimensions = 1;
    bout.dim = &dout;
    printf("too small: %d\n", hist(&bin, &bout));
    dout.extent = 256;
    int r = hist(&bin, &bout);
    printf("whole: %d %u %u\n", r, out[0], out[37]);
    return 0;
}
"""


def test_output_too_small_matches_the_object(tmp_path, runtime):
    (hist,), args, *_ = histogram()
    from_object, from_source = object_and_source_outputs(tmp_path, runtime, hist, args, "hist", OUTPUT_DRIVER)
    assert from_source == from_object
    assert "too small: -4" in from_source and "Output buffer hist is accessed at 255" in from_source
    assert "whole: 0 1 1" in from_source


MALLOC_DRIVER = r"""
#include "allocs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int live, calls, fail_at;

/* Override the runtime's weak allocator: count, and fail call number fail_at. */
void *halide_malloc(void *user_context, size_t size) {
    (void)user_context;
    if (__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) == fail_at) return NULL;
    void *p = malloc(size + 64);
    if (p) __atomic_add_fetch(&live, 1, __ATOMIC_SEQ_CST);
    return p;
}

void halide_free(void *user_context, void *p) {
    (void)user_context;
    if (p) __atomic_sub_fetch(&live, 1, __ATOMIC_SEQ_CST);
    free(p);
}

void halide_error(void *user_context, const char *msg) { (void)user_context; printf("error: %s", msg); }

int main(void) {
    enum { N = 40 };
    static float out[N][N];
    halide_dimension_t dim[2] = {{0, N, 1, 0}, {0, N, N, 0}};
    halide_buffer_t b;
    memset(&b, 0, sizeof b);
    b.host = (uint8_t *)&out[0][0];
    b.type.code = halide_type_float;
    b.type.bits = 32;
    b.type.lanes = 1;
    b.dimensions = 2;
    b.dim = dim;
    for (fail_at = 0; fail_at < 12; fail_at++) {
        calls = 0;
        int r = allocs(N, &b);
        printf("fail_at %d: result %d, live %d, value %g\n", fail_at, r, live, r == 0 ? (double)out[7][9] : 0.0);
    }
    return 0;
}
"""


def test_failed_malloc_frees_everything(tmp_path, runtime):
    n = hl.Param(hl.Int(32), "n")
    a, b, c = hl.Func("stage_a"), hl.Func("stage_b"), hl.Func("allocs")
    a[x, y] = hl.f32(x + y * n)
    b[x, y] = a[x, y] * 2 + a[x + 1, y]
    c[x, y] = b[x, y] + b[x, y + 1]
    a.compute_root()
    b.compute_at(c, y)  # allocated inside the parallel task, per row
    c.parallel(y)
    from_object, from_source = object_and_source_outputs(tmp_path, runtime, c, [n], "allocs", MALLOC_DRIVER)
    assert from_source == from_object
    assert "fail_at 0: result 0, live 0" in from_source
    assert "fail_at 1: result -11, live 0" in from_source
    assert "fail_at 3: result -11, live 0" in from_source


PRINT_DRIVER = r"""
#include "printer.h"
#include <stdio.h>
#include <string.h>

void halide_print(void *user_context, const char *msg) { (void)user_context; printf("print: %s", msg); }

int main(void) {
    int32_t out[3] = {-1, -1, -1};
    halide_dimension_t dim = {0, 3, 1, 0};
    halide_buffer_t b;
    memset(&b, 0, sizeof b);
    b.host = (uint8_t *)out;
    b.type.code = halide_type_int;
    b.type.bits = 32;
    b.type.lanes = 1;
    b.dimensions = 1;
    b.dim = &dim;
    int r = printer(2.5f, &b);
    printf("result %d %d %d %d\n", r, out[0], out[1], out[2]);
    return 0;
}
"""


def test_print_matches_the_object(tmp_path, runtime):
    p = hl.Param(hl.Float(32), "pf")
    f = hl.Func("printer")
    f[x] = hl.print(x * 2, "at", p, hl.f64(p) / 3, x > 0, hl.u8(200))
    from_object, from_source = object_and_source_outputs(tmp_path, runtime, f, [p], "printer", PRINT_DRIVER)
    assert from_source == from_object
    assert "result 0 0 2 4" in from_source and from_source.count("print: ") == 3


def test_trace_events_match_the_object(tmp_path, runtime):
    f, g = hl.Func("traced_out"), hl.Func("traced_in")
    g[x] = x * 3
    f[x] = g[x] + g[x + 1]
    g.compute_root().trace_loads().trace_realizations()
    f.trace_stores()
    driver = PRINT_DRIVER.replace("printer(2.5f, &b)", "traced_out(&b)").replace("printer.h", "traced_out.h")
    from_object, from_source = object_and_source_outputs(tmp_path, runtime, f, [], "traced_out", driver)
    assert from_source == from_object
    assert "print: Store traced_out.0(2) = 15" in from_source and "print: Load traced_in.0(3) = 9" in from_source
    assert "print: Begin realization traced_in.0(0, 4)" in from_source


def test_pygen_emits_c_source(tmp_path):
    r = pygen_run(tmp_path, "-g", "dilate3x3", "-o", "out", "-e", "c,h", "target=host")
    assert r.returncode == 0, r.stderr
    source = tmp_path / "out" / "dilate3x3.halide_generated.cpp"
    assert "int dilate3x3(" in source.read_text()
    r = run([CC, "-x", "c", "-std=c11", "-Wall", "-Wextra", "-Werror", "-c", source, "-o", tmp_path / "d.o"])
    assert r.returncode == 0, r.stderr[-3000:]
