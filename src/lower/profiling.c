/* profiling.c - the profile target feature: instrumenting a pipeline for the runtime's
 * profiler (runtime/profiler.c).
 *
 * Runs after storage flattening (ProducerConsumer blocks and Allocates are in place). For a
 * target with the profile feature, every Func that is not inlined gets an id (0 and 1 are
 * halide_malloc and halide_free, the Funcs follow in realization order), and:
 *   - a produce block starts with rt_profiler_set(state, its id) and ends setting the id of
 *     the produce block around it (-1 at the top): time goes to the innermost Func;
 *   - a heap allocation (anything but the constant-size ones codegen puts on the stack) is
 *     timed as halide_malloc, counted for its Func (rt_profiler_memory), and its release at
 *     the end of its scope is timed as halide_free;
 *   - the pipeline (the non-bounds-query branch) runs inside a stack block "profiler.state"
 *     of RT_PROFILER_BYTES(n) bytes, between rt_profiler_start and rt_profiler_end (which
 *     reports: each run under the JIT, at exit for objects).
 * The calls are extern calls of the runtime, so the C source output makes them too.
 *
 * Assumes: buffer names of Funcs are lower_buffer_name's. Guarantees: without the feature
 * nothing changes; the pipeline's results never do.
 */
#include "lower.h"
#include "runtime/runtime_internal.h"
#include "simplify.h"
#include "util/check.h"

#include <string.h>

#define STATE "profiler.state"
#define STACK_LIMIT (16 * 1024) /* codegen_stmt.c's limit for stack allocations */

typedef struct prof_state {
    lower_state *ls;
    int nids;
    const hl_func **funcs; /* by id - 2 */
    int enclosing;         /* id of the innermost produce block around the current node */
} prof_state;

static ir_node *state_var(hl_ctx *ctx) { return ir_var(ctx, ir_handle(), STATE); }

static ir_node *call_stmt(hl_ctx *ctx, const char *fn, int n, ir_node *const *args) {
    return ir_evaluate(ctx, ir_call(ctx, ir_int(32), fn, IR_CALL_EXTERN, n, args));
}

static ir_node *set_id(hl_ctx *ctx, int id) {
    ir_node *args[2] = {state_var(ctx), ir_make_const(ctx, ir_int(32), id)};
    return call_stmt(ctx, "rt_profiler_set", 2, args);
}

static int id_of_func(const prof_state *st, const char *name) {
    for (int i = 0; i < st->nids; i++)
        if (!strcmp(st->funcs[i]->name, name)) return i + 2;
    return -1;
}

static int id_of_buffer(const prof_state *st, const char *buffer) {
    for (int i = 0; i < st->nids; i++)
        for (int v = 0; v < st->funcs[i]->nvalues; v++)
            if (!strcmp(lower_buffer_name(st->ls->ctx, st->funcs[i], v), buffer)) return i + 2;
    return -1;
}

/* The allocation's size in bytes (int64), and whether codegen puts it on the stack. */
static ir_node *allocation_bytes(hl_ctx *ctx, const ir_node *a, bool *on_stack) {
    int64_t elem = ir_is_bool(a->type) ? 1 : (a->type.bits + 7) / 8, total = elem;
    ir_node *bytes = ir_make_const(ctx, ir_int(64), elem);
    bool constant = !a->kids[1];
    for (int i = 2; i < a->nkids; i++) {
        ir_node *e = simplify_expr(ctx, a->kids[i]);
        int64_t v;
        if (constant && ir_const_int(e, &v) && v >= 0 && v <= STACK_LIMIT && total * v <= STACK_LIMIT) total *= v;
        else constant = false;
        bytes = ir_binary(ctx, IR_Mul, bytes, ir_cast(ctx, ir_int(64), e));
    }
    *on_stack = constant;
    return bytes;
}

static ir_node *prof_mutate(ir_mutator *m, ir_node *n) {
    prof_state *st = m->state;
    hl_ctx *ctx = m->ctx;
    if (n->kind == IR_ProducerConsumer && n->op) {
        int id = id_of_func(st, n->name);
        if (id < 0) return ir_mutate_kids(m, n);
        int outer = st->enclosing;
        st->enclosing = id;
        ir_node *r = ir_mutate_kids(m, n);
        st->enclosing = outer;
        ir_node *kids[1] = {ir_block(ctx, set_id(ctx, id), ir_block(ctx, r->kids[0], set_id(ctx, outer)))};
        return ir_copy_with_kids(ctx, r, kids);
    }
    if (n->kind == IR_Allocate) {
        ir_node *r = ir_mutate_kids(m, n);
        int id = id_of_buffer(st, n->name);
        bool on_stack;
        ir_node *bytes = allocation_bytes(ctx, n, &on_stack);
        if (id < 0 || on_stack) return r;
        ir_node *alloc_args[3] = {state_var(ctx), ir_make_const(ctx, ir_int(32), id), bytes};
        ir_node *free_args[3] = {state_var(ctx), ir_make_const(ctx, ir_int(32), id),
                                 ir_binary(ctx, IR_Sub, ir_make_zero(ctx, ir_int(64)), bytes)};
        ir_node *body = ir_block(ctx, call_stmt(ctx, "rt_profiler_memory", 3, alloc_args),
                                 ir_block(ctx, set_id(ctx, st->enclosing),
                                          ir_block(ctx, r->kids[0],
                                                   ir_block(ctx, call_stmt(ctx, "rt_profiler_memory", 3, free_args),
                                                            set_id(ctx, 1)))));
        ir_node **kids = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)r->nkids);
        for (int i = 0; i < r->nkids; i++) kids[i] = r->kids[i];
        kids[0] = body;
        ir_node *a = ir_copy_with_kids(ctx, r, kids);
        return ir_block(ctx, set_id(ctx, 0), ir_block(ctx, a, set_id(ctx, st->enclosing)));
    }
    return ir_is_stmt(n) ? ir_mutate_kids(m, n) : n;
}

static ir_node *profile_pipeline(prof_state *st, ir_node *body) {
    lower_state *ls = st->ls;
    hl_ctx *ctx = ls->ctx;
    ir_mutator m = {ctx, prof_mutate, st};
    body = ir_mutate(&m, body);
    const char *names = "";
    for (int i = 0; i < st->nids; i++) names = ctx_printf(ctx, "%s%s\n", names, st->funcs[i]->name);
    const char *name = ls->pipeline_name ? ls->pipeline_name : ls->outputs[0]->name;
    ir_node *start_args[5] = {state_var(ctx), ir_string_imm(ctx, name), ir_string_imm(ctx, names),
                              ir_make_const(ctx, ir_int(32), st->nids), ir_make_bool(ctx, !ls->target, 1)};
    start_args[4] = ir_cast(ctx, ir_int(32), start_args[4]);
    ir_node *end_args[2] = {ir_var(ctx, ir_handle(), "__user_context"), state_var(ctx)};
    ir_node *run = ir_block(ctx, call_stmt(ctx, "rt_profiler_start", 5, start_args),
                            ir_block(ctx, body, call_stmt(ctx, "rt_profiler_end", 2, end_args)));
    ir_node *extent = ir_make_const(ctx, ir_int(32), RT_PROFILER_BYTES(st->nids));
    return ir_allocate(ctx, STATE, ir_uint(8), 1, &extent, NULL, run);
}

ir_node *lower_profiling(lower_state *ls, ir_node *s) {
    hl_target t = lower_target(ls);
    if (!hl_target_has_feature(&t, HL_FEATURE_PROFILE)) return s;
    prof_state st = {ls, 0, ctx_alloc(ls->ctx, sizeof(hl_func *) * (size_t)(ls->nfuncs + 1)), -1};
    for (int i = 0; i < ls->nfuncs; i++)
        if (!ls->funcs[i].inlined) st.funcs[st.nids++] = ls->funcs[i].func;
    if (lower_is_bounds_query_branch(s)) {
        ir_node *kids[3] = {s->kids[0], s->kids[1], profile_pipeline(&st, s->kids[2])};
        return ir_copy_with_kids(ls->ctx, s, kids);
    }
    return profile_pipeline(&st, s);
}
