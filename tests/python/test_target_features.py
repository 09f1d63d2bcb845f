"""Target features that change what a pipeline reports: debug (and profile, below).

What it does: runs pipelines built for targets with the debug feature - under the JIT (through
HL_JIT_TARGET, in a subprocess), as an object and as C source linked with the standalone
runtime - and checks the announcement Halide's debug runtime prints: "Entering Pipeline",
the target, each argument in the reference's order (input buffers with their fields, scalar
inputs, the user context, output buffers), "Exiting Pipeline"; and that without the feature
nothing is printed.
What it assumes: JIT output goes to sys.stdout; the AOT drivers replace halide_print.
"""

import os
import re
import subprocess
import sys
import textwrap

import pytest

import halide as hl

BUFFER = r"0x[0-9a-f]+ -> buffer\(0, 0x0, 0x[0-9a-f]+, \d+, {type}(, \{{-?\d+, \d+, -?\d+\}})*\)"

SCRIPT = textwrap.dedent(
    """\
    import numpy as np
    import halide as hl
    x, y = hl.Var("x"), hl.Var("y")
    b = hl.Buffer(np.zeros((3, 4), np.uint8), "inbuf")
    p = hl.Param(hl.Int(32), "p", 5)
    q = hl.Param(hl.Float(32), "q", 0.5)
    f = hl.Func("f")
    f[x, y] = hl.f32(b[x, y] + p) * q
    out = f.realize([4, 3])
    print("value", np.asarray(out)[0, 0])
    """
)


def run_script(tmp_path, target):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    env = dict(os.environ, HL_JIT_TARGET=target)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(hl.__file__))] + sys.path)
    r = subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_debug_under_the_jit(tmp_path):
    lines = run_script(tmp_path, "host-debug")
    assert lines[-1] == "value 2.5"
    run = lines[:6]  # the realization (after the bounds query's own announcement, if any)
    if lines[6:7] and lines[6].startswith("Entering"):
        run = lines[6:12]
    assert run[0] == "Entering Pipeline f"
    assert run[1].startswith("Target: ") and "debug" in run[1] and "jit" in run[1]
    assert re.fullmatch(r" Input Buffer inbuf: " + BUFFER.format(type="uint8"), run[2]), run[2]
    assert run[3:5] == [" Input int32 p: 5", " Input float32 q: 0.500000"]
    assert re.fullmatch(r" Input \(void const \*\) __user_context: 0x[0-9a-f]+", lines[5])
    assert lines.count("Exiting Pipeline f") >= 1
    outs = [ln for ln in lines if ln.startswith(" Output Buffer f: ")]
    assert outs and all(re.fullmatch(r" Output Buffer f: " + BUFFER.format(type="float32"), ln) for ln in outs)
    assert re.search(r"\{0, 4, 1\}, \{0, 3, 4\}\)$", outs[-1])


def test_no_debug_prints_nothing(tmp_path):
    assert run_script(tmp_path, "host") == ["value 2.5"]


DRIVER = textwrap.dedent(
    """\
    #include "dbg.h"
    #include <stdio.h>
    #include <string.h>
    void halide_print(void *uc, const char *msg) { (void)uc; fputs(msg, stdout); }
    int main(void) {
        uint8_t in[4] = {1, 2, 3, 4};
        float out[4];
        halide_dimension_t din = {0, 4, 1, 0}, dout = {0, 4, 1, 0};
        halide_buffer_t bin, bout;
        memset(&bin, 0, sizeof bin);
        memset(&bout, 0, sizeof bout);
        bin.host = in; bin.type.code = halide_type_uint; bin.type.bits = 8; bin.type.lanes = 1;
        bin.dimensions = 1; bin.dim = &din;
        bout.host = (uint8_t *)out; bout.type.code = halide_type_float; bout.type.bits = 32; bout.type.lanes = 1;
        bout.dimensions = 1; bout.dim = &dout;
        int r = dbg(&bin, (int16_t)-7, 2.0, &bout);
        printf("result %d %g %g\\n", r, out[0], out[3]);
        return r;
    }
    """
)


@pytest.mark.parametrize("kind", ["object", "c_source"])
def test_debug_ahead_of_time(tmp_path, kind):
    inp = hl.ImageParam(hl.UInt(8), 1, "dbg_in")
    s = hl.Param(hl.Int(16), "s")
    d = hl.Param(hl.Float(64), "d")
    x = hl.Var("x")
    f = hl.Func("dbg")
    f[x] = hl.f32((inp[x] + s) * d)
    target = hl.Target("host-debug")
    files = {hl.OutputFileType.c_header: str(tmp_path / "dbg.h")}
    sources = [str(tmp_path / "main.c")]
    if kind == "object":
        files[hl.OutputFileType.object] = str(tmp_path / "dbg.o")
        sources.append(str(tmp_path / "dbg.o"))
    else:
        files[hl.OutputFileType.c_source] = str(tmp_path / "dbg.c")
        hl.compile_standalone_runtime(str(tmp_path / "runtime.o"), hl.Target("host"))
        sources += [str(tmp_path / "dbg.c"), str(tmp_path / "runtime.o")]
    f.compile_to(files, [inp, s, d], "dbg", target)
    (tmp_path / "main.c").write_text(DRIVER)
    exe = tmp_path / "main"
    subprocess.run(["cc", "-O1", "-I", str(tmp_path), "-o", str(exe), *sources, "-lpthread", "-lm", "-ldl"],
                   check=True)
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Entering Pipeline dbg"
    assert lines[1] == "Target: " + target.to_string()
    assert re.fullmatch(r" Input Buffer dbg_in: " + BUFFER.format(type="uint8"), lines[2]), lines[2]
    assert lines[3:5] == [" Input int16 s: -7", " Input float64 d: 2.000000"]
    assert re.fullmatch(r" Output Buffer dbg: " + BUFFER.format(type="float32"), lines[5]), lines[5]
    assert lines[6:] == ["Exiting Pipeline dbg", "result 0 -12 -6"]


# ---- profile ------------------------------------------------------------------------------------

PROFILE_SCRIPT = textwrap.dedent(
    """\
    import halide as hl
    x, y = hl.Var("x"), hl.Var("y")
    f, g, h = hl.Func("f"), hl.Func("g"), hl.Func("h")
    g[x, y] = hl.sin(hl.f32(x + y))
    h[x, y] = g[x, y] * 2
    f[x, y] = g[x, y] + h[x + 1, y]
    g.compute_root().parallel(y)
    h.compute_at(f, y)
    f.parallel(y)
    f.realize([600, 400])
    f.realize([600, 400])
    print("done")
    """
)

REPORT_HEAD = re.compile(r"f\n total time: ([\d.]+) ms  samples: \d+  runs: 1  time per run: \1 ms\n"
                         r" heap allocations: (\d+)  peak heap usage: (\d+) bytes\n")
REPORT_LINE = re.compile(r"    (\w+): +([\d.]+)ms \( ?([\d.]+)%\)   ( peak: (\d+) num: (\d+) avg: (\d+))?")


def parse_reports(text):
    reports = []
    for head in REPORT_HEAD.finditer(text):
        lines = text[head.end():].splitlines()
        funcs = {}
        for line in lines:
            m = REPORT_LINE.fullmatch(line)
            if not m:
                break
            funcs[m.group(1)] = (float(m.group(2)), float(m.group(3)), m.group(5), m.group(6))
        reports.append((float(head.group(1)), int(head.group(2)), int(head.group(3)), funcs))
    return reports


def test_profile_under_the_jit(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(PROFILE_SCRIPT)
    env = dict(os.environ, HL_JIT_TARGET="host-profile")
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(hl.__file__))] + sys.path)
    r = subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("done\n")
    reports = parse_reports(r.stdout)
    assert len(reports) == 2  # one per realization
    for total, allocs, peak, funcs in reports:
        assert list(funcs) == ["halide_malloc", "halide_free", "g", "h", "f"]
        assert allocs >= 1 and peak >= 601 * 400 * 4  # g's buffer at least
        assert funcs["g"][2] is not None and int(funcs["g"][2]) >= 601 * 400 * 4
        assert sum(t for t, _, _, _ in funcs.values()) <= total * 1.01
        assert funcs["g"][0] > 0 and funcs["f"][0] > 0


def test_no_profile_prints_nothing(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(PROFILE_SCRIPT)
    env = dict(os.environ, HL_JIT_TARGET="host")
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(hl.__file__))] + sys.path)
    r = subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=120)
    assert r.stdout == "done\n" and "total time" not in r.stderr


PROFILE_DRIVER = textwrap.dedent(
    """\
    #include "prof.h"
    #include <stdio.h>
    #include <string.h>
    void halide_print(void *uc, const char *msg) { (void)uc; fputs(msg, stdout); }
    int main(void) {
        static float out[256 * 64];
        halide_dimension_t d[2] = {{0, 256, 1, 0}, {0, 64, 256, 0}};
        halide_buffer_t b;
        memset(&b, 0, sizeof b);
        b.host = (uint8_t *)out; b.type.code = halide_type_float; b.type.bits = 32; b.type.lanes = 1;
        b.dimensions = 2; b.dim = d;
        for (int i = 0; i < 3; i++)
            if (prof(&b) != 0) return 1;
        printf("value %g\\n", out[257]);
        return 0;  /* the report is printed at exit */
    }
    """
)


@pytest.mark.parametrize("kind", ["object", "c_source"])
def test_profile_ahead_of_time_accumulates_runs(tmp_path, kind):
    x, y = hl.Var("x"), hl.Var("y")
    f, g = hl.Func("prof"), hl.Func("stage")
    g[x, y] = hl.f32(x * y)
    f[x, y] = g[x, y] + g[x + 1, y]
    g.compute_root()
    target = hl.Target("host-profile")
    files = {hl.OutputFileType.c_header: str(tmp_path / "prof.h")}
    sources = [str(tmp_path / "main.c")]
    if kind == "object":
        files[hl.OutputFileType.object] = str(tmp_path / "prof.o")
        sources.append(str(tmp_path / "prof.o"))
    else:
        files[hl.OutputFileType.c_source] = str(tmp_path / "prof.c")
        hl.compile_standalone_runtime(str(tmp_path / "runtime.o"), hl.Target("host"))
        sources += [str(tmp_path / "prof.c"), str(tmp_path / "runtime.o")]
    f.compile_to(files, [], "prof", target)
    (tmp_path / "main.c").write_text(PROFILE_DRIVER)
    exe = tmp_path / "main"
    subprocess.run(["cc", "-O1", "-I", str(tmp_path), "-o", str(exe), *sources, "-lpthread", "-lm", "-ldl"],
                   check=True)
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "value 3"
    assert lines[1] == "prof"
    assert re.fullmatch(r" total time: [\d.]+ ms  samples: \d+  runs: 3  time per run: [\d.]+ ms", lines[2])
    assert re.fullmatch(r" heap allocations: 3  peak heap usage: \d+ bytes", lines[3])
    names = [REPORT_LINE.fullmatch(line).group(1) for line in lines[4:]]
    assert names == ["halide_malloc", "halide_free", "stage", "prof"]
    assert "num: 3" in lines[6]
