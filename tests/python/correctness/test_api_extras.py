"""Small parts of the modern Python API: ImageParam.defined/host_alignment/set_estimates,
Pipeline.get_func/invalidate_cache, Func/Pipeline.infer_input_bounds (and realize refusing an input
without memory),
RDom.same_as, Func.atomic on a pure definition, Stage.unscheduled.

What it does: checks each answers as the reference Halide 21 does (recorded here), and that
the pipelines using them still compute the right values.
"""

import numpy as np
import pytest

import halide as hl
from conftest import assert_exact

x = hl.Var("x")


def test_image_param_queries():
    ip = hl.ImageParam(hl.UInt(8), 2, "queried")
    assert ip.defined() and ip.host_alignment() == 1
    ip.set_host_alignment(32)
    assert ip.host_alignment() == 32
    assert ip.set_estimates([(0, 640), (0, 480)]) is not None  # the reference returns the param
    with pytest.raises(hl.HalideError, match="has 2 dimensions, but the estimates passed to set_estimates contains 1"):
        ip.set_estimates([(0, 640)])


def test_rdom_same_as():
    r = hl.RDom([(0, 3)])
    assert r.same_as(r) and not r.same_as(hl.RDom([(0, 3)]))
    with pytest.raises(TypeError):
        r.same_as(x)


def test_pure_atomic_and_unscheduled():
    f = hl.Func("pure_atomic")
    f[x] = x * 2
    assert f.atomic() is f and f.atomic(override_associativity_test=True) is f
    f[x] += 1
    assert f.update().unscheduled() is None
    assert_exact(np.array(f.realize([3])), np.array([1, 3, 5], np.int32))


def test_pipeline_get_func_and_invalidate_cache():
    g, h, f = hl.Func("gf_g"), hl.Func("gf_h"), hl.Func("gf_f")
    g[x] = x
    h[x] = g[x] + 1
    f[x] = h[x] * 2
    g.compute_root()
    p = hl.Pipeline([f])
    assert [p.get_func(i).name() for i in range(3)] == ["gf_g", "gf_h", "gf_f"]  # realization order
    with pytest.raises(hl.HalideError, match="Index value passed is 5; however, there are only 3 functions"):
        p.get_func(5)
    assert_exact(np.array(p.realize([3])), np.array([2, 4, 6], np.int32))
    assert p.invalidate_cache() is None
    assert_exact(np.array(p.realize([3])), np.array([2, 4, 6], np.int32))


def test_infer_input_bounds():
    y = hl.Var("y")
    ip = hl.ImageParam(hl.UInt(8), 2, "inferred")
    f = hl.Func("reads_around")
    f[x, y] = ip[x + 1, y] + ip[x, y + 2]
    f.infer_input_bounds([10, 5])
    g = ip.get()
    assert [(g.dim(i).min(), g.dim(i).extent()) for i in range(2)] == [(0, 11), (0, 7)]
    np.asarray(g)[:] = 1
    assert_exact(np.array(f.realize([10, 5])), np.full((5, 10), 2, np.uint8))
    # A bound ImageParam is left alone; a Buffer as the destination gives the region.
    f.infer_input_bounds([20, 5])
    assert ip.get().dim(0).extent() == 11
    ip2 = hl.ImageParam(hl.UInt(8), 1, "inferred2")
    h = hl.Func("strided_read")
    h[x] = ip2[x * 2]
    hl.Pipeline([h]).infer_input_bounds(hl.Buffer(hl.UInt(8), [4]))
    assert ip2.get().dim(0).extent() == 7


def test_realize_refuses_an_input_without_memory():
    ip = hl.ImageParam(hl.UInt(8), 1, "no_memory")
    h = hl.Func("reads_no_memory")
    h[x] = ip[x]
    ip.set(hl.Buffer.make_bounds_query(hl.UInt(8), [4]))
    with pytest.raises(hl.HalideError, match="is a Buffer with no memory"):
        h.realize([4])
