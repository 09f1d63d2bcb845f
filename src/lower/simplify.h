/* simplify.h - the simplifier: constant folding, algebraic identities and canonical forms.
 *
 * One function serves as the lowering pass and as the expression utility other passes
 * call (bounds, loop partitioning, ...). It works on arena nodes only (the ctx must have
 * an arena) and is copy-on-write: a node that does not change comes back as the same
 * pointer, so "nothing to simplify" costs no allocation and is detectable by identity.
 *
 * Guarantees of the result (for expressions and statements alike):
 *   - every constant subexpression is folded with Halide's semantics (ir.h): Euclidean
 *     division, division by zero gives 0, unsigned and int8/int16 wrap, floats rounded to
 *     their type; a fold that overflows int32/int64 raises the user error "Signed integer
 *     overflow in constant expression ...";
 *   - constants sit on the right of commutative operators (Add, Mul, Min, Max, EQ, NE,
 *     And, Or); GT and GE are rewritten as LT and LE with the operands swapped;
 *   - integer sums keep their constant outermost: ((x + y) + 3), never ((x + 3) + y);
 *     signed subtraction of a constant becomes addition of its negation: (x + -3);
 *   - Lets whose value is a constant, a Variable, or a Broadcast/Ramp of those are
 *     substituted; Lets and LetStmts whose name is unused are dropped.
 *
 * THE EMPTY STATEMENT. A statement that does nothing is an Evaluate of a constant;
 * simplify_make_no_op builds the canonical one, Evaluate(int32 0), and simplify_is_no_op
 * recognises any of them. The simplifier returns it for a loop of extent <= 0, a true
 * assert, an if with a constant false condition and no else, and a Block of no-ops;
 * Block drops no-op halves. Passes can return it instead of NULL.
 */
#ifndef HL_LOWER_SIMPLIFY_H
#define HL_LOWER_SIMPLIFY_H

#include "ir/ir.h"

#include <stdbool.h>

/* Simplifies an expression or a statement (either works). Raises on a constant-fold
 * overflow of int32/int64 and on nesting deeper than CTX_MAX_DEPTH. */
ir_node *simplify_expr(hl_ctx *ctx, ir_node *e);
/* The lowering pass: the same function, for a statement. */
ir_node *lower_simplify(hl_ctx *ctx, ir_node *stmt);

/* Evaluate(int32 0), the canonical empty statement. */
ir_node *simplify_make_no_op(hl_ctx *ctx);
/* Whether s is an empty statement (an Evaluate of a constant). */
bool simplify_is_no_op(const ir_node *s);

#endif
