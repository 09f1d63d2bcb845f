/* random.c - what random_float, random_int and random_uint mean inside a Func definition.
 *
 * Halide's random numbers are pure: a random call in the definition of f(x, y) is a hash of
 * (the call site, the seed, x, y), so a Func realized twice gives the same numbers, every
 * site and every seed is its own stream, and the value does not depend on the schedule
 * (inlining f substitutes x, y like any other use of them). The hash is lowbias32 (a
 * public-domain 32-bit integer mixer) chained over the inputs, written in ordinary IR
 * (uint32 multiply, xor, shift), so it vectorizes like any other arithmetic.
 *
 * Assumes: IR_INTRIN_RANDOM nodes as operators_extra.c builds them (kids: int32 site id,
 * optional int32 seed). Guarantees: results are uint32 (random_uint), their bits as int32
 * (random_int), or float32 in [0, 1) from the top 24 bits (random_float).
 */
#include "lang/func.h"

#include <stdbool.h>

static ir_node *u32(hl_ctx *ctx, uint64_t v) { return ir_uint_imm(ctx, ir_uint(32), v); }

static ir_node *xor_shift(hl_ctx *ctx, ir_node *h, int amount) {
    ir_node *sh[2] = {h, u32(ctx, (uint64_t)amount)};
    ir_node *x[2] = {h, ir_call_intrinsic(ctx, ir_uint(32), IR_INTRIN_SHIFT_RIGHT, 2, sh)};
    return ir_call_intrinsic(ctx, ir_uint(32), IR_INTRIN_BITWISE_XOR, 2, x);
}

/* lowbias32: h ^= h >> 16; h *= 0x7feb352d; h ^= h >> 15; h *= 0x846ca68b; h ^= h >> 16. */
static ir_node *mix(hl_ctx *ctx, ir_node *h) {
    h = xor_shift(ctx, h, 16);
    h = ir_binary(ctx, IR_Mul, h, u32(ctx, 0x7feb352dU));
    h = xor_shift(ctx, h, 15);
    h = ir_binary(ctx, IR_Mul, h, u32(ctx, 0x846ca68bU));
    return xor_shift(ctx, h, 16);
}

static ir_node *as_u32(hl_ctx *ctx, ir_node *e) {
    return ir_type_eq(e->type, ir_uint(32)) ? e : ir_cast(ctx, ir_uint(32), e);
}

typedef struct {
    int nargs;
    ir_node *const *args;
} random_state;

static ir_node *lower_one(ir_mutator *m, ir_node *n) {
    n = ir_mutate_kids(m, n);
    if (n->kind != IR_Call || n->op != IR_CALL_INTRINSIC || n->op2 != IR_INTRIN_RANDOM) return n;
    random_state *st = m->state;
    hl_ctx *ctx = m->ctx;
    /* Golden-ratio spacing of the site ids, then the seed and each argument mixed in. */
    ir_node *h = ir_binary(ctx, IR_Mul, as_u32(ctx, n->kids[0]), u32(ctx, 0x9e3779b9U));
    h = mix(ctx, ir_binary(ctx, IR_Add, h, n->nkids > 1 ? as_u32(ctx, n->kids[1]) : u32(ctx, 0)));
    for (int i = 0; i < st->nargs; i++) h = mix(ctx, ir_binary(ctx, IR_Add, h, as_u32(ctx, st->args[i])));
    if (ir_is_uint(n->type)) return h;
    if (ir_is_int(n->type)) return ir_reinterpret(ctx, ir_int(32), h);
    ir_node *sh[2] = {h, u32(ctx, 8)};
    ir_node *top = ir_call_intrinsic(ctx, ir_uint(32), IR_INTRIN_SHIFT_RIGHT, 2, sh);
    return ir_binary(ctx, IR_Mul, ir_cast(ctx, ir_float(32), top),
                     ir_float_imm(ctx, ir_float(32), 1.0 / 16777216.0));
}

ir_node *func_lower_random(hl_ctx *ctx, ir_node *e, int nargs, ir_node *const *args) {
    random_state st = {nargs, args};
    ir_mutator m = {ctx, lower_one, &st};
    return ir_mutate(&m, e);
}

static void find_random(ir_visitor *v, const ir_node *n) {
    bool *found = v->state;
    if (n->kind == IR_Call && n->op == IR_CALL_INTRINSIC && n->op2 == IR_INTRIN_RANDOM) *found = true;
    if (!*found) ir_visit_kids(v, n);
}

bool func_uses_random(hl_ctx *ctx, const ir_node *e) {
    bool found = false;
    ir_visitor v = {ctx, find_random, &found};
    ir_visit(&v, e);
    return found;
}
