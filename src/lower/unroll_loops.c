/* unroll_loops.c - replaces unrolled For loops by copies of their bodies (Halide's UnrollLoops).
 *
 * What it does: every For with op IR_FOR_UNROLLED becomes a Block of `extent` copies of
 * its body, copy i with the loop variable replaced by min + i. Loops are unrolled
 * innermost first, so nested unrolled loops multiply out. A minimum that is not a
 * constant or a Variable is bound once by a LetStmt around the copies.
 *
 * Input invariants: the extent of an unrolled loop simplifies to an integer constant
 * (otherwise the user error "Can only unroll for loops over a constant extent: <name> has
 * extent <expr>").
 *
 * Output guarantees: no For with op IR_FOR_UNROLLED remains; a loop of extent <= 0
 * becomes the empty statement (simplify_make_no_op); other loops are untouched.
 */
#include "lower/lower.h"
#include "lower/simplify.h"
#include "util/check.h"

static ir_node *unroll_loop(hl_ctx *ctx, ir_node *loop) {
    ir_node *min = loop->kids[0], *body = loop->kids[2];
    ir_node *extent = simplify_expr(ctx, loop->kids[1]);
    int64_t count;
    if (!ir_const_int(extent, &count))
        user_error(ctx, "Can only unroll for loops over a constant extent: %s has extent %s",
                   loop->name, ir_ctx_string(ctx, extent));
    if (count <= 0) return simplify_make_no_op(ctx);
    const char *base = NULL;
    if (count > 1 && !ir_is_const(min) && min->kind != IR_Variable) {
        base = ctx_unique_name(ctx, ctx_printf(ctx, "%s.base", loop->name));
        min = ir_var(ctx, min->type, base);
    }
    ir_node *result = NULL;
    for (int64_t i = count - 1; i >= 0; i--) {
        ir_node *at = i ? ir_binary(ctx, IR_Add, min, ir_make_const(ctx, min->type, i)) : min;
        result = ir_block(ctx, ir_substitute(ctx, body, loop->name, at), result);
    }
    return base ? ir_let_stmt(ctx, base, loop->kids[0], result) : result;
}

static ir_node *unroll_mutate(ir_mutator *m, ir_node *n) {
    if (!ir_is_stmt(n)) return n;
    ir_node *r = ir_mutate_kids(m, n);
    if (r->kind == IR_For && r->op == IR_FOR_UNROLLED) return unroll_loop(m->ctx, r);
    return r;
}

ir_node *lower_unroll_loops(lower_state *ls, ir_node *s) {
    ir_mutator m = {ls->ctx, unroll_mutate, NULL};
    return ir_mutate(&m, s);
}
