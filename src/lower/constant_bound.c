/* constant_bound.c - a constant that bounds an expression from one side. See interval.h.
 *
 * What it does: looks for a constant c with e <= c (or e >= c) for every value the
 * variables of the scope take. It follows the min/max structure first (the upper bound of
 * min(a, b) needs a bound of only one operand; of max(a, b), of both), through sums,
 * differences, products by a constant, widening casts and selects, and bounds every other
 * subexpression by interval arithmetic (bounds_of_expr_in_scope) simplified to a constant,
 * or failing that by the range of its type when the type is narrower than 32 bits.
 *
 * Assumes: e is simplified. Structural steps are taken only in int32 and int64, where
 * Halide assumes no overflow; in types that wrap only interval arithmetic is used (it
 * bounds wrapping arithmetic by its type). A combined bound that overflows the type of e
 * counts as none.
 *
 * Guarantees: a bound found holds for every value in the scope; finding none is not an
 * error (false).
 */
#include "interval.h"
#include "simplify.h"
#include "util/check.h"

static bool fits(hl_type t, int64_t v) { return v >= ir_type_imin(t) && v <= ir_type_imax(t); }

/* The bound interval arithmetic gives, if it simplifies to a constant; else the bound of
 * e's type when that is narrower than 32 bits. */
static bool bound_by_intervals(hl_ctx *ctx, ir_node *e, bool upper, const interval_scope *scope,
                               int64_t *out) {
    interval i = bounds_of_expr_in_scope(ctx, e, scope);
    ir_node *side = upper ? i.max : i.min;
    if (side && ir_const_int(simplify_expr(ctx, side), out)) return true;
    hl_type t = e->type;
    if (t.lanes != 1 || !(ir_is_int(t) || ir_is_uint(t)) || t.bits >= 32) return false;
    *out = upper ? ir_type_imax(t) : ir_type_imin(t);
    return true;
}

static bool constant_bound(hl_ctx *ctx, ir_node *e, bool upper, const interval_scope *scope,
                           int64_t *out);

static bool structural_bound(hl_ctx *ctx, ir_node *e, bool upper, const interval_scope *scope,
                             int64_t *out) {
    ir_node *a = e->nkids > 0 ? e->kids[0] : NULL, *b = e->nkids > 1 ? e->kids[1] : NULL;
    int64_t x, y, k;
    bool r;
    switch ((ir_kind)e->kind) {
    case IR_Min:
    case IR_Max: {
        bool has_x = constant_bound(ctx, a, upper, scope, &x);
        bool has_y = constant_bound(ctx, b, upper, scope, &y);
        if (has_x && has_y) {
            *out = (e->kind == IR_Min) == (x < y) ? x : y;
            return true;
        }
        /* min(a, b) <= a and max(a, b) >= a: one operand's bound is enough. */
        if ((e->kind == IR_Min) != upper || !(has_x || has_y)) return false;
        *out = has_x ? x : y;
        return true;
    }
    case IR_Add:
        r = constant_bound(ctx, a, upper, scope, &x) && constant_bound(ctx, b, upper, scope, &y) &&
            !__builtin_add_overflow(x, y, out);
        return r && fits(e->type, *out);
    case IR_Sub:
        r = constant_bound(ctx, a, upper, scope, &x) && constant_bound(ctx, b, !upper, scope, &y) &&
            !__builtin_sub_overflow(x, y, out);
        return r && fits(e->type, *out);
    case IR_Mul:
        if (ir_const_int(b, &k)) {
            r = constant_bound(ctx, a, upper == (k >= 0), scope, &x) &&
                !__builtin_mul_overflow(x, k, out);
            return r && fits(e->type, *out);
        }
        return false;
    case IR_Cast: {
        /* A cast that keeps every value keeps the bound. */
        hl_type from = a->type;
        return (ir_is_int(from) || ir_is_uint(from)) && ir_type_can_represent(e->type, from) &&
               constant_bound(ctx, a, upper, scope, out);
    }
    case IR_Select:
        if (!constant_bound(ctx, e->kids[1], upper, scope, &x) ||
            !constant_bound(ctx, e->kids[2], upper, scope, &y))
            return false;
        *out = upper == (x > y) ? x : y;
        return true;
    default: return false;
    }
}

static bool constant_bound(hl_ctx *ctx, ir_node *e, bool upper, const interval_scope *scope,
                           int64_t *out) {
    if (ir_const_int(e, out)) return true;
    hl_type t = e->type;
    if (t.lanes != 1 || !ir_is_int(t) || t.bits < 32)
        return bound_by_intervals(ctx, e, upper, scope, out);
    ctx_enter(ctx);
    bool found = structural_bound(ctx, e, upper, scope, out) ||
                 bound_by_intervals(ctx, e, upper, scope, out);
    ctx_leave(ctx);
    return found;
}

bool interval_constant_bound(hl_ctx *ctx, ir_node *e, bool upper, const interval_scope *scope,
                             int64_t *bound) {
    return constant_bound(ctx, simplify_expr(ctx, e), upper, scope, bound);
}
