/* schedule_functions.c - the pipeline's loop nests, placed where the schedule says.
 *
 * Input: nothing (the statement is NULL); the output Func is defined.
 * Output: each output's loop nest ("produce out { ... }", in realization order), and for
 * every other non-inlined
 * Func f, consumers first: "realize f { ... }" at f's store level and, at its compute
 * level, "produce f { f's loop nest } consume f { what was there }". compute_root places
 * f outside every loop; compute_at(g, v) inside the body of g's loop "g.s0.v". Inlined
 * Funcs are already substituted into their callers (func_env.c). Realize nodes carry no
 * bounds yet (bounds inference adds them); loop bounds are the Variables
 * "f.s0.<arg>.min/.max". A loop level that is not in the statement is a user error.
 */
#include "lower.h"
#include "util/check.h"

#include <string.h>

typedef struct inject_state {
    lower_state *ls;
    const lower_func *lf;
    const char *compute_loop; /* full loop name (last stage), or NULL for root */
    const char *store_loop;   /* full loop name (last stage), or NULL for root */
    /* The same loop in every stage of the consumer: a Func computed at a loop of a consumer
     * with updates is computed in each stage that has that loop, as in Halide. */
    const char *compute_loops[64], *store_loops[64];
    int ncompute, nstore;
    bool computed, stored;
} inject_state;

/* Every stage's name of the level's loop. */
static int stage_loops(lower_state *ls, const func_level *l, const char **out) {
    if (l->kind != HL_LEVEL_AT || strcmp(l->var, "__outermost") == 0) return 0;
    const hl_func *g = lower_find_func(ls, l->func)->func;
    int n = 0;
    for (int k = 0; k <= g->nupdates && n < 64; k++) {
        const char *name = lower_loop_stage_name(ls->ctx, g, k, l->var);
        if (name) out[n++] = name;
    }
    return n;
}

static bool matches(const char *name, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return false;
}

static const char *level_loop(lower_state *ls, const func_level *l) {
    if (l->kind != HL_LEVEL_AT || strcmp(l->var, "__outermost") == 0) return NULL;
    return lower_loop_full_name(ls->ctx, lower_find_func(ls, l->func)->func, l->var);
}

static ir_node *make_realize(hl_ctx *ctx, const hl_func *f, ir_node *body) {
    ir_node *r = ir_alloc(ctx, IR_Realize, hl_type_make(0, 0, 0), 2, f->name);
    r->op = f->nvalues;
    ir_set_ref(r, IR_REF_FUNC, (void *)f);
    ir_set_kid(r, 0, body);
    ir_set_kid(r, 1, NULL);
    return r;
}

static ir_node *compute_here(inject_state *st, ir_node *body) {
    hl_ctx *ctx = st->ls->ctx;
    const hl_func *f = st->lf->func;
    ir_node *produce = ir_producer_consumer(ctx, f->name, true, lower_build_loop_nest(st->ls, st->lf));
    ir_node *consume = ir_producer_consumer(ctx, f->name, false, body);
    st->computed = true;
    return ir_block(ctx, produce, consume);
}

/* Wraps the body of the loop named `loop` (or the whole statement) as `wrap` says. */
static ir_node *inject(ir_mutator *m, ir_node *n) {
    inject_state *st = m->state;
    hl_ctx *ctx = m->ctx;
    if (n->kind != IR_For) return ir_mutate_kids(m, n);
    ir_node *body = ir_mutate(m, n->kids[2]);
    bool at_compute = st->compute_loop && matches(n->name, st->compute_loops, st->ncompute);
    bool at_store = st->store_loop && matches(n->name, st->store_loops, st->nstore);
    if (at_compute) body = compute_here(st, body);
    if (at_store) {
        body = make_realize(ctx, st->lf->func, body);
        st->stored = true;
    }
    if (body == n->kids[2]) return n;
    ir_node *kids[3] = {n->kids[0], n->kids[1], body};
    return ir_copy_with_kids(ctx, n, kids);
}

/* Where a Func with updates and no compute level goes: the innermost loop of its only
 * consumer (when that consumer has loops of its own), else the root. */
static const char *implicit_loop(lower_state *ls, const lower_func *lf) {
    if (lf->nconsumers != 1 || !lf->consumer) return NULL;
    lower_func *c = lower_find_func(ls, lf->consumer->name);
    if (!c || c->inlined) return NULL;
    const hl_func *g = c->func;
    const func_schedule *gs = g->nupdates ? &g->updates[g->nupdates - 1].sched : &g->sched;
    if (gs->ndims == 0) return NULL;
    return lower_loop_full_name(ls->ctx, g, gs->dims[0].var);
}

static ir_node *place(lower_state *ls, const lower_func *lf, ir_node *s) {
    hl_ctx *ctx = ls->ctx;
    const hl_func *f = lf->func;
    inject_state st = {.ls = ls, .lf = lf, .compute_loop = level_loop(ls, &f->sched.compute)};
    const func_level *store = f->sched.store.kind == HL_LEVEL_INHERITED ? &f->sched.compute
                                                                        : &f->sched.store;
    st.store_loop = level_loop(ls, store);
    if (lf->implicit_level) st.compute_loop = st.store_loop = implicit_loop(ls, lf);
    st.ncompute = stage_loops(ls, &f->sched.compute, st.compute_loops);
    st.nstore = stage_loops(ls, store, st.store_loops);
    bool same_level = st.store_loop == st.compute_loop;
    if (!lf->implicit_level && st.ncompute) st.compute_loop = st.compute_loops[0];
    if (!lf->implicit_level && st.nstore) st.store_loop = st.store_loops[0];
    if (same_level) st.store_loop = st.compute_loop;
    if (lf->implicit_level || !st.ncompute) {
        st.ncompute = st.compute_loop != NULL;
        st.compute_loops[0] = st.compute_loop;
    }
    if (st.store_loop == st.compute_loop) {
        st.nstore = st.ncompute;
        memcpy(st.store_loops, st.compute_loops, sizeof st.store_loops);
    } else if (!st.nstore) {
        st.nstore = st.store_loop != NULL;
        st.store_loops[0] = st.store_loop;
    }
    if (st.compute_loop && !st.store_loop && store->kind != HL_LEVEL_ROOT &&
        !(store->kind == HL_LEVEL_AT && strcmp(store->var, "__outermost") == 0))
        st.store_loop = st.compute_loop;
    ir_mutator m = {ctx, inject, &st};
    s = ir_mutate(&m, s);
    if (!st.compute_loop) s = compute_here(&st, s);
    if (!st.store_loop) s = make_realize(ctx, f, s);
    user_assert(ctx, st.computed,
                "Func %s is computed at %s, but that loop is not in the pipeline (is %s used "
                "inside it?)",
                f->name, st.compute_loop, f->name);
    user_assert(ctx, st.store_loop == NULL || st.stored,
                "Func %s is stored at %s, but that loop is not in the pipeline", f->name,
                st.store_loop);
    return s;
}

/* Every use of a computed Func must be inside its "consume" part. */
typedef struct legality_state {
    const hl_func *f;
    int inside;              /* depth of "consume f" nodes around the walk */
    const char *producing;   /* the Func whose loops the walk is in */
    const char *bad_user;
} legality_state;

static void check_use(ir_visitor *v, const ir_node *n) {
    legality_state *st = v->state;
    if (st->bad_user) return;
    if (n->kind == IR_ProducerConsumer) {
        /* A Func's own update stages may read it. */
        if (n->op && strcmp(n->name, st->f->name) == 0) return;
        bool consume_f = !n->op && strcmp(n->name, st->f->name) == 0;
        const char *saved = st->producing;
        if (n->op) st->producing = n->name;
        st->inside += consume_f;
        ir_visit_kids(v, n);
        st->inside -= consume_f;
        st->producing = saved;
        return;
    }
    if (n->kind == IR_Call && n->op == IR_CALL_HALIDE && n->ref == st->f && !st->inside)
        st->bad_user = st->producing ? st->producing : "the pipeline";
    ir_visit_kids(v, n);
}

/* A Func stored outside a parallel or vectorized loop but computed inside it would be
 * written by every iteration at once. */
typedef struct race_state {
    const hl_func *f;
    bool in_realize;
    const char *racy_loop; /* a parallel/vectorized loop between the Realize and the produce */
    const char *found;
} race_state;

static void check_race_visit(ir_visitor *v, const ir_node *n) {
    race_state *st = v->state;
    if (st->found) return;
    if (n->kind == IR_Realize && strcmp(n->name, st->f->name) == 0) {
        bool saved = st->in_realize;
        const char *saved_loop = st->racy_loop;
        st->in_realize = true;
        st->racy_loop = NULL;
        ir_visit_kids(v, n);
        st->in_realize = saved;
        st->racy_loop = saved_loop;
        return;
    }
    if (n->kind == IR_For && st->in_realize && (n->op == IR_FOR_PARALLEL || n->op == IR_FOR_VECTORIZED)) {
        const char *saved = st->racy_loop;
        st->racy_loop = n->name;
        ir_visit_kids(v, n);
        st->racy_loop = saved;
        return;
    }
    if (n->kind == IR_ProducerConsumer && n->op && strcmp(n->name, st->f->name) == 0 && st->racy_loop) {
        st->found = st->racy_loop;
        return;
    }
    ir_visit_kids(v, n);
}

static void check_race(lower_state *ls, const lower_func *lf, const ir_node *s) {
    race_state st = {lf->func, false, NULL, NULL};
    ir_visitor v = {ls->ctx, check_race_visit, &st};
    ir_visit(&v, s);
    user_assert(ls->ctx, !st.found,
                "Func \"%s\" is stored outside the parallel/vectorized loop %s but computed within "
                "it: a potential race condition. Store it inside that loop (store_at) or compute it "
                "outside.",
                lf->func->name, st.found);
}

static void check_legal(lower_state *ls, const lower_func *lf, const ir_node *s) {
    hl_ctx *ctx = ls->ctx;
    legality_state st = {lf->func, 0, NULL, NULL};
    ir_visitor v = {ctx, check_use, &st};
    ir_visit(&v, s);
    if (!st.bad_user) return;
    const func_level *l = &lf->func->sched.compute;
    user_error(ctx,
               "Func \"%s\" is computed at an invalid location: %s.compute_at(%s, %s). \"%s\" is "
               "used by %s outside that loop; compute it at a loop that encloses every use (or "
               "compute_root()).",
               lf->func->name, lf->func->name, l->func ? l->func : "?", l->var ? l->var : "?",
               lf->func->name, st.bad_user);
}

ir_node *lower_schedule_functions(lower_state *ls, ir_node *s) {
    hl_ctx *ctx = ls->ctx;
    lower_find_functions(ls);
    /* Consumers first: an output is produced before whatever follows it; every other
     * computed Func is placed around (or inside) what uses it. */
    for (int i = ls->nfuncs - 1; i >= 0; i--) {
        const lower_func *lf = &ls->funcs[i];
        if (lf->is_output)
            s = ir_block(ctx, ir_producer_consumer(ctx, lf->func->name, true, lower_build_loop_nest(ls, lf)), s);
        else if (!lf->inlined)
            s = place(ls, lf, s);
    }
    for (int i = 0; i < ls->nfuncs; i++)
        if (!ls->funcs[i].inlined && !ls->funcs[i].is_output) {
            check_legal(ls, &ls->funcs[i], s);
            check_race(ls, &ls->funcs[i], s);
        }
    return s;
}
