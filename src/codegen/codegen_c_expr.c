/* codegen_c_expr.c - expressions and calls of the c_source output (codegen_c.c).
 *
 * Every expression that is not a constant or a name becomes a typed temporary
 * (`int32_t t12 = ...;`), so nesting never grows, and evaluation is eager where the LLVM
 * backend's is (both sides of a Select, the index of a predicated Load) and conditional
 * where it is (the predicated access itself). Operations carry explicit casts so that C's
 * integer promotions never change a result: narrow and unsigned types wrap, signed
 * 32/64-bit arithmetic is plain C (undefined on overflow, as in ir.h). What C says
 * differently from the IR goes through the helpers of codegen_c_prelude.c: Euclidean
 * division, shifts, float-to-int casts, float16/bfloat16. float16/bfloat16 values live in
 * floats, rounded after every operation (as LLVM's promotion does), and in memory as
 * their bits. Math functions are the C library's, as the object's are (codegen_call.c).
 *
 * Assumes: scalar expressions (a vector type is a user error: lower_state.serial_vectors
 * leaves none); codegen.h's conventions. Guarantees: the semantics of ir.h, computed as
 * codegen_expr.c and codegen_call.c compute them.
 */
#include "codegen_c_internal.h"
#include "codegen_c_prelude.h"
#include "util/check.h"

#include <math.h>
#include <string.h>

/* ---- Constants ------------------------------------------------------------------------------ */

static const char *float_constant(cw_writer *w, hl_type t, double v) {
    bool f64 = t.bits == 64 && t.code == halide_type_float;
    if (isnan(v)) return f64 ? "((double)NAN)" : "NAN";
    if (isinf(v)) return FMT("(%s%s)", v < 0 ? "-" : "", f64 ? "(double)INFINITY" : "INFINITY");
    char *s = f64 ? FMT("%.17g", v) : FMT("%.9g", v);
    if (!strpbrk(s, ".e")) s = FMT("%s.0", s);
    if (!f64) s = FMT("%sf", s);
    return signbit(v) ? FMT("(%s)", s) : s;
}

/* An integer or float constant as a C operand of its type. */
static const char *constant(cw_writer *w, const ir_node *e) {
    hl_type t = e->type;
    const char *T = cw_ctype(w, t);
    if (e->kind == IR_FloatImm) return float_constant(w, t, e->imm.f);
    if (ir_is_bool(t)) return e->imm.u ? "true" : "false";
    if (e->kind == IR_UIntImm) {
        unsigned long long u = (unsigned long long)e->imm.u;
        if (t.bits == 64) return FMT("UINT64_C(%llu)", u);
        if (t.bits == 32) return FMT("%lluu", u);
        return FMT("((%s)%llu)", T, u);
    }
    long long i = (long long)e->imm.i;
    if (t.bits == 64) {
        if (i == INT64_MIN) return "(-INT64_C(9223372036854775807) - 1)";
        return i < 0 ? FMT("(-INT64_C(%lld))", -i) : FMT("INT64_C(%lld)", i);
    }
    if (t.bits == 32) {
        if (i == INT32_MIN) return "(-2147483647 - 1)";
        return i < 0 ? FMT("(%lld)", i) : FMT("%lld", i);
    }
    return FMT("((%s)%lld)", T, i);
}

/* ---- Expressions -------------------------------------------------------------------------- */

/* A float value of 16-bit type t: rounded to it. */
static const char *rounded(cw_writer *w, hl_type t, const char *value) {
    return cw_is_small_float(t) ? FMT("hl_round_%s((double)(%s))", cw_small_float_name(t), value)
                                : value;
}

/* Converts operand v of type `from` to `to`: the Cast node's semantics (cg_convert). */
const char *cw_convert(cw_writer *w, const char *v, hl_type from, hl_type to) {
    if (ir_type_eq(from, to)) return v;
    const char *T = cw_ctype(w, to);
    if (ir_is_bool(to)) return FMT("(%s != 0)", v);
    if (ir_is_handle(to)) return ir_is_handle(from) ? v : FMT("((void *)(uintptr_t)%s)", v);
    if (ir_is_handle(from)) return FMT("((%s)(uintptr_t)%s)", T, v);
    if (!ir_is_float(to)) {
        if (!ir_is_float(from)) return FMT("((%s)%s)", T, v);
        if (ir_is_uint(to) && to.bits == 64) return FMT("hl_float_to_u64(%s)", v);
        return FMT("((%s)hl_float_to_i64(%s))", T, v);
    }
    if (cw_is_small_float(to)) return rounded(w, to, v);
    return FMT("((%s)%s)", T, v);
}

/* value of type from as an operand of type to: a new temporary when it changes. */
const char *cw_converted(cw_writer *w, const char *value, hl_type from, hl_type to) {
    return ir_type_eq(from, to) ? value : cw_temp(w, to, cw_convert(w, value, from, to));
}

/* The bits of operand v of type t as an unsigned integer of its width. */
static const char *bits_of(cw_writer *w, const char *v, hl_type t) {
    if (cw_is_small_float(t)) return FMT("hl_to_%s(%s)", cw_small_float_name(t), v);
    if (ir_is_float(t)) return FMT("hl_bits_f%d(%s)", t.bits, v);
    if (ir_is_handle(t)) return FMT("((uint64_t)(uintptr_t)%s)", v);
    return FMT("((%s)%s)", cw_unsigned_ctype(w, t), v);
}

static const char *reinterpret(cw_writer *w, const char *v, hl_type from, hl_type to) {
    internal_assert(w->ctx, from.bits == to.bits, "reinterpret changes the number of bits");
    if (ir_type_eq(from, to)) return v;
    const char *bits = bits_of(w, v, from);
    if (cw_is_small_float(to)) return FMT("hl_from_%s(%s)", cw_small_float_name(to), bits);
    if (ir_is_float(to)) return FMT("hl_f%d_from_bits(%s)", to.bits, bits);
    if (ir_is_handle(to)) return FMT("((void *)(uintptr_t)%s)", bits);
    return FMT("((%s)%s)", cw_ctype(w, to), bits);
}

/* a op b for Add, Sub, Mul of type t. */
const char *cw_arith(cw_writer *w, ir_kind kind, hl_type t, const char *a, const char *b) {
    const char *op = kind == IR_Add ? "+" : kind == IR_Sub ? "-" : "*";
    if (ir_is_float(t)) return rounded(w, t, FMT("%s %s %s", a, op, b));
    if (t.bits == 64 || (ir_is_int(t) && t.bits == 32)) return FMT("%s %s %s", a, op, b);
    /* Through uint32: no promotion to a signed int that could overflow. */
    return FMT("(%s)((uint32_t)%s %s (uint32_t)%s)", cw_ctype(w, t), a, op, b);
}

static const char *int_suffix(hl_type t) {
    static const char *const names[2][4] = {{"i8", "i16", "i32", "i64"},
                                            {"u8", "u16", "u32", "u64"}};
    int i = t.bits == 8 ? 0 : t.bits == 16 ? 1 : t.bits == 32 ? 2 : 3;
    return names[ir_is_uint(t)][i];
}

/* Div or Mod of operands a and b (Euclidean for integers; a - b*floor(a/b) for floats). */
static const char *div_mod(cw_writer *w, bool is_mod, hl_type t, const char *a, const char *b) {
    if (!ir_is_float(t))
        return FMT("hl_%s_%s(%s, %s)", is_mod ? "mod" : "div", int_suffix(t), a, b);
    const char *q = rounded(w, t, FMT("%s / %s", a, b));
    if (!is_mod) return q;
    /* One operation per statement: each is rounded, and none is contracted. */
    const char *floor_fn = t.bits == 64 ? "floor" : "floorf";
    const char *fl = cw_temp(w, t, FMT("%s(%s)", floor_fn, cw_temp(w, t, q)));
    return rounded(w, t, FMT("%s - %s", a, cw_temp(w, t, rounded(w, t, FMT("%s * %s", b, fl)))));
}

static const char *load(cw_writer *w, const ir_node *e) {
    hl_type t = e->type;
    const char *index = cw_expr(w, e->kids[0]);
    const char *access =
        FMT("((const %s *)%s)[%s]", cw_storage_ctype(w, t), cw_use(w, e->name), index);
    if (ir_is_bool(t))
        access = FMT("(%s != 0)", access);
    else if (cw_is_small_float(t))
        access = FMT("hl_from_%s(%s)", cw_small_float_name(t), access);
    const ir_node *pred = e->kids[1];
    if (!pred || ir_is_one(pred)) return cw_temp(w, t, access);
    /* Predicated: 0 where the predicate is false, and no access there. */
    const char *p = cw_expr(w, pred);
    const char *result = cw_temp(w, t, "0");
    cw_line(w, "if (%s) %s = %s;", p, result, access);
    return result;
}

/* ---- Calls ------------------------------------------------------------------------------- */

static const char *shift(cw_writer *w, bool left, hl_type t, const char *a, hl_type bt,
                         const char *b) {
    const char *amount =
        ir_is_int(bt) ? FMT("(int64_t)%s", b) : FMT("hl_shift_amount_u((uint64_t)%s)", b);
    if (ir_is_int(t))
        return FMT("(%s)hl_shift_i((int64_t)%s, %d, %s, %d)", cw_ctype(w, t), a, t.bits, amount,
                   left);
    return FMT("(%s)hl_shift_u((uint64_t)%s, %d, %s, %d)", cw_ctype(w, t), a, t.bits, amount, left);
}

static const char *buffer_field(cw_writer *w, const ir_node *call) {
    const char *buf = FMT("((halide_buffer_t *)%s)", cw_expr(w, call->kids[0]));
    const char *d = call->nkids > 1 ? cw_expr(w, call->kids[1]) : NULL;
    hl_type i32 = ir_int(32), t = call->type;
    switch (call->op2) {
    case IR_INTRIN_BUFFER_GET_HOST:
        return cw_temp(w, t, FMT("%s->host", buf));
    case IR_INTRIN_BUFFER_GET_MIN:
    case IR_INTRIN_BUFFER_GET_EXTENT:
    case IR_INTRIN_BUFFER_GET_STRIDE: {
        const char *field = call->op2 == IR_INTRIN_BUFFER_GET_MIN      ? "min"
                            : call->op2 == IR_INTRIN_BUFFER_GET_EXTENT ? "extent"
                                                                       : "stride";
        internal_assert(w->ctx, d, "buffer dimension field without a dimension");
        return cw_temp(w, t, cw_convert(w, FMT("%s->dim[%s].%s", buf, d, field), i32, t));
    }
    case IR_INTRIN_BUFFER_GET_DIMENSIONS:
        return cw_temp(w, t, cw_convert(w, FMT("%s->dimensions", buf), i32, t));
    case IR_INTRIN_BUFFER_GET_TYPE_CODE:
        return cw_temp(w, t, cw_convert(w, FMT("%s->type.code", buf), ir_uint(8), t));
    case IR_INTRIN_BUFFER_GET_TYPE_BITS:
        return cw_temp(w, t, cw_convert(w, FMT("%s->type.bits", buf), ir_uint(8), t));
    case IR_INTRIN_BUFFER_GET_TYPE_LANES:
        return cw_temp(w, t, cw_convert(w, FMT("%s->type.lanes", buf), ir_uint(16), t));
    case IR_INTRIN_BUFFER_IS_BOUNDS_QUERY:
        return cw_temp(w, t, FMT("%s->host == NULL && %s->device == 0", buf, buf));
    case IR_INTRIN_BUFFER_SET_BOUNDS:
        internal_assert(w->ctx, call->nkids == 4 && d, "set_bounds takes 4 arguments");
        cw_line(w, "%s->dim[%s].min = %s;", buf, d,
                cw_convert(w, cw_expr(w, call->kids[2]), call->kids[2]->type, i32));
        cw_line(w, "%s->dim[%s].extent = %s;", buf, d,
                cw_convert(w, cw_expr(w, call->kids[3]), call->kids[3]->type, i32));
        return "0";
    default:
        internal_error(w->ctx, "not a buffer intrinsic: %d", call->op2);
    }
}

/* print: the values go to rt_print_values as halide_type_t bits and 64-bit slots
 * (integers extended, floats as double bits, strings as pointers), as codegen_call.c does. */
static const char *print_values(cw_writer *w, const ir_node *call) {
    int n = call->nkids - 1;
    internal_assert(w->ctx, n >= 0, "print without a condition");
    const char *types = FMT("t%d", ++w->counter), *values = FMT("t%d", ++w->counter);
    cw_line(w, "uint32_t %s[%d];", types, n ? n : 1);
    cw_line(w, "uint64_t %s[%d];", values, n ? n : 1);
    for (int i = 0; i < n; i++) {
        const ir_node *k = call->kids[i + 1];
        hl_type t = k->type;
        const char *v = cw_expr(w, k), *slot;
        uint32_t bits = (uint32_t)t.code | (uint32_t)t.bits << 8 | 1u << 16;
        if (ir_is_float(t))
            slot = FMT("hl_bits_f64((double)%s)", v);
        else if (ir_is_handle(t))
            slot = FMT("(uint64_t)(uintptr_t)%s", v);
        else if (ir_is_int(t))
            slot = FMT("(uint64_t)(int64_t)%s", v);
        else
            slot = FMT("(uint64_t)%s", v);
        if (k->kind == IR_StringImm) bits = (uint32_t)halide_type_handle | 64u << 8 | 1u << 16;
        cw_line(w, "%s[%d] = %uu;", types, i, bits);
        cw_line(w, "%s[%d] = %s;", values, i, slot);
    }
    const char *cond = cw_expr(w, call->kids[0]);
    return cw_temp(w, call->type,
                   FMT("rt_print_values(%s, (int)%s, %d, %s, %s)", cw_use(w, "__user_context"),
                       cond, n, types, values));
}

/* trace: the event goes to rt_trace (runtime/trace.c) as codegen_call.c passes it; the
 * result is the traced value. */
static const char *trace_event(cw_writer *w, const ir_node *call) {
    internal_assert(w->ctx, call->nkids >= 4, "trace takes at least 4 arguments");
    const ir_node *value = call->kids[3];
    int n = call->nkids - 4;
    hl_type i32 = ir_int(32);
    const char *coords = FMT("t%d", ++w->counter);
    cw_line(w, "int32_t %s[%d] = {0};", coords, n ? n : 1);
    for (int i = 0; i < n; i++) {
        const ir_node *k = call->kids[4 + i];
        cw_line(w, "%s[%d] = %s;", coords, i, cw_convert(w, cw_expr(w, k), k->type, i32));
    }
    const char *event = cw_convert(w, cw_expr(w, call->kids[0]), call->kids[0]->type, i32);
    const char *index = cw_convert(w, cw_expr(w, call->kids[2]), call->kids[2]->type, i32);
    const char *func = cw_c_string(w, call->kids[1]->name), *uc = cw_use(w, "__user_context");
    if (value->kind == IR_StringImm) {
        cw_line(w, "(void)rt_trace(%s, %s, %s, %s, 0u, NULL, %d, %s, %s);", uc, event, func, index, n, coords,
                cw_c_string(w, value->name));
        return cw_temp(w, call->type, "0");
    }
    hl_type t = value->type;
    const char *v = cw_temp(w, t, cw_expr(w, value)), *slot = FMT("t%d", ++w->counter);
    const char *stored = ir_is_bool(t) ? FMT("(uint8_t)%s", v)
                         : cw_is_small_float(t) ? FMT("hl_to_%s(%s)", cw_small_float_name(t), v)
                                                : v;
    cw_line(w, "%s %s = %s;", cw_storage_ctype(w, t), slot, stored);
    uint32_t bits = (uint32_t)t.code | (uint32_t)t.bits << 8 | 1u << 16;
    cw_line(w, "(void)rt_trace(%s, %s, %s, %s, %uu, &%s, %d, %s, NULL);", uc, event, func, index, bits, slot, n,
            coords);
    return v;
}

static const char *intrinsic(cw_writer *w, const ir_node *call) {
    hl_type t = call->type;
    const ir_node *k0 = call->nkids > 0 ? call->kids[0] : NULL;
    const ir_node *k1 = call->nkids > 1 ? call->kids[1] : NULL;
    const char *a, *b;
    switch ((ir_intrinsic)call->op2) {
    case IR_INTRIN_BITWISE_AND:
    case IR_INTRIN_BITWISE_OR:
    case IR_INTRIN_BITWISE_XOR: {
        const char *op = call->op2 == IR_INTRIN_BITWISE_AND  ? "&"
                         : call->op2 == IR_INTRIN_BITWISE_OR ? "|"
                                                             : "^";
        a = cw_expr(w, k0);
        b = cw_expr(w, k1);
        user_assert(w->ctx, !ir_is_float(t),
                    "bitwise operation on a float reached code generation");
        return cw_temp(w, t, FMT("(%s)(%s %s %s)", cw_ctype(w, t), a, op, b));
    }
    case IR_INTRIN_BITWISE_NOT:
        a = cw_expr(w, k0);
        return cw_temp(w, t, ir_is_bool(t) ? FMT("!%s", a) : FMT("(%s)~%s", cw_ctype(w, t), a));
    case IR_INTRIN_SHIFT_LEFT:
    case IR_INTRIN_SHIFT_RIGHT:
        a = cw_expr(w, k0);
        b = cw_expr(w, k1);
        return cw_temp(w, t, shift(w, call->op2 == IR_INTRIN_SHIFT_LEFT, k0->type, a, k1->type, b));
    case IR_INTRIN_ABS:
        a = cw_expr(w, k0);
        if (ir_is_float(k0->type))
            return cw_temp(w, t, FMT("%s(%s)", k0->type.bits == 64 ? "fabs" : "fabsf", a));
        if (ir_is_uint(k0->type)) return cw_convert(w, a, k0->type, t);
        return cw_temp(w, t,
                       FMT("(%s)(%s < 0 ? 0u - (%s)%s : (%s)%s)", cw_ctype(w, t), a,
                           cw_unsigned_ctype(w, k0->type), a, cw_unsigned_ctype(w, k0->type), a));
    case IR_INTRIN_ABSD: {
        hl_type at = k0->type;
        a = cw_expr(w, k0);
        b = cw_expr(w, k1);
        if (ir_is_float(at))
            return cw_temp(w, t,
                           FMT("%s(%s)", at.bits == 64 ? "fabs" : "fabsf",
                               cw_temp(w, at, cw_arith(w, IR_Sub, at, a, b))));
        const char *U = cw_unsigned_ctype(w, at);
        return cw_temp(w, t,
                       FMT("(%s)(%s < %s ? (%s)%s - (%s)%s : (%s)%s - (%s)%s)", cw_ctype(w, t), a,
                           b, U, b, U, a, U, a, U, b));
    }
    case IR_INTRIN_LIKELY:
    case IR_INTRIN_PROMISE_CLAMPED:
        return cw_expr(w, k0);
    case IR_INTRIN_RETURN_SECOND:
        cw_line(w, "(void)%s;", cw_expr(w, k0));
        return cw_expr(w, k1);
    case IR_INTRIN_POPCOUNT:
        a = cw_expr(w, k0);
        return cw_temp(w, t,
                       FMT("(%s)hl_popcount((uint64_t)(%s)%s)", cw_ctype(w, t),
                           cw_unsigned_ctype(w, k0->type), a));
    case IR_INTRIN_COUNT_LEADING_ZEROS:
    case IR_INTRIN_COUNT_TRAILING_ZEROS:
        a = cw_expr(w, k0);
        return cw_temp(w, t,
                       FMT("(%s)hl_count_%s_zeros((uint64_t)(%s)%s, %d)", cw_ctype(w, t),
                           call->op2 == IR_INTRIN_COUNT_LEADING_ZEROS ? "leading" : "trailing",
                           cw_unsigned_ctype(w, k0->type), a, k0->type.bits));
    case IR_INTRIN_PRINT:
        return print_values(w, call);
    case IR_INTRIN_TRACE:
        return trace_event(w, call);
    case IR_INTRIN_UNDEF:
        user_error(
            w->ctx,
            "undef() of type %s may only be used as the value of an update definition (where it "
            "leaves the value unchanged)",
            cw_type_text(w, t));
    case IR_INTRIN_TARGET_QUERY:
        user_error(w->ctx, "target_* queries may only be used in the definition of a Func");
    case IR_INTRIN_RANDOM:
        user_error(
            w->ctx,
            "random_float/random_int/random_uint may only be used in the definition of a Func "
            "(they hash its arguments)");
    case IR_INTRIN_BUFFER_GET_HOST:
    case IR_INTRIN_BUFFER_GET_MIN:
    case IR_INTRIN_BUFFER_GET_EXTENT:
    case IR_INTRIN_BUFFER_GET_STRIDE:
    case IR_INTRIN_BUFFER_GET_DIMENSIONS:
    case IR_INTRIN_BUFFER_GET_TYPE_CODE:
    case IR_INTRIN_BUFFER_GET_TYPE_BITS:
    case IR_INTRIN_BUFFER_GET_TYPE_LANES:
    case IR_INTRIN_BUFFER_IS_BOUNDS_QUERY:
    case IR_INTRIN_BUFFER_SET_BOUNDS:
        return buffer_field(w, call);
    }
    internal_error(w->ctx, "C source: unknown intrinsic %d", call->op2);
}

/* Halide's math functions ("sqrt_f32", ...) and the C library's names for them (the
 * double versions; float32 appends "f"). NULL: written inline. */
static const struct {
    const char *name, *libm;
    int nargs;
} math_fns[] = {
    {"sqrt", "sqrt", 1},   {"sin", "sin", 1},         {"cos", "cos", 1},
    {"exp", "exp", 1},     {"log", "log", 1},         {"pow", "pow", 2},
    {"floor", "floor", 1}, {"ceil", "ceil", 1},       {"round", "nearbyint", 1},
    {"trunc", "trunc", 1}, {"abs", "fabs", 1},        {"tan", "tan", 1},
    {"asin", "asin", 1},   {"acos", "acos", 1},       {"atan", "atan", 1},
    {"atan2", "atan2", 2}, {"sinh", "sinh", 1},       {"cosh", "cosh", 1},
    {"tanh", "tanh", 1},   {"asinh", "asinh", 1},     {"acosh", "acosh", 1},
    {"atanh", "atanh", 1}, {"erf", "erf", 1},         {"hypot", "hypot", 2},
    {"fma", "fma", 3},     {"fast_inverse", NULL, 1}, {"fast_inverse_sqrt", NULL, 1},
    {"is_nan", NULL, 1},   {"is_inf", NULL, 1},       {"is_finite", NULL, 1},
};

/* The math function of a pure extern call's name, or -1; its float width in *bits. */
static int find_math(const char *name, int *bits) {
    const char *us = strrchr(name, '_');
    if (!us) return -1;
    *bits = !strcmp(us, "_f32") ? 32 : !strcmp(us, "_f64") ? 64 : !strcmp(us, "_f16") ? 16 : 0;
    if (!*bits) return -1;
    size_t len = (size_t)(us - name);
    for (size_t i = 0; i < sizeof math_fns / sizeof math_fns[0]; i++)
        if (strlen(math_fns[i].name) == len && !strncmp(math_fns[i].name, name, len)) return (int)i;
    return -1;
}

/* Math in float32 (float16 too) or float64, then converted to the call's type. */
static const char *math_call(cw_writer *w, const ir_node *call, int fn, int bits) {
    internal_assert(w->ctx, call->nkids == math_fns[fn].nargs, "%s takes %d arguments", call->name,
                    math_fns[fn].nargs);
    hl_type compute = ir_float(bits == 64 ? 64 : 32);
    const char *args[3], *suffix = bits == 64 ? "" : "f", *one = bits == 64 ? "1.0" : "1.0f";
    for (int i = 0; i < call->nkids; i++) {
        internal_assert(w->ctx, ir_is_float(call->kids[i]->type), "%s of a non-float argument",
                        call->name);
        args[i] = cw_convert(w, cw_expr(w, call->kids[i]), call->kids[i]->type, compute);
    }
    const char *name = math_fns[fn].name, *r;
    if (math_fns[fn].libm) {
        r = FMT("%s%s(%s", math_fns[fn].libm, suffix, args[0]);
        for (int i = 1; i < call->nkids; i++)
            r = FMT("%s, %s", r, args[i]);
        r = FMT("%s)", r);
    } else if (!strcmp(name, "fast_inverse")) {
        r = FMT("%s / %s", one, args[0]);
    } else if (!strcmp(name, "fast_inverse_sqrt")) {
        r = FMT("%s / sqrt%s(%s)", one, suffix, args[0]);
    } else if (!strcmp(name, "is_nan")) {
        return cw_temp(w, call->type, FMT("%s != %s", args[0], args[0]));
    } else {
        const char *cmp = !strcmp(name, "is_inf") ? "==" : "<";
        return cw_temp(w, call->type, FMT("fabs%s(%s) %s INFINITY", suffix, args[0], cmp));
    }
    return cw_converted(w, cw_temp(w, compute, r), compute, call->type);
}

/* The declaration of an extern function (the runtime's, or one made from this call). */
static const cw_extern *declare(cw_writer *w, const ir_node *call) {
    for (const cw_extern *x = w->externs; x; x = x->next)
        if (!strcmp(x->name, call->name)) return x;
    cw_extern *x = ctx_alloc(w->ctx, sizeof *x);
    x->name = call->name;
    const char **params = ctx_alloc(w->ctx, sizeof(char *) * (size_t)(call->nkids + 1));
    for (const cg_c_runtime_fn *r = cg_c_runtime_fns; r->name; r++)
        if (!strcmp(r->name, call->name)) {
            x->nparams = r->nparams;
            x->params = r->params;
        }
    if (!x->params) {
        user_assert(
            w->ctx,
            strspn(call->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                    strlen(call->name) &&
                call->name[0],
            "The C source output cannot call the extern function \"%s\": not a C identifier",
            call->name);
        const char *list = "";
        for (int i = 0; i < call->nkids; i++) {
            params[i] = call->kids[i]->kind == IR_StringImm ? "const char *"
                                                            : cw_ctype(w, call->kids[i]->type);
            list = FMT("%s%s%s", list, i ? ", " : "", params[i]);
        }
        x->nparams = call->nkids;
        x->params = params;
        strbuf_printf(w->decls, "%s %s(%s);\n", cw_ctype(w, call->type), call->name,
                      call->nkids ? list : "void");
    }
    internal_assert(w->ctx, x->nparams == call->nkids,
                    "%s is called with %d arguments, declared with %d", call->name, call->nkids,
                    x->nparams);
    x->next = w->externs;
    w->externs = x;
    return x;
}

static const char *extern_call(cw_writer *w, const ir_node *call) {
    const char **args = ctx_alloc(w->ctx, sizeof(char *) * (size_t)(call->nkids + 1));
    for (int i = 0; i < call->nkids; i++) {
        const ir_node *k = call->kids[i];
        args[i] = k->kind == IR_StringImm ? cw_c_string(w, k->name) : cw_expr(w, k);
    }
    const cw_extern *x = declare(w, call);
    const char *text = FMT("%s(", call->name);
    for (int i = 0; i < call->nkids; i++)
        text = FMT("%s%s(%s)%s", text, i ? ", " : "", x->params[i], args[i]);
    return cw_temp(w, call->type, FMT("%s)", text));
}

static const char *call(cw_writer *w, const ir_node *c) {
    switch ((ir_call_type)c->op) {
    case IR_CALL_INTRINSIC:
        return intrinsic(w, c);
    case IR_CALL_PURE_EXTERN: {
        int bits = 0, fn = find_math(c->name, &bits);
        if (fn >= 0) return math_call(w, c, fn, bits);
        return extern_call(w, c);
    }
    case IR_CALL_EXTERN:
        return extern_call(w, c);
    case IR_CALL_HALIDE:
    case IR_CALL_IMAGE:
        break;
    }
    internal_error(w->ctx, "C source: call to %s was not lowered to a Load", c->name);
}

/* ---- Expression dispatch ------------------------------------------------------------------ */

static const char *binary(cw_writer *w, const ir_node *e) {
    hl_type t = e->type;
    const char *a = cw_expr(w, e->kids[0]), *b = cw_expr(w, e->kids[1]);
    static const char *const compare_ops[6] = {"==", "!=", "<", "<=", ">", ">="}; /* ORDER NODES */
    switch ((ir_kind)e->kind) {
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
        return cw_temp(w, t, cw_arith(w, (ir_kind)e->kind, t, a, b));
    case IR_Div:
    case IR_Mod:
        return cw_temp(w, t, div_mod(w, e->kind == IR_Mod, t, a, b));
    case IR_Min:
        return cw_temp(w, t, FMT("%s < %s ? %s : %s", a, b, a, b));
    case IR_Max:
        return cw_temp(w, t, FMT("%s > %s ? %s : %s", a, b, a, b));
    case IR_And:
        return cw_temp(w, t, FMT("%s && %s", a, b));
    case IR_Or:
        return cw_temp(w, t, FMT("%s || %s", a, b));
    default:
        internal_assert(w->ctx, e->kind >= IR_EQ && e->kind <= IR_GE, "not a binary node");
        return cw_temp(w, t, FMT("%s %s %s", a, compare_ops[e->kind - IR_EQ], b));
    }
}

static const char *expr_kind(cw_writer *w, const ir_node *e) {
    hl_type t = e->type;
    switch ((ir_kind)e->kind) {
    case IR_IntImm:
    case IR_UIntImm:
    case IR_FloatImm:
        return constant(w, e);
    case IR_StringImm:
        return FMT("((void *)%s)", cw_c_string(w, e->name));
    case IR_Cast:
        return cw_converted(w, cw_expr(w, e->kids[0]), e->kids[0]->type, t);
    case IR_Reinterpret: {
        const char *v = reinterpret(w, cw_expr(w, e->kids[0]), e->kids[0]->type, t);
        return ir_type_eq(e->kids[0]->type, t) ? v : cw_temp(w, t, v);
    }
    case IR_Variable:
        return cw_use(w, e->name);
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
    case IR_Div:
    case IR_Mod:
    case IR_Min:
    case IR_Max:
    case IR_EQ:
    case IR_NE:
    case IR_LT:
    case IR_LE:
    case IR_GT:
    case IR_GE:
    case IR_And:
    case IR_Or:
        return binary(w, e);
    case IR_Not:
        return cw_temp(w, t, FMT("!%s", cw_expr(w, e->kids[0])));
    case IR_Select: {
        const char *c = cw_expr(w, e->kids[0]), *a = cw_expr(w, e->kids[1]),
                   *b = cw_expr(w, e->kids[2]);
        return cw_temp(w, t, FMT("%s ? %s : %s", c, a, b));
    }
    case IR_Load:
        return load(w, e);
    case IR_Ramp:
    case IR_Broadcast: /* one lane: the base or the value */
        return cw_expr(w, e->kids[0]);
    case IR_Shuffle: { /* one lane of scalar kids */
        int i = e->indices[0];
        internal_assert(w->ctx, i >= 0 && i < e->nkids, "shuffle index out of range");
        return cw_expr(w, e->kids[i]);
    }
    case IR_Let: {
        const char *value = cw_expr(w, e->kids[0]), *T = cw_ctype(w, e->kids[0]->type);
        cw_line(w, "%s = %s;", cw_declaration(w, T, cw_bind(w, e->name, T)), value);
        const char *r = cw_expr(w, e->kids[1]);
        cw_unbind(w);
        return r;
    }
    case IR_Call:
        return call(w, e);
    case IR_LetStmt:
    case IR_AssertStmt:
    case IR_ProducerConsumer:
    case IR_For:
    case IR_Store:
    case IR_Provide:
    case IR_Allocate:
    case IR_Free:
    case IR_Realize:
    case IR_Block:
    case IR_IfThenElse:
    case IR_Evaluate:
        break;
    }
    internal_error(w->ctx, "C source: %s is not an expression", ir_kind_name((ir_kind)e->kind));
}

/* Writes what e needs and returns a C operand (a constant, a name or a temporary) of its
 * value, of C type cw_ctype(e->type). */
const char *cw_expr(cw_writer *w, const ir_node *e) {
    internal_assert(w->ctx, e, "C source of a missing expression");
    if (e->type.lanes > 1)
        user_error(w->ctx,
                   "The C source output (compile_to_c) does not support vector expressions yet: %s",
                   ir_ctx_string(w->ctx, e));
    ctx_enter(w->ctx);
    const char *r = expr_kind(w, e);
    ctx_leave(w->ctx);
    return r;
}
