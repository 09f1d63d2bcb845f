/* simplify_stmt.c - the simplifier's statement rules.
 *
 * What it does: simplifies a statement's expressions and sub-statements, then removes
 * what cannot run or does nothing: a For of constant extent <= 0, an IfThenElse with a
 * constant condition (the dead branch goes), an AssertStmt whose condition is true, a
 * Store whose predicate is false, and ProducerConsumer/Allocate/Realize/For/If nodes
 * whose bodies are empty. A For of extent 1 becomes a LetStmt of its variable. Block drops
 * empty halves.
 *
 * Input invariants: those of simplify.c. Statements without side effects in their
 * conditions (an if whose both branches are empty is dropped with its condition).
 *
 * Output guarantees: the empty statement is Evaluate of a constant (simplify.h); no Block
 * has an empty half; an IfThenElse has a non-empty then-case and, if any, a non-empty
 * else-case. Unchanged statements come back as the same pointers.
 */
#include "lower/simplify_internal.h"
#include "util/check.h"

/* n with its kids replaced by kids (all of them, NULL where optional), or n itself. */
static ir_node *rebuild(simplifier *s, ir_node *n, ir_node *const *kids) {
    for (int i = 0; i < n->nkids; i++)
        if (kids[i] != n->kids[i]) return ir_copy_with_kids(s->ctx, n, kids);
    return n;
}

static ir_node *no_op(simplifier *s) { return simplify_make_no_op(s->ctx); }

static ir_node *simplify_for(simplifier *s, ir_node *n) {
    ir_node *kids[3] = {simp_mutate(s, n->kids[0]), simp_mutate(s, n->kids[1]), NULL};
    int64_t extent;
    bool constant = ir_const_int(kids[1], &extent);
    if (constant && extent <= 0) return no_op(s);
    if (constant && extent == 1) return simp_let_like(s, NULL, IR_LetStmt, n->name, kids[0], n->kids[2]);
    simp_binding loop_var = {s->scope, n->name, NULL};
    s->scope = &loop_var;
    kids[2] = simp_mutate(s, n->kids[2]);
    s->scope = loop_var.prev;
    if (simplify_is_no_op(kids[2])) return kids[2];
    return rebuild(s, n, kids);
}

static ir_node *simplify_if(simplifier *s, ir_node *n) {
    ir_node *cond = simp_mutate(s, n->kids[0]);
    if (simp_is_true(cond)) return simp_mutate(s, n->kids[1]);
    if (simp_is_false(cond)) return n->kids[2] ? simp_mutate(s, n->kids[2]) : no_op(s);
    ir_node *then_case = simp_mutate(s, n->kids[1]);
    ir_node *else_case = simp_mutate(s, n->kids[2]);
    if (else_case && simplify_is_no_op(else_case)) else_case = NULL;
    if (simplify_is_no_op(then_case)) {
        if (!else_case) return then_case;
        cond = simp_not(s, cond, NULL);
        then_case = else_case;
        else_case = NULL;
    }
    ir_node *kids[3] = {cond, then_case, else_case};
    return rebuild(s, n, kids);
}

static ir_node *simplify_block(simplifier *s, ir_node *n) {
    ir_node *kids[2] = {simp_mutate(s, n->kids[0]), simp_mutate(s, n->kids[1])};
    if (simplify_is_no_op(kids[0])) return kids[1];
    if (simplify_is_no_op(kids[1])) return kids[0];
    return rebuild(s, n, kids);
}

static ir_node *simplify_store(simplifier *s, ir_node *n) {
    ir_node *kids[3] = {simp_mutate(s, n->kids[0]), simp_mutate(s, n->kids[1]),
                        simp_mutate(s, n->kids[2])};
    if (kids[2] && simp_is_false(kids[2])) return no_op(s);
    if (kids[2] && simp_is_true(kids[2])) kids[2] = NULL;
    return rebuild(s, n, kids);
}

/* Nodes whose body is kid 0 and that do nothing when it is empty. */
static ir_node *simplify_wrapper(simplifier *s, ir_node *n) {
    ir_node *small[8];
    ir_node **kids = n->nkids <= 8 ? small : ctx_alloc(s->ctx, n->nkids * sizeof(ir_node *));
    for (int i = 0; i < n->nkids; i++) kids[i] = simp_mutate(s, n->kids[i]);
    if (simplify_is_no_op(kids[0])) return kids[0];
    if (n->kind == IR_Allocate && kids[1] && simp_is_true(kids[1])) kids[1] = NULL;
    return rebuild(s, n, kids);
}

ir_node *simp_stmt(simplifier *s, ir_node *n) {
    ir_node *kids[2];
    switch ((int)n->kind) {
    case IR_LetStmt:
        return simp_let_like(s, n, IR_LetStmt, n->name, simp_mutate(s, n->kids[0]), n->kids[1]);
    case IR_AssertStmt:
        kids[0] = simp_mutate(s, n->kids[0]);
        if (simp_is_true(kids[0])) return no_op(s);
        kids[1] = simp_mutate(s, n->kids[1]);
        return rebuild(s, n, kids);
    case IR_ProducerConsumer:
    case IR_Allocate:
    case IR_Realize: return simplify_wrapper(s, n);
    case IR_For: return simplify_for(s, n);
    case IR_Store: return simplify_store(s, n);
    case IR_Block: return simplify_block(s, n);
    case IR_IfThenElse: return simplify_if(s, n);
    case IR_Provide:
    case IR_Free:
    case IR_Evaluate: return ir_mutate_kids(&s->m, n);
    default: break;
    }
    internal_error(s->ctx, "simplify: %s is not a statement", ir_kind_name((ir_kind)n->kind));
}
