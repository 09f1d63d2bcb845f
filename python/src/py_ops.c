/* py_ops.c - the module's free functions that build Exprs.
 *
 * Python sketch:
 *     def cast(t: Type, e) -> Expr
 *     def select(c0, v0, [c1, v1, ...], default) -> Expr
 *     def min(a, b, *more), max(a, b, *more), clamp(a, lo, hi), abs(a), absd(a, b)
 *     def sqrt(x), exp, log, pow(x, y), sin, cos, tan, asin, acos, atan, atan2(y, x), sinh,
 *         cosh, tanh, asinh, acosh, atanh, floor, ceil, round, trunc, erf, hypot(x, y)
 *     def i8(e), i16, i32, i64, u8, u16, u32, u64, f16, f32, f64   (ConciseCasts)
 *     def i8_sat(e), ..., u64_sat(e); saturating_cast(t, e); logical_not(e)
 * Each converts its arguments with py_operand_from and calls one hl_expr_* builder, where
 * the coercion rules live.
 */
#include "py_state.h"

#include <stdbool.h>

/* Operands of a call; releases temporaries on scope exit via operands_release. */
typedef struct {
    Py_ssize_t n;
    hl_operand *ops;
    hl_expr **tmps;
    hl_operand small_ops[8];
    hl_expr *small_tmps[8];
} operand_list;

static void operands_release(operand_list *l) {
    for (Py_ssize_t i = 0; i < l->n; i++) hl_expr_release(l->tmps[i]);
    if (l->ops != l->small_ops) PyMem_Free(l->ops);
    if (l->tmps != l->small_tmps) PyMem_Free(l->tmps);
}

static int operands_from(py_state *st, PyObject *const *args, Py_ssize_t n, operand_list *l) {
    l->n = 0;
    l->ops = n <= 8 ? l->small_ops : PyMem_Calloc((size_t)n, sizeof(hl_operand));
    l->tmps = n <= 8 ? l->small_tmps : PyMem_Calloc((size_t)n, sizeof(hl_expr *));
    if (!l->ops || !l->tmps) {
        if (l->ops != l->small_ops) PyMem_Free(l->ops);
        if (l->tmps != l->small_tmps) PyMem_Free(l->tmps);
        l->ops = l->small_ops;
        l->tmps = l->small_tmps;
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        l->tmps[i] = NULL;
        l->n = i + 1;
        if (py_operand_from(st, args[i], &l->ops[i], &l->tmps[i]) < 0) {
            operands_release(l);
            return -1;
        }
    }
    l->n = n;
    return 0;
}

static PyObject *finish(py_state *st, hl_status s, hl_expr *out) {
    if (s != HL_OK) return py_raise_status(st, s);
    return py_expr_wrap(st, out);
}

/* cast / saturating_cast of one operand to t (the type is args[0] unless `fixed` is given). */
static PyObject *any_cast(PyObject *m, PyObject *const *args, Py_ssize_t n, const hl_type *fixed,
                          bool saturating, const char *fname) {
    py_state *st = py_state_of_module(m);
    Py_ssize_t want = fixed ? 1 : 2;
    if (n != want) {
        PyErr_Format(PyExc_TypeError, "%s takes %s", fname, fixed ? "one argument" : "(type, expr)");
        return NULL;
    }
    hl_type t;
    if (fixed) t = *fixed;
    else if (py_as_type(st, args[0], &t) < 0) return NULL;
    operand_list l;
    if (operands_from(st, args + want - 1, 1, &l) < 0) return NULL;
    hl_expr *out;
    hl_status s = saturating ? hl_expr_saturating_cast(t, l.ops[0], &out) : hl_expr_cast(t, l.ops[0], &out);
    operands_release(&l);
    return finish(st, s, out);
}

static PyObject *fn_cast(PyObject *m, PyObject *const *args, Py_ssize_t n) {
    return any_cast(m, args, n, NULL, false, "cast()");
}

static PyObject *fn_select(PyObject *m, PyObject *const *args, Py_ssize_t n) {
    py_state *st = py_state_of_module(m);
    PyObject *seq = NULL;
    /* select([c0, v0, ...]) is accepted too. */
    if (n == 1 && PyList_Check(args[0])) {
        seq = PySequence_Fast(args[0], "select");
        if (!seq) return NULL;
        args = PySequence_Fast_ITEMS(seq);
        n = PySequence_Fast_GET_SIZE(seq);
    }
    operand_list l;
    hl_expr *out = NULL;
    hl_status s = HL_OK;
    if (operands_from(st, args, n, &l) < 0) {
        Py_XDECREF(seq);
        return NULL;
    }
    s = hl_expr_select((int)n, l.ops, &out);
    operands_release(&l);
    Py_XDECREF(seq);
    return finish(st, s, out);
}

static PyObject *minmax(PyObject *m, PyObject *const *args, Py_ssize_t n, int is_max) {
    py_state *st = py_state_of_module(m);
    if (n < 2) {
        PyErr_Format(PyExc_ValueError, "%s() needs at least two arguments", is_max ? "max" : "min");
        return NULL;
    }
    operand_list l;
    if (operands_from(st, args, n, &l) < 0) return NULL;
    hl_expr *out;
    hl_status s = hl_expr_minmax(is_max, (int)n, l.ops, &out);
    operands_release(&l);
    return finish(st, s, out);
}

static PyObject *fn_min(PyObject *m, PyObject *const *a, Py_ssize_t n) { return minmax(m, a, n, 0); }
static PyObject *fn_max(PyObject *m, PyObject *const *a, Py_ssize_t n) { return minmax(m, a, n, 1); }

static PyObject *fn_clamp(PyObject *m, PyObject *const *args, Py_ssize_t n) {
    py_state *st = py_state_of_module(m);
    if (n != 3) {
        PyErr_SetString(PyExc_TypeError, "clamp(a, min_val, max_val) takes three arguments");
        return NULL;
    }
    operand_list l;
    if (operands_from(st, args, n, &l) < 0) return NULL;
    hl_expr *out;
    hl_status s = hl_expr_clamp(l.ops, &out);
    operands_release(&l);
    return finish(st, s, out);
}

static PyObject *fn_abs(PyObject *m, PyObject *const *args, Py_ssize_t n) {
    py_state *st = py_state_of_module(m);
    if (n != 1) {
        PyErr_SetString(PyExc_TypeError, "abs(a) takes one argument");
        return NULL;
    }
    operand_list l;
    if (operands_from(st, args, n, &l) < 0) return NULL;
    hl_expr *out;
    hl_status s = hl_expr_abs(l.ops[0], &out);
    operands_release(&l);
    return finish(st, s, out);
}

static PyObject *fn_absd(PyObject *m, PyObject *const *args, Py_ssize_t n) {
    py_state *st = py_state_of_module(m);
    if (n != 2) {
        PyErr_SetString(PyExc_TypeError, "absd(a, b) takes two arguments");
        return NULL;
    }
    operand_list l;
    if (operands_from(st, args, n, &l) < 0) return NULL;
    hl_expr *out;
    hl_status s = hl_expr_absd(l.ops[0], l.ops[1], &out);
    operands_release(&l);
    return finish(st, s, out);
}

static PyObject *math(PyObject *m, PyObject *const *args, Py_ssize_t n, const char *name) {
    py_state *st = py_state_of_module(m);
    operand_list l;
    if (operands_from(st, args, n, &l) < 0) return NULL;
    hl_expr *out;
    hl_status s = hl_expr_math(name, (int)n, l.ops, &out);
    operands_release(&l);
    return finish(st, s, out);
}

#define MATH_FN(fname)                                                                        \
    static PyObject *fn_##fname(PyObject *m, PyObject *const *a, Py_ssize_t n) {              \
        return math(m, a, n, #fname);                                                         \
    }
MATH_FN(sqrt)
MATH_FN(exp)
MATH_FN(log)
MATH_FN(pow)
MATH_FN(sin)
MATH_FN(cos)
MATH_FN(tan)
MATH_FN(asin)
MATH_FN(acos)
MATH_FN(atan)
MATH_FN(atan2)
MATH_FN(sinh)
MATH_FN(cosh)
MATH_FN(tanh)
MATH_FN(asinh)
MATH_FN(acosh)
MATH_FN(atanh)
MATH_FN(floor)
MATH_FN(ceil)
MATH_FN(round)
MATH_FN(trunc)
MATH_FN(erf)
MATH_FN(hypot)
#undef MATH_FN

static PyObject *concise_cast(PyObject *m, PyObject *const *args, Py_ssize_t n, int code, int bits) {
    hl_type t = hl_type_make(code, bits, 1);
    return any_cast(m, args, n, &t, false, "a concise cast");
}

static PyObject *fn_saturating_cast(PyObject *m, PyObject *const *args, Py_ssize_t n) {
    return any_cast(m, args, n, NULL, true, "saturating_cast()");
}

static PyObject *saturating_concise(PyObject *m, PyObject *const *args, Py_ssize_t n, int code,
                                    int bits) {
    hl_type t = hl_type_make(code, bits, 1);
    return any_cast(m, args, n, &t, true, "a saturating concise cast");
}

static PyObject *fn_logical_not(PyObject *m, PyObject *const *args, Py_ssize_t n) {
    py_state *st = py_state_of_module(m);
    if (n != 1) {
        PyErr_SetString(PyExc_TypeError, "logical_not(e) takes one argument");
        return NULL;
    }
    hl_expr *e, *out;
    if (py_as_expr(st, args[0], &e) < 0) return NULL;
    hl_status s = hl_expr_unary(HL_OP_NOT, e, &out);
    hl_expr_release(e);
    return finish(st, s, out);
}

#define CONCISE(fname, code, bits)                                                            \
    static PyObject *fn_##fname(PyObject *m, PyObject *const *a, Py_ssize_t n) {              \
        return concise_cast(m, a, n, code, bits);                                             \
    }
CONCISE(i8, halide_type_int, 8)
CONCISE(i16, halide_type_int, 16)
CONCISE(i32, halide_type_int, 32)
CONCISE(i64, halide_type_int, 64)
CONCISE(u8, halide_type_uint, 8)
CONCISE(u16, halide_type_uint, 16)
CONCISE(u32, halide_type_uint, 32)
CONCISE(u64, halide_type_uint, 64)
CONCISE(f16, halide_type_float, 16)
CONCISE(f32, halide_type_float, 32)
CONCISE(f64, halide_type_float, 64)
#undef CONCISE

#define CONCISE_SAT(fname, code, bits)                                                        \
    static PyObject *fn_##fname##_sat(PyObject *m, PyObject *const *a, Py_ssize_t n) {        \
        return saturating_concise(m, a, n, code, bits);                                       \
    }
CONCISE_SAT(i8, halide_type_int, 8)
CONCISE_SAT(i16, halide_type_int, 16)
CONCISE_SAT(i32, halide_type_int, 32)
CONCISE_SAT(i64, halide_type_int, 64)
CONCISE_SAT(u8, halide_type_uint, 8)
CONCISE_SAT(u16, halide_type_uint, 16)
CONCISE_SAT(u32, halide_type_uint, 32)
CONCISE_SAT(u64, halide_type_uint, 64)
#undef CONCISE_SAT

/* Test hooks (tests/python/test_fault_injection.py): fail the nth core allocation from now
 * (n <= 0 turns injection off), and count the allocations made since. */
static PyObject *fn_alloc_fail_at(PyObject *m, PyObject *arg) {
    (void)m;
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    hl_alloc_fail_at(n);
    Py_RETURN_NONE;
}

static PyObject *fn_alloc_count(PyObject *m, PyObject *unused) {
    (void)m;
    (void)unused;
    return PyLong_FromLong(hl_alloc_count());
}

#define FASTCALL(f) (PyCFunction)(void (*)(void)) f, METH_FASTCALL
static PyMethodDef op_functions[] = {
    {"cast", FASTCALL(fn_cast), "cast(type, e): e converted to type."},
    {"select", FASTCALL(fn_select),
     "select(c0, v0, c1, v1, ..., default): the value of the first true condition."},
    {"min", FASTCALL(fn_min), "min(a, b, ...): the smallest, after type promotion."},
    {"max", FASTCALL(fn_max), "max(a, b, ...): the largest, after type promotion."},
    {"clamp", FASTCALL(fn_clamp), "clamp(a, lo, hi): max(min(a, hi), lo)."},
    {"abs", FASTCALL(fn_abs), "abs(a): absolute value (unsigned for signed integers)."},
    {"absd", FASTCALL(fn_absd), "absd(a, b): |a - b| without overflow, unsigned for integers."},
    {"sqrt", FASTCALL(fn_sqrt), NULL},   {"exp", FASTCALL(fn_exp), NULL},
    {"log", FASTCALL(fn_log), NULL},     {"pow", FASTCALL(fn_pow), NULL},
    {"sin", FASTCALL(fn_sin), NULL},     {"cos", FASTCALL(fn_cos), NULL},
    {"tan", FASTCALL(fn_tan), NULL},     {"asin", FASTCALL(fn_asin), NULL},
    {"acos", FASTCALL(fn_acos), NULL},   {"atan", FASTCALL(fn_atan), NULL},
    {"atan2", FASTCALL(fn_atan2), NULL}, {"sinh", FASTCALL(fn_sinh), NULL},
    {"cosh", FASTCALL(fn_cosh), NULL},   {"tanh", FASTCALL(fn_tanh), NULL},
    {"asinh", FASTCALL(fn_asinh), NULL}, {"acosh", FASTCALL(fn_acosh), NULL},
    {"atanh", FASTCALL(fn_atanh), NULL}, {"floor", FASTCALL(fn_floor), NULL},
    {"ceil", FASTCALL(fn_ceil), NULL},   {"round", FASTCALL(fn_round), NULL},
    {"trunc", FASTCALL(fn_trunc), NULL}, {"erf", FASTCALL(fn_erf), NULL},
    {"hypot", FASTCALL(fn_hypot), NULL},
    {"i8", FASTCALL(fn_i8), NULL},       {"i16", FASTCALL(fn_i16), NULL},
    {"i32", FASTCALL(fn_i32), NULL},     {"i64", FASTCALL(fn_i64), NULL},
    {"u8", FASTCALL(fn_u8), NULL},       {"u16", FASTCALL(fn_u16), NULL},
    {"u32", FASTCALL(fn_u32), NULL},     {"u64", FASTCALL(fn_u64), NULL},
    {"f16", FASTCALL(fn_f16), NULL},     {"f32", FASTCALL(fn_f32), NULL},
    {"f64", FASTCALL(fn_f64), NULL},
    {"i8_sat", FASTCALL(fn_i8_sat), NULL},   {"i16_sat", FASTCALL(fn_i16_sat), NULL},
    {"i32_sat", FASTCALL(fn_i32_sat), NULL}, {"i64_sat", FASTCALL(fn_i64_sat), NULL},
    {"u8_sat", FASTCALL(fn_u8_sat), NULL},   {"u16_sat", FASTCALL(fn_u16_sat), NULL},
    {"u32_sat", FASTCALL(fn_u32_sat), NULL}, {"u64_sat", FASTCALL(fn_u64_sat), NULL},
    {"saturating_cast", FASTCALL(fn_saturating_cast),
     "saturating_cast(type, e): e clamped into type's range, then converted."},
    {"logical_not", FASTCALL(fn_logical_not), "logical_not(e): !e for a boolean e."},
    {"_alloc_fail_at", fn_alloc_fail_at, METH_O,
     "_alloc_fail_at(n): test hook; make the nth core allocation from now fail (n <= 0: off)."},
    {"_alloc_count", fn_alloc_count, METH_NOARGS,
     "_alloc_count(): test hook; core allocations counted since _alloc_fail_at was called."},
    {NULL, NULL, 0, NULL},
};
#undef FASTCALL

int py_ops_init(PyObject *module, py_state *st) {
    (void)st;
    return PyModule_AddFunctions(module, op_functions);
}
