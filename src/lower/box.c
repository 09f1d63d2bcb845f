/* box.c - boxes touched by a statement. See box.h.
 *
 * A recursive walk with an interval scope that grows as it descends through For loops,
 * LetStmts, Lets and narrowing IfThenElse conditions. Depth is guarded by ctx_enter.
 */
#include "box.h"
#include "simplify.h"
#include "util/check.h"

#include <string.h>

typedef struct walk {
    hl_ctx *ctx;
    const void *target;
    box_mode mode;
    box result;
} walk;

static void walk_node(walk *w, const ir_node *n, const interval_scope *scope);

static void add_point(walk *w, int nargs, ir_node *const *args, const interval_scope *scope) {
    hl_ctx *ctx = w->ctx;
    internal_assert(ctx, nargs == w->result.dims, "box of %d dims touched with %d coordinates",
                    w->result.dims, nargs);
    for (int d = 0; d < nargs; d++) {
        interval i = bounds_of_expr_in_scope(ctx, args[d], scope);
        if (!w->result.used) w->result.d[d] = i;
        else w->result.d[d] = interval_union(ctx, w->result.d[d], i);
    }
    w->result.used = true;
}

static const interval *lookup(const interval_scope *scope, const char *name) {
    for (const interval_scope *s = scope; s; s = s->next)
        if (strcmp(s->name, name) == 0) return &s->value;
    return NULL;
}

/* Narrows the scope by a condition known to hold; returns the new scope head. */
static const interval_scope *narrow(walk *w, const ir_node *c, const interval_scope *scope) {
    hl_ctx *ctx = w->ctx;
    if (c->kind == IR_And) return narrow(w, c->kids[1], narrow(w, c->kids[0], scope));
    if (c->kind < IR_LT || c->kind > IR_GE) return scope;
    const ir_node *v = c->kids[0], *e = c->kids[1];
    ir_kind k = (ir_kind)c->kind;
    if (v->kind != IR_Variable) {
        if (e->kind != IR_Variable) return scope;
        const ir_node *t = v;
        v = e;
        e = t;
        k = k == IR_LT ? IR_GT : k == IR_LE ? IR_GE : k == IR_GT ? IR_LT : IR_LE;
    }
    if (!ir_type_eq(v->type, ir_int(32))) return scope;
    const interval *old = lookup(scope, v->name);
    interval now = old ? *old : (interval){(ir_node *)v, (ir_node *)v};
    interval b = bounds_of_expr_in_scope(ctx, e, scope);
    ir_node *one = ir_make_one(ctx, ir_int(32));
    if ((k == IR_LE || k == IR_LT) && b.max) {
        ir_node *hi = k == IR_LT ? ir_binary(ctx, IR_Sub, b.max, one) : b.max;
        now.max = now.max ? ir_binary(ctx, IR_Min, now.max, hi) : hi;
    } else if ((k == IR_GE || k == IR_GT) && b.min) {
        ir_node *lo = k == IR_GT ? ir_binary(ctx, IR_Add, b.min, one) : b.min;
        now.min = now.min ? ir_binary(ctx, IR_Max, now.min, lo) : lo;
    } else {
        return scope;
    }
    interval_scope *s = ctx_alloc(ctx, sizeof *s);
    *s = (interval_scope){v->name, now, scope};
    return s;
}

static void walk_kids(walk *w, const ir_node *n, const interval_scope *scope) {
    for (int i = 0; i < n->nkids; i++) walk_node(w, n->kids[i], scope);
}

static void walk_node(walk *w, const ir_node *n, const interval_scope *scope) {
    if (!n) return;
    hl_ctx *ctx = w->ctx;
    ctx_enter(ctx);
    switch ((ir_kind)n->kind) {
    case IR_For: {
        walk_node(w, n->kids[0], scope);
        walk_node(w, n->kids[1], scope);
        /* The body's box with the loop variable as a point, simplified (so that terms of it
         * that cancel do cancel), then widened over the loop's range: loop bounds that are
         * lets of outer loops keep their correlation. */
        box outer = w->result;
        w->result = (box){outer.dims, ctx_alloc(ctx, sizeof(interval) * (size_t)(outer.dims ? outer.dims : 1)), false};
        walk_node(w, n->kids[2], scope);
        box body = w->result;
        w->result = outer;
        if (!body.used) break;
        ir_node *last = simplify_expr(ctx, ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, n->kids[0], n->kids[1]),
                                                     ir_make_one(ctx, ir_int(32))));
        interval range = {bounds_of_expr_in_scope(ctx, simplify_expr(ctx, n->kids[0]), scope).min,
                          bounds_of_expr_in_scope(ctx, last, scope).max};
        interval_scope loop = {n->name, range, scope};
        for (int d = 0; d < body.dims; d++) {
            interval i = {body.d[d].min ? bounds_of_expr_in_scope(ctx, simplify_expr(ctx, body.d[d].min), &loop).min : NULL,
                          body.d[d].max ? bounds_of_expr_in_scope(ctx, simplify_expr(ctx, body.d[d].max), &loop).max : NULL};
            w->result.d[d] = w->result.used ? interval_union(ctx, w->result.d[d], i) : i;
        }
        w->result.used = true;
        break;
    }
    case IR_LetStmt:
    case IR_Let: {
        walk_node(w, n->kids[0], scope);
        interval_scope inner = {n->name, bounds_of_expr_in_scope(ctx, n->kids[0], scope), scope};
        walk_node(w, n->kids[1], &inner);
        break;
    }
    case IR_IfThenElse:
        walk_node(w, n->kids[0], scope);
        walk_node(w, n->kids[1], narrow(w, n->kids[0], scope));
        walk_node(w, n->kids[2], scope);
        break;
    case IR_Call:
        walk_kids(w, n, scope);
        if (w->mode == BOX_CALLS && n->ref == w->target &&
            (n->op == IR_CALL_HALIDE || n->op == IR_CALL_IMAGE))
            add_point(w, n->nkids, n->kids, scope);
        break;
    case IR_Provide:
        walk_kids(w, n, scope);
        if (w->mode == BOX_PROVIDES && n->ref == w->target)
            add_point(w, n->nkids - n->op, n->kids + n->op, scope);
        break;
    default: walk_kids(w, n, scope); break;
    }
    ctx_leave(ctx);
}

box box_touched(hl_ctx *ctx, const ir_node *s, const void *target, int dims, box_mode mode) {
    walk w = {ctx, target, mode, {dims, NULL, false}};
    w.result.d = ctx_alloc(ctx, sizeof(interval) * (size_t)(dims ? dims : 1));
    walk_node(&w, s, NULL);
    return w.result;
}
