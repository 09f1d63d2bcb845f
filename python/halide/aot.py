"""Targets and ahead-of-time compilation: the Python half.

The enums TargetOS, TargetArch, TargetFeature and TargetProcessorTune are IntEnums built
from the core's tables (src/lang/target.c), with Halide's member names and values;
OutputFileType has Halide's values. The compile_to* methods of Func and Pipeline are thin
wrappers of the extension's _compile_to, attached to both classes by attach().
"""
import enum as _enum
import os as _os

from . import _halide

_tables = _halide._target_enum_tables()
TargetOS = _enum.IntEnum("TargetOS", [(n, v) for n, v, _ in _tables["TargetOS"]], module=__name__)
TargetArch = _enum.IntEnum("TargetArch", [(n, v) for n, v, _ in _tables["TargetArch"]], module=__name__)
TargetFeature = _enum.IntEnum(
    "TargetFeature", [(n, v) for n, v, _ in _tables["TargetFeature"]] + [("FeatureEnd", 101)], module=__name__
)
TargetProcessorTune = _enum.IntEnum(
    "TargetProcessorTune", [(n, v) for n, v, _ in _tables["TargetProcessorTune"]], module=__name__
)


class OutputFileType(_enum.IntEnum):
    """The kinds of file an ahead-of-time compile writes (Halide's values)."""

    assembly = 0
    bitcode = 1
    c_header = 2
    c_source = 3
    compiler_log = 4
    cpp_stub = 5
    featurization = 6
    function_info_header = 7
    hlpipe = 8
    llvm_assembly = 9
    object = 10
    python_extension = 11
    pytorch_wrapper = 12
    registration = 13
    schedule = 14
    static_library = 15
    stmt = 16
    conceptual_stmt = 17
    stmt_html = 18
    conceptual_stmt_html = 19
    device_code = 20


class StmtOutputFormat(_enum.IntEnum):
    """compile_to_lowered_stmt's formats."""

    Text = 0
    HTML = 1


class ArgumentKind(_enum.IntEnum):
    InputScalar = 0
    InputBuffer = 1
    OutputBuffer = 2


class Argument:
    """A pipeline argument found by infer_arguments(); usable in an argument list."""

    def __init__(self, name, kind, dimensions, type, handle):
        self.name, self.kind, self.dimensions, self.type = name, ArgumentKind(kind), dimensions, type
        self._handle = handle

    def is_buffer(self):
        return self.kind != ArgumentKind.InputScalar

    def is_scalar(self):
        return self.kind == ArgumentKind.InputScalar

    def __repr__(self):
        return f"<halide.Argument {self.name} {self.kind.name}>"


# The file name suffix of each output (Halide's, for Linux targets; _suffix gives Windows'
# own for objects and static libraries, as Halide does).
_SUFFIXES = {
    OutputFileType.assembly: ".s",
    OutputFileType.bitcode: ".bc",
    OutputFileType.c_header: ".h",
    OutputFileType.c_source: ".halide_generated.cpp",
    OutputFileType.llvm_assembly: ".ll",
    OutputFileType.object: ".o",
    OutputFileType.python_extension: ".py.c",  # plain C (the reference writes C++: .py.cpp)
    OutputFileType.static_library: ".a",
    OutputFileType.stmt: ".stmt",
    OutputFileType.stmt_html: ".stmt.html",
}


def _arguments(arguments):
    return [a._handle if isinstance(a, Argument) else a for a in arguments]


def _funcs(self):
    return self.outputs() if isinstance(self, _halide.Pipeline) else [self]


def _default_name(self, fn_name):
    if fn_name:
        return fn_name
    funcs = _funcs(self)
    return funcs[0].name() if funcs else "pipeline"


def compile_to(self, outputs, arguments, fn_name="", target=None):
    """compile_to({OutputFileType: path}, arguments, fn_name, target): write those files."""
    files = {int(OutputFileType(k)): _os.fspath(v) for k, v in dict(outputs).items()}
    _halide._compile_to(_funcs(self), files, _arguments(arguments), _default_name(self, fn_name), target)


_WINDOWS_SUFFIXES = {OutputFileType.object: ".obj", OutputFileType.static_library: ".lib"}


def _suffix(kind, target):
    t = target if target is not None else _halide.get_target_from_environment()
    if isinstance(t, str):
        t = _halide.Target(t)
    if int(t.os) == TargetOS.Windows and kind in _WINDOWS_SUFFIXES:
        return _WINDOWS_SUFFIXES[kind]
    return _SUFFIXES[kind]


def _compile_kinds(self, prefix, kinds, arguments, fn_name, target):
    if not isinstance(fn_name, str):  # compile_to_file(prefix, arguments, target)
        fn_name, target = "", fn_name
    files = {k: _os.fspath(prefix) + _suffix(k, target) for k in kinds}
    compile_to(self, files, arguments, fn_name, target)


def compile_to_file(self, filename_prefix, arguments, fn_name="", target=None):
    """Object and header: <prefix>.o and <prefix>.h (<prefix>.obj for Windows)."""
    _compile_kinds(self, filename_prefix, [OutputFileType.object, OutputFileType.c_header], arguments, fn_name, target)


def compile_to_static_library(self, filename_prefix, arguments, fn_name="", target=None):
    """Static library and header: <prefix>.a and <prefix>.h (<prefix>.lib for Windows)."""
    _compile_kinds(
        self, filename_prefix, [OutputFileType.static_library, OutputFileType.c_header], arguments, fn_name, target
    )


def _single(kind):
    def method(self, filename, arguments, fn_name="", target=None):
        if not isinstance(fn_name, str):  # compile_to_object(filename, arguments, target)
            fn_name, target = "", fn_name
        compile_to(self, {kind: filename}, arguments, fn_name, target)

    method.__name__ = "compile_to_" + {
        OutputFileType.object: "object",
        OutputFileType.c_header: "header",
        OutputFileType.assembly: "assembly",
        OutputFileType.bitcode: "bitcode",
        OutputFileType.llvm_assembly: "llvm_assembly",
        OutputFileType.c_source: "c",
    }[kind]
    method.__doc__ = f"Write the {kind.name} output to filename."
    return method


def infer_arguments(self):
    """The ImageParams and Params the pipeline uses (buffers first, then by name)."""
    return [Argument(*row) for row in _halide._infer_arguments(_funcs(self))]


def hexagon(self, x=None):
    """Offload the Func to Hexagon: a schedule marker (needs a target with hvx)."""
    return _halide._func_hexagon(self)


def compile_standalone_runtime(filename, target):
    """The runtime alone: an object, or a static library when filename ends in .a."""
    if isinstance(filename, dict):
        written = {}
        for kind, path in filename.items():
            _halide._compile_standalone_runtime(_os.fspath(path), int(OutputFileType(kind)), target)
            written[kind] = path
        return written
    path = _os.fspath(filename)
    kind = OutputFileType.static_library if path.endswith(".a") else OutputFileType.object
    _halide._compile_standalone_runtime(path, int(kind), target)
    return None


def attach(func_class, pipeline_class):
    """Adds the compile_to* methods to Func and Pipeline, and hexagon() to Func."""
    methods = {
        "compile_to": compile_to,
        "compile_to_file": compile_to_file,
        "compile_to_static_library": compile_to_static_library,
        "compile_to_object": _single(OutputFileType.object),
        "compile_to_header": _single(OutputFileType.c_header),
        "compile_to_assembly": _single(OutputFileType.assembly),
        "compile_to_bitcode": _single(OutputFileType.bitcode),
        "compile_to_llvm_assembly": _single(OutputFileType.llvm_assembly),
        "compile_to_c": _single(OutputFileType.c_source),
        "infer_arguments": infer_arguments,
    }
    for cls in (func_class, pipeline_class):
        for name, method in methods.items():
            setattr(cls, name, method)
    func_class.hexagon = hexagon
