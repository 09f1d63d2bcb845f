/* simplify_vector.c - Ramp and Broadcast.
 *
 * What it does: a Ramp with stride zero is a Broadcast of its base; otherwise Ramps and
 * Broadcasts are rebuilt from their simplified parts. The lane-wise arithmetic on Ramps
 * and Broadcasts (ramp(a, b) + broadcast(c) -> ramp(a + c, b), ...) lives with each
 * operator's rules.
 *
 * Input invariants: base and stride simplified and of one type; lanes >= 2 copies.
 * Output guarantees: no Ramp with a zero stride.
 */
#include "lower/simplify_internal.h"

ir_node *simp_ramp(simplifier *s, ir_node *base, ir_node *stride, int lanes, ir_node *orig) {
    ir_node *kids[2] = {base, stride};
    hl_type t = ir_with_lanes(base->type, base->type.lanes * lanes);
    ir_node *r = simp_rewrite(s, SIMP_RULES_VECTOR, IR_Ramp, 2, kids, t, base->type);
    if (r) return r;
    if (orig && orig->kids[0] == base && orig->kids[1] == stride) return orig;
    return ir_ramp(s->ctx, base, stride, lanes);
}

ir_node *simp_broadcast(simplifier *s, ir_node *v, int lanes, ir_node *orig) {
    if (orig && orig->kids[0] == v) return orig;
    return ir_broadcast(s->ctx, v, lanes);
}

static const simp_rule rules[] = {
    {"ramp(x, 0)", "broadcast(x)", NULL, SIMP_T_ALL},
};

const simp_rule_set simp_vector_rules = {"Ramp and Broadcast", rules,
                                         sizeof rules / sizeof rules[0]};
