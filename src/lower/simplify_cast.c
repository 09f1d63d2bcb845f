/* simplify_cast.c - Cast and Reinterpret.
 *
 * What it does: folds casts of constants with Halide's rules (integer to narrower integer
 * wraps; float to integer truncates toward zero; anything to float rounds to the float
 * type; anything to bool is "!= 0"); moves a cast inside a Broadcast; and drops the inner
 * of two integer casts when that cannot change the value. Reinterpret of an integer or
 * float32/float64 constant is folded bit for bit.
 *
 * Input invariants: the operand simplified; cast keeps the lane count. Output guarantees:
 * no cast of a constant is left (float-to-int of a value out of int64 range, NaN
 * included, folds to the saturated int64 value and then wraps: the reference leaves this
 * undefined). The cast rules are C predicates over types, which rule text cannot express,
 * kept as one flat list.
 */
#include "lower/simplify_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static ir_node *fold_cast(simplifier *s, hl_type t, const ir_node *c) {
    hl_type e = ir_element_of(t);
    if (ir_is_bool(e)) {
        bool nonzero = c->kind == IR_FloatImm ? c->imm.f != 0 : c->imm.u != 0;
        return ir_make_bool(s->ctx, nonzero, t.lanes);
    }
    if (ir_is_float(e)) {
        if (c->kind == IR_FloatImm) return ir_float_imm(s->ctx, t, c->imm.f);
        /* Round once, straight from the integer, where the C compiler can. */
        double v;
        if (e.bits == 32 && e.code == halide_type_float)
            v = c->kind == IR_IntImm ? (float)c->imm.i : (float)c->imm.u;
        else v = c->kind == IR_IntImm ? (double)c->imm.i : (double)c->imm.u;
        return ir_float_imm(s->ctx, t, v);
    }
    if (!ir_is_int(e) && !ir_is_uint(e)) return NULL;
    uint64_t bits;
    if (c->kind == IR_FloatImm) {
        double v = trunc(c->imm.f);
        if (isnan(v)) bits = 0;
        else if (v >= 18446744073709551616.0) bits = UINT64_MAX;
        else if (v >= 9223372036854775808.0) bits = (uint64_t)v;
        else if (v < -9223372036854775808.0) bits = (uint64_t)INT64_MIN;
        else bits = (uint64_t)(int64_t)v;
    } else {
        bits = c->imm.u;
    }
    return ir_is_int(e) ? ir_int_imm(s->ctx, t, (int64_t)bits) : ir_uint_imm(s->ctx, t, bits);
}

static bool is_integer(hl_type t) { return ir_is_int(t) || ir_is_uint(t); }

/* Whether every value of integer type from is a value of integer type to. */
static bool holds_all(hl_type to, hl_type from) {
    if (ir_is_uint(from)) return ir_is_uint(to) ? to.bits >= from.bits : to.bits > from.bits;
    return ir_is_int(to) && to.bits >= from.bits;
}

typedef ir_node *(*cast_rule_fn)(simplifier *s, hl_type t, ir_node *a);

/* cast(broadcast(x)) -> broadcast(cast(x)) */
static ir_node *cast_of_broadcast(simplifier *s, hl_type t, ir_node *a) {
    if (a->kind != IR_Broadcast) return NULL;
    ir_node *v = a->kids[0];
    int lanes = a->type.lanes / v->type.lanes;
    hl_type inner = ir_with_lanes(t, t.lanes / lanes);
    return simp_broadcast(s, simp_cast(s, inner, v, NULL), lanes, NULL);
}

/* cast<T>(cast<U>(x)) -> cast<T>(x) when U holds every value of x's type. */
static ir_node *cast_of_exact_cast(simplifier *s, hl_type t, ir_node *a) {
    if (a->kind != IR_Cast) return NULL;
    hl_type u = a->type, x = a->kids[0]->type;
    if (!is_integer(t) || !is_integer(u) || !is_integer(x) || ir_is_bool(u)) return NULL;
    if (!holds_all(u, x)) return NULL;
    return simp_cast(s, t, a->kids[0], NULL);
}

/* cast<T>(cast<U>(x)) -> cast<T>(x) when T is no wider than U: both only keep low bits. */
static ir_node *cast_of_truncating_cast(simplifier *s, hl_type t, ir_node *a) {
    if (a->kind != IR_Cast) return NULL;
    hl_type u = a->type, x = a->kids[0]->type;
    if (!is_integer(t) || !is_integer(u) || !is_integer(x)) return NULL;
    if (ir_is_bool(t) || ir_is_bool(u) || t.bits > u.bits) return NULL;
    return simp_cast(s, t, a->kids[0], NULL);
}

static const struct {
    const char *rule;
    cast_rule_fn apply;
} cast_rules[] = {
    {"cast(broadcast(x)) -> broadcast(cast(x))", cast_of_broadcast},
    {"cast(cast(x)) -> cast(x) when the inner cast is exact", cast_of_exact_cast},
    {"cast(cast(x)) -> cast(x) when both casts truncate", cast_of_truncating_cast},
};

ir_node *simp_cast(simplifier *s, hl_type t, ir_node *a, ir_node *orig) {
    if (ir_type_eq(t, a->type)) return a;
    const ir_node *c = simp_const_of(a);
    if (c) {
        ir_node *r = fold_cast(s, t, c);
        if (r) return r;
    }
    for (size_t i = 0; i < sizeof cast_rules / sizeof cast_rules[0]; i++) {
        ir_node *r = cast_rules[i].apply(s, t, a);
        if (r) {
            if (s->trace) {
                fprintf(stderr, "simplify: Cast rule %s gives ", cast_rules[i].rule);
                hl_debug_print(r);
            }
            return r;
        }
    }
    if (orig && orig->kids[0] == a) return orig;
    return ir_cast(s->ctx, t, a);
}

/* The bits of a scalar constant, or false when they are not available. */
static bool const_bits(const ir_node *c, uint64_t *bits) {
    if (c->kind == IR_FloatImm) {
        if (c->type.code != halide_type_float) return false;
        if (c->type.bits == 64) memcpy(bits, &c->imm.f, 8);
        else if (c->type.bits == 32) {
            float f = (float)c->imm.f;
            uint32_t b;
            memcpy(&b, &f, 4);
            *bits = b;
        } else return false;
        return true;
    }
    *bits = c->type.bits >= 64 ? c->imm.u : c->imm.u & (((uint64_t)1 << c->type.bits) - 1);
    return true;
}

ir_node *simp_reinterpret(simplifier *s, hl_type t, ir_node *a, ir_node *orig) {
    const ir_node *c = simp_const_of(a);
    uint64_t bits;
    hl_type e = ir_element_of(t);
    if (c && a->kind != IR_Broadcast && e.bits == c->type.bits && const_bits(c, &bits)) {
        if (ir_is_int(e)) return ir_int_imm(s->ctx, t, (int64_t)bits);
        if (ir_is_uint(e)) return ir_uint_imm(s->ctx, t, bits);
        if (e.code == halide_type_float && e.bits == 64) {
            double d;
            memcpy(&d, &bits, 8);
            return ir_float_imm(s->ctx, t, d);
        }
        if (e.code == halide_type_float && e.bits == 32) {
            uint32_t b = (uint32_t)bits;
            float f;
            memcpy(&f, &b, 4);
            return ir_float_imm(s->ctx, t, f);
        }
    }
    if (orig && orig->kids[0] == a) return orig;
    return ir_reinterpret(s->ctx, t, a);
}
