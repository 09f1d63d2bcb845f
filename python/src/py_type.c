/* py_type.c - halide.Type and the type constructors Int/UInt/Float/BFloat/Bool/Handle.
 *
 * Python sketch:
 *     class TypeCode(enum): Int, UInt, Float, Handle, BFloat   (module-level constants)
 *     class Type:
 *         def __init__(self, code=TypeCode.Int, bits=32, lanes=1)
 *         code(), bits(), lanes(), bytes(), is_int(), is_uint(), is_float(), is_bfloat(),
 *         is_bool(), is_handle(), is_scalar(), is_vector(), with_bits(b), with_code(c),
 *         with_lanes(n), element_of(), max(), min(), is_max(v), is_min(v),
 *         can_represent(type_or_number), same_handle_type(t), __eq__, __ne__, __repr__, __str__
 *     def Int(bits, lanes=1), UInt(...), Float(...), BFloat(...), Bool(lanes=1), Handle(...)
 * A Type is immutable and stores an hl_type by value.
 */
#include "py_state.h"

#include <math.h>

typedef struct {
    PyObject_HEAD
    hl_type type;
} py_type_object;

PyObject *py_type_wrap(py_state *st, hl_type t) {
    py_type_object *o = PyObject_New(py_type_object, st->Type);
    if (o) o->type = t;
    return (PyObject *)o;
}

int py_as_type(py_state *st, PyObject *obj, hl_type *out) {
    if (!PyObject_TypeCheck(obj, st->Type)) {
        PyErr_Format(PyExc_TypeError, "expected a halide.Type, got %.100s", Py_TYPE(obj)->tp_name);
        return -1;
    }
    *out = ((py_type_object *)obj)->type;
    return 0;
}

static hl_type self_type(PyObject *self) { return ((py_type_object *)self)->type; }

static int check_type(hl_type t) {
    if (!hl_type_is_valid(t)) {
        char buf[48];
        PyErr_Format(PyExc_ValueError, "%s is not a type Halide has (code %d, %d bits, %d lanes)",
                     hl_type_name(t, buf, sizeof buf), t.code, t.bits, t.lanes);
        return -1;
    }
    return 0;
}

static int type_init(PyObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"code", "bits", "lanes", NULL};
    int code = halide_type_int, bits = 32, lanes = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|iii:Type", kwlist, &code, &bits, &lanes))
        return -1;
    hl_type t = hl_type_make(code, bits, lanes);
    if (code < 0 || code > 4 || bits <= 0 || bits > 64 || lanes <= 0 || lanes > 65535 ||
        check_type(t) < 0) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "invalid Type(code=%d, bits=%d, lanes=%d)", code, bits,
                         lanes);
        return -1;
    }
    ((py_type_object *)self)->type = t;
    return 0;
}

static PyObject *type_repr(PyObject *self) {
    char buf[48];
    hl_type t = self_type(self);
    if (t.code == halide_type_handle) return PyUnicode_FromFormat("<halide.Type handle%d>", t.bits);
    return PyUnicode_FromFormat("<halide.Type %s>", hl_type_name(t, buf, sizeof buf));
}

static PyObject *type_str(PyObject *self) {
    char buf[48];
    hl_type t = self_type(self);
    if (t.code == halide_type_handle) return PyUnicode_FromFormat("handle%d", t.bits);
    return PyUnicode_FromString(hl_type_name(t, buf, sizeof buf));
}

static PyObject *type_richcompare(PyObject *a, PyObject *b, int op) {
    py_state *st = py_state_of(a);
    if (!st || !PyObject_TypeCheck(b, st->Type) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    int eq = hl_type_equal(self_type(a), self_type(b));
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyObject *code_object(py_state *st, int code);

static PyObject *type_code(PyObject *self, PyObject *unused) {
    return code_object(py_state_of(self), self_type(self).code);
}
static PyObject *type_bits(PyObject *self, PyObject *unused) {
    return PyLong_FromLong(self_type(self).bits);
}
static PyObject *type_lanes(PyObject *self, PyObject *unused) {
    return PyLong_FromLong(self_type(self).lanes);
}
static PyObject *type_bytes(PyObject *self, PyObject *unused) {
    return PyLong_FromLong((self_type(self).bits + 7) / 8);
}

#define TYPE_PREDICATE(fname, expr)                                                           \
    static PyObject *fname(PyObject *self, PyObject *unused) {                                \
        hl_type t = self_type(self);                                                          \
        return PyBool_FromLong(expr);                                                         \
    }
TYPE_PREDICATE(type_is_int, t.code == halide_type_int)
TYPE_PREDICATE(type_is_uint, t.code == halide_type_uint)
TYPE_PREDICATE(type_is_float, t.code == halide_type_float || t.code == halide_type_bfloat)
TYPE_PREDICATE(type_is_bfloat, t.code == halide_type_bfloat)
TYPE_PREDICATE(type_is_bool, t.code == halide_type_uint && t.bits == 1)
TYPE_PREDICATE(type_is_handle, t.code == halide_type_handle)
TYPE_PREDICATE(type_is_scalar, t.lanes == 1)
TYPE_PREDICATE(type_is_vector, t.lanes > 1)
#undef TYPE_PREDICATE

static PyObject *with_field(PyObject *self, PyObject *arg, int which) {
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    hl_type t = self_type(self);
    if (which == 0) t.bits = (uint8_t)v;
    else if (which == 1) t.lanes = (uint16_t)v;
    else t.code = (uint8_t)v;
    if (v <= 0 && which != 2) {
        PyErr_SetString(PyExc_ValueError, "bits and lanes must be positive");
        return NULL;
    }
    if (check_type(t) < 0) return NULL;
    return py_type_wrap(py_state_of(self), t);
}

static PyObject *type_with_bits(PyObject *self, PyObject *arg) { return with_field(self, arg, 0); }
static PyObject *type_with_lanes(PyObject *self, PyObject *arg) { return with_field(self, arg, 1); }
static PyObject *type_with_code(PyObject *self, PyObject *arg) {
    PyObject *v = PyNumber_Index(arg);
    if (!v) return NULL;
    PyObject *r = with_field(self, v, 2);
    Py_DECREF(v);
    return r;
}

static PyObject *type_element_of(PyObject *self, PyObject *unused) {
    hl_type t = self_type(self);
    t.lanes = 1;
    return py_type_wrap(py_state_of(self), t);
}

static PyObject *extreme_expr(PyObject *self, int is_max) {
    py_state *st = py_state_of(self);
    hl_type t = self_type(self);
    hl_type scalar = t;
    scalar.lanes = 1;
    hl_expr *e = NULL;
    hl_status s;
    if (t.code == halide_type_float || t.code == halide_type_bfloat)
        s = hl_expr_float(scalar, is_max ? INFINITY : -INFINITY, &e);
    else if (t.code == halide_type_uint)
        s = hl_expr_uint(scalar, is_max ? (t.bits >= 64 ? UINT64_MAX : ((uint64_t)1 << t.bits) - 1) : 0,
                         &e);
    else if (t.code == halide_type_int)
        s = hl_expr_int(scalar,
                        is_max ? (t.bits >= 64 ? INT64_MAX : ((int64_t)1 << (t.bits - 1)) - 1)
                               : (t.bits >= 64 ? INT64_MIN : -((int64_t)1 << (t.bits - 1))),
                        &e);
    else {
        PyErr_SetString(PyExc_ValueError, "a handle type has no max or min");
        return NULL;
    }
    if (s != HL_OK) return py_raise_status(st, s);
    return py_expr_wrap(st, e);
}

static PyObject *type_max(PyObject *self, PyObject *unused) { return extreme_expr(self, 1); }
static PyObject *type_min(PyObject *self, PyObject *unused) { return extreme_expr(self, 0); }

/* Whether Python number v is exactly the max (is_max) or min of the type. */
static PyObject *type_is_extreme(PyObject *self, PyObject *arg, int is_max) {
    hl_type t = self_type(self);
    if (t.code == halide_type_float || t.code == halide_type_bfloat) {
        double v = PyFloat_AsDouble(arg);
        if (v == -1 && PyErr_Occurred()) return NULL;
        return PyBool_FromLong(v == (is_max ? INFINITY : -INFINITY));
    }
    PyObject *expect = NULL;
    if (t.code == halide_type_uint)
        expect = is_max ? PyLong_FromUnsignedLongLong(t.bits >= 64 ? UINT64_MAX
                                                                   : ((uint64_t)1 << t.bits) - 1)
                        : PyLong_FromLong(0);
    else
        expect = PyLong_FromLongLong(
            is_max ? (t.bits >= 64 ? INT64_MAX : ((int64_t)1 << (t.bits - 1)) - 1)
                   : (t.bits >= 64 ? INT64_MIN : -((int64_t)1 << (t.bits - 1))));
    if (!expect) return NULL;
    int eq = PyObject_RichCompareBool(arg, expect, Py_EQ);
    Py_DECREF(expect);
    if (eq < 0) return NULL;
    return PyBool_FromLong(eq);
}
static PyObject *type_is_max(PyObject *self, PyObject *arg) { return type_is_extreme(self, arg, 1); }
static PyObject *type_is_min(PyObject *self, PyObject *arg) { return type_is_extreme(self, arg, 0); }

static PyObject *type_can_represent(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    hl_type t = self_type(self);
    if (PyObject_TypeCheck(arg, st->Type)) return PyBool_FromLong(hl_type_can_represent(t, self_type(arg)));
    if (PyFloat_Check(arg)) {
        double v = PyFloat_AsDouble(arg);
        if (t.code == halide_type_float) {
            if (t.bits == 64 || isnan(v) || isinf(v)) return PyBool_FromLong(1);
            return PyBool_FromLong((double)(float)v == v);
        }
        if (t.code == halide_type_int || t.code == halide_type_uint) {
            if (v != floor(v)) Py_RETURN_FALSE;
            double lo = t.code == halide_type_uint ? 0 : -ldexp(1, t.bits - 1);
            double hi = t.code == halide_type_uint ? ldexp(1, t.bits) - 1 : ldexp(1, t.bits - 1) - 1;
            return PyBool_FromLong(v >= lo && v <= hi);
        }
        Py_RETURN_FALSE;
    }
    if (PyLong_Check(arg)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(arg, &overflow);
        if (t.code == halide_type_uint) {
            if (overflow < 0 || (!overflow && v < 0)) Py_RETURN_FALSE;
            if (overflow > 0) {
                unsigned long long u = PyLong_AsUnsignedLongLong(arg);
                if (PyErr_Occurred()) {
                    PyErr_Clear();
                    Py_RETURN_FALSE;
                }
                return PyBool_FromLong(t.bits >= 64 || u <= (((uint64_t)1 << t.bits) - 1));
            }
            return PyBool_FromLong(t.bits >= 64 || (uint64_t)v <= (((uint64_t)1 << t.bits) - 1));
        }
        if (overflow) Py_RETURN_FALSE;
        if (t.code == halide_type_int)
            return PyBool_FromLong(t.bits >= 64 || (v >= -((long long)1 << (t.bits - 1)) &&
                                                    v < ((long long)1 << (t.bits - 1))));
        if (t.code == halide_type_float) {
            double d = (double)v;
            if (t.bits == 32) return PyBool_FromLong((long long)(float)d == v);
            return PyBool_FromLong((long long)d == v);
        }
        Py_RETURN_FALSE;
    }
    PyErr_Format(PyExc_TypeError, "can_represent() takes a Type or a number, not %.100s",
                 Py_TYPE(arg)->tp_name);
    return NULL;
}

static PyObject *type_same_handle_type(PyObject *self, PyObject *arg) {
    py_state *st = py_state_of(self);
    hl_type o;
    if (py_as_type(st, arg, &o) < 0) return NULL;
    return PyBool_FromLong(hl_type_equal(self_type(self), o));
}

static Py_hash_t type_hash(PyObject *self) {
    hl_type t = self_type(self);
    return (Py_hash_t)(t.code | t.bits << 8 | (Py_hash_t)t.lanes << 16) + 1;
}

static PyMethodDef type_methods[] = {
    {"code", type_code, METH_NOARGS, "The type code (a TypeCode)."},
    {"bits", type_bits, METH_NOARGS, "Bits per lane."},
    {"lanes", type_lanes, METH_NOARGS, "Number of vector lanes."},
    {"bytes", type_bytes, METH_NOARGS, "Bytes per lane."},
    {"is_int", type_is_int, METH_NOARGS, NULL},
    {"is_uint", type_is_uint, METH_NOARGS, NULL},
    {"is_float", type_is_float, METH_NOARGS, NULL},
    {"is_bfloat", type_is_bfloat, METH_NOARGS, NULL},
    {"is_bool", type_is_bool, METH_NOARGS, NULL},
    {"is_handle", type_is_handle, METH_NOARGS, NULL},
    {"is_scalar", type_is_scalar, METH_NOARGS, NULL},
    {"is_vector", type_is_vector, METH_NOARGS, NULL},
    {"with_bits", type_with_bits, METH_O, "The same type with another bit width."},
    {"with_lanes", type_with_lanes, METH_O, "The same type with another lane count."},
    {"with_code", type_with_code, METH_O, "The same type with another TypeCode."},
    {"element_of", type_element_of, METH_NOARGS, "The scalar type of one lane."},
    {"max", type_max, METH_NOARGS, "The largest value, as an Expr."},
    {"min", type_min, METH_NOARGS, "The smallest value, as an Expr."},
    {"is_max", type_is_max, METH_O, "Whether a number is the type's largest value."},
    {"is_min", type_is_min, METH_O, "Whether a number is the type's smallest value."},
    {"can_represent", type_can_represent, METH_O,
     "Whether every value of a Type, or a given number, is exactly representable."},
    {"same_handle_type", type_same_handle_type, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot type_slots[] = {
    {Py_tp_init, type_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_repr, type_repr},
    {Py_tp_str, type_str},
    {Py_tp_richcompare, type_richcompare},
    {Py_tp_hash, type_hash},
    {Py_tp_methods, type_methods},
    {Py_tp_doc, "A Halide type: a code (int, uint, float, handle), bits and lanes."},
    {0, NULL},
};

static PyType_Spec type_spec = {
    .name = "halide.Type",
    .basicsize = sizeof(py_type_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = type_slots,
};

/* ---- TypeCode: a small int enum built in Python by __init__.py; here plain ints. ---- */

static PyObject *code_object(py_state *st, int code) {
    PyObject *module = PyImport_ImportModule("halide");
    if (module) {
        PyObject *enum_type = PyObject_GetAttrString(module, "TypeCode");
        Py_DECREF(module);
        if (enum_type) {
            PyObject *r = PyObject_CallFunction(enum_type, "i", code);
            Py_DECREF(enum_type);
            return r;
        }
    }
    PyErr_Clear();
    return PyLong_FromLong(code);
}

/* ---- Int(bits, lanes=1) and friends ------------------------------------------------------- */

static PyObject *make_type(PyObject *module, PyObject *const *args, Py_ssize_t nargs, int code,
                           const char *fname, int default_bits) {
    long bits = default_bits, lanes = 1;
    if (nargs > 2 || (default_bits == 0 && nargs < 1)) {
        PyErr_Format(PyExc_TypeError, "%s() takes %s arguments", fname,
                     default_bits ? "at most 2" : "bits and optional lanes");
        return NULL;
    }
    int i = 0;
    if (default_bits == 0 || (code == halide_type_handle && nargs > 0)) {
        bits = PyLong_AsLong(args[i++]);
        if (bits == -1 && PyErr_Occurred()) return NULL;
    }
    if (i < nargs) {
        lanes = PyLong_AsLong(args[i]);
        if (lanes == -1 && PyErr_Occurred()) return NULL;
    }
    if (code == halide_type_uint && default_bits == 1) bits = 1; /* Bool(lanes) */
    if (bits <= 0 || bits > 64 || lanes <= 0 || lanes > 65535) {
        PyErr_Format(PyExc_ValueError, "%s(): bits must be in 1..64 and lanes in 1..65535", fname);
        return NULL;
    }
    hl_type t = hl_type_make(code, (int)bits, (int)lanes);
    if (check_type(t) < 0) return NULL;
    return py_type_wrap(py_state_of_module(module), t);
}

static PyObject *fn_Int(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return make_type(m, a, n, halide_type_int, "Int", 0);
}
static PyObject *fn_UInt(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return make_type(m, a, n, halide_type_uint, "UInt", 0);
}
static PyObject *fn_Float(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return make_type(m, a, n, halide_type_float, "Float", 0);
}
static PyObject *fn_BFloat(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return make_type(m, a, n, halide_type_bfloat, "BFloat", 0);
}
static PyObject *fn_Bool(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    if (n > 1) {
        PyErr_SetString(PyExc_TypeError, "Bool() takes at most 1 argument (lanes)");
        return NULL;
    }
    return make_type(m, a, n, halide_type_uint, "Bool", 1);
}
static PyObject *fn_Handle(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return make_type(m, a, n, halide_type_handle, "Handle", 64);
}

static PyMethodDef type_functions[] = {
    {"Int", (PyCFunction)(void (*)(void))fn_Int, METH_FASTCALL, "Int(bits, lanes=1): a signed integer Type."},
    {"UInt", (PyCFunction)(void (*)(void))fn_UInt, METH_FASTCALL, "UInt(bits, lanes=1): an unsigned integer Type."},
    {"Float", (PyCFunction)(void (*)(void))fn_Float, METH_FASTCALL, "Float(bits, lanes=1): a floating-point Type."},
    {"BFloat", (PyCFunction)(void (*)(void))fn_BFloat, METH_FASTCALL, "BFloat(bits, lanes=1): a bfloat Type."},
    {"Bool", (PyCFunction)(void (*)(void))fn_Bool, METH_FASTCALL, "Bool(lanes=1): the boolean Type (uint1)."},
    {"Handle", (PyCFunction)(void (*)(void))fn_Handle, METH_FASTCALL, "Handle(bits=64, lanes=1): an opaque pointer Type."},
    {NULL, NULL, 0, NULL},
};

int py_type_init(PyObject *module, py_state *st) {
    st->Type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &type_spec, NULL);
    if (!st->Type) return -1;
    if (PyModule_AddObjectRef(module, "Type", (PyObject *)st->Type) < 0) return -1;
    return PyModule_AddFunctions(module, type_functions);
}
