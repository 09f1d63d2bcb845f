/* loop_nest.c - the loop nest of one Func's pure stage, from its schedule.
 *
 * Input: a Func whose region to compute is given by the Variables "f.s0.<arg>.min" and
 * "f.s0.<arg>.max" (defined by bounds inference), and its schedule: the loops (innermost
 * first) and the splits, fuses and renames that made them from the pure arguments.
 * Output: For loops named "f.s0.<qualified loop var>", outermost first, of the schedule's
 * kinds; as in Halide, a split or renamed variable's name is qualified by the variable it
 * came from ("x.xo" for split(x, xo, xi)), see lower_loop_full_name;
 * innermost, LetStmts give every split-away variable its value from the loops (the last
 * split's first), each followed by an IfThenElse for a GuardWithIf tail of that split, and
 * a Provide stores the values
 * at "f.s0.<arg>". Split loops run from 0; unsplit ones from the region's min.
 * Tail strategies: ShiftInwards (Auto's choice for pure definitions) shifts the last
 * iteration back inside the region (RoundUp is Auto's choice for an update's pure
 * variables, GuardWithIf for its RVars); GuardWithIf, Predicate and PredicateStores skip points
 * past the end; RoundUp and PredicateLoads compute past the end (the storage grows to
 * match; an output must be big enough).
 */
#include "lower.h"
#include "util/check.h"

#include <string.h>

/* A loop variable being built: where it starts and how far it runs. */
typedef struct nest_var {
    const char *name;      /* the schedule's name */
    const char *qualified; /* the loop's name within the stage: "x", "x.xo", ... */
    ir_node *min, *extent;
    bool rvar; /* an RVar of the update, or split or fused from one */
} nest_var;

typedef struct nest {
    hl_ctx *ctx;
    const hl_func *f;
    int stage;
    int nvars, cap;
    nest_var *vars;
    ir_node *lets[128];   /* value definitions: LetStmt shells with no body yet */
    ir_node *guards[128]; /* GuardWithIf condition on the value of lets[i], or NULL */
    int nlets;
} nest;

static nest_var *find_var(nest *n, const char *name) {
    /* The newest definition wins: split(x, x, xi) redefines x. */
    for (int i = n->nvars - 1; i >= 0; i--)
        if (strcmp(n->vars[i].name, name) == 0) return &n->vars[i];
    internal_error(n->ctx, "loop variable %s of %s is not defined", name, n->f->name);
}

static const char *full_name(nest *n, const char *var) {
    return ctx_printf(n->ctx, "%s.s%d.%s", n->f->name, n->stage, find_var(n, var)->qualified);
}

static ir_node *var_of(nest *n, const char *var) { return ir_var(n->ctx, ir_int(32), full_name(n, var)); }

static void add_var(nest *n, const char *name, const char *qualified, ir_node *min, ir_node *extent) {
    if (n->nvars == n->cap) {
        int cap = n->cap ? n->cap * 2 : 16;
        nest_var *bigger = ctx_alloc(n->ctx, sizeof(nest_var) * (size_t)cap);
        if (n->nvars) memcpy(bigger, n->vars, sizeof(nest_var) * (size_t)n->nvars);
        n->vars = bigger;
        n->cap = cap;
    }
    n->vars[n->nvars++] = (nest_var){name, qualified, min, extent, false};
}

/* Marks the last variable added as coming from an RVar when `rvar`. */
static void mark_rvar(nest *n, bool rvar) { n->vars[n->nvars - 1].rvar = rvar; }

/* The let giving `var_full` (a full loop name) its value. */
static void add_let(nest *n, const char *var_full, ir_node *value) {
    user_assert(n->ctx, n->nlets < 128, "Too many splits in the schedule of %s", n->f->name);
    n->guards[n->nlets] = NULL;
    n->lets[n->nlets++] = ir_let_stmt(n->ctx, var_full, value, NULL);
}

static const char *qualify(nest *n, const char *base, const char *var) {
    return ctx_printf(n->ctx, "%s.%s", base, var);
}

static ir_node *i32(nest *n, int64_t v) { return ir_make_const(n->ctx, ir_int(32), v); }
static ir_node *add(nest *n, ir_node *a, ir_node *b) { return ir_binary(n->ctx, IR_Add, a, b); }
static ir_node *sub(nest *n, ir_node *a, ir_node *b) { return ir_binary(n->ctx, IR_Sub, a, b); }
static ir_node *mul(nest *n, ir_node *a, ir_node *b) { return ir_binary(n->ctx, IR_Mul, a, b); }
static ir_node *divide(nest *n, ir_node *a, ir_node *b) { return ir_binary(n->ctx, IR_Div, a, b); }

static void apply_split(nest *n, const func_split *sp) {
    hl_ctx *ctx = n->ctx;
    if (sp->kind == FUNC_FUSE) {
        nest_var inner = *find_var(n, sp->inner), outer = *find_var(n, sp->outer);
        const char *inner_full = full_name(n, sp->inner), *outer_full = full_name(n, sp->outer);
        add_var(n, sp->old_var, qualify(n, inner.qualified, sp->old_var), i32(n, 0),
                mul(n, inner.extent, outer.extent));
        mark_rvar(n, inner.rvar || outer.rvar);
        ir_node *fused = var_of(n, sp->old_var);
        /* A later ShiftInwards split of the fused loop can run it past its range when the
         * range is smaller than the factor: clamping keeps every point inside (recomputing
         * a valid point is harmless) and lets bounds inference see the exact range, which
         * the division alone does not show. */
        ir_node *outer_index = ir_binary(ctx, IR_Max, ir_binary(ctx, IR_Min, divide(n, fused, inner.extent),
                                                               sub(n, outer.extent, i32(n, 1))),
                                         i32(n, 0));
        add_let(n, inner_full, add(n, ir_binary(ctx, IR_Mod, fused, inner.extent), inner.min));
        add_let(n, outer_full, add(n, outer_index, outer.min));
        return;
    }
    nest_var old = *find_var(n, sp->old_var);
    const char *old_full = full_name(n, sp->old_var);
    if (sp->kind == FUNC_RENAME) {
        add_var(n, sp->outer, qualify(n, old.qualified, sp->outer), old.min, old.extent);
        mark_rvar(n, old.rvar);
        add_let(n, old_full, var_of(n, sp->outer));
        return;
    }
    ir_node *factor = ir_cast(ctx, ir_int(32), (ir_node *)sp->factor);
    ir_node *outer_extent = divide(n, sub(n, add(n, old.extent, factor), i32(n, 1)), factor);
    add_var(n, sp->outer, qualify(n, old.qualified, sp->outer), i32(n, 0), outer_extent);
    mark_rvar(n, old.rvar);
    add_var(n, sp->inner, qualify(n, old.qualified, sp->inner), i32(n, 0), factor);
    mark_rvar(n, old.rvar);
    ir_node *outer = var_of(n, sp->outer), *inner = var_of(n, sp->inner);
    ir_node *base = mul(n, outer, factor);
    /* Auto is, as in Halide, ShiftInwards for the pure definition (recomputing a point is
     * harmless), RoundUp for the pure variables of an update (points past the end are
     * outside the region, in storage grown to hold them) and GuardWithIf for its RVars
     * (running past the reduction domain would change the result). ShiftInwards on an
     * update, where running a point twice would apply the update twice, is made a guard. */
    hl_tail_strategy tail = sp->tail;
    if (n->stage > 0 && tail == HL_TAIL_AUTO) tail = old.rvar ? HL_TAIL_GUARD_WITH_IF : HL_TAIL_ROUND_UP;
    else if (n->stage > 0 && tail == HL_TAIL_SHIFT_INWARDS) tail = HL_TAIL_GUARD_WITH_IF;
    else if (tail == HL_TAIL_AUTO) tail = HL_TAIL_SHIFT_INWARDS;
    if (tail == HL_TAIL_SHIFT_INWARDS)
        base = ir_binary(ctx, IR_Min, base, sub(n, old.extent, factor));
    ir_node *value = add(n, add(n, base, inner), old.min);
    add_let(n, old_full, value);
    /* Predicate and PredicateStores guard the stores (like GuardWithIf); PredicateLoads only
     * the loads, so its stores run past the end as RoundUp's do. */
    if (tail == HL_TAIL_GUARD_WITH_IF || tail == HL_TAIL_PREDICATE || tail == HL_TAIL_PREDICATE_STORES) {
        ir_node *last = sub(n, add(n, old.min, old.extent), i32(n, 1));
        n->guards[n->nlets - 1] = ir_binary(ctx, IR_LE, ir_var(ctx, ir_int(32), old_full), last);
    }
}

/* The schedule of stage k (0: the pure definition). */
static const func_schedule *stage_schedule(const hl_func *f, int stage) {
    return stage == 0 ? &f->sched : &f->updates[stage - 1].sched;
}

/* Stage k of f with the given loop schedule: its loops, lets, guards and Provide. */
static ir_node *build_stage(lower_state *ls, const lower_func *lf, int stage, const func_schedule *sched) {
    hl_ctx *ctx = ls->ctx;
    const hl_func *f = lf->func;
    const func_update *up = stage ? &f->updates[stage - 1] : NULL;
    nest n = {.ctx = ctx, .f = f, .stage = stage};
    /* The names the definition uses and the loop variables they become. */
    int nnames = 0, cap = f->nargs + (up && up->rdom ? up->rdom->dims : 0) + 1;
    const char **names = ctx_alloc(ctx, sizeof(char *) * (size_t)cap);
    ir_node **vars = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)cap);
    for (int i = 0; i < f->nargs; i++) {
        if (up && !(up->args[i]->kind == IR_Variable && up->args[i]->ref_kind == IR_REF_NONE)) continue;
        const char *base = ctx_printf(ctx, "%s.s%d.%s", f->name, stage, f->args[i]);
        ir_node *min = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.min", base));
        ir_node *max = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.max", base));
        add_var(&n, f->args[i], f->args[i], min, add(&n, sub(&n, max, min), i32(&n, 1)));
        names[nnames] = f->args[i];
        vars[nnames++] = ir_var(ctx, ir_int(32), base);
    }
    int npure = nnames;
    for (int i = 0; up && up->rdom && i < up->rdom->dims; i++) {
        const hl_rdom *r = up->rdom;
        /* RDom bounds may use the update's pure Vars (loops outside the RVars). */
        add_var(&n, r->vars[i], r->vars[i],
                ir_substitute_many(ctx, lf->update_rdom_mins[stage - 1][i], npure, names, vars),
                ir_substitute_many(ctx, lf->update_rdom_extents[stage - 1][i], npure, names, vars));
        mark_rvar(&n, true);
        names[nnames] = r->vars[i];
        vars[nnames++] = ir_var(ctx, ir_int(32), ctx_printf(ctx, "%s.s%d.%s", f->name, stage, r->vars[i]));
    }
    for (int i = 0; i < sched->nsplits; i++) apply_split(&n, &sched->splits[i]);

    /* The definition at the loops' values. */
    ir_node **values = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)f->nvalues);
    ir_node **coords = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(f->nargs ? f->nargs : 1));
    for (int v = 0; v < f->nvalues; v++) {
        ir_node *value = stage ? lf->update_values[stage - 1][v] : lf->values[v];
        values[v] = ir_substitute_many(ctx, value, nnames, names, vars);
    }
    for (int i = 0; i < f->nargs; i++)
        coords[i] = stage ? ir_substitute_many(ctx, lf->update_args[stage - 1][i], nnames, names, vars)
                          : vars[i];
    ir_node *body = ir_provide(ctx, f->name, (void *)f, f->nvalues, values, f->nargs, coords);
    if (stage && sched->atomic) body->op2 = 1; /* checked by atomic(): one atomic RMW per value */
    if (stage && lf->update_predicates[stage - 1])
        body = ir_if(ctx, ir_substitute_many(ctx, lf->update_predicates[stage - 1], nnames, names, vars), body,
                     NULL);
    /* Later splits define the variables earlier ones use: the last split's let is outermost.
     * Each guard sits right after the let it tests, so that bounds inference sees every
     * variable defined below it already narrowed by the guards above. */
    for (int i = 0; i < n.nlets; i++) {
        ir_node *let = n.lets[i];
        if (n.guards[i]) body = ir_if(ctx, n.guards[i], body, NULL);
        body = ir_let_stmt(ctx, let->name, let->kids[0], body);
    }
    static const ir_for_type kinds[] = {IR_FOR_SERIAL, IR_FOR_PARALLEL, IR_FOR_VECTORIZED,
                                        IR_FOR_UNROLLED};
    for (int i = 0; i < sched->ndims; i++) {
        const func_dim *d = &sched->dims[i];
        nest_var *v = find_var(&n, d->var);
        body = ir_for(ctx, full_name(&n, d->var), v->min, v->extent, kinds[d->kind], body);
    }
    return body;
}

/* The pure stage, with its specializations tried in order:
 * if (c1) {loops of spec 1} else if (c2) {...} else {default loops, or the failure}. */
static ir_node *build_pure_stage(lower_state *ls, const lower_func *lf) {
    hl_ctx *ctx = ls->ctx;
    const hl_func *f = lf->func;
    int n = f->nspecs;
    ir_node *s;
    if (n && !f->specs[n - 1].condition) {
        ir_node *args[2] = {ir_var(ctx, ir_handle(), "__user_context"), ir_string_imm(ctx, f->specs[n - 1].fail_message)};
        ir_node *report = ir_call(ctx, ir_int(32), "halide_error_specialize_fail", IR_CALL_EXTERN, 2, args);
        s = ir_assert_stmt(ctx, ir_make_bool(ctx, false, 1), report, halide_error_code_specialize_fail);
        n--;
    } else {
        s = build_stage(ls, lf, 0, &f->sched);
    }
    for (int i = n - 1; i >= 0; i--)
        s = ir_if(ctx, f->specs[i].condition, build_stage(ls, lf, 0, &f->specs[i].sched), s);
    return s;
}

ir_node *lower_build_loop_nest(lower_state *ls, const lower_func *lf) {
    ir_node *s = build_pure_stage(ls, lf);
    for (int k = 1; k <= lf->func->nupdates; k++)
        s = ir_block(ls->ctx, s, build_stage(ls, lf, k, stage_schedule(lf->func, k)));
    return s;
}

const char *lower_loop_full_name(hl_ctx *ctx, const hl_func *f, const char *var) {
    /* A LoopLevel names a loop of the Func's last stage, as in Halide. */
    return lower_loop_stage_name(ctx, f, f->nupdates, var);
}

const char *lower_loop_stage_name(hl_ctx *ctx, const hl_func *f, int stage, const char *var) {
    const func_schedule *sched = stage_schedule(f, stage);
    bool exists = false;
    for (int i = 0; i < sched->ndims; i++) exists |= strcmp(sched->dims[i].var, var) == 0;
    if (!exists) return NULL;
    const func_update *up = stage ? &f->updates[stage - 1] : NULL;
    nest n = {.ctx = ctx, .f = f, .stage = stage};
    for (int i = 0; i < f->nargs; i++) add_var(&n, f->args[i], f->args[i], NULL, NULL);
    for (int i = 0; up && up->rdom && i < up->rdom->dims; i++)
        add_var(&n, up->rdom->vars[i], up->rdom->vars[i], NULL, NULL);
    ir_node *zero = ir_make_zero(ctx, ir_int(32));
    for (int i = 0; i < sched->nsplits; i++) {
        const func_split *sp = &sched->splits[i];
        if (sp->kind == FUNC_FUSE) {
            add_var(&n, sp->old_var, qualify(&n, find_var(&n, sp->inner)->qualified, sp->old_var), zero, zero);
        } else {
            const char *base = find_var(&n, sp->old_var)->qualified;
            add_var(&n, sp->outer, qualify(&n, base, sp->outer), zero, zero);
            if (sp->kind == FUNC_SPLIT) add_var(&n, sp->inner, qualify(&n, base, sp->inner), zero, zero);
        }
    }
    return full_name(&n, var);
}
