"""The python_extension output of compile_to (Halide's lesson 10 path).

What it checks: compile_to writes object + header + python_extension (.py.c) for a small
pipeline (ImageParam u8 2-D + Param int32 -> u8 output); the generated C builds with the
system C compiler (-Wall -Wextra -Werror, C11) into an extension module named after the
function; imported in a subprocess it computes exactly what the JIT computes on NumPy arrays
(C-ordered a[y, x] is the image (x, y); Fortran-ordered [x, y] arrays are taken as they are,
as the reference's modules do), also for an hl.Buffer output and keyword arguments;
errors: a wrong dtype is a ValueError naming the argument, a wrong dimensionality a
ValueError, an out-of-range scalar an OverflowError, and a pipeline
failure (input too small) a RuntimeError carrying the halide_error message.
Also: pygen -e o,h,python_extension on the seed dilate3x3 script gives a working module.
What it assumes: cc and the Python headers (skips loudly, with the reason, without them).
"""

import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import textwrap

import numpy as np
import pytest

import halide as hl

BUILD_PYTHON = pathlib.Path(hl.__file__).resolve().parent.parent


def _toolchain():
    cc = shutil.which("cc")
    if not cc:
        pytest.skip("python_extension test needs a C compiler (cc) on PATH")
    include = sysconfig.get_paths().get("include")
    if not include or not (pathlib.Path(include) / "Python.h").exists():
        pytest.skip(f"python_extension test needs the Python headers (no Python.h in {include})")
    return cc, include


def _pipeline():
    inp = hl.ImageParam(hl.UInt(8), 2, "input")
    offset = hl.Param(hl.Int(32), "offset")
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("pyext_brighten")
    f[x, y] = hl.cast(hl.UInt(8), inp[x, y] + offset + x * 3 + y)
    return f, inp, offset


@pytest.fixture(scope="module")
def extension(tmp_path_factory):
    cc, include = _toolchain()
    tmp = tmp_path_factory.mktemp("pyext")
    f, inp, offset = _pipeline()
    name = "pyext_brighten"
    files = {
        hl.OutputFileType.python_extension: str(tmp / f"{name}.py.c"),
        hl.OutputFileType.object: str(tmp / f"{name}.o"),
        hl.OutputFileType.c_header: str(tmp / f"{name}.h"),
    }
    f.compile_to(files, [inp, offset], name, hl.get_host_target())
    for path in files.values():
        assert pathlib.Path(path).stat().st_size > 0
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    cmd = [cc, "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", f"-I{tmp}", f"-I{include}",
           f"{name}.py.c", f"{name}.o", "-o", f"{name}{suffix}", "-lpthread", "-lm", "-ldl"]
    r = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"building the extension failed:\n{r.stderr}"
    return tmp, f, inp, offset


def _run(tmp, code):
    """Runs code in a fresh interpreter with tmp (and the halide build) on sys.path."""
    prog = "import sys\nsys.path.insert(0, %r)\nsys.path.insert(1, %r)\n" % (str(tmp), str(BUILD_PYTHON))
    prog += textwrap.dedent(code)
    r = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"subprocess failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout


def test_generated_source_documents_the_convention(extension):
    tmp = extension[0]
    text = (tmp / "pyext_brighten.py.c").read_text()
    assert "PyInit_pyext_brighten" in text
    assert "pyext_brighten(input, offset, pyext_brighten) -> None" in text
    assert "Axes are reversed" in text
    assert "void halide_error(void *user_context, const char *msg)" in text


def test_extension_matches_jit(extension):
    tmp, f, inp, offset = extension
    rng = np.random.default_rng(7)
    a = rng.integers(0, 256, size=(13, 21), dtype=np.uint8)  # a[y, x]: 21 wide, 13 tall
    np.save(tmp / "in.npy", a)
    out = _run(
        tmp,
        """
        import numpy as np, pyext_brighten as m
        a = np.load("IN")
        o = np.zeros_like(a)
        assert m.pyext_brighten(a, -7, o) is None
        np.save("OUT", o)
        o2 = np.zeros_like(a)
        m.pyext_brighten(input=a, offset=-7, pyext_brighten=o2)
        assert (o2 == o).all()
        import halide as hl
        hb = hl.Buffer(hl.UInt(8), [21, 13])
        m.pyext_brighten(a, -7, hb)
        assert (np.asarray(hb) == o).all()
        # Fortran-ordered arrays indexed [x, y] are taken as they are (the reference's rule).
        af = np.asfortranarray(a.T)
        of = np.zeros((21, 13), dtype=np.uint8, order="F")
        m.pyext_brighten(af, -7, of)
        assert (of == o.T).all()
        print("ok")
        """.replace("IN", str(tmp / "in.npy")).replace("OUT", str(tmp / "out.npy")),
    )
    assert out.strip() == "ok"
    got = np.load(tmp / "out.npy")
    inp.set(hl.Buffer(a))
    offset.set(-7)
    want = np.asarray(f.realize([21, 13]))
    assert want.shape == got.shape == (13, 21)
    np.testing.assert_array_equal(got, want)
    ys, xs = np.mgrid[0:13, 0:21]
    np.testing.assert_array_equal(got, ((a.astype(np.int64) - 7 + 3 * xs + ys) % 256).astype(np.uint8))


def test_extension_errors(extension):
    tmp = extension[0]
    out = _run(
        tmp,
        """
        import numpy as np, pyext_brighten as m
        a = np.zeros((4, 5), np.uint8)
        o = np.zeros((4, 5), np.uint8)
        def check(exc, *args):
            try:
                m.pyext_brighten(*args)
            except exc as e:
                print(type(e).__name__ + ": " + str(e))
            else:
                raise AssertionError("no exception")
        check(ValueError, a.astype(np.int32), 1, o)
        check(ValueError, a, 1, np.zeros((4, 5, 1), np.uint8))
        check(OverflowError, a, 2**40, o)
        check(TypeError, a, 1.5, o)
        check(RuntimeError, a, 1, np.zeros((4, 6), np.uint8))
        """,
    )
    lines = out.strip().splitlines()
    assert len(lines) == 5, out
    assert lines[0].startswith("ValueError: input: expected a buffer of type uint8, got int32")
    assert lines[1].startswith("ValueError: pyext_brighten: expected a buffer with 2 dimensions, got 3")
    assert lines[2].startswith("OverflowError: offset:")
    assert lines[3].startswith("TypeError: offset: expected an int")
    assert lines[4].startswith("RuntimeError: ") and "input" in lines[4] and len(lines[4]) > len("RuntimeError: ") + 10


def test_pygen_emits_a_python_extension_for_the_seed_dilate(tmp_path):
    # The seed's pygen script, with -e o,h,python_extension: the module it makes matches NumPy.
    cc, include = _toolchain()
    script = pathlib.Path(__file__).resolve().parents[2] / "apps" / "dilate3x3.py"
    env = dict(os.environ, PYTHONPATH=str(BUILD_PYTHON))
    r = subprocess.run([sys.executable, str(script), "-g", "dilate3x3", "-o", str(tmp_path), "-e",
                        "o,h,python_extension", "-f", "dilate3x3", "target=host"],
                       capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dilate3x3.h", "dilate3x3.o", "dilate3x3.py.c"]
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    r = subprocess.run([cc, "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
                        f"-I{include}", "dilate3x3.py.c", "dilate3x3.o", "-o", f"dilate3x3{suffix}",
                        "-lpthread", "-lm", "-ldl"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = _run(
        tmp_path,
        """
        import numpy as np, dilate3x3
        a = np.random.default_rng(3).integers(0, 256, size=(37, 53), dtype=np.uint8)
        o = np.zeros_like(a)
        dilate3x3.dilate3x3(a, o)
        p = np.pad(a, 1, mode="edge")
        ref = np.max([p[1 + dy:38 + dy, 1 + dx:54 + dx] for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0)
        assert (o == ref).all()
        print("ok")
        """,
    )
    assert out.strip() == "ok"
