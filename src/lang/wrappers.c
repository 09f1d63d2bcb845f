/* wrappers.c - Func.in_() and Func.clone_in(): Funcs that stand in for another one.
 *
 * f.in_(g) makes a wrapper Func "f_in_g" defined as f(args) and routes g's calls to f
 * through it, so that the wrapper can be scheduled on its own (a copy stage, a different
 * compute level, vectorized loads...); f.in_() routes every consumer's calls; f.clone_in(g)
 * gives g its own copy of f's definition. Asking twice for the same consumer returns the
 * same wrapper. Routing happens when a pipeline is lowered (func_redirect).
 * Ownership: f owns its wrappers; an in_() wrapper's call to f is a weak reference
 * (IR_REF_FUNC_WEAK), which breaks the f -> wrapper -> f cycle. When f goes away while a
 * wrapper is still held elsewhere, the wrapper gets a copy of f's definition, so it still
 * computes what f computed.
 */
#include "func.h"
#include "util/alloc.h"
#include "util/check.h"

#include <stdio.h>
#include <string.h>

hl_func *func_redirect(hl_func *callee, const hl_func *caller) {
    hl_func *global = NULL;
    for (int i = 0; i < callee->nwrappers; i++) {
        func_wrapper *w = &callee->wrappers[i];
        if (w->wrapper == caller) return callee; /* the wrapper's own call */
        if (w->consumer && caller && strcmp(w->consumer, caller->name) == 0) return w->wrapper;
        if (!w->consumer) global = w->wrapper;
    }
    return global ? global : callee;
}

/* values of f as a new definition of w (same argument names, so no renaming). */
static hl_status copy_definition(hl_func *w, const hl_func *f) {
    hl_expr *args[64] = {0};
    int n = f->nargs < 64 ? f->nargs : 64;
    hl_status s = HL_OK;
    for (int i = 0; i < n && s == HL_OK; i++) s = hl_expr_var(f->args[i], &args[i]);
    if (s == HL_OK) s = hl_func_define(w, n, args, f->nvalues, f->values);
    for (int i = 0; i < n; i++) hl_expr_release(args[i]);
    return s;
}

/* w(args) = f(args) for each value, the calls to f weak. */
typedef struct weak_call_build {
    hl_func *f;
    ir_node **values;
} weak_call_build;

static void build_weak_calls(hl_ctx *ctx, void *ud) {
    weak_call_build *b = ud;
    hl_func *f = b->f;
    ir_node **coords = ctx_alloc(ctx, sizeof(ir_node *) * (size_t)(f->nargs ? f->nargs : 1));
    for (int i = 0; i < f->nargs; i++) coords[i] = ir_var(ctx, ir_int(32), f->args[i]);
    for (int v = 0; v < f->nvalues; v++) {
        ir_node *call = ir_call(ctx, f->values[v]->type, f->name, IR_CALL_HALIDE, f->nargs, coords);
        call->op2 = v;
        ir_set_ref(call, IR_REF_FUNC_WEAK, f);
        b->values[v] = call;
    }
}

static hl_status define_as_call(hl_func *w, hl_func *f) {
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return HL_ERROR_NOMEM;
    ir_node *arena_values[64] = {0};
    weak_call_build b = {f, arena_values};
    int status = ctx_pcall(&ctx, build_weak_calls, &b);
    hl_expr *values[64] = {0}, *args[64] = {0};
    int nv = f->nvalues < 64 ? f->nvalues : 64, na = f->nargs < 64 ? f->nargs : 64;
    for (int v = 0; status == HL_OK && v < nv; v++)
        if (!(values[v] = ir_persist(arena_values[v]))) status = HL_ERROR_NOMEM;
    ctx_close(&ctx);
    for (int i = 0; status == HL_OK && i < na; i++) status = hl_expr_var(f->args[i], &args[i]);
    if (status == HL_OK) status = hl_func_define(w, na, args, nv, values);
    for (int i = 0; i < 64; i++) {
        hl_expr_release(values[i]);
        hl_expr_release(args[i]);
    }
    if (status == HL_ERROR_NOMEM) ctx_set_last_error("Out of memory");
    return (hl_status)status;
}

static hl_status make_wrapper(hl_func *f, const char *consumer, bool clone, hl_func **out) {
    *out = NULL;
    char msg[512];
    if (!hl_func_defined(f)) {
        snprintf(msg, sizeof msg, "Can't wrap Func %s: it has no definition yet", f->name);
        ctx_set_last_error(msg);
        return HL_ERROR_USER;
    }
    if (f->nargs > 64 || f->nvalues > 64) {
        ctx_set_last_error("Func has too many dimensions or values to wrap");
        return HL_ERROR_USER;
    }
    for (int i = 0; i < f->nwrappers; i++) {
        func_wrapper *w = &f->wrappers[i];
        if ((w->consumer == NULL) == (consumer == NULL) &&
            (!consumer || strcmp(w->consumer, consumer) == 0) && w->is_clone == clone) {
            hl_func_retain(w->wrapper);
            *out = w->wrapper;
            return HL_OK;
        }
    }
    char name[512];
    if (consumer)
        snprintf(name, sizeof name, "%s_%s_%s", f->name, clone ? "clone_in" : "in", consumer);
    else snprintf(name, sizeof name, "%s_global_wrapper", f->name);
    hl_func *w;
    hl_status s = hl_func_new(name, &w);
    if (s != HL_OK) return s;
    s = clone ? copy_definition(w, f) : define_as_call(w, f);
    func_wrapper *grown = s == HL_OK ? hl_realloc(f->wrappers, sizeof *grown * (size_t)(f->nwrappers + 1)) : NULL;
    char *consumer_copy = consumer && grown ? hl_strdup(consumer) : NULL;
    if (s == HL_OK && (!grown || (consumer && !consumer_copy))) {
        s = HL_ERROR_NOMEM;
        ctx_set_last_error("Out of memory");
    }
    if (grown) f->wrappers = grown;
    if (s != HL_OK) {
        hl_free(consumer_copy);
        hl_func_release(w);
        return s;
    }
    f->wrappers[f->nwrappers++] = (func_wrapper){consumer_copy, w, clone};
    func_bump_generation();
    hl_func_retain(w);
    *out = w;
    return HL_OK;
}

hl_status hl_func_in(hl_func *f, const char *consumer, hl_func **out) {
    return make_wrapper(f, consumer, false, out);
}

hl_status hl_func_clone_in(hl_func *f, const char *consumer, hl_func **out) {
    if (!consumer) {
        ctx_set_last_error("clone_in needs the consumer Func");
        return HL_ERROR_USER;
    }
    return make_wrapper(f, consumer, true, out);
}

void func_drop_wrappers(hl_func *f) {
    for (int i = 0; i < f->nwrappers; i++) {
        func_wrapper *w = &f->wrappers[i];
        if (!w->is_clone && w->wrapper->refs > 1) {
            /* Someone still holds the wrapper: it takes over f's definition. */
            hl_func *wr = w->wrapper;
            int nv = wr->nvalues, na = wr->nargs;
            ir_node **old_values = wr->values;
            char **old_args = wr->args;
            wr->values = NULL;
            wr->args = NULL;
            wr->nvalues = wr->nargs = 0;
            if (copy_definition(wr, f) != HL_OK) {
                /* Out of memory: keep the old (weak) definition rather than nothing. */
                wr->values = old_values;
                wr->args = old_args;
                wr->nvalues = nv;
                wr->nargs = na;
            } else {
                for (int v = 0; v < nv; v++) ir_release(old_values[v]);
                for (int a = 0; a < na; a++) hl_free(old_args[a]);
                hl_free(old_values);
                hl_free(old_args);
            }
        }
        hl_func_release(w->wrapper);
        hl_free(w->consumer);
    }
    hl_free(f->wrappers);
    f->wrappers = NULL;
    f->nwrappers = 0;
}
