"""GPU scheduling calls and device queries of the Halide API, for a CPU-only implementation.

halide-c generates code for CPUs (x86-64, AArch64). The GPU directives still exist, so that
pipelines written for Halide keep their shape: `gpu_tile` splits like `tile`, and every GPU
directive (and `copy_to_device`) marks the Func; compiling a marked Func is then a clear
error - Halide's own when the target has no GPU feature, "not supported yet" otherwise -
never CPU code presented as GPU code. `Target` gains the device queries Halide has.
"""
import enum as _enum

from . import _halide


class DeviceAPI(_enum.IntEnum):
    """Where a Func runs (Halide's values)."""

    None_ = 0
    Host = 1
    Default_GPU = 2
    CUDA = 3
    OpenCL = 4
    Metal = 5
    Hexagon = 6
    Vulkan = 9


# Halide spells the first member "None", which Python reserves: reach it by name too.
DeviceAPI._member_map_["None"] = DeviceAPI.None_

_GPU_FEATURES = {
    DeviceAPI.CUDA: ("CUDA",),
    DeviceAPI.OpenCL: ("OpenCL",),
    DeviceAPI.Metal: ("Metal",),
    DeviceAPI.Vulkan: ("Vulkan",),
    DeviceAPI.Default_GPU: ("CUDA", "OpenCL", "Metal", "Vulkan", "D3D12Compute", "WebGPU"),
}


def _mark(stage, device_api):
    func = stage if isinstance(stage, _halide.Func) else stage._func_for_gpu()
    _halide._func_device_api(func, int(DeviceAPI(device_api)))
    return stage


def gpu_tile(self, *args, tail=None, device_api=DeviceAPI.Default_GPU):
    """gpu_tile(x, bx, tx, x_size) / (x, y, bx, by, tx, ty, x_size, y_size) / 3-D: tiles like
    tile() and marks the Func for the GPU (compiling it is an error in halide-c)."""
    n = len(args)
    if n == 4:  # x, bx, tx, size: a 1-D tile is a split
        self.split(args[0], args[1], args[2], args[3], *(() if tail is None else (tail,)))
    elif n == 8:
        x, y, bx, by, tx, ty, xs, ys = args
        self.tile(x, y, bx, by, tx, ty, xs, ys, *(() if tail is None else (tail,)))
    elif n == 12:
        x, y, z, bx, by, bz, tx, ty, tz, xs, ys, zs = args
        self.tile(x, y, bx, by, tx, ty, xs, ys, *(() if tail is None else (tail,)))
        self.split(z, bz, tz, zs, *(() if tail is None else (tail,)))
    else:
        raise TypeError("gpu_tile takes (x, bx, tx, size), (x, y, bx, by, tx, ty, xs, ys) or the 3-D form")
    return _mark(self, device_api)


def _marker(name):
    def method(self, *args, device_api=DeviceAPI.Default_GPU, **kwargs):
        if args and isinstance(args[-1], (DeviceAPI, int)) and not isinstance(args[-1], bool) and name == "gpu":
            device_api = args[-1]
        return _mark(self, device_api)

    method.__name__ = name
    method.__doc__ = f"{name}(...): marks the Func to run on a GPU (compiling it is an error in halide-c)."
    return method


def copy_to_device(self, device_api=DeviceAPI.Default_GPU):
    """Marks the Func's output for a device (compiling it is an error in halide-c)."""
    return _mark(self, device_api)


def copy_to_host(self):
    """Marks the Func's output for a device copy back (compiling it is an error in halide-c)."""
    return _mark(self, DeviceAPI.Default_GPU)


# ---- Target queries -----------------------------------------------------------------------------

def has_gpu_feature(self):
    """Whether the target names a GPU API (cuda, opencl, metal, vulkan, d3d12compute, webgpu)."""
    return any(self.has_feature(getattr(_halide_features(), f)) for f in _GPU_FEATURES[DeviceAPI.Default_GPU])


def has_large_buffers(self):
    """Whether buffers may exceed 2^31 - 1 bytes (the large_buffers feature)."""
    return self.has_feature(_halide_features().LargeBuffers)


def maximum_buffer_size(self):
    """The largest buffer size in bytes the target's code handles."""
    return 2**63 - 1 if self.has_large_buffers() else 2**31 - 1


def supports_type(self, t):
    """Whether code for the target can use values of type t (every CPU target handles all)."""
    return True


def supports_device_api(self, device_api):
    """Whether the target can run code on device_api: the host always, a GPU API when the
    target names it (halide-c itself compiles for the host only)."""
    api = DeviceAPI(device_api)
    if api in (DeviceAPI.None_, DeviceAPI.Host):
        return True
    if api == DeviceAPI.Hexagon:
        return self.has_feature(_halide_features().HVX)
    return any(self.has_feature(getattr(_halide_features(), f)) for f in _GPU_FEATURES[api])


def _halide_features():
    from . import TargetFeature

    return TargetFeature


def attach(func_class, stage_class, target_class):
    for cls in (func_class, stage_class):
        cls.gpu_tile = gpu_tile
        for name in ("gpu_blocks", "gpu_threads", "gpu_lanes", "gpu_single_thread"):
            setattr(cls, name, _marker(name))
    func_class.gpu = _marker("gpu")
    stage_class.gpu = _marker("gpu")
    func_class.copy_to_device = copy_to_device
    func_class.copy_to_host = copy_to_host
    for fn in (has_gpu_feature, has_large_buffers, maximum_buffer_size, supports_type, supports_device_api):
        setattr(target_class, fn.__name__, fn)
