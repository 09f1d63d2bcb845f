"""Cross-compilation: Halide's lesson 11 and objects for 32-bit ARM, Windows and iOS.

What it checks: the lesson 11 program (Halide's python_bindings tutorial, with the modern
compile_to_file(prefix, args, "brighter", target) calls) runs unchanged and its header
checks hold (ELF32 little-endian ARM for arm-32-android, COFF AMD64 in a ".obj" for
x86-64-windows, a Mach-O armv7s object for arm-32-ios-armv7s); which targets are supported;
arm-32-linux objects of the tests/aot cases, linked with arm-linux-gnueabihf-gcc, print
under qemu-arm exactly what the JIT computes; arm-32-android objects are 32-bit ARM ELF
with soft-float calls (they cannot be linked with the hard-float glibc toolchain here, so
they are not run); Windows objects: COFF machine, the entry points and weak runtime in
COMDATs (llvm-objdump-19 / llvm-nm-19), and, with MinGW, a driver links against the .obj
and against the .lib (and runs under wine64 when it is installed); iOS objects: Mach-O header fields for armv7,
armv7s and arm64, and the underscore-prefixed symbols; ".obj"/".lib" suffixes for Windows.
What it assumes: llvm-objdump-19 and llvm-nm-19 (from the llvm-19 package); the arm-32 run
needs arm-linux-gnueabihf-gcc, libc6-dev-armhf-cross and qemu-arm, the Windows link
x86_64-w64-mingw32-gcc (Makefile's APT_PACKAGES), and each test skips loudly without them.
"""

import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys

import pytest

import halide as hl
from test_aot import CASES, build_case, run

ARM32_GCC = shutil.which("arm-linux-gnueabihf-gcc")
QEMU_ARM = shutil.which("qemu-arm")
ARM32_SYSROOT = "/usr/arm-linux-gnueabihf"
MINGW_GCC = shutil.which("x86_64-w64-mingw32-gcc")
WINE = shutil.which("wine64") or shutil.which("wine") or shutil.which("wine64", path="/usr/lib/wine")
OBJDUMP = shutil.which("llvm-objdump-19")
NM = shutil.which("llvm-nm-19")

needs_llvm_tools = pytest.mark.skipif(not (OBJDUMP and NM), reason="needs llvm-objdump-19 and llvm-nm-19")

LESSON_11 = '''
from halide import *
from struct import unpack

def main():
    brighter = Func("brighter")
    x, y = Var("x"), Var("y")
    offset = Param(UInt(8))
    input = ImageParam(UInt(8), 2)
    args = [input, offset]
    brighter[x, y] = input[x, y] + offset
    brighter.vectorize(x, 16).parallel(y)
    brighter.compile_to_file("lesson_11_host", args, "brighter")

    create_android = True
    create_windows = True
    create_ios = True

    if create_android:
        target = Target()
        target.os = TargetOS.Android
        target.arch = TargetArch.ARM
        target.bits = 32
        arm_features = []
        target.set_features(arm_features)
        brighter.compile_to_file("lesson_11_arm_32_android", args, "brighter", target)

    if create_windows:
        target = Target()
        target.os = TargetOS.Windows
        target.arch = TargetArch.X86
        target.bits = 64
        target.set_features([TargetFeature.AVX, TargetFeature.SSE41])
        brighter.compile_to_file("lesson_11_x86_64_windows", args, "brighter", target)

    if create_ios:
        target = Target()
        target.os = TargetOS.IOS
        target.arch = TargetArch.ARM
        target.bits = 32
        target.set_features([TargetFeature.ARMv7s])
        brighter.compile_to_file("lesson_11_arm_32_ios", args, "brighter", target)

    if create_android:
        arm_32_android_magic = [0x7f, ord('E'), ord('L'), ord('F'), 1, 1, 1]
        length = len(arm_32_android_magic)
        f = open("lesson_11_arm_32_android.o", "rb")
        try:
            header_bytes = f.read(length)
        except:
            print("Android object file not generated")
            return -1
        f.close()
        header = list(unpack("B"*length, header_bytes))
        if header != arm_32_android_magic:
            print([x == y for x, y in zip(header, arm_32_android_magic)])
            raise Exception("Unexpected header bytes in 32-bit arm object file.")
            return -1

    if create_windows:
        win_64_magic = [0x64, 0x86]
        f = open("lesson_11_x86_64_windows.obj", "rb")
        try:
            header_bytes = f.read(2)
        except:
            print("Windows object file not generated")
            return -1
        f.close()
        header = list(unpack("B"*2, header_bytes))
        if header != win_64_magic:
            raise Exception("Unexpected header bytes in 64-bit windows object file.")
            return -1

    if create_ios:
        arm_32_ios_magic = [0xfeedface, 12, 11, 1]
        f = open("lesson_11_arm_32_ios.o", "rb")
        try:
            header_bytes = f.read(4*4)
        except:
            print("ios object file not generated")
            return -1
        f.close()
        header = list(unpack("I"*4, header_bytes))
        if header != arm_32_ios_magic:
            raise Exception("Unexpected header bytes in 32-bit arm ios object file.")
            return -1

    print("Success!")
    return 0


if __name__ == "__main__":
    main()
'''


def brighter():
    offset = hl.Param(hl.UInt(8), "offset")
    inp = hl.ImageParam(hl.UInt(8), 2, "input")
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("brighter")
    f[x, y] = inp[x, y] + offset
    f.vectorize(x, 16).parallel(y)
    return f, [inp, offset]


def llvm_symbols(path):
    out = subprocess.run([NM, str(path)], capture_output=True, text=True, check=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            table[parts[-1]] = parts[-2]
    return table


def test_lesson_11_runs_unchanged(tmp_path):
    script = tmp_path / "lesson_11_cross_compilation.py"
    script.write_text(LESSON_11)
    package_dir = pathlib.Path(hl.__file__).resolve().parent.parent  # where this halide comes from
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(package_dir), os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    android = (tmp_path / "lesson_11_arm_32_android.o").read_bytes()
    assert android[:7] == b"\x7fELF\x01\x01\x01" and int.from_bytes(android[18:20], "little") == 40  # EM_ARM
    assert (tmp_path / "lesson_11_x86_64_windows.obj").read_bytes()[:2] == b"\x64\x86"
    assert not (tmp_path / "lesson_11_x86_64_windows.o").exists()
    ios = (tmp_path / "lesson_11_arm_32_ios.o").read_bytes()
    assert list(struct.unpack("<4I", ios[:16])) == [0xFEEDFACE, 12, 11, 1]
    for stem in ("host", "arm_32_android", "x86_64_windows", "arm_32_ios"):
        assert "int brighter(" in (tmp_path / f"lesson_11_{stem}.h").read_text()


def test_lesson_11_old_three_argument_form(tmp_path):
    f, args = brighter()
    f.compile_to_file(str(tmp_path / "old"), args, hl.Target("arm-32-android"))
    assert (tmp_path / "old.o").read_bytes()[:5] == b"\x7fELF\x01"


def test_supported_targets():
    for t in ("arm-32-linux", "arm-32-android", "arm-32-ios-armv7s", "arm-64-ios", "x86-64-windows-avx-sse41"):
        assert hl.Target(t).supported(), t
    for t in ("x86-32-windows", "x86-64-osx", "arm-64-osx", "arm-32-windows", "x86-32-linux"):
        assert not hl.Target(t).supported(), t


def test_windows_suffixes(tmp_path):
    f, args = brighter()
    t = hl.Target("x86-64-windows")
    f.compile_to_file(str(tmp_path / "w"), args, "brighter", t)
    f.compile_to_static_library(str(tmp_path / "wl"), args, "brighter", t)
    assert (tmp_path / "w.obj").exists() and (tmp_path / "w.h").exists()
    assert (tmp_path / "wl.lib").read_bytes().startswith(b"!<arch>\n")
    f.compile_to_static_library(str(tmp_path / "il"), args, "brighter", hl.Target("arm-32-ios"))
    assert (tmp_path / "il.a").exists()


# ---- 32-bit ARM Linux under qemu-arm ----------------------------------------------------------


def arm32_tools_or_skip():
    if not (ARM32_GCC and QEMU_ARM and os.path.isdir(ARM32_SYSROOT)):
        pytest.skip(
            "32-bit ARM tests need arm-linux-gnueabihf-gcc, libc6-dev-armhf-cross and qemu-user "
            "(make deps installs them)"
        )


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case_on_arm32_under_qemu(case, tmp_path):
    arm32_tools_or_skip()
    expected, driver, extra = build_case(case, tmp_path, "arm-32-linux")
    header = (tmp_path / "pipeline.o").read_bytes()[:20]
    assert header[:5] == b"\x7fELF\x01" and int.from_bytes(header[18:20], "little") == 40
    exe = tmp_path / "driver"
    r = run([ARM32_GCC, "-O1", "-I", tmp_path, driver, tmp_path / "pipeline.o", "-lm", "-lpthread", "-o", exe])
    assert r.returncode == 0, r.stderr
    r = run([QEMU_ARM, "-L", ARM32_SYSROOT, exe])
    assert r.returncode == 0, r.stdout[-500:] + r.stderr
    assert r.stdout == expected


def test_arm32_heap_allocation_and_errors_under_qemu(tmp_path):
    """A heap-allocated intermediate (halide_malloc takes a 32-bit size_t) and an error
    reported through halide_error (the runtime's stderr path) on arm-32-linux."""
    arm32_tools_or_skip()
    inp = hl.ImageParam(hl.Int(32), 1, "inp")
    n = hl.Param(hl.Int(32), "n")
    x = hl.Var("x")
    g, f = hl.Func("g"), hl.Func("f")
    g[x] = inp[x] * 3 + n
    f[x] = g[x] + g[x + 1]
    g.compute_root()
    f.compile_to_file(str(tmp_path / "heap"), [inp, n], "heap", hl.Target("arm-32-linux"))
    src = tmp_path / "main.c"
    src.write_text(
        r"""
#include "heap.h"
#include <stdio.h>
int main(void) {
    enum { N = 5000 };
    static int32_t in[N + 1], out[N];
    for (int i = 0; i <= N; i++) in[i] = i;
    halide_dimension_t di = {0, N + 1, 1, 0}, dout = {0, N, 1, 0};
    halide_buffer_t bi = {0}, bo = {0};
    bi.host = (uint8_t *)in; bi.type.code = halide_type_int; bi.type.bits = 32; bi.type.lanes = 1;
    bi.dimensions = 1; bi.dim = &di;
    bo = bi; bo.host = (uint8_t *)out; bo.dim = &dout;
    int r = heap(&bi, 7, &bo);
    long long sum = 0;
    for (int i = 0; i < N; i++) sum += out[i];
    printf("%d %lld %d\n", r, sum, (int)sizeof(halide_buffer_t));
    dout.extent = N + 1; /* reads one past the input: a bounds error through halide_error */
    r = heap(&bi, 7, &bo);
    printf("%d\n", r);
    return 0;
}
"""
    )
    exe = tmp_path / "main"
    r = run([ARM32_GCC, "-O1", "-I", tmp_path, src, tmp_path / "heap.o", "-lm", "-lpthread", "-o", exe])
    assert r.returncode == 0, r.stderr
    r = run([QEMU_ARM, "-L", ARM32_SYSROOT, exe])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    expected_sum = sum((i * 3 + 7) + ((i + 1) * 3 + 7) for i in range(5000))
    assert lines[0] == f"0 {expected_sum} 40"  # halide_buffer_t is 40 bytes on 32-bit ARM
    assert int(lines[1]) < 0 and "Error:" in r.stderr


@needs_llvm_tools
def test_arm32_android_object(tmp_path):
    f, args = brighter()
    f.compile_to_file(str(tmp_path / "a"), args, "brighter", hl.Target("arm-32-android"))
    header = (tmp_path / "a.o").read_bytes()[:20]
    assert header[:5] == b"\x7fELF\x01" and int.from_bytes(header[18:20], "little") == 40
    syms = llvm_symbols(tmp_path / "a.o")
    assert syms["brighter"] == "T" and syms["brighter_argv"] == "T" and syms["brighter_metadata"] == "T"
    assert syms["halide_malloc"] == "W" and syms["pthread_create"] == "U"
    attrs = subprocess.run(["llvm-readelf-19", "-A", str(tmp_path / "a.o")], capture_output=True, text=True).stdout
    assert "Tag_ABI_VFP_args" not in attrs or "AAPCS" in attrs  # soft-float calls (androideabi)


# ---- Windows -----------------------------------------------------------------------------------

MINGW_DRIVER = r"""
#include "brighter.h"
#include <stdio.h>

/* The object is made for the MSVC environment (as Halide's are), whose stack probe is
 * __chkstk; MinGW's libgcc has the same routine as ___chkstk_ms. */
__asm__(".globl __chkstk\n__chkstk:\n jmp ___chkstk_ms\n");

int main(void) {
    enum { W = 37, H = 9 };
    static uint8_t in[H][W], out[H][W];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) in[y][x] = (uint8_t)(x * 7 + y * 3);
    halide_dimension_t d[2] = {{0, W, 1, 0}, {0, H, W, 0}};
    halide_buffer_t bi = {0}, bo = {0};
    bi.host = &in[0][0]; bi.type.code = halide_type_uint; bi.type.bits = 8; bi.type.lanes = 1;
    bi.dimensions = 2; bi.dim = d;
    bo = bi; bo.host = &out[0][0];
    int r = brighter(&bi, 100, &bo);
    unsigned sum = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) sum += out[y][x];
    printf("%d %u %s\n", r, sum, brighter_metadata()->target);
    return 0;
}
"""


@needs_llvm_tools
def test_windows_object(tmp_path):
    f, args = brighter()
    f.compile_to_file(str(tmp_path / "brighter"), args, "brighter", hl.Target("x86-64-windows-avx-sse41"))
    obj = tmp_path / "brighter.obj"
    assert int.from_bytes(obj.read_bytes()[:2], "little") == 0x8664  # IMAGE_FILE_MACHINE_AMD64
    headers = subprocess.run([OBJDUMP, "-f", str(obj)], capture_output=True, text=True, check=True).stdout
    assert "coff-x86-64" in headers
    syms = llvm_symbols(obj)
    for name in ("brighter", "brighter_argv", "brighter_metadata"):
        assert syms[name] == "T", name
    # The runtime comes along, each definition in a COMDAT of its own (selection "any").
    table = subprocess.run([OBJDUMP, "-t", str(obj)], capture_output=True, text=True, check=True).stdout
    assert "halide_malloc" in syms and "halide_do_par_for" in syms
    assert "comdat 2" in table
    assert syms.get("pthread_create") is None and "__imp_CreateThread" in syms


@needs_llvm_tools
def test_windows_object_links_with_mingw(tmp_path):
    if not MINGW_GCC:
        pytest.skip("needs x86_64-w64-mingw32-gcc (gcc-mingw-w64-x86-64; make deps installs it)")
    f, args = brighter()
    f.compile_to_file(str(tmp_path / "brighter"), args, "brighter", hl.Target("x86-64-windows-avx-sse41"))
    src = tmp_path / "main.c"
    src.write_text(MINGW_DRIVER)
    exe = tmp_path / "main.exe"
    r = run([MINGW_GCC, "-O1", "-I", tmp_path, src, tmp_path / "brighter.obj", "-o", exe])
    assert r.returncode == 0, r.stderr
    assert exe.read_bytes()[:2] == b"MZ"
    f.compile_to_static_library(str(tmp_path / "brighter"), args, "brighter", hl.Target("x86-64-windows-avx-sse41"))
    r = run([MINGW_GCC, "-O1", "-I", tmp_path, src, tmp_path / "brighter.lib", "-o", tmp_path / "from_lib.exe"])
    assert r.returncode == 0, r.stderr
    if not WINE:
        pytest.skip("linked; running it needs wine64 (not installed)")
    env = dict(os.environ, WINEDEBUG="-all", WINEPREFIX=str(tmp_path / "wine"))
    r = subprocess.run([WINE, str(exe)], capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    expected = sum(((x * 7 + y * 3) % 256 + 100) % 256 for y in range(9) for x in range(37))
    assert r.stdout.split()[:3] == ["0", str(expected), "x86-64-windows-avx-sse41"]


# ---- iOS -----------------------------------------------------------------------------------------


@needs_llvm_tools
@pytest.mark.parametrize(
    "target,magic,cputype,subtype",
    [
        ("arm-32-ios-armv7s", 0xFEEDFACE, 12, 11),  # CPU_TYPE_ARM, CPU_SUBTYPE_ARM_V7S
        ("arm-32-ios", 0xFEEDFACE, 12, 9),  # CPU_SUBTYPE_ARM_V7
        ("arm-64-ios", 0xFEEDFACF, 0x0100000C, 0),  # CPU_TYPE_ARM64, CPU_SUBTYPE_ARM64_ALL
    ],
)
def test_ios_object(tmp_path, target, magic, cputype, subtype):
    f, args = brighter()
    f.compile_to_file(str(tmp_path / "b"), args, "brighter", hl.Target(target))
    head = struct.unpack("<4I", (tmp_path / "b.o").read_bytes()[:16])
    assert list(head) == [magic, cputype, subtype, 1]  # MH_OBJECT
    syms = llvm_symbols(tmp_path / "b.o")
    for name in ("_brighter", "_brighter_argv", "_brighter_metadata"):
        assert syms[name] == "T", name
    described = subprocess.run([NM, "-m", str(tmp_path / "b.o")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"weak external .*_halide_malloc$", described, re.M)
    assert syms["_pthread_create"] == "U"


@needs_llvm_tools
@pytest.mark.parametrize("target", ["arm-64-android", "arm-32-android", "arm-64-linux", "x86-64-linux"])
def test_runtime_uses_no_thread_local_storage(tmp_path, target):
    # Android's loader handles ELF TLS only from API 29: the runtime keeps none (thread ids
    # instead), including the thread pool and the profiler.
    x = hl.Var("x")
    f = hl.Func("no_tls")
    f[x] = x * 2
    f.parallel(x)
    path = tmp_path / "no_tls.o"
    f.compile_to({hl.OutputFileType.object: str(path)}, [], "no_tls", hl.Target(target + "-profile"))
    symbols = llvm_symbols(path)
    assert not any("tls_get_addr" in s or "emutls" in s for s in symbols), symbols
    sections = run([OBJDUMP, "-h", path]).stdout
    assert ".tbss" not in sections and ".tdata" not in sections
