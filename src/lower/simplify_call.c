/* simplify_call.c - Calls: constant folding of the bitwise, shift and abs intrinsics.
 *
 * What it does: folds bitwise_and/or/xor/not, shift_left/right, abs and absd when their
 * arguments are constants (integers wrap to the call's type; a shift by a negative
 * signed amount shifts the other way, 16 << -1 == 8; a shift by the bit width or more
 * gives 0, or -1 for an arithmetic right shift of a negative value; abs and absd of a
 * signed type give the unsigned type, abs(int8(-128)) == uint8(128)); and removes the
 * identities x & 0 -> 0, x | 0 -> x, x ^ 0 -> x, x << 0 -> x, x >> 0 -> x; folds popcount,
 * count_leading_zeros and count_trailing_zeros of constants (of 0: the bit width). Other calls are
 * only rebuilt from their simplified arguments.
 *
 * Input invariants: arguments simplified; integer intrinsics have integer arguments of
 * the call's type (abs/absd: of the signed or unsigned type of the call's width).
 * Output guarantees: no listed intrinsic of constants is left.
 */
#include "lower/simplify_internal.h"

#include <math.h>

/* The bits of an integer constant, sign-extended for signed types. */
static bool int_bits(const ir_node *n, uint64_t *bits) {
    const ir_node *c = simp_const_of(n);
    if (!c || c->kind == IR_FloatImm) return false;
    *bits = c->imm.u;
    return true;
}

static ir_node *make_bits(simplifier *s, hl_type t, uint64_t bits) {
    if (ir_is_int(t)) return ir_int_imm(s->ctx, t, (int64_t)bits);
    if (ir_is_uint(t)) return ir_uint_imm(s->ctx, t, bits);
    return NULL;
}

static ir_node *fold_shift(simplifier *s, hl_type t, ir_node *a, ir_node *b, bool left) {
    uint64_t x, y;
    if (!int_bits(a, &x) || !int_bits(b, &y)) return NULL;
    int64_t amount = (int64_t)y;
    if (ir_is_int(b->type) && amount < 0) {
        left = !left;
        amount = amount == INT64_MIN ? INT64_MAX : -amount;
    } else if (ir_is_uint(b->type) && y > (uint64_t)INT64_MAX) {
        amount = INT64_MAX;
    }
    bool negative = ir_is_int(t) && (int64_t)x < 0;
    if (amount >= t.bits) return make_bits(s, t, !left && negative ? UINT64_MAX : 0);
    if (left) return make_bits(s, t, x << amount);
    if (negative) return make_bits(s, t, ~(~x >> amount));
    return make_bits(s, t, x >> amount);
}

static ir_node *fold_abs(simplifier *s, hl_type t, ir_node *a) {
    const ir_node *c = simp_const_of(a);
    if (!c) return NULL;
    if (c->kind == IR_FloatImm) return ir_float_imm(s->ctx, t, fabs(c->imm.f));
    uint64_t v = c->kind == IR_IntImm && c->imm.i < 0 ? 0 - c->imm.u : c->imm.u;
    return make_bits(s, t, v);
}

static ir_node *fold_absd(simplifier *s, hl_type t, ir_node *a, ir_node *b) {
    const ir_node *x = simp_const_of(a), *y = simp_const_of(b);
    if (!x || !y || x->kind != y->kind) return NULL;
    if (x->kind == IR_FloatImm) {
        hl_type e = ir_element_of(a->type);
        return ir_float_imm(s->ctx, t, fabs(ir_round_float(e, x->imm.f - y->imm.f)));
    }
    bool x_less = x->kind == IR_IntImm ? x->imm.i < y->imm.i : x->imm.u < y->imm.u;
    return make_bits(s, t, x_less ? y->imm.u - x->imm.u : x->imm.u - y->imm.u);
}

/* popcount / count_leading_zeros / count_trailing_zeros of the low t.bits bits of x. */
static uint64_t fold_bit_count(int id, hl_type t, uint64_t x) {
    if (t.bits < 64) x &= ((uint64_t)1 << t.bits) - 1;
    int count = 0;
    if (id == IR_INTRIN_POPCOUNT) {
        for (; x; x &= x - 1) count++;
    } else if (id == IR_INTRIN_COUNT_LEADING_ZEROS) {
        for (int b = t.bits - 1; b >= 0 && !((x >> b) & 1); b--) count++;
    } else {
        for (int b = 0; b < t.bits && !((x >> b) & 1); b++) count++;
    }
    return (uint64_t)count;
}

/* The folded or reduced call, or NULL to keep the call. */
static ir_node *fold_intrinsic(simplifier *s, const ir_node *call, ir_node *const *args) {
    hl_type t = call->type;
    uint64_t x, y;
    int n = call->nkids;
    switch (call->op2) {
    case IR_INTRIN_BITWISE_AND:
        if (n != 2) return NULL;
        if (int_bits(args[0], &x) && int_bits(args[1], &y)) return make_bits(s, t, x & y);
        if (ir_is_zero(args[1])) return args[1];
        if (ir_is_zero(args[0])) return args[0];
        return NULL;
    case IR_INTRIN_BITWISE_OR:
    case IR_INTRIN_BITWISE_XOR:
        if (n != 2) return NULL;
        if (int_bits(args[0], &x) && int_bits(args[1], &y))
            return make_bits(s, t, call->op2 == IR_INTRIN_BITWISE_OR ? x | y : x ^ y);
        if (ir_is_zero(args[1])) return args[0];
        if (ir_is_zero(args[0])) return args[1];
        return NULL;
    case IR_INTRIN_BITWISE_NOT:
        return n == 1 && int_bits(args[0], &x) ? make_bits(s, t, ~x) : NULL;
    case IR_INTRIN_SHIFT_LEFT:
    case IR_INTRIN_SHIFT_RIGHT:
        if (n != 2) return NULL;
        if (ir_is_zero(args[1]) && ir_type_eq(args[0]->type, t)) return args[0];
        return fold_shift(s, t, args[0], args[1], call->op2 == IR_INTRIN_SHIFT_LEFT);
    case IR_INTRIN_POPCOUNT:
    case IR_INTRIN_COUNT_LEADING_ZEROS:
    case IR_INTRIN_COUNT_TRAILING_ZEROS:
        return n == 1 && int_bits(args[0], &x) ? make_bits(s, t, fold_bit_count(call->op2, t, x))
                                               : NULL;
    case IR_INTRIN_ABS: return n == 1 ? fold_abs(s, t, args[0]) : NULL;
    case IR_INTRIN_ABSD: return n == 2 ? fold_absd(s, t, args[0], args[1]) : NULL;
    default: return NULL;
    }
}

ir_node *simp_call(simplifier *s, ir_node *call, ir_node *const *args, bool changed) {
    if (call->op == IR_CALL_INTRINSIC) {
        ir_node *r = fold_intrinsic(s, call, args);
        if (r && ir_type_eq(r->type, call->type)) return r;
    }
    return changed ? ir_copy_with_kids(s->ctx, call, args) : call;
}
