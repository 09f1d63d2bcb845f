/* box.h - the region of a Func or buffer that a statement touches.
 *
 * box_touched walks a statement and returns, per dimension, an interval containing every
 * coordinate at which it calls (reads) or provides (writes) the named Func or buffer.
 * Variables bound inside the statement (loops, lets) are replaced by their ranges; every
 * other variable stays symbolic, so the box is valid where the statement starts. An
 * IfThenElse whose condition bounds a variable (v <= e, v < e, v >= e, v > e, and
 * conjunctions) narrows that variable in its then-branch.
 */
#ifndef HL_LOWER_BOX_H
#define HL_LOWER_BOX_H

#include "interval.h"

typedef struct box {
    int dims;
    interval *d; /* per dimension; unbounded sides are NULL */
    bool used;   /* whether anything was touched at all */
} box;

typedef enum box_mode { BOX_CALLS, BOX_PROVIDES } box_mode;

/* The box of calls to (or provides of) `target` (an hl_func or hl_buffer) over s. */
box box_touched(hl_ctx *ctx, const ir_node *s, const void *target, int dims, box_mode mode);

#endif
