"""target_arch_is, target_os_is, target_has_feature, target_bits, target_vector_bits and
target_natural_vector_size: answered when the pipeline is compiled, for the target it is
compiled for (the host's for the JIT), not when the Expr is made.

What it checks: JIT answers match hl.get_host_target(); one Func compiled ahead of time
for arm-64-android, x86-64-linux and x86-64-linux-avx2 gets each target's answers (read from
the lowered statement); a non-constant argument is an error naming the query.
What it assumes: the stmt output prints a constant store as "f[...] = N".
"""

import re

import numpy as np
import pytest

import halide as hl

x = hl.Var("x")


def _flag(cond):
    return hl.select(cond, 1, 0)


def test_jit_answers_for_the_host():
    host = hl.get_host_target()
    f = hl.Func("host_queries")
    f[x] = (_flag(hl.target_arch_is(hl.TargetArch.X86)) + 2 * _flag(hl.target_arch_is(hl.TargetArch.ARM))
            + 4 * _flag(hl.target_os_is(hl.TargetOS.Linux)) + 8 * _flag(hl.target_has_feature(hl.TargetFeature.AVX2)))
    want = ((host.arch == hl.TargetArch.X86) + 2 * (host.arch == hl.TargetArch.ARM)
            + 4 * (host.os == hl.TargetOS.Linux) + 8 * host.has_feature(hl.TargetFeature.AVX2))
    assert np.asarray(f.realize([3])).tolist() == [want] * 3
    g = hl.Func("host_sizes")
    g[x] = hl.select(x == 0, hl.target_bits(),
                     hl.select(x == 1, hl.target_vector_bits(), hl.target_natural_vector_size(hl.Float(32))))
    bits, vbits, nvs = np.asarray(g.realize([3])).tolist()
    assert bits == host.bits
    assert nvs == host.natural_vector_size(hl.Float(32))
    assert vbits == 8 * host.natural_vector_size(hl.UInt(8))


@pytest.mark.parametrize("target, arch_arm, avx2, lanes_u8", [
    ("arm-64-android", 1, 0, 16),
    ("x86-64-linux", 0, 0, 16),
    ("x86-64-linux-avx2", 0, 1, 32),
])
def test_ahead_of_time_answers_for_the_target_compiled_for(tmp_path, target, arch_arm, avx2, lanes_u8):
    f = hl.Func("aot_queries")
    f[x] = (_flag(hl.target_arch_is(hl.TargetArch.ARM)) + 10 * _flag(hl.target_has_feature(hl.TargetFeature.AVX2))
            + 100 * hl.target_natural_vector_size(hl.UInt(8)) + 100000 * _flag(hl.target_os_is(hl.TargetOS.Android)))
    path = tmp_path / "q.stmt"
    f.compile_to({hl.OutputFileType.stmt: str(path)}, [], "aot_queries", hl.Target(target))
    stores = re.findall(r"aot_queries\[[^\]]*\] = (\d+)", path.read_text())
    android = target.endswith("android")
    assert stores == [str(arch_arm + 10 * avx2 + 100 * lanes_u8 + 100000 * android)]


def test_query_argument_must_be_a_constant():
    p = hl.Param(hl.Int(32), "which_arch")
    with pytest.raises(hl.HalideError, match="target_arch_is"):
        hl.target_arch_is(p)


def test_target_query_in_rdom_bounds():
    r = hl.RDom([(0, hl.select(hl.target_bits() == 64, 5, 3))])
    f = hl.Func("bounded_by_target")
    f[x] = 0
    f[x] += r.x * 0 + 1
    assert np.array(f.realize([1]))[0] == (5 if hl.get_host_target().bits == 64 else 3)
