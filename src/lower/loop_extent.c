/* loop_extent.c - the constant count of an unrolled or vectorized loop. See loop_extent.h.
 *
 * Assumes: names bound by LetStmts and For loops are unique in the statement (lowering
 * makes them so), so a let's value means the same thing at the loop as where it is bound.
 * Substituted values are used only for analysis, never emitted, so impure let values (a
 * buffer field read) are harmless: interval arithmetic bounds them by their type.
 *
 * Substitution stops before the expressions grow past MAX_EXTENT_NODES (as trees): the
 * analysis then goes on with the lets substituted so far, the variables of the loops
 * further out left free (it may then find no bound, never a wrong one).
 *
 * Guarantees: found with guarded false only when the extent equals count; with guarded
 * true, extent <= count whatever values the enclosing loops' variables and the free
 * variables take.
 */
#include "loop_extent.h"
#include "interval.h"
#include "simplify.h"
#include "util/check.h"

ir_node *loop_scope_mutate_kids(ir_mutator *m, ir_node *n, const loop_scope **top) {
    if (n->kind != IR_LetStmt && n->kind != IR_For) return ir_mutate_kids(m, n);
    loop_scope here = {n, *top};
    *top = &here;
    ir_node *r = ir_mutate_kids(m, n);
    *top = here.next;
    return r;
}

/* Substituting lets can grow an expression exponentially (a let used twice by one used
 * twice...): substitution stops before the extent and the enclosing loops' bounds, counted
 * as trees, have more nodes than this. */
enum { MAX_EXTENT_NODES = 4096 };

/* Whether e, counted as a tree, has at most *budget nodes (consumes the budget). */
static bool within_budget(hl_ctx *ctx, const ir_node *e, int *budget) {
    if (--*budget < 0) return false;
    ctx_enter(ctx);
    bool ok = true;
    for (int i = 0; ok && i < e->nkids; i++) ok = !e->kids[i] || within_budget(ctx, e->kids[i], budget);
    ctx_leave(ctx);
    return ok;
}

/* An enclosing loop, its bounds with the lets between it and the unrolled loop's scope top
 * substituted. */
typedef struct enclosing_loop {
    const char *name;
    ir_node *min, *extent;
} enclosing_loop;

loop_count loop_extent_count(hl_ctx *ctx, const ir_node *loop, const loop_scope *scope) {
    loop_count r = {true, 0, false, simplify_expr(ctx, loop->kids[1])};
    if (ir_const_int(r.extent, &r.count)) return r;

    /* Substitute the lets, innermost first, into the extent and into the bounds of the loops
     * met so far (the lets outside a loop are the ones its bounds may use). */
    int nloops = 0;
    for (const loop_scope *s = scope; s; s = s->next) nloops += s->stmt->kind == IR_For;
    enclosing_loop *loops = ctx_alloc(ctx, sizeof(enclosing_loop) * (size_t)(nloops ? nloops : 1));
    int seen = 0;
    ir_node *extent = r.extent;
    ir_node **mins = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(nloops ? nloops : 1));
    ir_node **extents = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(nloops ? nloops : 1));
    for (const loop_scope *s = scope; s; s = s->next) {
        const ir_node *n = s->stmt;
        if (n->kind == IR_For) {
            loops[seen++] = (enclosing_loop){n->name, n->kids[0], n->kids[1]};
            continue;
        }
        int budget = MAX_EXTENT_NODES;
        ir_node *e = ir_substitute(ctx, extent, n->name, n->kids[0]);
        bool small = within_budget(ctx, e, &budget);
        for (int i = 0; small && i < seen; i++) {
            mins[i] = ir_substitute(ctx, loops[i].min, n->name, n->kids[0]);
            extents[i] = ir_substitute(ctx, loops[i].extent, n->name, n->kids[0]);
            small = within_budget(ctx, mins[i], &budget) && within_budget(ctx, extents[i], &budget);
        }
        if (!small) break; /* the loops further out stay unknown: free variables */
        extent = e;
        for (int i = 0; i < seen; i++) loops[i].min = mins[i], loops[i].extent = extents[i];
    }
    r.extent = simplify_expr(ctx, extent);
    if (ir_const_int(r.extent, &r.count)) return r;

    /* The loops' ranges, outermost first, each bounded over the loops outside it. */
    interval_scope *ranges = ctx_alloc(ctx, sizeof(interval_scope) * (size_t)(seen ? seen : 1));
    const interval_scope *outer = NULL;
    for (int i = seen - 1; i >= 0; i--) {
        ir_node *min = simplify_expr(ctx, loops[i].min);
        ir_node *last = simplify_expr(
            ctx, ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, loops[i].min, loops[i].extent),
                           ir_make_one(ctx, loops[i].extent->type)));
        ranges[i] = (interval_scope){loops[i].name,
                                     {bounds_of_expr_in_scope(ctx, min, outer).min,
                                      bounds_of_expr_in_scope(ctx, last, outer).max},
                                     outer};
        outer = &ranges[i];
    }
    r.found = interval_constant_bound(ctx, r.extent, true, outer, &r.count);
    r.guarded = true;
    return r;
}
