/* rfactor.c - Stage.rfactor: factoring an associative reduction through an intermediate Func.
 *
 * f.update(s).rfactor([(rv, v), ...]) turns the update
 *     f(args) = f(args) op e          over the RVars R of its RDom (after the stage's splits)
 * into two definitions:
 *     f_intm(pure..., v...) = identity(op)
 *     f_intm(args', v...)  = f_intm(args', v...) op e'   over R minus the preserved RVars
 *     f(pure...)            = f(pure...) op f_intm(pure..., rv...)   over the preserved RVars
 * where ' substitutes each preserved RVar by its Var. The intermediate has the preserved
 * RVars as pure dimensions, so its update can run them in parallel or vectorized without a
 * race; the merge sums the partial results. Splits of RVars made on the stage before rfactor
 * are applied first (r = r.min + outer * factor + inner, guarded when the factor may not
 * divide the extent), so a split's outer or inner RVar may be preserved; renames follow too.
 *
 * The update must be provably associative, value by value: each value is a chain of one
 * operator (+, *, min, max, &&, ||) in which exactly one operand is the Func's own value at
 * the update's arguments and no other operand refers to the Func. The identity is 0, 1, the
 * type's highest/lowest value (infinities for floats), true or false. Merging over all of
 * f's pure domain is correct because the intermediate holds the identity wherever the
 * update wrote nothing.
 *
 * The same analysis decides whether Stage.atomic() may apply (func_check_atomic): with it
 * one atomic read-modify-write per value (codegen_atomic.c) gives the serial result.
 *
 * Assumes: the Func and its update are well formed (update.c validated them). Guarantees:
 * on success f's stage is replaced by the merge (its schedule reset) and the new Func is
 * returned; on failure f is unchanged and the error names the Func, the stage and the cause.
 */
#include "func.h"
#include "util/alloc.h"
#include "util/check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define RF_MAX 64

/* One loop of the stage's RVars after its splits. */
typedef struct rf_dim {
    const char *name;
    ir_node *min, *extent, *placeholder;
    int preserved; /* index into the preserved list, or -1 */
} rf_dim;

typedef struct rf_job {
    hl_func *f;
    int stage, npreserved;
    const char *const *rvars;
    const char *const *vars;
    hl_func *intm; /* result (new reference) */
} rf_job;

/* ---- Substitution ------------------------------------------------------------------------- */

typedef struct subst {
    const hl_rdom *rdom; /* replace its RVars (by index) when set, else placeholders (by name) */
    int n;
    const char **names;
    ir_node **repl;
} subst;

static ir_node *subst_mutate(ir_mutator *m, ir_node *n) {
    subst *s = m->state;
    if (n->kind == IR_Variable) {
        bool match = s->rdom ? n->ref_kind == IR_REF_RDOM && n->ref == s->rdom : n->ref_kind == IR_REF_NONE;
        for (int i = 0; match && i < s->n; i++)
            if (!strcmp(n->name, s->names[i])) return s->repl[i];
        return n;
    }
    return ir_mutate_kids(m, n);
}

static ir_node *substitute(hl_ctx *ctx, subst *s, ir_node *e) {
    ir_mutator m = {ctx, subst_mutate, s};
    return e ? ir_mutate(&m, e) : NULL;
}

/* ---- Associativity ----------------------------------------------------------------------------- */

typedef struct refers {
    const hl_func *f;
    bool found;
} refers;

static void refers_visit(ir_visitor *v, const ir_node *n) {
    refers *r = v->state;
    if (n->kind == IR_Call && n->op == IR_CALL_HALIDE && n->ref == r->f) r->found = true;
    ir_visit_kids(v, n);
}

static bool refers_to(hl_ctx *ctx, const ir_node *e, const hl_func *f) {
    refers r = {f, false};
    ir_visitor v = {ctx, refers_visit, &r};
    ir_visit(&v, e);
    return r.found;
}

static bool is_self_value(const ir_node *n, const hl_func *f, const func_update *u, int k) {
    if (n->kind != IR_Call || n->op != IR_CALL_HALIDE || n->ref != f || n->op2 != k || n->nkids != u->nargs)
        return false;
    for (int i = 0; i < u->nargs; i++)
        if (!ir_equal(n->kids[i], u->args[i])) return false;
    return true;
}

/* Operands of the chain of `kind` rooted at n, left to right. */
static void flatten(const ir_node *n, ir_kind kind, const ir_node **terms, int *nterms) {
    if (n->kind == kind && *nterms < RF_MAX - 1) {
        flatten(n->kids[0], kind, terms, nterms);
        flatten(n->kids[1], kind, terms, nterms);
    } else if (*nterms < RF_MAX) {
        terms[(*nterms)++] = n;
    }
}

/* Splits value k into (op, e) with value = self op e; false when it has not that form. */
static bool associative_form(hl_ctx *ctx, const hl_func *f, const func_update *u, int k, ir_kind *op,
                             ir_node **e) {
    static const ir_kind ops[] = {IR_Add, IR_Mul, IR_Min, IR_Max, IR_And, IR_Or};
    const ir_node *v = u->values[k];
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        if (v->kind != ops[o]) continue;
        const ir_node *terms[RF_MAX];
        int nterms = 0, self = -1;
        flatten(v, ops[o], terms, &nterms);
        for (int i = 0; i < nterms; i++) {
            if (self < 0 && is_self_value(terms[i], f, u, k)) self = i;
            else if (refers_to(ctx, terms[i], f)) return false;
        }
        if (self < 0 || nterms < 2) return false;
        ir_node *rest = NULL;
        for (int i = 0; i < nterms; i++)
            if (i != self) rest = rest ? ir_binary(ctx, ops[o], rest, (ir_node *)terms[i]) : (ir_node *)terms[i];
        *op = ops[o];
        *e = rest;
        return true;
    }
    return false;
}

static ir_node *identity(hl_ctx *ctx, ir_kind op, hl_type t) {
    switch (op) {
    case IR_Add: return ir_make_zero(ctx, t);
    case IR_Mul: return ir_make_one(ctx, t);
    case IR_And: return ir_make_bool(ctx, true, 1);
    case IR_Or: return ir_make_bool(ctx, false, 1);
    default: break;
    }
    bool is_min = op == IR_Min;
    if (ir_is_float(t)) return ir_float_imm(ctx, t, is_min ? INFINITY : -INFINITY);
    if (ir_is_uint(t)) return ir_uint_imm(ctx, t, is_min ? ir_type_umax(t) : 0);
    return ir_int_imm(ctx, t, is_min ? ir_type_imax(t) : ir_type_imin(t));
}

typedef struct other_reads {
    const hl_func *f;
    const func_update *u;
    int k;
    bool found;
} other_reads;

static void other_reads_visit(ir_visitor *v, const ir_node *n) {
    other_reads *o = v->state;
    if (n->kind == IR_Call && n->op == IR_CALL_HALIDE && n->ref == o->f && !is_self_value(n, o->f, o->u, o->k))
        o->found = true;
    ir_visit_kids(v, n);
}

void func_check_atomic(hl_ctx *ctx, const hl_func *f, int stage, bool override) {
    const func_update *u = &f->updates[stage - 1];
    for (int k = 0; k < u->nvalues; k++) {
        ir_kind op;
        ir_node *rest;
        if (override) {
            /* Each value may use its own old value only: one atomic operation per value. */
            other_reads o = {f, u, k, false};
            ir_visitor v = {ctx, other_reads_visit, &o};
            ir_visit(&v, u->values[k]);
            user_assert(ctx, !o.found,
                        "atomic() on %s.update(%d): value %d reads a value of %s other than its own old "
                        "value; halide-c makes one atomic operation per value (a lock over a whole Tuple "
                        "is not supported yet)",
                        f->name, stage - 1, k, f->name);
            continue;
        }
        user_assert(ctx, associative_form(ctx, f, u, k, &op, &rest),
                    "Failed to call atomic() on %s.update(%d) since it can't prove associativity or "
                    "commutativity of the operator (halide-c proves f(args) = f(args) op e with op one of "
                    "+, *, min, max, &&, ||, each value of a Tuple on its own)",
                    f->name, stage - 1);
    }
}

/* ---- The transformation ------------------------------------------------------------------------- */

static rf_dim *find_dim(rf_dim *dims, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(dims[i].name, name)) return &dims[i];
    return NULL;
}

static ir_node *placeholder(hl_ctx *ctx, const char *name) {
    char buf[600];
    snprintf(buf, sizeof buf, "\x01%s", name);
    return ir_var(ctx, ir_int(32), buf);
}

/* A new RDom named `name` over the given loops (heap copies of their bounds). */
static hl_rdom *new_rdom(hl_ctx *ctx, const char *name, int n, const rf_dim *const *dims, ir_node *pred) {
    hl_rdom *r = hl_calloc(1, sizeof *r);
    if (!r) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
    r->refs = 1;
    r->name = hl_strdup(name);
    r->vars = hl_calloc((size_t)n, sizeof(char *));
    r->mins = hl_calloc((size_t)n, sizeof(ir_node *));
    r->extents = hl_calloc((size_t)n, sizeof(ir_node *));
    bool ok = r->name && r->vars && r->mins && r->extents;
    for (int i = 0; ok && i < n; i++, r->dims = i) {
        r->vars[i] = hl_strdup(dims[i]->name);
        r->mins[i] = ir_persist(dims[i]->min);
        r->extents[i] = ir_persist(dims[i]->extent);
        ok = r->vars[i] && r->mins[i] && r->extents[i];
    }
    if (ok && pred) ok = (r->predicate = ir_persist(pred)) != NULL;
    if (!ok) {
        hl_rdom_release(r);
        ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
    }
    r->used = true;
    return r;
}

static ir_node *rvar_of(hl_ctx *ctx, hl_rdom *r, int i) {
    ir_node *v = ir_var(ctx, ir_int(32), r->vars[i]);
    ir_set_ref(v, IR_REF_RDOM, r);
    return v;
}

/* Raises the status of a failed public call with its message. */
static void check_status(hl_ctx *ctx, hl_status s) {
    if (s != HL_OK) ctx_raise(ctx, s, "%s", hl_last_error());
}

typedef struct rf_refs {
    hl_rdom *intm_rdom, *merge_rdom;
    hl_func *intm;
    hl_expr *held[4 * RF_MAX];
    int nheld;
} rf_refs;

static hl_expr *hold(hl_ctx *ctx, rf_refs *refs, hl_expr *e) {
    if (refs->nheld == 4 * RF_MAX) {
        hl_expr_release(e);
        ctx_raise(ctx, HL_ERROR_USER, "rfactor: too many values");
    }
    return refs->held[refs->nheld++] = e;
}

static void rfactor_protected(hl_ctx *ctx, void *ud) {
    rf_job *job = ((void **)ud)[0];
    rf_refs *refs = ((void **)ud)[1];
    hl_func *f = job->f;
    int stage = job->stage;
    user_assert(ctx, stage >= 1 && stage <= f->nupdates, "In schedule for %s: it has no update definition %d, so rfactor() does not apply",
                f->name, stage - 1);
    func_update *u = &f->updates[stage - 1];
    user_assert(ctx, u->rdom, "In schedule for %s.update(%d): can't perform rfactor() because the update has no RVars",
                f->name, stage - 1);
    user_assert(ctx, job->npreserved >= 1, "rfactor needs at least one (RVar, Var) pair");

    /* The stage's RVar loops after its splits, each original RVar as an expression of them. */
    rf_dim dims[RF_MAX];
    int ndims = 0;
    const hl_rdom *rd = u->rdom;
    ir_node *orig[RF_MAX];
    const char *orig_names[RF_MAX];
    for (int i = 0; i < rd->dims; i++) {
        dims[ndims] = (rf_dim){rd->vars[i], rd->mins[i], rd->extents[i], placeholder(ctx, rd->vars[i]), -1};
        orig[i] = dims[ndims++].placeholder;
        orig_names[i] = rd->vars[i];
    }
    ir_node *pred = NULL;
    for (int s = 0; s < u->sched.nsplits; s++) {
        const func_split *sp = &u->sched.splits[s];
        if (sp->kind == FUNC_FUSE) {
            user_assert(ctx, !find_dim(dims, ndims, sp->inner) && !find_dim(dims, ndims, sp->outer),
                        "In schedule for %s.update(%d): rfactor() of RVars that were fused (%s, %s) is not "
                        "supported yet",
                        f->name, stage - 1, sp->inner, sp->outer);
            continue;
        }
        rf_dim *d = find_dim(dims, ndims, sp->old_var);
        if (!d) continue; /* a pure Var's split */
        ir_node *old_ph = d->placeholder, *repl;
        if (sp->kind == FUNC_RENAME) {
            d->name = sp->outer;
            d->placeholder = repl = placeholder(ctx, sp->outer);
        } else {
            user_assert(ctx, ndims < RF_MAX, "rfactor: too many RVar loops");
            ir_node *factor = sp->factor, *extent = d->extent, *min = d->min;
            ir_node *outer = placeholder(ctx, sp->outer), *inner = placeholder(ctx, sp->inner);
            *d = (rf_dim){sp->inner, ir_make_zero(ctx, ir_int(32)), factor, inner, -1};
            ir_node *outer_extent = ir_binary(
                ctx, IR_Div, ir_binary(ctx, IR_Sub, ir_binary(ctx, IR_Add, extent, factor), ir_make_one(ctx, ir_int(32))),
                factor);
            dims[ndims++] = (rf_dim){sp->outer, ir_make_zero(ctx, ir_int(32)), outer_extent, outer, -1};
            ir_node *offset = ir_binary(ctx, IR_Add, ir_binary(ctx, IR_Mul, outer, factor), inner);
            int64_t ce, cf;
            if (!(ir_const_int(extent, &ce) && ir_const_int(factor, &cf) && cf > 0 && ce % cf == 0)) {
                /* The tail is guarded by the predicate; the clamp keeps what the guarded-off
                 * iterations would touch inside the RVar's range, so that bounds inference
                 * (which narrows by conditions on variables only) sees the true footprint. */
                ir_node *in_range = ir_binary(ctx, IR_LT, offset, extent);
                pred = pred ? ir_binary(ctx, IR_And, pred, in_range) : in_range;
                offset = ir_binary(ctx, IR_Min, offset, ir_binary(ctx, IR_Sub, extent, ir_make_one(ctx, ir_int(32))));
            }
            repl = ir_binary(ctx, IR_Add, min, offset);
        }
        const char *ph_name = old_ph->name;
        subst s1 = {NULL, 1, &ph_name, &repl};
        for (int i = 0; i < rd->dims; i++) orig[i] = substitute(ctx, &s1, orig[i]);
        pred = substitute(ctx, &s1, pred);
    }

    /* The preserved loops and their Vars. */
    for (int p = 0; p < job->npreserved; p++) {
        rf_dim *d = find_dim(dims, ndims, job->rvars[p]);
        user_assert(ctx, d, "In schedule for %s.update(%d): can't perform rfactor() on %s since either it is not "
                    "in the reduction domain, or has already been consumed by another scheduling directive",
                    f->name, stage - 1, job->rvars[p]);
        user_assert(ctx, d->preserved < 0, "In schedule for %s.update(%d): rfactor() lists RVar %s twice", f->name,
                    stage - 1, job->rvars[p]);
        d->preserved = p;
        for (int i = 0; i < f->nargs; i++)
            user_assert(ctx, strcmp(f->args[i], job->vars[p]) != 0,
                        "In schedule for %s.update(%d): can't perform rfactor() on %s because the name %s is "
                        "already used elsewhere in the Func's schedule",
                        f->name, stage - 1, job->rvars[p], job->vars[p]);
        for (int q = 0; q < p; q++)
            user_assert(ctx, strcmp(job->vars[q], job->vars[p]) != 0, "In schedule for %s.update(%d): rfactor() lists Var %s twice",
                        f->name, stage - 1, job->vars[p]);
    }

    /* Associativity, value by value. */
    ir_kind ops[RF_MAX];
    ir_node *rest[RF_MAX];
    user_assert(ctx, u->nvalues <= RF_MAX, "rfactor: too many values");
    for (int k = 0; k < u->nvalues; k++)
        user_assert(ctx, associative_form(ctx, f, u, k, &ops[k], &rest[k]),
                    "In schedule for %s.update(%d): can't perform rfactor() because we can't prove "
                    "associativity of the operator (halide-c proves f(args) = f(args) op e with op one of +, *, "
                    "min, max, &&, ||, each value of a Tuple on its own)",
                    f->name, stage - 1);

    /* The intermediate's RDom: the loops not preserved, in the stage's loop order. */
    const rf_dim *kept[RF_MAX], *merged[RF_MAX];
    int nkept = 0;
    for (int i = 0; i < u->sched.ndims; i++) {
        rf_dim *d = find_dim(dims, ndims, u->sched.dims[i].var);
        if (d && d->preserved < 0) kept[nkept++] = d;
    }
    for (int i = 0; i < ndims; i++) {
        bool listed = false;
        for (int j = 0; j < nkept; j++) listed |= kept[j] == &dims[i];
        if (!listed && dims[i].preserved < 0) kept[nkept++] = &dims[i];
    }
    for (int p = 0; p < job->npreserved; p++) merged[p] = find_dim(dims, ndims, job->rvars[p]);

    /* Placeholders become the intermediate's RVars or the preserved Vars. */
    if (rd->predicate) {
        subst s0 = {NULL, rd->dims, orig_names, orig}; /* its RVars are plain names (rdom.c) */
        ir_node *p0 = substitute(ctx, &s0, rd->predicate);
        pred = pred ? ir_binary(ctx, IR_And, p0, pred) : p0;
    }
    const char *ph_names[RF_MAX];
    ir_node *finals[RF_MAX];
    char name[600];
    snprintf(name, sizeof name, "%s_intm", f->name);
    for (int i = 0; i < ndims; i++) ph_names[i] = dims[i].placeholder->name;
    /* First the Vars; the RVars refer to the RDom made next. */
    for (int i = 0; i < ndims; i++)
        finals[i] = dims[i].preserved >= 0 ? ir_var(ctx, ir_int(32), job->vars[dims[i].preserved]) : NULL;
    if (nkept > 0) {
        /* Make the RDom without predicate first, then substitute, then attach it. */
        refs->intm_rdom = new_rdom(ctx, name, nkept, kept, NULL);
        /* In the predicate the RDom's own RVars are plain names (as hl_rdom_where keeps them). */
        for (int j = 0; j < nkept; j++) finals[kept[j] - dims] = ir_var(ctx, ir_int(32), kept[j]->name);
        subst s1 = {NULL, ndims, ph_names, finals};
        if (pred) {
            refs->intm_rdom->predicate = ir_persist(substitute(ctx, &s1, pred));
            if (!refs->intm_rdom->predicate) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
        }
        for (int j = 0; j < nkept; j++) finals[kept[j] - dims] = rvar_of(ctx, refs->intm_rdom, j);
    }
    subst s2 = {NULL, ndims, ph_names, finals};
    for (int i = 0; i < rd->dims; i++) orig[i] = substitute(ctx, &s2, orig[i]);
    subst s3 = {rd, rd->dims, orig_names, orig};

    /* The intermediate: identity, then the factored update. */
    int nia = f->nargs + job->npreserved;
    hl_expr *iargs[RF_MAX], *ivalues[RF_MAX];
    user_assert(ctx, nia <= RF_MAX, "rfactor: too many dimensions");
    check_status(ctx, hl_func_new(name, &refs->intm));
    hl_func *intm = refs->intm;
    for (int i = 0; i < nia; i++)
        check_status(ctx, hl_expr_var(i < f->nargs ? f->args[i] : job->vars[i - f->nargs], &iargs[i])),
            hold(ctx, refs, iargs[i]);
    for (int k = 0; k < u->nvalues; k++) {
        /* hl_func_define keeps heap Exprs as they are: persist the constants. */
        ivalues[k] = ir_persist(identity(ctx, ops[k], u->values[k]->type));
        if (!ivalues[k]) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
        hold(ctx, refs, ivalues[k]);
    }
    check_status(ctx, hl_func_define(intm, nia, iargs, u->nvalues, ivalues));

    hl_expr *uargs[RF_MAX], *uvalues[RF_MAX];
    for (int i = 0; i < f->nargs; i++) uargs[i] = substitute(ctx, &s3, u->args[i]);
    for (int p = 0; p < job->npreserved; p++) uargs[f->nargs + p] = iargs[f->nargs + p];
    for (int k = 0; k < u->nvalues; k++) {
        hl_expr *self;
        check_status(ctx, hl_func_call(intm, nia, uargs, k, &self));
        hold(ctx, refs, self);
        uvalues[k] = ir_binary(ctx, ops[k], self, substitute(ctx, &s3, rest[k]));
    }
    check_status(ctx, hl_func_define_update(intm, nia, uargs, u->nvalues, uvalues));

    /* The merge: f(pure) = f(pure) op f_intm(pure, preserved RVars). */
    snprintf(name, sizeof name, "%s_merge", f->name);
    refs->merge_rdom = new_rdom(ctx, name, job->npreserved, merged, NULL);
    hl_expr *margs[RF_MAX], *mvalues[RF_MAX];
    for (int i = 0; i < f->nargs; i++) margs[i] = iargs[i];
    for (int p = 0; p < job->npreserved; p++) margs[f->nargs + p] = rvar_of(ctx, refs->merge_rdom, p);
    for (int k = 0; k < u->nvalues; k++) {
        hl_expr *self, *part;
        check_status(ctx, hl_func_call(f, f->nargs, iargs, k, &self));
        hold(ctx, refs, self);
        check_status(ctx, hl_func_call(intm, nia, margs, k, &part));
        hold(ctx, refs, part);
        mvalues[k] = ir_binary(ctx, ops[k], self, part);
    }
    check_status(ctx, hl_func_define_update(f, f->nargs, iargs, u->nvalues, mvalues));
    func_replace_update(f, stage);
}

hl_status hl_func_rfactor(hl_func *f, int stage, int n, const char *const *rvars, const char *const *vars,
                          hl_func **out) {
    *out = NULL;
    rf_job job = {f, stage, n, rvars, vars, NULL};
    rf_refs refs;
    memset(&refs, 0, sizeof refs);
    void *ud[2] = {&job, &refs};
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) {
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&ctx, rfactor_protected, ud);
    ctx_close(&ctx);
    for (int i = 0; i < refs.nheld; i++) hl_expr_release(refs.held[i]);
    hl_rdom_release(refs.intm_rdom);
    hl_rdom_release(refs.merge_rdom);
    if (status != HL_OK) {
        hl_func_release(refs.intm);
        return (hl_status)status;
    }
    func_bump_generation();
    *out = refs.intm;
    return HL_OK;
}
