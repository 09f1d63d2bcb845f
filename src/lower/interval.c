/* interval.c - bounds of expressions by interval arithmetic. See interval.h.
 *
 * Soundness first: arithmetic in a type that wraps (unsigned, or signed narrower than 32
 * bits) may overflow, so such nodes get the bounds of their type; 32- and 64-bit values
 * that nothing bounds are unbounded (NULL). Loads and calls are bounded by their type
 * only. The caller simplifies the (possibly large) symbolic bounds.
 */
#include "interval.h"
#include "util/check.h"

#include <string.h>

static interval unbounded(void) { return (interval){NULL, NULL}; }

static interval point(ir_node *e) { return (interval){e, e}; }

/* The range of a type: narrow integers and bools are bounded, wider values are not. */
static interval type_bounds(hl_ctx *ctx, hl_type t) {
    t = ir_element_of(t);
    if ((ir_is_int(t) || ir_is_uint(t)) && t.bits < 32)
        return (interval){ir_make_const(ctx, t, ir_type_imin(t)),
                          ir_make_const(ctx, t, ir_type_imax(t))};
    if (ir_is_uint(t) && t.bits == 32)
        return (interval){ir_make_zero(ctx, t), ir_uint_imm(ctx, t, ir_type_umax(t))};
    return unbounded();
}

static ir_node *bin(hl_ctx *ctx, ir_kind k, ir_node *a, ir_node *b) {
    if (!a || !b) return NULL;
    return ir_binary(ctx, k, a, b);
}

/* min/max of bounds where NULL is the infinity on the interval's side. */
static ir_node *min_of_mins(hl_ctx *ctx, ir_node *a, ir_node *b) { return bin(ctx, IR_Min, a, b); }
static ir_node *max_of_maxes(hl_ctx *ctx, ir_node *a, ir_node *b) { return bin(ctx, IR_Max, a, b); }

interval interval_union(hl_ctx *ctx, interval a, interval b) {
    return (interval){min_of_mins(ctx, a.min, b.min), max_of_maxes(ctx, a.max, b.max)};
}

static bool is_scalar_type(hl_type t) { return t.lanes == 1; }

static interval bounds(hl_ctx *ctx, const ir_node *e, const interval_scope *scope);

static interval bounds_mul(hl_ctx *ctx, const ir_node *e, interval a, interval b) {
    int64_t c;
    if (ir_const_int(e->kids[1], &c) || ir_const_int(e->kids[0], &c)) {
        interval v = ir_const_int(e->kids[1], &c) ? a : b;
        ir_node *k = ir_make_const(ctx, e->type, c);
        if (c >= 0) return (interval){bin(ctx, IR_Mul, v.min, k), bin(ctx, IR_Mul, v.max, k)};
        return (interval){bin(ctx, IR_Mul, v.max, k), bin(ctx, IR_Mul, v.min, k)};
    }
    if (!interval_is_bounded(a) || !interval_is_bounded(b)) return unbounded();
    ir_node *p[4] = {ir_binary(ctx, IR_Mul, a.min, b.min), ir_binary(ctx, IR_Mul, a.min, b.max),
                     ir_binary(ctx, IR_Mul, a.max, b.min), ir_binary(ctx, IR_Mul, a.max, b.max)};
    ir_node *lo = p[0], *hi = p[0];
    for (int i = 1; i < 4; i++) {
        lo = ir_binary(ctx, IR_Min, lo, p[i]);
        hi = ir_binary(ctx, IR_Max, hi, p[i]);
    }
    return (interval){lo, hi};
}

/* |a| bound: max(a.max, -a.min), or NULL. */
static ir_node *magnitude(hl_ctx *ctx, interval a, hl_type t) {
    if (!interval_is_bounded(a)) return NULL;
    return ir_binary(ctx, IR_Max, a.max, ir_binary(ctx, IR_Sub, ir_make_zero(ctx, t), a.min));
}

static interval bounds_div(hl_ctx *ctx, const ir_node *e, interval a, interval b) {
    int64_t c;
    if (ir_const_int(e->kids[1], &c) && c != 0) {
        ir_node *k = ir_make_const(ctx, e->type, c);
        if (c > 0) return (interval){bin(ctx, IR_Div, a.min, k), bin(ctx, IR_Div, a.max, k)};
        return (interval){bin(ctx, IR_Div, a.max, k), bin(ctx, IR_Div, a.min, k)};
    }
    if (ir_is_float(e->type)) return unbounded();
    /* Dividing by any integer (zero gives zero) never grows the magnitude. */
    ir_node *m = magnitude(ctx, a, e->type);
    if (!m) return unbounded();
    return (interval){ir_binary(ctx, IR_Sub, ir_make_zero(ctx, e->type), m), m};
}

static interval bounds_mod(hl_ctx *ctx, const ir_node *e, interval a, interval b) {
    int64_t c;
    if (ir_is_float(e->type)) return unbounded();
    if (ir_const_int(e->kids[1], &c) && c != 0) {
        int64_t m = c > 0 ? c - 1 : -c - 1;
        return (interval){ir_make_zero(ctx, e->type), ir_make_const(ctx, e->type, m)};
    }
    ir_node *m = magnitude(ctx, b, e->type);
    if (!m) return unbounded();
    ir_node *hi = ir_binary(ctx, IR_Sub, m, ir_make_one(ctx, e->type));
    return (interval){ir_make_zero(ctx, e->type), ir_binary(ctx, IR_Max, hi, ir_make_zero(ctx, e->type))};
}

/* Whether every value of `from` is a value of `to`. */
static bool cast_is_lossless(hl_type to, hl_type from) {
    if (ir_is_float(from)) return ir_is_float(to) && to.bits >= from.bits;
    if (ir_is_float(to)) return true; /* rounding is monotonic */
    if (from.code == to.code) return to.bits >= from.bits;
    if (ir_is_uint(from) && ir_is_int(to)) return to.bits > from.bits;
    return false;
}

static interval bounds_cast(hl_ctx *ctx, const ir_node *e, interval a) {
    hl_type to = e->type, from = e->kids[0]->type;
    if (cast_is_lossless(to, from) || (ir_is_float(from) && !ir_is_float(to))) {
        interval r = {a.min ? ir_cast(ctx, to, a.min) : NULL, a.max ? ir_cast(ctx, to, a.max) : NULL};
        if (ir_is_float(from) && !ir_is_float(to)) {
            /* float -> int truncates monotonically, but out-of-range floats are undefined: keep
             * the result within the type when the type is narrow. */
            interval tb = type_bounds(ctx, to);
            if (tb.min && r.min) r.min = ir_binary(ctx, IR_Max, r.min, tb.min);
            if (tb.max && r.max) r.max = ir_binary(ctx, IR_Min, r.max, tb.max);
            if (!r.min) r.min = tb.min;
            if (!r.max) r.max = tb.max;
        }
        return r;
    }
    return type_bounds(ctx, to);
}

static interval bounds_one(hl_ctx *ctx, const ir_node *e, const interval_scope *scope) {
    hl_type t = e->type;
    switch ((ir_kind)e->kind) {
    case IR_IntImm:
    case IR_UIntImm:
    case IR_FloatImm: return point((ir_node *)e);
    case IR_Variable:
        for (const interval_scope *s = scope; s; s = s->next)
            if (strcmp(s->name, e->name) == 0) return s->value;
        return point((ir_node *)e);
    case IR_Broadcast: return bounds(ctx, e->kids[0], scope);
    case IR_Cast: return bounds_cast(ctx, e, bounds(ctx, e->kids[0], scope));
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
    case IR_Div:
    case IR_Mod: {
        if (ir_type_wraps(t)) return type_bounds(ctx, t);
        interval a = bounds(ctx, e->kids[0], scope), b = bounds(ctx, e->kids[1], scope);
        if (e->kind == IR_Add)
            return (interval){bin(ctx, IR_Add, a.min, b.min), bin(ctx, IR_Add, a.max, b.max)};
        if (e->kind == IR_Sub)
            return (interval){bin(ctx, IR_Sub, a.min, b.max), bin(ctx, IR_Sub, a.max, b.min)};
        if (e->kind == IR_Mul) return bounds_mul(ctx, e, a, b);
        if (e->kind == IR_Div) return bounds_div(ctx, e, a, b);
        return bounds_mod(ctx, e, a, b);
    }
    case IR_Min:
    case IR_Max: {
        interval a = bounds(ctx, e->kids[0], scope), b = bounds(ctx, e->kids[1], scope);
        ir_kind k = (ir_kind)e->kind;
        /* An unbounded side of one operand is cut by the other operand's bound. */
        ir_node *lo, *hi;
        if (k == IR_Min) {
            lo = bin(ctx, IR_Min, a.min, b.min);
            hi = a.max && b.max ? ir_binary(ctx, IR_Min, a.max, b.max) : a.max ? a.max : b.max;
        } else {
            lo = a.min && b.min ? ir_binary(ctx, IR_Max, a.min, b.min) : a.min ? a.min : b.min;
            hi = bin(ctx, IR_Max, a.max, b.max);
        }
        return (interval){lo, hi};
    }
    case IR_Select:
        return interval_union(ctx, bounds(ctx, e->kids[1], scope), bounds(ctx, e->kids[2], scope));
    case IR_Let: {
        interval_scope inner = {e->name, bounds(ctx, e->kids[0], scope), scope};
        return bounds(ctx, e->kids[1], &inner);
    }
    case IR_Call:
        if (e->op == IR_CALL_INTRINSIC && e->op2 == IR_INTRIN_LIKELY)
            return bounds(ctx, e->kids[0], scope);
        if (e->op == IR_CALL_INTRINSIC && e->op2 == IR_INTRIN_PROMISE_CLAMPED)
            return (interval){bounds(ctx, e->kids[1], scope).min, bounds(ctx, e->kids[2], scope).max};
        if (e->op == IR_CALL_INTRINSIC && e->op2 == IR_INTRIN_ABS && !ir_is_float(t)) {
            interval a = bounds(ctx, e->kids[0], scope);
            if (ir_is_uint(e->kids[0]->type)) return a;
            ir_node *m = magnitude(ctx, a, e->kids[0]->type);
            if (!m || t.bits >= 32) return type_bounds(ctx, t);
            return (interval){ir_make_zero(ctx, t), ir_cast(ctx, t, m)};
        }
        return type_bounds(ctx, t);
    case IR_EQ:
    case IR_NE:
    case IR_LT:
    case IR_LE:
    case IR_GT:
    case IR_GE:
    case IR_And:
    case IR_Or:
    case IR_Not:
    case IR_Load:
    case IR_Reinterpret:
    case IR_StringImm:
    case IR_Ramp:
    case IR_Shuffle: return type_bounds(ctx, t);
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
    case IR_Evaluate: break;
    }
    internal_error(ctx, "bounds of a %s", ir_kind_name((ir_kind)e->kind));
}

static interval bounds(hl_ctx *ctx, const ir_node *e, const interval_scope *scope) {
    ctx_enter(ctx);
    interval r = is_scalar_type(e->type) || e->kind == IR_Broadcast ? bounds_one(ctx, e, scope)
                                                                    : type_bounds(ctx, e->type);
    ctx_leave(ctx);
    return r;
}

interval bounds_of_expr_in_scope(hl_ctx *ctx, const ir_node *e, const interval_scope *scope) {
    return bounds(ctx, e, scope);
}
