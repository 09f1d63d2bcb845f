/* simplify.c - the simplifier's driver: entry points, dispatch by kind, let scope.
 *
 * What it does: walks the tree bottom-up with a copy-on-write ir_mutator. Each
 * expression node's kids are simplified first, then the node goes to its operator's entry
 * point (simplify_<op>.c: constant folding, then the rule table); statements go to
 * simplify_stmt.c. Let and LetStmt bind their name in a scope: a simple value (constant,
 * Variable, or a Broadcast/Ramp of those) is substituted for the variable in the body, any
 * other value just hides outer bindings of the name; an unused let is dropped (a Load or
 * Store of buffer `name` uses the let `name`: it binds the buffer's host pointer).
 *
 * Input invariants: an arena ctx (nodes are immortal and shared freely); well-typed IR
 * (both operands of a binary node share a type). Names may be rebound: substitution
 * checks that no binding between a let and a use captures a name its value mentions.
 *
 * Output guarantees: see simplify.h. Unchanged subtrees come back as the same pointers;
 * recursion is depth-guarded by ir_mutate (and simp_rewrite for rule rewrites).
 */
#include "lower/simplify_internal.h"
#include "util/check.h"

#include <stdlib.h>
#include <string.h>

ir_node *simplify_make_no_op(hl_ctx *ctx) {
    return ir_evaluate(ctx, ir_int_imm(ctx, ir_int(32), 0));
}

bool simplify_is_no_op(const ir_node *s) {
    return s && s->kind == IR_Evaluate && simp_const_of(s->kids[0]) != NULL;
}

ir_node *simp_mutate(simplifier *s, ir_node *n) { return ir_mutate(&s->m, n); }

/* ---- Scope ----------------------------------------------------------------------------- */

static bool is_leaf_value(const ir_node *v) {
    return v->kind == IR_Variable || simp_const_of(v) == v;
}

/* Values worth substituting: they cost nothing to repeat. */
static bool is_simple_value(const ir_node *v) {
    if (is_leaf_value(v)) return true;
    if (v->kind == IR_Broadcast) return is_leaf_value(v->kids[0]);
    if (v->kind == IR_Ramp) return is_leaf_value(v->kids[0]) && is_leaf_value(v->kids[1]);
    return false;
}

/* Whether a simple value mentions the variable `name`. */
static bool mentions(const ir_node *v, const char *name) {
    if (v->kind == IR_Variable) return strcmp(v->name, name) == 0;
    for (int i = 0; i < v->nkids; i++)
        if (mentions(v->kids[i], name)) return true;
    return false;
}

static ir_node *lookup(simplifier *s, ir_node *var) {
    for (simp_binding *b = s->scope; b; b = b->prev) {
        if (strcmp(b->name, var->name) != 0) continue;
        if (!b->value || !ir_type_eq(b->value->type, var->type)) return var;
        /* A binding made since this one that rebinds a name of the value captures it. */
        for (simp_binding *above = s->scope; above != b; above = above->prev)
            if (mentions(b->value, above->name)) return var;
        return b->value;
    }
    return var;
}

typedef struct use_search {
    const char *name;
    bool found;
} use_search;

static void find_use(ir_visitor *v, const ir_node *n) {
    use_search *u = v->state;
    if (u->found) return;
    bool named = n->name && strcmp(n->name, u->name) == 0;
    /* A Load or Store names its buffer's host pointer, a symbol a let may bind. */
    if (named && (n->kind == IR_Variable || n->kind == IR_Load || n->kind == IR_Store)) {
        u->found = true;
        return;
    }
    if (named && (n->kind == IR_Let || n->kind == IR_LetStmt || n->kind == IR_For)) {
        /* Rebound: only the value (or the loop bounds) can see the outer binding. */
        for (int i = 0; i + 1 < n->nkids; i++) ir_visit(v, n->kids[i]);
        return;
    }
    ir_visit_kids(v, n);
}

/* Whether code uses the let-bound symbol `name`: as a Variable, or as the buffer of a Load
 * or Store. */
static bool uses_symbol(simplifier *s, const ir_node *code, const char *name) {
    use_search u = {name, false};
    ir_visitor v = {s->ctx, find_use, &u};
    ir_visit(&v, code);
    return u.found;
}

ir_node *simp_let_like(simplifier *s, ir_node *orig, ir_kind kind, const char *name,
                       ir_node *value, ir_node *body) {
    simp_binding b = {s->scope, name, is_simple_value(value) ? value : NULL};
    s->scope = &b;
    ir_node *new_body = simp_mutate(s, body);
    s->scope = b.prev;
    if (kind == IR_LetStmt && simplify_is_no_op(new_body)) return new_body;
    if (!uses_symbol(s, new_body, name)) return new_body;
    if (orig && value == orig->kids[0] && new_body == orig->kids[1]) return orig;
    return kind == IR_Let ? ir_let(s->ctx, name, value, new_body)
                          : ir_let_stmt(s->ctx, name, value, new_body);
}

/* ---- Binary operators --------------------------------------------------------------------- */

static simp_rule_set_id rule_set_of(ir_kind kind) {
    switch ((int)kind) {
    case IR_Add: return SIMP_RULES_ADD;
    case IR_Sub: return SIMP_RULES_SUB;
    case IR_Mul: return SIMP_RULES_MUL;
    case IR_Div:
    case IR_Mod: return SIMP_RULES_DIV;
    case IR_Min:
    case IR_Max: return SIMP_RULES_MINMAX;
    default: return SIMP_RULES_CMP;
    }
}

simp_fold_status simp_fold_binary(simplifier *s, ir_kind kind, ir_node *a, ir_node *b,
                                  ir_node **out) {
    switch ((int)kind) {
    case IR_Add: return simp_fold_add(s, a, b, out);
    case IR_Sub: return simp_fold_sub(s, a, b, out);
    case IR_Mul: return simp_fold_mul(s, a, b, out);
    case IR_Div: return simp_fold_div(s, a, b, out);
    case IR_Mod: return simp_fold_mod(s, a, b, out);
    case IR_Min:
    case IR_Max: return simp_fold_minmax(s, kind, a, b, out);
    default: return simp_fold_cmp(s, kind, a, b, out);
    }
}

ir_node *simp_binary(simplifier *s, ir_kind kind, ir_node *a, ir_node *b, ir_node *orig) {
    ir_node *out;
    switch (simp_fold_binary(s, kind, a, b, &out)) {
    case SIMP_FOLD_DONE: return out;
    case SIMP_FOLD_OVERFLOW: simp_overflow_error(s, kind, a, b);
    case SIMP_FOLD_NONE: break;
    }
    bool compare = kind >= IR_EQ && kind <= IR_GE;
    hl_type t = compare ? ir_with_lanes(ir_bool(), a->type.lanes) : a->type;
    ir_node *kids[2] = {a, b};
    ir_node *r = simp_rewrite(s, rule_set_of(kind), kind, 2, kids, t, a->type);
    if (r) return r;
    if (orig && orig->kids[0] == a && orig->kids[1] == b) return orig;
    return ir_binary(s->ctx, kind, a, b);
}

/* ---- Dispatch ------------------------------------------------------------------------------- */

static ir_node *simplify_load(simplifier *s, ir_node *n) {
    ir_node *kids[2] = {simp_mutate(s, n->kids[0]), simp_mutate(s, n->kids[1])};
    if (kids[1] && simp_is_true(kids[1])) kids[1] = NULL;
    if (kids[0] == n->kids[0] && kids[1] == n->kids[1]) return n;
    return ir_copy_with_kids(s->ctx, n, kids);
}

static ir_node *simplify_call_node(simplifier *s, ir_node *n) {
    ir_node *small[8];
    ir_node **args = n->nkids <= 8 ? small : ctx_alloc(s->ctx, n->nkids * sizeof(ir_node *));
    bool changed = false;
    for (int i = 0; i < n->nkids; i++) {
        args[i] = simp_mutate(s, n->kids[i]);
        changed |= args[i] != n->kids[i];
    }
    return simp_call(s, n, args, changed);
}

static ir_node *simplify_one(ir_mutator *m, ir_node *n) {
    simplifier *s = m->state;
    int lanes;
    switch ((ir_kind)n->kind) {
    case IR_IntImm:
    case IR_UIntImm:
    case IR_FloatImm:
    case IR_StringImm: return n;
    case IR_Variable: return lookup(s, n);
    case IR_Cast: return simp_cast(s, n->type, simp_mutate(s, n->kids[0]), n);
    case IR_Reinterpret: return simp_reinterpret(s, n->type, simp_mutate(s, n->kids[0]), n);
    case IR_Add:
    case IR_Sub:
    case IR_Mul:
    case IR_Div:
    case IR_Mod:
    case IR_Min:
    case IR_Max:
    case IR_EQ:
    case IR_NE:
    case IR_LT:
    case IR_LE:
    case IR_GT:
    case IR_GE:
    case IR_And:
    case IR_Or: {
        ir_node *a = simp_mutate(s, n->kids[0]);
        ir_node *b = simp_mutate(s, n->kids[1]);
        return simp_binary(s, (ir_kind)n->kind, a, b, n);
    }
    case IR_Not: return simp_not(s, simp_mutate(s, n->kids[0]), n);
    case IR_Select: {
        ir_node *c = simp_mutate(s, n->kids[0]);
        ir_node *t = simp_mutate(s, n->kids[1]);
        ir_node *f = simp_mutate(s, n->kids[2]);
        return simp_select(s, c, t, f, n);
    }
    case IR_Load: return simplify_load(s, n);
    case IR_Ramp:
        lanes = n->type.lanes / n->kids[0]->type.lanes;
        return simp_ramp(s, simp_mutate(s, n->kids[0]), simp_mutate(s, n->kids[1]), lanes, n);
    case IR_Broadcast:
        lanes = n->type.lanes / n->kids[0]->type.lanes;
        return simp_broadcast(s, simp_mutate(s, n->kids[0]), lanes, n);
    case IR_Let:
        return simp_let_like(s, n, IR_Let, n->name, simp_mutate(s, n->kids[0]), n->kids[1]);
    case IR_Call: return simplify_call_node(s, n);
    case IR_Shuffle: return ir_mutate_kids(m, n);
    case IR_LetStmt:
    case IR_AssertStmt:
    case IR_ProducerConsumer:
    case IR_For:
    case IR_Store:
    case IR_Provide:
    case IR_Allocate:
    case IR_Free:
    case IR_Realize:
    case IR_Block:
    case IR_IfThenElse:
    case IR_Evaluate: return simp_stmt(s, n);
    }
    internal_error(s->ctx, "simplify: unknown node kind %d", n->kind);
}

static ir_node *simplify_any(hl_ctx *ctx, ir_node *n) {
    internal_assert(ctx, ctx->arena != NULL, "the simplifier works on arena nodes only");
    simplifier s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.m.ctx = ctx;
    s.m.mutate = simplify_one;
    s.m.state = &s;
    const char *debug = getenv("HL_DEBUG_SIMPLIFY");
    s.trace = debug && atoi(debug) > 0;
    return ir_mutate(&s.m, n);
}

ir_node *simplify_expr(hl_ctx *ctx, ir_node *e) { return simplify_any(ctx, e); }

ir_node *lower_simplify(hl_ctx *ctx, ir_node *stmt) { return simplify_any(ctx, stmt); }
