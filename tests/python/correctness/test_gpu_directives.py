"""GPU directives and device queries on a CPU-only implementation.

What it does: gpu_tile (1-D, 2-D, 3-D forms) splits like tile and marks the Func; gpu_blocks,
gpu_threads, gpu_lanes, gpu_single_thread, gpu (Func and update Stage) and copy_to_device
mark it; realizing or compiling a marked Func fails with the reference's message when the
target has no GPU feature and with "not supported yet" when it has one - never CPU code
instead. Target.has_gpu_feature/has_large_buffers/maximum_buffer_size/supports_type/
supports_device_api answer as the reference does (recorded with Halide 21); DeviceAPI has
Halide's members and values.
"""

import numpy as np
import pytest

import halide as hl

x, y, z = hl.Var("x"), hl.Var("y"), hl.Var("z")
xo, yo, zo, xi, yi, zi = [hl.Var(n) for n in ("xo", "yo", "zo", "xi", "yi", "zi")]

NO_GPU = r"Schedule for Func {} requires <{}> but no compatible target feature is enabled in target"


@pytest.mark.parametrize("form", ["1d", "2d", "3d"])
def test_gpu_tile_splits_and_marks(form, capfd):
    f = hl.Func("tiled_" + form)
    f[x, y, z] = x + y + z
    if form == "1d":
        assert f.gpu_tile(x, xo, xi, 8) is f
        loops = ["xi", "xo"]
    elif form == "2d":
        f.gpu_tile(x, y, xo, yo, xi, yi, 8, 4)
        loops = ["xi", "yi", "xo", "yo"]
    else:
        f.gpu_tile(x, y, z, xo, yo, zo, xi, yi, zi, 4, 4, 2)
        loops = ["xi", "yi", "xo", "yo"]
    capfd.readouterr()
    f.print_loop_nest()
    printed = capfd.readouterr().out
    for name in loops:
        assert f".{name}" in printed, (name, printed)
    with pytest.raises(hl.HalideError, match=NO_GPU.format(f.name(), "Default_GPU")):
        f.realize([16, 8, 4])


def test_markers_on_funcs_and_stages():
    for name in ("gpu_blocks", "gpu_threads", "gpu_lanes", "gpu_single_thread", "gpu"):
        f = hl.Func("marked_" + name)
        f[x] = x
        assert getattr(f, name)(x) is f if name != "gpu_single_thread" else getattr(f, name)() is f
        with pytest.raises(hl.HalideError, match=NO_GPU.format(f.name(), "Default_GPU")):
            f.realize([4])
    g = hl.Func("marked_update")
    g[x] = x
    g[x] += 1
    g.update().gpu_threads(x)
    with pytest.raises(hl.HalideError, match="requires <Default_GPU>"):
        g.realize([4])
    h = hl.Func("copied")
    h[x] = x
    h.copy_to_device(hl.DeviceAPI.CUDA)
    with pytest.raises(hl.HalideError, match=NO_GPU.format("copied", "CUDA")):
        h.realize([4])


def test_gpu_target_is_not_supported_yet(tmp_path):
    f = hl.Func("on_cuda")
    f[x] = x * 2
    f.gpu_blocks(x)
    with pytest.raises(hl.HalideError, match="GPU code generation is not supported yet by halide-c"):
        f.compile_to_file(str(tmp_path / "on_cuda"), [], "on_cuda", hl.Target("x86-64-linux-cuda"))
    assert not (tmp_path / "on_cuda.o").exists()


def test_unmarked_funcs_are_unaffected():
    f = hl.Func("plain")
    f[x] = x + 1
    assert [int(v) for v in np.asarray(f.realize([3]))] == [1, 2, 3]


def test_target_device_queries():
    t = hl.Target("x86-64-linux-avx2")
    assert not t.has_gpu_feature() and not t.has_large_buffers()
    assert t.maximum_buffer_size() == 2**31 - 1
    assert hl.Target("x86-64-linux-large_buffers").maximum_buffer_size() == 2**63 - 1
    assert hl.Target("x86-64-linux-cuda").has_gpu_feature() and hl.Target("arm-64-linux-vulkan").has_gpu_feature()
    assert t.supports_type(hl.Float(64)) and t.supports_type(hl.Float(16))
    assert t.supports_device_api(hl.DeviceAPI.Host) and not t.supports_device_api(hl.DeviceAPI.CUDA)
    assert hl.Target("x86-64-linux-cuda").supports_device_api(hl.DeviceAPI.CUDA)
    assert hl.Target("x86-64-linux-opencl").supports_device_api(hl.DeviceAPI.Default_GPU)
    values = {name: int(getattr(hl.DeviceAPI, name)) for name in
              ("None", "Host", "Default_GPU", "CUDA", "OpenCL", "Metal", "Hexagon", "Vulkan")}
    assert values == {"None": 0, "Host": 1, "Default_GPU": 2, "CUDA": 3, "OpenCL": 4, "Metal": 5, "Hexagon": 6,
                      "Vulkan": 9}
