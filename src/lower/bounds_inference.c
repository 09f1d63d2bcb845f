/* bounds_inference.c - the region every Func computes and stores, and the checks of the
 * buffers the pipeline reads and writes.
 *
 * Input: the statement of schedule_functions: loop bounds are the Variables
 * "f.s0.<arg>.min/.max", Realize nodes have no bounds, calls are Call nodes.
 * Output:
 *   - the output's region comes from its buffer: LetStmts at the top define
 *     "out.s0.<arg>.min/.max" from "<out>.min.<d>" and "<out>.extent.<d>";
 *   - for every other computed Func f, consumers first, LetStmts just before
 *     "produce f" define its region as the box of calls to f in the "consume f" part,
 *     adjusted by bound/align_bounds/align_extent (with an assert that a bound covers
 *     what is needed);
 *   - every Realize gets the box of what its body provides (which covers the region and
 *     any round-up of split tails) as its bounds;
 *   - in a bounds query (some buffer argument has no memory), the boxes are written into
 *     those buffers' dims instead and nothing is computed;
 *   - asserts, guarded by a non-empty output, check that each input buffer holds the box
 *     the pipeline reads (halide_error_access_out_of_bounds, "Input buffer b") and that
 *     the output buffer holds the box written ("Output buffer f"); inputs are recorded in
 *     ls->inputs in order of first use.
 * An index that no bound limits is a user error naming the Func or buffer.
 */
#include "box.h"
#include "lower.h"
#include "simplify.h"
#include "util/check.h"

#include <string.h>

static ir_node *i32(hl_ctx *ctx, int64_t v) { return ir_make_const(ctx, ir_int(32), v); }

static ir_node *field(hl_ctx *ctx, const char *buffer, const char *what, int d) {
    return ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.%s.%d", buffer, what, d));
}

static ir_node *region_var(hl_ctx *ctx, const hl_func *f, int d, const char *end) {
    return ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.s0.%s.%s", f->name, f->args[d], end));
}

static const func_bound *find_bound(const hl_func *f, const char *var, bool estimate) {
    const func_bound *found = NULL;
    for (int i = 0; i < f->sched.nbounds; i++) {
        const func_bound *b = &f->sched.bounds[i];
        if (strcmp(b->var, var) == 0 && b->is_estimate == estimate && b->extent)
            found = b;
    }
    return found;
}

/* ---- The region of each computed Func --------------------------------------------------- */

typedef struct region_state {
    lower_state *ls;
    const lower_func *lf;
    bool done;
} region_state;

/* LetStmts defining f's region around the produce/consume pair `pc`. */
/* The update stages of a produce body: lower_build_loop_nest makes it
 * Block(...Block(Block(stage0, stage1), stage2)..., stageN). */
static ir_node *update_stages(hl_ctx *ctx, ir_node *body, int nupdates) {
    ir_node *updates = NULL;
    for (int k = 0; k < nupdates && body && body->kind == IR_Block; k++) {
        updates = ir_block(ctx, body->kids[1], updates);
        body = body->kids[0];
    }
    return updates;
}

/* Lets giving update stage k's pure loops the region [min, max] of dimension d. */
static ir_node *update_region_lets(hl_ctx *ctx, const hl_func *f, int d, ir_node *min, ir_node *max, ir_node *s) {
    for (int k = f->nupdates; k >= 1; k--) {
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.s%d.%s.max", f->name, k, f->args[d]), max, s);
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.s%d.%s.min", f->name, k, f->args[d]), min, s);
    }
    return s;
}

static ir_node *define_region(region_state *st, ir_node *pc) {
    hl_ctx *ctx = st->ls->ctx;
    const hl_func *f = st->lf->func;
    box b = box_touched(ctx, pc->kids[1], f, f->nargs, BOX_CALLS);
    /* Update stages run over the region the consumers need and may write (and read)
     * beyond it: the pure definition covers all of that. */
    box u = {0};
    if (f->nupdates) {
        ir_node *updates = update_stages(ctx, pc->kids[0]->kids[0], f->nupdates);
        box writes = box_touched(ctx, updates, f, f->nargs, BOX_PROVIDES);
        box reads = box_touched(ctx, updates, f, f->nargs, BOX_CALLS);
        u = writes;
        if (reads.used) {
            for (int d = 0; d < f->nargs; d++)
                u.d[d] = writes.used ? interval_union(ctx, writes.d[d], reads.d[d]) : reads.d[d];
            u.used = true;
        }
    }
    ir_node *s = pc, *checks = NULL, *update_lets_min[64], *update_lets_max[64];
    for (int d = f->nargs - 1; d >= 0; d--) {
        ir_node *min, *max;
        if (!b.used) {
            min = i32(ctx, 0);
            max = i32(ctx, -1);
        } else {
            user_assert(ctx, interval_is_bounded(b.d[d]),
                        "Func %s is accessed in an unbounded way in dimension %d (%s): its "
                        "consumers' index has no %s bound. Use clamp or a boundary condition.",
                        f->name, d, f->args[d], b.d[d].min ? "upper" : "lower");
            min = simplify_expr(ctx, b.d[d].min);
            max = simplify_expr(ctx, b.d[d].max);
        }
        const func_bound *fb = find_bound(f, f->args[d], false);
        for (int i = 0; i < f->sched.nbounds; i++) {
            const func_bound *a = &f->sched.bounds[i];
            if (strcmp(a->var, f->args[d]) != 0 || a->is_estimate || !a->modulus) continue;
            ir_node *m = ir_cast(ctx, ir_int(32), a->modulus);
            if (a->remainder) { /* align_bounds: min down to remainder mod m */
                ir_node *r = ir_cast(ctx, ir_int(32), a->remainder);
                min = ir_binary(ctx, IR_Add,
                                ir_binary(ctx, IR_Mul, ir_binary(ctx, IR_Div, ir_binary(ctx, IR_Sub, min, r), m), m), r);
            }
            ir_node *extent = ir_binary(ctx, IR_Add, ir_binary(ctx, IR_Sub, max, min), i32(ctx, 1));
            extent = ir_binary(ctx, IR_Mul,
                               ir_binary(ctx, IR_Div, ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, extent, m), i32(ctx, 1)), m), m);
            max = ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, min, extent), i32(ctx, 1));
        }
        if (fb) {
            ir_node *bmin = fb->min ? ir_cast(ctx, ir_int(32), fb->min) : min;
            ir_node *bmax = ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, bmin, ir_cast(ctx, ir_int(32), fb->extent)), i32(ctx, 1));
            if (b.used) {
                ir_node *ok = ir_binary(ctx, IR_And, ir_binary(ctx, IR_LE, bmin, min), ir_binary(ctx, IR_GE, bmax, max));
                ir_node *args[7] = {ir_var(ctx, ir_handle(), "__user_context"),
                                    ir_string_imm(ctx, f->name), ir_string_imm(ctx, f->args[d]),
                                    bmin, bmax, min, max};
                ir_node *report = ir_call(ctx, ir_int(32), "halide_error_explicit_bounds_too_small",
                                          IR_CALL_EXTERN, 7, args);
                checks = ir_block(ctx, ir_assert_stmt(ctx, ok, report, halide_error_code_explicit_bounds_too_small), checks);
            }
            min = bmin;
            max = bmax;
        }
        if (d < 64) {
            update_lets_min[d] = min;
            update_lets_max[d] = max;
        }
        if (u.used) {
            user_assert(ctx, interval_is_bounded(u.d[d]),
                        "An update definition of Func %s writes or reads it in an unbounded way in "
                        "dimension %d (%s). Use clamp to keep the index in range.",
                        f->name, d, f->args[d]);
            min = simplify_expr(ctx, ir_binary(ctx, IR_Min, min, u.d[d].min));
            max = simplify_expr(ctx, ir_binary(ctx, IR_Max, max, u.d[d].max));
        }
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.s0.%s.max", f->name, f->args[d]), max, s);
        s = ir_let_stmt(ctx, ctx_printf(ctx, "%s.s0.%s.min", f->name, f->args[d]), min, s);
    }
    /* Update stages' own regions: the needed one (defined first: the pure region uses it). */
    for (int d = f->nargs - 1; d >= 0 && f->nupdates; d--)
        s = update_region_lets(ctx, f, d, update_lets_min[d], update_lets_max[d], s);
    /* The checks compare with the needed region, which is valid before the lets. */
    if (checks) s = ir_block(ctx, checks, s);
    st->done = true;
    return s;
}

static ir_node *find_produce(ir_mutator *m, ir_node *n) {
    region_state *st = m->state;
    if (n->kind == IR_Block && n->kids[0]->kind == IR_ProducerConsumer && n->kids[0]->op &&
        n->kids[1]->kind == IR_ProducerConsumer && !n->kids[1]->op &&
        strcmp(n->kids[0]->name, st->lf->func->name) == 0) {
        ir_node *pc = ir_mutate_kids(m, n);
        return define_region(st, pc);
    }
    return ir_mutate_kids(m, n);
}

/* ---- Realize bounds ------------------------------------------------------------------------ */

static ir_node *bound_realize(ir_mutator *m, ir_node *n) {
    if (n->kind != IR_Realize || n->nkids > 2) return ir_mutate_kids(m, n);
    n = ir_mutate_kids(m, n);
    hl_ctx *ctx = m->ctx;
    const hl_func *f = n->ref;
    box b = box_touched(ctx, n->kids[0], f, f->nargs, BOX_PROVIDES);
    ir_node *r = ir_alloc(ctx, IR_Realize, n->type, 2 + 2 * f->nargs, n->name);
    r->op = n->op;
    ir_set_ref(r, IR_REF_FUNC, (void *)f);
    ir_set_kid(r, 0, n->kids[0]);
    ir_set_kid(r, 1, n->kids[1]);
    for (int d = 0; d < f->nargs; d++) {
        user_assert(ctx, b.used && interval_is_bounded(b.d[d]),
                    "Can't find the bounds of the storage of %s in dimension %d", f->name, d);
        ir_node *min = simplify_expr(ctx, b.d[d].min);
        /* A region can be empty (e.g. a guarded tail iteration): never a negative size. */
        ir_node *extent = simplify_expr(
            ctx, ir_binary(ctx, IR_Max,
                           ir_binary(ctx, IR_Add, ir_binary(ctx, IR_Sub, b.d[d].max, b.d[d].min), i32(ctx, 1)),
                           i32(ctx, 0)));
        ir_set_kid(r, 2 + 2 * d, min);
        ir_set_kid(r, 3 + 2 * d, extent);
    }
    return r;
}

/* ---- Buffer checks -------------------------------------------------------------------------- */

typedef struct buffer_use {
    void *target; /* hl_buffer or hl_param */
    bool is_param;
    const char *name;
    int dims;
} buffer_use;

typedef struct buffers_state {
    lower_state *ls;
    buffer_use *found;
    int n, cap;
    hl_param **params;
    int nparams, params_cap;
} buffers_state;

static void *grow(hl_ctx *ctx, void *old, int n, int *cap, size_t size) {
    if (n < *cap) return old;
    int bigger_cap = *cap ? *cap * 2 : 8;
    void *bigger = ctx_alloc(ctx, size * (size_t)bigger_cap);
    if (n) memcpy(bigger, old, size * (size_t)n);
    *cap = bigger_cap;
    return bigger;
}

static void note_buffer(hl_ctx *ctx, buffers_state *st, void *target, bool is_param, const char *name, int dims) {
    for (int i = 0; i < st->n; i++) {
        if (st->found[i].target == target) return;
        user_assert(ctx, strcmp(st->found[i].name, name) != 0,
                    "Two different buffers in one pipeline are both named \"%s\"", name);
    }
    st->found = grow(ctx, st->found, st->n, &st->cap, sizeof(buffer_use));
    st->found[st->n++] = (buffer_use){target, is_param, name, dims};
}

static void find_buffers(ir_visitor *v, const ir_node *n) {
    buffers_state *st = v->state;
    if (n->kind == IR_Call && n->op == IR_CALL_IMAGE)
        note_buffer(v->ctx, st, n->ref, n->ref_kind == IR_REF_PARAM, n->name, n->nkids);
    if (n->kind == IR_Variable && n->ref_kind == IR_REF_PARAM) {
        hl_param *p = n->ref;
        if (p->is_buffer) {
            note_buffer(v->ctx, st, p, true, p->name, p->dimensions);
        } else {
            bool seen = false;
            for (int i = 0; i < st->nparams; i++) {
                if (st->params[i] == p) seen = true;
                else user_assert(v->ctx, strcmp(st->params[i]->name, p->name) != 0,
                                 "Two different Params in one pipeline are both named \"%s\"", p->name);
            }
            if (!seen) {
                st->params = grow(v->ctx, st->params, st->nparams, &st->params_cap, sizeof(hl_param *));
                st->params[st->nparams++] = p;
            }
        }
    }
    ir_visit_kids(v, n);
}

static ir_node *check_box(hl_ctx *ctx, const char *label, const char *buffer, box b) {
    ir_node *checks = NULL;
    for (int d = 0; d < b.dims; d++) {
        ir_node *lo = simplify_expr(ctx, b.d[d].min), *hi = simplify_expr(ctx, b.d[d].max);
        ir_node *valid_min = field(ctx, buffer, "min", d);
        ir_node *valid_max = ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, valid_min, field(ctx, buffer, "extent", d)),
                                       i32(ctx, 1));
        ir_node *ok = ir_binary(ctx, IR_And, ir_binary(ctx, IR_GE, lo, valid_min), ir_binary(ctx, IR_LE, hi, valid_max));
        ir_node *args[7] = {ir_var(ctx, ir_handle(), "__user_context"),
                            ir_string_imm(ctx, ctx_printf(ctx, "%s %s", label, buffer)),
                            i32(ctx, d), lo, hi, valid_min, valid_max};
        ir_node *report = ir_call(ctx, ir_int(32), "halide_error_access_out_of_bounds", IR_CALL_EXTERN, 7, args);
        checks = ir_block(ctx, checks, ir_assert_stmt(ctx, ok, report, halide_error_code_access_out_of_bounds));
    }
    return checks;
}

/* Adds "if b is a bounds query, set its dims to the box" to *answers and "b is a query" to
 * the disjunction *query. */
static void answer_query(hl_ctx *ctx, const char *buffer, box b, ir_node **query, ir_node **answers) {
    ir_node *handle = ir_var(ctx, ir_handle(), ctx_printf(ctx, "%s.buffer", buffer));
    ir_node *is_query = ir_call_intrinsic(ctx, ir_bool(), IR_INTRIN_BUFFER_IS_BOUNDS_QUERY, 1, &handle);
    *query = *query ? ir_binary(ctx, IR_Or, *query, is_query) : is_query;
    ir_node *sets = NULL;
    for (int d = 0; d < b.dims; d++) {
        ir_node *lo = simplify_expr(ctx, b.d[d].min);
        ir_node *extent = simplify_expr(ctx, ir_binary(ctx, IR_Add, ir_binary(ctx, IR_Sub, b.d[d].max, lo), i32(ctx, 1)));
        ir_node *args[4] = {handle, i32(ctx, d), lo, extent};
        ir_node *set = ir_call_intrinsic(ctx, ir_int(32), IR_INTRIN_BUFFER_SET_BOUNDS, 4, args);
        sets = ir_block(ctx, sets, ir_evaluate(ctx, set));
    }
    if (sets) *answers = ir_block(ctx, *answers, ir_if(ctx, is_query, sets, NULL));
}

ir_node *lower_bounds_inference(lower_state *ls, ir_node *s) {
    hl_ctx *ctx = ls->ctx;

    /* Regions of the computed Funcs, consumers first. */
    for (int i = ls->nfuncs - 1; i >= 0; i--) {
        const lower_func *lf = &ls->funcs[i];
        if (lf->inlined || lf->is_output) continue;
        region_state st = {ls, lf, false};
        ir_mutator m = {ctx, find_produce, &st};
        s = ir_mutate(&m, s);
        internal_assert(ctx, st.done, "no produce node for %s", lf->func->name);
    }
    ir_mutator realize = {ctx, bound_realize, NULL};
    s = ir_mutate(&realize, s);

    /* The outputs' regions, from their buffers, wrap everything. */
    ir_node *whole = s;
    for (int o = ls->noutputs - 1; o >= 0; o--) {
        const hl_func *out = ls->outputs[o];
        const char *buffer = lower_buffer_name(ctx, out, 0);
        for (int d = out->nargs - 1; d >= 0; d--) {
            ir_node *min = field(ctx, buffer, "min", d);
            ir_node *max = ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, min, field(ctx, buffer, "extent", d)),
                                     i32(ctx, 1));
            const func_bound *fb = find_bound(out, out->args[d], false);
            if (fb) {
                /* bound() on an output: compute exactly that range, which must cover the buffer. */
                ir_node *bmin = fb->min ? ir_cast(ctx, ir_int(32), fb->min) : min;
                ir_node *bmax = ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, bmin, ir_cast(ctx, ir_int(32), fb->extent)),
                                          i32(ctx, 1));
                ir_node *ok = ir_binary(ctx, IR_And, ir_binary(ctx, IR_LE, bmin, min), ir_binary(ctx, IR_GE, bmax, max));
                ir_node *args[7] = {ir_var(ctx, ir_handle(), "__user_context"), ir_string_imm(ctx, out->name),
                                    ir_string_imm(ctx, out->args[d]), bmin, bmax, min, max};
                ir_node *report = ir_call(ctx, ir_int(32), "halide_error_explicit_bounds_too_small",
                                          IR_CALL_EXTERN, 7, args);
                whole = ir_block(ctx, ir_assert_stmt(ctx, ok, report, halide_error_code_explicit_bounds_too_small),
                                 whole);
                min = bmin;
                max = bmax;
            }
            whole = ir_let_stmt(ctx, region_var(ctx, out, d, "max")->name, max, whole);
            whole = ir_let_stmt(ctx, region_var(ctx, out, d, "min")->name, min, whole);
            whole = update_region_lets(ctx, out, d, min, max, whole);
        }
    }

    /* Input and output checks, computed over the whole statement. */
    buffers_state bs = {ls, NULL, 0, 0, NULL, 0, 0};
    ir_visitor v = {ctx, find_buffers, &bs};
    ir_visit(&v, s);
    /* Constraints and ranges may name further Params (checked by unpack_buffers). */
    for (int i = 0; i < bs.n; i++) {
        if (!bs.found[i].is_param) continue;
        const hl_param *p = bs.found[i].target;
        for (int d = 0; d < p->dimensions; d++) {
            ir_visit(&v, p->dims[d].min);
            ir_visit(&v, p->dims[d].extent);
            ir_visit(&v, p->dims[d].stride);
        }
    }
    for (int i = 0; i < bs.nparams; i++) {
        ir_visit(&v, bs.params[i]->min_value);
        ir_visit(&v, bs.params[i]->max_value);
    }
    ir_node *checks = NULL, *query = NULL, *answers = NULL;
    ls->inputs = ctx_alloc(ctx, sizeof(lower_input) * (size_t)(bs.n ? bs.n : 1));
    ls->ninputs = 0;
    ls->params = bs.params;
    ls->nparams = bs.nparams;
    for (int i = 0; i < bs.n; i++) {
        buffer_use *u = &bs.found[i];
        lower_input *in = &ls->inputs[ls->ninputs++];
        if (u->is_param) {
            hl_param *p = u->target;
            /* Dense when dimension 0's stride is constrained to 1 (the default). */
            *in = (lower_input){u->name, NULL, p, p->type, p->dimensions,
                                p->dimensions > 0 && p->dims[0].stride && ir_is_one(p->dims[0].stride)};
        } else {
            halide_buffer_t *raw = hl_buffer_raw(u->target);
            *in = (lower_input){u->name, u->target, NULL, hl_type_make(raw->type.code, raw->type.bits, 1),
                                u->dims, raw->dimensions > 0 && raw->dim[0].stride == 1};
        }
        box b = box_touched(ctx, whole, u->target, u->dims, BOX_CALLS);
        if (!b.used) continue; /* only its fields are used */
        for (int d = 0; d < u->dims; d++)
            user_assert(ctx, interval_is_bounded(b.d[d]),
                        "Buffer %s may be accessed in an unbounded way in dimension %d. Use clamp "
                        "(or a boundary condition) to keep the index in range.",
                        u->name, d);
        checks = ir_block(ctx, checks, check_box(ctx, "Input buffer", u->name, b));
        answer_query(ctx, u->name, b, &query, &answers);
    }
    ir_node *nonempty = NULL;
    for (int o = 0; o < ls->noutputs; o++) {
        const hl_func *out = ls->outputs[o];
        box written = box_touched(ctx, whole, out, out->nargs, BOX_PROVIDES);
        for (int d = 0; d < out->nargs; d++)
            user_assert(ctx, interval_is_bounded(written.d[d]), "Can't find the region of %s that is written",
                        out->name);
        /* An output another stage reads is read from its buffer. */
        box read = box_touched(ctx, whole, out, out->nargs, BOX_CALLS);
        box needed = written;
        if (read.used) {
            needed.d = ctx_alloc(ctx, sizeof(interval) * (size_t)(out->nargs ? out->nargs : 1));
            for (int d = 0; d < out->nargs; d++) {
                user_assert(ctx, interval_is_bounded(read.d[d]),
                            "Output %s is read in an unbounded way in dimension %d", out->name, d);
                needed.d[d] = interval_union(ctx, written.d[d], read.d[d]);
            }
            checks = ir_block(ctx, checks, check_box(ctx, "Output buffer", lower_buffer_name(ctx, out, 0), read));
        }
        for (int val = 0; val < out->nvalues; val++) {
            const char *name = lower_buffer_name(ctx, out, val);
            checks = ir_block(ctx, checks, check_box(ctx, "Output buffer", name, written));
            /* A bounds query answers what must be there: written, and read by other stages. */
            answer_query(ctx, name, needed, &query, &answers);
        }
        const char *buffer = lower_buffer_name(ctx, out, 0);
        for (int d = 0; d < out->nargs; d++) {
            ir_node *c = ir_binary(ctx, IR_GT, field(ctx, buffer, "extent", d), i32(ctx, 0));
            nonempty = nonempty ? ir_binary(ctx, IR_And, nonempty, c) : c;
        }
    }
    if (checks && nonempty) checks = ir_if(ctx, nonempty, checks, NULL);
    ir_node *run = ir_block(ctx, checks, whole);
    /* Bounds query: when any buffer argument has no memory, report regions and stop. */
    if (!query) return run;
    return ir_if(ctx, query, answers ? answers : simplify_make_no_op(ctx), run);
}

bool lower_is_bounds_query_branch(const ir_node *s) {
    if (s->kind != IR_IfThenElse || !s->kids[2]) return false;
    const ir_node *c = s->kids[0];
    while (c->kind == IR_Or) c = c->kids[0];
    return c->kind == IR_Call && c->op == IR_CALL_INTRINSIC && c->op2 == IR_INTRIN_BUFFER_IS_BOUNDS_QUERY;
}
