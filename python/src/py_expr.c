/* py_expr.c - halide.Expr and halide.Var, their operators, and the shared converters.
 *
 * Python sketch:
 *     class Expr:
 *         def __init__(self, value=None)      # Expr(), Expr(int|float|bool|Expr|Var)
 *         def type(self) -> Type; def defined(self) -> bool; def logical_not(self)
 *         # + - * / // % ** << >> & | ^ ~ -x, == != < <= > >= build Exprs (reflected too);
 *         # bool(e) raises ValueError; Exprs are unhashable
 *     class Var(Expr):
 *         def __init__(self, name=None)       # anonymous Vars are named v0, v1, ...
 *         def name(self); def same_as(self, other); def is_implicit(self)
 *         @staticmethod implicit(n), outermost()
 * Every operator goes through hl_expr_binop with operands made by py_as_operand, so the
 * promotion rules for Python numbers live in the C core only (lang/operators.c).
 */
#include "py_state.h"

#include <stdatomic.h>

static _Atomic unsigned long next_var_id = 0;

static int is_expr(py_state *st, PyObject *obj) { return PyObject_TypeCheck(obj, st->Expr); }

PyObject *py_expr_wrap(py_state *st, hl_expr *e) {
    py_expr_object *o = PyObject_New(py_expr_object, st->Expr);
    if (!o) {
        hl_expr_release(e);
        return NULL;
    }
    o->expr = e;
    return (PyObject *)o;
}

int py_is_scalar(PyObject *obj) {
    return PyBool_Check(obj) || PyLong_Check(obj) || PyFloat_Check(obj);
}

int py_as_scalar(PyObject *obj, hl_scalar *out) {
    memset(out, 0, sizeof *out);
    if (PyBool_Check(obj)) {
        out->is_bool = 1;
        out->i = obj == Py_True;
        out->f = (double)out->i;
        return 0;
    }
    if (PyLong_Check(obj)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (v == -1 && PyErr_Occurred()) return -1;
        if (overflow) {
            out->is_big = 1;
            out->f = PyLong_AsDouble(obj);
            if (out->f == -1.0 && PyErr_Occurred()) return -1;
            if (overflow > 0) {
                unsigned long long u = PyLong_AsUnsignedLongLong(obj);
                if (PyErr_Occurred()) PyErr_Clear();
                else {
                    out->is_big = 2;
                    out->i = (int64_t)u;
                }
            }
            return 0;
        }
        out->i = v;
        out->f = (double)v;
        return 0;
    }
    if (PyFloat_Check(obj)) {
        out->is_float = 1;
        out->f = PyFloat_AsDouble(obj);
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "expected a number, got %.100s", Py_TYPE(obj)->tp_name);
    return -1;
}

static int check_defined(py_state *st, hl_expr *e) {
    if (!e) {
        PyErr_SetString(st->HalideError, "Use of an undefined Expr");
        return -1;
    }
    return 0;
}

int py_as_expr(py_state *st, PyObject *obj, hl_expr **out) {
    *out = NULL;
    if (is_expr(st, obj)) {
        hl_expr *e = ((py_expr_object *)obj)->expr;
        if (check_defined(st, e) < 0) return -1;
        hl_expr_retain(e);
        *out = e;
        return 0;
    }
    if (py_is_scalar(obj)) {
        hl_scalar k;
        if (py_as_scalar(obj, &k) < 0) return -1;
        hl_status s = hl_expr_from_scalar(k, out);
        if (s != HL_OK) {
            py_raise_status(st, s);
            return -1;
        }
        return 0;
    }
    /* Objects that know how to become an Expr (e.g. RDom, Param) expose __halide_expr__. */
    PyObject *conv = PyObject_GetAttrString(obj, "__halide_expr__");
    if (conv) {
        PyObject *r = PyObject_CallNoArgs(conv);
        Py_DECREF(conv);
        if (!r) return -1;
        int rc = is_expr(st, r) ? py_as_expr(st, r, out) : -1;
        if (rc < 0 && !PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "__halide_expr__ did not return an Expr");
        Py_DECREF(r);
        return rc;
    }
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "Can't convert %.100s to a halide.Expr", Py_TYPE(obj)->tp_name);
    return -1;
}

/* An operand for the core: a borrowed Expr or a Python number. *tmp receives a new
 * reference that the caller releases (NULL when none was made). Returns 0, -1 with an
 * exception, or 1 when obj is not something an operator takes (NotImplemented). */
static int py_as_operand(py_state *st, PyObject *obj, hl_operand *op, hl_expr **tmp) {
    memset(op, 0, sizeof *op);
    *tmp = NULL;
    if (is_expr(st, obj)) {
        op->expr = ((py_expr_object *)obj)->expr;
        return check_defined(st, (hl_expr *)op->expr);
    }
    if (py_is_scalar(obj)) return py_as_scalar(obj, &op->k);
    if (PyObject_HasAttrString(obj, "__halide_expr__")) {
        if (py_as_expr(st, obj, tmp) < 0) return -1;
        op->expr = *tmp;
        return 0;
    }
    return 1;
}

/* ---- Operators ------------------------------------------------------------------------------- */

static py_state *state_of_pair(PyObject *a, PyObject *b) {
    py_state *st = NULL;
    if (a) st = py_state_of(a);
    if (!st && b) {
        PyErr_Clear();
        st = py_state_of(b);
    }
    return st;
}

static PyObject *binop(PyObject *a, PyObject *b, hl_binop op) {
    py_state *st = state_of_pair(a, b);
    if (!st) {
        PyErr_Clear();
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (!is_expr(st, a) && !is_expr(st, b)) Py_RETURN_NOTIMPLEMENTED;
    hl_operand oa, ob;
    hl_expr *ta = NULL, *tb = NULL;
    int ra = py_as_operand(st, a, &oa, &ta);
    int rb = ra == 0 ? py_as_operand(st, b, &ob, &tb) : 0;
    if (ra != 0 || rb != 0) {
        hl_expr_release(ta);
        hl_expr_release(tb);
        if (ra < 0 || rb < 0) return NULL;
        Py_RETURN_NOTIMPLEMENTED;
    }
    hl_expr *out;
    hl_status s = hl_expr_binop(op, oa, ob, &out);
    hl_expr_release(ta);
    hl_expr_release(tb);
    if (s != HL_OK) return py_raise_status(st, s);
    return py_expr_wrap(st, out);
}

#define BINOP(fname, op)                                                                      \
    static PyObject *fname(PyObject *a, PyObject *b) { return binop(a, b, op); }
BINOP(expr_add, HL_OP_ADD)
BINOP(expr_sub, HL_OP_SUB)
BINOP(expr_mul, HL_OP_MUL)
BINOP(expr_truediv, HL_OP_DIV)
BINOP(expr_floordiv, HL_OP_FLOORDIV)
BINOP(expr_mod, HL_OP_MOD)
BINOP(expr_and, HL_OP_BITAND)
BINOP(expr_or, HL_OP_BITOR)
BINOP(expr_xor, HL_OP_BITXOR)
BINOP(expr_lshift, HL_OP_SHL)
BINOP(expr_rshift, HL_OP_SHR)
#undef BINOP

static PyObject *expr_pow(PyObject *a, PyObject *b, PyObject *mod) {
    if (mod != Py_None) {
        PyErr_SetString(PyExc_TypeError, "pow() with a modulus is not supported for Exprs");
        return NULL;
    }
    return binop(a, b, HL_OP_POW);
}

static PyObject *unop(PyObject *a, hl_unop op) {
    py_state *st = py_state_of(a);
    hl_expr *e = ((py_expr_object *)a)->expr;
    if (check_defined(st, e) < 0) return NULL;
    hl_expr *out;
    hl_status s = hl_expr_unary(op, e, &out);
    if (s != HL_OK) return py_raise_status(st, s);
    return py_expr_wrap(st, out);
}

static PyObject *expr_neg(PyObject *a) { return unop(a, HL_OP_NEG); }
static PyObject *expr_invert(PyObject *a) { return unop(a, HL_OP_BITNOT); }
static PyObject *expr_logical_not(PyObject *a, PyObject *unused) { return unop(a, HL_OP_NOT); }

static PyObject *expr_richcompare(PyObject *a, PyObject *b, int op) {
    static const hl_binop ops[] = {HL_OP_LT, HL_OP_LE, HL_OP_EQ, HL_OP_NE, HL_OP_GT, HL_OP_GE};
    return binop(a, b, ops[op]);
}

static int expr_bool(PyObject *self) {
    py_state *st = py_state_of(self);
    hl_expr *e = ((py_expr_object *)self)->expr;
    char *text = e ? hl_expr_to_string(e) : NULL;
    PyErr_Format(PyExc_ValueError,
                 "The halide.Expr (%s) cannot be converted to a bool. If this error occurs using "
                 "the 'and'/'or' keywords, consider using the '&'/'|' operators instead.",
                 text ? text : "undefined");
    hl_string_free(text);
    (void)st;
    return -1;
}

/* ---- Expr ------------------------------------------------------------------------------------ */

static int expr_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    PyObject *value = NULL;
    if (kwds && PyDict_GET_SIZE(kwds)) {
        PyErr_SetString(PyExc_TypeError, "Expr() takes no keyword arguments");
        return -1;
    }
    if (!PyArg_ParseTuple(args, "|O:Expr", &value)) return -1;
    py_expr_object *o = (py_expr_object *)self;
    hl_expr_release(o->expr);
    o->expr = NULL;
    if (!value) return 0;
    if (PyFloat_Check(value)) {
        double d = PyFloat_AsDouble(value);
        if ((double)(float)d != d && d == d &&
            PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                             "The floating-point value %R will be interpreted as a float32 by "
                             "Halide and lose precision; add an explicit `f32()` or `f64()` cast "
                             "to avoid this warning.",
                             value) < 0)
            return -1;
    }
    return py_as_expr(st, value, &o->expr);
}

static void expr_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    hl_expr_release(((py_expr_object *)self)->expr);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *expr_repr(PyObject *self) {
    py_state *st = py_state_of(self);
    hl_expr *e = ((py_expr_object *)self)->expr;
    if (!e) return PyUnicode_FromString("<undefined halide.Expr>");
    char *text = hl_expr_to_string(e);
    if (!text) return PyErr_NoMemory();
    char tname[48];
    PyObject *r = PyUnicode_FromFormat("<halide.Expr of type %s: %s>",
                                       hl_type_name(hl_expr_type(e), tname, sizeof tname), text);
    hl_string_free(text);
    (void)st;
    return r;
}

static PyObject *expr_type(PyObject *self, PyObject *unused) {
    py_state *st = py_state_of(self);
    hl_expr *e = ((py_expr_object *)self)->expr;
    if (check_defined(st, e) < 0) return NULL;
    return py_type_wrap(st, hl_expr_type(e));
}

static PyObject *expr_defined(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(((py_expr_object *)self)->expr != NULL);
}

static PyMethodDef expr_methods[] = {
    {"type", expr_type, METH_NOARGS, "The Expr's Type."},
    {"defined", expr_defined, METH_NOARGS, "Whether the Expr is defined."},
    {"logical_not", expr_logical_not, METH_NOARGS, "Logical negation of a boolean Expr."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot expr_slots[] = {
    {Py_tp_init, expr_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, expr_dealloc},
    {Py_tp_repr, expr_repr},
    {Py_tp_str, expr_repr},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_richcompare, expr_richcompare},
    {Py_tp_methods, expr_methods},
    {Py_nb_add, expr_add},
    {Py_nb_subtract, expr_sub},
    {Py_nb_multiply, expr_mul},
    {Py_nb_true_divide, expr_truediv},
    {Py_nb_floor_divide, expr_floordiv},
    {Py_nb_remainder, expr_mod},
    {Py_nb_power, expr_pow},
    {Py_nb_negative, expr_neg},
    {Py_nb_invert, expr_invert},
    {Py_nb_and, expr_and},
    {Py_nb_or, expr_or},
    {Py_nb_xor, expr_xor},
    {Py_nb_lshift, expr_lshift},
    {Py_nb_rshift, expr_rshift},
    {Py_nb_bool, expr_bool},
    {Py_tp_doc, "A Halide expression."},
    {0, NULL},
};

static PyType_Spec expr_spec = {
    .name = "halide.Expr",
    .basicsize = sizeof(py_expr_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = expr_slots,
};

/* ---- Var ------------------------------------------------------------------------------------- */

static int var_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"name", NULL};
    const char *name = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|z:Var", kwlist, &name)) return -1;
    char generated[32];
    if (!name || !name[0]) {
        snprintf(generated, sizeof generated, "v%lu", atomic_fetch_add(&next_var_id, 1));
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

static PyObject *var_name(PyObject *self, PyObject *unused) {
    return PyUnicode_FromString(hl_expr_var_name(((py_expr_object *)self)->expr));
}

static PyObject *var_repr(PyObject *self) {
    return PyUnicode_FromFormat("<halide.Var '%s'>", hl_expr_var_name(((py_expr_object *)self)->expr));
}

static PyObject *var_str(PyObject *self) { return var_name(self, NULL); }

static PyObject *var_same_as(PyObject *self, PyObject *other) {
    py_state *st = py_state_of(self);
    if (!PyObject_TypeCheck(other, st->Var)) Py_RETURN_FALSE;
    return PyBool_FromLong(strcmp(hl_expr_var_name(((py_expr_object *)self)->expr),
                                  hl_expr_var_name(((py_expr_object *)other)->expr)) == 0);
}

/* "_" followed by digits only (the placeholder "_" itself counts, as in Halide). */
static int implicit_name(const char *n) { return n[0] == '_' && strspn(n + 1, "0123456789") == strlen(n + 1); }

static PyObject *var_is_implicit(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(implicit_name(hl_expr_var_name(((py_expr_object *)self)->expr)));
}

static PyObject *make_named_var(PyTypeObject *cls, const char *name) {
    return PyObject_CallFunction((PyObject *)cls, "s", name);
}

static PyObject *var_implicit(PyObject *cls, PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    char name[32];
    snprintf(name, sizeof name, "_%ld", n);
    return make_named_var((PyTypeObject *)cls, name);
}

static PyObject *var_implicit_index(PyObject *self, PyObject *unused) {
    const char *n = hl_expr_var_name(((py_expr_object *)self)->expr);
    if (!implicit_name(n)) return PyLong_FromLong(-1);
    return PyLong_FromLong(atol(n + 1)); /* the placeholder "_": 0, as in Halide */
}

static PyObject *var_is_placeholder(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(strcmp(hl_expr_var_name(((py_expr_object *)self)->expr), "_") == 0);
}

/* ---- The placeholder _ (implicit dimensions) ---------------------------------------------- */

static int is_placeholder(py_state *st, PyObject *o) {
    return PyObject_TypeCheck(o, st->Var) && ((py_expr_object *)o)->expr &&
           !strcmp(hl_expr_var_name(((py_expr_object *)o)->expr), "_");
}

PyObject *py_expand_placeholder(py_state *st, PyObject *key, int dims, int count, int *found) {
    *found = 0;
    PyObject *seq = PyTuple_Check(key) ? Py_NewRef(key) : PyList_Check(key) ? PyList_AsTuple(key) : PyTuple_Pack(1, key);
    if (!seq) return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(seq), at = -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (is_placeholder(st, PyTuple_GET_ITEM(seq, i))) {
            if (at >= 0) {
                Py_DECREF(seq);
                PyErr_SetString(st->HalideError, "The placeholder _ may appear only once in an argument list");
                return NULL;
            }
            at = i;
        }
    if (at < 0) return seq;
    *found = 1;
    if (count < 0) count = dims - (int)(n - 1);
    if (count < 0) count = 0;
    PyObject *out = PyTuple_New(n - 1 + count);
    if (!out) {
        Py_DECREF(seq);
        return NULL;
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i != at) {
            PyTuple_SET_ITEM(out, k++, Py_NewRef(PyTuple_GET_ITEM(seq, i)));
            continue;
        }
        for (int j = 0; j < count; j++) {
            char name[32];
            snprintf(name, sizeof name, "_%d", j);
            PyObject *v = make_named_var(st->Var, name);
            if (!v) {
                Py_DECREF(out);
                Py_DECREF(seq);
                return NULL;
            }
            PyTuple_SET_ITEM(out, k++, v);
        }
    }
    Py_DECREF(seq);
    return out;
}

static PyObject *var_outermost(PyObject *cls, PyObject *unused) {
    return make_named_var((PyTypeObject *)cls, "__outermost");
}

static PyMethodDef var_methods[] = {
    {"name", var_name, METH_NOARGS, "The Var's name."},
    {"same_as", var_same_as, METH_O, "Whether two Vars are the same variable."},
    {"is_implicit", var_is_implicit, METH_NOARGS, "Whether this is an implicit Var (_0, _1...)."},
    {"implicit", var_implicit, METH_O | METH_CLASS, "The implicit Var _n."},
    {"implicit_index", var_implicit_index, METH_NOARGS, "n for the implicit Var _n, else -1."},
    {"is_placeholder", var_is_placeholder, METH_NOARGS, "Whether this is the placeholder _."},
    {"outermost", var_outermost, METH_NOARGS | METH_CLASS, "The outermost loop placeholder."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot var_slots[] = {
    {Py_tp_init, var_init},
    {Py_tp_repr, var_repr},
    {Py_tp_str, var_str},
    {Py_tp_methods, var_methods},
    {Py_tp_doc, "A Halide variable: a named dimension of a Func."},
    {0, NULL},
};

static PyType_Spec var_spec = {
    .name = "halide.Var",
    .basicsize = sizeof(py_expr_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = var_slots,
};

int py_expr_init(PyObject *module, py_state *st) {
    st->Expr = (PyTypeObject *)PyType_FromModuleAndSpec(module, &expr_spec, NULL);
    if (!st->Expr) return -1;
    if (PyModule_AddObjectRef(module, "Expr", (PyObject *)st->Expr) < 0) return -1;
    st->Var = (PyTypeObject *)PyType_FromModuleAndSpec(module, &var_spec, (PyObject *)st->Expr);
    if (!st->Var) return -1;
    if (PyModule_AddObjectRef(module, "Var", (PyObject *)st->Var) < 0) return -1;
    /* hl._: the placeholder for implicit dimensions (f[x, _] = g[x, _]). */
    PyObject *placeholder = make_named_var(st->Var, "_");
    if (!placeholder) return -1;
    int rc = PyModule_AddObjectRef(module, "_", placeholder);
    Py_DECREF(placeholder);
    return rc;
}

/* ---- Helpers for py_ops.c ---------------------------------------------------------------- */

int py_operand_from(py_state *st, PyObject *obj, hl_operand *op, hl_expr **tmp) {
    int r = py_as_operand(st, obj, op, tmp);
    if (r == 1) {
        PyErr_Format(PyExc_TypeError, "Can't convert %.100s to a halide.Expr",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    return r;
}
