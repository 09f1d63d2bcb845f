/* simplify_cmp.c - comparisons (EQ..GE) and logic (And, Or, Not).
 *
 * What it does: folds comparisons of constants (IEEE for floats: NaN compares unequal to
 * everything) and And/Or/Not of boolean constants; rewrites x > y as y < x and x >= y as
 * y <= x; puts constants on the right of ==, !=, && and ||; moves constants across
 * comparisons (x + 3 < 10 -> x < 7); and removes what logic makes redundant (x && true,
 * x || !x, !!x, x == c0 && x == c1 with c0 != c1, ...).
 *
 * Input invariants: operands simplified; compared operands share a type. Output
 * guarantees: no GT or GE is left. Equalities that move constants hold modulo 2^n for
 * every integer type; orderings that do are limited to int32/int64, where overflow is
 * undefined. Rules that negate comparisons are limited to integers (NaN).
 */
#include "lower/simplify_internal.h"

simp_fold_status simp_fold_cmp(simplifier *s, ir_kind kind, ir_node *a, ir_node *b,
                               ir_node **out) {
    const ir_node *x = simp_const_of(a), *y = simp_const_of(b);
    if (!x || !y || x->kind != y->kind) return SIMP_FOLD_NONE;
    int lanes = a->type.lanes;
    if (kind == IR_And || kind == IR_Or) {
        if (!ir_is_bool(x->type) || !ir_is_bool(y->type) || a->type.lanes != b->type.lanes)
            return SIMP_FOLD_NONE;
        bool v = kind == IR_And ? (x->imm.u && y->imm.u) : (x->imm.u || y->imm.u);
        *out = ir_make_bool(s->ctx, v, lanes);
        return SIMP_FOLD_DONE;
    }
    bool lt, gt, eq;
    if (x->kind == IR_FloatImm) {
        lt = x->imm.f < y->imm.f;
        gt = x->imm.f > y->imm.f;
        eq = x->imm.f == y->imm.f;
    } else if (x->kind == IR_UIntImm) {
        lt = x->imm.u < y->imm.u;
        gt = x->imm.u > y->imm.u;
        eq = x->imm.u == y->imm.u;
    } else {
        lt = x->imm.i < y->imm.i;
        gt = x->imm.i > y->imm.i;
        eq = x->imm.i == y->imm.i;
    }
    bool v;
    switch ((int)kind) {
    case IR_EQ: v = eq; break;
    case IR_NE: v = !eq; break;
    case IR_LT: v = lt; break;
    case IR_LE: v = lt || eq; break;
    case IR_GT: v = gt; break;
    case IR_GE: v = gt || eq; break;
    default: return SIMP_FOLD_NONE;
    }
    *out = ir_make_bool(s->ctx, v, lanes);
    return SIMP_FOLD_DONE;
}

ir_node *simp_not(simplifier *s, ir_node *a, ir_node *orig) {
    const ir_node *c = simp_const_of(a);
    if (c && ir_is_bool(c->type)) return ir_make_bool(s->ctx, c->imm.u == 0, a->type.lanes);
    ir_node *r = simp_rewrite(s, SIMP_RULES_CMP, IR_Not, 1, &a, a->type, a->type);
    if (r) return r;
    if (orig && orig->kids[0] == a) return orig;
    return ir_not(s->ctx, a);
}

static const simp_rule rules[] = {
    /* Canonical forms. */
    {"x > y", "y < x", NULL, SIMP_T_ALL},
    {"x >= y", "y <= x", NULL, SIMP_T_ALL},
    {"c0 == x", "x == c0", NULL, SIMP_T_ALL},
    {"c0 != x", "x != c0", NULL, SIMP_T_ALL},
    {"broadcast(x) == broadcast(y)", "broadcast(x == y)", NULL, SIMP_T_ALL},
    {"broadcast(x) != broadcast(y)", "broadcast(x != y)", NULL, SIMP_T_ALL},
    {"broadcast(x) < broadcast(y)", "broadcast(x < y)", NULL, SIMP_T_ALL},
    {"broadcast(x) <= broadcast(y)", "broadcast(x <= y)", NULL, SIMP_T_ALL},
    /* Equal operands. */
    {"x == x", "true", NULL, SIMP_T_INTS},
    {"x != x", "false", NULL, SIMP_T_INTS},
    {"x < x", "false", NULL, SIMP_T_INTS},
    {"x <= x", "true", NULL, SIMP_T_INTS},
    /* Equality: constants move across, common terms cancel (modulo 2^n). */
    {"x + c0 == c1", "x == c1 - c0", NULL, SIMP_T_INTS},
    {"c0 - x == c1", "x == c0 - c1", NULL, SIMP_T_INTS},
    {"x - y == 0", "x == y", NULL, SIMP_T_INTS},
    {"x + y == x", "y == 0", NULL, SIMP_T_INTS},
    {"y + x == x", "y == 0", NULL, SIMP_T_INTS},
    {"x + y == x + z", "y == z", NULL, SIMP_T_INTS},
    {"y + x == z + x", "y == z", NULL, SIMP_T_INTS},
    {"x + c0 != c1", "x != c1 - c0", NULL, SIMP_T_INTS},
    {"c0 - x != c1", "x != c0 - c1", NULL, SIMP_T_INTS},
    {"x - y != 0", "x != y", NULL, SIMP_T_INTS},
    {"x + y != x", "y != 0", NULL, SIMP_T_INTS},
    {"y + x != x", "y != 0", NULL, SIMP_T_INTS},
    {"x + y != x + z", "y != z", NULL, SIMP_T_INTS},
    {"y + x != z + x", "y != z", NULL, SIMP_T_INTS},
    /* Ordering, assuming no overflow. */
    {"x + c0 < c1", "x < c1 - c0", NULL, SIMP_T_I32P},
    {"c0 < x + c1", "c0 - c1 < x", NULL, SIMP_T_I32P},
    {"c0 - x < c1", "c0 - c1 < x", NULL, SIMP_T_I32P},
    {"c0 < c1 - x", "x < c1 - c0", NULL, SIMP_T_I32P},
    {"x + y < x + z", "y < z", NULL, SIMP_T_I32P},
    {"y + x < z + x", "y < z", NULL, SIMP_T_I32P},
    {"x + y < x", "y < 0", NULL, SIMP_T_I32P},
    {"y + x < x", "y < 0", NULL, SIMP_T_I32P},
    {"x < x + y", "0 < y", NULL, SIMP_T_I32P},
    {"x < y + x", "0 < y", NULL, SIMP_T_I32P},
    {"x - y < 0", "x < y", NULL, SIMP_T_I32P},
    {"0 < x - y", "y < x", NULL, SIMP_T_I32P},
    {"x * c0 < c1", "x < (c1 + (c0 - 1)) / c0", "0 < c0", SIMP_T_I32P},
    {"c0 < x * c1", "c0 / c1 < x", "0 < c1", SIMP_T_I32P},
    {"x + c0 <= c1", "x <= c1 - c0", NULL, SIMP_T_I32P},
    {"c0 <= x + c1", "c0 - c1 <= x", NULL, SIMP_T_I32P},
    {"c0 - x <= c1", "c0 - c1 <= x", NULL, SIMP_T_I32P},
    {"c0 <= c1 - x", "x <= c1 - c0", NULL, SIMP_T_I32P},
    {"x + y <= x + z", "y <= z", NULL, SIMP_T_I32P},
    {"y + x <= z + x", "y <= z", NULL, SIMP_T_I32P},
    {"x + y <= x", "y <= 0", NULL, SIMP_T_I32P},
    {"y + x <= x", "y <= 0", NULL, SIMP_T_I32P},
    {"x <= x + y", "0 <= y", NULL, SIMP_T_I32P},
    {"x <= y + x", "0 <= y", NULL, SIMP_T_I32P},
    {"x - y <= 0", "x <= y", NULL, SIMP_T_I32P},
    {"0 <= x - y", "y <= x", NULL, SIMP_T_I32P},
    {"x * c0 <= c1", "x <= c1 / c0", "0 < c0", SIMP_T_I32P},
    {"c0 <= x * c1", "(c0 + (c1 - 1)) / c1 <= x", "0 < c1", SIMP_T_I32P},
    /* Not. */
    {"!!x", "x", NULL, SIMP_T_ALL},
    {"!(x == y)", "x != y", NULL, SIMP_T_ALL},
    {"!(x != y)", "x == y", NULL, SIMP_T_ALL},
    {"!(x < y)", "y <= x", "is_int(x)", SIMP_T_ALL},
    {"!(x <= y)", "y < x", "is_int(x)", SIMP_T_ALL},
    {"!broadcast(x)", "broadcast(!x)", NULL, SIMP_T_ALL},
    /* And. */
    {"c0 && x", "x && c0", NULL, SIMP_T_ALL},
    {"x && true", "x", NULL, SIMP_T_ALL},
    {"x && false", "false", NULL, SIMP_T_ALL},
    {"x && x", "x", NULL, SIMP_T_ALL},
    {"x && !x", "false", NULL, SIMP_T_ALL},
    {"!x && x", "false", NULL, SIMP_T_ALL},
    {"x && (x || y)", "x", NULL, SIMP_T_ALL},
    {"x && (y || x)", "x", NULL, SIMP_T_ALL},
    {"(x || y) && x", "x", NULL, SIMP_T_ALL},
    {"(y || x) && x", "x", NULL, SIMP_T_ALL},
    {"(x && y) && x", "x && y", NULL, SIMP_T_ALL},
    {"(x && y) && y", "x && y", NULL, SIMP_T_ALL},
    {"x == c0 && x == c1", "false", "c0 != c1", SIMP_T_ALL},
    {"x != c0 && x == c1", "x == c1", "c0 != c1", SIMP_T_ALL},
    {"x == c0 && x != c1", "x == c0", "c0 != c1", SIMP_T_ALL},
    {"x < y && y < x", "false", NULL, SIMP_T_ALL},
    {"x <= y && y <= x", "x == y", "is_int(x)", SIMP_T_ALL},
    {"broadcast(x) && broadcast(y)", "broadcast(x && y)", NULL, SIMP_T_ALL},
    /* Or. */
    {"c0 || x", "x || c0", NULL, SIMP_T_ALL},
    {"x || true", "true", NULL, SIMP_T_ALL},
    {"x || false", "x", NULL, SIMP_T_ALL},
    {"x || x", "x", NULL, SIMP_T_ALL},
    {"x || !x", "true", NULL, SIMP_T_ALL},
    {"!x || x", "true", NULL, SIMP_T_ALL},
    {"x || (x && y)", "x", NULL, SIMP_T_ALL},
    {"x || (y && x)", "x", NULL, SIMP_T_ALL},
    {"(x && y) || x", "x", NULL, SIMP_T_ALL},
    {"(y && x) || x", "x", NULL, SIMP_T_ALL},
    {"(x || y) || x", "x || y", NULL, SIMP_T_ALL},
    {"(x || y) || y", "x || y", NULL, SIMP_T_ALL},
    {"x != c0 || x != c1", "true", "c0 != c1", SIMP_T_ALL},
    {"x == c0 || x != c1", "x != c1", "c0 != c1", SIMP_T_ALL},
    {"x != c0 || x == c1", "x != c0", "c0 != c1", SIMP_T_ALL},
    {"x <= y || y <= x", "true", "is_int(x)", SIMP_T_ALL},
    {"x < y || y < x", "x != y", "is_int(x)", SIMP_T_ALL},
    {"broadcast(x) || broadcast(y)", "broadcast(x || y)", NULL, SIMP_T_ALL},
};

const simp_rule_set simp_cmp_rules = {"Compare and Logic", rules, sizeof rules / sizeof rules[0]};
