/* simplify_sub.c - Sub: constant folding and rewrite rules.
 *
 * What it does: folds the difference of two constants (int32/int64 overflow is an error,
 * other integers wrap, floats round to their type); turns signed x - c into x + (-c), so
 * that Add's rules see one form; cancels common terms ((x + y) - x -> y); combines
 * constants; moves a subtracted term into a min/max bounding it (min(x + c, y) - x ->
 * min(y - x, c), for tile tails); subtracts vectors lane-wise through Ramp and Broadcast.
 *
 * Input invariants: operands simplified and of one type. Output guarantees: the
 * canonical forms of simplify.h; no signed x - c. Integer rules hold modulo 2^n; only
 * x - 0 and lane-wise rules apply to floats (x - x is NaN for infinities).
 */
#include "lower/simplify_internal.h"

simp_fold_status simp_fold_sub(simplifier *s, ir_node *a, ir_node *b, ir_node **out) {
    const ir_node *x = simp_const_of(a), *y = simp_const_of(b);
    if (!x || !y || x->kind != y->kind) return SIMP_FOLD_NONE;
    if (x->kind == IR_FloatImm) {
        *out = ir_float_imm(s->ctx, a->type, x->imm.f - y->imm.f);
        return SIMP_FOLD_DONE;
    }
    if (x->kind == IR_UIntImm) {
        *out = ir_uint_imm(s->ctx, a->type, x->imm.u - y->imm.u);
        return SIMP_FOLD_DONE;
    }
    int64_t r;
    bool ovf = __builtin_sub_overflow(x->imm.i, y->imm.i, &r);
    return simp_int_result(s, a->type, r, ovf, out);
}

static const simp_rule rules[] = {
    /* Identities and the canonical form of subtracting a constant. */
    {"x - 0", "x", NULL, SIMP_T_ALL},
    {"x - x", "0", NULL, SIMP_T_INTS},
    {"x - c0", "x + (0 - c0)", NULL, SIMP_T_SINT},
    /* Vectors. */
    {"broadcast(x) - broadcast(y)", "broadcast(x - y)", NULL, SIMP_T_ALL},
    {"ramp(x, y) - ramp(z, w)", "ramp(x - z, y - w)", NULL, SIMP_T_INTS},
    {"ramp(x, y) - broadcast(z)", "ramp(x - z, y)", NULL, SIMP_T_INTS},
    {"broadcast(x) - ramp(y, z)", "ramp(x - y, 0 - z)", NULL, SIMP_T_INTS},
    {"select(x, c0, c1) - c2", "select(x, c0 - c2, c1 - c2)", NULL, SIMP_T_ALL},
    {"c2 - select(x, c0, c1)", "select(x, c2 - c0, c2 - c1)", NULL, SIMP_T_ALL},
    /* Cancellation. */
    {"(x + y) - x", "y", NULL, SIMP_T_INTS},
    {"(x + y) - y", "x", NULL, SIMP_T_INTS},
    {"x - (x + y)", "0 - y", NULL, SIMP_T_INTS},
    {"x - (y + x)", "0 - y", NULL, SIMP_T_INTS},
    {"(x - y) - x", "0 - y", NULL, SIMP_T_INTS},
    {"x - (x - y)", "y", NULL, SIMP_T_INTS},
    {"(x + y) - (x + z)", "y - z", NULL, SIMP_T_INTS},
    {"(x + y) - (z + x)", "y - z", NULL, SIMP_T_INTS},
    {"(y + x) - (x + z)", "y - z", NULL, SIMP_T_INTS},
    {"(y + x) - (z + x)", "y - z", NULL, SIMP_T_INTS},
    {"x - (0 - y)", "x + y", NULL, SIMP_T_INTS},
    /* Constants move outward and combine (unsigned types keep x - c). */
    {"(x + c0) - c1", "x + (c0 - c1)", NULL, SIMP_T_INTS},
    {"(x - c0) - c1", "x - (c0 + c1)", NULL, SIMP_T_INTS},
    {"c0 - (x + c1)", "(c0 - c1) - x", NULL, SIMP_T_INTS},
    {"c0 - (c1 - x)", "x + (c0 - c1)", NULL, SIMP_T_INTS},
    {"(c0 - x) - c1", "(c0 - c1) - x", NULL, SIMP_T_INTS},
    {"(x + c0) - y", "(x - y) + c0", "!is_const(y)", SIMP_T_INTS},
    {"x - (y + c0)", "(x - y) - c0", "!is_const(x)", SIMP_T_INTS},
    {"(c0 - x) - y", "c0 - (x + y)", "!is_const(y)", SIMP_T_INTS},
    {"x - (c0 - y)", "(x + y) - c0", "!is_const(x)", SIMP_T_INTS},
    /* Collecting multiples. */
    {"x * y - x * z", "x * (y - z)", NULL, SIMP_T_INTS},
    {"x * y - z * y", "(x - z) * y", NULL, SIMP_T_INTS},
    {"x * c0 - x", "x * (c0 - 1)", NULL, SIMP_T_INTS},
    {"x - x * c0", "x * (1 - c0)", NULL, SIMP_T_INTS},
    /* Bounds. */
    {"min(x, y) - x", "min(0, y - x)", NULL, SIMP_T_I32P},
    {"max(x, y) - x", "max(0, y - x)", NULL, SIMP_T_I32P},
    {"x - min(x, y)", "max(0, x - y)", NULL, SIMP_T_I32P},
    {"x - max(x, y)", "min(0, x - y)", NULL, SIMP_T_I32P},
    {"min(x + c0, y) - x", "min(y - x, c0)", NULL, SIMP_T_I32P},
    {"min(y, x + c0) - x", "min(y - x, c0)", NULL, SIMP_T_I32P},
    {"max(x + c0, y) - x", "max(y - x, c0)", NULL, SIMP_T_I32P},
    {"max(y, x + c0) - x", "max(y - x, c0)", NULL, SIMP_T_I32P},
};

const simp_rule_set simp_sub_rules = {"Sub", rules, sizeof rules / sizeof rules[0]};
