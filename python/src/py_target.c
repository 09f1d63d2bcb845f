/* py_target.c - halide.Target and the target functions of the module.
 *
 * Python sketch:
 *     class Target:
 *         def __init__(self, target_string=None)      # or (os, arch, bits[, tune][, features])
 *         os, arch, bits, processor_tune              # settable fields (TargetOS, TargetArch ...)
 *         def set_feature(self, f, value=True); def set_features(self, fs, value=True)
 *         def has_feature(self, f) -> bool; def features_all_of(fs); def features_any_of(fs)
 *         def with_feature(self, f) -> Target; def without_feature(self, f) -> Target
 *         def to_string(self) -> str; __str__, __repr__, __eq__, __ne__
 *         def natural_vector_size(self, type) -> int; def supported(self) -> bool
 *         @staticmethod validate_target_string(s) -> bool
 *     def get_host_target() -> Target
 *     def get_target_from_environment() -> Target        # HL_TARGET, default host
 *     def get_jit_target_from_environment() -> Target    # HL_JIT_TARGET, default host-jit
 *     def _target_enum_tables() -> dict                  # names for halide/aot.py's IntEnums
 * The enums themselves (TargetOS, TargetArch, TargetFeature, TargetProcessorTune) are
 * IntEnums made in halide/aot.py from the core's tables; the getters return them.
 */
#include "py_state.h"

#include <stdbool.h>

typedef struct {
    PyObject_HEAD
    hl_target target;
} py_target_object;

static hl_target *target_of(PyObject *self) { return &((py_target_object *)self)->target; }

static PyObject *target_wrap(py_state *st, hl_target t) {
    PyObject *o = PyType_GenericAlloc(st->Target, 0);
    if (o) *target_of(o) = t;
    return o;
}

static PyObject *status_error(py_state *st, hl_status s) { return py_raise_status(st, s); }

/* An int (or IntEnum member) in [lo, hi); -1 with an exception otherwise. */
static int int_in(PyObject *obj, const char *what, int lo, int hi, int *out) {
    if (!PyLong_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int or enum member, not %.100s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    long v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < lo || v >= hi) {
        PyErr_Format(PyExc_ValueError, "%ld is not a valid %s", v, what);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int table_size(const hl_target_name *t) {
    int n = 0;
    while (t[n].name) n++;
    return n;
}

/* halide.<enum_name>(value): the IntEnum member (or the plain int if the enum is missing). */
static PyObject *enum_member(const char *enum_name, int value) {
    PyObject *module = PyImport_ImportModule("halide");
    PyObject *e = module ? PyObject_GetAttrString(module, enum_name) : NULL;
    Py_XDECREF(module);
    if (!e) {
        PyErr_Clear();
        return PyLong_FromLong(value);
    }
    PyObject *r = PyObject_CallFunction(e, "i", value);
    Py_DECREF(e);
    return r;
}

static int set_features_from(py_state *st, hl_target *t, PyObject *seq, int on) {
    PyObject *fast = PySequence_Fast(seq, "features must be a sequence of TargetFeature");
    if (!fast) return -1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        int f;
        if (int_in(PySequence_Fast_GET_ITEM(fast, i), "TargetFeature", 0, HL_FEATURE_END, &f) < 0) {
            Py_DECREF(fast);
            return -1;
        }
        hl_status s = hl_target_set_feature(t, f, on);
        if (s != HL_OK) {
            Py_DECREF(fast);
            status_error(st, s);
            return -1;
        }
    }
    Py_DECREF(fast);
    return 0;
}

int py_as_target(py_state *st, PyObject *obj, hl_target *out) {
    if (!obj || obj == Py_None) {
        *out = hl_target_unknown();
        return 0;
    }
    if (PyObject_TypeCheck(obj, st->Target)) {
        *out = *target_of(obj);
        return 0;
    }
    if (PyUnicode_Check(obj)) {
        const char *s = PyUnicode_AsUTF8(obj);
        if (!s) return -1;
        hl_status status = hl_target_parse(s, out);
        if (status != HL_OK) {
            status_error(st, status);
            return -1;
        }
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "expected a Target or a target string, not %.100s", Py_TYPE(obj)->tp_name);
    return -1;
}

/* ---- Target ------------------------------------------------------------------------------ */

static int target_init(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    hl_target t = hl_target_unknown();
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (kwds && PyDict_GET_SIZE(kwds)) {
        PyErr_SetString(PyExc_TypeError, "Target() takes positional arguments only");
        return -1;
    }
    if (n == 1) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(args, 0))) {
            PyErr_SetString(PyExc_TypeError, "Target(s) takes a target string");
            return -1;
        }
        if (py_as_target(st, PyTuple_GET_ITEM(args, 0), &t) < 0) return -1;
    } else if (n >= 3 && n <= 5) {
        if (int_in(PyTuple_GET_ITEM(args, 0), "TargetOS", 0, 10, &t.os) < 0) return -1;
        if (int_in(PyTuple_GET_ITEM(args, 1), "TargetArch", 0, 7, &t.arch) < 0) return -1;
        if (int_in(PyTuple_GET_ITEM(args, 2), "bits", 0, 65, &t.bits) < 0) return -1;
        for (Py_ssize_t i = 3; i < n; i++) {
            PyObject *a = PyTuple_GET_ITEM(args, i);
            if (PyLong_Check(a) && i == 3) {
                if (int_in(a, "TargetProcessorTune", 0, table_size(hl_target_processor_names()), &t.processor) < 0)
                    return -1;
            } else if (set_features_from(st, &t, a, 1) < 0) {
                return -1;
            }
        }
    } else if (n != 0) {
        PyErr_SetString(PyExc_TypeError,
                        "Target() takes no arguments, a target string, or (os, arch, bits[, tune][, features])");
        return -1;
    }
    *target_of(self) = t;
    return 0;
}

static void target_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *target_to_string(PyObject *self, PyObject *unused) {
    char buf[2048];
    return PyUnicode_FromString(hl_target_to_string(target_of(self), buf, sizeof buf));
}

static PyObject *target_repr(PyObject *self) {
    char buf[2048];
    return PyUnicode_FromFormat("<halide.Target %s>", hl_target_to_string(target_of(self), buf, sizeof buf));
}

static PyObject *target_richcompare(PyObject *self, PyObject *other, int op) {
    py_state *st = py_state_of(self);
    if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(other, st->Target)) Py_RETURN_NOTIMPLEMENTED;
    int eq = hl_target_equal(target_of(self), target_of(other));
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyObject *target_set_feature(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"f", "value", NULL};
    PyObject *f;
    int value = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|p:set_feature", kwlist, &f, &value)) return NULL;
    int feature;
    if (int_in(f, "TargetFeature", 0, HL_FEATURE_END, &feature) < 0) return NULL;
    hl_status s = hl_target_set_feature(target_of(self), feature, value);
    if (s != HL_OK) return status_error(st, s);
    Py_RETURN_NONE;
}

static PyObject *target_set_features(PyObject *self, PyObject *args, PyObject *kwds) {
    py_state *st = py_state_of(self);
    static char *kwlist[] = {"features", "value", NULL};
    PyObject *fs;
    int value = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|p:set_features", kwlist, &fs, &value)) return NULL;
    hl_target t = *target_of(self);
    if (set_features_from(st, &t, fs, value) < 0) return NULL;
    *target_of(self) = t;
    Py_RETURN_NONE;
}

static PyObject *target_has_feature(PyObject *self, PyObject *f) {
    int feature;
    if (int_in(f, "TargetFeature", 0, HL_FEATURE_END, &feature) < 0) return NULL;
    return PyBool_FromLong(hl_target_has_feature(target_of(self), feature));
}

static PyObject *features_of(PyObject *self, PyObject *fs, bool all) {
    PyObject *fast = PySequence_Fast(fs, "features must be a sequence of TargetFeature");
    if (!fast) return NULL;
    bool result = all;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        int feature;
        if (int_in(PySequence_Fast_GET_ITEM(fast, i), "TargetFeature", 0, HL_FEATURE_END, &feature) < 0) {
            Py_DECREF(fast);
            return NULL;
        }
        bool has = hl_target_has_feature(target_of(self), feature);
        if (all && !has) result = false;
        if (!all && has) result = true;
    }
    Py_DECREF(fast);
    return PyBool_FromLong(result);
}

static PyObject *target_features_all_of(PyObject *self, PyObject *fs) { return features_of(self, fs, true); }
static PyObject *target_features_any_of(PyObject *self, PyObject *fs) { return features_of(self, fs, false); }

static PyObject *with_or_without(PyObject *self, PyObject *f, int on) {
    py_state *st = py_state_of(self);
    int feature;
    if (int_in(f, "TargetFeature", 0, HL_FEATURE_END, &feature) < 0) return NULL;
    hl_target t = *target_of(self);
    hl_status s = hl_target_set_feature(&t, feature, on);
    if (s != HL_OK) return status_error(st, s);
    return target_wrap(st, t);
}

static PyObject *target_with_feature(PyObject *self, PyObject *f) { return with_or_without(self, f, 1); }
static PyObject *target_without_feature(PyObject *self, PyObject *f) { return with_or_without(self, f, 0); }

static PyObject *target_natural_vector_size(PyObject *self, PyObject *type_obj) {
    py_state *st = py_state_of(self);
    hl_type t;
    if (py_as_type(st, type_obj, &t) < 0) return NULL;
    return PyLong_FromLong(hl_target_natural_vector_size(target_of(self), t));
}

static PyObject *target_supported(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(hl_target_supported(target_of(self)));
}

static PyObject *target_validate(PyObject *cls, PyObject *s) {
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "validate_target_string takes a str");
        return NULL;
    }
    const char *text = PyUnicode_AsUTF8(s);
    if (!text) return NULL;
    return PyBool_FromLong(hl_target_valid_string(text));
}

static PyObject *get_os(PyObject *self, void *c) { return enum_member("TargetOS", target_of(self)->os); }
static PyObject *get_arch(PyObject *self, void *c) { return enum_member("TargetArch", target_of(self)->arch); }
static PyObject *get_bits(PyObject *self, void *c) { return PyLong_FromLong(target_of(self)->bits); }
static PyObject *get_tune(PyObject *self, void *c) {
    return enum_member("TargetProcessorTune", target_of(self)->processor);
}

static int deleting(PyObject *value) {
    if (value) return 0;
    PyErr_SetString(PyExc_AttributeError, "Target fields cannot be deleted");
    return -1;
}

static int set_os(PyObject *self, PyObject *v, void *c) {
    return deleting(v) ? -1 : int_in(v, "TargetOS", 0, 10, &target_of(self)->os);
}
static int set_arch(PyObject *self, PyObject *v, void *c) {
    return deleting(v) ? -1 : int_in(v, "TargetArch", 0, 7, &target_of(self)->arch);
}
static int set_bits(PyObject *self, PyObject *v, void *c) {
    if (deleting(v)) return -1;
    int bits;
    if (int_in(v, "bits", 0, 65, &bits) < 0) return -1;
    if (bits != 0 && bits != 32 && bits != 64) {
        PyErr_Format(PyExc_ValueError, "Target bits must be 32 or 64, not %d", bits);
        return -1;
    }
    target_of(self)->bits = bits;
    return 0;
}
static int set_tune(PyObject *self, PyObject *v, void *c) {
    return deleting(v) ? -1
                       : int_in(v, "TargetProcessorTune", 0, table_size(hl_target_processor_names()),
                                &target_of(self)->processor);
}

static PyGetSetDef target_getset[] = {
    {"os", get_os, set_os, "The operating system (TargetOS).", NULL},
    {"arch", get_arch, set_arch, "The architecture (TargetArch).", NULL},
    {"bits", get_bits, set_bits, "The pointer width: 32 or 64.", NULL},
    {"processor_tune", get_tune, set_tune, "The processor to tune for (TargetProcessorTune).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

#define KW (PyCFunction)(void (*)(void))
static PyMethodDef target_methods[] = {
    {"to_string", target_to_string, METH_NOARGS, "The target string."},
    {"set_feature", KW target_set_feature, METH_VARARGS | METH_KEYWORDS, "set_feature(f, value=True)."},
    {"set_features", KW target_set_features, METH_VARARGS | METH_KEYWORDS, "set_features(features, value=True)."},
    {"has_feature", target_has_feature, METH_O, "has_feature(f) -> bool."},
    {"features_all_of", target_features_all_of, METH_O, "Whether every feature of the list is on."},
    {"features_any_of", target_features_any_of, METH_O, "Whether some feature of the list is on."},
    {"with_feature", target_with_feature, METH_O, "A copy with feature f on."},
    {"without_feature", target_without_feature, METH_O, "A copy with feature f off."},
    {"natural_vector_size", target_natural_vector_size, METH_O, "SIMD lanes of a scalar type."},
    {"supported", target_supported, METH_NOARGS, "Whether halide-c can generate code for this target."},
    {"validate_target_string", target_validate, METH_O | METH_STATIC, "Whether s is a valid target string."},
    {NULL, NULL, 0, NULL},
};
#undef KW

static PyType_Slot target_slots[] = {
    {Py_tp_init, target_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, target_dealloc},
    {Py_tp_repr, target_repr},
    {Py_tp_str, target_to_string},
    {Py_tp_richcompare, target_richcompare},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_methods, target_methods},
    {Py_tp_getset, target_getset},
    {Py_tp_doc, "A compilation target: arch-bits-os plus features (Halide's target strings)."},
    {0, NULL},
};

static PyType_Spec target_spec = {
    .name = "halide.Target",
    .basicsize = sizeof(py_target_object),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = target_slots,
};

/* ---- Module functions ------------------------------------------------------------------------ */

static PyObject *fn_get_host_target(PyObject *m, PyObject *unused) {
    return target_wrap(py_state_of_module(m), hl_target_host());
}

static PyObject *fn_get_target_from_environment(PyObject *m, PyObject *unused) {
    hl_target t;
    hl_status s = hl_target_from_environment(&t);
    if (s != HL_OK) return status_error(py_state_of_module(m), s);
    return target_wrap(py_state_of_module(m), t);
}

static PyObject *fn_get_jit_target_from_environment(PyObject *m, PyObject *unused) {
    hl_target t;
    hl_status s = hl_jit_target_from_environment(&t);
    if (s != HL_OK) return status_error(py_state_of_module(m), s);
    return target_wrap(py_state_of_module(m), t);
}

/* [(py_name, value, target-string name), ...] */
static PyObject *table_list(const hl_target_name *t) {
    PyObject *list = PyList_New(0);
    for (int i = 0; list && t[i].name; i++) {
        PyObject *row = Py_BuildValue("(sis)", t[i].py_name, t[i].value, t[i].name);
        if (!row || PyList_Append(list, row) < 0) Py_CLEAR(list);
        Py_XDECREF(row);
    }
    return list;
}

static PyObject *fn_target_enum_tables(PyObject *m, PyObject *unused) {
    return Py_BuildValue("{sNsNsNsN}", "TargetOS", table_list(hl_target_os_names()), "TargetArch",
                         table_list(hl_target_arch_names()), "TargetFeature",
                         table_list(hl_target_feature_names()), "TargetProcessorTune",
                         table_list(hl_target_processor_names()));
}

static PyMethodDef module_functions[] = {
    {"get_host_target", fn_get_host_target, METH_NOARGS, "The host's target, with its CPU's features."},
    {"get_target_from_environment", fn_get_target_from_environment, METH_NOARGS,
     "The target of HL_TARGET (the host when unset)."},
    {"get_jit_target_from_environment", fn_get_jit_target_from_environment, METH_NOARGS,
     "The target of HL_JIT_TARGET (the host when unset), with the jit feature."},
    {"_target_enum_tables", fn_target_enum_tables, METH_NOARGS, "Names and values for the target enums."},
    {NULL, NULL, 0, NULL},
};

int py_target_init(PyObject *module, py_state *st) {
    st->Target = (PyTypeObject *)PyType_FromModuleAndSpec(module, &target_spec, NULL);
    if (!st->Target || PyModule_AddObjectRef(module, "Target", (PyObject *)st->Target) < 0) return -1;
    return PyModule_AddFunctions(module, module_functions);
}
