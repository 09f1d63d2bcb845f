/* schedule.c - the scheduling directives of a Func's pure stage.
 *
 * A schedule is a list of loops (innermost first), the splits/fuses/renames that made them
 * from the pure arguments, loop kinds, bounds and storage order, and the compute and store
 * LoopLevels. Each directive is validated first (in an arena, so a user error leaks
 * nothing) and then applied to a heap copy that replaces the old schedule only when every
 * allocation succeeded: a failed directive leaves the schedule as it was.
 * LoopLevels hold names, not Func references, so schedules never make reference cycles;
 * lowering resolves the names within the pipeline.
 */
#include "func.h"
#include "util/alloc.h"
#include "util/check.h"

#include <stdio.h>
#include <string.h>

/* ---- Copying and freeing ------------------------------------------------------------------- */

static void level_free(func_level *l) {
    hl_free(l->func);
    hl_free(l->var);
    l->func = l->var = NULL;
}

void func_schedule_free(func_schedule *s) {
    level_free(&s->compute);
    level_free(&s->store);
    for (int i = 0; i < s->ndims; i++) hl_free(s->dims[i].var);
    hl_free(s->dims);
    for (int i = 0; i < s->nsplits; i++) {
        hl_free(s->splits[i].old_var);
        hl_free(s->splits[i].outer);
        hl_free(s->splits[i].inner);
        ir_release(s->splits[i].factor);
    }
    hl_free(s->splits);
    for (int i = 0; i < s->nbounds; i++) {
        hl_free(s->bounds[i].var);
        ir_release(s->bounds[i].min);
        ir_release(s->bounds[i].extent);
        ir_release(s->bounds[i].modulus);
        ir_release(s->bounds[i].remainder);
    }
    hl_free(s->bounds);
    for (int i = 0; i < s->nstorage; i++) hl_free(s->storage[i]);
    hl_free(s->storage);
    hl_free(s->storage_align);
    memset(s, 0, sizeof *s);
}

/* strdup that tolerates NULL; sets *ok = 0 when out of memory. */
static char *dup_or_null(const char *s, int *ok) {
    if (!s) return NULL;
    char *c = hl_strdup(s);
    if (!c) *ok = 0;
    return c;
}

static ir_node *retained(ir_node *e) {
    ir_retain(e);
    return e;
}

/* A deep copy of the schedule's arrays (names duplicated, Exprs retained). */
static int schedule_copy(func_schedule *dst, const func_schedule *src) {
    int ok = 1;
    memset(dst, 0, sizeof *dst);
    dst->allow_race = src->allow_race;
    dst->atomic = src->atomic;
    dst->compute.kind = src->compute.kind;
    dst->compute.func = dup_or_null(src->compute.func, &ok);
    dst->compute.var = dup_or_null(src->compute.var, &ok);
    dst->store.kind = src->store.kind;
    dst->store.func = dup_or_null(src->store.func, &ok);
    dst->store.var = dup_or_null(src->store.var, &ok);
    dst->dims = hl_calloc((size_t)src->ndims + 4, sizeof(func_dim));
    dst->splits = hl_calloc((size_t)src->nsplits + 4, sizeof(func_split));
    dst->bounds = hl_calloc((size_t)src->nbounds + 1, sizeof(func_bound));
    dst->storage = hl_calloc((size_t)src->nstorage + 1, sizeof(char *));
    dst->storage_align = hl_calloc((size_t)src->nstorage + 1, sizeof(int));
    if (!dst->dims || !dst->splits || !dst->bounds || !dst->storage || !dst->storage_align) {
        func_schedule_free(dst);
        return -1;
    }
    for (int i = 0; i < src->ndims; i++) {
        dst->dims[i].var = dup_or_null(src->dims[i].var, &ok);
        dst->dims[i].kind = src->dims[i].kind;
        dst->ndims = i + 1;
    }
    for (int i = 0; i < src->nsplits; i++) {
        const func_split *s = &src->splits[i];
        func_split *d = &dst->splits[i];
        d->kind = s->kind;
        d->tail = s->tail;
        d->old_var = dup_or_null(s->old_var, &ok);
        d->outer = dup_or_null(s->outer, &ok);
        d->inner = dup_or_null(s->inner, &ok);
        d->factor = retained(s->factor);
        dst->nsplits = i + 1;
    }
    for (int i = 0; i < src->nbounds; i++) {
        const func_bound *s = &src->bounds[i];
        func_bound *d = &dst->bounds[i];
        d->var = dup_or_null(s->var, &ok);
        d->min = retained(s->min);
        d->extent = retained(s->extent);
        d->modulus = retained(s->modulus);
        d->remainder = retained(s->remainder);
        d->is_estimate = s->is_estimate;
        dst->nbounds = i + 1;
    }
    for (int i = 0; i < src->nstorage; i++) {
        dst->storage[i] = dup_or_null(src->storage[i], &ok);
        dst->storage_align[i] = src->storage_align[i];
        dst->nstorage = i + 1;
    }
    if (!ok) {
        func_schedule_free(dst);
        return -1;
    }
    return 0;
}

int func_schedule_reset(hl_func *f) {
    func_schedule_free(&f->sched);
    func_schedule fresh = {0};
    fresh.compute.kind = HL_LEVEL_INLINED;
    fresh.store.kind = HL_LEVEL_INHERITED;
    fresh.dims = hl_calloc((size_t)f->nargs + 1, sizeof(func_dim));
    fresh.storage = hl_calloc((size_t)f->nargs + 1, sizeof(char *));
    fresh.storage_align = hl_calloc((size_t)f->nargs + 1, sizeof(int));
    int ok = fresh.dims && fresh.storage && fresh.storage_align;
    for (int i = 0; ok && i < f->nargs; i++) {
        fresh.dims[i].var = dup_or_null(f->args[i], &ok);
        fresh.ndims = i + 1;
        fresh.storage[i] = dup_or_null(f->args[i], &ok);
        fresh.nstorage = i + 1;
    }
    if (!ok) {
        func_schedule_free(&fresh);
        return -1;
    }
    f->sched = fresh;
    return 0;
}

/* ---- Validation ------------------------------------------------------------------------------ */

static int find_dim(const func_schedule *s, const char *var) {
    for (int i = 0; i < s->ndims; i++)
        if (strcmp(s->dims[i].var, var) == 0) return i;
    return -1;
}

static bool is_pure_arg(const hl_func *f, const char *var) {
    for (int i = 0; i < f->nargs; i++)
        if (strcmp(f->args[i], var) == 0) return true;
    return false;
}

/* Whether a name was ever a loop of this stage (split away or current). */
static bool name_in_use(const func_schedule *s, const char *var) {
    if (find_dim(s, var) >= 0) return true;
    for (int i = 0; i < s->nsplits; i++)
        if (strcmp(s->splits[i].old_var, var) == 0) return true;
    return false;
}

static const char *dims_list(hl_ctx *ctx, const func_schedule *s) {
    const char *out = "";
    for (int i = s->ndims - 1; i >= 0; i--)
        out = ctx_printf(ctx, "%s%s%s", out, *out ? ", " : "", s->dims[i].var);
    return out;
}

typedef struct validate_call {
    const hl_func *f;
    const hl_schedule_directive *d;
    const func_schedule *s; /* the stage's schedule */
    int stage;
} validate_call;

static void require_dim(hl_ctx *ctx, const validate_call *v, const char *what, const char *var) {
    if (find_dim(v->s, var) < 0)
        user_error(ctx, "In schedule for %s%s, could not find %s dimension: %s (the loops are: %s)",
                   v->f->name, v->stage ? ".update()" : "", what, var, dims_list(ctx, v->s));
}

/* Whether loop `var` of an update stage comes from its RDom (not from a pure Var). */
static bool is_reduction_loop(const hl_func *f, int stage, const char *var) {
    if (stage == 0) return false;
    const func_update *u = &f->updates[stage - 1];
    const char *pure[128];
    int n = 0;
    for (int i = 0; i < u->nargs && n < 128; i++)
        if (u->args[i]->kind == IR_Variable && u->args[i]->ref_kind == IR_REF_NONE) pure[n++] = u->args[i]->name;
    for (int i = 0; i < u->sched.nsplits && n < 126; i++) {
        const func_split *sp = &u->sched.splits[i];
        bool from_pure = false;
        for (int j = 0; j < n; j++)
            from_pure |= strcmp(pure[j], sp->old_var) == 0 ||
                         (sp->kind == FUNC_FUSE && sp->inner && strcmp(pure[j], sp->inner) == 0);
        if (!from_pure) continue;
        pure[n++] = sp->outer;
        if (sp->kind == FUNC_SPLIT) pure[n++] = sp->inner;
        if (sp->kind == FUNC_FUSE) pure[n++] = sp->old_var;
    }
    for (int j = 0; j < n; j++)
        if (strcmp(pure[j], var) == 0) return false;
    /* An RVar used as a whole argument writes one point per iteration: no race. */
    for (int i = 0; i < u->nargs; i++)
        if (u->args[i]->kind == IR_Variable && strcmp(u->args[i]->name, var) == 0) return false;
    return true;
}

static void require_int_expr(hl_ctx *ctx, const hl_func *f, const char *what, const hl_expr *e) {
    user_assert(ctx, e, "In schedule for %s, the %s is undefined", f->name, what);
    user_assert(ctx, (ir_is_int(e->type) || ir_is_uint(e->type)) && e->type.lanes == 1,
                "In schedule for %s, the %s must be an integer, not %s", f->name, what,
                ir_ctx_string(ctx, e));
}

static void validate_level(hl_ctx *ctx, const hl_func *f, const hl_loop_level *l) {
    if (l->kind != HL_LEVEL_AT) return;
    user_assert(ctx, l->func && l->var, "LoopLevel of %s is missing its Func or Var", f->name);
    user_assert(ctx, strcmp(l->func, f->name) != 0, "Func %s can't be computed or stored at its own loop",
                f->name);
}

static void validate(hl_ctx *ctx, void *ud) {
    validate_call *v = ud;
    const hl_func *f = v->f;
    const hl_schedule_directive *d = v->d;
    const func_schedule *stage_sched = v->s;
    user_assert(ctx, hl_func_defined(f), "Can't schedule Func %s: it has no definition yet", f->name);
    for (int i = 0; i < d->nvars; i++)
        user_assert(ctx, d->vars[i] && d->vars[i][0], "In schedule for %s, argument %d is not a Var",
                    f->name, i);
    switch (d->kind) {
    case HL_SCHED_SPLIT: {
        user_assert(ctx, d->nvars == 3, "split needs (old, outer, inner)");
        require_dim(ctx, v, "split", d->vars[0]);
        require_int_expr(ctx, f, "split factor", d->factor);
        int64_t k;
        if (ir_const_int(d->factor, &k))
            user_assert(ctx, k > 0, "In schedule for %s, the split factor of %s must be positive, not %lld",
                        f->name, d->vars[0], (long long)k);
        user_assert(ctx, strcmp(d->vars[1], d->vars[2]) != 0,
                    "In schedule for %s, split of %s needs two different names, not %s twice",
                    f->name, d->vars[0], d->vars[1]);
        for (int i = 1; i < 3; i++)
            if (strcmp(d->vars[i], d->vars[0]) != 0)
                user_assert(ctx, !name_in_use(stage_sched, d->vars[i]),
                            "In schedule for %s, can't split %s into %s: that name is already used",
                            f->name, d->vars[0], d->vars[i]);
        user_assert(ctx, d->tail >= HL_TAIL_ROUND_UP && d->tail <= HL_TAIL_AUTO, "bad tail strategy");
        if (d->tail == HL_TAIL_PREDICATE_LOADS)
            for (int i = 0; i < stage_sched->nsplits; i++)
                user_assert(ctx,
                            stage_sched->splits[i].kind != FUNC_SPLIT ||
                                strcmp(stage_sched->splits[i].inner, d->vars[0]) != 0,
                            "In schedule for %s: PredicateLoads may not be used to split %s, a Var "
                            "stemming from the inner Var of a prior split",
                            f->name, d->vars[0]);
        return;
    }
    case HL_SCHED_FUSE:
        user_assert(ctx, d->nvars == 3, "fuse needs (inner, outer, fused)");
        require_dim(ctx, v, "fuse", d->vars[0]);
        require_dim(ctx, v, "fuse", d->vars[1]);
        user_assert(ctx, strcmp(d->vars[0], d->vars[1]) != 0, "In schedule for %s, can't fuse %s with itself",
                    f->name, d->vars[0]);
        if (strcmp(d->vars[2], d->vars[0]) && strcmp(d->vars[2], d->vars[1]))
            user_assert(ctx, !name_in_use(stage_sched, d->vars[2]),
                        "In schedule for %s, can't fuse into %s: that name is already used", f->name,
                        d->vars[2]);
        return;
    case HL_SCHED_RENAME:
        user_assert(ctx, d->nvars == 2, "rename needs (old, new)");
        require_dim(ctx, v, "rename", d->vars[0]);
        user_assert(ctx, !name_in_use(stage_sched, d->vars[1]),
                    "In schedule for %s, can't rename %s to %s: that name is already used", f->name,
                    d->vars[0], d->vars[1]);
        return;
    case HL_SCHED_REORDER:
        for (int i = 0; i < d->nvars; i++) {
            require_dim(ctx, v, "reorder", d->vars[i]);
            for (int j = 0; j < i; j++)
                user_assert(ctx, strcmp(d->vars[i], d->vars[j]) != 0,
                            "In schedule for %s, reorder names %s twice", f->name, d->vars[i]);
        }
        return;
    case HL_SCHED_LOOP_KIND:
    case HL_SCHED_PARTITION:
        user_assert(ctx, d->nvars == 1, "a loop directive takes one Var");
        require_dim(ctx, v, "loop", d->vars[0]);
        if (d->kind == HL_SCHED_LOOP_KIND &&
            (d->loop_kind == HL_LOOP_PARALLEL || d->loop_kind == HL_LOOP_VECTORIZED) && !stage_sched->allow_race)
            user_assert(ctx, !is_reduction_loop(f, v->stage, d->vars[0]),
                        "In schedule for %s.update(%d), can't %s %s: it is a reduction variable and "
                        "iterations may write the same point (a race). Use allow_race_conditions() or "
                        "atomic() if they never do.",
                        f->name, v->stage - 1, d->loop_kind == HL_LOOP_PARALLEL ? "parallelize" : "vectorize",
                        d->vars[0]);
        return;
    case HL_SCHED_COMPUTE_AT:
    case HL_SCHED_STORE_AT:
    case HL_SCHED_HOIST_STORAGE:
        user_assert(ctx, v->stage == 0, "Where %s is computed and stored is set on the Func, not on an update stage",
                    f->name);
        validate_level(ctx, f, &d->level);
        return;
    case HL_SCHED_BOUND:
    case HL_SCHED_ESTIMATE:
    case HL_SCHED_ALIGN_BOUNDS:
    case HL_SCHED_ALIGN_EXTENT:
    case HL_SCHED_ALIGN_STORAGE:
        user_assert(ctx, v->stage == 0, "Bounds of %s are set on the Func, not on an update stage", f->name);
        user_assert(ctx, d->nvars == 1, "a bound directive takes one Var");
        user_assert(ctx, is_pure_arg(f, d->vars[0]),
                    "Can't bound variable %s of function %s because %s is not one of its pure "
                    "arguments",
                    d->vars[0], f->name, d->vars[0]);
        if (d->kind == HL_SCHED_BOUND || d->kind == HL_SCHED_ESTIMATE) {
            if (d->min) require_int_expr(ctx, f, "bound's min", d->min);
            require_int_expr(ctx, f, "bound's extent", d->extent);
        } else {
            require_int_expr(ctx, f, "alignment", d->factor);
            int64_t k;
            if (ir_const_int(d->factor, &k))
                user_assert(ctx, k > 0, "In schedule for %s, an alignment must be positive", f->name);
        }
        return;
    case HL_SCHED_REORDER_STORAGE:
        user_assert(ctx, v->stage == 0, "The storage of %s is set on the Func, not on an update stage", f->name);
        for (int i = 0; i < d->nvars; i++) {
            user_assert(ctx, is_pure_arg(f, d->vars[i]),
                        "In schedule for %s, reorder_storage: %s is not a pure argument", f->name,
                        d->vars[i]);
            for (int j = 0; j < i; j++)
                user_assert(ctx, strcmp(d->vars[i], d->vars[j]) != 0,
                            "In schedule for %s, reorder_storage names %s twice", f->name, d->vars[i]);
        }
        return;
    }
    user_error(ctx, "unknown schedule directive %d", d->kind);
}

/* ---- Application on a copy --------------------------------------------------------------------- */

static int set_level(func_level *l, const hl_loop_level *src) {
    int ok = 1;
    char *fn = dup_or_null(src->kind == HL_LEVEL_AT ? src->func : NULL, &ok);
    char *var = dup_or_null(src->kind == HL_LEVEL_AT ? src->var : NULL, &ok);
    if (!ok) {
        hl_free(fn);
        hl_free(var);
        return -1;
    }
    level_free(l);
    l->kind = src->kind;
    l->func = fn;
    l->var = var;
    return 0;
}

static int apply(func_schedule *s, const hl_func *f, const hl_schedule_directive *d) {
    int ok = 1;
    switch (d->kind) {
    case HL_SCHED_SPLIT:
    case HL_SCHED_FUSE:
    case HL_SCHED_RENAME: {
        func_split *sp = &s->splits[s->nsplits];
        memset(sp, 0, sizeof *sp);
        if (d->kind == HL_SCHED_SPLIT) {
            sp->kind = FUNC_SPLIT;
            sp->old_var = dup_or_null(d->vars[0], &ok);
            sp->outer = dup_or_null(d->vars[1], &ok);
            sp->inner = dup_or_null(d->vars[2], &ok);
            sp->factor = retained((ir_node *)d->factor);
            sp->tail = d->tail;
        } else if (d->kind == HL_SCHED_FUSE) {
            sp->kind = FUNC_FUSE;
            sp->inner = dup_or_null(d->vars[0], &ok);
            sp->outer = dup_or_null(d->vars[1], &ok);
            sp->old_var = dup_or_null(d->vars[2], &ok);
        } else {
            sp->kind = FUNC_RENAME;
            sp->old_var = dup_or_null(d->vars[0], &ok);
            sp->outer = dup_or_null(d->vars[1], &ok);
        }
        s->nsplits++;
        if (!ok) return -1;
        if (d->kind == HL_SCHED_SPLIT) {
            int i = find_dim(s, d->vars[0]);
            hl_loop_kind kind = s->dims[i].kind;
            char *inner = dup_or_null(d->vars[2], &ok), *outer = dup_or_null(d->vars[1], &ok);
            if (!ok) {
                hl_free(inner);
                hl_free(outer);
                return -1;
            }
            memmove(&s->dims[i + 2], &s->dims[i + 1], sizeof(func_dim) * (size_t)(s->ndims - i - 1));
            hl_free(s->dims[i].var);
            s->dims[i] = (func_dim){inner, kind};
            s->dims[i + 1] = (func_dim){outer, HL_LOOP_SERIAL};
            s->ndims++;
        } else if (d->kind == HL_SCHED_FUSE) {
            int inner = find_dim(s, d->vars[0]), outer = find_dim(s, d->vars[1]);
            char *fused = dup_or_null(d->vars[2], &ok);
            if (!ok) return -1;
            hl_free(s->dims[inner].var);
            s->dims[inner].var = fused;
            hl_free(s->dims[outer].var);
            memmove(&s->dims[outer], &s->dims[outer + 1], sizeof(func_dim) * (size_t)(s->ndims - outer - 1));
            s->ndims--;
        } else {
            int i = find_dim(s, d->vars[0]);
            char *name = dup_or_null(d->vars[1], &ok);
            if (!ok) return -1;
            hl_free(s->dims[i].var);
            s->dims[i].var = name;
        }
        return 0;
    }
    case HL_SCHED_REORDER: {
        /* The named loops keep the set of positions they occupied; they are filled in the
         * given order, innermost first. */
        int pos[64], n = 0;
        for (int i = 0; i < s->ndims && n < 64; i++)
            for (int j = 0; j < d->nvars; j++)
                if (strcmp(s->dims[i].var, d->vars[j]) == 0) pos[n++] = i;
        func_dim moved[64];
        for (int j = 0; j < d->nvars && j < 64; j++) moved[j] = s->dims[find_dim(s, d->vars[j])];
        for (int j = 0; j < n; j++) s->dims[pos[j]] = moved[j];
        return 0;
    }
    case HL_SCHED_LOOP_KIND: s->dims[find_dim(s, d->vars[0])].kind = d->loop_kind; return 0;
    case HL_SCHED_PARTITION: return 0;
    case HL_SCHED_COMPUTE_AT: return set_level(&s->compute, &d->level);
    case HL_SCHED_STORE_AT:
    case HL_SCHED_HOIST_STORAGE: return set_level(&s->store, &d->level);
    case HL_SCHED_BOUND:
    case HL_SCHED_ESTIMATE:
    case HL_SCHED_ALIGN_BOUNDS:
    case HL_SCHED_ALIGN_EXTENT: {
        func_bound *b = &s->bounds[s->nbounds];
        memset(b, 0, sizeof *b);
        b->var = dup_or_null(d->vars[0], &ok);
        b->is_estimate = d->kind == HL_SCHED_ESTIMATE;
        if (d->kind == HL_SCHED_BOUND || d->kind == HL_SCHED_ESTIMATE) {
            b->min = retained((ir_node *)d->min);
            b->extent = retained((ir_node *)d->extent);
        } else {
            b->modulus = retained((ir_node *)d->factor);
            if (d->kind == HL_SCHED_ALIGN_BOUNDS)
                b->remainder = d->min ? retained((ir_node *)d->min) : NULL;
        }
        s->nbounds++;
        return ok ? 0 : -1;
    }
    case HL_SCHED_ALIGN_STORAGE: {
        int64_t k = 0;
        ir_const_int(d->factor, &k);
        for (int i = 0; i < s->nstorage; i++)
            if (strcmp(s->storage[i], d->vars[0]) == 0) s->storage_align[i] = (int)k;
        return 0;
    }
    case HL_SCHED_REORDER_STORAGE: {
        int pos[64], n = 0;
        for (int i = 0; i < s->nstorage && n < 64; i++)
            for (int j = 0; j < d->nvars; j++)
                if (strcmp(s->storage[i], d->vars[j]) == 0) pos[n++] = i;
        char *names[64];
        int align[64];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < s->nstorage; i++)
                if (strcmp(s->storage[i], d->vars[j]) == 0) {
                    names[j] = s->storage[i];
                    align[j] = s->storage_align[i];
                }
        for (int j = 0; j < n; j++) {
            s->storage[pos[j]] = names[j];
            s->storage_align[pos[j]] = align[j];
        }
        return 0;
    }
    }
    (void)f;
    return 0;
}

hl_status hl_func_schedule(hl_func *f, const hl_schedule_directive *d) {
    return hl_func_schedule_stage(f, 0, d);
}

static hl_status schedule_target(hl_func *f, int stage, func_schedule *target, const hl_schedule_directive *d);

hl_status hl_func_schedule_stage(hl_func *f, int stage, const hl_schedule_directive *d) {
    if (stage < 0 || stage > f->nupdates) {
        char msg[256];
        snprintf(msg, sizeof msg, "Func %s has no update definition %d", f->name, stage - 1);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    return schedule_target(f, stage, stage == 0 ? &f->sched : &f->updates[stage - 1].sched, d);
}

hl_status hl_func_schedule_specialization(hl_func *f, int index, const hl_schedule_directive *d) {
    if (index < 1 || index > f->nspecs || !f->specs[index - 1].condition) {
        ctx_set_last_error("No such specialization");
        return HL_ERROR_USER;
    }
    if (d->kind != HL_SCHED_SPLIT && d->kind != HL_SCHED_FUSE && d->kind != HL_SCHED_RENAME &&
        d->kind != HL_SCHED_REORDER && d->kind != HL_SCHED_LOOP_KIND && d->kind != HL_SCHED_PARTITION) {
        char msg[256];
        snprintf(msg, sizeof msg, "A specialization of %s can only change its loops (split, fuse, reorder, "
                 "vectorize, parallel, unroll...), not where it is computed or stored", f->name);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    return schedule_target(f, 0, &f->specs[index - 1].sched, d);
}

static hl_status schedule_target(hl_func *f, int stage, func_schedule *target, const hl_schedule_directive *d) {
    validate_call v = {f, d, target, stage};
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) {
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&ctx, validate, &v);
    ctx_close(&ctx);
    if (status != HL_OK) return (hl_status)status;
    if (d->nvars > 60) {
        ctx_set_last_error("Too many Vars in one schedule directive");
        return HL_ERROR_USER;
    }
    func_schedule next;
    if (schedule_copy(&next, target) < 0 || apply(&next, f, d) < 0) {
        func_schedule_free(&next);
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    func_schedule_free(target);
    *target = next;
    func_bump_generation();
    return HL_OK;
}

/* ---- Queries ------------------------------------------------------------------------------------- */

int hl_func_num_loops(const hl_func *f) { return f->sched.ndims; }
const char *hl_func_loop_name(const hl_func *f, int i) { return f->sched.dims[i].var; }
hl_loop_kind hl_func_loop_kind(const hl_func *f, int i) { return f->sched.dims[i].kind; }

static hl_loop_level public_level(const func_level *l) {
    hl_loop_level r = {l->kind, l->func, l->var};
    return r;
}

hl_loop_level hl_func_compute_level(const hl_func *f) { return public_level(&f->sched.compute); }
hl_loop_level hl_func_store_level(const hl_func *f) { return public_level(&f->sched.store); }

/* ---- Specializations ---------------------------------------------------------------------- */

static hl_status add_specialization(hl_func *f, const hl_expr *condition, const char *message, int *index) {
    char msg[256];
    if (!hl_func_defined(f)) {
        snprintf(msg, sizeof msg, "Can't specialize Func %s: it has no definition yet", f->name);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    if (f->nspecs && !f->specs[f->nspecs - 1].condition) {
        snprintf(msg, sizeof msg, "Func %s: nothing can follow specialize_fail()", f->name);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    if (condition && (!ir_is_bool(condition->type) || condition->type.lanes != 1)) {
        snprintf(msg, sizeof msg, "The condition of a specialization of %s must be a boolean", f->name);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    func_specialization sp;
    memset(&sp, 0, sizeof sp);
    int ok = schedule_copy(&sp.sched, &f->sched) == 0;
    if (ok && message) ok = (sp.fail_message = hl_strdup(message)) != NULL;
    func_specialization *grown = ok ? hl_realloc(f->specs, sizeof *grown * (size_t)(f->nspecs + 1)) : NULL;
    if (!grown) {
        func_schedule_free(&sp.sched);
        hl_free(sp.fail_message);
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    ir_retain((ir_node *)condition);
    sp.condition = (ir_node *)condition;
    f->specs = grown;
    f->specs[f->nspecs++] = sp;
    if (index) *index = f->nspecs;
    func_bump_generation();
    return HL_OK;
}

hl_status hl_func_specialize(hl_func *f, const hl_expr *condition, int *index) {
    if (!condition) {
        ctx_set_last_error("specialize() needs a condition");
        return HL_ERROR_USER;
    }
    return add_specialization(f, condition, NULL, index);
}

hl_status hl_func_specialize_fail(hl_func *f, const char *message) {
    return add_specialization(f, NULL, message ? message : "", NULL);
}

void func_free_specializations(hl_func *f) {
    for (int i = 0; i < f->nspecs; i++) {
        ir_release(f->specs[i].condition);
        func_schedule_free(&f->specs[i].sched);
        hl_free(f->specs[i].fail_message);
    }
    hl_free(f->specs);
    f->specs = NULL;
    f->nspecs = 0;
}
