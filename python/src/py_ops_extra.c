/* py_ops_extra.c - the module functions of hl_operators.h (the rest of Halide's operator
 * library).
 *
 * Python sketch:
 *     def is_nan(x), is_inf, is_finite, fract, popcount, count_leading_zeros,
 *         count_trailing_zeros, fast_sin, fast_cos, fast_exp, fast_log, fast_inverse,
 *         fast_inverse_sqrt, likely, likely_if_innermost, strict_float      -> Expr
 *     def saturating_add(a, b), saturating_sub, widening_add, widening_sub, widening_mul,
 *         widen_right_add, widen_right_sub, widen_right_mul, widening_shift_left,
 *         widening_shift_right, halving_add, halving_sub, rounding_halving_add,
 *         rounding_shift_left, rounding_shift_right, div_round_to_zero, mod_round_to_zero,
 *         fast_pow                                                          -> Expr
 *     def fma(a, b, c), lerp(zero, one, weight), mul_shift_right(a, b, q),
 *         rounding_mul_shift_right(a, b, q)                                -> Expr
 *     def mux(index, [values]), concat_bits([values])                      -> Expr
 *     def reinterpret(t, e), extract_bits(t, e, lsb), undef(t)             -> Expr
 *     def print(*args), print_when(cond, *args)   # str arguments print as they are
 *     def unsafe_promise_clamped(e, min, max)     # None / Expr(): no bound on that side
 *     def target_bits(), target_vector_bits(), target_natural_vector_size(t),
 *         target_arch_is(arch), target_os_is(os), target_has_feature(feature) -> Expr
 *         (answered when the pipeline is compiled, for the target compiled for)
 *     def random_float(seed=None), random_int(seed=None), random_uint(seed=None) -> Expr
 * Each converts its arguments with py_operand_from (strings with hl_expr_string) and calls
 * hl_expr_operator / hl_expr_typed_operator, where the typing rules live.
 */
#include "py_state.h"

#include <stdbool.h>

/* Operands from Python objects; str becomes a string Expr. Temporaries in tmps. */
static int convert(py_state *st, PyObject *const *args, Py_ssize_t n, hl_operand *ops,
                   hl_expr **tmps) {
    for (Py_ssize_t i = 0; i < n; i++) tmps[i] = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyUnicode_Check(args[i])) {
            const char *s = PyUnicode_AsUTF8(args[i]);
            if (!s) return -1;
            hl_status status = hl_expr_string(s, &tmps[i]);
            if (status != HL_OK) {
                py_raise_status(st, status);
                return -1;
            }
            ops[i] = hl_operand_expr(tmps[i]);
        } else if (py_operand_from(st, args[i], &ops[i], &tmps[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

static void release_all(hl_expr **tmps, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) hl_expr_release(tmps[i]);
}

/* name(args...) with n operands; t non-NULL for the typed operators. */
static PyObject *call_operator(PyObject *m, const char *name, const hl_type *t,
                               PyObject *const *args, Py_ssize_t n) {
    py_state *st = py_state_of_module(m);
    hl_operand small_ops[8];
    hl_expr *small_tmps[8];
    hl_operand *ops = n <= 8 ? small_ops : PyMem_Calloc((size_t)n, sizeof *ops);
    hl_expr **tmps = n <= 8 ? small_tmps : PyMem_Calloc((size_t)n, sizeof *tmps);
    PyObject *result = NULL;
    if (!ops || !tmps) {
        PyErr_NoMemory();
        goto done;
    }
    if (convert(st, args, n, ops, tmps) == 0) {
        hl_expr *out = NULL;
        hl_status s = t ? hl_expr_typed_operator(name, *t, (int)n, ops, &out)
                        : hl_expr_operator(name, (int)n, ops, &out);
        result = s == HL_OK ? py_expr_wrap(st, out) : py_raise_status(st, s);
    }
    release_all(tmps, n);
done:
    if (ops && ops != small_ops) PyMem_Free(ops);
    if (tmps && tmps != small_tmps) PyMem_Free(tmps);
    return result;
}

static int check_count(const char *name, Py_ssize_t n, Py_ssize_t lo, Py_ssize_t hi) {
    if (n >= lo && (hi < 0 || n <= hi)) return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes %zd%s argument%s (%zd given)", name, lo,
                 hi < 0 ? " or more" : hi == lo ? "" : " or more", lo == 1 && hi == 1 ? "" : "s", n);
    return -1;
}

#define FIXED_OP(fname, count)                                                                \
    static PyObject *fn_##fname(PyObject *m, PyObject *const *a, Py_ssize_t n) {              \
        if (check_count(#fname, n, count, count) < 0) return NULL;                            \
        return call_operator(m, #fname, NULL, a, n);                                          \
    }
FIXED_OP(is_nan, 1)
FIXED_OP(is_inf, 1)
FIXED_OP(is_finite, 1)
FIXED_OP(fract, 1)
FIXED_OP(popcount, 1)
FIXED_OP(count_leading_zeros, 1)
FIXED_OP(count_trailing_zeros, 1)
FIXED_OP(fast_sin, 1)
FIXED_OP(fast_cos, 1)
FIXED_OP(fast_exp, 1)
FIXED_OP(fast_log, 1)
FIXED_OP(fast_inverse, 1)
FIXED_OP(fast_inverse_sqrt, 1)
FIXED_OP(likely, 1)
FIXED_OP(likely_if_innermost, 1)
FIXED_OP(strict_float, 1)
FIXED_OP(saturating_add, 2)
FIXED_OP(saturating_sub, 2)
FIXED_OP(widening_add, 2)
FIXED_OP(widening_sub, 2)
FIXED_OP(widening_mul, 2)
FIXED_OP(widen_right_add, 2)
FIXED_OP(widen_right_sub, 2)
FIXED_OP(widen_right_mul, 2)
FIXED_OP(widening_shift_left, 2)
FIXED_OP(widening_shift_right, 2)
FIXED_OP(halving_add, 2)
FIXED_OP(halving_sub, 2)
FIXED_OP(rounding_halving_add, 2)
FIXED_OP(rounding_shift_left, 2)
FIXED_OP(rounding_shift_right, 2)
FIXED_OP(div_round_to_zero, 2)
FIXED_OP(mod_round_to_zero, 2)
FIXED_OP(fast_pow, 2)
FIXED_OP(fma, 3)
FIXED_OP(lerp, 3)
FIXED_OP(mul_shift_right, 3)
FIXED_OP(rounding_mul_shift_right, 3)
FIXED_OP(target_bits, 0)
FIXED_OP(target_vector_bits, 0)
FIXED_OP(target_arch_is, 1)
FIXED_OP(target_os_is, 1)
FIXED_OP(target_has_feature, 1)
#undef FIXED_OP

/* f(prefix..., [values]) with the list spread into operands. */
static PyObject *call_with_list(PyObject *m, const char *name, PyObject *const *prefix,
                                Py_ssize_t nprefix, PyObject *list) {
    PyObject *seq = PySequence_Fast(list, "expected a list of values");
    if (!seq) return NULL;
    Py_ssize_t nv = PySequence_Fast_GET_SIZE(seq);
    PyObject **all = PyMem_Calloc((size_t)(nprefix + nv + 1), sizeof(PyObject *));
    if (!all) {
        Py_DECREF(seq);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < nprefix; i++) all[i] = prefix[i];
    for (Py_ssize_t i = 0; i < nv; i++) all[nprefix + i] = PySequence_Fast_GET_ITEM(seq, i);
    PyObject *r = call_operator(m, name, NULL, all, nprefix + nv);
    PyMem_Free(all);
    Py_DECREF(seq);
    return r;
}

static PyObject *fn_mux(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    if (check_count("mux", n, 2, 2) < 0) return NULL;
    return call_with_list(m, "mux", a, 1, a[1]);
}

static PyObject *fn_concat_bits(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    if (check_count("concat_bits", n, 1, 1) < 0) return NULL;
    return call_with_list(m, "concat_bits", NULL, 0, a[0]);
}

static PyObject *fn_print(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    if (check_count("print", n, 1, -1) < 0) return NULL;
    return call_operator(m, "print", NULL, a, n);
}

static PyObject *fn_print_when(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    if (check_count("print_when", n, 2, -1) < 0) return NULL;
    return call_operator(m, "print_when", NULL, a, n);
}

static PyObject *typed(PyObject *m, const char *name, PyObject *const *a, Py_ssize_t n,
                       Py_ssize_t count) {
    if (check_count(name, n, count, count) < 0) return NULL;
    hl_type t;
    if (py_as_type(py_state_of_module(m), a[0], &t) < 0) return NULL;
    return call_operator(m, name, &t, a + 1, n - 1);
}

static PyObject *fn_reinterpret(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return typed(m, "reinterpret", a, n, 2);
}
static PyObject *fn_extract_bits(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return typed(m, "extract_bits", a, n, 3);
}
static PyObject *fn_undef(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return typed(m, "undef", a, n, 1);
}
static PyObject *fn_target_natural_vector_size(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    return typed(m, "target_natural_vector_size", a, n, 1);
}

/* Whether obj means "no bound": None or an undefined Expr. */
static int is_no_bound(py_state *st, PyObject *obj) {
    if (obj == Py_None) return 1;
    return PyObject_TypeCheck(obj, st->Expr) && !((py_expr_object *)obj)->expr;
}

/* random_*(seed=None): an undefined Expr or None means no seed. */
static PyObject *random_op(PyObject *m, const char *name, PyObject *args, PyObject *kw) {
    static char *kwlist[] = {"seed", NULL};
    PyObject *seed = Py_None;
    char fmt[32];
    snprintf(fmt, sizeof fmt, "|O:%s", name);
    if (!PyArg_ParseTupleAndKeywords(args, kw, fmt, kwlist, &seed)) return NULL;
    py_state *st = py_state_of_module(m);
    int n = is_no_bound(st, seed) ? 0 : 1;
    return call_operator(m, name, NULL, &seed, n);
}
static PyObject *fn_random_float(PyObject *m, PyObject *a, PyObject *kw) { return random_op(m, "random_float", a, kw); }
static PyObject *fn_random_int(PyObject *m, PyObject *a, PyObject *kw) { return random_op(m, "random_int", a, kw); }
static PyObject *fn_random_uint(PyObject *m, PyObject *a, PyObject *kw) { return random_op(m, "random_uint", a, kw); }

static PyObject *fn_unsafe_promise_clamped(PyObject *m, PyObject *const *a, Py_ssize_t n) {
    if (check_count("unsafe_promise_clamped", n, 3, 3) < 0) return NULL;
    py_state *st = py_state_of_module(m);
    hl_operand ops[3];
    hl_expr *tmps[3] = {NULL, NULL, NULL};
    bool present[3] = {true, !is_no_bound(st, a[1]), !is_no_bound(st, a[2])};
    PyObject *result = NULL;
    for (int i = 0; i < 3; i++)
        if (present[i] && py_operand_from(st, a[i], &ops[i], &tmps[i]) < 0) goto done;
    hl_expr *out = NULL;
    hl_status s = hl_expr_unsafe_promise_clamped(ops[0], present[1] ? &ops[1] : NULL,
                                                 present[2] ? &ops[2] : NULL, &out);
    result = s == HL_OK ? py_expr_wrap(st, out) : py_raise_status(st, s);
done:
    release_all(tmps, 3);
    return result;
}

#define FASTCALL(f) (PyCFunction)(void (*)(void)) f, METH_FASTCALL
#define ENTRY(fname, doc) {#fname, FASTCALL(fn_##fname), doc}
static PyMethodDef extra_functions[] = {
    ENTRY(is_nan, "is_nan(x): whether the float x is NaN."),
    ENTRY(is_inf, "is_inf(x): whether the float x is +-infinity."),
    ENTRY(is_finite, "is_finite(x): whether the float x is neither NaN nor infinite."),
    ENTRY(fract, "fract(x): x - trunc(x) (float32 for integers)."),
    ENTRY(popcount, "popcount(x): the number of set bits, in x's type."),
    ENTRY(count_leading_zeros, "count_leading_zeros(x): leading zero bits (of 0: the width)."),
    ENTRY(count_trailing_zeros, "count_trailing_zeros(x): trailing zero bits (of 0: the width)."),
    ENTRY(fast_sin, "fast_sin(x): sine (float32 for integers)."),
    ENTRY(fast_cos, "fast_cos(x): cosine (float32 for integers)."),
    ENTRY(fast_exp, "fast_exp(x): e**x of a float32."),
    ENTRY(fast_log, "fast_log(x): natural log of a float32."),
    ENTRY(fast_inverse, "fast_inverse(x): 1/x of a float16/float32."),
    ENTRY(fast_inverse_sqrt, "fast_inverse_sqrt(x): 1/sqrt(x) of a float16/float32."),
    ENTRY(fast_pow, "fast_pow(x, y): x**y in float32 (an integer constant y: repeated products)."),
    ENTRY(likely, "likely(e): e, marked as the likely case for loop partitioning."),
    ENTRY(likely_if_innermost, "likely_if_innermost(e): likely(e) in the innermost loop."),
    ENTRY(strict_float, "strict_float(e): e (float math is never reassociated here)."),
    ENTRY(saturating_add, "saturating_add(a, b): a + b clamped to the type's range."),
    ENTRY(saturating_sub, "saturating_sub(a, b): a - b clamped to the type's range."),
    ENTRY(widening_add, "widening_add(a, b): a + b in the type twice as wide."),
    ENTRY(widening_sub, "widening_sub(a, b): a - b in the signed type twice as wide."),
    ENTRY(widening_mul, "widening_mul(a, b): a * b in the type twice as wide."),
    ENTRY(widen_right_add, "widen_right_add(a, b): a + b where b has half a's width."),
    ENTRY(widen_right_sub, "widen_right_sub(a, b): a - b where b has half a's width."),
    ENTRY(widen_right_mul, "widen_right_mul(a, b): a * b where b has half a's width."),
    ENTRY(widening_shift_left, "widening_shift_left(a, b): a << b in the type twice as wide."),
    ENTRY(widening_shift_right, "widening_shift_right(a, b): a >> b in the type twice as wide."),
    ENTRY(halving_add, "halving_add(a, b): floor((a + b) / 2) without overflow."),
    ENTRY(halving_sub, "halving_sub(a, b): floor((a - b) / 2), wrapped to the type."),
    ENTRY(rounding_halving_add, "rounding_halving_add(a, b): floor((a + b + 1) / 2) without overflow."),
    ENTRY(rounding_shift_left, "rounding_shift_left(a, b): rounding_shift_right(a, -b)."),
    ENTRY(rounding_shift_right, "rounding_shift_right(a, b): a >> b rounded half up, no overflow."),
    ENTRY(mul_shift_right, "mul_shift_right(a, b, q): saturating (a * b) >> q, exact."),
    ENTRY(rounding_mul_shift_right, "rounding_mul_shift_right(a, b, q): as mul_shift_right, rounding."),
    ENTRY(div_round_to_zero, "div_round_to_zero(a, b): a / b rounded toward zero (0 if b is 0)."),
    ENTRY(mod_round_to_zero, "mod_round_to_zero(a, b): C's a % b (0 if b is 0)."),
    ENTRY(fma, "fma(a, b, c): a * b + c with one rounding (floats of one type)."),
    ENTRY(lerp, "lerp(zero, one, weight): linear interpolation; integer weights are fractions of their max."),
    ENTRY(mux, "mux(index, [values]): values[index]; any other index picks the last value."),
    ENTRY(concat_bits, "concat_bits([values]): the values' bits concatenated, first value lowest."),
    ENTRY(reinterpret, "reinterpret(t, e): e's bits as type t."),
    ENTRY(extract_bits, "extract_bits(t, e, lsb): t's width of bits of e from bit lsb, as t."),
    ENTRY(undef, "undef(t): no value (only as the value of an update definition)."),
    ENTRY(print, "print(*args): the first argument; prints all of them when evaluated."),
    ENTRY(print_when, "print_when(cond, *args): the first value; prints them when cond is true."),
    ENTRY(unsafe_promise_clamped, "unsafe_promise_clamped(e, min, max): e, promised in [min, max]."),
    ENTRY(target_bits, "target_bits(): the pointer width of the target compiled for."),
    ENTRY(target_vector_bits, "target_vector_bits(): the SIMD width in bits of the target compiled for."),
    ENTRY(target_natural_vector_size, "target_natural_vector_size(t): SIMD lanes of type t on the target compiled for."),
    ENTRY(target_arch_is, "target_arch_is(arch): whether the target compiled for has this TargetArch."),
    ENTRY(target_os_is, "target_os_is(os): whether the target compiled for has this TargetOS."),
    ENTRY(target_has_feature, "target_has_feature(feature): whether the target compiled for has this TargetFeature."),
    {"random_float", (PyCFunction)(void (*)(void))fn_random_float, METH_VARARGS | METH_KEYWORDS,
     "random_float(seed=None): uniform float32 in [0, 1), a pure function of the Func's arguments."},
    {"random_int", (PyCFunction)(void (*)(void))fn_random_int, METH_VARARGS | METH_KEYWORDS,
     "random_int(seed=None): uniform int32, a pure function of the Func's arguments."},
    {"random_uint", (PyCFunction)(void (*)(void))fn_random_uint, METH_VARARGS | METH_KEYWORDS,
     "random_uint(seed=None): uniform uint32, a pure function of the Func's arguments."},
    {NULL, NULL, 0, NULL},
};
#undef ENTRY
#undef FASTCALL

int py_ops_extra_init(PyObject *module, py_state *st) {
    (void)st;
    return PyModule_AddFunctions(module, extra_functions);
}
