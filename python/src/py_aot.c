/* py_aot.c - the C half of ahead-of-time compilation in Python.
 *
 * Python sketch (halide/aot.py turns these into Func and Pipeline methods):
 *     def _compile_to(funcs, files: dict[int, str], args: list, fn_name: str, target)
 *         # args: Param, ImageParam, or the handles of infer_arguments()' Arguments
 *     def _infer_arguments(funcs) -> list[(name, kind, dimensions, Type, handle)]
 *     def _compile_standalone_runtime(path: str, kind: int, target)
 *     def _func_hexagon(func)                       # Func.hexagon(): a schedule marker
 *     def _func_device_api(func, api)               # gpu_*(), copy_to_device(): a marker
 * A handle is a capsule holding a reference to the core's Param, so an Argument keeps its
 * Param alive and can be passed back as an argument.
 */
#include "py_state.h"

static const char handle_name[] = "halide.param_handle";

static void handle_destructor(PyObject *capsule) {
    hl_param_release(PyCapsule_GetPointer(capsule, handle_name));
}

/* Borrowed hl_param of an argument, or NULL with an exception. */
static hl_param *argument_param(py_state *st, PyObject *obj) {
    hl_param *p = py_param_get(st, obj);
    if (p) return p;
    if (PyCapsule_IsValid(obj, handle_name)) return PyCapsule_GetPointer(obj, handle_name);
    if (PyObject_TypeCheck(obj, st->Buffer))
        PyErr_SetString(st->HalideError,
                        "A Buffer in the argument list of an ahead-of-time compile is not supported yet "
                        "by halide-c: use an ImageParam");
    else
        PyErr_Format(PyExc_TypeError, "compile arguments must be Params or ImageParams, not %.100s",
                     Py_TYPE(obj)->tp_name);
    return NULL;
}

/* The hl_funcs of a sequence of Func objects (borrowed, in a PyMem array). */
static hl_func **funcs_of(py_state *st, PyObject *seq, Py_ssize_t *n) {
    PyObject *fast = PySequence_Fast(seq, "expected a list of Funcs");
    if (!fast) return NULL;
    *n = PySequence_Fast_GET_SIZE(fast);
    hl_func **funcs = PyMem_Calloc((size_t)(*n ? *n : 1), sizeof *funcs);
    for (Py_ssize_t i = 0; funcs && i < *n; i++) {
        PyObject *f = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyObject_TypeCheck(f, st->Func)) {
            PyErr_Format(PyExc_TypeError, "expected a Func, not %.100s", Py_TYPE(f)->tp_name);
            PyMem_Free(funcs);
            funcs = NULL;
            break;
        }
        funcs[i] = ((py_func_object *)f)->func;
    }
    if (!funcs && !PyErr_Occurred()) PyErr_NoMemory();
    Py_DECREF(fast);
    return funcs;
}

static PyObject *fn_compile_to(PyObject *m, PyObject *args) {
    py_state *st = py_state_of_module(m);
    PyObject *funcs_obj, *files_obj, *args_obj, *target_obj;
    const char *fn_name;
    if (!PyArg_ParseTuple(args, "OO!OsO:_compile_to", &funcs_obj, &PyDict_Type, &files_obj, &args_obj, &fn_name,
                          &target_obj))
        return NULL;
    hl_target target;
    if (py_as_target(st, target_obj, &target) < 0) return NULL;
    Py_ssize_t nfuncs, nfiles = PyDict_GET_SIZE(files_obj);
    hl_func **funcs = funcs_of(st, funcs_obj, &nfuncs);
    if (!funcs) return NULL;
    PyObject *arg_list = PySequence_Fast(args_obj, "the arguments must be a list");
    hl_aot_file *files = PyMem_Calloc((size_t)(nfiles ? nfiles : 1), sizeof *files);
    hl_param **params = arg_list ? PyMem_Calloc((size_t)(PySequence_Fast_GET_SIZE(arg_list) + 1), sizeof *params) : NULL;
    PyObject *result = NULL;
    if (!arg_list || !files || !params) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t pos = 0, k = 0;
    PyObject *key, *value;
    while (PyDict_Next(files_obj, &pos, &key, &value)) {
        long kind = PyLong_AsLong(key);
        if (kind == -1 && PyErr_Occurred()) goto done;
        const char *path = PyUnicode_Check(value) ? PyUnicode_AsUTF8(value) : NULL;
        if (!path) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "output paths must be str");
            goto done;
        }
        files[k].kind = (int)kind;
        files[k].path = path;
        k++;
    }
    Py_ssize_t nargs = PySequence_Fast_GET_SIZE(arg_list);
    for (Py_ssize_t i = 0; i < nargs; i++)
        if (!(params[i] = argument_param(st, PySequence_Fast_GET_ITEM(arg_list, i)))) goto done;
    hl_status s;
    Py_BEGIN_ALLOW_THREADS s = hl_compile_to((int)nfuncs, funcs, (int)nfiles, files, (int)nargs, params, fn_name,
                                             &target);
    Py_END_ALLOW_THREADS
    if (s != HL_OK) py_raise_status(st, s);
    else result = Py_NewRef(Py_None);
done:
    PyMem_Free(funcs);
    PyMem_Free(files);
    PyMem_Free(params);
    Py_XDECREF(arg_list);
    return result;
}

static PyObject *fn_infer_arguments(PyObject *m, PyObject *funcs_obj) {
    py_state *st = py_state_of_module(m);
    Py_ssize_t nfuncs;
    hl_func **funcs = funcs_of(st, funcs_obj, &nfuncs);
    if (!funcs) return NULL;
    int n;
    hl_param **params;
    hl_status s = hl_infer_arguments((int)nfuncs, funcs, &n, &params);
    PyMem_Free(funcs);
    if (s != HL_OK) return py_raise_status(st, s);
    PyObject *list = PyList_New(0);
    for (int i = 0; list && i < n; i++) {
        hl_param *p = params[i];
        PyObject *capsule = PyCapsule_New(p, handle_name, handle_destructor);
        if (capsule) hl_param_retain(p);
        PyObject *type = capsule ? py_type_wrap(st, hl_param_type(p)) : NULL;
        PyObject *row = type ? Py_BuildValue("(siiOO)", hl_param_name(p), hl_param_is_buffer(p) ? 1 : 0,
                                             hl_param_is_buffer(p) ? hl_param_dimensions(p) : 0, type, capsule)
                             : NULL;
        if (!row || PyList_Append(list, row) < 0) Py_CLEAR(list);
        Py_XDECREF(row);
        Py_XDECREF(type);
        Py_XDECREF(capsule);
    }
    hl_free_arguments(n, params);
    return list;
}

static PyObject *fn_compile_standalone_runtime(PyObject *m, PyObject *args) {
    py_state *st = py_state_of_module(m);
    const char *path;
    int kind;
    PyObject *target_obj;
    if (!PyArg_ParseTuple(args, "siO:_compile_standalone_runtime", &path, &kind, &target_obj)) return NULL;
    hl_target target;
    if (py_as_target(st, target_obj, &target) < 0) return NULL;
    hl_status s;
    Py_BEGIN_ALLOW_THREADS s = hl_compile_standalone_runtime(path, kind, &target);
    Py_END_ALLOW_THREADS
    if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

/* _func_device_api(func, api): the gpu_*() / copy_to_device() marker (DeviceAPI value). */
static PyObject *fn_func_device_api(PyObject *m, PyObject *args) {
    py_state *st = py_state_of_module(m);
    PyObject *f;
    int api;
    if (!PyArg_ParseTuple(args, "O!i:_func_device_api", st->Func, &f, &api)) return NULL;
    hl_status s = hl_func_set_device_api(((py_func_object *)f)->func, api);
    if (s != HL_OK) return py_raise_status(st, s);
    return Py_NewRef(f);
}

static PyObject *fn_func_hexagon(PyObject *m, PyObject *f) {
    py_state *st = py_state_of_module(m);
    if (!PyObject_TypeCheck(f, st->Func)) {
        PyErr_SetString(PyExc_TypeError, "hexagon() is a method of Func");
        return NULL;
    }
    hl_status s = hl_func_hexagon(((py_func_object *)f)->func);
    if (s != HL_OK) return py_raise_status(st, s);
    return Py_NewRef(f);
}

static PyMethodDef module_functions[] = {
    {"_compile_to", fn_compile_to, METH_VARARGS, "Compile Funcs ahead of time into files."},
    {"_infer_arguments", fn_infer_arguments, METH_O, "The Params and ImageParams a pipeline uses."},
    {"_compile_standalone_runtime", fn_compile_standalone_runtime, METH_VARARGS, "Write the runtime alone."},
    {"_func_hexagon", fn_func_hexagon, METH_O, "Mark a Func for Hexagon offload."},
    {"_func_device_api", fn_func_device_api, METH_VARARGS, "Mark a Func to run on a device API."},
    {NULL, NULL, 0, NULL},
};

int py_aot_init(PyObject *module, py_state *st) { return PyModule_AddFunctions(module, module_functions); }
