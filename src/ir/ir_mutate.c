/* ir_mutate.c - the visitor and mutator kits, substitution and free-variable queries.
 *
 * The mutator is copy-on-write: a node whose kids all come back unchanged is returned
 * as the same pointer, so passes that change nothing cost no allocation and the lowering
 * driver can detect "(unchanged)" by pointer identity. Every recursion goes through
 * ir_visit / ir_mutate, which guard the depth with ctx_enter.
 */
#include "ir.h"
#include "util/check.h"

#include <string.h>

void ir_visit(ir_visitor *v, const ir_node *n) {
    if (!n) return;
    ctx_enter(v->ctx);
    if (v->visit) v->visit(v, n);
    else ir_visit_kids(v, n);
    ctx_leave(v->ctx);
}

void ir_visit_kids(ir_visitor *v, const ir_node *n) {
    for (int i = 0; i < n->nkids; i++) ir_visit(v, n->kids[i]);
}

ir_node *ir_mutate(ir_mutator *m, ir_node *n) {
    if (!n) return NULL;
    ctx_enter(m->ctx);
    ir_node *r = m->mutate ? m->mutate(m, n) : ir_mutate_kids(m, n);
    ctx_leave(m->ctx);
    return r;
}

ir_node *ir_mutate_kids(ir_mutator *m, ir_node *n) {
    ir_node *small[8];
    ir_node **kids = n->nkids <= 8 ? small : ctx_alloc(m->ctx, n->nkids * sizeof(ir_node *));
    bool changed = false;
    for (int i = 0; i < n->nkids; i++) {
        kids[i] = ir_mutate(m, n->kids[i]);
        changed |= kids[i] != n->kids[i];
    }
    if (!changed) return n;
    ir_node *c = ir_copy_with_kids(m->ctx, n, kids);
    /* Types that follow a kid's (Let, and lanes of a Broadcast/Ramp) are the caller's job:
     * passes that change types rebuild those nodes with the constructors. */
    if (n->kind == IR_Let) c->type = kids[1]->type;
    return c;
}

/* ---- Substitution ---------------------------------------------------------------------- */

typedef struct {
    int n;
    const char *const *names;
    ir_node *const *values;
} substitute_state;

static bool binds(const ir_node *n, const char *name) {
    return (n->kind == IR_Let || n->kind == IR_LetStmt || n->kind == IR_For) && n->name &&
           strcmp(n->name, name) == 0;
}

static int find_name(const substitute_state *s, const char *name) {
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0) return i;
    return -1;
}

static ir_node *substitute_one(ir_mutator *m, ir_node *n) {
    substitute_state *s = m->state;
    if (n->kind == IR_Variable) {
        int i = find_name(s, n->name);
        return i >= 0 ? s->values[i] : n;
    }
    int shadowed = (n->kind == IR_Let || n->kind == IR_LetStmt || n->kind == IR_For) && n->name
                       ? find_name(s, n->name)
                       : -1;
    if (shadowed < 0) return ir_mutate_kids(m, n);
    /* The name is rebound: the value (Let) or bounds (For) see the outer binding, the body
     * sees every other substitution but this one. */
    ir_node *kids[3];
    int last = n->nkids - 1;
    for (int i = 0; i < last; i++) kids[i] = ir_mutate(m, n->kids[i]);
    const char **names = ctx_alloc(m->ctx, sizeof(char *) * (size_t)s->n);
    ir_node **values = ctx_alloc(m->ctx, sizeof(ir_node *) * (size_t)s->n);
    int k = 0;
    for (int i = 0; i < s->n; i++)
        if (i != shadowed) {
            names[k] = s->names[i];
            values[k++] = s->values[i];
        }
    kids[last] = ir_substitute_many(m->ctx, n->kids[last], k, names, values);
    bool changed = false;
    for (int i = 0; i <= last; i++) changed |= kids[i] != n->kids[i];
    return changed ? ir_copy_with_kids(m->ctx, n, kids) : n;
}

ir_node *ir_substitute_many(hl_ctx *ctx, ir_node *n, int count, const char *const *names,
                            ir_node *const *values) {
    if (count == 0) return n;
    substitute_state s = {count, names, values};
    ir_mutator m = {ctx, substitute_one, &s};
    return ir_mutate(&m, n);
}

ir_node *ir_substitute(hl_ctx *ctx, ir_node *n, const char *name, ir_node *value) {
    return ir_substitute_many(ctx, n, 1, &name, &value);
}

typedef struct {
    const char *name;
    bool found;
} uses_state;

static void uses_one(ir_visitor *v, const ir_node *n) {
    uses_state *s = v->state;
    if (s->found) return;
    if (n->kind == IR_Variable && strcmp(n->name, s->name) == 0) {
        s->found = true;
        return;
    }
    if (binds(n, s->name)) {
        for (int i = 0; i + 1 < n->nkids; i++) ir_visit(v, n->kids[i]);
        return;
    }
    ir_visit_kids(v, n);
}

bool ir_uses_var(hl_ctx *ctx, const ir_node *n, const char *name) {
    uses_state s = {name, false};
    ir_visitor v = {ctx, uses_one, &s};
    ir_visit(&v, n);
    return s.found;
}
