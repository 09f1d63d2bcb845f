/* func.c - Funcs of the front end: creation, pure definitions, calls.
 *
 * A definition is validated and built in an arena (so a user error leaks nothing) and
 * then persisted to the heap. Calls to Funcs and to Buffers are Call nodes holding a
 * reference to their target. Compilation and realization live in realize.c.
 */
#include "func.h"
#include "util/alloc.h"
#include "util/check.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static _Atomic unsigned long definition_generation = 1;
static _Atomic unsigned long next_func_id = 0;

unsigned long func_definition_generation(void) { return atomic_load(&definition_generation); }
void func_bump_generation(void) { atomic_fetch_add(&definition_generation, 1); }

void realize_free_cache(hl_func *f); /* realize.c */

hl_status hl_func_new(const char *name, hl_func **out) {
    *out = NULL;
    char generated[32];
    if (!name || !name[0]) {
        snprintf(generated, sizeof generated, "f%lu", atomic_fetch_add(&next_func_id, 1));
        name = generated;
    }
    hl_func *f = hl_calloc(1, sizeof *f);
    char *copy = hl_strdup(name);
    if (!f || !copy) {
        hl_free(f);
        hl_free(copy);
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    f->refs = 1;
    f->name = copy;
    pthread_mutex_init(&f->lock, NULL);
    *out = f;
    return HL_OK;
}

void hl_func_retain(hl_func *f) {
    if (f) f->refs++;
}

static void clear_definition(hl_func *f) {
    for (int i = 0; i < f->nvalues; i++) ir_release(f->values[i]);
    hl_free(f->values);
    for (int i = 0; i < f->nargs; i++) hl_free(f->args[i]);
    hl_free(f->args);
    f->values = NULL;
    f->args = NULL;
    f->nvalues = f->nargs = 0;
}

void hl_func_release(hl_func *f) {
    if (!f || --f->refs > 0) return;
    realize_free_cache(f);
    func_drop_wrappers(f);
    func_free_updates(f);
    func_free_specializations(f);
    clear_definition(f);
    func_schedule_free(&f->sched);
    pthread_mutex_destroy(&f->lock);
    hl_free(f->name);
    hl_free(f);
}

const char *hl_func_name(const hl_func *f) { return f->name; }
int hl_func_defined(const hl_func *f) { return f->nvalues > 0; }
int hl_func_dimensions(const hl_func *f) { return f->nargs; }
int hl_func_num_values(const hl_func *f) { return f->nvalues; }
hl_type hl_func_value_type(const hl_func *f, int i) { return f->values[i]->type; }
const char *hl_func_arg_name(const hl_func *f, int i) { return f->args[i]; }
const hl_expr *hl_func_value(const hl_func *f, int i) {
    return i >= 0 && i < f->nvalues ? f->values[i] : NULL;
}

/* ---- Definition ---------------------------------------------------------------------------- */

typedef struct define_call {
    hl_func *f;
    int nargs, nvalues;
    hl_expr *const *args;
    hl_expr *const *values;
    ir_node **lowered; /* per value: heap Expr with its random calls hashed, or NULL */
} define_call;

static bool calls_func(hl_ctx *ctx, const ir_node *e, const hl_func *f);

static void find_rvar(ir_visitor *v, const ir_node *n) {
    if (n->kind == IR_Variable && n->ref_kind == IR_REF_RDOM) *(bool *)v->state = true;
    else ir_visit_kids(v, n);
}

static bool uses_rdom(hl_ctx *ctx, const ir_node *e) {
    bool found = false;
    ir_visitor v = {ctx, find_rvar, &found};
    ir_visit(&v, e);
    return found;
}

/* The first free pure Var of e that is not an argument (names bound by Lets inside e are
 * not free). */
typedef struct free_var_scan {
    const define_call *d;
    const char *bound[64];
    int nbound;
    const char *found;
} free_var_scan;

static void find_free_var(ir_visitor *v, const ir_node *n) {
    free_var_scan *s = v->state;
    if (s->found) return;
    if (n->kind == IR_Variable && n->ref_kind == IR_REF_NONE) {
        bool known = false;
        for (int i = 0; !known && i < s->d->nargs; i++) known = !strcmp(s->d->args[i]->name, n->name);
        for (int i = 0; !known && i < s->nbound; i++) known = !strcmp(s->bound[i], n->name);
        if (!known) s->found = n->name;
        return;
    }
    if (n->kind == IR_Let && s->nbound < 64) {
        ir_visit(v, n->kids[0]);
        s->bound[s->nbound++] = n->name;
        ir_visit(v, n->kids[1]);
        s->nbound--;
        return;
    }
    ir_visit_kids(v, n);
}

static void check_definition(hl_ctx *ctx, define_call *d) {
    hl_func *f = d->f;
    user_assert(ctx, d->nvalues >= 1, "Func %s must be defined with at least one value",
                f->name);
    user_assert(ctx, !hl_func_defined(f),
                "Func %s is already defined; update definitions (f[...] = ... on a defined "
                "Func) are not supported yet",
                f->name);
    for (int i = 0; i < d->nargs; i++) {
        const ir_node *a = d->args[i];
        user_assert(ctx, a->kind == IR_Variable && a->ref_kind == IR_REF_NONE,
                    "Argument %d in the definition of %s is not a Var: %s. Pure definitions "
                    "take Vars only.",
                    i, f->name, ir_ctx_string(ctx, a));
        for (int j = 0; j < i; j++)
            user_assert(ctx, strcmp(d->args[j]->name, a->name) != 0,
                        "In the definition of %s, argument %d and argument %d are the same Var "
                        "(\"%s\")",
                        f->name, j, i, a->name);
    }
    for (int i = 0; i < d->nvalues; i++) {
        const ir_node *v = d->values[i];
        user_assert(ctx, v && !ir_is_stmt(v), "Value %d of %s is undefined", i, f->name);
        user_assert(ctx, !ir_is_handle(v->type) || v->kind != IR_StringImm,
                    "Value %d of %s is a string", i, f->name);
        user_assert(ctx, v->type.lanes == 1, "Value %d of %s is a vector", i, f->name);
        user_assert(ctx, !uses_rdom(ctx, v),
                    "Reduction domain referenced in pure function definition of %s: RVars can only "
                    "appear in update definitions",
                    f->name);
        user_assert(ctx, !calls_func(ctx, v, f),
                    "Func %s's pure definition refers to %s itself; recursive definitions need "
                    "an update definition",
                    f->name, f->name);
        free_var_scan scan = {d, {0}, 0, NULL};
        ir_visitor fv = {ctx, find_free_var, &scan};
        ir_visit(&fv, v);
        user_assert(ctx, !scan.found, "Undefined variable \"%s\" in definition of Func \"%s\"", scan.found,
                    f->name);
    }
}

typedef struct {
    const hl_func *f;
    bool found;
} calls_state;

static void find_call(ir_visitor *v, const ir_node *n) {
    calls_state *s = v->state;
    if (n->kind == IR_Call && n->op == IR_CALL_HALIDE && n->ref == s->f) s->found = true;
    if (!s->found) ir_visit_kids(v, n);
}

static bool calls_func(hl_ctx *ctx, const ir_node *e, const hl_func *f) {
    calls_state s = {f, false};
    ir_visitor v = {ctx, find_call, &s};
    ir_visit(&v, e);
    return s.found;
}

/* After the checks: values that use random_* get them hashed over the pure Vars. */
static void check_definition_protected(hl_ctx *ctx, void *ud) {
    define_call *d = ud;
    check_definition(ctx, d);
    for (int i = 0; i < d->nvalues; i++) {
        if (!func_uses_random(ctx, d->values[i])) continue;
        ir_node **vars = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(d->nargs ? d->nargs : 1));
        for (int j = 0; j < d->nargs; j++) vars[j] = ir_var(ctx, ir_int(32), d->args[j]->name);
        d->lowered[i] = ir_persist(func_lower_random(ctx, (ir_node *)d->values[i], d->nargs, vars));
        if (!d->lowered[i]) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
    }
}

hl_status hl_func_define(hl_func *f, int nargs, hl_expr *const *args, int nvalues,
                         hl_expr *const *values) {
    define_call d = {f, nargs, nvalues, args, values, NULL};
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    d.lowered = hl_calloc((size_t)(nvalues > 0 ? nvalues : 1), sizeof(ir_node *));
    if (!ctx.arena || !d.lowered) {
        ctx_close(&ctx);
        hl_free(d.lowered);
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&ctx, check_definition_protected, &d);
    ctx_close(&ctx);
    if (status != HL_OK) {
        for (int i = 0; i < nvalues; i++) ir_release(d.lowered[i]);
        hl_free(d.lowered);
        return (hl_status)status;
    }

    char **arg_names = hl_calloc((size_t)(nargs ? nargs : 1), sizeof(char *));
    ir_node **vals = hl_calloc((size_t)nvalues, sizeof(ir_node *));
    bool ok = arg_names && vals;
    for (int i = 0; ok && i < nargs; i++) ok = (arg_names[i] = hl_strdup(args[i]->name)) != NULL;
    if (!ok) {
        for (int i = 0; arg_names && i < nargs; i++) hl_free(arg_names[i]);
        hl_free(arg_names);
        hl_free(vals);
        for (int i = 0; i < nvalues; i++) ir_release(d.lowered[i]);
        hl_free(d.lowered);
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    for (int i = 0; i < nvalues; i++) {
        vals[i] = d.lowered[i] ? d.lowered[i] : values[i]; /* lowered: already owned */
        if (!d.lowered[i]) ir_retain(vals[i]);
    }
    hl_free(d.lowered);
    f->args = arg_names;
    f->nargs = nargs;
    f->values = vals;
    f->nvalues = nvalues;
    if (func_schedule_reset(f) < 0) {
        clear_definition(f);
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    func_bump_generation();
    return HL_OK;
}

hl_status hl_func_set_device_api(hl_func *f, int api) {
    if (!f || api < 0) {
        ctx_set_last_error("set_device_api: bad arguments");
        return HL_ERROR_USER;
    }
    f->device_api = api;
    func_bump_generation();
    return HL_OK;
}

/* ---- Calls ------------------------------------------------------------------------------------ */

typedef struct call_build {
    void *target;
    bool is_buffer;
    int nargs;
    hl_expr *const *args;
    int value_index;
    ir_node *result;
} call_build;

/* Coordinates must be integers; narrower or unsigned ones are cast to int32. */
static ir_node *coordinate(hl_ctx *ctx, const char *callee, int i, ir_node *a) {
    user_assert(ctx, a, "Argument %d of the call to \"%s\" is undefined", i, callee);
    if (ir_is_float(a->type)) {
        char type_name[48];
        user_error(ctx,
                   "Implicit cast from %s to int in argument %d in call to \"%s\" is not "
                   "allowed: coordinates must be integers. Use an explicit cast.",
                   hl_type_name(a->type, type_name, sizeof type_name), i + 1, callee);
    }
    user_assert(ctx, (ir_is_int(a->type) || ir_is_uint(a->type)) && !ir_is_bool(a->type),
                "Argument %d of the call to \"%s\" must be an integer expression", i + 1, callee);
    user_assert(ctx, a->type.lanes == 1, "Argument %d of the call to %s is a vector", i, callee);
    return ir_type_eq(a->type, ir_int(32)) ? a : ir_cast(ctx, ir_int(32), a);
}

static void build_call(hl_ctx *ctx, call_build *c) {
    const char *name;
    int dims;
    hl_type type;
    if (c->is_buffer) {
        hl_buffer *b = c->target;
        halide_buffer_t *raw = hl_buffer_raw(b);
        name = hl_buffer_name(b);
        dims = raw->dimensions;
        type = hl_type_make(raw->type.code, raw->type.bits, 1);
        user_assert(ctx, raw->host != NULL || raw->dimensions >= 0,
                    "Buffer %s is undefined and can't be called", name);
        user_assert(ctx, c->nargs == dims,
                    "Buffer %s has %d dimension%s, but is being accessed with %d argument%s",
                    name, dims, dims == 1 ? "" : "s", c->nargs, c->nargs == 1 ? "" : "s");
    } else {
        hl_func *f = c->target;
        name = f->name;
        user_assert(ctx, hl_func_defined(f),
                    "Can't call Func \"%s\" because it has not yet been defined.", name);
        dims = f->nargs;
        user_assert(ctx, c->nargs == dims,
                    "Func \"%s\" was called with %d argument%s, but was defined with %d", name,
                    c->nargs, c->nargs == 1 ? "" : "s", dims);
        user_assert(ctx, c->value_index >= 0 && c->value_index < f->nvalues,
                    "Value index %d of Func %s is out of range (it has %d value%s)",
                    c->value_index, name, f->nvalues, f->nvalues == 1 ? "" : "s");
        type = f->values[c->value_index]->type;
    }
    ir_node **args = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(c->nargs ? c->nargs : 1));
    for (int i = 0; i < c->nargs; i++) args[i] = coordinate(ctx, name, i, (ir_node *)c->args[i]);
    ir_node *call =
        ir_call(ctx, type, name, c->is_buffer ? IR_CALL_IMAGE : IR_CALL_HALIDE, c->nargs, args);
    call->op2 = c->value_index;
    ir_set_ref(call, c->is_buffer ? IR_REF_BUFFER : IR_REF_FUNC, c->target);
    c->result = call;
}

static hl_status make_call(call_build *c, hl_expr **out) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    *out = NULL;
    if (!ctx.arena) {
        ctx_set_last_error("Out of memory");
        return HL_ERROR_NOMEM;
    }
    int status = ctx_pcall(&ctx, (ctx_protected_fn)build_call, c);
    if (status == HL_OK && !(*out = ir_persist(c->result))) {
        ctx_set_last_error("Out of memory");
        status = HL_ERROR_NOMEM;
    }
    ctx_close(&ctx);
    return (hl_status)status;
}

hl_status hl_func_call(hl_func *f, int nargs, hl_expr *const *args, int value_index,
                       hl_expr **out) {
    call_build c = {f, false, nargs, args, value_index, NULL};
    return make_call(&c, out);
}

hl_status hl_buffer_call(hl_buffer *b, int nargs, hl_expr *const *args, hl_expr **out) {
    call_build c = {b, true, nargs, args, 0, NULL};
    return make_call(&c, out);
}
