/* simplify_select.c - Select: constant conditions and rewrite rules.
 *
 * What it does: a constant condition (scalar, or a Broadcast of one) picks its side;
 * select(c, x, x) is x; a negated condition swaps the sides; select(c, true, false) is c;
 * nested selects on one condition collapse; select(x < y, x, y) on integers is min(x, y)
 * (and the max forms); selects of Broadcasts become a Broadcast of a select.
 *
 * Input invariants: operands simplified; both sides share a type; the condition is a
 * bool with one lane or the sides' lanes. Output guarantees: no constant-condition
 * select is left.
 */
#include "lower/simplify_internal.h"

ir_node *simp_select(simplifier *s, ir_node *c, ir_node *t, ir_node *f, ir_node *orig) {
    if (simp_is_true(c)) return t;
    if (simp_is_false(c)) return f;
    ir_node *kids[3] = {c, t, f};
    ir_node *r = simp_rewrite(s, SIMP_RULES_SELECT, IR_Select, 3, kids, t->type, t->type);
    if (r) return r;
    if (orig && orig->kids[0] == c && orig->kids[1] == t && orig->kids[2] == f) return orig;
    return ir_select(s->ctx, c, t, f);
}

static const simp_rule rules[] = {
    {"select(x, y, y)", "y", NULL, SIMP_T_ALL},
    {"select(!x, y, z)", "select(x, z, y)", NULL, SIMP_T_ALL},
    {"select(x, true, false)", "x", NULL, SIMP_T_UINT},
    {"select(x, false, true)", "!x", NULL, SIMP_T_UINT},
    {"select(x, select(x, y, z), w)", "select(x, y, w)", NULL, SIMP_T_ALL},
    {"select(x, y, select(x, z, w))", "select(x, y, w)", NULL, SIMP_T_ALL},
    {"select(x < y, x, y)", "min(x, y)", NULL, SIMP_T_INTS},
    {"select(x < y, y, x)", "max(x, y)", NULL, SIMP_T_INTS},
    {"select(x <= y, x, y)", "min(x, y)", NULL, SIMP_T_INTS},
    {"select(x <= y, y, x)", "max(x, y)", NULL, SIMP_T_INTS},
    {"select(broadcast(x), broadcast(y), broadcast(z))", "broadcast(select(x, y, z))", NULL,
     SIMP_T_ALL},
    {"select(x, broadcast(y), broadcast(z))", "broadcast(select(x, y, z))", NULL, SIMP_T_ALL},
};

const simp_rule_set simp_select_rules = {"Select", rules, sizeof rules / sizeof rules[0]};
