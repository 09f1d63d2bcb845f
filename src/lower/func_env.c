/* func_env.c - the Funcs of a pipeline: which, in what order, and their inlined bodies.
 *
 * Input: the output Funcs (defined). Every Func they call, directly or through others, is
 * part of the pipeline.
 * Output (in lower_state): funcs in realization order - a depth-first post-order from the
 * outputs, so every producer comes before its consumers; which are inlined
 * (compute_inline, the default, except outputs); and each non-inlined Func's
 * definition with every call to an inlined Func replaced by its body. Two different Funcs
 * with one name are an error, as are LoopLevels naming Funcs or loops that are not there.
 * target_* queries in the definitions are answered here, for ls->target (the host's for
 * the JIT).
 */
#include "lower.h"
#include "util/check.h"

#include <string.h>

typedef struct {
    lower_state *ls;
    int cap;
    const hl_func *caller; /* whose definition is being visited */
} env_state;

static void add_func(env_state *st, hl_func *f);

static void visit_calls(ir_visitor *v, const ir_node *n) {
    env_state *st = v->state;
    if (n->kind == IR_Call && n->op == IR_CALL_HALIDE && n->ref != st->caller)
        add_func(st, func_redirect(n->ref, st->caller));
    ir_visit_kids(v, n);
}

static void add_func(env_state *st, hl_func *f) {
    lower_state *ls = st->ls;
    hl_ctx *ctx = ls->ctx;
    for (int i = 0; i < ls->nfuncs; i++) {
        if (ls->funcs[i].func == f) return;
        user_assert(ctx, strcmp(ls->funcs[i].func->name, f->name) != 0,
                    "Two different Funcs in one pipeline are both named \"%s\"", f->name);
    }
    user_assert(ctx, hl_func_defined(f), "Can't call Func \"%s\" because it has not yet been defined.",
                f->name);
    /* Mark as being visited by reserving nothing: pure definitions are acyclic (a Func can
     * only call Funcs defined before it), so plain post-order terminates. */
    ir_visitor v = {ctx, visit_calls, st};
    const hl_func *saved = st->caller;
    st->caller = f;
    for (int i = 0; i < f->nvalues; i++) ir_visit(&v, f->values[i]);
    for (int u = 0; u < f->nupdates; u++) {
        const func_update *up = &f->updates[u];
        for (int i = 0; i < up->nargs; i++) ir_visit(&v, up->args[i]);
        for (int i = 0; i < up->nvalues; i++) ir_visit(&v, up->values[i]);
        if (up->rdom) {
            ir_visit(&v, up->rdom->predicate);
            for (int i = 0; i < up->rdom->dims; i++) {
                ir_visit(&v, up->rdom->mins[i]);
                ir_visit(&v, up->rdom->extents[i]);
            }
        }
    }
    st->caller = saved;
    for (int i = 0; i < ls->nfuncs; i++)
        if (ls->funcs[i].func == f) return;
    if (ls->nfuncs == st->cap) {
        int cap = st->cap ? st->cap * 2 : 16;
        lower_func *bigger = ctx_alloc(ctx, sizeof(lower_func) * (size_t)cap);
        if (ls->nfuncs) memcpy(bigger, ls->funcs, sizeof(lower_func) * (size_t)ls->nfuncs);
        ls->funcs = bigger;
        st->cap = cap;
    }
    lower_func *lf = &ls->funcs[ls->nfuncs++];
    lf->func = f;
    lf->is_output = false;
    for (int o = 0; o < ls->noutputs; o++) lf->is_output |= ls->outputs[o] == f;
    lf->inlined = !lf->is_output && f->sched.compute.kind == HL_LEVEL_INLINED && f->nupdates == 0;
    lf->implicit_level = !lf->is_output && f->sched.compute.kind == HL_LEVEL_INLINED && f->nupdates > 0;
    lf->values = NULL;
    lf->consumer = NULL;
    lf->nconsumers = 0;
}

typedef struct {
    lower_state *ls;
    const hl_func *caller;
} inline_state;

/* Routes calls through wrappers (in_, clone_in) and replaces calls to inlined Funcs by
 * their (recursively inlined) bodies. */
static ir_node *answer_target_query(lower_state *ls, const ir_node *n) {
    hl_target t_ = ls->target ? hl_target_complete(ls->target) : hl_target_host();
    const hl_target *t = &t_;
    int64_t arg = n->kids[1]->imm.i;
    int64_t v = 0;
    switch ((ir_target_query)n->kids[0]->imm.i) {
    case IR_TARGET_ARCH_IS: v = t->arch == arg; break;
    case IR_TARGET_OS_IS: v = t->os == arg; break;
    case IR_TARGET_HAS_FEATURE: v = arg >= 0 && arg < 128 && hl_target_has_feature(t, (int)arg); break;
    case IR_TARGET_BITS: v = t->bits; break;
    case IR_TARGET_VECTOR_BITS: v = 8 * hl_target_natural_vector_size(t, hl_type_make(halide_type_uint, 8, 1)); break;
    case IR_TARGET_NATURAL_VECTOR_SIZE:
        v = hl_target_natural_vector_size(t, hl_type_make(halide_type_int, (int)arg, 1));
        break;
    }
    return ir_make_const(ls->ctx, n->type, v);
}

static ir_node *inline_calls(ir_mutator *m, ir_node *n) {
    inline_state *is = m->state;
    if (n->kind == IR_Call && n->op == IR_CALL_INTRINSIC && n->op2 == IR_INTRIN_TARGET_QUERY)
        return answer_target_query(is->ls, n);
    if (n->kind != IR_Call || n->op != IR_CALL_HALIDE) return ir_mutate_kids(m, n);
    lower_state *ls = is->ls;
    hl_ctx *ctx = m->ctx;
    if (n->ref == is->caller) return ir_mutate_kids(m, n); /* an update's call to itself */
    hl_func *g = func_redirect(n->ref, is->caller);
    lower_func *lg = lower_find_func(ls, g->name);
    internal_assert(ctx, lg, "call to %s, which is not in the pipeline", g->name);
    ir_node **args = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(n->nkids ? n->nkids : 1));
    bool changed = false;
    for (int i = 0; i < n->nkids; i++) {
        args[i] = ir_mutate(m, n->kids[i]);
        changed |= args[i] != n->kids[i];
    }
    if (!lg->inlined) {
        if (lg->consumer != is->caller) lg->nconsumers++;
        if (!lg->consumer) lg->consumer = is->caller;
        if (g == n->ref) return changed ? ir_copy_with_kids(ctx, n, args) : n;
        ir_node *call = ir_call(ctx, n->type, g->name, IR_CALL_HALIDE, n->nkids, args);
        call->op2 = n->op2;
        ir_set_ref(call, IR_REF_FUNC, g);
        return call;
    }
    /* The callee's values are already inlined (realization order). */
    return ir_substitute_many(ctx, lg->values[n->op2], g->nargs, (const char *const *)g->args, args);
}

/* Whether `var` is a loop of some stage of g. */
static bool loop_exists(const hl_func *g, const char *var) {
    if (strcmp(var, "__outermost") == 0) return true;
    for (int k = 0; k <= g->nupdates; k++) {
        const func_schedule *s = k ? &g->updates[k - 1].sched : &g->sched;
        for (int i = 0; i < s->ndims; i++)
            if (strcmp(s->dims[i].var, var) == 0) return true;
    }
    return false;
}

static void check_level(lower_state *ls, const lower_func *lf, const func_level *l, const char *what) {
    hl_ctx *ctx = ls->ctx;
    if (l->kind != HL_LEVEL_AT) return;
    const hl_func *f = lf->func;
    lower_func *lg = lower_find_func(ls, l->func);
    user_assert(ctx, lg, "Func %s is %s at %s.%s, but %s is not used in this pipeline", f->name,
                what, l->func, l->var, l->func);
    user_assert(ctx, !lg->inlined,
                "Func %s is %s at %s.%s, but %s is computed inline, so it has no loops", f->name,
                what, l->func, l->var, l->func);
    user_assert(ctx, loop_exists(lg->func, l->var),
                "Func %s is %s at %s.%s, but %s has no loop named %s", f->name, what, l->func,
                l->var, l->func, l->var);
    user_assert(ctx, lg > lf, "Func %s is %s at %s.%s, but %s does not use %s", f->name, what,
                l->func, l->var, l->func, f->name);
}

void lower_find_functions(lower_state *ls) {
    env_state st = {ls, 0, NULL};
    ls->nfuncs = 0;
    for (int o = 0; o < ls->noutputs; o++) {
        user_assert(ls->ctx, hl_func_defined(ls->outputs[o]), "Can't realize undefined Func %s",
                    ls->outputs[o]->name);
        for (int p = 0; p < o; p++)
            user_assert(ls->ctx, ls->outputs[p] != ls->outputs[o],
                        "Func %s is listed twice among the outputs of a Pipeline", ls->outputs[o]->name);
        add_func(&st, ls->outputs[o]);
    }
    inline_state is = {ls, NULL};
    ir_mutator m = {ls->ctx, inline_calls, &is};
    for (int i = 0; i < ls->nfuncs; i++) {
        lower_func *lf = &ls->funcs[i];
        const hl_func *f = lf->func;
        is.caller = f;
        lf->values = ctx_alloc(ls->ctx, sizeof(ir_node *) * (size_t)f->nvalues);
        for (int v = 0; v < f->nvalues; v++) lf->values[v] = ir_mutate(&m, f->values[v]);
        int nu = f->nupdates;
        lf->update_args = ctx_alloc(ls->ctx, sizeof(ir_node **) * (size_t)(nu ? nu : 1));
        lf->update_values = ctx_alloc(ls->ctx, sizeof(ir_node **) * (size_t)(nu ? nu : 1));
        lf->update_predicates = ctx_alloc(ls->ctx, sizeof(ir_node *) * (size_t)(nu ? nu : 1));
        lf->update_rdom_mins = ctx_alloc(ls->ctx, sizeof(ir_node **) * (size_t)(nu ? nu : 1));
        lf->update_rdom_extents = ctx_alloc(ls->ctx, sizeof(ir_node **) * (size_t)(nu ? nu : 1));
        for (int u = 0; u < nu; u++) {
            const func_update *up = &f->updates[u];
            lf->update_args[u] = ctx_alloc(ls->ctx, sizeof(ir_node *) * (size_t)(up->nargs ? up->nargs : 1));
            lf->update_values[u] = ctx_alloc(ls->ctx, sizeof(ir_node *) * (size_t)up->nvalues);
            for (int i = 0; i < up->nargs; i++) lf->update_args[u][i] = ir_mutate(&m, up->args[i]);
            for (int i = 0; i < up->nvalues; i++) lf->update_values[u][i] = ir_mutate(&m, up->values[i]);
            int nr = up->rdom ? up->rdom->dims : 0;
            ir_node *pred = up->rdom ? up->rdom->predicate : NULL;
            if (pred && func_uses_random(ls->ctx, pred)) {
                /* random_* in the predicate hashes what the update's values hash (update.c):
                 * its arguments and every RVar. */
                ir_node **hash = ctx_alloc(ls->ctx, sizeof(ir_node *) * (size_t)(up->nargs + nr + 1));
                for (int i = 0; i < up->nargs; i++) hash[i] = up->args[i];
                for (int i = 0; i < nr; i++) {
                    hash[up->nargs + i] = ir_var(ls->ctx, ir_int(32), up->rdom->vars[i]);
                    ir_set_ref(hash[up->nargs + i], IR_REF_RDOM, up->rdom);
                }
                pred = func_lower_random(ls->ctx, pred, up->nargs + nr, hash);
            }
            lf->update_predicates[u] = pred ? ir_mutate(&m, pred) : NULL;
            lf->update_rdom_mins[u] = ctx_alloc(ls->ctx, sizeof(ir_node *) * (size_t)(nr ? nr : 1));
            lf->update_rdom_extents[u] = ctx_alloc(ls->ctx, sizeof(ir_node *) * (size_t)(nr ? nr : 1));
            for (int i = 0; i < nr; i++) {
                lf->update_rdom_mins[u][i] = ir_mutate(&m, up->rdom->mins[i]);
                lf->update_rdom_extents[u][i] = ir_mutate(&m, up->rdom->extents[i]);
            }
        }
    }
    for (int i = 0; i < ls->nfuncs; i++) {
        lower_func *lf = &ls->funcs[i];
        const hl_func *f = lf->func;
        for (int d = 0; lf->inlined && d < f->sched.ndims; d++) {
            hl_loop_kind k = f->sched.dims[d].kind;
            user_assert(ls->ctx, k != HL_LOOP_VECTORIZED && k != HL_LOOP_PARALLEL,
                        "Cannot %s dimension %s of function %s because the function is scheduled "
                        "inline",
                        k == HL_LOOP_VECTORIZED ? "vectorize" : "parallelize", f->sched.dims[d].var,
                        f->name);
        }
        if (lf->inlined || lf->is_output) continue;
        check_level(ls, lf, &lf->func->sched.compute, "computed");
        check_level(ls, lf, &lf->func->sched.store, "stored");
    }
}
