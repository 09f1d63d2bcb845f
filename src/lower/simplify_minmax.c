/* simplify_minmax.c - Min and Max: constant folding and rewrite rules.
 *
 * What it does: folds min/max of constants (floats: min(a, b) is b only when b < a, as
 * the reference folds it); puts constants on the right; removes min(x, x); merges nested
 * constant bounds (min(min(x, c0), c1) -> min(x, min(c0, c1))); resolves a few bounds that
 * are known from the form alone (min(x + c, x) with c > 0 is x; min(max(x, c0), c1) with
 * c1 <= c0 is c1); and applies lane-wise through Broadcast.
 *
 * Input invariants: operands simplified and of one type. Output guarantees: constants
 * on the right. Rules comparing x + c with x assume no overflow (int32/int64 only).
 */
#include "lower/simplify_internal.h"

static bool less(const ir_node *p, const ir_node *q) {
    if (p->kind == IR_FloatImm) return p->imm.f < q->imm.f;
    if (p->kind == IR_UIntImm) return p->imm.u < q->imm.u;
    return p->imm.i < q->imm.i;
}

simp_fold_status simp_fold_minmax(simplifier *s, ir_kind kind, ir_node *a, ir_node *b,
                                  ir_node **out) {
    const ir_node *x = simp_const_of(a), *y = simp_const_of(b);
    if (!x || !y || x->kind != y->kind) return SIMP_FOLD_NONE;
    bool pick_b = kind == IR_Min ? less(y, x) : less(x, y);
    *out = pick_b ? b : a;
    return SIMP_FOLD_DONE;
}

static const simp_rule rules[] = {
    /* Canonical order and identities. */
    {"min(c0, x)", "min(x, c0)", NULL, SIMP_T_ALL},
    {"max(c0, x)", "max(x, c0)", NULL, SIMP_T_ALL},
    {"min(x, x)", "x", NULL, SIMP_T_ALL},
    {"max(x, x)", "x", NULL, SIMP_T_ALL},
    /* Vectors. */
    {"min(broadcast(x), broadcast(y))", "broadcast(min(x, y))", NULL, SIMP_T_ALL},
    {"max(broadcast(x), broadcast(y))", "broadcast(max(x, y))", NULL, SIMP_T_ALL},
    /* Nested bounds. */
    {"min(min(x, c0), c1)", "min(x, min(c0, c1))", NULL, SIMP_T_ALL},
    {"max(max(x, c0), c1)", "max(x, max(c0, c1))", NULL, SIMP_T_ALL},
    {"min(max(x, c0), c1)", "c1", "c1 <= c0", SIMP_T_INTS},
    {"max(min(x, c0), c1)", "c1", "c0 <= c1", SIMP_T_INTS},
    {"min(min(x, y), x)", "min(x, y)", NULL, SIMP_T_INTS},
    {"min(min(x, y), y)", "min(x, y)", NULL, SIMP_T_INTS},
    {"min(x, min(x, y))", "min(x, y)", NULL, SIMP_T_INTS},
    {"min(x, min(y, x))", "min(y, x)", NULL, SIMP_T_INTS},
    {"max(max(x, y), x)", "max(x, y)", NULL, SIMP_T_INTS},
    {"max(max(x, y), y)", "max(x, y)", NULL, SIMP_T_INTS},
    {"max(x, max(x, y))", "max(x, y)", NULL, SIMP_T_INTS},
    {"max(x, max(y, x))", "max(y, x)", NULL, SIMP_T_INTS},
    {"min(max(x, y), x)", "x", NULL, SIMP_T_INTS},
    {"min(max(y, x), x)", "x", NULL, SIMP_T_INTS},
    {"min(x, max(x, y))", "x", NULL, SIMP_T_INTS},
    {"min(x, max(y, x))", "x", NULL, SIMP_T_INTS},
    {"max(min(x, y), x)", "x", NULL, SIMP_T_INTS},
    {"max(min(y, x), x)", "x", NULL, SIMP_T_INTS},
    {"max(x, min(x, y))", "x", NULL, SIMP_T_INTS},
    {"max(x, min(y, x))", "x", NULL, SIMP_T_INTS},
    /* Bounds known from the form, assuming no overflow. */
    {"min(x + c0, x)", "x", "0 < c0", SIMP_T_I32P},
    {"min(x + c0, x)", "x + c0", "c0 < 0", SIMP_T_I32P},
    {"min(x, x + c0)", "x", "0 < c0", SIMP_T_I32P},
    {"min(x, x + c0)", "x + c0", "c0 < 0", SIMP_T_I32P},
    {"max(x + c0, x)", "x + c0", "0 < c0", SIMP_T_I32P},
    {"max(x + c0, x)", "x", "c0 < 0", SIMP_T_I32P},
    {"max(x, x + c0)", "x + c0", "0 < c0", SIMP_T_I32P},
    {"max(x, x + c0)", "x", "c0 < 0", SIMP_T_I32P},
    {"min(x + c0, x + c1)", "x + min(c0, c1)", NULL, SIMP_T_I32P},
    {"max(x + c0, x + c1)", "x + max(c0, c1)", NULL, SIMP_T_I32P},
    {"min(x + y, x + z)", "x + min(y, z)", NULL, SIMP_T_I32P},
    {"max(x + y, x + z)", "x + max(y, z)", NULL, SIMP_T_I32P},
    {"min(y + x, z + x)", "min(y, z) + x", NULL, SIMP_T_I32P},
    {"max(y + x, z + x)", "max(y, z) + x", NULL, SIMP_T_I32P},
    {"min(x + c0, c1)", "min(x, c1 - c0) + c0", NULL, SIMP_T_I32P},
    {"max(x + c0, c1)", "max(x, c1 - c0) + c0", NULL, SIMP_T_I32P},
};

const simp_rule_set simp_minmax_rules = {"Min and Max", rules, sizeof rules / sizeof rules[0]};
