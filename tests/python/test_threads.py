"""Concurrency: Funcs realized and compiled from several Python threads at once.

What it does: 4 threads realize the same Func 20 times each (both after compile_jit and
racing on the first compile), 4 threads realize different Funcs, and one thread compiles new
Funcs while another realizes a different, already compiled Func. Every output is compared with
a NumPy reference computed before the threads start.
What it assumes: `import halide as hl` is halide-c or the reference Halide; NumPy. The
first-compile race is a halide-c promise (DESIGN.md: compile once under a lock); the reference
Halide can crash on it, so that test runs for halide-c only.
What it guarantees: no timing is measured or asserted; a hung thread fails the test (join
with a timeout) instead of hanging the suite.
"""

import threading

import numpy as np
import pytest

import halide as hl
from conftest import IS_HALIDE_C

THREADS = 4
REPEATS = 20
WIDTH, HEIGHT = 192, 128
JOIN_TIMEOUT = 300.0


def _input(seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(HEIGHT, WIDTH), dtype=np.uint8)


def _brighten(inp, factor):
    """u8(min(f32(in(x, y)) * factor, 255))."""
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func(f"brighten_{str(factor).replace('.', '_')}")
    f[x, y] = hl.cast(hl.UInt(8), hl.min(hl.cast(hl.Float(32), inp[x, y]) * factor, 255.0))
    return f


def _brighten_expected(a, factor):
    return np.minimum(a.astype(np.float32) * np.float32(factor), np.float32(255)).astype(np.uint8)


def _gradient(k):
    """i32(x + y * k) - select(x > y, 1, 0)."""
    x, y = hl.Var("x"), hl.Var("y")
    g = hl.Func(f"gradient_{k}")
    g[x, y] = x + y * k - hl.select(x > y, 1, 0)
    return g


def _gradient_expected(k):
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.int32)
    return (xs + ys * k - (xs > ys)).astype(np.int32)


def _realize(f):
    return np.array(f.realize([WIDTH, HEIGHT]), copy=True)


def _run_threads(targets):
    """Starts one thread per callable (all released together), joins them, re-raises the first
    failure with the thread's index."""
    barrier = threading.Barrier(len(targets))
    failures = []

    def wrap(i, fn):
        try:
            barrier.wait()
            fn()
        except BaseException as e:  # noqa: BLE001 - reported below
            failures.append((i, e))

    threads = [threading.Thread(target=wrap, args=(i, fn), daemon=True) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    hung = [i for i, t in enumerate(threads) if t.is_alive()]
    assert not hung, f"threads {hung} did not finish within {JOIN_TIMEOUT} s"
    if failures:
        i, e = failures[0]
        raise AssertionError(f"thread {i} failed ({len(failures)} failures in all): {e!r}") from e


def _repeat_realize(f, expected, repeats=REPEATS):
    def body():
        for r in range(repeats):
            np.testing.assert_array_equal(_realize(f), expected, err_msg=f"repeat {r}")

    return body


def test_same_func_compiled_first_from_four_threads():
    a = _input()
    inp = hl.Buffer(a)
    f = _brighten(inp, 1.5)
    f.compile_jit()
    expected = _brighten_expected(a, 1.5)
    _run_threads([_repeat_realize(f, expected) for _ in range(THREADS)])


@pytest.mark.skipif(not IS_HALIDE_C, reason="the reference Halide may crash when several threads "
                    "compile one Func at once; halide-c compiles once under a lock")
def test_same_func_first_compile_races_in_four_threads():
    a = _input(1)
    inp = hl.Buffer(a)
    f = _brighten(inp, 0.75)  # not compiled yet: the threads race on the first realize
    expected = _brighten_expected(a, 0.75)
    _run_threads([_repeat_realize(f, expected) for _ in range(THREADS)])


def test_same_func_into_per_thread_output_buffers():
    a = _input(2)
    inp = hl.Buffer(a)
    f = _brighten(inp, 2.0)
    f.compile_jit()
    expected = _brighten_expected(a, 2.0)

    def body():
        out_array = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
        out = hl.Buffer(out_array)
        for r in range(REPEATS):
            out_array[:] = 0
            f.realize(out)
            np.testing.assert_array_equal(out_array, expected, err_msg=f"repeat {r}")

    _run_threads([body] * THREADS)


def test_different_funcs_in_four_threads():
    a = _input(3)
    inp = hl.Buffer(a)
    work = [
        (_brighten(inp, 1.25), _brighten_expected(a, 1.25)),
        (_brighten(inp, 3.0), _brighten_expected(a, 3.0)),
        (_gradient(3), _gradient_expected(3)),
        (_gradient(7), _gradient_expected(7)),
    ]
    _run_threads([_repeat_realize(f, expected) for f, expected in work])


def test_compile_in_one_thread_while_another_realizes():
    a = _input(4)
    inp = hl.Buffer(a)
    running = _brighten(inp, 1.5)
    running.compile_jit()
    running_expected = _brighten_expected(a, 1.5)
    compiled = []

    def compiler():
        for k in range(2, 2 + REPEATS // 2):
            g = _gradient(k)
            g.compile_jit()
            compiled.append((k, g))

    _run_threads([compiler, _repeat_realize(running, running_expected, repeats=REPEATS * 2)])
    assert len(compiled) == REPEATS // 2
    for k, g in compiled:
        np.testing.assert_array_equal(_realize(g), _gradient_expected(k), err_msg=f"gradient {k}")
