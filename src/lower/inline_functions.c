/* inline_functions.c - replaces every call to a Func by the Func's definition.
 *
 * Input: the loop nest of the output Func; other Funcs appear only as Call nodes
 * (IR_CALL_HALIDE). Every Func but the output is scheduled inline (the default).
 * Output: no IR_CALL_HALIDE call remains; calls to input buffers (IR_CALL_IMAGE) stay.
 * A call's arguments are bound to the callee's pure arguments all at once, so names
 * cannot capture each other. A Func that is still undefined when called is an error.
 */
#include "lower.h"
#include "util/check.h"

static ir_node *inline_call(ir_mutator *m, ir_node *n) {
    if (n->kind != IR_Call || n->op != IR_CALL_HALIDE) return ir_mutate_kids(m, n);
    hl_ctx *ctx = m->ctx;
    hl_func *g = n->ref;
    user_assert(ctx, hl_func_defined(g), "Can't call Func \"%s\" because it has not yet been defined.",
                g->name);
    internal_assert(ctx, n->nkids == g->nargs, "call to %s with the wrong arity", g->name);
    ir_node **args = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(n->nkids ? n->nkids : 1));
    for (int i = 0; i < n->nkids; i++) args[i] = ir_mutate(m, n->kids[i]);
    ir_node *body = ir_substitute_many(ctx, g->values[n->op2], g->nargs,
                                       (const char *const *)g->args, args);
    /* The definition may call further Funcs. */
    return ir_mutate(m, body);
}

ir_node *lower_inline_functions(lower_state *ls, ir_node *s) {
    ir_mutator m = {ls->ctx, inline_call, NULL};
    return ir_mutate(&m, s);
}
