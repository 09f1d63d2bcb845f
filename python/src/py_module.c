/* py_module.c - the halide._halide extension module: state, HalideError, init.
 *
 * Python sketch:
 *     class HalideError(RuntimeError): ...
 *     # plus the types registered by py_type.c, py_expr.c, py_func.c, py_buffer.c and the
 *     # free functions of py_ops.c
 * Multi-phase init; m_clear releases every reference the state holds, so the exec
 * function may bail out part way.
 */
#include "py_state.h"

static PyModuleDef halide_module;

py_state *py_state_of_module(PyObject *module) { return (py_state *)PyModule_GetState(module); }

py_state *py_state_of_type(PyTypeObject *type) {
    PyObject *module = PyType_GetModuleByDef(type, &halide_module);
    return module ? py_state_of_module(module) : NULL;
}

py_state *py_state_of(PyObject *obj) { return py_state_of_type(Py_TYPE(obj)); }

PyObject *py_raise_status(py_state *st, hl_status status) {
    if (status == HL_ERROR_NOMEM) return PyErr_NoMemory();
    PyErr_SetString(st->HalideError, hl_last_error());
    return NULL;
}

/* halide_print of JIT pipelines (print(), print_when(), tracing) goes to sys.stdout, as in
 * Halide's bindings; pipelines run with the GIL released, so any thread may take it here. */
static void print_to_sys_stdout(const char *msg) {
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *out = PySys_GetObject("stdout"); /* borrowed */
    PyObject *r = out && out != Py_None ? PyObject_CallMethod(out, "write", "s", msg) : NULL;
    if (!r) {
        PyErr_Clear();
        fputs(msg, stderr);
    }
    Py_XDECREF(r);
    PyGILState_Release(g);
}

static int module_exec(PyObject *module) {
    py_state *st = py_state_of_module(module);
    st->HalideError = PyErr_NewExceptionWithDoc(
        "halide.HalideError",
        "An error reported by halide-c: a wrong program, bad inputs, or a failure reported "
        "by generated code at run time.",
        PyExc_RuntimeError, NULL);
    if (!st->HalideError) return -1;
    if (PyModule_AddObjectRef(module, "HalideError", st->HalideError) < 0) return -1;
    if (py_type_init(module, st) < 0) return -1;
    if (py_expr_init(module, st) < 0) return -1;
    if (py_buffer_init(module, st) < 0) return -1;
    if (py_func_init(module, st) < 0) return -1;
    if (py_ops_init(module, st) < 0) return -1;
    if (py_ops_extra_init(module, st) < 0) return -1;
    if (py_pipeline_init(module, st) < 0) return -1;
    if (py_param_init(module, st) < 0) return -1;
    if (py_rdom_init(module, st) < 0) return -1;
    if (py_func_ref_init(module, st) < 0) return -1;
    if (py_target_init(module, st) < 0 || py_aot_init(module, st) < 0) return -1;
    hl_set_print_handler(print_to_sys_stdout);
    return 0;
}

static int module_traverse(PyObject *module, visitproc visit, void *arg) {
    py_state *st = py_state_of_module(module);
    Py_VISIT(st->HalideError);
    Py_VISIT(st->Type);
    Py_VISIT(st->Expr);
    Py_VISIT(st->Var);
    Py_VISIT(st->Func);
    Py_VISIT(st->Pipeline);
    Py_VISIT(st->Buffer);
    Py_VISIT(st->Dimension);
    Py_VISIT(st->Param);
    Py_VISIT(st->ImageParam);
    Py_VISIT(st->ParamDimension);
    Py_VISIT(st->Stage);
    Py_VISIT(st->PendingRef);
    Py_VISIT(st->RVar);
    Py_VISIT(st->RDom);
    Py_VISIT(st->Target);
    return 0;
}

static int module_clear(PyObject *module) {
    py_state *st = py_state_of_module(module);
    Py_CLEAR(st->HalideError);
    Py_CLEAR(st->Type);
    Py_CLEAR(st->Expr);
    Py_CLEAR(st->Var);
    Py_CLEAR(st->Func);
    Py_CLEAR(st->Pipeline);
    Py_CLEAR(st->Buffer);
    Py_CLEAR(st->Dimension);
    Py_CLEAR(st->Param);
    Py_CLEAR(st->ImageParam);
    Py_CLEAR(st->ParamDimension);
    Py_CLEAR(st->Stage);
    Py_CLEAR(st->PendingRef);
    Py_CLEAR(st->RVar);
    Py_CLEAR(st->RDom);
    Py_CLEAR(st->Target);
    return 0;
}

static void module_free(void *module) { module_clear((PyObject *)module); }

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {0, NULL},
};

PyDoc_STRVAR(module_doc, "halide-c: the Halide language for image and array pipelines, in C.");

static PyModuleDef halide_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "halide._halide",
    .m_doc = module_doc,
    .m_size = sizeof(py_state),
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__halide(void) { return PyModuleDef_Init(&halide_module); }
