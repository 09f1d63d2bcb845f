"""pygen: run a Python pipeline definition from the command line like a Halide generator.

A script written for pygen reads its parameters, defines a pipeline and hands the output
to pygen.compile:

    import halide as hl
    import pygen
    pygen.add_param("use_parallel_sched", bool, True)
    params = pygen.get_params()          # {"target": hl.Target, "use_parallel_sched": True}
    ...
    pygen.compile(output, [input_img])

and is run with a C++ generator's command line:

    python3 dilate3x3.py -g dilate3x3 -o ./dilate3x3.o -e o,h -f dilate3x3 target=arm-64-android

    -g NAME     the generator's name (the default function name)
    -f NAME     the C function name
    -o PATH     where the files go: a directory (made if needed; files are named after the
                function), or a file name with a suffix, whose stem every emitted file
                shares (-o out/f.o -e o,h writes out/f.o and out/f.h)
    -n NAME     the base name of the files in a -o directory
    -e LIST     what to write, comma separated: o, h, a, s, bc, ll, stmt, c (or Halide's
                names object, c_header, static_library, assembly, bitcode, llvm_assembly,
                stmt, stmt_html, c_source); default o,h
    -h          this help, with the script's parameters
    target=T    the target string (default host); NAME=VALUE sets a parameter

Mistakes (an unknown parameter, a value of the wrong type, a bad target string, an
unknown emit) and compile errors are reported on stderr and end the program with a
non-zero status; nothing half-written is left behind by a failed compile of pygen's own.
"""
import os
import sys

import halide as hl

__all__ = ["add_param", "get_params", "compile"]

# Emit names (short and Halide's) -> (OutputFileType, file suffix).
_EMITS = {
    "o": (hl.OutputFileType.object, ".o"),
    "object": (hl.OutputFileType.object, ".o"),
    "h": (hl.OutputFileType.c_header, ".h"),
    "c_header": (hl.OutputFileType.c_header, ".h"),
    "a": (hl.OutputFileType.static_library, ".a"),
    "static_library": (hl.OutputFileType.static_library, ".a"),
    "s": (hl.OutputFileType.assembly, ".s"),
    "assembly": (hl.OutputFileType.assembly, ".s"),
    "bc": (hl.OutputFileType.bitcode, ".bc"),
    "bitcode": (hl.OutputFileType.bitcode, ".bc"),
    "ll": (hl.OutputFileType.llvm_assembly, ".ll"),
    "llvm_assembly": (hl.OutputFileType.llvm_assembly, ".ll"),
    "stmt": (hl.OutputFileType.stmt, ".stmt"),
    "stmt_html": (hl.OutputFileType.stmt_html, ".stmt.html"),
    "c": (hl.OutputFileType.c_source, ".halide_generated.cpp"),
    "c_source": (hl.OutputFileType.c_source, ".halide_generated.cpp"),
    "py.c": (hl.OutputFileType.python_extension, ".py.c"),
    "python_extension": (hl.OutputFileType.python_extension, ".py.c"),
}
_FLAGS = {"-g": "generator", "-f": "function_name", "-o": "output", "-e": "emit", "-n": "file_base_name"}


class _State:
    def __init__(self):
        self.parsed = False
        self.flags = {}
        self.raw = {}  # name=value pairs of the command line, in order
        self.declared = {}  # name -> (type, default)
        self.params = {}


_state = _State()


def _fail(message, status=2):
    """Reports a usage error (or a compile error) and ends the program."""
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "pygen"
    sys.stderr.write(f"{prog}: error: {message}\n")
    sys.exit(status)


def _usage():
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "pygen"
    lines = [
        f"usage: {prog} [-g NAME] [-f NAME] [-o PATH] [-n NAME] [-e o,h,...] [target=T] [NAME=VALUE ...]",
        "",
        __doc__[__doc__.index("    -g NAME") : __doc__.index("Mistakes")].rstrip(),
        "",
        "Parameters of this script:",
        "    target=<target string>   (default: host)",
    ]
    for name, (kind, default) in _state.declared.items():
        kind_name = getattr(kind, "__name__", None) or "Type"
        lines.append(f"    {name}=<{kind_name}>   (default: {_format(default)})")
    return "\n".join(lines) + "\n"


def _format(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_argv():
    if _state.parsed:
        return
    _state.parsed = True
    argv = sys.argv[1:]
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            sys.stdout.write(_usage())
            sys.exit(0)
        if arg in _FLAGS:
            if i + 1 >= len(argv):
                _fail(f"{arg} needs a value")
            _state.flags[_FLAGS[arg]] = argv[i + 1]
            i += 2
            continue
        if arg.startswith("-"):
            _fail(f"unknown flag {arg} (see -h)")
        if "=" not in arg:
            _fail(f"expected NAME=VALUE, got {arg!r} (see -h)")
        name, value = arg.split("=", 1)
        if not name:
            _fail(f"expected NAME=VALUE, got {arg!r}")
        if name in _state.raw:
            _fail(f"parameter {name} is given twice")
        _state.raw[name] = value
        i += 1
    target_string = _state.raw.get("target", "host")
    if "," in target_string:
        _fail(f"multiple targets ({target_string}) are not supported yet")
    if not hl.Target.validate_target_string(target_string):
        _fail(f"{target_string!r} is not a valid target string (e.g. host, x86-64-linux-avx2, arm-64-android)")
    _state.params["target"] = hl.Target(target_string)


_TYPE_NAMES = {
    "bool": hl.Bool(),
    "int8": hl.Int(8),
    "int16": hl.Int(16),
    "int32": hl.Int(32),
    "int64": hl.Int(64),
    "uint8": hl.UInt(8),
    "uint16": hl.UInt(16),
    "uint32": hl.UInt(32),
    "uint64": hl.UInt(64),
    "float16": hl.Float(16),
    "float32": hl.Float(32),
    "float64": hl.Float(64),
}


def _convert(name, kind, text):
    """The command line's text for parameter name as a value of kind (or a usage error)."""
    if kind is bool:
        if text in ("true", "false"):
            return text == "true"
        _fail(f"parameter {name} is a bool: use true or false, not {text!r}")
    if kind is int:
        try:
            return int(text, 0)
        except ValueError:
            _fail(f"parameter {name} is an int: {text!r} is not one")
    if kind is float:
        try:
            return float(text)
        except ValueError:
            _fail(f"parameter {name} is a float: {text!r} is not one")
    if kind is str:
        return text
    if kind is hl.Type or isinstance(kind, hl.Type):
        if text in _TYPE_NAMES:
            return _TYPE_NAMES[text]
        _fail(f"parameter {name} is a Type: use one of {', '.join(_TYPE_NAMES)}, not {text!r}")
    raise TypeError(f"add_param: unsupported parameter type {kind!r}")


def add_param(name, type, default):
    """Declares a parameter NAME=VALUE of the command line (bool, int, float, str or
    hl.Type) and returns its value: the command line's, else default."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"add_param: {name!r} is not a valid parameter name")
    if name == "target" or name in _state.declared:
        raise ValueError(f"add_param: parameter {name} is already declared")
    if not (type in (bool, int, float, str, hl.Type) or isinstance(type, hl.Type)):
        raise TypeError(f"add_param: unsupported parameter type {type!r} (bool, int, float, str, hl.Type)")
    _state.declared[name] = (type, default)
    _parse_argv()
    value = _convert(name, type, _state.raw[name]) if name in _state.raw else default
    _state.params[name] = value
    return value


def get_params():
    """The parameters from the command line: "target" (an hl.Target) and every declared
    parameter. The same dict is updated by later add_param calls."""
    _parse_argv()
    return _state.params


def _outputs(fn_name):
    """{OutputFileType: path} from -o, -n and -e."""
    emits = [e.strip() for e in _state.flags.get("emit", "o,h").split(",") if e.strip()]
    if not emits:
        _fail("-e needs at least one output kind")
    for e in emits:
        if e not in _EMITS:
            _fail(f"unknown emit {e!r}: use {', '.join(sorted(_EMITS))}")
    out = _state.flags.get("output", ".")
    if os.path.isdir(out) or out.endswith(os.sep) or not os.path.splitext(out)[1]:
        os.makedirs(out, exist_ok=True)
        stem = os.path.join(out, _state.flags.get("file_base_name", fn_name))
    else:
        stem, _ = os.path.splitext(out)
        parent = os.path.dirname(stem)
        if parent and not os.path.isdir(parent):
            _fail(f"the directory of -o {out} does not exist")
    return {_EMITS[e][0]: stem + _EMITS[e][1] for e in emits}


def compile(output_func, inputs):
    """Compiles output_func (a Func, a list of Funcs or a Pipeline) with the argument list
    inputs (ImageParams and Params, in order) for the command line's target into the
    files -o/-e ask for; returns {OutputFileType: path}."""
    _parse_argv()
    unknown = [name for name in _state.raw if name != "target" and name not in _state.declared]
    if unknown:
        known = ", ".join(["target"] + list(_state.declared))
        _fail(f"unknown parameter {unknown[0]} (this script's parameters: {known})")
    fn_name = _state.flags.get("function_name") or _state.flags.get("generator")
    if not fn_name:
        _fail("give the function name with -f (or the generator name with -g)")
    fn_name = fn_name.split("::")[-1]
    if not fn_name.isidentifier():
        _fail(f"the function name {fn_name!r} is not a valid C identifier")
    if isinstance(output_func, (list, tuple)):
        output_func = hl.Pipeline(list(output_func))
    files = _outputs(fn_name)
    try:
        output_func.compile_to(files, list(inputs), fn_name, _state.params["target"])
    except hl.HalideError as e:
        _fail(f"compiling {fn_name} for {_state.params['target']} failed:\n{e}", status=1)
    return files
