"""Targets, ahead-of-time compilation, cross-compilation to AArch64, and pygen.

What it checks: target strings and fields (against values taken from the reference Halide
21); every output file type exists with the right format (ELF machine from the header
bytes, symbols with nm, the header compiled with cc as C and C++); C programs linked
against the objects compute exactly what the JIT computes (the cases of tests/aot/, on the
host and, cross-compiled, under qemu-aarch64); bounds queries; the argument checks'
error codes and messages through an overridden halide_error; user_context; no_runtime and
the standalone runtime; compile-time errors (missing arguments, Buffers, hexagon(),
unsupported targets; python_extension is in test_aot_pyext.py, c_source in
test_aot_c_source.py); pygen's command
line end to end, on the seed's program.
What it assumes: a C compiler (cc) and binutils' nm; the AArch64 tests need
aarch64-linux-gnu-gcc and qemu-aarch64 (Makefile's APT_PACKAGES) and skip loudly without.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import halide as hl

HERE = pathlib.Path(__file__).resolve().parent
CASES = sorted((HERE.parent / "aot").glob("*.case"))
HAVE_CC = shutil.which("cc") is not None
HAVE_NM = shutil.which("nm") is not None
AARCH64_GCC = shutil.which("aarch64-linux-gnu-gcc")
QEMU = shutil.which("qemu-aarch64")
AARCH64_SYSROOT = "/usr/aarch64-linux-gnu"

needs_cc = pytest.mark.skipif(not (HAVE_CC and HAVE_NM), reason="needs cc and nm")

ELF_MACHINES = {62: "x86-64", 183: "aarch64"}


def elf_machine(path):
    data = pathlib.Path(path).read_bytes()[:20]
    assert data[:4] == b"\x7fELF", f"{path} is not an ELF file"
    return ELF_MACHINES.get(int.from_bytes(data[18:20], "little"), "other")


def symbols(path):
    out = subprocess.run(["nm", str(path)], capture_output=True, text=True, check=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            table[parts[-1]] = parts[-2]
    return table


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120, **kw)


def simple_pipeline(name="brighten"):
    """out(x, y) = clamp(in(x, y) + amount): an ImageParam, a Param, one output."""
    inp = hl.ImageParam(hl.UInt(8), 2, name + "_in")
    amount = hl.Param(hl.UInt(8), name + "_amount")
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func(name)
    f[x, y] = hl.u8(hl.min(hl.u16(inp[x, y]) + hl.u16(amount), 255))
    return f, inp, amount


# ---- Targets ---------------------------------------------------------------------------------


def test_target_strings_round_trip():
    for s in [
        "x86-64-linux",
        "x86-64-linux-avx2-sse41",
        "x86-64-linux-avx-avx2-f16c-fma-sse41",
        "arm-64-android",
        "arm-64-linux-arm_dot_prod-sve2",
        "hexagon-32-qurt-hvx-hvx_128",
        "x86-64-linux-no_asserts-no_bounds_query-no_runtime",
        "x86-64-linux-debug-large_buffers-profile-strict_float-user_context",
        "x86-64-linux-tune_znver2-avx",
        "x86-32-windows",
    ]:
        assert hl.Target(s).to_string() == s
        assert str(hl.Target(s)) == s
        assert hl.Target(hl.Target(s).to_string()) == hl.Target(s)
    assert repr(hl.Target("arm-64-android")) == "<halide.Target arm-64-android>"
    # Values as the reference prints them.
    assert hl.Target("arm-64-android-hvx").to_string() == "arm-64-android-hvx-hvx_128"
    assert hl.Target("x86-64-linux-trace_loads-trace_stores-trace_realizations").to_string() == "x86-64-linux-trace_all"
    assert hl.Target("x86-64-linux-trace_all").has_feature(hl.TargetFeature.TraceStores)
    assert hl.Target().to_string() == "arch_unknown-0-os_unknown"


def test_target_errors():
    assert not hl.Target.validate_target_string("x86-64-linux-foo")
    assert hl.Target.validate_target_string("host-avx2")
    with pytest.raises(hl.HalideError, match="Did not understand Halide target bogus"):
        hl.Target("bogus")
    with pytest.raises(hl.HalideError, match="incompatible with the Target's architecture"):
        hl.Target("arm-64-linux-avx")
    t = hl.Target("arm-64-linux")
    with pytest.raises(hl.HalideError, match="incompatible"):
        t.set_feature(hl.TargetFeature.SSE41)
    with pytest.raises(ValueError):
        t.bits = 48


def test_target_fields_as_the_seed_sets_them():
    target = hl.Target()
    target.os = hl.TargetOS.Android
    target.arch = hl.TargetArch.ARM
    target.bits = 64
    target.set_features([hl.TargetFeature.HVX])
    assert target.to_string() == "arm-64-android-hvx-hvx_128"
    assert target.os == hl.TargetOS.Android and isinstance(target.os, hl.TargetOS)
    assert target.arch == hl.TargetArch.ARM and target.bits == 64
    assert target.has_feature(hl.TargetFeature.HVX)
    assert target.has_feature(hl.TargetFeature.HVX_128)
    assert target == hl.Target("arm-64-android-hvx")
    assert target != hl.Target("arm-64-android")
    assert target.without_feature(hl.TargetFeature.HVX) == hl.Target("arm-64-android")
    assert hl.Target("arm-64-linux").with_feature(hl.TargetFeature.NoAsserts).to_string() == "arm-64-linux-no_asserts"
    t = hl.Target("x86-64-linux")
    t.set_feature(hl.TargetFeature.AVX)
    assert t.to_string() == "x86-64-linux-avx"
    t.set_feature(hl.TargetFeature.AVX, False)
    assert t.to_string() == "x86-64-linux"
    assert t.features_all_of([]) and not t.features_any_of([hl.TargetFeature.AVX])
    t.set_features([hl.TargetFeature.SSE41, hl.TargetFeature.AVX])
    assert t.features_all_of([hl.TargetFeature.SSE41, hl.TargetFeature.AVX])
    assert hl.Target(hl.TargetOS.Linux, hl.TargetArch.X86, 64, [hl.TargetFeature.AVX2]).to_string() == "x86-64-linux-avx2"


def test_target_enums_have_halides_members():
    # Values of the reference Halide 21.
    assert int(hl.TargetFeature.HVX) == 35 and int(hl.TargetFeature.AVX512_Skylake) == 42
    assert int(hl.TargetFeature.NoRuntime) == 31 and int(hl.TargetFeature.UserContext) == 29
    assert int(hl.TargetFeature.Simulator) == 100 and int(hl.TargetFeature.FeatureEnd) == 101
    assert int(hl.TargetOS.Android) == 4 and int(hl.TargetOS.QuRT) == 6 and int(hl.TargetOS.wasmrt) == 9
    assert int(hl.TargetArch.ARM) == 2 and int(hl.TargetArch.Hexagon) == 3 and int(hl.TargetArch.RISCV) == 6
    assert int(hl.TargetProcessorTune.TuneZnVer4) == 13
    assert len([m for m in hl.TargetFeature.__members__]) >= 101
    assert int(hl.OutputFileType.object) == 10 and int(hl.OutputFileType.static_library) == 15


def test_natural_vector_size():
    # Values of the reference Halide 21.
    assert hl.Target("x86-64-linux-avx2-sse41").natural_vector_size(hl.UInt(8)) == 32
    assert hl.Target("arm-64-linux").natural_vector_size(hl.Float(32)) == 4
    assert hl.Target("x86-64-linux-sse41").natural_vector_size(hl.Float(32)) == 4
    assert hl.Target("x86-64-linux-avx512_skylake").natural_vector_size(hl.UInt(8)) == 64
    assert hl.Target("hexagon-32-qurt-hvx").natural_vector_size(hl.UInt(8)) == 128


def test_host_and_environment(monkeypatch):
    host = hl.get_host_target()
    assert host.supported()
    assert host.os == hl.TargetOS.Linux and host.bits == 64
    if os.uname().machine == "x86_64":
        cpu = open("/proc/cpuinfo").read()
        assert host.arch == hl.TargetArch.X86
        assert host.has_feature(hl.TargetFeature.AVX2) == (" avx2" in cpu)
        assert host.has_feature(hl.TargetFeature.SSE41) == (" sse4_1" in cpu)
    monkeypatch.delenv("HL_TARGET", raising=False)
    monkeypatch.delenv("HL_JIT_TARGET", raising=False)
    assert hl.get_target_from_environment() == host
    assert hl.get_jit_target_from_environment() == host.with_feature(hl.TargetFeature.JIT)
    monkeypatch.setenv("HL_TARGET", "arm-64-android")
    assert hl.get_target_from_environment().to_string() == "arm-64-android"
    monkeypatch.setenv("HL_JIT_TARGET", "host-no_asserts")
    assert hl.get_jit_target_from_environment().has_feature(hl.TargetFeature.NoAsserts)
    monkeypatch.setenv("HL_TARGET", "nonsense-target")
    with pytest.raises(hl.HalideError, match="Did not understand"):
        hl.get_target_from_environment()


def test_supported():
    assert hl.Target("x86-64-linux-avx2").supported()
    assert hl.Target("arm-64-android-hvx").supported()
    assert not hl.Target("hexagon-32-qurt-hvx_128").supported()
    assert not hl.Target("x86-32-linux").supported()


# ---- Outputs ---------------------------------------------------------------------------------


@needs_cc
def test_every_output_type(tmp_path):
    f, inp, amount = simple_pipeline()
    kinds = {
        hl.OutputFileType.object: "o",
        hl.OutputFileType.c_header: "h",
        hl.OutputFileType.assembly: "s",
        hl.OutputFileType.bitcode: "bc",
        hl.OutputFileType.llvm_assembly: "ll",
        hl.OutputFileType.static_library: "a",
        hl.OutputFileType.stmt: "stmt",
    }
    files = {k: str(tmp_path / f"brighten.{ext}") for k, ext in kinds.items()}
    f.compile_to(files, [inp, amount], "brighten", hl.Target("x86-64-linux-sse41"))
    for path in files.values():
        assert os.path.getsize(path) > 0, path
    obj = tmp_path / "brighten.o"
    assert elf_machine(obj) == "x86-64"
    syms = symbols(obj)
    for name in ("brighten", "brighten_argv", "brighten_metadata"):
        assert syms[name] == "T", name
    for name in ("halide_error", "halide_malloc", "halide_free", "halide_print", "halide_do_par_for"):
        assert syms.get(name) == "W", f"runtime {name} should be weak: {syms.get(name)}"
    assert re.search(r"^brighten:", (tmp_path / "brighten.s").read_text(), re.M)
    assert (tmp_path / "brighten.bc").read_bytes()[:4] == b"BC\xc0\xde"
    ll = (tmp_path / "brighten.ll").read_text()
    assert "define" in ll and "@brighten_argv" in ll and 'target triple = "x86_64' in ll
    lib = (tmp_path / "brighten.a").read_bytes()
    assert lib.startswith(b"!<arch>\n")
    assert run(["ar", "t", tmp_path / "brighten.a"]).stdout.split() == ["brighten.o"]
    assert "brighten" in (tmp_path / "brighten.stmt").read_text()
    header = (tmp_path / "brighten.h").read_text()
    assert re.search(
        r"int brighten\(struct halide_buffer_t \*_brighten_in_buffer, uint8_t _brighten_amount, "
        r"struct halide_buffer_t \*_brighten_buffer\);",
        header,
    )
    assert "int brighten_argv(void **args);" in header
    assert "const struct halide_filter_metadata_t *brighten_metadata(void);" in header
    for lang in ("c", "c++"):
        r = run(["cc", "-x", lang, "-Wall", "-Werror", "-c", tmp_path / "brighten.h", "-o", os.devnull])
        assert r.returncode == 0, r.stderr
    # Together with halide-c's runtime header, in either order.
    include = HERE.parent.parent / "include"
    for order in (
        '#include "halide_runtime.h"\n#include "brighten.h"\n',
        '#include "brighten.h"\n#include "halide_runtime.h"\n',
    ):
        src = tmp_path / "both.c"
        src.write_text(order + "int main(void) { return 0; }\n")
        r = run(["cc", "-Wall", "-Werror", "-I", include, "-I", tmp_path, "-c", src, "-o", os.devnull])
        assert r.returncode == 0, r.stderr


def test_compile_to_file_and_single_outputs(tmp_path):
    f, inp, amount = simple_pipeline("single")
    f.compile_to_file(str(tmp_path / "a"), [inp, amount], "single_fn", hl.get_host_target())
    assert (tmp_path / "a.o").exists() and (tmp_path / "a.h").exists()
    f.compile_to_static_library(str(tmp_path / "b"), [inp, amount], "single_fn")
    assert (tmp_path / "b.a").exists() and (tmp_path / "b.h").exists()
    f.compile_to_object(str(tmp_path / "c.o"), [inp, amount], "single_fn", hl.Target("arm-64-linux"))
    assert elf_machine(tmp_path / "c.o") == "aarch64"
    f.compile_to_header(str(tmp_path / "d.h"), [inp, amount], "single_fn")
    f.compile_to_assembly(str(tmp_path / "e.s"), [inp, amount], "single_fn")
    f.compile_to_bitcode(str(tmp_path / "g.bc"), [inp, amount], "single_fn")
    f.compile_to_llvm_assembly(str(tmp_path / "h.ll"), [inp, amount], "single_fn")
    for name in ("d.h", "e.s", "g.bc", "h.ll"):
        assert (tmp_path / name).stat().st_size > 0
    p = hl.Pipeline([f])
    p.compile_to_file(str(tmp_path / "p"), [inp, amount], "pipe_fn", hl.Target("x86-64-linux"))
    assert "int pipe_fn(" in (tmp_path / "p.h").read_text()


def test_infer_arguments(tmp_path):
    a = hl.ImageParam(hl.UInt(8), 2, "a")
    p = hl.Param(hl.Int(32), "zp")
    q = hl.Param(hl.Float(32), "aq")
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("f")
    f[x, y] = a[x, y] + hl.u8(p) + hl.u8(q)
    args = f.infer_arguments()
    # The reference's order and kinds.
    assert [(arg.name, int(arg.kind)) for arg in args] == [("a", 1), ("aq", 0), ("zp", 0)]
    assert args[0].dimensions == 2 and args[0].type == hl.UInt(8)
    f.compile_to_file(str(tmp_path / "inferred"), args, "inferred", hl.Target("x86-64-linux"))
    assert "int inferred(struct halide_buffer_t *_a_buffer, float _aq, int32_t _zp," in (
        tmp_path / "inferred.h"
    ).read_text()


# ---- Compile-time errors ---------------------------------------------------------------------


def test_missing_arguments_are_named(tmp_path):
    a = hl.ImageParam(hl.UInt(8), 2, "a")
    p = hl.Param(hl.Int(32), "zp")
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("f")
    f[x, y] = a[x, y] + hl.u8(p)
    with pytest.raises(hl.HalideError, match="refers to parameter zp, which was not found in the argument list"):
        f.compile_to_file(str(tmp_path / "m"), [a], "m", hl.Target("x86-64-linux"))
    with pytest.raises(hl.HalideError, match="refers to image parameter a, which was not found"):
        f.compile_to_file(str(tmp_path / "m"), [p], "m", hl.Target("x86-64-linux"))
    with pytest.raises(hl.HalideError, match="names zp twice"):
        f.compile_to_file(str(tmp_path / "m"), [a, p, p], "m", hl.Target("x86-64-linux"))
    with pytest.raises(hl.HalideError, match="not a valid C identifier"):
        f.compile_to_file(str(tmp_path / "m"), [a, p], "bad name", hl.Target("x86-64-linux"))
    assert not (tmp_path / "m.o").exists()


def test_buffers_and_unsupported_outputs_and_targets(tmp_path):
    import numpy as np

    b = hl.Buffer(np.zeros((4, 4), dtype=np.uint8))
    x, y = hl.Var("x"), hl.Var("y")
    g = hl.Func("g")
    g[x, y] = b[x, y] + 1
    with pytest.raises(hl.HalideError, match="Buffer b.* used directly.*not supported yet|not supported yet"):
        g.compile_to_file(str(tmp_path / "g"), [], "g", hl.Target("x86-64-linux"))
    f, inp, amount = simple_pipeline("unsup")
    for target in ("hexagon-32-qurt-hvx_128", "x86-32-linux", "x86-64-osx", "arm-64-osx", "x86-32-windows"):
        with pytest.raises(hl.HalideError, match="cannot generate code for target .* yet"):
            f.compile_to_file(str(tmp_path / "t"), [inp, amount], "t", hl.Target(target))
    with pytest.raises(TypeError):
        f.compile_to_file(str(tmp_path / "t"), [inp, 3], "t")


def seed_dilate(hexagon):
    """The seed's first example, up to the compile."""
    input_img = hl.ImageParam(hl.UInt(8), 2)
    x, y = hl.Var("x"), hl.Var("y")
    bounded_input, max_y, output = hl.Func("bounded_input"), hl.Func("max_y"), hl.Func("output")
    height = input_img.height()
    width = input_img.dim(0).extent()
    x_min = input_img.dim(0).min()
    bounded_input[x, y] = hl.BoundaryConditions.repeat_edge(input_img, [(x_min, width), (hl.Expr(), hl.Expr())])[x, y]
    max_y[x, y] = hl.max(
        bounded_input[x, hl.clamp(y - 1, 0, height - 1)],
        bounded_input[x, hl.clamp(y, 0, height - 1)],
        bounded_input[x, hl.clamp(y + 1, 0, height - 1)],
    )
    output[x, y] = hl.max(max_y[x - 1, y], max_y[x, y], max_y[x + 1, y])
    if hexagon:
        assert output.hexagon() is output
    return output, input_img


def seed_target(hvx):
    target = hl.Target()
    target.os = hl.TargetOS.Android
    target.arch = hl.TargetArch.ARM
    target.bits = 64
    if hvx:
        target.set_features([hl.TargetFeature.HVX])
    return target


def test_seed_example_with_hexagon_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output, input_img = seed_dilate(hexagon=True)
    with pytest.raises(hl.HalideError, match="Hexagon offload is not supported yet"):
        output.compile_to_file("dilate3x3", [input_img], "dilate3x3", seed_target(hvx=True))
    assert not os.path.exists("dilate3x3.o")
    # Without hvx in the target: the reference's error.
    with pytest.raises(hl.HalideError, match="requires <Hexagon> but no compatible target feature is enabled"):
        output.compile_to_file("dilate3x3", [input_img], "dilate3x3", seed_target(hvx=False))
    with pytest.raises(hl.HalideError, match="requires <Hexagon>"):
        output.realize([8, 8])


def test_seed_example_without_hexagon_makes_an_aarch64_object(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output, input_img = seed_dilate(hexagon=False)
    output.compile_to_file("dilate3x3", [input_img], "dilate3x3", seed_target(hvx=True))
    assert elf_machine("dilate3x3.o") == "aarch64"
    assert "int dilate3x3(struct halide_buffer_t *" in pathlib.Path("dilate3x3.h").read_text()


# ---- C programs linked against the objects -----------------------------------------------------


def split_case(path):
    parts = re.split(r"^### (\S+)\n", path.read_text(), flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def build_case(case, tmp_path, target):
    """Compiles the case's pipeline for target; returns (jit_text, driver source path)."""
    sections = split_case(case)
    ns = {"__name__": "aot_case"}
    exec(compile(sections["pipeline.py"], str(case), "exec"), ns)
    ns["OUTPUT"].compile_to_file(str(tmp_path / "pipeline"), ns["ARGS"], "pipeline", hl.Target(target))
    driver = tmp_path / "driver.c"
    driver.write_text(sections["driver.c"])
    return ns["jit_text"](), driver, sections.get("expected", "")


@needs_cc
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case_on_host(case, tmp_path):
    expected, driver, extra = build_case(case, tmp_path, "host")
    exe = tmp_path / "driver"
    r = run(["cc", "-O1", "-I", tmp_path, driver, tmp_path / "pipeline.o", "-lm", "-lpthread", "-o", exe])
    assert r.returncode == 0, r.stderr
    r = run([exe])
    assert r.returncode == 0, r.stdout[-500:] + r.stderr
    assert r.stdout == expected
    for line in extra.splitlines():
        assert line in r.stdout


def cross_tools_or_skip():
    if not (AARCH64_GCC and QEMU and os.path.isdir(AARCH64_SYSROOT)):
        pytest.skip(
            "AArch64 cross tests need aarch64-linux-gnu-gcc, libc6-dev-arm64-cross and qemu-user "
            "(make deps installs them)"
        )


@pytest.mark.parametrize("os_name", ["linux", "android"])
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case_on_aarch64_under_qemu(case, os_name, tmp_path):
    # arm-64-android objects (Android's ABI is AArch64's; the runtime uses only what
    # bionic and glibc both have) link with the glibc cross toolchain and run under qemu too.
    cross_tools_or_skip()
    expected, driver, extra = build_case(case, tmp_path, "arm-64-" + os_name)
    assert elf_machine(tmp_path / "pipeline.o") == "aarch64"
    exe = tmp_path / "driver"
    r = run([AARCH64_GCC, "-O1", "-I", tmp_path, driver, tmp_path / "pipeline.o", "-lm", "-lpthread", "-o", exe])
    assert r.returncode == 0, r.stderr
    r = run([QEMU, "-L", AARCH64_SYSROOT, exe])
    assert r.returncode == 0, r.stdout[-500:] + r.stderr
    assert r.stdout == expected


CHECKS_DRIVER = r"""
#include "checks.h"
#include <stdio.h>
#include <string.h>

static char last_error[1024];
static int errors;
static void *last_context;

/* Overrides the runtime's weak halide_error. */
void halide_error(void *user_context, const char *msg) {
    errors++;
    last_context = user_context;
    snprintf(last_error, sizeof last_error, "%s", msg);
}

static halide_dimension_t din[2], dout[2];
static halide_buffer_t in, out;
static uint8_t in_data[16 * 8], out_data[16 * 8];

static void reset(void) {
    halide_dimension_t d[2] = {{0, 16, 1, 0}, {0, 8, 16, 0}};
    memcpy(din, d, sizeof d);
    memcpy(dout, d, sizeof d);
    memset(&in, 0, sizeof in);
    in.host = in_data;
    in.type.code = halide_type_uint;
    in.type.bits = 8;
    in.type.lanes = 1;
    in.dimensions = 2;
    in.dim = din;
    out = in;
    out.host = out_data;
    out.dim = dout;
    errors = 0;
    last_error[0] = 0;
}

#define CALL(...) checks(CONTEXT __VA_ARGS__)

static void report(const char *what, int r) {
    printf("%s: %d errors=%d msg=%s\n", what, r, errors, last_error);
}

int main(void) {
    for (int i = 0; i < 16 * 8; i++) in_data[i] = (uint8_t)i;
    reset();
    report("ok", CALL(&in, 7, &out));
    printf("value: %d %d\n", out_data[0], out_data[16 * 8 - 1]);
    reset();
    report("null", CALL(NULL, 7, &out));
    reset();
    in.type.bits = 16;
    report("type", CALL(&in, 7, &out));
    reset();
    in.dimensions = 3;
    report("dims", CALL(&in, 7, &out));
    reset();
    report("param", CALL(&in, 200, &out));
    reset();
    din[0].extent = 8;
    report("bounds", CALL(&in, 7, &out));
    reset();
    /* Bounds query: a NULL host pointer gets the required region. */
    in.host = NULL;
    dout[0].min = 3;
    dout[0].extent = 5;
    report("query", CALL(&in, 7, &out));
    printf("query region: %d %d %d %d\n", din[0].min, din[0].extent, din[1].min, din[1].extent);
    printf("context: %s\n", last_context == (void *)EXPECTED_CONTEXT ? "ok" : "wrong");
    const halide_filter_metadata_t *md = checks_metadata();
    printf("metadata: %d %d %s\n", md->version, md->num_arguments, md->name);
    for (int i = 0; i < md->num_arguments; i++)
        printf("arg: %s %d %d\n", md->arguments[i].name, md->arguments[i].kind, md->arguments[i].dimensions);
    return 0;
}
"""


def checks_pipeline():
    inp = hl.ImageParam(hl.UInt(8), 2, "input")
    p = hl.Param(hl.Int(32), "offset")
    p.set_range(0, 100)
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("checked")
    f[x, y] = inp[x, y] + hl.u8(p)
    return f, inp, p


def run_checks(tmp_path, target, context_arg, expected_context):
    f, inp, p = checks_pipeline()
    f.compile_to_file(str(tmp_path / "checks"), [inp, p], "checks", hl.Target(target))
    src = tmp_path / "drv.c"
    src.write_text(f"#define CONTEXT {context_arg}\n#define EXPECTED_CONTEXT {expected_context}\n" + CHECKS_DRIVER)
    exe = tmp_path / "drv"
    r = run(["cc", "-O1", "-I", tmp_path, src, tmp_path / "checks.o", "-lm", "-lpthread", "-o", exe])
    assert r.returncode == 0, r.stderr
    r = run([exe])
    assert r.returncode == 0, r.stderr
    return r.stdout


@needs_cc
def test_argument_checks_and_bounds_query(tmp_path):
    out = run_checks(tmp_path, "host", "", "0")
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line and not line.startswith("arg"))
    assert lines["ok"] == "0 errors=0 msg="
    assert lines["value"] == "7 134"
    assert lines["null"] == "-12 errors=1 msg=Buffer argument input is nullptr"
    assert lines["type"].startswith("-3 errors=1 msg=input has type uint8 but type of the buffer passed in is uint16")
    assert lines["dims"].startswith("-43 errors=1 msg=input requires a buffer of exactly 2 dimensions")
    assert lines["param"].startswith("-10 errors=1 msg=Parameter offset is 200 but must be at most 100")
    assert lines["bounds"].startswith("-4 errors=1 msg=Input buffer input is accessed at 15, which is beyond the max (7)")
    assert lines["query"] == "0 errors=0 msg="
    assert lines["query region"] == "3 5 0 8"
    assert lines["context"] == "ok"
    assert lines["metadata"] == "1 3 checks"
    assert "arg: input 1 2" in out and "arg: offset 0 0" in out and "arg: checked 2 2" in out


@needs_cc
def test_user_context_is_passed_to_halide_error(tmp_path):
    out = run_checks(tmp_path, "host-user_context", "(void *)0x1234,", "0x1234")
    assert "null: -12 errors=1" in out
    assert "context: ok" in out
    assert "void const *__user_context" in (tmp_path / "checks.h").read_text()


def test_no_asserts_drops_the_checks(tmp_path):
    f, inp, p = checks_pipeline()
    f.compile_to_llvm_assembly(str(tmp_path / "na.ll"), [inp, p], "na", hl.Target("host-no_asserts-no_runtime"))
    f.compile_to_llvm_assembly(str(tmp_path / "a.ll"), [inp, p], "a", hl.Target("host-no_runtime"))
    assert "call i32 @halide_error_bad_type" in (tmp_path / "a.ll").read_text()
    assert "call i32 @halide_error_bad_type" not in (tmp_path / "na.ll").read_text()


@needs_cc
def test_no_runtime_and_the_standalone_runtime(tmp_path):
    f, inp, p = checks_pipeline()
    f.compile_to_file(str(tmp_path / "checks"), [inp, p], "checks", hl.Target("host-no_runtime"))
    syms = symbols(tmp_path / "checks.o")
    assert syms["checks"] == "T" and syms["halide_error_bad_type"] == "U"
    assert syms.get("halide_error", "U") == "U" and syms.get("halide_malloc", "U") == "U"
    hl.compile_standalone_runtime(str(tmp_path / "runtime.o"), hl.Target("host"))
    rt = symbols(tmp_path / "runtime.o")
    assert rt["halide_error"] == "W" and rt["halide_error_bad_type"] == "W" and rt["halide_do_par_for"] == "W"
    hl.compile_standalone_runtime(str(tmp_path / "runtime.a"), hl.Target("host"))
    assert (tmp_path / "runtime.a").read_bytes().startswith(b"!<arch>\n")
    src = tmp_path / "drv.c"
    src.write_text("#define CONTEXT\n#define EXPECTED_CONTEXT 0\n" + CHECKS_DRIVER)
    exe = tmp_path / "drv"
    r = run(["cc", "-I", tmp_path, src, tmp_path / "checks.o", tmp_path / "runtime.a", "-lm", "-lpthread", "-o", exe])
    assert r.returncode == 0, r.stderr
    out = run([exe]).stdout
    assert "null: -12 errors=1" in out and "value: 7 134" in out


@needs_cc
def test_two_pipelines_link_together(tmp_path):
    for name in ("one", "two"):
        f, inp, amount = simple_pipeline(name)
        f.compile_to_file(str(tmp_path / name), [inp, amount], name, hl.Target("host"))
    src = tmp_path / "main.c"
    src.write_text('#include "one.h"\n#include "two.h"\nint main(void) { return one_metadata() == 0 || two_metadata() == 0; }\n')
    r = run(["cc", "-I", tmp_path, src, tmp_path / "one.o", tmp_path / "two.o", "-lm", "-lpthread", "-o", tmp_path / "m"])
    assert r.returncode == 0, r.stderr
    assert run([tmp_path / "m"]).returncode == 0


# ---- pygen -------------------------------------------------------------------------------------

SEED_PYGEN = textwrap.dedent(
    """\
    import Halide as hl
    import pygen

    params = pygen.get_params()
    target = params["target"]

    input_img = hl.ImageParam(hl.UInt(8), 2)
    x, y, yo = hl.Var("x"), hl.Var("y"), hl.Var("yo")
    bounded_input, max_y, output = hl.Func("bounded_input"), hl.Func("max_y"), hl.Func("output")

    # Algorithm
    height = input_img.height()
    width = input_img.dim(0).extent()
    x_min = input_img.dim(0).min()

    bounded_input[x, y] = hl.BoundaryConditions.repeat_edge(
        input_img, [(x_min, width), (hl.Expr(), hl.Expr())])[x, y]

    max_y[x, y] = hl.max(bounded_input[x, hl.clamp(y - 1, 0, height - 1)],
                        bounded_input[x, hl.clamp(y, 0, height - 1)],
                        bounded_input[x, hl.clamp(y + 1, 0, height - 1)])

    output[x, y] = hl.max(max_y[x - 1, y], max_y[x, y], max_y[x + 1, y])

    # Schedule
    if target.has_feature(hl.TargetFeature.HVX):
        output.hexagon()

    # Compile
    pygen.compile(output, [input_img])
    """
)


def pygen_run(tmp_path, *argv, script=SEED_PYGEN):
    path = tmp_path / "dilate3x3.py"
    path.write_text(script)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(hl.__file__))] + sys.path)
    return subprocess.run(
        [sys.executable, str(path), *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )


SEED_ARGV = ["-g", "dilate3x3", "-o", "./dilate3x3.o", "-e", "o,h", "-f", "dilate3x3"]


def test_pygen_seed_command_line_host(tmp_path):
    r = pygen_run(tmp_path, *SEED_ARGV, "target=host")
    assert r.returncode == 0, r.stderr
    assert elf_machine(tmp_path / "dilate3x3.o") == ELF_MACHINES.get(62 if os.uname().machine == "x86_64" else 183)
    assert "int dilate3x3(" in (tmp_path / "dilate3x3.h").read_text()


def test_pygen_seed_command_line_hvx_fails_clearly(tmp_path):
    r = pygen_run(tmp_path, *SEED_ARGV, "target=arm-64-android-hvx")
    assert r.returncode != 0
    assert "Hexagon offload is not supported yet" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "dilate3x3.o").exists()


def test_pygen_seed_command_line_arm_64_android(tmp_path):
    r = pygen_run(tmp_path, *SEED_ARGV, "target=arm-64-android")
    assert r.returncode == 0, r.stderr
    assert elf_machine(tmp_path / "dilate3x3.o") == "aarch64"


def test_pygen_emits_and_directories(tmp_path):
    r = pygen_run(tmp_path, "-g", "dilate3x3", "-o", "out", "-e", "o,h,a,s,bc,ll,stmt", "target=x86-64-linux-avx2")
    assert r.returncode == 0, r.stderr
    for ext in ("o", "h", "a", "s", "bc", "ll", "stmt"):
        assert (tmp_path / "out" / f"dilate3x3.{ext}").stat().st_size > 0, ext
    r = pygen_run(tmp_path, "-g", "gen", "-f", "fn", "-o", "out2/", "-n", "base", "-e", "static_library,c_header")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out2" / "base.a").exists() and "int fn(" in (tmp_path / "out2" / "base.h").read_text()


PARAMS_SCRIPT = textwrap.dedent(
    """\
    import halide as hl
    import pygen

    use_parallel = pygen.add_param("use_parallel_sched", bool, True)
    factor = pygen.add_param("factor", int, 3)
    scale = pygen.add_param("scale", float, 0.5)
    label = pygen.add_param("label", str, "none")
    out_type = pygen.add_param("out_type", hl.Type, hl.UInt(8))
    params = pygen.get_params()
    inp = hl.ImageParam(hl.UInt(8), 2, "inp")
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("f")
    f[x, y] = hl.cast(out_type, inp[x, y] * factor)
    if use_parallel:
        f.parallel(y)
    print("params", params["use_parallel_sched"], params["factor"], params["scale"], params["label"],
          params["out_type"], params["target"])
    pygen.compile(f, [inp])
    """
)


def test_pygen_user_params(tmp_path):
    r = pygen_run(tmp_path, "-g", "p", "use_parallel_sched=false", "factor=7", "scale=1.5", "label=hi",
                  "out_type=uint16", "target=arm-64-linux", script=PARAMS_SCRIPT)
    assert r.returncode == 0, r.stderr
    assert "params False 7 1.5 hi uint16 arm-64-linux" in r.stdout
    r = pygen_run(tmp_path, "-g", "p", script=PARAMS_SCRIPT)
    assert r.returncode == 0, r.stderr
    assert "params True 3 0.5 none uint8" in r.stdout


@pytest.mark.parametrize(
    "argv, message",
    [
        (["-g", "p", "nosuch=1"], "unknown parameter nosuch"),
        (["-g", "p", "factor=seven"], "parameter factor is an int"),
        (["-g", "p", "use_parallel_sched=maybe"], "parameter use_parallel_sched is a bool"),
        (["-g", "p", "out_type=uint7"], "parameter out_type is a Type"),
        (["-g", "p", "target=bogus-target"], "not a valid target string"),
        (["-g", "p", "target=hexagon-32-qurt-hvx"], "cannot generate code for target"),
        (["-g", "p", "-e", "o,zz"], "unknown emit 'zz'"),
        (["-g", "p", "-x", "1"], "unknown flag -x"),
        (["-g", "p", "stray"], "expected NAME=VALUE"),
        (["-g", "p", "-f", "not-an-identifier"], "not a valid C identifier"),
        (["factor=2"], "give the function name"),
    ],
)
def test_pygen_errors(tmp_path, argv, message):
    r = pygen_run(tmp_path, *argv, script=PARAMS_SCRIPT)
    assert r.returncode != 0
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_pygen_help(tmp_path):
    r = pygen_run(tmp_path, "-h", script=PARAMS_SCRIPT)
    assert r.returncode == 0
    assert "usage:" in r.stdout and "-e LIST" in r.stdout and "use_parallel_sched=<bool>" in r.stdout


# ---- HTML statements ------------------------------------------------------------------------------


def html_structure(page):
    """(text lines, tags left unclosed, mismatched closes) of a generated page."""
    import html.parser

    class Parser(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.bad, self.lines, self.current, self.in_stmt = [], 0, [], "", False

        def handle_starttag(self, tag, attrs):
            if tag == "meta":
                return
            self.stack.append(tag)
            if dict(attrs).get("id") == "stmt":
                self.in_stmt = True
            if tag in ("div", "summary") and self.current:
                self.lines.append(self.current)
                self.current = ""

        def handle_endtag(self, tag):
            if not self.stack or self.stack[-1] != tag:
                self.bad += 1
            else:
                self.stack.pop()
            if tag in ("div", "summary") and self.current:
                self.lines.append(self.current)
                self.current = ""

        def handle_data(self, data):
            if self.in_stmt and "script" not in self.stack:
                self.current += data

    p = Parser()
    p.feed(page)
    return [line.strip() for line in p.lines if line.strip()], p.stack, p.bad


def test_stmt_html_outputs(tmp_path):
    f, inp, amount = simple_pipeline("html")
    g = hl.Func("html_consumer")
    x, y = hl.Var("x"), hl.Var("y")
    g[x, y] = hl.select((x < 3) & (y > 1), f[x, y], f[x + 1, y])  # "<", ">" and "&&" to escape
    f.compute_at(g, y).vectorize(x, 8)
    g.parallel(y)
    g.compile_to({hl.OutputFileType.stmt: tmp_path / "g.stmt", hl.OutputFileType.stmt_html: tmp_path / "g.html"},
                 [inp, amount], "g_fn")
    page = (tmp_path / "g.html").read_text()
    lines, unclosed, bad = html_structure(page)
    assert page.startswith("<!DOCTYPE html>") and "<title>g_fn</title>" in page
    assert not unclosed and not bad
    assert "<details open>" in page and "http" not in page  # foldable, and no external resources
    text_lines = [line.strip() for line in (tmp_path / "g.stmt").read_text().splitlines() if line.strip()]
    assert lines == text_lines  # the same statement, line for line, once unescaped
    assert "&lt;" in page and "&amp;&amp;" in page
    # compile_to_lowered_stmt with fmt=HTML, on a Func and on a Pipeline.
    g.compile_to_lowered_stmt(str(tmp_path / "l.html"), [inp, amount], hl.StmtOutputFormat.HTML)
    hl.Pipeline([g]).compile_to_lowered_stmt(str(tmp_path / "p.html"), [inp, amount], fmt=hl.StmtOutputFormat.HTML)
    g.compile_to_lowered_stmt(str(tmp_path / "l.stmt"), [inp, amount], hl.StmtOutputFormat.Text)
    for name in ("l.html", "p.html"):
        _, unclosed, bad = html_structure((tmp_path / name).read_text())
        assert not unclosed and not bad
    assert not (tmp_path / "l.stmt").read_text().startswith("<")
    with pytest.raises(ValueError):
        g.compile_to_lowered_stmt(str(tmp_path / "bad.html"), [], 7)
    assert [m.name for m in hl.StmtOutputFormat] == ["Text", "HTML"]


def test_pygen_emits_stmt_html(tmp_path):
    r = pygen_run(tmp_path, "-g", "dilate3x3", "-o", "out", "-e", "stmt_html", "target=host")
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "out" / "dilate3x3.stmt.html").read_text()
    _, unclosed, bad = html_structure(page)
    assert not unclosed and not bad and "dilate3x3" in page
