/* py_param.c - halide.Param, halide.ImageParam and halide.Dimension.
 *
 * Python sketch:
 *     class Param(Expr):                    # usable wherever an Expr is
 *         def __init__(self, type, name=None, value=None, min=None, max=None)
 *         name(), type(), set(v), value(), set_range(min, max), set_min_value(e),
 *         set_max_value(e), min_value(), max_value(), set_estimate(e)
 *     class ImageParam:
 *         def __init__(self, type, dimensions, name=None)
 *         name(), type(), dimensions(), set(buffer), get(), reset(), __getitem__(coords) -> Expr,
 *         dim(i) -> Dimension, width(), height(), channels(), left(), right(), top(), bottom(),
 *         set_host_alignment(n)
 *     class Dimension:                      # an ImageParam's dimension
 *         min(), extent(), max(), stride() -> Expr; set_min(e), set_extent(e), set_stride(e),
 *         set_bounds(min, extent), set_estimate(min, extent) -> Dimension
 */
#include "py_state.h"

typedef struct {
    py_expr_object base; /* the Param's Variable */
    hl_param *param;
} py_param_object;

typedef struct {
    PyObject_HEAD
    hl_param *param;
} py_image_param_object;

typedef struct {
    PyObject_HEAD
    hl_param *param;
    int dim;
} py_param_dimension_object;

static PyObject *expr_or_raise(py_state *st, hl_status s, hl_expr *e) {
    if (s != HL_OK) return py_raise_status(st, s);
    return py_expr_wrap(st, e);
}

/* An optional Expr argument: NULL/None -> NULL, else a new reference. */
static int optional_expr(py_state *st, PyObject *obj, hl_expr **out) {
    *out = NULL;
    if (!obj || obj == Py_None) return 0;
    if (PyObject_TypeCheck(obj, st->Expr) && !((py_expr_object *)obj)->expr) return 0; /* hl.Expr() */
    return py_as_expr(st, obj, out);
}

/* ---- Param ----------------------------------------------------------------------------------- */

static hl_param *param_of(PyObject *self) { return ((py_param_object *)self)->param; }

static int set_value(py_state *st, hl_param *p, PyObject *value) {
    hl_scalar k;
    if (py_as_scalar(value, &k) < 0) return -1;
    hl_status s = hl_param_set_value(p, k);
    if (s != HL_OK) {
        py_raise_status(st, s);
        return -1;
    }
    return 0;
}

static int set_range(py_state *st, hl_param *p, PyObject *min, PyObject *max, int which) {
    hl_expr *lo = NULL, *hi = NULL;
    if (optional_expr(st, min, &lo) < 0 || optional_expr(st, max, &hi) < 0) {
        hl_expr_release(lo);
        return -1;
    }
    hl_status s = hl_param_set_range(p, lo, hi, which);
    hl_expr_release(lo);
    hl_expr_release(hi);
    if (s != HL_OK) {
        py_raise_status(st, s);
        return -1;
    }
    return 0;
}

static int param_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"type", "name", "value", "min", "max", NULL};
    PyObject *type_obj, *name_obj = NULL, *value = NULL, *min = NULL, *max = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OOOO:Param", kwlist, &type_obj, &name_obj, &value, &min, &max))
        return -1;
    hl_type t;
    if (py_as_type(st, type_obj, &t) < 0) return -1;
    const char *name = NULL;
    if (name_obj && PyUnicode_Check(name_obj)) name = PyUnicode_AsUTF8(name_obj);
    else if (name_obj && name_obj != Py_None) { /* Param(type, value) */
        max = min;
        min = value;
        value = name_obj;
    }
    py_param_object *o = (py_param_object *)self;
    hl_param_release(o->param);
    hl_expr_release(o->base.expr);
    o->param = NULL;
    o->base.expr = NULL;
    hl_status s = hl_param_new(t, name, &o->param);
    if (s == HL_OK) s = hl_param_expr(o->param, &o->base.expr);
    if (s != HL_OK) {
        py_raise_status(st, s);
        return -1;
    }
    if (value && value != Py_None && set_value(st, o->param, value) < 0) return -1;
    if ((min && min != Py_None) || (max && max != Py_None))
        if (set_range(st, o->param, min, max, 3) < 0) return -1;
    return 0;
}

static void param_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    hl_param_release(param_of(self));
    hl_expr_release(((py_expr_object *)self)->expr);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *param_repr(PyObject *self) {
    char buf[48];
    return PyUnicode_FromFormat("<halide.Param '%s' of type %s>", hl_param_name(param_of(self)),
                                hl_type_name(hl_param_type(param_of(self)), buf, sizeof buf));
}

static PyObject *param_name(PyObject *self, PyObject *unused) {
    return PyUnicode_FromString(hl_param_name(param_of(self)));
}
static PyObject *param_type(PyObject *self, PyObject *unused) {
    return py_type_wrap(py_state_of(self), hl_param_type(param_of(self)));
}
static PyObject *param_set(PyObject *self, PyObject *value) {
    if (set_value(py_state_of(self), param_of(self), value) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *param_value(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    hl_expr *e;
    hl_status s = hl_param_get_value(param_of(self), &e);
    if (s != HL_OK) return py_raise_status(st, s);
    int64_t i;
    uint64_t u;
    double f;
    hl_expr_const_value(e, &i, &u, &f);
    hl_type t = hl_expr_type(e);
    hl_expr_release(e);
    if (t.code == halide_type_float || t.code == halide_type_bfloat) return PyFloat_FromDouble(f);
    if (t.code == halide_type_uint && t.bits == 1) return PyBool_FromLong(u != 0);
    if (t.code == halide_type_uint) return PyLong_FromUnsignedLongLong(u);
    return PyLong_FromLongLong(i);
}

static PyObject *param_set_range(PyObject *self, PyObject *args) {
    PyObject *min, *max;
    if (!PyArg_ParseTuple(args, "OO:set_range", &min, &max)) return NULL;
    if (set_range(py_state_of(self), param_of(self), min, max, 3) < 0) return NULL;
    Py_RETURN_NONE;
}
static PyObject *param_set_min_value(PyObject *self, PyObject *min) {
    if (set_range(py_state_of(self), param_of(self), min, NULL, 1) < 0) return NULL;
    Py_RETURN_NONE;
}
static PyObject *param_set_max_value(PyObject *self, PyObject *max) {
    if (set_range(py_state_of(self), param_of(self), NULL, max, 2) < 0) return NULL;
    Py_RETURN_NONE;
}
static PyObject *param_set_estimate(PyObject *self, PyObject *e) {
    py_state *st = py_state_of(self);
    hl_expr *v;
    if (optional_expr(st, e, &v) < 0) return NULL;
    hl_status s = hl_param_set_estimate(param_of(self), v);
    hl_expr_release(v);
    if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

/* A borrowed constraint as a new Expr object (an undefined Expr when unset). */
static PyObject *constraint_expr(PyObject *self, const hl_expr *e) {
    py_state *st = py_state_of(self);
    if (!e) return PyObject_CallNoArgs((PyObject *)st->Expr);
    hl_expr_retain((hl_expr *)e);
    return py_expr_wrap(st, (hl_expr *)e);
}
static PyObject *param_min_value(PyObject *self, PyObject *u) { return constraint_expr(self, hl_param_min_value(param_of(self))); }
static PyObject *param_max_value(PyObject *self, PyObject *u) { return constraint_expr(self, hl_param_max_value(param_of(self))); }
static PyObject *param_estimate(PyObject *self, PyObject *u) { return constraint_expr(self, hl_param_estimate(param_of(self))); }

static PyObject *param_has_value(PyObject *self, PyObject *u) { return PyBool_FromLong(hl_param_has_value(param_of(self))); }
static PyObject *param_clear_value(PyObject *self, PyObject *u) {
    hl_param_clear_value(param_of(self));
    Py_RETURN_NONE;
}

static PyMethodDef param_methods[] = {
    {"_has_value", param_has_value, METH_NOARGS, NULL},
    {"_clear_value", param_clear_value, METH_NOARGS, NULL},
    {"min_value", param_min_value, METH_NOARGS, "The lower bound (an undefined Expr when unset)."},
    {"max_value", param_max_value, METH_NOARGS, "The upper bound (an undefined Expr when unset)."},
    {"estimate", param_estimate, METH_NOARGS, NULL},
    {"name", param_name, METH_NOARGS, NULL},
    {"type", param_type, METH_NOARGS, NULL},
    {"set", param_set, METH_O, "set(value): the value the next realize uses."},
    {"value", param_value, METH_NOARGS, "The current value."},
    {"set_range", param_set_range, METH_VARARGS, "set_range(min, max): checked when the pipeline runs."},
    {"set_min_value", param_set_min_value, METH_O, NULL},
    {"set_max_value", param_set_max_value, METH_O, NULL},
    {"set_estimate", param_set_estimate, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot param_slots[] = {
    {Py_tp_init, param_init},
    {Py_tp_dealloc, param_dealloc},
    {Py_tp_repr, param_repr},
    {Py_tp_str, param_repr},
    {Py_tp_methods, param_methods},
    {Py_tp_doc, "A scalar input of a pipeline, usable as an Expr."},
    {0, NULL},
};

static PyType_Spec param_spec = {
    .name = "halide.Param",
    .basicsize = sizeof(py_param_object),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = param_slots,
};

/* ---- ImageParam -------------------------------------------------------------------------------- */

static hl_param *image_of(PyObject *self) { return ((py_image_param_object *)self)->param; }

static int image_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"type", "dimensions", "name", NULL};
    PyObject *type_obj;
    int dims;
    const char *name = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Oi|z:ImageParam", kwlist, &type_obj, &dims, &name)) return -1;
    hl_type t;
    if (py_as_type(st, type_obj, &t) < 0) return -1;
    py_image_param_object *o = (py_image_param_object *)self;
    hl_param_release(o->param);
    o->param = NULL;
    hl_status s = hl_image_param_new(t, dims, name, &o->param);
    if (s != HL_OK) {
        py_raise_status(st, s);
        return -1;
    }
    return 0;
}

static void image_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    hl_param_release(image_of(self));
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *image_repr(PyObject *self) {
    char buf[48];
    hl_param *p = image_of(self);
    return PyUnicode_FromFormat("<halide.ImageParam '%s' of type %s, %d dimensions>", hl_param_name(p),
                                hl_type_name(hl_param_type(p), buf, sizeof buf), hl_param_dimensions(p));
}

static PyObject *image_getitem(PyObject *self, PyObject *key) {
    py_state *st = py_state_of(self);
    int found;
    PyObject *seq = py_expand_placeholder(st, key, hl_param_dimensions(image_of(self)), -1, &found);
    if (!seq) return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(seq);
    hl_expr *args[16] = {0};
    if (n > 16) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "too many coordinates");
        return NULL;
    }
    int ok = 1;
    for (Py_ssize_t i = 0; ok && i < n; i++) ok = py_as_expr(st, PyTuple_GET_ITEM(seq, i), &args[i]) == 0;
    Py_DECREF(seq);
    PyObject *r = NULL;
    if (ok) {
        hl_expr *out;
        hl_status s = hl_image_param_call(image_of(self), (int)n, args, &out);
        r = expr_or_raise(st, s, out);
    }
    for (Py_ssize_t i = 0; i < n; i++) hl_expr_release(args[i]);
    return r;
}

static PyObject *image_name(PyObject *self, PyObject *unused) {
    return PyUnicode_FromString(hl_param_name(image_of(self)));
}
static PyObject *image_type(PyObject *self, PyObject *unused) {
    return py_type_wrap(py_state_of(self), hl_param_type(image_of(self)));
}
static PyObject *image_dimensions(PyObject *self, PyObject *unused) {
    return PyLong_FromLong(hl_param_dimensions(image_of(self)));
}

static PyObject *image_set(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    hl_buffer *b = NULL;
    if (arg != Py_None) {
        if (PyObject_TypeCheck(arg, st->Buffer)) b = py_buffer_get(st, arg);
        else {
            /* Anything with the buffer protocol (a NumPy array) becomes a Buffer first. */
            PyObject *buf = PyObject_CallOneArg((PyObject *)st->Buffer, arg);
            if (!buf) return NULL;
            b = py_buffer_get(st, buf);
            hl_status s = b ? hl_image_param_set(image_of(self), b) : HL_OK;
            Py_DECREF(buf);
            if (!b) return NULL;
            if (s != HL_OK) return py_raise_status(st, s);
            Py_RETURN_NONE;
        }
        if (!b) return NULL;
    }
    hl_status s = hl_image_param_set(image_of(self), b);
    if (s != HL_OK) return py_raise_status(st, s);
    Py_RETURN_NONE;
}

static PyObject *image_get(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    hl_buffer *b = hl_image_param_get(image_of(self));
    if (!b) return PyObject_CallNoArgs((PyObject *)st->Buffer); /* an undefined Buffer */
    hl_buffer_retain(b);
    return py_buffer_wrap(st, b);
}

static PyObject *image_reset(PyObject *self, PyObject *unused) {
    hl_image_param_set(image_of(self), NULL);
    Py_RETURN_NONE;
}

static PyObject *make_dimension(py_state *st, hl_param *p, long d) {
    if (d < 0 || d >= hl_param_dimensions(p)) {
        PyErr_Format(st->HalideError, "ImageParam %s has %d dimension%s; dimension %ld does not exist",
                     hl_param_name(p), hl_param_dimensions(p), hl_param_dimensions(p) == 1 ? "" : "s", d);
        return NULL;
    }
    py_param_dimension_object *o = PyObject_New(py_param_dimension_object, st->ParamDimension);
    if (!o) return NULL;
    hl_param_retain(p);
    o->param = p;
    o->dim = (int)d;
    return (PyObject *)o;
}

static PyObject *image_dim(PyObject *self, PyObject *arg) {
    long d = PyLong_AsLong(arg);
    if (d == -1 && PyErr_Occurred()) return NULL;
    return make_dimension(py_state_of(self), image_of(self), d);
}

static PyObject *field_of(PyObject *self, int d, const char *field) {
    py_state *st = py_state_of(self);
    hl_param *p = image_of(self);
    if (d >= hl_param_dimensions(p)) {
        PyErr_Format(st->HalideError, "ImageParam %s has no dimension %d", hl_param_name(p), d);
        return NULL;
    }
    hl_expr *e;
    hl_status s = hl_image_param_field(p, d, field, &e);
    return expr_or_raise(st, s, e);
}

static PyObject *image_width(PyObject *self, PyObject *u) { return field_of(self, 0, "extent"); }
static PyObject *image_height(PyObject *self, PyObject *u) { return field_of(self, 1, "extent"); }
static PyObject *image_channels(PyObject *self, PyObject *u) { return field_of(self, 2, "extent"); }
static PyObject *image_left(PyObject *self, PyObject *u) { return field_of(self, 0, "min"); }
static PyObject *image_right(PyObject *self, PyObject *u) { return field_of(self, 0, "max"); }
static PyObject *image_top(PyObject *self, PyObject *u) { return field_of(self, 1, "min"); }
static PyObject *image_bottom(PyObject *self, PyObject *u) { return field_of(self, 1, "max"); }

static PyObject *image_set_host_alignment(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    hl_status s = hl_image_param_set_host_alignment(image_of(self), (int)n);
    if (s != HL_OK) return py_raise_status(st, s);
    return Py_NewRef(self);
}

static PyObject *image_host_alignment(PyObject *self, PyObject *u) {
    return PyLong_FromLong(hl_image_param_host_alignment(image_of(self)));
}

static PyObject *image_defined(PyObject *self, PyObject *u) { Py_RETURN_TRUE; }

static PyObject *image_trace_loads(PyObject *self, PyObject *u) {
    hl_status s = hl_image_param_trace_loads(image_of(self));
    if (s != HL_OK) return py_raise_status(py_state_of(self), s);
    Py_RETURN_NONE;
}

/* set_estimates([(min, extent), ...]): one pair per dimension (estimates only guide
 * auto-schedulers, as Dimension.set_estimate's do). */
static PyObject *image_set_estimates(PyObject *self, PyObject *list) {
    PyObject *seq = PySequence_Fast(list, "set_estimates takes a list of (min, extent) pairs");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    int ok = 1;
    for (Py_ssize_t i = 0; ok && i < n; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(seq, i);
        ok = PySequence_Check(pair) && PySequence_Size(pair) == 2;
    }
    Py_DECREF(seq);
    if (!ok) {
        PyErr_SetString(PyExc_TypeError, "set_estimates takes a list of (min, extent) pairs");
        return NULL;
    }
    if (n != hl_param_dimensions(image_of(self))) {
        PyErr_Format(py_state_of(self)->HalideError,
                     "ImageParam %s has %d dimensions, but the estimates passed to set_estimates contains %zd pairs.",
                     hl_param_name(image_of(self)), hl_param_dimensions(image_of(self)), n);
        return NULL;
    }
    return Py_NewRef(self);
}

static PyMethodDef image_methods[] = {
    {"name", image_name, METH_NOARGS, NULL},
    {"type", image_type, METH_NOARGS, NULL},
    {"dimensions", image_dimensions, METH_NOARGS, NULL},
    {"set", image_set, METH_O, "set(buffer): the Buffer the next realize reads."},
    {"get", image_get, METH_NOARGS, "The bound Buffer."},
    {"reset", image_reset, METH_NOARGS, "Unbind the Buffer."},
    {"dim", image_dim, METH_O, "dim(i): dimension i, whose fields are Exprs."},
    {"width", image_width, METH_NOARGS, NULL},
    {"height", image_height, METH_NOARGS, NULL},
    {"channels", image_channels, METH_NOARGS, NULL},
    {"left", image_left, METH_NOARGS, NULL},
    {"right", image_right, METH_NOARGS, NULL},
    {"top", image_top, METH_NOARGS, NULL},
    {"bottom", image_bottom, METH_NOARGS, NULL},
    {"set_host_alignment", image_set_host_alignment, METH_O, NULL},
    {"host_alignment", image_host_alignment, METH_NOARGS, "The alignment set_host_alignment gave (1 by default)."},
    {"defined", image_defined, METH_NOARGS, NULL},
    {"trace_loads", image_trace_loads, METH_NOARGS, "Report every load of this ImageParam (tracing)."},
    {"set_estimates", image_set_estimates, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot image_slots[] = {
    {Py_tp_init, image_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, image_dealloc},
    {Py_tp_repr, image_repr},
    {Py_tp_methods, image_methods},
    {Py_mp_subscript, image_getitem},
    {Py_tp_doc, "A buffer input of a pipeline."},
    {0, NULL},
};

static PyType_Spec image_spec = {
    .name = "halide.ImageParam",
    .basicsize = sizeof(py_image_param_object),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = image_slots,
};

/* ---- Dimension --------------------------------------------------------------------------------- */

static py_param_dimension_object *dim_of(PyObject *self) { return (py_param_dimension_object *)self; }

static PyObject *dim_field(PyObject *self, const char *field) {
    py_state *st = py_state_of(self);
    hl_expr *e;
    hl_status s = hl_image_param_field(dim_of(self)->param, dim_of(self)->dim, field, &e);
    return expr_or_raise(st, s, e);
}

static PyObject *dim_min(PyObject *self, PyObject *u) { return dim_field(self, "min"); }
static PyObject *dim_extent(PyObject *self, PyObject *u) { return dim_field(self, "extent"); }
static PyObject *dim_max(PyObject *self, PyObject *u) { return dim_field(self, "max"); }
static PyObject *dim_stride(PyObject *self, PyObject *u) { return dim_field(self, "stride"); }

static PyObject *constrain(PyObject *self, const char *field, PyObject *value) {
    py_state *st = py_state_of(self);
    hl_expr *e;
    if (optional_expr(st, value, &e) < 0) return NULL;
    hl_status s = hl_image_param_constrain(dim_of(self)->param, dim_of(self)->dim, field, e);
    hl_expr_release(e);
    if (s != HL_OK) return py_raise_status(st, s);
    return Py_NewRef(self);
}

static PyObject *dim_set_min(PyObject *self, PyObject *v) { return constrain(self, "min", v); }
static PyObject *dim_set_extent(PyObject *self, PyObject *v) { return constrain(self, "extent", v); }
static PyObject *dim_set_stride(PyObject *self, PyObject *v) { return constrain(self, "stride", v); }

static PyObject *dim_set_bounds(PyObject *self, PyObject *args) {
    PyObject *min, *extent;
    if (!PyArg_ParseTuple(args, "OO:set_bounds", &min, &extent)) return NULL;
    PyObject *r = constrain(self, "min", min);
    if (!r) return NULL;
    Py_DECREF(r);
    return constrain(self, "extent", extent);
}

static PyObject *dim_set_estimate(PyObject *self, PyObject *args) {
    PyObject *min, *extent;
    if (!PyArg_ParseTuple(args, "OO:set_estimate", &min, &extent)) return NULL;
    return Py_NewRef(self); /* estimates only guide auto-schedulers */
}

static void dim_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    hl_param_release(dim_of(self)->param);
    PyObject_Free(self);
    Py_DECREF(tp);
}

static PyMethodDef dim_methods[] = {
    {"min", dim_min, METH_NOARGS, NULL},
    {"extent", dim_extent, METH_NOARGS, NULL},
    {"max", dim_max, METH_NOARGS, NULL},
    {"stride", dim_stride, METH_NOARGS, NULL},
    {"set_min", dim_set_min, METH_O, NULL},
    {"set_extent", dim_set_extent, METH_O, NULL},
    {"set_stride", dim_set_stride, METH_O, NULL},
    {"set_bounds", dim_set_bounds, METH_VARARGS, NULL},
    {"set_estimate", dim_set_estimate, METH_VARARGS, NULL},
    {"set_bounds_estimate", dim_set_estimate, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot dim_slots[] = {
    {Py_tp_dealloc, dim_dealloc},
    {Py_tp_methods, dim_methods},
    {Py_tp_doc, "A dimension of an ImageParam: its fields as Exprs, and constraints on them."},
    {0, NULL},
};

static PyType_Spec dim_spec = {
    .name = "halide.Dimension",
    .basicsize = sizeof(py_param_dimension_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = dim_slots,
};

hl_param *py_param_get(py_state *st, PyObject *obj) {
    if (PyObject_TypeCheck(obj, st->Param)) return param_of(obj);
    if (PyObject_TypeCheck(obj, st->ImageParam)) return image_of(obj);
    return NULL;
}

int py_param_init(PyObject *module, py_state *st) {
    st->Param = (PyTypeObject *)PyType_FromModuleAndSpec(module, &param_spec, (PyObject *)st->Expr);
    if (!st->Param || PyModule_AddObjectRef(module, "Param", (PyObject *)st->Param) < 0) return -1;
    st->ImageParam = (PyTypeObject *)PyType_FromModuleAndSpec(module, &image_spec, NULL);
    if (!st->ImageParam || PyModule_AddObjectRef(module, "ImageParam", (PyObject *)st->ImageParam) < 0) return -1;
    st->ParamDimension = (PyTypeObject *)PyType_FromModuleAndSpec(module, &dim_spec, NULL);
    if (!st->ParamDimension) return -1;
    return PyModule_AddObjectRef(module, "Dimension", (PyObject *)st->ParamDimension);
}
