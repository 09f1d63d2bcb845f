/* operators.c - the front end's operators and Halide's type coercion, in one place.
 *
 * Every public hl_expr_* builder runs in a fresh arena context under ctx_pcall, builds
 * with the ordinary IR constructors, and persists the result to the heap (ir_persist):
 * a user error raised half way leaks nothing. The coercion rules (SEMANTICS.md "Types of
 * mixed expressions"), each observed on the reference implementation:
 *   - two Exprs (match_types): float beats int; the wider float wins; two integer types
 *     give the signed type if either is signed, with the larger width;
 *   - an Expr and a Python int that fits int32: the int takes the Expr's type, an error
 *     if that changes its value; a larger int is an int64 Expr (then match_types);
 *   - an Expr and a Python float: the Expr's type if it is float, else float32;
 *   - shifts and bitwise ops widen each side to the larger width keeping its own code;
 *   - min/max turn numbers into Exprs on their own (int32/float32) and then promote;
 *     select gives numbers the type of the Expr values, which must agree exactly;
 *     clamp requires lo and hi of a's type.
 */
#include "ir/ir.h"
#include "util/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct op_call {
    int op;
    int n;
    const hl_operand *operands;
    hl_type type;
    const char *name;
    ir_node *result;
} op_call;

typedef void (*op_builder)(hl_ctx *ctx, op_call *call);

static hl_status run_builder(op_builder build, op_call *call, hl_expr **out) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    *out = NULL;
    if (!ctx.arena) {
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&ctx, (ctx_protected_fn)build, call);
    if (status == HL_OK) {
        *out = ir_persist(call->result);
        if (!*out) {
            ctx_set_last_error("Out of memory");
            status = HL_ERROR_NOMEM;
        }
    }
    ctx_close(&ctx);
    return (hl_status)status;
}

static const char *type_str(hl_ctx *ctx, hl_type t) {
    char buf[48];
    return ctx_strdup(ctx, hl_type_name(t, buf, sizeof buf));
}

static const char *expr_str(hl_ctx *ctx, const ir_node *e) { return ir_ctx_string(ctx, e); }

/* ---- Coercion ------------------------------------------------------------------------------ */

static ir_node *broadcast_to(hl_ctx *ctx, ir_node *e, int lanes) {
    if (e->type.lanes == lanes) return e;
    return ir_broadcast(ctx, e, lanes);
}

/* Halide's match_types for two Exprs of arithmetic/comparison operators. */
static void match_types(hl_ctx *ctx, ir_node **pa, ir_node **pb, const char *what) {
    ir_node *a = *pa, *b = *pb;
    user_assert(ctx, !ir_is_handle(a->type) && !ir_is_handle(b->type),
                "Can't do arithmetic on opaque pointer types: %s", what);
    if (a->type.lanes != b->type.lanes) {
        user_assert(ctx, a->type.lanes == 1 || b->type.lanes == 1,
                    "Can't do %s on vectors of mismatched lengths (%d and %d)", what,
                    a->type.lanes, b->type.lanes);
        if (a->type.lanes == 1) a = broadcast_to(ctx, a, b->type.lanes);
        else b = broadcast_to(ctx, b, a->type.lanes);
    }
    hl_type ta = a->type, tb = b->type;
    if (!ir_type_eq(ta, tb)) {
        if (ir_is_float(ta) && !ir_is_float(tb)) b = ir_cast(ctx, ta, b);
        else if (ir_is_float(tb) && !ir_is_float(ta)) a = ir_cast(ctx, tb, a);
        else if (ir_is_float(ta) && ir_is_float(tb)) {
            if (ta.bits > tb.bits || (ta.bits == tb.bits && ta.code == halide_type_float))
                b = ir_cast(ctx, ta, b);
            else a = ir_cast(ctx, tb, a);
        } else if (ta.code == tb.code) {
            if (ta.bits > tb.bits) b = ir_cast(ctx, ta, b);
            else a = ir_cast(ctx, tb, a);
        } else {
            int bits = ta.bits > tb.bits ? ta.bits : tb.bits;
            hl_type t = hl_type_make(halide_type_int, bits, ta.lanes);
            a = ir_cast(ctx, t, a);
            b = ir_cast(ctx, t, b);
        }
    }
    *pa = a;
    *pb = b;
}

/* A Python number on its own: bool, int32 (int64 when larger, float64-rounded when beyond
 * int64), float32. */
static ir_node *scalar_expr(hl_ctx *ctx, hl_scalar k) {
    if (k.is_bool) return ir_make_bool(ctx, k.i != 0, 1);
    if (k.is_float) return ir_float_imm(ctx, ir_float(32), k.f);
    if (k.is_big) return ir_float_imm(ctx, ir_float(32), k.f);
    if (k.i >= INT32_MIN && k.i <= INT32_MAX) return ir_int_imm(ctx, ir_int(32), k.i);
    return ir_int_imm(ctx, ir_int(64), k.i);
}

static bool int_fits_type(hl_type t, int64_t v) {
    if (ir_is_int(t)) return v >= ir_type_imin(t) && v <= ir_type_imax(t);
    if (ir_is_uint(t)) return v >= 0 && (t.bits >= 64 || (uint64_t)v <= ir_type_umax(t));
    return true;
}

/* A Python int that fits int32 converted to type t (Halide's check_representable). */
static ir_node *int_literal_of_type(hl_ctx *ctx, hl_type t, int64_t v) {
    if (ir_is_float(t)) return ir_float_imm(ctx, t, (double)v);
    ir_node *c = ir_make_const(ctx, t, v);
    if (!int_fits_type(t, v)) {
        ir_node *scalar = c->kind == IR_Broadcast ? c->kids[0] : c;
        user_error(ctx,
                   "Integer constant %lld will be implicitly coerced to type %s, which changes "
                   "its value to %s.",
                   (long long)v, type_str(ctx, ir_element_of(t)), expr_str(ctx, scalar));
    }
    return c;
}

static bool is_small_int_literal(hl_scalar k) {
    return !k.is_float && !k.is_big && k.i >= INT32_MIN && k.i <= INT32_MAX;
}

/* An operand as an Expr; a Python number on its own. */
static ir_node *operand_expr(hl_ctx *ctx, hl_operand o) {
    return o.expr ? (ir_node *)o.expr : scalar_expr(ctx, o.k);
}

/* Coerces the pair (Expr e, number k) as Expr op literal does. */
static void coerce_with_literal(hl_ctx *ctx, ir_node **pe, hl_scalar k, ir_node **pk) {
    ir_node *e = *pe;
    hl_type t = e->type;
    user_assert(ctx, !ir_is_handle(t), "Can't do arithmetic on opaque pointer types");
    if (k.is_float) {
        if (!ir_is_float(t)) {
            e = ir_cast(ctx, ir_with_lanes(ir_float(32), t.lanes), e);
            t = e->type;
        }
        *pk = ir_float_imm(ctx, t, k.f);
    } else if (is_small_int_literal(k)) {
        *pk = int_literal_of_type(ctx, t, k.i);
    } else {
        ir_node *kk = scalar_expr(ctx, k);
        match_types(ctx, &e, &kk, "arithmetic");
        *pk = kk;
    }
    *pe = e;
}

/* The two operands of an arithmetic operator, coerced to one type. */
static void coerce_pair(hl_ctx *ctx, hl_operand oa, hl_operand ob, ir_node **pa, ir_node **pb,
                        const char *what) {
    if (oa.expr && ob.expr) {
        *pa = (ir_node *)oa.expr;
        *pb = (ir_node *)ob.expr;
        match_types(ctx, pa, pb, what);
    } else if (oa.expr) {
        *pa = (ir_node *)oa.expr;
        coerce_with_literal(ctx, pa, ob.k, pb);
    } else if (ob.expr) {
        *pb = (ir_node *)ob.expr;
        coerce_with_literal(ctx, pb, oa.k, pa);
    } else {
        *pa = scalar_expr(ctx, oa.k);
        *pb = scalar_expr(ctx, ob.k);
        match_types(ctx, pa, pb, what);
    }
}

/* Bitwise ops and shifts: each side widened to the larger width, keeping its own code. */
static void coerce_bitwise(hl_ctx *ctx, hl_operand oa, hl_operand ob, ir_node **pa, ir_node **pb,
                           bool is_shift, const char *what) {
    ir_node *a, *b;
    if (oa.expr && !ob.expr && is_small_int_literal(ob.k) && !ob.k.is_bool) {
        a = (ir_node *)oa.expr;
        hl_type t = a->type;
        if (is_shift && ob.k.i >= 0) t.code = halide_type_uint;
        user_assert(ctx, !ir_is_float(t), "Argument to %s must be an integer type, not %s", what,
                    type_str(ctx, t));
        b = int_literal_of_type(ctx, t, ob.k.i);
    } else if (oa.expr && !ob.expr && ob.k.is_bool) {
        a = (ir_node *)oa.expr;
        b = int_literal_of_type(ctx, a->type, ob.k.i);
    } else if (!oa.expr && ob.expr && is_small_int_literal(oa.k)) {
        b = (ir_node *)ob.expr;
        a = int_literal_of_type(ctx, ir_is_float(b->type) ? ir_int(32) : b->type, oa.k.i);
    } else {
        a = operand_expr(ctx, oa);
        b = operand_expr(ctx, ob);
    }
    user_assert(ctx, !ir_is_float(a->type) && !ir_is_float(b->type) && !ir_is_handle(a->type) &&
                         !ir_is_handle(b->type),
                "Arguments to %s must be integers: %s has type %s and %s has type %s", what,
                expr_str(ctx, a), type_str(ctx, a->type), expr_str(ctx, b),
                type_str(ctx, b->type));
    if (a->type.lanes != b->type.lanes) {
        user_assert(ctx, a->type.lanes == 1 || b->type.lanes == 1,
                    "Can't do %s on vectors of mismatched lengths", what);
        if (a->type.lanes == 1) a = broadcast_to(ctx, a, b->type.lanes);
        else b = broadcast_to(ctx, b, a->type.lanes);
    }
    int bits = a->type.bits > b->type.bits ? a->type.bits : b->type.bits;
    if (a->type.bits != bits) a = ir_cast(ctx, hl_type_make(a->type.code, bits, a->type.lanes), a);
    if (b->type.bits != bits) b = ir_cast(ctx, hl_type_make(b->type.code, bits, b->type.lanes), b);
    if (!is_shift && a->type.code != b->type.code)
        user_error(ctx,
                   "Can't do %s on a signed and an unsigned integer: %s has type %s and %s has "
                   "type %s. Use an explicit cast.",
                   what, expr_str(ctx, a), type_str(ctx, a->type), expr_str(ctx, b),
                   type_str(ctx, b->type));
    *pa = a;
    *pb = b;
}

/* ---- Binary operators ------------------------------------------------------------------------ */

static ir_node *make_pow_int(hl_ctx *ctx, ir_node *x, int64_t n) {
    if (n == 0) return ir_make_one(ctx, x->type);
    if (n < 0) return ir_binary(ctx, IR_Div, ir_make_one(ctx, x->type), make_pow_int(ctx, x, -n));
    ir_node *r = x;
    for (int64_t i = 1; i < n; i++) r = ir_binary(ctx, IR_Mul, r, x);
    return r;
}

static ir_node *math_call(hl_ctx *ctx, const char *name, int n, ir_node **args);

static ir_node *float_of(hl_ctx *ctx, ir_node *e) {
    if (ir_is_float(e->type)) return e;
    return ir_cast(ctx, ir_with_lanes(ir_float(32), e->type.lanes), e);
}

/* The two arguments of pow/atan2/hypot: the first becomes float (float32 for integers and
 * numbers) and its type wins; the second is converted to it. */
static void float_args_first_wins(hl_ctx *ctx, hl_operand oa, hl_operand ob, ir_node **args) {
    ir_node *a = oa.expr ? (ir_node *)oa.expr
                         : ir_float_imm(ctx, ir_float(32), oa.k.is_float || oa.k.is_big ? oa.k.f : (double)oa.k.i);
    user_assert(ctx, !ir_is_handle(a->type), "Can't do math on a handle");
    a = float_of(ctx, a);
    ir_node *b = ob.expr ? (ir_node *)ob.expr
                         : ir_float_imm(ctx, a->type, ob.k.is_float || ob.k.is_big ? ob.k.f : (double)ob.k.i);
    user_assert(ctx, !ir_is_handle(b->type), "Can't do math on a handle");
    if (b->type.lanes != a->type.lanes) {
        if (b->type.lanes == 1) b = broadcast_to(ctx, b, a->type.lanes);
        else a = broadcast_to(ctx, a, b->type.lanes);
    }
    if (!ir_type_eq(b->type, a->type)) b = ir_cast(ctx, a->type, b);
    args[0] = a;
    args[1] = b;
}

static bool small_int_exponent(const ir_node *e, int64_t *n) {
    return ir_const_int(e, n) && *n >= -64 && *n <= 64;
}

static void build_binop(hl_ctx *ctx, op_call *call) {
    hl_operand oa = call->operands[0], ob = call->operands[1];
    ir_node *a, *b;
    hl_binop op = (hl_binop)call->op;
    switch (op) {
    case HL_OP_ADD:
    case HL_OP_SUB:
    case HL_OP_MUL:
    case HL_OP_DIV:
    case HL_OP_MOD:
    case HL_OP_MIN:
    case HL_OP_MAX:
    case HL_OP_EQ:
    case HL_OP_NE:
    case HL_OP_LT:
    case HL_OP_LE:
    case HL_OP_GT:
    case HL_OP_GE: {
        static const ir_kind kinds[] = {IR_Add, IR_Sub, IR_Mul, IR_Div, IR_Mod, IR_Min, IR_Max,
                                        IR_EQ,  IR_NE,  IR_LT,  IR_LE,  IR_GT,  IR_GE};
        coerce_pair(ctx, oa, ob, &a, &b, "arithmetic");
        call->result = ir_binary(ctx, kinds[op - HL_OP_ADD], a, b);
        return;
    }
    case HL_OP_FLOORDIV:
        coerce_pair(ctx, oa, ob, &a, &b, "division");
        call->result = ir_binary(ctx, IR_Div, a, b);
        if (ir_is_float(a->type)) call->result = math_call(ctx, "floor", 1, &call->result);
        return;
    case HL_OP_POW: {
        int64_t n;
        if (ob.expr ? small_int_exponent(ob.expr, &n)
                    : (!ob.k.is_float && !ob.k.is_bool && !ob.k.is_big && ob.k.i >= -64 &&
                       ob.k.i <= 64 && (n = ob.k.i, 1))) {
            a = operand_expr(ctx, oa);
            user_assert(ctx, !ir_is_handle(a->type), "Can't raise a handle to a power");
            call->result = make_pow_int(ctx, a, n);
            return;
        }
        ir_node *args[2];
        float_args_first_wins(ctx, oa, ob, args);
        call->result = math_call(ctx, "pow", 2, args);
        return;
    }
    case HL_OP_AND:
    case HL_OP_OR: {
        a = operand_expr(ctx, oa);
        b = operand_expr(ctx, ob);
        user_assert(ctx, ir_is_bool(a->type) && ir_is_bool(b->type),
                    "Arguments to %s must be boolean: %s has type %s, %s has type %s",
                    op == HL_OP_AND ? "&&" : "||", expr_str(ctx, a), type_str(ctx, a->type),
                    expr_str(ctx, b), type_str(ctx, b->type));
        if (a->type.lanes != b->type.lanes) {
            if (a->type.lanes == 1) a = broadcast_to(ctx, a, b->type.lanes);
            else b = broadcast_to(ctx, b, a->type.lanes);
        }
        call->result = ir_binary(ctx, op == HL_OP_AND ? IR_And : IR_Or, a, b);
        return;
    }
    case HL_OP_BITAND:
    case HL_OP_BITOR:
    case HL_OP_BITXOR: {
        /* On two bools, & and | are the logical operators (as Halide's Python binding). */
        a = operand_expr(ctx, oa);
        b = operand_expr(ctx, ob);
        if (ir_is_bool(a->type) && ir_is_bool(b->type) && op != HL_OP_BITXOR) {
            op_call inner = *call;
            inner.op = op == HL_OP_BITAND ? HL_OP_AND : HL_OP_OR;
            build_binop(ctx, &inner);
            call->result = inner.result;
            return;
        }
        static const ir_intrinsic ids[] = {IR_INTRIN_BITWISE_AND, IR_INTRIN_BITWISE_OR,
                                           IR_INTRIN_BITWISE_XOR};
        static const char *names[] = {"bitwise and", "bitwise or", "bitwise xor"};
        coerce_bitwise(ctx, oa, ob, &a, &b, false, names[op - HL_OP_BITAND]);
        ir_node *args[2] = {a, b};
        call->result = ir_call_intrinsic(ctx, a->type, ids[op - HL_OP_BITAND], 2, args);
        return;
    }
    case HL_OP_SHL:
    case HL_OP_SHR: {
        coerce_bitwise(ctx, oa, ob, &a, &b, true, op == HL_OP_SHL ? "shift left" : "shift right");
        ir_node *args[2] = {a, b};
        call->result = ir_call_intrinsic(
            ctx, a->type, op == HL_OP_SHL ? IR_INTRIN_SHIFT_LEFT : IR_INTRIN_SHIFT_RIGHT, 2, args);
        return;
    }
    case HL_OP_ABSD: {
        /* Numbers become Exprs on their own first, as for min and max. */
        a = operand_expr(ctx, oa);
        b = operand_expr(ctx, ob);
        match_types(ctx, &a, &b, "absd");
        hl_type t = a->type;
        if (ir_is_int(t)) t.code = halide_type_uint;
        ir_node *args[2] = {a, b};
        call->result = ir_call_intrinsic(ctx, t, IR_INTRIN_ABSD, 2, args);
        return;
    }
    }
    internal_error(ctx, "unknown binary operator %d", call->op);
}

hl_status hl_expr_binop(hl_binop op, hl_operand a, hl_operand b, hl_expr **out) {
    hl_operand operands[2] = {a, b};
    op_call call = {.op = op, .n = 2, .operands = operands};
    return run_builder(build_binop, &call, out);
}

hl_status hl_expr_absd(hl_operand a, hl_operand b, hl_expr **out) {
    return hl_expr_binop(HL_OP_ABSD, a, b, out);
}

/* ---- Unary operators, casts -------------------------------------------------------------- */

static void build_unary(hl_ctx *ctx, op_call *call) {
    ir_node *a = (ir_node *)call->operands[0].expr;
    switch ((hl_unop)call->op) {
    case HL_OP_NEG:
        user_assert(ctx, !ir_is_handle(a->type), "Can't negate a handle");
        call->result = ir_binary(ctx, IR_Sub, ir_make_zero(ctx, a->type), a);
        return;
    case HL_OP_NOT:
        user_assert(ctx, ir_is_bool(a->type), "argument of Not is not a bool");
        call->result = ir_not(ctx, a);
        return;
    case HL_OP_BITNOT:
        user_assert(ctx, !ir_is_float(a->type) && !ir_is_handle(a->type),
                    "Argument to bitwise not must be an integer, not %s",
                    type_str(ctx, a->type));
        call->result = ir_call_intrinsic(ctx, a->type, IR_INTRIN_BITWISE_NOT, 1, &a);
        return;
    }
    internal_error(ctx, "unknown unary operator %d", call->op);
}

hl_status hl_expr_unary(hl_unop op, const hl_expr *a, hl_expr **out) {
    hl_operand o = hl_operand_expr(a);
    op_call call = {.op = op, .n = 1, .operands = &o};
    return run_builder(build_unary, &call, out);
}

static void build_cast(hl_ctx *ctx, op_call *call) {
    hl_type t = call->type;
    user_assert(ctx, hl_type_is_valid(t), "cast to an invalid type");
    hl_operand o = call->operands[0];
    if (!o.expr) {
        hl_scalar k = o.k;
        if (ir_is_float(t) && t.lanes == 1) {
            call->result = ir_float_imm(ctx, t, k.is_float || k.is_big ? k.f : (double)k.i);
            return;
        }
        if (!k.is_float && !k.is_big && (ir_is_int(t) || ir_is_uint(t))) {
            call->result = ir_make_const(ctx, t, k.i);
            return;
        }
    }
    ir_node *a = operand_expr(ctx, o);
    user_assert(ctx, !ir_is_handle(a->type) || ir_is_handle(t),
                "Can't cast a handle to a non-handle type");
    if (a->type.lanes == 1 && t.lanes > 1) a = ir_broadcast(ctx, a, t.lanes);
    user_assert(ctx, a->type.lanes == t.lanes, "Can't cast a vector of %d lanes to %d lanes",
                a->type.lanes, t.lanes);
    call->result = ir_cast(ctx, t, a);
}

/* saturating_cast: clamp into t's range (in the source type, with bounds the source can
 * hold exactly), then cast; float to int truncates after clamping. */
static void build_saturating_cast(hl_ctx *ctx, op_call *call) {
    hl_type t = call->type;
    user_assert(ctx, hl_type_is_valid(t) && !ir_is_handle(t), "saturating_cast to an invalid type");
    ir_node *a = operand_expr(ctx, call->operands[0]);
    user_assert(ctx, !ir_is_handle(a->type), "saturating_cast of a handle");
    if (a->type.lanes == 1 && t.lanes > 1) a = ir_broadcast(ctx, a, t.lanes);
    hl_type s = a->type;
    if (ir_is_float(t)) {
        call->result = ir_cast(ctx, t, a);
        return;
    }
    if (ir_is_float(s)) {
        double lo = (double)ir_type_imin(t);
        /* The largest value of s below 2^bits (or 2^(bits-1)): it truncates to t's max. */
        int e = ir_is_uint(t) ? t.bits : t.bits - 1;
        double p = ldexp(1.0, e);
        double hi_s = s.bits == 32 ? (double)nextafterf((float)p, 0.0f)
                      : s.bits == 64 ? nextafter(p, 0.0)
                                     : p - ldexp(1.0, e - 11);
        a = ir_binary(ctx, IR_Max, ir_binary(ctx, IR_Min, a, ir_float_imm(ctx, s, hi_s)),
                      ir_float_imm(ctx, s, lo));
        call->result = ir_cast(ctx, t, a);
        return;
    }
    /* Integer to integer: compare in the source type where the bound is representable. */
    bool s_signed = ir_is_int(s), t_signed = ir_is_int(t);
    uint64_t t_max = ir_is_uint(t) ? ir_type_umax(t) : (uint64_t)ir_type_imax(t);
    uint64_t s_max = ir_is_uint(s) ? ir_type_umax(s) : (uint64_t)ir_type_imax(s);
    if (t_max < s_max) a = ir_binary(ctx, IR_Min, a, ir_make_const(ctx, s, (int64_t)t_max));
    if (s_signed) {
        int64_t t_min = t_signed ? ir_type_imin(t) : 0;
        if (t_min > ir_type_imin(s)) a = ir_binary(ctx, IR_Max, a, ir_make_const(ctx, s, t_min));
    }
    call->result = ir_cast(ctx, t, a);
}

hl_status hl_expr_saturating_cast(hl_type t, hl_operand a, hl_expr **out) {
    op_call call = {.n = 1, .operands = &a, .type = t};
    return run_builder(build_saturating_cast, &call, out);
}

hl_status hl_expr_cast(hl_type t, hl_operand a, hl_expr **out) {
    op_call call = {.n = 1, .operands = &a, .type = t};
    return run_builder(build_cast, &call, out);
}

/* ---- select, min/max, clamp, abs ----------------------------------------------------------- */

static ir_node *as_condition(hl_ctx *ctx, hl_operand o, int index) {
    ir_node *c = operand_expr(ctx, o);
    user_assert(ctx, ir_is_bool(c->type),
                "The condition of a select (argument %d) must be a boolean, not %s (%s)",
                index + 1, expr_str(ctx, c), type_str(ctx, c->type));
    return c;
}

/* A select value: an Expr, or a Python int that will take the other value's type. */
typedef struct select_value {
    ir_node *expr;
    bool is_int_literal;
    int64_t v;
} select_value;

static select_value select_value_of(hl_ctx *ctx, hl_operand o) {
    select_value r = {0};
    if (!o.expr && is_small_int_literal(o.k) && !o.k.is_bool) {
        r.is_int_literal = true;
        r.v = o.k.i;
    } else {
        r.expr = operand_expr(ctx, o);
    }
    return r;
}

static ir_node *literal_of_type(hl_ctx *ctx, int64_t v, hl_type t) {
    return ir_is_float(t) ? ir_float_imm(ctx, t, (double)v) : int_literal_of_type(ctx, t, v);
}

/* select(c, t, f) for one pair: an int literal takes the other value's type (int32 when
 * both are literals); Exprs must agree exactly. Multi-way selects chain these from the
 * right, so each level sees the type of the chain after it. */
static ir_node *select_pair(hl_ctx *ctx, ir_node *c, select_value t, select_value f) {
    if (t.is_int_literal && f.is_int_literal) {
        t.expr = ir_int_imm(ctx, ir_int(32), t.v);
        f.expr = ir_int_imm(ctx, ir_int(32), f.v);
    } else if (t.is_int_literal) {
        t.expr = literal_of_type(ctx, t.v, ir_element_of(f.expr->type));
    } else if (f.is_int_literal) {
        f.expr = literal_of_type(ctx, f.v, ir_element_of(t.expr->type));
    }
    if (!ir_type_eq(ir_element_of(t.expr->type), ir_element_of(f.expr->type)))
        user_error(ctx,
                   "The second and third arguments to a select do not have a matching type:\n"
                   "  %s has type %s\n  %s has type %s",
                   expr_str(ctx, t.expr), type_str(ctx, t.expr->type), expr_str(ctx, f.expr),
                   type_str(ctx, f.expr->type));
    int lanes = c->type.lanes;
    if (t.expr->type.lanes > lanes) lanes = t.expr->type.lanes;
    if (f.expr->type.lanes > lanes) lanes = f.expr->type.lanes;
    return ir_select(ctx, c->type.lanes == 1 ? c : broadcast_to(ctx, c, lanes),
                     broadcast_to(ctx, t.expr, lanes), broadcast_to(ctx, f.expr, lanes));
}

static void build_select(hl_ctx *ctx, op_call *call) {
    int n = call->n;
    user_assert(ctx, n >= 3 && n % 2 == 1,
                "select takes (condition, true_value, ..., false_value): an odd number of at "
                "least 3 arguments, not %d",
                n);
    select_value acc = select_value_of(ctx, call->operands[n - 1]);
    for (int i = n - 3; i >= 0; i -= 2) {
        ir_node *c = as_condition(ctx, call->operands[i], i);
        acc.expr = select_pair(ctx, c, select_value_of(ctx, call->operands[i + 1]), acc);
        acc.is_int_literal = false;
    }
    call->result = acc.expr;
}

hl_status hl_expr_select(int n, const hl_operand *operands, hl_expr **out) {
    op_call call = {.n = n, .operands = operands};
    return run_builder(build_select, &call, out);
}

static void build_minmax(hl_ctx *ctx, op_call *call) {
    user_assert(ctx, call->n >= 2, "%s needs at least two arguments", call->op ? "max" : "min");
    ir_node *result = operand_expr(ctx, call->operands[0]);
    for (int i = 1; i < call->n; i++) {
        ir_node *b = operand_expr(ctx, call->operands[i]);
        ir_node *a = result;
        match_types(ctx, &a, &b, call->op ? "max" : "min");
        result = ir_binary(ctx, call->op ? IR_Max : IR_Min, a, b);
    }
    call->result = result;
}

hl_status hl_expr_minmax(int is_max, int n, const hl_operand *operands, hl_expr **out) {
    op_call call = {.op = is_max, .n = n, .operands = operands};
    return run_builder(build_minmax, &call, out);
}

static void build_clamp(hl_ctx *ctx, op_call *call) {
    ir_node *a = operand_expr(ctx, call->operands[0]);
    ir_node *bound[2];
    static const char *ordinal[] = {"second", "third"};
    for (int i = 0; i < 2; i++) {
        hl_operand o = call->operands[1 + i];
        if (!o.expr && !o.k.is_float && is_small_int_literal(o.k) &&
            (ir_is_float(a->type) || int_fits_type(a->type, o.k.i)))
            bound[i] = ir_is_float(a->type) ? ir_float_imm(ctx, a->type, (double)o.k.i)
                                            : ir_make_const(ctx, a->type, o.k.i);
        else if (!o.expr && o.k.is_float && ir_is_float(a->type))
            bound[i] = ir_float_imm(ctx, a->type, o.k.f);
        else bound[i] = operand_expr(ctx, o);
        if (o.expr && ir_type_can_represent(ir_element_of(a->type), ir_element_of(bound[i]->type)))
            bound[i] = ir_cast(ctx, ir_with_lanes(a->type, bound[i]->type.lanes), bound[i]);
        if (!ir_type_eq(ir_element_of(bound[i]->type), ir_element_of(a->type)))
            user_error(ctx,
                       "Type mismatch in call to clamp. First argument (%s) has type %s, but %s "
                       "argument (%s) has type %s. Use an explicit cast.",
                       expr_str(ctx, a), type_str(ctx, a->type), ordinal[i],
                       expr_str(ctx, bound[i]), type_str(ctx, bound[i]->type));
        bound[i] = broadcast_to(ctx, bound[i], a->type.lanes);
    }
    call->result = ir_binary(ctx, IR_Max, ir_binary(ctx, IR_Min, a, bound[1]), bound[0]);
}

hl_status hl_expr_clamp(const hl_operand *operands, hl_expr **out) {
    op_call call = {.n = 3, .operands = operands};
    return run_builder(build_clamp, &call, out);
}

static void build_abs(hl_ctx *ctx, op_call *call) {
    ir_node *a = operand_expr(ctx, call->operands[0]);
    user_assert(ctx, !ir_is_handle(a->type), "abs of a handle");
    hl_type t = a->type;
    if (ir_is_int(t)) t.code = halide_type_uint;
    call->result = ir_call_intrinsic(ctx, t, IR_INTRIN_ABS, 1, &a);
}

hl_status hl_expr_abs(hl_operand a, hl_expr **out) {
    op_call call = {.n = 1, .operands = &a};
    return run_builder(build_abs, &call, out);
}

/* ---- Float math ------------------------------------------------------------------------------ */

static const struct {
    const char *name;
    int nargs;
} math_functions[] = {
    {"sqrt", 1},  {"exp", 1},   {"log", 1},   {"pow", 2},   {"sin", 1},   {"cos", 1},
    {"tan", 1},   {"asin", 1},  {"acos", 1},  {"atan", 1},  {"atan2", 2}, {"sinh", 1},
    {"cosh", 1},  {"tanh", 1},  {"asinh", 1}, {"acosh", 1}, {"atanh", 1}, {"floor", 1},
    {"ceil", 1},  {"round", 1}, {"trunc", 1}, {"erf", 1},   {"hypot", 2},
};

/* name_fNN(args) as a pure extern call; args are floats of one type. */
static ir_node *math_call(hl_ctx *ctx, const char *name, int n, ir_node **args) {
    hl_type t = args[0]->type;
    const char *suffix = t.bits == 64 ? "f64" : t.bits == 16 ? "f16" : "f32";
    const char *full = ctx_printf(ctx, "%s_%s", name, suffix);
    return ir_call(ctx, t, full, IR_CALL_PURE_EXTERN, n, args);
}

static void build_math(hl_ctx *ctx, op_call *call) {
    int expected = -1;
    for (size_t i = 0; i < sizeof math_functions / sizeof math_functions[0]; i++)
        if (strcmp(math_functions[i].name, call->name) == 0) expected = math_functions[i].nargs;
    user_assert(ctx, expected >= 0, "Unknown math function %s", call->name);
    user_assert(ctx, call->n == expected, "%s takes %d argument%s, not %d", call->name, expected,
                expected == 1 ? "" : "s", call->n);
    ir_node *args[2];
    if (call->n == 2) {
        float_args_first_wins(ctx, call->operands[0], call->operands[1], args);
        int64_t p;
        if (strcmp(call->name, "pow") == 0 && small_int_exponent(args[1], &p)) {
            call->result = make_pow_int(ctx, args[0], p);
            return;
        }
    } else {
        hl_operand o = call->operands[0];
        args[0] = o.expr ? (ir_node *)o.expr
                         : ir_float_imm(ctx, ir_float(32), o.k.is_float || o.k.is_big ? o.k.f : (double)o.k.i);
        user_assert(ctx, !ir_is_handle(args[0]->type), "Argument of %s is a handle", call->name);
        args[0] = float_of(ctx, args[0]);
        user_assert(ctx, strcmp(call->name, "erf") != 0 || args[0]->type.bits == 32,
                    "erf only takes float32 arguments, not %s", type_str(ctx, args[0]->type));
    }
    call->result = math_call(ctx, call->name, call->n, args);
}

hl_status hl_expr_math(const char *name, int n, const hl_operand *args, hl_expr **out) {
    op_call call = {.n = n, .operands = args, .name = name};
    return run_builder(build_math, &call, out);
}

/* ---- Leaves ------------------------------------------------------------------------------------ */

static void build_leaf(hl_ctx *ctx, op_call *call) {
    hl_scalar k = call->operands ? call->operands[0].k : (hl_scalar){0};
    switch (call->op) {
    case 0: call->result = scalar_expr(ctx, k); break;
    case 1:
        user_assert(ctx, hl_type_is_valid(call->type) && !ir_is_handle(call->type),
                    "invalid type for a constant");
        if (ir_is_float(call->type)) call->result = ir_float_imm(ctx, call->type, k.f);
        else call->result = ir_make_const(ctx, call->type, k.i);
        break;
    case 2: call->result = ir_string_imm(ctx, call->name); break;
    case 3:
        user_assert(ctx, call->name && call->name[0], "A Var needs a non-empty name");
        call->result = ir_var(ctx, ir_int(32), call->name);
        break;
    default: internal_error(ctx, "bad leaf");
    }
}

hl_status hl_expr_from_scalar(hl_scalar k, hl_expr **out) {
    hl_operand o = {.k = k};
    op_call call = {.op = 0, .n = 1, .operands = &o};
    return run_builder(build_leaf, &call, out);
}

hl_status hl_expr_int(hl_type t, int64_t value, hl_expr **out) {
    hl_operand o = {.k = {.i = value, .f = (double)value}};
    op_call call = {.op = 1, .operands = &o, .type = t};
    return run_builder(build_leaf, &call, out);
}

hl_status hl_expr_uint(hl_type t, uint64_t value, hl_expr **out) {
    hl_operand o = {.k = {.i = (int64_t)value, .f = (double)value}};
    op_call call = {.op = 1, .operands = &o, .type = t};
    return run_builder(build_leaf, &call, out);
}

hl_status hl_expr_float(hl_type t, double value, hl_expr **out) {
    hl_operand o = {.k = {.is_float = 1, .f = value}};
    op_call call = {.op = 1, .operands = &o, .type = t};
    return run_builder(build_leaf, &call, out);
}

hl_status hl_expr_string(const char *s, hl_expr **out) {
    op_call call = {.op = 2, .name = s};
    return run_builder(build_leaf, &call, out);
}

hl_status hl_expr_var(const char *name, hl_expr **out) {
    op_call call = {.op = 3, .name = name};
    return run_builder(build_leaf, &call, out);
}

/* ---- Queries on front-end Exprs ------------------------------------------------------------- */

void hl_expr_retain(hl_expr *e) { ir_retain(e); }
void hl_expr_release(hl_expr *e) { ir_release(e); }
hl_type hl_expr_type(const hl_expr *e) { return e->type; }

const char *hl_expr_var_name(const hl_expr *e) {
    return e && e->kind == IR_Variable ? e->name : NULL;
}

static void implicit_visit(ir_visitor *v, const ir_node *n) {
    if (n->kind == IR_Variable && n->ref_kind == IR_REF_NONE && n->name[0] == '_' && n->name[1] >= '0' &&
        n->name[1] <= '9') {
        char *end;
        long k = strtol(n->name + 1, &end, 10);
        int *count = v->state;
        if (!*end && k + 1 > *count && k < 1000) *count = (int)k + 1;
    }
    ir_visit_kids(v, n);
}

static void implicit_protected(hl_ctx *ctx, void *ud) {
    void **p = ud;
    ir_visitor v = {ctx, implicit_visit, p[1]};
    ir_visit(&v, p[0]);
}

int hl_expr_implicit_count(const hl_expr *e) {
    int count = 0;
    if (!e) return 0;
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    void *ud[2] = {(void *)e, &count};
    if (ctx.arena) ctx_pcall(&ctx, implicit_protected, ud);
    ctx_close(&ctx);
    return count;
}

int hl_expr_const_value(const hl_expr *e, int64_t *i, uint64_t *u, double *f) {
    switch (e->kind) {
    case IR_IntImm: *i = e->imm.i; *f = (double)e->imm.i; *u = (uint64_t)e->imm.i; return 1;
    case IR_UIntImm: *u = e->imm.u; *i = (int64_t)e->imm.u; *f = (double)e->imm.u; return 1;
    case IR_FloatImm: *f = e->imm.f; *i = (int64_t)e->imm.f; *u = (uint64_t)*i; return 1;
    default: return 0;
    }
}

int hl_type_is_valid(hl_type t) {
    if (t.lanes == 0) return 0;
    switch (t.code) {
    case halide_type_int: return t.bits == 8 || t.bits == 16 || t.bits == 32 || t.bits == 64;
    case halide_type_uint:
        return t.bits == 1 || t.bits == 8 || t.bits == 16 || t.bits == 32 || t.bits == 64;
    case halide_type_float: return t.bits == 16 || t.bits == 32 || t.bits == 64;
    case halide_type_bfloat: return t.bits == 16;
    case halide_type_handle: return t.bits == 64;
    default: return 0;
    }
}

/* ---- For the rest of the operator library (lang/operators_extra.c) ----------------------- */

void lang_match_types(hl_ctx *ctx, ir_node **a, ir_node **b, const char *what) {
    match_types(ctx, a, b, what);
}

ir_node *lang_operand_expr(hl_ctx *ctx, hl_operand o) { return operand_expr(ctx, o); }

ir_node *lang_int_literal_of_type(hl_ctx *ctx, hl_type t, int64_t v) {
    return int_literal_of_type(ctx, t, v);
}

ir_node *lang_math_call(hl_ctx *ctx, const char *name, int n, ir_node **args) {
    return math_call(ctx, name, n, args);
}
