"""Fault injection: the pytest counterpart of tests/c/test_fault.c (STYLE.md item 8).

What it does: for N = 1, 2, ... it makes the Nth core allocation fail (through the test hook
`halide._halide._alloc_fail_at`) while a small pipeline is defined and realized from Python:
a NumPy-backed Buffer input, Vars, a Func using select/min/cast. The loop stops once a run
needs fewer than N allocations. Every run must end in success or a clean MemoryError /
HalideError, never a crash; after injection is turned off the same Func realizes correctly
(so a failed compile leaves no poisoned cache) and so does a freshly built copy.
What it assumes: halide-c (the hooks do not exist in the reference Halide, so the module is
skipped there); no other thread allocates through the core while it runs (the counter is
process-wide).
What it guarantees: expected values are computed with NumPy only.
"""

import numpy as np
import pytest

import halide as hl

_core = getattr(hl, "_halide", None)
if _core is None or not hasattr(_core, "_alloc_fail_at"):
    pytest.skip("fault injection needs halide-c's _alloc_fail_at test hook "
                "(not present in this halide module)", allow_module_level=True)

WIDTH, HEIGHT = 8, 6
# Far more allocations than a run of this pipeline makes; the loop ends well before.
MAX_ALLOCATIONS = 20000


def _input():
    return ((np.arange(WIDTH * HEIGHT, dtype=np.int16).reshape(HEIGHT, WIDTH) * 37) % 256).astype(np.int16)


def _expected(a):
    return np.where(a > 100, np.minimum(a.astype(np.int32) * 2, 250), a.astype(np.int32) + 1).astype(np.uint8)


def _build(a):
    """f(x, y) = u8(select(in(x, y) > 100, min(in(x, y) * 2, 250), i32(in(x, y)) + 1))."""
    inp = hl.Buffer(a)
    x, y = hl.Var("x"), hl.Var("y")
    f = hl.Func("f")
    v = inp[x, y]
    f[x, y] = hl.cast(hl.UInt(8), hl.select(v > 100, hl.min(v * 2, 250), hl.i32(v) + 1))
    return f


def _realize(f):
    return np.array(f.realize([WIDTH, HEIGHT]), copy=True)


def _check_clean_error(err, n):
    """An injected failure must surface as a user-level error, not an internal one."""
    if isinstance(err, MemoryError):
        return
    message = str(err)
    assert message, f"allocation {n}: HalideError without a message"
    assert "internal error" not in message.lower(), f"allocation {n}: {message}"


def test_fail_each_allocation_of_define_and_realize():
    a = _input()
    expected = _expected(a)
    np.testing.assert_array_equal(_realize(_build(a)), expected)

    failed_runs = 0
    n = 0
    for n in range(1, MAX_ALLOCATIONS + 1):
        f = None
        result = None
        error = None
        _core._alloc_fail_at(n)
        try:
            f = _build(a)
            result = _realize(f)
        except (MemoryError, hl.HalideError) as e:
            error = e
        finally:
            used = _core._alloc_count()
            _core._alloc_fail_at(0)

        if used < n:
            # The run needed fewer than n allocations: nothing was injected, so it must work.
            assert error is None, f"run {n} failed without an injected fault: {error!r}"
            np.testing.assert_array_equal(result, expected)
            break
        if error is not None:
            failed_runs += 1
            _check_clean_error(error, n)
        else:
            np.testing.assert_array_equal(result, expected, err_msg=f"allocation {n} failed")

        # Injection off: the same program realizes correctly, fresh or half-built.
        if f is not None:
            np.testing.assert_array_equal(_realize(f), expected, err_msg=f"after allocation {n}")
        np.testing.assert_array_equal(_realize(_build(a)), expected, err_msg=f"after allocation {n}")
    else:
        pytest.fail(f"a run still needed more than {MAX_ALLOCATIONS} allocations")

    assert n > 1, "the pipeline made no core allocation at all: the hook is not wired"
    assert failed_runs > 0, "no injected allocation failure surfaced as an error"


def test_injection_off_by_default_and_counter_resets():
    _core._alloc_fail_at(0)
    try:
        a = _input()
        np.testing.assert_array_equal(_realize(_build(a)), _expected(a))
        _core._alloc_fail_at(1 << 30)
        _realize(_build(a))
        assert _core._alloc_count() > 0
        _core._alloc_fail_at(1 << 30)
        assert _core._alloc_count() == 0
    finally:
        _core._alloc_fail_at(0)


def test_hook_rejects_non_integers():
    with pytest.raises(TypeError):
        _core._alloc_fail_at("3")
    _core._alloc_fail_at(0)
