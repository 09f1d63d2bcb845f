/* py_schedule.c - the scheduling methods of halide.Func.
 *
 * Python sketch (every method returns the Func, so calls chain):
 *     f.split(x, xo, xi, 8, tail=hl.TailStrategy.Auto); f.fuse(x, y, xy); f.rename(x, x2)
 *     f.reorder(xi, yi, xo, yo)   # innermost first
 *     f.tile(x, y, xo, yo, xi, yi, 8, 8) / f.tile(x, y, xi, yi, 8, 8)
 *     f.vectorize(x) / f.vectorize(x, 8); f.unroll(x[, n]); f.parallel(y[, task_size]); f.serial(x)
 *     f.compute_root(); f.compute_inline(); f.compute_at(g, y) / f.compute_at(hl.LoopLevel(g, y))
 *     f.store_root(); f.store_at(g, y); f.hoist_storage(g, y); f.hoist_storage_root()
 *     f.bound(x, 0, 64); f.bound_extent(x, 64); f.set_estimate(x, 0, 64); f.set_estimates([...])
 *     f.align_bounds(x, 8, 0); f.align_extent(x, 8); f.align_storage(x, 16)
 *     f.reorder_storage(y, x); f.always_partition(x) ...  (partitioning hints)
 *     f.print_loop_nest()
 * Each builds one hl_schedule_directive (or a short sequence, for tile/vectorize(x, n)...)
 * and calls hl_func_schedule, where the validation lives.
 */
#include "py_state.h"

static hl_func *func_of(PyObject *self) { return ((py_func_object *)self)->func; }

/* The name of a Var (or RVar-like object with name()) or a str; borrowed from obj or its
 * expr; NULL with TypeError otherwise. */
static const char *var_name(py_state *st, PyObject *obj) {
    if (PyUnicode_Check(obj)) return PyUnicode_AsUTF8(obj);
    if (PyObject_TypeCheck(obj, st->Expr)) {
        const char *name = hl_expr_var_name(((py_expr_object *)obj)->expr);
        if (name) return name;
    }
    PyErr_Format(PyExc_TypeError, "expected a Var, got %.100s", Py_TYPE(obj)->tp_name);
    return NULL;
}

static PyObject *run(PyObject *self, const hl_schedule_directive *d) {
    py_state *st = py_state_of(self);
    hl_status s;
    if (!PyObject_TypeCheck(self, st->Stage)) s = hl_func_schedule(func_of(self), d);
    else if (((py_stage_object *)self)->spec)
        s = hl_func_schedule_specialization(func_of(self), ((py_stage_object *)self)->spec, d);
    else s = hl_func_schedule_stage(func_of(self), ((py_stage_object *)self)->stage, d);
    if (s != HL_OK) return py_raise_status(st, s);
    return Py_NewRef(self);
}

static int tail_of(PyObject *obj, hl_tail_strategy *out) {
    *out = HL_TAIL_AUTO;
    if (!obj || obj == Py_None) return 0;
    long v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < HL_TAIL_ROUND_UP || v > HL_TAIL_AUTO) {
        PyErr_SetString(PyExc_ValueError, "not a TailStrategy");
        return -1;
    }
    *out = (hl_tail_strategy)v;
    return 0;
}

/* Runs a directive whose vars are the given Python objects; `exprs` (up to 3) are converted
 * to factor, min, extent when not NULL. */
static PyObject *directive(PyObject *self, hl_directive_kind kind, PyObject *const *vars, int nvars,
                           PyObject *factor, PyObject *min, PyObject *extent, hl_tail_strategy tail,
                           hl_loop_kind loop_kind) {
    py_state *st = py_state_of(self);
    const char *names[64];
    if (nvars > 64) {
        PyErr_SetString(PyExc_ValueError, "too many Vars");
        return NULL;
    }
    for (int i = 0; i < nvars; i++)
        if (!(names[i] = var_name(st, vars[i]))) return NULL;
    hl_expr *e[3] = {NULL, NULL, NULL};
    PyObject *src[3] = {factor, min, extent};
    for (int i = 0; i < 3; i++)
        if (src[i] && src[i] != Py_None && py_as_expr(st, src[i], &e[i]) < 0) {
            for (int j = 0; j < i; j++) hl_expr_release(e[j]);
            return NULL;
        }
    hl_schedule_directive d = {kind, nvars, names, e[0], e[1], e[2], tail, loop_kind, {0}};
    PyObject *r = run(self, &d);
    for (int i = 0; i < 3; i++) hl_expr_release(e[i]);
    return r;
}

static PyObject *args_items(PyObject *args, Py_ssize_t *n) {
    /* reorder(x, y) and reorder([x, y]) are both accepted. */
    if (PyTuple_GET_SIZE(args) == 1 && PyList_Check(PyTuple_GET_ITEM(args, 0))) {
        PyObject *t = PyList_AsTuple(PyTuple_GET_ITEM(args, 0));
        if (t) *n = PyTuple_GET_SIZE(t);
        return t;
    }
    *n = PyTuple_GET_SIZE(args);
    return Py_NewRef(args);
}

PyObject *py_func_split(PyObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"old", "outer", "inner", "factor", "tail", NULL};
    PyObject *v[3], *factor, *tail_obj = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO|O:split", kwlist, &v[0], &v[1], &v[2], &factor,
                                     &tail_obj))
        return NULL;
    hl_tail_strategy tail;
    if (tail_of(tail_obj, &tail) < 0) return NULL;
    return directive(self, HL_SCHED_SPLIT, v, 3, factor, NULL, NULL, tail, HL_LOOP_SERIAL);
}

PyObject *py_func_fuse(PyObject *self, PyObject *args) {
    PyObject *v[3];
    if (!PyArg_ParseTuple(args, "OOO:fuse", &v[0], &v[1], &v[2])) return NULL;
    return directive(self, HL_SCHED_FUSE, v, 3, NULL, NULL, NULL, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

PyObject *py_func_rename(PyObject *self, PyObject *args) {
    PyObject *v[2];
    if (!PyArg_ParseTuple(args, "OO:rename", &v[0], &v[1])) return NULL;
    return directive(self, HL_SCHED_RENAME, v, 2, NULL, NULL, NULL, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

static PyObject *var_list_directive(PyObject *self, PyObject *args, hl_directive_kind kind) {
    Py_ssize_t n;
    PyObject *items = args_items(args, &n);
    if (!items) return NULL;
    PyObject *r = directive(self, kind, &PyTuple_GET_ITEM(items, 0), (int)n, NULL, NULL, NULL,
                            HL_TAIL_AUTO, HL_LOOP_SERIAL);
    Py_DECREF(items);
    return r;
}

PyObject *py_func_reorder(PyObject *self, PyObject *args) {
    return var_list_directive(self, args, HL_SCHED_REORDER);
}

PyObject *py_func_reorder_storage(PyObject *self, PyObject *args) {
    return var_list_directive(self, args, HL_SCHED_REORDER_STORAGE);
}

PyObject *py_func_serial(PyObject *self, PyObject *args) {
    PyObject *v;
    if (!PyArg_ParseTuple(args, "O:serial", &v)) return NULL;
    return directive(self, HL_SCHED_LOOP_KIND, &v, 1, NULL, NULL, NULL, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

/* vectorize/unroll/parallel(var[, factor[, tail]]): with a factor, split off an inner loop
 * of that size (a fresh Var) and mark it (parallel marks the outer loop instead). */
static PyObject *loop_kind_directive(PyObject *self, PyObject *args, PyObject *kwds, hl_loop_kind kind,
                                     const char *fname) {
    static char *kwlist[] = {"var", "factor", "tail", NULL};
    PyObject *var, *factor = NULL, *tail_obj = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO", kwlist, &var, &factor, &tail_obj)) return NULL;
    hl_tail_strategy tail;
    if (tail_of(tail_obj, &tail) < 0) return NULL;
    if (!factor || factor == Py_None)
        return directive(self, HL_SCHED_LOOP_KIND, &var, 1, NULL, NULL, NULL, HL_TAIL_AUTO, kind);
    py_state *st = py_state_of(self);
    PyObject *fresh = PyObject_CallNoArgs((PyObject *)st->Var);
    if (!fresh) return NULL;
    PyObject *v[3] = {var, var, fresh};
    PyObject *r = directive(self, HL_SCHED_SPLIT, v, 3, factor, NULL, NULL, tail, HL_LOOP_SERIAL);
    if (r) {
        Py_DECREF(r);
        PyObject *marked = kind == HL_LOOP_PARALLEL ? var : fresh;
        r = directive(self, HL_SCHED_LOOP_KIND, &marked, 1, NULL, NULL, NULL, HL_TAIL_AUTO, kind);
    }
    Py_DECREF(fresh);
    (void)fname;
    return r;
}

PyObject *py_func_parallel(PyObject *self, PyObject *args, PyObject *kwds) {
    return loop_kind_directive(self, args, kwds, HL_LOOP_PARALLEL, "parallel");
}
PyObject *py_func_vectorize(PyObject *self, PyObject *args, PyObject *kwds) {
    return loop_kind_directive(self, args, kwds, HL_LOOP_VECTORIZED, "vectorize");
}
PyObject *py_func_unroll(PyObject *self, PyObject *args, PyObject *kwds) {
    return loop_kind_directive(self, args, kwds, HL_LOOP_UNROLLED, "unroll");
}

PyObject *py_func_tile(PyObject *self, PyObject *args, PyObject *kwds) {
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *tail_obj = kwds ? PyDict_GetItemString(kwds, "tail") : NULL;
    PyObject *x, *y, *xo, *yo, *xi, *yi, *xf, *yf;
    if (n == 8 || n == 9) {
        x = PyTuple_GET_ITEM(args, 0), y = PyTuple_GET_ITEM(args, 1);
        xo = PyTuple_GET_ITEM(args, 2), yo = PyTuple_GET_ITEM(args, 3);
        xi = PyTuple_GET_ITEM(args, 4), yi = PyTuple_GET_ITEM(args, 5);
        xf = PyTuple_GET_ITEM(args, 6), yf = PyTuple_GET_ITEM(args, 7);
        if (n == 9) tail_obj = PyTuple_GET_ITEM(args, 8);
    } else if (n == 6 || n == 7) {
        x = PyTuple_GET_ITEM(args, 0), y = PyTuple_GET_ITEM(args, 1);
        xo = x, yo = y;
        xi = PyTuple_GET_ITEM(args, 2), yi = PyTuple_GET_ITEM(args, 3);
        xf = PyTuple_GET_ITEM(args, 4), yf = PyTuple_GET_ITEM(args, 5);
        if (n == 7) tail_obj = PyTuple_GET_ITEM(args, 6);
    } else {
        PyErr_SetString(PyExc_TypeError,
                        "tile(x, y, xo, yo, xi, yi, xfactor, yfactor[, tail]) or "
                        "tile(x, y, xi, yi, xfactor, yfactor[, tail])");
        return NULL;
    }
    hl_tail_strategy tail;
    if (tail_of(tail_obj, &tail) < 0) return NULL;
    PyObject *sx[3] = {x, xo, xi}, *sy[3] = {y, yo, yi}, *order[4] = {xi, yi, xo, yo};
    PyObject *r = directive(self, HL_SCHED_SPLIT, sx, 3, xf, NULL, NULL, tail, HL_LOOP_SERIAL);
    if (!r) return NULL;
    Py_DECREF(r);
    r = directive(self, HL_SCHED_SPLIT, sy, 3, yf, NULL, NULL, tail, HL_LOOP_SERIAL);
    if (!r) return NULL;
    Py_DECREF(r);
    return directive(self, HL_SCHED_REORDER, order, 4, NULL, NULL, NULL, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

/* ---- LoopLevels --------------------------------------------------------------------------- */

static PyObject *level_directive(PyObject *self, hl_directive_kind kind, hl_level_kind level_kind,
                                 const char *func, const char *var) {
    hl_schedule_directive d = {kind, 0, NULL, NULL, NULL, NULL, HL_TAIL_AUTO, HL_LOOP_SERIAL,
                               {level_kind, func, var}};
    return run(self, &d);
}

/* (f, var) or (LoopLevel,) as a level; LoopLevel objects (halide/__init__.py) expose
 * _kind ("root", "inlined", "at"), _func and _var. */
static PyObject *level_from_args(PyObject *self, PyObject *args, hl_directive_kind kind, const char *fname) {
    py_state *st = py_state_of(self);
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *func_obj = NULL, *var_obj = NULL;
    if (n == 2) {
        func_obj = PyTuple_GET_ITEM(args, 0);
        var_obj = PyTuple_GET_ITEM(args, 1);
    } else if (n == 1) {
        PyObject *level = PyTuple_GET_ITEM(args, 0);
        PyObject *k = PyObject_GetAttrString(level, "_kind");
        if (!k) {
            PyErr_Format(PyExc_TypeError, "%s() takes (Func, Var) or a LoopLevel", fname);
            return NULL;
        }
        const char *ks = PyUnicode_AsUTF8(k);
        PyObject *r = NULL;
        if (ks && strcmp(ks, "root") == 0) r = level_directive(self, kind, HL_LEVEL_ROOT, NULL, NULL);
        else if (ks && strcmp(ks, "inlined") == 0)
            r = level_directive(self, kind, HL_LEVEL_INLINED, NULL, NULL);
        else if (ks && strcmp(ks, "at") == 0) {
            PyObject *f = PyObject_GetAttrString(level, "_func");
            PyObject *v = f ? PyObject_GetAttrString(level, "_var") : NULL;
            if (f && v) {
                PyObject *pair = PyTuple_Pack(2, f, v);
                if (pair) {
                    r = level_from_args(self, pair, kind, fname);
                    Py_DECREF(pair);
                }
            }
            Py_XDECREF(f);
            Py_XDECREF(v);
        } else if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "unknown LoopLevel kind");
        Py_DECREF(k);
        return r;
    } else {
        PyErr_Format(PyExc_TypeError, "%s() takes (Func, Var) or a LoopLevel", fname);
        return NULL;
    }
    if (!PyObject_TypeCheck(func_obj, st->Func)) {
        PyErr_Format(PyExc_TypeError, "%s(): expected a Func, got %.100s", fname, Py_TYPE(func_obj)->tp_name);
        return NULL;
    }
    const char *var = var_name(st, var_obj);
    if (!var) return NULL;
    return level_directive(self, kind, HL_LEVEL_AT, hl_func_name(func_of(func_obj)), var);
}

PyObject *py_func_compute_root(PyObject *self, PyObject *unused) {
    return level_directive(self, HL_SCHED_COMPUTE_AT, HL_LEVEL_ROOT, NULL, NULL);
}
PyObject *py_func_compute_inline(PyObject *self, PyObject *unused) {
    return level_directive(self, HL_SCHED_COMPUTE_AT, HL_LEVEL_INLINED, NULL, NULL);
}
PyObject *py_func_compute_at(PyObject *self, PyObject *args) {
    return level_from_args(self, args, HL_SCHED_COMPUTE_AT, "compute_at");
}
PyObject *py_func_store_root(PyObject *self, PyObject *unused) {
    return level_directive(self, HL_SCHED_STORE_AT, HL_LEVEL_ROOT, NULL, NULL);
}
PyObject *py_func_store_at(PyObject *self, PyObject *args) {
    return level_from_args(self, args, HL_SCHED_STORE_AT, "store_at");
}
PyObject *py_func_hoist_storage(PyObject *self, PyObject *args) {
    return level_from_args(self, args, HL_SCHED_HOIST_STORAGE, "hoist_storage");
}
PyObject *py_func_hoist_storage_root(PyObject *self, PyObject *unused) {
    return level_directive(self, HL_SCHED_HOIST_STORAGE, HL_LEVEL_ROOT, NULL, NULL);
}

/* ---- Bounds ----------------------------------------------------------------------------------- */

PyObject *py_func_bound(PyObject *self, PyObject *args) {
    PyObject *v, *min, *extent;
    if (!PyArg_ParseTuple(args, "OOO:bound", &v, &min, &extent)) return NULL;
    return directive(self, HL_SCHED_BOUND, &v, 1, NULL, min, extent, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

PyObject *py_func_bound_extent(PyObject *self, PyObject *args) {
    PyObject *v, *extent;
    if (!PyArg_ParseTuple(args, "OO:bound_extent", &v, &extent)) return NULL;
    return directive(self, HL_SCHED_BOUND, &v, 1, NULL, NULL, extent, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

PyObject *py_func_set_estimate(PyObject *self, PyObject *args) {
    PyObject *v, *min, *extent;
    if (!PyArg_ParseTuple(args, "OOO:set_estimate", &v, &min, &extent)) return NULL;
    return directive(self, HL_SCHED_ESTIMATE, &v, 1, NULL, min, extent, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

PyObject *py_func_set_estimates(PyObject *self, PyObject *args) {
    PyObject *list;
    if (!PyArg_ParseTuple(args, "O:set_estimates", &list)) return NULL;
    hl_func *f = func_of(self);
    PyObject *seq = PySequence_Fast(list, "set_estimates takes a list of (min, extent) pairs");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n != hl_func_dimensions(f)) {
        Py_DECREF(seq);
        PyErr_Format(py_state_of(self)->HalideError, "set_estimates: %s has %d dimensions, not %zd",
                     hl_func_name(f), hl_func_dimensions(f), n);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(seq, i);
        PyObject *min, *extent;
        if (!PyArg_ParseTuple(pair, "OO", &min, &extent)) {
            Py_DECREF(seq);
            return NULL;
        }
        PyObject *name = PyUnicode_FromString(hl_func_arg_name(f, (int)i));
        PyObject *r = name ? directive(self, HL_SCHED_ESTIMATE, &name, 1, NULL, min, extent, HL_TAIL_AUTO,
                                       HL_LOOP_SERIAL)
                           : NULL;
        Py_XDECREF(name);
        if (!r) {
            Py_DECREF(seq);
            return NULL;
        }
        Py_DECREF(r);
    }
    Py_DECREF(seq);
    return Py_NewRef(self);
}

PyObject *py_func_align_bounds(PyObject *self, PyObject *args) {
    PyObject *v, *modulus, *remainder = NULL;
    if (!PyArg_ParseTuple(args, "OO|O:align_bounds", &v, &modulus, &remainder)) return NULL;
    PyObject *zero = remainder ? NULL : PyLong_FromLong(0);
    PyObject *r = directive(self, HL_SCHED_ALIGN_BOUNDS, &v, 1, modulus, remainder ? remainder : zero, NULL,
                            HL_TAIL_AUTO, HL_LOOP_SERIAL);
    Py_XDECREF(zero);
    return r;
}

PyObject *py_func_align_extent(PyObject *self, PyObject *args) {
    PyObject *v, *modulus;
    if (!PyArg_ParseTuple(args, "OO:align_extent", &v, &modulus)) return NULL;
    return directive(self, HL_SCHED_ALIGN_EXTENT, &v, 1, modulus, NULL, NULL, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

PyObject *py_func_align_storage(PyObject *self, PyObject *args) {
    PyObject *v, *alignment;
    if (!PyArg_ParseTuple(args, "OO:align_storage", &v, &alignment)) return NULL;
    return directive(self, HL_SCHED_ALIGN_STORAGE, &v, 1, alignment, NULL, NULL, HL_TAIL_AUTO, HL_LOOP_SERIAL);
}

/* always_partition / never_partition: validated hints (loop partitioning is a later pass). */
PyObject *py_func_partition_hint(PyObject *self, PyObject *args) {
    Py_ssize_t n;
    PyObject *items = args_items(args, &n);
    if (!items) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PyTuple_GET_ITEM(items, i);
        PyObject *r = directive(self, HL_SCHED_PARTITION, &v, 1, NULL, NULL, NULL, HL_TAIL_AUTO, HL_LOOP_SERIAL);
        if (!r) {
            Py_DECREF(items);
            return NULL;
        }
        Py_DECREF(r);
    }
    Py_DECREF(items);
    return Py_NewRef(self);
}

PyObject *py_func_partition_all_hint(PyObject *self, PyObject *unused) { return Py_NewRef(self); }

PyObject *py_func_print_loop_nest(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    char *text;
    hl_status s = hl_func_loop_nest(func_of(self), &text);
    if (s != HL_OK) return py_raise_status(st, s);
    PyObject *str = PyUnicode_FromString(text);
    hl_string_free(text);
    if (!str) return NULL;
    PyObject *sys_stdout = PySys_GetObject("stdout"); /* borrowed */
    PyObject *r = sys_stdout ? PyObject_CallMethod(sys_stdout, "write", "O", str) : NULL;
    Py_DECREF(str);
    if (!r) return NULL;
    Py_DECREF(r);
    Py_RETURN_NONE;
}
