/* rdom.c - reduction domains (RDom) and their variables (RVars). See hl_rdom.h.
 *
 * An RDom owns its bounds and predicate (heap Exprs). Its RVars are Variables named
 * "<rdom>.x", "<rdom>.y", "<rdom>.z", "<rdom>.w", then "<rdom>.4"... whose ref is the
 * RDom, so that an update definition can find the RDom it iterates over.
 */
#include "func.h"
#include "util/alloc.h"
#include "util/check.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static _Atomic unsigned long next_rdom_id = 0;

static hl_status fail(hl_status s, const char *msg) {
    ctx_set_last_error(msg);
    return s;
}

/* The name of a pure Var (a Variable that is not a Param, field or RVar) in e, or NULL. */
static const char *free_var(const ir_node *e) {
    if (!e) return NULL;
    if (e->kind == IR_Variable && e->ref_kind == IR_REF_NONE) return e->name;
    for (int i = 0; i < e->nkids; i++) {
        const char *v = free_var(e->kids[i]);
        if (v) return v;
    }
    return NULL;
}

static bool is_int_scalar(const hl_expr *e) {
    return e && (ir_is_int(e->type) || ir_is_uint(e->type)) && !ir_is_bool(e->type) && e->type.lanes == 1;
}

hl_status hl_rdom_new(int dims, hl_expr *const *mins, hl_expr *const *extents, const char *name,
                      hl_rdom **out) {
    *out = NULL;
    if (dims < 1 || dims > 16) return fail(HL_ERROR_USER, "An RDom has 1 to 16 dimensions");
    for (int i = 0; i < dims; i++) {
        if (!is_int_scalar(mins[i]) || !is_int_scalar(extents[i]))
            return fail(HL_ERROR_USER, "The bounds of an RDom must be integer expressions");
        const char *free = free_var(mins[i]);
        if (!free) free = free_var(extents[i]);
        if (free) {
            char msg[300];
            snprintf(msg, sizeof msg, "The bounds of an RDom can't depend on the Var %s: use Params, "
                     "buffer fields or constants", free);
            return fail(HL_ERROR_USER, msg);
        }
    }
    char generated[32];
    if (!name || !name[0]) {
        snprintf(generated, sizeof generated, "r%lu", atomic_fetch_add(&next_rdom_id, 1));
        name = generated;
    }
    hl_rdom *r = hl_calloc(1, sizeof *r);
    if (!r) return fail(HL_ERROR_NOMEM, "Out of memory");
    r->refs = 1;
    r->name = hl_strdup(name);
    r->vars = hl_calloc((size_t)dims, sizeof(char *));
    r->mins = hl_calloc((size_t)dims, sizeof(ir_node *));
    r->extents = hl_calloc((size_t)dims, sizeof(ir_node *));
    bool ok = r->name && r->vars && r->mins && r->extents;
    static const char *suffix[] = {"x", "y", "z", "w"};
    for (int i = 0; ok && i < dims; i++) {
        char buf[600];
        if (i < 4) snprintf(buf, sizeof buf, "%s.%s", name, suffix[i]);
        else snprintf(buf, sizeof buf, "%s.%d", name, i);
        ok = (r->vars[i] = hl_strdup(buf)) != NULL;
        r->dims = i + 1;
        /* Coordinates are int32. */
        hl_operand m = hl_operand_expr(mins[i]), e = hl_operand_expr(extents[i]);
        if (ok) ok = hl_expr_cast(ir_int(32), m, &r->mins[i]) == HL_OK;
        if (ok) ok = hl_expr_cast(ir_int(32), e, &r->extents[i]) == HL_OK;
    }
    if (!ok) {
        hl_rdom_release(r);
        return fail(HL_ERROR_NOMEM, "Out of memory");
    }
    *out = r;
    return HL_OK;
}

void hl_rdom_retain(hl_rdom *r) {
    if (r) r->refs++;
}

void hl_rdom_release(hl_rdom *r) {
    if (!r || --r->refs > 0) return;
    for (int i = 0; i < r->dims; i++) {
        hl_free(r->vars ? r->vars[i] : NULL);
        ir_release(r->mins ? r->mins[i] : NULL);
        ir_release(r->extents ? r->extents[i] : NULL);
    }
    hl_free(r->vars);
    hl_free(r->mins);
    hl_free(r->extents);
    ir_release(r->predicate);
    hl_free(r->name);
    hl_free(r);
}

int hl_rdom_dimensions(const hl_rdom *r) { return r->dims; }
const char *hl_rdom_name(const hl_rdom *r) { return r->name; }
const hl_expr *hl_rdom_min(const hl_rdom *r, int i) { return i >= 0 && i < r->dims ? r->mins[i] : NULL; }
const hl_expr *hl_rdom_extent(const hl_rdom *r, int i) {
    return i >= 0 && i < r->dims ? r->extents[i] : NULL;
}

typedef struct rvar_build {
    hl_rdom *r;
    int i;
    ir_node *result;
} rvar_build;

static void build_rvar(hl_ctx *ctx, void *ud) {
    rvar_build *b = ud;
    user_assert(ctx, b->i >= 0 && b->i < b->r->dims, "RDom %s has %d dimension%s; there is no RVar %d",
                b->r->name, b->r->dims, b->r->dims == 1 ? "" : "s", b->i);
    ir_node *v = ir_var(ctx, ir_int(32), b->r->vars[b->i]);
    ir_set_ref(v, IR_REF_RDOM, b->r);
    b->result = v;
}

hl_status hl_rdom_var(hl_rdom *r, int i, hl_expr **out) {
    *out = NULL;
    rvar_build b = {r, i, NULL};
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    if (!ctx.arena) return fail(HL_ERROR_NOMEM, "Out of memory");
    int status = ctx_pcall(&ctx, build_rvar, &b);
    if (status == HL_OK && !(*out = ir_persist(b.result))) status = fail(HL_ERROR_NOMEM, "Out of memory");
    ctx_close(&ctx);
    return (hl_status)status;
}

typedef struct detach_job {
    const hl_rdom *r;
    const ir_node *in;
    ir_node *result; /* heap */
} detach_job;

static ir_node *detach_mutate(ir_mutator *m, ir_node *n) {
    if (n->kind == IR_Variable && n->ref_kind == IR_REF_RDOM && n->ref == m->state)
        return ir_var(m->ctx, n->type, n->name);
    return ir_mutate_kids(m, n);
}

static void detach_protected(hl_ctx *ctx, void *ud) {
    detach_job *job = ud;
    ir_mutator m = {ctx, detach_mutate, (void *)job->r};
    job->result = ir_persist(ir_mutate(&m, (ir_node *)job->in));
}

hl_status hl_rdom_where(hl_rdom *r, const hl_expr *predicate) {
    if (r->used) {
        char msg[300];
        snprintf(msg, sizeof msg, "RDom %s cannot be given a new predicate, because it has already been used "
                 "in an update definition", r->name);
        return fail(HL_ERROR_USER, msg);
    }
    if (!predicate || !ir_is_bool(predicate->type) || predicate->type.lanes != 1)
        return fail(HL_ERROR_USER, "The predicate of an RDom (where) must be a boolean expression");
    hl_expr *combined = (hl_expr *)predicate;
    if (r->predicate) {
        hl_status s = hl_expr_binop(HL_OP_AND, hl_operand_expr(r->predicate), hl_operand_expr(predicate), &combined);
        if (s != HL_OK) return s;
    } else {
        ir_retain(combined);
    }
    /* The RDom's own RVars in its predicate are plain names: a reference back to the RDom
     * would be a cycle (lowering finds RVars by name). */
    detach_job job = {r, combined, NULL};
    hl_ctx ctx;
    ctx_init(&ctx, 1);
    int status = ctx.arena ? ctx_pcall(&ctx, detach_protected, &job) : HL_ERROR_NOMEM;
    ctx_close(&ctx);
    hl_expr_release(combined);
    if (status != HL_OK || !job.result) return fail(HL_ERROR_NOMEM, "Out of memory");
    ir_release(r->predicate);
    r->predicate = job.result;
    func_bump_generation();
    return HL_OK;
}

hl_status hl_rvar_bounds(const hl_expr *e, hl_expr **min, hl_expr **extent) {
    *min = *extent = NULL;
    if (!e || e->kind != IR_Variable || e->ref_kind != IR_REF_RDOM)
        return fail(HL_ERROR_USER, "This RVar does not belong to an RDom, so it has no bounds");
    const hl_rdom *r = e->ref;
    for (int i = 0; i < r->dims; i++)
        if (strcmp(r->vars[i], e->name) == 0) {
            ir_retain(r->mins[i]);
            ir_retain(r->extents[i]);
            *min = r->mins[i];
            *extent = r->extents[i];
            return HL_OK;
        }
    return fail(HL_ERROR_INTERNAL, "internal error: an RVar is not a variable of its RDom");
}

hl_rdom *hl_func_update_rdom(const hl_func *f, int stage) {
    return stage >= 1 && stage <= f->nupdates ? f->updates[stage - 1].rdom : NULL;
}
