/* simplify_add.c - Add: constant folding and rewrite rules.
 *
 * What it does: folds the sum of two constants (int32/int64 overflow is an error, other
 * integers wrap, floats round to their type); puts constants on the right; pulls
 * constants outward ((x + c0) + y -> (x + y) + c0) and combines them; cancels x and -x;
 * adds vectors lane-wise through Ramp and Broadcast.
 *
 * Input invariants: operands simplified and of one type. Output guarantees: the
 * canonical forms of simplify.h. The integer rules hold modulo 2^n, so they are sound for
 * wrapping types too; only x + 0 and lane-wise rules apply to floats.
 */
#include "lower/simplify_internal.h"

simp_fold_status simp_fold_add(simplifier *s, ir_node *a, ir_node *b, ir_node **out) {
    const ir_node *x = simp_const_of(a), *y = simp_const_of(b);
    if (!x || !y || x->kind != y->kind) return SIMP_FOLD_NONE;
    if (x->kind == IR_FloatImm) {
        *out = ir_float_imm(s->ctx, a->type, x->imm.f + y->imm.f);
        return SIMP_FOLD_DONE;
    }
    if (x->kind == IR_UIntImm) {
        *out = ir_uint_imm(s->ctx, a->type, x->imm.u + y->imm.u);
        return SIMP_FOLD_DONE;
    }
    int64_t r;
    bool ovf = __builtin_add_overflow(x->imm.i, y->imm.i, &r);
    return simp_int_result(s, a->type, r, ovf, out);
}

static const simp_rule rules[] = {
    /* Canonical order and identities. */
    {"c0 + x", "x + c0", NULL, SIMP_T_ALL},
    {"x + 0", "x", NULL, SIMP_T_ALL},
    /* Vectors. */
    {"broadcast(x) + broadcast(y)", "broadcast(x + y)", NULL, SIMP_T_ALL},
    {"ramp(x, y) + ramp(z, w)", "ramp(x + z, y + w)", NULL, SIMP_T_INTS},
    {"ramp(x, y) + broadcast(z)", "ramp(x + z, y)", NULL, SIMP_T_INTS},
    {"broadcast(x) + ramp(y, z)", "ramp(x + y, z)", NULL, SIMP_T_INTS},
    {"select(x, c0, c1) + c2", "select(x, c0 + c2, c1 + c2)", NULL, SIMP_T_ALL},
    /* Constants move outward and combine. */
    {"(x + c0) + c1", "x + (c0 + c1)", NULL, SIMP_T_INTS},
    {"(x - c0) + c1", "x + (c1 - c0)", NULL, SIMP_T_INTS},
    {"(c0 - x) + c1", "(c0 + c1) - x", NULL, SIMP_T_INTS},
    {"(x + c0) + y", "(x + y) + c0", "!is_const(y)", SIMP_T_INTS},
    {"x + (y + c0)", "(x + y) + c0", NULL, SIMP_T_INTS},
    {"(c0 - x) + y", "(y - x) + c0", "!is_const(y)", SIMP_T_INTS},
    {"x + (c0 - y)", "(x - y) + c0", NULL, SIMP_T_INTS},
    /* Cancellation. */
    {"x + (y - x)", "y", NULL, SIMP_T_INTS},
    {"(x - y) + y", "x", NULL, SIMP_T_INTS},
    {"(x - y) + (y - z)", "x - z", NULL, SIMP_T_INTS},
    {"(x - y) + (z - x)", "z - y", NULL, SIMP_T_INTS},
    /* Collecting multiples. */
    {"x + x", "x * 2", NULL, SIMP_T_INTS},
    {"x * c0 + x", "x * (c0 + 1)", NULL, SIMP_T_INTS},
    {"x + x * c0", "x * (c0 + 1)", NULL, SIMP_T_INTS},
    {"x * y + x * z", "x * (y + z)", NULL, SIMP_T_INTS},
    {"x * y + z * y", "(x + z) * y", NULL, SIMP_T_INTS},
    {"min(x, y - z) + z", "min(x + z, y)", NULL, SIMP_T_I32P},
    {"max(x, y - z) + z", "max(x + z, y)", NULL, SIMP_T_I32P},
};

const simp_rule_set simp_add_rules = {"Add", rules, sizeof rules / sizeof rules[0]};
