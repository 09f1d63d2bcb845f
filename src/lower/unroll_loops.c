/* unroll_loops.c - replaces unrolled For loops by copies of their bodies (Halide's UnrollLoops).
 *
 * What it does: every For with op IR_FOR_UNROLLED becomes a Block of copies of its body,
 * copy i with the loop variable replaced by min + i. The number of copies is the extent
 * when it is constant (through the lets around the loop, loop_extent.h); otherwise it is a
 * constant upper bound of the extent, and copy i runs under if (i < extent), the guards
 * nested (copy i + 1 inside copy i's guard, since it can run only if copy i does). Loops
 * are unrolled innermost first, so nested unrolled loops multiply out. A minimum that is
 * not a constant or a Variable, and a guarded extent that is not one, are bound once by
 * LetStmts around the copies.
 *
 * Input invariants: the extent of an unrolled loop is a constant or has a constant upper
 * bound (otherwise the user error "Can only unroll for loops over a constant extent.
 * Loop over <name> has extent <expr>.", the reference's words).
 *
 * Output guarantees: no For with op IR_FOR_UNROLLED remains; a loop whose extent (or its
 * bound) is <= 0 becomes the empty statement (simplify_make_no_op); other loops are
 * untouched.
 */
#include "lower/lower.h"
#include "lower/loop_extent.h"
#include "lower/simplify.h"
#include "util/check.h"

/* A Variable <loop>.<what> standing for e, bound by a LetStmt the caller adds, unless e is
 * already a constant or a Variable (then e itself, and *name stays NULL). */
static ir_node *named(hl_ctx *ctx, ir_node *e, const ir_node *loop, const char *what,
                      const char **name) {
    *name = NULL;
    if (ir_is_const(e) || e->kind == IR_Variable) return e;
    *name = ctx_unique_name(ctx, ctx_printf(ctx, "%s.%s", loop->name, what));
    return ir_var(ctx, e->type, *name);
}

static ir_node *unroll_loop(hl_ctx *ctx, ir_node *loop, const loop_scope *scope) {
    loop_count n = loop_extent_count(ctx, loop, scope);
    if (!n.found)
        user_error(ctx,
                   "Can only unroll for loops over a constant extent.\nLoop over %s has extent %s.\n",
                   loop->name, ir_ctx_string(ctx, n.extent));
    if (n.count <= 0) return simplify_make_no_op(ctx);
    const char *base = NULL, *limit = NULL;
    ir_node *min = n.count > 1 ? named(ctx, loop->kids[0], loop, "base", &base) : loop->kids[0];
    ir_node *extent = n.guarded ? named(ctx, loop->kids[1], loop, "extent", &limit) : NULL;
    ir_node *result = NULL;
    for (int64_t i = n.count - 1; i >= 0; i--) {
        ir_node *at = i ? ir_binary(ctx, IR_Add, min, ir_make_const(ctx, min->type, i)) : min;
        result = ir_block(ctx, ir_substitute(ctx, loop->kids[2], loop->name, at), result);
        if (extent)
            result = ir_if(ctx, ir_binary(ctx, IR_LT, ir_make_const(ctx, extent->type, i), extent),
                           result, NULL);
    }
    if (base) result = ir_let_stmt(ctx, base, loop->kids[0], result);
    if (limit) result = ir_let_stmt(ctx, limit, loop->kids[1], result);
    return result;
}

static ir_node *unroll_mutate(ir_mutator *m, ir_node *n) {
    if (!ir_is_stmt(n)) return n;
    const loop_scope **top = m->state;
    ir_node *r = loop_scope_mutate_kids(m, n, top);
    if (r->kind == IR_For && r->op == IR_FOR_UNROLLED) return unroll_loop(m->ctx, r, *top);
    return r;
}

ir_node *lower_unroll_loops(lower_state *ls, ir_node *s) {
    const loop_scope *top = NULL;
    ir_mutator m = {ls->ctx, unroll_mutate, &top};
    return ir_mutate(&m, s);
}
