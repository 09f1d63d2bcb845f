/* tracing.c - the tracing pass: trace events around the realizations, productions, stores
 * and loads of traced Funcs (Func.trace_loads/trace_stores/trace_realizations, or every
 * Func with the target's trace_loads/trace_stores/trace_realizations/trace_all features).
 *
 * Runs after bounds inference, while Funcs are still Realize, ProducerConsumer, Provide
 * and Call nodes. Each event is an IR_INTRIN_TRACE call (ir.h) that codegen hands to the
 * runtime's rt_trace/halide_trace (runtime/trace.c):
 *   - a store to a traced Func: its value passes through a "Store" event (one per value);
 *   - a load of a traced Func, or of an ImageParam with trace_loads(): the Call passes
 *     through a "Load" event (an ImageParam also gets a Tag with the box the pipeline reads);
 *   - every Func whose stores or realizations are traced: a "Tag" event at the start
 *     (func_type_and_dim: its value types and the box the whole pipeline writes, as the
 *     reference's trace tools read them; skipped when that box is unbounded);
 *   - a traced Func's realization: "Begin realization" and "End realization" around the
 *     Realize, "Produce"/"End produce" and "Consume"/"End consume"
 *     around its ProducerConsumer blocks, all with the realized min, extent pairs. An
 *     output has no Realize: its events use the output buffer's bounds and surround the
 *     whole pipeline;
 *   - when anything is traced (or the target has trace_pipeline): "Begin pipeline" and "End
 *     pipeline" around the pipeline (its name: the function name, or the first output's).
 * The pipeline body is the non-bounds-query branch bounds inference made, so bounds
 * queries trace nothing.
 *
 * Assumes: realization bounds are int32. Guarantees: nothing changes when nothing is
 * traced; the traced values and control flow are otherwise unchanged.
 */
#include "box.h"
#include "lower.h"
#include "simplify.h"
#include "util/check.h"

#include <string.h>

enum { TRACE_LOADS = HL_TRACE_LOADS, TRACE_STORES = HL_TRACE_STORES, TRACE_REALIZATIONS = HL_TRACE_REALIZATIONS };

typedef struct trace_state {
    lower_state *ls;
    int target_flags;
    /* The bounds of the realizations we are inside, innermost first. */
    struct bounds_scope {
        const char *func;
        int n;
        ir_node **coords; /* min, extent pairs */
        const struct bounds_scope *next;
    } const *scope;
} trace_state;

static int flags_of(const trace_state *st, const hl_func *f) { return f->trace_flags | st->target_flags; }

static ir_node *i32(hl_ctx *ctx, int v) { return ir_make_const(ctx, ir_int(32), v); }

static ir_node *event(hl_ctx *ctx, int code, const hl_func *f, const char *name, int value_index, ir_node *value,
                      int ncoords, ir_node *const *coords) {
    ir_node **args = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(4 + ncoords));
    args[0] = i32(ctx, code);
    args[1] = ir_string_imm(ctx, f ? f->name : name);
    args[2] = i32(ctx, value_index);
    args[3] = value ? value : i32(ctx, 0);
    for (int i = 0; i < ncoords; i++) args[4 + i] = coords[i];
    hl_type t = value && value->kind != IR_StringImm ? value->type : ir_int(32);
    return ir_call_intrinsic(ctx, t, IR_INTRIN_TRACE, 4 + ncoords, args);
}

static ir_node *event_stmt(hl_ctx *ctx, int code, const hl_func *f, int ncoords, ir_node *const *coords) {
    return ir_evaluate(ctx, event(ctx, code, f, NULL, 0, NULL, ncoords, coords));
}

/* "func_type_and_dim: <values> (<code> <bits> <lanes>)... " (the runtime appends the
 * number of dimensions and the bounds). */
static ir_node *tag_event(hl_ctx *ctx, const hl_func *f, int ncoords, ir_node *const *coords) {
    const char *text = ctx_printf(ctx, "func_type_and_dim: %d ", f->nvalues);
    for (int v = 0; v < f->nvalues; v++) {
        hl_type t = f->values[v]->type;
        text = ctx_printf(ctx, "%s%d %d %d ", text, (int)t.code, (int)t.bits, (int)t.lanes);
    }
    return ir_evaluate(ctx, event(ctx, halide_trace_tag, f, NULL, 0, ir_string_imm(ctx, text), ncoords, coords));
}

/* Begin/End events around body. */
static ir_node *around(hl_ctx *ctx, int begin, int end, const hl_func *f, int n, ir_node *const *coords,
                       ir_node *body) {
    return ir_block(ctx, event_stmt(ctx, begin, f, n, coords), ir_block(ctx, body, event_stmt(ctx, end, f, n, coords)));
}

static const struct bounds_scope *find_bounds(const trace_state *st, const char *func) {
    for (const struct bounds_scope *b = st->scope; b; b = b->next)
        if (!strcmp(b->func, func)) return b;
    return NULL;
}

static ir_node *trace_mutate(ir_mutator *m, ir_node *n) {
    trace_state *st = m->state;
    hl_ctx *ctx = m->ctx;
    if (n->kind == IR_Realize) {
        const hl_func *f = n->ref;
        if (!f || !(flags_of(st, f) & TRACE_REALIZATIONS)) return ir_mutate_kids(m, n);
        int nc = n->nkids - 2;
        struct bounds_scope b = {f->name, nc, n->kids + 2, st->scope};
        st->scope = &b;
        ir_node *r = ir_mutate_kids(m, n);
        st->scope = b.next;
        return around(ctx, halide_trace_begin_realization, halide_trace_end_realization, f, nc, n->kids + 2, r);
    }
    if (n->kind == IR_ProducerConsumer) {
        lower_func *lf = lower_find_func(st->ls, n->name);
        ir_node *r = ir_mutate_kids(m, n);
        if (!lf || !(flags_of(st, lf->func) & TRACE_REALIZATIONS)) return r;
        const struct bounds_scope *b = find_bounds(st, n->name);
        if (!b) return r;
        return n->op ? around(ctx, halide_trace_produce, halide_trace_end_produce, lf->func, b->n, b->coords, r)
                     : around(ctx, halide_trace_consume, halide_trace_end_consume, lf->func, b->n, b->coords, r);
    }
    if (n->kind == IR_Provide) {
        n = ir_mutate_kids(m, n);
        const hl_func *f = n->ref;
        if (!f || !(flags_of(st, f) & TRACE_STORES)) return n;
        int nvalues = n->op, nargs = n->nkids - nvalues;
        ir_node **kids = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)n->nkids);
        for (int i = 0; i < n->nkids; i++) kids[i] = n->kids[i];
        for (int v = 0; v < nvalues; v++)
            kids[v] = event(ctx, halide_trace_store, f, NULL, v, n->kids[v], nargs, n->kids + nvalues);
        return ir_copy_with_kids(ctx, n, kids);
    }
    if (n->kind == IR_Call && n->op == IR_CALL_IMAGE && n->ref_kind == IR_REF_PARAM &&
        ((const hl_param *)n->ref)->trace_loads) {
        n = ir_mutate_kids(m, n);
        const hl_param *p = n->ref;
        return event(ctx, halide_trace_load, NULL, p->name, 0, n, n->nkids, n->kids);
    }
    if (n->kind == IR_Call && n->op == IR_CALL_HALIDE) {
        n = ir_mutate_kids(m, n);
        const hl_func *f = n->ref;
        if (!f || !(flags_of(st, f) & TRACE_LOADS)) return n;
        return event(ctx, halide_trace_load, f, NULL, n->op2, n, n->nkids, n->kids);
    }
    return ir_mutate_kids(m, n);
}

/* The output Funcs' bounds, from their output buffers (min, extent pairs). */
static ir_node **output_bounds(hl_ctx *ctx, const hl_func *f) {
    ir_node **c = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(2 * f->nargs + 1));
    const char *buffer = lower_buffer_name(ctx, f, 0);
    for (int d = 0; d < f->nargs; d++) {
        c[2 * d] = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.min.%d", buffer, d));
        c[2 * d + 1] = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.extent.%d", buffer, d));
    }
    return c;
}

/* ---- Tags and the outputs' events, at the start --------------------------------------------- */

/* The (min, extent) pairs of what s reads (BOX_CALLS) or writes (BOX_PROVIDES) of target,
 * valid where s starts; NULL when unbounded. */
static ir_node **touched_bounds(hl_ctx *ctx, const ir_node *s, const void *target, int dims, box_mode mode) {
    box b = box_touched(ctx, s, target, dims, mode);
    bool bounded = b.used;
    for (int d = 0; bounded && d < dims; d++) bounded = interval_is_bounded(b.d[d]);
    if (!bounded) return NULL;
    ir_node **c = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(2 * dims + 1));
    for (int d = 0; d < dims; d++) {
        c[2 * d] = simplify_expr(ctx, b.d[d].min);
        c[2 * d + 1] =
            simplify_expr(ctx, ir_binary(ctx, IR_Add, ir_binary(ctx, IR_Sub, b.d[d].max, b.d[d].min), i32(ctx, 1)));
    }
    return c;
}

/* Tag events of every Func whose stores or realizations are traced, producers first, with
 * the box the pipeline writes (outputs: their buffer's), valid at `inner` (the statement
 * after the pipeline's leading lets); then the outputs' realization events. */
static ir_node *tags_and_outputs(trace_state *st, ir_node *inner) {
    lower_state *ls = st->ls;
    hl_ctx *ctx = ls->ctx;
    ir_node *tags = NULL;
    /* Traced ImageParams first: the box the pipeline reads. */
    for (int i = 0; i < ls->ninputs; i++) {
        const hl_param *p = ls->inputs[i].param;
        if (!p || !p->trace_loads) continue;
        ir_node **c = touched_bounds(ctx, inner, p, p->dimensions, BOX_CALLS);
        if (!c) continue;
        const char *text = ctx_printf(ctx, "func_type_and_dim: 1 %d %d %d ", (int)p->type.code, (int)p->type.bits,
                                      (int)p->type.lanes);
        tags = ir_block(ctx, tags,
                        ir_evaluate(ctx, event(ctx, halide_trace_tag, NULL, p->name, 0, ir_string_imm(ctx, text),
                                               2 * p->dimensions, c)));
    }
    for (int i = 0; i < ls->nfuncs; i++) {
        const hl_func *f = ls->funcs[i].func;
        if (!(flags_of(st, f) & (TRACE_STORES | TRACE_REALIZATIONS))) continue;
        bool is_output = false;
        for (int o = 0; o < ls->noutputs; o++) is_output |= ls->outputs[o] == f;
        if (is_output) {
            tags = ir_block(ctx, tags, tag_event(ctx, f, 2 * f->nargs, output_bounds(ctx, f)));
            continue;
        }
        /* Everything the pipeline writes of it, over all loops: valid where `inner` starts. */
        ir_node **c = touched_bounds(ctx, inner, f, f->nargs, BOX_PROVIDES);
        if (!c) continue;
        tags = ir_block(ctx, tags, tag_event(ctx, f, 2 * f->nargs, c));
    }
    for (int o = ls->noutputs - 1; o >= 0; o--) {
        const hl_func *f = ls->outputs[o];
        if (flags_of(st, f) & TRACE_REALIZATIONS)
            inner = around(ctx, halide_trace_begin_realization, halide_trace_end_realization, f, 2 * f->nargs,
                           output_bounds(ctx, f), inner);
    }
    return ir_block(ctx, tags, inner);
}

static void realize_visit(ir_visitor *v, const ir_node *n) {
    if (n->kind == IR_Realize || n->kind == IR_ProducerConsumer ||
        (n->kind == IR_Call && n->op == IR_CALL_INTRINSIC && n->op2 == IR_INTRIN_TRACE))
        *(bool *)v->state = true;
    else ir_visit_kids(v, n);
}

static bool has_realize(hl_ctx *ctx, const ir_node *s) {
    bool found = false;
    ir_visitor v = {ctx, realize_visit, &found};
    ir_visit(&v, s);
    return found;
}

static ir_node *trace_pipeline(trace_state *st, ir_node *body) {
    lower_state *ls = st->ls;
    hl_ctx *ctx = ls->ctx;
    ir_mutator m = {ctx, trace_mutate, st};
    /* The outputs are realized by the caller: their bounds come from the output buffers. */
    for (int o = 0; o < ls->noutputs; o++) {
        const hl_func *f = ls->outputs[o];
        struct bounds_scope *b = ctx_alloc(ctx, sizeof *b);
        *b = (struct bounds_scope){f->name, 2 * f->nargs, output_bounds(ctx, f), st->scope};
        st->scope = b;
    }
    body = ir_mutate(&m, body);
    /* The leading lets (and checks) stay outermost; tags and output events go inside them. */
    int nchain = 0, cap = 8;
    ir_node **chain = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)cap);
    ir_node *inner = body;
    /* Lets, and checks run before them (Blocks whose first part realizes and traces nothing). */
    while (inner->kind == IR_LetStmt || (inner->kind == IR_Block && !has_realize(ctx, inner->kids[0]))) {
        if (nchain == cap) {
            ir_node **grown = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)cap * 2);
            memcpy(grown, chain, sizeof(ir_node *) * (size_t)cap);
            chain = grown;
            cap *= 2;
        }
        chain[nchain++] = inner;
        inner = inner->kids[1];
    }
    inner = tags_and_outputs(st, inner);
    for (int i = nchain - 1; i >= 0; i--)
        inner = chain[i]->kind == IR_LetStmt ? ir_let_stmt(ctx, chain[i]->name, chain[i]->kids[0], inner)
                                             : ir_block(ctx, chain[i]->kids[0], inner);
    const char *name = ls->pipeline_name ? ls->pipeline_name : ls->outputs[0]->name;
    ir_node *begin = ir_evaluate(ctx, event(ctx, halide_trace_begin_pipeline, NULL, name, 0, NULL, 0, NULL));
    ir_node *end = ir_evaluate(ctx, event(ctx, halide_trace_end_pipeline, NULL, name, 0, NULL, 0, NULL));
    return ir_block(ctx, begin, ir_block(ctx, inner, end));
}

ir_node *lower_tracing(lower_state *ls, ir_node *s) {
    trace_state st = {ls, 0, NULL};
    hl_target t = lower_target(ls);
    if (hl_target_has_feature(&t, HL_FEATURE_TRACE_LOADS)) st.target_flags |= TRACE_LOADS;
    if (hl_target_has_feature(&t, HL_FEATURE_TRACE_STORES)) st.target_flags |= TRACE_STORES;
    if (hl_target_has_feature(&t, HL_FEATURE_TRACE_REALIZATIONS)) st.target_flags |= TRACE_REALIZATIONS;
    bool any = st.target_flags || hl_target_has_feature(&t, HL_FEATURE_TRACE_PIPELINE);
    for (int i = 0; i < ls->nfuncs; i++) any |= ls->funcs[i].func->trace_flags != 0;
    for (int i = 0; i < ls->ninputs; i++) any |= ls->inputs[i].param && ls->inputs[i].param->trace_loads;
    if (!any) return s;
    if (lower_is_bounds_query_branch(s)) {
        ir_node *kids[3] = {s->kids[0], s->kids[1], trace_pipeline(&st, s->kids[2])};
        return ir_copy_with_kids(ls->ctx, s, kids);
    }
    return trace_pipeline(&st, s);
}
