/* codegen_pyext.c - the python_extension output of an ahead-of-time pipeline.
 *
 * What: writes plain C source for a CPython extension module named after the function
 * (PyInit_<name>), holding one function <name>(args...) that takes the pipeline's
 * arguments in the compile_to order (ImageParams, Params, then the output buffers; a
 * user_context argument is passed as NULL and not exposed), also by keyword (the argument
 * names with non-identifier characters replaced by '_'). Buffers are any object with the
 * buffer protocol (NumPy arrays, hl.Buffer, memoryview) whose element type and
 * dimensionality match. Axes follow the reference's generated modules: a Fortran-contiguous
 * buffer (order='F' arrays indexed [x, y], as in lesson 10) is taken as it is; any other
 * (C order, hl.Buffer, other strides) is reversed, so the last axis of the Python buffer is
 * Halide's dimension 0 and a C-ordered a[y, x] is the image (x, y). Scalars are
 * Python ints (range-checked), floats or truth values. It returns None, raises
 * TypeError/ValueError/OverflowError for bad arguments and RuntimeError with the
 * halide_error message(s) when the pipeline returns non-zero: the source defines
 * halide_error, which overrides the runtime's weak one linked into the object.
 *
 * Assumes: the argument list of cg_aot_function (the last noutputs arguments are the
 * outputs); the object of the same compile is linked with the extension. The generated
 * file is self-contained (it declares the runtime types under the guard shared with the
 * C header and the pipeline's prototype), includes only Python.h and the C library, and
 * builds as C99 or later with `cc -shared -fPIC $(python3-config --includes)`.
 * Guarantees: float16/bfloat16 scalar arguments are a user error (not supported yet);
 * a write failure is a raise. The GIL is held during the call (the captured message is
 * one static buffer).
 */
#include "codegen_aot.h"
#include "util/check.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char support_code[] =
    "static char hlpy_message[4096];\n"
    "\n"
    "void halide_error(void *user_context, const char *msg);\n"
    "void halide_error(void *user_context, const char *msg) {\n"
    "    (void)user_context;\n"
    "    size_t used = strlen(hlpy_message);\n"
    "    if (used + 1 < sizeof hlpy_message)\n"
    "        snprintf(hlpy_message + used, sizeof hlpy_message - used, \"%s\", msg ? msg : \"\");\n"
    "}\n"
    "\n"
    "static inline void hlpy_type_name(int code, int bits, char *out, size_t n) {\n"
    "    if (code == 1 && bits == 1) snprintf(out, n, \"bool\");\n"
    "    else snprintf(out, n, \"%s%d\",\n"
    "                  code == 0 ? \"int\" : code == 1 ? \"uint\" : code == 2 ? \"float\" : \"bfloat\", bits);\n"
    "}\n"
    "\n"
    "/* The Halide type of a buffer-protocol format, or 0 when it has none. */\n"
    "static inline int hlpy_format_type(const char *format, Py_ssize_t itemsize, int *code, int *bits) {\n"
    "    const union { uint16_t u; uint8_t b[2]; } probe = {1};\n"
    "    const char *f = format ? format : \"B\";\n"
    "    if (*f == '@' || *f == '=' || *f == '<' || *f == '>' || *f == '!') {\n"
    "        int big = *f == '>' || *f == '!';\n"
    "        if ((*f == '<' || big) && big == (probe.b[0] == 1) && itemsize > 1) return 0;\n"
    "        f++;\n"
    "    }\n"
    "    if (!f[0] || f[1]) return 0;\n"
    "    *bits = (int)(itemsize * 8);\n"
    "    switch (*f) {\n"
    "    case 'b': case 'h': case 'i': case 'l': case 'q': case 'n': *code = 0; return 1;\n"
    "    case 'B': case 'H': case 'I': case 'L': case 'Q': case 'N': *code = 1; return 1;\n"
    "    case 'e': case 'f': case 'd': *code = 2; return 1;\n"
    "    case '?': *code = 1; *bits = 1; return itemsize == 1;\n"
    "    default: return 0;\n"
    "    }\n"
    "}\n"
    "\n"
    "/* Fills buf from obj's buffer-protocol view (axes as-is when Fortran-contiguous, else\n"
    " * reversed); -1 with an exception. */\n"
    "static inline int hlpy_unpack(PyObject *obj, const char *name, int writable, int dims, int code, int bits,\n"
    "                              Py_buffer *view, halide_dimension_t *dim, halide_buffer_t *buf) {\n"
    "    if (!PyObject_CheckBuffer(obj)) {\n"
    "        PyErr_Format(PyExc_TypeError, \"%s: expected an object with the buffer protocol (NumPy array, \"\n"
    "                     \"hl.Buffer), not %.100s\", name, Py_TYPE(obj)->tp_name);\n"
    "        return -1;\n"
    "    }\n"
    "    if (PyObject_GetBuffer(obj, view, writable ? PyBUF_RECORDS : PyBUF_RECORDS_RO) < 0) return -1;\n"
    "    int got_code = -1, got_bits = 0;\n"
    "    char want[32], got[32];\n"
    "    if (!hlpy_format_type(view->format, view->itemsize, &got_code, &got_bits) || got_code != code ||\n"
    "        got_bits != bits) {\n"
    "        hlpy_type_name(code, bits, want, sizeof want);\n"
    "        if (got_code >= 0) hlpy_type_name(got_code, got_bits, got, sizeof got);\n"
    "        else snprintf(got, sizeof got, \"format '%.20s'\", view->format ? view->format : \"B\");\n"
    "        PyErr_Format(PyExc_ValueError, \"%s: expected a buffer of type %s, got %s\", name, want, got);\n"
    "        PyBuffer_Release(view);\n"
    "        return -1;\n"
    "    }\n"
    "    if (view->ndim != dims) {\n"
    "        PyErr_Format(PyExc_ValueError, \"%s: expected a buffer with %d dimensions, got %d\", name, dims,\n"
    "                     view->ndim);\n"
    "        PyBuffer_Release(view);\n"
    "        return -1;\n"
    "    }\n"
    "    int reverse = !PyBuffer_IsContiguous(view, 'F');\n"
    "    for (int i = 0; i < dims; i++) {\n"
    "        int axis = reverse ? dims - 1 - i : i;\n"
    "        Py_ssize_t extent = view->shape[axis];\n"
    "        Py_ssize_t stride = view->strides ? view->strides[axis] / view->itemsize : 0;\n"
    "        if ((view->strides && view->strides[axis] % view->itemsize) || extent > INT32_MAX ||\n"
    "            stride > INT32_MAX || stride < INT32_MIN) {\n"
    "            PyErr_Format(PyExc_ValueError, \"%s: axis %d has an extent or stride halide_buffer_t cannot \"\n"
    "                         \"hold\", name, axis);\n"
    "            PyBuffer_Release(view);\n"
    "            return -1;\n"
    "        }\n"
    "        dim[i].min = 0;\n"
    "        dim[i].extent = (int32_t)extent;\n"
    "        dim[i].stride = (int32_t)stride;\n"
    "        dim[i].flags = 0;\n"
    "    }\n"
    "    memset(buf, 0, sizeof *buf);\n"
    "    buf->host = (uint8_t *)view->buf;\n"
    "    buf->type.code = (uint8_t)code;\n"
    "    buf->type.bits = (uint8_t)bits;\n"
    "    buf->type.lanes = 1;\n"
    "    buf->dimensions = dims;\n"
    "    buf->dim = dim;\n"
    "    return 0;\n"
    "}\n"
    "\n"
    "static inline int hlpy_int(PyObject *obj, const char *name, long long lo, long long hi, long long *out) {\n"
    "    PyObject *i = PyNumber_Index(obj);\n"
    "    if (!i) {\n"
    "        PyErr_Format(PyExc_TypeError, \"%s: expected an int, not %.100s\", name, Py_TYPE(obj)->tp_name);\n"
    "        return -1;\n"
    "    }\n"
    "    int overflow = 0;\n"
    "    long long v = PyLong_AsLongLongAndOverflow(i, &overflow);\n"
    "    Py_DECREF(i);\n"
    "    if (v == -1 && PyErr_Occurred()) return -1;\n"
    "    if (overflow || v < lo || v > hi) {\n"
    "        PyErr_Format(PyExc_OverflowError, \"%s: %R is out of range [%lld, %lld]\", name, obj, lo, hi);\n"
    "        return -1;\n"
    "    }\n"
    "    *out = v;\n"
    "    return 0;\n"
    "}\n"
    "\n"
    "static inline int hlpy_uint64(PyObject *obj, const char *name, unsigned long long *out) {\n"
    "    PyObject *i = PyNumber_Index(obj);\n"
    "    if (!i) {\n"
    "        PyErr_Format(PyExc_TypeError, \"%s: expected an int, not %.100s\", name, Py_TYPE(obj)->tp_name);\n"
    "        return -1;\n"
    "    }\n"
    "    *out = PyLong_AsUnsignedLongLong(i);\n"
    "    Py_DECREF(i);\n"
    "    if (*out == (unsigned long long)-1 && PyErr_Occurred()) {\n"
    "        PyErr_Format(PyExc_OverflowError, \"%s: %R is out of range for uint64\", name, obj);\n"
    "        return -1;\n"
    "    }\n"
    "    return 0;\n"
    "}\n"
    "\n"
    "static inline int hlpy_float(PyObject *obj, const char *name, double *out) {\n"
    "    *out = PyFloat_AsDouble(obj);\n"
    "    if (*out == -1.0 && PyErr_Occurred()) {\n"
    "        PyErr_Format(PyExc_TypeError, \"%s: expected a float, not %.100s\", name, Py_TYPE(obj)->tp_name);\n"
    "        return -1;\n"
    "    }\n"
    "    return 0;\n"
    "}\n"
    "\n"
    "/* RuntimeError with the captured halide_error message(s). */\n"
    "static inline void hlpy_raise(const char *fn, int code) {\n"
    "    size_t n = strlen(hlpy_message);\n"
    "    while (n && (hlpy_message[n - 1] == '\\n' || hlpy_message[n - 1] == ' ')) hlpy_message[--n] = 0;\n"
    "    if (n) PyErr_Format(PyExc_RuntimeError, \"%s\", hlpy_message);\n"
    "    else PyErr_Format(PyExc_RuntimeError, \"Halide pipeline %s failed with error code %d\", fn, code);\n"
    "}\n";

/* The C type of a scalar argument (the header's, codegen_header.c). */
static const char *scalar_c_type(hl_type t) {
    switch (t.code) {
    case halide_type_float:
        return t.bits == 64 ? "double" : "float";
    case halide_type_handle:
        return "void const *";
    case halide_type_uint:
        return t.bits == 1    ? "bool"
               : t.bits == 8  ? "uint8_t"
               : t.bits == 16 ? "uint16_t"
               : t.bits == 32 ? "uint32_t"
                              : "uint64_t";
    default:
        return t.bits == 8 ? "int8_t" : t.bits == 16 ? "int16_t" : t.bits == 32 ? "int32_t" : "int64_t";
    }
}

/* name with every character that is not a letter, digit or '_' replaced by '_'. */
static const char *py_name(hl_ctx *ctx, const char *name) {
    char *s = ctx_printf(ctx, "%s", name);
    for (char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') *p = '_';
    return s;
}

static bool is_user_context(const cg_arg *a) { return !a->is_buffer && !strcmp(a->name, "__user_context"); }

/* The conversion of scalar argument i (Python object py_i) into arg_i. */
static void write_scalar_conversion(FILE *fp, int i, const cg_arg *a, const char *name) {
    hl_type t = a->type;
    if (t.code == halide_type_handle) {
        fprintf(fp, "    if (py_%d == Py_None) arg_%d = NULL;\n", i, i);
        fprintf(fp, "    else if (!(arg_%d = PyLong_AsVoidPtr(py_%d)) && PyErr_Occurred()) goto done;\n", i, i);
    } else if (t.code == halide_type_float) {
        fprintf(fp, "    { double v; if (hlpy_float(py_%d, \"%s\", &v) < 0) goto done; arg_%d = (%s)v; }\n", i, name,
                i, scalar_c_type(t));
    } else if (t.code == halide_type_uint && t.bits == 1) {
        fprintf(fp, "    { int v = PyObject_IsTrue(py_%d); if (v < 0) goto done; arg_%d = v != 0; }\n", i, i);
    } else if (t.code == halide_type_uint && t.bits == 64) {
        fprintf(fp, "    if (hlpy_uint64(py_%d, \"%s\", &arg_%d_wide) < 0) goto done;\n", i, name, i);
        fprintf(fp, "    arg_%d = (uint64_t)arg_%d_wide;\n", i, i);
    } else {
        const char *lo, *hi;
        if (t.code == halide_type_uint) {
            lo = "0";
            hi = t.bits == 8 ? "UINT8_MAX" : t.bits == 16 ? "UINT16_MAX" : "UINT32_MAX";
        } else {
            lo = t.bits == 8 ? "INT8_MIN" : t.bits == 16 ? "INT16_MIN" : t.bits == 32 ? "INT32_MIN" : "INT64_MIN";
            hi = t.bits == 8 ? "INT8_MAX" : t.bits == 16 ? "INT16_MAX" : t.bits == 32 ? "INT32_MAX" : "INT64_MAX";
        }
        fprintf(fp, "    { long long v; if (hlpy_int(py_%d, \"%s\", %s, %s, &v) < 0) goto done; arg_%d = (%s)v; }\n",
                i, name, lo, hi, i, scalar_c_type(t));
    }
}

void cg_write_pyext(hl_ctx *ctx, const char *path, const hl_target *t, const cg_aot_function *fn) {
    for (int i = 0; i < fn->nargs; i++) {
        const cg_arg *a = &fn->args[i];
        bool half = a->type.code == halide_type_bfloat || (a->type.code == halide_type_float && a->type.bits == 16);
        user_assert(ctx, a->is_buffer || !half,
                    "python_extension: the float16/bfloat16 scalar argument %s is not supported yet by halide-c",
                    a->name);
    }
    FILE *fp = fopen(path, "w");
    user_assert(ctx, fp, "Could not open %s for writing", path);
    char target_name[1024];
    hl_target_to_string(t, target_name, sizeof target_name);
    const char *name = fn->name;
    int first_output = fn->nargs - fn->noutputs;

    /* The Python signature, for the comment and the docstring. */
    char *sig = ctx_printf(ctx, "%s(", name);
    bool first = true;
    for (int i = 0; i < fn->nargs; i++) {
        if (is_user_context(&fn->args[i])) continue;
        sig = ctx_printf(ctx, "%s%s%s", sig, first ? "" : ", ", py_name(ctx, fn->args[i].name));
        first = false;
    }
    sig = ctx_printf(ctx, "%s) -> None", sig);

    fprintf(fp,
            "/* Generated by halide-c: the CPython extension module %s for the pipeline %s (target %s).\n"
            " *\n"
            " * Build it with the object of the same compile_to:\n"
            " *     cc -shared -fPIC $(python3-config --includes) this_file.c %s.o \\\n"
            " *        -o %s$(python3-config --extension-suffix) -lpthread -lm -ldl\n"
            " * Python:  import %s; %s.%s\n"
            " * Buffers: any object with the buffer protocol (NumPy array, hl.Buffer) of the right element type\n"
            " * and dimensionality (outputs writable). Axes: a Fortran-contiguous buffer (order='F', indexed\n"
            " * [x, y]) is taken as it is; any other is reversed (Axes are reversed for C order): its LAST\n"
            " * axis is Halide's dimension 0 (x), so a C-ordered array a[y, x] is the image (x, y) and an\n"
            " * hl.Buffer maps through unchanged - the reference's rule. Scalars: int (range-checked), float,\n"
            " * or a truth value. Returns None. Bad arguments raise TypeError/ValueError/OverflowError; a\n"
            " * non-zero return code of the pipeline raises RuntimeError with the halide_error message\n"
            " * (halide_error is defined here, overriding the runtime's). The GIL is held during the call.\n"
            " */\n",
            name, name, target_name, name, name, name, name, sig);
    fprintf(fp, "#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n#include <stdbool.h>\n#include <stdint.h>\n"
                "#include <stdio.h>\n#include <string.h>\n\n%s\n", cg_header_runtime_types());
    /* The pipeline's prototype. */
    fprintf(fp, "int %s(", name);
    for (int i = 0; i < fn->nargs; i++) {
        const cg_arg *a = &fn->args[i];
        const char *sep = i + 1 < fn->nargs ? ", " : "";
        if (a->is_buffer) fprintf(fp, "struct halide_buffer_t *%s", sep);
        else if (is_user_context(a)) fprintf(fp, "void const *%s", sep);
        else fprintf(fp, "%s%s", scalar_c_type(a->type), sep);
    }
    fprintf(fp, "%s);\n\n%s\n", fn->nargs ? "" : "void", support_code);

    /* The wrapper. */
    fprintf(fp, "static PyObject *hlpy_call(PyObject *module, PyObject *args, PyObject *kwargs) {\n");
    fprintf(fp, "    (void)module;\n    static char *kwlist[] = {");
    for (int i = 0; i < fn->nargs; i++)
        if (!is_user_context(&fn->args[i])) fprintf(fp, "\"%s\", ", py_name(ctx, fn->args[i].name));
    fprintf(fp, "NULL};\n");
    fprintf(fp, "    PyObject *result = NULL;\n");
    int npy = 0;
    for (int i = 0; i < fn->nargs; i++) {
        const cg_arg *a = &fn->args[i];
        if (is_user_context(a)) continue;
        npy++;
        fprintf(fp, "    PyObject *py_%d = NULL;\n", i);
        if (a->is_buffer) {
            fprintf(fp, "    Py_buffer view_%d;\n    halide_dimension_t dim_%d[%d];\n    halide_buffer_t buf_%d;\n",
                    i, i, a->dimensions > 0 ? a->dimensions : 1, i);
            fprintf(fp, "    int held_%d = 0;\n", i);
        } else {
            fprintf(fp, "    %s arg_%d = 0;\n", scalar_c_type(a->type), i);
            if (a->type.code == halide_type_uint && a->type.bits == 64)
                fprintf(fp, "    unsigned long long arg_%d_wide = 0;\n", i);
        }
    }
    fprintf(fp, "    int rc = 0;\n");
    fprintf(fp, "    if (!PyArg_ParseTupleAndKeywords(args, kwargs, \"");
    for (int i = 0; i < npy; i++) fprintf(fp, "O");
    fprintf(fp, ":%s\", kwlist", name);
    for (int i = 0; i < fn->nargs; i++)
        if (!is_user_context(&fn->args[i])) fprintf(fp, ", &py_%d", i);
    fprintf(fp, "))\n        return NULL;\n");
    for (int i = 0; i < fn->nargs; i++) {
        const cg_arg *a = &fn->args[i];
        if (is_user_context(a)) continue;
        const char *pname = py_name(ctx, a->name);
        if (a->is_buffer) {
            fprintf(fp,
                    "    if (hlpy_unpack(py_%d, \"%s\", %d, %d, %d, %d, &view_%d, dim_%d, &buf_%d) < 0) goto done;\n"
                    "    held_%d = 1;\n",
                    i, pname, i >= first_output, a->dimensions, (int)a->type.code, (int)a->type.bits, i, i, i, i);
        } else {
            write_scalar_conversion(fp, i, a, pname);
        }
    }
    fprintf(fp, "    hlpy_message[0] = 0;\n    rc = %s(", name);
    for (int i = 0; i < fn->nargs; i++) {
        const cg_arg *a = &fn->args[i];
        const char *sep = i + 1 < fn->nargs ? ", " : "";
        if (is_user_context(a)) fprintf(fp, "NULL%s", sep);
        else if (a->is_buffer) fprintf(fp, "&buf_%d%s", i, sep);
        else fprintf(fp, "arg_%d%s", i, sep);
    }
    fprintf(fp, ");\n    if (rc != 0) hlpy_raise(\"%s\", rc);\n", name);
    fprintf(fp, "    else {\n        Py_INCREF(Py_None);\n        result = Py_None;\n    }\n");
    fprintf(fp, "    goto done;\ndone:\n");
    for (int i = fn->nargs - 1; i >= 0; i--)
        if (fn->args[i].is_buffer) fprintf(fp, "    if (held_%d) PyBuffer_Release(&view_%d);\n", i, i);
    fprintf(fp, "    return result;\n}\n\n");

    fprintf(fp,
            "static PyMethodDef hlpy_methods[] = {\n"
            "    {\"%s\", (PyCFunction)(void (*)(void))hlpy_call, METH_VARARGS | METH_KEYWORDS,\n"
            "     \"%s: run the Halide pipeline %s.\"},\n"
            "    {NULL, NULL, 0, NULL},\n"
            "};\n\n"
            "static struct PyModuleDef hlpy_module = {\n"
            "    PyModuleDef_HEAD_INIT, \"%s\", \"The Halide pipeline %s (generated by halide-c).\",\n"
            "    -1, hlpy_methods, NULL, NULL, NULL, NULL,\n"
            "};\n\n"
            "PyMODINIT_FUNC PyInit_%s(void);\n"
            "PyMODINIT_FUNC PyInit_%s(void) { return PyModule_Create(&hlpy_module); }\n",
            name, sig, name, name, name, name, name);
    bool failed = ferror(fp) != 0;
    failed |= fclose(fp) != 0;
    user_assert(ctx, !failed, "Could not write %s", path);
}
