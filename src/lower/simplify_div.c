/* simplify_div.c - Div and Mod: Euclidean constant folding and rewrite rules.
 *
 * What it does: folds integer division and modulo of constants the Euclidean way
 * (-7/2 == -4, -7%2 == 1, 7/-2 == -3, -7/-2 == 4, 7%-2 == 1), with 0 for a zero divisor;
 * int32/int64 MIN / -1 is an overflow error, int8/int16 wrap it to MIN. Floats divide in
 * IEEE and take a % b == a - b*floor(a/b), each step rounded to the type as the
 * generated code does. Rules remove x / 1, x % 1, divisions by zero, and split sums and
 * products whose constants the divisor divides.
 *
 * Input invariants: operands simplified and of one type. Output guarantees: no constant
 * division is left. Rules that assume x * c or x + c does not overflow are limited to
 * int32/int64 (SIMP_T_I32P); a condition such as "c0 % c1 == 0" is itself folded the
 * Euclidean way.
 */
#include "lower/simplify_internal.h"

#include <math.h>

static int64_t div_euclid(int64_t a, int64_t b) {
    int64_t q = a / b, r = a % b;
    if (r < 0) q = b > 0 ? q - 1 : q + 1;
    return q;
}

static int64_t mod_euclid(int64_t a, int64_t b) {
    int64_t r = a % b;
    return r < 0 ? (b > 0 ? r + b : r - b) : r;
}

static simp_fold_status fold_div_or_mod(simplifier *s, ir_node *a, ir_node *b, bool mod,
                                        ir_node **out) {
    const ir_node *x = simp_const_of(a), *y = simp_const_of(b);
    if (!x || !y || x->kind != y->kind) return SIMP_FOLD_NONE;
    hl_type t = a->type;
    if (x->kind == IR_FloatImm) {
        hl_type e = ir_element_of(t);
        double q = ir_round_float(e, x->imm.f / y->imm.f);
        if (mod) {
            double p = ir_round_float(e, y->imm.f * floor(q));
            q = x->imm.f - p;
        }
        *out = ir_float_imm(s->ctx, t, q);
        return SIMP_FOLD_DONE;
    }
    if (x->kind == IR_UIntImm) {
        uint64_t d = y->imm.u;
        *out = ir_uint_imm(s->ctx, t, d == 0 ? 0 : mod ? x->imm.u % d : x->imm.u / d);
        return SIMP_FOLD_DONE;
    }
    int64_t n = x->imm.i, d = y->imm.i;
    if (d == 0) return simp_int_result(s, t, 0, false, out);
    if (d == -1) /* MIN / -1 overflows; MIN % -1 is 0. Neither may reach C's operators. */
        return mod ? simp_int_result(s, t, 0, false, out)
                   : simp_int_result(s, t, (int64_t)(0 - (uint64_t)n), n == INT64_MIN, out);
    return simp_int_result(s, t, mod ? mod_euclid(n, d) : div_euclid(n, d), false, out);
}

simp_fold_status simp_fold_div(simplifier *s, ir_node *a, ir_node *b, ir_node **out) {
    return fold_div_or_mod(s, a, b, false, out);
}

simp_fold_status simp_fold_mod(simplifier *s, ir_node *a, ir_node *b, ir_node **out) {
    return fold_div_or_mod(s, a, b, true, out);
}

static const simp_rule rules[] = {
    /* Division. */
    {"x / 1", "x", NULL, SIMP_T_ALL},
    {"x / 0", "0", NULL, SIMP_T_INTS},
    {"0 / x", "0", NULL, SIMP_T_INTS},
    {"x / -1", "0 - x", NULL, SIMP_T_SINT},
    {"broadcast(x) / broadcast(y)", "broadcast(x / y)", NULL, SIMP_T_ALL},
    {"(x / c0) / c1", "x / (c0 * c1)", "0 < c0 && 0 < c1", SIMP_T_I32P},
    {"(x * c0) / c1", "x * (c0 / c1)", "c1 != 0 && c0 % c1 == 0", SIMP_T_I32P},
    {"(x * c0) / c1", "x / (c1 / c0)", "0 < c0 && c1 % c0 == 0", SIMP_T_I32P},
    {"(x + c0) / c1", "x / c1 + c0 / c1", "c1 != 0 && c0 % c1 == 0", SIMP_T_I32P},
    {"(x * c0 + y) / c1", "y / c1 + x * (c0 / c1)", "c1 != 0 && c0 % c1 == 0", SIMP_T_I32P},
    {"(y + x * c0) / c1", "y / c1 + x * (c0 / c1)", "c1 != 0 && c0 % c1 == 0", SIMP_T_I32P},
    /* Modulo. */
    {"x % 1", "0", NULL, SIMP_T_INTS},
    {"x % 0", "0", NULL, SIMP_T_INTS},
    {"0 % x", "0", NULL, SIMP_T_INTS},
    {"x % x", "0", NULL, SIMP_T_INTS},
    {"broadcast(x) % broadcast(y)", "broadcast(x % y)", NULL, SIMP_T_ALL},
    {"(x % c0) % c1", "x % c1", "c0 != 0 && c1 != 0 && c0 % c1 == 0", SIMP_T_INTS},
    {"(x * c0) % c1", "0", "c1 != 0 && c0 % c1 == 0", SIMP_T_I32P},
    {"(x + c0) % c1", "(x + c0 % c1) % c1", "c1 != 0 && c0 % c1 != c0", SIMP_T_I32P},
    {"(x * c0 + y) % c1", "y % c1", "c1 != 0 && c0 % c1 == 0", SIMP_T_I32P},
    {"(y + x * c0) % c1", "y % c1", "c1 != 0 && c0 % c1 == 0", SIMP_T_I32P},
    {"ramp(x, c0) % broadcast(c1)", "broadcast(x % c1)", "c1 != 0 && c0 % c1 == 0", SIMP_T_I32P},
};

const simp_rule_set simp_div_rules = {"Div and Mod", rules, sizeof rules / sizeof rules[0]};
