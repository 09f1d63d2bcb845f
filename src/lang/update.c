/* update.c - update definitions of Funcs, and the inline reductions built on them.
 *
 * An update definition is validated and built in an arena, then persisted: its arguments
 * become int32, calls of the Func to itself become weak references (the Func owns its
 * updates; a strong self reference would be a cycle), and its stage gets the default loop
 * order: the RDom's RVars innermost (x first), then the pure Vars in argument order.
 * Inline reductions (sum, product, maximum, minimum, argmax, argmin) make an anonymous Func
 * over the expression's free pure Vars with an initial value and one update over the RDom.
 */
#include "func.h"
#include "util/alloc.h"
#include "util/check.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static hl_status fail(hl_status s, const char *msg) {
    ctx_set_last_error(msg);
    return s;
}

/* ---- Analysis helpers ------------------------------------------------------------------------ */

typedef struct free_vars {
    const hl_func *f;
    hl_rdom *rdom;         /* the one RDom used */
    bool two_rdoms;
    const char *names[64]; /* free pure Variables (no ref), in order of appearance */
    int n;
} free_vars;

static void collect(ir_visitor *v, const ir_node *n) {
    free_vars *st = v->state;
    if (n->kind == IR_Variable) {
        if (n->ref_kind == IR_REF_RDOM) {
            if (st->rdom && st->rdom != n->ref) st->two_rdoms = true;
            st->rdom = n->ref;
        } else if (n->ref_kind == IR_REF_NONE) {
            bool seen = false;
            for (int i = 0; i < st->n; i++) seen |= strcmp(st->names[i], n->name) == 0;
            if (!seen && st->n < 64) st->names[st->n++] = n->name;
        }
    }
    ir_visit_kids(v, n);
}

/* Calls of f to itself become weak references. */
static ir_node *weaken_self_calls(ir_mutator *m, ir_node *n) {
    n = ir_mutate_kids(m, n);
    if (n->kind == IR_Call && n->op == IR_CALL_HALIDE && n->ref == m->state && n->ref_kind == IR_REF_FUNC) {
        ir_node *c = ir_call(m->ctx, n->type, n->name, IR_CALL_HALIDE, n->nkids, n->kids);
        c->op2 = n->op2;
        ir_set_ref(c, IR_REF_FUNC_WEAK, m->state);
        return c;
    }
    return n;
}

/* A call of f to itself must use the pure Vars exactly where the left-hand side has them. */
typedef struct self_call_state {
    const hl_func *f;
    hl_expr *const *lhs;
    const char *bad;
} self_call_state;

static void check_self_call(ir_visitor *v, const ir_node *n) {
    self_call_state *st = v->state;
    if (n->kind == IR_Call && n->op == IR_CALL_HALIDE && n->ref == st->f)
        for (int i = 0; i < n->nkids && i < st->f->nargs; i++) {
            const ir_node *l = st->lhs[i];
            if (l->kind == IR_Variable && l->ref_kind == IR_REF_NONE && !ir_equal(n->kids[i], l)) st->bad = l->name;
        }
    ir_visit_kids(v, n);
}

/* ---- Update definitions ------------------------------------------------------------------------ */

typedef struct update_build {
    hl_func *f;
    int nargs, nvalues;
    hl_expr *const *args;
    hl_expr *const *values;
    ir_node **out_args, **out_values;
    hl_rdom *rdom;
    const char **pure; /* the update's pure Vars, in argument order */
    int npure;
} update_build;

static void build_update(hl_ctx *ctx, void *ud) {
    update_build *b = ud;
    hl_func *f = b->f;
    int stage = f->nupdates + 1;
    user_assert(ctx, hl_func_defined(f), "Func %s has no pure definition yet: its first definition must "
                "assign every argument a Var", f->name);
    user_assert(ctx, b->nargs == f->nargs,
                "Update definition %d of Func %s has %d argument%s, but %s has %d", stage, f->name, b->nargs,
                b->nargs == 1 ? "" : "s", f->name, f->nargs);
    user_assert(ctx, b->nvalues == f->nvalues,
                "Update definition %d of Func %s has %d value%s, but the pure definition has %d", stage,
                f->name, b->nvalues, b->nvalues == 1 ? "" : "s", f->nvalues);
    free_vars fv = {f, NULL, false, {0}, 0};
    ir_visitor v = {ctx, collect, &fv};
    ir_mutator weaken = {ctx, weaken_self_calls, f};
    b->out_args = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(b->nargs ? b->nargs : 1));
    b->out_values = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)b->nvalues);
    b->pure = ctx_alloc(ctx, sizeof(char *) * (size_t)(b->nargs ? b->nargs : 1));
    for (int i = 0; i < b->nargs; i++) {
        ir_node *a = (ir_node *)b->args[i];
        user_assert(ctx, a && !ir_is_float(a->type) && !ir_is_handle(a->type) && !ir_is_bool(a->type) &&
                             a->type.lanes == 1,
                    "Argument %d of update definition %d of Func %s must be an integer expression", i + 1,
                    stage, f->name);
        if (a->kind == IR_Variable && a->ref_kind == IR_REF_NONE) {
            user_assert(ctx, strcmp(a->name, f->args[i]) == 0,
                        "In update definition %d of Func %s, pure Var %s is argument %d, but the pure "
                        "definition has %s there",
                        stage, f->name, a->name, i + 1, f->args[i]);
            b->pure[b->npure++] = a->name;
        }
        ir_visit(&v, a);
        a = ir_type_eq(a->type, ir_int(32)) ? a : ir_cast(ctx, ir_int(32), a);
        b->out_args[i] = ir_mutate(&weaken, a);
    }
    for (int i = 0; i < b->nvalues; i++) {
        ir_node *val = (ir_node *)b->values[i];
        user_assert(ctx, val && !ir_is_stmt(val), "Value %d of update definition %d of Func %s is undefined", i,
                    stage, f->name);
        if (!ir_type_eq(val->type, f->values[i]->type)) {
            char got[48], want[48];
            user_error(ctx,
                       "In update definition %d of Func %s, value %d has type %s, but the pure definition "
                       "has type %s",
                       stage, f->name, i, hl_type_name(val->type, got, sizeof got),
                       hl_type_name(f->values[i]->type, want, sizeof want));
        }
        ir_visit(&v, val);
        b->out_values[i] = ir_mutate(&weaken, val);
    }
    user_assert(ctx, !fv.two_rdoms, "Update definition %d of Func %s uses RVars of more than one RDom", stage,
                f->name);
    /* random_*: a hash of the update's arguments and of every RVar of its RDom. */
    int nr = fv.rdom ? fv.rdom->dims : 0;
    ir_node **hash_args = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(b->nargs + nr + 1));
    for (int i = 0; i < b->nargs; i++) hash_args[i] = b->out_args[i];
    for (int i = 0; i < nr; i++) {
        hash_args[b->nargs + i] = ir_var(ctx, ir_int(32), fv.rdom->vars[i]);
        ir_set_ref(hash_args[b->nargs + i], IR_REF_RDOM, fv.rdom);
    }
    for (int i = 0; i < b->nvalues; i++)
        if (func_uses_random(ctx, b->out_values[i]))
            b->out_values[i] = func_lower_random(ctx, b->out_values[i], b->nargs + nr, hash_args);
    self_call_state sc = {f, b->args, NULL};
    ir_visitor sv = {ctx, check_self_call, &sc};
    for (int i = 0; i < b->nvalues; i++) ir_visit(&sv, b->values[i]);
    user_assert(ctx, !sc.bad,
                "In update definition %d of Func %s, all recursive references to %s must use the pure Var %s "
                "in the position where the left-hand side has it",
                stage, f->name, f->name, sc.bad ? sc.bad : "");
    for (int i = 0; i < fv.n; i++) {
        bool ok = false;
        for (int j = 0; j < b->npure; j++) ok |= strcmp(fv.names[i], b->pure[j]) == 0;
        user_assert(ctx, ok, "Undefined variable %s in update definition %d of Func %s: only the pure Vars "
                    "among its arguments may appear", fv.names[i], stage, f->name);
    }
    if (fv.rdom && fv.rdom->predicate) ir_visit(&v, fv.rdom->predicate);
    b->rdom = fv.rdom;
}

static void free_update(func_update *u) {
    for (int i = 0; i < u->nargs; i++) ir_release(u->args[i]);
    for (int i = 0; i < u->nvalues; i++) ir_release(u->values[i]);
    hl_free(u->args);
    hl_free(u->values);
    hl_rdom_release(u->rdom);
    func_schedule_free(&u->sched);
}

void func_free_updates(hl_func *f) {
    for (int i = 0; i < f->nupdates; i++) free_update(&f->updates[i]);
    hl_free(f->updates);
    f->updates = NULL;
    f->nupdates = 0;
}

static char *dup(const char *s, bool *ok) {
    char *c = hl_strdup(s);
    if (!c) *ok = false;
    return c;
}

hl_status hl_func_define_update(hl_func *f, int nargs, hl_expr *const *args, int nvalues,
                                hl_expr *const *values) {
    update_build b = {f, nargs, nvalues, args, values, NULL, NULL, NULL, NULL, 0};
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return fail(HL_ERROR_NOMEM, "Out of memory");
    int status = ctx_pcall(&ctx, build_update, &b);
    if (status != HL_OK) {
        ctx_close(&ctx);
        return (hl_status)status;
    }
    func_update u;
    memset(&u, 0, sizeof u);
    bool ok = true;
    u.args = hl_calloc((size_t)(nargs ? nargs : 1), sizeof(ir_node *));
    u.values = hl_calloc((size_t)nvalues, sizeof(ir_node *));
    int nr = b.rdom ? b.rdom->dims : 0;
    u.sched.dims = hl_calloc((size_t)(nr + b.npure + 1), sizeof(func_dim));
    u.sched.compute.kind = HL_LEVEL_INLINED;
    ok = u.args && u.values && u.sched.dims;
    for (int i = 0; ok && i < nargs; i++, u.nargs++) ok = (u.args[i] = ir_persist(b.out_args[i])) != NULL;
    for (int i = 0; ok && i < nvalues; i++, u.nvalues++) ok = (u.values[i] = ir_persist(b.out_values[i])) != NULL;
    /* Default loop order, innermost first: the RVars (x first), then the pure Vars. */
    for (int i = 0; ok && i < nr; i++, u.sched.ndims++) u.sched.dims[u.sched.ndims].var = dup(b.rdom->vars[i], &ok);
    for (int i = 0; ok && i < b.npure; i++, u.sched.ndims++) u.sched.dims[u.sched.ndims].var = dup(b.pure[i], &ok);
    ctx_close(&ctx);
    func_update *grown = ok ? hl_realloc(f->updates, sizeof *grown * (size_t)(f->nupdates + 1)) : NULL;
    if (!grown) {
        free_update(&u);
        return fail(HL_ERROR_NOMEM, "Out of memory");
    }
    u.rdom = b.rdom;
    hl_rdom_retain(u.rdom);
    if (u.rdom) u.rdom->used = true;
    f->updates = grown;
    f->updates[f->nupdates++] = u;
    func_bump_generation();
    return HL_OK;
}

void func_replace_update(hl_func *f, int stage) {
    free_update(&f->updates[stage - 1]);
    f->updates[stage - 1] = f->updates[--f->nupdates];
    func_bump_generation();
}

int hl_func_num_updates(const hl_func *f) { return f->nupdates; }

const hl_expr *hl_func_update_arg(const hl_func *f, int stage, int i) {
    if (stage < 1 || stage > f->nupdates || i < 0 || i >= f->updates[stage - 1].nargs) return NULL;
    return f->updates[stage - 1].args[i];
}

const hl_expr *hl_func_update_value(const hl_func *f, int stage, int i) {
    if (stage < 1 || stage > f->nupdates || i < 0 || i >= f->updates[stage - 1].nvalues) return NULL;
    return f->updates[stage - 1].values[i];
}

hl_status hl_func_allow_race_conditions(hl_func *f, int stage) {
    if (stage < 0 || stage > f->nupdates) return fail(HL_ERROR_USER, "No such stage");
    (stage == 0 ? &f->sched : &f->updates[stage - 1].sched)->allow_race = 1;
    func_bump_generation();
    return HL_OK;
}

typedef struct atomic_check {
    hl_func *f;
    int stage, override;
} atomic_check;

static void check_atomic_protected(hl_ctx *ctx, void *ud) {
    atomic_check *c = ud;
    func_check_atomic(ctx, c->f, c->stage, c->override);
}

hl_status hl_func_atomic(hl_func *f, int stage, int override_associativity_test) {
    if (stage < 1 || stage > f->nupdates) return fail(HL_ERROR_USER, "atomic() applies to update definitions only");
    atomic_check c = {f, stage, override_associativity_test};
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return fail(HL_ERROR_NOMEM, "Out of memory");
    int status = ctx_pcall(&ctx, check_atomic_protected, &c);
    ctx_close(&ctx);
    if (status != HL_OK) return (hl_status)status;
    func_schedule *s = &f->updates[stage - 1].sched;
    s->allow_race = 1;
    s->atomic = override_associativity_test ? 2 : 1;
    func_bump_generation();
    return HL_OK;
}

/* ---- Inline reductions --------------------------------------------------------------------- */

typedef struct reduction_scan {
    hl_rdom *rdom;
    bool two_rdoms;
    const char *vars[64];
    int nvars;
} reduction_scan;

static void scan_reduction(hl_ctx *ctx, void *ud) {
    reduction_scan *rs = ud;
    free_vars fv = {NULL, NULL, false, {0}, 0};
    ir_visitor v = {ctx, collect, &fv};
    ir_visit(&v, (const ir_node *)rs->vars[63]); /* the expression, stashed by the caller */
    rs->rdom = fv.rdom;
    rs->two_rdoms = fv.two_rdoms;
    rs->nvars = fv.n;
    for (int i = 0; i < fv.n; i++) rs->vars[i] = fv.names[i];
    user_assert(ctx, !fv.two_rdoms, "An inline reduction may use the RVars of one RDom only");
}

hl_status hl_inline_reduction(const char *kind, const hl_expr *e, const char *name, int *nout,
                              hl_expr **out, int max_out) {
    *nout = 0;
    char msg[256];
    bool is_arg = strcmp(kind, "argmax") == 0 || strcmp(kind, "argmin") == 0;
    if (!is_arg && strcmp(kind, "sum") && strcmp(kind, "product") && strcmp(kind, "maximum") && strcmp(kind, "minimum"))
        return fail(HL_ERROR_USER, "Unknown inline reduction");
    if (!e || ir_is_handle(e->type) || e->type.lanes != 1)
        return fail(HL_ERROR_USER, "An inline reduction needs a scalar numeric expression");
    /* The free pure Vars (the anonymous Func's arguments) and the RDom. */
    reduction_scan rs = {0};
    rs.vars[63] = (const char *)e;
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return fail(HL_ERROR_NOMEM, "Out of memory");
    int status = ctx_pcall(&ctx, scan_reduction, &rs);
    int nvars = rs.nvars;
    char *names[63];
    for (int i = 0; i < nvars && status == HL_OK; i++)
        if (!(names[i] = hl_strdup(rs.vars[i]))) status = HL_ERROR_NOMEM;
    ctx_close(&ctx);
    if (status != HL_OK) return (hl_status)status;
    if (!rs.rdom) {
        for (int i = 0; i < nvars; i++) hl_free(names[i]);
        snprintf(msg, sizeof msg, "Expression passed to %s must reference a reduction domain (RDom)", kind);
        return fail(HL_ERROR_USER, msg);
    }
    int dims = rs.rdom->dims;
    int nvalues = is_arg ? dims + 1 : 1;
    if (nvalues > max_out || nvalues > 16) {
        for (int i = 0; i < nvars; i++) hl_free(names[i]);
        return fail(HL_ERROR_USER, "Too many values for an inline reduction");
    }

    hl_func *f = NULL;
    hl_expr *args[63] = {0}, *init[17] = {0}, *update[17] = {0}, *self[17] = {0}, *rv[16] = {0};
    hl_expr *tmp = NULL, *cond = NULL;
    hl_type t = e->type;
    char unique[64];
    if (!name || !name[0]) {
        static _Atomic unsigned long next_reduction = 0;
        unsigned long id = atomic_fetch_add(&next_reduction, 1);
        snprintf(unique, sizeof unique, id ? "%s$%lu" : "%s", kind, id);
        name = unique;
    }
    hl_status s = hl_func_new(name, &f);
    for (int i = 0; i < nvars && s == HL_OK; i++) s = hl_expr_var(names[i], &args[i]);
    /* Initial values: 0, 1, the type's lowest/highest value; argmax/argmin start at (0..., extreme). */
    bool want_max = strcmp(kind, "maximum") == 0 || strcmp(kind, "argmax") == 0;
    for (int i = 0; i < dims && is_arg && s == HL_OK; i++) s = hl_expr_int(ir_int(32), 0, &init[i]);
    if (s == HL_OK) {
        hl_expr **slot = &init[is_arg ? dims : 0];
        if (!strcmp(kind, "sum")) s = ir_is_float(t) ? hl_expr_float(t, 0, slot) : hl_expr_int(t, 0, slot);
        else if (!strcmp(kind, "product")) s = ir_is_float(t) ? hl_expr_float(t, 1, slot) : hl_expr_int(t, 1, slot);
        else if (ir_is_float(t)) s = hl_expr_float(t, want_max ? -INFINITY : INFINITY, slot);
        else if (ir_is_uint(t)) s = hl_expr_uint(t, want_max ? 0 : ir_type_umax(t), slot);
        else s = hl_expr_int(t, want_max ? ir_type_imin(t) : ir_type_imax(t), slot);
    }
    if (s == HL_OK) s = hl_func_define(f, nvars, args, nvalues, init);
    for (int v = 0; v < nvalues && s == HL_OK; v++) s = hl_func_call(f, nvars, args, v, &self[v]);
    hl_operand ce = hl_operand_expr(e);
    if (s == HL_OK && !is_arg) {
        hl_operand cur = hl_operand_expr(self[0]);
        hl_binop op = !strcmp(kind, "sum") ? HL_OP_ADD : !strcmp(kind, "product") ? HL_OP_MUL
                      : want_max ? HL_OP_MAX : HL_OP_MIN;
        s = hl_expr_binop(op, cur, ce, &update[0]);
    } else if (s == HL_OK) {
        /* A strictly better value replaces the current one: the first extreme wins. */
        s = hl_expr_binop(want_max ? HL_OP_GT : HL_OP_LT, ce, hl_operand_expr(self[dims]), &cond);
        for (int i = 0; i < dims && s == HL_OK; i++) {
            s = hl_rdom_var(rs.rdom, i, &rv[i]);
            hl_operand ops[3] = {hl_operand_expr(cond), hl_operand_expr(rv[i]), hl_operand_expr(self[i])};
            if (s == HL_OK) s = hl_expr_select(3, ops, &update[i]);
        }
        hl_operand ops[3] = {hl_operand_expr(cond), ce, hl_operand_expr(self[dims])};
        if (s == HL_OK) s = hl_expr_select(3, ops, &update[dims]);
    }
    if (s == HL_OK) s = hl_func_define_update(f, nvars, args, nvalues, update);
    for (int v = 0; v < nvalues && s == HL_OK; v++) {
        s = hl_func_call(f, nvars, args, v, &out[v]);
        if (s == HL_OK) *nout = v + 1;
    }
    if (s != HL_OK) {
        for (int v = 0; v < *nout; v++) hl_expr_release(out[v]);
        *nout = 0;
    }
    for (int i = 0; i < nvars; i++) {
        hl_free(names[i]);
        hl_expr_release(args[i]);
    }
    for (int v = 0; v < 17; v++) {
        hl_expr_release(init[v]);
        hl_expr_release(update[v]);
        hl_expr_release(self[v]);
    }
    for (int i = 0; i < 16; i++) hl_expr_release(rv[i]);
    hl_expr_release(tmp);
    hl_expr_release(cond);
    hl_func_release(f);
    return s;
}
