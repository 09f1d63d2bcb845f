/* py_pipeline.c - halide.Pipeline: several output Funcs compiled and realized together.
 *
 * Python sketch:
 *     class Pipeline:
 *         def __init__(self, outputs)        # a Func or a list of Funcs
 *         def outputs(self) -> list[Func]
 *         def realize(self, sizes_or_buffers=[], target=None) -> Buffer | tuple[Buffer, ...]
 *         def compile_jit(self, target=None)
 *         def print_loop_nest(self)
 *         def compile_to_lowered_stmt(self, filename, args=[], fmt=..., target=None)
 *         def defined(self) -> bool
 * The Pipeline keeps its own compiled-code cache; realize shares py_realize with Func.
 */
#include "py_state.h"

typedef struct {
    PyObject_HEAD
    hl_pipeline *pipeline;
    PyObject *outputs; /* list of the Func objects, as given */
} py_pipeline_object;

static py_pipeline_object *self_of(PyObject *self) { return (py_pipeline_object *)self; }

static int pipeline_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"outputs", NULL};
    PyObject *arg = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Pipeline", kwlist, &arg)) return -1;
    PyObject *list;
    if (!arg) list = PyList_New(0);
    else if (PyObject_TypeCheck(arg, st->Func)) {
        list = PyList_New(1);
        if (list) PyList_SET_ITEM(list, 0, Py_NewRef(arg));
    } else list = PySequence_List(arg);
    if (!list) return -1;
    Py_ssize_t n = PyList_GET_SIZE(list);
    hl_func *funcs[256];
    if (n > 256) {
        Py_DECREF(list);
        PyErr_SetString(PyExc_ValueError, "too many outputs");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *f = PyList_GET_ITEM(list, i);
        if (!PyObject_TypeCheck(f, st->Func)) {
            Py_DECREF(list);
            PyErr_Format(PyExc_TypeError, "Pipeline outputs must be Funcs, not %.100s", Py_TYPE(f)->tp_name);
            return -1;
        }
        funcs[i] = ((py_func_object *)f)->func;
    }
    py_pipeline_object *o = self_of(self);
    hl_pipeline_release(o->pipeline);
    o->pipeline = NULL;
    Py_CLEAR(o->outputs);
    if (n > 0) {
        hl_status s = hl_pipeline_new((int)n, funcs, &o->pipeline);
        if (s != HL_OK) {
            Py_DECREF(list);
            py_raise_status(st, s);
            return -1;
        }
    }
    o->outputs = list;
    return 0;
}

static int pipeline_traverse(PyObject *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self_of(self)->outputs);
    return 0;
}

static int pipeline_clear(PyObject *self) {
    Py_CLEAR(self_of(self)->outputs);
    return 0;
}

static void pipeline_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    pipeline_clear(self);
    hl_pipeline_release(self_of(self)->pipeline);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static int require(py_state *st, PyObject *self) {
    if (self_of(self)->pipeline) return 0;
    PyErr_SetString(st->HalideError, "The Pipeline is undefined: it has no outputs");
    return -1;
}

static hl_status compile_pipeline(void *p) { return hl_pipeline_compile_jit(p); }
static hl_status realize_pipeline(void *p, int n, hl_buffer *const *b) { return hl_pipeline_realize(p, n, b); }
static hl_status query_pipeline(void *p, int n, hl_buffer *const *b) { return hl_pipeline_bounds_query(p, n, b); }

static PyObject *pipeline_realize(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"sizes", "target", NULL};
    PyObject *what = NULL, *target = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO:realize", kwlist, &what, &target)) return NULL;
    if (require(st, self) < 0) return NULL;
    hl_pipeline *p = self_of(self)->pipeline;
    hl_func *outputs[256];
    int n = hl_pipeline_num_outputs(p);
    for (int i = 0; i < n; i++) outputs[i] = hl_pipeline_output(p, i);
    py_realize_target t = {p, compile_pipeline, realize_pipeline, query_pipeline, n, outputs};
    return py_realize(st, &t, what);
}

static PyObject *pipeline_infer_input_bounds(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"dst", "target", NULL};
    PyObject *dst, *target = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:infer_input_bounds", kwlist, &dst, &target)) return NULL;
    if (require(st, self) < 0) return NULL;
    hl_pipeline *p = self_of(self)->pipeline;
    hl_func *outputs[256];
    int n = hl_pipeline_num_outputs(p);
    for (int i = 0; i < n; i++) outputs[i] = hl_pipeline_output(p, i);
    py_realize_target t = {p, compile_pipeline, realize_pipeline, query_pipeline, n, outputs};
    return py_infer_input_bounds(st, &t, dst);
}

static PyObject *pipeline_compile_jit(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"target", NULL};
    PyObject *target = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:compile_jit", kwlist, &target)) return NULL;
    if (require(st, self) < 0) return NULL;
    hl_status s = hl_pipeline_compile_jit(self_of(self)->pipeline);
    if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

static PyObject *pipeline_print_loop_nest(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    if (require(st, self) < 0) return NULL;
    char *text;
    hl_status s = hl_pipeline_loop_nest(self_of(self)->pipeline, &text);
    if (s != HL_OK) return py_raise_status(st, s);
    PyObject *out = PySys_GetObject("stdout"); /* borrowed */
    PyObject *r = out ? PyObject_CallMethod(out, "write", "s", text) : NULL;
    hl_string_free(text);
    if (!r) return NULL;
    Py_DECREF(r);
    Py_RETURN_NONE;
}

static PyObject *pipeline_compile_to_lowered_stmt(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"filename", "arguments", "fmt", "target", NULL};
    const char *filename;
    PyObject *arguments = NULL, *fmt = NULL, *target = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s|OOO:compile_to_lowered_stmt", kwlist, &filename,
                                     &arguments, &fmt, &target))
        return NULL;
    if (require(st, self) < 0) return NULL;
    char *text;
    hl_status s = hl_pipeline_lowered_stmt(self_of(self)->pipeline, &text);
    if (s != HL_OK) return py_raise_status(st, s);
    return py_write_stmt(filename, text, fmt, "pipeline");
}

static PyObject *pipeline_get_func(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    long i = PyLong_AsLong(arg);
    if (i == -1 && PyErr_Occurred()) return NULL;
    if (require(st, self) < 0) return NULL;
    hl_func *f;
    hl_status s = hl_pipeline_get_func(self_of(self)->pipeline, (int)i, &f);
    if (s != HL_OK) return py_raise_status(st, s);
    return py_func_wrap(st, f);
}

static PyObject *pipeline_invalidate_cache(PyObject *self, PyObject *unused) {
    if (self_of(self)->pipeline) hl_pipeline_invalidate_cache(self_of(self)->pipeline);
    Py_RETURN_NONE;
}

static PyObject *pipeline_outputs(PyObject *self, PyObject *unused) {
    PyObject *o = self_of(self)->outputs;
    return o ? PyList_GetSlice(o, 0, PyList_GET_SIZE(o)) : PyList_New(0);
}

static PyObject *pipeline_defined(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(self_of(self)->pipeline != NULL);
}

static PyObject *pipeline_repr(PyObject *self) {
    PyObject *o = self_of(self)->outputs;
    return PyUnicode_FromFormat("<halide.Pipeline with %zd output%s>", o ? PyList_GET_SIZE(o) : 0,
                                o && PyList_GET_SIZE(o) == 1 ? "" : "s");
}

#define KW (PyCFunction)(void (*)(void))
static PyMethodDef pipeline_methods[] = {
    {"realize", KW pipeline_realize, METH_VARARGS | METH_KEYWORDS,
     "realize(sizes or buffers, target=None): compute every output over a region."},
    {"compile_jit", KW pipeline_compile_jit, METH_VARARGS | METH_KEYWORDS, "Compile for the JIT now."},
    {"print_loop_nest", pipeline_print_loop_nest, METH_NOARGS, "Print the loop nest."},
    {"compile_to_lowered_stmt", KW pipeline_compile_to_lowered_stmt, METH_VARARGS | METH_KEYWORDS,
     "Write the lowered statement as text."},
    {"outputs", pipeline_outputs, METH_NOARGS, "The output Funcs."},
    {"get_func", pipeline_get_func, METH_O, "get_func(i): Func i of the pipeline, in realization order."},
    {"infer_input_bounds", KW pipeline_infer_input_bounds, METH_VARARGS | METH_KEYWORDS,
     "infer_input_bounds(sizes or Buffers): give every unbound ImageParam a Buffer of the size realizing needs."},
    {"invalidate_cache", pipeline_invalidate_cache, METH_NOARGS, "Drop the compiled JIT code."},
    {"defined", pipeline_defined, METH_NOARGS, "Whether the Pipeline has outputs."},
    {NULL, NULL, 0, NULL},
};
#undef KW

static PyType_Slot pipeline_slots[] = {
    {Py_tp_init, pipeline_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, pipeline_dealloc},
    {Py_tp_traverse, pipeline_traverse},
    {Py_tp_clear, pipeline_clear},
    {Py_tp_repr, pipeline_repr},
    {Py_tp_methods, pipeline_methods},
    {Py_tp_doc, "A pipeline of one or more output Funcs."},
    {0, NULL},
};

static PyType_Spec pipeline_spec = {
    .name = "halide.Pipeline",
    .basicsize = sizeof(py_pipeline_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = pipeline_slots,
};

int py_pipeline_init(PyObject *module, py_state *st) {
    st->Pipeline = (PyTypeObject *)PyType_FromModuleAndSpec(module, &pipeline_spec, NULL);
    if (!st->Pipeline) return -1;
    return PyModule_AddObjectRef(module, "Pipeline", (PyObject *)st->Pipeline);
}
