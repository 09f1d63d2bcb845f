/* loop_extent.h - how many copies an unrolled or vectorized loop expands to.
 *
 * Unrolling and vectorizing need a constant count. Bounds inference often leaves an
 * extent that is one only through the lets around the loop (tile bounds: (m + 3) - m + 1),
 * or that is merely bounded by one (min(e, 4), the tail of a GuardWithIf split inside a
 * compute_at). loop_extent_count simplifies the extent; failing a constant, it substitutes
 * the LetStmts around the loop and simplifies again; failing that, it takes a constant upper
 * bound of the extent over the ranges of the enclosing loops (interval_constant_bound), and
 * the caller then guards each copy (or lane) with var < min + extent, as Halide does.
 *
 * The passes track the statements around the loop with loop_scope_mutate_kids.
 */
#ifndef HL_LOWER_LOOP_EXTENT_H
#define HL_LOWER_LOOP_EXTENT_H

#include "ir/ir.h"

/* A LetStmt or For around the statement being mutated, innermost first; entries live in the
 * mutator's C frames. */
typedef struct loop_scope {
    const ir_node *stmt;
    const struct loop_scope *next;
} loop_scope;

typedef struct loop_count {
    bool found;      /* false: no constant bound exists (the caller raises) */
    int64_t count;   /* copies to make (<= 0: the loop never runs) */
    bool guarded;    /* count is an upper bound: copy i runs only when i < extent */
    ir_node *extent; /* the extent as simplified with the lets substituted (for messages) */
} loop_count;

/* The count of loop (a For) under the statements of scope. */
loop_count loop_extent_count(hl_ctx *ctx, const ir_node *loop, const loop_scope *scope);

/* ir_mutate_kids(m, n) with n pushed on *top while its kids are mutated, when n is a
 * LetStmt or For (m->state's scope is the caller's business: top points into it). */
ir_node *loop_scope_mutate_kids(ir_mutator *m, ir_node *n, const loop_scope **top);

#endif
