/* simplify_mul.c - Mul: constant folding and rewrite rules.
 *
 * What it does: folds the product of two constants (int32/int64 overflow is an error,
 * other integers wrap, floats round to their type); puts constants on the right; removes
 * x * 1 and (integers) x * 0; combines constant factors; distributes a constant over a
 * sum with a constant ((x + c0) * c1 -> x * c1 + c0 * c1) so that sums stay canonical;
 * multiplies vectors lane-wise through Ramp and Broadcast.
 *
 * Input invariants: operands simplified and of one type. Output guarantees: the
 * canonical forms of simplify.h. Integer rules hold modulo 2^n. Floats: x * 0 is kept
 * (NaN * 0 is NaN), and so is every rule that would reassociate.
 */
#include "lower/simplify_internal.h"

simp_fold_status simp_fold_mul(simplifier *s, ir_node *a, ir_node *b, ir_node **out) {
    const ir_node *x = simp_const_of(a), *y = simp_const_of(b);
    if (!x || !y || x->kind != y->kind) return SIMP_FOLD_NONE;
    if (x->kind == IR_FloatImm) {
        *out = ir_float_imm(s->ctx, a->type, x->imm.f * y->imm.f);
        return SIMP_FOLD_DONE;
    }
    if (x->kind == IR_UIntImm) {
        *out = ir_uint_imm(s->ctx, a->type, x->imm.u * y->imm.u);
        return SIMP_FOLD_DONE;
    }
    int64_t r;
    bool ovf = __builtin_mul_overflow(x->imm.i, y->imm.i, &r);
    return simp_int_result(s, a->type, r, ovf, out);
}

static const simp_rule rules[] = {
    /* Canonical order and identities. */
    {"c0 * x", "x * c0", NULL, SIMP_T_ALL},
    {"x * 1", "x", NULL, SIMP_T_ALL},
    {"x * 0", "0", NULL, SIMP_T_INTS},
    {"x * -1", "0 - x", NULL, SIMP_T_SINT},
    /* Vectors. */
    {"broadcast(x) * broadcast(y)", "broadcast(x * y)", NULL, SIMP_T_ALL},
    {"ramp(x, y) * broadcast(z)", "ramp(x * z, y * z)", NULL, SIMP_T_INTS},
    {"broadcast(x) * ramp(y, z)", "ramp(y * x, z * x)", NULL, SIMP_T_INTS},
    {"select(x, c0, c1) * c2", "select(x, c0 * c2, c1 * c2)", NULL, SIMP_T_ALL},
    /* Constant factors combine and move outward. */
    {"(x * c0) * c1", "x * (c0 * c1)", NULL, SIMP_T_INTS},
    {"(x * c0) * y", "(x * y) * c0", "!is_const(y)", SIMP_T_INTS},
    {"x * (y * c0)", "(x * y) * c0", NULL, SIMP_T_INTS},
    /* Distribution over a constant term. */
    {"(x + c0) * c1", "x * c1 + c0 * c1", NULL, SIMP_T_INTS},
    {"(c0 - x) * c1", "c0 * c1 - x * c1", NULL, SIMP_T_INTS},
    {"(0 - x) * y", "0 - x * y", NULL, SIMP_T_INTS},
    {"x * (0 - y)", "0 - x * y", NULL, SIMP_T_INTS},
};

const simp_rule_set simp_mul_rules = {"Mul", rules, sizeof rules / sizeof rules[0]};
