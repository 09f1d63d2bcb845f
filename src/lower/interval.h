/* interval.h - interval arithmetic over expressions (bounds of an Expr over a scope).
 *
 * An interval is [min, max] with inclusive symbolic bounds; a NULL bound means unbounded
 * (-infinity for min, +infinity for max). bounds_of_expr_in_scope gives an interval that
 * contains every value the expression takes when each variable of the scope ranges over
 * its interval (variables not in the scope are treated as single symbolic points).
 * Results are not simplified; callers simplify what they keep.
 */
#ifndef HL_LOWER_INTERVAL_H
#define HL_LOWER_INTERVAL_H

#include "ir/ir.h"

typedef struct interval {
    ir_node *min, *max; /* NULL: unbounded */
} interval;

typedef struct interval_scope interval_scope;
struct interval_scope {
    const char *name;
    interval value;
    const interval_scope *next;
};

interval bounds_of_expr_in_scope(hl_ctx *ctx, const ir_node *e, const interval_scope *scope);
/* The smallest interval containing both (NULL-aware). */
interval interval_union(hl_ctx *ctx, interval a, interval b);
static inline bool interval_is_bounded(interval i) { return i.min && i.max; }
/* A constant c with e <= c (upper) or e >= c (lower) for every value the scope's variables
 * take, following e's min/max structure and interval arithmetic (constant_bound.c): true
 * with *bound set, or false when none was found. e is an integer scalar. */
bool interval_constant_bound(hl_ctx *ctx, ir_node *e, bool upper, const interval_scope *scope,
                             int64_t *bound);

#endif
