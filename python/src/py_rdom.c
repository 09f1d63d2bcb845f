/* py_rdom.c - halide.RDom, halide.RVar, halide.Stage and the inline reductions.
 *
 * Python sketch:
 *     class RDom(Expr):                     # a 1-D RDom is usable as its RVar
 *         def __init__(self, bounds_or_buffer, name=None)  # [(min, extent)...], [Range...],
 *                                                          # a Buffer or an ImageParam
 *         x, y, z, w -> RVar; r[i] -> RVar; len(r); dimensions(); name(); where(pred) -> RDom
 *     class RVar(Expr):  name(), min(), extent()
 *     class Stage:                          # f.update(i): the loops of an update definition
 *         split, fuse, rename, reorder, tile, vectorize, unroll, parallel, serial,
 *         allow_race_conditions(), atomic()   # each returns the Stage
 *         rfactor([(RVar, Var)...]) or rfactor(RVar, Var) -> Func   # the intermediate
 *     def sum(e, name=None), product, maximum, minimum -> Expr
 *     def argmax(e, name=None), argmin -> tuple of Exprs (coordinates..., value)
 */
#include "py_state.h"

#include <stdatomic.h>
#include <stdbool.h>

typedef struct {
    py_expr_object base; /* r.x for a 1-D RDom, else undefined */
    hl_rdom *rdom;
} py_rdom_object;

static hl_rdom *rdom_of(PyObject *self) { return ((py_rdom_object *)self)->rdom; }

static PyObject *make_rvar(py_state *st, hl_rdom *r, long i) {
    if (i < 0 || i >= hl_rdom_dimensions(r)) {
        PyErr_Format(PyExc_IndexError, "RDom %s has %d dimension%s; there is no RVar %ld", hl_rdom_name(r),
                     hl_rdom_dimensions(r), hl_rdom_dimensions(r) == 1 ? "" : "s", i);
        return NULL;
    }
    hl_expr *e;
    hl_status s = hl_rdom_var(r, (int)i, &e);
    if (s != HL_OK) return py_raise_status(st, s);
    py_expr_object *o = PyObject_New(py_expr_object, st->RVar);
    if (!o) {
        hl_expr_release(e);
        return NULL;
    }
    o->expr = e;
    return (PyObject *)o;
}

/* (min, extent) pairs from a list of pairs/Ranges, a Buffer or an ImageParam. */
static int rdom_bounds(py_state *st, PyObject *src, hl_expr **mins, hl_expr **extents, int *n) {
    *n = 0;
    PyObject *list = NULL;
    if (PyObject_TypeCheck(src, st->Buffer) || PyObject_TypeCheck(src, st->ImageParam)) {
        PyObject *dims = PyObject_CallMethod(src, "dimensions", NULL);
        if (!dims) return -1;
        long nd = PyLong_AsLong(dims);
        Py_DECREF(dims);
        list = PyList_New(0);
        for (long d = 0; list && d < nd; d++) {
            PyObject *dim = PyObject_CallMethod(src, "dim", "l", d);
            PyObject *mn = dim ? PyObject_CallMethod(dim, "min", NULL) : NULL;
            PyObject *ex = dim ? PyObject_CallMethod(dim, "extent", NULL) : NULL;
            PyObject *pair = mn && ex ? PyTuple_Pack(2, mn, ex) : NULL;
            Py_XDECREF(dim);
            Py_XDECREF(mn);
            Py_XDECREF(ex);
            if (!pair || PyList_Append(list, pair) < 0) Py_CLEAR(list);
            Py_XDECREF(pair);
        }
        if (!list) return -1;
    } else {
        list = PySequence_List(src);
        if (!list) return -1;
    }
    Py_ssize_t count = PyList_GET_SIZE(list);
    if (count < 1 || count > 16) {
        Py_DECREF(list);
        PyErr_SetString(PyExc_ValueError, "An RDom needs 1 to 16 (min, extent) pairs");
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GET_ITEM(list, i), *mn = NULL, *ex = NULL;
        if (PyTuple_Check(item) || PyList_Check(item)) {
            if (PySequence_Size(item) != 2) {
                PyErr_SetString(PyExc_ValueError, "RDom bounds are (min, extent) pairs");
                goto fail;
            }
            mn = PySequence_GetItem(item, 0);
            ex = PySequence_GetItem(item, 1);
        } else { /* hl.Range */
            mn = PyObject_GetAttrString(item, "min");
            ex = mn ? PyObject_GetAttrString(item, "extent") : NULL;
        }
        int ok = mn && ex && py_as_expr(st, mn, &mins[i]) == 0 && py_as_expr(st, ex, &extents[i]) == 0;
        Py_XDECREF(mn);
        Py_XDECREF(ex);
        *n = (int)i + 1;
        if (!ok) goto fail;
    }
    Py_DECREF(list);
    return 0;
fail:
    Py_DECREF(list);
    return -1;
}

static int rdom_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"bounds", "name", NULL};
    PyObject *src;
    const char *name = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|z:RDom", kwlist, &src, &name)) return -1;
    hl_expr *mins[16] = {0}, *extents[16] = {0};
    int n = 0;
    int rc = rdom_bounds(st, src, mins, extents, &n);
    py_rdom_object *o = (py_rdom_object *)self;
    if (rc == 0) {
        hl_rdom_release(o->rdom);
        o->rdom = NULL;
        hl_expr_release(o->base.expr);
        o->base.expr = NULL;
        hl_status s = hl_rdom_new(n, mins, extents, name, &o->rdom);
        if (s == HL_OK && n == 1) s = hl_rdom_var(o->rdom, 0, &o->base.expr);
        if (s != HL_OK) {
            py_raise_status(st, s);
            rc = -1;
        }
    }
    for (int i = 0; i < 16; i++) {
        hl_expr_release(mins[i]);
        hl_expr_release(extents[i]);
    }
    return rc;
}

static void rdom_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    hl_rdom_release(rdom_of(self));
    hl_expr_release(((py_expr_object *)self)->expr);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *rdom_repr(PyObject *self) {
    return PyUnicode_FromFormat("<halide.RDom '%s' of %d dimension%s>", hl_rdom_name(rdom_of(self)),
                                hl_rdom_dimensions(rdom_of(self)), hl_rdom_dimensions(rdom_of(self)) == 1 ? "" : "s");
}

static PyObject *rdom_getattro(PyObject *self, PyObject *name) {
    const char *s = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    if (s && s[0] && !s[1] && strchr("xyzw", s[0]))
        return make_rvar(py_state_of(self), rdom_of(self), (long)(strchr("xyzw", s[0]) - "xyzw"));
    return PyObject_GenericGetAttr(self, name);
}

static PyObject *rdom_item(PyObject *self, Py_ssize_t i) { return make_rvar(py_state_of(self), rdom_of(self), (long)i); }
static Py_ssize_t rdom_len(PyObject *self) { return hl_rdom_dimensions(rdom_of(self)); }
static PyObject *rdom_dimensions(PyObject *self, PyObject *u) { return PyLong_FromLong(hl_rdom_dimensions(rdom_of(self))); }
static PyObject *rdom_name(PyObject *self, PyObject *u) { return PyUnicode_FromString(hl_rdom_name(rdom_of(self))); }

static PyObject *rdom_where(PyObject *self, PyObject *pred) {
    py_state *st = py_state_of(self);
    hl_expr *e;
    if (py_as_expr(st, pred, &e) < 0) return NULL;
    hl_status s = hl_rdom_where(rdom_of(self), e);
    hl_expr_release(e);
    if (s != HL_OK) return py_raise_status(st, s);
    return Py_NewRef(self);
}

static PyObject *rdom_same_as(PyObject *self, PyObject *other) {
    py_state *st = py_state_of(self);
    if (!PyObject_TypeCheck(other, st->RDom)) {
        PyErr_Format(PyExc_TypeError, "same_as() takes an RDom, not %.100s", Py_TYPE(other)->tp_name);
        return NULL;
    }
    return PyBool_FromLong(rdom_of(other) == rdom_of(self));
}

static PyMethodDef rdom_methods[] = {
    {"same_as", rdom_same_as, METH_O, "Whether two RDoms are the same one."},
    {"dimensions", rdom_dimensions, METH_NOARGS, NULL},
    {"name", rdom_name, METH_NOARGS, NULL},
    {"where", rdom_where, METH_O, "where(predicate): iterate only where it holds (ANDed with earlier ones)."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot rdom_slots[] = {
    {Py_tp_init, rdom_init},
    {Py_tp_dealloc, rdom_dealloc},
    {Py_tp_repr, rdom_repr},
    {Py_tp_str, rdom_repr},
    {Py_tp_getattro, rdom_getattro},
    {Py_tp_methods, rdom_methods},
    {Py_sq_item, rdom_item},
    {Py_sq_length, rdom_len},
    {Py_tp_doc, "A reduction domain: a box of RVars, with an optional predicate."},
    {0, NULL},
};

static PyType_Spec rdom_spec = {
    .name = "halide.RDom",
    .basicsize = sizeof(py_rdom_object),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = rdom_slots,
};

/* ---- RVar -------------------------------------------------------------------------------------- */

/* RVar(name=None): a name for a loop made by splitting RVars (Stage.split(r.x, ro, ri, 4)). */
static int rvar_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"name", NULL};
    const char *name = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|z:RVar", kwlist, &name)) return -1;
    static _Atomic unsigned long next_rvar = 0;
    char generated[32];
    if (!name || !name[0]) {
        snprintf(generated, sizeof generated, "rv%lu", atomic_fetch_add(&next_rvar, 1));
        name = generated;
    }
    py_expr_object *o = (py_expr_object *)self;
    hl_expr_release(o->expr);
    o->expr = NULL;
    hl_status s = hl_expr_var(name, &o->expr);
    if (s != HL_OK) {
        py_raise_status(st, s);
        return -1;
    }
    return 0;
}

static PyObject *rvar_bound(PyObject *self, bool want_min) {
    py_state *st = py_state_of(self);
    hl_expr *min, *extent;
    hl_status s = hl_rvar_bounds(((py_expr_object *)self)->expr, &min, &extent);
    if (s != HL_OK) return py_raise_status(st, s);
    hl_expr_release(want_min ? extent : min);
    return py_expr_wrap(st, want_min ? min : extent);
}

static PyObject *rvar_min(PyObject *self, PyObject *u) { return rvar_bound(self, true); }
static PyObject *rvar_extent(PyObject *self, PyObject *u) { return rvar_bound(self, false); }

static PyObject *rvar_name(PyObject *self, PyObject *u) {
    return PyUnicode_FromString(hl_expr_var_name(((py_expr_object *)self)->expr));
}

static PyObject *rvar_repr(PyObject *self) {
    return PyUnicode_FromFormat("<halide.RVar '%s'>", hl_expr_var_name(((py_expr_object *)self)->expr));
}

static PyMethodDef rvar_methods[] = {
    {"name", rvar_name, METH_NOARGS, NULL},
    {"min", rvar_min, METH_NOARGS, "The RVar's first value."},
    {"extent", rvar_extent, METH_NOARGS, "How many values the RVar takes."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot rvar_slots[] = {
    {Py_tp_init, rvar_init},
    {Py_tp_repr, rvar_repr},
    {Py_tp_str, rvar_name},
    {Py_tp_methods, rvar_methods},
    {Py_tp_doc, "A variable of an RDom."},
    {0, NULL},
};

static PyType_Spec rvar_spec = {
    .name = "halide.RVar",
    .basicsize = sizeof(py_expr_object),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = rvar_slots,
};

/* ---- Stage ------------------------------------------------------------------------------------- */

static PyObject *stage_allow_race(PyObject *self, PyObject *u) {
    py_state *st = py_state_of(self);
    py_stage_object *o = (py_stage_object *)self;
    hl_status s = hl_func_allow_race_conditions(o->func, o->stage);
    if (s != HL_OK) return py_raise_status(st, s);
    return Py_NewRef(self);
}

/* atomic(override_associativity_test=False) -> Stage */
static PyObject *stage_atomic(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    py_stage_object *o = (py_stage_object *)self;
    static char *kwlist[] = {"override_associativity_test", NULL};
    int override = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|p:atomic", kwlist, &override)) return NULL;
    hl_status s = hl_func_atomic(o->func, o->stage, override);
    if (s != HL_OK) return py_raise_status(st, s);
    return Py_NewRef(self);
}

/* The name of a Var or RVar argument (new reference to a str kept in `keep`), or NULL. */
static const char *var_name_of(py_state *st, PyObject *obj, const char *what, PyObject *keep) {
    hl_expr *e = NULL;
    if (py_as_expr(st, obj, &e) < 0) return NULL;
    const char *name = hl_expr_var_name(e);
    PyObject *str = name ? PyUnicode_FromString(name) : NULL;
    hl_expr_release(e);
    if (!name) {
        PyErr_Format(PyExc_TypeError, "rfactor: expected %s, got %R", what, obj);
        return NULL;
    }
    if (!str || PyList_Append(keep, str) < 0) {
        Py_XDECREF(str);
        return NULL;
    }
    Py_DECREF(str);
    return PyUnicode_AsUTF8(str);
}

/* rfactor(preserved: list of (RVar, Var)) or rfactor(r: RVar, v: Var) -> Func */
static PyObject *stage_rfactor(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    py_stage_object *o = (py_stage_object *)self;
    static char *kwlist[] = {"r", "v", NULL}, *kwlist1[] = {"preserved", NULL};
    PyObject *a = NULL, *b = NULL;
    bool two = PyTuple_GET_SIZE(args) + (kwds ? PyDict_GET_SIZE(kwds) : 0) == 2;
    if (two ? !PyArg_ParseTupleAndKeywords(args, kwds, "OO:rfactor", kwlist, &a, &b)
            : !PyArg_ParseTupleAndKeywords(args, kwds, "O:rfactor", kwlist1, &a))
        return NULL;
    PyObject *pairs = NULL, *keep = PyList_New(0);
    if (!keep) return NULL;
    if (two) pairs = Py_BuildValue("[(OO)]", a, b);
    else if (PySequence_Check(a) && !PyUnicode_Check(a)) pairs = PySequence_List(a);
    else PyErr_SetString(PyExc_TypeError, "rfactor takes a list of (RVar, Var) pairs, or an RVar and a Var");
    PyObject *result = NULL;
    Py_ssize_t n = pairs ? PyList_GET_SIZE(pairs) : 0;
    const char **names = pairs ? PyMem_Calloc((size_t)(2 * n + 2), sizeof(char *)) : NULL;
    if (pairs && !names) PyErr_NoMemory();
    bool ok = names != NULL;
    for (Py_ssize_t i = 0; ok && i < n; i++) {
        PyObject *pair = PyList_GET_ITEM(pairs, i);
        if (!PySequence_Check(pair) || PySequence_Size(pair) != 2 || !PyTuple_Check(pair)) {
            PyErr_SetString(PyExc_TypeError, "rfactor: each preserved entry must be an (RVar, Var) pair");
            ok = false;
            break;
        }
        names[i] = var_name_of(st, PyTuple_GET_ITEM(pair, 0), "an RVar", keep);
        names[n + 1 + i] = names[i] ? var_name_of(st, PyTuple_GET_ITEM(pair, 1), "a Var", keep) : NULL;
        ok = names[i] && names[n + 1 + i];
    }
    if (ok) {
        hl_func *intm = NULL;
        hl_status s = hl_func_rfactor(o->func, o->stage, (int)n, names, names + n + 1, &intm);
        result = s == HL_OK ? py_func_wrap(st, intm) : py_raise_status(st, s);
    }
    PyMem_Free(names);
    Py_XDECREF(pairs);
    Py_DECREF(keep);
    return result;
}

/* unscheduled(): marks a stage as left unscheduled on purpose (Halide uses it to silence an
 * auto-scheduler warning); nothing else changes. */
static PyObject *stage_unscheduled(PyObject *self, PyObject *u) { Py_RETURN_NONE; }

/* The stage's Func (for the Python-level GPU directives, halide/gpu.py). */
static PyObject *stage_func_for_gpu(PyObject *self, PyObject *u) {
    hl_func *f = ((py_stage_object *)self)->func;
    hl_func_retain(f);
    return py_func_wrap(py_state_of(self), f);
}

static PyObject *stage_repr(PyObject *self) {
    py_stage_object *o = (py_stage_object *)self;
    if (o->spec) return PyUnicode_FromFormat("<halide.Stage %s.specialization(%d)>", hl_func_name(o->func), o->spec);
    return PyUnicode_FromFormat("<halide.Stage %s.update(%d)>", hl_func_name(o->func), o->stage - 1);
}

static PyObject *stage_name(PyObject *self, PyObject *u) {
    py_stage_object *o = (py_stage_object *)self;
    return PyUnicode_FromFormat("%s.update(%d)", hl_func_name(o->func), o->stage - 1);
}

static void stage_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    hl_func_release(((py_stage_object *)self)->func);
    PyObject_Free(self);
    Py_DECREF(tp);
}

#define KW (PyCFunction)(void (*)(void))
static PyMethodDef stage_methods[] = {
    {"split", KW py_func_split, METH_VARARGS | METH_KEYWORDS, NULL},
    {"fuse", py_func_fuse, METH_VARARGS, NULL},
    {"rename", py_func_rename, METH_VARARGS, NULL},
    {"reorder", py_func_reorder, METH_VARARGS, NULL},
    {"serial", py_func_serial, METH_VARARGS, NULL},
    {"parallel", KW py_func_parallel, METH_VARARGS | METH_KEYWORDS, NULL},
    {"vectorize", KW py_func_vectorize, METH_VARARGS | METH_KEYWORDS, NULL},
    {"unroll", KW py_func_unroll, METH_VARARGS | METH_KEYWORDS, NULL},
    {"tile", KW py_func_tile, METH_VARARGS | METH_KEYWORDS, NULL},
    {"allow_race_conditions", stage_allow_race, METH_NOARGS, "Allow parallel/vectorized RVar loops."},
    {"atomic", (PyCFunction)(void (*)(void))stage_atomic, METH_VARARGS | METH_KEYWORDS, "atomic(override_associativity_test=False): each update is one atomic read-modify-write, so RVars may "
     "run in parallel or vectorized."},
    {"rfactor", KW stage_rfactor, METH_VARARGS | METH_KEYWORDS,
     "rfactor(preserved) or rfactor(r, v): factor this associative update through a new Func whose pure "
     "dimensions include the preserved RVars (as the given Vars); returns that Func."},
    {"name", stage_name, METH_NOARGS, NULL},
    {"unscheduled", stage_unscheduled, METH_NOARGS, "Mark the stage as deliberately unscheduled."},
    {"_func_for_gpu", stage_func_for_gpu, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};
#undef KW

static PyType_Slot stage_slots[] = {
    {Py_tp_dealloc, stage_dealloc},
    {Py_tp_repr, stage_repr},
    {Py_tp_methods, stage_methods},
    {Py_tp_doc, "The loops of one update definition of a Func."},
    {0, NULL},
};

static PyType_Spec stage_spec = {
    .name = "halide.Stage",
    .basicsize = sizeof(py_stage_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = stage_slots,
};

PyObject *py_rvars_of(py_state *st, hl_func *f, int stage) {
    hl_rdom *r = hl_func_update_rdom(f, stage);
    int n = r ? hl_rdom_dimensions(r) : 0;
    PyObject *list = PyList_New(n);
    for (int i = 0; list && i < n; i++) {
        PyObject *v = make_rvar(st, r, i);
        if (!v) Py_CLEAR(list);
        else PyList_SET_ITEM(list, i, v);
    }
    return list;
}

PyObject *py_stage_wrap(py_state *st, hl_func *f, int stage) {
    py_stage_object *o = PyObject_New(py_stage_object, st->Stage);
    if (!o) return NULL;
    hl_func_retain(f);
    o->func = f;
    o->stage = stage;
    o->spec = 0;
    return (PyObject *)o;
}

/* ---- Inline reductions ----------------------------------------------------------------------- */

static PyObject *reduction(PyObject *m, PyObject *args, PyObject *kwds, const char *kind) {
    py_state *st = py_state_of_module(m);
    static char *kwlist[] = {"e", "name", NULL};
    PyObject *e_obj;
    const char *name = NULL;
    /* sum(rdom, e, name=...) names the RDom explicitly; it is the one e uses. */
    if (PyTuple_GET_SIZE(args) >= 2 && PyObject_TypeCheck(PyTuple_GET_ITEM(args, 0), st->RDom)) {
        PyObject *rest = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
        if (!rest) return NULL;
        PyObject *r = reduction(m, rest, kwds, kind);
        Py_DECREF(rest);
        return r;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|z", kwlist, &e_obj, &name)) return NULL;
    hl_expr *e;
    if (py_as_expr(st, e_obj, &e) < 0) return NULL;
    hl_expr *out[17] = {0};
    int n = 0;
    hl_status s = hl_inline_reduction(kind, e, name, &n, out, 17);
    hl_expr_release(e);
    if (s != HL_OK) return py_raise_status(st, s);
    if (n == 1) return py_expr_wrap(st, out[0]);
    PyObject *t = PyTuple_New(n);
    for (int i = 0; i < n; i++) {
        PyObject *item = t ? py_expr_wrap(st, out[i]) : NULL;
        if (!item) {
            for (int j = i + 1; j < n; j++) hl_expr_release(out[j]);
            Py_XDECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, item);
    }
    return t;
}

#define REDUCTION(fname)                                                                          \
    static PyObject *fn_##fname(PyObject *m, PyObject *a, PyObject *k) { return reduction(m, a, k, #fname); }
REDUCTION(sum)
REDUCTION(product)
REDUCTION(maximum)
REDUCTION(minimum)
REDUCTION(argmax)
REDUCTION(argmin)
#undef REDUCTION

#define KW (PyCFunction)(void (*)(void))
static PyMethodDef reduction_functions[] = {
    {"sum", KW fn_sum, METH_VARARGS | METH_KEYWORDS, "sum(e, name=None): the sum of e over its RDom."},
    {"product", KW fn_product, METH_VARARGS | METH_KEYWORDS, NULL},
    {"maximum", KW fn_maximum, METH_VARARGS | METH_KEYWORDS, NULL},
    {"minimum", KW fn_minimum, METH_VARARGS | METH_KEYWORDS, NULL},
    {"argmax", KW fn_argmax, METH_VARARGS | METH_KEYWORDS,
     "argmax(e): (coordinates of the first maximum..., the maximum) over e's RDom."},
    {"argmin", KW fn_argmin, METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL, NULL, 0, NULL},
};
#undef KW

int py_rdom_init(PyObject *module, py_state *st) {
    st->RDom = (PyTypeObject *)PyType_FromModuleAndSpec(module, &rdom_spec, (PyObject *)st->Expr);
    if (!st->RDom || PyModule_AddObjectRef(module, "RDom", (PyObject *)st->RDom) < 0) return -1;
    st->RVar = (PyTypeObject *)PyType_FromModuleAndSpec(module, &rvar_spec, (PyObject *)st->Expr);
    if (!st->RVar || PyModule_AddObjectRef(module, "RVar", (PyObject *)st->RVar) < 0) return -1;
    st->Stage = (PyTypeObject *)PyType_FromModuleAndSpec(module, &stage_spec, NULL);
    if (!st->Stage || PyModule_AddObjectRef(module, "Stage", (PyObject *)st->Stage) < 0) return -1;
    return PyModule_AddFunctions(module, reduction_functions);
}
