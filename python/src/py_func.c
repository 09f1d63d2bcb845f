/* py_func.c - halide.Func: definitions, calls, realization.
 *
 * Python sketch:
 *     class Func:
 *         def __init__(self, name=None)    # also Func(Type, dims, name) and Func(Expr)
 *         def __getitem__(self, args) -> Expr          # f[x, y]: a call
 *         def __setitem__(self, args, value)           # f[x, y] = value: a definition
 *         def realize(self, sizes_or_buffers=[], target=None) -> Buffer | list[Buffer]
 *         def compile_jit(self, target=None)
 *         def compile_to_lowered_stmt(self, filename, args=[], fmt=..., target=None)
 *         name(), defined(), dimensions(), args(), type(), types(), outputs(), value(),
 *         values(), has_update_definition(), num_update_definitions()
 * Realizing compiles with the GIL held (front-end objects are touched) and runs the
 * pipeline with the GIL released.
 */
#include "py_state.h"

#include <stdbool.h>

static hl_func *func_of(PyObject *self) { return ((py_func_object *)self)->func; }

static int func_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    py_func_object *o = (py_func_object *)self;
    PyObject *a0 = NULL, *a1 = NULL, *a2 = NULL;
    static char *kwlist[] = {"name", "dimensions", "func_name", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OOO:Func", kwlist, &a0, &a1, &a2)) return -1;
    const char *name = NULL;
    PyObject *define_with = NULL;
    if (a0 && PyUnicode_Check(a0)) {
        name = PyUnicode_AsUTF8(a0);
        if (!name) return -1;
    } else if (a0 && PyObject_TypeCheck(a0, st->Type)) {
        /* Func(Type, dimensions, name): the declared type is checked at definition time in
         * Halide; here only the name is kept. */
        if (a2 && PyUnicode_Check(a2)) name = PyUnicode_AsUTF8(a2);
        else if (a1 && !PyLong_Check(a1) && PyUnicode_Check(a1)) name = PyUnicode_AsUTF8(a1);
    } else if (a0 && a0 != Py_None) {
        define_with = a0; /* Func(expr): a zero-dimensional Func of that value */
    }
    hl_func_release(o->func);
    o->func = NULL;
    hl_status s = hl_func_new(name, &o->func);
    if (s != HL_OK) {
        py_raise_status(st, s);
        return -1;
    }
    if (define_with) {
        hl_expr *value;
        if (py_as_expr(st, define_with, &value) < 0) return -1;
        s = hl_func_define(o->func, 0, NULL, 1, &value);
        hl_expr_release(value);
        if (s != HL_OK) {
            py_raise_status(st, s);
            return -1;
        }
    }
    return 0;
}

static void func_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    hl_func_release(func_of(self));
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *func_repr(PyObject *self) {
    return PyUnicode_FromFormat("<halide.Func '%s'>", hl_func_name(func_of(self)));
}

/* The index of f[...] as a list of new Expr references. */
static int index_exprs(py_state *st, PyObject *key, hl_expr ***out, Py_ssize_t *n) {
    PyObject *seq = PyTuple_Check(key)  ? Py_NewRef(key)
                    : PyList_Check(key) ? PyList_AsTuple(key)
                                        : PyTuple_Pack(1, key);
    if (!seq) return -1;
    Py_ssize_t count = PyTuple_GET_SIZE(seq);
    hl_expr **exprs = PyMem_Calloc((size_t)(count ? count : 1), sizeof(hl_expr *));
    if (!exprs) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        if (py_as_expr(st, PyTuple_GET_ITEM(seq, i), &exprs[i]) < 0) {
            for (Py_ssize_t j = 0; j < i; j++) hl_expr_release(exprs[j]);
            PyMem_Free(exprs);
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    *out = exprs;
    *n = count;
    return 0;
}

static void free_exprs(hl_expr **exprs, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) hl_expr_release(exprs[i]);
    PyMem_Free(exprs);
}

/* ---- f[x] += e on a Func with no definition yet ------------------------------------------- */

/* What f[key] is while f has no definition: only a compound assignment can use it, which
 * defines f as the operator's identity first (0 for + and -, 1 for * and /), then updates. */
typedef struct {
    PyObject_HEAD
    PyObject *func, *key; /* the Func object and the index */
    hl_binop op;
    PyObject *value;      /* set by the in-place operator */
} py_pending_ref_object;

static void pending_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    py_pending_ref_object *o = (py_pending_ref_object *)self;
    Py_XDECREF(o->func);
    Py_XDECREF(o->key);
    Py_XDECREF(o->value);
    PyObject_Free(self);
    Py_DECREF(tp);
}

static PyObject *pending_inplace(PyObject *self, PyObject *value, hl_binop op) {
    py_pending_ref_object *o = (py_pending_ref_object *)self;
    py_state *st = py_state_of(o->func);
    py_pending_ref_object *r = PyObject_New(py_pending_ref_object, st->PendingRef);
    if (!r) return NULL;
    r->func = Py_NewRef(o->func);
    r->key = Py_NewRef(o->key);
    r->op = op;
    r->value = Py_NewRef(value);
    return (PyObject *)r;
}

static PyObject *pending_iadd(PyObject *s, PyObject *v) { return pending_inplace(s, v, HL_OP_ADD); }
static PyObject *pending_isub(PyObject *s, PyObject *v) { return pending_inplace(s, v, HL_OP_SUB); }
static PyObject *pending_imul(PyObject *s, PyObject *v) { return pending_inplace(s, v, HL_OP_MUL); }
static PyObject *pending_idiv(PyObject *s, PyObject *v) { return pending_inplace(s, v, HL_OP_DIV); }

/* Any other use of f[...] of an undefined Func is a call of that Func. */
static PyObject *pending_misuse(PyObject *a, PyObject *b) {
    PyObject *p = a;
    if (b && Py_TYPE(b)->tp_dealloc == pending_dealloc) p = b;
    py_pending_ref_object *o = (py_pending_ref_object *)p;
    PyErr_Format(py_state_of(o->func)->HalideError,
                 "Can't call Func \"%s\" because it has not yet been defined.",
                 hl_func_name(((py_func_object *)o->func)->func));
    return NULL;
}
static PyObject *pending_unary(PyObject *a) { return pending_misuse(a, NULL); }
static PyObject *pending_compare(PyObject *a, PyObject *b, int op) {
    (void)op;
    return pending_misuse(a, b);
}
static PyObject *pending_pow(PyObject *a, PyObject *b, PyObject *c) {
    (void)c;
    return pending_misuse(a, b);
}

static PyObject *pending_as_expr(PyObject *self, PyObject *unused) {
    (void)unused;
    return pending_misuse(self, NULL);
}

static PyMethodDef pending_methods[] = {
    {"__halide_expr__", pending_as_expr, METH_NOARGS, "Raises: the Func has no definition to call."},
    {NULL, NULL, 0, NULL},
};

static PyObject *pending_repr(PyObject *self) {
    return PyUnicode_FromFormat("<halide.FuncRef of undefined Func '%s'>",
                                hl_func_name(((py_func_object *)((py_pending_ref_object *)self)->func)->func));
}

static PyType_Slot pending_slots[] = {
    {Py_tp_dealloc, pending_dealloc},
    {Py_tp_repr, pending_repr},
    {Py_tp_methods, pending_methods},
    {Py_nb_inplace_add, pending_iadd},
    {Py_nb_inplace_subtract, pending_isub},
    {Py_nb_inplace_multiply, pending_imul},
    {Py_nb_inplace_true_divide, pending_idiv},
    {Py_nb_add, pending_misuse},
    {Py_nb_subtract, pending_misuse},
    {Py_nb_multiply, pending_misuse},
    {Py_nb_true_divide, pending_misuse},
    {Py_nb_floor_divide, pending_misuse},
    {Py_nb_remainder, pending_misuse},
    {Py_nb_power, pending_pow},
    {Py_nb_and, pending_misuse},
    {Py_nb_or, pending_misuse},
    {Py_nb_xor, pending_misuse},
    {Py_nb_lshift, pending_misuse},
    {Py_nb_rshift, pending_misuse},
    {Py_nb_negative, pending_unary},
    {Py_nb_invert, pending_unary},
    {Py_tp_richcompare, pending_compare},
    {Py_tp_doc, "f[args] of a Func with no definition: usable only with +=, -=, *=, /=."},
    {0, NULL},
};

static PyType_Spec pending_spec = {
    .name = "halide.FuncRef",
    .basicsize = sizeof(py_pending_ref_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = pending_slots,
};

static int index_exprs(py_state *st, PyObject *key, hl_expr ***out, Py_ssize_t *n);
static void free_exprs(hl_expr **exprs, Py_ssize_t n);

/* f[key] op= value on an undefined f: f(_0, ...) = identity; f[key] = f[key] op value. */
static int define_from_identity(py_state *st, PyObject *self, py_pending_ref_object *p) {
    hl_func *f = func_of(self);
    hl_expr *value = NULL, **key = NULL, *identity = NULL, *call = NULL, *updated = NULL;
    hl_expr *vars[16] = {0};
    Py_ssize_t n = 0;
    int rc = -1;
    hl_status s = HL_OK;
    if (py_as_expr(st, p->value, &value) < 0 || index_exprs(st, p->key, &key, &n) < 0) goto done;
    if (n > 16) {
        PyErr_SetString(PyExc_ValueError, "too many dimensions");
        goto done;
    }
    hl_type t = hl_expr_type(value);
    bool one = p->op == HL_OP_MUL || p->op == HL_OP_DIV;
    s = t.code == halide_type_float ? hl_expr_float(t, one, &identity) : hl_expr_int(t, one, &identity);
    /* Pure arguments: the Vars the update uses where it uses plain Vars (so
     * the update's pure dimensions line up), implicit _i elsewhere. */
    bool seq = PyTuple_Check(p->key) || PyList_Check(p->key);
    for (Py_ssize_t i = 0; s == HL_OK && i < n; i++) {
        PyObject *item = !seq ? p->key : PyTuple_Check(p->key) ? PyTuple_GET_ITEM(p->key, i) : PyList_GET_ITEM(p->key, i);
        const char *vn = hl_expr_var_name(key[i]);
        char name[32];
        snprintf(name, sizeof name, "_%zd", i);
        s = hl_expr_var(vn && PyObject_TypeCheck(item, st->Var) ? vn : name, &vars[i]);
    }
    if (s == HL_OK) s = hl_func_define(f, (int)n, vars, 1, &identity);
    if (s == HL_OK) s = hl_func_call(f, (int)n, key, 0, &call);
    if (s == HL_OK) s = hl_expr_binop(p->op, hl_operand_expr(call), hl_operand_expr(value), &updated);
    if (s == HL_OK) s = hl_func_define_update(f, (int)n, key, 1, &updated);
    if (s != HL_OK) py_raise_status(st, s);
    else rc = 0;
done:
    hl_expr_release(value);
    hl_expr_release(identity);
    hl_expr_release(call);
    hl_expr_release(updated);
    for (int i = 0; i < 16; i++) hl_expr_release(vars[i]);
    if (key) free_exprs(key, n);
    return rc;
}

int py_func_ref_init(PyObject *module, py_state *st) {
    st->PendingRef = (PyTypeObject *)PyType_FromModuleAndSpec(module, &pending_spec, NULL);
    return st->PendingRef ? 0 : -1;
}

static PyObject *func_call_key(py_state *st, PyObject *self, PyObject *key);

static PyObject *func_getitem(PyObject *self, PyObject *key) {
    py_state *st = py_state_of(self);
    if (!hl_func_defined(func_of(self))) {
        py_pending_ref_object *r = PyObject_New(py_pending_ref_object, st->PendingRef);
        if (!r) return NULL;
        r->func = Py_NewRef(self);
        r->key = Py_NewRef(key);
        r->op = HL_OP_ADD;
        r->value = NULL;
        return (PyObject *)r;
    }
    int found;
    PyObject *expanded = py_expand_placeholder(st, key, hl_func_dimensions(func_of(self)), -1, &found);
    if (!expanded) return NULL;
    PyObject *result = func_call_key(st, self, expanded);
    Py_DECREF(expanded);
    return result;
}

/* f[key] for a defined f, the placeholder already expanded. */
static PyObject *func_call_key(py_state *st, PyObject *self, PyObject *key) {
    hl_expr **args;
    Py_ssize_t n;
    if (index_exprs(st, key, &args, &n) < 0) return NULL;
    hl_expr *out;
    hl_status s = hl_func_call(func_of(self), (int)n, args, 0, &out);
    free_exprs(args, n);
    if (s != HL_OK) return py_raise_status(st, s);
    if (hl_func_num_values(func_of(self)) > 1) {
        /* A Tuple-valued Func: f[x] is a tuple of one call per value. */
        hl_expr_release(out);
        int nv = hl_func_num_values(func_of(self));
        PyObject *tuple = PyTuple_New(nv);
        if (!tuple) return NULL;
        if (index_exprs(st, key, &args, &n) < 0) {
            Py_DECREF(tuple);
            return NULL;
        }
        for (int v = 0; v < nv; v++) {
            s = hl_func_call(func_of(self), (int)n, args, v, &out);
            PyObject *item = s == HL_OK ? py_expr_wrap(st, out) : py_raise_status(st, s);
            if (!item) {
                free_exprs(args, n);
                Py_DECREF(tuple);
                return NULL;
            }
            PyTuple_SET_ITEM(tuple, v, item);
        }
        free_exprs(args, n);
        return tuple;
    }
    return py_expr_wrap(st, out);
}

static int func_setitem(PyObject *self, PyObject *key, PyObject *value) {
    py_state *st = py_state_of(self);
    if (!value) {
        PyErr_SetString(PyExc_TypeError, "Func definitions can't be deleted");
        return -1;
    }
    if (PyObject_TypeCheck(value, st->PendingRef)) {
        py_pending_ref_object *p = (py_pending_ref_object *)value;
        if (p->value && p->func == self) return define_from_identity(st, self, p);
        pending_misuse(value, NULL); /* g[x] = f[x] of an undefined f */
        return -1;
    }
    hl_expr **args, **values;
    Py_ssize_t nargs, nvalues;
    PyObject *items = PyTuple_Check(value) || PyList_Check(value) ? value : NULL;
    Py_ssize_t nitems = items ? PySequence_Size(items) : 1;
    for (Py_ssize_t i = 0; i < nitems; i++) {
        PyObject *v = items ? PySequence_GetItem(items, i) : Py_NewRef(value);
        if (!v) return -1;
        int undefined = PyObject_TypeCheck(v, st->Expr) && !((py_expr_object *)v)->expr;
        Py_DECREF(v);
        if (undefined) {
            PyErr_Format(st->HalideError, "Undefined expression in definition of Func \"%s\"",
                         hl_func_name(func_of(self)));
            return -1;
        }
    }
    PyObject *vals = PyTuple_Check(value) || PyList_Check(value) ? PySequence_Tuple(value)
                                                                  : PyTuple_Pack(1, value);
    if (!vals) return -1;
    int rc = index_exprs(st, vals, &values, &nvalues);
    Py_DECREF(vals);
    if (rc < 0) return -1;
    /* The placeholder _ on the left stands for as many implicit Vars as the right uses. */
    int implicit = 0, found;
    for (Py_ssize_t i = 0; i < nvalues; i++) {
        int c = hl_expr_implicit_count(values[i]);
        if (c > implicit) implicit = c;
    }
    PyObject *lhs = py_expand_placeholder(st, key, 0, implicit, &found);
    if (lhs && !found && implicit > 0) {
        Py_CLEAR(lhs);
        PyErr_Format(st->HalideError,
                     "Right-hand-side of update definition of %s uses implicit variables, but the "
                     "left-hand-side does not contain the placeholder symbol '_'.",
                     hl_func_name(func_of(self)));
    }
    rc = lhs ? index_exprs(st, lhs, &args, &nargs) : -1;
    Py_XDECREF(lhs);
    if (rc < 0) {
        free_exprs(values, nvalues);
        return -1;
    }
    /* The first definition is the pure one; later ones are updates. */
    hl_func *f = func_of(self);
    hl_status s = hl_func_defined(f) ? hl_func_define_update(f, (int)nargs, args, (int)nvalues, values)
                                     : hl_func_define(f, (int)nargs, args, (int)nvalues, values);
    free_exprs(args, nargs);
    free_exprs(values, nvalues);
    if (s != HL_OK) {
        py_raise_status(st, s);
        return -1;
    }
    return 0;
}

/* ---- Realization (shared with py_pipeline.c) ----------------------------------------------- */

static PyObject *realize_into(py_state *st, const py_realize_target *t, PyObject *buffers) {
    Py_ssize_t n = PyList_GET_SIZE(buffers);
    hl_buffer *outs[64];
    if (n > 64) {
        PyErr_SetString(PyExc_ValueError, "too many output buffers");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (!(outs[i] = py_buffer_get(st, PyList_GET_ITEM(buffers, i)))) return NULL;
    /* Compiling touches front-end objects: keep the GIL. Running does not. */
    hl_status s = t->compile(t->target);
    if (s != HL_OK) return py_raise_status(st, s);
    Py_BEGIN_ALLOW_THREADS s = t->realize(t->target, (int)n, outs);
    Py_END_ALLOW_THREADS if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

/* The sizes of realize([w, h, ...]) as int32 extents; -1 with an exception. */
static int sizes_of(py_state *st, PyObject *seq, int dims, const char *name, int32_t *extents) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n != dims) {
        PyErr_Format(st->HalideError,
                     "Func %s is defined with %d dimension%s, but realize() is requesting a "
                     "realization with %zd dimension%s",
                     name, dims, dims == 1 ? "" : "s", n, n == 1 ? "" : "s");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred()) return -1;
        if (v < 0) {
            PyErr_Format(st->HalideError, "realize(): size %ld of dimension %zd is negative", v, i);
            return -1;
        }
        if (v > INT32_MAX) {
            PyErr_Format(PyExc_TypeError, "realize(): size %ld of dimension %zd does not fit in a 32-bit int",
                         v, i);
            return -1;
        }
        extents[i] = (int32_t)v;
    }
    return 0;
}

/* infer_input_bounds(sizes or Buffer(s)): every ImageParam the pipeline reads that has no
 * Buffer gets one (zero-filled) covering what realizing over that region would read, found
 * with a bounds query as Halide does. ImageParams that are bound are left alone. */
PyObject *py_infer_input_bounds(py_state *st, const py_realize_target *t, PyObject *dst) {
    int32_t extents[64];
    int total = 0, nparams = 0;
    hl_param **params = NULL;
    hl_buffer *query[64] = {0};
    hl_param *bound[64] = {0};
    int nbound = 0;
    for (int o = 0; o < t->noutputs; o++) total += hl_func_num_values(t->outputs[o]);
    if (total > 64) {
        PyErr_SetString(PyExc_ValueError, "too many output buffers");
        return NULL;
    }
    /* The region: sizes, or the extents of the Buffer(s) given. */
    PyObject *first = PyObject_TypeCheck(dst, st->Buffer) ? dst
                      : PyList_Check(dst) && PyList_GET_SIZE(dst) && PyObject_TypeCheck(PyList_GET_ITEM(dst, 0), st->Buffer)
                          ? PyList_GET_ITEM(dst, 0)
                          : NULL;
    PyObject *seq;
    if (first) {
        PyObject *shape = PyObject_CallMethod(first, "dimensions", NULL);
        long dims = shape ? PyLong_AsLong(shape) : -1;
        Py_XDECREF(shape);
        if (dims < 0) return NULL;
        seq = PyList_New(dims);
        for (long d = 0; seq && d < dims; d++) {
            PyObject *dim = PyObject_CallMethod(first, "dim", "l", d);
            PyObject *e = dim ? PyObject_CallMethod(dim, "extent", NULL) : NULL;
            Py_XDECREF(dim);
            if (!e) Py_CLEAR(seq);
            else PyList_SET_ITEM(seq, d, e);
        }
        if (!seq) return NULL;
        Py_SETREF(seq, PySequence_Fast(seq, "sizes"));
    } else {
        seq = PySequence_Fast(dst, "infer_input_bounds takes a list of sizes or Buffers");
    }
    if (!seq) return NULL;
    hl_status s = hl_infer_arguments(t->noutputs, t->outputs, &nparams, &params);
    PyObject *result = NULL;
    int k = 0;
    for (int o = 0; o < t->noutputs && s == HL_OK; o++) {
        hl_func *f = t->outputs[o];
        int dims = hl_func_dimensions(f);
        if (sizes_of(st, seq, dims, hl_func_name(f), extents) < 0) goto done;
        for (int v = 0; v < hl_func_num_values(f) && s == HL_OK; v++)
            s = hl_buffer_new_bounds_query(hl_func_value_type(f, v), dims, extents, &query[k++]);
    }
    for (int i = 0; i < nparams && s == HL_OK && nbound < 64; i++) {
        hl_param *p = params[i];
        if (!hl_param_is_buffer(p) || hl_image_param_get(p)) continue;
        int32_t zeros[16] = {0};
        hl_buffer *q = NULL;
        s = hl_buffer_new_bounds_query(hl_param_type(p), hl_param_dimensions(p), zeros, &q);
        if (s == HL_OK) s = hl_image_param_set(p, q);
        hl_buffer_release(q);
        if (s == HL_OK) bound[nbound++] = p;
    }
    if (s == HL_OK) s = t->compile(t->target);
    if (s == HL_OK) s = t->bounds_query(t->target, total, query);
    for (int i = 0; i < nbound && s == HL_OK; i++) {
        const halide_buffer_t *q = hl_buffer_raw(hl_image_param_get(bound[i]));
        int32_t mins[16], exts[16];
        for (int d = 0; d < q->dimensions && d < 16; d++) {
            mins[d] = q->dim[d].min;
            exts[d] = q->dim[d].extent;
        }
        hl_buffer *b = NULL;
        s = hl_buffer_new(hl_param_type(bound[i]), q->dimensions, exts, mins, &b);
        if (s == HL_OK) s = hl_image_param_set(bound[i], b);
        hl_buffer_release(b);
    }
    if (s == HL_OK) result = Py_NewRef(Py_None);
    else py_raise_status(st, s);
done:
    if (!result)
        for (int i = 0; i < nbound; i++) hl_image_param_set(bound[i], NULL);
    for (int i = 0; i < total; i++) hl_buffer_release(query[i]);
    hl_free_arguments(nparams, params);
    Py_DECREF(seq);
    return result;
}

PyObject *py_realize(py_state *st, const py_realize_target *t, PyObject *what) {
    for (int o = 0; o < t->noutputs; o++)
        if (!hl_func_defined(t->outputs[o])) {
            PyErr_Format(st->HalideError, "Can't realize undefined Func %s", hl_func_name(t->outputs[o]));
            return NULL;
        }
    if (what && PyObject_TypeCheck(what, st->Buffer)) {
        PyObject *list = PyList_New(1);
        if (!list) return NULL;
        PyList_SET_ITEM(list, 0, Py_NewRef(what));
        PyObject *r = realize_into(st, t, list);
        Py_DECREF(list);
        return r;
    }
    if (what && (PyUnicode_Check(what) || PyBytes_Check(what))) {
        PyErr_SetString(PyExc_TypeError, "realize() takes a list of sizes or Buffers");
        return NULL;
    }
    PyObject *seq = what ? PySequence_Fast(what, "realize() takes a list of sizes or Buffers") : PyList_New(0);
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > 0 && PyObject_TypeCheck(PySequence_Fast_GET_ITEM(seq, 0), st->Buffer)) {
        PyObject *list = PySequence_List(seq);
        Py_DECREF(seq);
        if (!list) return NULL;
        PyObject *r = realize_into(st, t, list);
        Py_DECREF(list);
        return r;
    }
    int32_t extents[64];
    if (n > 64) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "too many dimensions");
        return NULL;
    }
    int total = 0;
    for (int o = 0; o < t->noutputs; o++) total += hl_func_num_values(t->outputs[o]);
    if (total > 64) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "too many output buffers");
        return NULL;
    }
    /* A bounds query first: a split tail may write beyond the requested region (RoundUp,
     * ShiftInwards on a small output). Buffers cover what is written and are cropped back
     * to the request, as Halide's realize does. */
    hl_buffer *query[64] = {0}, *full[64] = {0};
    int dims_of[64];
    hl_status s = HL_OK;
    int k = 0;
    for (int o = 0; o < t->noutputs && s == HL_OK; o++) {
        hl_func *f = t->outputs[o];
        int dims = hl_func_dimensions(f);
        if (sizes_of(st, seq, dims, hl_func_name(f), extents) < 0) {
            s = HL_ERROR_USER;
            break;
        }
        for (int v = 0; v < hl_func_num_values(f) && s == HL_OK; v++, k++) {
            dims_of[k] = dims;
            s = hl_buffer_new_bounds_query(hl_func_value_type(f, v), dims, extents, &query[k]);
        }
    }
    Py_DECREF(seq);
    bool raised = s == HL_ERROR_USER && PyErr_Occurred();
    if (s == HL_OK) s = t->compile(t->target);
    if (s == HL_OK) s = t->bounds_query(t->target, total, query);
    for (int i = 0; i < total && s == HL_OK; i++) {
        halide_buffer_t *q = hl_buffer_raw(query[i]);
        int32_t mins[64], exts[64];
        for (int d = 0; d < dims_of[i]; d++) {
            mins[d] = q->dim[d].min;
            exts[d] = q->dim[d].extent;
            if (mins[d] > 0) { /* never smaller than the request */
                exts[d] += mins[d];
                mins[d] = 0;
            }
            if (mins[d] + exts[d] < extents[d]) exts[d] = extents[d] - mins[d];
        }
        s = hl_buffer_new(hl_type_make(q->type.code, q->type.bits, 1), dims_of[i], exts, mins, &full[i]);
    }
    PyObject *buffers = s == HL_OK ? PyList_New(total) : NULL;
    for (int i = 0; buffers && i < total; i++) {
        hl_buffer_retain(full[i]);
        PyObject *item = py_buffer_wrap(st, full[i]);
        if (!item) Py_CLEAR(buffers);
        else PyList_SET_ITEM(buffers, i, item);
    }
    PyObject *r = buffers ? realize_into(st, t, buffers) : NULL;
    Py_XDECREF(r);
    /* Crop back to the requested region [0, extent). */
    for (int i = 0; r && i < total && s == HL_OK; i++)
        for (int d = 0; d < dims_of[i] && s == HL_OK; d++) s = hl_buffer_crop(full[i], d, 0, extents[d]);
    PyObject *result = NULL;
    if (r && s == HL_OK) {
        result = total == 1 ? Py_NewRef(PyList_GET_ITEM(buffers, 0)) : PyList_AsTuple(buffers);
    } else if (!PyErr_Occurred() && !raised) {
        py_raise_status(st, s);
    }
    Py_XDECREF(buffers);
    for (int i = 0; i < total; i++) {
        hl_buffer_release(query[i]);
        hl_buffer_release(full[i]);
    }
    return result;
}

static hl_status compile_func(void *f) { return hl_func_compile_jit(f); }
static hl_status realize_func(void *f, int n, hl_buffer *const *b) { return hl_func_realize(f, n, b); }
static hl_status query_func(void *f, int n, hl_buffer *const *b) { return hl_func_bounds_query(f, n, b); }

static PyObject *func_realize(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"sizes", "target", NULL};
    PyObject *what = NULL, *target = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO:realize", kwlist, &what, &target)) return NULL;
    hl_func *f = func_of(self);
    py_realize_target t = {f, compile_func, realize_func, query_func, 1, &f};
    return py_realize(st, &t, what);
}

static PyObject *func_infer_input_bounds(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"dst", "target", NULL};
    PyObject *dst, *target = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:infer_input_bounds", kwlist, &dst, &target)) return NULL;
    hl_func *f = func_of(self);
    py_realize_target t = {f, compile_func, realize_func, query_func, 1, &f};
    return py_infer_input_bounds(st, &t, dst);
}

static PyObject *func_compile_jit(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"target", NULL};
    PyObject *target = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:compile_jit", kwlist, &target)) return NULL;
    hl_status s = hl_func_compile_jit(func_of(self));
    if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

static PyObject *func_compile_to_lowered_stmt(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"filename", "arguments", "fmt", "target", NULL};
    const char *filename;
    PyObject *arguments = NULL, *fmt = NULL, *target = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s|OOO:compile_to_lowered_stmt", kwlist,
                                     &filename, &arguments, &fmt, &target))
        return NULL;
    char *text;
    hl_status s = hl_func_lowered_stmt(func_of(self), &text);
    if (s != HL_OK) return py_raise_status(st, s);
    return py_write_stmt(filename, text, fmt, hl_func_name(func_of(self)));
}

/* ---- Tracing --------------------------------------------------------------------------------- */

static PyObject *func_trace(PyObject *self, int kinds) {
    hl_status s = hl_func_trace(func_of(self), kinds);
    if (s != HL_OK) return py_raise_status(py_state_of(self), s);
    return Py_NewRef(self);
}

static PyObject *func_trace_loads(PyObject *self, PyObject *u) { return func_trace(self, HL_TRACE_LOADS); }
static PyObject *func_trace_stores(PyObject *self, PyObject *u) { return func_trace(self, HL_TRACE_STORES); }
static PyObject *func_trace_realizations(PyObject *self, PyObject *u) {
    return func_trace(self, HL_TRACE_REALIZATIONS);
}

/* atomic(override_associativity_test=False) on the pure definition: it writes each point once,
 * so there is nothing to make atomic (update stages: Stage.atomic). Returns the Func. */
static PyObject *func_atomic(PyObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"override_associativity_test", NULL};
    int override = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|p:atomic", kwlist, &override)) return NULL;
    return Py_NewRef(self);
}

/* ---- Wrappers ---------------------------------------------------------------------------- */

/* A new Func object for f (steals the reference). */
PyObject *py_func_wrap(py_state *st, hl_func *f) {
    py_func_object *o = (py_func_object *)PyType_GenericAlloc(st->Func, 0);
    if (!o) {
        hl_func_release(f);
        return NULL;
    }
    o->func = f;
    return (PyObject *)o;
}

static PyObject *wrapper_of(PyObject *self, PyObject *args, bool clone) {
    py_state *st = py_state_of(self);
    PyObject *consumer = NULL;
    if (!PyArg_ParseTuple(args, clone ? "O:clone_in" : "|O:in_", &consumer)) return NULL;
    if (consumer && PyList_Check(consumer) && PyList_GET_SIZE(consumer) == 1)
        consumer = PyList_GET_ITEM(consumer, 0);
    const char *name = NULL;
    if (consumer && consumer != Py_None) {
        if (!PyObject_TypeCheck(consumer, st->Func)) {
            PyErr_Format(PyExc_TypeError, "%s() takes a Func, not %.100s", clone ? "clone_in" : "in_",
                         Py_TYPE(consumer)->tp_name);
            return NULL;
        }
        name = hl_func_name(((py_func_object *)consumer)->func);
    }
    hl_func *w;
    hl_status s = clone ? hl_func_clone_in(func_of(self), name, &w) : hl_func_in(func_of(self), name, &w);
    if (s != HL_OK) return py_raise_status(st, s);
    return py_func_wrap(st, w);
}

static PyObject *func_in(PyObject *self, PyObject *args) { return wrapper_of(self, args, false); }
static PyObject *func_clone_in(PyObject *self, PyObject *args) { return wrapper_of(self, args, true); }

PyObject *py_write_stmt(const char *filename, char *text, PyObject *fmt, const char *title) {
    long f = fmt && fmt != Py_None ? PyLong_AsLong(fmt) : 0;
    if (f == -1 && PyErr_Occurred()) {
        hl_string_free(text);
        return NULL;
    }
    if (f != 0 && f != 1) {
        hl_string_free(text);
        PyErr_Format(PyExc_ValueError, "compile_to_lowered_stmt: fmt must be StmtOutputFormat.Text or .HTML");
        return NULL;
    }
    if (f == 1) {
        char *html = hl_stmt_html(text, title);
        hl_string_free(text);
        if (!html) return PyErr_NoMemory();
        text = html;
    }
    return py_write_text(filename, text);
}

PyObject *py_write_text(const char *filename, char *text) {
    FILE *fp = fopen(filename, "w");
    if (!fp) {
        hl_string_free(text);
        return PyErr_SetFromErrnoWithFilename(PyExc_OSError, filename);
    }
    fputs(text, fp);
    fclose(fp);
    hl_string_free(text);
    Py_RETURN_NONE;
}

/* ---- Queries ---------------------------------------------------------------------------------- */

static int require_defined(py_state *st, hl_func *f) {
    if (hl_func_defined(f)) return 0;
    PyErr_Format(st->HalideError, "Func %s is not defined", hl_func_name(f));
    return -1;
}

static PyObject *func_name(PyObject *self, PyObject *unused) {
    return PyUnicode_FromString(hl_func_name(func_of(self)));
}
static PyObject *func_defined(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(hl_func_defined(func_of(self)));
}
static int require_defined(py_state *st, hl_func *f);

static PyObject *func_dimensions(PyObject *self, PyObject *unused) {
    if (require_defined(py_state_of(self), func_of(self)) < 0) return NULL;
    return PyLong_FromLong(hl_func_dimensions(func_of(self)));
}
static PyObject *func_outputs(PyObject *self, PyObject *unused) {
    return PyLong_FromLong(hl_func_num_values(func_of(self)));
}
static PyObject *func_has_update(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(hl_func_num_updates(func_of(self)) > 0);
}
static PyObject *func_num_updates(PyObject *self, PyObject *unused) {
    return PyLong_FromLong(hl_func_num_updates(func_of(self)));
}

/* The update index argument (default 0) as a 1-based stage; -1 with an exception. */
static int stage_arg(PyObject *self, PyObject *args) {
    py_state *st = py_state_of(self);
    int i = 0;
    if (!PyArg_ParseTuple(args, "|i", &i)) return -1;
    if (i < 0 || i >= hl_func_num_updates(func_of(self))) {
        PyErr_Format(st->HalideError, "Func %s has %d update definition%s; there is no update %d",
                     hl_func_name(func_of(self)), hl_func_num_updates(func_of(self)),
                     hl_func_num_updates(func_of(self)) == 1 ? "" : "s", i);
        return -1;
    }
    return i + 1;
}

static PyObject *func_rvars(PyObject *self, PyObject *args) {
    int stage = stage_arg(self, args);
    return stage < 0 ? NULL : py_rvars_of(py_state_of(self), func_of(self), stage);
}

static PyObject *func_update(PyObject *self, PyObject *args) {
    int stage = stage_arg(self, args);
    return stage < 0 ? NULL : py_stage_wrap(py_state_of(self), func_of(self), stage);
}

static PyObject *update_exprs(PyObject *self, PyObject *args, bool values) {
    py_state *st = py_state_of(self);
    int stage = stage_arg(self, args);
    if (stage < 0) return NULL;
    hl_func *f = func_of(self);
    int n = values ? hl_func_num_values(f) : hl_func_dimensions(f);
    PyObject *list = PyList_New(n);
    for (int i = 0; list && i < n; i++) {
        hl_expr *e = (hl_expr *)(values ? hl_func_update_value(f, stage, i) : hl_func_update_arg(f, stage, i));
        hl_expr_retain(e);
        PyObject *item = py_expr_wrap(st, e);
        if (!item) Py_CLEAR(list);
        else PyList_SET_ITEM(list, i, item);
    }
    return list;
}

static PyObject *func_update_args(PyObject *self, PyObject *args) { return update_exprs(self, args, false); }
static PyObject *func_update_values(PyObject *self, PyObject *args) {
    PyObject *list = update_exprs(self, args, true);
    if (!list) return NULL;
    PyObject *t = PyList_AsTuple(list);
    Py_DECREF(list);
    return t;
}
static PyObject *func_update_value(PyObject *self, PyObject *args) {
    PyObject *list = update_exprs(self, args, true);
    if (!list) return NULL;
    PyObject *first = Py_NewRef(PyList_GET_ITEM(list, 0));
    Py_DECREF(list);
    return first;
}

static PyObject *func_specialize(PyObject *self, PyObject *cond) {
    py_state *st = py_state_of(self);
    hl_expr *c;
    if (py_as_expr(st, cond, &c) < 0) return NULL;
    int index = 0;
    hl_status s = hl_func_specialize(func_of(self), c, &index);
    hl_expr_release(c);
    if (s != HL_OK) return py_raise_status(st, s);
    PyObject *stage = py_stage_wrap(st, func_of(self), 0);
    if (stage) ((py_stage_object *)stage)->spec = index;
    return stage;
}

static PyObject *func_specialize_fail(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    const char *msg = PyUnicode_AsUTF8(arg);
    if (!msg) return NULL;
    hl_status s = hl_func_specialize_fail(func_of(self), msg);
    if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

static PyObject *func_allow_race(PyObject *self, PyObject *unused) {
    hl_status s = hl_func_allow_race_conditions(func_of(self), 0);
    if (s != HL_OK) return py_raise_status(py_state_of(self), s);
    return Py_NewRef(self);
}

static PyObject *func_args(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    hl_func *f = func_of(self);
    int n = hl_func_dimensions(f);
    PyObject *list = PyList_New(n);
    for (int i = 0; list && i < n; i++) {
        PyObject *v = PyObject_CallFunction((PyObject *)st->Var, "s", hl_func_arg_name(f, i));
        if (!v) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, v);
    }
    return list;
}

static PyObject *func_type(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    hl_func *f = func_of(self);
    if (require_defined(st, f) < 0) return NULL;
    if (hl_func_num_values(f) != 1) {
        PyErr_Format(st->HalideError, "Func %s has %d values; use types()", hl_func_name(f),
                     hl_func_num_values(f));
        return NULL;
    }
    return py_type_wrap(st, hl_func_value_type(f, 0));
}

static PyObject *func_types(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    hl_func *f = func_of(self);
    if (require_defined(st, f) < 0) return NULL;
    int n = hl_func_num_values(f);
    PyObject *list = PyList_New(n);
    for (int i = 0; list && i < n; i++) {
        PyObject *t = py_type_wrap(st, hl_func_value_type(f, i));
        if (!t) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, t);
    }
    return list;
}

static PyObject *value_at(py_state *st, hl_func *f, int i) {
    hl_expr *e = (hl_expr *)hl_func_value(f, i);
    hl_expr_retain(e);
    return py_expr_wrap(st, e);
}

static PyObject *func_value(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    hl_func *f = func_of(self);
    if (require_defined(st, f) < 0) return NULL;
    if (hl_func_num_values(f) != 1) {
        PyErr_Format(st->HalideError, "Func %s has %d values; use values()", hl_func_name(f),
                     hl_func_num_values(f));
        return NULL;
    }
    return value_at(st, f, 0);
}

static PyObject *func_values(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    hl_func *f = func_of(self);
    if (require_defined(st, f) < 0) return NULL;
    int n = hl_func_num_values(f);
    PyObject *tuple = PyTuple_New(n);
    for (int i = 0; tuple && i < n; i++) {
        PyObject *v = value_at(st, f, i);
        if (!v) {
            Py_CLEAR(tuple);
            break;
        }
        PyTuple_SET_ITEM(tuple, i, v);
    }
    return tuple;
}

#define KW (PyCFunction)(void (*)(void))
static PyMethodDef func_methods[] = {
    {"realize", KW func_realize, METH_VARARGS | METH_KEYWORDS,
     "realize(sizes or buffers, target=None): compute the Func over a region."},
    {"compile_jit", KW func_compile_jit, METH_VARARGS | METH_KEYWORDS,
     "Compile the pipeline for the JIT now (realize does it when needed)."},
    {"trace_loads", func_trace_loads, METH_NOARGS, "Print (halide_trace) every load of this Func."},
    {"infer_input_bounds", KW func_infer_input_bounds, METH_VARARGS | METH_KEYWORDS,
     "infer_input_bounds(sizes or Buffer(s)): give every unbound ImageParam a Buffer covering what "
     "realizing over that region reads."},
    {"atomic", KW func_atomic, METH_VARARGS | METH_KEYWORDS,
     "atomic(override_associativity_test=False): for the pure definition, nothing to do; see Stage.atomic."},
    {"trace_stores", func_trace_stores, METH_NOARGS, "Print (halide_trace) every store to this Func."},
    {"trace_realizations", func_trace_realizations, METH_NOARGS,
     "Print (halide_trace) the realizations, productions and consumptions of this Func."},
    {"compile_to_lowered_stmt", KW func_compile_to_lowered_stmt, METH_VARARGS | METH_KEYWORDS,
     "Write the lowered statement as text."},
    {"name", func_name, METH_NOARGS, NULL},
    {"defined", func_defined, METH_NOARGS, NULL},
    {"dimensions", func_dimensions, METH_NOARGS, NULL},
    {"outputs", func_outputs, METH_NOARGS, NULL},
    {"args", func_args, METH_NOARGS, NULL},
    {"type", func_type, METH_NOARGS, NULL},
    {"types", func_types, METH_NOARGS, NULL},
    {"output_types", func_types, METH_NOARGS, NULL},
    {"value", func_value, METH_NOARGS, NULL},
    {"values", func_values, METH_NOARGS, NULL},
    {"has_update_definition", func_has_update, METH_NOARGS, NULL},
    {"update", func_update, METH_VARARGS, "update(i=0): the Stage of update definition i."},
    {"rvars", func_rvars, METH_VARARGS, "rvars(i=0): the RVars update definition i iterates over."},
    {"update_args", func_update_args, METH_VARARGS, "update_args(i=0): the arguments of update i."},
    {"update_value", func_update_value, METH_VARARGS, "update_value(i=0): the value of update i."},
    {"update_values", func_update_values, METH_VARARGS, "update_values(i=0): the values of update i."},
    {"allow_race_conditions", func_allow_race, METH_NOARGS, "Allow parallel/vectorized loops that may race."},
    {"specialize", func_specialize, METH_O,
     "specialize(condition): a Stage whose loop schedule is used when the condition holds."},
    {"specialize_fail", func_specialize_fail, METH_O,
     "specialize_fail(message): fail with the message when no specialization applies."},
    {"in_", func_in, METH_VARARGS,
     "in_(consumer=None): a wrapper Func that stands in for this one in consumer's calls (all "
     "consumers' when None)."},
    {"clone_in", func_clone_in, METH_VARARGS,
     "clone_in(consumer): a copy of this Func used by consumer only."},
    {"split", KW py_func_split, METH_VARARGS | METH_KEYWORDS,
     "split(old, outer, inner, factor, tail=TailStrategy.Auto): split a loop in two."},
    {"fuse", py_func_fuse, METH_VARARGS, "fuse(inner, outer, fused): join two loops."},
    {"rename", py_func_rename, METH_VARARGS, "rename(old, new): rename a loop."},
    {"reorder", py_func_reorder, METH_VARARGS, "reorder(vars...): loop order, innermost first."},
    {"reorder_storage", py_func_reorder_storage, METH_VARARGS,
     "reorder_storage(vars...): storage order, innermost first."},
    {"serial", py_func_serial, METH_VARARGS, "serial(var): run a loop serially."},
    {"parallel", KW py_func_parallel, METH_VARARGS | METH_KEYWORDS,
     "parallel(var, task_size=None, tail=TailStrategy.Auto): run a loop's iterations in parallel."},
    {"vectorize", KW py_func_vectorize, METH_VARARGS | METH_KEYWORDS,
     "vectorize(var, factor=None, tail=TailStrategy.Auto): run a loop as SIMD vectors."},
    {"unroll", KW py_func_unroll, METH_VARARGS | METH_KEYWORDS,
     "unroll(var, factor=None, tail=TailStrategy.Auto): unroll a loop."},
    {"tile", KW py_func_tile, METH_VARARGS | METH_KEYWORDS,
     "tile(x, y, [xo, yo,] xi, yi, xfactor, yfactor, tail=TailStrategy.Auto)."},
    {"compute_root", py_func_compute_root, METH_NOARGS, "Compute all of the Func before it is used."},
    {"compute_inline", py_func_compute_inline, METH_NOARGS, "Compute the Func where it is used."},
    {"compute_at", py_func_compute_at, METH_VARARGS,
     "compute_at(f, var) or compute_at(LoopLevel): compute inside a loop of a consumer."},
    {"store_root", py_func_store_root, METH_NOARGS, "Allocate the Func's storage outside all loops."},
    {"store_at", py_func_store_at, METH_VARARGS,
     "store_at(f, var) or store_at(LoopLevel): allocate inside a loop of a consumer."},
    {"hoist_storage", py_func_hoist_storage, METH_VARARGS,
     "hoist_storage(f, var) or hoist_storage(LoopLevel): hoist the allocation."},
    {"hoist_storage_root", py_func_hoist_storage_root, METH_NOARGS, "Hoist the allocation to the root."},
    {"bound", py_func_bound, METH_VARARGS, "bound(var, min, extent): compute exactly this range."},
    {"bound_extent", py_func_bound_extent, METH_VARARGS, "bound_extent(var, extent)."},
    {"set_estimate", py_func_set_estimate, METH_VARARGS, "set_estimate(var, min, extent): a size hint."},
    {"set_estimates", py_func_set_estimates, METH_VARARGS, "set_estimates([(min, extent), ...])."},
    {"align_bounds", py_func_align_bounds, METH_VARARGS,
     "align_bounds(var, modulus, remainder=0): round the computed range outwards."},
    {"align_extent", py_func_align_extent, METH_VARARGS,
     "align_extent(var, modulus): round the computed extent up."},
    {"align_storage", py_func_align_storage, METH_VARARGS,
     "align_storage(var, alignment): round the storage extent up."},
    {"always_partition", py_func_partition_hint, METH_VARARGS, "A loop partitioning hint."},
    {"never_partition", py_func_partition_hint, METH_VARARGS, "A loop partitioning hint."},
    {"always_partition_all", py_func_partition_all_hint, METH_NOARGS, "A loop partitioning hint."},
    {"never_partition_all", py_func_partition_all_hint, METH_NOARGS, "A loop partitioning hint."},
    {"print_loop_nest", py_func_print_loop_nest, METH_NOARGS, "Print the loop nest of the pipeline."},
    {"num_update_definitions", func_num_updates, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};
#undef KW

static PyType_Slot func_slots[] = {
    {Py_tp_init, func_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, func_dealloc},
    {Py_tp_repr, func_repr},
    {Py_tp_methods, func_methods},
    {Py_mp_subscript, func_getitem},
    {Py_mp_ass_subscript, func_setitem},
    {Py_tp_doc, "A Halide function: a pure definition over integer coordinates."},
    {0, NULL},
};

static PyType_Spec func_spec = {
    .name = "halide.Func",
    .basicsize = sizeof(py_func_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = func_slots,
};

int py_func_init(PyObject *module, py_state *st) {
    st->Func = (PyTypeObject *)PyType_FromModuleAndSpec(module, &func_spec, NULL);
    if (!st->Func) return -1;
    return PyModule_AddObjectRef(module, "Func", (PyObject *)st->Func);
}
